/* mv in the tree: see tree/rename.h. Every hook gathers the names of
 * the members of the directory the object goes to, reads the new entry
 * name against them (model/rename.h), and sends one request, or none. */
#include "tree/rename.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* RENAME_NOREPLACE */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/crud.h"
#include "api/instance.h"
#include "api/objects.h"
#include "api/store.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "model/objlist.h"
#include "model/rename.h"
#include "tree/kind_inst.h"

/* The members of a directory, by name and uuid, borrowed from the list
 * they come from. */
struct members {
	const char **names;
	const char **uuids;
	size_t n, alloc;
};

static void members_add(struct members *m, const char *name, const char *uuid)
{
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 16;
		m->names = xrealloc(m->names, m->alloc * sizeof(*m->names));
		m->uuids = xrealloc(m->uuids, m->alloc * sizeof(*m->uuids));
	}
	m->names[m->n] = name;
	m->uuids[m->n++] = uuid;
}

static void members_release(struct members *m)
{
	free(m->names);
	free(m->uuids);
	memset(m, 0, sizeof(*m));
}

/* What a node of these directories is, by id: a project's uuid, an
 * environment's, or the object's. */
static const char *ident(const struct node *n)
{
	if (n->kind == &kind_project)
		return n->id.project;
	if (n->kind == &kind_env)
		return n->id.env_uuid;
	return n->id.uuid;
}

/* NOTES §3.2: environment names are lower-cased and trimmed, '/'
 * becoming '-'; TagsController lower-cases and trims tags. */
static bool lower_ok(const char *s, enum api_obj obj)
{
	size_t len = strlen(s);

	if (s[0] == ' ' || s[len - 1] == ' ')
		return false;
	for (; *s; s++)
		if ((*s >= 'A' && *s <= 'Z') || (obj == OBJ_ENV && *s == '/'))
			return false;
	return true;
}

/* The name that object from (of row obj) gets from entry newname in
 * directory to, whose members are m: 0 and *name (caller frees), or a
 * logged -errno, nothing sent. */
static int new_name(const struct node *to, const struct node *from,
		    enum api_obj obj, const char *newname, unsigned int flags,
		    const struct members *m, char **name)
{
	const struct api_object *d = obj_get(obj);
	struct node probe = node_child(to, to->kind);
	int rc;

	if (flags & ~(unsigned)RENAME_NOREPLACE) {
		log_error("not renamed, nothing sent: a %s cannot be "
			  "exchanged with another",
			  d->name);
		return -EINVAL;
	}
	/* Whatever is there already, another object or one of the
	 * directory's own entries (new.json, teams/current), stays. */
	rc = to->kind->lookup(&probe, newname);
	if (!rc) {
		bool self = probe.kind == from->kind && ident(&probe) &&
			    !strcmp(ident(&probe), ident(from));

		node_release(&probe);
		if (!self) {
			log_error("not renamed, nothing sent: \"%s\" is there "
				  "already, and mv never replaces",
				  newname);
			return -EEXIST;
		}
	} else if (rc != -ENOENT) {
		return rc;
	}
	rc =
	    rename_target(newname, ident(from), m->names, m->uuids, m->n, name);
	if (rc == -EEXIST)
		log_error("not renamed, nothing sent: another %s there is "
			  "called that (to have both, name it NAME@UUID, "
			  "with its own uuid)",
			  d->name);
	else if (rc == -EINVAL)
		log_error("not renamed, nothing sent: a listing would not show "
			  "\"%s\" (a '/' is %%2F, a '%%' %%25, and NAME@UUID "
			  "is only for a NAME that another %s there has)",
			  newname, d->name);
	if (!rc && d->names_lower && !lower_ok(*name, obj)) {
		log_error("not renamed, nothing sent: the API would store "
			  "\"%s\" lower-cased and trimmed%s",
			  *name, obj == OBJ_ENV ? ", '/' as '-'" : "");
		free(*name);
		*name = NULL;
		rc = -EINVAL;
	}
	return rc;
}

/* The kernel moves the renamed entry itself; a uuid/ link into it
 * shows a new target (its cached size is stale). */
static void forget_link(const struct cfs *fs, const char *uuid)
{
	struct fuse_context *ctx = fuse_get_context();
	char *p;

	if (!ctx || !ctx->fuse)
		return;
	/* uuid/ of the node's own context (SPEC §7). */
	p = xasprintf("%s/uuid/%s", fs->prefix ? fs->prefix : "", uuid);
	fuse_invalidate_path(ctx->fuse, p);
	free(p);
}

/* What keeps its name here: a directory's own files, teams... */
static int keeps_name(const struct node *from)
{
	log_error("not renamed, nothing sent: %s keeps its name",
		  from->id.name);
	return -EACCES;
}

/* ---- resources ---- */

