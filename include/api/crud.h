/* Creating, updating and deleting the API's objects (SPEC §3.4).
 *
 * The objects' table (objects.h) says, for each kind of object, where
 * the API creates it and which "type" picks the endpoint, where one is
 * patched and deleted, what a create body takes from the place it is
 * made in, and which cached answers a change makes stale. The node kinds
 * (a collection's new.json, an object's *.json, ctl's delete, mkdir and
 * rmdir) call only what is below, so a new kind of object is a row of
 * that table.
 *
 * The JSON a user writes is sent as written (the API validates it),
 * except for what this module fills in: the placement of a create
 * (project, environment, server) when absent, and on update only the
 * fields that changed. Every call returns 0 or a negative errno that
 * has been logged with the API's message, and drops from the cache what
 * it made stale, so the next lookup sees the change. Thread-safe. */
#ifndef CFS_CRUD_H
#define CFS_CRUD_H

#include <stddef.h>

#include "base/buf.h"
#include "api/api.h"
#include "model/model.h"
#include "api/objects.h"

/* Where an object lives or is made: borrowed strings, NULL when they do
 * not apply (a project has no environment). */
struct crud_place {
	const char *project_uuid;
	const char *env_name;
	const char *env_uuid;
	/* The API path of the object the collection belongs to, for rows
	 * owned by a resource or a member ("/applications/{uuid}");
	 * objects.h's owner. */
	const char *owner;
};

/* Whether the instance can create objects of this kind at all
 * (environments need current Coolify). */
bool crud_supported(const struct api *api, enum api_obj obj);

/* Creates an object from the JSON object text json, at place at:
 * "type" picks the endpoint where the kind has several, and the fields
 * the endpoint needs from the place (and the instance's only server)
 * are filled in when json lacks them. Returns 0 with the new object's
 * uuid in *uuid (caller frees; may be NULL when the API gave none), or
 * -EINVAL for text that is not a JSON object, a missing or unknown
 * type, or an API refusal (nothing is sent in the first two cases),
 * -EOPNOTSUPP when the instance has no such endpoint, or SPEC §5's. */
int crud_create(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *json, char **uuid);

/* Updates object uuid from the JSON object text want, given the text
 * base it was edited from (what the file showed): a PATCH of the fields
 * of want that differ from base, nothing when none does. Fields left
 * out of want are left alone. -EINVAL when want is not a JSON object,
 * or when it would empty one of the row's no_blank secrets (nothing is
 * sent then either). */
int crud_update(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *uuid, const char *base, const char *want);

/* Renames object uuid (its row has OBJ_RENAME) to name: a PATCH of its
 * name, as crud_update() sends it. base is the object's JSON text, from
 * which the rows whose PATCH needs more than the change take the rest
 * (NOTES §6.3), or NULL. -EOPNOTSUPP, nothing sent, where the instance
 * has no such PATCH (environments on the 2025 API). */
int crud_rename(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *uuid, const char *base, const char *name);

/* Moves resource uuid (its row has OBJ_MOVE) to the environment
 * env_uuid: POST PATH/ID/move. -EOPNOTSUPP, nothing sent, on an
 * instance without the route (NOTES §17.11: the 2025 API); else the
 * API's refusals as SPEC §5 maps them ("already in this environment":
 * EINVAL). */
int crud_move(struct api *api, enum api_obj obj, const char *uuid,
	      const char *env_uuid);

/* Saves text as a field of the single object (objects.h's single) of
 * row obj at owner (an API path): PUT OWNER PATH t->suffix
 * {"FIELD": text}, the text base64-encoded when t says so. Drops what it
 * made stale, as crud_update() does. Returns 0 or a negative errno,
 * logged with the API's message (EINVAL for a text it refuses). */
int crud_put_text(struct api *api, enum api_obj obj, const char *owner,
		  const struct obj_put_text *t, const char *text);

/* Deletes object uuid; query (e.g. "delete_volumes=1&...", or NULL) is
 * sent as the request's query. -ENOTEMPTY when the API refuses because
 * the object still holds resources. */
int crud_delete(struct api *api, enum api_obj obj, const struct crud_place *at,
		const char *uuid, const char *query);

/* Replaces the object at API path path with the JSON object text json
 * (a PUT), for objects the API writes whole and cannot read back (a
 * storage's volume-backup schedule: no GET), and then remembers the text
 * (compact) as what path holds, in api->saved (saved.h), which is all
 * the mount can show of it. JSON equal to what was saved there last is
 * not sent again. -EINVAL for text that is not a JSON object
 * (nothing sent) or an API refusal; SPEC §5's otherwise. Nothing is
 * remembered of a refused save. */
int crud_put(struct api *api, const char *path, const char *json);

/* mkdir: creates a project (at NULL) or an environment of
 * at->project_uuid called name. -EPERM when the instance cannot. */
int crud_mkdir(struct api *api, enum api_obj obj, const struct crud_place *at,
	       const char *name);

/* Pure: the members of the JSON object want whose values differ from
 * base's (or that base lacks), as compact JSON object text into out
 * (reset first), and their count in *n. -EINVAL when want is not a JSON
 * object; a base that is not one counts as empty. */
int crud_diff(const char *base, const char *want, struct buf *out, size_t *n);

/* Pure: whether text is one whole JSON object (and nothing else but
 * white space). */
bool crud_is_object(const char *text);

#endif
