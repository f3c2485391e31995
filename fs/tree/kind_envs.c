/* envs/, envs-preview/ and envs.env: environment variables as files
 * (SPEC §3.1), a resource's or, on current Coolify, the shared variables
 * of a project, an environment, a server or the token's team (SPEC §6;
 * shared_envs.h puts them in those directories). Whose they are is the
 * node's id.obj: a resource's row, or the owner's (target_of()); the api
 * layer (envs.h) knows each owner's routes.
 *
 * A file in envs/ is either a key (its contents are the variable's value
 * plus a newline) or a shadow: a temporary file an editor or tool made
 * there, kept in memory only (shadow.h). A name that cannot be a key is
 * always a shadow; so is a file created the way mkstemp creates them
 * (O_RDWR|O_CREAT|O_EXCL), which is how sed -i, perl -pi, python and
 * mktemp make key-shaped temporary names, and one with a tool's suffix
 * (tool_suffix(): write-file-atomic's KEY.N, JetBrains' KEY___jb_tmp___)
 * that the API does not hold. Renaming a shadow onto a key saves it as
 * that key; renaming a key onto a temporary name copies it into a shadow
 * and keeps the variable, since the editor's next step writes the key
 * again (vim's KEY -> KEY~ backup). A key unlinked and created again at
 * once (tar -x, install) takes its old flags from a tombstone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "model/dotenv.h"
#include "api/envs.h"
#include "base/log.h"
#include "model/names.h"
#include "tree/node.h"
#include "api/objects.h"
#include "api/prefetch.h"
#include "base/xalloc.h"

/* The variables an env directory or file is about (a node's id or an
 * open handle's). */
static struct env_target target_of(const struct node_id *id)
{
	struct env_target t =
	    env_target_res(id->rkind, id->uuid, id->variant == NODE_PREVIEW);

	switch (id->obj) {
	case OBJ_PROJECT:
		t.owner = ENV_OWNER_PROJECT;
		break;
	case OBJ_ENV:
		t.owner = ENV_OWNER_ENV;
		t.project = id->project;
		break;
	case OBJ_SERVER:
		t.owner = ENV_OWNER_SERVER;
		break;
	case OBJ_TEAM:
		t.owner = ENV_OWNER_TEAM;
		break;
	default:
		break;
	}
	return t;
}

/* The shadow directory of an env directory (a string for shadow.h). */
static char *shadow_dir(const struct node_id *id)
{
	struct env_target t = target_of(id);

	if (env_target_shared(&t))
		return xasprintf("shared/%d/%s/%d", (int)t.owner,
				 t.uuid ? t.uuid : "", (int)id->variant);
	return xasprintf("%s/%s/%d", obj_kind_dir(id->rkind), id->uuid,
			 (int)id->variant);
}

/* Whether the last list of dir's variables holds key (asks nothing). */
static bool cached_has(const struct node *dir, const char *key)
{
	struct env_target t = target_of(&dir->id);

	return envs_cached_has(&dir->fs->api, &t, key);
}

/* A name that may reach the API as a key. */
static bool key_name(const char *name)
{
	return dotenv_key_valid(name);
}

#define JB_TMP "___jb_tmp___"
#define JB_OLD "___jb_old___"

/* Whether name ends in suffix, with something before it. */
static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcmp(name + n - k, suffix);
}

/* Whether a key-shaped name is one a tool makes beside the key it saves
 * (SPEC §3.1, research/editors.md): JetBrains' safe write uses
 * KEY___jb_tmp___ and KEY___jb_old___; write-file-atomic (npm and the
 * tools built on it) writes KEY.N, N its 32-bit hash in decimal. A key
 * may hold '.', so KEY.N is taken for a temporary name only when N is 1
 * to 10 digits and KEY is a key of this directory, or N has 6 digits or
 * more (a hash below 100000, one save in 40000, of a new key is created
 * and renamed as before). */
static bool tool_suffix(const struct node *dir, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t digits;
	char *prefix;
	bool known;

	if (ends_with(name, JB_TMP) || ends_with(name, JB_OLD))
		return true;
	if (!dot || dot == name)
		return false;
	digits = strlen(dot + 1);
	if (!digits || digits > 10 || strspn(dot + 1, "0123456789") != digits)
		return false;
	if (digits >= 6)
		return true;
	prefix = xstrndup(name, (size_t)(dot - name));
	known = cached_has(dir, prefix);
	free(prefix);
	return known;
}

