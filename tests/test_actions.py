"""Actions through ctl (SPEC §3.3): `echo VERB > ctl` with bash, its exit
status and error, the requests it sends (one POST, never twice after a
5xx), `deploy wait` and its failures, and what the mount shows after."""
import os
import signal
import subprocess
import time

import pytest

from conftest import READ_TOKEN, Fake, run
from expected import Tree


@pytest.fixture
def seed():
    f = Fake(mode="seed")
    yield f
    f.stop()


@pytest.fixture
def current():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture(params=["seed", "latest"])
def fresh(request):
    f = Fake(mode=request.param)
    yield f
    f.stop()


def resource(tree, kind, name, running=None):
    for rel, k, obj, _ in tree.walk():
        if k == kind and obj["name"] == name and (
                running is None or obj["status"].startswith("running") == running):
            return rel, obj
    raise LookupError(name)


def ctl(m, rel, line):
    """`echo LINE > ctl` in bash, as a user types it."""
    return run("echo '%s' > '%s'" % (line, m.p(rel, "ctl")), check=False)


def posts(fake):
    return [(e["path"], e["query"]) for e in fake.log() if e["method"] == "POST"]


def read(path):
    with open(path) as f:
        return f.read()


def test_cat_ctl_lists_the_verbs(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    app, _ = resource(tree, "applications", "web")
    db, _ = resource(tree, "databases", "web-db")
    svc, _ = resource(tree, "services", "uptime-kuma")
    delete = "delete [volumes] [configurations] [docker_cleanup] [connected_networks]\n"
    # NOTES §17.11: current Coolify's routes only (test_deploy_actions.py),
    # and its clone, migrate and destination verbs (test_clone.py).
    latest = fresh.state()["mode"] == "latest"
    current = "rollback TAG [wait]\ndelete preview PR\n" if latest else ""
    place = "clone ENVIRONMENT_PATH [NAME]\nmigrate DESTINATION\n" if latest else ""
    dests = ("destination add DESTINATION\ndestination remove DESTINATION\n"
             if latest else "")
    assert read(m.p(app, "ctl")) == \
        "start [wait]\nstop\nrestart [wait]\ndeploy [force] [pr N] [wait]\n" + delete + \
        current + place + dests
    assert read(m.p(db, "ctl")) == "start\nstop\nrestart\n" + delete + place
    assert read(m.p(svc, "ctl")) == "start\nstop\nrestart [latest]\n" + delete + place
    assert oct(os.stat(m.p(app, "ctl")).st_mode & 0o777) == "0o600"


def test_restart_sends_one_post(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, app = resource(tree, "applications", "web")
    fresh.clear_log()
    r = ctl(m, rel, "restart")
    assert r.returncode == 0, r.stderr
    assert posts(fresh) == [("/api/v1/applications/%s/restart" % app["uuid"], "")]
    assert not [e for e in fresh.log() if e["method"] == "GET" and e["path"].endswith("/restart")]


def test_each_verb_reaches_its_endpoint(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    app_rel, app = resource(tree, "applications", "web")
    db_rel, db = resource(tree, "databases", "web-db")
    svc_rel, svc = resource(tree, "services", "uptime-kuma")
    fresh.clear_log()
    for rel, line in [(app_rel, "stop"), (app_rel, "start"), (app_rel, "deploy force pr 7"),
                      (db_rel, "restart"), (svc_rel, "restart latest")]:
        r = ctl(m, rel, line)
        assert r.returncode == 0, (line, r.stderr, m.stderr())
    assert posts(fresh) == [
        ("/api/v1/applications/%s/stop" % app["uuid"], ""),
        ("/api/v1/applications/%s/start" % app["uuid"], ""),
        # NOTES §8: force as 1, never "false".
        ("/api/v1/deploy", "uuid=%s&force=1&pr=7" % app["uuid"]),
        ("/api/v1/databases/%s/restart" % db["uuid"], ""),
        ("/api/v1/services/%s/restart" % svc["uuid"], "latest=1"),
    ]


def test_unknown_verb_is_EINVAL(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, _ = resource(tree, "applications", "web")
    fresh.clear_log()
    r = ctl(m, rel, "frobnicate")
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert 'unknown verb "frobnicate"' in m.stderr()
    db, _ = resource(tree, "databases", "web-db")
    r = ctl(m, db, "deploy")
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert posts(fresh) == []


def test_already_running_is_EALREADY_with_the_message(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, _ = resource(tree, "databases", "web-db", running=True)
    r = ctl(m, rel, "start")
    assert r.returncode == 1 and "Operation already in progress" in r.stderr
    assert "Database is already running." in m.stderr()
    svc, _ = resource(tree, "services", "uptime-kuma", running=False)
    r = ctl(m, svc, "stop")
    assert r.returncode == 1 and "Operation already in progress" in r.stderr
    assert "Service is already stopped." in m.stderr()


def test_server_error_is_EIO_and_never_sent_twice(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, app = resource(tree, "applications", "web")
    fresh.fault(status=500, count=5, match="/restart", method="POST")
    fresh.clear_log()
    r = ctl(m, rel, "restart")
    assert r.returncode == 1 and "Input/output error" in r.stderr
    assert posts(fresh) == [("/api/v1/applications/%s/restart" % app["uuid"], "")]
    assert not [e for e in fresh.log() if e["path"].endswith("/restart") and e["method"] == "GET"]
    assert "Server Error" in m.stderr()
    fresh.fault(clear=True)


def test_older_instance_answering_405_gets_a_get(seed, mount_factory):
    """SPEC §3.3: POST first; an instance that wants GET answers 405."""
    tree = Tree(seed)
    m = mount_factory(seed)
    rel, db = resource(tree, "databases", "web-db")
    seed.fault(status=405, count=1, match="/restart", method="POST")
    seed.clear_log()
    r = ctl(m, rel, "restart")
    assert r.returncode == 0, r.stderr + m.stderr()
    path = "/api/v1/databases/%s/restart" % db["uuid"]
    assert [(e["method"], e["path"]) for e in seed.log() if e["path"] == path] == \
        [("POST", path), ("GET", path)]


def test_405_to_both_is_not_ENOSYS(seed, mount_factory):
    tree = Tree(seed)
    m = mount_factory(seed)
    rel, _ = resource(tree, "databases", "web-db")
    seed.fault(status=405, count=2, match="/restart")
    r = ctl(m, rel, "restart")
    assert r.returncode == 1 and "Operation not supported" in r.stderr
    # The mount still writes (ENOSYS would be remembered by the kernel).
    assert ctl(m, rel, "restart").returncode == 0


def test_405_on_a_save_is_EOPNOTSUPP_and_flush_keeps_coming(seed, mount_factory):
    """SPEC §5: a 405 outside an action is EOPNOTSUPP. ENOSYS returned
    from flush would make the kernel stop sending flush to the whole
    mount, so a later save's refusal would no longer reach close()."""
    import errno
    from envhelp import EnvSite
    m = mount_factory(seed)
    site = EnvSite(seed, m)
    for _ in range(2):
        seed.fault(status=405, count=1, match="/envs", method="PATCH")
        fd = os.open(site.p("NODE_ENV"), os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, b"refused")  # no newline: saved by the flush
        finally:
            with pytest.raises(OSError) as e:
                os.close(fd)
        assert e.value.errno == errno.EOPNOTSUPP, e.value
    seed.fault(clear=True)
    run("echo saved > %s" % site.p("NODE_ENV"))
    assert site.server()["NODE_ENV"] == "saved"


def test_current_coolify_is_never_sent_a_get(current, mount_factory):
    tree = Tree(current)
    m = mount_factory(current)
    rel, app = resource(tree, "applications", "web")
    current.clear_log()
    assert ctl(m, rel, "stop").returncode == 0
    assert [(e["method"], e["status"]) for e in current.log() if e["path"].endswith("/stop")] == \
        [("POST", 200)]


def test_missing_ability_is_EACCES(fresh, mount_factory):
    tree = Tree(fresh)
    rel, _ = resource(tree, "applications", "web")
    m = mount_factory(fresh, token=READ_TOKEN)
    r = ctl(m, rel, "restart")
    assert r.returncode == 1 and "Permission denied" in r.stderr
    assert "POST" in m.stderr()


def test_write_ability_is_not_enough_on_current_coolify(current, mount_factory):
    """NOTES §17.2: actions need the deploy ability at HEAD."""
    token = "7|read-write-no-deploy-000000000000000000000"
    current.ctl("tokens", {"token": token, "abilities": ["read", "write"], "team_id": "0"})
    tree = Tree(current)
    rel, _ = resource(tree, "applications", "web")
    m = mount_factory(current, token=token)
    r = ctl(m, rel, "restart")
    assert r.returncode == 1 and "Permission denied" in r.stderr


def test_read_only_mount_refuses(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh, opts=["ro"])
    rel, _ = resource(tree, "applications", "web")
    fresh.clear_log()
    r = ctl(m, rel, "restart")
    assert r.returncode == 1 and "Read-only file system" in r.stderr
    assert posts(fresh) == []


def test_a_line_without_newline_runs_at_close(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, app = resource(tree, "applications", "web")
    fresh.clear_log()
    run("printf stop > '%s'" % m.p(rel, "ctl"))
    assert posts(fresh) == [("/api/v1/applications/%s/stop" % app["uuid"], "")]


def test_several_lines_run_in_order(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, db = resource(tree, "databases", "web-db")
    fresh.clear_log()
    run("printf 'restart\\n\\nrestart\\n' > '%s'" % m.p(rel, "ctl"))
    assert len(posts(fresh)) == 2


def test_status_follows_an_action(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh, opts=["cache_ttl=60"])
    rel, _ = resource(tree, "applications", "web")
    assert open(m.p(rel, "status")).read().startswith("running")
    assert ctl(m, rel, "stop").returncode == 0
    deadline = time.time() + 15
    status = ""
    while time.time() < deadline:
        status = open(m.p(rel, "status")).read()
        if status.startswith("exited"):
            break
        time.sleep(0.5)
    assert status == "exited:unhealthy\n"
    out = run("cat %s/projects/*/*/*/*/status | sort | uniq -c" % m.path).stdout
    assert "exited:unhealthy" in out


def test_deploy_wait_success(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, app = resource(tree, "applications", "web")
    fresh.clear_log()
    r = run("echo 'deploy wait' > '%s' && echo deployed" % m.p(rel, "ctl"), check=False)
    assert r.returncode == 0 and r.stdout == "deployed\n", r.stderr + m.stderr()
    log = fresh.log()
    deploy = [e for e in log if e["path"] == "/api/v1/deploy"]
    assert [(e["method"], e["query"]) for e in deploy] == [("POST", "uuid=" + app["uuid"])]
    newest = os.readlink(m.p(rel, "deployments", "latest"))
    polls = [e for e in log if e["path"] == "/api/v1/deployments/" + newest]
    print("\ndeploy wait (%s): %d requests: %s" % (
        fresh.api("/version")[1], len(deploy) + len(polls),
        ", ".join("%s %s" % (e["method"], e["path"].replace("/api/v1", "")) for e in deploy + polls)))
    # The deployment is over when the write returns.
    assert open(m.p(rel, "deployments", newest, "status")).read() == "finished\n"
    assert fresh.api("/deployments/" + newest)[1]["status"] == "finished"


def test_deploy_wait_outlasts_timeout(fresh, mount_factory):
    """A deployment takes minutes; `timeout` bounds each poll, not the
    wait (one operation's requests share one timeout, SPEC §4, but the
    wait is not the instance being slow)."""
    tree = Tree(fresh)
    m = mount_factory(fresh, opts=["timeout=2"])
    rel, _ = resource(tree, "applications", "web")
    fresh.set(deployment_speed=0.8)
    try:
        t = time.time()
        r = run("echo 'deploy wait' > '%s' && echo deployed" % m.p(rel, "ctl"), check=False)
        assert r.returncode == 0 and r.stdout == "deployed\n", r.stderr + m.stderr()
        assert time.time() - t > 3
    finally:
        fresh.set(deployment_speed=0.35)


def test_deploy_wait_failure_is_EIO(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, _ = resource(tree, "applications", "web")
    fresh.set(deploy_outcome="failed")
    r = run("echo 'deploy wait' > '%s' && echo deployed" % m.p(rel, "ctl"), check=False)
    assert r.returncode == 1 and "Input/output error" in r.stderr and r.stdout == ""
    newest = os.readlink(m.p(rel, "deployments", "latest"))
    assert "deployment %s ended: failed" % newest in m.stderr()
    assert open(m.p(rel, "deployments", newest, "status")).read() == "failed\n"


def test_restart_wait(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh)
    rel, _ = resource(tree, "applications", "web")
    r = ctl(m, rel, "restart wait")
    assert r.returncode == 0, r.stderr + m.stderr()
    newest = os.readlink(m.p(rel, "deployments", "latest"))
    assert open(m.p(rel, "deployments", newest, "status")).read() == "finished\n"


def test_cancelled_deployment_fails_the_wait(current, mount_factory):
    tree = Tree(current)
    m = mount_factory(current)
    rel, app = resource(tree, "applications", "web")
    current.set(deployment_speed=2)
    proc = subprocess.Popen(["bash", "-c", "echo 'deploy wait' > '%s'" % m.p(rel, "ctl")],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    active = []
    while time.time() < deadline and not active:
        time.sleep(0.2)
        active = current.api("/deployments")[1]
    assert active
    status, _ = current.api("/deployments/%s/cancel" % active[0]["deployment_uuid"], method="POST")
    assert status == 200
    err = proc.communicate(timeout=30)[1]
    # SPEC §3.3: ECANCELED, not the EIO of a failed build.
    assert proc.returncode == 1 and "Operation canceled" in err
    assert "cancelled-by-user" in m.stderr()


def test_wait_is_interruptible(seed, mount_factory):
    tree = Tree(seed)
    m = mount_factory(seed)
    rel, _ = resource(tree, "applications", "web")
    seed.set(deployment_speed=10)  # over a minute
    proc = subprocess.Popen(["bash", "-c", "echo 'deploy wait' > '%s'" % m.p(rel, "ctl")],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while time.time() < deadline and not seed.api("/deployments")[1]:
        time.sleep(0.2)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)  # not the minute the build takes
    assert proc.returncode != 0
    assert "wait interrupted" in m.stderr()
    # The daemon goes on serving; the deployment goes on too.
    assert os.listdir(m.p(rel))
    assert seed.api("/deployments")[1]


def test_skipped_deploy_leaves_no_dangling_entry(seed, mount_factory):
    """NOTES §11.4: a deploy skipped because one is queued names a
    deployment that is never stored."""
    tree = Tree(seed)
    m = mount_factory(seed, opts=["cache_ttl=1"])
    rel, app = resource(tree, "applications", "web")
    seed.set(deployment_speed=1)
    _, first = seed.api("/deploy?uuid=" + app["uuid"], method="POST")
    _, second = seed.api("/deploy?uuid=" + app["uuid"], method="POST")
    real = first["deployments"][0]["deployment_uuid"]
    ghost = second["deployments"][0]["deployment_uuid"]
    assert "already queued" in second["deployments"][0]["message"]
    assert seed.api("/deployments/" + ghost)[0] == 404
    # Through the mount: the same skip, waited for on the real one.
    seed.clear_log()
    r = ctl(m, rel, "deploy wait")
    assert r.returncode == 0, r.stderr + m.stderr()
    listed = os.listdir(m.p(rel, "deployments"))
    assert real in listed and ghost not in listed
    for name in listed:
        assert os.path.exists(m.p(rel, "deployments", name, "status"))
    skipped = [e for e in seed.log() if e["method"] == "GET" and e["status"] == 404]
    assert len(skipped) == 1  # the mount's own ghost, looked up once
    assert open(m.p(rel, "deployments", real, "status")).read() == "finished\n"


def test_new_deployment_shows_at_once(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh, opts=["cache_ttl=600"])
    rel, _ = resource(tree, "applications", "web")
    before = set(os.listdir(m.p(rel, "deployments")))
    assert ctl(m, rel, "deploy").returncode == 0
    after = set(os.listdir(m.p(rel, "deployments")))
    new = after - before
    assert len(new) == 1
    assert os.readlink(m.p(rel, "deployments", "latest")) == new.pop()
