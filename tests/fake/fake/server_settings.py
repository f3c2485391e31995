"""A server's subsystems and its transfer between instances (current Coolify only), as
ServerProxyController, ServerDockerCleanupController, ServerSentinelController,
ServerLogDrainsController, ServerCloudflareTunnelController and ServerTransferController do
them at HEAD. The seed has none of these routes (the catch-all 404).

Each settings object is a transform() of the server's columns and settings, not the row:
only the fields the controller names, secrets (sentinel_token and sentinel_custom_url, the
log drains' keys and custom config, the proxy's stored compose file) only with
read:sensitive. Every PATCH takes only its allow-list (422 "This field is not allowed.").

The transfer routes answer 404 outside a development instance: the controller's constructor
runs abort_unless(isDev(), 404), whose answer is Laravel's rendering of an empty
NotFoundHttpException, {"message": ""}. `/_fake/set {"development": true}` makes the fake a
development instance (until the next reset).
"""

import base64
import hashlib
import re

from . import util
from .http import ApiError, fail, json_response, validate_incoming_request
from .keys import fingerprint
from .router import LATEST, route
from .tasks import valid_cron
from .validation import check, extra_fields

PROXY_TYPES = ("NONE", "TRAEFIK", "NGINX", "CADDY")  # app/Enums/ProxyTypes.php

CLEANUP_FIELDS = ("docker_cleanup_frequency", "docker_cleanup_threshold", "force_docker_cleanup",
                  "delete_unused_volumes", "delete_unused_networks",
                  "disable_application_image_retention")
SENTINEL_FIELDS = ("is_sentinel_enabled", "is_metrics_enabled", "is_sentinel_debug_enabled",
                   "sentinel_token", "sentinel_metrics_refresh_rate_seconds",
                   "sentinel_metrics_history_days", "sentinel_push_interval_seconds",
                   "sentinel_custom_url")
DRAIN_FIELDS = ("is_logdrain_newrelic_enabled", "logdrain_newrelic_license_key",
                "logdrain_newrelic_base_uri", "is_logdrain_axiom_enabled",
                "logdrain_axiom_dataset_name", "logdrain_axiom_api_key",
                "is_logdrain_custom_enabled", "logdrain_custom_config",
                "logdrain_custom_config_parser")

_SENTINEL_TOKEN = re.compile(r"\A[a-zA-Z0-9._\-+=/]+\Z")
_DRAIN_NAME = re.compile(r"^[a-zA-Z0-9_\-.]+$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+[^\s]*$")

TRAEFIK_COMPOSE = """name: coolify-proxy
networks:
  coolify:
    external: true
services:
  traefik:
    container_name: coolify-proxy
    image: 'traefik:v3.1'
    restart: unless-stopped
    networks:
      - coolify
    ports:
      - '80:80'
      - '443:443'
    command:
      - '--ping=true'
      - '--entrypoints.http.address=:80'
      - '--entrypoints.https.address=:443'
      - '--providers.docker=true'
      - '--providers.docker.exposedbydefault=false'
"""


def demo_uuid(*parts):
    """Demo executions get uuids that do not draw from the seeded random stream."""
    digest = hashlib.sha256(("cleanup:" + ":".join(parts)).encode()).digest()
    return "d" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


def _server(ctx):
    server = ctx.state.server(ctx.team_id, ctx["uuid"])
    if server is None:
        fail(404, "Server not found.")
    return server


def _validate(data, rules, allowed):
    """customApiValidator() then the allow-list, in one 422 (the controllers' pattern)."""
    errors = check(data, rules)
    for field in extra_fields(data, allowed):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)


def _check_regex(data, field, pattern, errors):
    value = data.get(field)
    if isinstance(value, str) and not pattern.match(value):
        errors.setdefault(field, []).append("The %s field format is invalid." % field)


def _check_url(data, field, errors):
    value = data.get(field)
    if isinstance(value, str) and not _URL.match(value):
        errors.setdefault(field, []).append("The %s field must be a valid URL." % field)


def _bool(value):
    """$request->boolean() / Eloquent's boolean cast on what was validated."""
    return util.laravel_boolean(value)


# -- proxy ------------------------------------------------------------------------------

