/* The command line, the environment and the Coolify CLI's config.json
 * -> conf_parse and conf_resolve (SPEC §1).
 *
 * Input, in NUL-separated parts: a flags byte; the arguments (words
 * separated by spaces); the config file; the token file; and the
 * environment (COOLIFY_URL, COOLIFY_TOKEN, COOLIFY_CONTEXT, one a line).
 * The files are written into a private home directory, which is also
 * the working directory (so "token_file=token" and "config=cfg.json"
 * name them), mode 0600 unless the flags say otherwise.
 *
 * A resolved configuration has an http(s) URL and a token; a refusal
 * has a reason, which never holds the token. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "api/http.h"
#include "fuzz.h"

#define MAX_ARGS 32

enum {
	CONFIG_OPEN = 1 << 0, /* config.json readable by others */
	TOKEN_OPEN = 1 << 1,  /* token file readable by group */
	NO_TOKEN_FILE = 1 << 2,
	NO_CONFIG = 1 << 3,
	CONFIG_AT_CFG = 1 << 4, /* config at ./cfg.json, not the default */
};

static char home[4096];
static char progname[] = "coolifyfs";

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(home, sizeof(home), "%s/coolifyfs-fuzz-conf.%d",
		 tmp && *tmp ? tmp : "/tmp", (int)getpid());
	mkdir(home, 0700);
	if (chdir(home))
		abort();
	mkdir(".config", 0700);
	mkdir(".config/coolify", 0700);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	return 0;
}

static void put_file(const char *path, const char *text, mode_t mode,
		     int absent)
{
	int fd;

	unlink(path);
	if (absent)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	if (write(fd, text, strlen(text)) < 0)
		abort();
	fchmod(fd, mode);
	close(fd);
}

static void set_env(const char *name, char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

/* The token as conf.c reads a token file (the first non-blank line,
 * trimmed), when it is long enough to judge; else NULL. */
static char *file_token(const char *file)
{
	const char *start = file + strspn(file, " \t\r\n");
	size_t len = strcspn(start, "\r\n");

	while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	return len < 8 ? NULL : strndup(start, len);
}

/* One run of conf_parse and conf_resolve over the input's parts (copied
 * where they are cut up), checking what every answer must hold; the
 * refusal's reason goes to err. Returns conf_resolve's result, or 0
 * when nothing was resolved (help, version, a parse error). */
static int run_once(int flags, const char *words_in, const char *config,
		    const char *token, const char *env_in, struct buf *err)
{
	char *argv[MAX_ARGS + 2], *words = strdup(words_in),
				  *env = strdup(env_in), *w, *save;
	char *env_url, *env_token = NULL, *env_ctx = NULL;
	struct fuse_args args;
	struct conf c;
	int argc = 0, rc;

	put_file(flags & CONFIG_AT_CFG ? "cfg.json"
				       : ".config/coolify/config.json",
		 config, flags & CONFIG_OPEN ? 0644 : 0600, flags & NO_CONFIG);
	put_file("token", token, flags & TOKEN_OPEN ? 0640 : 0600,
		 flags & NO_TOKEN_FILE);
	env_url = strtok_r(env, "\n", &save);
	env_token = env_url ? strtok_r(NULL, "\n", &save) : NULL;
	env_ctx = env_token ? strtok_r(NULL, "\n", &save) : NULL;
	set_env("COOLIFY_URL", env_url);
	set_env("COOLIFY_TOKEN", env_token);
	set_env("COOLIFY_CONTEXT", env_ctx);

	argv[argc++] = progname;
	for (w = strtok_r(words, " ", &save); w && argc < MAX_ARGS;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	args = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);

	buf_reset(err);
	rc = conf_parse(&args, &c);
	if (!rc && !c.show_help && !c.show_version) {
		rc = conf_resolve(&c, err);
		FUZZ_ASSERT(rc == 0 || rc == -1);
		if (!rc) {
			/* A URL the client takes: libcurl's parser decides,
			 * and it takes "https:/host" as https://host/. */
			FUZZ_ASSERT(c.url && http_url_ok(c.url));
			FUZZ_ASSERT(c.token && *c.token);
		} else {
			FUZZ_ASSERT(err->len);
		}
	} else {
		rc = 0;
	}
	conf_release(&c);
	fuse_opt_free_args(&args);
	free(words);
	free(env);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_split in = { data, data + size };
	char *words, *config, *token, *env, *tok = NULL;
	struct buf err = BUF_INIT, again = BUF_INIT;
	int flags;

	if (!size)
		return 0;
	flags = data[0];
	in.p++;
	words = fuzz_next(&in, '\0');
	config = fuzz_next(&in, '\0');
	token = fuzz_next(&in, '\0');
	env = fuzz_next(&in, '\0');
	if (!words || !config || !token || !env)
		goto out_free;

	/* A refusal never quotes the token file's token, unless the same
	 * text came from somewhere that is not secret, or is the message's
	 * own wording (a token file holding "token_fil" is quoted by any
	 * message naming token_file=): the same run with another token
	 * must then say it too. */
	if (run_once(flags, words, config, token, env, &err) &&
	    (tok = file_token(token)) && strstr(err.buf, tok) &&
	    !strstr(words, tok) && !strstr(config, tok) && !strstr(env, tok)) {
		run_once(flags, words, config, "Zq#9\x01other-secret\x02#", env,
			 &again);
		FUZZ_ASSERT(strstr(again.buf, tok));
	}
out_free:
	buf_release(&err);
	buf_release(&again);
	free(tok);
	free(words);
	free(config);
	free(token);
	free(env);
	return 0;
}
