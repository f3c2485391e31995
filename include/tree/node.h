/* Nodes: what a path in the mount is, and the table of operations of each
 * kind of node.
 *
 * A struct node describes one path: its kind, and borrowed pointers into
 * the parsed API values it is about. The node holds a reference to each
 * of those values (refs[]), so the pointers stay valid until
 * node_release(). Nodes are built by walking from the root (tree.h); a
 * walk step turns a node into its child in place, keeping the references
 * taken on the way down.
 *
 * A kind is a table of function pointers: directories list and look up
 * children, files render their contents, links give their target. The
 * FUSE operations (ops.c) only resolve a path and dispatch through this
 * table, so a new kind of file is a new table and a row in its parent's
 * lookup, and no operation changes. */
#ifndef CFS_NODE_H
#define CFS_NODE_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <fuse.h>

#include "base/buf.h"
#include "cfs.h"
#include "api/crud.h"
#include "model/model.h"

struct env_var;

/* The most references a node holds: one per level that fetches on the
 * deepest paths, projects/P/E/applications/A/tasks/T/executions/R/output
 * (the projects, the project, the resources, the tasks, the runs), and
 * one to spare for a collection nested one level more. */
#define NODE_MAX_REFS 6

struct node;

/* Which of its kind's flavours a node is: one enum for every kind, so a
 * value means the same wherever it is read. */
enum node_variant {
	NODE_PLAIN = 0,
	NODE_PREVIEW, /* envs-preview/ and its files: preview variables */
};

/* What a node is, by identity: enough to address it at the API with no
 * parsed value at hand. Each level of a lookup fills in its part; a node
 * of another kind made from a node (node_child) keeps it. An open handle
 * takes a copy at open (fh->id) and saves through that copy alone: a
 * commit neither resolves the path again nor reads the node.
 *
 * In a node the strings are borrowed, like the node's pointers, from
 * the values in refs[] (or static); in a handle they are its own. Each
 * is NULL where it does not apply. */
struct node_id {
	const char *project;  /* the project's uuid, at it and below */
	const char *env_name; /* the environment's, at it and below */
	const char *env_uuid;
	/* The object the node is, or is part of: a resource and what is
	 * in its directory, a member of a collection (servers/, keys/,
	 * teams/, tags/...) and its files, the project for project.json.
	 * obj is its row in objects.h (OBJS when it has none), which for a
	 * collection of plain objects (kind_coll) is also the collection's,
	 * its uuid NULL; for new.json, uuid is NULL and obj what it
	 * creates. */
	const char *uuid;
	/* Below a resource or a member of the mount's collections: the id
	 * of a member of a collection it owns (a scheduled task, a
	 * storage), and of that member's runs (an execution). The row's
	 * depth (obj_depth) says which of uuid, member and run is the
	 * node's own id; the others are its owners'. */
	const char *member;
	const char *run;
	enum api_obj obj;
	enum res_kind rkind; /* a resource's, or a collection's */
	enum node_variant variant;
	char name[256]; /* the last path component ("" for /) */
};

/* One entry of a listing. */
struct dir_entry {
	char *name;
	struct stat st;
	bool plus; /* st holds the entry's attributes, not just its type */
};

/* A directory's listing, made when an open directory is first read and
 * kept with it for the readdir requests that follow (a listing seldom
 * fits one). The kernel is given each entry's number as its offset:
 * libfuse then sends readdirplus entries as real lookups, whose
 * attributes the kernel keeps. Given no offsets it sends them without
 * node ids, and the kernel asks again for every entry by name, one
 * LOOKUP each. */
struct dir_fill {
	bool plus;  /* describe each entry too (readdirplus) */
	bool listed; /* v holds the listing */
	struct dir_entry *v;
	size_t n, alloc;
};

/* The save protocol. A handle open for writing buffers what is written
 * in data; ops.c alone decides when that reaches the API, by calling the
 * kind's commit: right after a write() whose written hook answers
 * FH_SEND or FH_SEND_LINES (so that the refusal is that write's error:
 * bash ignores close()'s), else at flush, fsync or release of a dirty
 * handle, or for a truncation nobody wrote over, when the path is
 * opened again (pending.h). A commit is made once, even when refused:
 * dirty is cleared before the next flush could send it again. Kinds
 * return what they know of the contents and never set dirty. */
