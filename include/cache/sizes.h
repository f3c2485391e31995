/* The sizes of pretty-printed JSON files, remembered by their text.
 *
 * A file's size is the length of what reading it gives, so a stat of
 * application.json or resources.json used to render it: a warm `ls -lR`
 * at 1,000 applications spent a third of the daemon's time parsing and
 * printing JSON only to throw it away. The same text always renders to
 * the same length, so the length is remembered under a hash of the text
 * (and its length, and how it is rendered): a changed object is a new
 * text, found by no old entry. At most SIZES_MAX texts are remembered; past that the table
 * starts over.
 *
 * Finding the hash still reads the whole text (and a resource's text must
 * first be inflated), which a warm `ls -lR` paid per stat. So a value
 * that never changes once made (a cached answer, a list's resource, a
 * deployment) also keeps its file's size in a size_memo, next to the
 * text.
 *
 * Thread-safe. */
#ifndef CFS_SIZES_H
#define CFS_SIZES_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/memo.h"

#define SIZES_MAX 65536

struct sizes_entry;

struct sizes {
	pthread_mutex_t lock; /* guards table and count */
	struct sizes_entry *table;
	unsigned count;
};

void sizes_init(struct sizes *s);
void sizes_release(struct sizes *s);

/* How a text becomes a file: 0 with the file in out, or -errno. */
typedef int (*sizes_render_fn)(const char *text, struct buf *out);

/* The length of render(text): 0 and *size, or render's failure. */
int sizes_of(struct sizes *s, const char *text, sizes_render_fn render,
	     off_t *size);
/* sizes_of(), remembered in memo. */
int sizes_memo(struct sizes *s, size_memo *memo, const char *text,
	       sizes_render_fn render, off_t *size);

#endif
