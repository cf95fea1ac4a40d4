#!/usr/bin/env bash
# SIGKILL during the first case (a CI job's hard timeout in a long first
# case, the OOM killer): results.json, junit.xml and summary.md are there
# with every planned case "not run", so the CI page shows a problem.
# Before, the reports were first written after the first case: such a run
# left only .powercut.lock and an empty cases/, and the CI page nothing.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

out=$TMP/out
# Not pc_run: $! must be powercut's own pid.
"$POWERCUT" run --workdir "$WORK" scenarios/default.ini -o "$out" > "$TMP/o" 2> "$TMP/e" &
pid=$!
# The first case's filesystem is mounted: it is well under way, not done.
first=""
for _ in $(seq 1 1200); do
	first=$(awk -v p="$WORK/" 'index($5, p) == 1 && $5 ~ /\/case-0\/mnt$/ {print $5}' /proc/self/mountinfo)
	[ -n "$first" ] && break
	kill -0 "$pid" 2> /dev/null || break
	sleep 0.05
done
[ -n "$first" ] || { cat "$TMP/e"; fail "the first case never mounted its filesystem"; }
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true

[ -f "$out/results.json" ] || { ls -A "$out"; fail "no results.json after a SIGKILL in the first case"; }
[ "$(jq '.planned' "$out/results.json")" -eq 3 ] || fail "results.json: planned is not 3"
[ "$(jq '.cases | length' "$out/results.json")" -eq 0 ] ||
	{ jq '.cases[].id' "$out/results.json"; fail "results.json lists a case that did not finish"; }
[ "$(grep -c 'type="not run"' "$out/junit.xml")" -eq 3 ] ||
	{ cat "$out/junit.xml"; fail "junit.xml: the three planned cases are not errors 'not run'"; }
xmllint --noout --schema tests/junit.xsd "$out/junit.xml" || fail "junit.xml not valid"
grep -q "not run: 3 of the 3 cases this run planned" "$out/summary.md" ||
	{ cat "$out/summary.md"; fail "summary.md does not say the 3 cases did not run"; }
# compare and merge-results never read it as a whole run.
rc=0
"$POWERCUT" compare "$out" "$out" > "$TMP/cmp" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/cmp"; fail "compare of the killed run: exit $rc, expected 1 (lost coverage)"; }
rc=0
scripts/merge-results.sh "$TMP/merged" "$out" > "$TMP/m" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/m"; fail "merge-results of the killed run: exit $rc, expected 1"; }

"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup failed"; }
assert_no_leftovers
pass
