#include "api/objects.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

static const char *const app_types[] = {
	"public",     "private-github-app", "private-deploy-key",
	"dockerfile", "dockerimage",        "dockercompose",
	NULL
};

static const char *const db_types[] = {
	"postgresql", "mysql",     "mariadb",    "mongodb", "redis",
	"keydb",      "dragonfly", "clickhouse", NULL,
};

/* /resources lists every resource; the databases' list is built with
 * it (NOTES §5.1). */
static const char *const stale_resources[] = { OBJ_ALL_RESOURCES,
					       OBJ_DB_MEMBERS, NULL };
static const char *const stale_none[] = { NULL };
/* GET /destinations lists every server's (relocate.c finds names there). */
static const char *const stale_destinations[] = { "/destinations", NULL };
/* A server's resources move with it. */
static const char *const stale_server[] = { OBJ_ALL_RESOURCES, OBJ_DB_MEMBERS,
					    "/applications",   "/databases",
					    "/services",       NULL };

/* NOTES §1.5: a key's secret is shown to root and read:sensitive tokens;
 * the mount never shows it (SPEC §2), so it is dropped on arrival. */
static const char *const key_secrets[] = { "private_key", NULL };
/* NOTES §13: the key update requires the private key every time. */
static const char *const keep_key[] = { "private_key", NULL };

/* A project's directory holds project.json and, on current Coolify, its
 * shared variables (tree/shared_envs.h) beside its environments. */
static const char *const envs_reserved[] = { "project.json", "envs", "envs.env",
					     NULL };

/* teams/current is the token's team (kind_coll.c). */
static const char *const teams_reserved[] = { "current", NULL };

/* A history of runs links its newest as latest (kind_coll.c). */
static const char *const runs_reserved[] = { "latest", NULL };

/* HetznerController, DigitalOceanController, VultrController
 * (createServer): POST /servers/TYPE makes the provider's machine and
 * its server (current Coolify only: the row's types_new). */
static const char *const server_types[] = { "hetzner", "digitalocean", "vultr",
					    NULL };

/* CloudProviderToken's $hidden: the provider's token is shown to root
 * and read:sensitive tokens (CloudProviderTokensController); the mount
 * never shows it (SPEC §6 secrets), so it is dropped on arrival. */
static const char *const cloud_token_secrets[] = { "token", NULL };

/* validateToken answers 200 either way, with valid false and the
 * provider's refusal as its message. */
static const struct obj_action cloud_token_actions[] = {
	{ .verb = "validate",
	  .method = "POST",
	  .suffix = "/validate",
	  .help = "check the token with the provider",
	  .ok_field = "valid" },
	{ NULL },
};

/* CloudInitScript's $hidden: the script is shown to root and
 * read:sensitive tokens only; the file is the script itself. */
static const struct obj_text init_script_texts[] = {
	{ .file = "script", .field = "script", .edit = true },
	{ NULL },
};

/* ScheduledTasksController: execute queues a run; no GET of one task. */
static const struct obj_action task_actions[] = {
	{ .verb = "run",
	  .method = "POST",
	  .suffix = "/execute",
	  .help = "run the task now" },
	{ NULL },
};

/* A run's message is what the command printed. */
static const struct obj_text run_texts[] = {
	{ "status", "status", false },
	{ "output", "message", false },
	{ NULL },
};

/* DatabasesController::update_backup: backup_now in a PATCH dispatches
 * a DatabaseBackupJob (there is no route of its own); delete_s3 on a
 * DELETE removes the backup files from S3 as well. */
static const struct obj_action backup_actions[] = {
	{ .verb = "now",
	  .method = "PATCH",
	  .suffix = "",
	  .help = "back up now",
	  .body = "{\"backup_now\":true}" },
	{ .verb = "delete s3",
	  .method = "DELETE",
	  .suffix = "?delete_s3=1",
	  .help = "delete, and the backup files in S3" },
	{ NULL },
};

