/* The top of the mount: instance-wide files and the entry directories. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tree/kind_cloud.h"
#include "tree/kind_inst.h"
#include "tree/node.h"
#include "api/objects.h"
#include "api/store.h"

struct root_entry {
	const char *name;
	const struct node_kind *kind;
	const char *arg;
};

static const struct root_entry root_entries[] = {
	{ "version", &kind_text, "/version" },
	{ "health", &kind_text, "/health" },
	{ "ctl", &kind_inst_ctl, NULL },
	{ "resources.json", &kind_api_json, OBJ_ALL_RESOURCES },
	{ "projects", &kind_projects, NULL },
	/* Here: the collections of objects.h's rows with top set, then
	 * the groups of those with under (cloud/). */
	{ "deployments", &kind_deploy_active, NULL },
	{ "uuid", &kind_uuid_dir, NULL },
};

#define N_ROOT (sizeof(root_entries) / sizeof(root_entries[0]))

/* The row of a collection at the top, when the instance has it; the
 * rows under a group are in the group's directory (kind_cloud.h). */
static bool top_coll(const struct cfs *fs, enum api_obj i)
{
	const struct api_object *o = obj_get(i);

	return o->top && !o->under && obj_supported(o, fs->api.current_api);
}

static int root_list(const struct node *dir, struct dir_fill *fill)
{
	enum api_obj o;
	size_t i;

	for (i = 0; i < N_ROOT; i++) {
		struct node c = node_child(dir, root_entries[i].kind);

		c.arg = root_entries[i].arg;
		if (dir_add(fill, root_entries[i].name, &c))
			return 0;
		if (root_entries[i].kind != &kind_projects)
			continue;
		for (o = 0; o < OBJS; o++) {
			if (!top_coll(dir->fs, o))
				continue;
			c = node_child(dir, &kind_coll);
			c.id.obj = o;
			if (dir_add(fill, obj_get(o)->dir, &c))
				return 0;
		}
		if (kind_group_root_list(dir, fill))
			return 0;
	}
	return 0;
}

static int root_lookup(struct node *n, const char *name)
{
	enum api_obj o;
	size_t i;

	for (i = 0; i < N_ROOT; i++) {
		if (!strcmp(name, root_entries[i].name)) {
			n->kind = root_entries[i].kind;
			n->arg = root_entries[i].arg;
			return 0;
		}
	}
	for (o = 0; o < OBJS; o++) {
		if (top_coll(n->fs, o) && !strcmp(name, obj_get(o)->dir)) {
			n->kind = &kind_coll;
			n->id.obj = o;
			return 0;
		}
	}
	return kind_group_root_lookup(n, name);
}

const struct node_kind kind_root = {
	.name = "root",
	.type = S_IFDIR,
	.list = root_list,
	.lookup = root_lookup,
};

/* A one-line answer of the API, shown as a line of text (SPEC §3). */
static int text_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc = store_text(&n->fs->api, n->arg, &v);

	if (rc)
		return rc;
	buf_addf(out, "%s\n", (const char *)v->data);
	cval_put(v);
	return 0;
}

const struct node_kind kind_text = {
	.name = "text",
	.type = S_IFREG,
	.render = text_render,
};

static int api_json_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc = store_json(&n->fs->api, n->arg, &v);

	if (rc)
		return rc;
	rc = model_json_render(v->data, out);
	cval_put(v);
	return rc;
}

static int api_json_size(const struct node *n, off_t *size)
{
	struct cval *v;
	int rc = store_json(&n->fs->api, n->arg, &v);

	if (rc)
		return rc;
	rc = sizes_memo(&n->fs->sizes, &v->shown_size, v->data,
			model_json_render, size);
	cval_put(v);
	return rc;
}

const struct node_kind kind_api_json = {
	.name = "api-json",
	.type = S_IFREG,
	.render = api_json_render,
	.size = api_json_size,
};
