"""The fake's shared variables (tests/fake/fake/shared_envs.py), as
SharedEnvironmentVariablesController does them at HEAD: current Coolify only.

    /usr/bin/python3 -m pytest tests/test_fake_shared_envs.py
"""

import pytest

from test_fake import READ, READSENS, ROOT, WRITE, Fake

SCOPES = ("team", "project", "environment", "server")


@pytest.fixture(scope="module")
def fake():
    server = Fake("latest")
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


def project_uuid(fake, name="website"):
    return next(p["uuid"] for p in fake.ok("GET", "/api/v1/projects") if p["name"] == name)


def server_uuid(fake, name="localhost"):
    return next(s["uuid"] for s in fake.ok("GET", "/api/v1/servers") if s["name"] == name)


def base(fake, scope):
    if scope == "team":
        return "/api/v1/team/envs"
    if scope == "project":
        return "/api/v1/projects/%s/envs" % project_uuid(fake)
    if scope == "environment":
        return "/api/v1/projects/%s/environments/production/envs" % project_uuid(fake)
    return "/api/v1/servers/%s/envs" % server_uuid(fake)


@pytest.mark.parametrize("scope", SCOPES)
def test_list_shape_and_order(fake, scope):
    envs = fake.ok("GET", base(fake, scope))
    assert envs and [e["id"] for e in envs] == sorted(e["id"] for e in envs)
    for env in envs:
        assert env["type"] == scope
        assert all(isinstance(env[f], bool) for f in ("is_literal", "is_multiline",
                                                       "is_shown_once"))
        # removeSensitiveData(): the owner's columns and version never show;
        # serializeApiResponse(): id first, timestamps last.
        for hidden in ("team_id", "project_id", "environment_id", "server_id", "version", "uuid"):
            assert hidden not in env
        keys = list(env)
        assert keys[0] == "id" and keys[-2:] == ["created_at", "updated_at"]
        assert keys[1:-2] == sorted(keys[1:-2])


def test_each_scope_lists_only_its_own(fake):
    team = [e["key"] for e in fake.ok("GET", base(fake, "team"))]
    assert team == ["COMPANY_NAME", "SUPPORT_EMAIL"]  # not the Staging Team's
    project = [e["key"] for e in fake.ok("GET", base(fake, "project"))]
    assert project == ["DB_URL", "SENTRY_DSN", "SIGNING_KEY"]
    prod = fake.ok("GET", base(fake, "environment"))
    staging = fake.ok("GET", base(fake, "environment").replace("production", "staging"))
    assert [e["value"] for e in prod if e["key"] == "LOG_LEVEL"] == ["info"]
    assert [e["value"] for e in staging] == ["debug"]
    # resolveEnvironment(): by name, then by uuid.
    env_uuid = next(e["uuid"] for e in fake.ok("GET", "/api/v1/projects/%s/environments"
                                                % project_uuid(fake)) if e["name"] == "staging")
    by_uuid = fake.ok("GET", base(fake, "environment").replace("production", env_uuid))
    assert by_uuid == staging
    assert fake.ok("GET", "/api/v1/servers/%s/envs" % server_uuid(fake, "hetzner-fsn1")) == []


def test_values_hidden_without_read_sensitive_and_when_shown_once(fake):
    path = base(fake, "project")
    rows = {e["key"]: e for e in fake.ok("GET", path, READSENS)}
    assert rows["DB_URL"]["value"] == "postgres://shared@db:5432/site"
    assert "value" not in rows["SIGNING_KEY"]  # is_shown_once: hidden even from root
    assert "value" not in {e["key"]: e for e in fake.ok("GET", path, ROOT)}["SIGNING_KEY"]
    assert all("value" not in e for e in fake.ok("GET", path, READ))


