/* Logs that tools can read, grep and follow (SPEC §3.2).
 *
 * Two layers. The text functions turn one answer of a logs endpoint into
 * clean lines (ANSI colour codes removed, the 2025 API's doubling undone,
 * NOTES §9.1) and find where a new window of "the last N lines" overlaps
 * the one before. They are pure.
 *
 * A stream is the text of one followed log (a container's, or a running
 * deployment's build log), kept in the mount and shared by every handle
 * open on the file. A poll appends only the lines that are new, so while
 * anyone has the file open it only grows, and `tail -f` sees a real,
 * growing st_size (research/fuse-anchors.md §A2.4). While nobody has it
 * open a poll replaces the text with the latest window: memory stays at
 * one window per log, and a fresh `cat` shows the last N lines.
 *
 * A stream is polled through the caller's fetch function, at most once a
 * period, with no lock held while it runs. Streams live in a registry
 * (struct logs), one per key; a container's stays for the life of the
 * mount, so the period holds across opens. Everything on streams is
 * thread-safe. */
#ifndef CFS_LOGS_H
#define CFS_LOGS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/buf.h"

/* ---- text ---- */

enum logs_clean_flags {
	/* NOTES §9.1: the answer may be the raw text immediately followed
	 * by a copy with the colour codes removed. */
	LOGS_DOUBLED = 1 << 0,
};

/* Removes ANSI escape sequences from s in place; returns the new length
 * (s stays NUL-terminated when it was). */
size_t logs_strip_ansi(char *s, size_t len);

/* Turns the text of one logs answer into lines: ANSI removed, the
 * doubling undone (when flags say it may be there), "\r\n" made "\n", and
 * a newline after the last line. out is reset first. Returns 0 or -EFBIG
 * past out's cap. */
int logs_clean(const char *raw, size_t len, unsigned flags, struct buf *out);

/* Where the new part of win starts: the byte length of the longest run
 * of whole lines at the start of win that are also the last lines of
 * prev (both "\n"-terminated). 0 when they share nothing. */
size_t logs_overlap(const char *prev, size_t plen, const char *win,
		    size_t wlen);

/* The length of the docker timestamp and space that start line (what
 * `docker logs -t` adds: exactly "2025-05-27T13:10:21.482311123Z ", nine
 * fraction digits, Z, one space), or 0 for any other start, an
 * application's own ISO timestamp included. */
size_t logs_ts_len(const char *line, size_t len);

/* ---- streams ---- */

struct logs_feed;
struct logs_stream;

/* One poll's work: fetches the current window of every container of the
 * log into feed (logs_feed_window, logs_feed_stopped). Returns 0, or a
 * negative errno after logs_feed_note() has said why. Runs with no lock
 * held; the stream's polls never overlap. */
typedef int (*logs_fetch_fn)(void *arg, struct logs_feed *feed);

/* Adds the window of the container label (NULL when the log has one):
 * lines as logs_clean() gives them. When the feed asked for timestamps
 * (logs_feed_timestamps), each line may start with one; they are used to
 * match and order lines and are not shown. */
void logs_feed_window(struct logs_feed *feed, const char *label,
		      const char *text, size_t len);
/* The container label is not running; reason is logged once. */
void logs_feed_stopped(struct logs_feed *feed, const char *label,
		       const char *reason);
/* Why the fetch failed, logged once while failures last. */
void logs_feed_note(struct logs_feed *feed, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The log is complete (a finished deployment): polls stop. */
void logs_feed_final(struct logs_feed *feed);
/* The windows' lines start with docker timestamps. */
void logs_feed_timestamps(struct logs_feed *feed);

struct logs {
	/* Guards the table and every stream's refs. */
	pthread_mutex_t lock;
	struct logs_stream *table;
};

void logs_init(struct logs *l);
/* Frees every stream; none may be in use. */
void logs_release(struct logs *l);

/* The stream of key, created empty when new: a reference to put with
 * logs_stream_put(). A stream made with keep outlives its last reference
 * (a container's log: its last poll time holds the period across opens,
 * its last window finds the overlap) until it is final; one without is
 * forgotten with it (a build log, which a fetch gives whole). */
struct logs_stream *logs_stream_get(struct logs *l, const char *key, bool keep);
/* Puts a reference. */
void logs_stream_put(struct logs *l, struct logs_stream *s);

/* Polls s when it never was, or when its last poll is period seconds
 * old (never once final). Returns 0, or the fetch's error while s has no
 * text yet; later failures keep the text. When another thread is
 * polling, waits for it only if s has never been fetched. */
int logs_stream_poll(struct logs_stream *s, unsigned period,
		     logs_fetch_fn fetch, void *arg);
/* Whether s has been fetched once (so its size means something). */
bool logs_stream_fetched(struct logs_stream *s);
/* Counts an open handle: while any is open the text only grows. */
void logs_stream_open(struct logs_stream *s);
void logs_stream_close(struct logs_stream *s);
/* The text's length and the time of its last change (0: never). */
void logs_stream_stat(struct logs_stream *s, size_t *size, time_t *mtime);
/* Brings a copy of the text up to date: appends what s gained since dst
 * was made, or replaces dst when the text was replaced meanwhile (*gen
 * tells; start it at 0 with dst empty). Returns 0 or -EFBIG. */
int logs_stream_copy(struct logs_stream *s, struct buf *dst, unsigned *gen);

/* An open file that shows a stream, through its handle's copy (data). */
struct logs_reader {
	struct logs *logs;
	struct logs_stream *s;
	unsigned gen;
};

/* Gets key's stream, polls it when due, counts the open and copies the
 * text into data (empty). Returns 0 (close with logs_reader_close), or
 * the poll's error, holding nothing. */
int logs_reader_open(struct logs_reader *r, struct logs *l, const char *key,
		     bool keep, unsigned period, logs_fetch_fn fetch, void *arg,
		     struct buf *data);
/* Polls when due (holding no lock of the caller's) and brings data up to
 * date while holding data_lock, which guards data against the readers
 * that copy from it (struct fh's lock). Returns 0 or -EFBIG. */
int logs_reader_refresh(struct logs_reader *r, unsigned period,
			logs_fetch_fn fetch, void *arg, struct buf *data,
			pthread_mutex_t *data_lock);
void logs_reader_close(struct logs_reader *r);

#endif
