#!/usr/bin/env bash
# SIGINT and SIGTERM in the middle of a case: teardown, exit 128+N, nothing left.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

for sig in INT TERM; do
	"$POWERCUT" run --workdir "$WORK" scenarios/default.ini -o "$TMP/out-$sig" > "$TMP/o" 2> "$TMP/e" &
	pid=$!
	# Wait until the filesystem of the first case is mounted (unpack is under way).
	for _ in $(seq 1 200); do
		awk -v p="$WORK/" 'index($5, p) == 1 && $5 ~ /\/mnt$/ {f=1} END {exit !f}' /proc/self/mountinfo && break
		sleep 0.05
	done
	awk -v p="$WORK/" 'index($5, p) == 1 && $5 ~ /\/mnt$/ {f=1} END {exit !f}' /proc/self/mountinfo || fail "$sig: the case never mounted"
	workdir=$(cat "/run/powercut/$pid")
	[ -d "$workdir" ] || fail "no registered work folder for pid $pid"
	kill -s "$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	want=$((128 + $(kill -l "$sig")))
	[ "$rc" -eq "$want" ] || { cat "$TMP/e"; fail "SIG$sig: exit $rc, expected $want"; }
	assert_no_leftovers
	[ ! -e "$workdir" ] || fail "SIG$sig: work folder $workdir left"
	[ ! -e "/run/powercut/$pid" ] || fail "SIG$sig: registration left"
	# junit.xml lists every planned case: the ones never reached are
	# errors "not run" (left out, a CI page showed fewer tests, no problem).
	out=$TMP/out-$sig
	planned=$(jq '.planned' "$out/results.json")
	ran=$(jq '.cases | length' "$out/results.json")
	[ "$planned" -eq 3 ] && [ "$ran" -lt 3 ] || fail "SIG$sig: $ran of $planned cases in results.json"
	[ "$(grep -c '<testcase ' "$out/junit.xml")" -eq 3 ] || { cat "$out/junit.xml"; fail "SIG$sig: junit.xml lacks the cases not run"; }
	[ "$(grep -c 'type="not run"' "$out/junit.xml")" -eq $((3 - ran)) ] || { cat "$out/junit.xml"; fail "SIG$sig: not-run cases are not errors"; }
	grep -q "<testsuites name=\"powercut\" tests=\"3\" " "$out/junit.xml" || fail "SIG$sig: junit.xml counts"
	xmllint --noout --schema tests/junit.xsd "$out/junit.xml" || fail "SIG$sig: junit.xml not valid"
done
pass
