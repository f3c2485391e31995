#include "model/objlist.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "model/model.h"
#include "model/names.h"
#include "base/xalloc.h"

static const int json_flags =
    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

/* Whether id is a path of entry names ("owner/repo": no empty
 * segment, none "." or ".."), with nothing a URL would read otherwise:
 * it is sent as segments of an API path. */
static bool path_is_entries(const char *id)
{
	const char *p = id;

	if (strpbrk(id, "?#% \t\r\n"))
		return false;
	for (;;) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += len;
		if (!*p)
			return true;
		p++;
	}
}

/* The id at key as text: a string as it is, an integer in decimal
 * (team ids are numbers, NOTES §13). NULL when it cannot name an entry:
 * it becomes part of NAME@ID (escaped there) and of uuid/ links, and
 * of API paths, so a path id must be made of entry names. */
static char *id_of(struct json_object *o, const struct objlist_spec *spec)
{
	struct json_object *v;
	char *id = NULL;

	if (!json_object_object_get_ex(o, spec->id_key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_string))
		id = xstrdup(json_object_get_string(v));
	else if (json_object_is_type(v, json_type_int))
		id = xasprintf("%" PRId64, json_object_get_int64(v));
	if (id && !(spec->id_path ? path_is_entries(id) : name_is_entry(id))) {
		free(id);
		id = NULL;
	}
	return id;
}

void objlist_free(void *p)
{
	struct objlist *l = p;
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].uuid);
		free(l->v[i].name);
		free(l->v[i].dirname);
		free(l->v[i].json);
	}
	free(l->v);
	free(l);
}

/* Names every item; a reserved name takes part as a sibling that is
 * never shown, so an item of that name is a twin and shows as NAME@ID,
 * and no other entry can take the form it gets (names.h repeats until
 * none hides another). */
static void assign_dirnames(struct objlist *l, const struct objlist_spec *spec)
{
	const char *const *r;
	size_t nres = 0, n, i;
	const char **names, **ids;
	char **out;

	for (r = spec->reserved; r && *r; r++)
		nres++;
	n = l->n + nres;
	names = xcalloc(n ? n : 1, sizeof(*names));
	ids = xcalloc(n ? n : 1, sizeof(*ids));
	out = xcalloc(n ? n : 1, sizeof(*out));
	for (i = 0; i < l->n; i++) {
		names[i] = l->v[i].name;
		ids[i] = l->v[i].uuid;
	}
	for (i = 0; i < nres; i++) {
		names[l->n + i] = spec->reserved[i];
		ids[l->n + i] = "";
	}
	names_assign(names, ids, n, out);
	for (i = 0; i < l->n; i++)
		l->v[i].dirname = out[i];
	for (i = l->n; i < n; i++)
		free(out[i]);
	free(names);
	free(ids);
	free(out);
}

/* The members of a groups answer (objlist_spec), borrowed from root, in
 * a new array, with each one's group in *group (a new array too); NULL
 * when root is not an object or a group is not a list. */
static struct json_object **group_items(struct json_object *root,
					const struct objlist_group *g,
					size_t *n,
					const struct objlist_group ***group)
{
	struct json_object **all = NULL;
	size_t i;

	*n = 0;
	*group = NULL;
	if (!json_object_is_type(root, json_type_object))
		return NULL;
	all = xcalloc(1, sizeof(*all));
	for (; g->key; g++) {
		struct json_object *arr, **items;
		size_t k;

		if (!json_object_object_get_ex(root, g->key, &arr))
			continue;
		items = model_json_items(arr, &k);
		if (!items && !json_object_is_type(arr, json_type_null)) {
			free(all);
			free(*group);
			*group = NULL;
			*n = 0;
			return NULL;
		}
		all = xrealloc(all, (*n + k + 1) * sizeof(*all));
		*group = xrealloc(*group, (*n + k + 1) * sizeof(**group));
		for (i = 0; i < k; i++) {
			all[*n + i] = items[i];
			(*group)[*n + i] = g;
		}
		*n += k;
		free(items);
	}
	return all;
}

int objlist_parse(const char *json, const struct objlist_spec *spec,
		  struct objlist **out)
{
	struct json_object *root = model_json_parse(json), *list = root,
			   **items = NULL;
	const struct objlist_group **group = NULL;
	struct objlist *l;
	size_t n = 0, i, k = 0;

	/* A wrapped list: the answer is an object, the list one field. */
	if (root && spec->list_key &&
	    (!json_object_is_type(root, json_type_object) ||
	     !json_object_object_get_ex(root, spec->list_key, &list)))
		list = NULL;
	if (list && spec->groups)
		items = group_items(list, spec->groups, &n, &group);
	else if (list)
		items = model_json_items(list, &n);
	if (!items) {
		json_object_put(root);
		return -EIO;
	}
	l = xcalloc(1, sizeof(*l));
	l->v = xcalloc(n ? n : 1, sizeof(*l->v));
	for (i = 0; i < n; i++) {
		struct objlist_item *it = &l->v[k];
		const char *const *d;
		const char *name, *stamp;

		if (!json_object_is_type(items[i], json_type_object))
			continue;
		it->uuid = id_of(items[i], spec);
		if (!it->uuid)
			continue;
		for (d = spec->drop; d && *d; d++)
			json_object_object_del(items[i], *d);
		for (d = spec->moved; d && *d; d++)
			json_object_object_del(items[i], *d);
		/* Not src: that names the row of a joined list's item. */
		if (group && spec->group_field)
			json_object_object_add(
			    items[i], spec->group_field,
			    json_object_new_string(group[i]->value));
		name = model_jstr(items[i],
				  spec->name_key ? spec->name_key : "name");
		it->name = xstrdup(name && *name ? name : it->uuid);
		stamp = model_jstr(items[i], "updated_at");
		if (!stamp)
			stamp = model_jstr(items[i], "created_at");
		it->mtime = model_parse_time(stamp);
		it->json = xstrdup(
		    json_object_to_json_string_ext(items[i], json_flags));
		k++;
	}
	l->n = k;
	assign_dirnames(l, spec);
	free(items);
	free(group);
	json_object_put(root);
	*out = l;
	return 0;
}

