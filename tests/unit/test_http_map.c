/* Unit tests for the pure part of http.h: HTTP status to errno (SPEC §5),
 * a route's quirks over it (http_classify), and the API's error message (NOTES
 * §1.2, §1.4, §1.6). */
#include <errno.h>
#include <string.h>

#include "base/buf.h"
#include "api/http.h"

#include "check.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void test_2xx_is_success(void)
{
	static const long ok[] = { 200, 201, 202, 204, 299 };
	size_t i;

	for (i = 0; i < N_ELEMS(ok); i++)
		if (!CHECK_INT(http_status_errno(ok[i]), 0))
			printf("#   status %ld\n", ok[i]);
}

/* The table of SPEC §5. */
static void test_spec_table(void)
{
	static const struct {
		long status;
		int err;
	} table[] = {
		{ 400, -EINVAL }, { 422, -EINVAL }, { 401, -EACCES },
		{ 403, -EACCES }, { 404, -ENOENT }, { 409, -EEXIST },
		{ 405, -EOPNOTSUPP }, { 429, -EAGAIN }, { 500, -EIO },
		{ 502, -EIO },    { 503, -EIO },    { 599, -EIO },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(table); i++)
		if (!CHECK_INT(http_status_errno(table[i].status),
			       table[i].err))
			printf("#   status %ld\n", table[i].status);
}

/* SPEC §5: "5xx → EIO"; ETIMEDOUT is for "no answer within timeout".
 * nginx's 504 after ~99 s (NOTES §1.1) is an answer. */
static void test_gateway_timeout_is_eio(void)
{
	CHECK_INT(http_status_errno(504), -EIO);
}

/* SPEC §5: ENOSYS from a flush makes the kernel stop sending flush for
 * the whole mount, so no answer of the API may become it. */
static void test_no_status_is_enosys(void)
{
	long status;

	for (status = 100; status < 700; status++)
		if (!CHECK(http_status_errno(status) != -ENOSYS))
			printf("#   status %ld\n", status);
}

static void test_other_statuses_are_errors(void)
{
	static const long other[] = { 100, 199, 300, 301, 302, 304,
				      402, 410, 413, 418, 451, 600 };
	size_t i;

	for (i = 0; i < N_ELEMS(other); i++)
		if (!CHECK(http_status_errno(other[i]) < 0))
			printf("#   status %ld\n", other[i]);
}

/* -- http_classify: the route's quirks over the table ---------------- */

static const struct http_quirk quirks[] = {
	{ 404, "Not found.", HTTP_QUIRK_EXACT, -EOPNOTSUPP, "§1.1", "hint" },
	{ 400, "already", 0, -EALREADY, "§8", NULL },
	{ 400, "has resources", HTTP_QUIRK_QUIET, -ENOTEMPTY, "§3.4", NULL },
	{ 400, NULL, 0, -ENODATA, "§9.1", NULL },
	{ 405, NULL, HTTP_QUIRK_GET, 0, "§17.1", NULL },
	{ 409, NULL, 0, -ENOSYS, "none", NULL },
	{ 0 },
};

#define CLASSIFY(status, message, want_err, want_row)                  \
	do {                                                           \
		const struct http_quirk *row_ = &quirks[0];            \
		bool ok_ = CHECK_INT(                                  \
		    http_classify((status), (message), quirks, &row_), \
		    (want_err));                                       \
		if (!CHECK(row_ == (want_row)) || !ok_)                \
			printf("#   line %d\n", __LINE__);             \
	} while (0)

static void test_quirk_rows(void)
{
	CLASSIFY(404, "Not found.", -EOPNOTSUPP, &quirks[0]);
	/* EXACT: another 404 is about a missing object. */
	CLASSIFY(404, "Not found. Really", -ENOENT, NULL);
	CLASSIFY(404, "Application not found.", -ENOENT, NULL);
	/* A substring anywhere in the message. */
	CLASSIFY(400, "Database is already running.", -EALREADY, &quirks[1]);
	CLASSIFY(400, "Project has resources, so it cannot be deleted.",
		 -ENOTEMPTY, &quirks[2]);
	/* A row without a message takes every message, none included. */
	CLASSIFY(400, "Application is not running.", -ENODATA, &quirks[3]);
	CLASSIFY(400, NULL, -ENODATA, &quirks[3]);
	/* err 0: the table's errno, the row still matched (its flags). */
	CLASSIFY(405, "This endpoint has changed to a POST request.",
		 -EOPNOTSUPP, &quirks[4]);
	/* No row: the table. */
	CLASSIFY(422, "Validation failed.", -EINVAL, NULL);
	CLASSIFY(500, "Server Error", -EIO, NULL);
}

/* The first row that matches decides. */
static void test_quirk_precedence(void)
{
	/* Both "already" and "has resources" rows match: the first wins. */
	CLASSIFY(400, "already has resources", -EALREADY, &quirks[1]);
	CLASSIFY(400, "has resources already", -EALREADY, &quirks[1]);
	/* The catch-all 400 row comes after the specific ones. */
	CLASSIFY(400, "has resources", -ENOTEMPTY, &quirks[2]);
}

