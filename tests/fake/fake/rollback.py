"""Rollback and preview deployments of applications (current Coolify only).

ApplicationsController at HEAD: rollback_images, rollback_by_uuid and
delete_preview_by_pull_request_id. The seed has none of these routes: they
answer its catch-all 404.
"""

import hashlib
import re
import time

from . import deployments, util
from .applications import find
from .http import fail, json_response, validate_incoming_request
from .router import LATEST, route
from .servers import is_functional
from .validation import validate

_B36 = "abcdefghijklmnopqrstuvwxyz0123456789"

# validateGitRef() (HEAD:bootstrap/helpers/shared.php:489-508).
_GIT_REF = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._\-/]*$")
# PHP's is_numeric(): leading (and, since PHP 8, trailing) whitespace, a sign, a decimal
# or exponent form.
_NUMERIC = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$")


def _docker_time(ts):
    """`docker images --format {{.CreatedAt}}`: "2025-05-27 13:12:40 +0000 UTC"."""
    return time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(int(ts)))


def rollback_images(ctx):
    """GET /applications/{uuid}/rollback-images: {current, images: [{tag, created_at,
    is_current}]}, the server's images of the application's repository; empty when the
    server is not functional."""
    state = ctx.state
    app = find(ctx)
    current, images = None, []
    server = state.server_of(app)
    if server and is_functional(state, server):
        current = deployments.current_image(state, app)
        images = [{"tag": tag, "created_at": _docker_time(ts), "is_current": tag == current}
                  for tag, ts in deployments.images(state, app)]
    return json_response(200, {"current": current, "images": images})


def _git_ref(value):
    """validateGitRef($commit, 'rollback commit'): the trimmed ref, or a 422."""
    value = value.strip()
    if value in ("", "HEAD"):
        return value
    if value.startswith("-"):
        message = "Invalid rollback commit: must not start with a hyphen."
    elif not _GIT_REF.match(value):
        message = ("Invalid rollback commit: contains disallowed characters. Only alphanumeric "
                   "characters, dots, hyphens, underscores, and slashes are allowed.")
    else:
        return value
    fail(422, "Validation failed.", errors={"commit": [message]})


QUEUE_LIMIT = 25  # server settings' deployment_queue_limit default


def rollback(ctx):
    """POST /applications/{uuid}/rollback {"commit": TAG}: queues a rollback deployment.

    The tag is not looked up: any valid git ref is queued, and the deployment fails
    when the server has no such image and the repository no such commit.
    """
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, {"commit": "required|string"}, allowed=("commit",))
    app = find(ctx)
    commit = _git_ref(data["commit"])
    server = state.server_of(app)
    queued = [d for d in state.table("deployments")
              if d["server_id"] == server["id"] and d["status"] == "queued"]
    if len(queued) >= QUEUE_LIMIT:
        fail(400, "Deployment queue is full. Please wait for existing deployments to complete.")
    dep_uuid, _ = deployments.queue(state, app, commit=commit or "HEAD", rollback=True)
    return json_response(200, {"message": "Rollback deployment queued.",
                               "deployment_uuid": dep_uuid})


# -- previews -----------------------------------------------------------------------------

def _preview_uuid(app, pr):
    """Derived, not drawn from the seeded stream (which would move every later uuid)."""
    digest = hashlib.sha256(("preview:%s:%d" % (app["uuid"], pr)).encode()).digest()
    return "p" + "".join(_B36[b % 36] for b in digest[:23])


def add_preview(state, app, pr, ts):
    """An ApplicationPreview row: a pull request's preview deployment of app."""
    stamp = util.iso_seconds(ts)
    row = {"id": state.seq("application_previews"), "uuid": _preview_uuid(app, pr),
           "application_id": app["id"], "pull_request_id": pr,
           "pull_request_html_url": "https://github.com/%s/pull/%d" % (
               app["git_repository"] or "acme/app", pr),
           "pull_request_issue_comment_id": None,
           "fqdn": "https://%d.%s" % (pr, (app["fqdn"] or "http://example.com").split("://")[-1]),
           "status": "running:healthy", "git_type": "github", "docker_compose_domains": None,
           "docker_registry_image_tag": None, "created_at": stamp, "updated_at": stamp,
           "deleted_at": None}
    state.table("application_previews").append(row)
    return row


def previews_of(state, app):
    return [p for p in state.table("application_previews")
            if p["application_id"] == app["id"] and not p.get("_deleted")]


def demo(state):
    """The demo's previews: pull requests 42 and 7 of `web` (production)."""
    for app in state.table("applications"):
        if app["name"] == "web" and app["git_repository"] and not previews_of(state, app):
            add_preview(state, app, 42, util.parse_ts("2025-05-22 10:00:00"))
            add_preview(state, app, 7, util.parse_ts("2025-05-23 15:30:00"))
            return


def delete_preview(ctx):
    """DELETE /applications/{uuid}/previews/{pull_request_id}."""
    state = ctx.state
    app = find(ctx)
    raw = ctx["pull_request_id"]
    if not _NUMERIC.match(raw) or int(float(raw)) <= 0:
        fail(422, "Invalid pull_request_id.")
    pr = int(float(raw))
    for preview in previews_of(state, app):
        if preview["pull_request_id"] == pr:
            break
    else:
        fail(404, "Preview not found.")
    preview["_deleted"] = True
    # CleanupPreviewDeployment: the pull request's active deployments are cancelled.
    for dep in state.table("deployments"):
        if (dep["application_id"] == str(app["id"]) and dep["pull_request_id"] == pr
                and dep["status"] in deployments.ACTIVE):
            dep["status"] = "cancelled-by-user"
            state.touch(dep)
    return json_response(200, {"message": "Preview deletion request queued."})


ROUTES = [
    route("GET", "/applications/{uuid}/rollback-images", rollback_images, "read", LATEST),
    route("POST", "/applications/{uuid}/rollback", rollback, "deploy", LATEST),
    route("DELETE", "/applications/{uuid}/previews/{pull_request_id}", delete_preview, "write",
          LATEST),
]
