#!/usr/bin/env bash
# A file whose path is 5,038 bytes (more than PATH_MAX, as a tar may hold):
# `powercut unpack` writes it, `powercut verify` finds the tree intact and
# still sees one changed byte of it; a run in fsync mode (the walk fsyncs it
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
assert_no_leftovers
pass
