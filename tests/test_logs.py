"""Logs (SPEC §3.2): a resource's `logs` read with the real tools, followed
with `tail -f` while the fake's containers write, and the build logs of
deployments. The oracle is the fake's own logs endpoint, cleaned the way
NOTES §9.1 says a reader must (ANSI codes out, the 2025 doubling undone)."""
import os
import random
import re
import subprocess
import threading
import time
import zlib

import pytest

from conftest import Fake, api_requests, run
from expected import Tree

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@pytest.fixture
def fresh(request):
    f = Fake(mode=getattr(request, "param", "seed"))
    yield f
    f.stop()


def latest(fake):
    return not fake.api("/version")[1].startswith("4.0.0-beta")


def api_lines(fake, kind, uuid, lines=10000, query=""):
    """The log as the API has it, cleaned: the oracle."""
    status, body = fake.api("/%s/%s/logs?lines=%d%s" % (kind, uuid, lines, query))
    assert status == 200, body
    text = ANSI.sub("", body["logs"])
    if not latest(fake) and text:
        # NOTES §9.1: raw + stripped copy, no separator.
        half = len(text) // 2
        assert text[:half] == text[half:], "the seed answer should be doubled"
        text = text[:half]
    return text.split("\n") if text else []


def resource(tree, kind, name, running=True):
    """(relative path, object) of the first resource of kind called name."""
    for rel, k, obj, _ in tree.walk():
        if k == kind and obj["name"] == name and obj["status"].startswith("running") == running:
            return rel, obj
    raise LookupError(name)


class Follower:
    """`tail -f` running in the background, its lines collected."""

    def __init__(self, path, *args):
        self.proc = subprocess.Popen(["tail", *args, "-f", path], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, want, timeout=20):
        """Waits until the lines seen are want (or time runs out)."""
        deadline = time.time() + timeout
        while time.time() < deadline and self.lines != want:
            time.sleep(0.2)
        return list(self.lines)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.thread.join(5)
        return self.proc.stderr.read()


def test_tools_agree_on_the_log(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode, opts=["cache_ttl=60", "log_lines=50"])
    rel, app = resource(tree, "applications", "web")
    path = m.p(rel, "logs")
    fake_mode.set(log_growth=False)
    try:
        data = open(path, "rb").read()
        want = api_lines(fake_mode, "applications", app["uuid"], 50)
        assert data.decode().splitlines() == want
        assert b"\x1b" not in data and data.endswith(b"\n")
        assert os.stat(path).st_size == len(data)
        assert run(["wc", "-c", path]).stdout.split()[0] == str(len(data))
        assert run(["wc", "-l", path]).stdout.split()[0] == str(len(want))
        assert run(["head", "-n", "3", path]).stdout.splitlines() == want[:3]
        assert run(["tail", "-n", "5", path]).stdout.splitlines() == want[-5:]
        grep = run(["grep", "-c", "INFO", path], check=False).stdout.strip()
        assert grep == str(sum("INFO" in l for l in want))
        assert run("less %s | cat" % path).stdout.encode() == data
        copy = os.path.join(m.dir, "copy")
        run(["cp", path, copy])
        assert open(copy, "rb").read() == data
    finally:
        fake_mode.set(log_growth=True)


def test_seed_doubling_and_colours_are_undone(mount_factory):
    fake = Fake(mode="seed")
    try:
        tree = Tree(fake)
        rel, app = resource(tree, "applications", "web")
        fake.set(resource=app["uuid"], log_append="\x1b[31mred alert\x1b[0m\nplain end")
        fake.set(log_growth=False)
        _, raw = fake.api("/applications/%s/logs?lines=4" % app["uuid"])
        assert "\x1b[31m" in raw["logs"] and raw["logs"].count("plain end") == 2
        m = mount_factory(fake, opts=["log_lines=4"])
        lines = open(m.p(rel, "logs")).read().splitlines()
        assert lines[-2:] == ["red alert", "plain end"]
        assert len(lines) == len(set(lines))
    finally:
        fake.stop()


def test_tail_f_follows_without_repeats_or_losses(fake_mode, mount_factory):
    """The window of the last log_lines lines slides while tail -f reads."""
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode, opts=["cache_ttl=1", "log_lines=10"])
    rel, app = resource(tree, "applications", "web")
    follower = Follower(m.p(rel, "logs"), "-n", "+1")
    try:
        time.sleep(10)
        fake_mode.set(log_growth=False)
        full = api_lines(fake_mode, "applications", app["uuid"])
        first = follower.lines[0]
        start = full.index(first)
        expected = full[start:]
        seen = follower.wait_for(expected)
    finally:
        err = follower.stop()
        fake_mode.set(log_growth=True)
    duplicates = len(seen) - len(set(seen))
    print("\ntail -f logs for 10 s (%s): %d lines expected, %d seen, %d duplicates"
          % ("latest" if latest(fake_mode) else "seed", len(expected), len(seen), duplicates))
    assert "truncated" not in err
    assert seen == expected
    assert len(expected) > 10, "the log should have slid past its window"


