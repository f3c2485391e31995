"""Applications: list, get, create, update, delete, logs, actions (NOTES §4, §8, §9.1)."""

from . import containers, deployments, util
from .http import ApiError, fail, json_response, validate_incoming_request
from .models import APPLICATION_COLUMNS, APPLICATION_MODEL, application_row
from .router import BOTH, SEED, action, route
from .servers import destination_nested, is_functional, nested_hide
from .validation import validate

# NOTES §1.5: hidden unless the token can read sensitive data.
SENSITIVE = ("custom_labels", "dockerfile", "docker_compose", "docker_compose_raw",
             "manual_webhook_secret_bitbucket", "manual_webhook_secret_gitea",
             "manual_webhook_secret_github", "manual_webhook_secret_gitlab", "private_key_id",
             "http_basic_auth_password")

BUILD_PACKS = ("nixpacks", "static", "dockerfile", "dockercompose", "dockerimage")


def normalize_status(stored):
    """NOTES §7.1: "running (healthy)" -> "running:healthy"; "exited" -> "exited:unhealthy"."""
    stored = stored or "exited"
    if "(" in stored:
        state, _, health = stored.partition("(")
        return "%s:%s" % (state.strip(), health.rstrip(")").strip())
    if ":" in stored:
        return stored
    return stored + ":unhealthy"


def is_running(row):
    """NOTES §7.1: running <=> the state starts with "running"."""
    return normalize_status(row["status"]).startswith("running")


def project_id_of(state, row):
    env = state.environment_by_id(row["environment_id"])
    return env and env["project_id"]


def app_raw(state, app, through=False, hide_nested=False):
    """toArray() of an application with its implicit relations (NOTES §2.3)."""
    data = {k: v for k, v in app.items() if not k.startswith("_")}
    data["status"] = normalize_status(app["status"])
    # NOTES §4.2: the getter base64-decodes what is stored; null gives "".
    stored = app["custom_nginx_configuration"]
    data["custom_nginx_configuration"] = util.b64decode(stored) if stored else ""
    # NOTES §2.3: the withCount scope and the status getter's relation;
    # extra destinations are the additional_networks pivot (destinations.py).
    extras = [p for p in state.table("additional_networks") if p["application_id"] == app["id"]]
    data["additional_servers_count"] = len(extras)
    data["additional_networks_count"] = len(extras)
    if through:
        data["laravel_through_key"] = project_id_of(state, app)
    server = state.server_of(app)
    data["server_status"] = is_functional(state, server)
    data["additional_servers"] = [
        dict({k: v for k, v in state.server_by_id(p["server_id"]).items() if not k.startswith("_")},
             pivot={"application_id": app["id"], "server_id": p["server_id"],
                    "standalone_docker_id": p["destination_id"], "status": data["status"]})
        for p in extras]
    data["destination"] = destination_nested(state, app["destination_id"], hide_nested)
    return data


def app_api(ctx, app, through=False):
    """removeSensitiveData() + serializeApiResponse() (NOTES §1.5, §2.1)."""
    data = app_raw(ctx.state, app, through, nested_hide(ctx))
    hidden = ("id", "resourceable", "resourceable_id", "resourceable_type")
    if not ctx.sensitive:
        hidden += SENSITIVE
    return util.api_sort(util.without(data, hidden))


def find(ctx, message="Application not found."):
    app = ctx.state.application(ctx.team_id, ctx["uuid"])
    if app is None:
        fail(404, message)
    return app


def team_applications(state, team_id):
    """Project::applications() for every team project, in project order (NOTES §4.1)."""
    out = []
    for project in state.team_projects(team_id):
        env_ids = [e["id"] for e in state.environments_of(project)]
        out.extend(a for a in state.live("applications") if a["environment_id"] in env_ids)
    return out


def tagged(state, row, model, tag_names):
    tag_ids = {t["id"] for t in state.table("tags") if t["name"] in tag_names}
    return any(t["tag_id"] in tag_ids and t["taggable_type"] == model and t["taggable_id"] == row["id"]
               for t in state.table("taggables"))


# -- read -----------------------------------------------------------------------------

def list_applications(ctx):
    apps = team_applications(ctx.state, ctx.team_id)
    tag = ctx.req.query.get("tag")
    if ctx.latest and tag:
        # NOTES §4.1: HEAD adds ?tag=.
        apps = [a for a in apps if tagged(ctx.state, a, APPLICATION_MODEL, [tag])]
    return json_response(200, [app_api(ctx, a, through=True) for a in apps])


