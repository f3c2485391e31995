/* Unit tests for buf.h: the growable, capped, always-terminated buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "check.h"

/* The buffer holds exactly these len bytes and the terminator. */
static int buf_is(const struct buf *b, const void *data, size_t len)
{
	return b->buf && b->len == len && !memcmp(b->buf, data, len) &&
	       b->buf[len] == '\0';
}

static void test_init_is_empty_and_printable(void)
{
	struct buf a = BUF_INIT, b;

	CHECK(a.buf != NULL);
	CHECK_INT(a.len, 0);
	CHECK_INT(a.max, 0);
	CHECK_STR(a.buf, "");

	buf_init(&b, 32);
	CHECK(b.buf != NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.max, 32);
	CHECK_STR(b.buf, "");
	/* Owns nothing yet: releasing is harmless, twice too. */
	buf_release(&a);
	buf_release(&a);
	buf_release(&b);
	CHECK_STR(a.buf, "");
	CHECK_INT(b.max, 32);
}

static void test_add_appends_and_terminates(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(buf_add(&b, "hello", 5), 0);
	CHECK(buf_is(&b, "hello", 5));
	CHECK_INT(buf_adds(&b, ", "), 0);
	CHECK_INT(buf_addch(&b, 'w'), 0);
	CHECK_INT(buf_adds(&b, "orld"), 0);
	CHECK_STR(b.buf, "hello, world");
	CHECK_INT(b.len, 12);
	/* Adding nothing changes nothing but is fine. */
	CHECK_INT(buf_add(&b, "", 0), 0);
	CHECK_INT(buf_adds(&b, ""), 0);
	CHECK_STR(b.buf, "hello, world");
	CHECK_INT(b.len, 12);
	buf_release(&b);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
}

static void test_add_nothing_to_empty_buffer(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(buf_add(&b, "", 0), 0);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	buf_reset(&b);
	CHECK_STR(b.buf, "");
	buf_release(&b);
	/* The shared empty string is never written to. */
	CHECK_INT(buf_empty[0], '\0');
}

static void test_binary_data_with_nuls(void)
{
	static const char data[] = { 'a', '\0', 'b', '\0', '\n', (char)0xff };
	struct buf b = BUF_INIT;

	CHECK_INT(buf_add(&b, data, sizeof(data)), 0);
	CHECK(buf_is(&b, data, sizeof(data)));
	CHECK_INT(buf_addch(&b, '\0'), 0);
	CHECK_INT(b.len, sizeof(data) + 1);
	CHECK_INT(b.buf[sizeof(data)], '\0');
	CHECK_INT(b.buf[b.len], '\0');
	buf_release(&b);
}

static void test_growth_keeps_contents(void)
{
	struct buf b = BUF_INIT;
	char *expect = malloc(100000);
	size_t i;
	int rc = 0;

	if (!CHECK(expect != NULL))
		return;
	for (i = 0; i < 100000; i++) {
		expect[i] = (char)('a' + i % 26);
		rc |= buf_addch(&b, expect[i]);
		if (b.buf[b.len] != '\0')
			rc |= 1;
	}
	CHECK_INT(rc, 0);
	CHECK(buf_is(&b, expect, 100000));
	CHECK(b.alloc > b.len);
	/* One big append into an existing buffer. */
	CHECK_INT(buf_add(&b, expect, 100000), 0);
	CHECK_INT(b.len, 200000);
	CHECK(!memcmp(b.buf + 100000, expect, 100000));
	CHECK_INT(b.buf[200000], '\0');
	free(expect);
	buf_release(&b);
}

static void test_addf_formats_and_appends(void)
{
	struct buf b = BUF_INIT;
	char big[300];
	size_t i;

	CHECK_INT(buf_addf(&b, "%d-%s", 42, "x"), 0);
	CHECK_STR(b.buf, "42-x");
	CHECK_INT(buf_addf(&b, "[%5.2f]%c", 3.14159, '!'), 0);
	CHECK_STR(b.buf, "42-x[ 3.14]!");
	CHECK_INT(b.len, strlen("42-x[ 3.14]!"));
	/* Longer than the first allocation. */
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('0' + i % 10);
	big[sizeof(big) - 1] = '\0';
	buf_reset(&b);
	CHECK_INT(buf_addf(&b, "<%s>", big), 0);
	CHECK_INT(b.len, sizeof(big) + 1);
	CHECK_INT(b.buf[0], '<');
	CHECK_INT(b.buf[b.len - 1], '>');
	CHECK(!memcmp(b.buf + 1, big, sizeof(big) - 1));
	CHECK_INT(b.buf[b.len], '\0');
	buf_release(&b);
}

