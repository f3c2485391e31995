"""Service containers (SPEC §6, issue 15): SERVICE/containers/NAME/ for each of a
service's applications and databases, with container.json (saved as a PATCH; fqdn
is sent as url), status, logs (tail -f follows it) and ctl (start | stop | restart);
mounted for real over the fake in latest mode (the seed has no such routes: the
entry is absent), driven with ls, cat, vim, echo and tail -f, and checked at the
fake's request log."""
import json
import os
import subprocess
import time

import pytest

from conftest import api_requests, ctl, run, vim

SERVICES = ("projects", "tools", "production", "services")


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def n8n(fake):
    return next(s for s in fake.api("/services")[1] if s["service_type"] == "n8n-with-postgresql")


def subs(fake, svc, kind):
    return fake.api("/services/%s/%s" % (svc["uuid"], kind))[1]


def containers(mnt, fake):
    svc = n8n(fake)
    return svc, mnt.p(*SERVICES, svc["name"], "containers")


def sent(fake, part):
    """(method, path) of the logged requests whose path holds part."""
    return [r for r in api_requests(fake) if part in r[1]]


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline
        time.sleep(0.3)


def test_containers_are_listed_and_read(mnt, fresh):
    svc, d = containers(mnt, fresh)
    base = "/api/v1/services/%s" % svc["uuid"]
    assert "containers" in os.listdir(mnt.p(*SERVICES, svc["name"]))
    fresh.clear_log()
    assert sorted(os.listdir(d)) == ["n8n", "postgresql"]
    # One list request for each kind, however many containers.
    assert sorted(sent(fresh, "/services/")) == [("GET", base + "/applications"),
                                                 ("GET", base + "/databases")]
    app, db = subs(fresh, svc, "applications")[0], subs(fresh, svc, "databases")[0]
    want = fresh.api("/services/%s/applications/%s" % (svc["uuid"], app["uuid"]))[1]
    fresh.clear_log()
    for name in ("n8n", "postgresql"):
        assert sorted(os.listdir(os.path.join(d, name))) == ["container.json", "ctl", "logs",
                                                             "status"]
    shown = json.load(open(os.path.join(d, "n8n", "container.json")))
    assert shown == want and shown["service"]["uuid"] == svc["uuid"]
    assert shown["fqdn"] == "https://n8n.example.com:5678"
    assert json.load(open(os.path.join(d, "postgresql", "container.json"))) == db
    # container.json is the container's own GET, made once and cached.
    assert sorted(sent(fresh, "/services/")) == [
        ("GET", base + "/applications/" + app["uuid"]),
        ("GET", base + "/databases/" + db["uuid"])]
    # The stored form of a container's status (NOTES §7.2), as the API gives it.
    assert open(os.path.join(d, "n8n", "status")).read() == "running (healthy)\n"
    assert open(os.path.join(d, "n8n", "ctl")).read() == "start\nstop\nrestart\n"


def test_a_name_an_app_and_a_db_share_takes_their_uuids(mnt, fresh):
    svc = n8n(fresh)
    db = subs(fresh, svc, "databases")[0]
    app = subs(fresh, svc, "applications")[0]
    fresh.set(resource=db["uuid"], columns={"name": "n8n"})
    d = mnt.p(*SERVICES, svc["name"], "containers")
    assert sorted(os.listdir(d)) == sorted(["n8n@" + app["uuid"], "n8n@" + db["uuid"]])
    assert json.load(open(os.path.join(d, "n8n@" + db["uuid"], "container.json")))["uuid"] == \
        db["uuid"]
    assert "fqdn" in json.load(open(os.path.join(d, "n8n@" + app["uuid"], "container.json")))


def test_a_saved_container_json_patches_url_for_fqdn(mnt, fresh):
    svc, d = containers(mnt, fresh)
    app = subs(fresh, svc, "applications")[0]
    f = os.path.join(d, "n8n", "container.json")
    json.load(open(f))
    fresh.clear_log()
    vim(f, r'%s/n8n.example.com:5678/flows.example.com/')
    path = "/api/v1/services/%s/applications/%s" % (svc["uuid"], app["uuid"])
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [("PATCH", path)]
    patch = [e for e in fresh.log() if e["method"] == "PATCH"][0]
    assert json.loads(patch["body"]) == {"url": "https://flows.example.com"}
    assert subs(fresh, svc, "applications")[0]["fqdn"] == "https://flows.example.com"
    assert json.load(open(f))["fqdn"] == "https://flows.example.com"
    # A database's fields go as they are.
    db = subs(fresh, svc, "databases")[0]
    fresh.clear_log()
    vim(os.path.join(d, "postgresql", "container.json"), r'%s/"description": null/"description": "flows"/')
    patch = [e for e in fresh.log() if e["method"] == "PATCH"]
    assert [(e["path"], json.loads(e["body"])) for e in patch] == [
        ("/api/v1/services/%s/databases/%s" % (svc["uuid"], db["uuid"]), {"description": "flows"})]
    assert subs(fresh, svc, "databases")[0]["description"] == "flows"