static const struct obj_action backup_run_actions[] = {
	{ .verb = "delete s3",
	  .method = "DELETE",
	  .suffix = "?delete_s3=1",
	  .help = "delete, and the backup file in S3" },
	{ NULL },
};

/* isBackupSolutionAvailable(): redis, keydb and dragonfly have none
 * (create_backup answers 422). */
static const char *const backup_db_types[] = {
	"postgresql", "mysql", "mariadb", "mongodb", "clickhouse", NULL,
};

/* GET /databases/{uuid}/backups lists each schedule with all its
 * executions; the mount shows those in executions/. */
static const char *const backup_moved[] = { "executions", NULL };

/* A backup's message is the dump's output, or the error. */
static const struct obj_text backup_run_texts[] = {
	{ "status", "status", false },
	{ "log", "message", false },
	{ NULL },
};

/* ServiceApplicationsController, ServiceDatabasesController: each
 * container starts (a compose up of that service alone), stops and
 * restarts on its own. */
static const struct obj_action container_actions[] = {
	{ .verb = "start",
	  .method = "POST",
	  .suffix = "/start",
	  .help = "start (or redeploy) the container" },
	{ .verb = "stop",
	  .method = "POST",
	  .suffix = "/stop",
	  .help = "stop the container" },
	{ .verb = "restart",
	  .method = "POST",
	  .suffix = "/restart",
	  .help = "restart the container" },
	{ NULL },
};

/* NOTES §7.2: a container's status is the stored "running (healthy)". */
static const struct obj_text container_texts[] = {
	{ "status", "status", false },
	{ NULL },
};

/* A service's containers/ lists its databases with its applications. */
static const enum api_obj container_with[] = { OBJ_SVC_DB, OBJS };

/* UpdateServiceApplicationFromApi: the answer's fqdn is set by url. */
static const struct obj_rename container_renames[] = {
	{ "fqdn", "url" },
	{ NULL },
};

/* The service shows its containers (applications[], databases[]) and
 * its status is theirs (NOTES §7.2). */
static const char *const stale_service[] = { "/services", OBJ_ALL_RESOURCES,
					     NULL };

/* ApplicationsController::destinations lists the primary destination
 * too; the extra ones link to their server's destinations/. */
static const struct obj_link app_dest_link = { OBJ_DESTINATION,
					       "server_uuid", "is_primary" };
/* DestinationsController::index: every destination of the team's
 * servers, each naming its server; MOUNT/destinations/ links each to
 * servers/S/destinations/D (SPEC §6). */
static const struct obj_link all_dest_link = { OBJ_DESTINATION, "server_uuid",
					       NULL };

/* VolumeBackupsController: a storage's backup schedule is a route of
 * its own, PUT (backup.json, kind_coll.c) and DELETE, and runs on
 * demand; it has no GET. */
static const struct obj_action storage_actions[] = {
	{ .verb = "backup now",
	  .method = "POST",
	  .suffix = "/backups/run",
	  .help = "back the storage up now",
	  .current_only = true },
	{ .verb = "delete backup",
	  .method = "DELETE",
	  .suffix = "/backups",
	  .help = "delete its backup schedule and archives",
	  .current_only = true },
	{ NULL },
};

/* The storages' list is {"persistent_storages": [...], "file_storages":
 * [...]} (ApplicationsController::storages and its twins). */
static const struct objlist_group storage_groups[] = {
	{ "persistent_storages", "persistent" },
	{ "file_storages", "file" },
	{ NULL },
};

/* update_storage: PATCH of the collection, the storage named in the
 * body by its uuid and its type. */
static const char *const storage_ids[] = { "uuid", "type", NULL };

/* A server's settings are part of the server's GET (settings) and its
 * list's. */
static const char *const stale_servers[] = { "/servers", NULL };
/* An import makes a server, its projects and their resources. */
static const char *const stale_import[] = {
	"/servers",      "/projects", OBJ_ALL_RESOURCES, OBJ_DB_MEMBERS,
	"/applications", "/databases", "/services",      NULL,
};

