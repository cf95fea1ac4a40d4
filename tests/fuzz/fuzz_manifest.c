/* fuzz_manifest.c - the manifest parser (pc_manifest_load) on any bytes.
 * Whatever it accepts must round-trip: written again and loaded again, it
 * gives the same text (the same digest). */
#include "fuzz_common.h"
#include "image/manifest.h"

static char *text_of(struct pc_manifest *m, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f || pc_manifest_write(m, f) != 0 || fclose(f) != 0)
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("m.txt", data, size);
	struct pc_manifest *m = pc_manifest_load(path);
	if (!m)
		return 0;
	size_t len;
	char *text = text_of(m, &len);
	path = fuzz_write("again.txt", (const uint8_t *)text, len);
	struct pc_manifest *again = pc_manifest_load(path);
	if (!again) {
		fprintf(stderr, "fuzz_manifest: a manifest powercut wrote does not load\n");
		abort();
	}
	size_t len2;
	char *text2 = text_of(again, &len2);
	if (len != len2 || memcmp(text, text2, len) != 0) {
		fprintf(stderr, "fuzz_manifest: load/write is not a fixed point\n");
		abort();
	}
	free(text);
	free(text2);
	pc_manifest_free(again);
	pc_manifest_free(m);
	return 0;
}
