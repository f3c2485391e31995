"""Scheduled database backups and their executions (current Coolify only:
DatabasesController at HEAD, routes/api.php lines 305-313). The seed has no such routes.

Answer shapes:
* GET /databases/{uuid}/backups: the ScheduledDatabaseBackup rows of the database, newest first
  (ownedByCurrentTeamAPI orders by created_at desc), as Eloquent's toArray() gives them: every
  column in table order (id, team_id and database_id included: nothing is hidden, and there is
  no serializeApiResponse), then the `executions` relation, every column of each, newest first.
* GET .../{backup_uuid}/executions: {"executions": [...]} with six fields per execution (uuid,
  filename, size, created_at as toIso8601String, message, status), newest first.
* POST: 201 {uuid, message}; PATCH: 200 {message}; DELETEs: 200 {message}.

There is no GET of one schedule and no route that runs a backup: `backup_now: true` in a POST
or a PATCH dispatches a DatabaseBackupJob. The schedule holds no secret (the S3 credentials are
in the S3 storage, which is not loaded); the API shows all of it to any token with `read`.
"""

import hashlib

from . import util
from .http import fail, json_response, validate_incoming_request
from .models import DB_MODELS
from .router import LATEST, route
from .applications import is_running
from .tasks import valid_cron
from .validation import check, validation_failed

# DatabasesController::create_backup / update_backup $backupConfigFields.
FIELDS = ("save_s3", "enabled", "dump_all", "frequency", "databases_to_backup",
          "database_backup_retention_amount_locally", "database_backup_retention_days_locally",
          "database_backup_retention_max_storage_locally", "database_backup_retention_amount_s3",
          "database_backup_retention_days_s3", "database_backup_retention_max_storage_s3",
          "s3_storage_uuid", "timeout")

RULES = {
    "enabled": "boolean", "save_s3": "boolean", "dump_all": "boolean",
    "backup_now": "boolean|nullable", "s3_storage_uuid": "string|nullable",
    "databases_to_backup": "string|nullable", "frequency": "string",
    "database_backup_retention_amount_locally": "integer|min:0",
    "database_backup_retention_days_locally": "integer|min:0",
    "database_backup_retention_max_storage_locally": "numeric|min:0",
    "database_backup_retention_amount_s3": "integer|min:0",
    "database_backup_retention_days_s3": "integer|min:0",
    "database_backup_retention_max_storage_s3": "numeric|min:0",
    "timeout": "integer|min:60|max:36000",
}

BOOLS = ("save_s3", "enabled", "dump_all")
FLOATS = ("database_backup_retention_max_storage_locally",
          "database_backup_retention_max_storage_s3")
INTS = ("database_backup_retention_amount_locally", "database_backup_retention_days_locally",
        "database_backup_retention_amount_s3", "database_backup_retention_days_s3", "timeout")

# The column order of scheduled_database_backups (and of toArray()).
BACKUP_COLUMNS = ("id", "description", "uuid", "enabled", "save_s3", "frequency",
                  "database_backup_retention_amount_locally", "database_type", "database_id",
                  "s3_storage_id", "team_id", "created_at", "updated_at", "databases_to_backup",
                  "dump_all", "database_backup_retention_days_locally",
                  "database_backup_retention_max_storage_locally",
                  "database_backup_retention_amount_s3", "database_backup_retention_days_s3",
                  "database_backup_retention_max_storage_s3", "timeout", "disable_local_backup")
EXECUTION_COLUMNS = ("id", "uuid", "status", "message", "size", "filename",
                     "scheduled_database_backup_id", "created_at", "updated_at", "database_name",
                     "finished_at", "local_storage_deleted", "s3_storage_deleted", "s3_uploaded")

# isBackupSolutionAvailable(): false for redis, keydb and dragonfly.
BACKUP_TYPES = ("postgresql", "mysql", "mariadb", "mongodb", "clickhouse")

# bootstrap/helpers/api.php removeUnnecessaryFieldsFromRequest() (update only).
UNNECESSARY = ("project_uuid", "environment_name", "environment_uuid", "destination_uuid",
               "server_uuid", "type", "domains", "instant_deploy", "github_app_uuid",
               "private_key_uuid", "use_build_server", "use_build_secrets", "is_static", "is_spa",
               "is_auto_deploy_enabled", "is_force_https_enabled",
               "is_preview_deployments_enabled", "connect_to_docker_network",
               "force_domain_override", "autogenerate_domain",
               "is_container_label_escape_enabled", "is_preserve_repository_enabled",
               "include_source_commit_in_build", "is_git_submodules_enabled",
               "is_git_lfs_enabled", "is_git_shallow_clone_enabled", "disable_build_cache",
               "inject_build_args_to_dockerfile", "is_env_sorting_enabled",
               "is_pr_deployments_public_enabled", "stop_grace_period", "docker_images_to_keep",
               "is_gzip_enabled")

