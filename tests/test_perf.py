"""Performance (issue 6), as request counts at the fake Coolify: what a
walk costs, that a warm walk costs nothing, that prefetching stays within
its bounds, and that the benchmark script runs. No timing is asserted:
the numbers are the benchmark's (tests/bench/bench.py)."""
import os
import re
import subprocess
import time

import pytest

from conftest import PYTHON, TOP, Fake, run

PROJECTS, APPS = 4, 40
AHEAD = 32  # PREFETCH_AHEAD in include/api/prefetch.h


@pytest.fixture(scope="module")
def gen():
    f = Fake(data="gen:%d:%d" % (PROJECTS, APPS))
    yield f
    f.stop()


def gets(fake):
    return [e["path"] + ("?" + e["query"] if e.get("query") else "")
            for e in fake.log() if e["method"] == "GET"]


def settle(fake, quiet=0.5, limit=10):
    """Waits until the mount's background fetches are done: the log stops
    growing for `quiet` seconds."""
    n, t = -1, time.time()
    while time.time() - t < limit:
        cur = len(fake.log())
        if cur == n:
            return
        n = cur
        time.sleep(quiet)


def resources(fake):
    st = fake.state()
    return {k: [r["uuid"] for r in st[k]] for k in ("applications", "databases", "services")}


def per_resource(paths):
    return [p for p in paths if p.count("/") >= 5]


def test_cold_ls_l_and_status_cost_no_request_per_resource(gen, mount_factory):
    m = mount_factory(gen, opts=["cache_ttl=600"])
    gen.clear_log()
    run("ls -l %s/projects/*/*/{applications,databases,services} >/dev/null;"
        " cat %s/projects/*/*/*/*/status >/dev/null" % (m.path, m.path))
    settle(gen)
    asked = gets(gen)
    assert len(asked) == len(set(asked)), asked
    details = [p for p in asked if re.fullmatch(r"/api/v1/projects/[^/]+", p)]
    assert len(details) == PROJECTS
    others = sorted(set(asked) - set(details))
    assert others == sorted("/api/v1" + p for p in
                            ["/projects", "/applications", "/databases", "/services", "/resources"])


def test_listing_projects_fetches_the_lists_ahead_once(gen, mount_factory):
    """projects/ queues the kinds' lists and the details (a walk below
    needs them); nothing per resource, nothing twice, nothing again
    while they are fresh."""
    m = mount_factory(gen, opts=["cache_ttl=600"])
    gen.clear_log()
    os.listdir(m.p("projects"))
    settle(gen)
    asked = gets(gen)
    assert len(asked) == len(set(asked)), asked
    assert {"/api/v1" + p for p in ["/applications", "/databases", "/services",
                                    "/resources"]} <= set(asked)
    assert not per_resource(asked)
    assert len(asked) <= 5 + PROJECTS
    gen.clear_log()
    os.listdir(m.p("projects"))
    settle(gen)
    assert gets(gen) == []


def test_cold_ls_lR_costs_two_per_resource_at_most(gen, mount_factory):
    m = mount_factory(gen, opts=["cache_ttl=600"])
    res = resources(gen)
    gen.clear_log()
    run(["ls", "-lR", m.path])
    settle(gen)
    asked = gets(gen)
    assert len(asked) == len(set(asked)), "asked twice: %s" % asked
    mine = per_resource(asked)
    total = sum(len(v) for v in res.values())
    # envs/ and deployments/ of applications, envs/ of services (the 2025
    # API has no database envs): never more than two per resource.
    assert len(mine) <= 2 * total
    apps = res["applications"]
    for u in apps:
        assert "/api/v1/applications/%s/envs" % u in mine
        assert any(p.startswith("/api/v1/deployments/applications/%s?" % u) for p in mine)
    # servers/, keys/ and teams/ cost a few requests per server and team
    # (their files), whatever the number of resources.
    inst = [p for p in asked if p.startswith(("/api/v1/servers", "/api/v1/security/keys",
                                              "/api/v1/team"))]
    servers = gen.api("/servers")[1]
    teams = gen.api("/teams")[1]
    assert len(inst) <= 4 + 3 * len(servers) + 2 * len(teams), inst
    assert len(asked) - len(mine) - len(inst) <= 8 + PROJECTS

    # Warm, within cache_ttl, and later than a status lives (2 s):
    # nothing. A stat of a status goes by the list the path was resolved
    # through, and the top-level deployments/ is empty (nothing runs),
    # so it is kept like any list.
    time.sleep(2.5)
    gen.clear_log()
    run(["ls", "-lR", m.path])
    assert gets(gen) == []


