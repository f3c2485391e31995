"""Deployments: the queue, their progression and build logs (NOTES §9.2, §11)."""

import hashlib

from . import util
from .http import ApiError, fail, json_response, redirect_back
from .models import deployment_row
from .router import LATEST, action, route

ACTIVE = ("queued", "in_progress")
HELPER = "ghcr.io/coollabsio/coolify-helper:1.0.8"


# -- build log scripts ------------------------------------------------------------------

def _log(output, type_="stdout", hidden=False):
    return {"command": None, "output": output, "type": type_, "hidden": hidden}


def _cmd(command, output, type_="stdout", hidden=True):
    return {"command": command, "output": output, "type": type_, "hidden": hidden}


def commit_sha(text):
    return hashlib.sha1(text.encode()).hexdigest()


def script(app, server_name, dep_uuid, outcome, restart_only):
    """The build log of one deployment, as a list of steps of log entries.

    The last step ends the deployment. NOTES §9.2: entries are chunks of output,
    some hidden (debug), some multi-line, one starting with "╔".
    """
    repo = app["git_repository"] or app["docker_registry_image_name"] or app["name"]
    branch = app["git_branch"] or app["docker_registry_image_tag"] or "latest"
    sha = commit_sha(dep_uuid)
    steps = [[
        _log("Starting deployment of %s:%s to %s." % (repo, branch, server_name)),
        _log("Preparing container with helper image: %s." % HELPER),
        _cmd("docker rm -f %s" % dep_uuid, "Error response from daemon: No such container: %s" % dep_uuid,
             "stderr"),
        _cmd("docker run -d --network coolify --name %s --rm -v /var/run/docker.sock:/var/run/docker.sock %s"
             % (dep_uuid, HELPER), commit_sha(dep_uuid + "helper") + commit_sha(dep_uuid)[:24]),
    ]]
    if restart_only:
        steps.append([
            _log("Restarting %s." % app["name"]),
            _cmd("docker stop --time=30 %s" % app["uuid"], app["uuid"]),
        ])
        steps.append([_cmd("docker start %s" % app["uuid"], app["uuid"])])
        if outcome == "failed":
            steps.append([_log("Restart failed: container exited with code 1.", "stderr")])
        else:
            steps.append([_log("Restart completed.")])
        return steps
    if app["build_pack"] == "dockerimage":
        steps.append([
            _log("----------------------------------------"),
            _log("Pulling latest image (%s:%s) from the registry." % (repo, branch)),
            _cmd("docker pull %s:%s" % (repo, branch),
                 "%s: Pulling from library/%s\nDigest: sha256:%s\nStatus: Image is up to date for %s:%s"
                 % (branch, repo.split("/")[-1], hashlib.sha256(repo.encode()).hexdigest(), repo, branch)),
        ])
    else:
        steps.append([
            _log("----------------------------------------"),
            _log("Importing %s:%s (commit sha HEAD) to /artifacts/%s." % (repo, branch, dep_uuid)),
            _cmd("git ls-remote https://github.com/%s refs/heads/%s" % (repo, branch),
                 "%s\trefs/heads/%s" % (sha, branch)),
            _cmd("git clone -b \"%s\" https://github.com/%s /artifacts/%s" % (branch, repo, dep_uuid),
                 "Cloning into '/artifacts/%s'...\nremote: Enumerating objects: 412, done.\n"
                 "remote: Counting objects: 100%% (412/412), done.\n"
                 "Receiving objects: 100%% (412/412), 1.21 MiB | 9.80 MiB/s, done." % dep_uuid,
                 hidden=False),
        ])
        if app["build_pack"] == "nixpacks":
            steps.append([
                _log("Generating nixpacks configuration with: nixpacks plan -f toml  /artifacts/%s" % dep_uuid),
                _log("Found application type: node."),
                _cmd("nixpacks build -c /artifacts/thegameplan.json --no-error-without-start -n %s /artifacts/%s"
                     % (app["uuid"], dep_uuid),
                     "\n╔════════ Nixpacks v1.29.0 ═══════╗\n║ setup      │ nodejs_18, npm-9_x ║\n"
                     "║────────────────────────────────║\n║ install    │ npm ci             ║\n"
                     "║ build      │ npm run build      ║\n║ start      │ npm run start      ║\n"
                     "╚════════════════════════════════╝", hidden=False),
            ])
        steps.append([
            _log("Building docker image started."),
            _log("To check the current progress, click on Show Debug Logs."),
            _cmd("docker build --network host -f /artifacts/%s/Dockerfile -t %s:%s /artifacts/%s"
                 % (dep_uuid, app["uuid"], sha, dep_uuid),
                 "#0 building with \"default\" instance using docker driver\n\n"
                 "#1 [internal] load build definition from Dockerfile\n"
                 "#1 transferring dockerfile: 1.32kB done\n#1 DONE 0.0s"),
        ])
        if outcome == "failed":
            steps.append([
                _cmd("docker build (continued)",
                     "#8 [stage-0 4/9] RUN npm ci\n#8 9.812 npm ERR! code ELIFECYCLE\n"
                     "#8 9.813 npm ERR! errno 1\n#8 ERROR: process \"/bin/bash -ol pipefail -c npm ci\" "
                     "did not complete successfully: exit code: 1", "stderr", hidden=False),
                _log("Oops something is not okay, are you okay? \U0001F622", "stderr"),
                _log("Deployment failed. Removing the new version of your application.", "stderr"),
            ])
            return steps
        steps.append([
            _cmd("docker build (continued)",
                 "#8 [stage-0 4/9] RUN npm ci\n#8 12.31 added 812 packages in 11s\n#8 DONE 13.2s\n"
                 "#12 exporting to image\n#12 writing image sha256:%s done\n#12 DONE 1.4s" % commit_sha(sha)),
            _log("Building docker image completed."),
        ])
    if outcome == "failed":
        steps.append([
            _log("Rolling update started."),
            _log("New container is not healthy, rolling back to the old container.", "stderr"),
            _log("Oops something is not okay, are you okay? \U0001F622", "stderr"),
        ])
        return steps
    steps.append([
        _log("----------------------------------------"),
        _log("Rolling update started."),
        _cmd("docker compose --project-directory /artifacts/%s -f /artifacts/%s/docker-compose.yaml up --build -d"
             % (dep_uuid, dep_uuid),
             " Container %s-%s  Creating\n Container %s-%s  Created\n Container %s-%s  Starting\n"
             " Container %s-%s  Started" % ((app["uuid"], sha[:12]) * 4), "stderr"),
    ])
    steps.append([
        _log("New container started."),
        _log("Removing old containers."),
        _log("Rolling update completed."),
    ])
    return steps


