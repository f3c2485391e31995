/* The services' context: what fs/api needs to talk to the instance and
 * keep its answers, and nothing of the mount around it. struct cfs embeds
 * one (cfs.h); main() fills it, and every fs/api function takes it, so
 * that fs/api depends on nothing above it.
 *
 * cache_ttl is conf's, copied at mount time: the API layer reads no
 * option but this one. The prefetch workers (prefetch.h) are not here:
 * they are a user of store.h, envs.h and deployments.h, not something
 * those need, and are handed the api when they start. */
#ifndef CFS_API_H
#define CFS_API_H

#include <stdbool.h>

#include "api/http.h"
#include "cache/cache.h"
#include "cache/gone.h"
#include "cache/saved.h"

struct api {
	struct http http;
	struct cache cache;
	struct gone gone;   /* deleted, maybe still listed (gone.h) */
	struct saved saved; /* written, never readable (saved.h) */
	unsigned cache_ttl; /* -o cache_ttl: reuse answers this long */
	/* Current Coolify (4.1 and later) rather than the 2025 API (4.0.0
	 * betas): database env and log endpoints, POST-only actions. */
	bool current_api;
};

#endif
