/* Unit tests for cache.h: TTL, coalesced loads, stale values, invalidation
 * generations, the SIGHUP counter and value reference counts. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"

#include "check.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NTHREADS   8

/* ---- values ---- */

struct val {
	int id;
};

static int frees; /* values freed so far; atomic */

static void val_free(void *p)
{
	__atomic_add_fetch(&frees, 1, __ATOMIC_SEQ_CST);
	free(p);
}

static struct val *val_new(int id)
{
	struct val *v = malloc(sizeof(*v));

	if (v)
		v->id = id;
	return v;
}

static int nfreed(void)
{
	return __atomic_load_n(&frees, __ATOMIC_SEQ_CST);
}

static int id_of(const struct cval *v)
{
	return v ? ((const struct val *)v->data)->id : -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* ---- a scriptable loader ---- */

struct loader {
	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t cond;  /* broadcast on any change */
	int calls;            /* loads started */
	int running;          /* loads under way */
	int next_id;          /* id of the last value made */
	int rc;               /* what loads return; 0 makes a new value */
	bool gate_closed;     /* loads wait while set */
	int arrivals;         /* workers about to call cache_fetch */
	int want_arrivals;    /* loads wait for this many arrivals */
	long delay_ms;        /* then sleep this long */
	char last_key[64];
	/* For loads that use the cache themselves. */
	struct cache *cache;
	bool nested;
};

static void loader_init(struct loader *l)
{
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
}

static void loader_release(struct loader *l)
{
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
}

static int loader_get(struct loader *l, const int *field)
{
	int v;

	pthread_mutex_lock(&l->lock);
	v = *field;
	pthread_mutex_unlock(&l->lock);
	return v;
}

static void loader_gate(struct loader *l, bool closed)
{
	pthread_mutex_lock(&l->lock);
	l->gate_closed = closed;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/* Waits up to 10 s for *field to reach at least value; false on
 * timeout. Caller holds l->lock. */
static bool wait_locked(struct loader *l, const int *field, int value)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	while (*field < value)
		if (pthread_cond_timedwait(&l->cond, &l->lock, &until))
			return *field >= value;
	return true;
}

static bool loader_wait(struct loader *l, const int *field, int value)
{
	bool ok;

	pthread_mutex_lock(&l->lock);
	ok = wait_locked(l, field, value);
	pthread_mutex_unlock(&l->lock);
	return ok;
}

static int load(void *arg, const char *key, bool stale, void **data,
		void (**free_data)(void *))
{
	struct loader *l = arg;
	struct timespec until;
	long delay;
	int rc, id;

	pthread_mutex_lock(&l->lock);
	l->calls++;
	l->running++;
	snprintf(l->last_key, sizeof(l->last_key), "%s", key);
	pthread_cond_broadcast(&l->cond);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	while (l->gate_closed &&
	       !pthread_cond_timedwait(&l->cond, &l->lock, &until))
		;
	wait_locked(l, &l->arrivals, l->want_arrivals);
	delay = l->delay_ms;
	pthread_mutex_unlock(&l->lock);

	if (delay)
		sleep_ms(delay);
	if (l->nested) {
		/* The cache's lock is not held while a loader runs. */
		struct cval *v = cache_peek(l->cache, "other");

		cval_put(v);
		cache_store(l->cache, "other", val_new(-7), val_free);
	}

	pthread_mutex_lock(&l->lock);
	rc = l->rc;
	id = rc ? 0 : ++l->next_id;
	l->running--;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (rc)
		return rc;
	*data = val_new(id);
	*free_data = val_free;
	return 0;
}

/* Fetches key and returns its value's id (-1 on error), keeping no
 * reference; *rc gets cache_fetch's result when rc is not NULL. */
static int fetch_id(struct cache *c, const char *key, unsigned ttl,
		    struct loader *l, int *rc)
{
	struct cval *v = NULL;
	int r = cache_fetch(c, key, ttl, load, l, &v);
	int id = r ? -1 : id_of(v);

	if (!r)
		cval_put(v);
	if (rc)
		*rc = r;
	return id;
}

/* ---- threads ---- */

struct worker {
	pthread_t tid;
	struct cache *c;
	struct loader *l;
	const char *key;
	unsigned ttl;
	int rc;
	struct cval *v;
};

static void *worker_main(void *p)
{
	struct worker *w = p;

	pthread_mutex_lock(&w->l->lock);
	w->l->arrivals++;
	pthread_cond_broadcast(&w->l->cond);
	pthread_mutex_unlock(&w->l->lock);
	w->v = NULL;
	w->rc = cache_fetch(w->c, w->key, w->ttl, load, w->l, &w->v);
	return NULL;
}

static void worker_start(struct worker *w, struct cache *c, struct loader *l,
			 const char *key, unsigned ttl)
{
	w->c = c;
	w->l = l;
	w->key = key;
	w->ttl = ttl;
	w->rc = 1;
	w->v = NULL;
	pthread_create(&w->tid, NULL, worker_main, w);
}

static void worker_join(struct worker *w)
{
	pthread_join(w->tid, NULL);
}

/* ---- tests ---- */

static void test_fetch_loads_once_then_hits(void)
{
	struct cache c;
	struct loader l;
	struct cval *a = NULL, *b = NULL;

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(cache_fetch(&c, "/projects", 60, load, &l, &a), 0);
	CHECK_INT(l.calls, 1);
	CHECK_STR(l.last_key, "/projects");
	CHECK_INT(id_of(a), 1);
	CHECK_INT(cache_fetch(&c, "/projects", 60, load, &l, &b), 0);
	CHECK_INT(l.calls, 1);
	CHECK(a == b);
	CHECK_INT(id_of(b), 1);
	CHECK_INT(c.misses, 1);
	CHECK_INT(c.hits, 1);
	cval_put(a);
	cval_put(b);
	/* Another key is another load. */
	CHECK_INT(fetch_id(&c, "/applications", 60, &l, NULL), 2);
	CHECK_INT(l.calls, 2);
	CHECK_STR(l.last_key, "/applications");
	CHECK_INT(fetch_id(&c, "/projects", 60, &l, NULL), 1);
	cache_release(&c);
	loader_release(&l);
}

static void test_ttl_zero_always_reloads(void)
{
	struct cache c;
	struct loader l;
	int before = nfreed();

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 1);
	CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 2);
	CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 3);
	CHECK_INT(l.calls, 3);
	/* Replaced values nobody holds are freed at once. */
	CHECK_INT(nfreed() - before, 2);
	/* A longer ttl reuses what ttl 0 stored. */
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 3);
	CHECK_INT(l.calls, 3);
	cache_release(&c);
	CHECK_INT(nfreed() - before, 3);
	loader_release(&l);
}

