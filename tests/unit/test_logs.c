/* Unit tests for logs.h: ANSI stripping, the 2025 doubling, the overlap
 * of sliding windows, docker timestamps, and streams driven by a
 * scripted fetch (append while open, latest window while closed, the
 * poll period, "not running", failures, several containers). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "model/logs.h"

#include "check.h"

/* ---- text ---- */

static const char *strip(const char *in)
{
	static char out[256];
	size_t n;

	strcpy(out, in);
	n = logs_strip_ansi(out, strlen(out));
	out[n] = '\0';
	return out;
}

static void test_strip_ansi(void)
{
	CHECK_STR(strip("plain"), "plain");
	CHECK_STR(strip("\x1b[32mINFO\x1b[39m ok"), "INFO ok");
	CHECK_STR(strip("\x1b[1;31mbold red\x1b[0m"), "bold red");
	CHECK_STR(strip("\x1b[38;5;200m256\x1b[m"), "256");
	CHECK_STR(strip("\x1b[2K\x1b[1Gprogress"), "progress");
	CHECK_STR(strip("\x1b]0;title\atext"), "text");
	CHECK_STR(strip("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
	CHECK_STR(strip("\x1b(Bcharset"), "charset");
	CHECK_STR(strip("a\x1b"), "a");
	/* An unterminated OSC stops at its line. */
	CHECK_STR(strip("\x1b]junk\nnext"), "\nnext");
	/* UTF-8 is left alone. */
	CHECK_STR(strip("\xe2\x95\x94\xe2\x95\x90 box"),
		  "\xe2\x95\x94\xe2\x95\x90 box");
}

static const char *clean(const char *in, unsigned flags)
{
	static struct buf out = BUF_INIT;

	if (logs_clean(in, strlen(in), flags, &out))
		return NULL;
	return out.buf;
}

static void test_clean_undoes_the_2025_doubling(void)
{
	/* NOTES §9.1: lines=3 and no colours gives "a\nb\nca\nb\nc". */
	CHECK_STR(clean("a\nb\nca\nb\nc", LOGS_DOUBLED), "a\nb\nc\n");
	/* The raw half has colours, the copy has none. */
	CHECK_STR(clean("\x1b[32mok\x1b[39m\nxok\nx", LOGS_DOUBLED), "ok\nx\n");
	/* A log of identical lines doubles into the same shape. */
	CHECK_STR(clean("r\nrr\nr", LOGS_DOUBLED), "r\nr\n");
	/* Not doubled: kept whole. */
	CHECK_STR(clean("a\nb\nc", LOGS_DOUBLED), "a\nb\nc\n");
	CHECK_STR(clean("", LOGS_DOUBLED), "");
	/* Without the flag, never cut. */
	CHECK_STR(clean("a\nb\nca\nb\nc", 0), "a\nb\nca\nb\nc\n");
	CHECK_STR(clean("abab", 0), "abab\n");
}

static void test_clean_line_ends(void)
{
	CHECK_STR(clean("a\r\nb\r\n", 0), "a\nb\n");
	CHECK_STR(clean("bar\r 50%\rdone", 0), "bar\r 50%\rdone\n");
	CHECK_STR(clean("one", 0), "one\n");
}

static size_t overlap(const char *prev, const char *win)
{
	return logs_overlap(prev, strlen(prev), win, strlen(win));
}

static void test_overlap_of_sliding_windows(void)
{
	/* The window moved by two lines. */
	CHECK_INT(overlap("1\n2\n3\n4\n5\n", "3\n4\n5\n6\n7\n"), 6);
	/* Nothing new. */
	CHECK_INT(overlap("1\n2\n3\n", "1\n2\n3\n"), 6);
	/* Moved past everything: all new. */
	CHECK_INT(overlap("1\n2\n3\n", "7\n8\n9\n"), 0);
	/* The first poll. */
	CHECK_INT(overlap("", "1\n2\n"), 0);
	CHECK_INT(overlap("1\n", ""), 0);
	/* A window longer than what came before (log_lines not reached). */
	CHECK_INT(overlap("1\n2\n", "1\n2\n3\n4\n"), 4);
	/* Repeated lines: the longest overlap that ends prev. */
	CHECK_INT(overlap("a\nb\na\nb\n", "a\nb\na\nb\nc\n"), 8);
	CHECK_INT(overlap("x\na\na\n", "a\na\nb\n"), 4);
	CHECK_INT(overlap("a\na\nb\n", "a\nb\nc\n"), 4);
	/* The same line at the start of win, not at the end of prev. */
	CHECK_INT(overlap("a\nb\nc\n", "a\nz\n"), 0);
	/* A line that only begins like another does not match. */
	CHECK_INT(overlap("ab\n", "a\nb\n"), 0);
	/* win found whole inside prev, then more: the automaton restarts. */
	CHECK_INT(overlap("a\na\na\n", "a\na\n"), 4);
}

/* Only docker's exact prefix (RFC 3339, nine fraction digits, Z, one
 * space) is taken off; any other timestamp is the application's text. */
static void test_docker_timestamps(void)
{
	const char *l1 = "2025-05-27T13:10:21.482311123Z hello";
	const char *own = "2025-05-27T13:10:21.482311123Z 2025-05-27T13:10:"
			  "21.482Z GET /";

	CHECK_INT(logs_ts_len(l1, strlen(l1)), 31);
	/* docker's prefix, then the application's own: only docker's. */
	CHECK_INT(logs_ts_len(own, strlen(own)), 31);
	CHECK_INT(logs_ts_len(own + 31, strlen(own + 31)), 0);
	/* An empty line at the end of a trimmed answer: no space left. */
	CHECK_INT(logs_ts_len(l1, 30), 30);
	CHECK_INT(logs_ts_len(l1, 31), 31);
	CHECK_INT(logs_ts_len(l1, 29), 0);
	/* An application's own timestamp without docker's is kept. */
	CHECK_INT(logs_ts_len("2025-05-27 13:10:21 x", 21), 0);
	CHECK_INT(logs_ts_len("hello world", 11), 0);
	CHECK_INT(logs_ts_len("2025-05-27T13:10:21.4", 21), 0);
}

/* The ISO shapes applications print themselves are never docker's. */
static void test_application_timestamps_are_kept(void)
{
	static const char *const own[] = {
		"2025-05-27T13:10:21Z x",
		"2025-05-27T13:10:21.482Z x",
		"2025-05-27T13:10:21.482311Z x",
		"2025-05-27T13:10:21.4823111234Z x", /* ten digits */
		"2025-05-27T13:10:21.48231112Z x",   /* eight digits */
		"2025-05-27T13:10:21.482311123+00:00 x",
		"2025-05-27T13:10:21.482311123-02:00 x",
		"2025-05-27T13:10:21.482311123 x",   /* no zone */
		"2025-05-27T13:10:21.482311123Zx",   /* no space */
		"2025-05-27T13:10:21.482311123Z\tx", /* not a space */
		"2025-05-27t13:10:21.482311123Z x",  /* lower-case t */
		"2025-05-27T13:10:21,482311123Z x",  /* comma */
		"2025-05-27T13:10:21.48231112aZ x",
		"20250527T131021.482311123Z x",
		" 2025-05-27T13:10:21.482311123Z x", /* not at the start */
		"[2025-05-27T13:10:21.482311123Z] x",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!CHECK_INT(logs_ts_len(own[i], strlen(own[i])), 0))
			printf("#   \"%s\"\n", own[i]);
}

/* A length shorter than the string: nothing past it is looked at. */
static void test_docker_timestamp_respects_length(void)
{
	const char *l = "2025-05-27T13:10:21.482311123Z x";
	size_t n;

	for (n = 0; n < 30; n++)
		CHECK_INT(logs_ts_len(l, n), 0);
}

/* ---- streams ---- */

/* A scripted fetch: each call takes the next step. */
struct step {
	int rc;
	const char *a;   /* the window of container "a" (or the only one) */
	const char *b;   /* the window of container "b"; NULL: none */
	bool a_stopped;  /* "a" is not running */
	bool final;      /* the log is complete */
	bool timestamps; /* lines carry docker timestamps */
	bool labelled;   /* label the windows "a" and "b" */
};

struct script {
	const struct step *steps;
	size_t n, next;
	int calls;
};

static int scripted_fetch(void *arg, struct logs_feed *feed)
{
	struct script *sc = arg;
	const struct step *st;

	sc->calls++;
	if (sc->next >= sc->n)
		return -EIO;
	st = &sc->steps[sc->next++];
	if (st->rc) {
		logs_feed_note(feed, "scripted failure");
		return st->rc;
	}
	if (st->timestamps)
		logs_feed_timestamps(feed);
	if (st->a_stopped)
		logs_feed_stopped(feed, st->labelled ? "a" : NULL,
				  "Application is not running.");
	else if (st->a)
		logs_feed_window(feed, st->labelled ? "a" : NULL, st->a,
				 strlen(st->a));
	if (st->b)
		logs_feed_window(feed, "b", st->b, strlen(st->b));
	if (st->final)
		logs_feed_final(feed);
	return 0;
}

static const char *text_of(struct logs_stream *s)
{
	static struct buf b = BUF_INIT;
	unsigned gen = 0;

	buf_reset(&b);
	logs_stream_copy(s, &b, &gen);
	return b.buf;
}

static void test_stream_grows_while_open(void)
{
	static const struct step steps[] = {
		{ .a = "1\n2\n3\n" },
		{ .a = "2\n3\n4\n" },
		{ .a = "4\n5\n6\n" },
		{ .a = "4\n5\n6\n" },
	};
	struct script sc = { steps, 4, 0, 0 };
	struct logs l;
	struct logs_stream *s;
	struct buf copy = BUF_INIT;
	unsigned gen = 0;
	size_t size;

	logs_init(&l);
	s = logs_stream_get(&l, "logs:x", true);
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	logs_stream_open(s);
	logs_stream_copy(s, &copy, &gen);
	CHECK_STR(copy.buf, "1\n2\n3\n");
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	logs_stream_copy(s, &copy, &gen);
	/* Each line once, none lost, the copy only appended to. */
	CHECK_STR(copy.buf, "1\n2\n3\n4\n5\n6\n");
	CHECK_INT(gen, 0);
	logs_stream_stat(s, &size, NULL);
	CHECK_INT(size, copy.len);
	logs_stream_close(s);
	logs_stream_put(&l, s);
	buf_release(&copy);
	logs_release(&l);
}

static void test_stream_shows_the_latest_window_when_closed(void)
{
	static const struct step steps[] = {
		{ .a = "1\n2\n3\n" },
		{ .a = "3\n4\n5\n" },
	};
	struct script sc = { steps, 2, 0, 0 };
	struct logs l;
	struct logs_stream *s;

	logs_init(&l);
	s = logs_stream_get(&l, "logs:x", true);
	logs_stream_poll(s, 0, scripted_fetch, &sc);
	CHECK_STR(text_of(s), "1\n2\n3\n");
	logs_stream_poll(s, 0, scripted_fetch, &sc);
	CHECK_STR(text_of(s), "3\n4\n5\n");
	logs_stream_put(&l, s);
	logs_release(&l);
}

static void test_stream_polls_once_a_period(void)
{
	static const struct step steps[] = {
		{ .a = "1\n" },
		{ .a = "1\n2\n" },
	};
	struct script sc = { steps, 2, 0, 0 };
	struct logs l;
	struct logs_stream *s, *again;

	logs_init(&l);
	s = logs_stream_get(&l, "logs:x", true);
	logs_stream_poll(s, 3600, scripted_fetch, &sc);
	logs_stream_poll(s, 3600, scripted_fetch, &sc);
	logs_stream_put(&l, s);
	/* The period holds across opens: the registry keeps the stream. */
	again = logs_stream_get(&l, "logs:x", true);
	CHECK(again == s);
	logs_stream_poll(again, 3600, scripted_fetch, &sc);
	CHECK_INT(sc.calls, 1);
	CHECK(logs_stream_fetched(again));
	logs_stream_poll(again, 0, scripted_fetch, &sc);
	CHECK_INT(sc.calls, 2);
	logs_stream_put(&l, again);
	logs_release(&l);
}

static void test_stream_not_running_reads_empty(void)
{
	static const struct step steps[] = {
		{ .a = "1\n2\n" },
		{ .a_stopped = true },
		{ .a = "9\n" },
	};
	struct script sc = { steps, 3, 0, 0 };
	struct logs l;
	struct logs_stream *s;

	logs_init(&l);
	s = logs_stream_get(&l, "logs:x", true);
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_STR(text_of(s), "1\n2\n");
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_STR(text_of(s), "");
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_STR(text_of(s), "9\n");
	logs_stream_put(&l, s);
	logs_release(&l);
}

static void test_stream_keeps_its_text_when_polls_fail(void)
{
	static const struct step steps[] = {
		{ .rc = -ECONNREFUSED },
		{ .a = "1\n" },
		{ .rc = -EIO },
	};
	struct script sc = { steps, 3, 0, 0 };
	struct logs l;
	struct logs_stream *s;

	logs_init(&l);
	s = logs_stream_get(&l, "logs:x", true);
	/* Nothing to show yet: the error is the open's. */
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), -ECONNREFUSED);
	CHECK(!logs_stream_fetched(s));
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_INT(logs_stream_poll(s, 0, scripted_fetch, &sc), 0);
	CHECK_STR(text_of(s), "1\n");
	logs_stream_put(&l, s);
	logs_release(&l);
}

