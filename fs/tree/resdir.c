#include "tree/resdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/objects.h"
#include "base/log.h"
#include "base/xalloc.h"

/* The shadow directory of a resource directory (a string for shadow.h;
 * envs/ has its own, kind_envs.c), or of another object's directory (a
 * single object's, kind_single.c): its API path. */
static char *shadow_dir(const struct node_id *id)
{
	char *path, *dir;

	if (id->obj < OBJS && obj_get(id->obj)->single) {
		path = node_id_member_path(id);
		dir = xasprintf("obj%s", path);
		free(path);
		return dir;
	}
	return xasprintf("res/%s/%s", obj_kind_dir(id->rkind), id->uuid);
}

static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcmp(name + n - k, suffix);
}

/* Whether a new file of this name is one an editor or tool makes beside
 * the file it saves (research/editors.md). */
static bool temp_name(const char *name)
{
	size_t len = strlen(name);
	const char *dot = strrchr(name, '.');

	if (!len)
		return false;
	if (name[0] == '.' || name[len - 1] == '~')
		return true;
	if (strspn(name, "0123456789") == len)
		return true; /* vim's 4913 */
	if (dot && dot > name && dot[1] &&
	    strspn(dot + 1, "0123456789") == strlen(dot + 1))
		return true; /* write-file-atomic's FILE.N */
	return ends_with(name, "___jb_tmp___") ||
	       ends_with(name, "___jb_old___");
}

void resdir_list(const struct node *dir, struct dir_fill *fill)
{
	char *sdir = shadow_dir(&dir->id);
	char **names = shadow_names(&dir->fs->shadows, sdir);
	size_t i;

	for (i = 0; names[i]; i++) {
		struct node c = node_child(dir, &kind_res_shadow);

		snprintf(c.id.name, sizeof(c.id.name), "%s", names[i]);
		dir_add(fill, names[i], &c);
		free(names[i]);
	}
	free(names);
	free(sdir);
}

int resdir_lookup(struct node *n, const char *name)
{
	char *sdir = shadow_dir(&n->id);
	bool found = shadow_stat(&n->fs->shadows, sdir, name, NULL, NULL);

	free(sdir);
	if (!found)
		return -ENOENT;
	n->kind = &kind_res_shadow;
	return 0;
}

bool resdir_entry_gone(const struct node *dir, const char *name)
{
	char *sdir = shadow_dir(&dir->id);
	bool gone = shadow_key_gone(&dir->fs->shadows, sdir, name);

	free(sdir);
	return gone;
}

bool resdir_hide(const struct node *entry)
{
	char *sdir = shadow_dir(&entry->id);
	bool hidden = shadow_set_key_gone(&entry->fs->shadows, sdir,
					  entry->id.name, true);

	free(sdir);
	return hidden;
}

int resdir_create(const struct node *dir, const char *name,
		  const struct node *entry, int flags, struct fh *fh)
{
	bool mkstemp_like = (flags & O_ACCMODE) == O_RDWR && flags & O_EXCL;
	char *sdir = shadow_dir(&dir->id);
	int rc;

	if (entry) {
		/* vim's new FILE after FILE -> FILE~: the entry is there
		 * (the kernel forgot it with the rename), open it. */
		if (flags & O_EXCL)
			rc = -EEXIST;
		else if (!entry->kind->open || !entry->kind->written)
			rc = -EACCES;
		else
			rc = 0;
		if (!rc) {
			shadow_set_key_gone(&dir->fs->shadows, sdir, name,
					    false);
			fh->kind = entry->kind;
			fh->id.variant = entry->id.variant;
			rc = entry->kind->open(entry, fh);
		}
	} else if (mkstemp_like || temp_name(name)) {
		rc = shadow_create(&dir->fs->shadows, sdir, name,
				   flags & O_EXCL);
		fh->kind = &kind_res_shadow;
	} else {
		rc = -EACCES; /* nothing else can be made here */
	}
	free(sdir);
	return rc < 0 ? rc : FH_KEEP;
}

/* The path of dir's entry name, from the path the operation logs (the
 * rename's source, in the same directory): a failed save names the file
 * saved, not the temporary one. Caller frees. */
static char *entry_path(const char *name)
{
	const char *from = log_path();
	const char *slash = from ? strrchr(from, '/') : NULL;

	if (!slash)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - from), from, name);
}

/* Saves data as the whole of entry, through its kind: what a write of
 * it opened with O_TRUNC and closed would do. */
static int save_into(const struct node *entry, const struct buf *data)
{
	const char *op_path = log_path();
	char *path;
	struct fh fh;
	int rc;

	if (!entry->kind->open || !entry->kind->commit)
		return -EACCES;
	path = entry_path(entry->id.name);
	log_set_path(path);
	fh_init(&fh, entry, path, O_WRONLY | O_TRUNC);
	rc = entry->kind->open(entry, &fh);
	if (!rc)
		rc = buf_set(&fh.data, data->buf, data->len);
	if (!rc) {
		fh.dirty = true;
		rc = entry->kind->commit(&fh, true);
	}
	fh_release(&fh);
	log_set_path(op_path);
	free(path);
	return rc;
}

