"""Load (issue 7): eight concurrent readers and writers on a generated
dataset for COOLIFYFS_LOAD_SECONDS (20 by default, 60 for the full run):
no crash, no deadlock (every command returns, unmount works), and every
write reaches the fake Coolify exactly once, with the last value winning.

Readers walk the tree (find), read statuses (cat), search the JSON
(grep) and list and read variables. Each writer owns one application and
changes its variables with echo (a new key: one POST; a changed value:
one PATCH) and sed -i (one PATCH), each with a value never used before,
so the requests it causes can be counted at the fake."""
import os
import threading
import time

import pytest

from conftest import Fake, run
from expected import Tree

SECONDS = float(os.environ.get("COOLIFYFS_LOAD_SECONDS", "20"))
WRITERS = 4
COMMAND_LIMIT = 60  # seconds any one command may take before it counts as stuck


@pytest.fixture(scope="module")
def fk():
    f = Fake(data="gen:5:100")
    yield f
    f.stop()


class Worker(threading.Thread):
    def __init__(self, name, step, deadline):
        super().__init__(name=name, daemon=True)
        self.step, self.deadline = step, deadline
        self.rounds = 0
        self.failures = []

    def run(self):
        try:
            while time.time() < self.deadline:
                self.step(self)
                self.rounds += 1
        except Exception as e:  # a stuck or failed command ends the worker
            self.failures.append(repr(e))

    def sh(self, cmd, vanish_ok=False):
        """Runs cmd; a failure is recorded. With vanish_ok, files that
        went away between a listing and their read (a writer's sed -i
        temporary file) are normal, as on any filesystem."""
        r = run(cmd, check=False, timeout=COMMAND_LIMIT)
        errs = [l for l in r.stderr.splitlines()
                if not (vanish_ok and l.endswith("No such file or directory"))]
        if r.returncode and (errs or not vanish_ok):
            self.failures.append("%s: exit %d: %s" % (cmd, r.returncode, r.stderr.strip()[-300:]))
        return r


class Writer:
    """One application's variables, and the requests its changes cost."""

    def __init__(self, fake, mnt, idx, rel, app):
        self.fake, self.idx, self.uuid = fake, idx, app["uuid"]
        self.envs = os.path.join(mnt, rel, "envs")
        self.values = {}  # key -> last value written
        self.posts = self.patches = 0

    def step(self, w):
        n = w.rounds
        key = "LOAD_W%d_%04d" % (self.idx, n)
        v = "created-%d-%d" % (self.idx, n)
        if w.sh("echo %s > %s/%s" % (v, self.envs, key)).returncode == 0:
            self.values[key] = v
            self.posts += 1
        old = self.values.get("PORT") or open(os.path.join(self.envs, "PORT")).read().strip()
        v = "%d%04d" % (self.idx, n)
        if w.sh("sed -i 's/^.*$/%s/' %s/PORT" % (v, self.envs)).returncode == 0:
            self.values["PORT"] = v
            self.patches += old != v
        v = "env-%d-%d" % (self.idx, n)
        if w.sh("echo %s > %s/NODE_ENV" % (v, self.envs)).returncode == 0:
            self.values["NODE_ENV"] = v
            self.patches += 1
        w.sh("cat %s/%s" % (self.envs, key))

    def check(self):
        sent = [e["method"] for e in self.fake.log()
                if e["path"] == "/api/v1/applications/%s/envs" % self.uuid]
        assert sent.count("POST") == self.posts, (self.uuid, sent.count("POST"), self.posts)
        assert sent.count("PATCH") == self.patches, (self.uuid, sent.count("PATCH"), self.patches)
        _, server = self.fake.api("/applications/%s/envs" % self.uuid)
        prod = {e["key"]: e["value"] for e in server if not e["is_preview"]}
        for key, value in self.values.items():
            assert prod.get(key) == value, (self.uuid, key, prod.get(key), value)


def test_concurrent_readers_and_writers(fk, mount_factory):
    m = mount_factory(fk, opts=["cache_ttl=2"])
    tree = Tree(fk)
    apps = [(rel, obj) for rel, kind, obj, _ in tree.walk() if kind == "applications"]
    assert len(apps) == 100
    # One application per writer, in different projects.
    chosen = [apps[i * 25] for i in range(WRITERS)]
    writers = [Writer(fk, m.path, i, rel, app) for i, (rel, app) in enumerate(chosen)]
    fk.clear_log()
    deadline = time.time() + SECONDS
    projects = m.p("projects")
    reads = {
        "find": lambda w: w.sh("find %s -maxdepth 5 >/dev/null" % projects),
        "cat-status": lambda w: w.sh("cat %s/*/*/applications/*/status >/dev/null" % projects),
        "grep-json": lambda w: w.sh("grep -rl --include='*.json' running %s >/dev/null" % projects),
        "ls-cat-envs": lambda w: [w.sh("ls -l %s >/dev/null; cat %s/* >/dev/null" % (x.envs, x.envs),
                                       vanish_ok=True) for x in writers],
    }
    workers = [Worker(name, step, deadline) for name, step in reads.items()]
    workers += [Worker("writer-%d" % x.idx, x.step, deadline) for x in writers]
    assert len(workers) == 8
    for w in workers:
        w.start()
    for w in workers:
        w.join(SECONDS + 2 * COMMAND_LIMIT)
    stuck = [w.name for w in workers if w.is_alive()]
    assert not stuck, "deadlocked: %s" % stuck
    failures = [(w.name, f) for w in workers for f in w.failures]
    assert not failures, failures
    for w in workers:
        assert w.rounds > 0, w.name
    for x in writers:
        x.check()
    print("load: %.0f s, rounds: %s, writes: %d POST, %d PATCH" % (
        SECONDS, {w.name: w.rounds for w in workers},
        sum(x.posts for x in writers), sum(x.patches for x in writers)))
    assert os.path.ismount(m.path)
    # The fixture unmounts: fusermount3 -u must work and the daemon must
    # exit 0 with a clean stderr.
