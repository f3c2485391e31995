/* The FUSE operations. Each resolves the path to a node and hands the
 * call to the node's kind (node.h); none knows about Coolify. */
#include "fuse/ops.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/log.h"
#include "base/notify.h"
#include "fuse/mount.h"
#include "tree/node.h"
#include "base/xalloc.h"

struct cfs_mount *cfs_mount_get(void)
{
	return fuse_get_context()->private_data;
}

/* An operation begins: the log names its file, and the requests it makes
 * share one timeout (SPEC §4: however many levels of the path are
 * stale). Each operation that may reach the API is bracketed by
 * op_begin and op_end. Returns the context the path is in (mount.h). */
static struct cfs *op_begin(const char *path)
{
	struct cfs *fs = mount_fs(cfs_mount_get(), path, NULL);

	log_set_path(path);
	if (!mount_is_top(fs))
		http_op_begin(&fs->api.http);
	return fs;
}

static void op_end(struct cfs *fs)
{
	if (!mount_is_top(fs))
		http_op_end(&fs->api.http);
	log_set_path(NULL);
}

/* Resolves a path of the mount, in whichever context it is (mount.h). */
static int resolve(const char *path, struct node *n)
{
	return mount_resolve(cfs_mount_get(), path, n);
}

/* Whether the user gave up on the request this thread serves (Ctrl-C):
 * a wait for the rate limit's window then ends (http.h). */
static bool op_interrupted(void)
{
	return fuse_interrupted() != 0;
}

static struct fh *fh_of(const struct fuse_file_info *fi)
{
	return fi ? (struct fh *)(uintptr_t)fi->fh : NULL;
}

/* What a write to something that takes none gets: EROFS on a read-only
 * mount, else EACCES (never ENOSYS, which the kernel would remember for
 * the whole mount). */
static int refuse(const struct cfs *fs)
{
	return fs->conf.ro ? -EROFS : -EACCES;
}

/* Splits path into its parent directory (into dir, a copy) and its last
 * component (returned, pointing into path). */
static const char *split_path(const char *path, char **dir)
{
	const char *slash = strrchr(path, '/');

	*dir = slash == path ? xstrdup("/")
			     : xstrndup(path, (size_t)(slash - path));
	return slash + 1;
}

/* Hands a prepared handle to FUSE. Dynamic contents are read through us,
 * not the page cache: their size can change between opens. */
static void fh_attach(struct fh *fh, struct fuse_file_info *fi)
{
	struct cfs *fs = fh->fs;

	fi->direct_io = 1;
	fi->fh = (uint64_t)(uintptr_t)fh;
	pthread_mutex_lock(&fs->handles_lock);
	fh->prev = NULL;
	fh->next = fs->handles;
	if (fs->handles)
		fs->handles->prev = fh;
	fs->handles = fh;
	pthread_mutex_unlock(&fs->handles_lock);
}

static void fh_detach(struct fh *fh)
{
	struct cfs *fs = fh->fs;

	pthread_mutex_lock(&fs->handles_lock);
	if (fh->prev)
		fh->prev->next = fh->next;
	else
		fs->handles = fh->next;
	if (fh->next)
		fh->next->prev = fh->prev;
	pthread_mutex_unlock(&fs->handles_lock);
}

static bool handles_open(struct cfs *fs)
{
	bool open;

	pthread_mutex_lock(&fs->handles_lock);
	open = fs->handles != NULL;
	pthread_mutex_unlock(&fs->handles_lock);
	return open;
}

void ops_release_handles(struct cfs *fs)
{
	struct fh *fh;

	/* No thread runs any more: nothing else reaches the list. */
	while ((fh = fs->handles)) {
		fs->handles = fh->next;
		log_debug("%s: still open at unmount, released", fh->path);
		fh_free(fh);
	}
}

