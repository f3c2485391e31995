"""Destinations (current Coolify only): DestinationsController at HEAD
(`GET /destinations`, `GET|POST /servers/{server_uuid}/destinations`,
`GET|PATCH|DELETE /destinations/{uuid}`) and an application's extra destinations
(ApplicationsController::destinations, add_destination, remove_destination:
`GET|POST /applications/{uuid}/destinations`,
`DELETE /applications/{uuid}/destinations/{destination_uuid}`). The seed has no such
routes: the catch-all 404.

Answer shapes: a destination is DestinationsController::transform() (uuid, name,
network, type, server_uuid, created_at, updated_at: no id, not key-sorted). An
application's list is its primary destination first (is_primary true), then its
additional_networks. Lookups that the controller does with firstOrFail() answer
Laravel's ModelNotFoundException 404, "No query results for model [...]". Every server of
the fake is a standalone one, so every destination is a StandaloneDocker.
"""

import hashlib
import re

from . import util
from .applications import find as find_application
from .http import fail, json_response, validate_incoming_request
from .models import DESTINATION_COLUMNS, simple_row
from .router import LATEST, route
from .validation import check, extra_fields, validation_failed

_NETWORK = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
_NO_SERVER = "No query results for model [App\\Models\\Server]."
# findDestinationForTeam(): StandaloneDocker's first(), then SwarmDocker's firstOrFail().
_NO_DESTINATION = "No query results for model [App\\Models\\SwarmDocker]."


def destination_uuid(server_name, network):
    """Demo destinations get uuids that do not draw from the seeded random stream."""
    digest = hashlib.sha256(("destination:%s:%s" % (server_name, network)).encode()).digest()
    return "d" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


def add_destination(state, server, name, network, uuid=None):
    stamp = util.iso_seconds(state.now())
    dest = simple_row(DESTINATION_COLUMNS, id=state.seq("destinations"), name=name,
                      uuid=uuid or state.new_uuid(), network=network, server_id=server["id"],
                      created_at=stamp, updated_at=stamp)
    state.table("destinations").append(dest)
    return dest


def transform(state, dest):
    server = state.server_by_id(dest["server_id"])
    return {"uuid": dest["uuid"], "name": dest["name"], "network": dest["network"],
            "type": "standalone", "server_uuid": server and server["uuid"],
            "created_at": dest["created_at"], "updated_at": dest["updated_at"]}


def team_destinations(state, team_id):
    """Destinations whose server is the team's (whereHas('server', whereTeamId))."""
    ids = {s["id"] for s in state.team_servers(team_id)}
    return [d for d in state.table("destinations") if d["server_id"] in ids]


def team_destination(state, team_id, uuid):
    for d in team_destinations(state, team_id):
        if d["uuid"] == uuid:
            return d
    return None


def can_host(state, dest):
    """$destination->server?->canHostResources(): not a build server."""
    server = state.server_by_id(dest["server_id"])
    settings = server and state.settings_of(server)
    return bool(server) and not (settings or {}).get("is_build_server")


def attached(state, dest):
    """Destination::attachedTo(): a resource runs on it, or an application has it as an
    extra destination."""
    for row in list(state.live("applications")) + list(state.all_databases()) + \
            list(state.live("services")):
        if row.get("destination_id") == dest["id"]:
            return True
    return any(p["destination_id"] == dest["id"] for p in state.table("additional_networks"))


def extra_networks(state, app):
    """$application->additional_networks: the pivot rows, oldest first."""
    return [p for p in state.table("additional_networks") if p["application_id"] == app["id"]]


def _validated(data, rules, allowed):
    errors = check(data, rules)
    for field in extra_fields(data, allowed):
        errors.setdefault(field, []).append("This field is not allowed.")
    return errors


# -- DestinationsController ----------------------------------------------------------------

def list_destinations(ctx):
    return json_response(200, [transform(ctx.state, d)
                               for d in team_destinations(ctx.state, ctx.team_id)])


def _server(ctx):
    server = ctx.state.server(ctx.team_id, ctx["server_uuid"])
    if server is None:
        fail(404, _NO_SERVER)
    return server


def list_server_destinations(ctx):
    server = _server(ctx)
    return json_response(200, [transform(ctx.state, d) for d in ctx.state.table("destinations")
                               if d["server_id"] == server["id"]])


def _find(ctx):
    dest = team_destination(ctx.state, ctx.team_id, ctx["uuid"])
    if dest is None:
        fail(404, _NO_DESTINATION)
    return dest


def get_destination(ctx):
    return json_response(200, transform(ctx.state, _find(ctx)))


