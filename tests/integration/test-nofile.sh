#!/usr/bin/env bash
# A run under RLIMIT_NOFILE 16 (a CI runner's tight limit): verify runs out
# of descriptors; the case must be an error that says so, the run must end
# and leave nothing.  Before, verify's workers waited for ever for a slot
# of their window after the merge stopped at the entry that could not be
# checked (the sample image has more entries than the window), and the run
# hung.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$SAMPLE_IMAGE" > "$TMP/one.ini"
rc=0
(ulimit -n 16 && exec timeout -k 5 60 "$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$TMP/out") \
	> "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "the run hung (killed after 60 s)"
[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 1"; }
[ "$(case_field "$TMP/out" g/ext4/syncfs .verdict)" = error ] || fail "the case is not an error"
case_field "$TMP/out" g/ext4/syncfs .reason | grep -q "Too many open files" ||
	{ case_field "$TMP/out" g/ext4/syncfs .reason; fail "the reason does not say why"; }
assert_no_leftovers
pass
