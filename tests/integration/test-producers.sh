#!/usr/bin/env bash
# Image producers (issue 8): one small image (images/mkfixtures producers)
# laid out as an OCI layout by the project's generator, then written by the
# tools people use:
#   skopeo copy -> oci: (gzip, zstd, zstd:chunked), oci-archive:,
#                  docker-archive: (what podman save writes), dir: (as is,
#                  decompressed, and a manifest list copied with --all);
#   mkfixtures  -> legacy docker save and Docker 25+ docker save (built by
#                  hand in the documented formats: there is no docker engine
#                  here), and an OCI layout whose middle layer is eStargz
#                  (TOC, landmark, footer; skopeo 1.9 cannot write it);
#   umoci insert -> a fourth layer that ends right after its file's data
#                  (umoci 0.4 never closed its tar writer);
#   umoci unpack -> the ground truth rootfs; for the eStargz image, umoci's
#                  unpack of it (a whole-layer unpacker, as containerd's
#                  and Docker's are: the TOC and landmark are files).
# For each: `inspect` names the right kind, producer and layer count,
# `manifest` of the image verifies umoci's rootfs as intact, and one crash
# cycle (ext4, syncfs) passes.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

for tool in skopeo umoci jq; do
	command -v "$tool" > /dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
make -s images/mkfixtures > /dev/null || fail "cannot build images/mkfixtures"
[ -x "$POWERCUT" ] || fail "build powercut first (make)"
MK="$TOP/images/mkfixtures"

"$MK" producers "$TMP/layers" > /dev/null
L=("$TMP/layers/layer1.tar" "$TMP/layers/layer2.tar.gz" "$TMP/layers/layer3.tar.zst")
"$MK" oci "$TMP/oci" "${L[@]}" > /dev/null

# flat_index OCI: a tag "flat" in OCI's index.json: an image index listing
# the linux/amd64 image of tag multi and the linux/arm64/v8 image of its
# nested index side by side (skopeo copy --all cannot copy nested indexes).
flat_index() {
	local oci=$1 multi nested arm idx hex
	multi=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "multi") | .digest' "$oci/index.json")
	multi=$(cat "$oci/blobs/sha256/${multi#sha256:}")
	nested=$(jq -r '.manifests[] | select(.mediaType == "application/vnd.oci.image.index.v1+json") | .digest' <<<"$multi")
	arm=$(jq -c '.manifests[0]' "$oci/blobs/sha256/${nested#sha256:}")
	idx=$(jq -c --argjson arm "$arm" '{schemaVersion: 2, mediaType: .mediaType,
		manifests: [(.manifests[] | select(.mediaType != "application/vnd.oci.image.index.v1+json")), $arm]}' <<<"$multi")
	printf '%s' "$idx" > "$oci/flat.json"
	hex=$(sha256sum < "$oci/flat.json" | cut -d' ' -f1)
	mv "$oci/flat.json" "$oci/blobs/sha256/$hex"
	jq --arg d "sha256:$hex" --argjson s "${#idx}" '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json",
		digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "flat"}}]' "$oci/index.json" > "$oci/index.json.new"
	mv "$oci/index.json.new" "$oci/index.json"
}

sk() { skopeo --insecure-policy copy -q "$@" > /dev/null 2> "$TMP/skopeo.err" ||
	{ cat "$TMP/skopeo.err" >&2; fail "skopeo copy $*"; }; }
sk --dest-compress --dest-compress-format gzip oci:"$TMP/oci":latest oci:"$TMP/gzip":latest
sk --dest-compress --dest-compress-format zstd oci:"$TMP/oci":latest oci:"$TMP/zstd":latest
sk --dest-compress --dest-compress-format zstd:chunked oci:"$TMP/oci":latest oci:"$TMP/chunked":latest
sk oci:"$TMP/oci":latest oci-archive:"$TMP/image.oci.tar":latest
# docker-archive cannot hold zstd layers: copy from the gzip layout.
sk oci:"$TMP/gzip":latest docker-archive:"$TMP/image.docker.tar":powercut/fixture:latest
sk oci:"$TMP/oci":latest dir:"$TMP/dir"
sk --dest-decompress oci:"$TMP/oci":latest dir:"$TMP/dir-plain"
cp -a "$TMP/oci" "$TMP/oci-flat"
flat_index "$TMP/oci-flat"
sk --all oci:"$TMP/oci-flat":flat dir:"$TMP/dir-all"
"$MK" docker-save "$TMP/legacy.tar" "${L[@]}" > /dev/null
"$MK" docker-save-oci "$TMP/docker25.tar" "${L[@]}" > /dev/null
"$MK" estargz "$TMP/layer2.esgz.tar.gz" "${L[1]}" > /dev/null
"$MK" oci "$TMP/estargz" "${L[0]}" "$TMP/layer2.esgz.tar.gz" "${L[2]}" > /dev/null

