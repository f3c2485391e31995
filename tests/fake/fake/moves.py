"""Moving a resource to another environment (current Coolify only):
`POST /applications|databases|services/{uuid}/move`, each controller's
move_by_uuid handing over to moveResourceToEnvironment()
(HEAD:bootstrap/helpers/api.php; NOTES §17.11). The seed has no such
route: the catch-all 404."""

from . import applications, databases, services
from .http import ApiError, fail, json_response
from .router import LATEST, route


def _validated(ctx):
    """Validator::make (Laravel's own messages, attribute with spaces), then
    the allow-list, whose errors are strings, not lists (mapWithKeys)."""
    data = ctx.req.all()
    value = data.get("environment_uuid")
    if value is None:  # absent, or "" (ConvertEmptyStringsToNull)
        error = "The environment uuid field is required."
    elif not isinstance(value, str):
        error = "The environment uuid field must be a string."
    else:
        error = None
    if error:
        raise ApiError(422, {"message": "Validation failed.", "errors": {"environment_uuid": [error]}})
    extra = [k for k in data if k != "environment_uuid"]
    if extra:
        raise ApiError(422, {"message": "Validation failed.",
                             "errors": {k: "This field is not allowed." for k in extra}})
    return value


def _move(ctx, resource, resource_type):
    state = ctx.state
    env_uuid = _validated(ctx)
    # Environment::ownedByCurrentTeamAPI($teamId)->whereUuid(...)
    env = next((e for e in state.table("environments") if e.get("uuid") == env_uuid
                and state.team_of_environment(e["id"]) == str(ctx.team_id)), None)
    if env is None:
        fail(404, "Target environment not found or not owned by your team.")
    if resource["environment_id"] == env["id"]:
        fail(400, "%s is already in this environment." % resource_type)
    resource["environment_id"] = env["id"]
    state.touch(resource)
    project = state.project_by_id(env["project_id"])
    return json_response(200, {"message": "%s moved successfully." % resource_type,
                               "uuid": resource["uuid"], "project_uuid": project["uuid"],
                               "environment_uuid": env["uuid"]})


def move_application(ctx):
    return _move(ctx, applications.find(ctx), "Application")


def move_database(ctx):
    return _move(ctx, databases.find(ctx), "Database")


def move_service(ctx):
    return _move(ctx, services.find(ctx), "Service")


ROUTES = [
    route("POST", "/applications/{uuid}/move", move_application, "write", LATEST),
    route("POST", "/databases/{uuid}/move", move_database, "write", LATEST),
    route("POST", "/services/{uuid}/move", move_service, "write", LATEST),
]
