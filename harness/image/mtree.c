/* mtree.c - the manifest as an mtree(5) specification (mtree.h). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "image/mtree.h"
#include "image/layer_reader.h"
#include "util/util.h"

struct mtree {
	struct archive *w;
	struct pc_entry *const *sorted;
	size_t n;
	char *done;      /* per sorted entry: written */
	char **source;   /* per sorted entry: tar hardlink source awaiting data */
};

static int cmp_path(const void *key, const void *elem)
{
	return strcmp(key, (*(struct pc_entry *const *)elem)->path);
}

static ssize_t mtree_find(const struct mtree *t, const char *path)
{
	struct pc_entry *const *p = bsearch(path, t->sorted, t->n, sizeof(*t->sorted), cmp_path);
	return p ? p - t->sorted : -1;
}

static const unsigned ftype_ae[] = {
	[PC_FT_REG] = AE_IFREG, [PC_FT_DIR] = AE_IFDIR, [PC_FT_SYMLINK] = AE_IFLNK,
	[PC_FT_CHR] = AE_IFCHR, [PC_FT_BLK] = AE_IFBLK, [PC_FT_FIFO] = AE_IFIFO,
	[PC_FT_SOCK] = AE_IFSOCK,
};

/* The header of manifest entry E, built from the manifest (not from the
 * archive: the manifest is the final state). */
static int mtree_header(struct mtree *t, const struct pc_entry *e)
{
	struct archive_entry *ae = archive_entry_new();
	archive_entry_copy_pathname(ae, e->path);
	archive_entry_set_filetype(ae, ftype_ae[e->type]);
	archive_entry_set_perm(ae, e->mode & 07777);
	archive_entry_set_uid(ae, e->uid);
	archive_entry_set_gid(ae, e->gid);
	archive_entry_set_size(ae, e->type == PC_FT_REG ? (la_int64_t)e->size : 0);
	if (e->link)
		archive_entry_copy_symlink(ae, e->link);
	if (e->type == PC_FT_CHR || e->type == PC_FT_BLK)
		archive_entry_set_rdev(ae, makedev(e->rdev_major, e->rdev_minor));
	int r = archive_write_header(t->w, ae);
	archive_entry_free(ae);
	if (r < ARCHIVE_WARN)
		return pc_fail(PC_ERR_RUN, "mtree: %s: %s", e->path, archive_error_string(t->w));
	return 0;
}

static int mtree_copy_data(struct mtree *t, struct archive *r, const char *layer)
{
	char buf[64 * 1024];
	for (;;) {
		la_ssize_t n = archive_read_data(r, buf, sizeof(buf));
		if (n < 0)
			return pc_fail(PC_ERR_INPUT, "%s: %s", layer, archive_error_string(r));
		if (n == 0)
			return 0;
		if (archive_write_data(t->w, buf, (size_t)n) < 0)
			return pc_fail(PC_ERR_RUN, "mtree: %s", archive_error_string(t->w));
	}
}

/* One pass over layer L.  In the first pass (FIRST), every regular file
 * whose final version comes from L is written with its data; entries that
 * are tar hardlinks get their source remembered.  In later passes each
 * waiting hardlink gets its source's data (one per source per pass, since a
 * member's data can be read once).  Returns how many entries still wait. */
static ssize_t mtree_layer(struct mtree *t, const char *layer, unsigned l, int first)
{
	/* Read as the scan and the unpack read it: the same decompression,
	 * the same header checks. */
	struct archive *r = pc_layer_reader_open(layer);
	if (!r)
		return -1;
	struct archive_entry *ae;
	int rr, rc = 0;
	while (rc == 0 && (rr = pc_layer_reader_next(r, &ae, layer)) > 0) {
		/* Tar hardlink entries need not carry a file type. */
		const char *hl = archive_entry_hardlink(ae);
		if (!hl && archive_entry_filetype(ae) != AE_IFREG)
			continue;
		char *path = pc_path_normalize(archive_entry_pathname(ae));
		if (!path)
			continue;
		ssize_t i;
		if (first) {
			i = mtree_find(t, path);
			if (i >= 0 && !t->done[i] && t->sorted[i]->layer == l &&
			    t->sorted[i]->type == PC_FT_REG) {
				if (hl) {
					t->source[i] = pc_path_normalize(hl);
				} else {
					rc = mtree_header(t, t->sorted[i]);
					if (rc == 0)
						rc = mtree_copy_data(t, r, layer);
					t->done[i] = 1;
				}
			}
		} else if (!hl) {
			for (i = 0; i < (ssize_t)t->n; i++)
				if (t->source[i] && !strcmp(t->source[i], path)) {
					rc = mtree_header(t, t->sorted[i]);
					if (rc == 0)
						rc = mtree_copy_data(t, r, layer);
					t->done[i] = 1;
					free(t->source[i]);
					t->source[i] = NULL;
					break;
				}
		}
		free(path);
	}
	if (rc == 0 && rr < 0)
		rc = -1; /* reported by pc_layer_reader_next */
	archive_read_free(r);
	if (rc < 0)
		return -1;
	ssize_t waiting = 0;
	for (size_t i = 0; i < t->n; i++)
		waiting += t->source[i] != NULL;
	return waiting;
}

int pc_mtree_write(struct pc_manifest *m, const char *const *layers, size_t nlayers, FILE *out,
		   const char *out_name)
{
	struct mtree t = { 0 };
	t.sorted = pc_manifest_sorted(m, &t.n);
	t.done = xcalloc(t.n, 1);
	t.source = xcalloc(t.n, sizeof(*t.source));
	t.w = archive_write_new();
	int rc = 0;
	if (archive_write_set_format_mtree(t.w) != ARCHIVE_OK ||
	    archive_write_set_options(t.w, "!all,type,mode,uid,gid,size,link,sha256,device") !=
		    ARCHIVE_OK ||
	    archive_write_open_FILE(t.w, out) != ARCHIVE_OK)
		rc = pc_fail(PC_ERR_RUN, "mtree writer for %s: %s", out_name,
			     archive_error_string(t.w));
	for (size_t l = 0; rc == 0 && l < nlayers; l++) {
		ssize_t waiting = mtree_layer(&t, layers[l], (unsigned)l, 1);
		while (waiting > 0) {
			ssize_t before = waiting;
			waiting = mtree_layer(&t, layers[l], (unsigned)l, 0);
			if (waiting == before)
				break; /* sources outside this layer: no data to give */
		}
		if (waiting < 0)
			rc = -1;
		for (size_t i = 0; i < t.n; i++) {
			free(t.source[i]);
			t.source[i] = NULL;
		}
	}
	/* Everything else: directories, symlinks, devices, and regular files
	 * without data (empty files; hardlinks whose source is elsewhere get
	 * the empty-file digest, a limit of mtree output). */
	for (size_t i = 0; rc == 0 && i < t.n; i++)
		if (!t.done[i] && strcmp(t.sorted[i]->path, "."))
			rc = mtree_header(&t, t.sorted[i]);
	if (archive_write_close(t.w) != ARCHIVE_OK && rc == 0)
		rc = pc_fail(PC_ERR_RUN, "mtree writer for %s: %s", out_name,
			     archive_error_string(t.w));
	archive_write_free(t.w);
	free(t.done);
	free(t.source);
	if (rc == 0 && fflush(out) != 0)
		rc = pc_fail_errno(PC_ERR_ENV, errno, "write %s", out_name);
	return rc;
}
