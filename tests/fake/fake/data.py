"""The datasets: a small hand-made demo and a generated one (gen:P:A[:D[:S]])."""

import calendar
import time

from . import backups, cloud, deployments, destinations, git_apps, s3, storages, tags, tasks, util
from . import notifications, settings
from .databases import new_database
from .envs import new_env
from .keys import new_key
from .models import (APPLICATION_MODEL, DB_MODELS, DB_TYPES, DESTINATION_COLUMNS,
                     SERVICE_MODEL, TEAM_COLUMNS, USER_COLUMNS, application_row, server_row,
                     server_setting_row, simple_row)
from .projects import new_environment, new_project
from .shared_envs import new_shared_env
from .services import TEMPLATES, add_subs, new_service

LOCALHOST_KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
                 "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
                 "QyNTUxOQAAACBQ3x0yJ0f4ZqNw1Qm7m0ERVk1oZkVnSm0ZS1x2c2VydmVyAAAAJAAAAAtz\n"
                 "c2gtZWQyNTUxOQAAACBQ3x0yJ0f4ZqNw1Qm7m0ERVk1oZkVnSm0ZS1x2c2VydmVyAAAAQL\n"
                 "-----END OPENSSH PRIVATE KEY-----")
DEPLOY_KEY = LOCALHOST_KEY.replace("b3Blbn", "c2VjcmV0").replace("Q3x0", "k9Zp")


def at(text):
    """"2025-05-27 13:10:20" (UTC) -> unix time."""
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S")))


def load(state, spec):
    if spec == "demo":
        demo(state)
        from . import rollback
        rollback.demo(state)
        if state.latest:
            from . import server_settings
            server_settings.load_demo(state)
    elif spec.startswith("gen:"):
        parts = [int(p) for p in spec[4:].split(":")]
        projects, apps = parts[0], parts[1]
        dbs = parts[2] if len(parts) > 2 else apps // 10
        svcs = parts[3] if len(parts) > 3 else apps // 20
        generated(state, projects, apps, dbs, svcs)
    else:
        raise ValueError("unknown dataset %r (demo or gen:P:A[:D[:S]])" % spec)


# -- shared pieces ----------------------------------------------------------------------------

def _team_and_users(state):
    root_stamp = util.iso_seconds(at("2025-04-30 08:00:00"))
    teams = state.table("teams")
    teams.append(simple_row(TEAM_COLUMNS, id=0, name="Root Team", description=None,
                            personal_team=True, created_at=root_stamp, updated_at=root_stamp,
                            show_boarding=False, custom_server_limit=None, smtp_enabled=True,
                            smtp_from_address="coolify@example.com", smtp_from_name="Coolify",
                            smtp_recipients=None, smtp_host="smtp.example.com", smtp_port=587,
                            smtp_encryption="starttls", smtp_username="coolify@example.com",
                            smtp_password="smtp-s3cret-pass", smtp_timeout=30, resend_enabled=False,
                            resend_api_key=None, use_instance_email_settings=False,
                            telegram_enabled=False, telegram_token=None, telegram_chat_id=None))
    second = util.iso_seconds(at("2025-05-12 16:45:00"))
    teams.append(simple_row(TEAM_COLUMNS, id=1, name="Staging Team", description="Playground",
                            personal_team=False, created_at=second, updated_at=second,
                            show_boarding=False, custom_server_limit=None, smtp_enabled=False,
                            smtp_username=None, smtp_password=None, resend_enabled=False,
                            resend_api_key=None, use_instance_email_settings=False,
                            telegram_enabled=False, telegram_token=None))
    users = state.table("users")
    users.append(simple_row(USER_COLUMNS, id=0, name="Root User", email="root@example.com",
                            email_verified_at=root_stamp, password="$2y$12$" + "x" * 53,
                            remember_token=None, created_at=root_stamp, updated_at=root_stamp,
                            force_password_reset=False, marketing_emails=True))
    alice = util.iso_seconds(at("2025-05-03 09:30:00"))
    users.append(simple_row(USER_COLUMNS, id=1, name="Alice Martin", email="alice@example.com",
                            email_verified_at=alice, password="$2y$12$" + "y" * 53,
                            remember_token=None, created_at=alice, updated_at=alice,
                            force_password_reset=False, marketing_emails=False))
    state.table("team_user").extend([(0, 0, "owner"), (0, 1, "member"), (1, 0, "owner")])
    state.bump_seq("teams", 1)
    state.bump_seq("users", 1)


