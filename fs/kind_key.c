/* keys/ and a private key's directory (SPEC §2): key.json is the object
 * from GET /security/keys without its private_key (instance.h drops it
 * on arrival, whatever the token may read), public_key its public half,
 * ctl its verbs (inst_actions.h). */
#include <errno.h>

#include "instance.h"
#include "jsonfile.h"
#include "kind_inst.h"
#include "objlist.h"

static int keys_list(const struct node *dir, struct dir_fill *fill)
{
	return kind_inst_coll_list(dir, fill, instance_keys, &kind_key,
				   INST_COLL_KEYS);
}

static int keys_lookup(struct node *n, const char *name)
{
	int rc = kind_inst_coll_lookup(n, name, instance_keys, &kind_key,
				       INST_COLL_KEYS);

	/* An object called new.json wins: it is listed. */
	return rc == -ENOENT ? jsonfile_new_lookup(n, name, OBJ_KEY) : rc;
}

/* new.json creates one (SPEC §3.4). */
static int keys_create(const struct node *dir, const char *name, int flags,
		     struct fh *fh)
{
	(void)flags;
	return jsonfile_new_create(dir, name, fh, OBJ_KEY);
}

const struct node_kind kind_keys = {
	.name = "keys",
	.type = S_IFDIR,
	.list = keys_list,
	.lookup = keys_lookup,
	.create = keys_create,
};

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

const struct node_kind kind_key_public = {
	.name = "public_key",
	.type = S_IFREG,
	.render = public_render,
	.mtime = kind_inst_item_mtime,
};

static const struct inst_entry key_entries[] = {
	{ "key.json", &kind_inst_item_obj_json, NULL },
	{ "public_key", &kind_key_public, NULL },
	{ "ctl", &kind_inst_ctl, NULL },
};

#define N_KEY (sizeof(key_entries) / sizeof(key_entries[0]))

static int key_list(const struct node *dir, struct dir_fill *fill)
{
	return kind_inst_entries_list(dir, fill, key_entries, N_KEY);
}

static int key_lookup(struct node *n, const char *name)
{
	return kind_inst_entries_lookup(n, name, key_entries, N_KEY);
}

const struct node_kind kind_key = {
	.name = "key",
	.type = S_IFDIR,
	.list = key_list,
	.lookup = key_lookup,
	.mtime = kind_inst_item_mtime,
};
