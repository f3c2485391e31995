/* Files the API takes with a PUT and cannot give back: a storage's
 * backup.json, its volume-backup schedule (VolumeBackupsController has
 * PUT and DELETE .../backups, no GET). The file shows what the mount last
 * saved there (saved.h: the daemon's memory, empty until the first save,
 * and again after `delete backup`); saving it sends the whole file as
 * the PUT's body, as the API replaces the whole schedule (what the body
 * leaves out takes the API's defaults). The save protocol is jsonfile.h's:
 * sent at close, or at once by a write that completes one JSON object
 * and a newline; an empty file sends nothing.
 *
 * The node is a member's child (kind_coll.c's hooks): its id names the
 * member, and arg is the path that follows the member's ("/backups"). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "api/crud.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "tree/jsonfile.h"
#include "tree/kind_inst.h"

/* The object's API path: the member's and arg (caller frees). */
static char *saved_path(const struct node *n)
{
	char *member = node_id_member_path(&n->id);
	char *path = xasprintf("%s%s", member, n->arg ? n->arg : "");

	free(member);
	return path;
}

static int saved_render(const struct node *n, struct buf *out)
{
	struct buf text = BUF_INIT;
	char *path = saved_path(n);
	int rc = 0;

	/* Nothing saved yet: an empty file (SPEC §6). */
	if (!saved_get(&n->fs->api.saved, path, &text))
		rc = model_json_render(text.buf, out);
	buf_release(&text);
	free(path);
	return rc;
}

/* A handle open for writing keeps the path it saves to: the commit works
 * from the handle alone. */
static int saved_open(const struct node *n, struct fh *fh)
{
	bool writing = (fh->flags & O_ACCMODE) != O_RDONLY;
	int rc = 0;

	if (!(writing && fh->flags & O_TRUNC))
		rc = saved_render(n, &fh->data);
	if (!rc && writing) {
		fh->priv = saved_path(n);
		fh->priv_free = free;
	}
	return rc;
}

static int saved_commit(struct fh *fh, bool closing)
{
	const struct buf *d = &fh->data;

	(void)closing;
	if (!fh->priv)
		return -EBADF;
	/* A truncation on the way to a rewrite. */
	if (strspn(d->buf, " \t\r\n") == d->len)
		return 0;
	if (memchr(d->buf, '\0', d->len)) {
		log_error("not saved, nothing sent: not a JSON object");
		return -EINVAL;
	}
	return crud_put(&fh->fs->api, fh->priv, d->buf);
}

const struct node_kind kind_saved_json = {
	.name = "saved-json",
	.type = S_IFREG,
	.perm = 0600,
	.render = saved_render,
	.open = saved_open,
	.written = jsonfile_written,
	.commit = saved_commit,
	.mtime = kind_inst_item_mtime,
};
