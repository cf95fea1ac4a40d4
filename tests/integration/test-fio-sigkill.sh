#!/usr/bin/env bash
# SIGKILL to powercut while fio runs (a CI job's hard timeout, the OOM
# killer): fio's job processes go with it.  fio itself dies with powercut
# (its parent-death signal), but the processes fio forks have none: one
# outlived a SIGKILLed run by 13 minutes, asleep with parent 1, and
# `powercut cleanup` did not look for it.  fio now runs as PID 1 of a PID
# namespace of its own, so the kernel ends everything in it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# fio itself checks the job file (and runs its set-up only); the write
# pass starts a job process that ignores its parent's death (as fio's do),
# named so that it can be found from here, then runs the real fio.
token=pc-fio-straggler-$$-$RANDOM
fake_fio_write_pass "(exec -a $token sleep 1000) &
touch '$TMP/started'
while :; do sleep 0.2; done"
fio_cut_scenario "$TMP/k.ini" 50%

PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/k.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" &
pid=$!
for _ in $(seq 1 600); do [ -e "$TMP/started" ] && pgrep -f "^$token" > /dev/null && break; sleep 0.1; done
pgrep -f "^$token" > /dev/null || { cat "$TMP/e"; fail "the fake fio's job process never started"; }
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true
# gone once the kernel has torn the namespace down
for _ in $(seq 1 50); do pgrep -f "^$token" > /dev/null || break; sleep 0.1; done
left=$(pgrep -f "^$token" || true)
if [ -n "$left" ]; then
	kill -KILL $left
	"$POWERCUT" cleanup > /dev/null 2>&1 || true
	fail "fio's job process ($left) outlived the SIGKILLed run"
fi
"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup after the SIGKILLed run failed"; }
assert_no_leftovers
pass
