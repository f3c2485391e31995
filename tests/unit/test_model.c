/* Unit tests for model.h: the API's JSON as owned structs.
 *
 * The fixtures in fixtures/ are the examples of api/NOTES.md (§3.1, §3.2,
 * §4.2, §5.2, §6.2), with Laravel's "\/" escapes, the implicit relations
 * and laravel_through_key left in, and a /databases list that dropped
 * two databases which /resources still has (NOTES §5.1), one of them a
 * KeyDB, which has no database_type (NOTES §5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "base/buf.h"
#include "model/model.h"

#include "check.h"
#include "api/objects.h"

#ifndef FIXTURES
#error "FIXTURES must name the fixtures directory"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Timestamps of the fixtures, from `date -u -d ... +%s`. */
#define T_2025_05_01_091203 1746090723
#define T_2025_05_03_100000 1746266400
#define T_2025_05_27_131020 1748351420
#define T_2025_05_27_130958 1748351398
#define T_2024_02_29_235959 1709251199
#define T_2025_04_02_112500 1743593100
#define T_2025_05_20_080000 1747728000
#define T_2025_05_11_100000 1746957600

#define APP_WEB          "h0s4wck8g0os8kgwo4ccw4ko"
#define APP_API1         "c0k8sgo4ow0wkk4s8w0g4oc4"
#define APP_API2         "w8kc4ogsk0c8ow4ogc0sw8s4"
#define APP_API_STAGING  "g4ws0gco8ccc4s8kwo40c8kk"
#define APP_DOCS         "s8gw4k0ok8ss44c8wc0wogk0"
#define APP_PERCENT      "k0c8ow4sc8g4kc04o8sgs0ww"
#define DB_PG            "po0ogkcwkskso844s8wck4wg"
#define DB_REDIS         "r0cw8s4kgk4ko0wgc8ssw0c4"
#define DB_KEYDB_LISTED  "q8s0kwg4ccogow0w0o4k8sk8"
#define DB_CLICKHOUSE    "c4sgw0kgoc8w8wc0kg0os8ow"
#define DB_PG_DROPPED    "l3g0cy0dbk8w4sg0o0c4ccgg"
#define DB_KEYDB_DROPPED "k8o4wsg0cs8gkw4o40kgc00c"
#define SVC_N8N          "t8cs0okg8o4o0cwsgw84cgo8"
#define SVC_KUMA         "u0w4k8c8ss0gsc4o8kc4wg8o"

/* Malformed or cut-off bodies, none of which is a list or an object. */
static const char *const malformed[] = {
	"",
	"   ",
	"[",
	"{",
	"[{\"uuid\":\"x\"",
	"[{\"uuid\":\"x\",\"name\":\"cut",
	"{\"id\":1,\"uuid\":\"ks4cgko444kw8sso08w8k8c8\",\"environments\":[",
	"<html><body>504 Gateway Time-out</body></html>",
	"not json",
};

/* Returns the fixture's text (caller frees), or NULL after a failed
 * check. */
