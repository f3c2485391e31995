/* An error answer's body -> http_api_message, the text that goes into
 * every log line about a refused request, and http_classify over it.
 * Input: two bytes of status, one of flags, then the body. */
#include <errno.h>

#include "fuzz.h"
#include "api/http.h"

static const struct http_quirk quirks[] = {
	{ 404, "Not found.", HTTP_QUIRK_EXACT, -EOPNOTSUPP, "", NULL },
	{ 400, "already", 0, -EALREADY, "", NULL },
	{ 405, NULL, HTTP_QUIRK_GET, -ENOSYS, "", NULL },
	{ 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response r;
	struct buf msg = BUF_INIT;
	int e;

	if (size < 3)
		return 0;
	http_response_init(&r);
	r.status = (long)(data[0] | data[1] << 8) % 600;
	r.json = data[2] & 1;
	buf_add(&r.body, data + 3, size - 3);
	http_api_message(&r, &msg);
	FUZZ_ASSERT(msg.len == strlen(msg.buf));
	FUZZ_ASSERT(!r.status || msg.len);
	e = http_status_errno(r.status);
	FUZZ_ASSERT(e <= 0);
	FUZZ_ASSERT((e == 0) == (r.status >= 200 && r.status < 300));
	/* The classifier over the message: the table without quirks, and
	 * never ENOSYS with them (SPEC §5). */
	FUZZ_ASSERT(http_classify(r.status, msg.buf, NULL, NULL) == e);
	e = http_classify(r.status, msg.buf, quirks, NULL);
	FUZZ_ASSERT(e <= 0 && e != -ENOSYS);
	FUZZ_ASSERT((e == 0) == (r.status >= 200 && r.status < 300));
	buf_release(&msg);
	http_response_release(&r);
	return 0;
}
