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

/* ENTS (N of them, as collect returns them) as the kernel's value. */
static unsigned char *to_xattr(const struct acl_ent *v, size_t n, size_t *size)
{
	struct posix_acl_xattr_header h = { .a_version = htole32(POSIX_ACL_XATTR_VERSION) };
	*size = sizeof(h) + n * sizeof(struct posix_acl_xattr_entry);
	unsigned char *buf = xmalloc(*size);
	memcpy(buf, &h, sizeof(h));
	for (size_t i = 0; i < n; i++) {
		struct posix_acl_xattr_entry x = {
			.e_tag = htole16(v[i].tag),
			.e_perm = htole16(v[i].perm),
			.e_id = htole32(v[i].id),
		};
		memcpy(buf + sizeof(h) + i * sizeof(x), &x, sizeof(x));
	}
	return buf;
}

size_t pc_acl_xattr(struct archive_entry *ae, int is_default, unsigned char **out,
		    int *mask)
{
	*out = NULL;
	*mask = -1;
	size_t n, size;
	struct acl_ent *v = collect(ae, is_default ? ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
						   : ARCHIVE_ENTRY_ACL_TYPE_ACCESS, &n);
	if (!v || n == 0 || (!is_default && base_only(v, n))) {
		free(v);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].tag == ACL_MASK)
			*mask = v[i].perm;
	*out = to_xattr(v, n, &size);
	free(v);
	return size;
}

static int archive_tag(uint16_t kernel)
{
	switch (kernel) {
	case ACL_USER_OBJ: return ARCHIVE_ENTRY_ACL_USER_OBJ;
	case ACL_USER: return ARCHIVE_ENTRY_ACL_USER;
	case ACL_GROUP_OBJ: return ARCHIVE_ENTRY_ACL_GROUP_OBJ;
	case ACL_GROUP: return ARCHIVE_ENTRY_ACL_GROUP;
	case ACL_MASK: return ARCHIVE_ENTRY_ACL_MASK;
	case ACL_OTHER: return ARCHIVE_ENTRY_ACL_OTHER;
	default: return -1;
	}
}

/* The entries of a raw ACL value, checked as the kernel's
 * posix_acl_from_xattr and posix_acl_valid check them (entries in tag
 * order: user::, user:ID..., group::, group:ID..., mask::, other::; a mask
 * when there are named entries), plus what libacl, which extraction goes
 * through, also demands: named ids ascending, none of them -1.  NULL with
 * *why on error; *n may be 0 (the kernel then removes the ACL). */
static struct acl_ent *parse_raw(const unsigned char *v, size_t size, size_t *n,
				 const char **why)
{
	struct posix_acl_xattr_header h;
	*n = 0;
	if (size < sizeof(h) || (size - sizeof(h)) % sizeof(struct posix_acl_xattr_entry)) {
		*why = "is not a whole number of ACL entries";
		return NULL;
	}
	memcpy(&h, v, sizeof(h));
	if (le32toh(h.a_version) != POSIX_ACL_XATTR_VERSION) {
		*why = "is not version 2 of the kernel's ACL format";
		return NULL;
	}
	size_t count = (size - sizeof(h)) / sizeof(struct posix_acl_xattr_entry);
	struct acl_ent *e = xcalloc(count ? count : 1, sizeof(*e));
	/* state: the tag the next entry may have, as in posix_acl_valid */
	int state = ACL_USER_OBJ, named = 0;
	*why = NULL;
	for (size_t i = 0; i < count && !*why; i++) {
		struct posix_acl_xattr_entry x;
		memcpy(&x, v + sizeof(h) + i * sizeof(x), sizeof(x));
		e[i] = (struct acl_ent){ le16toh(x.e_tag), le16toh(x.e_perm), le32toh(x.e_id) };
		if (e[i].perm & ~7u)
			*why = "has permission bits other than rwx";
		else if (e[i].tag == ACL_USER_OBJ && state == ACL_USER_OBJ)
			state = ACL_USER;
		else if (e[i].tag == ACL_GROUP_OBJ && state == ACL_USER)
			state = ACL_GROUP;
		else if ((e[i].tag == ACL_USER && state == ACL_USER) ||
			 (e[i].tag == ACL_GROUP && state == ACL_GROUP)) {
			named = 1;
			if (e[i].id == (uint32_t)ACL_UNDEFINED_ID)
				*why = "names user or group 4294967295, or one by name "
				       "only (ids are numbers, never looked up)";
			else if (e[i - 1].tag == e[i].tag && e[i - 1].id >= e[i].id)
				*why = "lists a user or group twice or out of order";
		} else if (e[i].tag == ACL_MASK && state == ACL_GROUP)
			state = ACL_OTHER;
		else if (e[i].tag == ACL_OTHER && (state == ACL_OTHER || (state == ACL_GROUP && !named)))
			state = 0;
		else
			*why = "is not user::, user:ID..., group::, group:ID..., mask::, other:: "
			       "in that order (a mask:: when users or groups are named)";
	}
	if (!*why && count && state != 0)
		*why = "is not user::, user:ID..., group::, group:ID..., mask::, other:: "
		       "in that order (a mask:: when users or groups are named)";
	if (*why) {
		free(e);
		return NULL;
	}
	*n = count;
	return e;
}

