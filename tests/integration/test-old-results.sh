#!/usr/bin/env bash
# Results folders written by older powercut versions (tests/fixtures/old-results,
# real runs of commits from 2026-11-28 to 2026-12-03): today's compare,
# report, merge-results.sh and qualify --table read them, or say what they
# do not record; never a false "no change", a case dropped or a crash.
# Results of a newer powercut (edited: a higher format, a mode or option
# this build does not know) and truncated ones are refused, exit 2.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
FIX="$TOP/tests/fixtures/old-results"
CUR=0862e1b
OLD_UNTESTED="4c5a10f 2413c20 bad03ff" # before tested_sha256 (2026-12-01 18:11)
OLD_TESTED="4296117 61abc0a"           # with it, before options
NEWER="042d85d 5021762"                # with options; before and after error_class
command -v gnuplot >/dev/null || fail "gnuplot not found (scripts/install-deps.sh installs it)"

compare() { # WANT ARGS...
	local want=$1 rc=0
	shift
	"$POWERCUT" compare "$@" > "$TMP/cmp.out" 2> "$TMP/cmp.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/cmp.out" "$TMP/cmp.err"; fail "compare $* exited $rc, expected $want"; }
}
has() { # TEXT: in the last compare's output
	grep -qF -- "$1" "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "compare does not say: $1"; }
}
# Every case of both sides is in the JSON with the outcomes the files say,
# none dropped, none a regression or a fix (the same scenario ran).
same_cases() { # BASE NEW
	compare "$3" "$1" "$2" --json ${4:+"$4"}
	[ "$(jq -r '[.cases[].id] | sort | join(" ")' "$TMP/cmp.out")" = "f/ext4/syncfs t/ext4/none t/ext4/syncfs" ] ||
		fail "compare $1 $2: not every case in the JSON"
	jq -e '.cases | all(.base_outcome == .new_outcome and .change != "regression" and .change != "fixed")' \
		"$TMP/cmp.out" > /dev/null || { cat "$TMP/cmp.out"; fail "compare $1 $2: outcomes changed"; }
}

# Results older than tested_sha256 against today's: each case 'setup
# unknown' (what it tested is not known), exit 1 unless
# --allow-setup-change; either way round.
for v in $OLD_UNTESTED; do
	compare 1 "$FIX/$v/run" "$FIX/$CUR/run"
	has "| t/ext4/none | **unchanged**, **setup unknown** | pass | pass | 30 -> 30 | not recorded in BASE (an older powercut's results): tested_sha256 |"
	has "3 setup unknown"
	has "**BASE does not record the run's options that change verdicts**"
	has "**BASE and NEW were written by different powercut versions**"
	compare 1 "$FIX/$CUR/run" "$FIX/$v/run"
	has "not recorded in NEW (an older powercut's results): tested_sha256 |"
	same_cases "$FIX/$v/run" "$FIX/$CUR/run" 0 --allow-setup-change
	[ "$(jq '.summary["setup unknown"]' "$TMP/cmp.out")" = 3 ] || fail "$v: JSON setup unknown not 3"
	[ "$(jq '.options_differ' "$TMP/cmp.out")" = null ] || fail "$v: options said known"
done
# With tested_sha256 (and settings recovered from device_size, crash_points):
# compared, the options said not recorded.
for v in $OLD_TESTED; do
	compare 0 "$FIX/$v/run" "$FIX/$CUR/run"
	has "| f/ext4/syncfs | **still failing** | fail | fail | 0 -> 0 |"
	has "0 setup changed, 0 setup unknown"
	has "**BASE does not record the run's options that change verdicts**"
	same_cases "$FIX/$v/run" "$FIX/$CUR/run" 0
	same_cases "$FIX/$CUR/run" "$FIX/$v/run" 0
