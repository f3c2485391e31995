"""A team's notification settings (current Coolify only: NotificationsController at HEAD).

`GET`/`PATCH /notifications/{email,discord,slack,telegram,pushover,webhook}`: one object per
channel and team (the token's), made on first use with the columns' defaults
(`firstOrCreate(['team_id' => ...])`). The seed has no such routes.

Answer: the model's `toArray()` (every column, `id` and `team_id` included; `$timestamps =
false`, so no dates) through serializeApiResponse(). The model's `$hidden` fields (webhook
URLs, tokens, SMTP host, user and password, the telegram chat and thread ids) are left out,
not nulled, unless `can_read_sensitive`: a `root` or `read:sensitive` token of a team admin or
owner (ApiSensitiveData). A PATCH: validateIncomingRequest() (400s), the channel's rules and
the allow-list (the fillable columns but `team_id`: 422 "This field is not allowed."),
then the policy (`update`: admins and owners, else 403 "This action is unauthorized."), fill,
save, and the object as a GET shows it.
"""

import ipaddress
import urllib.parse

from . import util
from .http import ApiError, json_response, validate_incoming_request, validation_failed
from .router import LATEST, route
from .validation import check

EVENTS = ("deployment_success", "deployment_failure", "status_change", "backup_success",
          "backup_failure", "scheduled_task_success", "scheduled_task_failure",
          "docker_cleanup_success", "docker_cleanup_failure", "server_disk_usage",
          "server_reachable", "server_unreachable", "server_patch", "traefik_outdated")

# The migrations' defaults: failures and warnings on, successes off.
_EVENT_DEFAULT = {e: not (e.endswith("_success") or e in ("status_change", "server_reachable"))
                  for e in EVENTS}


def _events(channel):
    return ["%s_%s_notifications" % (e, channel) for e in EVENTS]


def _thread_ids():
    return ["telegram_notifications_%s_thread_id" % e for e in EVENTS]


# Per channel: the fillable columns (less team_id) in the model's order, their defaults,
# the hidden ones, the casts that change what is stored, and the validator's rules.
CHANNELS = {
    "email": {
        "columns": ["smtp_enabled", "smtp_from_address", "smtp_from_name", "smtp_recipients",
                    "smtp_host", "smtp_port", "smtp_encryption", "smtp_username",
                    "smtp_password", "smtp_timeout", "smtp_ehlo_domain", "resend_enabled",
                    "resend_api_key", "use_instance_email_settings"] + _events("email"),
        "hidden": ("smtp_from_address", "smtp_from_name", "smtp_recipients", "smtp_host",
                   "smtp_username", "smtp_password", "resend_api_key"),
        "rules": {
            "smtp_enabled": "sometimes|boolean",
            "smtp_from_address": "sometimes|nullable|email",
            "smtp_from_name": "sometimes|nullable|string|max:255",
            "smtp_recipients": "sometimes|nullable|string|max:1000",
            "smtp_host": "sometimes|nullable|string|max:255",
            "smtp_port": "sometimes|nullable|integer|min:1|max:65535",
            "smtp_encryption": "sometimes|nullable|string|in:starttls,tls,none",
            "smtp_username": "sometimes|nullable|string|max:255",
            "smtp_password": "sometimes|nullable|string|max:255",
            "smtp_timeout": "sometimes|nullable|integer|min:0",
            "smtp_ehlo_domain": "sometimes|nullable|string|max:255|hostname",
            "resend_enabled": "sometimes|boolean",
            "resend_api_key": "sometimes|nullable|string|max:255",
            "use_instance_email_settings": "sometimes|boolean",
        },
        "integers": ("smtp_port", "smtp_timeout"),
    },
    "discord": {
        "columns": ["discord_enabled", "discord_webhook_url"] + _events("discord")
                   + ["discord_ping_enabled"],
        "hidden": ("discord_webhook_url",),
        "rules": {"discord_enabled": "sometimes|boolean",
                  "discord_webhook_url": "sometimes|nullable|string|webhook",
                  "discord_ping_enabled": "sometimes|boolean"},
    },
    "slack": {
        "columns": ["slack_enabled", "slack_webhook_url"] + _events("slack"),
        "hidden": ("slack_webhook_url",),
        "rules": {"slack_enabled": "sometimes|boolean",
                  "slack_webhook_url": "sometimes|nullable|string|webhook"},
    },
    "telegram": {
        "columns": ["telegram_enabled", "telegram_token", "telegram_chat_id"]
                   + _events("telegram") + _thread_ids(),
        "hidden": ("telegram_token", "telegram_chat_id") + tuple(_thread_ids()),
        "rules": dict({"telegram_enabled": "sometimes|boolean",
                       "telegram_token": "sometimes|nullable|string|max:255",
                       "telegram_chat_id": "sometimes|nullable|string|max:255"},
                      **{t: "sometimes|nullable|string|max:255" for t in _thread_ids()}),
    },
    "pushover": {
        "columns": ["pushover_enabled", "pushover_user_key", "pushover_api_token"]
                   + _events("pushover"),
        "hidden": ("pushover_user_key", "pushover_api_token"),
        "rules": {"pushover_enabled": "sometimes|boolean",
                  "pushover_user_key": "sometimes|nullable|string|max:255",
                  "pushover_api_token": "sometimes|nullable|string|max:255"},
    },
    "webhook": {
        "columns": ["webhook_enabled", "webhook_url"] + _events("webhook"),
        "hidden": ("webhook_url",),
        "rules": {"webhook_enabled": "sometimes|boolean",
                  "webhook_url": "sometimes|nullable|string|webhook"},
    },
}
for _name, _c in CHANNELS.items():
    for _e in _events(_name):
        _c["rules"][_e] = "sometimes|boolean"

