"""Saves by real tools that are not editors (SPEC §3.1): npm's
write-file-atomic, JetBrains' safe write, mktemp + mv, rsync, tar -x,
install, nvim and touch. Each changes one variable on a real mount, and
the fake's request log shows exactly what reached the API: one request
for the value, no temporary name, nothing left behind in either set."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import TOP, Fake, run
from envhelp import EnvSite

TOOLS = os.path.join(TOP, "tests", "tools")
NODE_MODULES = os.path.join(TOOLS, "node_modules")


@pytest.fixture(scope="session")
def node_modules():
    """tests/tools/node_modules, installed from the committed lock file
    when missing (npm is the only registry the tests use)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed (scripts/install-deps)")
    if not os.path.isdir(os.path.join(NODE_MODULES, "write-file-atomic")):
        subprocess.run(["npm", "ci", "--prefix", TOOLS, "--no-audit", "--no-fund"],
                       check=True, capture_output=True, timeout=300)
    return NODE_MODULES


def snapshot(site):
    return site.server_vars(), site.server_vars(preview=True)


def check_one_patch(site, before, key="NODE_ENV", value="beta"):
    """The save was one PATCH of key, and nothing else changed at the API:
    no temporary name in either set, the uuid and every flag kept."""
    prod, prev = before
    assert site.writes() == [("PATCH", "envs")], site.writes()
    now, now_prev = snapshot(site)
    assert sorted(now) == sorted(prod), "a temporary name reached the API"
    assert now_prev == prev, "the preview set changed"
    assert now[key]["value"] == value
    assert now[key]["uuid"] == prod[key]["uuid"]
    for flag in ("is_build_time", "is_buildtime", "is_literal", "is_runtime", "is_shown_once"):
        assert now[key].get(flag) == prod[key].get(flag), flag
    assert sorted(os.listdir(site.envs)) == sorted(now), "a temporary file was left behind"
    assert open(site.p(key)).read() == value + "\n"


def node(site, script, node_modules):
    return run(["node", "-e", script], cwd=site.envs, env=dict(os.environ, NODE_PATH=node_modules))


def test_write_file_atomic_is_one_patch(site, node_modules):
    before = snapshot(site)
    node(site, "require('write-file-atomic').sync('NODE_ENV', 'beta\\n')", node_modules)
    check_one_patch(site, before)


def test_write_file_atomic_async_onto_a_new_key_is_one_post(site, node_modules):
    prod, prev = snapshot(site)
    node(site, "require('write-file-atomic')('WFA_NEW', 'fresh\\n').then(() => {}, e => {"
               " console.error(e); process.exit(1) })", node_modules)
    assert site.writes() == [("POST", "envs")], site.writes()
    now = site.server_vars()
    assert sorted(now) == sorted(list(prod) + ["WFA_NEW"])
    assert now["WFA_NEW"]["value"] == "fresh"
    # The POST makes the preview twin (NOTES §10.1); no other name is there.
    assert sorted(site.server_vars(preview=True)) == sorted(set(prev) | {"WFA_NEW"})


def test_jetbrains_safe_write_is_one_patch(site):
    """IntelliJ's "safe write": new content to KEY___jb_tmp___, KEY
    renamed to KEY___jb_old___, the temporary file renamed onto KEY, the
    old one removed."""
    before = snapshot(site)
    key, tmp, old = site.p("NODE_ENV"), site.p("NODE_ENV___jb_tmp___"), site.p("NODE_ENV___jb_old___")
    with open(tmp, "w") as f:
        f.write("beta\n")
    os.rename(key, old)
    os.rename(tmp, key)
    os.unlink(old)
    check_one_patch(site, before)


def test_mktemp_and_mv_is_one_patch(site):
    before = snapshot(site)
    run("t=$(mktemp NODE_ENV.XXXXXX) && echo beta > $t && mv $t NODE_ENV", cwd=site.envs)
    check_one_patch(site, before)


def test_rsync_onto_a_key_is_one_patch(site, tmp_path):
    before = snapshot(site)
    (tmp_path / "src").write_text("beta\n")
    run(["rsync", str(tmp_path / "src"), site.p("NODE_ENV")])
    check_one_patch(site, before)


def test_nvim_is_one_patch(site):
    before = snapshot(site)
    run(["nvim", "--headless", "-i", "NONE", "-n", "-c", "%s/.*/beta/", "-c", "wq", "NODE_ENV"],
        cwd=site.envs, timeout=30, stdin=subprocess.DEVNULL)
    check_one_patch(site, before)


