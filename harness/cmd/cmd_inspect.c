/* cmd_inspect.c - `powercut inspect IMAGE...`: what each image source was
 * detected as and why, and what it resolves to, layer by layer. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/escape.h"
#include "image/image.h"
#include "image/layerfmt.h"
#include "image/unpack.h"
#include "util/util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: powercut inspect IMAGE... [--platform OS/ARCH[/VARIANT]]\n\n"
		   "Resolve IMAGE (layer tarballs, layer:PATH, an OCI layout DIR or\n"
		   "DIR:TAG, an oci-archive, a docker-archive / docker-save tar, a skopeo\n"
		   "dir: folder) to its layers, checking every blob against its digest\n"
		   "and every layer against the config's diff_ids.  TAG may also be a\n"
		   "manifest digest (DIR:sha256:HEX); an index whose images answer the\n"
		   "platform equally well is an error listing them, never a pick.\n"
		   "For each IMAGE print what it was detected as and why (kind, producer,\n"
		   "detected), the image manifest read (chosen: with, when an index held\n"
		   "several images, the platform that chose it, --platform or the host's),\n"
		   "its platform and media types; then one line per layer,\n"
		   "lowest first:\n\n"
		   "  N DIGEST COMPRESSED TAR-BYTES FILE-BYTES ENTRIES FORMAT MEDIA-TYPE PATH\n\n"
		   "COMPRESSED is the layer file's size, TAR-BYTES the uncompressed tar\n"
		   "stream, FILE-BYTES the apparent size of its regular files, ENTRIES its\n"
		   "archive entries (whiteouts included; an eStargz TOC and landmarks\n"
		   "not).  FORMAT is the compression as read (none, gzip, zstd, ...),\n"
		   "with +estargz or +zstd:chunked when the layer carries that footer.\n"
		   "DIGEST and MEDIA-TYPE are '-' when the source does not give them.\n"
		   "Layers are read once, as the unpack reads them (headers and the tree\n"
		   "they build, without file digests): what it refuses is refused here\n"
		   "too, exit 2, no total line, no line for that layer or those above.\n\n"
		   "  --platform P  choose among the platforms of an index (default: the host's)\n"
		   "  -h, --help    this text\n\n"
		   "exit status: 0 done, 2 usage or input error, 3 environment error.\n");
}

/* The layer table as the scan walks the layers: a row per layer, and the
 * sums for the total line. */
struct table {
	const struct pc_layer *layers;
	uint64_t entries, tar_bytes, file_bytes;
};

/* The row of layer I, told by the scan once the layer has been walked. */
static void print_row(size_t i, const struct pc_layer_tally *t, void *arg)
{
	struct table *tb = arg;
	const struct pc_layer *l = &tb->layers[i];
	const char *fmt = pc_layerfmt_name(pc_layerfmt_detect(l->path));
	char format[64];
	snprintf(format, sizeof(format), "%s%s%s", t->compression, *fmt ? "+" : "", fmt);
	char *lpath = pc_esc_text(l->path), *digest = pc_esc_text(l->digest ? l->digest : "-");
	char *mt = pc_esc_text(l->media_type ? l->media_type : "-");
	printf("%-3zu %-71s %12" PRIu64 " %12" PRIu64 " %14" PRIu64 " %8" PRIu64 " %-12s %-46s %s\n",
	       i + 1, digest, l->size, t->tar_bytes, t->file_bytes, t->entries, format, mt, lpath);
	free(lpath);
	free(digest);
	free(mt);
	tb->entries += t->entries;
	tb->tar_bytes += t->tar_bytes;
	tb->file_bytes += t->file_bytes;
}

/* One "  KEY: VALUE" line, VALUE escaped (it comes from the image). */
static void print_field(const char *key, const char *value)
{
	char *v = pc_esc_text(value ? value : "-");
	printf("  %s: %s\n", key, v);
	free(v);
}

static void print_source(const struct pc_image_source *s, size_t n)
{
	char *spec = pc_esc_text(s->spec);
	printf("source %zu: %s\n", n, spec);
	free(spec);
	print_field("kind", s->kind);
	print_field("producer", s->producer);
	print_field("detected", s->why);
	print_field("chosen", s->chosen);
	print_field("platform", s->platform);
	print_field("manifest media type", s->manifest_type);
	print_field("config media type", s->config_type);
	printf("  layers: %zu\n", s->nlayers);
}

int cmd_inspect(int argc, char **argv)
{
	const char *platform = NULL;
	const struct cmd_opt opts[] = { CMD_OPT_PLATFORM(&platform), CMD_OPT_END };
	const struct cmd_line cl = { "inspect", usage, opts, 1, -1, "no IMAGE given" };
	struct pc_image img;
	int rc = cmd_parse_image(&cl, argc, argv, &platform, &img);
	if (rc != CMD_GO_ON)
		return rc;
	rc = PC_EXIT_OK;
	char *spec = pc_esc_text(img.spec);
	printf("image: %s\nkind: %s\nlayers: %zu\n", spec, img.kind, img.nlayers);
	free(spec);
	for (size_t i = 0; i < img.nsources; i++)
		print_source(&img.sources[i], i + 1);
	printf("%-3s %-71s %12s %12s %14s %8s %-12s %-46s %s\n", "N", "DIGEST", "COMPRESSED",
	       "TAR-BYTES", "FILE-BYTES", "ENTRIES", "FORMAT", "MEDIA-TYPE", "PATH");
	/* One pass over the layers, read as the unpack reads them: the scan of
	 * manifest without the file digests refuses what the unpack refuses
	 * (a header it would not take, a ".." or absolute path, a way out
	 * through a symlink, a hardlink to nothing, an owner, xattr or ACL no
	 * filesystem stores, ...) and tells each layer's figures as it ends. */
	struct table tb = { .layers = img.layers };
	const char **paths = pc_image_layer_paths(&img);
	struct pc_manifest *m = NULL;
	if (pc_image_scan_layers(paths, img.nlayers, 0, print_row, &tb, &m, NULL) < 0)
		rc = pc_exit_for_error(PC_EXIT_USAGE);
	pc_manifest_free(m);
	free(paths);
	if (rc == PC_EXIT_OK)
		printf("total: %" PRIu64 " entries, %" PRIu64 " tar bytes, %" PRIu64 " file bytes\n",
		       tb.entries, tb.tar_bytes, tb.file_bytes);
	pc_image_close(&img);
	return cmd_stdout_done("inspect", rc);
}
