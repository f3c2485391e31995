/* Unit tests for dotenv.h: how envs.env writes each kind of value (SPEC
 * §3.1), and that what it writes parses back. */
#include <string.h>

#include "model/dotenv.h"

#include "check.h"

/* The line dotenv_format() writes for key=value. */
static int formats_as(const char *value, const char *want)
{
	struct buf out = BUF_INIT;
	int ok;

	dotenv_format(&out, "K", value);
	ok = CHECK_STR(out.buf, want);
	buf_release(&out);
	return ok;
}

static void test_plain_values_are_bare(void)
{
	formats_as("", "K=\n");
	formats_as("production", "K=production\n");
	formats_as("postgres://u:p@db:5432/app",
		   "K=postgres://u:p@db:5432/app\n");
	formats_as("a-b_c.d,e%f+g=h", "K=a-b_c.d,e%f+g=h\n");
}

/* Whatever a shell or a dotenv reader could take for syntax. */
static void test_the_rest_is_single_quoted_literally(void)
{
	formats_as("a&b=2", "K='a&b=2'\n");
	formats_as("a;b", "K='a;b'\n");
	formats_as("$HOME ${X}", "K='$HOME ${X}'\n");
	formats_as("say \"hi\"", "K='say \"hi\"'\n");
	formats_as("C:\\path", "K='C:\\path'\n");
	formats_as("one\ntwo", "K='one\ntwo'\n");
	formats_as("a #b", "K='a #b'\n");
	formats_as("a#b", "K='a#b'\n");
	formats_as(" padded ", "K=' padded '\n");
	formats_as("~/x", "K='~/x'\n");
	formats_as("`id`", "K='`id`'\n");
	formats_as("caf\xc3\xa9", "K='caf\xc3\xa9'\n");
}

static void test_a_single_quote_means_double_quotes(void)
{
	formats_as("it's", "K=\"it's\"\n");
	formats_as("it's \"q\" \\ $x\nnext",
		   "K=\"it's \\\"q\\\" \\\\ \\$x\\nnext\"\n");
}

static void test_what_is_written_parses_back(void)
{
	static const char *const values[] = {
		"",      "plain", "a&b",          "it's", "one\ntwo", "\\\\",
		"a\\",   "'",     "\"'\"",        "$'x'", " # ",      "\r\t",
		"x'\ny", "=",     "#not comment", "\\n",
	};
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct dotenv d;
	char key[8];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(key, sizeof(key), "K%zu", i);
		dotenv_format(&text, key, values[i]);
	}
	if (!CHECK_INT(dotenv_parse(text.buf, text.len, &d, &err), 0))
		goto out;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(key, sizeof(key), "K%zu", i);
		CHECK_STR(dotenv_get(&d, key), values[i]);
	}
	dotenv_release(&d);
out:
	buf_release(&err);
	buf_release(&text);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_plain_values_are_bare),
	CHECK_TEST(test_the_rest_is_single_quoted_literally),
	CHECK_TEST(test_a_single_quote_means_double_quotes),
	CHECK_TEST(test_what_is_written_parses_back),
};

CHECK_MAIN(tests)
