#include "model/dotenv.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

bool dotenv_key_valid(const char *name)
{
	const char *p;

	if (!isalpha((unsigned char)*name) && *name != '_')
		return false;
	for (p = name + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return false;
	return true;
}

void dotenv_release(struct dotenv *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].value);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

const char *dotenv_get(const struct dotenv *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].key, key))
			return d->v[i].value;
	return NULL;
}

static void dotenv_put(struct dotenv *d, char *key, char *value)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (!strcmp(d->v[i].key, key)) {
			free(key);
			free(d->v[i].value);
			d->v[i].value = value;
			return;
		}
	}
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	d->v[d->n].key = key;
	d->v[d->n].value = value;
	d->n++;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A parse position: text [p, end), and the line p is on. */
struct cursor {
	const char *p, *end;
	unsigned line;
};

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

/* After a closing quote: only blanks or a comment may follow. */
static int end_of_line(struct cursor *c, struct buf *err)
{
	skip_blanks(c);
	if (c->p < c->end && *c->p == '#')
		while (c->p < c->end && *c->p != '\n')
			c->p++;
	if (c->p < c->end && *c->p != '\n') {
		buf_addf(err, "line %u: text after the closing quote", c->line);
		return -EINVAL;
	}
	return 0;
}

static int parse_double(struct cursor *c, struct buf *val, struct buf *err)
{
	unsigned start = c->line;

	for (c->p++; c->p < c->end; c->p++) {
		char ch = *c->p;

		if (ch == '"') {
			c->p++;
			return end_of_line(c, err);
		}
		if (ch == '\n')
			c->line++;
		if (ch == '\\' && c->p + 1 < c->end) {
			ch = *++c->p;
			switch (ch) {
			case 'n':
				ch = '\n';
				break;
			case 't':
				ch = '\t';
				break;
			case 'r':
				ch = '\r';
				break;
			case '"':
			case '\\':
			case '$':
				break;
			default:
				buf_addch(val, '\\');
			}
		}
		buf_addch(val, ch);
	}
	buf_addf(err, "line %u: unterminated double quote", start);
	return -EINVAL;
}

static int parse_single(struct cursor *c, struct buf *val, struct buf *err)
{
	unsigned start = c->line;

	for (c->p++; c->p < c->end; c->p++) {
		if (*c->p == '\'') {
			c->p++;
			return end_of_line(c, err);
		}
		if (*c->p == '\n')
			c->line++;
		buf_addch(val, *c->p);
	}
	buf_addf(err, "line %u: unterminated single quote", start);
	return -EINVAL;
}

static void parse_bare(struct cursor *c, struct buf *val)
{
	const char *s = c->p, *e;

	while (c->p < c->end && *c->p != '\n') {
		/* " #" starts a comment; a '#' inside a word does not. */
		if (*c->p == '#' && c->p > s && is_blank(c->p[-1]))
			break;
		c->p++;
	}
	e = c->p;
	while (e > s && is_blank(e[-1]))
		e--;
	buf_add(val, s, (size_t)(e - s));
	while (c->p < c->end && *c->p != '\n')
		c->p++;
}

static int parse_line(struct cursor *c, struct dotenv *d, struct buf *err)
{
	struct buf val = BUF_INIT;
	const char *k;
	char *key;
	int rc = 0;

	skip_blanks(c);
	if (c->end - c->p > 7 && !strncmp(c->p, "export", 6) &&
	    is_blank(c->p[6])) {
		c->p += 7;
		skip_blanks(c);
	}
	k = c->p;
	while (c->p < c->end && *c->p != '=' && *c->p != '\n' &&
	       !is_blank(*c->p))
		c->p++;
	key = xstrndup(k, (size_t)(c->p - k));
	skip_blanks(c);
	if (c->p >= c->end || *c->p != '=') {
		buf_addf(err, "line %u: expected KEY=VALUE", c->line);
		rc = -EINVAL;
		goto out;
	}
	if (!dotenv_key_valid(key)) {
		buf_addf(err, "line %u: \"%s\" is not a valid key", c->line,
			 key);
		rc = -EINVAL;
		goto out;
	}
	c->p++;
	skip_blanks(c);
	if (c->p < c->end && *c->p == '"')
		rc = parse_double(c, &val, err);
	else if (c->p < c->end && *c->p == '\'')
		rc = parse_single(c, &val, err);
	else
		parse_bare(c, &val);
	if (!rc) {
		dotenv_put(d, key, buf_detach(&val, NULL));
		key = NULL;
	}
out:
	free(key);
	buf_release(&val);
	return rc;
}

int dotenv_parse(const char *text, size_t len, struct dotenv *d,
		 struct buf *err)
{
	struct cursor c = { text, text + len, 1 };
	int rc = 0;

	d->v = NULL;
	d->n = 0;
	if (memchr(text, '\0', len)) {
		buf_adds(err, "the file holds a NUL byte");
		return -EINVAL;
	}
	while (!rc && c.p < c.end) {
		const char *q = c.p;

		while (q < c.end && is_blank(*q))
			q++;
		if (q < c.end && *q != '\n' && *q != '#')
			rc = parse_line(&c, d, err);
		else
			c.p = q;
		while (!rc && c.p < c.end && *c.p != '\n')
			c.p++;
		if (c.p < c.end) {
			c.p++;
			c.line++;
		}
	}
	if (rc)
		dotenv_release(d);
	return rc;
}

/* A byte a value may hold bare: one that compose, python-dotenv, node's
 * dotenv and a shell all read as itself, wherever it stands. */
static bool plain(char c)
{
	return c && (isalnum((unsigned char)c) || strchr("_-.,:/@%+=", c));
}

void dotenv_format(struct buf *out, const char *key, const char *value)
{
	const char *p;
	bool bare = true;

	for (p = value; *p && bare; p++)
		bare = plain(*p);
	buf_addf(out, "%s=", key);
	if (bare) {
		buf_adds(out, value);
	} else if (!strchr(value, '\'')) {
		/* Literal for every reader, newlines included: bash does not
		 * split at '&' or ';' in it, nobody expands '$'. */
		buf_addf(out, "'%s'", value);
	} else {
		buf_addch(out, '"');
		for (p = value; *p; p++) {
			if (*p == '\n')
				buf_adds(out, "\\n");
			else if (*p == '"' || *p == '\\' || *p == '$')
				buf_addf(out, "\\%c", *p);
			else
				buf_addch(out, *p);
		}
		buf_addch(out, '"');
	}
	buf_addch(out, '\n');
}
