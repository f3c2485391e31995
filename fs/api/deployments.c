#include "api/deployments.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/log.h"
#include "model/model.h"
#include "api/store.h"
#include "base/xalloc.h"

static const int json_flags =
    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

/* "/project/P/environment/E/application/APP/deployment/D" -> "APP" */
static char *app_of_url(const char *url)
{
	static const char mark[] = "/application/";
	const char *p = url ? strstr(url, mark) : NULL;

	if (!p)
		return NULL;
	p += sizeof(mark) - 1;
	return xstrndup(p, strcspn(p, "/"));
}

static void item_fill(struct deploy_item *d, struct json_object *o)
{
	struct json_object *v;

	d->uuid = xstrdup(model_jstr(o, "deployment_uuid"));
	d->status = xstrdup(model_jstr(o, "status") ? model_jstr(o, "status") : "");
	d->app_uuid = app_of_url(model_jstr(o, "deployment_url"));
	d->created = model_parse_time(model_jstr(o, "created_at"));
	d->updated = model_parse_time(model_jstr(o, "updated_at"));
	d->json = xstrdup(json_object_to_json_string_ext(o, json_flags));
	/* A hidden log has no key at all (NOTES §1.5); a deployment that
	 * has written nothing yet may have null. */
	if (json_object_object_get_ex(o, "logs", &v))
		d->logs = xstrdup(model_jstr(o, "logs") ? model_jstr(o, "logs") : "");
}

void deploy_list_free(void *p)
{
	struct deploy_list *l = p;
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].uuid);
		free(l->v[i].status);
		free(l->v[i].app_uuid);
		free(l->v[i].json);
		free(l->v[i].logs);
	}
	free(l->v);
	free(l);
}

static void list_add(struct deploy_list *l, struct json_object *o)
{
	if (!json_object_is_type(o, json_type_object) ||
	    !model_jstr(o, "deployment_uuid"))
		return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	item_fill(&l->v[l->n++], o);
}

int deploy_list_parse(const char *json, struct deploy_list **out)
{
	struct json_object *root = json ? json_tokener_parse(json) : NULL;
	struct json_object *rows = NULL;
	struct deploy_list *l;
	size_t i;

	if (!root || (!json_object_is_type(root, json_type_array) &&
		      !json_object_is_type(root, json_type_object))) {
		json_object_put(root);
		return -EIO;
	}
	l = xcalloc(1, sizeof(*l));
	/* NOTES §11.3: the paginated answer is {count, deployments}. */
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "deployments", &rows) &&
	    json_object_is_type(rows, json_type_array)) {
		for (i = 0; i < json_object_array_length(rows); i++)
			list_add(l, json_object_array_get_idx(rows, i));
	} else if (json_object_is_type(root, json_type_array)) {
		for (i = 0; i < json_object_array_length(root); i++)
			list_add(l, json_object_array_get_idx(root, i));
	} else if (model_jstr(root, "deployment_uuid")) {
		list_add(l, root);
	} else {
		/* NOTES §2.4: GET /deployments can be {"1": ..., "0": ...}. */
		json_object_object_foreach (root, k, v) {
			(void)k;
			list_add(l, v);
		}
	}
	json_object_put(root);
	*out = l;
	return 0;
}

const struct deploy_item *deploy_list_find(const struct deploy_list *l,
					   const char *uuid)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].uuid, uuid))
			return &l->v[i];
	return NULL;
}

static int cmp_newest(const void *x, const void *y)
{
	const struct deploy_item *a = x, *b = y;

	if (a->created != b->created)
		return a->created > b->created ? -1 : 1;
	return 0;
}

