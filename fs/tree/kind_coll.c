/* Collections of plain objects (SPEC §2, §6): servers/, keys/, teams/
 * and every other row of objects.h with top set. One kind serves them
 * all, reading the row: the directory lists the members of GET PATH; a
 * member's directory has the row's file, a ctl when its ctl takes verbs
 * (inst_actions.h), and the collection has new.json when the API can
 * create one.
 *
 * What a collection really has of its own is below, in hooks[]: a
 * server's resources.json and domains, a key's public_key, a team's
 * members.json and teams/current. A collection without a row there is
 * only its objects.h row.
 *
 * A directory may list the members of several rows (objects.h's with: a
 * service's containers/, its applications and its databases): each
 * member node is of the row it came from, so its paths, file, texts,
 * logs and ctl are that row's.
 *
 * A row with a link (an application's extra destinations) shows its
 * members as symlinks into the collection the link names, not as
 * directories. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/inst_actions.h"
#include "api/instance.h"
#include "api/store.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "tree/jsonfile.h"
#include "tree/kind_inst.h"
#include "api/objects.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "model/objlist.h"
#include "tree/kind_cloud.h"
#include "tree/rename.h"
#include "tree/shared_envs.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* NOTES §13: public_key is computed by the instance and always shown;
 * a line of text, like an ssh .pub file. */
static int public_render(const struct node *n, struct buf *out)
{
	const struct objlist_item *it = n->obj;
	int rc = objlist_field(it, "public_key", out);

	if (!rc)
		rc = buf_addch(out, '\n');
	return rc;
}

static const struct node_kind kind_key_public = {
	.name = "public_key",
	.type = S_IFREG,
	.render = public_render,
	.mtime = kind_inst_item_mtime,
};

/* teams/current -> the token's team. A team called "current" is listed
 * as current@ID (the row's reserved names), so the link hides none. */
static int current_readlink(const struct node *n, struct buf *out)
{
	const struct objlist_item *it;
	struct buf id = BUF_INIT;
	struct cval *v;
	int rc;

	rc = instance_current_team(&n->fs->api, &id);
	if (rc)
		goto out;
	rc = instance_list(&n->fs->api, OBJ_TEAM, &v);
	if (rc)
		goto out;
	it = objlist_by_id(v->data, id.buf);
	if (it)
		buf_adds(out, it->dirname);
	else
		rc = -ENOENT;
	cval_put(v);
out:
	buf_release(&id);
	return rc;
}

static const struct node_kind kind_team_current = {
	.name = "team-current",
	.type = S_IFLNK,
	.readlink = current_readlink,
};

/* A GitHub repository's branches (GithubController::load_branches:
 * GitHub's own objects in {"branches":[...]}), one name a line. arg is
 * the path that follows the repository's, OWNER/REPO. */
static int branches_render(const struct node *n, struct buf *out)
{
	char *member = node_id_member_path(&n->id);
	char *path = xasprintf("%s%s", member, n->arg);
	struct cval *v;
	int rc = store_json(&n->fs->api, path, &v);

	if (!rc) {
		rc = objlist_lines(v->data, "branches", "name", out);
		if (rc)
			log_error("GET %s: the answer is not the JSON the API "
				  "documents",
				  path);
		cval_put(v);
	}
	free(path);
	free(member);
	return rc;
}

/* SPEC §4: a listing costs no request per file. Listed, the file has
 * the size of what was last fetched, or 0 (reads are direct); a stat of
 * its own asks. */
static int branches_size(const struct node *n, off_t *size)
{
	struct buf text = BUF_INIT;
	int rc = 0;

	if (n->listing) {
		char *member = node_id_member_path(&n->id);
		char *path = xasprintf("%s%s", member, n->arg);
		struct cval *v = cache_peek(&n->fs->api.cache, path);

		if (v)
			objlist_lines(v->data, "branches", "name", &text);
		cval_put(v);
		free(path);
		free(member);
	} else {
		rc = branches_render(n, &text);
	}
	*size = (off_t)text.len;
	buf_release(&text);
	return rc;
}

