#include "fuse/pending.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/xalloc.h"

struct pending_entry {
	const struct fh *fh; /* key: the handle's address, never followed */
	char *path;
	struct fh *like;        /* what committing it takes: a copy */
	const struct fh *taken; /* the copy being committed, to match */
	enum { PENDING, COMMITTING, DONE } state;
	UT_hash_handle hh;
};

void pending_init(struct pending *p, void (*free_like)(struct fh *))
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	p->table = NULL;
	p->free_like = free_like;
}

static void entry_free(struct pending *p, struct pending_entry *e)
{
	if (e->like)
		p->free_like(e->like);
	free(e->path);
	free(e);
}

void pending_release(struct pending *p)
{
	struct pending_entry *e, *tmp;

	HASH_ITER (hh, p->table, e, tmp) {
		HASH_DEL(p->table, e);
		entry_free(p, e);
	}
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
}

void pending_add(struct pending *p, const char *path, const struct fh *fh,
		 struct fh *like)
{
	struct pending_entry *e = xcalloc(1, sizeof(*e));

	e->fh = fh;
	e->path = xstrdup(path);
	e->like = like;
	pthread_mutex_lock(&p->lock);
	HASH_ADD_PTR(p->table, fh, e);
	pthread_mutex_unlock(&p->lock);
}

struct fh *pending_take(struct pending *p, const char *path)
{
	struct pending_entry *e, *tmp, *hit;
	struct fh *like = NULL;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		hit = NULL;
		HASH_ITER (hh, p->table, e, tmp) {
			if (e->state != DONE && !strcmp(e->path, path)) {
				hit = e;
				break;
			}
		}
		if (!hit || hit->state == PENDING)
			break;
		/* Someone is committing it: the open must see the result. */
		pthread_cond_wait(&p->changed, &p->lock);
	}
	if (hit) {
		hit->state = COMMITTING;
		like = hit->like;
		hit->like = NULL;
		hit->taken = like;
	}
	pthread_mutex_unlock(&p->lock);
	return like;
}

void pending_done(struct pending *p, const struct fh *like)
{
	struct pending_entry *e, *tmp;

	pthread_mutex_lock(&p->lock);
	HASH_ITER (hh, p->table, e, tmp) {
		if (e->taken == like && e->state == COMMITTING) {
			e->state = DONE;
			e->taken = NULL;
		}
	}
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

bool pending_truncated(struct pending *p, const char *path)
{
	struct pending_entry *e, *tmp, *hit;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		hit = NULL;
		HASH_ITER (hh, p->table, e, tmp) {
			if (e->state != DONE && !strcmp(e->path, path)) {
				hit = e;
				break;
			}
		}
		if (!hit || hit->state == PENDING)
			break;
		pthread_cond_wait(&p->changed, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return hit != NULL;
}

bool pending_drop(struct pending *p, const struct fh *fh)
{
	struct pending_entry *e;
	bool done = false;

	pthread_mutex_lock(&p->lock);
	HASH_FIND_PTR(p->table, &fh, e);
	while (e && e->state == COMMITTING)
		pthread_cond_wait(&p->changed, &p->lock);
	if (e) {
		HASH_DEL(p->table, e);
		done = e->state == DONE;
	}
	pthread_mutex_unlock(&p->lock);
	if (e)
		entry_free(p, e);
	return done;
}
