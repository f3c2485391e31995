"""Database backups (SPEC §6, issue 15): DB/backups/SCHEDULE/ with backup.json,
ctl (now | delete s3 | delete), executions/RUN/{status,log,execution.json,ctl}
and executions/latest, backups/new.json; mounted for real over the fake in
latest mode (the seed has no such routes: the entries are absent), driven
with ls, cat, vim, echo and tail -f, and checked at the fake's request log."""
import json
import os
import subprocess
import time

import pytest

from conftest import api_requests, ctl, run, vim

WEB_DB = ("projects", "website", "production", "databases", "web-db")
MONGO = ("projects", "tools", "production", "databases", "analytics")


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def db_uuid(fake, name):
    return next(d["uuid"] for d in fake.api("/databases")[1] if d["name"] == name)


def schedules(fake, uuid):
    return fake.api("/databases/%s/backups" % uuid)[1]


def nightly(fake, uuid):
    return next(b for b in schedules(fake, uuid) if b["frequency"] == "0 2 * * *")


def runs(fake, uuid, backup):
    return fake.api("/databases/%s/backups/%s/executions" % (uuid, backup))[1]["executions"]


def writes(fake):
    """(method, path) of the logged requests that are not reads."""
    return [r for r in api_requests(fake) if r[0] != "GET"]


def sent_bodies(fake, method):
    return [json.loads(e["body"]) for e in fake.log() if e["method"] == method]


