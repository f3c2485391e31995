"""The API coverage sweep: every operation of current Coolify that the rest of
the suite never sent (scripts/api-coverage, the `| no |` rows) is the same
code path as a reached one but for another resource kind. Each test here
does, as a user would, the action that sends one of them (ls, cat, echo,
printf, rm, vim, a ctl line), over the fake in latest mode, and checks at the
fake's request log that exactly that request went (method, path, the body
where it matters) and that the fake's state changed (or the errno the API's
answer maps to)."""
import base64
import json
import os
import shutil
import tempfile
import time

import pytest

from conftest import ctl, run

PROD = ("projects", "website", "production")
WEB_DB = PROD + ("databases", "web-db")
TOOLS = ("projects", "tools", "production", "services")


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=60"])
    fresh.clear_log()
    return m


def writes(fake):
    """(method, path below /api/v1, parsed body) of the requests that are not reads."""
    return [(e["method"], e["path"][len("/api/v1"):],
             json.loads(e["body"]) if e.get("body") else None)
            for e in fake.log() if e["method"] != "GET"]


def gets(fake):
    return [e["path"][len("/api/v1"):] for e in fake.log() if e["method"] == "GET"]


def vim(path, command, check=True):
    """vim's :s and :wq (written in place), its backup in a HOME of its own."""
    home = tempfile.mkdtemp(dir="/var/tmp")
    try:
        return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
                   check=check, env=dict(os.environ, HOME=home))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def db(fake, name="web-db"):
    return next(d for d in fake.api("/databases")[1] if d["name"] == name)


def n8n(fake):
    return next(s for s in fake.api("/services")[1] if s["name"].startswith("n8n"))


def n8n_dir(mnt, fake):
    return mnt.p(*TOOLS, n8n(fake)["name"])


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline
        time.sleep(0.2)


# -- a service's scheduled tasks ---------------------------------------------------------------

def test_service_tasks_new_save_run_delete(mnt, fresh):
    svc = n8n(fresh)
    d = os.path.join(n8n_dir(mnt, fresh), "tasks")
    base = "/services/%s/scheduled-tasks" % svc["uuid"]
    task = fresh.api(base)[1][0]
    os.listdir(d)
    fresh.clear_log()
    body = {"name": "prune", "command": "n8n prune", "frequency": "hourly"}
    run("echo '%s' > '%s'" % (json.dumps(body), os.path.join(d, "new.json")))
    assert writes(fresh) == [("POST", base, body)]
    assert "prune" in [t["name"] for t in fresh.api(base)[1]]
    assert "prune" in os.listdir(d)

    fresh.clear_log()
    vim(os.path.join(d, task["name"], "task.json"), r'%s/"frequency": "[^"]*"/"frequency": "weekly"/')
    assert writes(fresh) == [("PATCH", "%s/%s" % (base, task["uuid"]), {"frequency": "weekly"})]
    assert next(t for t in fresh.api(base)[1] if t["uuid"] == task["uuid"])["frequency"] == "weekly"

    runs = "%s/%s/executions" % (base, task["uuid"])
    before = len(fresh.api(runs)[1])
    fresh.clear_log()
    assert ctl(os.path.join(d, task["name"], "ctl"), "run").returncode == 0
    assert writes(fresh) == [("POST", "%s/%s/execute" % (base, task["uuid"]), None)]
    assert len(fresh.api(runs)[1]) == before + 1

    fresh.clear_log()
    assert ctl(os.path.join(d, "prune", "ctl"), "delete").returncode == 0
    prune = [w for w in writes(fresh)]
    assert len(prune) == 1 and prune[0][0] == "DELETE" and prune[0][1].startswith(base + "/")
    assert "prune" not in [t["name"] for t in fresh.api(base)[1]]
    assert "prune" not in os.listdir(d)


# -- a database's and a service's storages -----------------------------------------------------

