/* The deployment answers -> deploy_list_parse, and a row's JSON-string
 * build log -> deploy_render_log (deployments.h). Every row kept has a
 * uuid that finds it, sorting puts the newest first, and a rendered log
 * is lines. */
#include <errno.h>

#include "api/deployments.h"
#include "fuzz.h"

static void check_render(const char *logs)
{
	struct buf out = BUF_INIT;
	int rc = deploy_render_log(logs, &out);

	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	FUZZ_ASSERT(out.len == strlen(out.buf) || rc == 0);
	FUZZ_ASSERT(rc || !out.len || out.buf[out.len - 1] == '\n');
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct deploy_list *l = NULL;
	size_t i;
	int rc;

	rc = deploy_list_parse(json, &l);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	check_render(json);
	if (!rc) {
		for (i = 0; i < l->n; i++) {
			FUZZ_ASSERT(l->v[i].uuid && l->v[i].json);
			FUZZ_ASSERT(deploy_list_find(l, l->v[i].uuid));
			if (l->v[i].logs)
				check_render(l->v[i].logs);
			deploy_active(l->v[i].status);
			deploy_failed(l->v[i].status);
		}
		deploy_list_sort(l);
		for (i = 1; i < l->n; i++)
			FUZZ_ASSERT(l->v[i - 1].created >= l->v[i].created);
		deploy_list_free(l);
	}
	free(json);
	return 0;
}
