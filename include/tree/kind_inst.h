/* The node kinds of servers/, keys/, teams/, the other collections of
 * plain objects, and the mount's ctl, and what they share (SPEC §2, §6).
 * A node of these kinds carries its object in obj (a struct objlist_item
 * from instance.h's lists, borrowed from a list the node holds), and its
 * collection's row in id.obj (enum api_obj, objects.h). */
#ifndef CFS_KIND_INST_H
#define CFS_KIND_INST_H

#include "tree/node.h"

struct objlist_item;

/* Makes n about member it of row obj's collection: n->obj, id.uuid (its
 * id) and id.obj. */
void kind_inst_item_set(struct node *n, const struct objlist_item *it,
			enum api_obj obj);

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
/* Files: what the mount last saved with a PUT to the member's path +
 * arg, for objects the API has no GET of (a storage's backup.json:
 * kind_saved.c); saving the file sends that PUT. */
extern const struct node_kind kind_saved_json;
/* Files: the ctl of a member (its verbs: inst_actions.h), or, on a node
 * with no obj, the mount's. */
extern const struct node_kind kind_inst_ctl;

/* A collection of plain objects (id.obj: its row, enum api_obj): a
 * directory per member, named as names.h says; new.json when the row
 * can be created (SPEC §3.4). */
extern const struct node_kind kind_coll;
/* A member's directory: the row's file (its own GET, or the list's item
 * when the row is from_list; writable when the row has OBJ_PATCH), what
 * kind_coll.c adds for the row, and a ctl when it takes verbs. */
extern const struct node_kind kind_member;
/* A single object's directory (objects.h's single rows with put_texts:
 * a server's proxy/): its put_texts, each a kind_put_text file, and
 * editors' temporary files (resdir.h). id.obj: the single row. */
extern const struct node_kind kind_single_dir;
/* Files: a single object's field saved with a PUT (proxy/configuration):
 * the row's put_text of the file's name. */
extern const struct node_kind kind_put_text;
/* Links: uuid/UUID of a member of a row with in_uuid -> ../DIR/NAME. */
extern const struct node_kind kind_uuid_inst_link;

#endif
