#!/usr/bin/env bash
# mkfs or fsck killed by a signal that powercut did not send (the OOM
# killer, an admin's kill -9), and an fsck at a crash point that runs past
# tool_timeout: each case is an error naming the tool, never a verdict.
# Before, a SIGKILLed fsck was "fail: fsck found errors" (corruption claimed),
# a SIGKILLed mkfs was exit 2 "mkfs.ext4 ... failed (exit 137)" (the
# scenario blamed), and a crash point's fsck that timed out was "fail: crash
# point ...: fsck could not run", exit 1, where tool_timeout promises an
# error, exit 3.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ -f images/sample/layer1.tar.gz ] || make sample-image > /dev/null
fake_hanging_tools mkfs.ext4 e2fsck
echo 1 > "$TMP/hang-mkfs.ext4" # k/ext4/none: the test kills it
# k/ext4/syncfs's fsck (the test kills it), then cp's own (real), then cp's
# crash point's (timed out).
printf '1\n3\n' > "$TMP/hang-e2fsck"
cat > "$TMP/s.ini" <<EOF
[global]
image = $TOP/images/sample/layer1.tar.gz
backend = fuse
device_size = 256M
fs = ext4
[k]
modes = none syncfs
[cp]
modes = syncfs
crash_points = 1
tool_timeout = 3
EOF

# SIGKILL the fake TOOL once it hangs (its N-th run).
kill_hung() {
	local tool=$1 n=$2 p _
	for _ in $(seq 1 600); do
		[ -e "$TMP/ran-$tool-$n/hung" ] && p=$(pgrep -f -- "bash $TMP/bin/$tool" | head -n 1) &&
			[ -n "$p" ] && break
		sleep 0.1
	done
	[ -n "${p:-}" ] || fail "the fake $tool never hung"
	kill -KILL "$p"
}

rc=0
PATH="$TMP/bin:$PATH" timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" &
run=$!
kill_hung mkfs.ext4 1
kill_hung e2fsck 1
wait "$run" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3 (a tool timed out)"; }
reason() { case_field "$TMP/out" "$1" .reason; }
for id in k/ext4/none k/ext4/syncfs cp/ext4/syncfs; do
	v=$(case_field "$TMP/out" "$id" .verdict)
	[ "$v" = error ] || fail "$id: verdict $v ($(reason "$id")), expected error"
done
outside="sent from outside powercut \(the OOM killer, an admin's kill\?\)"
reason k/ext4/none | grep -Eq "^mkfs.ext4 on /dev/[a-z0-9]+ was killed by signal 9 \(Killed\), $outside: the device was not made" ||
	fail "k/ext4/none: reason '$(reason k/ext4/none)'"
reason k/ext4/syncfs | grep -Eq "^e2fsck on /dev/[a-z0-9]+ was killed by signal 9 \(Killed\), $outside: the check did not run" ||
	fail "k/ext4/syncfs: reason '$(reason k/ext4/syncfs)'"
# Killed from outside: the machine's doing, as a killed fuse server is
# (below), not the case's (it was "case 1").
for id in k/ext4/none k/ext4/syncfs; do
	[ "$(case_field "$TMP/out" "$id" '"\(.error_class) \(.error_exit)"')" = "environment 3" ] ||
		fail "$id: error_class $(case_field "$TMP/out" "$id" '[.error_class, .error_exit]'), expected environment 3"
done
[ "$(case_field "$TMP/out" k/ext4/syncfs .fsck)" = skipped ] || fail "k/ext4/syncfs: fsck not 'skipped'"
reason cp/ext4/syncfs | grep -q "^e2fsck did not end within 3 s (tool_timeout)" ||
	fail "cp/ext4/syncfs: reason '$(reason cp/ext4/syncfs)'"
[ -d "$TMP/ran-e2fsck-3" ] || fail "the crash point's fsck never ran"
[ -z "$(pgrep -f -- "$TMP/bin/")" ] || fail "a hung tool is still running"
assert_no_leftovers

# A SIGKILLed mkfs alone is exit 3 (it was 1).  mkfs crashing (a real
# SIGSEGV: what the case gave it made it crash; the tool is PID 1 of its
# namespace, which a kill -SEGV would not end) is the case's: exit 1,
# error_class case, the reason says it crashed.
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[c]\nfs = ext4\nmodes = none\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/c.ini"
for sig in KILL SEGV; do
	rm -rf "$TMP"/ran-mkfs.ext4-*
	echo 1 > "$TMP/hang-mkfs.ext4"
	if [ "$sig" = SEGV ]; then
		cat > "$TMP/bin/mkfs.ext4" <<'SH'
#!/usr/bin/env bash
ulimit -c 0
exec python3 -c 'import ctypes; ctypes.string_at(0)'
SH
	fi
	rc=0
	PATH="$TMP/bin:$PATH" timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/c.ini" \
		-o "$TMP/out-$sig" > "$TMP/o" 2> "$TMP/e" &
	run=$!
	[ "$sig" = SEGV ] || kill_hung mkfs.ext4 1
	wait "$run" || rc=$?
	r=$(case_field "$TMP/out-$sig" c/ext4/none .reason)
	cls=$(case_field "$TMP/out-$sig" c/ext4/none '"\(.error_class) \(.error_exit)"')
	if [ "$sig" = SEGV ]; then
		[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "mkfs crashed: exit $rc, expected 1"; }
		[ "$cls" = "case 1" ] || fail "mkfs crashed: error_class $cls"
		[[ $r == "mkfs.ext4 on /dev/"*" was killed by signal 11 (Segmentation fault), it crashed: the device was not made"* ]] ||
			fail "mkfs crashed: reason '$r'"
	else
		[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "mkfs killed: exit $rc, expected 3"; }
		[ "$cls" = "environment 3" ] || fail "mkfs killed: error_class $cls"
	fi
	assert_no_leftovers