def _server(state, server_id, name, description, ip, public_ip, key_id, proxy, created, updated,
            sentinel_updated):
    state.table("servers").append(server_row(
        id=server_id, uuid=state.new_uuid(), name=name, description=description, ip=ip,
        team_id=0, private_key_id=key_id, proxy=proxy, created_at=util.iso_seconds(created),
        updated_at=util.iso_seconds(updated), validation_logs=None,
        sentinel_updated_at=util.raw(sentinel_updated), _public_ip=public_ip))
    state.bump_seq("servers", server_id)
    state.table("server_settings").append(server_setting_row(
        id=state.seq("server_settings"), server_id=server_id, created_at=util.iso_seconds(created),
        updated_at=util.iso_seconds(updated),
        sentinel_token=util.b64encode("sentinel-%s-%s" % (name, state.new_uuid())),
        logdrain_axiom_api_key="xaat-%s" % state.new_uuid() if server_id == 1 else None,
        is_logdrain_axiom_enabled=server_id == 1,
        logdrain_axiom_dataset_name="coolify" if server_id == 1 else None,
        wildcard_domain="http://%s.sslip.io" % public_ip))
    state.table("destinations").append(simple_row(
        DESTINATION_COLUMNS, id=server_id, name="%s-coolify" % name, uuid=state.new_uuid(),
        network="coolify", server_id=server_id, created_at=util.iso_seconds(created),
        updated_at=util.iso_seconds(created)))
    state.bump_seq("destinations", server_id)


def _servers(state):
    base = at("2025-04-30 08:00:00")
    now = state.now()
    new_key(state, 0, "localhost's key", "The private key for the Coolify host machine (localhost).",
            LOCALHOST_KEY, ts=base, key_id=0)
    new_key(state, 0, "github-deploy-key", "Deploy key for acme/website", DEPLOY_KEY,
            is_git_related=True, ts=at("2025-05-02 10:00:00"), key_id=1)
    _server(state, 0, "localhost",
            "This is the server where Coolify is running on. Don't delete this!",
            "host.docker.internal", "203.0.113.7", 0, {"type": "TRAEFIK", "status": "running"},
            base, at("2025-05-27 13:09:58"), now - 12)
    _server(state, 1, "hetzner-fsn1", "Production box in Falkenstein", "203.0.113.42",
            "203.0.113.42", 0, {"type": "TRAEFIK", "status": "running"},
            at("2025-05-04 14:22:10"), at("2025-05-27 13:09:51"), now - 20)


def _app(state, app_id, name, env, status, created, updated, dest=0, **values):
    uuid = values.pop("uuid", None) or state.new_uuid()
    app = application_row(
        id=app_id, uuid=uuid, name=name, environment_id=env["id"], status=status,
        destination_id=dest, config_hash=util.new_uuid(state.rng).ljust(32, "0")[:32],
        created_at=util.iso_seconds(created), updated_at=util.iso_seconds(updated),
        last_online_at=util.raw(state.now() - 3) if status.startswith("running") else
        util.raw(updated), **values)
    state.table("applications").append(app)
    state.bump_seq("applications", app_id)
    return app


def _envs(state, app, items, at_ts):
    """Variables created through the model, so non-dockerfile apps get preview twins (NOTES §10.1)."""
    for key, value, flags in items:
        preview = flags.pop("is_preview", False)
        env = new_env(state, APPLICATION_MODEL, app["id"], key, value, is_preview=preview, **flags)
        env["version"] = "4.0.0-beta.418"
        env["created_at"] = env["updated_at"] = util.iso_seconds(at_ts)
        if not preview and app["build_pack"] != "dockerfile":
            twin = new_env(state, APPLICATION_MODEL, app["id"], key, value, is_preview=True,
                           is_build_time=env["is_build_time"], is_multiline=env["is_multiline"])
            twin["version"] = env["version"]
            twin["created_at"] = twin["updated_at"] = env["created_at"]


def _history(state, app, runs):
    """Finished or failed deployments with complete build logs, in 2025."""
    for started, outcome, message in runs:
        dep_uuid = state.new_uuid()
        dep = deployments.new_deployment(state, app, dep_uuid, started, status=outcome,
                                         commit=deployments.commit_sha(dep_uuid),
                                         commit_message=message, is_webhook=True,
                                         current_process_id=str(70000 + len(state.table("deployments"))),
                                         horizon_job_id=util.new_uuid(state.rng),
                                         horizon_job_worker="coolify-worker-1")
        ts = started + 1.4817
        for step in deployments.script(app, dep["server_name"], dep_uuid, outcome, False):
            for entry in step:
                deployments.add_entry(dep, entry, ts)
                ts += 3.1173
        dep["finished_at"] = util.raw(ts)
        dep["updated_at"] = util.iso_seconds(ts)


