#include "tree/placeverbs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/actions.h"
#include "api/objects.h"
#include "api/relocate.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "tree/tree.h"

enum place_verb {
	PLACE_CLONE,
	PLACE_MIGRATE,
	PLACE_DEST_ADD,
	PLACE_DEST_REMOVE,
};

static const struct {
	const char *words; /* what the line starts with */
	enum place_verb verb;
	unsigned kinds; /* 1 << RES_APP | ... */
	const char *usage;
} verbs[] = {
	{ "clone", PLACE_CLONE, 1u << RES_APP | 1u << RES_DB | 1u << RES_SVC,
	  "clone ENVIRONMENT_PATH [NAME]" },
	{ "migrate", PLACE_MIGRATE,
	  1u << RES_APP | 1u << RES_DB | 1u << RES_SVC,
	  "migrate DESTINATION" },
	{ "destination add", PLACE_DEST_ADD, 1u << RES_APP,
	  "destination add DESTINATION" },
	{ "destination remove", PLACE_DEST_REMOVE, 1u << RES_APP,
	  "destination remove DESTINATION" },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static bool offered(const struct cfs *fs, enum res_kind kind, size_t i)
{
	/* NOTES §17.11: the routes are current Coolify's. */
	return fs->api.current_api && (verbs[i].kinds & 1u << kind);
}

void placeverbs_usage(const struct cfs *fs, enum res_kind kind,
		      struct buf *out)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++)
		if (offered(fs, kind, i))
			buf_addf(out, "%s\n", verbs[i].usage);
}

bool placeverbs_takes(const struct cfs *fs, enum res_kind kind,
		      const char *line)
{
	const char *w = line + strspn(line, ACTIONS_SPACES);
	size_t len = strcspn(w, ACTIONS_SPACES), i;

	for (i = 0; i < N_VERBS; i++)
		if (offered(fs, kind, i) &&
		    strcspn(verbs[i].words, " ") == len &&
		    !strncmp(verbs[i].words, w, len))
			return true;
	return false;
}

/* The next argument of *p: a word, or a quoted one ('...' or "..."),
 * which may hold blanks. NUL-terminated in place, *p moved past it;
 * NULL when there is none or a quote is not closed. */
static char *next_arg(char **p)
{
	char *w = *p + strspn(*p, ACTIONS_SPACES), *end;

	if (*w != '\'' && *w != '"')
		return actions_next_word(p);
	end = strchr(w + 1, *w);
	if (!end)
		return NULL;
	*end = '\0';
	*p = end + 1;
	return w + 1;
}

/* ---- ENVIRONMENT_PATH ---- */

/* Appends the components of rel to the stack of components comp[*n]
 * (".." pops one). -EINVAL when it climbs above the mount's root. */
static int push_components(char *rel, char **comp, size_t max, size_t *n)
{
	char *save = NULL, *c;

	for (c = strtok_r(rel, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (!*n)
				return -EINVAL;
			(*n)--;
			continue;
		}
		if (*n == max)
			return -EINVAL;
		comp[(*n)++] = c;
	}
	return 0;
}

/* Reads ENVIRONMENT_PATH arg for the resource whose ctl is at ctl_path
 * into the mount path of an environment ("/projects/P/E", caller
 * frees). -EINVAL, logged, for a path that cannot be one. */
static int env_path(const struct cfs *fs, const char *ctl_path,
		    enum res_kind kind, const char *arg, char **out)
{
	enum { MAX = 64 };
	const char *mp = fs->conf.mountpoint;
	char *comp[MAX], *base = NULL, *rel = NULL, *slash;
	struct buf p = BUF_INIT;
	size_t n = 0, i;
	int rc;

	if (arg[0] == '/') {
		size_t len = mp ? strlen(mp) : 0;

		while (len > 1 && mp[len - 1] == '/')
			len--;
		if (!mp || mp[0] != '/' || strncmp(arg, mp, len) ||
		    (arg[len] && arg[len] != '/')) {
			log_error("%s: not a path in this mount", arg);
			return -EINVAL;
		}
		rel = xstrdup(arg + len);
	} else if (arg[0] == '.') {
		/* From the resource's collection: ctl_path less APP/ctl. */
		base = xstrdup(ctl_path);
		for (i = 0; i < 2 && (slash = strrchr(base, '/')); i++)
			*slash = '\0';
		rel = xstrdup(arg);
	} else {
		rel = xstrdup(arg);
	}
	rc = base ? push_components(base, comp, MAX, &n) : 0;
	if (!rc)
		rc = push_components(rel, comp, MAX, &n);
	/* ENV/applications/ names the environment as well. */
	if (!rc && n == 4 && !strcmp(comp[3], obj_kind_dir(kind)))
		n--;
	if (rc || n != 3 || strcmp(comp[0], "projects")) {
		log_error("%s: not an environment's path (projects/PROJECT/"
			  "ENVIRONMENT, or relative to the resource's "
			  "directory's parent, like ../../staging)",
			  arg);
		rc = -EINVAL;
	} else {
		for (i = 0; i < n; i++)
			buf_addf(&p, "/%s", comp[i]);
		*out = buf_detach(&p, NULL);
	}
	buf_release(&p);
	free(base);
	free(rel);
	return rc;
}

