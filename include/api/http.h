/* The HTTP client: libcurl transport to the Coolify API, retries, and the
 * one table that turns HTTP answers and transport failures into errno.
 *
 * Each thread gets its own curl easy handle, kept for the life of the
 * thread so that its connection is reused (curl forbids sharing one handle
 * across threads, and sharing a connection cache between concurrent
 * threads is unsupported). The threads share DNS answers and TLS sessions
 * through one share handle. All functions are thread-safe. */
#ifndef CFS_HTTP_H
#define CFS_HTTP_H

#include <pthread.h>
#include <stdbool.h>

#include <curl/curl.h>

#include "base/buf.h"

/* Largest body accepted from the API; logs and lists can be megabytes. */
#define HTTP_BODY_MAX (64u << 20)

/* Without a probe (http_probe_start), how long an unreachable instance is
 * not asked again. */
#define HTTP_DOWN_MS 2000
/* How often the probe asks an unreachable instance whether it is back. */
#define HTTP_PROBE_MS 1000
/* The part of each rate-limit window that prefetching leaves to what a
 * user asks for: it sends nothing once fewer than limit / 5 are left. */
#define HTTP_RESERVE_DIV 5

/* The instance's rate limit as its answers report it (NOTES §1.7: a
 * fixed one-minute window per user, shared by all of the user's tokens;
 * X-RateLimit-Limit and -Remaining on every answer, Retry-After on a
 * 429). The client spends it instead of hitting it: a request is sent
 * only while the window has room, prefetching only while it has more
 * than its reserve. */
struct http_budget {
	pthread_mutex_t lock;   /* guards every field below */
	pthread_cond_t changed; /* broadcast after each answer */
	long limit; /* X-RateLimit-Limit; 0 while no answer carried one */
	long left;  /* what may still be sent in this window: the last
		     * Remaining, less what was sent since */
	long last_remaining; /* the newest answer's Remaining */
	long reset_ms;       /* monotonic ms by which the window surely ends, 0
			      * when unknown */
	unsigned inflight;   /* sent, not yet answered */
};

struct http {
	char *base;        /* "https://host/api/v1", no trailing slash */
	char *auth_header; /* secret: never logged */
	char *cacert;      /* extra CA bundle, or NULL */
	long timeout_ms;   /* one operation, every request and retry in it */
	CURLSH *share;
	/* One per curl_lock_data: guard the DNS cache and TLS sessions that
	 * curl shares between the threads' handles. */
	pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
	pthread_key_t thread_key; /* this thread's struct http_thread */
	/* Requests sent (attempts, retries included); for -d statistics. */
	unsigned long sent;
	/* Whether the FUSE request the calling thread serves was
	 * interrupted (Ctrl-C), so that a wait for the budget ends; NULL:
	 * never. Set before the first call, read-only afterwards. */
	bool (*interrupted)(void);
	struct http_budget budget;
	/* Once a call finds the instance unreachable, every call fails at
	 * once with down_errno (reads then serve cached data, SPEC §4)
	 * until down_until (monotonic ms): for good while the probe runs,
	 * which clears both when the instance answers again, else for
	 * HTTP_DOWN_MS. Both are accessed atomically. */
	long down_until;
	int down_errno;
	/* Guards probe_on and probe_stop; probe_wake tells the probe that
	 * the instance went down or that it must stop. */
	pthread_mutex_t probe_lock;
	pthread_cond_t probe_wake;
	bool probe_on, probe_stop;
	pthread_t probe;
};

/* Takes a 2xx answer's body as it arrives, in place of resp->body: a
 * list tens of MB long is then never held whole (see jsonlist.h). The
 * body of any other answer still goes to resp->body, for its message. */
struct http_sink {
	/* Before each attempt: a retried GET feeds its body again. */
	void (*start)(void *arg);
	/* The next piece of the body; a negative errno ends the transfer,
	 * and http_call() returns it at once, unlogged and not retried. */
	int (*feed)(void *arg, const char *data, size_t len);
	void *arg;
};