def proxy_payload(ctx, server):
    proxy = server["proxy"] or {}
    settings = ctx.state.settings_of(server)
    data = {"proxy_type": proxy.get("type"), "status": proxy.get("status"),
            "redirect_enabled": bool(proxy.get("redirect_enabled", True)),
            "redirect_url": proxy.get("redirect_url"),
            "generate_exact_labels": bool(settings["generate_exact_labels"])}
    if ctx.sensitive:
        # Only what the database stores: never fetched over SSH for a GET.
        data["configuration"] = server.get("_proxy_configuration") or None
    return data


def _base64_decoded(text):
    """isBase64Encoded(): base64_encode(base64_decode($s, true)) === $s (any bytes, unlike
    the ASCII-only check of NOTES §15.4); the decoded bytes, or None."""
    try:
        decoded = base64.b64decode(text, validate=True)
    except (ValueError, base64.binascii.Error):
        return None
    return decoded if base64.b64encode(decoded).decode("ascii") == text else None


def get_proxy(ctx):
    return json_response(200, proxy_payload(ctx, _server(ctx)))


def update_proxy(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = check(data, {"redirect_enabled": "boolean", "redirect_url": "nullable|string",
                          "generate_exact_labels": "boolean", "proxy_type": "string|nullable"})
    _check_url(data, "redirect_url", errors)
    for field in extra_fields(data, ("redirect_enabled", "redirect_url",
                                     "generate_exact_labels", "proxy_type")):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)
    server = _server(ctx)
    if data.get("proxy_type") and str(data["proxy_type"]).upper() not in PROXY_TYPES:
        fail(422, "Validation failed.", errors={"proxy_type": ["Invalid proxy type."]})
    proxy = dict(server["proxy"] or {})
    if "redirect_enabled" in data:
        proxy["redirect_enabled"] = _bool(data["redirect_enabled"])
    if "redirect_url" in data:
        proxy["redirect_url"] = data["redirect_url"] or None
    if data.get("generate_exact_labels") is not None:
        ctx.state.settings_of(server)["generate_exact_labels"] = _bool(data["generate_exact_labels"])
    if data.get("proxy_type"):
        proxy["type"] = str(data["proxy_type"]).upper()
    server["proxy"] = proxy
    ctx.state.touch(server)
    return json_response(200, proxy_payload(ctx, server))