# validateShellSafePath()
_DANGEROUS = (("`", "backtick (command substitution)"), ("$(", "command substitution"),
              ("${", "variable substitution with potential command injection"),
              ("|", "pipe operator"), ("&", "background/AND operator"),
              (";", "command separator"), ("\n", "newline (command separator)"),
              ("\r", "carriage return"), ("\t", "tab (token separator)"),
              (">", "output redirection"), ("<", "input redirection"))


def demo_uuid(*parts):
    """Demo schedules and runs get uuids that do not draw from the seeded random stream."""
    digest = hashlib.sha256(("backup:" + ":".join(parts)).encode()).digest()
    return "b" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


def _shell_safe(text, context):
    for char, what in _DANGEROUS:
        if char in text:
            return ("Invalid %s: contains forbidden character '%s' (%s). Shell metacharacters "
                    "are not allowed for security reasons." % (context, char, what))
    return None


def databases_input_error(text):
    """validateDatabasesBackupInput(): entries split by |, mongo's db:coll,coll form."""
    for entry in text.split("|"):
        entry = entry.strip()
        if entry in ("", "all", "*"):
            continue
        if ":" in entry:
            name, _, colls = entry.partition(":")
            err = _shell_safe(name, "database name")
            for coll in colls.split(","):
                err = err or (coll.strip() and _shell_safe(coll.strip(), "collection name"))
            if err:
                return err
            continue
        for name in entry.split(","):
            name = name.strip()
            if name not in ("", "all", "*"):
                err = _shell_safe(name, "database name")
                if err:
                    return err
    return None


def _time(state):
    return util.iso_seconds(state.now())


def backup_api(state, backup, relation="executions"):
    """toArray() of a schedule with its executions (or its latest_log)."""
    data = {c: backup[c] for c in BACKUP_COLUMNS}
    runs = [execution_raw(r) for r in runs_of(state, backup)]
    if relation == "executions":
        data["executions"] = runs
    else:
        data["latest_log"] = runs[0] if runs else None
    return data


def execution_raw(run):
    return {c: run[c] for c in EXECUTION_COLUMNS}


def execution_api(run):
    """list_backup_executions' map(): six fields, created_at as toIso8601String()."""
    return {"uuid": run["uuid"], "filename": run["filename"], "size": run["size"],
            "created_at": util.raw(run["_created"]).replace(" ", "T") + "+00:00",
            "message": run["message"], "status": run["status"]}


def backups_of(state, db, team_id=None):
    rows = [b for b in state.table("db_backups")
            if b["database_id"] == db["id"] and b["database_type"] == DB_MODELS[db["_type"]]
            and (team_id is None or str(b["team_id"]) == str(team_id))]
    return sorted(rows, key=lambda b: b["_created"], reverse=True)


def runs_of(state, backup):
    runs = [r for r in state.table("db_backup_executions")
            if r["scheduled_database_backup_id"] == backup["id"]]
    return sorted(runs, key=lambda r: r["_created"], reverse=True)


def latest_configs(state, db, team_id):
    """GET /databases at HEAD: each database's backup_configs, with('latest_log') (NOTES §17.9)."""
    return [backup_api(state, b, "latest_log") for b in backups_of(state, db, team_id)]


def add_backup(state, db, frequency, uuid=None, team_id=0, **values):
    stamp = state.now()
    row = {c: None for c in BACKUP_COLUMNS}
    row.update({"id": state.seq("db_backups"), "uuid": uuid or state.new_uuid(),
                "enabled": True, "save_s3": True, "frequency": frequency,
                "database_backup_retention_amount_locally": 0,
                "database_type": DB_MODELS[db["_type"]], "database_id": db["id"],
                "team_id": team_id, "created_at": util.iso_seconds(stamp),
                "updated_at": util.iso_seconds(stamp), "dump_all": False,
                "database_backup_retention_days_locally": 0,
                "database_backup_retention_max_storage_locally": 0.0,
                "database_backup_retention_amount_s3": 0, "database_backup_retention_days_s3": 0,
                "database_backup_retention_max_storage_s3": 0.0, "timeout": 3600,
                "disable_local_backup": False,
                "_created": stamp + len(state.table("db_backups")) * 1e-6})
    row.update(values)
    state.table("db_backups").append(row)
    return row


def _default_databases(db):
    return {"postgresql": db.get("postgres_db"), "mysql": db.get("mysql_database"),
            "mariadb": db.get("mariadb_database"),
            "clickhouse": db.get("clickhouse_db")}.get(db["_type"])