static void test_stream_final_stops_polling(void)
{
	static const struct step steps[] = {
		{ .a = "build\n" },
		{ .a = "build\ndone\n", .final = true },
		{ .a = "never\n" },
	};
	struct script sc = { steps, 3, 0, 0 };
	struct logs l;
	struct logs_stream *s;

	logs_init(&l);
	s = logs_stream_get(&l, "deployment:x", true);
	logs_stream_open(s);
	logs_stream_poll(s, 0, scripted_fetch, &sc);
	logs_stream_poll(s, 0, scripted_fetch, &sc);
	logs_stream_poll(s, 0, scripted_fetch, &sc);
	CHECK_INT(sc.calls, 2);
	CHECK_STR(text_of(s), "build\ndone\n");
	logs_stream_close(s);
	logs_stream_put(&l, s);
	/* Finished and unused: forgotten, so a new get starts empty. */
	s = logs_stream_get(&l, "deployment:x", true);
	CHECK(!logs_stream_fetched(s));
	logs_stream_put(&l, s);
	logs_release(&l);
}

static void test_unkept_stream_is_forgotten_when_unused(void)
{
	static const struct step steps[] = {
		{ .a = "step 1\n" },
	};
	struct script sc = { steps, 1, 0, 0 };
	struct logs l;
	struct logs_stream *s;

	logs_init(&l);
	s = logs_stream_get(&l, "deployment:y", false);
	logs_stream_poll(s, 0, scripted_fetch, &sc);
	CHECK(logs_stream_fetched(s));
	logs_stream_put(&l, s);
	s = logs_stream_get(&l, "deployment:y", false);
	CHECK(!logs_stream_fetched(s));
	logs_stream_put(&l, s);
	logs_release(&l);
}

