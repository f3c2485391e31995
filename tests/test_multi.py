"""Several contexts in one mount (SPEC §7): `coolifyfs -o all_contexts DIR`
and `coolifyfs prod,staging DIR` show one directory per context of the
Coolify CLI's config, each a whole tree with its own instance, cache and
API generation. Here `prod` is a 2025 instance (the seed fake) and
`staging` a current one (the latest fake), behind one CLI config."""
import errno
import json
import os
import socket
import subprocess
import time

import pytest

from conftest import BIN, ROOT_TOKEN, SUSPICIOUS, Fake, api_requests, free_tmpdir, run
from expected import Tree


@pytest.fixture(scope="module")
def prod():
    f = Fake(mode="seed")
    yield f
    f.stop()


@pytest.fixture(scope="module")
def staging():
    f = Fake(mode="latest")
    yield f
    f.stop()


def write_config(instances):
    """A HOME whose CLI config (mode 0600) holds instances."""
    home = free_tmpdir()
    d = os.path.join(home, ".config", "coolify")
    os.makedirs(d)
    p = os.path.join(d, "config.json")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, json.dumps({"instances": instances}).encode())
    os.close(fd)
    return home


def context(name, url, token=ROOT_TOKEN, **kw):
    return dict(name=name, fqdn=url, token=token, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class MultiMount:
    """coolifyfs in the foreground on a fresh directory, its instances
    named only by the CLI config in home (no url=, no token_file=)."""

    def __init__(self, home, args=(), opts=()):
        self.dir = free_tmpdir()
        self.path = os.path.join(self.dir, "mnt")
        os.mkdir(self.path)
        self.errpath = os.path.join(self.dir, "stderr")
        self.errf = open(self.errpath, "w")
        o = ["-o", ",".join(opts)] if opts else []
        env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY_")}
        env.update(HOME=home, XDG_CONFIG_HOME="")
        self.proc = subprocess.Popen([BIN, *args, self.path, "-f", *o], stdout=self.errf,
                                     stderr=subprocess.STDOUT, env=env)
        for _ in range(500):
            if os.path.ismount(self.path):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("coolifyfs exited %d: %s" % (self.proc.returncode, self.stderr()))
            time.sleep(0.02)
        raise RuntimeError("not mounted: " + self.stderr())

    def p(self, *parts):
        return os.path.join(self.path, *parts)

    def stderr(self):
        self.errf.flush()
        return open(self.errpath).read()

    def close(self):
        if self.errf.closed:
            return
        subprocess.run(["fusermount3", "-u", self.path], check=False)
        rc = self.proc.wait(30)
        self.errf.close()
        err = open(self.errpath).read()
        assert not SUSPICIOUS.search(err), err
        assert rc == 0, err


@pytest.fixture
def mounts():
    made = []

    def make(home, args=(), opts=()):
        m = MultiMount(home, args, opts)
        made.append(m)
        return m

    yield make
    for m in made:
        m.close()


@pytest.fixture
def both(prod, staging, mounts):
    """-o all_contexts over prod (2025) and staging (current), both fakes
    freshly reset, their logs empty."""
    prod.reset()
    staging.reset()
    home = write_config([context("prod", prod.url, default=True), context("staging", staging.url)])
    m = mounts(home, opts=["all_contexts", "cache_ttl=600"])
    prod.clear_log()
    staging.clear_log()
    return m


def web_dir(fake):
    """The path of application web of production, relative to a tree."""
    for rel, kind, obj, (_, env) in Tree(fake).walk():
        if kind == "applications" and obj["name"] == "web" and env == "production":
            return rel
    raise LookupError("web")


def env_keys(fake):
    """The keys of web's variables at the instance."""
    for _, kind, obj, (_, env) in Tree(fake).walk():
        if kind == "applications" and obj["name"] == "web" and env == "production":
            return {e["key"] for e in fake.api("/applications/%s/envs" % obj["uuid"])[1]}
    raise LookupError("web")


def coolifyfs(args, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY_")}
    env.update(HOME=home, XDG_CONFIG_HOME="")
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=30)


def test_top_lists_every_context_and_ctl(both, prod, staging):
    assert sorted(os.listdir(both.path)) == ["ctl", "prod", "staging"]
    assert run(["cat", both.p("ctl")]).stdout == "refresh\n"
    assert run(["cat", both.p("prod", "version")]).stdout == "4.0.0-beta.419\n"
    assert run(["cat", both.p("staging", "version")]).stdout == "4.3.11\n"
    # Each tree is its API generation's: tags/ is current Coolify's only.
    assert "tags" in os.listdir(both.p("staging"))
    assert "tags" not in os.listdir(both.p("prod"))
    # The version came from each context's mount check.
    assert ("GET", "/api/v1/version") not in api_requests(prod) + api_requests(staging)
    assert run(["stat", "-c", "%a %F", both.p("prod")]).stdout == "700 directory\n"


def test_each_tree_reads_its_own_instance(both, prod, staging):
    staging.api("/projects", method="POST", body={"name": "staging-only"})
    staging.clear_log()
    assert "staging-only" in os.listdir(both.p("staging", "projects"))
    assert "staging-only" not in os.listdir(both.p("prod", "projects"))
    assert ("GET", "/api/v1/projects") in api_requests(prod)
    assert ("GET", "/api/v1/projects") in api_requests(staging)
    prod.clear_log()
    staging.clear_log()
    run(["cat", both.p("prod", web_dir(prod), "status")])
    assert api_requests(prod) and api_requests(staging) == []


def test_uuid_links_stay_in_their_context(both, prod, staging):
    _, made = staging.api("/projects", method="POST", body={"name": "linked"})
    uuid = made["uuid"]
    assert uuid not in {p["uuid"] for p in prod.api("/projects")[1]}
    link = both.p("staging", "uuid", uuid)
    assert os.readlink(link) == "../projects/linked"
    assert "project.json" in os.listdir(link)
    assert not os.path.lexists(both.p("prod", "uuid", uuid))


def test_a_write_reaches_only_its_instance(both, prod, staging):
    envs = both.p("staging", web_dir(staging), "envs")
    r = run("echo from-staging > %s/MULTI_KEY" % envs, check=False)
    assert r.returncode == 0, r.stderr
    assert run(["cat", envs + "/MULTI_KEY"]).stdout == "from-staging\n"
    writes = [(m, p) for m, p in api_requests(staging) if m != "GET"]
    assert len(writes) == 1 and writes[0][1].endswith("/envs"), writes
    assert [(m, p) for m, p in api_requests(prod) if m != "GET"] == []
    assert not os.path.exists(both.p("prod", web_dir(prod), "envs", "MULTI_KEY"))
    # At the instances themselves:
    assert "MULTI_KEY" in env_keys(staging) and "MULTI_KEY" not in env_keys(prod)


def test_a_fault_on_one_leaves_the_other_working(both, prod, staging):
    staging.fault(down="close")
    try:
        r = run(["cat", both.p("staging", "resources.json")], check=False, timeout=40)
        assert r.returncode, r.stdout
        t = time.time()
        assert run(["cat", both.p("prod", web_dir(prod), "status")]).stdout.strip()
        assert "website" in os.listdir(both.p("prod", "projects"))
        assert time.time() - t < 5
        assert ("GET", "/api/v1/projects") in api_requests(prod)
    finally:
        staging.fault(down=False)
    # The stopped one is back without a remount.
    time.sleep(2.5)  # HTTP_DOWN_MS: how long an unreachable host is left alone
    assert run(["cat", both.p("staging", "resources.json")], timeout=40).stdout.startswith("[")
    assert "resources.json" in both.stderr()


def test_refresh_at_the_top_drops_every_cache(both, prod, staging):
    for c in ("prod", "staging"):
        run(["cat", both.p(c, "resources.json")])
    prod.clear_log()
    staging.clear_log()
    for c in ("prod", "staging"):
        run(["cat", both.p(c, "resources.json")])
    assert api_requests(prod) == [] and api_requests(staging) == []
    assert run("echo refresh > %s" % both.p("ctl")).returncode == 0
    for c in ("prod", "staging"):
        run(["cat", both.p(c, "resources.json")])
    assert api_requests(prod).count(("GET", "/api/v1/resources")) == 1
    assert api_requests(staging).count(("GET", "/api/v1/resources")) == 1
    assert "refresh: cached data of 2 contexts dropped" in both.stderr()


def test_unknown_verb_at_the_top_is_EINVAL(both, prod, staging):
    r = run("echo 'deploy tag x' > %s" % both.p("ctl"), check=False)
    assert r.returncode and "Invalid argument" in r.stderr
    assert "the top ctl takes refresh" in both.stderr()
    assert api_requests(prod) == [] and api_requests(staging) == []


def test_sighup_drops_every_cache(both, prod, staging):
    for c in ("prod", "staging"):
        run(["ls", "-lR", both.p(c, "projects")])
    prod.clear_log()
    staging.clear_log()
    for c in ("prod", "staging"):
        run(["ls", "-lR", both.p(c, "projects")])
    assert api_requests(prod) == [] and api_requests(staging) == []
    both.proc.send_signal(1)  # SIGHUP
    time.sleep(1.1)  # past the kernel's own one-second attribute cache
    for c in ("prod", "staging"):
        run(["ls", "-lR", both.p(c, "projects")])
    assert ("GET", "/api/v1/projects") in api_requests(prod)
    assert ("GET", "/api/v1/projects") in api_requests(staging)
    assert os.path.ismount(both.path)


def test_no_move_from_one_context_into_another(both, prod, staging):
    # rename(2) itself, as mv tries first: another context is another
    # instance, which the API cannot move a resource to.
    src = both.p("prod", web_dir(prod))
    dst = both.p("staging", os.path.dirname(web_dir(staging)), "web-moved")
    with pytest.raises(OSError) as e:
        os.rename(src, dst)
    assert e.value.errno == errno.EXDEV
    assert os.path.isdir(src)
    assert [(m, p) for m, p in api_requests(prod) if m != "GET"] == []
    assert [(m, p) for m, p in api_requests(staging) if m != "GET"] == []


def test_options_apply_to_every_context(prod, staging, mounts):
    home = write_config([context("prod", prod.url), context("staging", staging.url)])
    m = mounts(home, opts=["all_contexts", "ro"])
    prod.clear_log()
    staging.clear_log()
    for c, fake in (("prod", prod), ("staging", staging)):
        r = run("echo v > %s/RO_KEY" % m.p(c, web_dir(fake), "envs"), check=False)
        assert r.returncode and "Read-only file system" in r.stderr, r.stderr
        assert run(["stat", "-c", "%a", m.p(c, "ctl")]).stdout == "400\n"
    assert run(["stat", "-c", "%a", m.p("ctl")]).stdout == "400\n"
    assert [e for e in api_requests(prod) + api_requests(staging) if e[0] != "GET"] == []


def test_named_contexts_form(prod, staging, mounts):
    home = write_config([context("prod", prod.url), context("staging", staging.url),
                         context("other", "http://127.0.0.1:9")])
    m = mounts(home, args=["prod,staging"])
    assert sorted(os.listdir(m.path)) == ["ctl", "prod", "staging"]
    assert run(["cat", m.p("staging", "version")]).stdout == "4.3.11\n"
    # One name with a comma is still a one-context mount of several's form.
    m1 = mounts(home, args=["staging,"])
    assert sorted(os.listdir(m1.path)) == ["ctl", "staging"]
    # One name alone is that context's tree, as before.
    m2 = mounts(home, args=["prod"])
    assert run(["cat", m2.p("version")]).stdout == "4.0.0-beta.419\n"


def test_all_contexts_leaves_out_contexts_without_a_token(prod, staging, mounts):
    home = write_config([context("cloud", "https://app.coolify.io", token=""),
                         context("prod", prod.url), context("staging", staging.url)])
    m = mounts(home, opts=["all_contexts"])
    assert sorted(os.listdir(m.path)) == ["ctl", "prod", "staging"]
    assert 'context "cloud"' in m.stderr() and "has no token: left out" in m.stderr()


def refused(r, *words):
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)


