/* A logs endpoint's answer -> logs_clean, and the window matching that
 * tail -f relies on -> logs_overlap (logs.h).
 *
 * Input: a flags byte, then the text; for the overlap, the text split at
 * its first NUL byte into the previous window and the new one. Clean
 * output has no escape byte and no "\r\n", and ends with a newline when
 * not empty; an overlap is a run of whole lines that ends prev and
 * starts win. */
#include "fuzz.h"
#include "model/logs.h"

static void check_overlap(const char *prev, size_t plen, const char *win,
			  size_t wlen)
{
	size_t ov = logs_overlap(prev, plen, win, wlen);

	FUZZ_ASSERT(ov <= wlen && ov <= plen);
	if (!ov)
		return;
	FUZZ_ASSERT(win[ov - 1] == '\n');
	FUZZ_ASSERT(!memcmp(prev + plen - ov, win, ov));
	FUZZ_ASSERT(ov == plen || prev[plen - ov - 1] == '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT, prev = BUF_INIT, win = BUF_INIT;
	const char *text, *nul;
	size_t len, i;

	if (!size)
		return 0;
	text = (const char *)data + 1;
	len = size - 1;
	FUZZ_ASSERT(!logs_clean(text, len, data[0] & 1, &out));
	FUZZ_ASSERT(out.len <= len + 1);
	FUZZ_ASSERT(!memchr(out.buf, 0x1b, out.len));
	for (i = 0; i + 1 < out.len; i++)
		FUZZ_ASSERT(out.buf[i] != '\r' || out.buf[i + 1] != '\n');
	FUZZ_ASSERT(!out.len || out.buf[out.len - 1] == '\n');
	for (i = 0; i < out.len;
	     i = (size_t)((char *)memchr(out.buf + i, '\n', out.len - i) -
			  out.buf) +
		 1)
		FUZZ_ASSERT(logs_ts_len(out.buf + i, out.len - i) <=
			    out.len - i);

	/* Two windows, cleaned the way the streams clean them. */
	nul = memchr(text, '\0', len);
	if (nul) {
		logs_clean(text, (size_t)(nul - text), 0, &prev);
		logs_clean(nul + 1, len - (size_t)(nul - text) - 1, 0, &win);
		check_overlap(prev.buf, prev.len, win.buf, win.len);
	}
	check_overlap(out.buf, out.len, out.buf, out.len);
	buf_release(&out);
	buf_release(&prev);
	buf_release(&win);
	return 0;
}
