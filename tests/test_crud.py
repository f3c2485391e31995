"""Creating, updating and deleting through the mount (SPEC §3.4), with
real tools: mkdir and rmdir for projects and environments, new.json for
resources, *.json saves as PATCHes of what changed, ctl's delete. Each
test checks at the fake what was sent (the request log keeps bodies)
and what the instance now holds."""
import base64
import errno
import json
import os
import stat
import time

import pytest

from conftest import run

WEB = "projects/website/production"
APPS = WEB + "/applications"
DBS = WEB + "/databases"
SVCS = WEB + "/services"
DB_TYPES = ["postgresql", "mysql", "mariadb", "mongodb", "redis", "keydb", "dragonfly", "clickhouse"]


@pytest.fixture
def site(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode)
    fake_mode.clear_log()
    return fake_mode, m


def writes(fake):
    """The requests that change something: (method, path without /api/v1,
    query, parsed body)."""
    out = []
    for e in fake.log():
        if e["method"] == "GET":
            continue
        body = json.loads(e["body"]) if e.get("body") else None
        out.append((e["method"], e["path"][len("/api/v1"):], e["query"], body))
    return out


def project(fake, name):
    _, ps = fake.api("/projects")
    return next((p for p in ps if p["name"] == name), None)


def servers(fake):
    _, ss = fake.api("/servers")
    return {s["name"]: s["uuid"] for s in ss}


def env_of(fake, pname, ename):
    p = project(fake, pname)
    _, d = fake.api("/projects/" + p["uuid"])
    return p, next(e for e in d["environments"] if e["name"] == ename)


def app_named(fake, name):
    _, apps = fake.api("/applications")
    return next((a for a in apps if a["name"] == name), None)


