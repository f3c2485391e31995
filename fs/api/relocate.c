#include "api/relocate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/deployments.h"
#include "api/http.h"
#include "api/instance.h"
#include "api/objects.h"
#include "api/store.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "model/objlist.h"

/* Every route here is current Coolify's (NOTES §17.11); the 2025 API
 * would answer its catch-all, so nothing is sent there. */
static int supported(const struct api *api, const char *what)
{
	if (api->current_api)
		return 0;
	log_error("%s: not sent, this instance has no such route (the 2025 "
		  "API)",
		  what);
	return -EOPNOTSUPP;
}

/* What a write's answer may mean beyond SPEC §5. */
static const struct http_quirk relocate_quirks[] = {
	/* migrateResourceToDestination: abort(404) unless isDev(), a
	 * 404 without a message, which http_api_message() shows as its
	 * status (the resource's own 404 names the resource). */
	{ 404, "HTTP 404", HTTP_QUIRK_EXACT, -ENOENT, "§17.11",
	  "the API migrates only on a development instance (APP_ENV=local)" },
	{ 0 },
};

static char *to_body(struct json_object *o)
{
	char *s = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return s;
}

/* POST (or DELETE) path with body; the answer into resp. */
static int write_call(struct api *api, const char *method, const char *path,
		char *body, struct http_response *resp)
{
	int rc = http_call_quirks(&api->http, method, path, body, 0,
				  relocate_quirks, resp);

	free(body);
	return rc;
}

/* A resource changed place: its kind's list (environment_id,
 * destination), the object and what is under it, /resources and the
 * deployments (a migrated application is redeployed elsewhere). */
static void drop_resource(struct api *api, enum res_kind kind, const char *uuid)
{
	const struct api_object *o = obj_get(obj_of_kind(kind));
	char *key = uuid ? obj_member_path(o, NULL, uuid) : NULL;

	cache_invalidate(&api->cache, o->path);
	if (key)
		cache_invalidate_prefix(&api->cache, key);
	free(key);
	cache_invalidate(&api->cache, OBJ_ALL_RESOURCES);
	cache_invalidate(&api->cache, OBJ_DB_MEMBERS);
	deploy_store_invalidate(api);
}

/* ---- destinations ---- */

int relocate_find_destination(struct api *api, const char *word, char **uuid)
{
	const struct objlist *l;
	const struct objlist_item *it;
	struct cval *v;
	size_t i, named = 0;
	int rc;

	rc = supported(api, "destination");
	if (rc)
		return rc;
	/* GET /destinations: the team's, every server's. */
	rc = instance_list_at(api, OBJ_DESTINATION,
			      obj_get(OBJ_DESTINATION)->member_path, &v);
	if (rc)
		return rc;
	l = v->data;
	it = objlist_by_id(l, word);
	for (i = 0; !it && i < l->n; i++) {
		if (strcmp(l->v[i].name, word) && strcmp(l->v[i].dirname, word))
			continue;
		named++;
		if (named == 1)
			it = &l->v[i];
	}
	if (named > 1) {
		log_error("%zu destinations are called \"%s\": say which by "
			  "its uuid (servers/S/destinations/D/destination.json)",
			  named, word);
		rc = -EINVAL;
	} else if (!it) {
		log_error("no destination is called \"%s\" (GET /destinations)",
			  word);
		rc = -ENOENT;
	} else {
		*uuid = xstrdup(it->uuid);
	}
	cval_put(v);
	return rc;
}

/* The uuid of the destination resource uuid runs on: its JSON's
 * destination (applications, databases), else the only destination of
 * its server (a service's JSON names its server, not its destination). */
static int primary_destination(struct api *api, enum res_kind kind,
			       const char *uuid, char **dest)
{
	const struct api_object *d = obj_get(OBJ_DESTINATION);
	struct json_object *o = NULL, *sub;
	const struct objlist *l;
	struct cval *v;
	char *path, *spath;
	const char *s;
	int rc;

	path = obj_member_path(obj_get(obj_of_kind(kind)), NULL, uuid);
	rc = store_json(api, path, &v);
	free(path);
	if (rc)
		return rc;
	o = model_json_parse(v->data);
	cval_put(v);
	if (o && json_object_object_get_ex(o, "destination", &sub) &&
	    (s = model_jstr(sub, "uuid"))) {
		*dest = xstrdup(s);
		goto out;
	}
	if (!o || !json_object_object_get_ex(o, "server", &sub) ||
	    !(s = model_jstr(sub, "uuid"))) {
		log_error("%s: its JSON names neither its destination nor its "
			  "server; not cloned, nothing sent",
			  uuid);
		rc = -EIO;
		goto out;
	}
	spath = obj_member_path(obj_get(OBJ_SERVER), NULL, s);
	path = obj_list_path(d, spath);
	free(spath);
	rc = instance_list_at(api, OBJ_DESTINATION, path, &v);
	if (!rc) {
		l = v->data;
		if (l->n == 1) {
			*dest = xstrdup(l->v[0].uuid);
		} else {
			log_error("%s: its server has %zu destinations and the "
				  "API does not say which is the service's; "
				  "not cloned, nothing sent",
				  uuid, l->n);
			rc = -EINVAL;
		}
		cval_put(v);
	}
	free(path);
out:
	json_object_put(o);
	return rc;
}

