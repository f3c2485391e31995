"""Secrets stay secret (SPEC §1, §2, §3.1; research/fuse-anchors.md §A6):
the token is never in the daemon's argv or in anything it prints, files
are private to the user who mounted, TLS is always verified, a token that
may not read a value never blanks it, and allow_other always comes with
the kernel's permission checks."""
import os
import socket
import ssl
import stat
import subprocess
import threading
import time

import pytest

from conftest import (BIN, READ_TOKEN, READSENS_TOKEN, ROOT_TOKEN, SUSPICIOUS, Fake, free_tmpdir,
                      run)
from envhelp import EnvSite

# read and write, but not read:sensitive: the API hides every value from
# it and still takes its writes, the one token that could blank a secret.
BLIND_TOKEN = "7|blind-writer-token-0000000000000000000000"


@pytest.fixture(scope="module")
def fk():
    f = Fake()
    yield f
    f.stop()


def secret_parts(token):
    """The token and its secret half (Sanctum takes either)."""
    return [token, token.split("|", 1)[1]]


def assert_no_token(text, token=ROOT_TOKEN):
    for part in secret_parts(token):
        assert part not in text
    assert "Authorization" not in text and "Bearer" not in text


def test_token_is_never_in_argv(fk, mount_factory):
    # From a token file, and from the environment.
    m1 = mount_factory(fk)
    m2 = mount_factory(fk, args=["-d"], env={"COOLIFY_TOKEN": ROOT_TOKEN})
    for m in (m1, m2):
        cmdline = open("/proc/%d/cmdline" % m.proc.pid, "rb").read().decode()
        assert_no_token(cmdline)
        assert "coolifyfs" in cmdline
    # Every coolifyfs process as ps shows it to any user (other programs
    # on the machine, such as a benchmark's curl, are not ours to judge).
    ps = run(["ps", "-eo", "args"]).stdout
    ours = [l for l in ps.splitlines() if l.split(" ", 1)[0].endswith("/coolifyfs")]
    assert len(ours) >= 2, ps
    assert_no_token("\n".join(ours))
    # (/proc/PID/environ holds COOLIFY_TOKEN for m2, but only the owner
    # and root may read it.)
    assert stat.S_IMODE(os.stat("/proc/%d/environ" % m2.proc.pid).st_mode) == 0o400


def test_token_never_in_output_even_with_debug(mount_factory):
    """A whole session under -d, with reads, writes, refusals and a
    revoked token: no line carries the token or the header."""
    f = Fake()
    try:
        m = mount_factory(f, args=["-d"], opts=["cache_ttl=0"])
        site = EnvSite(f, m)
        run(["ls", "-lR", m.path])
        run("cat %s/*" % site.envs)
        run("echo debug-value > %s" % site.p("NODE_ENV"))
        f.fault(status=500, count=1, match="/envs", method="PATCH")
        run("echo refused > %s" % site.p("NODE_ENV"), check=False)
        f.fault(revoke="1")
        r = run(["ls", m.p("projects")], check=False)
        assert r.returncode
        f.fault(clear=True)
        err = m.stderr()
        assert "GET /projects" in err and "PATCH" in err
        assert "Unauthenticated" in err
        assert_no_token(err)
    finally:
        f.stop()


def test_refusals_never_echo_the_token(fk):
    """The one-line refusals before mounting name the cause, not the
    token, whichever way it came."""
    mnt = os.path.join(free_tmpdir(), "mnt")
    os.mkdir(mnt)
    bad = "8|not-a-valid-token-secret-part-000000"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY_")}
    env.update(COOLIFY_URL=fk.url, COOLIFY_TOKEN=bad)
    r = subprocess.run([BIN, mnt, "-d"], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 1 and "refused the token" in r.stderr
    assert_no_token(r.stdout + r.stderr, bad)


def test_files_are_private_to_the_owner(fk, mount_factory):
    fk.reset()
    m = mount_factory(fk)
    site = EnvSite(fk, m)
    uid, gid = os.getuid(), os.getgid()
    seen = set()
    for root, dirs, files in os.walk(m.path):
        if "/uuid" in root or "/deployments" in root:
            continue
        for d in dirs:
            st = os.lstat(os.path.join(root, d))
            if stat.S_ISDIR(st.st_mode):
                assert stat.S_IMODE(st.st_mode) == 0o700, os.path.join(root, d)
                assert (st.st_uid, st.st_gid) == (uid, gid)
        for f in files:
            p = os.path.join(root, f)
            st = os.lstat(p)
            mode = stat.S_IMODE(st.st_mode)
            assert not mode & 0o077, (p, oct(mode))
            assert (st.st_uid, st.st_gid) == (uid, gid)
            seen.add(f)
    for key in os.listdir(site.envs):
        assert stat.S_IMODE(os.stat(site.p(key)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.join(site.dir, "envs.env")).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.join(site.dir, "application.json")).st_mode) == 0o600
    assert {"application.json", "status", "envs.env"} <= seen


