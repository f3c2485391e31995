#include "fuse/mount.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/instance.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "cache/saved.h"
#include "tree/kind_top.h"
#include "tree/tree.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mount_fs_init(struct cfs *fs, struct cfs_mount *m)
{
	fs->mount = m;
	fs->uid = getuid();
	fs->gid = getgid();
	fs->mount_time = time(NULL);
	if (!fs->prefix)
		fs->prefix = xstrdup("");
	logs_init(&fs->logs);
	shadows_init(&fs->shadows);
	pending_init(&fs->pending, fh_free);
	refused_init(&fs->refused);
	pthread_mutex_init(&fs->handles_lock, NULL);
	pthread_mutex_init(&fs->up_lock, NULL);
	sizes_init(&fs->sizes);
	prefetch_init(&fs->prefetch);
}

int mount_ctx_init(struct cfs *fs)
{
	if (http_init(&fs->api.http, fs->conf.url, fs->conf.token,
		      fs->conf.cacert, fs->conf.timeout))
		return -EINVAL;
	fs->api.cache_ttl = fs->conf.cache_ttl;
	/* SIGHUP drops every context's cache (SPEC §4, §7): they all
	 * watch the one count main() keeps. */
	cache_init(&fs->api.cache, fs->mount->hup_count);
	gone_init(&fs->api.gone);
	saved_init(&fs->api.saved);
	return 0;
}

void mount_fs_release(struct cfs *fs)
{
	pthread_mutex_destroy(&fs->handles_lock);
	pthread_mutex_destroy(&fs->up_lock);
	sizes_release(&fs->sizes);
	prefetch_release(&fs->prefetch);
	pending_release(&fs->pending);
	refused_release(&fs->refused);
	shadows_release(&fs->shadows);
	logs_release(&fs->logs);
	if (fs->api.http.base) { /* mount_ctx_init made it */
		gone_release(&fs->api.gone);
		saved_release(&fs->api.saved);
		cache_release(&fs->api.cache);
		http_release(&fs->api.http);
	}
	free(fs->version);
	free(fs->name);
	free(fs->prefix);
	conf_release(&fs->conf);
}

static void version_free(void *p)
{
	free(p);
}

static void ctx_workers_start(struct cfs *fs)
{
	/* With cache_ttl=0 nothing fetched ahead could be used. */
	if (fs->conf.cache_ttl)
		prefetch_start(&fs->prefetch, &fs->api);
	if (http_probe_start(&fs->api.http))
		log_info("no probe thread: a down instance is asked again "
			 "every few seconds");
}

/* The instance answered with version (taken): fs's tree can be walked. */
static void ctx_up(struct cfs *fs, char *version, bool start)
{
	fs->version = xstrdup(version);
	fs->api.current_api = instance_version_current(version);
	/* The check already asked for the version: keep the answer. */
	cache_store(&fs->api.cache, "/version", version, version_free);
	if (start)
		ctx_workers_start(fs);
	__atomic_store_n(&fs->up, true, __ATOMIC_RELEASE);
}

struct check_job {
	struct cfs *fs;
	pthread_t thread;
	bool started;
	int rc;
	char *version;
	struct buf why;
};

static void *check_main(void *arg)
{
	struct check_job *j = arg;

	j->rc = instance_check(&j->fs->api.http, j->fs->conf.url, &j->version,
			       &j->why);
	return NULL;
}

size_t mount_check(struct cfs_mount *m, struct buf *why)
{
	struct check_job *jobs = xcalloc(m->n, sizeof(*jobs));
	size_t i, up = 0;

	/* At once: a context that hangs costs the mount one timeout, not
	 * one per context. */
	for (i = 0; i < m->n; i++) {
		jobs[i].fs = &m->ctx[i];
		buf_init(&jobs[i].why, 0);
		jobs[i].started =
		    m->n > 1 && !pthread_create(&jobs[i].thread, NULL,
						check_main, &jobs[i]);
		if (!jobs[i].started)
			check_main(&jobs[i]);
	}
	for (i = 0; i < m->n; i++) {
		struct check_job *j = &jobs[i];

		if (j->started)
			pthread_join(j->thread, NULL);
		if (!j->rc) {
			ctx_up(j->fs, j->version, false);
			up++;
		} else {
			if (why->len)
				buf_addch(why, '\n');
			if (j->fs->name)
				buf_addf(why, "context \"%s\": ",
					 j->fs->conf.instance);
			buf_add(why, j->why.buf, j->why.len);
		}
		buf_release(&j->why);
	}
	free(jobs);
	return up;
}