/* ---- the calls ---- */

/* The "uuid" of an answer (caller frees), or NULL. */
static char *answer_uuid(const struct http_response *resp)
{
	struct json_object *o = model_json_parse(resp->body.buf);
	char *uuid = o ? xstrdup(model_jstr(o, "uuid")) : NULL;

	json_object_put(o);
	return uuid;
}

int relocate_clone(struct api *api, enum res_kind kind, const char *uuid,
		   const char *name, char **copy)
{
	struct http_response resp;
	struct json_object *o;
	char *dest = NULL, *path;
	int rc;

	rc = supported(api, "clone");
	if (rc)
		return rc;
	rc = primary_destination(api, kind, uuid, &dest);
	if (rc)
		return rc;
	/* clone_by_uuid allows destination_uuid, name and clone_volumes. */
	o = json_object_new_object();
	json_object_object_add(o, "destination_uuid",
			       json_object_new_string(dest));
	if (name)
		json_object_object_add(o, "name", json_object_new_string(name));
	path = xasprintf("%s/%s/clone", obj_kind_path(kind), uuid);
	http_response_init(&resp);
	rc = write_call(api, "POST", path, to_body(o), &resp);
	if (!rc) {
		*copy = answer_uuid(&resp);
		drop_resource(api, kind, NULL);
		log_info("cloned %s as %s", uuid, *copy ? *copy : "(no uuid)");
	}
	http_response_release(&resp);
	free(path);
	free(dest);
	return rc;
}

int relocate_move(struct api *api, enum res_kind kind, const char *uuid,
		  const char *env_uuid)
{
	struct http_response resp;
	struct json_object *o;
	char *path;
	int rc;

	rc = supported(api, "move");
	if (rc)
		return rc;
	/* moveResourceToEnvironment allows environment_uuid alone. */
	o = json_object_new_object();
	json_object_object_add(o, "environment_uuid",
			       json_object_new_string(env_uuid));
	path = xasprintf("%s/%s/move", obj_kind_path(kind), uuid);
	http_response_init(&resp);
	rc = write_call(api, "POST", path, to_body(o), &resp);
	if (!rc) {
		drop_resource(api, kind, uuid);
		log_info("moved %s to environment %s", uuid, env_uuid);
	}
	http_response_release(&resp);
	free(path);
	return rc;
}

int relocate_migrate(struct api *api, enum res_kind kind, const char *uuid,
		     const char *dest_uuid)
{
	struct http_response resp;
	struct json_object *o;
	char *path;
	int rc;

	rc = supported(api, "migrate");
	if (rc)
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "destination_uuid",
			       json_object_new_string(dest_uuid));
	path = xasprintf("%s/%s/migrate", obj_kind_path(kind), uuid);
	http_response_init(&resp);
	rc = write_call(api, "POST", path, to_body(o), &resp);
	if (!rc) {
		drop_resource(api, kind, uuid);
		log_info("migrated %s to destination %s", uuid, dest_uuid);
	}
	http_response_release(&resp);
	free(path);
	return rc;
}

int relocate_destination(struct api *api, const char *uuid,
			 const char *dest_uuid, bool add)
{
	struct http_response resp;
	char *path, *body = NULL, *owner;
	int rc;

	rc = supported(api, "destination");
	if (rc)
		return rc;
	owner = obj_member_path(obj_get(OBJ_APP), NULL, uuid);
	if (add) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "destination_uuid",
				       json_object_new_string(dest_uuid));
		body = to_body(o);
		path = obj_list_path(obj_get(OBJ_APP_DEST), owner);
	} else {
		path = obj_member_path(obj_get(OBJ_APP_DEST), owner, dest_uuid);
	}
	free(owner);
	http_response_init(&resp);
	rc = write_call(api, add ? "POST" : "DELETE", path, body, &resp);
	if (!rc) {
		/* The list, and additional_servers_count in the object. */
		drop_resource(api, RES_APP, uuid);
		log_info("%s destination %s %s application %s",
			 add ? "added" : "removed", dest_uuid,
			 add ? "to" : "from", uuid);
	}
	http_response_release(&resp);
	free(path);
	return rc;
}