def _tag(state, name, rows):
    tag_id = state.seq("tags")
    stamp = util.iso_seconds(at("2025-05-04 09:00:00"))
    state.table("tags").append({"id": tag_id, "uuid": tags.tag_uuid(name), "name": name,
                                "team_id": 0, "created_at": stamp, "updated_at": stamp})
    for model, row in rows:
        state.table("taggables").append({"tag_id": tag_id, "taggable_type": model,
                                         "taggable_id": row["id"]})


def _shared_envs(state, website, web_prod, web_staging):
    """Shared variables (current Coolify, NOTES §17.7) at each level: numeric ids
    from their own sequence, so the seeded uuid stream is not touched."""
    first = at("2025-05-10 12:00:00")
    new_shared_env(state, 0, "team", "COMPANY_NAME", "Acme Inc", first)
    new_shared_env(state, 0, "team", "SUPPORT_EMAIL", "help@example.com", first)
    new_shared_env(state, 1, "team", "STAGING_ONLY", "not for the Root Team", first)
    new_shared_env(state, 0, "project", "DB_URL", "postgres://shared@db:5432/site", first,
                   project_id=website["id"])
    new_shared_env(state, 0, "project", "SENTRY_DSN", "https://k3y@sentry.example.com/4", first,
                   project_id=website["id"], is_literal=True)
    new_shared_env(state, 0, "project", "SIGNING_KEY", "sk_live_51Hx", first,
                   project_id=website["id"], is_shown_once=True)
    new_shared_env(state, 0, "environment", "LOG_LEVEL", "info", first,
                   environment_id=web_prod["id"])
    new_shared_env(state, 0, "environment", "CDN_URL", "https://cdn.example.com", first,
                   environment_id=web_prod["id"])
    new_shared_env(state, 0, "environment", "LOG_LEVEL", "debug", first,
                   environment_id=web_staging["id"])
    localhost = state.table("servers")[0]
    new_shared_env(state, 0, "server", "REGISTRY", "registry.example.com", first,
                   server_id=localhost["id"])
    new_shared_env(state, 0, "server", "CA_CERT",
                   "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
                   first, server_id=localhost["id"], is_multiline=True)


# -- demo -----------------------------------------------------------------------------------

