/* The API's objects, described once (STYLE: "tables that describe
 * things once"; SPEC §2, §6).
 *
 * One row per kind of object the mount shows: where the API lists it and
 * where one member is, the directory and the file the mount shows it as,
 * which verbs the API has for it, what its cache key is and how long an
 * answer is reused, which of its fields are secrets, which entry names
 * its directory keeps for something else, and the quirks that touch it,
 * named with their api/NOTES.md section. The store (store.h), the
 * changes (crud.h), the actions (inst_actions.h), the prefetcher and the
 * node kinds read the row instead of spelling paths and names again, so
 * a new collection of plain objects is one row here (plus its fake routes
 * and tests).
 *
 * Pure and immutable: any thread may read the table. */
#ifndef CFS_OBJECTS_H
#define CFS_OBJECTS_H

#include <stdbool.h>

#include "model/model.h"
#include "model/objlist.h"

enum api_obj {
	OBJ_PROJECT,
	OBJ_ENV, /* current Coolify only (NOTES §17.7) */
	OBJ_APP,
	OBJ_DB,
	OBJ_SVC,
	OBJ_SERVER,
	OBJ_KEY,
	OBJ_TEAM,
	OBJ_DEPLOYMENT,
	OBJ_TAG, /* current Coolify only (NOTES §17) */
	OBJ_TASK,     /* scheduled tasks of applications and services */
	OBJ_TASK_RUN, /* a scheduled task's executions */
	OBJ_BACKUP,     /* backup schedules of databases */
	OBJ_BACKUP_RUN, /* a backup schedule's executions */
	OBJ_SVC_APP,  /* a service's applications (its containers/) */
	OBJ_SVC_DB,   /* a service's databases (in the same containers/) */
	OBJ_DESTINATION, /* a server's destinations (docker networks) */
	OBJ_APP_DEST,    /* an application's extra destinations: links */
	OBJ_ALL_DEST,    /* MOUNT/destinations/: a link to each server's */
	OBJ_STORAGE,  /* volumes and file mounts of a resource */
	/* A server's settings, each a single object (current Coolify): */
	OBJ_SRV_PROXY,       /* proxy.json, proxy/configuration */
	OBJ_SRV_CLEANUP,     /* docker-cleanup.json */
	OBJ_SRV_CLEANUP_RUN, /* executions/: docker cleanup runs */
	OBJ_SRV_SENTINEL,    /* sentinel.json */
	OBJ_SRV_LOG_DRAINS,  /* log-drains.json */
	OBJ_SRV_TUNNEL,      /* cloudflare-tunnel.json */
	OBJ_SRV_EXPORT,      /* export: the transfer bundle (read-only) */
	OBJ_SRV_IMPORT,      /* servers/import.json: POST /servers/import */
	OBJ_GH_APP,   /* GitHub apps: sources of applications */
	OBJ_GH_REPO,  /* the repositories a GitHub app is installed on */
	OBJ_GL_APP,   /* GitLab apps */
	OBJ_S3,       /* S3 storages: where backups go */
	OBJ_CLOUD_TOKEN, /* cloud provider tokens (cloud/tokens/) */
	OBJ_INIT_SCRIPT, /* cloud-init scripts (cloud/init-scripts/) */
	/* The mount's single objects (current Coolify), grouped at the top:
	 * the token's team's notification channels (notifications/), and
	 * the instance's mail settings (settings/email.json). */
	OBJ_NOTIF_EMAIL,
	OBJ_NOTIF_DISCORD,
	OBJ_NOTIF_SLACK,
	OBJ_NOTIF_TELEGRAM,
	OBJ_NOTIF_PUSHOVER,
	OBJ_NOTIF_WEBHOOK,
	OBJ_SETTINGS_EMAIL,
	OBJS
};

/* Where a row's collection is, and so what its PATH follows. */
enum obj_owner {
	OWNER_MOUNT = 0, /* PATH alone: /servers */
	OWNER_PROJECT,   /* /projects/{uuid} PATH: environments */
	/* A resource's own path: /applications/{uuid} PATH. The row's on
	 * says of which kinds; its dir is the entry in their directory. */
	OWNER_RESOURCE,
	/* A member of row parent: /applications/{uuid}/scheduled-tasks/
	 * {id} PATH (a task's executions). The row's dir is the entry in
	 * that member's directory. */
	OWNER_MEMBER,
};

