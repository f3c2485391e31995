/* teams/ (SPEC §2): a directory per team the user belongs to (NOTES
 * §13: GET /teams lists them all, not only the token's), each with
 * team.json and members.json, and current -> the token's team. */
#include <errno.h>
#include <string.h>

#include "instance.h"
#include "kind_inst.h"
#include "objlist.h"

static const char current_name[] = "current";

static int teams_list(const struct node *dir, struct dir_fill *fill)
{
	struct node c = node_child(dir, &kind_team_current);

	if (dir_add(fill, current_name, &c))
		return 0;
	return kind_inst_coll_list(dir, fill, instance_teams, &kind_team,
				   INST_COLL_TEAMS);
}

/* A team called "current" is listed as current@ID (instance.c), so the
 * link hides none. */
static int teams_lookup(struct node *n, const char *name)
{
	if (!strcmp(name, current_name)) {
		n->kind = &kind_team_current;
		return 0;
	}
	return kind_inst_coll_lookup(n, name, instance_teams, &kind_team,
				     INST_COLL_TEAMS);
}

const struct node_kind kind_teams = {
	.name = "teams",
	.type = S_IFDIR,
	.list = teams_list,
	.lookup = teams_lookup,
};

static int current_readlink(const struct node *n, struct buf *out)
{
	const struct objlist_item *it;
	struct buf id = BUF_INIT;
	struct cval *v;
	int rc;

	rc = instance_current_team(n->fs, &id);
	if (rc)
		goto out;
	rc = instance_teams(n->fs, &v);
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

const struct node_kind kind_team_current = {
	.name = "team-current",
	.type = S_IFLNK,
	.readlink = current_readlink,
};

static const struct inst_entry team_entries[] = {
	{ "team.json", &kind_inst_item_json, NULL },
	{ "members.json", &kind_inst_json, "/members" },
};

#define N_TEAM (sizeof(team_entries) / sizeof(team_entries[0]))

static int team_list(const struct node *dir, struct dir_fill *fill)
{
	return kind_inst_entries_list(dir, fill, team_entries, N_TEAM);
}

static int team_lookup(struct node *n, const char *name)
{
	return kind_inst_entries_lookup(n, name, team_entries, N_TEAM);
}

const struct node_kind kind_team = {
	.name = "team",
	.type = S_IFDIR,
	.list = team_list,
	.lookup = team_lookup,
	.mtime = kind_inst_item_mtime,
};
