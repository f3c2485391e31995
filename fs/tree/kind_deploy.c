/* Deployments as directories (SPEC §2, §3): an application's
 * deployments/ (its newest DEPLOY_PAGE, newest first, and `latest`), the
 * root's deployments/ (those queued and running), and in each deployment
 * its status, log and deployment.json. The data is in deployments.h.
 *
 * A deployment's directory has the time it was created as its mtime, so
 * `ls -t` lists newest first. While a deployment runs, its status is
 * asked for again every few seconds and its log grows like a container's
 * (logs.h), so `tail -f deployments/latest/log` follows a build. On
 * current Coolify each deployment has a ctl too: `echo cancel > ctl`
 * (deploy_ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "api/deploy_ctl.h"
#include "api/deployments.h"
#include "tree/ctlfile.h"
#include "base/log.h"
#include "model/logs.h"
#include "tree/node.h"
#include "api/prefetch.h"
#include "api/store.h"
#include "base/xalloc.h"

extern const struct node_kind kind_deploy_status;
extern const struct node_kind kind_deploy_log;
extern const struct node_kind kind_deploy_json;
extern const struct node_kind kind_deploy_latest;
extern const struct node_kind kind_deploy_ctl;

static const struct deploy_item *item_of(const struct node *n)
{
	return n->obj;
}

/* ---- the lists ---- */

static int add_items(const struct node *dir, const struct deploy_list *l,
		     struct dir_fill *fill)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct node c = node_child(dir, &kind_deployment);

		c.obj = &l->v[i];
		if (dir_add(fill, l->v[i].uuid, &c))
			return 1;
	}
	return 0;
}

static int deploy_dir_list(const struct node *dir, struct dir_fill *fill)
{
	const struct deploy_list *l;
	struct cval *v;
	int rc;

	/* Before our own request, so that the next ones overlap it. */
	prefetch_after(&dir->fs->prefetch, PREFETCH_DEPLOYS, dir->res);
	rc = deploy_store_page(&dir->fs->api, dir->res->uuid, &v);
	if (rc)
		return rc;
	l = v->data;
	if (!add_items(dir, l, fill) && l->n) {
		struct node c = node_child(dir, &kind_deploy_latest);

		c.obj = &l->v[0];
		dir_add(fill, "latest", &c);
	}
	cval_put(v);
	return 0;
}

/* Whether name can be a deployment's uuid: asking the API for every name
 * a tool probes (.git, *.swp) would cost a request and a log line. */