def test_backups_are_listed_and_read(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    assert "backups" in os.listdir(mnt.p(*WEB_DB))
    want = schedules(fresh, uuid)
    fresh.clear_log()
    # Schedules have no name: each is its uuid (SPEC §6).
    assert sorted(os.listdir(mnt.p(*WEB_DB, "backups"))) == sorted(b["uuid"] for b in want)
    sched = nightly(fresh, uuid)
    d = mnt.p(*WEB_DB, "backups", sched["uuid"])
    assert sorted(os.listdir(d)) == ["backup.json", "ctl", "executions"]
    # The schedule as the API lists it; its executions are executions/.
    shown = json.load(open(os.path.join(d, "backup.json")))
    assert shown == {k: v for k, v in sched.items() if k != "executions"}
    assert open(os.path.join(d, "ctl")).read() == "now\ndelete s3\ndelete\n"
    history = runs(fresh, uuid, sched["uuid"])
    fresh.clear_log()
    ex = os.path.join(d, "executions")
    names = os.listdir(ex)
    assert names[0] == "latest"
    assert sorted(names[1:]) == sorted(r["uuid"] for r in history)
    assert os.readlink(os.path.join(ex, "latest")) == history[0]["uuid"]
    newest = os.path.join(ex, "latest")
    assert sorted(os.listdir(newest)) == ["ctl", "execution.json", "log", "status"]
    assert open(os.path.join(newest, "status")).read() == "success\n"
    assert open(os.path.join(newest, "log")).read() == history[0]["message"] + "\n"
    assert json.load(open(os.path.join(newest, "execution.json"))) == history[0]
    assert open(os.path.join(newest, "ctl")).read() == "delete s3\ndelete\n"
    failed = os.path.join(ex, history[1]["uuid"])
    assert open(os.path.join(failed, "status")).read() == "failed\n"
    assert "FATAL:  the database system is shutting down" in open(os.path.join(failed, "log")).read()
    # A run without a message has an empty log, not an error.
    assert open(os.path.join(ex, history[2]["uuid"], "log")).read() == ""
    # A run's time is its created_at (the API gives no updated_at).
    assert int(os.stat(failed).st_mtime) == 1748224800
    # One list request for the schedules, one for the runs: backup.json is the
    # list's item, no GET of its own (the API has none).
    assert [r for r in api_requests(fresh) if "/backups" in r[1]] == [
        ("GET", "/api/v1/databases/%s/backups/%s/executions" % (uuid, sched["uuid"]))]


def test_only_databases_the_api_backs_up_have_backups(mnt, fresh):
    dbs = mnt.p("projects", "website", "production", "databases")
    assert "backups" in os.listdir(mnt.p(*MONGO))
    assert len(os.listdir(mnt.p(*MONGO, "backups"))) == 1
    # isBackupSolutionAvailable() is false for redis, keydb and dragonfly.
    assert "backups" not in os.listdir(os.path.join(dbs, "rate-limiter"))
    assert not os.path.exists(os.path.join(dbs, "rate-limiter", "backups"))
    staging = mnt.p("projects", "website", "staging", "databases", "web-cache")
    assert "backups" not in os.listdir(staging)


def test_a_saved_backup_json_patches_what_changed(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    sched = nightly(fresh, uuid)
    f = mnt.p(*WEB_DB, "backups", sched["uuid"], "backup.json")
    fresh.clear_log()
    vim(f, r'%s/"0 2 \* \* \*"/"0 4 * * *"/')
    assert writes(fresh) == [
        ("PATCH", "/api/v1/databases/%s/backups/%s" % (uuid, sched["uuid"]))]
    assert sent_bodies(fresh, "PATCH") == [{"frequency": "0 4 * * *"}]
    assert nightly_by_uuid(fresh, uuid, sched["uuid"])["frequency"] == "0 4 * * *"
    assert json.load(open(f))["frequency"] == "0 4 * * *"
    # cat > in place, two fields at once: only they are sent.
    obj = json.load(open(f))
    obj["database_backup_retention_amount_locally"] = 14
    obj["enabled"] = False
    fresh.clear_log()
    run("cat > '%s'" % f, input=json.dumps(obj, indent=2) + "\n")
    assert sent_bodies(fresh, "PATCH") == [
        {"database_backup_retention_amount_locally": 14, "enabled": False}]
    now = nightly_by_uuid(fresh, uuid, sched["uuid"])
    assert (now["database_backup_retention_amount_locally"], now["enabled"]) == (14, False)


def nightly_by_uuid(fake, uuid, backup):
    return next(b for b in schedules(fake, uuid) if b["uuid"] == backup)


def test_a_refused_save_changes_nothing(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    sched = nightly(fresh, uuid)
    f = mnt.p(*WEB_DB, "backups", sched["uuid"], "backup.json")
    before = schedules(fresh, uuid)
    fresh.clear_log()
    r = vim(f, r'%s/"0 2 \* \* \*"/"every so often"/', check=False)
    assert r.returncode != 0
    assert "Invalid cron expression" in mnt.stderr()
    assert writes(fresh) == [
        ("PATCH", "/api/v1/databases/%s/backups/%s" % (uuid, sched["uuid"]))]
    assert schedules(fresh, uuid) == before
    # A value out of the API's range, and a field it does not take (the
    # schedule's id), are refused the same way.
    for command, body, message in (
            (r'%s/"timeout": 3600/"timeout": 30/', {"timeout": 30}, "at least 60"),
            (r'%s/"id": 1,/"id": 9,/', {"id": 9}, "This field is not allowed")):
        fresh.clear_log()
        r = vim(f, command, check=False)
        assert r.returncode != 0
        assert message in mnt.stderr()
        assert sent_bodies(fresh, "PATCH") == [body]
        assert schedules(fresh, uuid) == before
    assert json.load(open(f))["timeout"] == 3600


def test_new_json_creates_a_schedule(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    d = mnt.p(*WEB_DB, "backups")
    old = set(os.listdir(d))
    fresh.clear_log()
    with open(os.path.join(d, "new.json"), "w") as fh:
        json.dump({"frequency": "hourly", "save_s3": False}, fh)
    assert writes(fresh) == [("POST", "/api/v1/databases/%s/backups" % uuid)]
    assert sent_bodies(fresh, "POST") == [{"frequency": "hourly", "save_s3": False}]
    made = set(os.listdir(d)) - old
    assert len(made) == 1
    shown = json.load(open(os.path.join(d, made.pop(), "backup.json")))
    # create_backup fills in the database's own name.
    assert (shown["frequency"], shown["databases_to_backup"]) == ("hourly", "postgres")
    # A refusal (save_s3 without a storage) and bad JSON create nothing.
    fresh.clear_log()
    r = run("echo '{\"frequency\": \"daily\", \"save_s3\": true}' > \"%s\"" %
            os.path.join(d, "new.json"), check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "s3_storage_uuid field is required" in mnt.stderr()
    # Not JSON: refused when the file is closed (bash ignores close's error).
    with pytest.raises(OSError):
        with open(os.path.join(d, "new.json"), "w") as fh:
            fh.write('{"frequency": ')
    assert len(schedules(fresh, uuid)) == 3
    assert writes(fresh) == [("POST", "/api/v1/databases/%s/backups" % uuid)]


def test_now_then_follow_the_log(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    sched = nightly(fresh, uuid)
    d = mnt.p(*WEB_DB, "backups", sched["uuid"])
    os.listdir(os.path.join(d, "executions"))
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "now").returncode == 0
    # There is no route that runs a backup: backup_now is a PATCH field.
    assert api_requests(fresh) == [
        ("PATCH", "/api/v1/databases/%s/backups/%s" % (uuid, sched["uuid"]))]
    assert sent_bodies(fresh, "PATCH") == [{"backup_now": True}]
    latest = os.path.join(d, "executions", "latest")
    assert os.readlink(latest) == runs(fresh, uuid, sched["uuid"])[0]["uuid"]
    assert open(os.path.join(latest, "status")).read() == "running\n"
    tail = subprocess.Popen(["tail", "-f", "-s", "0.2", os.path.join(latest, "log")],
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = [tail.stdout.readline() for _ in range(3)]
    finally:
        tail.kill()
    assert lines == ["dumping database postgres of web-db\n",
                     "reading schemas, tables and sequences\n",
                     "dumping contents of 6 tables\n"]
    deadline = time.time() + 10
    while open(os.path.join(latest, "status")).read() != "success\n":
        assert time.time() < deadline
        time.sleep(0.3)
    assert len(os.listdir(os.path.join(d, "executions"))) == 5


def test_a_backup_of_a_stopped_database_fails(mnt, fresh):
    uuid = db_uuid(fresh, "analytics")
    d = mnt.p(*MONGO, "backups")
    sched = os.path.join(d, os.listdir(d)[0])
    assert ctl(os.path.join(sched, "ctl"), "now").returncode == 0
    latest = os.path.join(sched, "executions", "latest")
    deadline = time.time() + 10
    while open(os.path.join(latest, "status")).read() != "failed\n":
        assert time.time() < deadline
        time.sleep(0.3)
    assert open(os.path.join(latest, "log")).read() == (
        "Error response from daemon: container %s is not running\n" % uuid)


def test_delete_a_run_then_the_schedule(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    sched = nightly(fresh, uuid)
    d = mnt.p(*WEB_DB, "backups", sched["uuid"])
    history = runs(fresh, uuid, sched["uuid"])
    ex = os.path.join(d, "executions")
    os.listdir(ex)
    fresh.clear_log()
    assert ctl(os.path.join(ex, history[1]["uuid"], "ctl"), "delete").returncode == 0
    assert writes(fresh) == [
        ("DELETE", "/api/v1/databases/%s/backups/%s/executions/%s"
         % (uuid, sched["uuid"], history[1]["uuid"]))]
    assert [r["uuid"] for r in runs(fresh, uuid, sched["uuid"])] == [
        history[0]["uuid"], history[2]["uuid"]]
    assert history[1]["uuid"] not in os.listdir(ex)
    # delete s3: the API's option, as a word (SPEC §3.4).
    fresh.clear_log()
    assert ctl(os.path.join(ex, "latest", "ctl"), "delete s3").returncode == 0
    dels = [e for e in fresh.log() if e["method"] == "DELETE"]
    assert [(e["path"], e["query"]) for e in dels] == [
        ("/api/v1/databases/%s/backups/%s/executions/%s"
         % (uuid, sched["uuid"], history[0]["uuid"]), "delete_s3=1")]
    assert os.readlink(os.path.join(ex, "latest")) == history[2]["uuid"]
    # rm -r never deletes (SPEC §3.4); ctl does.
    run("rm -rf \"%s\"" % d, check=False)
    assert len(schedules(fresh, uuid)) == 2
    fresh.clear_log()
    assert ctl(os.path.join(d, "ctl"), "delete").returncode == 0
    assert writes(fresh) == [
        ("DELETE", "/api/v1/databases/%s/backups/%s" % (uuid, sched["uuid"]))]
    assert [b["uuid"] for b in schedules(fresh, uuid)] == os.listdir(mnt.p(*WEB_DB, "backups"))
    assert sched["uuid"] not in os.listdir(mnt.p(*WEB_DB, "backups"))


def test_unknown_verbs_send_nothing(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    sched = nightly(fresh, uuid)
    d = mnt.p(*WEB_DB, "backups", sched["uuid"])
    os.listdir(os.path.join(d, "executions"))
    before = schedules(fresh, uuid)
    fresh.clear_log()
    for path, line in ((os.path.join(d, "ctl"), "explode"),
                       (os.path.join(d, "ctl"), "now please"),
                       (os.path.join(d, "executions", "latest", "ctl"), "now")):
        r = ctl(path, line)
        assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert api_requests(fresh) == []
    assert 'unknown verb "explode"' in mnt.stderr()
    assert schedules(fresh, uuid) == before


def test_a_refusal_of_now_is_the_write_error(mnt, fresh):
    uuid = db_uuid(fresh, "web-db")
    sched = nightly(fresh, uuid)
    d = mnt.p(*WEB_DB, "backups", sched["uuid"])
    os.listdir(d)
    fresh.fault(status=403, count=1, match="/backups/", method="PATCH")
    fresh.clear_log()
    r = ctl(os.path.join(d, "ctl"), "now")
    assert r.returncode != 0 and "Permission denied" in r.stderr
    assert writes(fresh) == [
        ("PATCH", "/api/v1/databases/%s/backups/%s" % (uuid, sched["uuid"]))]
    assert len(runs(fresh, uuid, sched["uuid"])) == 3


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "backups" not in os.listdir(m.p(*WEB_DB))
    assert not os.path.exists(m.p(*WEB_DB, "backups"))
    assert not os.path.exists(m.p(*MONGO, "backups", "new.json"))
    assert [r for r in api_requests(fake) if "backups" in r[1]] == []