def get_application(ctx):
    return json_response(200, app_api(ctx, find(ctx)))


def parse_lines(ctx):
    """The `lines` query: NOTES §9.1 (seed) and §17.5 (HEAD)."""
    raw = ctx.req.query.get("lines")
    if ctx.latest:
        try:
            return max(1, min(10000, int(raw)))
        except (TypeError, ValueError):
            return 100
    if raw is None:
        return 100
    text = raw.strip()
    if text.lstrip("+-").isdigit():
        value = int(text)
    else:
        try:
            value = int(float(text))
        except ValueError:
            # NOTES §9.1: a non-integer `lines` is a PHP TypeError -> 500.
            raise ApiError(500, {"message": "Server Error"})
    if value == 0:
        return 100
    return None if value < 0 else value


def logs_text(ctx, log):
    """NOTES §9.1: raw + ANSI-stripped copy at the seed; once at HEAD (§17.5)."""
    count = parse_lines(ctx)
    # NOTES §17.5: `docker logs -t` when asked, in any form $request->boolean()
    # takes (true, 1, "on"...); an instance told to ignore it never adds them.
    timestamps = (ctx.latest and not ctx.state.timestamps_ignored
                  and util.laravel_boolean(ctx.req.query.get("show_timestamps")))
    output = containers.render(ctx.state, log, count, ctx.latest, timestamps)
    output = output.strip(" \t\n\r\0\x0b")
    if ctx.latest:
        return util.strip_ansi(output)
    return output + util.strip_ansi(output)


def get_logs(ctx):
    app = find(ctx)
    server = ctx.state.server_of(app)
    swarm = server is not None and ctx.state.settings_of(server)["is_swarm_manager"]
    if not is_running(app) or swarm:
        fail(400, "Application is not running.")
    log = containers.stream(ctx.state, app["uuid"], "application", True)
    return json_response(200, {"logs": logs_text(ctx, log)})


# -- status changes ---------------------------------------------------------------------

def set_status(state, app, status):
    was = is_running(app)
    app["status"] = status
    now_running = is_running(app)
    if now_running:
        app["last_online_at"] = util.raw(state.now())
    containers.set_running(state, app["uuid"], "application", was, now_running)
    state.touch(app)


def healthy_status(app):
    # NOTES §7.1: no healthcheck -> running:unhealthy.
    return "running:healthy" if app["health_check_enabled"] else "running:unhealthy"


# -- actions (NOTES §8) ---------------------------------------------------------------

def _flag(ctx, name):
    value = ctx.req.query.get(name)
    if ctx.latest:
        return util.laravel_boolean(value)
    # NOTES §8: "force=false" means force.
    return util.php_truthy(value)


def start(ctx):
    app = find(ctx)
    uuid, skipped = deployments.queue(ctx.state, app, force=_flag(ctx, "force"))
    if skipped:
        return json_response(200, {"message": "Deployment already queued for this commit."})
    return json_response(200, {"message": "Deployment request queued.", "deployment_uuid": uuid})


def restart(ctx):
    app = find(ctx)
    uuid, skipped = deployments.queue(ctx.state, app, restart_only=True)
    if skipped:
        return json_response(200, {"message": "Deployment already queued for this commit."})
    return json_response(200, {"message": "Restart request queued.", "deployment_uuid": uuid})


def stop(ctx):
    state = ctx.state
    app = find(ctx)
    state.schedule(0.5, lambda: app.get("_deleted") or set_status(state, app, "exited"))
    return json_response(200, {"message": "Application stopping request queued."})


# -- create (NOTES §4.3, §15.4) -------------------------------------------------------

_COMMON_CREATE = (
    "project_uuid", "server_uuid", "environment_name", "environment_uuid", "destination_uuid",
    "name", "description", "domains", "ports_exposes", "ports_mappings", "health_check_enabled",
    "health_check_path", "health_check_port", "health_check_host", "health_check_method",
    "health_check_return_code", "health_check_scheme", "health_check_response_text",
    "health_check_interval", "health_check_timeout", "health_check_retries",
    "health_check_start_period", "limits_memory", "limits_memory_swap",
    "limits_memory_swappiness", "limits_memory_reservation", "limits_cpus", "limits_cpuset",
    "limits_cpu_shares", "custom_labels", "custom_docker_run_options", "post_deployment_command",
    "post_deployment_command_container", "pre_deployment_command",
    "pre_deployment_command_container", "manual_webhook_secret_github",
    "manual_webhook_secret_gitlab", "manual_webhook_secret_bitbucket",
    "manual_webhook_secret_gitea", "redirect", "instant_deploy", "use_build_server",
    "is_http_basic_auth_enabled", "http_basic_auth_username", "http_basic_auth_password",
    "connect_to_docker_network",
)

