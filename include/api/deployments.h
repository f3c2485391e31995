/* Deployments: the API's deployment rows as owned structs, their build
 * logs rendered as text, and cached access to the three lists that hold
 * them (NOTES §9.2, §11).
 *
 * The parsers and deploy_render_log() are pure. The deploy_store_*
 * functions go through the cache like store.h's (they return 0 and a
 * reference to put, or a negative errno that was logged) and pick their
 * own freshness: a list that holds a running deployment is reused for a
 * short time only, a finished deployment for cache_ttl. Thread-safe. */
#ifndef CFS_DEPLOYMENTS_H
#define CFS_DEPLOYMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "cache/cache.h"
#include "api/api.h"
#include "cache/sizes.h"

/* How many of an application's deployments deployments/ lists, newest
 * first: rows carry their whole build log (NOTES §11.3). Older ones are
 * still reachable by name. */
#define DEPLOY_PAGE 10

struct deploy_item {
	char *uuid;     /* deployment_uuid: the directory's name */
	char *status;   /* queued | in_progress | finished | failed | ... */
	char *app_uuid; /* from deployment_url; NULL when it has none */
	time_t created; /* created_at: the directory's mtime */
	time_t updated; /* updated_at: its files' mtime */
	char *json;     /* the row, compact, as the API gave it */
	char *logs; /* the JSON-string log; NULL when hidden (NOTES §1.5) */
	size_memo json_size, log_size; /* of deployment.json and log */
};

struct deploy_list {
	struct deploy_item *v; /* in the API's order */
	size_t n;
};

/* Parses any of the answers that hold deployments: {count, deployments}
 * (GET /deployments/applications/{uuid}), a list as an array or a
 * numeric-keyed object (GET /deployments, NOTES §2.4), or one object
 * (GET /deployments/{uuid}). 0 and a new list in *out (free it with
 * deploy_list_free), or -EIO. */
int deploy_list_parse(const char *json, struct deploy_list **out);
void deploy_list_free(void *p);
const struct deploy_item *deploy_list_find(const struct deploy_list *l,
					   const char *uuid);
/* Sorts l newest first (created_at, then the API's order). */
void deploy_list_sort(struct deploy_list *l);

/* Whether a deployment with this status may still change. */
bool deploy_active(const char *status);
/* Whether it ended badly: failed or cancelled-by-user. */
bool deploy_failed(const char *status);

/* Renders a JSON-string build log (NOTES §9.2) as text: entries ordered
 * by "order" (missing counts as 1), hidden ones left out, each output
 * line on a line of its own. out is reset first. Returns 0, or -EIO when
 * logs is not such a log. */
int deploy_render_log(const char *logs, struct buf *out);

/* GET /deployments/applications/{uuid}?skip=0&take=DEPLOY_PAGE, sorted
 * newest first -> struct deploy_list */
int deploy_store_page(struct api *api, const char *app_uuid, struct cval **out);
/* Whether deploy_store_page() would answer from the cache. */
bool deploy_page_fresh(struct api *api, const char *app_uuid);
/* The path of app_uuid's newest take deployments (the row's history), a
 * new string (caller frees). */
char *deploy_history_path(const char *app_uuid, int take);
/* GET /deployments (queued and in progress) -> struct deploy_list */
int deploy_store_active(struct api *api, struct cval **out);
/* GET /deployments/{uuid} -> struct deploy_list of one; fresh when
 * fresh, else reused for as long as its status allows. */
int deploy_store_one(struct api *api, const char *uuid, bool fresh,
		     struct cval **out);
/* Drops every cached deployment answer (after an action). */
void deploy_store_invalidate(struct api *api);

#endif