void mount_start(struct cfs_mount *m, bool (*interrupted)(void))
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		m->ctx[i].api.http.interrupted = interrupted;
		if (kind_top_ctx_up(&m->ctx[i]))
			ctx_workers_start(&m->ctx[i]);
	}
	m->running = true;
}

void mount_stop(struct cfs_mount *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct cfs *fs = &m->ctx[i];

		prefetch_stop(&fs->prefetch);
		http_probe_stop(&fs->api.http);
		log_debug("%s%srequests sent: %lu; cache hits %lu, misses "
			  "%lu, stale %lu; prefetches run: %lu",
			  fs->name ? fs->name : "", fs->name ? ": " : "",
			  fs->api.http.sent, fs->api.cache.hits,
			  fs->api.cache.misses, fs->api.cache.stale,
			  fs->prefetch.done);
	}
}

bool mount_is_top(const struct cfs *fs)
{
	return fs == &fs->mount->top;
}

struct cfs *mount_fs(struct cfs_mount *m, const char *path, const char **rest)
{
	const char *p = path + strspn(path, "/");
	size_t len = strcspn(p, "/"), i;

	if (rest)
		*rest = path;
	if (!m->multi)
		return &m->ctx[0];
	for (i = 0; len && i < m->n; i++) {
		if (strlen(m->ctx[i].name) == len &&
		    !memcmp(m->ctx[i].name, p, len)) {
			if (rest)
				*rest = p + len;
			return &m->ctx[i];
		}
	}
	return &m->top;
}

/* Asks a context that is not up whether its instance answers now, at
 * most once every MOUNT_RETRY_MS and by one thread at a time (the
 * others see it as it was). Returns whether it is up. */
static bool ctx_wake(struct cfs *fs)
{
	struct buf why = BUF_INIT;
	char *version = NULL;
	bool asking;
	int rc;

	if (kind_top_ctx_up(fs))
		return true;
	pthread_mutex_lock(&fs->up_lock);
	asking = !fs->waking && now_ms() >= fs->retry_ms;
	if (asking)
		fs->waking = true;
	pthread_mutex_unlock(&fs->up_lock);
	if (!asking)
		return false;
	/* Unlocked while asking (STYLE §7). */
	rc = instance_check(&fs->api.http, fs->conf.url, &version, &why);
	if (rc) {
		log_error("context \"%s\": %s; shown empty, asked again at "
			  "a lookup after %d s",
			  fs->conf.instance, why.buf, MOUNT_RETRY_MS / 1000);
	} else {
		log_info("context \"%s\": %s answers (%s): mounted",
			 fs->conf.instance, fs->conf.url, version);
		ctx_up(fs, version, fs->mount->running);
	}
	pthread_mutex_lock(&fs->up_lock);
	fs->waking = false;
	fs->retry_ms = now_ms() + MOUNT_RETRY_MS;
	pthread_mutex_unlock(&fs->up_lock);
	buf_release(&why);
	return !rc;
}

/* "/" and "/ctl": the top's own. */
static int top_resolve(struct cfs_mount *m, const char *path, struct node *n)
{
	const char *p = path + strspn(path, "/");
	size_t len = strcspn(p, "/");
	char name[sizeof(n->id.name)];
	int rc;

	node_root(n, &m->top);
	n->kind = &kind_top;
	if (!len)
		return 0;
	if (len >= sizeof(name))
		return -ENAMETOOLONG;
	memcpy(name, p, len);
	name[len] = '\0';
	rc = n->kind->lookup(n, name);
	if (!rc && p[len + strspn(p + len, "/")])
		rc = -ENOTDIR; /* below ctl */
	if (!rc)
		memcpy(n->id.name, name, len + 1);
	return rc;
}

int mount_resolve(struct cfs_mount *m, const char *path, struct node *n)
{
	const char *rest;
	struct cfs *fs = mount_fs(m, path, &rest);

	if (fs == &m->top)
		return top_resolve(m, path, n);
	if (m->multi && !ctx_wake(fs)) {
		if (rest[strspn(rest, "/")])
			return -ENOENT;
		node_root(n, fs);
		n->kind = &kind_ctx_down;
		return 0;
	}
	return tree_resolve(fs, rest, n);
}
