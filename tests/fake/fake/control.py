"""The control API under /_fake/: no auth, never logged, never rate-limited."""

import json
import socket
import threading

from . import applications, databases, services, util
from .http import Response


def _body(req):
    try:
        data = json.loads(req.body.decode("utf-8")) if req.body else {}
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _json(status, obj, headers=None):
    return Response(status, json.dumps(obj).encode(), "application/json", headers)


def handle(fake, req, conn):
    """Returns (Response, callable to run after the response was sent, or None)."""
    state = fake.state
    api = fake.peer or fake
    name = req.path[len("/_fake"):].strip("/")
    data = _body(req) if req.method == "POST" else {}
    if data is None:
        return _json(400, {"error": "body must be a JSON object"}), None
    state.tick()
    with state.lock:
        if req.method == "GET" and name == "log":
            return _json(200, state.request_log), None
        if req.method == "POST" and name == "log/clear":
            state.request_log.clear()
            return _json(200, {"ok": True}), None
        if req.method == "POST" and name == "reset":
            state.reset()
            api.go_up()
            return _json(200, {"ok": True}), None
        if req.method == "GET" and name == "fault":
            return _json(200, state.faults.describe()), None
        if req.method == "POST" and name == "fault":
            return _fault(fake, api, state, data, conn)
        if req.method == "POST" and name == "tokens":
            return _add_token(state, data), None
        if req.method == "GET" and name == "state":
            return _json(200, dump(state)), None
        if req.method == "POST" and name == "set":
            return _set(state, data), None
        if req.method == "GET" and name == "port":
            return _json(200, {"port": api.port, "up": api.is_up}), None
    return _json(404, {"error": "unknown control endpoint", "path": req.path}), None


def _fault(fake, api, state, data, conn):
    faults = state.faults
    if data.get("clear"):
        faults.items.clear()
        faults.latency_ms = state.config.latency_ms
        faults.unanswered = None
        state.instance["is_api_enabled"] = True
        state.objects_for_lists = None
        for token in state.tokens.values():
            token["revoked"] = False
    if "latency_ms" in data:
        faults.latency_ms = int(data["latency_ms"] or 0)
    if "status" in data:
        faults.add("status", int(data["status"]), data)
    if "garbage" in data:
        faults.add("garbage", int(data["garbage"]), data)
    if "cut" in data:
        faults.add("cut", int(data["cut"]), data)
    if "hang_ms" in data:
        faults.add("hang", int(data["hang_ms"]), data)
    if "api_enabled" in data:
        state.instance["is_api_enabled"] = bool(data["api_enabled"])
    if "objects_for_lists" in data:
        state.objects_for_lists = data["objects_for_lists"]
    if "revoke" in data:
        token = state.tokens.get(int(str(data["revoke"]).split("|")[0]))
        if token is None:
            return _json(404, {"error": "no such token"}), None
        token["revoked"] = True
    after = None
    headers = {}
    if data.get("down") in ("close", "hang"):
        # Still listening, but nobody answers: a dead upstream behind a proxy or a firewall
        # that eats the requests. Control requests keep working on the same port.
        faults.unanswered = data["down"]
    elif data.get("down") is True:
        up_after = data.get("up_after_ms")
        if up_after:
            threading.Timer(float(up_after) / 1000.0, api.go_up).start()
        if api is fake:
            # The listener and the other connections close before this answer is sent,
            # so a client that has read it can no longer connect.
            api.go_down(keep=conn)
            headers["Connection"] = "close"

            def after():
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        else:
            api.go_down()
    elif data.get("down") is False:
        faults.unanswered = None
        api.go_up()
    body = faults.describe()
    body["up"] = api.is_up and not faults.unanswered
    return _json(200, body, headers), after


def _add_token(state, data):
    token = str(data.get("token") or "")
    if "|" not in token or not token.split("|")[0].isdigit():
        return _json(400, {"error": "token must look like <id>|<secret>"})
    token_id, _, secret = token.partition("|")
    team_id = data.get("team_id", "0")
    state.add_token(int(token_id), secret, data.get("abilities") or ["root"],
                    None if team_id is None else str(team_id), int(data.get("user_id", 0)))
    return _json(201, {"id": int(token_id)})


def _find_resource(state, uuid):
    for app in state.live("applications"):
        if app["uuid"] == uuid:
            return "application", app
    for db in state.all_databases():
        if db["uuid"] == uuid:
            return "database", db
    for svc in state.live("services"):
        if svc["uuid"] == uuid:
            return "service", svc
    for table in ("service_applications", "service_databases"):
        for sub in state.table(table):
            if sub["uuid"] == uuid:
                return "sub", sub
    return None, None


