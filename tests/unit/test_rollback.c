/* Unit tests for rollback.h and deploy_ctl.h's grammar: the images file's
 * text from GET /applications/{uuid}/rollback-images, and the verbs of a
 * deployment's ctl (SPEC §6). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/deploy_ctl.h"
#include "api/rollback.h"

#include "check.h"

static void test_images_are_tags_one_a_line(void)
{
	struct buf out = BUF_INIT;

	CHECK_INT(rollback_images_text(
		      "{\"current\":\"8fa1\",\"images\":["
		      "{\"tag\":\"8fa1\",\"created_at\":\"2025-05-27 13:11:30 "
		      "+0000 UTC\",\"is_current\":true},"
		      "{\"tag\":\"v1.2/rc-3\",\"created_at\":null,"
		      "\"is_current\":false}]}",
		      &out),
		  0);
	CHECK_STR(out.buf, "8fa1\nv1.2/rc-3\n");
	buf_reset(&out);
	/* The API's answer when the server cannot be asked. */
	CHECK_INT(
	    rollback_images_text("{\"current\":null,\"images\":[]}", &out), 0);
	CHECK_STR(out.buf, "");
	/* `docker images` lines split on '#' can give a null tag; a tag of
	 * several lines would be several tags. */
	CHECK_INT(rollback_images_text("{\"images\":[{\"tag\":null},{\"tag\":"
				       "\"\"},{\"tag\":\"a\\nb\"},7,{\"tag\":"
				       "\"ok\"}]}",
				       &out),
		  0);
	CHECK_STR(out.buf, "ok\n");
	buf_reset(&out);
	CHECK_INT(rollback_images_text("[]", &out), -EIO);
	CHECK_INT(rollback_images_text("{\"images\":{}}", &out), -EIO);
	CHECK_INT(rollback_images_text("<html>", &out), -EIO);
	CHECK_STR(out.buf, "");
	buf_release(&out);
}

static void test_images_path(void)
{
	char *p = rollback_images_path("y88kg4w");

	CHECK_STR(p, "/applications/y88kg4w/rollback-images");
	free(p);
}

static void test_deployment_ctl_takes_cancel(void)
{
	struct buf err = BUF_INIT, usage = BUF_INIT;
	enum deploy_verb v;

	CHECK_INT(deploy_ctl_parse("cancel", &v, &err), 0);
	CHECK_INT(v, DEPLOY_CANCEL);
	CHECK_INT(deploy_ctl_parse("  cancel\t\r", &v, &err), 0);
	CHECK_INT(deploy_ctl_parse("", &v, &err), -ENODATA);
	CHECK_INT(deploy_ctl_parse(" \t", &v, &err), -ENODATA);
	CHECK_INT(deploy_ctl_parse("stop", &v, &err), -EINVAL);
	CHECK(strstr(err.buf, "unknown verb \"stop\""));
	CHECK_INT(deploy_ctl_parse("cancel now", &v, &err), -EINVAL);
	CHECK(strstr(err.buf, "\"now\""));
	CHECK_INT(deploy_ctl_parse("Cancel", &v, &err), -EINVAL);
	deploy_ctl_usage(&usage);
	CHECK_STR(usage.buf, "cancel\n");
	buf_release(&usage);
	buf_release(&err);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_images_are_tags_one_a_line),
	CHECK_TEST(test_images_path),
	CHECK_TEST(test_deployment_ctl_takes_cancel),
};

CHECK_MAIN(tests)
