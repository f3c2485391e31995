/* projects/, a project's directory and its environments (SPEC §2). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/crud.h"
#include "tree/jsonfile.h"
#include "base/log.h"
#include "model/names.h"
#include "tree/node.h"
#include "api/objects.h"
#include "api/prefetch.h"
#include "api/store.h"
#include "tree/rename.h"
#include "tree/shared_envs.h"

static int projects_list(const struct node *dir, struct dir_fill *fill)
{
	const struct model_projects *ps;
	struct cval *v;
	size_t i;
	int rc;

	rc =
	    store_list(&dir->fs->api, OBJ_PROJECT, dir->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	ps = v->data;
	/* A walk lists each project next, and each needs its detail. */
	prefetch_projects(&dir->fs->prefetch, ps);
	for (i = 0; i < ps->n; i++) {
		struct node c = node_child(dir, &kind_project);

		node_set_project(&c, &ps->v[i]);
		if (dir_add(fill, ps->v[i].dirname, &c))
			break;
	}
	cval_put(v);
	return 0;
}

static int projects_lookup(struct node *n, const char *name)
{
	const struct model_project *p;
	struct cval *v;
	int rc;

	/* A name is looked for in a list up to store_detail_ttl() old
	 * first; a miss asks again if that one is older than cache_ttl. */
	rc = store_list(&n->fs->api, OBJ_PROJECT, store_detail_ttl(&n->fs->api),
			&v);
	if (rc)
		return rc;
	p = model_projects_find(v->data, name);
	if (!p) {
		cval_put(v);
		rc = store_list(&n->fs->api, OBJ_PROJECT, n->fs->conf.cache_ttl,
				&v);
		if (rc)
			return rc;
		p = model_projects_find(v->data, name);
	}
	if (!p) {
		cval_put(v);
		return -ENOENT;
	}
	node_hold(n, v);
	node_set_project(n, p);
	n->kind = &kind_project;
	return 0;
}

/* mkdir projects/NAME creates the project (SPEC §3.4); NAME is an entry
 * name, so "a%2Fb" makes "a/b". */
static int projects_mkdir(const struct node *dir, const char *name)
{
	struct node probe = node_child(dir, &kind_projects);
	char *real = name_unescape(name);
	int rc;

	if (!real || !*real) {
		free(real);
		return -EINVAL;
	}
	rc = projects_lookup(&probe, name);
	node_release(&probe);
	if (!rc)
		rc = -EEXIST;
	else if (rc == -ENOENT)
		rc = crud_mkdir(&dir->fs->api, OBJ_PROJECT, NULL, real);
	free(real);
	return rc;
}

const struct node_kind kind_projects = {
	.name = "projects",
	.type = S_IFDIR,
	.list = projects_list,
	.lookup = projects_lookup,
	.mkdir = projects_mkdir,
	.rename = rename_project,
};

static int project_list(const struct node *dir, struct dir_fill *fill)
{
	const struct model_project_detail *d;
	struct node c;
	struct cval *v;
	size_t i;
	int rc;

	rc = store_member(&dir->fs->api, OBJ_PROJECT, dir->project->uuid,
			  store_detail_ttl(&dir->fs->api), &v);
	if (rc)
		return rc;
	d = v->data;
	c = node_child(dir, &kind_project_json);
	c.detail = d;
	c.id.uuid = c.id.project; /* project.json is the project */
	c.id.obj = OBJ_PROJECT;
	if (dir_add(fill, "project.json", &c))
		goto out;
	shared_envs_list(dir, OBJ_PROJECT, fill);
	for (i = 0; i < d->nenvs; i++) {
		c = node_child(dir, &kind_env);
		node_set_env(&c, d, &d->envs[i]);
		if (dir_add(fill, d->envs[i].dirname, &c))
			break;
	}
out:
	cval_put(v);
	return 0;
}