/* A field of a single object (single below) shown as a text file of its
 * own and saved whole: PUT OWNER PATH SUFFIX {"FIELD": the text} (a
 * server's proxy/configuration). */
struct obj_put_text {
	const char *file;   /* "configuration" */
	const char *field;  /* "configuration" */
	const char *suffix; /* "/configuration" */
	/* The text is sent base64-encoded, as the API wants multi-line
	 * text (and then never mistakes a text for base64). */
	bool base64;
};

/* A verb of a member's ctl that the API has as a route of its own
 * (SPEC §6: "an action → a verb of the nearest ctl"). */
struct obj_action {
	const char *verb;   /* what is written: "run", "backup now" */
	const char *method; /* "POST", "DELETE", "PATCH" */
	/* Follows the member's path: "/execute", or a query for a DELETE
	 * with the API's option ("?delete_s3=1"). */
	const char *suffix;
	const char *help; /* for cat ctl */
	/* The JSON body sent, or NULL for none: an action the API has as
	 * a field of the member's PATCH ({"backup_now":true}). */
	const char *body;
	/* Words the verb takes after its own, in order, each sent as the
	 * string of the body's field of that name (every one required):
	 * "migrate URL TOKEN" -> {"target_url":URL,"target_token":TOKEN}.
	 * NULL-terminated, or NULL for none. */
	const char *const *args;
	/* Only current Coolify has the route, on a row both APIs have:
	 * the 2025 API's ctl neither lists nor takes it (NOTES §17). */
	bool current_only;
	/* A boolean of the answer that says whether the action worked, for
	 * an API that answers 200 either way (a cloud token's or an S3
	 * storage's validate: {"valid":false,"message":...}): false fails
	 * the write with EIO (the thing checked does not work; nothing the
	 * user wrote is wrong) and logs the answer's message. What the
	 * check changed (is_usable) is stale either way. NULL: the status
	 * says. */
	const char *ok_field;
};

/* What the API can do with an object: a row's verbs. */
enum {
	OBJ_LIST = 1 << 0,   /* GET PATH */
	OBJ_GET = 1 << 1,    /* GET PATH/ID */
	OBJ_PATCH = 1 << 2,  /* PATCH PATH/ID */
	OBJ_CREATE = 1 << 3, /* POST PATH (or PATH/TYPE, see types) */
	OBJ_DELETE = 1 << 4, /* DELETE PATH/ID */
	/* PATCH PATH/ID {"name": ...}: mv renames a member in its
	 * directory (SPEC §6). */
	OBJ_RENAME = 1 << 5,
	/* POST PATH/ID/move {"environment_uuid": ...}: mv moves a resource
	 * to another environment. Current Coolify only (NOTES §17.11). */
	OBJ_MOVE = 1 << 6,
};

/* What a create body takes from the place it is made in (crud.h). */
enum {
	OBJ_FILL_PLACE = 1 << 0,  /* project_uuid, environment_uuid|_name */
	OBJ_FILL_SERVER = 1 << 1, /* server_uuid: the instance's only server */
};

/* How long an answer about the object may be reused. */
enum obj_ttl {
	OBJ_TTL_CACHE,  /* cache_ttl */
	OBJ_TTL_DEPLOY, /* deployments.h's: short while one runs */
	/* store_status_ttl: a list whose members' status follows actions
	 * (a service's containers), reused a few seconds at most. */
	OBJ_TTL_STATUS,
};

/* The cache key of GET /resources (every resource, NOTES §5.1): what
 * resources.json shows and what the database list is completed from. */
#define OBJ_ALL_RESOURCES "/resources"
/* The databases of GET /resources, cached apart (store.c). A change that
 * makes OBJ_ALL_RESOURCES stale makes it stale too. */
#define OBJ_DB_MEMBERS "/resources#databases"

/* A member's string field shown as a text file of its own: the file
 * is the field plus a newline, or empty when the member lacks it. */
