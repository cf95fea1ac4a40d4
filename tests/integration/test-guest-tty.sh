#!/usr/bin/env bash
# README: powercut's status line shows on a terminal, "nothing when stderr
# is not a terminal".  Under scripts/vm-run the guest's command writes to
# the guest's console, a terminal whatever vm-run's own output is, so a
# nightly job's log and vm-console.log got a status line per phase of every
# case.  vm-run whose output is not a terminal now gives the command a
# standard error that is not one either (a pipe to the console); on a
# terminal the command keeps the console.  A stand-in qemu plays the
# guest: it runs the command with a terminal (script(1)) as the console.
# No kernel boots.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root (vm-run)"

# A file vm-run reads as a bzImage of release 6.1.0-fake (lib.sh).
bz=$TMP/bzImage
fake_bzimage "$bz"

gq=$TMP/guestbin
mkdir -p "$gq"
cat >"$gq/qemu-system-x86_64" <<'QEMU'
#!/bin/bash
log= job=
while [ $# -gt 0 ]; do
	case $1 in
	-chardev) log=${2#*logfile=}; log=${log%%,*} ;;
	-virtfs) case $2 in *mount_tag=pcjob*) job=${2#*path=}; job=${job%%,*} ;; esac ;;
	esac
	shift
done
. "$job/env"
# The guest's console: a terminal.
rc=0
script -qefc "env -i bash $job/cmd" /dev/null >>"$log" 2>&1 </dev/null || rc=$?
echo "powercut-vm-exit:$PCVM_NONCE:$rc" >>"$log"
QEMU
chmod +x "$gq/qemu-system-x86_64"

probe='if [ -t 2 ]; then echo "stderr: terminal"; else echo "stderr: not a terminal"; fi; echo "to stderr" >&2; exit 7'

# vm-run's output in a file, as in CI: the command's stderr is no terminal,
# its output still arrives, its exit status is vm-run's.
rc=0
(cd "$TMP" && PATH=$gq:$PATH TMPDIR=$TMP "$TOP/scripts/vm-run" --kernel "$bz" --accel tcg \
	--results "$TMP/r1" -- bash -c "$probe") >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 7 ] || { cat "$TMP/out"; fail "vm-run exited $rc, expected the command's 7"; }
grep -q 'stderr: not a terminal' "$TMP/r1/vm-console.log" ||
	{ cat "$TMP/r1/vm-console.log"; fail "vm-run writing to a file: the guest command's stderr is a terminal"; }
grep -q 'to stderr' "$TMP/r1/vm-console.log" ||
	{ cat "$TMP/r1/vm-console.log"; fail "the guest command's stderr was lost"; }

# vm-run on a terminal: the command keeps the console, a terminal.
rc=0
(cd "$TMP" && PATH=$gq:$PATH TMPDIR=$TMP script -qefc \
	"$(printf '%q ' "$TOP/scripts/vm-run" --kernel "$bz" --accel tcg --results "$TMP/r2" -- bash -c "$probe")" \
	/dev/null) >"$TMP/out" 2>&1 </dev/null || rc=$?
[ "$rc" -eq 7 ] || { cat "$TMP/out"; fail "vm-run on a terminal exited $rc, expected the command's 7"; }
grep -q 'stderr: terminal' "$TMP/r2/vm-console.log" ||
	{ cat "$TMP/r2/vm-console.log"; fail "vm-run on a terminal: the guest command's stderr is not one"; }
pass
