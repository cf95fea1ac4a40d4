#!/usr/bin/env bash
# A file whose path is 5,038 bytes (more than PATH_MAX, as a tar may hold):
# `powercut unpack` writes it, `powercut verify` finds the tree intact and
# still sees one changed byte of it; the same with the folders past PATH_MAX
# made below a set-group-ID folder and below a default ACL (they take its
# group, or ACLs, set through folder descriptors); a run in fsync mode (the walk fsyncs it
# through directory descriptors) keeps everything across the cut.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ "$(id -u)" -eq 0 ] || fail "needs root"
make -s images/mkfixtures >/dev/null || fail "cannot build mkfixtures"
require_sample_image
./images/mkfixtures longpath "$TMP/img" >/dev/null || fail "mkfixtures longpath failed"
LONG="$TMP/img/longpath.tar"

# unpack + verify
"$POWERCUT" unpack "$LONG" "$TMP/tree" -m "$TMP/manifest" >/dev/null || fail "unpack failed"
longest=$(grep -v '^#' "$TMP/manifest" | awk '{ print length($1) }' | sort -n | tail -1)
[ "$longest" -eq 5038 ] || fail "the longest manifest path is $longest bytes, expected 5038"
rc=0
"$POWERCUT" verify --json "$TMP/manifest" "$TMP/tree" > "$TMP/v.json" || rc=$?
[ "$rc" -eq 0 ] && [ "$(jq -r .intact "$TMP/v.json")" = true ] ||
	fail "verify: not intact (exit $rc): $(jq -c '.details[:3]' "$TMP/v.json" | cut -c1-300)"

# one byte of the deepest file changed, reached one directory at a time
# (bash's cd does that; no path beyond PATH_MAX is handed to the kernel)
(
	cd "$TMP/tree/long"
	for d in */; do :; done
	while d=$(ls -d -- */ 2>/dev/null | head -1) && [ -n "$d" ]; do cd -- "$d"; done
	f=$(ls | grep '^fff')
	printf X | dd of="$f" bs=1 count=1 conv=notrunc status=none
) || fail "cannot change the deep file"
rc=0
"$POWERCUT" verify --json "$TMP/manifest" "$TMP/tree" > "$TMP/v.json" || rc=$?
[ "$rc" -eq 1 ] || fail "verify of the changed tree exited $rc, expected 1"
[ "$(jq -r '.findings | keys | join(",")' "$TMP/v.json")" = content ] ||
	fail "findings: $(jq -c .findings "$TMP/v.json")"
[ "$(jq -r '.details[0].path | length' "$TMP/v.json")" -eq 5038 ] || fail "finding not on the long path"

# The folders no entry lists, made past PATH_MAX below a set-group-ID folder
# (its group, not the bit) and below a default ACL (an access ACL and the
# default ACL): set through descriptors, as for a short path; the tree
# verifies, and a changed group or a dropped ACL is still seen.
for v in sgid acl; do
	L="$TMP/img/longpath-$v.tar"
	rc=0
	"$POWERCUT" unpack "$L" "$TMP/tree-$v" -m "$TMP/manifest-$v" >/dev/null 2>"$TMP/err-$v" || rc=$?
	[ "$rc" -eq 0 ] || fail "$v: unpack exited $rc: $(cut -c1-200 "$TMP/err-$v")"
	# the folder made just past PATH_MAX: 4 + 17 * 243 = 4,135 bytes
	# (and the one a whiteout below it makes: 16zzz...)
	deep=$(grep -v '^#' "$TMP/manifest-$v" | awk 'length($1) == 4135')
	[ "$(grep -c . <<<"$deep")" -eq 2 ] ||
		fail "$v: not two manifest entries for folders at 4,135 bytes"
	case $v in
	sgid) [ "$(grep -c ' type=dir mode=0755 uid=0 gid=50$' <<<"$deep")" -eq 2 ] ||
		fail "sgid: the folders past PATH_MAX are not 0755 of group 50: $(cut -c4136- <<<"$deep")" ;;
	acl) [ "$(grep -c ' xattr\.system\.posix_acl_access=.* xattr\.system\.posix_acl_default=' <<<"$deep")" -eq 2 ] ||
		fail "acl: the folders past PATH_MAX have not both ACLs: $(cut -c4136- <<<"$deep")" ;;
	esac
	rc=0
	"$POWERCUT" verify --json "$TMP/manifest-$v" "$TMP/tree-$v" > "$TMP/v.json" || rc=$?
	[ "$rc" -eq 0 ] && [ "$(jq -r .intact "$TMP/v.json")" = true ] ||
		fail "$v: verify: not intact (exit $rc): $(jq -c '.details[:3]' "$TMP/v.json" | cut -c1-300)"
	# change that folder (reached one directory at a time) and look again
	(
		cd "$TMP/tree-$v"
		for _ in $(seq 17); do d=$(ls -d -- */ | head -1); cd -- "${d:-?}"; done
		d=$(ls -d -- */ | head -1)
		case $v in
		sgid) chgrp 0 -- "$d" ;;
		acl) setfattr -x system.posix_acl_access -- "$d" 2>/dev/null ||
			setfacl -b -- "$d" ;;
		esac
	) || fail "$v: cannot change the folder past PATH_MAX"
	rc=0
	"$POWERCUT" verify --json "$TMP/manifest-$v" "$TMP/tree-$v" > "$TMP/v.json" || rc=$?
	[ "$rc" -eq 1 ] || fail "$v: verify of the changed tree exited $rc, expected 1"
	[ "$(jq -r '.details[0].path | length' "$TMP/v.json")" -eq 4135 ] ||
		fail "$v: finding not on the folder past PATH_MAX: $(jq -c '.details[:2]' "$TMP/v.json" | cut -c1-300)"
