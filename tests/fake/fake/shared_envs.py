"""Shared environment variables (current Coolify only; NOTES §17.7).

SharedEnvironmentVariablesController at HEAD: one table of variables, each of
one `type` (team, project, environment, server) and owned by a team; routes
at /team/envs, /projects/{uuid}/envs, /projects/{uuid}/environments/{name or
uuid}/envs and /servers/{uuid}/envs, each with PATCH and DELETE of
.../envs/{env_id}. What a client sees that differs from a resource's envs:

* variables are named by their numeric `id`, not a uuid; there is no bulk route;
* POST answers 201 `{"id": N}` only; PATCH changes only the fields it is sent
  and answers 200 with the fresh object; DELETE answers 200
  `{"message":"Environment variable deleted."}`;
* the allow-list is key, value, is_literal, is_multiline, is_shown_once, comment
  (anything else, is_preview too: 422 "This field is not allowed.");
* POST and PATCH call validateIncomingRequest (a JSON body is required);
* `value` is in the model's $hidden: shown only with read:sensitive, and never
  for is_shown_once variables; team_id, project_id, environment_id, server_id
  and version are always hidden;
* a PATCH looks the variable up (404 "Environment variable not found.") before
  it validates; a POST validates, then 409 on a taken key in the same scope.
"""

import re

from . import util
from .http import ApiError, fail, json_response, validate_incoming_request
from .router import LATEST, route
from .validation import check

ALLOWED = ("key", "value", "is_literal", "is_multiline", "is_shown_once", "comment")
HIDDEN = ("team_id", "project_id", "environment_id", "server_id", "version")
# ValidationPatterns::ENVIRONMENT_VARIABLE_KEY_PATTERN
KEY_RE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.]*\Z")
RULES = {"value": "string|nullable", "is_literal": "boolean", "is_multiline": "boolean",
         "is_shown_once": "boolean", "comment": "string|nullable|max:256"}
SCOPES = ("project_id", "environment_id", "server_id")


def new_shared_env(state, team_id, type_, key, value, ts=None, **attrs):
    """A row as SharedEnvironmentVariable::create() stores it (the migrations'
    defaults for what is not given)."""
    stamp = util.iso_seconds(state.now() if ts is None else ts)
    row = {"id": state.seq("shared_envs"), "key": key, "value": value, "comment": None,
           "is_literal": False, "is_multiline": False, "is_shown_once": False, "type": type_,
           "team_id": int(team_id), "project_id": None, "environment_id": None,
           "server_id": None, "version": state.version, "created_at": stamp,
           "updated_at": stamp}
    row.update(attrs)
    state.table("shared_envs").append(row)
    return row


def shared_env_api(ctx, env):
    """removeSensitiveData() + serializeApiResponse()."""
    hidden = HIDDEN
    if not ctx.sensitive or env["is_shown_once"]:
        hidden += ("value",)
    return util.api_sort(util.without(env, hidden))


# -- the scope of a route ---------------------------------------------------------------------

def _project(ctx):
    project = ctx.state.project(ctx.team_id, ctx["uuid"])
    if project is None:
        fail(404, "Project not found.")
    return project


def _environment(ctx, project):
    """resolveEnvironment(): by name first, then by uuid."""
    envs = ctx.state.environments_of(project)
    wanted = ctx["environment_name_or_uuid"]
    env = next((e for e in envs if e["name"] == wanted), None) or \
        next((e for e in envs if e.get("uuid") == wanted), None)
    if env is None:
        fail(404, "Environment not found.")
    return env


def _server(ctx):
    server = ctx.state.server(ctx.team_id, ctx["uuid"])
    if server is None:
        fail(404, "Server not found.")
    return server


def _scope(ctx, type_):
    """(type, scope) of the route: which column names the owner."""
    if type_ == "team":
        return {}
    if type_ == "project":
        return {"project_id": _project(ctx)["id"]}
    if type_ == "environment":
        return {"environment_id": _environment(ctx, _project(ctx))["id"]}
    return {"server_id": _server(ctx)["id"]}


def _team_rows(ctx, type_):
    return [e for e in ctx.state.table("shared_envs")
            if str(e["team_id"]) == str(ctx.team_id) and e["type"] == type_]


def _in_scope(ctx, type_, scope):
    return [e for e in _team_rows(ctx, type_)
            if all(e[k] == v for k, v in scope.items())]


