#include "tree/node.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/objects.h"
#include "base/xalloc.h"

void node_root(struct node *n, struct cfs *fs)
{
	memset(n, 0, sizeof(*n));
	n->kind = &kind_root;
	n->fs = fs;
	n->id.obj = OBJS;
}

void node_set_project(struct node *n, const struct model_project *p)
{
	n->project = p;
	n->id.project = p->uuid;
}

void node_set_env(struct node *n, const struct model_project_detail *d,
		  const struct model_env *e)
{
	n->detail = d;
	n->env = e;
	n->id.env_name = e ? e->name : NULL;
	n->id.env_uuid = e ? e->uuid : NULL;
}

void node_set_res(struct node *n, const struct model_resource *r)
{
	n->res = r;
	n->id.uuid = r->uuid;
	n->id.obj = obj_of_kind(r->kind);
	n->id.rkind = r->kind;
}

void node_release(struct node *n)
{
	int i;

	for (i = 0; i < n->nrefs; i++)
		cval_put(n->refs[i]);
	n->nrefs = 0;
}

void node_hold(struct node *n, struct cval *v)
{
	/* The deepest path takes one reference per level that fetches
	 * (NODE_MAX_REFS). Dropping one here would leave the node borrowing
	 * from a value that may be freed: a lookup that holds more is a
	 * bug, caught here rather than as a use after free. */
	assert(n->nrefs < NODE_MAX_REFS);
	n->refs[n->nrefs++] = v;
}

struct node node_child(const struct node *parent, const struct node_kind *kind)
{
	struct node c = *parent;

	c.kind = kind;
	c.nrefs = 0;
	return c;
}

/* Files are private to the user who mounted: env values, JSON objects and
 * logs can hold secrets (SPEC §2). A read-only mount shows no write bits. */
static mode_t node_perm(const struct node *n)
{
	mode_t perm = n->kind->perm;

	if (!perm)
		perm = n->kind->type == S_IFDIR ? 0700 : 0400;
	if (n->fs->conf.ro)
		perm &= ~(mode_t)0222;
	return perm;
}

int node_stat(const struct node *n, struct stat *st)
{
	struct cfs *fs = n->fs;
	time_t t;

	memset(st, 0, sizeof(*st));
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	t = n->kind->mtime ? n->kind->mtime(n) : 0;
	if (!t)
		t = fs->mount_time;
	st->st_mtime = st->st_ctime = st->st_atime = t;

	switch (n->kind->type) {
	case S_IFDIR:
		st->st_mode = S_IFDIR | node_perm(n);
		st->st_nlink = 2;
		return 0;
	case S_IFLNK: {
		struct buf target = BUF_INIT;
		int rc = n->kind->readlink(n, &target);

		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		st->st_size = (off_t)target.len;
		buf_release(&target);
		return rc;
	}
	default: {
		struct buf data = BUF_INIT;
		off_t size = 0;
		int rc;

		if (n->kind->size) {
			rc = n->kind->size(n, &size);
		} else {
			rc = n->kind->render(n, &data);
			size = (off_t)data.len;
			buf_release(&data);
		}
		st->st_mode = S_IFREG | node_perm(n);
		st->st_nlink = 1;
		st->st_size = size;
		st->st_blocks = (blkcnt_t)((size + 511) / 512);
		return rc;
	}
	}
}

static struct dir_entry *dir_push(struct dir_fill *fill, const char *name)
{
	struct dir_entry *e;

