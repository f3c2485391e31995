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

#include "buf.h"

/* Largest body accepted from the API; logs and lists can be megabytes. */
#define HTTP_BODY_MAX (64u << 20)

/* How long an unreachable instance is not asked again. */
#define HTTP_DOWN_MS 2000

struct http {
	char *base;        /* "https://host/api/v1", no trailing slash */
	char *auth_header; /* secret: never logged */
	char *cacert;      /* extra CA bundle, or NULL */
	long timeout_ms;   /* whole call, retries included */
	CURLSH *share;
	/* One per curl_lock_data: guard the DNS cache and TLS sessions that
	 * curl shares between the threads' handles. */
	pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
	pthread_key_t handle_key; /* this thread's CURL * */
	/* Requests sent (attempts, retries included); for -d statistics. */
	unsigned long sent;
	/* While the instance refuses connections, calls fail at once with
	 * down_errno until down_until (monotonic ms) instead of each waiting
	 * out its retries, so reads fall back on cached data quickly. Both
	 * are accessed atomically. */
	long down_until;
	int down_errno;
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
	long status;                 /* 0 when no answer arrived */
	struct buf body;             /* capped at HTTP_BODY_MAX */
	const struct http_sink *sink; /* NULL: the body goes to body */
	int sink_rc;                 /* the sink's failure, or 0 */
	bool json;                   /* Content-Type says application/json */
	unsigned retry_after;        /* seconds, from a 429 */
	char error[CURL_ERROR_SIZE]; /* curl's reason when no answer came */
};

enum http_flags {
	HTTP_QUIET = 1 << 0, /* do not log a failure: the caller handles it */
	/* A GET with a side effect (an action on an older instance, NOTES
	 * §15.13): never retried once it may have reached the instance. */
	HTTP_ONCE = 1 << 1,
};

/* Sets up a client for the instance at url ("/api/v1" is appended unless
 * present). token is copied into the header and not kept elsewhere.
 * Returns 0, or -EINVAL for a URL that is not http(s). */
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
 * Retries within the timeout: 429 after its Retry-After; for GET also
 * 5xx, cut bodies and refused connections, with a short backoff. Other
 * methods are never retried once the request may have reached the
 * instance: an action must not run twice.
 *
 * After a call finds the instance unreachable (or gets no answer within
 * the timeout), calls in the next HTTP_DOWN_MS fail at once with the
 * same errno, without a request. */
int http_call(struct http *h, const char *method, const char *path,
	      const char *body, unsigned flags, struct http_response *resp);

/* errno for an HTTP status (SPEC §5); 0 for 2xx. */
int http_status_errno(long status);

/* Copies the API's "message" (and a 422's "errors") from a JSON error
 * body into out, which is reset first. */
void http_api_message(const struct http_response *r, struct buf *out);

#endif
