/* iostat.h - a block device's I/O counters (/sys/dev/block/M:m/stat). */
#ifndef PC_IOSTAT_H
#define PC_IOSTAT_H

#include <stdint.h>
#include <sys/types.h>

struct pc_iostat {
	uint64_t rios, rbytes, wios, wbytes, flushes;
};

int pc_iostat_read(dev_t dev, struct pc_iostat *st);
/* Parse the text of a stat file (exposed for tests). */
int pc_iostat_parse(const char *text, struct pc_iostat *st);
void pc_iostat_sub(const struct pc_iostat *after, const struct pc_iostat *before,
		   struct pc_iostat *out);

#endif
