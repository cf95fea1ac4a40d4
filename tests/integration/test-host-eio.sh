#!/usr/bin/env bash
# The work folder on a FUSE file system (eiofs.c, a passthrough) that
# cannot map the fuse device's control file shared.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

cc -Wall -Wextra -Werror -O1 -o "$TMP/eiofs" "$TOP/tests/integration/eiofs.c" \
	$(pkg-config --cflags --libs fuse3) || fail "cannot build eiofs"

cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none syncfs
device_size = 256M
expect_none = loss
INI

EIOFS_PID=""
stop_eiofs() {
	if [ -n "$EIOFS_PID" ]; then
		umount "$WORK" 2>/dev/null || true
		wait "$EIOFS_PID" 2>/dev/null || true
		EIOFS_PID=""
	fi
}
trap 'stop_eiofs; cleanup_tmp' EXIT

# eiofs over $TMP/src at $WORK, serving files called NAME with direct_io
# and failing the reads of the Nth open of one after AFTER bytes.
start_eiofs() { # NAME N AFTER
	mkdir -p "$TMP/src"
	chmod 755 "$TMP/src"
	"$TMP/eiofs" "$TMP/src" "$WORK" "$1" "$2" read "$3" 2> "$TMP/eiofs.log" &
	EIOFS_PID=$!
	for _ in $(seq 100); do
		mountpoint -q "$WORK" && return 0
		sleep 0.1
	done
	fail "eiofs did not mount on $WORK"
}

# A work folder on a file system that maps no file shared (a FUSE one
# serving with direct_io, as sshfs -o direct_io): the fuse device's control
# file cannot be mapped.  Exit 1 before, "mmap ...: No such device".
start_eiofs fuse.ctl 0 0
rc=0
pc_run "$TMP/s.ini" -f default/ext4/none -o "$TMP/out-mmap" > "$TMP/o" 2> "$TMP/e" || rc=$?
stop_eiofs
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "mmap: exit $rc, expected 3"; }
grep -q "the work folder's file system cannot map a file shared (No such device).*--workdir" "$TMP/e" ||
	fail "mmap: message: $(cat "$TMP/e")"
assert_no_leftovers
pass
