"""mv in the mount (SPEC §6, issue 15): renaming a resource, a project, an
environment or a member of a plain collection is a PATCH of its name;
mv into another environment's collection is the API's move (current
Coolify). Each test drives the mount with mv (or rename(2) where the errno
matters), then checks at the fake exactly which requests changed
something, and that a refused mv sent nothing else and changed nothing."""
import errno
import json
import os
import stat

import pytest

from conftest import run

WEB = "projects/website/production"
APPS = WEB + "/applications"
STAGING = "projects/website/staging"
TOOLS = "projects/tools/production"


@pytest.fixture
def site(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode)
    fake_mode.clear_log()
    return fake_mode, m


def latest(fake):
    _, v = fake.api("/version")
    return not str(v).startswith("4.0.0-beta")


def writes(fake):
    """The requests that change something: (method, path without /api/v1,
    parsed body)."""
    return [(e["method"], e["path"][len("/api/v1"):], json.loads(e["body"]) if e.get("body") else None)
            for e in fake.log() if e["method"] != "GET"]


def resources(fake):
    _, rs = fake.api("/resources")
    return rs


def res(fake, name, kind="application", where=("website", "production")):
    """The resource called name (the first of twins) in environment where,
    as /resources lists it."""
    env_id = env(fake, *where)[1]["id"]
    return next(r for r in resources(fake) if r["name"] == name and r["environment_id"] == env_id
                and (r["type"] == kind or r["type"].startswith("standalone-") and kind == "database"))


def by_uuid(fake, uuid):
    return next(r for r in resources(fake) if r["uuid"] == uuid)


def names(fake):
    """Every name the instance holds, to check that a refusal changed none."""
    st = fake.state()
    out = {"projects": sorted(p["name"] for p in fake.api("/projects")[1])}
    out["resources"] = sorted((r["name"], r["environment_id"]) for r in resources(fake))
    out["environments"] = sorted(e["name"] for p in st["projects"] for e in p.get("environments", []))
    return out


def env(fake, project, name):
    _, ps = fake.api("/projects")
    p = next(p for p in ps if p["name"] == project)
    _, d = fake.api("/projects/" + p["uuid"])
    return p["uuid"], next(e for e in d["environments"] if e["name"] == name)


def refuse(path_from, path_to, err):
    with pytest.raises(OSError) as e:
        os.rename(path_from, path_to)
    assert e.value.errno == err, os.strerror(e.value.errno)


# ---- resources ----

def test_mv_renames_an_application(site):
    fake, m = site
    uuid = res(fake, "web")["uuid"]
    run("cd '%s' && mv web frontend" % m.p(APPS))
    assert writes(fake) == [("PATCH", "/applications/" + uuid, {"name": "frontend"})]
    # The kernel's view is right at once: the old name gone, the new one there.
    assert not os.path.exists(m.p(APPS, "web"))
    assert open(m.p(APPS, "frontend", "status")).read() == res(fake, "frontend")["status"] + "\n"
    assert sorted(os.listdir(m.p(APPS)))[-1] == "frontend"
    assert "web" not in os.listdir(m.p(APPS))
    assert json.load(open(m.p(APPS, "frontend", "application.json")))["name"] == "frontend"
    assert os.readlink(m.p("uuid", uuid)) == "../" + APPS + "/frontend"


def test_mv_renames_a_database_and_a_service(site):
    fake, m = site
    db = res(fake, "web-db", "database")
    svc = res(fake, "uptime-kuma", "service")
    _, before = fake.api("/services/" + svc["uuid"])
    run("cd '%s' && mv databases/web-db databases/main-db && mv services/uptime-kuma services/kuma"
        % m.p(WEB))
    sent = writes(fake)
    assert sent[0] == ("PATCH", "/databases/" + db["uuid"], {"name": "main-db"})
    # NOTES §6.3: the service PATCH replaces it whole, so the rest comes
    # from the object as it was.
    method, path, body = sent[1]
    assert (method, path, len(sent)) == ("PATCH", "/services/" + svc["uuid"], 2)
    assert body["name"] == "kuma" and "docker_compose_raw" in body
    _, after = fake.api("/services/" + svc["uuid"])
    assert after["name"] == "kuma"
    assert after["description"] == before["description"]
    assert after["docker_compose_raw"] == before["docker_compose_raw"]
    assert sorted(os.listdir(m.p(WEB, "databases"))) == ["main-db", "rate-limiter"]
    assert os.listdir(m.p(WEB, "services")) == ["kuma"]