void deploy_list_sort(struct deploy_list *l)
{
	size_t i, j;

	/* Insertion sort: stable, and the pages are small. */
	for (i = 1; i < l->n; i++) {
		struct deploy_item d = l->v[i];

		for (j = i; j > 0 && cmp_newest(&d, &l->v[j - 1]) < 0; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = d;
	}
}

bool deploy_active(const char *status)
{
	return !strcmp(status, "queued") || !strcmp(status, "in_progress");
}

bool deploy_failed(const char *status)
{
	return !strcmp(status, "failed") ||
	       !strcmp(status, "cancelled-by-user");
}

struct log_entry {
	long order;
	size_t idx;
	const char *output;
};

static int cmp_entry(const void *x, const void *y)
{
	const struct log_entry *a = x, *b = y;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int deploy_render_log(const char *logs, struct buf *out)
{
	struct json_object *root, *v;
	struct log_entry *e;
	size_t i, n, k = 0;

	buf_reset(out);
	if (!logs || !*logs)
		return 0; /* a queued deployment has written nothing yet */
	root = json_tokener_parse(logs);
	if (!root || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return -EIO;
	}
	n = json_object_array_length(root);
	e = xcalloc(n ? n : 1, sizeof(*e));
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(root, i);

		if (!json_object_is_type(o, json_type_object))
			continue;
		/* Debug output the UI shows only in debug mode. */
		if (json_object_object_get_ex(o, "hidden", &v) &&
		    json_object_get_boolean(v))
			continue;
		e[k].output = model_jstr(o, "output");
		if (!e[k].output || !*e[k].output)
			continue;
		/* NOTES §9.2: the very first entry has no "order". */
		e[k].order = json_object_object_get_ex(o, "order", &v)
				 ? (long)json_object_get_int64(v)
				 : 1;
		e[k].idx = i;
		k++;
	}
	qsort(e, k, sizeof(*e), cmp_entry);
	/* An output is a chunk of a process's output: it can hold several
	 * lines, each of which becomes a line of the file. */
	for (i = 0; i < k; i++) {
		buf_adds(out, e[i].output);
		buf_addch(out, '\n');
	}
	free(e);
	json_object_put(root);
	return 0;
}

/* ---- cached access ---- */

struct load_ctx {
	struct api *api;
	bool sort;
};

static int load_list(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct http_response resp;
	struct deploy_list *l;
	int rc;

	http_response_init(&resp);
	rc = http_call(&ctx->api->http, "GET", key, NULL,
		       stale ? HTTP_STALE_OK : 0, &resp);
	if (!rc && deploy_list_parse(resp.body.buf, &l)) {
		log_error("GET %s: the answer is not the JSON the API "
			  "documents",
			  key);
		rc = -EIO;
	}
	if (!rc) {
		if (ctx->sort)
			deploy_list_sort(l);
		*data = l;
		*free_data = deploy_list_free;
	}
	http_response_release(&resp);
	return rc;
}

/* Whether the cached answer under key holds a deployment still running:
 * then it is reused only as long as a status is. */
static unsigned list_ttl(struct api *api, const char *key)
{
	struct cval *v = cache_peek(&api->cache, key);
	unsigned ttl = api->cache_ttl;
	size_t i;

	if (!v)
		return ttl;
	for (i = 0; i < ((struct deploy_list *)v->data)->n; i++) {
		if (deploy_active(((struct deploy_list *)v->data)->v[i].status))
			ttl = store_status_ttl(api);
	}
	cval_put(v);
	return ttl;
}

char *deploy_history_path(const char *app_uuid, int take)
{
	return xasprintf("%s/%s?skip=0&take=%d",
			 obj_get(OBJ_DEPLOYMENT)->history, app_uuid, take);
}

static char *page_key(const char *app_uuid)
{
	return deploy_history_path(app_uuid, DEPLOY_PAGE);
}

bool deploy_page_fresh(struct api *api, const char *app_uuid)
{
	char *key = page_key(app_uuid);
	bool fresh = cache_fresh(&api->cache, key, list_ttl(api, key));

	free(key);
	return fresh;
}

int deploy_store_page(struct api *api, const char *app_uuid, struct cval **out)
{
	char *key = page_key(app_uuid);
	struct load_ctx ctx = { api, true };
	int rc;

	rc = cache_fetch(&api->cache, key, list_ttl(api, key), load_list, &ctx,
			 out);
	free(key);
	return rc;
}

int deploy_store_active(struct api *api, struct cval **out)
{
	const char *key = obj_get(OBJ_DEPLOYMENT)->path;
	struct load_ctx ctx = { api, true };

	/* What runs is followed as closely as a status; that nothing runs,
	 * like any list, for cache_ttl (SPEC §4), so a warm walk of the
	 * mount asks for nothing. */
	return cache_fetch(&api->cache, key, list_ttl(api, key), load_list, &ctx,
			   out);
}

int deploy_store_one(struct api *api, const char *uuid, bool fresh,
		     struct cval **out)
{
	char *key = obj_member_path(obj_get(OBJ_DEPLOYMENT), NULL, uuid);
	struct load_ctx ctx = { api, false };
	int rc;

	rc = cache_fetch(&api->cache, key,
			 fresh ? store_status_ttl(api) : list_ttl(api, key),
			 load_list, &ctx, out);
	free(key);
	return rc;
}

void deploy_store_invalidate(struct api *api)
{
	cache_invalidate_prefix(&api->cache, obj_get(OBJ_DEPLOYMENT)->path);
}