/* The text of a stream opened and polled once per step of steps[n]. */
static const char *polled_text(const struct step *steps, size_t n,
			       const char *key)
{
	static struct buf text = BUF_INIT;
	struct script sc = { steps, n, 0, 0 };
	struct logs l;
	struct logs_stream *s;
	size_t i;

	logs_init(&l);
	s = logs_stream_get(&l, key, true);
	logs_stream_open(s);
	for (i = 0; i < n; i++)
		logs_stream_poll(s, 0, scripted_fetch, &sc);
	buf_reset(&text);
	buf_adds(&text, text_of(s));
	logs_stream_close(s);
	logs_stream_put(&l, s);
	logs_release(&l);
	return text.buf;
}

static void test_stream_merges_containers_by_time(void)
{
	static const struct step steps[] = {
		{ .labelled = true,
		  .timestamps = true,
		  .a = "2025-01-01T00:00:01.500000000Z a1\n"
		       "2025-01-01T00:00:03.000000000Z a3\n",
		  .b = "2025-01-01T00:00:02.250000000Z b2\n" },
		{ .labelled = true,
		  .timestamps = true,
		  .a = "2025-01-01T00:00:03.000000000Z a3\n"
		       "2025-01-01T00:00:05.000000000Z a5\n",
		  .b = "2025-01-01T00:00:02.250000000Z b2\n"
		       "2025-01-01T00:00:04.100000000Z b4\n" },
	};
	CHECK_STR(polled_text(steps, 2, "logs:svc"),
		  "a | a1\nb | b2\na | a3\nb | b4\na | a5\n");
}