	if (fill->n == fill->alloc) {
		fill->alloc = fill->alloc ? 2 * fill->alloc : 16;
		fill->v = xrealloc(fill->v, fill->alloc * sizeof(*fill->v));
	}
	e = &fill->v[fill->n++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	return e;
}

int dir_add(struct dir_fill *fill, const char *name, const struct node *child)
{
	struct dir_entry *e = dir_push(fill, name);
	struct node c = *child;

	/* A child that cannot be described now (its API call failed, or
	 * it declines while listing) is still listed, without attributes:
	 * its own lookup reports the error. */
	c.listing = true;
	e->plus = fill->plus && !node_stat(&c, &e->st);
	if (!e->plus) {
		memset(&e->st, 0, sizeof(e->st));
		e->st.st_mode = child->kind->type;
	}
	return 0;
}

void dir_add_dot(struct dir_fill *fill, const char *name)
{
	dir_push(fill, name)->st.st_mode = S_IFDIR;
}

void dir_fill_reset(struct dir_fill *fill)
{
	size_t i;

	for (i = 0; i < fill->n; i++)
		free(fill->v[i].name);
	free(fill->v);
	fill->v = NULL;
	fill->n = fill->alloc = 0;
	fill->listed = false;
}

void node_forget_dir_of(const struct cfs *fs, const char *path,
			const char *uuid)
{
	struct fuse_context *ctx = fuse_get_context();
	const char *slash = strrchr(path, '/');
	char *p;

	if (!ctx || !ctx->fuse || !slash || slash == path)
		return;
	/* -ENOENT when the kernel has nothing of it: fine. Only the inode
	 * is told (its attributes), which takes no directory lock, so it
	 * is safe inside the ctl's write. */
	p = xstrndup(path, (size_t)(slash - path));
	fuse_invalidate_path(ctx->fuse, p);
	free(p);
	if (!uuid)
		return;
	/* uuid/ of the path's own context (SPEC §7). */
	p = xasprintf("%s/uuid/%s", fs->prefix ? fs->prefix : "", uuid);
	fuse_invalidate_path(ctx->fuse, p);
	free(p);
}

void fh_init(struct fh *fh, const struct node *n, const char *path, int flags)
{
	memset(fh, 0, sizeof(*fh));
	pthread_mutex_init(&fh->lock, NULL);
	fh->fs = n->fs;
	fh->kind = n->kind;
	buf_init(&fh->data, 0);
	fh->flags = flags;
	fh->path = xstrdup(path);
	node_id_copy(&fh->id, &n->id);
}

/* The id at depth d of an identity (obj_depth). */
static const char *id_at(const struct node_id *id, int d)
{
	return d == 0 ? id->uuid : d == 1 ? id->member : id->run;
}

const char *node_id_key(const struct node_id *id)
{
	if (id->obj >= OBJS)
		return id->uuid;
	return id_at(id, obj_depth(obj_get(id->obj)));
}

/* The API path of the owner of row o's collection, as id places it. */
static char *owner_of(const struct node_id *id, const struct api_object *o)
{
	const struct api_object *p;
	char *owner, *path;

	switch (o->owner) {
	case OWNER_PROJECT:
		return xasprintf("/projects/%s", id->project);
	case OWNER_RESOURCE:
		return obj_member_path(obj_get(obj_of_kind(id->rkind)), NULL,
				       id->uuid);
	case OWNER_MEMBER:
		p = obj_get(o->parent);
		owner = owner_of(id, p);
		path = obj_member_path(p, owner, id_at(id, obj_depth(p)));
		free(owner);
		return path;
	default:
		return NULL;
	}
}

char *node_id_owner(const struct node_id *id)
{
	if (id->obj >= OBJS)
		return NULL;
	return owner_of(id, obj_get(id->obj));
}

char *node_id_list_path(const struct node_id *id)
{
	char *owner = node_id_owner(id), *path;

	path = obj_list_path(obj_get(id->obj), owner);
	free(owner);
	return path;
}

char *node_id_member_path(const struct node_id *id)
{
	char *owner = node_id_owner(id), *path;

	path = obj_member_path(obj_get(id->obj), owner, node_id_key(id));
	free(owner);
	return path;
}

void node_id_copy(struct node_id *dst, const struct node_id *src)
{
	*dst = *src;
	dst->project = xstrdup(src->project);
	dst->env_name = xstrdup(src->env_name);
	dst->env_uuid = xstrdup(src->env_uuid);
	dst->uuid = xstrdup(src->uuid);
	dst->member = xstrdup(src->member);
	dst->run = xstrdup(src->run);
}

void node_id_release(struct node_id *id)
{
	/* A copy's strings are its own (node_id_copy). */
	free((char *)id->project);
	free((char *)id->env_name);
	free((char *)id->env_uuid);
	free((char *)id->uuid);
	free((char *)id->member);
	free((char *)id->run);
	id->project = id->env_name = id->env_uuid = id->uuid = NULL;
	id->member = id->run = NULL;
}

void fh_release(struct fh *fh)
{
	if (fh->priv_free)
		fh->priv_free(fh->priv);
	buf_release(&fh->data);
	free(fh->path);
	node_id_release(&fh->id);
	pthread_mutex_destroy(&fh->lock);
}

void fh_free(struct fh *fh)
{
	fh_release(fh);
	free(fh);
}

struct fh *fh_like(const struct fh *fh)
{
	struct fh *c = xcalloc(1, sizeof(*c));

	c->fs = fh->fs;
	c->kind = fh->kind;
	buf_init(&c->data, 0);
	c->flags = fh->flags;
	c->dirty = true;
	c->path = xstrdup(fh->path);
	node_id_copy(&c->id, &fh->id);
	return c;
}
