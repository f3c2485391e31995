/* Unit tests for conf.h: the command line, the environment and the
 * Coolify CLI's config.json resolved into a URL and a token (SPEC §1).
 *
 * Every test starts from a clean environment: no COOLIFY_* variables, and
 * HOME and XDG_CONFIG_HOME pointing into a private mkdtemp directory, so
 * the user's real CLI config is never read. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf.h"

#include "check.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/cfs-test-conf-XXXXXX";

/* The CLI's own format (SPEC §1), with the keys the real CLI writes. */
static const char config_json[] =
    "{\"instances\":["
    "{\"default\":true,\"fqdn\":\"https://prod.example.com\","
    "\"name\":\"prod\",\"token\":\"1|prodtoken\"},"
    "{\"fqdn\":\"https://staging.example.com/\",\"name\":\"staging\","
    "\"token\":\"2|stagetoken\"},"
    "{\"fqdn\":\"http://localhost:8000\",\"name\":\"local\","
    "\"token\":\"\"}],"
    "\"lastupdatechecktime\":\"2025-05-27T13:10:20Z\"}\n";

/* Secrets that must never show in an error message. */
static const char *const secrets[] = { "prodtoken", "stagetoken", "filetoken",
				       "envtoken", "cmdtoken" };

/* ---- files and environment ---- */

/* Returns tmpdir/name in a static buffer (one of a few in rotation). */
static const char *tpath(const char *name)
{
	static char paths[4][512];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", tmpdir, name);
	return p;
}

static void mkdirs(const char *path)
{
	char tmp[512];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0700);
		*p = '/';
	}
	mkdir(tmp, 0700);
}

/* Writes text to tmpdir/name with exactly the given mode; returns the
 * path. */
static const char *write_file(const char *name, const char *text, mode_t mode)
{
	const char *path = tpath(name);
	char dir[512], *slash;
	size_t len = strlen(text);
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (!CHECK(fd >= 0))
		return path;
	CHECK_INT(write(fd, text, len), (long long)len);
	close(fd);
	CHECK_INT(chmod(path, mode), 0);
	return path;
}

/* Leaves the paths tpath() returned alone. */
static void env_reset(void)
{
	char p[512];

	unsetenv("COOLIFY_URL");
	unsetenv("COOLIFY_TOKEN");
	unsetenv("COOLIFY_CONTEXT");
	/* Neither holds a config unless a test writes one there. */
	snprintf(p, sizeof(p), "%s/home", tmpdir);
	setenv("HOME", p, 1);
	snprintf(p, sizeof(p), "%s/home/.config/coolify/config.json", tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/xdg", tmpdir);
	setenv("XDG_CONFIG_HOME", p, 1);
	snprintf(p, sizeof(p), "%s/xdg/coolify/config.json", tmpdir);
	unlink(p);
}

/* ---- command lines ---- */

struct cmd {
	char *argv[32];
	int argc;
	struct fuse_args args;
};

/* Runs conf_parse on "coolifyfs" followed by the NULL-terminated list. */
static int cmd_parse(struct cmd *m, struct conf *c, const char *const *list)
{
	int i;

	m->argc = 0;
	m->argv[m->argc++] = strdup("coolifyfs");
	for (i = 0; list[i] && m->argc < 31; i++)
		m->argv[m->argc++] = strdup(list[i]);
	m->argv[m->argc] = NULL;
	m->args = (struct fuse_args)FUSE_ARGS_INIT(m->argc, m->argv);
	return conf_parse(&m->args, c);
}

#define PARSE(m, c, ...) \
	cmd_parse((m), (c), (const char *const[]){ __VA_ARGS__, NULL })

static void cmd_release(struct cmd *m)
{
	int i;

	fuse_opt_free_args(&m->args);
	for (i = 0; i < m->argc; i++)
		free(m->argv[i]);
	m->argc = 0;
}

/* Whether the arguments left for libfuse hold exactly arg. */
static bool args_has(const struct fuse_args *a, const char *arg)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], arg))
			return true;
	return false;
}