def save_proxy_configuration(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    _validate(data, {"configuration": "required|string"}, ("configuration",))
    server = _server(ctx)
    text = data["configuration"]
    decoded = _base64_decoded(text)
    if decoded is not None:
        # isBase64Encoded(): then it must decode to UTF-8.
        try:
            text = decoded.decode("utf-8")
        except UnicodeDecodeError:
            fail(422, "Validation failed.", errors={"configuration": [
                "The configuration should be valid base64-encoded UTF-8 text."]})
    if not text.strip():
        fail(422, "Validation failed.",
             errors={"configuration": ["The configuration field is required."]})
    # proxy.last_saved_proxy_configuration, kept apart so that the server's own JSON (and
    # every test of it) stays as it was.
    server["_proxy_configuration"] = text
    payload = proxy_payload(ctx, server)
    payload["message"] = "Proxy configuration saved."
    return json_response(200, payload)


def restart_proxy(ctx):
    server = _server(ctx)
    proxy = dict(server["proxy"] or {})
    proxy["status"] = "restarting"
    server["proxy"] = proxy

    def back():
        server["proxy"] = dict(server["proxy"], status="running")
    ctx.state.schedule(0.5, back)
    return json_response(200, {"message": "Proxy restart queued."})


# -- docker cleanup ---------------------------------------------------------------------

def cleanup_payload(settings):
    return {"docker_cleanup_frequency": settings["docker_cleanup_frequency"],
            "docker_cleanup_threshold": int(settings["docker_cleanup_threshold"]),
            "force_docker_cleanup": bool(settings["force_docker_cleanup"]),
            "delete_unused_volumes": bool(settings["delete_unused_volumes"]),
            "delete_unused_networks": bool(settings["delete_unused_networks"]),
            "disable_application_image_retention":
                bool(settings.get("disable_application_image_retention", False))}


def get_cleanup(ctx):
    return json_response(200, cleanup_payload(ctx.state.settings_of(_server(ctx))))


def update_cleanup(ctx):
    validate_incoming_request(ctx.req)
    server = _server(ctx)
    data = ctx.req.all()
    _validate(data, {"docker_cleanup_frequency": "string",
                     "docker_cleanup_threshold": "integer|min:1|max:99",
                     "force_docker_cleanup": "boolean", "delete_unused_volumes": "boolean",
                     "delete_unused_networks": "boolean",
                     "disable_application_image_retention": "boolean"}, CLEANUP_FIELDS)
    if "docker_cleanup_frequency" in data and not valid_cron(data["docker_cleanup_frequency"]):
        fail(422, "Validation failed.", errors={"docker_cleanup_frequency": [
            "Invalid Cron / Human expression for Docker Cleanup Frequency."]})
    settings = ctx.state.settings_of(server)
    for field in CLEANUP_FIELDS:
        if field in data:
            value = data[field]
            if field == "docker_cleanup_threshold":
                value = int(value)
            elif field != "docker_cleanup_frequency":
                value = util.to_bool(value)
            settings[field] = value
    settings["updated_at"] = util.iso_seconds(ctx.state.now())
    return json_response(200, cleanup_payload(settings))


def add_execution(state, server, status, message, created, finished=None, uuid=None):
    run = {"id": state.seq("docker_cleanup_executions"), "uuid": uuid or state.new_uuid(),
           "server_id": server["id"], "status": status, "message": message,
           "finished_at": util.iso(finished), "created_at": util.iso(created),
           "updated_at": util.iso(finished or created),
           "_created": created + len(state.table("docker_cleanup_executions")) * 1e-6}
    state.table("docker_cleanup_executions").append(run)
    return run


def execution_api(run):
    return {k: run[k] for k in ("uuid", "status", "message", "finished_at", "created_at",
                                "updated_at")}


def list_executions(ctx):
    server = _server(ctx)
    runs = [r for r in ctx.state.table("docker_cleanup_executions")
            if r["server_id"] == server["id"]]
    runs.sort(key=lambda r: r["_created"], reverse=True)
    return json_response(200, [execution_api(r) for r in runs[:20]])


def run_cleanup(ctx):
    state = ctx.state
    server = _server(ctx)
    data = ctx.req.all()
    _validate(data, {"delete_unused_volumes": "boolean", "delete_unused_networks": "boolean"},
              ("delete_unused_volumes", "delete_unused_networks"))
    # The job reads delete_unused_* from the request, else the settings: the fake cleans
    # nothing, so neither changes what it reports.
    now = state.now()
    run = add_execution(state, server, "running", None, now)

    def finish():
        from .servers import is_functional
        run["finished_at"] = run["updated_at"] = util.iso(state.now())
        if not is_functional(state, server):
            run["status"] = "failed"
            run["message"] = "Server is not functional (unreachable, unusable, or disabled)"
            return
        run["status"] = "success"
        run["message"] = ("Manual Docker cleanup job executed successfully. Disk usage before: "
                          "%d%%, Disk usage after: %d%%." % (61, 43))
    state.schedule(0.6, finish)
    return json_response(200, {"message": "Manual cleanup job started. Depending on the amount "
                                          "of data, this might take a while."})


# -- sentinel ---------------------------------------------------------------------------

def sentinel_payload(ctx, server):
    s = ctx.state.settings_of(server)
    data = {"is_sentinel_enabled": bool(s["is_sentinel_enabled"]),
            "is_metrics_enabled": bool(s["is_metrics_enabled"]),
            "is_sentinel_debug_enabled": bool(s.get("is_sentinel_debug_enabled", False)),
            "sentinel_metrics_refresh_rate_seconds": int(s["sentinel_metrics_refresh_rate_seconds"]),
            "sentinel_metrics_history_days": int(s["sentinel_metrics_history_days"]),
            "sentinel_push_interval_seconds": int(s["sentinel_push_interval_seconds"]),
            "sentinel_updated_at": server["sentinel_updated_at"]}
    if ctx.sensitive:
        data["sentinel_token"] = s["sentinel_token"]
        data["sentinel_custom_url"] = s["sentinel_custom_url"]
    return data


def get_sentinel(ctx):
    return json_response(200, sentinel_payload(ctx, _server(ctx)))


def update_sentinel(ctx):
    validate_incoming_request(ctx.req)
    server = _server(ctx)
    data = ctx.req.all()
    errors = check(data, {"is_sentinel_enabled": "boolean", "is_metrics_enabled": "boolean",
                          "is_sentinel_debug_enabled": "boolean",
                          "sentinel_token": "string|max:500",
                          "sentinel_metrics_refresh_rate_seconds": "integer|min:1",
                          "sentinel_metrics_history_days": "integer|min:1",
                          "sentinel_push_interval_seconds": "integer|min:10",
                          "sentinel_custom_url": "nullable"})
    _check_regex(data, "sentinel_token", _SENTINEL_TOKEN, errors)
    _check_url(data, "sentinel_custom_url", errors)
    for field in extra_fields(data, SENTINEL_FIELDS):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)
    if "sentinel_token" in data and not (isinstance(data["sentinel_token"], str)
                                         and _SENTINEL_TOKEN.match(data["sentinel_token"])):
        fail(422, "Validation failed.",
             errors={"sentinel_token": ["Invalid sentinel token characters."]})
    s = ctx.state.settings_of(server)
    enabling = ("is_sentinel_enabled" in data and _bool(data["is_sentinel_enabled"])
                and not s["is_sentinel_enabled"])
    if enabling and s["is_build_server"]:
        fail(422, "Validation failed.", errors={"is_sentinel_enabled": [
            "Sentinel cannot be enabled on build servers."]})
    for field in SENTINEL_FIELDS:
        if field in data:
            value = data[field]
            if field.startswith("is_"):
                value = util.to_bool(value)
            elif field.endswith(("_seconds", "_days")):
                value = int(value)
            s[field] = value
    if "is_sentinel_enabled" in data and not _bool(data["is_sentinel_enabled"]):
        s["is_metrics_enabled"] = False
        s["is_sentinel_debug_enabled"] = False
    return json_response(200, sentinel_payload(ctx, server))


