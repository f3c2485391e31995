"""The read-only tree (SPEC §2, §3), mounted for real over the fake Coolify
in both API generations, checked with ls, find, cat, stat and readlink."""
import json
import os
import stat

import pytest

from conftest import api_requests, run
from expected import DB_TYPES, KINDS, Tree


@pytest.fixture(scope="module")
def tree(fake_mode):
    return Tree(fake_mode)


@pytest.fixture
def mnt(fake_mode, mount_factory):
    return mount_factory(fake_mode, opts=["cache_ttl=60"])


def test_root_entries(mnt, fake_mode):
    want = ["ctl", "deployments", "health", "keys", "projects", "resources.json", "servers", "teams",
            "uuid", "version"]
    # tags/, the git apps, s3/, cloud/ and destinations/ are current
    # Coolify's only (NOTES §17):
    # absent on the 2025 API.
    if not fake_mode.api("/version")[1].startswith("4.0.0-beta"):
        want += ["tags", "github-apps", "gitlab-apps", "s3", "cloud", "destinations"]
        # Single objects (test_notifications.py): notification channels
        # and the instance's mail settings.
        want += ["notifications", "settings"]
    assert sorted(os.listdir(mnt.path)) == sorted(want)


def test_version_and_health(mnt, fake_mode):
    _, version = fake_mode.api("/version")
    assert run(["cat", mnt.p("version")]).stdout == version.strip() + "\n"
    assert run(["cat", mnt.p("health")]).stdout == "OK\n"


def test_resources_json_is_the_api_list(mnt, fake_mode):
    _, api = fake_mode.api("/resources")
    assert json.loads(open(mnt.p("resources.json")).read()) == api


def test_projects_and_environments(mnt, tree, fake_mode):
    # Shared variables are current Coolify's only (test_shared_envs.py).
    shared = [] if fake_mode.api("/version")[1].startswith("4.0.0-beta") else ["envs", "envs.env"]
    assert sorted(os.listdir(mnt.p("projects"))) == sorted(tree.projects)
    for pname, p in tree.projects.items():
        envs = tree.envs(p["uuid"])
        assert sorted(os.listdir(mnt.p("projects", pname))) == \
            sorted(["project.json", *shared, *envs])
        assert json.load(open(mnt.p("projects", pname, "project.json"))) == tree.details[p["uuid"]]
        for ename, e in envs.items():
            d = mnt.p("projects", pname, ename)
            assert sorted(os.listdir(d)) == sorted(["environment.json", *KINDS, *shared])
            assert json.load(open(os.path.join(d, "environment.json"))) == e


def test_every_resource_directory(mnt, tree):
    seen = 0
    for rel, kind, obj, _ in tree.walk():
        d = mnt.p(rel)
        assert {KINDS[kind], "status"} <= set(os.listdir(d)), rel
        status = open(os.path.join(d, "status")).read()
        assert status == obj["status"] + "\n"
        seen += 1
    assert seen == len(tree.apps) + len(tree.db_members) + len(tree.services)


def test_json_files_are_the_api_objects(mnt, tree, fake_mode):
    for rel, kind, obj, _ in tree.walk():
        got = json.load(open(mnt.p(rel, KINDS[kind])))
        if kind == "databases" and obj not in tree.dbs:
            # Listed only by /resources: the file is the object itself.
            _, obj = fake_mode.api("/databases/" + obj["uuid"])
        assert got == obj, rel


def test_every_database_type_is_present(mnt, tree):
    """NOTES §5.1: GET /databases drops some in seed mode; none may be missing."""
    found = set()
    for rel, kind, obj, _ in tree.walk():
        if kind == "databases":
            assert os.path.isdir(mnt.p(rel))
            found.add(tree.db_type[obj["uuid"]])
    assert found == set(DB_TYPES)


