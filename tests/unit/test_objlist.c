/* Unit tests for objlist.h: the lists of servers, keys and teams, the
 * secret a key list loses on arrival, entry names, and domains as text. */
#include <errno.h>
#include <string.h>

#include "model/objlist.h"

#include "check.h"

static const char *const secrets[] = { "private_key", NULL };
static const char *const reserved[] = { "current", NULL };
static const struct objlist_spec by_uuid = { .id_key = "uuid",
					     .drop = secrets };
static const struct objlist_spec by_id = { .id_key = "id",
					   .reserved = reserved };
static const char *const moved[] = { "executions", NULL };
static const struct objlist_spec wrapped = { .id_key = "uuid",
					     .moved = moved,
					     .list_key = "executions" };
/* GitHub repositories through Coolify: {"repositories":[...]}, named
 * and addressed by full_name, OWNER/REPO. */
static const struct objlist_spec repos = { .id_key = "full_name",
					   .list_key = "repositories",
					   .name_key = "full_name",
					   .id_path = true };

static void test_keys_lose_their_secret(void)
{
	struct objlist *l = NULL;

	CHECK_INT(
	    objlist_parse("[{\"uuid\":\"k1\",\"name\":\"deploy\","
			  "\"private_key\":\"-----BEGIN OPENSSH PRIVATE "
			  "KEY-----\",\"public_key\":\"ssh-ed25519 AA\","
			  "\"updated_at\":\"2025-05-02T10:00:00.000000Z\"}]",
			  &by_uuid, &l),
	    0);
	if (!CHECK(l && l->n == 1))
		return;
	CHECK_STR(l->v[0].uuid, "k1");
	CHECK_STR(l->v[0].dirname, "deploy");
	CHECK(!strstr(l->v[0].json, "PRIVATE"));
	CHECK(!strstr(l->v[0].json, "private_key"));
	CHECK_INT(l->v[0].mtime, 1746180000);
	{
		struct buf b = BUF_INIT;

		CHECK_INT(objlist_field(&l->v[0], "public_key", &b), 0);
		CHECK_STR(b.buf, "ssh-ed25519 AA");
		CHECK_INT(objlist_field(&l->v[0], "private_key", &b), -ENOENT);
		buf_release(&b);
	}
	objlist_free(l);
}

static void test_names_escaped_and_twins_take_the_id(void)
{
	struct objlist *l = NULL;

	CHECK_INT(objlist_parse("[{\"uuid\":\"a\",\"name\":\"ci/x 5%\"},"
				"{\"uuid\":\"b\",\"name\":\"ci/x 5%\"},"
				"{\"uuid\":\"c\",\"name\":\"\"},"
				"{\"uuid\":\"d\"}]",
				&by_uuid, &l),
		  0);
	if (!CHECK(l && l->n == 4))
		return;
	CHECK_STR(l->v[0].dirname, "ci%2Fx 5%25@a");
	CHECK_STR(l->v[1].dirname, "ci%2Fx 5%25@b");
	CHECK_STR(l->v[2].dirname, "c"); /* no name: the id */
	CHECK_STR(l->v[3].dirname, "d");
	CHECK(objlist_find(l, "ci%2Fx 5%25@b") == &l->v[1]);
	CHECK(objlist_by_id(l, "c") == &l->v[2]);
	CHECK(!objlist_find(l, "ci/x 5%"));
	objlist_free(l);
}

static void test_teams_by_number_and_the_reserved_name(void)
{
	struct objlist *l = NULL;

	/* NOTES §2.4: /teams can come as an object keyed by numbers. */
	CHECK_INT(objlist_parse("{\"0\":{\"id\":0,\"name\":\"Root Team\"},"
				"\"1\":{\"id\":1,\"name\":\"current\"}}",
				&by_id, &l),
		  0);
	if (!CHECK(l && l->n == 2))
		return;
	CHECK_STR(l->v[0].uuid, "0");
	CHECK_STR(l->v[0].dirname, "Root Team");
	CHECK_STR(l->v[1].dirname, "current@1");
	objlist_free(l);
}

static void test_what_is_left_out(void)
{
	struct objlist *l = NULL;

	/* No id, an id that cannot be an entry, not an object. */
	CHECK_INT(objlist_parse("[{\"name\":\"x\"},{\"uuid\":\"a/b\"},"
				"{\"uuid\":\"..\"},3,null,{\"uuid\":7}]",
				&by_uuid, &l),
		  0);
	if (!CHECK(l))
		return;
	CHECK_INT(l->n, 1); /* 7: a number is an id too */
	CHECK_STR(l->v[0].uuid, "7");
	objlist_free(l);
	l = NULL;
	CHECK_INT(objlist_parse("{\"message\":\"x\"}", &by_uuid, &l), -EIO);
	CHECK_INT(objlist_parse("[1,]", &by_uuid, &l), -EIO);
	CHECK_INT(objlist_parse("<html>", &by_uuid, &l), -EIO);
	CHECK_INT(objlist_parse("", &by_uuid, &l), -EIO);
	CHECK(!l);
}

