/* What the mount last saved to objects the API writes but cannot read
 * back: a storage's volume-backup schedule has a PUT and a DELETE and no
 * GET (VolumeBackupsController), so its backup.json shows the JSON the
 * mount last PUT there, kept here (SPEC §6). It is not a cache: nothing
 * expires, and neither `refresh`, SIGHUP nor cache_ttl drops it; a
 * delete through the mount does (saved_drop_prefix), and so does the
 * unmount, as it lives in the daemon's memory only. A schedule set
 * elsewhere (the web UI, another mount) is not seen.
 *
 * Keyed by the object's API path. Thread-safe. */
#ifndef CFS_SAVED_H
#define CFS_SAVED_H

#include <pthread.h>

#include "base/buf.h"

struct saved_entry;

struct saved {
	pthread_mutex_t lock; /* guards table and every entry */
	struct saved_entry *table;
};

void saved_init(struct saved *s);
void saved_release(struct saved *s);

/* Remembers text (copied) as what path holds now. */
void saved_set(struct saved *s, const char *path, const char *text);
/* Appends what path holds to out: 0, or -ENOENT when nothing was saved
 * there. */
int saved_get(struct saved *s, const char *path, struct buf *out);
/* Forgets path and everything under it (path + "/..."): the object was
 * deleted. */
void saved_drop_prefix(struct saved *s, const char *path);

#endif
