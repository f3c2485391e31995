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
#include "api/instance.h"
#include "base/log.h"
#include "fuse/ops.h"
#include "tree/node.h"
#include "base/xalloc.h"

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

/* GET /version, the cheapest call that needs a valid token (NOTES §13).
 * Returns 0 and the version (caller frees), or -1 after printing one
 * line that names the cause. */
static int check_instance(struct cfs *fs, char **version)
{
	const char *url = fs->conf.url;
	struct http_response resp;
	struct buf msg = BUF_INIT;
	int rc;

	http_response_init(&resp);
	rc = http_call(&fs->api.http, "GET", "/version", NULL, HTTP_QUIET,
		       &resp);
	if (resp.status)
		http_api_message(&resp, &msg);
	/* NOTES §13: Coolify answers plain text; the official spec says a
	 * JSON string. Either is a version; a web page is not. */
	if (!rc) {
		rc = instance_version_parse(resp.body.buf, resp.body.len,
					    version);
		if (rc)
			fprintf(stderr,
				"coolifyfs: %s does not answer like a Coolify "
				"API (GET /api/v1/version gave no version)\n",
				url);
	} else if (resp.status == 401) {
		fprintf(stderr, "coolifyfs: %s refused the token (401 %s)\n",
			url, msg.buf);
	} else if (resp.status == 403 && strstr(msg.buf, "disabled")) {
		fprintf(stderr,
			"coolifyfs: the API of %s is disabled (403 %s); "
			"enable it in Settings > Advanced\n",
			url, msg.buf);
	} else if (resp.status == 403) {
		fprintf(stderr, "coolifyfs: %s denied access (403 %s)\n", url,
			msg.buf);
	} else if (resp.status == 404) {
		fprintf(stderr,
			"coolifyfs: %s is not a Coolify API (GET "
			"/api/v1/version: 404)\n",
			url);
	} else if (resp.status) {
		fprintf(stderr, "coolifyfs: %s answered %ld %s\n", url,
			resp.status, msg.buf);
	} else if (rc == -ECONNREFUSED) {
		fprintf(stderr,
			"coolifyfs: cannot reach %s: connection refused\n",
			url);
	} else if (rc == -EHOSTUNREACH) {
		fprintf(stderr, "coolifyfs: cannot reach %s: %s\n", url,
			resp.error[0] ? resp.error : "host unreachable");
	} else if (rc == -ETIMEDOUT) {
		fprintf(stderr, "coolifyfs: %s did not answer within %u s\n",
			url, fs->conf.timeout);
	} else {
		fprintf(stderr, "coolifyfs: cannot reach %s: %s\n", url,
			resp.error[0] ? resp.error : strerror(-rc));
	}
	buf_release(&msg);
	http_response_release(&resp);
	return rc ? -1 : 0;
}

static void version_free(void *p)
{
	free(p);
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

static int serve(struct cfs *fs, struct fuse_args *args,
		 struct fuse_cmdline_opts *opts)
{
	struct fuse_loop_config *loop;
	struct fuse *fuse;
	int rc = 1;

	fuse = fuse_new(args, &cfs_ops, sizeof(cfs_ops), fs);
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

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct buf err = BUF_INIT;
	struct cfs fs;
	char *version = NULL;
	int rc = 1;

	memset(&fs, 0, sizeof(fs));
	memset(&opts, 0, sizeof(opts));
	if (conf_parse(&args, &fs.conf))
		goto out_args;
	if (fs.conf.show_version) {
		printf("coolifyfs %s\nFUSE library version %s\n", CFS_VERSION,
		       fuse_pkgversion());
		rc = 0;
		goto out_args;
	}
	if (fs.conf.show_help) {
		conf_usage(argv[0]);
		fuse_cmdline_help();
		fuse_lib_help(&args);
		rc = 0;
		goto out_args;
	}
	if (!fs.conf.mountpoint) {
		fprintf(stderr,
			"coolifyfs: no mountpoint given (see --help)\n");
		goto out_args;
	}
	if (conf_resolve(&fs.conf, &err)) {
		fprintf(stderr, "coolifyfs: %s\n", err.buf);
		goto out_args;
	}
	fuse_opt_add_arg(&args, fs.conf.mountpoint);
	fuse_opt_add_arg(&args, "-osubtype=coolifyfs,fsname=coolifyfs");
	/* allow_other without permission checks would hand every local
	 * user the token's access (research/fuse-anchors.md §A6). */
	if (fs.conf.allow_other)
		fuse_opt_add_arg(&args, "-odefault_permissions");
	if (fuse_parse_cmdline(&args, &opts))
		goto out_args;
	log_init(opts.foreground, opts.debug);

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (http_init(&fs.api.http, fs.conf.url, fs.conf.token, fs.conf.cacert,
		      fs.conf.timeout)) {
		fprintf(stderr, "coolifyfs: bad URL \"%s\"\n", fs.conf.url);
		goto out_curl;
	}
	if (check_instance(&fs, &version))
		goto out_http;
	fs.version = xstrdup(version);
	fs.api.current_api = instance_version_current(version);
	fs.api.cache_ttl = fs.conf.cache_ttl;
	fs.uid = getuid();
	fs.gid = getgid();
	fs.mount_time = time(NULL);
	cache_init(&fs.api.cache, &hup_count);
	logs_init(&fs.logs);
	shadows_init(&fs.shadows);
	pending_init(&fs.pending, fh_free);
	refused_init(&fs.refused);
	pthread_mutex_init(&fs.handles_lock, NULL);
	gone_init(&fs.api.gone);
	saved_init(&fs.api.saved);
	sizes_init(&fs.sizes);
	prefetch_init(&fs.prefetch);
	/* The check already asked for the version: keep the answer. */
	cache_store(&fs.api.cache, "/version", version, version_free);

	rc = serve(&fs, &args, &opts);

	ops_release_handles(&fs);
	pthread_mutex_destroy(&fs.handles_lock);
	gone_release(&fs.api.gone);
	saved_release(&fs.api.saved);
	sizes_release(&fs.sizes);
	prefetch_release(&fs.prefetch);
	pending_release(&fs.pending);
	refused_release(&fs.refused);
	shadows_release(&fs.shadows);
	logs_release(&fs.logs);
	cache_release(&fs.api.cache);
	free(fs.version);
out_http:
	http_release(&fs.api.http);
out_curl:
	curl_global_cleanup();
out_args:
	free(opts.mountpoint);
	buf_release(&err);
	conf_release(&fs.conf);
	fuse_opt_free_args(&args);
	return rc;
}
