"""Deployments' ctl, rollback and previews (SPEC §6, current Coolify only):
`echo cancel > deployments/D/ctl` (an application's and the top-level
deployments/), `cat images` and `echo 'rollback TAG' > ctl`, `echo 'delete
preview N' > ctl`, each checked at the fake for exactly the requests it
sent; bad input refused with nothing sent; on the 2025 API none of it is
there."""
import errno
import json
import os
import subprocess
import time

import pytest

from conftest import READ_TOKEN, Fake, run
from expected import Tree
from test_logs import Follower, render_build_log


@pytest.fixture(scope="module")
def current():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture(scope="module")
def seed():
    f = Fake(mode="seed")
    yield f
    f.stop()


@pytest.fixture
def fake(current):
    """The current-Coolify fake, as the dataset has it, at normal speed."""
    current.reset()
    yield current
    current.fault(clear=True)


def app_rel(fake, name="web", running=True):
    for rel, kind, obj, _ in Tree(fake).walk():
        if kind == "applications" and obj["name"] == name and \
                obj["status"].startswith("running") == running:
            return rel, obj
    raise LookupError(name)


def sh(line, path):
    """`echo LINE > PATH` in bash, as a user types it."""
    return run("echo '%s' > '%s'" % (line, path), check=False)


def writes(fake):
    """The requests that can change something, as (method, path, query, body),
    a JSON body decoded."""
    return [(e["method"], e["path"], e["query"], e["body"] and json.loads(e["body"]))
            for e in fake.log() if e["method"] != "GET"]


def read(path):
    with open(path) as f:
        return f.read()


