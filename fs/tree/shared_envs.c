#include "tree/shared_envs.h"

#include <errno.h>
#include <string.h>

#include "api/envs.h"
#include "api/instance.h"

/* Whether dir has shared variables: 0 (yes), -ENOENT (no) or the error
 * of asking which team is the token's. */
static int has_shared(const struct node *dir, enum api_obj owner)
{
	struct buf team = BUF_INIT;
	int rc;

	if (!envs_shared_supported(&dir->fs->api))
		return -ENOENT;
	if (owner != OBJ_TEAM)
		return 0;
	/* /team/envs is the token's team's: the one teams/current is. */
	rc = instance_current_team(&dir->fs->api, &team);
	if (!rc && (!dir->id.uuid || strcmp(team.buf, dir->id.uuid)))
		rc = -ENOENT;
	buf_release(&team);
	return rc;
}

/* Makes n (a copy of the owner's node) its entry of kind k. */
static void make(struct node *n, enum api_obj owner, const struct node_kind *k)
{
	n->kind = k;
	n->id.obj = owner;
	n->id.variant = NODE_PLAIN;
	n->var = NULL;
	if (owner == OBJ_PROJECT)
		n->id.uuid = n->id.project;
	else if (owner == OBJ_ENV)
		n->id.uuid = n->id.env_uuid;
}

void shared_envs_list(const struct node *dir, enum api_obj owner,
		      struct dir_fill *fill)
{
	struct node c;

	if (has_shared(dir, owner))
		return;
	c = node_child(dir, &kind_envs_dir);
	make(&c, owner, &kind_envs_dir);
	if (dir_add(fill, "envs", &c))
		return;
	c = node_child(dir, &kind_envs_env);
	make(&c, owner, &kind_envs_env);
	dir_add(fill, "envs.env", &c);
}

int shared_envs_lookup(struct node *n, enum api_obj owner, const char *name)
{
	const struct node_kind *k;
	int rc;

	if (!strcmp(name, "envs"))
		k = &kind_envs_dir;
	else if (!strcmp(name, "envs.env"))
		k = &kind_envs_env;
	else
		return -ENOENT;
	rc = has_shared(n, owner);
	if (rc)
		return rc;
	make(n, owner, k);
	return 0;
}
