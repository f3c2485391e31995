"""Readiness for systemd (coolifyfs@.service, Type=notify): the daemon
sends READY=1 to $NOTIFY_SOCKET once the mount serves and STOPPING=1 as
it ends (base/notify.h). The test plays systemd: it binds the datagram
socket, mounts in the foreground with NOTIFY_SOCKET set, and checks what
arrives, and when. Also the unit file's syntax, with systemd-analyze."""
import json
import os
import shlex
import shutil
import socket
import subprocess
import uuid

import pytest

from conftest import BIN, READ_TOKEN, SUSPICIOUS, TOP, Mount, api_requests, free_tmpdir

UNIT = os.path.join(TOP, "systemd", "coolifyfs@.service.in")


def listener(abstract=False):
    """A datagram socket as systemd binds it; returns (sock, NOTIFY_SOCKET)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = "coolifyfs-test-" + uuid.uuid4().hex
        s.bind("\0" + name)
        where = "@" + name
    else:
        where = os.path.join(free_tmpdir(), "notify")
        s.bind(where)
    s.settimeout(10)
    return s, where


def ready_then_usable(fake, mount_factory, abstract):
    expected = fake.api("/version")[1].strip() + "\n"
    fake.clear_log()
    sock, where = listener(abstract)
    try:
        m = mount_factory(fake, env={"NOTIFY_SOCKET": where}, wait=False)
        msg = sock.recv(4096)
        # Right when it arrives, as systemd would start what comes next:
        # mounted, and a file reads the instance's answer.
        assert msg == b"READY=1"
        assert os.path.ismount(m.path)
        assert open(m.p("version")).read() == expected
        # Nothing but the mount's own check reached the instance (the
        # version it fetched is the file's content).
        assert api_requests(fake) == [("GET", "/api/v1/version")]
        # Once only: nothing more until it stops.
        sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            sock.recv(4096)
        sock.settimeout(10)
        m.close()
        assert sock.recv(4096) == b"STOPPING=1"
        assert "NOTIFY_SOCKET" not in m.stderr()
    finally:
        sock.close()
        if not abstract:
            os.unlink(where)


def test_ready_on_a_socket_path(fake, mount_factory):
    ready_then_usable(fake, mount_factory, abstract=False)


def test_ready_on_an_abstract_socket(fake, mount_factory):
    ready_then_usable(fake, mount_factory, abstract=True)


def test_no_ready_when_the_mount_fails(fake):
    """A token the instance refuses: the daemon exits non-zero before
    mounting, and systemd never hears READY=1 (the unit fails)."""
    sock, where = listener()
    try:
        m = Mount(fake, token="9|not-a-token-0000000000000000000000000000000",
                  env={"NOTIFY_SOCKET": where}, wait=False)
        assert m.proc.wait(30) != 0
        m.errf.close()
        assert "refused the token" in m.stderr()
        assert not os.path.ismount(m.path)
        sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            sock.recv(4096)
    finally:
        sock.close()
        os.unlink(where)


def test_unreachable_notify_socket_still_mounts(fake, mount_factory):
    """No one listens at NOTIFY_SOCKET: one log line naming it and the
    cause, and the mount serves all the same."""
    where = os.path.join(free_tmpdir(), "nobody")
    m = mount_factory(fake, env={"NOTIFY_SOCKET": where})
    assert open(m.p("version")).read() == fake.api("/version")[1].strip() + "\n"
    m.unmount()
    lines = [ln for ln in m.stderr().splitlines() if "NOTIFY_SOCKET" in ln]
    # READY=1 at init and STOPPING=1 at the end: one line each.
    assert len(lines) == 2, m.stderr()
    assert all(where in ln and "No such file or directory" in ln for ln in lines)
    assert "READY=1" in lines[0] and "STOPPING=1" in lines[1]


def test_not_a_unix_socket_address(fake, mount_factory):
    """systemd's vsock form is not for us: logged, mount unaffected."""
    m = mount_factory(fake, env={"NOTIFY_SOCKET": "vsock:2:1234"})
    assert os.listdir(m.path)
    m.unmount()
    lines = [ln for ln in m.stderr().splitlines() if "NOTIFY_SOCKET" in ln]
    assert len(lines) == 2 and "vsock:2:1234" in lines[0], m.stderr()


