/* The routes of shared variables (NOTES §17.7): SharedEnvironmentVariables-
 * Controller at /team/envs, /projects/{uuid}/envs,
 * /projects/{uuid}/environments/{env}/envs and /servers/{uuid}/envs.
 *
 * A variable is addressed by its numeric id at PATH/ID; a PATCH changes
 * only the fields it is sent, so a change sends just what changes and a
 * hidden value is never carried; the allow-list refuses every field but
 * key, value, is_literal, is_multiline, is_shown_once and comment (so no
 * is_preview, and no build-time flags: they have none). */
#include "api/envs_routes.h"

#include <string.h>

#include "base/xalloc.h"

static void member(const char *path, const struct env_var *cur,
		   const char *method, struct env_request *rq)
{
	rq->method = method;
	rq->path = xasprintf("%s/%s", path, cur->uuid);
}

/* A value over several lines is marked multi-line, as the web UI does. */
static void add_multiline(struct json_object *body, const char *value)
{
	if (strchr(value, '\n'))
		json_object_object_add(body, "is_multiline",
				       json_object_new_boolean(1));
}

static bool shared_can_flag(const struct env_target *t, enum env_flag f,
			    bool latest)
{
	(void)t;
	(void)latest;
	return f == ENV_LITERAL || f == ENV_MULTILINE || f == ENV_SHOWN_ONCE;
}

static void shared_update(const struct env_target *t, const char *path,
			  const struct env_var *cur, const char *value,
			  bool latest, struct env_request *rq)
{
	(void)t;
	(void)latest;
	member(path, cur, "PATCH", rq);
	rq->body = json_object_new_object();
	json_object_object_add(rq->body, "value",
			       json_object_new_string(value));
	add_multiline(rq->body, value);
}

static void shared_create(const struct env_target *t, const char *path,
			  const char *key, const char *value,
			  const struct env_var *like, bool latest,
			  struct env_request *rq)
{
	int f;

	rq->method = "POST";
	rq->path = xstrdup(path);
	rq->body = json_object_new_object();
	json_object_object_add(rq->body, "key", json_object_new_string(key));
	json_object_object_add(rq->body, "value",
			       json_object_new_string(value));
	for (f = 0; like && f < ENV_FLAGS; f++)
		if (like->has[f] && shared_can_flag(t, f, latest))
			json_object_object_add(
			    rq->body, env_flag_field(f, latest),
			    json_object_new_boolean(like->flags[f]));
	if (!json_object_object_get_ex(rq->body, "is_multiline", NULL))
		add_multiline(rq->body, value);
}

static void shared_remove(const struct env_target *t, const char *path,
			  const struct env_var *cur, struct env_request *rq)
{
	(void)t;
	member(path, cur, "DELETE", rq);
}

static void shared_flag(const struct env_target *t, const char *path,
			const struct env_var *cur, enum env_flag f, bool latest,
			struct env_request *rq)
{
	(void)t;
	member(path, cur, "PATCH", rq);
	rq->body = json_object_new_object();
	json_object_object_add(rq->body, env_flag_field(f, latest),
			       json_object_new_boolean(cur->flags[f]));
}

/* The key is a field like any other: the variable keeps its id. */
static void shared_rename(const struct env_target *t, const char *path,
			  const struct env_var *cur, const char *key,
			  struct env_request *rq)
{
	(void)t;
	member(path, cur, "PATCH", rq);
	rq->body = json_object_new_object();
	json_object_object_add(rq->body, "key", json_object_new_string(key));
}

const struct env_routes envs_shared_routes = {
	.update = shared_update,
	.create = shared_create,
	.remove = shared_remove,
	.flag = shared_flag,
	.rename = shared_rename,
	.can_flag = shared_can_flag,
	.bulk = false,
	.flag_needs_value = false,
};
