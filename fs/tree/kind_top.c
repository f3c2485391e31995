/* The top of a multi-context mount: the contexts' directories and ctl. */
#include "tree/kind_top.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/actions.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "tree/ctlfile.h"

bool kind_top_ctx_up(struct cfs *fs)
{
	return __atomic_load_n(&fs->up, __ATOMIC_ACQUIRE);
}

static int top_list(const struct node *dir, struct dir_fill *fill)
{
	struct cfs_mount *m = dir->fs->mount;
	struct node c;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct cfs *fs = &m->ctx[i];

		c = node_child(dir, kind_top_ctx_up(fs) ? &kind_root
							: &kind_ctx_down);
		c.fs = fs;
		if (dir_add(fill, fs->name, &c))
			return 0;
	}
	c = node_child(dir, &kind_top_ctl);
	dir_add(fill, "ctl", &c);
	return 0;
}

static int top_lookup(struct node *n, const char *name)
{
	if (strcmp(name, "ctl"))
		return -ENOENT;
	n->kind = &kind_top_ctl;
	return 0;
}

const struct node_kind kind_top = {
	.name = "top",
	.type = S_IFDIR,
	.list = top_list,
	.lookup = top_lookup,
};

static int ctx_down_list(const struct node *dir, struct dir_fill *fill)
{
	(void)dir;
	(void)fill;
	return 0;
}

static int ctx_down_lookup(struct node *n, const char *name)
{
	(void)n;
	(void)name;
	return -ENOENT;
}

const struct node_kind kind_ctx_down = {
	.name = "context-down",
	.type = S_IFDIR,
	.list = ctx_down_list,
	.lookup = ctx_down_lookup,
};

/* ---- ctl ---- */

static const char top_usage[] = "refresh\n";

/* refresh: every context's cached data is dropped (SPEC §7), as a HUP
 * does. A context that has not answered yet has none. */
static void refresh_all(struct cfs_mount *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		if (kind_top_ctx_up(&m->ctx[i])) {
			cache_clear(&m->ctx[i].api.cache);
			n++;
		}
	}
	log_info("refresh: cached data of %zu contexts dropped", n);
}

static int top_ctl_run(struct fh *fh, const char *line)
{
	char *copy = xstrdup(line), *p = copy, *verb, *extra;
	int rc = 0;

	verb = actions_next_word(&p);
	extra = verb ? actions_next_word(&p) : NULL;
	if (!verb) {
		rc = 0; /* a blank line */
	} else if (!strcmp(verb, "refresh") && !extra) {
		refresh_all(fh->fs->mount);
	} else {
		log_error("nothing sent: the top ctl takes refresh, not "
			  "\"%s\"",
			  line);
		rc = -EINVAL;
	}
	free(copy);
	return rc;
}

static int top_ctl_render(const struct node *n, struct buf *out)
{
	(void)n;
	return buf_adds(out, top_usage);
}

static int top_ctl_open(const struct node *n, struct fh *fh)
{
	return ctlfile_open(n, fh, top_ctl_run);
}

const struct node_kind kind_top_ctl = {
	.name = "top-ctl",
	.type = S_IFREG,
	.perm = 0600,
	.render = top_ctl_render,
	.open = top_ctl_open,
	.written = ctlfile_written,
	.commit = ctlfile_commit,
	.truncate = ctlfile_truncate,
};