/* ServerProxyController::saveConfiguration: the compose file, base64
 * (the API takes multi-line text so); GET proxy shows it as
 * configuration, to tokens with read:sensitive, once Coolify has stored
 * one. */
static const struct obj_put_text proxy_texts[] = {
	{ "configuration", "configuration", "/configuration", true },
	{ NULL, NULL, NULL, false },
};

/* ServerTransferController::migrate: target_url and target_token are
 * required; the other fields take their defaults. */
static const char *const migrate_args[] = { "target_url", "target_token",
					    NULL };

/* The server subsystem and transfer routes (ServerProxyController,
 * ServerDockerCleanupController, ServerCloudflareTunnelController,
 * ServerTransferController): POSTs without a body, which take their
 * defaults (a cleanup deletes unused volumes and networks as the
 * server's settings say). The transfer routes answer 404 outside a
 * development instance (abort_unless(isDev(), 404)). */
static const struct obj_action server_actions[] = {
	{ .verb = "proxy restart",
	  .method = "POST",
	  .suffix = "/proxy/restart",
	  .help = "restart the proxy",
	  .current_only = true },
	{ .verb = "cleanup now",
	  .method = "POST",
	  .suffix = "/docker-cleanup/run",
	  .help = "run a docker cleanup now",
	  .current_only = true },
	{ .verb = "tunnel enable",
	  .method = "POST",
	  .suffix = "/cloudflare-tunnel/enable",
	  .help = "mark the Cloudflare tunnel enabled",
	  .current_only = true },
	{ .verb = "tunnel disable",
	  .method = "POST",
	  .suffix = "/cloudflare-tunnel/disable",
	  .help = "mark it disabled (the IP goes back)",
	  .current_only = true },
	{ .verb = "migrate",
	  .method = "POST",
	  .suffix = "/migrate",
	  .help = "hand the server over to another instance",
	  .args = migrate_args,
	  .current_only = true },
	{ .verb = "claim",
	  .method = "POST",
	  .suffix = "/claim",
	  .help = "claim an imported server",
	  .current_only = true },
	{ .verb = "transfer complete",
	  .method = "POST",
	  .suffix = "/transfer/complete",
	  .help = "mark the server transferred",
	  .current_only = true },
	{ .verb = "export mailbox",
	  .method = "POST",
	  .suffix = "/export/mailbox",
	  .help = "write the export bundle onto the server",
	  .current_only = true },
	{ NULL },
};

/* A cleanup's message is what it printed. */
static const struct obj_text cleanup_run_texts[] = {
	{ .file = "status", .field = "status" },
	{ .file = "output", .field = "message" },
	{ NULL },
};

/* GithubController and GitlabController show these to tokens that may
 * read secrets, of the app's own team; a PATCH that empties one would
 * store null (update() sets what it is given). */
static const char *const github_no_blank[] = { "client_secret",
					       "webhook_secret", NULL };
static const char *const gitlab_no_blank[] = { "client_secret",
					       "webhook_token", NULL };
/* S3StoragesController: key and secret are shown to root and
 * read:sensitive tokens. */
static const char *const s3_no_blank[] = { "key", "secret", NULL };
/* GithubApp::booted(): a deleted app's private key goes with it when
 * nothing else uses it. */
static const char *const stale_keys[] = { "/security/keys", NULL };

/* S3StoragesController::validateStorage answers 200 either way:
 * {"valid":false,"message":"..."} when the bucket cannot be listed. */
static const struct obj_action s3_actions[] = {
	{ .verb = "validate",
	  .method = "POST",
	  .suffix = "/validate",
	  .help = "check the connection (ListObjectsV2); fails when it does "
		  "not work",
	  .ok_field = "valid" },
	{ NULL },
};

/* NotificationsController: each channel's settings are the token's
 * team's, made on first read; what the token may not read (webhook
 * URLs, tokens, SMTP credentials) is left out of the answer, not
 * masked. The PATCH refuses fields it does not know. */
