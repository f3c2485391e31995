/* A tiny unit-test harness, TAP output, no framework.
 *
 * A test is a `static void test_x(void)` that makes checks:
 *
 *	CHECK(cond)        true condition
 *	CHECK_INT(a, b)    equal integers (compared as long long)
 *	CHECK_STR(a, b)    equal strings; NULL equals only NULL
 *
 * Each check records a failure with file:line and the values, and returns
 * whether it held, so a test can stop early: `if (!CHECK(p)) return;`.
 * main() hands a table of tests to check_run(), which prints one
 * `ok N - name` / `not ok N - name` line per test, the failures as `#`
 * comments, and a last line `N passed, N failed`; it returns 1 when any
 * test failed. An argument runs only the tests whose name contains it.
 *
 * A test that shows a bug in fs/ that has been reported but not yet fixed
 * calls CHECK_KNOWN_BUG("where and what") first: it still fails, and its
 * `not ok` line carries the note, so nobody mistakes it for a broken
 * test. Once the bug is fixed the line says the mark can go.
 *
 * Not thread-safe: make checks from the test's own thread only. */
#ifndef CFS_CHECK_H
#define CFS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_test {
	const char *name;
	void (*fn)(void);
};

/* clang-format off */
#define CHECK_TEST(fn) { #fn, fn }
/* clang-format on */

static int check_cur_failures;          /* failed checks in this test */
static const char *check_cur_known_bug; /* CHECK_KNOWN_BUG note or NULL */

static inline int check_fail_head(const char *file, int line)
{
	check_cur_failures++;
	printf("#   %s:%d: ", file, line);
	return 0;
}

/* Prints s quoted, with control characters escaped; NULL as NULL. */
static inline void check_print_str(const char *s)
{
	if (!s) {
		printf("NULL");
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\n')
			printf("\\n");
		else if (ch == '\t')
			printf("\\t");
		else if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static inline int check_true(int ok, const char *expr, const char *file,
			     int line)
{
	if (ok)
		return 1;
	check_fail_head(file, line);
	printf("CHECK(%s) failed\n", expr);
	return 0;
}

static inline int check_int(long long a, long long b, const char *ea,
			    const char *eb, const char *file, int line)
{
	if (a == b)
		return 1;
	check_fail_head(file, line);
	printf("CHECK_INT(%s, %s): %lld != %lld\n", ea, eb, a, b);
	return 0;
}

static inline int check_str(const char *a, const char *b, const char *ea,
			    const char *eb, const char *file, int line)
{
	if (a == b || (a && b && !strcmp(a, b)))
		return 1;
	check_fail_head(file, line);
	printf("CHECK_STR(%s, %s): ", ea, eb);
	check_print_str(a);
	printf(" != ");
	check_print_str(b);
	putchar('\n');
	return 0;
}

#define CHECK(cond) check_true(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_INT(a, b) \
	check_int((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a, #b, __FILE__, __LINE__)

/* Marks the running test as showing a reported, unfixed bug in fs/. */
#define CHECK_KNOWN_BUG(note) (check_cur_known_bug = (note))

static inline int check_run(const struct check_test *tests, size_t n, int argc,
			    char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0, num = 0;
	size_t i, planned = 0;

	/* Failures go to stdout between the test lines: keep them in order
	 * with whatever the code under test writes to stderr. */
	setvbuf(stdout, NULL, _IONBF, 0);
	for (i = 0; i < n; i++)
		if (!only || strstr(tests[i].name, only))
			planned++;
	printf("1..%zu\n", planned);
	for (i = 0; i < n; i++) {
		if (only && !strstr(tests[i].name, only))
			continue;
		num++;
		check_cur_failures = 0;
		check_cur_known_bug = NULL;
		tests[i].fn();
		if (check_cur_failures) {
			failed++;
			printf("not ok %d - %s", num, tests[i].name);
			if (check_cur_known_bug)
				printf(" # known bug: %s", check_cur_known_bug);
			putchar('\n');
		} else {
			passed++;
			printf("ok %d - %s", num, tests[i].name);
			if (check_cur_known_bug)
				printf(" # passes now: remove CHECK_KNOWN_BUG");
			putchar('\n');
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#define CHECK_MAIN(table)                                                     \
	int main(int argc, char **argv)                                       \
	{                                                                     \
		return check_run((table), sizeof(table) / sizeof((table)[0]), \
				 argc, argv);                                 \
	}

#endif
