/* coolifyfs: mounts a Coolify instance as a directory tree.
 *
 * main() reads the configuration, asks the instance once whether it will
 * talk to us (so that a bad URL or token fails here, with a message, and
 * not later as an empty mount), then mounts and serves. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>

#include "cfs.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "fuse/mount.h"
#include "fuse/ops.h"
#include "model/names.h"

/* SIGHUP drops the caches (SPEC §4): the handler only counts, and the
 * cache compares the count on its next use. */
static volatile sig_atomic_t hup_count;

static void on_hup(int sig)
{
	(void)sig;
	hup_count++;
}

/* Replaces libfuse's SIGHUP handler, which would unmount (rclone and
 * sshfs users expect HUP to mean "reload"). */
static void install_hup_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
}

/* The exit status for what the FUSE loop returned: 0 at unmount, the
 * signal's number when SIGTERM or SIGINT ended it (libfuse's handler),
 * else an error. A stop asked for is a clean exit: systemd stops
 * coolifyfs@.service with SIGTERM once fusermount3 -u -z has detached a
 * mount still in use, and would count 1 as the unit failing. */
static int loop_status(int res)
{
	return res == 0 || res == SIGTERM || res == SIGINT ? 0 : 1;
}

static int serve(struct cfs_mount *m, struct fuse_args *args,
		 struct fuse_cmdline_opts *opts)
{
	struct fuse_loop_config *loop;
	struct fuse *fuse;
	int rc = 1;

	fuse = fuse_new(args, &cfs_ops, sizeof(cfs_ops), m);
	if (!fuse)
		return 1;
	if (fuse_mount(fuse, opts->mountpoint))
		goto out_destroy;
	if (fuse_set_signal_handlers(fuse_get_session(fuse)))
		goto out_unmount;
	install_hup_handler();
	if (fuse_daemonize(opts->foreground))
		goto out_signals;
	if (opts->singlethread) {
		rc = loop_status(fuse_loop(fuse));
	} else {
		loop = fuse_loop_cfg_create();
		fuse_loop_cfg_set_clone_fd(loop, opts->clone_fd);
		fuse_loop_cfg_set_max_threads(loop, opts->max_threads);
		/* A walk sends one request at a time: with libfuse's ten
		 * idle threads each request wakes a different one, cold in
		 * cache and contending for the device's wait queue, which
		 * cost a warm `ls -lR` half its time. Two stay warm and are
		 * never made and ended per request (one would be: the
		 * reader starts a spare as it takes a request). */
		fuse_loop_cfg_set_idle_threads(
		    loop, opts->max_idle_threads == UINT_MAX
			      ? 2
			      : opts->max_idle_threads);
		rc = loop_status(fuse_loop_mt(fuse, loop));
		fuse_loop_cfg_destroy(loop);
	}
out_signals:
	fuse_remove_signal_handlers(fuse_get_session(fuse));
out_unmount:
	fuse_unmount(fuse);
out_destroy:
	fuse_destroy(fuse);
	return rc;
}

/* Prints each line of text (lines end with a newline) on stderr. */
static void print_lines(const char *text)
{
	const char *nl;

	for (; (nl = strchr(text, '\n')); text = nl + 1)
		fprintf(stderr, "coolifyfs: %.*s\n", (int)(nl - text), text);
}

/* The contexts that did not answer the mount check, one line each: in
 * the log, and on the terminal too when the log is syslog. */
static void report_down(const char *lines, bool foreground)
{
	char *copy = xstrdup(lines), *p = copy, *line;

	while ((line = strsep(&p, "\n"))) {
		log_error("%s; shown empty, asked again at the next lookup",
			  line);
		if (!foreground)
			fprintf(stderr,
				"coolifyfs: %s; shown empty, asked again at "
				"the next lookup\n",
				line);
	}
	free(copy);
}

/* The contexts of the mount, each with its conf (from c, which is
 * taken) and its client: 0, or -1 after printing why. */
