"""Table rows: column order (which toArray() keeps) and column defaults.

A row is a dict whose keys are the table's columns in PostgreSQL order
(NOTES §3.2, §4.2, §5.2, §6.2, §10.1, §11.2, §13). Keys starting with "_" are
the fake's own bookkeeping and are never serialised.
"""

STANDALONE_DOCKER = "App\\Models\\StandaloneDocker"

# NOTES §5: the eight types, in the order Project::databases() merges them.
DB_TYPES = ("postgresql", "redis", "mongodb", "mysql", "mariadb", "keydb", "dragonfly", "clickhouse")

DB_MODELS = {
    "postgresql": "App\\Models\\StandalonePostgresql",
    "redis": "App\\Models\\StandaloneRedis",
    "mongodb": "App\\Models\\StandaloneMongodb",
    "mysql": "App\\Models\\StandaloneMysql",
    "mariadb": "App\\Models\\StandaloneMariadb",
    "keydb": "App\\Models\\StandaloneKeydb",
    "dragonfly": "App\\Models\\StandaloneDragonfly",
    "clickhouse": "App\\Models\\StandaloneClickhouse",
}

DB_IMAGES = {
    "postgresql": "postgres:16-alpine",
    "redis": "redis:7.2",
    "mongodb": "mongo:7",
    "mysql": "mysql:8",
    "mariadb": "mariadb:11",
    "keydb": "eqalpha/keydb:latest",
    "dragonfly": "docker.dragonflydb.io/dragonflydb/dragonfly",
    "clickhouse": "bitnami/clickhouse",
}

APPLICATION_MODEL = "App\\Models\\Application"
SERVICE_MODEL = "App\\Models\\Service"


def _row(columns, values):
    unknown = set(values) - set(columns) - {k for k in values if k.startswith("_")}
    if unknown:
        raise KeyError("unknown columns: %s" % sorted(unknown))
    row = {c: values.get(c) for c in columns}
    row.update({k: v for k, v in values.items() if k.startswith("_")})
    return row


PROJECT_COLUMNS = ("id", "uuid", "name", "description", "team_id", "created_at", "updated_at")

ENVIRONMENT_COLUMNS = ("id", "name", "project_id", "created_at", "updated_at", "description", "uuid")

APPLICATION_COLUMNS = (
    "id", "repository_project_id", "uuid", "name", "fqdn", "config_hash", "git_repository",
    "git_branch", "git_commit_sha", "git_full_url", "docker_registry_image_name",
    "docker_registry_image_tag", "build_pack", "static_image", "install_command", "build_command",
    "start_command", "ports_exposes", "ports_mappings", "base_directory", "publish_directory",
    "health_check_path", "health_check_port", "health_check_host", "health_check_method",
    "health_check_return_code", "health_check_scheme", "health_check_response_text",
    "health_check_interval", "health_check_timeout", "health_check_retries",
    "health_check_start_period", "health_check_enabled", "limits_memory", "limits_memory_swap",
    "limits_memory_swappiness", "limits_memory_reservation", "limits_cpus", "limits_cpuset",
    "limits_cpu_shares", "status", "preview_url_template", "destination_id", "destination_type",
    "source_id", "source_type", "private_key_id", "environment_id", "description", "dockerfile",
    "dockerfile_location", "custom_labels", "dockerfile_target_build", "manual_webhook_secret_github",
    "manual_webhook_secret_gitlab", "manual_webhook_secret_bitbucket", "manual_webhook_secret_gitea",
    "docker_compose_location", "docker_compose", "docker_compose_raw", "docker_compose_domains",
    "docker_compose_custom_start_command", "docker_compose_custom_build_command", "swarm_replicas",
    "swarm_placement_constraints", "custom_docker_run_options", "post_deployment_command",
    "post_deployment_command_container", "pre_deployment_command", "pre_deployment_command_container",
    "watch_paths", "custom_healthcheck_found", "redirect", "compose_parsing_version", "last_online_at",
    "custom_nginx_configuration", "custom_network_aliases", "is_http_basic_auth_enabled",
    "http_basic_auth_username", "http_basic_auth_password", "created_at", "updated_at", "deleted_at",
)

