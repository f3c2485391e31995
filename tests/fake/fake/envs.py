"""Environment variables of applications, services and (HEAD) databases (NOTES §10, §17.4, §17.6)."""

import re

from . import util
from .http import ApiError, fail, json_response, validate_incoming_request
from .models import APPLICATION_MODEL, SERVICE_MODEL, env_row
from .router import LATEST, route
from .validation import check

# NOTES §17.4: HEAD validates keys.
KEY_RE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.]*\Z")

SEED_FIELDS = ("is_build_time",)
LATEST_FIELDS = ("is_buildtime", "is_runtime", "comment", "is_buildpack_control", "is_coolify")

# NOTES §10.2: the application allow-list at the seed commit; HEAD's is wider (§17.4).
APP_ALLOWED_SEED = ("key", "value", "is_preview", "is_build_time", "is_literal")
APP_ALLOWED_LATEST = ("key", "value", "is_preview", "is_literal", "is_multiline", "is_shown_once",
                      "is_runtime", "is_buildtime", "comment")
DB_ALLOWED_LATEST = ("key", "value", "is_literal", "is_multiline", "is_shown_once", "is_runtime",
                     "is_buildtime", "comment")

# Columns a service env insert/fill may name; anything else is an SQL error (NOTES §10.3).
SEED_COLUMNS = ("key", "value", "is_build_time", "is_preview", "is_shown_once", "is_multiline",
                "is_literal", "is_required", "order", "version")

_FLAGS = ("is_preview", "is_build_time", "is_buildtime", "is_runtime", "is_literal",
          "is_multiline", "is_shown_once", "is_required")

_SHARED_RE = re.compile(r"^\{\{\s*(team|project|environment)\.([A-Za-z0-9_.]+)\s*\}\}$")


def _rules(latest):
    rules = {"key": "string|required", "value": "string|nullable", "is_preview": "boolean",
             "is_literal": "boolean", "is_multiline": "boolean", "is_shown_once": "boolean"}
    if latest:
        rules.update(is_buildtime="boolean", is_runtime="boolean", comment="string|nullable|max:256")
    else:
        rules["is_build_time"] = "boolean"
    return rules


def _validate(data, latest, allowed=None):
    errors = check(data, _rules(latest))
    key = data.get("key")
    if latest and isinstance(key, str) and "key" not in errors:
        if len(key) > 255:
            errors["key"] = ["The key field must not be greater than 255 characters."]
        elif not KEY_RE.match(key.strip()):
            errors["key"] = ["The key field format is invalid."]
    if allowed is not None:
        for field in data:
            if field not in allowed:
                errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        raise ApiError(422, {"message": "Validation failed.", "errors": errors})


def normalize_key(key):
    """NOTES §10.1: trimmed, spaces replaced by "_"; a key over 255 chars is a DB error."""
    key = str(key).strip().replace(" ", "_")
    if len(key) > 255:
        raise ApiError(500, {"message": "Server Error"})
    return key


def _resolve(state, env):
    """real_value: {{project.X}}-style references resolved (NOTES §10.1)."""
    value = env["value"] or ""
    match = _SHARED_RE.match(value)
    if not match:
        return value
    for shared in state.table("shared_envs"):
        if shared["type"] == match.group(1) and shared["key"] == match.group(2):
            return shared["value"]
    return value


def env_api(ctx, env):
    """removeSensitiveData() + serializeApiResponse() of one variable (NOTES §10.1)."""
    drop = LATEST_FIELDS if not ctx.latest else SEED_FIELDS
    data = {k: v for k, v in env.items() if not k.startswith("_") and k not in drop}
    value = (env["value"] or "").strip()
    data["value"] = value
    data["real_value"] = _resolve(ctx.state, env).strip()
    data["is_shared"] = bool(_SHARED_RE.match(value))
    data["is_really_required"] = bool(env["is_required"]) and value == ""
    hidden = ("id", "resourceable", "resourceable_id", "resourceable_type")
    if not ctx.sensitive or (ctx.latest and env["is_shown_once"]):
        # NOTES §1.5; §17.4: HEAD hides shown-once values even with read:sensitive.
        hidden += ("value", "real_value")
    return util.api_sort(util.without(data, hidden))