static void test_stream_matches_repeated_lines_by_timestamp(void)
{
	/* The same text twice in a row: only the timestamps tell. */
	static const struct step steps[] = {
		{ .timestamps = true,
		  .a = "2025-01-01T00:00:01.000000000Z tick\n"
		       "2025-01-01T00:00:02.000000000Z tick\n" },
		{ .timestamps = true,
		  .a = "2025-01-01T00:00:02.000000000Z tick\n"
		       "2025-01-01T00:00:03.000000000Z tick\n" },
	};
	CHECK_STR(polled_text(steps, 2, "logs:x"), "tick\ntick\ntick\n");
}

/* An instance that ignores show_timestamps: the lines begin with the
 * application's own ISO timestamps, which are its text and stay. */
static void test_stream_keeps_application_timestamps(void)
{
	static const struct step steps[] = {
		{ .timestamps = true,
		  .a = "2025-01-01T00:00:01.123Z GET /\n"
		       "2025-01-01T00:00:02+00:00 tick\n" },
		{ .timestamps = true,
		  .a = "2025-01-01T00:00:03.000000000Z 2025-01-01T00:00:03Z "
		       "both\n" },
	};
	CHECK_STR(polled_text(steps, 2, "logs:x"),
		  "2025-01-01T00:00:01.123Z GET /\n"
		  "2025-01-01T00:00:02+00:00 tick\n"
		  "2025-01-01T00:00:03Z both\n");
}

