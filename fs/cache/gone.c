#include "cache/gone.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uthash.h>

#include "base/xalloc.h"

struct gone_entry {
	char *uuid; /* key */
	time_t until;
	UT_hash_handle hh;
};

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void gone_init(struct gone *g)
{
	pthread_mutex_init(&g->lock, NULL);
	g->table = NULL;
}

static void entry_free(struct gone_entry *e)
{
	free(e->uuid);
	free(e);
}

void gone_release(struct gone *g)
{
	struct gone_entry *e, *tmp;

	HASH_ITER(hh, g->table, e, tmp)
	{
		HASH_DEL(g->table, e);
		entry_free(e);
	}
	pthread_mutex_destroy(&g->lock);
}

void gone_add(struct gone *g, const char *uuid)
{
	struct gone_entry *e;

	pthread_mutex_lock(&g->lock);
	HASH_FIND_STR(g->table, uuid, e);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		e->uuid = xstrdup(uuid);
		HASH_ADD_KEYPTR(hh, g->table, e->uuid, strlen(e->uuid), e);
	}
	e->until = now() + GONE_TTL;
	pthread_mutex_unlock(&g->lock);
}

bool gone_has(struct gone *g, const char *uuid)
{
	struct gone_entry *e;
	bool has = false;

	pthread_mutex_lock(&g->lock);
	HASH_FIND_STR(g->table, uuid, e);
	if (e && e->until <= now()) {
		HASH_DEL(g->table, e);
		entry_free(e);
	} else if (e) {
		has = true;
	}
	pthread_mutex_unlock(&g->lock);
	return has;
}