def demo(state):
    _team_and_users(state)
    _servers(state)

    website = new_project(state, 0, "website", "Marketing site", at("2025-05-01 09:12:03"))
    website["uuid"] = state.new_uuid(legacy=True)
    web_prod = new_environment(state, website, "production", at("2025-05-01 09:12:03"))
    web_staging = new_environment(state, website, "staging", at("2025-05-03 10:00:00"))
    tools = new_project(state, 0, "tools", None, at("2025-05-05 15:40:11"))
    tools_prod = new_environment(state, tools, "production", at("2025-05-05 15:40:11"))
    shop = new_project(state, 0, "shop/legacy", "Old shop, do not touch", at("2025-05-06 08:03:27"))
    shop_prod = new_environment(state, shop, "production", at("2025-05-06 08:03:27"))
    _shared_envs(state, website, web_prod, web_staging)

    web = _app(state, 1, "web", web_prod, "running:healthy", at("2025-05-02 11:20:00"),
               at("2025-05-27 13:09:58"), uuid=state.new_uuid(legacy=True),
               description="Public website", fqdn="https://www.example.com,https://example.com",
               git_repository="acme/website", git_branch="main", build_pack="nixpacks",
               health_check_enabled=True, ports_exposes="3000",
               custom_labels=util.b64encode("traefik.enable=true\ntraefik.http.routers.web.rule=Host(`www.example.com`)"),
               manual_webhook_secret_github="whsec_4f9a1c2e")
    api1 = _app(state, 2, "api", web_prod, "running:unhealthy", at("2025-05-02 11:45:10"),
                at("2025-05-26 18:02:44"), description="REST API (v1)", fqdn="https://api.example.com",
                git_repository="acme/api", git_branch="main", build_pack="dockerfile",
                ports_exposes="8080", dockerfile="FROM node:20-alpine\nWORKDIR /app\nCOPY . .\n"
                "RUN npm ci && npm run build\nEXPOSE 8080\nCMD [\"node\", \"dist/server.js\"]\n")
    api2 = _app(state, 3, "api", web_prod, "exited", at("2025-05-14 07:31:09"),
                at("2025-05-25 22:14:03"), description="REST API (v2, canary)",
                fqdn="https://api-v2.example.com", build_pack="dockerimage", git_repository=None,
                git_branch=None, docker_registry_image_name="ghcr.io/acme/api",
                docker_registry_image_tag="2.4.1", ports_exposes="8080")
    web_stg = _app(state, 4, "web", web_staging, "running (unhealthy)", at("2025-05-03 10:05:00"),
                   at("2025-05-27 12:59:13"), fqdn="https://staging.example.com",
                   git_repository="acme/website", git_branch="develop", build_pack="nixpacks",
                   ports_exposes="3000")
    promo = _app(state, 5, "promo 50% off", tools_prod, "running:healthy", at("2025-05-08 12:00:00"),
                 at("2025-05-20 09:41:30"), fqdn="https://promo.example.com",
                 git_repository="acme/promo", git_branch="main", build_pack="static",
                 ports_exposes="80", publish_directory="/dist", health_check_enabled=True)
    metabase = _app(state, 6, "metabase", tools_prod, "running:unhealthy", at("2025-05-09 17:25:41"),
                    at("2025-05-27 13:09:51"), dest=1, fqdn="https://bi.example.com",
                    build_pack="dockerimage", git_repository=None, git_branch=None,
                    docker_registry_image_name="metabase/metabase",
                    docker_registry_image_tag="v0.50.3", ports_exposes="3000")
    compose = ("services:\n  storefront:\n    image: 'ghcr.io/acme/storefront:1.9'\n"
               "    environment:\n      - 'SERVICE_FQDN_STOREFRONT_8000'\n"
               "  worker:\n    image: 'ghcr.io/acme/storefront:1.9'\n    command: 'php artisan queue:work'\n")
    store = _app(state, 7, "storefront", shop_prod, "running:healthy", at("2025-05-06 08:10:00"),
                 at("2025-05-27 13:09:51"), dest=1, git_repository="acme/storefront",
                 git_branch="legacy", build_pack="dockercompose", ports_exposes="8000",
                 docker_compose_raw=compose, docker_compose=compose,
                 docker_compose_domains='{"storefront":{"domain":"https://shop.example.com"},"worker":{"domain":null}}')

    t0 = at("2025-05-10 12:00:00")
    _envs(state, web, [
        ("DATABASE_URL", "postgres://postgres:Zq8xY2vL@web-db:5432/postgres", {}),
        ("NODE_ENV", "production", {"is_build_time": True}),
        ("GREETING", "hello world # not a comment", {}),
        ("TLS_CERT", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Fm\nZXN0LWNlcnQtZm9yLXRlc3Rz\n"
                     "-----END CERTIFICATE-----", {"is_multiline": True}),
        ("TEMPLATE", "$HOME/${USER}/data", {"is_literal": True}),
        ("SHARED_DB", "{{project.DB_URL}}", {}),
        ("EMPTY_VAR", "", {}),
    ], t0)
    _envs(state, api1, [("PORT", "8080", {}), ("LOG_LEVEL", "debug", {})], t0 + 60)
    _envs(state, api2, [("RAILS_ENV", "production", {}), ("PORT", "8080", {})], t0 + 120)
    _envs(state, web_stg, [("NODE_ENV", "staging", {"is_build_time": True}),
                           ("PREVIEW_BANNER", "true", {"is_preview": True})], t0 + 180)
    _envs(state, promo, [("BASE_URL", "https://promo.example.com", {})], t0 + 240)
    _envs(state, metabase, [("MB_DB_TYPE", "postgres", {}),
                            ("MB_ENCRYPTION_SECRET_KEY", "mb-9c1f0e7a55d2", {"is_shown_once": True})],
          t0 + 300)
    _envs(state, store, [("APP_KEY", "base64:c2hvcC1sZWdhY3kta2V5LWZvci10ZXN0cw==", {}),
                         ("QUEUE_CONNECTION", "redis", {})], t0 + 360)

    _history(state, web, [(at("2025-05-20 09:00:00"), "finished", "feat: new pricing page"),
                          (at("2025-05-26 16:30:00"), "failed", "chore: bump next to 15"),
                          (at("2025-05-27 13:10:20"), "finished", "fix: typo in footer")])
    _history(state, api1, [(at("2025-05-18 11:00:00"), "finished", "feat: orders endpoint"),
                           (at("2025-05-26 18:00:00"), "finished", "perf: cache lookups")])
    _history(state, api2, [(at("2025-05-24 08:00:00"), "finished", "release 2.4.0"),
                           (at("2025-05-25 22:10:00"), "failed", "release 2.4.1")])
    _history(state, web_stg, [(at("2025-05-26 09:15:00"), "failed", "wip: new header"),
                              (at("2025-05-27 12:50:00"), "finished", "wip: new header, take 2")])
    _history(state, promo, [(at("2025-05-20 09:35:00"), "finished", "spring sale"),
                            (at("2025-05-20 09:40:00"), "finished", "spring sale: fix colours")])
    _history(state, metabase, [(at("2025-05-09 17:30:00"), "finished", None),
                               (at("2025-05-21 07:00:00"), "finished", None)])
    _history(state, store, [(at("2025-05-06 08:20:00"), "failed", "legacy: php 8.3"),
                            (at("2025-05-06 08:45:00"), "finished", "legacy: php 8.2")])

    # NOTES §5.1: postgresql #1 and dragonfly #1 share a project, so GET /databases drops web-db.
    def db(db_type, db_id, name, env, status, created, **values):
        row = new_database(state, db_type, env["id"], values.pop("dest", 0), name, id=db_id, **values)
        row["status"] = status
        row["created_at"] = util.iso_seconds(created)
        row["updated_at"] = util.iso_seconds(created + 86400 * 3)
        if status.startswith("running"):
            row["started_at"] = util.raw(created + 600)
            row["last_online_at"] = util.raw(state.now() - 5)
        return row

    db("postgresql", 1, "web-db", web_prod, "running:healthy", at("2025-05-02 11:25:00"),
       description="Primary database", postgres_password="Zq8xY2vL")
    db("dragonfly", 1, "rate-limiter", web_prod, "running:healthy", at("2025-05-11 10:00:00"))
    db("redis", 3, "web-cache", web_staging, "running:healthy", at("2025-05-03 10:10:00"))
    db("keydb", 4, "jobs-queue", tools_prod, "running:healthy", at("2025-05-09 17:00:00"))
    db("mongodb", 2, "analytics", tools_prod, "exited", at("2025-05-10 09:00:00"))
    db("clickhouse", 5, "events", tools_prod, "running:healthy", at("2025-05-10 09:05:00"), dest=1)
    db("mysql", 1, "shop-mysql", shop_prod, "running:healthy", at("2025-05-06 08:05:00"), dest=1,
       mysql_user="shop", mysql_database="shop")
    db("mariadb", 2, "shop-mariadb", shop_prod, "running:healthy", at("2025-05-06 08:06:00"), dest=1,
       is_public=True, public_port=3307)

    servers = state.table("servers")
    n8n = new_service(state, tools_prod["id"], servers[0], None, "n8n-with-postgresql",
                      "services:\n  n8n:\n    image: docker.n8n.io/n8nio/n8n\n"
                      "  postgresql:\n    image: 'postgres:16-alpine'\n", [])
    n8n["name"] = "n8n-" + n8n["uuid"]
    add_subs(state, n8n, servers[0], TEMPLATES["n8n-with-postgresql"][0] +
             TEMPLATES["n8n-with-postgresql"][1], status="running (healthy)")
    state.service_subs(n8n)[0][0]["fqdn"] = "https://n8n.example.com:5678"
    kuma = new_service(state, web_prod["id"], servers[0], "uptime-kuma", "uptime-kuma",
                       "services:\n  uptime-kuma:\n    image: 'louislam/uptime-kuma:1'\n",
                       TEMPLATES["uptime-kuma"][0])
    for svc, created in ((n8n, at("2025-05-10 10:00:00")), (kuma, at("2025-05-12 14:00:00"))):
        svc["created_at"] = svc["updated_at"] = util.iso_seconds(created)
    for key, value in (("SERVICE_FQDN_N8N_5678", "https://n8n.example.com:5678"),
                       ("N8N_ENCRYPTION_KEY", "n8n-enc-0a1b2c3d4e5f"),
                       ("POSTGRES_PASSWORD", "pg-n8n-p4ss"),
                       ("GENERIC_TIMEZONE", "Europe/Berlin")):
        env = new_env(state, SERVICE_MODEL, n8n["id"], key, value)
        env["version"] = "4.0.0-beta.418"
    new_env(state, SERVICE_MODEL, kuma["id"], "SERVICE_FQDN_UPTIMEKUMA_3001",
            "https://status.example.com")

    _tag(state, "frontend", [(APPLICATION_MODEL, web), (APPLICATION_MODEL, web_stg),
                             (APPLICATION_MODEL, promo)])
    _tag(state, "backend", [(APPLICATION_MODEL, api1), (APPLICATION_MODEL, api2)])
    _tag(state, "automation", [(SERVICE_MODEL, n8n)])
    _tasks(state, web, n8n)
    _backups(state)
    _destinations(state, web)
    _storages(state, web, n8n)
    # GitHub and GitLab apps, S3 storages (current Coolify): uuids of their own.
    git_apps.demo(state, at, state.table("private_keys")[1])
    s3.demo(state, at)
    _cloud(state)
    # Notification channels and instance mail settings (latest mode's routes only).
    notifications.demo(state)
    settings.demo(state)


