#!/usr/bin/env bash
# Do two backends agree?  Pairs the cases of two groups of one results
# folder that differ only in their group (A/FS/MODE with B/FS/MODE), as
# scenarios/agreement.ini makes them, and prints them side by side:
#
#   scripts/agreement.sh DIR [A B]          (A, B default: fuse dm)
#
# Compared per pair: the verdict, whether the commit record survived, the
# fsck result, the entries lost in modes that promise durability (expect
# intact), and for crash points whether every point mounted and was
# fsck-clean and whether the last one held the commit record.  Loss under
# `none` is timing-dependent and shown, not compared.  A disagreement
# prints both sides' reasons; so does a pair that is an error on both sides
# (ERROR: nothing was compared, so it does not agree).  Markdown on stdout.
# A pair must differ in its backend and in nothing else it was run with (fs,
# mode, cut, write_cache, mkfs/mount options, layout, workload, images,
# device_size, crash points, and what it tested, tested_sha256, and its
# other scenario keys, settings, when both sides have them): a pair on one
# backend (SAME BACKEND) or set
# up differently (SETUP DIFFERS) compares no backends, and is an input
# error.
# Exit: 0 every pair agrees, 1 some pair disagrees, is an error on both
# sides or a case has no partner, 2 bad arguments or input (among them a
# pair that is not the same case on two backends), 3 no temporary file
# could be made in TMPDIR.
set -euo pipefail

die() { echo "agreement: $*" >&2; exit 2; }
# --help: the comment above, on standard output, exit 0 (as the other
# scripts' --help), not a folder named --help.
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
	sed -n '2,/^set -euo pipefail/{/^set /d;s/^# \{0,1\}//;p}' "$0"
	exit 0
