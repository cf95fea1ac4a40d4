#!/usr/bin/env bash
# A scenario split in shards (run --shard K/N) and merged back
# (scripts/merge-results.sh): every case exactly once, the junit suites and
# case folders of both, and the exit status of the whole.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
MERGE="$TOP/scripts/merge-results.sh"
# The default scenario's three cases on the sample image's smallest layer
# (159 entries): what is tested is the split and the merge, not the unpack.
sed "s|^image = .*|image = $TOP/images/sample/layer3.tar.zst|" scenarios/default.ini > "$TMP/default.ini"
grep -qx "image = $TOP/images/sample/layer3.tar.zst" "$TMP/default.ini" || fail "default.ini's image not replaced"

for k in 1 2; do
	pc_run "$TMP/default.ini" --shard "$k/2" -o "$TMP/s$k" > /dev/null 2> "$TMP/e" ||
		{ cat "$TMP/e"; fail "shard $k/2 failed"; }
done
"$MERGE" "$TMP/all" "$TMP/s1" "$TMP/s2" > /dev/null || fail "merge exited $?"
"$POWERCUT" run --list "$TMP/default.ini" | sort > "$TMP/want"
jq -r '.cases[].id' "$TMP/all/results.json" | sort > "$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "merged cases: $(tr '\n' ' ' < "$TMP/got"), expected $(tr '\n' ' ' < "$TMP/want")"
[ "$(jq '.shards | length' "$TMP/all/results.json")" -eq 2 ] || fail "shards not listed"
# The merged run started with its first shard and finished with its last
# (shard 1 given as if it ran second: min and max, not the first's).
jq '.started = "2030-01-01T03:00:00Z" | .finished = "2030-01-01T03:10:00Z"' "$TMP/s1/results.json" >"$TMP/t1.json"
jq '.started = "2030-01-01T02:00:00Z" | .finished = "2030-01-01T02:10:00Z"' "$TMP/s2/results.json" >"$TMP/t2.json"
mv "$TMP/t1.json" "$TMP/s1/results.json" && mv "$TMP/t2.json" "$TMP/s2/results.json"
"$MERGE" "$TMP/timed" "$TMP/s1" "$TMP/s2" > /dev/null || fail "merge of timed shards exited $?"
[ "$(jq -r '"\(.started) \(.finished) \(.shards[0].started)"' "$TMP/timed/results.json")" = \
	"2030-01-01T02:00:00Z 2030-01-01T03:10:00Z 2030-01-01T03:00:00Z" ] ||
	fail "merged start and end: $(jq -c '[.started, .finished]' "$TMP/timed/results.json")"
[ "$(grep -c '<testcase ' "$TMP/all/junit.xml")" -eq 3 ] || fail "junit: not 3 test cases"
[ "$(grep -c '<testsuite ' "$TMP/all/junit.xml")" -eq 2 ] || fail "junit: not 2 suites"
[ "$(ls "$TMP/all/cases" | wc -l)" -eq 3 ] || fail "case folders: $(ls "$TMP/all/cases")"
grep -q '^- cases: 3 (3 pass, 0 fail, 0 error, 0 flaky, 0 known, 0 unexpected pass)' "$TMP/all/summary.md" || fail "summary.md: no merged count"

# A failed case anywhere makes the merge exit 1, as run does (results.json
# and junit.xml both say it failed).
cp -a "$TMP/s2" "$TMP/s2bad"
jq '.cases[0].verdict = "fail" | .cases[0].outcome = "fail"' "$TMP/s2/results.json" > "$TMP/s2bad/results.json"
awk '{print} /<testcase / && !done {print "      <failure message=\"lost\" type=\"fail\">lost</failure>"; done=1}' \
	"$TMP/s2/junit.xml" > "$TMP/s2bad/junit.xml"
