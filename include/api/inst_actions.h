/* The verbs of the instance's ctl files (SPEC §2, §3.3): a server's
 * (validate, delete), a key's or any other member's that the API can
 * delete (delete), and the mount's own (refresh, deploy tag TAG [force],
 * api enable, api disable, and on current Coolify mcp enable, mcp
 * disable).
 *
 * Parsing is pure. Running a verb sends at most one request that can act
 * (the GET fallback of actions_call() only follows a refusal that ran
 * nothing), logs the API's message once, and drops from the cache what
 * the verb makes stale. Thread-safe. */
#ifndef CFS_INST_ACTIONS_H
#define CFS_INST_ACTIONS_H

#include <stdbool.h>

#include "base/buf.h"
#include "api/api.h"
#include "api/objects.h"

enum inst_verb {
	INST_VALIDATE,
	INST_DELETE,
	INST_REFRESH,
	INST_DEPLOY_TAG,
	INST_API_ENABLE,
	INST_API_DISABLE,
	INST_MCP_ENABLE,  /* current Coolify only */
	INST_MCP_DISABLE, /* current Coolify only */
	INST_ACTION,      /* one of the target row's actions */
};

struct inst_cmd {
	enum inst_verb verb;
	/* INST_ACTION: the target row's action (objects.h), borrowed. */
	const struct obj_action *action;
	bool force; /* deploy tag: rebuild without the build cache */
	char *tag;  /* deploy tag: the tag (or comma-separated tags), owned */
	/* INST_ACTION with args: the JSON body they make, owned; else
	 * NULL (the action's own body, if any, is sent). */
	char *body;
};

/* A ctl's target is the object whose member it is in (servers/S/ctl:
 * obj_get(OBJ_SERVER)), or NULL for the mount's own. A member's ctl
 * takes delete when its row has OBJ_DELETE, and servers validate too,
 * and the row's actions; those that are current_only only where
 * current_api (the instance is current Coolify, NOTES §17), as the
 * mount's mcp enable and mcp disable. */

/* Whether members of target have a ctl at all (teams have none). */
bool inst_actions_has_ctl(const struct api_object *target, bool current_api);

/* Parses one line written to a ctl of target. Returns 0 (release cmd
 * with inst_actions_cmd_release), or -EINVAL with the reason in err (reset
 * first); an empty line is -ENODATA (nothing to do). */
int inst_actions_parse(const struct api_object *target, bool current_api,
		       const char *line, struct inst_cmd *cmd, struct buf *err);
void inst_actions_cmd_release(struct inst_cmd *cmd);

/* Whether cmd deletes its member: delete, or a row's action that is a
 * DELETE (delete s3). */
bool inst_actions_deletes(const struct inst_cmd *cmd);

/* The verbs target's ctl takes, one per line (`cat ctl`), an action's
 * args as upper-case words ("migrate TARGET_URL TARGET_TOKEN"); appends. */
void inst_actions_usage(const struct api_object *target, bool current_api,
			struct buf *out);

/* Runs cmd; path is the member's API path (NULL for the mount's ctl),
 * list its collection's (what a delete makes stale besides: a
 * destination is at /destinations/{uuid} but listed by its server), or
 * NULL. Returns
 * 0, or a negative errno, logged with the API's message: -EBUSY for a key
 * in use or a server that still has resources, -ENOENT for a tag that
 * matches nothing, -EACCES for a token without the ability (api and mcp
 * enable and disable need a root-team token), or SPEC §5's. */
int inst_actions_run(struct api *api, const struct api_object *target,
		     const char *path, const char *list,
		     const struct inst_cmd *cmd);

#endif
