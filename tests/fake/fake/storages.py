"""Persistent storages (volumes) and file storages (file and directory mounts) of
applications, databases and services, and their volume-backup schedules (current Coolify
only: ApplicationsController / DatabasesController / ServicesController storages,
create_storage, update_storage, delete_storage, and VolumeBackupsController at HEAD). The seed
has no such routes.

Answer shapes:
* GET .../storages is {"persistent_storages": [...], "file_storages": [...]}, each sorted by
  id, the models' toArray() in column order (no serializeApiResponse): a volume has no hidden
  field (its id shows), a file storage hides `content` unless the token can read sensitive
  data (exposeFileStorageContentIfAllowed) and appends is_binary and is_too_large. A
  service's list merges its sub-applications' and sub-databases' storages, each with
  resource_uuid added and resource_type overwritten with "application" or "database".
* There is no GET of one storage. PATCH goes to the collection, naming the storage by
  "uuid" (or the deprecated "id") and "type" (persistent | file) in the body.
* A service's volumes are read-only (shouldBeReadOnlyInUI: isServiceResource): a PATCH of
  name, mount_path, host_path or content and any DELETE get 422.
* A storage whose volume-backup schedule exists cannot be deleted (abortIfScheduledBackupsExist:
  422 with the model's message).
* The volume-backup schedule has PUT (create or replace: 201 / 200, the whole schedule from
  the body, defaults for what it leaves out), POST .../backups/run and DELETE; no GET.
"""

import hashlib
import re

from . import util
from .applications import find as find_application
from .databases import find as find_database
from .http import fail, json_response, validate_incoming_request
from .models import APPLICATION_MODEL, DB_MODELS
from .router import LATEST, route
from .services import find as find_service
from .tasks import valid_cron
from .validation import check, extra_fields, validation_failed

SERVICE_APPLICATION_MODEL = "App\\Models\\ServiceApplication"
SERVICE_DATABASE_MODEL = "App\\Models\\ServiceDatabase"

# ValidationPatterns::VOLUME_NAME_PATTERN and DIRECTORY_PATH_PATTERN
VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
DIRECTORY_PATH = re.compile(r"^/([a-zA-Z0-9._\-/~@+]*)?$")

# The models' columns in table order (migrations: uuid after id, is_preview_suffix_enabled
# after host_path / is_based_on_git, is_host_file after is_directory).
VOLUME_COLUMNS = ("id", "uuid", "name", "mount_path", "host_path", "is_preview_suffix_enabled",
                  "container_id", "resource_type", "resource_id", "created_at", "updated_at")
FILE_COLUMNS = ("id", "uuid", "fs_path", "mount_path", "content", "resource_type",
                "resource_id", "created_at", "updated_at", "is_directory", "is_host_file",
                "chown", "chmod", "is_based_on_git", "is_preview_suffix_enabled")

CONFIG_DIRS = {"application": "/data/coolify/applications",
               "database": "/data/coolify/databases",
               "service": "/data/coolify/services"}

NOT_FOUND = {"application": "Application not found.", "database": "Database not found.",
             "service": "Service not found."}

READ_ONLY = ("This storage is read-only (managed by docker-compose or service definition). "
             "Only is_preview_suffix_enabled can be updated.")

BACKUP_FIELDS = ("frequency", "enabled", "save_s3", "disable_local_backup", "stop_during_backup",
                 "s3_storage_uuid", "retention_amount_locally", "retention_days_locally",
                 "retention_max_storage_locally", "retention_amount_s3", "retention_days_s3",
                 "retention_max_storage_s3", "timeout")
