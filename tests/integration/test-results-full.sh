#!/usr/bin/env bash
# A results folder that fills up mid-run: the case is an error whose reason
# names the file that could not be written and why, the run exits 3 (no
# room), and nothing is left behind.  Before, the reason was "writing
# manifest: No space left on device", which names no file.
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
grep -qF "error: writing manifest $TMP/res/out/cases/g_ext4_syncfs/manifest.txt: No space left on device" "$TMP/o" ||
	{ cat "$TMP/o"; fail "the reason does not name the file that could not be written"; }
umount "$TMP/res"
assert_no_leftovers
pass
