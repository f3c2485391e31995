"""Services and their sub-containers (NOTES §6, §7.2, §8, §17.5)."""

import re

from . import containers, util
from .applications import delete_resource_later, logs_text, project_id_of, resolve_placement
from .http import ApiError, fail, json_response, validate_incoming_request
from .models import service_application_row, service_database_row, service_row
from .router import LATEST, action, route
from .servers import nested_hide, is_functional, server_nested
from .validation import validate

SENSITIVE = ("docker_compose_raw", "docker_compose")  # NOTES §1.5

# One-click templates: (applications, databases) as (name, image) pairs.
TEMPLATES = {
    "n8n": ([("n8n", "docker.n8n.io/n8nio/n8n")], []),
    "n8n-with-postgresql": ([("n8n", "docker.n8n.io/n8nio/n8n")],
                            [("postgresql", "postgres:16-alpine")]),
    "uptime-kuma": ([("uptime-kuma", "louislam/uptime-kuma:1")], []),
    "plausible": ([("plausible", "ghcr.io/plausible/community-edition:v2.1")],
                  [("plausible-db", "postgres:16-alpine"),
                   ("plausible-events-db", "clickhouse/clickhouse-server:24.3")]),
    "ghost": ([("ghost", "ghost:5")], [("mysql", "mysql:8")]),
    "minio": ([("minio", "quay.io/minio/minio:latest")], []),
    "wordpress-with-mysql": ([("wordpress", "wordpress:latest")], [("mysql", "mysql:8")]),
}

_DB_IMAGES = ("postgres", "mysql", "mariadb", "mongo", "redis", "keydb", "dragonfly", "clickhouse")


def service_status(state, svc):
    """NOTES §7.2: the aggregated "<state>:<health>", order-dependent, maybe ":".

    Applications then databases, skipping exclude_from_status. A restarting
    container makes the service degraded and ends the walk.
    """
    apps, dbs = state.service_subs(svc)
    result, health = "", ""
    for sub in apps + dbs:
        if sub["exclude_from_status"]:
            continue
        raw = sub["status"] or ""
        if raw.startswith("restarting"):
            result, health = "degraded", "unhealthy"
            break
        if raw.startswith("running"):
            result = "degraded" if result == "exited" else "running"
        elif raw.startswith("exited"):
            result = "exited"
        healthy = "(healthy)" in raw
        health = "healthy" if healthy and health in ("", "healthy") else "unhealthy"
    return "%s:%s" % (result, health)


def _sub_public(row):
    return {k: v for k, v in row.items() if not k.startswith("_")}


def service_raw(state, svc, through=False, hide_nested=False):
    """toArray() with applications, databases and server{settings} (NOTES §2.3)."""
    data = {k: v for k, v in svc.items() if not k.startswith("_")}
    if through:
        data["laravel_through_key"] = project_id_of(state, svc)
    data["status"] = service_status(state, svc)
    server = state.server_by_id(svc["server_id"])
    data["server_status"] = is_functional(state, server)
    apps, dbs = state.service_subs(svc)
    # NOTES §7.2: sub-resources keep the raw stored status ("running (healthy)").
    data["applications"] = [_sub_public(a) for a in apps]
    data["databases"] = [_sub_public(d) for d in dbs]
    data["server"] = server_nested(state, server, hide_nested)
    return data


def _hidden(ctx):
    hidden = ("id", "resourceable", "resourceable_id", "resourceable_type")
    return hidden if ctx.sensitive else hidden + SENSITIVE


def find(ctx, uuid_param="uuid"):
    svc = ctx.state.service(ctx.team_id, ctx[uuid_param])
    if svc is None:
        fail(404, "Service not found.")
    return svc


def list_services(ctx):
    out = []
    for project in ctx.state.team_projects(ctx.team_id):
        env_ids = {e["id"] for e in ctx.state.environments_of(project)}
        for svc in ctx.state.live("services"):
            if svc["environment_id"] in env_ids:
                data = service_raw(ctx.state, svc, True, nested_hide(ctx))
                # NOTES §6.1: fields hidden, but the list items are not key-sorted.
                out.append(util.without(data, _hidden(ctx)))
    return json_response(200, out)


def get_service(ctx):
    data = service_raw(ctx.state, find(ctx), hide_nested=nested_hide(ctx))
    return json_response(200, util.api_sort(util.without(data, _hidden(ctx))))


# -- status changes ---------------------------------------------------------------------

def _sub_kind(sub):
    image = sub["image"] or ""
    if "postgres" in image:
        return "postgresql"
    if "redis" in image:
        return "redis"
    return "application" if "fqdn" in sub else "database"


