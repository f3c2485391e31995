/* jsonlist, differentially: a list fed in pieces reads as the list fed
 * whole, and (for text without a NUL) as a strict parse of the whole
 * text does (model_json_parse, model_json_items).
 *
 * Input: one byte for the piece size (0: whole), then the text. */
#include <errno.h>

#include <json-c/json.h>

#include "base/buf.h"
#include "fuzz.h"
#include "model/jsonlist.h"
#include "model/model.h"

static int collect(void *arg, struct json_object *item)
{
	struct buf *out = arg;

	buf_adds(out, json_object_to_json_string_ext(item,
						     JSON_C_TO_STRING_PLAIN));
	buf_addch(out, '\n');
	return 0;
}

static int read_pieces(const char *text, size_t len, size_t piece,
		       struct buf *out)
{
	struct jsonlist *l = jsonlist_new(collect, out);
	size_t off = 0;
	int rc = 0;

	if (!piece)
		piece = len ? len : 1;
	while (!rc && off < len) {
		size_t n = len - off < piece ? len - off : piece;

		rc = jsonlist_feed(l, text + off, n);
		off += n;
	}
	if (!rc)
		rc = jsonlist_end(l);
	jsonlist_free(l);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole = BUF_INIT, pieces = BUF_INIT, want = BUF_INIT;
	struct json_object *root;
	const char *text;
	size_t len;
	int rc;

	if (!size)
		return 0;
	text = (const char *)data + 1;
	len = size - 1;
	rc = read_pieces(text, len, 0, &whole);
	FUZZ_ASSERT(rc == 0 || rc == -EIO);
	FUZZ_ASSERT(read_pieces(text, len, data[0], &pieces) == rc);
	FUZZ_ASSERT(!strcmp(whole.buf, pieces.buf) || rc);
	if (!memchr(text, '\0', len)) {
		char *s = fuzz_cstr((const uint8_t *)text, len);
		struct json_object **items = NULL;
		size_t i, n = 0;
		int want_rc = -EIO;

		root = model_json_parse(s);
		if (root && json_object_is_type(root, json_type_array)) {
			items = model_json_items(root, &n);
			want_rc = 0;
		} else if (root && json_object_is_type(root, json_type_object)) {
			items = model_json_items(root, &n);
			if (items || !json_object_object_length(root))
				want_rc = 0;
		}
		FUZZ_ASSERT(rc == want_rc);
		for (i = 0; i < n; i++)
			collect(&want, items[i]);
		/* An object list with a key twice keeps one in json-c. */
		FUZZ_ASSERT(rc || !strcmp(whole.buf, want.buf) ||
			    json_object_is_type(root, json_type_object));
		free(items);
		json_object_put(root);
		free(s);
	}
	buf_release(&whole);
	buf_release(&pieces);
	buf_release(&want);
	return 0;
}
