/* applications/, databases/, services/ and a resource's directory
 * (SPEC §3). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/crud.h"
#include "api/envs.h"
#include "tree/jsonfile.h"
#include "tree/kind_inst.h"
#include "tree/node.h"
#include "api/objects.h"
#include "api/store.h"
#include "tree/rename.h"
#include "api/tags.h"
#include "tree/resdir.h"
#include "base/xalloc.h"

static int collection_list(const struct node *dir, struct dir_fill *fill)
{
	const struct model_resource *const *rv;
	struct cval *v;
	size_t i, n;
	int rc;

	rc = store_list(&dir->fs->api, obj_of_kind(dir->id.rkind),
			dir->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	rv = model_resources_in_env(v->data, dir->env->id, &n);
	for (i = 0; i < n; i++) {
		struct node c = node_child(dir, &kind_resource);

		if (gone_has(&dir->fs->api.gone, rv[i]->uuid))
			continue;
		node_set_res(&c, rv[i]);
		if (dir_add(fill, rv[i]->dirname, &c))
			break;
	}
	cval_put(v);
	return 0;
}

static int collection_lookup(struct node *n, const char *name)
{
	const struct model_resource *r;
	struct cval *v;
	int rc;

	rc = store_list(&n->fs->api, obj_of_kind(n->id.rkind),
			n->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	r = model_resources_find(v->data, n->env->id, name);
	if (r && gone_has(&n->fs->api.gone, r->uuid))
		r = NULL;
	if (!r) {
		cval_put(v);
		/* A resource called new.json wins: it is listed. */
		return jsonfile_new_lookup(n, name, obj_of_kind(n->id.rkind));
	}
	node_hold(n, v);
	node_set_res(n, r);
	n->kind = &kind_resource;
	return 0;
}

/* cat > new.json when the kernel has no entry for it yet. */
static int collection_create(const struct node *dir, const char *name,
			     int flags, struct fh *fh)
{
	(void)flags;
	return jsonfile_new_create(dir, name, fh, obj_of_kind(dir->id.rkind));
}

/* SPEC §3.4: rm -r never deletes a resource; ctl's delete does. */
static int refuse_rmdir(const struct node *n)
{
	(void)n;
	return -EPERM;
}

const struct node_kind kind_collection = {
	.name = "collection",
	.type = S_IFDIR,
	.list = collection_list,
	.lookup = collection_lookup,
	.create = collection_create,
	.rename = rename_resource,
	.move = rename_move_resource,
	.rmdir = refuse_rmdir,
};

struct res_entry {
	const char *name; /* NULL: the kind's JSON file name */
	const struct node_kind *kind;
	enum node_variant variant;
	/* Whether the entry exists for this resource on this instance
	 * (NULL: always); a file the instance cannot serve is absent. */
	bool (*present)(const struct node *n);
};

static bool has_envs(const struct node *n)
{
	return envs_supported(&n->fs->api, n->res->kind);
}

static bool has_preview_envs(const struct node *n)
{
	return n->res->kind == RES_APP;
}

/* NOTES §17.5: databases and services have logs on current Coolify. */
static bool has_logs(const struct node *n)
{
	return n->res->kind == RES_APP || n->fs->api.current_api;
}

static bool has_deployments(const struct node *n)
{
	return n->res->kind == RES_APP;
}

/* NOTES §17.11: rollback images are current Coolify's. */
static bool has_images(const struct node *n)
{
	return n->res->kind == RES_APP && n->fs->api.current_api;
}

/* NOTES §17: tags on every kind of resource, on current Coolify. */
static bool has_tags(const struct node *n)
{
	return tags_supported(&n->fs->api);
}

static const struct res_entry res_entries[] = {
	{ NULL, &kind_resource_json, NODE_PLAIN, NULL },
	{ "status", &kind_status, NODE_PLAIN, NULL },
	{ "logs", &kind_logs, NODE_PLAIN, has_logs },
	{ "ctl", &kind_ctl, NODE_PLAIN, NULL },
	{ "deployments", &kind_deploy_dir, NODE_PLAIN, has_deployments },
	{ "images", &kind_images, NODE_PLAIN, has_images },
	{ "envs", &kind_envs_dir, NODE_PLAIN, has_envs },
	{ "envs-preview", &kind_envs_dir, NODE_PREVIEW, has_preview_envs },
	{ "envs.env", &kind_envs_env, NODE_PLAIN, has_envs },
	{ "tags", &kind_tags, NODE_PLAIN, has_tags },
};

#define N_RES (sizeof(res_entries) / sizeof(res_entries[0]))

static const char *res_entry_name(const struct node *n,
				  const struct res_entry *e)
{
	return e->name ? e->name : obj_kind_file(n->res->kind);
}

/* The collections that belong to a resource of this kind (SPEC §6:
 * its scheduled tasks...): their rows say so, and where (backups only
 * on the database types the API backs up). */
static bool owns(const struct node *n, enum api_obj k)
{
	const struct api_object *o = obj_get(k);

	return obj_on_resource(o, n->res->kind, n->res->db_type) &&
	       obj_supported(o, n->fs->api.current_api);
}

