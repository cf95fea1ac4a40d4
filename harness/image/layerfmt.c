/* layerfmt.c - see layerfmt.h.  The footers are fixed byte layouts (the
 * eStargz specification in stargz-snapshotter's docs/estargz.md, the
 * zstd:chunked footer of containers/storage): read by hand, as no library
 * on Debian parses them. */
#include "image/layerfmt.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

#define ESTARGZ_FOOTER 51 /* gzip header, XLEN 26: 'S' 'G' LEN=22 "%016xSTARGZ", empty deflate, trailer */
#define STARGZ_FOOTER 47  /* the same without SI1/SI2/LEN: XLEN 22 */
#define CHUNKED_MAGIC "GnUlInUx"

/* A gzip member header with FEXTRA and the given XLEN. */
static int gzip_extra_header(const unsigned char *p, unsigned xlen)
{
	return p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 && (p[3] & 4) && p[10] == (xlen & 0xff) &&
	       p[11] == (xlen >> 8);
}

static enum pc_layerfmt from_tail(const unsigned char *head, const unsigned char *tail,
				  size_t n)
{
	if (head[0] == 0x1f && head[1] == 0x8b) {
		const unsigned char *e = tail + n - ESTARGZ_FOOTER;
		if (n >= ESTARGZ_FOOTER && gzip_extra_header(e, 26) && e[12] == 'S' && e[13] == 'G' &&
		    e[14] == 22 && e[15] == 0 && pc_is_lower_hex((const char *)e + 16, 16) &&
		    !memcmp(e + 32, "STARGZ", 6))
			return PC_LAYERFMT_ESTARGZ;
		const unsigned char *s = tail + n - STARGZ_FOOTER;
		if (n >= STARGZ_FOOTER && gzip_extra_header(s, 22) &&
		    pc_is_lower_hex((const char *)s + 12, 16) && !memcmp(s + 28, "STARGZ", 6))
			return PC_LAYERFMT_STARGZ;
	}
	if (head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd && n >= 8 &&
	    !memcmp(tail + n - 8, CHUNKED_MAGIC, 8))
		return PC_LAYERFMT_ZSTD_CHUNKED;
	return PC_LAYERFMT_PLAIN;
}

enum pc_layerfmt pc_layerfmt_detect(const char *path)
{
	unsigned char head[4], tail[ESTARGZ_FOOTER];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return PC_LAYERFMT_PLAIN;
	struct stat st;
	enum pc_layerfmt f = PC_LAYERFMT_PLAIN;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= ESTARGZ_FOOTER + 4 &&
	    pc_pread_full(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    pc_pread_full(fd, tail, sizeof(tail), st.st_size - ESTARGZ_FOOTER) == (ssize_t)sizeof(tail))
		f = from_tail(head, tail, sizeof(tail));
	close(fd);
	return f;
}

const char *pc_layerfmt_name(enum pc_layerfmt f)
{
	switch (f) {
	case PC_LAYERFMT_ESTARGZ:
		return "estargz";
	case PC_LAYERFMT_STARGZ:
		return "stargz";
	case PC_LAYERFMT_ZSTD_CHUNKED:
		return "zstd:chunked";
	case PC_LAYERFMT_PLAIN:
		break;
	}
	return "";
}
