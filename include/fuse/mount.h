/* The mount above its contexts (SPEC §7): which context a path is in,
 * and the life of each context, from the mount check to the unmount.
 *
 * In a mount of one context (a URL, or one name) the context's tree is
 * the whole mount and every path is its. With several, the first
 * component of a path names the context (its directory at the top), the
 * rest is resolved in that context's tree as if it were mounted alone;
 * "/" and "/ctl" are the top's (kind_top.h).
 *
 * A context whose instance did not answer the mount check is not up: it
 * is an empty directory, and the next lookup of a path in it asks the
 * instance again, not more often than every MOUNT_RETRY_MS. Once it
 * answers it is up for good: its tree appears and its workers start. */
#ifndef CFS_MOUNT_H
#define CFS_MOUNT_H

#include <stdbool.h>

#include "cfs.h"
#include "tree/node.h"

/* How long a context that did not answer is left alone. */
#define MOUNT_RETRY_MS 3000

/* Sets up what fs holds but its instance (handles, editors' temporary
 * files, pending truncations, followed logs...) as part of m; fs->conf
 * is set already. For the top and for every context. */
void mount_fs_init(struct cfs *fs, struct cfs_mount *m);
/* Sets up a context's client and cache from fs->conf (its URL, token
 * and options). Returns 0, or -EINVAL for a URL the client refuses. */
int mount_ctx_init(struct cfs *fs);
/* Frees what mount_fs_init and mount_ctx_init (if it was called) set
 * up, and fs's conf. */
void mount_fs_release(struct cfs *fs);

/* The mount check of every context at once (each one GET /version).
 * Each that answers is up; for each that does not, why gets its
 * context's name and one line (no trailing newline) saying why. Returns
 * how many are up. */
size_t mount_check(struct cfs_mount *m, struct buf *why);

/* Starts the up contexts' workers (prefetch, probe): in FUSE's init,
 * after the fork of daemonizing. Later, a context starts its own when
 * it comes up. interrupted: what each client asks whether the request it
 * serves was interrupted (http.h). */
void mount_start(struct cfs_mount *m, bool (*interrupted)(void));
/* Stops every context's workers; the loop has ended. */
void mount_stop(struct cfs_mount *m);

/* The context that serves path (the top's for "/" and "/ctl" of a
 * multi-context mount), and in *rest (when not NULL) the path within
 * its tree. Never asks an instance. */
struct cfs *mount_fs(struct cfs_mount *m, const char *path, const char **rest);
/* Whether fs is the top of m: it has no instance. */
bool mount_is_top(const struct cfs *fs);

/* Resolves path in the mount into n, as tree_resolve (tree.h) does in
 * one tree: 0 (release n with node_release), or a negative errno. A
 * context not up is asked again first (see above); until it answers,
 * its directory is empty and every path below it -ENOENT. */
int mount_resolve(struct cfs_mount *m, const char *path, struct node *n);

#endif
