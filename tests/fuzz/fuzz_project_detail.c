/* GET /projects/{uuid} -> model_project_detail_parse: the project and
 * its environments, each environment found again by its entry name, and
 * the JSON kept for project.json and environment.json renders. */
#include <errno.h>

#include "fuzz.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct model_project_detail *d = NULL;
	struct buf out = BUF_INIT;
	size_t i, j;
	int rc;

	rc = model_project_detail_parse(json, &d);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	/* The same text as a file's contents: renders or is -EIO. */
	rc = model_json_render(json, &out);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	FUZZ_ASSERT(rc || (out.len && out.buf[out.len - 1] == '\n'));
	if (d) {
		FUZZ_ASSERT(!model_json_render(d->json, &out));
		for (i = 0; i < d->nenvs; i++) {
			const struct model_env *e = &d->envs[i];

			FUZZ_ASSERT(!model_json_render(e->json, &out));
			FUZZ_ASSERT(model_project_env(d, e->dirname) == e);
			FUZZ_ASSERT(!strchr(e->dirname, '/'));
			for (j = 0; j < i; j++)
				FUZZ_ASSERT(
				    strcmp(e->dirname, d->envs[j].dirname));
			FUZZ_ASSERT(model_project_env_by_id(d, e->id));
		}
		model_project_detail_free(d);
	}
	buf_release(&out);
	free(json);
	return 0;
}