# -- images and rollbacks -------------------------------------------------------------------

def image_repository(app):
    """The repository rollback_images() filters on: docker_registry_image_name ?? uuid."""
    return app["docker_registry_image_name"] or app["uuid"]


def image_tag(app, dep):
    """The tag of the image a finished deployment left on the server, or None.

    A git build is tagged with its commit (script()'s `docker build -t uuid:sha`), a
    docker image with its registry tag; compose builds are named per service, so
    they never match the repository (no rollback images, as on a real server).
    """
    if app["build_pack"] == "dockercompose":
        return None
    if app["build_pack"] == "dockerimage":
        return app["docker_registry_image_tag"] or "latest"
    commit = dep["commit"]
    return commit if commit and commit != "HEAD" else commit_sha(dep["deployment_uuid"])


def _app_deployments(state, app):
    rows = [d for d in state.table("deployments") if d["application_id"] == str(app["id"])]
    return sorted(rows, key=lambda d: d["id"])


def images(state, app):
    """`docker images` of the app's repository, newest first: [(tag, created ts)].

    A deployment that built (not a restart, not a rollback, which reuses the image it
    names) and finished leaves an image behind; building the same tag again replaces it.
    """
    found = {}
    for dep in _app_deployments(state, app):
        if dep["status"] != "finished" or dep["restart_only"] or dep["rollback"]:
            continue
        tag = image_tag(app, dep)
        if tag is not None:
            found[tag] = util.parse_ts(dep["finished_at"]) if dep["finished_at"] else 0.0
    return sorted(found.items(), key=lambda item: item[1], reverse=True)


def image_tags(state, app):
    return [tag for tag, _ in images(state, app)]


def current_image(state, app):
    """The tag of the image the app's container runs (`docker inspect`), or None."""
    current = None
    for dep in _app_deployments(state, app):
        if dep["status"] != "finished" or dep["restart_only"]:
            continue
        tag = dep["commit"] if dep["rollback"] else image_tag(app, dep)
        if tag is not None:
            current = tag
    return current


