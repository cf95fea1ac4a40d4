/* tarfix.c - see tarfix.h. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tarfix.h"
#include "unit.h"
#include "util/util.h"

unsigned char pattern_byte(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

unsigned char *sparse_content(void)
{
	unsigned char *buf = xcalloc(1, 1 << 20);
	for (size_t i = 0; i < 4096; i++) {
		buf[i] = (unsigned char)(i % 251 + 1);
		buf[512 * 1024 + i] = (unsigned char)(i % 241 + 1);
	}
	return buf;
}

static void write_member(struct archive *a, const struct member *mb)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, mb->path);
	archive_entry_set_mtime(e, 1700000000, 0);
	archive_entry_set_uid(e, mb->uid);
	archive_entry_set_gid(e, mb->gid);
	archive_entry_set_perm(e, mb->mode ? mb->mode : 0644);
	size_t size = mb->data ? strlen(mb->data) : mb->size;
	unsigned char *buf = NULL;
	switch (mb->type) {
	case 'f':
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, (la_int64_t)size);
		break;
	case 's':
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, 1 << 20);
		archive_entry_sparse_add_entry(e, 0, 4096);
		archive_entry_sparse_add_entry(e, 512 * 1024, 4096);
		break;
	case 'd':
		archive_entry_set_filetype(e, AE_IFDIR);
		break;
	case 'l':
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, mb->data);
		break;
	case 'h':
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_hardlink(e, mb->data);
		archive_entry_set_size(e, 0);
		break;
	case 'c': {
		unsigned maj = 1, min = 3;
		if (mb->data)
			CU_ASSERT_EQUAL_FATAL(sscanf(mb->data, "%u:%u", &maj, &min), 2);
		archive_entry_set_filetype(e, AE_IFCHR);
		archive_entry_set_rdevmajor(e, maj);
		archive_entry_set_rdevminor(e, min);
		break;
	}
	case 'p':
		archive_entry_set_filetype(e, AE_IFIFO);
		break;
	}
	if (mb->xname)
		archive_entry_xattr_add_entry(e, mb->xname, mb->xvalue, strlen(mb->xvalue));
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	if (mb->type == 'f' && size) {
		buf = xmalloc(size);
		for (size_t i = 0; i < size; i++)
			buf[i] = mb->data ? (unsigned char)mb->data[i] : pattern_byte(i);
		CU_ASSERT_EQUAL(archive_write_data(a, buf, size), (la_ssize_t)size);
	} else if (mb->type == 's') {
		/* The pax writer takes the whole logical file and drops the
		 * bytes that fall in holes. */
		buf = sparse_content();
		CU_ASSERT_EQUAL(archive_write_data(a, buf, 1 << 20), 1 << 20);
	}
	free(buf);
	archive_entry_free(e);
}

/* Write MEMBERS as a pax archive at PATH, gzip-compressed when GZ. */
void write_tar(const char *path, const struct member *v, size_t n, int gz)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax(a);
	if (gz)
		archive_write_add_filter_gzip(a);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++)
		write_member(a, &v[i]);
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

char *raw_tar_bytes(const struct raw_member *m, size_t n, int gz, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	CU_ASSERT_FATAL(f != NULL);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (gz)
		archive_write_add_filter_gzip(a);
	archive_write_set_bytes_in_last_block(a, 1); /* as for a regular file: no padding */
	CU_ASSERT_EQUAL_FATAL(archive_write_open_FILE(a, f), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_perm(e, 0644);
		if (m[i].symlink) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, m[i].symlink);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, (la_int64_t)m[i].len);
		}
		CU_ASSERT_FATAL(archive_write_header(a, e) >= ARCHIVE_WARN); /* a name not UTF-8 warns */
		if (m[i].len)
			CU_ASSERT_EQUAL_FATAL(archive_write_data(a, m[i].data, m[i].len),
					      (la_ssize_t)m[i].len);
		archive_entry_free(e);
	}
	CU_ASSERT_EQUAL_FATAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
	return buf;
}

void write_raw_tar(const char *path, const struct raw_member *m, size_t n, int gz)
{
	size_t len;
	char *t = raw_tar_bytes(m, n, gz, &len);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, len, 0), 0);
	free(t);
}

char *layer_bytes(const char *name, const char *text, int gz, size_t *len)
{
	const struct raw_member m = { name, text, strlen(text), NULL };
	return raw_tar_bytes(&m, 1, gz, len);
}

void break_pax_record(const char *path, const char *record)
{
	size_t n;
	char *t = pc_read_file(path, &n);
	CU_ASSERT_FATAL(t != NULL);
	char *needle = xasprintf(" %s", record);
	char *rec = memmem(t, n, needle, strlen(needle)); /* after its length, 2 digits */
	free(needle);
	CU_ASSERT_FATAL(rec != NULL && rec - t >= 2);
	memcpy(rec - 2, "99", 2);
	CU_ASSERT_EQUAL_FATAL(pc_write_file(path, t, n, 0), 0);
	free(t);
}

/* The checksum is summed with its own field as spaces (POSIX ustar). */
void ustar_header(unsigned char *b, char type, const char *name, size_t size)
{
	memset(b, 0, 512);
	memcpy(b, name, strlen(name));
	sprintf((char *)b + 100, "%07o", 0644);
	sprintf((char *)b + 108, "%07o", 0);
	sprintf((char *)b + 116, "%07o", 0);
	sprintf((char *)b + 124, "%011zo", size);
	sprintf((char *)b + 136, "%011o", 0);
	b[156] = (unsigned char)type;
	memcpy(b + 257, "ustar\0" "00", 8);
	memset(b + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += b[i];
	sprintf((char *)b + 148, "%06o", sum);
}
