/* Unit tests for the providers' catalogue table (api/cloud.h): the files
 * each provider's directory shows, the routes they read, and the query
 * that names the token (SPEC §6). */
#include <stdlib.h>
#include <string.h>

#include "api/cloud.h"

#include "check.h"

static size_t count(const struct cloud_provider *p)
{
	size_t n = 0;

	while (p->files[n].file)
		n++;
	return n;
}

static void test_providers_and_files(void)
{
	const struct cloud_provider *hz = cloud_provider_find("hetzner");
	const struct cloud_provider *vultr = cloud_provider_find("vultr");

	CHECK(hz && vultr && cloud_provider_find("digitalocean"));
	CHECK(!cloud_provider_find("linode"));
	CHECK(!cloud_provider_find(NULL));
	CHECK_INT((int)count(hz), 6);
	CHECK_INT((int)count(cloud_provider_find("digitalocean")), 4);
	CHECK_STR(cloud_file_find(hz, "server-types.json")->path,
		  "/hetzner/server-types");
	CHECK_STR(cloud_file_find(vultr, "os.json")->path, "/vultr/os");
	/* A file of another provider is not in this one's directory. */
	CHECK(!cloud_file_find(vultr, "locations.json"));
	CHECK(!cloud_file_find(NULL, "os.json"));
}

static void test_catalogue_key(void)
{
	char *key = cloud_catalogue_key("/hetzner/locations", "abc123");

	CHECK_STR(key, "/hetzner/locations?cloud_provider_token_uuid=abc123");
	free(key);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_providers_and_files),
	CHECK_TEST(test_catalogue_key),
};

CHECK_MAIN(tests)