def test_read_only_mount_shows_no_write_bits(fk, mount_factory):
    m = mount_factory(fk, opts=["ro"])
    site = EnvSite(fk, m)
    for key in os.listdir(site.envs):
        assert stat.S_IMODE(os.stat(site.p(key)).st_mode) == 0o400
    r = run("echo x > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode and "Read-only file system" in r.stderr


def mount_options(path):
    for line in open("/proc/mounts"):
        fields = line.split()
        if fields[1] == path:
            return fields[3].split(",")
    raise AssertionError("not in /proc/mounts: " + path)


def test_allow_other_only_when_asked_and_then_with_permission_checks(fk, mount_factory):
    plain = mount_factory(fk)
    opts = mount_options(plain.path)
    assert "allow_other" not in opts and "default_permissions" not in opts
    shared = mount_factory(fk, opts=["allow_other"])
    os.chmod(shared.dir, 0o755)  # so that only the mount's own checks stop others
    opts = mount_options(shared.path)
    assert "allow_other" in opts and "default_permissions" in opts
    # With the kernel's checks on, another user gets nothing: files are
    # 0600/0400 and directories 0700, owned by the user who mounted.
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "ls", shared.p("projects")], capture_output=True, text=True, timeout=30)
    assert r.returncode and "Permission denied" in r.stderr


# ---- TLS ----

def make_cert(d, name, san):
    key, crt = os.path.join(d, name + ".key"), os.path.join(d, name + ".pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
         "-days", "2", "-subj", "/CN=coolifyfs test", "-addext", "subjectAltName=" + san])
    return key, crt


class TLSProxy:
    """Terminates TLS on a loopback port and relays the bytes to the fake
    Coolify: an instance behind a self-signed certificate."""

    def __init__(self, backend_port, key, crt):
        self.backend = backend_port
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(crt, key)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()  # the client refused our certificate
            return
        back = socket.create_connection(("127.0.0.1", self.backend))

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(back, tls), daemon=True).start()
        pump(tls, back)

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def tls(fk):
    d = free_tmpdir()
    good = make_cert(d, "good", "IP:127.0.0.1")
    other = make_cert(d, "other", "IP:127.0.0.1")
    wrong_host = make_cert(d, "wronghost", "DNS:coolify.example.com")
    proxies = {"good": TLSProxy(fk.port, *good), "wronghost": TLSProxy(fk.port, *wrong_host)}
    yield {"good_ca": good[1], "other_ca": other[1], "wronghost_ca": wrong_host[1], "proxies": proxies}
    for p in proxies.values():
        p.close()


def try_mount(url, opts=()):
    """Mounts in the foreground and lists projects, then unmounts; or
    the refusal. Returns (exit status, stderr, listing or None)."""
    d = free_tmpdir()
    mnt = os.path.join(d, "mnt")
    os.mkdir(mnt)
    tf = os.path.join(d, "token")
    fd = os.open(tf, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, ROOT_TOKEN.encode())
    os.close(fd)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY_")}
    o = ",".join(["url=" + url, "token_file=" + tf, *opts])
    p = subprocess.Popen([BIN, mnt, "-f", "-o", o], stderr=subprocess.PIPE, text=True, env=env)
    listing = None
    try:
        for _ in range(1500):
            if os.path.ismount(mnt) or p.poll() is not None:
                break
            time.sleep(0.02)
        if os.path.ismount(mnt):
            listing = sorted(os.listdir(os.path.join(mnt, "projects")))
    finally:
        if os.path.ismount(mnt):
            subprocess.run(["fusermount3", "-u", mnt], check=True)
    rc = p.wait(30)
    err = p.stderr.read()
    assert not SUSPICIOUS.search(err), err
    return rc, err, listing


def test_tls_self_signed_is_refused_without_cacert(tls):
    rc, err, listing = try_mount("https://127.0.0.1:%d" % tls["proxies"]["good"].port)
    assert rc == 1 and listing is None
    assert "certificate" in err, err
    assert len(err.strip().splitlines()) == 1


def test_tls_self_signed_works_with_its_cacert(fk, tls):
    rc, err, listing = try_mount("https://127.0.0.1:%d" % tls["proxies"]["good"].port,
                                 ["cacert=" + tls["good_ca"]])
    assert rc == 0, err
    _, projects = fk.api("/projects")
    assert len(listing) == len(projects)


