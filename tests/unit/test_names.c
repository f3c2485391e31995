/* Unit tests for names.h: API names as directory entry names (SPEC §2). */
#include <stdlib.h>
#include <string.h>

#include "model/names.h"

#include "check.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Names that stress the escaping: separators, escapes, the kernel's
 * reserved names, and text that looks like an escape already. */
static const char *const tricky[] = {
	"web", "a/b",  "/",    "//",  "a//b",    "/leading", "trailing/",
	"%",   "%%",   "100%", "%2F", "%25",     "%2E",      "%00",
	"",    ".",    "..",   "...", ".hidden", "a.b",      "..a",
	"a b", "café", "x@y",  "@",   "a/b%c/d", "%2F/%25",
};

/* Frees s and returns whether it equals want. */
static int take_str(char *s, const char *want, const char *what)
{
	int ok = CHECK(s != NULL);

	if (ok && strcmp(s, want)) {
		printf("#   %s: got \"%s\", want \"%s\"\n", what, s, want);
		ok = CHECK(!"unexpected string");
	}
	free(s);
	return ok;
}

static void test_escape_plain_names_unchanged(void)
{
	take_str(name_escape("web"), "web", "web");
	take_str(name_escape("web-db"), "web-db", "web-db");
	take_str(name_escape("n8n-t8cs0okg8o4o0cwsgw84cgo8"),
		 "n8n-t8cs0okg8o4o0cwsgw84cgo8", "service name");
	take_str(name_escape("a b"), "a b", "space");
	take_str(name_escape("café"), "café", "utf-8");
	take_str(name_escape(".hidden"), ".hidden", "dot file");
	take_str(name_escape("..."), "...", "three dots");
	take_str(name_escape("a.b"), "a.b", "inner dot");
}

static void test_escape_slash_and_percent(void)
{
	take_str(name_escape("a/b"), "a%2Fb", "slash");
	take_str(name_escape("/"), "%2F", "lone slash");
	take_str(name_escape("a//b"), "a%2F%2Fb", "two slashes");
	take_str(name_escape("100%"), "100%25", "percent");
	take_str(name_escape("%2F"), "%252F", "escape-looking");
	take_str(name_escape("%25"), "%2525", "escape of escape");
	take_str(name_escape("a/b%c"), "a%2Fb%25c", "both");
}

static void test_escape_reserved_names(void)
{
	static const char *const reserved[] = { "", ".", ".." };
	size_t i;

	for (i = 0; i < N_ELEMS(reserved); i++) {
		char *e = name_escape(reserved[i]);

		if (!CHECK(e != NULL))
			continue;
		CHECK(strcmp(e, "") != 0);
		CHECK(strcmp(e, ".") != 0);
		CHECK(strcmp(e, "..") != 0);
		CHECK(strchr(e, '/') == NULL);
		free(e);
	}
}

static void test_escape_gives_valid_component(void)
{
	size_t i;

	for (i = 0; i < N_ELEMS(tricky); i++) {
		char *e = name_escape(tricky[i]);

		if (!CHECK(e != NULL))
			continue;
		if (!CHECK(strchr(e, '/') == NULL) || !CHECK(*e != '\0') ||
		    !CHECK(strcmp(e, ".") && strcmp(e, "..")))
			printf("#   name \"%s\" -> \"%s\"\n", tricky[i], e);
		free(e);
	}
}

static void test_escape_round_trips(void)
{
	size_t i;

	for (i = 0; i < N_ELEMS(tricky); i++) {
		char *e = name_escape(tricky[i]);
		char *u = e ? name_unescape(e) : NULL;

		if (!CHECK_STR(u, tricky[i]))
			printf("#   via \"%s\"\n", e ? e : "(null)");
		free(e);
		free(u);
	}
}

