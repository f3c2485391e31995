"""Every editor's save works (SPEC §3.1): each tool edits one variable on
a real mount; the value reaches the API with one request, no temporary
file ever reaches it, and nothing is deleted on the way. A refused save
makes the editor report failure and keeps the old value."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import Fake, run
from envhelp import EnvSite

VIM = "vim -Es -i NONE -N"  # ex mode, no viminfo

# tool -> shell command that turns alpha into beta in the file {f}
EDITORS = {
    "vim-ex-defaults": VIM + " -u DEFAULTS -c '%s/alpha/beta/' -c wq {f}",
    "vim-ex-compatible": "vim -Es -i NONE -c '%s/alpha/beta/' -c wq {f}",
    "vim-backupcopy-no": VIM + " -u DEFAULTS -c 'set backupcopy=no' -c '%s/alpha/beta/' -c wq {f}",
    "vim-backupcopy-yes": VIM + " -u DEFAULTS -c 'set backupcopy=yes' -c '%s/alpha/beta/' -c wq {f}",
    "vim-writebackup-backup": VIM + " -u DEFAULTS -c 'set writebackup backup' -c '%s/alpha/beta/' -c wq {f}",
    "vim-nowritebackup": VIM + " -u DEFAULTS -c 'set nowritebackup nobackup' -c '%s/alpha/beta/' -c wq {f}",
    "ed": "printf ',s/alpha/beta/\\nw\\nq\\n' | ed -s {f}",
    "sed-i": "sed -i 's/alpha/beta/' {f}",
    "perl-pi": "perl -pi -e 's/alpha/beta/' {f}",
    "python-write": "/usr/bin/python3 -c \"p='{f}';s=open(p).read();open(p,'w').write(s.replace('alpha','beta'))\"",
    "python-atomic": "/usr/bin/python3 -c \"import os,tempfile;p='{f}';s=open(p).read();"
                     "fd,t=tempfile.mkstemp(dir=os.path.dirname(p));os.write(fd,s.replace('alpha','beta').encode());"
                     "os.fsync(fd);os.close(fd);os.replace(t,p)\"",
    "cp-over": "sed 's/alpha/beta/' {f} > {tmp}/x && cp {tmp}/x {f}",
    "truncate-then-append": ": > {f} && echo beta >> {f}",
    "shell-redirect": "echo beta > {f}",
}

if shutil.which("sponge"):
    EDITORS["sponge"] = "sed 's/alpha/beta/' {f} | sponge {f}"


@pytest.fixture(scope="module")
def fk():
    f = Fake()
    yield f
    f.stop()


@pytest.fixture
def site(fk, mount_factory):
    fk.reset()
    m = mount_factory(fk)
    s = EnvSite(fk, m)
    run("echo alpha > %s" % s.p("NODE_ENV"))
    fk.clear_log()
    return s


# Two commands, two saves: the empty value, then the appended one.
SAVES = {"truncate-then-append": 2}


def check_clean_save(site, keys_before, tool):
    assert site.server()["NODE_ENV"] == "beta", tool
    writes = site.writes()
    # One request per save: the value. No scratch key, no delete.
    assert writes == [("PATCH", "envs")] * SAVES.get(tool, 1), (tool, writes)
    assert sorted(site.server()) == keys_before, tool
    names = set(os.listdir(site.envs)) - set(keys_before)
    # vim with 'backup' set keeps KEY~ by design; it lives in memory only.
    allowed = {"NODE_ENV~"} if tool == "vim-writebackup-backup" else set()
    assert names == allowed, ("a temporary file was left behind", names)
    assert open(site.p("NODE_ENV")).read() == "beta\n"
    print("%s: %s" % (tool, ", ".join("1 %s" % m for m, _ in writes)))


@pytest.mark.parametrize("tool", sorted(EDITORS))
def test_editor_saves(site, tool, tmp_path):
    keys = sorted(site.server())
    cmd = EDITORS[tool].format(f=site.p("NODE_ENV"), tmp=tmp_path)
    run(cmd, cwd=site.envs, timeout=30)
    check_clean_save(site, keys, tool)


def tmux(session, *args):
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10)


def wait_for(pred, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("editor", ["nano", "vim"])
def test_interactive_editor_in_tmux(site, editor):
    """nano and vim as a person runs them (vim with defaults.vim)."""
    keys = sorted(site.server())
    s = "cfs-%s-%d" % (editor, os.getpid())
    cmd = "cd %s && %s NODE_ENV" % (site.envs, "nano" if editor == "nano" else "vim -i NONE")
    tmux(s, "new-session", "-d", "-s", s, "-x", "120", "-y", "30", cmd)
    try:
        assert wait_for(lambda: "alpha" in tmux(s, "capture-pane", "-p", "-t", s).stdout)
        if editor == "nano":
            # ^K cuts the line; type the new one; ^S saves; ^X quits.
            tmux(s, "send-keys", "-t", s, "C-k", "beta", "C-s")
            time.sleep(1)
            tmux(s, "send-keys", "-t", s, "C-x")
        else:
            tmux(s, "send-keys", "-t", s, ":%s/alpha/beta/", "Enter", ":wq", "Enter")
        assert wait_for(lambda: tmux(s, "has-session", "-t", s).returncode != 0)
    finally:
        tmux(s, "kill-session", "-t", s)
    check_clean_save(site, keys, editor + "-tmux")


@pytest.mark.parametrize("tool", ["vim-ex-defaults", "vim-ex-compatible", "vim-nowritebackup",
                                  "ed", "sed-i", "perl-pi", "python-atomic", "shell-redirect"])
def test_refused_save_is_reported_and_keeps_the_value(site, tool, tmp_path):
    keys = sorted(site.server())
    uuid_before = site.server_vars()["NODE_ENV"]["uuid"]
    site.fake.fault(status=422, count=1, match="/envs", method="PATCH")
    cmd = EDITORS[tool].format(f=site.p("NODE_ENV"), tmp=tmp_path)
    r = run(cmd, cwd=site.envs, timeout=30, check=False)
    assert r.returncode != 0, (tool, r)
    assert site.server()["NODE_ENV"] == "alpha", tool
    assert sorted(site.server()) == keys
    assert not [w for w in site.writes() if w[0] in ("POST", "DELETE")], site.writes()
    time.sleep(0.2)
    leftovers = set(os.listdir(site.envs)) - set(keys)
    # What the tool itself leaves after a failed save (python's temporary
    # file, vim's backup) stays in memory; none of it reached the API.
    assert all(n == "NODE_ENV~" or n.startswith("tmp") for n in leftovers), leftovers
    assert site.server_vars()["NODE_ENV"]["uuid"] == uuid_before, "recreated, not kept"


def test_nano_shows_a_refused_save(site):
    s = "cfs-nano-refused-%d" % os.getpid()
    site.fake.fault(status=422, count=1, match="/envs", method="PATCH")
    tmux(s, "new-session", "-d", "-s", s, "-x", "120", "-y", "30", "cd %s && nano NODE_ENV" % site.envs)
    try:
        assert wait_for(lambda: "alpha" in tmux(s, "capture-pane", "-p", "-t", s).stdout)
        tmux(s, "send-keys", "-t", s, "C-k", "beta", "C-s")
        assert wait_for(lambda: "Invalid argument" in tmux(s, "capture-pane", "-p", "-t", s).stdout), \
            tmux(s, "capture-pane", "-p", "-t", s).stdout
        # Quit without saving (a killed nano would write NODE_ENV.save).
        tmux(s, "send-keys", "-t", s, "C-x")
        assert wait_for(lambda: "Save modified" in tmux(s, "capture-pane", "-p", "-t", s).stdout)
        tmux(s, "send-keys", "-t", s, "n")
        assert wait_for(lambda: tmux(s, "has-session", "-t", s).returncode != 0)
    finally:
        tmux(s, "kill-session", "-t", s)
    assert site.server()["NODE_ENV"] == "alpha"