def test_dropped_database_is_shown(mnt, tree, fake_mode):
    dropped = [r for r in tree.db_members if r not in tree.dbs]
    if fake_mode.api("/version")[1].startswith("4.0.0-beta"):
        assert dropped, "the seed demo data should exercise NOTES §5.1"
    for rel, kind, obj, _ in tree.walk():
        if obj in dropped:
            j = json.load(open(mnt.p(rel, "database.json")))
            assert j["uuid"] == obj["uuid"]


def test_names_are_escaped_and_deduplicated(mnt, tree):
    names = [rel.split("/")[-1] for rel, *_ in tree.walk()] + list(tree.projects)
    assert any("%2F" in n for n in names), "demo data should have a / in a name"
    assert any("@" in n for n in names), "demo data should have twin names"
    for n in names:
        assert "/" not in n
    listing = run("ls -R " + mnt.path).stdout
    for n in names:
        assert n in listing


def test_modes_owner_and_mtimes(mnt, tree):
    import calendar
    import time

    def ts(s):
        s = s.replace("T", " ").rstrip("Z").split(".")[0]
        return calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M:%S"))

    for rel, kind, obj, _ in tree.walk():
        st = os.stat(mnt.p(rel))
        assert stat.S_IMODE(st.st_mode) == 0o700 and stat.S_ISDIR(st.st_mode)
        assert st.st_uid == os.getuid()
        f = os.stat(mnt.p(rel, KINDS[kind]))
        # Writable: saving it updates the object (SPEC §3.4).
        assert stat.S_IMODE(f.st_mode) == 0o600 and stat.S_ISREG(f.st_mode)
        if obj.get("updated_at"):
            assert int(f.st_mtime) == ts(obj["updated_at"]), rel
        # the size stat reports is what cat reads
        assert f.st_size == len(open(mnt.p(rel, KINDS[kind]), "rb").read())


def test_uuid_symlinks(mnt, tree):
    links = set(os.listdir(mnt.p("uuid")))
    expected = {p["uuid"] for p in tree.projects.values()}
    expected |= {r["uuid"] for k in KINDS for r in tree.by_kind[k]}
    # Servers and keys have theirs too (test_instance.py reads them).
    expected |= {o["uuid"] for o in tree.servers + tree.keys}
    assert links == expected
    for pname, p in tree.projects.items():
        assert os.readlink(mnt.p("uuid", p["uuid"])) == "../projects/" + pname
    for rel, kind, obj, _ in tree.walk():
        link = mnt.p("uuid", obj["uuid"])
        assert os.readlink(link) == "../" + rel
        assert os.path.samefile(os.path.realpath(link), mnt.p(rel))
        assert open(os.path.join(link, "status")).read() == obj["status"] + "\n"


def test_cat_every_status_with_a_glob(mnt, tree):
    out = run("cat %s/projects/*/*/*/*/status | sort | uniq -c" % mnt.path).stdout
    total = sum(int(line.split()[0]) for line in out.splitlines())
    assert total == len(tree.apps) + len(tree.db_members) + len(tree.services)


def test_find_sees_everything(mnt, tree):
    out = run(["find", mnt.path, "-name", "status", "-not", "-path", "*/deployments/*",
               "-not", "-path", "*/executions/*",
               "-not", "-path", "*/containers/*"]).stdout.splitlines()
    assert len(out) == len(tree.apps) + len(tree.db_members) + len(tree.services)


def test_missing_paths(mnt):
    for p in ["nope", "projects/nope", "projects/nope/production", "uuid/nope", "version/x"]:
        assert not os.path.exists(mnt.p(p))
    r = run(["cat", mnt.p("projects", "nope")], check=False)
    assert r.returncode and "No such file" in r.stderr


def test_read_only_files_refuse_writes(mnt):
    r = run("echo x > %s" % mnt.p("version"), check=False)
    assert r.returncode and "Permission denied" in r.stderr
    # Only projects/ and projects/P/ make directories (SPEC §3.4).
    r = run(["mkdir", mnt.p("projects", "website", "production", "applications", "new")],
            check=False)
    assert r.returncode


