/* Actions: the verbs written to a resource's ctl file (SPEC §3.3),
 * parsed, sent to the instance, and waited for.
 *
 * Parsing is pure. Running a verb sends one request (POST, or GET where
 * an older instance wants it; never twice after a 5xx: an action must not
 * run twice), maps the answer to errno, logs the API's message once,
 * and drops what the action makes stale from the cache. Thread-safe. */
#ifndef CFS_ACTIONS_H
#define CFS_ACTIONS_H

#include <stdbool.h>

#include "base/buf.h"
#include "api/api.h"
#include "api/http.h"
#include "model/model.h"

enum actions_verb {
	ACTIONS_START,
	ACTIONS_STOP,
	ACTIONS_RESTART,
	ACTIONS_DEPLOY,
	ACTIONS_DELETE,
	/* Current Coolify only (NOTES §17.11): */
	ACTIONS_ROLLBACK,       /* rollback TAG: redeploy an earlier image */
	ACTIONS_DELETE_PREVIEW, /* delete preview PR */
};

/* The longest tag `rollback` takes: docker's limit for a tag. */
#define ACTIONS_TAG_MAX 128

/* What `delete` takes away besides the resource: the API's delete
 * options, each sent as 1 or 0 (NOTES §4.3). */
enum actions_delete_opt {
	ACTIONS_DEL_VOLUMES = 1 << 0,
	ACTIONS_DEL_CONFIGURATIONS = 1 << 1,
	ACTIONS_DEL_DOCKER_CLEANUP = 1 << 2,
	ACTIONS_DEL_CONNECTED_NETWORKS = 1 << 3,
};

struct actions_cmd {
	enum actions_verb verb;
	bool force;  /* deploy force: rebuild without the build cache */
	bool wait;   /* return when the deployment has ended */
	bool latest; /* services' restart latest: pull images first */
	/* deploy pr N: the pull request to deploy (0 for none); delete
	 * preview PR: the one whose preview goes */
	long pr;
	unsigned del;                  /* delete: enum actions_delete_opt */
	char tag[ACTIONS_TAG_MAX + 1]; /* rollback: the image tag */
};

/* Parses one line written to the ctl of a resource of kind ("deploy
 * force wait") on an instance that is current Coolify (current_api) or
 * the 2025 API, whose ctl lacks the verbs of routes it does not have.
 * Returns 0, or -EINVAL with the reason in err (reset first). An empty
 * line is -ENODATA (nothing to do). */
int actions_parse(enum res_kind kind, bool current_api, const char *line,
		  struct actions_cmd *cmd, struct buf *err);

/* The verbs a kind's ctl takes on such an instance, one per line: what
 * `cat ctl` shows. Appends to out. */
void actions_usage(enum res_kind kind, bool current_api, struct buf *out);

enum actions_flags {
	/* The route was GET-only in 2025 (server validate, API enable and
	 * disable): such an instance answers POST with its catch-all 404
	 * {"message":"Not found."}, which then means "use GET". */
	ACTIONS_GET_ONLY_2025 = 1 << 0,
};

/* Sends the action at path (with its query): POST, then the same call
 * with GET when the instance answers 405 (or, with ACTIONS_GET_ONLY_2025,
 * its catch-all 404). Returns 0 on 2xx with the answer in resp, else a
 * negative errno, logged with the API's message: -EALREADY when the API
 * says the resource already is in that state (400 "already ..."),
 * -EOPNOTSUPP when no method is allowed (never ENOSYS, which the kernel
 * could take as the whole operation missing), or SPEC §5's. */
int actions_call(struct api *api, const char *path, unsigned flags,
		 struct http_response *resp);

/* Whether the request being served was interrupted (the user's Ctrl-C). */
typedef bool (*actions_interrupted_fn)(void);

/* The query of a delete with options del: every option, as 1 or 0
 * (caller frees). */
char *actions_delete_query(unsigned del);

/* Runs cmd on the resource uuid of kind. With cmd->wait, returns only
 * when the deployment it started has ended: 0 when finished, -EIO when
 * failed, -ECANCELED when cancelled, -EINTR as soon as interrupted() says
 * so (the deployment goes on). A rollback the instance's full deployment
 * queue refuses is -EBUSY. */
int actions_run(struct api *api, enum res_kind kind, const char *uuid,
		const struct actions_cmd *cmd,
		actions_interrupted_fn interrupted);

/* The blanks between a ctl line's words, and the next word of *p
 * (NUL-terminated in place, *p moved past it), or NULL: shared by every
 * ctl parser so that they split lines alike. */
#define ACTIONS_SPACES " \t\r\n"
char *actions_next_word(char **p);

#endif
