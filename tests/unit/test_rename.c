/* Unit tests for model/rename.h: what name `mv` gives an object from the
 * entry name it is renamed to (SPEC §2, §6). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/names.h"
#include "model/rename.h"

#include "check.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* An environment's applications: web (the one renamed), and twins. */
static const char *const names[] = { "web", "api", "api", "shop/legacy" };
static const char *const uuids[] = { "u1", "u2", "u3", "u4" };

/* rename_target() of web (u1) among names[]: its errno, and the name it
 * gives in *got (caller frees), NULL on failure. */
static int target(const char *entry, const char *uuid, char **got)
{
	*got = NULL;
	return rename_target(entry, uuid, names, uuids, N_ELEMS(names), got);
}

static void expect_name(const char *entry, const char *uuid, const char *want)
{
	char *got;

	if (CHECK_INT(target(entry, uuid, &got), 0))
		CHECK_STR(got, want);
	free(got);
}

static void expect_err(const char *entry, const char *uuid, int err)
{
	char *got;

	CHECK_INT(target(entry, uuid, &got), -err);
	CHECK(got == NULL);
}

static void test_a_new_name_is_taken_as_it_is(void)
{
	expect_name("frontend", "u1", "frontend");
	expect_name("a b", "u1", "a b");
	expect_name("café", "u1", "café");
}

static void test_escapes_are_undone(void)
{
	expect_name("a%2Fb", "u1", "a/b");
	expect_name("promo 50%25 off", "u1", "promo 50% off");
	expect_name("%2E", "u1", ".");
}

static void test_what_no_listing_could_show_is_einval(void)
{
	expect_err("100%", "u1", EINVAL);
	expect_err("%2f", "u1", EINVAL); /* shown as %2F, never %2f */
	expect_err("%41", "u1", EINVAL);
	expect_err("%00", "u1", EINVAL); /* the empty name */
	expect_err("", "u1", EINVAL);
}

static void test_a_name_another_member_has_is_eexist(void)
{
	expect_err("api", "u1", EEXIST);
	expect_err("shop%2Flegacy", "u1", EEXIST);
	/* One of twins renamed to their name: the other still has it. */
	expect_err("api", "u2", EEXIST);
}

static void test_its_own_name_is_no_conflict(void)
{
	expect_name("web", "u1", "web");
	expect_name("api@u2", "u2", "api");
}

static void test_name_at_own_uuid_names_a_twin(void)
{
	/* web becomes a third api, shown as api@u1 beside the others. */
	expect_name("api@u1", "u1", "api");
	expect_name("shop%2Flegacy@u1", "u1", "shop/legacy");
}

static void test_name_at_own_uuid_without_a_twin_is_einval(void)
{
	/* The next listing would show "solo", not "solo@u1". */
	expect_err("solo@u1", "u1", EINVAL);
	expect_err("web@u1", "u1", EINVAL);
}

static void test_another_uuid_is_part_of_the_name(void)
{
	/* Only the object's own uuid makes the twin form; the tree refuses
	 * an entry that exists (api@u2) before asking this. */
	expect_name("api@u9", "u1", "api@u9");
	expect_name("x@y", "u1", "x@y");
}

static void test_reserved_names_count_as_taken(void)
{
	const char *const rn[] = { "Root Team", "current" };
	const char *const ru[] = { "0", NULL };
	char *got = NULL;

	CHECK_INT(rename_target("current", "0", rn, ru, 2, &got), -EEXIST);
	CHECK(got == NULL);
	CHECK_INT(rename_target("current@0", "0", rn, ru, 2, &got), 0);
	CHECK_STR(got, "current");
	free(got);
}

static void test_every_escaped_name_round_trips(void)
{
	static const char *const tricky[] = {
		"a/b", "/",   "%",   "100%", "%2F",     "%25",     ".",
		"..",  "...", "a b", "x@y",  "a/b%c/d", "%2F/%25",
	};
	size_t i;

	for (i = 0; i < N_ELEMS(tricky); i++) {
		char *entry = name_escape(tricky[i]), *got = NULL;

		if (CHECK_INT(rename_target(entry, "u9", NULL, NULL, 0, &got),
			      0))
			CHECK_STR(got, tricky[i]);
		free(got);
		free(entry);
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(test_a_new_name_is_taken_as_it_is),
	CHECK_TEST(test_escapes_are_undone),
	CHECK_TEST(test_what_no_listing_could_show_is_einval),
	CHECK_TEST(test_a_name_another_member_has_is_eexist),
	CHECK_TEST(test_its_own_name_is_no_conflict),
	CHECK_TEST(test_name_at_own_uuid_names_a_twin),
	CHECK_TEST(test_name_at_own_uuid_without_a_twin_is_einval),
	CHECK_TEST(test_another_uuid_is_part_of_the_name),
	CHECK_TEST(test_reserved_names_count_as_taken),
	CHECK_TEST(test_every_escaped_name_round_trips),
};

CHECK_MAIN(tests)
