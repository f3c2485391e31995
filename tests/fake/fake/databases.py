"""Standalone databases, all eight types (NOTES §5, §8, §17.5, §17.9)."""

from . import containers, util
from .applications import normalize_status, is_running, resolve_placement, project_id_of
from .applications import delete_resource_later, logs_text
from .http import ApiError, fail, json_response, validate_incoming_request
from .models import DB_TYPE_COLUMNS, DB_TYPES, database_columns, database_row
from .router import LATEST, action, route
from .servers import destination_nested, is_functional, nested_hide
from .validation import validate

# NOTES §1.5 (DbC:20-40). The MySQL/MariaDB passwords leak at the seed commit.
SENSITIVE_SEED = ("internal_db_url", "external_db_url", "postgres_password", "dragonfly_password",
                  "redis_password", "mongo_initdb_root_password", "keydb_password",
                  "clickhouse_admin_password")
# NOTES §17.9: HEAD hides them too.
SENSITIVE_LATEST = SENSITIVE_SEED + ("mysql_password", "mysql_root_password", "mariadb_password",
                                     "mariadb_root_password")

PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mongodb": 27017, "redis": 6379,
         "keydb": 6379, "dragonfly": 6379, "clickhouse": 9000}

PASSWORD_FIELD = {"postgresql": "postgres_password", "mysql": "mysql_password",
                  "mariadb": "mariadb_password", "mongodb": "mongo_initdb_root_password",
                  "keydb": "keydb_password", "dragonfly": "dragonfly_password",
                  "clickhouse": "clickhouse_admin_password"}


def db_type_name(db):
    return "standalone-" + db["_type"]


def redis_credentials(state, db):
    """NOTES §5.2: the redis password lives in the database's env vars."""
    values = {e["key"]: e["value"] for e in state.envs_of(db["_model"], db["id"])}
    return values.get("REDIS_USERNAME", "default"), values.get("REDIS_PASSWORD", "")


def _url(state, db, host, port):
    t = db["_type"]
    if t == "postgresql":
        return "postgres://%s:%s@%s:%s/%s" % (db["postgres_user"], db["postgres_password"], host,
                                              port, db["postgres_db"])
    if t == "mysql":
        return "mysql://%s:%s@%s:%s/%s" % (db["mysql_user"], db["mysql_password"], host, port,
                                           db["mysql_database"])
    if t == "mariadb":
        return "mysql://%s:%s@%s:%s/%s" % (db["mariadb_user"], db["mariadb_password"], host, port,
                                           db["mariadb_database"])
    if t == "mongodb":
        return "mongodb://%s:%s@%s:%s/?directConnection=true" % (
            db["mongo_initdb_root_username"], db["mongo_initdb_root_password"], host, port)
    if t == "redis":
        user, password = redis_credentials(state, db)
        return "redis://%s:%s@%s:%s/0" % (user, password, host, port)
    if t in ("keydb", "dragonfly"):
        return "redis://:%s@%s:%s/0" % (db[PASSWORD_FIELD[t]], host, port)
    return "clickhouse://%s:%s@%s:%s/default" % (db["clickhouse_admin_user"],
                                                 db["clickhouse_admin_password"], host, port)


def internal_url(state, db):
    return _url(state, db, db["uuid"], PORTS[db["_type"]])


def external_url(state, db):
    if not (db["is_public"] and db["public_port"]):
        return None
    server = state.server_of(db)
    return _url(state, db, server["_public_ip"] or server["ip"], db["public_port"])


def db_raw(state, db, through=False, hide_nested=False):
    """toArray(): columns, appended attributes, implicit destination (NOTES §2.3, §5.2)."""
    data = {k: v for k, v in db.items() if not k.startswith("_")}
    data["status"] = normalize_status(db["status"])
    if through:
        data["laravel_through_key"] = project_id_of(state, db)
    data["internal_db_url"] = internal_url(state, db)
    data["external_db_url"] = external_url(state, db)
    if db["_type"] != "keydb":
        # NOTES §5: KeyDB's $appends lacks database_type.
        data["database_type"] = db_type_name(db)
    data["server_status"] = is_functional(state, state.server_of(db))
    data["destination"] = destination_nested(state, db["destination_id"], hide_nested)
    return data


def sensitive_fields(latest):
    return SENSITIVE_LATEST if latest else SENSITIVE_SEED


def db_api(ctx, db):
    data = db_raw(ctx.state, db, hide_nested=nested_hide(ctx))
    hidden = ("id", "laravel_through_key")
    if not ctx.sensitive:
        hidden += sensitive_fields(ctx.latest)
    data = util.without(data, hidden)
    return util.api_sort(data)