APPLICATION_DEFAULTS = {
    "git_commit_sha": "HEAD", "build_pack": "nixpacks", "static_image": "nginx:alpine",
    "ports_exposes": "3000", "base_directory": "/", "health_check_path": "/",
    "health_check_host": "localhost", "health_check_method": "GET", "health_check_return_code": 200,
    "health_check_scheme": "http", "health_check_interval": 5, "health_check_timeout": 5,
    "health_check_retries": 10, "health_check_start_period": 5, "health_check_enabled": False,
    "limits_memory": "0", "limits_memory_swap": "0", "limits_memory_swappiness": 60,
    "limits_memory_reservation": "0", "limits_cpus": "0", "limits_cpu_shares": 1024,
    "status": "exited", "preview_url_template": "{{pr_id}}.{{domain}}", "destination_id": 0,
    "destination_type": STANDALONE_DOCKER, "source_id": 0, "source_type": "App\\Models\\GithubApp",
    "dockerfile_location": "/Dockerfile", "docker_compose_location": "/docker-compose.yaml",
    "swarm_replicas": 1, "custom_healthcheck_found": False, "redirect": "both",
    "compose_parsing_version": "3", "is_http_basic_auth_enabled": False,
}


def application_row(**values):
    merged = dict(APPLICATION_DEFAULTS)
    merged.update(values)
    return _row(APPLICATION_COLUMNS, merged)


_DB_COMMON_HEAD = ("id", "uuid", "name", "description")
_DB_COMMON_TAIL = (
    "status", "image", "is_public", "public_port", "ports_mappings", "limits_memory",
    "limits_memory_swap", "limits_memory_swappiness", "limits_memory_reservation", "limits_cpus",
    "limits_cpuset", "limits_cpu_shares", "destination_type", "destination_id", "environment_id",
    "started_at", "last_online_at", "is_log_drain_enabled", "is_include_timestamps", "config_hash",
    "custom_docker_run_options", "enable_ssl", "created_at", "updated_at", "deleted_at",
)

DB_TYPE_COLUMNS = {
    "postgresql": ("postgres_user", "postgres_password", "postgres_db", "postgres_initdb_args",
                   "postgres_host_auth_method", "postgres_conf", "init_scripts", "ssl_mode"),
    "redis": ("redis_conf",),
    "mongodb": ("mongo_conf", "mongo_initdb_root_username", "mongo_initdb_root_password",
                "mongo_initdb_database", "ssl_mode"),
    "mysql": ("mysql_root_password", "mysql_user", "mysql_password", "mysql_database", "mysql_conf",
              "ssl_mode"),
    "mariadb": ("mariadb_root_password", "mariadb_user", "mariadb_password", "mariadb_database",
                "mariadb_conf"),
    "keydb": ("keydb_password", "keydb_conf"),
    "dragonfly": ("dragonfly_password",),
    "clickhouse": ("clickhouse_admin_user", "clickhouse_admin_password"),
}

DB_DEFAULTS = {
    "status": "exited", "is_public": False, "limits_memory": "0", "limits_memory_swap": "0",
    "limits_memory_swappiness": 60, "limits_memory_reservation": "0", "limits_cpus": "0",
    "limits_cpu_shares": 1024, "destination_type": STANDALONE_DOCKER, "destination_id": 0,
    "is_log_drain_enabled": False, "is_include_timestamps": False, "enable_ssl": False,
}

DB_TYPE_DEFAULTS = {
    "postgresql": {"postgres_user": "postgres", "postgres_db": "postgres", "ssl_mode": "require"},
    "mongodb": {"mongo_initdb_root_username": "root", "mongo_initdb_database": "default",
                "ssl_mode": "require"},
    "mysql": {"mysql_user": "mysql", "mysql_database": "default", "ssl_mode": "REQUIRED"},
    "mariadb": {"mariadb_user": "mariadb", "mariadb_database": "default"},
    "clickhouse": {"clickhouse_admin_user": "default"},
}


def database_columns(db_type):
    return _DB_COMMON_HEAD + DB_TYPE_COLUMNS[db_type] + _DB_COMMON_TAIL


def database_row(db_type, **values):
    merged = dict(DB_DEFAULTS)
    merged.update(DB_TYPE_DEFAULTS.get(db_type, {}))
    merged.setdefault("image", DB_IMAGES[db_type])
    merged.update(values)
    merged["_type"] = db_type
    return _row(database_columns(db_type), merged)