/* Whether a file of this name in dir is temporary, a shadow, by its name
 * alone: it cannot be a key, or it has a tool's suffix and is not a key
 * at the API already (a variable the API holds is always shown as one). */
static bool temp_name(const struct node *dir, const char *name)
{
	if (!key_name(name))
		return true;
	return tool_suffix(dir, name) && !cached_has(dir, name);
}

/* tar -x and install unlink a key and create it again: the variable a
 * tombstone remembers gives the new one its flags (shadow.h). */
static void bury(const struct node *n)
{
	char *sdir = shadow_dir(&n->id);
	unsigned flags = 0, has = 0;
	int f;

	for (f = 0; f < ENV_FLAGS; f++) {
		flags |= (unsigned)n->var->flags[f] << f;
		has |= (unsigned)n->var->has[f] << f;
	}
	shadow_bury(&n->fs->shadows, sdir, n->id.name, flags, has);
	free(sdir);
}

/* The flags a key's tombstone holds, as the variable to take them from
 * (into like); false when it has none. */
static bool buried_like(struct cfs *fs, const struct node_id *dir,
			const char *key, struct env_var *like)
{
	char *sdir = shadow_dir(dir);
	unsigned flags, has;
	bool found;
	int f;

	found = shadow_tombstone(&fs->shadows, sdir, key, &flags, &has);
	free(sdir);
	memset(like, 0, sizeof(*like));
	for (f = 0; found && f < ENV_FLAGS; f++) {
		like->flags[f] = flags >> f & 1;
		like->has[f] = has >> f & 1;
	}
	return found;
}

/* Sets key in the env directory dir is (or is in) as envs_set() does;
 * a key created again right after its unlink takes the flags it had. */
static int set_value(struct cfs *fs, const struct node_id *dir, const char *key,
		     const char *value)
{
	struct env_target t = target_of(dir);
	struct env_var like;
	bool buried = buried_like(fs, dir, key, &like);
	int rc;

	rc = envs_set(&fs->api, &t, key, value, buried ? &like : NULL);
	if (!rc && buried) {
		char *sdir = shadow_dir(dir);

		shadow_forget(&fs->shadows, sdir, key);
		free(sdir);
	}
	return rc;
}

/* A value cannot hold a NUL: the API's strings end there, so what was
 * written would be cut short without a word (`printf 'a\0b'`). */
static int check_value(const struct buf *data, const char *key)
{
	if (!memchr(data->buf, '\0', data->len))
		return 0;
	log_error("not saved, nothing sent: the value of %s holds a NUL byte",
		  key);
	return -EINVAL;
}

/* ---- envs/ ---- */

static int envs_dir_list(const struct node *dir, struct dir_fill *fill)
{
	struct env_target t = target_of(&dir->id);
	const struct env_list *l;
	struct cval *cv;
	char **names, *sdir;
	size_t i;
	int rc;

	/* Before our own request, so that the next ones overlap it (a
	 * walk's next resources; shared variables are few). */
	if (!env_target_shared(&t))
		prefetch_after(&dir->fs->prefetch, PREFETCH_ENVS, dir->res);
	rc = envs_get(&dir->fs->api, &t, &cv);
	if (rc)
		return rc;
	l = cv->data;
	sdir = shadow_dir(&dir->id);
	for (i = 0; i < l->n; i++) {
		struct node c = node_child(dir, &kind_env_file);

		if (l->v[i].preview != (dir->id.variant == NODE_PREVIEW) ||
		    shadow_key_gone(&dir->fs->shadows, sdir, l->v[i].key))
			continue;
		/* A list that repeats a key shows it once: the one a lookup
		 * finds. A key that cannot be a file name ("", "a/b": the
		 * 2025 API took any key) is only in envs.env. */
		if (env_list_find(l, l->v[i].key, l->v[i].preview) !=
			&l->v[i] ||
		    !name_is_entry(l->v[i].key))
			continue;
		c.var = &l->v[i];
		snprintf(c.id.name, sizeof(c.id.name), "%s", l->v[i].key);
		if (dir_add(fill, l->v[i].key, &c))
			goto out_free;
	}
	names = shadow_names(&dir->fs->shadows, sdir);
	for (i = 0; names[i]; i++) {
		struct node c = node_child(dir, &kind_env_shadow);

		snprintf(c.id.name, sizeof(c.id.name), "%s", names[i]);
		dir_add(fill, names[i], &c);
		free(names[i]);
	}
	free(names);
out_free:
	free(sdir);
	cval_put(cv);
	return 0;
}

