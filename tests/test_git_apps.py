"""GitHub and GitLab apps (SPEC §6, issue 16): github-apps/APP/ with app.json, ctl (delete),
repositories/OWNER%2FREPO/{repository.json,branches}, github-apps/new.json; gitlab-apps/APP/
with app.json, ctl (delete), gitlab-apps/new.json. Mounted for real over the fake in latest
mode (the seed has no such routes: the entries are absent), driven with ls, cat, vim and
echo, and checked at the fake's request log."""
import json
import os

import pytest

from conftest import Fake, READ_TOKEN, api_requests, run

GH = "github-apps"
GL = "gitlab-apps"


@pytest.fixture(scope="module")
def latest():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def apps(fake, kind=GH):
    return {a["name"]: a for a in fake.api("/" + kind)[1]}


def ctl(path, line):
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a JSON file (written in place)."""
    return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
               check=check)


def writes(fake):
    return [r for r in api_requests(fake) if r[0] != "GET"]


def bodies(fake, method):
    return [json.loads(e["body"]) for e in fake.log() if e["method"] == method]


def test_apps_are_listed_and_read(mnt, fresh):
    fresh.clear_log()
    assert sorted(os.listdir(mnt.p(GH))) == ["Public GitHub", "acme-deployer", "staging-bot"]
    acme = mnt.p(GH, "acme-deployer")
    assert sorted(os.listdir(acme)) == ["app.json", "ctl", "repositories"]
    # The public source is installed nowhere: it has no repositories (the API's answer would
    # be a 500), so none is shown and none is asked for.
    assert sorted(os.listdir(mnt.p(GH, "Public GitHub"))) == ["app.json", "ctl"]
    assert not os.path.exists(mnt.p(GH, "Public GitHub", "repositories"))
    shown = json.load(open(os.path.join(acme, "app.json")))
    assert open(os.path.join(acme, "ctl")).read() == "delete\n"
    assert oct(os.stat(os.path.join(acme, "app.json")).st_mode & 0o777) == "0o600"
    assert [r for r in api_requests(fresh) if "github" in r[1]] == [
        ("GET", "/api/v1/github-apps")]
    # app.json is the list's item, shown as the API shows it to this (root) token.
    assert shown == apps(fresh)["acme-deployer"] and shown["webhook_secret"]


def test_repositories_and_their_branches(mnt, fresh):
    repos = mnt.p(GH, "acme-deployer", "repositories")
    fresh.clear_log()
    assert os.listdir(repos) == ["acme%2Fapi", "acme%2Fstorefront", "acme%2Fwebsite"]
    site = os.path.join(repos, "acme%2Fwebsite")
    assert sorted(os.listdir(site)) == ["branches", "repository.json"]
    api = fresh.api("/github-apps/1/repositories")[1]["repositories"]
    assert json.load(open(os.path.join(site, "repository.json"))) == api[2]
    branches = fresh.api("/github-apps/1/repositories/acme/website/branches")[1]["branches"]
    fresh.clear_log()
    text = run(["cat", os.path.join(site, "branches")]).stdout
    assert text == "".join(b["name"] + "\n" for b in branches) == \
        "develop\nfeature/pricing\nmain\n"
    assert run(["grep", "-x", "main", os.path.join(site, "branches")]).stdout == "main\n"
    # owner and repo are two segments of the route.
    assert api_requests(fresh) == [
        ("GET", "/api/v1/github-apps/1/repositories/acme/website/branches")]
    # No ctl: nothing to do to a repository.
    assert not os.path.exists(os.path.join(site, "ctl"))


def test_a_saved_app_json_patches_what_changed(mnt, fresh):
    f = mnt.p(GH, "acme-deployer", "app.json")
    fresh.clear_log()
    vim(f, r'%s/"custom_port": 22/"custom_port": 2222/')
    assert writes(fresh) == [("PATCH", "/api/v1/github-apps/1")]
    assert bodies(fresh, "PATCH") == [{"custom_port": 2222}]
    assert apps(fresh)["acme-deployer"]["custom_port"] == 2222
    assert json.load(open(f))["custom_port"] == 2222


def test_a_refused_save_changes_nothing(mnt, fresh):
    f = mnt.p(GH, "acme-deployer", "app.json")
    before = apps(fresh)
    fresh.clear_log()
    r = vim(f, r'%s/"custom_port": 22/"custom_port": 0/', check=False)
    assert r.returncode != 0
    assert "custom_port" in mnt.stderr() and "must be at least 1" in mnt.stderr()
    assert apps(fresh) == before
    assert writes(fresh) == [("PATCH", "/api/v1/github-apps/1")]
    assert json.load(open(f))["custom_port"] == 22


def test_a_secret_is_never_written_back_blank(mnt, fresh):
    f = mnt.p(GH, "acme-deployer", "app.json")
    before = apps(fresh)["acme-deployer"]
    fresh.clear_log()
    # The API would store null and lose the secret: the mount refuses, sends nothing.
    r = vim(f, r'%s/"webhook_secret": "[^"]*"/"webhook_secret": ""/', check=False)
    assert r.returncode != 0
    assert writes(fresh) == []
    assert '"webhook_secret" would be emptied' in mnt.stderr()
    r = vim(f, r'%s/"client_secret": "[^"]*"/"client_secret": null/', check=False)
    assert r.returncode != 0
    assert '"client_secret" would be emptied' in mnt.stderr()
    assert writes(fresh) == []
    assert apps(fresh)["acme-deployer"] == before
    # Changed, it is sent (the API takes it); left out, it is left alone.
    vim(f, r'%s/"webhook_secret": "[^"]*"/"webhook_secret": "whsec-rotated"/')
    assert bodies(fresh, "PATCH") == [{"webhook_secret": "whsec-rotated"}]


def test_without_read_sensitive_no_secret_is_shown_nor_sent(fresh, mount_factory):
    token = "8|gitapps-rw-0000000000000000000000000000000"
    fresh.ctl("tokens", {"token": token, "abilities": ["read", "write"], "team_id": "0"})
    m = mount_factory(fresh, token=token, opts=["cache_ttl=60"])
    f = m.p(GH, "acme-deployer", "app.json")
    shown = json.load(open(f))
    assert "client_secret" not in shown and "webhook_secret" not in shown
    assert shown == next(a for a in fresh.api("/github-apps", token=token)[1]
                         if a["name"] == "acme-deployer")
    fresh.clear_log()
    vim(f, r'%s/"organization": "acme"/"organization": "acme-inc"/')
    assert bodies(fresh, "PATCH") == [{"organization": "acme-inc"}]
    assert apps(fresh)["acme-deployer"]["webhook_secret"] == "whsec-acme-deployer-4f2a"


def test_another_teams_system_wide_app(mnt, fresh):
    f = mnt.p(GH, "staging-bot", "app.json")
    shown = json.load(open(f))
    assert "client_secret" not in shown  # not the token's team's: never shown
    # Nor are its repositories (the API answers 404 for them).
    assert sorted(os.listdir(mnt.p(GH, "staging-bot"))) == ["app.json", "ctl"]
    fresh.clear_log()
    r = vim(f, r'%s/"custom_port": 22/"custom_port": 23/', check=False)
    assert r.returncode != 0
    assert "GitHub app not found" in mnt.stderr()
    assert writes(fresh) == [("PATCH", "/api/v1/github-apps/2")]


def test_new_json_creates_an_app(mnt, fresh):
    key = next(k["uuid"] for k in fresh.api("/security/keys")[1]
               if k["name"] == "github-deploy-key")
    os.listdir(mnt.p(GH))
    fresh.clear_log()
    body = {"name": "ci-bot", "html_url": "https://github.com", "app_id": 42,
            "installation_id": 7, "client_id": "Iv1.ci", "client_secret": "cs-1",
            "webhook_secret": "ws-1", "private_key_uuid": key}
    with open(mnt.p(GH, "new.json"), "w") as fh:
        json.dump(body, fh)
    assert writes(fresh) == [("POST", "/api/v1/github-apps")]
    assert bodies(fresh, "POST") == [body]
    assert "ci-bot" in os.listdir(mnt.p(GH))
    assert json.load(open(mnt.p(GH, "ci-bot", "app.json")))["app_id"] == 42
    # A refusal creates nothing.
    fresh.clear_log()
    r = run("echo '{\"name\": \"x\"}' > '%s'" % mnt.p(GH, "new.json"), check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert writes(fresh) == [("POST", "/api/v1/github-apps")]
    assert len(apps(fresh)) == 4


def test_delete_refused_while_in_use_then_done(mnt, fresh):
    os.listdir(mnt.p("keys"))
    public = mnt.p(GH, "Public GitHub")
    os.listdir(public)
    fresh.clear_log()
    r = ctl(os.path.join(public, "ctl"), "delete")
    assert r.returncode != 0 and "Device or resource busy" in r.stderr
    assert "is being used by" in mnt.stderr()
    assert writes(fresh) == [("DELETE", "/api/v1/github-apps/0")]
    assert "Public GitHub" in apps(fresh)
    # rm -r never deletes (SPEC §3.4); ctl does.
    run("rm -rf '%s'" % mnt.p(GH, "acme-deployer"), check=False)
    assert "acme-deployer" in apps(fresh)
    fresh.clear_log()
    assert ctl(mnt.p(GH, "acme-deployer", "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "/api/v1/github-apps/1")]
    assert "acme-deployer" not in os.listdir(mnt.p(GH))
    # Its private key went with it at the API: keys/ shows that at once.
    assert "github-deploy-key" not in os.listdir(mnt.p("keys"))
    r = ctl(mnt.p(GH, "staging-bot", "ctl"), "explode")
    assert r.returncode != 0 and 'unknown verb "explode"' in mnt.stderr()


def test_gitlab_apps(mnt, fresh):
    assert sorted(os.listdir(mnt.p(GL))) == ["Public GitLab", "acme-gitlab"]
    d = mnt.p(GL, "acme-gitlab")
    assert sorted(os.listdir(d)) == ["app.json", "ctl"]
    assert json.load(open(os.path.join(d, "app.json"))) == apps(fresh, GL)["acme-gitlab"]
    gid = apps(fresh, GL)["acme-gitlab"]["id"]
    fresh.clear_log()
    vim(os.path.join(d, "app.json"), r'%s/"group_name": "acme,acme-infra"/"group_name": "acme"/')
    assert writes(fresh) == [("PATCH", "/api/v1/gitlab-apps/%d" % gid)]
    assert bodies(fresh, "PATCH") == [{"group_name": "acme"}]
    fresh.clear_log()
    r = vim(os.path.join(d, "app.json"), r'%s/"webhook_token": "[^"]*"/"webhook_token": " "/',
            check=False)
    assert r.returncode != 0 and writes(fresh) == []
    with open(mnt.p(GL, "new.json"), "w") as fh:
        json.dump({"name": "self-hosted", "html_url": "https://git.acme.example"}, fh)
    assert writes(fresh) == [("POST", "/api/v1/gitlab-apps")]
    assert "self-hosted" in os.listdir(mnt.p(GL))
    new_id = apps(fresh, GL)["self-hosted"]["id"]
    fresh.clear_log()
    assert ctl(mnt.p(GL, "self-hosted", "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "/api/v1/gitlab-apps/%d" % new_id)]
    assert sorted(os.listdir(mnt.p(GL))) == ["Public GitLab", "acme-gitlab"]


def test_read_only_token_cannot_save(fresh, mount_factory):
    m = mount_factory(fresh, token=READ_TOKEN, opts=["cache_ttl=60"])
    f = m.p(GH, "acme-deployer", "app.json")
    assert "client_secret" not in json.load(open(f))
    fresh.clear_log()
    r = vim(f, r'%s/"custom_port": 22/"custom_port": 2222/', check=False)
    assert r.returncode != 0
    assert "Missing required permissions: write" in m.stderr()
    assert apps(fresh)["acme-deployer"]["custom_port"] == 22


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    top = os.listdir(m.p())
    assert GH not in top and GL not in top
    assert not os.path.exists(m.p(GH)) and not os.path.exists(m.p(GL, "new.json"))
    assert [r for r in api_requests(fake) if "-apps" in r[1]] == []
