"""The fake's service containers (ServiceApplicationsController and
ServiceDatabasesController at HEAD): list and show shapes, PATCH allow-lists and
validation, url stored as fqdn, logs, start/stop/restart, and absence at the seed."""
import re

import pytest

from test_fake import DEPLOY, READ, Fake


@pytest.fixture(scope="module")
def fake(request):
    mode = getattr(request, "param", "latest")
    server = Fake(mode)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


def n8n(fake):
    svc = next(s for s in fake.ok("GET", "/api/v1/services") if s["service_type"] == "n8n-with-postgresql")
    return svc, "/api/v1/services/%s" % svc["uuid"]


def test_lists_and_show_shapes(fake):
    svc, base = n8n(fake)
    apps = fake.ok("GET", base + "/applications")
    dbs = fake.ok("GET", base + "/databases")
    assert [a["name"] for a in apps] == ["n8n"] and [d["name"] for d in dbs] == ["postgresql"]
    app, db = apps[0], dbs[0]
    # serializeApiResponse: uuid, then name first; id hidden; HEAD columns present.
    assert list(app)[:2] == ["uuid", "name"] and "id" not in app
    assert app["status"] == "running (healthy)" and app["fqdn"] == "https://n8n.example.com:5678"
    assert app["is_force_https_enabled"] is True and app["redirect"] == "both"
    assert app["noindex_domains"] is None and "service" not in app
    assert "service_id" not in db and "service" not in db and db["public_port_timeout"] == 3600
    one = fake.ok("GET", "%s/applications/%s" % (base, app["uuid"]))
    # The loaded service.destination.server relation comes along, compose files hidden.
    assert one["service"]["uuid"] == svc["uuid"] and "docker_compose_raw" not in one["service"]
    assert one["service"]["destination"]["server"]["uuid"]
    assert {k: v for k, v in one.items() if k != "service"} == app
    assert fake.ok("GET", "%s/databases/%s" % (base, db["uuid"])) == db
    assert fake.get("%s/applications/%s" % (base, db["uuid"]))[2] == {
        "message": "Service application not found."}
    assert fake.get("%s/databases/%s" % (base, app["uuid"]))[2] == {
        "message": "Service database not found."}
    assert fake.get("/api/v1/services/nope/applications")[2] == {"message": "Service not found."}
    # read is enough to read; the lists need it.
    assert fake.get(base + "/applications", token=DEPLOY)[0] == 403
    assert fake.get(base + "/applications", token=READ)[0] == 200


def test_patch_application_url_becomes_fqdn(fake):
    _, base = n8n(fake)
    app = fake.ok("GET", base + "/applications")[0]
    path = "%s/applications/%s" % (base, app["uuid"])
    got = fake.ok("PATCH", path, body={"url": "https://A.example.com, https://b.example.com",
                                        "human_name": "N8N"})
    assert got["fqdn"] == "https://a.example.com,https://b.example.com"
    assert got["human_name"] == "N8N" and "service" in got
    # fqdn itself is not a field the PATCH takes.
    status, _, body = fake.call("PATCH", path, body={"fqdn": "https://c.example.com"})
    assert status == 422 and body["errors"] == {"fqdn": ["This field is not allowed."]}
    status, _, body = fake.call("PATCH", path, body={"url": "ftp://x.example.com"})
    assert status == 422
    assert body["errors"] == ["Invalid URL scheme: ftp for URL: ftp://x.example.com. "
                              "Only http and https are supported."]
    status, _, body = fake.call("PATCH", path, body={"exclude_from_status": "maybe"})
    assert status == 422 and body["errors"]["exclude_from_status"]
    # Another resource's domain: 409 unless forced.
    web = next(a for a in fake.ok("GET", "/api/v1/applications") if a["fqdn"])
    taken = web["fqdn"].split(",")[0]
    status, _, body = fake.call("PATCH", path, body={"url": taken})
    assert status == 409 and body["conflicts"][0]["domain"] == taken
    assert fake.ok("PATCH", path + "?force_domain_override=true", body={"url": taken})["fqdn"] == taken
    assert fake.ok("GET", path)["fqdn"] == taken
    assert fake.call("PATCH", path, body={})[0] == 400


def test_patch_database(fake):
    _, base = n8n(fake)
    db = fake.ok("GET", base + "/databases")[0]
    path = "%s/databases/%s" % (base, db["uuid"])
    assert fake.ok("PATCH", path, body={"description": "main store"})["description"] == "main store"
    status, _, body = fake.call("PATCH", path, body={"is_public": True})
    assert status == 422 and body["errors"] == {
        "public_port": ["A public port is required when the database is public."]}
    status, _, body = fake.call("PATCH", path, body={"public_port": 70000})
    assert status == 422 and body["errors"]["public_port"]
    status, _, body = fake.call("PATCH", path, body={"url": "http://x.example.com"})
    assert status == 422 and body["errors"] == {"url": ["This field is not allowed."]}
    got = fake.ok("PATCH", path, body={"is_public": True, "public_port": 5433})
    assert got["is_public"] is True and got["public_port"] == 5433


def test_logs_and_actions(fake):
    _, base = n8n(fake)
    app = fake.ok("GET", base + "/applications")[0]
    db = fake.ok("GET", base + "/databases")[0]
    apath = "%s/applications/%s" % (base, app["uuid"])
    dpath = "%s/databases/%s" % (base, db["uuid"])
    text = fake.ok("GET", apath + "/logs?lines=3")["logs"]
    assert len(text.split("\n")) == 3 and "\x1b" not in text
    assert fake.ok("POST", apath + "/logs?lines=2")["logs"].count("\n") == 1
    # No docker timestamps on these routes, whatever is asked.
    line = fake.ok("GET", dpath + "/logs?lines=1&show_timestamps=true")["logs"]
    assert line and not re.match(r"\d{4}-\d\d-\d\dT[\d:]{8}\.\d{9}Z ", line)
    assert fake.ok("POST", apath + "/stop") == {"message": "Service application stop request queued."}
    fake.wait_for(lambda: fake.ok("GET", apath)["status"] == "exited")
    assert fake.get(apath + "/logs")[2] == {
        "message": "Service application container is not running."}
    assert fake.ok("POST", apath + "/start") == {
        "message": "Service application deploy request queued."}
    fake.wait_for(lambda: fake.ok("GET", apath)["status"] == "running (healthy)")
    assert fake.ok("POST", dpath + "/restart") == {
        "message": "Service database restart request queued."}
    fake.wait_for(lambda: fake.ok("GET", dpath)["status"] == "restarting")
    fake.wait_for(lambda: fake.ok("GET", dpath)["status"] == "running (healthy)")
    assert fake.ok("POST", dpath + "/stop") == {"message": "Service database stop request queued."}
    # GET of an application's action: 405; a database's has no GET route at all.
    assert fake.get(apath + "/start")[0] == 405
    assert fake.get(dpath + "/start")[2]["message"] == "Not found."
    assert fake.call("POST", apath + "/restart", token=READ)[0] == 403
    assert fake.call("POST", apath + "/restart", token=DEPLOY)[0] == 200


@pytest.mark.parametrize("fake", ["seed"], indirect=True)
def test_absent_at_the_seed(fake):
    _, base = n8n(fake)
    assert fake.get(base + "/applications")[:3:2] == (404, {
        "message": "Not found.", "docs": "https://coolify.io/docs"})
    assert fake.get(base + "/databases")[0] == 404