/* Whether the -o options left for libfuse hold opt. */
static bool args_has_opt(const struct fuse_args *a, const char *opt)
{
	int i;

	for (i = 1; i < a->argc; i++) {
		const char *list = NULL;
		char *copy, *tok, *save;
		bool found = false;

		if (!strcmp(a->argv[i], "-o") && i + 1 < a->argc)
			list = a->argv[++i];
		else if (!strncmp(a->argv[i], "-o", 2))
			list = a->argv[i] + 2;
		if (!list)
			continue;
		copy = strdup(list);
		for (tok = strtok_r(copy, ",", &save); tok && !found;
		     tok = strtok_r(NULL, ",", &save))
			found = !strcmp(tok, opt);
		free(copy);
		if (found)
			return true;
	}
	return false;
}

/* Whether any argument left for libfuse contains s. */
static bool args_mention(const struct fuse_args *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (strstr(a->argv[i], s))
			return true;
	return false;
}

/* conf_resolve must fail with a one-line message holding want, and no
 * secret. */
static void check_fails(struct conf *c, const char *want, int line)
{
	struct buf err = BUF_INIT;
	size_t i;

	if (!CHECK_INT(conf_resolve(c, &err), -1))
		printf("#   line %d: resolved to url %s\n", line,
		       c->url ? c->url : "(null)");
	if (!CHECK(strstr(err.buf, want) != NULL))
		printf("#   line %d: message \"%s\" lacks \"%s\"\n", line,
		       err.buf, want);
	CHECK(strchr(err.buf, '\n') == NULL);
	for (i = 0; i < N_ELEMS(secrets); i++)
		if (!CHECK(strstr(err.buf, secrets[i]) == NULL))
			printf("#   line %d: message \"%s\" shows a token\n",
			       line, err.buf);
	buf_release(&err);
}

static void check_resolves(struct conf *c, const char *url, const char *token,
			   int line)
{
	struct buf err = BUF_INIT;
	int ok;

	if (!CHECK_INT(conf_resolve(c, &err), 0))
		printf("#   line %d: %s\n", line, err.buf);
	/* Both checks run, whatever the first gives. */
	ok = CHECK_STR(c->url, url);
	ok &= CHECK_STR(c->token, token);
	if (!ok)
		printf("#   line %d\n", line);
	buf_release(&err);
}

#define FAILS(c, want)          check_fails((c), (want), __LINE__)
#define RESOLVES(c, url, token) check_resolves((c), (url), (token), __LINE__)

/* ---- conf_parse ---- */