def test_create_update_delete(fake):
    path = base(fake, "server")
    status, _, body = fake.call("POST", path, body={"key": " NEW_KEY ", "value": "  v  ",
                                                    "is_literal": True})
    assert status == 201 and list(body) == ["id"] and isinstance(body["id"], int)
    env_id = body["id"]
    row = next(e for e in fake.ok("GET", path) if e["id"] == env_id)
    assert (row["key"], row["value"], row["is_literal"]) == ("NEW_KEY", "v", True)
    # PATCH changes only what it is sent, and answers the fresh object.
    got = fake.ok("PATCH", "%s/%d" % (path, env_id), body={"is_multiline": True})
    assert (got["value"], got["is_literal"], got["is_multiline"]) == ("v", True, True)
    got = fake.ok("PATCH", "%s/%d" % (path, env_id), body={"key": "RENAMED", "value": ""})
    assert got["key"] == "RENAMED" and got["value"] is None and got["id"] == env_id
    assert fake.ok("DELETE", "%s/%d" % (path, env_id)) == {"message": "Environment variable deleted."}
    assert env_id not in [e["id"] for e in fake.ok("GET", path)]
    status, _, body = fake.call("DELETE", "%s/%d" % (path, env_id))
    assert (status, body) == (404, {"message": "Environment variable not found."})


def test_refusals(fake):
    path = base(fake, "project")
    ids = {e["key"]: e["id"] for e in fake.ok("GET", path)}
    cases = [
        ("POST", path, {"key": "DB_URL", "value": "x"}, 409,
         {"message": "Environment variable already exists. Use PATCH request to update it."}),
        ("POST", path, {"key": "9BAD", "value": "x"}, 422,
         {"message": "Validation failed.", "errors": {"key": ["The key field format is invalid."]}}),
        ("POST", path, {"value": "x"}, 422,
         {"message": "Validation failed.", "errors": {"key": ["This field is required."]}}),
        ("POST", path, {"key": "A", "value": "x", "is_preview": False}, 422,
         {"message": "Validation failed.", "errors": {"is_preview": ["This field is not allowed."]}}),
        ("POST", path, {"key": "A", "value": 5}, 422,
         {"message": "Validation failed.", "errors": {"value": ["The value field must be a string."]}}),
        ("PATCH", "%s/%d" % (path, ids["DB_URL"]), {"key": "SENTRY_DSN"}, 409,
         {"message": "Environment variable already exists with this key."}),
        ("PATCH", "%s/999" % path, {"key": "9BAD"}, 404,
         {"message": "Environment variable not found."}),
        ("PATCH", "%s/%d" % (path, ids["DB_URL"]), {"is_literal": "yes"}, 422,
         {"message": "Validation failed.",
          "errors": {"is_literal": ["The is_literal field must be true or false."]}}),
        ("GET", "/api/v1/projects/nope/envs", None, 404, {"message": "Project not found."}),
        ("GET", "/api/v1/servers/nope/envs", None, 404, {"message": "Server not found."}),
        ("GET", base(fake, "environment").replace("production", "nope"), None, 404,
         {"message": "Environment not found."}),
    ]
    for method, where, body, status, answer in cases:
        got, _, data = fake.call(method, where, body=body)
        assert (got, data) == (status, answer), (method, where, body)
    # validateIncomingRequest: a JSON body is required.
    got, _, data = fake.call("POST", path, raw_body=b"key=A", content_type="text/plain")
    assert got == 400 and data["error"] == "Content-Type must be application/json."
    # Abilities: read for GET, write for the rest.
    assert fake.call("POST", path, READ, body={"key": "A", "value": "x"})[0] == 403
    assert fake.call("GET", path, WRITE)[0] == 403
    assert fake.call("POST", path, WRITE, body={"key": "A", "value": "x"})[0] == 201
    # A refusal changed nothing.
    assert {e["key"] for e in fake.ok("GET", path)} == set(ids) | {"A"}


def test_absent_at_the_seed():
    seed = Fake("seed")
    try:
        for path in ("/api/v1/team/envs", "/api/v1/servers/%s/envs" % server_uuid(seed)):
            assert seed.call("GET", path)[2] == {"message": "Not found.",
                                                "docs": "https://coolify.io/docs"}
        # At the seed, /projects/{uuid}/envs is an environment called "envs".
        got, _, data = seed.call("GET", "/api/v1/projects/%s/envs" % project_uuid(seed))
        assert (got, data) == (404, {"message": "Environment not found."})
    finally:
        seed.close()