def test_a_refused_save_changes_nothing(mnt, fresh):
    svc, d = containers(mnt, fresh)
    f = os.path.join(d, "n8n", "container.json")
    before = open(f).read()
    want = subs(fresh, svc, "applications")
    fresh.clear_log()
    r = vim(f, r'%s/"https:\/\/n8n.example.com:5678"/"ftp:\/\/n8n.example.com"/', check=False)
    assert r.returncode != 0
    assert "Invalid URL scheme: ftp" in mnt.stderr()
    # A field the API does not take: refused, named in the log.
    r = vim(f, r'%s/"ports": null/"ports": "5678"/', check=False)
    assert r.returncode != 0
    assert '{"ports":["This field is not allowed."]}' in mnt.stderr()
    assert [r[0] for r in sent(fresh, "/applications/") if r[0] != "GET"] == ["PATCH", "PATCH"]
    assert subs(fresh, svc, "applications") == want
    assert open(f).read() == before
    fresh.clear_log()
    r = run("echo '{\"ports\": \"1\"}' > \"%s\"" % f, check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "This field is not allowed" in mnt.stderr()
    assert [r[0] for r in sent(fresh, "/applications/") if r[0] != "GET"] == ["PATCH"]
    assert subs(fresh, svc, "applications") == want


def test_logs_and_tail_f(fresh, mount_factory):
    # A log is polled once a cache period: a short one, so tail -f follows quickly.
    mnt = mount_factory(fresh, opts=["cache_ttl=1"])
    svc, d = containers(mnt, fresh)
    app = subs(fresh, svc, "applications")[0]
    logs = os.path.join(d, "n8n", "logs")
    fresh.clear_log()
    text = open(logs).read()
    assert text.endswith("\n") and len(text.splitlines()) > 10 and "\x1b" not in text
    path = "/api/v1/services/%s/applications/%s/logs" % (svc["uuid"], app["uuid"])
    got = [e for e in fresh.log() if e["path"] == path]
    assert got and got[0]["method"] == "GET" and got[0]["query"] == "lines=1000"
    assert run("grep -c . \"%s\"" % logs).stdout.strip() == str(len(text.splitlines()))
    # A database container's log is its own route.
    db = subs(fresh, svc, "databases")[0]
    fresh.clear_log()
    assert "checkpoint" in open(os.path.join(d, "postgresql", "logs")).read()
    assert [r for r in api_requests(fresh) if r[1].endswith("/logs")] == [
        ("GET", "/api/v1/services/%s/databases/%s/logs" % (svc["uuid"], db["uuid"]))]
    fresh.set(log_growth=False)
    tail = subprocess.Popen(["tail", "-n", "0", "-f", "-s", "0.2", logs], stdout=subprocess.PIPE,
                            text=True)
    try:
        time.sleep(1.5)
        fresh.set(resource=app["uuid"], log_append="alpha\nbeta")
        lines = [tail.stdout.readline() for _ in range(2)]
    finally:
        tail.kill()
        tail.wait()
    assert lines == ["alpha\n", "beta\n"]


def test_start_stop_restart(mnt, fresh):
    svc, d = containers(mnt, fresh)
    app = subs(fresh, svc, "applications")[0]
    db = subs(fresh, svc, "databases")[0]
    base = "/api/v1/services/%s" % svc["uuid"]
    status = os.path.join(d, "n8n", "status")
    assert open(status).read() == "running (healthy)\n"
    fresh.clear_log()
    assert ctl(os.path.join(d, "n8n", "ctl"), "stop").returncode == 0
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [
        ("POST", "%s/applications/%s/stop" % (base, app["uuid"]))]
    wait_for(lambda: open(status).read() == "exited\n")
    # A stopped container's log reads as empty; the reason is logged.
    assert open(os.path.join(d, "n8n", "logs")).read() == ""
    assert "Service application container is not running." in mnt.stderr()
    fresh.clear_log()
    assert ctl(os.path.join(d, "n8n", "ctl"), "start").returncode == 0
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [
        ("POST", "%s/applications/%s/start" % (base, app["uuid"]))]
    wait_for(lambda: open(status).read() == "running (healthy)\n")
    # A stopped database container runs again after a restart.
    dbstatus = os.path.join(d, "postgresql", "status")
    fresh.clear_log()
    assert ctl(os.path.join(d, "postgresql", "ctl"), "stop").returncode == 0
    wait_for(lambda: open(dbstatus).read() == "exited\n")
    assert ctl(os.path.join(d, "postgresql", "ctl"), "restart").returncode == 0
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [
        ("POST", "%s/databases/%s/stop" % (base, db["uuid"])),
        ("POST", "%s/databases/%s/restart" % (base, db["uuid"]))]
    wait_for(lambda: open(dbstatus).read() == "running (healthy)\n")


def test_unknown_verb_and_no_delete(mnt, fresh):
    svc, d = containers(mnt, fresh)
    os.listdir(os.path.join(d, "n8n"))
    fresh.clear_log()
    for verb in ("explode", "delete"):
        r = ctl(os.path.join(d, "n8n", "ctl"), verb)
        assert r.returncode != 0 and "Invalid argument" in r.stderr
        assert 'unknown verb "%s"' % verb in mnt.stderr()
    assert api_requests(fresh) == []
    # rm -r never deletes (SPEC §3.4), and there is no new.json.
    run("rm -rf \"%s\"" % os.path.join(d, "n8n"), check=False)
    assert len(subs(fresh, svc, "applications")) == 1
    r = run("echo '{}' > \"%s\"" % os.path.join(d, "new.json"), check=False)
    assert r.returncode != 0
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == []


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    svcs = m.p(*SERVICES)
    name = next(n for n in os.listdir(svcs) if n.startswith("n8n"))
    fake.clear_log()
    assert "containers" not in os.listdir(os.path.join(svcs, name))
    assert not os.path.exists(os.path.join(svcs, name, "containers"))
    assert [r for r in api_requests(fake) if "/applications" in r[1] and "/services/" in r[1]] == []
