#!/usr/bin/env bash
# Merge the results folders of a sharded run (`powercut run --shard K/N` on
# N machines) into one, for a CI job's report:
#
#   scripts/merge-results.sh OUT DIR...
#
# OUT appears only when complete: the merge is written to .OUT.merge.XXXXXX
# beside it and renamed (SIGINT, SIGTERM, SIGHUP remove that, exit 128+N).
# OUT/results.json has every case of every DIR (a case id may appear only
# once), "shards" saying which folder, kernel, shard and cases each came
# from (and when it started and finished), "planned", the cases the shards
# were to check together, and "started" and "finished", the first shard's
# start and the last one's end (when every shard records them);
# OUT/junit.xml holds each shard's testsuite; OUT/summary.md puts their
# summaries one after the other; OUT/cases/ gets every case folder.
# Cases keep their outcome (pass, fail, error, flaky with its rate, known,
# unexpected pass) and attempts; `powercut compare` reads the merged folder.
# Exit status as powercut run's: 0 no case failed (pass, known and
# unexpected pass do not fail), 3 the only cases that did erred for the
# environment (results.json error_class: the host failed them, not the
# filesystem; not checked), 1 some failed, errored or was flaky, or
# fewer cases were merged than planned (a shard not given, a run
# interrupted; none at all), or a folder does not record what its run
# planned (an older powercut's: whether a shard is missing is not
# known), 2 bad arguments or inputs (OUT exists, a DIR
# without results.json or with one that is not a results file, a case in
# two DIRs, DIRs that ran different kernels, powercut versions or
# scenario files, by file name, or with different run options that change
# verdicts (results.json "options": --known and the scenario's known files
# by content, --retries, --flaky-ok, --tool-timeout; a DIR that does not
# record them differs from one that does; DIRs that all lack the version
# or the options, an older powercut's, are merged and that is said on
# stderr and in summary.md), or different splits, a shard
# twice, a mix
# of shards and unsharded folders, a case not understood, cases of one
# group run with other settings or image files in two folders (the
# scenario edited between shards), a junit.xml missing or whose test cases
# are not its results.json's (by case id and verdict: pass, fail, error,
# known), an OUT where others can make names: a group- or world-writable
# folder above it that is not sticky), 3
# powercut, jq or xmllint missing (they check the inputs).  jq does the JSON; nothing
# here parses it by hand.  Each DIR's results.json is first read by
# powercut's own reader (`powercut report --check`, as compare and report
# read it): a case whose outcome contradicts its verdict, an unknown
# outcome, a count turned into a string is refused, not merged as a pass.
# (POWERCUT names another binary, for tests.)
set -euo pipefail

die() { echo "merge-results: $*" >&2; exit 2; }
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POWERCUT=${POWERCUT:-$TOP/powercut}

