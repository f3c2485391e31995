"""Faults that test_faults.py leaves out (SPEC §3.3, §4, §5): an
operation that needs several requests still fails within about
`timeout`, the mount can be unmounted while a request hangs, and a
request that changes something is never sent twice after a 5xx."""
import errno
import os
import subprocess
import time

import pytest

from conftest import Fake, run
from envhelp import EnvSite

TIMEOUT = 3


@pytest.fixture
def fresh():
    f = Fake()
    yield f
    f.stop()


def wait_for(cond, what, limit=30):
    end = time.time() + limit
    while not cond():
        assert time.time() < end, "timed out waiting for " + what
        time.sleep(0.05)


def hanging_request_arrived(fake):
    """The fake takes a count=1 hang fault off its list when a request
    matches it, before it sleeps."""
    return not fake.ctl("fault")["faults"]


def test_lookup_of_several_levels_fails_within_one_timeout(fresh, mount_factory):
    """`cat projects/P/project.json` needs /projects and /projects/{uuid};
    with the instance silent it fails after one timeout, not one per
    request (each path level used to wait out its own)."""
    m = mount_factory(fresh, opts=["cache_ttl=0", "timeout=%d" % TIMEOUT])
    project = sorted(os.listdir(m.p("projects")))[0]
    fresh.fault(hang_ms=60000, match="/api/v1/projects")
    t = time.time()
    r = run(["cat", m.p("projects", project, "project.json")], check=False)
    took = time.time() - t
    assert r.returncode and "timed out" in r.stderr
    assert took < 2 * TIMEOUT, took
    assert "unreachable" in m.stderr()
    # The instance answers again: so does the mount, without a remount.
    fresh.fault(clear=True)
    wait_for(lambda: run(["cat", m.p("projects", project, "project.json")],
                         check=False).returncode == 0, "the mount to recover")


def test_lazy_unmount_while_a_request_hangs(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0", "timeout=%d" % TIMEOUT])
    project = sorted(os.listdir(m.p("projects")))[0]
    fresh.fault(hang_ms=60000, count=1, match="/api/v1/projects")
    cat = subprocess.Popen(["cat", m.p("projects", project, "project.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: hanging_request_arrived(fresh), "the request to hang")
    # The kernel keeps a mount with a lookup in flight busy; a lazy
    # unmount detaches it at once.
    r = subprocess.run(["fusermount3", "-u", "-z", m.path], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    assert not os.path.ismount(m.path)
    _, err = cat.communicate(timeout=4 * TIMEOUT)
    assert cat.returncode
    # The daemon ends by itself once curl gives up on the request; the
    # fixture then checks its exit status and its stderr.
    m.proc.wait(4 * TIMEOUT)


def test_unmount_works_once_the_hanging_call_gave_up(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0", "timeout=%d" % TIMEOUT])
    fresh.fault(hang_ms=60000, count=1, match="/api/v1/projects")
    r = run(["ls", m.p("projects")], check=False)
    assert r.returncode and "timed out" in r.stderr
    # The fake still sits on that request; the mount does not care.
    r = subprocess.run(["fusermount3", "-u", m.path], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    assert m.proc.wait(10) == 0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_new_variable_is_posted_once_after_a_5xx(fresh, mount_factory, status):
    m = mount_factory(fresh)
    site = EnvSite(fresh, m)
    fresh.clear_log()
    fresh.fault(status=status, count=5, match="/envs", method="POST")
    r = run("echo once > %s" % site.p("POSTED_ONCE"), check=False)
    assert r.returncode and "Input/output error" in r.stderr
    assert site.writes() == [("POST", "envs")]
    assert "POSTED_ONCE" not in site.server()


def test_value_sent_at_close_is_sent_once_after_a_5xx(fresh, mount_factory):
    """A value of several lines is sent at close (flush); a refusal there
    is close()'s error, and the release does not send it again."""
    m = mount_factory(fresh)
    site = EnvSite(fresh, m)
    fresh.clear_log()
    fresh.fault(status=500, count=5, match="/envs", method="POST")
    # One write(2) of both lines (bash's printf writes line by line, and
    # a first line alone looks like a whole value).
    fd = os.open(site.p("MULTI_ONCE"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b"line one\nline two\n")
    with pytest.raises(OSError) as e:
        os.close(fd)
    assert e.value.errno == errno.EIO
    assert site.writes() == [("POST", "envs")]
    assert "MULTI_ONCE" not in site.server()


def test_bulk_save_is_sent_once_after_a_5xx(fresh, mount_factory, tmp_path):
    m = mount_factory(fresh)
    site = EnvSite(fresh, m)
    envs_env = os.path.join(site.dir, "envs.env")
    (tmp_path / "new.env").write_text(open(envs_env).read() + "BULK_ONCE=1\n")
    fresh.clear_log()
    fresh.fault(status=503, count=5, match="/envs/bulk", method="PATCH")
    r = run(["cp", str(tmp_path / "new.env"), envs_env], check=False)
    assert r.returncode
    assert site.writes() == [("PATCH", "bulk")]


def test_action_is_posted_once_after_a_5xx(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    site = EnvSite(fresh, m)
    ctl = os.path.join(site.dir, "ctl")
    if not os.path.exists(ctl):
        pytest.skip("no ctl files in this build")
    fresh.clear_log()
    fresh.fault(status=500, count=5, match="/restart")
    r = run("echo restart > %s" % ctl, check=False)
    assert r.returncode
    sent = [(e["method"], e["path"]) for e in fresh.log() if e["path"].endswith("/restart")]
    assert len(sent) == 1, sent


@pytest.mark.parametrize("status,retried", [(502, True), (504, False)])
def test_gateway_html_answers(fresh, mount_factory, status, retried):
    """nginx in front of Coolify answers 502/504 with an HTML page: the
    read fails with EIO (or succeeds on a retry), never with garbage."""
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.clear_log()
    fresh.fault(status=status, count=1, match="/api/v1/projects")
    r = run(["ls", m.p("projects")], check=False)
    gets = [e for e in fresh.log() if e["path"] == "/api/v1/projects"]
    if retried:
        assert r.returncode == 0 and len(gets) == 2
    else:
        assert r.returncode and "Input/output error" in r.stderr
        assert "HTTP %d" % status in m.stderr()
    assert run(["ls", m.p("projects")]).returncode == 0
