#include "api/envs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/envs_routes.h"
#include "base/log.h"
#include "model/model.h"
#include "api/objects.h"
#include "api/store.h"
#include "base/xalloc.h"

/* API field names per flag: [flag][latest]. */
static const char *const flag_fields[ENV_FLAGS][2] = {
	[ENV_BUILD_TIME] = { "is_build_time", "is_buildtime" },
	[ENV_RUNTIME] = { NULL, "is_runtime" },
	[ENV_LITERAL] = { "is_literal", "is_literal" },
	[ENV_MULTILINE] = { "is_multiline", "is_multiline" },
	[ENV_SHOWN_ONCE] = { "is_shown_once", "is_shown_once" },
};

static const char *const flag_names[ENV_FLAGS] = {
	"is_build_time", "is_runtime",    "is_literal",
	"is_multiline",  "is_shown_once",
};

const char *env_flag_field(enum env_flag f, bool latest)
{
	return flag_fields[f][latest];
}

const char *env_flag_name(enum env_flag f)
{
	return flag_names[f];
}

static void env_var_release(struct env_var *v)
{
	free(v->uuid);
	free(v->key);
	if (v->value) {
		explicit_bzero(v->value, strlen(v->value));
		free(v->value);
	}
}

void env_list_free(void *p)
{
	struct env_list *l = p;
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		env_var_release(&l->v[i]);
	free(l->v);
	free(l);
}

/* Fills v from one env object; false when it has no key. */
static bool env_var_fill(struct env_var *v, struct json_object *o)
{
	struct json_object *f;
	bool latest = json_object_object_get_ex(o, "is_buildtime", NULL);
	int i;

	memset(v, 0, sizeof(*v));
	if (!model_jstr(o, "key"))
		return false;
	v->key = xstrdup(model_jstr(o, "key"));
	v->uuid = xstrdup(model_jstr(o, "uuid"));
	/* NOTES §17.7: shared variables have a numeric id and no uuid. */
	if (!v->uuid && json_object_object_get_ex(o, "id", &f) &&
	    json_object_is_type(f, json_type_int))
		v->uuid =
		    xasprintf("%lld", (long long)json_object_get_int64(f));
	/* NOTES §1.5: without read:sensitive the key is absent, not null.
	 * A null value is the empty one (NOTES §10.1). */
	if (json_object_object_get_ex(o, "value", &f))
		v->value = xstrdup(json_object_is_type(f, json_type_string)
				       ? json_object_get_string(f)
				       : "");
	if (json_object_object_get_ex(o, "is_preview", &f))
		v->preview = json_object_get_boolean(f);
	for (i = 0; i < ENV_FLAGS; i++) {
		const char *field = flag_fields[i][latest];

		if (field && json_object_object_get_ex(o, field, &f)) {
			v->has[i] = true;
			v->flags[i] = json_object_get_boolean(f);
		}
	}
	v->mtime = model_parse_time(model_jstr(o, "updated_at"));
	return true;
}

int env_list_parse(const char *json, struct env_list **out)
{
	struct json_object *root = model_json_parse(json);
	struct env_list *l;
	size_t i, n;

	if (!root || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return -EIO;
	}
	n = json_object_array_length(root);
	l = xcalloc(1, sizeof(*l));
	l->v = xcalloc(n, sizeof(*l->v));
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(root, i);

		if (json_object_object_get_ex(o, "is_buildtime", NULL))
			l->latest = true;
		if (env_var_fill(&l->v[l->n], o))
			l->n++;
	}
	json_object_put(root);
	*out = l;
	return 0;
}

const struct env_var *env_list_find(const struct env_list *l, const char *key,
				    bool preview)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].preview == preview && !strcmp(l->v[i].key, key))
			return &l->v[i];
	return NULL;
}

bool envs_supported(const struct api *api, enum res_kind kind)
{
	return kind != RES_DB || api->current_api;
}

bool envs_shared_supported(const struct api *api)
{
	return api->current_api;
}

