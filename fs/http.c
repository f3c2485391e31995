#include "http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "log.h"
#include "xalloc.h"

static const char api_suffix[] = "/api/v1";

static void share_lock(CURL *handle, curl_lock_data data,
		       curl_lock_access access, void *userp)
{
	struct http *h = userp;

	(void)handle;
	(void)access;
	pthread_mutex_lock(&h->locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userp)
{
	struct http *h = userp;

	(void)handle;
	pthread_mutex_unlock(&h->locks[data]);
}

static void handle_free(void *p)
{
	curl_easy_cleanup(p);
}

int http_init(struct http *h, const char *url, const char *token,
	      const char *cacert, unsigned timeout_s)
{
	size_t n;
	int i;

	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	n = strlen(url);
	while (n && url[n - 1] == '/')
		n--;
	if (n >= sizeof(api_suffix) - 1 &&
	    !strncmp(url + n - (sizeof(api_suffix) - 1), api_suffix,
		     sizeof(api_suffix) - 1))
		h->base = xstrndup(url, n);
	else
		h->base = xasprintf("%.*s%s", (int)n, url, api_suffix);
	h->auth_header = xasprintf("Authorization: Bearer %s", token);
	h->cacert = xstrdup(cacert);
	h->timeout_ms = (long)(timeout_s ? timeout_s : 15) * 1000;

	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&h->locks[i], NULL);
	h->share = curl_share_init();
	curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(h->share, CURLSHOPT_SHARE,
			  CURL_LOCK_DATA_SSL_SESSION);
	pthread_key_create(&h->handle_key, handle_free);
	return 0;
}

void http_release(struct http *h)
{
	CURL *mine = pthread_getspecific(h->handle_key);
	int i;

	if (mine) {
		pthread_setspecific(h->handle_key, NULL);
		curl_easy_cleanup(mine);
	}
	pthread_key_delete(h->handle_key);
	curl_share_cleanup(h->share);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&h->locks[i]);
	/* The header holds the token: wipe it before it goes back to malloc. */
	explicit_bzero(h->auth_header, strlen(h->auth_header));
	free(h->auth_header);
	free(h->base);
	free(h->cacert);
	memset(h, 0, sizeof(*h));
}

void http_response_init(struct http_response *r)
{
	r->status = 0;
	buf_init(&r->body, HTTP_BODY_MAX);
	r->sink = NULL;
	r->sink_rc = 0;
	r->json = false;
	r->retry_after = 0;
	r->error[0] = '\0';
}

void http_response_release(struct http_response *r)
{
	buf_release(&r->body);
}

/* One attempt's answer being received. */
struct transfer {
	CURL *curl;
	struct http_response *resp;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	struct http_response *r = t->resp;
	size_t len = size * nmemb;

	/* A short count makes curl fail the transfer with CURLE_WRITE_ERROR. */
	if (r->sink) {
		long status = 0;

		curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300) {
			r->sink_rc = r->sink->feed(r->sink->arg, data, len);
			return r->sink_rc ? 0 : len;
		}
	}
	if (buf_add(&r->body, data, len))
		return 0;
	return len;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_response *r = userp;
	size_t len = size * nmemb;

	if (len > 13 && !strncasecmp(data, "Content-Type:", 13)) {
		const char *v = data + 13;

		v += strspn(v, " \t");
		r->json = !strncasecmp(v, "application/json", 16);
	} else if (len > 12 && !strncasecmp(data, "Retry-After:", 12)) {
		r->retry_after = (unsigned)strtoul(data + 12, NULL, 10);
	}
	return len;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static CURL *thread_handle(struct http *h)
{
	CURL *c = pthread_getspecific(h->handle_key);

	if (!c) {
		c = curl_easy_init();
		if (!c)
			return NULL;
		pthread_setspecific(h->handle_key, c);
	} else {
		/* Resets options only; the connection stays open for reuse. */
		curl_easy_reset(c);
	}
	return c;
}

/* errno for a transfer that got no complete answer. */
static int curl_errno(CURL *c, CURLcode code)
{
	long os_errno = 0;

	switch (code) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno == EHOSTUNREACH || os_errno == ENETUNREACH)
			return -EHOSTUNREACH;
		return -ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return -EHOSTUNREACH;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_WRITE_ERROR:
		return -EFBIG; /* only our body cap refuses data */
	default:
		return -EIO;
	}
}