static const struct node_kind kind_repo_branches = {
	.name = "branches",
	.type = S_IFREG,
	.render = branches_render,
	.size = branches_size,
	.mtime = kind_inst_item_mtime,
};

static const struct inst_entry repo_files[] = {
	{ "branches", &kind_repo_branches, "/branches" },
};

static const struct inst_entry server_files[] = {
	{ "resources.json", &kind_inst_json, "/resources" },
	{ "domains", &kind_inst_domains, "/domains" },
};

static const struct inst_entry key_files[] = {
	{ "public_key", &kind_key_public, NULL },
};

static const struct inst_entry team_files[] = {
	{ "members.json", &kind_inst_json, "/members" },
};

/* A storage's volume-backup schedule: PUT .../backups, no GET
 * (kind_saved.c). */
static const struct inst_entry storage_files[] = {
	{ "backup.json", &kind_saved_json, "/backups" },
};

/* A token's catalogue is its provider's, read with it (kind_cloud.h). */
static const struct inst_entry token_files[] = {
	{ "catalogue", &kind_cloud_catalogue, NULL },
};

static const struct inst_entry teams_entries[] = {
	{ "current", &kind_team_current, NULL },
};

/* What a collection has besides what its row says. */
struct coll_hooks {
	/* A member's files after the row's own file. */
	const struct inst_entry *files;
	size_t nfiles;
	/* The collection's entries before its members; their names are
	 * the row's reserved ones. */
	const struct inst_entry *entries;
	size_t nentries;
	/* A member has shared variables (shared_envs.h decides where). */
	bool shared_envs;
	/* A file of the collection that creates objects of another row
	 * (servers/import.json: OBJ_SRV_IMPORT), like new.json, where the
	 * instance has that row; NULL for none. Not listed, as new.json. */
	const char *create_file;
	enum api_obj create_obj;
};

static const struct coll_hooks hooks[OBJS] = {
	[OBJ_SERVER] = { server_files, N_OF(server_files), NULL, 0, true,
			 "import.json", OBJ_SRV_IMPORT },
	[OBJ_KEY] = { key_files, N_OF(key_files), NULL, 0, false, NULL, OBJS },
	[OBJ_TEAM] = { team_files, N_OF(team_files), teams_entries,
		       N_OF(teams_entries), true, NULL, OBJS },
	[OBJ_STORAGE] = { storage_files, N_OF(storage_files), NULL, 0, false,
			  NULL, OBJS },
	[OBJ_GH_REPO] = { repo_files, N_OF(repo_files), NULL, 0, false, NULL,
			  OBJS },
	[OBJ_CLOUD_TOKEN] = { token_files, N_OF(token_files), NULL, 0, false,
			      NULL, OBJS },
};

/* A collection's node and its members' are about the row's objects:
 * id.obj is the row (kind_inst.h). */
static const struct api_object *row_of(const struct node *n)
{
	return obj_get(n->id.obj);
}

static const struct coll_hooks *hooks_of(const struct node *n)
{
	return &hooks[n->id.obj];
}

/* Whether name is the collection's other create file (coll_hooks). */
static bool is_create_file(const struct node *n, const char *name)
{
	const struct coll_hooks *h = hooks_of(n);

	return h->create_file && !strcmp(name, h->create_file) &&
	       obj_supported(obj_get(h->create_obj), n->fs->api.current_api);
}

/* ---- the collection ---- */

/* GET of the collection n is (or is in): the mount's own, or one that
 * belongs to a resource or a member (its owner's path first). */
static int coll_fetch(const struct node *n, struct cval **v)
{
	char *path;
	int rc;

	if (row_of(n)->owner == OWNER_MOUNT)
		return instance_list(&n->fs->api, n->id.obj, v);
	/* A directory of several rows' members (objects.h's with). */
	if (row_of(n)->with) {
		path = node_id_owner(&n->id);
		rc = instance_list_joined(&n->fs->api, n->id.obj, path, v);
		free(path);
		return rc;
	}
	path = node_id_list_path(&n->id);
	rc = instance_list_at(&n->fs->api, n->id.obj, path, v);
	free(path);
	return rc;
}

