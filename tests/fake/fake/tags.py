"""Tags (current Coolify only: TagsController, NOTES §17). The seed has no tags API."""

import hashlib
import re

from . import util
from .http import fail, json_response, validate_incoming_request
from .router import LATEST, route

_B36 = "abcdefghijklmnopqrstuvwxyz0123456789"


def tag_uuid(name):
    """A cuid2-like uuid derived from the name: the demo's tags get one without
    drawing from the seeded random stream (which would move every later uuid)."""
    digest = hashlib.sha256(("tag:" + name).encode()).digest()
    return "t" + "".join(_B36[b % 36] for b in digest[:23])


def tag_api(tag):
    # TagsController::serializeTag
    return {"uuid": tag["uuid"], "name": tag["name"], "created_at": tag.get("created_at"),
            "updated_at": tag.get("updated_at")}


def _team_tags(ctx):
    return [t for t in ctx.state.table("tags") if str(t["team_id"]) == str(ctx.team_id)]


def _find(ctx):
    for tag in _team_tags(ctx):
        if tag.get("uuid") == ctx["uuid"]:
            return tag
    fail(404, "Tag not found.")


def _validated_name(ctx):
    """validateTagWriteRequest: only `name`, 2-255 characters, lowered and stripped."""
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = {}
    name = data.get("name")
    if not isinstance(name, str) or not 2 <= len(name) <= 255:
        errors["name"] = ["The name field is required." if name is None else
                          "The name field must be between 2 and 255 characters."]
    for field in data:
        if field != "name":
            errors[field] = ["This field is not allowed."]
    if errors:
        fail(422, "Validation failed.", errors=errors)
    name = re.sub(r"<[^>]*>", "", name).strip().lower()
    if len(name) < 2:
        fail(422, "Validation failed.",
             errors={"name": ["The tag name must be at least 2 characters after sanitization."]})
    return name


def _taken(ctx, name, but=None):
    return any(t["name"] == name and t is not but for t in _team_tags(ctx))


def list_tags(ctx):
    tags = sorted(_team_tags(ctx), key=lambda t: t["name"])
    return json_response(200, [tag_api(t) for t in tags])


def create_tag(ctx):
    name = _validated_name(ctx)
    if _taken(ctx, name):
        fail(409, "Tag with this name already exists.")
    stamp = util.iso_seconds(ctx.state.now())
    tag = {"id": ctx.state.seq("tags"), "uuid": ctx.state.new_uuid(), "name": name,
           "team_id": int(ctx.team_id), "created_at": stamp, "updated_at": stamp}
    ctx.state.table("tags").append(tag)
    return json_response(201, tag_api(tag))


def update_tag(ctx):
    name = _validated_name(ctx)
    tag = _find(ctx)
    if name != tag["name"] and _taken(ctx, name, tag):
        fail(409, "Tag with this name already exists.")
    tag["name"] = name
    ctx.state.touch(tag)
    return json_response(200, tag_api(tag))


def delete_tag(ctx):
    state = ctx.state
    tag = _find(ctx)
    state.table("tags").remove(tag)
    # The taggables rows go with it (a cascading foreign key).
    state.table("taggables")[:] = [t for t in state.table("taggables") if t["tag_id"] != tag["id"]]
    return json_response(200, {"message": "Tag deleted."})


ROUTES = [
    route("GET", "/tags", list_tags, "read", LATEST),
    route("POST", "/tags", create_tag, "write", LATEST),
    route("PATCH", "/tags/{uuid}", update_tag, "write", LATEST),
    route("DELETE", "/tags/{uuid}", delete_tag, "write", LATEST),
]