SERVICE_COLUMNS = (
    "id", "uuid", "name", "environment_id", "server_id", "description", "docker_compose_raw",
    "docker_compose", "destination_id", "destination_type", "connect_to_docker_network",
    "config_hash", "service_type", "is_container_label_escape_enabled", "compose_parsing_version",
    "created_at", "updated_at", "deleted_at",
)

SERVICE_DEFAULTS = {
    "server_id": 0, "destination_id": 0, "destination_type": STANDALONE_DOCKER,
    "connect_to_docker_network": False, "is_container_label_escape_enabled": True,
    "compose_parsing_version": "4",
}


def service_row(**values):
    merged = dict(SERVICE_DEFAULTS)
    merged.update(values)
    return _row(SERVICE_COLUMNS, merged)


SERVICE_APPLICATION_COLUMNS = (
    "id", "uuid", "name", "human_name", "description", "fqdn", "ports", "exposes", "status",
    "service_id", "exclude_from_status", "required_fqdn", "image", "is_log_drain_enabled",
    "is_include_timestamps", "is_gzip_enabled", "is_stripprefix_enabled", "last_online_at",
    "is_migrated", "created_at", "updated_at", "deleted_at",
)

SERVICE_DATABASE_COLUMNS = (
    "id", "uuid", "name", "human_name", "description", "ports", "exposes", "status", "service_id",
    "exclude_from_status", "image", "public_port", "is_public", "is_log_drain_enabled",
    "is_include_timestamps", "is_gzip_enabled", "is_stripprefix_enabled", "last_online_at",
    "is_migrated", "custom_type", "created_at", "updated_at", "deleted_at",
)

_SUB_DEFAULTS = {
    "status": "exited", "exclude_from_status": False, "required_fqdn": False,
    "is_log_drain_enabled": False, "is_include_timestamps": False, "is_gzip_enabled": True,
    "is_stripprefix_enabled": True, "is_migrated": False, "is_public": False,
}


def service_application_row(**values):
    merged = {k: v for k, v in _SUB_DEFAULTS.items() if k in SERVICE_APPLICATION_COLUMNS}
    merged.update(values)
    return _row(SERVICE_APPLICATION_COLUMNS, merged)


def service_database_row(**values):
    merged = {k: v for k, v in _SUB_DEFAULTS.items() if k in SERVICE_DATABASE_COLUMNS}
    merged.update(values)
    return _row(SERVICE_DATABASE_COLUMNS, merged)


# NOTES §10.1 (seed); §17.4 renames is_build_time to is_buildtime + is_runtime.
ENV_COLUMNS = (
    "id", "uuid", "key", "value", "is_build_time", "is_buildtime", "is_runtime", "is_preview",
    "is_shown_once", "is_multiline", "is_literal", "is_required", "order", "version", "comment",
    "is_buildpack_control", "is_coolify", "resourceable_type", "resourceable_id", "created_at",
    "updated_at",
)


def env_row(**values):
    merged = {"value": "", "is_build_time": False, "is_buildtime": False, "is_runtime": True,
              "is_preview": False, "is_shown_once": False, "is_multiline": False,
              "is_literal": False, "is_required": False, "is_buildpack_control": False,
              "is_coolify": False}
    merged.update(values)
    return _row(ENV_COLUMNS, merged)


DEPLOYMENT_COLUMNS = (
    "id", "application_id", "deployment_uuid", "pull_request_id", "force_rebuild", "commit",
    "status", "is_webhook", "created_at", "updated_at", "logs", "current_process_id",
    "restart_only", "git_type", "server_id", "application_name", "server_name", "deployment_url",
    "destination_id", "only_this_server", "rollback", "commit_message", "horizon_job_id",
    "horizon_job_worker", "finished_at", "build_server_id", "is_api",
)


def deployment_row(**values):
    merged = {"pull_request_id": 0, "force_rebuild": False, "commit": "HEAD", "status": "queued",
              "is_webhook": False, "logs": None, "restart_only": False, "server_id": 0,
              "destination_id": "0", "only_this_server": False, "rollback": False,
              "is_api": False}
    merged.update(values)
    return _row(DEPLOYMENT_COLUMNS, merged)


