#!/usr/bin/env bash
# An image archive whose layers cannot be copied out into TMPDIR (read-only,
# or full mid-copy) is an environment error (exit 3, as README's exit table
# and powercut.1 say) naming the folder and why, and leaves no temporary
# folder.  Before, both were exit 2, "usage or input error": a CI job read
# its own image as broken.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
make -s images/mkfixtures sample-image > /dev/null || fail "cannot build the fixtures"
"$TOP/images/mkfixtures" docker-save "$TMP/ds.tar" images/sample/layer1.tar.gz \
	images/sample/layer2.tar.gz > /dev/null
mkdir -p "$TMP/ro" "$TMP/full"
mount -t tmpfs -o ro,size=1m pc-it-ro "$TMP/ro"
mount -t tmpfs -o size=64k,mode=1777 pc-it-full "$TMP/full"
unmount_ours() { umount "$TMP/ro" 2> /dev/null || true; umount "$TMP/full" 2> /dev/null || true; }
trap 'unmount_ours; cleanup_tmp' EXIT

check() { # check TMPDIR WORDS...
	local dir=$1 rc=0
	shift
	TMPDIR=$dir "$POWERCUT" inspect "$TMP/ds.tar" > /dev/null 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "TMPDIR $dir: exit $rc, expected 3"; }
	for w in "$@"; do
		grep -qF -- "$w" "$TMP/e" || { cat "$TMP/e"; fail "TMPDIR $dir: no '$w' in the message"; }
	done
	[ -z "$(ls -A "$dir")" ] || fail "TMPDIR $dir: left $(ls -A "$dir")"
}
check "$TMP/ro" "create a temporary folder in $TMP/ro (TMPDIR)" "Read-only file system"
check "$TMP/full" "write $TMP/full/powercut-image." "No space left on device"
unmount_ours
pass
