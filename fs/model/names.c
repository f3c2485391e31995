#include "model/names.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/buf.h"
#include "base/xalloc.h"

char *name_escape(const char *name)
{
	struct buf b = BUF_INIT;
	const char *p;

	if (!*name)
		return xstrdup("%00");
	if (!strcmp(name, "."))
		return xstrdup("%2E");
	if (!strcmp(name, ".."))
		return xstrdup("%2E%2E");
	for (p = name; *p; p++) {
		if (*p == '/')
			buf_adds(&b, "%2F");
		else if (*p == '%')
			buf_adds(&b, "%25");
		else
			buf_addch(&b, *p);
	}
	return buf_detach(&b, NULL);
}

char *name_unescape(const char *s)
{
	struct buf b = BUF_INIT;
	const char *p;

	/* Only what name_escape() writes: "%2E" stands for a dot only in
	 * the names "." and "..". */
	if (!strcmp(s, "%00"))
		return xstrdup("");
	if (!strcmp(s, "%2E"))
		return xstrdup(".");
	if (!strcmp(s, "%2E%2E"))
		return xstrdup("..");
	for (p = s; *p; p++) {
		if (*p != '%') {
			buf_addch(&b, *p);
		} else if (!strncmp(p, "%2F", 3)) {
			buf_addch(&b, '/');
			p += 2;
		} else if (!strncmp(p, "%25", 3)) {
			buf_addch(&b, '%');
			p += 2;
		} else {
			buf_release(&b);
			return NULL;
		}
	}
	return buf_detach(&b, NULL);
}

bool name_is_entry(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

struct name_count {
	const char *name;
	size_t count;
	UT_hash_handle hh;
};

/* "name@uuid" (consumes name). The uuid is escaped too: an instance's
 * uuid is not ours to trust with a '/' in an entry name. */
static char *with_uuid(char *name, const char *uuid)
{
	char *esc = name_escape(uuid), *s = xasprintf("%s@%s", name, esc);

	free(esc);
	free(name);
	return s;
}

void names_assign(const char *const *names, const char *const *uuids, size_t n,
		  char **out)
{
	struct name_count *table = NULL, *nc, *tmp;
	struct name_count *slots = xcalloc(n, sizeof(*slots));
	bool *twin = xcalloc(n, sizeof(*twin));
	bool changed;
	size_t i, j;

	for (i = 0; i < n; i++) {
		HASH_FIND_STR(table, names[i], nc);
		if (!nc) {
			nc = &slots[i];
			nc->name = names[i];
			HASH_ADD_KEYPTR(hh, table, nc->name, strlen(nc->name),
					nc);
		}
		nc->count++;
	}
	for (i = 0; i < n; i++) {
		HASH_FIND_STR(table, names[i], nc);
		twin[i] = nc->count > 1;
	}
	for (i = 0; i < n; i++) {
		char *esc = name_escape(names[i]);

		out[i] = twin[i] ? with_uuid(esc, uuids[i]) : esc;
	}
	/* A plain name can still equal a twin's NAME@UUID ("api@u2" beside
	 * two "api"s, one of uuid u2): then it takes the @UUID form too, and
	 * that form can equal yet another name, so repeat until no entry
	 * hides another. Of two equal entries a plain one yields first,
	 * else the later one (only a list that repeats a uuid gets there). */
	do {
		changed = false;
		for (i = 0; i < n; i++) {
			for (j = 0; j < n; j++) {
				if (i == j || strcmp(out[i], out[j]) ||
				    (twin[i] && (!twin[j] || j > i)))
					continue;
				out[i] = with_uuid(out[i], uuids[i]);
				twin[i] = true;
				changed = true;
				break;
			}
		}
	} while (changed);
	HASH_ITER (hh, table, nc, tmp)
		HASH_DEL(table, nc);
	free(slots);
	free(twin);
}