#define NOTIF_ROW(chan)                                                \
	{                                                              \
		.name = chan " notification settings",                 \
		.under = "notifications",                              \
		.path = "/notifications/" chan,                        \
		.file = chan ".json",                                  \
		.verbs = OBJ_GET | OBJ_PATCH,                          \
		.current_only = true,                                  \
		.single = true,                                        \
		.quirks = "NotificationsController (secrets absent "   \
			  "without read:sensitive)",                   \
		.stale = stale_none,                                   \
	}

static const struct api_object rows[OBJS] = {
	[OBJ_PROJECT] = {
		.name = "project",
		.dir = "projects",
		.path = "/projects",
		.file = "project.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME,
		.quirks = "§3.4 (delete refused while it has resources)",
		.stale = stale_none,
	},
	[OBJ_ENV] = {
		.name = "environment",
		.path = "/environments",
		.owner = OWNER_PROJECT,
		.file = "environment.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME,
		.reserved = envs_reserved,
		.current_only = true,
		.quirks = "§17.7 (environment endpoints are new)",
		.stale = stale_none,
		.names_lower = true,
	},
	[OBJ_APP] = {
		.name = "application",
		.dir = "applications",
		.path = "/applications",
		.file = "application.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME | OBJ_MOVE,
		.quirks = "§4, §4.3 (queued delete)",
		.types = app_types,
		.fill = OBJ_FILL_PLACE | OBJ_FILL_SERVER,
		.stale = stale_resources,
		.delete_queued = true,
	},
	[OBJ_DB] = {
		.name = "database",
		.dir = "databases",
		.path = "/databases",
		.file = "database.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME | OBJ_MOVE,
		.quirks = "§5.1 (the list drops some types), §4.3",
		.types = db_types,
		.fill = OBJ_FILL_PLACE | OBJ_FILL_SERVER,
		.stale = stale_resources,
		.delete_queued = true,
	},
	[OBJ_SVC] = {
		.name = "service",
		.dir = "services",
		.path = "/services",
		.file = "service.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME | OBJ_MOVE,
		.quirks = "§6.3 (PATCH replaces the whole service), §4.3",
		.fill = OBJ_FILL_PLACE | OBJ_FILL_SERVER,
		.patch_whole = true,
		.stale = stale_resources,
		.delete_queued = true,
	},
	[OBJ_SERVER] = {
		.name = "server",
		.dir = "servers",
		.path = "/servers",
		.file = "server.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME,
		.top = true,
		.in_uuid = true,
		.actions = server_actions,
		.quirks = "§13, §17.1 (validate: GET in 2025, POST since)",
		.types = server_types,
		.types_new = true,
		.stale = stale_server,
	},
	[OBJ_KEY] = {
		.name = "private key",
		.dir = "keys",
		.path = "/security/keys",
		.file = "key.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME,
		.from_list = true,
		.secrets = key_secrets,
		.top = true,
		.in_uuid = true,
		.quirks = "§1.5 (private_key shown to some tokens), §13",
		.patch_keep = keep_key,
		.stale = stale_none,
	},
	[OBJ_TEAM] = {
		.name = "team",
		.dir = "teams",
		.path = "/teams",
		.file = "team.json",
		.id_field = "id",
		.verbs = OBJ_LIST | OBJ_GET,
		.from_list = true,
		.reserved = teams_reserved,
		.top = true,
		.quirks = "§13 (every team of the user), §17.12, §2.4",
		.stale = stale_none,
	},
	[OBJ_TAG] = {
		.name = "tag",
		.dir = "tags",
		.path = "/tags",
		.file = "tag.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE |
			 OBJ_RENAME,
		.from_list = true,
		.current_only = true,
		.top = true,
		.quirks = "§17 (new in current Coolify; no GET of one tag)",
		.stale = stale_none,
		.names_lower = true,
	},
	[OBJ_TASK] = {
		.name = "scheduled task",
		.dir = "tasks",
		.owner = OWNER_RESOURCE,
		.on = 1u << RES_APP | 1u << RES_SVC,
		.path = "/scheduled-tasks",
		.file = "task.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE,
		.from_list = true,
		.current_only = true,
		.actions = task_actions,
		.quirks = "ScheduledTasksController (no GET of one task)",
		.stale = stale_none,
	},
	[OBJ_TASK_RUN] = {
		.name = "task execution",
		.dir = "executions",
		.owner = OWNER_MEMBER,
		.parent = OBJ_TASK,
		.path = "/executions",
		.file = "execution.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST,
		.from_list = true,
		.reserved = runs_reserved,
		.current_only = true,
		.runs = true,
		.texts = run_texts,
		.quirks = "ScheduledTask::executions (newest first)",
		.stale = stale_none,
	},
	[OBJ_BACKUP] = {
		.name = "backup schedule",
		.dir = "backups",
		.owner = OWNER_RESOURCE,
		.on = 1u << RES_DB,
		.db_types = backup_db_types,
		.path = "/backups",
		.file = "backup.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE,
		.from_list = true,
		.moved = backup_moved,
		.current_only = true,
		.actions = backup_actions,
		.quirks = "DatabasesController (no GET of one schedule; "
			  "backup_now is a PATCH field)",
		.stale = stale_none,
	},
	[OBJ_BACKUP_RUN] = {
		.name = "backup execution",
		.dir = "executions",
		.owner = OWNER_MEMBER,
		.parent = OBJ_BACKUP,
		.path = "/executions",
		.list_key = "executions",
		.file = "execution.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_DELETE,
		.from_list = true,
		.reserved = runs_reserved,
		.current_only = true,
		.runs = true,
		.actions = backup_run_actions,
		.texts = backup_run_texts,
		.quirks = "list_backup_executions ({\"executions\":[...]}, "
			  "newest first)",
		.stale = stale_none,
	},
	[OBJ_SVC_APP] = {
		.name = "service application",
		.dir = "containers",
		.owner = OWNER_RESOURCE,
		.on = 1u << RES_SVC,
		.path = "/applications",
		.file = "container.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH,
		.ttl = OBJ_TTL_STATUS,
		.current_only = true,
		.actions = container_actions,
		.texts = container_texts,
		.with = container_with,
		.logs = true,
		.renames = container_renames,
		.quirks = "ServiceApplicationsController (PATCH takes url for fqdn)",
		.stale = stale_service,
	},
	[OBJ_SVC_DB] = {
		.name = "service database",
		.dir = "containers",
		/* Listed in OBJ_SVC_APP's containers/ (its with): no on. */
		.owner = OWNER_RESOURCE,
		.path = "/databases",
		.file = "container.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH,
		.ttl = OBJ_TTL_STATUS,
		.current_only = true,
		.actions = container_actions,
		.texts = container_texts,
		.logs = true,
		.quirks = "ServiceDatabasesController",
		.stale = stale_service,
	},
	[OBJ_DESTINATION] = {
		.name = "destination",
		.dir = "destinations",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/destinations",
		.member_path = "/destinations",
		.file = "destination.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE,
		/* The list's items are the GET's transform(). */
		.from_list = true,
		.current_only = true,
		.quirks = "DestinationsController (PATCH takes name only; "
			  "409 while resources use it)",
		.stale = stale_destinations,
	},
	[OBJ_APP_DEST] = {
		.name = "application destination",
		.dir = "destinations",
		.owner = OWNER_RESOURCE,
		.on = 1u << RES_APP,
		.path = "/destinations",
		.id_field = "uuid",
		.verbs = OBJ_LIST,
		.from_list = true,
		.current_only = true,
		.link = &app_dest_link,
		/* NOTES §2.3: the application's withCount scope. */
		.count_field = "additional_networks_count",
		.quirks = "ApplicationsController::destinations (primary "
			  "first)",
		.stale = stale_none,
	},
	[OBJ_ALL_DEST] = {
		.name = "destination",
		.dir = "destinations",
		.path = "/destinations",
		.id_field = "uuid",
		.verbs = OBJ_LIST,
		.from_list = true,
		.current_only = true,
		.top = true,
		.link = &all_dest_link,
		.quirks = "DestinationsController::index (each names its "
			  "server)",
		.stale = stale_none,
	},
	[OBJ_STORAGE] = {
		.name = "storage",
		.dir = "storages",
		.owner = OWNER_RESOURCE,
		.on = 1u << RES_APP | 1u << RES_DB | 1u << RES_SVC,
		.path = "/storages",
		.file = "storage.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE,
		.from_list = true,
		.current_only = true,
		.actions = storage_actions,
		.groups = storage_groups,
		.group_field = "type",
		.patch_ids = storage_ids,
		.quirks = "ApplicationsController::storages (two arrays; "
			  "PATCH on the list; no GET of one)",
		.stale = stale_none,
	},
	[OBJ_SRV_PROXY] = {
		.name = "server proxy",
		.dir = "proxy",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/proxy",
		.file = "proxy.json",
		.verbs = OBJ_GET | OBJ_PATCH,
		.current_only = true,
		.single = true,
		.put_texts = proxy_texts,
		.quirks = "ServerProxyController (configuration: base64 PUT)",
		.stale = stale_servers,
	},
	[OBJ_SRV_CLEANUP] = {
		.name = "docker cleanup settings",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/docker-cleanup",
		.file = "docker-cleanup.json",
		.verbs = OBJ_GET | OBJ_PATCH,
		.current_only = true,
		.single = true,
		.quirks = "ServerDockerCleanupController",
		.stale = stale_servers,
	},
	[OBJ_SRV_CLEANUP_RUN] = {
		.name = "docker cleanup execution",
		.dir = "executions",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/docker-cleanup/executions",
		.file = "execution.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST,
		.from_list = true,
		.reserved = runs_reserved,
		.current_only = true,
		.runs = true,
		.texts = cleanup_run_texts,
		.quirks = "ServerDockerCleanupController::executions (the 20 "
			  "newest, newest first)",
		.stale = stale_none,
	},
	[OBJ_SRV_SENTINEL] = {
		.name = "sentinel settings",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/sentinel",
		.file = "sentinel.json",
		.verbs = OBJ_GET | OBJ_PATCH,
		.current_only = true,
		.single = true,
		.quirks = "ServerSentinelController (token shown with "
			  "read:sensitive)",
		.stale = stale_servers,
	},
	[OBJ_SRV_LOG_DRAINS] = {
		.name = "log drain settings",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/log-drains",
		.file = "log-drains.json",
		.verbs = OBJ_GET | OBJ_PATCH,
		.current_only = true,
		.single = true,
		.quirks = "ServerLogDrainsController (keys shown with "
			  "read:sensitive)",
		.stale = stale_servers,
	},
	[OBJ_SRV_TUNNEL] = {
		.name = "cloudflare tunnel settings",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/cloudflare-tunnel",
		.file = "cloudflare-tunnel.json",
		.verbs = OBJ_GET | OBJ_PATCH,
		.current_only = true,
		.single = true,
		.quirks = "ServerCloudflareTunnelController (not on localhost)",
		.stale = stale_servers,
	},
	[OBJ_SRV_EXPORT] = {
		.name = "server export",
		.owner = OWNER_MEMBER,
		.parent = OBJ_SERVER,
		.path = "/export",
		.file = "export",
		.verbs = OBJ_GET,
		.current_only = true,
		.single = true,
		.costly = true,
		.quirks = "ServerTransferController::export (read:sensitive; "
			  "404 outside development)",
		.stale = stale_none,
	},
	[OBJ_SRV_IMPORT] = {
		.name = "server import",
		.path = "/servers/import",
		.file = "import.json",
		.verbs = OBJ_CREATE,
		.current_only = true,
		.quirks = "ServerTransferController::import (404 outside "
			  "development)",
		.stale = stale_import,
	},
	[OBJ_GH_APP] = {
		.name = "GitHub app",
		.dir = "github-apps",
		.path = "/github-apps",
		.file = "app.json",
		/* GithubController: {github_app_id} is the numeric id. */
		.id_field = "id",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE |
			 OBJ_RENAME,
		.from_list = true,
		.no_blank = github_no_blank,
		.current_only = true,
		.top = true,
		.quirks = "GithubController (numeric ids, no GET of one app; "
			  "the list holds system-wide apps of other teams)",
		.stale = stale_keys,
	},
	[OBJ_GH_REPO] = {
		.name = "GitHub repository",
		.dir = "repositories",
		.owner = OWNER_MEMBER,
		.parent = OBJ_GH_APP,
		.path = "/repositories",
		.list_key = "repositories",
		.file = "repository.json",
		/* load_branches takes {owner}/{repo}: full_name is both the
		 * id and the path that follows the app's. */
		.id_field = "full_name",
		.name_field = "full_name",
		.id_path = true,
		.unless = "is_public",
		.team_only = true,
		.verbs = OBJ_LIST,
		.from_list = true,
		.current_only = true,
		.quirks = "GithubController::load_repositories (GitHub's own "
			  "objects, {\"repositories\":[...]} sorted by name)",
		.stale = stale_none,
	},
	[OBJ_GL_APP] = {
		.name = "GitLab app",
		.dir = "gitlab-apps",
		.path = "/gitlab-apps",
		.file = "app.json",
		.id_field = "id",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE |
			 OBJ_RENAME,
		.from_list = true,
		.no_blank = gitlab_no_blank,
		.current_only = true,
		.top = true,
		.quirks = "GitlabController (numeric ids, no GET of one app)",
		.stale = stale_none,
	},
	[OBJ_S3] = {
		.name = "S3 storage",
		.dir = "s3",
		.path = "/s3-storages",
		.file = "s3.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_GET | OBJ_PATCH | OBJ_CREATE |
			 OBJ_DELETE | OBJ_RENAME,
		.no_blank = s3_no_blank,
		.current_only = true,
		.top = true,
		.actions = s3_actions,
		.quirks = "S3StoragesController (validate answers 200 with "
			  "valid false)",
		.stale = stale_none,
	},
	[OBJ_CLOUD_TOKEN] = {
		.name = "cloud provider token",
		.dir = "tokens",
		.under = "cloud",
		.path = "/cloud-tokens",
		.file = "token.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE |
			 OBJ_RENAME,
		/* The list is what GET /cloud-tokens/{uuid} gives of each,
		 * servers_count included: no request per token. */
		.from_list = true,
		.secrets = cloud_token_secrets,
		.current_only = true,
		.top = true,
		.actions = cloud_token_actions,
		.quirks = "CloudProviderTokensController (token hidden; "
			  "validate answers 200 with valid false)",
		.stale = stale_none,
	},
	[OBJ_INIT_SCRIPT] = {
		.name = "cloud-init script",
		.dir = "init-scripts",
		.under = "cloud",
		.path = "/cloud-init-scripts",
		.file = "init-script.json",
		.id_field = "uuid",
		.verbs = OBJ_LIST | OBJ_PATCH | OBJ_CREATE | OBJ_DELETE |
			 OBJ_RENAME,
		.from_list = true,
		.current_only = true,
		.top = true,
		.texts = init_script_texts,
		.quirks = "CloudInitScriptsController (script hidden without "
			  "read:sensitive)",
		.stale = stale_none,
	},
	[OBJ_DEPLOYMENT] = {
		.name = "deployment",
		.dir = "deployments",
		.path = "/deployments",
		/* NOTES §11: the only paged route; the list has only queued
		 * and running ones. */
		.history = "/deployments/applications",
		.file = "deployment.json",
		.id_field = "deployment_uuid",
		.verbs = OBJ_LIST | OBJ_GET,
		.ttl = OBJ_TTL_DEPLOY,
		.quirks = "§11 (only queued and running ones are listed)",
		.stale = stale_none,
	},
	[OBJ_NOTIF_EMAIL] = NOTIF_ROW("email"),
	[OBJ_NOTIF_DISCORD] = NOTIF_ROW("discord"),
	[OBJ_NOTIF_SLACK] = NOTIF_ROW("slack"),
	[OBJ_NOTIF_TELEGRAM] = NOTIF_ROW("telegram"),
	[OBJ_NOTIF_PUSHOVER] = NOTIF_ROW("pushover"),
	[OBJ_NOTIF_WEBHOOK] = NOTIF_ROW("webhook"),
	/* InstanceEmailSettingsController: root-team tokens only (403
	 * otherwise: the file is there, reading it is EACCES); the PATCH
	 * needs write:sensitive. Not in the OpenAPI file. */
	[OBJ_SETTINGS_EMAIL] = {
		.name = "instance email settings",
		.under = "settings",
		.path = "/settings/email",
		.file = "email.json",
		.verbs = OBJ_GET | OBJ_PATCH,
		.current_only = true,
		.single = true,
		.quirks = "InstanceEmailSettingsController (root team only)",
		.stale = stale_none,
	},
};

