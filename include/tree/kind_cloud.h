/* cloud/ (SPEC §6): a top directory that holds collections (objects.h's
 * under: cloud/tokens/, cloud/init-scripts/) and the providers'
 * catalogues (cloud/hetzner/, cloud/digitalocean/, cloud/vultr/, and
 * each token's catalogue/), served by kind_group.c and kind_cloud.c. */
#ifndef CFS_KIND_CLOUD_H
#define CFS_KIND_CLOUD_H

#include "tree/node.h"

/* For the root: lists the groups (MOUNT/UNDER/ of objects.h's under)
 * that the instance has a row of; turns n into the one called name, or
 * -ENOENT. */
int kind_group_root_list(const struct node *root, struct dir_fill *fill);
int kind_group_root_lookup(struct node *n, const char *name);

/* A group's directory: arg is its name ("cloud"). */
extern const struct node_kind kind_group;

/* A provider's catalogue: arg is the provider ("hetzner") in cloud/,
 * read with the team's only token of that provider; NULL in a token's
 * directory (cloud/tokens/T/catalogue/: n->obj is the token, id.uuid
 * its uuid), read with that token. */
extern const struct node_kind kind_cloud_catalogue;

#endif