def test_mv_onto_a_sibling_is_eexist_and_sends_nothing(site):
    fake, m = site
    before = names(fake)
    twins = sorted(e for e in os.listdir(m.p(APPS)) if e.startswith("api@"))
    # Onto an entry that is there: nothing is ever replaced.
    refuse(m.p(APPS, "web"), m.p(APPS, twins[0]), errno.EEXIST)
    # Onto a name siblings have (shown as api@UUID): it would twin them.
    refuse(m.p(APPS, "web"), m.p(APPS, "api"), errno.EEXIST)
    assert run("cd '%s' && mv web api" % m.p(APPS), check=False).returncode != 0
    # Onto what the directory keeps for itself: a file, which the kernel
    # itself will not put a directory over.
    refuse(m.p(APPS, "web"), m.p(APPS, "new.json"), errno.ENOTDIR)
    assert writes(fake) == []
    assert names(fake) == before
    assert "another application there is called that" in m.stderr()


def test_twins_and_escaped_names(site):
    fake, m = site
    twins = sorted(e for e in os.listdir(m.p(APPS)) if e.startswith("api@"))
    one, other = (t.split("@")[1] for t in twins)
    web = res(fake, "web")["uuid"]
    run("cd '%s' && mv '%s' backend" % (m.p(APPS), twins[0]))
    # The other api has no twin left: it is plain "api" now.
    assert sorted(os.listdir(m.p(APPS))) == ["api", "backend", "web"]
    # %2F is a '/', %25 a '%'.
    run("cd '%s' && mv web 'web%%2Fv2' && mv backend 'backend 50%%25'" % m.p(APPS))
    # NAME@UUID, with its own uuid, names it NAME beside another NAME.
    run("cd '%s' && mv 'web%%2Fv2' 'api@%s'" % (m.p(APPS), web))
    assert writes(fake) == [("PATCH", "/applications/" + one, {"name": "backend"}),
                            ("PATCH", "/applications/" + web, {"name": "web/v2"}),
                            ("PATCH", "/applications/" + one, {"name": "backend 50%"}),
                            ("PATCH", "/applications/" + web, {"name": "api"})]
    assert sorted(os.listdir(m.p(APPS))) == sorted(["api@" + other, "api@" + web, "backend 50%25"])
    fake.clear_log()
    # What no listing could show: a bad escape, NAME@UUID without a NAME.
    refuse(m.p(APPS, "backend 50%25"), m.p(APPS, "100%"), errno.EINVAL)
    refuse(m.p(APPS, "backend 50%25"), m.p(APPS, "solo@" + one), errno.EINVAL)
    refuse(m.p(APPS, "backend 50%25"), m.p(APPS, "a%2fb"), errno.EINVAL)
    assert writes(fake) == []


def test_a_refused_rename_changes_nothing_and_is_sent_once(site):
    fake, m = site
    uuid = res(fake, "web")["uuid"]
    before = names(fake)
    fake.fault(status=422, count=1, match="/applications/" + uuid, method="PATCH")
    r = run("cd '%s' && mv web frontend" % m.p(APPS), check=False)
    assert r.returncode != 0
    # mv retries a renameat2(RENAME_NOREPLACE) refused with EINVAL as a
    # plain rename: the API is asked once.
    assert writes(fake) == [("PATCH", "/applications/" + uuid, {"name": "frontend"})]
    assert names(fake) == before
    assert os.path.isdir(m.p(APPS, "web")) and not os.path.exists(m.p(APPS, "frontend"))
    assert "PATCH /applications/%s" % uuid in m.stderr()
    # Asked again later, it is sent again (and now the API takes it).
    fake.clear_log()
    run("cd '%s' && mv web frontend" % m.p(APPS))
    assert writes(fake) == [("PATCH", "/applications/" + uuid, {"name": "frontend"})]


def test_mv_moves_to_another_environment(site):
    fake, m = site
    web, db, svc = res(fake, "web"), res(fake, "rate-limiter", "database"), res(fake, "uptime-kuma", "service")
    _, tools = env(fake, "tools", "production")
    _, staging = env(fake, "website", "staging")
    before = names(fake)
    cmd = ("cd '%s' && mv applications/web ../../tools/production/applications/ && "
           "mv databases/rate-limiter services/uptime-kuma ../staging/databases/" % m.p(WEB))
    if not latest(fake):
        # The 2025 API has no move: EOPNOTSUPP, and nothing is sent.
        refuse(m.p(APPS, "web"), m.p(TOOLS, "applications", "web"), errno.EOPNOTSUPP)
        assert run(cmd, check=False).returncode != 0
        assert writes(fake) == [] and names(fake) == before
        assert "cannot move applications to another environment" in m.stderr()
        return
    # The service cannot go into databases/: mv goes on after that one.
    assert run(cmd, check=False).returncode != 0
    assert writes(fake) == [
        ("POST", "/applications/%s/move" % web["uuid"], {"environment_uuid": tools["uuid"]}),
        ("POST", "/databases/%s/move" % db["uuid"], {"environment_uuid": staging["uuid"]})]
    assert "web" not in os.listdir(m.p(APPS))
    assert "web" in os.listdir(m.p(TOOLS, "applications"))
    assert os.readlink(m.p("uuid", web["uuid"])) == "../" + TOOLS + "/applications/web"
    assert sorted(os.listdir(m.p(STAGING, "databases"))) == ["rate-limiter", "web-cache"]
    assert by_uuid(fake, web["uuid"])["environment_id"] == tools["id"]
    assert by_uuid(fake, svc["uuid"])["environment_id"] == svc["environment_id"]
    fake.clear_log()
    run("mv '%s' '%s'" % (m.p(WEB, "services", "uptime-kuma"), m.p(STAGING, "services")))
    assert writes(fake) == [("POST", "/services/%s/move" % svc["uuid"],
                             {"environment_uuid": staging["uuid"]})]
    assert os.listdir(m.p(STAGING, "services")) == ["uptime-kuma"]


