/* jsonlist: a list read in pieces is the list read whole, and the list
 * read whole is what a strict parse of the whole text gives. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/buf.h"
#include "check.h"
#include "model/jsonlist.h"
#include "model/model.h"

#ifndef FIXTURES
#error "FIXTURES must name the fixtures directory"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const texts[] = {
	"[]",
	" [ ] \n",
	"{}",
	"[1,2.5,-3e2,true,false,null]",
	" [ 1 , \"s\" , {\"uuid\":\"x\"} ] \n",
	"[\"a,b]\",\"c\\\"]}\",\"\\\\\"]",
	"[{\"a\":[1,{\"b\":\"]}\"}]},[[]],{}]",
	"{\"0\":{\"uuid\":\"x\"},\"1\":{\"uuid\":\"y\"}}",
	"{ \"0\" : 5 , \"12\" :\"z\"}",
	"[\"\\u00e9t\\u00e9\",\"caf\xc3\xa9\"]",
	/* Malformed, each in its own way. */
	"",
	"   ",
	"[",
	"[{\"uuid\":\"x\"}",
	"[{\"uuid\":\"x\"},]",
	"[{\"uuid\":\"x\"} {\"uuid\":\"y\"}]",
	"[{\"uuid\":\"x\"}]<html>502</html>",
	"[{\"uuid\":\"x\"}]]",
	"[{\"uuid\":\"x\",}]",
	"[,{\"uuid\":\"x\"}]",
	"[1,,2]",
	"{\"0\":{\"uuid\":\"x\"},\"name\":{\"uuid\":\"y\"}}",
	"{\"0\" {\"uuid\":\"x\"}}",
	"{\"\":{\"uuid\":\"x\"}}",
	"{\"0\":}",
	"{\"0\":1,}",
	"{\"0\":1]",
	"[1}",
	"[{\"uuid\":\"x\"},{\"uuid\":\"y\\\"}]",
	"[12a]",
	"[tru]",
	"[{\"a\":1]]",
	"{\"uuid\":\"x\"}",
	"\"just a string\"",
	"<html><body>504 Gateway Time-out</body></html>",
};

static int collect(void *arg, struct json_object *item)
{
	struct buf *out = arg;

	buf_adds(out, json_object_to_json_string_ext(item,
						     JSON_C_TO_STRING_PLAIN));
	buf_addch(out, '\n');
	return 0;
}

/* Feeds text[0..len) in pieces of piece bytes (0: whole), then ends:
 * the outcome, with the elements one per line in out. */
static int read_pieces(const char *text, size_t len, size_t piece,
		       struct buf *out)
{
	struct jsonlist *l = jsonlist_new(collect, out);
	size_t off = 0;
	int rc = 0;

	buf_reset(out);
	if (!piece)
		piece = len ? len : 1;
	while (!rc && off < len) {
		size_t n = len - off < piece ? len - off : piece;

		rc = jsonlist_feed(l, text + off, n);
		off += n;
	}
	if (!rc)
		rc = jsonlist_end(l);
	jsonlist_free(l);
	return rc;
}

/* The same, in two pieces split at cut. */
static int read_split(const char *text, size_t len, size_t cut,
		      struct buf *out)
{
	struct jsonlist *l = jsonlist_new(collect, out);
	int rc;

	buf_reset(out);
	rc = jsonlist_feed(l, text, cut);
	if (!rc)
		rc = jsonlist_feed(l, text + cut, len - cut);
	if (!rc)
		rc = jsonlist_end(l);
	jsonlist_free(l);
	return rc;
}

/* What a strict parse of the whole text gives. */
static int read_oracle(const char *text, struct buf *out)
{
	struct json_object *root = model_json_parse(text);
	struct json_object **items;
	size_t i, n = 0;

	buf_reset(out);
	if (!root || (!json_object_is_type(root, json_type_array) &&
		      !json_object_is_type(root, json_type_object))) {
		json_object_put(root);
		return -EIO;
	}
	items = model_json_items(root, &n);
	if (!items && n == 0 && json_object_is_type(root, json_type_object) &&
	    json_object_object_length(root)) {
		json_object_put(root); /* an object, not a list */
		return -EIO;
	}
	for (i = 0; i < n; i++)
		collect(out, items[i]);
	free(items);
	json_object_put(root);
	return 0;
}

static void test_whole_read_is_the_strict_parse(void)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	size_t i;

	for (i = 0; i < N_ELEMS(texts); i++) {
		int rc = read_pieces(texts[i], strlen(texts[i]), 0, &got);

		if (!CHECK_INT(rc, read_oracle(texts[i], &want)))
			printf("#   '%s'\n", texts[i]);
		else if (!rc && !CHECK_STR(got.buf, want.buf))
			printf("#   '%s'\n", texts[i]);
	}
	buf_release(&got);
	buf_release(&want);
}

