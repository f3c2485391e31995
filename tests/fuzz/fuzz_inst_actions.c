/* A line written to a server's, key's or the mount's ctl -> inst_actions_parse
 * (inst_actions.h): a verb, a refusal with a reason, or nothing to do.
 * Input: a target byte, then the line. */
#include <errno.h>

#include "fuzz.h"
#include "inst_actions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inst_cmd cmd;
	struct buf err = BUF_INIT, usage = BUF_INIT;
	enum inst_target target;
	char *line;
	int rc;

	if (!size)
		return 0;
	target = (enum inst_target)(data[0] % 3);
	line = fuzz_cstr(data + 1, size - 1);
	rc = inst_actions_parse(target, line, &cmd, &err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENODATA);
	FUZZ_ASSERT(rc != -EINVAL || err.len);
	if (!rc) {
		FUZZ_ASSERT((cmd.verb == INST_DEPLOY_TAG) == !!cmd.tag);
		FUZZ_ASSERT(!cmd.tag || (*cmd.tag && !strstr(cmd.tag, ",,")));
		inst_actions_cmd_release(&cmd);
	}
	inst_actions_usage(target, &usage);
	FUZZ_ASSERT(usage.len);
	buf_release(&usage);
	buf_release(&err);
	free(line);
	return 0;
}