def wait_for(cond, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out")


def queue_slow(fake, app):
    """A running deployment of app that takes a while, queued directly."""
    fake.set(deployment_speed=3)
    status, out = fake.api("/applications/%s/start" % app["uuid"], method="POST")
    assert status == 200, out
    return out["deployment_uuid"]


# ---- cancel --------------------------------------------------------------------------

def test_cat_ctl_of_a_deployment_lists_cancel(fake, mount_factory):
    rel, _ = app_rel(fake)
    m = mount_factory(fake)
    deps = m.p(rel, "deployments")
    newest = os.readlink(os.path.join(deps, "latest"))
    assert sorted(os.listdir(os.path.join(deps, newest))) == \
        ["ctl", "deployment.json", "log", "status"]
    assert read(os.path.join(deps, newest, "ctl")) == "cancel\n"
    assert oct(os.stat(os.path.join(deps, newest, "ctl")).st_mode & 0o777) == "0o600"


def test_cancel_a_running_deployment(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake, opts=["cache_ttl=60"])
    dep = queue_slow(fake, app)
    d = m.p(rel, "deployments", dep)
    assert read(os.path.join(d, "status")) in ("queued\n", "in_progress\n")
    fake.clear_log()
    r = sh("cancel", os.path.join(d, "ctl"))
    assert r.returncode == 0, r.stderr + m.stderr()
    assert writes(fake) == [("POST", "/api/v1/deployments/%s/cancel" % dep, "", None)]
    # At once, though the cache would keep the list for a minute.
    assert read(os.path.join(d, "status")) == "cancelled-by-user\n"
    assert fake.api("/deployments/" + dep)[1]["status"] == "cancelled-by-user"
    assert "Deployment cancelled by user via API." in read(os.path.join(d, "log"))
    assert json.load(open(os.path.join(d, "deployment.json")))["status"] == "cancelled-by-user"


def test_cancel_through_the_top_level_deployments(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    dep = queue_slow(fake, app)
    assert dep in os.listdir(m.p("deployments"))
    fake.clear_log()
    r = sh("cancel", m.p("deployments", dep, "ctl"))
    assert r.returncode == 0, r.stderr + m.stderr()
    assert writes(fake) == [("POST", "/api/v1/deployments/%s/cancel" % dep, "", None)]
    # No longer queued nor running: not listed, still found by name.
    assert dep not in os.listdir(m.p("deployments"))
    assert read(m.p("deployments", dep, "status")) == "cancelled-by-user\n"
    assert read(m.p(rel, "deployments", dep, "status")) == "cancelled-by-user\n"


def test_cancel_twice_is_EALREADY_and_a_finished_one_EINVAL(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    dep = queue_slow(fake, app)
    ctl = m.p(rel, "deployments", dep, "ctl")
    assert sh("cancel", ctl).returncode == 0
    fake.clear_log()
    r = sh("cancel", ctl)
    assert r.returncode == 1 and "Operation already in progress" in r.stderr
    assert "Deployment cannot be cancelled. Current status: cancelled-by-user" in m.stderr()
    assert writes(fake) == [("POST", "/api/v1/deployments/%s/cancel" % dep, "", None)]
    finished = [d for d in fake.api("/deployments/applications/" + app["uuid"])[1]["deployments"]
                if d["status"] == "finished"][0]["deployment_uuid"]
    fake.clear_log()
    r = sh("cancel", m.p(rel, "deployments", finished, "ctl"))
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert "Current status: finished" in m.stderr()
    assert writes(fake) == [("POST", "/api/v1/deployments/%s/cancel" % finished, "", None)]
    assert fake.api("/deployments/" + finished)[1]["status"] == "finished"


def test_cancel_bad_lines_send_nothing(fake, mount_factory):
    rel, _ = app_rel(fake)
    m = mount_factory(fake)
    ctl = m.p(rel, "deployments", "latest", "ctl")
    fake.clear_log()
    for line in ("stop", "cancel now", "Cancel"):
        r = sh(line, ctl)
        assert r.returncode == 1 and "Invalid argument" in r.stderr, line
    assert 'unknown verb "stop" (this ctl takes: cancel)' in m.stderr()
    assert 'cancel does not take "now"' in m.stderr()
    assert writes(fake) == []


def test_cancel_needs_the_deploy_ability(fake, mount_factory):
    rel, app = app_rel(fake)
    token = "7|read-write-no-deploy-000000000000000000000"
    fake.ctl("tokens", {"token": token, "abilities": ["read", "read:sensitive", "write"],
                        "team_id": "0"})
    dep = queue_slow(fake, app)
    m = mount_factory(fake, token=token)
    r = sh("cancel", m.p(rel, "deployments", dep, "ctl"))
    assert r.returncode == 1 and "Permission denied" in r.stderr
    assert "Missing required permissions: deploy" in m.stderr()
    assert fake.api("/deployments/" + dep)[1]["status"] in ("queued", "in_progress")


def test_a_cancel_ends_a_waiting_deploy_with_ECANCELED(fake, mount_factory):
    """SPEC §3.3: the wait ends with ECANCELED, and the cancel is made
    through the same mount while the wait is blocked in write()."""
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    fake.set(deployment_speed=2)
    waiter = subprocess.Popen(["bash", "-c", "echo 'deploy wait' > '%s'" % m.p(rel, "ctl")],
                              stderr=subprocess.PIPE, text=True)
    try:
        dep = wait_for(lambda: [d["deployment_uuid"] for d in fake.api("/deployments")[1]
                                if d["application_name"] == app["name"]])[0]
        r = sh("cancel", m.p("deployments", dep, "ctl"))
        assert r.returncode == 0, r.stderr + m.stderr()
        err = waiter.communicate(timeout=30)[1]
    finally:
        if waiter.poll() is None:
            waiter.kill()
    assert waiter.returncode == 1 and os.strerror(errno.ECANCELED) in err, err
    assert "deployment %s ended: cancelled-by-user" % dep in m.stderr()
    assert read(m.p(rel, "deployments", dep, "status")) == "cancelled-by-user\n"


# ---- rollback ------------------------------------------------------------------------

def test_images_lists_the_rollback_tags(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    assert "images" in os.listdir(m.p(rel))
    fake.clear_log()
    text = run("cat '%s'" % m.p(rel, "images")).stdout
    assert [(e["method"], e["path"]) for e in fake.log()] == \
        [("GET", "/api/v1/applications/%s/rollback-images" % app["uuid"])]
    _, answer = fake.api("/applications/%s/rollback-images" % app["uuid"])
    assert answer["images"], answer
    assert text == "".join(i["tag"] + "\n" for i in answer["images"])
    # Only applications have images.
    for kind in ("databases", "services"):
        top = m.p(*rel.split("/")[:3], kind)
        for name in os.listdir(top):
            assert "images" not in os.listdir(os.path.join(top, name))


def test_listing_asks_for_no_images(fake, mount_factory):
    """SPEC §4: a walk costs no request per file."""
    m = mount_factory(fake)
    fake.clear_log()
    run("ls -lR '%s/projects' > /dev/null" % m.path)
    assert not [e for e in fake.log() if e["path"].endswith("/rollback-images")]


def test_rollback_to_an_image_and_follow_its_log(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake, opts=["cache_ttl=1"])
    tags = read(m.p(rel, "images")).split()
    old = tags[-1]
    fake.set(deployment_speed=0.8)
    fake.clear_log()
    r = sh("rollback %s" % old, m.p(rel, "ctl"))
    assert r.returncode == 0, r.stderr + m.stderr()
    assert writes(fake) == [("POST", "/api/v1/applications/%s/rollback" % app["uuid"], "",
                             {"commit": old})]
    dep = os.readlink(m.p(rel, "deployments", "latest"))
    row = fake.api("/deployments/" + dep)[1]
    assert row["rollback"] is True and row["commit"] == old
    # The rollback is a deployment like any other: listed at once, followed by tail -f.
    assert dep in os.listdir(m.p("deployments"))
    follower = Follower(m.p(rel, "deployments", dep, "log"), "-n", "+1")
    try:
        row = wait_for(lambda: (lambda d: d if d["status"] not in ("queued", "in_progress")
                                else None)(fake.api("/deployments/" + dep)[1]), 30)
        want = render_build_log(row["logs"]).splitlines()
        seen = follower.wait_for(want)
    finally:
        follower.stop()
    assert row["status"] == "finished"
    assert seen == want
    assert "No build configuration changed & image found (%s:%s)" % (app["uuid"], old) in \
        "\n".join(seen)
    assert read(m.p(rel, "deployments", dep, "status")) == "finished\n"
    assert fake.api("/applications/%s/rollback-images" % app["uuid"])[1]["current"] == old


def test_rollback_wait(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    tag = read(m.p(rel, "images")).split()[-1]
    r = run("echo 'rollback %s wait' > '%s' && echo done" % (tag, m.p(rel, "ctl")), check=False)
    assert r.returncode == 0 and r.stdout == "done\n", r.stderr + m.stderr()
    dep = os.readlink(m.p(rel, "deployments", "latest"))
    assert read(m.p(rel, "deployments", dep, "status")) == "finished\n"


def test_rollback_to_an_unknown_tag_is_what_the_api_says(fake, mount_factory):
    """The API queues any valid git ref (the deployment then fails: no such
    image, no such commit) and refuses others with a 422."""
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    fake.clear_log()
    r = sh("rollback no;such;tag", m.p(rel, "ctl"))
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert "Invalid rollback commit: contains disallowed characters." in m.stderr()
    r = sh("rollback -x", m.p(rel, "ctl"))
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert "Invalid rollback commit: must not start with a hyphen." in m.stderr()
    assert [w[1] for w in writes(fake)] == ["/api/v1/applications/%s/rollback" % app["uuid"]] * 2
    assert not [d for d in fake.state()["deployments"] if d["rollback"]]
    r = run("echo 'rollback 0000000 wait' > '%s'" % m.p(rel, "ctl"), check=False)
    assert r.returncode == 1 and "Input/output error" in r.stderr
    dep = os.readlink(m.p(rel, "deployments", "latest"))
    assert read(m.p(rel, "deployments", dep, "status")) == "failed\n"
    assert "Image not found (%s:0000000)" % app["uuid"] in read(m.p(rel, "deployments", dep, "log"))


def test_rollback_bad_input_sends_nothing(fake, mount_factory):
    rel, _ = app_rel(fake)
    m = mount_factory(fake)
    fake.clear_log()
    for line in ("rollback", "rollback a b", "rollback a force", "rollback " + "a" * 129):
        r = sh(line, m.p(rel, "ctl"))
        assert r.returncode == 1 and "Invalid argument" in r.stderr, line
    assert "rollback takes an image tag" in m.stderr()
    assert writes(fake) == []


def test_a_full_queue_refuses_a_rollback_with_EBUSY(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    tag = read(m.p(rel, "images")).split()[0]
    fake.set(deployment_speed=30)
    for i in range(25):  # the server's deployment_queue_limit; rollbacks are never skipped
        status, _ = fake.api("/applications/%s/rollback" % app["uuid"], method="POST",
                             body={"commit": tag})
        assert status == 200
    fake.clear_log()
    r = sh("rollback %s" % tag, m.p(rel, "ctl"))
    assert r.returncode == 1 and "Device or resource busy" in r.stderr
    assert "Deployment queue is full." in m.stderr()
    assert len(writes(fake)) == 1


# ---- previews ------------------------------------------------------------------------

def previews(fake, app):
    ids = {a["id"] for a in fake.state()["applications"] if a["uuid"] == app["uuid"]}
    return sorted(p["pull_request_id"] for p in fake.state()["previews"]
                  if p["application_id"] in ids)


def test_delete_preview(fake, mount_factory):
    rel, app = app_rel(fake)
    m = mount_factory(fake)
    assert previews(fake, app) == [7, 42]
    fake.clear_log()
    r = sh("delete preview 42", m.p(rel, "ctl"))
    assert r.returncode == 0, r.stderr + m.stderr()
    assert writes(fake) == [("DELETE", "/api/v1/applications/%s/previews/42" % app["uuid"], "",
                             None)]
    assert previews(fake, app) == [7]
    # The application itself is still there.
    assert fake.api("/applications/" + app["uuid"])[0] == 200
    fake.clear_log()
    r = sh("delete preview 42", m.p(rel, "ctl"))
    assert r.returncode == 1 and "No such file or directory" in r.stderr
    assert "Preview not found." in m.stderr()
    assert len(writes(fake)) == 1


def test_delete_preview_bad_input_sends_nothing(fake, mount_factory):
    rel, _ = app_rel(fake)
    m = mount_factory(fake)
    fake.clear_log()
    for line in ("delete preview", "delete preview x", "delete preview 0", "delete preview -3",
                 "delete preview 4 volumes", "delete previews 4"):
        r = sh(line, m.p(rel, "ctl"))
        assert r.returncode == 1 and "Invalid argument" in r.stderr, line
    assert "delete preview takes a pull request number" in m.stderr()
    assert writes(fake) == []
    assert len(fake.state()["previews"]) == 2


def test_cat_ctl_lists_the_new_verbs(fake, mount_factory):
    rel, _ = app_rel(fake)
    m = mount_factory(fake)
    verbs = read(m.p(rel, "ctl")).splitlines()
    assert "rollback TAG [wait]" in verbs and "delete preview PR" in verbs
    for kind in ("databases", "services"):
        top = m.p(*rel.split("/")[:3], kind)
        for name in os.listdir(top):
            text = read(os.path.join(top, name, "ctl"))
            assert "rollback" not in text and "preview" not in text


def test_read_only_token_cannot_roll_back(fake, mount_factory):
    rel, _ = app_rel(fake)
    m = mount_factory(fake, token=READ_TOKEN)
    r = sh("rollback abc", m.p(rel, "ctl"))
    assert r.returncode == 1 and "Permission denied" in r.stderr
    r = sh("delete preview 42", m.p(rel, "ctl"))
    assert r.returncode == 1 and "Permission denied" in r.stderr
    assert len(fake.state()["previews"]) == 2


# ---- the 2025 API --------------------------------------------------------------------

def test_seed_has_none_of_it(seed, mount_factory):
    seed.reset()
    rel, app = app_rel(seed)
    m = mount_factory(seed)
    assert "images" not in os.listdir(m.p(rel))
    assert not os.path.exists(m.p(rel, "images"))
    newest = os.readlink(m.p(rel, "deployments", "latest"))
    assert sorted(os.listdir(m.p(rel, "deployments", newest))) == ["deployment.json", "log", "status"]
    assert not os.path.exists(m.p(rel, "deployments", newest, "ctl"))
    verbs = read(m.p(rel, "ctl"))
    assert "rollback" not in verbs and "preview" not in verbs
    seed.clear_log()
    r = sh("rollback abc", m.p(rel, "ctl"))
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert 'unknown verb "rollback"' in m.stderr()
    r = sh("delete preview 42", m.p(rel, "ctl"))
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    r = sh("cancel", m.p(rel, "deployments", newest, "ctl"))
    assert r.returncode == 1
    assert writes(seed) == []
    assert [e["path"] for e in seed.log() if "rollback" in e["path"] or "cancel" in e["path"]] == []