int resdir_rename(const struct node *dir, const struct node *from,
		  const struct node *to, const char *newname,
		  unsigned int flags)
{
	char *sdir = shadow_dir(&dir->id);
	struct shadows *sh = &dir->fs->shadows;
	bool to_shadow = shadow_stat(sh, sdir, newname, NULL, NULL);
	struct buf data = BUF_INIT;
	int rc;

	if (flags & ~(unsigned)RENAME_NOREPLACE) {
		rc = -EINVAL;
		goto out;
	}
	if (flags & RENAME_NOREPLACE && (to_shadow || to)) {
		rc = -EEXIST;
		goto out;
	}
	if (from->kind == &kind_res_shadow) {
		if (!to) {
			rc = to_shadow || temp_name(newname)
				 ? shadow_rename(sh, sdir, from->id.name,
						 newname)
				 : -EACCES;
			goto out;
		}
		/* sed -i, perl -pi, mkstemp + rename: the temporary file's
		 * contents are the entry's new contents, saved once. */
		rc = shadow_read(sh, sdir, from->id.name, &data);
		if (!rc)
			rc = save_into(to, &data);
		if (!rc) {
			shadow_unlink(sh, sdir, from->id.name, NULL);
			shadow_set_key_gone(sh, sdir, newname, false);
		}
		goto out;
	}
	if (to || !(to_shadow || temp_name(newname)) || !from->kind->render) {
		rc = -EACCES; /* entries are the API's: none is renamed */
		goto out;
	}
	/* FILE -> FILE~ (vim), FILE -> FILE___jb_old___ (JetBrains): a
	 * backup copy; the entry stays. */
	rc = from->kind->render(from, &data);
	if (!rc) {
		shadow_write(sh, sdir, newname, data.buf, data.len);
		shadow_set_backup(sh, sdir, newname, from->id.name);
	}
out:
	buf_release(&data);
	free(sdir);
	return rc;
}

/* ---- a temporary file ---- */

static int shadow_render(const struct node *n, struct buf *out)
{
	char *sdir = shadow_dir(&n->id);
	int rc = shadow_read(&n->fs->shadows, sdir, n->id.name, out);

	free(sdir);
	return rc;
}

static int shadow_size(const struct node *n, off_t *size)
{
	char *sdir = shadow_dir(&n->id);
	size_t len = 0;
	bool ok = shadow_stat(&n->fs->shadows, sdir, n->id.name, &len, NULL);

	free(sdir);
	*size = (off_t)len;
	return ok ? 0 : -ENOENT;
}

static time_t shadow_mtime(const struct node *n)
{
	char *sdir = shadow_dir(&n->id);
	time_t t = 0;

	shadow_stat(&n->fs->shadows, sdir, n->id.name, NULL, &t);
	free(sdir);
	return t;
}

static int shadow_open(const struct node *n, struct fh *fh)
{
	return fh->flags & O_TRUNC ? 0 : shadow_render(n, &fh->data);
}

static int shadow_written(struct fh *fh)
{
	(void)fh;
	return FH_KEEP;
}

static int shadow_commit(struct fh *fh, bool closing)
{
	char *sdir = shadow_dir(&fh->id);

	(void)closing;
	shadow_write(&fh->fs->shadows, sdir, fh->id.name, fh->data.buf,
		     fh->data.len);
	free(sdir);
	return 0;
}

static int shadow_truncate_node(const struct node *n, off_t size)
{
	char *sdir = shadow_dir(&n->id);
	int rc =
	    shadow_truncate(&n->fs->shadows, sdir, n->id.name, (size_t)size);

	free(sdir);
	return rc;
}

/* Dropping a backup whose entry was unlinked meanwhile shows the entry
 * again: nothing of a resource directory is deleted by an unlink. */
static int shadow_unlink_node(const struct node *n)
{
	char *sdir = shadow_dir(&n->id), *gone = NULL;
	int rc = shadow_unlink(&n->fs->shadows, sdir, n->id.name, &gone);

	free(gone);
	free(sdir);
	return rc;
}

/* Same owner and mode as the files it stands beside, so vim's 4913
 * probe finds nothing odd and saves by renaming. */
const struct node_kind kind_res_shadow = {
	.name = "resource-shadow",
	.type = S_IFREG,
	.perm = 0600,
	.render = shadow_render,
	.size = shadow_size,
	.mtime = shadow_mtime,
	.open = shadow_open,
	.written = shadow_written,
	.commit = shadow_commit,
	.truncate = shadow_truncate_node,
	.unlink = shadow_unlink_node,
};

int resdir_dir_lookup(struct node *n, const char *name,
		      int (*entries)(struct node *n, const char *name))
{
	if (!resdir_lookup(n, name))
		return 0;
	if (resdir_entry_gone(n, name))
		return -ENOENT; /* unlinked while its backup lives */
	return entries(n, name);
}

/* dir's entry called name, into *entry (holding no references): false
 * when there is none. */
static bool entry_of(const struct node *dir, const char *name,
		     struct node *entry,
		     int (*entries)(struct node *n, const char *name))
{
	*entry = *dir;
	entry->nrefs = 0;
	snprintf(entry->id.name, sizeof(entry->id.name), "%s", name);
	return !entries(entry, name);
}

int resdir_dir_create(const struct node *dir, const char *name, int flags,
		      struct fh *fh,
		      int (*entries)(struct node *n, const char *name))
{
	struct node entry;
	bool found = entry_of(dir, name, &entry, entries);

	return resdir_create(dir, name, found ? &entry : NULL, flags, fh);
}

int resdir_dir_rename(const struct node *dir, const struct node *from,
		      const char *newname, unsigned int flags,
		      int (*entries)(struct node *n, const char *name))
{
	struct node to;
	bool found = entry_of(dir, newname, &to, entries);

	return resdir_rename(dir, from, found ? &to : NULL, newname, flags);
}
