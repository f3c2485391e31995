/* Where a resource runs and lives (SPEC §6, current Coolify only):
 * cloning it onto a destination, moving it to another environment,
 * migrating it to another server's destination, and an application's
 * extra destinations. The ctl verbs clone, migrate and destination
 * (tree/placeverbs.h) are these calls.
 *
 * Each call sends one write (clone finds the resource's destination
 * first), maps the answer to errno with the API's message logged once
 * (SPEC §5), and drops what it makes stale from the cache. Nothing is
 * sent on an instance without the routes: -EOPNOTSUPP. Thread-safe. */
#ifndef CFS_RELOCATE_H
#define CFS_RELOCATE_H

#include <stdbool.h>

#include "api/api.h"
#include "model/model.h"

/* The uuid of the team's destination that word names: its uuid, or its
 * name when one destination alone has it (GET /destinations). A new
 * string in *uuid (caller frees). -ENOENT when none does, -EINVAL when
 * several share the name (then the uuid must say which); logged. */
int relocate_find_destination(struct api *api, const char *word, char **uuid);

/* Clones resource uuid of kind onto the destination it runs on (POST
 * /{kind}/{uuid}/clone: the copy stays in the resource's environment),
 * named name (NULL: the API's "clone-of-..." name). The copy's uuid in
 * *copy (caller frees). -EINVAL when the resource's destination cannot
 * be told (a service whose server has several), nothing sent. */
int relocate_clone(struct api *api, enum res_kind kind, const char *uuid,
		   const char *name, char **copy);

/* Moves resource uuid of kind to the environment env_uuid (POST
 * /{kind}/{uuid}/move). "Already in this environment" is -EINVAL. */
int relocate_move(struct api *api, enum res_kind kind, const char *uuid,
		  const char *env_uuid);

/* Migrates resource uuid of kind to the destination dest_uuid (POST
 * /{kind}/{uuid}/migrate). The API does this on development instances
 * only: a production one answers 404, which is -ENOENT, logged as that. */
int relocate_migrate(struct api *api, enum res_kind kind, const char *uuid,
		     const char *dest_uuid);

/* Adds (POST /applications/{uuid}/destinations) or removes (DELETE
 * .../destinations/{dest_uuid}) an extra destination of application
 * uuid. The API's refusals (the primary destination, one already there,
 * a second on the same server) are -EINVAL. */
int relocate_destination(struct api *api, const char *uuid,
			 const char *dest_uuid, bool add);

#endif
