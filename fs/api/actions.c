#include "api/actions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "api/crud.h"
#include "api/deployments.h"
#include "base/log.h"
#include "api/objects.h"
#include "api/store.h"
#include "base/xalloc.h"

/* ---- the verbs ---- */

enum {
	OPT_WAIT = 1 << 0,
	OPT_FORCE = 1 << 1,
	OPT_PR = 1 << 2,
	OPT_LATEST = 1 << 3,
	OPT_DELETE = 1 << 4, /* the words of delete_words */
	OPT_TAG = 1 << 5,    /* a word, required, first: the image tag */
	OPT_PR_ARG = 1 << 6, /* a pull request number, required, first */
};

/* delete's words and the API's query flags they turn on (NOTES §4.3). */
static const struct {
	const char *word, *flag;
	unsigned opt;
} delete_words[] = {
	{ "volumes", "delete_volumes", ACTIONS_DEL_VOLUMES },
	{ "configurations", "delete_configurations",
	  ACTIONS_DEL_CONFIGURATIONS },
	{ "docker_cleanup", "docker_cleanup", ACTIONS_DEL_DOCKER_CLEANUP },
	{ "connected_networks", "delete_connected_networks",
	  ACTIONS_DEL_CONNECTED_NETWORKS },
};

#define N_DELETE_WORDS (sizeof(delete_words) / sizeof(delete_words[0]))
#define DELETE_USAGE                                                      \
	"delete [volumes] [configurations] [docker_cleanup] "             \
	"[connected_networks]"

struct verb {
	enum res_kind kind;
	const char *name; /* its words ("delete preview") */
	enum actions_verb verb;
	unsigned opts;     /* the words it takes after its name */
	const char *usage; /* its line in `cat ctl` */
	/* NOTES §17: only current Coolify has the route; on the 2025 API
	 * the verb is unknown, and `cat ctl` does not list it. */
	bool current_only;
};

/* NOTES §8, §11.4. Only an application's verbs start a deployment, so
 * only they can be waited for. */
static const struct verb verbs[] = {
	{ RES_APP, "start", ACTIONS_START, OPT_WAIT, "start [wait]", false },
	{ RES_APP, "stop", ACTIONS_STOP, 0, "stop", false },
	{ RES_APP, "restart", ACTIONS_RESTART, OPT_WAIT, "restart [wait]", false },
	{ RES_APP, "deploy", ACTIONS_DEPLOY, OPT_FORCE | OPT_PR | OPT_WAIT,
	  "deploy [force] [pr N] [wait]", false },
	{ RES_DB, "start", ACTIONS_START, 0, "start", false },
	{ RES_DB, "stop", ACTIONS_STOP, 0, "stop", false },
	{ RES_DB, "restart", ACTIONS_RESTART, 0, "restart", false },
	{ RES_SVC, "start", ACTIONS_START, 0, "start", false },
	{ RES_SVC, "stop", ACTIONS_STOP, 0, "stop", false },
	{ RES_SVC, "restart", ACTIONS_RESTART, OPT_LATEST, "restart [latest]", false },
	/* SPEC §3.4: deleting is deliberate, a verb and never rm -r. */
	{ RES_APP, "delete", ACTIONS_DELETE, OPT_DELETE, DELETE_USAGE, false },
	{ RES_DB, "delete", ACTIONS_DELETE, OPT_DELETE, DELETE_USAGE, false },
	{ RES_SVC, "delete", ACTIONS_DELETE, OPT_DELETE, DELETE_USAGE, false },
	/* SPEC §6: a rollback redeploys an image of `images`, and is a
	 * deployment like any other (it can be waited for). */
	{ RES_APP, "rollback", ACTIONS_ROLLBACK, OPT_TAG | OPT_WAIT,
	  "rollback TAG [wait]", true },
	{ RES_APP, "delete preview", ACTIONS_DELETE_PREVIEW, OPT_PR_ARG,
	  "delete preview PR", true },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static const char *const verb_paths[] = {
	[ACTIONS_START] = "start",
	[ACTIONS_STOP] = "stop",
	[ACTIONS_RESTART] = "restart",
	[ACTIONS_ROLLBACK] = "rollback",
	[ACTIONS_DELETE_PREVIEW] = "previews",
};

/* Whether a ctl of kind on this instance takes v. */
static bool takes(enum res_kind kind, bool current_api, const struct verb *v)
{
	return v->kind == kind && (current_api || !v->current_only);
}

void actions_usage(enum res_kind kind, bool current_api, struct buf *out)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++)
		if (takes(kind, current_api, &verbs[i]))
			buf_addf(out, "%s\n", verbs[i].usage);
}