BACKUP_RULES = {
    "frequency": "required|string|max:255", "enabled": "boolean", "save_s3": "boolean",
    "disable_local_backup": "boolean", "stop_during_backup": "boolean",
    "s3_storage_uuid": "string|nullable",
    "retention_amount_locally": "integer|min:0|max:10000",
    "retention_days_locally": "integer|min:0|max:2147483647",
    "retention_max_storage_locally": "numeric|min:0|max:9999999999",
    "retention_amount_s3": "integer|min:0|max:10000",
    "retention_days_s3": "integer|min:0|max:2147483647",
    "retention_max_storage_s3": "numeric|min:0|max:9999999999",
    "timeout": "integer|min:60|max:36000",
}
DEFAULT_TIMEOUT = 36000  # ScheduledVolumeBackup::DEFAULT_TIMEOUT
BACKUP_SECONDS = 2.0     # how long a queued VolumeBackupJob keeps its schedule busy


def storage_uuid(owner_uuid, name):
    """Demo storages get uuids that do not draw from the seeded random stream."""
    digest = hashlib.sha256(("storage:%s:%s" % (owner_uuid, name)).encode()).digest()
    return "s" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


# -- owners --------------------------------------------------------------------------------

def _morphs(ctx, kind, owner):
    """The (resource_type, resource_id, label, uuid) of every model whose storages the
    owner's routes see: the resource itself, or a service's sub-applications then
    sub-databases."""
    if kind == "application":
        return [(APPLICATION_MODEL, owner["id"], None, owner["uuid"])]
    if kind == "database":
        return [(DB_MODELS[owner["_type"]], owner["id"], None, owner["uuid"])]
    apps, dbs = ctx.state.service_subs(owner)
    return ([(SERVICE_APPLICATION_MODEL, a["id"], "application", a["uuid"]) for a in apps] +
            [(SERVICE_DATABASE_MODEL, d["id"], "database", d["uuid"]) for d in dbs])


def _owner(ctx, kind, message=None):
    if kind == "application":
        return find_application(ctx, message or NOT_FOUND[kind])
    if kind == "database":
        return find_database(ctx)
    return find_service(ctx)


def _storages(state, table, morphs):
    """(row, morph) pairs of the table's storages of those models, sorted by id."""
    out = []
    for morph in morphs:
        out.extend((r, morph) for r in state.table(table)
                   if r["resource_type"] == morph[0] and r["resource_id"] == morph[1])
    return sorted(out, key=lambda p: p[0]["id"])


def _find(ctx, kind, owner, field, value, tables=("local_persistent_volumes", "local_file_volumes")):
    morphs = _morphs(ctx, kind, owner)
    for table in tables:
        for row, morph in _storages(ctx.state, table, morphs):
            if value is not None and str(row[field]) == str(value):
                return table, row, morph
    return None, None, None


# -- shapes --------------------------------------------------------------------------------

def _file_extras(row):
    return {"is_binary": row.get("content") == "[binary file]",
            "is_too_large": row.get("content") == "[file too large to display]"}


def storage_api(ctx, table, row, morph=None):
    """toArray() of a storage; morph set (a service's list): resource_uuid added and
    resource_type overwritten, as ServicesController::storages does."""
    data = {k: v for k, v in row.items() if not k.startswith("_")}
    if table == "local_file_volumes":
        if not ctx.sensitive:
            data.pop("content", None)
        data.update(_file_extras(row))
    if morph is not None and morph[2] is not None:
        data["resource_type"] = morph[2]
        # setAttribute on a new key: after the columns, before the appends.
        appended = {k: data.pop(k) for k in ("is_binary", "is_too_large") if k in data}
        data["resource_uuid"] = morph[3]
        data.update(appended)
    return data


def _fresh_api(ctx, table, row, order):
    """A model just made with create(): its attributes in the order they were set (the
    create() array, then uuid from BaseModel's creating hook, then the timestamps, then
    the id), then the appends."""
    data = {k: row[k] for k in order}
    data.update({"uuid": row["uuid"], "updated_at": row["updated_at"],
                 "created_at": row["created_at"], "id": row["id"]})
    if table == "local_file_volumes":
        if not ctx.sensitive:
            data.pop("content", None)
        data.update(_file_extras(row))
    return data


