/* Truncations not yet written over.
 *
 * `: > KEY` opens with O_TRUNC and never writes, so the empty value is
 * committed only at release, which the kernel sends after close() has
 * returned. The next command (`echo v >> KEY`) can open the file before
 * that. POSIX says the truncation is visible to every open from the
 * moment it happens, so an open of a path with a pending truncation
 * first commits it on the truncating handle's behalf.
 *
 * Entries are keyed by path and identify their handle by address; the
 * handle's own memory is never touched here, nor is the copy committing
 * it takes (made by the caller, freed by free_like): handles are the
 * tree's (node.h), which depends on the mount context that holds this.
 * Thread-safe. */
#ifndef CFS_PENDING_H
#define CFS_PENDING_H

#include <pthread.h>
#include <stdbool.h>

struct fh;
struct pending_entry;

struct pending {
	pthread_mutex_t lock;   /* guards table and every entry */
	pthread_cond_t changed; /* an entry's commit finished */
	struct pending_entry *table;
	void (*free_like)(struct fh *like); /* of a like never taken */
};

void pending_init(struct pending *p, void (*free_like)(struct fh *));
void pending_release(struct pending *p);

/* Records that fh (opened on path) truncated and has not written; like
 * is what committing it takes (fh_like()), owned by p until
 * pending_take() hands it out. */
void pending_add(struct pending *p, const char *path, const struct fh *fh,
		 struct fh *like);

/* For an open of path for writing: when a handle's truncation of it is
 * pending, returns a new handle like it (empty data) for the caller to
 * commit, then to pass to pending_done() and free; else NULL. When
 * another thread is committing it, waits for that first. */
struct fh *pending_take(struct pending *p, const char *path);
void pending_done(struct pending *p, const struct fh *like);

/* For an open of path for reading: whether a truncation of it is pending
 * (the reader sees the file empty). Nothing is committed on a reader's
 * behalf: a `cat` racing `echo v > KEY` between its open and its write
 * must not send the empty value to the API. Waits for a commit under way
 * (then false: the API has it). */
bool pending_truncated(struct pending *p, const char *path);

/* Forgets fh's entry, when it writes or is released (waiting for a
 * commit of it under way). Returns whether its truncation was already
 * committed on its behalf. */
bool pending_drop(struct pending *p, const struct fh *fh);

#endif