def write_close(path, text):
    """Writes text in one write() and closes; the errno of whichever
    failed, or 0. Python reports close()'s error, which bash does not."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as e:
        return e.errno
    try:
        os.write(fd, text.encode())
    except OSError as e:
        os.close(fd)
        return e.errno
    try:
        os.close(fd)
    except OSError as e:
        return e.errno
    return 0


# ---- projects and environments ----

def test_mkdir_and_rmdir_a_project(site):
    fake, m = site
    run("mkdir %s" % m.p("projects", "shop"))
    assert "shop" in os.listdir(m.p("projects"))
    # Coolify gives a new project its production environment.
    # (and on current Coolify its shared variables: test_shared_envs.py)
    shared = [] if fake.api("/version")[1].startswith("4.0.0-beta") else ["envs", "envs.env"]
    assert sorted(os.listdir(m.p("projects", "shop"))) == sorted(["production", "project.json",
                                                                   *shared])
    uuid = project(fake, "shop")["uuid"]
    assert writes(fake) == [("POST", "/projects", "", {"name": "shop"})]
    fake.clear_log()
    run("rmdir %s" % m.p("projects", "shop"))
    assert "shop" not in os.listdir(m.p("projects"))
    assert project(fake, "shop") is None
    assert writes(fake) == [("DELETE", "/projects/" + uuid, "", None)]


def test_mkdir_of_an_escaped_name_makes_that_name(site):
    fake, m = site
    os.mkdir(m.p("projects", "a%2Fb"))
    assert project(fake, "a/b") is not None
    assert "a%2Fb" in os.listdir(m.p("projects"))


def test_rmdir_of_a_project_with_resources_is_enotempty(site):
    fake, m = site
    with pytest.raises(OSError) as e:
        os.rmdir(m.p("projects", "website"))
    assert e.value.errno == errno.ENOTEMPTY
    assert project(fake, "website") is not None
    r = run("rm -r %s" % m.p("projects", "website"), check=False)
    assert r.returncode != 0
    assert project(fake, "website") is not None


def test_mkdir_of_an_existing_project_is_eexist(site):
    fake, m = site
    with pytest.raises(FileExistsError):
        os.mkdir(m.p("projects", "tools"))
    assert writes(fake) == []


def test_environments(site):
    fake, m = site
    target = m.p("projects", "website", "qa")
    if fake_mode_of(fake) == "seed":
        # The 2025 API has no environment endpoints: mkdir(2)'s EPERM,
        # and nothing is sent.
        with pytest.raises(PermissionError) as e:
            os.mkdir(target)
        assert e.value.errno == errno.EPERM
        with pytest.raises(OSError) as e:
            os.rmdir(m.p("projects", "website", "staging"))
        assert e.value.errno == errno.EPERM
        assert writes(fake) == []
        return
    run("mkdir " + target)
    assert "qa" in os.listdir(m.p("projects", "website"))
    p, env = env_of(fake, "website", "qa")
    assert writes(fake) == [("POST", "/projects/%s/environments" % p["uuid"], "", {"name": "qa"})]
    assert os.path.isdir(os.path.join(target, "applications"))
    fake.clear_log()
    run("rmdir " + target)
    assert "qa" not in os.listdir(m.p("projects", "website"))
    assert writes(fake) == [("DELETE", "/projects/%s/environments/%s" % (p["uuid"], env["uuid"]),
                             "", None)]
    with pytest.raises(OSError) as e:
        os.rmdir(m.p("projects", "website", "production"))
    assert e.value.errno == errno.ENOTEMPTY
    # Coolify lower-cases names; one it would change is refused.
    with pytest.raises(OSError) as e:
        os.mkdir(m.p("projects", "website", "QA"))
    assert e.value.errno == errno.EINVAL


def fake_mode_of(fake):
    _, v = fake.api("/version")
    return "seed" if str(v).startswith("4.0.0-beta") else "latest"


# ---- new.json ----

def test_new_json_is_not_listed_but_can_be_opened(site):
    fake, m = site
    assert "new.json" not in os.listdir(m.p(APPS))
    st = os.stat(m.p(APPS, "new.json"))
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o200
    assert st.st_size == 0
    assert open(m.p(APPS, "new.json")).read() == ""
    r = run("find %s -name new.json" % m.p(WEB))
    assert r.stdout == ""


def test_cat_into_new_json_creates_an_application(site):
    fake, m = site
    srv = servers(fake)["localhost"]
    p, env = env_of(fake, "website", "production")
    body = {"type": "dockerimage", "name": "api2", "docker_registry_image_name": "nginx",
            "ports_exposes": "80", "server_uuid": srv}
    run("cat > %s <<< '%s'" % (m.p(APPS, "new.json"), json.dumps(body)))
    # It shows at once, not after cache_ttl.
    assert "api2" in os.listdir(m.p(APPS))
    assert json.load(open(m.p(APPS, "api2", "application.json")))["name"] == "api2"
    sent = writes(fake)
    assert [(w[0], w[1]) for w in sent] == [("POST", "/applications/dockerimage")]
    want = dict(body, project_uuid=p["uuid"], environment_uuid=env["uuid"])
    del want["type"]
    assert sent[0][3] == want
    assert os.path.islink(m.p("uuid", app_named(fake, "api2")["uuid"]))
    target = os.readlink(m.p("uuid", app_named(fake, "api2")["uuid"]))
    assert target.endswith("applications/api2")


def test_the_only_server_is_filled_in(site):
    fake, m = site
    srv = servers(fake)
    fake.set(drop_server=srv["hetzner-fsn1"])
    body = {"type": "public", "name": "site", "git_repository": "https://github.com/x/y",
            "git_branch": "main", "build_pack": "nixpacks", "ports_exposes": "3000"}
    run("echo '%s' > %s" % (json.dumps(body), m.p(APPS, "new.json")))
    sent = [w for w in writes(fake) if w[0] == "POST"]
    assert len(sent) == 1 and sent[0][1] == "/applications/public"
    assert sent[0][3]["server_uuid"] == srv["localhost"]
    assert "site" in os.listdir(m.p(APPS))


def test_several_servers_and_no_server_uuid_sends_nothing(site):
    fake, m = site
    body = {"type": "dockerimage", "docker_registry_image_name": "nginx", "ports_exposes": "80"}
    assert write_close(m.p(APPS, "new.json"), json.dumps(body)) == errno.EINVAL
    assert writes(fake) == []
    assert "server_uuid" in m.stderr()


def test_invalid_json_fails_close_with_einval_and_sends_nothing(site):
    fake, m = site
    before = sorted(os.listdir(m.p(APPS)))
    for text in ('{"type": "dockerimage",', '["not", "an", "object"]', "hello"):
        assert write_close(m.p(APPS, "new.json"), text) == errno.EINVAL, text
    # An unknown type is refused here too, before any request.
    assert write_close(m.p(APPS, "new.json"), '{"type": "lambda"}') == errno.EINVAL
    assert writes(fake) == []
    assert sorted(os.listdir(m.p(APPS))) == before


def test_a_refused_create_fails_close_with_einval_and_creates_nothing(site):
    fake, m = site
    srv = servers(fake)["localhost"]
    before = sorted(os.listdir(m.p(APPS)))
    # Missing required fields: the API's 422, its message in the log.
    body = {"type": "dockerimage", "name": "half", "server_uuid": srv}
    assert write_close(m.p(APPS, "new.json"), json.dumps(body)) == errno.EINVAL
    assert "This field is required." in m.stderr()
    # A field the endpoint does not take.
    body = {"type": "dockerimage", "docker_registry_image_name": "nginx", "ports_exposes": "80",
            "server_uuid": srv, "colour": "blue"}
    assert write_close(m.p(APPS, "new.json"), json.dumps(body)) == errno.EINVAL
    assert "This field is not allowed." in m.stderr()
    assert [w[0] for w in writes(fake)] == ["POST", "POST"]
    assert sorted(os.listdir(m.p(APPS))) == before
    assert app_named(fake, "half") is None
    # With a newline at the end the object is complete at write(), so
    # even bash's echo sees the refusal.
    fake.fault(status=422, count=1, match="/applications/dockerimage", method="POST")
    body = {"type": "dockerimage", "docker_registry_image_name": "nginx", "ports_exposes": "80",
            "server_uuid": srv}
    r = run("echo '%s' > %s" % (json.dumps(body), m.p(APPS, "new.json")), check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert sorted(os.listdir(m.p(APPS))) == before


def test_every_database_type_can_be_created(site):
    fake, m = site
    srv = servers(fake)["localhost"]
    for t in DB_TYPES:
        body = {"type": t, "name": "new-" + t, "server_uuid": srv}
        run("cat > %s <<< '%s'" % (m.p(DBS, "new.json"), json.dumps(body)))
    names = os.listdir(m.p(DBS))
    assert all("new-" + t in names for t in DB_TYPES), names
    sent = writes(fake)
    assert [w[1] for w in sent] == ["/databases/" + t for t in DB_TYPES]
    assert all("type" not in w[3] and w[3]["server_uuid"] == srv for w in sent)


def test_services_by_type_and_by_compose_file(site):
    fake, m = site
    srv = servers(fake)["localhost"]
    run("cat > %s <<< '%s'" % (m.p(SVCS, "new.json"),
                               json.dumps({"type": "ghost", "name": "blog", "server_uuid": srv})))
    compose = "services:\n  hello:\n    image: 'nginx:alpine'\n"
    body = {"name": "hello", "server_uuid": srv,
            "docker_compose_raw": base64.b64encode(compose.encode()).decode()}
    run("cat > %s <<< '%s'" % (m.p(SVCS, "new.json"), json.dumps(body)))
    assert {"blog", "hello"} <= set(os.listdir(m.p(SVCS)))
    sent = writes(fake)
    assert [(w[0], w[1]) for w in sent] == [("POST", "/services")] * 2
    # One-click services keep their type in the body.
    assert sent[0][3]["type"] == "ghost"


def test_cp_onto_new_json(site, tmp_path):
    fake, m = site
    srv = servers(fake)["localhost"]
    f = tmp_path / "db.json"
    f.write_text(json.dumps({"type": "redis", "name": "cache2", "server_uuid": srv}, indent=2) + "\n")
    run("cp %s %s" % (f, m.p(DBS, "new.json")))
    assert "cache2" in os.listdir(m.p(DBS))


# ---- updates ----

def api_app(fake, name="web"):
    _, apps = fake.api("/applications")
    return next(a for a in apps if a["name"] == name)


def test_jq_and_cp_send_only_the_changed_field(site, tmp_path):
    fake, m = site
    f = m.p(APPS, "web", "application.json")
    uuid = api_app(fake)["uuid"]
    run("jq '.description=\"x\"' %s > %s/a && cp %s/a %s" % (f, tmp_path, tmp_path, f))
    assert writes(fake) == [("PATCH", "/applications/" + uuid, "", {"description": "x"})]
    assert api_app(fake)["description"] == "x"
    assert json.load(open(f))["description"] == "x"  # read-your-writes
    # The same content again changes nothing and sends nothing.
    fake.clear_log()
    run("cp %s %s/b && cp %s/b %s" % (f, tmp_path, tmp_path, f))
    assert writes(fake) == []


def test_size_follows_a_saved_object(site, tmp_path):
    # ls -l sizes of object files are remembered with the resource list;
    # a save replaces the list, so the size follows the new text.
    fake, m = site
    f = m.p(APPS, "web", "application.json")
    before = open(f, "rb").read()
    assert os.stat(f).st_size == len(before)
    run("jq '.description=\"%s\"' %s > %s/a && cp %s/a %s" % ("long " * 40, f, tmp_path, tmp_path, f))
    after = open(f, "rb").read()
    assert len(after) > len(before)
    assert os.stat(f).st_size == len(after)


def test_vim_saves_an_object_file(site):
    fake, m = site
    f = m.p(APPS, "web", "application.json")
    uuid = api_app(fake)["uuid"]
    before = open(f).read()
    assert '"health_check_path": "/health"' in before or '"health_check_path"' in before
    run("vim -Es -i NONE -N -u DEFAULTS -c '%%s/\"health_check_path\": \"[^\"]*\"/\"health_check_path\": \"\\/up\"/' -c wq %s" % f,
        cwd=m.p(APPS, "web"), timeout=30)
    assert writes(fake) == [("PATCH", "/applications/" + uuid, "", {"health_check_path": "/up"})]
    assert api_app(fake)["health_check_path"] == "/up"


def test_a_refused_update_fails_and_changes_nothing(site, tmp_path):
    fake, m = site
    f = m.p(APPS, "web", "application.json")
    run("jq '.fqdn=\"ftp://nope\" | .description=\"y\"' %s > %s/a" % (f, tmp_path))
    r = run("cp %s/a %s" % (tmp_path, f), check=False)
    assert r.returncode != 0
    assert api_app(fake)["description"] != "y"
    assert "This field is not allowed." in m.stderr()
    assert write_close(f, "{oops") == errno.EINVAL
    assert [w[0] for w in writes(fake)] == ["PATCH"]


def test_project_database_and_service_files(site, tmp_path):
    fake, m = site
    pj = m.p("projects", "website", "project.json")
    run("jq '.description=\"Shop front\"' %s > %s/p && cp %s/p %s" % (pj, tmp_path, tmp_path, pj))
    assert project(fake, "website")["description"] == "Shop front"

    dj = m.p(DBS, "web-db", "database.json")
    run("jq '.description=\"main db\"' %s > %s/d && cp %s/d %s" % (dj, tmp_path, tmp_path, dj))
    db_uuid = json.load(open(dj))["uuid"]
    _, db = fake.api("/databases/" + db_uuid)
    assert db["description"] == "main db"

    sj = m.p(SVCS, "uptime-kuma", "service.json")
    svc = json.load(open(sj))
    run("jq '.description=\"status page\"' %s > %s/s && cp %s/s %s" % (sj, tmp_path, tmp_path, sj))
    _, after = fake.api("/services/" + svc["uuid"])
    assert after["description"] == "status page"
    # NOTES §6.3: a service PATCH replaces the whole service; what the
    # file did not change is sent as it was, so nothing else moves.
    assert after["name"] == svc["name"]
    assert after["connect_to_docker_network"] == svc["connect_to_docker_network"]
    sent = writes(fake)
    assert [(w[0], w[1]) for w in sent] == [
        ("PATCH", "/projects/" + project(fake, "website")["uuid"]),
        ("PATCH", "/databases/" + db_uuid),
        ("PATCH", "/services/" + svc["uuid"])]
    assert sent[0][3] == {"description": "Shop front"}
    assert sent[1][3] == {"description": "main db"}
    body = sent[2][3]
    assert body["description"] == "status page" and body["name"] == svc["name"]
    assert base64.b64decode(body["docker_compose_raw"]).decode() == svc["docker_compose_raw"]


# ---- deleting ----

def wait_gone(fake, path, timeout=5):
    end = time.time() + timeout
    while time.time() < end:
        status, _ = fake.api(path)
        if status == 404:
            return True
        time.sleep(0.2)
    return False


def test_ctl_delete_sends_every_flag_as_1_or_0(site):
    fake, m = site
    srv = servers(fake)["localhost"]
    body = {"type": "dockerimage", "name": "doomed", "docker_registry_image_name": "nginx",
            "ports_exposes": "80", "server_uuid": srv}
    run("cat > %s <<< '%s'" % (m.p(APPS, "new.json"), json.dumps(body)))
    uuid = app_named(fake, "doomed")["uuid"]
    assert "delete" in open(m.p(APPS, "doomed", "ctl")).read()
    fake.clear_log()
    run("echo 'delete volumes docker_cleanup' > %s" % m.p(APPS, "doomed", "ctl"))
    assert writes(fake) == [("DELETE", "/applications/" + uuid,
                             "delete_volumes=1&delete_configurations=0&docker_cleanup=1"
                             "&delete_connected_networks=0", None)]
    # The API deletes in a queued job and lists it meanwhile; the mount
    # shows the delete at once.
    assert "doomed" not in os.listdir(m.p(APPS))
    assert not os.path.exists(m.p(APPS, "doomed"))
    assert not os.path.exists(m.p("uuid", uuid))
    assert wait_gone(fake, "/applications/" + uuid)
    r = run("echo 'delete everything' > %s" % m.p(APPS, "web", "ctl"), check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr


@pytest.mark.parametrize("kind,name,path", [("databases", "web-db", "/databases/"),
                                            ("services", "uptime-kuma", "/services/")])
def test_plain_delete_keeps_everything_else(site, kind, name, path):
    fake, m = site
    d = m.p(WEB, kind, name)
    uuid = json.load(open(os.path.join(d, kind[:-1] + ".json")))["uuid"]
    run("echo delete > %s" % os.path.join(d, "ctl"))
    sent = writes(fake)
    assert sent == [("DELETE", path + uuid, "delete_volumes=0&delete_configurations=0"
                     "&docker_cleanup=0&delete_connected_networks=0", None)]
    assert "false" not in sent[0][2] and "true" not in sent[0][2]
    assert name not in os.listdir(m.p(WEB, kind))
    assert wait_gone(fake, path + uuid)


def test_rm_r_and_rmdir_never_delete_a_resource(site):
    fake, m = site
    d = m.p(DBS, "web-db")
    uuid = json.load(open(os.path.join(d, "database.json")))["uuid"]
    with pytest.raises(PermissionError) as e:
        os.rmdir(d)
    assert e.value.errno == errno.EPERM
    with pytest.raises(PermissionError) as e:
        os.rmdir(m.p(DBS))
    assert e.value.errno == errno.EPERM
    r = run("rm -rf %s" % d, check=False)
    assert r.returncode != 0
    assert not [w for w in writes(fake) if w[1].startswith("/databases/" + uuid)]
    time.sleep(1.2)  # longer than the fake's queued delete takes
    status, _ = fake.api("/databases/" + uuid)
    assert status == 200
    assert "web-db" in os.listdir(m.p(DBS))


def test_read_only_mount_refuses_every_write(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode, opts=("ro",))
    fake_mode.clear_log()
    with pytest.raises(OSError) as e:
        os.mkdir(m.p("projects", "nope"))
    assert e.value.errno == errno.EROFS
    assert write_close(m.p(APPS, "new.json"), "{}") == errno.EROFS
    assert writes(fake_mode) == []


# ---- servers and keys ----

KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n"


def keys(fake):
    _, ks = fake.api("/security/keys")
    return {k["name"]: k for k in ks}


def test_keys_new_json_creates_a_key(site):
    fake, m = site
    assert "new.json" not in os.listdir(m.p("keys"))
    body = {"name": "ci", "private_key": KEY_TEXT}
    run("cat > %s <<< '%s'" % (m.p("keys", "new.json"), json.dumps(body)))
    assert "ci" in os.listdir(m.p("keys"))
    assert writes(fake) == [("POST", "/security/keys", "", body)]
    # (Laravel trims strings on the way in, NOTES §1.1.)
    assert keys(fake)["ci"]["private_key"] == KEY_TEXT.strip()
    # Shown without its secret, as every key is.
    assert "private_key" not in json.load(open(m.p("keys", "ci", "key.json")))
    assert os.path.islink(m.p("uuid", keys(fake)["ci"]["uuid"]))
    # The API's refusal of a key that is not one.
    assert write_close(m.p("keys", "new.json"),
                       json.dumps({"name": "bad", "private_key": "nope"})) == errno.EINVAL
    assert "bad" not in os.listdir(m.p("keys"))


def test_key_json_save_sends_the_private_key_the_api_requires(site, tmp_path):
    fake, m = site
    f = m.p("keys", "github-deploy-key", "key.json")
    secret = keys(fake)["github-deploy-key"]["private_key"]
    run("jq '.description=\"for CI\"' %s > %s/k && cp %s/k %s" % (f, tmp_path, tmp_path, f))
    sent = writes(fake)
    assert [(w[0], w[1]) for w in sent] == [
        ("PATCH", "/security/keys/" + keys(fake)["github-deploy-key"]["uuid"])]
    # NOTES §13: the update wants the key every time; it comes from the
    # API, not from the file, which never holds it.
    assert sent[0][3] == {"description": "for CI", "private_key": secret}
    assert keys(fake)["github-deploy-key"]["description"] == "for CI"
    assert json.load(open(f))["description"] == "for CI"


def test_servers_new_json_and_server_json(site, tmp_path):
    fake, m = site
    assert "new.json" not in os.listdir(m.p("servers"))
    key = keys(fake)["github-deploy-key"]["uuid"]
    body = {"name": "box3", "ip": "198.51.100.9", "private_key_uuid": key}
    run("echo '%s' > %s" % (json.dumps(body), m.p("servers", "new.json")))
    assert "box3" in os.listdir(m.p("servers"))
    assert writes(fake) == [("POST", "/servers", "", body)]
    uuid = servers(fake)["box3"]
    fake.clear_log()
    f = m.p("servers", "box3", "server.json")
    run("jq '.description=\"spare\" | .port=2222' %s > %s/s && cp %s/s %s" % (f, tmp_path, tmp_path, f))
    assert writes(fake) == [("PATCH", "/servers/" + uuid, "", {"description": "spare", "port": 2222})]
    got = json.load(open(f))
    assert got["description"] == "spare" and got["port"] == 2222
    # A second server with the same IP is refused by the API and makes
    # nothing.
    assert write_close(m.p("servers", "new.json"), json.dumps(body)) == errno.EINVAL
    assert sorted(os.listdir(m.p("servers"))) == sorted(servers(fake))


def test_an_endpoint_the_instance_lacks(site):
    """NOTES §17.12: current Coolify has no POST /applications/dockercompose."""
    fake, m = site
    compose = base64.b64encode(b"services:\n  web:\n    image: nginx\n").decode()
    body = {"type": "dockercompose", "docker_compose_raw": compose,
            "server_uuid": servers(fake)["localhost"]}
    rc = write_close(m.p(APPS, "new.json"), json.dumps(body))
    if fake_mode_of(fake) == "seed":
        assert rc == 0
        assert [w[1] for w in writes(fake)] == ["/applications/dockercompose"]
    else:
        assert rc == errno.EOPNOTSUPP
        assert "no such endpoint" in m.stderr()


def test_a_partial_object_changes_only_what_it_names(site):
    fake, m = site
    f = m.p(APPS, "web", "application.json")
    uuid = api_app(fake)["uuid"]
    run("echo '{\"description\": \"just this\"}' > %s" % f)
    assert writes(fake) == [("PATCH", "/applications/" + uuid, "", {"description": "just this"})]
    got = json.load(open(f))
    assert got["description"] == "just this" and got["name"] == "web"


def test_uuid_links_follow_a_renamed_project(site, tmp_path):
    # The link's target is looked up through the project that last held
    # the environment; a rename must still show at once.
    fake, m = site
    link = m.p("uuid", api_app(fake)["uuid"])
    assert os.readlink(link) == "../" + APPS + "/web"
    pj = m.p("projects", "website", "project.json")
    run("jq '.name=\"storefront\"' %s > %s/p && cp %s/p %s" % (pj, tmp_path, tmp_path, pj))
    assert project(fake, "storefront")
    assert os.readlink(link) == "../" + APPS.replace("website", "storefront") + "/web"
    assert open(os.path.join(link, "status")).read() == api_app(fake)["status"] + "\n"