def test_bad_multi_context_command_lines(prod, staging):
    home = write_config([context("prod", prod.url), context("staging", staging.url),
                         context("notoken", staging.url, token="")])
    mnt = free_tmpdir()
    refused(coolifyfs(["prod,nope", mnt], home), 'no context named "nope"')
    refused(coolifyfs(["prod,prod", mnt], home), 'context "prod" is named twice')
    refused(coolifyfs(["prod,notoken", mnt], home), 'context "notoken"', "no token")
    refused(coolifyfs(["-o", "all_contexts,url=" + prod.url, mnt], home), "url=", "names one instance")
    refused(coolifyfs(["-o", "all_contexts", "prod", mnt], home), "all_contexts")
    ctl = write_config([context("ctl", prod.url), context("prod", prod.url)])
    refused(coolifyfs(["-o", "all_contexts", mnt], ctl), 'context named "ctl"')
    assert not os.path.ismount(mnt)


def test_every_context_down_fails_the_mount():
    home = write_config([context("a", "http://127.0.0.1:%d" % free_port()),
                         context("b", "http://127.0.0.1:%d" % free_port())])
    mnt = free_tmpdir()
    r = coolifyfs(["-o", "all_contexts", mnt], home)
    assert r.returncode == 1
    assert 'context "a"' in r.stderr and 'context "b"' in r.stderr
    lines = [l for l in r.stderr.splitlines() if "connection refused" in l]
    assert len(lines) == 2 and all(l.startswith("coolifyfs: context") for l in lines), r.stderr
    assert not os.path.ismount(mnt)