SERVER_COLUMNS = (
    "id", "uuid", "name", "description", "ip", "port", "user", "team_id", "private_key_id",
    "proxy", "created_at", "updated_at", "unreachable_notification_sent", "unreachable_count",
    "high_disk_usage_notification_sent", "log_drain_notification_sent", "swarm_cluster",
    "validation_logs", "sentinel_updated_at", "deleted_at", "ip_previous",
)


def server_row(**values):
    merged = {"port": 22, "user": "root", "team_id": 0, "unreachable_notification_sent": False,
              "unreachable_count": 0, "high_disk_usage_notification_sent": False,
              "log_drain_notification_sent": False}
    merged.update(values)
    return _row(SERVER_COLUMNS, merged)


SERVER_SETTING_COLUMNS = (
    "id", "is_swarm_manager", "is_jump_server", "is_build_server", "is_reachable", "is_usable",
    "server_id", "created_at", "updated_at", "wildcard_domain", "is_cloudflare_tunnel",
    "is_logdrain_newrelic_enabled", "logdrain_newrelic_license_key", "logdrain_newrelic_base_uri",
    "is_logdrain_highlight_enabled", "logdrain_highlight_project_id", "is_logdrain_axiom_enabled",
    "logdrain_axiom_dataset_name", "logdrain_axiom_api_key", "is_swarm_worker",
    "is_logdrain_custom_enabled", "logdrain_custom_config", "logdrain_custom_config_parser",
    "concurrent_builds", "dynamic_timeout", "force_disabled", "is_metrics_enabled",
    "generate_exact_labels", "force_docker_cleanup", "docker_cleanup_frequency",
    "docker_cleanup_threshold", "server_timezone", "delete_unused_volumes",
    "delete_unused_networks", "is_sentinel_enabled", "sentinel_token",
    "sentinel_metrics_refresh_rate_seconds", "sentinel_metrics_history_days",
    "sentinel_push_interval_seconds", "sentinel_custom_url", "server_disk_usage_notification_threshold",
)


def server_setting_row(**values):
    merged = {"is_swarm_manager": False, "is_jump_server": False, "is_build_server": False,
              "is_reachable": True, "is_usable": True, "is_cloudflare_tunnel": False,
              "is_logdrain_newrelic_enabled": False, "is_logdrain_highlight_enabled": False,
              "is_logdrain_axiom_enabled": False, "is_swarm_worker": False,
              "is_logdrain_custom_enabled": False, "concurrent_builds": 2, "dynamic_timeout": 3600,
              "force_disabled": False, "is_metrics_enabled": False, "generate_exact_labels": False,
              "force_docker_cleanup": True, "docker_cleanup_frequency": "0 0 * * *",
              "docker_cleanup_threshold": 80, "server_timezone": "UTC",
              "delete_unused_volumes": False, "delete_unused_networks": False,
              "is_sentinel_enabled": True, "sentinel_metrics_refresh_rate_seconds": 10,
              "sentinel_metrics_history_days": 7, "sentinel_push_interval_seconds": 60,
              "server_disk_usage_notification_threshold": 80}
    merged.update(values)
    return _row(SERVER_SETTING_COLUMNS, merged)


DESTINATION_COLUMNS = ("id", "name", "uuid", "network", "server_id", "created_at", "updated_at")

KEY_COLUMNS = ("id", "uuid", "name", "description", "private_key", "is_git_related", "team_id",
               "created_at", "updated_at", "fingerprint")

TEAM_COLUMNS = ("id", "name", "description", "personal_team", "created_at", "updated_at",
                "show_boarding", "custom_server_limit", "smtp_enabled", "smtp_from_address",
                "smtp_from_name", "smtp_recipients", "smtp_host", "smtp_port", "smtp_encryption",
                "smtp_username", "smtp_password", "smtp_timeout", "resend_enabled",
                "resend_api_key", "use_instance_email_settings", "telegram_enabled",
                "telegram_token", "telegram_chat_id")

USER_COLUMNS = ("id", "name", "email", "email_verified_at", "password", "remember_token",
                "created_at", "updated_at", "two_factor_secret", "two_factor_recovery_codes",
                "two_factor_confirmed_at", "force_password_reset", "marketing_emails")


def simple_row(columns, **values):
    return _row(columns, values)