static void test_parse_defaults(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "/mnt/coolify"), 0);
	CHECK_STR(c.mountpoint, "/mnt/coolify");
	CHECK(c.source == NULL);
	CHECK_INT(c.cache_ttl, 10);
	CHECK_INT(c.log_lines, 1000);
	CHECK_INT(c.timeout, 15);
	CHECK(c.url == NULL);
	CHECK(c.token_file == NULL);
	CHECK(c.context == NULL);
	CHECK(c.config_path == NULL);
	CHECK(c.cacert == NULL);
	CHECK(c.token == NULL);
	CHECK(c.bad_arg == NULL);
	CHECK(!c.ro);
	CHECK(!c.allow_other);
	CHECK(!c.show_help);
	CHECK(!c.show_version);
	CHECK(!c.token_on_cmdline);
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_source_and_mountpoint(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/coolify"), 0);
	CHECK_STR(c.source, "prod");
	CHECK_STR(c.mountpoint, "/mnt/coolify");
	conf_release(&c);
	cmd_release(&m);

	CHECK_INT(PARSE(&m, &c, "https://c.example.com", "/mnt/c", "-f"), 0);
	CHECK_STR(c.source, "https://c.example.com");
	CHECK_STR(c.mountpoint, "/mnt/c");
	CHECK(args_has(&m.args, "-f"));
	conf_release(&c);
	cmd_release(&m);

	/* What mount.fuse3 runs for an fstab line: options last. */
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/coolify", "-o",
			"rw,noauto,user,_netdev,cache_ttl=30"),
		  0);
	CHECK_STR(c.source, "prod");
	CHECK_STR(c.mountpoint, "/mnt/coolify");
	CHECK_INT(c.cache_ttl, 30);
	conf_release(&c);
	cmd_release(&m);

	/* Options first. */
	CHECK_INT(PARSE(&m, &c, "-o", "ro", "-d", "staging", "/mnt/s"), 0);
	CHECK_STR(c.source, "staging");
	CHECK_STR(c.mountpoint, "/mnt/s");
	CHECK(c.ro);
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_positionals_not_left_for_fuse(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/coolify", "-f"), 0);
	CHECK(!args_has(&m.args, "prod"));
	CHECK(!args_has(&m.args, "/mnt/coolify"));
	CHECK(args_has(&m.args, "-f"));
	CHECK(m.args.argc >= 1 && !strcmp(m.args.argv[0], "coolifyfs"));
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_third_argument_refused(void)
{
	struct cmd m;
	struct conf c;

	env_reset();
	setenv("COOLIFY_URL", "https://env.example.com", 1);
	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/coolify", "extra"), 0);
	CHECK_STR(c.bad_arg, "extra");
	FAILS(&c, "extra");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_parse_options(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o",
			"url=https://c.example.com,token_file=/etc/t,"
			"context=staging,config=/etc/c.json",
			"-o", "cacert=/etc/ca.pem,cache_ttl=30",
			"-olog_lines=50", "-o", "timeout=100"),
		  0);
	CHECK_STR(c.url, "https://c.example.com");
	CHECK_STR(c.token_file, "/etc/t");
	CHECK_STR(c.context, "staging");
	CHECK_STR(c.config_path, "/etc/c.json");
	CHECK_STR(c.cacert, "/etc/ca.pem");
	CHECK_INT(c.cache_ttl, 30);
	CHECK_INT(c.log_lines, 50);
	CHECK_INT(c.timeout, 100);
	CHECK_STR(c.mountpoint, "/mnt/c");
	/* Ours, so not handed to libfuse. */
	CHECK(!args_mention(&m.args, "url="));
	CHECK(!args_mention(&m.args, "token_file"));
	CHECK(!args_mention(&m.args, "context="));
	CHECK(!args_mention(&m.args, "config="));
	CHECK(!args_mention(&m.args, "cacert"));
	CHECK(!args_mention(&m.args, "cache_ttl"));
	CHECK(!args_mention(&m.args, "log_lines"));
	CHECK(!args_mention(&m.args, "timeout"));
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_last_option_wins(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", "cache_ttl=5,url=http://a",
			"-o", "cache_ttl=7,url=http://b"),
		  0);
	CHECK_INT(c.cache_ttl, 7);
	CHECK_STR(c.url, "http://b");
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_cache_ttl_zero(void)
{
	struct cmd m;
	struct conf c;

	/* 0 is a valid ttl: no reuse at all. */
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", "cache_ttl=0"), 0);
	CHECK_INT(c.cache_ttl, 0);
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_bad_number_fails(void)
{
	struct cmd m;
	struct conf c;

	/* libfuse prints why on stderr. */
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", "cache_ttl=soon"), -1);
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_fstab_noise_discarded(void)
{
	static const char *const noise[] = { "_netdev", "noauto",  "user",
					     "nouser",  "users",   "auto",
					     "nofail",  "defaults" };
	struct cmd m;
	struct conf c;
	size_t i;

	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/c", "-o",
			"noauto,user,_netdev,nofail,defaults,"
			"default_permissions,users,auto,nouser,cache_ttl=30"),
		  0);
	for (i = 0; i < N_ELEMS(noise); i++)
		if (!CHECK(!args_has_opt(&m.args, noise[i])))
			printf("#   \"%s\" was handed to libfuse\n", noise[i]);
	CHECK(args_has_opt(&m.args, "default_permissions"));
	CHECK_INT(c.cache_ttl, 30);
	CHECK_STR(c.source, "prod");
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_ro_and_allow_other_go_to_fuse_too(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", "ro,allow_other,uid=1000"), 0);
	CHECK(c.ro);
	CHECK(c.allow_other);
	CHECK(args_has_opt(&m.args, "ro"));
	CHECK(args_has_opt(&m.args, "allow_other"));
	CHECK(args_has_opt(&m.args, "uid=1000"));
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_fuse_flags_kept(void)
{
	struct cmd m;
	struct conf c;

	CHECK_INT(PARSE(&m, &c, "-f", "-d", "-s", "/mnt/c", "-o",
			"default_permissions"),
		  0);
	CHECK(args_has(&m.args, "-f"));
	CHECK(args_has(&m.args, "-d"));
	CHECK(args_has(&m.args, "-s"));
	CHECK(args_has_opt(&m.args, "default_permissions"));
	CHECK_STR(c.mountpoint, "/mnt/c");
	conf_release(&c);
	cmd_release(&m);
}

static void test_parse_help_and_version(void)
{
	static const char *const help[] = { "-h", "--help" };
	static const char *const version[] = { "-V", "--version" };
	struct cmd m;
	struct conf c;
	size_t i;

	for (i = 0; i < N_ELEMS(help); i++) {
		CHECK_INT(PARSE(&m, &c, help[i]), 0);
		CHECK(c.show_help);
		CHECK(!c.show_version);
		conf_release(&c);
		cmd_release(&m);
	}
	for (i = 0; i < N_ELEMS(version); i++) {
		CHECK_INT(PARSE(&m, &c, version[i]), 0);
		CHECK(c.show_version);
		CHECK(!c.show_help);
		conf_release(&c);
		cmd_release(&m);
	}
}

/* SPEC §1: the token is never accepted on the command line. */
static void test_token_on_command_line_refused(void)
{
	struct cmd m;
	struct conf c;

	env_reset();
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o",
			"url=https://c.example.com,token=9|cmdtoken"),
		  0);
	CHECK(c.token_on_cmdline);
	CHECK(c.token == NULL);
	/* Neither kept for libfuse nor anywhere else. */
	CHECK(!args_mention(&m.args, "cmdtoken"));
	CHECK(!args_mention(&m.args, "token="));
	FAILS(&c, "command line");
	CHECK(c.token == NULL);
	conf_release(&c);
	cmd_release(&m);

	/* Refused even when a valid token is at hand elsewhere. */
	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	CHECK_INT(PARSE(&m, &c, "https://c.example.com", "/mnt/c", "-o",
			"token=9|cmdtoken"),
		  0);
	FAILS(&c, "command line");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* ---- conf_resolve: token files ---- */

static void test_token_file(void)
{
	static const struct {
		const char *text, *token;
	} cases[] = {
		{ "1|filetoken", "1|filetoken" },
		{ "1|filetoken\n", "1|filetoken" },
		{ "1|filetoken\r\n", "1|filetoken" },
		{ "1|filetoken \t \n", "1|filetoken" },
		{ "1|filetoken\nsecond line\n", "1|filetoken" },
		{ "  1|filetoken\n", "1|filetoken" },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		const char *path = write_file("token", cases[i].text, 0600);
		char opt[600];
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt),
			 "url=https://c.example.com,token_file=%s", path);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		RESOLVES(&c, "https://c.example.com", cases[i].token);
		conf_release(&c);
		cmd_release(&m);
	}
}

