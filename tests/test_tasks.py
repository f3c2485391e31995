"""Scheduled tasks (SPEC §6, issue 15): APP/tasks/ and SERVICE/tasks/ with
task.json, ctl (run | delete), executions/RUN/{status,output,execution.json}
and executions/latest, tasks/new.json; mounted for real over the fake in
latest mode (the seed has no such routes: the entries are absent), driven
with ls, cat, sed -i, vim, echo and tail -f, and checked at the fake's
request log."""
import json
import os
import subprocess
import time

import pytest

from conftest import api_requests, ctl, run, vim

WEB = ("projects", "website", "production", "applications", "web")


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    m = mount_factory(fresh, opts=["cache_ttl=60"])
    return m


def web_uuid(fake):
    return next(a["uuid"] for a in fake.api("/applications")[1] if a["name"] == "web")


def tasks_of(fake, uuid):
    return fake.api("/applications/%s/scheduled-tasks" % uuid)[1]


def sent(fake, part):
    """(method, path) of the logged requests whose path holds part."""
    return [r for r in api_requests(fake) if part in r[1]]


def test_tasks_are_listed_and_read(mnt, fresh):
    uuid = web_uuid(fresh)
    assert "tasks" in os.listdir(mnt.p(*WEB))
    fresh.clear_log()
    assert os.listdir(mnt.p(*WEB, "tasks")) == ["clear-cache"]
    task = mnt.p(*WEB, "tasks", "clear-cache")
    assert sorted(os.listdir(task)) == ["ctl", "executions", "task.json"]
    want = tasks_of(fresh, uuid)[0]
    assert json.load(open(os.path.join(task, "task.json"))) == want
    assert open(os.path.join(task, "ctl")).read() == "run\ndelete\n"
    # One list request for the tasks, one for the runs: task.json is the
    # list's item, no GET of its own (the API has none).
    runs = fresh.api("/applications/%s/scheduled-tasks/%s/executions" % (uuid, want["uuid"]))[1]
    fresh.clear_log()
    ex = os.path.join(task, "executions")
    assert os.listdir(ex)[0] == "latest"
    assert sorted(os.listdir(ex)[1:]) == sorted(r["uuid"] for r in runs)
    assert os.readlink(os.path.join(ex, "latest")) == runs[0]["uuid"]
    assert open(os.path.join(ex, "latest", "status")).read() == runs[0]["status"] + "\n"
    assert open(os.path.join(ex, "latest", "output")).read() == runs[0]["message"]
    old = os.path.join(ex, runs[1]["uuid"])
    assert open(os.path.join(old, "status")).read() == "failed\n"
    assert json.load(open(os.path.join(old, "execution.json"))) == runs[1]
    assert sent(fresh, "/scheduled-tasks") == [
        ("GET", "/api/v1/applications/%s/scheduled-tasks/%s/executions" % (uuid, want["uuid"]))]


def test_service_tasks(mnt, fresh):
    svcs = mnt.p("projects", "tools", "production", "services")
    n8n = next(n for n in os.listdir(svcs) if n.startswith("n8n"))
    assert os.listdir(os.path.join(svcs, n8n, "tasks")) == ["export-workflows"]
    assert os.listdir(os.path.join(svcs, n8n, "tasks", "export-workflows", "executions")) == []


def test_a_saved_task_json_patches_what_changed(mnt, fresh):
    uuid = web_uuid(fresh)
    f = mnt.p(*WEB, "tasks", "clear-cache", "task.json")
    task_uuid = tasks_of(fresh, uuid)[0]["uuid"]
    fresh.clear_log()
    vim(f, r'%s/"0 3 \* \* \*"/"hourly"/')
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [
        ("PATCH", "/api/v1/applications/%s/scheduled-tasks/%s" % (uuid, task_uuid))]
    patch = [e for e in fresh.log() if e["method"] == "PATCH"][0]
    assert json.loads(patch["body"]) == {"frequency": "hourly"}
    assert tasks_of(fresh, uuid)[0]["frequency"] == "hourly"
    assert json.load(open(f))["frequency"] == "hourly"


