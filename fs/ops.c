/* The FUSE operations. Each resolves the path to a node and hands the
 * call to the node's kind (node.h); none knows about Coolify. */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "log.h"
#include "node.h"
#include "tree.h"
#include "xalloc.h"

/* An open file: the contents as they were at open, so that every read of
 * one open sees the same text (cat, less and cp agree). */
struct fh {
	struct buf data;
};

struct cfs *cfs_get(void)
{
	return fuse_get_context()->private_data;
}

static struct fh *fh_of(const struct fuse_file_info *fi)
{
	return fi ? (struct fh *)(uintptr_t)fi->fh : NULL;
}

static void *cfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	struct cfs *fs = cfs_get();

	(void)conn;
	/* The kernel may keep names and attributes for a second: long
	 * enough to spare a request per stat of an `ls -l`, short enough
	 * that a change shows about as soon as our own cache lets it. */
	cfg->entry_timeout = fs->conf.cache_ttl ? 1.0 : 0.0;
	cfg->attr_timeout = fs->conf.cache_ttl ? 1.0 : 0.0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	return fs;
}

static int cfs_getattr(const char *path, struct stat *st,
		       struct fuse_file_info *fi)
{
	struct fh *fh = fh_of(fi);
	struct node n;
	int rc;

	log_set_path(path);
	rc = tree_resolve(cfs_get(), path, &n);
	if (!rc) {
		rc = node_stat(&n, st);
		node_release(&n);
	}
	if (fh) {
		/* fstat of an open file describes what reads return. */
		if (rc) {
			memset(st, 0, sizeof(*st));
			st->st_mode = S_IFREG | 0400;
			st->st_nlink = 1;
			rc = 0;
		}
		st->st_size = (off_t)fh->data.len;
	}
	log_set_path(NULL);
	return rc;
}

static int cfs_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
		       off_t off, struct fuse_file_info *fi,
		       enum fuse_readdir_flags flags)
{
	struct dir_fill fill = { buf, filler, flags & FUSE_READDIR_PLUS };
	struct node n;
	int rc;

	(void)off;
	(void)fi;
	log_set_path(path);
	rc = tree_resolve(cfs_get(), path, &n);
	if (rc)
		goto out;
	if (n.kind->list) {
		/* Listing first: a directory whose list cannot be had fails,
		 * rather than showing as empty. The order of "." is free. */
		rc = n.kind->list(&n, &fill);
		if (!rc) {
			filler(buf, ".", NULL, 0, 0);
			filler(buf, "..", NULL, 0, 0);
		}
	} else {
		rc = -ENOTDIR;
	}
	node_release(&n);
out:
	log_set_path(NULL);
	return rc;
}

static int cfs_open(const char *path, struct fuse_file_info *fi)
{
	struct cfs *fs = cfs_get();
	struct fh *fh;
	struct node n;
	int rc;

	log_set_path(path);
	rc = tree_resolve(fs, path, &n);
	if (rc)
		goto out;
	if (n.kind->type == S_IFDIR) {
		rc = -EISDIR;
		goto out_release;
	}
	if ((fi->flags & O_ACCMODE) != O_RDONLY || !n.kind->render) {
		rc = fs->conf.ro ? -EROFS : -EACCES;
		goto out_release;
	}
	fh = xcalloc(1, sizeof(*fh));
	buf_init(&fh->data, 0);
	rc = n.kind->render(&n, &fh->data);
	if (rc) {
		buf_release(&fh->data);
		free(fh);
		goto out_release;
	}
	/* Contents are made at open and their size can change from one
	 * open to the next: read through us, not the page cache. */
	fi->direct_io = 1;
	fi->fh = (uint64_t)(uintptr_t)fh;
out_release:
	node_release(&n);
out:
	log_set_path(NULL);
	return rc;
}

static int cfs_read(const char *path, char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fh *fh = fh_of(fi);

	(void)path;
	if (!fh)
		return -EBADF;
	if (off < 0 || (size_t)off >= fh->data.len)
		return 0;
	if (size > fh->data.len - (size_t)off)
		size = fh->data.len - (size_t)off;
	memcpy(buf, fh->data.buf + off, size);
	return (int)size;
}

static int cfs_flush(const char *path, struct fuse_file_info *fi)
{
	/* Nothing is buffered yet; answering keeps the kernel from taking
	 * ENOSYS as "flush is never needed" for the whole mount. */
	(void)path;
	(void)fi;
	return 0;
}

static int cfs_release(const char *path, struct fuse_file_info *fi)
{
	struct fh *fh = fh_of(fi);

	(void)path;
	if (fh) {
		buf_release(&fh->data);
		free(fh);
	}
	return 0;
}

static int cfs_readlink(const char *path, char *buf, size_t size)
{
	struct buf target = BUF_INIT;
	struct node n;
	int rc;

	log_set_path(path);
	rc = tree_resolve(cfs_get(), path, &n);
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
	log_set_path(NULL);
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

/* Writes are not served yet: say so plainly rather than with ENOSYS,
 * which the kernel would remember for the whole mount. */
static int refuse(void)
{
	return cfs_get()->conf.ro ? -EROFS : -EACCES;
}

static int cfs_mkdir(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	return refuse();
}

static int cfs_unlink(const char *path)
{
	(void)path;
	return refuse();
}

static int cfs_rmdir(const char *path)
{
	(void)path;
	return refuse();
}

static int cfs_rename(const char *from, const char *to, unsigned int flags)
{
	(void)from;
	(void)to;
	(void)flags;
	return refuse();
}

static int cfs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path;
	(void)mode;
	(void)fi;
	return refuse();
}

static int cfs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)path;
	(void)size;
	(void)fi;
	return refuse();
}

const struct fuse_operations cfs_ops = {
	.init = cfs_init,
	.getattr = cfs_getattr,
	.readdir = cfs_readdir,
	.readlink = cfs_readlink,
	.open = cfs_open,
	.read = cfs_read,
	.flush = cfs_flush,
	.release = cfs_release,
	.statfs = cfs_statfs,
	.mkdir = cfs_mkdir,
	.unlink = cfs_unlink,
	.rmdir = cfs_rmdir,
	.rename = cfs_rename,
	.create = cfs_create,
	.truncate = cfs_truncate,
};
