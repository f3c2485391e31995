/* ctl files: verbs written as lines of text (SPEC §3.3). Each kind of
 * ctl (a resource's, a server's, a key's, the mount's) has its own verbs
 * and shares how lines become calls, here.
 *
 * A verb runs as soon as its line is complete, inside write(): bash's
 * `echo restart > ctl` ignores an error of close(), so a refusal must be
 * write()'s error to reach the user. What is left without a newline runs
 * when the file is closed (`printf restart > ctl`). */
#ifndef CFS_CTLFILE_H
#define CFS_CTLFILE_H

#include <stdbool.h>

#include "tree/node.h"

/* Runs one line (NUL-terminated, without its newline) written to the
 * handle: 0, or the negative errno that write() (or close()) returns. */
typedef int (*ctlfile_run_fn)(struct fh *fh, const char *line);

/* Prepares fh for an open of ctl node n: a read gets what n's kind
 * renders (the verbs it takes); a write gets lines run by run. */
int ctlfile_open(const struct node *n, struct fh *fh, ctlfile_run_fn run);

/* The written, commit and truncate hooks of every ctl kind. */
int ctlfile_written(struct fh *fh);
int ctlfile_commit(struct fh *fh, bool closing);
int ctlfile_truncate(const struct node *n, off_t size);

/* Whether the FUSE request this thread serves was interrupted (the
 * user's Ctrl-C on a verb that waits). */
bool ctlfile_interrupted(void);

#endif
