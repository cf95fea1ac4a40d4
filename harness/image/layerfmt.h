/* layerfmt.h - layer formats that are valid compressed tars with extra
 * metadata a plain tar reader would otherwise take for files or skip:
 *
 *   - eStargz (and its ancestor stargz): a gzip tar whose last member is the
 *     table of contents `stargz.index.json`, with landmark files
 *     `.prefetch.landmark` / `.no.prefetch.landmark`, and a footer gzip
 *     member whose extra field ends in "STARGZ".  The TOC and landmarks are
 *     ordinary tar members, and files of the tree: containerd's and Docker's
 *     unpack (a plain tar extraction) write them; only a lazy-pulling
 *     snapshotter hides them.  Detected so that `inspect` can say so.
 *   - zstd:chunked (containers/storage): a zstd tar whose table of contents
 *     and footer sit in zstd skippable frames, which a zstd decoder skips;
 *     the footer ends in the magic "GnUlInUx".  Nothing to hide; detected so
 *     that `inspect` can say so.
 *
 * Detected by content (the footer), never by name or media type.
 */
#ifndef PC_LAYERFMT_H
#define PC_LAYERFMT_H

enum pc_layerfmt {
	PC_LAYERFMT_PLAIN = 0,
	PC_LAYERFMT_ESTARGZ,
	PC_LAYERFMT_STARGZ,     /* the older footer, without SI1/SI2 */
	PC_LAYERFMT_ZSTD_CHUNKED,
};

/* Read the head and the footer of the layer file PATH (an unreadable or
 * short file is PLAIN: the tar reader reports the real error). */
enum pc_layerfmt pc_layerfmt_detect(const char *path);
const char *pc_layerfmt_name(enum pc_layerfmt f); /* "", "estargz", ... */

#endif