static char *fixture(const char *name)
{
	char path[4096];
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	f = fopen(path, "r");
	if (!CHECK(f != NULL)) {
		printf("#   cannot open %s\n", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* Whether two JSON texts hold equal values. */
static int json_same(const char *a, const char *b)
{
	struct json_object *x = json_tokener_parse(a);
	struct json_object *y = json_tokener_parse(b);
	int same = x && y && json_object_equal(x, y);

	json_object_put(x);
	json_object_put(y);
	return same;
}

/* The compact text of the i-th element of the JSON array in text. */
static char *array_item(const char *text, size_t i)
{
	struct json_object *root = json_tokener_parse(text);
	char *s = NULL;

	if (root && json_object_is_type(root, json_type_array) &&
	    i < json_object_array_length(root))
		s = strdup(json_object_to_json_string_ext(
		    json_object_array_get_idx(root, i),
		    JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return s;
}

/* ---- model_parse_time ---- */

static void test_parse_time_both_forms(void)
{
	CHECK_INT(model_parse_time("2025-05-27T13:10:20.000000Z"),
		  T_2025_05_27_131020);
	CHECK_INT(model_parse_time("2025-05-27 13:10:20"), T_2025_05_27_131020);
	/* Carbon JSON, as in deployment log lines. */
	CHECK_INT(model_parse_time("2025-05-27T13:10:20.123456Z"),
		  T_2025_05_27_131020);
	CHECK_INT(model_parse_time("2025-05-01T09:12:03.000000Z"),
		  T_2025_05_01_091203);
	CHECK_INT(model_parse_time("2024-02-29 23:59:59"), T_2024_02_29_235959);
	CHECK_INT(model_parse_time("1970-01-01T00:00:01.000000Z"), 1);
}

static void test_parse_time_garbage_is_zero(void)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"2025-05-27",
		"13:10:20",
		"2025/05/27 13:10:20",
		"27-05-2025 13:10:20",
		"2025-13-27T13:10:20.000000Z",
		"2025-05-27T25:10:20.000000Z",
		"T13:10:20",
		"null",
	};
	size_t i;

	CHECK_INT(model_parse_time(NULL), 0);
	for (i = 0; i < N_ELEMS(bad); i++)
		if (!CHECK_INT(model_parse_time(bad[i]), 0))
			printf("#   for \"%s\"\n", bad[i]);
}

static void test_parse_time_is_utc_whatever_tz(void)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;

	setenv("TZ", "America/New_York", 1);
	tzset();
	CHECK_INT(model_parse_time("2025-05-27T13:10:20.000000Z"),
		  T_2025_05_27_131020);
	CHECK_INT(model_parse_time("2025-05-27 13:10:20"), T_2025_05_27_131020);
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	CHECK_INT(model_parse_time("2025-05-27 13:10:20"), T_2025_05_27_131020);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* ---- projects ---- */

static void test_projects_list(void)
{
	char *json = fixture("projects.json");
	struct model_projects *ps = NULL;
	const struct model_project *p;

	if (!json)
		return;
	if (!CHECK_INT(model_projects_parse(json, &ps), 0) || !CHECK(ps))
		goto out;
	if (!CHECK_INT(ps->n, 3))
		goto out_free;
	CHECK_STR(ps->v[0].uuid, "ks4cgko444kw8sso08w8k8c8");
	CHECK_STR(ps->v[0].name, "website");
	CHECK_STR(ps->v[0].dirname, "website");
	CHECK_INT(ps->v[0].id, 1);
	CHECK_STR(ps->v[1].uuid, "uow0cgkskg0k4wook4oowkkw");
	CHECK_STR(ps->v[1].name, "tools");
	CHECK_STR(ps->v[1].dirname, "tools");
	CHECK_INT(ps->v[1].id, 2);
	CHECK_STR(ps->v[2].uuid, "og888os");
	CHECK_STR(ps->v[2].name, "clients/acme 100%");
	CHECK_STR(ps->v[2].dirname, "clients%2Facme 100%25");
	CHECK_INT(ps->v[2].id, 3);

	p = model_projects_find(ps, "website");
	CHECK(p == &ps->v[0]);
	p = model_projects_find(ps, "clients%2Facme 100%25");
	CHECK(p == &ps->v[2]);
	/* Lookups are by entry name, not by API name or uuid. */
	CHECK(model_projects_find(ps, "clients/acme 100%") == NULL);
	CHECK(model_projects_find(ps, "ks4cgko444kw8sso08w8k8c8") == NULL);
	CHECK(model_projects_find(ps, "nope") == NULL);
out_free:
	model_projects_free(ps);
out:
	free(json);
}

static void test_projects_same_name_get_uuid(void)
{
	static const char json[] =
	    "[{\"id\":1,\"uuid\":\"aaaa111\",\"name\":\"tools\"},"
	    "{\"id\":2,\"uuid\":\"bbbb222\",\"name\":\"web\"},"
	    "{\"id\":3,\"uuid\":\"cccc333\",\"name\":\"tools\"}]";
	struct model_projects *ps = NULL;

	if (!CHECK_INT(model_projects_parse(json, &ps), 0) ||
	    !CHECK_INT(ps->n, 3)) {
		model_projects_free(ps);
		return;
	}
	CHECK_STR(ps->v[0].dirname, "tools@aaaa111");
	CHECK_STR(ps->v[1].dirname, "web");
	CHECK_STR(ps->v[2].dirname, "tools@cccc333");
	CHECK_STR(ps->v[0].name, "tools");
	CHECK(model_projects_find(ps, "tools") == NULL);
	CHECK(model_projects_find(ps, "tools@cccc333") == &ps->v[2]);
	model_projects_free(ps);
}

static void test_projects_numeric_keyed_object(void)
{
	/* NOTES §2.4: a list that kept its keys after sortBy. */
	static const char json[] =
	    "{\"1\":{\"id\":2,\"uuid\":\"uow0cgkskg0k4wook4oowkkw\","
	    "\"name\":\"tools\",\"description\":null},"
	    "\"0\":{\"id\":1,\"uuid\":\"ks4cgko444kw8sso08w8k8c8\","
	    "\"name\":\"website\",\"description\":\"Marketing site\"}}";
	struct model_projects *ps = NULL;
	const struct model_project *p;

	if (!CHECK_INT(model_projects_parse(json, &ps), 0) ||
	    !CHECK_INT(ps->n, 2)) {
		model_projects_free(ps);
		return;
	}
	p = model_projects_find(ps, "website");
	if (CHECK(p != NULL)) {
		CHECK_STR(p->uuid, "ks4cgko444kw8sso08w8k8c8");
		CHECK_INT(p->id, 1);
	}
	p = model_projects_find(ps, "tools");
	if (CHECK(p != NULL)) {
		CHECK_STR(p->uuid, "uow0cgkskg0k4wook4oowkkw");
		CHECK_INT(p->id, 2);
	}
	model_projects_free(ps);
}

static void test_projects_empty_list(void)
{
	struct model_projects *ps = NULL;

	CHECK_INT(model_projects_parse("[]", &ps), 0);
	if (CHECK(ps != NULL))
		CHECK_INT(ps->n, 0);
	CHECK(model_projects_find(ps, "x") == NULL);
	model_projects_free(ps);
	ps = NULL;
	CHECK_INT(model_projects_parse("{}", &ps), 0);
	if (CHECK(ps != NULL))
		CHECK_INT(ps->n, 0);
	model_projects_free(ps);
	model_projects_free(NULL);
}

static void test_projects_malformed_is_eio(void)
{
	static struct model_projects dummy;
	struct model_projects *const sentinel = &dummy;
	struct model_projects *ps;
	size_t i;

	for (i = 0; i < N_ELEMS(malformed); i++) {
		ps = sentinel;
		if (!CHECK_INT(model_projects_parse(malformed[i], &ps), -EIO))
			printf("#   for '%s'\n", malformed[i]);
		/* *out is untouched on failure. */
		CHECK(ps == sentinel);
	}
	ps = sentinel;
	CHECK_INT(model_projects_parse(NULL, &ps), -EIO);
	CHECK(ps == sentinel);
	CHECK_INT(model_projects_parse("42", &ps), -EIO);
	CHECK_INT(model_projects_parse("\"projects\"", &ps), -EIO);
	CHECK_INT(model_projects_parse("true", &ps), -EIO);
	CHECK_INT(model_projects_parse("null", &ps), -EIO);
	CHECK(ps == sentinel);
}

/* An object that is not keyed by numbers is not a list (NOTES §2.4):
 * e.g. an error body, or another service's answer on a wrong URL. */
static void test_projects_object_not_keyed_by_numbers_is_eio(void)
{
	static const char *const bad[] = {
		"{\"message\":\"Unauthenticated.\"}",
		"{\"success\":true,\"message\":\"API is disabled.\"}",
		"{\"id\":1,\"uuid\":\"ks4cgko444kw8sso08w8k8c8\",\"name\":\"w\"}",
	};
	struct model_projects *ps;
	size_t i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		ps = NULL;
		if (!CHECK_INT(model_projects_parse(bad[i], &ps), -EIO))
			printf("#   for '%s'\n", bad[i]);
		model_projects_free(ps);
	}
}

/* json-c's default tokener takes the first value and ignores the rest,
 * and takes trailing commas: neither is JSON (SPEC §5: malformed JSON is
 * EIO). */
static void test_trailing_garbage_is_malformed(void)
{
	static const char *const bad[] = {
		"[] garbage",
		"[{\"uuid\":\"x\",\"name\":\"a\"}]<html>",
		"[{\"uuid\":\"x\",\"name\":\"a\"},]",
		"[][]",
	};
	struct model_projects *ps;
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		ps = NULL;
		if (!CHECK_INT(model_projects_parse(bad[i], &ps), -EIO))
			printf("#   for '%s'\n", bad[i]);
		model_projects_free(ps);
		if (!CHECK_INT(model_json_render(bad[i], &out), -EIO))
			printf("#   render of '%s'\n", bad[i]);
	}
	buf_release(&out);
}

static void test_projects_skip_items_without_uuid(void)
{
	static const char json[] =
	    "[{\"id\":1,\"name\":\"no-uuid\"}, 7, null, \"x\","
	    "{\"id\":2,\"uuid\":\"uow0cgkskg0k4wook4oowkkw\","
	    "\"name\":\"tools\"}]";
	struct model_projects *ps = NULL;

	if (!CHECK_INT(model_projects_parse(json, &ps), 0))
		return;
	if (CHECK_INT(ps->n, 1))
		CHECK_STR(ps->v[0].dirname, "tools");
	model_projects_free(ps);
}

/* ---- project detail ---- */

static void test_project_detail(void)
{
	char *json = fixture("project_detail.json");
	struct model_project_detail *d = NULL;
	const struct model_env *e;

	if (!json)
		return;
	if (!CHECK_INT(model_project_detail_parse(json, &d), 0) || !CHECK(d))
		goto out;
	CHECK_STR(d->uuid, "ks4cgko444kw8sso08w8k8c8");
	CHECK_STR(d->name, "website");
	CHECK_INT(d->mtime, T_2025_05_01_091203);
	if (!CHECK_INT(d->nenvs, 2))
		goto out_free;
	CHECK_INT(d->envs[0].id, 1);
	CHECK_STR(d->envs[0].uuid, "q0oc84soc8o84cc44ckkkswg");
	CHECK_STR(d->envs[0].name, "production");
	CHECK_STR(d->envs[0].dirname, "production");
	CHECK_INT(d->envs[0].mtime, T_2025_05_01_091203);
	CHECK_INT(d->envs[1].id, 7);
	CHECK_STR(d->envs[1].uuid, "b8wc0go4sg4w0kskc0cs4k8o");
	CHECK_STR(d->envs[1].dirname, "staging");
	CHECK_INT(d->envs[1].mtime, T_2025_05_03_100000);

	e = model_project_env(d, "staging");
	CHECK(e == &d->envs[1]);
	CHECK(model_project_env(d, "production") == &d->envs[0]);
	CHECK(model_project_env(d, "Production") == NULL);
	CHECK(model_project_env(d, "b8wc0go4sg4w0kskc0cs4k8o") == NULL);
	CHECK(model_project_env_by_id(d, 7) == &d->envs[1]);
	CHECK(model_project_env_by_id(d, 1) == &d->envs[0]);
	CHECK(model_project_env_by_id(d, 2) == NULL);
	CHECK(model_project_env_by_id(d, -1) == NULL);
out_free:
	model_project_detail_free(d);
out:
	free(json);
}

static void test_project_detail_json_is_compact_and_faithful(void)
{
	char *json = fixture("project_detail.json");
	struct model_project_detail *d = NULL;
	struct json_object *root, *envs;

	if (!json)
		return;
	if (!CHECK_INT(model_project_detail_parse(json, &d), 0))
		goto out;
	/* The object as the API returned it, compact and unescaped. */
	CHECK(json_same(d->json, json));
	CHECK(strchr(d->json, '\n') == NULL);
	CHECK(strstr(d->json, "https://www.example.com") != NULL);
	CHECK(strstr(d->json, "\\/") == NULL);
	root = json_tokener_parse(json);
	if (CHECK(root != NULL) &&
	    CHECK(json_object_object_get_ex(root, "environments", &envs))) {
		size_t i;

		for (i = 0; i < d->nenvs && i < 2; i++) {
			const char *want = json_object_to_json_string_ext(
			    json_object_array_get_idx(envs, i),
			    JSON_C_TO_STRING_PLAIN);

			CHECK(d->envs[i].json != NULL);
			CHECK(json_same(d->envs[i].json, want));
			CHECK(strchr(d->envs[i].json, '\n') == NULL);
		}
	}
	json_object_put(root);
	model_project_detail_free(d);
out:
	free(json);
}

static void test_project_detail_keyed_environments(void)
{
	static const char json[] =
	    "{\"id\":1,\"uuid\":\"ks4cgko444kw8sso08w8k8c8\","
	    "\"name\":\"website\",\"environments\":{"
	    "\"1\":{\"id\":7,\"name\":\"staging\",\"project_id\":1,"
	    "\"uuid\":\"b8wc0go4sg4w0kskc0cs4k8o\"},"
	    "\"0\":{\"id\":1,\"name\":\"production\",\"project_id\":1,"
	    "\"uuid\":\"q0oc84soc8o84cc44ckkkswg\"}}}";
	struct model_project_detail *d = NULL;

	if (!CHECK_INT(model_project_detail_parse(json, &d), 0))
		return;
	CHECK_INT(d->nenvs, 2);
	if (CHECK(model_project_env(d, "staging") != NULL))
		CHECK_INT(model_project_env(d, "staging")->id, 7);
	if (CHECK(model_project_env_by_id(d, 1) != NULL))
		CHECK_STR(model_project_env_by_id(d, 1)->dirname, "production");
	model_project_detail_free(d);
}

static void test_project_detail_without_environments(void)
{
	static const char json[] =
	    "{\"id\":4,\"uuid\":\"e4w8o0s\",\"name\":\"empty\","
	    "\"description\":null,\"updated_at\":\"2025-05-27 13:10:20\"}";
	struct model_project_detail *d = NULL;

	if (!CHECK_INT(model_project_detail_parse(json, &d), 0))
		return;
	CHECK_STR(d->uuid, "e4w8o0s");
	CHECK_STR(d->name, "empty");
	CHECK_INT(d->nenvs, 0);
	CHECK_INT(d->mtime, T_2025_05_27_131020);
	CHECK(model_project_env(d, "production") == NULL);
	CHECK(model_project_env_by_id(d, 1) == NULL);
	model_project_detail_free(d);
	model_project_detail_free(NULL);
}

static void test_project_detail_escapes_env_names(void)
{
	/* Environment names are lower-cased with '/' replaced on write
	 * (NOTES §3.2), but older rows and other instances may differ. */
	static const char json[] =
	    "{\"id\":1,\"uuid\":\"ks4cgko444kw8sso08w8k8c8\","
	    "\"name\":\"website\",\"environments\":["
	    "{\"id\":1,\"name\":\"pr/12\",\"uuid\":\"q0oc84soc8o84cc44ckkkswg\"},"
	    "{\"id\":2,\"name\":\"..\",\"uuid\":\"b8wc0go4sg4w0kskc0cs4k8o\"}]}";
	struct model_project_detail *d = NULL;

	if (!CHECK_INT(model_project_detail_parse(json, &d), 0))
		return;
	if (CHECK_INT(d->nenvs, 2)) {
		CHECK_STR(d->envs[0].dirname, "pr%2F12");
		CHECK(strcmp(d->envs[1].dirname, ".."));
		CHECK(strchr(d->envs[1].dirname, '/') == NULL);
		CHECK(model_project_env(d, "pr%2F12") == &d->envs[0]);
	}
	model_project_detail_free(d);
}

static void test_project_detail_malformed_is_eio(void)
{
	static const char *const bad[] = {
		"[]",
		"[{\"uuid\":\"ks4cgko444kw8sso08w8k8c8\"}]",
		"{\"id\":1,\"name\":\"no uuid\"}",
		"{\"message\":\"Project not found.\"}",
		"{\"uuid\":17}",
	};
	static struct model_project_detail dummy;
	struct model_project_detail *const sentinel = &dummy;
	struct model_project_detail *d;
	size_t i;

	for (i = 0; i < N_ELEMS(malformed); i++) {
		d = sentinel;
		if (!CHECK_INT(model_project_detail_parse(malformed[i], &d),
			       -EIO))
			printf("#   for '%s'\n", malformed[i]);
		CHECK(d == sentinel);
	}
	for (i = 0; i < N_ELEMS(bad); i++) {
		d = sentinel;
		if (!CHECK_INT(model_project_detail_parse(bad[i], &d), -EIO))
			printf("#   for '%s'\n", bad[i]);
		CHECK(d == sentinel);
	}
	d = sentinel;
	CHECK_INT(model_project_detail_parse(NULL, &d), -EIO);
	CHECK(d == sentinel);
}

/* ---- resources ---- */

static struct model_resources *parse_fixture(enum res_kind kind,
					     const char *list,
					     const char *resources)
{
	char *lj = fixture(list);
	char *rj = resources ? fixture(resources) : NULL;
	struct model_resources *rs = NULL;

	if (lj && (!resources || rj) &&
	    !CHECK_INT(model_resources_parse(kind, lj, rj, &rs), 0))
		rs = NULL;
	free(lj);
	free(rj);
	return rs;
}

static void test_applications_list(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_APP, "applications.json", NULL);
	const struct model_resource *r;
	char *item0;
	size_t i;

	if (!CHECK(rs != NULL))
		return;
	CHECK_INT(rs->kind, RES_APP);
	CHECK_INT(rs->n, 6);
	for (i = 0; i < rs->n; i++) {
		CHECK_INT(rs->v[i].kind, RES_APP);
		CHECK(rs->v[i].db_type == NULL);
		CHECK(rs->v[i].json.data != NULL);
		CHECK(rs->v[i].dirname != NULL);
	}
	r = model_resources_by_uuid(rs, APP_WEB);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->uuid, APP_WEB);
		CHECK_STR(r->name, "web");
		CHECK_STR(r->dirname, "web");
		CHECK_INT(r->env_id, 1);
		CHECK_STR(r->status, "running:unhealthy");
		CHECK_INT(r->mtime, T_2025_05_27_130958);
		/* The item as the API gave it, compact, unescaped, through
		 * its deflated copy. */
		char *json = model_resource_json(r);

		item0 = fixture("applications.json");
		if (item0 && CHECK(json != NULL)) {
			char *want = array_item(item0, 0);

			CHECK(want && json_same(json, want));
			free(want);
			CHECK(strchr(json, '\n') == NULL);
			CHECK(strstr(json,
				     "\"fqdn\":\"https://www.example.com\""));
			CHECK(strstr(json, "\"laravel_through_key\":1"));
			CHECK(r->json.len < r->json.raw_len);
		}
		free(item0);
		free(json);
	}
	r = model_resources_by_uuid(rs, APP_API2);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->status, "exited:unhealthy");
		CHECK_INT(r->env_id, 1);
	}
	/* A raw timestamp and an environment_id given as a string. */
	r = model_resources_by_uuid(rs, APP_PERCENT);
	if (CHECK(r != NULL)) {
		CHECK_INT(r->mtime, T_2024_02_29_235959);
		CHECK_INT(r->env_id, 7);
	}
	CHECK(model_resources_by_uuid(rs, "nope") == NULL);
	CHECK(model_resources_by_uuid(rs, DB_PG) == NULL);
	model_resources_free(rs);
}

