#include "api/tags.h"

#include <errno.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "api/http.h"
#include "api/objects.h"
#include "base/log.h"
#include "base/xalloc.h"

bool tags_supported(const struct api *api)
{
	/* NOTES §17: the tag routes are new in current Coolify. */
	return obj_supported(obj_get(OBJ_TAG), api->current_api);
}

static char *tags_path(enum res_kind kind, const char *uuid)
{
	return xasprintf("%s/%s/tags", obj_kind_path(kind), uuid);
}

static void tagset_free(void *data)
{
	tagset_release(data);
	free(data);
}

struct tags_load {
	struct api *api;
};

static int tags_load(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct tags_load *ctx = arg;
	struct http_response resp;
	struct tagset *s = xmalloc(sizeof(*s));
	int rc;

	tagset_init(s);
	http_response_init(&resp);
	rc = http_call(&ctx->api->http, "GET", key, NULL,
		       stale ? HTTP_STALE_OK : 0, &resp);
	if (!rc && tagset_from_json(resp.body.buf, s)) {
		log_error("GET %s: the answer is not a list of tags", key);
		rc = -EIO;
	}
	if (rc) {
		tagset_free(s);
	} else {
		*data = s;
		*free_data = tagset_free;
	}
	http_response_release(&resp);
	return rc;
}

int tags_get(struct api *api, enum res_kind kind, const char *uuid,
	     struct cval **out)
{
	struct tags_load ctx = { api };
	char *path = tags_path(kind, uuid);
	int rc;

	rc = cache_fetch(&api->cache, path, api->cache_ttl, tags_load, &ctx,
			 out);
	free(path);
	return rc;
}

struct cval *tags_peek(struct api *api, enum res_kind kind, const char *uuid)
{
	char *path = tags_path(kind, uuid);
	struct cval *v = cache_peek(&api->cache, path);

	free(path);
	return v;
}

/* What a tag write's answer may mean beyond SPEC §5. -EALREADY is
 * ours: the tag is not on the resource any more, which is what a detach
 * wants (it was removed elsewhere since the file was read). */
static const struct http_quirk write_quirks[] = {
	/* The catch-all of an instance without the route (NOTES §1.1). */
	{ 404, "Not found.", HTTP_QUIRK_EXACT, -EOPNOTSUPP, "§1.1, §17",
	  "this instance has no tags on resources" },
	{ 404, "Tag not found on resource.",
	  HTTP_QUIRK_EXACT | HTTP_QUIRK_QUIET, -EALREADY, "§17", NULL },
	{ 404, "Tag not found.", HTTP_QUIRK_EXACT | HTTP_QUIRK_QUIET, -EALREADY,
	  "§17", NULL },
	{ 0 },
};

static int send_write(struct api *api, const char *method, const char *path,
		      const char *body)
{
	struct http_response resp;
	int rc;

	http_response_init(&resp);
	rc = http_call_quirks(&api->http, method, path, body, 0, write_quirks,
			      &resp);
	http_response_release(&resp);
	return rc == -EALREADY ? 0 : rc;
}

/* POST of the names of want that have lacks, in want's order. */
static int attach(struct api *api, const char *path, const struct tagset *have,
		  const struct tagset *want, bool *sent)
{
	struct json_object *body, *names;
	size_t i;
	int rc = 0;

	names = json_object_new_array();
	for (i = 0; i < want->n; i++)
		if (!tagset_find(have, want->v[i].name))
			json_object_array_add(
			    names, json_object_new_string(want->v[i].name));
	if (json_object_array_length(names)) {
		body = json_object_new_object();
		json_object_object_add(body, "tag_names", names);
		*sent = true;
		rc = send_write(api, "POST", path,
				json_object_to_json_string_ext(
				    body, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(body);
	} else {
		json_object_put(names);
	}
	return rc;
}

/* A DELETE for each tag of have that want lacks. */
static int detach(struct api *api, const char *path, const struct tagset *have,
		  const struct tagset *want, bool *sent)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < have->n && !rc; i++) {
		char *one;

		if (tagset_find(want, have->v[i].name))
			continue;
		one = xasprintf("%s/%s", path, have->v[i].uuid);
		*sent = true;
		rc = send_write(api, "DELETE", one, NULL);
		free(one);
	}
	return rc;
}

int tags_apply(struct api *api, enum res_kind kind, const char *uuid,
	       const struct tagset *want)
{
	char *path = tags_path(kind, uuid);
	bool sent = false;
	struct cval *v;
	int rc;

	rc = tags_get(api, kind, uuid, &v);
	if (rc)
		goto out;
	rc = attach(api, path, v->data, want, &sent);
	if (!rc)
		rc = detach(api, path, v->data, want, &sent);
	cval_put(v);
	/* Even after a failure: what was sent before it may have taken
	 * effect. A detach may delete the tag itself (an orphan). */
	if (sent) {
		cache_invalidate(&api->cache, path);
		cache_invalidate(&api->cache, obj_get(OBJ_TAG)->path);
	}
out:
	free(path);
	return rc;
}
