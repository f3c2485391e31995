#include "model/logs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "base/log.h"
#include "base/xalloc.h"

/* A followed log longer than this starts again from its latest windows:
 * a `tail -f` left running for days must not take all memory. */
#define LOGS_TEXT_MAX (32u << 20)

/* ---- text ---- */

/* The length of the escape sequence at s (s[0] is ESC), never past the
 * end of its line: an unterminated sequence does not eat the log. */
static size_t esc_len(const char *s, size_t len)
{
	size_t j;

	if (len < 2)
		return 1;
	switch (s[1]) {
	case '[': /* CSI: parameters, intermediates, one final byte */
		for (j = 2; j < len && s[j] >= 0x30 && s[j] <= 0x3f; j++)
			;
		for (; j < len && s[j] >= 0x20 && s[j] <= 0x2f; j++)
			;
		if (j < len && s[j] >= 0x40 && s[j] <= 0x7e)
			j++;
		return j;
	case ']': /* OSC and the string commands: up to BEL or ST */
	case 'P':
	case 'X':
	case '^':
	case '_':
		for (j = 2; j < len && s[j] != '\n'; j++) {
			if (s[j] == '\a')
				return j + 1;
			if (s[j] == 0x1b && j + 1 < len && s[j + 1] == '\\')
				return j + 2;
		}
		return j;
	default:
		if (s[1] >= 0x20 && s[1] <= 0x2f) { /* e.g. "ESC ( B" */
			for (j = 1; j < len && s[j] >= 0x20 && s[j] <= 0x2f;
			     j++)
				;
			if (j < len && s[j] >= 0x30 && s[j] <= 0x7e)
				j++;
			return j;
		}
		if (s[1] >= 0x30 && s[1] <= 0x7e)
			return 2;
		return 1; /* a lone ESC */
	}
}

size_t logs_strip_ansi(char *s, size_t len)
{
	size_t i = 0, o = 0;

	while (i < len) {
		if (s[i] == 0x1b) {
			i += esc_len(s + i, len - i);
			continue;
		}
		s[o++] = s[i++];
	}
	if (o < len)
		s[o] = '\0';
	return o;
}

int logs_clean(const char *raw, size_t len, unsigned flags, struct buf *out)
{
	size_t n, i, o;
	int rc;

	buf_reset(out);
	rc = buf_add(out, raw, len);
	if (rc)
		return rc;
	n = logs_strip_ansi(out->buf, out->len);
	/* NOTES §9.1: the 2025 API answers trim(raw) . strip(trim(raw)), no
	 * separator. Stripped, that is the same text twice. (An instance
	 * whose own strip left pieces of a code behind would not be seen as
	 * doubled: the text then shows twice, nothing is lost.) */
	if ((flags & LOGS_DOUBLED) && n && n % 2 == 0 &&
	    !memcmp(out->buf, out->buf + n / 2, n / 2))
		n /= 2;
	/* A run of CRs before a newline (or the end) is a line ending, not
	 * content: "\r\r\n" must not leave "\r\n" behind. */
	for (i = o = 0; i < n; i++) {
		if (out->buf[i] == '\r') {
			size_t j = i;

			while (j < n && out->buf[j] == '\r')
				j++;
			if (j == n || out->buf[j] == '\n') {
				i = j - 1;
				continue;
			}
		}
		out->buf[o++] = out->buf[i];
	}
	buf_truncate(out, o);
	if (o && out->buf[o - 1] != '\n')
		return buf_addch(out, '\n');
	return 0;
}

struct line {
	const char *p;
	size_t len; /* without the newline */
};

/* Splits text into lines (the last may lack its newline): a new array
 * the caller frees, *n lines. */
