#include "api/crud.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/http.h"
#include "api/instance.h"
#include "base/log.h"
#include "api/objects.h"
#include "model/objlist.h"
#include "api/store.h"
#include "cache/saved.h"
#include "base/xalloc.h"

bool crud_supported(const struct api *api, enum api_obj obj)
{
	/* NOTES §17.7: environment endpoints are new in current Coolify. */
	return obj_supported(obj_get(obj), api->current_api);
}

/* ---- JSON helpers (pure) ---- */

static struct json_object *parse_object(const char *text)
{
	struct json_object *o = model_json_parse(text);

	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

bool crud_is_object(const char *text)
{
	struct json_object *o = parse_object(text);

	json_object_put(o);
	return o != NULL;
}

static bool is_number(struct json_object *o)
{
	return json_object_is_type(o, json_type_int) ||
	       json_object_is_type(o, json_type_double);
}

/* Equal as JSON values, at any depth: a number is the same whether it
 * is written 0.0 or 0, so a tool that rewrites it (jq prints the API's
 * 0.0 as 0, in a database's backup_configs) changes nothing. */
static bool same_json(struct json_object *a, struct json_object *b)
{
	size_t i, n;

	if (is_number(a) && is_number(b)) {
		if (json_object_is_type(a, json_type_int) &&
		    json_object_is_type(b, json_type_int))
			return json_object_get_int64(a) ==
			       json_object_get_int64(b);
		return json_object_get_double(a) == json_object_get_double(b);
	}
	if (json_object_is_type(a, json_type_array) &&
	    json_object_is_type(b, json_type_array)) {
		n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (i = 0; i < n; i++)
			if (!same_json(json_object_array_get_idx(a, i),
				       json_object_array_get_idx(b, i)))
				return false;
		return true;
	}
	if (json_object_is_type(a, json_type_object) &&
	    json_object_is_type(b, json_type_object)) {
		if (json_object_object_length(a) !=
		    json_object_object_length(b))
			return false;
		json_object_object_foreach(a, key, va)
		{
			struct json_object *vb;

			if (!json_object_object_get_ex(b, key, &vb) ||
			    !same_json(va, vb))
				return false;
		}
		return true;
	}
	return json_object_equal(a, b);
}

/* json-c reads NaN (not JSON, but its parser takes it) as a double that
 * equals nothing, itself included: then the text decides, so that a
 * field left as it was is never sent. */
static bool same_value(struct json_object *a, struct json_object *b)
{
	return same_json(a, b) ||
	       !strcmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
		       json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
}

int crud_diff(const char *base, const char *want, struct buf *out, size_t *n)
{
	struct json_object *w = parse_object(want), *b = parse_object(base);
	struct json_object *d;

	buf_reset(out);
	*n = 0;
	if (!w) {
		json_object_put(b);
		return -EINVAL;
	}
	d = json_object_new_object();
	json_object_object_foreach(w, key, val)
	{
		struct json_object *old;

		if (b && json_object_object_get_ex(b, key, &old) &&
		    same_value(old, val))
			continue;
		json_object_object_add(d, key, json_object_get(val));
		(*n)++;
	}
	buf_adds(out, json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(d);
	json_object_put(w);
	json_object_put(b);
	return 0;
}

static const char *obj_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool has_value(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v &&
	       !(json_object_is_type(v, json_type_string) &&
		 !json_object_get_string_len(v));
}

static void set_string(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s));
}

