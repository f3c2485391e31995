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

#include "buf.h"

struct shadow;

struct shadows {
	pthread_mutex_t lock; /* guards table and every shadow in it */
	struct shadow *table;
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
int shadow_unlink(struct shadows *s, const char *dir, const char *name);
/* Renames from to to in dir, replacing to; -ENOENT if from is missing. */
int shadow_rename(struct shadows *s, const char *dir, const char *from,
		  const char *to);
/* The names of dir's shadows: a NULL-terminated array the caller frees
 * (each name and the array). */
char **shadow_names(struct shadows *s, const char *dir);

#endif
