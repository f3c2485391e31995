/* What a rename asks for (SPEC §2, §6: `mv APP NEWNAME`): the name an
 * object gets from the entry name it is renamed or moved to.
 *
 * An entry name is an API name escaped as names.h says ("%2F" for '/',
 * "%25" for '%'), or NAME@UUID for one of twins. So a rename to "a%2Fb"
 * names the object "a/b"; a rename to NAME@UUID, the object's own uuid,
 * names it NAME beside a sibling that is already called NAME (the form
 * both are shown in then, so the entry the kernel moves is the one the
 * next listing shows). A rename to a name another member has is
 * refused: the entry would hide it, or both would change their names.
 *
 * Pure: any thread. */
#ifndef CFS_RENAME_H
#define CFS_RENAME_H

#include <stddef.h>

/* entry is the new entry name; uuid the object's id; names and uuids
 * the n members of the collection it is to be in (the object may be
 * among them; a uuid may be NULL for a name the directory keeps for
 * something else). Returns 0 and the object's new name in *name (the
 * caller frees), or -EINVAL when entry is not an escaped name (a bad
 * escape, an empty name) or is NAME@UUID while no other member is called
 * NAME, or -EEXIST when another member is called the new name. */
int rename_target(const char *entry, const char *uuid, const char *const *names,
		  const char *const *uuids, size_t n, char **name);

#endif
