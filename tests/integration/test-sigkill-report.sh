#!/usr/bin/env bash
# SIGKILL in the middle of a run (timeout -s KILL in CI, the OOM killer): no
# handler runs, yet results.json, junit.xml and summary.md are there, with
# the cases finished before the kill and every other planned case "not
# run" (never a pass); `powercut cleanup` removes the rest.  Before, such a
# run left no report at all: a CI page showed nothing, not a problem.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

out=$TMP/out
# Not pc_run: $! must be powercut's own pid.
"$POWERCUT" run --workdir "$WORK" scenarios/default.ini -o "$out" > "$TMP/o" 2> "$TMP/e" &
pid=$!
# Kill it once its second case has started: the first is done.
for _ in $(seq 1 1200); do
	[ -d "$out/cases/unpack_ext4_syncfs" ] && break
	kill -0 "$pid" 2> /dev/null || break
	sleep 0.05
done
[ -d "$out/cases/unpack_ext4_syncfs" ] || { cat "$TMP/e"; fail "the second case never started"; }
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true

[ "$(jq '.planned' "$out/results.json")" -eq 3 ] || fail "results.json: planned is not 3"
[ "$(jq -r '[.cases[].id] | join(" ")' "$out/results.json")" = unpack/ext4/none ] ||
	{ jq '.cases[].id' "$out/results.json"; fail "results.json lists other cases than the one finished"; }
[ "$(jq -r '.cases[0].verdict' "$out/results.json")" = pass ] || fail "the finished case did not pass"
[ "$(grep -c '<testcase ' "$out/junit.xml")" -eq 3 ] || fail "junit.xml lacks planned cases"
[ "$(grep -c 'type="not run"' "$out/junit.xml")" -eq 2 ] ||
	{ cat "$out/junit.xml"; fail "junit.xml: the two unfinished cases are not errors 'not run'"; }
xmllint --noout --schema tests/junit.xsd "$out/junit.xml" || fail "junit.xml not valid"
grep -q "not run: 2 of the 3 cases this run planned" "$out/summary.md" ||
	{ cat "$out/summary.md"; fail "summary.md does not say 2 cases did not run"; }
ls -A "$out" | grep -q '\.tmp' && fail "temporary report files left in $out"

"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup failed"; }
assert_no_leftovers
pass
