#!/usr/bin/env bash
# dm-flakey, the kernel's own flakey device, inside a VM under Debian's
# kernel (our hosts' kernel has no device-mapper): scenarios/dm-smoke.ini
# must show what the fuse backend shows: none loses committed data, syncfs
# loses nothing, fsck is clean, on ext4 and xfs.  One boot, with udev in the
# guest (vm-run --udev): the dm backend syncs with udev (cookies) and udev's
# rules make the /dev/mapper nodes and remove them.  Each case folder brings
# the guest's kernel.log back over the results share.  To keep the CI short
# the run leaves out the scenario's fsync cases (two of its six cases, 100 s
# of 205 s under TCG emulation): per-file fsync on dm is in
# test-vm-dm-interfered and test-vm-logwrites, and the path without udev
# (libdevmapper makes the nodes) in test-vm-dm-interfered.  PC_SKIP_VM=1
# makes run.sh skip it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# The results folder must be visible to the guest at the same path, and the
# guest mounts a fresh tmpfs on /tmp: keep it under the tree's results/.
out=$(mktemp -d "$TOP/results/test-vm-dm.XXXXXX")
trap 'rm -rf "$out" "$out.ini"; cleanup_tmp' EXIT

# The user's smoke scenario, without its fsync cases, written where the
# guest sees it (beside the results folder: the guest's /tmp is its own).
./powercut run --list scenarios/dm-smoke.ini >"$TMP/smoke-ids" || fail "dm-smoke.ini does not parse"
[ "$(sort "$TMP/smoke-ids" | tr '\n' ' ')" = "dm/ext4/fsync dm/ext4/none dm/ext4/syncfs dm/xfs/fsync dm/xfs/none dm/xfs/syncfs " ] ||
	fail "dm-smoke.ini's cases changed: $(tr '\n' ' ' <"$TMP/smoke-ids")"
sed -e 's|^modes = .*|modes = none syncfs|' -e "s|\.\./images/|$TOP/images/|g" \
	scenarios/dm-smoke.ini >"$out.ini"
grep -qx 'modes = none syncfs' "$out.ini" || fail "dm-smoke.ini has no modes line to replace"

scratch_before=$(ls -d /var/tmp/vm-run.* 2>/dev/null || true)
start=$(date +%s)
rc=0
# POWERCUT_DEBUG: the dm backend says which udev path it took.  After
# powercut, list /dev/mapper: udev must have removed the nodes too.
scripts/vm-run --debian-kernel --udev --timeout 1800 --results "$out" -- bash -c \
	'POWERCUT_DEBUG=1 ./powercut run "$1" -o "$2"; rc=$?
	 echo "guest-mapper: $(ls /dev/mapper | tr "\n" " ")"; exit $rc' \
	_ "$out.ini" "$out" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
elapsed=$(($(date +%s) - start))
tr -d '\r' <"$TMP/stdout" >"$TMP/console"
grep -E '^\|' "$TMP/console" || true
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
[ "$n" -eq 4 ] || fail "expected 4 cases, got $n"
for fs in ext4 xfs; do
	for mode in none syncfs; do
		id="dm/$fs/$mode"
		[ "$(case_field "$out" "$id" .backend)" = dm ] || fail "$id: backend is not dm"
		assert_case_ok "$out" "$id"
		[ "$(case_field "$out" "$id" .io.wbytes)" -gt 0 ] || fail "$id: no writes counted on the dm device"
		# The guest's kernel log came back with the case folder (results share).
		[ "$(case_field "$out" "$id" .kernel_log.checked)" = true ] || fail "$id: kernel log not checked"
		klog="$out/cases/dm_${fs}_$mode/kernel.log"
		grep -q 'powercut\[[0-9]*\]: case devices dm-[0-9]* .*held' "$klog" ||
			fail "$id: no guest kernel.log with the dm device's marker"
	done
	# dm counts no flushes itself; powercut reads them from the loop device beneath.
	[ "$(case_field "$out" "dm/$fs/syncfs" .io.flushes)" -gt 0 ] || fail "dm/$fs/syncfs: no flushes counted"
	lost=$(case_field "$out" "dm/$fs/none" .lost)
	[ "$lost" -gt 0 ] || fail "dm/$fs/none lost nothing: the cut was not effective"
	lost=$(case_field "$out" "dm/$fs/syncfs" .lost)
	[ "$lost" -eq 0 ] || fail "dm/$fs/syncfs lost $lost entries"
done
grep -q 'powercut-vm: udev: systemd-udevd running, devices settled' "$TMP/console" ||
	fail "vm-run did not start udev in the guest"
grep -q 'powercut: dm: udev sync on (udev is running)' "$TMP/console" ||
	fail "the dm backend did not sync with udev"
n=$(grep -c 'powercut: dm: /dev/mapper/pc-[0-9-]* is a symlink (made by udev)' "$TMP/console" || true)
[ "$n" -eq 4 ] || fail "udev made $n of the 4 /dev/mapper nodes"
grep -qx 'guest-mapper: control ' "$TMP/console" ||
	fail "/dev/mapper not empty after the run: $(grep guest-mapper "$TMP/console")"

# vm-run removed its scratch disks.
scratch_after=$(ls -d /var/tmp/vm-run.* 2>/dev/null || true)
[ "$scratch_after" = "$scratch_before" ] || fail "scratch folder left: $scratch_after"
echo "test-vm-dm: kernel $kernel, $elapsed s"
pass