rc=0
"$MERGE" "$TMP/bad" "$TMP/s1" "$TMP/s2bad" > /dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "merge with a failed case exited $rc, expected 1"
# A case in two folders, or an existing OUT: refused with 2.
rc=0
"$MERGE" "$TMP/twice" "$TMP/s1" "$TMP/s1" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "more than one folder" "$TMP/e" || fail "a case merged twice: exit $rc"
rc=0
"$MERGE" "$TMP/all" "$TMP/s1" > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "merge into an existing folder exited $rc, expected 2"
# OUT where others can make names (below a 0777 folder that is not sticky):
# they could plant OUT/results.json -> FILE before the merge writes it.
mkdir -m 0777 "$TMP/open"
rc=0
"$MERGE" "$TMP/open/m" "$TMP/s1" "$TMP/s2" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "$TMP/open is writable by others" "$TMP/e" ||
	{ cat "$TMP/e"; fail "merge into a folder others can write to: exit $rc, expected 2"; }
[ -z "$(ls -A "$TMP/open")" ] || fail "merge wrote below a folder others can write to"
# Group-writable: refused for a group others may be in; not for the
# owner's private group (a Debian user's checkout under umask 002; root's
# group here, which has no other member).
mkdir -m 0775 "$TMP/grp"
chown 0:12345 "$TMP/grp"
rc=0
"$MERGE" "$TMP/grp/m" "$TMP/s1" "$TMP/s2" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "$TMP/grp is writable by others" "$TMP/e" ||
	{ cat "$TMP/e"; fail "merge below a folder of another group: exit $rc, expected 2"; }
chown 0:0 "$TMP/grp"
rc=0
"$MERGE" "$TMP/grp/m" "$TMP/s1" "$TMP/s2" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -le 1 ] && [ -s "$TMP/grp/m/results.json" ] ||
	{ cat "$TMP/e"; fail "merge below the owner's private group's folder: exit $rc"; }
# Folders that are not shards of one run are refused with 2, naming why:
# another kernel, another scenario file, a results file that is not one
# (truncated, cases not a list).
refused() { # WHAT WANT-IN-STDERR DIR...
	local what=$1 want=$2 rc=0
	shift 2
	rm -rf "$TMP/out"
	"$MERGE" "$TMP/out" "$@" > /dev/null 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "$want" "$TMP/e" || { cat "$TMP/e"; fail "merge of $what: exit $rc"; }
	[ ! -e "$TMP/out" ] || fail "merge of $what left $TMP/out"
}
edited() { # NAME JQ-FILTER: a copy of s2 with its results.json edited
	cp -a "$TMP/s2" "$TMP/$1"
	jq "$2" "$TMP/s2/results.json" > "$TMP/$1/results.json"
}
edited s2kernel '.kernel = "5.10.0-1-amd64"'
refused "two kernels" "different kernels" "$TMP/s1" "$TMP/s2kernel"
edited s2scen '.scenario = "/elsewhere/matrix.ini"'
refused "two scenarios" "different scenarios" "$TMP/s1" "$TMP/s2scen"
# Shards judged by two powercut versions (or one older than the field).
[ "$(jq -r .powercut "$TMP/s1/results.json")" = "$("$POWERCUT" --version | cut -d' ' -f2)" ] ||
	fail "results.json does not name the powercut that wrote it"
edited s2ver '.powercut = "0.0.9"'
refused "two powercut versions" "different powercut versions: 0.0.9 0.1.0" "$TMP/s1" "$TMP/s2ver"
edited s2nover 'del(.powercut)'
refused "a shard older than the version field" "different powercut versions: (not recorded: older)" "$TMP/s1" "$TMP/s2nover"
# Shards run with other options that change verdicts (results.json
# "options": --known files by content, --retries, --flaky-ok,
# --tool-timeout) are not one run: they were merged as one.
[ "$(jq -c .options "$TMP/s1/results.json")" = \
  '{"known":[],"scenario_known":[],"retries":null,"flaky_ok":false,"tool_timeout":null}' ] ||
	fail "results.json does not record the run's options: $(jq -c .options "$TMP/s1/results.json")"