const struct api_object *obj_get(enum api_obj o)
{
	return &rows[o];
}

enum api_obj obj_of_kind(enum res_kind kind)
{
	static const enum api_obj of[RES_KINDS] = {
		[RES_APP] = OBJ_APP,
		[RES_DB] = OBJ_DB,
		[RES_SVC] = OBJ_SVC,
	};

	return of[kind];
}

const char *obj_kind_dir(enum res_kind kind)
{
	return rows[obj_of_kind(kind)].dir;
}

const char *obj_kind_file(enum res_kind kind)
{
	return rows[obj_of_kind(kind)].file;
}

const char *obj_kind_path(enum res_kind kind)
{
	return rows[obj_of_kind(kind)].path;
}

bool obj_supported(const struct api_object *o, bool current_api)
{
	return !o->current_only || current_api;
}

int obj_depth(const struct api_object *o)
{
	switch (o->owner) {
	case OWNER_RESOURCE:
		return 1;
	case OWNER_MEMBER:
		/* A single object is addressed by its owner's ids. */
		return (o->single ? 0 : 1) + obj_depth(&rows[o->parent]);
	default:
		return 0;
	}
}

bool obj_on_kind(const struct api_object *o, enum res_kind k)
{
	return o->owner == OWNER_RESOURCE && (o->on & 1u << k);
}

