"""Shared variables (SPEC §6, every rule of §3.1): projects/P/envs/,
projects/P/ENV/envs/, servers/S/envs/ and teams/current/envs/, each with
envs.env, on current Coolify; absent on the 2025 API.

Shared variables have numeric ids and no bulk route: a variable's save is
one PATCH of PATH/ID with only what changed, a new key one POST, rm one
DELETE, and an envs.env save one request per changed key."""
import json
import os
import shlex
import subprocess
import time

import pytest

from conftest import READ_TOKEN, Fake, api_requests, run
from test_editors import EDITORS, tmux, wait_for

LEVELS = ("project", "environment", "server", "team")  # the team: teams/current


def project_uuid(fake, name="website"):
    return next(p["uuid"] for p in fake.api("/projects")[1] if p["name"] == name)


def server_uuid(fake, name="localhost"):
    return next(s["uuid"] for s in fake.api("/servers")[1] if s["name"] == name)


class Level:
    """One owner's envs/ in a mount, and its truth at the API."""

    def __init__(self, fake, mnt, level):
        self.fake, self.mount, self.level = fake, mnt, level
        if level == "project":
            self.dir = mnt.p("projects", "website")
            self.api = "/projects/%s/envs" % project_uuid(fake)
        elif level == "environment":
            self.dir = mnt.p("projects", "website", "production")
            env = next(e for e in fake.api("/projects/%s/environments" % project_uuid(fake))[1]
                       if e["name"] == "production")
            self.api = "/projects/%s/environments/%s/envs" % (project_uuid(fake), env["uuid"])
        elif level == "server":
            self.dir = mnt.p("servers", "localhost")
            self.api = "/servers/%s/envs" % server_uuid(fake)
        else:
            self.dir = mnt.p("teams", "current")
            self.api = "/team/envs"
        self.envs = os.path.join(self.dir, "envs")
        self.env_file = os.path.join(self.dir, "envs.env")

    def p(self, key):
        return os.path.join(self.envs, key)

    def rows(self):
        return {e["key"]: e for e in self.fake.api(self.api)[1]}

    def server(self):
        return {k: e.get("value") for k, e in self.rows().items()}

    def id(self, key):
        return self.rows()[key]["id"]

    def writes(self):
        """(method, path below /api/v1, body) of every request that changes something."""
        return [(e["method"], e["path"][len("/api/v1"):], json.loads(e["body"]) if e["body"] else None)
                for e in self.fake.log() if e["method"] != "GET"]


@pytest.fixture
def mount(latest, mount_factory):
    latest.reset()
    m = mount_factory(latest)
    latest.clear_log()
    return m


def level_of(latest, mount, level):
    return Level(latest, mount, level)


# -- reading --------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_ls_and_cat(latest, mount, level):
    lv = level_of(latest, mount, level)
    truth = lv.rows()
    latest.clear_log()
    assert {"envs", "envs.env"} <= set(run(["ls", "-l", lv.dir + "/"]).stdout.split())
    assert sorted(os.listdir(lv.envs)) == sorted(truth)
    # One request, whatever the number of variables (SPEC §4).
    assert [p for m, p in api_requests(latest) if p.endswith("/envs")] == ["/api/v1" + lv.api]
    lines = []
    for key, row in truth.items():
        if "value" in row:
            assert run(["cat", lv.p(key)]).stdout == (row["value"] or "") + "\n"
            lines.append(key)
        else:
            # is_shown_once: unreadable, never an empty file (SPEC §3.1).
            r = run(["cat", lv.p(key)], check=False)
            assert r.returncode and "Permission denied" in r.stderr
    text = run(["cat", lv.env_file]).stdout
    for key, row in truth.items():
        if "value" in row:
            assert any(line.startswith(key + "=") for line in text.splitlines()), (key, text)
        else:
            assert "# %s: value not readable\n" % key in text
    # The whole file, read by bash, gives the API's values back.
    got = run("set -a; . %s; env -0" % lv.env_file).stdout.split("\0")
    got = dict(kv.split("=", 1) for kv in got if "=" in kv)
    for key in lines:
        assert got[key] == truth[key]["value"], key
    # Flags are attributes; the numeric id is user.coolify.id.
    key = lines[0]
    attrs = run(["getfattr", "-d", lv.p(key)]).stdout
    assert 'user.coolify.id="%d"' % truth[key]["id"] in attrs
    assert 'user.coolify.is_literal="%d"' % truth[key]["is_literal"] in attrs
    assert "is_build_time" not in attrs and "uuid" not in attrs
    assert [m for m, _ in api_requests(latest) if m != "GET"] == []