def _backups(state):
    """Database backups (current Coolify): web-db has a nightly schedule with three past runs
    (the middle one failed) and a weekly one to S3-less storage never run; the exited mongodb
    has one whose runs fail."""
    dbs = {d["name"]: d for d in state.all_databases()}
    web_db, mongo = dbs["web-db"], dbs["analytics"]
    nightly = backups.add_backup(state, web_db, "0 2 * * *", save_s3=False,
                                 uuid=backups.demo_uuid(web_db["uuid"], "nightly"),
                                 databases_to_backup="postgres",
                                 database_backup_retention_amount_locally=7)
    weekly = backups.add_backup(state, web_db, "weekly", save_s3=False, dump_all=True,
                                uuid=backups.demo_uuid(web_db["uuid"], "weekly"),
                                databases_to_backup="postgres")
    for row, created in ((nightly, at("2025-05-03 09:00:00")), (weekly, at("2025-05-20 12:00:00"))):
        row["created_at"] = row["updated_at"] = util.iso_seconds(created)
        row["_created"] = created
    for n, (status, started, message) in enumerate((
            ("success", "2025-05-25 02:00:00", None),
            ("failed", "2025-05-26 02:00:00",
             "pg_dump: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\""
             " failed: FATAL:  the database system is shutting down"),
            ("success", "2025-05-27 02:00:00",
             "pg_dump: warning: there are circular foreign-key constraints on this table:\n"
             "pg_dump: detail: orders"))):
        ts = at(started)
        run = backups.add_run(state, nightly, web_db, "postgres", status, ts, message,
                              0 if status == "failed" else 1048576 + n * 4096,
                              uuid=backups.demo_uuid(nightly["uuid"], "run%d" % n))
        run["finished_at"] = util.iso(ts + 4.2)
        run["updated_at"] = util.iso_seconds(ts + 4.2)
    monthly = backups.add_backup(state, mongo, "monthly", save_s3=False,
                                 uuid=backups.demo_uuid(mongo["uuid"], "monthly"))
    monthly["created_at"] = monthly["updated_at"] = util.iso_seconds(at("2025-05-10 09:30:00"))
    monthly["_created"] = at("2025-05-10 09:30:00")
    ts = at("2025-05-11 00:00:00")
    run = backups.add_run(state, monthly, mongo, "all", "failed", ts,
                          "Error response from daemon: container %s is not running" % mongo["uuid"],
                          0, uuid=backups.demo_uuid(monthly["uuid"], "run0"))
    run["finished_at"] = util.iso(ts + 0.4)