static int envs_dir_lookup(struct node *n, const char *name)
{
	struct env_target t = target_of(&n->id);
	const struct env_var *v;
	struct cval *cv;
	char *sdir;
	bool shadow;
	int rc;

	sdir = shadow_dir(&n->id);
	shadow = shadow_stat(&n->fs->shadows, sdir, name, NULL, NULL);
	free(sdir);
	if (shadow) {
		n->kind = &kind_env_shadow;
		return 0;
	}
	/* Probes for .KEY.swp, 4913, KEY~ cost no request. A listed key
	 * that is not key-shaped (NOTES §10.1: the 2025 API took any key,
	 * "MY-VAR" too) is in the list already. */
	if (!key_name(name) && !cached_has(n, name))
		return -ENOENT;
	sdir = shadow_dir(&n->id);
	shadow = shadow_key_gone(&n->fs->shadows, sdir, name);
	free(sdir);
	if (shadow)
		return -ENOENT; /* unlinked while its backup lives */
	rc = envs_get(&n->fs->api, &t, &cv);
	if (rc)
		return rc;
	v = env_list_find(cv->data, name, t.preview);
	if (!v) {
		cval_put(cv);
		return -ENOENT;
	}
	node_hold(n, cv);
	n->var = v;
	n->kind = &kind_env_file;
	return 0;
}

static int envs_dir_create(const struct node *dir, const char *name, int flags,
			   struct fh *fh)
{
	bool mkstemp_like = (flags & O_ACCMODE) == O_RDWR && flags & O_EXCL;
	struct node key;
	int rc;

	if (mkstemp_like || temp_name(dir, name)) {
		char *sdir = shadow_dir(&dir->id);

		rc = shadow_create(&dir->fs->shadows, sdir, name,
				   flags & O_EXCL);
		free(sdir);
		fh->kind = &kind_env_shadow;
		return rc;
	}
	/* A real create: cp, `set -C` redirections, vim's new KEY. */
	{
		char *sdir = shadow_dir(&dir->id);

		shadow_set_key_gone(&dir->fs->shadows, sdir, name, false);
		free(sdir);
	}
	key = *dir;
	key.nrefs = 0;
	rc = envs_dir_lookup(&key, name);
	fh->kind = &kind_env_file;
	if (rc == -ENOENT) {
		/* Created when the handle is committed, even empty (touch). */
		return FH_NEW;
	}
	if (!rc && flags & O_EXCL)
		rc = -EEXIST;
	if (!rc && key.kind == &kind_env_file && !(flags & O_TRUNC) &&
	    key.var->value)
		buf_addf(&fh->data, "%s\n", key.var->value);
	node_release(&key);
	return rc;
}

/* Contents of a key as a file: the value and a newline. */
static int env_contents(const struct env_var *v, struct buf *out)
{
	if (!v->value)
		return -EACCES; /* never an empty file for a hidden value */
	return buf_addf(out, "%s\n", v->value);
}

