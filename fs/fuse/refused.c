#include "fuse/refused.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* RENAME_NOREPLACE */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* How long after the refusal its retry may come: mv makes it at once. */
#define REFUSED_SECONDS 2

void refused_init(struct refused *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
}

static void forget(struct refused *r)
{
	free(r->from);
	free(r->to);
	r->from = r->to = NULL;
}

void refused_release(struct refused *r)
{
	forget(r);
	pthread_mutex_destroy(&r->lock);
}

void refused_note(struct refused *r, const char *from, const char *to,
		  unsigned int flags, int rc)
{
	pthread_mutex_lock(&r->lock);
	forget(r);
	if (flags & RENAME_NOREPLACE && (rc == -EINVAL || rc == -EOPNOTSUPP)) {
		r->from = xstrdup(from);
		r->to = xstrdup(to);
		r->rc = rc;
		r->when = time(NULL);
	}
	pthread_mutex_unlock(&r->lock);
}

int refused_retry(struct refused *r, const char *from, const char *to,
		  unsigned int flags)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (!flags && r->from && !strcmp(r->from, from) && !strcmp(r->to, to) &&
	    time(NULL) - r->when <= REFUSED_SECONDS) {
		rc = r->rc;
		forget(r);
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}
