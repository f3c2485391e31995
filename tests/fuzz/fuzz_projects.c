/* GET /projects -> model_projects_parse: any answer parses or is -EIO,
 * and every project it keeps has a unique entry name that finds it. */
#include <errno.h>

#include "fuzz.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct model_projects *ps = NULL;
	size_t i, j;
	int rc;

	rc = model_projects_parse(json, &ps);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	if (!rc) {
		for (i = 0; i < ps->n; i++) {
			FUZZ_ASSERT(ps->v[i].uuid && ps->v[i].name);
			FUZZ_ASSERT(*ps->v[i].dirname);
			FUZZ_ASSERT(!strchr(ps->v[i].dirname, '/'));
			FUZZ_ASSERT(strcmp(ps->v[i].dirname, ".") &&
				    strcmp(ps->v[i].dirname, ".."));
			FUZZ_ASSERT(model_projects_find(ps, ps->v[i].dirname) ==
				    &ps->v[i]);
			for (j = 0; j < i; j++)
				FUZZ_ASSERT(
				    strcmp(ps->v[i].dirname, ps->v[j].dirname));
		}
		model_projects_free(ps);
	}
	free(json);
	return 0;
}