/* The target's list: its API path and its cache key. */
static char *envs_path(const struct env_target *t)
{
	char *owner = NULL, *project, *path;

	switch (t->owner) {
	case ENV_OWNER_PROJECT:
		owner = obj_member_path(obj_get(OBJ_PROJECT), NULL, t->uuid);
		break;
	case ENV_OWNER_ENV:
		project = obj_member_path(obj_get(OBJ_PROJECT), NULL,
					  t->project);
		owner = obj_member_path(obj_get(OBJ_ENV), project, t->uuid);
		free(project);
		break;
	case ENV_OWNER_SERVER:
		owner = obj_member_path(obj_get(OBJ_SERVER), NULL, t->uuid);
		break;
	case ENV_OWNER_TEAM:
		/* The token's team: /team, not /teams/{id} (NOTES §17.12). */
		return xstrdup("/team/envs");
	case ENV_OWNER_RESOURCE:
	case ENV_OWNERS:
		owner = obj_member_path(obj_get(obj_of_kind(t->kind)), NULL,
					t->uuid);
		break;
	}
	path = xasprintf("%s/envs", owner);
	free(owner);
	return path;
}

struct envs_load {
	struct api *api;
};

static int envs_load(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct envs_load *ctx = arg;
	struct http_response resp;
	struct env_list *l;
	int rc;

	http_response_init(&resp);
	rc = http_call(&ctx->api->http, "GET", key, NULL,
		       stale ? HTTP_STALE_OK : 0, &resp);
	if (!rc && env_list_parse(resp.body.buf, &l)) {
		log_error("GET %s: the answer is not a list of variables", key);
		rc = -EIO;
	}
	if (!rc) {
		*data = l;
		*free_data = env_list_free;
	}
	http_response_release(&resp);
	return rc;
}

bool envs_fresh(struct api *api, const struct env_target *t)
{
	char *path = envs_path(t);
	bool fresh = cache_fresh(&api->cache, path, api->cache_ttl);

	free(path);
	return fresh;
}

int envs_get(struct api *api, const struct env_target *t, struct cval **out)
{
	struct envs_load ctx = { api };
	char *path = envs_path(t);
	int rc;

	rc = cache_fetch(&api->cache, path, api->cache_ttl, envs_load, &ctx,
			 out);
	free(path);
	return rc;
}

bool envs_cached_has(struct api *api, const struct env_target *t,
		     const char *key)
{
	char *path = envs_path(t);
	struct cval *cv = cache_peek(&api->cache, path);
	bool has = cv && env_list_find(cv->data, key, t->preview);

	cval_put(cv);
	free(path);
	return has;
}

/* The variable as it is now (a copy, into *var, to release), or
 * -ENOENT. A fresh list is not forced: a change made elsewhere within
 * cache_ttl is not seen, as for every read. */
static int current_var(struct api *api, const struct env_target *t,
		       const char *key, struct env_var *var, bool *latest)
{
	const struct env_var *v;
	struct env_list *l;
	struct cval *cv;
	int rc, i;

	rc = envs_get(api, t, &cv);
	if (rc)
		return rc;
	l = cv->data;
	*latest = l->latest || api->current_api;
	v = env_list_find(l, key, t->preview);
	if (!v) {
		cval_put(cv);
		return -ENOENT;
	}
	*var = *v;
	var->uuid = xstrdup(v->uuid);
	var->key = xstrdup(v->key);
	var->value = xstrdup(v->value);
	for (i = 0; i < ENV_FLAGS; i++)
		var->flags[i] = v->flags[i];
	cval_put(cv);
	return 0;
}

/* The value the API will store for what was written: it trims (NOTES
 * §10.1), so compare like with like. */
static char *trimmed(const char *s)
{
	size_t start = strspn(s, " \t\r\n"), end = strlen(s);

	while (end > start && strchr(" \t\r\n", s[end - 1]))
		end--;
	return xstrndup(s + start, end - start);
}

