"""Tests of the fake's server subsystem and transfer routes (tests/fake/fake/
server_settings.py): the proxy (and its configuration's PUT), docker cleanup and its
executions, sentinel, log drains, the cloudflare tunnel, and export/import/claim/
migrate, as ServerProxyController, ServerDockerCleanupController, ServerSentinelController,
ServerLogDrainsController, ServerCloudflareTunnelController and ServerTransferController do
them at HEAD. The seed has none of them (the catch-all 404)."""
import base64

import pytest

from test_fake import READ, READSENS, ROOT, WRITE, Fake

V1 = "/api/v1"


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


@pytest.fixture
def latest(fake):
    if fake.mode != "latest":
        pytest.skip("current Coolify only")
    return fake


def servers(fake):
    return {s["name"]: s["uuid"] for s in fake.ok("GET", V1 + "/servers")}


ROUTES = [("GET", "/proxy"), ("PATCH", "/proxy"), ("PUT", "/proxy/configuration"),
          ("POST", "/proxy/restart"), ("GET", "/docker-cleanup"), ("PATCH", "/docker-cleanup"),
          ("POST", "/docker-cleanup/run"), ("GET", "/docker-cleanup/executions"),
          ("GET", "/sentinel"), ("PATCH", "/sentinel"), ("GET", "/log-drains"),
          ("PATCH", "/log-drains"), ("GET", "/cloudflare-tunnel"),
          ("PATCH", "/cloudflare-tunnel"), ("POST", "/cloudflare-tunnel/enable"),
          ("POST", "/cloudflare-tunnel/disable"), ("GET", "/export"),
          ("POST", "/export/mailbox"), ("POST", "/claim"), ("POST", "/transfer/complete"),
          ("POST", "/migrate")]


def test_the_seed_has_none(fake):
    if fake.mode != "seed":
        pytest.skip("the 2025 API only")
    uuid = servers(fake)["localhost"]
    for method, suffix in ROUTES:
        status, _, body = fake.call(method, V1 + "/servers/" + uuid + suffix, body={"a": 1})
        assert status == 404 and body["message"] == "Not found.", (method, suffix)
    status, _, body = fake.call("POST", V1 + "/servers/import", body={"bundle": {"a": 1}})
    assert status == 404 and body["message"] == "Not found."


def test_proxy_shows_configuration_only_to_sensitive_tokens(latest):
    uuid = servers(latest)["localhost"]
    got = latest.ok("GET", V1 + "/servers/%s/proxy" % uuid)
    assert got["proxy_type"] == "TRAEFIK" and got["status"] == "running"
    assert got["redirect_enabled"] is True and got["redirect_url"] is None
    assert got["configuration"].startswith("name: coolify-proxy\n")
    assert "configuration" not in latest.ok("GET", V1 + "/servers/%s/proxy" % uuid, READ)
    other = servers(latest)["hetzner-fsn1"]
    assert latest.ok("GET", V1 + "/servers/%s/proxy" % other)["configuration"] is None
    status, _, body = latest.call("GET", V1 + "/servers/nosuch/proxy")
    assert status == 404 and body == {"message": "Server not found."}


def test_proxy_patch_allow_list_and_types(latest):
    uuid = servers(latest)["localhost"]
    path = V1 + "/servers/%s/proxy" % uuid
    status, _, body = latest.call("PATCH", path, body={"status": "exited"})
    assert status == 422 and body["errors"] == {"status": ["This field is not allowed."]}
    status, _, body = latest.call("PATCH", path, body={"proxy_type": "apache"})
    assert status == 422 and body["errors"] == {"proxy_type": ["Invalid proxy type."]}
    status, _, body = latest.call("PATCH", path, body={"redirect_enabled": "maybe"})
    assert status == 422 and "redirect_enabled" in body["errors"]
    got = latest.ok("PATCH", path, body={"redirect_url": "https://example.com/",
                                         "generate_exact_labels": True, "proxy_type": "caddy"})
    assert got["redirect_url"] == "https://example.com/" and got["generate_exact_labels"] is True
    assert got["proxy_type"] == "CADDY"
    assert latest.call("PATCH", path, WRITE, body={"redirect_enabled": False})[0] == 200
    assert latest.call("PATCH", path, READ, body={"redirect_enabled": False})[0] == 403


