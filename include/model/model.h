/* The Coolify objects the tree shows, as owned C structs parsed from the
 * API's JSON.
 *
 * Parsing happens once per API answer, in the thread that made the
 * request; nothing here keeps a json-c object (json-c trees are not safe
 * to share between threads). Each object keeps its JSON as compact text,
 * which model_json_render() pretty-prints on demand: this keeps memory
 * near the size of the API's answers while `cat x.json` still shows the
 * object exactly as the API returned it.
 *
 * Parsed values are immutable, so any number of threads may read them. */
#ifndef CFS_MODEL_H
#define CFS_MODEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "model/pack.h"
#include "base/memo.h"

struct json_object;

/* Where in the project list a resource's environment was last found: its
 * index plus one, 0 before. Atomic: written by whichever thread looks. */
typedef _Atomic size_t env_hint;

struct model_project {
	char *uuid;
	char *name;
	char *dirname; /* escaped, de-duplicated entry name */
	long id;
};

/* GET /projects */
struct model_projects {
	struct model_project *v;
	size_t n;
};

struct model_env {
	long id;
	char *uuid;
	char *name;
	char *dirname;
	time_t mtime;
	char *json;
};

/* GET /projects/{uuid}: the project with its environments. */
struct model_project_detail {
	char *uuid;
	char *name;
	time_t mtime;
	char *json;
	struct model_env *envs;
	size_t nenvs;
};

enum res_kind { RES_APP, RES_DB, RES_SVC, RES_KINDS };

struct model_resource {
	char *uuid;
	char *name;
	char *dirname; /* unique within its environment and kind */
	enum res_kind kind;
	char *db_type; /* "postgresql"...; NULL unless kind is RES_DB */
	long env_id;
	char *status; /* as the API gives it, e.g. "running:healthy" */
	time_t mtime;
	/* Compact, deflated against the list's dictionary (pack.h): read it
	 * with model_resource_json(). None when only /resources listed it. */
	struct packed json;
	const struct pack_dict *dict;
	/* Memos, written by whichever stat or readlink first finds them:
	 * the only fields that change once the list is made. */
	size_memo shown_size; /* of json as application.json shows it */
	env_hint home; /* which project holds env_id (store_find_env()) */
};

/* The resource's compact JSON, for the caller to free; NULL when only
 * /resources listed it. */
char *model_resource_json(const struct model_resource *r);

struct model_res_index;
struct model_env_group;

/* One kind's list: GET /applications, /services, or /databases merged
 * with /resources (NOTES §5.1: the database list can drop entries). */
struct model_resources {
	enum res_kind kind;
	struct model_resource *v;
	size_t n;
	size_t cap; /* of v */
	struct pack_dict dict;   /* the first object's JSON */
	struct packer *packer;   /* while the list is built */
	struct model_res_index *by_uuid;
	struct model_env_group *by_env;
};

/* Parsers: 0 and a new object in *out (free it with the matching _free),
 * or -EIO for JSON that does not have the documented shape. Lists may be
 * JSON arrays or objects keyed by number strings (NOTES §2.4). */
int model_projects_parse(const char *json, struct model_projects **out);
void model_projects_free(void *p);
const struct model_project *model_projects_find(const struct model_projects *ps,
						const char *dirname);

int model_project_detail_parse(const char *json,
			       struct model_project_detail **out);
/* The same, and an environment whose name is one of reserved (the names
 * the project's directory keeps for something else; NULL-terminated, or
 * NULL) is named NAME@UUID, as a twin would be (SPEC §2). */
int model_project_detail_parse_reserving(const char *json,
					 const char *const *reserved,
					 struct model_project_detail **out);
void model_project_detail_free(void *p);
const struct model_env *model_project_env(const struct model_project_detail *d,
					  const char *dirname);
const struct model_env *
model_project_env_by_id(const struct model_project_detail *d, long id);

/* resources_json (GET /resources) is used only for RES_DB and may be
 * NULL. */
int model_resources_parse(enum res_kind kind, const char *list_json,
			  const char *resources_json,
			  struct model_resources **out);
void model_resources_free(void *p);
/* The same list built an element at a time, as its text arrives (see
 * jsonlist.h): model_resources_new(), model_resources_add() on each
 * element of the kind's list, for databases model_resources_merge() with
 * the databases of GET /resources (model_resources_add_db_member() on
 * each of its elements, into a list of their own), and last
 * model_resources_done(), which names and indexes them. The _add
 * functions are jsonlist_fn callbacks (arg is the list) and return 0. */
struct model_resources *model_resources_new(enum res_kind kind);
int model_resources_add(void *rs, struct json_object *item);
int model_resources_add_db_member(void *rs, struct json_object *item);
void model_resources_merge(struct model_resources *dbs,
			   const struct model_resources *members);
void model_resources_done(struct model_resources *rs);
const struct model_resource *
model_resources_by_uuid(const struct model_resources *rs, const char *uuid);
/* The resources of one environment, sorted by dirname: *n entries at
 * the returned array of pointers (NULL when none). */
const struct model_resource *const *model_resources_in_env(
    const struct model_resources *rs, long env_id, size_t *n);
const struct model_resource *model_resources_find(
    const struct model_resources *rs, long env_id, const char *dirname);

/* Parses a whole JSON text strictly (no trailing commas, nothing after
 * the value): a new json-c object to put, or NULL. */
struct json_object *model_json_parse(const char *json);

/* The elements of a list that may come as a JSON array or as an object
 * keyed by number strings (NOTES §2.4), in order, borrowed from root, in
 * a new array the caller frees; NULL with *n = 0 when root is neither. */
struct json_object **model_json_items(struct json_object *root, size_t *n);

/* Calls each() on the elements of a list (an array, or an object keyed
 * by number strings, NOTES §2.4) one at a time, in order, parsing one
 * element at a time: a list of thousands of objects never becomes one
 * json-c tree, which is several times the size of its text. item is
 * borrowed for the call. Returns 0, each()'s non-zero return, or -EIO
 * for text that is not such a list, strictly (as model_json_parse()). */
int model_list_each(const char *json,
		    int (*each)(void *arg, struct json_object *item), void *arg);

/* The string at key of object o, borrowed from o; NULL when o has no
 * such key or it holds another type. */
const char *model_jstr(struct json_object *o, const char *key);

/* Pretty-prints compact JSON text into out (reset first), ending with a
 * newline. Returns 0, or -EIO if json does not parse. */
int model_json_render(const char *json, struct buf *out);

/* Parses both timestamp forms of NOTES §2.2 ("2025-05-27T13:10:20.000000Z"
 * and "2025-05-27 13:10:20", UTC); 0 when s is NULL or neither. */
time_t model_parse_time(const char *s);

#endif
