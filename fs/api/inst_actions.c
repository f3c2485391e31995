#include "api/inst_actions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/actions.h"
#include "api/deployments.h"
#include "api/http.h"
#include "api/objects.h"
#include "base/log.h"
#include "api/store.h"
#include "base/xalloc.h"

/* Which ctl takes a verb: the mount's, any member's whose row has the
 * verbs in needs, or only the members of one object (enum api_obj). */
#define ON_ROOT (-1)
#define ON_ANY  (-2)

struct verb {
	int on;         /* ON_ROOT, ON_ANY or an enum api_obj */
	unsigned needs; /* OBJ_DELETE...: what the row must have */
	const char *name; /* its words, as written */
	enum inst_verb verb;
	const char *usage; /* its line in `cat ctl` */
};

static const struct verb verbs[] = {
	{ OBJ_SERVER, 0, "validate", INST_VALIDATE, "validate" },
	{ ON_ANY, OBJ_DELETE, "delete", INST_DELETE, "delete" },
	{ ON_ROOT, 0, "refresh", INST_REFRESH, "refresh" },
	{ ON_ROOT, 0, "deploy", INST_DEPLOY_TAG, "deploy tag TAG [force]" },
	{ ON_ROOT, 0, "api enable", INST_API_ENABLE, "api enable" },
	{ ON_ROOT, 0, "api disable", INST_API_DISABLE, "api disable" },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

/* Whether target's ctl (NULL: the mount's) takes v. */
static bool takes(const struct api_object *target, const struct verb *v)
{
	if (v->on == ON_ROOT)
		return !target;
	if (!target || (target->verbs & v->needs) != v->needs)
		return false;
	return v->on == ON_ANY || obj_get((enum api_obj)v->on) == target;
}

bool inst_actions_has_ctl(const struct api_object *target)
{
	size_t i;

	if (target && target->actions && target->actions->verb)
		return true;
	for (i = 0; i < N_VERBS; i++)
		if (takes(target, &verbs[i]))
			return true;
	return false;
}

void inst_actions_usage(const struct api_object *target, struct buf *out)
{
	const struct obj_action *a;
	size_t i;

	for (a = target ? target->actions : NULL; a && a->verb; a++)
		buf_addf(out, "%s\n", a->verb);
	for (i = 0; i < N_VERBS; i++)
		if (takes(target, &verbs[i]))
			buf_addf(out, "%s\n", verbs[i].usage);
}

/* The row's action the line's words name (blanks between them do not
 * matter), or NULL. */
static const struct obj_action *match_action(const struct api_object *target,
					     const char *line)
{
	const struct obj_action *a = NULL;
	struct buf words = BUF_INIT;
	char *copy, *p, *w;

	if (!target || !target->actions)
		return NULL;
	copy = xstrdup(line);
	p = copy;
	while ((w = actions_next_word(&p)))
		buf_addf(&words, "%s%s", words.len ? " " : "", w);
	if (words.len)
		a = obj_action_find(target, words.buf);
	buf_release(&words);
	free(copy);
	return a;
}

/* The verb whose words start the line, leaving *p after them. Verbs of
 * two words ("api enable") are matched word by word. */
static const struct verb *match_verb(const struct api_object *target,
				     char **p)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++) {
		char *copy, *q, *w;
		const char *want = verbs[i].name;
		bool ok = true;

		if (!takes(target, &verbs[i]))
			continue;
		copy = xstrdup(*p);
		q = copy;
		while (ok && *want) {
			size_t len = strcspn(want, " ");

			w = actions_next_word(&q);
			ok = w && strlen(w) == len && !strncmp(w, want, len);
			want += len + strspn(want + len, " ");
		}
		if (ok)
			*p += q - copy;
		free(copy);
		if (ok)
			return &verbs[i];
	}
	return NULL;
}

static void verb_list(const struct api_object *target, struct buf *out)
{
	const struct obj_action *a;
	const char *sep = "";
	size_t i;

	for (a = target ? target->actions : NULL; a && a->verb; a++) {
		buf_addf(out, "%s%s", sep, a->verb);
		sep = ", ";
	}
	for (i = 0; i < N_VERBS; i++) {
		if (!takes(target, &verbs[i]))
			continue;
		buf_addf(out, "%s%s", sep, verbs[i].usage);
		sep = ", ";
	}
}

/* A tag list as /deploy takes it (NOTES §11.4): names separated by
 * commas, none empty. Tags are the user's words; they are escaped when
 * the query is built. */