/* Two apps named "api" in one environment are api@UUID; the "api" of
 * another environment keeps its plain name. */
static void test_applications_dedupe_per_environment(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_APP, "applications.json", NULL);
	const struct model_resource *r;

	if (!CHECK(rs != NULL))
		return;
	r = model_resources_by_uuid(rs, APP_API1);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->name, "api");
		CHECK_STR(r->dirname, "api@" APP_API1);
	}
	r = model_resources_by_uuid(rs, APP_API2);
	if (CHECK(r != NULL))
		CHECK_STR(r->dirname, "api@" APP_API2);
	r = model_resources_by_uuid(rs, APP_API_STAGING);
	if (CHECK(r != NULL))
		CHECK_STR(r->dirname, "api");
	r = model_resources_by_uuid(rs, APP_WEB);
	if (CHECK(r != NULL))
		CHECK_STR(r->dirname, "web");

	CHECK(model_resources_find(rs, 1, "api") == NULL);
	r = model_resources_find(rs, 1, "api@" APP_API1);
	CHECK(r && !strcmp(r->uuid, APP_API1));
	r = model_resources_find(rs, 1, "api@" APP_API2);
	CHECK(r && !strcmp(r->uuid, APP_API2));
	r = model_resources_find(rs, 7, "api");
	CHECK(r && !strcmp(r->uuid, APP_API_STAGING));
	CHECK(model_resources_find(rs, 7, "api@" APP_API_STAGING) == NULL);
	CHECK(model_resources_find(rs, 7, "web") == NULL);
	model_resources_free(rs);
}

