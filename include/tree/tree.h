/* Paths to nodes: walks a mount-relative path from the root, one
 * component at a time, through each directory kind's lookup. */
#ifndef CFS_TREE_H
#define CFS_TREE_H

#include "tree/node.h"

/* Resolves path ("/" or "/a/b") into n. Returns 0 (release n with
 * node_release), or -ENOENT, -ENOTDIR or the API's errno; on failure n
 * holds nothing. */
int tree_resolve(struct cfs *fs, const char *path, struct node *n);

#endif