/* The permission the runtime's chmod leaves on an access ACL entry. */
static unsigned after_chmod(const struct acl_ent *e, int has_mask, mode_t mode)
{
	if (e->tag == ACL_USER_OBJ)
		return (mode >> 6) & 7;
	if (e->tag == ACL_OTHER)
		return mode & 7;
	if (e->tag == ACL_MASK || (e->tag == ACL_GROUP_OBJ && !has_mask))
		return (mode >> 3) & 7;
	return e->perm;
}

static int add_raw(struct archive_entry *ae, int type, const unsigned char *v, size_t size,
		   const char **why)
{
	size_t n;
	struct acl_ent *e = parse_raw(v, size, &n, why);
	if (!e)
		return -1;
	int has_mask = 0;
	for (size_t i = 0; i < n; i++)
		has_mask |= e[i].tag == ACL_MASK;
	mode_t mode = archive_entry_perm(ae);
	for (size_t i = 0; i < n; i++) {
		unsigned perm = type == ARCHIVE_ENTRY_ACL_TYPE_ACCESS ? after_chmod(&e[i], has_mask, mode)
								      : e[i].perm;
		int named = e[i].tag == ACL_USER || e[i].tag == ACL_GROUP;
		archive_entry_acl_add_entry(ae, type, (int)perm, archive_tag(e[i].tag),
					    named ? (int)e[i].id : -1, NULL);
	}
	free(e);
	return 0;
}

/* Remove the raw system.posix_acl_* xattrs of AE, keeping the others. */
static void strip_raw_acls(struct archive_entry *ae)
{
	size_t n = (size_t)archive_entry_xattr_reset(ae);
	/* Copies: archive_entry_xattr_clear frees the entry's own. */
	struct { char *name; void *value; size_t size; } *keep = xcalloc(n ? n : 1, sizeof(*keep));
	size_t nkeep = 0;
	const char *xn;
	const void *xv;
	size_t xs;
	while (archive_entry_xattr_next(ae, &xn, &xv, &xs) == ARCHIVE_OK) {
		if (!strcmp(xn, PC_ACL_ACCESS_XATTR) || !strcmp(xn, PC_ACL_DEFAULT_XATTR))
			continue;
		keep[nkeep].name = xstrdup(xn);
		keep[nkeep].value = xmalloc(xs ? xs : 1);
		memcpy(keep[nkeep].value, xv, xs);
		keep[nkeep++].size = xs;
	}
	archive_entry_xattr_clear(ae);
	for (size_t i = 0; i < nkeep; i++) {
		archive_entry_xattr_add_entry(ae, keep[i].name, keep[i].value, keep[i].size);
		free(keep[i].name);
		free(keep[i].value);
	}
	free(keep);
}

/* Does AE have a raw ACL xattr? */
static int has_raw_acl(struct archive_entry *ae)
{
	archive_entry_xattr_reset(ae);
	const char *xn;
	const void *xv;
	size_t xs;
	int raw = 0;
	while (archive_entry_xattr_next(ae, &xn, &xv, &xs) == ARCHIVE_OK)
		raw |= !strcmp(xn, PC_ACL_ACCESS_XATTR) || !strcmp(xn, PC_ACL_DEFAULT_XATTR);
	return raw;
}

/* Does AE have an ACL record of TYPE that names a user or group by name
 * only (GNU tar writes "user:lp:rwx")? */
static int record_by_name(struct archive_entry *ae, int type)
{
	int t, perm, tag, qual, found = 0;
	const char *name;
	archive_entry_acl_reset(ae, type);
	while (archive_entry_acl_next(ae, type, &t, &perm, &tag, &qual, &name) == ARCHIVE_OK)
		found |= (tag == ARCHIVE_ENTRY_ACL_USER || tag == ARCHIVE_ENTRY_ACL_GROUP) &&
			 qual == -1 && name;
	return found;
}

/* GNU tar --acls --xattrs writes an ACL twice: as records (SCHILY.acl.*)
 * and as the raw xattr it read from the kernel.  Taken, as the records,
 * when every raw ACL is the value the records give the kernel; refused
 * when one differs (the runtimes apply the xattr, libarchive the records).
 * The value is compared as it was read: the records and the header mode
 * came from the same stat. */