static int envs_dir_rename(const struct node *dir, const struct node *from,
			   const char *newname, unsigned int flags)
{
	struct env_target t = target_of(&dir->id);
	char *sdir = shadow_dir(&dir->id);
	struct shadows *sh = &dir->fs->shadows;
	bool to_shadow = shadow_stat(sh, sdir, newname, NULL, NULL);
	struct buf data = BUF_INIT;
	int rc;

	if (flags & ~(unsigned)RENAME_NOREPLACE) {
		rc = -EINVAL;
		goto out;
	}
	if (flags & RENAME_NOREPLACE && to_shadow) {
		rc = -EEXIST;
		goto out;
	}
	if (from->kind == &kind_env_shadow) {
		if (to_shadow || temp_name(dir, newname)) {
			rc = shadow_rename(sh, sdir, from->id.name, newname);
			goto out;
		}
		/* Saving through a temporary file: its contents become
		 * the key's value (sed -i, perl -pi, mkstemp+rename). */
		rc = shadow_read(sh, sdir, from->id.name, &data);
		if (!rc)
			rc = check_value(&data, newname);
		if (rc)
			goto out;
		if (data.len && data.buf[data.len - 1] == '\n')
			buf_truncate(&data, data.len - 1);
		rc = set_value(dir->fs, &dir->id, newname, data.buf);
		if (!rc)
			shadow_unlink(sh, sdir, from->id.name, NULL);
		goto out;
	}
	if (from->kind != &kind_env_file) {
		rc = -EACCES;
		goto out;
	}
	if (to_shadow || temp_name(dir, newname)) {
		/* KEY -> KEY~ (vim), KEY -> KEY___jb_old___ (JetBrains): a
		 * backup copy; the variable stays. */
		rc = env_contents(from->var, &data);
		if (!rc) {
			shadow_write(sh, sdir, newname, data.buf, data.len);
			shadow_set_backup(sh, sdir, newname, from->id.name);
		}
		goto out;
	}
	rc = envs_rename(&dir->fs->api, &t, from->id.name, newname,
			 flags & RENAME_NOREPLACE);
out:
	explicit_bzero(data.buf, data.len);
	buf_release(&data);
	free(sdir);
	return rc;
}

const struct node_kind kind_envs_dir = {
	.name = "envs",
	.type = S_IFDIR,
	.list = envs_dir_list,
	.lookup = envs_dir_lookup,
	.create = envs_dir_create,
	.rename = envs_dir_rename,
};

/* ---- a key ---- */

static int env_render(const struct node *n, struct buf *out)
{
	return env_contents(n->var, out);
}

static int env_size(const struct node *n, off_t *size)
{
	*size = n->var->value ? (off_t)strlen(n->var->value) + 1 : 0;
	return 0;
}

static time_t env_mtime(const struct node *n)
{
	return n->var->mtime;
}

static int env_open(const struct node *n, struct fh *fh)
{
	int acc = fh->flags & O_ACCMODE;

	if (acc != O_WRONLY && !n->var->value)
		return -EACCES;
	/* A hidden value can only be replaced whole: what an append or an
	 * overwrite in place would leave of it is unknown to us. */
	if (!n->var->value && !(fh->flags & O_TRUNC))
		return -EACCES;
	if (fh->flags & O_TRUNC || !n->var->value)
		return 0;
	return env_contents(n->var, &fh->data);
}

/* The value a file's contents stand for: one trailing newline dropped. */
static char *value_of(const struct buf *data)
{
	size_t len = data->len;

	if (len && data->buf[len - 1] == '\n')
		len--;
	return xstrndup(data->buf, len);
}

static int env_commit(struct fh *fh, bool closing)
{
	char *value;
	int rc;

	(void)closing;
	rc = check_value(&fh->data, fh->id.name);
	if (rc)
		return rc;
	value = value_of(&fh->data);
	rc = set_value(fh->fs, &fh->id, fh->id.name, value);
	explicit_bzero(value, strlen(value));
	free(value);
	return rc;
}

/* bash ignores close()'s error for `echo v > KEY`, so a write that
 * completes a one-line value is sent now and its refusal is write()'s
 * error (SPEC §3.1). A value of several lines waits for close or fsync,
 * so that one written in pieces is sent once, whole. */
static int env_written(struct fh *fh)
{
	const struct buf *d = &fh->data;

	if (!d->len || d->buf[d->len - 1] != '\n' ||
	    memchr(d->buf, '\n', d->len) != d->buf + d->len - 1)
		return FH_KEEP;
	/* Done either way: a refusal is this write()'s error, and the same
	 * content is not sent again at close. */
	return FH_SEND;
}

/* truncate(1) by path: the value cut to size bytes of its file. */
static int env_truncate(const struct node *n, off_t size)
{
	struct env_target t = target_of(&n->id);
	struct buf data = BUF_INIT;
	char *value;
	int rc;

	if (!n->var->value && size)
		return -EACCES;
	if (n->var->value)
		env_contents(n->var, &data);
	if ((size_t)size < data.len)
		buf_truncate(&data, (size_t)size);
	if ((size_t)size > data.len) {
		/* The file would read as the value and NULs. */
		log_error("not saved, nothing sent: %s cannot grow to %lld "
			  "bytes, a value holds no NUL byte",
			  n->id.name, (long long)size);
		rc = -EINVAL;
		goto out;
	}
	value = value_of(&data);
	rc = envs_set(&n->fs->api, &t, n->id.name, value, NULL);
	free(value);
out:
	buf_release(&data);
	return rc;
}