def test_size_only_grows_while_open(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode, opts=["cache_ttl=1", "log_lines=5"])
    rel, _ = resource(tree, "applications", "web")
    with open(m.p(rel, "logs"), "rb") as f:
        sizes, mtimes = [], []
        for _ in range(4):
            st = os.fstat(f.fileno())
            sizes.append(st.st_size)
            mtimes.append(st.st_mtime)
            time.sleep(1.2)
        data = f.read()
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]
    assert mtimes == sorted(mtimes)
    assert len(data) >= sizes[-1]


def test_not_running_reads_empty_and_says_why_once(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode, opts=["cache_ttl=1"])
    rel, app = resource(tree, "applications", "api", running=False)
    for _ in range(3):
        r = run(["cat", m.p(rel, "logs")])
        assert r.stdout == ""
        time.sleep(1.1)
    assert m.stderr().count("Application is not running.") == 1


def test_polls_at_most_once_a_cache_period(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode, opts=["cache_ttl=30"])
    rel, app = resource(tree, "applications", "web")
    fake_mode.clear_log()
    for _ in range(3):
        run(["cat", m.p(rel, "logs")])
        run(["wc", "-c", m.p(rel, "logs")])
        os.stat(m.p(rel, "logs"))
    logs = [p for _, p in api_requests(fake_mode) if p.endswith("/logs")]
    assert logs == ["/api/v1/applications/%s/logs" % app["uuid"]]


def test_listing_asks_for_no_logs(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode)
    fake_mode.clear_log()
    run(["ls", "-R", m.p("projects")])
    run(["find", m.p("projects"), "-name", "status"])
    assert not [p for _, p in api_requests(fake_mode) if p.endswith("/logs")]
    assert len(list(tree.walk())) > 0


def test_grep_every_log_with_a_glob(fake_mode, mount_factory):
    m = mount_factory(fake_mode)
    r = run("grep -ci info %s/projects/*/*/applications/*/logs" % m.path, check=False)
    assert r.returncode in (0, 1), r.stderr
    counts = dict(l.rsplit(":", 1) for l in r.stdout.splitlines())
    assert any(int(c) > 0 for c in counts.values())


def test_database_and_service_logs_where_the_instance_has_them(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode)
    db_rel, db = resource(tree, "databases", "web-db")
    svc_rel, svc = resource(tree, "services", "uptime-kuma", running=False)
    if not latest(fake_mode):
        # NOTES §9.1: no such endpoints at the seed: absent, not empty.
        assert "logs" not in os.listdir(m.p(db_rel))
        assert "logs" not in os.listdir(m.p(svc_rel))
        assert not os.path.exists(m.p(db_rel, "logs"))
        return
    fake_mode.set(log_growth=False)
    try:
        got = open(m.p(db_rel, "logs")).read().splitlines()
        assert got == api_lines(fake_mode, "databases", db["uuid"], 1000)
    finally:
        fake_mode.set(log_growth=True)
    assert open(m.p(svc_rel, "logs")).read() == ""  # exited


def test_service_logs_show_each_container(mount_factory):
    fake = Fake(mode="latest")
    try:
        tree = Tree(fake)
        rel, svc = resource(tree, "services", "uptime-kuma", running=False)
        m = mount_factory(fake, opts=["cache_ttl=1"])
        assert run(["sh", "-c", "echo start > '%s'" % m.p(rel, "ctl")]).returncode == 0
        _, obj = fake.api("/services/" + svc["uuid"])
        names = [s["name"] for s in obj["applications"] + obj["databases"]]
        deadline = time.time() + 20
        text = ""
        while time.time() < deadline and not text:
            time.sleep(1.1)
            text = open(m.p(rel, "logs")).read()
        lines = text.splitlines()
        assert lines, m.stderr()
        for line in lines:
            name, sep, _ = line.partition(" | ")
            assert sep and name.strip() in names, line
    finally:
        fake.stop()