static void test_applications_escaped_names(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_APP, "applications.json", NULL);
	const struct model_resource *r;

	if (!CHECK(rs != NULL))
		return;
	r = model_resources_by_uuid(rs, APP_DOCS);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->name, "docs/v2");
		CHECK_STR(r->dirname, "docs%2Fv2");
	}
	r = model_resources_by_uuid(rs, APP_PERCENT);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->name, "100%");
		CHECK_STR(r->dirname, "100%25");
	}
	r = model_resources_find(rs, 7, "docs%2Fv2");
	CHECK(r && !strcmp(r->uuid, APP_DOCS));
	r = model_resources_find(rs, 7, "100%25");
	CHECK(r && !strcmp(r->uuid, APP_PERCENT));
	CHECK(model_resources_find(rs, 7, "docs/v2") == NULL);
	CHECK(model_resources_find(rs, 7, "100%") == NULL);
	model_resources_free(rs);
}

/* model_resources_in_env: the environment's resources sorted by
 * dirname; NULL and 0 for an environment with none. */
static void test_resources_in_env_sorted(void)
{
	static const char *const env1[] = { "api@" APP_API1, "api@" APP_API2,
					    "web" };
	static const char *const env7[] = { "100%25", "api", "docs%2Fv2" };
	struct model_resources *rs =
	    parse_fixture(RES_APP, "applications.json", NULL);
	const struct model_resource *const *v;
	size_t n = 99, i;

	if (!CHECK(rs != NULL))
		return;
	v = model_resources_in_env(rs, 1, &n);
	if (CHECK(v != NULL) && CHECK_INT(n, N_ELEMS(env1)))
		for (i = 0; i < n; i++) {
			CHECK_STR(v[i]->dirname, env1[i]);
			CHECK_INT(v[i]->env_id, 1);
		}
	v = model_resources_in_env(rs, 7, &n);
	if (CHECK(v != NULL) && CHECK_INT(n, N_ELEMS(env7)))
		for (i = 0; i < n; i++)
			CHECK_STR(v[i]->dirname, env7[i]);
	n = 99;
	v = model_resources_in_env(rs, 2, &n);
	CHECK(v == NULL);
	CHECK_INT(n, 0);
	CHECK(model_resources_find(rs, 2, "web") == NULL);
	model_resources_free(rs);
}