# Ground truth: umoci (0.4) reads gzip layers only.
umoci unpack --image "$TMP/gzip":latest "$TMP/bundle" > /dev/null 2> "$TMP/umoci.err" ||
	{ cat "$TMP/umoci.err" >&2; fail "umoci unpack"; }
ROOTFS="$TMP/bundle/rootfs"
[ -f "$ROOTFS/opt/app/server" ] || fail "umoci's rootfs lacks opt/app/server"
# The eStargz image's ground truth: its layout with the plain and zstd
# layers gzipped (skopeo keeps the gzip eStargz blob as it is), unpacked by
# umoci, which writes the TOC and the landmark as the files they are.
sk --dest-compress --dest-compress-format gzip oci:"$TMP/estargz":latest oci:"$TMP/estargz-gz":latest
umoci unpack --image "$TMP/estargz-gz":latest "$TMP/bundle-esgz" > /dev/null 2> "$TMP/umoci.err" ||
	{ cat "$TMP/umoci.err" >&2; fail "umoci unpack (eStargz)"; }
[ -f "$TMP/bundle-esgz/rootfs/stargz.index.json" ] && [ -f "$TMP/bundle-esgz/rootfs/.no.prefetch.landmark" ] ||
	fail "umoci's unpack of the eStargz image has no stargz.index.json or .no.prefetch.landmark"

# umoci insert (umoci before 0.5.0: Debian 12 has 0.4.7) never closed its
# tar writer: the layer ends right after its last file's data, without the
# padding and the two zero blocks.  Go's archive/tar (containerd, Docker,
# podman, umoci) takes that as the end; libarchive alone called it
# truncated, so powercut refused an image the runtimes unpack.
mkdir "$TMP/ins"
printf 'inserted by umoci\n' > "$TMP/ins/file"
umoci insert --image "$TMP/gzip":latest --tag insert "$TMP/ins/file" /opt/app/inserted > /dev/null 2> "$TMP/umoci.err" ||
	{ cat "$TMP/umoci.err" >&2; fail "umoci insert"; }
ins=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "insert") | .digest' "$TMP/gzip/index.json")
ins=$(jq -r '.layers[-1].digest' "$TMP/gzip/blobs/sha256/${ins#sha256:}")
[ $(($(zcat "$TMP/gzip/blobs/sha256/${ins#sha256:}" | wc -c) % 512)) -ne 0 ] ||
	fail "umoci insert's layer ends on a tar block: this umoci closes its writer, the test would prove nothing"
umoci unpack --image "$TMP/gzip":insert "$TMP/bundle-ins" > /dev/null 2> "$TMP/umoci.err" ||
	{ cat "$TMP/umoci.err" >&2; fail "umoci unpack (insert)"; }
[ -f "$TMP/bundle-ins/rootfs/opt/app/inserted" ] || fail "umoci's unpack of the insert image lacks opt/app/inserted"

# name | spec | kind | producer | layers [| ground truth, default umoci's rootfs]
PRODUCERS=(
	"layers|${L[*]}|layer|layer tarball|3"
	"oci-layout|$TMP/oci:latest|oci-layout|oci-layout|3"
	"oci-multi|$TMP/oci:multi|oci-layout|oci-layout|3"
	"oci-gzip|$TMP/gzip:latest|oci-layout|oci-layout|3"
	"oci-zstd|$TMP/zstd:latest|oci-layout|oci-layout|3"
	"oci-zstd-chunked|$TMP/chunked:latest|oci-layout|oci-layout|3"
	"oci-archive|$TMP/image.oci.tar:latest|oci-archive|oci-archive|3"
	"docker-archive|$TMP/image.docker.tar|docker-archive|docker-archive (skopeo/podman)|3"
	"skopeo-dir|$TMP/dir|skopeo-dir|skopeo dir:|3"
	"skopeo-dir-plain|$TMP/dir-plain|skopeo-dir|skopeo dir:|3"
	"skopeo-dir-all|$TMP/dir-all|skopeo-dir|skopeo dir:|3"
	"docker-save-legacy|$TMP/legacy.tar|docker-archive|docker-save legacy|3"
	"docker-save-25|$TMP/docker25.tar|docker-archive|docker-save (Docker 25+, OCI layout inside)|3"
	"oci-estargz|$TMP/estargz:latest|oci-layout|oci-layout|3|$TMP/bundle-esgz/rootfs"
	"umoci-insert|$TMP/gzip:insert|oci-layout|oci-layout|4|$TMP/bundle-ins/rootfs"
)

