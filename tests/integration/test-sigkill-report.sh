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

# `powercut report` killed while it writes the page (a CI step's timeout):
# nothing of it is left beside -o, neither a page nor a temporary file.
# Before, REPORT.html.tmp stayed, after SIGTERM as after SIGKILL.  A
# gnuplot that says when it runs and then waits holds report there.
mkdir -p "$TMP/bin" "$TMP/page"
printf '#!/bin/sh\necho $$ > "%s/gnuplot.pid"\nexec sleep 60\n' "$TMP" > "$TMP/bin/gnuplot"
chmod +x "$TMP/bin/gnuplot"
for sig in TERM KILL; do
	rm -f "$TMP/gnuplot.pid"
	PATH="$TMP/bin:$PATH" "$POWERCUT" report "$out" -o "$TMP/page/r.html" > /dev/null 2>&1 &
	rpid=$!
	for _ in $(seq 1 600); do [ -s "$TMP/gnuplot.pid" ] && break; sleep 0.05; done
	[ -s "$TMP/gnuplot.pid" ] || fail "report never ran gnuplot"
	kill "-$sig" "$rpid"
	rc=0; wait "$rpid" 2> /dev/null || rc=$?
	kill "$(cat "$TMP/gnuplot.pid")" 2> /dev/null || true
	[ "$rc" -eq $((128 + $(kill -l "$sig"))) ] || fail "report killed by SIG$sig: exit $rc"
	[ -z "$(ls -A "$TMP/page")" ] || { ls -la "$TMP/page"; fail "report killed by SIG$sig left $(ls -A "$TMP/page")"; }
done
pass