static int make_contexts(struct cfs_mount *m, struct conf *c)
{
	struct buf err = BUF_INIT, notes = BUF_INIT;
	struct conf *confs = NULL;
	size_t i, n = 1;
	int rc = -1;

	m->multi = conf_multi(c);
	if (m->multi) {
		if (conf_contexts(c, &confs, &n, &notes, &err))
			goto out;
	} else if (conf_resolve(c, &err)) {
		goto out;
	}
	/* The top's options are the contexts' (read-only, owner...). */
	m->top.conf.ro = c->ro;
	m->top.conf.cache_ttl = c->cache_ttl;
	m->ctx = xcalloc(n, sizeof(*m->ctx));
	m->n = n;
	if (!m->multi) {
		m->ctx[0].conf = *c;
		memset(c, 0, sizeof(*c));
	}
	for (i = 0; i < n; i++) {
		struct cfs *fs = &m->ctx[i];

		if (m->multi) {
			fs->conf = confs[i];
			fs->name = name_escape(fs->conf.instance);
			fs->prefix = xasprintf("/%s", fs->name);
		}
		mount_fs_init(fs, m);
	}
	for (i = 0; i < n; i++) {
		struct cfs *fs = &m->ctx[i];

		/* The top's own entry keeps its name (SPEC §7). */
		if (fs->name && !strcmp(fs->name, "ctl")) {
			buf_adds(&err,
				 "a context named \"ctl\" cannot be shown "
				 "beside the top ctl: rename it in the "
				 "CLI config");
			goto out;
		}
		if (mount_ctx_init(fs)) {
			buf_addf(&err, "bad URL \"%s\"", fs->conf.url);
			goto out;
		}
	}
	rc = 0;
out:
	print_lines(notes.buf);
	if (rc)
		fprintf(stderr, "coolifyfs: %s\n", err.buf);
	free(confs);
	buf_release(&notes);
	buf_release(&err);
	return rc;
}

static void release_contexts(struct cfs_mount *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		ops_release_handles(&m->ctx[i]);
		mount_fs_release(&m->ctx[i]);
	}
	free(m->ctx);
	ops_release_handles(&m->top);
	mount_fs_release(&m->top);
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct buf why = BUF_INIT;
	struct cfs_mount m;
	struct conf conf;
	size_t up;
	int rc = 1;

	memset(&m, 0, sizeof(m));
	memset(&opts, 0, sizeof(opts));
	m.hup_count = &hup_count;
	if (conf_parse(&args, &conf))
		goto out_args;
	if (conf.show_version) {
		printf("coolifyfs %s\nFUSE library version %s\n", CFS_VERSION,
		       fuse_pkgversion());
		rc = 0;
		goto out_args;
	}
	if (conf.show_help) {
		conf_usage(argv[0]);
		fuse_cmdline_help();
		fuse_lib_help(&args);
		rc = 0;
		goto out_args;
	}
	if (!conf.mountpoint) {
		fprintf(stderr,
			"coolifyfs: no mountpoint given (see --help)\n");
		goto out_args;
	}
	fuse_opt_add_arg(&args, conf.mountpoint);
	fuse_opt_add_arg(&args, "-osubtype=coolifyfs,fsname=coolifyfs");
	/* allow_other without permission checks would hand every local
	 * user the token's access (research/fuse-anchors.md §A6). */
	if (conf.allow_other)
		fuse_opt_add_arg(&args, "-odefault_permissions");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	mount_fs_init(&m.top, &m);
	if (make_contexts(&m, &conf))
		goto out_contexts;
	if (fuse_parse_cmdline(&args, &opts))
		goto out_contexts;
	log_init(opts.foreground, opts.debug);

	/* One context must answer, as a mount of one must (SPEC §1); of
	 * several, the others are empty until they do (SPEC §7). */
	up = mount_check(&m, &why);
	if (!up) {
		buf_addch(&why, '\n');
		print_lines(why.buf);
		goto out_contexts;
	}
	if (why.len)
		report_down(why.buf, opts.foreground);

	rc = serve(&m, &args, &opts);

out_contexts:
	release_contexts(&m);
	curl_global_cleanup();
out_args:
	free(opts.mountpoint);
	buf_release(&why);
	conf_release(&conf);
	fuse_opt_free_args(&args);
	return rc;
}