/* A fetch that takes a while and counts its calls. */
static int slow_calls;

static int slow_fetch(void *arg, struct logs_feed *feed)
{
	struct timespec ts = { 0, 100 * 1000000L };

	(void)arg;
	__atomic_add_fetch(&slow_calls, 1, __ATOMIC_SEQ_CST);
	nanosleep(&ts, NULL);
	logs_feed_window(feed, NULL, "line\n", 5);
	return 0;
}

struct poller {
	pthread_t tid;
	struct logs *l;
	int rc;
	size_t size;
};

static void *poll_thread(void *arg)
{
	struct poller *p = arg;
	struct logs_stream *s = logs_stream_get(p->l, "logs:shared", true);

	p->rc = logs_stream_poll(s, 3600, slow_fetch, NULL);
	logs_stream_stat(s, &p->size, NULL);
	logs_stream_put(p->l, s);
	return NULL;
}

static void test_first_poll_is_shared(void)
{
	struct poller p[8];
	struct logs l;
	int i;

	logs_init(&l);
	for (i = 0; i < 8; i++) {
		p[i].l = &l;
		pthread_create(&p[i].tid, NULL, poll_thread, &p[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(p[i].tid, NULL);
		/* Every opener waited for the one fetch: none saw no text. */
		CHECK_INT(p[i].rc, 0);
		CHECK_INT(p[i].size, 5);
	}
	CHECK_INT(slow_calls, 1);
	logs_release(&l);
}

static void test_reader_follows_the_stream(void)
{
	static const struct step steps[] = {
		{ .a = "1\n2\n" },
		{ .a = "2\n3\n" },
	};
	struct script sc = { steps, 2, 0, 0 };
	struct logs l;
	struct logs_reader r;
	struct buf data = BUF_INIT;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	logs_init(&l);
	CHECK_INT(logs_reader_open(&r, &l, "logs:x", true, 0, scripted_fetch,
				   &sc, &data),
		  0);
	CHECK_STR(data.buf, "1\n2\n");
	CHECK_INT(logs_reader_refresh(&r, 0, scripted_fetch, &sc, &data, &lock),
		  0);
	CHECK_STR(data.buf, "1\n2\n3\n");
	logs_reader_close(&r);
	buf_release(&data);
	logs_release(&l);
}

/* A log that gains a line at every poll: the window is its last three. */
#define GROW_LINE "line %06u of a log that grows while it is read\n"
#define GROW_LEN \
	(sizeof("line 000000 of a log that grows while it is read\n") - 1)

static unsigned growing_n;

static int growing_fetch(void *arg, struct logs_feed *feed)
{
	struct buf w = BUF_INIT;
	unsigned n = __atomic_add_fetch(&growing_n, 1, __ATOMIC_SEQ_CST);
	unsigned i;

	(void)arg;
	for (i = n > 3 ? n - 3 : 0; i < n; i++)
		buf_addf(&w, GROW_LINE, i);
	logs_feed_window(feed, NULL, w.buf, w.len);
	buf_release(&w);
	return 0;
}

struct racer {
	struct logs_reader *r;
	struct buf *data;
	pthread_mutex_t *lock;
	int bad;
};

/* What a FUSE read does: refresh, then copy under the handle's lock. */
static void *race_reads(void *arg)
{
	struct racer *rc = arg;
	char copy[64];
	int i;

	for (i = 0; i < 300; i++) {
		size_t off;

		logs_reader_refresh(rc->r, 0, growing_fetch, NULL, rc->data,
				    rc->lock);
		pthread_mutex_lock(rc->lock);
		off = rc->data->len > GROW_LEN ? rc->data->len - GROW_LEN : 0;
		off -= off % GROW_LEN;
		memcpy(copy, rc->data->buf + off, rc->data->len - off);
		if (memcmp(copy, "line ", 5))
			rc->bad++;
		pthread_mutex_unlock(rc->lock);
	}
	return NULL;
}

/* Reads of one open file refresh it from several threads at once (the
 * FUSE loop is multi-threaded): each refresh grows the handle's copy,
 * which must never move under another thread's copying. ASan sees the
 * use-after-free if the lock is not kept. */
static void test_reader_refreshed_from_many_threads(void)
{
	struct logs l;
	struct logs_reader r;
	struct buf data = BUF_INIT;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct racer rc = { &r, &data, &lock, 0 };
	pthread_t t[4];
	size_t i;

	growing_n = 0;
	logs_init(&l);
	if (!CHECK_INT(logs_reader_open(&r, &l, "logs:g", true, 0,
					growing_fetch, NULL, &data),
		       0))
		return;
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, race_reads, &rc);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(rc.bad, 0);
	/* Every line once, in order. */
	for (i = 0; i < data.len / GROW_LEN; i++) {
		char want[64];

		snprintf(want, sizeof(want), GROW_LINE, (unsigned)i);
		if (!CHECK(!memcmp(data.buf + i * GROW_LEN, want, GROW_LEN)))
			break;
	}
	CHECK_INT(data.len % GROW_LEN, 0);
	CHECK(data.len / GROW_LEN > 100);
	logs_reader_close(&r);
	buf_release(&data);
	logs_release(&l);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_strip_ansi),
	CHECK_TEST(test_clean_undoes_the_2025_doubling),
	CHECK_TEST(test_clean_line_ends),
	CHECK_TEST(test_overlap_of_sliding_windows),
	CHECK_TEST(test_docker_timestamps),
	CHECK_TEST(test_application_timestamps_are_kept),
	CHECK_TEST(test_docker_timestamp_respects_length),
	CHECK_TEST(test_stream_grows_while_open),
	CHECK_TEST(test_stream_shows_the_latest_window_when_closed),
	CHECK_TEST(test_stream_polls_once_a_period),
	CHECK_TEST(test_stream_not_running_reads_empty),
	CHECK_TEST(test_stream_keeps_its_text_when_polls_fail),
	CHECK_TEST(test_stream_final_stops_polling),
	CHECK_TEST(test_unkept_stream_is_forgotten_when_unused),
	CHECK_TEST(test_stream_merges_containers_by_time),
	CHECK_TEST(test_stream_matches_repeated_lines_by_timestamp),
	CHECK_TEST(test_stream_keeps_application_timestamps),
	CHECK_TEST(test_first_poll_is_shared),
	CHECK_TEST(test_reader_follows_the_stream),
	CHECK_TEST(test_reader_refreshed_from_many_threads),
};

CHECK_MAIN(tests)
