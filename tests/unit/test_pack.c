/* pack: texts come back as they went in, with or without the shared
 * dictionary, and damaged data comes back as nothing. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/pack.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char first[] =
    "{\"uuid\":\"a1\",\"name\":\"web\",\"status\":\"running:healthy\","
    "\"build_pack\":\"nixpacks\",\"ports_exposes\":\"3000\"}";
static const char second[] =
    "{\"uuid\":\"b2\",\"name\":\"api\",\"status\":\"exited:unhealthy\","
    "\"build_pack\":\"nixpacks\",\"ports_exposes\":\"8080\"}";

static void test_round_trip_with_and_without_dictionary(void)
{
	struct pack_dict dict = { (char *)first, sizeof(first) - 1 };
	static const char *const texts[] = { first, second, "", "[]" };
	struct packer *p = packer_new();
	size_t i;

	for (i = 0; i < N_ELEMS(texts); i++) {
		struct packed with, without;
		char *a, *b;

		pack_text(p, &dict, texts[i], strlen(texts[i]), &with);
		pack_text(p, NULL, texts[i], strlen(texts[i]), &without);
		a = unpack_text(&dict, &with);
		b = unpack_text(NULL, &without);
		CHECK_STR(a, texts[i]);
		CHECK_STR(b, texts[i]);
		CHECK_INT(with.raw_len, strlen(texts[i]));
		free(a);
		free(b);
		packed_release(&with);
		packed_release(&without);
	}
	packer_free(p);
}

/* Why there is a dictionary: an object like the first costs little. */
static void test_dictionary_shrinks_a_similar_text(void)
{
	struct pack_dict dict = { (char *)first, sizeof(first) - 1 };
	struct packer *p = packer_new();
	struct packed with, without;

	pack_text(p, &dict, second, sizeof(second) - 1, &with);
	pack_text(p, NULL, second, sizeof(second) - 1, &without);
	CHECK(with.len < without.len);
	CHECK(with.len < with.raw_len / 2);
	packed_release(&with);
	packed_release(&without);
	packer_free(p);
}

static void test_damage_and_wrong_dictionary_give_nothing(void)
{
	struct pack_dict dict = { (char *)first, sizeof(first) - 1 };
	struct pack_dict other = { (char *)second, sizeof(second) - 1 };
	struct packer *p = packer_new();
	struct packed pk, none = { NULL, 0, 0 };
	char *t;

	pack_text(p, &dict, second, sizeof(second) - 1, &pk);
	CHECK(unpack_text(NULL, &pk) == NULL);
	CHECK(unpack_text(&other, &pk) == NULL);
	CHECK(unpack_text(&dict, &none) == NULL);
	pk.data[pk.len / 2] ^= 0x55;
	/* zlib's checksum catches what the format does not. */
	t = unpack_text(&dict, &pk);
	CHECK(t == NULL);
	free(t);
	pk.data[pk.len / 2] ^= 0x55;
	pk.len--; /* cut */
	CHECK(unpack_text(&dict, &pk) == NULL);
	packed_release(&pk);
	CHECK(pk.data == NULL);
	packer_free(p);
	packer_free(NULL);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		CHECK_TEST(test_round_trip_with_and_without_dictionary),
		CHECK_TEST(test_dictionary_shrinks_a_similar_text),
		CHECK_TEST(test_damage_and_wrong_dictionary_give_nothing),
	};

	return check_run(tests, N_ELEMS(tests), argc, argv);
}
