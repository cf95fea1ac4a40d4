#!/usr/bin/env bash
# Image archives of tools that cannot be installed here (Docker 25+ and
# Docker 27/28 with the containerd image store, ctr images export, buildkit,
# go-containerregistry: crane / kaniko / ko, jib), rebuilt member for member
# from their source code by mkforeign.py (which names the files and commits
# read), from the producers fixture (images/mkfixtures producers).
# For each: inspect names the producer and the image or platform chosen,
# the manifest equals the plain layers' (the right image and platform, the
# attestations passed over), what must be refused is refused with a message
# that names the choices; then one crash cycle per archive (fuse, ext4,
# syncfs) passes.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

command -v zstd > /dev/null || fail "zstd is not installed (scripts/install-deps.sh)"
make -s images/mkfixtures > /dev/null || fail "cannot build images/mkfixtures"
[ -x "$POWERCUT" ] || fail "build powercut first (make)"

"$TOP/images/mkfixtures" producers "$TMP/layers" > /dev/null
L=("$TMP/layers/layer1.tar" "$TMP/layers/layer2.tar.gz" "$TMP/layers/layer3.tar.zst")
python3 "$TOP/tests/integration/mkforeign.py" "$TMP/a" "${L[@]}" || fail "mkforeign.py"
A="$TMP/a"
"$POWERCUT" manifest "${L[@]}" -o "$TMP/ref.m" 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "manifest of the layers"; }
"$POWERCUT" manifest "${L[0]}" -o "$TMP/ref-arm64.m" 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "manifest of layer 1"; }

# inspect SPEC [--platform P]: its output, or fail.
inspect() {
	local rc=0
	"$POWERCUT" inspect "$@" 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$TMP/err" >&2; fail "inspect $*: exit $rc"; }
}
# same_tree REF SPEC [--platform P]: the manifest of SPEC is REF's.
same_tree() {
	local ref=$1
	shift
	"$POWERCUT" manifest "$@" -o "$TMP/m" 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "manifest $*"; }
	cmp -s "$ref" "$TMP/m" || { diff "$ref" "$TMP/m" | head >&2; fail "manifest $*: not the expected tree"; }
}
# refused "TEXT" SPEC [--platform P]: exit 2, the message holds TEXT.
refused() {
	local text=$1 rc=0
	shift
	"$POWERCUT" inspect "$@" > /dev/null 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/err" >&2; fail "inspect $*: exit $rc, expected 2"; }
	grep -qF -- "$text" "$TMP/err" || { cat "$TMP/err" >&2; fail "inspect $*: the message does not say '$text'"; }
}

# name | spec | producer | expected tree
ROWS=(
	"docker25|$A/docker25.tar|docker-save (Docker 25+, OCI layout inside)|ref"
	"docker25-two|$A/docker25-two.tar:powercut/fixture|docker-save (Docker 25+, OCI layout inside)|ref"
	"docker-c8d|$A/docker-c8d.tar|docker-save (Docker 25+, OCI layout inside)|ref"
	"ctr-all|$A/ctr-all.tar|docker-save (Docker 25+, OCI layout inside)|ref"
	"ctr-nomj|$A/ctr-nomj.tar|oci-archive|ref"
	"docker-c8d-signed|$A/docker-c8d-signed.tar|docker-save (Docker 25+, OCI layout inside)|ref"
	"ctr-nomj-signed|$A/ctr-nomj-signed.tar|oci-archive|ref"
	"buildkit-docker|$A/buildkit-docker.tar|oci-archive|ref"
	"buildkit-docker-v2s2|$A/buildkit-docker-dockertypes.tar|docker-save (Docker 25+, OCI layout inside)|ref"
	"buildkit-oci|$A/buildkit-oci.tar|oci-archive|ref"
	"nydus-merged|$A/nydus-merged.tar|oci-archive|ref"
	"ggcr|$A/ggcr.tar|docker-archive (go-containerregistry: crane, kaniko, ko)|ref"
	"ggcr-two|$A/ggcr-two.tar:registry.example/powercut/fixture|docker-archive (go-containerregistry: crane, kaniko, ko)|ref"
	"ggcr-legacy|$A/ggcr-legacy.tar|docker-save legacy|ref"
	"jib-docker|$A/jib-docker.tar|docker-archive (jib)|ref"
	"jib-oci|$A/jib-oci.tar|oci-archive|ref"
	"estargz|$A/estargz0.tar|oci-archive|esgz"
	"estargz-prefetch|$A/estargz1.tar|oci-archive|esgz1"
)

