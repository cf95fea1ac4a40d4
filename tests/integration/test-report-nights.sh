#!/usr/bin/env bash
# powercut report over a year-long nightly's folders: one real run copied
# into 40 nights (kernels, timings and losses varied with jq) make one page
# drawn by a single gnuplot (it was one gnuplot per plot: 3 per night and
# the history's, 35 s over 365 nights); a folder of nights is read as its
# nights, in name order; nights that cannot be read (truncated, empty
# results.json, a folder with no results.json) are each named, on stderr
# and at the top of the page, which still holds every other night (exit 2:
# the first bad night stopped the report, naming only itself, and left no
# page); --check and scripts/qualify --table name them all too.  An interrupted night's missing case
# is "missing" in the history, not "-".
source "$(dirname "$0")/lib.sh"
cd "$TOP"
LAYER3="$TOP/images/sample/layer3.tar.zst"
[ -f "$LAYER3" ] || fail "no $LAYER3 (make sample-image)"
for tool in gnuplot jq python3; do
	command -v "$tool" >/dev/null || fail "$tool not found (scripts/install-deps.sh installs it)"
done

printf '[global]\nimage = %s\ndevice_size = 512M\nbackend = fuse\nmodes = none syncfs\n[tiny]\nfs = ext4\n' \
	"$LAYER3" >"$TMP/tiny.ini"
pc_run "$TMP/tiny.ini" -o "$TMP/real" >"$TMP/real.out" 2>&1 || { cat "$TMP/real.out"; fail "the run failed"; }

# 40 nights, named by date as results/DATE-TIME-SCENARIO are: their case
# files hard-linked, results.json rewritten.
N=40
mkdir "$TMP/nights"
for i in $(seq 1 $N); do
	d=$TMP/nights/$(date -u -d "2026-01-01 + $i days" +%Y-%m-%d)-020000-tiny
	mkdir "$d"
	cp -al "$TMP/real/cases" "$d/cases"
	cp "$TMP/real/junit.xml" "$TMP/real/summary.md" "$d/"
	jq --argjson i "$i" --arg day "$(date -u -d "2026-01-01 + $i days" +%Y-%m-%d)" \
		'.kernel = "6.\(1 + ($i / 10 | floor)).\($i)-amd64"
		| .cases |= map(.timings_s.total = (.timings_s.total * (1 + $i / 20))
				| .attempts[0].time_s = .timings_s.total
				| if .mode == "none" then .lost = ($i % 7) else . end)
		| .started = "\($day)T02:00:00Z" | .finished = "\($day)T02:30:00Z"
		| if $i <= 5 then del(.started, .finished) else . end' \
		"$TMP/real/results.json" >"$d/results.json"
done
# The run records when it started and ended (ISO 8601 UTC).
jq -e '(.started | test("^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$"))
	and (.finished >= .started)' "$TMP/real/results.json" >/dev/null ||
	fail "results.json does not record when the run started and finished"
