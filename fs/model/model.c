#include "model/model.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <uthash.h>

#include "model/jsonlist.h"
#include "model/names.h"
#include "base/xalloc.h"

struct model_res_index {
	const char *uuid; /* borrowed from the resource */
	size_t idx;
	UT_hash_handle hh;
};

struct model_env_group {
	long env_id;
	const struct model_resource **v; /* sorted by dirname */
	size_t n;
	UT_hash_handle hh;
};

static const int json_flags =
    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

time_t model_parse_time(const char *s)
{
	struct tm tm;
	const char *end;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	}
	if (!end)
		return 0;
	return timegm(&tm);
}

const char *model_jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static long jlong(struct json_object *o, const char *key, long dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	if (json_object_is_type(v, json_type_int))
		return (long)json_object_get_int64(v);
	/* Some id columns come as strings (NOTES §2.2). */
	if (json_object_is_type(v, json_type_string))
		return strtol(json_object_get_string(v), NULL, 10);
	return dflt;
}

static char *jdup(struct json_object *o, const char *key)
{
	return xstrdup(model_jstr(o, key));
}

/* The string at key, or dflt when there is none. */
static const char *jstr_or(struct json_object *o, const char *key,
			   const char *dflt)
{
	const char *s = model_jstr(o, key);

	return s ? s : dflt;
}

/* The elements of a list that may come as an array or as an object keyed
 * by number strings (NOTES §2.4). Returns them in order in a new array
 * (borrowed elements), or NULL with *n = 0 when root is neither. */
static struct json_object **list_items(struct json_object *root, size_t *n)
{
	struct json_object **items;
	size_t i = 0;

	*n = 0;
	if (json_object_is_type(root, json_type_array)) {
		*n = json_object_array_length(root);
		items = xcalloc(*n, sizeof(*items));
		for (i = 0; i < *n; i++)
			items[i] = json_object_array_get_idx(root, i);
		return items;
	}
	if (!json_object_is_type(root, json_type_object))
		return NULL;
	json_object_object_foreach(root, key, val) {
		(void)val;
		if (!*key || strspn(key, "0123456789") != strlen(key))
			return NULL; /* an object, not a list */
	}
	*n = (size_t)json_object_object_length(root);
	items = xcalloc(*n, sizeof(*items));
	json_object_object_foreach (root, k, v) {
		(void)k;
		items[i++] = v;
	}
	return items;
}

struct json_object *model_json_parse(const char *json)
{
	struct json_tokener *tok;
	struct json_object *root;
	size_t len;

	if (!json)
		return NULL;
	len = strlen(json);
	tok = json_tokener_new();
	/* Strict: no trailing commas, no text after the value (an HTML error
	 * page glued to a list must not pass for the list). */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (root && json_tokener_get_error(tok) == json_tokener_success &&
	    strspn(json + json_tokener_get_parse_end(tok), " \t\r\n") !=
		    len - json_tokener_get_parse_end(tok)) {
		json_object_put(root);
		root = NULL;
	}
	if (!root && json_tokener_get_error(tok) == json_tokener_continue)
		root = NULL;
	json_tokener_free(tok);
	return root;
}

static struct json_object *parse(const char *json)
{
	return model_json_parse(json);
}

struct json_object **model_json_items(struct json_object *root, size_t *n)
{
	return list_items(root, n);
}

int model_list_each(const char *json,
		    int (*each)(void *arg, struct json_object *item), void *arg)
{
	struct jsonlist *l;
	int rc;

	if (!json)
		return -EIO;
	l = jsonlist_new(each, arg);
	rc = jsonlist_feed(l, json, strlen(json));
	if (!rc)
		rc = jsonlist_end(l);
	jsonlist_free(l);
	return rc;
}

/* ---- projects ---- */

void model_projects_free(void *p)
{
	struct model_projects *ps = p;
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].uuid);
		free(ps->v[i].name);
		free(ps->v[i].dirname);
	}
	free(ps->v);
	free(ps);
}

