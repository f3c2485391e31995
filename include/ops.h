/* The table of FUSE operations: the map of the filesystem. */
#ifndef CFS_OPS_H
#define CFS_OPS_H

#include <fuse.h>

#include "cfs.h"

extern const struct fuse_operations cfs_ops;

#endif
