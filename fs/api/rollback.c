#include "api/rollback.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/http.h"
#include "api/objects.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "model/model.h"

int rollback_images_text(const char *json, struct buf *out)
{
	struct json_object *root = model_json_parse(json), *images;
	size_t i;

	/* HEAD:AppC rollback_images: an empty list when the server cannot
	 * be asked, so an empty file is a valid answer. */
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "images", &images) ||
	    !json_object_is_type(images, json_type_array)) {
		json_object_put(root);
		return -EIO;
	}
	for (i = 0; i < json_object_array_length(images); i++) {
		struct json_object *it = json_object_array_get_idx(images, i);
		const char *tag;

		if (!json_object_is_type(it, json_type_object))
			continue;
		/* `docker images` lines split on '#': a tag may be null. */
		tag = model_jstr(it, "tag");
		if (!tag || !*tag || strpbrk(tag, "\n\r"))
			continue;
		buf_addf(out, "%s\n", tag);
	}
	json_object_put(root);
	return 0;
}

char *rollback_images_path(const char *app_uuid)
{
	char *app = obj_member_path(obj_get(OBJ_APP), NULL, app_uuid);
	char *path = xasprintf("%s/rollback-images", app);

	free(app);
	return path;
}

static int load_images(void *arg, const char *key, bool stale, void **data,
		       void (**free_data)(void *))
{
	struct api *api = arg;
	struct http_response resp;
	struct buf text = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = http_call(&api->http, "GET", key, NULL, stale ? HTTP_STALE_OK : 0,
		       &resp);
	if (!rc && rollback_images_text(resp.body.buf, &text)) {
		log_error("GET %s: the answer is not the JSON the API "
			  "documents",
			  key);
		rc = -EIO;
	}
	if (!rc) {
		*data = buf_detach(&text, NULL);
		*free_data = free;
	}
	buf_release(&text);
	http_response_release(&resp);
	return rc;
}

int rollback_store_images(struct api *api, const char *app_uuid,
			  struct cval **out)
{
	char *key = rollback_images_path(app_uuid);
	int rc;

	rc = cache_fetch(&api->cache, key, api->cache_ttl, load_images, api,
			 out);
	free(key);
	return rc;
}
