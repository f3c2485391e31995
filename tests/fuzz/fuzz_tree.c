/* Path resolution (tree.h) over API data from the input: what a listing
 * shows can be looked up, no listing repeats a name (but uuid/, if the
 * API repeats a uuid) or holds a '/', and
 * every uuid/ link points at a path that resolves.
 *
 * Input, in NUL-separated parts: newline-separated paths to resolve,
 * then the answers of GET /projects, GET /projects/{uuid} (stored under
 * its own uuid), /applications, /databases, /services, /resources and
 * one env list (used for every resource). A part that does not parse is
 * not stored. Nothing goes to the network: the instance counts as down,
 * so anything not stored fails with ECONNREFUSED, as in a mount whose
 * instance went away. */
#include <errno.h>
#include <limits.h>

#include <json-c/json.h>

#include "cfs.h"
#include "api/envs.h"
#include "fuzz.h"
#include "base/log.h"
#include "tree/node.h"
#include "api/objects.h"
#include "api/store.h"
#include "tree/tree.h"

#define DOWN        (-ECONNREFUSED)
#define MAX_ENTRIES 4096

struct listing {
	char *names[MAX_ENTRIES];
	size_t n;
};

static int fill(void *buf, const char *name, const struct stat *st, off_t off,
		enum fuse_fill_dir_flags flags)
{
	struct listing *l = buf;

	(void)st;
	(void)off;
	(void)flags;
	if (l->n == MAX_ENTRIES)
		return 1;
	l->names[l->n++] = strdup(name);
	return 0;
}

static void fs_init(struct cfs *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->conf.cache_ttl = 3600;
	fs->conf.log_lines = 100;
	fs->conf.timeout = 1;
	if (http_init(&fs->api.http, "http://127.0.0.1:9", "1|fuzz", NULL, 1))
		abort();
	fs->api.http.down_until = LONG_MAX;
	fs->api.http.down_errno = DOWN;
	fs->mount_time = 1;
	fs->api.current_api = true;
	fs->api.cache_ttl = fs->conf.cache_ttl;
	cache_init(&fs->api.cache, NULL);
	logs_init(&fs->logs);
	shadows_init(&fs->shadows);
	pending_init(&fs->pending, fh_free);
	gone_init(&fs->api.gone);
	saved_init(&fs->api.saved);
	sizes_init(&fs->sizes);
}

static void fs_release(struct cfs *fs)
{
	sizes_release(&fs->sizes);
	saved_release(&fs->api.saved);
	gone_release(&fs->api.gone);
	pending_release(&fs->pending);
	shadows_release(&fs->shadows);
	logs_release(&fs->logs);
	cache_release(&fs->api.cache);
	http_release(&fs->api.http);
}

static void store_parts(struct cfs *fs, char **part)
{
	static const char *const kinds[RES_KINDS] = { "/applications",
						      "/databases",
						      "/services" };
	struct model_projects *ps;
	struct model_project_detail *d;
	struct model_resources *rs;
	struct json_object *all;
	struct env_list *el;
	enum res_kind k;
	size_t i;

	if (!model_projects_parse(part[0], &ps))
		cache_store(&fs->api.cache, "/projects", ps,
			    model_projects_free);
	if (!model_project_detail_parse(part[1], &d)) {
		char key[512];

		snprintf(key, sizeof(key), "/projects/%s", d->uuid);
		cache_store(&fs->api.cache, key, d, model_project_detail_free);
	}
	/* As store_json keeps them: only text that parses. */
	all = model_json_parse(part[5]);
	if (all) {
		json_object_put(all);
		cache_store(&fs->api.cache, "/resources", strdup(part[5]),
			    free);
	}
	cache_store(&fs->api.cache, "/version", strdup("4.0.0-beta.419"), free);
	cache_store(&fs->api.cache, "/health", strdup("OK"), free);
	for (k = 0; k < RES_KINDS; k++) {
		if (model_resources_parse(k, part[2 + k], part[5], &rs))
			continue;
		for (i = 0; i < rs->n; i++) {
			char key[512];

			if (env_list_parse(part[6], &el))
				break;
			snprintf(key, sizeof(key), "%s/%s/envs",
				 obj_kind_path(k), rs->v[i].uuid);
			cache_store(&fs->api.cache, key, el, env_list_free);
		}
		cache_store(&fs->api.cache, kinds[k], rs, model_resources_free);
	}
}