printf 'nothing/* fails=any # no such case\n' > "$TMP/known.txt"
pc_run "$TMP/default.ini" --shard 2/2 --known "$TMP/known.txt" --retries 1 --flaky-ok \
	--tool-timeout 900 -o "$TMP/s2opt" > /dev/null 2> "$TMP/e" || { cat "$TMP/e"; fail "shard 2/2 with options failed"; }
sum=$(sha256sum < "$TMP/known.txt" | cut -d' ' -f1)
[ "$(jq -c .options "$TMP/s2opt/results.json")" = \
  "{\"known\":[{\"path\":\"$TMP/known.txt\",\"sha256\":\"$sum\"}],\"scenario_known\":[],\"retries\":1,\"flaky_ok\":true,\"tool_timeout\":900}" ] ||
	fail "results.json does not record --known, --retries, --flaky-ok, --tool-timeout: $(jq -c .options "$TMP/s2opt/results.json")"
refused "shards run with other options" "different run options: known= .*known=$sum" "$TMP/s1" "$TMP/s2opt"
for e in '.options.retries = 2' '.options.flaky_ok = true' '.options.tool_timeout = 60' \
	'.options.known = [{"path": "/ci/known.txt", "sha256": "'"$sum"'"}]' \
	'.options.scenario_known = [{"path": "/ci/known.txt", "sha256": "'"$sum"'"}]'; do
	edited s2o "$e"
	refused "a shard run with $e" "different run options" "$TMP/s1" "$TMP/s2o"
	rm -rf "$TMP/s2o"
done
# A shard that does not record them (older): not known to be the same.
edited s2noopt 'del(.options)'
refused "a shard older than the options field" "different run options: (not recorded: older)" "$TMP/s1" "$TMP/s2noopt"
# The same known file's content from another path (another checkout): one run.
cp -a "$TMP/s2opt" "$TMP/s2optpath"
jq '.options.known[0].path = "/other/checkout/k.txt"' "$TMP/s2opt/results.json" > "$TMP/s2optpath/results.json"
cp -a "$TMP/s1" "$TMP/s1opt"
jq --slurpfile o <(jq .options "$TMP/s2opt/results.json") '.options = $o[0]' "$TMP/s1/results.json" \
	> "$TMP/s1opt/results.json"
"$MERGE" "$TMP/optall" "$TMP/s1opt" "$TMP/s2optpath" > /dev/null || fail "shards with one known file's content from two paths refused"
[ "$(jq -c .options.known "$TMP/optall/results.json")" = "$(jq -c .options.known "$TMP/s1opt/results.json")" ] ||
	fail "the merged results.json does not record the shards' options"
# compare says the options changed (a verdict may have changed because of them).
"$POWERCUT" compare "$TMP/s2" "$TMP/s2opt" > "$TMP/cmp.out" || true
grep -qF "**BASE and NEW ran with different options that change verdicts** (BASE: none; NEW: --known known.txt (sha256 ${sum:0:12}) --retries 1 --flaky-ok --tool-timeout 900)" \
	"$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "compare does not say the options changed"; }
"$POWERCUT" compare "$TMP/s2noopt" "$TMP/s2" > "$TMP/cmp.out" || true
grep -qF "**BASE does not record the run's options that change verdicts**" "$TMP/cmp.out" ||
	{ cat "$TMP/cmp.out"; fail "compare does not say BASE's options are not known"; }
edited s2obj '.cases = {}'
refused "cases as an object" "not a powercut results file" "$TMP/s1" "$TMP/s2obj"
cp -a "$TMP/s2" "$TMP/s2trunc"
head -c 300 "$TMP/s2/results.json" > "$TMP/s2trunc/results.json"
refused "a truncated file" "not a powercut results file" "$TMP/s1" "$TMP/s2trunc"
# Every folder that is no results folder is named, not only the first (a
# night missing two shards said one).
mkdir -p "$TMP/s3none"
refused "three bad folders" "3 of 4 folders are not results folders (named above): nothing merged" \
	"$TMP/s1" "$TMP/s2obj" "$TMP/s2trunc" "$TMP/s3none"
