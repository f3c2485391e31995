"""Shared fixtures: the fake Coolify server and real coolifyfs mounts.

Every mount test runs the real binary over FUSE (root is needed) against
tests/fake/coolify_fake.py on loopback, and drives it with real tools.
"""
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("COOLIFYFS_BIN", os.path.join(TOP, "build", "coolifyfs"))
FAKE = os.path.join(TOP, "tests", "fake", "coolify_fake.py")
PYTHON = "/usr/bin/python3"

ROOT_TOKEN = "1|root-token-0000000000000000000000000000000000"
READ_TOKEN = "2|read-token-00000000000000000000000000000000000"
READSENS_TOKEN = "3|readsens-token-000000000000000000000000000000"
WRITE_TOKEN = "4|write-token-0000000000000000000000000000000000"
DEPLOY_TOKEN = "5|deploy-token-000000000000000000000000000000000"
RW_TOKEN = "6|readwrite-token-0000000000000000000000000000"

# Lines in the daemon's stderr that mean a bug, whatever the test checked
# (sshfs and libfuse fail a test on these too).
SUSPICIOUS = re.compile(
    r"AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|runtime error|"
    r"==\d+==|Segmentation fault|double free|Aborted|Assertion .* failed"
)


def free_tmpdir():
    # Not under /tmp: vim skips backups there (research/editors.md).
    base = "/var/tmp/coolifyfs-tests"
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(dir=base)


@pytest.fixture(scope="session", autouse=True)
def private_home():
    """Every command a test runs (vim, nano, the daemon) gets a HOME of its
    own: an editor's backup and swap files after a refused save (vim puts
    them in ~ when the directory takes none) stay out of the machine's
    home, and a later run does not find ~/NAME~ taken by an earlier one."""
    old = os.environ.get("HOME")
    home = free_tmpdir()
    os.environ["HOME"] = home
    yield home
    if old is None:
        del os.environ["HOME"]
    else:
        os.environ["HOME"] = old
    subprocess.run(["rm", "-rf", home])


class Fake:
    """A running fake Coolify; see tests/fake/README.md."""

    def __init__(self, mode="seed", data="demo", extra=(), rate_limit=0, start_timeout=6):
        """rate_limit: requests a minute (0: none). Tests that are not
        about the limit turn it off, so many mounts in one module do not
        trip the instance's 200 a minute. start_timeout: seconds to wait
        for it to listen (a big generated dataset takes longer)."""
        extra = ("--rate-limit", str(rate_limit), *extra)
        self.dir = free_tmpdir()
        portfile = os.path.join(self.dir, "port")
        self.logf = open(os.path.join(self.dir, "fake.log"), "w")
        self.proc = subprocess.Popen(
            [PYTHON, FAKE, "--mode", mode, "--data", data, "--port-file", portfile, *extra],
            stdout=self.logf, stderr=subprocess.STDOUT)
        for _ in range(int(start_timeout * 50)):
            if os.path.exists(portfile) and open(portfile).read().strip():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("fake server died: " + open(self.logf.name).read())
            time.sleep(0.02)
        self.port = int(open(portfile).read().strip())
        self.url = "http://127.0.0.1:%d" % self.port

    def _call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read().decode()
            status = e.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def ctl(self, path, body=None):
        status, out = self._call("POST" if body is not None else "GET", "/_fake/" + path, body)
        assert status < 300, (path, status, out)
        return out

    def api(self, path, token=ROOT_TOKEN, method="GET", body=None):
        """Calls the API directly, as a test's source of truth."""
        return self._call(method, "/api/v1" + path, body, token)

    def log(self):
        return self.ctl("log")

    def clear_log(self):
        self.ctl("log/clear", {})

    def fault(self, **kw):
        self.ctl("fault", kw)

    def reset(self):
        self.ctl("reset", {})

    def state(self):
        return self.ctl("state")

    def set(self, **kw):
        return self.ctl("set", kw)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.logf.close()


