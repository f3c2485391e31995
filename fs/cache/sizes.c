#include "cache/sizes.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/buf.h"
#include "base/xalloc.h"

struct sizes_key {
	uint64_t hash;  /* FNV-1a of the text */
	size_t len;     /* of the text */
	uintptr_t how;  /* the renderer */
};

struct sizes_entry {
	struct sizes_key key;
	off_t size;
	UT_hash_handle hh;
};

void sizes_init(struct sizes *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->table = NULL;
	s->count = 0;
}

static void drop_all(struct sizes *s)
{
	struct sizes_entry *e, *t;

	HASH_ITER (hh, s->table, e, t) {
		HASH_DEL(s->table, e);
		free(e);
	}
	s->count = 0;
}

void sizes_release(struct sizes *s)
{
	drop_all(s);
	pthread_mutex_destroy(&s->lock);
}

static struct sizes_key key_of(const char *json, sizes_render_fn render)
{
	struct sizes_key k = { 14695981039346656037ULL, 0, (uintptr_t)render };
	const unsigned char *p = (const unsigned char *)json;

	for (; *p; p++, k.len++) {
		k.hash ^= *p;
		k.hash *= 1099511628211ULL;
	}
	return k;
}

int sizes_of(struct sizes *s, const char *json, sizes_render_fn render,
	     off_t *size)
{
	struct sizes_key k;
	struct sizes_entry *e;
	struct buf out = BUF_INIT;
	int rc;

	k = key_of(json, render); /* 8-byte fields: no padding to hash */
	pthread_mutex_lock(&s->lock);
	HASH_FIND(hh, s->table, &k, sizeof(k), e);
	if (e)
		*size = e->size;
	pthread_mutex_unlock(&s->lock);
	if (e)
		return 0;

	/* Rendered unlocked: a big text takes a while, and two threads
	 * that race here store the same size. */
	rc = render(json, &out);
	*size = (off_t)out.len;
	buf_release(&out);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->lock);
	HASH_FIND(hh, s->table, &k, sizeof(k), e);
	if (!e) {
		if (s->count >= SIZES_MAX)
			drop_all(s);
		e = xcalloc(1, sizeof(*e));
		e->key = k;
		e->size = *size;
		HASH_ADD(hh, s->table, key, sizeof(k), e);
		s->count++;
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int sizes_memo(struct sizes *s, size_memo *memo, const char *text,
	       sizes_render_fn render, off_t *size)
{
	int rc;

	if (size_memo_get(memo, size))
		return 0;
	rc = sizes_of(s, text, render, size);
	if (!rc)
		size_memo_set(memo, *size);
	return rc;
}