static void test_ttl_expiry(void)
{
	struct cache c;
	struct loader l;

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(fetch_id(&c, "k", 2, &l, NULL), 1);
	CHECK_INT(fetch_id(&c, "k", 2, &l, NULL), 1);
	CHECK_INT(l.calls, 1);
	sleep_ms(2100);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 1);
	CHECK_INT(l.calls, 1);
	CHECK_INT(fetch_id(&c, "k", 2, &l, NULL), 2);
	CHECK_INT(l.calls, 2);
	CHECK_INT(fetch_id(&c, "k", 2, &l, NULL), 2);
	CHECK_INT(l.calls, 2);
	cache_release(&c);
	loader_release(&l);
}

static double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "The cached one while younger than ttl seconds": a value fetched just
 * before a second boundary is still young just after it. */
static void test_ttl_counts_from_the_fetch_not_the_second(void)
{
	struct cache c;
	struct loader l;
	double start, end;
	int id;

	loader_init(&l);
	cache_init(&c, NULL);
	/* Wait for the last 30 ms of a monotonic second. */
	for (;;) {
		start = mono_seconds();
		if (start - (double)(long)start >= 0.97)
			break;
		sleep_ms(5);
	}
	CHECK_INT(fetch_id(&c, "k", 1, &l, NULL), 1);
	/* Cross the boundary, then ask again 50-100 ms after the load. */
	sleep_ms(80);
	id = fetch_id(&c, "k", 1, &l, NULL);
	end = mono_seconds();
	if (end - start < 0.9)
		CHECK_INT(id, 1);
	cache_release(&c);
	loader_release(&l);
}