static int project_lookup(struct node *n, const char *name)
{
	const struct model_project_detail *d;
	const struct model_env *e = NULL;
	struct cval *v;
	int rc;

	rc = shared_envs_lookup(n, OBJ_PROJECT, name);
	if (rc != -ENOENT)
		return rc;
	/* An environment is looked for as in projects_lookup(). */
	rc = store_member(&n->fs->api, OBJ_PROJECT, n->project->uuid,
			  store_detail_ttl(&n->fs->api), &v);
	if (rc)
		return rc;
	d = v->data;
	if (strcmp(name, "project.json")) {
		e = model_project_env(d, name);
		if (!e) {
			cval_put(v);
			rc = store_member(&n->fs->api, OBJ_PROJECT,
					  n->project->uuid,
					  n->fs->conf.cache_ttl, &v);
			if (rc)
				return rc;
			d = v->data;
			e = model_project_env(d, name);
		}
		if (!e) {
			cval_put(v);
			return -ENOENT;
		}
	}
	node_hold(n, v);
	node_set_env(n, d, e);
	n->kind = e ? &kind_env : &kind_project_json;
	if (!e) {
		n->id.uuid = n->id.project; /* project.json is the project */
		n->id.obj = OBJ_PROJECT;
	}
	return 0;
}

/* NOTES §3.2: the API lower-cases and trims environment names and turns
 * '/' into '-'. A name it would change is refused here, since the
 * directory made would not be the one asked for. */
static bool env_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	for (; *s; s++)
		if ((*s >= 'A' && *s <= 'Z') || *s == '/')
			return false;
	return true;
}

/* mkdir projects/P/ENV creates an environment where the instance has
 * environment endpoints (NOTES §17.7); elsewhere mkdir(2)'s EPERM: this
 * filesystem cannot make that directory. */
static int project_mkdir(const struct node *dir, const char *name)
{
	struct crud_place at = { dir->project->uuid, NULL, NULL, NULL };
	struct node probe = node_child(dir, &kind_project);
	char *real;
	int rc;

	if (!crud_supported(&dir->fs->api, OBJ_ENV)) {
		log_error("this instance has no environment endpoints: "
			  "create environments in its web UI");
		return -EPERM;
	}
	real = name_unescape(name);
	if (!real || !env_name_ok(real)) {
		log_error("an environment name is lower case, without '/'");
		free(real);
		return -EINVAL;
	}
	rc = project_lookup(&probe, name);
	node_release(&probe);
	if (!rc)
		rc = -EEXIST;
	else if (rc == -ENOENT)
		rc = crud_mkdir(&dir->fs->api, OBJ_ENV, &at, real);
	free(real);
	return rc;
}

/* rmdir projects/P deletes the project when it holds no resources: the
 * API refuses otherwise, which is ENOTEMPTY (SPEC §3.4). */
static int project_rmdir(const struct node *n)
{
	return crud_delete(&n->fs->api, OBJ_PROJECT, NULL, n->project->uuid,
			   NULL);
}

const struct node_kind kind_project = {
	.name = "project",
	.type = S_IFDIR,
	.list = project_list,
	.lookup = project_lookup,
	.mkdir = project_mkdir,
	.rename = rename_env,
	.rmdir = project_rmdir,
};

/* From a detail no older than cache_ttl: the path may have been
 * resolved through an older one (store_detail_ttl()). */
