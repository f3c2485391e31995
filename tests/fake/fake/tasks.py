"""Scheduled tasks of applications and services, and their executions
(current Coolify only: ScheduledTasksController at HEAD). The seed has no such routes.

Answer shapes: a task is removeSensitiveData() (id, team_id, application_id and service_id
hidden) then serializeApiResponse(); an execution hides id and scheduled_task_id. There is no
GET of one task: the list is the only read. Executions are listed newest first
(ScheduledTask::executions orders by created_at desc).
"""

import hashlib
import re

from . import util
from .applications import find as find_application
from .http import fail, json_response, validate_incoming_request
from .router import LATEST, route
from .services import find as find_service
from .validation import validate

ALLOWED = ("name", "command", "frequency", "container", "timeout", "enabled")

# bootstrap/helpers/constants.php VALID_CRON_STRINGS
CRON_WORDS = ("every_minute", "hourly", "daily", "weekly", "monthly", "yearly",
              "@hourly", "@daily", "@weekly", "@monthly", "@yearly")
_CRON_FIELD = re.compile(r"^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
                         r"(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?)*$")


def valid_cron(text):
    """validate_cron_expression(): a named frequency or a 5-field cron expression."""
    if not isinstance(text, str) or not text:
        return False
    if text in CRON_WORDS:
        return True
    fields = text.split()
    return len(fields) == 5 and all(_CRON_FIELD.match(f) for f in fields)


def task_uuid(owner_uuid, name):
    """Demo tasks get uuids that do not draw from the seeded random stream."""
    digest = hashlib.sha256(("task:%s:%s" % (owner_uuid, name)).encode()).digest()
    return "k" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


def task_api(task):
    data = util.without({k: v for k, v in task.items() if not k.startswith("_")},
                        ("id", "team_id", "application_id", "service_id"))
    return util.api_sort(data)


def execution_api(run):
    data = util.without({k: v for k, v in run.items() if not k.startswith("_")},
                        ("id", "scheduled_task_id"))
    return util.api_sort(data)


def _owner(ctx, kind):
    if kind == "application":
        return find_application(ctx)
    return find_service(ctx)


def _tasks_of(ctx, kind, owner):
    key = "application_id" if kind == "application" else "service_id"
    return [t for t in ctx.state.table("scheduled_tasks") if t.get(key) == owner["id"]]


def _task(ctx, kind, owner):
    for task in _tasks_of(ctx, kind, owner):
        if task["uuid"] == ctx["task_uuid"]:
            return task
    fail(404, "Scheduled task not found.")


def _check_frequency(data):
    if "frequency" in data and not valid_cron(data["frequency"]):
        fail(422, "Validation failed.",
             errors={"frequency": ["Invalid cron expression or frequency format."]})


def add_task(state, kind, owner, name, command, frequency, uuid=None, container=None):
    stamp = util.iso(state.now())
    task = {"id": state.seq("scheduled_tasks"), "uuid": uuid or state.new_uuid(), "name": name,
            "command": command, "frequency": frequency, "container": container,
            "timeout": 300, "enabled": True, "team_id": 0,
            "application_id": owner["id"] if kind == "application" else None,
            "service_id": owner["id"] if kind == "service" else None,
            "created_at": stamp, "updated_at": stamp}
    state.table("scheduled_tasks").append(task)
    return task


def list_tasks(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        return json_response(200, [task_api(t) for t in _tasks_of(ctx, kind, owner)])
    return handler


def create_task(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        validate_incoming_request(ctx.req)
        data = ctx.req.all()
        validate(data, {"name": "required|string|max:255", "command": "required|string",
                        "frequency": "required|string", "container": "string|nullable",
                        "timeout": "integer|min:1", "enabled": "boolean"}, ALLOWED)
        _check_frequency(data)
        task = add_task(ctx.state, kind, owner, data["name"], data["command"], data["frequency"],
                        container=data.get("container"))
        task["team_id"] = int(ctx.team_id)
        if "timeout" in data:
            task["timeout"] = int(data["timeout"])
        if "enabled" in data:
            task["enabled"] = util.to_bool(data["enabled"])
        return json_response(201, task_api(task))
    return handler


def update_task(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        validate_incoming_request(ctx.req)
        data = ctx.req.all()
        if data == {}:
            fail(422, "At least one field must be provided.")
        validate(data, {"name": "string|max:255", "command": "string", "frequency": "string",
                        "container": "string|nullable", "timeout": "integer|min:1",
                        "enabled": "boolean"}, ALLOWED)
        _check_frequency(data)
        task = _task(ctx, kind, owner)
        for field in ALLOWED:
            if field in data:
                task[field] = util.to_bool(data[field]) if field == "enabled" else data[field]
        task["updated_at"] = util.iso(ctx.state.now())
        return json_response(200, task_api(task))
    return handler


def delete_task(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        task = _task(ctx, kind, owner)
        ctx.state.table("scheduled_tasks").remove(task)
        runs = ctx.state.table("task_executions")
        runs[:] = [r for r in runs if r["scheduled_task_id"] != task["id"]]
        return json_response(200, {"message": "Scheduled task deleted."})
    return handler


def _runs_of(state, task):
    runs = [r for r in state.table("task_executions") if r["scheduled_task_id"] == task["id"]]
    return sorted(runs, key=lambda r: r["_created"], reverse=True)


def list_executions(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        task = _task(ctx, kind, owner)
        return json_response(200, [execution_api(r) for r in _runs_of(ctx.state, task)])
    return handler


def start_run(state, task, lines=3, step=0.3):
    """ScheduledTaskJob: a run that is `running`, prints a line per step, then `success`
    (or `failed` when the command contains "false")."""
    now = state.now()
    run = {"id": state.seq("task_executions"), "uuid": state.new_uuid(),
           "scheduled_task_id": task["id"], "status": "running", "message": "",
           "retry_count": 0, "duration": None, "started_at": util.iso(now),
           "finished_at": None, "created_at": util.iso(now), "updated_at": util.iso(now),
           "_created": now + len(state.table("task_executions")) * 1e-6}
    state.table("task_executions").append(run)

    def printer(i):
        def step_run():
            if i < lines:
                run["message"] += "%s: line %d\n" % (task["command"], i + 1)
            else:
                run["status"] = "failed" if "false" in task["command"] else "success"
                run["finished_at"] = util.iso(state.now())
                run["duration"] = round(state.now() - now, 2)
            run["updated_at"] = util.iso(state.now())
        return step_run

    for i in range(lines + 1):
        state.schedule(step * (i + 1), printer(i))
    return run


def execute_task(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        task = _task(ctx, kind, owner)
        start_run(ctx.state, task)
        return json_response(200, {"message": "Scheduled task execution queued."})
    return handler


def _routes(prefix, kind):
    base = "/%s/{uuid}/scheduled-tasks" % prefix
    return [
        route("GET", base, list_tasks(kind), "read", LATEST),
        route("POST", base, create_task(kind), "write", LATEST),
        route("PATCH", base + "/{task_uuid}", update_task(kind), "write", LATEST),
        route("DELETE", base + "/{task_uuid}", delete_task(kind), "write", LATEST),
        route("GET", base + "/{task_uuid}/executions", list_executions(kind), "read", LATEST),
        route("POST", base + "/{task_uuid}/execute", execute_task(kind), "write", LATEST),
    ]


ROUTES = _routes("applications", "application") + _routes("services", "service")
