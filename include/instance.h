/* The instance's own objects through the cache: servers, private keys
 * and teams (SPEC §2), as objlist.h lists, and the team the token works
 * in. Like store.h: each function returns a reference the caller puts
 * with cval_put(), or a negative errno (SPEC §5) already logged.
 *
 * The cache keys are the API paths, so writes elsewhere (creating a
 * server, deleting a key) drop them with cache_invalidate(path).
 * Thread-safe. */
#ifndef CFS_INSTANCE_H
#define CFS_INSTANCE_H

#include "buf.h"
#include "cache.h"
#include "cfs.h"
#include "objlist.h"

#define INSTANCE_SERVERS "/servers"
#define INSTANCE_KEYS    "/security/keys"
#define INSTANCE_TEAMS   "/teams"

/* GET /servers -> struct objlist */
int instance_servers(struct cfs *fs, struct cval **out);
/* GET /security/keys -> struct objlist, every private_key removed */
int instance_keys(struct cfs *fs, struct cval **out);
/* GET /teams -> struct objlist, ids are the teams' numbers */
int instance_teams(struct cfs *fs, struct cval **out);

/* The id of the token's team into out (appended): GET /team on current
 * Coolify, GET /teams/current on 2025 instances, which lack /team. */
int instance_current_team(struct cfs *fs, struct buf *out);

#endif
