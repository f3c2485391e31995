/* A growable byte buffer, used for HTTP bodies, file contents and
 * formatted text.
 *
 * Invariants: `buf` is never NULL and always NUL-terminated, so an empty
 * buffer can be printed; `len` excludes the terminator. A buffer made
 * with BUF_INIT owns no memory until something is added. A buffer may
 * carry a cap (`max`, 0 for none): an append that would grow it past the
 * cap fails with -EFBIG and leaves the buffer as it was, which is how
 * bodies from the network are bounded. buf_detach() is the only way to
 * take the bytes out; buf_release() frees them.
 *
 * Not thread-safe: a buffer belongs to one thread at a time. */
#ifndef CFS_BUF_H
#define CFS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *buf;
	size_t len;
	size_t alloc; /* 0 while buf points at the shared empty string */
	size_t max;   /* largest len allowed, 0 for no cap */
};

extern char buf_empty[];
#define BUF_INIT                   \
	{                          \
		buf_empty, 0, 0, 0 \
	}

/* Makes b empty, with a cap of max bytes (0: none). */
void buf_init(struct buf *b, size_t max);
/* Frees the bytes and leaves b as after buf_init with the same cap. */
void buf_release(struct buf *b);
/* Returns the bytes (caller frees) and their length through len (may be
 * NULL); b is left empty. Never returns NULL. */
char *buf_detach(struct buf *b, size_t *len);
/* Keeps the first len bytes (len must not exceed b->len). */
void buf_truncate(struct buf *b, size_t len);
#define buf_reset(b) buf_truncate((b), 0)

/* Appends; 0 on success, -EFBIG past the cap (b unchanged). */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Replaces the contents with a copy of data; -EFBIG past the cap. */
int buf_set(struct buf *b, const void *data, size_t len);

#endif