# --help: the comment above, on standard output (exit 0).
if [ $# -eq 1 ] && { [ "$1" = --help ] || [ "$1" = -h ]; }; then
	sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 0
fi
[ $# -ge 2 ] || die "usage: merge-results.sh OUT DIR... (--help describes it)"
out=$1
shift
[ -n "$out" ] || die "OUT is empty: give the path of a new folder"
[ ! -e "$out" ] || die "$out exists; give a new folder"
# shellcheck source=scripts/folder-check.sh
source "$(dirname "${BASH_SOURCE[0]}")/folder-check.sh"
# Written as root by path: no one else may make names where OUT goes.
if why=$(exposed_folder "$out"); then
	die "$out: $why: they could plant a symlink where the merge writes; give a folder only root (or the user who ran sudo) can write to"
fi
for tool in jq xmllint; do
	command -v "$tool" > /dev/null || { echo "merge-results: $tool: not found (scripts/install-deps.sh installs it)" >&2; exit 3; }
done
# Every folder that is not a results folder is named, not only the first
# (a night's shards: each one that did not upload is worth knowing).
bad=()
for d in "$@"; do
	[ -f "$d/results.json" ] || { bad+=("$d: no results.json (not a powercut results folder)"); continue; }
	jq -e 'def count: type == "number" and . >= 0 and . == floor;
		type == "object" and (.kernel | type) == "string" and (.cases | type) == "array"
		and all(.cases[]; type == "object" and (.id | type) == "string")
		and (.format == null or (.format | count))
		and (.planned == null or (.planned | count))
		and (.shard == null or (.shard | type == "object" and (.k | count) and (.n | count)
			and (.scenario_cases | count)))' \
		"$d/results.json" > /dev/null 2>&1 ||
		bad+=("$d/results.json: not a powercut results file (JSON object with a kernel and a cases array of objects with an id)")
done
if [ ${#bad[@]} -gt 0 ]; then
	for b in "${bad[@]}"; do echo "merge-results: $b" >&2; done
	die "${#bad[@]} of $# folders are not results folders (named above): nothing merged"
fi

# Shards of one run: the same kernel (compare's known-failure conditions
# read it) and the same scenario file (by name: each machine has its own
# checkout path).
one_value() { # WHAT JQ-FILTER: dies unless every folder gives the same value
	local values
	values=$(for d in "${dirs[@]}"; do jq -r "$2" "$d/results.json"; done | sort -u)
	[ "$(wc -l <<<"$values")" -eq 1 ] ||
		die "the folders ran different ${1}s: $(tr "\n" " " <<<"$values")"
}
dirs=("$@")
# The test cases of junit.xml FILE, "VERDICT<TAB>ID" a line, sorted: pass,
# fail (a <failure>), error (an <error>, whatever its type: the kind of
# error), known (<skipped type="known">);
# the cases a run did not reach (an error of type "not run", as powercut's
# junit.c and this script write them) are left out, as results.json has
# none of them.  xmllint reads the XML; its attribute values come back
# escaped (&quot;, &#10;, ...), undone in jq.
junit_cases() {
	local attrs rc=0
	attrs=$(xmllint --nonet --xpath '//testcase/@name | //testcase/failure/@type | //testcase/error/@type | //testcase/skipped/@type' "$1" 2> /dev/null) || rc=$?
	# 10: no test case at all (the XPath set is empty)
	[ "$rc" -eq 0 ] || [ "$rc" -eq 10 ] || die "$1: not XML that xmllint reads"
	printf '%s\n' "$attrs" | jq -Rnr '
		def unxml: gsub("&#(?<n>[0-9]+);"; [.n | tonumber] | implode) | gsub("&quot;"; "\"")
			| gsub("&apos;"; "\u0027") | gsub("&lt;"; "<") | gsub("&gt;"; ">") | gsub("&amp;"; "&");
		[inputs | select(length > 0) | capture("^ *(?<k>name|type)=\"(?<v>.*)\"$")
		 // error("unexpected line from xmllint: \(.)")]
		| reduce .[] as $a ([]; if $a.k == "name" then . + [{id: ($a.v | unxml), v: "pass"}]
			else .[-1].v = ($a.v | unxml) end)
		| .[] | select(.v != "not run")
		# an <error> is typed by its kind (case, input, environment,
		# interrupted; "error" before powercut recorded kinds)
		| (if .v == "pass" or .v == "fail" or .v == "known" then .v else "error" end) as $v
		| "\($v)\t\(.id)"' | LC_ALL=C sort
}
# The cases of results.json FILE the same way (an outcome known is a
# skipped test case; pass, flaky and unexpected pass pass).
results_cases() {
	jq -r '.cases[] | (.outcome // .verdict) as $o
		| (if $o == "known" or $o == "fail" or $o == "error" then $o else "pass" end) as $v
		| "\($v)\t\(.id)"' "$1" | LC_ALL=C sort
}
# Dies unless junit.xml JUNIT holds the test cases of results.json RESULTS
# (ids and verdicts), naming the first that differ; WHAT and OTHER name
# the two in the message.
same_cases() { # JUNIT RESULTS WHAT OTHER
	local j r first
	j=$(junit_cases "$1") || exit $?
	r=$(results_cases "$2")
	[ "$j" = "$r" ] && return 0
	first=$(diff <(printf '%s\n' "$j") <(printf '%s\n' "$r") | grep '^[<>]' | head -4 |
		sed 's/^</junit.xml:/; s/^>/results.json:/' | tr '\t' ' ' |
		awk '{printf "%s%s", (NR > 1 ? "; " : ""), $0}' || true) # diff exits 1
	die "$3 does not hold the test cases of $4 (by id and verdict: $first): not one run's files"
}
# results.json's format (powercut's results_reader.h): files without one
# are format 1; a newer one is not understood here either.
one_value format '.format // 1'
format=$(jq '.format // 1' "$1/results.json")
[ "$format" -le 1 ] || die "$1/results.json: format $format is newer than this script merges (1)"
one_value kernel '.kernel'
# Shards judged by different powercut versions are not one run (a field
# without it: written before results recorded the version).
one_value "powercut version" '.powercut // "(not recorded: older)"'
one_value scenario '.scenario // "" | split("/") | last'
# Shards run with other options that change verdicts (--known files by
# content, the scenario's known files by content, --retries, --flaky-ok,
# --tool-timeout: results.json "options") are not one run; a shard older
# than the field does not say what it ran with, so it differs too.
one_value "run option" '.options // null | if . == null then "(not recorded: older)" else
	"known=\([.known[].sha256] | join(",")) scenario_known=\([.scenario_known[].sha256] | join(","))" +
	" retries=\(.retries // "-") flaky_ok=\(.flaky_ok) tool_timeout=\(.tool_timeout // "-")" end'
for d in "$@"; do
	rc=0
	why=$("$POWERCUT" report --check "$d" 2>&1) || rc=$?
	case $rc in
	0) # its warnings (fields of a newer powercut, ignored: those at the
	   # top are not carried into OUT's results.json) are said, not dropped
	   [ -z "$why" ] || sed "s|^powercut: warning: |merge-results: |" <<<"$why" >&2 ;;
	2) die "${why#powercut: } (not merged)" ;;
	*) echo "merge-results: cannot check $d with $POWERCUT (exit $rc): $why" >&2; exit 3 ;;
	esac
	# The merged junit.xml is what a CI page shows: a shard's must be there
	# and hold its cases (one missing or from another run was left out or
	# merged silently, and the page showed other tests than results.json).
	[ -f "$d/junit.xml" ] || die "$d: no junit.xml beside its results.json (not a whole results folder)"
	# Case by case: the same ids with the same verdicts (a count alone let
	# a junit.xml of another run of the same size through, and a case
	# that failed in results.json pass on the CI page).
	same_cases "$d/junit.xml" "$d/results.json" "$d/junit.xml" "its results.json"
done

# A group's cases share its settings and image files (results.json
# "settings", "images" by file name): shards whose cases of one group
# differ there ran different scenario files under one name (edited
# between the shards' checkouts), not one run.
differ=$(jq -r '(.group // (.id | split("/")[0])) as $g
	| "\($g)\t\(.settings // "-")\t\([.images[]? | split("/") | last] | join(" "))"' \
	<(jq -c '.cases[]' "${@/%//results.json}") | LC_ALL=C sort -u | cut -f1 | uniq -d)
[ -z "$differ" ] || die "cases of group $(head -1 <<<"$differ") ran with other settings or image files in one folder than in another: not one run (the scenario was edited between shards?)"

dups=$(jq -r '.cases[].id' "${@/%//results.json}" | sort | uniq -d)
[ -z "$dups" ] || die "a case is in more than one folder: $(tr "\n" " " <<<"$dups")"

# What the merged run was to check (runs record it: "planned", and "shard"
# {k, n, scenario_cases}).  Shards of one split: the same N and scenario
# case count, each K once; the merge planned the scenario's cases, so a
# shard not given shows as missing cases.  Folders without shards: the sum
# of their plans.  Older results without either: not known.
files=("${@/%//results.json}")
if ! jq -se 'all(.[]; .shard != null) or all(.[]; .shard == null)' "${files[@]}" > /dev/null; then
	die "some folders are shards (run --shard) and some are not: not one run's shards"
fi
if jq -se 'all(.[]; .shard != null)' "${files[@]}" > /dev/null; then
	one_value "shard count" '.shard.n'
	one_value "scenario case count" '.shard.scenario_cases'
	twice=$(jq -r '.shard | "\(.k)/\(.n)"' "${files[@]}" | sort | uniq -d)
	[ -z "$twice" ] || die "shard $(tr "\n" " " <<<"$twice")given twice"
	planned=$(jq -s '.[0].shard.scenario_cases' "${files[@]}")
else
	planned=$(jq -s 'if all(.[]; .planned != null) then map(.planned) | add else null end' "${files[@]}")
fi

# The merge is written to a folder beside OUT, renamed to OUT once
# complete: a merge killed midway (a CI step's timeout) leaves no OUT that
# compare would read as a whole merge, or that the next merge would refuse
# as existing.  SIGINT, SIGTERM and SIGHUP remove it; after a SIGKILL it
# stays, named .OUT.merge.XXXXXX, registered as a run's work folder is
# (/run/powercut/PID holding its path, PID this shell's): `powercut
# cleanup` removes it once this shell is gone, never while it runs.
mkdir -p -- "$(dirname -- "$out")" || die "cannot make the folder of $out"
stage=$(mktemp -d -- "$(dirname -- "$out")/.$(basename -- "$out").merge.XXXXXX") ||
	die "cannot make a folder beside $out"
registry=/run/powercut reg=
trap 'rm -rf -- "$stage"; [ -z "$reg" ] || rm -f -- "$reg"' EXIT
register() { # STAGE: sets reg to its registration, or says why not
	local abs f i why=
	# Only root's runs and cleanup use the registry (cleanup removes only
	# what root owns): a user's merge has nothing to register, and a
	# warning on every merge would be noise.
	[ "$(id -u)" = 0 ] || return 0
	abs=$(cd -- "$1" && pwd -P) || why="cannot resolve it"
	# One path a line (powercut's registry): a control character in it
	# would register another folder.
	[ -n "$why" ] || [[ "$abs" != *[[:cntrl:]]* ]] || why="a control character in its path"
	[ -n "$why" ] || [ -d "$registry" ] || mkdir -m 0700 -- "$registry" 2> /dev/null || why="cannot make $registry (not root?)"
	for i in "" .1 .2 .3 .4 .5 .6 .7 .8 .9; do
		[ -z "$why" ] || break
		f=$registry/$$$i
		# noclobber: made here or not at all (O_EXCL), as powercut does
		if (set -C && printf '%s\n' "$abs" > "$f") 2> /dev/null; then
			reg=$f
			return 0
		fi
		[ -e "$f" ] || why="cannot write $f"
	done
	echo "merge-results: warning: $1 is not registered for \`powercut cleanup\` (${why:-no free name in $registry}): a SIGKILL would leave it for you to remove" >&2
}
register "$stage"
for sig in INT TERM HUP; do
	# shellcheck disable=SC2064 # the number now
	trap "exit $((128 + $(kill -l "$sig")))" "$sig"
done
chmod -- "$(umask -S)" "$stage" && mkdir -- "$stage/cases" || die "cannot make $stage/cases"
# One object per input, tagged with its folder, then merged.
for d in "$@"; do
	jq --arg dir "$d" '. + {dir: $dir}' "$d/results.json"
done | jq -s --argjson planned "$planned" --argjson format "$format" '{
	format: $format,
	scenario: .[0].scenario,
	kernel: .[0].kernel,
	shards: [.[] | {dir, kernel, scenario, shard, planned, started, finished,
		cases: (.cases | length)}],
	cases: [.[].cases[]]
} + (if $planned == null then {} else {planned: $planned} end)
  # When the merged run started and ended: the first start of its shards,
  # the last end (ISO 8601 UTC strings order as times), only when every
  # shard records it (a shard killed before its end has no "finished").
  + (if all(.[]; .started != null) then {started: (map(.started) | min)} else {} end)
  + (if all(.[]; .finished != null) then {finished: (map(.finished) | max)} else {} end)
  + (if .[0].powercut == null then {} else {powercut: .[0].powercut} end)
  + (if .[0].options == null then {} else {options: .[0].options} end)' > "$stage/results.json"

{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<testsuites>'
	for d in "$@"; do
		sed -n '/<testsuite /,/<\/testsuite>/p' "$d/junit.xml"
	done
	# A shard not given: its cases were not checked, which never passes.
	# One error "not run" per missing shard that holds cases (shard K of N
	# runs every Nth of the scenario's S cases from the Kth), so that the CI
	# page shows a problem, not merely fewer tests.
	jq -r -s 'if all(.[]; .shard != null) then
		.[0].shard as {n: $n, scenario_cases: $s} | [.[].shard.k] as $given
		| [range(1; $n + 1) | select(. as $k | $given | index($k) | not)
		   | {k: ., cases: (if $s >= . then (($s - .) / $n | floor) + 1 else 0 end)}
		   | select(.cases > 0)] as $missing
		| if ($missing | length) == 0 then empty else
		  "  <testsuite name=\"not merged\" tests=\"\($missing | length)\" failures=\"0\" errors=\"\($missing | length)\" skipped=\"0\">",
		  ($missing[] | "    <testcase classname=\"not merged\" name=\"shard \(.k)/\($n)\" time=\"0.000\">",
		   "      <error message=\"not run: shard \(.k)/\($n) was not merged: its \(.cases) cases were not checked\" type=\"not run\"/>",
		   "    </testcase>"),
		  "  </testsuite>" end
		else empty end' "${files[@]}"
	echo '</testsuites>'
} > "$stage/junit.xml"

{
	echo "# powercut results, merged from $# folders"
	echo
	# Results written before outcomes existed: the verdict is the outcome.
	jq -r '[.cases[] | (.outcome // .verdict)] as $o |
		def n(x): [$o[] | select(. == x)] | length;
		# the kinds of the errors (results.json error_class; none
		# recorded by a powercut older than it)
		([.cases[] | select((.outcome // .verdict) == "error") | .error_class // "kind not recorded"]
		 | group_by(.) | map("\(length) \(.[0])") | join(", ")) as $kinds |
		"- cases: \($o | length) (\(n("pass")) pass, \(n("fail")) fail, \(n("error")) error" +
		(if $kinds != "" then " (\($kinds))" else "" end) + ", " +
		"\(n("flaky")) flaky, \(n("known")) known, \(n("unexpected pass")) unexpected pass)",
		# A shard not given, a run interrupted: in no count, so said.
		if .planned != null and .planned > ($o | length) then
			"- **not merged: \(.planned - ($o | length)) of the \(.planned) planned cases**" +
			" (shards given: \([.shards[] | .shard // empty | "\(.k)/\(.n)"] | join(" "))): not checked"
		else empty end,
		# Folders of a powercut older than "planned": what they were to
		# check together is not known.
		if .planned == null then
			"- **not known whether every shard was merged**: the folders do not record" +
			" the cases their runs planned (results of an older powercut)"
		else empty end,
		# Folders older than "powercut" or "options" (a mix is refused
		# above): merged, but not known to be one build'"'"'s run with one
		# set of options, which is said rather than implied.
		if .powercut == null then
			"- **not known whether the shards ran one powercut build**: the folders do not" +
			" record the version that ran them (results of an older powercut)"
		else empty end,
		if .options == null then
			"- **not known whether the shards ran with the same options that change verdicts**:" +
			" the folders do not record them (results of an older powercut)"
		else empty end' \
		"$stage/results.json"
	for d in "$@"; do
		echo
		echo "## $d"
		if [ -f "$d/summary.md" ]; then sed -e '1{/^# /d}' -e 's/^## /### /' "$d/summary.md"; fi
	done
} > "$stage/summary.md"

# What the CI page shows must be what compare reads: the merged junit.xml
# holds the merged cases, by id and verdict (a merge that does not is a
# bug here, and is not left behind as a result).
if ! (same_cases "$stage/junit.xml" "$stage/results.json" "the merged junit.xml" "the merged results.json"); then
	exit 2
fi

for d in "$@"; do
	if [ -d "$d/cases" ]; then cp -a "$d/cases/." "$stage/cases/"; fi
done
# OUT made here, not replaced: one made by someone else since the check
# above is refused (mv -n does not replace it; renameat2 RENAME_NOREPLACE).
mv -n -T -- "$stage" "$out" && [ ! -e "$stage" ] ||
	die "cannot make $out (made by someone else since it was checked?)"

# Shards that do not record the build or the options (powercut before
# 2026-12-01 18:02, 2026-12-02 12:57): said, as summary.md says it.
unrecorded=$(jq -r '[if .powercut == null then "one powercut build" else empty end,
	if .options == null then "the same run options" else empty end] | join(" with ")' "$out/results.json")
[ -z "$unrecorded" ] || echo "merge-results: not known whether the shards ran $unrecorded:" \
	"their results do not record it (results of an older powercut)" >&2

bad=$(jq '[.cases[] | (.outcome // .verdict) | select(. == "fail" or . == "error" or . == "flaky")] | length' \
	"$out/results.json")
# Of those, the errors the environment caused (results.json error_class):
# the host's doing, not the filesystem's; exit 3 when nothing else failed.
env_errors=$(jq '[.cases[] | select((.outcome // .verdict) == "error" and .error_class == "environment")] | length' \
	"$out/results.json")
total=$(jq '.cases | length' "$out/results.json")
echo "merged $total cases from $# folders into $out ($bad failed, errored or flaky)"
# No case at all, or fewer than planned (a shard not given, a run
# interrupted): what did not run was not checked, which is never a pass.
[ "$total" -gt 0 ] || { echo "merge-results: no case in any folder: nothing was checked" >&2; exit 1; }
if [ "$planned" != null ] && [ "$total" -lt "$planned" ]; then
	jq -r '.shards[] | select(.planned != null and .cases < .planned) |
		"merge-results: \(.dir) has \(.cases) of its \(.planned) planned cases (interrupted?)"' \
		"$out/results.json" >&2
	given=$(jq -r '[.shards[] | select(.shard) | "\(.shard.k)/\(.shard.n)"] | join(" ")' "$out/results.json")
	echo "merge-results: $total of the $planned planned cases merged${given:+ (shards given: $given)}:" \
		"the others were not checked" >&2
	exit 1
fi
# Folders older than "planned" and "shard" (powercut before 2026-12-01):
# a shard not given cannot be told from a whole run, so the merge is not
# known to be complete, which is never taken as complete.
if [ "$planned" = null ]; then
	jq -r '.shards[] | select(.planned == null) | .dir' "$out/results.json" | head -3 |
		sed 's/^/merge-results: /; s/$/: does not record the cases its run planned nor its shard (results of an older powercut)/' >&2
	echo "merge-results: not known whether every shard was merged: the cases not given were not checked" >&2
	exit 1
fi
[ "$bad" -eq "$env_errors" ] || exit 1
if [ "$env_errors" -gt 0 ]; then
	echo "merge-results: $env_errors case(s) erred for the environment (the host failed them, not the filesystem): not checked, run them again on a sound host" >&2
	exit 3
fi
