/* Allocation that cannot fail: out of memory aborts the daemon.
 *
 * A filesystem daemon that runs out of memory has no useful way to go on,
 * so ordinary code carries no OOM branches (git's wrapper.c does the
 * same). Buffers that hold untrusted input are capped instead (buf.h). */
#ifndef CFS_XALLOC_H
#define CFS_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Returns a copy of s that the caller frees; NULL stays NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A formatted string that the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
