#include "api/inst_actions.h"

#include <errno.h>
#include <stdint.h>
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
	/* A route of current Coolify only: absent from the 2025 API's
	 * ctl, as an action's current_only (NOTES §17). */
	bool current_only;
};

static const struct verb verbs[] = {
	{ OBJ_SERVER, 0, "validate", INST_VALIDATE, "validate", false },
	{ ON_ANY, OBJ_DELETE, "delete", INST_DELETE, "delete", false },
	{ ON_ROOT, 0, "refresh", INST_REFRESH, "refresh", false },
	{ ON_ROOT, 0, "deploy", INST_DEPLOY_TAG, "deploy tag TAG [force]",
	  false },
	{ ON_ROOT, 0, "api enable", INST_API_ENABLE, "api enable", false },
	{ ON_ROOT, 0, "api disable", INST_API_DISABLE, "api disable", false },
	/* OtherController: root-team tokens (403 otherwise). */
	{ ON_ROOT, 0, "mcp enable", INST_MCP_ENABLE, "mcp enable", true },
	{ ON_ROOT, 0, "mcp disable", INST_MCP_DISABLE, "mcp disable", true },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

/* Whether target's ctl (NULL: the mount's) takes v, on an instance that
 * is current Coolify or not. */
static bool takes(const struct api_object *target, bool current_api,
		  const struct verb *v)
{
	if (v->current_only && !current_api)
		return false;
	if (v->on == ON_ROOT)
		return !target;
	if (!target || (target->verbs & v->needs) != v->needs)
		return false;
	return v->on == ON_ANY || obj_get((enum api_obj)v->on) == target;
}

/* Whether the instance has action a's route. */
static bool offered(const struct obj_action *a, bool current_api)
{
	return !a->current_only || current_api;
}

bool inst_actions_has_ctl(const struct api_object *target, bool current_api)
{
	const struct obj_action *a;
	size_t i;

	for (a = target ? target->actions : NULL; a && a->verb; a++)
		if (offered(a, current_api))
			return true;
	for (i = 0; i < N_VERBS; i++)
		if (takes(target, current_api, &verbs[i]))
			return true;
	return false;
}

/* An action's words as `cat ctl` shows them: its args upper-cased. */
static void action_usage(const struct obj_action *a, struct buf *out)
{
	const char *const *arg;
	const char *c;

	buf_adds(out, a->verb);
	for (arg = a->args; arg && *arg; arg++) {
		buf_addch(out, ' ');
		for (c = *arg; *c; c++)
			buf_addch(out,
				  *c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
	}
}

void inst_actions_usage(const struct api_object *target, bool current_api,
			struct buf *out)
{
	const struct obj_action *a;
	size_t i;

	for (a = target ? target->actions : NULL; a && a->verb; a++) {
		if (!offered(a, current_api))
			continue;
		action_usage(a, out);
		buf_addch(out, '\n');
	}
	for (i = 0; i < N_VERBS; i++)
		if (takes(target, current_api, &verbs[i]))
			buf_addf(out, "%s\n", verbs[i].usage);
}

/* How many words s has (one blank between each, as obj_action verbs). */
static size_t count_words(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

/* The row's action the line's words name (blanks between them do not
 * matter), or NULL. An action with args is named by its first words;
 * the rest are its values, into *values (borrowed from copy, *nvalues
 * of them; SIZE_MAX when there are more than max). */
static const struct obj_action *match_action(const struct api_object *target,
					     bool current_api, char *copy,
					     char **values, size_t max,
					     size_t *nvalues)
{
	const struct obj_action *a, *found = NULL;
	char *words[16], *p = copy, *w;
	size_t n = 0, i, k = 0;
	bool more;

	*nvalues = 0;
	if (!target || !target->actions)
		return NULL;
	while (n < 16 && (w = actions_next_word(&p)))
		words[n++] = w;
	more = actions_next_word(&p) != NULL;
	for (a = target->actions; !found && a->verb; a++) {
		struct buf verb = BUF_INIT;

		k = count_words(a->verb);
		if (!offered(a, current_api) || k > n ||
		    (!a->args && (k != n || more)))
			continue;
		for (i = 0; i < k; i++)
			buf_addf(&verb, "%s%s", i ? " " : "", words[i]);
		if (!strcmp(verb.buf, a->verb))
			found = a;
		buf_release(&verb);
	}
	if (found && (more || n - k > max))
		*nvalues = SIZE_MAX; /* more than any action takes */
	else if (found)
		for (i = k; i < n; i++)
			values[(*nvalues)++] = words[i];
	return found;
}

/* The body of action a's values: {"ARG": "VALUE", ...}, a new string;
 * NULL with the reason in err when they are not one for each arg. */
static char *action_body(const struct obj_action *a, char **values, size_t n,
			 struct buf *err)
{
	struct json_object *o;
	size_t i, want = 0;
	char *body;

	while (a->args[want])
		want++;
	if (n != want) {
		buf_addf(err, "%s takes %zu word%s after it (usage: ", a->verb,
			 want, want == 1 ? "" : "s");
		action_usage(a, err);
		buf_addch(err, ')');
		return NULL;
	}
	o = json_object_new_object();
	for (i = 0; i < n; i++)
		json_object_object_add(o, a->args[i],
				       json_object_new_string(values[i]));
	body = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return body;
}

/* The verb whose words start the line, leaving *p after them. Verbs of
 * two words ("api enable") are matched word by word. */
static const struct verb *match_verb(const struct api_object *target,
				     bool current_api, char **p)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++) {
		char *copy, *q, *w;
		const char *want = verbs[i].name;
		bool ok = true;

		if (!takes(target, current_api, &verbs[i]))
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

static void verb_list(const struct api_object *target, bool current_api,
		      struct buf *out)
{
	const struct obj_action *a;
	const char *sep = "";
	size_t i;

	for (a = target ? target->actions : NULL; a && a->verb; a++) {
		if (!offered(a, current_api))
			continue;
		buf_adds(out, sep);
		action_usage(a, out);
		sep = ", ";
	}
	for (i = 0; i < N_VERBS; i++) {
		if (!takes(target, current_api, &verbs[i]))
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

int inst_actions_parse(const struct api_object *target, bool current_api,
		       const char *line, struct inst_cmd *cmd, struct buf *err)
{
	char *copy = xstrdup(line), *p = copy, *w;
	char *words = xstrdup(line), *values[8];
	const struct verb *v;
	size_t nvalues;
	int rc = -EINVAL;

	buf_reset(err);
	memset(cmd, 0, sizeof(*cmd));
	if (!line[strspn(line, ACTIONS_SPACES)]) {
		rc = -ENODATA;
		goto out;
	}
	cmd->action =
	    match_action(target, current_api, words, values, 8, &nvalues);
	if (cmd->action) {
		cmd->verb = INST_ACTION;
		if (cmd->action->args) {
			cmd->body =
			    action_body(cmd->action, values, nvalues, err);
			if (!cmd->body)
				goto out;
		}
		rc = 0;
		goto out;
	}
	v = match_verb(target, current_api, &p);
	if (!v) {
		w = actions_next_word(&p);
		buf_addf(err, "unknown verb \"%s\" (this ctl takes: ", w);
		verb_list(target, current_api, err);
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
	/* An action's values may be secrets (a token). */
	explicit_bzero(words, strlen(line));
	free(words);
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
	if (cmd->body) {
		explicit_bzero(cmd->body, strlen(cmd->body));
		free(cmd->body);
		cmd->body = NULL;
	}
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
	/* DestinationsController::delete, while resources use it. */
	{ 409, "attached resources", 0, -EBUSY, "DestinationsController",
	  NULL },
	/* A storage whose backup schedule is still there (its model's
	 * abortIfScheduledBackupsExist), and a schedule whose backup still
	 * runs (DeleteScheduledVolumeBackup's 409). */
	{ 422, "backup schedule and its archives before deleting", 0, -EBUSY,
	  "VolumeBackupsController", NULL },
	{ 409, "Wait for the", 0, -EBUSY, "VolumeBackupsController", NULL },
	/* GithubController, GitlabController: an app applications use. */
	{ 409, "being used by", 0, -EBUSY, "delete_github_app", NULL },
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

/* An action with a body: a field of the member's PATCH (a backup
 * schedule's backup_now), or a POST of the action's values (a server's
 * migrate): sent once, as every write; its message under -d. */
static int body_call(struct api *api, const char *method, const char *path,
		     const char *body)
{
	struct http_response resp;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = http_call(&api->http, method, path, body, 0, &resp);
	if (!rc) {
		http_api_message(&resp, &msg);
		log_debug("%s %s: %s", method, path, msg.buf);
	}
	buf_release(&msg);
	http_response_release(&resp);
	return rc;
}

/* Whether a 2xx answer says the action did not work: its field
 * ok_field (objects.h) is false. */
static bool answer_says_no(const struct http_response *resp,
			   const char *ok_field)
{
	struct json_object *o, *v;
	bool no = false;

	if (!ok_field)
		return false;
	o = model_json_parse(resp->body.buf);
	if (o && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, ok_field, &v) &&
	    json_object_is_type(v, json_type_boolean))
		no = !json_object_get_boolean(v);
	json_object_put(o);
	return no;
}

/* POSTs an action (GET where a 2025 instance wants it, SPEC §3.3) and
 * logs its answer's message under -d; an answer whose ok_field is false
 * (objects.h's obj_action; NULL: none) fails it with -EIO, its message
 * logged. */
static int act(struct api *api, const char *path, unsigned flags,
	       const char *ok_field)
{
	struct http_response resp;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = actions_call(api, path, flags, &resp);
	if (!rc) {
		http_api_message(&resp, &msg);
		if (answer_says_no(&resp, ok_field)) {
			log_error("POST %s: %s is false: %s", path, ok_field,
				  msg.buf);
			rc = -EIO;
		} else {
			log_debug("%s: %s", path, msg.buf);
		}
	}
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
 * list, or PATH less its last segment when the collection is there. */
static void drop_member(struct api *api, const char *path, const char *list)
{
	const char *slash = strrchr(path, '/');
	char *up = xstrndup(path, slash ? (size_t)(slash - path) : 0);

	cache_invalidate_prefix(&api->cache, path);
	cache_invalidate(&api->cache, up);
	if (list)
		cache_invalidate(&api->cache, list);
	free(up);
}

static int run_member(struct api *api, const struct api_object *target,
		      const char *path, const char *list,
		      const struct inst_cmd *cmd)
{
	const char *const *s;
	char *vpath;
	int rc;

	if (cmd->verb == INST_ACTION) {
		const struct obj_action *a = cmd->action;

		vpath = xasprintf("%s%s", path, a->suffix);
		/* An action the API has as DELETE (a schedule's "delete
		 * backup") is sent once, like every delete. */
		if (!strcmp(a->method, "DELETE"))
			rc = delete_call(api, vpath);
		else if (cmd->body || a->body)
			rc = body_call(api, a->method, vpath,
				       cmd->body ? cmd->body : a->body);
		else
			rc = act(api, vpath, 0, a->ok_field);
		/* What the mount saved there is gone with it (saved.h). */
		if (!rc && !strcmp(a->method, "DELETE"))
			saved_drop_prefix(&api->saved, vpath);
		free(vpath);
	} else if (cmd->verb == INST_VALIDATE) {
		/* NOTES §13, §17.1: GET with a side effect in 2025, POST
		 * since; the old instance answers POST with its catch-all. */
		vpath = xasprintf("%s/validate", path);
		rc = act(api, vpath, ACTIONS_GET_ONLY_2025, NULL);
		free(vpath);
	} else {
		rc = delete_call(api, path);
		if (!rc)
			saved_drop_prefix(&api->saved, path);
	}
	/* An action whose answer says it failed (validate) has run: what
	 * it changed (is_usable) is stale too. */
	if (!rc || (rc == -EIO && cmd->verb == INST_ACTION &&
		    cmd->action->ok_field))
		drop_member(api, path, list);
	/* What else the row says a change makes stale (objects.h): a
	 * GitHub app's private key goes with it. */
	for (s = target->stale; !rc && s && *s; s++)
		cache_invalidate(&api->cache, *s);
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
			rc = act(api, path.buf, 0, NULL);
		if (!rc)
			drop_resources(api);
		break;
	case INST_API_ENABLE:
	case INST_API_DISABLE:
		/* NOTES §1.6, §17.1: GET-only in 2025, POST since. */
		rc = act(api,
			 cmd->verb == INST_API_ENABLE ? "/enable" : "/disable",
			 ACTIONS_GET_ONLY_2025, NULL);
		break;
	case INST_MCP_ENABLE:
	case INST_MCP_DISABLE:
		rc = act(api,
			 cmd->verb == INST_MCP_ENABLE ? "/mcp/enable"
						      : "/mcp/disable",
			 0, NULL);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	buf_release(&path);
	return rc;
}

int inst_actions_run(struct api *api, const struct api_object *target,
		     const char *path, const char *list,
		     const struct inst_cmd *cmd)
{
	if (!target)
		return run_root(api, cmd);
	return run_member(api, target, path, list, cmd);
}