static struct line *split_lines(const char *text, size_t len, size_t *n)
{
	struct line *v;
	size_t i, k = 0, count = 0, start = 0;

	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			count++;
	if (len && text[len - 1] != '\n')
		count++;
	v = xcalloc(count ? count : 1, sizeof(*v));
	for (i = 0; i <= len && k < count; i++) {
		if (i == len || text[i] == '\n') {
			v[k].p = text + start;
			v[k].len = i - start;
			k++;
			start = i + 1;
		}
	}
	*n = count;
	return v;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

size_t logs_overlap(const char *prev, size_t plen, const char *win, size_t wlen)
{
	struct line *a, *b;
	size_t na, nb, i, k = 0, *fail, off = 0;

	a = split_lines(prev, plen, &na);
	b = split_lines(win, wlen, &nb);
	if (!na || !nb)
		goto out;
	/* Knuth-Morris-Pratt over lines: run the automaton of win over the
	 * end of prev; its last state is the longest start of win that
	 * prev ends with. Only prev's last nb lines can take part. */
	fail = xcalloc(nb, sizeof(*fail));
	for (i = 1; i < nb; i++) {
		while (k && !line_eq(&b[i], &b[k]))
			k = fail[k - 1];
		if (line_eq(&b[i], &b[k]))
			k++;
		fail[i] = k;
	}
	k = 0;
	for (i = na > nb ? na - nb : 0; i < na; i++) {
		if (k == nb)
			k = fail[k - 1];
		while (k && !line_eq(&a[i], &b[k]))
			k = fail[k - 1];
		if (line_eq(&a[i], &b[k]))
			k++;
	}
	free(fail);
	for (i = 0; i < k; i++)
		off += b[i].len + 1;
	if (off > wlen)
		off = wlen;
out:
	free(a);
	free(b);
	return off;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* What `docker logs -t` puts before each line: RFC 3339 in UTC with a
 * fraction of exactly nine digits (Go's RFC3339NanoFixed), then one
 * space. Only this exact shape is docker's: an application's own ISO
 * timestamp ("2025-05-11T10:00:00.123Z", "...+02:00") is its text. */
static const char docker_ts[] = "dddd-dd-ddTdd:dd:dd.dddddddddZ ";

#define DOCKER_TS_LEN (sizeof(docker_ts) - 1)

size_t logs_ts_len(const char *line, size_t len)
{
	size_t i, n = DOCKER_TS_LEN;

	/* An empty last line loses its space to the API's trim(). */
	if (len == n - 1)
		n--;
	if (len < n)
		return 0;
	for (i = 0; i < n; i++) {
		if (docker_ts[i] == 'd' ? !is_digit(line[i])
					: line[i] != docker_ts[i])
			return 0;
	}
	return n;
}

/* Orders two lines by their docker timestamps (of lengths la, lb: 0 for
 * none, else DOCKER_TS_LEN). The shape is fixed, so bytes order them. */
static int ts_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	if (!la || !lb)
		return 0;
	return memcmp(a, b, DOCKER_TS_LEN - 1);
}

/* ---- feeds ---- */

struct logs_window {
	char *label;
	struct buf text;
	bool stopped;
	char *reason;
};

struct logs_feed {
	struct logs_window *v;
	size_t n;
	struct buf note;
	bool final;
	bool timestamps;
};

static struct logs_window *feed_add(struct logs_feed *feed, const char *label)
{
	struct logs_window *w;

	feed->v = xrealloc(feed->v, (feed->n + 1) * sizeof(*feed->v));
	w = &feed->v[feed->n++];
	memset(w, 0, sizeof(*w));
	w->label = xstrdup(label);
	buf_init(&w->text, 0);
	return w;
}

void logs_feed_window(struct logs_feed *feed, const char *label,
		      const char *text, size_t len)
{
	struct logs_window *w = feed_add(feed, label);

	buf_add(&w->text, text, len);
	if (w->text.len && w->text.buf[w->text.len - 1] != '\n')
		buf_addch(&w->text, '\n');
}

void logs_feed_stopped(struct logs_feed *feed, const char *label,
		       const char *reason)
{
	struct logs_window *w = feed_add(feed, label);

	w->stopped = true;
	w->reason = xstrdup(reason);
}

void logs_feed_note(struct logs_feed *feed, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&feed->note);
	va_start(ap, fmt);
	buf_vaddf(&feed->note, fmt, ap);
	va_end(ap);
}

void logs_feed_final(struct logs_feed *feed)
{
	feed->final = true;
}

void logs_feed_timestamps(struct logs_feed *feed)
{
	feed->timestamps = true;
}

static void feed_release(struct logs_feed *feed)
{
	size_t i;

	for (i = 0; i < feed->n; i++) {
		free(feed->v[i].label);
		free(feed->v[i].reason);
		buf_release(&feed->v[i].text);
	}
	free(feed->v);
	buf_release(&feed->note);
}

/* ---- streams ---- */

/* What a stream remembers of one container between polls. */
struct logs_source {
	char *label;     /* NULL for the only container */
	struct buf prev; /* its last window, to find the overlap in */
	bool stopped;    /* its last answer said "not running" */
};

struct logs_stream {
	char *key;
	int refs;  /* under logs.lock */
	bool keep; /* outlives its last reference (logs_stream_get) */
	UT_hash_handle hh;

