#!/usr/bin/env bash
# scripts/vm-run sent SIGTERM or SIGHUP while its guest runs (a CI job's
# timeout, an SSH hang-up): the guest is stopped, the scratch folder goes,
# and the exit status is 128+N, as powercut run's and qualify's.  Before,
# it was 3, which says the VM could not be built or booted (an environment
# error), not that someone stopped it.  A stand-in qemu plays a guest that
# never ends; no kernel boots.  (SIGINT is not sent: a background job of a
# script starts with SIGINT ignored, and bash cannot trap it then.)
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root (vm-run)"

bz=$TMP/bzImage
fake_bzimage "$bz"
gq=$TMP/guestbin
mkdir -p "$gq"
cat >"$gq/qemu-system-x86_64" <<QEMU
#!/bin/bash
echo \$\$ >"$TMP/guest.pid"
exec sleep 600
QEMU
chmod +x "$gq/qemu-system-x86_64"

for sig in TERM HUP; do
	rm -f "$TMP/guest.pid"
	mkdir -p "$TMP/scratch-$sig"
	(cd "$TMP" && PATH=$gq:$PATH TMPDIR=$TMP/scratch-$sig exec "$TOP/scripts/vm-run" \
		--kernel "$bz" --accel tcg --results "$TMP/r-$sig" -- true) >"$TMP/out-$sig" 2>&1 &
	vm=$!
	for _ in $(seq 1 600); do
		[ -s "$TMP/guest.pid" ] && break
		sleep 0.1
	done
	[ -s "$TMP/guest.pid" ] || { cat "$TMP/out-$sig"; fail "the stand-in guest never started"; }
	guest=$(cat "$TMP/guest.pid")
	kill -"$sig" "$vm"
	rc=0
	wait "$vm" || rc=$?
	want=$((128 + $(kill -l "$sig")))
	[ "$rc" -eq "$want" ] || { cat "$TMP/out-$sig"; fail "vm-run after SIG$sig exited $rc, expected $want"; }
	grep -q 'interrupted; the guest was stopped' "$TMP/out-$sig" ||
		{ cat "$TMP/out-$sig"; fail "vm-run did not say the guest was stopped"; }
	if kill -0 "$guest" 2>/dev/null; then
		kill -KILL "$guest"
		fail "the guest (pid $guest) still runs after vm-run's SIG$sig"
	fi
	left=$(ls -A "$TMP/scratch-$sig")
	[ -z "$left" ] || fail "vm-run left its scratch folder after SIG$sig: $left"
done
pass