struct objlist *objlist_join(const struct objlist *const *lists, size_t n,
			     const struct objlist_spec *spec)
{
	struct objlist *l = xcalloc(1, sizeof(*l));
	size_t total = 0, i, j;

	for (i = 0; i < n; i++)
		total += lists[i]->n;
	l->v = xcalloc(total ? total : 1, sizeof(*l->v));
	for (i = 0; i < n; i++) {
		for (j = 0; j < lists[i]->n; j++) {
			const struct objlist_item *from = &lists[i]->v[j];
			struct objlist_item *it = &l->v[l->n++];

			it->uuid = xstrdup(from->uuid);
			it->name = xstrdup(from->name);
			it->mtime = from->mtime;
			it->json = xstrdup(from->json);
			it->src = (unsigned)i;
		}
	}
	assign_dirnames(l, spec);
	return l;
}

const struct objlist_item *objlist_find(const struct objlist *l,
					const char *dirname)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].dirname, dirname))
			return &l->v[i];
	return NULL;
}

const struct objlist_item *objlist_by_id(const struct objlist *l,
					 const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].uuid, id))
			return &l->v[i];
	return NULL;
}

int objlist_field(const struct objlist_item *it, const char *key,
		  struct buf *out)
{
	struct json_object *root = model_json_parse(it->json);
	const char *s = root ? model_jstr(root, key) : NULL;
	int rc = -ENOENT;

	if (s)
		rc = buf_adds(out, s);
	json_object_put(root);
	return rc;
}

bool objlist_flag(const struct objlist_item *it, const char *key)
{
	struct json_object *root = model_json_parse(it->json), *v;
	bool on = root && json_object_object_get_ex(root, key, &v) &&
		  json_object_is_type(v, json_type_boolean) &&
		  json_object_get_boolean(v);

	json_object_put(root);
	return on;
}

char *objlist_object_id(const char *json, const char *id_key)
{
	struct json_object *root = model_json_parse(json);
	char *id = NULL;

	struct objlist_spec spec = { .id_key = id_key };

	if (root && json_object_is_type(root, json_type_object))
		id = id_of(root, &spec);
	json_object_put(root);
	return id;
}

/* A line of text may not carry a newline: one would forge another
 * line (a "domain" is the instance's data). */
static bool one_line(const char *s)
{
	return *s && !strpbrk(s, "\r\n");
}

int objlist_domains_text(const char *json, struct buf *out)
{
	struct json_object *root = model_json_parse(json), **items;
	size_t n, i, j;

	items = root ? model_json_items(root, &n) : NULL;
	if (!items) {
		json_object_put(root);
		return -EIO;
	}
	for (i = 0; i < n; i++) {
		struct json_object *doms;
		const char *ip;

		if (!json_object_is_type(items[i], json_type_object))
			continue;
		ip = model_jstr(items[i], "ip");
		if (!ip || !one_line(ip) ||
		    !json_object_object_get_ex(items[i], "domains", &doms) ||
		    !json_object_is_type(doms, json_type_array))
			continue;
		for (j = 0; j < json_object_array_length(doms); j++) {
			struct json_object *d =
			    json_object_array_get_idx(doms, j);

			if (!json_object_is_type(d, json_type_string) ||
			    !one_line(json_object_get_string(d)))
				continue;
			buf_addf(out, "%s %s\n", ip, json_object_get_string(d));
		}
	}
	free(items);
	json_object_put(root);
	return 0;
}

int objlist_lines(const char *json, const char *list_key, const char *key,
		  struct buf *out)
{
	struct json_object *root = model_json_parse(json), *list = root,
			   **items;
	size_t n, i;

	if (root && (!json_object_is_type(root, json_type_object) ||
		     !json_object_object_get_ex(root, list_key, &list)))
		list = NULL;
	items = list && json_object_is_type(list, json_type_array)
		    ? model_json_items(list, &n)
		    : NULL;
	if (!items) {
		json_object_put(root);
		return -EIO;
	}
	for (i = 0; i < n; i++) {
		const char *s = json_object_is_type(items[i], json_type_object)
				    ? model_jstr(items[i], key)
				    : NULL;

		/* A name is one line: one with a newline is no name. */
		if (s && *s && !strchr(s, '\n'))
			buf_addf(out, "%s\n", s);
	}
	free(items);
	json_object_put(root);
	return 0;
}
