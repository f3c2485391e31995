#include "api/store.h"

#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/jsonlist.h"
#include "base/log.h"
#include "api/objects.h"
#include "base/xalloc.h"

/* Answers longer than this are big enough that freeing them is worth
 * handing the memory back to the system. */
#define STORE_TRIM_BYTES (1u << 20)

/* What a loader needs; lives on the caller's stack during cache_fetch. */
struct load_ctx {
	struct api *api;
	const char *path;
	enum res_kind kind;
};

static int get_body(struct api *api, const char *path, bool stale,
		    struct buf *body)
{
	struct http_response resp;
	int rc;

	http_response_init(&resp);
	rc = http_call(&api->http, "GET", path, NULL, stale ? HTTP_STALE_OK : 0,
		       &resp);
	if (!rc) {
		*body = resp.body;
		buf_init(&resp.body, HTTP_BODY_MAX);
	}
	http_response_release(&resp);
	return rc;
}

static int malformed(const char *path)
{
	log_error("GET %s: the answer is not the JSON the API documents", path);
	return -EIO;
}

static int load_projects(void *arg, const char *key, bool stale, void **data,
			 void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct buf body = BUF_INIT;
	struct model_projects *ps;
	int rc;

	(void)key;
	rc = get_body(ctx->api, ctx->path, stale, &body);
	if (!rc && model_projects_parse(body.buf, &ps))
		rc = malformed(ctx->path);
	if (!rc) {
		*data = ps;
		*free_data = model_projects_free;
	}
	buf_release(&body);
	return rc;
}

unsigned store_detail_ttl(const struct api *api)
{
	return api->cache_ttl * 6;
}

static int load_project(void *arg, const char *key, bool stale, void **data,
			void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct model_project_detail *d;
	struct buf body = BUF_INIT;
	int rc;

	/* The environments' row says which names the project's directory
	 * keeps (envs, envs.env), where the instance has that row. */
	const struct api_object *envs = obj_get(OBJ_ENV);
	const char *const *reserved =
	    obj_supported(envs, ctx->api->current_api) ? envs->reserved : NULL;

	rc = get_body(ctx->api, key, stale, &body);
	if (!rc && model_project_detail_parse_reserving(body.buf, reserved, &d))
		rc = malformed(key);
	if (!rc) {
		*data = d;
		*free_data = model_project_detail_free;
	}
	buf_release(&body);
	return rc;
}

/* A list being read into a model_resources as its body arrives. */
struct list_read {
	struct model_resources *rs;
	jsonlist_fn add; /* model_resources_add or _add_db_member */
	struct jsonlist *jl;
};

static void list_start(void *arg)
{
	struct list_read *lr = arg;
	enum res_kind kind = lr->rs->kind;

	/* A retry starts over: drop what a cut answer left. */
	if (lr->rs->n) {
		model_resources_free(lr->rs);
		lr->rs = model_resources_new(kind);
	}
	jsonlist_reset(lr->jl);
}

static int list_feed(void *arg, const char *data, size_t len)
{
	struct list_read *lr = arg;

	return jsonlist_feed(lr->jl, data, len) ? -EIO : 0;
}

static int list_add(void *arg, struct json_object *item)
{
	struct list_read *lr = arg;

	return lr->add(lr->rs, item);
}

/* GET path into a new list of kind through add(): its body is parsed as
 * it arrives and never held whole (a list of thousands of resources is
 * tens of MB). 0 with *out, or a negative errno, logged. */
static int get_list(struct api *api, const char *path, bool stale,
		    enum res_kind kind, jsonlist_fn add,
		    struct model_resources **out)
{
	struct list_read lr = { model_resources_new(kind), add, NULL };
	struct http_sink sink = { list_start, list_feed, &lr };
	struct http_response resp;
	int rc;

	lr.jl = jsonlist_new(list_add, &lr);
	http_response_init(&resp);
	resp.sink = &sink;
	rc = http_call(&api->http, "GET", path, NULL, stale ? HTTP_STALE_OK : 0,
		       &resp);
	if (!rc)
		rc = jsonlist_end(lr.jl);
	if (rc && (resp.sink_rc || resp.status / 100 == 2))
		rc = malformed(path);
	http_response_release(&resp);
	jsonlist_free(lr.jl);
	if (rc) {
		model_resources_free(lr.rs);
		return rc;
	}
	*out = lr.rs;
	return 0;
}