# eStargz: the TOC and the landmark are files, as containerd's, Docker's
# and umoci's unpack write them: the expected tree is the plain layers'
# with layer 2 read as a plain tar (its own bytes, decompressed).
"$POWERCUT" manifest "${L[0]}" "$A/estargz0.layer.tar" "${L[2]}" -o "$TMP/esgz.m" 2> "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "manifest of the eStargz layers"; }
"$POWERCUT" manifest "${L[0]}" "$A/estargz1.layer.tar" "${L[2]}" -o "$TMP/esgz1.m" 2> "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "manifest of the eStargz layers"; }
for f in esgz esgz1; do
	grep -q '^stargz.index.json type=reg ' "$TMP/$f.m" || fail "$f: no stargz.index.json in the expected tree"
done
grep -q '^.no.prefetch.landmark type=reg mode=0644 uid=0 gid=0 size=1 ' "$TMP/esgz.m" || fail "no .no.prefetch.landmark"
grep -q '^.prefetch.landmark type=reg mode=0644 uid=0 gid=0 size=1 ' "$TMP/esgz1.m" || fail "no .prefetch.landmark"
[ "$(grep -vc '^#' "$TMP/esgz.m")" -eq $(( $(grep -vc '^#' "$TMP/ref.m") + 2 )) ] ||
	fail "the eStargz tree is not the plain one plus the TOC and the landmark"

SCEN="$TMP/foreign.ini"
printf '[global]\ndevice_size = auto\nfs = ext4\nmodes = syncfs\nbackend = fuse\n' > "$SCEN"
for row in "${ROWS[@]}"; do
	IFS='|' read -r name spec producer ref <<<"$row"
	out=$(inspect "$spec")
	grep -qxF "  producer: $producer" <<<"$out" || { echo "$out" >&2; fail "$name: producer is not '$producer'"; }
	same_tree "$TMP/$ref.m" "$spec"
	printf '[%s]\nimage = %s\n' "$name" "$spec" >> "$SCEN"
	echo "  $name: $producer; the expected tree"
done
grep -qE '^2 .* gzip\+estargz ' <<<"$(inspect "$A/estargz0.tar")" || fail "the eStargz layer is not named"

# Docker 25+ (graphdriver): LayerSources lists every layer, as plain OCI
# layers; two images tagged latest: the tag alone is ambiguous.
refused "tag 'latest' matches 2 images" "$A/docker25-two.tar:latest"
refused "tags: powercut/fixture:latest, powercut/two:latest" "$A/docker25-two.tar"
same_tree "$TMP/ref.m" "$A/docker25-two.tar:docker.io/powercut/fixture:latest"
echo "  docker25: LayerSources read; 'latest' of two images refused, naming both"

# Docker 27/28 (containerd store) save of a multi-platform image of which
# only linux/amd64 is there, with provenance attestations: manifest.json's
# image by default, the index by --platform; arm64 is listed but absent.
out=$(inspect "$A/docker-c8d.tar" --platform linux/amd64)
grep -q 'chosen: manifest sha256:[0-9a-f]* (linux/amd64), of 2 images (linux/amd64, linux/arm64), for --platform linux/amd64' <<<"$out" ||
	{ echo "$out" >&2; fail "docker-c8d: --platform linux/amd64 not chosen in the index, or an attestation counted as an image"; }
