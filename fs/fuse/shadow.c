#include "fuse/shadow.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/xalloc.h"

struct shadow {
	char *key; /* "dir\nname": names hold no newline here */
	size_t dirlen;
	struct buf data;
	time_t mtime;
	char *backup_of; /* the key this is a backup of, or NULL */
	bool key_gone;   /* that key was unlinked while this backup lived */
	UT_hash_handle hh;
};

struct tombstone {
	char *key; /* "dir\nname", as a shadow's */
	unsigned flags, has;
	time_t when;
	UT_hash_handle hh;
};

void shadows_init(struct shadows *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->table = NULL;
	s->buried = NULL;
}

static void tombstone_free(struct tombstone *t)
{
	free(t->key);
	free(t);
}

static void shadow_free(struct shadow *sh)
{
	free(sh->backup_of);
	buf_release(&sh->data);
	free(sh->key);
	free(sh);
}

void shadows_release(struct shadows *s)
{
	struct shadow *sh, *tmp;

	struct tombstone *t, *ttmp;

	HASH_ITER (hh, s->table, sh, tmp) {
		HASH_DEL(s->table, sh);
		shadow_free(sh);
	}
	HASH_ITER (hh, s->buried, t, ttmp) {
		HASH_DEL(s->buried, t);
		tombstone_free(t);
	}
	pthread_mutex_destroy(&s->lock);
}

/* Caller holds s->lock. */
static struct shadow *find(struct shadows *s, const char *dir, const char *name)
{
	char *key = xasprintf("%s\n%s", dir, name);
	struct shadow *sh;

	HASH_FIND_STR(s->table, key, sh);
	free(key);
	return sh;
}

static struct shadow *add(struct shadows *s, const char *dir, const char *name)
{
	struct shadow *sh = xcalloc(1, sizeof(*sh));

	sh->key = xasprintf("%s\n%s", dir, name);
	sh->dirlen = strlen(dir);
	buf_init(&sh->data, 0);
	sh->mtime = time(NULL);
	HASH_ADD_KEYPTR(hh, s->table, sh->key, strlen(sh->key), sh);
	return sh;
}