struct http_response {
	long status;                  /* 0 when no answer arrived */
	struct buf body;              /* capped at HTTP_BODY_MAX */
	const struct http_sink *sink; /* NULL: the body goes to body */
	int sink_rc;                  /* the sink's failure, or 0 */
	bool json;                    /* Content-Type says application/json */
	unsigned retry_after;         /* seconds, from a 429 */
	long rate_limit;              /* X-RateLimit-Limit, or -1 */
	long rate_remaining;          /* X-RateLimit-Remaining, or -1 */
	char error[CURL_ERROR_SIZE];  /* curl's reason when no answer came */
};

enum http_flags {
	/* Do not log a failure: the caller reports it through a channel of
	 * its own (a startup diagnosis, a log stream's once-per-run note).
	 * To give an answer another errno, pass a quirk table instead. */
	HTTP_QUIET = 1 << 0,
	/* A GET with a side effect (an action on an older instance, NOTES
	 * §15.13): never retried once it may have reached the instance. */
	HTTP_ONCE = 1 << 1,
	/* The caller has an older answer to fall back on (a cached value,
	 * stale now): when the budget is spent or the instance is down,
	 * fail at once with -EAGAIN or the down errno instead of waiting,
	 * so that the caller serves it (SPEC §4). */
	HTTP_STALE_OK = 1 << 2,
};

/* A route's known quirk (STYLE §8): an answer that means something else
 * than the table of SPEC §5 says. A table of them ends with a row whose
 * status is 0; the first row that matches an answer decides. */
struct http_quirk {
	long status;         /* the answer's status */
	const char *message; /* in the API's message; NULL: any message */
	unsigned flags;      /* enum http_quirk_flags */
	int err;             /* the negative errno it means; 0: the table's */
	const char *notes;   /* the section of api/NOTES.md, e.g. "§8" */
	const char *hint;    /* added to the logged line, or NULL */
};

enum http_quirk_flags {
	HTTP_QUIRK_EXACT = 1 << 0, /* message is the whole message */
	HTTP_QUIRK_QUIET = 1 << 1, /* expected: not logged */
	/* Nothing ran (SPEC §3.3: an older instance wants GET): a call
	 * other than GET asks again with GET, once (HTTP_ONCE). */
	HTTP_QUIRK_GET = 1 << 2,
};

/* Whether url names an instance, by libcurl's URL parser: http or
 * https, a host, and nothing after the path (the API's path is appended
 * to it). */
bool http_url_ok(const char *url);

/* Sets up a client for the instance at url ("/api/v1" is appended unless
 * present). token is copied into the header and not kept elsewhere.
 * Returns 0, or -EINVAL for a URL that is not http(s), has no host, or
 * has a query or fragment (libcurl's URL API parses it). */
int http_init(struct http *h, const char *url, const char *token,
	      const char *cacert, unsigned timeout_s);
void http_release(struct http *h);

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

/* Sends METHOD base+path (path starts with '/'); body, when not NULL, is
 * sent as JSON. Returns 0 on a 2xx answer, else a negative errno from the
 * table of SPEC §5, after logging one line with the request and the API's
 * message (unless HTTP_QUIET). resp is filled in either case: status is
 * the last answer's, or 0 when none came.
 *
 * Retries within the timeout (the operation's, see http_op_begin): for
 * GET, 5xx, cut bodies and connections closed unanswered, with a short
 * backoff; for every method, refused connections and 429s, which never
 * reached a controller. Other failures of other methods are not retried
 * once the request may have reached the instance: an action must not
 * run twice.
 *
 * The rate limit: a request waits until the budget has room, however
 * long past the timeout the instance said that will be (a 429's
 * Retry-After, or the end of a window spent), since it will answer
 * then; an interrupt ends the wait with -EINTR. With HTTP_STALE_OK it
 * fails at once with -EAGAIN instead, and on a prefetching thread (see
 * http_thread_background) it fails so whenever the window holds no more
 * than its reserve, or at its first 429.
 *
 * Once a call finds the instance unreachable (refused, no route, no
 * answer within the timeout, closed unanswered), every call fails at
 * once with that errno, without a request, until the probe finds the
 * instance back. */
