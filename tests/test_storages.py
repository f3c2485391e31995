"""Persistent storages (SPEC §6, issue 15): APP/storages/, DB/storages/ and
SERVICE/storages/ with NAME/storage.json (a volume, named by its name, or a
file mount, named by its uuid), ctl (backup now | delete backup | delete),
backup.json (the volume-backup schedule: PUT on save, shown from the mount's
memory) and storages/new.json; mounted for real over the fake in latest mode
(the seed has no such routes: the entries are absent), driven with ls, cat,
vim and echo, and checked at the fake's request log."""
import json
import os
import shutil
import tempfile
import time

import pytest

from conftest import Fake, api_requests, run

WEB = ("projects", "website", "production", "applications", "web")
WEB_DB = ("projects", "website", "production", "databases", "web-db")


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


def uuid_of(fake, kind, name):
    return next(r["uuid"] for r in fake.api("/" + kind)[1] if r["name"] == name)


def storages_of(fake, kind, uuid):
    return fake.api("/%s/%s/storages" % (kind, uuid))[1]


def web(fake):
    """(the web app's uuid, its storages' answer)."""
    uuid = uuid_of(fake, "applications", "web")
    return uuid, storages_of(fake, "applications", uuid)


def ctl(path, line):
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a JSON file (written in place).
    Its backup cannot be made in the storage's directory, so it goes to
    ~/: a HOME of its own, where no other test's leftover backup.json~
    (vim keeps one after a refused save) is in the way."""
    home = tempfile.mkdtemp(dir="/var/tmp")
    try:
        return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
                   check=check, env=dict(os.environ, HOME=home))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def writes(fake):
    """The logged requests that are not reads: (method, path, body)."""
    return [(e["method"], e["path"], json.loads(e["body"]) if e["body"] else None)
            for e in fake.log() if e["method"] != "GET"]


def test_storages_are_listed_and_read(mnt, fresh):
    uuid, st = web(fresh)
    vol = st["persistent_storages"][0]
    conf, cache = st["file_storages"]
    assert "storages" in os.listdir(mnt.p(*WEB))
    fresh.clear_log()
    # Volumes by their name, file mounts (which have none) by their uuid.
    assert sorted(os.listdir(mnt.p(*WEB, "storages"))) == sorted(
        ["web-uploads", conf["uuid"], cache["uuid"]])
    d = mnt.p(*WEB, "storages", "web-uploads")
    assert sorted(os.listdir(d)) == ["backup.json", "ctl", "storage.json"]
    # storage.json is the list's item, with the array it came from as "type".
    assert json.load(open(os.path.join(d, "storage.json"))) == dict(vol, type="persistent")
    got = json.load(open(mnt.p(*WEB, "storages", conf["uuid"], "storage.json")))
    assert got == dict(conf, type="file")
    assert got["content"] == '{\n  "theme": "dark",\n  "beta": false\n}\n'
    assert open(os.path.join(d, "ctl")).read() == "backup now\ndelete backup\ndelete\n"
    # No schedule saved through this mount yet: empty (the API has no GET).
    assert open(os.path.join(d, "backup.json")).read() == ""
    assert api_requests(fresh) == [("GET", "/api/v1/applications/%s/storages" % uuid)]


def test_database_and_service_storages(mnt, fresh):
    db = uuid_of(fresh, "databases", "web-db")
    vol = storages_of(fresh, "databases", db)["persistent_storages"][0]
    assert os.listdir(mnt.p(*WEB_DB, "storages")) == ["postgres-data-" + db]
    got = json.load(open(mnt.p(*WEB_DB, "storages", vol["name"], "storage.json")))
    assert got == dict(vol, type="persistent")
    svcs = mnt.p("projects", "tools", "production", "services")
    svc = next(s for s in fresh.api("/services")[1] if s["name"].startswith("n8n"))
    d = os.path.join(svcs, svc["name"], "storages")
    # Named as the service's compose file names them, after the service.
    assert sorted(os.listdir(d)) == [svc["uuid"] + "_n8n-data", svc["uuid"] + "_postgresql-data"]
    got = json.load(open(os.path.join(d, svc["uuid"] + "_postgresql-data", "storage.json")))
    assert got["resource_type"] == "database" and got["type"] == "persistent"


def test_vim_save_patches_the_list_with_uuid_and_type(mnt, fresh):
    uuid, st = web(fresh)
    vol = st["persistent_storages"][0]
    f = mnt.p(*WEB, "storages", "web-uploads", "storage.json")
    fresh.clear_log()
    vim(f, r'%s#"/app/uploads"#"/app/media"#')
    # update_storage: PATCH of the collection, the storage named in the body.
    assert writes(fresh) == [("PATCH", "/api/v1/applications/%s/storages" % uuid,
                              {"uuid": vol["uuid"], "type": "persistent",
                               "mount_path": "/app/media"})]
    assert web(fresh)[1]["persistent_storages"][0]["mount_path"] == "/app/media"
    assert json.load(open(f))["mount_path"] == "/app/media"


def test_echo_save_of_a_file_mount(mnt, fresh):
    uuid, st = web(fresh)
    conf = st["file_storages"][0]
    f = mnt.p(*WEB, "storages", conf["uuid"], "storage.json")
    fresh.clear_log()
    r = run("echo '{\"content\": \"{\\\"theme\\\": \\\"light\\\"}\\n\"}' > '%s'" % f)
    assert r.returncode == 0
    assert writes(fresh) == [("PATCH", "/api/v1/applications/%s/storages" % uuid,
                              {"uuid": conf["uuid"], "type": "file",
                               "content": '{"theme": "light"}\n'})]
    # NOTES §1.1: the API trims every string it is sent, content too.
    assert web(fresh)[1]["file_storages"][0]["content"] == '{"theme": "light"}'
    assert json.load(open(f))["content"] == '{"theme": "light"}'


def test_a_refused_save_changes_nothing(mnt, fresh):
    svc = next(s for s in fresh.api("/services")[1] if s["name"].startswith("n8n"))
    before = storages_of(fresh, "services", svc["uuid"])
    d = mnt.p("projects", "tools", "production", "services", svc["name"], "storages")
    f = os.path.join(d, svc["uuid"] + "_n8n-data", "storage.json")
    fresh.clear_log()
    # A service's volumes come from its compose file: the API refuses.
    r = vim(f, r'%s#"/home/node/.n8n"#"/data"#', check=False)
    assert r.returncode != 0
    assert "This storage is read-only" in mnt.stderr()
    assert [w[0] for w in writes(fresh)] == ["PATCH"]
    assert storages_of(fresh, "services", svc["uuid"]) == before
    assert json.load(open(f))["mount_path"] == "/home/node/.n8n"
    # Changing what names the storage is refused here, and nothing is sent.
    fresh.clear_log()
    uuid, st = web(fresh)
    g = mnt.p(*WEB, "storages", "web-uploads", "storage.json")
    r = vim(g, r'%s#"persistent"#"file"#', check=False)
    assert r.returncode != 0
    assert '"type" says which storage this is and cannot change' in mnt.stderr()
    assert writes(fresh) == []
    assert web(fresh)[1] == st


def test_new_json_creates_a_storage(mnt, fresh):
    uuid, st = web(fresh)
    d = mnt.p(*WEB, "storages")
    os.listdir(d)
    fresh.clear_log()
    body = {"type": "persistent", "name": "logs", "mount_path": "/app/logs"}
    with open(os.path.join(d, "new.json"), "w") as fh:
        json.dump(body, fh)
    assert writes(fresh) == [("POST", "/api/v1/applications/%s/storages" % uuid, body)]
    # The API names the volume after the application.
    assert uuid + "-logs" in os.listdir(d)
    got = json.load(open(os.path.join(d, uuid + "-logs", "storage.json")))
    assert got["mount_path"] == "/app/logs" and got["type"] == "persistent"
    # A refusal creates nothing.
    fresh.clear_log()
    r = run("echo '{\"type\": \"persistent\", \"mount_path\": \"/x\"}' > '%s'"
            % os.path.join(d, "new.json"), check=False)
    assert r.returncode != 0
    assert "The name field is required for persistent storages." in mnt.stderr()
    assert [w[0] for w in writes(fresh)] == ["POST"]
    assert len(web(fresh)[1]["persistent_storages"]) == 2


def test_backup_json_is_put_and_shows_what_was_saved(mnt, fresh):
    uuid, st = web(fresh)
    vol, conf = st["persistent_storages"][0], st["file_storages"][0]
    f = mnt.p(*WEB, "storages", "web-uploads", "backup.json")
    path = "/api/v1/applications/%s/storages/%s/backups" % (uuid, vol["uuid"])
    fresh.clear_log()
    assert run("echo '{\"frequency\": \"0 2 * * *\", \"retention_amount_locally\": 3}' > '%s'"
               % f).returncode == 0
    assert writes(fresh) == [("PUT", path, {"frequency": "0 2 * * *",
                                            "retention_amount_locally": 3})]
    assert json.load(open(f)) == {"frequency": "0 2 * * *", "retention_amount_locally": 3}
    # The PUT replaces the whole schedule: a vim save sends the whole file.
    fresh.clear_log()
    vim(f, r'%s#"0 2 \* \* \*"#"daily"#')
    assert writes(fresh) == [("PUT", path, {"frequency": "daily",
                                            "retention_amount_locally": 3})]
    # A refused save leaves the schedule and the file as they were.
    fresh.clear_log()
    r = vim(f, r'%s#"daily"#"now and then"#', check=False)
    assert r.returncode != 0
    assert "The frequency must be a valid cron or human expression." in mnt.stderr()
    assert [w[0] for w in writes(fresh)] == ["PUT"]
    assert json.load(open(f))["frequency"] == "daily"
    # A file mount that is not a directory cannot be backed up.
    g = mnt.p(*WEB, "storages", conf["uuid"], "backup.json")
    r = run("echo '{\"frequency\": \"daily\"}' > '%s'" % g, check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "Only directory file storages can be backed up." in mnt.stderr()
    assert open(g).read() == ""


def test_backup_now_delete_backup_and_delete(mnt, fresh):
    uuid, st = web(fresh)
    vol = st["persistent_storages"][0]
    d = mnt.p(*WEB, "storages", "web-uploads")
    base = "/api/v1/applications/%s/storages/%s" % (uuid, vol["uuid"])
    os.listdir(d)
    fresh.clear_log()
    # No schedule yet: the API has nothing to run.
    r = ctl(os.path.join(d, "ctl"), "backup now")
    assert r.returncode != 0 and "No such file" in r.stderr
    assert "Storage backup schedule not found." in mnt.stderr()
    run("echo '{\"frequency\": \"hourly\"}' > '%s'" % os.path.join(d, "backup.json"))
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "backup now").returncode == 0
    assert writes(fresh) == [("POST", base + "/backups/run", None)]
    # While that backup runs, neither the schedule nor the volume can go.
    fresh.clear_log()
    r = ctl(os.path.join(d, "ctl"), "delete backup")
    assert r.returncode != 0 and "busy" in r.stderr
    r = ctl(os.path.join(d, "ctl"), "delete")
    assert r.returncode != 0 and "busy" in r.stderr
    assert "Delete this volume backup schedule and its archives" in mnt.stderr()
    assert [w[:2] for w in writes(fresh)] == [("DELETE", base + "/backups"), ("DELETE", base)]
    time.sleep(2.1)
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "delete backup").returncode == 0
    assert writes(fresh) == [("DELETE", base + "/backups", None)]
    assert open(os.path.join(d, "backup.json")).read() == ""
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", base, None)]
    assert web(fresh)[1]["persistent_storages"] == []
    assert "web-uploads" not in os.listdir(mnt.p(*WEB, "storages"))


def test_unknown_verb_and_rm_r(mnt, fresh):
    uuid, st = web(fresh)
    d = mnt.p(*WEB, "storages", "web-uploads")
    os.listdir(d)
    fresh.clear_log()
    r = ctl(os.path.join(d, "ctl"), "backup later")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert 'unknown verb "backup"' in mnt.stderr()
    # rm -r never deletes (SPEC §3.4).
    run("rm -rf \"%s\"" % d, check=False)
    assert writes(fresh) == []
    assert web(fresh)[1] == st


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "storages" not in os.listdir(m.p(*WEB))
    assert not os.path.exists(m.p(*WEB, "storages"))
    assert not os.path.exists(m.p(*WEB_DB, "storages"))
    assert [r for r in api_requests(fake) if "storages" in r[1]] == []