/* Gives each of n records its entry name; name and uuid are read from
 * the records at the given byte offsets, the result stored at dirname_off. */
static void assign_dirnames(void *records, size_t size, size_t n,
			    size_t name_off, size_t uuid_off,
			    size_t dirname_off)
{
	const char **names = xcalloc(n, sizeof(*names));
	const char **uuids = xcalloc(n, sizeof(*uuids));
	char **out = xcalloc(n, sizeof(*out));
	char *base = records;
	size_t i;

	for (i = 0; i < n; i++) {
		names[i] = *(char **)(base + i * size + name_off);
		uuids[i] = *(char **)(base + i * size + uuid_off);
	}
	names_assign(names, uuids, n, out);
	for (i = 0; i < n; i++)
		*(char **)(base + i * size + dirname_off) = out[i];
	free(names);
	free(uuids);
	free(out);
}

#define ASSIGN_DIRNAMES(arr, n, type)                                   \
	assign_dirnames((arr), sizeof(type), (n), offsetof(type, name), \
			offsetof(type, uuid), offsetof(type, dirname))

int model_projects_parse(const char *json, struct model_projects **out)
{
	struct json_object *root = parse(json), **items;
	struct model_projects *ps;
	size_t n, i, k = 0;

	items = root ? list_items(root, &n) : NULL;
	if (!items) {
		json_object_put(root);
		return -EIO;
	}
	ps = xcalloc(1, sizeof(*ps));
	ps->v = xcalloc(n, sizeof(*ps->v));
	for (i = 0; i < n; i++) {
		const char *uuid = model_jstr(items[i], "uuid");

		if (!uuid)
			continue;
		ps->v[k].uuid = xstrdup(uuid);
		ps->v[k].name = xstrdup(jstr_or(items[i], "name", uuid));
		ps->v[k].id = jlong(items[i], "id", -1);
		k++;
	}
	ps->n = k;
	ASSIGN_DIRNAMES(ps->v, ps->n, struct model_project);
	free(items);
	json_object_put(root);
	*out = ps;
	return 0;
}

const struct model_project *model_projects_find(const struct model_projects *ps,
						const char *dirname)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].dirname, dirname))
			return &ps->v[i];
	return NULL;
}

/* ---- project detail ---- */

void model_project_detail_free(void *p)
{
	struct model_project_detail *d = p;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nenvs; i++) {
		free(d->envs[i].uuid);
		free(d->envs[i].name);
		free(d->envs[i].dirname);
		free(d->envs[i].json);
	}
	free(d->envs);
	free(d->uuid);
	free(d->name);
	free(d->json);
	free(d);
}

/* Names the environments; a reserved name takes part as a sibling that
 * is never shown, so an environment of that name is a twin and shows as
 * NAME@UUID (as objlist.c does for collections). */
static void assign_env_dirnames(struct model_project_detail *d,
				const char *const *reserved)
{
	const char *const *r;
	size_t nres = 0, n, i;
	const char **names, **uuids;
	char **out;

	for (r = reserved; r && *r; r++)
		nres++;
	n = d->nenvs + nres;
	names = xcalloc(n ? n : 1, sizeof(*names));
	uuids = xcalloc(n ? n : 1, sizeof(*uuids));
	out = xcalloc(n ? n : 1, sizeof(*out));
	for (i = 0; i < d->nenvs; i++) {
		names[i] = d->envs[i].name;
		uuids[i] = d->envs[i].uuid;
	}
	for (i = 0; i < nres; i++) {
		names[d->nenvs + i] = reserved[i];
		uuids[d->nenvs + i] = "";
	}
	names_assign(names, uuids, n, out);
	for (i = 0; i < d->nenvs; i++)
		d->envs[i].dirname = out[i];
	for (i = d->nenvs; i < n; i++)
		free(out[i]);
	free(names);
	free(uuids);
	free(out);
}

int model_project_detail_parse(const char *json,
			       struct model_project_detail **out)
{
	return model_project_detail_parse_reserving(json, NULL, out);
}