_GIT_CREATE = _COMMON_CREATE + (
    "git_repository", "git_branch", "build_pack", "git_commit_sha", "docker_registry_image_name",
    "docker_registry_image_tag", "is_static", "static_image", "install_command", "build_command",
    "start_command", "base_directory", "publish_directory", "dockerfile",
    "docker_compose_location", "docker_compose_raw", "docker_compose_custom_start_command",
    "docker_compose_custom_build_command", "docker_compose_domains", "watch_paths",
)

CREATE_KINDS = {
    "public": (_GIT_CREATE, {"git_repository": "string|required", "git_branch": "string|required",
                             "build_pack": "string|required", "ports_exposes": "string|required"}),
    "private-github-app": (_GIT_CREATE + ("github_app_uuid",),
                           {"github_app_uuid": "string|required", "git_repository": "string|required",
                            "git_branch": "string|required", "build_pack": "string|required",
                            "ports_exposes": "string|required"}),
    "private-deploy-key": (_GIT_CREATE + ("private_key_uuid",),
                           {"private_key_uuid": "string|required", "git_repository": "string|required",
                            "git_branch": "string|required", "build_pack": "string|required",
                            "ports_exposes": "string|required"}),
    "dockerfile": (_COMMON_CREATE + ("dockerfile", "build_pack", "docker_registry_image_name",
                                     "docker_registry_image_tag", "base_directory"),
                   {"dockerfile": "string|required"}),
    "dockerimage": (_COMMON_CREATE + ("docker_registry_image_name", "docker_registry_image_tag"),
                    {"docker_registry_image_name": "string|required",
                     "ports_exposes": "string|required"}),
    "dockercompose": (("project_uuid", "server_uuid", "environment_name", "environment_uuid",
                       "docker_compose_raw", "destination_uuid", "name", "description",
                       "instant_deploy", "use_build_server", "connect_to_docker_network"),
                      {"docker_compose_raw": "string|required"}),
}

_BASE_RULES = {
    "project_uuid": "string|required", "server_uuid": "string|required",
    "environment_name": "string|nullable", "environment_uuid": "string|nullable",
    "destination_uuid": "string|nullable", "name": "string|max:255|nullable",
    "description": "string|nullable", "domains": "string|nullable",
    "instant_deploy": "boolean|nullable", "health_check_enabled": "boolean|nullable",
    "is_http_basic_auth_enabled": "boolean|nullable",
}


def resolve_placement(ctx, data):
    """project_uuid + environment_name|environment_uuid + server_uuid (NOTES §4.3)."""
    state = ctx.state
    if not data.get("environment_name") and not data.get("environment_uuid"):
        raise ApiError(422, {"message": "You need to provide at least one of environment_name or environment_uuid."})
    project = state.project(ctx.team_id, data["project_uuid"])
    if project is None:
        fail(404, "Project not found.")
    env = None
    for e in state.environments_of(project):
        if (data.get("environment_name") and e["name"] == data["environment_name"]) or \
                (data.get("environment_uuid") and e["uuid"] == data["environment_uuid"]):
            env = e
            break
    if env is None:
        fail(404, "Environment not found.")
    server = state.server(ctx.team_id, data["server_uuid"])
    if server is None:
        fail(404, "Server not found.")
    dests = [d for d in state.table("destinations") if d["server_id"] == server["id"]]
    if data.get("destination_uuid"):
        dests = [d for d in dests if d["uuid"] == data["destination_uuid"]]
    if not dests:
        fail(400, "Server has no destinations.")
    return project, env, server, dests[0]


def check_base64(data, field):
    """NOTES §12, §15.4: this error is a string, not a list."""
    if not util.is_base64(data.get(field)):
        raise ApiError(422, {"message": "Validation failed.",
                             "errors": {field: "The %s should be base64 encoded." % field}})
    return util.b64decode(data[field])


def check_domains(domains):
    """NOTES §12: domain errors are a list."""
    bad = []
    for url in (domains or "").split(","):
        url = url.strip()
        if url and not (url.startswith("http://") or url.startswith("https://")) or " " in url:
            bad.append("Invalid domain: %s" % url)
    if bad:
        raise ApiError(422, {"message": "Validation failed.", "errors": bad})
    return ",".join(u.strip() for u in domains.split(",") if u.strip()) if domains else None