int http_call(struct http *h, const char *method, const char *path,
	      const char *body, unsigned flags, struct http_response *resp);
/* http_call, with the route's quirks (NULL: none): an answer a row
 * matches gets that row's errno (see http_classify) and is logged
 * unless the row says HTTP_QUIRK_QUIET; a row with HTTP_QUIRK_GET sends
 * the request again as GET first, and the GET's answer decides. */
int http_call_quirks(struct http *h, const char *method, const char *path,
		     const char *body, unsigned flags,
		     const struct http_quirk *quirks,
		     struct http_response *resp);

/* The calling thread starts serving one operation (a FUSE request): the
 * requests it makes until http_op_end share one timeout, however many
 * levels of a path they fetch (SPEC §4). Outside an operation, each
 * call has its own. */
void http_op_begin(struct http *h);
void http_op_end(struct http *h);
/* The operation waits on purpose (`deploy wait` polls for minutes): the
 * requests it makes from now on get a fresh timeout, as the wait is not
 * the instance being slow. Nothing outside an operation. */
void http_op_renew(struct http *h);

/* Marks the calling thread as one that fetches ahead of a walk: its
 * requests spend only what the rate-limit window holds above its
 * reserve, and yield at the first 429 (SPEC §4: what a user asked for
 * goes first). For the life of the thread. */
void http_thread_background(struct http *h);

/* Starts the thread that, while the instance is down, asks it every
 * HTTP_PROBE_MS whether it is back (GET /health, which needs no token
 * and costs the user's budget nothing, NOTES §1.7), so that one request
 * finds out, not every operation. Call after daemonizing. Returns 0 or
 * a negative errno; without it, a down instance is asked again after
 * HTTP_DOWN_MS. */
int http_probe_start(struct http *h);
/* Stops and joins the probe; idempotent. */
void http_probe_stop(struct http *h);

/* errno for an HTTP status (SPEC §5); 0 for 2xx. */
int http_status_errno(long status);

/* One name=value of a query string (http_path). */
struct http_param {
	const char *name;  /* NULL ends a list */
	const char *value; /* the user's words, escaped by http_path; NULL:
			    * the parameter is left out */
};

/* The path of a request as http_call takes it, into out (reset first):
 * each of segs (a list ending in NULL) as one path segment after a '/',
 * percent-encoded whole ('/' included), then the params that have a
 * value as a query string, their values URL-encoded by libcurl
 * (CURLU_URLENCODE: a space as '+', the rest of what is not unreserved
 * as %XX). Returns 0, or -ENOMEM (out is then empty). */
int http_path(struct buf *out, const char *const *segs,
	      const struct http_param *params);

/* The one classifier: errno for an answer of status whose API message
 * (http_api_message) is message (NULL: none), given the route's quirks
 * (NULL: none). 0 for 2xx, whatever the quirks; else the first matching
 * row's errno, else http_status_errno's. Never -ENOSYS (SPEC §5: from a
 * flush, the kernel would stop sending flushes for the whole mount): a
 * row that says so gets -EOPNOTSUPP. *row (when row is not NULL) is the
 * row that matched, or NULL. Pure and thread-safe. */
int http_classify(long status, const char *message,
		  const struct http_quirk *quirks,
		  const struct http_quirk **row);

/* Copies the API's "message" (and a 422's "errors") from a JSON error
 * body into out, which is reset first. */
void http_api_message(const struct http_response *r, struct buf *out);

/* What went wrong with a call that returned rc, into out (reset first):
 * the API's message when an answer came, else curl's reason, else
 * strerror(-rc). The text the client logs. */
void http_describe(const struct http_response *r, int rc, struct buf *out);

#endif
