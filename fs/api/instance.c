#include "api/instance.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/http.h"
#include "base/log.h"
#include "api/store.h"
#include "base/xalloc.h"

/* What a loader needs; lives on the caller's stack during cache_fetch. */
struct load_ctx {
	struct api *api;
	const struct objlist_spec *spec;
};

static int load_list(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct http_response resp;
	struct objlist *l;
	int rc;

	http_response_init(&resp);
	rc = http_call(&ctx->api->http, "GET", key, NULL,
		       stale ? HTTP_STALE_OK : 0, &resp);
	if (!rc && objlist_parse(resp.body.buf, ctx->spec, &l)) {
		log_error("GET %s: the answer is not the JSON the API "
			  "documents",
			  key);
		rc = -EIO;
	}
	if (!rc) {
		*data = l;
		*free_data = objlist_free;
	}
	http_response_release(&resp);
	return rc;
}

/* How a row's lists are read. Its secrets are dropped on arrival (SPEC
 * §2). */
static struct objlist_spec spec_of(const struct api_object *o)
{
	const struct objlist_spec spec = {
		.id_key = o->id_field,
		.drop = o->secrets,
		.reserved = o->reserved,
		.moved = o->moved,
		.list_key = o->list_key,
		.groups = o->groups,
		.group_field = o->group_field,
		.name_key = o->name_field,
		.id_path = o->id_path,
	};

	return spec;
}

int instance_list_at(struct api *api, enum api_obj obj, const char *path,
		     struct cval **out)
{
	const struct api_object *o = obj_get(obj);
	const struct objlist_spec spec = spec_of(o);
	struct load_ctx ctx = { api, &spec };
	/* A history of runs changes while one runs, and tail -f of its
	 * output polls it: reused a second at most, as a log is polled. */
	unsigned ttl = o->runs && api->cache_ttl > 1 ? 1 : api->cache_ttl;

	if (o->ttl == OBJ_TTL_STATUS)
		ttl = store_status_ttl(api);

	return cache_fetch(&api->cache, path, ttl, load_list, &ctx, out);
}

/* Rows in a joined collection: the row and its with rows. */
#define JOIN_MAX 4

int instance_list_joined(struct api *api, enum api_obj obj, const char *owner,
			 struct cval **out)
{
	const struct api_object *o = obj_get(obj);
	const struct objlist_spec spec = spec_of(o);
	const struct objlist *lists[JOIN_MAX];
	struct cval *v[JOIN_MAX];
	size_t n = 0, i;
	int rc = 0;

	do {
		enum api_obj k = obj_source(obj, (unsigned)n);
		char *path = obj_list_path(obj_get(k), owner);

		rc = instance_list_at(api, k, path, &v[n]);
		free(path);
		if (rc)
			break;
		lists[n] = v[n]->data;
		n++;
	} while (n < JOIN_MAX && o->with && o->with[n - 1] != OBJS);
	if (!rc)
		*out = cval_new(objlist_join(lists, n, &spec), objlist_free);
	for (i = 0; i < n; i++)
		cval_put(v[i]);
	return rc;
}

int instance_list(struct api *api, enum api_obj obj, struct cval **out)
{
	return instance_list_at(api, obj, obj_get(obj)->path, out);
}

int instance_current_team(struct api *api, struct buf *out)
{
	/* NOTES §13, §17.12: /teams/current is the UI session's team, not
	 * necessarily the token's; current Coolify has /team, which is. */
	const char *path = api->current_api ? "/team" : "/teams/current";
	struct cval *v;
	char *id;
	int rc;

	rc = store_json(api, path, &v);
	if (rc)
		return rc;
	id = objlist_object_id(v->data, "id");
	cval_put(v);
	if (!id) {
		log_error("GET %s: the answer names no team", path);
		return -EIO;
	}
	rc = buf_adds(out, id);
	free(id);
	return rc;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A version is "4.3.11", "4.0.0-beta.419", "v4.0.0": a digit first (after
 * an optional "v"), then nothing that would not be in one. */
static bool looks_like_version(const char *s, size_t len)
{
	size_t i = 0;

	if (len && (s[0] == 'v' || s[0] == 'V'))
		i++;
	if (i >= len || s[i] < '0' || s[i] > '9')
		return false;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"'<>{}[]\\", c))
			return false;
	}
	return true;
}

int instance_version_parse(const char *body, size_t len, char **version)
{
	struct json_object *root = NULL;
	const char *s = body;
	size_t n = len;
	int rc = -EPROTO;

	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (n > 256) /* no version is; an HTML page may be */
		goto out;
	if (n && *s != '"') {
		/* Coolify's own form: the first line is the version. */
		const char *eol = memchr(s, '\n', n);

		if (eol)
			n = (size_t)(eol - s);
		while (n && is_blank(s[n - 1]))
			n--;
	} else if (n) {
		/* The spec's form: a JSON string. Decoded, not just
		 * unquoted, so an escape cannot slip through. */
		struct json_tokener *tok = json_tokener_new();

		root = json_tokener_parse_ex(tok, s, (int)n);
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    json_tokener_get_parse_end(tok) != n) {
			json_object_put(root);
			root = NULL;
		}
		json_tokener_free(tok);
		if (!json_object_is_type(root, json_type_string))
			goto out;
		s = json_object_get_string(root);
		n = (size_t)json_object_get_string_len(root);
	}
	if (!looks_like_version(s, n))
		goto out;
	*version = xstrndup(s, n);
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

bool instance_version_current(const char *version)
{
	if (*version == 'v' || *version == 'V')
		version++;
	return strncmp(version, "4.0.0-beta", 10) != 0;
}

int instance_check(struct http *h, const char *url, char **version,
		   struct buf *why)
{
	struct http_response resp;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = http_call(h, "GET", "/version", NULL, HTTP_QUIET, &resp);
	if (resp.status)
		http_api_message(&resp, &msg);
	/* NOTES §13: Coolify answers plain text; the official spec says a
	 * JSON string. Either is a version; a web page is not. */
	if (!rc) {
		rc = instance_version_parse(resp.body.buf, resp.body.len,
					    version);
		if (rc)
			buf_addf(why,
				 "%s does not answer like a Coolify API (GET "
				 "/api/v1/version gave no version)",
				 url);
	} else if (resp.status == 401) {
		buf_addf(why, "%s refused the token (401 %s)", url, msg.buf);
	} else if (resp.status == 403 && strstr(msg.buf, "disabled")) {
		buf_addf(why,
			 "the API of %s is disabled (403 %s); enable it in "
			 "Settings > Advanced",
			 url, msg.buf);
	} else if (resp.status == 403) {
		buf_addf(why, "%s denied access (403 %s)", url, msg.buf);
	} else if (resp.status == 404) {
		buf_addf(why,
			 "%s is not a Coolify API (GET /api/v1/version: 404)",
			 url);
	} else if (resp.status) {
		buf_addf(why, "%s answered %ld %s", url, resp.status, msg.buf);
	} else if (rc == -ECONNREFUSED) {
		buf_addf(why, "cannot reach %s: connection refused", url);
	} else if (rc == -EHOSTUNREACH) {
		buf_addf(why, "cannot reach %s: %s", url,
			 resp.error[0] ? resp.error : "host unreachable");
	} else if (rc == -ETIMEDOUT) {
		buf_addf(why, "%s did not answer within %ld s", url,
			 h->timeout_ms / 1000);
	} else {
		buf_addf(why, "cannot reach %s: %s", url,
			 resp.error[0] ? resp.error : strerror(-rc));
	}
	buf_release(&msg);
	http_response_release(&resp);
	return rc;
}
