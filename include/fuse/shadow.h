/* Shadows: the temporary files editors and tools make beside the file
 * they save (vim's .KEY.swp and 4913, sed's sedXXXXXX, KEY~, ...). They
 * live in memory only, per directory, until unlinked or unmounted, and
 * never reach the API unless renamed onto a key (SPEC §3.1).
 *
 * A directory is named by an opaque string (the env directory's
 * resource and variant). All functions are thread-safe. */
#ifndef CFS_SHADOW_H
#define CFS_SHADOW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/buf.h"

struct shadow;

struct tombstone;

struct shadows {
	pthread_mutex_t lock; /* guards both tables and every entry */
	struct shadow *table;
	struct tombstone *buried; /* keys unlinked a moment ago */
};

void shadows_init(struct shadows *s);
void shadows_release(struct shadows *s);

/* Creates an empty shadow; -EEXIST if it exists and excl. */
int shadow_create(struct shadows *s, const char *dir, const char *name,
		  bool excl);
/* Whether it exists; when it does, its size and mtime (either may be
 * NULL). */
bool shadow_stat(struct shadows *s, const char *dir, const char *name,
		 size_t *size, time_t *mtime);
/* Copies its contents into out (reset first); -ENOENT. */
int shadow_read(struct shadows *s, const char *dir, const char *name,
		struct buf *out);
/* Replaces its contents (creating it when missing). */
void shadow_write(struct shadows *s, const char *dir, const char *name,
		  const char *data, size_t len);
int shadow_truncate(struct shadows *s, const char *dir, const char *name,
		    size_t len);
/* Drops a shadow. When it was the backup of a key that was unlinked
 * meanwhile, *gone_key (if gone_key is not NULL) gets that key's name to
 * delete now (caller frees); else it is left alone. */
int shadow_unlink(struct shadows *s, const char *dir, const char *name,
		  char **gone_key);

/* Backups. vim saves by renaming KEY to KEY~, writing a new KEY and
 * dropping KEY~; when the write fails it unlinks KEY and renames KEY~
 * back. A shadow made from a key remembers it, and an unlink of that key
 * while its backup lives only hides the key: renaming the backup back
 * restores it without the API ever seeing a delete, and dropping the
 * backup makes the delete real. */
void shadow_set_backup(struct shadows *s, const char *dir, const char *name,
		       const char *key);
/* Whether key was unlinked while a backup of it lives. */
bool shadow_key_gone(struct shadows *s, const char *dir, const char *key);
/* Marks key unlinked (or back); false when no backup of it lives. */
bool shadow_set_key_gone(struct shadows *s, const char *dir, const char *key,
			 bool gone);
/* Renames from to to in dir, replacing to; -ENOENT if from is missing. */
int shadow_rename(struct shadows *s, const char *dir, const char *from,
		  const char *to);
/* Tombstones. tar -x and install unlink a key and create it again at
 * once, which the API sees as a DELETE and a POST; the new variable takes
 * the old one's flags from its tombstone. A tombstone lasts
 * SHADOW_TOMBSTONE_TTL seconds: long enough for a tool's next call, too
 * short for a variable deleted on purpose and made again later. flags
 * and has are bit sets the caller defines. */
#define SHADOW_TOMBSTONE_TTL 3
void shadow_bury(struct shadows *s, const char *dir, const char *key,
		 unsigned flags, unsigned has);
/* Whether key in dir has a live tombstone; if so its bits (either
 * pointer may be NULL). */
bool shadow_tombstone(struct shadows *s, const char *dir, const char *key,
		      unsigned *flags, unsigned *has);
/* Drops key's tombstone, once the new variable has its flags. */
void shadow_forget(struct shadows *s, const char *dir, const char *key);

/* The names of dir's shadows: a NULL-terminated array the caller frees
 * (each name and the array). */
char **shadow_names(struct shadows *s, const char *dir);

#endif
