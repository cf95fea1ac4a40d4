/* acl.c - an archive entry's POSIX ACLs in the kernel's xattr form.
 *
 * The form is the kernel's uapi (linux/posix_acl_xattr.h): a version header
 * and one little-endian {tag, perm, id} entry per ACL entry, sorted by tag
 * then id, as the kernel returns them.  libacl has no call that produces
 * this form (its acl_copy_ext format is its own), so it is built here from
 * the uapi structures.
 */
#include <archive.h>
#include <archive_entry.h>
#include <endian.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/acl.h"
#include "util/util.h"

struct acl_ent {
	uint16_t tag, perm;
	uint32_t id;
};

static int kernel_tag(int archive_tag)
{
	switch (archive_tag) {
	case ARCHIVE_ENTRY_ACL_USER_OBJ: return ACL_USER_OBJ;
	case ARCHIVE_ENTRY_ACL_USER: return ACL_USER;
	case ARCHIVE_ENTRY_ACL_GROUP_OBJ: return ACL_GROUP_OBJ;
	case ARCHIVE_ENTRY_ACL_GROUP: return ACL_GROUP;
	case ARCHIVE_ENTRY_ACL_MASK: return ACL_MASK;
	case ARCHIVE_ENTRY_ACL_OTHER: return ACL_OTHER;
	default: return -1; /* NFSv4 "everyone@" and the like: not POSIX */
	}
}

static int cmp_ent(const void *a, const void *b)
{
	const struct acl_ent *x = a, *y = b;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* AE's POSIX entries of one type; *n of them in a malloc'd array. */
static struct acl_ent *collect(struct archive_entry *ae, int type, size_t *n)
{
	*n = 0;
	int count = archive_entry_acl_reset(ae, type);
	if (count <= 0)
		return NULL;
	struct acl_ent *v = xcalloc((size_t)count, sizeof(*v));
	int t, perm, tag, qual;
	const char *name;
	while (*n < (size_t)count &&
	       archive_entry_acl_next(ae, type, &t, &perm, &tag, &qual, &name) == ARCHIVE_OK) {
		int k = kernel_tag(tag);
		if (k < 0)
			continue;
		v[*n].tag = (uint16_t)k;
		v[*n].perm = (uint16_t)(perm & (ARCHIVE_ENTRY_ACL_READ | ARCHIVE_ENTRY_ACL_WRITE |
						ARCHIVE_ENTRY_ACL_EXECUTE));
		v[*n].id = k == ACL_USER || k == ACL_GROUP ? (uint32_t)qual
							   : (uint32_t)ACL_UNDEFINED_ID;
		(*n)++;
	}
	qsort(v, *n, sizeof(*v), cmp_ent);
	return v;
}

/* Only user::, group:: and other::: the mode bits say it all. */
static int base_only(const struct acl_ent *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].tag != ACL_USER_OBJ && v[i].tag != ACL_GROUP_OBJ && v[i].tag != ACL_OTHER)
			return 0;
	return 1;
}

size_t pc_acl_xattr(struct archive_entry *ae, int is_default, unsigned char **out,
		    int *mask)
{
	*out = NULL;
	*mask = -1;
	size_t n;
	struct acl_ent *v = collect(ae, is_default ? ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
						   : ARCHIVE_ENTRY_ACL_TYPE_ACCESS, &n);
	if (!v || n == 0 || (!is_default && base_only(v, n))) {
		free(v);
		return 0;
	}
	struct posix_acl_xattr_header h = { .a_version = htole32(POSIX_ACL_XATTR_VERSION) };
	size_t size = sizeof(h) + n * sizeof(struct posix_acl_xattr_entry);
	unsigned char *buf = xmalloc(size);
	memcpy(buf, &h, sizeof(h));
	for (size_t i = 0; i < n; i++) {
		struct posix_acl_xattr_entry x = {
			.e_tag = htole16(v[i].tag),
			.e_perm = htole16(v[i].perm),
			.e_id = htole32(v[i].id),
		};
		memcpy(buf + sizeof(h) + i * sizeof(x), &x, sizeof(x));
		if (v[i].tag == ACL_MASK)
			*mask = v[i].perm;
	}
	free(v);
	*out = buf;
	return size;
}
