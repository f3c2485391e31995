/* JSON files that write to the API (SPEC §3.4): an object's own file
 * (application.json, database.json, service.json, project.json), whose
 * save sends a PATCH of what changed, and a collection's new.json, whose
 * save creates an object. The kinds of those files share the hooks
 * below; objects.h's table says where each request goes.
 *
 * A save is the whole file: it is sent when the file is closed or
 * fsync'd, or as soon as a write() leaves it one complete JSON object
 * ending with a newline, so that the refusal of `echo '{...}' > f` is
 * that write's error (bash ignores close()'s, SPEC §3.1). An empty file
 * sends nothing (a truncation on the way to a rewrite); anything else
 * that is not one JSON object fails the save with EINVAL and sends
 * nothing. */
#ifndef CFS_JSONFILE_H
#define CFS_JSONFILE_H

#include "api/crud.h"
#include "tree/node.h"

/* The name of a collection's create file. */
#define NEW_JSON "new.json"

/* Prepares fh, opened on n, for an object's file: n's id says which
 * object (id.obj, id.uuid) and where it lives (id.project, id.env_*),
 * and base is the compact JSON text the file shows (copied), which a save
 * is diffed against. For reading (and writing without O_TRUNC) the
 * contents are base pretty-printed. */
int jsonfile_open(const struct node *n, struct fh *fh, const char *base);

/* The size of the JSON text json as such a file shows it (pretty-printed),
 * remembered in the mount's sizes table (cache/sizes.h). */
int jsonfile_size(const struct node *n, const char *json, off_t *size);

/* The node_kind hooks of every such file. */
int jsonfile_written(struct fh *fh);
int jsonfile_commit(struct fh *fh, bool closing);

/* For a collection's lookup, after its own entries: turns n into the
 * collection's new.json (creating objects of kind obj: its id.obj) when
 * name is NEW_JSON, else -ENOENT. */
int jsonfile_new_lookup(struct node *n, const char *name, enum api_obj obj);
/* For a collection's create hook: creates and opens its new.json into
 * fh; any other name is -EACCES (nothing else can be made there). */
int jsonfile_new_create(const struct node *dir, const char *name,
			struct fh *fh, enum api_obj obj);

/* The same for a create file of another name (servers/import.json):
 * turns n into a file that creates objects of row obj, whatever its
 * name; and creates and opens one into fh. */
void jsonfile_create_lookup(struct node *n, enum api_obj obj);
int jsonfile_create_open(const struct node *dir, struct fh *fh,
			 enum api_obj obj);

#endif
