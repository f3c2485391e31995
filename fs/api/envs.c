#include "api/envs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

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

static char *envs_path(enum res_kind kind, const char *uuid)
{
	return xasprintf("%s/%s/envs", obj_kind_path(kind), uuid);
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

bool envs_fresh(struct api *api, enum res_kind kind, const char *uuid)
{
	char *path = envs_path(kind, uuid);
	bool fresh = cache_fresh(&api->cache, path, api->cache_ttl);

	free(path);
	return fresh;
}

int envs_get(struct api *api, enum res_kind kind, const char *uuid,
	     struct cval **out)
{
	struct envs_load ctx = { api };
	char *path = envs_path(kind, uuid);
	int rc;

	rc = cache_fetch(&api->cache, path, api->cache_ttl, envs_load, &ctx,
			 out);
	free(path);
	return rc;
}

bool envs_cached_has(struct api *api, enum res_kind kind, const char *uuid,
		     const char *key, bool preview)
{
	char *path = envs_path(kind, uuid);
	struct cval *cv = cache_peek(&api->cache, path);
	bool has = cv && env_list_find(cv->data, key, preview);

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

	rc = envs_get(api, t->kind, t->uuid, &cv);
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

/* After a change: store the list with the API's new object for key in
 * it, or drop the list when the answer does not give one. */
static void cache_update(struct api *api, const struct env_target *t,
			 struct json_object *obj, const char *deleted_uuid)
{
	char *path = envs_path(t->kind, t->uuid);
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
	struct json_object *body = json_object_new_object(), *answer = NULL;
	char *path = envs_path(t->kind, t->uuid), *want = trimmed(value);
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
	json_object_object_add(body, "key", json_object_new_string(key));
	json_object_object_add(body, "value", json_object_new_string(want));
	if (t->kind == RES_APP)
		json_object_object_add(body, "is_preview",
				       json_object_new_boolean(t->preview));
	if (exists && t->kind != RES_SVC)
		add_flags(body, &cur, t->kind, latest);
	else if (!exists && like)
		add_flags(body, like, t->kind, latest);
	/* A value over several lines needs is_multiline where the API
	 * takes it (not on 2025 application endpoints). */
	if (strchr(want, '\n') && (latest || t->kind != RES_APP))
		json_object_object_add(body, "is_multiline",
				       json_object_new_boolean(1));
	rc = send_json(api, exists ? "PATCH" : "POST", path, body, &answer);
	if (!rc)
		/* A create can add a preview twin (NOTES §10.1): refetch. */
		cache_update(api, t, exists ? answer : NULL, NULL);
out_cur:
	if (exists)
		env_var_release(&cur);
out:
	json_object_put(answer);
	json_object_put(body);
	explicit_bzero(want, strlen(want));
	free(want);
	free(path);
	return rc;
}

int envs_delete(struct api *api, const struct env_target *t, const char *key)
{
	struct env_var cur;
	bool latest;
	char *path;
	int rc;

	rc = current_var(api, t, key, &cur, &latest);
	if (rc)
		return rc;
	path = xasprintf("%s/%s/envs/%s", obj_kind_path(t->kind), t->uuid,
			 cur.uuid);
	rc = send_json(api, "DELETE", path, NULL, NULL);
	if (!rc || rc == -ENOENT)
		cache_update(api, t, NULL, cur.uuid);
	free(path);
	env_var_release(&cur);
	return rc;
}

int envs_rename(struct api *api, const struct env_target *t, const char *from,
		const char *to, bool noreplace)
{
	struct env_var cur, other;
	bool latest;
	int rc;

	rc = current_var(api, t, from, &cur, &latest);
	if (rc)
		return rc;
	if (!cur.value) {
		rc = -EACCES; /* hidden from this token: cannot be carried */
		goto out;
	}
	if (!current_var(api, t, to, &other, &latest)) {
		env_var_release(&other);
		if (noreplace) {
			rc = -EEXIST;
			goto out;
		}
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
	struct json_object *body, *answer = NULL;
	struct env_var cur;
	bool latest;
	char *path;
	int rc;

	rc = current_var(api, t, key, &cur, &latest);
	if (rc)
		return rc;
	if (!flag_fields[flag][latest] ||
	    (!latest && t->kind == RES_APP &&
	     (flag == ENV_MULTILINE || flag == ENV_SHOWN_ONCE))) {
		rc = -EINVAL;
		goto out;
	}
	if (!cur.value) {
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
	body = json_object_new_object();
	json_object_object_add(body, "key", json_object_new_string(key));
	json_object_object_add(body, "value",
			       json_object_new_string(cur.value));
	if (t->kind == RES_APP)
		json_object_object_add(body, "is_preview",
				       json_object_new_boolean(t->preview));
	add_flags(body, &cur, t->kind, latest);
	path = envs_path(t->kind, t->uuid);
	rc = send_json(api, "PATCH", path, body, &answer);
	if (!rc)
		cache_update(api, t, answer, NULL);
	json_object_put(answer);
	json_object_put(body);
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
	char *path = envs_path(t->kind, t->uuid);
	size_t i, n = 0;

	cache_invalidate(&api->cache, path);
	free(path);
	if (envs_get(api, t->kind, t->uuid, &cv)) {
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

int envs_apply(struct api *api, const struct env_target *t,
	       const struct dotenv *want)
{
	struct json_object *body, *data;
	struct buf applied = BUF_INIT, sent = BUF_INIT;
	const struct env_list *l;
	struct cval *cv;
	char *path = envs_path(t->kind, t->uuid);
	size_t i;
	int rc;

	rc = envs_get(api, t->kind, t->uuid, &cv);
	if (rc)
		goto out;
	l = cv->data;
	for (i = 0; i < want->n; i++) {
		const struct env_var *cur =
		    env_list_find(l, want->v[i].key, t->preview);
		char *value = trimmed(want->v[i].value);
		bool blank = cur && !cur->value && !*value;

		free(value);
		if (blank) {
			/* As envs_set: never blank a value we were not shown;
			 * the whole file is refused before anything is sent. */
			log_error(
			    "envs.env not saved, nothing sent: %s holds a "
			    "value this token may not read, and the file "
			    "gives it an empty one",
			    want->v[i].key);
			cval_put(cv);
			rc = -EACCES;
			goto out;
		}
	}
	body = json_object_new_object();
	data = json_object_new_array();
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
			goto out_put;
		}
		buf_addf(&applied, "set %s", sent.buf);
	}
	for (i = 0; i < l->n; i++) {
		const struct env_var *v = &l->v[i];
		char *del;

		/* Only what the user could see can be taken away. */
		if (v->preview != t->preview || !v->value ||
		    dotenv_get(want, v->key))
			continue;
		del = xasprintf("%s/%s", path, v->uuid);
		rc = send_json(api, "DELETE", del, NULL, NULL);
		free(del);
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
	json_object_put(body);
	cval_put(cv);
	cache_invalidate(&api->cache, path);
out:
	buf_release(&applied);
	buf_release(&sent);
	free(path);
	return rc;
}
