/* The last rename that failed with EINVAL or EOPNOTSUPP under
 * RENAME_NOREPLACE.
 *
 * mv (gnulib's renameatu) asks renameat2(RENAME_NOREPLACE) first and,
 * when that fails with EINVAL or EOPNOTSUPP (which it takes for "the
 * flag is not supported"), checks that the target is absent and makes
 * the same rename again without the flag. A rename the API refused (a
 * 422 is EINVAL) must not be sent twice: the retry gets the same error
 * without reaching the API. Only that retry: the next rename of the same
 * paths, without the flag, within a couple of seconds. Thread-safe. */
#ifndef CFS_REFUSED_H
#define CFS_REFUSED_H

#include <pthread.h>
#include <time.h>

struct refused {
	pthread_mutex_t lock; /* guards the rest */
	char *from, *to;      /* NULL: none kept */
	int rc;
	time_t when;
};

void refused_init(struct refused *r);
void refused_release(struct refused *r);

/* Keeps the outcome rc of a rename from -> to made with flags, when it
 * is one a retry without the flag would follow (else forgets any). */
void refused_note(struct refused *r, const char *from, const char *to,
		  unsigned int flags, int rc);

/* The error of that rename when this one (with flags) is its retry, and
 * forgets it; 0 otherwise. */
int refused_retry(struct refused *r, const char *from, const char *to,
		  unsigned int flags);

#endif
