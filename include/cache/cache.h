/* A cache of API answers, keyed by request, each entry with its own
 * expiry. It is what turns a `ls -lR` into a few list requests.
 *
 * Values are immutable once stored and reference-counted, so a reader
 * keeps using the value it got while a newer one replaces it. Loading is
 * coalesced: when several threads want the same expired key, one of them
 * runs the loader and the others wait for its result instead of sending
 * the same request again. When a load fails because the instance cannot
 * be reached, the last good value is served instead (stale), as SPEC §4
 * asks for reads.
 *
 * Invalidation bumps an entry's generation; a load that started before
 * the bump stores its result as already expired, so a slow read that
 * raced a write never serves pre-write data afterwards (sshfs's write
 * counter).
 *
 * All functions are thread-safe. */
#ifndef CFS_CACHE_H
#define CFS_CACHE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "base/memo.h"

/* A stored value. `data` belongs to the value and is freed by `free_data`
 * when the last reference is put. */
struct cval {
	void *data;
	void (*free_data)(void *data);
	int refs; /* atomic */
	/* For the one kind of file that shows data whole (sizes.h). */
	size_memo shown_size;
};

/* Produces a fresh value for key: 0 with data and free_data set, or
 * -errno. stale says that an older value is at hand, which the cache
 * serves if the load fails because the instance is away or its rate
 * limit is spent: the loader need not wait for it (HTTP_STALE_OK). */
typedef int (*cache_load_fn)(void *arg, const char *key, bool stale,
			     void **data, void (**free_data)(void *));

struct cache_entry;

struct cache {
	/* Guards the table and every entry's fields. Never held while a
	 * loader runs. */
	pthread_mutex_t lock;
	pthread_cond_t loaded; /* broadcast when any load finishes */
	struct cache_entry *table;
	/* Counts SIGHUPs; the cache drops everything when it moves. */
	const volatile sig_atomic_t *flush_signal;
	sig_atomic_t flush_seen;
	/* Statistics, under lock. */
	unsigned long hits, misses, stale;
};

/* flush_signal may be NULL. */
void cache_init(struct cache *c, const volatile sig_atomic_t *flush_signal);
/* Frees every entry; values still referenced elsewhere stay alive until
 * their last cval_put. */
void cache_release(struct cache *c);

/* Gets key's value: the cached one while younger than ttl seconds,
 * otherwise the loader's. Returns 0 and a reference in *out (put it with
 * cval_put), or the loader's -errno. */
int cache_fetch(struct cache *c, const char *key, unsigned ttl,
		cache_load_fn load, void *arg, struct cval **out);

/* Gets key's value only if one is stored (even expired); NULL otherwise.
 * Never loads. */
struct cval *cache_peek(struct cache *c, const char *key);

/* Whether key holds a value younger than ttl seconds, which a fetch with
 * that ttl would return without loading. Never loads. */
bool cache_fresh(struct cache *c, const char *key, unsigned ttl);

/* Stores data under key as a fresh value; the cache takes ownership. */
void cache_store(struct cache *c, const char *key, void *data,
		 void (*free_data)(void *));

void cache_invalidate(struct cache *c, const char *key);
/* Invalidates every key that starts with prefix. */
void cache_invalidate_prefix(struct cache *c, const char *prefix);
void cache_clear(struct cache *c);

/* A value of no cache's, with one reference (the caller's), for what is
 * made anew from cached values on each call (a joined list). */
struct cval *cval_new(void *data, void (*free_data)(void *));
struct cval *cval_get(struct cval *v);
void cval_put(struct cval *v);

#endif
