#!/usr/bin/env bash
# Image sources: an OCI layout (tags, platforms, nested index), an OCI layout
# in a tar, and docker-save archives (legacy and OCI-based), all built here
# from the sample layers by images/mkfixtures, must give the same manifest
# as the plain layer tarballs.  Corrupt and missing blobs and damaged metadata
# (a truncated index.json or manifest.json, a FIFO index.json) are input errors.
# The mtree rendering must agree with the manifest.  No root needed.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

make -s images/mkfixtures sample-image >/dev/null || fail "cannot build the fixtures"
[ -x "$POWERCUT" ] || fail "build powercut first (make)"
MK="$TOP/images/mkfixtures"
L1=images/sample/layer1.tar.gz L2=images/sample/layer2.tar.gz L3=images/sample/layer3.tar.zst

"$POWERCUT" manifest "$L1" "$L2" "$L3" -o "$TMP/plain" || fail "manifest of the plain layers"
"$POWERCUT" manifest "$L1" -o "$TMP/plain-first" || fail "manifest of the first layer"
[ "$(grep -vc '^#' "$TMP/plain")" -gt 100 ] || fail "the sample manifest is nearly empty"

same_as() { # EXPECTED WHAT SPEC... : the manifest of SPEC equals EXPECTED
	local expected=$1 what=$2
	shift 2
	"$POWERCUT" manifest "$@" -o "$TMP/got" || fail "$what: powercut manifest $* failed"
	cmp -s "$expected" "$TMP/got" || { diff "$expected" "$TMP/got" | head -5 >&2; fail "$what: manifest differs"; }
	echo "  $what: same manifest"
}

input_error() { # WHAT PATTERN SPEC... : exit 2 with PATTERN in the message
	local what=$1 pattern=$2 rc=0
	shift 2
	"$POWERCUT" manifest "$@" > /dev/null 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exited $rc, expected 2"
	grep -qE "$pattern" "$TMP/err" || { cat "$TMP/err" >&2; fail "$what: message lacks '$pattern'"; }
	echo "  $what: $(head -1 "$TMP/err")"
}

echo "OCI layout"
"$MK" oci "$TMP/oci" "$L1" "$L2" "$L3" > /dev/null
same_as "$TMP/plain" "DIR:latest" "$TMP/oci:latest"
same_as "$TMP/plain" "DIR:multi, host platform" "$TMP/oci:multi"
same_as "$TMP/plain" "DIR:multi --platform linux/amd64" "$TMP/oci:multi" --platform linux/amd64
same_as "$TMP/plain-first" "DIR:multi --platform linux/arm64 (nested index)" "$TMP/oci:multi" --platform linux/arm64
same_as "$TMP/plain-first" "DIR:multi --platform linux/arm64/v8" "$TMP/oci:multi" --platform linux/arm64/v8
input_error "no tag, two images" "tags: latest, multi" "$TMP/oci"
input_error "unknown tag" "no image tagged 'nope'.*latest" "$TMP/oci:nope"
input_error "unknown platform" "linux/s390x.*linux/amd64, linux/arm64" "$TMP/oci:multi" --platform linux/s390x
input_error "bad platform" "bad platform" "$TMP/oci:multi" --platform linux
# skopeo copy --format v2s1 dir: (buildah push too): fsLayers, newest
# first, no config: refused by name, never read as another schema.
mkdir "$TMP/v2s1"
printf 'Directory Transport Version: 1.1\n' > "$TMP/v2s1/version"
printf '{"schemaVersion":1,"name":"a/b","tag":"c","architecture":"amd64","fsLayers":[{"blobSum":"sha256:%064d"}],"history":[{"v1Compatibility":"{}"}]}' 0 > "$TMP/v2s1/manifest.json"
input_error "skopeo dir: with a schema 1 manifest" "Docker schema 1 manifest" "$TMP/v2s1"

"$POWERCUT" inspect "$TMP/oci:latest" > "$TMP/inspect" || fail "inspect of the OCI layout"
grep -q '^kind: oci-layout$' "$TMP/inspect" || fail "inspect: kind is not oci-layout"
for blob in $(grep -oE 'sha256:[0-9a-f]{64}' "$TMP/inspect"); do
	f="$TMP/oci/blobs/sha256/${blob#sha256:}"
	[ -f "$f" ] || fail "inspect names $blob, not in the layout"
	[ "$(sha256sum < "$f" | cut -d' ' -f1)" = "${blob#sha256:}" ] || fail "inspect: $blob is wrong"