class Mount:
    """coolifyfs mounted in the foreground (-f) on a fresh directory."""

    def __init__(self, fake, token=ROOT_TOKEN, opts=(), env=None, args=(), wait=True):
        self.dir = free_tmpdir()
        self.path = os.path.join(self.dir, "mnt")
        os.mkdir(self.path)
        self.token_file = os.path.join(self.dir, "token")
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, (token + "\n").encode())
        os.close(fd)
        o = ["url=" + fake.url, "token_file=" + self.token_file, *opts]
        self.errpath = os.path.join(self.dir, "stderr")
        self.errf = open(self.errpath, "w")
        cmd = [BIN, self.path, "-f", "-o", ",".join(o), *args]
        wrapper = os.environ.get("COOLIFYFS_WRAPPER")
        if wrapper:
            cmd = wrapper.split() + cmd
        e = dict(os.environ)
        for k in ("COOLIFY_URL", "COOLIFY_TOKEN", "COOLIFY_CONTEXT"):
            e.pop(k, None)
        e.update(env or {})
        self.proc = subprocess.Popen(cmd, stdout=self.errf, stderr=subprocess.STDOUT, env=e)
        if wait:
            self.wait_mounted()

    def wait_mounted(self):
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
        if not self.errf.closed:
            self.errf.flush()
        return open(self.errpath).read()

    def hup(self):
        os.kill(self.proc.pid, signal.SIGHUP)

    def unmount(self):
        if os.path.ismount(self.path):
            subprocess.run(["fusermount3", "-u", self.path], check=False)
        try:
            rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            subprocess.run(["fusermount3", "-uz", self.path], check=False)
            raise
        self.errf.close()
        return rc

    def close(self):
        rc = self.unmount()
        err = self.stderr()
        bad = SUSPICIOUS.search(err)
        assert not bad, "suspicious daemon output:\n" + err
        assert rc == 0, "coolifyfs exited %d:\n%s" % (rc, err)


def run(cmd, check=True, **kw):
    """Runs a shell command the way a user would; returns CompletedProcess."""
    r = subprocess.run(cmd, shell=isinstance(cmd, str), executable="/bin/bash" if isinstance(cmd, str) else None,
                       capture_output=True, text=True,
                       timeout=kw.pop("timeout", 60), **kw)
    if check and r.returncode:
        raise AssertionError("%s: exit %d\n%s%s" % (cmd, r.returncode, r.stdout, r.stderr))
    return r


def api_requests(fake):
    """The API requests in the fake's log (method, path)."""
    return [(e["method"], e["path"]) for e in fake.log()]


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake_mode(request):
    f = Fake(mode=request.param)
    yield f
    f.stop()


@pytest.fixture
def site(fake_mode, mount_factory):
    """A resource's envs/ (envhelp.EnvSite) on a fresh mount of a freshly
    reset fake, on both API generations, with an empty request log."""
    from envhelp import EnvSite
    fake_mode.reset()
    s = EnvSite(fake_mode, mount_factory(fake_mode))
    fake_mode.clear_log()
    return s


@pytest.fixture(scope="module")
def latest():
    """A fake of current Coolify for the module: the additions of SPEC §6
    exist there only."""
    f = Fake(mode="latest")
    yield f
    f.stop()


def ctl(path, line):
    """`echo LINE > path` in bash, as a user types it."""
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a JSON file (written in place)."""
    return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
               check=check)


@pytest.fixture(scope="module")
def fake():
    f = Fake(mode="seed")
    yield f
    f.stop()


@pytest.fixture
def mount_factory():
    mounts = []

    def make(fake, **kw):
        m = Mount(fake, **kw)
        mounts.append(m)
        return m

    yield make
    for m in mounts:
        m.close()


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="FUSE mounts need root here")
        for it in items:
            if "mount" in it.fixturenames or "mount_factory" in it.fixturenames:
                it.add_marker(skip)
