#include "model/rename.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "model/names.h"

/* Whether a member other than the one with that uuid is called name. */
static bool taken(const char *name, const char *uuid, const char *const *names,
		  const char *const *uuids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name) &&
		    !(uuids[i] && !strcmp(uuids[i], uuid)))
			return true;
	return false;
}

/* The part of entry before "@UUID" when it ends so (a new string), else
 * NULL. */
static char *twin_base(const char *entry, const char *uuid)
{
	size_t len = strlen(entry), ulen = strlen(uuid);

	if (!ulen || len < ulen + 2 || entry[len - ulen - 1] != '@' ||
	    strcmp(entry + len - ulen, uuid))
		return NULL;
	return xstrndup(entry, len - ulen - 1);
}

int rename_target(const char *entry, const char *uuid, const char *const *names,
		  const char *const *uuids, size_t n, char **name)
{
	char *base = twin_base(entry, uuid), *real, *back;
	bool twin = base != NULL;
	int rc = 0;

	real = name_unescape(twin ? base : entry);
	/* Only the one spelling names.h writes: "%2f" would show as "%2F",
	 * and the kernel would keep an entry no listing has. */
	back = real ? name_escape(real) : NULL;
	if (!real || !*real || strcmp(back, twin ? base : entry))
		rc = -EINVAL;
	else if (taken(real, uuid, names, uuids, n) != twin)
		rc = twin ? -EINVAL : -EEXIST;
	if (!rc)
		*name = real;
	else
		free(real);
	free(back);
	free(base);
	return rc;
}
