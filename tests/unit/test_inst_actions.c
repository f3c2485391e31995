/* Unit tests for the grammar of inst_actions.h: the verbs of a server's,
 * a key's and the mount's ctl (SPEC §2, §3.3). */
#include <errno.h>
#include <string.h>

#include "api/inst_actions.h"

#include "check.h"

static struct inst_cmd cmd;
static struct buf err = BUF_INIT;

static int parse(const struct api_object *t, const char *line)
{
	inst_actions_cmd_release(&cmd);
	return inst_actions_parse(t, true, line, &cmd, &err);
}

static void test_server_and_key_verbs(void)
{
	CHECK_INT(parse(obj_get(OBJ_SERVER), "validate"), 0);
	CHECK_INT(cmd.verb, INST_VALIDATE);
	CHECK_INT(parse(obj_get(OBJ_SERVER), " delete\t"), 0);
	CHECK_INT(cmd.verb, INST_DELETE);
	CHECK_INT(parse(obj_get(OBJ_KEY), "delete"), 0);
	CHECK_INT(cmd.verb, INST_DELETE);
	CHECK_INT(parse(obj_get(OBJ_KEY), "validate"), -EINVAL);
	CHECK(strstr(err.buf, "unknown verb \"validate\""));
	CHECK_INT(parse(obj_get(OBJ_SERVER), "delete volumes"), -EINVAL);
}

/* A cloud token's validate is its row's action, whose answer says
 * whether it worked (objects.h's ok_field), not a server's validate. */
static void test_cloud_token_verbs(void)
{
	CHECK_INT(parse(obj_get(OBJ_CLOUD_TOKEN), "validate"), 0);
	CHECK_INT(cmd.verb, INST_ACTION);
	CHECK_STR(cmd.action->suffix, "/validate");
	CHECK_STR(cmd.action->ok_field, "valid");
	CHECK_INT(parse(obj_get(OBJ_CLOUD_TOKEN), "delete"), 0);
	CHECK_INT(cmd.verb, INST_DELETE);
	CHECK_INT(parse(obj_get(OBJ_INIT_SCRIPT), "validate"), -EINVAL);
	CHECK_INT(parse(obj_get(OBJ_INIT_SCRIPT), "delete"), 0);
}

static void test_root_verbs(void)
{
	CHECK_INT(parse(NULL, "refresh"), 0);
	CHECK_INT(cmd.verb, INST_REFRESH);
	CHECK_INT(parse(NULL, "api enable"), 0);
	CHECK_INT(cmd.verb, INST_API_ENABLE);
	CHECK_INT(parse(NULL, "  api \t disable "), 0);
	CHECK_INT(cmd.verb, INST_API_DISABLE);
	CHECK_INT(parse(NULL, "deploy tag frontend"), 0);
	CHECK_INT(cmd.verb, INST_DEPLOY_TAG);
	CHECK_STR(cmd.tag, "frontend");
	CHECK(!cmd.force);
	CHECK_INT(parse(NULL, "deploy tag a,b force"), 0);
	CHECK_STR(cmd.tag, "a,b");
	CHECK(cmd.force);
}

static void test_root_refusals(void)
{
	static const char *const bad[] = {
		"frobnicate",       "api",
		"api restart",      "apienable",
		"deploy",           "deploy frontend",
		"deploy tag",       "deploy tag ,a",
		"deploy tag a,",    "deploy tag a,,b",
		"deploy tag a now", "deploy tag a force x",
		"refresh now",      "Refresh",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(parse(NULL, bad[i]), -EINVAL);
		CHECK(err.len);
		CHECK(!cmd.tag);
	}
	CHECK_INT(parse(NULL, ""), -ENODATA);
	CHECK_INT(parse(NULL, " \r"), -ENODATA);
}