/* DIR/latest of a history of runs (SPEC §6): the newest, which the API
 * lists first. */
static int latest_readlink(const struct node *n, struct buf *out)
{
	const struct objlist *l;
	struct cval *v;
	int rc = coll_fetch(n, &v);

	if (rc)
		return rc;
	l = v->data;
	if (l->n)
		buf_adds(out, l->v[0].dirname);
	else
		rc = -ENOENT;
	cval_put(v);
	return rc;
}

static const struct node_kind kind_runs_latest = {
	.name = "runs-latest",
	.type = S_IFLNK,
	.readlink = latest_readlink,
};

/* ---- members that are links (objects.h's struct obj_link) ---- */

/* How many components the path of a collection of row o has: servers/
 * is one, projects/P/E/applications/A/tasks six, and a member's
 * collection two more than its owner's. */
static int coll_depth(const struct api_object *o)
{
	switch (o->owner) {
	case OWNER_RESOURCE:
		return 6;
	case OWNER_MEMBER:
		return coll_depth(obj_get(o->parent)) + 2;
	default:
		return 1;
	}
}

/* Whether the link row's item is left out (the primary destination). */
static bool link_hidden(const struct api_object *o,
			const struct objlist_item *it)
{
	return o->link->hide_field && objlist_flag(it, o->link->hide_field);
}

/* The entry name of member id of row to, whose owner (a member of the
 * mount's collection to->parent) is owner_id: "S/destinations/D" into
 * out, after the owner collection's directory. */
static int link_target(struct api *api, enum api_obj to, const char *owner_id,
		       const char *id, struct buf *out)
{
	const struct api_object *t = obj_get(to), *p = obj_get(t->parent);
	const struct objlist_item *owner, *it;
	struct cval *pv, *tv = NULL;
	char *opath, *lpath;
	int rc;

	rc = instance_list(api, t->parent, &pv);
	if (rc)
		return rc;
	owner = objlist_by_id(pv->data, owner_id);
	if (!owner) {
		rc = -ENOENT;
		goto out;
	}
	opath = obj_member_path(p, NULL, owner_id);
	lpath = obj_list_path(t, opath);
	rc = instance_list_at(api, to, lpath, &tv);
	free(lpath);
	free(opath);
	if (rc)
		goto out;
	it = objlist_by_id(tv->data, id);
	if (it)
		buf_addf(out, "%s/%s/%s/%s", p->dir, owner->dirname, t->dir,
			 it->dirname);
	else
		rc = -ENOENT;
out:
	cval_put(tv);
	cval_put(pv);
	return rc;
}

/* APP/destinations/D -> ../../../../../../servers/S/destinations/D: up
 * to the mount's root, then the target member's path. */
static int link_readlink(const struct node *n, struct buf *out)
{
	const struct api_object *o = row_of(n);
	const struct objlist_item *it = n->obj;
	struct buf owner = BUF_INIT;
	int i, rc;

	rc = objlist_field(it, o->link->owner_field, &owner);
	if (rc)
		goto out;
	for (i = 0; i < coll_depth(o); i++)
		buf_adds(out, "../");
	rc = link_target(&n->fs->api, o->link->to, owner.buf, it->uuid, out);
out:
	buf_release(&owner);
	return rc;
}

static const struct node_kind kind_coll_link = {
	.name = "coll-link",
	.type = S_IFLNK,
	.readlink = link_readlink,
	.mtime = kind_inst_item_mtime,
};

/* The kind of a member of n's collection. */
static const struct node_kind *member_kind(const struct node *n)
{
	return row_of(n)->link ? &kind_coll_link : &kind_member;
}

/* Whether the resource n is in says its collection is empty (the row's
 * count_field is 0 in the resource's JSON), so that nothing need be
 * asked. */
static bool known_empty(const struct node *n)
{
	const struct api_object *o = row_of(n);
	struct json_object *root, *v;
	char *json;
	bool empty;

	if (!o->count_field || o->owner != OWNER_RESOURCE || !n->res ||
	    !n->res->json.data)
		return false;
	json = model_resource_json(n->res);
	root = json ? model_json_parse(json) : NULL;
	empty = root && json_object_object_get_ex(root, o->count_field, &v) &&
		json_object_is_type(v, json_type_int) &&
		json_object_get_int64(v) == 0;
	json_object_put(root);
	free(json);
	return empty;
}

