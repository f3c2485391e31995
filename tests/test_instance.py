"""The instance's own objects (SPEC §2, issue 5): servers/, keys/, teams/,
their ctl files, the mount's ctl, and their uuid/ links, mounted for real
over the fake Coolify in both API generations, checked with ls, cat,
grep, readlink and `echo VERB > ctl` in bash."""
import json
import os
import stat
import urllib.parse

import pytest

from conftest import READ_TOKEN, run
from expected import as_list, assign


@pytest.fixture
def fresh(fake_mode):
    """The module's fake, back to its dataset (tests here delete things)."""
    fake_mode.reset()
    return fake_mode


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def ctl(path, line):
    """`echo LINE > path` in bash, as a user types it."""
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def calls(fake, part):
    """(method, path, query, status) of the logged requests whose path
    holds part."""
    return [(e["method"], e["path"], e["query"], e["status"]) for e in fake.log() if part in e["path"]]


def servers(fake):
    return assign(as_list(fake.api("/servers")[1]))


def shared(fake):
    """The shared variables' entries a server or the token's team has:
    current Coolify only (test_shared_envs.py)."""
    return [] if fake.api("/version")[1].startswith("4.0.0-beta") else ["envs", "envs.env"]


SERVER_SETTINGS = ("proxy.json", "docker-cleanup.json", "sentinel.json", "log-drains.json",
                   "cloudflare-tunnel.json", "configuration")


def subsystems(fake):
    """A server's subsystem entries (test_server_settings.py): current Coolify only."""
    if fake.api("/version")[1].startswith("4.0.0-beta"):
        return []
    return ["cloudflare-tunnel.json", "docker-cleanup.json", "executions", "export",
            "log-drains.json", "proxy", "proxy.json", "sentinel.json"]


def server_verbs(fake):
    """What servers/S/ctl takes: the subsystem and transfer verbs on current Coolify."""
    extra = "" if fake.api("/version")[1].startswith("4.0.0-beta") else (
        "proxy restart\ncleanup now\ntunnel enable\ntunnel disable\n"
        "migrate TARGET_URL TARGET_TOKEN\nclaim\ntransfer complete\nexport mailbox\n")
    return extra + "validate\ndelete\n"


def keys(fake):
    return assign(as_list(fake.api("/security/keys")[1]))


# ---- servers ----

def test_servers_directory(mnt, fresh):
    want = servers(fresh)
    assert sorted(os.listdir(mnt.p("servers"))) == sorted(want)
    for name, srv in want.items():
        d = mnt.p("servers", name)
        # Current Coolify has a server's destinations (test_clone.py).
        dests = ["destinations"] if fresh.state()["mode"] == "latest" else []
        assert sorted(os.listdir(d)) == \
            sorted(["ctl", "domains", "resources.json", "server.json", *shared(fresh),
                    *subsystems(fresh)] + dests)
        assert json.load(open(os.path.join(d, "server.json"))) == \
            fresh.api("/servers/" + srv["uuid"])[1]
        assert json.load(open(os.path.join(d, "resources.json"))) == \
            fresh.api("/servers/%s/resources" % srv["uuid"])[1]


def test_domains_one_line_per_domain(mnt, fresh):
    """domains is hosts(5)-like: "IP DOMAIN", one line per domain."""
    want = []
    for name, srv in sorted(servers(fresh).items()):
        for entry in fresh.api("/servers/%s/domains" % srv["uuid"])[1]:
            want += ["%s %s" % (entry["ip"], d) for d in entry["domains"]]
    out = run("cat %s/servers/*/domains" % mnt.path).stdout
    assert out.splitlines() == want and out.endswith("\n")
    assert "203.0.113.42 bi.example.com" in want


def test_listing_servers_never_validates(mnt, fresh):
    """NOTES §15.13: validate is a GET with a side effect on 2025
    instances; no listing or read may touch it."""
    fresh.clear_log()
    run(["ls", "-lR", mnt.p("servers")])
    run("cat %s/servers/*/* %s/servers/*/envs/* >/dev/null 2>&1 || "
        "test $? = 1" % (mnt.path, mnt.path))  # envs/ is a directory (current Coolify)
    assert calls(fresh, "/validate") == []