# -- log drains -------------------------------------------------------------------------

def drains_payload(ctx, server):
    s = ctx.state.settings_of(server)
    data = {"is_logdrain_newrelic_enabled": bool(s["is_logdrain_newrelic_enabled"]),
            "logdrain_newrelic_base_uri": s["logdrain_newrelic_base_uri"],
            "is_logdrain_axiom_enabled": bool(s["is_logdrain_axiom_enabled"]),
            "logdrain_axiom_dataset_name": s["logdrain_axiom_dataset_name"],
            "is_logdrain_custom_enabled": bool(s["is_logdrain_custom_enabled"])}
    if ctx.sensitive:
        for field in ("logdrain_newrelic_license_key", "logdrain_axiom_api_key",
                      "logdrain_custom_config", "logdrain_custom_config_parser"):
            data[field] = s[field]
    return data


def get_drains(ctx):
    return json_response(200, drains_payload(ctx, _server(ctx)))


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def update_drains(ctx):
    validate_incoming_request(ctx.req)
    server = _server(ctx)
    data = ctx.req.all()
    errors = check(data, {"is_logdrain_newrelic_enabled": "boolean",
                          "logdrain_newrelic_license_key": "nullable|string",
                          "logdrain_newrelic_base_uri": "nullable",
                          "is_logdrain_axiom_enabled": "boolean",
                          "logdrain_axiom_dataset_name": "nullable|string",
                          "logdrain_axiom_api_key": "nullable|string",
                          "is_logdrain_custom_enabled": "boolean",
                          "logdrain_custom_config": "nullable|string",
                          "logdrain_custom_config_parser": "nullable|string"})
    for field in ("logdrain_newrelic_license_key", "logdrain_axiom_dataset_name",
                  "logdrain_axiom_api_key"):
        _check_regex(data, field, _DRAIN_NAME, errors)
    _check_url(data, "logdrain_newrelic_base_uri", errors)
    for field in extra_fields(data, DRAIN_FIELDS):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)
    s = dict(ctx.state.settings_of(server))  # saved only when the checks below pass
    for field in DRAIN_FIELDS:
        if field in data:
            s[field] = util.to_bool(data[field]) if field.startswith("is_") else data[field]
    if s["is_logdrain_newrelic_enabled"]:
        errs = {}
        if _blank(s["logdrain_newrelic_license_key"]):
            errs["logdrain_newrelic_license_key"] = [
                "The New Relic license key is required when New Relic log drain is enabled."]
        if _blank(s["logdrain_newrelic_base_uri"]):
            errs["logdrain_newrelic_base_uri"] = [
                "The New Relic base URI is required when New Relic log drain is enabled."]
        if errs:
            fail(422, "Validation failed.", errors=errs)
    if s["is_logdrain_axiom_enabled"]:
        errs = {}
        if _blank(s["logdrain_axiom_dataset_name"]):
            errs["logdrain_axiom_dataset_name"] = [
                "The Axiom dataset name is required when Axiom log drain is enabled."]
        if _blank(s["logdrain_axiom_api_key"]):
            errs["logdrain_axiom_api_key"] = [
                "The Axiom API key is required when Axiom log drain is enabled."]
        if errs:
            fail(422, "Validation failed.", errors=errs)
    if s["is_logdrain_custom_enabled"] and _blank(s["logdrain_custom_config"]):
        fail(422, "Validation failed.", errors={"logdrain_custom_config": [
            "The custom log drain config is required when custom log drain is enabled."]})
    ctx.state.settings_of(server).update(s)
    return json_response(200, drains_payload(ctx, server))