/* Adds the flags an application PATCH must carry (NOTES §10.2: left out
 * means reset) for this generation. */
static void add_flags(struct json_object *body, const struct env_var *v,
		      enum res_kind kind, bool latest)
{
	int i;

	for (i = 0; i < ENV_FLAGS; i++) {
		const char *field = flag_fields[i][latest];

		if (!field || !v->has[i])
			continue;
		/* NOTES §10.2: the 2025 application endpoints answer 422 to
		 * is_multiline and is_shown_once. */
		if (!latest && kind == RES_APP &&
		    (i == ENV_MULTILINE || i == ENV_SHOWN_ONCE))
			continue;
		json_object_object_add(body, field,
				       json_object_new_boolean(v->flags[i]));
	}
}

/* ---- a resource's routes (NOTES §10, §17.4) ---- */

/* The body every resource change starts with: the key, its value, and
 * which set (applications only). */
static struct json_object *res_body(const struct env_target *t, const char *key,
				    const char *value)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "key", json_object_new_string(key));
	json_object_object_add(body, "value", json_object_new_string(value));
	if (t->kind == RES_APP)
		json_object_object_add(body, "is_preview",
				       json_object_new_boolean(t->preview));
	return body;
}

/* A value over several lines needs is_multiline where the API takes it
 * (not on 2025 application endpoints). */
static void res_multiline(struct json_object *body, const struct env_target *t,
			  const char *value, bool latest)
{
	if (strchr(value, '\n') && (latest || t->kind != RES_APP))
		json_object_object_add(body, "is_multiline",
				       json_object_new_boolean(1));
}

static void res_update(const struct env_target *t, const char *path,
		       const struct env_var *cur, const char *value,
		       bool latest, struct env_request *rq)
{
	rq->method = "PATCH";
	rq->path = xstrdup(path);
	rq->body = res_body(t, cur->key, value);
	/* NOTES §10.3: a service PATCH changes only what it is sent. */
	if (t->kind != RES_SVC)
		add_flags(rq->body, cur, t->kind, latest);
	res_multiline(rq->body, t, value, latest);
}

static void res_create(const struct env_target *t, const char *path,
		       const char *key, const char *value,
		       const struct env_var *like, bool latest,
		       struct env_request *rq)
{
	rq->method = "POST";
	rq->path = xstrdup(path);
	rq->body = res_body(t, key, value);
	if (like)
		add_flags(rq->body, like, t->kind, latest);
	res_multiline(rq->body, t, value, latest);
}

static void res_remove(const struct env_target *t, const char *path,
		       const struct env_var *cur, struct env_request *rq)
{
	(void)t;
	rq->method = "DELETE";
	rq->path = xasprintf("%s/%s", path, cur->uuid);
}

static void res_flag(const struct env_target *t, const char *path,
		     const struct env_var *cur, enum env_flag f, bool latest,
		     struct env_request *rq)
{
	(void)f;
	rq->method = "PATCH";
	rq->path = xstrdup(path);
	rq->body = res_body(t, cur->key, cur->value);
	add_flags(rq->body, cur, t->kind, latest);
}

static bool res_can_flag(const struct env_target *t, enum env_flag f,
			 bool latest)
{
	return flag_fields[f][latest] &&
	       !(!latest && t->kind == RES_APP &&
		 (f == ENV_MULTILINE || f == ENV_SHOWN_ONCE));
}

static const struct env_routes res_routes = {
	.update = res_update,
	.create = res_create,
	.remove = res_remove,
	.flag = res_flag,
	.rename = NULL, /* create, then delete: the API renames nothing */
	.can_flag = res_can_flag,
	.bulk = true,
	.flag_needs_value = true,
};

static const struct env_routes *routes_of(const struct env_target *t)
{
	return env_target_shared(t) ? &envs_shared_routes : &res_routes;
}

/* Sends one request with a JSON body; on success, *answer (if not NULL)
 * gets the parsed answer. */