int http_status_errno(long status)
{
	if (status >= 200 && status < 300)
		return 0;
	switch (status) {
	case 400:
	case 422:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	case 405:
		return -EOPNOTSUPP; /* SPEC §5: never ENOSYS */
	case 409:
		return -EEXIST;
	case 429:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

static void add_json_value(struct buf *out, struct json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		buf_adds(out, json_object_get_string(v));
	else
		buf_adds(out, json_object_to_json_string_ext(
				  v, JSON_C_TO_STRING_PLAIN |
					 JSON_C_TO_STRING_NOSLASHESCAPE));
}

void http_api_message(const struct http_response *r, struct buf *out)
{
	struct json_object *root, *v;

	buf_reset(out);
	root = r->json ? json_tokener_parse(r->body.buf) : NULL;
	if (root && json_object_object_get_ex(root, "message", &v))
		add_json_value(out, v);
	if (root && json_object_object_get_ex(root, "errors", &v)) {
		buf_adds(out, out->len ? " " : "");
		add_json_value(out, v);
	}
	if (!out->len && r->status)
		buf_addf(out, "HTTP %ld", r->status);
	json_object_put(root);
}

/* One attempt. Returns 0 when an answer arrived, else -errno. */
static int http_once(struct http *h, CURL *c, const char *method,
		     const char *url, const char *body, long budget_ms,
		     struct http_response *resp)
{
	struct transfer t = { c, resp };
	struct curl_slist *hdrs = NULL;
	CURLcode code;

	buf_reset(&resp->body);
	resp->sink_rc = 0;
	if (resp->sink)
		resp->sink->start(resp->sink->arg);
	resp->status = 0;
	resp->json = false;
	resp->retry_after = 0;
	resp->error[0] = '\0';

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, h->auth_header);
	if (body)
		hdrs =
		    curl_slist_append(hdrs, "Content-Type: application/json");
	/* An empty Expect stops curl's 100-continue round trip on bodies. */
	hdrs = curl_slist_append(hdrs, "Expect:");

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_SHARE, h->share);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, resp->error);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, budget_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 budget_ms < 5000 ? budget_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "coolifyfs/" CFS_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	} else if (strcmp(method, "GET")) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	}
	if (!strcmp(method, "GET"))
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);

	code = curl_easy_perform(c);
	__atomic_add_fetch(&h->sent, 1, __ATOMIC_RELAXED);
	curl_slist_free_all(hdrs);
	if (code != CURLE_OK) {
		resp->status = 0;
		return resp->sink_rc ? resp->sink_rc : curl_errno(c, code);
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	return 0;
}

/* Whether the failure of an attempt may be retried. A refused connection
 * never reached the instance, and a 429 was turned away before any
 * controller ran, so those are safe for every method. */
static bool may_retry(bool idempotent, int rc, long status)
{
	if (rc == -ECONNREFUSED || status == 429)
		return true;
	if (!idempotent)
		return false;
	if (rc == -EIO || status == 502 || status == 503 || status == 500)
		return true;
	return false;
}

/* Opens or closes the window in which calls are not even tried. An
 * instance that did not answer within the timeout counts as unreachable
 * too: an operation that needs several requests (a lookup per path
 * level) then fails, or falls back on cached data, after one timeout
 * rather than one per request (SPEC §4: no operation blocks longer than
 * timeout). */
static void note_reachability(struct http *h, int rc)
{
	long was = __atomic_load_n(&h->down_until, __ATOMIC_RELAXED);

	if (rc == -ECONNREFUSED || rc == -EHOSTUNREACH || rc == -ETIMEDOUT) {
		__atomic_store_n(&h->down_errno, rc, __ATOMIC_RELAXED);
		__atomic_store_n(&h->down_until, now_ms() + HTTP_DOWN_MS,
				 __ATOMIC_RELAXED);
		if (!was)
			log_error("the instance is unreachable (%s)",
				  strerror(-rc));
	} else if (was) {
		__atomic_store_n(&h->down_until, 0, __ATOMIC_RELAXED);
		log_info("the instance answers again");
	}
}

int http_call(struct http *h, const char *method, const char *path,
	      const char *body, unsigned flags, struct http_response *resp)
{
	bool idempotent = !strcmp(method, "GET") && !(flags & HTTP_ONCE);
	long start = now_ms(), deadline = start + h->timeout_ms;
	long backoff = 100;
	int attempt, rc;
	char *url;
	CURL *c;

	if (start < __atomic_load_n(&h->down_until, __ATOMIC_RELAXED))
		return __atomic_load_n(&h->down_errno, __ATOMIC_RELAXED);
	c = thread_handle(h);
	if (!c)
		return -ENOMEM;
	url = xasprintf("%s%s", h->base, path);
	for (attempt = 1;; attempt++) {
		long left = deadline - now_ms(), wait;

		if (left <= 0) {
			rc = resp->status ? 0 : -ETIMEDOUT;
			break;
		}
		rc = http_once(h, c, method, url, body, left, resp);
		log_debug("%s %s -> %ld%s (%ld ms)", method, path, resp->status,
			  rc ? " (no answer)" : "", now_ms() - start);
		if (resp->sink_rc)
			break; /* an answer the sink refused: not the network */
		if (attempt >= 4 || !may_retry(idempotent, rc, resp->status))
			break;
		wait = resp->status == 429 ? (long)resp->retry_after * 1000
					   : backoff;
		if (wait <= 0)
			wait = backoff;
		if (now_ms() + wait >= deadline)
			break;
		sleep_ms(wait);
		backoff *= 2;
	}
	free(url);
	/* A body the sink refused came from an instance that answers. */
	note_reachability(h, resp->sink_rc ? 0 : rc);
	if (resp->sink_rc)
		return resp->sink_rc;

	if (!rc)
		rc = http_status_errno(resp->status);
	if (rc && !(flags & HTTP_QUIET)) {
		struct buf msg = BUF_INIT;

		if (resp->status)
			http_api_message(resp, &msg);
		else
			buf_adds(&msg,
				 resp->error[0] ? resp->error : strerror(-rc));
		log_error("%s %s: %s", method, path, msg.buf);
		buf_release(&msg);
	}
	return rc;
}
