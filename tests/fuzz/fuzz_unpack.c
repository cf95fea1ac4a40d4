/* fuzz_unpack.c - the unpack path checks on generated archives.  The input
 * is read as a list of entries, each
 *
 *   TYPE NAMELEN NAME LINKLEN LINK SIZE
 *
 * (one byte each for TYPE, the lengths and SIZE): TYPE % 5 picks a regular
 * file (SIZE bytes of 'x'), a folder, a symlink to LINK, a hardlink to LINK
 * or a fifo.  NAME may hold "..", a leading "/", ".wh." prefixes, anything;
 * a byte 0x01 in NAME or LINK stands for 64 'x', so names reach past
 * NAME_MAX and link targets past PATH_MAX.
 * The archive is scanned in-process (pc_image_scan), and as root it is also
 * unpacked (pc_unpack_layers: the chrooted child) into a folder next to a
 * canary file: nothing may appear outside the target or change the canary,
 * and when both accept the archive, scan and unpack must give the same
 * manifest. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "image/manifest.h"
#include "image/unpack.h"

/* Take N bytes from the input, or fewer at its end. */
static size_t take(const uint8_t **p, size_t *left, size_t n, const uint8_t **out)
{
	if (n > *left)
		n = *left;
	*out = *p;
	*p += n;
	*left -= n;
	return n;
}

static unsigned take_byte(const uint8_t **p, size_t *left)
{
	const uint8_t *b;
	return take(p, left, 1, &b) ? b[0] : 0;
}

#define EXPAND_BYTE 0x01
#define EXPAND_LEN 64

/* LEN bytes at P as a string, each EXPAND_BYTE as EXPAND_LEN 'x', up to a
 * NUL. */
static char *expand(const uint8_t *p, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len && p[i]; i++)
		n += p[i] == EXPAND_BYTE ? EXPAND_LEN : 1;
	char *s = malloc(n + 1), *o = s;
	if (!s)
		abort();
	for (size_t i = 0; i < len && p[i]; i++) {
		if (p[i] == EXPAND_BYTE) {
			memset(o, 'x', EXPAND_LEN);
			o += EXPAND_LEN;
		} else {
			*o++ = (char)p[i];
		}
	}
	*o = '\0';
	return s;
}

static void build_archive(const char *path, const uint8_t *data, size_t size)
{
	static const char filler[256] = { 0 };
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		abort();
	while (size > 0) {
		unsigned type = take_byte(&data, &size) % 5;
		const uint8_t *name, *link;
		size_t nlen = take(&data, &size, take_byte(&data, &size), &name);
		size_t llen = take(&data, &size, take_byte(&data, &size), &link);
		unsigned fsize = take_byte(&data, &size);
		char *n = expand(name, nlen), *l = expand(link, llen);
		if (!n[0]) {
			free(n);
			free(l);
			continue;
		}
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, n);
		archive_entry_set_perm(e, 0755);
		switch (type) {
		case 0:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, fsize);
			break;
		case 1:
			archive_entry_set_filetype(e, AE_IFDIR);
			break;
		case 2:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, l);
			break;
		case 3:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, l);
			break;
		default:
			archive_entry_set_filetype(e, AE_IFIFO);
			break;
		}
		if (archive_write_header(a, e) == ARCHIVE_OK && type == 0 && fsize)
			archive_write_data(a, filler, fsize);
		archive_entry_free(e);
		free(n);
		free(l);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static char *text_of(struct pc_manifest *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f || pc_manifest_write(m, f) != 0 || fclose(f) != 0)
		abort();
	return buf;
}

/* ROOT must hold exactly "t" and "canary", the canary untouched. */
static void check_outside(const char *root)
{
	DIR *d = opendir(root);
	if (!d)
		abort();
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "t") || !strcmp(de->d_name, "canary"))
			continue;
		fprintf(stderr, "fuzz_unpack: %s/%s written outside the target\n", root, de->d_name);
		abort();
	}
	closedir(d);
	char path[512];
	snprintf(path, sizeof(path), "%s/canary", root);
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 6 || st.st_nlink != 1) {
		fprintf(stderr, "fuzz_unpack: the canary outside the target changed\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char layer[512];
	snprintf(layer, sizeof(layer), "%s/layer.tar", fuzz_dir());
	build_archive(layer, data, size);
	const char *layers[] = { layer };

	struct pc_manifest *scanned = NULL;
	uint64_t total = 0;
	if (pc_image_scan(layers, 1, &scanned, &total) != 0)
		scanned = NULL;

	if (geteuid() == 0) {
		char root[512], target[600];
		snprintf(root, sizeof(root), "%s/root", fuzz_dir());
		snprintf(target, sizeof(target), "%s/t", root);
		pc_rmtree(root);
		if (pc_mkdir_p(target, 0755) < 0)
			abort();
		char canary[600];
		snprintf(canary, sizeof(canary), "%s/canary", root);
		if (pc_write_file(canary, "canary", 6, 0) < 0)
			abort();
		struct pc_manifest *unpacked = NULL;
		struct pc_unpack_stats st;
		if (pc_unpack_layers(layers, 1, target, &unpacked, &st, NULL, NULL) != 0)
			unpacked = NULL;
		check_outside(root);
		if (scanned && unpacked) {
			char *a = text_of(scanned), *b = text_of(unpacked);
			if (strcmp(a, b) != 0) {
				fprintf(stderr, "fuzz_unpack: scan and unpack manifests differ:\n%s---\n%s",
					a, b);
				abort();
			}
			free(a);
			free(b);
		}
		pc_manifest_free(unpacked);
		pc_rmtree(root);
	}
	pc_manifest_free(scanned);
	return 0;
}