static void test_escape_is_injective(void)
{
	char *e[N_ELEMS(tricky)];
	size_t i, j;

	for (i = 0; i < N_ELEMS(tricky); i++)
		e[i] = name_escape(tricky[i]);
	for (i = 0; i < N_ELEMS(tricky); i++)
		for (j = i + 1; j < N_ELEMS(tricky); j++)
			if (!CHECK(strcmp(e[i], e[j]) != 0))
				printf("#   \"%s\" and \"%s\" both -> \"%s\"\n",
				       tricky[i], tricky[j], e[i]);
	for (i = 0; i < N_ELEMS(tricky); i++)
		free(e[i]);
}

static void test_unescape_plain(void)
{
	take_str(name_unescape("web"), "web", "plain");
	take_str(name_unescape("a%2Fb"), "a/b", "slash");
	take_str(name_unescape("100%25"), "100%", "percent");
	take_str(name_unescape("%252F"), "%2F", "escaped escape");
}

static void test_unescape_rejects_malformed(void)
{
	static const char *const bad[] = {
		"%", "%2", "a%", "a%2", "%zz", "%41", "%2G", "100%", "%%",
	};
	size_t i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		char *u = name_unescape(bad[i]);

		if (!CHECK(u == NULL))
			printf("#   \"%s\" -> \"%s\"\n", bad[i], u);
		free(u);
	}
}

/* A well-formed escaped name is one name_escape() produces: an entry
 * name that decodes to a name whose entry name is different would let
 * `mkdir projects/a%2Eb` create a project that then shows as `a.b`. */
static void test_unescape_accepts_only_canonical_names(void)
{
	static const char *const noncanonical[] = {
		"a%2Eb", "%2E.", ".%2E", "%2E%2E%2E", "x%2E",
	};
	size_t i;

	for (i = 0; i < N_ELEMS(noncanonical); i++) {
		char *u = name_unescape(noncanonical[i]);
		char *again = u ? name_escape(u) : NULL;

		if (!CHECK(u == NULL || !strcmp(again, noncanonical[i])))
			printf("#   \"%s\" -> \"%s\" -> \"%s\"\n",
			       noncanonical[i], u, again);
		free(u);
		free(again);
	}
}

static void test_assign_unique_names_stay_plain(void)
{
	const char *names[] = { "web", "api", "a/b", "API" };
	const char *uuids[] = { "u1", "u2", "u3", "u4" };
	char *out[4];
	size_t i;

	names_assign(names, uuids, 4, out);
	CHECK_STR(out[0], "web");
	CHECK_STR(out[1], "api");
	CHECK_STR(out[2], "a%2Fb");
	CHECK_STR(out[3], "API"); /* case matters, as in the kernel */
	for (i = 0; i < 4; i++)
		free(out[i]);
}

static void test_assign_duplicates_get_uuid(void)
{
	const char *names[] = { "api", "web", "api", "db", "api" };
	const char *uuids[] = { "h0s4wck8g0os8kgwo4ccw4ko", "u2",
				"ks4cgko444kw8sso08w8k8c8", "u4", "abc1234" };
	char *out[5];
	size_t i;

	names_assign(names, uuids, 5, out);
	CHECK_STR(out[0], "api@h0s4wck8g0os8kgwo4ccw4ko");
	CHECK_STR(out[1], "web");
	CHECK_STR(out[2], "api@ks4cgko444kw8sso08w8k8c8");
	CHECK_STR(out[3], "db");
	CHECK_STR(out[4], "api@abc1234");
	for (i = 0; i < 5; i++)
		free(out[i]);
}

static void test_assign_escapes_duplicates_too(void)
{
	const char *names[] = { "a/b", "a/b", "100%", "100%" };
	const char *uuids[] = { "u1", "u2", "u3", "u4" };
	char *out[4];
	size_t i;

	names_assign(names, uuids, 4, out);
	CHECK_STR(out[0], "a%2Fb@u1");
	CHECK_STR(out[1], "a%2Fb@u2");
	CHECK_STR(out[2], "100%25@u3");
	CHECK_STR(out[3], "100%25@u4");
	for (i = 0; i < 4; i++)
		free(out[i]);
}