def test_database_storage_new_save_delete(mnt, fresh):
    uuid = db(fresh)["uuid"]
    d = mnt.p(*WEB_DB, "storages")
    base = "/databases/%s/storages" % uuid
    os.listdir(d)
    fresh.clear_log()
    body = {"type": "persistent", "name": "extra", "mount_path": "/extra"}
    run("echo '%s' > '%s'" % (json.dumps(body), os.path.join(d, "new.json")))
    assert writes(fresh) == [("POST", base, body)]
    vol = next(v for v in fresh.api(base)[1]["persistent_storages"] if v["name"] == uuid + "-extra")
    assert uuid + "-extra" in os.listdir(d)

    fresh.clear_log()
    vim(os.path.join(d, uuid + "-extra", "storage.json"), r'%s#"/extra"#"/more"#')
    assert writes(fresh) == [("PATCH", base, {"uuid": vol["uuid"], "type": "persistent",
                                              "mount_path": "/more"})]
    assert next(v for v in fresh.api(base)[1]["persistent_storages"]
                if v["uuid"] == vol["uuid"])["mount_path"] == "/more"

    fresh.clear_log()
    assert ctl(os.path.join(d, uuid + "-extra", "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "%s/%s" % (base, vol["uuid"]), None)]
    assert vol["uuid"] not in [v["uuid"] for v in fresh.api(base)[1]["persistent_storages"]]


def test_service_storage_new_and_delete(mnt, fresh):
    svc = n8n(fresh)
    app = fresh.api("/services/%s/applications" % svc["uuid"])[1][0]
    d = os.path.join(n8n_dir(mnt, fresh), "storages")
    base = "/services/%s/storages" % svc["uuid"]
    os.listdir(d)
    fresh.clear_log()
    body = {"type": "file", "resource_uuid": app["uuid"], "mount_path": "/etc/n8n.conf",
            "content": "level=debug"}
    run("echo '%s' > '%s'" % (json.dumps(body), os.path.join(d, "new.json")))
    assert writes(fresh) == [("POST", base, body)]
    files = fresh.api(base)[1]["file_storages"]
    assert [f["mount_path"] for f in files] == ["/etc/n8n.conf"]
    assert files[0]["uuid"] in os.listdir(d)

    fresh.clear_log()
    assert ctl(os.path.join(d, files[0]["uuid"], "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "%s/%s" % (base, files[0]["uuid"]), None)]
    assert fresh.api(base)[1]["file_storages"] == []


def _volume(fake, kind):
    """(storage dir parts, API base, the volume) of a database's or a service's first volume."""
    if kind == "databases":
        uuid = db(fake)["uuid"]
        parts = WEB_DB
    else:
        svc = n8n(fake)
        uuid = svc["uuid"]
        parts = TOOLS + (svc["name"],)
    base = "/%s/%s/storages" % (kind, uuid)
    vol = fake.api(base)[1]["persistent_storages"][0]
    return parts + ("storages", vol["name"]), base + "/" + vol["uuid"], vol


@pytest.mark.parametrize("kind", ["databases", "services"])
def test_volume_backup_put_delete_and_run(mnt, fresh, kind):
    parts, one, vol = _volume(fresh, kind)
    d = mnt.p(*parts)
    os.listdir(d)
    fresh.clear_log()
    run("echo '{\"frequency\": \"0 4 * * *\"}' > '%s'" % os.path.join(d, "backup.json"))
    assert writes(fresh) == [("PUT", one + "/backups", {"frequency": "0 4 * * *"})]
    assert json.load(open(os.path.join(d, "backup.json"))) == {"frequency": "0 4 * * *"}
    # The volume cannot go (the API's 422, nothing deleted): a database's while
    # its schedule exists, a service's never (its compose file owns it).
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "delete").returncode != 0
    assert [w[:2] for w in writes(fresh)] == [("DELETE", one)]
    why = ("before deleting the volume" if kind == "databases"
           else "This storage is read-only")
    assert why in mnt.stderr()
    assert vol["uuid"] in [v["uuid"] for v in fresh.api(one.rsplit("/", 1)[0])[1]
                           ["persistent_storages"]]

    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "delete backup").returncode == 0
    assert writes(fresh) == [("DELETE", one + "/backups", None)]
    assert open(os.path.join(d, "backup.json")).read() == ""
    # No schedule any more: the API has nothing to run (404 -> ENOENT).
    r = ctl(os.path.join(d, "ctl"), "backup now")
    assert r.returncode != 0 and "No such file" in r.stderr

    run("echo '{\"frequency\": \"hourly\"}' > '%s'" % os.path.join(d, "backup.json"))
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "backup now").returncode == 0
    assert writes(fresh) == [("POST", one + "/backups/run", None)]
    # Queued: the schedule is busy, so deleting it now is refused.
    r = ctl(os.path.join(d, "ctl"), "delete backup")
    assert r.returncode != 0 and "busy" in r.stderr


# -- tags of a database and of a service -----------------------------------------------------

def test_database_tag_removed_is_one_delete(mnt, fresh):
    uuid = db(fresh)["uuid"]
    f = mnt.p(*WEB_DB, "tags")
    api = "/databases/%s/tags" % uuid
    run("printf 'frontend\\n' > '%s'" % f)
    tag = next(t for t in fresh.api("/tags")[1] if t["name"] == "frontend")
    assert [t["name"] for t in fresh.api(api)[1]] == ["frontend"]
    fresh.clear_log()
    run(": > '%s'" % f)
    # No write: the release commits the truncation, after close() returned.
    want = [("DELETE", "%s/%s" % (api, tag["uuid"]), None)]
    wait_for(lambda: writes(fresh) == want)
    assert writes(fresh) == want
    assert fresh.api(api)[1] == []
    assert open(f).read() == ""


def test_service_tag_added_is_one_post(mnt, fresh):
    svc = n8n(fresh)
    f = os.path.join(n8n_dir(mnt, fresh), "tags")
    api = "/services/%s/tags" % svc["uuid"]
    assert open(f).read() == "automation\n"
    fresh.clear_log()
    run("echo ops >> '%s'" % f)
    assert writes(fresh) == [("POST", api, {"tag_names": ["ops"]})]
    assert sorted(t["name"] for t in fresh.api(api)[1]) == ["automation", "ops"]


# -- a database's and a service's envs -------------------------------------------------------

def _env_owner(fake, mnt, kind):
    if kind == "databases":
        return mnt.p(*WEB_DB), "/databases/%s/envs" % db(fake)["uuid"]
    return n8n_dir(mnt, fake), "/services/%s/envs" % n8n(fake)["uuid"]


def _env_values(fake, api):
    return {e["key"]: e.get("value") for e in fake.api(api)[1]}


@pytest.mark.parametrize("kind", ["databases", "services"])
def test_envs_new_key_change_and_bulk(mnt, fresh, kind):
    d, api = _env_owner(fresh, mnt, kind)
    envs = os.path.join(d, "envs")
    os.listdir(envs)
    fresh.clear_log()
    run("echo one > '%s'" % os.path.join(envs, "SWEEP_KEY"))
    assert [w[:2] for w in writes(fresh)] == [("POST", api)]
    assert writes(fresh)[0][2]["key"] == "SWEEP_KEY" and writes(fresh)[0][2]["value"] == "one"
    assert _env_values(fresh, api)["SWEEP_KEY"] == "one"

    fresh.clear_log()
    run("echo two > '%s'" % os.path.join(envs, "SWEEP_KEY"))
    assert [w[:2] for w in writes(fresh)] == [("PATCH", api)]
    assert writes(fresh)[0][2]["key"] == "SWEEP_KEY" and writes(fresh)[0][2]["value"] == "two"
    assert _env_values(fresh, api)["SWEEP_KEY"] == "two"

    # envs.env with one changed and one added: one bulk PATCH.
    f = os.path.join(d, "envs.env")
    text = open(f).read().replace("SWEEP_KEY=two", "SWEEP_KEY=three") + "SWEEP_ADDED=four\n"
    fresh.clear_log()
    with tempfile.NamedTemporaryFile("w", suffix=".env", delete=False) as fh:
        fh.write(text)
    try:
        run(["cp", fh.name, f])
    finally:
        os.unlink(fh.name)
    assert [w[:2] for w in writes(fresh)] == [("PATCH", api + "/bulk")]
    sent = {e["key"]: e["value"] for e in writes(fresh)[0][2]["data"]}
    assert sent == {"SWEEP_KEY": "three", "SWEEP_ADDED": "four"}
    got = _env_values(fresh, api)
    assert got["SWEEP_KEY"] == "three" and got["SWEEP_ADDED"] == "four"


# -- shared variables: the team's, an environment's, a server's --------------------------------

def _shared(fake, mnt, level):
    if level == "team":
        return mnt.p("teams", "current", "envs"), "/team/envs"
    if level == "environment":
        p = next(p for p in fake.api("/projects")[1] if p["name"] == "website")
        env = next(e for e in fake.api("/projects/%s/environments" % p["uuid"])[1]
                   if e["name"] == "production")
        return (mnt.p(*PROD, "envs"),
                "/projects/%s/environments/%s/envs" % (p["uuid"], env["uuid"]))
    s = next(s for s in fake.api("/servers")[1] if s["name"] == "localhost")
    return mnt.p("servers", "localhost", "envs"), "/servers/%s/envs" % s["uuid"]


@pytest.mark.parametrize("level", ["team", "environment", "server"])
def test_shared_env_new_key_and_rm(mnt, fresh, level):
    d, api = _shared(fresh, mnt, level)
    os.listdir(d)
    fresh.clear_log()
    run("echo shared > '%s'" % os.path.join(d, "SWEEP_SHARED"))
    assert writes(fresh) == [("POST", api, {"key": "SWEEP_SHARED", "value": "shared"})]
    row = next(e for e in fresh.api(api)[1] if e["key"] == "SWEEP_SHARED")
    assert row["value"] == "shared"
    fresh.clear_log()
    run(["rm", os.path.join(d, "SWEEP_SHARED")])
    assert writes(fresh) == [("DELETE", "%s/%d" % (api, row["id"]), None)]
    assert "SWEEP_SHARED" not in [e["key"] for e in fresh.api(api)[1]]
    assert "SWEEP_SHARED" not in os.listdir(d)


# -- a service's containers: restart an application, start a database ---------------------------

def test_service_container_restart_and_start(mnt, fresh):
    svc = n8n(fresh)
    base = "/services/%s" % svc["uuid"]
    app = fresh.api(base + "/applications")[1][0]
    sdb = fresh.api(base + "/databases")[1][0]
    d = os.path.join(n8n_dir(mnt, fresh), "containers")
    os.listdir(d)
    fresh.clear_log()
    assert ctl(os.path.join(d, "n8n", "ctl"), "restart").returncode == 0
    assert writes(fresh) == [("POST", "%s/applications/%s/restart" % (base, app["uuid"]), None)]
    status = os.path.join(d, "postgresql", "status")
    assert ctl(os.path.join(d, "postgresql", "ctl"), "stop").returncode == 0
    wait_for(lambda: open(status).read() == "exited\n")
    fresh.clear_log()
    assert ctl(os.path.join(d, "postgresql", "ctl"), "start").returncode == 0
    assert writes(fresh) == [("POST", "%s/databases/%s/start" % (base, sdb["uuid"]), None)]
    wait_for(lambda: open(status).read() == "running (healthy)\n")
    assert fresh.api(base + "/databases/" + sdb["uuid"])[1]["status"].startswith("running")


# -- a database's stop; a service's migrate ----------------------------------------------------

def test_database_stop(mnt, fresh):
    uuid = db(fresh)["uuid"]
    assert fresh.api("/databases/" + uuid)[1]["status"].startswith("running")
    fresh.clear_log()
    assert ctl(mnt.p(*WEB_DB, "ctl"), "stop").returncode == 0
    assert writes(fresh) == [("POST", "/databases/%s/stop" % uuid, None)]
    wait_for(lambda: fresh.api("/databases/" + uuid)[1]["status"].startswith("exited"))


def test_service_migrate_is_refused_by_a_production_instance(mnt, fresh):
    svc = n8n(fresh)
    before = fresh.api("/services/" + svc["uuid"])[1]
    fresh.clear_log()
    r = ctl(os.path.join(n8n_dir(mnt, fresh), "ctl"), "migrate hetzner-fsn1-staging")
    assert r.returncode != 0 and "No such file" in r.stderr
    assert [w[:2] for w in writes(fresh)] == [("POST", "/services/%s/migrate" % svc["uuid"])]
    assert "development instance" in mnt.stderr()
    assert fresh.api("/services/" + svc["uuid"])[1] == before


# -- notifications: pushover -----------------------------------------------------------------

def test_pushover_json_save(mnt, fresh):
    f = mnt.p("notifications", "pushover.json")
    want = dict(json.load(open(f)), pushover_user_key="u-sweep-key",
                pushover_api_token="a-sweep-token")
    fresh.clear_log()
    run("echo '%s' > '%s'" % (json.dumps(want), f))
    assert writes(fresh) == [("PATCH", "/notifications/pushover",
                              {"pushover_user_key": "u-sweep-key",
                               "pushover_api_token": "a-sweep-token"})]
    got = fresh.api("/notifications/pushover")[1]
    assert got["pushover_user_key"] == "u-sweep-key"
    assert got["pushover_api_token"] == "a-sweep-token"


# -- applications of the other types -----------------------------------------------------------

def _app_bodies(fake):
    srv = next(s["uuid"] for s in fake.api("/servers")[1] if s["name"] == "localhost")
    git = {"git_repository": "acme/shop", "git_branch": "main", "build_pack": "nixpacks",
           "ports_exposes": "3000", "server_uuid": srv}
    return {
        "private-github-app": dict(git, name="sweep-gh",
                                   github_app_uuid=fake.api("/github-apps")[1][0]["uuid"]),
        "private-deploy-key": dict(git, name="sweep-key",
                                   private_key_uuid=fake.api("/security/keys")[1][0]["uuid"]),
        "dockerfile": {"name": "sweep-df", "server_uuid": srv,
                       "dockerfile": base64.b64encode(b"FROM nginx\nEXPOSE 80\n").decode()},
    }


@pytest.mark.parametrize("kind", ["private-github-app", "private-deploy-key", "dockerfile"])
def test_new_json_creates_an_application_of_its_type(mnt, fresh, kind):
    body = _app_bodies(fresh)[kind]
    p = next(p for p in fresh.api("/projects")[1] if p["name"] == "website")
    env = next(e for e in fresh.api("/projects/" + p["uuid"])[1]["environments"]
               if e["name"] == "production")
    apps = mnt.p(*PROD, "applications")
    os.listdir(apps)
    fresh.clear_log()
    run("echo '%s' > '%s'" % (json.dumps(dict(body, type=kind)), os.path.join(apps, "new.json")))
    assert writes(fresh) == [("POST", "/applications/" + kind,
                              dict(body, project_uuid=p["uuid"], environment_uuid=env["uuid"]))]
    made = next(a for a in fresh.api("/applications")[1] if a["name"] == body["name"])
    if kind == "dockerfile":
        assert made["build_pack"] == "dockerfile"
    assert body["name"] in os.listdir(apps)


# -- Vultr's catalogues ------------------------------------------------------------------------

def test_vultr_catalogues(mnt, fresh):
    d = mnt.p("cloud", "tokens")
    os.listdir(d)
    body = {"provider": "vultr", "token": "vultr-api-sweep", "name": "vultr-sweep"}
    run("echo '%s' > '%s'" % (json.dumps(body), os.path.join(d, "new.json")))
    token = next(t for t in fresh.api("/cloud-tokens")[1] if t["name"] == "vultr-sweep")
    # Listing cloud/vultr/ finds the team's vultr token (GET /cloud-tokens) and asks
    # no catalogue; each file then costs its one GET, with that token.
    assert {"regions.json", "plans.json", "ssh-keys.json"} <= set(os.listdir(mnt.p("cloud", "vultr")))
    for name in ("regions", "plans", "ssh-keys"):
        fresh.clear_log()
        got = json.load(open(mnt.p("cloud", "vultr", name + ".json")))
        assert [e["path"][len("/api/v1"):] + "?" + e["query"] for e in fresh.log()] == [
            "/vultr/%s?cloud_provider_token_uuid=%s" % (name, token["uuid"])]
        assert got == fresh.api("/vultr/%s?cloud_provider_token_uuid=%s"
                                % (name, token["uuid"]))[1]
        assert got