static int send_json(struct api *api, const char *method, const char *path,
		     struct json_object *body, struct json_object **answer)
{
	struct http_response resp;
	int rc;

	http_response_init(&resp);
	rc = http_call(
	    &api->http, method, path,
	    body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN)
		 : NULL,
	    0, &resp);
	if (!rc && answer)
		*answer = model_json_parse(resp.body.buf);
	http_response_release(&resp);
	return rc;
}

/* Sends a request a routes row built, and releases it. */
static int send_request(struct api *api, struct env_request *rq,
			struct json_object **answer)
{
	int rc = send_json(api, rq->method, rq->path, rq->body, answer);

	json_object_put(rq->body);
	free(rq->path);
	memset(rq, 0, sizeof(*rq));
	return rc;
}

/* After a change: store the list with the API's new object for key in
 * it (and without the variable deleted_uuid names: a delete, or the old
 * key of a rename), or drop the list when the answer does not give
 * one. */
static void cache_update(struct api *api, const struct env_target *t,
			 struct json_object *obj, const char *deleted_uuid)
{
	char *path = envs_path(t);
	struct env_list *nl = NULL;
	struct env_var fresh;
	struct cval *cv;
	size_t i;

	cv = cache_peek(&api->cache, path);
	if (!cv || (obj && !env_var_fill(&fresh, obj)) ||
	    (!obj && !deleted_uuid)) {
		cache_invalidate(&api->cache, path);
		goto out;
	}
	nl = xcalloc(1, sizeof(*nl));
	nl->latest = ((struct env_list *)cv->data)->latest;
	nl->v = xcalloc(((struct env_list *)cv->data)->n + 1, sizeof(*nl->v));
	for (i = 0; i < ((struct env_list *)cv->data)->n; i++) {
		const struct env_var *v = &((struct env_list *)cv->data)->v[i];
		struct env_var *d = &nl->v[nl->n];

		if (deleted_uuid && !strcmp(v->uuid, deleted_uuid))
			continue;
		if (obj && v->preview == fresh.preview &&
		    !strcmp(v->key, fresh.key))
			continue;
		*d = *v;
		d->uuid = xstrdup(v->uuid);
		d->key = xstrdup(v->key);
		d->value = xstrdup(v->value);
		nl->n++;
	}
	if (obj)
		nl->v[nl->n++] = fresh;
	cache_store(&api->cache, path, nl, env_list_free);
out:
	cval_put(cv);
	free(path);
}

int envs_set(struct api *api, const struct env_target *t, const char *key,
	     const char *value, const struct env_var *like)
{
	const struct env_routes *routes = routes_of(t);
	struct json_object *answer = NULL;
	struct env_request rq = { 0 };
	char *path = envs_path(t), *want = trimmed(value);
	struct env_var cur;
	bool latest = api->current_api, exists;
	int rc;

	rc = current_var(api, t, key, &cur, &latest);
	if (rc && rc != -ENOENT)
		goto out;
	exists = !rc;
	if (exists && cur.value && !strcmp(cur.value, want)) {
		rc = 0; /* the same content is never sent twice */
		goto out_cur;
	}
	if (exists && !cur.value && !*want) {
		/* SPEC §3.1: a value the token may not read is never blanked
		 * by accident (`: > KEY`, or an editor's save of the empty
		 * buffer it got for an unreadable file). */
		log_error(
		    "not saved: %s holds a value this token may not read, "
		    "and an empty value would replace it",
		    key);
		rc = -EACCES;
		goto out_cur;
	}
	if (exists)
		routes->update(t, path, &cur, want, latest, &rq);
	else
		routes->create(t, path, key, want, like, latest, &rq);
	rc = send_request(api, &rq, &answer);
	if (!rc)
		/* A create can add a preview twin (NOTES §10.1), and a shared
		 * one answers only its id: refetch. */
		cache_update(api, t, exists ? answer : NULL, NULL);
out_cur:
	if (exists)
		env_var_release(&cur);
out:
	json_object_put(answer);
	explicit_bzero(want, strlen(want));
	free(want);
	free(path);
	return rc;
}

