/* The lists of servers, keys and teams -> objlist_parse, and a server's
 * domains -> objlist_domains_text (objlist.h): any answer parses or is
 * -EIO; every item kept has an id that can be an entry, a unique entry
 * name that finds it, and none of the spec's dropped fields; domains
 * text is whole lines. Input: a spec byte, then the JSON. */
#include <errno.h>

#include "fuzz.h"
#include "model/objlist.h"

static const char *const secrets[] = { "private_key", NULL };
static const char *const reserved[] = { "current", NULL };

static void check_list(const char *json, const struct objlist_spec *spec)
{
	struct objlist *l = NULL;
	size_t i, j;
	int rc;

	rc = objlist_parse(json, spec, &l);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	if (rc)
		return;
	for (i = 0; i < l->n; i++) {
		const struct objlist_item *it = &l->v[i];

		FUZZ_ASSERT(it->uuid && *it->uuid);
		/* A path id is segments: never one that is empty. */
		FUZZ_ASSERT(spec->id_path ? !strstr(it->uuid, "//") &&
						it->uuid[0] != '/'
					  : !strchr(it->uuid, '/'));
		FUZZ_ASSERT(it->name && it->json && *it->dirname);
		FUZZ_ASSERT(!strchr(it->dirname, '/'));
		FUZZ_ASSERT(strcmp(it->dirname, ".") &&
			    strcmp(it->dirname, ".."));
		FUZZ_ASSERT(strcmp(it->dirname, "current") || !spec->reserved);
		FUZZ_ASSERT(!spec->drop ||
			    !strstr(it->json, "\"private_key\":"));
		FUZZ_ASSERT(objlist_find(l, it->dirname) == it);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(it->dirname, l->v[j].dirname));
	}
	objlist_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const moved[] = { "executions", NULL };
	static const struct objlist_group groups[] = {
		{ "persistent_storages", "persistent" },
		{ "file_storages", "file" },
		{ NULL, NULL },
	};
	static const struct objlist_spec specs[] = {
		{ "uuid", NULL, NULL, NULL, NULL, NULL, NULL, NULL, false },
		{ "uuid", secrets, NULL, NULL, NULL, NULL, NULL, NULL, false },
		{ "id", NULL, reserved, NULL, NULL, NULL, NULL, NULL, false },
		/* A backup's executions: {"executions":[...]}. */
		{ "uuid", NULL, NULL, moved, "executions", NULL, NULL, NULL,
		  false },
		/* A resource's storages: two arrays. */
		{ "uuid", NULL, NULL, NULL, NULL, groups, "type", NULL, false },
		/* GitHub repositories: ids are OWNER/REPO. */
		{ "full_name", NULL, NULL, NULL, "repositories", NULL, NULL,
		  "full_name", true },
	};
	struct buf text = BUF_INIT;
	char *json, *id;

	if (!size)
		return 0;
	json = fuzz_cstr(data + 1, size - 1);
	check_list(json, &specs[data[0] % 5]);
	if (!objlist_domains_text(json, &text))
		FUZZ_ASSERT(!text.len || text.buf[text.len - 1] == '\n');
	buf_reset(&text);
	if (!objlist_lines(json, "branches", "name", &text))
		FUZZ_ASSERT(!text.len || text.buf[text.len - 1] == '\n');
	id = objlist_object_id(json, data[0] % 2 ? "id" : "uuid");
	FUZZ_ASSERT(!id || (*id && !strchr(id, '/')));
	free(id);
	buf_release(&text);
	free(json);
	return 0;
}
