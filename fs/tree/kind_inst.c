/* What the members of servers/, keys/, teams/ and the other collections
 * of plain objects share (SPEC §2, §6): their JSON files, and the ctl
 * files of members and of the mount.
 *
 * Their nodes carry the object in obj (a struct objlist_item, borrowed
 * from a list the node holds); id.obj says which collection it is in
 * (its row, enum api_obj), id.uuid which member (NULL for the mount's
 * ctl), and arg, for files that have their own request, the path that
 * follows the object's (e.g. "/resources"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/crud.h"
#include "tree/ctlfile.h"
#include "api/inst_actions.h"
#include "tree/jsonfile.h"
#include "tree/kind_inst.h"
#include "base/log.h"
#include "api/objects.h"
#include "model/objlist.h"
#include "api/store.h"
#include "base/xalloc.h"

/* The row of the collection a node's object is in. */
static const struct api_object *row_of(const struct node_id *id)
{
	return obj_get(id->obj);
}

static const struct objlist_item *item_of(const struct node *n)
{
	return n->obj;
}

void kind_inst_item_set(struct node *n, const struct objlist_item *it,
			enum api_obj obj)
{
	int depth = obj_depth(obj_get(obj));

	n->obj = it;
	n->id.obj = obj;
	/* The member's own id goes where its depth says; the owners' ids
	 * above it stay (node.h). */
	if (depth == 0)
		n->id.uuid = it->uuid;
	else if (depth == 1)
		n->id.member = it->uuid;
	else
		n->id.run = it->uuid;
}

/* A single object of the mount (notifications/discord.json) is in no
 * member: the mount's time. */
time_t kind_inst_item_mtime(const struct node *n)
{
	return item_of(n) ? item_of(n)->mtime : 0;
}

int kind_inst_entries_list(const struct node *dir, struct dir_fill *fill,
			   const struct inst_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct node c = node_child(dir, e[i].kind);

		c.arg = e[i].arg;
		if (dir_add(fill, e[i].name, &c))
			break;
	}
	return 0;
}

int kind_inst_entries_lookup(struct node *n, const char *name,
			     const struct inst_entry *e, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (!strcmp(name, e[i].name)) {
			n->kind = e[i].kind;
			n->arg = e[i].arg;
			return 0;
		}
	}
	return -ENOENT;
}

/* The object's own request: e.g. GET /servers/{uuid}/resources. */
static int inst_fetch(const struct node *n, struct cval **out)
{
	char *member = node_id_member_path(&n->id);
	char *path = xasprintf("%s%s", member, n->arg ? n->arg : "");
	int rc = store_json(&n->fs->api, path, out);

	free(path);
	free(member);
	return rc;
}

static int inst_json_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc = inst_fetch(n, &v);

	if (rc)
		return rc;
	rc = model_json_render(v->data, out);
	cval_put(v);
	return rc;
}

static int inst_json_size(const struct node *n, off_t *size)
{
	struct cval *v;
	int rc;

	/* objects.h's costly: a stat never asks (reads are direct, so a
	 * size that is behind cuts no read short). */
	if (row_of(&n->id)->costly && !n->arg) {
		char *path = node_id_member_path(&n->id);

		v = cache_peek(&n->fs->api.cache, path);
		free(path);
		*size = 0;
		if (v && sizes_memo(&n->fs->sizes, &v->shown_size, v->data,
				    model_json_render, size))
			*size = 0;
		cval_put(v);
		return 0;
	}
	rc = inst_fetch(n, &v);
	/* objects.h's single: a file the token may not read is listed all
	 * the same, with size 0 (ls -l says nothing); opening it says
	 * EACCES. */
	if (rc == -EACCES && row_of(&n->id)->single && !n->arg) {
		*size = 0;
		return 0;
	}
	if (rc)
		return rc;
	rc = sizes_memo(&n->fs->sizes, &v->shown_size, v->data,
			model_json_render, size);
	cval_put(v);
	return rc;
}

const struct node_kind kind_inst_json = {
	.name = "inst-json",
	.type = S_IFREG,
	.render = inst_json_render,
	.size = inst_json_size,
	.mtime = kind_inst_item_mtime,
};

/* Saving server.json updates the server (SPEC §3.4). */
static int inst_obj_json_open(const struct node *n, struct fh *fh)
{
	struct cval *v;
	int rc = inst_fetch(n, &v);

	if (rc)
		return rc;
	rc = jsonfile_open(n, fh, v->data);
	cval_put(v);
	return rc;
}

