/* The instance's own objects through the cache: servers, private keys,
 * teams and the other collections of plain objects (SPEC §2, §6), as
 * objlist.h lists, and the team the token works in. Like store.h: each
 * function returns a reference the caller puts
 * with cval_put(), or a negative errno (SPEC §5) already logged.
 *
 * The cache keys are the API paths, so writes elsewhere (creating a
 * server, deleting a key) drop them with cache_invalidate(path).
 * Thread-safe. */
#ifndef CFS_INSTANCE_H
#define CFS_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "cache/cache.h"
#include "api/api.h"
#include "api/http.h"
#include "api/objects.h"
#include "model/objlist.h"

/* GET PATH of a collection of plain objects (servers, keys, teams...;
 * objects.h gives PATH) -> struct objlist, without the row's secrets,
 * ids from its id field, and its reserved names kept. The cache key is
 * PATH. */
int instance_list(struct api *api, enum api_obj obj, struct cval **out);
/* The same for a collection that belongs to an object (a resource's
 * scheduled tasks): path is its list's API path, and the cache key. */
int instance_list_at(struct api *api, enum api_obj obj, const char *path,
		     struct cval **out);
/* The collection of row obj under owner (an API path) with the members
 * of its with rows (objects.h): each list fetched (and cached) as
 * instance_list_at does, then joined (objlist_join: each item's src says
 * its row, obj_source). The joined list is made on each call, so that a
 * change to either shows at once; *out is a reference to it. Fails as
 * the first list that fails. */
int instance_list_joined(struct api *api, enum api_obj obj, const char *owner,
			 struct cval **out);

/* The id of the token's team into out (appended): GET /team on current
 * Coolify, GET /teams/current on 2025 instances, which lack /team. */
int instance_current_team(struct api *api, struct buf *out);

/* The version in an answer to GET /version (NOTES §13): the plain body
 * Coolify sends ("4.0.0-beta.419"), or a JSON string as the official
 * spec documents it ("\"v4.0.0\""). Returns 0 and the version, without
 * quotes, into *version (caller frees), or -EPROTO for anything else (an
 * HTML page, a JSON object, an empty body, text that is no version). */
int instance_version_parse(const char *body, size_t len, char **version);

/* Whether version is current Coolify (NOTES §17) rather than the 2025
 * seed's 4.0.0-beta.4xx, with or without a leading "v". */
bool instance_version_current(const char *version);

/* Asks the instance once whether it will talk to us: GET /version, the
 * cheapest call that needs a valid token (NOTES §13), unlogged. Returns
 * 0 and the version (caller frees), or a negative errno with one line
 * in why that names the cause (a refused token, a disabled API, an
 * unreachable host...) for url, the instance as the user named it. */
int instance_check(struct http *h, const char *url, char **version,
		   struct buf *why);

#endif