static void *cfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	struct cfs_mount *m = cfs_mount_get();
	const struct conf *conf = &m->ctx[0].conf; /* options: all share */

	(void)conn;
	/* The kernel may keep names and attributes for a second: long
	 * enough to spare a request per stat of an `ls -l`, short enough
	 * that a change shows about as soon as our own cache lets it. */
	cfg->entry_timeout = conf->cache_ttl ? 1.0 : 0.0;
	cfg->attr_timeout = conf->cache_ttl ? 1.0 : 0.0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	/* perl -pi renames its temporary file over a key it still has open;
	 * without this the library would first rename the key to a
	 * .fuse_hidden file, which would reach the API as a rename. */
	cfg->hard_remove = 1;
	/* Interrupts (Ctrl-C on `echo 'deploy wait' > ctl`) are seen by
	 * polling fuse_interrupted() between short naps, which needs no
	 * signal. cfg->intr is left off: the library installs the handler
	 * of its signal in fuse_new() only, so turning it on here would
	 * kill the daemon with SIGUSR1 at the first interrupt. */
	cfg->intr = 0;
	/* Here, not in main(): threads started before fuse_daemonize()
	 * would not survive its fork. The interruption hook is set once
	 * fuse_new() has made the request context fuse_interrupted()
	 * reads. */
	mount_start(m, op_interrupted);
	/* The kernel holds every request until this init is answered,
	 * right after we return: whoever acts on READY=1 (systemd, then
	 * the user's login) finds the files there. */
	notify_send("READY=1");
	return m;
}

/* The loop has ended: no request will queue a prefetch any more. */
static void cfs_destroy(void *private_data)
{
	struct cfs_mount *m = private_data;
	size_t i;
	int waited;

	notify_send("STOPPING=1");
	/* The kernel sends the releases of files closed just before the
	 * unmount in the background, and other threads may still be
	 * running them (committing a write): once this returns, the loop
	 * cancels its threads, and a release cut short would lose its
	 * commit. Let them finish, for a few seconds at most. */
	for (i = 0; i <= m->n; i++) {
		struct cfs *fs = i < m->n ? &m->ctx[i] : &m->top;

		for (waited = 0; waited < 500 && handles_open(fs); waited++)
			usleep(10000);
	}
	mount_stop(m);
}

/* The attributes of a file that is not at the API: empty, ours. */
static void unborn_stat(const struct cfs *fs, mode_t perm, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | perm;
	st->st_nlink = 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_mtime = st->st_ctime = st->st_atime = fs->mount_time;
}

static int cfs_getattr(const char *path, struct stat *st,
		       struct fuse_file_info *fi)
{
	struct cfs *fs;
	struct fh *fh = fh_of(fi);
	struct node n;
	int rc;

	fs = op_begin(path);
	rc = resolve(path, &n);
	if (!rc) {
		rc = node_stat(&n, st);
		node_release(&n);
	}
	/* A key created and still open, not committed yet, exists by its
	 * path too: touch sets its times by path before it closes it
	 * (utimensat, then a stat) and would fail with ENOENT. */
	if (rc == -ENOENT && !fh && pending_truncated(&fs->pending, path)) {
		unborn_stat(fs, 0600, st);
		rc = 0;
	}
	if (fh) {
		/* fstat of an open file describes what reads return. */
		if (rc) {
			/* Not at the API (yet, or any more): a created key
			 * before its commit, or a file unlinked while open. */
			unborn_stat(fh->fs,
				    fh->kind->perm ? fh->kind->perm : 0400, st);
			rc = 0;
		}
		if (fh->kind->refresh)
			fh->kind->refresh(fh);
		pthread_mutex_lock(&fh->lock);
		st->st_size = (off_t)fh->data.len;
		pthread_mutex_unlock(&fh->lock);
	}
	op_end(fs);
	return rc;
}

/* The listing is kept with the open directory (node.h). */
static int cfs_opendir(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	fi->fh = (uint64_t)(uintptr_t)xcalloc(1, sizeof(struct dir_fill));
	return 0;
}

static int cfs_releasedir(const char *path, struct fuse_file_info *fi)
{
	struct dir_fill *fill = (struct dir_fill *)(uintptr_t)fi->fh;

	(void)path;
	dir_fill_reset(fill);
	free(fill);
	return 0;
}

static int dir_list(const char *path, struct dir_fill *fill)
{
	struct node n;
	int rc;

	dir_fill_reset(fill);
	rc = resolve(path, &n);
	if (rc)
		return rc;
	if (n.kind->list) {
		/* Listing first: a directory whose list cannot be had fails,
		 * rather than showing as empty. The order of "." is free. */
		rc = n.kind->list(&n, fill);
		if (!rc) {
			dir_add_dot(fill, ".");
			dir_add_dot(fill, "..");
			fill->listed = true;
		}
	} else {
		rc = -ENOTDIR;
	}
	node_release(&n);
	return rc;
}

