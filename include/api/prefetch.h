/* Prefetching: a few worker threads that fetch, ahead of a walk, the
 * lists the walk is about to ask for, so that their requests overlap
 * instead of following one another (SPEC §4: "made in parallel when a
 * whole collection is being walked").
 *
 * Nothing is prefetched for listing a collection or reading a status:
 * those cost a few list requests whatever the size (SPEC §4), and a
 * prefetch there would add one request per resource. A prefetch starts
 * only when the walk itself reaches something that costs a request per
 * object: listing one resource's envs/ (or deployments/) queues the same
 * list of the next PREFETCH_AHEAD resources in walk order (the rest of
 * its collection, then the collections after it), and listing projects/
 * queues each project's detail, which listing any project needs anyway,
 * and the three kinds' lists (four requests with /resources, once per
 * cache_ttl), the slowest answers of a walk, so that they arrive side by
 * side. So a single `ls app/envs` costs at most PREFETCH_AHEAD more
 * requests, and a walk never waits for more than its first.
 *
 * The workers fetch through the cache (store.h, envs.h, deployments.h),
 * so a value the walk asks for while a worker loads it is shared, not
 * asked twice, and a value already fresh costs nothing. Each worker has
 * its own curl handle and so its own kept-alive connection (http.h); at
 * most PREFETCH_THREADS requests are in flight for prefetching.
 *
 * Nothing is prefetched with cache_ttl=0, where no answer is reused.
 * prefetch_start() runs in FUSE's init, after daemonizing (threads do not
 * survive the fork), and hands the workers the api (api.h) they fetch
 * through; before it, every prefetch_*() call queues nothing.
 * prefetch_stop() drops what is queued and joins the workers once their
 * request is done. All functions are thread-safe. */
#ifndef CFS_PREFETCH_H
#define CFS_PREFETCH_H

#include <pthread.h>
#include <stdbool.h>

#include "model/model.h"

#define PREFETCH_THREADS 8
/* Resources ahead of the one being listed whose list is fetched. */
#define PREFETCH_AHEAD 32
/* Jobs waiting at most; more are dropped (the walk fetches them). */
#define PREFETCH_QUEUE_MAX 512

struct api;
struct prefetch_job;

enum prefetch_what {
	PREFETCH_PROJECT, /* GET /projects/{uuid} */
	PREFETCH_ENVS,    /* GET /{kind}/{uuid}/envs */
	PREFETCH_DEPLOYS, /* an application's deployments page */
	PREFETCH_LIST,    /* a kind's list: GET /applications... */
};
#define PREFETCH_WHATS (PREFETCH_LIST + 1)

struct prefetch {
	/* Guards the queue, keys, queued, stopping and done. threads[],
	 * nthreads and api are written only in FUSE's init and after the
	 * loop has ended, when no request runs, and read freely. */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* a job was queued, or stopping was set */
	struct prefetch_job *head, *tail; /* FIFO of jobs not yet started */
	struct prefetch_job *keys;        /* queued or running, by key */
	unsigned queued;
	bool stopping;
	unsigned long done; /* jobs run, for -d statistics */
	/* The first resources the last look ahead passed, by what: a walk
	 * lists them next, and what follows them has just been looked at,
	 * so listing one of them looks no further. A look ahead goes
	 * through every project before res's, which made it a fifth of a
	 * warm `ls -lR`; now it runs once every PREFETCH_AHEAD / 2
	 * listings, or every PREFETCH_AHEAD when it found all of them
	 * fresh (a warm walk: nothing to keep ahead of). Copies, under
	 * lock. */
	char *near[PREFETCH_WHATS][PREFETCH_AHEAD];
	unsigned nnear[PREFETCH_WHATS];
	struct api *api;
	pthread_t threads[PREFETCH_THREADS];
	int nthreads;
};

void prefetch_init(struct prefetch *p);
/* Stops the workers if they run, and frees what is queued. */
void prefetch_release(struct prefetch *p);

/* Starts the workers; fewer (or none) when threads cannot be made, which
 * only makes walks slower. */
void prefetch_start(struct prefetch *p, struct api *api);
/* Drops the queue and joins the workers; idempotent. */
void prefetch_stop(struct prefetch *p);

/* Queues a fetch unless the same one is queued or running. kind applies
 * to PREFETCH_ENVS; uuid is copied. Never blocks on the network. False
 * when what it would fetch is fresh in the cache. */
bool prefetch_add(struct prefetch *p, enum prefetch_what what,
		  enum res_kind kind, const char *uuid);

/* After res's `what` list (envs or deployments) was listed: queues the
 * same list of the PREFETCH_AHEAD resources of res's kind that a walk
 * reaches next (by name in res's environment, then the environments and
 * projects after it, by name), using only cached lists and details. */
void prefetch_after(struct prefetch *p, enum prefetch_what what,
		    const struct model_resource *res);

/* After projects/ was listed: queues the three kinds' lists, which any
 * walk below needs and which are the slowest answers (megabytes with
 * thousands of resources), so that they download and parse side by
 * side, then every project's detail (at most PREFETCH_QUEUE_MAX). Each
 * is asked for only when not cached: a walk sends the same requests,
 * earlier and overlapped. */
void prefetch_projects(struct prefetch *p, const struct model_projects *ps);

#endif