static void test_assign_reserved_duplicates(void)
{
	const char *names[] = { ".", ".", "", "" };
	const char *uuids[] = { "u1", "u2", "u3", "u4" };
	char *out[4];
	size_t i, j;

	names_assign(names, uuids, 4, out);
	for (i = 0; i < 4; i++) {
		CHECK(strchr(out[i], '/') == NULL);
		CHECK(strcmp(out[i], ".") && strcmp(out[i], ".."));
		for (j = 0; j < i; j++)
			CHECK(strcmp(out[i], out[j]) != 0);
	}
	for (i = 0; i < 4; i++)
		free(out[i]);
}

static void test_assign_nothing(void)
{
	char *out[1] = { NULL };

	names_assign(NULL, NULL, 0, out);
	CHECK(out[0] == NULL);
}

static void test_assign_single(void)
{
	const char *names[] = { "only" };
	const char *uuids[] = { "u1" };
	char *out[1];

	names_assign(names, uuids, 1, out);
	CHECK_STR(out[0], "only");
	free(out[0]);
}

/* names.h: "each of them is shown as NAME@UUID, so no entry hides
 * another". A resource may be named like a de-duplicated sibling. */
static void test_assign_never_gives_two_entries_one_name(void)
{
	const char *names[] = { "api", "api", "api@u2" };
	const char *uuids[] = { "u1", "u2", "u3" };
	char *out[3];
	size_t i, j;

	names_assign(names, uuids, 3, out);
	for (i = 0; i < 3; i++)
		for (j = 0; j < i; j++)
			if (!CHECK(strcmp(out[i], out[j]) != 0))
				printf("#   two entries named \"%s\"\n",
				       out[i]);
	for (i = 0; i < 3; i++)
		free(out[i]);
}

static void test_assign_many_siblings(void)
{
	enum { N = 300 };
	const char *names[N];
	const char *uuids[N];
	char ubuf[N][16], *out[N];
	size_t i;
	int bad = 0;

	for (i = 0; i < N; i++) {
		snprintf(ubuf[i], sizeof(ubuf[i]), "u%zu", i);
		uuids[i] = ubuf[i];
		/* Every third is "dup"; the rest are unique. */
		names[i] = i % 3 ? ubuf[i] : "dup";
	}
	names_assign(names, uuids, N, out);
	for (i = 0; i < N; i++) {
		char want[32];

		if (i % 3)
			snprintf(want, sizeof(want), "%s", ubuf[i]);
		else
			snprintf(want, sizeof(want), "dup@%s", ubuf[i]);
		if (strcmp(out[i], want))
			bad++;
		free(out[i]);
	}
	CHECK_INT(bad, 0);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_escape_plain_names_unchanged),
	CHECK_TEST(test_escape_slash_and_percent),
	CHECK_TEST(test_escape_reserved_names),
	CHECK_TEST(test_escape_gives_valid_component),
	CHECK_TEST(test_escape_round_trips),
	CHECK_TEST(test_escape_is_injective),
	CHECK_TEST(test_unescape_plain),
	CHECK_TEST(test_unescape_rejects_malformed),
	CHECK_TEST(test_unescape_accepts_only_canonical_names),
	CHECK_TEST(test_assign_unique_names_stay_plain),
	CHECK_TEST(test_assign_duplicates_get_uuid),
	CHECK_TEST(test_assign_escapes_duplicates_too),
	CHECK_TEST(test_assign_reserved_duplicates),
	CHECK_TEST(test_assign_nothing),
	CHECK_TEST(test_assign_single),
	CHECK_TEST(test_assign_never_gives_two_entries_one_name),
	CHECK_TEST(test_assign_many_siblings),
};

CHECK_MAIN(tests)