	pthread_mutex_t lock;  /* guards every field below */
	pthread_cond_t polled; /* broadcast when a poll ends */
	struct buf text;       /* what the file holds */
	unsigned gen;          /* bumped when text is replaced, not grown */
	time_t mtime;          /* wall time of the last change */
	int opens;             /* handles open on the file */
	long polled_ms;        /* monotonic end of the last poll */
	unsigned polls;        /* polls finished */
	int last_rc;           /* outcome of the last poll */
	bool polling;          /* a thread is fetching */
	bool fetched;          /* a poll has succeeded */
	bool final;            /* the log cannot change any more */
	bool failing;          /* polls fail; the reason was logged */
	struct logs_source *src;
	size_t nsrc;
	int label_width; /* longest label: the prefix column */
};

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void logs_init(struct logs *l)
{
	pthread_mutex_init(&l->lock, NULL);
	l->table = NULL;
}

static void stream_free(struct logs_stream *s)
{
	size_t i;

	for (i = 0; i < s->nsrc; i++) {
		free(s->src[i].label);
		buf_release(&s->src[i].prev);
	}
	free(s->src);
	buf_release(&s->text);
	pthread_cond_destroy(&s->polled);
	pthread_mutex_destroy(&s->lock);
	free(s->key);
	free(s);
}

void logs_release(struct logs *l)
{
	struct logs_stream *s, *tmp;

	HASH_ITER (hh, l->table, s, tmp) {
		HASH_DEL(l->table, s);
		stream_free(s);
	}
	pthread_mutex_destroy(&l->lock);
}

struct logs_stream *logs_stream_get(struct logs *l, const char *key, bool keep)
{
	struct logs_stream *s;

	pthread_mutex_lock(&l->lock);
	HASH_FIND_STR(l->table, key, s);
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->key = xstrdup(key);
		s->keep = keep;
		pthread_mutex_init(&s->lock, NULL);
		pthread_cond_init(&s->polled, NULL);
		buf_init(&s->text, 0);
		HASH_ADD_KEYPTR(hh, l->table, s->key, strlen(s->key), s);
	}
	s->refs++;
	pthread_mutex_unlock(&l->lock);
	return s;
}

void logs_stream_put(struct logs *l, struct logs_stream *s)
{
	bool drop;

	if (!s)
		return;
	pthread_mutex_lock(&l->lock);
	pthread_mutex_lock(&s->lock);
	drop = --s->refs == 0 && (s->final || !s->keep) && !s->polling;
	pthread_mutex_unlock(&s->lock);
	if (drop)
		HASH_DEL(l->table, s);
	pthread_mutex_unlock(&l->lock);
	if (drop)
		stream_free(s);
}

/* Caller holds s->lock. */
static struct logs_source *source_get(struct logs_stream *s, const char *label)
{
	struct logs_source *src;
	size_t i;
	int width;

	for (i = 0; i < s->nsrc; i++) {
		const char *l = s->src[i].label;

		if (l == label || (l && label && !strcmp(l, label)))
			return &s->src[i];
	}
	s->src = xrealloc(s->src, (s->nsrc + 1) * sizeof(*s->src));
	src = &s->src[s->nsrc++];
	src->label = xstrdup(label);
	buf_init(&src->prev, 0);
	src->stopped = false;
	width = label ? (int)strlen(label) : 0;
	if (width > s->label_width)
		s->label_width = width;
	return src;
}

