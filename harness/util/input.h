/* input.h - limits on what powercut reads from the user, in one place.
 *
 * Every file powercut reads on the user's say-so (scenario, manifest,
 * known-failures file, ...) goes through here:
 *
 *  - it must be a regular file: a FIFO would block forever, /dev/zero would
 *    never end, a socket or a device is never a scenario.  Refused with
 *    "WHAT PATH: is a FIFO, not a regular file" (class INPUT, exit 2);
 *  - lines are read with a bounded reader: a line longer than the limit for
 *    its kind of file, or holding a NUL byte, is an error "FILE:LINE: ..."
 *    (class INPUT) instead of memory growing without bound or a line cut
 *    short at the NUL;
 *  - small files read whole have a size cap.
 *
 * The limits are documented in powercut.1 (LIMITS) and README.md.
 */
#ifndef PC_INPUT_H
#define PC_INPUT_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

/* Bytes in one line, newline excluded. */
#define PC_MAX_TEXT_LINE 8192u            /* scenario and known-failures files */
/* A manifest line carries the escaped path (3 bytes a byte at worst), the
 * escaped symlink target and every xattr name and hex value: Linux caps an
 * xattr value at 64 KiB and the list of names at 64 KiB, so a file with a
 * few large xattrs fits with room to spare. */
#define PC_MAX_MANIFEST_LINE (16u << 20)
/* A small text file read whole (pc_input_read_small's callers). */
#define PC_MAX_SMALL_FILE (1u << 20)

/* Folders an archive entry's path (or a hardlink's target) may pass
 * through.  Each entry's parents are resolved one component at a time
 * (symlinks of lower layers), so an entry costs its depth times its length
 * and a chain of N nested folders N cubed: a 5,000-deep chain took minutes,
 * a single 120,000-deep name (one 240 KB header) hung.  Linux resolves at
 * most PATH_MAX (4096) bytes in one lookup, so real images stay far below:
 * the deepest trees (nested node_modules) are tens to a few hundred deep. */
#define PC_MAX_PATH_DEPTH 1024u

/* 0 if PATH (symlinks followed) is a regular file; else -1 with
 * "WHAT PATH: is a FIFO, not a regular file" (or the stat error), class
 * INPUT; a file of the kernel's own filesystems too (pc_input_check_fs).  WHAT names the input ("scenario", "manifest", ...). */
int pc_input_check_regular(const char *what, const char *path);

/* 0 unless the file (FD, or PATH when FD < 0) is on one of the kernel's
 * own filesystems (procfs, sysfs, tracefs, ...): -1 with "WHAT PATH: is a
 * file of the kernel's procfs, ..." (class INPUT).  Its regular files read
 * as anything but a file's data: /proc/kmsg blocks. */
int pc_input_check_fs(const char *what, const char *path, int fd);

/* The name of the kernel filesystem the file (FD, or PATH when FD < 0) is
 * on, as pc_input_check_fs refuses it, or NULL. */
const char *pc_input_pseudo_fs(const char *path, int fd);
#define PC_PSEUDO_FS_WHY "is a file of the kernel's %s, not a regular file (its size and " \
			 "content are made as it is read, and reading some blocks or takes " \
			 "what it reads from others: /proc/kmsg)"

/* "a FIFO", "a character device", "a symbolic link", ... for MODE. */
const char *pc_input_file_kind(mode_t mode);

/* Open PATH read-only after checking it is a regular file, without blocking
 * on a FIFO or taking a terminal; the check is repeated on the open file so
 * a swapped path cannot slip through.  The descriptor, or -1 (class INPUT). */
int pc_input_open(const char *what, const char *path);

/* A bounded line reader over a file descriptor. */
struct pc_lines {
	int fd;
	int own_fd;             /* close fd in pc_lines_close */
	const char *path;       /* for messages (not copied) */
	size_t max;             /* longest line accepted, newline excluded */
	unsigned long lineno;   /* the line last returned (1-based) */
	char *line;             /* the current line, NUL-terminated */
	size_t linecap;
	char *buf;              /* read buffer */
	size_t bufpos, buflen;
	int eof;
};

/* Open PATH (pc_input_open) for reading lines of at most MAX bytes.
 * 0, or -1 (class INPUT) with a message. */
int pc_lines_open(struct pc_lines *r, const char *what, const char *path, size_t max);
/* Read lines from FD (not closed by pc_lines_close); PATH names it in
 * messages. */
void pc_lines_init_fd(struct pc_lines *r, int fd, const char *path, size_t max);
/* The next line, its newline removed: 1 with *line (valid until the next
 * call) and *len set, 0 at the end of the file, -1 on error with
 * "PATH:LINE: line longer than MAX bytes", "PATH:LINE: NUL byte in line"
 * (class INPUT) or the read error (class RUN).  A last line without a
 * newline is returned as a line. */
int pc_lines_next(struct pc_lines *r, char **line, size_t *len);
void pc_lines_close(struct pc_lines *r);

/* Read FD to its end, at most MAX bytes, NUL bytes and all: a
 * NUL-terminated malloc'd buffer (length in *len if not NULL), or NULL with
 * "WHAT PATH: larger than powercut's limit of MAX bytes" (class INPUT) or the
 * read error (class RUN).  FD is not closed. */
char *pc_input_read_fd(int fd, const char *what, const char *path, size_t max, size_t *len);

/* Read a regular file of at most MAX bytes whole, refusing NUL bytes: a
 * NUL-terminated malloc'd buffer (length in *len if not NULL), or NULL with
 * a message (class INPUT for a bad or too-large file). */
char *pc_input_read_small(const char *what, const char *path, size_t max, size_t *len);

/* The name of the ini "[section]" header on LINE, read as inih and fio
 * read it: blanks before '[' allowed, the name up to the first ']'.  Its
 * start (inside LINE) and *LEN, or NULL when LINE is no complete header. */
const char *pc_ini_section_name(const char *line, size_t *len);
/* libinih reads "key: value" as "key = value" (its separator is '=' or
 * ':', whichever comes first; no build option turns ':' off).  For a
 * line inih would read so, the key (LEN bytes, not NUL-terminated); NULL
 * for any other line: a comment, a section, "key = value" (a ':' after
 * the '=' is the value's), a ':' after an inline "; comment". */
const char *pc_ini_colon_key(const char *line, size_t *len);

/* Set libinih's process-wide settings (Debian's build reads them at run
 * time) for one of our parsers; call before every ini_parse_stream, as
 * another parser may have changed them.  A heap line buffer of MAX_LINE
 * bytes that never grows (our line reader enforces the limit); no
 * continuation lines, so an indented key is a key; stop at the first error,
 * so that the message printed is the first one; ALLOW_NO_VALUE: a bare key
 * is a key (fio's booleans), else an error. */
void pc_ini_configure(int max_line, int allow_no_value);

/* Report a problem in an input file, class INPUT: "FILE:LINE: KEY: message"
 * (without "KEY: " when KEY is NULL), the message formatted from FMT and
 * AP.  Returns -1.  The parsers of scenario and fio job files wrap it. */
int pc_input_vfail_at(const char *file, unsigned line, const char *key, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));

#endif