static int resolve(struct cfs *fs, const char *path, int depth);

/* An entry name the kernel takes (it fails a whole listing with EIO for
 * one name with a '/'). */
static void check_entry(const char *dir, const char *name)
{
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		fprintf(stderr, "%s lists \"%s\"\n", dir, name);
	FUZZ_ASSERT(*name && !strchr(name, '/'));
	FUZZ_ASSERT(strcmp(name, ".") && strcmp(name, ".."));
}

/* A uuid/ link's target, relative to uuid/, resolves. */
static void check_link(struct cfs *fs, struct node *n)
{
	struct buf target = BUF_INIT;
	char *path;

	if (!n->kind->readlink(n, &target)) {
		FUZZ_ASSERT(!strncmp(target.buf, "../", 3));
		path = malloc(target.len + 2);
		sprintf(path, "/%s", target.buf + 3);
		FUZZ_ASSERT(resolve(fs, path, 0) != -ENOENT);
		free(path);
	}
	buf_release(&target);
}

/* Resolves path and describes what it finds; for a directory, lists it
 * and resolves each entry (depth levels down). */
static int resolve(struct cfs *fs, const char *path, int depth)
{
	struct listing *l;
	struct buf out = BUF_INIT;
	struct stat st;
	struct node n;
	size_t i, j;
	int rc;

	rc = tree_resolve(fs, path, &n);
	if (rc)
		return rc;
	node_stat(&n, &st);
	if (n.kind->type == S_IFLNK) {
		if (depth)
			check_link(fs, &n);
	} else if (n.kind->type == S_IFREG && n.kind->render) {
		n.kind->render(&n, &out);
	} else if (n.kind->type == S_IFDIR && depth) {
		struct dir_fill f = { .plus = true };
		int lrc;

		l = calloc(1, sizeof(*l));
		lrc = n.kind->list(&n, &f);
		for (i = 0; i < f.n; i++)
			fill(l, f.v[i].name, &f.v[i].st, 0, 0);
		dir_fill_reset(&f);
		if (!lrc) {
			for (i = 0; i < l->n; i++) {
				char *child;

				check_entry(path, l->names[i]);
				/* uuid/ repeats only what the API repeats:
				 * uuids are unique across kinds at the API,
				 * not in mutated lists. */
				for (j = 0; j < i && strcmp(path, "/uuid");
				     j++) {
					if (!strcmp(l->names[i], l->names[j]))
						fprintf(stderr,
							"%s lists %s twice\n",
							path, l->names[i]);
					FUZZ_ASSERT(
					    strcmp(l->names[i], l->names[j]));
				}
				child = malloc(strlen(path) +
					       strlen(l->names[i]) + 2);
				sprintf(child, "%s/%s",
					strcmp(path, "/") ? path : "",
					l->names[i]);
				rc = resolve(fs, child, depth - 1);
				if (rc == -ENOENT)
					fprintf(stderr,
						"listed, not found: %s\n",
						child);
				FUZZ_ASSERT(rc != -ENOENT);
				free(child);
			}
		}
		for (i = 0; i < l->n; i++)
			free(l->names[i]);
		free(l);
	}
	buf_release(&out);
	node_release(&n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_split in = { data, data + size };
	char *paths, *part[7], *p, *save;
	struct cfs fs;
	int i;

	paths = fuzz_next(&in, '\0');
	if (!paths)
		paths = strdup("");
	for (i = 0; i < 7; i++) {
		part[i] = fuzz_next(&in, '\0');
		if (!part[i])
			part[i] = strdup("");
	}
	fs_init(&fs);
	store_parts(&fs, part);
	for (p = strtok_r(paths, "\n", &save); p;
	     p = strtok_r(NULL, "\n", &save))
		resolve(&fs, p, 2);
	fs_release(&fs);
	for (i = 0; i < 7; i++)
		free(part[i]);
	free(paths);
	return 0;
}
