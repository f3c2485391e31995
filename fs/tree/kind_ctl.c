/* A resource's ctl file: `cat ctl` lists the verbs, `echo VERB > ctl`
 * runs one (SPEC §3.3). The verbs are in actions.h, the way lines run in
 * ctlfile.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/actions.h"
#include "tree/ctlfile.h"
#include "base/log.h"
#include "tree/node.h"
#include "tree/placeverbs.h"

static int ctl_render(const struct node *n, struct buf *out)
{
	actions_usage(n->res->kind, n->fs->api.current_api, out);
	placeverbs_usage(n->fs, n->res->kind, out);
	return 0;
}

static int ctl_run(struct fh *fh, const char *line)
{
	struct actions_cmd cmd;
	struct buf err = BUF_INIT;
	int rc;

	/* SPEC §6: the verbs that name a place in the mount. */
	if (placeverbs_takes(fh->fs, fh->id.rkind, line)) {
		rc = placeverbs_run(fh, line);
		goto out;
	}
	rc = actions_parse(fh->id.rkind, fh->fs->api.current_api, line, &cmd,
			   &err);
	if (rc == -ENODATA) {
		rc = 0; /* a blank line */
	} else if (rc) {
		log_error("%s", err.buf);
	} else {
		rc = actions_run(&fh->fs->api, fh->id.rkind, fh->id.uuid, &cmd,
				 ctlfile_interrupted);
		if (!rc && cmd.verb == ACTIONS_DELETE)
			node_forget_dir_of(fh->fs, fh->path, fh->id.uuid);
	}
out:
	buf_release(&err);
	return rc;
}

static int ctl_open(const struct node *n, struct fh *fh)
{
	return ctlfile_open(n, fh, ctl_run);
}

const struct node_kind kind_ctl = {
	.name = "ctl",
	.type = S_IFREG,
	.perm = 0600,
	.render = ctl_render,
	.open = ctl_open,
	.written = ctlfile_written,
	.commit = ctlfile_commit,
	.truncate = ctlfile_truncate,
};