static void test_invalidate_reloads_that_key_only(void)
{
	struct cache c;
	struct loader l;

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 1);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 2);
	cache_invalidate(&c, "a");
	cache_invalidate(&c, "never-fetched");
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 3);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 2);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 3);
	CHECK_INT(l.calls, 3);
	/* An invalidated value is still there to peek at. */
	cache_invalidate(&c, "b");
	{
		struct cval *v = cache_peek(&c, "b");

		CHECK_INT(id_of(v), 2);
		cval_put(v);
	}
	CHECK_INT(l.calls, 3);
	cache_release(&c);
	loader_release(&l);
}

static void test_invalidate_prefix(void)
{
	static const char *const keys[] = {
		"/projects",        "/projects/p1", "/projects/p1/envs",
		"/projects/p10",    "/projects/p2", "/applications",
		"/applications/p1",
	};
	/* Which keys start with "/projects/p1". */
	static const bool hit[] = {
		false, true, true, true, false, false, false
	};
	struct cache c;
	struct loader l;
	int ids[N_ELEMS(keys)];
	size_t i;

	loader_init(&l);
	cache_init(&c, NULL);
	for (i = 0; i < N_ELEMS(keys); i++)
		ids[i] = fetch_id(&c, keys[i], 60, &l, NULL);
	cache_invalidate_prefix(&c, "/projects/p1");
	for (i = 0; i < N_ELEMS(keys); i++) {
		int id = fetch_id(&c, keys[i], 60, &l, NULL);

		if (!CHECK(hit[i] ? id != ids[i] : id == ids[i]))
			printf("#   key %s\n", keys[i]);
	}
	CHECK_INT(l.calls, N_ELEMS(keys) + 3);
	cache_invalidate_prefix(&c, "/nothing");
	for (i = 0; i < N_ELEMS(keys); i++)
		fetch_id(&c, keys[i], 60, &l, NULL);
	CHECK_INT(l.calls, N_ELEMS(keys) + 3);
	cache_release(&c);
	loader_release(&l);
}

static void test_clear_reloads_everything(void)
{
	struct cache c;
	struct loader l;

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 1);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 2);
	cache_clear(&c);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 3);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 4);
	CHECK_INT(l.calls, 4);
	cache_release(&c);
	loader_release(&l);
}

static void test_peek_never_loads(void)
{
	struct cache c;
	struct loader l;
	struct cval *v;

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK(cache_peek(&c, "k") == NULL);
	CHECK_INT(l.calls, 0);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 1);
	v = cache_peek(&c, "k");
	CHECK_INT(id_of(v), 1);
	cval_put(v);
	cache_clear(&c);
	v = cache_peek(&c, "k");
	CHECK_INT(id_of(v), 1);
	cval_put(v);
	CHECK(cache_peek(&c, "other") == NULL);
	CHECK_INT(l.calls, 1);
	/* A key whose only load failed has no value. */
	l.rc = -ENOENT;
	CHECK_INT(fetch_id(&c, "gone", 60, &l, NULL), -1);
	CHECK(cache_peek(&c, "gone") == NULL);
	cache_release(&c);
	loader_release(&l);
}

static void test_store_is_fresh(void)
{
	struct cache c;
	struct loader l;
	struct cval *v;
	int before = nfreed();

	loader_init(&l);
	cache_init(&c, NULL);
	cache_store(&c, "k", val_new(100), val_free);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 100);
	CHECK_INT(l.calls, 0);
	v = cache_peek(&c, "k");
	CHECK_INT(id_of(v), 100);
	cval_put(v);
	/* Storing replaces, and frees the old value nobody holds. */
	cache_store(&c, "k", val_new(101), val_free);
	CHECK_INT(nfreed() - before, 1);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 101);
	/* Storing over an invalidated entry makes it fresh again. */
	cache_invalidate(&c, "k");
	cache_store(&c, "k", val_new(102), val_free);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 102);
	CHECK_INT(l.calls, 0);
	/* A value without a free function is fine too. */
	{
		static struct val fixed = { 7 };

		cache_store(&c, "static", &fixed, NULL);
		CHECK_INT(fetch_id(&c, "static", 60, &l, NULL), 7);
	}
	cache_release(&c);
	CHECK_INT(nfreed() - before, 3);
	loader_release(&l);
}