PRIVATE_TARGET = ("The %s points to a local or private address that is not allowed. Configure "
                  "allowed internal targets: http://localhost:8000/settings/advanced"
                  "#endpoint-section")
_HOSTNAME_BAD = ("The %s contains invalid characters. Only letters (a-z, A-Z), numbers (0-9), "
                 "hyphens (-), and dots (.) are allowed.")


def default_row(channel, row_id, team_id):
    """A new row: the migrations' column defaults (NULL for text, false for the switches)."""
    row = {"id": row_id, "team_id": team_id}
    for col in CHANNELS[channel]["columns"]:
        if col.endswith("_notifications"):
            event = col[: -len("_%s_notifications" % channel)]
            row[col] = _EVENT_DEFAULT[event]
        elif col.endswith("_enabled") or col == "use_instance_email_settings":
            # discord_ping_enabled defaults to true (2025_03_21_104103_disable_discord_here).
            row[col] = col == "discord_ping_enabled"
        else:
            row[col] = None
    return row


def settings_of(state, channel, team_id):
    """resolveSettings(): firstOrCreate(['team_id' => $teamId])."""
    table = state.table("notification_settings")
    for row in table:
        if row["_channel"] == channel and str(row["team_id"]) == str(team_id):
            return row
    row = dict(default_row(channel, state.seq("%s_notification_settings" % channel),
                           int(team_id)), _channel=channel)
    table.append(row)
    return row


def is_admin(state, user_id, team_id):
    """User::isAdminOfTeam(): the owner or an admin of the team."""
    return any(t == int(team_id) and u == user_id and role in ("owner", "admin")
               for t, u, role in state.table("team_user"))


def can_read_sensitive(ctx):
    """ApiSensitiveData: the ability (root or read:sensitive) and an admin of the token's team."""
    return ctx.sensitive and is_admin(ctx.state, ctx.token["user_id"], ctx.team_id)


def serialize(ctx, row, hidden):
    """exposeSensitiveFields() then serializeApiResponse()."""
    data = {k: v for k, v in row.items() if not k.startswith("_")}
    if not can_read_sensitive(ctx):
        data = util.without(data, hidden)
    return util.api_sort(data)


# -- the custom rules ---------------------------------------------------------------------------

def hostname_error(field, value):
    """ValidHostname (RFC 1123), its first failing check's message, or None."""
    if not value:
        return None
    host = value.strip()
    if len(host) > 253:
        return "The %s must not exceed 253 characters." % field
    if any(ord(c) < 32 or ord(c) == 127 for c in host) or any(c in host for c in ";|&$`(){}<>\"'\\!*?[]~^:#@%=+, "):
        return _HOSTNAME_BAD % field
    host = host.lower()
    if host.startswith(".") or host.endswith("."):
        return "The %s cannot start or end with a dot." % field
    if ".." in host:
        return "The %s cannot contain consecutive dots." % field
    for label in host.split("."):
        if not 1 <= len(label) <= 63:
            return "The %s contains an invalid label. Each segment must be 1-63 characters." % field
        if label.startswith("-") or label.endswith("-"):
            return ("The %s contains an invalid label. Labels cannot start or end with a hyphen."
                    % field)
        if not all(c.isascii() and (c.isalnum() or c == "-") for c in label):
            return _HOSTNAME_BAD % field
    return None


