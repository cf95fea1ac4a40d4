#!/usr/bin/env bash
# SIGINT while `powercut run` reads its scenario (here: fio's check of the
# job file, which runs before any case), sent to a run started in the
# background of a script, which starts with SIGINT ignored (a CI script's
# `powercut run ... & ... kill -INT $pid`): the run stops before its first
# case, exit 130, no results folder, nothing left.  Before, the signal was
# dropped (still ignored until the runner put its handler in place) and
# the run went on to its end.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# fio whose first run (the job file check at load) waits until the test
# has sent its SIGINT, then runs the real fio.
mkdir -p "$TMP/bin"
cat > "$TMP/bin/fio" <<SH
#!/usr/bin/env bash
if mkdir "$TMP/first-fio" 2> /dev/null; then
	touch "$TMP/first-fio/waiting"
	while [ ! -e "$TMP/sent" ]; do sleep 0.1; done
fi
exec $(command -v fio) "\$@"
SH
chmod +x "$TMP/bin/fio"
printf '[j]\nrw=randwrite\nsize=1m\nbs=4k\nverify=crc32c\n' > "$TMP/j.fio"
printf '[g]\nworkload = fio j.fio\nfs = ext4\nbackend = fuse\nexpect = any\n' > "$TMP/s.ini"

PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" &
pid=$!
for _ in $(seq 1 600); do
	[ -e "$TMP/first-fio/waiting" ] && break
	sleep 0.1
done
[ -e "$TMP/first-fio/waiting" ] || { cat "$TMP/e"; fail "fio's job file check never ran"; }
kill -INT "$pid"
touch "$TMP/sent"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || { cat "$TMP/o" "$TMP/e"; fail "SIGINT during start-up: exit $rc, expected 130"; }
[ ! -e "$TMP/out" ] || { ls -A "$TMP/out"; fail "SIGINT during start-up: a results folder was left"; }
# It says so: the runner before its first case, or fio's check, killed.
grep -q "interrupted by signal 2 before the first case\|j.fio not checked: interrupted" "$TMP/e" ||
	{ cat "$TMP/e"; fail "SIGINT during start-up: powercut did not say it was interrupted"; }
! grep -q refused "$TMP/e" || { cat "$TMP/e"; fail "SIGINT during start-up: the job file is said to be refused"; }

# SIGTERM (its default action: a background job does not ignore it) while
# fio runs its set-up of the jobs in a temporary folder of TMPDIR: the run
# ends by the signal, as before, but the folder (and the files fio made in
# it) is removed first; it stayed.
mkdir -p "$TMP/tmpdir"
# Start a run (results in $1) whose fio holds in its set-up check (a stand-in
# fio, its pid in setup-pid) until sent-term exists; $pid is the run's.
start_held_in_setup() {
	rm -f "$TMP/setup-waiting" "$TMP/sent-term"
	cat > "$TMP/bin/fio" <<SH
#!/usr/bin/env bash
case "\$*" in
*--create_only=1*)
	echo \$\$ > "$TMP/setup-pid"
	touch "\$PWD/made-by-fio" "$TMP/setup-waiting"
	while [ ! -e "$TMP/sent-term" ]; do sleep 0.1; done ;;
esac
exec $(command -v fio) "\$@"
SH
	TMPDIR="$TMP/tmpdir" PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" \
		-o "$1" > "$TMP/o" 2> "$TMP/e" &
	pid=$!
	for _ in $(seq 1 600); do
		[ -e "$TMP/setup-waiting" ] && break
		sleep 0.1
	done
}
start_held_in_setup "$TMP/out2"
[ -e "$TMP/setup-waiting" ] || { cat "$TMP/e"; fail "fio's set-up check never ran"; }
kill -TERM "$pid"
touch "$TMP/sent-term"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 143 ] || { cat "$TMP/o" "$TMP/e"; fail "SIGTERM during fio's set-up: exit $rc, expected 143"; }
[ ! -e "$TMP/out2" ] || fail "SIGTERM during fio's set-up: a results folder was left"
[ -z "$(ls -A "$TMP/tmpdir")" ] ||
	fail "SIGTERM during fio's set-up: left in TMPDIR: $(find "$TMP/tmpdir")"

# SIGKILL there (the OOM killer, a CI job cancelled): no handler runs, the
# folder stays, but it is registered as a run's work folder is, so
# `powercut cleanup` removes it.  Before, nothing knew of it: every such
# kill left a folder, with fio's files, in TMPDIR.
start_held_in_setup "$TMP/out3"
[ -e "$TMP/setup-waiting" ] || { cat "$TMP/e"; fail "fio's set-up check never ran (SIGKILL)"; }
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true
touch "$TMP/sent-term"
# fio, orphaned, ends its set-up on its own
fpid=$(cat "$TMP/setup-pid")
for _ in $(seq 1 600); do
	kill -0 "$fpid" 2> /dev/null || break
	sleep 0.1
done
[ -n "$(ls -A "$TMP/tmpdir")" ] || fail "SIGKILL during fio's set-up: nothing stayed (the test did not kill it there)"
"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup after SIGKILL during fio's set-up failed"; }
[ -z "$(ls -A "$TMP/tmpdir")" ] ||
	fail "SIGKILL during fio's set-up: cleanup left in TMPDIR: $(find "$TMP/tmpdir")"
assert_no_leftovers
pass