int shadow_create(struct shadows *s, const char *dir, const char *name,
		  bool excl)
{
	struct shadow *sh;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (sh && excl)
		rc = -EEXIST;
	else if (!sh)
		add(s, dir, name);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

bool shadow_stat(struct shadows *s, const char *dir, const char *name,
		 size_t *size, time_t *mtime)
{
	struct shadow *sh;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (sh && size)
		*size = sh->data.len;
	if (sh && mtime)
		*mtime = sh->mtime;
	pthread_mutex_unlock(&s->lock);
	return sh != NULL;
}

int shadow_read(struct shadows *s, const char *dir, const char *name,
		struct buf *out)
{
	struct shadow *sh;
	int rc = -ENOENT;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (sh)
		rc = buf_set(out, sh->data.buf, sh->data.len);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void shadow_write(struct shadows *s, const char *dir, const char *name,
		  const char *data, size_t len)
{
	struct shadow *sh;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (!sh)
		sh = add(s, dir, name);
	buf_set(&sh->data, data, len);
	sh->mtime = time(NULL);
	pthread_mutex_unlock(&s->lock);
}

int shadow_truncate(struct shadows *s, const char *dir, const char *name,
		    size_t len)
{
	struct shadow *sh;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (!sh) {
		rc = -ENOENT;
	} else if (len <= sh->data.len) {
		buf_truncate(&sh->data, len);
	} else {
		while (!rc && sh->data.len < len)
			rc = buf_addch(&sh->data, '\0');
	}
	if (sh)
		sh->mtime = time(NULL);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int shadow_unlink(struct shadows *s, const char *dir, const char *name,
		  char **gone_key)
{
	struct shadow *sh;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (sh)
		HASH_DEL(s->table, sh);
	pthread_mutex_unlock(&s->lock);
	if (!sh)
		return -ENOENT;
	if (gone_key && sh->key_gone) {
		*gone_key = sh->backup_of;
		sh->backup_of = NULL;
	}
	shadow_free(sh);
	return 0;
}

void shadow_set_backup(struct shadows *s, const char *dir, const char *name,
		       const char *key)
{
	struct shadow *sh;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, name);
	if (sh) {
		free(sh->backup_of);
		sh->backup_of = xstrdup(key);
		sh->key_gone = false;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Caller holds s->lock. */
static struct shadow *find_backup(struct shadows *s, const char *dir,
				  const char *key)
{
	size_t dirlen = strlen(dir);
	struct shadow *sh, *tmp;

	HASH_ITER (hh, s->table, sh, tmp) {
		if (sh->backup_of && !strcmp(sh->backup_of, key) &&
		    sh->dirlen == dirlen && !strncmp(sh->key, dir, dirlen))
			return sh;
	}
	return NULL;
}

bool shadow_key_gone(struct shadows *s, const char *dir, const char *key)
{
	struct shadow *sh;
	bool gone;

	pthread_mutex_lock(&s->lock);
	sh = find_backup(s, dir, key);
	gone = sh && sh->key_gone;
	pthread_mutex_unlock(&s->lock);
	return gone;
}

bool shadow_set_key_gone(struct shadows *s, const char *dir, const char *key,
			 bool gone)
{
	struct shadow *sh;

	pthread_mutex_lock(&s->lock);
	sh = find_backup(s, dir, key);
	if (sh)
		sh->key_gone = gone;
	pthread_mutex_unlock(&s->lock);
	return sh != NULL;
}

int shadow_rename(struct shadows *s, const char *dir, const char *from,
		  const char *to)
{
	struct shadow *sh, *old;

	pthread_mutex_lock(&s->lock);
	sh = find(s, dir, from);
	if (!sh) {
		pthread_mutex_unlock(&s->lock);
		return -ENOENT;
	}
	old = find(s, dir, to);
	if (old == sh) {
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	if (old)
		HASH_DEL(s->table, old);
	HASH_DEL(s->table, sh);
	free(sh->key);
	sh->key = xasprintf("%s\n%s", dir, to);
	HASH_ADD_KEYPTR(hh, s->table, sh->key, strlen(sh->key), sh);
	pthread_mutex_unlock(&s->lock);
	if (old)
		shadow_free(old);
	return 0;
}

char **shadow_names(struct shadows *s, const char *dir)
{
	size_t dirlen = strlen(dir), n = 0;
	struct shadow *sh, *tmp;
	char **names;

	pthread_mutex_lock(&s->lock);
	names = xcalloc(HASH_COUNT(s->table) + 1, sizeof(*names));
	HASH_ITER (hh, s->table, sh, tmp) {
		if (sh->dirlen == dirlen && !strncmp(sh->key, dir, dirlen))
			names[n++] = xstrdup(sh->key + dirlen + 1);
	}
	pthread_mutex_unlock(&s->lock);
	return names;
}

/* Caller holds s->lock. Drops the tombstones that have expired, so the
 * table holds only what a few seconds of unlinks left. */
static void prune(struct shadows *s, time_t now)
{
	struct tombstone *t, *tmp;

	HASH_ITER (hh, s->buried, t, tmp) {
		if (now - t->when > SHADOW_TOMBSTONE_TTL) {
			HASH_DEL(s->buried, t);
			tombstone_free(t);
		}
	}
}

void shadow_bury(struct shadows *s, const char *dir, const char *key,
		 unsigned flags, unsigned has)
{
	char *k = xasprintf("%s\n%s", dir, key);
	struct tombstone *t;

	pthread_mutex_lock(&s->lock);
	prune(s, time(NULL));
	HASH_FIND_STR(s->buried, k, t);
	if (t) {
		free(k);
	} else {
		t = xcalloc(1, sizeof(*t));
		t->key = k;
		HASH_ADD_KEYPTR(hh, s->buried, t->key, strlen(t->key), t);
	}
	t->flags = flags;
	t->has = has;
	t->when = time(NULL);
	pthread_mutex_unlock(&s->lock);
}

bool shadow_tombstone(struct shadows *s, const char *dir, const char *key,
		      unsigned *flags, unsigned *has)
{
	char *k = xasprintf("%s\n%s", dir, key);
	struct tombstone *t;

	pthread_mutex_lock(&s->lock);
	prune(s, time(NULL));
	HASH_FIND_STR(s->buried, k, t);
	if (t && flags)
		*flags = t->flags;
	if (t && has)
		*has = t->has;
	pthread_mutex_unlock(&s->lock);
	free(k);
	return t != NULL;
}

void shadow_forget(struct shadows *s, const char *dir, const char *key)
{
	char *k = xasprintf("%s\n%s", dir, key);
	struct tombstone *t;

	pthread_mutex_lock(&s->lock);
	HASH_FIND_STR(s->buried, k, t);
	if (t) {
		HASH_DEL(s->buried, t);
		tombstone_free(t);
	}
	pthread_mutex_unlock(&s->lock);
	free(k);
}