for d in s2obj s2trunc; do
	grep -qF "merge-results: $TMP/$d/results.json: not a powercut results file" "$TMP/e" ||
		{ cat "$TMP/e"; fail "merge of three bad folders: $d not named"; }
done
grep -qF "merge-results: $TMP/s3none: no results.json" "$TMP/e" || { cat "$TMP/e"; fail "merge of three bad folders: s3none not named"; }
# A case edited by hand is refused by powercut's reader, naming the field;
# each was merged and counted as passing, exit 0.
edited s2contra '.cases[0].outcome = "pass" | .cases[0].verdict = "error"'
refused "an error edited to outcome pass" "cases\[0\].outcome: 'pass' with verdict 'error'" "$TMP/s1" "$TMP/s2contra"
edited s2unknown '.cases[0].outcome = "passed"'
refused "an unknown outcome" "cases\[0\].outcome: not pass" "$TMP/s1" "$TMP/s2unknown"
edited s2string '.cases[0].lost = "3"'
refused "a count as a string" "cases\[0\].lost: not an integer" "$TMP/s1" "$TMP/s2string"
# The junit.xml merged for the CI page must be the shard's own: missing,
# or holding other cases than its results.json, is refused
# (it was left out, or merged, silently).
cp -a "$TMP/s2" "$TMP/s2nojunit"
rm "$TMP/s2nojunit/junit.xml"
refused "a shard without junit.xml" "no junit.xml beside its results.json" "$TMP/s1" "$TMP/s2nojunit"
cp -a "$TMP/s2" "$TMP/s2otherjunit"
cp "$TMP/s1/junit.xml" "$TMP/s2otherjunit/junit.xml"
[ "$(jq '.cases | length' "$TMP/s1/results.json")" != "$(jq '.cases | length' "$TMP/s2/results.json")" ] ||
	fail "the shards have as many cases: the junit check below proves nothing"
refused "another run's junit.xml" "does not hold the test cases of its results.json" "$TMP/s1" "$TMP/s2otherjunit"
# Case by case, not by count: a junit.xml that says pass where its
# results.json says fail (the CI page would show a pass), or that names
# other cases, is refused (the same count let both through).
cp -a "$TMP/s2" "$TMP/s2verdict"
jq '.cases[0].verdict = "fail" | .cases[0].outcome = "fail"' "$TMP/s2/results.json" > "$TMP/s2verdict/results.json"
refused "a junit.xml that passes a failed case" \
	"does not hold the test cases of its results.json (by id and verdict: junit.xml: pass $(jq -r '.cases[0].id' "$TMP/s2/results.json")" \
	"$TMP/s1" "$TMP/s2verdict"
cp -a "$TMP/s2" "$TMP/s2ids"
sed 's/name="\([^"]*\)" time=/name="\1-other" time=/' "$TMP/s2/junit.xml" > "$TMP/s2ids/junit.xml"
refused "a junit.xml of other cases" "does not hold the test cases of its results.json" "$TMP/s1" "$TMP/s2ids"
# Shards whose cases of one group ran with other settings (the scenario
# edited between the shards' checkouts), or a shard beside a folder that
# is no shard: not one run.
edited s2set '.cases[0].settings |= sub("device_size=[^ ]*"; "device_size=1048576")'
[ "$(jq -r '.cases[0].group' "$TMP/s2/results.json")" = "$(jq -r '.cases[0].group' "$TMP/s1/results.json")" ] ||
	fail "the shards' first cases are of two groups: the settings check below proves nothing"