# -- cloudflare tunnel ------------------------------------------------------------------

def tunnel_payload(ctx, server):
    return {"is_cloudflare_tunnel": bool(ctx.state.settings_of(server)["is_cloudflare_tunnel"]),
            "ip": server["ip"], "ip_previous": server["ip_previous"]}


def _not_localhost(server):
    if server["id"] == 0:
        fail(422, "Cloudflare Tunnel cannot be configured on the localhost server.")


def get_tunnel(ctx):
    return json_response(200, tunnel_payload(ctx, _server(ctx)))


def update_tunnel(ctx):
    validate_incoming_request(ctx.req)
    server = _server(ctx)
    _not_localhost(server)
    data = ctx.req.all()
    _validate(data, {"is_cloudflare_tunnel": "required|boolean"}, ("is_cloudflare_tunnel",))
    enabled = util.to_bool(data["is_cloudflare_tunnel"])
    ctx.state.settings_of(server)["is_cloudflare_tunnel"] = enabled
    if not enabled and server["ip_previous"]:
        server["ip"] = server["ip_previous"]
    return json_response(200, tunnel_payload(ctx, server))


def enable_tunnel(ctx):
    server = _server(ctx)
    _not_localhost(server)
    ctx.state.settings_of(server)["is_cloudflare_tunnel"] = True
    return json_response(200, dict({"message": "Cloudflare Tunnel enabled."},
                                   **tunnel_payload(ctx, server)))


def disable_tunnel(ctx):
    server = _server(ctx)
    _not_localhost(server)
    ctx.state.settings_of(server)["is_cloudflare_tunnel"] = False
    message = "Cloudflare Tunnel disabled."
    if server["ip_previous"]:
        server["ip"] = server["ip_previous"]
        message += " Server IP restored to its previous IP address."
    else:
        message += " Action required: Update the server IP address to its real IP address if needed."
    return json_response(200, dict({"message": message}, **tunnel_payload(ctx, server)))


# -- transfer ---------------------------------------------------------------------------

def _dev_only(handler):
    """ServerTransferController::__construct: abort_unless(isDev(), 404)."""
    def wrapped(ctx):
        if not ctx.state.development:
            raise ApiError(404, {"message": ""})
        return handler(ctx)
    return wrapped


def _sensitive_or_403(ctx, what):
    if not ctx.sensitive:
        fail(403, "%s requires a token with read:sensitive (or root) ability and an "
                  "admin/owner team role." % what)


def _key_of(state, server):
    for key in state.table("private_keys"):
        if key["id"] == server["private_key_id"]:
            return key
    return None


