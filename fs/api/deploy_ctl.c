#include "api/deploy_ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/actions.h"
#include "api/deployments.h"
#include "api/http.h"
#include "api/objects.h"
#include "base/log.h"
#include "base/xalloc.h"

static const struct {
	const char *name;
	enum deploy_verb verb;
	const char *path; /* after /deployments/{uuid} */
} verbs[] = {
	{ "cancel", DEPLOY_CANCEL, "/cancel" },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

void deploy_ctl_usage(struct buf *out)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++)
		buf_addf(out, "%s\n", verbs[i].name);
}

int deploy_ctl_parse(const char *line, enum deploy_verb *verb, struct buf *err)
{
	char *copy = xstrdup(line), *p = copy, *w, *more;
	size_t i;
	int rc = -EINVAL;

	buf_reset(err);
	w = actions_next_word(&p);
	if (!w) {
		rc = -ENODATA;
		goto out;
	}
	for (i = 0; i < N_VERBS; i++)
		if (!strcmp(w, verbs[i].name))
			break;
	if (i == N_VERBS) {
		buf_addf(err, "unknown verb \"%s\" (this ctl takes: cancel)",
			 w);
		goto out;
	}
	more = actions_next_word(&p);
	if (more) {
		buf_addf(err, "%s does not take \"%s\" (usage: %s)",
			 verbs[i].name, more, verbs[i].name);
		goto out;
	}
	*verb = verbs[i].verb;
	rc = 0;
out:
	free(copy);
	return rc;
}

/* HEAD:DepC cancel_deployment answers 400 "Deployment cannot be
 * cancelled. Current status: S" for any status but queued and
 * in_progress: cancelled is the state asked for, the others ended. */
static const struct http_quirk cancel_quirks[] = {
	{ 400, "Current status: cancelled-by-user", 0, -EALREADY, "§17.8",
	  NULL },
	{ 0 },
};

int deploy_ctl_run(struct api *api, const char *dep_uuid, enum deploy_verb verb)
{
	struct http_response resp;
	char *path;
	size_t i;
	int rc;

	for (i = 0; i < N_VERBS && verbs[i].verb != verb; i++)
		;
	if (i == N_VERBS)
		return -EINVAL;
	path = xasprintf("%s/%s%s", obj_get(OBJ_DEPLOYMENT)->path, dep_uuid,
			 verbs[i].path);
	http_response_init(&resp);
	rc = http_call_quirks(&api->http, "POST", path, NULL, 0, cancel_quirks,
			      &resp);
	/* Refused or not, what the mount shows of it may be behind. */
	deploy_store_invalidate(api);
	if (!rc)
		log_debug("POST %s: %s", path, resp.body.buf);
	http_response_release(&resp);
	free(path);
	return rc;
}