static int env_unlink(const struct node *n)
{
	struct env_target t = target_of(&n->id);
	char *sdir = shadow_dir(&n->id);
	bool backed_up;
	int rc;

	/* vim's failed save: the key goes, then its backup comes back. */
	backed_up =
	    shadow_set_key_gone(&n->fs->shadows, sdir, n->id.name, true);
	free(sdir);
	if (backed_up)
		return 0;
	rc = envs_delete(&n->fs->api, &t, n->id.name);
	if (!rc)
		bury(n);
	return rc;
}

#define XATTR_PREFIX "user.coolify."

/* The flag an xattr name stands for, or -1. */
static int xattr_flag(const char *name)
{
	int f;

	if (strncmp(name, XATTR_PREFIX, sizeof(XATTR_PREFIX) - 1))
		return -1;
	name += sizeof(XATTR_PREFIX) - 1;
	for (f = 0; f < ENV_FLAGS; f++)
		if (!strcmp(name, env_flag_name(f)))
			return f;
	return -1;
}

/* A resource's variable has a uuid; a shared one a numeric id (NOTES
 * §17.7), shown as user.coolify.id. */
static const char *id_xattr(const struct node *n)
{
	struct env_target t = target_of(&n->id);

	return env_target_shared(&t) ? XATTR_PREFIX "id" : XATTR_PREFIX "uuid";
}

static int env_getxattr(const struct node *n, const char *name, struct buf *out)
{
	int f = xattr_flag(name);

	if (!strcmp(name, id_xattr(n)))
		return buf_adds(out, n->var->uuid ? n->var->uuid : "");
	if (f < 0 || !n->var->has[f])
		return -ENODATA;
	return buf_adds(out, n->var->flags[f] ? "1" : "0");
}

static int env_listxattr(const struct node *n, struct buf *out)
{
	int f;

	for (f = 0; f < ENV_FLAGS; f++)
		if (n->var->has[f])
			buf_addf(out, XATTR_PREFIX "%s%c", env_flag_name(f),
				 '\0');
	if (n->var->uuid)
		buf_addf(out, "%s%c", id_xattr(n), '\0');
	return 0;
}

static int env_setxattr(const struct node *n, const char *name,
			const char *value, size_t size, int flags)
{
	struct env_target t = target_of(&n->id);
	int f = xattr_flag(name);
	bool on;

	if (f < 0)
		return strncmp(name, XATTR_PREFIX, sizeof(XATTR_PREFIX) - 1)
			   ? -ENOTSUP
			   : -EACCES; /* user.coolify.uuid and the like */
	if (flags & XATTR_CREATE)
		return -EEXIST; /* every flag always exists */
	while (size && (value[size - 1] == '\n' || value[size - 1] == ' '))
		size--;
	if (size == 1 && (value[0] == '0' || value[0] == '1'))
		on = value[0] == '1';
	else if (size == 4 && !strncmp(value, "true", 4))
		on = true;
	else if (size == 5 && !strncmp(value, "false", 5))
		on = false;
	else
		return -EINVAL;
	return envs_set_flag(&n->fs->api, &t, n->id.name, f, on);
}

const struct node_kind kind_env_file = {
	.name = "env",
	.type = S_IFREG,
	.perm = 0600,
	.render = env_render,
	.size = env_size,
	.mtime = env_mtime,
	.open = env_open,
	.written = env_written,
	.commit = env_commit,
	.truncate = env_truncate,
	.unlink = env_unlink,
	.getxattr = env_getxattr,
	.setxattr = env_setxattr,
	.listxattr = env_listxattr,
};

/* ---- a shadow ---- */

static char *node_shadow_dir(const struct node *n)
{
	return shadow_dir(&n->id);
}

static int shadow_render(const struct node *n, struct buf *out)
{
	char *sdir = node_shadow_dir(n);
	int rc = shadow_read(&n->fs->shadows, sdir, n->id.name, out);

	free(sdir);
	return rc;
}

