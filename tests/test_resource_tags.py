"""A resource's tags file (SPEC §6): on current Coolify, APP/tags, DB/tags and
SERVICE/tags hold the resource's tags, one a line; saving applies the
difference (one POST with the added names, a DELETE per removed one) with
every editor; a name the API would refuse fails the save with EINVAL and
sends nothing; the top-level tags/ shows the change at once. On the 2025
API the file is absent."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import Fake, READ_TOKEN, run
from expected import Tree

VIM = "vim -Es -i NONE -N"


def resource_dir(fake, mnt, kind, pred):
    for rel, k, obj, _ in Tree(fake).walk():
        if k == kind and pred(obj):
            return mnt.p(rel), obj["uuid"]
    raise LookupError(kind)


class TagSite:
    """One resource's directory in a mount and its tags at the API."""

    def __init__(self, fake, mnt, kind, pred):
        self.fake, self.mnt, self.kind = fake, mnt, kind
        self.dir, self.uuid = resource_dir(fake, mnt, kind, pred)
        self.tags = os.path.join(self.dir, "tags")
        self.api_path = "/api/v1/%s/%s/tags" % (kind, self.uuid)

    def server(self):
        _, l = self.fake.api("/%s/%s/tags" % (self.kind, self.uuid))
        return [t["name"] for t in l]

    def team(self):
        _, l = self.fake.api("/tags")
        return {t["name"]: t["uuid"] for t in l}

    def writes(self):
        """The requests that change something: (method, path, body)."""
        return [(e["method"], e["path"], json.loads(e["body"]) if e["body"] else None)
                for e in self.fake.log() if e["method"] != "GET"]

    def gets(self, suffix="/tags"):
        return [e["path"] for e in self.fake.log() if e["method"] == "GET" and e["path"].endswith(suffix)]


def web_pred(o):
    return o["name"] == "web"


def find_web(fake, mnt):
    """The production web app (tagged frontend)."""
    for rel, k, obj, (pname, ename) in Tree(fake).walk():
        if k == "applications" and obj["name"] == "web" and ename == "production":
            return TagSite(fake, mnt, "applications", lambda o, u=obj["uuid"]: o["uuid"] == u)
    raise LookupError("web")


@pytest.fixture
def site(latest, mount_factory):
    latest.reset()
    s = find_web(latest, mount_factory(latest))
    latest.clear_log()
    return s


@pytest.mark.parametrize("mode", ["seed", "latest"])
def test_tags_file_only_on_current_coolify(mode, mount_factory):
    f = Fake(mode=mode)
    try:
        m = mount_factory(f)
        kinds = {"applications": web_pred, "databases": lambda o: o["name"] == "web-db",
                 "services": lambda o: o["name"].startswith("n8n")}
        for kind, pred in kinds.items():
            d, _ = resource_dir(f, m, kind, pred)
            assert ("tags" in os.listdir(d)) == (mode == "latest"), (kind, os.listdir(d))
        if mode == "seed":
            d, _ = resource_dir(f, m, "applications", web_pred)
            f.clear_log()
            r = run("cat %s/tags" % d, check=False)
            assert r.returncode != 0 and "No such file" in r.stderr
            r = run("echo ci > %s/tags" % d, check=False)
            assert r.returncode != 0
            assert "tags" not in os.listdir(d)
            # Absent, and nothing asked about it: no tag route exists there.
            assert not [e for e in f.log() if "tags" in e["path"]], f.log()
    finally:
        f.stop()


def test_cat_is_one_request_reused_within_cache_ttl(site):
    assert open(site.tags).read() == "frontend\n"
    assert run(["cat", site.tags]).stdout == "frontend\n"
    assert site.gets() == ["/api/v1/applications/%s/tags" % site.uuid]
    assert os.stat(site.tags).st_size == len("frontend\n")


def test_every_kind_shows_its_tags(latest, mount_factory):
    latest.reset()
    m = mount_factory(latest)
    svc = TagSite(latest, m, "services", lambda o: o["name"].startswith("n8n"))
    db = TagSite(latest, m, "databases", lambda o: o["name"] == "web-db")
    assert open(svc.tags).read() == "automation\n"
    assert open(db.tags).read() == ""


def test_a_walk_asks_for_no_tags(latest, mount_factory):
    latest.reset()
    m = mount_factory(latest)
    latest.clear_log()
    run(["ls", "-lR", m.p("projects")])
    assert not [e["path"] for e in latest.log() if e["path"].endswith("/tags")]


def test_echo_replaces_with_one_post_and_a_delete(site):
    frontend = site.team()["frontend"]
    run("echo CI > %s" % site.tags)
    assert site.writes() == [("POST", site.api_path, {"tag_names": ["ci"]}),
                             ("DELETE", "%s/%s" % (site.api_path, frontend), None)]
    assert site.server() == ["ci"]
    assert open(site.tags).read() == "ci\n"


