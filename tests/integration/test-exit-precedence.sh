#!/usr/bin/env bash
# A run in which one case lost data and another erred for the environment
# exits 1: the verdict is the news, and a nightly job that retries on 3 (the
# machine's) must never retry a loss away, as compare puts a regression
# before an environment error.  Before, the environment error made the run
# exit 3.  The first case's mkfs runs out of memory (a fake mkfs saying so:
# exit 3 alone, test-tool-exhausted); the second expects mode none to keep
# everything, and it does not.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
fake_scripted_tools mkfs.ext4
printf '1\nmke2fs 1.47.0 (5-Feb-2023)\nmkfs.ext4: Cannot allocate memory while setting up superblock\n' \
	> "$TMP/do-mkfs.ext4-1"
cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
backend = fuse
device_size = 256M
fs = ext4
[env]
modes = syncfs
[lost]
modes = none
expect_none = intact
INI
rc=0
PATH="$TMP/bin:$PATH" pc_run "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "a loss beside an environment error: exit $rc, expected 1"; }
[ "$(case_field "$TMP/out" env/ext4/syncfs '"\(.verdict) \(.error_class)"')" = "error environment" ] ||
	fail "env/ext4/syncfs: $(case_field "$TMP/out" env/ext4/syncfs '[.verdict, .error_class, .reason]')"
[ "$(case_field "$TMP/out" lost/ext4/none .verdict)" = fail ] ||
	fail "lost/ext4/none: $(case_field "$TMP/out" lost/ext4/none '[.verdict, .reason]')"
assert_no_leftovers
pass
