/* The mount context: the one object that holds everything a mounted
 * instance has. A mount serves one (struct cfs_mount): or several, one
 * per context of the Coolify CLI (SPEC §7), each with its own client,
 * cache, budget and workers, and a node's fs is its context's. main()
 * builds them; every FUSE operation reaches the mount through
 * fuse_get_context()->private_data (cfs_mount_get()). There are no other
 * globals. */
#ifndef CFS_CFS_H
#define CFS_CFS_H

#include <pthread.h>
#include <signal.h>
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
struct cfs_mount;

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

	/* Several contexts in one mount (SPEC §7); in a mount of one, name
	 * is NULL, prefix "" and up true from the start. */
	struct cfs_mount *mount; /* the mount this is part of */
	char *name;   /* the context's directory at the top (escaped) */
	char *prefix; /* where its tree is in the mount: "" or "/NAME" */
	/* Whether version and api.current_api are known and the workers
	 * run: set once, after them (release), read with acquire. Until
	 * then (an instance that did not answer at mount time) the
	 * context is an empty directory and nothing reads its API. */
	bool up;
	/* Guards waking and retry_ms, the asking of a context not up. */
	pthread_mutex_t up_lock;
	bool waking;   /* a thread asks the instance now */
	long retry_ms; /* monotonic ms before which it is not asked again */
};

/* The mount: its contexts and, with several, the top directory's. */
struct cfs_mount {
	/* The top directory of a multi-context mount (its listing and its
	 * ctl, and their handles): no instance, its api unused. */
	struct cfs top;
	struct cfs *ctx; /* n contexts, in the order named */
	size_t n;
	bool multi; /* false: ctx[0]'s tree is the whole mount, as it was */
	/* Counts SIGHUPs (main's); every context's cache watches it. */
	const volatile sig_atomic_t *hup_count;
	/* FUSE's init has run: a context coming up starts its workers. Set
	 * before the first request, read-only after. */
	bool running;
};

/* The mount serving the calling FUSE request. */
struct cfs_mount *cfs_mount_get(void);

#endif
