/* A file size remembered next to the immutable value it is rendered
 * from (a cached answer, a list's resource, a deployment), so that a stat
 * need not render it again (cache/sizes.h keeps the sizes of everything
 * else). Here, below both, so that the model and the cache can hold one
 * without depending on each other. */
#ifndef CFS_MEMO_H
#define CFS_MEMO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

/* The size of the one file an immutable value is shown as, plus one; 0
 * until a stat first found it. Atomic: the value is shared by every
 * thread, and stats that race store the same number. */
typedef _Atomic long long size_memo;

static inline bool size_memo_get(size_memo *m, off_t *size)
{
	long long known = atomic_load_explicit(m, memory_order_relaxed);

	if (known)
		*size = (off_t)(known - 1);
	return known != 0;
}

static inline void size_memo_set(size_memo *m, off_t size)
{
	atomic_store_explicit(m, (long long)size + 1, memory_order_relaxed);
}

#endif