/* A line taken from a window for the text. */
struct pending {
	const char *p;
	size_t len; /* without the newline */
	size_t ts;  /* length of its timestamp prefix, 0 for none */
	const char *label;
	size_t seq; /* order of arrival, to keep the sort stable */
};

static int pending_cmp(const void *x, const void *y)
{
	const struct pending *a = x, *b = y;
	int c = ts_cmp(a->p, a->ts, b->p, b->ts);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Takes what one successful poll brought into s. Caller holds s->lock. */
static void stream_merge(struct logs_stream *s, struct logs_feed *feed)
{
	/* Nobody reads the file: it may start again from the latest
	 * windows. Otherwise it only grows. */
	bool rebase = s->opens == 0;
	struct pending *pend = NULL;
	struct buf add = BUF_INIT;
	size_t npend = 0, i, with_lines = 0;

	for (i = 0; i < feed->n; i++) {
		struct logs_window *w = &feed->v[i];
		struct logs_source *src = source_get(s, w->label);
		size_t start, nl, k;
		struct line *lines;

		if (w->stopped) {
			if (!src->stopped)
				log_info("%s%s%s", w->label ? w->label : "",
					 w->label ? ": " : "",
					 w->reason ? w->reason : "not running");
			src->stopped = true;
			continue;
		}
		src->stopped = false;
		start = rebase ? 0
			       : logs_overlap(src->prev.buf, src->prev.len,
					      w->text.buf, w->text.len);
		lines =
		    split_lines(w->text.buf + start, w->text.len - start, &nl);
		if (nl)
			with_lines++;
		pend = xrealloc(pend, (npend + nl + 1) * sizeof(*pend));
		for (k = 0; k < nl; k++) {
			struct pending *p = &pend[npend];

			p->p = lines[k].p;
			p->len = lines[k].len;
			p->ts =
			    feed->timestamps ? logs_ts_len(p->p, p->len) : 0;
			p->label = w->label;
			p->seq = npend++;
		}
		free(lines);
		buf_set(&src->prev, w->text.buf, w->text.len);
	}
	/* Several containers: their new lines in time order, as `docker
	 * compose logs` interleaves them. */
	if (with_lines > 1 && feed->timestamps)
		qsort(pend, npend, sizeof(*pend), pending_cmp);
	for (i = 0; i < npend; i++) {
		if (pend[i].label)
			buf_addf(&add, "%-*s | ", s->label_width,
				 pend[i].label);
		buf_add(&add, pend[i].p + pend[i].ts, pend[i].len - pend[i].ts);
		buf_addch(&add, '\n');
	}
	free(pend);

	if (!rebase && s->text.len + add.len > LOGS_TEXT_MAX) {
		log_info("the followed log passed %u MiB: it starts again "
			 "from its latest lines",
			 LOGS_TEXT_MAX >> 20);
		rebase = true;
	}
	if (rebase) {
		if (add.len != s->text.len ||
		    memcmp(add.buf, s->text.buf, add.len)) {
			if (s->text.len)
				s->gen++;
			buf_release(&s->text);
			s->text = add;
			buf_init(&add, 0);
			s->mtime = time(NULL);
		}
	} else if (add.len) {
		buf_add(&s->text, add.buf, add.len);
		s->mtime = time(NULL);
	}
	buf_release(&add);
}

int logs_stream_poll(struct logs_stream *s, unsigned period,
		     logs_fetch_fn fetch, void *arg)
{
	struct logs_feed feed;
	int rc;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (s->polling) {
			unsigned seen = s->polls;

			if (s->fetched)
				goto out_unlock_ok;
			while (s->polling)
				pthread_cond_wait(&s->polled, &s->lock);
			/* Its first poll just failed: share the outcome
			 * rather than asking again at once. */
			if (!s->fetched && s->polls != seen) {
				rc = s->last_rc;
				pthread_mutex_unlock(&s->lock);
				return rc;
			}
			continue;
		}
		if (s->fetched && (s->final || mono_ms() - s->polled_ms <
						   (long)period * 1000))
			goto out_unlock_ok;
		break;
	}
	s->polling = true;
	pthread_mutex_unlock(&s->lock);

	memset(&feed, 0, sizeof(feed));
	buf_init(&feed.note, 0);
	rc = fetch(arg, &feed);

	pthread_mutex_lock(&s->lock);
	s->polling = false;
	s->polled_ms = mono_ms();
	s->polls++;
	s->last_rc = rc;
	if (rc) {
		/* One line per run of failures, not one per poll of a
		 * `tail -f`. */
		if (!s->failing)
			log_error("%s", feed.note.len ? feed.note.buf
						      : strerror(-rc));
		s->failing = true;
		if (s->fetched)
			rc = 0;
	} else {
		s->failing = false;
		stream_merge(s, &feed);
		s->fetched = true;
		s->final = feed.final;
	}
	pthread_cond_broadcast(&s->polled);
	pthread_mutex_unlock(&s->lock);
	feed_release(&feed);
	return rc;

out_unlock_ok:
	pthread_mutex_unlock(&s->lock);
	return 0;
}

