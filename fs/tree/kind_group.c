/* A directory at the top of the mount that holds several collections
 * (SPEC §6: cloud/ holds tokens/ and init-scripts/), or several single
 * objects of the mount (notifications/ holds a file per channel). A row
 * of objects.h with top and under is listed in MOUNT/UNDER/ instead of
 * MOUNT/, and so is a single row of the mount with under (its FILE,
 * served as a member's single object is, kind_inst.h); the group is
 * shown when the instance has one of its rows (none of cloud/ is on the
 * 2025 API: it is absent there), with the entries of its own that
 * groups[] gives (the providers' catalogues). A new group is a row of
 * groups[] and an under in objects.c. */
#include <errno.h>
#include <string.h>

#include "api/objects.h"
#include "tree/kind_cloud.h"
#include "tree/kind_inst.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct inst_entry cloud_entries[] = {
	{ "hetzner", &kind_cloud_catalogue, "hetzner" },
	{ "digitalocean", &kind_cloud_catalogue, "digitalocean" },
	{ "vultr", &kind_cloud_catalogue, "vultr" },
};

struct group {
	const char *name;
	/* Listed after the group's collections. */
	const struct inst_entry *entries;
	size_t nentries;
};

static const struct group groups[] = {
	{ "cloud", cloud_entries, N_OF(cloud_entries) },
	{ "notifications", NULL, 0 },
	{ "settings", NULL, 0 },
};

/* A single object of the mount: a file, not a directory. */
static bool mount_single(const struct api_object *d)
{
	return d->single && d->owner == OWNER_MOUNT;
}

/* Whether row o is a collection, or a single object, of group name on
 * this instance. */
static bool in_group(const struct cfs *fs, enum api_obj o, const char *name)
{
	const struct api_object *d = obj_get(o);

	return (d->top || mount_single(d)) && d->under &&
	       !strcmp(d->under, name) && obj_supported(d, fs->api.current_api);
}

/* The entry's name and kind in the group: a collection's DIR/, or a
 * single object's FILE (writable when the API takes a PATCH). */
static const char *entry_of(const struct api_object *d,
			    const struct node_kind **kind)
{
	if (!mount_single(d)) {
		*kind = &kind_coll;
		return d->dir;
	}
	*kind = d->verbs & OBJ_PATCH ? &kind_inst_obj_json : &kind_inst_json;
	return d->file;
}

static bool group_shown(const struct cfs *fs, const char *name)
{
	enum api_obj o;

	for (o = 0; o < OBJS; o++)
		if (in_group(fs, o, name))
			return true;
	return false;
}

static const struct group *group_of(const char *name)
{
	size_t i;

	for (i = 0; name && i < N_OF(groups); i++)
		if (!strcmp(groups[i].name, name))
			return &groups[i];
	return NULL;
}

int kind_group_root_list(const struct node *root, struct dir_fill *fill)
{
	size_t i;

	for (i = 0; i < N_OF(groups); i++) {
		struct node c = node_child(root, &kind_group);

		if (!group_shown(root->fs, groups[i].name))
			continue;
		c.arg = groups[i].name;
		if (dir_add(fill, groups[i].name, &c))
			return 1;
	}
	return 0;
}

int kind_group_root_lookup(struct node *n, const char *name)
{
	const struct group *g = group_of(name);

	if (!g || !group_shown(n->fs, g->name))
		return -ENOENT;
	n->kind = &kind_group;
	n->arg = g->name;
	return 0;
}

static int group_list(const struct node *dir, struct dir_fill *fill)
{
	const struct group *g = group_of(dir->arg);
	enum api_obj o;

	for (o = 0; o < OBJS; o++) {
		const struct node_kind *kind;
		const char *name;
		struct node c;

		if (!in_group(dir->fs, o, dir->arg))
			continue;
		name = entry_of(obj_get(o), &kind);
		c = node_child(dir, kind);
		c.id.obj = o;
		c.arg = NULL;
		if (dir_add(fill, name, &c))
			return 0;
	}
	if (g)
		kind_inst_entries_list(dir, fill, g->entries, g->nentries);
	return 0;
}

static int group_lookup(struct node *n, const char *name)
{
	const struct group *g = group_of(n->arg);
	enum api_obj o;

	for (o = 0; o < OBJS; o++) {
		const struct node_kind *kind;

		if (in_group(n->fs, o, n->arg) &&
		    !strcmp(name, entry_of(obj_get(o), &kind))) {
			n->kind = kind;
			n->id.obj = o;
			n->arg = NULL;
			return 0;
		}
	}
	if (!g)
		return -ENOENT;
	return kind_inst_entries_lookup(n, name, g->entries, g->nentries);
}

const struct node_kind kind_group = {
	.name = "group",
	.type = S_IFDIR,
	.list = group_list,
	.lookup = group_lookup,
};
