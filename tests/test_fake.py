"""Tests of the fake Coolify server (tests/fake/), run in both modes.

    /usr/bin/python3 -m pytest tests/test_fake.py

Each test starts from a fresh dataset (POST /_fake/reset). NOTES.md sections are
the ones in /work/shared/api/NOTES.md.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake", "coolify_fake.py")

ROOT = "1|root-token-0000000000000000000000000000000000"
READ = "2|read-token-00000000000000000000000000000000000"
READSENS = "3|readsens-token-000000000000000000000000000000"
WRITE = "4|write-token-0000000000000000000000000000000000"
DEPLOY = "5|deploy-token-000000000000000000000000000000000"


class Fake:
    """A running fake server and a tiny client for it."""

    def __init__(self, mode, extra=()):
        self.proc = subprocess.Popen([sys.executable, FAKE, "--mode", mode, "--port", "0", *extra],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
        assert match, line
        self.port = int(match.group(1))
        self.mode = mode

    def close(self):
        self.proc.terminate()
        self.proc.wait(5)

    def call(self, method, path, token=ROOT, body=None, accept=True, raw_body=None,
             content_type="application/json", timeout=10):
        """(status, headers, parsed JSON or text) for an API request."""
        data = raw_body if raw_body is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data,
                                     method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if accept:
            req.add_header("Accept", "application/json")
        if data is not None and content_type:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, headers, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            status, headers, raw = err.code, err.headers, err.read()
        text = raw.decode()
        if (headers.get("Content-Type") or "").startswith("application/json"):
            return status, headers, json.loads(text)
        return status, headers, text

    def get(self, path, token=ROOT, **kw):
        return self.call("GET", path, token, **kw)

    def ok(self, method, path, token=ROOT, body=None, status=200):
        got, _, data = self.call(method, path, token, body)
        assert got == status, (method, path, got, data)
        return data

    def ctl(self, name, body=None):
        req = urllib.request.Request("http://127.0.0.1:%d/_fake/%s" % (self.port, name),
                                     data=json.dumps(body).encode() if body is not None else None,
                                     method="POST" if body is not None else "GET")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def wait_for(self, predicate, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError("condition not met in %.1fs" % timeout)

    # shortcuts into the demo dataset
    def apps(self):
        return self.ok("GET", "/api/v1/applications")

    def app(self, name, build_pack=None):
        return next(a for a in self.apps() if a["name"] == name
                    and (build_pack is None or a["build_pack"] == build_pack))

    def resources(self):
        return self.ok("GET", "/api/v1/resources")


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})
    fake.ctl("set", {"deployment_speed": 0.05})


def seed_only(fake):
    if fake.mode != "seed":
        pytest.skip("seed-mode behaviour")


def latest_only(fake):
    if fake.mode != "latest":
        pytest.skip("latest-mode behaviour")


# -- transport, auth, abilities (NOTES §1) -------------------------------------------------

def test_version_as_the_spec_documents_it(fake):
    """The official spec's /version is a JSON string ("v4.0.0"): through
    /_fake/set, with any version string, and back to text on reset."""
    plain = fake.get("/api/v1/version")[2]
    fake.ctl("set", {"version_json": True})
    status, headers, value = fake.get("/api/v1/version")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert value == plain
    fake.ctl("set", {"version": "v4.0.0"})
    assert fake.get("/api/v1/version", accept=False)[2] == "v4.0.0"
    fake.ctl("set", {"version_json": False})
    assert fake.get("/api/v1/version")[2] == "v4.0.0"
    fake.ctl("reset", {})
    assert fake.get("/api/v1/version")[2] == plain


def test_version_json_flag():
    server = Fake("latest", extra=("--version-json",))
    try:
        req = urllib.request.Request("http://127.0.0.1:%d/api/v1/version" % server.port)
        req.add_header("Authorization", "Bearer " + ROOT)
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert resp.read() == b'"4.3.11"'
        server.ctl("reset", {})
        assert server.get("/api/v1/version")[2] == "4.3.11"  # still JSON after a reset
    finally:
        server.close()


def test_version_and_health_are_plain_text(fake):
    status, headers, text = fake.get("/api/v1/version")
    assert status == 200
    assert text == ("4.0.0-beta.419" if fake.mode == "seed" else "4.3.11")
    assert headers["Content-Type"] == "text/html; charset=UTF-8"
    assert fake.get("/api/health", token=None)[2] == "OK"


def test_auth_errors_and_middleware_order(fake):
    assert fake.get("/api/v1/projects", token=None)[:3:2] == (401, {"message": "Unauthenticated."})
    assert fake.get("/api/v1/projects", token="1|nope")[0] == 401
    # NOTES §1.2: Sanctum accepts the bare secret.
    assert fake.get("/api/v1/projects", token=ROOT.split("|")[1])[0] == 200
    status, headers, body = fake.get("/api/v1/projects", token=WRITE)
    assert (status, body) == (403, {"message": "Missing required permissions: read"})
    assert "X-RateLimit-Remaining" in headers
    # NOTES §1.1: the catch-all 404 for unknown routes and wrong verbs, even without a token.
    status, _, body = fake.call("PUT", "/api/v1/applications/x", token=None)
    assert (status, body) == (404, {"message": "Not found.", "docs": "https://coolify.io/docs"})
    # Trailing slash stripped.
    assert fake.get("/api/v1/projects/", token=READ)[0] == 200


def test_sensitive_fields_hidden_without_read_sensitive(fake):
    web = fake.app("web", "nixpacks")
    envs = fake.ok("GET", "/api/v1/applications/%s/envs" % web["uuid"], READ)
    assert envs and all("value" not in e and "real_value" not in e for e in envs)
    envs = fake.ok("GET", "/api/v1/applications/%s/envs" % web["uuid"], READSENS)
    assert all("value" in e for e in envs if not e["is_shown_once"])
    item = fake.ok("GET", "/api/v1/applications/" + web["uuid"], READ)
    assert "custom_labels" not in item and "id" not in item
    keys = fake.ok("GET", "/api/v1/security/keys", READ)
    assert all("private_key" not in k and k["public_key"].startswith("ssh-") for k in keys)


def test_rate_limit_headers_and_429(fake):
    fake.ctl("set", {"rate_limit": 3})
    remaining = [fake.get("/api/v1/version")[1]["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    status, headers, body = fake.get("/api/v1/version")
    assert status == 429 and body == {"message": "Too Many Attempts."}
    assert int(headers["Retry-After"]) > 0 and "X-RateLimit-Reset" in headers
    # NOTES §1.7: HTML without Accept: application/json.
    status, headers, body = fake.get("/api/v1/version", accept=False)
    assert status == 429 and headers["Content-Type"].startswith("text/html")


# -- shapes and serialisation (NOTES §2-§6) ----------------------------------------------------

def test_list_shapes_and_key_order(fake):
    projects = fake.ok("GET", "/api/v1/projects")
    assert [p["name"] for p in projects] == ["website", "tools", "shop/legacy"]
    assert list(projects[1]) == ["id", "uuid", "name", "description"]
    apps = fake.apps()
    assert list(apps[0])[:3] == ["uuid", "description", "name"]
    assert apps[0]["destination"]["server"]["settings"]["is_reachable"] is True
    assert "laravel_through_key" in apps[0]
    assert sorted(a["name"] for a in apps).count("api") == 2
    assert {a["status"] for a in apps} >= {"running:healthy", "running:unhealthy", "exited:unhealthy"}
    assert all(re.fullmatch(r"[0-9a-z]{7}|[a-z][0-9a-z]{23}", a["uuid"]) for a in apps)
    services = fake.ok("GET", "/api/v1/services")
    n8n = next(s for s in services if s["service_type"] == "n8n-with-postgresql")
    assert n8n["status"] == "running:healthy"
    assert n8n["applications"][0]["status"] == "running (healthy)"
    assert "server" in n8n and "id" not in n8n
    dep = fake.ok("GET", "/api/v1/deployments/applications/%s?take=1" % apps[0]["uuid"])
    assert set(dep) == {"count", "deployments"} and dep["count"] == 3
    assert len(dep["deployments"]) == 1 and "logs" in dep["deployments"][0]


def test_environment_detail(fake):
    website = fake.ok("GET", "/api/v1/projects")[0]
    project = fake.ok("GET", "/api/v1/projects/" + website["uuid"])
    assert [e["name"] for e in project["environments"]] == ["production", "staging"]
    env = fake.ok("GET", "/api/v1/projects/%s/production" % website["uuid"])
    assert list(env)[:4] == ["id", "uuid", "name", "applications"]
    # NOTES §3.3: no keydb/dragonfly/clickhouse; nested rows are not filtered at the seed.
    assert "dragonflies" not in env and env["postgresqls"][0]["name"] == "web-db"
    by_uuid = fake.ok("GET", "/api/v1/projects/%s/%s" % (website["uuid"], env["uuid"]))
    assert by_uuid["id"] == env["id"]
    if fake.mode == "seed":
        assert "postgres_password" in env["postgresqls"][0]
        assert fake.get("/api/v1/projects/%s/environments" % website["uuid"])[2] == \
            {"message": "Environment not found."}
    else:
        envs = fake.ok("GET", "/api/v1/projects/%s/environments" % website["uuid"])
        assert [e["name"] for e in envs] == ["production", "staging"]


def test_database_id_collision_drop(fake):
    listed = {d["name"] for d in fake.ok("GET", "/api/v1/databases")}
    every = {r["name"] for r in fake.resources() if r["type"].startswith("standalone-")}
    assert len(every) == 8
    if fake.mode == "seed":
        # NOTES §5.1: postgresql #1 and dragonfly #1 share a project.
        assert every - listed == {"web-db"}
    else:
        assert listed == every
    keydb = next(r for r in fake.resources() if r["type"] == "standalone-keydb")
    assert "database_type" not in fake.ok("GET", "/api/v1/databases/" + keydb["uuid"])
    mysql = next(r for r in fake.resources() if r["type"] == "standalone-mysql")
    body = fake.ok("GET", "/api/v1/databases/" + mysql["uuid"], READ)
    # NOTES §1.5 leak at the seed, fixed at HEAD (§17.9).
    assert ("mysql_password" in body) == (fake.mode == "seed")
    assert "internal_db_url" not in body


def test_deployments_list_object_form(fake):
    fake.ctl("set", {"deployment_speed": 5})
    for app in fake.apps():
        if app["status"].startswith("running"):
            fake.ok("POST", "/api/v1/applications/%s/restart" % app["uuid"])
    body = fake.ok("GET", "/api/v1/deployments")
    if fake.mode == "seed":
        assert isinstance(body, dict) and sorted(body) == [str(i) for i in range(len(body))]
    else:
        assert isinstance(body, list)
    fake.ctl("fault", {"objects_for_lists": False})
    assert isinstance(fake.ok("GET", "/api/v1/deployments"), list)
    fake.ctl("fault", {"objects_for_lists": True})
    assert isinstance(fake.ok("GET", "/api/v1/teams"), dict)


# -- environment variables (NOTES §10) --------------------------------------------------------

def test_env_create_twin_and_patch_overwrite(fake):
    web = fake.app("web", "nixpacks")["uuid"]
    path = "/api/v1/applications/%s/envs" % web
    # NOTES §10.1: keys are trimmed and spaces become "_" (HEAD rejects the space, §17.4).
    key = " NEW KEY " if fake.mode == "seed" else " NEW_KEY "
    created = fake.ok("POST", path, body={"key": key, "value": "  hello  "}, status=201)
    assert set(created) == {"uuid"}
    envs = [e for e in fake.ok("GET", path) if e["key"] == "NEW_KEY"]
    assert [(e["is_preview"], e["value"]) for e in envs] == [(False, "hello"), (True, "hello")]
    status, _, body = fake.call("POST", path, body={"key": "NEW_KEY", "value": "x"})
    assert status == 409
    # PATCH overwrites: is_literal left out becomes false, value left out becomes "".
    fake.ok("PATCH", path, body={"key": "TEMPLATE", "value": "v2"}, status=201)
    env = next(e for e in fake.ok("GET", path) if e["key"] == "TEMPLATE" and not e["is_preview"])
    assert (env["value"], env["is_literal"]) == ("v2", False)
    updated = fake.ok("PATCH", path, body={"key": "NEW_KEY"}, status=201)
    assert updated["value"] == "" and updated["key"] == "NEW_KEY"
    assert fake.call("PATCH", path, body={"key": "MISSING", "value": "x"})[0] == 404
    status, _, body = fake.call("PATCH", path, raw_body=b"{}")
    assert (status, body["error"]) == (400, "Empty JSON.")
    status, _, body = fake.call("PATCH", path, body={"key": "A"}, content_type="text/plain")
    assert (status, body["error"]) == (400, "Content-Type must be application/json.")
    state = fake.ctl("state")
    server_side = [e for a in state["applications"] if a["uuid"] == web
                   for e in a["envs"] if e["key"] == "NEW_KEY"]
    assert [(e["is_preview"], e["value"]) for e in server_side] == [(False, ""), (True, "hello")]


def test_env_seed_hazards(fake):
    seed_only(fake)
    web = fake.app("web", "nixpacks")["uuid"]
    path = "/api/v1/applications/%s/envs" % web
    status, _, body = fake.call("POST", path, body={"key": "X", "value": "1", "is_multiline": True})
    assert status == 422
    assert body["errors"] == {"is_multiline": ["This field is not allowed."]}
    # NOTES §10.2: a stored is_multiline=true makes PATCH fail with 500.
    assert fake.call("PATCH", path, body={"key": "TLS_CERT", "value": "x"})[0] == 500
    # Bulk is not transactional.
    status, _, body = fake.call("PATCH", path + "/bulk", body={"data": [
        {"key": "BULK_A", "value": "1", "junk": 1}, {"key": "BULK_B", "value": 5}]})
    assert status == 422 and "value" in body["errors"]
    assert any(e["key"] == "BULK_A" for e in fake.ok("GET", path))
    assert fake.call("PATCH", path + "/bulk", body={"data": []})[2] == \
        {"message": "Bulk data is required."}
    # The dockerfile app gets no preview twin.
    api = fake.app("api", "dockerfile")["uuid"]
    fake.ok("POST", "/api/v1/applications/%s/envs" % api, body={"key": "K", "value": "v"}, status=201)
    assert [e["is_preview"] for e in fake.ok("GET", "/api/v1/applications/%s/envs" % api)
            if e["key"] == "K"] == [False]


def test_env_latest_fields(fake):
    latest_only(fake)
    web = fake.app("web", "nixpacks")["uuid"]
    path = "/api/v1/applications/%s/envs" % web
    env = fake.ok("GET", path)[0]
    assert "is_buildtime" in env and "is_runtime" in env and "is_build_time" not in env
    assert fake.call("POST", path, body={"key": "9BAD", "value": "x"})[0] == 422
    fake.ok("POST", path, body={"key": "ONCE", "value": "s", "is_shown_once": True}, status=201)
    once = next(e for e in fake.ok("GET", path) if e["key"] == "ONCE" and not e["is_preview"])
    assert "value" not in once
    fake.ok("PATCH", path, body={"key": "TLS_CERT", "value": "x"}, status=201)
    redis = next(r for r in fake.resources() if r["type"] == "standalone-redis")
    keys = [e["key"] for e in fake.ok("GET", "/api/v1/databases/%s/envs" % redis["uuid"])]
    assert "REDIS_PASSWORD" in keys


def test_service_envs(fake):
    svc = next(r for r in fake.resources() if r["type"] == "service" and r["name"].startswith("n8n"))
    path = "/api/v1/services/%s/envs" % svc["uuid"]
    created = fake.ok("POST", path, body={"key": "NEW", "value": "a", "is_literal": True}, status=201)
    assert created["key"] == "NEW" and created["is_literal"] is True
    updated = fake.ok("PATCH", path, body={"key": "NEW", "is_multiline": True}, status=201)
    if fake.mode == "seed":
        # NOTES §10.3: a partial update; unknown keys are an SQL error.
        assert (updated["value"], updated["is_literal"]) == ("a", True)
        assert fake.call("POST", path, body={"key": "Z", "value": "1", "bogus": 1})[0] == 500
    else:
        assert updated["value"] == ""
    keys = [e["key"] for e in fake.ok("GET", path)]
    assert keys == sorted(keys)


# -- logs (NOTES §9) ----------------------------------------------------------------------------

def test_logs_duplication_and_growth(fake):
    web = fake.app("web", "nixpacks")["uuid"]
    fake.ctl("set", {"log_growth": False})
    fake.ctl("set", {"resource": web, "log_append": "first\nsecond\nthird"})
    logs = fake.ok("GET", "/api/v1/applications/%s/logs?lines=3" % web)["logs"]
    if fake.mode == "seed":
        assert logs == "first\nsecond\nthirdfirst\nsecond\nthird"
        assert fake.get("/api/v1/applications/%s/logs?lines=all" % web)[0] == 500
    else:
        assert logs == "first\nsecond\nthird"
        assert len(fake.ok("GET", "/api/v1/applications/%s/logs?lines=all" % web)["logs"]) > 0
    fake.ctl("set", {"log_growth": True})
    before = fake.ok("GET", "/api/v1/applications/%s/logs?lines=1" % web)["logs"]
    time.sleep(0.6)
    after = fake.ok("GET", "/api/v1/applications/%s/logs?lines=1" % web)["logs"]
    assert before != after  # the log grows while the app runs
    stopped = fake.app("api", "dockerimage")["uuid"]
    assert fake.get("/api/v1/applications/%s/logs" % stopped)[2] == \
        {"message": "Application is not running."}


DOCKER_TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")


def test_show_timestamps_is_docker_prefix_in_any_boolean_form(fake):
    """NOTES §17.5: `docker logs -t` when show_timestamps is true, in the
    forms Laravel's $request->boolean() takes; its prefix is exactly RFC
    3339 with nine fraction digits and Z, then one space."""
    web = fake.app("web", "nixpacks")["uuid"]
    path = "/api/v1/applications/%s/logs?lines=50" % web
    fake.get(path)  # the container's backlog, then no more lines
    fake.ctl("set", {"log_growth": False})
    plain = fake.ok("GET", path)["logs"].split("\n")
    for value in ("true", "1", "TRUE", "on", "yes"):
        lines = fake.ok("GET", path + "&show_timestamps=" + value)["logs"].split("\n")
        if fake.mode == "seed":
            assert lines == plain, value  # no such parameter in 2025
            continue
        assert len(lines) == len(plain), value
        for line, text in zip(lines, plain):
            assert DOCKER_TS.match(line), (value, line)
            assert line[31:] == text
    for value in ("false", "0", "", "no", "off", "maybe"):
        assert fake.ok("GET", path + "&show_timestamps=" + value)["logs"].split("\n") == plain, value


def test_ignore_show_timestamps(fake):
    """An instance (or a proxy) that drops the parameter: no prefix."""
    latest_only(fake)
    web = fake.app("web", "nixpacks")["uuid"]
    path = "/api/v1/applications/%s/logs?lines=50" % web
    fake.get(path)
    fake.ctl("set", {"log_growth": False, "ignore_show_timestamps": True})
    assert fake.ok("GET", path + "&show_timestamps=true")["logs"] == fake.ok("GET", path)["logs"]
    fake.ctl("reset", {})
    fake.get(path)
    assert DOCKER_TS.match(fake.ok("GET", path + "&show_timestamps=true")["logs"])


def test_application_lines_carry_their_own_iso_timestamps(fake):
    """Some generated lines begin with the application's own ISO 8601 time
    (milliseconds, Z): a reader that strips any ISO-looking prefix as
    docker's would eat it."""
    web = fake.app("web", "nixpacks")["uuid"]
    lines = fake.ok("GET", "/api/v1/applications/%s/logs?lines=10000" % web)["logs"].split("\n")
    own = [l for l in lines if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", l)]
    assert own, lines
    assert not [l for l in lines if DOCKER_TS.match(l)]


# -- actions and deployments (NOTES §8, §11) -------------------------------------------------

def test_actions_and_deployment_progression(fake):
    web = fake.app("web", "nixpacks")["uuid"]
    if fake.mode == "seed":
        assert fake.call("GET", "/api/v1/applications/%s/stop" % web, token=WRITE)[0] == 200
    else:
        status, headers, body = fake.get("/api/v1/applications/%s/start" % web)
        assert (status, headers["Allow"]) == (405, "POST")
        assert fake.call("POST", "/api/v1/applications/%s/start" % web, token=WRITE)[0] == 403
    fake.ctl("set", {"deployment_speed": 0.15})
    body = fake.ok("POST", "/api/v1/applications/%s/start?force=false" % web)
    dep_uuid = body["deployment_uuid"]
    again = fake.ok("POST", "/api/v1/applications/%s/start" % web)
    assert again == {"message": "Deployment already queued for this commit."}
    dep = fake.ok("GET", "/api/v1/deployments/" + dep_uuid)
    assert dep["status"] in ("queued", "in_progress") and dep["application_id"] == "1"
    assert dep["force_rebuild"] is (fake.mode == "seed")  # NOTES §8: "false" means force
    fake.wait_for(lambda: fake.ok("GET", "/api/v1/deployments/" + dep_uuid)["status"] == "in_progress")
    done = fake.wait_for(lambda: (lambda d: d if d["status"] == "finished" else None)(
        fake.ok("GET", "/api/v1/deployments/" + dep_uuid)))
    entries = json.loads(done["logs"])
    assert "order" not in entries[0] and entries[1]["order"] == 2
    assert any(e["hidden"] for e in entries) and any("\n" in e["output"] for e in entries)
    assert "logs" not in fake.ok("GET", "/api/v1/deployments/" + dep_uuid, READ)
    fake.ok("POST", "/api/v1/applications/%s/stop" % web)
    fake.wait_for(lambda: fake.app("web", "nixpacks")["status"] == "exited:unhealthy")
    # Databases refuse to start twice.
    pg = next(r for r in fake.resources() if r["type"] == "standalone-postgresql")["uuid"]
    assert fake.call("POST", "/api/v1/databases/%s/start" % pg)[2] == \
        {"message": "Database is already running."}


def test_failed_deployment_and_deploy_endpoint(fake):
    web = fake.app("web", "nixpacks")["uuid"]
    fake.ctl("set", {"deploy_outcome": "failed"})
    body = fake.ok("POST", "/api/v1/deploy?uuid=%s,doesnotexist" % web, DEPLOY)
    [item] = body["deployments"]
    assert item["resource_uuid"] == web
    fake.wait_for(lambda: fake.ok("GET", "/api/v1/deployments/" + item["deployment_uuid"])["status"] == "failed")
    assert fake.call("POST", "/api/v1/deploy", DEPLOY)[2] == {"message": "You must provide uuid or tag."}
    tagged = fake.ok("POST", "/api/v1/deploy?tag=frontend", ROOT)
    assert isinstance(tagged["message"], list) and len(tagged["details"]) == 3
    # NOTES §11.4: a skipped deployment still carries a uuid that was never stored.
    skipped = fake.ok("POST", "/api/v1/deploy?uuid=" + web, ROOT)["deployments"][0]
    assert fake.get("/api/v1/deployments/" + skipped["deployment_uuid"])[0] == 404


def test_create_validation_and_delete(fake):
    token = READ if fake.mode == "seed" else ROOT  # NOTES §3.4: POST /projects needs only read
    project = fake.ok("POST", "/api/v1/projects", token, body={"name": "p1"}, status=201)["uuid"]
    status, _, body = fake.call("POST", "/api/v1/projects", body={"name": "x", "color": "red"})
    assert status == 422 and body["errors"] == {"color": ["This field is not allowed."]}
    server = fake.ok("GET", "/api/v1/servers")[0]["uuid"]
    base = {"project_uuid": project, "server_uuid": server}
    status, _, body = fake.call("POST", "/api/v1/databases/postgresql", body=base)
    assert body == {"message": "You need to provide at least one of environment_name or environment_uuid."}
    db = fake.ok("POST", "/api/v1/databases/postgresql", body=dict(base, environment_name="production"),
                 status=201)
    assert db["internal_db_url"].startswith("postgres://")
    status, _, body = fake.call("POST", "/api/v1/applications/dockerimage", body=dict(
        base, environment_name="production"))
    assert status == 422 and body["errors"]["docker_registry_image_name"] == ["This field is required."]
    status, _, body = fake.call("POST", "/api/v1/services", body=dict(
        base, environment_name="production", docker_compose_raw="not base64!"))
    assert status == 422 and isinstance(body["errors"]["docker_compose_raw"], str)
    assert fake.call("DELETE", "/api/v1/projects/" + project)[0] == 400
    fake.ok("DELETE", "/api/v1/databases/" + db["uuid"])
    fake.wait_for(lambda: fake.get("/api/v1/databases/" + db["uuid"])[0] == 404)
    fake.ok("DELETE", "/api/v1/projects/" + project)
    keys = fake.ok("GET", "/api/v1/security/keys")
    assert fake.call("DELETE", "/api/v1/security/keys/" + keys[0]["uuid"])[2] == \
        {"message": "Private Key is in use and cannot be deleted."}


def test_tags_api_latest_only(fake):
    """TagsController (current Coolify): list by name, create, rename, delete; absent at the seed."""
    if fake.mode == "seed":
        status, _, body = fake.call("GET", "/api/v1/tags")
        assert status == 404 and body["message"] == "Not found."  # the catch-all
        return
    tags = fake.ok("GET", "/api/v1/tags", READ)
    assert [t["name"] for t in tags] == ["automation", "backend", "frontend"]
    assert all(set(t) == {"uuid", "name", "created_at", "updated_at"} for t in tags)
    assert fake.call("POST", "/api/v1/tags", READ, body={"name": "ci"})[0] == 403
    made = fake.ok("POST", "/api/v1/tags", body={"name": " <b>CI</b> "}, status=201)
    assert made["name"] == "ci" and made["uuid"]
    assert fake.call("POST", "/api/v1/tags", body={"name": "ci"})[::2] == \
        (409, {"message": "Tag with this name already exists."})
    status, _, body = fake.call("POST", "/api/v1/tags", body={"name": "x2", "color": "red"})
    assert status == 422 and body["errors"] == {"color": ["This field is not allowed."]}
    renamed = fake.ok("PATCH", "/api/v1/tags/" + made["uuid"], body={"name": "ops"})
    assert renamed["name"] == "ops" and renamed["uuid"] == made["uuid"]
    assert fake.call("PATCH", "/api/v1/tags/" + made["uuid"], body={"name": "backend"})[0] == 409
    assert fake.ok("DELETE", "/api/v1/tags/" + made["uuid"]) == {"message": "Tag deleted."}
    assert fake.call("DELETE", "/api/v1/tags/" + made["uuid"])[::2] == (404, {"message": "Tag not found."})


# -- faults, request log, reset ------------------------------------------------------------------

def test_status_and_garbage_faults(fake):
    fake.ctl("fault", {"status": 503, "count": 2, "match": "/projects", "method": "GET"})
    assert [fake.get("/api/v1/projects")[0] for _ in range(3)] == [503, 503, 200]
    assert fake.get("/api/v1/version")[0] == 200
    fake.ctl("fault", {"status": 429, "count": 1, "retry_after": 7})
    status, headers, _ = fake.get("/api/v1/version")
    assert (status, headers["Retry-After"]) == (429, "7")
    fake.ctl("fault", {"garbage": 1, "match": "/applications"})
    with pytest.raises(ValueError):
        fake.get("/api/v1/applications")
    assert fake.get("/api/v1/applications")[0] == 200
    fake.ctl("fault", {"status": 500, "count": 1})
    status, headers, _ = fake.get("/api/v1/version", accept=False)
    assert status == 500 and headers["Content-Type"].startswith("text/html")


def test_cut_fault_and_keep_alive(fake):
    conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    headers = {"Authorization": "Bearer " + ROOT, "Accept": "application/json"}
    for _ in range(2):  # one connection, several requests
        conn.request("GET", "/api/v1/version", headers=headers)
        assert conn.getresponse().read() == fake.get("/api/v1/version")[2].encode()
    fake.ctl("fault", {"cut": 1, "match": "/applications"})
    conn.request("GET", "/api/v1/applications", headers=headers)
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    conn.close()
    assert fake.get("/api/v1/applications")[0] == 200


def test_down_and_up(fake):
    fake.ctl("fault", {"down": True, "up_after_ms": 600})
    with pytest.raises(urllib.error.URLError):
        fake.get("/api/v1/version")

    def answers():
        try:
            return fake.get("/api/v1/version")[0] == 200
        except urllib.error.URLError:
            return False
    fake.wait_for(answers)
    assert fake.ctl("port") == {"port": fake.port, "up": True}


def test_api_disabled_and_revoked_token(fake):
    fake.ctl("fault", {"api_enabled": False})
    assert fake.get("/api/v1/projects")[2] == {"success": True, "message": "API is disabled."}
    fake.ctl("fault", {"clear": True})
    fake.ctl("fault", {"revoke": "2"})
    assert fake.get("/api/v1/projects", READ)[0] == 401
    fake.ctl("tokens", {"token": "7|extra-secret", "abilities": ["read"]})
    assert fake.get("/api/v1/projects", "7|extra-secret")[0] == 200


def test_request_log_and_reset(fake):
    fake.ctl("log/clear", {})
    fake.get("/api/v1/applications?tag=x&y=1")
    fake.get("/api/v1/projects", token=None)
    fake.ctl("state")
    log = fake.ctl("log")
    assert [(e["method"], e["path"], e["query"], e["status"], e["auth"]) for e in log] == [
        ("GET", "/api/v1/applications", "tag=x&y=1", 200, 1),
        ("GET", "/api/v1/projects", "", 401, None)]
    assert all(isinstance(e["ms"], float) and e["t"] > 0 for e in log)
    fake.ok("POST", "/api/v1/projects", body={"name": "temp"}, status=201)
    fake.ctl("reset", {})
    assert len(fake.ok("GET", "/api/v1/projects")) == 3
    assert len(fake.ctl("log")) == 1


def test_down_but_listening_closes_or_hangs(fake):
    """`down: "close"` accepts and closes unanswered; `down: "hang"` never
    answers; the control API on the same port keeps working; neither is
    logged as an API request."""
    fake.ctl("log/clear", {})
    fake.ctl("fault", {"down": "close"})
    try:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            fake.get("/api/v1/version")
        assert fake.ctl("fault")["unanswered"] == "close"
        fake.ctl("fault", {"down": "hang"})
        t = time.time()
        with pytest.raises((TimeoutError, OSError)):
            fake.get("/api/v1/version", timeout=1)
        assert time.time() - t >= 0.9
    finally:
        fake.ctl("fault", {"down": False})
    assert fake.get("/api/v1/version")[0] == 200
    assert [e["path"] for e in fake.ctl("log")] == ["/api/v1/version"]
