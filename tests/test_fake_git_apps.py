"""The fake's GitHub and GitLab app routes (GithubController, GitlabController at Coolify
HEAD): GET/POST /github-apps, PATCH/DELETE /github-apps/{id}, GET .../repositories and
.../repositories/{owner}/{repo}/branches; GET/POST /gitlab-apps, PATCH/DELETE
/gitlab-apps/{id}. Absent at the seed."""

import pytest

from test_fake import Fake, READ, READSENS, WRITE


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


def by_name(apps):
    return {a["name"]: a for a in apps}


def key_uuid(fake, name):
    return next(k["uuid"] for k in fake.ok("GET", "/api/v1/security/keys") if k["name"] == name)


def test_absent_at_the_seed(fake):
    if fake.mode != "seed":
        pytest.skip("seed-mode behaviour")
    for method, path in (("GET", "/github-apps"), ("POST", "/github-apps"),
                         ("PATCH", "/github-apps/1"), ("GET", "/github-apps/1/repositories"),
                         ("GET", "/github-apps/1/repositories/acme/website/branches"),
                         ("GET", "/gitlab-apps"), ("DELETE", "/gitlab-apps/2")):
        status, _, body = fake.call(method, "/api/v1" + path,
                                    body={"name": "x"} if method in ("POST", "PATCH") else None)
        assert status == 404 and body["message"] == "Not found.", (method, path, body)


def test_github_list_and_its_secrets(latest):
    apps = by_name(latest.ok("GET", "/api/v1/github-apps"))
    # The team's apps and the other team's system-wide one.
    assert sorted(apps) == ["Public GitHub", "acme-deployer", "staging-bot"]
    acme = apps["acme-deployer"]
    assert acme["id"] == 1 and acme["type"] == "github" and acme["private_key_id"] == 1
    assert list(acme)[:3] == ["id", "uuid", "name"]
    assert list(acme)[-2:] == ["created_at", "updated_at"]
    assert acme["client_secret"] and acme["webhook_secret"]
    # Shown only to tokens that may read secrets, and only for the token's team's apps.
    assert "client_secret" not in apps["staging-bot"]
    for token in (READ,):
        plain = by_name(latest.ok("GET", "/api/v1/github-apps", token))["acme-deployer"]
        assert "client_secret" not in plain and "webhook_secret" not in plain
    assert by_name(latest.ok("GET", "/api/v1/github-apps", READSENS))["acme-deployer"][
        "client_secret"] == acme["client_secret"]
    assert latest.call("GET", "/api/v1/github-apps", WRITE)[0] == 403


def test_github_repositories_and_branches(latest):
    repos = latest.ok("GET", "/api/v1/github-apps/1/repositories", READ)["repositories"]
    assert [r["full_name"] for r in repos] == ["acme/api", "acme/storefront", "acme/website"]
    assert all(not k.startswith("_") for r in repos for k in r)
    branches = latest.ok("GET", "/api/v1/github-apps/1/repositories/acme/website/branches")
    assert [b["name"] for b in branches["branches"]] == ["develop", "feature/pricing", "main"]
    assert set(branches["branches"][0]) == {"name", "commit", "protected"}
    # GitHub's refusal, passed on.
    assert latest.call("GET", "/api/v1/github-apps/1/repositories/acme/nope/branches")[::2] == \
        (404, {"message": "Error loading branches from GitHub.", "error": "Not Found"})
    # The public app has no installation token: an uncaught error.
    assert latest.call("GET", "/api/v1/github-apps/0/repositories")[0] == 500
    # Another team's system-wide app is listed, not found.
    assert latest.call("GET", "/api/v1/github-apps/2/repositories")[::2] == \
        (404, {"message": "GitHub app not found"})
    assert latest.call("GET", "/api/v1/github-apps/x/repositories")[0] == 500


