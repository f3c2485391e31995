/* A resource's tags as the mount shows them (SPEC §6: a set of names, a
 * text file of one name a line), and the API's rule for a name.
 *
 * The API (NOTES §17, HandlesTagsApi at Coolify HEAD) takes a name
 * lowered (ASCII only, PHP's strtolower), stripped of HTML and trimmed,
 * and refuses a whole request when one name is shorter than 2
 * characters after that. The tags table keeps at most 255 characters,
 * and a longer name fails there (a 500, after the shorter names of the
 * same request were attached). So a file is checked here, whole, before
 * anything is sent: a name that would be refused, changed in a way the
 * file could not show (what strip_tags removes) or cut, refuses the
 * save.
 *
 * Pure: no I/O, no globals; a tagset belongs to one thread at a time. */
#ifndef CFS_TAGSET_H
#define CFS_TAGSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* The API's bounds of a name, in characters (UTF-8 code points). */
#define TAG_NAME_MIN 2
#define TAG_NAME_MAX 255

struct tag {
	char *name; /* normalised, as the API keeps it */
	char *uuid; /* the tag's, from the API; NULL for a name from a file */
};

/* Names in order, each once. */
struct tagset {
	struct tag *v;
	size_t n, alloc;
};

#define TAGSET_INIT        \
	{                  \
		NULL, 0, 0 \
	}

void tagset_init(struct tagset *s);
/* Frees every name; s is empty after. */
void tagset_release(struct tagset *s);

/* The member called name (already normalised), or NULL. */
const struct tag *tagset_find(const struct tagset *s, const char *name);

/* Parses the API's answer to GET /{kind}/{uuid}/tags, a JSON array of
 * {"uuid","name",...}, into out (empty first). -EIO when it is not
 * such an array; a member without a string name or uuid is skipped. */
int tagset_from_json(const char *json, struct tagset *out);

/* Parses a tags file: one name a line; blank lines (white space only)
 * are skipped, each name is normalised as the API does it, and a name
 * given twice counts once. Returns 0 with out (empty first) holding
 * them in order, or -EINVAL with the first bad line's number and why it
 * would be refused in err (reset first), out empty. */
int tagset_parse(const char *text, size_t len, struct tagset *out,
		 struct buf *err);

/* The file's text: each name and a newline, in order, into out. */
int tagset_render(const struct tagset *s, struct buf *out);

/* name (len bytes) as the API would keep it, into out (reset first), or
 * -EINVAL with why in *why (static text). */
int tag_name_normalize(const char *name, size_t len, struct buf *out,
		       const char **why);

#endif
