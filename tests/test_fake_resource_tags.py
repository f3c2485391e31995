"""The fake's resource tag routes (HandlesTagsApi at Coolify HEAD): GET and POST
/{applications,databases,services}/{uuid}/tags, DELETE .../tags/{tag_uuid}; absent at the seed."""

import pytest

from test_fake import Fake, READ, WRITE


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


def uuid_of(fake, kind, name):
    return next(r["uuid"] for r in fake.ok("GET", "/api/v1/" + kind) if r["name"] == name)


def names(tags):
    return [t["name"] for t in tags]


def test_absent_at_the_seed(fake):
    if fake.mode != "seed":
        pytest.skip("seed-mode behaviour")
    app = uuid_of(fake, "applications", "web")
    for method, path in (("GET", "/tags"), ("POST", "/tags"), ("DELETE", "/tags/x")):
        status, _, body = fake.call(method, "/api/v1/applications/%s%s" % (app, path),
                                    body={"tag_name": "ci"} if method == "POST" else None)
        assert status == 404 and body["message"] == "Not found.", (method, body)  # the catch-all


@pytest.fixture
def latest(fake):
    if fake.mode != "latest":
        pytest.skip("current Coolify only")
    return fake


def test_list_the_demo_tags(latest):
    fake = latest
    web = uuid_of(fake, "applications", "web")
    tags = fake.ok("GET", "/api/v1/applications/%s/tags" % web, READ)
    assert names(tags) == ["frontend"]
    assert set(tags[0]) == {"uuid", "name", "created_at", "updated_at"}
    n8n = next(s["uuid"] for s in fake.ok("GET", "/api/v1/services") if s["name"].startswith("n8n"))
    assert names(fake.ok("GET", "/api/v1/services/%s/tags" % n8n)) == ["automation"]
    db = uuid_of(fake, "databases", "web-db")
    assert fake.ok("GET", "/api/v1/databases/%s/tags" % db) == []
    assert fake.call("GET", "/api/v1/databases/nope/tags")[::2] == (404, {"message": "Database not found."})
    assert fake.call("GET", "/api/v1/services/nope/tags")[::2] == (404, {"message": "Service not found."})
    assert fake.call("GET", "/api/v1/applications/nope/tags")[::2] == \
        (404, {"message": "Application not found."})
    assert fake.call("GET", "/api/v1/applications/%s/tags" % web, WRITE)[0] == 403  # write is not read


def test_post_attaches_and_creates_missing_tags(latest):
    fake = latest
    db = uuid_of(fake, "databases", "web-db")
    path = "/api/v1/databases/%s/tags" % db
    assert fake.call("POST", path, READ, body={"tag_name": "ci"})[0] == 403
    # Lowered, stripped of HTML, trimmed, deduplicated; an existing team tag is reused.
    got = fake.ok("POST", path, body={"tag_names": [" <b>CI</b> ", "ci", "Frontend"]}, status=201)
    assert names(got) == ["ci", "frontend"]
    team = {t["name"]: t["uuid"] for t in fake.ok("GET", "/api/v1/tags")}
    assert team["ci"] == got[0]["uuid"] and team["frontend"] == got[1]["uuid"]
    # Attaching again changes nothing; the answer is the whole list.
    assert names(fake.ok("POST", path, body={"tag_name": "ci"}, status=201)) == ["ci", "frontend"]
    assert names(fake.ok("GET", path)) == ["ci", "frontend"]


@pytest.mark.parametrize("body,errors", [
    ({"tag_name": "ci", "tag_names": ["x1"]}, {"tag_name": ["Provide either tag_name or tag_names, not both."]}),
    ({"tag_names": []}, {"tag_name": ["The tag_name field is required when tag_names is not present."],
                         "tag_names": ["The tag_names field is required when tag_name is not present."]}),
    ({"tag_name": "ci", "color": "red"}, {"color": ["This field is not allowed."]}),
    ({"tag_names": ["ok", 5]}, {"tag_names.1": ["The tag_names.1 field must be a string."]}),
    ({"tag_names": ["ok", "<i>x</i>"]}, {"tag_name": ["Each tag name must be at least 2 characters after sanitization."]}),
    ({"tag_name": " a "}, {"tag_name": ["Each tag name must be at least 2 characters after sanitization."]}),
])
def test_post_validation_refuses_the_whole_request(latest, body, errors):
    fake = latest
    web = uuid_of(fake, "applications", "web")
    path = "/api/v1/applications/%s/tags" % web
    status, _, got = fake.call("POST", path, body=body)
    assert (status, got) == (422, {"message": "Validation failed.", "errors": errors})
    assert names(fake.ok("GET", path)) == ["frontend"]  # nothing half-applied
    assert names(fake.ok("GET", "/api/v1/tags")) == ["automation", "backend", "frontend"]


def test_post_needs_a_json_body(latest):
    fake = latest
    web = uuid_of(fake, "applications", "web")
    status, _, got = fake.call("POST", "/api/v1/applications/%s/tags" % web, body={})
    assert (status, got["message"]) == (400, "Invalid request.")


def test_delete_detaches_and_drops_an_orphan(latest):
    fake = latest
    web = uuid_of(fake, "applications", "web")
    team = {t["name"]: t["uuid"] for t in fake.ok("GET", "/api/v1/tags")}
    path = "/api/v1/applications/%s/tags/" % web
    assert fake.call("DELETE", path + team["frontend"], READ)[0] == 403
    assert fake.ok("DELETE", path + team["frontend"]) == {"message": "Tag removed."}
    assert fake.ok("GET", "/api/v1/applications/%s/tags" % web) == []
    # Still held by the other apps: the tag stays.
    assert "frontend" in names(fake.ok("GET", "/api/v1/tags"))
    assert fake.call("DELETE", path + team["frontend"])[::2] == (404, {"message": "Tag not found on resource."})
    assert fake.call("DELETE", path + "nope")[::2] == (404, {"message": "Tag not found."})
    # The last resource of "automation" lets it go: it leaves /tags.
    n8n = next(s["uuid"] for s in fake.ok("GET", "/api/v1/services") if s["name"].startswith("n8n"))
    fake.ok("DELETE", "/api/v1/services/%s/tags/%s" % (n8n, team["automation"]))
    assert names(fake.ok("GET", "/api/v1/tags")) == ["backend", "frontend"]