enum fh_saving {
	/* written: not a complete value yet; sent at close. create: the
	 * file exists (or is temporary) and is sent only once written. */
	FH_KEEP = 0,
	/* written: a complete value: committed now, and not again. */
	FH_SEND,
	/* written: complete lines (ctl verbs) precede what may still grow:
	 * they are committed now (commit's closing false), the rest stays
	 * dirty for close. */
	FH_SEND_LINES,
	/* create: the file is not at the API until committed: it is, at
	 * close, even if nothing is written (touch makes a key). */
	FH_NEW,
};

/* An open file. The FUSE operations own it (open to release); a kind
 * fills it in its open or create hook and may keep state in priv.
 *
 * Threads. FUSE runs each request on any thread, several at once, and
 * an open file may see a read (and fstat) while another request on it
 * runs. Who may touch what:
 *  - fs, kind, flags, path, id and priv_free are set by open or create
 *    (the kind's hook included) before the handle is handed to FUSE,
 *    and only read after: by any thread, unlocked.
 *  - data's bytes, length and allocation change only under lock: by
 *    write() and ftruncate() (ops.c) and by a refresh (kinds whose files
 *    grow while open; those take no write). A thread that may change
 *    data reads it unlocked; any other (read, fstat) holds lock to copy
 *    or measure it.
 *  - dirty, wrote and priv (but a refresh's state) belong to the save
 *    protocol: write, ftruncate, flush, fsync and release, and the
 *    kind's written and commit they call, which the kernel sends one at
 *    a time for an open file (write, ftruncate and fsync under the
 *    inode's lock; release after the last). The one overlap it allows
 *    is a flush (a close) while a write comes through another
 *    descriptor of the same open file (dup, fork): nothing orders the
 *    two, and that write may be left out of the save.
 *  - A refresh may run in any number of threads at once (every read
 *    and fstat calls it): its state in priv is the kind's to guard
 *    (logs.h's reader keeps its own under lock).
 *  - prev and next are fs->handles_lock's. */
struct fh {
	struct cfs *fs;
	const struct node_kind *kind;
	/* Guards data (its bytes, length and allocation): held by whoever
	 * changes it, and by other threads to copy or measure it; never
	 * across a request. */
	pthread_mutex_t lock;
	struct buf data; /* the contents: rendered at open, then written */
	int flags;       /* open(2) flags */
	bool dirty;      /* holds what the API has not been sent */
	bool wrote;      /* write() was called: see cfs_flush() */
	char *path;      /* the path it was opened by, for log lines */
	/* What the file is, copied from its node at open (its strings the
	 * handle's own): the node's references end with the open call, the
	 * handle lives on (and may be renamed). */
	struct node_id id;
	void *priv;
	void (*priv_free)(void *priv);
	struct fh *prev, *next; /* in fs->handles, under fs->handles_lock */
};

struct node_kind {
	const char *name; /* for debugging */
	mode_t type;      /* S_IFDIR, S_IFREG or S_IFLNK */
	mode_t perm;      /* permission bits; 0: 0700 for dirs, 0400 files */

	/* Directories: calls dir_add() for every child. */
	int (*list)(const struct node *dir, struct dir_fill *fill);
	/* Directories: turns n into its child called name, or -ENOENT. */
	int (*lookup)(struct node *n, const char *name);
	/* Directories: creates child name and opens it into fh (its data
	 * starts empty, its id is the directory's with the child's name;
	 * the kind sets what else the child is, as lookup would). flags
	 * are create's open(2) flags. Returns a negative errno, FH_KEEP or
	 * FH_NEW (enum fh_saving). */
	int (*create)(const struct node *dir, const char *name, int flags,
		      struct fh *fh);
	int (*mkdir)(const struct node *dir, const char *name);
	/* Directories: moves child from (a node in this directory) to
	 * newname in this directory (rename(2) flags). */
	int (*rename)(const struct node *dir, const struct node *from,
		      const char *newname, unsigned int flags);
	/* Directories: moves child from (a node in this directory) into
	 * another directory, to, as newname (rename(2) flags). NULL:
	 * nothing leaves this directory but by copying (EXDEV). */
	int (*move)(const struct node *dir, const struct node *from,
		    const struct node *to, const char *newname,
		    unsigned int flags);