def rollback_script(state, app, server_name, dep_uuid, tag, outcome):
    """A rollback's build log and how it ends: (steps, outcome).

    ApplicationDeploymentJob with rollback: the image uuid:TAG is looked for on the
    server; found, the build is skipped and the container replaced; not found, a new
    build of that commit starts, and a tag that is no commit fails it.
    """
    repo = app["git_repository"] or app["docker_registry_image_name"] or app["name"]
    branch = app["git_branch"] or app["docker_registry_image_tag"] or "latest"
    image = "%s:%s" % (image_repository(app), tag)
    found = tag in image_tags(state, app)
    steps = [[
        _log("Starting deployment of %s:%s to %s." % (repo, branch, server_name)),
        _log("Preparing container with helper image: %s." % HELPER),
        _cmd("docker images -q %s 2>/dev/null" % image,
             commit_sha(image)[:12] if found else ""),
    ]]
    if not found:
        steps.append([
            _log("Image not found (%s). Building new image." % image),
            _cmd("git checkout %s" % tag, "fatal: reference is not a tree: %s" % tag, "stderr",
                 hidden=False),
            _log("Oops something is not okay, are you okay? \U0001F622", "stderr"),
            _log("Deployment failed. Removing the new version of your application.", "stderr"),
        ])
        return steps, "failed"
    steps.append([
        _log("No build configuration changed & image found (%s) with the same Git Commit SHA. "
             "Build step skipped." % image),
        _log("----------------------------------------"),
        _log("Rolling update started."),
        _cmd("docker compose --project-directory /artifacts/%s -f /artifacts/%s/docker-compose.yaml up --build -d"
             % (dep_uuid, dep_uuid),
             " Container %s-%s  Recreate\n Container %s-%s  Started" % ((app["uuid"], tag[:12]) * 2),
             "stderr"),
    ])
    steps.append([
        _log("New container started."),
        _log("Removing old containers."),
        _log("Rolling update completed."),
    ])
    return steps, outcome


def add_entry(dep, entry, ts):
    """ApplicationDeploymentQueue::addLogEntry() / ExecuteRemoteCommand (NOTES §9.2)."""
    entries = dep["_entries"]
    item = {"command": entry["command"], "output": entry["output"].strip(" \t\r\0\x0b\n"),
            "type": entry["type"], "timestamp": util.iso(ts), "hidden": entry["hidden"]}
    if item["output"].startswith("╔"):
        item["output"] = "\n" + item["output"]
    if entry["command"] is None:
        item["batch"] = 1
    else:
        dep["_batch"] += 1
        item["batch"] = dep["_batch"]
    if entries:
        # The very first entry has no "order".
        item["order"] = len(entries) + 1
    entries.append(item)
    dep["logs"] = util.php_json(entries)


# -- the queue ----------------------------------------------------------------------------

def deployment_url(state, app, dep_uuid):
    env = state.environment_by_id(app["environment_id"])
    project = state.project_by_id(env["project_id"])
    return "/project/%s/environment/%s/application/%s/deployment/%s" % (
        project["uuid"], env["uuid"], app["uuid"], dep_uuid)


def new_deployment(state, app, dep_uuid, ts, **values):
    server = state.server_of(app)
    stamp = util.iso_seconds(ts)
    dep = deployment_row(
        id=state.seq("deployments"), application_id=str(app["id"]), deployment_uuid=dep_uuid,
        created_at=stamp, updated_at=stamp, server_id=server["id"], application_name=app["name"],
        server_name=server["name"], deployment_url=deployment_url(state, app, dep_uuid),
        destination_id=str(app["destination_id"]), _entries=[], _batch=1, **values)
    state.table("deployments").append(dep)
    return dep


def queue(state, app, force=False, restart_only=False, pr=0, commit="HEAD", is_api=True,
          rollback=False):
    """queue_application_deployment(): returns (deployment_uuid, skipped).

    NOTES §8, §11.4: a queued or running deployment of the same commit makes the new
    one "skipped"; its freshly generated uuid is never stored. A rollback is never
    skipped (HEAD:bootstrap/helpers/applications.php:52-62).
    """
    dep_uuid = state.new_uuid()
    for dep in state.table("deployments"):
        if (not rollback and dep["application_id"] == str(app["id"]) and dep["status"] in ACTIVE
                and dep["commit"] == commit and dep["pull_request_id"] == pr):
            return dep_uuid, True
    outcome = state.next_deploy_outcome or "finished"
    state.next_deploy_outcome = None
    dep = new_deployment(state, app, dep_uuid, state.now(), force_rebuild=bool(force),
                         restart_only=restart_only, pull_request_id=pr, commit=commit,
                         is_api=is_api, status="queued", rollback=rollback,
                         commit_message=None if restart_only or rollback
                         else "chore: bump dependencies")
    if rollback:
        steps, outcome = rollback_script(state, app, dep["server_name"], dep_uuid, commit,
                                         outcome)
    else:
        steps = script(app, dep["server_name"], dep_uuid, outcome, restart_only)
    speed = state.deployment_speed
    for index, entries in enumerate(steps):
        final = outcome if index == len(steps) - 1 else None
        state.schedule(speed * (index + 1), _stepper(state, app, dep, entries, final))
    return dep_uuid, False