done
# Two old runs: neither records what it tested nor which build wrote it.
compare 1 "$FIX/4c5a10f/run" "$FIX/2413c20/run"
has "not recorded in BASE (an older powercut's results): tested_sha256; not recorded in NEW (an older powercut's results): tested_sha256 |"
has "**Neither BASE nor NEW records the powercut version that wrote it**"
has "**Neither BASE nor NEW records the run's options that change verdicts**"
compare 1 "$FIX/4c5a10f/run" "$FIX/2413c20/run" --json
[ "$(jq '.version_differs' "$TMP/cmp.out")" = null ] || fail "two old sides: version_differs not null"
same_cases "$FIX/4c5a10f/run" "$FIX/2413c20/run" 0 --allow-setup-change
compare 0 "$FIX/4296117/run" "$FIX/61abc0a/run"
# Crash points: the oldest run's are setup unknown; 61abc0a's compare.
compare 1 "$FIX/4c5a10f/points" "$FIX/$CUR/points"
has "| p/ext4/syncfs | **unchanged**, **setup unknown** | pass | pass | 0 -> 0 | not recorded in BASE"
compare 0 "$FIX/61abc0a/points" "$FIX/$CUR/points"
# Settings recovered from an old file's fields (no crash_points object:
# none ran) against a NEW that ran crash points: a setup change.
mkdir "$TMP/cp4"
jq '.cases[0].settings |= sub("crash_points=0"; "crash_points=4")' "$FIX/$CUR/run/results.json" > "$TMP/cp4/results.json"
compare 1 "$FIX/4296117/run" "$TMP/cp4"
has "crash_points '0' -> '4'"

# Errors before and after results.json recorded their kind (error_class,
# 2026-12-03 09:03): 042d85d's is "kind not recorded", never taken for an
# environment error (not checked) nor for a pass; 5021762's is "input".
# Both builds record options, tested_sha256 and settings: compared.
for v in $NEWER; do
	compare 0 "$FIX/$v/run" "$FIX/$CUR/run"
	has "0 setup changed, 0 setup unknown"
	! grep -q 'options that change verdicts' "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "$v: options said not recorded"; }
	same_cases "$FIX/$v/run" "$FIX/$CUR/run" 0
done
compare 0 "$FIX/042d85d/err" "$FIX/5021762/err" --json
[ "$(jq -c '.cases[0] | [.change, .base_outcome, .base_error_class, .new_outcome, .new_error_class, .new_error_exit]' "$TMP/cmp.out")" = \
	'["still failing","error",null,"error","input",2]' ] || { cat "$TMP/cmp.out"; fail "error kinds: not as the files say"; }
compare 0 "$FIX/5021762/err" "$FIX/042d85d/err"
has "**1 case of NEW erred without recording what kind of error** (results of an older powercut)"
has "| e/ext4/syncfs | **still failing** | error (input) | error (kind not recorded) |"
# A case that passed in BASE and errs, kind not recorded, in NEW is a
# regression (compared by outcome, as a case error), not lost coverage.
mkdir "$TMP/errnew"
cp -a "$FIX/042d85d/err/." "$TMP/errnew/"
jq '.cases[0].id = "t/ext4/syncfs"' "$FIX/042d85d/err/results.json" > "$TMP/errnew/results.json"
mkdir "$TMP/passbase"
jq '.cases |= map(select(.id == "t/ext4/syncfs")) | .planned = 1' "$FIX/5021762/run/results.json" > "$TMP/passbase/results.json"
compare 1 "$TMP/passbase" "$TMP/errnew" --allow-setup-change --json
[ "$(jq -r '.cases[0].change' "$TMP/cmp.out")" = regression ] || { cat "$TMP/cmp.out"; fail "an old error after a pass: not a regression"; }

# Every field every older powercut wrote is one this build knows: none is
# said to be a newer powercut's.
"$POWERCUT" report --check "$FIX"/*/*/ 2> "$TMP/check.err" || { cat "$TMP/check.err"; fail "report --check of the fixtures"; }
! grep -q 'does not know' "$TMP/check.err" || { cat "$TMP/check.err"; fail "an old field taken for a newer powercut's"; }

