/* A resource's logs file: the last log_lines lines of its container's
 * log, followed while open (SPEC §3.2). The text and its polling are in
 * logs.h; this file knows the endpoints.
 *
 * Applications have a logs endpoint everywhere; databases and services
 * only on current Coolify (NOTES §17.5). A service's containers are
 * asked one by one and shown together, each line after its container's
 * name, as `docker compose logs` shows them.
 *
 * A member of a row with logs (objects.h: a service's container in
 * containers/) has a log of its own, PATH/ID/logs: one container, asked
 * for its last lines only (the containers' routes take no timestamps). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/log.h"
#include "model/logs.h"
#include "tree/node.h"
#include "api/objects.h"
#include "base/xalloc.h"

/* What a poll needs, copied out of the node: a handle outlives it. */
struct logs_src {
	struct cfs *fs;
	char *uuid;
	char *member; /* a member's API path (its log is PATH/logs), or NULL */
	enum res_kind kind;
	char **subs; /* a service's containers, by name */
	size_t nsubs;
};

struct logs_handle {
	struct logs_src src;
	struct logs_reader reader;
};

static void add_names(struct logs_src *src, struct json_object *list)
{
	size_t i;

	if (!json_object_is_type(list, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		struct json_object *name;

		if (!json_object_object_get_ex(o, "name", &name) ||
		    !json_object_is_type(name, json_type_string))
			continue;
		src->subs =
		    xrealloc(src->subs, (src->nsubs + 1) * sizeof(*src->subs));
		src->subs[src->nsubs++] = xstrdup(json_object_get_string(name));
	}
}

/* The API path of the member n is in (a service's container), or NULL
 * for a resource's own log: a new string (caller frees). */
static char *member_of(const struct node *n)
{
	if (n->id.obj >= OBJS || !obj_depth(obj_get(n->id.obj)) ||
	    !node_id_key(&n->id))
		return NULL;
	return node_id_member_path(&n->id);
}

static void src_init(struct logs_src *src, const struct node *n)
{
	struct json_object *root, *list;
	char *json;

	memset(src, 0, sizeof(*src));
	src->fs = n->fs;
	src->member = member_of(n);
	if (src->member)
		return;
	src->uuid = xstrdup(n->res->uuid);
	src->kind = n->res->kind;
	if (src->kind != RES_SVC || !(json = model_resource_json(n->res)))
		return;
	/* NOTES §2.3: a service's object lists its containers. */
	root = json_tokener_parse(json);
	free(json);
	if (root && json_object_object_get_ex(root, "applications", &list))
		add_names(src, list);
	if (root && json_object_object_get_ex(root, "databases", &list))
		add_names(src, list);
	json_object_put(root);
}

static void src_release(struct logs_src *src)
{
	size_t i;

	for (i = 0; i < src->nsubs; i++)
		free(src->subs[i]);
	free(src->subs);
	free(src->uuid);
	free(src->member);
}

/* NOTES §9.1, §17.5: 400 when the container is not running: no logs. */
static const struct http_quirk logs_quirks[] = {
	{ 400, NULL, 0, -ENODATA, "§9.1, §17.5", NULL },
	{ 0 },
};

/* Asks for one container's window and feeds it. */
static int fetch_one(struct cfs *fs, const char *path, const char *label,
		     struct logs_feed *feed)
{
	struct http_response resp;
	struct buf msg = BUF_INIT, text = BUF_INIT;
	struct json_object *root = NULL, *v;
	int rc;

	http_response_init(&resp);
	/* Quiet: the stream logs a failure once per run of them. */
	rc = http_call_quirks(&fs->api.http, "GET", path, NULL, HTTP_QUIET,
			      logs_quirks, &resp);
	if (rc)
		http_describe(&resp, rc, &msg);
	if (rc == -ENODATA) {
		logs_feed_stopped(feed, label, msg.buf);
		rc = 0;
		goto out;
	}
	if (rc) {
		logs_feed_note(feed, "GET %s: %s", path, msg.buf);
		goto out;
	}
	root = json_tokener_parse(resp.body.buf);
	if (!root || !json_object_object_get_ex(root, "logs", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		logs_feed_note(feed,
			       "GET %s: the answer is not the JSON the "
			       "API documents",
			       path);
		rc = -EIO;
		goto out;
	}
	rc = logs_clean(json_object_get_string(v),
			(size_t)json_object_get_string_len(v),
			fs->api.current_api ? 0 : LOGS_DOUBLED, &text);
	if (!rc)
		logs_feed_window(feed, label, text.buf, text.len);
out:
	json_object_put(root);
	buf_release(&text);
	buf_release(&msg);
	http_response_release(&resp);
	return rc;
}

static int logs_fetch(void *arg, struct logs_feed *feed)
{
	const struct logs_src *src = arg;
	struct cfs *fs = src->fs;
	struct buf path = BUF_INIT;
	/* The kind's API path, "/applications", is one segment. */
	const char *segs[] = { obj_kind_path(src->kind) + 1, src->uuid, "logs",
			       NULL };
	char lines[16];
	struct http_param query[] = {
		{ "sub_service_name", NULL },
		{ "lines", lines },
		{ "show_timestamps", NULL },
		{ NULL, NULL },
	};
	size_t i;
	int rc = 0;

	snprintf(lines, sizeof(lines), "%u", fs->conf.log_lines);
	if (src->member) {
		const char *tail[] = { "logs", NULL };
		struct buf q = BUF_INIT;

		query[0].value = NULL;
		rc = http_path(&q, tail, query);
		if (!rc) {
			buf_addf(&path, "%s%s", src->member, q.buf);
			rc = fetch_one(fs, path.buf, NULL, feed);
		}
		buf_release(&q);
		buf_release(&path);
		return rc;
	}
	/* Current Coolify can prefix docker's timestamps: they tell
	 * repeated lines apart when matching windows, and order the lines
	 * of a service's containers. They are not shown. NOTES §17.5: the
	 * spec types the parameter boolean, so it is sent as "true"; an
	 * instance that ignores it sends lines without them, and only
	 * docker's exact prefix is taken off (logs_ts_len). */
	if (fs->api.current_api) {
		logs_feed_timestamps(feed);
		query[2].value = "true";
	}
	if (src->kind != RES_SVC) {
		rc = http_path(&path, segs, query);
		if (!rc)
			rc = fetch_one(fs, path.buf, NULL, feed);
	}
	for (i = 0; src->kind == RES_SVC && !rc && i < src->nsubs; i++) {
		query[0].value = src->subs[i];
		rc = http_path(&path, segs, query);
		if (!rc)
			rc = fetch_one(fs, path.buf, src->subs[i], feed);
	}
	buf_release(&path);
	return rc;
}

/* A resource's log is keyed by its uuid, a member's by its path. */
static char *stream_key(const struct node *n)
{
	char *member = member_of(n), *key;

	key = xasprintf("logs:%s", member ? member : n->res->uuid);
	free(member);
	return key;
}

/* Polls are at most one a cache period (at least a second): a `tail -f`
 * must not spend the instance's rate limit. */
static unsigned period(const struct cfs *fs)
{
	return fs->conf.cache_ttl ? fs->conf.cache_ttl : 1;
}

static void handle_free(void *p)
{
	struct logs_handle *h = p;

	logs_reader_close(&h->reader);
	src_release(&h->src);
	free(h);
}

static int logs_open(const struct node *n, struct fh *fh)
{
	struct logs_handle *h;
	char *key;
	int rc;

	if ((fh->flags & O_ACCMODE) != O_RDONLY)
		return n->fs->conf.ro ? -EROFS : -EACCES;
	h = xcalloc(1, sizeof(*h));
	src_init(&h->src, n);
	key = stream_key(n);
	rc = logs_reader_open(&h->reader, &n->fs->logs, key, true,
			      period(n->fs), logs_fetch, &h->src, &fh->data);
	free(key);
	if (rc) {
		src_release(&h->src);
		free(h);
		return rc;
	}
	fh->priv = h;
	fh->priv_free = handle_free;
	return 0;
}

static int logs_refresh(struct fh *fh)
{
	struct logs_handle *h = fh->priv;

	return logs_reader_refresh(&h->reader, period(h->src.fs), logs_fetch,
				   &h->src, &fh->data, &fh->lock);
}

/* Gets n's stream (put it), polled first when poll says. */
static int with_stream(const struct node *n, bool poll, struct logs_stream **s,
		       struct logs_src *src)
{
	char *key = stream_key(n);
	int rc = 0;

	*s = logs_stream_get(&n->fs->logs, key, true);
	free(key);
	if (poll) {
		src_init(src, n);
		rc = logs_stream_poll(*s, period(n->fs), logs_fetch, src);
		src_release(src);
	}
	if (rc) {
		logs_stream_put(&n->fs->logs, *s);
		*s = NULL;
	}
	return rc;
}

static int logs_size(const struct node *n, off_t *size)
{
	struct logs_stream *s;
	struct logs_src src;
	size_t len = 0;
	int rc;

	/* SPEC §4: a walk costs no request per file, so a log never read
	 * has size 0 until something opens it. Once read, stat polls (no
	 * faster than the cache allows) so that `tail -f` follows. */
	rc = with_stream(n, false, &s, &src);
	if (rc)
		return rc;
	if (!logs_stream_fetched(s) || n->listing) {
		if (logs_stream_fetched(s))
			logs_stream_stat(s, &len, NULL);
		logs_stream_put(&n->fs->logs, s);
		*size = (off_t)len;
		return 0;
	}
	logs_stream_put(&n->fs->logs, s);
	rc = with_stream(n, true, &s, &src);
	if (rc)
		return rc;
	logs_stream_stat(s, &len, NULL);
	logs_stream_put(&n->fs->logs, s);
	*size = (off_t)len;
	return 0;
}

/* The time of the last line that arrived. */
static time_t logs_mtime(const struct node *n)
{
	struct logs_stream *s;
	struct logs_src src;
	time_t t = 0;

	if (!with_stream(n, false, &s, &src)) {
		logs_stream_stat(s, NULL, &t);
		logs_stream_put(&n->fs->logs, s);
	}
	return t;
}

static int logs_render(const struct node *n, struct buf *out)
{
	struct logs_reader r;
	struct logs_src src;
	char *key = stream_key(n);
	int rc;

	src_init(&src, n);
	rc = logs_reader_open(&r, &n->fs->logs, key, true, period(n->fs),
			      logs_fetch, &src, out);
	if (!rc)
		logs_reader_close(&r);
	src_release(&src);
	free(key);
	return rc;
}

const struct node_kind kind_logs = {
	.name = "logs",
	.type = S_IFREG,
	.render = logs_render,
	.open = logs_open,
	.refresh = logs_refresh,
	.size = logs_size,
	.mtime = logs_mtime,
};