done
[ "$(grep -cE '^[0-9]+ +sha256:' "$TMP/inspect")" -eq 3 ] || fail "inspect: expected 3 layer lines"
entries=$(awk '/^total:/ { print $2 }' "$TMP/inspect")
[ "$entries" -gt 100 ] || fail "inspect: total entries $entries"
echo "  inspect: 3 layers, digests match the blobs, $entries entries"
# Which image of an index was read, and what chose it, is said.
out=$("$POWERCUT" inspect "$TMP/oci:multi" --platform linux/arm64)
grep -qE '^  chosen: manifest sha256:[0-9a-f]{64} \(linux/arm64\), of 2 images \(linux/amd64, linux/arm64\), for --platform linux/arm64$' <<<"$out" ||
	{ echo "$out" >&2; fail "inspect: no chosen line for --platform linux/arm64"; }
out=$("$POWERCUT" inspect "$TMP/oci:multi")
grep -qE "^  chosen: .*, of 2 images .*, for the host's platform linux/" <<<"$out" ||
	{ echo "$out" >&2; fail "inspect: no chosen line naming the host's platform"; }
echo "  inspect: the chosen image and what chose it (--platform, the host's platform)"

# A layer the unpack refuses (a GNU tar volume header, type V: libarchive
# skips it, the runtimes do not read it) is refused by inspect too, never
# listed as a fine layer.
mkdir "$TMP/vol"
echo hi >"$TMP/vol/f"
tar --label=VOLUME -cf "$TMP/vol.tar" -C "$TMP/vol" f
rc=0
"$POWERCUT" inspect "$TMP/vol.tar" >"$TMP/inspect" 2>"$TMP/inspect.err" || rc=$?
[ "$rc" -eq 2 ] || fail "inspect of a layer with a volume header exited $rc, expected 2"
grep -q "entry f: a tar header of type 'V'" "$TMP/inspect.err" || { cat "$TMP/inspect.err"; fail "inspect: no reason"; }
! grep -q '^total:' "$TMP/inspect" || fail "inspect printed a total for a refused layer"

echo "OCI layout in a tar"
tar -C "$TMP/oci" -cf "$TMP/oci-archive.tar" .
same_as "$TMP/plain" "oci-archive:latest" "$TMP/oci-archive.tar:latest"

echo "damaged OCI layouts"
layer=$(jq -r '.manifests[0].digest' "$TMP/oci/index.json")
layer_blob=$(jq -r '.layers[1].digest' "$TMP/oci/blobs/sha256/${layer#sha256:}")
cp -a "$TMP/oci" "$TMP/bad"
f="$TMP/bad/blobs/sha256/${layer_blob#sha256:}"
printf '\x00' | dd of="$f" bs=1 seek=100 count=1 conv=notrunc status=none
input_error "flipped byte in a layer blob" "${layer_blob#sha256:}.*does not match its digest" "$TMP/bad:latest"
rm "$f"
input_error "missing layer blob" "${layer_blob#sha256:}.*missing" "$TMP/bad:latest"
rm -rf "$TMP/bad"
cp -a "$TMP/oci" "$TMP/bad"
echo '{"schemaVersion": 2, "manifests": [' > "$TMP/bad/index.json"
input_error "truncated index.json" "index.json:[0-9]+:[0-9]+: bad JSON" "$TMP/bad"
# The same layout in a tar was read as ONE layer (its blobs the files).
tar -C "$TMP/bad" -cf "$TMP/bad.tar" .
input_error "oci-archive, truncated index.json" "blobs/ALG/HEX members.*name it as layer:" "$TMP/bad.tar"
# A FIFO as index.json hung the reader.
rm "$TMP/bad/index.json" && mkfifo "$TMP/bad/index.json"
timeout 20 "$POWERCUT" manifest "$TMP/bad" > /dev/null 2> "$TMP/err" && fail "FIFO index.json read"
grep -q "index.json: not a regular file" "$TMP/err" || { cat "$TMP/err" >&2; fail "FIFO index.json: no reason"; }
echo "  FIFO index.json: $(head -1 "$TMP/err")"
rm "$TMP/bad/oci-layout"
input_error "no oci-layout" "neither an OCI image layout" "$TMP/bad"
rm -rf "$TMP/bad"