struct obj_text {
	const char *file;  /* "status" */
	const char *field; /* "status" */
	/* The file is the field's text, editable: a save sends a PATCH of
	 * the field alone, as written (a cloud-init script). A member that
	 * lacks the field hides it from the token (SPEC §6 secrets): then
	 * the file cannot be opened (EACCES), never reads as empty, and is
	 * never written back. */
	bool edit;
};

/* A field a member shows under one name and a PATCH takes under another
 * (SPEC §6: container.json shows fqdn, the PATCH takes url). */
struct obj_rename {
	const char *shown; /* "fqdn" */
	const char *sent;  /* "url" */
};

/* A collection whose members are symlinks to members of another row
 * (an application's extra destinations, each a link to
 * servers/S/destinations/D): the item's id is the target's id. */
struct obj_link {
	/* The row the links point into: a collection of a member of the
	 * mount's collections (OWNER_MEMBER of an OWNER_MOUNT row). */
	enum api_obj to;
	/* The item's field that holds the id of that owner ("server_uuid"). */
	const char *owner_field;
	/* A boolean field: items where it is true are not shown (the
	 * primary destination, which the resource's JSON already names);
	 * NULL for none. */
	const char *hide_field;
};

struct api_object {
	const char *name; /* "application", "private key": for log lines */
	/* The entry of the mount that holds the collection ("servers",
	 * "keys"), or of an environment ("applications"); NULL when the
	 * mount has no directory of its own for it. */
	const char *dir;
	/* The API's list, and the prefix of one member's path (PATH/ID).
	 * It follows the owner's path (owner below). */
	const char *path;
	/* Where one member is when that is not below its owner (PATH/ID
	 * after the owner's path): a destination is listed at
	 * /servers/{uuid}/destinations but read, changed and deleted at
	 * /destinations/{uuid}. NULL: below the owner. */
	const char *member_path;
	enum obj_owner owner;
	unsigned on;           /* OWNER_RESOURCE: 1 << RES_APP | ... */
	/* OWNER_RESOURCE on databases: only those of these types have the
	 * collection (backups: the types the API can back up). NULL-
	 * terminated; NULL for every type. */
	const char *const *db_types;
	enum api_obj parent;   /* OWNER_MEMBER: the owning member's row */
	/* PATH/{uuid} of an owner's members, newest first, paged with skip
	 * and take: an application's deployments. NULL: none. */
	const char *history;
	const char *file;     /* the member's JSON file: "server.json" */
	const char *id_field; /* "uuid", or "id" (teams) */
	/* The field that names a member's directory; NULL: "name". */
	const char *name_field;
	/* The id is an API path of its own segments, '/' included: a
	 * GitHub repository's OWNER/REPO (GithubController::load_branches
	 * takes them as two segments). Each segment is checked as an id
	 * (objlist.h). */
	bool id_path;
	/* OWNER_MEMBER: a boolean field of the owning member that, true,
	 * means it has no such collection (a public GitHub app is not
	 * installed anywhere: it has no repositories). NULL: all have it. */
	const char *unless;
	/* OWNER_MEMBER: only the owning members of the token's team hold
	 * the collection (GithubController lists other teams' system-wide
	 * apps, and answers 404 for their repositories). */
	bool team_only;
	unsigned verbs;       /* OBJ_LIST | OBJ_GET ... */
	enum obj_ttl ttl;
	/* NAME.json is the member as its collection's list gives it: no
	 * request per member (keys, teams, tags). Else GET PATH/ID. */
	bool from_list;
	/* Fields never kept nor shown, whatever the token may read (SPEC
	 * §2): NULL-terminated, or NULL. */
	const char *const *secrets;
	/* Secrets the mount shows as the API shows them to the token (a
	 * GitHub app's client_secret, an S3 storage's secret; SPEC §6) and
	 * that a save may change but never empties: a save that sets one
	 * to "", blanks or null is refused, nothing sent (the API would
	 * store the empty value, or null, and lose the secret).
	 * NULL-terminated, or NULL. */
	const char *const *no_blank;
	/* Fields the list gives that the mount shows as a collection of
	 * their own (a backup schedule's executions, in executions/): left
	 * out of the member's file, so that a save never sends them back.
	 * NULL-terminated, or NULL. */
	const char *const *moved;
	/* The field of the list's answer that holds the list, for an API
	 * that wraps it ({"executions":[...]}); NULL: the answer is it. */
	const char *list_key;
	/* Entry names the collection's directory keeps for something else:
	 * a member of that name is shown as NAME@ID. NULL-terminated, or
	 * NULL. */
	const char *const *reserved;
	bool current_only;  /* absent on the 2025 API (NOTES §17) */
	/* MOUNT/DIR/ is the collection, served by kind_coll (kind_inst.h):
	 * a directory per member with FILE, a ctl when it can be deleted,
	 * and new.json when one can be created. */
	bool top;
	/* With top: the collection is MOUNT/UNDER/DIR instead of MOUNT/DIR
	 * (cloud/tokens, cloud/init-scripts). MOUNT/UNDER/ is a directory
	 * of the top rows that name it, listed when the instance has one
	 * of them (kind_group.c), with what the group adds of its own (the
	 * providers' catalogues in cloud/). NULL: at the top. A single
	 * row of the mount (OWNER_MOUNT, single) with under is its FILE in
	 * that group, the same way: MOUNT/notifications/discord.json. */
	const char *under;
	bool in_uuid; /* MOUNT/uuid/ID links to each member */
	/* A history of runs (SPEC §6): members listed newest first, and
	 * DIR/latest links to the newest. */
	bool runs;
	/* Verbs of a member's ctl besides delete: NULL-terminated (verb
	 * NULL), or NULL. */
	const struct obj_action *actions;
	/* Fields of a member shown as text files of their own (status,
	 * output): file NULL ends them; NULL for none. */
	const struct obj_text *texts;
	/* Other rows whose members the collection's directory lists with
	 * its own, named together (twins across rows are NAME@ID): a
	 * service's containers/ holds its applications and its databases.
	 * Each member keeps its own row (its paths, file, verbs). Those
	 * rows have no on of their own: the directory is this row's.
	 * OBJS ends it; NULL for none. */
	const enum api_obj *with;
	/* PATH/ID/logs is the member's container log: a logs file,
	 * followed like a resource's (SPEC §3.2). */
	bool logs;
	/* Fields a PATCH sends under another name: shown NULL ends them;
	 * NULL for none. */
	const struct obj_rename *renames;
	/* Members shown as symlinks into another collection (NULL: as
	 * directories): see struct obj_link. */
	const struct obj_link *link;
	/* OWNER_RESOURCE: the resource's own field that counts the members
	 * ("additional_networks_count"). Where the resource's JSON says 0,
	 * the collection is empty without a request of its own: a walk of
	 * many resources costs no list per resource for it (SPEC §4).
	 * NULL: always asked. */
	const char *count_field;
	/* NULL: the list is one array. Else it is an object of these
	 * arrays (objlist.h), one per kind of member, and each member's
	 * group_field says which it came from (a storage's "type":
	 * "persistent" or "file", the word its PATCH takes). */
	const struct objlist_group *groups;
	const char *group_field;
	/* One object at OWNER PATH, with no id and no list of its own
	 * (GET and PATCH OWNER PATH: a server's /proxy, /sentinel): shown
	 * as FILE in the owner's directory, saved as every NAME.json (a
	 * PATCH of what changed). Its put_texts, when it has any, are in
	 * DIR/ beside it. Its depth is its owner's: the ids that address
	 * it are the owner's (obj_member_path ignores the id). The mount's
	 * (OWNER_MOUNT: GET and PATCH PATH, /notifications/discord) have
	 * no owner and no id at all, and are in the group UNDER names. A
	 * 403 to its GET leaves the file listed, with size 0: reading it is
	 * EACCES, with the API's message in the log (the API alone says
	 * who may read it). */
	bool single;
	/* single: fields shown in DIR/ as text files saved with a PUT;
	 * file NULL ends them; NULL for none. */
	const struct obj_put_text *put_texts;
	/* Its GET costs much or acts (a server's export: made anew, and
	 * audit-logged, at each request): a stat never asks, and shows
	 * the size of the answer last fetched, or 0; a read asks. */
	bool costly;
	const char *quirks; /* the NOTES sections that touch it */

