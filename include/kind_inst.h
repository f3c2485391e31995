/* The node kinds of servers/, keys/, teams/ and the mount's ctl, and
 * what they share (SPEC §2). A node of these kinds carries its object in
 * obj (a struct objlist_item from instance.h's lists, borrowed from a
 * list the node holds), its collection in id.coll. */
#ifndef CFS_KIND_INST_H
#define CFS_KIND_INST_H

#include "node.h"

/* A node's id.coll (enum inst_coll, node.h): the collection its object
 * is in. */

/* How a collection directory gets its list (instance.h). */
typedef int (*inst_fetch_fn)(struct cfs *fs, struct cval **out);

/* A collection directory: one entry per object of fetch's list, each a
 * node of kind child about that object, in collection coll. */
int kind_inst_coll_list(const struct node *dir, struct dir_fill *fill,
			inst_fetch_fn fetch, const struct node_kind *child,
			enum inst_coll coll);
int kind_inst_coll_lookup(struct node *n, const char *name, inst_fetch_fn fetch,
			  const struct node_kind *child, enum inst_coll coll);

/* An object's directory: a fixed table of files. */
struct inst_entry {
	const char *name;
	const struct node_kind *kind;
	const char *arg; /* for kind_inst_json and the like */
};

int kind_inst_entries_list(const struct node *dir, struct dir_fill *fill,
			   const struct inst_entry *e, size_t n);
int kind_inst_entries_lookup(struct node *n, const char *name,
			     const struct inst_entry *e, size_t count);

/* The object's updated_at (0 when it has none). */
time_t kind_inst_item_mtime(const struct node *n);

/* Files: the object's own request, GET COLLECTION/ID + arg, as JSON. */
extern const struct node_kind kind_inst_json;
/* Files: the object as its collection's list gave it. */
extern const struct node_kind kind_inst_item_json;
/* The same two, writable: a save updates the object (server.json,
 * key.json; SPEC §3.4). */
extern const struct node_kind kind_inst_obj_json;
extern const struct node_kind kind_inst_item_obj_json;
/* Files: a server's domains as text (objlist_domains_text), arg
 * "/domains". */
extern const struct node_kind kind_inst_domains;
/* Files: the ctl of a server, a key, or (INST_COLL_ROOT) the mount. */
extern const struct node_kind kind_inst_ctl;

extern const struct node_kind kind_servers;
extern const struct node_kind kind_server;
extern const struct node_kind kind_keys;
extern const struct node_kind kind_key;
extern const struct node_kind kind_key_public;
extern const struct node_kind kind_teams;
extern const struct node_kind kind_team;
extern const struct node_kind kind_team_current;
/* Links: uuid/UUID of a server or key -> ../servers/S or ../keys/K. */
extern const struct node_kind kind_uuid_inst_link;

#endif