def export_bundle(state, server):
    """ServerTransferExporter::export, for what the fake has: the server, its key and its
    destinations, and the projects of the resources on it (by name and uuid)."""
    if server["id"] == 0:
        fail(422, "The Coolify host (localhost) cannot be transferred between instances.")
    key = _key_of(state, server)
    if key is None:
        fail(422, "Server has no private key to export.")
    from .servers import server_resources
    settings = {k: v for k, v in state.settings_of(server).items()
                if not k.startswith("_") and k not in (
                    "id", "server_id", "created_at", "updated_at", "is_reachable", "is_usable",
                    "force_disabled", "sentinel_token", "sentinel_custom_url",
                    "is_sentinel_enabled", "is_sentinel_debug_enabled")}
    key_payload = {"uuid": key["uuid"], "name": key["name"], "description": key["description"],
                   "private_key": key["private_key"], "is_git_related": bool(key["is_git_related"]),
                   "fingerprint": key["fingerprint"]}
    return {
        "schema_version": 1,
        "exported_at": util.iso(state.now()).replace(".000000Z", "+00:00"),
        "export_id": state.new_uuid(),
        "source_instance": {"url": "http://localhost:8000", "name": "Coolify"},
        "warnings": [],
        "private_key": key_payload,
        "private_keys": [key_payload],
        "github_apps": [], "gitlab_apps": [], "s3_storages": [], "cloud_provider_tokens": [],
        "ssl_certificates": [], "volume_backups": [],
        "server": {"uuid": server["uuid"], "name": server["name"],
                   "description": server["description"], "ip": server["ip"],
                   "port": int(server["port"]), "user": server["user"],
                   "proxy": dict(server["proxy"] or {}),
                   "is_build_server": bool(state.settings_of(server)["is_build_server"]),
                   "cloud_provider_token_uuid": None, "settings": settings},
        "destinations": [{"uuid": d["uuid"], "name": d["name"], "network": d["network"],
                          "type": "standalone"}
                         for d in state.table("destinations") if d["server_id"] == server["id"]],
        "shared_environment_variables": {"server": []},
        "projects": [{"uuid": r["uuid"], "name": r["name"], "type": r["type"]}
                     for r in server_resources(state, server)],
    }


def export_server(ctx):
    _sensitive_or_403(ctx, "Exporting a server")
    server = _server(ctx)
    return json_response(200, export_bundle(ctx.state, server))


def write_mailbox(ctx):
    _sensitive_or_403(ctx, "Writing a transfer mailbox")
    server = _server(ctx)
    bundle = export_bundle(ctx.state, server)
    from .servers import is_functional
    written = is_functional(ctx.state, server)
    path = "/data/coolify/exports/%s.json" % bundle["export_id"]
    return json_response(200 if written else 422, {
        "export_id": bundle["export_id"], "path": path, "written": written,
        "message": "Transfer bundle written to server mailbox." if written
        else "Failed to write mailbox on remote host."})


def _claim(ctx, server):
    now = util.iso(ctx.state.now()).replace(".000000Z", "+00:00")
    claim = {"instance_url": "http://localhost:8000", "server_uuid": server["uuid"],
             "team_id": server["team_id"], "claimed_at": now, "export_id": None,
             "schema_version": 1}
    server["_transfer"] = {"status": "claimed", "claimed_at": now, "claim": claim}
    return {"server_uuid": server["uuid"], "claim": claim, "sentinel_rebound": True,
            "claim_written": False}


def claim_server(ctx):
    server = _server(ctx)
    data = ctx.req.all()
    errors = check(data, {"write_remote": "boolean|nullable", "rebind_sentinel": "boolean|nullable"})
    if errors:
        fail(422, "Validation failed.", errors=errors)
    return json_response(200, _claim(ctx, server))


def complete_transfer(ctx):
    server = _server(ctx)
    data = ctx.req.all()
    errors = check(data, {"export_id": "string|nullable", "target_instance_url": "string|nullable"})
    if errors:
        fail(422, "Validation failed.", errors=errors)
    server["_transfer"] = {"status": "transferred", "export_id": data.get("export_id"),
                           "target_instance_url": data.get("target_instance_url")}
    return json_response(200, {"server_uuid": server["uuid"], "message":
                               "Server marked as transferred. Automations disabled on this "
                               "instance."})


def migrate_server(ctx):
    _sensitive_or_403(ctx, "Migrating a server")
    server = _server(ctx)
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = check(data, {"target_url": "required|string", "target_token": "required|string",
                          "write_remote": "boolean|nullable", "rebind_sentinel": "boolean|nullable",
                          "preserve_uuids": "boolean|nullable", "adopt_mode": "boolean|nullable"})
    _check_url(data, "target_url", errors)
    for field in extra_fields(data, ("target_url", "target_token", "write_remote",
                                     "rebind_sentinel", "preserve_uuids", "adopt_mode")):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)
    bundle = export_bundle(ctx.state, server)
    # The migrator POSTs the bundle to the target's /servers/import; the fake has no other
    # instance to reach, so it answers as the target refusing the connection would.
    fail(422, "Could not reach target instance %s: connection refused." % data["target_url"],
         export_id=bundle["export_id"])


