#include "api/http.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "base/log.h"
#include "base/xalloc.h"

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

/* What the client keeps per thread: curl forbids sharing a handle
 * between threads, and the operation's deadline belongs to the thread
 * that serves it. */
struct http_thread {
	CURL *curl;      /* kept, so that its connection is reused */
	long deadline;   /* monotonic ms the operation must end by; 0: none */
	bool background; /* a prefetching thread */
};

static void thread_free(void *p)
{
	struct http_thread *t = p;

	if (t->curl)
		curl_easy_cleanup(t->curl);
	free(t);
}

static struct http_thread *thread_state(struct http *h)
{
	struct http_thread *t = pthread_getspecific(h->thread_key);

	if (!t) {
		t = xcalloc(1, sizeof(*t));
		pthread_setspecific(h->thread_key, t);
	}
	return t;
}

bool http_url_ok(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *rest = NULL;
	bool ok;

	ok =
	    u && !curl_url_set(u, CURLUPART_URL, url, 0) &&
	    !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    (!strcmp(scheme, "http") || !strcmp(scheme, "https")) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0) && *host &&
	    curl_url_get(u, CURLUPART_QUERY, &rest, 0) == CURLUE_NO_QUERY &&
	    curl_url_get(u, CURLUPART_FRAGMENT, &rest, 0) == CURLUE_NO_FRAGMENT;
	curl_free(scheme);
	curl_free(host);
	curl_free(rest);
	curl_url_cleanup(u);
	return ok;
}

int http_init(struct http *h, const char *url, const char *token,
	      const char *cacert, unsigned timeout_s)
{
	size_t n;
	int i;

	if (!http_url_ok(url))
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
	pthread_key_create(&h->thread_key, thread_free);
	pthread_mutex_init(&h->budget.lock, NULL);
	pthread_cond_init(&h->budget.changed, NULL);
	h->budget.last_remaining = -1;
	pthread_mutex_init(&h->probe_lock, NULL);
	pthread_cond_init(&h->probe_wake, NULL);
	return 0;
}