static void test_token_file_read_only_mode_ok(void)
{
	const char *path = write_file("token-ro", "1|filetoken\n", 0400);
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	snprintf(opt, sizeof(opt), "url=https://c.example.com,token_file=%s",
		 path);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://c.example.com", "1|filetoken");
	conf_release(&c);
	cmd_release(&m);
}

static void test_token_file_empty_refused(void)
{
	static const char *const empty[] = { "", "\n", "   \n", " \t\r\n\n" };
	size_t i;

	for (i = 0; i < N_ELEMS(empty); i++) {
		const char *path = write_file("token-empty", empty[i], 0600);
		char opt[600];
		struct cmd m;
		struct conf c;

		env_reset();
		/* An empty token file is an error, not a cue to look
		 * elsewhere. */
		setenv("COOLIFY_TOKEN", "3|envtoken", 1);
		snprintf(opt, sizeof(opt),
			 "url=https://c.example.com,token_file=%s", path);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		FAILS(&c, "empty");
		conf_release(&c);
		cmd_release(&m);
	}
	env_reset();
}

static void test_token_file_readable_by_others_refused(void)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0610 };
	size_t i;

	for (i = 0; i < N_ELEMS(modes); i++) {
		const char *path =
		    write_file("token-open", "1|filetoken\n", modes[i]);
		char opt[600];
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt),
			 "url=https://c.example.com,token_file=%s", path);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		FAILS(&c, "chmod");
		conf_release(&c);
		cmd_release(&m);
	}
}

