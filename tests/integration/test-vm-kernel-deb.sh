#!/usr/bin/env bash
# vm-run --kernel-deb boots a kernel package given as a file (what make
# bindeb-pkg writes, or one of Debian's fetched by hand): Debian's own
# linux-image package, downloaded with apt-get into the test's folder,
# boots and runs a command that sees that kernel; the package's unpacked
# tree is gone afterwards.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
# The guest mounts a fresh tmpfs on /tmp: results under the tree's results/.
mkdir -p "$TOP/results"
dir=$(mktemp -d "$TOP/results/test-vm-kernel-deb.XXXXXX")
trap 'rm -rf "$dir"; cleanup_tmp' EXIT
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || { apt-get -q update >/dev/null; pkg=$(apt-cache depends linux-image-amd64 |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'); }
[ -n "$pkg" ] || fail "apt-cache knows no linux-image-amd64"
(cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null) || fail "apt-get download $pkg"
deb=$(ls "$dir"/*.deb)
rel=${pkg#linux-image-}
mkdir -p "$dir/out" "$TMP/vmtmp"
rc=0
TMPDIR=$TMP/vmtmp scripts/vm-run --kernel-deb "$deb" --results "$dir/out" -- \
	bash -c "uname -r >'$dir/out/uname'" >"$TMP/o" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { tail -30 "$TMP/o"; fail "vm-run --kernel-deb exited $rc"; }
[ "$(cat "$dir/out/uname")" = "$rel" ] || fail "the guest ran $(cat "$dir/out/uname"), expected $rel"
[ -z "$(ls -A "$TMP/vmtmp")" ] || fail "vm-run left $(ls "$TMP/vmtmp") in TMPDIR"
assert_no_leftovers
echo "PASS $TEST_NAME"