static int shadow_size(const struct node *n, off_t *size)
{
	char *sdir = node_shadow_dir(n);
	size_t len = 0;
	bool ok = shadow_stat(&n->fs->shadows, sdir, n->id.name, &len, NULL);

	free(sdir);
	*size = (off_t)len;
	return ok ? 0 : -ENOENT;
}

static time_t shadow_mtime(const struct node *n)
{
	char *sdir = node_shadow_dir(n);
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
	(void)closing;
	char *sdir = shadow_dir(&fh->id);

	shadow_write(&fh->fs->shadows, sdir, fh->id.name, fh->data.buf,
		     fh->data.len);
	free(sdir);
	return 0;
}

static int shadow_truncate_node(const struct node *n, off_t size)
{
	char *sdir = node_shadow_dir(n);
	int rc =
	    shadow_truncate(&n->fs->shadows, sdir, n->id.name, (size_t)size);

	free(sdir);
	return rc;
}

static int shadow_unlink_node(const struct node *n)
{
	struct env_target t = target_of(&n->id);
	char *sdir = node_shadow_dir(n), *gone = NULL;
	int rc = shadow_unlink(&n->fs->shadows, sdir, n->id.name, &gone);

	/* The backup of an unlinked key is dropped: the delete is real. */
	if (!rc && gone)
		rc = envs_delete(&n->fs->api, &t, gone);
	free(gone);
	free(sdir);
	return rc;
}

/* Same owner and mode as a key, so vim's 4913 probe finds nothing odd
 * and saves by renaming (research/fuse-anchors.md §A1.4). */
const struct node_kind kind_env_shadow = {
	.name = "env-shadow",
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

/* ---- envs.env ---- */

static int envs_env_render(const struct node *n, struct buf *out)
{
	struct env_target t = target_of(&n->id);
	const struct env_list *l;
	struct cval *cv;
	size_t i;
	int rc;

	rc = envs_get(&n->fs->api, &t, &cv);
	if (rc)
		return rc;
	l = cv->data;
	for (i = 0; i < l->n && !rc; i++) {
		if (l->v[i].preview)
			continue;
		/* A hidden value (no read:sensitive, NOTES §1.5; or
		 * is_shown_once, hidden even from root, NOTES §17.4) is a
		 * comment, so the file stays readable (grep -r); a save
		 * never deletes it (envs_apply). */
		if (!l->v[i].value)
			buf_addf(out, "# %s: value not readable\n",
				 l->v[i].key);
		else
			dotenv_format(out, l->v[i].key, l->v[i].value);
	}
	cval_put(cv);
	return rc;
}

static int envs_env_size(const struct node *n, off_t *size)
{
	struct buf b = BUF_INIT;
	int rc = envs_env_render(n, &b);

	*size = rc ? 0 : (off_t)b.len;
	explicit_bzero(b.buf, b.len);
	buf_release(&b);
	return rc == -EACCES ? 0 : rc;
}

static int envs_env_open(const struct node *n, struct fh *fh)
{
	if (fh->flags & O_TRUNC && (fh->flags & O_ACCMODE) == O_WRONLY)
		return 0;
	return envs_env_render(n, &fh->data);
}

static int envs_env_written(struct fh *fh)
{
	(void)fh;
	return FH_KEEP; /* the whole file is checked and applied at close */
}

static int envs_env_commit(struct fh *fh, bool closing)
{
	struct env_target t = target_of(&fh->id);
	struct buf err = BUF_INIT;
	struct dotenv want;
	int rc;

	(void)closing;
	rc = dotenv_parse(fh->data.buf, fh->data.len, &want, &err);
	if (rc) {
		log_error("not saved, nothing sent: %s", err.buf);
		buf_release(&err);
		return rc;
	}
	rc = envs_apply(&fh->fs->api, &t, &want);
	dotenv_release(&want);
	return rc;
}

const struct node_kind kind_envs_env = {
	.name = "envs.env",
	.type = S_IFREG,
	.perm = 0600,
	.render = envs_env_render,
	.size = envs_env_size,
	.open = envs_env_open,
	.written = envs_env_written,
	.commit = envs_env_commit,
};
