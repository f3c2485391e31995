"""A resource's tags (current Coolify only): GET and POST /{applications,databases,services}/{uuid}/tags
and DELETE .../tags/{tag_uuid}, as the HandlesTagsApi trait does them
(HEAD:app/Http/Controllers/Api/Concerns/HandlesTagsApi.php). The seed has no such routes.

* GET lists the resource's tags (TagsController::serializeTag), in the order they were attached.
* POST takes `tag_name` (a string) or `tag_names` (a non-empty array of strings), not both, and no
  other field. Each name is lowered, stripped of HTML and trimmed; one shorter than 2 characters
  after that refuses the whole request (422). A name the team lacks becomes a new tag
  (Tag::createOrFirst); the answer is 201 with the resource's tags after the change.
* DELETE detaches the tag; "Tag not found." when the team has no tag of that uuid, "Tag not found
  on resource." when it is not attached. A tag no resource holds any more is deleted
  (Tag::deleteIfOrphaned), so it leaves GET /tags too.
"""

import re

from . import databases, services, util
from .applications import find as find_application
from .http import ApiError, fail, json_response, validate_incoming_request, validation_failed
from .models import APPLICATION_MODEL, SERVICE_MODEL
from .router import LATEST, route
from .tags import tag_api

# The tags table's name column: varchar(255). A longer name fails the INSERT, which is no
# unique violation, so createOrFirst lets the QueryException through: a 500.
NAME_COLUMN = 255


def _app(ctx):
    return find_application(ctx), APPLICATION_MODEL


def _db(ctx):
    db = databases.find(ctx)
    return db, db["_model"]


def _svc(ctx):
    return services.find(ctx), SERVICE_MODEL


FINDERS = {"applications": _app, "databases": _db, "services": _svc}


def _attached(state, row, model):
    """The resource's taggables rows, in the order they were made."""
    return [t for t in state.table("taggables")
            if t["taggable_type"] == model and t["taggable_id"] == row["id"]]


def _tags_of(state, row, model):
    by_id = {t["id"]: t for t in state.table("tags")}
    return [by_id[t["tag_id"]] for t in _attached(state, row, model) if t["tag_id"] in by_id]


def _answer(ctx, row, model, status=200):
    return json_response(status, [tag_api(t) for t in _tags_of(ctx.state, row, model)])


def _normalize(name):
    # normalizeTagNames: strtolower(trim(strip_tags((string) $name))), then unique().
    return re.sub(r"<[^>]*>?", "", name).strip(" \t\n\r\0\x0b").lower()


def _finder(kind):
    return FINDERS[kind]


def list_resource_tags(kind):
    def handler(ctx):
        row, model = _finder(kind)(ctx)
        return _answer(ctx, row, model)
    return handler


def _validate(data):
    """The Validator of createTag, with raw field names (as NOTES quotes messages)."""
    errors = {}
    has_one, has_many = "tag_name" in data, "tag_names" in data
    one, many = data.get("tag_name"), data.get("tag_names")
    if has_one and has_many:
        validation_failed({"tag_name": ["Provide either tag_name or tag_names, not both."]})
    if one is None and not many:
        errors["tag_name"] = ["The tag_name field is required when tag_names is not present."]
        errors["tag_names"] = ["The tag_names field is required when tag_name is not present."]
    elif has_one and not isinstance(one, str):
        errors["tag_name"] = ["The tag_name field must be a string."]
    elif has_many:
        if not isinstance(many, list):
            errors["tag_names"] = ["The tag_names field must be an array."]
        else:
            for i, name in enumerate(many):
                if not isinstance(name, str):
                    errors["tag_names.%d" % i] = ["The tag_names.%d field must be a string." % i]
    for field in data:
        if field not in ("tag_name", "tag_names"):
            errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        validation_failed(errors)
    names = many if has_many else [one]
    out = []
    for name in names:
        name = _normalize(name)
        if name not in out:
            out.append(name)
    if any(len(n) < 2 for n in out):
        validation_failed({"tag_name": ["Each tag name must be at least 2 characters after sanitization."]})
    return out


def create_resource_tag(kind):
    def handler(ctx):
        state = ctx.state
        validate_incoming_request(ctx.req)
        row, model = _finder(kind)(ctx)
        names = _validate(ctx.req.all())
        for name in names:
            if len(name) > NAME_COLUMN:
                raise ApiError(500, {"message": "Server Error"})
            tag = next((t for t in state.table("tags")
                        if str(t["team_id"]) == str(ctx.team_id) and t["name"] == name), None)
            if tag is None:
                stamp = util.iso_seconds(state.now())
                tag = {"id": state.seq("tags"), "uuid": state.new_uuid(), "name": name,
                       "team_id": int(ctx.team_id), "created_at": stamp, "updated_at": stamp}
                state.table("tags").append(tag)
            if not any(t["tag_id"] == tag["id"] for t in _attached(state, row, model)):
                state.table("taggables").append({"tag_id": tag["id"], "taggable_type": model,
                                                 "taggable_id": row["id"]})
        return _answer(ctx, row, model, 201)
    return handler


def delete_resource_tag(kind):
    def handler(ctx):
        state = ctx.state
        row, model = _finder(kind)(ctx)
        tag = next((t for t in state.table("tags")
                    if str(t["team_id"]) == str(ctx.team_id) and t["uuid"] == ctx["tag_uuid"]), None)
        if tag is None:
            fail(404, "Tag not found.")
        pivot = next((t for t in _attached(state, row, model) if t["tag_id"] == tag["id"]), None)
        if pivot is None:
            fail(404, "Tag not found on resource.")
        state.table("taggables").remove(pivot)
        if not any(t["tag_id"] == tag["id"] for t in state.table("taggables")):
            state.table("tags").remove(tag)
        return json_response(200, {"message": "Tag removed."})
    return handler


ROUTES = []
for _kind in FINDERS:
    ROUTES += [
        route("GET", "/%s/{uuid}/tags" % _kind, list_resource_tags(_kind), "read", LATEST),
        route("POST", "/%s/{uuid}/tags" % _kind, create_resource_tag(_kind), "write", LATEST),
        route("DELETE", "/%s/{uuid}/tags/{tag_uuid}" % _kind, delete_resource_tag(_kind),
              "write", LATEST),
    ]
