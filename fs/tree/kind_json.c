/* Writable JSON files: an object's *.json (a PATCH of what changed) and a
 * collection's new.json (a create). See jsonfile.h.
 *
 * new.json is not listed: a listing of applications/ shows applications
 * only, so globs, `ls | wc -l` and `rm -r` see none of it. It can be
 * looked up, opened and created all the same, as /proc's per-thread
 * directories can be opened while /proc's listing leaves them out. It is
 * a write-only file (0200) that reads as empty. */
#include "tree/jsonfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"

/* What a handle open for writing diffs its save against; what it saves
 * to is its identity (fh->id). */
struct jsonfile {
	char *base; /* compact JSON the file showed; NULL for new.json */
};

static void jsonfile_free(void *p)
{
	struct jsonfile *j = p;

	if (j->base) {
		/* Objects hold secrets (passwords, compose files). */
		explicit_bzero(j->base, strlen(j->base));
		free(j->base);
	}
	free(j);
}

static void jsonfile_attach(struct fh *fh, const char *base)
{
	struct jsonfile *j = xcalloc(1, sizeof(*j));

	j->base = xstrdup(base);
	fh->priv = j;
	fh->priv_free = jsonfile_free;
}

int jsonfile_open(const struct node *n, struct fh *fh, const char *base)
{
	bool writing = (fh->flags & O_ACCMODE) != O_RDONLY;
	int rc = 0;

	(void)n;
	if (!(writing && fh->flags & O_TRUNC))
		rc = model_json_render(base, &fh->data);
	if (!rc && writing)
		jsonfile_attach(fh, base);
	return rc;
}

/* Whether data holds nothing but white space. */
int jsonfile_size(const struct node *n, const char *json, off_t *size)
{
	return sizes_of(&n->fs->sizes, json, model_json_render, size);
}

static bool blank(const struct buf *data)
{
	return strspn(data->buf, " \t\r\n") == data->len;
}

int jsonfile_commit(struct fh *fh, bool closing)
{
	const struct node_id *id = &fh->id;
	struct jsonfile *j = fh->priv;
	struct crud_place at = { id->project, id->env_name, id->env_uuid,
				 NULL };
	const char *key = node_id_key(id);
	char *uuid = NULL, *owner = NULL;
	int rc;

	(void)closing;
	if (!j)
		return -EBADF;
	if (blank(&fh->data))
		return 0;
	/* A NUL inside would cut the text short of what was written. */
	if (memchr(fh->data.buf, '\0', fh->data.len)) {
		log_error("not saved, nothing sent: not a JSON object");
		return -EINVAL;
	}
	/* A collection that belongs to a resource or a member is under its
	 * owner's path (a task: /applications/{uuid}/scheduled-tasks). */
	at.owner = owner = node_id_owner(id);
	/* A single object of the mount has no id: its file is saved, never
	 * created (objects.h). */
	if (!key && !obj_get(id->obj)->single) {
		rc = crud_create(&fh->fs->api, id->obj, &at, fh->data.buf,
				 &uuid);
		free(uuid);
	} else {
		/* Where the object lives matters to the update of a
		 * resource or an owned member only; an instance object (a
		 * server, a key) lives nowhere. */
		rc = crud_update(&fh->fs->api, id->obj,
				 id->project || owner ? &at : NULL, key,
				 j->base, fh->data.buf);
	}
	free(owner);
	return rc;
}

int jsonfile_written(struct fh *fh)
{
	const struct buf *d = &fh->data;

	if (!d->len || d->buf[d->len - 1] != '\n' ||
	    memchr(d->buf, '\0', d->len) || !crud_is_object(d->buf))
		return FH_KEEP;
	/* Complete: sent now, once; a refusal is this write()'s error. */
	return FH_SEND;
}

/* ---- new.json ---- */

static int new_render(const struct node *n, struct buf *out)
{
	(void)n;
	(void)out;
	return 0;
}

static int new_open(const struct node *n, struct fh *fh)
{
	(void)n;
	if ((fh->flags & O_ACCMODE) == O_RDONLY)
		return 0;
	jsonfile_attach(fh, NULL);
	return 0;
}

/* Shells open with O_TRUNC, which may come as a truncate of the path:
 * there is nothing to cut. */
static int new_truncate(const struct node *n, off_t size)
{
	(void)n;
	(void)size;
	return 0;
}

int jsonfile_new_lookup(struct node *n, const char *name, enum api_obj obj)
{
	if (strcmp(name, NEW_JSON))
		return -ENOENT;
	jsonfile_create_lookup(n, obj);
	return 0;
}

void jsonfile_create_lookup(struct node *n, enum api_obj obj)
{
	n->kind = &kind_new_json;
	n->id.obj = obj;
	/* Not made yet: no id of its own (its owners' stay). */
	switch (obj_depth(obj_get(obj))) {
	case 0:
		n->id.uuid = NULL;
		break;
	case 1:
		n->id.member = NULL;
		break;
	default:
		n->id.run = NULL;
		break;
	}
}

int jsonfile_new_create(const struct node *dir, const char *name,
			struct fh *fh, enum api_obj obj)
{
	if (strcmp(name, NEW_JSON))
		return -EACCES;
	return jsonfile_create_open(dir, fh, obj);
}

int jsonfile_create_open(const struct node *dir, struct fh *fh,
			 enum api_obj obj)
{
	/* The handle is the directory's (whose id.uuid is NULL: no
	 * collection is an object) with the file's name: what it creates
	 * completes its identity, as jsonfile_new_lookup() a node's. */
	fh->id.obj = obj;
	fh->kind = &kind_new_json;
	return new_open(dir, fh);
}

const struct node_kind kind_new_json = {
	.name = "new.json",
	.type = S_IFREG,
	.perm = 0200,
	.render = new_render,
	.open = new_open,
	.written = jsonfile_written,
	.commit = jsonfile_commit,
	.truncate = new_truncate,
};
