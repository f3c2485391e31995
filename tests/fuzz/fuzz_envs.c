/* GET .../envs -> env_list_parse: any answer parses or is -EIO, and
 * every variable kept has a key and is found again by it. */
#include <errno.h>

#include "api/envs.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct env_list *l = NULL;
	size_t i;
	int rc;

	rc = env_list_parse(json, &l);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	if (!rc) {
		for (i = 0; i < l->n; i++) {
			const struct env_var *v = &l->v[i];
			const struct env_var *f;

			FUZZ_ASSERT(v->key);
			f = env_list_find(l, v->key, v->preview);
			FUZZ_ASSERT(f && !strcmp(f->key, v->key) &&
				    f->preview == v->preview);
		}
		env_list_free(l);
	}
	free(json);
	return 0;
}
