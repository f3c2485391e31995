#include "cache/saved.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/xalloc.h"

struct saved_entry {
	char *path; /* key */
	char *text;
	UT_hash_handle hh;
};

void saved_init(struct saved *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->table = NULL;
}

static void entry_free(struct saved_entry *e)
{
	free(e->path);
	/* A schedule names S3 storages, not secrets; cleared all the same,
	 * as every body the mount sent. */
	explicit_bzero(e->text, strlen(e->text));
	free(e->text);
	free(e);
}

void saved_release(struct saved *s)
{
	struct saved_entry *e, *tmp;

	HASH_ITER(hh, s->table, e, tmp)
	{
		HASH_DEL(s->table, e);
		entry_free(e);
	}
	pthread_mutex_destroy(&s->lock);
}

void saved_set(struct saved *s, const char *path, const char *text)
{
	struct saved_entry *e;
	char *copy = xstrdup(text);

	pthread_mutex_lock(&s->lock);
	HASH_FIND_STR(s->table, path, e);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		e->path = xstrdup(path);
		HASH_ADD_KEYPTR(hh, s->table, e->path, strlen(e->path), e);
	} else {
		explicit_bzero(e->text, strlen(e->text));
		free(e->text);
	}
	e->text = copy;
	pthread_mutex_unlock(&s->lock);
}

int saved_get(struct saved *s, const char *path, struct buf *out)
{
	struct saved_entry *e;
	int rc = -ENOENT;

	pthread_mutex_lock(&s->lock);
	HASH_FIND_STR(s->table, path, e);
	if (e)
		rc = buf_adds(out, e->text);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void saved_drop_prefix(struct saved *s, const char *path)
{
	struct saved_entry *e, *tmp;
	size_t len = strlen(path);

	pthread_mutex_lock(&s->lock);
	HASH_ITER(hh, s->table, e, tmp)
	{
		if (strncmp(e->path, path, len) ||
		    (e->path[len] && e->path[len] != '/'))
			continue;
		HASH_DEL(s->table, e);
		entry_free(e);
	}
	pthread_mutex_unlock(&s->lock);
}