def add_volume(state, morph, name, mount_path, host_path=None, uuid=None):
    stamp = util.iso_seconds(state.now())
    row = dict(zip(VOLUME_COLUMNS, (
        state.seq("local_persistent_volumes"), uuid or state.new_uuid(), name, mount_path,
        host_path, True, None, morph[0], morph[1], stamp, stamp)))
    state.table("local_persistent_volumes").append(row)
    return row


def add_file(state, morph, fs_path, mount_path, content=None, is_directory=False,
             is_host_file=False, uuid=None):
    stamp = util.iso_seconds(state.now())
    row = dict(zip(FILE_COLUMNS, (
        state.seq("local_file_volumes"), uuid or state.new_uuid(), fs_path, mount_path,
        content, morph[0], morph[1], stamp, stamp, is_directory, is_host_file, None, None,
        False, True)))
    state.table("local_file_volumes").append(row)
    return row


def _start_slash(text):
    text = text.strip()
    return text if text.startswith("/") else "/" + text


# -- storages ------------------------------------------------------------------------------

def list_storages(kind):
    def handler(ctx):
        # storages() says "Application not found" without a full stop.
        owner = _owner(ctx, kind, "Application not found")
        morphs = _morphs(ctx, kind, owner)
        tagged = kind == "service"
        return json_response(200, {
            "persistent_storages": [storage_api(ctx, "local_persistent_volumes", r,
                                                m if tagged else None)
                                    for r, m in _storages(ctx.state, "local_persistent_volumes",
                                                          morphs)],
            "file_storages": [storage_api(ctx, "local_file_volumes", r, m if tagged else None)
                              for r, m in _storages(ctx.state, "local_file_volumes", morphs)],
        })
    return handler


def _validate(data, rules, allowed, regexes):
    """customApiValidator() with the allow-list, and the rules' regex parts."""
    errors = check(data, rules)
    for field, pattern in regexes.items():
        value = data.get(field)
        if field in data and value is not None and (
                not isinstance(value, str) or not pattern.match(value)):
            errors.setdefault(field, []).append("The %s field format is invalid." % field)
    for field in extra_fields(data, allowed):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        validation_failed(errors)


def _not_valid_for(fields, type_name):
    validation_failed({f: "Field '%s' is not valid for type '%s'." % (f, type_name)
                       for f in fields})


def _file_mount_path(text, context):
    """validateFileMountPath(): no backslashes, no '.' or '..' segments."""
    if "\\" in text:
        raise ValueError("Invalid %s: backslash directory separators are not allowed." % context)
    path = re.sub("/+", "/", _start_slash(text))
    if any(seg in (".", "..") for seg in path.strip("/").split("/")):
        raise ValueError("Invalid %s: relative path segments ('.' or '..') are not allowed."
                         % context)
    return path