def _stepper(state, app, dep, entries, final):
    def run():
        if dep["status"] not in ACTIVE:
            return  # cancelled
        now = state.now()
        if dep["status"] == "queued":
            dep["status"] = "in_progress"
            dep["current_process_id"] = str(80000 + dep["id"])
            dep["horizon_job_id"] = util.new_uuid(state.rng)
            dep["horizon_job_worker"] = "coolify-worker-1"
        for entry in entries:
            add_entry(dep, entry, now)
        if final:
            dep["status"] = final
            dep["finished_at"] = util.raw(now)
            if final == "finished" and not app.get("_deleted"):
                from .applications import healthy_status, set_status
                set_status(state, app, healthy_status(app))
                log = state.containers.get(app["uuid"])
                if log is not None:
                    log.append(now, "\x1b[1m> Listening on http://0.0.0.0:%s\x1b[22m"
                               % (app["ports_exposes"] or "3000").split(",")[0])
        state.touch(dep)
    return run


# -- endpoints ----------------------------------------------------------------------------

def _hide(ctx, dep):
    data = {k: v for k, v in dep.items() if not k.startswith("_")}
    if not ctx.sensitive:
        data.pop("logs")  # NOTES §1.5
    return util.api_sort(data)


def list_form(state, items, default_objects):
    """NOTES §2.4: sortBy('id') without values() can make a list a numeric-keyed object.

    We pretend the database returned the rows newest first, so the sorted list
    keeps keys "n-1" ... "0". Only when there are two or more items.
    """
    objects = state.objects_for_lists
    if objects is None:
        objects = default_objects
    if not objects or len(items) < 2:
        return items
    return {str(len(items) - 1 - i): item for i, item in enumerate(items)}


def list_deployments(ctx):
    state = ctx.state
    server_ids = {s["id"] for s in state.team_servers(ctx.team_id)}
    rows = sorted((d for d in state.table("deployments")
                   if d["status"] in ACTIVE and d["server_id"] in server_ids), key=lambda d: d["id"])
    items = [_hide(ctx, d) for d in rows]
    # Seed mode emits the object form by default (2+ items); HEAD gives arrays unless asked.
    return json_response(200, list_form(state, items, default_objects=not ctx.latest))


def _team_owns(state, team_id, dep):
    for app in state.table("applications"):
        if str(app["id"]) == dep["application_id"]:
            return state.in_team(app, team_id)
    return False


def get_deployment(ctx):
    dep = ctx.state.deployment(ctx["uuid"])
    # NOTES §11.2: no team check at the seed commit; team-scoped at HEAD (§17.8).
    if dep is None or (ctx.latest and not _team_owns(ctx.state, ctx.team_id, dep)):
        fail(404, "Deployment not found.")
    return json_response(200, _hide(ctx, dep))


def list_app_deployments(ctx):
    """NOTES §11.3: {count, deployments}, newest first, raw rows with id and logs."""
    req = ctx.req
    errors = {}
    for name, minimum in (("skip", 0), ("take", 1)):
        value = req.query.get(name)
        if value is None:
            continue
        if not value.lstrip("-").isdigit():
            errors[name] = ["The %s field must be an integer." % name]
        elif int(value) < minimum:
            errors[name] = ["The %s field must be at least %d." % (name, minimum)]
    if errors:
        # Laravel's ValidationException: JSON only with Accept: application/json.
        if not req.accepts_json:
            return redirect_back()
        first = next(iter(errors.values()))[0]
        more = sum(len(v) for v in errors.values()) - 1
        message = first + (" (and %d more error%s)" % (more, "s" if more > 1 else "") if more else "")
        raise ApiError(422, {"message": message, "errors": errors})
    from .applications import find
    app = find(ctx, "Application not found")
    skip = int(req.query.get("skip") or 0)
    take = int(req.query.get("take") or 10)
    rows = [d for d in ctx.state.table("deployments") if d["application_id"] == str(app["id"])]
    rows.sort(key=lambda d: (d["created_at"], d["id"]), reverse=True)
    page = [{k: v for k, v in d.items() if not k.startswith("_")} for d in rows[skip:skip + take]]
    return json_response(200, {"count": len(rows), "deployments": page})


def _deploy_flag(ctx, value):
    if ctx.latest:
        return util.laravel_boolean(value)
    return util.php_truthy(value)  # NOTES §11.4: "false" means force