def backup_file(state, db, name, stamp):
    """DatabaseBackupJob's backup_location."""
    team = state.team(state.team_of_environment(db["environment_id"])) or {"name": "Root Team",
                                                                           "id": 0}
    slug = team["name"].lower().replace(" ", "-")
    base = "/data/coolify/backups/databases/%s-%s/%s-%s" % (slug, team["id"],
                                                           db["name"].lower().replace(" ", "-"),
                                                           db["uuid"])
    prefix = {"postgresql": "pg-dump", "mysql": "mysql-dump", "mariadb": "mariadb-dump",
              "mongodb": "mongo-dump"}.get(db["_type"], "clickhouse-backup")
    ext = {"mongodb": ".tar.gz", "clickhouse": ".zip"}.get(db["_type"], ".dmp")
    return "%s/%s-%s-%d%s" % (base, prefix, name, int(stamp), ext)


def add_run(state, backup, db, name, status, stamp, message, size, uuid=None):
    run = {c: None for c in EXECUTION_COLUMNS}
    run.update({"id": state.seq("db_backup_executions"), "uuid": uuid or state.new_uuid(),
                "status": status, "message": message, "size": size,
                "filename": backup_file(state, db, name, stamp) if status != "failed" else None,
                "scheduled_database_backup_id": backup["id"],
                "created_at": util.iso_seconds(stamp), "updated_at": util.iso_seconds(stamp),
                "database_name": name, "local_storage_deleted": False,
                "s3_storage_deleted": False,
                "_created": stamp + len(state.table("db_backup_executions")) * 1e-6})
    state.table("db_backup_executions").append(run)
    return run


def start_backup(state, backup, db, step=0.3):
    """DatabaseBackupJob: one execution per database to back up, `running` until the dump is
    done, then `success` with the dump's output (or `failed` with docker's error when the
    database is not running). The real job sets the message once, at the end; the fake's grows
    a line per step so that tail -f has something to follow."""
    names = [n.strip() for n in (backup["databases_to_backup"] or _default_databases(db) or "*")
             .replace("|", ",").split(",") if n.strip()]
    runs = []
    now = state.now()
    for name in names:
        run = add_run(state, backup, db, name, "running", now, None, 0)
        runs.append(run)
        lines = ["dumping database %s of %s" % (name, db["name"]),
                 "reading schemas, tables and sequences",
                 "dumping contents of %d tables" % (3 + len(name) % 5)]
        up = is_running(db)

        def stepper(i, run=run, lines=lines, up=up):
            def step_run():
                stamp = state.now()
                if not up:
                    run.update(status="failed", filename=None, finished_at=util.iso(stamp),
                               message="Error response from daemon: container %s is not "
                                       "running" % db["uuid"])
                elif i < len(lines):
                    run["message"] = (run["message"] + "\n" if run["message"] else "") + lines[i]
                else:
                    run.update(status="success", size=1048576 + 4096 * len(name),
                               finished_at=util.iso(stamp),
                               s3_uploaded=None if not backup["save_s3"] else False)
                run["updated_at"] = util.iso_seconds(stamp)
            return step_run

        for i in range(len(lines) + 1 if up else 1):
            state.schedule(step * (i + 1), stepper(i))
    return runs


# -- handlers ------------------------------------------------------------------------------

def _database(ctx):
    # $request->uuid: an input field of that name wins over the route's (Laravel's __get).
    uuid = ctx.req.all().get("uuid") or ctx["uuid"]
    db = ctx.state.database(ctx.team_id, uuid)
    if db is None:
        fail(404, "Database not found.")
    return db


def _backup(ctx, db, message="Backup configuration not found."):
    for b in backups_of(ctx.state, db, ctx.team_id):
        if b["uuid"] == ctx["backup_uuid"]:
            return b
    fail(404, message)


def _validate(ctx, data, rules):
    """customApiValidator(), with the rule exists:s3_storages,uuid."""
    errors = check(data, rules)
    s3 = data.get("s3_storage_uuid")
    if isinstance(s3, str) and not any(s["uuid"] == s3 for s in _s3_storages(ctx.state)):
        errors.setdefault("s3_storage_uuid", []).append(
            "The selected s3_storage_uuid is invalid.")
    if errors:
        validation_failed(errors)


def _s3_storages(state):
    # The S3 storages of the fake, when it has them (s3/ is another part of the fake).
    return state.tables.get("s3_storages", [])


