"""Projects and environments (NOTES §3, §17.7)."""

import unicodedata

from . import util
from .applications import app_raw
from .databases import SENSITIVE_LATEST as DB_SENSITIVE, db_raw
from .applications import SENSITIVE as APP_SENSITIVE
from .http import fail, json_response, validate_incoming_request
from .models import ENVIRONMENT_COLUMNS, PROJECT_COLUMNS, simple_row
from .router import LATEST, SEED, route
from .services import SENSITIVE as SVC_SENSITIVE, service_raw
from .servers import nested_hide
from .validation import check, extra_fields, validate


def _public(row):
    return {k: v for k, v in row.items() if not k.startswith("_")}


def normalize_env_name(name):
    """NOTES §3.2: lower-cased, trimmed, "/" replaced by "-"."""
    return name.strip().lower().replace("/", "-")


def find(ctx):
    project = ctx.state.project(ctx.team_id, ctx["uuid"])
    if project is None:
        fail(404, "Project not found.")
    return project


def find_environment(state, project, name_or_uuid):
    """NOTES §3.3: by name first (case-sensitive), then by uuid."""
    envs = state.environments_of(project)
    for env in envs:
        if env["name"] == name_or_uuid:
            return env
    for env in envs:
        if env["uuid"] == name_or_uuid:
            return env
    return None


def _env_resources(state, env):
    """Everything living in one environment, all types."""
    return ([a for a in state.live("applications") if a["environment_id"] == env["id"]]
            + [d for d in state.all_databases() if d["environment_id"] == env["id"]]
            + [s for s in state.live("services") if s["environment_id"] == env["id"]])


def new_project(state, team_id, name, description, ts=None):
    stamp = util.iso_seconds(ts if ts is not None else state.now())
    project = simple_row(PROJECT_COLUMNS, id=state.seq("projects"), uuid=state.new_uuid(),
                         name=name, description=description, team_id=int(team_id),
                         created_at=stamp, updated_at=stamp)
    state.table("projects").append(project)
    return project


def new_environment(state, project, name, ts=None, description=None):
    stamp = util.iso_seconds(ts if ts is not None else state.now())
    env = simple_row(ENVIRONMENT_COLUMNS, id=state.seq("environments"),
                     name=normalize_env_name(name), project_id=project["id"], created_at=stamp,
                     updated_at=stamp, description=description, uuid=state.new_uuid())
    state.table("environments").append(env)
    return env


# -- read -------------------------------------------------------------------------------

def list_projects(ctx):
    # NOTES §3.1: only id, name, description, uuid.
    rows = [{k: p[k] for k in ("id", "name", "description", "uuid")}
            for p in ctx.state.team_projects(ctx.team_id)]
    return json_response(200, [util.api_sort(r) for r in rows])


def get_project(ctx):
    project = find(ctx)
    data = _public(project)
    data["environments"] = [_public(e) for e in ctx.state.environments_of(project)]
    return json_response(200, util.api_sort(data))


def get_environment(ctx):
    """NOTES §3.3: environment + nested resources, raw and unfiltered, no keydb/dragonfly/clickhouse."""
    state = ctx.state
    project = find(ctx)
    env = find_environment(state, project, ctx["environment"])
    if env is None:
        fail(404, "Environment not found.")
    hide_nested = nested_hide(ctx)
    # NOTES §17.9: HEAD's models hide secrets by default; the seed commit leaks them all.
    hidden_app = APP_SENSITIVE if hide_nested else ()
    hidden_db = DB_SENSITIVE if hide_nested else ()
    hidden_svc = SVC_SENSITIVE if hide_nested else ()
    data = _public(env)
    data["applications"] = [util.without(app_raw(state, a, hide_nested=hide_nested), hidden_app)
                            for a in state.live("applications") if a["environment_id"] == env["id"]]
    for key, db_type in (("postgresqls", "postgresql"), ("redis", "redis"), ("mongodbs", "mongodb"),
                         ("mysqls", "mysql"), ("mariadbs", "mariadb")):
        data[key] = [util.without(db_raw(state, d, hide_nested=hide_nested), hidden_db)
                     for d in state.live("db_" + db_type) if d["environment_id"] == env["id"]]
    data["services"] = [util.without(service_raw(state, s, hide_nested=hide_nested), hidden_svc)
                        for s in state.live("services") if s["environment_id"] == env["id"]]
    return json_response(200, util.api_sort(data))


# -- write ------------------------------------------------------------------------------

def create_project(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, {"name": "string|max:255|required", "description": "string|nullable"},
             ("name", "description"))
    project = new_project(ctx.state, ctx.team_id, data["name"], data.get("description"))
    # app/Models/Project.php: a new project gets a "production" environment.
    new_environment(ctx.state, project, "production")
    return json_response(201, {"uuid": project["uuid"]})


# HEAD:app/Support/ValidationPatterns.php NAME_PATTERN and nameMessages().
_NAME_PUNCTUATION = "-_./@&()#,:+"
_NAME_REGEX_MESSAGE = ("The name may only contain letters (including Unicode), numbers, spaces, "
                       "and these characters: - _ . / @ & ( ) # , : +")