def _pr(value):
    try:
        return max(int(value), 0) if value else 0
    except (TypeError, ValueError):
        return 0


def _deploy_resource(ctx, resource, force, pr):
    """One resource of /deploy: (message, deployment_uuid or None)."""
    from . import databases, services
    state = ctx.state
    if "build_pack" in resource:
        dep_uuid, skipped = queue(state, resource, force=force, pr=pr)
        if skipped:
            return "Deployment already queued for this commit.", dep_uuid
        return "Application %s deployment queued." % resource["name"], dep_uuid
    if "service_type" in resource:
        services.start_now(state, resource)
        return "Service %s started. It could take a while, be patient." % resource["name"], None
    databases.start_later(state, resource)
    resource["started_at"] = util.raw(state.now())
    return "Database %s started." % resource["name"], None


def deploy(ctx):
    state = ctx.state
    uuids = ctx.req.input("uuid")
    tags = ctx.req.input("tag")
    pr = ctx.req.input("pr")
    force = _deploy_flag(ctx, ctx.req.input("force"))
    if uuids and tags:
        fail(400, "You can only use uuid or tag, not both.")
    if tags and pr:
        fail(400, "You can only use tag or pr, not both.")
    if not uuids and not tags:
        fail(400, "You must provide uuid or tag.")
    if uuids:
        out = []
        for uuid in str(uuids).split(","):
            resource = state.resource_by_uuid(ctx.team_id, uuid.strip())
            if resource is None:
                continue  # NOTES §11.4: unknown uuids are skipped silently
            message, dep_uuid = _deploy_resource(ctx, resource, force, _pr(pr))
            item = {"message": message, "resource_uuid": resource["uuid"]}
            if dep_uuid:
                item["deployment_uuid"] = dep_uuid
            out.append(item)
        if not out:
            fail(404, "No resources found.")
        return json_response(200, {"deployments": out})
    messages, details = [], []
    from .applications import tagged
    from .models import APPLICATION_MODEL, SERVICE_MODEL
    for tag in str(tags).split(","):
        tag = tag.strip()
        apps = [a for a in state.live("applications")
                if state.in_team(a, ctx.team_id) and tagged(state, a, APPLICATION_MODEL, [tag])]
        svcs = [s for s in state.live("services")
                if state.in_team(s, ctx.team_id) and tagged(state, s, SERVICE_MODEL, [tag])]
        for resource in apps + svcs:
            message, dep_uuid = _deploy_resource(ctx, resource, force, 0)
            messages.append(message)
            detail = {"resource_uuid": resource["uuid"]}
            if dep_uuid:
                detail["deployment_uuid"] = dep_uuid
            details.append(detail)
    if not messages:
        fail(404, "No resources found with this tag.")
    # NOTES §11.4: `message` is an array here.
    return json_response(200, {"message": messages, "details": details})


def cancel(ctx):
    """HEAD only: DeployController::cancel_deployment (NOTES §17.8)."""
    state = ctx.state
    dep = state.deployment(ctx["uuid"])
    if dep is None:
        fail(404, "Deployment not found.")
    # Any team's deployment is found; one on another team's server is refused.
    if dep["server_id"] not in {s["id"] for s in state.team_servers(ctx.team_id)}:
        fail(403, "You do not have permission to cancel this deployment.")
    if dep["status"] not in ACTIVE:
        fail(400, "Deployment cannot be cancelled. Current status: %s" % dep["status"])
    started = dep["status"] == "in_progress"
    # Only the status changes; the job, which checks it, stops at its next step.
    dep["status"] = "cancelled-by-user"
    now = state.now()
    add_entry(dep, _log("Deployment cancelled by user via API.", "stderr"), now)
    if started:
        add_entry(dep, _log("Deployment container stopped."), now)
    else:
        add_entry(dep, _log("Deployment container not yet started. Will be cancelled when job "
                            "checks status."), now)
    state.touch(dep)
    return json_response(200, {"message": "Deployment cancelled successfully.",
                               "deployment_uuid": dep["deployment_uuid"], "status": dep["status"]})


ROUTES = [
    route("GET", "/deployments", list_deployments, "read"),
    route("GET", "/deployments/applications/{uuid}", list_app_deployments, "read"),
    route("GET", "/deployments/{uuid}", get_deployment, "read"),
    route("POST", "/deployments/{uuid}/cancel", cancel, "deploy", LATEST),
    # NOTES §1.4: write or deploy at the seed; HEAD wants deploy (§17.2).
    *action("/deploy", deploy, seed_ability=("write", "deploy"), latest_ability=("deploy",)),
]