def create_storage(kind):
    def handler(ctx):
        validate_incoming_request(ctx.req)
        owner = _owner(ctx, kind)
        data = ctx.req.all()
        allowed = ["type", "name", "mount_path", "host_path", "content", "is_directory",
                   "is_host_file", "fs_path"]
        rules = {"type": "required|string|in:persistent,file", "name": "string",
                 "mount_path": "required|string", "host_path": "string|nullable",
                 "content": "string|nullable", "is_directory": "boolean",
                 "is_host_file": "boolean", "fs_path": "string"}
        if kind == "service":
            allowed.insert(1, "resource_uuid")
            rules["resource_uuid"] = "required|string"
        _validate(data, rules, allowed, {"name": VOLUME_NAME, "host_path": DIRECTORY_PATH})
        morph = _morphs(ctx, kind, owner)[0] if kind != "service" else None
        if kind == "service":
            morph = next((m for m in _morphs(ctx, kind, owner) if m[3] == data["resource_uuid"]),
                         None)
            if morph is None:
                fail(404, "Service resource not found.")
        if data["type"] == "persistent":
            if not data.get("name"):
                validation_failed({"name": "The name field is required for persistent storages."})
            bad = [f for f in ("content", "is_directory", "is_host_file", "fs_path") if f in data]
            if bad:
                _not_valid_for(bad, "persistent")
            host = data.get("host_path")
            row = add_volume(ctx.state, morph, morph[3] + "-" + data["name"],
                             _start_slash(data["mount_path"]), _start_slash(host) if host else host)
            return json_response(201, _fresh_api(ctx, "local_persistent_volumes", row,
                                                 ("name", "mount_path", "host_path",
                                                  "resource_id", "resource_type")))
        bad = [f for f in ("name", "host_path") if f in data]
        if bad:
            _not_valid_for(bad, "file")
        is_dir = util.to_bool(data.get("is_directory", False))
        is_host = util.to_bool(data.get("is_host_file", False))
        if is_dir and is_host:
            validation_failed({"is_host_file": "Host file mounts cannot also be directory mounts."})
        if is_dir:
            if not data.get("fs_path"):
                validation_failed({"fs_path": "The fs_path field is required for directory mounts."})
            row = add_file(ctx.state, morph, _start_slash(data["fs_path"]),
                           _start_slash(data["mount_path"]), is_directory=True)
            order = ("fs_path", "mount_path", "is_directory", "resource_id", "resource_type")
        elif is_host:
            if not data.get("fs_path"):
                validation_failed({"fs_path": "The fs_path field is required for host file mounts."})
            if data.get("content"):
                validation_failed({"content": "Content is not valid for host file mounts."})
            try:
                mount = _file_mount_path(data["mount_path"], "host file destination path")
            except ValueError as err:
                validation_failed({"mount_path": str(err)})
            row = add_file(ctx.state, morph, _start_slash(data["fs_path"]), mount,
                           is_host_file=True)
            order = ("fs_path", "mount_path", "content", "is_directory", "is_host_file",
                     "resource_id", "resource_type")
        else:
            try:
                mount = _file_mount_path(data["mount_path"], "file storage path")
            except ValueError as err:
                validation_failed({"mount_path": str(err)})
            base = CONFIG_DIRS[kind] + "/" + (owner["uuid"])
            row = add_file(ctx.state, morph, base + mount, mount, content=data.get("content"))
            order = ("fs_path", "mount_path", "content", "is_directory", "resource_id",
                     "resource_type")
        return json_response(201, _fresh_api(ctx, "local_file_volumes", row, order))
    return handler


def _read_only(table, morph):
    """shouldBeReadOnlyInUI(): every volume of a service; a file storage only with a :ro
    flag in the compose file, which the fake's demo compose files never carry."""
    return table == "local_persistent_volumes" and morph[0] in (SERVICE_APPLICATION_MODEL,
                                                                 SERVICE_DATABASE_MODEL)


