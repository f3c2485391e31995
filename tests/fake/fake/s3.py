"""S3 storages (current Coolify only: S3StoragesController at HEAD). The seed has no such
routes: they answer the catch-all 404.

Learned from the source:
* A storage is removeSensitiveData(): `id` hidden, `key` and `secret` ($hidden in the model)
  shown to root and read:sensitive tokens only, then serializeApiResponse(). Lists are the
  team's storages ordered by name.
* POST validates $request->json()->all() (the body, trimmed; not the query) with
  customApiValidator: name ValidationPatterns::nameRules() (3-255, NAME_PATTERN), description
  descriptionRules(), endpoint required|string|max:255 + SafeWebhookUrl, bucket
  ValidS3BucketName, region, key and secret required|string|max:255, is_usable boolean; any
  other field "This field is not allowed."; 422 "Validation failed.". 201 {"uuid"}.
  is_usable defaults to false.
* PATCH validates the body first (the same rules, each optional; a null where a string is
  wanted fails "must be a string": a blank secret is refused), then looks the storage up
  (404 "S3 storage not found."), updates what it was sent and answers {"uuid"}.
* DELETE unlinks the backups that used it (save_s3 false, s3_storage_id null) and answers
  {"message":"S3 storage deleted."}.
* POST .../validate (ability write) always answers 200 {"valid": bool, "message": ...}:
  "S3 storage connection is valid." or the error, and stores is_usable. testConnection()
  checks endpoint and bucket again ("S3 endpoint is not allowed: ..."), then lists the bucket.
  The fake cannot reach S3: an endpoint whose host has a label "offline" times out ("Could not
  connect to the S3 endpoint within 15 seconds. ..."), every other one works.
"""

import hashlib
import re
import unicodedata
import urllib.parse

from . import util
from .git_apps import safe_url_error
from .http import _clean, fail, json_response, validate_incoming_request
from .router import LATEST, route
from .validation import check, extra_fields

ALLOWED = ("name", "description", "endpoint", "bucket", "region", "key", "secret", "is_usable")
COLUMNS = ("id", "uuid", "name", "description", "region", "key", "secret", "bucket", "endpoint",
           "team_id", "created_at", "updated_at", "is_usable", "unusable_email_sent")

_NAME_PUNCTUATION = "-_./@&()#,:+"
_DESCRIPTION_PUNCTUATION = "-_.,!?()'\"+=*@/&"
_BUCKET_RE = re.compile(r"\A(?=.{3,63}\Z)[a-z0-9][a-z0-9.-]*[a-z0-9]\Z")
BUCKET_MESSAGE = ("The bucket must be a valid S3 bucket name: 3-63 lowercase letters, numbers, "
                  "dots, or hyphens; start and end with a letter or number; no consecutive dots, "
                  "dot-hyphen pairs, or IP address format.")
TIMEOUT_MESSAGE = ("Could not connect to the S3 endpoint within 15 seconds. Please verify the "
                   "endpoint, bucket, credentials, region, and network/firewall settings.")


def demo_uuid(name):
    """The demo's storages get uuids derived from their names, not from the seeded stream."""
    digest = hashlib.sha256(("s3:" + name).encode()).digest()
    return "s" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


def _chars_ok(text, punctuation):
    return bool(text) and all(unicodedata.category(c)[0] in "LMN" or c.isspace()
                              or c in punctuation for c in text)


def valid_bucket(value):
    """ValidationPatterns::isValidS3BucketName()."""
    if not isinstance(value, str) or not _BUCKET_RE.match(value):
        return False
    if ".." in value or ".-" in value or "-." in value:
        return False
    return not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+", value)


def add_storage(state, team_id, name, ts, **values):
    stamp = util.iso_seconds(ts)
    row = {c: None for c in COLUMNS}
    row.update(id=state.seq("s3_storages"), uuid=demo_uuid(name), name=name, region="us-east-1",
               team_id=int(team_id), created_at=stamp, updated_at=stamp, is_usable=False,
               unusable_email_sent=False)
    row.update(values)
    state.table("s3_storages").append(row)
    return row


def storage_api(ctx, row):
    data = {k: v for k, v in row.items() if not k.startswith("_") and k != "id"}
    if not ctx.sensitive:
        data.pop("key", None)
        data.pop("secret", None)
    return util.api_sort(data)


def _team_storages(ctx):
    rows = [s for s in ctx.state.table("s3_storages") if str(s["team_id"]) == str(ctx.team_id)]
    return sorted(rows, key=lambda s: s["name"])


def _find(ctx):
    for row in _team_storages(ctx):
        if row["uuid"] == ctx["uuid"]:
            return row
    fail(404, "S3 storage not found.")


def _body(ctx):
    """$request->json()->all(): the body alone, after the global middleware."""
    body = ctx.req.raw_json()
    return _clean(body) if isinstance(body, dict) else {}