def test_validate_is_one_post_with_get_on_2025(mnt, fresh):
    name, srv = next(iter(sorted(servers(fresh).items())))
    fresh.clear_log()
    r = ctl(mnt.p("servers", name, "ctl"), "validate")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    path = "/api/v1/servers/%s/validate" % srv["uuid"]
    if fresh.api("/version")[1].startswith("4.0.0-beta"):
        # SPEC §3.3: the 2025 route is GET only; POST gets the catch-all.
        assert calls(fresh, "/validate") == [("POST", path, "", 404), ("GET", path, "", 201)]
    else:
        assert calls(fresh, "/validate") == [("POST", path, "", 201)]


def test_server_ctl_verbs_and_refusals(mnt, fresh):
    name = sorted(servers(fresh))[0]
    c = mnt.p("servers", name, "ctl")
    assert open(c).read() == server_verbs(fresh)
    assert stat.S_IMODE(os.stat(c).st_mode) == 0o600
    fresh.clear_log()
    r = ctl(c, "reboot")
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    r = ctl(c, "validate now")
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert [e for e in fresh.log() if e["method"] != "GET"] == []


def test_deleting_a_server_with_resources_is_EBUSY(mnt, fresh):
    name = "hetzner-fsn1"
    r = ctl(mnt.p("servers", name, "ctl"), "delete")
    assert r.returncode == 1 and "Device or resource busy" in r.stderr
    assert "Server has resources" in mnt.stderr()
    assert name in os.listdir(mnt.p("servers"))


def test_deleting_an_empty_server(mnt, fresh):
    key = keys(fresh)["localhost's key"]
    status, out = fresh.api("/servers", method="POST",
                            body={"name": "spare", "ip": "198.51.100.9", "private_key_uuid": key["uuid"]})
    assert status == 201, out
    # Made elsewhere: seen after cache_ttl, or at once after a refresh.
    assert ctl(mnt.p("ctl"), "refresh").returncode == 0
    assert "spare" in os.listdir(mnt.p("servers"))
    fresh.clear_log()
    r = ctl(mnt.p("servers", "spare", "ctl"), "delete")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    assert calls(fresh, "/servers/" + out["uuid"])[0][:2] == ("DELETE", "/api/v1/servers/" + out["uuid"])
    assert "spare" not in os.listdir(mnt.p("servers"))
    assert "spare" not in servers(fresh)


# ---- keys ----

def test_keys_directory_never_shows_the_private_key(mnt, fresh):
    want = keys(fresh)
    assert sorted(os.listdir(mnt.p("keys"))) == sorted(want)
    for name, key in want.items():
        d = mnt.p("keys", name)
        assert sorted(os.listdir(d)) == ["ctl", "key.json", "public_key"]
        # The root token may read the secret (NOTES §1.5); the mount
        # never shows it.
        assert "PRIVATE KEY" in key["private_key"]
        shown = json.load(open(os.path.join(d, "key.json")))
        assert "private_key" not in shown
        assert shown == {k: v for k, v in key.items() if k != "private_key"}
        assert open(os.path.join(d, "public_key")).read() == key["public_key"] + "\n"
        # Writable (a save updates the key), still without the secret.
        assert stat.S_IMODE(os.stat(os.path.join(d, "key.json")).st_mode) == 0o600
    r = run(["grep", "-rs", "PRIVATE KEY", mnt.path], check=False)
    assert r.stdout == "" and r.returncode != 0
    r = run(["grep", "-rsl", "BEGIN OPENSSH", mnt.p("keys"), mnt.p("servers"), mnt.p("teams")],
            check=False)
    assert r.stdout == ""


def test_deleting_a_key_in_use_is_EBUSY(mnt, fresh):
    name = "localhost's key"
    c = mnt.p("keys", name, "ctl")
    assert open(c).read() == "delete\n"
    r = ctl(c, "delete")
    assert r.returncode == 1 and "Device or resource busy" in r.stderr
    assert "Private Key is in use" in mnt.stderr()
    assert name in os.listdir(mnt.p("keys"))


