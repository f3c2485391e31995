/* The shapes of the env routes, one table per kind of route (envs.h):
 * for each change, the request that makes it. envs.c decides what to
 * change and checks it, sends, and keeps the cache; a row only builds
 * requests. For the api/envs*.c modules only.
 *
 * A resource's routes (NOTES §10, §17.4) take a change by key at the
 * list's path, with every flag (application PATCH resets what it is not
 * sent), and have a bulk route. Shared variables' (NOTES §17.7) take one
 * by numeric id at PATH/ID, change only what they are sent, refuse any
 * field but key, value, is_literal, is_multiline, is_shown_once and
 * comment, answer a create with {"id": N} alone, and have no bulk route. */
#ifndef CFS_ENVS_ROUTES_H
#define CFS_ENVS_ROUTES_H

#include <stdbool.h>

#include <json-c/json.h>

#include "api/envs.h"

/* One request: method, path and body (the builder's; NULL: none). */
struct env_request {
	const char *method;
	char *path;               /* new string */
	struct json_object *body; /* new reference, or NULL */
};

struct env_routes {
	/* Sets the existing variable cur (as the list gave it) to value
	 * (trimmed, as the API stores it). */
	void (*update)(const struct env_target *t, const char *path,
		       const struct env_var *cur, const char *value,
		       bool latest, struct env_request *rq);
	/* Creates key with value; like, when not NULL, gives its flags. */
	void (*create)(const struct env_target *t, const char *path,
		       const char *key, const char *value,
		       const struct env_var *like, bool latest,
		       struct env_request *rq);
	void (*remove)(const struct env_target *t, const char *path,
		       const struct env_var *cur, struct env_request *rq);
	/* Sets flag f of cur to cur->flags[f] (already changed). */
	void (*flag)(const struct env_target *t, const char *path,
		     const struct env_var *cur, enum env_flag f, bool latest,
		     struct env_request *rq);
	/* Renames cur to key in one request; NULL when the routes cannot. */
	void (*rename)(const struct env_target *t, const char *path,
		       const struct env_var *cur, const char *key,
		       struct env_request *rq);
	/* Whether the flag can be set on these routes (for this
	 * generation). */
	bool (*can_flag)(const struct env_target *t, enum env_flag f,
			 bool latest);
	/* PATH/bulk takes many changes in one request. */
	bool bulk;
	/* A flag's PATCH carries the value (and would blank one the
	 * token was not shown). */
	bool flag_needs_value;
};

/* Shared variables' routes (envs_shared.c). */
extern const struct env_routes envs_shared_routes;

#endif
