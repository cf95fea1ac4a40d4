/* fuzz_results.c - the results.json reader (pc_results_load, what compare,
 * report and report --check read) on any bytes.  No crash, leak or
 * undefined behaviour; the reader's own checks are unit-tested. */
#include "fuzz_common.h"
#include "report/results_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("results.json", data, size);
	struct pc_results r;
	pc_results_load(path, &r);
	pc_results_free(&r);
	return 0;
}