def test_team_envs_only_for_the_tokens_team(latest, mount):
    assert os.readlink(mount.p("teams", "current")) == "Root Team"
    assert "envs" in os.listdir(mount.p("teams", "Root Team"))
    assert sorted(os.listdir(mount.p("teams", "Root Team", "envs"))) == \
        ["COMPANY_NAME", "SUPPORT_EMAIL"]
    # /team/envs is the token's team's: another team of the user has none.
    other = mount.p("teams", "Staging Team")
    assert sorted(os.listdir(other)) == ["members.json", "team.json"]
    assert not os.path.exists(os.path.join(other, "envs"))
    assert not os.path.exists(os.path.join(other, "envs.env"))


def test_values_hidden_without_read_sensitive(latest, mount_factory):
    latest.reset()
    m = mount_factory(latest, token=READ_TOKEN)
    lv = Level(latest, m, "server")
    assert sorted(os.listdir(lv.envs)) == ["CA_CERT", "REGISTRY"]
    r = run(["cat", lv.p("REGISTRY")], check=False)
    assert r.returncode and "Permission denied" in r.stderr
    assert run(["cat", lv.env_file]).stdout == \
        "# REGISTRY: value not readable\n# CA_CERT: value not readable\n"
    # The token may not write either: the API's refusal, nothing changed.
    latest.clear_log()
    r = run("echo x > %s" % lv.p("NEW_ONE"), check=False)
    assert r.returncode and "Permission denied" in r.stderr
    assert "Missing required permissions: write" in m.stderr()
    assert [w[0] for w in lv.writes()] == ["POST"]
    assert "NEW_ONE" not in lv.server()


# -- one variable ---------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_echo_sets_with_one_patch_of_the_value(latest, mount, level):
    lv = level_of(latest, mount, level)
    key = sorted(k for k, r in lv.rows().items() if "value" in r)[0]
    before = lv.rows()[key]
    latest.clear_log()
    run("echo new-value > %s" % lv.p(key))
    assert lv.writes() == [("PATCH", "%s/%d" % (lv.api, before["id"]), {"value": "new-value"})]
    after = lv.rows()[key]
    assert after["value"] == "new-value" and after["id"] == before["id"]
    assert after["is_literal"] == before["is_literal"]
    assert run(["cat", lv.p(key)]).stdout == "new-value\n"
    latest.clear_log()
    run("echo new-value > %s" % lv.p(key))
    assert lv.writes() == []  # the same content is never sent twice


@pytest.fixture
def alpha(latest, mount):
    """The environment's LOG_LEVEL holds "alpha"; the log is empty."""
    lv = Level(latest, mount, "environment")
    latest.api("%s/%d" % (lv.api, lv.id("LOG_LEVEL")), method="PATCH", body={"value": "alpha"})
    latest.clear_log()
    return lv


TOOLS = ["vim-ex-defaults", "vim-backupcopy-yes", "vim-writebackup-backup", "vim-nowritebackup",
         "ed", "sed-i", "perl-pi", "python-atomic", "cp-over", "shell-redirect"]