def _destinations(state, web):
    """Destinations (current Coolify): a second network on hetzner-fsn1, and `web`
    (production) deployed to hetzner-fsn1's first as an extra destination."""
    hetzner = state.server_by_id(1)
    staging = destinations.add_destination(
        state, hetzner, "hetzner-fsn1-staging", "staging",
        uuid=destinations.destination_uuid("hetzner-fsn1", "staging"))
    staging["created_at"] = staging["updated_at"] = util.iso_seconds(at("2025-05-06 11:20:00"))
    state.table("additional_networks").append(
        {"application_id": web["id"], "destination_id": 1, "server_id": 1})


def _storages(state, web, n8n):
    """Persistent and file storages (current Coolify): a volume, a config file and a
    directory mount on web, postgres' volume on web-db, and the volumes of n8n's two
    containers (read-only: a service's volumes come from its compose file)."""
    sid = storages.storage_uuid
    app = (APPLICATION_MODEL, web["id"])
    t0 = at("2025-05-10 12:00:00")
    vols = [storages.add_volume(state, app, "web-uploads", "/app/uploads",
                                uuid=sid(web["uuid"], "uploads"))]
    files = [storages.add_file(state, app, "/data/coolify/applications/%s/app/config.json"
                               % web["uuid"], "/app/config.json",
                               content='{\n  "theme": "dark",\n  "beta": false\n}\n',
                               uuid=sid(web["uuid"], "config")),
             storages.add_file(state, app, "/srv/web-cache", "/app/cache", is_directory=True,
                               uuid=sid(web["uuid"], "cache"))]
    webdb = next(d for d in state.all_databases() if d["name"] == "web-db")
    vols.append(storages.add_volume(state, (DB_MODELS[webdb["_type"]], webdb["id"]),
                                    "postgres-data-" + webdb["uuid"], "/var/lib/postgresql/data",
                                    uuid=sid(webdb["uuid"], "data")))
    sub_apps, sub_dbs = state.service_subs(n8n)
    vols.append(storages.add_volume(state, (storages.SERVICE_APPLICATION_MODEL, sub_apps[0]["id"]),
                                    n8n["uuid"] + "_n8n-data", "/home/node/.n8n",
                                    uuid=sid(n8n["uuid"], "n8n-data")))
    vols.append(storages.add_volume(state, (storages.SERVICE_DATABASE_MODEL, sub_dbs[0]["id"]),
                                    n8n["uuid"] + "_postgresql-data", "/var/lib/postgresql/data",
                                    uuid=sid(n8n["uuid"], "postgresql-data")))
    for n, row in enumerate(vols + files):
        row["created_at"] = row["updated_at"] = util.iso_seconds(t0 + 60 * n)


