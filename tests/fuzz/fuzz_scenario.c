/* fuzz_scenario.c - the scenario parser (pc_scenario_load) on any bytes:
 * no crash, no leak, no undefined behaviour; an accepted scenario has
 * cases with ids. */
#include "fuzz_common.h"
#include "run/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An image for "image = img.tar" (seeds use it) to name. */
	static int have_image;
	if (!have_image) {
		fuzz_write("img.tar", (const uint8_t *)"", 0);
		have_image = 1;
	}
	const char *path = fuzz_write("s.ini", data, size);
	struct pc_scenario sc;
	if (pc_scenario_load(path, &sc) == 0) {
		for (size_t i = 0; i < sc.ncases; i++)
			if (!sc.cases[i].id || !sc.cases[i].id[0])
				abort();
		pc_scenario_free(&sc);
	}
	return 0;
}
