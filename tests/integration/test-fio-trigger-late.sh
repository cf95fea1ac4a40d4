#!/usr/bin/env bash
# A job that ends right after powercut touched fio's trigger file, before
# fio acted on it (it looks at each status report): nothing was cut in the
# job's middle, and the case is an error that says so and what to do (the
# reason ended in 'after the trigger: ' and nothing, seen with real jobs
# of 4 MiB at cut_at = 50%).  A fake fio ends as soon as the trigger file
# is there, without saving its state.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# fio itself checks the job file (and runs its set-up only); the write
# pass ends once the trigger file is there
fake_fio_write_pass 'trig=
for a; do case $a in --trigger-file=*) trig=${a#--trigger-file=} ;; esac; done
[ -n "$trig" ] || { echo "fake fio: no --trigger-file" >&2; exit 9; }
while [ ! -e "$trig" ]; do sleep 0.05; done
exit 0'
fio_cut_scenario "$TMP/late.ini" 0.5s "expect = intact"

rc=0
PATH="$TMP/bin:$PATH" pc_run "$TMP/late.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 1 (the case an error)"; }
reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cases"][0]["reason"])' \
	"$TMP/out/results.json")
case "$reason" in
*"fio ended (exit 0"*"after the trigger"*"before fio acted on it"*"nothing was cut in the middle of the job"*"cut earlier"*) ;;
*) fail "reason: '$reason'" ;;
esac
grep -q '"verdict": "error"' "$TMP/out/results.json" || fail "the case is not an error"
assert_no_leftovers
pass