static bool good_tags(const char *s)
{
	const char *p = s;

	if (!*s)
		return false;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len)
			return false;
		p += len;
		if (!*p)
			return true;
		p++;
	}
}

int inst_actions_parse(const struct api_object *target, const char *line,
		       struct inst_cmd *cmd, struct buf *err)
{
	char *copy = xstrdup(line), *p = copy, *w;
	const struct verb *v;
	int rc = -EINVAL;

	buf_reset(err);
	memset(cmd, 0, sizeof(*cmd));
	if (!line[strspn(line, ACTIONS_SPACES)]) {
		rc = -ENODATA;
		goto out;
	}
	cmd->action = match_action(target, line);
	if (cmd->action) {
		cmd->verb = INST_ACTION;
		rc = 0;
		goto out;
	}
	v = match_verb(target, &p);
	if (!v) {
		w = actions_next_word(&p);
		buf_addf(err, "unknown verb \"%s\" (this ctl takes: ", w);
		verb_list(target, err);
		buf_addch(err, ')');
		goto out;
	}
	cmd->verb = v->verb;
	if (v->verb == INST_DEPLOY_TAG) {
		w = actions_next_word(&p);
		if (!w || strcmp(w, "tag")) {
			buf_addf(err, "deploy takes \"tag TAG\" (usage: %s)",
				 v->usage);
			goto out;
		}
		w = actions_next_word(&p);
		if (!w || !good_tags(w)) {
			buf_addf(err,
				 "deploy tag: a tag name is missing "
				 "(usage: %s)",
				 v->usage);
			goto out;
		}
		cmd->tag = xstrdup(w);
		w = actions_next_word(&p);
		if (w && !strcmp(w, "force")) {
			cmd->force = true;
			w = actions_next_word(&p);
		}
	} else {
		w = actions_next_word(&p);
	}
	if (w) {
		buf_addf(err, "%s does not take \"%s\" (usage: %s)", v->name, w,
			 v->usage);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		inst_actions_cmd_release(cmd);
	free(copy);
	return rc;
}

bool inst_actions_deletes(const struct inst_cmd *cmd)
{
	return cmd->verb == INST_DELETE ||
	       (cmd->verb == INST_ACTION &&
		!strcmp(cmd->action->method, "DELETE"));
}

void inst_actions_cmd_release(struct inst_cmd *cmd)
{
	free(cmd->tag);
	cmd->tag = NULL;
}

/* ---- running ---- */

/* A 400 or 422 that says the object is still used is EBUSY: NOTES §13
 * (and Coolify's own tests) give 422 "Private Key is in use" and 400
 * "Server has resources". */
static const struct http_quirk delete_quirks[] = {
	{ 400, "in use", 0, -EBUSY, "§13", NULL },
	{ 400, "has resources", 0, -EBUSY, "§13", NULL },
	{ 422, "in use", 0, -EBUSY, "§13", NULL },
	{ 422, "has resources", 0, -EBUSY, "§13", NULL },
	/* Not in NOTES: CloudProviderTokensController::destroy's 400. */
	{ 400, "used by servers", 0, -EBUSY, "(cloud tokens)", NULL },
	{ 0 },
};

/* DELETE path, sent once (a 5xx may mean it ran). */
static int delete_call(struct api *api, const char *path)
{
	struct http_response resp;
	int rc;

	http_response_init(&resp);
	rc = http_call_quirks(&api->http, "DELETE", path, NULL, 0,
			      delete_quirks, &resp);
	http_response_release(&resp);
	return rc;
}

/* An action that is a field of the member's PATCH (a backup schedule's
 * backup_now): sent once, as every write; its message under -d. */
static int patch_call(struct api *api, const char *path, const char *body)
{
	struct http_response resp;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = http_call(&api->http, "PATCH", path, body, 0, &resp);
	if (!rc) {
		http_api_message(&resp, &msg);
		log_debug("PATCH %s: %s", path, msg.buf);
	}
	buf_release(&msg);
	http_response_release(&resp);
	return rc;
}

/* POSTs an action (GET where a 2025 instance wants it, SPEC §3.3) and
 * logs its answer's message under -d. */
static int act(struct api *api, const char *path, unsigned flags)
{
	struct http_response resp;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = actions_call(api, path, flags, &resp);
	if (!rc) {
		http_api_message(&resp, &msg);
		log_debug("%s: %s", path, msg.buf);
	}
	buf_release(&msg);
	http_response_release(&resp);
	return rc;
}

/* An action whose answer says whether it worked (objects.h's ok_field:
 * a cloud token's validate answers 200 {"valid":false,"message":...}):
 * false is the action's failure, EINVAL, with the answer's message. */
static int act_checked(struct api *api, const char *path, const char *field)
{
	struct http_response resp;
	struct json_object *o, *v;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = actions_call(api, path, 0, &resp);
	if (rc)
		goto out;
	http_api_message(&resp, &msg);
	o = model_json_parse(resp.body.buf);
	if (!o || !json_object_object_get_ex(o, field, &v) ||
	    !json_object_is_type(v, json_type_boolean)) {
		log_error("POST %s: the answer has no \"%s\": %s", path, field,
			  msg.buf);
		rc = -EIO;
	} else if (!json_object_get_boolean(v)) {
		log_error("POST %s: %s", path, msg.buf);
		rc = -EINVAL;
	} else {
		log_info("POST %s: %s", path, msg.buf);
	}
	json_object_put(o);
out:
	buf_release(&msg);
	http_response_release(&resp);
	return rc;
}

static void drop_resources(struct api *api)
{
	enum res_kind k;

	for (k = 0; k < RES_KINDS; k++)
		cache_invalidate(&api->cache, obj_get(obj_of_kind(k))->path);
	cache_invalidate(&api->cache, OBJ_ALL_RESOURCES);
	cache_invalidate(&api->cache, OBJ_DB_MEMBERS);
	deploy_store_invalidate(api);
}

/* Validation changes is_reachable/is_usable, an action what is under
 * the member (a task's run its executions), a delete the list itself:
 * PATH less its last segment. */
static void drop_member(struct api *api, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *list = xstrndup(path, slash ? (size_t)(slash - path) : 0);

	cache_invalidate_prefix(&api->cache, path);
	cache_invalidate(&api->cache, list);
	free(list);
}

static int run_member(struct api *api, const char *path,
		      const struct inst_cmd *cmd)
{
	char *vpath;
	int rc;

	if (cmd->verb == INST_ACTION) {
		const struct obj_action *a = cmd->action;

		vpath = xasprintf("%s%s", path, a->suffix);
		/* An action the API has as DELETE (a schedule's "delete
		 * backup") is sent once, like every delete. */
		if (!strcmp(a->method, "DELETE"))
			rc = delete_call(api, vpath);
		else if (!strcmp(a->method, "PATCH"))
			rc = patch_call(api, vpath, a->body);
		else if (a->ok_field)
			rc = act_checked(api, vpath, a->ok_field);
		else
			rc = act(api, vpath, 0);
		free(vpath);
	} else if (cmd->verb == INST_VALIDATE) {
		/* NOTES §13, §17.1: GET with a side effect in 2025, POST
		 * since; the old instance answers POST with its catch-all. */
		vpath = xasprintf("%s/validate", path);
		rc = act(api, vpath, ACTIONS_GET_ONLY_2025);
		free(vpath);
	} else {
		rc = delete_call(api, path);
	}
	if (!rc)
		drop_member(api, path);
	return rc;
}

static int run_root(struct api *api, const struct inst_cmd *cmd)
{
	static const char *const deploy_segs[] = { "deploy", NULL };
	const struct http_param deploy_query[] = {
		{ "tag", cmd->tag },
		{ "force", cmd->force ? "1" : NULL },
		{ NULL, NULL },
	};
	struct buf path = BUF_INIT;
	int rc = 0;

	switch (cmd->verb) {
	case INST_REFRESH:
		cache_clear(&api->cache);
		log_info("refresh: cached data dropped");
		break;
	case INST_DEPLOY_TAG:
		/* NOTES §8, §11.4: "force=false" means force at the seed
		 * commit: send 1 or nothing. */
		rc = http_path(&path, deploy_segs, deploy_query);
		if (!rc)
			rc = act(api, path.buf, 0);
		if (!rc)
			drop_resources(api);
		break;
	case INST_API_ENABLE:
	case INST_API_DISABLE:
		/* NOTES §1.6, §17.1: GET-only in 2025, POST since. */
		rc = act(api,
			 cmd->verb == INST_API_ENABLE ? "/enable" : "/disable",
			 ACTIONS_GET_ONLY_2025);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	buf_release(&path);
	return rc;
}

int inst_actions_run(struct api *api, const struct api_object *target,
		     const char *path, const struct inst_cmd *cmd)
{
	if (!target)
		return run_root(api, cmd);
	return run_member(api, path, cmd);
}