def _name_ok(name):
    """/^[\p{L}\p{M}\p{N}\s\-_.@\/&()#,:+]+$/u"""
    return bool(name) and all(unicodedata.category(c)[0] in "LMN" or c.isspace()
                              or c in _NAME_PUNCTUATION for c in name)


def _update_errors(ctx, data):
    """The PATCH rules of a project or an environment: at the seed
    customApiValidator's `string|max:255|nullable`; at HEAD
    ValidationPatterns::nameRules(required: false) (Validator::make, with
    nameMessages(): min 3, max 255, NAME_PATTERN). Either way the
    allow-list's errors join the validator's."""
    if not ctx.latest:
        errors = check(data, {"name": "string|max:255|nullable", "description": "string|nullable"})
    else:
        errors = check(data, {"description": "string|nullable"})
        name = data.get("name")
        if isinstance(name, str):
            found = []
            if len(name) < 3:
                found.append("The name must be at least 3 characters.")
            if len(name) > 255:
                found.append("The name may not be greater than 255 characters.")
            if not _name_ok(name):
                found.append(_NAME_REGEX_MESSAGE)
            if found:
                errors["name"] = found
        elif name is not None:
            errors["name"] = ["The name field must be a string."]
    for field in extra_fields(data, ("name", "description")):
        errors.setdefault(field, []).append("This field is not allowed.")
    return errors


def update_project(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = _update_errors(ctx, data)
    if errors:
        fail(422, "Validation failed.", errors=errors)
    project = find(ctx)
    if data.get("name"):
        project["name"] = data["name"]
    if "description" in data:
        project["description"] = data["description"]
    ctx.state.touch(project)
    return json_response(201, {"uuid": project["uuid"], "name": project["name"],
                               "description": project["description"]})


def delete_project(ctx):
    state = ctx.state
    project = find(ctx)
    if any(_env_resources(state, e) for e in state.environments_of(project)):
        fail(400, "Project has resources, so it cannot be deleted.")
    state.tables["environments"] = [e for e in state.table("environments")
                                    if e["project_id"] != project["id"]]
    state.table("projects").remove(project)
    return json_response(200, {"message": "Project deleted."})


# -- environments (HEAD only, NOTES §17.7) ---------------------------------------------------

def list_environments(ctx):
    project = find(ctx)
    return json_response(200, [{"id": e["id"], "uuid": e["uuid"], "name": e["name"]}
                               for e in ctx.state.environments_of(project)])


def create_environment(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, {"name": "string|max:255|required"}, ("name",))
    project = find(ctx)
    name = normalize_env_name(data["name"])
    if find_environment(ctx.state, project, name):
        fail(409, "Environment with this name already exists.")
    env = new_environment(ctx.state, project, name)
    return json_response(201, {"uuid": env["uuid"]})


def _env(ctx):
    project = find(ctx)
    env = find_environment(ctx.state, project, ctx["environment"])
    if env is None:
        fail(404, "Environment not found.")
    return project, env


def update_environment(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = _update_errors(ctx, data)
    if errors:
        fail(422, "Validation failed.", errors=errors)
    project, env = _env(ctx)
    if data.get("name"):
        # ProjectController::update_environment compares the name as sent,
        # before the model lower-cases it (NOTES §3.2).
        if data["name"] != env["name"] and any(
                e["name"] == data["name"] and e is not env
                for e in ctx.state.environments_of(project)):
            fail(409, "Environment with this name already exists.")
        env["name"] = normalize_env_name(data["name"])
    if "description" in data:
        env["description"] = data["description"]
    ctx.state.touch(env)
    return json_response(200, {"uuid": env["uuid"], "name": env["name"],
                               "description": env["description"]})


def delete_environment(ctx):
    _, env = _env(ctx)
    if _env_resources(ctx.state, env):
        fail(400, "Environment has resources, so it cannot be deleted.")
    ctx.state.table("environments").remove(env)
    return json_response(200, {"message": "Environment deleted."})


ROUTES = [
    route("GET", "/projects", list_projects, "read"),
    route("POST", "/projects", create_project, "read", SEED),     # NOTES §3.4: read only (a bug)
    route("POST", "/projects", create_project, "write", LATEST),  # NOTES §17.2
    route("GET", "/projects/{uuid}", get_project, "read"),
    route("PATCH", "/projects/{uuid}", update_project, "write"),
    route("DELETE", "/projects/{uuid}", delete_project, "write"),
    route("GET", "/projects/{uuid}/environments", list_environments, "read", LATEST),
    route("POST", "/projects/{uuid}/environments", create_environment, "write", LATEST),
    route("PATCH", "/projects/{uuid}/environments/{environment}", update_environment, "write", LATEST),
    route("DELETE", "/projects/{uuid}/environments/{environment}", delete_environment, "write", LATEST),
    route("GET", "/projects/{uuid}/{environment}", get_environment, "read"),
]
