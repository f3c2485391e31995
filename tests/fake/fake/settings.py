"""Instance settings (current Coolify only): the instance's mail settings
(InstanceEmailSettingsController) and the MCP server switch (OtherController::enable_mcp and
disable_mcp). The seed has no such routes.

`GET /settings/email` (ability read) and `PATCH /settings/email` (ability `write:sensitive`;
root passes): authorizeRootTeam() first, 403 "Instance email settings require a root-team API
token." unless the token's team is "0", then InstanceSettingsPolicy (isInstanceAdmin(): an
admin or owner of the root team), 403 "This action is unauthorized.". The answer is
`Arr::only($settings->toArray(), FIELDS)`: not serializeApiResponse(), so in the FIELDS order
and without `id`; the model's hidden fields (from address and name, host, username, password,
Resend key) only for `can_read_sensitive` tokens. The PATCH does not call
validateIncomingRequest(): it validates the body against its rules and fills what validated,
so unknown fields are ignored and an empty body changes nothing (200).

`POST /mcp/enable` and `/mcp/disable` (ability write, no ApiAllowed: they sit with /enable and
/disable): 403 "You are not allowed to enable the MCP server." unless the token's team is "0",
else `is_mcp_server_enabled` is set and the answer is {"message":"MCP server enabled."} (or
disabled). No GET route: the catch-all 404.
"""

from .http import ApiError, fail, json_response, validation_failed
from .notifications import cast, errors_for, is_admin
from .router import LATEST, route

FIELDS = ("smtp_enabled", "smtp_from_address", "smtp_from_name", "smtp_host", "smtp_port",
          "smtp_encryption", "smtp_username", "smtp_password", "smtp_timeout", "smtp_ehlo_domain",
          "resend_enabled", "resend_api_key")
HIDDEN = ("smtp_from_address", "smtp_from_name", "smtp_host", "smtp_username", "smtp_password",
          "resend_api_key")
RULES = {
    "smtp_enabled": "sometimes|boolean",
    "smtp_from_address": "sometimes|nullable|email",
    "smtp_from_name": "sometimes|nullable|string|max:255",
    "smtp_host": "sometimes|nullable|string|max:255",
    "smtp_port": "sometimes|nullable|integer|min:1|max:65535",
    "smtp_encryption": "sometimes|nullable|string|in:starttls,tls,none",
    "smtp_username": "sometimes|nullable|string|max:255",
    "smtp_password": "sometimes|nullable|string|max:255",
    "smtp_timeout": "sometimes|nullable|integer|min:0",
    "smtp_ehlo_domain": "sometimes|nullable|string|max:255|hostname",
    "resend_enabled": "sometimes|boolean",
    "resend_api_key": "sometimes|nullable|string|max:255",
}


def demo(state):
    """What a fresh instance holds (no mail set up), plus a Resend key to hide."""
    state.instance.update({
        "is_mcp_server_enabled": False,
        "smtp_enabled": False, "smtp_from_address": "noreply@example.com",
        "smtp_from_name": "Coolify", "smtp_host": None, "smtp_port": None,
        "smtp_encryption": None, "smtp_username": None, "smtp_password": None,
        "smtp_timeout": None, "smtp_ehlo_domain": None, "resend_enabled": True,
        "resend_api_key": "re_s3cret_resend_key"})


def _authorize(ctx):
    """authorizeRootTeam(): the root team's token, then isInstanceAdmin()."""
    if ctx.team_id != "0":
        fail(403, "Instance email settings require a root-team API token.")
    if not is_admin(ctx.state, ctx.token["user_id"], 0):
        raise ApiError(403, {"message": "This action is unauthorized."})


def _serialize(ctx):
    sensitive = ctx.sensitive and is_admin(ctx.state, ctx.token["user_id"], ctx.team_id)
    return {k: ctx.state.instance.get(k) for k in FIELDS if sensitive or k not in HIDDEN}


def show_email(ctx):
    _authorize(ctx)
    return json_response(200, _serialize(ctx))


def update_email(ctx):
    _authorize(ctx)
    body = ctx.req.all() if ctx.req.is_json else {}
    errors = errors_for(body, RULES)
    if errors:
        validation_failed(errors)
    cast(ctx.state.instance, {k: v for k, v in body.items() if k in RULES},
         ("smtp_port", "smtp_timeout"))
    return json_response(200, _serialize(ctx))


def _mcp(enabled):
    word = "enable" if enabled else "disable"

    def handler(ctx):
        if ctx.team_id is None:
            fail(400, "Invalid token.", docs="https://coolify.io/docs/api-reference/authorization")
        if ctx.team_id != "0":
            fail(403, "You are not allowed to %s the MCP server." % word)
        ctx.state.instance["is_mcp_server_enabled"] = enabled
        return json_response(200, {"message": "MCP server %sd." % word})
    return handler


ROUTES = [
    route("GET", "/settings/email", show_email, "read", LATEST),
    route("PATCH", "/settings/email", update_email, "write:sensitive", LATEST),
    route("POST", "/mcp/enable", _mcp(True), "write", LATEST, api_allowed=False, needs_team=False),
    route("POST", "/mcp/disable", _mcp(False), "write", LATEST, api_allowed=False,
          needs_team=False),
]