def import_server(ctx):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    allowed = ("bundle", "passphrase", "dry_run", "preserve_uuids", "adopt_mode", "claim",
               "write_remote", "rebind_sentinel")
    rules = {"bundle": "required|array", "passphrase": "string|nullable"}
    rules.update({f: "boolean|nullable" for f in allowed[2:]})
    _validate(data, rules, allowed)
    bundle = data["bundle"]
    if not isinstance(bundle, dict):
        fail(422, "Missing schema_version.")
    if bundle.get("encrypted"):
        if not data.get("passphrase"):
            fail(422, "Passphrase is required for encrypted bundles.")
        fail(422, "The passphrase is invalid or the bundle is corrupted.")
    problems = _bundle_errors(bundle)
    if problems:
        # ServerTransferBundle::assertValid: a ValidationException, whose message is
        # Laravel's summary of its errors.
        more = len(problems) - 1
        summary = problems[0] + (" (and %d more error%s)" % (more, "s" if more > 1 else "")
                                 if more else "")
        fail(422, summary, errors={"bundle": problems})
    dry_run = util.laravel_boolean(data.get("dry_run", False))
    preserve = util.laravel_boolean(data.get("preserve_uuids", True)) \
        if data.get("preserve_uuids") is not None else True
    srv = bundle["server"]
    uuid_taken = any(s["uuid"] == srv["uuid"] for s in state.table("servers")) and preserve
    ip_owner = next((s for s in state.live("servers") if s["ip"] == srv["ip"]), None)
    if not dry_run and uuid_taken:
        fail(422, "A server with UUID %s already exists on this instance. Delete/transfer it "
                  "first, or import with preserve_uuids=false." % srv["uuid"],
             errors={"server.uuid": ["A server with UUID %s already exists on this instance. "
                                     "Delete/transfer it first, or import with "
                                     "preserve_uuids=false." % srv["uuid"]]})
    if not dry_run and ip_owner is not None:
        msg = ("A server with IP/domain %s already exists (uuid=%s). Complete handoff on the "
               "source instance first." % (srv["ip"], ip_owner["uuid"]))
        fail(422, msg, errors={"server.ip": [msg]})
    created = {k: 0 for k in ("projects", "environments", "applications", "databases", "services",
                              "destinations", "private_keys", "github_apps", "gitlab_apps",
                              "s3_storages", "cloud_provider_tokens", "ssl_certificates",
                              "volume_backups", "previews")}
    result = {"dry_run": dry_run, "warnings": list(bundle.get("warnings") or []),
              "server_uuid": srv["uuid"] if preserve else None,
              "private_key_uuid": bundle["private_key"].get("uuid"), "created": created,
              "preserved_uuids": preserve, "export_id": bundle.get("export_id"),
              "claimed": False, "claim": None}
    if dry_run:
        return json_response(200, result)
    key = _import_key(ctx, bundle["private_key"], created)
    from .servers import _new_server
    server = _new_server(state, ctx.team_id, srv.get("name") or "imported-server",
                         srv.get("description"), srv["ip"], srv.get("port") or 22,
                         srv.get("user") or "root", key["id"],
                         {k: v for k, v in (srv.get("proxy") or {}).items()
                          if k in ("type", "status")} or {"type": "TRAEFIK", "status": "exited"},
                         state.now())
    if preserve and srv.get("uuid"):
        server["uuid"] = srv["uuid"]
    created["destinations"] = len(bundle.get("destinations") or [])
    result.update(server_uuid=server["uuid"], private_key_uuid=key["uuid"])
    if data.get("claim") is None or util.laravel_boolean(data["claim"]):
        result["claim"] = _claim(ctx, server)["claim"]
        result["claimed"] = True
    return json_response(201, result)


