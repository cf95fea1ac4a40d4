/* fuzz_image.c - the image classifier and the OCI / docker-save JSON
 * handling (pc_image_open).  The first byte picks what the rest becomes:
 *
 *   0  a file given as IMAGE (layer tarball, docker-save archive, junk);
 *   1  index.json of an OCI layout;
 *   2  the image manifest blob of an OCI layout whose index.json points at
 *      it (digest and size computed here, so the fuzzer reaches the
 *      manifest parser); blobs CONFIG and LAYER below exist, so a manifest
 *      naming them by digest gets further still;
 *   3  manifest.json of a docker-save tar that also holds layer.tar and
 *      config.json.
 *
 * Every layer of an accepted image must be a file inside the fuzzer's
 * folder (where the image and its extracted members live).
 */
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "image/image.h"

static void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char d[32];
	unsigned int len = 32;
	if (!EVP_Digest(p, n, d, &len, EVP_sha256(), NULL))
		abort();
	pc_hex(d, 32, out);
}

/* A tar of one empty file, in memory. */
static void *tiny_tar(size_t *len)
{
	static char buf[10240];
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	size_t used = 0;
	if (archive_write_open_memory(a, buf, sizeof(buf), &used) != ARCHIVE_OK)
		abort();
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "f");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 0);
	archive_write_header(a, e);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

/* The config blob: one diff_id, the tiny layer's, so that a manifest
 * naming that layer once gets past the diff_ids check. */
static const char *config(void)
{
	static char buf[256];
	if (!buf[0]) {
		size_t tlen;
		void *tar = tiny_tar(&tlen);
		char hex[65];
		sha256_hex(tar, tlen, hex);
		snprintf(buf, sizeof(buf),
			 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
			 "{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}", hex);
	}
	return buf;
}

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n) || close(fd) != 0)
		abort();
}

/* An OCI layout in DIR with the CONFIG and layer blobs, and BLOB (if not
 * NULL) as a blob too. */
static void oci_layout(const char *dir, const void *blob, size_t blen, char blobhex[65])
{
	char sub[512], hex[65];
	pc_rmtree(dir);
	snprintf(sub, sizeof(sub), "%s/blobs/sha256", dir);
	if (pc_mkdir_p(sub, 0755) < 0)
		abort();
	write_file(dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
	sha256_hex(config(), strlen(config()), hex);
	snprintf(sub, sizeof(sub), "blobs/sha256/%s", hex);
	write_file(dir, sub, config(), strlen(config()));
	size_t tlen;
	void *tar = tiny_tar(&tlen);
	sha256_hex(tar, tlen, hex);
	snprintf(sub, sizeof(sub), "blobs/sha256/%s", hex);
	write_file(dir, sub, tar, tlen);
	if (blob) {
		sha256_hex(blob, blen, blobhex);
		snprintf(sub, sizeof(sub), "blobs/sha256/%s", blobhex);
		write_file(dir, sub, blob, blen);
	}
}

static void add_member(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_write_header(a, e);
	if (n)
		archive_write_data(a, p, n);
	archive_entry_free(e);
}

static void docker_save(const char *path, const void *manifest, size_t n)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		abort();
	size_t tlen;
	void *tar = tiny_tar(&tlen);
	add_member(a, "manifest.json", manifest, n);
	add_member(a, "config.json", config(), strlen(config()));
	add_member(a, "layer.tar", tar, tlen);
	archive_write_close(a);
	archive_write_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0] % 4;
	data++;
	size--;
	char spec[512], hex[65];
	const char *dir = fuzz_dir();
	switch (mode) {
	case 0:
		snprintf(spec, sizeof(spec), "%s", fuzz_write("image", data, size));
		break;
	case 1:
		snprintf(spec, sizeof(spec), "%s/oci", dir);
		oci_layout(spec, NULL, 0, hex);
		write_file(spec, "index.json", data, size);
		break;
	case 2: {
		snprintf(spec, sizeof(spec), "%s/oci", dir);
		oci_layout(spec, data, size, hex);
		char *index = xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
					"\"application/vnd.oci.image.manifest.v1+json\","
					"\"digest\":\"sha256:%s\",\"size\":%zu}]}", hex, size);
		write_file(spec, "index.json", index, strlen(index));
		free(index);
		break;
	}
	default:
		snprintf(spec, sizeof(spec), "%s/save.tar", dir);
		docker_save(spec, data, size);
		break;
	}
	const char *specs[] = { spec };
	struct pc_image img;
	if (pc_image_open(specs, 1, NULL, dir, &img) == 0) {
		/* Every layer is a file inside what was given (or extracted
		 * into the fuzzer's folder): a manifest cannot point outside. */
		char *base = realpath(dir, NULL);
		for (size_t i = 0; i < img.nlayers; i++) {
			char *real = img.layers[i].path ? realpath(img.layers[i].path, NULL) : NULL;
			if (!real || strncmp(real, base, strlen(base)) != 0 ||
			    real[strlen(base)] != '/') {
				fprintf(stderr, "fuzz_image: layer %zu is %s, outside %s\n", i,
					real ? real : "(none)", base);
				abort();
			}
			free(real);
		}
		free(base);
		pc_image_close(&img);
	}
	return 0;
}
