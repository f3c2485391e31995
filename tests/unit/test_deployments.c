/* Unit tests for deployments.h: every answer that holds deployments, and
 * the build log rendered from its JSON string (NOTES §9.2, §11). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/deployments.h"

#include "check.h"

#define ROW(uuid, status, created)                                           \
	"{\"id\":1,\"deployment_uuid\":\"" uuid "\",\"status\":\"" status    \
	"\",\"deployment_url\":\"/project/p/environment/e/application/app1/" \
	"deployment/" uuid "\",\"created_at\":\"" created                    \
	"\",\"updated_at\":\"2025-05-27 13:12:40\",\"logs\":\"[]\"}"

static const char row_d2[] =
    ROW("d2", "finished", "2025-05-27T13:10:20.000000Z");
static const char row_d1[] = ROW("d1", "failed", "2025-05-20T09:00:00.000000Z");
static const char row_b[] = ROW("b", "in_progress", "2025-05-27 13:00:00");
static const char row_a[] = ROW("a", "queued", "2025-05-27 13:05:00");

static void test_parse_the_paginated_answer(void)
{
	struct buf json = BUF_INIT;
	struct deploy_list *l;
	const struct deploy_item *d;

	buf_addf(&json, "{\"count\":12,\"deployments\":[%s,%s]}", row_d2,
		 row_d1);
	if (!CHECK_INT(deploy_list_parse(json.buf, &l), 0))
		return;
	CHECK_INT(l->n, 2);
	d = deploy_list_find(l, "d1");
	if (CHECK(d)) {
		CHECK_STR(d->status, "failed");
		CHECK_STR(d->app_uuid, "app1");
		CHECK_INT(d->created, 1747731600);
		CHECK_STR(d->logs, "[]");
		CHECK(strstr(d->json, "\"deployment_uuid\":\"d1\""));
	}
	CHECK(!deploy_list_find(l, "nope"));
	deploy_list_free(l);
	buf_release(&json);
}

static void test_parse_the_numeric_keyed_list(void)
{
	struct buf json = BUF_INIT;
	struct deploy_list *l;

	/* NOTES §2.4: GET /deployments sorted by id, keys kept. */
	buf_addf(&json, "{\"1\":%s,\"0\":%s}", row_b, row_a);
	if (!CHECK_INT(deploy_list_parse(json.buf, &l), 0))
		return;
	CHECK_INT(l->n, 2);
	deploy_list_sort(l);
	CHECK_STR(l->v[0].uuid, "a");
	CHECK_STR(l->v[1].uuid, "b");
	deploy_list_free(l);
	buf_release(&json);
}

static void test_parse_one_and_empty(void)
{
	struct deploy_list *l;

	if (CHECK_INT(deploy_list_parse(
			  ROW("x", "queued", "2025-01-01 00:00:00"), &l),
		      0)) {
		CHECK_INT(l->n, 1);
		CHECK_STR(l->v[0].uuid, "x");
		deploy_list_free(l);
	}
	if (CHECK_INT(deploy_list_parse("[]", &l), 0)) {
		CHECK_INT(l->n, 0);
		deploy_list_free(l);
	}
	if (CHECK_INT(deploy_list_parse("{}", &l), 0)) {
		CHECK_INT(l->n, 0);
		deploy_list_free(l);
	}
	CHECK_INT(deploy_list_parse("not json", &l), -EIO);
	CHECK_INT(deploy_list_parse("\"text\"", &l), -EIO);
}

static void test_hidden_log_is_null(void)
{
	/* NOTES §1.5: without read:sensitive the key is gone. */
	struct deploy_list *l;

	if (!CHECK_INT(
		deploy_list_parse("{\"deployment_uuid\":\"x\",\"status\":"
				  "\"finished\"}",
				  &l),
		0))
		return;
	CHECK(l->v[0].logs == NULL);
	CHECK(l->v[0].app_uuid == NULL);
	deploy_list_free(l);
	/* A queued deployment has written nothing: an empty log. */
	if (!CHECK_INT(deploy_list_parse("{\"deployment_uuid\":\"x\","
					 "\"status\":\"queued\",\"logs\":null}",
					 &l),
		       0))
		return;
	CHECK_STR(l->v[0].logs, "");
	deploy_list_free(l);
}

static void test_states(void)
{
	CHECK(deploy_active("queued"));
	CHECK(deploy_active("in_progress"));
	CHECK(!deploy_active("finished"));
	CHECK(deploy_failed("failed"));
	CHECK(deploy_failed("cancelled-by-user"));
	CHECK(!deploy_failed("finished"));
}

static const char *render(const char *logs)
{
	static struct buf out = BUF_INIT;

	if (deploy_render_log(logs, &out))
		return NULL;
	return out.buf;
}

static void test_render_build_log(void)
{
	/* NOTES §9.2: the first entry has no order; hidden entries are
	 * debug output; an output can hold several lines; a box chunk
	 * starts with a newline. Entries may come out of order. */
	const char *logs =
	    "[{\"command\":null,\"output\":\"Starting deployment.\","
	    "\"type\":\"stdout\",\"hidden\":false,\"batch\":1},"
	    "{\"command\":\"docker build\",\"output\":\"#1 one\\n#2 two\","
	    "\"type\":\"stdout\",\"hidden\":false,\"batch\":2,\"order\":4},"
	    "{\"command\":\"docker rm -f x\",\"output\":\"No such container\","
	    "\"type\":\"stderr\",\"hidden\":true,\"batch\":3,\"order\":2},"
	    "{\"command\":null,\"output\":\"\\n\\u2554\\u2550\\u2557\","
	    "\"type\":\"stdout\",\"hidden\":false,\"batch\":1,\"order\":3},"
	    "{\"command\":null,\"output\":\"\",\"hidden\":false,\"order\":5},"
	    "{\"command\":null,\"output\":\"Done.\",\"hidden\":false,"
	    "\"order\":6}]";

	CHECK_STR(render(logs), "Starting deployment.\n"
				"\n\xe2\x95\x94\xe2\x95\x90\xe2\x95\x97\n"
				"#1 one\n#2 two\n"
				"Done.\n");
	CHECK_STR(render(""), "");
	CHECK_STR(render(NULL), "");
	CHECK_STR(render("[]"), "");
	CHECK(render("{\"not\":\"a log\"}") == NULL);
}

static void test_render_keeps_ties_in_order(void)
{
	/* Two entries may share an order (and "missing" is 1). */
	CHECK_STR(render("[{\"output\":\"a\"},{\"output\":\"b\",\"order\":1},"
			 "{\"output\":\"c\",\"order\":1}]"),
		  "a\nb\nc\n");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_parse_the_paginated_answer),
	CHECK_TEST(test_parse_the_numeric_keyed_list),
	CHECK_TEST(test_parse_one_and_empty),
	CHECK_TEST(test_hidden_log_is_null),
	CHECK_TEST(test_states),
	CHECK_TEST(test_render_build_log),
	CHECK_TEST(test_render_keeps_ties_in_order),
};

CHECK_MAIN(tests)
