/* fuzz_common.h - shared by the libFuzzer targets (tests/fuzz/fuzz_*.c).
 *
 * powercut's parsers read files by path (they check the path is a regular
 * file first), so each input is written to a file in a private temporary
 * folder made once per process. */
#ifndef PC_FUZZ_COMMON_H
#define PC_FUZZ_COMMON_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static char fuzz_dir_path[64];

static void fuzz_dir_remove(void)
{
	if (fuzz_dir_path[0])
		pc_rmtree(fuzz_dir_path);
}

/* The fuzzing process's own folder, made on first use, removed at exit. */
static const char *fuzz_dir(void)
{
	char *dir = fuzz_dir_path;
	if (!dir[0]) {
		snprintf(dir, sizeof(fuzz_dir_path), "/tmp/pc-fuzz.XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
		/* Errors are the expected outcome of most inputs: keep the
		 * fuzzer's output readable. */
		pc_messages_quiet = 1;
		atexit(fuzz_dir_remove);
	}
	return dir;
}

/* Write DATA to DIR/NAME (created or truncated); the path, static. */
__attribute__((unused))
static const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	static char path[4][256];
	static unsigned turn;
	char *p = path[turn++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", fuzz_dir(), name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) != 0) {
		perror(p);
		abort();
	}
	return p;
}

#endif