echo "docker-save archives"
"$MK" docker-save "$TMP/legacy.tar" "$L1" "$L2" "$L3" > /dev/null
"$MK" docker-save-oci "$TMP/oci-based.tar" "$L1" "$L2" "$L3" > /dev/null
same_as "$TMP/plain" "legacy" "$TMP/legacy.tar"
same_as "$TMP/plain" "legacy, by tag" "$TMP/legacy.tar:powercut/fixture:latest"
same_as "$TMP/plain" "OCI-based" "$TMP/oci-based.tar"
same_as "$TMP/plain" "OCI-based, by tag" "$TMP/oci-based.tar:latest"
input_error "legacy, unknown tag" "no image tagged 'nope'.*powercut/fixture:latest" "$TMP/legacy.tar:nope"
# Outputs are captured before grep -q looks at them: grep -q exits at the
# first match, and under pipefail the writer's SIGPIPE would fail the test.
out=$("$POWERCUT" inspect "$TMP/legacy.tar")
grep -q '^kind: docker-archive$' <<<"$out" || fail "inspect: legacy kind"
grep -q '^  producer: docker-save legacy$' <<<"$out" || fail "inspect: legacy producer"
# A repeated layer is stored once and linked, as docker save does.
"$MK" docker-save "$TMP/repeat.tar" "$L1" "$L2" "$L1" > /dev/null
out=$(tar -tvf "$TMP/repeat.tar")
grep -q '^l.*layer.tar -> ../' <<<"$out" || fail "no symlinked layer.tar in the fixture"
"$POWERCUT" manifest "$L1" "$L2" "$L1" -o "$TMP/plain-repeat"
same_as "$TMP/plain-repeat" "legacy, repeated layer (symlinked member)" "$TMP/repeat.tar"
# A corrupt layer in the legacy archive: its diff_id no longer matches.
mkdir "$TMP/ds" && tar -C "$TMP/ds" -xf "$TMP/legacy.tar"
lt=$(jq -r '.[0].Layers[0]' "$TMP/ds/manifest.json")
printf '\x01' | dd of="$TMP/ds/$lt" bs=1 seek=600 count=1 conv=notrunc status=none
tar -C "$TMP/ds" -cf "$TMP/legacy-bad.tar" .
input_error "legacy, corrupt layer" "layer 1.*does not match its digest" "$TMP/legacy-bad.tar"
# manifest.json cut short, or gone with repositories left (a docker save
# from before Docker 1.10): read as ONE layer before, now refused.
tar -C "$TMP/ds" -xf "$TMP/legacy.tar"
head -c 60 "$TMP/ds/manifest.json" > "$TMP/m" && mv "$TMP/m" "$TMP/ds/manifest.json"
tar -C "$TMP/ds" -cf "$TMP/legacy-bad.tar" .
input_error "legacy, truncated manifest.json" "manifest.json is not JSON.*name it as layer:" "$TMP/legacy-bad.tar"
rm "$TMP/ds/manifest.json" && echo '{"powercut/fixture":{"latest":"x"}}' > "$TMP/ds/repositories"
tar -C "$TMP/ds" -cf "$TMP/legacy-bad.tar" .
input_error "docker save before 1.10 (repositories only)" "before Docker 1.10" "$TMP/legacy-bad.tar"

