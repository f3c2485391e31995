#include "names.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "buf.h"
#include "xalloc.h"

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

	if (!strcmp(s, "%00"))
		return xstrdup("");
	for (p = s; *p; p++) {
		if (*p != '%') {
			buf_addch(&b, *p);
		} else if (!strncmp(p, "%2F", 3)) {
			buf_addch(&b, '/');
			p += 2;
		} else if (!strncmp(p, "%25", 3)) {
			buf_addch(&b, '%');
			p += 2;
		} else if (!strncmp(p, "%2E", 3)) {
			buf_addch(&b, '.');
			p += 2;
		} else {
			buf_release(&b);
			return NULL;
		}
	}
	return buf_detach(&b, NULL);
}

struct name_count {
	const char *name;
	size_t count;
	UT_hash_handle hh;
};

void names_assign(const char *const *names, const char *const *uuids, size_t n,
		  char **out)
{
	struct name_count *table = NULL, *nc, *tmp;
	struct name_count *slots = xcalloc(n, sizeof(*slots));
	size_t i;

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
		char *esc = name_escape(names[i]);

		HASH_FIND_STR(table, names[i], nc);
		if (nc->count > 1) {
			out[i] = xasprintf("%s@%s", esc, uuids[i]);
			free(esc);
		} else {
			out[i] = esc;
		}
	}
	HASH_ITER (hh, table, nc, tmp)
		HASH_DEL(table, nc);
	free(slots);
}