/* The MCP switch is a route of current Coolify only (OtherController). */
static void test_mcp_verbs(void)
{
	CHECK_INT(parse(NULL, "mcp enable"), 0);
	CHECK_INT(cmd.verb, INST_MCP_ENABLE);
	CHECK_INT(parse(NULL, " mcp  disable"), 0);
	CHECK_INT(cmd.verb, INST_MCP_DISABLE);
	CHECK_INT(parse(NULL, "mcp"), -EINVAL);
	CHECK_INT(parse(NULL, "mcp enable now"), -EINVAL);
	CHECK_INT(parse(obj_get(OBJ_SERVER), "mcp enable"), -EINVAL);
	inst_actions_cmd_release(&cmd);
	CHECK_INT(inst_actions_parse(NULL, false, "mcp enable", &cmd, &err),
		  -EINVAL);
	CHECK(strstr(err.buf, "unknown verb \"mcp\""));
	CHECK(!strstr(err.buf, "mcp enable"));
	CHECK_INT(parse(NULL, "api enable"), 0);
	CHECK_INT(cmd.verb, INST_API_ENABLE);
}

static void test_usage(void)
{
	struct buf out = BUF_INIT;

	inst_actions_usage(NULL, false, &out);
	CHECK_STR(out.buf, "refresh\ndeploy tag TAG [force]\napi enable\n"
			   "api disable\n");
	buf_reset(&out);
	inst_actions_usage(NULL, true, &out);
	CHECK_STR(out.buf, "refresh\ndeploy tag TAG [force]\napi enable\n"
			   "api disable\nmcp enable\nmcp disable\n");
	buf_reset(&out);
	inst_actions_usage(obj_get(OBJ_SERVER), false, &out);
	CHECK_STR(out.buf, "validate\ndelete\n");
	buf_reset(&out);
	inst_actions_usage(obj_get(OBJ_KEY), true, &out);
	CHECK_STR(out.buf, "delete\n");
	buf_release(&out);
	inst_actions_cmd_release(&cmd);
	buf_release(&err);
}

/* Current Coolify's server verbs: absent on the 2025 API; migrate takes
 * its two values as the body's fields. */
static void test_server_actions(void)
{
	const struct api_object *srv = obj_get(OBJ_SERVER);
	struct buf out = BUF_INIT;

	CHECK_INT(parse(srv, "proxy  restart"), 0);
	CHECK_INT(cmd.verb, INST_ACTION);
	CHECK_STR(cmd.action->suffix, "/proxy/restart");
	CHECK(!cmd.body);
	CHECK_INT(inst_actions_parse(srv, false, "proxy restart", &cmd, &err),
		  -EINVAL);
	CHECK(strstr(err.buf, "unknown verb \"proxy\""));
	CHECK(!strstr(err.buf, "cleanup"));
	CHECK_INT(parse(srv, "migrate https://b.example.com 7|se\"cret"), 0);
	CHECK_STR(cmd.action->suffix, "/migrate");
	CHECK_STR(cmd.body, "{\"target_url\":\"https://b.example.com\","
			    "\"target_token\":\"7|se\\\"cret\"}");
	CHECK_INT(parse(srv, "migrate https://b.example.com"), -EINVAL);
	CHECK(strstr(err.buf, "migrate takes 2 words after it (usage: migrate "
			      "TARGET_URL TARGET_TOKEN)"));
	CHECK(!cmd.body);
	CHECK_INT(parse(srv, "migrate a b c"), -EINVAL);
	CHECK_INT(parse(srv, "claim now"), -EINVAL);
	CHECK_INT(parse(srv, "cleanup"), -EINVAL);
	CHECK_INT(parse(obj_get(OBJ_KEY), "claim"), -EINVAL);
	inst_actions_usage(srv, true, &out);
	CHECK(strstr(out.buf,
		     "tunnel disable\nmigrate TARGET_URL TARGET_TOKEN\n"
		     "claim\n"));
	CHECK(inst_actions_has_ctl(srv, false));
	buf_release(&out);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_server_and_key_verbs),
	CHECK_TEST(test_cloud_token_verbs),
	CHECK_TEST(test_root_verbs),
	CHECK_TEST(test_mcp_verbs),
	CHECK_TEST(test_root_refusals),
	CHECK_TEST(test_server_actions),
	CHECK_TEST(test_usage),
};

CHECK_MAIN(tests)
