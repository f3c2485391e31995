"""A server's subsystems (SPEC §6, issue 16, "Servers"): servers/S/proxy.json,
proxy/configuration, docker-cleanup.json with executions/, sentinel.json, log-drains.json,
cloudflare-tunnel.json, export, the ctl verbs of the subsystem and transfer routes, and
servers/import.json; mounted for real over the fake in latest mode (the 2025 API has none of
them: the entries are absent), driven with ls, cat, vim, sed -i, echo and cp, and checked at
the fake's request log."""
import base64
import json
import os
import time

import pytest

from conftest import READ_TOKEN, Fake, api_requests, run

SETTINGS = {"proxy.json": "/proxy", "docker-cleanup.json": "/docker-cleanup",
            "sentinel.json": "/sentinel", "log-drains.json": "/log-drains",
            "cloudflare-tunnel.json": "/cloudflare-tunnel"}


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


def uuid_of(fake, name):
    return next(s["uuid"] for s in fake.api("/servers")[1] if s["name"] == name)


def ctl(path, line):
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a file (written in place)."""
    return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
               check=check)


def writes(fake):
    """The logged requests that are not GETs: (method, path, body)."""
    return [(e["method"], e["path"], e["body"]) for e in fake.log() if e["method"] != "GET"]


def test_server_directory_has_the_subsystems(mnt, fresh):
    uuid = uuid_of(fresh, "hetzner-fsn1")
    d = mnt.p("servers", "hetzner-fsn1")
    assert sorted(os.listdir(d)) == sorted(
        ["ctl", "destinations", "domains", "envs", "envs.env", "resources.json", "server.json",
         "executions", "export", "proxy", *SETTINGS])
    for name, suffix in SETTINGS.items():
        assert json.load(open(os.path.join(d, name))) == \
            fresh.api("/servers/%s%s" % (uuid, suffix))[1], name
        assert os.stat(os.path.join(d, name)).st_mode & 0o777 == 0o600
    assert os.listdir(os.path.join(d, "proxy")) == ["configuration"]
    # A listing never asks for the export: each GET makes a new bundle (and is audit-logged).
    fresh.clear_log()
    run("ls -l '%s' >/dev/null" % d)
    assert not [p for _, p in api_requests(fresh) if p.endswith("/export")]
    assert os.stat(os.path.join(d, "export")).st_mode & 0o777 == 0o400


def test_proxy_json_saved_with_vim_is_one_patch(mnt, fresh):
    uuid = uuid_of(fresh, "localhost")
    f = mnt.p("servers", "localhost", "proxy.json")
    assert json.load(open(f))["redirect_enabled"] is True
    fresh.clear_log()
    vim(f, r"%s/\"redirect_enabled\": true/\"redirect_enabled\": false/")
    assert writes(fresh) == [("PATCH", "/api/v1/servers/%s/proxy" % uuid,
                              json.dumps({"redirect_enabled": False}, separators=(",", ":")))]
    assert fresh.api("/servers/%s/proxy" % uuid)[1]["redirect_enabled"] is False
    assert json.load(open(f))["redirect_enabled"] is False


def test_each_settings_file_patches_what_changed(mnt, fresh):
    uuid = uuid_of(fresh, "hetzner-fsn1")
    d = mnt.p("servers", "hetzner-fsn1")
    changes = {"docker-cleanup.json": {"docker_cleanup_threshold": 65},
               "sentinel.json": {"sentinel_push_interval_seconds": 30},
               "log-drains.json": {"logdrain_axiom_dataset_name": "fsn1.logs"},
               "cloudflare-tunnel.json": {"is_cloudflare_tunnel": True}}
    for name, change in changes.items():
        obj = json.load(open(os.path.join(d, name)))
        obj.update(change)
        fresh.clear_log()
        with open(os.path.join(d, name), "w") as fh:
            json.dump(obj, fh, indent=2)
            fh.write("\n")
        assert [(m, p) for m, p, _ in writes(fresh)] == [
            ("PATCH", "/api/v1/servers/%s%s" % (uuid, SETTINGS[name]))], name
        assert json.loads(writes(fresh)[0][2]) == change
        assert json.load(open(os.path.join(d, name))) == obj
    # server.json shows the settings: it sees the change at once (read-your-writes).
    assert json.load(open(os.path.join(d, "server.json")))["settings"][
        "docker_cleanup_threshold"] == 65


def test_a_refused_save_changes_nothing(mnt, fresh):
    uuid = uuid_of(fresh, "localhost")
    f = mnt.p("servers", "localhost", "docker-cleanup.json")
    before = fresh.api("/servers/%s/docker-cleanup" % uuid)[1]
    text = open(f).read()
    fresh.clear_log()
    r = vim(f, r"%s/0 0 \* \* \*/now and then/", check=False)
    assert r.returncode != 0
    assert "Invalid Cron / Human expression for Docker Cleanup Frequency." in mnt.stderr()
    assert [m for m, _, _ in writes(fresh)] == ["PATCH"]
    assert fresh.api("/servers/%s/docker-cleanup" % uuid)[1] == before
    assert open(f).read() == text
    # A field the API does not take: its own message, nothing changed.
    fresh.clear_log()
    tunnel = mnt.p("servers", "localhost", "cloudflare-tunnel.json")
    r = run("echo '{\"is_cloudflare_tunnel\": true}' > '%s'" % tunnel, check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "cannot be configured on the localhost server" in mnt.stderr()
    assert fresh.api("/servers/%s/cloudflare-tunnel" % uuid)[1]["is_cloudflare_tunnel"] is False


def test_secrets_are_shown_as_the_api_shows_them(fresh, mount_factory):
    m = mount_factory(fresh, token=READ_TOKEN)
    d = m.p("servers", "hetzner-fsn1")
    assert "sentinel_token" not in json.load(open(os.path.join(d, "sentinel.json")))
    assert "logdrain_axiom_api_key" not in json.load(open(os.path.join(d, "log-drains.json")))
    # The compose file is not shown to this token: unreadable, never empty.
    r = run("cat '%s'" % os.path.join(d, "proxy", "configuration"), check=False)
    assert r.returncode != 0 and "Permission denied" in r.stderr


def test_proxy_configuration_is_the_compose_file(mnt, fresh):
    uuid = uuid_of(fresh, "localhost")
    f = mnt.p("servers", "localhost", "proxy", "configuration")
    want = fresh.api("/servers/%s/proxy" % uuid)[1]["configuration"]
    assert open(f).read() == want
    assert run("grep -c entrypoints '%s'" % f).stdout == "2\n"
    # hetzner-fsn1 has none stored yet: an empty file.
    assert open(mnt.p("servers", "hetzner-fsn1", "proxy", "configuration")).read() == ""


def test_proxy_configuration_saved_with_sed_and_vim_is_one_put(mnt, fresh):
    uuid = uuid_of(fresh, "localhost")
    f = mnt.p("servers", "localhost", "proxy", "configuration")
    before = open(f).read()
    fresh.clear_log()
    run("sed -i 's/traefik:v3.1/traefik:v3.2/' '%s'" % f)
    want = before.replace("traefik:v3.1", "traefik:v3.2")
    sent = writes(fresh)
    assert [(m, p) for m, p, _ in sent] == [
        ("PUT", "/api/v1/servers/%s/proxy/configuration" % uuid)]
    assert base64.b64decode(json.loads(sent[0][2])["configuration"]).decode() == want
    assert fresh.state()["proxy_configurations"][uuid] == want
    assert open(f).read() == want
    assert os.listdir(os.path.dirname(f)) == ["configuration"]  # sed's file is gone
    fresh.clear_log()
    vim(f, r"%s/- coolify$/- coolify\r      - extra/")
    assert [(m, p) for m, p, _ in writes(fresh)] == [
        ("PUT", "/api/v1/servers/%s/proxy/configuration" % uuid)]
    assert "      - extra\n" in fresh.state()["proxy_configurations"][uuid]
    # Writing what it shows sends nothing.
    fresh.clear_log()
    run("cat '%s' > /tmp/cfs-proxy.yml && cp /tmp/cfs-proxy.yml '%s'" % (f, f))
    assert writes(fresh) == []


def test_a_refused_configuration_changes_nothing(mnt, fresh):
    uuid = uuid_of(fresh, "localhost")
    f = mnt.p("servers", "localhost", "proxy", "configuration")
    before = open(f).read()
    fresh.clear_log()
    r = run("printf '\\xff\\xfe\\n' > '%s'" % f, check=False)
    assert r.returncode == 0  # bash ignores close(); the log and the file say it failed
    assert [m for m, _, _ in writes(fresh)] == ["PUT"]
    assert "valid base64-encoded UTF-8 text" in mnt.stderr()
    assert fresh.state()["proxy_configurations"][uuid] == before
    assert open(f).read() == before
    # An empty file is a truncation on the way to a rewrite: nothing is sent.
    fresh.clear_log()
    run(": > '%s'" % f)
    assert writes(fresh) == []


def test_ctl_lists_and_sends_each_verb(mnt, fresh):
    uuid = uuid_of(fresh, "hetzner-fsn1")
    c = mnt.p("servers", "hetzner-fsn1", "ctl")
    assert open(c).read() == (
        "proxy restart\ncleanup now\ntunnel enable\ntunnel disable\n"
        "migrate TARGET_URL TARGET_TOKEN\nclaim\ntransfer complete\nexport mailbox\n"
        "validate\ndelete\n")
    fresh.set(development=True)
    for verb, suffix in (("proxy restart", "/proxy/restart"),
                         ("cleanup now", "/docker-cleanup/run"),
                         ("tunnel enable", "/cloudflare-tunnel/enable"),
                         ("tunnel disable", "/cloudflare-tunnel/disable"),
                         ("claim", "/claim"),
                         ("transfer complete", "/transfer/complete"),
                         ("export mailbox", "/export/mailbox")):
        fresh.clear_log()
        assert ctl(c, verb).returncode == 0, verb
        assert writes(fresh) == [("POST", "/api/v1/servers/%s%s" % (uuid, suffix), None)], verb
    assert fresh.api("/servers/%s/cloudflare-tunnel" % uuid)[1]["ip"] == "203.0.113.40"


def test_migrate_takes_the_target_and_its_token(mnt, fresh):
    uuid = uuid_of(fresh, "hetzner-fsn1")
    c = mnt.p("servers", "hetzner-fsn1", "ctl")
    fresh.set(development=True)
    fresh.clear_log()
    r = ctl(c, "migrate https://b.example.com")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "migrate takes 2 words after it" in mnt.stderr()
    assert writes(fresh) == []
    r = ctl(c, "migrate https://b.example.com 7|secret-of-b")
    # The fake has no second instance: the migrator's 422, with its message.
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert writes(fresh) == [("POST", "/api/v1/servers/%s/migrate" % uuid, json.dumps(
        {"target_url": "https://b.example.com", "target_token": "7|secret-of-b"},
        separators=(",", ":")))]
    assert "Could not reach target instance https://b.example.com" in mnt.stderr()
    assert "secret-of-b" not in mnt.stderr()


def test_transfer_verbs_outside_development_are_enoent(mnt, fresh):
    c = mnt.p("servers", "hetzner-fsn1", "ctl")
    fresh.clear_log()
    r = ctl(c, "claim")
    assert r.returncode != 0 and "No such file or directory" in r.stderr
    assert [m for m, _, _ in writes(fresh)] == ["POST"]
    r = run("cat '%s'" % mnt.p("servers", "hetzner-fsn1", "export"), check=False)
    assert r.returncode != 0 and "No such file or directory" in r.stderr


def test_cleanup_runs_in_executions_newest_first(mnt, fresh):
    uuid = uuid_of(fresh, "localhost")
    ex = mnt.p("servers", "localhost", "executions")
    runs = fresh.api("/servers/%s/docker-cleanup/executions" % uuid)[1]
    assert os.listdir(ex)[0] == "latest"
    assert sorted(os.listdir(ex)[1:]) == sorted(r["uuid"] for r in runs)
    assert os.readlink(os.path.join(ex, "latest")) == runs[0]["uuid"]
    old = os.path.join(ex, runs[1]["uuid"])
    assert sorted(os.listdir(old)) == ["execution.json", "output", "status"]
    assert open(os.path.join(old, "status")).read() == "failed\n"
    assert open(os.path.join(old, "output")).read() == runs[1]["message"] + "\n"
    assert json.load(open(os.path.join(old, "execution.json"))) == runs[1]
    assert ctl(mnt.p("servers", "localhost", "ctl"), "cleanup now").returncode == 0
    latest = os.path.join(ex, "latest")
    assert os.readlink(latest) not in [r["uuid"] for r in runs]
    assert open(os.path.join(latest, "status")).read() == "running\n"
    deadline = time.time() + 10
    while open(os.path.join(latest, "status")).read() != "success\n":
        assert time.time() < deadline
        time.sleep(0.3)
    assert open(os.path.join(latest, "output")).read().startswith(
        "Manual Docker cleanup job executed successfully.")


def test_export_then_import_json(mnt, fresh, tmp_path):
    fresh.set(development=True)
    uuid = uuid_of(fresh, "hetzner-fsn1")
    bundle = json.load(open(mnt.p("servers", "hetzner-fsn1", "export")))
    assert bundle["server"]["uuid"] == uuid and bundle["schema_version"] == 1
    bundle["server"].update(uuid="copied-server-1", ip="198.51.100.7", name="copy")
    src = tmp_path / "import.json"
    src.write_text(json.dumps({"bundle": bundle}))
    os.listdir(mnt.p("servers"))
    fresh.clear_log()
    run("cp '%s' '%s'" % (src, mnt.p("servers", "import.json")))
    assert [(m, p) for m, p, _ in writes(fresh)] == [("POST", "/api/v1/servers/import")]
    assert json.loads(writes(fresh)[0][2]) == {"bundle": bundle}
    assert "copy" in os.listdir(mnt.p("servers"))
    assert json.load(open(mnt.p("servers", "copy", "server.json")))["ip"] == "198.51.100.7"
    # import.json is not listed, as new.json; a refusal imports nothing.
    assert "import.json" not in os.listdir(mnt.p("servers"))
    fresh.clear_log()
    r = run("echo '{\"bundle\": {\"x\": 1}}' > '%s'" % mnt.p("servers", "import.json"),
            check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "Missing schema_version." in mnt.stderr()
    assert sorted(os.listdir(mnt.p("servers"))) == ["copy", "hetzner-fsn1", "localhost"]


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    d = m.p("servers", "hetzner-fsn1")
    fake.clear_log()
    assert sorted(os.listdir(d)) == ["ctl", "domains", "resources.json", "server.json"]
    for name in (*SETTINGS, "proxy", "export", "executions"):
        assert not os.path.exists(os.path.join(d, name)), name
    assert open(os.path.join(d, "ctl")).read() == "validate\ndelete\n"
    r = ctl(os.path.join(d, "ctl"), "proxy restart")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert not os.path.exists(m.p("servers", "import.json"))
    assert [r for r in api_requests(fake) if r[0] != "GET"] == []
    assert not [p for _, p in api_requests(fake)
                if p.endswith(("/proxy", "/sentinel", "/export", "/import"))]