def test_proxy_configuration_put_takes_base64_or_text(latest):
    uuid = servers(latest)["hetzner-fsn1"]
    path = V1 + "/servers/%s/proxy/configuration" % uuid
    text = "services:\n  traefik:\n    image: traefik:v3.2\n"
    got = latest.ok("PUT", path, body={"configuration": base64.b64encode(text.encode()).decode()})
    assert got["message"] == "Proxy configuration saved." and got["configuration"] == text
    # TrimStrings (NOTES §1.1) eats a plain text's last newline: why the API wants base64.
    assert latest.ok("PUT", path, body={"configuration": "plain: text\n"})["configuration"] == \
        "plain: text"
    for bad, msg in ((None, "This field is required."),
                     (base64.b64encode(b"   \n").decode(), "The configuration field is required.")):
        status, _, body = latest.call("PUT", path, body={"configuration": bad})
        assert status == 422 and body["errors"]["configuration"] == [msg]
    bad = base64.b64encode(b"\xff\xfe\n").decode()
    status, _, body = latest.call("PUT", path, body={"configuration": bad})
    assert status == 422 and body["errors"]["configuration"] == [
        "The configuration should be valid base64-encoded UTF-8 text."]
    status, _, body = latest.call("PUT", path, body={"configuration": "x", "restart": True})
    assert status == 422 and body["errors"] == {"restart": ["This field is not allowed."]}
    assert latest.ctl("state")["proxy_configurations"][uuid] == "plain: text"


def test_proxy_restart(latest):
    uuid = servers(latest)["localhost"]
    got = latest.ok("POST", V1 + "/servers/%s/proxy/restart" % uuid)
    assert got == {"message": "Proxy restart queued."}
    assert latest.ok("GET", V1 + "/servers/%s/proxy" % uuid)["status"] == "restarting"
    latest.wait_for(lambda: latest.ok("GET", V1 + "/servers/%s/proxy" % uuid)["status"]
                    == "running")


def test_docker_cleanup_settings(latest):
    uuid = servers(latest)["localhost"]
    path = V1 + "/servers/%s/docker-cleanup" % uuid
    assert latest.ok("GET", path) == {
        "docker_cleanup_frequency": "0 0 * * *", "docker_cleanup_threshold": 80,
        "force_docker_cleanup": True, "delete_unused_volumes": False,
        "delete_unused_networks": False, "disable_application_image_retention": False}
    status, _, body = latest.call("PATCH", path, body={"docker_cleanup_frequency": "sometimes"})
    assert status == 422 and body["errors"] == {"docker_cleanup_frequency": [
        "Invalid Cron / Human expression for Docker Cleanup Frequency."]}
    status, _, body = latest.call("PATCH", path, body={"docker_cleanup_threshold": 100})
    assert status == 422 and "docker_cleanup_threshold" in body["errors"]
    got = latest.ok("PATCH", path, body={"docker_cleanup_threshold": 70,
                                         "delete_unused_volumes": True})
    assert got["docker_cleanup_threshold"] == 70 and got["delete_unused_volumes"] is True


def test_docker_cleanup_run_and_executions(latest):
    uuid = servers(latest)["localhost"]
    runs = latest.ok("GET", V1 + "/servers/%s/docker-cleanup/executions" % uuid)
    assert [r["status"] for r in runs] == ["success", "failed"]
    assert sorted(runs[0]) == ["created_at", "finished_at", "message", "status", "updated_at",
                               "uuid"]
    status, _, body = latest.call("POST", V1 + "/servers/%s/docker-cleanup/run" % uuid,
                                  body={"force": True})
    assert status == 422 and body["errors"] == {"force": ["This field is not allowed."]}
    got = latest.ok("POST", V1 + "/servers/%s/docker-cleanup/run" % uuid)
    assert got["message"].startswith("Manual cleanup job started.")
    now = latest.ok("GET", V1 + "/servers/%s/docker-cleanup/executions" % uuid)
    assert len(now) == 3 and now[0]["status"] == "running" and now[0]["message"] is None
    latest.wait_for(lambda: latest.ok("GET", V1 + "/servers/%s/docker-cleanup/executions"
                                      % uuid)[0]["status"] == "success")


