"""Tests of the fake's rename and move routes (tests/fake/fake/moves.py,
projects.py), both modes:

* `POST /applications|databases|services/{uuid}/move`, current Coolify only
  (moveResourceToEnvironment in HEAD:bootstrap/helpers/api.php);
* the name rules of `PATCH /projects/{uuid}` and
  `PATCH /projects/{uuid}/environments/{env}` (HEAD:
  ValidationPatterns::nameRules; the seed: customApiValidator).
"""
import pytest

from test_fake import READ, WRITE, Fake


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


def env_uuid(fake, project, env):
    p = next(p for p in fake.ok("GET", "/api/v1/projects") if p["name"] == project)
    d = fake.ok("GET", "/api/v1/projects/" + p["uuid"])
    return p["uuid"], next(e for e in d["environments"] if e["name"] == env)


def resource(fake, name, kind):
    return next(r for r in fake.resources() if r["name"] == name and r["type"] in kind)


KINDS = [("applications", "web", ("application",), "Application"),
         ("databases", "web-db", ("standalone-postgresql",), "Database"),
         ("services", "uptime-kuma", ("service",), "Service")]


@pytest.mark.parametrize("path,name,types,label", KINDS)
def test_move_to_another_environment(fake, path, name, types, label):
    r = resource(fake, name, types)
    pu, staging = env_uuid(fake, "website", "staging")
    status, _, body = fake.call("POST", "/api/v1/%s/%s/move" % (path, r["uuid"]),
                                body={"environment_uuid": staging["uuid"]})
    if fake.mode == "seed":
        assert (status, body["message"]) == (404, "Not found.")
        assert resource(fake, name, types)["environment_id"] == r["environment_id"]
        return
    assert (status, body) == (200, {"message": "%s moved successfully." % label,
                                    "uuid": r["uuid"], "project_uuid": pu,
                                    "environment_uuid": staging["uuid"]})
    assert resource(fake, name, types)["environment_id"] == staging["id"]
    # Moving it again where it is now is a 400.
    status, _, body = fake.call("POST", "/api/v1/%s/%s/move" % (path, r["uuid"]),
                                body={"environment_uuid": staging["uuid"]})
    assert (status, body) == (400, {"message": "%s is already in this environment." % label})


def test_move_refusals(fake):
    if fake.mode == "seed":
        pytest.skip("no move route at the seed")
    web = resource(fake, "web", ("application",))
    url = "/api/v1/applications/%s/move" % web["uuid"]
    _, tools = env_uuid(fake, "tools", "production")
    assert fake.call("POST", url, body={})[::2] == (422, {
        "message": "Validation failed.",
        "errors": {"environment_uuid": ["The environment uuid field is required."]}})
    assert fake.call("POST", url, body={"environment_uuid": 7})[::2] == (422, {
        "message": "Validation failed.",
        "errors": {"environment_uuid": ["The environment uuid field must be a string."]}})
    # The allow-list's errors are strings, not lists (mapWithKeys).
    assert fake.call("POST", url, body={"environment_uuid": tools["uuid"], "name": "x"})[::2] == (
        422, {"message": "Validation failed.", "errors": {"name": "This field is not allowed."}})
    assert fake.call("POST", url, body={"environment_uuid": "nope"})[::2] == (
        404, {"message": "Target environment not found or not owned by your team."})
    assert fake.call("POST", "/api/v1/applications/nope/move",
                     body={"environment_uuid": tools["uuid"]})[::2] == (
        404, {"message": "Application not found."})
    assert fake.call("POST", url, READ, body={"environment_uuid": tools["uuid"]})[0] == 403
    assert resource(fake, "web", ("application",))["environment_id"] == web["environment_id"]
    # write is the ability it needs.
    assert fake.call("POST", url, WRITE, body={"environment_uuid": tools["uuid"]})[0] == 200


def test_project_rename_name_rules(fake):
    pu, _ = env_uuid(fake, "tools", "production")
    url = "/api/v1/projects/" + pu
    status, _, body = fake.call("PATCH", url, body={"name": "promo 50% off"})
    if fake.mode == "seed":
        # customApiValidator: string, at most 255.
        assert status == 201 and body["name"] == "promo 50% off"
        status, _, body = fake.call("PATCH", url, body={"name": "x" * 256})
        assert (status, body["errors"]) == (422, {
            "name": ["The name field must not be greater than 255 characters."]})
        return
    assert (status, body) == (422, {"message": "Validation failed.", "errors": {"name": [
        "The name may only contain letters (including Unicode), numbers, spaces, and these "
        "characters: - _ . / @ & ( ) # , : +"]}})
    assert fake.call("PATCH", url, body={"name": "ab"})[2]["errors"] == {
        "name": ["The name must be at least 3 characters."]}
    assert fake.call("PATCH", url, body={"name": "ab", "color": "red"})[2]["errors"] == {
        "name": ["The name must be at least 3 characters."], "color": ["This field is not allowed."]}
    assert fake.ok("PATCH", url, body={"name": "Café shop/2 (old)"}, status=201)["name"] == \
        "Café shop/2 (old)"


def test_environment_rename(fake):
    pu, prod = env_uuid(fake, "website", "production")
    url = "/api/v1/projects/%s/environments/%s" % (pu, prod["uuid"])
    status, _, body = fake.call("PATCH", url, body={"name": "live"})
    if fake.mode == "seed":
        assert (status, body["message"]) == (404, "Not found.")
        return
    assert (status, body) == (200, {"uuid": prod["uuid"], "name": "live", "description": None})
    # Taken: the name as sent is compared (HEAD:ProjectController::update_environment).
    assert fake.call("PATCH", url, body={"name": "staging"})[::2] == (
        409, {"message": "Environment with this name already exists."})
    # The model lower-cases what it stores (NOTES §3.2).
    assert fake.ok("PATCH", url, body={"name": "Pre Prod"})["name"] == "pre prod"
    assert fake.call("PATCH", url, body={"name": "no"})[::2] == (422, {
        "message": "Validation failed.", "errors": {"name": ["The name must be at least 3 characters."]}})
    assert [e["name"] for e in fake.ok("GET", "/api/v1/projects/" + pu)["environments"]] == \
        ["pre prod", "staging"]
