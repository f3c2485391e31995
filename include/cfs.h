/* The mount context: the one object that holds everything a mounted
 * coolifyfs has. main() builds it; every FUSE operation reaches it through
 * fuse_get_context()->private_data (cfs_get()). There are no other
 * globals. */
#ifndef CFS_CFS_H
#define CFS_CFS_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "cache.h"
#include "conf.h"
#include "http.h"

struct cfs {
	struct conf conf;
	struct http http;
	struct cache cache;
	uid_t uid; /* owner of every file: the user who mounted */
	gid_t gid;
	time_t mount_time; /* mtime of objects that have no timestamp */
	char *version;     /* the instance's version, from the mount check */
};

/* The context of the mount serving the calling FUSE request. */
struct cfs *cfs_get(void);

#endif
