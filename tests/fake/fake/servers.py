"""Servers, their settings and destinations (NOTES §13, §2.3)."""

from . import util
from .http import ApiError, fail, json_response, validate_incoming_request
from .router import LATEST, SEED, moved_to_post, route
from .validation import validate

# NOTES §1.5, §17.9: secrets inside server settings.
SETTINGS_SECRETS = ("sentinel_token", "logdrain_newrelic_license_key", "logdrain_axiom_api_key",
                    "logdrain_highlight_project_id")


def _public(row):
    return {k: v for k, v in row.items() if not k.startswith("_")}


def settings_array(settings, hide):
    data = _public(settings)
    return util.without(data, SETTINGS_SECRETS) if hide else data


def is_functional(state, server):
    settings = state.settings_of(server)
    return bool(settings and settings["is_reachable"] and settings["is_usable"]
                and not settings["force_disabled"])


def server_nested(state, server, hide_secrets):
    """A server as an implicitly loaded relation (NOTES §2.3): row + settings.

    NOTES §1.5: never filtered at the seed commit, so the sentinel token leaks;
    HEAD hides it (NOTES §17.9), which callers ask for with hide_secrets.
    """
    data = _public(server)
    data["is_coolify_host"] = server["id"] == 0
    data["settings"] = settings_array(state.settings_of(server), hide_secrets)
    return data


def destination_nested(state, dest_id, hide_secrets):
    dest = state.destination_by_id(dest_id)
    if dest is None:
        return None
    data = _public(dest)
    data["server"] = server_nested(state, state.server_by_id(dest["server_id"]), hide_secrets)
    return data


def nested_hide(ctx):
    """Whether nested server settings lose their secrets for this request."""
    return ctx.latest and not ctx.sensitive


def server_resources(state, server):
    """[{id, uuid, name, type, created_at, updated_at, status}] (NOTES §13)."""
    from .applications import normalize_status
    from .databases import db_type_name
    from .services import service_status
    out = []

    def on_server(row):
        srv = state.server_of(row)
        return srv is not None and srv["id"] == server["id"]

    for app in state.live("applications"):
        if on_server(app):
            out.append(_resource_entry(app, "application", normalize_status(app["status"])))
    for db in state.all_databases():
        if on_server(db):
            out.append(_resource_entry(db, db_type_name(db), normalize_status(db["status"])))
    for svc in state.live("services"):
        if svc["server_id"] == server["id"]:
            out.append(_resource_entry(svc, "service", service_status(state, svc)))
    return out


def _resource_entry(row, type_name, status):
    return {"id": row["id"], "uuid": row["uuid"], "name": row["name"], "type": type_name,
            "created_at": row["created_at"], "updated_at": row["updated_at"], "status": status}


def _find(ctx):
    server = ctx.state.server(ctx.team_id, ctx["uuid"])
    if server is None:
        fail(404, "Server not found.")
    return server


# -- handlers -----------------------------------------------------------------------

def list_servers(ctx):
    out = []
    for server in ctx.state.team_servers(ctx.team_id):
        settings = ctx.state.settings_of(server)
        # NOTES §13: only a few columns, plus is_coolify_host/is_reachable/is_usable/settings.
        data = {k: server[k] for k in ("name", "uuid", "ip", "user", "port", "description")}
        data["is_coolify_host"] = server["id"] == 0
        data["is_reachable"] = settings["is_reachable"]
        data["is_usable"] = settings["is_usable"]
        data["settings"] = settings_array(settings, not ctx.sensitive)
        out.append(util.api_sort(data))
    return json_response(200, out)


def get_server(ctx):
    server = _find(ctx)
    data = util.without(server_nested(ctx.state, server, not ctx.sensitive), ("id",))
    if util.php_truthy(ctx.req.query.get("resources")):
        data["resources"] = server_resources(ctx.state, server)
    return json_response(200, util.api_sort(data))


def get_server_resources(ctx):
    return json_response(200, server_resources(ctx.state, _find(ctx)))


def get_server_domains(ctx):
    state = ctx.state
    server = _find(ctx)
    domains = []

    def add(fqdns):
        for url in (fqdns or "").split(","):
            url = url.strip()
            if url:
                host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
                if host not in domains:
                    domains.append(host)

    for app in state.live("applications"):
        srv = state.server_of(app)
        if srv is not None and srv["id"] == server["id"]:
            add(app["fqdn"])
    for svc in state.live("services"):
        if svc["server_id"] == server["id"]:
            for sub in state.service_subs(svc)[0]:
                add(sub["fqdn"])
    ip = server["_public_ip"] or server["ip"]
    return json_response(200, [{"ip": ip, "domains": domains}])


def validate_server(ctx):
    # NOTES §13: a side-effecting GET at the seed commit (POST at HEAD).
    server = _find(ctx)
    server["validation_logs"] = None
    settings = ctx.state.settings_of(server)
    settings["is_reachable"] = True
    settings["is_usable"] = True
    ctx.state.touch(server)
    return json_response(201, {"message": "Validation started."})


_SERVER_FIELDS = ("name", "description", "ip", "port", "user", "private_key_uuid",
                  "is_build_server", "instant_validate", "proxy_type")