def test_echo_append_adds_at_write_time(site):
    run("echo backend >> %s" % site.tags)
    assert site.writes() == [("POST", site.api_path, {"tag_names": ["backend"]})]
    assert site.server() == ["frontend", "backend"]
    assert open(site.tags).read() == "frontend\nbackend\n"


def test_same_names_send_nothing(site):
    run("printf 'Frontend\\n\\n  frontend \\n' > %s" % site.tags)
    assert site.writes() == []
    assert site.server() == ["frontend"]


def test_empty_file_detaches_everything(site):
    frontend = site.team()["frontend"]
    run(": > %s" % site.tags)
    # The release commits it, after close() returned.
    want = [("DELETE", "%s/%s" % (site.api_path, frontend), None)]
    wait_for(lambda: site.writes() == want)
    assert site.writes() == want
    assert site.server() == []


# tool -> a shell command that turns "frontend" into "ops" and adds "qa" in {f}
EDITORS = {
    "vim-defaults": VIM + " -u DEFAULTS -c '%s/frontend/ops/' -c 'call append(\"$\", \"qa\")' -c wq {f}",
    "vim-compatible": "vim -Es -i NONE -c '%s/frontend/ops/' -c 'call append(\"$\", \"qa\")' -c wq {f}",
    "vim-backup": VIM + " -u DEFAULTS -c 'set writebackup backup' -c '%s/frontend/ops/' -c 'call append(\"$\", \"qa\")' -c wq {f}",
    "ed": "printf ',s/frontend/ops/\\na\\nqa\\n.\\nw\\nq\\n' | ed -s {f}",
    "sed-i": "sed -i 's/frontend/ops/; $a qa' {f}",
    "perl-pi": "perl -pi -e 's/frontend/ops/; $_ .= \"qa\\n\" if eof' {f}",
    "python-atomic": "/usr/bin/python3 -c \"import os,tempfile;p='{f}';s=open(p).read();"
                     "fd,t=tempfile.mkstemp(dir=os.path.dirname(p));os.write(fd,(s.replace('frontend','ops')+'qa\\n').encode());"
                     "os.fsync(fd);os.close(fd);os.replace(t,p)\"",
}


@pytest.mark.parametrize("tool", sorted(EDITORS))
def test_editor_save_is_one_apply(site, tool):
    before = set(os.listdir(site.dir))
    frontend = site.team()["frontend"]
    run(EDITORS[tool].format(f=site.tags), cwd=site.dir, timeout=30)
    assert site.writes() == [("POST", site.api_path, {"tag_names": ["ops", "qa"]}),
                             ("DELETE", "%s/%s" % (site.api_path, frontend), None)], tool
    assert site.server() == ["ops", "qa"]
    assert open(site.tags).read() == "ops\nqa\n"
    left = set(os.listdir(site.dir)) - before
    # vim with 'backup' keeps tags~ by design; it lives in memory only.
    assert left == ({"tags~"} if tool == "vim-backup" else set()), left


def tmux(*args):
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10)


def wait_for(pred, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not shutil.which("nano") or not shutil.which("tmux"), reason="needs nano and tmux")
def test_nano_save(site):
    s = "cfs-tags-nano-%d" % os.getpid()
    tmux("new-session", "-d", "-s", s, "-x", "120", "-y", "30", "cd %s && nano tags" % site.dir)
    try:
        assert wait_for(lambda: "frontend" in tmux("capture-pane", "-p", "-t", s).stdout)
        # ^K cuts the line; type the new one; ^S saves; ^X quits.
        tmux("send-keys", "-t", s, "C-k", "ops", "Enter", "C-s")
        time.sleep(1)
        tmux("send-keys", "-t", s, "C-x")
        assert wait_for(lambda: tmux("has-session", "-t", s).returncode != 0)
    finally:
        tmux("kill-session", "-t", s)
    assert [w[0] for w in site.writes()] == ["POST", "DELETE"], site.writes()
    assert site.server() == ["ops"]