def test_deleting_an_unused_key(mnt, fresh):
    key = keys(fresh)["github-deploy-key"]
    os.listdir(mnt.p("keys"))
    fresh.clear_log()
    r = ctl(mnt.p("keys", "github-deploy-key", "ctl"), "delete")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    assert [c[:2] for c in calls(fresh, "/security/keys/")] == \
        [("DELETE", "/api/v1/security/keys/" + key["uuid"])]
    # Read-your-writes (SPEC §4): gone at once, from the mount and the API.
    assert "github-deploy-key" not in os.listdir(mnt.p("keys"))
    assert "github-deploy-key" not in keys(fresh)
    assert not os.path.lexists(mnt.p("uuid", key["uuid"]))


def test_key_names_are_escaped_and_deduplicated(mnt, fresh):
    made = []
    for _ in range(2):
        status, out = fresh.api("/security/keys", method="POST", body={
            "name": "ci/deploy 100%",
            "private_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----"})
        assert status == 201, out
        made.append(out["uuid"])
    names = os.listdir(mnt.p("keys"))
    for uuid in made:
        assert "ci%2Fdeploy 100%25@" + uuid in names
        assert os.readlink(mnt.p("uuid", uuid)) == "../keys/ci%2Fdeploy 100%25@" + uuid
    r = run(["grep", "-rs", "PRIVATE KEY", mnt.p("keys")], check=False)
    assert r.stdout == ""


# ---- teams ----

def test_teams_and_current(mnt, fresh):
    latest = not fresh.api("/version")[1].startswith("4.0.0-beta")
    teams = assign([dict(t, uuid=str(t["id"])) for t in as_list(fresh.api("/teams")[1])])
    fresh.clear_log()
    assert sorted(os.listdir(mnt.p("teams"))) == sorted([*teams, "current"])
    assert os.readlink(mnt.p("teams", "current")) == "Root Team"
    # NOTES §13, §17.12: the token's team is /team on current Coolify;
    # 2025 instances only have /teams/current.
    asked = [p for m, p, _, _ in calls(fresh, "/team")]
    assert ("/api/v1/team" if latest else "/api/v1/teams/current") in asked
    for name, team in teams.items():
        d = mnt.p("teams", name)
        # /team/envs is the token's team's only.
        mine = shared(fresh) if name == "Root Team" else []
        assert sorted(os.listdir(d)) == sorted(["members.json", "team.json", *mine])
        shown = json.load(open(os.path.join(d, "team.json")))
        assert shown == {k: v for k, v in team.items() if k != "uuid"}
        assert json.load(open(os.path.join(d, "members.json"))) == \
            fresh.api("/teams/%d/members" % team["id"])[1]
    members = json.load(open(mnt.p("teams", "current", "members.json")))
    assert [u["name"] for u in members] == ["Root User", "Alice Martin"]
    assert all("password" not in u for u in members)


# ---- tags/ (current Coolify; one row of objects.h) ----

def tags(fake):
    return assign(as_list(fake.api("/tags")[1]))


def is_latest(fake):
    return not fake.api("/version")[1].startswith("4.0.0-beta")


def test_tags_directory(mnt, fresh):
    if not is_latest(fresh):
        # NOTES §17: the 2025 API has no /tags: no directory, no request.
        assert "tags" not in os.listdir(mnt.p())
        assert not os.path.exists(mnt.p("tags"))
        assert not calls(fresh, "/tags")
        return
    want = tags(fresh)
    assert sorted(want) == ["automation", "backend", "frontend"]
    assert "tags" in os.listdir(mnt.p())
    assert sorted(os.listdir(mnt.p("tags"))) == sorted(want)
    for name, tag in want.items():
        d = mnt.p("tags", name)
        assert sorted(os.listdir(d)) == ["ctl", "tag.json"]
        assert json.load(open(os.path.join(d, "tag.json"))) == tag
    assert open(mnt.p("tags", "frontend", "ctl")).read() == "delete\n"
    # The list is the only request: tag.json is its item.
    assert {p for _, p, _, _ in calls(fresh, "/tags")} == {"/api/v1/tags"}