static void test_refcount_keeps_replaced_value(void)
{
	struct cache c;
	struct loader l;
	struct cval *old = NULL, *cur = NULL, *extra;
	int before = nfreed();

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(cache_fetch(&c, "k", 60, load, &l, &old), 0);
	CHECK_INT(id_of(old), 1);
	/* Replaced by a store: the reader's value lives on. */
	cache_store(&c, "k", val_new(2), val_free);
	CHECK_INT(nfreed() - before, 0);
	CHECK_INT(id_of(old), 1);
	/* Replaced by a reload. */
	CHECK_INT(cache_fetch(&c, "k", 0, load, &l, &cur), 0);
	CHECK(cur != old);
	CHECK_INT(nfreed() - before, 1); /* the stored 2: nobody held it */
	CHECK_INT(id_of(old), 1);
	extra = cval_get(old);
	CHECK(extra == old);
	cval_put(old);
	CHECK_INT(nfreed() - before, 1);
	CHECK_INT(id_of(extra), 1);
	cval_put(extra);
	CHECK_INT(nfreed() - before, 2);
	/* A value held across cache_release outlives the cache. */
	cache_release(&c);
	CHECK_INT(nfreed() - before, 2);
	CHECK_INT(id_of(cur), 2);
	cval_put(cur);
	CHECK_INT(nfreed() - before, 3);
	cval_put(NULL);
	loader_release(&l);
}

static void test_release_frees_every_value(void)
{
	struct cache c;
	struct loader l;
	int before = nfreed();

	loader_init(&l);
	cache_init(&c, NULL);
	fetch_id(&c, "a", 60, &l, NULL);
	fetch_id(&c, "b", 60, &l, NULL);
	cache_store(&c, "c", val_new(9), val_free);
	l.rc = -ENOENT;
	fetch_id(&c, "d", 60, &l, NULL);
	cache_release(&c);
	CHECK_INT(nfreed() - before, 3);
	loader_release(&l);
}

/* Several threads want the same missing key: one load, one value. */
static void coalesce(unsigned ttl, int rc)
{
	struct worker w[NTHREADS];
	struct cache c;
	struct loader l;
	size_t i;

	loader_init(&l);
	cache_init(&c, NULL);
	l.rc = rc;
	/* The load lasts until every thread is about to fetch, and then a
	 * while, so that all of them find it under way. */
	l.want_arrivals = NTHREADS;
	l.delay_ms = 500;
	for (i = 0; i < NTHREADS; i++)
		worker_start(&w[i], &c, &l, "/applications", ttl);
	for (i = 0; i < NTHREADS; i++)
		worker_join(&w[i]);
	CHECK_INT(l.calls, 1);
	for (i = 0; i < NTHREADS; i++) {
		CHECK_INT(w[i].rc, rc);
		if (!rc) {
			CHECK(w[i].v == w[0].v);
			CHECK_INT(id_of(w[i].v), 1);
			cval_put(w[i].v);
		}
	}
	cache_release(&c);
	loader_release(&l);
}

static void test_concurrent_fetches_coalesce(void)
{
	coalesce(60, 0);
}

static void test_concurrent_fetches_coalesce_with_ttl_zero(void)
{
	coalesce(0, 0);
}

static void test_concurrent_fetches_share_an_error(void)
{
	coalesce(60, -ENOENT);
}

/* With a value in hand and the instance away, every waiting thread
 * gets the stale value after one failed load. */
static void test_concurrent_fetches_share_stale_value(void)
{
	struct worker w[NTHREADS];
	struct cache c;
	struct loader l;
	size_t i;

	loader_init(&l);
	cache_init(&c, NULL);
	CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 1);
	l.rc = -ECONNREFUSED;
	l.arrivals = 0;
	l.want_arrivals = NTHREADS;
	l.delay_ms = 500;
	for (i = 0; i < NTHREADS; i++)
		worker_start(&w[i], &c, &l, "k", 0);
	for (i = 0; i < NTHREADS; i++)
		worker_join(&w[i]);
	CHECK_INT(l.calls, 2);
	for (i = 0; i < NTHREADS; i++) {
		CHECK_INT(w[i].rc, 0);
		CHECK_INT(id_of(w[i].v), 1);
		if (!w[i].rc)
			cval_put(w[i].v);
	}
	cache_release(&c);
	loader_release(&l);
}

