/* Helpers for the libFuzzer targets in this directory.
 *
 * Each target is a LLVMFuzzerTestOneInput() that feeds one parser of
 * outside input (the API's JSON, envs.env text, entry names, the CLI
 * config) and then checks the invariant its header promises. A broken
 * invariant is a crash, like a sanitizer report, so libFuzzer keeps the
 * input. Run them with tests/fuzz/run.sh. */
#ifndef CFS_FUZZ_H
#define CFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fails the run when cond is false. */
#define FUZZ_ASSERT(cond)                                                \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

/* A NUL-terminated copy of the input (the caller frees). Text stops at
 * an embedded NUL, as it does when the daemon hands a body to a
 * parser. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Reads input in pieces: each call takes the bytes up to the next sep
 * (or the end), as a new NUL-terminated string; NULL once nothing is
 * left. */
struct fuzz_split {
	const uint8_t *p, *end;
};

static inline char *fuzz_next(struct fuzz_split *s, char sep)
{
	const uint8_t *q;

	if (s->p > s->end)
		return NULL;
	q = s->p;
	while (q < s->end && *q != (uint8_t)sep)
		q++;
	{
		char *out = fuzz_cstr(s->p, (size_t)(q - s->p));

		s->p = q + 1;
		return out;
	}
}

#endif
