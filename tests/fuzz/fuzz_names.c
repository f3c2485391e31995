/* Entry names (names.h): escaping is reversible and yields a valid path
 * component, and names_assign gives n siblings n distinct names.
 *
 * Input: newline-separated records "NAME" or "NAME\tUUID"; a record
 * without a uuid gets one made from its index, so uuids are distinct
 * unless the input repeats one. */
#include "fuzz.h"
#include "model/names.h"

#define MAX_NAMES 64

static void check_escape(const char *name)
{
	char *esc = name_escape(name), *back;

	FUZZ_ASSERT(*esc && !strchr(esc, '/'));
	FUZZ_ASSERT(strcmp(esc, ".") && strcmp(esc, ".."));
	back = name_unescape(esc);
	FUZZ_ASSERT(back && !strcmp(back, name));
	free(back);
	free(esc);
}

/* What a lookup receives is any component (never empty, ".", ".." or
 * holding a '/'): when it unescapes, escaping
 * the result gives the component back, so no two components stand for
 * the same name. */
static void check_unescape(const char *comp)
{
	char *name = name_unescape(comp), *esc;

	if (!name)
		return;
	esc = name_escape(name);
	if (*comp && !strchr(comp, '/') && strcmp(comp, ".") &&
	    strcmp(comp, ".."))
		FUZZ_ASSERT(!strcmp(esc, comp));
	free(esc);
	free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_split in = { data, data + size };
	char *names[MAX_NAMES], *uuids[MAX_NAMES], *out[MAX_NAMES];
	size_t n = 0, i, j;
	char *rec;

	while (n < MAX_NAMES && (rec = fuzz_next(&in, '\n'))) {
		char *tab = strchr(rec, '\t');

		if (tab) {
			*tab = '\0';
			uuids[n] = strdup(tab + 1);
		} else {
			uuids[n] = malloc(24);
			snprintf(uuids[n], 24, "u%zu", n);
		}
		names[n++] = rec;
	}
	for (i = 0; i < n; i++) {
		check_escape(names[i]);
		check_unescape(names[i]);
	}
	names_assign((const char *const *)names, (const char *const *)uuids, n,
		     out);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(out[i] && *out[i] && !strchr(out[i], '/'));
		for (j = 0; j < i; j++) {
			if (!strcmp(out[i], out[j]))
				fprintf(stderr, "%zu and %zu are both \"%s\"\n",
					j, i, out[i]);
			FUZZ_ASSERT(strcmp(out[i], out[j]));
		}
	}
	for (i = 0; i < n; i++) {
		free(out[i]);
		free(names[i]);
		free(uuids[i]);
	}
	return 0;
}