def test_cold_and_warm_ls_lR_request_counts(fake_mode, mount_factory, tree):
    """A cold walk costs the list requests plus one per project; a warm one
    costs nothing (SPEC §4)."""
    m = mount_factory(fake_mode, opts=["cache_ttl=600"])
    fake_mode.clear_log()
    run(["ls", "-lR", m.path])
    reqs = api_requests(fake_mode)
    gets = [p for meth, p in reqs]
    assert all(meth == "GET" for meth, _ in reqs)
    # (A service's logs are asked for once per container: same path,
    # another query.)
    asked = [(e["path"], e["query"]) for e in fake_mode.log()]
    assert len(asked) == len(set(asked)), "a request was made twice: %s" % asked
    # Shared variables (current Coolify): one list per project and per
    # environment, like a resource's envs/ (test_shared_envs.py).
    shared = [p for p in gets if p.endswith("/envs") and p.startswith("/api/v1/projects/")]
    want_shared = []
    if not fake_mode.api("/version")[1].startswith("4.0.0-beta"):
        for p in tree.projects.values():
            want_shared.append("/api/v1/projects/%s/envs" % p["uuid"])
            for e in fake_mode.api("/projects/%s/environments" % p["uuid"])[1]:
                want_shared.append("/api/v1/projects/%s/environments/%s/envs" % (p["uuid"], e["uuid"]))
    assert sorted(shared) == sorted(want_shared)
    gets = [p for p in gets if p not in shared]
    project_gets = [p for p in gets if p.startswith("/api/v1/projects/")]
    assert len(project_gets) == len(tree.projects)
    # A database only /resources lists is read on its own (NOTES §5.1).
    dropped = ["/api/v1/databases/" + r["uuid"] for r in tree.db_members if r not in tree.dbs]
    assert sorted(p for p in gets if p.startswith("/api/v1/databases/") and p.count("/") == 4) \
        == sorted(dropped)
    # A resource's envs/ and deployments/ (and logs) cost one request
    # each, never one per file (SPEC §4).
    # The instance's own objects: a list each, and a request per file of
    # a server's or team's directory (test_instance.py).
    # cloud/ (current Coolify): its two lists; a catalogue is read only
    # when its file is (test_cloud.py).
    # And a GET per single object's file (notifications/, settings/).
    instance = [p for p in gets if p.startswith(("/api/v1/servers", "/api/v1/security/keys",
                                                 "/api/v1/teams", "/api/v1/team", "/api/v1/tags",
                                                 "/api/v1/github-apps", "/api/v1/gitlab-apps",
                                                 "/api/v1/s3-storages", "/api/v1/cloud-tokens",
                                                 "/api/v1/cloud-init-scripts",
                                                 "/api/v1/destinations",
                                                 "/api/v1/notifications/", "/api/v1/settings/"))]
    gets = [p for p in gets if p not in instance]
    per_resource = [p for p in gets if p.count("/") >= 5 or p.startswith("/api/v1/deployments/")]
    uuids = {r["uuid"] for k in KINDS for r in tree.by_kind[k]}
    for p in per_resource:
        assert any(u in p for u in uuids), p
    # envs/, deployments/, tasks/ and storages/ (current Coolify): a list each.
    assert len(per_resource) <= 4 * len(uuids)
    lists = sorted(set(gets) - set(project_gets) - set(dropped) - set(per_resource))
    assert lists == sorted("/api/v1" + p for p in
                           ["/projects", "/applications", "/databases", "/services", "/resources", "/health",
                            "/deployments"])
    fake_mode.clear_log()
    run(["ls", "-lR", m.path])
    run("cat %s/projects/*/*/*/*/status >/dev/null" % m.path)
    # Statuses and the running deployments are kept for a few seconds
    # only (SPEC §3): a slow walk may ask for those lists again, and for
    # nothing else.
    fresh = {"/api/v1" + p for p in ["/applications", "/databases", "/services", "/deployments"]}
    assert {p for _, p in api_requests(fake_mode)} <= fresh
