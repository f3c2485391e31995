/* The resource lists -> model_resources_parse, including the merge of
 * GET /databases with GET /resources (NOTES §5.1).
 *
 * Input: one byte for the kind, then the list's JSON, then (after a NUL
 * byte) /resources' JSON for a database list. Every resource kept is in
 * its environment's group, sorted, found by entry name and by uuid, and
 * its entry name is unique in that group. */
#include <errno.h>

#include "fuzz.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_split in = { data, data + size };
	struct model_resources *rs = NULL;
	struct buf out = BUF_INIT;
	enum res_kind kind;
	char *list, *all;
	size_t i, j, n;
	int rc;

	if (!size)
		return 0;
	kind = (enum res_kind)(data[0] % RES_KINDS);
	in.p++;
	list = fuzz_next(&in, '\0');
	all = fuzz_next(&in, '\0');
	rc = model_resources_parse(kind, list, all, &rs);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	if (!rc) {
		for (i = 0; i < rs->n; i++) {
			const struct model_resource *r = &rs->v[i];
			const struct model_resource *const *g;

			FUZZ_ASSERT(r->kind == kind && r->uuid && r->name);
			FUZZ_ASSERT(r->status && r->dirname && *r->dirname);
			FUZZ_ASSERT(!strchr(r->dirname, '/'));
			FUZZ_ASSERT(kind == RES_DB || !r->db_type);
			if (r->json.data) {
				char *json = model_resource_json(r);

				FUZZ_ASSERT(json && !model_json_render(json, &out));
				free(json);
			}
			/* Resource uuids are unique at the API; a list that
			 * repeats one finds the first. */
			FUZZ_ASSERT(model_resources_by_uuid(rs, r->uuid));
			g = model_resources_in_env(rs, r->env_id, &n);
			FUZZ_ASSERT(g && n);
			for (j = 0; j < n; j++) {
				FUZZ_ASSERT(g[j]->env_id == r->env_id);
				if (j)
					FUZZ_ASSERT(strcmp(g[j - 1]->dirname,
							   g[j]->dirname) < 0);
			}
			FUZZ_ASSERT(model_resources_find(rs, r->env_id,
							 r->dirname) == r);
		}
		model_resources_free(rs);
	}
	buf_release(&out);
	free(list);
	free(all);
	return 0;
}