@pytest.mark.parametrize("cmd,why", [
    ("echo x > {f}", "2 characters or more"),
    ("printf 'ok\\n<b>\\n' > {f}", "holds '<'"),
    ("sed -i 's/frontend/a<b>c/' {f}", "holds '<'"),
    ("echo '  y ' >> {f}", "2 characters or more"),
    ("/usr/bin/python3 -c \"f=open('{f}','w');f.write('ok\\n' + 'z' * 256 + '\\n');f.close()\"", "255 characters"),
])
def test_a_name_the_api_refuses_fails_with_EINVAL_and_sends_nothing(site, cmd, why):
    r = run(cmd.format(f=site.tags), cwd=site.dir, check=False)
    assert r.returncode != 0
    assert "Invalid argument" in r.stderr, r.stderr
    time.sleep(0.3)
    assert site.writes() == []
    assert site.server() == ["frontend"]
    assert open(site.tags).read() == "frontend\n"
    lines = [l for l in site.mnt.stderr().splitlines() if "not saved" in l]
    assert len(lines) == 1 and why in lines[0] and "tags" in lines[0], lines
    assert not [n for n in os.listdir(site.dir) if n.startswith("sed")]


def test_top_level_tags_follow_at_once(site):
    top = site.mnt.p("tags")
    assert sorted(os.listdir(top)) == ["automation", "backend", "frontend"]
    run("echo release >> %s" % site.tags)
    assert sorted(os.listdir(top)) == ["automation", "backend", "frontend", "release"]
    # The last resource of a tag lets it go, and the API deletes it.
    svc = TagSite(site.fake, site.mnt, "services", lambda o: o["name"].startswith("n8n"))
    assert open(svc.tags).read() == "automation\n"
    run(": > %s" % svc.tags)
    wait_for(lambda: sorted(os.listdir(top)) == ["backend", "frontend", "release"])
    assert sorted(os.listdir(top)) == ["backend", "frontend", "release"]
    assert open(svc.tags).read() == ""


def test_database_tags_are_saved_too(latest, mount_factory):
    latest.reset()
    db = TagSite(latest, mount_factory(latest), "databases", lambda o: o["name"] == "web-db")
    latest.clear_log()
    run("printf 'frontend\\ncache\\n' > %s" % db.tags)
    assert db.writes() == [("POST", db.api_path, {"tag_names": ["frontend", "cache"]})]
    assert db.server() == ["frontend", "cache"]


def test_refused_by_the_api_is_the_writes_error(latest, mount_factory):
    latest.reset()
    s = find_web(latest, mount_factory(latest, token=READ_TOKEN))
    latest.clear_log()
    r = run("echo ops >> %s" % s.tags, check=False)
    assert r.returncode != 0 and "Permission denied" in r.stderr, r.stderr
    assert [w[0] for w in s.writes()] == ["POST"]  # refused (403), not retried
    assert s.server() == ["frontend"]
    assert any("POST /applications/%s/tags" % s.uuid in l for l in s.mnt.stderr().splitlines()), s.mnt.stderr()


def test_rm_and_mv_keep_the_tags(site):
    assert run("rm %s" % site.tags, check=False).returncode != 0
    assert run("mv %s %s/other" % (site.tags, site.dir), check=False).returncode != 0
    assert run("echo x > %s/random-name" % site.dir, check=False).returncode != 0
    assert site.writes() == []
    assert site.server() == ["frontend"]
    assert sorted(n for n in os.listdir(site.dir) if "tag" in n or "other" in n or "random" in n) == ["tags"]


@pytest.mark.parametrize("mode", ["seed", "latest"])
def test_sed_i_on_the_object_file_is_one_patch(mode, mount_factory):
    """The resource directory's temporary files serve every file that takes
    writes, on both API generations: sed -i of application.json is one PATCH."""
    f = Fake(mode=mode)
    try:
        m = mount_factory(f)
        d, uuid = resource_dir(f, m, "applications", web_pred)
        f.clear_log()
        run("sed -i 's/\"health_check_path\": \"[^\"]*\"/\"health_check_path\": \"\\/up\"/' application.json",
            cwd=d)
        writes = [(e["method"], e["path"], json.loads(e["body"])) for e in f.log() if e["method"] != "GET"]
        assert writes == [("PATCH", "/api/v1/applications/" + uuid, {"health_check_path": "/up"})], writes
        assert not [n for n in os.listdir(d) if n.startswith("sed")]
    finally:
        f.stop()


@pytest.mark.parametrize("tool", ["vim-defaults", "vim-compatible", "sed-i", "ed"])
def test_editor_refused_save_keeps_the_tags(site, tool):
    before = set(os.listdir(site.dir))
    cmd = EDITORS[tool].replace("frontend/ops", "frontend/x").format(f=site.tags)
    r = run(cmd, cwd=site.dir, timeout=30, check=False)
    assert r.returncode != 0, (tool, r)
    time.sleep(0.3)
    assert site.writes() == [], tool
    assert site.server() == ["frontend"]
    assert open(site.tags).read() == "frontend\n"
    assert "tags" in os.listdir(site.dir)
    left = set(os.listdir(site.dir)) - before
    assert left <= {"tags~"}, left  # vim's backup of a failed save stays, in memory