static int cfs_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
		       off_t off, struct fuse_file_info *fi,
		       enum fuse_readdir_flags flags)
{
	struct cfs *fs;
	struct dir_fill *fill = (struct dir_fill *)(uintptr_t)fi->fh;
	int rc = 0;
	size_t i;

	fs = op_begin(path);
	/* From the start (rewinddir included), the directory is listed
	 * anew; the rest of a listing comes from what was listed. */
	if (!off || !fill->listed) {
		fill->plus = flags & FUSE_READDIR_PLUS;
		rc = dir_list(path, fill);
	}
	for (i = (size_t)off; !rc && i < fill->n; i++) {
		const struct dir_entry *e = &fill->v[i];

		if (filler(buf, e->name, &e->st, (off_t)i + 1,
			   e->plus ? FUSE_FILL_DIR_PLUS : 0))
			break;
	}
	op_end(fs);
	return rc;
}

/* Makes a pending truncation of path (pending.h) take effect before path
 * is opened again. */
static void commit_pending(struct cfs *fs, const char *path)
{
	struct fh *like = pending_take(&fs->pending, path);

	if (!like)
		return;
	like->kind->commit(like, true);
	pending_done(&fs->pending, like);
	fh_release(like);
	free(like);
}

static int cfs_open(const char *path, struct fuse_file_info *fi)
{
	struct cfs *fs;
	bool writing = (fi->flags & O_ACCMODE) != O_RDONLY;
	bool truncated = false;
	struct fh *fh = NULL;
	struct node n;
	int rc;

	fs = op_begin(path);
	if (writing)
		commit_pending(fs, path);
	else
		truncated = pending_truncated(&fs->pending, path);
	rc = resolve(path, &n);
	if (rc)
		goto out;
	if (n.kind->type == S_IFDIR) {
		rc = -EISDIR;
		goto out_release;
	}
	if (writing && (fs->conf.ro || !n.kind->open)) {
		rc = refuse(fs);
		goto out_release;
	}
	fh = xmalloc(sizeof(*fh));
	fh_init(fh, &n, path, fi->flags);
	if (n.kind->open)
		rc = n.kind->open(&n, fh);
	else
		rc = n.kind->render(&n, &fh->data);
	if (rc)
		goto out_free;
	if (fi->flags & O_TRUNC && writing) {
		buf_reset(&fh->data);
		fh->dirty = true;
		if (fh->kind->commit)
			pending_add(&fs->pending, path, fh, fh_like(fh));
	} else if (truncated) {
		buf_reset(&fh->data); /* as the truncating handle left it */
	}
	fh_attach(fh, fi);
	fh = NULL;
out_free:
	if (fh)
		fh_free(fh);
out_release:
	node_release(&n);
out:
	op_end(fs);
	return rc;
}

static int cfs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct cfs *fs;
	struct fh *fh;
	const char *name;
	struct node dir;
	char *dirpath;
	int rc;

	(void)mode;
	fs = op_begin(path);
	name = split_path(path, &dirpath);
	rc = resolve(dirpath, &dir);
	if (rc)
		goto out;
	if (fs->conf.ro || !dir.kind->create) {
		rc = refuse(fs);
		goto out_release;
	}
	if (strlen(name) >= sizeof(fh->id.name)) {
		rc = -ENAMETOOLONG;
		goto out_release;
	}
	fh = xmalloc(sizeof(*fh));
	fh_init(fh, &dir, path, fi->flags);
	strcpy(fh->id.name, name);
	rc = dir.kind->create(&dir, name, fi->flags, fh);
	if (rc < 0) {
		fh_free(fh);
	} else {
		/* A new key is made at close, even if nothing is written. */
		if (rc == FH_NEW && fh->kind->commit) {
			fh->dirty = true;
			pending_add(&fs->pending, path, fh, fh_like(fh));
		}
		fh_attach(fh, fi);
		rc = 0;
	}
out_release:
	node_release(&dir);
out:
	free(dirpath);
	op_end(fs);
	return rc;
}

static int cfs_read(const char *path, char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct cfs *fs;
	struct fh *fh = fh_of(fi);

	(void)path;
	if (!fh)
		return -EBADF;
	if (fh->kind->refresh) {
		/* A growing file (tail -f) reads what came since open. */
		fs = op_begin(fh->path);
		fh->kind->refresh(fh);
		op_end(fs);
	}
	/* Another read's refresh may be growing (moving) data. */
	pthread_mutex_lock(&fh->lock);
	if (off < 0 || (size_t)off >= fh->data.len)
		size = 0;
	else if (size > fh->data.len - (size_t)off)
		size = fh->data.len - (size_t)off;
	if (size)
		memcpy(buf, fh->data.buf + off, size);
	pthread_mutex_unlock(&fh->lock);
	return (int)size;
}

