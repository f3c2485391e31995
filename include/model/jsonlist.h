/* A JSON list read as its text arrives, one element at a time.
 *
 * The API's lists are a JSON array, or an object keyed by number strings
 * (NOTES §2.4). With thousands of resources such a list is tens of MB,
 * and json-c's tree of it several times that: fed the pieces curl hands
 * over, a jsonlist keeps only the element being read, parses it, and
 * passes it on. Whatever the pieces, the outcome is that of a strict
 * parse of the whole text (no trailing commas, nothing after the list,
 * no cut-off end; see model_json_parse()).
 *
 * Not thread-safe: a jsonlist belongs to the thread reading the body. */
#ifndef CFS_JSONLIST_H
#define CFS_JSONLIST_H

#include <stddef.h>

struct json_object;
struct jsonlist;

/* Largest element accepted; a bigger one fails the list with -EFBIG. */
#define JSONLIST_ITEM_MAX (64u << 20)

/* Called with each element, borrowed for the call; a non-zero return
 * stops the list and is what jsonlist_feed() returns from then on. */
typedef int (*jsonlist_fn)(void *arg, struct json_object *item);

struct jsonlist *jsonlist_new(jsonlist_fn each, void *arg);
void jsonlist_free(struct jsonlist *l);
/* Forgets everything fed so far: a retried request starts over. */
void jsonlist_reset(struct jsonlist *l);
/* Reads the next len bytes. Returns 0, each()'s non-zero return, or
 * -EIO for text that cannot be such a list (or -EFBIG); after a failure
 * every later call returns the same. */
int jsonlist_feed(struct jsonlist *l, const char *data, size_t len);
/* After the last piece: 0 when the text was a whole list, else the
 * failure, or -EIO for a list that never ended. */
int jsonlist_end(const struct jsonlist *l);

#endif
