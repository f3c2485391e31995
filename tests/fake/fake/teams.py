"""Teams and members (NOTES §13, §17.12)."""

from . import util
from .deployments import list_form
from .http import fail, json_response
from .router import LATEST, route

HIDDEN = ("custom_server_limit", "pivot")
SENSITIVE = ("smtp_username", "smtp_password", "resend_api_key", "telegram_token")
MEMBER_HIDDEN = ("password", "remember_token", "two_factor_secret", "two_factor_recovery_codes",
                 "two_factor_confirmed_at", "pivot")


def team_api(ctx, team):
    hidden = HIDDEN if ctx.sensitive else HIDDEN + SENSITIVE
    return util.api_sort(util.without(team, hidden))


def user_teams(ctx):
    user_id = ctx.token["user_id"]
    ids = [t for t, u, _ in ctx.state.table("team_user") if u == user_id]
    return sorted((t for t in ctx.state.table("teams") if t["id"] in ids), key=lambda t: t["id"])


def members(ctx, team):
    user_ids = [u for t, u, _ in ctx.state.table("team_user") if t == team["id"]]
    return [util.without(u, MEMBER_HIDDEN) for u in ctx.state.table("users") if u["id"] in user_ids]


def _find(ctx):
    for team in user_teams(ctx):
        if str(team["id"]) == ctx["id"]:
            return team
    fail(404, "Team not found.")


def list_teams(ctx):
    """NOTES §13: the user's teams, not only the token's; §2.4: maybe an object."""
    items = [team_api(ctx, t) for t in user_teams(ctx)]
    return json_response(200, list_form(ctx.state, items, default_objects=False))


def get_team(ctx):
    return json_response(200, team_api(ctx, _find(ctx)))


def get_members(ctx):
    return json_response(200, members(ctx, _find(ctx)))


def _current(ctx):
    # NOTES §13: currentTeam() comes from the UI session; here that is always team 0.
    return ctx.state.team(0)


def current_team(ctx):
    return json_response(200, team_api(ctx, _current(ctx)))


def current_members(ctx):
    return json_response(200, members(ctx, _current(ctx)))


def token_team(ctx):
    return json_response(200, team_api(ctx, ctx.state.team(ctx.team_id)))


def token_team_members(ctx):
    return json_response(200, members(ctx, ctx.state.team(ctx.team_id)))


ROUTES = [
    route("GET", "/teams", list_teams, "read"),
    route("GET", "/teams/current", current_team, "read"),
    route("GET", "/teams/current/members", current_members, "read"),
    route("GET", "/teams/{id}", get_team, "read"),
    route("GET", "/teams/{id}/members", get_members, "read"),
    route("GET", "/team", token_team, "read", LATEST),
    route("GET", "/team/members", token_team_members, "read", LATEST),
]
