/* manifest.h - the expected state of an unpacked image.
 *
 * One entry per final path of the image (after all layers and whiteouts).
 * Paths are relative to the image root, normalised: no leading "/" or "./",
 * no trailing "/", no empty or "." components; the root itself is ".".
 *
 * Text format (documented in README.md and powercut.1), one entry a line,
 * sorted by path (byte order), after the header line "#powercut-manifest 2"
 * and before the trailer "#end entries=N sha256=HEX" (the entry count and the
 * sha256 of every byte before the trailer line), so a truncated or altered
 * manifest is an input error, not a list of findings:
 *
 *   PATH type=reg mode=0644 uid=0 gid=0 size=12 sha256=HEX [nlink-group=N]
 *   PATH type=dir mode=0755 uid=0 gid=0
 *   PATH type=symlink mode=0777 uid=0 gid=0 size=N link=TARGET
 *   PATH type=char|block mode=0600 uid=0 gid=0 rdev=MAJOR,MINOR
 *   PATH type=fifo|socket mode=... uid=... gid=...
 *   ... xattr.NAME=HEXVALUE (any number, sorted by name) ...
 *
 * POSIX ACLs are the xattrs system.posix_acl_access / _default, in the
 * kernel's binary form (acl.h), as getfattr shows them on disk.
 *
 * PATH, TARGET and xattr NAMEs are escaped: bytes outside 0x21..0x7e and the
 * bytes '%', '=' and '\\' are written as %XX (uppercase hex).  So any byte
 * string, including non-UTF-8 names and spaces, round-trips.
 */
#ifndef PC_MANIFEST_H
#define PC_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum pc_ftype {
	PC_FT_REG,
	PC_FT_DIR,
	PC_FT_SYMLINK,
	PC_FT_CHR,
	PC_FT_BLK,
	PC_FT_FIFO,
	PC_FT_SOCK,
};

struct pc_xattr {
	char *name;
	unsigned char *value;
	size_t size;
};

struct pc_entry {
	char *path;
	enum pc_ftype type;
	mode_t mode;            /* permission bits, 07777 */
	uint32_t uid, gid;
	uint64_t size;          /* regular: bytes; symlink: strlen(link); else 0 */
	int has_digest;         /* regular files */
	unsigned char sha256[32];
	/* Regular files of a run's scan: XXH3-128 of the same bytes, what
	 * verify compares instead (util/digest.h).  Not saved, not read. */
	int has_xxh3;
	unsigned char xxh3[16];
	char *link;             /* symlink target, else NULL */
	uint32_t rdev_major, rdev_minor; /* char and block devices */
	struct pc_xattr *xattrs; /* sorted by name */
	size_t nxattrs;
	uint64_t hardlink_group; /* 0: none; entries sharing a group share an inode */
	unsigned layer;          /* index of the layer that wrote it (not saved) */
	uint64_t digest_ticket;  /* unpack only, not saved: the digest is still being
				  * computed (util/hasher.h); 0 once it is in */
};

struct pc_manifest;

struct pc_manifest *pc_manifest_new(void);
void pc_manifest_free(struct pc_manifest *m);
/* Make DST (fresh from pc_manifest_put, or zeroed) a deep copy of SRC in
 * everything but its path. */
void pc_entry_copy_fields(struct pc_entry *dst, const struct pc_entry *src);
/* A deep copy of M. */
struct pc_manifest *pc_manifest_copy(const struct pc_manifest *m);

/* Create the entry for PATH, or reset an existing one (keeping the path);
 * returns it zeroed but for path. */
struct pc_entry *pc_manifest_put(struct pc_manifest *m, const char *path);
struct pc_entry *pc_manifest_get(const struct pc_manifest *m, const char *path);
/* Remove PATH and, if it is a directory, everything below it. */
void pc_manifest_remove(struct pc_manifest *m, const char *path);
/* Remove everything below DIR written by a layer lower than LAYER
 * (opaque whiteout); directories that still hold an entry of LAYER or above
 * stay. */
void pc_manifest_remove_children_below_layer(struct pc_manifest *m,
					     const char *dir, unsigned layer);
/* Is anything below DIR written by LAYER or a higher one? */
int pc_manifest_has_below_from_layer(const struct pc_manifest *m, const char *dir,
				     unsigned layer);
size_t pc_manifest_count(const struct pc_manifest *m);
/* Entries sorted by path; the array is owned by the manifest and valid until
 * the next modification. */
struct pc_entry *const *pc_manifest_sorted(struct pc_manifest *m, size_t *n);
/* A fresh hardlink group id. */
uint64_t pc_manifest_new_group(struct pc_manifest *m);

/* Serialise in the text format above. */
int pc_manifest_write(struct pc_manifest *m, FILE *f);
int pc_manifest_save(struct pc_manifest *m, const char *path);
/* Hand M to another process of this binary (the unpacking child to its
 * parent), in a form that needs no parsing; the XXH3-128 digests go along.
 * An entry the text could not hold is refused as pc_manifest_write does. */
int pc_manifest_pass(struct pc_manifest *m, FILE *f);
/* What pc_manifest_pass wrote to F, from its current position, checked as
 * pc_manifest_load checks text; NULL on error (class RUN). */
struct pc_manifest *pc_manifest_take_passed(FILE *f);
/* Parse; NULL on error with "FILE:LINE: what" printed (class INPUT). */
struct pc_manifest *pc_manifest_load(const char *path);
/* sha256 of the serialised text. */
void pc_manifest_digest(struct pc_manifest *m, unsigned char out[32]);
/* Give M's regular files the digests (SHA-256, and XXH3-128 where KNOWN has
 * it) of the same paths in KNOWN, provided
 * the two manifests are the same in everything else (the lines they would
 * write, hardlink groups included).  0, or -1 with *where the first path
 * that differs, escaped (caller frees; M is then half updated). */
int pc_manifest_take_digests(struct pc_manifest *m, struct pc_manifest *known, char **where);

/* Normalise an archive path as described above, into a new string
 * ("./a//b/" -> "a/b", "./" -> ".").  Returns NULL if the path is unsafe:
 * absolute, or with a ".." component. */
char *pc_path_normalize(const char *raw);

/* Escape/unescape for the text format. */
char *pc_escape(const unsigned char *s, size_t n);
unsigned char *pc_unescape(const char *s, size_t *n); /* NULL on bad escape */

const char *pc_ftype_name(enum pc_ftype t);
int pc_ftype_parse(const char *s, enum pc_ftype *t);

#endif