def test_tags_create_rename_delete(mnt, fresh):
    if not is_latest(fresh):
        pytest.skip("the 2025 API has no tags")
    run("cat > %s <<< '{\"name\": \"ci\"}'" % mnt.p("tags", "new.json"))
    assert "ci" in os.listdir(mnt.p("tags"))
    uuid = tags(fresh)["ci"]["uuid"]
    fresh.clear_log()
    f = mnt.p("tags", "ci", "tag.json")
    obj = json.load(open(f))
    obj["name"] = "ops"
    with open(f, "w") as out:
        json.dump(obj, out)
    writes = [(m, p) for m, p, _, _ in calls(fresh, "/tags") if m != "GET"]
    assert writes == [("PATCH", "/api/v1/tags/" + uuid)]
    assert sorted(os.listdir(mnt.p("tags"))) == ["automation", "backend", "frontend", "ops"]
    fresh.clear_log()
    r = ctl(mnt.p("tags", "ops", "ctl"), "delete")
    assert r.returncode == 0, r.stderr
    assert [(m, p) for m, p, _, _ in calls(fresh, "/tags") if m != "GET"] == \
        [("DELETE", "/api/v1/tags/" + uuid)]
    assert "ops" not in os.listdir(mnt.p("tags"))


# ---- uuid/ ----

def test_uuid_links_of_servers_and_keys(mnt, fresh):
    for coll, objs in (("servers", servers(fresh)), ("keys", keys(fresh))):
        for name, obj in objs.items():
            link = mnt.p("uuid", obj["uuid"])
            assert os.readlink(link) == "../%s/%s" % (coll, name)
            assert os.path.samefile(link, mnt.p(coll, name))
            assert obj["uuid"] in os.listdir(mnt.p("uuid"))


def test_modes_and_owner(mnt):
    uid, gid = os.getuid(), os.getgid()
    for root, dirs, files in os.walk(mnt.path):
        if "/projects" in root or "/uuid" in root or "/deployments" in root:
            dirs[:] = []
            continue
        for d in dirs:
            st = os.lstat(os.path.join(root, d))
            if stat.S_ISLNK(st.st_mode):
                continue
            assert stat.S_IMODE(st.st_mode) == 0o700 and (st.st_uid, st.st_gid) == (uid, gid)
        for f in files:
            st = os.lstat(os.path.join(root, f))
            # ctl and the objects' own files take writes (SPEC §3.4).
            # ... and so do variables (shared ones in servers/S/ and teams/T/).
            # ... and a server's settings, and its proxy's compose file, and the
            # git apps', S3 storages' and cloud's (current Coolify).
            # ... and the single objects' files (notifications/, settings/).
            want = 0o600 if f in ("ctl", "server.json", "key.json", "tag.json",
                                  "destination.json", "app.json", "s3.json", "token.json",
                                  "init-script.json", "script") or \
                "/envs" in root or f == "envs.env" or f in SERVER_SETTINGS or \
                root.endswith(("/notifications", "/settings")) else 0o400
            assert stat.S_IMODE(st.st_mode) == want, os.path.join(root, f)
            assert (st.st_uid, st.st_gid) == (uid, gid)
    assert os.lstat(mnt.p("teams", "current")).st_mode & stat.S_IFLNK


# ---- the mount's ctl ----

def test_root_ctl_lists_the_verbs(mnt, fresh):
    # The MCP switch is current Coolify's (test_notifications.py).
    mcp = "" if fresh.api("/version")[1].startswith("4.0.0-beta") else \
        "mcp enable\nmcp disable\n"
    with open(mnt.p("ctl")) as f:
        assert f.read() == "refresh\ndeploy tag TAG [force]\napi enable\napi disable\n" + mcp


def test_root_ctl_refusals(mnt, fresh):
    fresh.clear_log()
    for line in ("frobnicate", "deploy", "deploy frontend", "deploy tag", "deploy tag a,,b",
                 "deploy tag frontend now", "api", "api restart", "refresh all"):
        r = ctl(mnt.p("ctl"), line)
        assert r.returncode == 1 and "Invalid argument" in r.stderr, line
    assert 'unknown verb "frobnicate"' in mnt.stderr()
    assert fresh.log() == []


def test_deploy_by_tag(mnt, fresh):
    fresh.clear_log()
    r = ctl(mnt.p("ctl"), "deploy tag frontend force")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    r = ctl(mnt.p("ctl"), "deploy tag backend")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    # NOTES §8, §11.4: force as 1, never "false"; POST on both.
    assert calls(fresh, "/deploy") == [("POST", "/api/v1/deploy", "tag=frontend&force=1", 200),
                                       ("POST", "/api/v1/deploy", "tag=backend", 200)]
    # The deployments it queued show at once (read-your-writes).
    assert os.listdir(mnt.p("deployments"))