/* Loads of different keys run at once: the cache's lock is not held
 * while a loader runs. */
static void test_different_keys_load_in_parallel(void)
{
	struct worker a, b;
	struct cache c;
	struct loader l;

	loader_init(&l);
	cache_init(&c, NULL);
	loader_gate(&l, true);
	worker_start(&a, &c, &l, "a", 60);
	worker_start(&b, &c, &l, "b", 60);
	/* Both loads are under way at the same time. */
	CHECK(loader_wait(&l, &l.running, 2));
	loader_gate(&l, false);
	worker_join(&a);
	worker_join(&b);
	CHECK_INT(a.rc, 0);
	CHECK_INT(b.rc, 0);
	CHECK(id_of(a.v) != id_of(b.v));
	cval_put(a.v);
	cval_put(b.v);
	cache_release(&c);
	loader_release(&l);
}

static void test_loader_may_use_the_cache(void)
{
	struct cache c;
	struct loader l;
	struct cval *v;

	loader_init(&l);
	cache_init(&c, NULL);
	l.cache = &c;
	l.nested = true;
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 1);
	v = cache_peek(&c, "other");
	CHECK_INT(id_of(v), -7);
	cval_put(v);
	cache_release(&c);
	loader_release(&l);
}

/* What may happen to an entry while its load is under way. */
enum race { RACE_INVALIDATE, RACE_PREFIX, RACE_CLEAR, RACE_STORE, RACE_HUP };

static void load_races(enum race what)
{
	static volatile sig_atomic_t hups;
	struct worker w;
	struct cache c;
	struct loader l;
	int rc;

	loader_init(&l);
	cache_init(&c, &hups);
	/* A value from before, so that a write has something to replace. */
	CHECK_INT(fetch_id(&c, "/projects/p1", 0, &l, NULL), 1);
	loader_gate(&l, true);
	worker_start(&w, &c, &l, "/projects/p1", 0);
	CHECK(loader_wait(&l, &l.running, 1));
	/* The write happens while the read's request is in flight. */
	switch (what) {
	case RACE_INVALIDATE:
		cache_invalidate(&c, "/projects/p1");
		break;
	case RACE_PREFIX:
		cache_invalidate_prefix(&c, "/projects/");
		break;
	case RACE_CLEAR:
		cache_clear(&c);
		break;
	case RACE_STORE:
		cache_store(&c, "/projects/p1", val_new(50), val_free);
		break;
	case RACE_HUP:
		hups++;
		break;
	}
	loader_gate(&l, false);
	worker_join(&w);
	/* The racing read gets its answer... */
	CHECK_INT(w.rc, 0);
	CHECK_INT(id_of(w.v), 2);
	cval_put(w.v);
	/* ...but the cache does not keep it as fresh. */
	CHECK_INT(fetch_id(&c, "/projects/p1", 60, &l, &rc), 3);
	CHECK_INT(rc, 0);
	CHECK_INT(l.calls, 3);
	CHECK_INT(fetch_id(&c, "/projects/p1", 60, &l, &rc), 3);
	CHECK_INT(l.calls, 3);
	cache_release(&c);
	loader_release(&l);
}

static void test_load_racing_invalidate_is_stored_expired(void)
{
	load_races(RACE_INVALIDATE);
}

static void test_load_racing_prefix_invalidate_is_stored_expired(void)
{
	load_races(RACE_PREFIX);
}

static void test_load_racing_clear_is_stored_expired(void)
{
	load_races(RACE_CLEAR);
}

static void test_load_racing_store_is_stored_expired(void)
{
	load_races(RACE_STORE);
}

static void test_load_racing_sighup_is_not_kept(void)
{
	load_races(RACE_HUP);
}

