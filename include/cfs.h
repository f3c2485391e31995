/* The mount context: the one object that holds everything a mounted
 * coolifyfs has. main() builds it; every FUSE operation reaches it through
 * fuse_get_context()->private_data (cfs_get()). There are no other
 * globals. */
#ifndef CFS_CFS_H
#define CFS_CFS_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "api/api.h"
#include "api/prefetch.h"
#include "cache/sizes.h"
#include "conf.h"
#include "fuse/pending.h"
#include "fuse/refused.h"
#include "fuse/shadow.h"
#include "model/logs.h"

struct fh;

struct cfs {
	struct conf conf;
	/* What the services (fs/api) work with: client, cache, gone, TTL
	 * and API generation (api.h). */
	struct api api;
	struct logs logs;         /* followed logs (SPEC §3.2) */
	struct shadows shadows;   /* editors' temporary files, in memory */
	struct pending pending;   /* truncations not yet written over */
	struct refused refused;   /* a rename mv is about to retry */
	struct prefetch prefetch; /* fetches ahead of a walk, through api */
	struct sizes sizes;       /* of rendered JSON files */
	/* Guards handles and every handle's prev and next. */
	pthread_mutex_t handles_lock;
	struct fh *handles; /* open handles the kernel has not released */
	uid_t uid;          /* owner of every file: the user who mounted */
	gid_t gid;
	time_t mount_time; /* mtime of objects that have no timestamp */
	char *version;     /* the instance's version, from the mount check */
};

/* The context of the mount serving the calling FUSE request. */
struct cfs *cfs_get(void);

#endif