echo "paths that are not images (issue 13 #6, #7)"
# A FIFO would block a reader forever and /dev/zero reads as an empty
# image: both are refused (exit 2) before anything opens them.  timeout
# turns a hang into a failure (exit 124) instead of a stuck test.
mkfifo "$TMP/fifo"
odd_path() { # WHAT PATTERN COMMAND...
	local what=$1 pattern=$2 rc=0
	shift 2
	timeout 20 "$@" > /dev/null 2> "$TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exited $rc, expected 2"
	grep -qE "$pattern" "$TMP/err" || { cat "$TMP/err" >&2; fail "$what: message lacks '$pattern'"; }
	echo "  $what: $(head -1 "$TMP/err")"
}
odd_path "inspect FIFO" "FIFO" "$POWERCUT" inspect "$TMP/fifo"
odd_path "manifest FIFO:TAG" "FIFO" "$POWERCUT" manifest "$TMP/fifo:latest"
odd_path "inspect /dev/zero" "character device" "$POWERCUT" inspect /dev/zero
odd_path "manifest layer:/dev/zero" "character device" "$POWERCUT" manifest layer:/dev/zero
for spec in /dev/zero "$TMP/fifo"; do
	printf '[global]\nimage = %s\nfs = ext4\nmodes = syncfs\n[g]\n' "$spec" > "$TMP/odd.ini"
	odd_path "scenario image = $spec (--list)" "odd.ini:2: image: .*(character device|FIFO)" \
		"$POWERCUT" run --list "$TMP/odd.ini"
	odd_path "scenario image = $spec (run)" "odd.ini:2: image" \
		"$POWERCUT" run "$TMP/odd.ini" -o "$TMP/odd-out" --workdir "$TMP"
	[ ! -e "$TMP/odd-out" ] || fail "a refused scenario made its results folder"
done

echo "real producers (tests/producers, see its README)"
P=tests/producers
which_is() { # WANT WHAT SPEC [--platform P]: the image's file "which" holds WANT
	local want=$1 what=$2
	shift 2
	"$POWERCUT" manifest "$@" -o "$TMP/got" || fail "$what: powercut manifest $* failed"
	local digest
	digest=$(printf '%s\n' "$want" | sha256sum | cut -d' ' -f1)
	grep -q "^which type=reg .*sha256=$digest" "$TMP/got" || fail "$what: not the image holding '$want'"
	echo "  $what: $want"
}
which_is a "docker save, two images, by tag" "$P/docker-save-two.tar.gz:tiny/a:1"
which_is b "docker save, two images, by full reference" "$P/docker-save-two.tar.gz:docker.io/tiny/b:1"
input_error "docker save, two images, no tag" "holds 2 images.*tiny/a:1, tiny/b:1" "$P/docker-save-two.tar.gz"
# ctr export --skip-manifest-json: "RepoTags": null, the names in index.json.
which_is a "ctr export --skip-manifest-json, by short name" "$P/ctr-export-two-nomj.tar.gz:tiny/a:1"
which_is b "ctr export --skip-manifest-json, by containerd's name" "$P/ctr-export-two-nomj.tar.gz:docker.io/tiny/b:1"
grep -q '^a-only ' "$TMP/got" && fail "tiny/b:1 has tiny/a:1's a-only"
input_error "ctr export --skip-manifest-json, no tag" "holds 2 images.*docker.io/tiny/a:1, docker.io/tiny/b:1" \
	"$P/ctr-export-two-nomj.tar.gz"
"$POWERCUT" inspect "$P/ctr-export-two-nomj.tar.gz:tiny/a:1" | grep -q 'chosen: manifest.json image 1 of 2: docker.io/tiny/a:1' ||
	fail "inspect does not say which image of the archive it read"
# ctr export --all-platforms: manifest.json is linux/amd64's, index.json lists both.
which_is a "ctr export --all-platforms, no --platform" "$P/ctr-export-multiplatform.tar.gz"
which_is a "ctr export --all-platforms, linux/amd64" "$P/ctr-export-multiplatform.tar.gz" --platform linux/amd64
which_is arm64 "ctr export --all-platforms, linux/arm64" "$P/ctr-export-multiplatform.tar.gz:tiny/mp:1" --platform linux/arm64
input_error "ctr export --all-platforms, linux/s390x" "no image for platform linux/s390x" \
	"$P/ctr-export-multiplatform.tar.gz" --platform linux/s390x