static void verb_names(enum res_kind kind, bool current_api, struct buf *out)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < N_VERBS; i++) {
		if (!takes(kind, current_api, &verbs[i]))
			continue;
		buf_addf(out, "%s%s", sep, verbs[i].usage);
		sep = ", ";
	}
}

char *actions_next_word(char **p)
{
	char *w = *p + strspn(*p, ACTIONS_SPACES), *end;

	if (!*w)
		return NULL;
	end = w + strcspn(w, ACTIONS_SPACES);
	*p = *end ? end + 1 : end;
	*end = '\0';
	return w;
}

static bool parse_pr(const char *s, long *pr)
{
	char *end;
	long v;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v <= 0)
		return false;
	*pr = v;
	return true;
}

/* How many words of line (from *p) the name of v matches: all of its
 * words, or 0. */
static size_t name_words(const struct verb *v, const char *p)
{
	char *copy = xstrdup(p), *q = copy, *w;
	const char *want = v->name;
	size_t n = 0;

	while (*want) {
		size_t len = strcspn(want, " ");

		w = actions_next_word(&q);
		if (!w || strlen(w) != len || strncmp(w, want, len)) {
			n = 0;
			break;
		}
		n++;
		want += len + strspn(want + len, " ");
	}
	free(copy);
	return n;
}

/* The verb whose name is the most words of the line's start: "delete
 * preview 42" is delete preview, "delete volumes" delete. */
static const struct verb *match_verb(enum res_kind kind, bool current_api,
				     const char *p, size_t *words)
{
	const struct verb *v = NULL;
	size_t i, n;

	*words = 0;
	for (i = 0; i < N_VERBS; i++) {
		if (!takes(kind, current_api, &verbs[i]))
			continue;
		n = name_words(&verbs[i], p);
		if (n > *words) {
			*words = n;
			v = &verbs[i];
		}
	}
	return v;
}

/* The required first word of a verb's options: the image tag of
 * rollback, the pull request of delete preview. */
static int parse_first(const struct verb *v, char **p, struct actions_cmd *cmd,
		       struct buf *err)
{
	char *w;

	if (!(v->opts & (OPT_TAG | OPT_PR_ARG)))
		return 0;
	w = actions_next_word(p);
	if (v->opts & OPT_PR_ARG) {
		if (parse_pr(w, &cmd->pr))
			return 0;
		buf_addf(err, "%s takes a pull request number (usage: %s)",
			 v->name, v->usage);
		return -EINVAL;
	}
	if (!w) {
		buf_addf(err,
			 "%s takes an image tag (usage: %s; `cat images` "
			 "lists them)",
			 v->name, v->usage);
		return -EINVAL;
	}
	/* Docker's longest tag; the API checks the rest (validateGitRef). */
	if (strlen(w) > ACTIONS_TAG_MAX) {
		buf_addf(err, "%s: a tag has at most %d characters", v->name,
			 ACTIONS_TAG_MAX);
		return -EINVAL;
	}
	strcpy(cmd->tag, w);
	return 0;
}

int actions_parse(enum res_kind kind, bool current_api, const char *line,
		  struct actions_cmd *cmd, struct buf *err)
{
	char *copy = xstrdup(line), *p = copy, *w;
	const struct verb *v;
	size_t i, words;
	int rc = -EINVAL;