@pytest.mark.parametrize("tool", TOOLS)
def test_editor_saves_are_one_request(alpha, tool, tmp_path):
    keys = sorted(alpha.server())
    ident = alpha.id("LOG_LEVEL")
    run(EDITORS[tool].format(f=alpha.p("LOG_LEVEL"), tmp=tmp_path), cwd=alpha.envs, timeout=30)
    assert alpha.writes() == [("PATCH", "%s/%d" % (alpha.api, ident), {"value": "beta"})], tool
    assert alpha.server()["LOG_LEVEL"] == "beta" and sorted(alpha.server()) == keys
    # Editors' temporary files never reached the API (vim's backup stays in memory).
    left = set(os.listdir(alpha.envs)) - set(keys)
    assert left == ({"LOG_LEVEL~"} if tool == "vim-writebackup-backup" else set()), left


def test_rsync_saves_with_one_request(alpha, tmp_path):
    src = tmp_path / "LOG_LEVEL"
    src.write_text("beta\n")
    run(["rsync", str(src), alpha.envs + "/"])
    assert alpha.writes() == [("PATCH", "%s/%d" % (alpha.api, alpha.id("LOG_LEVEL")),
                               {"value": "beta"})]
    assert alpha.server()["LOG_LEVEL"] == "beta"


@pytest.mark.parametrize("editor", ["nano", "vim"])
def test_interactive_editor_in_tmux(alpha, editor):
    s = "cfs-shared-%s-%d" % (editor, os.getpid())
    cmd = "cd %s && %s LOG_LEVEL" % (alpha.envs, "nano" if editor == "nano" else "vim -i NONE")
    tmux(s, "new-session", "-d", "-s", s, "-x", "120", "-y", "30", cmd)
    try:
        assert wait_for(lambda: "alpha" in tmux(s, "capture-pane", "-p", "-t", s).stdout)
        if editor == "nano":
            tmux(s, "send-keys", "-t", s, "C-k", "beta", "C-s")
            time.sleep(1)
            tmux(s, "send-keys", "-t", s, "C-x")
        else:
            tmux(s, "send-keys", "-t", s, ":%s/alpha/beta/", "Enter", ":wq", "Enter")
        assert wait_for(lambda: tmux(s, "has-session", "-t", s).returncode != 0)
    finally:
        tmux(s, "kill-session", "-t", s)
    assert alpha.writes() == [("PATCH", "%s/%d" % (alpha.api, alpha.id("LOG_LEVEL")),
                               {"value": "beta"})]
    assert alpha.server()["LOG_LEVEL"] == "beta"


def test_refused_save_fails_the_shell_and_keeps_the_value(alpha):
    alpha.fake.fault(status=422, count=1, match="/envs/", method="PATCH")
    r = run("echo beta > %s" % alpha.p("LOG_LEVEL"), check=False)
    assert r.returncode and "Invalid argument" in r.stderr
    assert alpha.server()["LOG_LEVEL"] == "alpha"
    assert [w[0] for w in alpha.writes()] == ["PATCH"]
    assert run(["cat", alpha.p("LOG_LEVEL")]).stdout == "alpha\n"


def test_new_key_rm_and_mv(latest, mount):
    lv = level_of(latest, mount, "project")
    run("echo hello > %s" % lv.p("FRESH"))
    assert lv.writes() == [("POST", lv.api, {"key": "FRESH", "value": "hello"})]
    assert lv.server()["FRESH"] == "hello"
    ident = lv.id("FRESH")
    latest.clear_log()
    # A rename is a PATCH of the key: the variable keeps its id and flags.
    run(["mv", lv.p("FRESH"), lv.p("RENAMED")])
    assert lv.writes() == [("PATCH", "%s/%d" % (lv.api, ident), {"key": "RENAMED"})]
    assert lv.rows()["RENAMED"]["id"] == ident and "FRESH" not in lv.server()
    assert "RENAMED" in os.listdir(lv.envs) and "FRESH" not in os.listdir(lv.envs)
    latest.clear_log()
    run(["rm", lv.p("RENAMED")])
    assert lv.writes() == [("DELETE", "%s/%d" % (lv.api, ident), None)]
    assert "RENAMED" not in lv.server() and "RENAMED" not in os.listdir(lv.envs)
    # A shown-once variable can be renamed too: its value is not carried.
    latest.clear_log()
    ident = lv.id("SIGNING_KEY")
    run(["mv", lv.p("SIGNING_KEY"), lv.p("SIGNING_KEY_OLD")])
    assert lv.writes() == [("PATCH", "%s/%d" % (lv.api, ident), {"key": "SIGNING_KEY_OLD"})]


