"""clone, migrate and destinations (SPEC §6, issue 15): the ctl verbs
`clone ENVIRONMENT_PATH [NAME]`, `migrate DESTINATION` and `destination add|remove
DESTINATION`, an application's destinations/ (one link per extra destination) and
servers/S/destinations/D/{destination.json,ctl} with new.json; mounted for real over the
fake in latest mode (the seed has no such routes: the entries and verbs are absent),
driven with ls, cat, readlink, echo and vim, and checked at the fake's request log."""
import json
import os

import pytest

from conftest import Fake, api_requests, run

PROD = ("projects", "website", "production")
WEB = PROD + ("applications", "web")


@pytest.fixture(scope="module")
def latest():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def app(fake, name, env=None):
    envs = {e["uuid"]: e["name"] for p in fake.api("/projects")[1]
            for e in fake.api("/projects/%s" % p["uuid"])[1]["environments"]}
    for a in fake.api("/applications")[1]:
        if a["name"] == name and (env is None or envs[_env_uuid(fake, a)] == env):
            return a
    return None


def _env_uuid(fake, resource):
    for e in fake.state()["projects"]:
        for env in e["environments"]:
            if env["id"] == resource["environment_id"]:
                return env["uuid"]
    raise KeyError(resource["environment_id"])


def env_uuid(fake, project, env):
    p = next(p for p in fake.api("/projects")[1] if p["name"] == project)
    return next(e["uuid"] for e in fake.api("/projects/%s" % p["uuid"])[1]["environments"]
                if e["name"] == env)


def destination(fake, name):
    return next(d for d in fake.api("/destinations")[1] if d["name"] == name)


def ctl(path, line):
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def writes(fake):
    """The logged requests that are not reads: what a verb changed."""
    return [r for r in api_requests(fake) if r[0] != "GET"]


def bodies(fake):
    return [json.loads(e["body"]) for e in fake.log() if e["method"] != "GET" and e["body"]]


def test_ctl_lists_the_verbs(mnt, fresh):
    verbs = open(mnt.p(*WEB, "ctl")).read().splitlines()
    assert verbs[-4:] == ["clone ENVIRONMENT_PATH [NAME]", "migrate DESTINATION",
                          "destination add DESTINATION", "destination remove DESTINATION"]
    db = open(mnt.p(*PROD, "databases", "web-db", "ctl")).read().splitlines()
    assert db[-2:] == ["clone ENVIRONMENT_PATH [NAME]", "migrate DESTINATION"]
    assert not any(v.startswith("destination") for v in db)


def test_clone_in_its_own_environment(mnt, fresh):
    web = app(fresh, "web", "production")
    apps = mnt.p(*PROD, "applications")
    before = set(os.listdir(apps))
    fresh.clear_log()
    # Relative to the directory the resource is in (applications/).
    assert ctl(mnt.p(*WEB, "ctl"), "clone ../../production").returncode == 0
    assert writes(fresh) == [("POST", "/api/v1/applications/%s/clone" % web["uuid"])]
    assert bodies(fresh) == [{"destination_uuid": destination(fresh, "localhost-coolify")["uuid"]}]
    new = set(os.listdir(apps)) - before
    assert len(new) == 1
    name = new.pop()
    assert name.startswith("clone-of-web-")
    copy = json.load(open(os.path.join(apps, name, "application.json")))
    assert copy["uuid"] != web["uuid"] and copy["status"] == "exited:unhealthy"
    assert copy["destination"]["uuid"] == web["destination"]["uuid"]


