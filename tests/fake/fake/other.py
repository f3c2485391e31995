"""Version, health, enable/disable and /resources (NOTES §1.6, §13)."""

from .applications import app_raw, team_applications
from .databases import db_raw, db_type_name, project_databases
from .http import fail, json_response, text_response
from .router import LATEST, SEED, moved_to_post, route
from .services import service_raw


def version(ctx):
    if ctx.state.version_json:
        # The official spec's form (a JSON string, e.g. "v4.0.0"), which a
        # client must take as well as Coolify's own.
        return json_response(200, ctx.state.version)
    return text_response(200, ctx.state.version)  # NOTES §13: plain text, not JSON


def health(ctx):
    return text_response(200, "OK")


def feedback(ctx):
    return json_response(200, {"message": "Feedback sent."})


def _toggle(ctx, enabled):
    # NOTES §1.6: root team only (team_id === '0').
    if ctx.team_id != "0":
        fail(403, "You are not allowed to %s the API." % ("enable" if enabled else "disable"))
    ctx.state.instance["is_api_enabled"] = enabled
    return json_response(200, {"message": "API enabled." if enabled else "API disabled."})


def enable(ctx):
    return _toggle(ctx, True)


def disable(ctx):
    return _toggle(ctx, False)


def resources(ctx):
    """NOTES §13: raw toArray() + status + type, every type, every secret, unsorted."""
    state = ctx.state
    out = []
    for app in team_applications(state, ctx.team_id):
        data = app_raw(state, app, through=True)
        data["type"] = "application"
        out.append(data)
    for project in state.team_projects(ctx.team_id):
        env_ids = {e["id"] for e in state.environments_of(project)}
        for svc in state.live("services"):
            if svc["environment_id"] in env_ids:
                data = service_raw(state, svc, through=True)
                data["type"] = "service"
                out.append(data)
        for db in project_databases(state, project, latest=True):
            data = db_raw(state, db, through=True)
            data["type"] = db_type_name(db)
            out.append(data)
    return json_response(200, out)


# Enable/disable skip ApiAllowed (NOTES §1.4), so a disabled API can be turned on again.
ROUTES = [
    route("GET", "/health", health, None, auth=False, absolute=True),
    route("GET", "/v1/health", health, None, auth=False, absolute=True),
    route("POST", "/feedback", feedback, None, auth=False, absolute=True),
    route("GET", "/version", version, "read", needs_team=False),
    route("GET", "/enable", enable, "write", SEED, api_allowed=False, needs_team=False),
    route("GET", "/disable", disable, "write", SEED, api_allowed=False, needs_team=False),
    route("POST", "/enable", enable, "write", LATEST, api_allowed=False, needs_team=False),
    route("POST", "/disable", disable, "write", LATEST, api_allowed=False, needs_team=False),
    route("GET", "/enable", moved_to_post, None, LATEST, api_allowed=False),
    route("GET", "/disable", moved_to_post, None, LATEST, api_allowed=False),
    route("GET", "/resources", resources, "read"),
]