static int raw_agrees_with_records(struct archive_entry *ae, const char **name,
				   const char **why)
{
	const char *xn;
	const void *xv;
	size_t xs;
	int rc = 0;
	archive_entry_xattr_reset(ae);
	while (rc == 0 && archive_entry_xattr_next(ae, &xn, &xv, &xs) == ARCHIVE_OK) {
		int is_default = !strcmp(xn, PC_ACL_DEFAULT_XATTR);
		if (!is_default && strcmp(xn, PC_ACL_ACCESS_XATTR))
			continue;
		unsigned char *want;
		int mask;
		size_t n = pc_acl_xattr(ae, is_default, &want, &mask);
		if (n != xs || (n && memcmp(want, xv, n))) {
			*name = is_default ? PC_ACL_DEFAULT_XATTR : PC_ACL_ACCESS_XATTR;
			if (record_by_name(ae, is_default ? ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
							  : ARCHIVE_ENTRY_ACL_TYPE_ACCESS))
				*why = "is given together with ACL records (SCHILY.acl) that name a "
				       "user or group by name only, as GNU tar writes them: the "
				       "runtimes apply the xattr's ids, libarchive would look the "
				       "names up, and powercut never looks names up";
			else
				*why = "is given together with ACL records (SCHILY.acl) that say "
				       "otherwise: the runtimes apply the xattr, libarchive the records";
			rc = -1;
		}
		free(want);
	}
	if (rc == 0)
		strip_raw_acls(ae);
	return rc;
}

int pc_acl_take_raw_xattrs(struct archive_entry *ae, const char **name, const char **why)
{
	if (!has_raw_acl(ae))
		return 0;
	*name = PC_ACL_ACCESS_XATTR;
	if (archive_entry_acl_count(ae, ARCHIVE_ENTRY_ACL_TYPE_NFS4)) {
		*why = "is given together with NFSv4 ACL records";
		return -1;
	}
	if (archive_entry_acl_count(ae, ARCHIVE_ENTRY_ACL_TYPE_POSIX1E))
		return raw_agrees_with_records(ae, name, why);
	int rc = 0;
	const void *seen[2] = { NULL, NULL };
	size_t seen_size[2] = { 0, 0 };
	const char *xn;
	const void *xv;
	size_t xs;
	archive_entry_xattr_reset(ae);
	while (rc == 0 && archive_entry_xattr_next(ae, &xn, &xv, &xs) == ARCHIVE_OK) {
		int is_default = !strcmp(xn, PC_ACL_DEFAULT_XATTR);
		if (!is_default && strcmp(xn, PC_ACL_ACCESS_XATTR))
			continue;
		*name = is_default ? PC_ACL_DEFAULT_XATTR : PC_ACL_ACCESS_XATTR;
		/* LIBARCHIVE.xattr and SCHILY.xattr records both: as check_xattrs */
		if (seen[is_default]) {
			if (seen_size[is_default] != xs || memcmp(seen[is_default], xv, xs)) {
				*why = "is given twice with different values";
				rc = -1;
			}
			continue;
		}
		seen[is_default] = xv;
		seen_size[is_default] = xs;
		if (is_default && archive_entry_filetype(ae) != AE_IFDIR) {
			*why = "is a default ACL, which only a folder can have";
			rc = -1;
		} else {
			rc = add_raw(ae, is_default ? ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
						    : ARCHIVE_ENTRY_ACL_TYPE_ACCESS, xv, xs, why);
		}
	}
	strip_raw_acls(ae);
	return rc;
}

const char *pc_acl_unstorable(struct archive_entry *ae, const char **name)
{
	*name = PC_ACL_ACCESS_XATTR;
	if (archive_entry_acl_types(ae) & ARCHIVE_ENTRY_ACL_TYPE_NFS4)
		return "is an NFSv4 ACL, which Linux cannot store";
	for (int is_default = 0; is_default < 2; is_default++) {
		size_t n, size;
		struct acl_ent *v = collect(ae, is_default ? ARCHIVE_ENTRY_ACL_TYPE_DEFAULT
							   : ARCHIVE_ENTRY_ACL_TYPE_ACCESS, &n);
		*name = is_default ? PC_ACL_DEFAULT_XATTR : PC_ACL_ACCESS_XATTR;
		const char *why = NULL;
		if (n && archive_entry_filetype(ae) == AE_IFLNK)
			why = "is on a symlink, which Linux does not allow";
		else if (n && is_default && archive_entry_filetype(ae) != AE_IFDIR)
			why = "is a default ACL, which only a folder can have";
		else if (n) {
			unsigned char *x = to_xattr(v, n, &size);
			size_t m;
			free(parse_raw(x, size, &m, &why));
			free(x);
		}
		free(v);
		if (why)
			return why;
	}
	return NULL;
}

size_t pc_acl_inherited(const void *dflt, size_t size, mode_t mode, unsigned char **out)
{
	*out = NULL;
	size_t n, outsize;
	const char *why;
	struct acl_ent *e = parse_raw(dflt, size, &n, &why);
	int has_mask = 0;
	for (size_t i = 0; e && i < n; i++)
		has_mask |= e[i].tag == ACL_MASK;
	if (!e || !has_mask) { /* posix_acl_create: equivalent to the mode */
		free(e);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		e[i].perm = (uint16_t)after_chmod(&e[i], 1, mode);
	*out = to_xattr(e, n, &outsize);
	free(e);
	return outsize;
}