refused "a group's settings edited between shards" "ran with other settings or image files" "$TMP/s1" "$TMP/s2set"
edited s2noshard 'del(.shard)'
refused "a shard beside an unsharded folder" "some folders are shards" "$TMP/s1" "$TMP/s2noshard"
# The same scenario from another checkout path is one run.
edited s2path '.scenario |= "/other/checkout/" + (split("/") | last)'
"$MERGE" "$TMP/paths" "$TMP/s1" "$TMP/s2path" > /dev/null || fail "shards from two checkouts refused"
# Each shard records what it was to check; a shard not given is cases not
# checked: exit 1 naming the shards given, and compare of the merged
# folder says coverage was lost even without a baseline that has them.
[ "$(jq -c '.shard' "$TMP/s1/results.json")" = '{"k":1,"n":2,"scenario_cases":3}' ] ||
	fail "shard not recorded: $(jq -c '.shard' "$TMP/s1/results.json")"
[ "$(jq '.planned' "$TMP/all/results.json")" -eq 3 ] || fail "merged: planned not 3"
rc=0
"$MERGE" "$TMP/one" "$TMP/s1" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] && grep -q "of the 3 planned cases merged (shards given: 1/2)" "$TMP/e" ||
	{ cat "$TMP/e"; fail "merge without shard 2 exited $rc, expected 1"; }
grep -q '^- \*\*not merged: 1 of the 3 planned cases\*\* (shards given: 1/2): not checked$' "$TMP/one/summary.md" ||
	{ cat "$TMP/one/summary.md"; fail "summary.md of a merge without shard 2 does not say what is missing"; }
# ... and its junit.xml, the CI page, shows shard 2 as an error "not run"
# (left out, the page showed fewer tests and no problem).
grep -q '<error message="not run: shard 2/2 was not merged: its 1 cases were not checked" type="not run"/>' \
	"$TMP/one/junit.xml" || { cat "$TMP/one/junit.xml"; fail "junit.xml of a merge without shard 2 does not show it"; }
xmllint --noout --schema tests/junit.xsd "$TMP/one/junit.xml" 2> "$TMP/e" || { cat "$TMP/e"; fail "merged junit.xml not valid"; }
# An interrupted shard's junit.xml lists the cases it did not reach as
# errors "not run": one run's files still, merged (exit 1: not checked).
cp -a "$TMP/s1" "$TMP/s1cut"
jq '.cases |= .[:1] | .planned = 2' "$TMP/s1/results.json" > "$TMP/s1cut/results.json"
awk '/<testcase /{n++} n==2 && /<testcase /{print "    <testcase classname=\"g\" name=\"x\" time=\"0.000\">\n      <error message=\"not run\" type=\"not run\"/>\n    </testcase>"; skip=1}
	skip && /<\/testcase>/{skip=0; next} !skip' "$TMP/s1/junit.xml" > "$TMP/s1cut/junit.xml"
[ "$(grep -c '<testcase ' "$TMP/s1cut/junit.xml")" -eq 2 ] || { cat "$TMP/s1cut/junit.xml"; fail "s1cut: junit not edited"; }
rc=0
"$MERGE" "$TMP/cut" "$TMP/s1cut" "$TMP/s2" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] && grep -q "has 1 of its 2 planned cases" "$TMP/e" || { cat "$TMP/e"; fail "merge of an interrupted shard exited $rc"; }
rc=0
"$POWERCUT" compare "$TMP/one" "$TMP/one" > "$TMP/cmp.out" || rc=$?
[ "$rc" -eq 1 ] && grep -q "cases its run planned" "$TMP/cmp.out" || fail "compare of a merge missing a shard exited $rc"
# Shards of different splits, or a shard twice: not one run.
edited s2n '.shard.n = 3'
refused "two splits" "different shard counts" "$TMP/s1" "$TMP/s2n"
# A results format newer than the script's is not understood.
[ "$(jq '.format' "$TMP/all/results.json")" -eq 1 ] || fail "merged: no format"
edited s2fmt '.format = 2'
refused "two formats" "different formats" "$TMP/s1" "$TMP/s2fmt"
refused "a newer format" "format 2 is newer" "$TMP/s2fmt"
"$POWERCUT" compare "$TMP/all" "$TMP/s2fmt" > /dev/null 2> "$TMP/e" && fail "compare read a newer format"
grep -q 'format: 2 is newer than this powercut reads' "$TMP/e" || fail "compare: $(cat "$TMP/e")"
edited s2k '.shard.k = 1'
refused "a shard twice" "shard 1/2 given twice" "$TMP/s1" "$TMP/s2k"
# Folders without any case: nothing was checked, never a pass.
edited s2empty '.cases = []'
printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="powercut" tests="0"></testsuites>\n' \
	> "$TMP/s2empty/junit.xml"
