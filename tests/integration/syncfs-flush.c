/* syncfs-flush.c - an LD_PRELOAD shim for test-crash-points.sh: syncfs(2)
 * also flushes the block device beneath the filesystem (fsync on the
 * device node).  With the filesystem mounted nobarrier, that flush is the
 * only one the workload sends: the commit record's fsync then returns with
 * the record written but never flushed, a durability promise no flush
 * kept, which a durable write cache hides at the cut. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* /dev/NAME of the block device ST_DEV, from sysfs (the host has no udev). */
static int device_node(dev_t d, char *out, size_t len)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major(d), minor(d));
	FILE *f = fopen(path, "re");
	int found = 0;
	while (f && !found && fgets(line, sizeof(line), f))
		if (!strncmp(line, "DEVNAME=", 8)) {
			line[strcspn(line, "\n")] = '\0';
			found = snprintf(out, len, "/dev/%s", line + 8) < (int)len;
		}
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

int syncfs(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "syncfs");
	struct stat st;
	char dev[300];
	if (!real || real(fd) < 0 || fstat(fd, &st) < 0 || device_node(st.st_dev, dev, sizeof(dev)) < 0)
		return -1;
	int b = open(dev, O_WRONLY | O_CLOEXEC);
	int rc = b < 0 || fsync(b) < 0 ? -1 : 0;
	if (rc < 0)
		fprintf(stderr, "syncfs-flush: flush %s: %m\n", dev);
	if (b >= 0)
		close(b);
	return rc;
}
