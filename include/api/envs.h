/* Environment variables: the API's env lists as owned structs, and every
 * change the mount makes to them (SPEC §3.1, §6).
 *
 * Whose variables they are is the target's owner: a resource (an
 * application, a database, a service), or on current Coolify a set of
 * shared variables (a project's, an environment's, a server's, the
 * token's team's; NOTES §17.7). Each owner has its API path, and each
 * kind of route its own shapes, which envs_routes.h describes once per
 * kind: how a change is addressed (by key or by id), what a PATCH resets,
 * whether there is a bulk route.
 *
 * The resource endpoints differ by resource kind and API generation
 * (NOTES §10, §17.4): application PATCH overwrites the value and every
 * flag left out, so a change always sends the variable's current flags;
 * service PATCH changes only what it is sent; 2025 application endpoints
 * refuse is_multiline and is_shown_once; current Coolify names
 * is_build_time is_buildtime and adds is_runtime. Shared variables have
 * numeric ids, a partial PATCH by id, and no bulk route. This module
 * hides all of that behind one set of calls.
 *
 * Every call returns 0 or a negative errno (SPEC §5) that was logged, and
 * leaves the cache so that the next read sees the change (the new list
 * is stored when the API's answer gives it, else the list is dropped).
 * Thread-safe. */
#ifndef CFS_ENVS_H
#define CFS_ENVS_H

#include <stdbool.h>
#include <time.h>

#include "cache/cache.h"
#include "api/api.h"
#include "model/dotenv.h"
#include "model/model.h"

enum env_flag {
	ENV_BUILD_TIME, /* is_build_time, or is_buildtime on current Coolify */
	ENV_RUNTIME,    /* current Coolify only */
	ENV_LITERAL,
	ENV_MULTILINE,
	ENV_SHOWN_ONCE,
	ENV_FLAGS
};

struct env_var {
	char *uuid; /* a shared variable's numeric id, in decimal */
	char *key;
	char *value; /* NULL when the token may not read it */
	bool preview;
	bool flags[ENV_FLAGS];
	bool has[ENV_FLAGS]; /* whether the API gave the flag at all */
	time_t mtime;
};

struct env_list {
	struct env_var *v;
	size_t n;
	bool latest; /* flags named the current API's way */
};

/* Whose variables. */
enum env_owner {
	ENV_OWNER_RESOURCE,
	ENV_OWNER_PROJECT, /* shared variables: current Coolify only */
	ENV_OWNER_ENV,
	ENV_OWNER_SERVER,
	ENV_OWNER_TEAM, /* the token's team: /team/envs */
	ENV_OWNERS
};

/* Which variables: a resource's production or preview set, or an
 * owner's shared variables. */
struct env_target {
	enum env_owner owner;
	enum res_kind kind; /* ENV_OWNER_RESOURCE's */
	/* The resource's, project's, environment's or server's uuid (NULL
	 * for the team). */
	const char *uuid;
	const char *project; /* ENV_OWNER_ENV: the environment's project */
	bool preview;        /* resources only */
};

/* A resource's variables, as a target. */
static inline struct env_target env_target_res(enum res_kind kind,
					       const char *uuid, bool preview)
{
	struct env_target t = { ENV_OWNER_RESOURCE, kind, uuid, NULL, preview };

	return t;
}

/* Whether the target is a set of shared variables (numeric ids, no
 * preview set, no bulk route). */
static inline bool env_target_shared(const struct env_target *t)
{
	return t->owner != ENV_OWNER_RESOURCE;
}

/* The flag's API field name for this list's generation, and its xattr
 * suffix ("is_build_time" for both generations). */
const char *env_flag_field(enum env_flag f, bool latest);
const char *env_flag_name(enum env_flag f);

/* Parses GET .../envs (the caller frees with env_list_free). -EIO when it
 * is not a list of variables. */
int env_list_parse(const char *json, struct env_list **out);
void env_list_free(void *p);
const struct env_var *env_list_find(const struct env_list *l, const char *key,
				    bool preview);

/* Whether the instance has env endpoints for this kind of resource
 * (databases only on current Coolify, NOTES §10.4). */
bool envs_supported(const struct api *api, enum res_kind kind);
/* Whether it has shared variables (current Coolify, NOTES §17.7). */
bool envs_shared_supported(const struct api *api);

/* Whether envs_get() would answer from the cache. */
bool envs_fresh(struct api *api, const struct env_target *t);
/* The target's variables (a resource's: both sets), through the cache. */
int envs_get(struct api *api, const struct env_target *t, struct cval **out);
/* Whether the last list fetched (however old) holds key in the target's
 * set; never asks the API. */
bool envs_cached_has(struct api *api, const struct env_target *t,
		     const char *key);

/* Sets key to value, creating the variable when it does not exist. A
 * value equal to the current one sends nothing. like, when not NULL,
 * gives the flags a new variable starts with. */
int envs_set(struct api *api, const struct env_target *t, const char *key,
	     const char *value, const struct env_var *like);
int envs_delete(struct api *api, const struct env_target *t, const char *key);
/* Renames: creates to with from's value and flags, then deletes from
 * (shared variables: one PATCH of the key, when to does not exist).
 * -EEXIST when noreplace and to exists; -EACCES when from's value is
 * hidden from the token and must be carried. */
int envs_rename(struct api *api, const struct env_target *t, const char *from,
		const char *to, bool noreplace);
/* Changes one flag; -EACCES when the value is hidden and the PATCH
 * would overwrite it (resources), -EINVAL for a flag these routes cannot
 * set. */
int envs_set_flag(struct api *api, const struct env_target *t, const char *key,
		  enum env_flag flag, bool on);
/* Makes the set equal to want: changed and new keys in one bulk request
 * (shared variables: one POST or PATCH per key), then one DELETE per key
 * that want lacks (only keys whose value the token can read). The whole
 * of want is checked before anything is sent. A partial failure is -EIO,
 * and the log names the keys that were applied. */
int envs_apply(struct api *api, const struct env_target *t,
	       const struct dotenv *want);

#endif
