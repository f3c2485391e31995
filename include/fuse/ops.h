/* The table of FUSE operations: the map of the filesystem. */
#ifndef CFS_OPS_H
#define CFS_OPS_H

#include <fuse.h>

#include "cfs.h"

extern const struct fuse_operations cfs_ops;

/* After the loop has ended: frees the handles whose release the kernel
 * never sent (files still open at a lazy unmount), committing nothing. */
void ops_release_handles(struct cfs *fs);

#endif
