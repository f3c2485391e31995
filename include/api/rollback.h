/* Rollback images (SPEC §6): what `images` in an application's directory
 * shows, GET /applications/{uuid}/rollback-images (current Coolify only,
 * NOTES §17.11), as text: one image tag a line, as `rollback TAG` takes
 * them.
 *
 * rollback_images_text() is pure. rollback_store_images() goes through
 * the cache like store.h's: 0 and a reference to put, or a negative
 * errno that was logged. Thread-safe. */
#ifndef CFS_ROLLBACK_H
#define CFS_ROLLBACK_H

#include "api/api.h"
#include "base/buf.h"
#include "cache/cache.h"

/* The answer {"current": TAG|null, "images": [{"tag", "created_at",
 * "is_current"}, ...]} as text: each tag on a line, in the API's order
 * (docker's: newest first); a tag that is not one line of text is left
 * out. Appends to out; -EIO when json is not that object. */
int rollback_images_text(const char *json, struct buf *out);

/* The path of app_uuid's rollback images, also their cache key: a new
 * string (caller frees). */
char *rollback_images_path(const char *app_uuid);

/* GET rollback_images_path(app_uuid), reused for cache_ttl -> char *,
 * the text of rollback_images_text(). */
int rollback_store_images(struct api *api, const char *app_uuid,
			  struct cval **out);

#endif