	/* Files: the whole contents, into out (already empty). */
	int (*render)(const struct node *n, struct buf *out);
	/* Files: prepares fh for an open with fh->flags; when NULL, files
	 * open read-only with their render() as contents. */
	int (*open)(const struct node *n, struct fh *fh);
	/* Files: called after each write() stored data in fh->data, to
	 * say whether the contents are ready to send: FH_KEEP, FH_SEND or
	 * FH_SEND_LINES (enum fh_saving), or a negative errno for that
	 * write(). Sends nothing itself. */
	int (*written)(struct fh *fh);
	/* Files: makes fh's contents take effect (the save protocol
	 * above); the error is that of the write(), close() or fsync()
	 * that called for it. closing: at flush, fsync, release or for a
	 * pending truncation; false right after written() said FH_SEND or
	 * FH_SEND_LINES. Works from fh->id and fh->data alone. */
	int (*commit)(struct fh *fh, bool closing);
	/* Files: truncate(2) by path, with no handle. */
	int (*truncate)(const struct node *n, off_t size);

	/* Any node: unlink(2) for files, rmdir(2) for directories. */
	int (*unlink)(const struct node *n);
	int (*rmdir)(const struct node *n);
	/* Extended attributes: the value of name into out; set; and the
	 * NUL-separated list of names into out. */
	int (*getxattr)(const struct node *n, const char *name,
			struct buf *out);
	int (*setxattr)(const struct node *n, const char *name,
			const char *value, size_t size, int flags);
	int (*listxattr)(const struct node *n, struct buf *out);

	/* Links: the target, into out (already empty). */
	int (*readlink)(const struct node *n, struct buf *out);
	/* The node's st_mtime; NULL for the mount time. */
	time_t (*mtime)(const struct node *n);
	/* Files: the size stat reports, when rendering is not the way to
	 * know it (NULL: the length of render()). */
	int (*size)(const struct node *n, off_t *size);
	/* Files: brings an open handle's contents up to date before a read
	 * or fstat, for files that grow while open (logs); NULL: the
	 * contents are what open gave. Called without fh->lock, from any
	 * number of threads at once: it asks the API unlocked and changes
	 * fh->data only while holding fh->lock. */
	int (*refresh)(struct fh *fh);
};

struct node {
	const struct node_kind *kind;
	struct cfs *fs;
	struct cval *refs[NODE_MAX_REFS];
	int nrefs;
	/* What the node is about; each is borrowed from a value in refs[]
	 * or static, and NULL when it does not apply. */
	const struct model_project *project;
	const struct model_project_detail *detail;
	const struct model_env *env;
	const struct model_resource *res;
	const struct env_var *var;
	const void *obj; /* kind-specific, borrowed (e.g. a deployment) */
	const char *arg; /* kind-specific, static (e.g. an API path) */
	struct node_id id;
	/* Described for a directory listing (readdirplus): a kind whose
	 * size would cost an API call per file may decline (SPEC §4). */
	bool listing;
};

/* The root directory of fs. */
void node_root(struct node *n, struct cfs *fs);
/* Puts every reference n holds. */
void node_release(struct node *n);
/* Keeps a reference (taken by the caller) for the node's lifetime. A
 * node holds at most NODE_MAX_REFS: asserted, as one more is a bug of a
 * kind's lookup. */
void node_hold(struct node *n, struct cval *v);
/* A node of another kind about the same objects, holding no references:
 * valid while parent is. Used to describe children while listing. */
struct node node_child(const struct node *parent, const struct node_kind *kind);

/* Fills st for n: type and mode, owner, times, and for files the size of
 * what render() gives now. */
