#!/usr/bin/env bash
# The progress line on a terminal (issue 13 F): cases done of the total, an
# ETA once a case is done, the current case and phase, and the share of the
# image's bytes unpacked.  Run under a pseudo-terminal (script(1)); without
# a terminal nothing of it may be written.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

cat > "$TMP/two.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = syncfs
repeat = 2
device_size = auto
INI
cmd="$POWERCUT run --workdir $WORK $TMP/two.ini -o $TMP/out"
rc=0
script -qec "$cmd" "$TMP/typescript" > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/typescript"; fail "run under a pty: exit $rc"; }
# Each redraw starts with \r and ends with ESC[K: one line per redraw.
tr '\r' '\n' < "$TMP/typescript" | sed 's/\x1b\[K//g' > "$TMP/lines"
grep -Eq '^\[0/2 done, ETA \?\] default/ext4/syncfs/r1: mkfs$' "$TMP/lines" ||
	{ cat "$TMP/lines"; fail "no line for case 1 in the mkfs phase"; }
grep -Eq '^\[0/2 done, ETA \?\] default/ext4/syncfs/r1: unpack [0-9]+% of [0-9.]+ MiB$' "$TMP/lines" ||
	{ cat "$TMP/lines"; fail "no unpack percentage for case 1"; }
grep -Eq '^\[1/2 done, ETA [0-9]+s\] default/ext4/syncfs/r2: (unpack [0-9]+% of [0-9.]+ MiB|mkfs|syncfs|verify)$' "$TMP/lines" ||
	{ cat "$TMP/lines"; fail "no ETA once a case was done"; }
grep -Eq ': unpack ([1-9][0-9]?)% of' "$TMP/lines" || fail "the unpack share never moved past 0%"
if grep -Eq '([0-9]{3,}|10[1-9])% of' "$TMP/lines"; then fail "a share over 100%"; fi

# Not a terminal: no progress line at all.
rm -rf "$TMP/out"
$cmd > "$TMP/o" 2> "$TMP/e" || { cat "$TMP/o" "$TMP/e"; fail "run without a terminal failed"; }
if grep -q 'done, ETA' "$TMP/e" "$TMP/o"; then fail "progress written without a terminal"; fi
assert_no_leftovers
pass