done
rm -f "$TMP/hang-mkfs.ext4"

# The device dies under mkfs (its fuse server SIGKILLed): mkfs's I/O error
# is not the scenario's mkfs_opts (exit 2) but the machine's: an
# environment error naming the server's death (exit 3; exit 1 before, the
# reason never said the server had died).
cat > "$TMP/bin/mkfs.ext4" <<SH
#!/usr/bin/env bash
touch "$TMP/mkfs-waits"
while [ ! -e "$TMP/mkfs-go" ]; do sleep 0.1; done
exec $(command -v mkfs.ext4) "\$@"
SH
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[d]\nfs = ext4\nmodes = none\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/d.ini"
rc=0
PATH="$TMP/bin:$PATH" timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/d.ini" -o "$TMP/out-d" \
	> "$TMP/o" 2> "$TMP/e" &
run=$!
for _ in $(seq 1 600); do [ -e "$TMP/mkfs-waits" ] && break; sleep 0.1; done
server=$(pgrep -f -- "__fuse-server.*$WORK/") || fail "no fuse server while mkfs waits"
kill -KILL $server
touch "$TMP/mkfs-go"
wait "$run" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "device died under mkfs: exit $rc, expected 3"; }
reason=$(case_field "$TMP/out-d" d/ext4/none .reason)
[[ $reason == "the device failed under the case: the fuse server (pid $server) was killed by signal 9 (Killed)"* ]] ||
	fail "device died under mkfs: reason '$reason'"
# The host's doing: recorded as the environment's, not the case's own.
[ "$(case_field "$TMP/out-d" d/ext4/none '"\(.error_class) \(.error_exit)"')" = "environment 3" ] ||
	fail "device died under mkfs: error_class $(case_field "$TMP/out-d" d/ext4/none '[.error_class, .error_exit]')"
grep -q "Input/output error.*(the device failed under it)" "$TMP/e" ||
	fail "device died under mkfs: mkfs's error not shown: $(cat "$TMP/e")"
assert_no_leftovers

# The server killed once the cut swapped in the plain loop device over
# backing.img: it is out of the device's path, so the remount, verify and
# fsck are the case's own and its verdict stands.
rm -f "$TMP/bin/mkfs.ext4"
rc=0
timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/d.ini" -o "$TMP/out-d2" > "$TMP/o" 2> "$TMP/e" &
run=$!
server=""
for _ in $(seq 1 3000); do
	if losetup -a | grep -F "$WORK/" | grep -q 'backing\.img'; then
		server=$(pgrep -f -- "__fuse-server.*$WORK/") && break
	fi
	sleep 0.01
done
[ -n "$server" ] || fail "no plain loop device over backing.img after the cut"
kill -KILL $server
wait "$run" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/o" "$TMP/e"; fail "server killed after the cut: exit $rc, expected 0"; }
assert_no_leftovers

# fio SIGKILLed before its mid-run cut: the reason says so, not "fio ended
# before cut_at = 90%: make the job bigger or slower".
cp scenarios/jobs/randwrite-sync.fio "$TMP/job.fio"
printf '[global]\nbackend = fuse\ndevice_size = 256M\n[f]\nfs = ext4\nworkload = fio job.fio\ncut_at = 90%%\n' \
	> "$TMP/f.ini"
rc=0
"$POWERCUT" run --workdir "$WORK" "$TMP/f.ini" -o "$TMP/out-f" > "$TMP/o" 2> "$TMP/e" &
run=$!
fio=""
for _ in $(seq 1 600); do
	# fio is PID 1 of a PID namespace, below a powercut standing in for it
	[ -e "$TMP/out-f/cases/f_ext4_none/fio-write.json" ] &&
		fio=$(for c in $(pgrep -P "$run"); do pgrep -P "$c" -x fio; done) && [ -n "$fio" ] && break
	sleep 0.05
done
[ -n "$fio" ] || fail "fio's write pass never started"
kill -KILL $fio
wait "$run" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "fio killed: exit $rc, expected 3"; }
reason=$(case_field "$TMP/out-f" f/ext4/none .reason)
[[ $reason == "fio was killed by signal 9 (Killed), sent from outside powercut "*" after "*", before the cut"* ]] ||
	fail "fio killed: reason '$reason'"
# A tool of the case killed from outside: the machine's doing, as mkfs's
# and fsck's above (it was the case's own error, exit 1).
[ "$(case_field "$TMP/out-f" f/ext4/none '"\(.error_class) \(.error_exit)"')" = "environment 3" ] ||
	fail "fio killed: error_class $(case_field "$TMP/out-f" f/ext4/none '[.error_class, .error_exit]')"
assert_no_leftovers
pass