/* The instance is away: the last good value is served (SPEC §4). */
static void test_stale_value_when_unreachable(void)
{
	static const int away[] = { -ECONNREFUSED, -ETIMEDOUT, -EIO,
				    -EHOSTUNREACH };
	size_t i;

	for (i = 0; i < N_ELEMS(away); i++) {
		struct cache c;
		struct loader l;
		struct cval *v = NULL;
		int rc;

		loader_init(&l);
		cache_init(&c, NULL);
		CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 1);
		l.rc = away[i];
		rc = cache_fetch(&c, "k", 0, load, &l, &v);
		if (!CHECK_INT(rc, 0))
			printf("#   loader returned %d\n", away[i]);
		CHECK_INT(id_of(v), 1);
		if (!rc)
			cval_put(v);
		CHECK_INT(l.calls, 2);
		CHECK_INT(c.stale, 1);
		/* Every reload tries again, and still gets the old value. */
		CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 1);
		CHECK_INT(l.calls, 3);
		/* Even after an invalidation: better old data than none. */
		cache_invalidate(&c, "k");
		CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 1);
		/* Back again: a fresh value, kept for its ttl. */
		l.rc = 0;
		CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 2);
		CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 2);
		CHECK_INT(l.calls, 5);
		cache_release(&c);
		loader_release(&l);
	}
}

/* An answer from the instance is not an outage: its error is the
 * result, and *out is left alone. */
static void test_no_stale_value_for_real_errors(void)
{
	static const int errs[] = { -ENOENT, -EACCES, -EINVAL };
	size_t i;

	for (i = 0; i < N_ELEMS(errs); i++) {
		struct cache c;
		struct loader l;
		static struct cval dummy;
		struct cval *v = &dummy;

		loader_init(&l);
		cache_init(&c, NULL);
		CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 1);
		l.rc = errs[i];
		CHECK_INT(cache_fetch(&c, "k", 0, load, &l, &v), errs[i]);
		CHECK(v == &dummy);
		CHECK_INT(c.stale, 0);
		l.rc = 0;
		CHECK_INT(fetch_id(&c, "k", 0, &l, NULL), 2);
		cache_release(&c);
		loader_release(&l);
	}
}

static void test_unreachable_without_value_fails(void)
{
	struct cache c;
	struct loader l;
	struct cval *v = NULL;

	loader_init(&l);
	cache_init(&c, NULL);
	l.rc = -ECONNREFUSED;
	CHECK_INT(cache_fetch(&c, "k", 60, load, &l, &v), -ECONNREFUSED);
	CHECK(v == NULL);
	l.rc = -ETIMEDOUT;
	CHECK_INT(cache_fetch(&c, "k", 60, load, &l, &v), -ETIMEDOUT);
	CHECK(v == NULL);
	/* Failures are not cached: the next fetch asks again. */
	CHECK_INT(l.calls, 2);
	l.rc = 0;
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 1);
	CHECK_INT(l.calls, 3);
	cache_release(&c);
	loader_release(&l);
}

static void test_flush_signal_counter(void)
{
	static volatile sig_atomic_t hups = 3; /* moved before the cache */
	struct cache c;
	struct loader l;

	loader_init(&l);
	cache_init(&c, &hups);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 1);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 2);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 1);
	CHECK_INT(l.calls, 2);
	hups++;
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 3);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 4);
	/* One move, one flush. */
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 3);
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 4);
	CHECK_INT(l.calls, 4);
	/* Several signals between two fetches: one flush. */
	hups++;
	hups++;
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 5);
	CHECK_INT(fetch_id(&c, "a", 60, &l, NULL), 5);
	CHECK_INT(l.calls, 5);
	/* A peek notices the signal too. */
	hups++;
	cval_put(cache_peek(&c, "a"));
	CHECK_INT(fetch_id(&c, "b", 60, &l, NULL), 6);
	cache_release(&c);
	loader_release(&l);
}

static volatile sig_atomic_t sighups;

static void on_sighup(int sig)
{
	(void)sig;
	sighups++;
}

static void test_flush_on_real_sighup(void)
{
	struct sigaction sa, old;
	struct cache c;
	struct loader l;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sighup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, &old);
	loader_init(&l);
	cache_init(&c, &sighups);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 1);
	raise(SIGHUP);
	CHECK_INT(sighups, 1);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 2);
	CHECK_INT(fetch_id(&c, "k", 60, &l, NULL), 2);
	cache_release(&c);
	loader_release(&l);
	sigaction(SIGHUP, &old, NULL);
}

