/* Collections of plain objects (SPEC §2, §6): servers/, keys/, teams/
 * and every other row of objects.h with top set. One kind serves them
 * all, reading the row: the directory lists the members of GET PATH; a
 * member's directory has the row's file, a ctl when its ctl takes verbs
 * (inst_actions.h), and the collection has new.json when the API can
 * create one.
 *
 * What a collection really has of its own is below, in hooks[]: a
 * server's resources.json and domains, a key's public_key, a team's
 * members.json and teams/current. A collection without a row there is
 * only its objects.h row. */
#include <errno.h>
#include <string.h>

#include "api/inst_actions.h"
#include "api/instance.h"
#include "tree/jsonfile.h"
#include "tree/kind_inst.h"
#include "api/objects.h"
#include "model/objlist.h"
#include "tree/shared_envs.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* NOTES §13: public_key is computed by the instance and always shown;
 * a line of text, like an ssh .pub file. */
static int public_render(const struct node *n, struct buf *out)
{
	const struct objlist_item *it = n->obj;
	int rc = objlist_field(it, "public_key", out);

	if (!rc)
		rc = buf_addch(out, '\n');
	return rc;
}

static const struct node_kind kind_key_public = {
	.name = "public_key",
	.type = S_IFREG,
	.render = public_render,
	.mtime = kind_inst_item_mtime,
};

/* teams/current -> the token's team. A team called "current" is listed
 * as current@ID (the row's reserved names), so the link hides none. */
static int current_readlink(const struct node *n, struct buf *out)
{
	const struct objlist_item *it;
	struct buf id = BUF_INIT;
	struct cval *v;
	int rc;

	rc = instance_current_team(&n->fs->api, &id);
	if (rc)
		goto out;
	rc = instance_list(&n->fs->api, OBJ_TEAM, &v);
	if (rc)
		goto out;
	it = objlist_by_id(v->data, id.buf);
	if (it)
		buf_adds(out, it->dirname);
	else
		rc = -ENOENT;
	cval_put(v);
out:
	buf_release(&id);
	return rc;
}

static const struct node_kind kind_team_current = {
	.name = "team-current",
	.type = S_IFLNK,
	.readlink = current_readlink,
};

static const struct inst_entry server_files[] = {
	{ "resources.json", &kind_inst_json, "/resources" },
	{ "domains", &kind_inst_domains, "/domains" },
};

static const struct inst_entry key_files[] = {
	{ "public_key", &kind_key_public, NULL },
};

static const struct inst_entry team_files[] = {
	{ "members.json", &kind_inst_json, "/members" },
};

static const struct inst_entry teams_entries[] = {
	{ "current", &kind_team_current, NULL },
};

/* What a collection has besides what its row says. */
struct coll_hooks {
	/* A member's files after the row's own file. */
	const struct inst_entry *files;
	size_t nfiles;
	/* The collection's entries before its members; their names are
	 * the row's reserved ones. */
	const struct inst_entry *entries;
	size_t nentries;
	/* A member has shared variables (shared_envs.h decides where). */
	bool shared_envs;
};

static const struct coll_hooks hooks[OBJS] = {
	[OBJ_SERVER] = { server_files, N_OF(server_files), NULL, 0, true },
	[OBJ_KEY] = { key_files, N_OF(key_files), NULL, 0, false },
	[OBJ_TEAM] = { team_files, N_OF(team_files), teams_entries,
		       N_OF(teams_entries), true },
};

/* A collection's node and its members' are about the row's objects:
 * id.obj is the row (kind_inst.h). */
static const struct api_object *row_of(const struct node *n)
{
	return obj_get(n->id.obj);
}

static const struct coll_hooks *hooks_of(const struct node *n)
{
	return &hooks[n->id.obj];
}

/* ---- the collection ---- */