def test_a_move_beside_a_namesake(site):
    fake, m = site
    if not latest(fake):
        pytest.skip("no move on the 2025 API")
    web = res(fake, "web")["uuid"]
    other = next(r["uuid"] for r in resources(fake) if r["name"] == "web" and r["uuid"] != web)
    # staging has a web already: the plain name would twin it.
    assert run("mv '%s' '%s/'" % (m.p(APPS, "web"), m.p(STAGING, "applications")),
               check=False).returncode != 0
    assert writes(fake) == []
    # As NAME@UUID, the form both are shown in then, it moves.
    run("mv '%s' '%s'" % (m.p(APPS, "web"), m.p(STAGING, "applications", "web@" + web)))
    _, staging = env(fake, "website", "staging")
    assert writes(fake) == [("POST", "/applications/%s/move" % web, {"environment_uuid": staging["uuid"]})]
    assert sorted(os.listdir(m.p(STAGING, "applications"))) == sorted(["web@" + web, "web@" + other])


def test_a_move_elsewhere_is_einval_and_sends_nothing(site):
    fake, m = site
    before = names(fake)
    # An application stays an application; an environment is no collection.
    refuse(m.p(APPS, "web"), m.p(WEB, "databases", "web"), errno.EINVAL)
    refuse(m.p(APPS, "web"), m.p(STAGING, "web"), errno.EINVAL)
    # A move keeps the name: move it, then rename it.
    refuse(m.p(APPS, "web"), m.p(TOOLS, "applications", "web2"), errno.EINVAL)
    # Files stay where they are (mv then copies them, as across devices).
    refuse(m.p(APPS, "web", "status"), m.p(STAGING, "applications", "web", "status"), errno.EXDEV)
    assert writes(fake) == [] and names(fake) == before
    assert "only another environment's applications/ can take it" in m.stderr()


def test_rm_r_and_rmdir_still_never_delete(site):
    fake, m = site
    run("cd '%s' && mv web frontend" % m.p(APPS))
    fake.clear_log()
    refuse_rm = run("rmdir '%s'" % m.p(APPS, "frontend"), check=False)
    assert refuse_rm.returncode != 0
    assert not [w for w in writes(fake) if w[0] == "DELETE" and "/applications/" in w[1]]
    assert "frontend" in os.listdir(m.p(APPS))


def test_a_read_only_mount_renames_nothing(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode, opts=("ro",))
    fake_mode.clear_log()
    refuse(m.p(APPS, "web"), m.p(APPS, "frontend"), errno.EROFS)
    refuse(m.p("projects", "website"), m.p("projects", "site"), errno.EROFS)
    assert writes(fake_mode) == []


# ---- projects and environments ----

def test_mv_renames_a_project(site):
    fake, m = site
    uuid, _ = env(fake, "website", "production")
    run("cd '%s' && mv website storefront" % m.p("projects"))
    assert writes(fake) == [("PATCH", "/projects/" + uuid, {"name": "storefront"})]
    assert sorted(os.listdir(m.p("projects"))) == ["shop%2Flegacy", "storefront", "tools"]
    assert json.load(open(m.p("projects", "storefront", "project.json")))["name"] == "storefront"
    assert "web" in os.listdir(m.p("projects", "storefront", "production", "applications"))
    fake.clear_log()
    # Onto another project: EEXIST, nothing sent.
    refuse(m.p("projects", "storefront"), m.p("projects", "tools"), errno.EEXIST)
    # An escaped name is the name: "a%2Fb" is "a/b".
    run("cd '%s' && mv storefront 'web%%2Fshop'" % m.p("projects"))
    assert writes(fake) == [("PATCH", "/projects/" + uuid, {"name": "web/shop"})]
    fake.clear_log()
    if latest(fake):
        # HEAD's name rules: at least 3 characters, no '%'.
        before = names(fake)
        assert run("cd '%s' && mv 'web%%2Fshop' ab" % m.p("projects"), check=False).returncode != 0
        assert writes(fake) == [("PATCH", "/projects/" + uuid, {"name": "ab"})]
        assert names(fake) == before
        assert "The name must be at least 3 characters." in m.stderr()


