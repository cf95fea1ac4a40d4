#!/usr/bin/env bash
# A filesystem that folds names (xfs -n version=ci: case-insensitive) and
# an image with two names differing only in case: the second entry would
# overwrite the first, and the case ended in findings no cut made ("size"
# and "hardlink": a false fail).  It is an input error naming the entry;
# the same image on plain xfs passes.  Debian's kernel in a VM: recent host
# kernels lack ASCII case-insensitive XFS (CONFIG_XFS_SUPPORT_ASCII_CI).
source "$(dirname "$0")/lib.sh"
cd "$TOP"
# The guest mounts a fresh tmpfs on /tmp: keep the scenario and results
# under the tree's results/.
mkdir -p "$TOP/results"
dir=$(mktemp -d "$TOP/results/test-vm-foldcase.XXXXXX")
trap 'rm -rf "$dir"; cleanup_tmp' EXIT
mkdir -p "$dir/tree/dir"
printf 'upper\n%.0s' $(seq 100) >"$dir/tree/dir/README"
printf 'lower\n%.0s' $(seq 50) >"$dir/tree/dir/readme"
tar --format=pax -C "$dir/tree" -cf "$dir/case.tar" dir/README dir/readme
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 512M\nmodes = syncfs\nfs = xfs\n[ci]\nmkfs_opts = -n version=ci\n[plain]\n' \
	"$dir/case.tar" >"$dir/s.ini"
rc=0
scripts/vm-run --debian-kernel -- ./powercut run "$dir/s.ini" -o "$dir/out" >"$TMP/o" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { tail -30 "$TMP/o"; fail "exited $rc, expected 2"; }
[ "$(case_field "$dir/out" ci/xfs/syncfs .verdict)" = error ] || fail "ci: not an error"
case_field "$dir/out" ci/xfs/syncfs .reason |
	grep -q "entry dir/readme: the filesystem finds another entry under this name (it folds names" ||
	fail "ci: the reason does not name the folded entry: $(case_field "$dir/out" ci/xfs/syncfs .reason)"
[ "$(case_field "$dir/out" plain/xfs/syncfs .verdict)" = pass ] || fail "plain xfs did not pass"
assert_no_leftovers
echo "PASS $TEST_NAME"