static int project_json_render(const struct node *n, struct buf *out)
{
	struct cval *v;
	int rc;

	rc = store_member(&n->fs->api, OBJ_PROJECT, n->project->uuid,
			  n->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	rc = model_json_render(((struct model_project_detail *)v->data)->json,
			       out);
	cval_put(v);
	return rc;
}

/* stat goes by the detail the path was resolved through, asking
 * nothing (as a status does); an open reads the fresh one. */
static int project_json_size(const struct node *n, off_t *size)
{
	return jsonfile_size(n, n->detail->json, size);
}

static time_t project_json_mtime(const struct node *n)
{
	return n->detail->mtime;
}

/* Saving the file updates the project's name and description. */
/* Opened from a detail no older than cache_ttl, as project_json_render
 * reads: an edit is diffed against what the file showed. */
static int project_json_open(const struct node *n, struct fh *fh)
{
	const struct model_project_detail *d;
	struct cval *v;
	int rc;

	rc = store_member(&n->fs->api, OBJ_PROJECT, n->project->uuid,
			  n->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	d = v->data;
	rc = jsonfile_open(n, fh, d->json);
	cval_put(v);
	return rc;
}

const struct node_kind kind_project_json = {
	.name = "project.json",
	.type = S_IFREG,
	.perm = 0600,
	.render = project_json_render,
	.open = project_json_open,
	.written = jsonfile_written,
	.commit = jsonfile_commit,
	.size = project_json_size,
	.mtime = project_json_mtime,
};

/* environment.json is the environment: writable where the instance
 * has its PATCH (NOTES §17.7), read-only on the 2025 API. */
static const struct node_kind *env_json_kind(const struct node *n)
{
	return crud_supported(&n->fs->api, OBJ_ENV) ? &kind_env_obj_json
						    : &kind_env_json;
}

static void env_json_set(struct node *n)
{
	n->kind = env_json_kind(n);
	n->id.uuid = n->id.env_uuid;
	n->id.obj = OBJ_ENV;
}

static int env_list(const struct node *dir, struct dir_fill *fill)
{
	struct node c = node_child(dir, &kind_env_json);
	enum res_kind k;

	env_json_set(&c);

	if (dir_add(fill, "environment.json", &c))
		return 0;
	for (k = 0; k < RES_KINDS; k++) {
		c = node_child(dir, &kind_collection);
		c.id.rkind = k;
		if (dir_add(fill, obj_kind_dir(k), &c))
			return 0;
	}
	shared_envs_list(dir, OBJ_ENV, fill);
	return 0;
}

static int env_lookup(struct node *n, const char *name)
{
	enum res_kind k;

	if (!strcmp(name, "environment.json")) {
		env_json_set(n);
		return 0;
	}
	for (k = 0; k < RES_KINDS; k++) {
		if (!strcmp(name, obj_kind_dir(k))) {
			n->kind = &kind_collection;
			n->id.rkind = k;
			return 0;
		}
	}
	return shared_envs_lookup(n, OBJ_ENV, name);
}

static time_t env_mtime(const struct node *n)
{
	return n->env->mtime;
}

/* rmdir of an empty environment deletes it, where the instance can. */
static int env_rmdir(const struct node *n)
{
	struct crud_place at = { n->detail->uuid, NULL, NULL, NULL };

	if (!crud_supported(&n->fs->api, OBJ_ENV))
		return -EPERM;
	return crud_delete(&n->fs->api, OBJ_ENV, &at, n->env->uuid, NULL);
}

const struct node_kind kind_env = {
	.name = "environment",
	.type = S_IFDIR,
	.list = env_list,
	.lookup = env_lookup,
	.rmdir = env_rmdir,
	.mtime = env_mtime,
};

/* From a detail no older than cache_ttl: the path may have been
 * resolved through an older one (store_detail_ttl()). */
static int env_json_render(const struct node *n, struct buf *out)
{
	const struct model_env *e = NULL;
	struct cval *v;
	int rc;

	rc = store_member(&n->fs->api, OBJ_PROJECT, n->project->uuid,
			  n->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	e = model_project_env_by_id(v->data, n->env->id);
	rc = model_json_render(e ? e->json : n->env->json, out);
	cval_put(v);
	return rc;
}

static int env_json_size(const struct node *n, off_t *size)
{
	return jsonfile_size(n, n->env->json, size);
}

const struct node_kind kind_env_json = {
	.name = "environment.json",
	.type = S_IFREG,
	.render = env_json_render,
	.size = env_json_size,
	.mtime = env_mtime,
};

/* Saving it sends a PATCH of the name and description, as project.json;
 * opened from a detail no older than cache_ttl, as env_json_render
 * reads, so an edit is diffed against what the file showed. */
static int env_json_open(const struct node *n, struct fh *fh)
{
	const struct model_env *e;
	struct cval *v;
	int rc;

	rc = store_member(&n->fs->api, OBJ_PROJECT, n->project->uuid,
			  n->fs->conf.cache_ttl, &v);
	if (rc)
		return rc;
	e = model_project_env_by_id(v->data, n->env->id);
	rc = jsonfile_open(n, fh, e ? e->json : n->env->json);
	cval_put(v);
	return rc;
}

const struct node_kind kind_env_obj_json = {
	.name = "environment.json",
	.type = S_IFREG,
	.perm = 0600,
	.render = env_json_render,
	.open = env_json_open,
	.written = jsonfile_written,
	.commit = jsonfile_commit,
	.size = env_json_size,
	.mtime = env_mtime,
};
