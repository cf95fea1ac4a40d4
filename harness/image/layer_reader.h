/* layer_reader.h - open a layer for reading with its decompression on a
 * thread of its own.
 *
 * libarchive decompresses and parses tar on the caller's thread, so an
 * unpack alternates between inflating and writing.  For a compressed layer
 * pc_layer_reader_open builds two readers: a "raw" one that only
 * decompresses the file, and the tar reader the caller gets, fed with the
 * raw reader's output through client callbacks.  Once threads are allowed
 * (pc_layer_reader_threads, called by the unpacking child after fork: a
 * thread started before fork would not exist in the child), the first read
 * starts a thread that decompresses ahead into a few 1 MiB buffers while
 * the caller writes.  Before that, and in processes that never allow
 * threads (pc_image_scan), the callbacks decompress in line: same bytes,
 * same errors.  An uncompressed layer is opened as before.
 */
#ifndef PC_LAYER_READER_H
#define PC_LAYER_READER_H

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>

/* A tar reader over PATH (any compression, tar formats only), positioned
 * before its first header; NULL with the error reported (class INPUT for a
 * file that is missing, not a regular file or not a (compressed) tar
 * archive).  Every layer
 * powercut reads (the unpack, the scan, inspect, the mtree spec) is read
 * through this reader and pc_layer_reader_next, and every image archive
 * through pc_tar_checked_open and pc_tar_checked_next below, so each gets
 * the same decompression and the same header checks. */
struct archive *pc_layer_reader_open(const char *path);

/* The same for any tar archive the runtimes read with Go's archive/tar
 * (an image archive: docker load, skopeo, podman), LABEL ("layer", or
 * NULL for none) going before PATH in the messages: its entries get the
 * same decompression and header checks as a layer's. */
struct archive *pc_tar_checked_open(const char *label, const char *path);
int pc_tar_checked_next(struct archive *ar, struct archive_entry **ae, const char *label,
			const char *path);

/* What follows the end of a tar archive, as the runtimes' Go reader takes
 * it: two zero blocks after where the last entry's data (its padding,
 * sparse map and extension headers) ended end it, and it may end with no
 * zero block or one; after a single zero block, Go reads the next block,
 * and any byte there is an error to it ("archive/tar: invalid tar header",
 * "unexpected EOF"), where libarchive and GNU tar stop. */
enum pc_tar_end {
	PC_TAR_END_OK,        /* two zero blocks, or the stream ends after none or one */
	PC_TAR_END_ENTRIES,   /* a tar header follows a single zero block */
	PC_TAR_END_BYTES,     /* other bytes (or part of a block) follow it */
	PC_TAR_END_UNCHECKED, /* AR is not from pc_layer_reader_open, or where its
				 last entry ended is not known */
};

/* Called once AR (from pc_layer_reader_open) reported the end of the
 * archive: what follows it. */
enum pc_tar_end pc_layer_reader_after_end(struct archive *ar);

/* Called after AR (from pc_layer_reader_open) read the header of AE:
 * 1 with the reason in WHY if the raw tar headers of the entry are read
 * differently by libarchive and by the runtimes' Go reader (a type
 * libarchive would guess at, a regular file named "d/", a GNU long name
 * and a pax path that differ, a header given twice), or are too large to
 * check, or AR is not from pc_layer_reader_open (they cannot be checked);
 * 0 otherwise. */
int pc_layer_reader_check_headers(struct archive *ar, struct archive_entry *ae, char *why,
				  size_t cap);

/* The next entry of AR (from pc_layer_reader_open; any other reader is
 * refused) into *AE, read as the runtimes would read it or refused: 1 an
 * entry, 0 the end, -1 with the error reported, naming layer LNAME (an end the runtimes would not take,
 * a header libarchive could not read whole, one read differently by
 * libarchive and the runtimes: see the two functions above).  The one way
 * the unpack, the scan and inspect walk a layer's headers. */
int pc_layer_reader_next(struct archive *ar, struct archive_entry **ae, const char *lname);

/* The pax number V (LEN bytes, not NUL-terminated) as the runtimes' Go
 * reader takes it (strconv.ParseInt, base 10, 64 bits; libarchive clamps
 * what is larger): an optional sign, then one digit or more, nothing else
 * (no space); with FRACTION, a time, '.' and digits may follow (not
 * kept).  1 with its magnitude in *N (at most 2^63 - 1, 2^63 when
 * negative) and *NEG set when it has a '-'; 0 if the runtimes refuse it. */
int pc_pax_u64(const char *v, size_t len, int fraction, uint64_t *n, int *neg);

/* The compression AR's layer was read through, as libarchive names it
 * ("gzip", "zstd", ...; "none"; "unknown" for a reader not from
 * pc_layer_reader_open). */
const char *pc_layer_reader_compression(struct archive *ar);

/* Why reading AR failed: the decompressor's own reason when it failed
 * (libarchive's tar reader then says only "Truncated input file"), else
 * libarchive's message. */
const char *pc_layer_reader_error(struct archive *ar);

/* Allow readers opened in this process to decompress on a thread of their
 * own from their next read on. */
void pc_layer_reader_threads(void);

#endif
