#include "base/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->buf = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->buf);
	buf_init(b, b->max);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->alloc ? b->buf : xstrdup("");

	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

/* Makes room for extra more bytes and the terminator. */
static int buf_grow(struct buf *b, size_t extra)
{
	size_t want, alloc;

	if (extra > SIZE_MAX / 2 - b->len)
		return -EFBIG;
	want = b->len + extra + 1;
	if (b->max && want - 1 > b->max)
		return -EFBIG;
	if (want <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < want)
		alloc *= 2;
	if (b->alloc) {
		b->buf = xrealloc(b->buf, alloc);
	} else {
		b->buf = xmalloc(alloc);
		b->buf[0] = '\0';
	}
	b->alloc = alloc;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -EINVAL;
	rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_set(struct buf *b, const void *data, size_t len)
{
	size_t old = b->len;
	int rc;

	b->len = 0;
	rc = buf_add(b, data, len);
	if (rc)
		b->len = old;
	return rc;
}
