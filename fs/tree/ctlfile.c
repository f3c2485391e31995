#include "tree/ctlfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* A handle open for writing: which bytes of fh->data have run. */
struct ctl_state {
	ctlfile_run_fn run;
	size_t done;
};

int ctlfile_open(const struct node *n, struct fh *fh, ctlfile_run_fn run)
{
	struct ctl_state *st;

	if ((fh->flags & O_ACCMODE) == O_RDONLY)
		return n->kind->render(n, &fh->data);
	st = xcalloc(1, sizeof(*st));
	st->run = run;
	fh->priv = st;
	fh->priv_free = free;
	return 0;
}

static int run_line(struct fh *fh, const char *line, size_t len)
{
	struct ctl_state *st = fh->priv;
	char *text = xstrndup(line, len);
	int rc = st->run(fh, text);

	free(text);
	return rc;
}

int ctlfile_written(struct fh *fh)
{
	struct ctl_state *st = fh->priv;

	if (!st)
		return -EBADF;
	if (st->done > fh->data.len) /* truncated meanwhile */
		st->done = fh->data.len;
	return memchr(fh->data.buf + st->done, '\n', fh->data.len - st->done)
		   ? FH_SEND_LINES
		   : FH_KEEP;
}

/* Runs the complete lines not run yet, stopping at the first error. */
static int run_lines(struct fh *fh)
{
	struct ctl_state *st = fh->priv;
	const char *nl;

	while ((nl = memchr(fh->data.buf + st->done, '\n',
			    fh->data.len - st->done))) {
		const char *line = fh->data.buf + st->done;
		int rc;

		st->done = (size_t)(nl - fh->data.buf) + 1;
		rc = run_line(fh, line, (size_t)(nl - line));
		if (rc)
			return rc;
	}
	return 0;
}

int ctlfile_commit(struct fh *fh, bool closing)
{
	struct ctl_state *st = fh->priv;
	size_t start;

	if (st && !closing)
		return run_lines(fh);
	/* Closing: what is left runs as one line (`printf restart`). */
	if (!st || st->done >= fh->data.len)
		return 0;
	start = st->done;
	st->done = fh->data.len;
	return run_line(fh, fh->data.buf + start, fh->data.len - start);
}

/* Shells open with O_TRUNC, which may come as a truncate of the path:
 * there is nothing to cut. */
int ctlfile_truncate(const struct node *n, off_t size)
{
	(void)n;
	(void)size;
	return 0;
}

bool ctlfile_interrupted(void)
{
	return fuse_interrupted() != 0;
}