def _errors(ctx, body, create):
    need = "required|" if create else ""
    rules = {"region": need + "string|max:255", "key": need + "string|max:255",
             "secret": need + "string|max:255", "is_usable": "boolean",
             "description": "nullable|string|max:255"}
    if create:
        rules["endpoint"] = "required|string|max:255"
        rules["bucket"] = "required"
        rules["name"] = "required|string|max:255"
    else:
        rules["endpoint"] = "string|max:255"
        rules["name"] = "nullable|string|max:255"
    errors = check(body, {k: r for k, r in rules.items() if create or k in body})
    name = body.get("name")
    if isinstance(name, str) and "name" not in errors:
        found = []
        if len(name) < 3:
            found.append("The name field must be at least 3 characters.")
        if not _chars_ok(name, _NAME_PUNCTUATION):
            found.append("The name field format is invalid.")
        if found:
            errors["name"] = found
    description = body.get("description")
    if isinstance(description, str) and "description" not in errors and \
            not _chars_ok(description, _DESCRIPTION_PUNCTUATION):
        errors["description"] = ["The description field format is invalid."]
    endpoint = body.get("endpoint")
    if "endpoint" in body and "endpoint" not in errors:
        message = safe_url_error("endpoint", endpoint, ctx.req.header("Host") or "localhost")
        if message:
            errors["endpoint"] = [message]
    if "bucket" in body and "bucket" not in errors and not valid_bucket(body["bucket"]):
        errors["bucket"] = [BUCKET_MESSAGE]
    for field in extra_fields(body, ALLOWED):
        errors.setdefault(field, []).append("This field is not allowed.")
    return errors


def list_storages(ctx):
    return json_response(200, [storage_api(ctx, s) for s in _team_storages(ctx)])


def get_storage(ctx):
    return json_response(200, storage_api(ctx, _find(ctx)))


def create_storage(ctx):
    validate_incoming_request(ctx.req)
    body = _body(ctx)
    errors = _errors(ctx, body, True)
    if errors:
        fail(422, "Validation failed.", errors=errors)
    state = ctx.state
    stamp = util.iso_seconds(state.now())
    row = {c: None for c in COLUMNS}
    row.update(id=state.seq("s3_storages"), uuid=state.new_uuid(), name=body["name"],
               description=body.get("description"), endpoint=body["endpoint"].strip(),
               bucket=body["bucket"].strip(), region=body["region"].strip(),
               key=body["key"].strip(), secret=body["secret"].strip(),
               is_usable=util.to_bool(body.get("is_usable", False)), unusable_email_sent=False,
               team_id=int(ctx.team_id), created_at=stamp, updated_at=stamp)
    state.table("s3_storages").append(row)
    return json_response(201, {"uuid": row["uuid"]})


def update_storage(ctx):
    validate_incoming_request(ctx.req)
    body = _body(ctx)
    errors = _errors(ctx, body, False)
    if errors:
        fail(422, "Validation failed.", errors=errors)
    row = _find(ctx)
    for field in ALLOWED:
        if field in body:
            value = body[field]
            if field == "is_usable":
                value = util.to_bool(value)
            elif isinstance(value, str) and field != "name" and field != "description":
                value = value.strip()
            row[field] = value
    ctx.state.touch(row)
    return json_response(200, {"uuid": row["uuid"]})


def delete_storage(ctx):
    row = _find(ctx)
    for backup in ctx.state.tables.get("db_backups", []):
        if backup.get("s3_storage_id") == row["id"]:
            backup["save_s3"] = False
            backup["s3_storage_id"] = None
    ctx.state.table("s3_storages").remove(row)
    return json_response(200, {"message": "S3 storage deleted."})


def _connection_error(ctx, row):
    """testConnection(): the checks again, then ListObjectsV2, or the reason it failed."""
    message = safe_url_error("endpoint", row.get("endpoint"), ctx.req.header("Host") or "localhost")
    if message:
        return "S3 endpoint is not allowed: " + message
    if not valid_bucket(row.get("bucket")):
        return "S3 bucket name is not allowed: " + BUCKET_MESSAGE
    host = (urllib.parse.urlsplit(row["endpoint"]).hostname or "").lower()
    if "offline" in host.split("."):
        return TIMEOUT_MESSAGE
    return None


def validate_storage(ctx):
    row = _find(ctx)
    error = _connection_error(ctx, row)
    row["is_usable"] = error is None
    if error is None:
        row["unusable_email_sent"] = False
    ctx.state.touch(row)
    return json_response(200, {"valid": error is None,
                               "message": "S3 storage connection is valid." if error is None
                               else error})


def demo(state, at):
    """Two storages of the Root Team: one that works, one whose endpoint is down."""
    add_storage(state, 0, "backups-eu", at("2025-05-03 08:30:00"),
                description="Nightly database dumps", region="eu-central-1",
                key="AKIAIOSFODNN7EXAMPLE", secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                bucket="acme-backups", endpoint="https://s3.eu-central-1.amazonaws.com",
                is_usable=True)
    add_storage(state, 0, "old-minio", at("2025-05-04 10:00:00"), region="us-east-1",
                key="minio-acme", secret="minio-acme-s3cret-2024", bucket="legacy-dumps",
                endpoint="https://minio.offline.example.com", is_usable=False,
                unusable_email_sent=True)


ROUTES = [
    route("GET", "/s3-storages", list_storages, "read", LATEST),
    route("POST", "/s3-storages", create_storage, "write", LATEST),
    route("GET", "/s3-storages/{uuid}", get_storage, "read", LATEST),
    route("PATCH", "/s3-storages/{uuid}", update_storage, "write", LATEST),
    route("DELETE", "/s3-storages/{uuid}", delete_storage, "write", LATEST),
    route("POST", "/s3-storages/{uuid}/validate", validate_storage, "write", LATEST),
]