def test_a_context_down_at_mount_time_comes_up_at_a_later_lookup(prod, mounts):
    port = free_port()
    home = write_config([context("prod", prod.url), context("later", "http://127.0.0.1:%d" % port)])
    m = mounts(home, args=["prod,later"])
    assert sorted(os.listdir(m.path)) == ["ctl", "later", "prod"]
    assert 'context "later": cannot reach' in m.stderr()
    assert "connection refused" in m.stderr()
    assert os.listdir(m.p("later")) == []
    assert not os.path.exists(m.p("later", "version"))
    assert run(["cat", m.p("prod", "version")]).stdout == "4.0.0-beta.419\n"
    # Lookups in a row ask it again no more than once every few seconds.
    t = time.time()
    while time.time() - t < 1.5:
        os.path.exists(m.p("later", "version"))
        os.listdir(m.p("later"))
    assert m.stderr().count('context "later": cannot reach') <= 2, m.stderr()
    late = Fake(mode="latest", extra=("--port", str(port)))
    try:
        time.sleep(3.2)  # MOUNT_RETRY_MS
        assert run(["cat", m.p("later", "version")]).stdout == "4.3.11\n"
        assert "tags" in os.listdir(m.p("later"))
        assert ("GET", "/api/v1/version") in api_requests(late)
        assert 'context "later": http://127.0.0.1:%d answers' % port in m.stderr()
        late.clear_log()
        assert "website" in os.listdir(m.p("later", "projects"))
        assert ("GET", "/api/v1/projects") in api_requests(late)
    finally:
        m.close()
        late.stop()

