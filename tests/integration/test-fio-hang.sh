#!/usr/bin/env bash
# A fio that hangs and ignores SIGTERM (fio 3.33 does with
# io_submit_mode=offload under --status-interval): SIGTERM to powercut
# still ends the run, within fio's grace period, killing fio and its job
# process (in a session of its own, as fio's are), with nothing left.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# fio itself checks the job file (and runs its set-up only,
# --create_only=1); the write pass hangs.  Its job process is found by
# name: fio runs in a PID namespace of its own, where \$! is not the pid
# seen here.
token=pc-fio-hang-job-$$-$RANDOM
fake_fio_write_pass "trap '' TERM
setsid bash -c 'exec -a $token sleep 1000' &
touch '$TMP/started'
while :; do sleep 0.2; done"
fio_cut_scenario "$TMP/hang.ini" 50%

PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/hang.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" &
pid=$!
job=""
for _ in $(seq 1 600); do [ -e "$TMP/started" ] && job=$(pgrep -f "^$token") && break; sleep 0.1; done
[ -n "$job" ] || { cat "$TMP/e"; fail "the fake fio never started"; }
start=$SECONDS
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 143 ] || { cat "$TMP/e"; fail "exit $rc after SIGTERM, expected 143"; }
[ $((SECONDS - start)) -le 30 ] || fail "powercut took $((SECONDS - start)) s to end"
grep -q "did not end 10 s after SIGTERM" "$TMP/e" || { cat "$TMP/e"; fail "no word of the hung fio"; }
# killed: gone once init has reaped it
for _ in $(seq 1 50); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$job" 2>/dev/null || { kill -KILL "$job"; fail "fio's job process $job left running"; }
assert_no_leftovers
pass