def _cloud(state):
    """Cloud provider tokens (one Hetzner, one DigitalOcean) and two cloud-init scripts
    (current Coolify); no server uses a token yet."""
    cloud.add_token(state, 0, "hetzner", "hetzner-main", "hz-demo-token-4d1f0c9a",
                    uuid=cloud.demo_uuid("token", "hetzner-main"), ts=at("2025-05-20 09:00:00"))
    cloud.add_token(state, 0, "digitalocean", "do-team", "dop_v1_demo_8c2e71",
                    uuid=cloud.demo_uuid("token", "do-team"), ts=at("2025-05-21 09:00:00"))
    cloud.add_script(state, 0, "docker-host", "#cloud-config\npackage_update: true\n"
                     "packages:\n  - docker.io\n", uuid=cloud.demo_uuid("script", "docker-host"),
                     ts=at("2025-05-22 09:00:00"))
    cloud.add_script(state, 0, "swap", "#!/bin/sh\nfallocate -l 2G /swapfile\nmkswap /swapfile\n"
                     "swapon /swapfile\n", uuid=cloud.demo_uuid("script", "swap"),
                     ts=at("2025-05-23 09:00:00"))


def _tasks(state, web, n8n):
    """Scheduled tasks (current Coolify): one with a history of runs, one never run."""
    cleanup = tasks.add_task(state, "application", web, "clear-cache", "php artisan cache:clear",
                             "0 3 * * *", uuid=tasks.task_uuid(web["uuid"], "clear-cache"))
    tasks.add_task(state, "service", n8n, "export-workflows", "n8n export:workflow --all",
                   "daily", uuid=tasks.task_uuid(n8n["uuid"], "export-workflows"))
    for n, (status, started, message) in enumerate((
            ("failed", "2025-05-26 03:00:00", "Cache store [redis] is not defined.\n"),
            ("success", "2025-05-27 03:00:00", "Application cache cleared successfully.\n"))):
        ts = at(started)
        state.table("task_executions").append({
            "id": state.seq("task_executions"),
            "uuid": tasks.task_uuid(cleanup["uuid"], "run%d" % n),
            "scheduled_task_id": cleanup["id"], "status": status, "message": message,
            "retry_count": 0, "duration": 1.4, "started_at": util.iso(ts),
            "finished_at": util.iso(ts + 1.4), "created_at": util.iso(ts),
            "updated_at": util.iso(ts + 1.4), "_created": ts})


# -- generated ----------------------------------------------------------------------------------

_BUILD_PACKS = ("nixpacks", "nixpacks", "dockerfile", "dockerimage", "static", "dockercompose")
_STATUSES = ("running:healthy", "running:unhealthy", "running:healthy", "exited",
             "running (healthy)")


