"""Memory safety of a whole mount session under valgrind's memcheck
(issue 7): a tree walk, reads of every kind of file, env edits with
several tools, logs and an action where the build has them, a refusal
and a fault. The daemon must exit 0 with no memcheck error and no
definitely lost block.

The ASan+UBSan half of the same promise is the whole suite run against
build-asan/coolifyfs (scripts/check); valgrind cannot run that binary,
so this test skips there."""
import os
import re
import shutil

import pytest

from conftest import BIN, Fake, Mount, run
from envhelp import EnvSite

VALGRIND = [
    "valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
    "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
    "--track-fds=no", "--num-callers=30", "--child-silent-after-fork=yes",
]


def sanitized(binary):
    # Linked statically the runtime's name is in the binary; linked as a
    # shared library (b_lundef=false) only its entry points are.
    data = open(binary, "rb").read()
    return b"AddressSanitizer" in data or b"__asan_init" in data


pytestmark = [
    pytest.mark.skipif(not shutil.which("valgrind"), reason="valgrind is not installed"),
    pytest.mark.skipif(sanitized(BIN), reason="an ASan build: valgrind cannot run it"),
]


def parse_summary(log):
    """(errors, definitely lost bytes) from memcheck's summary."""
    errors = re.findall(r"ERROR SUMMARY: ([\d,]+) errors", log)
    assert errors, "no memcheck summary:\n" + log[-3000:]
    definite = re.findall(r"definitely lost: ([\d,]+) bytes", log)
    num = lambda s: int(s.replace(",", ""))  # noqa: E731
    return num(errors[-1]), num(definite[-1]) if definite else 0


def session(m, fake):
    """What a user does in a few minutes, touching every kind of node."""
    site = EnvSite(fake, m)
    run(["ls", "-lR", m.p("projects")], timeout=300)
    run("cat %s/version %s/health %s/resources.json >/dev/null" % (m.path, m.path, m.path))
    run("cat %s/projects/*/project.json %s/projects/*/*/environment.json >/dev/null" % (m.path, m.path))
    run("cat %s/projects/*/*/*/*/status >/dev/null" % m.path, timeout=300)
    run("cat %s/projects/*/*/*/*/*.json >/dev/null" % m.path, timeout=300)
    run(["ls", "-l", m.p("uuid")])
    for link in sorted(os.listdir(m.p("uuid")))[:5]:
        os.stat(m.p("uuid", link))
    # Variables: every way in, and a refusal.
    run("cat %s/* >/dev/null && cat %s >/dev/null" % (site.envs, os.path.join(site.dir, "envs.env")))
    run("getfattr -d %s >/dev/null" % site.p("NODE_ENV"))
    run("echo under-valgrind > %s" % site.p("NODE_ENV"))
    run("sed -i 's/under/still-under/' %s" % site.p("NODE_ENV"))
    run("vim -Es -i NONE -N -u DEFAULTS -c '%%s/still/vim/' -c wq %s" % site.p("NODE_ENV"), timeout=120)
    run("printf 'one\\ntwo\\n' > %s" % site.p("MEMCHECK_MULTI"))
    run(["mv", site.p("MEMCHECK_MULTI"), site.p("MEMCHECK_MOVED")])
    run(["setfattr", "-n", "user.coolify.is_literal", "-v", "1", site.p("NODE_ENV")])
    envs_env = os.path.join(site.dir, "envs.env")
    text = open(envs_env).read()
    with open(envs_env, "w") as f:
        f.write(text + 'MEMCHECK_BULK="a # b"\n')
    run(["rm", site.p("MEMCHECK_MOVED")])
    fake.fault(status=422, count=1, match="/envs", method="PATCH")
    assert run("echo refused > %s" % site.p("NODE_ENV"), check=False).returncode
    fake.fault(garbage=1, match="/api/v1/applications/")
    run("cat %s/* >/dev/null" % site.envs, check=False)
    fake.fault(clear=True)
    assert site.server()["NODE_ENV"] == "vim-under-valgrind"
    assert site.server()["MEMCHECK_BULK"] == "a # b"
    # Logs and an action, where this build has them.
    logs = os.path.join(site.dir, "logs")
    if os.path.exists(logs):
        run(["head", "-n", "5", logs])
        run(["tail", "-n", "5", logs])
    ctl = os.path.join(site.dir, "ctl")
    if os.path.exists(ctl):
        run(["cat", ctl])
        run("echo restart > %s" % ctl)
    deployments = os.path.join(site.dir, "deployments")
    if os.path.isdir(deployments):
        run(["ls", "-l", deployments])
        for d in sorted(os.listdir(deployments))[:2]:
            run("cat %s/* >/dev/null" % os.path.join(deployments, d), check=False)
    m.hup()


@pytest.mark.parametrize("mode", ["seed", "latest"])
def test_valgrind_session(mode, monkeypatch):
    fake = Fake(mode=mode)
    m = None
    try:
        log = os.path.join(fake.dir, "memcheck.log")
        monkeypatch.setenv("COOLIFYFS_WRAPPER", " ".join(VALGRIND + ["--log-file=" + log]))
        m = Mount(fake, opts=["cache_ttl=5", "timeout=30"], wait=False)
        # memcheck starts the daemon slowly: give it longer than Mount does.
        for _ in range(60):
            try:
                m.wait_mounted()
                break
            except RuntimeError as e:
                if m.proc.poll() is not None:
                    raise
                last = e
        else:
            raise last
        session(m, fake)
        m.close()  # exit status 0: memcheck's --error-exitcode=99 not hit
        m = None
        text = open(log).read()
        errors, definite = parse_summary(text)
        assert errors == 0, text[-6000:]
        assert definite == 0, text[-6000:]
        print("memcheck (%s): %d errors, %d bytes definitely lost" % (mode, errors, definite))
    finally:
        if m is not None:
            m.unmount()
        fake.stop()