/* NOTES §5.1: GET /databases dropped a postgres and a KeyDB that
 * /resources still lists; NOTES §5: KeyDB has no database_type. */
static void test_databases_merged_with_resources(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_DB, "databases.json", "resources.json");
	const struct model_resource *r;
	const struct model_resource *const *v;
	size_t n, i;

	if (!CHECK(rs != NULL))
		return;
	CHECK_INT(rs->kind, RES_DB);
	CHECK_INT(rs->n, 6);
	for (i = 0; i < rs->n; i++) {
		CHECK_INT(rs->v[i].kind, RES_DB);
		if (!CHECK(rs->v[i].db_type != NULL))
			printf("#   %s has no db_type\n", rs->v[i].name);
	}

	r = model_resources_by_uuid(rs, DB_PG);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->db_type, "postgresql");
		CHECK_STR(r->dirname, "web-db");
		CHECK_INT(r->env_id, 1);
		CHECK_STR(r->status, "running:healthy");
		CHECK_INT(r->mtime, T_2025_05_27_130958);
		CHECK(r->json.data != NULL);
	}
	r = model_resources_by_uuid(rs, DB_REDIS);
	if (CHECK(r != NULL))
		CHECK_STR(r->db_type, "redis");
	r = model_resources_by_uuid(rs, DB_CLICKHOUSE);
	if (CHECK(r != NULL))
		CHECK_STR(r->db_type, "clickhouse");
	/* Listed, but without database_type: the type comes from
	 * /resources, the JSON from the list. */
	r = model_resources_by_uuid(rs, DB_KEYDB_LISTED);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->db_type, "keydb");
		CHECK_STR(r->name, "queue");
		CHECK_INT(r->env_id, 7);
		CHECK(r->json.data != NULL);
	}
	/* Dropped by /databases: present, with no JSON of its own. */
	r = model_resources_by_uuid(rs, DB_KEYDB_DROPPED);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->db_type, "keydb");
		CHECK_STR(r->name, "sessions");
		CHECK_STR(r->dirname, "sessions");
		CHECK_INT(r->env_id, 1);
		CHECK_STR(r->status, "running:healthy");
		CHECK_INT(r->mtime, T_2025_05_20_080000);
		CHECK(r->json.data == NULL);
		CHECK(model_resource_json(r) == NULL);
	}
	r = model_resources_by_uuid(rs, DB_PG_DROPPED);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->db_type, "postgresql");
		CHECK_STR(r->status, "exited:unhealthy");
		CHECK_INT(r->mtime, T_2025_04_02_112500);
		CHECK(r->json.data == NULL);
		CHECK(model_resource_json(r) == NULL);
	}
	/* Applications and services in /resources are not databases. */
	CHECK(model_resources_by_uuid(rs, APP_WEB) == NULL);
	CHECK(model_resources_by_uuid(rs, SVC_N8N) == NULL);

	v = model_resources_in_env(rs, 1, &n);
	if (CHECK_INT(n, 4)) {
		CHECK_STR(v[0]->dirname, "cache");
		CHECK_STR(v[1]->dirname, "legacy-db");
		CHECK_STR(v[2]->dirname, "sessions");
		CHECK_STR(v[3]->dirname, "web-db");
	}
	v = model_resources_in_env(rs, 7, &n);
	if (CHECK_INT(n, 2)) {
		CHECK_STR(v[0]->dirname, "analytics");
		CHECK_STR(v[1]->dirname, "queue");
	}
	r = model_resources_find(rs, 1, "sessions");
	CHECK(r && !strcmp(r->uuid, DB_KEYDB_DROPPED));
	model_resources_free(rs);
}

