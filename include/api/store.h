/* Typed access to the Coolify API through the cache: each function
 * returns a reference to a parsed, immutable value (see model.h) that the
 * caller puts with cval_put(). The cache key is the request, so the same
 * list serves every path that needs it, and a cold walk of the tree costs
 * the list requests plus one per project (SPEC §4).
 *
 * All functions return 0, or a negative errno (SPEC §5) that has already
 * been logged. Thread-safe. */
#ifndef CFS_STORE_H
#define CFS_STORE_H

#include "cache/cache.h"
#include "api/api.h"
#include "model/model.h"
#include "api/objects.h"

/* The list of obj, GET PATH (objects.h), reusing an answer no older
 * than ttl seconds (api->cache_ttl, store_detail_ttl(),
 * store_status_ttl()...): struct model_projects for OBJ_PROJECT, struct
 * model_resources for a resource kind's row (the databases completed
 * from /resources, NOTES §5.1). -EINVAL for another row (instance.h
 * lists the collections of plain objects). */
int store_list(struct api *api, enum api_obj obj, unsigned ttl,
	       struct cval **out);
/* Member id of obj, GET PATH/ID, no older than ttl: struct
 * model_project_detail for OBJ_PROJECT; -EINVAL for another row. */
int store_member(struct api *api, enum api_obj obj, const char *id,
		 unsigned ttl, struct cval **out);
/* Whether store_list() (id NULL) or store_member() with that ttl would
 * answer from the cache. */
bool store_fresh(struct api *api, enum api_obj obj, const char *id,
		 unsigned ttl);
/* The last answer store_list() (id NULL) or store_member() stored,
 * however old (a reference to put), or NULL; never asks the API. */
struct cval *store_peek(struct api *api, enum api_obj obj, const char *id);
/* How long a project list (for lookups) and a project's detail (its
 * environments) may be reused: 6 * cache_ttl. Every path under
 * projects/ goes through them, so a watch of every status would
 * otherwise ask for every project's detail each cache_ttl (300 requests
 * a minute with 50 projects, over the rate limit) for a list that
 * hardly ever changes. A name they lack is looked for again in an answer
 * no older than cache_ttl, project.json and environment.json show one
 * no older than cache_ttl, and changes made through the mount drop them,
 * so only an environment created, renamed or deleted elsewhere may take
 * this long to show in a listing. */
unsigned store_detail_ttl(const struct api *api);
/* How long a status may be reused: a few seconds, so that `cat status`
 * follows an action (SPEC §3), and never longer than cache_ttl. */
unsigned store_status_ttl(const struct api *api);
/* A plain-text answer (/version, /health) -> char *, trimmed */
int store_text(struct api *api, const char *path, struct cval **out);
/* A JSON answer kept whole (/resources, /databases/{uuid}) -> char *,
 * compact JSON */
int store_json(struct api *api, const char *path, struct cval **out);

/* Finds a resource of any kind by uuid: 0 with *out (a reference to the
 * kind's list, which owns *res), or -ENOENT. */
int store_find_resource(struct api *api, const char *uuid, struct cval **out,
			const struct model_resource **res);

/* Finds the project and environment that hold environment id env_id:
 * 0 with a reference to the project detail in *out, or -ENOENT. *hint
 * is where the caller keeps which project that was (0 before the first
 * call), so that the next call asks that project first. */
int store_find_env(struct api *api, long env_id, env_hint *hint,
		   struct cval **out, const struct model_env **env);

#endif