int envs_delete(struct api *api, const struct env_target *t, const char *key)
{
	struct env_request rq = { 0 };
	struct env_var cur;
	bool latest;
	char *path;
	int rc;

	rc = current_var(api, t, key, &cur, &latest);
	if (rc)
		return rc;
	path = envs_path(t);
	routes_of(t)->remove(t, path, &cur, &rq);
	rc = send_request(api, &rq, NULL);
	if (!rc || rc == -ENOENT)
		cache_update(api, t, NULL, cur.uuid);
	free(path);
	env_var_release(&cur);
	return rc;
}

int envs_rename(struct api *api, const struct env_target *t, const char *from,
		const char *to, bool noreplace)
{
	const struct env_routes *routes = routes_of(t);
	struct env_var cur, other;
	bool latest, taken;
	int rc;

	rc = current_var(api, t, from, &cur, &latest);
	if (rc)
		return rc;
	if (!cur.value && !routes->rename) {
		rc = -EACCES; /* hidden from this token: cannot be carried */
		goto out;
	}
	taken = !current_var(api, t, to, &other, &latest);
	if (taken)
		env_var_release(&other);
	if (taken && noreplace) {
		rc = -EEXIST;
		goto out;
	}
	if (routes->rename && !taken) {
		/* One request, and the variable keeps its id and flags; its
		 * value, hidden or not, is not carried. */
		struct json_object *answer = NULL;
		struct env_request rq = { 0 };
		char *path = envs_path(t);

		routes->rename(t, path, &cur, to, &rq);
		rc = send_request(api, &rq, &answer);
		if (!rc)
			cache_update(api, t, answer, cur.uuid);
		json_object_put(answer);
		free(path);
		goto out;
	}
	if (!cur.value) {
		rc = -EACCES; /* hidden from this token: cannot be carried */
		goto out;
	}
	rc = envs_set(api, t, to, cur.value, &cur);
	if (!rc)
		rc = envs_delete(api, t, from);
out:
	env_var_release(&cur);
	return rc;
}

int envs_set_flag(struct api *api, const struct env_target *t, const char *key,
		  enum env_flag flag, bool on)
{
	const struct env_routes *routes = routes_of(t);
	struct json_object *answer = NULL;
	struct env_request rq = { 0 };
	struct env_var cur;
	bool latest;
	char *path;
	int rc;

	rc = current_var(api, t, key, &cur, &latest);
	if (rc)
		return rc;
	if (!routes->can_flag(t, flag, latest)) {
		rc = -EINVAL;
		goto out;
	}
	if (!cur.value && routes->flag_needs_value) {
		/* The PATCH carries the value (NOTES §10.2): without it the
		 * API would blank a value we were never shown. */
		log_error("cannot change %s of %s: this token may not read its "
			  "value",
			  flag_names[flag], key);
		rc = -EACCES;
		goto out;
	}
	if (cur.flags[flag] == on)
		goto out;
	cur.flags[flag] = on;
	cur.has[flag] = true;
	path = envs_path(t);
	routes->flag(t, path, &cur, flag, latest, &rq);
	rc = send_request(api, &rq, &answer);
	if (!rc)
		cache_update(api, t, answer, NULL);
	json_object_put(answer);
	free(path);
out:
	env_var_release(&cur);
	return rc;
}

/* One item of a bulk request: the key's new value with the flags it
 * keeps (or a new variable's defaults). */
static struct json_object *bulk_item(const struct env_target *t,
				     const struct env_var *cur, const char *key,
				     const char *value, bool latest)
{
	struct json_object *item = json_object_new_object();

	json_object_object_add(item, "key", json_object_new_string(key));
	json_object_object_add(item, "value", json_object_new_string(value));
	if (t->kind == RES_APP)
		json_object_object_add(item, "is_preview",
				       json_object_new_boolean(t->preview));
	if (cur && t->kind != RES_SVC)
		add_flags(item, cur, t->kind, latest);
	if (strchr(value, '\n') && (latest || t->kind != RES_APP))
		json_object_object_add(item, "is_multiline",
				       json_object_new_boolean(1));
	return item;
}

