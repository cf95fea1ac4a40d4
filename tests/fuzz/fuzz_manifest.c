/* fuzz_manifest.c - the manifest parser (pc_manifest_load) on any bytes.
 * Whatever it accepts must round-trip: written again and loaded again, it
 * gives the same text (the same digest); passed as the unpacking child
 * passes it (pc_manifest_pass) and taken back, the same text again.  The
 * same bytes also go to the reader of the passed form
 * (pc_manifest_take_passed), a parser of what a child that read untrusted
 * archives wrote: what it accepts must write a text that loads. */
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

/* M through pc_manifest_pass and pc_manifest_take_passed. */
static struct pc_manifest *passed_back(struct pc_manifest *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f || pc_manifest_pass(m, f) != 0 || fclose(f) != 0)
		abort();
	f = fmemopen(buf, len, "r");
	if (!f)
		abort();
	struct pc_manifest *back = pc_manifest_take_passed(f);
	fclose(f);
	free(buf);
	return back;
}

/* DATA as the passed form: no crash; if taken, its text loads. */
static void take_any(const uint8_t *data, size_t size)
{
	if (size == 0)
		return;
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	struct pc_manifest *m = pc_manifest_take_passed(f);
	fclose(f);
	if (!m)
		return;
	size_t len;
	char *text = text_of(m, &len);
	const char *path = fuzz_write("taken.txt", (const uint8_t *)text, len);
	struct pc_manifest *again = pc_manifest_load(path);
	if (!again) {
		fprintf(stderr, "fuzz_manifest: a passed manifest taken writes a text that does "
			"not load\n");
		abort();
	}
	free(text);
	pc_manifest_free(again);
	pc_manifest_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	take_any(data, size);
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
	struct pc_manifest *back = passed_back(m);
	if (!back) {
		fprintf(stderr, "fuzz_manifest: a manifest passed is not taken back\n");
		abort();
	}
	char *text3 = text_of(back, &len2);
	if (len != len2 || memcmp(text, text3, len) != 0) {
		fprintf(stderr, "fuzz_manifest: pass/take does not give the same text\n");
		abort();
	}
	free(text);
	free(text2);
	free(text3);
	pc_manifest_free(back);
	pc_manifest_free(again);
	pc_manifest_free(m);
	return 0;
}
