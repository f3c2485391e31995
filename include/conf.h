/* The mount's configuration: the command line, the environment and the
 * Coolify CLI's config.json, resolved into one instance URL and token
 * (SPEC §1).
 *
 * Precedence: -o options, then COOLIFY_URL/COOLIFY_TOKEN/COOLIFY_CONTEXT,
 * then the SOURCE argument (a URL or a context name), then the CLI
 * config's default instance. The token is never taken from the command
 * line, and a token file or config that group or others may read is
 * refused, as ssh and s3fs refuse theirs. */
#ifndef CFS_CONF_H
#define CFS_CONF_H

#include <stdbool.h>

#include <fuse.h>

#include "base/buf.h"

struct conf {
	/* From the command line (-o, arguments). */
	char *url;
	char *token_file;
	char *context;
	char *config_path;
	char *cacert;
	char *source;     /* SOURCE argument, or NULL */
	char *mountpoint; /* MOUNTPOINT argument, or NULL */
	unsigned cache_ttl;
	unsigned log_lines;
	unsigned timeout;
	bool ro;
	bool allow_other;
	bool all_contexts; /* -o all_contexts: every context (SPEC §7) */
	bool show_help;
	bool show_version;
	bool token_on_cmdline; /* a token= option was given: refused */
	char *bad_arg;         /* a third non-option argument, or NULL */

	/* Resolved by conf_resolve(). */
	char *token;    /* secret: wiped by conf_release() */
	char *instance; /* the context's name, for messages */
};

/* Parses argv into c, removing what coolifyfs consumes from args and
 * leaving the options libfuse understands. Returns 0, or -1 when
 * fuse_opt_parse itself fails. */
int conf_parse(struct fuse_args *args, struct conf *c);

/* Fills c->url and c->token from the sources above. Returns 0, or -1
 * with a one-line reason in err (no trailing newline). */
int conf_resolve(struct conf *c, struct buf *err);

void conf_release(struct conf *c);

/* Whether the command line asks for several contexts in one mount (SPEC
 * §7): -o all_contexts, or a SOURCE that is no URL and holds a comma. */
bool conf_multi(const struct conf *c);

/* For a multi-context mount (conf_multi): one configuration per context,
 * in the order named (-o all_contexts: the CLI config's), each with the
 * context's URL, token and name (instance) and a copy of c's options.
 * The -o options that name one instance (url=, token_file=, context=)
 * are refused; the environment's COOLIFY_* are not used. Under
 * all_contexts a context without an http(s) fqdn or a token (the CLI's
 * own "cloud" and "localhost" placeholders) is left out, with a line in
 * notes; a named one is an error. Returns 0 with *out (free each with
 * conf_release, then the array) and *n >= 1, or -1 with a one-line
 * reason in err. */
int conf_contexts(const struct conf *c, struct conf **out, size_t *n,
		  struct buf *notes, struct buf *err);

/* The help text for our own options. */
void conf_usage(const char *progname);

/* Whether a file's mode lets group or others in (a secret must not). */
bool conf_mode_too_open(unsigned mode);

#endif