def webhook_error(field, value):
    """SafeWebhookUrl, without DNS: a host name that is not blocked counts as public."""
    if not isinstance(value, str):
        return None
    parts = urllib.parse.urlsplit(value)
    if not parts.scheme or not parts.netloc or " " in value:
        return "The %s must be a valid URL." % field
    if parts.scheme.lower() not in ("http", "https"):
        return "The %s must use the http or https scheme." % field
    host = parts.hostname
    if not host:
        return "The %s must contain a valid host." % field
    if host.endswith("."):
        return "The %s host must not end with a trailing dot." % field
    if host == "localhost" or host.endswith((".local", ".internal")):
        return PRIVATE_TARGET % field
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if ip.is_link_local:
        return "The %s must not point to link-local addresses." % field
    if not ip.is_global:
        return PRIVATE_TARGET % field
    return None


def email_error(field, value):
    if isinstance(value, str) and value.count("@") == 1 and all(value.split("@")):
        return None
    return "The %s field must be a valid email address." % field


_CUSTOM = {"email": email_error, "hostname": hostname_error, "webhook": webhook_error}


def errors_for(data, rules):
    """customApiValidator(): the plain rules (validation.check), then the custom ones."""
    plain = {f: "|".join(p for p in spec.split("|") if p not in _CUSTOM) for f, spec in rules.items()}
    errors = check(data, plain)
    for field, messages in errors.items():
        # Laravel's max.numeric for an integer field: no "characters".
        if "integer" in rules[field].split("|"):
            errors[field] = [m.replace(" characters.", ".") for m in messages]
    for field, spec in rules.items():
        if field not in data or data[field] is None or field in errors:
            continue
        for part in spec.split("|"):
            if part in _CUSTOM:
                message = _CUSTOM[part](field, data[field])
                if message:
                    errors.setdefault(field, []).append(message)
    return errors


def cast(row, data, integers=()):
    """fill() and the model's casts: booleans stored as such, integer columns as int."""
    for key, value in data.items():
        if key.endswith(("_enabled", "_notifications")) or key == "use_instance_email_settings":
            value = util.to_bool(value) if value is not None else value
        elif key in integers and value is not None:
            value = int(value)
        row[key] = value


# -- the routes -----------------------------------------------------------------------------------

def _show(channel):
    def handler(ctx):
        row = settings_of(ctx.state, channel, ctx.team_id)
        return json_response(200, serialize(ctx, row, CHANNELS[channel]["hidden"]))
    return handler


def _update(channel):
    conf = CHANNELS[channel]

    def handler(ctx):
        validate_incoming_request(ctx.req)
        data = ctx.req.all()
        errors = errors_for(data, conf["rules"])
        for field in data:
            if field not in conf["columns"]:
                errors.setdefault(field, []).append("This field is not allowed.")
        if errors:
            validation_failed(errors)
        row = settings_of(ctx.state, channel, ctx.team_id)
        # NotificationPolicy::update: the team's admins and owners.
        if not is_admin(ctx.state, ctx.token["user_id"], ctx.team_id):
            raise ApiError(403, {"message": "This action is unauthorized."})
        cast(row, {k: v for k, v in data.items() if k in conf["columns"]}, conf.get("integers", ()))
        return json_response(200, serialize(ctx, row, conf["hidden"]))
    return handler


def demo(state):
    """Root Team: email (SMTP) and discord on, the others as first made; telegram set up but
    off. The secrets are what a root token sees and a read token does not."""
    email = settings_of(state, "email", 0)
    email.update(smtp_enabled=True, smtp_from_address="coolify@example.com",
                 smtp_from_name="Coolify", smtp_recipients="ops@example.com",
                 smtp_host="smtp.example.com", smtp_port=587, smtp_encryption="starttls",
                 smtp_username="coolify@example.com", smtp_password="smtp-s3cret-pass",
                 smtp_timeout=30, deployment_success_email_notifications=True)
    discord = settings_of(state, "discord", 0)
    discord.update(discord_enabled=True,
                   discord_webhook_url="https://discord.com/api/webhooks/1234567890/"
                                       "s3cretT0kenPart-abcdefghijklmnop")
    telegram = settings_of(state, "telegram", 0)
    telegram.update(telegram_token="7012345678:AAH-s3cret-bot-token", telegram_chat_id="-1001234567890",
                    telegram_notifications_deployment_failure_thread_id="42")
    for channel in ("slack", "pushover", "webhook"):
        settings_of(state, channel, 0)


ROUTES = []
for _channel in CHANNELS:
    ROUTES.append(route("GET", "/notifications/" + _channel, _show(_channel), "read", LATEST))
    ROUTES.append(route("PATCH", "/notifications/" + _channel, _update(_channel), "write", LATEST))