def _bundle_errors(bundle):
    """ServerTransferBundle::validate()'s errors."""
    errors = []
    if "schema_version" not in bundle:
        errors.append("Missing schema_version.")
    elif str(bundle["schema_version"]) != "1":
        errors.append("Unsupported schema_version %s. Expected 1." % bundle["schema_version"])
    if not isinstance(bundle.get("export_id"), str) or not bundle.get("export_id"):
        errors.append("Missing export_id.")
    if not isinstance(bundle.get("server"), dict):
        errors.append("Missing server payload.")
    else:
        for field in ("uuid", "name", "ip", "port", "user"):
            if field not in bundle["server"]:
                errors.append("Missing server.%s." % field)
    if not isinstance(bundle.get("private_key"), dict):
        errors.append("Missing private_key payload.")
    elif _blank(bundle["private_key"].get("private_key")):
        errors.append("Missing private_key.private_key material.")
    if not isinstance(bundle.get("destinations"), list):
        errors.append("Missing destinations array.")
    if not isinstance(bundle.get("projects"), list):
        errors.append("Missing projects array.")
    return errors


def _import_key(ctx, payload, created):
    from .keys import new_key
    state = ctx.state
    material = payload["private_key"]
    for key in state.table("private_keys"):
        if key["fingerprint"] == fingerprint(material):
            if str(key["team_id"]) != str(ctx.team_id):
                msg = "This SSH private key already exists on another team on this instance."
                fail(422, msg, errors={"private_key": [msg]})
            return key
    created["private_keys"] += 1
    return new_key(state, int(ctx.team_id), payload.get("name") or "Imported transfer key",
                   payload.get("description"), material,
                   is_git_related=bool(payload.get("is_git_related", False)))


# -- demo data ----------------------------------------------------------------------------

def load_demo(state):
    """localhost's proxy has a stored compose file and two cleanup runs (the older one
    failed); hetzner-fsn1 has neither, and its cloudflare tunnel is off with a previous IP."""
    servers = state.table("servers")
    localhost, box = servers[0], servers[1]
    localhost["_proxy_configuration"] = TRAEFIK_COMPOSE
    day = util.parse_ts("2025-05-26 00:00:00")
    add_execution(state, localhost, "failed",
                  "Server is not functional (unreachable, unusable, or disabled)", day,
                  day + 2, uuid=demo_uuid("localhost", "1"))
    add_execution(state, localhost, "success",
                  "Forced Docker cleanup job executed successfully. Disk usage before: 84%, "
                  "Disk usage after: 52%.", day + 86400, day + 86400 + 14,
                  uuid=demo_uuid("localhost", "2"))
    box["ip_previous"] = "203.0.113.40"


def _routes():
    base = "/servers/{uuid}"
    return [
        route("GET", base + "/proxy", get_proxy, "read", LATEST),
        route("PATCH", base + "/proxy", update_proxy, "write", LATEST),
        route("PUT", base + "/proxy/configuration", save_proxy_configuration, "write", LATEST),
        route("POST", base + "/proxy/restart", restart_proxy, "write", LATEST),
        route("GET", base + "/docker-cleanup", get_cleanup, "read", LATEST),
        route("PATCH", base + "/docker-cleanup", update_cleanup, "write", LATEST),
        route("POST", base + "/docker-cleanup/run", run_cleanup, "write", LATEST),
        route("GET", base + "/docker-cleanup/executions", list_executions, "read", LATEST),
        route("GET", base + "/log-drains", get_drains, "read", LATEST),
        route("PATCH", base + "/log-drains", update_drains, "write", LATEST),
        route("GET", base + "/sentinel", get_sentinel, "read", LATEST),
        route("PATCH", base + "/sentinel", update_sentinel, "write", LATEST),
        route("GET", base + "/cloudflare-tunnel", get_tunnel, "read", LATEST),
        route("PATCH", base + "/cloudflare-tunnel", update_tunnel, "write", LATEST),
        route("POST", base + "/cloudflare-tunnel/enable", enable_tunnel, "write", LATEST),
        route("POST", base + "/cloudflare-tunnel/disable", disable_tunnel, "write", LATEST),
        route("POST", "/servers/import", _dev_only(import_server), "write", LATEST),
        route("GET", base + "/export", _dev_only(export_server), "read", LATEST),
        route("POST", base + "/export/mailbox", _dev_only(write_mailbox), "write", LATEST),
        route("POST", base + "/claim", _dev_only(claim_server), "write", LATEST),
        route("POST", base + "/transfer/complete", _dev_only(complete_transfer), "write", LATEST),
        route("POST", base + "/migrate", _dev_only(migrate_server), "write", LATEST),
    ]


ROUTES = _routes()