def analyze(unit_text, name="coolifyfs@prod.service"):
    """systemd-analyze --user verify on the template as installed under
    a unit directory, for one instance; returns (rc, output)."""
    d = free_tmpdir()
    with open(os.path.join(d, "coolifyfs@.service"), "w") as f:
        f.write(unit_text)
    runtime = os.path.join(d, "run")
    os.mkdir(runtime, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
    # --man=no: the man page is installed only with the package.
    r = subprocess.run(["systemd-analyze", "--user", "--man=no", "verify",
                        os.path.join(d, name)],
                       capture_output=True, text=True, env=env, timeout=60)
    return r.returncode, (r.stdout + r.stderr).strip()


needs_analyze = pytest.mark.skipif(not shutil.which("systemd-analyze"),
                                   reason="systemd-analyze is not installed")


def unit_for_this_build():
    """The unit as meson writes it, pointed at the binary under test."""
    text = open(UNIT).read()
    return text.replace("@bindir@", os.path.dirname(os.path.abspath(BIN)))


@needs_analyze
def test_unit_file_verifies():
    rc, out = analyze(unit_for_this_build())
    assert rc == 0 and out == "", out


@needs_analyze
def test_unit_verify_catches_mistakes():
    """The check above can fail: a misspelt setting and a missing binary
    are both reported (so an empty report means something)."""
    rc, out = analyze(unit_for_this_build().replace("Type=notify", "Type=notfy"))
    assert "notfy" in out
    rc, out = analyze(unit_for_this_build().replace("/coolifyfs -f", "/nothere -f"))
    assert rc != 0 and "nothere" in out


def test_unit_as_meson_installs_it():
    """The unit meson configured: ExecStart names the installed binary,
    and mounts the context after the @ on ~/coolify/NAME in the
    foreground, ready by notification."""
    built = os.path.join(os.path.dirname(os.path.abspath(BIN)), "coolifyfs@.service")
    if not os.path.exists(built):
        pytest.skip("no configured unit beside %s" % BIN)
    lines = open(built).read().splitlines()
    assert "Type=notify" in lines
    execs = [ln for ln in lines if ln.startswith("ExecStart=")]
    assert len(execs) == 1
    cmd = execs[0][len("ExecStart="):].split()
    assert os.path.isabs(cmd[0]) and cmd[0].endswith("/bin/coolifyfs")
    assert cmd[1:] == ["-f", "%i", "%h/coolify/%i"]
    assert "ExecStartPre=mkdir -p %h/coolify/%i" in lines
    assert any(ln.startswith("ExecStop=fusermount3 -u") and ln.endswith("%h/coolify/%i")
               for ln in lines)
    assert "WantedBy=default.target" in lines


def test_sigterm_is_a_clean_stop(fake, mount_factory):
    """systemd stops a unit with SIGTERM: the daemon unmounts, says
    STOPPING=1 and exits 0, which systemd counts as a clean stop."""
    sock, where = listener()
    try:
        m = mount_factory(fake, env={"NOTIFY_SOCKET": where})
        assert sock.recv(4096) == b"READY=1"
        m.proc.terminate()
        assert m.proc.wait(30) == 0, m.stderr()
        assert sock.recv(4096) == b"STOPPING=1"
        assert not os.path.ismount(m.path)
        m.close()  # exit status 0, nothing suspicious in its output
    finally:
        sock.close()
        os.unlink(where)


def unit_commands(text, instance, home):
    """The unit's Exec lines as systemd runs them for coolifyfs@INSTANCE
    of a user whose home is home: specifiers expanded, split into argv."""
    cmds = {}
    for ln in text.splitlines():
        key, _, value = ln.partition("=")
        if key in ("ExecStartPre", "ExecStart", "ExecStop"):
            value = value.replace("%i", instance).replace("%h", home)
            cmds[key] = shlex.split(value)
    return cmds


def test_unit_lifecycle_as_systemd_runs_it(fake):
    """The unit's own commands, run the way systemd runs them for
    `systemctl --user enable --now coolifyfs@prod` and at logout: the CLI
    context prod (not the default one) is mounted on ~/coolify/prod, ready
    by notification; at logout a shell still inside does not keep it."""
    home = free_tmpdir()
    os.makedirs(os.path.join(home, ".config", "coolify"))
    cfg = os.path.join(home, ".config", "coolify", "config.json")
    fd = os.open(cfg, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, json.dumps({"instances": [
        {"name": "staging", "fqdn": "http://127.0.0.1:9", "token": "x", "default": True},
        {"name": "prod", "fqdn": fake.url, "token": READ_TOKEN}]}).encode())
    os.close(fd)
    cmds = unit_commands(unit_for_this_build(), "prod", home)
    mnt = os.path.join(home, "coolify", "prod")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY")}
    env["HOME"] = home
    subprocess.run(cmds["ExecStartPre"], env=env, check=True, timeout=10)
    assert os.path.isdir(mnt) and not os.path.ismount(mnt)

    expected = fake.api("/version")[1].strip() + "\n"
    fake.clear_log()
    sock, where = listener()
    errpath = os.path.join(home, "journal")
    errf = open(errpath, "w")
    proc = subprocess.Popen(cmds["ExecStart"], env=dict(env, NOTIFY_SOCKET=where),
                            stdout=errf, stderr=subprocess.STDOUT)
    inside = None
    try:
        assert sock.recv(4096) == b"READY=1"
        assert open(os.path.join(mnt, "version")).read() == expected
        assert api_requests(fake) == [("GET", "/api/v1/version")]
        # A shell left in the mount at logout: its working directory
        # keeps the mount busy.
        inside = subprocess.Popen(["sleep", "60"], cwd=os.path.join(mnt, "projects"))
        r = subprocess.run(cmds["ExecStop"], env=env, capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        assert not os.path.ismount(mnt)
        # Detached but still in use: the daemon serves on.
        assert proc.poll() is None
        # Then systemd ends what is left of the service: SIGTERM.
        proc.terminate()
        assert proc.wait(30) == 0, open(errpath).read()
        assert sock.recv(4096) == b"STOPPING=1"
    finally:
        if inside is not None:
            inside.kill()
            inside.wait()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if os.path.ismount(mnt):
            subprocess.run(["fusermount3", "-uz", mnt])
        errf.close()
        sock.close()
        os.unlink(where)
    out = open(errpath).read()
    assert not SUSPICIOUS.search(out), out