def test_clone_into_another_environment_with_a_name(mnt, fresh):
    web = app(fresh, "web", "production")
    staging = env_uuid(fresh, "website", "staging")
    os.listdir(mnt.p(*PROD, "applications"))
    fresh.clear_log()
    r = ctl(mnt.p(*WEB, "ctl"), "clone projects/website/staging web copy")
    assert r.returncode == 0, r.stderr
    copy = app(fresh, "web copy")
    assert writes(fresh) == [("POST", "/api/v1/applications/%s/clone" % web["uuid"]),
                             ("POST", "/api/v1/applications/%s/move" % copy["uuid"])]
    assert bodies(fresh)[0]["name"] == "web copy"
    assert bodies(fresh)[1] == {"environment_uuid": staging}
    assert _env_uuid(fresh, copy) == staging
    assert "web copy" in os.listdir(mnt.p("projects", "website", "staging", "applications"))
    assert "web copy" not in os.listdir(mnt.p(*PROD, "applications"))
    # The copy has the source's variables.
    assert open(mnt.p("projects", "website", "staging", "applications", "web copy", "envs",
                      "GREETING")).read() == "hello world # not a comment\n"


def test_clone_a_database_and_a_service(mnt, fresh):
    dbs = mnt.p(*PROD, "databases")
    db = next(d for d in fresh.api("/databases")[1] if d["name"] == "web-db")
    fresh.clear_log()
    # ENV/databases/ names the environment too.
    assert ctl(os.path.join(dbs, "web-db", "ctl"),
               "clone ../../staging/databases/ web-db-copy").returncode == 0
    copy = next(d for d in fresh.api("/databases")[1] if d["name"] == "web-db-copy")
    assert writes(fresh) == [("POST", "/api/v1/databases/%s/clone" % db["uuid"]),
                             ("POST", "/api/v1/databases/%s/move" % copy["uuid"])]
    assert "web-db-copy" in os.listdir(mnt.p("projects", "website", "staging", "databases"))
    svcs = mnt.p(*PROD, "services")
    kuma = next(s for s in fresh.api("/services")[1] if s["name"] == "uptime-kuma")
    fresh.clear_log()
    assert ctl(os.path.join(svcs, "uptime-kuma", "ctl"), "clone . kuma-2").returncode == 0
    # A service's JSON names its server: its only destination is the one.
    assert writes(fresh) == [("POST", "/api/v1/services/%s/clone" % kuma["uuid"])]
    assert bodies(fresh) == [{"destination_uuid": destination(fresh, "localhost-coolify")["uuid"],
                              "name": "kuma-2"}]
    assert "kuma-2" in os.listdir(svcs)


def test_bad_environment_paths_send_nothing(mnt, fresh):
    web = app(fresh, "web", "production")
    before = fresh.api("/applications")[1]
    cases = [("clone ../../nowhere", "No such file"),
             ("clone projects/nowhere/production", "No such file"),
             ("clone servers/localhost", "Invalid argument"),
             ("clone ../../../../../..", "Invalid argument"),
             ("clone /elsewhere/projects/website/staging", "Invalid argument"),
             ("clone", "Invalid argument")]
    for line, error in cases:
        fresh.clear_log()
        r = ctl(mnt.p(*WEB, "ctl"), line)
        assert r.returncode != 0 and error in r.stderr, (line, r.stderr)
        assert writes(fresh) == [], line
    assert "not an environment's path" in mnt.stderr()
    assert fresh.api("/applications")[1] == before
    assert app(fresh, "web", "production")["uuid"] == web["uuid"]


def test_clone_by_absolute_path(mnt, fresh):
    fresh.clear_log()
    target = mnt.p("projects", "website", "staging")
    # A quoted path may hold blanks; the name is the rest of the line.
    assert ctl(mnt.p(*WEB, "ctl"), 'clone "%s" web  abs ' % target).returncode == 0
    assert [r[1].rsplit("/", 1)[1] for r in writes(fresh)] == ["clone", "move"]
    assert "web  abs" in os.listdir(os.path.join(target, "applications"))