def test_a_refused_save_changes_nothing(mnt, fresh):
    uuid = web_uuid(fresh)
    f = mnt.p(*WEB, "tasks", "clear-cache", "task.json")
    before = tasks_of(fresh, uuid)
    fresh.clear_log()
    r = vim(f, r'%s/"0 3 \* \* \*"/"every so often"/', check=False)
    assert r.returncode != 0
    assert "Invalid cron expression" in mnt.stderr()
    assert tasks_of(fresh, uuid) == before
    assert [r[0] for r in sent(fresh, "/scheduled-tasks") if r[0] != "GET"] == ["PATCH"]


def test_new_json_creates_a_task(mnt, fresh):
    uuid = web_uuid(fresh)
    d = mnt.p(*WEB, "tasks")
    os.listdir(d)
    fresh.clear_log()
    body = {"name": "warm-up", "command": "curl -s localhost/health", "frequency": "*/5 * * * *"}
    with open(os.path.join(d, "new.json"), "w") as fh:
        json.dump(body, fh)
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [
        ("POST", "/api/v1/applications/%s/scheduled-tasks" % uuid)]
    assert sorted(os.listdir(d)) == ["clear-cache", "warm-up"]
    assert json.load(open(os.path.join(d, "warm-up", "task.json")))["command"] == body["command"]
    # Bad JSON and a refusal create nothing.
    fresh.clear_log()
    r = run("echo '{\"name\": \"x\"}' > \"%s\"" % os.path.join(d, "new.json"), check=False)
    assert r.returncode != 0
    assert len(tasks_of(fresh, uuid)) == 2
    assert [r[0] for r in sent(fresh, "/scheduled-tasks") if r[0] != "GET"] == ["POST"]


def test_run_then_follow_its_output(mnt, fresh):
    uuid = web_uuid(fresh)
    task = mnt.p(*WEB, "tasks", "clear-cache")
    task_uuid = tasks_of(fresh, uuid)[0]["uuid"]
    os.listdir(os.path.join(task, "executions"))
    fresh.clear_log()
    assert ctl(os.path.join(task, "ctl"), "run").returncode == 0
    assert [r for r in api_requests(fresh)] == [
        ("POST", "/api/v1/applications/%s/scheduled-tasks/%s/execute" % (uuid, task_uuid))]
    latest = os.path.join(task, "executions", "latest")
    assert open(os.path.join(latest, "status")).read() == "running\n"
    tail = subprocess.Popen(["tail", "-f", "-s", "0.2", os.path.join(latest, "output")],
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = [tail.stdout.readline() for _ in range(3)]
    finally:
        tail.kill()
    assert lines == ["php artisan cache:clear: line %d\n" % i for i in (1, 2, 3)]
    deadline = time.time() + 10
    while open(os.path.join(latest, "status")).read() != "success\n":
        assert time.time() < deadline
        time.sleep(0.3)
    assert len(os.listdir(os.path.join(task, "executions"))) == 4


def test_delete_and_unknown_verbs(mnt, fresh):
    uuid = web_uuid(fresh)
    task = mnt.p(*WEB, "tasks", "clear-cache")
    task_uuid = tasks_of(fresh, uuid)[0]["uuid"]
    os.listdir(task)
    fresh.clear_log()
    r = ctl(os.path.join(task, "ctl"), "explode")
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert api_requests(fresh) == []
    assert 'unknown verb "explode"' in mnt.stderr()
    # rm -r never deletes (SPEC §3.4); ctl does.
    run("rm -rf \"%s\"" % task, check=False)
    assert len(tasks_of(fresh, uuid)) == 1
    fresh.clear_log()
    assert ctl(os.path.join(task, "ctl"), "delete").returncode == 0
    assert [r for r in api_requests(fresh) if r[0] != "GET"] == [
        ("DELETE", "/api/v1/applications/%s/scheduled-tasks/%s" % (uuid, task_uuid))]
    assert tasks_of(fresh, uuid) == []
    assert os.listdir(mnt.p(*WEB, "tasks")) == []


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "tasks" not in os.listdir(m.p(*WEB))
    assert not os.path.exists(m.p(*WEB, "tasks"))
    assert sent(fake, "scheduled") == []
