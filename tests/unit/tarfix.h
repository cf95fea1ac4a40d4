/* tarfix.h - build small pax archives for the unit tests with libarchive's
 * writer: one struct member per entry. */
#ifndef PC_TARFIX_H
#define PC_TARFIX_H

#include <stddef.h>

/* One archive member.  type: 'f' file, 'd' dir, 'l' symlink, 'h' hardlink,
 * 'c' char device (1:3, or data "MAJOR:MINOR"), 'p' fifo, 's' sparse file (1 MiB, data at 0 and 512 KiB). */
struct member {
	char type;
	const char *path;
	unsigned mode;
	const char *data; /* file contents, symlink or hardlink target */
	unsigned uid, gid;
	const char *xname, *xvalue;
	size_t size; /* if data is NULL: that many bytes of a pattern */
};

/* The bytes of pattern files ('f' with data NULL) and of the sparse file. */
unsigned char pattern_byte(size_t i);
unsigned char *sparse_content(void); /* 1 MiB, caller frees */
/* Write MEMBERS as a pax archive at PATH, gzip-compressed when GZ. */
void write_tar(const char *path, const struct member *v, size_t n, int gz);

/* A member given by its bytes (any bytes: a layer, a manifest), or a
 * symlink when symlink is set; for archives that hold other archives. */
struct raw_member {
	const char *name;
	const void *data;
	size_t len;
	const char *symlink;
};

/* Write MEMBERS as a restricted pax archive (pax records only where
 * needed) at PATH, gzip-compressed when GZ. */
void write_raw_tar(const char *path, const struct raw_member *m, size_t n, int gz);
/* The same archive in memory, its length in *LEN.  Caller frees. */
char *raw_tar_bytes(const struct raw_member *m, size_t n, int gz, size_t *len);
/* A layer in memory holding one file, NAME with TEXT: raw_tar_bytes. */
char *layer_bytes(const char *name, const char *text, int gz, size_t *len);

/* Make the pax record that starts " RECORD" in the archive at PATH
 * malformed: its two-digit length becomes 99, which overruns it. */
void break_pax_record(const char *path, const char *record);

/* A ustar header block for NAME at B (512 bytes): TYPE, SIZE, mode 0644,
 * owner 0:0, time 0, its checksum. */
void ustar_header(unsigned char *b, char type, const char *name, size_t size);

#endif