def test_deploy_by_tag_list(mnt, fresh):
    # NOTES §11.4: the API splits the decoded value on commas; the
    # client URL-encodes the user's words whole (libcurl), so nothing
    # in them can end the value or add a parameter.
    fresh.clear_log()
    r = ctl(mnt.p("ctl"), "deploy tag frontend,backend")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    (method, path, query, status), = calls(fresh, "/deploy")
    assert (method, path, status) == ("POST", "/api/v1/deploy", 200)
    assert urllib.parse.parse_qs(query) == {"tag": ["frontend,backend"]}
    fresh.clear_log()
    r = ctl(mnt.p("ctl"), "deploy tag a&force=1")
    assert r.returncode == 1 and "No such file or directory" in r.stderr
    (_, _, query, _), = calls(fresh, "/deploy")
    assert urllib.parse.parse_qs(query) == {"tag": ["a&force=1"]}


def test_deploy_by_unknown_tag_is_ENOENT(mnt, fresh):
    r = ctl(mnt.p("ctl"), "deploy tag no-such-tag")
    assert r.returncode == 1 and "No such file or directory" in r.stderr
    assert "No resources found with this tag." in mnt.stderr()


def test_api_disable_and_enable(mnt, fresh):
    latest = not fresh.api("/version")[1].startswith("4.0.0-beta")
    fresh.clear_log()
    r = ctl(mnt.p("ctl"), "api disable")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    assert fresh.api("/projects")[0] == 403  # NOTES §1.6
    r = ctl(mnt.p("ctl"), "api enable")
    assert r.returncode == 0, r.stderr + mnt.stderr()
    assert fresh.api("/projects")[0] == 200
    got = [(m, p, s) for m, p, _, s in calls(fresh, "able")]
    if latest:
        assert got == [("POST", "/api/v1/disable", 200), ("POST", "/api/v1/enable", 200)]
    else:
        # SPEC §3.3: GET-only in 2025; POST gets the catch-all 404.
        assert got == [("POST", "/api/v1/disable", 404), ("GET", "/api/v1/disable", 200),
                       ("POST", "/api/v1/enable", 404), ("GET", "/api/v1/enable", 200)]


def test_api_enable_needs_a_root_token(fresh, mount_factory):
    m = mount_factory(fresh, token=READ_TOKEN)
    r = ctl(m.p("ctl"), "api enable")
    assert r.returncode == 1 and "Permission denied" in r.stderr
    # NOTES §1.6: a token of another team than the root team is refused
    # even with every ability.
    token = "9|other-team-root-token-0000000000000000000"
    fresh.ctl("tokens", {"token": token, "abilities": ["root"], "team_id": "1"})
    m = mount_factory(fresh, token=token)
    r = ctl(m.p("ctl"), "api disable")
    assert r.returncode == 1 and "Permission denied" in r.stderr
    assert "You are not allowed to disable the API." in m.stderr()
    assert fresh.api("/projects")[0] == 200


def test_refresh_drops_the_caches(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=600"])
    assert "localhost" in os.listdir(m.p("servers"))
    uuid = servers(fresh)["localhost"]["uuid"]
    status, out = fresh.api("/servers/" + uuid, method="PATCH", body={"name": "renamed"})
    assert status == 201, out
    assert "localhost" in os.listdir(m.p("servers"))  # cached for 600 s
    r = ctl(m.p("ctl"), "refresh")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(m.p("servers"))) == ["hetzner-fsn1", "renamed"]
    assert os.readlink(m.p("uuid", uuid)) == "../servers/renamed"


def test_read_only_mount_refuses_verbs(fresh, mount_factory):
    m = mount_factory(fresh, opts=["ro"])
    fresh.clear_log()
    for path in (m.p("ctl"), m.p("keys", "github-deploy-key", "ctl")):
        r = ctl(path, "refresh" if path == m.p("ctl") else "delete")
        assert r.returncode == 1 and "Read-only file system" in r.stderr
    assert [e for e in fresh.log() if e["method"] != "GET"] == []
    assert stat.S_IMODE(os.stat(m.p("ctl")).st_mode) == 0o400