int model_project_detail_parse_reserving(const char *json,
					 const char *const *reserved,
					 struct model_project_detail **out)
{
	struct json_object *root = parse(json), *envs = NULL, **items = NULL;
	struct model_project_detail *d;
	size_t n = 0, i, k = 0;

	if (!root || !json_object_is_type(root, json_type_object) ||
	    !model_jstr(root, "uuid")) {
		json_object_put(root);
		return -EIO;
	}
	d = xcalloc(1, sizeof(*d));
	d->uuid = jdup(root, "uuid");
	d->name = xstrdup(jstr_or(root, "name", d->uuid));
	d->mtime = model_parse_time(model_jstr(root, "updated_at"));
	d->json = xstrdup(json_object_to_json_string_ext(root, json_flags));
	if (json_object_object_get_ex(root, "environments", &envs))
		items = list_items(envs, &n);
	d->envs = xcalloc(n, sizeof(*d->envs));
	for (i = 0; i < n; i++) {
		struct model_env *e = &d->envs[k];

		if (!model_jstr(items[i], "name"))
			continue;
		e->id = jlong(items[i], "id", -1);
		e->name = jdup(items[i], "name");
		/* 2025 instances before the uuid column have none. */
		e->uuid = xstrdup(jstr_or(items[i], "uuid", e->name));
		e->mtime = model_parse_time(model_jstr(items[i], "updated_at"));
		e->json = xstrdup(
		    json_object_to_json_string_ext(items[i], json_flags));
		k++;
	}
	d->nenvs = k;
	assign_env_dirnames(d, reserved);
	free(items);
	json_object_put(root);
	*out = d;
	return 0;
}

const struct model_env *model_project_env(const struct model_project_detail *d,
					  const char *dirname)
{
	size_t i;

	for (i = 0; i < d->nenvs; i++)
		if (!strcmp(d->envs[i].dirname, dirname))
			return &d->envs[i];
	return NULL;
}

const struct model_env *
model_project_env_by_id(const struct model_project_detail *d, long id)
{
	size_t i;

	for (i = 0; i < d->nenvs; i++)
		if (d->envs[i].id == id)
			return &d->envs[i];
	return NULL;
}

/* ---- resources ---- */

void model_resources_free(void *p)
{
	struct model_resources *rs = p;
	struct model_res_index *ix, *ixt;
	struct model_env_group *g, *gt;
	size_t i;

	if (!rs)
		return;
	HASH_ITER (hh, rs->by_uuid, ix, ixt) {
		HASH_DEL(rs->by_uuid, ix);
		free(ix);
	}
	HASH_ITER (hh, rs->by_env, g, gt) {
		HASH_DEL(rs->by_env, g);
		free(g->v);
		free(g);
	}
	for (i = 0; i < rs->n; i++) {
		struct model_resource *r = &rs->v[i];

		free(r->uuid);
		free(r->name);
		free(r->dirname);
		free(r->db_type);
		free(r->status);
		packed_release(&r->json);
	}
	free(rs->v);
	free(rs->dict.text);
	packer_free(rs->packer);
	free(rs);
}

/* "standalone-postgresql" -> "postgresql" */
static char *db_type_of(const char *s)
{
	static const char prefix[] = "standalone-";

	if (!s)
		return NULL;
	if (!strncmp(s, prefix, sizeof(prefix) - 1))
		s += sizeof(prefix) - 1;
	return xstrdup(s);
}