echo "damaged compression, named"
# A body the decompressor fails in (junk after a gzip stream read ahead of
# a 3 MiB file): the decompressor's reason, not libarchive's "Truncated
# input file", which the tar reader set over it.
mkdir "$TMP/dmg"
head -c $((3 << 20)) /dev/zero > "$TMP/dmg/zeros"
tar -C "$TMP/dmg" -cf "$TMP/dmg/z.tar" zeros
gzip -c "$TMP/dmg/z.tar" > "$TMP/dmg/junk.tar.gz"
echo junk >> "$TMP/dmg/junk.tar.gz"
input_error "gzip, junk after its stream" "data after the end of the compressed stream" "$TMP/dmg/junk.tar.gz"
gzip -c "$TMP/dmg/z.tar" | head -c 2000 > "$TMP/dmg/cut.tar.gz"
input_error "gzip, cut short" "compressed stream is truncated" "$TMP/dmg/cut.tar.gz"
# Zero bytes after the last gzip member (bsdtar -czf - pads what it
# writes to a pipe to 10240 bytes): read, the same tree as without them.
{ gzip -c "$TMP/dmg/z.tar"; head -c 3000 /dev/zero; } > "$TMP/dmg/zpad.tar.gz"
"$POWERCUT" manifest "$TMP/dmg/zpad.tar.gz" > "$TMP/dmg/zpad.m" || fail "gzip + zero padding: refused"
"$POWERCUT" manifest "$TMP/dmg/z.tar" > "$TMP/dmg/z.m" || fail "manifest z.tar"
cmp -s "$TMP/dmg/zpad.m" "$TMP/dmg/z.m" || fail "gzip + zero padding: another manifest than the plain tar's"
# The same damage after 8 MiB of zeros past the tar's end (read ahead of
# the tar's end were 4 MiB: such a stream was read), and bytes after a
# bzip2 stream (libarchive's reader ignores them, Go's fails on them).
{ cat "$TMP/dmg/z.tar"; head -c $((8 << 20)) /dev/zero; } | xz -c > "$TMP/dmg/padded.tar.xz"
truncate -s -8 "$TMP/dmg/padded.tar.xz"
input_error "xz, cut short 8 MiB after the tar's end" "after the tar's end: xz: " "$TMP/dmg/padded.tar.xz"
bzip2 -c "$TMP/dmg/z.tar" > "$TMP/dmg/junk.tar.bz2"
echo junk >> "$TMP/dmg/junk.tar.bz2"
input_error "bzip2, junk after its stream" "bytes follow the end of the bzip2 stream" "$TMP/dmg/junk.tar.bz2"
# A compression no runtime decompresses (libarchive does): refused by name.
xz --format=lzma -c "$TMP/dmg/z.tar" > "$TMP/dmg/z.tar.lzma"
input_error "lzma" "compressed with lzma, which no container runtime decompresses" "$TMP/dmg/z.tar.lzma"

echo "mtree rendering"
"$POWERCUT" manifest --mtree "$L1" "$L2" "$L3" -o "$TMP/sample.mtree" || fail "manifest --mtree"
head -1 "$TMP/sample.mtree" | grep -q '^#mtree' || fail "mtree: no #mtree header"
# Every regular file with a plain name has the manifest's sha256 in the
# mtree spec, hardlinked ones included (they are fed their source's data).
# One awk joins the two (a grep of the spec per file took seconds).
counts=$(awk 'NR == FNR {
	if ($1 !~ /^\.\//) next
	p = substr($1, 3); d = ""
	for (i = 2; i <= NF; i++) if ($i ~ /^sha256digest=/) d = d (d == "" ? "" : " ") substr($i, 14)
	if (p in got) got[p] = got[p] " " d
	else got[p] = d
	next
}
/ type=reg / && $1 ~ /^[A-Za-z0-9._\/-]+$/ {
	d = ""; g = "-"
	for (i = 2; i <= NF; i++) {
		if ($i ~ /^sha256=/) d = substr($i, 8)
		if ($i ~ /^nlink-group=/) g = substr($i, 13)
	}
	if (g == "-" && FNR % 7 != 0) next
	if (got[$1] != d) {
		printf "mtree: %s has sha256 \x27%s\x27, manifest says %s\n", $1, got[$1], d > "/dev/stderr"
		bad = 1
		exit
	}
	checked++
	if (g != "-") linked++
}
END { if (bad) exit 1; print checked + 0, linked + 0 }' "$TMP/sample.mtree" "$TMP/plain") || fail "mtree: a digest disagrees with the manifest"
read -r checked linked <<<"$counts"
[ "$linked" -ge 2 ] || fail "mtree: no hardlinked files compared"
[ "$checked" -gt 50 ] || fail "mtree: only $checked files compared"
echo "  mtree: $checked digests agree ($linked hardlinked)"

pass
