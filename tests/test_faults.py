"""What a mounted coolifyfs does when the API misbehaves (SPEC §4, §5):
the operation fails with the table's errno and one log line, the daemon
stays up, reads fall back on the last good answers while the instance is
away, and the mount recovers by itself."""
import os
import signal
import time

import pytest

from conftest import Fake, api_requests, run


@pytest.fixture
def fresh():
    f = Fake()
    yield f
    f.stop()


def ls(path):
    return run(["ls", path], check=False)


def test_server_error_is_EIO_and_logged(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.fault(status=500, count=10, match="/api/v1/projects")
    r = ls(m.p("projects"))
    assert r.returncode and "Input/output error" in r.stderr
    err = m.stderr()
    line = [l for l in err.splitlines() if "GET /projects" in l][0]
    assert "/projects" in line and "Server Error" in line
    fresh.fault(clear=True)
    assert ls(m.p("projects")).returncode == 0


def test_get_is_retried_after_one_5xx(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.fault(status=503, count=1, match="/api/v1/projects")
    fresh.clear_log()
    assert ls(m.p("projects")).returncode == 0
    assert api_requests(fresh).count(("GET", "/api/v1/projects")) == 2


def test_not_found_is_ENOENT(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    project = sorted(os.listdir(m.p("projects")))[0]
    fresh.fault(status=404, count=1, match="/api/v1/projects/")
    # (ls itself ignores ENOENT from readdir: a directory that vanishes
    # while listed is not an error to it.)
    r = run(["cat", m.p("projects", project, "project.json")], check=False)
    assert r.returncode and "No such file" in r.stderr


def test_malformed_and_cut_answers_are_EIO(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.fault(garbage=1, match="/api/v1/projects")
    r = ls(m.p("projects"))
    assert r.returncode and "Input/output error" in r.stderr
    assert "not the JSON" in m.stderr()
    fresh.fault(cut=10, match="/api/v1/projects")
    r = ls(m.p("projects"))
    assert r.returncode and "Input/output error" in r.stderr
    fresh.fault(clear=True)
    assert ls(m.p("projects")).returncode == 0


def test_429_is_retried_after_retry_after(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.fault(status=429, count=1, retry_after=1, match="/api/v1/projects")
    fresh.clear_log()
    t = time.time()
    assert ls(m.p("projects")).returncode == 0
    assert time.time() - t >= 0.9
    assert api_requests(fresh).count(("GET", "/api/v1/projects")) == 2


def test_slow_answer_times_out_and_unmount_works(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0", "timeout=2"])
    fresh.fault(hang_ms=10000, count=10, match="/api/v1/projects")
    t = time.time()
    r = ls(m.p("projects"))
    took = time.time() - t
    assert r.returncode and "timed out" in r.stderr
    assert took < 4, took
    fresh.fault(clear=True)


def test_instance_down_serves_stale_reads_then_recovers(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=1", "timeout=3"])
    before = run(["ls", "-R", m.path]).stdout
    status = run("cat %s/projects/*/*/*/*/status" % m.path).stdout
    fresh.proc.send_signal(signal.SIGUSR2)  # host down: connections refused
    time.sleep(1.5)
    t = time.time()
    assert run(["ls", "-R", m.path]).stdout == before
    assert run("cat %s/projects/*/*/*/*/status" % m.path).stdout == status
    assert time.time() - t < 3
    assert "serving cached data" in m.stderr()
    fresh.proc.send_signal(signal.SIGUSR1)  # back up
    time.sleep(2.5)  # HTTP_DOWN_MS: how long an unreachable host is left alone
    fresh.clear_log()
    assert run(["ls", m.p("projects")]).returncode == 0
    assert ("GET", "/api/v1/projects") in api_requests(fresh)


def test_instance_down_without_cache_is_ECONNREFUSED(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.proc.send_signal(signal.SIGUSR2)
    time.sleep(0.3)
    try:
        r = ls(m.p("projects"))
        assert r.returncode and "Connection refused" in r.stderr
    finally:
        fresh.proc.send_signal(signal.SIGUSR1)
        time.sleep(0.3)


def test_revoked_token_is_EACCES(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=0"])
    fresh.fault(revoke="1")
    r = ls(m.p("projects"))
    assert r.returncode and "Permission denied" in r.stderr
    assert "Unauthenticated" in m.stderr()
    fresh.fault(clear=True)


def test_sighup_drops_the_cache(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=600"])
    run(["ls", "-lR", m.path])
    fresh.clear_log()
    run(["ls", "-lR", m.path])
    assert api_requests(fresh) == []
    m.hup()
    time.sleep(1.1)  # past the kernel's own one-second attribute cache
    run(["ls", "-lR", m.path])
    assert ("GET", "/api/v1/projects") in api_requests(fresh)
    assert os.path.ismount(m.path)


def test_changes_made_elsewhere_show_within_cache_ttl(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=1"])
    assert "brand-new" not in os.listdir(m.p("projects"))
    status, _ = fresh.api("/projects", method="POST", body={"name": "brand-new"})
    assert status == 201
    time.sleep(2.2)
    assert "brand-new" in os.listdir(m.p("projects"))