static void resource_fill(struct model_resources *rs,
			  struct model_resource *r, enum res_kind kind,
			  struct json_object *o, bool keep_json)
{
	r->kind = kind;
	r->uuid = jdup(o, "uuid");
	r->name = xstrdup(jstr_or(o, "name", r->uuid));
	r->env_id = jlong(o, "environment_id", -1);
	r->status = xstrdup(jstr_or(o, "status", ""));
	r->mtime = model_parse_time(model_jstr(o, "updated_at"));
	if (kind == RES_DB)
		r->db_type =
		    db_type_of(jstr_or(o, "database_type", model_jstr(o, "type")));
	if (keep_json) {
		size_t len;
		const char *json =
		    json_object_to_json_string_length(o, json_flags, &len);

		/* The first object stands for the others (pack.h). */
		if (!rs->dict.text) {
			rs->dict.text = xstrndup(json, len);
			rs->dict.len = len;
			rs->packer = packer_new();
		}
		pack_text(rs->packer, &rs->dict, json, len, &r->json);
		r->dict = &rs->dict;
	}
}

char *model_resource_json(const struct model_resource *r)
{
	return unpack_text(r->dict, &r->json);
}

static int cmp_dirname(const void *a, const void *b)
{
	const struct model_resource *const *x = a, *const *y = b;

	return strcmp((*x)->dirname, (*y)->dirname);
}

/* Builds the uuid index and the per-environment groups, naming each
 * resource uniquely among its environment's resources of the kind. */
static void resources_index(struct model_resources *rs)
{
	struct model_env_group *g, *gt;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		struct model_res_index *ix = xcalloc(1, sizeof(*ix));

		ix->uuid = rs->v[i].uuid;
		ix->idx = i;
		HASH_ADD_KEYPTR(hh, rs->by_uuid, ix->uuid, strlen(ix->uuid),
				ix);
		HASH_FIND(hh, rs->by_env, &rs->v[i].env_id, sizeof(long), g);
		if (!g) {
			g = xcalloc(1, sizeof(*g));
			g->env_id = rs->v[i].env_id;
			g->v = xcalloc(rs->n, sizeof(*g->v));
			HASH_ADD(hh, rs->by_env, env_id, sizeof(long), g);
		}
		g->v[g->n++] = &rs->v[i];
	}
	HASH_ITER (hh, rs->by_env, g, gt) {
		const char **names = xcalloc(g->n, sizeof(*names));
		const char **uuids = xcalloc(g->n, sizeof(*uuids));
		char **out = xcalloc(g->n, sizeof(*out));

		for (i = 0; i < g->n; i++) {
			names[i] = g->v[i]->name;
			uuids[i] = g->v[i]->uuid;
		}
		names_assign(names, uuids, g->n, out);
		for (i = 0; i < g->n; i++)
			((struct model_resource *)g->v[i])->dirname = out[i];
		qsort(g->v, g->n, sizeof(*g->v), cmp_dirname);
		g->v = xrealloc(g->v, (g->n ? g->n : 1) * sizeof(*g->v));
		free(names);
		free(uuids);
		free(out);
	}
}

static bool is_db_type(const char *type)
{
	return type && !strncmp(type, "standalone-", 11);
}

struct model_resources *model_resources_new(enum res_kind kind)
{
	struct model_resources *rs = xcalloc(1, sizeof(*rs));

	rs->kind = kind;
	return rs;
}

static struct model_resource *res_push(struct model_resources *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	memset(&rs->v[rs->n], 0, sizeof(rs->v[0]));
	return &rs->v[rs->n++];
}

int model_resources_add(void *arg, struct json_object *item)
{
	struct model_resources *rs = arg;

	if (model_jstr(item, "uuid"))
		resource_fill(rs, res_push(rs), rs->kind, item, true);
	return 0;
}

/* NOTES §5.1: GET /databases drops databases whose id collides with
 * another type's; /resources lists them all. Take membership from there
 * but never its JSON, which is unfiltered (NOTES §1.5). */
int model_resources_add_db_member(void *arg, struct json_object *item)
{
	struct model_resources *rs = arg;

	if (model_jstr(item, "uuid") && is_db_type(model_jstr(item, "type")))
		resource_fill(rs, res_push(rs), RES_DB, item, false);
	return 0;
}