# Nights 1-5 are an older powercut's (no start recorded): first, by name,
# said on the page.  Night 12 ran after night 14 (its folder was named
# before the run, or renamed): a folder of nights is ordered by start.
n12=$(ls -d "$TMP"/nights/* | sed -n 12p) n14=$(ls -d "$TMP"/nights/* | sed -n 14p)
jq --arg s "$(jq -r .started "$n14/results.json" | sed 's/T02/T03/')" '.started = $s' \
	"$n12/results.json" >"$TMP/n12.json" && mv "$TMP/n12.json" "$n12/results.json"
ls -d "$TMP"/nights/* | sed "12d; 14a $n12" >"$TMP/by-start"
ls -d "$TMP"/nights/* >"$TMP/by-name"
# A nightly job's "latest" symlink to its newest night: no other night.
ln -s "$(ls -d "$TMP"/nights/* | tail -1)" "$TMP/nights/latest"

# Night 30 was interrupted after its first case: its other case is
# missing from the history, said so, not "-".
cut=$(ls -d "$TMP"/nights/* | sed -n 30p)
jq '.cases |= .[:1]' "$cut/results.json" >"$TMP/cut.json" && mv "$TMP/cut.json" "$cut/results.json"

# gnuplot, counted.
mkdir "$TMP/bin"
real_gnuplot=$(command -v gnuplot)
printf '#!/bin/sh\necho run >> %s/gnuplot.calls\nexec %s "$@"\n' "$TMP" "$real_gnuplot" >"$TMP/bin/gnuplot"
chmod +x "$TMP/bin/gnuplot"

report() { # WANT ARGS...
	local want=$1 rc=0
	shift
	: >"$TMP/gnuplot.calls"
	PATH="$TMP/bin:$PATH" "$POWERCUT" report "$@" >"$TMP/rep.out" 2>"$TMP/rep.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/rep.out" "$TMP/rep.err" >&2; fail "report $* exited $rc, expected $want"; }
}

# The page's plots: every div.plot holds one SVG; the bar plots carry
# nothing of the history plot's settings (its x label 'folder'); the
# folders are listed in the order of their names (dates).
check_page() { # PAGE FOLDERS [ORDER-FILE [PLOTTED]]
	python3 - "$@" <<'PY'
import html.parser, re, sys
page, nfolders = sys.argv[1], int(sys.argv[2])
order = open(sys.argv[3]).read().split() if len(sys.argv) > 3 else None
plotted = int(sys.argv[4]) if len(sys.argv) > 4 else nfolders
text = open(page, encoding="utf-8").read()
plots = re.findall(r'<div class="plot" id="([^"]+)">\n(.*?)</div>\n', text, re.S)
want = 3 * plotted + (1 if nfolders > 1 else 0)
if len(plots) != want:
    sys.exit(f"{len(plots)} plots, expected {want}")
for pid, body in plots:
    if body.count("<svg") != 1 or body.count("</svg>") != 1 or not body.startswith("<svg"):
        sys.exit(f"plot {pid}: not one SVG element")
    if pid != "plot-trend" and ">folder<" in body:
        sys.exit(f"plot {pid} carries the history plot's x label")
    if "@@" in body:
        sys.exit(f"plot {pid} holds the end marker")
if text.count("<svg") != want:
    sys.exit("an SVG outside its plot")
names = re.findall(r'<li><a href="#folder\d+">([^<]+)</a>', text)
if len(names) != nfolders or names != (order if order else sorted(names)):
    sys.exit(f"folders listed: {names}")
if plotted < nfolders:
    ids = [int(p.split("-")[0][4:]) for p, _ in plots if p != "plot-trend"]
    if min(ids) != nfolders - plotted + 1:
        sys.exit(f"plots of folders {sorted(set(ids))}, expected the last {plotted}")
    if f"for the last {plotted} of the {nfolders} folders only" not in text:
        sys.exit("the page does not say which folders' plots were left out")
PY
}

# A folder of nights, as the nights given one by one: one gnuplot.
report 0 "$TMP/nights" -o "$TMP/year.html" --plots-last all
[ "$(wc -l <"$TMP/gnuplot.calls")" -eq 1 ] ||
	fail "report of $N nights ran gnuplot $(wc -l <"$TMP/gnuplot.calls") times, expected once"
check_page "$TMP/year.html" "$N" "$TMP/by-start" || fail "the page of $N nights"
grep -q '<p>5 folders ordered by their names, before the others: their results do not record when they ran' \
	"$TMP/year.html" || fail "the page does not say which nights are ordered by name"
grep -qF 'started 2026-01-07T02:00:00Z, kernel ' "$TMP/year.html" || fail "the page does not say when a night started"
grep -q 'hold the same results' "$TMP/year.html" && fail "the latest symlink is read as another night"
# Per-folder plots for the last nights only (default 30, checked with the
# bad nights below): said.
report 0 "$TMP/nights" -o "$TMP/capped.html" --plots-last 3
check_page "$TMP/capped.html" "$N" "$TMP/by-start" 3 || fail "the page of $N nights, --plots-last 3"
[ "$(stat -c %s "$TMP/capped.html")" -lt "$(stat -c %s "$TMP/year.html")" ] || fail "--plots-last 3: no smaller page"
report 2 "$TMP/nights" -o "$TMP/capped.html" --plots-last 0
grep -q "plots-last: expected a number of folders from 1 or 'all', not '0'" "$TMP/rep.err" || fail "--plots-last 0 taken"
rm "$TMP/nights/latest"
[ "$(grep -o 'missing (1 planned case not in its results)</td>' "$TMP/year.html" | wc -l)" -eq 1 ] ||
	fail "the interrupted night's missing case is not said missing in the history"
report 0 "$TMP"/nights/* -o "$TMP/year2.html" --plots-last all
[ "$(wc -l <"$TMP/gnuplot.calls")" -eq 1 ] || fail "report of $N nights given one by one: not one gnuplot"
check_page "$TMP/year2.html" "$N" "$TMP/by-name" || fail "the page of $N nights given one by one (in the order given)"
# A plot whose bars are all unmeasured is no gnuplot plot; one night alone
# has no history: still one gnuplot, 3 plots.
one=$(ls -d "$TMP"/nights/* | head -1)
report 0 "$one" -o "$TMP/one.html"
check_page "$TMP/one.html" 1 || fail "the page of one night"

# One shard of a night, not merged: a case of it the shard lacks may be
# another shard's, not "-" (a case its scenario lacked).
mkdir "$TMP/shard1"
jq '.shard = {k: 1, n: 2, scenario_cases: 2} | .planned = 1 | .cases |= .[:1]' "$one/results.json" \
	>"$TMP/shard1/results.json"
report 0 "$one" "$TMP/shard1" -o "$TMP/shard.html"
grep -q '<td class="notchecked">not in shard 1/2 (the others not merged: it may be one of theirs)</td>' \
	"$TMP/shard.html" || fail "a case one shard lacks is not said to be maybe another shard's"

# The same night twice: one run, said.
report 0 "$one" "$one" -o "$TMP/twice.html"
grep -q 'Folders 1 and 2 hold the same results' "$TMP/twice.html" || fail "a night given twice is not said"

# Bad nights among the good ones.
bad1=$TMP/nights/2026-01-05-020000-tiny bad2=$TMP/nights/2026-01-20-020000-tiny
head -c 500 "$bad1/results.json" >"$TMP/trunc" && mv "$TMP/trunc" "$bad1/results.json"
: >"$bad2/results.json"
mkdir -p "$TMP/gone/cases"                  # a folder whose results.json is gone
report 2 "$TMP/nights" "$TMP/gone" -o "$TMP/bad.html"
for b in "$bad1" "$bad2" "$TMP/gone"; do
	grep -qF "$b" "$TMP/rep.err" || fail "stderr does not name $b"
	grep -qF "<li class=\"fail\">$b: " "$TMP/bad.html" || fail "the page does not name $b"
done
grep -q '<b>3 results folders not read</b>' "$TMP/bad.html" || fail "the page does not count the nights not read"
grep -q 'written without the 3 results folders above, which could not be read' "$TMP/rep.err" ||
	fail "stderr does not say the page lacks them"
grep -v -e "$bad1" -e "$bad2" "$TMP/by-start" >"$TMP/by-start-bad"
check_page "$TMP/bad.html" $((N - 2)) "$TMP/by-start-bad" 30 || fail "the page without the bad nights"
grep -qF "$bad1</a>" "$TMP/bad.html" && fail "a night not read is listed as read"
# --check: every bad night named, not only the first.
report 2 --check "$TMP/nights"
grep -qF "$bad1" "$TMP/rep.err" && grep -qF "$bad2" "$TMP/rep.err" || fail "--check does not name every bad night"
# scripts/qualify --table over columns of which two are not understood:
# both named (it stopped at the first), no table.
mkdir "$TMP/kq"
cp -r "$one" "$TMP/kq/k1" && cp -r "$bad1" "$TMP/kq/k2" && cp -r "$bad2" "$TMP/kq/k3"
rc=0
POWERCUT=$POWERCUT scripts/qualify --table "$TMP/kq" >"$TMP/kq.out" 2>"$TMP/kq.err" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/kq.out" "$TMP/kq.err"; fail "qualify --table with bad columns exited $rc, expected 2"; }
grep -q "$TMP/kq/k2/results.json is not understood" "$TMP/kq.err" &&
	grep -q "$TMP/kq/k3/results.json is not understood" "$TMP/kq.err" &&
	grep -q "2 results folders of $TMP/kq not understood (above); no table" "$TMP/kq.err" ||
	{ cat "$TMP/kq.err"; fail "qualify --table does not name every bad column"; }
[ ! -e "$TMP/kq/qualify.md" ] || fail "qualify --table wrote a table over bad columns"
# Columns that ran other scenario files (folders gathered by hand): said,
# not titled as one scenario's qualification.
mkdir "$TMP/ks"
cp -r "$one" "$TMP/ks/k1" && cp -r "$one" "$TMP/ks/k2"
jq '.scenario = "/elsewhere/other.ini" | .started = "2030-01-01T00:00:00Z"' "$one/results.json" >"$TMP/ks/k2/results.json"
rc=0
POWERCUT=$POWERCUT scripts/qualify --table "$TMP/ks" >"$TMP/ks.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/ks.out"; fail "qualify --table over two scenarios exited $rc, expected 0"; }
grep -q '^- note: the columns ran different scenario files (other.ini, tiny.ini): ' "$TMP/ks/qualify.md" ||
	{ cat "$TMP/ks/qualify.md"; fail "qualify --table does not say its columns ran other scenarios"; }

# Nothing readable: no page.
report 2 "$bad1" -o "$TMP/none.html"
[ ! -e "$TMP/none.html" ] || fail "a page of no night"
grep -q 'no results folder could be read; no page written' "$TMP/rep.err" || fail "no page: not said"
# -o may not replace the results.json it could not read.
report 2 "$bad1" "$one" -o "$bad1/results.json"
grep -q 'would replace results.json' "$TMP/rep.err" || fail "-o over a night not read"
assert_no_leftovers
echo "PASS $TEST_NAME"