def _create(ctx, kind):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    allowed, rules = CREATE_KINDS[kind]
    all_rules = dict(_BASE_RULES)
    all_rules.update(rules)
    if "build_pack" in allowed:
        all_rules.setdefault("build_pack", "string|nullable")
        all_rules["build_pack"] += "|in:nixpacks,static,dockerfile,dockercompose"
    validate(data, all_rules, allowed)
    project, env, server, dest = resolve_placement(ctx, data)
    uuid = state.new_uuid()
    values = {k: v for k, v in data.items() if k in APPLICATION_COLUMNS}
    if kind == "dockerfile":
        values["dockerfile"] = check_base64(data, "dockerfile")
        values["build_pack"] = "dockerfile"
        name = "dockerfile-" + uuid
    elif kind == "dockerimage":
        values["build_pack"] = "dockerimage"
        name = "%s:%s-%s" % (data["docker_registry_image_name"],
                             data.get("docker_registry_image_tag") or "latest", uuid)
    elif kind == "dockercompose":
        values["docker_compose_raw"] = check_base64(data, "docker_compose_raw")
        values["build_pack"] = "dockercompose"
        name = "docker-compose-" + uuid
    else:
        if data.get("build_pack") == "dockercompose" and data.get("docker_compose_raw"):
            values["docker_compose_raw"] = check_base64(data, "docker_compose_raw")
        name = "%s:%s-%s" % (data["git_repository"], data["git_branch"], uuid)
        if kind == "private-deploy-key":
            key = [k for k in state.table("private_keys") if k["uuid"] == data["private_key_uuid"]]
            if not key:
                fail(404, "Private Key not found.")
            values["private_key_id"] = key[0]["id"]
    if data.get("custom_labels"):
        values["custom_labels"] = data["custom_labels"] if util.is_base64(data["custom_labels"]) \
            else util.b64encode(data["custom_labels"])
    domains = check_domains(data.get("domains"))
    if kind != "dockercompose" and domains is None:
        domains = "http://%s.%s.sslip.io" % (uuid, server["_public_ip"] or server["ip"])
    stamp = util.iso_seconds(state.now())
    for flag in ("health_check_enabled", "is_http_basic_auth_enabled"):
        if flag in values:
            values[flag] = util.to_bool(values[flag])
    values.update(id=state.seq("applications"), uuid=uuid, name=data.get("name") or name,
                  fqdn=domains if kind != "dockercompose" else None,
                  environment_id=env["id"], destination_id=dest["id"],
                  config_hash=util.new_uuid(state.rng).ljust(32, "0")[:32],
                  created_at=stamp, updated_at=stamp)
    app = application_row(**values)
    state.table("applications").append(app)
    if util.php_truthy(data.get("instant_deploy")):
        deployments.queue(state, app)
    return json_response(201, {"uuid": uuid, "domains": app["fqdn"]})


def _creator(kind):
    def handler(ctx):
        return _create(ctx, kind)
    handler.__name__ = "create_" + kind.replace("-", "_")
    return handler


# -- update / delete ---------------------------------------------------------------------

PATCH_FIELDS = (
    "project_uuid", "server_uuid", "environment_name", "github_app_uuid", "git_repository",
    "git_branch", "ports_exposes", "destination_uuid", "build_pack", "name", "description",
    "domains", "git_commit_sha", "docker_registry_image_name", "docker_registry_image_tag",
    "is_static", "install_command", "build_command", "start_command", "ports_mappings",
    "base_directory", "publish_directory", "health_check_enabled", "health_check_path",
    "health_check_port", "health_check_host", "health_check_method", "health_check_return_code",
    "health_check_scheme", "health_check_response_text", "health_check_interval",
    "health_check_timeout", "health_check_retries", "health_check_start_period", "limits_memory",
    "limits_memory_swap", "limits_memory_swappiness", "limits_memory_reservation", "limits_cpus",
    "limits_cpuset", "limits_cpu_shares", "custom_labels", "custom_docker_run_options",
    "post_deployment_command", "post_deployment_command_container", "pre_deployment_command",
    "pre_deployment_command_container", "manual_webhook_secret_github",
    "manual_webhook_secret_gitlab", "manual_webhook_secret_bitbucket",
    "manual_webhook_secret_gitea", "redirect", "instant_deploy", "docker_compose_location",
    "docker_compose_raw", "docker_compose_custom_start_command",
    "docker_compose_custom_build_command", "docker_compose_domains", "watch_paths",
    "use_build_server", "connect_to_docker_network", "custom_nginx_configuration",
    "is_http_basic_auth_enabled", "http_basic_auth_username", "http_basic_auth_password",
)