static int res_rename(const struct node *from, const struct node *to,
		      const char *newname, unsigned int flags)
{
	const struct model_resource *r = from->res;
	const struct model_resource *const *rv;
	struct crud_place at = { from->id.project, from->id.env_name,
				 from->id.env_uuid, NULL };
	enum api_obj obj = obj_of_kind(r->kind);
	struct api *api = &from->fs->api;
	struct members m = { 0 };
	char *name = NULL, *base;
	struct cval *v;
	size_t i, n;
	int rc;

	rc = store_list(api, obj, from->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	rv = model_resources_in_env(v->data, to->env->id, &n);
	for (i = 0; i < n; i++)
		if (!gone_has(&api->gone, rv[i]->uuid))
			members_add(&m, rv[i]->name, rv[i]->uuid);
	rc = new_name(to, from, obj, newname, flags, &m, &name);
	members_release(&m);
	cval_put(v);
	if (rc)
		return rc;
	if (to->env->id != r->env_id && strcmp(name, r->name)) {
		log_error("not moved, nothing sent: a move keeps the name; "
			  "move it, then rename it");
		rc = -EINVAL;
	} else if (to->env->id != r->env_id) {
		rc = crud_move(api, obj, r->uuid, to->env->uuid);
	} else if (strcmp(name, r->name)) {
		/* NOTES §6.3: a service's PATCH takes the rest from it. */
		base = model_resource_json(r);
		rc = crud_rename(api, obj, &at, r->uuid, base, name);
		if (base) {
			explicit_bzero(base, strlen(base));
			free(base);
		}
	}
	if (!rc)
		forget_link(from->fs, r->uuid);
	free(name);
	return rc;
}

int rename_resource(const struct node *dir, const struct node *from,
		    const char *newname, unsigned int flags)
{
	if (from->kind != &kind_resource)
		return keeps_name(from);
	return res_rename(from, dir, newname, flags);
}

int rename_move_resource(const struct node *dir, const struct node *from,
			 const struct node *to, const char *newname,
			 unsigned int flags)
{
	/* new.json is no object: a copy is what can be made of it. */
	if (from->kind != &kind_resource)
		return -EXDEV;
	/* An application stays an application; nothing else is an
	 * environment's collection. EXDEV would have mv copy it over. */
	if (to->kind != &kind_collection || to->id.rkind != dir->id.rkind) {
		log_error("not moved, nothing sent: only another "
			  "environment's %s/ can take it",
			  obj_kind_dir(dir->id.rkind));
		return -EINVAL;
	}
	return res_rename(from, to, newname, flags);
}

/* ---- projects and environments ---- */

int rename_project(const struct node *dir, const struct node *from,
		   const char *newname, unsigned int flags)
{
	const struct model_projects *ps;
	struct api *api = &dir->fs->api;
	struct members m = { 0 };
	char *name = NULL;
	struct cval *v;
	size_t i;
	int rc;

	if (from->kind != &kind_project)
		return keeps_name(from);
	rc = store_list(api, OBJ_PROJECT, dir->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	ps = v->data;
	for (i = 0; i < ps->n; i++)
		members_add(&m, ps->v[i].name, ps->v[i].uuid);
	rc = new_name(dir, from, OBJ_PROJECT, newname, flags, &m, &name);
	members_release(&m);
	cval_put(v);
	if (!rc && strcmp(name, from->project->name))
		rc = crud_rename(api, OBJ_PROJECT, NULL, from->project->uuid,
				 NULL, name);
	if (!rc)
		forget_link(dir->fs, from->project->uuid);
	free(name);
	return rc;
}

int rename_env(const struct node *dir, const struct node *from,
	       const char *newname, unsigned int flags)
{
	struct crud_place at = { from->id.project, NULL, NULL, NULL };
	const struct model_project_detail *d;
	struct api *api = &dir->fs->api;
	struct members m = { 0 };
	char *name = NULL;
	struct cval *v;
	size_t i;
	int rc;

	if (from->kind != &kind_env)
		return keeps_name(from);
	/* NOTES §17.7: the environment endpoints are new. */
	if (!crud_supported(api, OBJ_ENV)) {
		log_error("not renamed, nothing sent: this instance has no "
			  "environment endpoints: rename it in its web UI");
		return -EOPNOTSUPP;
	}
	rc = store_member(api, OBJ_PROJECT, from->id.project,
			  dir->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	d = v->data;
	for (i = 0; i < d->nenvs; i++)
		members_add(&m, d->envs[i].name, d->envs[i].uuid);
	rc = new_name(dir, from, OBJ_ENV, newname, flags, &m, &name);
	members_release(&m);
	cval_put(v);
	if (!rc && strcmp(name, from->env->name))
		rc =
		    crud_rename(api, OBJ_ENV, &at, from->env->uuid, NULL, name);
	free(name);
	return rc;
}

/* ---- collections of plain objects ---- */

int rename_member(const struct node *dir, const struct node *from,
		  const char *newname, unsigned int flags)
{
	const struct api_object *d = obj_get(dir->id.obj);
	const struct objlist_item *it = from->obj;
	struct api *api = &dir->fs->api;
	const struct objlist *l;
	struct members m = { 0 };
	char *name = NULL;
	struct cval *v;
	size_t i;
	int rc;

	if (from->kind != &kind_member || !(d->verbs & OBJ_RENAME))
		return keeps_name(from);
	rc = instance_list(api, dir->id.obj, &v);
	if (rc)
		return rc;
	l = v->data;
	for (i = 0; i < l->n; i++)
		members_add(&m, l->v[i].name, l->v[i].uuid);
	/* Names the directory keeps (teams/current): a member called so
	 * is shown as NAME@ID. */
	for (i = 0; d->reserved && d->reserved[i]; i++)
		members_add(&m, d->reserved[i], NULL);
	rc = new_name(dir, from, dir->id.obj, newname, flags, &m, &name);
	members_release(&m);
	cval_put(v);
	if (!rc && strcmp(name, it->name))
		rc = crud_rename(api, dir->id.obj, NULL, it->uuid, it->json,
				 name);
	if (!rc && d->in_uuid)
		forget_link(dir->fs, it->uuid);
	free(name);
	return rc;
}
