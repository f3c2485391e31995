/* Objects deleted through the mount that the API may go on listing for a
 * while: its deletes run in a queued job (NOTES §4.3), so the lists
 * fetched right after a delete still hold the object. Listings and
 * lookups leave out what is here, so a delete shows at once (SPEC §4:
 * read-your-writes). An entry lasts GONE_TTL seconds, long after the
 * API's job has run; if that job failed, the object shows again then.
 *
 * Thread-safe. */
#ifndef CFS_GONE_H
#define CFS_GONE_H

#include <pthread.h>
#include <stdbool.h>

#define GONE_TTL 60

struct gone_entry;

struct gone {
	pthread_mutex_t lock; /* guards table and every entry */
	struct gone_entry *table;
};

void gone_init(struct gone *g);
void gone_release(struct gone *g);

/* Records that uuid was deleted now. */
void gone_add(struct gone *g, const char *uuid);
/* Whether uuid was deleted in the last GONE_TTL seconds. */
bool gone_has(struct gone *g, const char *uuid);

#endif