int node_stat(const struct node *n, struct stat *st);

/* Tells the kernel that what it keeps about the directory holding the
 * file at path (and about fs's uuid/UUID, when uuid is not NULL) is stale:
 * for an object a ctl file has just deleted, which the kernel would
 * otherwise show for another entry timeout. A no-op outside a FUSE
 * request. */
void node_forget_dir_of(const struct cfs *fs, const char *path,
			const char *uuid);

/* Sets the parts of n's identity that the object found at this level
 * gives: a project, an environment of detail, a resource (its kind
 * too). The strings stay borrowed from the value n holds. */
void node_set_project(struct node *n, const struct model_project *p);
void node_set_env(struct node *n, const struct model_project_detail *d,
		  const struct model_env *e);
void node_set_res(struct node *n, const struct model_resource *r);

/* The id of the member of row id->obj that id names, within its
 * collection: uuid, member or run, by the row's depth; NULL for the
 * collection itself (its new.json) or when id has no row. */
const char *node_id_key(const struct node_id *id);
/* The API path of the object that owns id->obj's collection (for a
 * scheduled task, its application's path): a new string (caller frees),
 * or NULL for a collection of the mount's. */
char *node_id_owner(const struct node_id *id);
/* The API path of id->obj's collection (owner and the row's PATH), and
 * of the member id names (that and /KEY): new strings (caller frees). */
char *node_id_list_path(const struct node_id *id);
char *node_id_member_path(const struct node_id *id);

/* A copy of src whose strings are dst's own; node_id_release frees
 * them. For the identities handles keep. */
void node_id_copy(struct node_id *dst, const struct node_id *src);
void node_id_release(struct node_id *id);

/* Fills a new handle: a copy of n's identity with its own strings
 * (fh_release frees them). */
void fh_init(struct fh *fh, const struct node *n, const char *path, int flags);
void fh_release(struct fh *fh);
/* fh_release, then frees fh itself (allocated). */
void fh_free(struct fh *fh);
/* A new handle like fh, with empty data, marked dirty: committing it
 * writes the empty value fh's truncation left (pending.h). */
struct fh *fh_like(const struct fh *fh);

/* Adds an entry name for child to a listing (described when fill->plus).
 * Returns 0; a non-zero return would stop the listing. */
int dir_add(struct dir_fill *fill, const char *name, const struct node *child);
/* Lists "." or "..". */
void dir_add_dot(struct dir_fill *fill, const char *name);
/* Forgets the entries; the fill can list again. */
void dir_fill_reset(struct dir_fill *fill);

/* The kinds, one table each. */
extern const struct node_kind kind_root;
extern const struct node_kind kind_text;     /* arg: API path, plain text */
extern const struct node_kind kind_api_json; /* arg: API path, JSON */
extern const struct node_kind kind_projects;
extern const struct node_kind kind_project;
extern const struct node_kind kind_project_json;
extern const struct node_kind kind_env;
extern const struct node_kind kind_env_json;
/* environment.json that saves (its PATCH); kind_env_json is read-only */
extern const struct node_kind kind_env_obj_json;
extern const struct node_kind kind_collection; /* id.rkind */
extern const struct node_kind kind_resource;
extern const struct node_kind kind_resource_json;
extern const struct node_kind kind_new_json; /* id.obj: the row it creates */
extern const struct node_kind kind_status;
extern const struct node_kind kind_envs_dir; /* id.variant */
extern const struct node_kind kind_env_file;
extern const struct node_kind kind_env_shadow;
extern const struct node_kind kind_envs_env;
extern const struct node_kind kind_tags; /* a resource's tags */
extern const struct node_kind kind_logs;
extern const struct node_kind kind_ctl;
extern const struct node_kind kind_deploy_dir;    /* an application's */
extern const struct node_kind kind_deploy_active; /* the root's */
extern const struct node_kind kind_deployment;    /* obj: deploy_item */
extern const struct node_kind kind_images; /* an application's rollback tags */
extern const struct node_kind kind_uuid_dir;
extern const struct node_kind kind_uuid_link;

#endif