/* /resources is unfiltered (NOTES §1.5): none of its secrets may reach
 * what the tree shows. */
static void test_databases_never_keep_resources_json(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_DB, "databases.json", "resources.json");
	size_t i;

	if (!CHECK(rs != NULL))
		return;
	for (i = 0; i < rs->n; i++) {
		char *j = model_resource_json(&rs->v[i]);

		if (!j)
			continue;
		CHECK(strstr(j, "s3cr3t") == NULL);
		CHECK(strstr(j, "hunter") == NULL);
		CHECK(strstr(j, "clickhouse_admin_password") == NULL);
		free(j);
	}
	model_resources_free(rs);
}

static void test_databases_without_resources(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_DB, "databases.json", NULL);
	const struct model_resource *r;

	if (!CHECK(rs != NULL))
		return;
	CHECK_INT(rs->n, 4);
	r = model_resources_by_uuid(rs, DB_PG);
	if (CHECK(r != NULL))
		CHECK_STR(r->db_type, "postgresql");
	CHECK(model_resources_by_uuid(rs, DB_KEYDB_DROPPED) == NULL);
	r = model_resources_by_uuid(rs, DB_KEYDB_LISTED);
	CHECK(r != NULL);
	model_resources_free(rs);
}

static void test_resources_json_only_used_for_databases(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_APP, "applications.json", "resources.json");

	if (!CHECK(rs != NULL))
		return;
	CHECK_INT(rs->n, 6);
	CHECK(model_resources_by_uuid(rs, DB_KEYDB_DROPPED) == NULL);
	CHECK(model_resources_by_uuid(rs, SVC_N8N) == NULL);
	model_resources_free(rs);

	rs = parse_fixture(RES_SVC, "services.json", "resources.json");
	if (!CHECK(rs != NULL))
		return;
	CHECK_INT(rs->n, 2);
	CHECK(model_resources_by_uuid(rs, DB_KEYDB_DROPPED) == NULL);
	model_resources_free(rs);
}

static void test_services_list(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_SVC, "services.json", NULL);
	const struct model_resource *r;
	char *text;

	if (!CHECK(rs != NULL))
		return;
	CHECK_INT(rs->kind, RES_SVC);
	CHECK_INT(rs->n, 2);
	r = model_resources_by_uuid(rs, SVC_N8N);
	if (CHECK(r != NULL)) {
		CHECK_INT(r->kind, RES_SVC);
		CHECK_STR(r->name, "n8n-t8cs0okg8o4o0cwsgw84cgo8");
		CHECK_STR(r->dirname, "n8n-t8cs0okg8o4o0cwsgw84cgo8");
		CHECK_STR(r->status, "running:healthy");
		CHECK_INT(r->env_id, 1);
		CHECK(r->db_type == NULL);
		char *json = model_resource_json(r);

		text = fixture("services.json");
		if (text && CHECK(json != NULL)) {
			char *want = array_item(text, 0);

			CHECK(want && json_same(json, want));
			free(want);
			/* The nested sub-containers stay in the JSON. */
			CHECK(strstr(json, "\"running (healthy)\"") != NULL);
			CHECK(strstr(json, "n8nio/n8n") != NULL);
		}
		free(text);
		free(json);
	}
	/* NOTES §7.2: a service can have an empty state. */
	r = model_resources_by_uuid(rs, SVC_KUMA);
	if (CHECK(r != NULL)) {
		CHECK_STR(r->status, ":");
		CHECK_INT(r->env_id, 7);
		CHECK_INT(r->mtime, T_2025_05_11_100000);
	}
	r = model_resources_find(rs, 7, "uptime-kuma");
	CHECK(r && !strcmp(r->uuid, SVC_KUMA));
	model_resources_free(rs);
}

static void test_resources_numeric_keyed_object(void)
{
	static const char json[] =
	    "{\"1\":{\"uuid\":\"" APP_API1 "\",\"name\":\"api\","
	    "\"environment_id\":1,\"status\":\"running:healthy\"},"
	    "\"0\":{\"uuid\":\"" APP_WEB "\",\"name\":\"web\","
	    "\"environment_id\":1,\"status\":\"exited:unhealthy\"},"
	    "\"2\":{\"uuid\":\"" APP_API2 "\",\"name\":\"api\","
	    "\"environment_id\":1,\"status\":\"running:healthy\"}}";
	struct model_resources *rs = NULL;
	const struct model_resource *const *v;
	size_t n;

	if (!CHECK_INT(model_resources_parse(RES_APP, json, NULL, &rs), 0))
		return;
	CHECK_INT(rs->n, 3);
	v = model_resources_in_env(rs, 1, &n);
	if (CHECK_INT(n, 3)) {
		CHECK_STR(v[0]->dirname, "api@" APP_API1);
		CHECK_STR(v[1]->dirname, "api@" APP_API2);
		CHECK_STR(v[2]->dirname, "web");
		CHECK_STR(v[2]->status, "exited:unhealthy");
	}
	model_resources_free(rs);

	/* /resources in keyed form, too. */
	rs = NULL;
	if (!CHECK_INT(model_resources_parse(
			   RES_DB, "[]",
			   "{\"0\":{\"id\":2,\"uuid\":\"" DB_KEYDB_DROPPED
			   "\",\"name\":\"sessions\",\"environment_id\":1,"
			   "\"type\":\"standalone-keydb\","
			   "\"status\":\"running:healthy\"}}",
			   &rs),
		       0))
		return;
	if (CHECK_INT(rs->n, 1))
		CHECK_STR(rs->v[0].db_type, "keydb");
	model_resources_free(rs);
}

