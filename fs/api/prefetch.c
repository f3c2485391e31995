#include "api/prefetch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "api/api.h"
#include "api/deployments.h"
#include "api/envs.h"
#include "base/log.h"
#include "api/store.h"
#include "base/xalloc.h"

struct prefetch_job {
	char *key; /* what, kind and uuid: one job per fetch */
	enum prefetch_what what;
	enum res_kind kind;
	char *uuid;
	struct prefetch_job *next; /* in the FIFO while queued */
	UT_hash_handle hh;         /* in keys while queued or running */
};

static void job_free(struct prefetch_job *j)
{
	free(j->key);
	free(j->uuid);
	free(j);
}

void prefetch_init(struct prefetch *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
}

/* Whether the job's value is in the cache already. A warm walk lists
 * thousands of envs/ and deployments/, each asking for the next
 * PREFETCH_AHEAD: queuing those would wake a worker per job only to find
 * the value there, which cost a warm `ls -lR` half its time. */
static bool job_fresh(struct api *api, enum prefetch_what what,
		      enum res_kind kind, const char *uuid)
{
	switch (what) {
	case PREFETCH_PROJECT:
		return store_fresh(api, OBJ_PROJECT, uuid,
				   store_detail_ttl(api));
	case PREFETCH_ENVS: {
		struct env_target t = env_target_res(kind, uuid, false);

		return envs_fresh(api, &t);
	}
	case PREFETCH_DEPLOYS:
		return deploy_page_fresh(api, uuid);
	case PREFETCH_LIST:
		return store_fresh(api, obj_of_kind(kind), NULL,
				   api->cache_ttl);
	}
	return false;
}

/* Runs one job through the cache; the value stays there for the walk.
 * Returns what the fetch did: -EAGAIN when the rate limit's window holds
 * no more than what is kept for the user (http.h). */
static int job_run(struct api *api, const struct prefetch_job *j)
{
	struct cval *v = NULL;
	int rc = 0;

	switch (j->what) {
	case PREFETCH_PROJECT:
		rc = store_member(api, OBJ_PROJECT, j->uuid,
				  store_detail_ttl(api), &v);
		break;
	case PREFETCH_ENVS: {
		struct env_target t = env_target_res(j->kind, j->uuid, false);

		rc = envs_get(api, &t, &v);
		break;
	}
	case PREFETCH_DEPLOYS:
		rc = deploy_store_page(api, j->uuid, &v);
		break;
	case PREFETCH_LIST:
		rc = store_list(api, obj_of_kind(j->kind), api->cache_ttl, &v);
		break;
	}
	if (!rc)
		cval_put(v);
	return rc;
}

/* Caller holds p->lock. */
static void drop_queue(struct prefetch *p)
{
	struct prefetch_job *j, *next;

	for (j = p->head; j; j = next) {
		next = j->next;
		HASH_DEL(p->keys, j);
		job_free(j);
	}
	p->head = p->tail = NULL;
	p->queued = 0;
}

static void *worker(void *arg)
{
	struct prefetch *p = arg;
	struct prefetch_job *j;
	int rc;

	http_thread_background(&p->api->http);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->stopping)
			break;
		j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		/* Unlocked while the request runs: the queue must not wait
		 * for the network (STYLE §7). j stays in keys, so the same
		 * fetch is not queued again meanwhile. */
		pthread_mutex_unlock(&p->lock);
		rc = job_run(p->api, j);
		pthread_mutex_lock(&p->lock);
		HASH_DEL(p->keys, j);
		job_free(j);
		p->done++;
		/* The budget is down to the user's reserve: what is queued
		 * would only spend it. The walk fetches it as it goes. */
		if (rc == -EAGAIN && p->queued) {
			log_debug("prefetch: %u fetches dropped: the rate "
				  "limit's reserve is reached",
				  p->queued);
			drop_queue(p);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void prefetch_start(struct prefetch *p, struct api *api)
{
	int i;

	p->api = api;
	for (i = 0; i < PREFETCH_THREADS; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p)) {
			log_info("prefetch: %d worker threads only", i);
			break;
		}
	}
	p->nthreads = i;
}

void prefetch_stop(struct prefetch *p)
{
	int i;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	drop_queue(p);
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	p->nthreads = 0;
}

static void near_clear(struct prefetch *p, enum prefetch_what what)
{
	unsigned i;

	for (i = 0; i < p->nnear[what]; i++)
		free(p->near[what][i]);
	p->nnear[what] = 0;
}

void prefetch_release(struct prefetch *p)
{
	int w;

	prefetch_stop(p);
	for (w = 0; w < PREFETCH_WHATS; w++)
		near_clear(p, w);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
}

bool prefetch_add(struct prefetch *p, enum prefetch_what what,
		  enum res_kind kind, const char *uuid)
{
	struct prefetch_job *j;
	char *key;

	/* Asked before taking p->lock, which is never held while the
	 * cache's lock is taken. */
	if (!p->nthreads || job_fresh(p->api, what, kind, uuid))
		return false;
	key = xasprintf("%d/%d/%s", (int)what, (int)kind, uuid);
	pthread_mutex_lock(&p->lock);
	HASH_FIND_STR(p->keys, key, j);
	if (j || p->stopping || !p->nthreads ||
	    p->queued >= PREFETCH_QUEUE_MAX) {
		pthread_mutex_unlock(&p->lock);
		free(key);
		return true;
	}
	j = xcalloc(1, sizeof(*j));
	j->key = key;
	j->what = what;
	j->kind = kind;
	j->uuid = xstrdup(uuid);
	HASH_ADD_KEYPTR(hh, p->keys, j->key, strlen(j->key), j);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	return true;
}