static int resource_list(const struct node *dir, struct dir_fill *fill)
{
	enum api_obj k;
	size_t i;

	for (i = 0; i < N_RES; i++) {
		const struct res_entry *e = &res_entries[i];
		struct node c = node_child(dir, e->kind);

		if ((e->present && !e->present(dir)) ||
		    resdir_entry_gone(dir, res_entry_name(dir, e)))
			continue;
		c.id.variant = e->variant;
		if (dir_add(fill, res_entry_name(dir, e), &c))
			return 0;
	}
	for (k = 0; k < OBJS; k++) {
		struct node c = node_child(dir, &kind_coll);

		if (!owns(dir, k))
			continue;
		c.id.obj = k;
		if (dir_add(fill, obj_get(k)->dir, &c))
			return 0;
	}
	resdir_list(dir, fill); /* editors' temporary files */
	return 0;
}

/* Turns n into its entry called name, hidden or not. */
static int entry_lookup(struct node *n, const char *name)
{
	enum api_obj k;
	size_t i;

	for (k = 0; k < OBJS; k++) {
		if (owns(n, k) && !strcmp(name, obj_get(k)->dir)) {
			n->kind = &kind_coll;
			n->id.obj = k;
			return 0;
		}
	}
	for (i = 0; i < N_RES; i++) {
		const struct res_entry *e = &res_entries[i];

		if (strcmp(name, res_entry_name(n, e)) ||
		    (e->present && !e->present(n)))
			continue;
		n->kind = e->kind;
		n->id.variant = e->variant;
		return 0;
	}
	return -ENOENT;
}

static int resource_lookup(struct node *n, const char *name)
{
	return resdir_dir_lookup(n, name, entry_lookup);
}

/* Editors' saves (resdir.h): their temporary files, and vim's new FILE. */
static int resource_create(const struct node *dir, const char *name, int flags,
		     struct fh *fh)
{
	return resdir_dir_create(dir, name, flags, fh, entry_lookup);
}

static int resource_rename(const struct node *dir, const struct node *from,
		     const char *newname, unsigned int flags)
{
	return resdir_dir_rename(dir, from, newname, flags, entry_lookup);
}

static time_t resource_mtime(const struct node *n)
{
	return n->res->mtime;
}

const struct node_kind kind_resource = {
	.name = "resource",
	.type = S_IFDIR,
	.list = resource_list,
	.lookup = resource_lookup,
	.create = resource_create,
	.rename = resource_rename,
	.rmdir = refuse_rmdir,
	.mtime = resource_mtime,
};

/* The object's compact JSON text, for the caller to free. */
static int resource_json_text(const struct node *n, char **json)
{
	const struct model_resource *r = n->res;
	struct cval *v;
	char *path;
	int rc;

	if (r->json.data) {
		*json = model_resource_json(r);
		return *json ? 0 : -EIO;
	}
	/* Listed by /resources only (NOTES §5.1): ask for the object
	 * itself, which the API filters as it should. */
	path = xasprintf("%s/%s", obj_kind_path(r->kind), r->uuid);
	rc = store_json(&n->fs->api, path, &v);
	free(path);
	if (!rc) {
		*json = xstrdup(v->data);
		cval_put(v);
	}
	return rc;
}

static int resource_json_render(const struct node *n, struct buf *out)
{
	char *json;
	int rc;

	rc = resource_json_text(n, &json);
	if (!rc) {
		rc = model_json_render(json, out);
		free(json);
	}
	return rc;
}

/* Every ls -l asks this: the list's resources remember it, which spares
 * an inflate and a hash of the text per stat. */
static int resource_json_size(const struct node *n, off_t *size)
{
	/* The memo is one of the two fields a node may write (model.h). */
	struct model_resource *r = (struct model_resource *)n->res;
	char *json;
	int rc;

	if (size_memo_get(&r->shown_size, size))
		return 0;
	rc = resource_json_text(n, &json);
	if (!rc) {
		rc = jsonfile_size(n, json, size);
		free(json);
	}
	if (!rc && r->json.data)
		size_memo_set(&r->shown_size, *size);
	return rc;
}

/* Saving the file updates the resource (SPEC §3.4). */
static int resource_json_open(const struct node *n, struct fh *fh)
{
	char *json;
	int rc;

	rc = resource_json_text(n, &json);
	if (!rc) {
		rc = jsonfile_open(n, fh, json);
		free(json);
	}
	return rc;
}

const struct node_kind kind_resource_json = {
	.name = "resource-json",
	.type = S_IFREG,
	.perm = 0600,
	.render = resource_json_render,
	.size = resource_json_size,
	.open = resource_json_open,
	.written = jsonfile_written,
	.commit = jsonfile_commit,
	.mtime = resource_mtime,
};

/* The status follows actions: it comes from the kind's list reused for a
 * few seconds only, which is still one request however many status
 * files are read. The text is the API's (NOTES §7: one to three parts,
 * e.g. "running:healthy", "exited", "running:healthy:excluded"). */
static int status_render(const struct node *n, struct buf *out)
{
	const struct model_resource *r = NULL;
	struct cval *v;
	int rc;

	if (store_list(&n->fs->api, obj_of_kind(n->res->kind),
		       store_status_ttl(&n->fs->api), &v))
		return buf_addf(out, "%s\n", n->res->status);
	r = model_resources_by_uuid(v->data, n->res->uuid);
	rc = buf_addf(out, "%s\n", r ? r->status : n->res->status);
	cval_put(v);
	return rc;
}

/* stat answers from the listing's own value: only a read refreshes, so a
 * warm `ls -lR` asks nothing (SPEC §4). */
static int status_size(const struct node *n, off_t *size)
{
	*size = (off_t)strlen(n->res->status) + 1;
	return 0;
}

const struct node_kind kind_status = {
	.name = "status",
	.type = S_IFREG,
	.render = status_render,
	.size = status_size,
	.mtime = resource_mtime,
};