static void test_token_file_missing(void)
{
	struct cmd m;
	struct conf c;
	char opt[600];

	env_reset();
	snprintf(opt, sizeof(opt), "url=https://c.example.com,token_file=%s",
		 tpath("no-such-token"));
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "no-such-token");
	conf_release(&c);
	cmd_release(&m);

	/* A directory is not a token file. */
	mkdirs(tpath("token-dir"));
	snprintf(opt, sizeof(opt), "url=https://c.example.com,token_file=%s",
		 tpath("token-dir"));
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "token-dir");
	conf_release(&c);
	cmd_release(&m);
}

/* ---- conf_resolve: precedence ---- */

static void test_env_url_and_token(void)
{
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	setenv("COOLIFY_URL", "https://env.example.com", 1);
	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	CHECK_INT(PARSE(&m, &c, "/mnt/c"), 0);
	RESOLVES(&c, "https://env.example.com", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);

	/* With both at hand the CLI config is not needed, not even read. */
	snprintf(opt, sizeof(opt), "config=%s",
		 write_file("open-config.json", config_json, 0644));
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://env.example.com", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_empty_env_is_unset(void)
{
	struct cmd m;
	struct conf c;

	env_reset();
	setenv("COOLIFY_URL", "", 1);
	setenv("COOLIFY_TOKEN", "", 1);
	setenv("COOLIFY_CONTEXT", "", 1);
	write_file("xdg/coolify/config.json", config_json, 0600);
	CHECK_INT(PARSE(&m, &c, "/mnt/c"), 0);
	RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* -o url beats COOLIFY_URL beats a SOURCE URL beats the context. */
static void test_url_precedence(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	setenv("COOLIFY_URL", "https://env.example.com", 1);
	snprintf(opt, sizeof(opt), "url=https://opt.example.com,config=%s",
		 config);
	CHECK_INT(
	    PARSE(&m, &c, "https://source.example.com", "/mnt/c", "-o", opt),
	    0);
	RESOLVES(&c, "https://opt.example.com", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);

	snprintf(opt, sizeof(opt), "config=%s", config);
	CHECK_INT(
	    PARSE(&m, &c, "https://source.example.com", "/mnt/c", "-o", opt),
	    0);
	RESOLVES(&c, "https://env.example.com", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);

	unsetenv("COOLIFY_URL");
	CHECK_INT(
	    PARSE(&m, &c, "https://source.example.com", "/mnt/c", "-o", opt),
	    0);
	RESOLVES(&c, "https://source.example.com", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);

	/* No URL anywhere: the default context's, with the env's token. */
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://prod.example.com", "3|envtoken");
	CHECK_STR(c.instance, "prod");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* -o token_file beats COOLIFY_TOKEN beats the context's token. */
static void test_token_precedence(void)
{
	const char *config, *token;
	char opt[1200];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	token = write_file("token", "1|filetoken\n", 0600);
	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	snprintf(opt, sizeof(opt), "token_file=%s,config=%s", token, config);
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://prod.example.com", "1|filetoken");
	conf_release(&c);
	cmd_release(&m);

	snprintf(opt, sizeof(opt), "config=%s", config);
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://prod.example.com", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);

	unsetenv("COOLIFY_TOKEN");
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* -o context beats COOLIFY_CONTEXT beats a SOURCE name beats the
 * default context. */
static void test_context_precedence(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	snprintf(opt, sizeof(opt), "config=%s", config);

	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
	CHECK_STR(c.instance, "prod");
	conf_release(&c);
	cmd_release(&m);

	CHECK_INT(PARSE(&m, &c, "staging", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://staging.example.com/", "2|stagetoken");
	CHECK_STR(c.instance, "staging");
	conf_release(&c);
	cmd_release(&m);

	setenv("COOLIFY_CONTEXT", "prod", 1);
	CHECK_INT(PARSE(&m, &c, "staging", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
	conf_release(&c);
	cmd_release(&m);

	snprintf(opt, sizeof(opt), "config=%s,context=staging", config);
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://staging.example.com/", "2|stagetoken");
	CHECK_STR(c.instance, "staging");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* SPEC §1: -o options come before the environment, so an explicit
 * -o context=NAME names the instance even when COOLIFY_URL and
 * COOLIFY_TOKEN are set (say, in a shell profile). */
static void test_option_context_beats_env_url(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	setenv("COOLIFY_URL", "https://env.example.com", 1);
	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	snprintf(opt, sizeof(opt), "config=%s,context=staging", config);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://staging.example.com/", "2|stagetoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* A named context's token must go to that context's instance: with
 * -o context=staging (or COOLIFY_CONTEXT=staging, which also outranks
 * SOURCE) and a SOURCE URL of another host, the URL must be staging's,
 * not SOURCE's with staging's token. */
static void test_named_context_token_not_sent_elsewhere(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	snprintf(opt, sizeof(opt), "config=%s,context=staging", config);
	CHECK_INT(
	    PARSE(&m, &c, "https://other.example.net", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://staging.example.com/", "2|stagetoken");
	conf_release(&c);
	cmd_release(&m);

	setenv("COOLIFY_CONTEXT", "staging", 1);
	snprintf(opt, sizeof(opt), "config=%s", config);
	CHECK_INT(
	    PARSE(&m, &c, "https://other.example.net", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://staging.example.com/", "2|stagetoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* ---- conf_resolve: the CLI config ---- */

static void test_config_mode_checked(void)
{
	static const mode_t ok[] = { 0600, 0400 };
	static const mode_t open_modes[] = { 0644, 0640, 0604, 0660 };
	char opt[600];
	size_t i;

	for (i = 0; i < N_ELEMS(ok); i++) {
		const char *config =
		    write_file("config.json", config_json, ok[i]);
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt), "config=%s", config);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
		conf_release(&c);
		cmd_release(&m);
	}
	for (i = 0; i < N_ELEMS(open_modes); i++) {
		const char *config =
		    write_file("config.json", config_json, open_modes[i]);
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt), "config=%s", config);
		CHECK_INT(PARSE(&m, &c, "staging", "/mnt/c", "-o", opt), 0);
		FAILS(&c, "chmod");
		conf_release(&c);
		cmd_release(&m);
	}
}

static void test_config_found_under_xdg_config_home(void)
{
	struct cmd m;
	struct conf c;

	env_reset();
	write_file("xdg/coolify/config.json", config_json, 0600);
	CHECK_INT(PARSE(&m, &c, "/mnt/c"), 0);
	RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
	conf_release(&c);
	cmd_release(&m);

	CHECK_INT(PARSE(&m, &c, "staging", "/mnt/c"), 0);
	RESOLVES(&c, "https://staging.example.com/", "2|stagetoken");
	conf_release(&c);
	cmd_release(&m);

	/* Still refused there when others may read it. */
	write_file("xdg/coolify/config.json", config_json, 0644);
	CHECK_INT(PARSE(&m, &c, "/mnt/c"), 0);
	FAILS(&c, "chmod");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_config_found_under_home(void)
{
	struct cmd m;
	struct conf c;

	env_reset();
	unsetenv("XDG_CONFIG_HOME");
	write_file("home/.config/coolify/config.json", config_json, 0600);
	CHECK_INT(PARSE(&m, &c, "/mnt/c"), 0);
	RESOLVES(&c, "https://prod.example.com", "1|prodtoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_config_missing_context(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	snprintf(opt, sizeof(opt), "config=%s,context=nope", config);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "nope");
	conf_release(&c);
	cmd_release(&m);

	/* A SOURCE that is no context's name. */
	snprintf(opt, sizeof(opt), "config=%s", config);
	CHECK_INT(PARSE(&m, &c, "produ", "/mnt/c", "-o", opt), 0);
	FAILS(&c, "produ");
	conf_release(&c);
	cmd_release(&m);

	/* No config at all, but a context was asked for. */
	CHECK_INT(PARSE(&m, &c, "prod", "/mnt/c"), 0);
	FAILS(&c, "config.json");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_config_without_default(void)
{
	static const char json[] =
	    "{\"instances\":[{\"fqdn\":\"https://a.example.com\","
	    "\"name\":\"a\",\"token\":\"1|prodtoken\"},"
	    "{\"fqdn\":\"https://b.example.com\",\"name\":\"b\","
	    "\"token\":\"2|stagetoken\",\"default\":false}]}";
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config-nodefault.json", json, 0600);
	snprintf(opt, sizeof(opt), "config=%s", config);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "default");
	conf_release(&c);
	cmd_release(&m);

	CHECK_INT(PARSE(&m, &c, "b", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://b.example.com", "2|stagetoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

/* A URL without a token takes the token of the context at that URL. */
static void test_config_token_for_url(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	snprintf(opt, sizeof(opt), "config=%s,url=https://staging.example.com",
		 config);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://staging.example.com", "2|stagetoken");
	CHECK_STR(c.instance, "staging");
	conf_release(&c);
	cmd_release(&m);

	snprintf(opt, sizeof(opt), "config=%s", config);
	CHECK_INT(
	    PARSE(&m, &c, "https://PROD.example.com/", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://PROD.example.com/", "1|prodtoken");
	conf_release(&c);
	cmd_release(&m);

	/* No context at that URL: no token, and no default's token sent to
	 * a host it does not belong to. */
	snprintf(opt, sizeof(opt), "config=%s,url=https://other.example.net",
		 config);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "token");
	CHECK(c.token == NULL);
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_config_context_without_token(void)
{
	const char *config;
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	config = write_file("config.json", config_json, 0600);
	snprintf(opt, sizeof(opt), "config=%s,context=local", config);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "token");
	conf_release(&c);
	cmd_release(&m);

	setenv("COOLIFY_TOKEN", "3|envtoken", 1);
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "http://localhost:8000", "3|envtoken");
	conf_release(&c);
	cmd_release(&m);
	env_reset();
}

static void test_config_malformed(void)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"instances\":",
		"{\"contexts\":[]}",
		"{\"instances\":{\"name\":\"prod\"}}",
		"[]",
	};
	char opt[600];
	size_t i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		const char *config = write_file("bad.json", bad[i], 0600);
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt), "config=%s", config);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		FAILS(&c, "bad.json");
		conf_release(&c);
		cmd_release(&m);
	}
}

static void test_config_explicit_path_missing(void)
{
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	snprintf(opt, sizeof(opt), "config=%s", tpath("absent.json"));
	CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
	FAILS(&c, "absent.json");
	conf_release(&c);
	cmd_release(&m);
}

static void test_nothing_configured(void)
{
	struct cmd m;
	struct conf c;

	env_reset();
	CHECK_INT(PARSE(&m, &c, "/mnt/c"), 0);
	FAILS(&c, "COOLIFY_URL");
	CHECK(c.url == NULL);
	CHECK(c.token == NULL);
	conf_release(&c);
	cmd_release(&m);

	/* A URL but no token. */
	CHECK_INT(PARSE(&m, &c, "https://c.example.com", "/mnt/c"), 0);
	FAILS(&c, "oken");
	conf_release(&c);
	cmd_release(&m);
}

static void test_bad_url_refused(void)
{
	static const char *const bad[] = { "ftp://c.example.com",
					   "c.example.com", "file:///etc" };
	size_t i;

	for (i = 0; i < N_ELEMS(bad); i++) {
		const char *token = write_file("token", "1|filetoken\n", 0600);
		char opt[600];
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt), "url=%s,token_file=%s", bad[i],
			 token);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		FAILS(&c, bad[i]);
		conf_release(&c);
		cmd_release(&m);
	}
	/* A context whose fqdn is not http(s). */
	{
		static const char json[] =
		    "{\"instances\":[{\"fqdn\":\"c.example.com\","
		    "\"name\":\"x\",\"token\":\"1|prodtoken\","
		    "\"default\":true}]}";
		const char *config =
		    write_file("config-badurl.json", json, 0600);
		char opt[600];
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt), "config=%s", config);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		FAILS(&c, "fqdn");
		conf_release(&c);
		cmd_release(&m);
	}
	/* http:// is allowed (a local instance), in any case. */
	{
		const char *token = write_file("token", "1|filetoken\n", 0600);
		char opt[600];
		struct cmd m;
		struct conf c;

		env_reset();
		snprintf(opt, sizeof(opt),
			 "url=HTTP://127.0.0.1:8000,token_file=%s", token);
		CHECK_INT(PARSE(&m, &c, "/mnt/c", "-o", opt), 0);
		RESOLVES(&c, "HTTP://127.0.0.1:8000", "1|filetoken");
		conf_release(&c);
		cmd_release(&m);
	}
}

static void test_release_wipes(void)
{
	const char *token = write_file("token", "1|filetoken\n", 0600);
	char opt[600];
	struct cmd m;
	struct conf c;

	env_reset();
	snprintf(opt, sizeof(opt), "url=https://c.example.com,token_file=%s",
		 token);
	CHECK_INT(PARSE(&m, &c, "src", "/mnt/c", "-o", opt), 0);
	RESOLVES(&c, "https://c.example.com", "1|filetoken");
	conf_release(&c);
	CHECK(c.token == NULL);
	CHECK(c.url == NULL);
	CHECK(c.source == NULL);
	CHECK(c.mountpoint == NULL);
	/* Twice is harmless. */
	conf_release(&c);
	cmd_release(&m);
}

static void test_mode_too_open(void)
{
	CHECK(!conf_mode_too_open(0600));
	CHECK(!conf_mode_too_open(0400));
	CHECK(!conf_mode_too_open(0700));
	CHECK(!conf_mode_too_open(0200));
	CHECK(!conf_mode_too_open(S_IFREG | 0600));
	CHECK(!conf_mode_too_open(S_IFREG | S_ISUID | 0600));
	CHECK(conf_mode_too_open(0644));
	CHECK(conf_mode_too_open(0640));
	CHECK(conf_mode_too_open(0604));
	CHECK(conf_mode_too_open(0620));
	CHECK(conf_mode_too_open(0602));
	CHECK(conf_mode_too_open(0610));
	CHECK(conf_mode_too_open(0601));
	CHECK(conf_mode_too_open(S_IFREG | 0666));
	CHECK(conf_mode_too_open(0777));
}

static const struct check_test tests[] = {
	CHECK_TEST(test_parse_defaults),
	CHECK_TEST(test_parse_source_and_mountpoint),
	CHECK_TEST(test_parse_positionals_not_left_for_fuse),
	CHECK_TEST(test_parse_third_argument_refused),
	CHECK_TEST(test_parse_options),
	CHECK_TEST(test_parse_last_option_wins),
	CHECK_TEST(test_parse_cache_ttl_zero),
	CHECK_TEST(test_parse_bad_number_fails),
	CHECK_TEST(test_parse_fstab_noise_discarded),
	CHECK_TEST(test_parse_ro_and_allow_other_go_to_fuse_too),
	CHECK_TEST(test_parse_fuse_flags_kept),
	CHECK_TEST(test_parse_help_and_version),
	CHECK_TEST(test_token_on_command_line_refused),
	CHECK_TEST(test_token_file),
	CHECK_TEST(test_token_file_read_only_mode_ok),
	CHECK_TEST(test_token_file_empty_refused),
	CHECK_TEST(test_token_file_readable_by_others_refused),
	CHECK_TEST(test_token_file_missing),
	CHECK_TEST(test_env_url_and_token),
	CHECK_TEST(test_empty_env_is_unset),
	CHECK_TEST(test_url_precedence),
	CHECK_TEST(test_token_precedence),
	CHECK_TEST(test_context_precedence),
	CHECK_TEST(test_option_context_beats_env_url),
	CHECK_TEST(test_named_context_token_not_sent_elsewhere),
	CHECK_TEST(test_config_mode_checked),
	CHECK_TEST(test_config_found_under_xdg_config_home),
	CHECK_TEST(test_config_found_under_home),
	CHECK_TEST(test_config_missing_context),
	CHECK_TEST(test_config_without_default),
	CHECK_TEST(test_config_token_for_url),
	CHECK_TEST(test_config_context_without_token),
	CHECK_TEST(test_config_malformed),
	CHECK_TEST(test_config_explicit_path_missing),
	CHECK_TEST(test_nothing_configured),
	CHECK_TEST(test_bad_url_refused),
	CHECK_TEST(test_release_wipes),
	CHECK_TEST(test_mode_too_open),
};

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes what the tests wrote under tmpdir. */
static void cleanup(void)
{
	if (nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS))
		printf("# could not remove %s\n", tmpdir);
}

int main(int argc, char **argv)
{
	int rc;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	umask(077);
	rc = check_run(tests, N_ELEMS(tests), argc, argv);
	cleanup();
	return rc;
}
