/* The ctl of a deployment (SPEC §6: deployments/D/ctl, current Coolify
 * only): `echo cancel > ctl` cancels a queued or running deployment,
 * POST /deployments/{uuid}/cancel (NOTES §17.8).
 *
 * Parsing is pure. Running sends one POST, never again after a 5xx,
 * logs the API's message once, and drops every cached deployment answer
 * so that the status reads cancelled-by-user at once. Thread-safe. */
#ifndef CFS_DEPLOY_CTL_H
#define CFS_DEPLOY_CTL_H

#include "api/api.h"
#include "base/buf.h"

enum deploy_verb {
	DEPLOY_CANCEL,
};

/* The verbs, one a line (`cat ctl`); appends to out. */
void deploy_ctl_usage(struct buf *out);

/* Parses one line written to a deployment's ctl: 0 with *verb, -EINVAL
 * with the reason in err (reset first), or -ENODATA for a blank line. */
int deploy_ctl_parse(const char *line, enum deploy_verb *verb, struct buf *err);

/* Runs verb on deployment dep_uuid. Returns 0, or a negative errno,
 * logged with the API's message: -EALREADY when it is already cancelled,
 * -EINVAL when it has ended otherwise (finished, failed: the API's 400),
 * -EACCES for a token without the deploy ability or a deployment of
 * another team, -ENOENT when there is no such deployment, or SPEC §5's. */
int deploy_ctl_run(struct api *api, const char *dep_uuid,
		   enum deploy_verb verb);

#endif
