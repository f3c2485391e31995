/* Texts kept deflated, against a dictionary they share.
 *
 * Every resource keeps its JSON so that `cat application.json` needs no
 * request, and 10,000 resources hold tens of MB of it. The objects of a
 * list repeat the same keys and mostly the same values, so each is
 * deflated with the list's first object as zlib's preset dictionary: a
 * 4.7 KB application takes a few hundred bytes, and is inflated when its
 * file is read.
 *
 * A packer is one thread's deflate state, reused for a list's objects;
 * packed texts and dictionaries are immutable and may be read by any
 * number of threads. */
#ifndef CFS_PACK_H
#define CFS_PACK_H

#include <stddef.h>
#include <stdint.h>

/* The dictionary: a text the packed ones resemble (owned). */
struct pack_dict {
	char *text;
	size_t len;
};

struct packed {
	unsigned char *data; /* NULL: no text */
	uint32_t len;        /* of data */
	uint32_t raw_len;    /* of the text */
};

struct packer;

struct packer *packer_new(void);
void packer_free(struct packer *p);

/* Deflates text[0..len) against dict (NULL: none) into out. */
void pack_text(struct packer *p, const struct pack_dict *dict,
	       const char *text, size_t len, struct packed *out);
/* The text back, NUL-terminated, for the caller to free; NULL for no
 * text, or data that does not inflate with dict. */
char *unpack_text(const struct pack_dict *dict, const struct packed *in);
void packed_release(struct packed *in);

#endif
