#include "cache/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/log.h"
#include "base/xalloc.h"

struct cache_entry {
	char *key;
	struct cval *val; /* NULL until the first load succeeds */
	long long fetched; /* monotonic ms when val was stored */
	bool expired;     /* invalidated: reload before next use */
	bool loading;     /* a thread is running the loader */
	unsigned gen;     /* bumped by every invalidation */
	unsigned loads;   /* loads finished, so waiters see a new outcome */
	int last_rc;      /* outcome of the last load */
	bool stale;       /* val is served after failed loads */
	UT_hash_handle hh;
};

/* Milliseconds: a value lives for ttl seconds from its fetch, not until
 * the second boundary after. */
static long long mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct cval *cval_get(struct cval *v)
{
	__atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
	return v;
}

void cval_put(struct cval *v)
{
	if (!v)
		return;
	if (__atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (v->free_data)
		v->free_data(v->data);
	free(v);
}

struct cval *cval_new(void *data, void (*free_data)(void *))
{
	struct cval *v = xmalloc(sizeof(*v));

	v->data = data;
	v->free_data = free_data;
	v->refs = 1;
	v->shown_size = 0;
	return v;
}

void cache_init(struct cache *c, const volatile sig_atomic_t *flush_signal)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->loaded, NULL);
	c->flush_signal = flush_signal;
	c->flush_seen = flush_signal ? *flush_signal : 0;
}

static void entry_expire(struct cache_entry *e)
{
	e->expired = true;
	e->gen++;
}

/* Caller holds c->lock. */
static void check_flush_signal(struct cache *c)
{
	struct cache_entry *e, *tmp;

	if (!c->flush_signal || *c->flush_signal == c->flush_seen)
		return;
	c->flush_seen = *c->flush_signal;
	HASH_ITER (hh, c->table, e, tmp)
		entry_expire(e);
	log_info("SIGHUP: cached data dropped");
}

static struct cache_entry *entry_get(struct cache *c, const char *key)
{
	struct cache_entry *e;

	HASH_FIND_STR(c->table, key, e);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		e->key = xstrdup(key);
		e->expired = true;
		HASH_ADD_KEYPTR(hh, c->table, e->key, strlen(e->key), e);
	}
	return e;
}

static bool entry_fresh(const struct cache_entry *e, unsigned ttl)
{
	return e->val && !e->expired &&
	       mono_now() - e->fetched < (long long)ttl * 1000;
}

/* Failures for which a stale value beats an error: the instance is away. */
static bool unreachable(int rc)
{
	return rc == -ECONNREFUSED || rc == -EHOSTUNREACH || rc == -ETIMEDOUT ||
	       rc == -ECONNRESET || rc == -EIO || rc == -EAGAIN;
}

int cache_fetch(struct cache *c, const char *key, unsigned ttl,
		cache_load_fn load, void *arg, struct cval **out)
{
	void (*free_data)(void *) = NULL;
	struct cache_entry *e;
	void *data = NULL;
	unsigned gen;
	bool stale;
	int rc;

	pthread_mutex_lock(&c->lock);
	check_flush_signal(c);
	e = entry_get(c, key);
	if (e->loading) {
		unsigned seen = e->loads;

		while (e->loading)
			pthread_cond_wait(&c->loaded, &c->lock);
		/* Another thread just asked the instance: share its outcome
		 * rather than asking again. A load the budget turned away
		 * (-EAGAIN: a prefetch, or a caller that had the stale value)
		 * is no answer: without a value, ask and wait in turn. */
		if (e->loads != seen && e->last_rc &&
		    !(e->val && unreachable(e->last_rc)) &&
		    e->last_rc != -EAGAIN) {
			rc = e->last_rc;
			pthread_mutex_unlock(&c->lock);
			return rc;
		}
		if (e->loads != seen && e->val && (e->last_rc || !e->expired)) {
			*out = cval_get(e->val);
			c->hits++;
			pthread_mutex_unlock(&c->lock);
			return 0;
		}
	}
	if (entry_fresh(e, ttl)) {
		*out = cval_get(e->val);
		c->hits++;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	e->loading = true;
	gen = e->gen;
	stale = e->val != NULL;
	c->misses++;
	pthread_mutex_unlock(&c->lock);

	rc = load(arg, key, stale, &data, &free_data);

	pthread_mutex_lock(&c->lock);
	/* The entry cannot have been freed: only cache_release frees
	 * entries, and never while the daemon serves requests. */
	e->loading = false;
	e->loads++;
	e->last_rc = rc;
	if (!rc) {
		cval_put(e->val);
		e->val = cval_new(data, free_data);
		e->fetched = mono_now();
		e->expired = e->gen != gen;
		e->stale = false;
		*out = cval_get(e->val);
	} else if (e->val && unreachable(rc)) {
		*out = cval_get(e->val);
		c->stale++;
		if (!e->stale)
			log_info("%s: serving cached data (%s)", key,
				 strerror(-rc));
		e->stale = true;
		rc = 0;
	}
	pthread_cond_broadcast(&c->loaded);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

bool cache_fresh(struct cache *c, const char *key, unsigned ttl)
{
	struct cache_entry *e;
	bool fresh;

	pthread_mutex_lock(&c->lock);
	check_flush_signal(c);
	HASH_FIND_STR(c->table, key, e);
	fresh = e && entry_fresh(e, ttl);
	pthread_mutex_unlock(&c->lock);
	return fresh;
}

struct cval *cache_peek(struct cache *c, const char *key)
{
	struct cache_entry *e;
	struct cval *v = NULL;

	pthread_mutex_lock(&c->lock);
	check_flush_signal(c);
	HASH_FIND_STR(c->table, key, e);
	if (e && e->val)
		v = cval_get(e->val);
	pthread_mutex_unlock(&c->lock);
	return v;
}

void cache_store(struct cache *c, const char *key, void *data,
		 void (*free_data)(void *))
{
	struct cache_entry *e;

	pthread_mutex_lock(&c->lock);
	e = entry_get(c, key);
	cval_put(e->val);
	e->val = cval_new(data, free_data);
	e->fetched = mono_now();
	e->expired = false;
	e->gen++; /* a load under way must not overwrite this as fresh */
	pthread_mutex_unlock(&c->lock);
}

void cache_invalidate(struct cache *c, const char *key)
{
	struct cache_entry *e;

	pthread_mutex_lock(&c->lock);
	HASH_FIND_STR(c->table, key, e);
	if (e)
		entry_expire(e);
	pthread_mutex_unlock(&c->lock);
}

void cache_invalidate_prefix(struct cache *c, const char *prefix)
{
	struct cache_entry *e, *tmp;
	size_t n = strlen(prefix);

	pthread_mutex_lock(&c->lock);
	HASH_ITER (hh, c->table, e, tmp) {
		if (!strncmp(e->key, prefix, n))
			entry_expire(e);
	}
	pthread_mutex_unlock(&c->lock);
}

void cache_clear(struct cache *c)
{
	cache_invalidate_prefix(c, "");
}

void cache_release(struct cache *c)
{
	struct cache_entry *e, *tmp;

	HASH_ITER (hh, c->table, e, tmp) {
		HASH_DEL(c->table, e);
		cval_put(e->val);
		free(e->key);
		free(e);
	}
	pthread_cond_destroy(&c->loaded);
	pthread_mutex_destroy(&c->lock);
}