def update_storage(kind):
    def handler(ctx):
        validate_incoming_request(ctx.req)
        # update_storage() says "Application not found" without a full stop.
        owner = _owner(ctx, kind, "Application not found")
        data = ctx.req.all()
        _validate(data, {"uuid": "string", "id": "integer",
                         "type": "required|string|in:persistent,file",
                         "is_preview_suffix_enabled": "boolean", "name": "string",
                         "mount_path": "string", "host_path": "string|nullable",
                         "content": "string|nullable"},
                  ("uuid", "id", "type", "is_preview_suffix_enabled", "name", "mount_path",
                   "host_path", "content"),
                  {"name": VOLUME_NAME, "host_path": DIRECTORY_PATH})
        if not data.get("uuid") and not data.get("id"):
            validation_failed({"uuid": "Either uuid or id is required."})
        field, value = ("uuid", data["uuid"]) if data.get("uuid") else ("id", data["id"])
        table = "local_persistent_volumes" if data["type"] == "persistent" else "local_file_volumes"
        table, row, morph = _find(ctx, kind, owner, field, value, (table,))
        if row is None:
            fail(404, "Storage not found.")
        read_only = _read_only(table, morph)
        editable = [f for f in ("name", "mount_path", "host_path", "content") if f in data]
        if read_only and editable:
            fail(422, READ_ONLY, read_only_fields=editable)
        if not read_only:
            bad = [f for f in (("content",) if data["type"] == "persistent"
                               else ("name", "host_path")) if f in data]
            if bad:
                _not_valid_for(bad, data["type"])
        if "is_preview_suffix_enabled" in data:
            row["is_preview_suffix_enabled"] = util.to_bool(data["is_preview_suffix_enabled"])
        if not read_only:
            for f in ("name", "mount_path", "host_path", "content"):
                if f not in data:
                    continue
                value = data[f]
                if f == "mount_path" or (f == "host_path" and value):
                    value = _start_slash(value)
                row[f] = value
        row["updated_at"] = util.iso_seconds(ctx.state.now())
        return json_response(200, storage_api(ctx, table, row))
    return handler


def _backup_of(state, table, row):
    for b in state.table("scheduled_volume_backups"):
        if b["backupable_type"] == table and b["backupable_id"] == row["id"]:
            return b
    return None


def delete_storage(kind):
    def handler(ctx):
        owner = _owner(ctx, kind)
        table, row, _morph = _find(ctx, kind, owner, "uuid", ctx["storage_uuid"])
        if row is None:
            fail(404, "Storage not found.")
        if _read_only(table, _morph):
            fail(422, "This storage is read-only (managed by docker-compose or service "
                      "definition) and cannot be deleted.")
        if _backup_of(ctx.state, table, row):
            what = "volume" if table == "local_persistent_volumes" else "directory"
            # abort(422, ...): Laravel's HttpException as JSON.
            fail(422, "Delete this %s backup schedule and its archives before deleting the %s."
                 % (what, what))
        ctx.state.table(table).remove(row)
        return json_response(200, {"message": "Storage deleted."})
    return handler


# -- volume-backup schedules ----------------------------------------------------------------

def _backup_target(ctx, kind):
    owner = _owner(ctx, kind)
    table, row, _morph = _find(ctx, kind, owner, "uuid", ctx["storage_uuid"])
    if row is None:
        fail(404, "Storage not found.")
    return table, row


def _int(data, key, default=0):
    try:
        return int(float(data.get(key, default)))
    except (TypeError, ValueError):
        return default


def _float(data, key):
    try:
        return float(data.get(key, 0))
    except (TypeError, ValueError):
        return 0.0