/* A 2xx is success whatever the quirks say, and no table means SPEC §5. */
static void test_quirks_leave_success_alone(void)
{
	static const struct http_quirk any_200[] = {
		{ 200, NULL, 0, -EIO, "", NULL },
		{ 0 },
	};
	const struct http_quirk *row = &any_200[0];

	CHECK_INT(http_classify(200, "ok", any_200, &row), 0);
	CHECK(row == NULL);
	CHECK_INT(http_classify(404, "Not found.", NULL, &row), -ENOENT);
	CHECK(row == NULL);
	CHECK_INT(http_classify(400, "already", quirks, NULL), -EALREADY);
}

/* SPEC §5: never ENOSYS, whatever the status, message or row. */
static void test_classify_never_enosys(void)
{
	static const char *const messages[] = { NULL, "", "Not found.",
						"already", "has resources" };
	long status;
	size_t i;

	for (status = 100; status < 600; status++)
		for (i = 0; i < N_ELEMS(messages); i++) {
			int e =
			    http_classify(status, messages[i], quirks, NULL);

			if (!CHECK(e != -ENOSYS && e <= 0 &&
				   (e == 0) == (status / 100 == 2)))
				printf("#   status %ld\n", status);
			if (!CHECK(http_classify(status, messages[i], NULL,
						 NULL) != -ENOSYS))
				printf("#   status %ld\n", status);
		}
	/* The row that asked for ENOSYS gets EOPNOTSUPP. */
	CHECK_INT(http_classify(409, "x", quirks, NULL), -EOPNOTSUPP);
}

/* What the client logs for a failed call. */
static void test_describe(void)
{
	struct http_response r;
	struct buf out = BUF_INIT;

	http_response_init(&r);
	r.status = 400;
	r.json = true;
	buf_adds(&r.body, "{\"message\":\"Database is already running.\"}");
	http_describe(&r, -EALREADY, &out);
	CHECK_STR(out.buf, "Database is already running.");
	http_response_release(&r);

	http_response_init(&r);
	strcpy(r.error, "Failed to connect to x port 9");
	http_describe(&r, -ECONNREFUSED, &out);
	CHECK_STR(out.buf, "Failed to connect to x port 9");
	r.error[0] = '\0';
	http_describe(&r, -ETIMEDOUT, &out);
	CHECK_STR(out.buf, strerror(ETIMEDOUT));
	buf_release(&out);
	http_response_release(&r);
}

/* -- http_path: what goes after the base URL -------------------------- */

static void test_path_segments_and_query(void)
{
	static const char *const logs[] = { "services", "s1", "logs", NULL };
	static const char *const odd[] = { "keys", "a/b c%?#", NULL };
	static const char *const none[] = { NULL };
	const struct http_param query[] = {
		{ "sub_service_name", "web" },
		{ "lines", "100" },
		{ "show_timestamps", NULL },
		{ NULL, NULL },
	};
	const struct http_param empty[] = { { "tag", NULL }, { NULL, NULL } };
	const struct http_param tags[] = {
		{ "tag", "front end,b+c/d=e&f=g" },
		{ "force", "1" },
		{ NULL, NULL },
	};
	struct buf out = BUF_INIT;

	buf_adds(&out, "left over");
	CHECK_INT(http_path(&out, logs, query), 0);
	CHECK_STR(out.buf, "/services/s1/logs?sub_service_name=web&lines=100");
	/* A segment is one segment, whatever it holds. */
	CHECK_INT(http_path(&out, odd, empty), 0);
	CHECK_STR(out.buf, "/keys/a%2Fb%20c%25%3F%23");
	/* A value cannot end itself or start another parameter. */
	CHECK_INT(http_path(&out, none, tags), 0);
	CHECK(!strncmp(out.buf, "?tag=front+end", 14));
	CHECK(strstr(out.buf, "&force=1") != NULL);
	CHECK(!strchr(out.buf + 1, '?') && !strchr(out.buf, '/') &&
	      !strchr(out.buf, ','));
	CHECK_INT(strchr(out.buf, '=') - out.buf, 4);
	CHECK(strstr(out.buf, "&f") == strstr(out.buf, "&force"));
	buf_release(&out);
}

/* A response as http_call() leaves it. */
static void response(struct http_response *r, long status, bool json,
		     const char *body)
{
	http_response_init(r);
	r->status = status;
	r->json = json;
	if (body)
		buf_adds(&r->body, body);
}

/* http_api_message's text for one answer. */
static void check_message(long status, bool json, const char *body,
			  const char *want, int line)
{
	struct http_response r;
	struct buf out = BUF_INIT;

	response(&r, status, json, body);
	buf_adds(&out, "left over from before");
	http_api_message(&r, &out);
	if (!CHECK_STR(out.buf, want))
		printf("#   line %d\n", line);
	CHECK_INT(out.len, strlen(out.buf));
	buf_release(&out);
	http_response_release(&r);
}

#define MESSAGE(status, json, body, want) \
	check_message((status), (json), (body), (want), __LINE__)