bool obj_on_resource(const struct api_object *o, enum res_kind k,
		     const char *db_type)
{
	const char *const *t;

	if (!obj_on_kind(o, k))
		return false;
	if (k != RES_DB || !o->db_types)
		return true;
	for (t = o->db_types; db_type && *t; t++)
		if (!strcmp(*t, db_type))
			return true;
	return false;
}

char *obj_list_path(const struct api_object *o, const char *owner)
{
	if (o->owner != OWNER_MOUNT && owner)
		return xasprintf("%s%s", owner, o->path);
	return xstrdup(o->path);
}

char *obj_member_path(const struct api_object *o, const char *owner,
		      const char *id)
{
	if (o->single)
		return obj_list_path(o, owner);
	if (o->member_path)
		return xasprintf("%s/%s", o->member_path, id);
	if (o->owner != OWNER_MOUNT && owner)
		return xasprintf("%s%s/%s", owner, o->path, id);
	return xasprintf("%s/%s", o->path, id);
}

enum api_obj obj_source(enum api_obj o, unsigned src)
{
	return src ? rows[o].with[src - 1] : o;
}

const char *obj_sent_name(const struct api_object *o, const char *shown)
{
	const struct obj_rename *r;

	for (r = o->renames; r && r->shown; r++)
		if (!strcmp(r->shown, shown))
			return r->sent;
	return shown;
}

const struct obj_action *obj_action_find(const struct api_object *o,
					 const char *line)
{
	const struct obj_action *a;

	for (a = o->actions; a && a->verb; a++)
		if (!strcmp(a->verb, line))
			return a;
	return NULL;
}
