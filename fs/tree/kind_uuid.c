/* uuid/: a symlink for every project, resource, server and key, named by
 * its uuid and pointing at its directory (SPEC §2), so scripts that hold
 * a uuid from the API or the web UI can reach the object without knowing
 * its path. */
#include <errno.h>
#include <string.h>

#include "api/instance.h"
#include "tree/kind_inst.h"
#include "model/names.h"
#include "tree/node.h"
#include "api/objects.h"
#include "api/store.h"

/* The links of the members of obj: 0, 1 when the listing is full, or
 * the list's -errno. */
static int inst_uuid_list(const struct node *dir, struct dir_fill *fill,
			  enum api_obj obj)
{
	const struct objlist *l;
	struct cval *v;
	size_t i;
	int rc;

	rc = instance_list(&dir->fs->api, obj, &v);
	if (rc)
		return rc;
	l = v->data;
	for (i = 0; i < l->n && !rc; i++) {
		struct node c = node_child(dir, &kind_uuid_inst_link);

		c.obj = &l->v[i];
		c.id.obj = obj;
		rc = dir_add(fill, l->v[i].uuid, &c);
	}
	cval_put(v);
	return rc;
}

/* Whether the instance has uuid/ links to obj's members. */
static bool linked(const struct cfs *fs, enum api_obj obj)
{
	const struct api_object *o = obj_get(obj);

	return o->in_uuid && obj_supported(o, fs->api.current_api);
}

static int uuid_list(const struct node *dir, struct dir_fill *fill)
{
	const struct model_projects *ps;
	struct cval *pv, *rv[RES_KINDS] = { NULL };
	enum api_obj o;
	enum res_kind k;
	size_t i;
	int rc;

	rc = store_list(&dir->fs->api, OBJ_PROJECT, dir->fs->conf.cache_ttl,
			&pv);
	if (rc)
		return rc;
	ps = pv->data;
	for (i = 0; i < ps->n; i++) {
		struct node c = node_child(dir, &kind_uuid_link);

		/* Uuids come from the instance: one that cannot be an entry
		 * name is left out rather than failing the listing. */
		if (!name_is_entry(ps->v[i].uuid))
			continue;
		c.project = &ps->v[i];
		if (dir_add(fill, ps->v[i].uuid, &c))
			goto out;
	}
	for (k = 0; k < RES_KINDS; k++) {
		const struct model_resources *rs;

		rc = store_list(&dir->fs->api, obj_of_kind(k),
				dir->fs->conf.cache_ttl, &rv[k]);
		if (rc)
			goto out;
		rs = rv[k]->data;
		for (i = 0; i < rs->n; i++) {
			struct node c = node_child(dir, &kind_uuid_link);

			if (!name_is_entry(rs->v[i].uuid))
				continue;
			c.res = &rs->v[i];
			if (dir_add(fill, rs->v[i].uuid, &c))
				goto out;
		}
	}
	for (o = 0; o < OBJS && !rc; o++)
		if (linked(dir->fs, o))
			rc = inst_uuid_list(dir, fill, o);
	if (rc > 0)
		rc = 0; /* the kernel's buffer is full */
out:
	for (k = 0; k < RES_KINDS; k++)
		cval_put(rv[k]);
	cval_put(pv);
	return rc;
}

/* A member's link (a server's, a key's): found by uuid in the lists. */
static int inst_uuid_lookup(struct node *n, const char *name)
{
	enum api_obj o;

	for (o = 0; o < OBJS; o++) {
		const struct objlist_item *it;
		struct cval *v;
		int rc;

		if (!linked(n->fs, o))
			continue;
		rc = instance_list(&n->fs->api, o, &v);
		if (rc)
			return rc;
		it = objlist_by_id(v->data, name);
		if (it) {
			node_hold(n, v);
			n->obj = it;
			n->id.obj = o;
			n->kind = &kind_uuid_inst_link;
			return 0;
		}
		cval_put(v);
	}
	return -ENOENT;
}

static int uuid_lookup(struct node *n, const char *name)
{
	const struct model_projects *ps;
	const struct model_resource *r;
	struct cval *v;
	size_t i;
	int rc;

	rc = store_list(&n->fs->api, OBJ_PROJECT, n->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	ps = v->data;
	for (i = 0; i < ps->n; i++) {
		if (!strcmp(ps->v[i].uuid, name)) {
			node_hold(n, v);
			n->project = &ps->v[i];
			n->kind = &kind_uuid_link;
			return 0;
		}
	}
	cval_put(v);
	rc = store_find_resource(&n->fs->api, name, &v, &r);
	if (rc == -ENOENT)
		return inst_uuid_lookup(n, name);
	if (rc)
		return rc;
	node_hold(n, v);
	n->res = r;
	n->kind = &kind_uuid_link;
	return 0;
}

const struct node_kind kind_uuid_dir = {
	.name = "uuid",
	.type = S_IFDIR,
	.list = uuid_list,
	.lookup = uuid_lookup,
};

/* The entry name of the project with the given uuid. */
static int project_dirname(struct cfs *fs, const char *uuid, struct buf *out)
{
	const struct model_projects *ps;
	struct cval *v;
	size_t i;
	int rc;

	rc = store_list(&fs->api, OBJ_PROJECT, fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	ps = v->data;
	rc = -ENOENT;
	for (i = 0; i < ps->n; i++) {
		if (!strcmp(ps->v[i].uuid, uuid)) {
			buf_adds(out, ps->v[i].dirname);
			rc = 0;
			break;
		}
	}
	cval_put(v);
	return rc;
}

static int uuid_readlink(const struct node *n, struct buf *out)
{
	const struct model_project_detail *d;
	const struct model_env *e;
	struct cval *dv;
	int rc;

	buf_adds(out, "../projects/");
	if (!n->res)
		return buf_adds(out, n->project->dirname);
	/* The hint is one of the two fields a node may write (model.h). */
	rc = store_find_env(&n->fs->api, n->res->env_id,
			    (env_hint *)&n->res->home, &dv, &e);
	if (rc)
		return rc;
	d = dv->data;
	rc = project_dirname(n->fs, d->uuid, out);
	if (!rc)
		buf_addf(out, "/%s/%s/%s", e->dirname,
			 obj_kind_dir(n->res->kind), n->res->dirname);
	cval_put(dv);
	return rc;
}

static time_t uuid_mtime(const struct node *n)
{
	return n->res ? n->res->mtime : 0;
}

const struct node_kind kind_uuid_link = {
	.name = "uuid-link",
	.type = S_IFLNK,
	.readlink = uuid_readlink,
	.mtime = uuid_mtime,
};

static int inst_link_readlink(const struct node *n, struct buf *out)
{
	const struct objlist_item *it = n->obj;

	return buf_addf(out, "../%s/%s", obj_get(n->id.obj)->dir, it->dirname);
}

const struct node_kind kind_uuid_inst_link = {
	.name = "uuid-inst-link",
	.type = S_IFLNK,
	.readlink = inst_link_readlink,
	.mtime = kind_inst_item_mtime,
};