done

# Upper layers that remove or replace what lies past PATH_MAX (unpack_at):
# a file in place of a deep folder, a whiteout of a deep file, of a deep
# folder, an opaque whiteout deep down, a deep file written again.  Each
# was "removing ...: File name too long" (the removal walked by whole
# path): now unpacked, verified intact, the removed paths gone.
python3 - "$TMP" <<'PY' || fail "cannot write the upper layers"
import io, sys, tarfile
out = sys.argv[1]
d, deep = "long", []
for i in range(20):
    d += "/%02d%s" % (i, chr(ord("a") + i) * 240)
    deep.append(d)
def layer(name, path, data=b"upper\n"):
    with tarfile.open("%s/%s.tar" % (out, name), "w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo(path)
        ti.size, ti.mode = len(data), 0o644
        t.addfile(ti, io.BytesIO(data))
layer("up-file-over-dir", deep[18], b"was a folder\n")
layer("up-wh-file", deep[19] + "/.wh.other", b"")
layer("up-wh-dir", deep[17] + "/.wh." + deep[18].rsplit("/", 1)[1], b"")
layer("up-opaque", deep[18] + "/.wh..wh..opq", b"")
layer("up-file-again", deep[19] + "/other", b"written again\n")
with open("%s/deep18" % out, "w") as f:
    f.write(deep[18])
PY
deep18=$(cat "$TMP/deep18")
for u in file-over-dir:20 wh-file:22 wh-dir:19 opaque:20 file-again:23; do
	l=${u%:*} n=${u#*:}
	rc=0
	"$POWERCUT" unpack "$LONG" "$TMP/up-$l.tar" "$TMP/tree-$l" -m "$TMP/manifest-$l" \
		>/dev/null 2>"$TMP/err-$l" || rc=$?
	[ "$rc" -eq 0 ] || fail "$l: unpack exited $rc: $(cut -c1-300 "$TMP/err-$l")"
	[ "$(grep -vc '^#' "$TMP/manifest-$l")" -eq "$n" ] ||
		fail "$l: $(grep -vc '^#' "$TMP/manifest-$l") manifest entries, expected $n"
	# the manifest computed without a disk (powercut manifest) is the same
	"$POWERCUT" manifest "$LONG" "$TMP/up-$l.tar" -o "$TMP/expected-$l" ||
		fail "$l: powercut manifest failed"
	cmp -s <(grep -v '^#' "$TMP/expected-$l") <(grep -v '^#' "$TMP/manifest-$l") ||
		fail "$l: powercut manifest and the unpack's manifest differ"
	rc=0
	"$POWERCUT" verify --json "$TMP/manifest-$l" "$TMP/tree-$l" > "$TMP/v.json" || rc=$?
	[ "$rc" -eq 0 ] && [ "$(jq -r .intact "$TMP/v.json")" = true ] ||
		fail "$l: verify: not intact (exit $rc): $(jq -c '.details[:3]' "$TMP/v.json" | cut -c1-300)"
done
# the folder that became a file is a file in the manifest, nothing below it
grep -q "^$deep18 type=reg " "$TMP/manifest-file-over-dir" ||
	fail "file-over-dir: the deep folder is not a file in the manifest"
! grep -q "^$deep18/" "$TMP/manifest-file-over-dir" ||
	fail "file-over-dir: entries below the replaced folder stayed"
# powercut's own rm -rf (the unpack's) took the deep trees: nothing of the
# first layer is left below the opaque folder either
! grep -q "^$deep18/" "$TMP/manifest-opaque" || fail "opaque: lower entries stayed"

# a full run in fsync mode, the long-path layer on top of the sample image
cat > "$TMP/long.ini" <<INI
[global]
image = $SAMPLE_IMAGE $LONG
fs = ext4

[long]
modes = fsync
INI
run_scenario 0 "$TMP/long.ini"
assert_case_ok "$out" long/ext4/fsync
[ "$(case_field "$out" long/ext4/fsync .lost)" -eq 0 ] || fail "entries lost"

# the snapshots layout (each layer in a folder of its own, whiteouts as
# overlayfs has them: a device for a deep file, an opaque xattr on a deep
# folder, set through folder descriptors), with upper layers reaching past
# PATH_MAX, then mounted as an overlay and verified after the cut
cat > "$TMP/longsnap.ini" <<INI
[global]
image = $SAMPLE_IMAGE $LONG $TMP/up-wh-file.tar $TMP/up-opaque.tar $TMP/up-file-again.tar
fs = ext4
layout = snapshots

[longsnap]
modes = fsync
INI
run_scenario 0 "$TMP/longsnap.ini"
assert_case_ok "$out" longsnap/ext4/fsync
[ "$(case_field "$out" longsnap/ext4/fsync .layout)" = snapshots ] || fail "longsnap: not the snapshots layout"
[ "$(case_field "$out" longsnap/ext4/fsync .lost)" -eq 0 ] || fail "longsnap: entries lost"
assert_no_leftovers
pass