def check_recreated(site, before, value="beta"):
    """tar and install unlink the key and create it again: the variable
    comes back with every flag it had (its uuid is the API's new one)."""
    prod, prev = before
    w = site.writes()
    assert [m for m, _ in w] == ["DELETE", "POST"], w
    now = site.server_vars()
    assert sorted(now) == sorted(prod)
    assert now["NODE_ENV"]["value"] == value
    assert prod["NODE_ENV"].get("is_build_time") or prod["NODE_ENV"].get("is_buildtime")
    for flag in ("is_build_time", "is_buildtime", "is_literal", "is_runtime"):
        assert now["NODE_ENV"].get(flag) == prod["NODE_ENV"].get(flag), flag
    assert open(site.p("NODE_ENV")).read() == value + "\n"


def test_tar_x_keeps_the_flags(site, tmp_path):
    before = snapshot(site)
    (tmp_path / "NODE_ENV").write_text("beta\n")
    run(["tar", "-C", str(tmp_path), "-cf", str(tmp_path / "x.tar"), "NODE_ENV"])
    site.fake.clear_log()
    run(["tar", "-C", site.envs, "-xf", str(tmp_path / "x.tar")])
    check_recreated(site, before)


def test_install_keeps_the_flags(site, tmp_path):
    before = snapshot(site)
    (tmp_path / "src").write_text("beta\n")
    run(["install", "-m", "600", str(tmp_path / "src"), site.p("NODE_ENV")])
    check_recreated(site, before)


def test_rm_then_create_much_later_starts_fresh(site):
    """Only an immediate re-create takes the old flags: rm, then a new
    variable of the same name long after, is a new variable."""
    run(["rm", site.p("NODE_ENV")])
    time.sleep(4.2)  # past SHADOW_TOMBSTONE_TTL, counted in whole seconds
    run("echo beta > %s" % site.p("NODE_ENV"))
    v = site.server_vars()["NODE_ENV"]
    assert [m for m, _ in site.writes()] == ["DELETE", "POST"]
    assert v["value"] == "beta"


def test_touch_new_creates_an_empty_variable(site):
    r = run(["touch", site.p("TOUCHED")], check=False)
    assert r.returncode == 0, r.stderr
    # touch never writes, so the variable is created at release, which
    # the kernel sends after close() returned (as `: > f`, pending.h).
    for _ in range(50):
        if "TOUCHED" in site.server():
            break
        time.sleep(0.1)
    assert site.writes() == [("POST", "envs")]
    assert site.server()["TOUCHED"] == ""
    assert open(site.p("TOUCHED")).read() == "\n"


def test_touch_existing_sends_nothing(site):
    run(["touch", site.p("NODE_ENV")])
    assert site.writes() == []