def test_timestamps_are_asked_for_as_the_spec_types_them(mount_factory):
    """NOTES §17.5: show_timestamps is a boolean in the current spec: sent
    as `true`, not `1`."""
    fake = Fake(mode="latest")
    try:
        rel, app = resource(Tree(fake), "applications", "web")
        m = mount_factory(fake)
        fake.clear_log()
        open(m.p(rel, "logs")).read()
        queries = [e["query"] for e in fake.log() if e["path"].endswith("/logs")]
        assert queries and all("show_timestamps=true" in q.split("&") for q in queries), queries
    finally:
        fake.stop()


OWN = ["2025-05-11T10:00:00.123Z own millisecond stamp",
       "2025-05-11T10:00:00Z own second stamp",
       "2025-05-11T10:00:00.123456789+02:00 own offset stamp",
       "2025-05-11T10:00:00.123456789Z own stamp in docker's very shape"]


@pytest.mark.parametrize("ignored", [False, True])
def test_application_timestamps_stay(ignored, mount_factory):
    """Only docker's own prefix is taken off. With an instance that ignores
    show_timestamps (ignored=True) every line is the application's text,
    its own ISO timestamps included; with docker's prefix, only that goes.
    (The last OWN line has docker's shape: with the parameter ignored it
    cannot be told from docker's, and is the one line that may lose it.)"""
    fake = Fake(mode="latest")
    try:
        rel, app = resource(Tree(fake), "applications", "web")
        fake.set(ignore_show_timestamps=ignored)
        fake.set(resource=app["uuid"], log_append="\n".join(OWN))
        fake.set(log_growth=False)
        m = mount_factory(fake, opts=["log_lines=100"])
        got = open(m.p(rel, "logs")).read().splitlines()
        want = api_lines(fake, "applications", app["uuid"], 100)
        assert [l for l in want if l.startswith("2025-05-11T10:00:00")] == OWN
        # The generated lines that begin with the application's own time.
        assert [l for l in want if re.match(r"\d{4}-\d\d-\d\dT[\d:.]+Z info:", l)]
        if ignored:
            assert got[:-1] == want[:-1]
            assert got[-1] in (OWN[-1], OWN[-1][31:])
        else:
            assert got == want
    finally:
        fake.stop()


def test_concurrent_reads_of_one_handle_while_it_grows(mount_factory):
    """The FUSE loop is multi-threaded: reads of one open logs file run at
    once, and the read that polls grows the handle's copy (moving it when
    it outgrows its allocation) while the others copy from it. Each cycle
    opens the file afresh (a log nobody reads starts again from its latest
    window), so the poll after an append of a whole window doubles the
    copy and must move it. Every read must be what the file finally holds
    at its offset, and the mount must survive (under ASan too)."""
    fake = Fake(mode="latest")
    try:
        rel, app = resource(Tree(fake), "applications", "web")
        fake.set(log_growth=False)
        window, pad = 2000, "x" * 480
        m = mount_factory(fake, opts=["cache_ttl=1", "log_lines=%d" % window])
        path = m.p(rel, "logs")

        def append(k):
            fake.set(resource=app["uuid"], log_append="\n".join(
                "A%04d-%04d %s" % (k, i, pad) for i in range(window)))

        for cycle in range(6):
            append(2 * cycle)
            fd = os.open(path, os.O_RDONLY)
            opened = os.fstat(fd).st_size
            # Processes, not threads: the GIL would take turns where the
            # daemon's threads must not. They share the open file.
            pids, results = [], []
            for i in range(4):
                rfd, wfd = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(rfd)
                    rng, out = random.Random(cycle * 10 + i), []
                    end = time.time() + 1.8
                    try:
                        while time.time() < end:
                            size = os.fstat(fd).st_size
                            off = rng.randrange(max(size, 1))
                            data = os.pread(fd, 131072, off)
                            out.append("%d %d %d" % (off, len(data), zlib.crc32(data)))
                    except OSError as e:
                        out.append("error %s" % e)
                    os.write(wfd, "\n".join(out).encode())
                    os._exit(0)
                os.close(wfd)
                pids.append(pid)
                results.append(rfd)
            time.sleep(0.2)
            append(2 * cycle + 1)
            seen, errors = [], []
            for pid, rfd in zip(pids, results):
                with os.fdopen(rfd, "rb") as f:
                    for line in f.read().decode().splitlines():
                        if line.startswith("error"):
                            errors.append(line)
                        else:
                            seen.append(tuple(int(x) for x in line.split()))
                os.waitpid(pid, 0)
            chunks, off = [], 0
            while True:
                data = os.pread(fd, 1 << 20, off)
                if not data:
                    break
                chunks.append(data)
                off += len(data)
            os.close(fd)
            final = b"".join(chunks)
            assert not errors, (errors, m.stderr())
            # It grew while read (how far depends on how fast the polls
            # come: under ASan, by less than a window).
            assert len(final) > opened, (cycle, opened, len(final))
            assert len(seen) > 20
            bad = [(o, n) for o, n, crc in seen if zlib.crc32(final[o:o + n]) != crc]
            assert not bad, bad[:5]
        assert "logs" in os.listdir(m.p(rel))  # the daemon is alive
    finally:
        fake.stop()