static int load_db_members(void *arg, const char *key, bool stale, void **data,
			   void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct model_resources *rs;
	struct cval *all = NULL;
	int rc;

	(void)key;
	/* resources.json read a moment ago holds the same answer. */
	if (cache_fresh(&ctx->api->cache, OBJ_ALL_RESOURCES,
			ctx->api->cache_ttl))
		all = cache_peek(&ctx->api->cache, OBJ_ALL_RESOURCES);
	if (all) {
		rs = model_resources_new(RES_DB);
		rc = model_list_each(all->data, model_resources_add_db_member,
				     rs);
		cval_put(all);
		/* Cannot fail: it was validated when it was stored. */
		if (rc) {
			model_resources_free(rs);
			return -EIO;
		}
	} else {
		rc = get_list(ctx->api, OBJ_ALL_RESOURCES, stale, RES_DB,
			      model_resources_add_db_member, &rs);
	}
	if (!rc) {
		*data = rs;
		*free_data = model_resources_free;
	}
	return rc;
}

/* NOTES §5.1: the database list can drop entries; /resources has them
 * all. Only its databases are kept, under a key of their own: the whole
 * text (tens of MB with thousands of resources) is cached only while
 * resources.json is read. */
static int store_db_members(struct api *api, struct cval **out)
{
	struct load_ctx ctx = { api, OBJ_ALL_RESOURCES, RES_DB };

	return cache_fetch(&api->cache, OBJ_DB_MEMBERS, api->cache_ttl,
			   load_db_members, &ctx, out);
}

static int load_resources(void *arg, const char *key, bool stale, void **data,
			  void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct model_resources *rs;
	struct cval *members = NULL;
	int rc;

	if (ctx->kind == RES_DB) {
		rc = store_db_members(ctx->api, &members);
		if (rc)
			return rc;
	}
	rc =
	    get_list(ctx->api, key, stale, ctx->kind, model_resources_add, &rs);
	if (!rc) {
		if (members)
			model_resources_merge(rs, members->data);
		model_resources_done(rs);
		*data = rs;
		*free_data = model_resources_free;
	}
	cval_put(members);
	return rc;
}

/* The resource kind whose objects obj are, or RES_KINDS. */
static enum res_kind kind_of(enum api_obj obj)
{
	enum res_kind k;

	for (k = 0; k < RES_KINDS; k++)
		if (obj_of_kind(k) == obj)
			break;
	return k;
}

int store_list(struct api *api, enum api_obj obj, unsigned ttl,
	       struct cval **out)
{
	const struct api_object *o = obj_get(obj);
	struct load_ctx ctx = { api, o->path, kind_of(obj) };

	if (obj == OBJ_PROJECT)
		return cache_fetch(&api->cache, o->path, ttl, load_projects,
				   &ctx, out);
	if (ctx.kind == RES_KINDS)
		return -EINVAL;
	return cache_fetch(&api->cache, o->path, ttl, load_resources, &ctx,
			   out);
}

int store_member(struct api *api, enum api_obj obj, const char *id,
		 unsigned ttl, struct cval **out)
{
	struct load_ctx ctx = { api, NULL, 0 };
	char *key;
	int rc;

	if (obj != OBJ_PROJECT)
		return -EINVAL;
	key = obj_member_path(obj_get(obj), NULL, id);
	ctx.path = key;
	rc = cache_fetch(&api->cache, key, ttl, load_project, &ctx, out);
	free(key);
	return rc;
}

bool store_fresh(struct api *api, enum api_obj obj, const char *id,
		 unsigned ttl)
{
	char *key;
	bool fresh;

	if (!id) /* a list's key is its row's path: nothing to build */
		return cache_fresh(&api->cache, obj_get(obj)->path, ttl);
	key = obj_member_path(obj_get(obj), NULL, id);
	fresh = cache_fresh(&api->cache, key, ttl);
	free(key);
	return fresh;
}

struct cval *store_peek(struct api *api, enum api_obj obj, const char *id)
{
	char *key;
	struct cval *v;

	if (!id)
		return cache_peek(&api->cache, obj_get(obj)->path);
	key = obj_member_path(obj_get(obj), NULL, id);
	v = cache_peek(&api->cache, key);
	free(key);
	return v;
}