static int coll_list(const struct node *dir, struct dir_fill *fill)
{
	const struct coll_hooks *h = hooks_of(dir);
	const struct objlist *l;
	struct cval *v;
	size_t i;
	int rc;

	if (h->nentries &&
	    kind_inst_entries_list(dir, fill, h->entries, h->nentries))
		return 0;
	if (known_empty(dir))
		return 0;
	rc = coll_fetch(dir, &v);
	if (rc)
		return rc;
	l = v->data;
	if (row_of(dir)->runs && l->n) {
		struct node c = node_child(dir, &kind_runs_latest);

		if (dir_add(fill, "latest", &c)) {
			cval_put(v);
			return 0;
		}
	}
	for (i = 0; i < l->n; i++) {
		struct node c = node_child(dir, member_kind(dir));

		if (row_of(dir)->link && link_hidden(row_of(dir), &l->v[i]))
			continue;
		/* Each member is of the row it came from. */
		kind_inst_item_set(&c, &l->v[i],
				   obj_source(dir->id.obj, l->v[i].src));
		if (dir_add(fill, l->v[i].dirname, &c))
			break;
	}
	cval_put(v);
	return 0;
}

static int coll_lookup(struct node *n, const char *name)
{
	const struct coll_hooks *h = hooks_of(n);
	const struct objlist_item *it;
	struct cval *v;
	int rc;

	if (!kind_inst_entries_lookup(n, name, h->entries, h->nentries))
		return 0;
	if (known_empty(n))
		return row_of(n)->verbs & OBJ_CREATE
			   ? jsonfile_new_lookup(n, name, n->id.obj)
			   : -ENOENT;
	rc = coll_fetch(n, &v);
	if (rc)
		return rc;
	if (row_of(n)->runs && !strcmp(name, "latest") &&
	    ((const struct objlist *)v->data)->n) {
		cval_put(v);
		n->kind = &kind_runs_latest;
		return 0;
	}
	it = objlist_find(v->data, name);
	if (it && row_of(n)->link && link_hidden(row_of(n), it))
		it = NULL;
	if (!it) {
		cval_put(v);
		/* An object called new.json wins: it is listed. */
		if (is_create_file(n, name)) {
			jsonfile_create_lookup(n, hooks_of(n)->create_obj);
			return 0;
		}
		if (row_of(n)->verbs & OBJ_CREATE)
			return jsonfile_new_lookup(n, name, n->id.obj);
		return -ENOENT;
	}
	node_hold(n, v);
	kind_inst_item_set(n, it, obj_source(n->id.obj, it->src));
	n->kind = member_kind(n);
	return 0;
}

/* new.json creates one (SPEC §3.4). */
static int coll_create(const struct node *dir, const char *name, int flags,
		       struct fh *fh)
{
	(void)flags;
	if (is_create_file(dir, name))
		return jsonfile_create_open(dir, fh, hooks_of(dir)->create_obj);
	if (!(row_of(dir)->verbs & OBJ_CREATE))
		return -EACCES;
	return jsonfile_new_create(dir, name, fh, dir->id.obj);
}

const struct node_kind kind_coll = {
	.name = "collection",
	.type = S_IFDIR,
	.list = coll_list,
	.lookup = coll_lookup,
	.create = coll_create,
	.rename = rename_member,
};

/* ---- a member ---- */

/* The row's file: its own GET or the list's item, writable when the API
 * takes a PATCH. */
static const struct node_kind *file_kind(const struct api_object *o)
{
	if (o->from_list)
		return o->verbs & OBJ_PATCH ? &kind_inst_item_obj_json
					    : &kind_inst_item_json;
	return o->verbs & OBJ_PATCH ? &kind_inst_obj_json : &kind_inst_json;
}

/* A member's field as a line of text (a run's status, a task's
 * output); arg is the field. Empty when the member lacks it. */
