/* Unit tests for the pure part of instance.h: the answer of GET /version
 * in either form (NOTES §13) and what it says about the API (NOTES §17). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/instance.h"

#include "check.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The version body gives, or NULL when it is refused. */
static char *parsed(const char *body)
{
	char *v = NULL;

	if (instance_version_parse(body, strlen(body), &v))
		return NULL;
	return v;
}

static void check_parsed(const char *body, const char *want)
{
	char *v = parsed(body);

	if (!CHECK_STR(v, want))
		printf("#   body \"%s\"\n", body);
	free(v);
}

/* What Coolify itself sends: text/html, no quotes. */
static void test_plain_text(void)
{
	check_parsed("4.0.0-beta.419", "4.0.0-beta.419");
	check_parsed("4.3.11\n", "4.3.11");
	check_parsed("  4.3.11 \r\n", "4.3.11");
	check_parsed("v4.0.0", "v4.0.0");
	/* Only the first line is the version. */
	check_parsed("4.3.11\nsomething else\n", "4.3.11");
}

/* What the official spec documents: a JSON string. */
static void test_json_string(void)
{
	check_parsed("\"v4.0.0\"", "v4.0.0");
	check_parsed("\"4.0.0-beta.419\"\n", "4.0.0-beta.419");
	check_parsed(" \"v4.0.0-beta.419\" ", "v4.0.0-beta.419");
	/* Decoded, not only unquoted. */
	check_parsed("\"4.3.11\\u002b1\"", "4.3.11+1");
}

static void test_not_a_version(void)
{
	static const char *const bad[] = {
		"",
		"\n",
		"\"\"",
		"\"v4.0.0",               /* unterminated string */
		"\"v4.0.0\" trailing",    /* more than the string */
		"\"v4.0.0\"\"x\"",
		"{\"version\":\"4.3.11\"}",
		"[\"4.3.11\"]",
		"4",                      /* a number is fine as text */
		"<!DOCTYPE html><html>",
		"<html><body>4.3.11</body></html>",
		"OK",
		"Not found",
		"\"\\u0000\"",
		"\"4.3 .11\"",
		"v",
		"null",
		"true",
	};
	size_t i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		char *v = parsed(bad[i]);

		/* "4" alone is the shape of a version: accepted. */
		if (!strcmp(bad[i], "4")) {
			CHECK_STR(v, "4");
		} else if (!CHECK(v == NULL)) {
			printf("#   body \"%s\" gave \"%s\"\n", bad[i], v);
		}
		free(v);
	}
}

/* Failure leaves the out-parameter untouched (STYLE 4). */
static void test_failure_leaves_out_alone(void)
{
	char *v = (char *)"untouched";

	CHECK_INT(instance_version_parse("<html>", 6, &v), -EPROTO);
	CHECK_STR(v, "untouched");
}

/* The length is the body's: nothing past it is read. */
static void test_length_bounds_the_body(void)
{
	char *v = NULL;

	CHECK_INT(instance_version_parse("4.3.11garbage", 6, &v), 0);
	CHECK_STR(v, "4.3.11");
	free(v);
	v = NULL;
	CHECK_INT(instance_version_parse("\"v4.0.0\"", 7, &v), -EPROTO);
	CHECK(v == NULL);
}

/* NOTES §17: the 2025 seed is 4.0.0-beta.4xx; anything else is current,
 * whether the version carries the spec's "v" or not. */
static void test_current_api(void)
{
	CHECK(!instance_version_current("4.0.0-beta.419"));
	CHECK(!instance_version_current("v4.0.0-beta.419"));
	CHECK(!instance_version_current("V4.0.0-beta.400"));
	CHECK(instance_version_current("4.3.11"));
	CHECK(instance_version_current("v4.3.11"));
	CHECK(instance_version_current("v4.0.0"));
	CHECK(instance_version_current("4.0.0"));
}

static const struct check_test tests[] = {
	CHECK_TEST(test_plain_text),
	CHECK_TEST(test_json_string),
	CHECK_TEST(test_not_a_version),
	CHECK_TEST(test_failure_leaves_out_alone),
	CHECK_TEST(test_length_bounds_the_body),
	CHECK_TEST(test_current_api),
};

CHECK_MAIN(tests)