/* After a failed bulk request: which of the keys sent now hold the value
 * sent, read back from the API, into out; returns how many. The API has
 * no transaction (NOTES §10.2), so this is the only way to say exactly
 * what was saved. */
/* Whether a bulk save sends value for a key that holds cur now. */
static bool bulk_changes(const struct env_var *cur, const char *value)
{
	return !cur || !cur->value || strcmp(cur->value, value);
}

static size_t bulk_outcome(struct api *api, const struct env_target *t,
			   const struct env_list *before,
			   const struct dotenv *want, struct buf *out)
{
	const struct env_list *l;
	struct cval *cv;
	char *path = envs_path(t);
	size_t i, n = 0;

	cache_invalidate(&api->cache, path);
	free(path);
	if (envs_get(api, t, &cv)) {
		buf_adds(out, "unknown (the list could not be read back)");
		return 0;
	}
	l = cv->data;
	for (i = 0; i < want->n; i++) {
		const struct env_var *now =
		    env_list_find(l, want->v[i].key, t->preview);
		char *value = trimmed(want->v[i].value);

		if (bulk_changes(env_list_find(before, want->v[i].key,
					       t->preview),
				 value) &&
		    now && now->value && !strcmp(now->value, value)) {
			buf_addf(out, "%s%s", out->len ? ", " : "",
				 want->v[i].key);
			n++;
		}
		free(value);
	}
	if (!out->len)
		buf_adds(out, "none");
	cval_put(cv);
	return n;
}

/* What a save of want needs checked before anything is sent: never
 * blank a value we were not shown (as envs_set), and, for routes that
 * take one request per key, nothing the API would refuse halfway. */
static int apply_check(const struct env_target *t, const struct env_list *l,
		       const struct dotenv *want)
{
	size_t i;

	for (i = 0; i < want->n; i++) {
		const struct env_var *cur =
		    env_list_find(l, want->v[i].key, t->preview);
		char *value = trimmed(want->v[i].value);
		bool blank = cur && !cur->value && !*value;

		free(value);
		if (blank) {
			log_error(
			    "envs.env not saved, nothing sent: %s holds a "
			    "value this token may not read, and the file "
			    "gives it an empty one",
			    want->v[i].key);
			return -EACCES;
		}
		/* The API's key rule (NOTES §17.4): max 255. */
		if (env_target_shared(t) && strlen(want->v[i].key) > 255) {
			log_error("envs.env not saved, nothing sent: the key "
				  "%.32s... is longer than 255 characters",
				  want->v[i].key);
			return -EINVAL;
		}
	}
	return 0;
}

/* The bulk request of a save: every changed and new key at once. On a
 * refusal, says which keys hold their new value now (no transaction,
 * NOTES §10.2). */
static int apply_bulk(struct api *api, const struct env_target *t,
		      const struct env_list *l, const struct dotenv *want,
		      struct buf *applied)
{
	struct json_object *body = json_object_new_object();
	struct json_object *data = json_object_new_array();
	struct buf sent = BUF_INIT;
	char *path = envs_path(t);
	size_t i;
	int rc = 0;