SCEN="$TMP/producers.ini"
printf '[global]\ndevice_size = auto\nfs = ext4\nmodes = syncfs\n' > "$SCEN"
for row in "${PRODUCERS[@]}"; do
	IFS='|' read -r name spec kind producer nlayers truth <<<"$row"
	read -ra specs <<<"$spec"
	out=$("$POWERCUT" inspect "${specs[@]}" 2> "$TMP/err") || { cat "$TMP/err" >&2; fail "$name: inspect failed"; }
	grep -qx "kind: $kind" <<<"$out" || { echo "$out" >&2; fail "$name: kind is not $kind"; }
	grep -qxF "  producer: $producer" <<<"$out" || { echo "$out" >&2; fail "$name: producer is not '$producer'"; }
	grep -qx "layers: $nlayers" <<<"$out" || { echo "$out" >&2; fail "$name: not $nlayers layers"; }
	"$POWERCUT" manifest "${specs[@]}" -o "$TMP/m.$name" 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "$name: manifest failed"; }
	"$POWERCUT" verify "$TMP/m.$name" "${truth:-$ROOTFS}" > "$TMP/v.$name" 2>&1 ||
		{ cat "$TMP/v.$name" >&2; fail "$name: umoci's rootfs is not intact against the manifest"; }
	grep -q '^summary: intact' "$TMP/v.$name" || fail "$name: verify did not say intact"
	printf '[%s]\nimage = %s\n' "$name" "$spec" >> "$SCEN"
	echo "  $name: $kind, $producer, $nlayers layers; umoci's rootfs intact"
done

# What inspect says of the layer formats.
out=$("$POWERCUT" inspect "$TMP/chunked:latest")
[ "$(grep -c '+zstd:chunked ' <<<"$out")" -eq 3 ] || { echo "$out" >&2; fail "zstd:chunked layers not named"; }
out=$("$POWERCUT" inspect "$TMP/dir-plain")
[ "$(grep -cE '^[0-9]+ +sha256:[0-9a-f]+ .* none +application/vnd.oci.image.layer.v1.tar ' <<<"$out")" -eq 3 ] ||
	{ echo "$out" >&2; fail "dir: --dest-decompress: not 3 uncompressed layers"; }
grep -qx '  platform: linux/amd64' <<<"$out" || fail "inspect: no platform"
out=$("$POWERCUT" inspect "$TMP/estargz:latest")
grep -qE '^2 .* gzip\+estargz ' <<<"$out" || { echo "$out" >&2; fail "the eStargz layer is not named"; }
zcat "$TMP/layer2.esgz.tar.gz" | tar -t 2> /dev/null | grep -qx stargz.index.json ||
	fail "the eStargz fixture has no TOC entry: the test would prove nothing"
# Its TOC and landmark are files of the tree (containerd, Docker and umoci
# write them): the manifest is the plain one plus these two.
diff <(grep -v '^#' "$TMP/m.oci-layout" | cut -d' ' -f1) <(grep -v '^#' "$TMP/m.oci-estargz" | cut -d' ' -f1) |
	grep '^[<>]' | sort > "$TMP/esgz.diff" || true
printf '> .no.prefetch.landmark\n> stargz.index.json\n' | cmp -s - "$TMP/esgz.diff" ||
	{ cat "$TMP/esgz.diff" >&2; fail "eStargz: the manifest is not the plain one plus the TOC and the landmark"; }
echo "  inspect: zstd:chunked, eStargz and uncompressed layers named, platform linux/amd64; eStargz TOC and landmark are files"

# A tag as users write it: skopeo records docker.io/powercut/fixture:latest.
for t in powercut/fixture powercut/fixture:latest docker.io/powercut/fixture:latest latest; do
	"$POWERCUT" inspect "$TMP/image.docker.tar:$t" > /dev/null 2> "$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "docker-archive: tag '$t' not found"; }
done
rc=0
"$POWERCUT" inspect "$TMP/image.docker.tar:other/fixture" > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "docker-archive: a tag it does not hold: exit $rc, expected 2"
echo "  docker-archive: its tag found by short name, full name and tag; another one refused"

# skopeo copy --all to dir: keeps a manifest list, its images as
# HEX.manifest.json: --platform chooses, as in an OCI layout.
out=$("$POWERCUT" inspect "$TMP/dir-all" --platform linux/arm64 2> "$TMP/err") || { cat "$TMP/err" >&2; fail "dir: --all, linux/arm64: inspect failed"; }
grep -qx 'layers: 1' <<<"$out" && grep -qx '  platform: linux/arm64/v8' <<<"$out" ||
	{ echo "$out" >&2; fail "dir: --all: --platform linux/arm64 is not the 1-layer arm64 image"; }