def test_hidden_value_is_never_blanked(latest, mount):
    lv = level_of(latest, mount, "project")
    # `: >` writes nothing: the empty value would be committed at release,
    # and is refused there (is_shown_once: the API hides it even from root).
    run(": > %s" % lv.p("SIGNING_KEY"), check=False)
    assert wait_for(lambda: "an empty value would replace it" in mount.stderr(), 5)
    assert lv.writes() == []
    row = next(e for e in latest.state()["shared_envs"] if e["key"] == "SIGNING_KEY")
    assert row["value"] == "sk_live_51Hx"


def test_flags_are_attributes(latest, mount):
    lv = level_of(latest, mount, "server")
    ident = lv.id("REGISTRY")
    run(["setfattr", "-n", "user.coolify.is_literal", "-v", "1", lv.p("REGISTRY")])
    assert lv.writes() == [("PATCH", "%s/%d" % (lv.api, ident), {"is_literal": True})]
    assert lv.rows()["REGISTRY"]["is_literal"] is True
    assert run(["getfattr", "-n", "user.coolify.is_literal", "--only-values",
                lv.p("REGISTRY")]).stdout == "1"
    # Shared variables have no build-time flag.
    r = run(["setfattr", "-n", "user.coolify.is_build_time", "-v", "1", lv.p("REGISTRY")],
            check=False)
    assert r.returncode
    assert len(lv.writes()) == 1


# -- envs.env -------------------------------------------------------------------------------

def test_envs_env_save_is_one_request_per_changed_key(latest, mount, tmp_path):
    lv = level_of(latest, mount, "project")
    ids = {k: r["id"] for k, r in lv.rows().items()}
    text = run(["cat", lv.env_file]).stdout
    # Change one, leave one, remove one (DB_URL), add one; the hidden one stays a comment.
    new = text.replace("SENTRY_DSN=https://k3y@sentry.example.com/4", "SENTRY_DSN=changed")
    new = "\n".join(line for line in new.splitlines() if not line.startswith("DB_URL=")) + \
        "\nADDED='two words'\n"
    (tmp_path / "e").write_text(new)
    latest.clear_log()
    run("cat %s > %s" % (tmp_path / "e", lv.env_file))
    assert lv.writes() == [
        ("PATCH", "%s/%d" % (lv.api, ids["SENTRY_DSN"]), {"value": "changed"}),
        ("POST", lv.api, {"key": "ADDED", "value": "two words"}),
        ("DELETE", "%s/%d" % (lv.api, ids["DB_URL"]), None),
    ]
    assert lv.server() == {"SENTRY_DSN": "changed", "SIGNING_KEY": None, "ADDED": "two words"}
    assert "value" not in lv.rows()["SIGNING_KEY"]  # still there, still hidden
    assert run(["cat", lv.env_file]).stdout == \
        "SENTRY_DSN=changed\n# SIGNING_KEY: value not readable\nADDED='two words'\n"