def test_tls_another_ca_is_refused(tls):
    rc, err, listing = try_mount("https://127.0.0.1:%d" % tls["proxies"]["good"].port,
                                 ["cacert=" + tls["other_ca"]])
    assert rc == 1 and listing is None and "certificate" in err, err


def test_tls_host_name_is_verified(tls):
    # The right CA, but a certificate for another host.
    rc, err, listing = try_mount("https://127.0.0.1:%d" % tls["proxies"]["wronghost"].port,
                                 ["cacert=" + tls["wronghost_ca"]])
    assert rc == 1 and listing is None, err
    assert "certificate" in err or "127.0.0.1" in err, err


# ---- a token that may not read a value never blanks it ----

# Ways a user or a tool can end up writing over a value it could not
# read. None may leave the variable empty at the API.
BLANKING = {
    "append": "echo more >> {f}",
    "truncate-shell": ": > {f}",
    "truncate-cmd": "truncate -s 0 {f}",
    "cp-dev-null": "cp /dev/null {f}",
    "vim-wq": "vim -Es -i NONE -N -u DEFAULTS -c wq {f}",
    "vim-backupcopy-yes-wq": "vim -Es -i NONE -N -u DEFAULTS -c 'set backupcopy=yes' -c wq {f}",
    "python-rw": "/usr/bin/python3 -c \"f=open('{f}','r+');f.write('x\\n');f.close()\"",
    "envs-env-blank": "echo NODE_ENV= > {envs_env}",
}


@pytest.fixture
def blind(fk, mount_factory):
    fk.reset()
    fk.ctl("tokens", {"token": BLIND_TOKEN, "abilities": ["read", "write"], "team_id": "0"})
    return fk


@pytest.mark.parametrize("token", ["blind", "read", "readsens"])
@pytest.mark.parametrize("how", sorted(BLANKING))
def test_hidden_value_is_never_blanked(blind, mount_factory, token, how):
    tok = {"blind": BLIND_TOKEN, "read": READ_TOKEN, "readsens": READSENS_TOKEN}[token]
    m = mount_factory(blind, token=tok)
    site = EnvSite(blind, m)
    before = site.server()
    hidden = token != "readsens"
    if hidden:
        r = run(["cat", site.p("NODE_ENV")], check=False)
        assert r.returncode and "Permission denied" in r.stderr
    blind.clear_log()
    cmd = BLANKING[how].format(f=site.p("NODE_ENV"), envs_env=os.path.join(site.dir, "envs.env"))
    run(cmd, check=False)
    after = site.server()
    assert after["NODE_ENV"] == before["NODE_ENV"] != ""
    assert after == before
    # Nothing was even tried where the value was hidden, except a real
    # new value (python-rw writes "x"), which the API may refuse.
    tried = [w for w in site.writes()]
    if hidden and how != "python-rw":
        assert tried == [], tried


def test_blind_token_can_still_set_a_new_value(blind, mount_factory):
    """Writing a whole new value is not blanking: it goes through."""
    m = mount_factory(blind, token=BLIND_TOKEN)
    site = EnvSite(blind, m)
    run("echo replaced > %s" % site.p("NODE_ENV"))
    assert site.server()["NODE_ENV"] == "replaced"
    # And rm of a hidden key is a deliberate delete.
    run(["rm", site.p("GREETING")])
    assert "GREETING" not in site.server()


def test_reader_during_a_save_never_blanks_the_value(fk, mount_factory):
    """`echo v > KEY` opens with O_TRUNC, then writes. A `cat` in between
    sees the file empty, as POSIX has it, but the empty value never goes
    to the API (it used to, committed on the reader's behalf)."""
    fk.reset()
    m = mount_factory(fk)
    site = EnvSite(fk, m)
    fk.clear_log()
    fd = os.open(site.p("NODE_ENV"), os.O_WRONLY | os.O_TRUNC)
    try:
        assert open(site.p("NODE_ENV")).read() == ""
        assert site.server()["NODE_ENV"] == "production"
        os.write(fd, b"saved\n")
    finally:
        os.close(fd)
    assert site.server()["NODE_ENV"] == "saved"
    assert site.writes() == [("PATCH", "envs")]
    # A truncation nobody writes over still lands, and the next open
    # sees it.
    run(": > %s && cat %s" % (site.p("NODE_ENV"), site.p("NODE_ENV")))
    wait = time.time() + 10
    while site.server()["NODE_ENV"] != "" and time.time() < wait:
        time.sleep(0.05)
    assert site.server()["NODE_ENV"] == ""