bool logs_stream_fetched(struct logs_stream *s)
{
	bool fetched;

	pthread_mutex_lock(&s->lock);
	fetched = s->fetched;
	pthread_mutex_unlock(&s->lock);
	return fetched;
}

void logs_stream_open(struct logs_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->opens++;
	pthread_mutex_unlock(&s->lock);
}

void logs_stream_close(struct logs_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->opens--;
	pthread_mutex_unlock(&s->lock);
}

void logs_stream_stat(struct logs_stream *s, size_t *size, time_t *mtime)
{
	pthread_mutex_lock(&s->lock);
	if (size)
		*size = s->text.len;
	if (mtime)
		*mtime = s->mtime;
	pthread_mutex_unlock(&s->lock);
}

int logs_stream_copy(struct logs_stream *s, struct buf *dst, unsigned *gen)
{
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (*gen != s->gen || dst->len > s->text.len) {
		rc = buf_set(dst, s->text.buf, s->text.len);
		if (!rc)
			*gen = s->gen;
	} else if (s->text.len > dst->len) {
		rc = buf_add(dst, s->text.buf + dst->len,
			     s->text.len - dst->len);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int logs_reader_open(struct logs_reader *r, struct logs *l, const char *key,
		     bool keep, unsigned period, logs_fetch_fn fetch, void *arg,
		     struct buf *data)
{
	int rc;

	r->logs = l;
	r->s = logs_stream_get(l, key, keep);
	r->gen = 0;
	/* Poll before counting the open: a file nobody had open shows the
	 * latest window, not the last one plus what came since. */
	rc = logs_stream_poll(r->s, period, fetch, arg);
	if (!rc) {
		logs_stream_open(r->s);
		rc = logs_stream_copy(r->s, data, &r->gen);
		if (rc)
			logs_stream_close(r->s);
	}
	if (rc) {
		logs_stream_put(l, r->s);
		r->s = NULL;
	}
	return rc;
}

int logs_reader_refresh(struct logs_reader *r, unsigned period,
			logs_fetch_fn fetch, void *arg, struct buf *data,
			pthread_mutex_t *data_lock)
{
	int rc;

	/* The stream has text already: a failed poll keeps it. */
	logs_stream_poll(r->s, period, fetch, arg);
	/* Lock order: data_lock, then the stream's. r->gen goes with
	 * data, so it is under data_lock too. */
	pthread_mutex_lock(data_lock);
	rc = logs_stream_copy(r->s, data, &r->gen);
	pthread_mutex_unlock(data_lock);
	return rc;
}

void logs_reader_close(struct logs_reader *r)
{
	if (!r->s)
		return;
	logs_stream_close(r->s);
	logs_stream_put(r->logs, r->s);
	r->s = NULL;
}