	/* For crud.h: when not NULL, a create's "type" must be one of these
	 * and is the last part of the create path (and is not sent). */
	const char *const *types;
	/* With types: the types are endpoints current Coolify added to a
	 * kind that had one before (servers: /servers/hetzner beside
	 * /servers). A create without "type" is PATH's; the 2025 API has
	 * none of the types, so there every create is PATH's, its body as
	 * written (as before the types were added). */
	bool types_new;
	unsigned fill; /* OBJ_FILL_PLACE | OBJ_FILL_SERVER */
	/* NOTES §6.3: the PATCH is a full replace, so what it needs is
	 * taken from the object as it was. */
	bool patch_whole;
	/* Fields every PATCH must carry, taken from a fresh GET when the
	 * change lacks them (never cached: they may be secrets). */
	const char *const *patch_keep;
	/* NULL: a member is patched at PATH/ID. Else the PATCH goes to the
	 * collection's path with these fields of the member as the file
	 * showed them in the body, to say which one it is (a storage's
	 * uuid and type); a save that changes one of them is refused and
	 * sends nothing. NULL-terminated. */
	const char *const *patch_ids;
	/* Cached answers a change makes stale, besides the list, the member
	 * and everything under it. NULL-terminated, never NULL. */
	const char *const *stale;
	/* NOTES §4.3: a delete runs in a queued job, and the lists show
	 * the member until it has run. */
	bool delete_queued;
	/* NOTES §3.2 (environments), TagsController (tags): the API
	 * lower-cases and trims the names it is given, so a rename to a
	 * name it would change is refused (the entry would not be the one
	 * the next listing shows). */
	bool names_lower;
};

