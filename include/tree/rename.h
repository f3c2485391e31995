/* mv in the tree (SPEC §6): the rename and move hooks of the
 * directories whose members the API can rename (a PATCH of the name) or
 * move (a resource to another environment).
 *
 *   mv APP NEWNAME                      in applications/, databases/,
 *                                       services/: PATCH of the name
 *   mv APP ../../ENV/applications/      POST .../move to that environment
 *   mv projects/P projects/Q            PATCH /projects/{uuid}
 *   mv projects/P/ENV projects/P/NEW    PATCH .../environments/{uuid}
 *   mv tags/A tags/B (servers/, keys/)  PATCH of the name, from the row
 *
 * A new entry name is read as model/rename.h says (escapes, NAME@UUID
 * beside a twin). Nothing is sent, and the call fails with one log line,
 * for an entry that is already there (EEXIST: nothing is ever
 * replaced), a name another member has (EEXIST), an entry that is no
 * escaped name (EINVAL), a move to a directory of another kind, or one
 * that would also rename (EINVAL: mv it, then rename it), or where the
 * instance has no route for it (EOPNOTSUPP: moves and environments on
 * the 2025 API). What the API refuses fails with SPEC §5's errno.
 * Returning 0 lets the kernel move its entry; the API's answers that
 * held the old name have been dropped (crud.h). */
#ifndef CFS_TREE_RENAME_H
#define CFS_TREE_RENAME_H

#include "tree/node.h"

/* kind_collection (a resource kind's directory of an environment). */
int rename_resource(const struct node *dir, const struct node *from,
		    const char *newname, unsigned int flags);
int rename_move_resource(const struct node *dir, const struct node *from,
			 const struct node *to, const char *newname,
			 unsigned int flags);
/* kind_projects: a project. */
int rename_project(const struct node *dir, const struct node *from,
		   const char *newname, unsigned int flags);
/* kind_project: one of its environments. */
int rename_env(const struct node *dir, const struct node *from,
	       const char *newname, unsigned int flags);
/* kind_coll: a member, where its row has OBJ_RENAME. */
int rename_member(const struct node *dir, const struct node *from,
		  const char *newname, unsigned int flags);

#endif
