#!/usr/bin/env bash
# Benchmark the durability modes: run a scenario (default scenarios/bench.ini,
# 3 repeats per case) and print, per filesystem and mode, the medians of the
# unpack+sync time, write IOs, write bytes and flushes, and their ratios to
# mode `none` - the seed table's comparison.  Ratios, not absolute targets:
# the absolute numbers depend on the machine and the backend.
#
#   sudo scripts/bench.sh [SCENARIO] [-o DIR]
#   scripts/bench.sh --summarize DIR      # only print the table of a past run
set -euo pipefail
cd "$(dirname "$0")/.."

scenario=scenarios/bench.ini out="" summarize_only=""
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--summarize) summarize_only=1; out=$2; shift 2 ;;
	-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
	*) scenario=$1; shift ;;
	esac
done

if [ -z "$summarize_only" ]; then
	[ -n "$out" ] || out="results/bench-$(date +%Y%m%d-%H%M%S)"
	make -s all sample-image
	rc=0
	./powercut run "$scenario" -o "$out" > /dev/null || rc=$?
	# 1: some expectation failed; the numbers are still worth reading.
	[ "$rc" -le 1 ] || { echo "bench: powercut run exited $rc" >&2; exit "$rc"; }
fi

jq -r '
  def median: sort | if length == 0 then 0
                     elif length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def ratio(a; b): if b == 0 then "-" else (a / b * 100 | round / 100 | tostring) + "x" end;
  [.cases[] | select(.verdict != "error")
   | {fs, mode, t: (.timings_s.unpack + .timings_s.sync + .timings_s.commit),
      wios: .io.wios, wbytes: .io.wbytes, flushes: .io.flushes, lost}]
  | group_by(.fs)[] as $fs
  | ($fs | group_by(.mode) | sort_by(.[0].mode | {"none": 0, "syncfs": 1, "fsync": 2}[.] // 9) | map({mode: .[0].mode, fs: .[0].fs, n: length,
        t: (map(.t) | median), wios: (map(.wios) | median),
        wbytes: (map(.wbytes) | median), flushes: (map(.flushes) | median),
        lost: (map(.lost) | max)})) as $rows
  | ($rows | map(select(.mode == "none"))[0]) as $base
  | $rows[]
  | [.fs, .mode, .n, (.t * 100 | round / 100), .wios, .wbytes, .flushes, .lost,
     (if $base then ratio(.t; $base.t) else "-" end),
     (if $base then ratio(.wios; $base.wios) else "-" end),
     (if $base then ratio(.wbytes; $base.wbytes) else "-" end)]
  | @tsv' "$out/results.json" |
{
	printf '%-6s %-7s %3s %9s %8s %12s %8s %6s %8s %8s %9s\n' \
		fs mode n "time s" WIOS WBytes flushes lost "time/none" "WIOS/none" "WB/none"
	while IFS=$'\t' read -r fs mode n t wios wbytes flushes lost rt rw rb; do
		printf '%-6s %-7s %3s %9s %8s %12s %8s %6s %8s %8s %9s\n' \
			"$fs" "$mode" "$n" "$t" "$wios" "$wbytes" "$flushes" "$lost" "$rt" "$rw" "$rb"
	done
}
echo "(medians over repeats; time = unpack + sync + commit; results in $out)"
echo "(I/O is counted up to the commit: most of none's writeback would come after"
echo " the cut, so its I/O ratios are large - that unwritten data is what it loses)"