def test_sentinel(latest):
    uuid = servers(latest)["localhost"]
    path = V1 + "/servers/%s/sentinel" % uuid
    got = latest.ok("GET", path)
    assert got["is_sentinel_enabled"] is True and "sentinel_token" in got
    assert "sentinel_token" not in latest.ok("GET", path, READ)
    assert "sentinel_custom_url" in latest.ok("GET", path, READSENS)
    status, _, body = latest.call("PATCH", path, body={"sentinel_token": "has spaces"})
    assert status == 422 and body["errors"] == {"sentinel_token": [
        "The sentinel_token field format is invalid."]}
    status, _, body = latest.call("PATCH", path, body={"sentinel_push_interval_seconds": 5})
    assert status == 422 and "sentinel_push_interval_seconds" in body["errors"]
    status, _, body = latest.call("PATCH", path, body={"sentinel_updated_at": None})
    assert status == 422 and body["errors"] == {"sentinel_updated_at": [
        "This field is not allowed."]}
    latest.ok("PATCH", path, body={"is_metrics_enabled": True})
    got = latest.ok("PATCH", path, body={"is_sentinel_enabled": False})
    assert got["is_sentinel_enabled"] is False and got["is_metrics_enabled"] is False


def test_log_drains(latest):
    box = servers(latest)["hetzner-fsn1"]
    path = V1 + "/servers/%s/log-drains" % box
    got = latest.ok("GET", path)
    assert got["is_logdrain_axiom_enabled"] is True and got["logdrain_axiom_api_key"]
    assert "logdrain_axiom_api_key" not in latest.ok("GET", path, READ)
    status, _, body = latest.call("PATCH", path, body={"is_logdrain_newrelic_enabled": True})
    assert status == 422 and sorted(body["errors"]) == ["logdrain_newrelic_base_uri",
                                                        "logdrain_newrelic_license_key"]
    assert latest.ok("GET", path)["is_logdrain_newrelic_enabled"] is False
    got = latest.ok("PATCH", path, body={"logdrain_axiom_dataset_name": "prod.logs"})
    assert got["logdrain_axiom_dataset_name"] == "prod.logs"
    status, _, body = latest.call("PATCH", path, body={"logdrain_axiom_api_key": "a b"})
    assert status == 422


def test_cloudflare_tunnel(latest):
    srv = servers(latest)
    local, box = srv["localhost"], srv["hetzner-fsn1"]
    got = latest.ok("GET", V1 + "/servers/%s/cloudflare-tunnel" % box)
    assert got == {"is_cloudflare_tunnel": False, "ip": "203.0.113.42",
                   "ip_previous": "203.0.113.40"}
    for method, suffix in (("PATCH", ""), ("POST", "/enable"), ("POST", "/disable")):
        status, _, body = latest.call(method, V1 + "/servers/%s/cloudflare-tunnel%s"
                                      % (local, suffix), body={"is_cloudflare_tunnel": True})
        assert status == 422 and body == {
            "message": "Cloudflare Tunnel cannot be configured on the localhost server."}
    status, _, body = latest.call("PATCH", V1 + "/servers/%s/cloudflare-tunnel" % box,
                                  body={"ip": "1.2.3.4"})
    assert status == 422 and body["errors"] == {
        "is_cloudflare_tunnel": ["This field is required."], "ip": ["This field is not allowed."]}
    got = latest.ok("POST", V1 + "/servers/%s/cloudflare-tunnel/enable" % box)
    assert got["message"] == "Cloudflare Tunnel enabled." and got["is_cloudflare_tunnel"] is True
    got = latest.ok("POST", V1 + "/servers/%s/cloudflare-tunnel/disable" % box)
    assert got["message"] == ("Cloudflare Tunnel disabled. Server IP restored to its previous "
                              "IP address.")
    assert got["ip"] == "203.0.113.40"


