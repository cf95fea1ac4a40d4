#!/usr/bin/env bash
# layout = snapshots: the sample image stored as containerd's overlayfs
# snapshotter stores it (snapshots/N/fs, committed layer by layer), on ext4
# and xfs, modes none, syncfs and ofsync.  none must lose committed data,
# syncfs and ofsync (files fsync'd as each layer's unpack writes them) must
# keep every layer folder and the merged overlay view intact, fsck
# must be clean, and nothing may be left behind.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

require_sample_image
cat > "$TMP/snapshots.ini" <<INI
[global]
image = $SAMPLE_IMAGE
backend = auto
device_size = auto
layout = snapshots

[snap]
fs = ext4 xfs
modes = none syncfs ofsync
expect_none = loss
INI

run_scenario 0 "$TMP/snapshots.ini"
[ "$(jq '.cases | length' "$out/results.json")" -eq 6 ] || fail "expected 6 cases"
# One image, one layout: every case tested the same layers (their commit
# records' digests chained), whatever the fs and mode.
[ "$(jq -r '[.cases[].tested_sha256] | unique | .[]' "$out/results.json" | grep -cx '[0-9a-f]\{64\}')" -eq 1 ] ||
	fail "the cases' tested_sha256 are not one digest: $(jq -c '[.cases[].tested_sha256]' "$out/results.json")"

for fs in ext4 xfs; do
	for mode in none syncfs ofsync; do
		id="snap/$fs/$mode"
		f() { case_field "$out" "$id" "$1"; }
		[ "$(f .layout)" = snapshots ] || fail "$id: layout is $(f .layout)"
		[ "$(f .verdict)" = pass ] || fail "$id: verdict $(f .verdict): $(f .reason)"
		[ "$(f .committed)" = true ] || fail "$id: commit records lost"
		[ "$(f .layers_committed)" -eq 3 ] || fail "$id: $(f .layers_committed) of 3 layers committed"
		[ "$(f '.layers | length')" -eq 3 ] || fail "$id: layers not reported"
		[ "$(f .fsck)" = clean ] || fail "$id: fsck $(f .fsck)"
		[ "$(f .overlay.verified)" = true ] || fail "$id: merged view not verified: $(f .overlay.why_not)"
		[ "$(f .overlay.checked)" -eq "$(f .entries)" ] ||
			fail "$id: merged view checked $(f .overlay.checked) of $(f .entries) entries"
		# Each committed layer folder was checked against its own manifest.
		for n in 1 2 3; do
			[ "$(f ".layers[$((n - 1))].checked")" -eq "$(f ".layers[$((n - 1))].entries")" ] ||
				fail "$id: layer $n not fully checked"
			[ -s "$out/cases/snap_${fs}_$mode/manifest-layer$n.txt" ] ||
				fail "$id: no manifest for layer $n"
		done
		# lost counts every view: the layer folders plus the merged view.
		sum=$(f '([.layers[].lost] | add) + .overlay.lost')
		[ "$(f .lost)" -eq "$sum" ] || fail "$id: lost $(f .lost) is not the sum $sum"
	done

	# ofsync: the files of every layer fsync'd as written, then each layer
	# folder's pass (one per regular file and folder of its manifest).
	id="snap/$fs/ofsync"
	pass_fsyncs=$(cat "$out"/cases/snap_${fs}_ofsync/manifest-layer*.txt | grep -Ec ' type=(reg|dir) ')
	[ "$(case_field "$out" "$id" .fsyncs)" -gt "$pass_fsyncs" ] ||
		fail "$id: $(case_field "$out" "$id" .fsyncs) fsyncs, not more than its passes' $pass_fsyncs"

	id="snap/$fs/none"
	[ "$(case_field "$out" "$id" .lost)" -gt 0 ] || fail "$id: none lost nothing: the cut was not effective"
	[ "$(case_field "$out" "$id" .overlay.lost)" -gt 0 ] || fail "$id: the merged view lost nothing"
	# Which layers lose depends on what the kernel wrote back before the
	# cut (on a busy machine, often all of layer 1): some layer folder must.
	[ "$(case_field "$out" "$id" '[.layers[] | .findings.size + .findings.missing] | add')" -gt 0 ] ||
		fail "$id: no data lost in any layer folder"
	findings="$out/cases/snap_${fs}_none/findings.txt"
	grep -q '^[a-z]* snapshots/[0-9]*/fs/' "$findings" || fail "$id: no per-layer findings in findings.txt"
	grep -q '^[a-z]* merged/' "$findings" || fail "$id: no merged-view findings in findings.txt"

	id="snap/$fs/syncfs"
	[ "$(case_field "$out" "$id" .lost)" -eq 0 ] || fail "$id: syncfs lost $(case_field "$out" "$id" .lost)"
	[ "$(case_field "$out" "$id" .overlay.lost)" -eq 0 ] || fail "$id: the merged view lost entries"
	[ "$(case_field "$out" "$id" '.findings.extra')" -eq 0 ] || fail "$id: extra entries"
