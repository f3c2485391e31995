/* Unit tests for the ctl grammar of actions.h (SPEC §3.3): the verbs of
 * each kind, their options, and what `cat ctl` lists. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/actions.h"

#include "check.h"

static struct actions_cmd cmd;
static struct buf err = BUF_INIT;

static int parse(enum res_kind kind, const char *line)
{
	return actions_parse(kind, false, line, &cmd, &err);
}

static void test_application_verbs(void)
{
	CHECK_INT(parse(RES_APP, "restart"), 0);
	CHECK_INT(cmd.verb, ACTIONS_RESTART);
	CHECK(!cmd.wait);
	CHECK_INT(parse(RES_APP, "  start\t"), 0);
	CHECK_INT(cmd.verb, ACTIONS_START);
	CHECK_INT(parse(RES_APP, "stop"), 0);
	CHECK_INT(cmd.verb, ACTIONS_STOP);
	CHECK_INT(parse(RES_APP, "deploy"), 0);
	CHECK_INT(cmd.verb, ACTIONS_DEPLOY);
	CHECK(!cmd.force && !cmd.wait && !cmd.pr);
}

static void test_deploy_options_in_any_order(void)
{
	CHECK_INT(parse(RES_APP, "deploy force pr 42 wait"), 0);
	CHECK(cmd.force && cmd.wait);
	CHECK_INT(cmd.pr, 42);
	CHECK_INT(parse(RES_APP, "deploy wait force"), 0);
	CHECK(cmd.force && cmd.wait);
	CHECK_INT(cmd.pr, 0);
	CHECK_INT(parse(RES_APP, "restart wait"), 0);
	CHECK(cmd.wait);
}

static void test_refusals_say_why(void)
{
	CHECK_INT(parse(RES_APP, "frobnicate"), -EINVAL);
	CHECK(strstr(err.buf, "frobnicate"));
	CHECK(strstr(err.buf, "deploy [force] [pr N] [wait]"));
	CHECK_INT(parse(RES_APP, "deploy pr"), -EINVAL);
	CHECK_INT(parse(RES_APP, "deploy pr x"), -EINVAL);
	CHECK_INT(parse(RES_APP, "deploy pr 0"), -EINVAL);
	CHECK_INT(parse(RES_APP, "deploy pr -1"), -EINVAL);
	CHECK_INT(parse(RES_APP, "deploy pr 99999999999999999999999"), -EINVAL);
	CHECK_INT(parse(RES_APP, "stop wait"), -EINVAL);
	CHECK(strstr(err.buf, "wait"));
	CHECK_INT(parse(RES_APP, "restart latest"), -EINVAL);
	CHECK_INT(parse(RES_APP, "Restart"), -EINVAL);
}

/* Deleting is deliberate and has its own words (SPEC §3.4), each an
 * API flag sent as 1 or 0, never "false" (NOTES §4.3). */
static void test_delete_options(void)
{
	char *q;

	CHECK_INT(parse(RES_APP, "delete"), 0);
	CHECK_INT(cmd.verb, ACTIONS_DELETE);
	CHECK_INT(cmd.del, 0);
	CHECK_INT(parse(RES_DB, "delete volumes connected_networks"), 0);
	CHECK_INT(cmd.del,
		  ACTIONS_DEL_VOLUMES | ACTIONS_DEL_CONNECTED_NETWORKS);
	CHECK_INT(parse(RES_SVC, "delete configurations docker_cleanup"), 0);
	CHECK_INT(cmd.del,
		  ACTIONS_DEL_CONFIGURATIONS | ACTIONS_DEL_DOCKER_CLEANUP);
	CHECK_INT(parse(RES_APP, "delete all"), -EINVAL);
	CHECK(strstr(err.buf, "volumes"));
	CHECK_INT(parse(RES_APP, "delete wait"), -EINVAL);
	CHECK_INT(parse(RES_APP, "deploy volumes"), -EINVAL);
	q = actions_delete_query(0);
	CHECK_STR(q, "delete_volumes=0&delete_configurations=0&"
		     "docker_cleanup=0&delete_connected_networks=0");
	free(q);
	q = actions_delete_query(ACTIONS_DEL_VOLUMES |
				 ACTIONS_DEL_CONNECTED_NETWORKS);
	CHECK_STR(q, "delete_volumes=1&delete_configurations=0&"
		     "docker_cleanup=0&delete_connected_networks=1");
	free(q);
}

static void test_database_and_service_verbs(void)
{
	CHECK_INT(parse(RES_DB, "start"), 0);
	CHECK_INT(parse(RES_DB, "restart"), 0);
	/* No deployment to wait for. */
	CHECK_INT(parse(RES_DB, "restart wait"), -EINVAL);
	CHECK_INT(parse(RES_DB, "deploy"), -EINVAL);
	CHECK_INT(parse(RES_SVC, "restart latest"), 0);
	CHECK(cmd.latest);
	CHECK_INT(parse(RES_SVC, "stop latest"), -EINVAL);
	CHECK_INT(parse(RES_SVC, "deploy"), -EINVAL);
}