def new_env(state, model, resource_id, key, value, **flags):
    stamp = util.iso_seconds(state.now())
    if "is_build_time" in flags and "is_buildtime" not in flags:
        flags["is_buildtime"] = flags["is_build_time"]
    if "is_buildtime" in flags and "is_build_time" not in flags:
        flags["is_build_time"] = flags["is_buildtime"]
    env = env_row(id=state.seq("envs"), uuid=state.new_uuid(), key=key,
                  value=(value or "").strip(), version=state.version, resourceable_type=model,
                  resourceable_id=resource_id, created_at=stamp, updated_at=stamp, **flags)
    state.table("envs").append(env)
    return env


def _flags_from(data, names):
    return {n: util.to_bool(data[n]) for n in names if n in data and data[n] is not None}


# -- applications (NOTES §10.2) ------------------------------------------------------------

def _app(ctx, message="Application not found"):
    app = ctx.state.application(ctx.team_id, ctx["uuid"])
    if app is None:
        fail(404, message)  # NOTES §10.2: no trailing period on most of these
    return app


def _app_envs(state, app, preview=None):
    envs = state.envs_of(APPLICATION_MODEL, app["id"])
    if preview is not None:
        envs = [e for e in envs if e["is_preview"] == preview]
    return sorted(envs, key=lambda e: e["id"])


def list_app_envs(ctx):
    app = _app(ctx)
    envs = _app_envs(ctx.state, app, False) + _app_envs(ctx.state, app, True)
    return json_response(200, [env_api(ctx, e) for e in envs])


def _create_app_env(ctx, app, data):
    """Create one variable, with the preview twin of NOTES §10.1."""
    state = ctx.state
    key = normalize_key(data["key"])
    preview = util.to_bool(data.get("is_preview") or False)
    names = ("is_literal", "is_multiline", "is_shown_once", "is_buildtime", "is_runtime") \
        if ctx.latest else ("is_build_time", "is_literal")
    flags = _flags_from(data, names)
    if ctx.latest and data.get("comment") is not None:
        flags["comment"] = data["comment"]
    env = new_env(state, APPLICATION_MODEL, app["id"], key, data.get("value"),
                  is_preview=preview, **flags)
    if not preview and app["build_pack"] != "dockerfile" and \
            not any(e["key"] == key for e in _app_envs(state, app, True)):
        twin_flags = {k: env[k] for k in ("is_build_time", "is_buildtime", "is_runtime",
                                          "is_multiline")}
        new_env(state, APPLICATION_MODEL, app["id"], key, env["value"], is_preview=True, **twin_flags)
    return env


def create_app_env(ctx):
    app = _app(ctx)
    data = ctx.req.all()
    # NOTES §10.2: no JSON content-type check here; is_multiline etc. are "not allowed".
    _validate(data, ctx.latest, APP_ALLOWED_LATEST if ctx.latest else APP_ALLOWED_SEED)
    key = normalize_key(data["key"])
    preview = util.to_bool(data.get("is_preview") or False)
    if any(e["key"] == key for e in _app_envs(ctx.state, app, preview)):
        fail(409, "Environment variable already exists. Use PATCH request to update it.")
    env = _create_app_env(ctx, app, data)
    return json_response(201, {"uuid": env["uuid"]})


def _overwrite(ctx, env, data):
    """NOTES §10.2: PATCH overwrites value and the flags left out (HEAD: §17.4)."""
    if not ctx.latest:
        # The stored flag is compared with a request key that can never be sent, so a
        # true is overwritten with null: NOT NULL violation.
        if env["is_multiline"] or env["is_shown_once"]:
            raise ApiError(500, {"message": "Server Error"})
        env["is_build_time"] = util.to_bool(data.get("is_build_time") or False)
        env["is_buildtime"] = env["is_build_time"]
    else:
        for flag in ("is_multiline", "is_shown_once", "is_buildtime", "is_runtime"):
            if data.get(flag) is not None:
                env[flag] = util.to_bool(data[flag])
        env["is_build_time"] = env["is_buildtime"]
        if "comment" in data:
            env["comment"] = data["comment"]
    env["value"] = (data.get("value") or "").strip()
    env["is_literal"] = util.to_bool(data.get("is_literal") or False)
    ctx.state.touch(env)


def update_app_env(ctx):
    validate_incoming_request(ctx.req)
    app = _app(ctx)
    data = ctx.req.all()
    _validate(data, ctx.latest, APP_ALLOWED_LATEST if ctx.latest else APP_ALLOWED_SEED)
    key = normalize_key(data["key"])
    preview = util.to_bool(data.get("is_preview") or False)
    env = next((e for e in _app_envs(ctx.state, app, preview) if e["key"] == key), None)
    if env is None:
        fail(404, "Environment variable not found.")
    _overwrite(ctx, env, data)
    return json_response(201, env_api(ctx, env))