def test_mv_renames_an_environment(site):
    fake, m = site
    pu, prod = env(fake, "website", "production")
    mode = stat.S_IMODE(os.stat(m.p(WEB, "environment.json")).st_mode)
    if not latest(fake):
        # No environment endpoints: EOPNOTSUPP, and environment.json stays
        # read-only.
        refuse(m.p(WEB), m.p("projects", "website", "live"), errno.EOPNOTSUPP)
        assert mode == 0o400
        assert writes(fake) == []
        return
    assert mode == 0o600
    run("cd '%s' && mv production live" % m.p("projects", "website"))
    assert writes(fake) == [("PATCH", "/projects/%s/environments/%s" % (pu, prod["uuid"]),
                             {"name": "live"})]
    # envs/ and envs.env: the project's shared variables (current Coolify).
    assert sorted(os.listdir(m.p("projects", "website"))) == \
        ["envs", "envs.env", "live", "project.json", "staging"]
    assert "web" in os.listdir(m.p("projects", "website", "live", "applications"))
    fake.clear_log()
    before = names(fake)
    live = m.p("projects", "website", "live")
    # The API would store it lower-cased: EINVAL; onto staging: EEXIST.
    refuse(live, m.p("projects", "website", "Live"), errno.EINVAL)
    refuse(live, m.p("projects", "website", "staging"), errno.EEXIST)
    # project.json is no environment.
    refuse(m.p("projects", "website", "project.json"), m.p("projects", "website", "p.json"),
           errno.EACCES)
    assert writes(fake) == [] and names(fake) == before


def test_environment_json_saves_what_changed(site, tmp_path):
    fake, m = site
    if not latest(fake):
        pytest.skip("no environment PATCH on the 2025 API")
    pu, prod = env(fake, "website", "production")
    f = m.p(WEB, "environment.json")
    run("jq '.description=\"the live one\"' %s > %s/e && cp %s/e %s" % (f, tmp_path, tmp_path, f))
    assert writes(fake) == [("PATCH", "/projects/%s/environments/%s" % (pu, prod["uuid"]),
                             {"description": "the live one"})]
    assert json.load(open(f))["description"] == "the live one"


# ---- collections of plain objects ----

def test_mv_renames_tags_servers_and_keys(site):
    fake, m = site
    _, servers = fake.api("/servers")
    box = next(s["uuid"] for s in servers if s["name"] == "hetzner-fsn1")
    _, keys = fake.api("/security/keys")
    key = next(k for k in keys if k["name"] == "github-deploy-key")
    run("cd '%s' && mv servers/hetzner-fsn1 servers/fsn1 && mv keys/github-deploy-key keys/gh"
        % m.p())
    sent = writes(fake)
    assert sent[0] == ("PATCH", "/servers/" + box, {"name": "fsn1"})
    # NOTES §13: the key's PATCH wants the key itself every time.
    assert sent[1] == ("PATCH", "/security/keys/" + key["uuid"],
                       {"name": "gh", "private_key": key["private_key"]})
    assert sorted(os.listdir(m.p("servers"))) == ["fsn1", "localhost"]
    assert "gh" in os.listdir(m.p("keys"))
    assert os.readlink(m.p("uuid", box)) == "../servers/fsn1"
    fake.clear_log()
    # Teams have no PATCH.
    refuse(m.p("teams", "Root Team"), m.p("teams", "Roots"), errno.EACCES)
    assert writes(fake) == []
    assert "Root Team keeps its name" in m.stderr()
    if not latest(fake):
        assert not os.path.exists(m.p("tags"))
        return
    _, tags = fake.api("/tags")
    frontend = next(t["uuid"] for t in tags if t["name"] == "frontend")
    run("cd '%s' && mv frontend web" % m.p("tags"))
    assert writes(fake) == [("PATCH", "/tags/" + frontend, {"name": "web"})]
    assert sorted(os.listdir(m.p("tags"))) == ["automation", "backend", "web"]
    fake.clear_log()
    # Tags are stored lower-cased; onto another tag: EEXIST.
    refuse(m.p("tags", "web"), m.p("tags", "Web"), errno.EINVAL)
    refuse(m.p("tags", "web"), m.p("tags", "backend"), errno.EEXIST)
    assert writes(fake) == []