static void test_addf_empty_result(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(buf_addf(&b, "%s", ""), 0);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(buf_addf(&b, "a%sb", ""), 0);
	CHECK_STR(b.buf, "ab");
	buf_release(&b);
}

static int __attribute__((format(printf, 2, 3)))
call_vaddf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_vaddf(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(call_vaddf(&b, "%s=%u;", "a", 1u), 0);
	CHECK_INT(call_vaddf(&b, "%s=%ld", "bb", -2L), 0);
	CHECK_STR(b.buf, "a=1;bb=-2");
	buf_release(&b);
}

static void test_set_replaces(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(buf_adds(&b, "a longer first value"), 0);
	CHECK_INT(buf_set(&b, "xy", 2), 0);
	CHECK(buf_is(&b, "xy", 2));
	CHECK_INT(buf_set(&b, "", 0), 0);
	CHECK(buf_is(&b, "", 0));
	CHECK_INT(buf_set(&b, "on empty", 8), 0);
	CHECK_STR(b.buf, "on empty");
	buf_release(&b);

	/* On a buffer that owns nothing yet. */
	CHECK_INT(buf_set(&b, "abc", 3), 0);
	CHECK_STR(b.buf, "abc");
	buf_release(&b);
}

static void test_truncate_and_reset(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(buf_adds(&b, "abcdef"), 0);
	buf_truncate(&b, 6);
	CHECK_STR(b.buf, "abcdef");
	buf_truncate(&b, 3);
	CHECK(buf_is(&b, "abc", 3));
	buf_truncate(&b, 0);
	CHECK(buf_is(&b, "", 0));
	CHECK_INT(buf_adds(&b, "xyz"), 0);
	CHECK_STR(b.buf, "xyz");
	buf_reset(&b);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(buf_adds(&b, "again"), 0);
	CHECK_STR(b.buf, "again");
	buf_release(&b);

	/* Truncating an empty BUF_INIT buffer leaves it valid. */
	buf_truncate(&b, 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(buf_empty[0], '\0');
}

static void test_cap_allows_exactly_max(void)
{
	struct buf b;

	buf_init(&b, 8);
	CHECK_INT(buf_adds(&b, "1234"), 0);
	CHECK_INT(buf_adds(&b, "5678"), 0);
	CHECK(buf_is(&b, "12345678", 8));
	buf_release(&b);

	buf_init(&b, 8);
	CHECK_INT(buf_addf(&b, "%s", "12345678"), 0);
	CHECK_INT(b.len, 8);
	buf_release(&b);

	buf_init(&b, 8);
	CHECK_INT(buf_set(&b, "12345678", 8), 0);
	CHECK_INT(b.len, 8);
	buf_release(&b);
}

static void test_cap_refuses_and_leaves_buffer_unchanged(void)
{
	struct buf b;

	buf_init(&b, 8);
	CHECK_INT(buf_adds(&b, "abc"), 0);
	CHECK_INT(buf_add(&b, "123456", 6), -EFBIG);
	CHECK(buf_is(&b, "abc", 3));
	CHECK_INT(buf_adds(&b, "123456"), -EFBIG);
	CHECK(buf_is(&b, "abc", 3));
	CHECK_INT(buf_addf(&b, "%s", "123456"), -EFBIG);
	CHECK(buf_is(&b, "abc", 3));
	CHECK_INT(buf_addf(&b, "%d", 123456), -EFBIG);
	CHECK(buf_is(&b, "abc", 3));
	CHECK_INT(call_vaddf(&b, "%s", "123456"), -EFBIG);
	CHECK(buf_is(&b, "abc", 3));
	/* What still fits goes in. */
	CHECK_INT(buf_adds(&b, "12345"), 0);
	CHECK(buf_is(&b, "abc12345", 8));
	CHECK_INT(buf_addch(&b, 'x'), -EFBIG);
	CHECK(buf_is(&b, "abc12345", 8));
	CHECK_INT(buf_add(&b, "", 0), 0);
	CHECK(buf_is(&b, "abc12345", 8));
	buf_release(&b);
}

static void test_cap_on_set_keeps_old_contents(void)
{
	struct buf b;

	buf_init(&b, 4);
	CHECK_INT(buf_set(&b, "old", 3), 0);
	CHECK_INT(buf_set(&b, "toolong", 7), -EFBIG);
	CHECK(buf_is(&b, "old", 3));
	CHECK_INT(buf_set(&b, "new!", 4), 0);
	CHECK(buf_is(&b, "new!", 4));
	buf_release(&b);
}

static void test_cap_on_empty_buffer(void)
{
	struct buf b;

	buf_init(&b, 2);
	CHECK_INT(buf_adds(&b, "abc"), -EFBIG);
	CHECK(buf_is(&b, "", 0));
	CHECK_INT(buf_addf(&b, "%s", "abc"), -EFBIG);
	CHECK(buf_is(&b, "", 0));
	buf_release(&b);
}

static void test_cap_refuses_absurd_length(void)
{
	struct buf b;

	/* Fails before reading a byte of the data. */
	buf_init(&b, 16);
	CHECK_INT(buf_adds(&b, "ab"), 0);
	CHECK_INT(buf_add(&b, "x", SIZE_MAX), -EFBIG);
	CHECK_INT(buf_add(&b, "x", SIZE_MAX - 2), -EFBIG);
	CHECK(buf_is(&b, "ab", 2));
	buf_release(&b);
}

static void test_release_keeps_cap(void)
{
	struct buf b;

	buf_init(&b, 4);
	CHECK_INT(buf_adds(&b, "abcd"), 0);
	buf_release(&b);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(b.max, 4);
	CHECK_INT(buf_adds(&b, "abcde"), -EFBIG);
	CHECK_INT(buf_adds(&b, "abcd"), 0);
	buf_release(&b);
}

static void test_uncapped_takes_a_lot(void)
{
	struct buf b;
	char chunk[4096];
	int i, rc = 0;

	memset(chunk, 'z', sizeof(chunk));
	buf_init(&b, 0);
	for (i = 0; i < 512; i++)
		rc |= buf_add(&b, chunk, sizeof(chunk));
	CHECK_INT(rc, 0);
	CHECK_INT(b.len, 512 * sizeof(chunk));
	CHECK_INT(b.buf[b.len - 1], 'z');
	CHECK_INT(b.buf[b.len], '\0');
	buf_release(&b);
}

static void test_detach_hands_over_the_bytes(void)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s;

	CHECK_INT(buf_adds(&b, "payload"), 0);
	s = buf_detach(&b, &len);
	CHECK_STR(s, "payload");
	CHECK_INT(len, 7);
	/* b is empty and usable again; s is ours. */
	CHECK_INT(b.len, 0);
	CHECK_STR(b.buf, "");
	CHECK(b.buf != s);
	CHECK_INT(buf_adds(&b, "next"), 0);
	CHECK_STR(b.buf, "next");
	CHECK_STR(s, "payload");
	free(s);
	s = buf_detach(&b, NULL);
	CHECK_STR(s, "next");
	free(s);
	buf_release(&b);
}