def test_envs_env_vim(latest, mount):
    lv = level_of(latest, mount, "server")
    ident = lv.id("REGISTRY")
    run(EDITORS["vim-ex-defaults"].replace("alpha", "registry").replace("beta", "mirror")
        .format(f=lv.env_file), cwd=lv.dir, timeout=30)
    assert lv.writes() == [("PATCH", "%s/%d" % (lv.api, ident), {"value": "mirror.example.com"})]
    assert lv.server()["REGISTRY"] == "mirror.example.com"
    assert lv.server()["CA_CERT"].count("\n") == 2  # untouched


@pytest.mark.parametrize("bad", ["9BAD=x", "GOOD=x\nBAD KEY=y", "OK='unterminated"])
def test_a_bad_envs_env_sends_nothing(latest, mount, bad):
    lv = level_of(latest, mount, "team")
    before = lv.rows()
    text = run(["cat", lv.env_file]).stdout
    # bash ignores close()'s error for `>>`; the save is refused all the same.
    run("printf '%%s\\n' %s >> %s" % (shlex.quote(bad), lv.env_file), check=False)
    assert lv.writes() == [] and lv.rows() == before
    assert run(["cat", lv.env_file]).stdout == text
    # Written by a tool that reports close(): the error is EINVAL.
    p = subprocess.run(["/usr/bin/python3", "-c",
                        "import sys\nf=open(sys.argv[1],'w')\nf.write(sys.argv[2])\n"
                        "try:\n f.close()\nexcept OSError as e:\n print(e.errno)\n",
                        lv.env_file, text + bad + "\n"], capture_output=True, text=True)
    assert p.stdout.strip() == "22", p
    assert lv.writes() == [] and lv.rows() == before
    assert "not saved, nothing sent" in mount.stderr()


def test_envs_env_partial_failure_is_EIO_and_logs_what_was_saved(latest, mount, tmp_path):
    lv = level_of(latest, mount, "environment")
    (tmp_path / "e").write_text("LOG_LEVEL=warn\nCDN_URL=https://cdn2.example.com\n")
    latest.fault(status=422, count=1, match="/envs/%d" % lv.id("CDN_URL"), method="PATCH")
    p = subprocess.run(["cp", str(tmp_path / "e"), lv.env_file], capture_output=True, text=True)
    assert p.returncode and "Input/output error" in p.stderr
    assert lv.server() == {"LOG_LEVEL": "warn", "CDN_URL": "https://cdn.example.com"}
    assert [w[0] for w in lv.writes()] == ["PATCH", "PATCH"]
    assert "setting CDN_URL failed after: set LOG_LEVEL" in mount.stderr()


# -- names and generations ------------------------------------------------------------------

def test_an_environment_called_envs_is_shown_with_its_uuid(latest, mount):
    pu = project_uuid(latest)
    status, body = latest.api("/projects/%s/environments" % pu, method="POST", body={"name": "envs"})
    assert status == 201, body
    env = next(e for e in latest.api("/projects/%s/environments" % pu)[1] if e["name"] == "envs")
    names = set(os.listdir(mount.p("projects", "website")))
    assert {"envs", "envs.env", "envs@" + env["uuid"]} <= names
    # envs/ is still the project's variables, and the environment is there by its new name.
    assert "DB_URL" in os.listdir(mount.p("projects", "website", "envs"))
    assert "applications" in os.listdir(mount.p("projects", "website", "envs@" + env["uuid"]))


def test_absent_on_the_2025_api(mount_factory):
    seed = Fake(mode="seed")
    try:
        m = mount_factory(seed)
        seed.clear_log()
        for d in (m.p("projects", "website"), m.p("projects", "website", "production"),
                  m.p("servers", "localhost"), m.p("teams", "current")):
            names = os.listdir(d)
            assert "envs" not in names and "envs.env" not in names, (d, names)
            for name in ("envs", "envs.env"):
                r = run(["stat", os.path.join(d, name)], check=False)
                assert r.returncode and "No such file" in r.stderr
        # Nothing asked for variables that are not there.
        assert not [p for _, p in api_requests(seed) if p.endswith("/envs")]
    finally:
        seed.stop()