unsigned store_status_ttl(const struct api *api)
{
	return api->cache_ttl < 2 ? api->cache_ttl : 2;
}

static int load_text(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct buf body = BUF_INIT;
	size_t start, end;
	char *text;
	int rc;

	rc = get_body(ctx->api, key, stale, &body);
	if (rc)
		return rc;
	start = strspn(body.buf, " \t\r\n\"");
	end = body.len;
	while (end > start && strchr(" \t\r\n\"", body.buf[end - 1]))
		end--;
	text = xstrndup(body.buf + start, end - start);
	buf_release(&body);
	*data = text;
	*free_data = free;
	return 0;
}

int store_text(struct api *api, const char *path, struct cval **out)
{
	struct load_ctx ctx = { api, path, 0 };

	return cache_fetch(&api->cache, path, api->cache_ttl, load_text, &ctx,
			   out);
}

static int accept_any(void *arg, struct json_object *item)
{
	(void)arg;
	(void)item;
	return 0;
}

static int load_json(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct buf body = BUF_INIT, pretty = BUF_INIT;
	bool big;
	int rc;

	rc = get_body(ctx->api, key, stale, &body);
	if (rc)
		return rc;
	/* Validate once here, so a file never opens onto garbage. A list
	 * (/resources: tens of MB with thousands of resources) is checked
	 * an element at a time: pretty-printing it whole would build a
	 * json-c tree several times its size just to throw it away. */
	if (model_list_each(body.buf, accept_any, NULL) &&
	    model_json_render(body.buf, &pretty)) {
		rc = malformed(key);
	} else {
		*data = buf_detach(&body, NULL);
		*free_data = free;
	}
	big = body.len > STORE_TRIM_BYTES;
	buf_release(&pretty);
	buf_release(&body);
	if (big) /* as in load_resources() */
		malloc_trim(0);
	return rc;
}

int store_json(struct api *api, const char *path, struct cval **out)
{
	struct load_ctx ctx = { api, path, 0 };

	return cache_fetch(&api->cache, path, api->cache_ttl, load_json, &ctx,
			   out);
}

int store_find_resource(struct api *api, const char *uuid, struct cval **out,
			const struct model_resource **res)
{
	enum res_kind k;

	for (k = 0; k < RES_KINDS; k++) {
		struct cval *v;
		const struct model_resource *r;
		int rc = store_list(api, obj_of_kind(k), api->cache_ttl, &v);

		if (rc)
			return rc;
		r = model_resources_by_uuid(v->data, uuid);
		if (r && !gone_has(&api->gone, uuid)) {
			*out = v;
			*res = r;
			return 0;
		}
		cval_put(v);
	}
	return -ENOENT;
}

/* Whether the project uuid holds env_id; if so, its detail in *out. */
static bool project_holds(struct api *api, const char *uuid, long env_id,
			  struct cval **out, const struct model_env **env)
{
	struct cval *dv;
	const struct model_env *e;

	if (store_member(api, OBJ_PROJECT, uuid, api->cache_ttl, &dv))
		return false;
	e = model_project_env_by_id(dv->data, env_id);
	if (!e) {
		cval_put(dv);
		return false;
	}
	*out = dv;
	*env = e;
	return true;
}

/* Every uuid/ link asks this twice per `ls -l`; going through every
 * project's detail was a twentieth of a warm `ls -lR`. The hint makes it
 * one detail: environment ids are unique, so a project that holds env_id
 * is the one the search would have found. */
int store_find_env(struct api *api, long env_id, env_hint *hint,
		   struct cval **out, const struct model_env **env)
{
	const struct model_projects *ps;
	struct cval *pv;
	size_t i, at;
	int rc;

	rc = store_list(api, OBJ_PROJECT, api->cache_ttl, &pv);
	if (rc)
		return rc;
	ps = pv->data;
	at = atomic_load_explicit(hint, memory_order_relaxed);
	if (at && at <= ps->n &&
	    project_holds(api, ps->v[at - 1].uuid, env_id, out, env))
		goto out;
	rc = -ENOENT;
	for (i = 0; i < ps->n; i++) {
		if (project_holds(api, ps->v[i].uuid, env_id, out, env)) {
			atomic_store_explicit(hint, i + 1,
					      memory_order_relaxed);
			rc = 0;
			break;
		}
	}
out:
	cval_put(pv);
	return rc;
}
