/* Lists of the instance's own objects: servers, private keys, teams
 * (SPEC §2). Each item keeps its id (the uuid, or a team's number as
 * text), its name, its entry name (escaped and de-duplicated as names.h
 * says) and its JSON as compact text.
 *
 * A spec says which field is the id and which fields are removed from
 * every item before anything is kept: a private key's secret never
 * reaches the cache, whatever the token may read (SPEC §2).
 *
 * Pure; parsed lists are immutable, so any number of threads may read
 * them. */
#ifndef CFS_OBJLIST_H
#define CFS_OBJLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/buf.h"

/* One array of a list answer that comes as an object of arrays, one per
 * kind of member (a resource's storages: {"persistent_storages": [...],
 * "file_storages": [...]}). */
struct objlist_group {
	const char *key;   /* the array's key: "persistent_storages" */
	const char *value; /* what its members' group field is set to */
};

struct objlist_spec {
	const char *id_key;      /* "uuid", or "id" for teams */
	const char *const *drop; /* NULL-terminated, or NULL for none */
	/* Entry names taken by something else in the directory (teams/
	 * has its current link): an object with such a name is shown as
	 * NAME@ID. NULL-terminated, or NULL. */
	const char *const *reserved;
	/* Also removed from every item: fields shown elsewhere (objects.h
	 * moved). NULL-terminated, or NULL. */
	const char *const *moved;
	/* The field of the answer object that holds the list
	 * ({"executions":[...]}), or NULL when the answer is the list. */
	const char *list_key;
	/* NULL: the list is one array. Else it is an object of the arrays
	 * these name (key NULL ends them), members taken in this order,
	 * each with the string field group_field set to its group's value,
	 * so that its JSON says which array it came from. A missing array
	 * is an empty one. */
	const struct objlist_group *groups;
	const char *group_field;
	/* The field that names an item; NULL: "name". */
	const char *name_key;
	/* The id may be a path of segments ("owner/repo"): each segment
	 * must be an entry name (name_is_entry), not the whole. */
	bool id_path;
};

struct objlist_item {
	char *uuid; /* the id, as text (the name names.h de-duplicates by) */
	char *name; /* the name, or the id when there is none */
	char *dirname;
	/* updated_at, else created_at (a backup's executions have only
	 * that), 0 when both are absent */
	time_t mtime;
	char *json;   /* compact, without the spec's dropped fields */
	/* In a joined list (objlist_join), the index of the list the item
	 * came from; 0 in a parsed one. */
	unsigned src;
};

struct objlist {
	struct objlist_item *v;
	size_t n;
};

/* Parses a list answer (a JSON array, or an object keyed by number
 * strings, NOTES §2.4; with spec's list_key, the answer's field of
 * that name; or the spec's object of groups): 0 and a new list in *out
 * (objlist_free), or -EIO when json is not such a list. Items that are
 * not objects or have no usable id are left out. */
int objlist_parse(const char *json, const struct objlist_spec *spec,
		  struct objlist **out);
void objlist_free(void *p);

/* One list of the items of lists[0..n-1], in that order, copied, each
 * with src its list's index, and named anew over them all (names.h: a
 * name two lists share makes both NAME@ID), spec's reserved names kept.
 * Returns a new list (objlist_free); never fails. */
struct objlist *objlist_join(const struct objlist *const *lists, size_t n,
			     const struct objlist_spec *spec);

/* The item with that entry name, or that id; NULL when none. */
const struct objlist_item *objlist_find(const struct objlist *l,
					const char *dirname);
const struct objlist_item *objlist_by_id(const struct objlist *l,
					 const char *id);

/* Appends the string field key of it's JSON to out: 0, or -ENOENT when
 * the item has no such string. */
int objlist_field(const struct objlist_item *it, const char *key,
		  struct buf *out);

/* Whether the item's field key is the JSON value true. */
bool objlist_flag(const struct objlist_item *it, const char *key);

/* The id of a single object answer (GET /team): a new string the caller
 * frees, or NULL when json is not an object with such an id. */
char *objlist_object_id(const char *json, const char *id_key);

/* GET /servers/{uuid}/domains ([{"ip":..., "domains":[...]}], NOTES
 * §13) as text: one line per domain, the IP, a space and the domain, as
 * in hosts(5). Appends to out; -EIO when json is not that list. */
int objlist_domains_text(const char *json, struct buf *out);

/* An answer that wraps a list of objects in its field list_key
 * ({"branches":[{"name":"main",...},...]}) as text: each item's string
 * field key on a line of its own, in the answer's order. Appends to
 * out; -EIO when json is not such an answer. Items without the field
 * are left out. */
int objlist_lines(const char *json, const char *list_key, const char *key,
		  struct buf *out);

#endif
