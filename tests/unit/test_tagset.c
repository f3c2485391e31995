/* Unit tests for tagset.h: a tags file and the API's rule for a name
 * (NOTES §17, HandlesTagsApi::normalizeTagNames). */
#include <errno.h>
#include <string.h>

#include "model/tagset.h"

#include "check.h"

/* The name normalised, or NULL when refused. */
static char *norm(const char *name)
{
	struct buf out = BUF_INIT;
	const char *why = NULL;

	if (tag_name_normalize(name, strlen(name), &out, &why)) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

static void check_norm(const char *name, const char *want)
{
	char *got = norm(name);

	CHECK_STR(got, want);
	free(got);
}

static void test_names_are_lowered_and_trimmed(void)
{
	check_norm("Frontend", "frontend");
	check_norm("  ci \t\r", "ci");
	check_norm("my tag", "my tag"); /* inner space kept */
	/* PHP 8's strtolower: ASCII only. */
	check_norm("CAFÉ", "cafÉ");
	/* TrimStrings takes Unicode white space and U+FEFF off the ends. */
	check_norm("\xc2\xa0"
		   "ops\xef\xbb\xbf",
		   "ops");
	check_norm("a>b", "a>b");
}

static void test_names_the_api_refuses(void)
{
	CHECK(norm("x") == NULL);
	CHECK(norm("  y  ") == NULL);
	CHECK(norm("\xc3\xa9") == NULL);  /* one character, two bytes */
	CHECK(norm("<b>ci</b>") == NULL); /* strip_tags would change it */
	CHECK(norm("a<b") == NULL);
	CHECK(norm("\xff\xfe") == NULL); /* not UTF-8 */
	CHECK(norm("\xc0\xaf") == NULL); /* overlong */
}

static void test_length_is_counted_in_characters(void)
{
	char name[2 * 256 + 1];
	char *got;
	int i;

	for (i = 0; i < 255; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[2 * 255] = '\0';
	got = norm(name); /* 255 characters, 510 bytes */
	CHECK(got != NULL);
	free(got);
	memcpy(name + 2 * 255, "\xc3\xa9", 3);
	CHECK(norm(name) == NULL);
}

static void test_parse_skips_blanks_and_repeats(void)
{
	const char text[] = "frontend\n\n  \nBackend\nfrontend\r\nops";
	struct tagset s = TAGSET_INIT;
	struct buf err = BUF_INIT;

	if (!CHECK_INT(tagset_parse(text, strlen(text), &s, &err), 0))
		return;
	CHECK_INT(s.n, 3);
	CHECK_STR(s.v[0].name, "frontend");
	CHECK_STR(s.v[1].name, "backend");
	CHECK_STR(s.v[2].name, "ops");
	CHECK(s.v[0].uuid == NULL);
	tagset_release(&s);
	buf_release(&err);
}

static void test_parse_refuses_the_whole_file(void)
{
	const char text[] = "frontend\nok\nx\nops\n";
	struct tagset s = TAGSET_INIT;
	struct buf err = BUF_INIT;

	CHECK_INT(tagset_parse(text, strlen(text), &s, &err), -EINVAL);
	CHECK_INT(s.n, 0);
	CHECK(strstr(err.buf, "line 3") != NULL);
	CHECK_INT(tagset_parse("a\0b\n", 4, &s, &err), -EINVAL);
	CHECK(strstr(err.buf, "NUL") != NULL);
	tagset_release(&s);
	buf_release(&err);
}

static void test_empty_file_is_no_tags(void)
{
	struct tagset s = TAGSET_INIT;
	struct buf err = BUF_INIT;

	CHECK_INT(tagset_parse("", 0, &s, &err), 0);
	CHECK_INT(s.n, 0);
	CHECK_INT(tagset_parse("\n \n", 3, &s, &err), 0);
	CHECK_INT(s.n, 0);
	buf_release(&err);
}

static void test_api_list_round_trips_to_the_file(void)
{
	const char json[] =
	    "[{\"uuid\":\"t1\",\"name\":\"frontend\",\"created_at\":null},"
	    "{\"uuid\":\"t2\",\"name\":\"ops\"},{\"name\":\"no uuid\"},7]";
	struct tagset s = TAGSET_INIT;
	struct buf out = BUF_INIT;

	if (!CHECK_INT(tagset_from_json(json, &s), 0))
		return;
	CHECK_INT(s.n, 2);
	CHECK_STR(tagset_find(&s, "ops")->uuid, "t2");
	CHECK(tagset_find(&s, "nope") == NULL);
	tagset_render(&s, &out);
	CHECK_STR(out.buf, "frontend\nops\n");
	CHECK_INT(tagset_from_json("{\"message\":\"x\"}", &s), -EIO);
	CHECK_INT(tagset_from_json("not json", &s), -EIO);
	CHECK_INT(s.n, 0);
	tagset_release(&s);
	buf_release(&out);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_names_are_lowered_and_trimmed),
	CHECK_TEST(test_names_the_api_refuses),
	CHECK_TEST(test_length_is_counted_in_characters),
	CHECK_TEST(test_parse_skips_blanks_and_repeats),
	CHECK_TEST(test_parse_refuses_the_whole_file),
	CHECK_TEST(test_empty_file_is_no_tags),
	CHECK_TEST(test_api_list_round_trips_to_the_file),
};

CHECK_MAIN(tests)
