/* image.c - see image.h: specs, path checks, classification, and the life
 * of a pc_image.  The readers live in image_oci.c (folders) and
 * image_archive.c (image archives); a layer needs no reader of its own. */
#include "image/image.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/image_int.h"
#include "util/input.h"
#include "util/util.h"

static const char LAYER_PREFIX[] = "layer:";

/* ---- specs ------------------------------------------------------------------ */

static char *on_base(const char *base, const char *path, size_t len)
{
	if (path[0] == '/' || !base)
		return xasprintf("%.*s", (int)len, path);
	return xasprintf("%s/%.*s", base, (int)len, path);
}

void pc_image_spec_parse(const char *spec, const char *base, struct pc_image_spec *out)
{
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (!strncmp(spec, LAYER_PREFIX, sizeof(LAYER_PREFIX) - 1)) {
		const char *p = spec + sizeof(LAYER_PREFIX) - 1;
		out->path = on_base(base, p, strlen(p));
		out->force_layer = 1;
		return;
	}
	out->path = on_base(base, spec, strlen(spec));
	if (lstat(out->path, &st) == 0)
		return;
	for (const char *colon = strchr(spec, ':'); colon; colon = strchr(colon + 1, ':')) {
		if (colon == spec || !colon[1])
			continue;
		char *p = on_base(base, spec, (size_t)(colon - spec));
		if (lstat(p, &st) == 0) {
			free(out->path);
			out->path = p;
			out->tag = xstrdup(colon + 1);
			return;
		}
		free(p);
	}
}

void pc_image_spec_free(struct pc_image_spec *s)
{
	free(s->path);
	free(s->tag);
	memset(s, 0, sizeof(*s));
}

/* What a path that is neither a regular file nor a folder is, for the
 * message; NULL if it is one of those. */
static const char *odd_type(mode_t m)
{
	if (S_ISREG(m) || S_ISDIR(m))
		return NULL;
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
	       : S_ISSOCK(m) ? "a socket" : "not a regular file or folder";
}

char *pc_image_spec_absolute(const char *spec, const char *base, char **why)
{
	struct pc_image_spec s;
	pc_image_spec_parse(spec, base, &s);
	char *real = realpath(s.path, NULL);
	char *abs = NULL;
	struct stat st;
	*why = NULL;
	if (!real)
		*why = xasprintf("%s: %s", s.path, strerror(errno));
	else if (stat(real, &st) < 0)
		*why = xasprintf("%s: %s", s.path, strerror(errno));
	else if (odd_type(st.st_mode))
		*why = xasprintf("%s: %s; an image is a regular file or a folder", s.path,
				 odd_type(st.st_mode));
	else if (pc_input_pseudo_fs(real, -1))
		*why = xasprintf("%s: " PC_PSEUDO_FS_WHY, s.path, pc_input_pseudo_fs(real, -1));
	else if (s.force_layer && !S_ISREG(st.st_mode))
		*why = xasprintf("%s%s: a folder; %s names a layer archive, a regular file",
				 LAYER_PREFIX, s.path, LAYER_PREFIX);
	else
		abs = xasprintf("%s%s%s%s", s.force_layer ? LAYER_PREFIX : "", real,
				s.tag ? ":" : "", s.tag ? s.tag : "");
	free(real);
	pc_image_spec_free(&s);
	return abs;
}

/* ---- one source ------------------------------------------------------------- */

static int open_folder(const char *path, const struct pc_image_spec *s, const char *platform,
		       struct pc_image *img, struct pc_image_source *src)
{
	char *marker = xasprintf("%s/oci-layout", path);
	struct stat st;
	int layout = stat(marker, &st) == 0;
	free(marker);
	if (layout) {
		src->kind = "oci-layout";
		src->producer = "oci-layout";
		src->why = xstrdup("a folder with an oci-layout file");
		return img_oci_open(path, path, s->tag, platform, img, src);
	}
	if (img_is_skopeo_dir(path)) {
		src->kind = "skopeo-dir";
		src->producer = "skopeo dir:";
		src->why = xstrdup("a folder with manifest.json and skopeo's version file");
		if (s->tag)
			return pc_fail(PC_ERR_INPUT, "%s: a skopeo dir: holds one image, no tags (':%s')",
				       path, s->tag);
		return img_skopeo_dir_open(path, platform, img, src);
	}
	return pc_fail(PC_ERR_INPUT,
		       "%s: a folder, but neither an OCI image layout (no oci-layout file) nor a "
		       "skopeo dir: (no manifest.json with a version file)",
		       path);
}