/* The uuid of the environment at ENVIRONMENT_PATH arg, from the tree
 * (caller frees). -ENOENT, logged, when it names no environment. */
static int find_env(struct fh *fh, const char *arg, char **uuid)
{
	struct node n;
	char *path = NULL;
	int rc;

	rc = env_path(fh->fs, fh->path, fh->id.rkind, arg, &path);
	if (rc)
		return rc;
	rc = tree_resolve(fh->fs, path, &n);
	if (rc) {
		log_error("%s: no such environment (%s)", arg, strerror(-rc));
		goto out;
	}
	if (n.kind != &kind_env || !n.id.env_uuid) {
		log_error("%s: not an environment", arg);
		rc = n.kind != &kind_env ? -ENOENT : -EINVAL;
	} else {
		*uuid = xstrdup(n.id.env_uuid);
	}
	node_release(&n);
out:
	free(path);
	return rc;
}

/* ---- the verbs ---- */

static int run_clone(struct fh *fh, char *args)
{
	char *path = next_arg(&args), *name, *end, *env = NULL, *copy = NULL;
	int rc;

	if (!path) {
		log_error("clone takes an environment's path (usage: clone "
			  "ENVIRONMENT_PATH [NAME])");
		return -EINVAL;
	}
	/* NAME is the rest of the line: names may hold blanks. */
	name = args + strspn(args, ACTIONS_SPACES);
	for (end = name + strlen(name); end > name && strchr(ACTIONS_SPACES, end[-1]);)
		*--end = '\0';
	rc = find_env(fh, path, &env);
	if (rc)
		return rc;
	rc = relocate_clone(&fh->fs->api, fh->id.rkind, fh->id.uuid,
			    *name ? name : NULL, &copy);
	if (rc)
		goto out;
	/* SPEC §6: the API clones into the same environment; a path that
	 * names another one moves the copy there. */
	if (fh->id.env_uuid && strcmp(env, fh->id.env_uuid)) {
		if (!copy) {
			log_error("clone: the answer names no copy to move to "
				  "%s",
				  path);
			rc = -EIO;
			goto out;
		}
		rc = relocate_move(&fh->fs->api, fh->id.rkind, copy, env);
		if (rc)
			log_error("clone: the copy %s stays in the resource's "
				  "environment",
				  copy);
	}
out:
	free(copy);
	free(env);
	return rc;
}

/* DESTINATION, the line's last argument. */
static int dest_arg(const char *verb, char *args, char **uuid,
		    struct api *api)
{
	char *w = next_arg(&args);

	if (!w || args[strspn(args, ACTIONS_SPACES)]) {
		log_error("%s takes one destination, its uuid or its name",
			  verb);
		return -EINVAL;
	}
	return relocate_find_destination(api, w, uuid);
}

int placeverbs_run(struct fh *fh, const char *line)
{
	char *copy = xstrdup(line), *p = copy, *dest = NULL, *first, *second;
	size_t i, n2;
	int rc = -EINVAL;

	first = actions_next_word(&p);
	/* The second word, looked at in place: it is the verb's ("destination
	 * add") or the first argument (clone's path, maybe quoted). */
	second = p + strspn(p, ACTIONS_SPACES);
	n2 = strcspn(second, ACTIONS_SPACES);
	for (i = 0; i < N_VERBS; i++) {
		const char *w = verbs[i].words;
		size_t len = strcspn(w, " ");

		if (!offered(fh->fs, fh->id.rkind, i) || strlen(first) != len ||
		    strncmp(w, first, len))
			continue;
		if (!w[len])
			break;
		if (strlen(w + len + 1) == n2 && !strncmp(second, w + len + 1, n2)) {
			p = second + n2;
			break;
		}
	}
	if (i == N_VERBS) {
		log_error("destination takes add or remove (usage: destination "
			  "add|remove DESTINATION)");
		goto out;
	}
	switch (verbs[i].verb) {
	case PLACE_CLONE:
		rc = run_clone(fh, p);
		break;
	case PLACE_MIGRATE:
		rc = dest_arg("migrate", p, &dest, &fh->fs->api);
		if (!rc)
			rc = relocate_migrate(&fh->fs->api, fh->id.rkind,
					      fh->id.uuid, dest);
		break;
	case PLACE_DEST_ADD:
	case PLACE_DEST_REMOVE:
		rc = dest_arg(verbs[i].words, p, &dest, &fh->fs->api);
		if (!rc)
			rc = relocate_destination(
			    &fh->fs->api, fh->id.uuid, dest,
			    verbs[i].verb == PLACE_DEST_ADD);
		break;
	}
out:
	free(dest);
	free(copy);
	return rc;
}
