/* How API names become directory entry names (SPEC §2).
 *
 * A '/' in a name is shown as "%2F" and a '%' as "%25", so every name is a
 * valid, reversible path component; "." and ".." (and the empty name) are
 * escaped too, since the kernel reserves them. When siblings share a
 * name, each of them is shown as NAME@UUID, so no entry hides another. */
#ifndef CFS_NAMES_H
#define CFS_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the escaped form of name; the caller frees it. */
char *name_escape(const char *name);

/* Reverses name_escape into a new string (caller frees), or returns NULL
 * when s is not a well-formed escaped name. */
char *name_unescape(const char *s);

/* Whether s can be a directory entry as it is: not empty, "." or "..",
 * and without a '/' (the kernel fails a whole listing for one such). */
bool name_is_entry(const char *s);

/* Sets out[i] to the entry name of the i-th of n siblings with the given
 * names and uuids: the escaped name, or "escaped@uuid" when another
 * sibling has the same name. The caller frees each out[i]. */
void names_assign(const char *const *names, const char *const *uuids, size_t n,
		  char **out);

#endif
