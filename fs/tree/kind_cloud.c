/* The providers' catalogues (SPEC §6; api/cloud.h): read-only JSON
 * files, one per catalogue route of the provider.
 *
 * Every route needs a token of the team for that provider. In a token's
 * directory (cloud/tokens/T/catalogue/) it is that token. In cloud/
 * PROVIDER/ it is the team's only token of the provider: the directory
 * lists the files when there is exactly one, and is empty when there is
 * none (nothing to read) or several (which one would be a guess: the
 * SSH keys, networks and firewalls are each account's own; each token's
 * catalogue/ has them). A file costs one request, cached cache_ttl. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/cloud.h"
#include "api/objects.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "model/objlist.h"
#include "tree/kind_cloud.h"

/* In a token's directory: its node is the token (kind_coll.c). */
static bool in_token(const struct node *n)
{
	return n->id.obj == OBJ_CLOUD_TOKEN && n->id.uuid && n->obj;
}

/* The provider of a catalogue directory. */
static const struct cloud_provider *provider_of(const struct node *n)
{
	const struct cloud_provider *p = NULL;
	struct buf name = BUF_INIT;

	if (!in_token(n))
		return cloud_provider_find(n->arg);
	if (!objlist_field(n->obj, "provider", &name))
		p = cloud_provider_find(name.buf);
	buf_release(&name);
	return p;
}

/* The token a catalogue of provider p is read with (caller frees):
 * -ENOENT when cloud/PROVIDER/ has none to use, and why is logged when
 * file is not NULL (a lookup of that file by name). */
static int token_of(const struct node *n, const struct cloud_provider *p,
		    const char *file, char **uuid)
{
	size_t count;
	int rc;

	if (in_token(n)) {
		*uuid = xstrdup(n->id.uuid);
		return 0;
	}
	rc = cloud_only_token(&n->fs->api, p->name, &count, uuid);
	if (rc)
		return rc;
	if (count == 1)
		return 0;
	if (file && count)
		log_info("cloud/%s/%s: the team has %zu %s tokens, so this "
			 "directory is empty; each token's catalogue is in "
			 "cloud/tokens/TOKEN/catalogue/",
			 p->name, file, count, p->name);
	else if (file)
		log_info("cloud/%s/%s: the team has no %s token (create one "
			 "with cloud/tokens/new.json)",
			 p->name, file, p->name);
	return -ENOENT;
}

/* ---- a catalogue file: arg is its API path ---- */

static const struct cloud_provider *file_provider(const struct node *n)
{
	const struct cloud_provider *p;

	for (p = cloud_providers; p->name; p++) {
		size_t len = strlen(p->name);

		if (n->arg[0] == '/' && !strncmp(n->arg + 1, p->name, len) &&
		    n->arg[len + 1] == '/')
			return p;
	}
	return NULL;
}

static int fetch(const struct node *n, struct cval **v)
{
	const struct cloud_provider *p = file_provider(n);
	char *token = NULL;
	int rc;

	if (!p)
		return -ENOENT;
	rc = token_of(n, p, NULL, &token);
	if (!rc)
		rc = cloud_catalogue_get(&n->fs->api, n->arg, token, v);
	free(token);
	return rc;
}

static int json_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc = fetch(n, &v);

	if (rc)
		return rc;
	rc = model_json_render(v->data, out);
	cval_put(v);
	return rc;
}

/* SPEC §4: a listing costs no request per file. Listed, a file has the
 * size of what was last fetched, or 0 (reads are direct, so a size that
 * is behind never cuts a read short); a stat of its own asks. */
static int json_size(const struct node *n, off_t *size)
{
	struct cval *v = NULL;
	int rc = 0;

	if (n->listing) {
		const struct cloud_provider *p = file_provider(n);
		char *token = NULL, *key;

		*size = 0;
		if (!p || token_of(n, p, NULL, &token))
			return 0;
		key = cloud_catalogue_key(n->arg, token);
		v = cache_peek(&n->fs->api.cache, key);
		free(key);
		free(token);
		if (!v)
			return 0;
	} else {
		rc = fetch(n, &v);
		if (rc)
			return rc;
	}
	rc = sizes_memo(&n->fs->sizes, &v->shown_size, v->data,
			model_json_render, size);
	cval_put(v);
	return rc;
}

static const struct node_kind kind_cloud_json = {
	.name = "cloud-catalogue-json",
	.type = S_IFREG,
	.render = json_render,
	.size = json_size,
};

/* ---- a catalogue directory ---- */

static int catalogue_list(const struct node *dir, struct dir_fill *fill)
{
	const struct cloud_provider *p = provider_of(dir);
	const struct cloud_file *f;
	char *token = NULL;
	int rc;

	if (!p)
		return 0;
	rc = token_of(dir, p, NULL, &token);
	free(token);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	for (f = p->files; f->file; f++) {
		struct node c = node_child(dir, &kind_cloud_json);

		c.arg = f->path;
		if (dir_add(fill, f->file, &c))
			break;
	}
	return 0;
}

static int catalogue_lookup(struct node *n, const char *name)
{
	const struct cloud_provider *p = provider_of(n);
	const struct cloud_file *f = cloud_file_find(p, name);
	char *token = NULL;
	int rc;

	if (!f)
		return -ENOENT;
	rc = token_of(n, p, name, &token);
	free(token);
	if (rc)
		return rc;
	n->kind = &kind_cloud_json;
	n->arg = f->path;
	return 0;
}

const struct node_kind kind_cloud_catalogue = {
	.name = "cloud-catalogue",
	.type = S_IFDIR,
	.list = catalogue_list,
	.lookup = catalogue_lookup,
};