const struct node_kind kind_inst_obj_json = {
	.name = "inst-obj-json",
	.type = S_IFREG,
	.perm = 0600,
	.render = inst_json_render,
	.size = inst_json_size,
	.open = inst_obj_json_open,
	.written = jsonfile_written,
	.commit = jsonfile_commit,
	.mtime = kind_inst_item_mtime,
};

/* The object as its collection's list gave it: no request of its own. */
static int inst_item_json_render(const struct node *n, struct buf *out)
{
	return model_json_render(item_of(n)->json, out);
}

static int inst_item_json_size(const struct node *n, off_t *size)
{
	return jsonfile_size(n, item_of(n)->json, size);
}

const struct node_kind kind_inst_item_json = {
	.name = "inst-item-json",
	.type = S_IFREG,
	.render = inst_item_json_render,
	.size = inst_item_json_size,
	.mtime = kind_inst_item_mtime,
};

/* Saving key.json updates the key; what it shows lacks the private key,
 * which the update takes from the API (crud.c). */
static int inst_item_obj_json_open(const struct node *n, struct fh *fh)
{
	return jsonfile_open(n, fh, item_of(n)->json);
}

const struct node_kind kind_inst_item_obj_json = {
	.name = "inst-item-obj-json",
	.type = S_IFREG,
	.perm = 0600,
	.render = inst_item_json_render,
	.size = inst_item_json_size,
	.open = inst_item_obj_json_open,
	.written = jsonfile_written,
	.commit = jsonfile_commit,
	.mtime = kind_inst_item_mtime,
};

static int domains_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc = inst_fetch(n, &v);

	if (rc)
		return rc;
	rc = objlist_domains_text(v->data, out);
	if (rc)
		log_error("GET %s/%s%s: the answer is not the JSON the API "
			  "documents",
			  row_of(&n->id)->path, node_id_key(&n->id), n->arg);
	cval_put(v);
	return rc;
}

const struct node_kind kind_inst_domains = {
	.name = "domains",
	.type = S_IFREG,
	.render = domains_render,
	.mtime = kind_inst_item_mtime,
};

/* ---- ctl ---- */

/* The mount's ctl is about no object, and has no id. */
static const struct api_object *ctl_target(const struct node_id *id)
{
	return node_id_key(id) ? row_of(id) : NULL;
}

static int inst_ctl_render(const struct node *n, struct buf *out)
{
	inst_actions_usage(ctl_target(&n->id), n->fs->api.current_api, out);
	return 0;
}

static int inst_ctl_run(struct fh *fh, const char *line)
{
	const struct api_object *target = ctl_target(&fh->id);
	struct inst_cmd cmd;
	struct buf err = BUF_INIT;
	int rc;

	rc = inst_actions_parse(target, fh->fs->api.current_api, line, &cmd,
				&err);
	if (rc == -ENODATA) {
		rc = 0; /* a blank line */
	} else if (rc) {
		log_error("%s", err.buf);
	} else {
		char *path = target ? node_id_member_path(&fh->id) : NULL;
		char *list = target ? node_id_list_path(&fh->id) : NULL;

		rc = inst_actions_run(&fh->fs->api, target, path, list, &cmd);
		/* uuid/ID links only the mount's collections' members. */
		if (!rc && inst_actions_deletes(&cmd))
			node_forget_dir_of(fh->fs, fh->path,
					   target->in_uuid ? fh->id.uuid : NULL);
		free(list);
		free(path);
		inst_actions_cmd_release(&cmd);
	}
	buf_release(&err);
	return rc;
}

static int inst_ctl_open(const struct node *n, struct fh *fh)
{
	return ctlfile_open(n, fh, inst_ctl_run);
}

static time_t inst_ctl_mtime(const struct node *n)
{
	return n->obj ? kind_inst_item_mtime(n) : 0;
}

const struct node_kind kind_inst_ctl = {
	.name = "inst-ctl",
	.type = S_IFREG,
	.perm = 0600,
	.render = inst_ctl_render,
	.open = inst_ctl_open,
	.written = ctlfile_written,
	.commit = ctlfile_commit,
	.truncate = ctlfile_truncate,
	.mtime = inst_ctl_mtime,
};
