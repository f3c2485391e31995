/* What a user saves in an object's *.json or a new.json -> crud_diff and
 * crud_is_object (crud.h): the fields that changed, as a JSON object,
 * or -EINVAL for text that is not one object. */
#include <errno.h>

#include "api/crud.h"
#include "fuzz.h"

static const char base[] = "{\"uuid\":\"u1\",\"name\":\"web\",\"description\":"
			   "null,\"ports\":[80],\"limits\":{\"cpus\":\"1\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	char *want = fuzz_cstr(data, size);
	size_t n = 0;
	int rc;

	rc = crud_diff(base, want, &out, &n);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	FUZZ_ASSERT((rc == 0) == crud_is_object(want));
	if (!rc) {
		/* The diff is itself one object, and diffing it against
		 * what it came from changes nothing more. */
		size_t again = 0;
		struct buf out2 = BUF_INIT;

		FUZZ_ASSERT(crud_is_object(out.buf));
		FUZZ_ASSERT(crud_diff(want, out.buf, &out2, &again) == 0);
		FUZZ_ASSERT(again == 0);
		buf_release(&out2);
	}
	buf_release(&out);
	free(want);
	return 0;
}
