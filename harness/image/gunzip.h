/* gunzip.h - read a gzip file with every member's CRC-32 and length checked.
 *
 * libarchive's gzip filter does not check a member's trailer (CRC-32 and
 * ISIZE: "XXX TODO" in its source), so a layer whose compressed bytes were
 * damaged would be unpacked, scanned and tested as if its damage were the
 * image.  zlib's inflate checks both when it reads the gzip wrapper itself.
 * The reader also takes what the runtimes' readers take and nothing more:
 * several members one after the other, then optionally zero bytes (tar
 * padding); anything else after the last member is an error.
 */
#ifndef PC_GUNZIP_H
#define PC_GUNZIP_H

#include <stddef.h>
#include <sys/types.h>

struct pc_gunzip;

/* Does the file open on FD start with the gzip magic?  Reads its first two
 * bytes with pread (the offset is unchanged); -1 with errno on a read
 * error. */
int pc_is_gzip(int fd);

/* A reader over FD (owned: closed by pc_gunzip_close). */
struct pc_gunzip *pc_gunzip_open(int fd);
/* Up to N decompressed bytes into BUF: the count, 0 at the end of the last
 * member, -1 on damaged or truncated input or a read error, with the
 * reason in pc_gunzip_error and errno set (EIO for bad data). */
ssize_t pc_gunzip_read(struct pc_gunzip *g, void *buf, size_t n);
const char *pc_gunzip_error(const struct pc_gunzip *g);
void pc_gunzip_close(struct pc_gunzip *g);

#endif
