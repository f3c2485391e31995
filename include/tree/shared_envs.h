/* Where shared variables show (SPEC §6): envs/ and envs.env, served by
 * kind_envs_dir and kind_envs_env with every rule of §3.1, in
 * projects/P/, projects/P/ENV/, servers/S/ and, for the token's team
 * only (the one /team/envs is about), teams/TEAM/ (so also
 * teams/current/). On an instance without shared variables (the 2025
 * API) both are absent.
 *
 * A directory that has them calls these from its kind's list and lookup;
 * owner is the row of what the directory is (OBJ_PROJECT, OBJ_ENV,
 * OBJ_SERVER, OBJ_TEAM), whose uuid the node's id holds (id.project,
 * id.env_uuid, id.uuid). An environment called envs or envs.env is
 * shown as NAME@UUID (objects.c: the environments' reserved names). */
#ifndef CFS_SHARED_ENVS_H
#define CFS_SHARED_ENVS_H

#include "api/objects.h"
#include "tree/node.h"

/* Adds envs/ and envs.env to a listing of dir, when dir has them. */
void shared_envs_list(const struct node *dir, enum api_obj owner,
		      struct dir_fill *fill);
/* Turns n into its envs/ or envs.env; -ENOENT when name is neither or n
 * has none (or the error that finding out gave). */
int shared_envs_lookup(struct node *n, enum api_obj owner, const char *name);

#endif
