/* The verbs of the instance's ctl files (SPEC §2, §3.3): a server's
 * (validate, delete), a key's (delete) and the mount's own (refresh,
 * deploy tag TAG [force], api enable, api disable).
 *
 * Parsing is pure. Running a verb sends at most one request that can act
 * (the GET fallback of actions_call() only follows a refusal that ran
 * nothing), logs the API's message once, and drops from the cache what
 * the verb makes stale. Thread-safe. */
#ifndef CFS_INST_ACTIONS_H
#define CFS_INST_ACTIONS_H

#include <stdbool.h>

#include "buf.h"
#include "cfs.h"

enum inst_target {
	INST_SERVER, /* servers/SERVER/ctl */
	INST_KEY,    /* keys/KEY/ctl */
	INST_ROOT,   /* MOUNT/ctl */
};

enum inst_verb {
	INST_VALIDATE,
	INST_DELETE,
	INST_REFRESH,
	INST_DEPLOY_TAG,
	INST_API_ENABLE,
	INST_API_DISABLE,
};

struct inst_cmd {
	enum inst_verb verb;
	bool force; /* deploy tag: rebuild without the build cache */
	char *tag;  /* deploy tag: the tag (or comma-separated tags), owned */
};

/* Parses one line written to a ctl of target. Returns 0 (release cmd
 * with inst_actions_cmd_release), or -EINVAL with the reason in err (reset
 * first); an empty line is -ENODATA (nothing to do). */
int inst_actions_parse(enum inst_target target, const char *line,
		       struct inst_cmd *cmd, struct buf *err);
void inst_actions_cmd_release(struct inst_cmd *cmd);

/* The verbs target's ctl takes, one per line (`cat ctl`); appends. */
void inst_actions_usage(enum inst_target target, struct buf *out);

/* Runs cmd; uuid is the server's or key's (NULL for INST_ROOT). Returns
 * 0, or a negative errno, logged with the API's message: -EBUSY for a key
 * in use or a server that still has resources, -ENOENT for a tag that
 * matches nothing, -EACCES for a token without the ability (api enable
 * and disable need a root-team token), or SPEC §5's. */
int inst_actions_run(struct cfs *fs, enum inst_target target, const char *uuid,
		     const struct inst_cmd *cmd);

#endif