static void test_blank_lines_do_nothing(void)
{
	CHECK_INT(parse(RES_APP, ""), -ENODATA);
	CHECK_INT(parse(RES_APP, " \t\r"), -ENODATA);
}

#define DELETE_LINE                                                        \
	"delete [volumes] [configurations] [docker_cleanup] "              \
	"[connected_networks]\n"

static void test_usage(void)
{
	struct buf out = BUF_INIT;

	actions_usage(RES_APP, false, &out);
	CHECK_STR(out.buf, "start [wait]\nstop\nrestart [wait]\n"
			   "deploy [force] [pr N] [wait]\n" DELETE_LINE);
	buf_reset(&out);
	actions_usage(RES_DB, false, &out);
	CHECK_STR(out.buf, "start\nstop\nrestart\n" DELETE_LINE);
	buf_reset(&out);
	actions_usage(RES_SVC, false, &out);
	CHECK_STR(out.buf, "start\nstop\nrestart [latest]\n" DELETE_LINE);
	buf_release(&out);
}

static int parse_current(const char *line)
{
	return actions_parse(RES_APP, true, line, &cmd, &err);
}

/* NOTES §17.11: rollback and delete preview are current Coolify's. */
static void test_current_verbs(void)
{
	struct buf out = BUF_INIT;

	CHECK_INT(parse_current("rollback 8fa11e2c wait"), 0);
	CHECK_INT(cmd.verb, ACTIONS_ROLLBACK);
	CHECK_STR(cmd.tag, "8fa11e2c");
	CHECK(cmd.wait);
	CHECK_INT(parse_current("rollback v1.2/rc-3"), 0);
	CHECK_STR(cmd.tag, "v1.2/rc-3");
	CHECK(!cmd.wait);
	/* The tag comes first: `rollback wait` rolls back to "wait". */
	CHECK_INT(parse_current("rollback wait"), 0);
	CHECK_STR(cmd.tag, "wait");
	CHECK_INT(parse_current("rollback"), -EINVAL);
	CHECK(strstr(err.buf, "rollback TAG [wait]"));
	CHECK_INT(parse_current("rollback a b"), -EINVAL);
	CHECK_INT(parse_current("rollback a force"), -EINVAL);
	buf_adds(&out, "rollback ");
	while (out.len < 9 + ACTIONS_TAG_MAX + 1)
		buf_addch(&out, 'a');
	CHECK_INT(parse_current(out.buf), -EINVAL);
	buf_reset(&out);

	CHECK_INT(parse_current("delete preview 42"), 0);
	CHECK_INT(cmd.verb, ACTIONS_DELETE_PREVIEW);
	CHECK_INT(cmd.pr, 42);
	CHECK_INT(parse_current("delete  preview\t7"), 0);
	CHECK_INT(cmd.pr, 7);
	CHECK_INT(parse_current("delete preview"), -EINVAL);
	CHECK_INT(parse_current("delete preview x"), -EINVAL);
	CHECK_INT(parse_current("delete preview 0"), -EINVAL);
	CHECK_INT(parse_current("delete preview 4 volumes"), -EINVAL);
	/* delete itself is unchanged. */
	CHECK_INT(parse_current("delete volumes"), 0);
	CHECK_INT(cmd.verb, ACTIONS_DELETE);
	CHECK_INT(cmd.del, ACTIONS_DEL_VOLUMES);

	/* The 2025 API has neither: unknown, and not listed. */
	CHECK_INT(parse(RES_APP, "rollback 8fa11e2c"), -EINVAL);
	CHECK(strstr(err.buf, "unknown verb \"rollback\""));
	CHECK_INT(parse(RES_APP, "delete preview 42"), -EINVAL);
	CHECK_INT(actions_parse(RES_DB, true, "rollback x", &cmd, &err),
		  -EINVAL);
	actions_usage(RES_APP, true, &out);
	CHECK(strstr(out.buf, "rollback TAG [wait]\ndelete preview PR\n"));
	buf_reset(&out);
	actions_usage(RES_APP, false, &out);
	CHECK(!strstr(out.buf, "rollback") && !strstr(out.buf, "preview"));
	buf_release(&out);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_current_verbs),
	CHECK_TEST(test_application_verbs),
	CHECK_TEST(test_deploy_options_in_any_order),
	CHECK_TEST(test_refusals_say_why),
	CHECK_TEST(test_delete_options),
	CHECK_TEST(test_database_and_service_verbs),
	CHECK_TEST(test_blank_lines_do_nothing),
	CHECK_TEST(test_usage),
};

CHECK_MAIN(tests)