def test_transfer_routes_are_404_outside_development(latest):
    uuid = servers(latest)["hetzner-fsn1"]
    for method, suffix in ROUTES[-5:]:
        status, _, body = latest.call(method, V1 + "/servers/" + uuid + suffix, body={})
        assert (status, body) == (404, {"message": ""}), (method, suffix)
    status, _, body = latest.call("POST", V1 + "/servers/import", body={"bundle": {"a": 1}})
    assert (status, body) == (404, {"message": ""})


def test_export_then_import(latest):
    latest.ctl("set", {"development": True})
    srv = servers(latest)
    status, _, body = latest.call("GET", V1 + "/servers/%s/export" % srv["localhost"])
    assert status == 422 and "localhost" in body["message"]
    status, _, body = latest.call("GET", V1 + "/servers/%s/export" % srv["hetzner-fsn1"], READ)
    assert status == 403 and body["message"].startswith("Exporting a server requires")
    bundle = latest.ok("GET", V1 + "/servers/%s/export" % srv["hetzner-fsn1"])
    assert bundle["schema_version"] == 1 and bundle["server"]["uuid"] == srv["hetzner-fsn1"]
    assert bundle["private_key"]["private_key"].startswith("-----BEGIN")
    # The same server is already here: refused, by uuid.
    status, _, body = latest.call("POST", V1 + "/servers/import", body={"bundle": bundle})
    assert status == 422 and "already exists on this instance" in body["message"]
    status, _, body = latest.call("POST", V1 + "/servers/import", body={"bundle": {"x": 1}})
    assert status == 422 and "Missing schema_version." in body["errors"]["bundle"]
    assert body["message"] == "Missing schema_version. (and 5 more errors)"
    dry = latest.ok("POST", V1 + "/servers/import", body={"bundle": bundle, "dry_run": True})
    assert dry["dry_run"] is True and dry["server_uuid"] == srv["hetzner-fsn1"]
    moved = dict(bundle, server=dict(bundle["server"], uuid="imported-uuid-1", ip="198.51.100.9",
                                     name="imported"))
    got = latest.ok("POST", V1 + "/servers/import", body={"bundle": moved}, status=201)
    assert got["server_uuid"] == "imported-uuid-1" and got["claimed"] is True
    assert servers(latest)["imported"] == "imported-uuid-1"


def test_claim_complete_mailbox_migrate(latest):
    latest.ctl("set", {"development": True})
    box = servers(latest)["hetzner-fsn1"]
    got = latest.ok("POST", V1 + "/servers/%s/claim" % box)
    assert got["server_uuid"] == box and got["claim_written"] is False
    got = latest.ok("POST", V1 + "/servers/%s/transfer/complete" % box)
    assert got["message"].startswith("Server marked as transferred.")
    assert latest.ctl("state")["transfers"][box]["status"] == "transferred"
    got = latest.ok("POST", V1 + "/servers/%s/export/mailbox" % box)
    assert got["written"] is True and got["path"].startswith("/data/coolify/exports/")
    status, _, body = latest.call("POST", V1 + "/servers/%s/migrate" % box, body={})
    assert status == 400  # validateIncomingRequest: an empty body
    status, _, body = latest.call("POST", V1 + "/servers/%s/migrate" % box,
                                  body={"target_url": "not a url", "target_token": "t"})
    assert status == 422 and "target_url" in body["errors"]
    status, _, body = latest.call("POST", V1 + "/servers/%s/migrate" % box,
                                  body={"target_url": "https://b.example.com",
                                        "target_token": "1|x"})
    assert status == 422 and "b.example.com" in body["message"]
    status, _, body = latest.call("POST", V1 + "/servers/%s/migrate" % box, READ,
                                  body={"target_url": "https://b.example.com"})
    assert status == 403