/* ---- walk order ---- */

static int by_project_dirname(const void *a, const void *b)
{
	const struct model_project *const *x = a, *const *y = b;

	return strcmp((*x)->dirname, (*y)->dirname);
}

static int by_env_dirname(const void *a, const void *b)
{
	const struct model_env *const *x = a, *const *y = b;

	return strcmp((*x)->dirname, (*y)->dirname);
}

/* Where a walk of the mount is, and how much more it may queue. */
struct ahead {
	struct prefetch *p;
	enum prefetch_what what;
	const struct model_resources *rs;
	const struct model_resource *from; /* queue what comes after it */
	bool seen;                         /* from was passed */
	unsigned left;
	/* The ones after from, borrowed from rs: see near[]. */
	const char *near[PREFETCH_AHEAD];
	unsigned nnear;
	bool stale; /* one of them was not fresh */
};

/* Queues the resources of env_id that come after a->from. */
static void ahead_env(struct ahead *a, long env_id)
{
	const struct model_resource *const *rv;
	size_t i, n;

	rv = model_resources_in_env(a->rs, env_id, &n);
	for (i = 0; i < n && a->left; i++) {
		if (!a->seen) {
			a->seen = rv[i] == a->from;
			continue;
		}
		if (prefetch_add(a->p, a->what, rv[i]->kind, rv[i]->uuid))
			a->stale = true;
		if (a->nnear < PREFETCH_AHEAD)
			a->near[a->nnear++] = rv[i]->uuid;
		a->left--;
	}
}

/* Goes through the environments of one project, by name. */
static void ahead_project(struct ahead *a, const struct model_project *pr)
{
	const struct model_project_detail *d;
	const struct model_env **ev;
	struct cval *dv;
	size_t i;

	dv = store_peek(a->p->api, OBJ_PROJECT, pr->uuid);
	if (!dv)
		return;
	d = dv->data;
	ev = xcalloc(d->nenvs ? d->nenvs : 1, sizeof(*ev));
	for (i = 0; i < d->nenvs; i++)
		ev[i] = &d->envs[i];
	qsort(ev, d->nenvs, sizeof(*ev), by_env_dirname);
	for (i = 0; i < d->nenvs && a->left; i++) {
		/* Until the walk's own environment is found, only that
		 * environment can hold from. */
		if (!a->seen && ev[i]->id != a->from->env_id)
			continue;
		ahead_env(a, ev[i]->id);
	}
	free(ev);
	cval_put(dv);
}

/* Whether res was among the first the last look ahead passed. */
static bool near_has(struct prefetch *p, enum prefetch_what what,
		     const char *uuid)
{
	bool has = false;
	unsigned i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nnear[what] && !has; i++)
		has = !strcmp(p->near[what][i], uuid);
	pthread_mutex_unlock(&p->lock);
	return has;
}

static void near_set(struct prefetch *p, const struct ahead *a)
{
	unsigned i;

	pthread_mutex_lock(&p->lock);
	near_clear(p, a->what);
	/* A walk that outruns the fetches must look ahead again half way. */
	for (i = 0; i < a->nnear && (!a->stale || i < PREFETCH_AHEAD / 2); i++)
		p->near[a->what][i] = xstrdup(a->near[i]);
	p->nnear[a->what] = i;
	pthread_mutex_unlock(&p->lock);
}

void prefetch_after(struct prefetch *p, enum prefetch_what what,
		    const struct model_resource *res)
{
	struct ahead a = {
		.p = p, .what = what, .from = res, .left = PREFETCH_AHEAD
	};
	const struct model_projects *ps;
	const struct model_project **pv;
	struct cval *rv, *pl;
	size_t i;

	if (!p->nthreads || near_has(p, what, res->uuid))
		return;
	/* The list the walk came through, however old: the prefetch must
	 * not ask for it again. */
	if (store_list(p->api, obj_of_kind(res->kind), UINT_MAX / 1000, &rv))
		return;
	a.rs = rv->data;
	if (store_list(p->api, OBJ_PROJECT, p->api->cache_ttl, &pl))
		goto out_rs;
	ps = pl->data;
	pv = xcalloc(ps->n ? ps->n : 1, sizeof(*pv));
	for (i = 0; i < ps->n; i++)
		pv[i] = &ps->v[i];
	qsort(pv, ps->n, sizeof(*pv), by_project_dirname);
	/* The project that holds res is found by looking: a resource has
	 * its environment's id only. Projects before it are skipped
	 * cheaply, as ahead_project() queues nothing until res is seen. */
	for (i = 0; i < ps->n && a.left; i++)
		ahead_project(&a, pv[i]);
	near_set(p, &a);
	free(pv);
	cval_put(pl);
out_rs:
	cval_put(rv);
}

void prefetch_projects(struct prefetch *p, const struct model_projects *ps)
{
	enum res_kind k;
	size_t i;

	if (!p->nthreads)
		return;
	for (k = 0; k < RES_KINDS; k++)
		prefetch_add(p, PREFETCH_LIST, k, "");
	for (i = 0; i < ps->n && i < PREFETCH_QUEUE_MAX; i++)
		prefetch_add(p, PREFETCH_PROJECT, 0, ps->v[i].uuid);
}
