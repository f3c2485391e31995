"""Cloning and migrating a resource (current Coolify only): each controller's
clone_by_uuid (`POST /applications|databases|services/{uuid}/clone`) and migrate_by_uuid
(`POST .../migrate`, migrateResourceToDestination() in HEAD:bootstrap/helpers/api.php).

A clone stays in its source's environment (replicate() keeps environment_id) on the
destination named by destination_uuid, with a new uuid, status exited, and the source's
variables and tags. Its default name is the controller's: `clone-of-NAME-UUID` for an
application (NAME limited to 20 characters, Str::limit's "..." included), `NAME-clone-UUID`
for a database or a service.

migrate answers `abort(404)` outside development (isDev(): APP_ENV local), whose JSON is
Laravel's `{"message": ""}`; `/_fake/set {"development": true}` makes the fake a
development instance, where it moves the resource to the destination as
MigrateResourceToDestination does when there are no volumes to transfer.
"""

from . import applications, databases, services, util
from .destinations import can_host, team_destination
from .http import ApiError, fail, json_response, validate_incoming_request
from .models import APPLICATION_MODEL, SERVICE_MODEL
from .router import LATEST, route
from .validation import check, extra_fields, validation_failed


def _limit(text, n=20):
    """Str::limit(): the first n characters and "..." when it was longer."""
    return text if len(text) <= n else text[:n] + "..."


def _body(ctx, rules, allowed):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = check(data, rules)
    for field in extra_fields(data, allowed):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        validation_failed(errors)
    return data


def _destination(ctx, uuid):
    dest = team_destination(ctx.state, ctx.team_id, uuid)
    if dest is None or not can_host(ctx.state, dest):
        fail(404, "Destination not found.")
    return dest


_CLONE_RULES = {"destination_uuid": "required|string", "name": "string|max:255|nullable",
                "clone_volumes": "boolean"}
_CLONE_FIELDS = ("destination_uuid", "name", "clone_volumes")


def _copy_children(state, src, new, model):
    """Variables (replicate(): same values and flags) and tags go with the clone."""
    for env in [e for e in state.envs_of(model, src["id"])]:
        copy = dict(env, id=state.seq("envs"), uuid=state.new_uuid(), resourceable_id=new["id"])
        state.table("envs").append(copy)
    for tag in [t for t in state.table("taggables")
                if t["taggable_type"] == model and t["taggable_id"] == src["id"]]:
        state.table("taggables").append(dict(tag, taggable_id=new["id"]))


def _stamp(state, row):
    stamp = util.iso_seconds(state.now())
    row["created_at"] = row["updated_at"] = stamp


def clone_application(ctx):
    state = ctx.state
    data = _body(ctx, _CLONE_RULES, _CLONE_FIELDS)
    app = applications.find(ctx)
    dest = _destination(ctx, data["destination_uuid"])
    uuid = state.new_uuid()
    name = data.get("name") or "clone-of-%s-%s" % (_limit(app["name"]), uuid)
    new = dict(app, id=state.seq("applications"), uuid=uuid, name=name, status="exited",
               destination_id=dest["id"])
    _stamp(state, new)
    state.table("applications").append(new)
    _copy_children(state, app, new, APPLICATION_MODEL)
    return json_response(201, {"uuid": uuid, "message": "Application cloned."})


def clone_database(ctx):
    state = ctx.state
    data = _body(ctx, _CLONE_RULES, _CLONE_FIELDS)
    db = databases.find(ctx)
    dest = _destination(ctx, data["destination_uuid"])
    uuid = state.new_uuid()
    name = data.get("name") or "%s-clone-%s" % (db["name"], uuid)
    new = dict(db, id=state.seq("db_" + db["_type"]), uuid=uuid, name=name, status="exited",
               started_at=None, destination_id=dest["id"])
    _stamp(state, new)
    state.table("db_" + db["_type"]).append(new)
    _copy_children(state, db, new, db["_model"])
    return json_response(201, {"uuid": uuid, "message": "Database cloned."})


def clone_service(ctx):
    state = ctx.state
    data = _body(ctx, _CLONE_RULES, _CLONE_FIELDS)
    svc = services.find(ctx)
    dest = _destination(ctx, data["destination_uuid"])
    uuid = state.new_uuid()
    name = data.get("name") or "%s-clone-%s" % (svc["name"], uuid)
    new = dict(svc, id=state.seq("services"), uuid=uuid, name=name, destination_id=dest["id"],
               server_id=dest["server_id"])
    _stamp(state, new)
    state.table("services").append(new)
    # $newService->parse() makes its applications and databases anew, exited.
    apps, dbs = state.service_subs(svc)
    services.add_subs(state, new, state.server_by_id(dest["server_id"]),
                      [(s["name"], s["image"]) for s in apps + dbs])
    _copy_children(state, svc, new, SERVICE_MODEL)
    return json_response(201, {"uuid": uuid, "message": "Service cloned."})


def _migration_refused(message):
    raise ApiError(422, {"message": message, "errors": {"destination_id": [message]}})


def _migrate(ctx, resource, is_service=False):
    state = ctx.state
    if not state.development:
        # abort(404): an HttpException without a message.
        raise ApiError(404, {"message": ""})
    data = ctx.req.all()
    errors = check(data, {"destination_uuid": "required|string", "migrate_volumes": "boolean"})
    for field in extra_fields(data, ("destination_uuid", "migrate_volumes")):
        errors[field] = "This field is not allowed."
    if errors:
        validation_failed(errors)
    dest = _destination(ctx, data["destination_uuid"])
    source = state.destination_by_id(resource["destination_id"])
    if source is None:
        _migration_refused("Resource has no destination to migrate from.")
    if source["id"] == dest["id"]:
        _migration_refused("Resource is already on the selected destination.")
    if source["server_id"] == dest["server_id"]:
        _migration_refused("Migration requires a different server. "
                           "Choose another server destination.")
    resource["destination_id"] = dest["id"]
    if is_service:
        resource["server_id"] = dest["server_id"]
    resource["status"] = "exited"
    state.touch(resource)
    return json_response(200, {"message": "Resource migrated to the new server. Redeploy when ready.",
                               "uuid": resource["uuid"], "destination_uuid": dest["uuid"],
                               "async": False, "volume_jobs": 0})


def migrate_application(ctx):
    return _migrate(ctx, applications.find(ctx))


def migrate_database(ctx):
    return _migrate(ctx, databases.find(ctx))


def migrate_service(ctx):
    return _migrate(ctx, services.find(ctx), is_service=True)


ROUTES = [
    route("POST", "/applications/{uuid}/clone", clone_application, "write", LATEST),
    route("POST", "/databases/{uuid}/clone", clone_database, "write", LATEST),
    route("POST", "/services/{uuid}/clone", clone_service, "write", LATEST),
    route("POST", "/applications/{uuid}/migrate", migrate_application, "write", LATEST),
    route("POST", "/databases/{uuid}/migrate", migrate_database, "write", LATEST),
    route("POST", "/services/{uuid}/migrate", migrate_service, "write", LATEST),
]
