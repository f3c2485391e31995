#include "model/jsonlist.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/buf.h"
#include "base/xalloc.h"

/* Where the reader is in the list's text. */
enum ls_state {
	LS_START, /* before the opening bracket */
	LS_FIRST, /* after it: an element or the closing bracket */
	LS_NEXT,  /* after a comma: an element */
	LS_KEY,   /* in an index key (digits, NOTES §2.4) */
	LS_COLON, /* after an index key */
	LS_VALUE, /* before an element's value */
	LS_IN,    /* in an element's value */
	LS_AFTER, /* after a value: a comma or the closing bracket */
	LS_DONE,  /* after the list: white space only */
};

struct jsonlist {
	jsonlist_fn each;
	void *arg;
	struct json_tokener *tok;
	struct buf item; /* the text of the element being read */
	enum ls_state state;
	char close;      /* ']' or '}': what ends the list */
	int depth;       /* of brackets open in the element */
	bool in_string;  /* in a string of the element */
	bool escaped;    /* after a backslash in that string */
	bool scalar;     /* the element is a number or a literal */
	size_t digits;   /* of the index key read so far */
	int rc;          /* the failure, once there is one */
};

struct jsonlist *jsonlist_new(jsonlist_fn each, void *arg)
{
	struct jsonlist *l = xcalloc(1, sizeof(*l));

	l->each = each;
	l->arg = arg;
	l->tok = json_tokener_new();
	/* Strict, as model_json_parse(): an element with a trailing comma
	 * inside it is refused like the whole text would be. */
	json_tokener_set_flags(l->tok, JSON_TOKENER_STRICT);
	buf_init(&l->item, JSONLIST_ITEM_MAX);
	return l;
}

void jsonlist_free(struct jsonlist *l)
{
	if (!l)
		return;
	json_tokener_free(l->tok);
	buf_release(&l->item);
	free(l);
}

void jsonlist_reset(struct jsonlist *l)
{
	buf_reset(&l->item);
	l->state = LS_START;
	l->depth = 0;
	l->in_string = l->escaped = l->scalar = false;
	l->digits = 0;
	l->rc = 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* How much of p[0..n) belongs to the value being read, and whether it
 * ends there. Only brackets and strings are followed; the strict parse
 * of the whole element checks the rest. */
static size_t value_span(struct jsonlist *l, const char *p, size_t n,
			 bool *done)
{
	size_t i;

	/* A NUL stops the span: jsonlist_feed() refuses it. */
	*done = false;
	if (l->scalar) {
		/* A number or literal ends where its delimiter starts. */
		for (i = 0; i < n && p[i]; i++) {
			if (strchr(",]} \t\r\n", p[i])) {
				*done = true;
				break;
			}
		}
		return i;
	}
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!c)
			return i;
		if (l->in_string) {
			if (l->escaped)
				l->escaped = false;
			else if (c == '\\')
				l->escaped = true;
			else if (c == '"' && (l->in_string = false, !l->depth))
				break; /* a string element ends */
		} else if (c == '"') {
			l->in_string = true;
		} else if (c == '{' || c == '[') {
			l->depth++;
		} else if ((c == '}' || c == ']') && --l->depth <= 0) {
			break;
		}
	}
	if (i < n) {
		*done = true;
		i++;
	}
	return i;
}

/* The element's text is complete: parse it and hand it on. */
static int item_done(struct jsonlist *l)
{
	struct json_object *item;
	int rc;

	json_tokener_reset(l->tok);
	/* A number ends only where json-c sees what follows it: let it see
	 * the buffer's terminating NUL. */
	item = json_tokener_parse_ex(l->tok, l->item.buf,
				     (int)l->item.len + (l->scalar ? 1 : 0));
	if (json_tokener_get_error(l->tok) != json_tokener_success) {
		json_object_put(item);
		return -EIO;
	}
	rc = l->each(l->arg, item);
	json_object_put(item);
	buf_reset(&l->item);
	l->state = LS_AFTER;
	return rc;
}

int jsonlist_feed(struct jsonlist *l, const char *p, size_t n)
{
	size_t i = 0;
	int rc = 0;

	if (l->rc)
		return l->rc;
	while (i < n) {
		char c = p[i];

		if (c == '\0') /* never in JSON text, nor as a terminator */
			goto bad;
		if (l->state == LS_IN) {
			bool done;
			size_t len = value_span(l, p + i, n - i, &done);

			if ((rc = buf_add(&l->item, p + i, len)))
				goto fail;
			i += len;
			if (done && (rc = item_done(l)))
				goto fail;
			continue;
		}
		if (is_ws(c) && l->state != LS_KEY) {
			i++;
			continue;
		}
		switch (l->state) {
		case LS_START:
			if (c != '[' && c != '{')
				goto bad;
			l->close = c == '[' ? ']' : '}';
			l->state = LS_FIRST;
			break;
		case LS_FIRST:
			if (c == l->close) {
				l->state = LS_DONE;
				break;
			}
			/* fall through */
		case LS_NEXT:
			if (l->close == ']') {
				l->state = LS_VALUE;
				continue;
			}
			if (c != '"')
				goto bad;
			l->digits = 0;
			l->state = LS_KEY;
			break;
		case LS_KEY:
			if (c == '"' && l->digits)
				l->state = LS_COLON;
			else if (c >= '0' && c <= '9')
				l->digits++;
			else
				goto bad;
			break;
		case LS_COLON:
			if (c != ':')
				goto bad;
			l->state = LS_VALUE;
			break;
		case LS_VALUE:
			if (c == ',' || c == ']' || c == '}')
				goto bad; /* a missing element: "[1,]" */
			l->scalar = c != '{' && c != '[' && c != '"';
			l->depth = 0;
			l->in_string = l->escaped = false;
			l->state = LS_IN;
			continue;
		case LS_AFTER:
			if (c == l->close)
				l->state = LS_DONE;
			else if (c == ',')
				l->state = LS_NEXT;
			else
				goto bad;
			break;
		case LS_IN:
		case LS_DONE:
			goto bad; /* text after the list */
		}
		i++;
	}
	return 0;
bad:
	rc = -EIO;
fail:
	l->rc = rc;
	return rc;
}

int jsonlist_end(const struct jsonlist *l)
{
	if (l->rc)
		return l->rc;
	return l->state == LS_DONE ? 0 : -EIO;
}