def test_migrate_is_refused_by_a_production_instance(mnt, fresh):
    web = app(fresh, "web", "production")
    fresh.clear_log()
    r = ctl(mnt.p(*WEB, "ctl"), "migrate hetzner-fsn1-staging")
    assert r.returncode != 0 and "No such file" in r.stderr
    assert writes(fresh) == [("POST", "/api/v1/applications/%s/migrate" % web["uuid"])]
    assert "development instance" in mnt.stderr()
    assert app(fresh, "web", "production") == web
    # An unknown destination is refused before anything is sent.
    fresh.clear_log()
    r = ctl(mnt.p(*WEB, "ctl"), "migrate nowhere")
    assert r.returncode != 0 and "No such file" in r.stderr
    assert writes(fresh) == []
    assert 'no destination is called "nowhere"' in mnt.stderr()


def test_migrate_on_a_development_instance(mnt, fresh):
    fresh.set(development=True)
    db = next(d for d in fresh.api("/databases")[1] if d["name"] == "web-db")
    dest = destination(fresh, "hetzner-fsn1-staging")
    fresh.clear_log()
    ctl_path = mnt.p(*PROD, "databases", "web-db", "ctl")
    assert ctl(ctl_path, "migrate %s" % dest["uuid"]).returncode == 0
    assert writes(fresh) == [("POST", "/api/v1/databases/%s/migrate" % db["uuid"])]
    assert bodies(fresh) == [{"destination_uuid": dest["uuid"]}]
    shown = json.load(open(mnt.p(*PROD, "databases", "web-db", "database.json")))
    assert shown["destination"]["uuid"] == dest["uuid"]
    # The API's refusal: the same server.
    fresh.clear_log()
    r = ctl(ctl_path, "migrate hetzner-fsn1-coolify")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "Migration requires a different server" in mnt.stderr()


def test_destinations_are_links_to_the_servers_destinations(mnt, fresh):
    web = app(fresh, "web", "production")
    extra = destination(fresh, "hetzner-fsn1-coolify")
    d = mnt.p(*WEB, "destinations")
    fresh.clear_log()
    # The primary destination is application.json's; the extra ones are links.
    assert os.listdir(d) == ["hetzner-fsn1-coolify"]
    link = os.path.join(d, "hetzner-fsn1-coolify")
    assert os.readlink(link) == ("../../../../../../servers/hetzner-fsn1/destinations/"
                                 "hetzner-fsn1-coolify")
    assert os.path.realpath(link) == mnt.p("servers", "hetzner-fsn1", "destinations",
                                           "hetzner-fsn1-coolify")
    shown = json.load(open(os.path.join(link, "destination.json")))
    assert shown == extra
    assert sorted(set(r[1] for r in api_requests(fresh) if "destinations" in r[1])) == sorted([
        "/api/v1/applications/%s/destinations" % web["uuid"],
        "/api/v1/servers/%s/destinations" % shown["server_uuid"]])
    assert sorted(os.listdir(mnt.p("servers", "hetzner-fsn1", "destinations"))) == [
        "hetzner-fsn1-coolify", "hetzner-fsn1-staging"]
    assert open(os.path.join(link, "ctl")).read() == "delete\n"


def test_no_extra_destinations_cost_no_request(mnt, fresh):
    """application.json's additional_networks_count says when there are none: a walk
    of many applications asks nothing for their destinations/ (SPEC §4)."""
    web = mnt.p("projects", "website", "staging", "applications", "web")
    os.listdir(web)
    fresh.clear_log()
    assert os.listdir(os.path.join(web, "destinations")) == []
    assert not os.path.exists(os.path.join(web, "destinations", "localhost-coolify"))
    assert [r for r in api_requests(fresh) if "destinations" in r[1]] == []