/* Makes data the bytes at [off, off+size) of the handle's contents,
 * filling any gap with zeros as a sparse file would. Caller holds
 * fh->lock: a read of the same open file may be copying from data. */
static int fh_put(struct fh *fh, const char *data, size_t size, off_t off)
{
	size_t end = (size_t)off + size;
	int rc = 0;

	while (!rc && fh->data.len < (size_t)off)
		rc = buf_addch(&fh->data, '\0');
	if (!rc && end > fh->data.len)
		rc = buf_add(&fh->data, data + (fh->data.len - (size_t)off),
			     end - fh->data.len);
	if (rc)
		return rc;
	memcpy(fh->data.buf + off, data,
	       size - (end > fh->data.len ? end - fh->data.len : 0));
	fh->dirty = true;
	return 0;
}

static int cfs_write(const char *path, const char *data, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct cfs *fs;
	struct fh *fh = fh_of(fi);
	int rc;

	if (!fh || !fh->kind->written)
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	fs = op_begin(fh->path);
	if (fh->flags & O_APPEND)
		off = (off_t)fh->data.len;
	if (!fh->wrote)
		pending_drop(&fh->fs->pending, fh);
	pthread_mutex_lock(&fh->lock);
	rc = fh_put(fh, data, size, off);
	pthread_mutex_unlock(&fh->lock);
	fh->wrote = true;
	if (!rc)
		rc = fh->kind->written(fh);
	if (rc == FH_SEND || rc == FH_SEND_LINES) {
		/* The contents are ready: sent now, so that a refusal is
		 * this write()'s error (node.h, the save protocol). */
		bool whole = rc == FH_SEND;

		rc = fh->kind->commit(fh, false);
		/* Sent once, even when refused (as fh_commit()); what
		 * follows complete lines is not sent yet. */
		if (whole)
			fh->dirty = false;
	}
	op_end(fs);
	return rc ? rc : (int)size;
}

/* Commits a dirty handle; used by flush, fsync and release. */
static int fh_commit(struct fh *fh)
{
	struct cfs *fs;
	int rc = 0;

	if (!fh || !fh->dirty || !fh->kind->commit)
		return 0;
	fs = op_begin(fh->path);
	rc = fh->kind->commit(fh, true);
	/* Sent once, even when refused: close() or fsync() reports the
	 * failure, a failed save changes nothing (SPEC §3.1), and a request
	 * that may have reached the instance is not sent again by the next
	 * flush or the release (SPEC §3.3). */
	fh->dirty = false;
	op_end(fs);
	return rc;
}

static int cfs_flush(const char *path, struct fuse_file_info *fi)
{
	struct fh *fh = fh_of(fi);

	/* Implemented even when there is nothing to do: an ENOSYS here
	 * would make the kernel skip flush for the whole mount.
	 *
	 * A handle that was only created or truncated is not committed
	 * here: `echo v > f` opens with O_TRUNC, and bash's dup2() closes
	 * the first descriptor (a flush) before the write. Committing then
	 * would blank the value on the way. Release commits it if no write
	 * ever comes (`: > f`). */
	(void)path;
	if (fh && !fh->wrote)
		return 0;
	return fh_commit(fh);
}

static int cfs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	return fh_commit(fh_of(fi));
}

static int cfs_release(const char *path, struct fuse_file_info *fi)
{
	struct fh *fh = fh_of(fi);

	(void)path;
	if (!fh)
		return 0;
	/* Flush is not always sent (research/fuse-anchors.md, finding 6);
	 * release's error reaches nobody, so the commit logs its own. */
	/* A truncation nobody wrote over commits through pending.h, so an
	 * open racing this release waits for it. */
	if (!fh->wrote && fh->dirty)
		commit_pending(fh->fs, fh->path);
	if (pending_drop(&fh->fs->pending, fh) && !fh->wrote)
		fh->dirty = false; /* committed on its behalf already */
	fh_commit(fh);
	fh_detach(fh);
	fh_free(fh);
	return 0;
}

