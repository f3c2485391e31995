/* A resource's tags file (SPEC §6: a set of names is a text file, one
 * name a line; saving it applies the difference). Current Coolify only
 * (NOTES §17); the resource directory leaves it out elsewhere.
 *
 * Reading costs the resource's GET .../tags, reused for cache_ttl. A
 * listing asks nothing (SPEC §4: never a request per resource): the size
 * is the last answer's, or 0 for a file never read, as for logs.
 *
 * A save is the whole file, checked with the API's own rule for a name
 * (tagset.h) before anything is sent, and applied at close or fsync
 * (tags_apply: one POST for what was added, a DELETE for each name
 * removed). A write whose complete lines hold a name the API would
 * refuse fails at once with EINVAL, so that `echo x > tags` fails in the
 * shell (bash ignores close()'s error, SPEC §3.1). A write that appends
 * (`echo name >> tags`) can only add names, and is applied at once, so
 * that its refusal is the write's error too; a save that replaces the
 * file waits for close: written a line at a time (a loop's echoes), it
 * would otherwise detach every name after the first line. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "api/tags.h"
#include "base/log.h"
#include "model/tagset.h"
#include "tree/node.h"
#include "tree/resdir.h"
#include "base/xalloc.h"

static int tags_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc;

	rc = tags_get(&n->fs->api, n->id.rkind, n->id.uuid, &v);
	if (rc)
		return rc;
	rc = tagset_render(v->data, out);
	cval_put(v);
	return rc;
}

static int tags_size(const struct node *n, off_t *size)
{
	struct cval *v = tags_peek(&n->fs->api, n->id.rkind, n->id.uuid);
	struct buf b = BUF_INIT;
	int rc = 0;

	if (v && !n->listing) {
		/* Read before: stat follows it, as cat would. */
		cval_put(v);
		rc = tags_get(&n->fs->api, n->id.rkind, n->id.uuid, &v);
		if (rc)
			v = NULL;
	}
	if (v)
		tagset_render(v->data, &b);
	*size = (off_t)b.len;
	buf_release(&b);
	cval_put(v);
	return rc;
}

/* What a handle open for writing remembers: the last refusal it logged,
 * so that the close after a refused write does not log it again. */
struct tags_handle {
	char *refused;
};

static void tags_handle_free(void *p)
{
	struct tags_handle *h = p;

	if (h)
		free(h->refused);
	free(h);
}

static int tags_open(const struct node *n, struct fh *fh)
{
	bool writing = (fh->flags & O_ACCMODE) != O_RDONLY;

	if (writing) {
		fh->priv = xcalloc(1, sizeof(struct tags_handle));
		fh->priv_free = tags_handle_free;
	}
	if (writing && fh->flags & O_TRUNC)
		return 0;
	return tags_render(n, &fh->data);
}

/* Parses len bytes of the handle's contents into want, logging a
 * refusal once per handle. */
static int parse(struct fh *fh, size_t len, struct tagset *want)
{
	struct tags_handle *h = fh->priv;
	struct buf err = BUF_INIT;
	int rc;

	rc = tagset_parse(fh->data.buf, len, want, &err);
	if (rc && (!h || !h->refused || strcmp(h->refused, err.buf))) {
		log_error("not saved, nothing sent: %s", err.buf);
		if (h) {
			free(h->refused);
			h->refused = xstrdup(err.buf);
		}
	}
	buf_release(&err);
	return rc;
}

static int tags_written(struct fh *fh)
{
	const struct buf *d = &fh->data;
	const char *nl = d->len ? memrchr(d->buf, '\n', d->len) : NULL;
	struct tagset want = TAGSET_INIT;
	int rc;

	if (!nl)
		return FH_KEEP;
	/* The complete lines: a bad name fails this write. */
	rc = parse(fh, (size_t)(nl - d->buf) + 1, &want);
	tagset_release(&want);
	if (rc)
		return rc;
	if (fh->flags & O_APPEND && nl == d->buf + d->len - 1)
		return FH_SEND;
	return FH_KEEP;
}

static int tags_commit(struct fh *fh, bool closing)
{
	struct tagset want = TAGSET_INIT;
	int rc;

	(void)closing;
	rc = parse(fh, fh->data.len, &want);
	if (!rc)
		rc = tags_apply(&fh->fs->api, fh->id.rkind, fh->id.uuid, &want);
	tagset_release(&want);
	return rc;
}

/* `rm tags` detaches nothing (`: > tags` does): but vim's failed save
 * unlinks the file before it renames its backup back. */
static int tags_unlink(const struct node *n)
{
	return resdir_hide(n) ? 0 : -EPERM;
}

const struct node_kind kind_tags = {
	.name = "tags",
	.type = S_IFREG,
	.perm = 0600,
	.render = tags_render,
	.size = tags_size,
	.open = tags_open,
	.written = tags_written,
	.commit = tags_commit,
	.unlink = tags_unlink,
};
