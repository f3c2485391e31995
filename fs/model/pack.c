#include "model/pack.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/xalloc.h"

struct packer {
	z_stream z;
};

struct packer *packer_new(void)
{
	struct packer *p = xcalloc(1, sizeof(*p));

	/* Level 1: the dictionary does most of the work, and a cold list
	 * of thousands of objects is packed while the user waits. */
	if (deflateInit(&p->z, 1) != Z_OK)
		abort(); /* out of memory: as xalloc.h */
	return p;
}

void packer_free(struct packer *p)
{
	if (!p)
		return;
	deflateEnd(&p->z);
	free(p);
}

void pack_text(struct packer *p, const struct pack_dict *dict,
	       const char *text, size_t len, struct packed *out)
{
	uLong bound;

	deflateReset(&p->z);
	if (dict && dict->len)
		deflateSetDictionary(&p->z, (const Bytef *)dict->text,
				     (uInt)dict->len);
	bound = deflateBound(&p->z, (uLong)len);
	out->data = xmalloc(bound);
	p->z.next_in = (Bytef *)text;
	p->z.avail_in = (uInt)len;
	p->z.next_out = out->data;
	p->z.avail_out = (uInt)bound;
	/* deflateBound() leaves room for any input: one call finishes. */
	if (deflate(&p->z, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len = (uint32_t)(bound - p->z.avail_out);
	out->raw_len = (uint32_t)len;
	out->data = xrealloc(out->data, out->len);
}

char *unpack_text(const struct pack_dict *dict, const struct packed *in)
{
	z_stream z;
	char *text;
	int rc;

	if (!in->data)
		return NULL;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return NULL;
	text = xmalloc((size_t)in->raw_len + 1);
	z.next_in = in->data;
	z.avail_in = in->len;
	z.next_out = (Bytef *)text;
	z.avail_out = in->raw_len;
	rc = inflate(&z, Z_FINISH);
	if (rc == Z_NEED_DICT && dict && dict->len &&
	    inflateSetDictionary(&z, (const Bytef *)dict->text,
				 (uInt)dict->len) == Z_OK)
		rc = inflate(&z, Z_FINISH);
	if (rc != Z_STREAM_END || z.avail_out) {
		free(text);
		text = NULL;
	} else {
		text[in->raw_len] = '\0';
	}
	inflateEnd(&z);
	return text;
}

void packed_release(struct packed *in)
{
	free(in->data);
	in->data = NULL;
	in->len = in->raw_len = 0;
}