static int cfs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct cfs *fs;
	struct fh *fh = fh_of(fi);
	struct node n;
	int rc;

	if (size < 0)
		return -EINVAL;
	if (fh) {
		if (!fh->kind->written)
			return refuse(fh->fs);
		pthread_mutex_lock(&fh->lock);
		if ((size_t)size <= fh->data.len)
			buf_truncate(&fh->data, (size_t)size);
		else
			fh_put(fh, "", 0, size);
		pthread_mutex_unlock(&fh->lock);
		fh->dirty = true;
		return 0;
	}
	fs = op_begin(path);
	rc = resolve(path, &n);
	if (!rc) {
		rc = n.kind->truncate && !n.fs->conf.ro
			 ? n.kind->truncate(&n, size)
			 : refuse(fs);
		node_release(&n);
	}
	op_end(fs);
	return rc;
}

/* unlink, rmdir: resolve and hand over to the node's kind. */
static int remove_node(const char *path, bool dir)
{
	struct cfs *fs;
	struct node n;
	int rc;

	fs = op_begin(path);
	rc = resolve(path, &n);
	if (!rc) {
		int (*op)(const struct node *) =
		    dir ? n.kind->rmdir : n.kind->unlink;

		if (dir && n.kind->type != S_IFDIR)
			rc = -ENOTDIR;
		else if (!dir && n.kind->type == S_IFDIR)
			rc = -EISDIR;
		else
			rc = op && !n.fs->conf.ro ? op(&n) : refuse(fs);
		node_release(&n);
	}
	op_end(fs);
	return rc;
}

static int cfs_unlink(const char *path)
{
	return remove_node(path, false);
}

static int cfs_rmdir(const char *path)
{
	return remove_node(path, true);
}

static int cfs_mkdir(const char *path, mode_t mode)
{
	struct cfs *fs;
	const char *name;
	struct node dir;
	char *dirpath;
	int rc;

	(void)mode;
	fs = op_begin(path);
	name = split_path(path, &dirpath);
	rc = resolve(dirpath, &dir);
	if (!rc) {
		rc = dir.kind->mkdir && !fs->conf.ro
			 ? dir.kind->mkdir(&dir, name)
			 : refuse(fs);
		node_release(&dir);
	}
	free(dirpath);
	op_end(fs);
	return rc;
}

static int cfs_rename(const char *from, const char *to, unsigned int flags)
{
	struct cfs *fs;
	char *fromdir, *todir;
	struct node dir, src, dst;
	const char *newname;
	bool across;
	int rc;

	fs = op_begin(from);
	split_path(from, &fromdir);
	newname = split_path(to, &todir);
	across = strcmp(fromdir, todir) != 0;
	/* mv's retry of a rename just refused (fuse/refused.h). */
	rc = refused_retry(&fs->refused, from, to, flags);
	if (rc) {
		log_error("not renamed, nothing sent: refused a moment ago");
		goto out;
	}
	rc = resolve(fromdir, &dir);
	if (rc)
		goto out;
	/* Every directory is a different API collection: only a kind that
	 * can move its members (a resource to another environment) takes
	 * a rename into another directory, and never from one context's
	 * tree into another's: that is another instance (SPEC §7). */
	if (across &&
	    (!dir.kind->move || mount_fs(cfs_mount_get(), todir, NULL) != fs)) {
		rc = -EXDEV;
		goto out_dir;
	}
	rc = resolve(from, &src);
	if (rc)
		goto out_dir;
	if (fs->conf.ro || (!across && !dir.kind->rename)) {
		rc = refuse(fs);
	} else if (!across) {
		rc = dir.kind->rename(&dir, &src, newname, flags);
	} else {
		rc = resolve(todir, &dst);
		if (!rc) {
			rc = dir.kind->move(&dir, &src, &dst, newname, flags);
			node_release(&dst);
		}
	}
	node_release(&src);
out_dir:
	node_release(&dir);
	refused_note(&fs->refused, from, to, flags, rc);
out:
	free(fromdir);
	free(todir);
	op_end(fs);
	return rc;
}

/* chmod, chown and utimens change nothing: modes are fixed and times come
 * from the API. They succeed, as editors call them on every save. */
static int cfs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path;
	(void)mode;
	(void)fi;
	return 0;
}

static int cfs_chown(const char *path, uid_t uid, gid_t gid,
		     struct fuse_file_info *fi)
{
	(void)path;
	(void)uid;
	(void)gid;
	(void)fi;
	return 0;
}

static int cfs_utimens(const char *path, const struct timespec tv[2],
		       struct fuse_file_info *fi)
{
	(void)path;
	(void)tv;
	(void)fi;
	return 0;
}