# report: every folder on one page; the old ones' options said not
# recorded; the history has each case once.
"$POWERCUT" report "$FIX"/*/run "$FIX/4c5a10f/points" "$FIX/$CUR/points" -o "$TMP/all.html" > "$TMP/rep.out" 2>&1 ||
	{ cat "$TMP/rep.out"; fail "report of the old folders failed"; }
text=$(python3 -c 'import html, re, sys; t = open(sys.argv[1]).read(); t = re.sub(r"<svg.*?</svg>", "", t, flags=re.S); print(html.unescape(re.sub(r"<[^>]+>", " ", t)))' "$TMP/all.html" | tr -s ' \n' ' ')
[ "$(grep -o 'options not recorded' <<<"$text" | wc -l)" -eq 6 ] || fail "report: not 6 folders with options not recorded"
grep -q 'Not every results folder records the options it ran with' <<<"$text" || fail "report: no note on options not recorded"
# 4c5a10f's two folders and 2413c20's predate "planned": not known to be whole.
[ "$(grep -o 'Its results do not record the cases its run planned' <<<"$text" | wc -l)" -eq 3 ] ||
	fail "report: not 3 folders said not to record their plan"
[ "$(grep -o '3 cases (2 pass, 1 fail, 0 error' <<<"$text" | wc -l)" -eq 8 ] || fail "report: a folder's counts are wrong"
for id in t/ext4/none t/ext4/syncfs f/ext4/syncfs p/ext4/syncfs; do
	grep -q "$id" <<<"$text" || fail "report: $id missing"
done
# The history of a folder before tested_sha256 and a current one: the
# current cells say their setup is unknown beside the older ones, as
# compare says (3 setup unknown, above); they said nothing, the same setup.
"$POWERCUT" report "$FIX/4c5a10f/run" "$FIX/$CUR/run" -o "$TMP/hist.html" > "$TMP/rep.out" 2>&1 ||
	{ cat "$TMP/rep.out"; fail "report of an old and a current folder failed"; }
[ "$(grep -o 'setup unknown: not recorded in folder 1 (an older powercut&apos;s results): tested_sha256</span>' "$TMP/hist.html" | wc -l)" -eq 3 ] ||
	fail "report: history cells do not say setup unknown ($(grep -o 'setup unknown[^<]*' "$TMP/hist.html" | head -3))"

# merge-results (today's) on shards of powercut 4c5a10f, which records no
# shard nor plan: merged, but whether a shard is missing is not known,
# exit 1 (with every shard given and without shard 1 alike).
merge() { # WANT OUT DIR...
	local want=$1 rc=0
	shift
	"$TOP/scripts/merge-results.sh" "$@" > "$TMP/m.out" 2> "$TMP/m.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/m.out" "$TMP/m.err"; fail "merge-results $* exited $rc, expected $want"; }
}
merge 1 "$TMP/m-old" "$FIX/4c5a10f/shard1" "$FIX/4c5a10f/shard2"
grep -q "not known whether every shard was merged" "$TMP/m.err" ||
	{ cat "$TMP/m.err"; fail "merge of old shards: not said that completeness is not known"; }
grep -q '^- \*\*not known whether every shard was merged\*\*' "$TMP/m-old/summary.md" || fail "merged summary.md does not say it"
[ "$(jq '.cases | length' "$TMP/m-old/results.json")" -eq 3 ] || fail "merge of old shards: not 3 cases"
merge 1 "$TMP/m-old2" "$FIX/4c5a10f/shard2"
grep -q "not known whether every shard was merged" "$TMP/m.err" || fail "merge of one old shard: exit 1 without the reason"
# bad03ff records shards: a shard missing is said.
merge 1 "$TMP/m-bad" "$FIX/bad03ff/shard1" "$FIX/bad03ff/shard2"
! grep -q "not known whether every shard" "$TMP/m.err" || fail "merge of recorded shards said not known"
# Neither shard records the powercut build nor the run's options: merged
# (a mix of recorded and not is refused), and said: merged silently, the
# folder looked like one build's run with one set of options.
for m in m-bad m-old; do
	grep -q '^- \*\*not known whether the shards ran one powercut build\*\*' "$TMP/$m/summary.md" ||
		{ cat "$TMP/$m/summary.md"; fail "$m: summary.md does not say the build is not recorded"; }
	grep -q '^- \*\*not known whether the shards ran with the same options that change verdicts\*\*' "$TMP/$m/summary.md" ||
		fail "$m: summary.md does not say the options are not recorded"
done
merge 1 "$TMP/m-bad3" "$FIX/bad03ff/shard1" "$FIX/bad03ff/shard2"
grep -q "^merge-results: not known whether the shards ran one powercut build with the same run options" "$TMP/m.err" ||
	{ cat "$TMP/m.err"; fail "merge of shards not recording build and options: not said on stderr"; }
# A shard that records both: no such word (its missing shard is said).
merge 1 "$TMP/m-rec" "$FIX/042d85d/shard1"
! grep -q "ran one powercut build" "$TMP/m.err" "$TMP/m-rec/summary.md" || { cat "$TMP/m.err"; fail "a recorded build said not recorded"; }
merge 1 "$TMP/m-bad1" "$FIX/bad03ff/shard2"
grep -q "1 of the 3 planned cases merged (shards given: 2/2)" "$TMP/m.err" || { cat "$TMP/m.err"; fail "missing shard not said"; }
merge 2 "$TMP/m-mix" "$FIX/4c5a10f/shard1" "$FIX/bad03ff/shard2"
# Shards of two builds (before and after error_class): refused, naming
# both versions; never merged as one run.
merge 2 "$TMP/m-ver" "$FIX/042d85d/shard1" "$FIX/5021762/shard2"
grep -q "different powercut versions: 0.1.0+042d85df06c7 0.1.0+5021762f533d" "$TMP/m.err" ||
	{ cat "$TMP/m.err"; fail "shards of two builds: the versions not named"; }
[ ! -e "$TMP/m-ver/results.json" ] || fail "shards of two builds: a results.json was written"
# The merged old shards compare as the whole old run does.
compare 1 "$TMP/m-old" "$FIX/$CUR/run"
has "3 setup unknown"
# merge-results' own "shards" field is no newer powercut's.
compare 1 "$TMP/m-bad" "$FIX/$CUR/run" --json
[ "$(jq -c '.base.ignored_fields' "$TMP/cmp.out")" = '[]' ] || fail "merge-results' shards taken for a newer powercut's field"
# One shard of two, not merged, as NEW: the other shard's cases were not
# checked, which --allow-removed (cases dropped from the scenario) does not
# excuse; exit 0 "no regression" before.
compare 1 "$FIX/bad03ff/run" "$FIX/bad03ff/shard1" --allow-removed --allow-setup-change
has "NEW is shard 1/2 of its run, not the shards merged"

# qualify --table on one folder per build: every case of each, the
# builds said to differ (older ones as not recorded).
mkdir "$TMP/q"
for v in 4c5a10f 2413c20 61abc0a $CUR; do cp -a "$FIX/$v/run" "$TMP/q/k-$v"; done
rc=0
scripts/qualify --table "$TMP/q" > "$TMP/q.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/q.out"; fail "qualify --table exited $rc, expected 1 (f/ext4/syncfs fails)"; }
grep -q '^- note: the columns ran different powercut builds (.*older, not recorded)' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "qualify --table: the builds are not said"; }
[ "$(jq '.cases | length' "$TMP/q/qualify.json")" -eq 3 ] || fail "qualify --table: not 3 rows"
grep -q '^| t/ext4/none |  | pass, lost 30 | pass, lost 30 | pass, lost 30 | pass, lost 30 |$' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "qualify --table: a row is wrong"; }
# Two columns from builds older than the field: not known to be one build.
mkdir "$TMP/q2"
for v in 4c5a10f 2413c20; do cp -a "$FIX/$v/run" "$TMP/q2/k-$v"; done
rc=0
scripts/qualify --table "$TMP/q2" > "$TMP/q.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/q.out"; fail "qualify --table of two old builds exited $rc, expected 1"; }
grep -q '^- note: no column records the powercut build that ran it' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "qualify --table: two old builds taken as one"; }

# Today's build on the same scenario and image: compared with the old
# runs that say what they tested as the same test (the tree's digest is
# the same), with the older ones as setup unknown.
pc_run "$FIX/run.ini" -o "$TMP/live" > "$TMP/live.out" 2>&1 && fail "live run exited 0 (f/ext4/syncfs fails)"
[ -f "$TMP/live/results.json" ] || { cat "$TMP/live.out"; fail "live run wrote no results"; }
for v in $OLD_TESTED $CUR; do
	compare 0 "$FIX/$v/run" "$TMP/live"
	has "0 setup changed, 0 setup unknown"
	same_cases "$TMP/live" "$FIX/$v/run" 0
done
for v in $OLD_UNTESTED; do
	compare 1 "$FIX/$v/run" "$TMP/live"
	has "3 setup unknown"
	same_cases "$FIX/$v/run" "$TMP/live" 0 --allow-setup-change
done
pc_run "$FIX/points.ini" -o "$TMP/livep" > "$TMP/livep.out" 2>&1 || { cat "$TMP/livep.out"; fail "live crash-point run failed"; }
compare 0 "$FIX/61abc0a/points" "$TMP/livep"
compare 1 "$FIX/4c5a10f/points" "$TMP/livep"
# Today's build on the scenario whose mkfs fails: its error (input) beside
# the old ones', compared case by case; an old error's kind is not taken
# for the host's (qualify: not met, exit 1; not 3, "not checked").
pc_run "$FIX/err.ini" -o "$TMP/livee" > "$TMP/livee.out" 2>&1 && fail "live err.ini run exited 0"
for v in $NEWER; do
	compare 0 "$FIX/$v/err" "$TMP/livee"
	has "| e/ext4/syncfs | **still failing** | error ("
	has "0 setup changed, 0 setup unknown"
done
mkdir "$TMP/qe"
cp -a "$FIX/042d85d/err" "$TMP/qe/k-old"
rc=0
scripts/qualify --table "$TMP/qe" > "$TMP/q.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/q.out"; fail "qualify --table of an old error exited $rc, expected 1"; }
grep -q '^| e/ext4/syncfs |  | error (kind not recorded): mkfs.ext4 -E bogus_opt' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "qualify --table: an old error's cell"; }
# One shard of an old sharded run alone (its results do not record what
# the run planned): not known to be whole, not qualified (it was
# "every expectation met", exit 0).
mkdir "$TMP/q3"
cp -a "$FIX/4c5a10f/shard2" "$TMP/q3/k-old"
rc=0
scripts/qualify --table "$TMP/q3" > "$TMP/q.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/q.out"; fail "qualify --table of one old shard exited $rc, expected 1"; }
grep -q '^- k-old: .*its results do not record the cases its run planned (an older powercut): whether every case ran is not known, NOT qualified$' \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "qualify --table: an old shard taken as a whole run"; }

# A newer powercut's results (edited), and a truncated file: refused,
# exit 2 naming the field, by compare, report and merge-results.
newer() { # NAME JQ-FILTER FIELD-IN-MESSAGE
	mkdir -p "$TMP/$1"
	cp -a "$FIX/$CUR/run/." "$TMP/$1/"
	jq "$2" "$FIX/$CUR/run/results.json" > "$TMP/$1/results.json"
	compare 2 "$FIX/$CUR/run" "$TMP/$1"
	grep -qF "$3" "$TMP/cmp.err" || { cat "$TMP/cmp.err"; fail "$1: $3 not named"; }
	compare 2 "$TMP/$1" "$FIX/4c5a10f/run"
	"$POWERCUT" report --check "$TMP/$1" 2> /dev/null && fail "$1: report --check accepted it"
	merge 2 "$TMP/m-$1" "$TMP/$1"
}
newer format2 '.format = 2' 'format: 2 is newer than this powercut reads'
newer mode '.cases[1].mode = "fsync2"' "cases[1].mode: 'fsync2' is not a mode this powercut knows"
newer backend '.cases[1].backend = "nvme"' "cases[1].backend: 'nvme' is not a backend"
newer fs '.cases[0].fs = "bcachefs"' "cases[0].fs: 'bcachefs'"
newer verdict '.cases[1].verdict = "skipped"' 'cases[1].verdict: not pass, fail or error'
newer option '.options.strict_fsck = true' 'options.strict_fsck: an option this powercut does not know'
newer setting '.cases[2].settings += " io_depth=32"' "cases[2].settings: 'io_depth' is not a scenario key this powercut knows"
# A newer powercut's phase in timings_s and counter in io: read (format 1:
# they only inform) and said, never dropped silently.
mkdir "$TMP/phase"
cp -a "$FIX/$CUR/run/." "$TMP/phase/"
jq '.cases[0].timings_s.trim = 0.5 | .cases[1].io.discards = 3' "$FIX/$CUR/run/results.json" > "$TMP/phase/results.json"
compare 0 "$FIX/$CUR/run" "$TMP/phase" --json
[ "$(jq -c '.new.ignored_fields' "$TMP/cmp.out")" = '["cases[].timings_s.trim","cases[].io.discards"]' ] ||
	{ cat "$TMP/cmp.out"; fail "a newer phase or counter not said"; }
# merge-results says them too (report --check's warning was dropped), and a
# field at the top, which the merged results.json does not carry, is named.
mkdir "$TMP/newtop"
cp -a "$FIX/042d85d/shard1/." "$TMP/newtop/"
jq '.host = "ci-7" | .cases[0].verdict_scope = 1' "$FIX/042d85d/shard1/results.json" > "$TMP/newtop/results.json"
merge 1 "$TMP/m-newtop" "$TMP/newtop"
grep -q "^merge-results: $TMP/newtop: fields this powercut does not know (a newer powercut's), ignored.*: host, cases\[\].verdict_scope" "$TMP/m.err" ||
	{ cat "$TMP/m.err"; fail "merge-results: a newer powercut's fields not said"; }
mkdir "$TMP/qnew"
cp -a "$TMP/newtop" "$TMP/qnew/k-new"
scripts/qualify --table "$TMP/qnew" > "$TMP/q.out" 2>&1 || true
grep -q "$TMP/qnew/k-new: fields this powercut does not know (a newer powercut's), ignored.*: host, cases\[\].verdict_scope" "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "qualify --table: a newer powercut's fields not said"; }
mkdir "$TMP/trunc"
head -c 2000 "$FIX/0862e1b/run/results.json" > "$TMP/trunc/results.json"
compare 2 "$FIX/$CUR/run" "$TMP/trunc"
grep -q 'not JSON' "$TMP/cmp.err" || fail "truncated: not said"
pass
