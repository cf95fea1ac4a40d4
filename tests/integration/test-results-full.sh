#!/usr/bin/env bash
# A results folder that fills up mid-run: the case is an error whose reason
# names the file that could not be written and why, the run exits 3 (no
# room), and nothing is left behind.  Before, the reason was "writing
# manifest: No space left on device", which names no file.  summary.md
# says the folder is full (it said "interrupted"), and the results files
# of before the first case are not left as the run's.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$SAMPLE_IMAGE" > "$TMP/one.ini"
mkdir -p "$TMP/res"
mount -t tmpfs -o size=40k,mode=0700 pc-it-res "$TMP/res"
trap 'umount "$TMP/res" 2> /dev/null || true; cleanup_tmp' EXIT
rc=0
pc_run "$TMP/one.ini" -o "$TMP/res/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3"; }
grep -qF "error (environment): writing manifest $TMP/res/out/cases/g_ext4_syncfs/manifest.txt: No space left on device" "$TMP/o" ||
	{ cat "$TMP/o"; fail "the reason does not name the file that could not be written"; }
# summary.md says the folder is full: it said "0 cases ... not run: 1 of
# the 1 cases this run planned (interrupted)", the version written before
# the first case; results.json and junit.xml of that moment (no case run,
# "not run (interrupted)") are not left for a reader to take as the run's.
grep -q '^- \*\*results not written: the results folder is full\*\* (No space left on device): ' "$TMP/res/out/summary.md" ||
	{ cat "$TMP/res/out/summary.md" "$TMP/e"; ls -la "$TMP/res/out"; fail "summary.md does not say the results folder is full"; }
if grep -q 'interrupted' "$TMP/res/out/summary.md"; then cat "$TMP/res/out/summary.md"; fail "summary.md says interrupted"; fi
# What is there is the run's: its case, not "not run".
if [ -e "$TMP/res/out/results.json" ]; then
	[ "$(jq -c '[.cases[].id]' "$TMP/res/out/results.json")" = '["g/ext4/syncfs"]' ] ||
		{ cat "$TMP/res/out/results.json"; fail "results.json of before the first case left as the run's"; }
fi
if [ -e "$TMP/res/out/junit.xml" ] && grep -q 'not run' "$TMP/res/out/junit.xml"; then
	cat "$TMP/res/out/junit.xml"; fail "junit.xml of before the first case left as the run's"
fi
umount "$TMP/res"
# Two cases: results.json and junit.xml do not fit either; those of before
# the first case (no case run, "not run: interrupted") are removed, and
# summary.md says which could not be written.
sed 's/^modes = syncfs$/modes = syncfs none/' "$TMP/one.ini" > "$TMP/two.ini"
mount -t tmpfs -o size=40k,mode=0700 pc-it-res "$TMP/res"
rc=0
pc_run "$TMP/two.ini" -o "$TMP/res/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "two cases: exit $rc, expected 3"; }
grep -q '^- \*\*results not written: the results folder is full\*\* (No space left on device): results.json, junit.xml and summary.md could not be written when 2 of the 2 cases' "$TMP/res/out/summary.md" ||
	{ cat "$TMP/res/out/summary.md" "$TMP/e"; ls -la "$TMP/res/out"; fail "two cases: summary.md does not say the results folder is full"; }
for f in results.json junit.xml; do
	[ ! -e "$TMP/res/out/$f" ] || { cat "$TMP/res/out/$f"; fail "two cases: $f of before the first case left as the run's"; }
done
umount "$TMP/res"
assert_no_leftovers
pass
