/* A line written to a ctl file -> actions_parse (actions.h): a verb, a
 * refusal with a reason, or nothing to do. Input: a kind byte, then the
 * line. */
#include <errno.h>

#include "api/actions.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct actions_cmd cmd;
	struct buf err = BUF_INIT, usage = BUF_INIT;
	enum res_kind kind;
	char *line;
	int rc;

	if (!size)
		return 0;
	kind = (enum res_kind)(data[0] % RES_KINDS);
	line = fuzz_cstr(data + 1, size - 1);
	memset(&cmd, 0, sizeof(cmd));
	rc = actions_parse(kind, (data[0] & 0x80) != 0, line, &cmd, &err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENODATA);
	FUZZ_ASSERT(rc != -EINVAL || err.len);
	if (!rc) {
		FUZZ_ASSERT(cmd.verb >= ACTIONS_START &&
			    cmd.verb <= ACTIONS_DELETE_PREVIEW);
		FUZZ_ASSERT(cmd.pr >= 0);
		/* delete's options go with delete only. */
		FUZZ_ASSERT(!cmd.del || cmd.verb == ACTIONS_DELETE);
	}
	actions_usage(kind, (data[0] & 0x80) != 0, &usage);
	FUZZ_ASSERT(usage.len);
	buf_release(&usage);
	buf_release(&err);
	free(line);
	return 0;
}