same_tree "$TMP/ref.m" "$A/docker-c8d.tar" --platform linux/amd64
same_tree "$TMP/ref.m" "$A/docker-c8d.tar:latest" --platform linux/amd64
same_tree "$TMP/ref.m" "$A/docker-c8d.tar:powercut/fixture:latest"
refused "(image manifest) is missing" "$A/docker-c8d.tar" --platform linux/arm64
refused "available: linux/amd64, linux/arm64 (choose with --platform); 2 attestation or artifact manifests skipped" \
	"$A/docker-c8d.tar" --platform linux/s390x
refused "no image for platform unknown/unknown" "$A/docker-c8d.tar" --platform unknown/unknown
echo "  docker-c8d: amd64 by default and by --platform, attestations skipped, absent arm64 and s390x refused"

# ctr images export: --all-platforms (arm64 there too), --platform
# linux/arm64 (amd64 listed, absent; manifest.json is arm64's),
# --skip-manifest-json (an OCI layout: the host's platform chooses).
same_tree "$TMP/ref-arm64.m" "$A/ctr-all.tar" --platform linux/arm64
same_tree "$TMP/ref-arm64.m" "$A/ctr-arm64.tar" --platform linux/arm64
grep -qx '  platform: linux/arm64/v8' <<<"$(inspect "$A/ctr-arm64.tar" --platform linux/arm64)" ||
	fail "ctr-arm64: inspect does not say linux/arm64/v8"
# manifest.json names another platform than this host's (an export for
# arm64, or made on an arm64 host): docker load would read it, a
# containerd-based runtime the host's image: without --platform, refused
# naming both.
if [ "$(uname -m)" = x86_64 ]; then
	for f in ctr-arm64 ctr-all-armhost; do
		refused "manifest.json's image is linux/arm64 (the platform it was exported for), but index.json lists a multi-platform image and this host is linux/amd64, whose image a containerd-based runtime would unpack: choose with --platform linux/arm64 or --platform linux/amd64" \
			"$A/$f.tar"
	done
fi
same_tree "$TMP/ref.m" "$A/ctr-all-armhost.tar" --platform linux/amd64
same_tree "$TMP/ref-arm64.m" "$A/ctr-all-armhost.tar" --platform linux/arm64
refused "(image manifest) is missing" "$A/ctr-arm64.tar" --platform linux/amd64
# named as in the archive, not by the temporary folder it was read into
refused ") is missing: no blobs/sha256/" "$A/ctr-arm64.tar" --platform linux/amd64
! grep -q "powercut-image\." "$TMP/err" || { cat "$TMP/err" >&2; fail "the missing blob is named by a temporary path"; }
refused "(image manifest) is missing" "$A/ctr-nomj.tar" --platform linux/arm64
same_tree "$TMP/ref.m" "$A/ctr-nomj.tar" --platform linux/amd64
# Docker 28 lists the image's referrers (a cosign signature) in index.json:
# not images, so neither a choice nor an ambiguity.
same_tree "$TMP/ref.m" "$A/docker-c8d-signed.tar" --platform linux/amd64
same_tree "$TMP/ref.m" "$A/ctr-nomj-signed.tar" --platform linux/amd64
refused "available: linux/amd64, linux/arm64 (choose with --platform); 3 attestation or artifact manifests skipped" \
	"$A/ctr-nomj-signed.tar" --platform linux/s390x
echo "  ctr export: --all-platforms, --platform and --skip-manifest-json read; absent platforms refused"

# buildkit type=oci and type=docker: image + attestation in one index: the attestation is
# never the image, even asked for by --platform.
for f in buildkit-oci buildkit-docker; do
	refused "no image for platform linux/arm64; available: linux/amd64 (choose with --platform); 1 attestation" \
		"$A/$f.tar" --platform linux/arm64
