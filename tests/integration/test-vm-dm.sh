#!/usr/bin/env bash
# dm-flakey, the kernel's own flakey device, inside a VM under Debian's
# kernel (our hosts' kernel has no device-mapper): scenarios/dm-smoke.ini
# must show what the fuse backend shows: none loses committed data, syncfs
# and fsync lose nothing, fsck is clean, on ext4 and xfs.  Takes about 8
# minutes under TCG emulation; PC_SKIP_VM=1 makes run.sh skip it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# The results folder must be visible to the guest at the same path, and the
# guest mounts a fresh tmpfs on /tmp: keep it under the tree's results/.
out=$(mktemp -d "$TOP/results/test-vm-dm.XXXXXX")
trap 'rm -rf "$out"; cleanup_tmp' EXIT

scratch_before=$(ls -d /var/tmp/vm-run.* 2>/dev/null || true)
start=$(date +%s)
rc=0
scripts/vm-run --debian-kernel --timeout 1800 -- \
	./powercut run scenarios/dm-smoke.ini -o "$out" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
elapsed=$(($(date +%s) - start))
tr -d '\r' <"$TMP/stdout" | grep -E '^\|' || true
if [ "$rc" -ne 0 ]; then
	cat "$TMP/stderr"
	tail -n 40 "$out/vm-console.log" 2>/dev/null || true
	fail "vm-run exited $rc"
fi
[ -s "$out/results.json" ] || fail "no results.json from the guest"
[ -s "$out/vm-console.log" ] || fail "no guest console log kept"
grep -q "guest command exited with status 0" "$TMP/stderr" || fail "vm-run did not report the guest's status"

kernel=$(jq -r .kernel "$out/results.json")
case $kernel in *-amd64) ;; *) fail "ran under kernel '$kernel', not Debian's" ;; esac
[ "$kernel" != "$(uname -r)" ] || fail "ran under the host's kernel"

n=$(jq '.cases | length' "$out/results.json")
[ "$n" -eq 6 ] || fail "expected 6 cases, got $n"
for fs in ext4 xfs; do
	for mode in none syncfs fsync; do
		id="dm/$fs/$mode"
		[ "$(case_field "$out" "$id" .backend)" = dm ] || fail "$id: backend is not dm"
		[ "$(case_field "$out" "$id" .committed)" = true ] || fail "$id: commit record lost"
		[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$id: fsck not clean"
		[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$id: verdict not pass"
		entries=$(case_field "$out" "$id" .entries)
		[ "$entries" -gt 1000 ] || fail "$id: only $entries entries"
		[ "$(case_field "$out" "$id" .io.wbytes)" -gt 0 ] || fail "$id: no writes counted on the dm device"
	done
	# dm counts no flushes itself; powercut reads them from the loop device beneath.
	[ "$(case_field "$out" "dm/$fs/fsync" .io.flushes)" -gt 0 ] || fail "dm/$fs/fsync: no flushes counted"
	lost=$(case_field "$out" "dm/$fs/none" .lost)
	[ "$lost" -gt 0 ] || fail "dm/$fs/none lost nothing: the cut was not effective"
	for mode in syncfs fsync; do
		lost=$(case_field "$out" "dm/$fs/$mode" .lost)
		[ "$lost" -eq 0 ] || fail "dm/$fs/$mode lost $lost entries"
	done
done
# vm-run removed its scratch disk.
scratch_after=$(ls -d /var/tmp/vm-run.* 2>/dev/null || true)
[ "$scratch_after" = "$scratch_before" ] || fail "scratch folder left: $scratch_after"
echo "test-vm-dm: kernel $kernel, $elapsed s"
pass