def _proxy_labels(uuid, host, port):
    """The Traefik and Caddy labels Coolify writes for an application with
    one domain: each names the application's uuid and host, so generated
    objects differ as much as real ones do (a memory measurement on
    near-identical objects would flatter any compression)."""
    r = "traefik.http.routers."
    lines = ["traefik.enable=true", "traefik.http.middlewares.gzip.compress=true",
             "traefik.http.middlewares.redirect-to-https.redirectscheme.scheme=https"]
    for scheme in ("http", "https"):
        name = "%s-0-%s" % (scheme, uuid)
        lines += ["%s%s.entryPoints=%s" % (r, name, scheme),
                  "%s%s.middlewares=%s" % (r, name, "redirect-to-https" if scheme == "http" else "gzip"),
                  "%s%s.rule=Host(`%s`) && PathPrefix(`/`)" % (r, name, host),
                  "%s%s.service=%s" % (r, name, name),
                  "traefik.http.services.%s.loadbalancer.server.port=%d" % (name, port)]
    lines += ["%shttps-0-%s.tls.certresolver=letsencrypt" % (r, uuid),
              "%shttps-0-%s.tls=true" % (r, uuid),
              "caddy_0.encode=zstd gzip", "caddy_0.handle_path.0_reverse_proxy={{upstreams %d}}" % port,
              "caddy_0.handle_path=/*", "caddy_0.header=-Server",
              "caddy_0=https://%s" % host, "caddy_ingress_network=coolify"]
    return util.b64encode("\n".join(lines))


def generated(state, n_projects, n_apps, n_dbs, n_services):
    """P projects with a production environment each; resources spread round-robin."""
    _team_and_users(state)
    _servers(state)
    rng = state.rng
    base = at("2025-03-01 08:00:00")
    envs = []
    for p in range(max(1, n_projects)):
        project = new_project(state, 0, "project-%02d" % (p + 1), None, base + p * 3600)
        envs.append(new_environment(state, project, "production", base + p * 3600))
    for i in range(n_apps):
        env = envs[i % len(envs)]
        build_pack = _BUILD_PACKS[i % len(_BUILD_PACKS)]
        created = base + 86400 + i * 97
        uuid = state.new_uuid()
        port = rng.choice((80, 3000, 5000, 8000, 8080))
        host = "app-%03d.%s.example.com" % (i + 1, rng.choice(("eu", "us", "staging", "shop")))
        app = _app(state, i + 1, "app-%03d" % (i + 1), env, rng.choice(_STATUSES), created,
                   created + rng.randint(3600, 86400 * 60), dest=i % 2, uuid=uuid,
                   fqdn="https://" + host, git_repository="acme/app-%03d" % (i + 1),
                   git_branch=rng.choice(("main", "main", "release/%d.%d" % (i % 7, i % 11))),
                   git_commit_sha="%040x" % rng.getrandbits(160),
                   build_pack=build_pack, health_check_enabled=i % 3 == 0,
                   ports_exposes=str(port), custom_labels=_proxy_labels(uuid, host, port),
                   description="App %d of team %s, %s" % (i + 1, rng.choice(("web", "data", "ops")),
                                                          util.new_uuid(rng)[:8]))
        _envs(state, app, [("PORT", "3000", {}), ("NODE_ENV", "production", {"is_build_time": True}),
                           ("SECRET_%03d" % (i + 1), util.new_uuid(rng), {})], created + 60)
        if i % 4 == 0:
            _history(state, app, [(created + 120, "finished", "initial deploy")])
    for i in range(n_dbs):
        env = envs[i % len(envs)]
        db_type = DB_TYPES[i % len(DB_TYPES)]
        row = new_database(state, db_type, env["id"], i % 2, "%s-%03d" % (db_type, i + 1))
        row["status"] = rng.choice(("running:healthy", "running:healthy", "exited"))
        row["created_at"] = row["updated_at"] = util.iso_seconds(base + 7200 + i * 61)
    kinds = sorted(TEMPLATES)
    for i in range(n_services):
        env = envs[i % len(envs)]
        kind = kinds[i % len(kinds)]
        apps, dbs = TEMPLATES[kind]
        svc = new_service(state, env["id"], state.table("servers")[i % 2], None, kind,
                          "services:\n" + "".join("  %s:\n    image: '%s'\n" % s for s in apps + dbs),
                          [])
        add_subs(state, svc, state.table("servers")[i % 2], apps + dbs,
                 status=rng.choice(("running (healthy)", "exited")))
        new_env(state, SERVICE_MODEL, svc["id"], "SERVICE_FQDN_%s" % kind.upper().replace("-", "_"),
                "https://%s-%03d.example.com" % (kind, i + 1))
