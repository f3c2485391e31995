/* The top of a multi-context mount (SPEC §7): one directory per context,
 * named by it, and a ctl whose one verb, refresh, drops every context's
 * cache. Its nodes' fs is the mount's top (cfs.h), but for a context's
 * directory, whose fs is that context's. */
#ifndef CFS_KIND_TOP_H
#define CFS_KIND_TOP_H

#include "tree/node.h"

/* The top directory: lists the contexts and ctl; looks up ctl (the
 * contexts' directories are found by the mount, fuse/mount.h). */
extern const struct node_kind kind_top;
extern const struct node_kind kind_top_ctl;
/* The directory of a context whose instance has not answered yet:
 * empty. */
extern const struct node_kind kind_ctx_down;

/* Whether fs's tree can be walked: its instance answered (cfs.h, up). */
bool kind_top_ctx_up(struct cfs *fs);

#endif