static int open_file(const char *path, const struct pc_image_spec *s, const char *platform,
		     const char *tmpbase, uint64_t size, struct pc_image *img,
		     struct pc_image_source *src)
{
	struct tarscan *t = NULL;
	int c = 0;
	if (s->force_layer)
		src->why = xasprintf("named as %s%s", LAYER_PREFIX, path);
	else if ((c = img_tar_classify(path, &t, src)) < 0)
		return -1;
	int rc;
	if (c == 0) {
		src->kind = "layer";
		src->producer = "layer tarball";
		if (s->tag)
			return pc_fail(PC_ERR_INPUT, "%s: a layer tarball has no tags (':%s')", path,
				       s->tag);
		img_add_layer(img, path, NULL, NULL, size);
		rc = 0;
	} else {
		rc = img_tar_open(path, s->tag, platform, t, tmpbase, img, src);
	}
	img_tarscan_free(t);
	return rc;
}

static int open_one(const char *spec, const char *platform, const char *tmpbase,
		    struct pc_image *img)
{
	img->sources = xrealloc(img->sources, (img->nsources + 1) * sizeof(*img->sources));
	struct pc_image_source *src = &img->sources[img->nsources++];
	memset(src, 0, sizeof(*src));
	src->spec = xstrdup(spec);
	src->first = img->nlayers;
	struct pc_image_spec s;
	pc_image_spec_parse(spec, NULL, &s);
	struct stat st;
	int rc = -1;
	/* stat, not open: a FIFO or a device must be refused before anything
	 * could block on it (the readers open with O_NONBLOCK and check again). */
	if (stat(s.path, &st) < 0)
		pc_fail_errno(PC_ERR_INPUT, errno, "image %s", s.path);
	else if (odd_type(st.st_mode))
		pc_fail(PC_ERR_INPUT, "image %s: %s; an image is a regular file or a folder", s.path,
			odd_type(st.st_mode));
	else if (S_ISDIR(st.st_mode) && s.force_layer)
		pc_fail(PC_ERR_INPUT, "image %s%s: a folder, not a layer tarball", LAYER_PREFIX, s.path);
	else if (S_ISDIR(st.st_mode))
		rc = open_folder(s.path, &s, platform, img, src);
	else
		rc = open_file(s.path, &s, platform, tmpbase, (uint64_t)st.st_size, img, src);
	src->nlayers = img->nlayers - src->first;
	pc_image_spec_free(&s);
	return rc;
}

int pc_image_open(const char *const *specs, size_t n, const char *platform,
		  const char *tmpbase, struct pc_image *img)
{
	memset(img, 0, sizeof(*img));
	if (n == 0)
		return pc_fail(PC_ERR_INPUT, "no image given");
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(specs[i]) + 1;
	img->spec = xcalloc(1, len);
	const char *kind = NULL;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(img->spec, " ");
		strcat(img->spec, specs[i]);
		if (open_one(specs[i], platform, tmpbase, img) < 0) {
			pc_image_close(img);
			return -1;
		}
		/* Mixed sources: say so rather than pick one. */
		const char *k = img->sources[i].kind;
		kind = !kind || !strcmp(kind, k) ? k : "mixed";
	}
	img->kind = xstrdup(kind);
	return 0;
}

void pc_image_close(struct pc_image *img)
{
	if (img->tmpdir)
		if (pc_rmtree_policy(img->tmpdir, PC_RM_WARN) < 0)
			pc_warn("remove %s: %s", img->tmpdir, strerror(errno));
	for (size_t i = 0; i < img->nlayers; i++) {
		free(img->layers[i].path);
		free(img->layers[i].digest);
		free(img->layers[i].media_type);
	}
	for (size_t i = 0; i < img->nsources; i++) {
		struct pc_image_source *s = &img->sources[i];
		free(s->spec);
		free(s->why);
		free(s->platform);
		free(s->manifest_type);
		free(s->config_type);
		free(s->chosen);
	}
	free(img->sources);
	free(img->layers);
	free(img->spec);
	free(img->kind);
	free(img->tmpdir);
	memset(img, 0, sizeof(*img));
}

const char **pc_image_layer_paths(const struct pc_image *img)
{
	const char **v = xcalloc(img->nlayers + 1, sizeof(*v));
	for (size_t i = 0; i < img->nlayers; i++)
		v[i] = img->layers[i].path;
	return v;
}