_SERVER_RULES = {
    "name": "string|max:255", "description": "string|nullable", "ip": "string|required",
    "port": "integer|nullable", "private_key_uuid": "string|required", "user": "string|nullable",
    "is_build_server": "boolean|nullable", "instant_validate": "boolean|nullable",
    "proxy_type": "string|nullable",
}


def _proxy(proxy_type):
    kind = (proxy_type or "traefik").upper()
    if kind not in ("TRAEFIK", "CADDY", "NONE"):
        raise ApiError(422, {"message": "Validation failed.",
                             "errors": {"proxy_type": ["Invalid proxy type."]}})
    return {"type": kind, "status": "exited"}


def create_server(ctx):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, _SERVER_RULES, _SERVER_FIELDS)
    key = _key(state, ctx.team_id, data["private_key_uuid"])
    if any(s["ip"] == data["ip"] for s in state.live("servers")):
        fail(400, "Server with this IP already exists.")
    now = state.now()
    server = _new_server(state, ctx.team_id, data.get("name") or "server-" + state.new_uuid()[:8],
                         data.get("description"), data["ip"], data.get("port") or 22,
                         data.get("user") or "root", key["id"], _proxy(data.get("proxy_type")), now)
    settings = state.settings_of(server)
    settings["is_build_server"] = util.to_bool(data.get("is_build_server") or False)
    settings["is_reachable"] = False
    settings["is_usable"] = False
    if util.to_bool(data.get("instant_validate") or False):
        state.schedule(0.5, lambda: settings.update(is_reachable=True, is_usable=True))
    return json_response(201, {"uuid": server["uuid"]})


def _key(state, team_id, uuid):
    for key in state.table("private_keys"):
        if key["uuid"] == uuid and str(key["team_id"]) == str(team_id):
            return key
    fail(404, "Private key not found.")


def _new_server(state, team_id, name, description, ip, port, user, key_id, proxy, now):
    from .models import server_row, server_setting_row, simple_row, DESTINATION_COLUMNS
    server_id = state.seq("servers")
    stamp = util.iso_seconds(now)
    server = server_row(id=server_id, uuid=state.new_uuid(), name=name, description=description,
                        ip=ip, port=int(port), user=user, team_id=int(team_id),
                        private_key_id=key_id, proxy=proxy, created_at=stamp, updated_at=stamp,
                        _public_ip=None)
    state.table("servers").append(server)
    state.table("server_settings").append(server_setting_row(
        id=state.seq("server_settings"), server_id=server_id, created_at=stamp, updated_at=stamp,
        sentinel_token=util.b64encode(state.new_uuid() + state.new_uuid())))
    state.table("destinations").append(simple_row(
        DESTINATION_COLUMNS, id=state.seq("destinations"), name=name + "-coolify",
        uuid=state.new_uuid(), network="coolify", server_id=server_id, created_at=stamp,
        updated_at=stamp))
    return server


def update_server(ctx):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    rules = dict(_SERVER_RULES, ip="string|nullable", private_key_uuid="string|nullable")
    validate(data, rules, _SERVER_FIELDS)
    server = _find(ctx)
    if data.get("private_key_uuid"):
        server["private_key_id"] = _key(state, ctx.team_id, data["private_key_uuid"])["id"]
    for field in ("name", "description", "ip", "user"):
        if field in data:
            server[field] = data[field]
    if data.get("port") is not None:
        server["port"] = int(data["port"])
    if "proxy_type" in data:
        server["proxy"] = _proxy(data["proxy_type"])
    if "is_build_server" in data:
        state.settings_of(server)["is_build_server"] = util.to_bool(data["is_build_server"])
    state.touch(server)
    return json_response(201, {"uuid": server["uuid"]})


def delete_server(ctx):
    state = ctx.state
    server = _find(ctx)
    if server_resources(state, server):
        fail(400, "Server has resources, so you need to delete them before.")
    if server["id"] == 0:
        fail(400, "Local server cannot be deleted.")
    server["_deleted"] = True
    return json_response(200, {"message": "Server deleted."})


ROUTES = [
    route("GET", "/servers", list_servers, "read"),
    route("POST", "/servers", create_server, "read", SEED),     # NOTES §1.4: read only (a bug)
    route("POST", "/servers", create_server, "write", LATEST),  # NOTES §17.2
    route("GET", "/servers/{uuid}", get_server, "read"),
    route("PATCH", "/servers/{uuid}", update_server, "write"),
    route("DELETE", "/servers/{uuid}", delete_server, "write"),
    route("GET", "/servers/{uuid}/resources", get_server_resources, "read"),
    route("GET", "/servers/{uuid}/domains", get_server_domains, "read"),
    # NOTES §13 / §17.1: a GET with side effects (ability read) at the seed, POST at HEAD.
    route("GET", "/servers/{uuid}/validate", validate_server, "read", SEED),
    route("POST", "/servers/{uuid}/validate", validate_server, "write", LATEST),
    route("GET", "/servers/{uuid}/validate", moved_to_post, None, LATEST),
]