def _check_common(ctx, data, team_id):
    if data.get("frequency") and not valid_cron(data["frequency"]):
        validation_failed({"frequency": ["Invalid cron expression or frequency format."]})
    if util.laravel_boolean(data.get("save_s3")) and not data.get("s3_storage_uuid"):
        validation_failed({"s3_storage_uuid":
                           ["The s3_storage_uuid field is required when save_s3 is true."]})
    s3 = data.get("s3_storage_uuid")
    if s3 and not any(s["uuid"] == s3 and str(s.get("team_id")) == str(team_id)
                      for s in _s3_storages(ctx.state)):
        validation_failed({"s3_storage_uuid": ["The selected S3 storage is invalid for this team."]})


def _extra(data):
    extra = [k for k in data if k not in FIELDS and k != "backup_now"]
    if extra:
        validation_failed({k: ["This field is not allowed."] for k in extra})


def _apply(ctx, backup, data):
    for field in FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "s3_storage_uuid":
            s3 = next((s for s in _s3_storages(ctx.state) if s["uuid"] == value), None)
            if s3:
                backup["s3_storage_id"] = s3["id"]
            continue
        if field in BOOLS:
            value = util.to_bool(value)
        elif field in INTS:
            value = int(value)
        elif field in FLOATS:
            value = float(value)
        backup[field] = value


def _check_databases(value):
    if value:
        err = databases_input_error(value)
        if err:
            validation_failed({"databases_to_backup": [err]})


def list_backups(ctx):
    db = _database(ctx)
    return json_response(200, [backup_api(ctx.state, b) for b in
                               backups_of(ctx.state, db, ctx.team_id)])


def list_executions(ctx):
    db = _database(ctx)
    backup = _backup(ctx, db)
    return json_response(200, {"executions": [execution_api(r) for r in
                                              runs_of(ctx.state, backup)]})


def create_backup(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    _validate(ctx, data, dict(RULES, frequency="required|string"))
    db = _database(ctx)
    if db["_type"] not in BACKUP_TYPES:
        fail(422, "Scheduled backups are not supported for this database type.")
    if not valid_cron(data["frequency"]):
        validation_failed({"frequency": ["Invalid cron expression or frequency format."]})
    _check_common(ctx, data, ctx.team_id)
    _extra(data)
    if not data.get("databases_to_backup"):
        data["databases_to_backup"] = _default_databases(db)
    _check_databases(data.get("databases_to_backup"))
    backup = add_backup(ctx.state, db, data["frequency"], team_id=int(ctx.team_id))
    _apply(ctx, backup, data)
    if util.to_bool(data.get("backup_now") or False):
        start_backup(ctx.state, backup, db)
    return json_response(201, {"uuid": backup["uuid"],
                               "message": "Backup configuration created successfully."})


def update_backup(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    _validate(ctx, data, RULES)
    for field in UNNECESSARY:
        data.pop(field, None)
    db = _database(ctx)
    _check_common(ctx, data, ctx.team_id)
    backup = _backup(ctx, db, "Backup config not found.")
    _extra(data)
    _check_databases(data.get("databases_to_backup"))
    _apply(ctx, backup, data)
    if any(f in data for f in FIELDS):
        backup["updated_at"] = _time(ctx.state)
    if util.to_bool(data.get("backup_now") or False):
        start_backup(ctx.state, backup, db)
    return json_response(200, {"message": "Database backup configuration updated"})


def delete_backup(ctx):
    db = _database(ctx)
    backup = _backup(ctx, db)
    runs = ctx.state.table("db_backup_executions")
    runs[:] = [r for r in runs if r["scheduled_database_backup_id"] != backup["id"]]
    ctx.state.table("db_backups").remove(backup)
    return json_response(200, {"message": "Backup configuration and all executions deleted."})


def delete_execution(ctx):
    db = _database(ctx)
    backup = _backup(ctx, db)
    for run in runs_of(ctx.state, backup):
        if run["uuid"] == ctx["execution_uuid"]:
            ctx.state.table("db_backup_executions").remove(run)
            return json_response(200, {"message": "Backup execution deleted."})
    fail(404, "Backup execution not found.")


_BASE = "/databases/{uuid}/backups"

ROUTES = [
    route("GET", _BASE, list_backups, "read", LATEST),
    route("GET", _BASE + "/{backup_uuid}/executions", list_executions, "read", LATEST),
    route("POST", _BASE, create_backup, "write", LATEST),
    route("PATCH", _BASE + "/{backup_uuid}", update_backup, "write", LATEST),
    route("DELETE", _BASE + "/{backup_uuid}", delete_backup, "write", LATEST),
    route("DELETE", _BASE + "/{backup_uuid}/executions/{execution_uuid}", delete_execution,
          "write", LATEST),
]
