/* The cloud providers' catalogues (SPEC §6: cloud/hetzner/,
 * cloud/digitalocean/, cloud/vultr/): what a provider offers a token of
 * the team (locations, server types, images, its SSH keys...), as
 * current Coolify passes the provider's answers through
 * (HetznerController, DigitalOceanController, VultrController).
 *
 * Every catalogue route takes the team's cloud provider token as the
 * query parameter cloud_provider_token_uuid; the answer is a JSON array,
 * cached cache_ttl under its path with that query. The table below is
 * the one place that names the routes and their files. Pure but for
 * cloud_catalogue_get and cloud_only_token, which ask the API through
 * the cache; thread-safe. */
#ifndef CFS_CLOUD_H
#define CFS_CLOUD_H

#include <stddef.h>

#include "api/api.h"
#include "cache/cache.h"

struct cloud_file {
	const char *file; /* "locations.json" */
	const char *path; /* "/hetzner/locations" */
};

struct cloud_provider {
	const char *name; /* "hetzner": the token's provider field */
	const struct cloud_file *files; /* file NULL ends them */
};

/* The providers, ended by one whose name is NULL. */
extern const struct cloud_provider cloud_providers[];

/* The provider called name, or NULL. */
const struct cloud_provider *cloud_provider_find(const char *name);
/* The file of provider p called file, or NULL. */
const struct cloud_file *cloud_file_find(const struct cloud_provider *p,
					 const char *file);

/* The API path of catalogue path for token: path with its query (caller
 * frees), which is also its cache key. */
char *cloud_catalogue_key(const char *path, const char *token);

/* GET path?cloud_provider_token_uuid=token through the cache: the JSON
 * answer (compact, char *) in *out, a reference the caller puts; or a
 * negative errno, logged with the API's message (404: the token is
 * not the team's or not of this provider). */
int cloud_catalogue_get(struct api *api, const char *path, const char *token,
			struct cval **out);

/* How many of the team's cloud tokens are of provider (GET /cloud-tokens,
 * cached), and the uuid of the only one into *uuid (caller frees; NULL
 * unless there is exactly one). 0 or a negative errno (SPEC §5). */
int cloud_only_token(struct api *api, const char *provider, size_t *count,
		     char **uuid);

#endif
