/* An application's `images` (SPEC §6, current Coolify only): the image
 * tags a rollback can go to, one a line, from rollback.h. `echo
 * "rollback TAG" > ctl` (actions.h) takes any of them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/rollback.h"
#include "tree/node.h"

static int images_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc;

	rc = rollback_store_images(&n->fs->api, n->res->uuid, &v);
	if (rc)
		return rc;
	rc = buf_adds(out, v->data);
	cval_put(v);
	return rc;
}

/* SPEC §4: a walk costs no request per file. Listed, the file has the
 * size of what was last fetched, or 0 (reads are direct, so a size that
 * is behind never cuts a read short); a stat of its own asks. */
static int images_size(const struct node *n, off_t *size)
{
	struct buf text = BUF_INIT;
	int rc;

	if (n->listing) {
		char *key = rollback_images_path(n->res->uuid);
		struct cval *v = cache_peek(&n->fs->api.cache, key);

		*size = v ? (off_t)strlen(v->data) : 0;
		cval_put(v);
		free(key);
		return 0;
	}
	rc = images_render(n, &text);
	*size = (off_t)text.len;
	buf_release(&text);
	return rc;
}

const struct node_kind kind_images = {
	.name = "images",
	.type = S_IFREG,
	.render = images_render,
	.size = images_size,
};