def test_destination_add_and_remove(mnt, fresh):
    web = app(fresh, "web", "production")
    d = mnt.p(*WEB, "destinations")
    first = destination(fresh, "hetzner-fsn1-coolify")
    second = destination(fresh, "hetzner-fsn1-staging")
    fresh.clear_log()
    assert ctl(mnt.p(*WEB, "ctl"), "destination remove hetzner-fsn1-coolify").returncode == 0
    assert writes(fresh) == [
        ("DELETE", "/api/v1/applications/%s/destinations/%s" % (web["uuid"], first["uuid"]))]
    assert os.listdir(d) == []
    fresh.clear_log()
    assert ctl(mnt.p(*WEB, "ctl"), "destination add %s" % second["uuid"]).returncode == 0
    assert writes(fresh) == [("POST", "/api/v1/applications/%s/destinations" % web["uuid"])]
    assert bodies(fresh) == [{"destination_uuid": second["uuid"]}]
    assert os.listdir(d) == ["hetzner-fsn1-staging"]
    assert json.load(open(mnt.p(*WEB, "application.json")))["additional_servers_count"] == 1
    # Refusals: the primary destination, a word that is no verb.
    listed = fresh.api("/applications/%s/destinations" % web["uuid"])[1]
    fresh.clear_log()
    r = ctl(mnt.p(*WEB, "ctl"), "destination add localhost-coolify")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "already the primary destination" in mnt.stderr()
    r = ctl(mnt.p(*WEB, "ctl"), "destination attach localhost-coolify")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert [m for m, _ in writes(fresh)] == ["POST"]
    assert fresh.api("/applications/%s/destinations" % web["uuid"])[1] == listed


def test_a_servers_destinations(mnt, fresh):
    dests = mnt.p("servers", "localhost", "destinations")
    server = next(s for s in fresh.api("/servers")[1] if s["name"] == "localhost")
    assert os.listdir(dests) == ["localhost-coolify"]
    fresh.clear_log()
    with open(os.path.join(dests, "new.json"), "w") as fh:
        json.dump({"network": "blue"}, fh)
    assert writes(fresh) == [("POST", "/api/v1/servers/%s/destinations" % server["uuid"])]
    assert sorted(os.listdir(dests)) == ["localhost-blue", "localhost-coolify"]
    blue = destination(fresh, "localhost-blue")
    # A save PATCHes what changed at /destinations/{uuid}.
    f = os.path.join(dests, "localhost-blue", "destination.json")
    fresh.clear_log()
    run("vim -Es -i NONE -N -u DEFAULTS -c '%%s/\"localhost-blue\"/\"blue-net\"/' -c wq '%s'" % f)
    assert writes(fresh) == [("PATCH", "/api/v1/destinations/%s" % blue["uuid"])]
    assert bodies(fresh) == [{"name": "blue-net"}]
    assert sorted(os.listdir(dests)) == ["blue-net", "localhost-coolify"]
    # The network cannot change: the API's 422, and nothing changes.
    fresh.clear_log()
    f = os.path.join(dests, "blue-net", "destination.json")
    r = run("vim -Es -i NONE -N -u DEFAULTS -c '%%s/\"blue\"/\"red\"/' -c wq '%s'" % f,
            check=False)
    assert r.returncode != 0
    assert "not allowed" in mnt.stderr()
    assert destination(fresh, "blue-net")["network"] == "blue"
    # A destination in use is not deleted (EBUSY); an unused one is.
    fresh.clear_log()
    r = ctl(os.path.join(dests, "localhost-coolify", "ctl"), "delete")
    assert r.returncode != 0 and "busy" in r.stderr
    assert "attached resources" in mnt.stderr()
    assert ctl(os.path.join(dests, "blue-net", "ctl"), "delete").returncode == 0
    assert writes(fresh) == [
        ("DELETE", "/api/v1/destinations/%s" % destination(fresh, "localhost-coolify")["uuid"]),
        ("DELETE", "/api/v1/destinations/%s" % blue["uuid"])]
    assert os.listdir(dests) == ["localhost-coolify"]


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "destinations" not in os.listdir(m.p(*WEB))
    assert "destinations" not in os.listdir(m.p("servers", "localhost"))
    assert not os.path.exists(m.p("servers", "localhost", "destinations"))
    verbs = open(m.p(*WEB, "ctl")).read()
    assert "clone" not in verbs and "migrate" not in verbs and "destination" not in verbs
    r = ctl(m.p(*WEB, "ctl"), "clone ../../staging")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert [r for r in api_requests(fake) if "destination" in r[1] or r[0] != "GET"] == []