/* The row of o. */
const struct api_object *obj_get(enum api_obj o);
/* The object of a resource kind. */
enum api_obj obj_of_kind(enum res_kind kind);

/* The directory ("applications"...) and JSON file ("application.json"...)
 * names of a resource kind: its row's dir and file. */
const char *obj_kind_dir(enum res_kind kind);
const char *obj_kind_file(enum res_kind kind);
/* The API path of a resource kind's list ("/applications"), the prefix
 * of its members' paths. */
const char *obj_kind_path(enum res_kind kind);

/* How many members' ids address a member of o: 0 for the mount's and a
 * project's collections (PATH/ID), 1 for a resource's (the resource's
 * and the member's), 2 for a member's (a task's executions). */
int obj_depth(const struct api_object *o);
/* Whether row o is a collection in a resource directory of kind k. */
bool obj_on_kind(const struct api_object *o, enum res_kind k);
/* The same for one resource: of kind k and, for a database, of type
 * db_type ("postgresql"; NULL when unknown), which the row's db_types
 * may leave out. */
bool obj_on_resource(const struct api_object *o, enum res_kind k,
		     const char *db_type);

/* Whether an instance (current_api: current Coolify, NOTES §17) has the
 * object's routes at all. */
bool obj_supported(const struct api_object *o, bool current_api);

/* The API path of o's list, which is also its cache key: a new string
 * (caller frees). owner is the API path of the object the collection
 * belongs to ("/projects/{uuid}", "/applications/{uuid}"...) for rows
 * with an owner, else ignored. */
char *obj_list_path(const struct api_object *o, const char *owner);
/* The API path of member id (PATH/ID after the owner's, or the row's
 * member_path/ID), its cache key and the prefix of everything under
 * it: a new string (caller frees). For a single row, OWNER PATH: id is
 * its owner's and is not repeated. */
char *obj_member_path(const struct api_object *o, const char *owner,
		      const char *id);
/* The row of the items of a list joined from o's and its with rows'
 * (objlist.h's src): o for 0, else its with[src - 1]. */
enum api_obj obj_source(enum api_obj o, unsigned src);
/* The name a PATCH of o takes for field shown (a rename's sent), or
 * shown itself. */
const char *obj_sent_name(const struct api_object *o, const char *shown);
/* The action of o whose verb is the words of line (a ctl line, blanks
 * already trimmed), or NULL. An action with args is found by its own
 * words alone. */
const struct obj_action *obj_action_find(const struct api_object *o,
					 const char *line);

#endif