_PATCH_RULES = {
    "name": "string|max:255|nullable", "description": "string|nullable",
    "domains": "string|nullable", "build_pack": "string|nullable|in:" + ",".join(BUILD_PACKS),
    "redirect": "string|nullable|in:www,non-www,both", "instant_deploy": "boolean|nullable",
    "health_check_enabled": "boolean|nullable", "is_static": "boolean|nullable",
    "is_http_basic_auth_enabled": "boolean|nullable",
}

_IGNORED_ON_PATCH = ("project_uuid", "server_uuid", "environment_name", "github_app_uuid",
                     "destination_uuid", "instant_deploy", "use_build_server",
                     "connect_to_docker_network", "is_static", "domains")


def update_application(ctx):
    state = ctx.state
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, _PATCH_RULES, PATCH_FIELDS)
    app = find(ctx)
    server = state.server_of(app)
    if "domains" in data:
        domains = check_domains(data["domains"])
        proxy_runs = server["proxy"].get("type") != "NONE" and \
            not state.settings_of(server)["is_build_server"]
        if proxy_runs:
            # NOTES §4.2: silently ignored when the proxy is not meant to run.
            app["fqdn"] = domains
    if "docker_compose_domains" in data:
        if "docker_compose_raw" in data:
            app["docker_compose_raw"] = check_base64(data, "docker_compose_raw")
        app["docker_compose_domains"] = util.php_json(data["docker_compose_domains"]) \
            if not isinstance(data["docker_compose_domains"], str) else data["docker_compose_domains"]
    elif "docker_compose_raw" in data:
        app["docker_compose_raw"] = data["docker_compose_raw"]
    for field, value in data.items():
        if field in _IGNORED_ON_PATCH or field in ("docker_compose_raw", "docker_compose_domains"):
            continue
        if field == "custom_labels" and value is not None:
            value = value if util.is_base64(value) else util.b64encode(value)
        elif field == "custom_nginx_configuration" and value is not None:
            # NOTES §4.2: base64 in, base64'd again when stored.
            value = util.b64encode(value)
        elif field in ("health_check_enabled", "is_http_basic_auth_enabled"):
            value = util.to_bool(value)
        app[field] = value
    state.touch(app)
    if util.php_truthy(data.get("instant_deploy")):
        _, skipped = deployments.queue(state, app)
        if skipped:
            return json_response(200, {"message": "Deployment already queued for this commit."})
    return json_response(200, {"uuid": app["uuid"]})


def delete_resource_later(state, row, on_delete=None):
    """Deletes run in a queued job: the row disappears about a second later (NOTES §4.3)."""
    def run():
        if row.get("_deleted"):
            return
        row["_deleted"] = True
        row["deleted_at"] = util.iso_seconds(state.now())
        log = state.containers.get(row["uuid"])
        if log is not None:
            log.stop(state.now())
        if on_delete:
            on_delete()
    state.schedule(1.0, run)


def delete_application(ctx):
    state = ctx.state
    app = find(ctx)
    # NOTES §4.3: the delete_* flags are PHP bools from strings ("false" is true); nothing
    # of them is visible here.

    def drop_envs():
        state.tables["envs"] = [e for e in state.table("envs") if not (
            e["resourceable_type"] == APPLICATION_MODEL and e["resourceable_id"] == app["id"])]
    delete_resource_later(state, app, drop_envs)
    return json_response(200, {"message": "Application deletion request queued."})


ROUTES = [
    route("GET", "/applications", list_applications, "read"),
    *[route("POST", "/applications/" + kind, _creator(kind), "write",
            BOTH if kind != "dockercompose" else SEED) for kind in CREATE_KINDS],
    route("GET", "/applications/{uuid}", get_application, "read"),
    route("PATCH", "/applications/{uuid}", update_application, "write"),
    route("DELETE", "/applications/{uuid}", delete_application, "write"),
    route("GET", "/applications/{uuid}/logs", get_logs, "read"),
    *action("/applications/{uuid}/start", start),
    *action("/applications/{uuid}/restart", restart),
    *action("/applications/{uuid}/stop", stop),
]
