/* A resource's tags (SPEC §6; NOTES §17: current Coolify only):
 * GET and POST /{applications,databases,services}/{uuid}/tags and
 * DELETE .../tags/{tag_uuid}, through the cache.
 *
 * The cache key is the GET's path, under the resource's own (so a change
 * of the resource drops it too). A change drops it and the instance's
 * tag list (/tags), which a detach can shrink: the API deletes a tag no
 * resource holds any more.
 *
 * Every function returns 0 or a negative errno (SPEC §5) already logged
 * with the request and the API's message. Thread-safe. */
#ifndef CFS_API_TAGS_H
#define CFS_API_TAGS_H

#include <stdbool.h>

#include "api/api.h"
#include "cache/cache.h"
#include "model/model.h"
#include "model/tagset.h"

/* Whether the instance has tags on resources (every kind has them
 * there): current Coolify; the 2025 API has no tags at all. */
bool tags_supported(const struct api *api);

/* The resource's tags, GET /{kind}/{uuid}/tags reused for cache_ttl:
 * a reference whose data is a struct tagset (with uuids). */
int tags_get(struct api *api, enum res_kind kind, const char *uuid,
	     struct cval **out);

/* The last answer tags_get() stored, however old (a reference to put),
 * or NULL; never asks the API. */
struct cval *tags_peek(struct api *api, enum res_kind kind, const char *uuid);

/* Makes the resource's tags the names of want (normalised, as
 * tagset_parse() gives them), against what tags_get() gives now: one
 * POST with the names it lacks ({"tag_names": [...]}: the API creates a
 * tag the team does not have), then a DELETE for each tag it has that
 * want lacks. Nothing is sent when they are the same. Added first, so
 * that a refusal leaves nothing removed; a detach that finds the tag
 * gone already (removed elsewhere) counts as done. A failure part way
 * returns its errno; what was sent before it stays applied, and the
 * cache is dropped either way. */
int tags_apply(struct api *api, enum res_kind kind, const char *uuid,
	       const struct tagset *want);

#endif