static int coll_list(const struct node *dir, struct dir_fill *fill)
{
	const struct coll_hooks *h = hooks_of(dir);
	const struct objlist *l;
	struct cval *v;
	size_t i;
	int rc;

	if (h->nentries &&
	    kind_inst_entries_list(dir, fill, h->entries, h->nentries))
		return 0;
	rc = instance_list(&dir->fs->api, dir->id.obj, &v);
	if (rc)
		return rc;
	l = v->data;
	for (i = 0; i < l->n; i++) {
		struct node c = node_child(dir, &kind_member);

		kind_inst_item_set(&c, &l->v[i], dir->id.obj);
		if (dir_add(fill, l->v[i].dirname, &c))
			break;
	}
	cval_put(v);
	return 0;
}

static int coll_lookup(struct node *n, const char *name)
{
	const struct coll_hooks *h = hooks_of(n);
	const struct objlist_item *it;
	struct cval *v;
	int rc;

	if (!kind_inst_entries_lookup(n, name, h->entries, h->nentries))
		return 0;
	rc = instance_list(&n->fs->api, n->id.obj, &v);
	if (rc)
		return rc;
	it = objlist_find(v->data, name);
	if (!it) {
		cval_put(v);
		/* An object called new.json wins: it is listed. */
		if (row_of(n)->verbs & OBJ_CREATE)
			return jsonfile_new_lookup(n, name, n->id.obj);
		return -ENOENT;
	}
	node_hold(n, v);
	kind_inst_item_set(n, it, n->id.obj);
	n->kind = &kind_member;
	return 0;
}

/* new.json creates one (SPEC §3.4). */
static int coll_create(const struct node *dir, const char *name, int flags,
		       struct fh *fh)
{
	(void)flags;
	if (!(row_of(dir)->verbs & OBJ_CREATE))
		return -EACCES;
	return jsonfile_new_create(dir, name, fh, dir->id.obj);
}

const struct node_kind kind_coll = {
	.name = "collection",
	.type = S_IFDIR,
	.list = coll_list,
	.lookup = coll_lookup,
	.create = coll_create,
};

/* ---- a member ---- */

/* The row's file: its own GET or the list's item, writable when the API
 * takes a PATCH. */
static const struct node_kind *file_kind(const struct api_object *o)
{
	if (o->from_list)
		return o->verbs & OBJ_PATCH ? &kind_inst_item_obj_json
					    : &kind_inst_item_json;
	return o->verbs & OBJ_PATCH ? &kind_inst_obj_json : &kind_inst_json;
}

static int member_list(const struct node *dir, struct dir_fill *fill)
{
	const struct api_object *o = row_of(dir);
	const struct coll_hooks *h = hooks_of(dir);
	struct node c = node_child(dir, file_kind(o));

	c.arg = NULL;
	if (dir_add(fill, o->file, &c))
		return 0;
	if (kind_inst_entries_list(dir, fill, h->files, h->nfiles))
		return 0;
	if (inst_actions_has_ctl(o)) {
		c = node_child(dir, &kind_inst_ctl);
		c.arg = NULL;
		if (dir_add(fill, "ctl", &c))
			return 0;
	}
	if (h->shared_envs)
		shared_envs_list(dir, dir->id.obj, fill);
	return 0;
}

static int member_lookup(struct node *n, const char *name)
{
	const struct api_object *o = row_of(n);
	const struct coll_hooks *h = hooks_of(n);

	if (!strcmp(name, o->file)) {
		n->kind = file_kind(o);
		n->arg = NULL;
		return 0;
	}
	if (!strcmp(name, "ctl") && inst_actions_has_ctl(o)) {
		n->kind = &kind_inst_ctl;
		n->arg = NULL;
		return 0;
	}
	if (h->shared_envs) {
		int rc = shared_envs_lookup(n, n->id.obj, name);

		if (rc != -ENOENT)
			return rc;
	}
	return kind_inst_entries_lookup(n, name, h->files, h->nfiles);
}

const struct node_kind kind_member = {
	.name = "member",
	.type = S_IFDIR,
	.list = member_list,
	.lookup = member_lookup,
	.mtime = kind_inst_item_mtime,
};
