/* The envs.env format: KEY=VALUE lines in the dotenv syntax of docker
 * compose's env_file (SPEC §3.1).
 *
 * Reading: blank lines and lines starting with '#' are skipped, an
 * optional "export " prefix is allowed, unquoted values are trimmed and
 * end at " #", double-quoted values take \n, \t, \", \\ escapes and may
 * span lines, single-quoted values are literal. Writing leaves a value
 * bare only when every byte is a letter, a digit or one of _-.,:/@%+=;
 * anything else (spaces, quotes, '#', '$', '&', ';', backslashes,
 * newlines, bytes past ASCII) goes in single quotes, literally, when the
 * value holds no '\''; otherwise in double quotes with \n, \", \\ and \$
 * escapes. compose, python-dotenv, node's dotenv and bash's `set -a; .`
 * then read the same value, except where no form serves all of them
 * (SPEC §3.1: python-dotenv reads \\ in single quotes as one backslash,
 * node's dotenv keeps \" and \\ in double quotes). Parsing what
 * dotenv_format() wrote gives back the same pairs. Pure functions, no
 * I/O. */
#ifndef CFS_DOTENV_H
#define CFS_DOTENV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

struct dotenv_pair {
	char *key;
	char *value;
};

struct dotenv {
	struct dotenv_pair *v;
	size_t n;
};

/* Whether name can be an environment variable's key: a letter or '_',
 * then letters, digits, '_' and '.' (the current API's own rule). */
bool dotenv_key_valid(const char *name);

/* Parses len bytes of text into d (a later duplicate key replaces the
 * earlier one). Returns 0, or -EINVAL with the line and the reason in err,
 * leaving d empty. */
int dotenv_parse(const char *text, size_t len, struct dotenv *d,
		 struct buf *err);
void dotenv_release(struct dotenv *d);
/* The value for key, or NULL. */
const char *dotenv_get(const struct dotenv *d, const char *key);

/* Appends one KEY=VALUE line (with its newline) to out. */
void dotenv_format(struct buf *out, const char *key, const char *value);

#endif
