"""The Debian package (debian/): built with dpkg-buildpackage from a clean
copy of the repository, checked with lintian, installed with apt-get as a
user installs a downloaded .deb, mounted through mount(8) and its
mount.fuse.coolifyfs helper, and removed, leaving nothing behind.

The repository itself is never built in: the copy holds what `git add -A`
would commit (tracked and untracked files, less what .gitignore leaves
out), so uncommitted work is tested too and no build output comes along.
The tests that mount use the build tree's binary (conftest's BIN, never
PATH), so the installed one shadows nothing while it is there."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import ROOT_TOKEN, TOP, api_requests, free_tmpdir

PKG = "coolifyfs"
# Waits for another apt-get or dpkg to finish instead of failing at once.
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=120"]
HELPER = "/sbin/mount.fuse.coolifyfs"
UNIT = "/usr/lib/systemd/user/coolifyfs@.service"

pytestmark = [
    pytest.mark.skipif(not shutil.which("dpkg-buildpackage") or not shutil.which("dh"),
                       reason="dpkg-buildpackage or debhelper is not installed "
                              "(scripts/install-deps installs them)"),
    pytest.mark.skipif(not os.path.isdir(os.path.join(TOP, ".git")) and
                       not os.path.isfile(os.path.join(TOP, ".git")),
                       reason="not a git checkout: no clean copy to build from"),
]


def sh(cmd, timeout=300, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    assert r.returncode == 0, "%s: exit %d\n%s%s" % (cmd, r.returncode, r.stdout, r.stderr)
    return r.stdout


def installed(name=PKG):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name],
                       capture_output=True, text=True)
    return r.returncode == 0 and "ok installed" in r.stdout


def git_status():
    return sh(["git", "-C", TOP, "status", "--porcelain", "--ignored=no"])


@pytest.fixture(scope="module")
def deb():
    """Builds the package once for the module; yields the .deb's path."""
    before = git_status()
    work = free_tmpdir()
    src = os.path.join(work, "coolifyfs")
    os.mkdir(src)
    listed = sh(["git", "-C", TOP, "ls-files", "-z", "--cached", "--others",
                 "--exclude-standard"]).split("\0")
    # A file deleted but not yet committed away is not part of the copy.
    files = [f for f in listed if f and os.path.lexists(os.path.join(TOP, f))]
    tar = subprocess.run(["tar", "-C", TOP, "--null", "-T", "-", "-cf", "-"],
                         input="\0".join(files).encode(), capture_output=True, check=True)
    subprocess.run(["tar", "-C", src, "-xf", "-"], input=tar.stdout, check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY")}
    try:
        r = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, "dpkg-buildpackage failed:\n" + r.stdout[-6000:] + r.stderr[-3000:]
        debs = [f for f in os.listdir(work)
                if f.startswith(PKG + "_") and f.endswith(".deb")]
        assert len(debs) == 1, os.listdir(work)
        # The build touched nothing in the repository.
        assert git_status() == before
        yield os.path.join(work, debs[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_package_contents(deb):
    """The binary, the mount helper, the man page (also under the
    helper's name), README, the user unit; dependencies from the
    libraries it links and fuse3."""
    names = {ln.split()[5].lstrip(".") for ln in sh(["dpkg-deb", "-c", deb]).splitlines()}
    for f in ["/usr/bin/coolifyfs", HELPER, "/usr/share/man/man1/coolifyfs.1.gz",
              "/usr/share/man/man8/mount.fuse.coolifyfs.8.gz",
              "/usr/share/doc/coolifyfs/README.md.gz", "/usr/share/doc/coolifyfs/copyright",
              UNIT]:
        assert f in names, sorted(names)
    assert not [n for n in names if "/local/" in n or "test" in n], sorted(names)
    depends = [d.strip().split()[0] for d in
               sh(["dpkg-deb", "-f", deb, "Depends"]).split(",")]
    assert "fuse3" in depends
    for lib in ["libfuse3-3", "libcurl4", "libjson-c5", "zlib1g", "libc6"]:
        assert any(d.startswith(lib) for d in depends), depends
    # The unit runs the packaged binary.
    unit = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True)
    text = subprocess.run(["tar", "-xOf", "-", "." + UNIT], input=unit.stdout,
                          capture_output=True, check=True).stdout.decode()
    assert "ExecStart=/usr/bin/coolifyfs -f %i %h/coolify/%i" in text.splitlines()


@pytest.mark.skipif(not shutil.which("lintian"), reason="lintian is not installed")
def test_lintian_finds_no_error(deb):
    r = subprocess.run(["lintian", "--fail-on", "error", deb], capture_output=True,
                       text=True, timeout=300)
    errors = [ln for ln in r.stdout.splitlines() if ln.startswith("E:")]
    assert r.returncode == 0 and not errors, r.stdout + r.stderr


def daemon_exe(mnt):
    """The executable of the process whose command line names mnt."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
            if mnt.encode() in argv:
                return os.readlink("/proc/%s/exe" % pid)
        except OSError:
            continue
    return None


@pytest.mark.skipif(os.geteuid() != 0, reason="installing a package needs root")
def test_install_mount_and_remove(deb, fake):
    if installed():
        pytest.skip("a coolifyfs package is installed here: the test would replace and "
                    "then remove it")
    # What `meson install` left (scripts/try does one) is put back after.
    old_helper = os.readlink(HELPER) if os.path.islink(HELPER) else None
    work = free_tmpdir()
    mnt = os.path.join(work, "mnt")
    os.mkdir(mnt)
    token = os.path.join(work, "token")
    fd = os.open(token, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, (ROOT_TOKEN + "\n").encode())
    os.close(fd)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY")}
    env["DEBIAN_FRONTEND"] = "noninteractive"
    version = fake.api("/version")[1].strip()
    try:
        # As a user installs a downloaded package: apt-get resolves its
        # dependencies (all there already, from scripts/install-deps).
        sh(APT + ["install", "-y", "--no-install-recommends", "./" + os.path.basename(deb)],
           cwd=os.path.dirname(deb), env=env)
        assert installed()
        files = [f for f in sh(["dpkg", "-L", PKG]).splitlines()
                 if not os.path.isdir(f)]
        for f in ["/usr/bin/coolifyfs", HELPER, UNIT, "/usr/share/man/man1/coolifyfs.1.gz"]:
            assert f in files, files
        assert os.path.realpath(HELPER) == os.path.realpath("/usr/bin/coolifyfs")
        out = sh(["/usr/bin/coolifyfs", "--version"])
        assert out.startswith("coolifyfs 0.1.0")
        if shutil.which("man"):
            assert sh(["man", "-w", "coolifyfs"]).strip() == "/usr/share/man/man1/coolifyfs.1.gz"
        if shutil.which("systemd-analyze"):
            # The unit as installed, found by name in systemd's user unit
            # path, its Documentation= (the man page) resolved too.
            run_dir = os.path.join(work, "run")
            os.mkdir(run_dir, 0o700)
            r = subprocess.run(["systemd-analyze", "--user", "verify", "coolifyfs@prod.service"],
                               capture_output=True, text=True, timeout=60,
                               env=dict(env, XDG_RUNTIME_DIR=run_dir))
            assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr

        fake.clear_log()
        # mount(8) runs the packaged helper: SOURCE DIR -o OPTIONS.
        sh(["mount", "-t", "fuse.coolifyfs", fake.url, mnt, "-o",
            "token_file=%s,cache_ttl=30" % token], env=env, timeout=60)
        assert os.path.ismount(mnt)
        mounts = [ln.split() for ln in open("/proc/mounts")]
        assert [m[2] for m in mounts if m[1] == mnt] == ["fuse.coolifyfs"]
        assert daemon_exe(mnt) == "/usr/bin/coolifyfs"
        assert open(os.path.join(mnt, "version")).read() == version + "\n"
        # Each project's directory holds that project's object (names are
        # escaped, so compare by uuid).
        found = sh(["bash", "-c", "cat %s/projects/*/project.json" % mnt])
        got = sorted(json.loads(o)["uuid"] for o in found.replace("}\n{", "}\0{").split("\0"))
        assert got == sorted(p["uuid"] for p in fake.api("/projects")[1])
        # The version came with the mount's check; ls listed the projects
        # (and, fetching ahead, their details and resource lists).
        sent = api_requests(fake)
        assert sent[0] == ("GET", "/api/v1/version")
        assert ("GET", "/api/v1/projects") in sent
        assert all(m == "GET" for m, _ in sent), sent
        sh(["umount", mnt])
        for _ in range(250):
            if daemon_exe(mnt) is None:
                break
            time.sleep(0.02)
        assert daemon_exe(mnt) is None, "the daemon outlived its unmount"

        sh(APT + ["remove", "-y", PKG], env=env)
        assert not installed()
        left = [f for f in files if os.path.lexists(f)]
        assert not left, left
        assert not os.path.exists("/usr/share/doc/coolifyfs")
    finally:
        if os.path.ismount(mnt):
            subprocess.run(["umount", "-l", mnt])
        if installed():
            subprocess.run(APT + ["remove", "-y", PKG], env=env, capture_output=True)
        if old_helper and not os.path.lexists(HELPER):
            os.symlink(old_helper, HELPER)
        shutil.rmtree(work, ignore_errors=True)