def find(ctx):
    db = ctx.state.database(ctx.team_id, ctx["uuid"])
    if db is None:
        fail(404, "Database not found.")
    return db


def project_databases(state, project, latest):
    """Project::databases() (NOTES §5.1).

    At the seed commit the per-type lists are chained with Eloquent merge(), which
    keys by primary key: a later type's row with the same numeric id replaces the
    earlier one in its slot. HEAD concatenates.
    """
    env_ids = {e["id"] for e in state.environments_of(project)}
    per_type = [[d for d in state.live("db_" + t) if d["environment_id"] in env_ids]
                for t in DB_TYPES]
    if latest:
        return [d for rows in per_type for d in rows]
    merged = {}
    for rows in per_type:
        for d in rows:
            merged[d["id"]] = d
    return list(merged.values())


# -- read -------------------------------------------------------------------------------

def list_databases(ctx):
    out = []
    for project in ctx.state.team_projects(ctx.team_id):
        for db in project_databases(ctx.state, project, ctx.latest):
            item = db_api(ctx, db)
            if ctx.latest:
                from . import backups  # late: backups imports this module's neighbours
                item["backup_configs"] = backups.latest_configs(ctx.state, db, ctx.team_id)
            out.append(item)
    return json_response(200, out)


def get_database(ctx):
    return json_response(200, db_api(ctx, find(ctx)))


def get_logs(ctx):
    """HEAD only (NOTES §17.5)."""
    db = find(ctx)
    if not is_running(db):
        fail(400, "Database is not running.")
    log = containers.stream(ctx.state, db["uuid"], db["_type"], True)
    return json_response(200, {"logs": logs_text(ctx, log)})


# -- status changes ---------------------------------------------------------------------

def set_status(state, db, status):
    was = is_running(db)
    db["status"] = status
    running = is_running(db)
    if running:
        db["last_online_at"] = util.raw(state.now())
    containers.set_running(state, db["uuid"], db["_type"], was, running)
    state.touch(db)


def start_later(state, db, delay=0.7):
    def run():
        if not db.get("_deleted"):
            db["started_at"] = util.raw(state.now())
            set_status(state, db, "running:healthy")
    state.schedule(delay, run)


def start(ctx):
    db = find(ctx)
    if "running" in (db["status"] or ""):
        fail(400, "Database is already running.")
    start_later(ctx.state, db)
    return json_response(200, {"message": "Database starting request queued."})


def stop(ctx):
    state = ctx.state
    db = find(ctx)
    status = db["status"] or ""
    if "stopped" in status or "exited" in status:
        fail(400, "Database is already stopped.")
    state.schedule(0.7, lambda: db.get("_deleted") or set_status(state, db, "exited"))
    return json_response(200, {"message": "Database stopping request queued."})


def restart(ctx):
    state = ctx.state
    db = find(ctx)
    state.schedule(0.3, lambda: db.get("_deleted") or set_status(state, db, "restarting:unhealthy"))
    start_later(state, db, 1.0)
    return json_response(200, {"message": "Database restarting request queued."})


# -- create / update / delete -----------------------------------------------------------------

_COMMON_FIELDS = ("name", "description", "image", "is_public", "public_port", "limits_memory",
                  "limits_memory_swap", "limits_memory_swappiness", "limits_memory_reservation",
                  "limits_cpus", "limits_cpuset", "limits_cpu_shares")

_TYPE_FIELDS = {
    "postgresql": ("postgres_user", "postgres_password", "postgres_db", "postgres_initdb_args",
                   "postgres_host_auth_method", "postgres_conf"),
    "clickhouse": ("clickhouse_admin_user", "clickhouse_admin_password"),
    "dragonfly": ("dragonfly_password",),
    "redis": ("redis_password", "redis_conf"),
    "keydb": ("keydb_password", "keydb_conf"),
    "mariadb": ("mariadb_conf", "mariadb_root_password", "mariadb_user", "mariadb_password",
                "mariadb_database"),
    "mysql": ("mysql_root_password", "mysql_password", "mysql_user", "mysql_database", "mysql_conf"),
    "mongodb": ("mongo_conf", "mongo_initdb_root_username", "mongo_initdb_root_password",
                "mongo_initdb_database"),
}

_RULES = {"name": "string|max:255|nullable", "description": "string|nullable",
          "image": "string|nullable", "is_public": "boolean|nullable",
          "public_port": "numeric|nullable", "instant_deploy": "boolean|nullable"}


def _conf_fields(db_type):
    return [f for f in _TYPE_FIELDS[db_type] if f.endswith("_conf")]