void model_resources_merge(struct model_resources *dbs,
			   const struct model_resources *members)
{
	struct model_res_index *seen = NULL, *ix, *ixt;
	size_t i;

	for (i = 0; i < dbs->n; i++) {
		ix = xcalloc(1, sizeof(*ix));
		ix->uuid = dbs->v[i].uuid;
		ix->idx = i;
		HASH_ADD_KEYPTR(hh, seen, ix->uuid, strlen(ix->uuid), ix);
	}
	for (i = 0; i < members->n; i++) {
		const struct model_resource *m = &members->v[i];
		struct model_resource *r;

		HASH_FIND_STR(seen, m->uuid, ix);
		if (ix) {
			/* KeyDB has no database_type (NOTES §5). */
			r = &dbs->v[ix->idx];
			if (!r->db_type)
				r->db_type = xstrdup(m->db_type);
			continue;
		}
		r = res_push(dbs);
		r->kind = RES_DB;
		r->uuid = xstrdup(m->uuid);
		r->name = xstrdup(m->name);
		r->db_type = xstrdup(m->db_type);
		r->env_id = m->env_id;
		r->status = xstrdup(m->status);
		r->mtime = m->mtime;
		/* Once, should /resources list it twice. */
		ix = xcalloc(1, sizeof(*ix));
		ix->uuid = r->uuid;
		ix->idx = dbs->n - 1;
		HASH_ADD_KEYPTR(hh, seen, ix->uuid, strlen(ix->uuid), ix);
	}
	HASH_ITER (hh, seen, ix, ixt) {
		HASH_DEL(seen, ix);
		free(ix);
	}
}

void model_resources_done(struct model_resources *rs)
{
	packer_free(rs->packer);
	rs->packer = NULL;
	if (rs->n < rs->cap) {
		rs->v = xrealloc(rs->v, (rs->n ? rs->n : 1) * sizeof(*rs->v));
		rs->cap = rs->n;
	}
	resources_index(rs);
}

int model_resources_parse(enum res_kind kind, const char *list_json,
			  const char *resources_json,
			  struct model_resources **out)
{
	struct model_resources *rs = model_resources_new(kind), *members;
	int rc;

	rc = model_list_each(list_json, model_resources_add, rs);
	if (!rc && kind == RES_DB && resources_json) {
		members = model_resources_new(RES_DB);
		rc = model_list_each(resources_json,
				     model_resources_add_db_member, members);
		if (!rc)
			model_resources_merge(rs, members);
		model_resources_free(members);
	}
	if (rc) {
		model_resources_free(rs);
		return -EIO;
	}
	model_resources_done(rs);
	*out = rs;
	return 0;
}

const struct model_resource *
model_resources_by_uuid(const struct model_resources *rs, const char *uuid)
{
	struct model_res_index *ix;

	HASH_FIND_STR(rs->by_uuid, uuid, ix);
	return ix ? &rs->v[ix->idx] : NULL;
}

const struct model_resource *const *
model_resources_in_env(const struct model_resources *rs, long env_id, size_t *n)
{
	struct model_env_group *g;

	HASH_FIND(hh, rs->by_env, &env_id, sizeof(long), g);
	*n = g ? g->n : 0;
	return g ? g->v : NULL;
}

static int cmp_key_dirname(const void *key, const void *elem)
{
	const struct model_resource *const *r = elem;

	return strcmp(key, (*r)->dirname);
}

const struct model_resource *model_resources_find(
    const struct model_resources *rs, long env_id, const char *dirname)
{
	const struct model_resource *const *v, *const *hit;
	size_t n;

	v = model_resources_in_env(rs, env_id, &n);
	if (!n)
		return NULL;
	hit = bsearch(dirname, v, n, sizeof(*v), cmp_key_dirname);
	return hit ? *hit : NULL;
}

int model_json_render(const char *json, struct buf *out)
{
	struct json_object *root = parse(json);

	buf_reset(out);
	if (!root)
		return -EIO;
	buf_adds(out,
		 json_object_to_json_string_ext(
		     root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			       JSON_C_TO_STRING_NOSLASHESCAPE));
	buf_addch(out, '\n');
	json_object_put(root);
	return 0;
}