/* A backup schedule's executions come wrapped, {"executions":[...]},
 * with created_at and no updated_at; the schedules' list carries them
 * too, which the mount shows elsewhere (moved). */
static void test_wrapped_list_moved_fields_and_created_at(void)
{
	struct objlist *l = NULL;

	CHECK_INT(
	    objlist_parse("{\"executions\":[{\"uuid\":\"r1\","
			  "\"status\":\"success\",\"created_at\":"
			  "\"2025-05-27T02:00:00+00:00\",\"executions\":[1]}]}",
			  &wrapped, &l),
	    0);
	if (!CHECK(l && l->n == 1))
		return;
	CHECK_STR(l->v[0].dirname, "r1");
	CHECK_INT(l->v[0].mtime, 1748311200);
	CHECK(!strstr(l->v[0].json, "executions"));
	objlist_free(l);
	l = NULL;
	/* Not wrapped, or wrapped in another field: not the list. */
	CHECK_INT(objlist_parse("[{\"uuid\":\"r1\"}]", &wrapped, &l), -EIO);
	CHECK_INT(objlist_parse("{\"runs\":[]}", &wrapped, &l), -EIO);
	CHECK(!l);
}

static void test_object_id(void)
{
	char *id = objlist_object_id("{\"id\":0,\"name\":\"Root Team\"}", "id");

	CHECK_STR(id, "0");
	free(id);
	CHECK(!objlist_object_id("[{\"id\":0}]", "id"));
	CHECK(!objlist_object_id("{\"name\":\"x\"}", "id"));
	CHECK(!objlist_object_id("nope", "id"));
}