static int text_render(const struct node *n, struct buf *out)
{
	const struct objlist_item *it = n->obj;
	size_t len = out->len;

	if (!objlist_field(it, n->arg, out) && out->len > len &&
	    out->buf[out->len - 1] != '\n')
		buf_addch(out, '\n');
	return 0;
}

/* A run's status and output change while it runs, and tail -f follows
 * them: an open file grows by what the field gained since (read again
 * from the runs' list, which is cached a short while: instance.h). The
 * file is the row's text of that name (fh->id.name). */
static int text_refresh(struct fh *fh)
{
	const struct obj_text *t = obj_get(fh->id.obj)->texts;
	const struct objlist_item *it;
	struct buf now = BUF_INIT;
	struct cval *v;
	char *path;
	int rc;

	while (t && t->file && strcmp(t->file, fh->id.name))
		t++;
	if (!t || !t->file)
		return 0;
	path = node_id_list_path(&fh->id);
	rc = instance_list_at(&fh->fs->api, fh->id.obj, path, &v);
	free(path);
	if (rc)
		return rc;
	it = objlist_by_id(v->data, node_id_key(&fh->id));
	if (it && !objlist_field(it, t->field, &now) && now.len &&
	    now.buf[now.len - 1] != '\n')
		buf_addch(&now, '\n');
	cval_put(v);
	/* Only growth is shown: what was read stays as it was read. */
	pthread_mutex_lock(&fh->lock);
	if (now.len > fh->data.len &&
	    !memcmp(now.buf, fh->data.buf, fh->data.len))
		rc = buf_add(&fh->data, now.buf + fh->data.len,
			     now.len - fh->data.len);
	pthread_mutex_unlock(&fh->lock);
	buf_release(&now);
	return rc;
}

static const struct node_kind kind_member_text = {
	.name = "member-text",
	.type = S_IFREG,
	.render = text_render,
	.refresh = text_refresh,
	.mtime = kind_inst_item_mtime,
};

/* Whether member it is of the token's team (objects.h's team_only).
 * When that cannot be known, it is taken to be: the collection is then
 * shown, and its listing says what the API says. */
static bool of_own_team(const struct node *n, const struct objlist_item *it)
{
	struct buf team = BUF_INIT;
	char *its = objlist_object_id(it->json, "team_id");
	bool own = true;

	if (its && !instance_current_team(&n->fs->api, &team))
		own = !strcmp(its, team.buf);
	free(its);
	buf_release(&team);
	return own;
}

/* An editable text (objects.h's obj_text edit: a cloud-init script): the
 * field itself, a newline added when it lacks one. A member without the
 * field hides it from the token, and the file cannot be opened. */
static int edit_text(const struct node *n, struct buf *out)
{
	const struct objlist_item *it = n->obj;

	if (objlist_field(it, n->arg, out))
		return -EACCES;
	if (out->len && out->buf[out->len - 1] != '\n')
		buf_addch(out, '\n');
	return 0;
}

static int edit_render(const struct node *n, struct buf *out)
{
	int rc = edit_text(n, out);

	if (rc)
		log_error("%s/%s/%s: hidden from this token (it needs "
			  "read:sensitive)",
			  row_of(n)->dir,
			  ((const struct objlist_item *)n->obj)->dirname,
			  n->arg);
	return rc;
}

/* A hidden text has size 0 (stat and ls -l say nothing, log nothing):
 * only opening it fails. */
static int edit_size(const struct node *n, off_t *size)
{
	struct buf text = BUF_INIT;

	*size = edit_text(n, &text) ? 0 : (off_t)text.len;
	explicit_bzero(text.buf, text.len);
	buf_release(&text);
	return 0;
}

/* What a handle open for writing saves against: the text it showed, and
 * the field it is (the node's arg, static). */
struct edit_base {
	char *text;
	const char *field;
};

static void edit_base_free(void *p)
{
	struct edit_base *b = p;

	/* A script may hold secrets (cloud-init passwords, keys). */
	explicit_bzero(b->text, strlen(b->text));
	free(b->text);
	free(b);
}

