/* Unit tests for the pure part of crud.h: what a save of an object's
 * file sends (the fields that changed, SPEC §3.4), and what counts as
 * one whole JSON object. */
#include <errno.h>
#include <string.h>

#include "api/crud.h"

#include "check.h"

static struct buf out = BUF_INIT;
static size_t n;

static void test_only_changed_fields(void)
{
	const char *base = "{\"uuid\":\"u1\",\"name\":\"web\",\"description\":"
			   "null,\"limits\":{\"cpus\":\"1\"},\"ports\":[80]}";

	CHECK_INT(crud_diff(base,
			    "{\"uuid\":\"u1\",\"name\":\"web\",\"description\":"
			    "\"x\",\"limits\":{\"cpus\":\"1\"},\"ports\":[80]}",
			    &out, &n),
		  0);
	CHECK_STR(out.buf, "{\"description\":\"x\"}");
	CHECK_INT(n, 1);
	/* Nested values compare whole; order and spacing do not matter. */
	CHECK_INT(crud_diff(base,
			    "{ \"ports\": [80, 443], \"limits\": {\"cpus\": "
			    "\"1\"}, \"name\": \"web\" }",
			    &out, &n),
		  0);
	CHECK_STR(out.buf, "{\"ports\":[80,443]}");
	CHECK_INT(crud_diff(base, "{\"limits\":{\"cpus\":\"2\"}}", &out, &n),
		  0);
	CHECK_STR(out.buf, "{\"limits\":{\"cpus\":\"2\"}}");
}

static void test_unchanged_and_left_out_send_nothing(void)
{
	CHECK_INT(crud_diff("{\"a\":1,\"b\":\"x\"}", "{\"a\":1}", &out, &n), 0);
	CHECK_INT(n, 0);
	CHECK_STR(out.buf, "{}");
	CHECK_INT(crud_diff("{\"a\":1}", "{\"a\":1,\"new\":true}", &out, &n),
		  0);
	CHECK_INT(n, 1);
	CHECK_STR(out.buf, "{\"new\":true}");
	/* A number is not its string, nor null an empty string. */
	CHECK_INT(crud_diff("{\"a\":1,\"b\":null}", "{\"a\":\"1\",\"b\":\"\"}",
			    &out, &n),
		  0);
	CHECK_INT(n, 2);
	/* No base (new.json): everything is new. */
	CHECK_INT(crud_diff(NULL, "{\"a\":1}", &out, &n), 0);
	CHECK_INT(n, 1);
	/* json-c reads NaN, which equals nothing: a field left as it was
	 * is still not sent (found by fuzz_crud). */
	CHECK_INT(crud_diff("{\"a\":[NaN],\"b\":1}", "{\"a\":[NaN],\"b\":2}",
			    &out, &n),
		  0);
	CHECK_INT(n, 1);
	CHECK_STR(out.buf, "{\"b\":2}");
	/* A number is the same written 0.0 or 0, at any depth (jq prints
	 * the API's 0.0 as 0); 1 and 1.5 differ. */
	CHECK_INT(crud_diff("{\"a\":0.0,\"c\":[{\"m\":2.50}],\"d\":1}",
			    "{\"a\":0,\"c\":[{\"m\":2.5}],\"d\":1.5}", &out,
			    &n),
		  0);
	CHECK_INT(n, 1);
	CHECK_STR(out.buf, "{\"d\":1.5}");
}

static void test_not_an_object_is_einval(void)
{
	CHECK_INT(crud_diff("{}", "[1,2]", &out, &n), -EINVAL);
	CHECK_INT(crud_diff("{}", "{\"a\":1,}", &out, &n), -EINVAL);
	CHECK_INT(crud_diff("{}", "{\"a\":1} {\"b\":2}", &out, &n), -EINVAL);
	CHECK_INT(crud_diff("{}", "", &out, &n), -EINVAL);
	CHECK(crud_is_object("{\"a\":1}\n"));
	CHECK(crud_is_object(" {}\n"));
	CHECK(!crud_is_object("{\"a\":"));
	CHECK(!crud_is_object("\"text\""));
	CHECK(!crud_is_object("{}x"));
}

static void test_slashes_stay_plain(void)
{
	CHECK_INT(crud_diff("{}", "{\"path\":\"/health\"}", &out, &n), 0);
	CHECK_STR(out.buf, "{\"path\":\"/health\"}");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_only_changed_fields),
	CHECK_TEST(test_unchanged_and_left_out_send_nothing),
	CHECK_TEST(test_not_an_object_is_einval),
	CHECK_TEST(test_slashes_stay_plain),
};

CHECK_MAIN(tests)