done
# type=oci,tar=false writes the same layout as a folder.
mkdir "$TMP/buildkit-oci-dir"
tar -xf "$A/buildkit-oci.tar" -C "$TMP/buildkit-oci-dir" || fail "cannot extract buildkit-oci.tar"
grep -qx 'kind: oci-layout' <<<"$(inspect "$TMP/buildkit-oci-dir")" || fail "buildkit type=oci,tar=false: not an OCI layout"
same_tree "$TMP/ref.m" "$TMP/buildkit-oci-dir"
same_tree "$TMP/ref.m" "$TMP/buildkit-oci-dir:latest" --platform linux/amd64
echo "  buildkit: the attestation manifest passed over; type=oci,tar=false read"

# nydusify --merge-platform: the entry needing os.features is not the
# host's image (containerd's matcher skips it), and is named as such.
refused "available: linux/amd64, linux/amd64 (os.features: nydus.remoteimage.v1) (choose with --platform)" \
	"$A/nydus-merged.tar" --platform linux/arm64
# A nydus image alone: its RAFS blob layers are no tar, refused by media
# type (read as a tar, it would be a tree of image/image.boot).
refused "layer 1 (sha256:" "$A/nydus-only.tar"
refused "has unknown media type application/vnd.oci.image.layer.nydus.blob.v1" "$A/nydus-only.tar"
refused "an image needing os.features is named by digest" "$A/nydus-only.tar" --platform linux/amd64
echo "  nydus --merge-platform: the OCI image read, the nydus one passed over; a nydus image alone refused"

# ctr export / docker save skipping a foreign layer's blob: refused. With
# manifest.json, that names the absent member; without, the OCI manifest
# says why (non-distributable).
refused "is missing" "$A/ctr-foreign.tar"
refused "layer 1 (sha256:" "$A/ctr-foreign-nomj.tar"
refused "is non-distributable (application/vnd.docker.image.rootfs.foreign.diff.tar.gzip): its content is not part of the image" \
	"$A/ctr-foreign-nomj.tar"
echo "  foreign layer skipped by the exporter: refused"

# go-containerregistry: image ID from the config's name; two images need a
# name; a foreign layer (LayerSources) is refused by name.
id=$(tar -xOf "$A/ggcr.tar" manifest.json | jq -r '.[0].Config')
[[ $id == sha256:* ]] || fail "ggcr.tar: the config is not named sha256:HEX"
same_tree "$TMP/ref.m" "$A/ggcr.tar:$id"
grep -qF "image ID $id" <<<"$(inspect "$A/ggcr.tar")" || fail "ggcr.tar: inspect does not give the image ID"
refused "holds 2 images; name one as" "$A/ggcr-two.tar"
refused "is non-distributable (LayerSources, application/vnd.docker.image.rootfs.foreign.diff.tar.gzip)" "$A/ggcr-foreign.tar"
# jib: several tags of one image; its OCI tar names the image by the full
# reference.
same_tree "$TMP/ref.m" "$A/jib-docker.tar:gcr.io/powercut/fixture:1.0"
same_tree "$TMP/ref.m" "$A/jib-oci.tar:gcr.io/powercut/fixture:latest"
echo "  ggcr: image ID, two images, foreign layer refused; jib: tags"

# One crash cycle per archive, ext4, syncfs, fuse.
run_scenario 0 "$SCEN"
n=$(jq '.cases | length' "$out/results.json")
[ "$n" -eq "${#ROWS[@]}" ] || fail "$n cases ran, expected ${#ROWS[@]}"
for row in "${ROWS[@]}"; do
	IFS='|' read -r name spec producer ref <<<"$row"
	id="$name/ext4/syncfs"
	[ "$(case_field "$out" "$id" .committed)" = true ] || fail "$id: commit record lost"
	[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$id: fsck not clean"
	[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$id: verdict not pass"
	[ "$(case_field "$out" "$id" .entries)" = "$(grep -vc '^#' "$TMP/$ref.m")" ] ||
		fail "$id: $(case_field "$out" "$id" .entries) entries, the expected tree has $(grep -vc '^#' "$TMP/$ref.m")"
done
echo "  crash cycle: ${#ROWS[@]} archives pass (fuse, ext4, syncfs), each with its expected tree's entries"
assert_no_leftovers
pass