def _bulk_items(ctx):
    validate_incoming_request(ctx.req)
    items = ctx.req.all().get("data")
    if not items:
        fail(400, "Bulk data is required.")
    return items if isinstance(items, list) else list(items.values()) if isinstance(items, dict) else [items]


def bulk_app_envs(ctx):
    """NOTES §10.2: an upsert without a transaction; extra keys silently dropped."""
    items = _bulk_items(ctx)
    app = _app(ctx)
    allowed = APP_ALLOWED_LATEST if ctx.latest else APP_ALLOWED_SEED
    out = []
    for item in items:
        item = {k: v for k, v in (item if isinstance(item, dict) else {}).items() if k in allowed}
        _validate(item, ctx.latest)
        key = normalize_key(item["key"])
        preview = util.to_bool(item.get("is_preview") or False)
        env = next((e for e in _app_envs(ctx.state, app, preview) if e["key"] == key), None)
        if env is None:
            env = _create_app_env(ctx, app, item)
        else:
            _overwrite(ctx, env, item)
        out.append(env)
    return json_response(201, [env_api(ctx, e) for e in out])


def _delete(ctx, model, resource_id):
    state = ctx.state
    env = next((e for e in state.envs_of(model, resource_id) if e["uuid"] == ctx["env_uuid"]), None)
    if env is None:
        fail(404, "Environment variable not found.")
    state.table("envs").remove(env)  # NOTES §10.2: a hard delete; the twin stays
    return json_response(200, {"message": "Environment variable deleted."})


def delete_app_env(ctx):
    app = _app(ctx, "Application not found.")
    return _delete(ctx, APPLICATION_MODEL, app["id"])


# -- services (NOTES §10.3) ------------------------------------------------------------------

def _service(ctx):
    svc = ctx.state.service(ctx.team_id, ctx["uuid"])
    if svc is None:
        fail(404, "Service not found.")
    return svc


def _service_envs(state, svc):
    return sorted(state.envs_of(SERVICE_MODEL, svc["id"]), key=lambda e: e["key"])


def list_service_envs(ctx):
    return json_response(200, [env_api(ctx, e) for e in _service_envs(ctx.state, _service(ctx))])


def _fill(ctx, env, data, partial):
    """Eloquent fill($request->all()): unknown columns are an SQL error (seed)."""
    if not ctx.latest:
        unknown = [k for k in data if k not in SEED_COLUMNS]
        if unknown:
            raise ApiError(500, {"message": "Server Error"})
    for field, value in data.items():
        if field == "key":
            continue
        if field == "value":
            env["value"] = (value or "").strip()
        elif field in _FLAGS:
            env[field] = util.to_bool(value or False)
        else:
            env[field] = value
    if ctx.latest and not partial:
        env["value"] = (data.get("value") or "").strip()
    # Keep the seed and HEAD names of the build-time flag in step.
    if "is_build_time" in data:
        env["is_buildtime"] = env["is_build_time"]
    else:
        env["is_build_time"] = env["is_buildtime"]
    ctx.state.touch(env)


def _service_allowed(ctx):
    # HEAD: an allow-list (this fake's choice; see README), seed: none (NOTES §10.3).
    return APP_ALLOWED_LATEST if ctx.latest else None


def create_service_env(ctx):
    state = ctx.state
    svc = _service(ctx)
    data = ctx.req.all()
    _validate(data, ctx.latest, _service_allowed(ctx))
    key = normalize_key(data["key"])
    if any(e["key"] == key for e in _service_envs(state, svc)):
        fail(409, "Environment variable already exists. Use PATCH request to update it.")
    env = new_env(state, SERVICE_MODEL, svc["id"], key, None)
    _fill(ctx, env, data, partial=True)
    return json_response(201, env_api(ctx, env))


def update_service_env(ctx):
    svc = _service(ctx)
    data = ctx.req.all()
    _validate(data, ctx.latest, _service_allowed(ctx))
    key = normalize_key(data["key"])
    env = next((e for e in _service_envs(ctx.state, svc) if e["key"] == key), None)
    if env is None:
        fail(404, "Environment variable not found.")
    # NOTES §10.3: a partial update at the seed; HEAD always assigns value (§17.4).
    _fill(ctx, env, data, partial=not ctx.latest)
    return json_response(201, env_api(ctx, env))


