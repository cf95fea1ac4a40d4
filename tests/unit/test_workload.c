/* test_workload.c - the image workload's scan cache: an image is scanned
 * once per run however the scenario's groups come back to it, again when a
 * layer changed, and the oldest scans go when the cache is full. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "image/unpack.h"
#include "run/scenario.h"
#include "tarfix.h"
#include "unit.h"
#include "util/util.h"
#include "workload/workload.h"

static char *tmp;

/* A one-layer image at NAME whose single file holds SIZE pattern bytes. */
static char *layer(const char *name, size_t size)
{
	char *path = xasprintf("%s/%s", tmp, name);
	const struct member v[] = {
		{ 'd', "etc", 0755, NULL, 0, 0, NULL, NULL, 0 },
		{ 'f', "etc/data", 0644, NULL, 0, 0, NULL, NULL, size },
	};
	write_tar(path, v, 2, 0);
	return path;
}

/* What a case's device_size = auto does with the image at PATH: the size
 * it asks for. */
static uint64_t auto_size(const char *path)
{
	char *images[] = { (char *)path, NULL };
	struct pc_case c = { .images = images, .nimages = 1, .layout = PC_LAYOUT_FLAT };
	struct pc_case_result r = { 0 };
	struct pc_workload_case w = { .ops = &pc_workload_image, .c = &c, .r = &r, .work = tmp };
	uint64_t size = 0;
	CU_ASSERT_EQUAL_FATAL(w.ops->prepare(&w), 0);
	CU_ASSERT_EQUAL(w.ops->device_size(&w, &size), 0);
	w.ops->release(&w);
	CU_ASSERT(size > 0);
	return size;
}

static void test_scan_cache(void)
{
	tmp = unit_tmpdir();
	char *x = layer("x.tar", 1000), *y = layer("y.tar", 2000);
	unsigned long before = pc_image_scans;

	/* groups x, y, x: two scans */
	uint64_t xs = auto_size(x);
	auto_size(y);
	CU_ASSERT_EQUAL(auto_size(x), xs);
	CU_ASSERT_EQUAL(pc_image_scans - before, 2);

	/* x rewritten (a new inode, size and change time): scanned again */
	CU_ASSERT_EQUAL_FATAL(unlink(x), 0);
	free(layer("x.tar", 3000));
	auto_size(x);
	CU_ASSERT_EQUAL(pc_image_scans - before, 3);

	/* four other images fill the cache: x and y went, the last four stay */
	char *z[4];
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "z%d.tar", i);
		z[i] = layer(name, 100 + (size_t)i);
		auto_size(z[i]);
	}
	CU_ASSERT_EQUAL(pc_image_scans - before, 7);
	for (int i = 0; i < 4; i++)
		auto_size(z[i]);
	CU_ASSERT_EQUAL(pc_image_scans - before, 7);
	auto_size(y);
	CU_ASSERT_EQUAL(pc_image_scans - before, 8);

	/* the run's end drops them all */
	pc_workload_image.run_end();
	auto_size(z[3]);
	CU_ASSERT_EQUAL(pc_image_scans - before, 9);
	pc_workload_image.run_end();

	for (int i = 0; i < 4; i++)
		free(z[i]);
	free(x);
	free(y);
	unit_rmtree(tmp);
	free(tmp);
}

void register_workload_tests(void)
{
	CU_pSuite s = CU_add_suite("workload", NULL, NULL);
	CU_add_test(s, "image scans kept per run (several images, changed layer, full cache)",
		    test_scan_cache);
}