static bool uuid_shaped(const char *name)
{
	size_t n = strlen(name);

	return n >= 7 && n <= 64 &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

static int deploy_dir_lookup(struct node *n, const char *name)
{
	const struct deploy_item *d;
	const struct deploy_list *l;
	struct cval *v;
	int rc;

	rc = deploy_store_page(&n->fs->api, n->res->uuid, &v);
	if (rc)
		return rc;
	l = v->data;
	if (!strcmp(name, "latest") && l->n) {
		node_hold(n, v);
		n->obj = &l->v[0];
		n->kind = &kind_deploy_latest;
		return 0;
	}
	d = deploy_list_find(l, name);
	if (!d) {
		/* Older than the page: the API finds any deployment by its
		 * uuid; it must be this application's. */
		cval_put(v);
		if (!uuid_shaped(name))
			return -ENOENT;
		rc = deploy_store_one(&n->fs->api, name, false, &v);
		if (rc)
			return rc;
		d = deploy_list_find(v->data, name);
		if (!d || !d->app_uuid || strcmp(d->app_uuid, n->res->uuid)) {
			cval_put(v);
			return -ENOENT;
		}
	}
	node_hold(n, v);
	n->obj = d;
	n->kind = &kind_deployment;
	return 0;
}

const struct node_kind kind_deploy_dir = {
	.name = "deploy-dir",
	.type = S_IFDIR,
	.list = deploy_dir_list,
	.lookup = deploy_dir_lookup,
};

static int deploy_active_list(const struct node *dir, struct dir_fill *fill)
{
	struct cval *v;
	int rc;

	rc = deploy_store_active(&dir->fs->api, &v);
	if (rc)
		return rc;
	add_items(dir, v->data, fill);
	cval_put(v);
	return 0;
}

static int deploy_active_lookup(struct node *n, const char *name)
{
	const struct deploy_item *d;
	struct cval *v;
	int rc;

	rc = deploy_store_active(&n->fs->api, &v);
	if (rc)
		return rc;
	d = deploy_list_find(v->data, name);
	if (!d) {
		/* Listed while it runs, found by name after: a deployment
		 * that was just cancelled (or has just ended) still shows
		 * its status and log to whoever names it. */
		cval_put(v);
		if (!uuid_shaped(name))
			return -ENOENT;
		rc = deploy_store_one(&n->fs->api, name, false, &v);
		if (rc)
			return rc;
		d = deploy_list_find(v->data, name);
		if (!d) {
			cval_put(v);
			return -ENOENT;
		}
	}
	node_hold(n, v);
	n->obj = d;
	n->kind = &kind_deployment;
	return 0;
}

const struct node_kind kind_deploy_active = {
	.name = "deploy-active",
	.type = S_IFDIR,
	.list = deploy_active_list,
	.lookup = deploy_active_lookup,
};

static int latest_readlink(const struct node *n, struct buf *out)
{
	return buf_adds(out, item_of(n)->uuid);
}

static time_t created_mtime(const struct node *n)
{
	return item_of(n)->created;
}

const struct node_kind kind_deploy_latest = {
	.name = "deploy-latest",
	.type = S_IFLNK,
	.readlink = latest_readlink,
	.mtime = created_mtime,
};

/* ---- one deployment ---- */

struct dep_entry {
	const char *name;
	const struct node_kind *kind;
	/* NULL: always there; else whether this instance has it. */
	bool (*present)(const struct node *n);
};

/* NOTES §17.8: the cancel route is current Coolify's. */
static bool has_ctl(const struct node *n)
{
	return n->fs->api.current_api;
}

static const struct dep_entry dep_entries[] = {
	{ "status", &kind_deploy_status, NULL },
	{ "log", &kind_deploy_log, NULL },
	{ "deployment.json", &kind_deploy_json, NULL },
	{ "ctl", &kind_deploy_ctl, has_ctl },
};

#define N_DEP (sizeof(dep_entries) / sizeof(dep_entries[0]))

static int deployment_list(const struct node *dir, struct dir_fill *fill)
{
	size_t i;

	for (i = 0; i < N_DEP; i++) {
		struct node c = node_child(dir, dep_entries[i].kind);

		if (dep_entries[i].present && !dep_entries[i].present(dir))
			continue;
		if (dir_add(fill, dep_entries[i].name, &c))
			break;
	}
	return 0;
}

static int deployment_lookup(struct node *n, const char *name)
{
	size_t i;

	for (i = 0; i < N_DEP; i++) {
		if (strcmp(name, dep_entries[i].name) ||
		    (dep_entries[i].present && !dep_entries[i].present(n)))
			continue;
		n->kind = dep_entries[i].kind;
		if (n->kind == &kind_deploy_ctl) {
			/* What the ctl acts on, for its handle (node.h):
			 * the deployment, not the application. */
			n->id.uuid = item_of(n)->uuid;
			n->id.obj = OBJ_DEPLOYMENT;
		}
		return 0;
	}
	return -ENOENT;
}

const struct node_kind kind_deployment = {
	.name = "deployment",
	.type = S_IFDIR,
	.list = deployment_list,
	.lookup = deployment_lookup,
	.mtime = created_mtime,
};

/* The deployment n is about, as fresh as it needs to be: a running one
 * is asked for again (at most once a status period), a finished one
 * cannot change. *hold gets the reference that keeps it alive (NULL
 * when n's own is enough). */
static const struct deploy_item *fresh_item(const struct node *n,
					    struct cval **hold)
{
	const struct deploy_item *d = item_of(n), *f;
	struct cval *v;

	*hold = NULL;
	if (n->listing || !deploy_active(d->status) ||
	    deploy_store_one(&n->fs->api, d->uuid, true, &v))
		return d;
	f = deploy_list_find(v->data, d->uuid);
	if (!f) {
		cval_put(v);
		return d;
	}
	*hold = v;
	return f;
}

static time_t updated_mtime(const struct node *n)
{
	return item_of(n)->updated;
}

static int status_render(const struct node *n, struct buf *out)
{
	struct cval *hold;
	const struct deploy_item *d = fresh_item(n, &hold);
	int rc = buf_addf(out, "%s\n", d->status);

	cval_put(hold);
	return rc;
}

const struct node_kind kind_deploy_status = {
	.name = "deploy-status",
	.type = S_IFREG,
	.render = status_render,
	.mtime = updated_mtime,
};

static int json_render(const struct node *n, struct buf *out)
{
	struct cval *hold;
	const struct deploy_item *d = fresh_item(n, &hold);
	int rc = model_json_render(d->json, out);

	cval_put(hold);
	return rc;
}

static int json_size(const struct node *n, off_t *size)
{
	struct cval *hold;
	const struct deploy_item *d = fresh_item(n, &hold);
	int rc = sizes_memo(&n->fs->sizes, (size_memo *)&d->json_size,
			    d->json, model_json_render, size);

	cval_put(hold);
	return rc;
}

const struct node_kind kind_deploy_json = {
	.name = "deploy-json",
	.type = S_IFREG,
	.render = json_render,
	.size = json_size,
	.mtime = updated_mtime,
};

/* ---- the build log ---- */

/* Renders d's log into out. GET /deployments/{uuid} hides the log from a
 * token without read:sensitive, the application's page does not (NOTES
 * §9.2): look there before refusing. */
static int render_log(struct cfs *fs, const struct deploy_item *d,
		      struct buf *out)
{
	const struct deploy_item *p;
	struct cval *v;
	int rc;

	if (d->logs)
		return deploy_render_log(d->logs, out);
	if (d->app_uuid && !deploy_store_page(&fs->api, d->app_uuid, &v)) {
		p = deploy_list_find(v->data, d->uuid);
		rc = p && p->logs ? deploy_render_log(p->logs, out) : -EACCES;
		cval_put(v);
		if (rc != -EACCES)
			return rc;
	}
	log_error("deployment %s: its log needs a token with read:sensitive",
		  d->uuid);
	return -EACCES;
}

/* What a poll of a running deployment's log needs; a handle keeps it. */
struct dep_src {
	struct cfs *fs;
	const char *uuid;
};

static int dep_fetch(void *arg, struct logs_feed *feed)
{
	const struct dep_src *src = arg;
	const struct deploy_item *d;
	struct buf text = BUF_INIT;
	struct cval *v;
	int rc;

	rc = deploy_store_one(&src->fs->api, src->uuid, true, &v);
	if (rc) {
		logs_feed_note(feed, "deployment %s: %s", src->uuid,
			       strerror(-rc));
		return rc;
	}
	d = deploy_list_find(v->data, src->uuid);
	rc = d ? render_log(src->fs, d, &text) : -ENOENT;
	if (!rc) {
		logs_feed_window(feed, NULL, text.buf, text.len);
		if (!deploy_active(d->status))
			logs_feed_final(feed);
	} else {
		logs_feed_note(feed, "deployment %s: %s", src->uuid,
			       strerror(-rc));
	}
	buf_release(&text);
	cval_put(v);
	return rc;
}

struct dep_handle {
	char *uuid;
	struct dep_src src; /* src.uuid is uuid */
	struct logs_reader reader;
};

static void dep_handle_free(void *p)
{
	struct dep_handle *h = p;

	logs_reader_close(&h->reader);
	free(h->uuid);
	free(h);
}

static unsigned log_period(const struct cfs *fs)
{
	unsigned ttl = store_status_ttl(&fs->api);

	return ttl ? ttl : 1;
}

static char *dep_key(const char *uuid)
{
	return xasprintf("deployment:%s", uuid);
}

static int log_open(const struct node *n, struct fh *fh)
{
	struct cval *hold;
	const struct deploy_item *d;
	struct dep_handle *h;
	char *key;
	int rc;

	if ((fh->flags & O_ACCMODE) != O_RDONLY)
		return n->fs->conf.ro ? -EROFS : -EACCES;
	d = fresh_item(n, &hold);
	if (!deploy_active(d->status)) {
		/* Finished: the log is what it will always be. */
		rc = render_log(n->fs, d, &fh->data);
		cval_put(hold);
		return rc;
	}
	h = xcalloc(1, sizeof(*h));
	h->uuid = xstrdup(d->uuid);
	h->src.fs = n->fs;
	h->src.uuid = h->uuid;
	cval_put(hold);
	key = dep_key(h->uuid);
	rc = logs_reader_open(&h->reader, &n->fs->logs, key, false,
			      log_period(n->fs), dep_fetch, &h->src, &fh->data);
	free(key);
	if (rc) {
		free(h->uuid);
		free(h);
		return rc;
	}
	fh->priv = h;
	fh->priv_free = dep_handle_free;
	return 0;
}

static int log_refresh(struct fh *fh)
{
	struct dep_handle *h = fh->priv;

	if (!h)
		return 0;
	return logs_reader_refresh(&h->reader, log_period(h->src.fs), dep_fetch,
				   &h->src, &fh->data, &fh->lock);
}

static int log_render(const struct node *n, struct buf *out)
{
	struct cval *hold;
	const struct deploy_item *d = fresh_item(n, &hold);
	int rc;

	if (n->listing && !d->logs) {
		rc = -EAGAIN; /* would cost a request: the kernel asks later */
	} else if (deploy_active(d->status) && !n->listing) {
		/* The size of what an open would show now. */
		struct dep_src src = { n->fs, d->uuid };
		struct logs_reader r;
		char *key = dep_key(d->uuid);

		rc = logs_reader_open(&r, &n->fs->logs, key, false,
				      log_period(n->fs), dep_fetch, &src, out);
		if (!rc)
			logs_reader_close(&r);
		free(key);
	} else {
		rc = render_log(n->fs, d, out);
	}
	cval_put(hold);
	return rc;
}

/* A log that has its text and no longer grows renders the same every
 * time: its size is remembered (sizes.h). */
static int log_size(const struct node *n, off_t *size)
{
	struct cval *hold;
	const struct deploy_item *d = fresh_item(n, &hold);
	struct buf out = BUF_INIT;
	int rc;

	if (d->logs && (n->listing || !deploy_active(d->status))) {
		rc = sizes_memo(&n->fs->sizes, (size_memo *)&d->log_size,
				d->logs, deploy_render_log, size);
	} else {
		rc = log_render(n, &out);
		*size = (off_t)out.len;
	}
	buf_release(&out);
	cval_put(hold);
	return rc;
}

const struct node_kind kind_deploy_log = {
	.name = "deploy-log",
	.type = S_IFREG,
	.render = log_render,
	.size = log_size,
	.open = log_open,
	.refresh = log_refresh,
	.mtime = updated_mtime,
};

/* ---- ctl ---- */

static int ctl_render(const struct node *n, struct buf *out)
{
	(void)n;
	deploy_ctl_usage(out);
	return 0;
}

static int ctl_run(struct fh *fh, const char *line)
{
	enum deploy_verb verb;
	struct buf err = BUF_INIT;
	int rc;

	rc = deploy_ctl_parse(line, &verb, &err);
	if (rc == -ENODATA)
		rc = 0; /* a blank line */
	else if (rc)
		log_error("%s", err.buf);
	else
		rc = deploy_ctl_run(&fh->fs->api, fh->id.uuid, verb);
	buf_release(&err);
	return rc;
}

static int ctl_open(const struct node *n, struct fh *fh)
{
	return ctlfile_open(n, fh, ctl_run);
}

const struct node_kind kind_deploy_ctl = {
	.name = "deploy-ctl",
	.type = S_IFREG,
	.perm = 0600,
	.render = ctl_render,
	.open = ctl_open,
	.written = ctlfile_written,
	.commit = ctlfile_commit,
	.truncate = ctlfile_truncate,
	.mtime = created_mtime,
};