def set_sub_status(state, sub, status):
    was = (sub["status"] or "").startswith("running")
    sub["status"] = status
    running = status.startswith("running")
    if running:
        sub["last_online_at"] = util.raw(state.now())
    containers.set_running(state, sub["uuid"], _sub_kind(sub), was, running)
    state.touch(sub)


def _set_all(state, svc, status):
    if svc.get("_deleted"):
        return
    apps, dbs = state.service_subs(svc)
    for sub in apps + dbs:
        set_sub_status(state, sub, status)
    state.touch(svc)


def start_now(state, svc):
    """NOTES §11.4: /deploy starts a service synchronously."""
    _set_all(state, svc, "running (healthy)")


def start(ctx):
    state = ctx.state
    svc = find(ctx)
    if "running" in service_status(state, svc):
        fail(400, "Service is already running.")
    state.schedule(0.7, lambda: _set_all(state, svc, "running (healthy)"))
    return json_response(200, {"message": "Service starting request queued."})


def stop(ctx):
    state = ctx.state
    svc = find(ctx)
    status = service_status(state, svc)
    if "stopped" in status or "exited" in status:
        fail(400, "Service is already stopped.")
    state.schedule(0.7, lambda: _set_all(state, svc, "exited"))
    return json_response(200, {"message": "Service stopping request queued."})


def restart(ctx):
    state = ctx.state
    svc = find(ctx)
    # `latest` (pull images first, $request->boolean) changes nothing visible here.
    state.schedule(0.3, lambda: _set_all(state, svc, "restarting"))
    state.schedule(1.0, lambda: _set_all(state, svc, "running (healthy)"))
    return json_response(200, {"message": "Service restarting request queued."})


# -- logs (HEAD only, NOTES §17.5) -----------------------------------------------------------

def _sub_logs(ctx, sub):
    if sub is None:
        fail(404, "Container not found.")
    if not (sub["status"] or "").startswith("running"):
        fail(400, "Container is not running.")
    log = containers.stream(ctx.state, sub["uuid"], _sub_kind(sub), True)
    return json_response(200, {"logs": logs_text(ctx, log)})


def get_logs(ctx):
    svc = find(ctx)
    name = ctx.req.query.get("sub_service_name")
    if not name:
        validate({}, {"sub_service_name": "string|required"})
    apps, dbs = ctx.state.service_subs(svc)
    return _sub_logs(ctx, next((s for s in apps + dbs if s["name"] == name), None))


# -- create / update / delete -------------------------------------------------------------------

def compose_services(compose):
    """The top-level service names and images of a compose file (good enough for a fake)."""
    out, current, in_services = [], None, False
    for line in compose.splitlines():
        if re.match(r"^services:\s*$", line):
            in_services = True
            continue
        if in_services and re.match(r"^\S", line):
            in_services = False
        match = re.match(r"^  ([A-Za-z0-9_.-]+):\s*$", line) if in_services else None
        if match:
            current = [match.group(1), ""]
            out.append(current)
            continue
        image = re.match(r"^\s+image:\s*['\"]?([^'\"\s]+)", line) if in_services else None
        if image and current:
            current[1] = image.group(1)
    return [tuple(x) for x in out]


def redump(compose):
    """NOTES §15.5: Symfony YAML re-dumps the compose file (comments and blank lines go)."""
    lines = [l.rstrip() for l in compose.splitlines()]
    lines = [l.replace('"', "'") for l in lines if l.strip() and not l.lstrip().startswith("#")]
    return "\n".join(lines) + "\n"


def new_service(state, env_id, server, name, service_type, compose, subs, description=None):
    stamp = util.iso_seconds(state.now())
    uuid = state.new_uuid()
    dest = next(d for d in state.table("destinations") if d["server_id"] == server["id"])
    svc = service_row(id=state.seq("services"), uuid=uuid,
                      name=name or "%s-%s" % (service_type or "service", uuid),
                      environment_id=env_id, server_id=server["id"], description=description,
                      docker_compose_raw=compose, docker_compose=compose, destination_id=dest["id"],
                      config_hash=util.new_uuid(state.rng).ljust(32, "0")[:32],
                      service_type=service_type, created_at=stamp, updated_at=stamp)
    state.table("services").append(svc)
    add_subs(state, svc, server, subs)
    return svc


def add_subs(state, svc, server, subs, status="exited"):
    stamp = util.iso_seconds(state.now())
    ip = server["_public_ip"] or server["ip"]
    for name, image in subs:
        common = dict(uuid=state.new_uuid(), name=name, image=image, status=status,
                      service_id=svc["id"], created_at=stamp, updated_at=stamp)
        if any(k in image for k in _DB_IMAGES):
            state.table("service_databases").append(service_database_row(
                id=state.seq("service_databases"), **common))
        else:
            state.table("service_applications").append(service_application_row(
                id=state.seq("service_applications"),
                fqdn="http://%s-%s.%s.sslip.io" % (name, svc["uuid"], ip), **common))