static void test_message_from_json_body(void)
{
	MESSAGE(401, true, "{\"message\":\"Unauthenticated.\"}",
		"Unauthenticated.");
	MESSAGE(403, true,
		"{\"success\":true,\"message\":\"API is disabled.\"}",
		"API is disabled.");
	MESSAGE(403, true,
		"{\"message\":\"Missing required permissions: write, deploy\"}",
		"Missing required permissions: write, deploy");
	MESSAGE(404, true,
		"{\"message\":\"Not found.\",\"docs\":"
		"\"https:\\/\\/coolify.io\\/docs\"}",
		"Not found.");
	MESSAGE(400, true,
		"{\"message\":\"Project has resources, so it cannot be "
		"deleted.\"}",
		"Project has resources, so it cannot be deleted.");
	MESSAGE(429, true, "{\"message\":\"Too Many Attempts.\"}",
		"Too Many Attempts.");
	/* Laravel escapes '/' and non-ASCII (NOTES §2.2). */
	MESSAGE(400, true, "{\"message\":\"a\\/b caf\\u00e9\"}", "a/b café");
}

static void test_message_with_validation_errors(void)
{
	struct http_response r;
	struct buf out = BUF_INIT;

	response(&r, 422, true,
		 "{\"message\":\"Validation failed.\",\"errors\":{\"name\":"
		 "[\"The name field is required.\"],\"foo\":"
		 "[\"This field is not allowed.\"]}}");
	http_api_message(&r, &out);
	CHECK(!strncmp(out.buf, "Validation failed.", 18));
	CHECK(strstr(out.buf, "The name field is required.") != NULL);
	CHECK(strstr(out.buf, "This field is not allowed.") != NULL);
	CHECK(strstr(out.buf, "name") != NULL);
	CHECK(strstr(out.buf, "foo") != NULL);
	CHECK(strchr(out.buf, '\n') == NULL);
	buf_release(&out);
	http_response_release(&r);

	/* errors alone. */
	response(&r, 422, true, "{\"errors\":{\"lines\":[\"must be int\"]}}");
	http_api_message(&r, &out);
	CHECK(strstr(out.buf, "must be int") != NULL);
	CHECK(out.buf[0] != ' ');
	buf_release(&out);
	http_response_release(&r);
}

static void test_message_not_a_string(void)
{
	struct http_response r;
	struct buf out = BUF_INIT;

	response(&r, 400, true, "{\"message\":[\"first\",\"second\"]}");
	http_api_message(&r, &out);
	CHECK(strstr(out.buf, "first") != NULL);
	CHECK(strstr(out.buf, "second") != NULL);
	buf_release(&out);
	http_response_release(&r);
}

/* Without a usable message the status is named. */
static void test_message_falls_back_to_status(void)
{
	/* nginx's HTML page (NOTES §1.1) and Laravel's HTML 429. */
	MESSAGE(504, false,
		"<html><head><title>504 Gateway Time-out</title></head></html>",
		"HTTP 504");
	MESSAGE(429, false, "<!DOCTYPE html><html>Too Many Requests</html>",
		"HTTP 429");
	/* Said to be JSON but is not, or is cut off. */
	MESSAGE(500, true, "<html>Server Error</html>", "HTTP 500");
	MESSAGE(500, true, "{\"message\":\"Server Err", "HTTP 500");
	/* JSON without a message. */
	MESSAGE(400, true, "{\"error\":\"bad\"}", "HTTP 400");
	MESSAGE(404, true, "[]", "HTTP 404");
	MESSAGE(502, true, "", "HTTP 502");
	MESSAGE(502, false, NULL, "HTTP 502");
}

static void test_message_without_answer_is_empty(void)
{
	/* status 0: no answer came; the caller uses curl's reason. */
	MESSAGE(0, false, NULL, "");
	MESSAGE(0, false, "partial", "");
}

static void test_response_init(void)
{
	struct http_response r;

	http_response_init(&r);
	CHECK_INT(r.status, 0);
	CHECK(!r.json);
	CHECK_INT(r.retry_after, 0);
	CHECK_STR(r.error, "");
	CHECK_INT(r.body.len, 0);
	CHECK_STR(r.body.buf, "");
	CHECK_INT(r.body.max, HTTP_BODY_MAX);
	http_response_release(&r);
	http_response_release(&r);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_2xx_is_success),
	CHECK_TEST(test_spec_table),
	CHECK_TEST(test_gateway_timeout_is_eio),
	CHECK_TEST(test_no_status_is_enosys),
	CHECK_TEST(test_other_statuses_are_errors),
	CHECK_TEST(test_quirk_rows),
	CHECK_TEST(test_quirk_precedence),
	CHECK_TEST(test_quirks_leave_success_alone),
	CHECK_TEST(test_classify_never_enosys),
	CHECK_TEST(test_describe),
	CHECK_TEST(test_path_segments_and_query),
	CHECK_TEST(test_message_from_json_body),
	CHECK_TEST(test_message_with_validation_errors),
	CHECK_TEST(test_message_not_a_string),
	CHECK_TEST(test_message_falls_back_to_status),
	CHECK_TEST(test_message_without_answer_is_empty),
	CHECK_TEST(test_response_init),
};

CHECK_MAIN(tests)
