#include "api/cloud.h"

#include <stdlib.h>
#include <string.h>

#include "api/instance.h"
#include "api/objects.h"
#include "api/store.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "model/objlist.h"

/* HetznerController: its images are the system ones that are not
 * deprecated, its server types those not deprecated. */
static const struct cloud_file hetzner_files[] = {
	{ "locations.json", "/hetzner/locations" },
	{ "server-types.json", "/hetzner/server-types" },
	{ "images.json", "/hetzner/images" },
	{ "ssh-keys.json", "/hetzner/ssh-keys" },
	{ "networks.json", "/hetzner/networks" },
	{ "firewalls.json", "/hetzner/firewalls" },
	{ NULL, NULL },
};

/* DigitalOceanController: regions and sizes that are available, the
 * distribution images. */
static const struct cloud_file digitalocean_files[] = {
	{ "regions.json", "/digitalocean/regions" },
	{ "sizes.json", "/digitalocean/sizes" },
	{ "images.json", "/digitalocean/images" },
	{ "ssh-keys.json", "/digitalocean/ssh-keys" },
	{ NULL, NULL },
};

static const struct cloud_file vultr_files[] = {
	{ "regions.json", "/vultr/regions" },
	{ "plans.json", "/vultr/plans" },
	{ "os.json", "/vultr/os" },
	{ "ssh-keys.json", "/vultr/ssh-keys" },
	{ NULL, NULL },
};

const struct cloud_provider cloud_providers[] = {
	{ "hetzner", hetzner_files },
	{ "digitalocean", digitalocean_files },
	{ "vultr", vultr_files },
	{ NULL, NULL },
};

const struct cloud_provider *cloud_provider_find(const char *name)
{
	const struct cloud_provider *p;

	for (p = cloud_providers; name && p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const struct cloud_file *cloud_file_find(const struct cloud_provider *p,
					 const char *file)
{
	const struct cloud_file *f;

	for (f = p ? p->files : NULL; f && f->file; f++)
		if (!strcmp(f->file, file))
			return f;
	return NULL;
}

/* A token's uuid is the API's (letters and digits): it needs no
 * escaping in the query. */
char *cloud_catalogue_key(const char *path, const char *token)
{
	return xasprintf("%s?cloud_provider_token_uuid=%s", path, token);
}

int cloud_catalogue_get(struct api *api, const char *path, const char *token,
			struct cval **out)
{
	char *key = cloud_catalogue_key(path, token);
	int rc = store_json(api, key, out);

	free(key);
	return rc;
}

int cloud_only_token(struct api *api, const char *provider, size_t *count,
		     char **uuid)
{
	const struct objlist *l;
	struct buf p = BUF_INIT;
	struct cval *v;
	size_t i;
	int rc;

	*count = 0;
	*uuid = NULL;
	rc = instance_list(api, OBJ_CLOUD_TOKEN, &v);
	if (rc)
		return rc;
	l = v->data;
	for (i = 0; i < l->n; i++) {
		buf_reset(&p);
		if (objlist_field(&l->v[i], "provider", &p) ||
		    strcmp(p.buf, provider))
			continue;
		if (!(*count)++)
			*uuid = xstrdup(l->v[i].uuid);
	}
	if (*count != 1) {
		free(*uuid);
		*uuid = NULL;
	}
	buf_release(&p);
	cval_put(v);
	return 0;
}