	buf_reset(err);
	memset(cmd, 0, sizeof(*cmd));
	if (!line[strspn(line, ACTIONS_SPACES)]) {
		rc = -ENODATA;
		goto out;
	}
	v = match_verb(kind, current_api, p, &words);
	if (!v) {
		w = actions_next_word(&p);
		buf_addf(err, "unknown verb \"%s\" (this ctl takes: ", w);
		verb_names(kind, current_api, err);
		buf_addch(err, ')');
		goto out;
	}
	for (i = 0; i < words; i++)
		actions_next_word(&p);
	cmd->verb = v->verb;
	if (parse_first(v, &p, cmd, err))
		goto out;
	while ((w = actions_next_word(&p))) {
		unsigned del = 0;

		for (i = 0; i < N_DELETE_WORDS && v->opts & OPT_DELETE; i++)
			if (!strcmp(w, delete_words[i].word))
				del = delete_words[i].opt;
		if (del) {
			cmd->del |= del;
		} else if (!strcmp(w, "wait") && v->opts & OPT_WAIT) {
			cmd->wait = true;
		} else if (!strcmp(w, "force") && v->opts & OPT_FORCE) {
			cmd->force = true;
		} else if (!strcmp(w, "latest") && v->opts & OPT_LATEST) {
			cmd->latest = true;
		} else if (!strcmp(w, "pr") && v->opts & OPT_PR) {
			w = actions_next_word(&p);
			if (!parse_pr(w, &cmd->pr)) {
				buf_addf(err,
					 "%s: pr takes a pull request "
					 "number",
					 v->name);
				goto out;
			}
		} else {
			buf_addf(err, "%s does not take \"%s\" (usage: %s)",
				 v->name, w, v->usage);
			goto out;
		}
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* ---- sending ---- */

/* SPEC §3.3: current Coolify takes POST only; an older instance may
 * want GET. Either refusal means nothing ran, so asking again cannot run
 * the action twice. */
static const struct http_quirk action_quirks[] = {
	{ 405, NULL, HTTP_QUIRK_GET, 0, "§17.1", NULL },
	/* "Database is already running." and the like. */
	{ 400, "already", 0, -EALREADY, "§8", NULL },
	{ 0 },
};

/* A route that was GET-only in 2025 answers POST with its catch-all. */
static const struct http_quirk action_quirks_2025[] = {
	{ 405, NULL, HTTP_QUIRK_GET, 0, "§17.1", NULL },
	{ 404, "Not found.", HTTP_QUIRK_EXACT | HTTP_QUIRK_GET, 0,
	  "§1.1, §17.1", NULL },
	{ 400, "already", 0, -EALREADY, "§8", NULL },
	{ 0 },
};

int actions_call(struct api *api, const char *path, unsigned flags,
		 struct http_response *resp)
{
	return http_call_quirks(
	    &api->http, "POST", path, NULL, 0,
	    flags & ACTIONS_GET_ONLY_2025 ? action_quirks_2025 : action_quirks,
	    resp);
}

/* The deployment an answer announces, or NULL; its message into msg. An
 * application's action answers {message, deployment_uuid}, /deploy
 * {deployments: [{message, resource_uuid, deployment_uuid}]}. */
static char *answer_deployment(const struct http_response *resp,
			       const char *uuid, struct buf *msg)
{
	struct json_object *root, *list, *item = NULL, *v;
	char *dep = NULL;
	size_t i;

	root = json_tokener_parse(resp->body.buf);
	if (!root || !json_object_is_type(root, json_type_object))
		goto out;
	item = root;
	if (json_object_object_get_ex(root, "deployments", &list) &&
	    json_object_is_type(list, json_type_array)) {
		item = NULL;
		for (i = 0; i < json_object_array_length(list); i++) {
			struct json_object *o =
			    json_object_array_get_idx(list, i);

			if (json_object_object_get_ex(o, "resource_uuid", &v) &&
			    !strcmp(json_object_get_string(v), uuid))
				item = o;
		}
	}
	if (!item || !json_object_is_type(item, json_type_object))
		goto out;
	if (json_object_object_get_ex(item, "message", &v) &&
	    json_object_is_type(v, json_type_string))
		buf_adds(msg, json_object_get_string(v));
	if (json_object_object_get_ex(item, "deployment_uuid", &v) &&
	    json_object_is_type(v, json_type_string))
		dep = xstrdup(json_object_get_string(v));
out:
	json_object_put(root);
	return dep;
}

/* Drops what an action on the resource makes stale: its status (in its
 * kind's list and /resources), its object, and every deployment list. */
static void invalidate(struct api *api, enum res_kind kind, const char *uuid)
{
	const struct api_object *o = obj_get(obj_of_kind(kind));
	char *key = obj_member_path(o, NULL, uuid);

	cache_invalidate(&api->cache, o->path);
	cache_invalidate(&api->cache, key);
	free(key);
	cache_invalidate(&api->cache, OBJ_ALL_RESOURCES);
	cache_invalidate(&api->cache, OBJ_DB_MEMBERS);
	deploy_store_invalidate(api);
}

/* ---- waiting ---- */

#define WAIT_FIRST_MS 1000 /* a build takes seconds at the very least */
#define WAIT_MAX_MS   5000 /* and may take an hour */
#define WAIT_SLICE_MS 100  /* how soon an interrupt is noticed */

static int nap(long ms, actions_interrupted_fn interrupted)
{
	while (ms > 0) {
		long step = ms < WAIT_SLICE_MS ? ms : WAIT_SLICE_MS;
		struct timespec ts = { 0, step * 1000000L };

		if (interrupted && interrupted())
			return -EINTR;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return interrupted && interrupted() ? -EINTR : 0;
}

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* NOTES §11.4: a deployment that is not (or no longer) there is the
 * waiter's to judge. */
static const struct http_quirk deployment_quirks[] = {
	{ 404, NULL, HTTP_QUIRK_QUIET, 0, "§11.4", NULL },
	{ 0 },
};

/* GET path (a deployment or a page of them), uncached: a wait must see
 * the status change. Returns 0 with the parsed list, or -errno; the
 * answer's status is in *status. Logs each failure but a 404, which
 * the wait judges. */
static int get_deployments(struct api *api, const char *path, long *status,
			   struct deploy_list **out)
{
	struct http_response resp;
	int rc;

	http_response_init(&resp);
	rc = http_call_quirks(&api->http, "GET", path, NULL, 0,
			      deployment_quirks, &resp);
	*status = resp.status;
	if (!rc && deploy_list_parse(resp.body.buf, out)) {
		struct buf msg = BUF_INIT;

		rc = -EIO;
		http_describe(&resp, rc, &msg);
		log_error("GET %s: %s", path, msg.buf);
		buf_release(&msg);
	}
	http_response_release(&resp);
	return rc;
}

static bool transient(int rc)
{
	return rc == -EIO || rc == -ETIMEDOUT || rc == -ECONNREFUSED ||
	       rc == -EHOSTUNREACH || rc == -EAGAIN;
}

/* Blocks until the deployment dep_uuid of app_uuid has ended. dep_uuid
 * may be NULL: the action was skipped because one was already queued,
 * which is then the one to wait for. */
static int wait_deployment(struct api *api, const char *app_uuid,
			   const char *dep_uuid,
			   actions_interrupted_fn interrupted)
{
	char *uuid = xstrdup(dep_uuid), *path = NULL;
	long interval = WAIT_FIRST_MS, failing_since = 0, status;
	bool looked_up = false, at_once = false;
	int rc;

	for (;;) {
		struct deploy_list *l = NULL;
		const char *state;

		rc = nap(at_once ? 0 : interval, interrupted);
		if (rc) {
			log_info("wait interrupted; the deployment goes on");
			break;
		}
		if (!at_once)
			interval = interval * 3 / 2 < WAIT_MAX_MS
				       ? interval * 3 / 2
				       : WAIT_MAX_MS;
		at_once = false;
		free(path);
		path = uuid ? obj_member_path(obj_get(OBJ_DEPLOYMENT), NULL, uuid)
			    : deploy_history_path(app_uuid, 1);
		/* Each poll has the timeout; the wait has none. */
		http_op_renew(&api->http);
		rc = get_deployments(api, path, &status, &l);
		/* NOTES §11.4: a deploy skipped because one was queued still
		 * names a deployment, which was never stored. */
		if (rc == -ENOENT && uuid && !looked_up) {
			free(uuid);
			uuid = NULL;
			looked_up = true;
			at_once = true;
			continue;
		}
		if (rc) {
			if (!failing_since)
				failing_since = mono_ms();
			if (transient(rc) &&
			    mono_ms() - failing_since < api->http.timeout_ms)
				continue;
			if (rc == -ENOENT)
				log_error("GET %s: the deployment is gone",
					  path);
			break;
		}
		failing_since = 0;
		if (!l->n) {
			deploy_list_free(l);
			log_error("%s: no deployment to wait for", app_uuid);
			rc = -ENOENT;
			break;
		}
		if (!uuid) {
			uuid = xstrdup(l->v[0].uuid);
			looked_up = true;
		}
		state = l->v[0].status;
		if (deploy_active(state)) {
			deploy_list_free(l);
			continue;
		}
		if (strcmp(state, "finished")) {
			log_error("deployment %s ended: %s", uuid, state);
			/* SPEC §3.3: a cancel is not a failure of the build. */
			rc = strcmp(state, "cancelled-by-user") ? -EIO
								: -ECANCELED;
		}
		log_debug("deployment %s ended: %s", uuid, state);
		deploy_list_free(l);
		break;
	}
	free(path);
	free(uuid);
	return rc;
}

/* ---- running ---- */

static char *action_path(enum res_kind kind, const char *uuid,
			 const struct actions_cmd *cmd)
{
	struct buf p = BUF_INIT;

	if (cmd->verb == ACTIONS_DEPLOY) {
		/* NOTES §8, §11.4: "force=false" means force at the seed
		 * commit: send 1 or nothing. */
		buf_addf(&p, "/deploy?uuid=%s", uuid);
		if (cmd->force)
			buf_adds(&p, "&force=1");
		if (cmd->pr)
			buf_addf(&p, "&pr=%ld", cmd->pr);
	} else {
		buf_addf(&p, "%s/%s/%s", obj_kind_path(kind), uuid,
			 verb_paths[cmd->verb]);
		if (cmd->latest)
			buf_adds(&p, "?latest=1");
		if (cmd->verb == ACTIONS_DELETE_PREVIEW)
			buf_addf(&p, "/%ld", cmd->pr);
	}
	return buf_detach(&p, NULL);
}

/* rollback_by_uuid (HEAD:AppC): "commit" is the only field it allows. */
static char *rollback_body(const char *tag)
{
	struct json_object *o = json_object_new_object();
	char *body;

	json_object_object_add(o, "commit", json_object_new_string(tag));
	body = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return body;
}

/* Routes only current Coolify has: POST-only from the start, so a 405
 * means no GET either. A full deployment queue is the instance being
 * busy, not the request being wrong. */
static const struct http_quirk current_quirks[] = {
	{ 400, "queue is full", 0, -EBUSY, "rollback_by_uuid", NULL },
	{ 0 },
};

/* The action of a route that only current Coolify has (rollback, delete
 * preview): its method and body are its own. */
static int current_call(struct api *api, const char *path,
			const struct actions_cmd *cmd,
			struct http_response *resp)
{
	char *body = NULL;
	int rc;

	if (cmd->verb == ACTIONS_ROLLBACK)
		body = rollback_body(cmd->tag);
	rc = http_call_quirks(&api->http,
			      cmd->verb == ACTIONS_ROLLBACK ? "POST" : "DELETE",
			      path, body, 0, current_quirks, resp);
	free(body);
	return rc;
}

char *actions_delete_query(unsigned del)
{
	struct buf q = BUF_INIT;
	size_t i;

	/* Every flag, always: one left out defaults to true at the API,
	 * and "false" would mean true as well (NOTES §4.3). */
	for (i = 0; i < N_DELETE_WORDS; i++)
		buf_addf(&q, "%s%s=%d", i ? "&" : "", delete_words[i].flag,
			 del & delete_words[i].opt ? 1 : 0);
	return buf_detach(&q, NULL);
}

static int delete_resource(struct api *api, enum res_kind kind,
			   const char *uuid, unsigned del)
{
	char *query = actions_delete_query(del);
	int rc;

	rc = crud_delete(api, obj_of_kind(kind), NULL, uuid, query);
	if (!rc)
		deploy_store_invalidate(api);
	free(query);
	return rc;
}

int actions_run(struct api *api, enum res_kind kind, const char *uuid,
		const struct actions_cmd *cmd,
		actions_interrupted_fn interrupted)
{
	struct http_response resp;
	struct buf msg = BUF_INIT;
	char *path, *dep = NULL;
	int rc;

	if (cmd->verb == ACTIONS_DELETE)
		return delete_resource(api, kind, uuid, cmd->del);
	path = action_path(kind, uuid, cmd);
	http_response_init(&resp);
	if (cmd->verb == ACTIONS_ROLLBACK || cmd->verb == ACTIONS_DELETE_PREVIEW)
		rc = current_call(api, path, cmd, &resp);
	else
		rc = actions_call(api, path, 0, &resp);
	if (rc)
		goto out;
	invalidate(api, kind, uuid);
	dep = answer_deployment(&resp, uuid, &msg);
	/* "Deployment already queued for this commit." is a success that
	 * started nothing: say so. */
	if (strstr(msg.buf, "already"))
		log_info("%s", msg.buf);
	else
		log_debug("%s: %s", path, msg.buf);
	if (cmd->wait) {
		rc = wait_deployment(api, uuid, dep, interrupted);
		invalidate(api, kind, uuid);
	}
out:
	free(dep);
	buf_release(&msg);
	http_response_release(&resp);
	free(path);
	return rc;
}
