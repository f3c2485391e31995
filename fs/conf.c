#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api/http.h"
#include "model/model.h"
#include "base/xalloc.h"

/* A config or token file larger than this is not a config or token. */
#define SECRET_FILE_MAX (1u << 20)

enum {
	KEY_HELP,
	KEY_VERSION,
	KEY_TOKEN,
	KEY_RO,
	KEY_ALLOW_OTHER,
	KEY_ALL_CONTEXTS,
};

#define CONF_OPT(t, field)                         \
	{                                          \
		t, offsetof(struct conf, field), 1 \
	}

static const struct fuse_opt conf_opts[] = {
	CONF_OPT("url=%s", url), CONF_OPT("token_file=%s", token_file),
	CONF_OPT("context=%s", context), CONF_OPT("config=%s", config_path),
	CONF_OPT("cacert=%s", cacert), CONF_OPT("cache_ttl=%u", cache_ttl),
	CONF_OPT("log_lines=%u", log_lines), CONF_OPT("timeout=%u", timeout),
	FUSE_OPT_KEY("token=", KEY_TOKEN), FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("all_contexts", KEY_ALL_CONTEXTS),
	/* fstab noise that mount(8) or mount.fuse3 may hand us. */
	FUSE_OPT_KEY("_netdev", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("user", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("nouser", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("users", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("auto", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("noauto", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("nofail", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("defaults", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("-h", KEY_HELP), FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION), FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

static int conf_opt_proc(void *data, const char *arg, int key,
			 struct fuse_args *outargs)
{
	struct conf *c = data;

	(void)outargs;
	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		/* SOURCE MOUNTPOINT or MOUNTPOINT alone; main() decides. */
		if (!c->source) {
			c->source = xstrdup(arg);
		} else if (!c->mountpoint) {
			c->mountpoint = xstrdup(arg);
		} else if (!c->bad_arg) {
			c->bad_arg = xstrdup(arg);
		}
		return 0;
	case KEY_TOKEN:
		c->token_on_cmdline = true;
		return 0;
	case KEY_RO:
		c->ro = true;
		return 1; /* the kernel enforces it too */
	case KEY_ALLOW_OTHER:
		c->allow_other = true;
		return 1;
	case KEY_ALL_CONTEXTS:
		c->all_contexts = true;
		return 0;
	case KEY_HELP:
		c->show_help = true;
		return 0;
	case KEY_VERSION:
		c->show_version = true;
		return 0;
	default:
		return 1;
	}
}

int conf_parse(struct fuse_args *args, struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->cache_ttl = 10;
	c->log_lines = 1000;
	c->timeout = 15;
	if (fuse_opt_parse(args, c, conf_opts, conf_opt_proc) == -1)
		return -1;
	/* With one argument it is the mountpoint. */
	if (c->source && !c->mountpoint) {
		c->mountpoint = c->source;
		c->source = NULL;
	}
	if (!c->timeout)
		c->timeout = 15;
	return 0;
}

void conf_release(struct conf *c)
{
	if (c->token) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
	}
	free(c->url);
	free(c->token_file);
	free(c->context);
	free(c->config_path);
	free(c->cacert);
	free(c->source);
	free(c->mountpoint);
	free(c->bad_arg);
	free(c->instance);
	memset(c, 0, sizeof(*c));
}

bool conf_mode_too_open(unsigned mode)
{
	return (mode & (S_IRWXG | S_IRWXO)) != 0;
}

/* Reads a secret-bearing file after checking that only its owner may
 * read it. Returns 0 and the contents (caller frees), or -1 with err. */
static int read_secret_file(const char *path, const char *what, char **out,
			    struct buf *err)
{
	struct buf b = BUF_INIT;
	struct stat st;
	char chunk[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf_addf(err, "cannot read %s %s: %s", what, path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		buf_addf(err, "%s %s is not a regular file", what, path);
		goto out_close;
	}
	if (conf_mode_too_open(st.st_mode)) {
		buf_addf(err,
			 "%s %s is accessible by group or others (mode %04o); "
			 "run: chmod 600 %s",
			 what, path, (unsigned)(st.st_mode & 07777), path);
		goto out_close;
	}
	buf_init(&b, SECRET_FILE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (buf_add(&b, chunk, (size_t)n)) {
			buf_addf(err, "%s %s is too large", what, path);
			goto out_release;
		}
	}
	if (n < 0) {
		buf_addf(err, "cannot read %s %s: %s", what, path,
			 strerror(errno));
		goto out_release;
	}
	close(fd);
	*out = buf_detach(&b, NULL);
	return 0;

out_release:
	explicit_bzero(b.buf, b.len);
	buf_release(&b);
out_close:
	close(fd);
	return -1;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static int read_token_file(const char *path, char **token, struct buf *err)
{
	char *text, *start, *end;

	if (read_secret_file(path, "token file", &text, err))
		return -1;
	start = text + strspn(text, " \t\r\n");
	end = start + strcspn(start, "\r\n");
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == start) {
		buf_addf(err, "token file %s is empty", path);
		wipe_free(text);
		return -1;
	}
	*token = xstrndup(start, (size_t)(end - start));
	wipe_free(text);
	return 0;
}

/* A source, a context's fqdn or COOLIFY_URL is a URL when libcurl's
 * parser takes it as an instance's (http.h); anything else names a
 * context. */
static bool is_url(const char *s)
{
	return s && http_url_ok(s);
}

static char *default_config_path(void)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");

	/* The CLI itself uses ~/.config and falls back on XDG only when it
	 * has no home; SPEC §1 orders XDG first, and both agree on the
	 * usual machine where XDG_CONFIG_HOME is unset or ~/.config. */
	if (xdg && *xdg)
		return xasprintf("%s/coolify/config.json", xdg);
	if (home && *home)
		return xasprintf("%s/.config/coolify/config.json", home);
	return NULL;
}

static bool same_url(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

/* The Coolify CLI's config, read on first need. */
struct cli_config {
	char *path;
	struct json_object *root; /* NULL until loaded */
	char *text;               /* holds tokens: wiped when released */
};

static void cli_config_release(struct cli_config *cc)
{
	json_object_put(cc->root);
	wipe_free(cc->text);
	free(cc->path);
}

static int cli_config_load(struct cli_config *cc, struct buf *err)
{
	struct json_object *list;

	if (cc->root)
		return 0;
	if (!cc->path) {
		buf_adds(err, "no instance given: set COOLIFY_URL and "
			      "COOLIFY_TOKEN, or -o url=,token_file=");
		return -1;
	}
	if (read_secret_file(cc->path, "config", &cc->text, err))
		return -1;
	cc->root = json_tokener_parse(cc->text);
	if (!cc->root ||
	    !json_object_object_get_ex(cc->root, "instances", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		buf_addf(err, "config %s has no \"instances\" list", cc->path);
		return -1;
	}
	return 0;
}

/* The instance named name, or (name NULL) the one whose fqdn is url, or
 * (both NULL) the default one; NULL when there is none. */
static struct json_object *cli_config_find(struct cli_config *cc,
					   const char *name, const char *url)
{
	struct json_object *list, *d;
	size_t i, n;

	json_object_object_get_ex(cc->root, "instances", &list);
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		const char *iname = model_jstr(in, "name"), *fqdn = model_jstr(in, "fqdn");

		if (name && iname && !strcmp(iname, name))
			return in;
		if (!name && url && fqdn && same_url(fqdn, url))
			return in;
		if (!name && !url && json_object_object_get_ex(in, "default", &d) &&
		    json_object_get_boolean(d))
			return in;
	}
	return NULL;
}

/* One level of SPEC §1's precedence: what it says, if anything. */
struct conf_level {
	const char *url;
	const char *token; /* NULL, or a token given outright */
	const char *context;
};

/* Takes from a context what is still missing: its URL and its token.
 * A context's token is only ever paired with its own URL. */
static int use_context(struct conf *c, struct cli_config *cc,
		       const char *name, const char **token_from,
		       struct buf *err)
{
	struct json_object *in;
	const char *fqdn, *token;

	if (cli_config_load(cc, err))
		return -1;
	in = cli_config_find(cc, name, NULL);
	if (!in) {
		if (name)
			buf_addf(err, "no context named \"%s\" in %s", name,
				 cc->path);
		else
			buf_addf(err, "no default context in %s", cc->path);
		return -1;
	}
	name = model_jstr(in, "name");
	c->instance = xstrdup(name ? name : "?");
	fqdn = model_jstr(in, "fqdn");
	token = model_jstr(in, "token");
	if (!c->url) {
		if (!is_url(fqdn)) {
			buf_addf(err, "context \"%s\" in %s has no http(s) fqdn",
				 c->instance, cc->path);
			return -1;
		}
		c->url = xstrdup(fqdn);
	}
	/* A context without a token (the CLI writes such) leaves it to a
	 * lower level to give one. */
	if (!c->token && token && *token) {
		c->token = xstrdup(token);
		*token_from = fqdn;
	}
	return 0;
}

int conf_resolve(struct conf *c, struct buf *err)
{
	const char *env_url = getenv("COOLIFY_URL");
	const char *env_token = getenv("COOLIFY_TOKEN");
	const char *env_ctx = getenv("COOLIFY_CONTEXT");
	const char *token_from = NULL; /* fqdn of the context that gave it */
	struct cli_config cc = { 0 };
	struct conf_level levels[3];
	bool named = false;
	char *file_token = NULL;
	size_t i;
	int rc = -1;

	if (c->token_on_cmdline) {
		buf_adds(err, "a token is never taken on the command line (it "
			      "would show in ps and shell history): use -o "
			      "token_file=PATH, COOLIFY_TOKEN or a CLI context");
		return -1;
	}
	if (c->bad_arg) {
		buf_addf(err, "unexpected argument \"%s\"", c->bad_arg);
		return -1;
	}
	if (c->token_file && read_token_file(c->token_file, &file_token, err))
		return -1;
	cc.path = c->config_path ? xstrdup(c->config_path)
				 : default_config_path();

	/* SPEC §1: -o options, then the environment, then SOURCE. */
	levels[0] = (struct conf_level){ c->url, file_token, c->context };
	levels[1] = (struct conf_level){ env_url && *env_url ? env_url : NULL,
					 env_token && *env_token ? env_token
								 : NULL,
					 env_ctx && *env_ctx ? env_ctx : NULL };
	levels[2] = (struct conf_level){ is_url(c->source) ? c->source : NULL,
					 NULL,
					 c->source && !is_url(c->source)
						 ? c->source
						 : NULL };
	c->url = NULL; /* refilled below from the winning level */
	for (i = 0; i < 3; i++) {
		const struct conf_level *l = &levels[i];

		if (!c->url && l->url)
			c->url = xstrdup(l->url);
		if (!c->token && l->token)
			c->token = xstrdup(l->token);
		if (l->context && !named) {
			named = true;
			if ((!c->url || !c->token) &&
			    use_context(c, &cc, l->context, &token_from, err))
				goto out;
		}
	}
	free((char *)levels[0].url);
	levels[0].url = NULL;

	if (!c->url && !named) {
		if (!cc.path || (!c->config_path && access(cc.path, F_OK))) {
			buf_addf(err,
				 "no instance given: set COOLIFY_URL and "
				 "COOLIFY_TOKEN, use -o url=URL,token_file=FILE, "
				 "or add a context to %s",
				 cc.path ? cc.path : "~/.config/coolify/config.json");
			goto out;
		}
		if (use_context(c, &cc, NULL, &token_from, err))
			goto out;
	}
	if (!c->url) {
		buf_adds(err, "no instance URL: set COOLIFY_URL or -o url=");
		goto out;
	}
	if (!c->token) {
		/* A URL alone: the token of the context for that URL. */
		struct json_object *in = NULL;

		if (cc.path && (c->config_path || !access(cc.path, F_OK)) &&
		    !cli_config_load(&cc, err))
			in = cli_config_find(&cc, NULL, c->url);
		buf_reset(err);
		if (!in || !model_jstr(in, "token") || !*model_jstr(in, "token")) {
			if (c->instance)
				buf_addf(err, "context \"%s\" has no token: ",
					 c->instance);
			buf_addf(err, "no token for %s: set COOLIFY_TOKEN or "
				      "-o token_file=",
				 c->url);
			goto out;
		}
		c->token = xstrdup(model_jstr(in, "token"));
		free(c->instance);
		c->instance = xstrdup(model_jstr(in, "name"));
		token_from = model_jstr(in, "fqdn");
	}
	if (!is_url(c->url)) {
		buf_addf(err, "bad URL \"%s\": it must start with http:// or "
			      "https://",
			 c->url);
		goto out;
	}
	/* Never hand a context's token to another instance. */
	if (token_from && !same_url(token_from, c->url)) {
		buf_addf(err,
			 "the token of context \"%s\" is for %s, not %s: give "
			 "a token for %s (COOLIFY_TOKEN or -o token_file=)",
			 c->instance, token_from, c->url, c->url);
		goto out;
	}
	rc = 0;
out:
	free((char *)levels[0].url);
	wipe_free(file_token);
	cli_config_release(&cc);
	return rc;
}

bool conf_multi(const struct conf *c)
{
	return c->all_contexts ||
	       (c->source && !is_url(c->source) && strchr(c->source, ','));
}

/* A copy of c's options (not what names an instance) for one context. */
static void context_conf(struct conf *dst, const struct conf *c,
			 const char *name, const char *fqdn, const char *token)
{
	memset(dst, 0, sizeof(*dst));
	dst->cacert = c->cacert ? xstrdup(c->cacert) : NULL;
	dst->cache_ttl = c->cache_ttl;
	dst->log_lines = c->log_lines;
	dst->timeout = c->timeout;
	dst->ro = c->ro;
	dst->allow_other = c->allow_other;
	dst->all_contexts = c->all_contexts;
	dst->url = xstrdup(fqdn);
	dst->token = xstrdup(token);
	dst->instance = xstrdup(name);
}

/* Whether context in can be mounted: 0, or -1 with why in err. */
static int context_usable(struct json_object *in, const char *path,
			  struct buf *err)
{
	const char *name = model_jstr(in, "name");
	const char *fqdn = model_jstr(in, "fqdn");
	const char *token = model_jstr(in, "token");

	if (!is_url(fqdn)) {
		buf_addf(err, "context \"%s\" in %s has no http(s) fqdn", name,
			 path);
		return -1;
	}
	if (!token || !*token) {
		buf_addf(err, "context \"%s\" in %s has no token", name, path);
		return -1;
	}
	return 0;
}

/* The named contexts of a comma-separated SOURCE, in its order, or
 * (names NULL) every one the config has. */
static int pick_contexts(struct cli_config *cc, const char *names,
			 struct json_object ***picked, size_t *n,
			 struct buf *notes, struct buf *err)
{
	struct json_object *list;
	char *copy = NULL, *p, *name;
	size_t i, count, k = 0;

	json_object_object_get_ex(cc->root, "instances", &list);
	count = json_object_array_length(list);
	*picked = xcalloc(count + 1, sizeof(**picked));
	if (!names) {
		for (i = 0; i < count; i++) {
			struct json_object *in =
			    json_object_array_get_idx(list, i);
			struct buf why = BUF_INIT;

			if (!model_jstr(in, "name"))
				continue;
			if (context_usable(in, cc->path, &why))
				buf_addf(notes, "%s: left out\n", why.buf);
			else
				(*picked)[k++] = in;
			buf_release(&why);
		}
		*n = k;
		return 0;
	}
	copy = xstrdup(names);
	for (p = copy; (name = strsep(&p, ","));) {
		struct json_object *in;

		if (!*name)
			continue; /* "prod," or "prod,,staging" */
		in = cli_config_find(cc, name, NULL);
		if (!in) {
			buf_addf(err, "no context named \"%s\" in %s", name,
				 cc->path);
			goto fail;
		}
		if (context_usable(in, cc->path, err))
			goto fail;
		for (i = 0; i < k; i++)
			if ((*picked)[i] == in)
				break;
		if (i < k) {
			buf_addf(err, "context \"%s\" is named twice", name);
			goto fail;
		}
		(*picked)[k++] = in;
	}
	free(copy);
	*n = k;
	return 0;
fail:
	free(copy);
	free(*picked);
	*picked = NULL;
	return -1;
}

int conf_contexts(const struct conf *c, struct conf **out, size_t *n,
		  struct buf *notes, struct buf *err)
{
	struct cli_config cc = { 0 };
	struct json_object **picked = NULL;
	struct conf *v;
	size_t i, k = 0;
	int rc = -1;

	if (c->token_on_cmdline) {
		buf_adds(err, "a token is never taken on the command line (it "
			      "would show in ps and shell history): use a CLI "
			      "context");
		return -1;
	}
	if (c->bad_arg) {
		buf_addf(err, "unexpected argument \"%s\"", c->bad_arg);
		return -1;
	}
	if (c->url || c->token_file || c->context) {
		buf_addf(err,
			 "-o %s names one instance; with several contexts "
			 "each uses its own URL and token from the CLI "
			 "config",
			 c->url          ? "url="
			 : c->token_file ? "token_file="
					 : "context=");
		return -1;
	}
	if (c->all_contexts && c->source) {
		buf_addf(err,
			 "-o all_contexts takes every context: drop "
			 "\"%s\", or name the contexts without it",
			 c->source);
		return -1;
	}
	cc.path =
	    c->config_path ? xstrdup(c->config_path) : default_config_path();
	if (cli_config_load(&cc, err))
		goto out;
	if (pick_contexts(&cc, c->all_contexts ? NULL : c->source, &picked, &k,
			  notes, err))
		goto out;
	if (!k) {
		buf_addf(err, "no context with an fqdn and a token in %s",
			 cc.path);
		goto out;
	}
	v = xcalloc(k, sizeof(*v));
	for (i = 0; i < k; i++)
		context_conf(&v[i], c, model_jstr(picked[i], "name"),
			     model_jstr(picked[i], "fqdn"),
			     model_jstr(picked[i], "token"));
	*out = v;
	*n = k;
	rc = 0;
out:
	free(picked);
	cli_config_release(&cc);
	return rc;
}

void conf_usage(const char *progname)
{
	printf("usage: %s [SOURCE] MOUNTPOINT [options]\n"
	       "\n"
	       "Mounts a Coolify instance as a directory tree.\n"
	       "SOURCE is a context name from the Coolify CLI config or an "
	       "instance URL;\n"
	       "several names, comma-separated (prod,staging), mount one "
	       "directory each.\n"
	       "\n"
	       "coolifyfs options:\n"
	       "    -o url=URL             instance URL (/api/v1 is added)\n"
	       "    -o token_file=PATH     file whose first line is the API "
	       "token\n"
	       "    -o context=NAME        instance NAME from the CLI config\n"
	       "    -o config=PATH         the CLI config "
	       "(~/.config/coolify/config.json)\n"
	       "    -o cache_ttl=SEC       reuse lists and objects this long "
	       "(10)\n"
	       "    -o log_lines=N         lines a logs file fetches (1000)\n"
	       "    -o timeout=SEC         longest API request, retries "
	       "included (15)\n"
	       "    -o cacert=PATH         extra CA bundle for a self-signed "
	       "instance\n"
	       "    -o ro                  read-only mount\n"
	       "    -o all_contexts        every context of the CLI config, "
	       "one directory each\n"
	       "\n"
	       "Environment: COOLIFY_URL, COOLIFY_TOKEN, COOLIFY_CONTEXT.\n"
	       "The token is never accepted on the command line.\n"
	       "\n",
	       progname);
}