static int cfs_getxattr(const char *path, const char *name, char *value,
			size_t size)
{
	struct cfs *fs;
	struct buf out = BUF_INIT;
	struct node n;
	int rc;

	/* ls -l asks every file for security.selinux and the POSIX ACLs.
	 * Only user.* names mean anything here, and ENOTSUP, unlike
	 * ENODATA, makes coreutils stop asking for the rest of the device:
	 * a walk then costs no request per file for them. */
	if (strncmp(name, "user.", 5))
		return -ENOTSUP;
	fs = op_begin(path);
	rc = resolve(path, &n);
	if (!rc) {
		rc = n.kind->getxattr ? n.kind->getxattr(&n, name, &out)
				      : -ENODATA;
		node_release(&n);
	}
	if (!rc && size && out.len > size)
		rc = -ERANGE;
	else if (!rc && size)
		memcpy(value, out.buf, out.len);
	if (!rc)
		rc = (int)out.len;
	buf_release(&out);
	op_end(fs);
	return rc;
}

static int cfs_listxattr(const char *path, char *list, size_t size)
{
	struct cfs *fs;
	struct buf out = BUF_INIT;
	struct node n;
	int rc;

	fs = op_begin(path);
	rc = resolve(path, &n);
	if (!rc) {
		rc = n.kind->listxattr ? n.kind->listxattr(&n, &out) : 0;
		node_release(&n);
	}
	if (!rc && size && out.len > size)
		rc = -ERANGE;
	else if (!rc && size)
		memcpy(list, out.buf, out.len);
	if (!rc)
		rc = (int)out.len;
	buf_release(&out);
	op_end(fs);
	return rc;
}

static int cfs_setxattr(const char *path, const char *name, const char *value,
			size_t size, int flags)
{
	struct cfs *fs;
	struct node n;
	int rc;

	fs = op_begin(path);
	rc = resolve(path, &n);
	if (!rc) {
		if (n.fs->conf.ro)
			rc = -EROFS;
		else if (n.kind->setxattr)
			rc = n.kind->setxattr(&n, name, value, size, flags);
		else
			rc = -ENOTSUP;
		node_release(&n);
	}
	op_end(fs);
	return rc;
}

/* No symlinks can be made: emacs then locks with a plain file. */
static int cfs_symlink(const char *target, const char *path)
{
	(void)target;
	(void)path;
	return -EPERM;
}

static int cfs_removexattr(const char *path, const char *name)
{
	(void)path;
	(void)name;
	return -ENOTSUP;
}

static int cfs_readlink(const char *path, char *buf, size_t size)
{
	struct cfs *fs;
	struct buf target = BUF_INIT;
	struct node n;
	int rc;

	fs = op_begin(path);
	rc = resolve(path, &n);
	if (rc)
		goto out;
	if (n.kind->readlink)
		rc = n.kind->readlink(&n, &target);
	else
		rc = -EINVAL;
	if (!rc && size) {
		size_t len = target.len < size - 1 ? target.len : size - 1;

		memcpy(buf, target.buf, len);
		buf[len] = '\0';
	}
	buf_release(&target);
	node_release(&n);
out:
	op_end(fs);
	return rc;
}

static int cfs_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	memset(st, 0, sizeof(*st));
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namemax = 255;
	return 0;
}

const struct fuse_operations cfs_ops = {
	.init = cfs_init,
	.destroy = cfs_destroy,
	.getattr = cfs_getattr,
	.opendir = cfs_opendir,
	.readdir = cfs_readdir,
	.releasedir = cfs_releasedir,
	.readlink = cfs_readlink,
	.open = cfs_open,
	.create = cfs_create,
	.read = cfs_read,
	.write = cfs_write,
	.truncate = cfs_truncate,
	.flush = cfs_flush,
	.fsync = cfs_fsync,
	.release = cfs_release,
	.unlink = cfs_unlink,
	.rmdir = cfs_rmdir,
	.mkdir = cfs_mkdir,
	.rename = cfs_rename,
	.chmod = cfs_chmod,
	.chown = cfs_chown,
	.utimens = cfs_utimens,
	.getxattr = cfs_getxattr,
	.setxattr = cfs_setxattr,
	.listxattr = cfs_listxattr,
	.removexattr = cfs_removexattr,
	.symlink = cfs_symlink,
	.statfs = cfs_statfs,
};