def _set(state, data):
    if "deployment_speed" in data:
        state.deployment_speed = float(data["deployment_speed"])
    if "deploy_outcome" in data:
        state.next_deploy_outcome = data["deploy_outcome"]
    if "log_growth" in data:
        state.log_growth = bool(data["log_growth"])
    if "version_json" in data:
        state.version_json = bool(data["version_json"])
    if "version" in data:
        state.version_override = None if data["version"] is None else str(data["version"])
    if "ignore_show_timestamps" in data:
        state.timestamps_ignored = bool(data["ignore_show_timestamps"])
    if "development" in data:
        state.development = bool(data["development"])
    if "rate_limit" in data:
        state.config.rate_limit = int(data["rate_limit"])
        state.rate_buckets.clear()
    if "objects_for_lists" in data:
        state.objects_for_lists = data["objects_for_lists"]
    if "api_enabled" in data:
        state.instance["is_api_enabled"] = bool(data["api_enabled"])
    if "cloud_revoked" in data:
        state.cloud_revoked = set(data["cloud_revoked"] or ())
    if "allowed_ips" in data:
        state.instance["allowed_ips"] = data["allowed_ips"]
    if "drop_server" in data:
        # A one-server instance for the tests of placement defaults: the
        # server goes from the lists, whatever runs on it.
        for server in state.table("servers"):
            if server["uuid"] == data["drop_server"]:
                server["_deleted"] = True
    if "resource" in data:
        kind, row = _find_resource(state, data["resource"])
        if row is None:
            return _json(404, {"error": "no such resource"})
        if "status" in data:
            status = data["status"]
            if kind == "application":
                applications.set_status(state, row, status)
            elif kind == "database":
                databases.set_status(state, row, status)
            elif kind == "service":
                apps, dbs = state.service_subs(row)
                for sub in apps + dbs:
                    services.set_sub_status(state, sub, _raw_sub_status(status))
            else:
                services.set_sub_status(state, row, _raw_sub_status(status))
        if "log_append" in data:
            from . import containers
            log = containers.stream(state, row["uuid"], "application" if kind != "database" else row["_type"],
                                    True)
            log.append(state.now(), str(data["log_append"]), data.get("stream", "stdout"))
        for column, value in (data.get("columns") or {}).items():
            if column in row and not column.startswith("_"):
                row[column] = value
    return _json(200, {"ok": True})


def _raw_sub_status(status):
    """Service sub-containers store "running (healthy)" (NOTES §7.2)."""
    if ":" in status:
        state, _, health = status.partition(":")
        return "%s (%s)" % (state, health) if state == "running" else state
    return status


def _public(row):
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _envs(state, model, resource_id):
    return [{"uuid": e["uuid"], "key": e["key"], "value": e["value"], "is_preview": e["is_preview"],
             "is_build_time": e["is_build_time"], "is_buildtime": e["is_buildtime"],
             "is_runtime": e["is_runtime"], "is_literal": e["is_literal"],
             "is_multiline": e["is_multiline"], "is_shown_once": e["is_shown_once"],
             "is_required": e["is_required"], "comment": e["comment"], "updated_at": e["updated_at"]}
            for e in sorted(state.envs_of(model, resource_id), key=lambda e: e["id"])]


def dump(state):
    """Everything, for tests to assert on the server side."""
    from .models import APPLICATION_MODEL, SERVICE_MODEL
    apps = []
    for app in state.table("applications"):
        item = _public(app)
        item["status"] = applications.normalize_status(app["status"])
        item["deleted"] = bool(app.get("_deleted"))
        item["envs"] = _envs(state, APPLICATION_MODEL, app["id"])
        apps.append(item)
    dbs = []
    for db in state.all_databases():
        item = _public(db)
        item["type"] = db["_type"]
        item["status"] = applications.normalize_status(db["status"])
        item["envs"] = _envs(state, db["_model"], db["id"])
        dbs.append(item)
    svcs = []
    for svc in state.live("services"):
        item = _public(svc)
        item["status"] = services.service_status(state, svc)
        sub_apps, sub_dbs = state.service_subs(svc)
        item["applications"] = [_public(s) for s in sub_apps]
        item["databases"] = [_public(s) for s in sub_dbs]
        item["envs"] = _envs(state, SERVICE_MODEL, svc["id"])
        svcs.append(item)
    deps = [dict(_public(d), entries=len(d["_entries"])) for d in state.table("deployments")]
    return {
        "mode": state.mode, "version": state.version, "instance": dict(state.instance),
        "deployment_speed": state.deployment_speed, "rate_limit": state.config.rate_limit,
        "faults": state.faults.describe(),
        "tokens": [{"id": t["id"], "abilities": t["abilities"], "team_id": t["team_id"],
                    "revoked": t["revoked"]} for t in state.tokens.values()],
        "teams": [_public(t) for t in state.table("teams")],
        "users": [util.without(_public(u), ("password", "remember_token")) for u in state.table("users")],
        "projects": [dict(_public(p), environments=[_public(e) for e in state.environments_of(p)])
                     for p in state.table("projects")],
        "applications": apps, "databases": dbs, "services": svcs, "deployments": deps,
        "servers": [dict(_public(s), settings=_public(state.settings_of(s)),
                         deleted=bool(s.get("_deleted"))) for s in state.table("servers")],
        "private_keys": [_public(k) for k in state.table("private_keys")],
        "tags": [_public(t) for t in state.table("tags")],
        "previews": [_public(p) for p in state.table("application_previews")
                     if not p.get("_deleted")],
        "shared_envs": [dict(e) for e in state.table("shared_envs")],
        "development": state.development,
        "docker_cleanup_executions": [_public(r) for r in state.table("docker_cleanup_executions")],
        "proxy_configurations": {s["uuid"]: s.get("_proxy_configuration")
                                 for s in state.table("servers")},
        "transfers": {s["uuid"]: s["_transfer"] for s in state.table("servers")
                      if s.get("_transfer")},
    }