	json_object_object_add(body, "data", data);
	for (i = 0; i < want->n; i++) {
		const struct env_var *cur =
		    env_list_find(l, want->v[i].key, t->preview);
		char *value = trimmed(want->v[i].value);

		if (bulk_changes(cur, value)) {
			json_object_array_add(
			    data, bulk_item(t, cur, want->v[i].key, value,
					    l->latest || api->current_api));
			buf_addf(&sent, "%s%s", sent.len ? ", " : "",
				 want->v[i].key);
		}
		free(value);
	}
	if (json_object_array_length(data)) {
		char *bulk = xasprintf("%s/bulk", path);

		rc = send_json(api, "PATCH", bulk, body, NULL);
		free(bulk);
		if (rc) {
			struct buf now = BUF_INIT;
			size_t applied_n;

			/* NOTES §10.2: no transaction; items before a bad
			 * one are saved. */
			applied_n = bulk_outcome(api, t, l, want, &now);
			log_error("envs.env: the bulk request for %s failed; "
				  "holding their new values now: %s",
				  sent.buf, now.buf);
			buf_release(&now);
			/* A refusal that left part of the file saved is no
			 * longer the API's plain "invalid". */
			if (applied_n || (rc != -EINVAL && rc != -EACCES))
				rc = -EIO;
		} else {
			buf_addf(applied, "set %s", sent.buf);
		}
	}
	json_object_put(body);
	buf_release(&sent);
	free(path);
	return rc;
}

/* Routes without a bulk form (shared variables, NOTES §17.7): one POST
 * or PATCH per changed key, in the file's order. The first refusal
 * stops the save: its errno when nothing was sent before it, else -EIO
 * with what was saved in the log. */
static int apply_each(struct api *api, const struct env_target *t,
		      const struct env_list *l, const struct dotenv *want,
		      struct buf *applied)
{
	const struct env_routes *routes = routes_of(t);
	bool latest = l->latest || api->current_api;
	char *path = envs_path(t);
	size_t i;
	int rc = 0;

	for (i = 0; i < want->n && !rc; i++) {
		const struct env_var *cur =
		    env_list_find(l, want->v[i].key, t->preview);
		char *value = trimmed(want->v[i].value);
		struct env_request rq = { 0 };

		if (bulk_changes(cur, value)) {
			if (cur)
				routes->update(t, path, cur, value, latest,
					       &rq);
			else
				routes->create(t, path, want->v[i].key, value,
					       NULL, latest, &rq);
			rc = send_request(api, &rq, NULL);
			if (!rc)
				buf_addf(applied, "%s%s %s",
					 applied->len ? "; " : "",
					 cur ? "set" : "created",
					 want->v[i].key);
			else if (applied->len) {
				log_error("envs.env: setting %s failed after: "
					  "%s",
					  want->v[i].key, applied->buf);
				rc = -EIO;
			}
		}
		explicit_bzero(value, strlen(value));
		free(value);
	}
	free(path);
	return rc;
}

int envs_apply(struct api *api, const struct env_target *t,
	       const struct dotenv *want)
{
	const struct env_routes *routes = routes_of(t);
	struct buf applied = BUF_INIT;
	const struct env_list *l;
	struct cval *cv;
	char *path = envs_path(t);
	size_t i;
	int rc;

	rc = envs_get(api, t, &cv);
	if (rc)
		goto out;
	l = cv->data;
	rc = apply_check(t, l, want);
	if (rc)
		goto out_put;
	rc = routes->bulk ? apply_bulk(api, t, l, want, &applied)
			  : apply_each(api, t, l, want, &applied);
	if (rc)
		goto out_put;
	for (i = 0; i < l->n; i++) {
		const struct env_var *v = &l->v[i];
		struct env_request rq = { 0 };

		/* Only what the user could see can be taken away. */
		if (v->preview != t->preview || !v->value ||
		    dotenv_get(want, v->key))
			continue;
		routes->remove(t, path, v, &rq);
		rc = send_request(api, &rq, NULL);
		if (rc && rc != -ENOENT) {
			log_error("envs.env: deleting %s failed after: %s",
				  v->key,
				  applied.len ? applied.buf : "nothing else");
			rc = -EIO;
			goto out_put;
		}
		rc = 0;
		buf_addf(&applied, "%sdeleted %s", applied.len ? "; " : "",
			 v->key);
	}
	if (applied.len)
		log_info("envs.env saved: %s", applied.buf);
out_put:
	cval_put(cv);
	cache_invalidate(&api->cache, path);
out:
	buf_release(&applied);
	free(path);
	return rc;
}
