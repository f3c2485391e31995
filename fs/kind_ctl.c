/* A resource's ctl file: `cat ctl` lists the verbs, `echo VERB > ctl`
 * runs one (SPEC §3.3). The verbs are in actions.h.
 *
 * A verb runs as soon as its line is complete, inside write(): bash's
 * `echo restart > ctl` ignores an error of close(), so a refusal must be
 * write()'s error to reach the user. What is left without a newline runs
 * when the file is closed (`printf restart > ctl`). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "log.h"
#include "node.h"
#include "xalloc.h"

/* A handle open for writing: which lines of fh->data have run. */
struct ctl_state {
	enum res_kind kind;
	size_t done; /* bytes of fh->data already run */
};

static int ctl_render(const struct node *n, struct buf *out)
{
	actions_usage(n->res->kind, out);
	return 0;
}

static int ctl_open(const struct node *n, struct fh *fh)
{
	struct ctl_state *st;

	if ((fh->flags & O_ACCMODE) == O_RDONLY)
		return ctl_render(n, &fh->data);
	st = xcalloc(1, sizeof(*st));
	st->kind = n->res->kind;
	fh->priv = st;
	fh->priv_free = free;
	return 0;
}

/* FUSE's interrupt for the request this thread serves: Ctrl-C on a
 * `deploy wait`. */
static bool ctl_interrupted(void)
{
	return fuse_interrupted() != 0;
}

static int ctl_run(struct fh *fh, const char *line, size_t len)
{
	struct ctl_state *st = fh->priv;
	struct actions_cmd cmd;
	struct buf err = BUF_INIT;
	char *text = xstrndup(line, len);
	int rc;

	rc = actions_parse(st->kind, text, &cmd, &err);
	if (rc == -ENODATA) {
		rc = 0; /* a blank line */
	} else if (rc) {
		log_error("%s", err.buf);
	} else {
		rc = actions_run(fh->fs, st->kind, fh->uuid, &cmd,
				 ctl_interrupted);
	}
	buf_release(&err);
	free(text);
	return rc;
}

static int ctl_written(struct fh *fh)
{
	struct ctl_state *st = fh->priv;
	const char *nl;

	if (!st)
		return -EBADF;
	if (st->done > fh->data.len) /* truncated meanwhile */
		st->done = fh->data.len;
	while ((nl = memchr(fh->data.buf + st->done, '\n',
			    fh->data.len - st->done))) {
		const char *line = fh->data.buf + st->done;
		int rc;

		st->done = (size_t)(nl - fh->data.buf) + 1;
		rc = ctl_run(fh, line, (size_t)(nl - line));
		if (rc)
			return rc;
	}
	return 0;
}

static int ctl_commit(struct fh *fh)
{
	struct ctl_state *st = fh->priv;
	size_t start;

	if (!st || st->done >= fh->data.len)
		return 0;
	start = st->done;
	st->done = fh->data.len;
	return ctl_run(fh, fh->data.buf + start, fh->data.len - start);
}

/* Shells open with O_TRUNC, which may come as a truncate of the path:
 * there is nothing to cut. */
static int ctl_truncate(const struct node *n, off_t size)
{
	(void)n;
	(void)size;
	return 0;
}

const struct node_kind kind_ctl = {
	.name = "ctl",
	.type = S_IFREG,
	.perm = 0600,
	.render = ctl_render,
	.open = ctl_open,
	.written = ctl_written,
	.commit = ctl_commit,
	.truncate = ctl_truncate,
};
