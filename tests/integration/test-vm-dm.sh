#!/usr/bin/env bash
# dm-flakey, the kernel's own flakey device, inside a VM under Debian's
# kernel (our hosts' kernel has no device-mapper): scenarios/dm-smoke.ini
# must show what the fuse backend shows: none loses committed data, syncfs
# and fsync lose nothing, fsck is clean, on ext4 and xfs.  That run has no
# udev in the guest (libdevmapper makes the nodes); a second, short run with
# vm-run --udev (ext4, none and syncfs) takes the udev path: cookies, and
# nodes made by udev's rules.  Each case folder brings the guest's
# kernel.log back over the results share.  Takes 5 to 8 minutes under TCG
# emulation; PC_SKIP_VM=1 makes run.sh skip it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# The results folder must be visible to the guest at the same path, and the
# guest mounts a fresh tmpfs on /tmp: keep it under the tree's results/.
out=$(mktemp -d "$TOP/results/test-vm-dm.XXXXXX")
trap 'rm -rf "$out"; cleanup_tmp' EXIT

scratch_before=$(ls -d /var/tmp/vm-run.* 2>/dev/null || true)
start=$(date +%s)
rc=0
# POWERCUT_DEBUG: the dm backend says which udev path it took.
scripts/vm-run --debian-kernel --timeout 1800 -- \
	env POWERCUT_DEBUG=1 ./powercut run scenarios/dm-smoke.ini -o "$out" \
	>"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
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
		assert_case_ok "$out" "$id"
		[ "$(case_field "$out" "$id" .io.wbytes)" -gt 0 ] || fail "$id: no writes counted on the dm device"
		# The guest's kernel log came back with the case folder (results share).
		[ "$(case_field "$out" "$id" .kernel_log.checked)" = true ] || fail "$id: kernel log not checked"
		klog="$out/cases/dm_${fs}_$mode/kernel.log"
		grep -q 'powercut\[[0-9]*\]: case devices dm-[0-9]* .*held' "$klog" ||
			fail "$id: no guest kernel.log with the dm device's marker"
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
tr -d '\r' <"$TMP/stdout" >"$TMP/console"
grep -q 'powercut: dm: udev sync off (DM_DISABLE_UDEV is set)' "$TMP/console" ||
	fail "without --udev the dm backend did not report udev sync off"
grep -q 'powercut: dm: /dev/mapper/pc-[0-9-]* is a device node (made by libdevmapper)' "$TMP/console" ||
	fail "without --udev libdevmapper did not make the /dev/mapper node"

# --- the same with udev in the guest ---------------------------------------
# A scenario of two cases, written where the guest sees it.
uout=$out/udev
mkdir "$uout"
cat >"$uout/udev.ini" <<EOF
[global]
image = $TOP/images/sample/layer1.tar.gz $TOP/images/sample/layer2.tar.gz $TOP/images/sample/layer3.tar.zst
backend = dm
device_size = 512M
modes = none syncfs
expect_none = loss

[dm]
fs = ext4
EOF
ustart=$(date +%s)
rc=0
# After powercut, list /dev/mapper: udev must have removed the nodes too.
scripts/vm-run --debian-kernel --udev --timeout 900 --results "$uout" -- bash -c \
	'POWERCUT_DEBUG=1 ./powercut run "$1" -o "$2"; rc=$?
	 echo "guest-mapper: $(ls /dev/mapper | tr "\n" " ")"; exit $rc' \
	_ "$uout/udev.ini" "$uout" >"$TMP/ustdout" 2>"$TMP/ustderr" || rc=$?
uelapsed=$(($(date +%s) - ustart))
tr -d '\r' <"$TMP/ustdout" >"$TMP/uconsole"
grep -E '^\|' "$TMP/uconsole" || true
if [ "$rc" -ne 0 ]; then
	cat "$TMP/ustderr"
	tail -n 40 "$TMP/uconsole"
	fail "vm-run --udev exited $rc"
fi
[ -s "$uout/results.json" ] || fail "--udev: no results.json from the guest"
grep -q 'powercut-vm: udev: systemd-udevd running, devices settled' "$TMP/uconsole" ||
	fail "--udev: vm-run did not start udev in the guest"
grep -q 'powercut: dm: udev sync on (udev is running)' "$TMP/uconsole" ||
	fail "--udev: the dm backend did not sync with udev"
n=$(grep -c 'powercut: dm: /dev/mapper/pc-[0-9-]* is a symlink (made by udev)' "$TMP/uconsole" || true)
[ "$n" -eq 2 ] || fail "--udev: udev made $n of the 2 /dev/mapper nodes"
grep -qx 'guest-mapper: control ' "$TMP/uconsole" ||
	fail "--udev: /dev/mapper not empty after the run: $(grep guest-mapper "$TMP/uconsole")"
n=$(jq '.cases | length' "$uout/results.json")
[ "$n" -eq 2 ] || fail "--udev: expected 2 cases, got $n"
for mode in none syncfs; do
	id="dm/ext4/$mode"
	[ "$(case_field "$uout" "$id" .backend)" = dm ] || fail "--udev $id: backend is not dm"
	assert_case_ok "$uout" "$id" --udev
done
lost=$(case_field "$uout" dm/ext4/none .lost)
[ "$lost" -gt 0 ] || fail "--udev dm/ext4/none lost nothing: the cut was not effective"
lost=$(case_field "$uout" dm/ext4/syncfs .lost)
[ "$lost" -eq 0 ] || fail "--udev dm/ext4/syncfs lost $lost entries"

# vm-run removed its scratch disks.
scratch_after=$(ls -d /var/tmp/vm-run.* 2>/dev/null || true)
[ "$scratch_after" = "$scratch_before" ] || fail "scratch folder left: $scratch_after"
echo "test-vm-dm: kernel $kernel, $elapsed s without udev, $uelapsed s with udev"
pass
