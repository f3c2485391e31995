/* Editors' temporary files in a resource directory (SPEC §3.1's rules,
 * for the files of §3 and §6 that can be saved: tags, envs.env, the
 * object's JSON file).
 *
 * vim (with defaults.vim) first creates 4913 to see whether it may, and
 * then saves by renaming FILE to FILE~ and writing a new FILE; sed -i,
 * perl -pi and python write a temporary file and rename it over FILE.
 * Those files live in memory only (shadow.h), per resource directory,
 * until unlinked or unmounted. A file is temporary when it is created
 * the way mkstemp creates files (O_RDWR|O_CREAT|O_EXCL), or when its
 * name is one editors use beside FILE: it starts with '.' or ends with
 * '~' (.FILE.swp, .#FILE, FILE~), it is all digits (4913), or it ends
 * in a tool's suffix: a dot and digits (write-file-atomic's
 * FILE.3899653869) or JetBrains' ___jb_tmp___ and ___jb_old___. Any
 * other new name is refused (EACCES), as before: no entry of a
 * resource directory looks like that.
 *
 * Renaming a temporary file onto an entry saves its contents through the
 * entry's own kind, as one write of the whole file (one apply of the
 * difference, one PATCH...). Renaming an entry onto a temporary name
 * makes a backup copy and keeps the entry, since the editor's next step
 * writes it again; creating an entry that exists opens it for that
 * write. */
#ifndef CFS_RESDIR_H
#define CFS_RESDIR_H

#include <stdbool.h>

#include "tree/node.h"

/* A temporary file of a resource directory. */
extern const struct node_kind kind_res_shadow;

/* Lists dir's temporary files (after its entries). */
void resdir_list(const struct node *dir, struct dir_fill *fill);
/* Turns n (the resource directory) into its temporary file name, when
 * there is one: 0, else -ENOENT. */
int resdir_lookup(struct node *n, const char *name);
/* Whether entry name of dir was unlinked while a backup of it lives
 * (vim's failed save: it then renames the backup back): hidden. */
bool resdir_entry_gone(const struct node *dir, const char *name);
/* For an entry's unlink: hides it while a backup of it lives, and
 * returns true; false when none does (the unlink is the kind's). */
bool resdir_hide(const struct node *entry);

/* create(2) in the resource directory dir: name is entry (a node of
 * dir's entry of that name, or NULL when there is none). An entry opens
 * for writing through its kind; a temporary name or a mkstemp-like
 * create makes a temporary file; anything else is -EACCES. Returns as
 * node_kind's create does. */
int resdir_create(const struct node *dir, const char *name,
		  const struct node *entry, int flags, struct fh *fh);
/* rename(2) of from (an entry or a temporary file of dir) to newname;
 * to is dir's entry called newname, or NULL. */
int resdir_rename(const struct node *dir, const struct node *from,
		  const struct node *to, const char *newname,
		  unsigned int flags);

/* The lookup, create and rename of a directory that keeps editors'
 * temporary files (a resource's, a member's single objects'), given
 * its own entries' lookup: entries turns n into its entry called name,
 * or returns -ENOENT. Temporary files first, an entry hidden while its
 * backup lives is absent, and create and rename see dir's entry of the
 * name when there is one. */
int resdir_dir_lookup(struct node *n, const char *name,
		      int (*entries)(struct node *n, const char *name));
int resdir_dir_create(const struct node *dir, const char *name, int flags,
		      struct fh *fh,
		      int (*entries)(struct node *n, const char *name));
int resdir_dir_rename(const struct node *dir, const struct node *from,
		      const char *newname, unsigned int flags,
		      int (*entries)(struct node *n, const char *name));

#endif