static const char *to_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Canonical padded base64, no newlines (NOTES §15.4). */
static char *base64_new(const char *s)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), i, o = 0;
	char *out = xmalloc((len + 2) / 3 * 4 + 1);

	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)(unsigned char)s[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)(unsigned char)s[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)s[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < len ? abc[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? abc[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* ---- paths and the cache ---- */

/* The API path of the object d's collection belongs to (caller frees),
 * or NULL for the mount's collections. */
static char *owner_path(const struct api_object *d, const struct crud_place *at)
{
	if (!at)
		return NULL;
	if (at->owner)
		return xstrdup(at->owner);
	if (d->owner == OWNER_PROJECT && at->project_uuid)
		return xasprintf("/projects/%s", at->project_uuid);
	return NULL;
}

static char *coll_path(const struct api_object *d, const struct crud_place *at)
{
	char *owner = owner_path(d, at), *p = obj_list_path(d, owner);

	free(owner);
	return p;
}

static char *obj_path(const struct api_object *d, const struct crud_place *at,
		      const char *uuid)
{
	char *owner = owner_path(d, at), *p = obj_member_path(d, owner, uuid);

	free(owner);
	return p;
}

/* Drops what a change of object uuid (NULL: a new one) makes stale. */
static void invalidate(struct api *api, const struct api_object *d,
		       const struct crud_place *at, const char *uuid)
{
	char *coll = coll_path(d, at);
	size_t i;

	cache_invalidate(&api->cache, coll);
	if (uuid) {
		char *p = obj_path(d, at, uuid);

		cache_invalidate_prefix(&api->cache, p);
		free(p);
	}
	/* An environment is listed in its project's object. */
	if (d->owner == OWNER_PROJECT) {
		char *p = xasprintf("/projects/%s", at->project_uuid);

		cache_invalidate_prefix(&api->cache, p);
		free(p);
	}
	/* A single object is part of what its owner's GET shows (a
	 * server's settings). */
	if (d->single && at && at->owner)
		cache_invalidate(&api->cache, at->owner);
	for (i = 0; d->stale[i]; i++)
		cache_invalidate(&api->cache, d->stale[i]);
	free(coll);
}

/* ---- sending ---- */

/* What a write's answer may mean beyond SPEC §5. */
static const struct http_quirk write_quirks[] = {
	/* The catch-all answer of a route the instance does not have, as
	 * opposed to a 404 about a missing object. */
	{ 404, "Not found.", HTTP_QUIRK_EXACT, -EOPNOTSUPP, "§1.1, §12",
	  "this instance has no such endpoint" },
	{ 400, "has resources", 0, -ENOTEMPTY, "§3.4", NULL },
	{ 0 },
};

/* Sends a write and logs its failure once. Returns 0 with the answer in
 * resp, or -errno: -EOPNOTSUPP for a route the instance lacks,
 * -ENOTEMPTY for NOTES §3.4's "has resources" refusal. */
static int send_write(struct api *api, const char *method, const char *path,
		      const char *body, struct http_response *resp)
{
	return http_call_quirks(&api->http, method, path, body, 0, write_quirks,
				resp);
}

/* The only server's uuid (caller frees), or -EINVAL when there are none
 * or several: then the JSON must say which. */
static int only_server(struct api *api, char **uuid)
{
	const struct objlist *l;
	struct cval *v;
	int rc;

	rc = instance_list(api, OBJ_SERVER, &v);
	if (rc)
		return rc;
	l = v->data;
	if (l->n == 1) {
		*uuid = xstrdup(l->v[0].uuid);
	} else {
		log_error("not created, nothing sent: the instance has %zu "
			  "servers; say which in \"server_uuid\"",
			  l->n);
		rc = -EINVAL;
	}
	cval_put(v);
	return rc;
}

/* Fills in what the endpoint needs from the place and the instance. */
static int fill(struct api *api, const struct api_object *d,
		const struct crud_place *at, struct json_object *o)
{
	char *server = NULL;
	int rc = 0;

	if (d->fill & OBJ_FILL_PLACE) {
		if (!has_value(o, "project_uuid") && at->project_uuid)
			set_string(o, "project_uuid", at->project_uuid);
		if (!has_value(o, "environment_uuid") &&
		    !has_value(o, "environment_name")) {
			if (at->env_uuid)
				set_string(o, "environment_uuid",
					   at->env_uuid);
			else if (at->env_name)
				set_string(o, "environment_name",
					   at->env_name);
		}
	}
	if (d->fill & OBJ_FILL_SERVER && !has_value(o, "server_uuid")) {
		rc = only_server(api, &server);
		if (!rc)
			set_string(o, "server_uuid", server);
	}
	free(server);
	return rc;
}

/* The create path for o: the collection's, or with "type" (which then
 * leaves the body) for kinds with several endpoints. */
static int create_path(const struct api *api, const struct api_object *d,
		       const struct crud_place *at, struct json_object *o,
		       char **path)
{
	const char *type = obj_string(o, "type");
	char *coll = coll_path(d, at);
	size_t i;

	/* objects.h's types_new: no type is the kind's old endpoint, and
	 * the 2025 API has that one only, which is sent the body as it is
	 * written (as before the types were). */
	if (!d->types || (d->types_new && (!type || !api->current_api))) {
		*path = coll;
		return 0;
	}
	for (i = 0; type && d->types[i]; i++)
		if (!strcmp(type, d->types[i]))
			break;
	if (!type || !d->types[i]) {
		struct buf list = BUF_INIT;

		for (i = 0; d->types[i]; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", d->types[i]);
		log_error("not created, nothing sent: \"type\" must be one "
			  "of %s",
			  list.buf);
		buf_release(&list);
		free(coll);
		return -EINVAL;
	}
	*path = xasprintf("%s/%s", coll, type);
	json_object_object_del(o, "type");
	free(coll);
	return 0;
}

/* The "uuid" of an answer (caller frees), or NULL. */
static char *answer_uuid(const struct http_response *resp)
{
	struct json_object *o = model_json_parse(resp->body.buf);
	char *uuid = xstrdup(obj_string(o, "uuid"));

	json_object_put(o);
	return uuid;
}

int crud_create(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *json, char **uuid)
{
	static const struct crud_place nowhere = { NULL, NULL, NULL, NULL };
	const struct api_object *d = obj_get(obj);
	struct json_object *o = parse_object(json);
	struct http_response resp;
	char *path = NULL;
	int rc;

	http_response_init(&resp);
	if (!at)
		at = &nowhere;
	if (!o) {
		log_error("not created, nothing sent: not a JSON object");
		rc = -EINVAL;
		goto out;
	}
	if (!crud_supported(api, obj)) {
		log_error("not created: this instance cannot create %ss",
			  d->name);
		rc = -EPERM;
		goto out;
	}
	rc = create_path(api, d, at, o, &path);
	if (!rc)
		rc = fill(api, d, at, o);
	if (!rc)
		rc = send_write(api, "POST", path, to_text(o), &resp);
	if (rc)
		goto out;
	invalidate(api, d, at, NULL);
	*uuid = answer_uuid(&resp);
	log_info("created %s %s", d->name, *uuid ? *uuid : "(no uuid given)");
out:
	http_response_release(&resp);
	json_object_put(o);
	free(path);
	return rc;
}

/* NOTES §6.3: a service PATCH replaces the whole service. What the
 * change leaves out is taken from the object as it was: its name,
 * description and network flag (else nulled), its place, and its
 * compose file, which the API wants base64 while the object shows it
 * plain, so the file's plain text is encoded either way. */
static int fill_whole(struct api *api, const struct api_object *d,
		      const struct crud_place *at, struct json_object *base,
		      struct json_object *o)
{
	static const char *const kept[] = { "name", "description",
					    "connect_to_docker_network" };
	struct json_object *v, *server;
	const char *compose;
	char *enc;
	size_t i;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (!json_object_object_get_ex(o, kept[i], NULL) && base &&
		    json_object_object_get_ex(base, kept[i], &v))
			json_object_object_add(o, kept[i], json_object_get(v));
	compose = obj_string(o, "docker_compose_raw");
	if (!compose)
		compose = obj_string(base, "docker_compose_raw");
	if (!compose) {
		log_error("not saved, nothing sent: the %s's compose file is "
			  "hidden from this token, and the API needs it",
			  d->name);
		return -EACCES;
	}
	enc = base64_new(compose);
	set_string(o, "docker_compose_raw", enc);
	free(enc);
	if (!has_value(o, "server_uuid") && base &&
	    json_object_object_get_ex(base, "server", &server) &&
	    obj_string(server, "uuid"))
		set_string(o, "server_uuid", obj_string(server, "uuid"));
	return fill(api, d, at, o);
}

/* Adds to o the fields of d->patch_keep it lacks, from a fresh GET of
 * the object at path. A field the token may not read stays out: the
 * API's refusal then says it is needed. */
static int fill_keep(struct api *api, const struct api_object *d,
		     const char *path, struct json_object *o)
{
	struct json_object *now, *v;
	struct http_response resp;
	size_t i;
	int rc;

	http_response_init(&resp);
	rc = http_call(&api->http, "GET", path, NULL, 0, &resp);
	now = rc ? NULL : parse_object(resp.body.buf);
	for (i = 0; now && d->patch_keep[i]; i++)
		if (!json_object_object_get_ex(o, d->patch_keep[i], NULL) &&
		    json_object_object_get_ex(now, d->patch_keep[i], &v))
			json_object_object_add(o, d->patch_keep[i],
					       json_object_get(v));
	json_object_put(now);
	explicit_bzero(resp.body.buf, resp.body.len);
	http_response_release(&resp);
	return rc;
}

/* The changed fields under the names the PATCH takes (objects.h's
 * renames: container.json's fqdn is sent as url, SPEC §6). */
static void rename_fields(const struct api_object *d, struct buf *diff)
{
	struct json_object *o, *r;

	if (!d->renames)
		return;
	o = parse_object(diff->buf);
	if (!o)
		return;
	r = json_object_new_object();
	json_object_object_foreach(o, key, val)
	{
		json_object_object_add(r, obj_sent_name(d, key),
				       json_object_get(val));
	}
	explicit_bzero(diff->buf, diff->len);
	buf_reset(diff);
	buf_adds(diff, to_text(r));
	json_object_put(r);
	json_object_put(o);
}

/* For rows patched on their collection (objects.h's patch_ids): *o, the
 * change, becomes the member's ids as base shows them, then the change.
 * A change of an id is refused: it would name another member. */
static int add_ids(const struct api_object *d, struct json_object *base,
		   struct json_object **o)
{
	struct json_object *body, *v;
	size_t i;

	for (i = 0; d->patch_ids[i]; i++) {
		if (json_object_object_get_ex(*o, d->patch_ids[i], NULL)) {
			log_error("not saved, nothing sent: \"%s\" says which "
				  "%s this is and cannot change",
				  d->patch_ids[i], d->name);
			return -EINVAL;
		}
	}
	body = json_object_new_object();
	for (i = 0; d->patch_ids[i]; i++)
		if (base &&
		    json_object_object_get_ex(base, d->patch_ids[i], &v))
			json_object_object_add(body, d->patch_ids[i],
					       json_object_get(v));
	json_object_object_foreach(*o, key, val)
		json_object_object_add(body, key, json_object_get(val));
	json_object_put(*o);
	*o = body;
	return 0;
}

/* Whether v is a value the API would store as no secret at all: null,
 * or a string of blanks (NOTES §1.1: trimmed, then "" is null). */
static bool blank_value(struct json_object *v)
{
	const char *s;

	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	for (s = json_object_get_string(v); *s; s++)
		if (!strchr(" \t\r\n\v", *s))
			return false;
	return true;
}

/* objects.h's no_blank: a change that would empty a secret is refused
 * before anything is sent. 0, or -EINVAL (logged). */
static int check_no_blank(const struct api_object *d, const char *uuid,
			  const char *diff)
{
	struct json_object *o, *v;
	const char *const *f;
	int rc = 0;

	if (!d->no_blank)
		return 0;
	o = parse_object(diff);
	for (f = d->no_blank; o && *f && !rc; f++) {
		if (json_object_object_get_ex(o, *f, &v) && blank_value(v)) {
			log_error("not saved, nothing sent: %s %s: \"%s\" would "
				  "be emptied, and the API would lose the secret "
				  "(leave the field out to keep it)",
				  d->name, uuid, *f);
			rc = -EINVAL;
		}
	}
	json_object_put(o);
	return rc;
}

int crud_update(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *uuid, const char *base, const char *want)
{
	const struct api_object *d = obj_get(obj);
	struct json_object *o = NULL, *b = NULL;
	struct http_response resp;
	struct buf diff = BUF_INIT;
	char *path = NULL;
	size_t n;
	int rc;

	http_response_init(&resp);
	rc = crud_diff(base, want, &diff, &n);
	if (rc) {
		log_error("not saved, nothing sent: not a JSON object");
		goto out;
	}
	if (!n) {
		/* uuid NULL: a single object of the mount's (objects.h). */
		log_debug("%s %s: nothing changed, nothing sent", d->name,
			  uuid ? uuid : d->path);
		goto out;
	}
	rc = check_no_blank(d, uuid, diff.buf);
	if (rc)
		goto out;
	rename_fields(d, &diff);
	if (d->patch_ids) {
		o = parse_object(diff.buf);
		b = parse_object(base);
		rc = add_ids(d, b, &o);
		if (rc)
			goto out;
		buf_reset(&diff);
		buf_adds(&diff, to_text(o));
		path = coll_path(d, at);
	} else {
		path = obj_path(d, at, uuid);
	}
	/* Not with patch_ids: no row has both. */
	if (!d->patch_ids && (d->patch_whole || d->patch_keep)) {
		o = parse_object(diff.buf);
		b = parse_object(base);
		rc = d->patch_whole ? fill_whole(api, d, at, b, o)
				    : fill_keep(api, d, path, o);
		if (rc)
			goto out;
		buf_reset(&diff);
		buf_adds(&diff, to_text(o));
	}
	rc = send_write(api, "PATCH", path, diff.buf, &resp);
	if (!rc) {
		invalidate(api, d, at, uuid);
		log_debug("PATCH %s: %zu field(s) changed", path, n);
	}
out:
	json_object_put(o);
	json_object_put(b);
	/* It may hold a secret (a private key, passwords). */
	explicit_bzero(diff.buf, diff.len);
	buf_release(&diff);
	http_response_release(&resp);
	free(path);
	return rc;
}

int crud_put_text(struct api *api, enum api_obj obj, const char *owner,
		  const struct obj_put_text *t, const char *text)
{
	const struct api_object *d = obj_get(obj);
	const struct crud_place at = { NULL, NULL, NULL, owner };
	struct json_object *o = json_object_new_object();
	struct http_response resp;
	char *enc = t->base64 ? base64_new(text) : NULL;
	char *obj_at = obj_list_path(d, owner);
	char *path = xasprintf("%s%s", obj_at, t->suffix);
	int rc;

	http_response_init(&resp);
	set_string(o, t->field, enc ? enc : text);
	rc = send_write(api, "PUT", path, to_text(o), &resp);
	if (!rc) {
		invalidate(api, d, &at, NULL);
		cache_invalidate_prefix(&api->cache, obj_at);
		log_debug("PUT %s: %zu bytes saved", path, strlen(text));
	}
	json_object_put(o);
	free(enc);
	free(obj_at);
	free(path);
	http_response_release(&resp);
	return rc;
}

int crud_rename(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *uuid, const char *base, const char *name)
{
	const struct api_object *d = obj_get(obj);
	struct json_object *o = base ? parse_object(base) : NULL;
	char *want;
	int rc;

	if (!(d->verbs & OBJ_RENAME) || !crud_supported(api, obj)) {
		log_error("not renamed, nothing sent: this instance cannot "
			  "rename %ss",
			  d->name);
		json_object_put(o);
		return -EOPNOTSUPP;
	}
	if (!o)
		o = json_object_new_object();
	set_string(o, "name", name);
	/* What differs from base is the name alone: crud_update() sends
	 * that (and what the row's PATCH needs besides). */
	want = xstrdup(to_text(o));
	rc = crud_update(api, obj, at, uuid, base ? base : "{}", want);
	if (!rc)
		log_info("renamed %s %s to \"%s\"", d->name, uuid, name);
	/* The object's text may hold secrets (NOTES §1.5). */
	explicit_bzero(want, strlen(want));
	free(want);
	json_object_put(o);
	return rc;
}

int crud_move(struct api *api, enum api_obj obj, const char *uuid,
	      const char *env_uuid)
{
	const struct api_object *d = obj_get(obj);
	struct json_object *o;
	struct http_response resp;
	char *opath, *path;
	int rc;

	/* NOTES §17.11: the move routes are new in current Coolify. */
	if (!(d->verbs & OBJ_MOVE) || !api->current_api) {
		log_error("not moved, nothing sent: this instance cannot move "
			  "%ss to another environment",
			  d->name);
		return -EOPNOTSUPP;
	}
	o = json_object_new_object();
	set_string(o, "environment_uuid", env_uuid);
	opath = obj_path(d, NULL, uuid);
	path = xasprintf("%s/move", opath);
	http_response_init(&resp);
	rc = send_write(api, "POST", path, to_text(o), &resp);
	if (!rc) {
		/* Its environment_id is in its kind's list. */
		invalidate(api, d, NULL, uuid);
		log_info("moved %s %s to environment %s", d->name, uuid,
			 env_uuid);
	}
	http_response_release(&resp);
	json_object_put(o);
	free(path);
	free(opath);
	return rc;
}

int crud_delete(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *uuid, const char *query)
{
	const struct api_object *d = obj_get(obj);
	struct http_response resp;
	char *opath = obj_path(d, at, uuid), *path;
	int rc;

	path = query && *query ? xasprintf("%s?%s", opath, query)
			       : xstrdup(opath);
	http_response_init(&resp);
	rc = send_write(api, "DELETE", path, NULL, &resp);
	if (!rc) {
		/* NOTES §4.3: resources go in a queued job, and the lists
		 * show them until it has run. */
		if (d->delete_queued)
			gone_add(&api->gone, uuid);
		invalidate(api, d, at, uuid);
		log_info("deleted %s %s", d->name, uuid);
	}
	http_response_release(&resp);
	free(path);
	free(opath);
	return rc;
}

int crud_mkdir(struct api *api, enum api_obj obj, const struct crud_place *at,
	       const char *name)
{
	struct json_object *o = json_object_new_object();
	char *uuid = NULL;
	int rc;

	set_string(o, "name", name);
	rc = crud_create(api, obj, at, to_text(o), &uuid);
	/* The catch-all 404 of an instance without the route: it cannot
	 * make directories here (mkdir(2)'s EPERM). */
	if (rc == -EOPNOTSUPP)
		rc = -EPERM;
	free(uuid);
	json_object_put(o);
	return rc;
}

int crud_put(struct api *api, const char *path, const char *json)
{
	struct json_object *o = parse_object(json);
	struct http_response resp;
	struct buf was = BUF_INIT;
	int rc;

	if (!o) {
		log_error("PUT %s: not saved, nothing sent: not a JSON object",
			  path);
		return -EINVAL;
	}
	/* What the object holds already, as the mount saved it: an editor
	 * that puts the old text back after a refused save (vim restores
	 * its backup) sends nothing, as a PATCH of no change does. */
	if (!saved_get(&api->saved, path, &was)) {
		struct json_object *w = parse_object(was.buf);
		bool same = w && json_object_equal(w, o);

		json_object_put(w);
		buf_release(&was);
		if (same) {
			log_debug("PUT %s: nothing changed, nothing sent",
				  path);
			json_object_put(o);
			return 0;
		}
	}
	http_response_init(&resp);
	rc = send_write(api, "PUT", path, to_text(o), &resp);
	if (!rc) {
		saved_set(&api->saved, path, to_text(o));
		log_debug("PUT %s: saved", path);
	}
	http_response_release(&resp);
	json_object_put(o);
	return rc;
}