rc=0
"$POWERCUT" inspect "$TMP/dir-all" --platform linux/s390x > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "dir: --all: a platform it does not hold: exit $rc, expected 2"
echo "  skopeo dir: --all: the host's image by default, linux/arm64 by --platform, s390x refused"

# The check can fail: the arm64 image of the nested index has only the
# first layer, so umoci's rootfs is not intact against it.
"$POWERCUT" manifest "$TMP/oci:multi" --platform linux/arm64 -o "$TMP/m.arm64" 2> /dev/null
rc=0
"$POWERCUT" verify "$TMP/m.arm64" "$ROOTFS" > "$TMP/v.arm64" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "verify of the arm64 manifest against the amd64 rootfs exited $rc, expected 1"
echo "  arm64 (nested index, 1 layer) against the amd64 rootfs: not intact, as it must be"

# umoci repack stores an ACL raw, as SCHILY.xattr.system.posix_acl_access:
# applied as the runtimes (and umoci unpack) apply it, not refused.
# user::rwx user:1234:rw- group::r-x mask::rwx other::r-x on the 0755 server.
umoci unpack --image "$TMP/gzip":latest "$TMP/acl-bundle" > /dev/null 2>&1 || fail "umoci unpack (acl)"
setfattr -n system.posix_acl_access -v 0x0200000001000700ffffffff02000600d204000004000500ffffffff10000700ffffffff20000500ffffffff \
	"$TMP/acl-bundle/rootfs/opt/app/server"
umoci repack --image "$TMP/gzip":acl "$TMP/acl-bundle" > /dev/null 2>&1 || fail "umoci repack (acl)"
umoci unpack --image "$TMP/gzip":acl "$TMP/acl-truth" > /dev/null 2>&1 || fail "umoci unpack of the ACL image"
"$POWERCUT" manifest "$TMP/gzip:acl" -o "$TMP/m.acl" 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "umoci ACL image: manifest failed"; }
grep -q '^opt/app/server .*xattr.system.posix_acl_access=0200' "$TMP/m.acl" || fail "umoci ACL image: the manifest has no ACL"
"$POWERCUT" verify "$TMP/m.acl" "$TMP/acl-truth/rootfs" > "$TMP/v.acl" 2>&1 ||
	{ cat "$TMP/v.acl" >&2; fail "umoci ACL image: umoci's rootfs is not intact against the manifest"; }
mkdir "$TMP/acl-unpacked"
"$POWERCUT" unpack "$TMP/gzip:acl" "$TMP/acl-unpacked" > /dev/null 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "umoci ACL image: unpack failed"; }
"$POWERCUT" verify "$TMP/m.acl" "$TMP/acl-unpacked" > "$TMP/v.acl" 2>&1 ||
	{ cat "$TMP/v.acl" >&2; fail "umoci ACL image: powercut's unpack is not intact"; }
echo "  umoci ACL (raw system.posix_acl_access): applied, umoci's rootfs and powercut's unpack intact"

# One crash cycle per producer, ext4, syncfs.
run_scenario 0 "$SCEN"
n=$(jq '.cases | length' "$out/results.json")
[ "$n" -eq "${#PRODUCERS[@]}" ] || fail "$n cases ran, expected ${#PRODUCERS[@]}"
entries=$(jq -r '[.cases[] | select(.id != "oci-estargz/ext4/syncfs" and .id != "umoci-insert/ext4/syncfs") | .entries] | unique | join(",")' "$out/results.json")
[ "$(grep -vc '^#' "$TMP/m.oci-layout")" = "$entries" ] ||
	fail "cases saw $entries entries, the manifest has $(grep -vc '^#' "$TMP/m.oci-layout")"
[ "$(case_field "$out" oci-estargz/ext4/syncfs .entries)" = "$(grep -vc '^#' "$TMP/m.oci-estargz")" ] ||
	fail "the eStargz case did not see its manifest's entries (the TOC and landmark included)"
[ "$(case_field "$out" umoci-insert/ext4/syncfs .entries)" = "$(grep -vc '^#' "$TMP/m.umoci-insert")" ] ||
	fail "the umoci insert case did not see its manifest's entries"
for row in "${PRODUCERS[@]}"; do
	id="${row%%|*}/ext4/syncfs"
	[ "$(case_field "$out" "$id" .committed)" = true ] || fail "$id: commit record lost"
	[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$id: fsck not clean"
	[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$id: verdict not pass"
done
echo "  crash cycle: ${#PRODUCERS[@]} producers pass (ext4, syncfs, $entries entries each)"
assert_no_leftovers
pass