static void test_domains_as_hosts_lines(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(objlist_domains_text(
		      "[{\"ip\":\"203.0.113.7\",\"domains\":[\"a.example\","
		      "\"b.example\"]},{\"ip\":\"10.0.0.1\",\"domains\":[]},"
		      "{\"ip\":\"10.0.0.2\",\"domains\":[\"c\\nd\",5,\"e\"]}]",
		      &b),
		  0);
	CHECK_STR(b.buf, "203.0.113.7 a.example\n203.0.113.7 b.example\n"
			 "10.0.0.2 e\n");
	buf_reset(&b);
	CHECK_INT(objlist_domains_text("[]", &b), 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(
	    objlist_domains_text("{\"message\":\"Server not found.\"}", &b),
	    -EIO);
	buf_release(&b);
}

/* A service's containers/: its applications and databases in one
 * directory, a name they share shown as NAME@ID on both sides. */
static void test_joined_lists_name_across_them(void)
{
	struct objlist *apps = NULL, *dbs = NULL, *j;
	const struct objlist *both[2];

	CHECK_INT(objlist_parse("[{\"uuid\":\"a1\",\"name\":\"n8n\"},"
				"{\"uuid\":\"a2\",\"name\":\"cache\"}]",
				&by_uuid, &apps),
		  0);
	CHECK_INT(
	    objlist_parse("[{\"uuid\":\"d1\",\"name\":\"cache\","
			  "\"updated_at\":\"2025-05-02T10:00:00.000000Z\"}]",
			  &by_uuid, &dbs),
	    0);
	if (!CHECK(apps && dbs))
		goto out;
	CHECK_STR(apps->v[1].dirname, "cache");
	both[0] = apps;
	both[1] = dbs;
	j = objlist_join(both, 2, &by_uuid);
	if (CHECK(j->n == 3)) {
		CHECK_STR(j->v[0].dirname, "n8n");
		CHECK_INT(j->v[0].src, 0);
		CHECK_STR(j->v[1].dirname, "cache@a2");
		CHECK_STR(j->v[2].dirname, "cache@d1");
		CHECK_INT(j->v[2].src, 1);
		CHECK_INT(j->v[2].mtime, 1746180000);
		CHECK(objlist_find(j, "cache@d1") == &j->v[2]);
		CHECK(!objlist_find(j, "cache"));
	}
	objlist_free(j);
	/* The lists it was made of are left as they were. */
	CHECK_STR(apps->v[1].dirname, "cache");
	j = objlist_join(both, 0, &by_uuid);
	CHECK_INT(j->n, 0);
	objlist_free(j);
out:
	objlist_free(apps);
	objlist_free(dbs);
}

/* A resource's storages: volumes and file mounts come in two arrays, and
 * each member says which it came from (the PATCH's "type"). */
static void test_groups_of_arrays(void)
{
	static const struct objlist_group groups[] = {
		{ "persistent_storages", "persistent" },
		{ "file_storages", "file" },
		{ NULL, NULL },
	};
	static const struct objlist_spec spec = { .id_key = "uuid",
						  .groups = groups,
						  .group_field = "type" };
	struct objlist *l = NULL;
	struct buf b = BUF_INIT;

	CHECK_INT(objlist_parse("{\"file_storages\":[{\"uuid\":\"f1\","
				"\"mount_path\":\"/etc/a.conf\"}],"
				"\"persistent_storages\":[{\"uuid\":\"v1\","
				"\"name\":\"data\"},{\"uuid\":\"v2\","
				"\"name\":\"data\"}]}",
				&spec, &l),
		  0);
	if (!CHECK(l && l->n == 3))
		return;
	/* In the groups' order, whatever the answer's. */
	CHECK_STR(l->v[0].dirname, "data@v1");
	CHECK_STR(l->v[1].dirname, "data@v2");
	CHECK_STR(l->v[2].dirname, "f1"); /* no name: the uuid */
	CHECK_INT(objlist_field(&l->v[0], "type", &b), 0);
	CHECK_STR(b.buf, "persistent");
	buf_reset(&b);
	CHECK_INT(objlist_field(&l->v[2], "type", &b), 0);
	CHECK_STR(b.buf, "file");
	objlist_free(l);
	/* A missing array is an empty one; an array is not the answer. */
	CHECK_INT(objlist_parse("{\"persistent_storages\":[]}", &spec, &l), 0);
	if (CHECK(l))
		CHECK_INT(l->n, 0);
	objlist_free(l);
	l = NULL;
	CHECK_INT(objlist_parse("[{\"uuid\":\"v1\"}]", &spec, &l), -EIO);
	CHECK_INT(objlist_parse("{\"file_storages\":\"x\"}", &spec, &l), -EIO);
	CHECK(!l);
	buf_release(&b);
}

/* GitHub repositories: OWNER/REPO is the id (the branches route takes
 * it as two segments) and the name, shown with %2F; an id that could
 * not be segments of a path is left out. */
static void test_repositories_by_full_name(void)
{
	struct objlist *l = NULL;

	CHECK_INT(objlist_parse("{\"repositories\":[{\"id\":9,\"name\":\"web\","
				"\"full_name\":\"acme/web\"},{\"full_name\":"
				"\"acme/../x\"},{\"full_name\":\"acme//x\"},"
				"{\"full_name\":\"a/b?c\"},{\"full_name\":\"/x\"},"
				"{\"full_name\":\"x/\"}]}",
				&repos, &l),
		  0);
	if (!CHECK(l && l->n == 1))
		goto out;
	CHECK_STR(l->v[0].uuid, "acme/web");
	CHECK_STR(l->v[0].name, "acme/web");
	CHECK_STR(l->v[0].dirname, "acme%2Fweb");
out:
	objlist_free(l);
}

/* A repository's branches, one a line; a name with a newline is none. */
static void test_lines_of_a_wrapped_list(void)
{
	struct buf b = BUF_INIT;

	CHECK_INT(objlist_lines("{\"branches\":[{\"name\":\"main\"},"
				"{\"name\":\"feature/x\"},{\"name\":\"a\\nb\"},"
				"{\"protected\":true},7]}",
				"branches", "name", &b),
		  0);
	CHECK_STR(b.buf, "main\nfeature/x\n");
	buf_reset(&b);
	CHECK_INT(objlist_lines("{\"branches\":[]}", "branches", "name", &b), 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(objlist_lines("[{\"name\":\"main\"}]", "branches", "name", &b),
		  -EIO);
	CHECK_INT(objlist_lines("{\"branches\":{\"name\":1}}", "branches",
				"name", &b),
		  -EIO);
	buf_release(&b);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_joined_lists_name_across_them),
	CHECK_TEST(test_keys_lose_their_secret),
	CHECK_TEST(test_wrapped_list_moved_fields_and_created_at),
	CHECK_TEST(test_names_escaped_and_twins_take_the_id),
	CHECK_TEST(test_teams_by_number_and_the_reserved_name),
	CHECK_TEST(test_what_is_left_out),
	CHECK_TEST(test_object_id),
	CHECK_TEST(test_domains_as_hosts_lines),
	CHECK_TEST(test_groups_of_arrays),
	CHECK_TEST(test_repositories_by_full_name),
	CHECK_TEST(test_lines_of_a_wrapped_list),
};

CHECK_MAIN(tests)
