#include "model/tagset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/xalloc.h"
#include "model/model.h"

void tagset_init(struct tagset *s)
{
	s->v = NULL;
	s->n = s->alloc = 0;
}

void tagset_release(struct tagset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].uuid);
	}
	free(s->v);
	tagset_init(s);
}

const struct tag *tagset_find(const struct tagset *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

/* Adds name (a copy) unless it is there; uuid may be NULL. */
static void add(struct tagset *s, const char *name, const char *uuid)
{
	if (tagset_find(s, name))
		return;
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 8;
		s->v = xrealloc(s->v, s->alloc * sizeof(*s->v));
	}
	s->v[s->n].name = xstrdup(name);
	s->v[s->n].uuid = xstrdup(uuid);
	s->n++;
}

static const char *string_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int tagset_from_json(const char *json, struct tagset *out)
{
	struct json_object *a = model_json_parse(json);
	size_t i, n;

	tagset_release(out);
	if (!a || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return -EIO;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(a, i);
		const char *name, *uuid;

		if (!json_object_is_type(t, json_type_object))
			continue;
		name = string_field(t, "name");
		uuid = string_field(t, "uuid");
		if (name && uuid)
			add(out, name, uuid);
	}
	json_object_put(a);
	return 0;
}

/* The code point at s (of n bytes left) and its length in *len, or -1
 * for bytes that are not UTF-8 (overlong forms and surrogates too). */
static long utf8_at(const unsigned char *s, size_t n, size_t *len)
{
	static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t k, i;
	long c;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		c = s[0] & 0x07;
	} else {
		return -1;
	}
	if (k > n)
		return -1;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[k] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*len = k;
	return c;
}

/* What Laravel's TrimStrings (Unicode white space, U+FEFF, U+200B,
 * U+200E) and PHP's trim() (ASCII white space and NUL) take off the
 * ends of a name. */
static int trimmed_space(long c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200b) || c == 0x200e ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000 || c == 0xfeff;
}

int tag_name_normalize(const char *name, size_t len, struct buf *out,
		       const char **why)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i, k, start = 0, end = 0, chars = 0;
	bool seen = false;

	buf_reset(out);
	/* One pass: check every character, and find where the name starts
	 * and ends once white space is trimmed off both ends. */
	for (i = 0; i < len; i += k) {
		long c = utf8_at(s + i, len - i, &k);

		if (c < 0) {
			*why = "it is not UTF-8 text";
			return -EINVAL;
		}
		if (c == 0) {
			*why = "it holds a NUL byte";
			return -EINVAL;
		}
		/* strip_tags() would take out what follows a '<' (NOTES
		 * §17): the API would keep another name than the file's. */
		if (c == '<') {
			*why = "it holds '<' (the API strips what looks like "
			       "HTML from a tag name)";
			return -EINVAL;
		}
		if (trimmed_space(c))
			continue;
		if (!seen)
			start = i;
		seen = true;
		end = i + k;
	}
	for (i = start; i < end; i += k) {
		long c = utf8_at(s + i, end - i, &k);

		/* PHP 8's strtolower() lowers ASCII letters only. */
		if (c >= 'A' && c <= 'Z')
			buf_addch(out, (char)(c - 'A' + 'a'));
		else
			buf_add(out, s + i, k);
		chars++;
	}
	if (chars < TAG_NAME_MIN) {
		*why = "the API takes a tag name of 2 characters or more";
		buf_reset(out);
		return -EINVAL;
	}
	if (chars > TAG_NAME_MAX) {
		*why = "the API keeps a tag name of 255 characters at most";
		buf_reset(out);
		return -EINVAL;
	}
	return 0;
}

/* Whether a line is white space only: a blank line, skipped. */
static bool blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!strchr(" \t\r\v\f", s[i]))
			return false;
	return true;
}

int tagset_parse(const char *text, size_t len, struct tagset *out,
		 struct buf *err)
{
	struct buf name = BUF_INIT;
	size_t pos = 0, line = 0;
	int rc = 0;

	tagset_release(out);
	buf_reset(err);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *why;

		line++;
		if (!blank(text + pos, n)) {
			rc = tag_name_normalize(text + pos, n, &name, &why);
			if (rc) {
				buf_addf(err, "line %zu: %s", line, why);
				tagset_release(out);
				break;
			}
			add(out, name.buf, NULL);
		}
		pos += n + (nl ? 1 : 0);
	}
	buf_release(&name);
	return rc;
}

int tagset_render(const struct tagset *s, struct buf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->n && !rc; i++)
		rc = buf_addf(out, "%s\n", s->v[i].name);
	return rc;
}
