/* fcaps.c - file capabilities as the kernel takes and returns them (see
 * fcaps.h; the layouts are linux/capability.h's vfs_cap_data and
 * vfs_ns_cap_data, little-endian). */
#include <endian.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>

#include "image/fcaps.h"

static uint32_t le32_at(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint32_t revision(const void *v)
{
	return le32_at(v) & VFS_CAP_REVISION_MASK;
}

int pc_fcaps_valid(const void *v, size_t n)
{
	if (n == XATTR_CAPS_SZ_2)
		return revision(v) == VFS_CAP_REVISION_2;
	/* a root uid of -1 is no uid: make_kuid fails, EINVAL */
	return n == XATTR_CAPS_SZ_3 && revision(v) == VFS_CAP_REVISION_3 &&
	       le32_at((const unsigned char *)v + XATTR_CAPS_SZ_2) != UINT32_MAX;
}

size_t pc_fcaps_as_read(const void *v, size_t n, unsigned char *out)
{
	const unsigned char *p = v;
	if (n != XATTR_CAPS_SZ_3 || revision(v) != VFS_CAP_REVISION_3 ||
	    le32_at(p + XATTR_CAPS_SZ_2) != 0) {
		memcpy(out, v, n);
		return n;
	}
	/* Stored as revision 3 with only the effective flag kept; read as
	 * revision 2 with the same flag and permitted/inheritable sets. */
	uint32_t magic = htole32(VFS_CAP_REVISION_2 | (le32_at(p) & VFS_CAP_FLAGS_EFFECTIVE));
	memcpy(out, &magic, sizeof(magic));
	memcpy(out + 4, p + 4, XATTR_CAPS_SZ_2 - 4);
	return XATTR_CAPS_SZ_2;
}