def test_a_listing_longer_than_a_readdir_reply_is_whole(mount_factory):
    """60 applications in one environment take several readdir replies
    (libfuse then numbers the entries): each name comes once, with its
    attributes, and the rest of the listing is read from what the first
    reply listed, not listed again."""
    f = Fake(data="gen:1:60")
    try:
        m = mount_factory(f, opts=["cache_ttl=0"])
        d = m.p("projects", "project-01", "production", "applications")
        f.clear_log()
        names = os.listdir(d)
        assert gets(f).count("/api/v1/applications") == 1
        assert sorted(names) == ["app-%03d" % (i + 1) for i in range(60)]
        out = run(["ls", "-fl", d]).stdout.splitlines()
        listed = [line.split()[-1] for line in out if line[:1] in "dl-"]
        assert sorted(listed) == sorted(names + [".", ".."])
    finally:
        f.stop()


def test_grep_over_envs_costs_one_request_per_app(gen, mount_factory):
    m = mount_factory(gen, opts=["cache_ttl=600"])
    run("ls %s/projects/*/*/applications >/dev/null" % m.path)
    settle(gen)
    gen.clear_log()
    r = run("grep -r 3000 %s/projects/*/*/applications/*/envs" % m.path)
    settle(gen)
    assert r.stdout.count("/envs/PORT:3000") == APPS
    asked = gets(gen)
    assert len(asked) == len(set(asked)), asked
    apps = resources(gen)["applications"]
    assert sorted(asked) == sorted("/api/v1/applications/%s/envs" % u for u in apps)


def test_one_envs_listing_prefetches_a_bounded_number(gen, mount_factory):
    m = mount_factory(gen, opts=["cache_ttl=600"])
    run("ls %s/projects/*/*/applications >/dev/null" % m.path)
    settle(gen)
    gen.clear_log()
    first = sorted(os.listdir(m.p("projects")))[0]
    env = sorted(os.listdir(m.p("projects", first)))
    env = [e for e in env if not e.endswith(".json")][0]
    app = sorted(os.listdir(m.p("projects", first, env, "applications")))[0]
    run(["ls", m.p("projects", first, env, "applications", app, "envs")])
    settle(gen)
    asked = gets(gen)
    assert all(p.endswith("/envs") and "/applications/" in p for p in asked), asked
    assert 1 < len(asked) <= 1 + AHEAD


def test_watched_statuses_stay_within_the_rate_limit(gen, mount_factory):
    m = mount_factory(gen, opts=["cache_ttl=10"])
    cmd = "cat %s/projects/*/*/*/*/status >/dev/null" % m.path
    run(cmd)
    gen.clear_log()
    start = time.time()
    while time.time() - start < 6:
        run(cmd)
        time.sleep(0.5)
    elapsed = time.time() - start
    n = len(gen.log())
    assert n * 60.0 / elapsed < 200, (n, elapsed)
    assert not per_resource(gets(gen))


def test_watched_statuses_do_not_ask_for_every_project_each_ttl(gen, mount_factory):
    """A project's environments are reused for 6 * cache_ttl: a watch
    of every status must not cost a request per project per cache_ttl."""
    m = mount_factory(gen, opts=["cache_ttl=1"])
    cmd = "cat %s/projects/*/*/*/*/status >/dev/null" % m.path
    run(cmd)
    gen.clear_log()
    start = time.time()
    while time.time() - start < 4:
        run(cmd)
        time.sleep(0.3)
    details = [p for p in gets(gen) if re.fullmatch(r"/api/v1/projects/[^/]+", p)]
    assert len(details) <= PROJECTS, details
    # project.json still shows an answer no older than cache_ttl.
    p = sorted(os.listdir(m.p("projects")))[0]
    gen.clear_log()
    run(["cat", m.p("projects", p, "project.json")])
    assert any(re.fullmatch(r"/api/v1/projects/[^/]+", q) for q in gets(gen))


def test_unmount_with_prefetches_queued_is_clean(mount_factory):
    f = Fake(data="gen:2:200", extra=("--latency-ms", "50"))
    try:
        m = mount_factory(f, opts=["cache_ttl=600"])
        app = sorted(os.listdir(m.p("projects")))[0]
        d = m.p("projects", app)
        env = [e for e in sorted(os.listdir(d)) if not e.endswith(".json")][0]
        apps = m.p("projects", app, env, "applications")
        first = sorted(os.listdir(apps))[0]
        run(["ls", os.path.join(apps, first, "envs"), os.path.join(apps, first, "deployments")])
        m.close()  # asserts exit status 0 and a clean stderr
    finally:
        f.stop()


def test_bench_runs_at_a_small_size():
    r = subprocess.run([PYTHON, os.path.join(TOP, "tests", "bench", "bench.py"),
                        "--apps", "12", "--projects", "3", "--latency-ms", "2",
                        "--rss-resources", "60", "--watch-seconds", "3"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = [l for l in r.stdout.splitlines() if l.startswith("| ") and not l.startswith("| goal")]
    goals = [l.split("|")[1].strip().split()[0] for l in rows]
    assert goals == ["1a", "1b", "2", "3", "5", "4"], r.stdout
