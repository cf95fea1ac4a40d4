#!/usr/bin/env bash
# scripts/qualify with two kernels: the host's and the Debian kernel
# scripts/vm-run boots by default (under qemu), on a one-case scenario
# (fuse backend, the sample image's third layer).  Two columns, the same
# verdict, exit 0, report.html with the two folders.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
LAYER3="$TOP/images/sample/layer3.tar.zst"
[ -f "$LAYER3" ] || fail "no $LAYER3 (make sample-image)"
# The version vm-run --debian-kernel boots: the newest linux-image-amd64.
version=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }' |
	sed 's/^linux-image-//; s/-amd64$//')
[ -n "$version" ] || fail "apt-cache knows no linux-image-amd64 (apt-get update)"
# The guest mounts a fresh tmpfs on /tmp: keep the scenario and results
# under the tree's results/.
mkdir -p "$TOP/results"
dir=$(mktemp -d "$TOP/results/test-vm-qualify.XXXXXX")
trap 'rm -rf "$dir"; cleanup_tmp' EXIT
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 512M\nmodes = syncfs\n[vmq]\nfs = ext4\n' \
	"$LAYER3" >"$dir/one.ini"
start=$(date +%s)
rc=0
scripts/qualify --kernel host --kernel "debian:$version" "$dir/one.ini" -o "$dir/q" \
	>"$TMP/q.out" 2>"$TMP/q.err" || rc=$?
elapsed=$(($(date +%s) - start))
[ "$rc" -eq 0 ] || { cat "$TMP/q.out"; tail -40 "$TMP/q.err"; fail "qualify exited $rc"; }
grep -q "^| case | differs | host | debian-$version |\$" "$TMP/q.out" || { cat "$TMP/q.out"; fail "no two-column table"; }
grep -q '^| vmq/ext4/syncfs |  | pass, lost 0 | pass, lost 0 |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "no row passing on both kernels"; }
[ "$(jq -r '.kernels[1].kernel' "$dir/q/qualify.json")" = "$version-amd64" ] || fail "the VM column did not run $version-amd64"
[ "$(grep -c '<svg' "$dir/q/report.html")" -ge 7 ] || fail "report.html lacks its plots"
echo "qualify with two kernels took ${elapsed}s"
assert_no_leftovers
echo "PASS $TEST_NAME"