static void test_cval_get_put(void)
{
	struct cval *v;
	struct cache c;
	int before = nfreed();

	cache_init(&c, NULL);
	cache_store(&c, "k", val_new(1), val_free);
	v = cache_peek(&c, "k");
	cval_get(v);
	cval_get(v);
	cache_release(&c);
	cval_put(v);
	cval_put(v);
	CHECK_INT(nfreed() - before, 0);
	CHECK_INT(id_of(v), 1);
	cval_put(v);
	CHECK_INT(nfreed() - before, 1);
}

/* Many threads, several keys, reads racing writes: no crash, no leak
 * (valgrind), every fetch gets a value. */
static void *stress_main(void *p)
{
	struct worker *w = p;
	static const char *const keys[] = { "/a", "/b", "/c", "/a/x" };
	int i, bad = 0;

	for (i = 0; i < 200; i++) {
		struct cval *v = NULL;
		const char *key = keys[i % 4];

		if (i % 7 == 0)
			cache_invalidate_prefix(w->c, "/a");
		if (i % 11 == 0)
			cache_store(w->c, key, val_new(1000 + i), val_free);
		if (cache_fetch(w->c, key, (unsigned)(i % 3), load, w->l, &v) ||
		    id_of(v) < 1)
			bad++;
		cval_put(v);
	}
	w->rc = bad;
	return NULL;
}

static void test_stress(void)
{
	struct worker w[NTHREADS];
	struct cache c;
	struct loader l;
	size_t i;
	int before = nfreed(), made;

	loader_init(&l);
	cache_init(&c, NULL);
	for (i = 0; i < NTHREADS; i++) {
		w[i].c = &c;
		w[i].l = &l;
		pthread_create(&w[i].tid, NULL, stress_main, &w[i]);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].tid, NULL);
		CHECK_INT(w[i].rc, 0);
	}
	cache_release(&c);
	/* Every value made was freed: loads plus stores. */
	made = loader_get(&l, &l.next_id) + NTHREADS * 19;
	CHECK_INT(nfreed() - before, made);
	loader_release(&l);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_fetch_loads_once_then_hits),
	CHECK_TEST(test_ttl_zero_always_reloads),
	CHECK_TEST(test_ttl_expiry),
	CHECK_TEST(test_ttl_counts_from_the_fetch_not_the_second),
	CHECK_TEST(test_invalidate_reloads_that_key_only),
	CHECK_TEST(test_invalidate_prefix),
	CHECK_TEST(test_clear_reloads_everything),
	CHECK_TEST(test_peek_never_loads),
	CHECK_TEST(test_store_is_fresh),
	CHECK_TEST(test_refcount_keeps_replaced_value),
	CHECK_TEST(test_release_frees_every_value),
	CHECK_TEST(test_concurrent_fetches_coalesce),
	CHECK_TEST(test_concurrent_fetches_coalesce_with_ttl_zero),
	CHECK_TEST(test_concurrent_fetches_share_an_error),
	CHECK_TEST(test_concurrent_fetches_share_stale_value),
	CHECK_TEST(test_different_keys_load_in_parallel),
	CHECK_TEST(test_loader_may_use_the_cache),
	CHECK_TEST(test_load_racing_invalidate_is_stored_expired),
	CHECK_TEST(test_load_racing_prefix_invalidate_is_stored_expired),
	CHECK_TEST(test_load_racing_clear_is_stored_expired),
	CHECK_TEST(test_load_racing_store_is_stored_expired),
	CHECK_TEST(test_load_racing_sighup_is_not_kept),
	CHECK_TEST(test_stale_value_when_unreachable),
	CHECK_TEST(test_no_stale_value_for_real_errors),
	CHECK_TEST(test_unreachable_without_value_fails),
	CHECK_TEST(test_flush_signal_counter),
	CHECK_TEST(test_flush_on_real_sighup),
	CHECK_TEST(test_cval_get_put),
	CHECK_TEST(test_stress),
};

CHECK_MAIN(tests)