def _domains(state, svc):
    apps, _ = state.service_subs(svc)
    return [a["fqdn"] for a in apps if a["fqdn"]]


_CREATE_FIELDS = ("type", "name", "description", "project_uuid", "environment_name",
                  "environment_uuid", "server_uuid", "destination_uuid", "instant_deploy",
                  "docker_compose_raw")

_RULES = {"type": "string|nullable", "name": "string|max:255|nullable",
          "description": "string|nullable", "project_uuid": "string|required",
          "environment_name": "string|nullable", "environment_uuid": "string|nullable",
          "server_uuid": "string|required", "destination_uuid": "string|nullable",
          "instant_deploy": "boolean|nullable", "docker_compose_raw": "string|nullable"}


def _compose_from(data):
    from .applications import check_base64
    return check_base64(data, "docker_compose_raw")


def create_service(ctx):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, _RULES, _CREATE_FIELDS)
    if data.get("type"):
        if data["type"] not in TEMPLATES:
            raise ApiError(404, {"message": "Service not found.",
                                 "valid_service_types": sorted(TEMPLATES)})
        _, env, server, _ = resolve_placement(ctx, data)
        apps, dbs = TEMPLATES[data["type"]]
        compose = "services:\n" + "".join("  %s:\n    image: '%s'\n" % s for s in apps + dbs)
        svc = new_service(state, env["id"], server, data.get("name"), data["type"], compose,
                          apps + dbs, data.get("description"))
        status = 200  # NOTES §6.3: one-click services answer 200, not 201
    elif data.get("docker_compose_raw"):
        compose = _compose_from(data)
        _, env, server, _ = resolve_placement(ctx, data)
        svc = new_service(state, env["id"], server, data.get("name"), None, redump(compose),
                          compose_services(compose), data.get("description"))
        status = 201
    else:
        validate(data, {"docker_compose_raw": "string|required"})
    if util.php_truthy(data.get("instant_deploy")):
        state.schedule(0.7, lambda: _set_all(state, svc, "running (healthy)"))
    return json_response(status, {"uuid": svc["uuid"], "domains": _domains(state, svc)})


def update_service(ctx):
    """NOTES §6.3: really a full replace; a missing name is a NOT NULL violation (500)."""
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    allowed = ("name", "description", "project_uuid", "environment_name", "environment_uuid",
               "server_uuid", "destination_uuid", "instant_deploy", "connect_to_docker_network",
               "docker_compose_raw")
    rules = dict(_RULES, docker_compose_raw="string|required",
                 connect_to_docker_network="boolean|nullable")
    rules.pop("type")
    validate(data, rules, allowed)
    svc = find(ctx)
    _, env, server, _ = resolve_placement(ctx, data)
    compose = _compose_from(data)
    if not data.get("name"):
        raise ApiError(500, {"message": "Server Error"})
    svc.update(name=data["name"], description=data.get("description"),
               connect_to_docker_network=util.to_bool(data.get("connect_to_docker_network") or False),
               docker_compose_raw=redump(compose), docker_compose=redump(compose),
               environment_id=env["id"], server_id=server["id"])
    apps, dbs = state.service_subs(svc)
    known = {s["name"] for s in apps + dbs}
    add_subs(state, svc, server, [s for s in compose_services(compose) if s[0] not in known])
    state.touch(svc)
    if util.php_truthy(data.get("instant_deploy")):
        state.schedule(0.7, lambda: _set_all(state, svc, "running (healthy)"))
    return json_response(200, {"uuid": svc["uuid"], "domains": _domains(state, svc)})


def delete_service(ctx):
    svc = find(ctx)
    delete_resource_later(ctx.state, svc)
    return json_response(200, {"message": "Service deletion request queued."})


ROUTES = [
    route("GET", "/services", list_services, "read"),
    route("POST", "/services", create_service, "write"),
    route("GET", "/services/{uuid}", get_service, "read"),
    route("PATCH", "/services/{uuid}", update_service, "write"),
    route("DELETE", "/services/{uuid}", delete_service, "write"),
    route("GET", "/services/{uuid}/logs", get_logs, "read", LATEST),
    # The containers' own logs are service_containers.py's.
    *action("/services/{uuid}/start", start),
    *action("/services/{uuid}/stop", stop),
    *action("/services/{uuid}/restart", restart),
]
