/* The verbs of a resource's ctl that name a place in the mount or an
 * instance's destination (SPEC §6, current Coolify only):
 *
 *   clone ENVIRONMENT_PATH [NAME]   a copy on the resource's destination,
 *                                   moved to that environment when it is
 *                                   another one
 *   migrate DESTINATION             to another server's destination
 *   destination add DESTINATION     applications: an extra destination
 *   destination remove DESTINATION
 *
 * ENVIRONMENT_PATH is a path in the mount: from its root
 * ("projects/P/staging"), absolute under the mount point, or, when it
 * starts with "." or "..", from the directory the resource is in (its
 * ENV/applications/, as `mv APP ../../staging/applications/` is typed
 * there): "../../staging". A trailing applications/ (databases/,
 * services/) is allowed. DESTINATION is a destination's uuid or its name.
 * A path or a destination that names nothing fails with ENOENT (a path
 * that cannot name an environment with EINVAL) before anything is sent.
 *
 * The actions are relocate.h's; this module reads the line and the
 * tree. Thread-safe. */
#ifndef CFS_PLACEVERBS_H
#define CFS_PLACEVERBS_H

#include <stdbool.h>

#include "base/buf.h"
#include "tree/node.h"

/* Whether line is one of these verbs for a ctl of kind on this
 * instance (its first word, on current Coolify). */
bool placeverbs_takes(const struct cfs *fs, enum res_kind kind,
		      const char *line);

/* The verbs' usage lines for `cat ctl`; appends. */
void placeverbs_usage(const struct cfs *fs, enum res_kind kind,
		      struct buf *out);

/* Runs line (placeverbs_takes said yes) for the resource fh->id names:
 * 0, or a negative errno, logged once. */
int placeverbs_run(struct fh *fh, const char *line);

#endif
