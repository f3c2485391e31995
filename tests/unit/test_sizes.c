/* sizes: a remembered size is the length of what the renderer gives,
 * per renderer, and a failure is never remembered. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "model/model.h"
#include "cache/sizes.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int calls;

/* A renderer that counts its calls and doubles the text. */
static int twice(const char *text, struct buf *out)
{
	calls++;
	buf_reset(out);
	buf_adds(out, text);
	return buf_adds(out, text);
}

static int refuse(const char *text, struct buf *out)
{
	(void)text;
	(void)out;
	calls++;
	return -EIO;
}

static void test_size_is_the_rendered_length(void)
{
	static const char *const texts[] = { "{\"a\":1}", "[1,2,{\"b\":[]}]",
					     "{}", "{\"s\":\"caf\\u00e9\"}" };
	struct sizes s;
	size_t i;

	sizes_init(&s);
	for (i = 0; i < N_ELEMS(texts); i++) {
		struct buf out = BUF_INIT;
		off_t size = -1;

		CHECK_INT(model_json_render(texts[i], &out), 0);
		CHECK_INT(sizes_of(&s, texts[i], model_json_render, &size), 0);
		CHECK_INT(size, out.len);
		size = -1;
		CHECK_INT(sizes_of(&s, texts[i], model_json_render, &size), 0);
		CHECK_INT(size, out.len);
		buf_release(&out);
	}
	sizes_release(&s);
}

static void test_remembered_per_text_and_renderer(void)
{
	struct sizes s;
	off_t size;

	sizes_init(&s);
	calls = 0;
	CHECK_INT(sizes_of(&s, "abc", twice, &size), 0);
	CHECK_INT(size, 6);
	CHECK_INT(sizes_of(&s, "abc", twice, &size), 0);
	CHECK_INT(calls, 1);
	CHECK_INT(sizes_of(&s, "abd", twice, &size), 0);
	CHECK_INT(calls, 2);
	/* The same text as JSON is another file. */
	CHECK_INT(sizes_of(&s, "[1]", model_json_render, &size), 0);
	CHECK_INT(sizes_of(&s, "[1]", twice, &size), 0);
	CHECK_INT(size, 6);
	CHECK_INT(calls, 3);
	sizes_release(&s);
}

static void test_failures_are_not_remembered(void)
{
	struct sizes s;
	off_t size;

	sizes_init(&s);
	calls = 0;
	CHECK_INT(sizes_of(&s, "x", refuse, &size), -EIO);
	CHECK_INT(sizes_of(&s, "x", refuse, &size), -EIO);
	CHECK_INT(calls, 2);
	CHECK_INT(sizes_of(&s, "{not json", model_json_render, &size), -EIO);
	sizes_release(&s);
}

static void test_table_starts_over_when_full(void)
{
	struct sizes s;
	char text[32];
	off_t size;
	unsigned i;

	sizes_init(&s);
	calls = 0;
	for (i = 0; i <= SIZES_MAX; i++) {
		snprintf(text, sizeof(text), "%u", i);
		sizes_of(&s, text, twice, &size);
	}
	CHECK(s.count <= SIZES_MAX);
	CHECK_INT(s.count, 1);
	/* The last one is still known. */
	CHECK_INT(sizes_of(&s, text, twice, &size), 0);
	CHECK_INT(calls, SIZES_MAX + 1);
	sizes_release(&s);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		CHECK_TEST(test_size_is_the_rendered_length),
		CHECK_TEST(test_remembered_per_text_and_renderer),
		CHECK_TEST(test_failures_are_not_remembered),
		CHECK_TEST(test_table_starts_over_when_full),
	};

	return check_run(tests, N_ELEMS(tests), argc, argv);
}