static void test_resources_skip_items_without_uuid(void)
{
	static const char json[] =
	    "[{\"name\":\"ghost\",\"environment_id\":1},null,3,"
	    "{\"uuid\":\"" APP_WEB "\",\"name\":\"web\","
	    "\"environment_id\":1}]";
	struct model_resources *rs = NULL;

	if (!CHECK_INT(model_resources_parse(RES_APP, json, NULL, &rs), 0))
		return;
	if (CHECK_INT(rs->n, 1))
		CHECK_STR(rs->v[0].dirname, "web");
	model_resources_free(rs);
}

static void test_resources_empty(void)
{
	struct model_resources *rs = NULL;
	size_t n = 5;

	if (!CHECK_INT(model_resources_parse(RES_SVC, "[]", NULL, &rs), 0))
		return;
	CHECK_INT(rs->n, 0);
	CHECK(model_resources_in_env(rs, 1, &n) == NULL);
	CHECK_INT(n, 0);
	CHECK(model_resources_by_uuid(rs, "x") == NULL);
	CHECK(model_resources_find(rs, 1, "x") == NULL);
	model_resources_free(rs);
	model_resources_free(NULL);
}

/* Lists are parsed one element at a time (model_list_each), so the
 * strictness a whole-text parse gave is checked between elements. */
static const char *const malformed_lists[] = {
	"[{\"uuid\":\"x\"},]",
	"[{\"uuid\":\"x\"} {\"uuid\":\"y\"}]",
	"[{\"uuid\":\"x\"}]<html>502</html>",
	"[{\"uuid\":\"x\"}]]",
	"[{\"uuid\":\"x\",}]",
	"[,{\"uuid\":\"x\"}]",
	"{\"0\":{\"uuid\":\"x\"},\"name\":{\"uuid\":\"y\"}}",
	"{\"0\" {\"uuid\":\"x\"}}",
	"{\"\":{\"uuid\":\"x\"}}",
	"[{\"uuid\":\"x\"},{\"uuid\":\"y\\\"}]",
	"[12a]",
	"{\"uuid\":\"x\"}",
};

static void test_resources_malformed_lists_are_eio(void)
{
	struct model_resources *rs = NULL;
	size_t i;

	for (i = 0; i < N_ELEMS(malformed_lists); i++) {
		if (!CHECK_INT(model_resources_parse(RES_APP, malformed_lists[i],
						     NULL, &rs),
			       -EIO))
			printf("#   '%s'\n", malformed_lists[i]);
	}
	/* The same lists with /resources as the bad one. */
	for (i = 0; i < N_ELEMS(malformed_lists); i++) {
		if (!CHECK_INT(model_resources_parse(RES_DB, "[]",
						     malformed_lists[i], &rs),
			       -EIO))
			printf("#   resources '%s'\n", malformed_lists[i]);
	}
	if (CHECK_INT(model_resources_parse(RES_APP,
					    " [ 1 , \"s\" , {\"uuid\":\"x\"} ] \n",
					    NULL, &rs),
		      0)) {
		CHECK_INT(rs->n, 1);
		model_resources_free(rs);
	}
}

static void test_resources_malformed_is_eio(void)
{
	static struct model_resources dummy;
	struct model_resources *const sentinel = &dummy;
	struct model_resources *rs;
	char *good = fixture("databases.json");
	size_t i;
	int k;

	for (k = 0; k < RES_KINDS; k++) {
		for (i = 0; i < N_ELEMS(malformed); i++) {
			rs = sentinel;
			if (!CHECK_INT(model_resources_parse((enum res_kind)k,
							     malformed[i], NULL,
							     &rs),
				       -EIO))
				printf("#   kind %d, '%s'\n", k, malformed[i]);
			CHECK(rs == sentinel);
		}
		rs = sentinel;
		CHECK_INT(
		    model_resources_parse((enum res_kind)k, NULL, NULL, &rs),
		    -EIO);
		CHECK(rs == sentinel);
	}
	/* A broken /resources fails the database list too. */
	for (i = 0; good && i < N_ELEMS(malformed); i++) {
		rs = sentinel;
		if (!CHECK_INT(
			model_resources_parse(RES_DB, good, malformed[i], &rs),
			-EIO))
			printf("#   resources '%s'\n", malformed[i]);
		CHECK(rs == sentinel);
	}
	free(good);
}

static void test_kind_names(void)
{
	CHECK_STR(obj_kind_dir(RES_APP), "applications");
	CHECK_STR(obj_kind_dir(RES_DB), "databases");
	CHECK_STR(obj_kind_dir(RES_SVC), "services");
	CHECK_STR(obj_kind_file(RES_APP), "application.json");
	CHECK_STR(obj_kind_file(RES_DB), "database.json");
	CHECK_STR(obj_kind_file(RES_SVC), "service.json");
}

/* ---- model_json_render ---- */

static void test_render_is_pretty_with_newline(void)
{
	struct buf out = BUF_INIT;
	size_t lines = 0, i;

	CHECK_INT(model_json_render("{\"a\":1,\"b\":{\"c\":[1,2]},\"d\":\"x\"}",
				    &out),
		  0);
	for (i = 0; i < out.len; i++)
		lines += out.buf[i] == '\n';
	CHECK(lines >= 5);
	CHECK(out.len >= 2 && !strcmp(out.buf + out.len - 2, "}\n"));
	CHECK_INT(out.buf[0], '{');
	CHECK(!strncmp(out.buf, "{\n  \"a\"", 7));
	CHECK(strstr(out.buf, "\n    \"c\"") != NULL);
	CHECK(json_same(out.buf, "{\"a\":1,\"b\":{\"c\":[1,2]},\"d\":\"x\"}"));
	buf_release(&out);

	CHECK_INT(model_json_render("[1,2]", &out), 0);
	CHECK(out.len && out.buf[out.len - 1] == '\n');
	CHECK(json_same(out.buf, "[1,2]"));
	CHECK_INT(model_json_render("\"text\"", &out), 0);
	CHECK_STR(out.buf, "\"text\"\n");
	buf_release(&out);
}