void http_release(struct http *h)
{
	struct http_thread *mine = pthread_getspecific(h->thread_key);
	int i;

	http_probe_stop(h);
	if (mine) {
		pthread_setspecific(h->thread_key, NULL);
		thread_free(mine);
	}
	pthread_key_delete(h->thread_key);
	pthread_mutex_destroy(&h->budget.lock);
	pthread_cond_destroy(&h->budget.changed);
	pthread_mutex_destroy(&h->probe_lock);
	pthread_cond_destroy(&h->probe_wake);
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
	r->rate_limit = -1;
	r->rate_remaining = -1;
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

/* A header's count, or -1 when it is none. The line ends in CRLF. */
static long header_count(const char *v)
{
	char *end;
	long n;

	v += strspn(v, " \t");
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || n > INT_MAX || (*end && !strchr(" \t\r\n", *end)))
		return -1;
	return n;
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
	} else if (len > 18 && !strncasecmp(data, "X-RateLimit-Limit:", 18)) {
		r->rate_limit = header_count(data + 18);
	} else if (len > 22 &&
		   !strncasecmp(data, "X-RateLimit-Remaining:", 22)) {
		r->rate_remaining = header_count(data + 22);
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

/* The absolute CLOCK_REALTIME time ms from now, for a timed wait. */
static struct timespec abs_in(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static CURL *thread_handle(struct http_thread *t)
{
	if (!t->curl)
		t->curl = curl_easy_init();
	else
		/* Resets options only; the connection stays open for reuse. */
		curl_easy_reset(t->curl);
	return t->curl;
}

void http_op_begin(struct http *h)
{
	thread_state(h)->deadline = now_ms() + h->timeout_ms;
}

void http_op_renew(struct http *h)
{
	struct http_thread *t = thread_state(h);

	if (t->deadline)
		t->deadline = now_ms() + h->timeout_ms;
}

void http_op_end(struct http *h)
{
	thread_state(h)->deadline = 0;
}

void http_thread_background(struct http *h)
{
	thread_state(h)->background = true;
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
	/* Accepted, then closed without a word: nobody serves there. (A
	 * dead kept-alive connection curl retries by itself.) */
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return -ECONNRESET;
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
		/* Never ENOSYS: from a flush, the kernel would stop sending
		 * flushes for the whole mount (SPEC §5). */
		return -EOPNOTSUPP;
	case 409:
		return -EEXIST;
	case 429:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

static bool quirk_matches(const struct http_quirk *q, long status,
			  const char *message)
{
	if (q->status != status)
		return false;
	if (!q->message)
		return true;
	if (q->flags & HTTP_QUIRK_EXACT)
		return !strcmp(message, q->message);
	return strstr(message, q->message) != NULL;
}

int http_classify(long status, const char *message,
		  const struct http_quirk *quirks,
		  const struct http_quirk **row)
{
	const struct http_quirk *q;
	int err = http_status_errno(status);

	if (row)
		*row = NULL;
	if (!err || !quirks)
		return err;
	for (q = quirks; q->status; q++) {
		if (!quirk_matches(q, status, message ? message : ""))
			continue;
		if (row)
			*row = q;
		if (q->err)
			err = q->err == -ENOSYS ? -EOPNOTSUPP : q->err;
		break;
	}
	return err;
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

void http_describe(const struct http_response *r, int rc, struct buf *out)
{
	if (r->status)
		http_api_message(r, out);
	else {
		buf_reset(out);
		buf_adds(out, r->error[0] ? r->error : strerror(-rc));
	}
}

int http_path(struct buf *out, const char *const *segs,
	      const struct http_param *params)
{
	CURLU *u = curl_url();
	char *query = NULL;
	int rc = -ENOMEM;

	buf_reset(out);
	if (!u)
		return rc;
	for (; *segs; segs++) {
		char *seg = curl_easy_escape(NULL, *segs, 0);

		if (!seg)
			goto out_free_url;
		buf_addf(out, "/%s", seg);
		curl_free(seg);
	}
	for (; params->name; params++) {
		char *pair;
		CURLUcode code;

		if (!params->value)
			continue;
		pair = xasprintf("%s=%s", params->name, params->value);
		/* Encodes all but the first '=', which joins the pair. */
		code = curl_url_set(u, CURLUPART_QUERY, pair,
				    CURLU_APPENDQUERY | CURLU_URLENCODE);
		free(pair);
		if (code)
			goto out_free_url;
	}
	if (!curl_url_get(u, CURLUPART_QUERY, &query, 0) && *query)
		buf_addf(out, "?%s", query);
	rc = 0;
out_free_url:
	curl_free(query);
	curl_url_cleanup(u);
	if (rc)
		buf_reset(out);
	return rc;
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
	if (rc == -EIO || rc == -ECONNRESET || status == 502 || status == 503 ||
	    status == 500)
		return true;
	return false;
}

/* -- the rate-limit budget ------------------------------------------- */

static long budget_reserve(const struct http_budget *b)
{
	long r = b->limit / HTTP_RESERVE_DIV;

	return r > 0 ? r : 1;
}

/* Takes one request from the budget before it is sent: 0, or -EAGAIN
 * when the caller must not wait (a prefetch below the reserve, or a
 * caller with a stale answer at hand), or -EINTR. *waited grows by the
 * milliseconds spent waiting for the window to end. */
static int budget_take(struct http *h, bool background, bool stale_ok,
		       long *waited)
{
	struct http_budget *b = &h->budget;
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		long now = now_ms(), need;
		struct timespec until;

		if (!b->limit)
			break; /* no limit announced: nothing to spend */
		if (b->reset_ms && now >= b->reset_ms) {
			/* The window has surely ended: a full one begins. */
			b->left = b->limit;
			b->reset_ms = 0;
		}
		need = background ? budget_reserve(b) : 0;
		if (b->left > need)
			break;
		if (background || stale_ok) {
			rc = -EAGAIN;
			goto out_unlock;
		}
		if (!b->reset_ms)
			break; /* spent; only a 429 can say until when */
		if (h->interrupted && h->interrupted()) {
			rc = -EINTR;
			goto out_unlock;
		}
		/* Short naps: an interrupt is seen by polling. */
		until =
		    abs_in(b->reset_ms - now < 200 ? b->reset_ms - now : 200);
		pthread_cond_timedwait(&b->changed, &b->lock, &until);
		*waited += now_ms() - now;
	}
	b->left--;
	b->inflight++;
out_unlock:
	pthread_mutex_unlock(&b->lock);
	return rc;
}

/* Learns from an attempt's answer what the budget holds (NOTES §1.7).
 * Within a window Remaining only falls, except that answers to requests
 * in flight together may come in any order; one higher by more than
 * that means a new window began. */
static void budget_note(struct http *h, const struct http_response *r)
{
	struct http_budget *b = &h->budget;
	long now = now_ms(), left;

	pthread_mutex_lock(&b->lock);
	if (b->inflight)
		b->inflight--;
	if (r->rate_limit > 0)
		b->limit = r->rate_limit;
	if (r->status == 429) {
		b->left = 0;
		b->last_remaining = 0;
		b->reset_ms =
		    now + (long)(r->retry_after ? r->retry_after : 1) * 1000;
	} else if (r->rate_remaining >= 0 && b->limit) {
		left = r->rate_remaining - (long)b->inflight;
		if (r->rate_remaining >
		    b->last_remaining + (long)b->inflight + 1) {
			/* It began at most now: it ends within a minute. */
			b->reset_ms = now + 60 * 1000;
			b->left = left;
		} else if (left < b->left) {
			b->left = left;
		}
		if (b->left < 0)
			b->left = 0;
		b->last_remaining = r->rate_remaining;
	}
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
}

/* A request taken from the budget that was never sent. */
static void budget_untake(struct http *h)
{
	struct http_budget *b = &h->budget;

	pthread_mutex_lock(&b->lock);
	if (b->inflight)
		b->inflight--;
	if (b->limit)
		b->left++;
	pthread_mutex_unlock(&b->lock);
}

/* -- reachability ---------------------------------------------------- */

static bool is_unreachable(int rc)
{
	return rc == -ECONNREFUSED || rc == -EHOSTUNREACH || rc == -ETIMEDOUT ||
	       rc == -ECONNRESET;
}

/* Opens or closes the window in which calls are not even tried. An
 * instance that did not answer within the timeout counts as unreachable
 * too: an operation that needs several requests (a lookup per path
 * level) then fails, or falls back on cached data, after one timeout
 * rather than one per request (SPEC §4: no operation blocks longer than
 * timeout). While the probe runs, the window stays open until it finds
 * the instance back. */
static void note_reachability(struct http *h, int rc)
{
	long was = __atomic_load_n(&h->down_until, __ATOMIC_RELAXED);
	bool probe;

	if (!is_unreachable(rc)) {
		if (was) {
			__atomic_store_n(&h->down_until, 0, __ATOMIC_RELAXED);
			log_info("the instance answers again");
		}
		return;
	}
	pthread_mutex_lock(&h->probe_lock);
	probe = h->probe_on;
	__atomic_store_n(&h->down_errno, rc, __ATOMIC_RELAXED);
	__atomic_store_n(&h->down_until,
			 probe ? LONG_MAX : now_ms() + HTTP_DOWN_MS,
			 __ATOMIC_RELAXED);
	if (probe)
		pthread_cond_signal(&h->probe_wake);
	pthread_mutex_unlock(&h->probe_lock);
	if (!was)
		log_error("the instance is unreachable (%s)%s", strerror(-rc),
			  probe ? "; serving cached data until it answers"
				: "");
}

/* One GET /health: whether anything answered. */
static bool probe_once(struct http *h, struct http_thread *t)
{
	struct http_response resp;
	char *url = xasprintf("%s/health", h->base);
	CURL *c = thread_handle(t);
	long timeout = h->timeout_ms < 2000 ? h->timeout_ms : 2000;
	int rc;

	if (!c) {
		free(url);
		return false;
	}
	http_response_init(&resp);
	rc = http_once(h, c, "GET", url, NULL, timeout, &resp);
	log_debug("probe: GET /health -> %ld", resp.status);
	http_response_release(&resp);
	free(url);
	return !rc && resp.status;
}

static void *probe_main(void *arg)
{
	struct http *h = arg;
	struct http_thread *t = thread_state(h);

	pthread_mutex_lock(&h->probe_lock);
	while (!h->probe_stop) {
		struct timespec until = abs_in(HTTP_PROBE_MS);

		if (!__atomic_load_n(&h->down_until, __ATOMIC_RELAXED)) {
			pthread_cond_wait(&h->probe_wake, &h->probe_lock);
			continue;
		}
		pthread_cond_timedwait(&h->probe_wake, &h->probe_lock, &until);
		if (h->probe_stop ||
		    !__atomic_load_n(&h->down_until, __ATOMIC_RELAXED))
			continue;
		/* Unlocked while asking (STYLE §7). */
		pthread_mutex_unlock(&h->probe_lock);
		if (probe_once(h, t))
			note_reachability(h, 0);
		pthread_mutex_lock(&h->probe_lock);
	}
	pthread_mutex_unlock(&h->probe_lock);
	return NULL;
}

int http_probe_start(struct http *h)
{
	int rc;

	pthread_mutex_lock(&h->probe_lock);
	h->probe_stop = false;
	rc = h->probe_on ? 0 : -pthread_create(&h->probe, NULL, probe_main, h);
	if (!rc)
		h->probe_on = true;
	pthread_mutex_unlock(&h->probe_lock);
	return rc;
}

void http_probe_stop(struct http *h)
{
	bool on;

	pthread_mutex_lock(&h->probe_lock);
	on = h->probe_on;
	h->probe_on = false;
	h->probe_stop = true;
	pthread_cond_signal(&h->probe_wake);
	pthread_mutex_unlock(&h->probe_lock);
	if (on)
		pthread_join(h->probe, NULL);
}

/* -- a call ---------------------------------------------------------- */

/* Sends the request, retrying as http_call says. Returns 0 when an
 * answer arrived (whatever its status), else -errno; *quiet says that
 * the failure is not to be logged (the budget turned it away, the call
 * was interrupted, or the sink refused the body). */
static int http_send(struct http *h, const char *method, const char *path,
		     const char *body, unsigned flags,
		     struct http_response *resp, bool *quiet)
{
	bool idempotent = !strcmp(method, "GET") && !(flags & HTTP_ONCE);
	bool stale_ok = flags & HTTP_STALE_OK;
	struct http_thread *t = thread_state(h);
	long start = now_ms(), deadline = start + h->timeout_ms;
	long backoff = 100;
	int attempt, refused = 0, rc = 0, last = 0;
	char *url;
	CURL *c;

	/* Said once, when the instance went down (note_reachability). */
	*quiet = true;
	if (start < __atomic_load_n(&h->down_until, __ATOMIC_RELAXED))
		return __atomic_load_n(&h->down_errno, __ATOMIC_RELAXED);
	/* One timeout for the whole operation (SPEC §4). */
	if (t->deadline && t->deadline < deadline)
		deadline = t->deadline;
	c = thread_handle(t);
	if (!c)
		return -ENOMEM;
	*quiet = false;
	url = xasprintf("%s%s", h->base, path);
	for (attempt = 1;; attempt++) {
		long left, waited = 0;

		rc = budget_take(h, t->background, stale_ok, &waited);
		if (rc == -EAGAIN) {
			log_debug("%s %s: not sent: the rate limit's window "
				  "is spent",
				  method, path);
			*quiet = true;
			goto out_free;
		}
		if (rc) {
			*quiet = true;
			goto out_free; /* interrupted */
		}
		/* The instance said when it would answer: the wait for
		 * its budget is not the instance being slow. */
		deadline += waited;
		if (t->deadline)
			t->deadline += waited;
		left = deadline - now_ms();
		if (left <= 0) {
			budget_untake(h);
			if (attempt == 1) {
				/* The operation's time went on other
				 * requests: this one was not even sent. */
				rc = -ETIMEDOUT;
				goto out_free;
			}
			rc = last;
			break;
		}
		rc = http_once(h, c, method, url, body, left, resp);
		last = rc;
		budget_note(h, resp);
		log_debug("%s %s -> %ld%s (%ld ms)", method, path, resp->status,
			  rc ? " (no answer)" : "", now_ms() - start);
		if (resp->sink_rc)
			break; /* an answer the sink refused: not the network */
		if (resp->status == 429) {
			/* Prefetching yields at the first 429, and a caller
			 * with an older answer serves it. The rest wait for
			 * the window (budget_take) and ask again, unless the
			 * instance keeps refusing past its own Retry-After. */
			if (t->background || stale_ok || ++refused > 3)
				break;
			continue;
		}
		if (is_unreachable(rc) && rc != -ECONNREFUSED)
			break; /* nobody answers: no use asking again */
		if (attempt >= 4 || !may_retry(idempotent, rc, resp->status))
			break;
		if (now_ms() + backoff >= deadline)
			break;
		sleep_ms(backoff);
		backoff *= 2;
	}
	/* A body the sink refused came from an instance that answers. */
	note_reachability(h, resp->sink_rc ? 0 : rc);
	if (resp->sink_rc) {
		rc = resp->sink_rc;
		*quiet = true;
	}
out_free:
	free(url);
	return rc;
}

int http_call_quirks(struct http *h, const char *method, const char *path,
		     const char *body, unsigned flags,
		     const struct http_quirk *quirks,
		     struct http_response *resp)
{
	const struct http_quirk *row = NULL;
	struct buf msg = BUF_INIT;
	bool quiet;
	int rc;

	rc = http_send(h, method, path, body, flags, resp, &quiet);
	if (!rc && resp->status / 100 != 2) {
		http_api_message(resp, &msg);
		rc = http_classify(resp->status, msg.buf, quirks, &row);
		if (row && row->flags & HTTP_QUIRK_GET &&
		    strcmp(method, "GET")) {
			log_debug("%s %s: %ld, asking with GET (NOTES %s)",
				  method, path, resp->status, row->notes);
			method = "GET";
			rc = http_send(h, method, path, body, flags | HTTP_ONCE,
				       resp, &quiet);
			row = NULL;
			if (!rc && resp->status / 100 != 2) {
				http_api_message(resp, &msg);
				rc = http_classify(resp->status, msg.buf,
						   quirks, &row);
			}
		}
	}
	if (row && row->err)
		log_debug("%s %s: %ld means %s (NOTES %s)", method, path,
			  resp->status, strerror(-rc), row->notes);
	if (row && row->flags & HTTP_QUIRK_QUIET)
		quiet = true;
	/* A prefetch turned away is not the user's error. */
	if (rc && !quiet && !(flags & HTTP_QUIET) &&
	    !(thread_state(h)->background && rc == -EAGAIN)) {
		if (!resp->status)
			http_describe(resp, rc, &msg);
		log_error("%s %s: %s%s%s%s", method, path, msg.buf,
			  row && row->hint ? " (" : "",
			  row && row->hint ? row->hint : "",
			  row && row->hint ? ")" : "");
	}
	buf_release(&msg);
	return rc;
}

int http_call(struct http *h, const char *method, const char *path,
	      const char *body, unsigned flags, struct http_response *resp)
{
	return http_call_quirks(h, method, path, body, flags, NULL, resp);
}