def test_nul_in_a_value_is_EINVAL_and_sends_nothing(site):
    old = site.server()["NODE_ENV"]
    r = run("printf 'a\\0b\\n' > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode and "Invalid argument" in r.stderr, r
    assert site.writes() == []
    assert site.server()["NODE_ENV"] == old
    # Through a temporary file and a rename, too.
    with open(site.p("NODE_ENV___jb_tmp___"), "wb") as f:
        f.write(b"x\0y\n")
    with pytest.raises(OSError) as e:
        os.rename(site.p("NODE_ENV___jb_tmp___"), site.p("NODE_ENV"))
    assert e.value.errno == 22
    assert site.writes() == []
    assert site.server()["NODE_ENV"] == old


# Values every reader of envs.env must give back as the API holds them.
# (Where no one form serves all readers, SPEC §3.1 says which loses; none
# of those is here: no ${NAME}, which python-dotenv expands even in single
# quotes, no \\, no value with both ' and ".)
TRICKY = {
    "DB_URL": "postgres://u:p@db:5432/app?sslmode=require&pool=5",
    "SEMI": "a;b; c",
    "DOLLAR": "costs $5 and $HOME",
    "DQUOTE": 'say "hi"',
    "SQUOTE": "it's here",
    "BACKSLASH": "C:\\path\\to",
    "MULTI": "line one\nline two",
    "HASH": "a #b",
    "HASH2": "a#b",
    "STAR": "*.example.com",
    "TILDE": "~/x",
    "BACKTICK": "echo `id`",
    "AMP_AND_PIPE": "a&&b||c|d",
    "PLAIN": "abc-1.2_3",
}

READ_ENVS = {
    "python-dotenv": [
        "/usr/bin/python3", "-c",
        "import json,sys; from dotenv import dotenv_values; "
        # interpolate=False: python-dotenv 0.21 expands ${NAME} even in
        # single quotes, which no quoting can prevent (TEMPLATE has one).
        "print(json.dumps(dict(dotenv_values(sys.argv[1], interpolate=False))))"],
    "node-dotenv": [
        "node", "-e",
        "const fs=require('fs'); console.log(JSON.stringify("
        "require('dotenv').parse(fs.readFileSync(process.argv[1]))))"],
    "bash": [
        "/bin/bash", "-c",
        "set -a; . \"$1\"; set +a; /usr/bin/python3 -c "
        "'import json,os,sys; print(json.dumps(dict(os.environ)))'", "bash"],
}


@pytest.mark.parametrize("reader", sorted(READ_ENVS))
def test_envs_env_reads_the_same_in_every_parser(site, reader, node_modules):
    for k, v in TRICKY.items():
        with open(site.p(k), "w") as f:
            f.write(v + "\n")
    server = site.server()
    for k, v in TRICKY.items():
        assert server[k] == v, k
    r = run(READ_ENVS[reader] + [os.path.join(site.dir, "envs.env")],
            env=dict(os.environ, NODE_PATH=node_modules))
    got = json.loads(r.stdout)
    for k, v in server.items():
        if k.isidentifier():  # bash cannot take a key with '.'
            assert got.get(k) == v, (reader, k, got.get(k), v)


def test_shown_once_value_is_a_comment_and_the_file_readable(mount_factory, tmp_path):
    """Current Coolify hides an is_shown_once value even from root: the
    file shows it as a comment, grep -r works, and a save that drops the
    comment keeps the variable."""
    fk = Fake(mode="latest")
    try:
        m = mount_factory(fk)
        site = EnvSite(fk, m, name="metabase")
        hidden = [k for k, v in site.server_vars().items() if v.get("is_shown_once")]
        assert hidden
        path = os.path.join(site.dir, "envs.env")
        text = open(path).read()
        for k in hidden:
            assert "# %s: value not readable\n" % k in text
        # grep -r over the project reads envs.env; the only file it cannot
        # read is the hidden key's own (EACCES by design, never empty).
        r = run(["grep", "-r", "-l", "MB_", os.path.dirname(os.path.dirname(site.dir))],
                check=False)
        assert path + "\n" in r.stdout, r
        errors = r.stderr.splitlines()
        assert len(errors) == len(hidden), errors
        for k in hidden:
            assert any(os.path.join(site.envs, k) in e and "Permission denied" in e
                       for e in errors), errors
        fk.clear_log()
        kept = [l for l in text.splitlines() if not l.startswith("#")]
        (tmp_path / "e.env").write_text("\n".join(kept + ["ADDED=1"]) + "\n")
        run(["cp", str(tmp_path / "e.env"), path])
        assert [m for m, _ in site.writes()] == ["PATCH"], site.writes()
        now = site.server_vars()
        for k in hidden:
            assert k in now
        assert now["ADDED"]["value"] == "1"
    finally:
        fk.stop()


@pytest.mark.parametrize("tool", ["write-file-atomic", "jetbrains"])
def test_refused_save_changes_nothing(site, tool, node_modules):
    """The API refuses the PATCH: the tool reports it, the value and its
    uuid stay, and no temporary name reached the API."""
    prod, prev = snapshot(site)
    site.fake.fault(status=422, count=1, match="/envs", method="PATCH")
    if tool == "write-file-atomic":
        r = run(["node", "-e", "require('write-file-atomic').sync('NODE_ENV', 'beta\\n')"],
                cwd=site.envs, env=dict(os.environ, NODE_PATH=node_modules), check=False)
        assert r.returncode and "EINVAL" in r.stderr, r
    else:
        key, tmp, old = (site.p("NODE_ENV"), site.p("NODE_ENV___jb_tmp___"),
                         site.p("NODE_ENV___jb_old___"))
        with open(tmp, "w") as f:
            f.write("beta\n")
        os.rename(key, old)
        with pytest.raises(OSError) as e:
            os.rename(tmp, key)
        assert e.value.errno == 22
        # What the IDE does then: the old file goes back, the new one away.
        os.rename(old, key)
        os.unlink(tmp)
    assert site.writes() == [("PATCH", "envs")], site.writes()
    now, now_prev = snapshot(site)
    assert now == prod and now_prev == prev
    assert sorted(os.listdir(site.envs)) == sorted(prod)
    assert open(site.p("NODE_ENV")).read() == prod["NODE_ENV"]["value"] + "\n"
