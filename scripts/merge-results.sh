#!/usr/bin/env bash
# Merge the results folders of a sharded run (`powercut run --shard K/N` on
# N machines) into one, for a CI job's report:
#
#   scripts/merge-results.sh OUT DIR...
#
# OUT/results.json has every case of every DIR (a case id may appear only
# once), "shards" saying which folder, kernel and cases each came from;
# OUT/junit.xml holds each shard's testsuite; OUT/summary.md puts their
# summaries one after the other; OUT/cases/ gets every case folder.
# Cases keep their outcome (pass, fail, error, flaky with its rate, known,
# unexpected pass) and attempts; `powercut compare` reads the merged folder.
# Exit status as powercut run's: 0 no case failed (pass, known and
# unexpected pass do not fail), 1 some failed, errored or was flaky, or no
# folder held any case (nothing was checked), 2 bad arguments or inputs
# (OUT exists, a DIR without results.json or with one that is not a
# results file, a case in two DIRs, DIRs that ran different kernels or
# scenario files, by file name).  jq does the JSON; nothing here parses
# it by hand.
set -euo pipefail

die() { echo "merge-results: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: merge-results.sh OUT DIR..."
out=$1
shift
[ ! -e "$out" ] || die "$out exists; give a new folder"
for d in "$@"; do
	[ -f "$d/results.json" ] || die "$d: no results.json (not a powercut results folder)"
	jq -e 'type == "object" and (.kernel | type) == "string" and (.cases | type) == "array"
		and all(.cases[]; type == "object" and (.id | type) == "string")' \
		"$d/results.json" > /dev/null 2>&1 ||
		die "$d/results.json: not a powercut results file (JSON object with a kernel and a cases array of objects with an id)"
done

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
one_value kernel '.kernel'
one_value scenario '.scenario // "" | split("/") | last'

dups=$(jq -r '.cases[].id' "${@/%//results.json}" | sort | uniq -d)
[ -z "$dups" ] || die "a case is in more than one folder: $(tr "\n" " " <<<"$dups")"

mkdir -p "$out/cases"
# One object per input, tagged with its folder, then merged.
for d in "$@"; do
	jq --arg dir "$d" '. + {dir: $dir}' "$d/results.json"
done | jq -s '{
	scenario: .[0].scenario,
	kernel: .[0].kernel,
	shards: [.[] | {dir, kernel, scenario, cases: (.cases | length)}],
	cases: [.[].cases[]]
}' > "$out/results.json"

{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<testsuites>'
	for d in "$@"; do
		if [ -f "$d/junit.xml" ]; then sed -n '/<testsuite /,/<\/testsuite>/p' "$d/junit.xml"; fi
	done
	echo '</testsuites>'
} > "$out/junit.xml"

{
	echo "# powercut results, merged from $# folders"
	echo
	# Results written before outcomes existed: the verdict is the outcome.
	jq -r '[.cases[] | (.outcome // .verdict)] as $o |
		def n(x): [$o[] | select(. == x)] | length;
		"- cases: \($o | length) (\(n("pass")) pass, \(n("fail")) fail, \(n("error")) error, " +
		"\(n("flaky")) flaky, \(n("known")) known, \(n("unexpected pass")) unexpected pass)"' \
		"$out/results.json"
	for d in "$@"; do
		echo
		echo "## $d"
		if [ -f "$d/summary.md" ]; then sed -e '1{/^# /d}' -e 's/^## /### /' "$d/summary.md"; fi
	done
} > "$out/summary.md"

for d in "$@"; do
	if [ -d "$d/cases" ]; then cp -a "$d/cases/." "$out/cases/"; fi
done

bad=$(jq '[.cases[] | (.outcome // .verdict) | select(. == "fail" or . == "error" or . == "flaky")] | length' \
	"$out/results.json")
total=$(jq '.cases | length' "$out/results.json")
echo "merged $total cases from $# folders into $out ($bad failed, errored or flaky)"
# No case at all: nothing was checked, which is never a pass.
[ "$total" -gt 0 ] || { echo "merge-results: no case in any folder: nothing was checked" >&2; exit 1; }
[ "$bad" -eq 0 ]  || exit 1
