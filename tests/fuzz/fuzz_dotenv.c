/* envs.env as the user saves it -> dotenv_parse, and the promise of
 * dotenv.h: parsing what dotenv_format() wrote gives back the same
 * pairs.
 *
 * The input is parsed as a file; when it parses, its pairs are written
 * out and parsed again, and must come back the same. The input is also
 * read as one KEY, a NUL byte and a VALUE: a valid key with any value
 * must survive format and parse. */
#include <errno.h>

#include "model/dotenv.h"
#include "fuzz.h"

/* Formats d's pairs and parses the text: the same pairs must return. */
static void round_trip(const struct dotenv *d)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct dotenv back;
	size_t i;
	int rc;

	for (i = 0; i < d->n; i++)
		dotenv_format(&text, d->v[i].key, d->v[i].value);
	rc = dotenv_parse(text.buf, text.len, &back, &err);
	if (rc)
		fprintf(stderr, "formatted:\n%s\nerror: %s\n", text.buf,
			err.buf);
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(back.n == d->n);
	for (i = 0; i < d->n; i++) {
		const char *v = dotenv_get(&back, d->v[i].key);

		if (!v || strcmp(v, d->v[i].value))
			fprintf(stderr, "formatted:\n%s\n", text.buf);
		FUZZ_ASSERT(v && !strcmp(v, d->v[i].value));
	}
	dotenv_release(&back);
	buf_release(&err);
	buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT;
	struct fuzz_split in = { data, data + size };
	struct dotenv d;
	char *key, *value;
	int rc;

	rc = dotenv_parse((const char *)data, size, &d, &err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	FUZZ_ASSERT(rc == 0 ? err.len == 0 : err.len > 0);
	if (!rc) {
		size_t i;

		for (i = 0; i < d.n; i++)
			FUZZ_ASSERT(dotenv_key_valid(d.v[i].key));
		round_trip(&d);
		dotenv_release(&d);
	}
	FUZZ_ASSERT(d.n == 0 && d.v == NULL);

	key = fuzz_next(&in, '\0');
	value = fuzz_next(&in, '\0');
	if (key && value && dotenv_key_valid(key)) {
		struct dotenv_pair pair = { key, value };
		struct dotenv one = { &pair, 1 };

		round_trip(&one);
	}
	free(key);
	free(value);
	buf_release(&err);
	return 0;
}
