#!/usr/bin/env bash
# A run under RLIMIT_NOFILE 16 (a CI runner's tight limit): verify runs out
# of descriptors; the case must be an error that says so and which limit to
# raise, the run must end with exit 3 (the environment's doing: it was exit
# 1, as if the case itself had failed to run) and leave nothing.  Under 8,
# mkfs's pipe is the call that fails: the same.  Before, verify's workers waited for ever for a slot
# of their window after the merge stopped at the entry that could not be
# checked (the sample image has more entries than the window), and the run
# hung.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$SAMPLE_IMAGE" > "$TMP/one.ini"
for n in 16 8; do
	rc=0
	(ulimit -n $n && exec timeout -k 5 60 "$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$TMP/out$n") \
		> "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "ulimit -n $n: the run hung (killed after 60 s)"
	[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "ulimit -n $n: exit $rc, expected 3"; }
	[ "$(case_field "$TMP/out$n" g/ext4/syncfs .verdict)" = error ] ||
		fail "ulimit -n $n: the case is not an error"
	reason=$(case_field "$TMP/out$n" g/ext4/syncfs .reason)
	echo "$reason" | grep -q "Too many open files" || fail "ulimit -n $n: the reason does not say why: $reason"
	echo "$reason" | grep -qF "the run ran out of file descriptors (RLIMIT_NOFILE $n): raise the limit" ||
		fail "ulimit -n $n: the reason does not say which limit to raise: $reason"
	assert_no_leftovers
done
pass