def _key_taken(ctx, type_, scope, key, except_id=None):
    """keyExistsInScope(): the scope's columns must match, the others be null."""
    for e in _team_rows(ctx, type_):
        if e["key"] != key or e["id"] == except_id:
            continue
        if all(e[c] == scope.get(c) for c in SCOPES):
            return True
    return False


def _find(ctx, type_, scope):
    raw = ctx["env_id"]
    # PostgreSQL cannot compare a bigint with a word: the query fails.
    if not raw.lstrip("-").isdigit():
        raise ApiError(500, {"message": "Server Error"})
    env = next((e for e in _in_scope(ctx, type_, scope) if e["id"] == int(raw)), None)
    if env is None:
        fail(404, "Environment variable not found.")
    return env


def _validated(ctx, require_key):
    """validateEnvPayload()."""
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    if "key" in data and data["key"] is not None:
        data["key"] = str(data["key"]).strip()
    errors = check(data, RULES)
    key = data.get("key")
    if key is None:
        if require_key:
            errors["key"] = ["This field is required."]
    elif not isinstance(key, str):
        errors["key"] = ["The key field must be a string."]
    elif len(key) > 255:
        errors["key"] = ["The key field must not be greater than 255 characters."]
    elif not KEY_RE.match(key):
        errors["key"] = ["The key field format is invalid."]
    for field in data:
        if field not in ALLOWED:
            errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        raise ApiError(422, {"message": "Validation failed.", "errors": errors})
    if not require_key and not data:
        fail(422, "At least one field must be provided.")
    return data


# -- the four verbs, for every type ----------------------------------------------------------

def _list(type_):
    def handler(ctx):
        scope = _scope(ctx, type_)
        rows = sorted(_in_scope(ctx, type_, scope), key=lambda e: e["id"])
        return json_response(200, [shared_env_api(ctx, e) for e in rows])
    return handler


def _create(type_):
    def handler(ctx):
        scope = _scope(ctx, type_)
        data = _validated(ctx, require_key=True)
        if _key_taken(ctx, type_, scope, data["key"]):
            fail(409, "Environment variable already exists. Use PATCH request to update it.")
        env = new_shared_env(
            ctx.state, ctx.team_id, type_, data["key"], data.get("value"),
            is_literal=util.laravel_boolean(data.get("is_literal")),
            is_multiline=util.laravel_boolean(data.get("is_multiline")),
            is_shown_once=util.laravel_boolean(data.get("is_shown_once")),
            comment=data.get("comment"), **scope)
        return json_response(201, {"id": env["id"]})
    return handler


def _update(type_):
    def handler(ctx):
        scope = _scope(ctx, type_)
        env = _find(ctx, type_, scope)
        data = _validated(ctx, require_key=False)
        if "key" in data and data["key"] != env["key"]:
            if _key_taken(ctx, type_, scope, data["key"], except_id=env["id"]):
                fail(409, "Environment variable already exists with this key.")
            env["key"] = data["key"]
        if "value" in data:
            env["value"] = data["value"]
        for flag in ("is_literal", "is_multiline", "is_shown_once"):
            if flag in data:
                env[flag] = util.laravel_boolean(data[flag])
        if "comment" in data:
            env["comment"] = data["comment"]
        ctx.state.touch(env)
        return json_response(200, shared_env_api(ctx, env))
    return handler


def _delete(type_):
    def handler(ctx):
        scope = _scope(ctx, type_)
        env = _find(ctx, type_, scope)
        ctx.state.table("shared_envs").remove(env)
        return json_response(200, {"message": "Environment variable deleted."})
    return handler


_PATHS = {
    "team": "/team/envs",
    "project": "/projects/{uuid}/envs",
    "environment": "/projects/{uuid}/environments/{environment_name_or_uuid}/envs",
    "server": "/servers/{uuid}/envs",
}

ROUTES = []
for _type, _path in _PATHS.items():
    ROUTES += [
        route("GET", _path, _list(_type), "read", LATEST),
        route("POST", _path, _create(_type), "write", LATEST),
        route("PATCH", _path + "/{env_id}", _update(_type), "write", LATEST),
        route("DELETE", _path + "/{env_id}", _delete(_type), "write", LATEST),
    ]