# -- deployments ------------------------------------------------------------------------
# -- deployments ------------------------------------------------------------------------


def render_build_log(logs):
    """NOTES §9.2: sorted by order (missing = 1), hidden out, output as is."""
    import json
    entries = [(e.get("order", 1), i, e) for i, e in enumerate(json.loads(logs or "[]"))]
    out = []
    for _, _, e in sorted(entries, key=lambda t: (t[0], t[1])):
        if e.get("hidden") or not e.get("output"):
            continue
        out.append(e["output"] + "\n")
    return "".join(out)


def test_deployments_newest_first_with_their_files(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode)
    rel, app = resource(tree, "applications", "web")
    _, page = fake_mode.api("/deployments/applications/%s?skip=0&take=10" % app["uuid"])
    want = [d["deployment_uuid"] for d in page["deployments"]]
    d = m.p(rel, "deployments")
    assert sorted(os.listdir(d)) == sorted(want + ["latest"])
    listed = [n for n in run(["ls", "-t", d]).stdout.split() if n != "latest"]
    assert listed == want
    assert os.readlink(os.path.join(d, "latest")) == want[0]
    ctl = ["ctl"] if fake_mode.state()["mode"] == "latest" else []  # cancel
    for dep in page["deployments"]:
        sub = os.path.join(d, dep["deployment_uuid"])
        assert sorted(os.listdir(sub)) == ctl + ["deployment.json", "log", "status"]
        assert open(os.path.join(sub, "status")).read() == dep["status"] + "\n"
        log = open(os.path.join(sub, "log")).read()
        assert log == render_build_log(dep["logs"])
        assert os.stat(os.path.join(sub, "log")).st_size == len(log.encode())
    assert run("less %s/latest/log | cat" % d).stdout == render_build_log(page["deployments"][0]["logs"])


def test_tail_f_follows_a_running_build(fresh, mount_factory):
    tree = Tree(fresh)
    m = mount_factory(fresh, opts=["cache_ttl=1"])
    rel, app = resource(tree, "applications", "web")
    fresh.set(deployment_speed=0.8)
    run("echo deploy > '%s'" % m.p(rel, "ctl"))
    latest_dir = os.readlink(m.p(rel, "deployments", "latest"))
    follower = Follower(m.p(rel, "deployments", latest_dir, "log"), "-n", "+1")
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            _, dep = fresh.api("/deployments/" + latest_dir)
            if dep["status"] not in ("queued", "in_progress"):
                break
            time.sleep(0.5)
        want = render_build_log(dep["logs"]).splitlines()
        seen = follower.wait_for(want)
    finally:
        follower.stop()
    assert dep["status"] == "finished"
    assert seen == want
    assert open(m.p(rel, "deployments", latest_dir, "status")).read() == "finished\n"


def test_root_deployments_lists_the_running_ones(fake_mode, mount_factory):
    tree = Tree(fake_mode)
    m = mount_factory(fake_mode, opts=["cache_ttl=1"])
    assert os.listdir(m.p("deployments")) == []
    fake_mode.set(deployment_speed=2)
    try:
        names = []
        for name in ("web", "metabase"):
            rel, _ = resource(tree, "applications", name)
            run("echo deploy > '%s'" % m.p(rel, "ctl"))
            names.append(os.readlink(m.p(rel, "deployments", "latest")))
        time.sleep(1.1)
        listed = os.listdir(m.p("deployments"))
        assert sorted(listed) == sorted(names)
        for n in names:
            status = open(m.p("deployments", n, "status")).read()
            assert status in ("queued\n", "in_progress\n")
            # A ctl (cancel) where the instance has the route (NOTES §17.8).
            ctl = ["ctl"] if fake_mode.state()["mode"] == "latest" else []
            assert sorted(os.listdir(m.p("deployments", n))) == \
                ctl + ["deployment.json", "log", "status"]
    finally:
        fake_mode.set(deployment_speed=0.35)
        # Let the builds end before the next test of this module.
        deadline = time.time() + 30
        while time.time() < deadline and fake_mode.api("/deployments")[1]:
            time.sleep(0.5)
