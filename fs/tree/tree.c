#include "tree/tree.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

int tree_resolve(struct cfs *fs, const char *path, struct node *n)
{
	char name[sizeof(n->id.name)];
	const char *p = path;
	int rc;

	node_root(n, fs);
	for (;;) {
		size_t len;

		p += strspn(p, "/");
		if (!*p)
			return 0;
		len = strcspn(p, "/");
		if (len >= sizeof(n->id.name)) {
			rc = -ENAMETOOLONG;
			goto out_release;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		memcpy(n->id.name, name, len + 1);
		if (!n->kind->lookup) {
			rc = -ENOTDIR;
			goto out_release;
		}
		rc = n->kind->lookup(n, name);
		if (rc)
			goto out_release;
	}

out_release:
	node_release(n);
	return rc;
}