static void test_render_round_trips_fixtures(void)
{
	static const char *const names[] = {
		"projects.json",  "project_detail.json", "applications.json",
		"databases.json", "resources.json",      "services.json",
	};
	struct buf out = BUF_INIT, again = BUF_INIT;
	size_t i;

	for (i = 0; i < N_ELEMS(names); i++) {
		char *json = fixture(names[i]);

		if (!json)
			continue;
		CHECK_INT(model_json_render(json, &out), 0);
		if (!CHECK(json_same(out.buf, json)))
			printf("#   %s\n", names[i]);
		CHECK(out.len && out.buf[out.len - 1] == '\n');
		CHECK(strstr(out.buf, "\\/") == NULL);
		/* Rendering is idempotent. */
		CHECK_INT(model_json_render(out.buf, &again), 0);
		CHECK_STR(again.buf, out.buf);
		free(json);
	}
	buf_release(&out);
	buf_release(&again);
}

static void test_render_stored_object_json(void)
{
	struct model_resources *rs =
	    parse_fixture(RES_APP, "applications.json", NULL);
	const struct model_resource *r;
	struct buf out = BUF_INIT;
	char *json = NULL;

	if (!CHECK(rs != NULL))
		return;
	r = model_resources_by_uuid(rs, APP_WEB);
	if (CHECK(r != NULL) && CHECK((json = model_resource_json(r))) &&
	    CHECK_INT(model_json_render(json, &out), 0)) {
		CHECK(json_same(out.buf, json));
		CHECK(strstr(out.buf, "\"https://www.example.com\"") != NULL);
		CHECK(strstr(out.buf, "\"App\\\\Models\\\\StandaloneDocker\""));
		CHECK(strstr(out.buf, "\n  \"uuid\"") != NULL);
		CHECK(!strcmp(out.buf + out.len - 2, "}\n"));
	}
	free(json);
	buf_release(&out);
	model_resources_free(rs);
}

static void test_render_keeps_non_ascii_and_escapes(void)
{
	static const char json[] =
	    "{\"name\":\"caf\\u00e9\",\"q\":\"say \\\"hi\\\"\\n\","
	    "\"path\":\"a\\/b\"}";
	struct buf out = BUF_INIT;

	CHECK_INT(model_json_render(json, &out), 0);
	CHECK(json_same(out.buf, json));
	CHECK(strstr(out.buf, "\"a/b\"") != NULL);
	CHECK(strstr(out.buf, "say \\\"hi\\\"\\n") != NULL);
	buf_release(&out);
}

static void test_render_malformed_is_eio_and_resets(void)
{
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < N_ELEMS(malformed); i++) {
		buf_adds(&out, "previous contents");
		if (!CHECK_INT(model_json_render(malformed[i], &out), -EIO))
			printf("#   for '%s'\n", malformed[i]);
		CHECK_INT(out.len, 0);
		CHECK_STR(out.buf, "");
	}
	buf_adds(&out, "previous contents");
	CHECK_INT(model_json_render(NULL, &out), -EIO);
	CHECK_INT(out.len, 0);
	/* Success resets too. */
	buf_adds(&out, "previous contents");
	CHECK_INT(model_json_render("[]", &out), 0);
	CHECK(strstr(out.buf, "previous") == NULL);
	CHECK_INT(out.buf[0], '[');
	buf_release(&out);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_parse_time_both_forms),
	CHECK_TEST(test_parse_time_garbage_is_zero),
	CHECK_TEST(test_parse_time_is_utc_whatever_tz),
	CHECK_TEST(test_projects_list),
	CHECK_TEST(test_projects_same_name_get_uuid),
	CHECK_TEST(test_projects_numeric_keyed_object),
	CHECK_TEST(test_projects_empty_list),
	CHECK_TEST(test_projects_malformed_is_eio),
	CHECK_TEST(test_projects_object_not_keyed_by_numbers_is_eio),
	CHECK_TEST(test_trailing_garbage_is_malformed),
	CHECK_TEST(test_projects_skip_items_without_uuid),
	CHECK_TEST(test_project_detail),
	CHECK_TEST(test_project_detail_json_is_compact_and_faithful),
	CHECK_TEST(test_project_detail_keyed_environments),
	CHECK_TEST(test_project_detail_without_environments),
	CHECK_TEST(test_project_detail_escapes_env_names),
	CHECK_TEST(test_project_detail_malformed_is_eio),
	CHECK_TEST(test_applications_list),
	CHECK_TEST(test_applications_dedupe_per_environment),
	CHECK_TEST(test_applications_escaped_names),
	CHECK_TEST(test_resources_in_env_sorted),
	CHECK_TEST(test_databases_merged_with_resources),
	CHECK_TEST(test_databases_never_keep_resources_json),
	CHECK_TEST(test_databases_without_resources),
	CHECK_TEST(test_resources_json_only_used_for_databases),
	CHECK_TEST(test_services_list),
	CHECK_TEST(test_resources_numeric_keyed_object),
	CHECK_TEST(test_resources_skip_items_without_uuid),
	CHECK_TEST(test_resources_empty),
	CHECK_TEST(test_resources_malformed_is_eio),
	CHECK_TEST(test_resources_malformed_lists_are_eio),
	CHECK_TEST(test_kind_names),
	CHECK_TEST(test_render_is_pretty_with_newline),
	CHECK_TEST(test_render_round_trips_fixtures),
	CHECK_TEST(test_render_stored_object_json),
	CHECK_TEST(test_render_keeps_non_ascii_and_escapes),
	CHECK_TEST(test_render_malformed_is_eio_and_resets),
};

CHECK_MAIN(tests)