def _apply(state, db, data):
    for field in _conf_fields(db["_type"]):
        if data.get(field) is not None:
            if not util.is_base64(data[field]):
                # NOTES §5.3, §12: *_conf must be base64; this error is a string.
                raise ApiError(422, {"message": "Validation failed.",
                                     "errors": {field: "The %s should be base64 encoded." % field}})
    for field, value in data.items():
        if field == "redis_password":
            _set_redis_env(state, db, "REDIS_PASSWORD", value or "")
            continue
        if field not in db or field == "id":
            continue
        if field in _conf_fields(db["_type"]) and value is not None:
            value = util.b64decode(value)
        elif field == "is_public":
            value = util.to_bool(value)
        elif field == "public_port" and value is not None:
            value = int(value)
        db[field] = value


def _set_redis_env(state, db, key, value):
    from .envs import new_env
    for env in state.envs_of(db["_model"], db["id"]):
        if env["key"] == key:
            env["value"] = value
            return
    new_env(state, db["_model"], db["id"], key, value)


def _creator(db_type):
    def create(ctx):
        state = ctx.state
        validate_incoming_request(ctx.req)
        data = ctx.req.all()
        allowed = ("server_uuid", "project_uuid", "environment_name", "environment_uuid",
                   "destination_uuid", "instant_deploy") + _COMMON_FIELDS + _TYPE_FIELDS[db_type]
        rules = dict(_RULES, server_uuid="string|required", project_uuid="string|required",
                     environment_name="string|nullable", environment_uuid="string|nullable")
        validate(data, rules, allowed)
        _, env, _, dest = resolve_placement(ctx, data)
        db = new_database(state, db_type, env["id"], dest["id"], data.get("name"))
        _apply(state, db, {k: v for k, v in data.items() if k in allowed and v is not None
                           and k not in ("name", "server_uuid", "project_uuid")})
        if util.php_truthy(data.get("instant_deploy")):
            start_later(state, db)
        body = {"uuid": db["uuid"], "internal_db_url": internal_url(state, db)}
        if external_url(state, db):
            body["external_db_url"] = external_url(state, db)
        return json_response(201, body)
    create.__name__ = "create_" + db_type
    return create


def new_database(state, db_type, env_id, dest_id, name=None, **values):
    """A database row with generated credentials, as Coolify makes them."""
    from .models import DB_MODELS
    stamp = util.iso_seconds(state.now())
    password = "".join(state.rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                       for _ in range(32))
    uuid = values.pop("uuid", None) or state.new_uuid()
    columns = database_columns(db_type)
    defaults = {f: password for f in ("postgres_password", "mysql_password", "mysql_root_password",
                                      "mariadb_password", "mariadb_root_password",
                                      "mongo_initdb_root_password", "keydb_password",
                                      "dragonfly_password", "clickhouse_admin_password")
                if f in columns}
    defaults.update(values)
    row_id = defaults.pop("id", None) or state.seq("db_" + db_type)
    state.bump_seq("db_" + db_type, row_id)
    db = database_row(db_type, id=row_id, uuid=uuid,
                      name=name or "%s-database-%s" % (db_type, uuid), environment_id=env_id,
                      destination_id=dest_id, config_hash=util.new_uuid(state.rng).ljust(32, "0")[:32],
                      created_at=stamp, updated_at=stamp, _model=DB_MODELS[db_type], **defaults)
    state.table("db_" + db_type).append(db)
    if db_type == "redis":
        from .envs import new_env
        new_env(state, db["_model"], db["id"], "REDIS_PASSWORD", password)
        new_env(state, db["_model"], db["id"], "REDIS_USERNAME", "default")
    return db


def update_database(ctx):
    validate_incoming_request(ctx.req)
    db = find(ctx)
    data = ctx.req.all()
    validate(data, _RULES, _COMMON_FIELDS + _TYPE_FIELDS[db["_type"]])
    _apply(ctx.state, db, data)
    ctx.state.touch(db)
    return json_response(200, {"message": "Database updated."})


def delete_database(ctx):
    db = find(ctx)
    delete_resource_later(ctx.state, db)
    return json_response(200, {"message": "Database deletion request queued."})


ROUTES = [
    route("GET", "/databases", list_databases, "read"),
    *[route("POST", "/databases/" + t, _creator(t), "write") for t in DB_TYPE_COLUMNS],
    route("GET", "/databases/{uuid}", get_database, "read"),
    route("PATCH", "/databases/{uuid}", update_database, "write"),
    route("DELETE", "/databases/{uuid}", delete_database, "write"),
    route("GET", "/databases/{uuid}/logs", get_logs, "read", LATEST),
    *action("/databases/{uuid}/start", start),
    *action("/databases/{uuid}/stop", stop),
    *action("/databases/{uuid}/restart", restart),
]