static int edit_open(const struct node *n, struct fh *fh)
{
	struct buf text = BUF_INIT;
	struct edit_base *b;
	int rc = edit_render(n, &text);

	if (rc)
		goto out;
	if (!(fh->flags & O_TRUNC) || (fh->flags & O_ACCMODE) == O_RDONLY)
		buf_add(&fh->data, text.buf, text.len);
	if ((fh->flags & O_ACCMODE) != O_RDONLY) {
		b = xcalloc(1, sizeof(*b));
		b->text = buf_detach(&text, NULL);
		b->field = n->arg;
		fh->priv = b;
		fh->priv_free = edit_base_free;
	}
out:
	explicit_bzero(text.buf, text.len);
	buf_release(&text);
	return rc;
}

/* A text is whole only when the file is closed: each line of it may
 * come in a write of its own. */
static int edit_written(struct fh *fh)
{
	(void)fh;
	return FH_KEEP;
}

/* {"FIELD":"TEXT"}: a new string (caller frees). */
static char *field_json(const char *field, const char *text)
{
	struct json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, field, json_object_new_string(text));
	s = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* A PATCH of the field alone, with the text as written; nothing when it
 * is what the file showed, or blank (a truncation on the way to a
 * rewrite, as jsonfile.h's). */
static int edit_commit(struct fh *fh, bool closing)
{
	const struct edit_base *b = fh->priv;
	char *owner, *base, *want;
	struct crud_place at = { NULL, NULL, NULL, NULL };
	int rc;

	(void)closing;
	if (!b)
		return -EBADF;
	if (memchr(fh->data.buf, '\0', fh->data.len)) {
		log_error("%s: not saved, nothing sent: the text holds a NUL",
			  fh->path);
		return -EINVAL;
	}
	if (strspn(fh->data.buf, " \t\r\n") == fh->data.len ||
	    !strcmp(fh->data.buf, b->text))
		return 0;
	at.owner = owner = node_id_owner(&fh->id);
	base = field_json(b->field, b->text);
	want = field_json(b->field, fh->data.buf);
	rc = crud_update(&fh->fs->api, fh->id.obj, owner ? &at : NULL,
			 node_id_key(&fh->id), base, want);
	explicit_bzero(base, strlen(base));
	explicit_bzero(want, strlen(want));
	free(base);
	free(want);
	free(owner);
	return rc;
}

/* A truncation by path with no handle: nothing is sent for an empty
 * text (edit_commit), so there is nothing to cut. */
static int edit_truncate(const struct node *n, off_t size)
{
	(void)n;
	(void)size;
	return 0;
}

static const struct node_kind kind_member_edit = {
	.name = "member-edit-text",
	.type = S_IFREG,
	.perm = 0600,
	.render = edit_render,
	.size = edit_size,
	.open = edit_open,
	.written = edit_written,
	.commit = edit_commit,
	.truncate = edit_truncate,
	.mtime = kind_inst_item_mtime,
};

/* The kind of a row's text file. */
static const struct node_kind *text_kind(const struct obj_text *t)
{
	return t->edit ? &kind_member_edit : &kind_member_text;
}

/* The collections a member of row o holds (a task's executions): rows
 * whose owner is a member of o, on an instance that has them, unless
 * the member says it has none (objects.h's unless and team_only). */
static bool holds(const struct node *n, const struct api_object *o,
		  enum api_obj child)
{
	const struct api_object *c = obj_get(child);

	if (c->owner != OWNER_MEMBER || obj_get(c->parent) != o ||
	    !obj_supported(c, n->fs->api.current_api))
		return false;
	if (!n->obj)
		return true;
	if (c->unless && objlist_flag(n->obj, c->unless))
		return false;
	return !c->team_only || of_own_team(n, n->obj);
}

/* A single object of row k (objects.h's single) that a member holds:
 * its FILE (writable when the API takes a PATCH), and DIR/ when it has
 * fields saved on their own. Its node is of row k with the member's ids
 * and item. Returns dir_add's. */
static int single_list(const struct node *dir, struct dir_fill *fill,
		       enum api_obj k)
{
	const struct api_object *s = obj_get(k);
	bool patch = s->verbs & OBJ_PATCH;
	struct node c =
	    node_child(dir, patch ? &kind_inst_obj_json : &kind_inst_json);

	c.id.obj = k;
	c.arg = NULL;
	if (dir_add(fill, s->file, &c))
		return 1;
	if (!s->put_texts)
		return 0;
	c.kind = &kind_single_dir;
	return dir_add(fill, s->dir, &c);
}

static int single_lookup(struct node *n, const char *name, enum api_obj k)
{
	const struct api_object *s = obj_get(k);

	if (!strcmp(name, s->file))
		n->kind = s->verbs & OBJ_PATCH ? &kind_inst_obj_json
					       : &kind_inst_json;
	else if (s->put_texts && !strcmp(name, s->dir))
		n->kind = &kind_single_dir;
	else
		return -ENOENT;
	n->id.obj = k;
	n->arg = NULL;
	return 0;
}

static int member_list(const struct node *dir, struct dir_fill *fill)
{
	const struct api_object *o = row_of(dir);
	const struct coll_hooks *h = hooks_of(dir);
	struct node c = node_child(dir, file_kind(o));
	const struct obj_text *t;
	enum api_obj k;

	c.arg = NULL;
	if (dir_add(fill, o->file, &c))
		return 0;
	for (t = o->texts; t && t->file; t++) {
		c = node_child(dir, text_kind(t));
		c.arg = t->field;
		if (dir_add(fill, t->file, &c))
			return 0;
	}
	if (o->logs) {
		c = node_child(dir, &kind_logs);
		c.arg = NULL;
		if (dir_add(fill, "logs", &c))
			return 0;
	}
	if (kind_inst_entries_list(dir, fill, h->files, h->nfiles))
		return 0;
	for (k = 0; k < OBJS; k++) {
		if (!holds(dir, o, k))
			continue;
		if (obj_get(k)->single) {
			if (single_list(dir, fill, k))
				return 0;
			continue;
		}
		c = node_child(dir, &kind_coll);
		c.id.obj = k;
		c.arg = NULL;
		if (dir_add(fill, obj_get(k)->dir, &c))
			return 0;
	}
	if (inst_actions_has_ctl(o, dir->fs->api.current_api)) {
		c = node_child(dir, &kind_inst_ctl);
		c.arg = NULL;
		if (dir_add(fill, "ctl", &c))
			return 0;
	}
	if (h->shared_envs)
		shared_envs_list(dir, dir->id.obj, fill);
	return 0;
}

static int member_lookup(struct node *n, const char *name)
{
	const struct api_object *o = row_of(n);
	const struct coll_hooks *h = hooks_of(n);
	const struct obj_text *t;
	enum api_obj k;

	n->arg = NULL;
	if (!strcmp(name, o->file)) {
		n->kind = file_kind(o);
		return 0;
	}
	if (!strcmp(name, "ctl") &&
	    inst_actions_has_ctl(o, n->fs->api.current_api)) {
		n->kind = &kind_inst_ctl;
		return 0;
	}
	if (!strcmp(name, "logs") && o->logs) {
		n->kind = &kind_logs;
		return 0;
	}
	for (t = o->texts; t && t->file; t++) {
		if (!strcmp(name, t->file)) {
			n->kind = text_kind(t);
			n->arg = t->field;
			return 0;
		}
	}
	for (k = 0; k < OBJS; k++) {
		if (!holds(n, o, k))
			continue;
		if (obj_get(k)->single) {
			if (!single_lookup(n, name, k))
				return 0;
			continue;
		}
		if (!strcmp(name, obj_get(k)->dir)) {
			n->kind = &kind_coll;
			n->id.obj = k;
			return 0;
		}
	}
	if (h->shared_envs) {
		int rc = shared_envs_lookup(n, n->id.obj, name);

		if (rc != -ENOENT)
			return rc;
	}
	return kind_inst_entries_lookup(n, name, h->files, h->nfiles);
}

const struct node_kind kind_member = {
	.name = "member",
	.type = S_IFDIR,
	.list = member_list,
	.lookup = member_lookup,
	.mtime = kind_inst_item_mtime,
};