rc=0
"$MERGE" "$TMP/empty" "$TMP/s2empty" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] && grep -q "nothing was checked" "$TMP/e" || fail "merge of no case exited $rc, expected 1"
# A merge killed midway (a CI step's timeout) leaves no OUT: neither a
# folder whose results.json compare would read as a whole merge, nor one
# that makes the next merge refuse "OUT exists".  Before, OUT stayed with
# results.json, junit.xml, summary.md.  A cp that says when it runs and
# then waits holds the merge at copying the case folders, its last step.
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho $$ > "%s/cp.pid"\nexec sleep 60\n' "$TMP" > "$TMP/bin/cp"
chmod +x "$TMP/bin/cp"
set -m # the merge in its own process group, as a CI step's
for sig in TERM KILL; do
	rm -f "$TMP/cp.pid"
	PATH="$TMP/bin:$PATH" "$MERGE" "$TMP/killed/out" "$TMP/s1" "$TMP/s2" > /dev/null 2>&1 &
	mpid=$!
	for _ in $(seq 1 600); do [ -s "$TMP/cp.pid" ] && break; sleep 0.05; done
	[ -s "$TMP/cp.pid" ] || fail "the merge never copied the case folders"
	# A live merge's folder is registered (/run/powercut) but not cleanup's.
	stage=$(ls -A "$TMP/killed")
	[[ "$stage" == .out.merge.?????? ]] || fail "the held merge's folder: '$stage'"
	"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup during a merge failed"; }
	[ -d "$TMP/killed/$stage/cases" ] || { cat "$TMP/c"; fail "cleanup removed a live merge's folder"; }
	kill "-$sig" -- "-$mpid"
	rc=0; wait "$mpid" 2> /dev/null || rc=$?
	kill "$(cat "$TMP/cp.pid")" 2> /dev/null || true
	[ "$rc" -eq $((128 + $(kill -l "$sig"))) ] || fail "merge killed by SIG$sig: exit $rc"
	[ ! -e "$TMP/killed/out" ] || { ls -A "$TMP/killed/out"; fail "merge killed by SIG$sig left its OUT"; }
	[ "$sig" = KILL ] || [ -z "$(ls -A "$TMP/killed")" ] || fail "merge killed by SIG$sig left $(ls -A "$TMP/killed")"
done
# SIGKILL leaves .out.merge.XXXXXX, registered as a run's work folder is:
# cleanup removes it, and its registration (it did not know it before).
[ -d "$TMP/killed/$stage" ] || fail "the SIGKILLed merge left no $stage"
"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup after a SIGKILLed merge failed"; }
[ -z "$(ls -A "$TMP/killed")" ] || { cat "$TMP/c"; fail "cleanup left the SIGKILLed merge's $(ls -A "$TMP/killed")"; }
grep -qF "removed $TMP/killed/$stage" "$TMP/c" || { cat "$TMP/c"; fail "cleanup did not say it removed $stage"; }
set +m
"$MERGE" "$TMP/killed/out" "$TMP/s1" "$TMP/s2" > /dev/null 2> "$TMP/e" || { cat "$TMP/e"; fail "merge after a killed one failed"; }
[ "$(jq '.cases | length' "$TMP/killed/out/results.json")" -eq "$(jq '.cases | length' "$TMP/all/results.json")" ] || fail "merge after a killed one: not every case"
assert_no_leftovers
pass
