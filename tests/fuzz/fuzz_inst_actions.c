/* A line written to a member's ctl (any row of objects.h) or the mount's
 * -> inst_actions_parse (inst_actions.h): a verb, a refusal with a
 * reason, or nothing to do. Input: a target byte (which also says which
 * API generation), then the line. */
#include <errno.h>

#include "fuzz.h"
#include "api/inst_actions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inst_cmd cmd;
	struct buf err = BUF_INIT, usage = BUF_INIT;
	const struct api_object *target;
	bool current;
	char *line;
	int rc;

	if (!size)
		return 0;
	/* OBJS: the mount's own ctl. */
	target = data[0] % (OBJS + 1) == OBJS
			 ? NULL
			 : obj_get((enum api_obj)(data[0] % (OBJS + 1)));
	current = data[0] / (OBJS + 1) % 2;
	line = fuzz_cstr(data + 1, size - 1);
	rc = inst_actions_parse(target, current, line, &cmd, &err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENODATA);
	FUZZ_ASSERT(rc != -EINVAL || err.len);
	if (!rc) {
		FUZZ_ASSERT((cmd.verb == INST_DEPLOY_TAG) == !!cmd.tag);
		FUZZ_ASSERT(!cmd.tag || (*cmd.tag && !strstr(cmd.tag, ",,")));
		/* Only an action that takes words makes a body, and only on
		 * an instance that has it. */
		FUZZ_ASSERT(!cmd.body || cmd.action->args);
		FUZZ_ASSERT(!cmd.action || !cmd.action->current_only ||
			    current);
		inst_actions_cmd_release(&cmd);
	}
	inst_actions_usage(target, current, &usage);
	FUZZ_ASSERT(!usage.len ==
		    (target && !inst_actions_has_ctl(target, current)));
	buf_release(&usage);
	buf_release(&err);
	free(line);
	return 0;
}