static void test_detach_empty_never_null(void)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s = buf_detach(&b, &len);

	if (CHECK(s != NULL)) {
		CHECK_STR(s, "");
		CHECK(s != buf_empty);
		free(s);
	}
	CHECK_INT(len, 0);

	/* Emptied by truncation but owning memory. */
	CHECK_INT(buf_adds(&b, "x"), 0);
	buf_reset(&b);
	s = buf_detach(&b, &len);
	if (CHECK(s != NULL)) {
		CHECK_STR(s, "");
		free(s);
	}
	CHECK_INT(len, 0);
	buf_release(&b);
}

static void test_detach_binary_length(void)
{
	struct buf b = BUF_INIT;
	size_t len = 0;
	char *s;

	CHECK_INT(buf_add(&b, "a\0b", 3), 0);
	s = buf_detach(&b, &len);
	CHECK_INT(len, 3);
	CHECK(!memcmp(s, "a\0b", 4));
	free(s);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_init_is_empty_and_printable),
	CHECK_TEST(test_add_appends_and_terminates),
	CHECK_TEST(test_add_nothing_to_empty_buffer),
	CHECK_TEST(test_binary_data_with_nuls),
	CHECK_TEST(test_growth_keeps_contents),
	CHECK_TEST(test_addf_formats_and_appends),
	CHECK_TEST(test_addf_empty_result),
	CHECK_TEST(test_vaddf),
	CHECK_TEST(test_set_replaces),
	CHECK_TEST(test_truncate_and_reset),
	CHECK_TEST(test_cap_allows_exactly_max),
	CHECK_TEST(test_cap_refuses_and_leaves_buffer_unchanged),
	CHECK_TEST(test_cap_on_set_keeps_old_contents),
	CHECK_TEST(test_cap_on_empty_buffer),
	CHECK_TEST(test_cap_refuses_absurd_length),
	CHECK_TEST(test_release_keeps_cap),
	CHECK_TEST(test_uncapped_takes_a_lot),
	CHECK_TEST(test_detach_hands_over_the_bytes),
	CHECK_TEST(test_detach_empty_never_null),
	CHECK_TEST(test_detach_binary_length),
};

CHECK_MAIN(tests)
