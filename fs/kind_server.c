/* servers/ and a server's directory (SPEC §2): server.json is
 * GET /servers/{uuid} (the full object; the list has a few columns),
 * resources.json GET /servers/{uuid}/resources, domains the domains it
 * serves as text, ctl its verbs (inst_actions.h). */
#include <errno.h>

#include "instance.h"
#include "jsonfile.h"
#include "kind_inst.h"

static int servers_list(const struct node *dir, struct dir_fill *fill)
{
	return kind_inst_coll_list(dir, fill, instance_servers, &kind_server,
				   INST_COLL_SERVERS);
}

static int servers_lookup(struct node *n, const char *name)
{
	int rc = kind_inst_coll_lookup(n, name, instance_servers, &kind_server,
				       INST_COLL_SERVERS);

	/* An object called new.json wins: it is listed. */
	return rc == -ENOENT ? jsonfile_new_lookup(n, name, OBJ_SERVER) : rc;
}

/* new.json creates one (SPEC §3.4). */
static int servers_create(const struct node *dir, const char *name, int flags,
		     struct fh *fh)
{
	(void)flags;
	return jsonfile_new_create(dir, name, fh, OBJ_SERVER);
}

const struct node_kind kind_servers = {
	.name = "servers",
	.type = S_IFDIR,
	.list = servers_list,
	.lookup = servers_lookup,
	.create = servers_create,
};

static const struct inst_entry server_entries[] = {
	{ "server.json", &kind_inst_obj_json, NULL },
	{ "resources.json", &kind_inst_json, "/resources" },
	{ "domains", &kind_inst_domains, "/domains" },
	{ "ctl", &kind_inst_ctl, NULL },
};

#define N_SERVER (sizeof(server_entries) / sizeof(server_entries[0]))

static int server_list(const struct node *dir, struct dir_fill *fill)
{
	return kind_inst_entries_list(dir, fill, server_entries, N_SERVER);
}

static int server_lookup(struct node *n, const char *name)
{
	return kind_inst_entries_lookup(n, name, server_entries, N_SERVER);
}

const struct node_kind kind_server = {
	.name = "server",
	.type = S_IFDIR,
	.list = server_list,
	.lookup = server_lookup,
	.mtime = kind_inst_item_mtime,
};