def create_destination(ctx):
    validate_incoming_request(ctx.req)
    server = _server(ctx)
    data = ctx.req.all()
    errors = _validated(data, {"name": "nullable|string|max:255",
                               "network": "required|string|max:255",
                               "type": "nullable|in:standalone,swarm"},
                        ("name", "network", "type"))
    network = data.get("network")
    if isinstance(network, str) and "network" not in errors and not _NETWORK.match(network):
        errors["network"] = ["The network field format is invalid."]
    if errors:
        validation_failed(errors)
    # Every server of the fake is standalone (no Swarm: tests/fake/README.md).
    if data.get("type") not in (None, "standalone"):
        fail(422, "Destination type must be standalone for this server.")
    if any(d["server_id"] == server["id"] and d["network"] == network
           for d in ctx.state.table("destinations")):
        fail(409, "A destination with this network already exists on the server.")
    name = data.get("name") or "%s-%s" % (server["name"], network)
    dest = add_destination(ctx.state, server, name, network)
    return json_response(201, transform(ctx.state, dest))


def update_destination(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = _validated(data, {"name": "required|string|max:255"}, ("name",))
    if errors:
        validation_failed(errors)
    dest = _find(ctx)
    dest["name"] = data["name"]
    ctx.state.touch(dest)
    return json_response(200, transform(ctx.state, dest))


def delete_destination(ctx):
    dest = _find(ctx)
    if attached(ctx.state, dest):
        fail(409, "Destination has attached resources, detach first.")
    ctx.state.table("destinations").remove(dest)
    return json_response(200, {"message": "Deleted."})


# -- an application's destinations ------------------------------------------------------------

def _entry(state, dest, primary, server_id=None):
    server = state.server_by_id(dest["server_id"])
    return {"uuid": dest["uuid"], "name": dest["name"], "network": dest["network"],
            "server_uuid": server and server["uuid"],
            "server_id": server_id if server_id is not None else dest["server_id"],
            "is_primary": primary}


def list_app_destinations(ctx):
    state = ctx.state
    app = find_application(ctx)
    out = []
    primary = state.destination_by_id(app["destination_id"])
    if primary:
        out.append(_entry(state, primary, True))
    for pivot in extra_networks(state, app):
        out.append(_entry(state, state.destination_by_id(pivot["destination_id"]), False,
                          pivot["server_id"]))
    return json_response(200, out)


def add_app_destination(ctx):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = _validated(data, {"destination_uuid": "required|string"}, ("destination_uuid",))
    if errors:
        validation_failed(errors)
    app = find_application(ctx)
    dest = team_destination(state, ctx.team_id, data["destination_uuid"])
    if dest is None or not can_host(state, dest):
        fail(404, "Destination not found.")
    if app["destination_id"] == dest["id"]:
        fail(422, "Destination is already the primary destination.")
    extras = extra_networks(state, app)
    if any(p["destination_id"] == dest["id"] for p in extras):
        fail(422, "Destination is already attached.")
    primary = state.destination_by_id(app["destination_id"])
    if primary and primary["server_id"] == dest["server_id"]:
        fail(422, "Cannot attach a destination on the same server as the primary destination.")
    if any(p["server_id"] == dest["server_id"] for p in extras):
        fail(422, "A destination on this server is already attached.")
    state.table("additional_networks").append(
        {"application_id": app["id"], "destination_id": dest["id"], "server_id": dest["server_id"]})
    return json_response(201, {"message": "Destination attached.", "uuid": dest["uuid"]})


def remove_app_destination(ctx):
    state = ctx.state
    app = find_application(ctx)
    dest = team_destination(state, ctx.team_id, ctx["destination_uuid"])
    if dest is None:
        fail(404, "Destination not found.")
    if app["destination_id"] == dest["id"]:
        fail(422, "Cannot remove the primary destination.")
    pivot = next((p for p in extra_networks(state, app) if p["destination_id"] == dest["id"]), None)
    if pivot is None:
        fail(404, "Destination not found.")
    state.table("additional_networks").remove(pivot)
    return json_response(200, {"message": "Destination detached."})


ROUTES = [
    route("GET", "/destinations", list_destinations, "read", LATEST),
    route("GET", "/destinations/{uuid}", get_destination, "read", LATEST),
    route("PATCH", "/destinations/{uuid}", update_destination, "write", LATEST),
    route("DELETE", "/destinations/{uuid}", delete_destination, "write", LATEST),
    route("GET", "/servers/{server_uuid}/destinations", list_server_destinations, "read", LATEST),
    route("POST", "/servers/{server_uuid}/destinations", create_destination, "write", LATEST),
    route("GET", "/applications/{uuid}/destinations", list_app_destinations, "read", LATEST),
    route("POST", "/applications/{uuid}/destinations", add_app_destination, "write", LATEST),
    route("DELETE", "/applications/{uuid}/destinations/{destination_uuid}",
          remove_app_destination, "write", LATEST),
]