done

# The layer folders are in overlay form: layer 2 of the sample image has
# whiteouts (0:0 character devices) and an opaque folder.
m2="$out/cases/snap_ext4_syncfs/manifest-layer2.txt"
grep -q ' type=char mode=0000 .*rdev=0,0' "$m2" || fail "layer 2: no whiteout device in its manifest"
grep -q '^var/cache/apt type=dir .*xattr.trusted.overlay.opaque=79' "$m2" ||
	fail "layer 2: var/cache/apt not opaque in its manifest"
# Layers that stored as containerd stores them give a merged view overlayfs
# shows differently from the image: a copied-up folder's default ACL (what
# the layer writes below it must not inherit), whiteouts in folders only one
# layer holds (listed by overlayfs, not resolved), the first layer's
# whiteouts (nothing made). syncfs must pass, with no cut to blame.
src="$TMP/odd"
mkdir -p "$src/1/d" "$src/1/o" "$src/1/f" "$src/2/d" "$src/2/n" "$src/2/o" "$src/3"
echo x > "$src/1/d/x"
echo z > "$src/1/o/z"
: > "$src/1/f/.wh.ghost"
setfacl -d -m u:4243:rwx "$src/1/d"
echo f > "$src/2/d/f"
echo k > "$src/2/n/k"
: > "$src/2/n/.wh.nothing"
: > "$src/2/o/.wh..wh..opq"
: > "$src/2/o/.wh.z"
echo y > "$src/2/o/y"
: > "$src/3/.wh..wh..opq"
tar --acls --format=pax --numeric-owner -C "$src/1" -cf "$TMP/odd1.tar" .
# d/f without d/: the layer does not list the folder, so it is copied up
tar --format=pax --numeric-owner -C "$src/2" -cf "$TMP/odd2.tar" d/f n o
tar --format=pax --numeric-owner -C "$src/3" -cf "$TMP/odd3.tar" .
cat > "$TMP/odd.ini" <<INI
[global]
image = $TMP/odd1.tar $TMP/odd2.tar
backend = auto
device_size = 64M
layout = snapshots

[odd]
fs = ext4
modes = syncfs
INI
run_scenario 0 "$TMP/odd.ini"
[ "$(case_field "$out" odd/ext4/syncfs .verdict)" = pass ] ||
	fail "odd layers: $(case_field "$out" odd/ext4/syncfs .reason)"
[ "$(case_field "$out" odd/ext4/syncfs .overlay.verified)" = true ] || fail "odd layers: merged view not verified"
! grep -q ' type=char ' "$out/cases/odd_ext4_syncfs/manifest-layer1.txt" ||
	fail "odd layers: a whiteout device in the first layer"

# An opaque root above the first layer: overlayfs ignores it, refused.
sed -i "s|^image = .*|image = $TMP/odd1.tar $TMP/odd2.tar $TMP/odd3.tar|" "$TMP/odd.ini"
run_scenario 2 "$TMP/odd.ini"
grep -q 'opaque marker on the root folder' "$TMP/stdout" "$out/summary.md" ||
	fail "opaque root: not refused with its reason"
assert_no_leftovers
pass
