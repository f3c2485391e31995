/* A single object's own directory (objects.h's single rows with
 * put_texts): a server's proxy/, beside proxy.json. It holds the fields
 * the API saves with a PUT of their own, each a text file (proxy/
 * configuration, the proxy's compose file), editable with any editor:
 * editors' temporary files live in memory (resdir.h), and a save is one
 * PUT of the whole text, sent at close.
 *
 * A node of these kinds has the single row in id.obj and its owner's
 * ids (the server's uuid); a file's name (id.name) is its put_text's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/crud.h"
#include "api/objects.h"
#include "api/store.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "tree/kind_inst.h"
#include "tree/resdir.h"

static const struct obj_put_text *text_of(const struct node_id *id,
					  const char *file)
{
	const struct obj_put_text *t;

	for (t = obj_get(id->obj)->put_texts; t && t->file; t++)
		if (!strcmp(t->file, file))
			return t;
	return NULL;
}

/* The field's text as the object's GET gives it, with a newline at the
 * end (SPEC §2: text files end with one); empty when it is null (the
 * proxy's, until Coolify has stored one). -EACCES, not logged, when the
 * answer lacks it: the API leaves it out for a token that may not read
 * it, and such a file is unreadable, never empty (SPEC §3.1). */
static int text_fetch(struct api *api, const struct node_id *id,
		      const struct obj_put_text *t, struct buf *out)
{
	char *path = node_id_member_path(id);
	struct json_object *o = NULL, *f;
	struct cval *v;
	int rc;

	rc = store_json(api, path, &v);
	if (rc)
		goto out;
	o = model_json_parse(v->data);
	cval_put(v);
	if (!o || !json_object_object_get_ex(o, t->field, &f)) {
		rc = -EACCES;
		goto out;
	}
	if (json_object_get_type(f) == json_type_string)
		buf_adds(out, json_object_get_string(f));
	if (out->len && out->buf[out->len - 1] != '\n')
		buf_addch(out, '\n');
out:
	json_object_put(o);
	free(path);
	return rc;
}

static void unreadable(const struct node_id *id, const struct obj_put_text *t)
{
	char *path = node_id_member_path(id);

	log_error("GET %s: the answer has no %s: not readable with this "
		  "token (it needs read:sensitive)",
		  path, t->field);
	free(path);
}

static int text_render(const struct node *n, struct buf *out)
{
	const struct obj_put_text *t = text_of(&n->id, n->id.name);
	int rc;

	if (!t)
		return -ENOENT;
	rc = text_fetch(&n->fs->api, &n->id, t, out);
	if (rc == -EACCES)
		unreadable(&n->id, t);
	return rc;
}

/* What a handle open for writing compares its save with. */
struct put_text {
	char *shown; /* what the file showed; NULL when unreadable */
};

static void put_text_free(void *p)
{
	struct put_text *pt = p;

	if (pt->shown) {
		/* A compose file holds secrets. */
		explicit_bzero(pt->shown, strlen(pt->shown));
		free(pt->shown);
	}
	free(pt);
}

/* A handle is about the field of its name (fh->id.name). Writing over
 * an unreadable text (O_TRUNC) is allowed: it replaces what nobody
 * shows. */
static int text_open(const struct node *n, struct fh *fh)
{
	bool writing = (fh->flags & O_ACCMODE) != O_RDONLY;
	bool trunc = writing && fh->flags & O_TRUNC;
	const struct obj_put_text *t = text_of(&n->id, n->id.name);
	struct buf now = BUF_INIT;
	struct put_text *pt;
	bool readable;
	int rc;

	if (!t)
		return -ENOENT;
	rc = text_fetch(&n->fs->api, &n->id, t, &now);
	readable = !rc;
	if (rc == -EACCES && !trunc)
		unreadable(&n->id, t);
	if (!readable && !(rc == -EACCES && trunc))
		goto out;
	rc = 0;
	if (readable && !trunc)
		rc = buf_set(&fh->data, now.buf, now.len);
	if (!rc && writing) {
		pt = xcalloc(1, sizeof(*pt));
		pt->shown = readable ? buf_detach(&now, NULL) : NULL;
		fh->priv = pt;
		fh->priv_free = put_text_free;
	}
out:
	buf_release(&now);
	return rc;
}

/* A compose file is never known to be complete: sent at close. */
static int text_written(struct fh *fh)
{
	(void)fh;
	return FH_KEEP;
}

/* Blank text is a truncation on the way to a rewrite, and what the file
 * showed is no change: neither is sent. */
static int text_commit(struct fh *fh, bool closing)
{
	const struct obj_put_text *t = text_of(&fh->id, fh->id.name);
	struct put_text *pt = fh->priv;
	char *owner;
	int rc;

	(void)closing;
	if (!pt || !t)
		return -EBADF;
	if (strspn(fh->data.buf, " \t\r\n") == fh->data.len)
		return 0;
	if (memchr(fh->data.buf, '\0', fh->data.len)) {
		log_error("not saved, nothing sent: the text holds a NUL");
		return -EINVAL;
	}
	if (pt->shown && !strcmp(pt->shown, fh->data.buf))
		return 0;
	owner = node_id_owner(&fh->id);
	rc = crud_put_text(&fh->fs->api, fh->id.obj, owner, t, fh->data.buf);
	free(owner);
	return rc;
}

const struct node_kind kind_put_text = {
	.name = "put-text",
	.type = S_IFREG,
	.perm = 0600,
	.render = text_render,
	.open = text_open,
	.written = text_written,
	.commit = text_commit,
	.mtime = kind_inst_item_mtime,
};

/* ---- the directory ---- */

static int single_list(const struct node *dir, struct dir_fill *fill)
{
	const struct obj_put_text *t;

	for (t = obj_get(dir->id.obj)->put_texts; t && t->file; t++) {
		struct node c = node_child(dir, &kind_put_text);

		c.arg = NULL;
		snprintf(c.id.name, sizeof(c.id.name), "%s", t->file);
		if (dir_add(fill, t->file, &c))
			return 0;
	}
	resdir_list(dir, fill); /* editors' temporary files */
	return 0;
}

static int entry_lookup(struct node *n, const char *name)
{
	const struct obj_put_text *t = text_of(&n->id, name);

	if (!t)
		return -ENOENT;
	n->kind = &kind_put_text;
	n->arg = NULL;
	return 0;
}

static int single_lookup(struct node *n, const char *name)
{
	return resdir_dir_lookup(n, name, entry_lookup);
}

/* Editors' saves (resdir.h): their temporary files, and vim's new FILE. */
static int single_create(const struct node *dir, const char *name, int flags,
		     struct fh *fh)
{
	return resdir_dir_create(dir, name, flags, fh, entry_lookup);
}

static int single_rename(const struct node *dir, const struct node *from,
		     const char *newname, unsigned int flags)
{
	return resdir_dir_rename(dir, from, newname, flags, entry_lookup);
}

const struct node_kind kind_single_dir = {
	.name = "single-dir",
	.type = S_IFDIR,
	.list = single_list,
	.lookup = single_lookup,
	.create = single_create,
	.rename = single_rename,
	.mtime = kind_inst_item_mtime,
};
