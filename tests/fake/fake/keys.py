"""Private keys (NOTES §13)."""

import base64
import hashlib

from . import util
from .http import fail, json_response, validate_incoming_request
from .models import KEY_COLUMNS, simple_row
from .router import route
from .validation import validate


def public_key(private_key):
    """The computed, always visible public half (a stand-in derived from the secret)."""
    digest = hashlib.sha256((private_key or "").encode()).digest()
    blob = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + digest).decode()
    return "ssh-ed25519 %s coolify-generated-ssh-key" % blob


def fingerprint(private_key):
    digest = hashlib.sha256(public_key(private_key).encode()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def new_key(state, team_id, name, description, private_key, is_git_related=False, ts=None,
            key_id=None):
    stamp = util.iso_seconds(ts if ts is not None else state.now())
    if key_id is None:
        key_id = state.seq("private_keys")
    state.bump_seq("private_keys", key_id)
    key = simple_row(KEY_COLUMNS, id=key_id, uuid=state.new_uuid(),
                     name=name, description=description, private_key=private_key,
                     is_git_related=is_git_related, team_id=int(team_id), created_at=stamp,
                     updated_at=stamp, fingerprint=fingerprint(private_key))
    state.table("private_keys").append(key)
    return key


def key_api(ctx, key):
    data = {k: v for k, v in key.items() if not k.startswith("_")}
    data["public_key"] = public_key(key["private_key"])
    if not ctx.sensitive:
        data.pop("private_key")  # NOTES §1.5
    return util.api_sort(data)


def _team_keys(ctx):
    return [k for k in ctx.state.table("private_keys") if str(k["team_id"]) == str(ctx.team_id)]


def find(ctx):
    for key in _team_keys(ctx):
        if key["uuid"] == ctx["uuid"]:
            return key
    fail(404, "Private Key not found.")


def list_keys(ctx):
    return json_response(200, [key_api(ctx, k) for k in _team_keys(ctx)])


def get_key(ctx):
    return json_response(200, key_api(ctx, find(ctx)))


_RULES = {"name": "string|max:255", "description": "string|max:255",
          "private_key": "required|string"}


def _check_private_key(text):
    if "PRIVATE KEY-----" not in text:
        fail(422, "Validation failed.", errors={"private_key": ["Invalid private key."]})


def create_key(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, _RULES)
    _check_private_key(data["private_key"])
    key = new_key(ctx.state, ctx.team_id, data.get("name") or "key-" + ctx.state.new_uuid()[:8],
                  data.get("description") or "Created by Coolify via API", data["private_key"])
    return json_response(201, {"uuid": key["uuid"]})


def update_key(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, _RULES, ("name", "description", "private_key"))
    key = find(ctx)
    _check_private_key(data["private_key"])
    for field in ("name", "description", "private_key"):
        if field in data:
            key[field] = data[field]
    key["fingerprint"] = fingerprint(key["private_key"])
    ctx.state.touch(key)
    return json_response(201, {"uuid": key["uuid"]})


def delete_key(ctx):
    state = ctx.state
    key = find(ctx)
    in_use = any(s["private_key_id"] == key["id"] for s in state.live("servers")) or \
        any(a["private_key_id"] == key["id"] for a in state.live("applications"))
    if in_use:
        fail(422, "Private Key is in use and cannot be deleted.")
    state.table("private_keys").remove(key)
    return json_response(200, {"message": "Private Key deleted."})


ROUTES = [
    route("GET", "/security/keys", list_keys, "read"),
    route("POST", "/security/keys", create_key, "write"),
    route("GET", "/security/keys/{uuid}", get_key, "read"),
    # NOTES §13: the real update route is PATCH /security/keys/{uuid}.
    route("PATCH", "/security/keys/{uuid}", update_key, "write"),
    route("DELETE", "/security/keys/{uuid}", delete_key, "write"),
]