def upsert_backup(kind):
    def handler(ctx):
        validate_incoming_request(ctx.req)
        table, row = _backup_target(ctx, kind)
        data = ctx.req.all()
        errors = check(data, BACKUP_RULES)
        for field in extra_fields(data, BACKUP_FIELDS):
            errors.setdefault(field, []).append("This field is not allowed.")
        if "frequency" not in errors and not valid_cron(data.get("frequency")):
            errors.setdefault("frequency", []).append(
                "The frequency must be a valid cron or human expression.")
        save_s3 = util.laravel_boolean(data.get("save_s3", False))
        if util.laravel_boolean(data.get("disable_local_backup", False)) and not save_s3:
            errors.setdefault("disable_local_backup", []).append(
                "Local backups can only be disabled when S3 backups are enabled.")
        s3 = None
        if save_s3:
            s3 = next((s for s in ctx.state.tables.get("s3_storages", [])
                       if str(s.get("team_id")) == str(ctx.team_id) and s.get("is_usable")
                       and s.get("uuid") == data.get("s3_storage_uuid")), None)
            if s3 is None:
                errors.setdefault("s3_storage_uuid", []).append(
                    "Select a usable S3 storage owned by your team.")
        if table == "local_file_volumes" and (not row["is_directory"] or row["is_host_file"]):
            errors.setdefault("storage_uuid", []).append(
                "Only directory file storages can be backed up.")
        if errors:
            validation_failed(errors)
        backup = _backup_of(ctx.state, table, row)
        created = backup is None
        if created:
            backup = {"id": ctx.state.seq("scheduled_volume_backups"),
                      "uuid": ctx.state.new_uuid(), "backupable_type": table,
                      "backupable_id": row["id"], "timeout": DEFAULT_TIMEOUT, "_busy_until": 0}
            ctx.state.table("scheduled_volume_backups").append(backup)
        backup.update({
            "frequency": data["frequency"],
            "enabled": util.laravel_boolean(data.get("enabled", True)),
            "save_s3": save_s3,
            "disable_local_backup": save_s3 and util.laravel_boolean(
                data.get("disable_local_backup", False)),
            "stop_during_backup": util.laravel_boolean(data.get("stop_during_backup", False)),
            "s3_storage_uuid": s3["uuid"] if s3 else None,
            "retention_amount_locally": _int(data, "retention_amount_locally", 7),
            "retention_days_locally": _int(data, "retention_days_locally"),
            "retention_max_storage_locally": _float(data, "retention_max_storage_locally"),
            "retention_amount_s3": _int(data, "retention_amount_s3", 7),
            "retention_days_s3": _int(data, "retention_days_s3"),
            "retention_max_storage_s3": _float(data, "retention_max_storage_s3"),
        })
        if "timeout" in data:
            backup["timeout"] = _int(data, "timeout")
        answer = {"uuid": backup["uuid"],
                  "message": "Storage backup schedule created." if created
                  else "Storage backup schedule updated.",
                  "storage_uuid": row["uuid"],
                  "storage_type": "directory" if table == "local_file_volumes" else "persistent"}
        answer.update({k: backup[k] for k in BACKUP_FIELDS})
        return json_response(201 if created else 200, answer)
    return handler


def _schedule(ctx, table, row):
    backup = _backup_of(ctx.state, table, row)
    if backup is None:
        fail(404, "Storage backup schedule not found.")
    return backup


def run_backup(kind):
    def handler(ctx):
        table, row = _backup_target(ctx, kind)
        backup = _schedule(ctx, table, row)
        # VolumeBackupJob: queued now, busy for a while.
        backup["_busy_until"] = ctx.state.now() + BACKUP_SECONDS
        backup["_runs"] = backup.get("_runs", 0) + 1
        return json_response(200, {"message": "Storage backup queued.", "uuid": backup["uuid"]})
    return handler


def delete_backup(kind):
    def handler(ctx):
        table, row = _backup_target(ctx, kind)
        backup = _schedule(ctx, table, row)
        if backup.get("_busy_until", 0) > ctx.state.now():
            # DeleteScheduledVolumeBackup's RuntimeException, as a 409.
            fail(409, "Wait for the queued or running storage backup to finish before "
                      "deleting this schedule.")
        ctx.state.table("scheduled_volume_backups").remove(backup)
        return json_response(200, {"message": "Storage backup schedule and archives deleted."})
    return handler


def _routes(prefix, kind):
    base = "/%s/{uuid}/storages" % prefix
    one = base + "/{storage_uuid}"
    return [
        route("GET", base, list_storages(kind), "read", LATEST),
        route("POST", base, create_storage(kind), "write", LATEST),
        route("PATCH", base, update_storage(kind), "write", LATEST),
        route("DELETE", one, delete_storage(kind), "write", LATEST),
        route("PUT", one + "/backups", upsert_backup(kind), "write", LATEST),
        route("POST", one + "/backups/run", run_backup(kind), "write", LATEST),
        route("DELETE", one + "/backups", delete_backup(kind), "write", LATEST),
    ]


ROUTES = (_routes("applications", "application") + _routes("databases", "database")
          + _routes("services", "service"))