fi
[ $# -eq 1 ] || [ $# -eq 3 ] || die "usage: agreement.sh DIR [GROUP_A GROUP_B]"
dir=$1 a=${2:-fuse} b=${3:-dm}
# A group paired with itself agrees with itself: nothing would be compared.
[ "$a" != "$b" ] || die "the two groups are both '$a': give two different groups"
[ -f "$dir/results.json" ] || die "$dir: no results.json (not a powercut results folder)"
command -v jq >/dev/null || die "jq not found (scripts/install-deps.sh installs it)"

# One line per pair (tab-separated), computed by jq from the two sides,
# into a file of mktemp's: at a name others can guess (agreement.PID in
# /tmp) they could plant a symlink to a file of root's for jq to overwrite.
pairs_file=$(mktemp "${TMPDIR:-/tmp}/agreement.XXXXXX") ||
	{ echo "agreement: cannot make a temporary file in ${TMPDIR:-/tmp}" >&2; exit 3; }
trap 'rm -f "$pairs_file"' EXIT
jq -r --arg a "$a" --arg b "$b" '
	def side: {
		verdict, committed, fsck, lost, expect, reason: (.reason // ""), backend,
		# an error with its kind (results.json error_class): the host
		# failing a side is not the backend disagreeing
		shown: (if .verdict == "error" and .error_class != null then "error (\(.error_class))"
			else .verdict end),
		setup: {fs, mode, cut, write_cache, mkfs_opts, mount_opts, layout, workload,
			images, device_size, crash_points: (.crash_points.asked // null)},
		tested: (.tested_sha256 // null), settings: (.settings // null),
		cp: (if .crash_points then
			(.crash_points.points | length) as $n
			| ([.crash_points.points[] | select(.problem != null or .mounted != true or .fsck != "clean" or (.after_commit == true and .committed != true))] | length) as $bad
			| "\($n) pts, \($bad) bad, last \(if $n > 0 and .crash_points.points[-1].committed then "committed" else "not committed" end)"
		     else "-" end)
	};
	def rest: (.id | split("/") | .[1:] | join("/"));
	# What each side tested (its commit record), when both sides say: a
	# side that erred before its commit has nothing to compare.
	def setup_with($p; $q): $p.setup + (if $p.tested != null and $q.tested != null
					    then {tested_sha256: $p.tested} else {} end)
		# The scenario keys results.json has no field of (crash_subsets,
		# cut_at, log_size, ...), when both sides have them.
		+ (if $p.settings != null and $q.settings != null then {settings: $p.settings} else {} end);
	[.cases[] | select(.id | startswith($a + "/"))] as $xa
	| [.cases[] | select(.id | startswith($b + "/"))] as $xb
	| ($xa | map({key: rest, value: side}) | from_entries) as $A
	| ($xb | map({key: rest, value: side}) | from_entries) as $B
	| (($A | keys) + ($B | keys) | unique)[] as $k
	| ($A[$k]) as $x | ($B[$k]) as $y
	| if $x == null or $y == null then
		[$k, "unpaired", (if $x == null then "only in \($b)" else "only in \($a)" end), "", "", "", "", ""]
	  elif $x.backend == $y.backend then
		[$k, "SAME BACKEND", "\($x.shown) / \($y.shown)", "-", "-", "-", "-",
		 "both ran on backend \($x.backend // "?"): nothing about backends is compared"]
	  elif setup_with($x; $y) != setup_with($y; $x) then
		setup_with($x; $y) as $sx | setup_with($y; $x) as $sy
		| [$k, "SETUP DIFFERS", "\($x.shown) / \($y.shown)", "-", "-", "-", "-",
		 ([$sx | keys[] as $f | select($sx[$f] != $sy[$f])
		   | "\($f) \($sx[$f] | tojson) / \($sy[$f] | tojson)"] | join(", "))
		 + ": the pair differs in more than its backend"]
	  else
		([$x.verdict == $y.verdict, $x.committed == $y.committed, $x.fsck == $y.fsck,
		  ($x.expect != "intact" or $x.lost == $y.lost), $x.cp == $y.cp] | all) as $same
		# Two errors are not an agreement: nothing was checked on either side.
		| ($x.verdict == "error" and $y.verdict == "error") as $errors
		| ($same and ($errors | not)) as $ok
		| [$k, (if $ok then "agree" elif $errors then "ERROR" else "DISAGREE" end),
		   "\($x.shown) / \($y.shown)", "\($x.committed) / \($y.committed)",
		   "\($x.fsck) / \($y.fsck)", "\($x.lost) / \($y.lost)", "\($x.cp) / \($y.cp)",
		   (if $ok then "" else "\($a): \($x.reason) | \($b): \($y.reason)" end)]
	  end
	| @tsv' "$dir/results.json" >"$pairs_file" || die "$dir/results.json: jq could not read it"

pairs=0 bad=0 unfit=0
printf '| case | %s / %s | verdict | committed | fsck | lost | crash points |\n' "$a" "$b"
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
reasons=()
while IFS=$'\t' read -r k state verdict committed fsck lost cp why; do
	pairs=$((pairs + 1))
	[ "$state" = agree ] || bad=$((bad + 1))
	case $state in "SAME BACKEND" | "SETUP DIFFERS") unfit=$((unfit + 1)) ;; esac
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$k" "$state" "$verdict" "$committed" "$fsck" "$lost" "$cp"
	[ -z "$why" ] || reasons+=("- $k: $why")
done <"$pairs_file"
[ "$pairs" -gt 0 ] || die "$dir has no cases in groups '$a' or '$b'"
if [ ${#reasons[@]} -gt 0 ]; then
	printf '\nDisagreements and errors:\n'
	printf '%s\n' "${reasons[@]}"
fi
printf '\n%d pairs, %d agree, %d do not (an error on both sides, or no partner)\n' "$pairs" $((pairs - bad)) "$bad"
[ "$unfit" -eq 0 ] || die "$unfit pairs of '$a' and '$b' are not the same case on two backends (SAME BACKEND, SETUP DIFFERS): give the groups of one scenario that differ only in their backend"
[ "$bad" -eq 0 ]