/* curl hands a body over in pieces cut anywhere: inside a string, an
 * escape, a number, a key. */
static void test_any_pieces_read_as_whole(void)
{
	static const size_t pieces[] = { 1, 2, 3, 7 };
	struct buf whole = BUF_INIT, got = BUF_INIT;
	size_t i, j;

	for (i = 0; i < N_ELEMS(texts); i++) {
		size_t len = strlen(texts[i]);
		int want = read_pieces(texts[i], len, 0, &whole);

		for (j = 0; j < N_ELEMS(pieces); j++) {
			int rc = read_pieces(texts[i], len, pieces[j], &got);

			if (!CHECK_INT(rc, want) ||
			    (!rc && !CHECK_STR(got.buf, whole.buf)))
				printf("#   '%s' in pieces of %zu\n", texts[i],
				       pieces[j]);
		}
		for (j = 0; j <= len; j++) {
			int rc = read_split(texts[i], len, j, &got);

			if (!CHECK_INT(rc, want) ||
			    (!rc && !CHECK_STR(got.buf, whole.buf)))
				printf("#   '%s' cut at %zu\n", texts[i], j);
		}
	}
	buf_release(&whole);
	buf_release(&got);
}

static char *fixture(const char *name)
{
	char path[4096], chunk[4096];
	struct buf b = BUF_INIT;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	f = fopen(path, "r");
	if (!CHECK(f != NULL))
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

static void test_fixtures_in_small_pieces(void)
{
	static const char *const names[] = { "applications.json",
					     "databases.json", "services.json",
					     "resources.json", "projects.json" };
	struct buf got = BUF_INIT, want = BUF_INIT;
	size_t i;

	for (i = 0; i < N_ELEMS(names); i++) {
		char *text = fixture(names[i]);

		if (!text)
			continue;
		CHECK_INT(read_oracle(text, &want), 0);
		CHECK(want.len > 0);
		if (CHECK_INT(read_pieces(text, strlen(text), 5, &got), 0))
			CHECK_STR(got.buf, want.buf);
		free(text);
	}
	buf_release(&got);
	buf_release(&want);
}

/* A NUL is never JSON text; as a C string the list would have ended
 * there and passed. */
static void test_nul_is_refused(void)
{
	static const char with_nul[][12] = { "[1]\0", "[\"a\0b\"]",
					     "[1\0]", "[{\"a\":\0}]" };
	static const size_t lens[] = { 4, 7, 4, 9 };
	struct buf got = BUF_INIT;
	size_t i;

	for (i = 0; i < N_ELEMS(lens); i++)
		CHECK_INT(read_pieces(with_nul[i], lens[i], 0, &got), -EIO);
	buf_release(&got);
}

struct stopper {
	int calls;
};

static int stop_at_second(void *arg, struct json_object *item)
{
	struct stopper *s = arg;

	(void)item;
	return ++s->calls == 2 ? 7 : 0;
}

static void test_each_failure_stops_and_sticks(void)
{
	struct stopper s = { 0 };
	struct jsonlist *l = jsonlist_new(stop_at_second, &s);

	CHECK_INT(jsonlist_feed(l, "[1,2,3", 6), 7);
	CHECK_INT(jsonlist_feed(l, ",4]", 3), 7);
	CHECK_INT(jsonlist_end(l), 7);
	CHECK_INT(s.calls, 2);
	jsonlist_free(l);
}

/* A retried request feeds its body again from the start. */
static void test_reset_starts_over(void)
{
	struct buf got = BUF_INIT;
	struct jsonlist *l = jsonlist_new(collect, &got);

	CHECK_INT(jsonlist_feed(l, "[{\"a\":1},{\"b\":", 14), 0);
	jsonlist_reset(l);
	buf_reset(&got);
	CHECK_INT(jsonlist_feed(l, "[{\"c\":3}]", 9), 0);
	CHECK_INT(jsonlist_end(l), 0);
	CHECK_STR(got.buf, "{\"c\":3}\n");
	/* A failure is forgotten too. */
	CHECK_INT(jsonlist_feed(l, "x", 1), -EIO);
	jsonlist_reset(l);
	buf_reset(&got);
	CHECK_INT(jsonlist_feed(l, "[]", 2), 0);
	CHECK_INT(jsonlist_end(l), 0);
	jsonlist_free(l);
	buf_release(&got);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		CHECK_TEST(test_whole_read_is_the_strict_parse),
		CHECK_TEST(test_any_pieces_read_as_whole),
		CHECK_TEST(test_fixtures_in_small_pieces),
		CHECK_TEST(test_nul_is_refused),
		CHECK_TEST(test_each_failure_stops_and_sticks),
		CHECK_TEST(test_reset_starts_over),
	};

	return check_run(tests, N_ELEMS(tests), argc, argv);
}