def test_github_create(latest):
    body = {"name": "ci-bot", "html_url": "https://github.com", "app_id": 42,
            "installation_id": 7, "client_id": "Iv1.x", "client_secret": "cs",
            "webhook_secret": "ws", "private_key_uuid": key_uuid(latest, "github-deploy-key"),
            "organization": " /acme/ "}
    created = latest.ok("POST", "/api/v1/github-apps", body=body, status=201)
    assert "client_secret" not in created and created["type"] == "github"
    assert created["api_url"] == "https://api.github.com" and created["organization"] == "acme"
    assert len(created["uuid"]) == 36
    assert by_name(latest.ok("GET", "/api/v1/github-apps"))["ci-bot"]["client_secret"] == "cs"
    status, _, err = latest.call("POST", "/api/v1/github-apps",
                                 body={"name": "x", "html_url": "http://10.0.0.1", "extra": 1})
    assert status == 422 and err["message"] == "Validation failed."
    assert err["errors"]["extra"] == ["This field is not allowed."]
    assert err["errors"]["app_id"] == ["This field is required."]
    assert "local or private address" in err["errors"]["html_url"][0]
    body["private_key_uuid"] = "nope"
    assert latest.call("POST", "/api/v1/github-apps", body=body)[::2] == \
        (404, {"message": "Private key not found or does not belong to your team."})
    assert latest.call("POST", "/api/v1/github-apps", READ, body=body)[0] == 403


def test_github_update(latest):
    answer = latest.ok("PATCH", "/api/v1/github-apps/1", body={"name": "acme-ci", "app_id": 9,
                                                              "private_key_id": 0})
    assert answer["message"] == "GitHub app updated successfully"
    assert answer["data"]["name"] == "acme-ci" and "client_secret" not in answer["data"]
    app = by_name(latest.ok("GET", "/api/v1/github-apps"))["acme-ci"]
    assert app["app_id"] == 9
    assert app["private_key_id"] == 1  # not a field the update takes: dropped
    status, _, err = latest.call("PATCH", "/api/v1/github-apps/1", body={"custom_port": 0})
    assert status == 422 and err["message"] == "Validation error"
    # An empty secret is stored as null: the API does not refuse it.
    latest.ok("PATCH", "/api/v1/github-apps/1", body={"webhook_secret": ""})
    assert by_name(latest.ok("GET", "/api/v1/github-apps"))["acme-ci"]["webhook_secret"] is None
    assert latest.call("PATCH", "/api/v1/github-apps/2", body={"name": "x"})[::2] == \
        (404, {"message": "GitHub app not found"})


def test_github_delete(latest):
    # The demo's applications use the public app.
    status, _, body = latest.call("DELETE", "/api/v1/github-apps/0")
    assert status == 409 and body["message"].startswith("This GitHub app is being used by ")
    keys = [k["name"] for k in latest.ok("GET", "/api/v1/security/keys")]
    assert "github-deploy-key" in keys
    assert latest.ok("DELETE", "/api/v1/github-apps/1") == \
        {"message": "GitHub app deleted successfully"}
    assert "acme-deployer" not in by_name(latest.ok("GET", "/api/v1/github-apps"))
    # Its private key, used by nothing else, goes with it (GithubApp::booted).
    assert "github-deploy-key" not in [k["name"] for k in latest.ok("GET", "/api/v1/security/keys")]
    assert latest.call("DELETE", "/api/v1/github-apps/1")[0] == 404


def test_gitlab_routes(latest):
    apps = by_name(latest.ok("GET", "/api/v1/gitlab-apps"))
    assert sorted(apps) == ["Public GitLab", "acme-gitlab"]
    acme = apps["acme-gitlab"]
    assert acme["webhook_token"] and "app_secret" not in acme
    plain = by_name(latest.ok("GET", "/api/v1/gitlab-apps", READ))["acme-gitlab"]
    assert not {"client_secret", "webhook_token", "access_token", "refresh_token"} & set(plain)
    created = latest.ok("POST", "/api/v1/gitlab-apps",
                        body={"name": "self-hosted", "html_url": "https://git.acme.example/"},
                        status=201)
    assert created["api_url"] == "https://git.acme.example/api/v4"
    assert len(created["webhook_token"]) == 32  # generated when omitted
    gid = created["id"]
    updated = latest.ok("PATCH", "/api/v1/gitlab-apps/%d" % gid, body={"group_name": "acme"})
    assert updated["message"] == "GitLab app updated successfully"
    assert updated["data"]["group_name"] == "acme" and updated["data"]["webhook_token"]
    status, _, err = latest.call("PATCH", "/api/v1/gitlab-apps/%d" % gid,
                                 body={"redirect_uri": 5})
    assert status == 422 and err["message"] == "Validation error"
    assert latest.ok("DELETE", "/api/v1/gitlab-apps/%d" % gid) == \
        {"message": "GitLab app deleted successfully"}
    assert latest.call("DELETE", "/api/v1/gitlab-apps/%d" % gid)[::2] == \
        (404, {"message": "GitLab app not found"})