def bulk_service_envs(ctx):
    items = ctx.req.all().get("data")
    svc = _service(ctx)
    if not items:
        fail(400, "Bulk data is required.")
    out = []
    for item in items if isinstance(items, list) else []:
        item = item if isinstance(item, dict) else {}
        _validate(item, ctx.latest, _service_allowed(ctx))
        key = normalize_key(item["key"])
        env = next((e for e in _service_envs(ctx.state, svc) if e["key"] == key), None)
        if env is None:
            env = new_env(ctx.state, SERVICE_MODEL, svc["id"], key, None)
        _fill(ctx, env, item, partial=not ctx.latest)
        out.append(env)
    return json_response(201, [env_api(ctx, e) for e in out])


def delete_service_env(ctx):
    return _delete(ctx, SERVICE_MODEL, _service(ctx)["id"])


# -- databases (HEAD only, NOTES §17.6) -----------------------------------------------------

def _database(ctx):
    db = ctx.state.database(ctx.team_id, ctx["uuid"])
    if db is None:
        fail(404, "Database not found.")
    return db


def _db_envs(state, db):
    return sorted(state.envs_of(db["_model"], db["id"]), key=lambda e: e["id"])


def list_db_envs(ctx):
    return json_response(200, [env_api(ctx, e) for e in _db_envs(ctx.state, _database(ctx))])


def create_db_env(ctx):
    db = _database(ctx)
    data = ctx.req.all()
    _validate(data, True, DB_ALLOWED_LATEST)
    key = normalize_key(data["key"])
    if any(e["key"] == key for e in _db_envs(ctx.state, db)):
        fail(409, "Environment variable already exists. Use PATCH request to update it.")
    env = new_env(ctx.state, db["_model"], db["id"], key, None)
    _fill(ctx, env, data, partial=False)
    return json_response(201, {"uuid": env["uuid"]})


def update_db_env(ctx):
    validate_incoming_request(ctx.req)
    db = _database(ctx)
    data = ctx.req.all()
    _validate(data, True, DB_ALLOWED_LATEST)
    key = normalize_key(data["key"])
    env = next((e for e in _db_envs(ctx.state, db) if e["key"] == key), None)
    if env is None:
        fail(404, "Environment variable not found.")
    _overwrite(ctx, env, data)
    return json_response(201, env_api(ctx, env))


def bulk_db_envs(ctx):
    items = _bulk_items(ctx)
    db = _database(ctx)
    out = []
    for item in items:
        item = {k: v for k, v in (item if isinstance(item, dict) else {}).items()
                if k in DB_ALLOWED_LATEST}
        _validate(item, True)
        key = normalize_key(item["key"])
        env = next((e for e in _db_envs(ctx.state, db) if e["key"] == key), None)
        if env is None:
            env = new_env(ctx.state, db["_model"], db["id"], key, None)
            _fill(ctx, env, item, partial=False)
        else:
            _overwrite(ctx, env, item)
        out.append(env)
    return json_response(201, [env_api(ctx, e) for e in out])


def delete_db_env(ctx):
    db = _database(ctx)
    return _delete(ctx, db["_model"], db["id"])


ROUTES = [
    route("GET", "/applications/{uuid}/envs", list_app_envs, "read"),
    route("POST", "/applications/{uuid}/envs", create_app_env, "write"),
    route("PATCH", "/applications/{uuid}/envs", update_app_env, "write"),
    route("PATCH", "/applications/{uuid}/envs/bulk", bulk_app_envs, "write"),
    route("DELETE", "/applications/{uuid}/envs/{env_uuid}", delete_app_env, "write"),
    route("GET", "/services/{uuid}/envs", list_service_envs, "read"),
    route("POST", "/services/{uuid}/envs", create_service_env, "write"),
    route("PATCH", "/services/{uuid}/envs", update_service_env, "write"),
    route("PATCH", "/services/{uuid}/envs/bulk", bulk_service_envs, "write"),
    route("DELETE", "/services/{uuid}/envs/{env_uuid}", delete_service_env, "write"),
    route("GET", "/databases/{uuid}/envs", list_db_envs, "read", LATEST),
    route("POST", "/databases/{uuid}/envs", create_db_env, "write", LATEST),
    route("PATCH", "/databases/{uuid}/envs", update_db_env, "write", LATEST),
    route("PATCH", "/databases/{uuid}/envs/bulk", bulk_db_envs, "write", LATEST),
    route("DELETE", "/databases/{uuid}/envs/{env_uuid}", delete_db_env, "write", LATEST),
]
