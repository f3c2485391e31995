#include "instance.h"

#include <errno.h>
#include <stdlib.h>

#include "http.h"
#include "log.h"
#include "store.h"
#include "xalloc.h"

/* What a loader needs; lives on the caller's stack during cache_fetch. */
struct load_ctx {
	struct cfs *fs;
	const struct objlist_spec *spec;
};

/* NOTES §1.5: a key's secret is shown to root and read:sensitive tokens;
 * the mount never shows it (SPEC §2), so it is dropped on arrival. */
static const char *const key_secrets[] = { "private_key", NULL };

/* teams/current is the token's team (kind_team.c). */
static const char *const teams_reserved[] = { "current", NULL };

static const struct objlist_spec servers_spec = { "uuid", NULL, NULL };
static const struct objlist_spec keys_spec = { "uuid", key_secrets, NULL };
static const struct objlist_spec teams_spec = { "id", NULL, teams_reserved };

static int load_list(void *arg, const char *key, bool stale, void **data,
		     void (**free_data)(void *))
{
	struct load_ctx *ctx = arg;
	struct http_response resp;
	struct objlist *l;
	int rc;

	http_response_init(&resp);
	rc = http_call(&ctx->fs->http, "GET", key, NULL,
		       stale ? HTTP_STALE_OK : 0, &resp);
	if (!rc && objlist_parse(resp.body.buf, ctx->spec, &l)) {
		log_error("GET %s: the answer is not the JSON the API "
			  "documents",
			  key);
		rc = -EIO;
	}
	if (!rc) {
		*data = l;
		*free_data = objlist_free;
	}
	http_response_release(&resp);
	return rc;
}

static int fetch_list(struct cfs *fs, const char *path,
		      const struct objlist_spec *spec, struct cval **out)
{
	struct load_ctx ctx = { fs, spec };

	return cache_fetch(&fs->cache, path, fs->conf.cache_ttl, load_list,
			   &ctx, out);
}

int instance_servers(struct cfs *fs, struct cval **out)
{
	return fetch_list(fs, INSTANCE_SERVERS, &servers_spec, out);
}

int instance_keys(struct cfs *fs, struct cval **out)
{
	return fetch_list(fs, INSTANCE_KEYS, &keys_spec, out);
}

int instance_teams(struct cfs *fs, struct cval **out)
{
	return fetch_list(fs, INSTANCE_TEAMS, &teams_spec, out);
}

int instance_current_team(struct cfs *fs, struct buf *out)
{
	/* NOTES §13, §17.12: /teams/current is the UI session's team, not
	 * necessarily the token's; current Coolify has /team, which is. */
	const char *path = fs->current_api ? "/team" : "/teams/current";
	struct cval *v;
	char *id;
	int rc;

	rc = store_json(fs, path, &v);
	if (rc)
		return rc;
	id = objlist_object_id(v->data, "id");
	cval_put(v);
	if (!id) {
		log_error("GET %s: the answer names no team", path);
		return -EIO;
	}
	rc = buf_adds(out, id);
	free(id);
	return rc;
}
