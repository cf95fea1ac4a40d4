#!/usr/bin/env bash
# Nightly runs: compare against a baseline (one deliberate regression,
# exit 1), known failures (known, a stale entry is 'unexpected pass'),
# retries on a case made flaky by the test-only hook (rate 1/2), and a
# kernel WARNING written to /dev/kmsg during a case (the case fails).
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
# The sample image's smallest layer (159 entries): what is tested is how runs
# are judged and compared, not the unpack.
LAYER="$TOP/images/sample/layer3.tar.zst"

# Two cases; the "broken" copy expects fsync to lose data, which it does
# not: g/ext4/fsync fails there, deterministically.
scenario() { # NAME [EXTRA KEY LINE]
	printf '[global]\nimage = %s\nbackend = fuse\n[g]\nfs = ext4\nmodes = fsync syncfs\n%s\n' \
		"$LAYER" "${2:-}" > "$TMP/$1.ini"
}
scenario good
scenario broken "expect_fsync = loss"
run_to() { # WANT OUT SCENARIO [ARGS...]
	local want=$1 dir=$2 rc=0
	shift 2
	pc_run "$@" -o "$TMP/$dir" > "$TMP/$dir.out" 2> "$TMP/$dir.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/$dir.out" "$TMP/$dir.err"; fail "run into $dir exited $rc, expected $want"; }
}
compare() { # WANT ARGS...
	local want=$1 rc=0
	shift
	"$POWERCUT" compare "$@" > "$TMP/cmp.out" 2> "$TMP/cmp.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/cmp.out" "$TMP/cmp.err"; fail "compare $* exited $rc, expected $want"; }
}
outcome() { case_field "$1" "$2" .outcome; }

run_to 0 base "$TMP/good.ini"
run_to 1 new "$TMP/broken.ini"
[ -s "$TMP/base/cases/g_ext4_fsync/kernel.log" ] || fail "no kernel.log in the case folder"
[ "$(case_field "$TMP/base" g/ext4/fsync .kernel_log.checked)" = true ] || fail "kernel log not checked"

# Exactly one regression, exit 1; markdown and JSON say so.
compare 1 "$TMP/base" "$TMP/new"
grep -q '^| g/ext4/fsync | \*\*regression\*\* | pass | fail |' "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "no regression row"; }
grep -q '^- 1 regression, 0 new failing, 0 fixed' "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "summary line"; }
compare 1 "$TMP/base" "$TMP/new" --json
[ "$(jq '.summary.regression' "$TMP/cmp.out")" -eq 1 ] || fail "JSON: not one regression"
[ "$(jq -r '.cases[] | select(.change == "regression") | .id' "$TMP/cmp.out")" = g/ext4/fsync ] || fail "JSON: wrong case"
[ "$(jq '.base_after_new' "$TMP/cmp.out")" = false ] || fail "JSON: BASE said to have run after NEW"
# Reversed, it is a fix; and BASE ran after NEW (results.json's started:
# set a night apart, the runs may start within one second), which is said.
for d in base new; do
	jq --arg s "$([ $d = base ] && echo 2030-01-01 || echo 2030-01-02)T02:00:00Z" '.started = $s' \
		"$TMP/$d/results.json" >"$TMP/$d.json" && mv "$TMP/$d.json" "$TMP/$d/results.json"
done
compare 0 "$TMP/new" "$TMP/base" --json
[ "$(jq '.summary.fixed' "$TMP/cmp.out")" -eq 1 ] || fail "reversed: not fixed"
[ "$(jq -c '[.base_after_new, .base.started, .new.started]' "$TMP/cmp.out")" = \
	'[true,"2030-01-02T02:00:00Z","2030-01-01T02:00:00Z"]' ] || fail "JSON: BASE ran after NEW, not said"
[ "$(jq '.same_run' "$TMP/cmp.out")" = false ] || fail "two runs taken for one"
compare 0 "$TMP/new" "$TMP/base"
grep -q '^\*\*BASE ran after NEW\*\* (BASE started 2030-01-02T02:00:00Z, NEW 2030-01-01T02:00:00Z): are they given the wrong way round' \
	"$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "BASE ran after NEW: not said"; }
compare 1 "$TMP/base" "$TMP/new"
grep -q 'BASE ran after NEW' "$TMP/cmp.out" && fail "BASE ran after NEW said of sides in order"
# Each side's line says when it started (or that it is not recorded).
grep -q '^- base: `.*/base/results.json` (kernel `.*`, [0-9]* cases\{0,1\}, started 2030-01-01T02:00:00Z)$' "$TMP/cmp.out" &&
	grep -q '^- new: `.*/new/results.json` (kernel `.*`, [0-9]* cases\{0,1\}, started 2030-01-02T02:00:00Z)$' "$TMP/cmp.out" ||
	{ cat "$TMP/cmp.out"; fail "the base/new lines do not say when each started"; }
# The same folder twice, or a copy of it (re-written by jq), is one run: nothing was checked that BASE had not, exit 1,
# said; exit 0 before, a silent pass.  --allow-same-run (seeding the first
# last good run) accepts it.
compare 1 "$TMP/base" "$TMP/base"
grep -q '^\*\*BASE and NEW are one run\*\*' "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "same run not said"; }
mkdir "$TMP/copy"
jq -c . "$TMP/base/results.json" > "$TMP/copy/results.json"
cmp -s "$TMP/base/results.json" "$TMP/copy/results.json" && fail "the copy is byte for byte the same: not a test of re-indenting"
compare 1 "$TMP/base" "$TMP/copy" --json
[ "$(jq '.same_run' "$TMP/cmp.out")" = true ] && [ "$(jq '.coverage_lost' "$TMP/cmp.out")" = true ] ||
	fail "a copy of BASE is not one run with it"
compare 0 "$TMP/base" "$TMP/copy" --allow-same-run
grep -q 'one run.*--allow-same-run: accepted' "$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "accepted same run not said"; }
# Fields a newer powercut added (at the top, in a case) are ignored as
# results format 1 promises they change no verdict, but said, not silently
# (markdown, JSON); a run of this build has none.
compare 1 "$TMP/base" "$TMP/new" --json
[ "$(jq -c '[.base.ignored_fields, .new.ignored_fields]' "$TMP/cmp.out")" = '[[],[]]' ] ||
	fail "this build's own fields taken for a newer powercut's"
mkdir "$TMP/newer"
jq '.host = "ci-7" | .cases[].verdict_scope = "all"' "$TMP/base/results.json" > "$TMP/newer/results.json"
compare 0 "$TMP/base" "$TMP/newer" --json
[ "$(jq -c '.new.ignored_fields' "$TMP/cmp.out")" = '["host","cases[].verdict_scope"]' ] ||
	{ cat "$TMP/cmp.out"; fail "fields of a newer powercut not listed"; }
compare 0 "$TMP/base" "$TMP/newer"
grep -q '^\*\*NEW holds fields this powercut does not know\*\* (a newer powercut.s: host, cases\[\]\.verdict_scope), ignored' \
	"$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "fields of a newer powercut not said"; }
# Another kernel, even one differing only by its flavour (-rt): said above
# the table (only the header's kernels told it), the exit status unchanged.
compare 0 "$TMP/base" "$TMP/newer" --json
[ "$(jq '.kernel_differs' "$TMP/cmp.out")" = false ] || fail "one kernel said to be two"
mkdir "$TMP/kflavour"
jq '.kernel += "-rt"' "$TMP/base/results.json" > "$TMP/kflavour/results.json"
compare 0 "$TMP/base" "$TMP/kflavour"
grep -q '^\*\*BASE and NEW ran different kernels\*\* (`.*`, `.*-rt`)' "$TMP/cmp.out" ||
	{ cat "$TMP/cmp.out"; fail "another kernel not said"; }
# An input that is not understood is exit 2.
mkdir "$TMP/bad"
jq '.cases[0].verdict = "maybe"' "$TMP/base/results.json" > "$TMP/bad/results.json"
compare 2 "$TMP/base" "$TMP/bad"
grep -q 'cases\[0\].verdict' "$TMP/cmp.err" || fail "bad verdict not named"
compare 2 "$TMP/base"
# --time-threshold is a plain decimal (strtod alone took 0x10 as 16).
for t in 0x10 1e1 " 2" inf; do compare 2 "$TMP/base" "$TMP/base" --time-threshold "$t"; done
compare 0 "$TMP/base" "$TMP/base" --time-threshold 2.5 --allow-same-run
# An outcome its verdict contradicts is not understood either.
mkdir "$TMP/contra"
jq '.cases[0].verdict = "error"' "$TMP/base/results.json" > "$TMP/contra/results.json"
compare 2 "$TMP/base" "$TMP/contra"
grep -q "cases\[0\].outcome: 'pass' with verdict 'error'" "$TMP/cmp.err" || fail "contradiction not named"
# Lost coverage is never "no regression": a case of BASE missing from NEW,
# or NEW without any case, is exit 1; --allow-removed accepts the first
# when NEW's run did not plan the case (dropped from the scenario), not
# when it planned and lacks it (interrupted).
mkdir "$TMP/half" "$TMP/cut-short" "$TMP/empty"
jq '.cases |= .[:1] | .planned = 1' "$TMP/base/results.json" > "$TMP/half/results.json"
jq '.cases |= .[:1]' "$TMP/base/results.json" > "$TMP/cut-short/results.json"
jq '.cases = [] | .planned = 0' "$TMP/base/results.json" > "$TMP/empty/results.json"
compare 1 "$TMP/base" "$TMP/half"
grep -q 'did not run in NEW' "$TMP/cmp.out" || fail "removed case not reported as lost coverage"
compare 0 "$TMP/base" "$TMP/half" --allow-removed
compare 1 "$TMP/base" "$TMP/cut-short" --allow-removed
grep -q 'NEW has 1 of the 2 cases its run planned' "$TMP/cmp.out" || fail "unfinished NEW not reported"
compare 1 "$TMP/base" "$TMP/empty" --allow-removed --json
[ "$(jq '.coverage_lost' "$TMP/cmp.out")" = true ] || fail "empty NEW: coverage_lost not true"
compare 1 "$TMP/empty" "$TMP/empty"
# A case run on another setup (here other mount options) was not checked as
# BASE checked it: exit 1 naming the field, unless --allow-setup-change.
mkdir "$TMP/setup"
jq '.cases[0].mount_opts = "nobarrier"' "$TMP/base/results.json" > "$TMP/setup/results.json"
compare 1 "$TMP/base" "$TMP/setup"
grep -q "setup changed\*\* | pass | pass | .* | mount_opts '' -> 'nobarrier' |" "$TMP/cmp.out" ||
	{ cat "$TMP/cmp.out"; fail "setup change not reported"; }
compare 0 "$TMP/base" "$TMP/setup" --allow-setup-change
# The same image file, another tree (a tag that moved, a layer rebuilt):
# what the case tested (its commit record's digest) differs.
jq -r '.cases[0].tested_sha256' "$TMP/base/results.json" | grep -qx '[0-9a-f]\{64\}' ||
	fail "results.json has no tested_sha256"
mkdir "$TMP/tree"
jq '.cases[0].tested_sha256 = ("f" * 64)' "$TMP/base/results.json" > "$TMP/tree/results.json"
compare 1 "$TMP/base" "$TMP/tree"
grep -q "setup changed\*\* | pass | pass | .* | tested_sha256 '[0-9a-f]*' -> 'f*' |" "$TMP/cmp.out" ||
	{ cat "$TMP/cmp.out"; fail "another tree tested is not a setup change"; }
# The same scenario file name, edited (a key results.json gives no field
# of: device_size here, crash_points alike): the case no longer checks
# what it did.  Compared as unchanged before results.json had "settings".
scenario edited "device_size = 700M"
run_to 0 edited "$TMP/edited.ini"
compare 1 "$TMP/base" "$TMP/edited" --json
[ "$(jq -r '.cases[] | select(.id == "g/ext4/fsync") | .setup_changed.settings[1]' "$TMP/cmp.out")" = \
	"device_size=734003200 log_size=auto crash_points=0 crash_subsets=0 cut_at=end" ] ||
	{ cat "$TMP/cmp.out"; fail "an edited scenario is not a setup change (JSON)"; }
compare 1 "$TMP/base" "$TMP/edited"
grep -q "setup changed\*\* | pass | pass | .* | device_size 'auto' -> '734003200' |" "$TMP/cmp.out" ||
	{ cat "$TMP/cmp.out"; fail "an edited scenario is not a setup change"; }
# BASE written by a powercut older than "settings" and "tested_sha256"
# (both deleted here): its settings come from the fields it has, what the
# cases tested it does not say: "setup unknown", exit 1, said, never
# "unchanged"; --allow-setup-change accepts it.
mkdir "$TMP/old"
jq '.cases[] |= del(.settings, .tested_sha256)' "$TMP/base/results.json" > "$TMP/old/results.json"
compare 1 "$TMP/old" "$TMP/base"
grep -q "| g/ext4/fsync | \*\*unchanged\*\*, \*\*setup unknown\*\* | pass | pass | .* | not recorded in BASE (an older powercut's results): tested_sha256 |" \
	"$TMP/cmp.out" || { cat "$TMP/cmp.out"; fail "an old BASE without tested_sha256 is not setup unknown"; }
grep -q "2 cases: one side does not record what they ran on" "$TMP/cmp.out" || fail "setup unknown not said above the table"
compare 0 "$TMP/old" "$TMP/base" --allow-setup-change

# Known failures (here the scenario key; run --known below): the failure is
# known (exit 0), a stale entry for a case that passes is an unexpected pass.
cat > "$TMP/known.txt" <<'EOF2'
# known failures of the nightly run
g/ext4/fsync kernel>=3.0 fails=no-loss # fsync never loses: the broken scenario expects it to
g/ext4/syncfs            # stale: this one passes
EOF2
scenario broken-known "expect_fsync = loss
known = known.txt"
run_to 0 known "$TMP/broken-known.ini"
[ "$(outcome "$TMP/known" g/ext4/fsync)" = known ] || fail "fsync not known"
[ "$(case_field "$TMP/known" g/ext4/fsync .known.where)" = "$TMP/known.txt:2" ] || fail "known entry not named"
[ "$(outcome "$TMP/known" g/ext4/syncfs)" = "unexpected pass" ] || fail "stale entry not an unexpected pass"
grep -q '| known ' "$TMP/known.out" || fail "table: no known"
compare 0 "$TMP/base" "$TMP/known" --json
[ "$(jq '.summary.known' "$TMP/cmp.out")" -eq 1 ] && [ "$(jq '.summary."unexpected pass"' "$TMP/cmp.out")" -eq 1 ] ||
	fail "compare of a known run: $(jq -c .summary "$TMP/cmp.out")"
# An entry covers the kinds of failure it names (fails=), and an entry
# without fails= (every file written before it) a loss only: the broken
# scenario's fsync fails as no-loss (expected a loss, lost nothing), which
# such an entry does not cover: a failure, exit 1, said in the summary, for
# run and compare --known.  results.json lists the case's kinds.
printf 'g/ext4/fsync # written for a loss\n' > "$TMP/known-loss.txt"
run_to 1 otherkind "$TMP/broken.ini" --known "$TMP/known-loss.txt"
[ "$(outcome "$TMP/otherkind" g/ext4/fsync)" = fail ] || fail "an entry for a loss covered another failure"
[ "$(case_field "$TMP/otherkind" g/ext4/fsync '.failures | join(",")')" = no-loss ] ||
	fail "results.json: failures not [no-loss]"
[ "$(case_field "$TMP/otherkind" g/ext4/fsync .known.covered)" = false ] || fail "results.json: known.covered not false"
grep -q 'g/ext4/fsync: fail: .*(not covered by known failure .*known-loss.txt:1: written for a loss; it expects fails=loss, the case showed no-loss)' \
	"$TMP/otherkind.out" || { cat "$TMP/otherkind.out"; fail "summary does not say the entry does not cover the failure"; }
compare 1 "$TMP/base" "$TMP/new" --known "$TMP/known-loss.txt" --json
[ "$(jq -r '.cases[] | select(.id == "g/ext4/fsync") | .change' "$TMP/cmp.out")" = regression ] ||
	fail "compare --known: an entry for a loss covered another failure"
# A known entry covers a failure, never an error: a case whose mkfs is
# refused did not run, so it is an error (exit 2: the option is the input),
# and compare --known calls it a regression.
scenario badmkfs "mkfs_opts = -O powercut-no-such-feature"
run_to 2 knownerr "$TMP/badmkfs.ini" --known "$TMP/known.txt"
[ "$(outcome "$TMP/knownerr" g/ext4/fsync)" = error ] || fail "known covered an error"
grep -q 'g/ext4/fsync: error (input): .*(an error is not covered by known failure .*known.txt:2' "$TMP/knownerr.out" ||
	{ cat "$TMP/knownerr.out"; fail "summary does not say the entry does not cover the error"; }
compare 1 "$TMP/base" "$TMP/knownerr" --known "$TMP/known.txt" --json
[ "$(jq -r '.cases[] | select(.id == "g/ext4/fsync") | .change' "$TMP/cmp.out")" = regression ] ||
	fail "compare --known: an error was not a regression"
# compare --known does the same to a run made without it.
compare 0 "$TMP/base" "$TMP/new" --known "$TMP/known.txt"
grep -q '| g/ext4/fsync | \*\*known\*\* |' "$TMP/cmp.out" || fail "compare --known: not known"
grep -q '| g/ext4/syncfs | \*\*unexpected pass\*\* |' "$TMP/cmp.out" || fail "compare --known: no unexpected pass"
# A condition naming a flavour holds for that flavour only: Debian's
# PREEMPT_RT kernel 6.1.0-57-rt-amd64 (as results.json names it from a VM)
# is not 6.1.0-57-amd64, and an entry for one must not cover the other.
mkdir "$TMP/rt"
jq '.kernel = "6.1.0-57-rt-amd64"' "$TMP/new/results.json" > "$TMP/rt/results.json"
printf 'g/ext4/fsync fails=no-loss kernel==6.1.0-57-amd64 # the plain kernel only\n' > "$TMP/known-plain.txt"
compare 1 "$TMP/base" "$TMP/rt" --known "$TMP/known-plain.txt" --json
[ "$(jq -r '.cases[] | select(.id == "g/ext4/fsync") | .change' "$TMP/cmp.out")" = regression ] ||
	fail "an entry for 6.1.0-57-amd64 covered 6.1.0-57-rt-amd64: $(jq -c .summary "$TMP/cmp.out")"
for cond in 'kernel==6.1.0-57-rt' 'kernel==6.1.0-57-rt-amd64' 'kernel==6.1.0-57'; do
	printf 'g/ext4/fsync fails=no-loss %s # rt\n' "$cond" > "$TMP/known-rt.txt"
	compare 0 "$TMP/base" "$TMP/rt" --known "$TMP/known-rt.txt" --json
	[ "$(jq '.summary.known' "$TMP/cmp.out")" -eq 1 ] || fail "$cond did not cover 6.1.0-57-rt-amd64"
done
# --known twice reads both files (the first was dropped silently), for run
# and compare.
sed -n 2p "$TMP/known.txt" > "$TMP/known-a.txt"
sed -n 3p "$TMP/known.txt" > "$TMP/known-b.txt"
compare 0 "$TMP/base" "$TMP/new" --known "$TMP/known-a.txt" --known "$TMP/known-b.txt" --json
[ "$(jq '.summary.known' "$TMP/cmp.out")" -eq 1 ] && [ "$(jq '.summary."unexpected pass"' "$TMP/cmp.out")" -eq 1 ] ||
	fail "compare --known twice: $(jq -c .summary "$TMP/cmp.out")"
run_to 0 known2 "$TMP/broken.ini" --known "$TMP/known-a.txt" --known "$TMP/known-b.txt"
[ "$(outcome "$TMP/known2" g/ext4/fsync)" = known ] && [ "$(outcome "$TMP/known2" g/ext4/syncfs)" = "unexpected pass" ] ||
	fail "run --known twice: not both files"
# A bad line is exit 2 naming FILE:LINE, for run and compare.
printf 'g/ext4/fsync kernel~6 # bad condition\n' > "$TMP/bad-known.txt"
run_to 2 badknown "$TMP/good.ini" --known "$TMP/bad-known.txt"
grep -q "$TMP/bad-known.txt:1: 'kernel~6' is not a kernel condition" "$TMP/badknown.err" || fail "bad known line not named"
compare 2 "$TMP/base" "$TMP/new" --known "$TMP/bad-known.txt"
# An entry that matches no case (a typo) is a warning naming FILE:LINE, for
# run and compare; the outcomes stay as they were.
printf 'g/ext4/fsync fails=no-loss # fsync is broken\ng/ext4/fsnyc # a typo\n' > "$TMP/typo-known.txt"
run_to 0 typoknown "$TMP/broken.ini" --known "$TMP/typo-known.txt"
grep -q "warning: $TMP/typo-known.txt:2: known failure 'g/ext4/fsnyc' matches no case of scenario" \
	"$TMP/typoknown.err" || { cat "$TMP/typoknown.err"; fail "run: an entry matching no case is not reported"; }
grep -q "typo-known.txt:1:" "$TMP/typoknown.err" && fail "run: an entry that matches was reported"
compare 0 "$TMP/base" "$TMP/new" --known "$TMP/typo-known.txt"
grep -q "warning: $TMP/typo-known.txt:2: known failure 'g/ext4/fsnyc' matches no case of NEW" \
	"$TMP/cmp.err" || { cat "$TMP/cmp.err"; fail "compare: an entry matching no case is not reported"; }
# A scenario's known file covers the cases of the groups that name it: an
# entry for another group's case covers nothing, and is a warning as a typo
# is (--list reads the files as run does).
printf 'g/ext4/fsync # covered\nh/ext4/syncfs # in a group that does not read this file\n' \
	> "$TMP/scoped-known.txt"
printf '[global]\nimage = %s\nbackend = fuse\n[g]\nfs = ext4\nmodes = fsync\nknown = scoped-known.txt\n[h]\nfs = ext4\nmodes = syncfs\n' \
	"$LAYER" > "$TMP/scoped.ini"
"$POWERCUT" run --list "$TMP/scoped.ini" > /dev/null 2> "$TMP/scoped.err" || fail "run --list scoped.ini failed"
grep -q "warning: $TMP/scoped-known.txt:2: known failure 'h/ext4/syncfs' matches no case of the groups of scenario $TMP/scoped.ini that name it: \[g\]" \
	"$TMP/scoped.err" || { cat "$TMP/scoped.err"; fail "run: an entry for another group's case is not reported"; }
grep -q "scoped-known.txt:1:" "$TMP/scoped.err" && fail "run: an entry of the group's own case was reported"

# Retries: the hook fails the first attempt of g/ext4/fsync, the second
# passes: flaky 1/2, both attempts kept, exit 1 (--flaky-ok: 0 is in the
# unit tests).  A kernel WARNING written during g/ext4/syncfs fails it on
# every attempt.
export POWERCUT_TEST_FAIL_ATTEMPTS=g/ext4/fsync:1
export POWERCUT_TEST_KMSG='g/ext4/syncfs:<4>WARNING: CPU: 0 PID: 0 at powercut-test-compare (device {dev})'
run_to 1 flaky "$TMP/good.ini" --retries 1
unset POWERCUT_TEST_FAIL_ATTEMPTS POWERCUT_TEST_KMSG
[ "$(outcome "$TMP/flaky" g/ext4/fsync)" = flaky ] ||
	fail "not flaky: $(case_field "$TMP/flaky" g/ext4/fsync '[.attempts[].reason]')"
[ "$(case_field "$TMP/flaky" g/ext4/fsync .flaky_rate)" = 1/2 ] || fail "flaky rate"
case_field "$TMP/flaky" g/ext4/fsync '.attempts[0].reason' | grep -q POWERCUT_TEST_FAIL_ATTEMPTS ||
	fail "first attempt not failed by the hook"
[ -d "$TMP/flaky/cases/g_ext4_fsync/try-1" ] && [ -s "$TMP/flaky/cases/g_ext4_fsync/try-2/kernel.log" ] ||
	fail "attempts not kept in try-K"
grep -q '| flaky 1/2 |' "$TMP/flaky.out" || fail "table: no flaky 1/2"
[ "$(outcome "$TMP/flaky" g/ext4/syncfs)" = fail ] || fail "kernel WARNING did not fail the case"
[ "$(case_field "$TMP/flaky" g/ext4/syncfs '.attempts | length')" -eq 2 ] || fail "syncfs not tried twice"
case_field "$TMP/flaky" g/ext4/syncfs .reason | grep -q '^kernel: WARNING: .*powercut-test-compare' ||
	fail "reason: $(case_field "$TMP/flaky" g/ext4/syncfs .reason)"
grep -q 'powercut-test-compare' "$TMP/flaky/cases/g_ext4_syncfs/try-2/kernel.log" || fail "line not in kernel.log"
compare 1 "$TMP/base" "$TMP/flaky" --json
[ "$(jq '.summary.flaky' "$TMP/cmp.out")" -eq 1 ] && [ "$(jq '.summary.regression' "$TMP/cmp.out")" -eq 1 ] ||
	fail "compare of the flaky run: $(jq -c .summary "$TMP/cmp.out")"
[ "$(jq -r '.cases[] | select(.id == "g/ext4/fsync") | .new_flaky_rate' "$TMP/cmp.out")" = 1/2 ] || fail "compare: no rate"

# A merged folder (scripts/merge-results.sh) keeps outcomes: flaky exits 1,
# the summary counts it, compare reads the merged folder the same way.
rc=0
"$TOP/scripts/merge-results.sh" "$TMP/merged" "$TMP/flaky" > /dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "merge of a flaky run exited $rc, expected 1"
grep -q '^- cases: 2 (0 pass, 1 fail, 0 error, 1 flaky, 0 known, 0 unexpected pass)' "$TMP/merged/summary.md" ||
	fail "merged summary: $(grep '^- cases' "$TMP/merged/summary.md")"
compare 1 "$TMP/base" "$TMP/merged" --json
[ "$(jq '.summary.flaky' "$TMP/cmp.out")" -eq 1 ] || fail "compare of the merged folder"

# junit.xml validates against the schema CI servers read (tests/junit.xsd):
# suites with properties, failure, skipped (known), flakyFailure and
# rerunFailure (retries); the merged file too.
for d in base new known flaky merged; do
	xmllint --noout --schema "$TOP/tests/junit.xsd" "$TMP/$d/junit.xml" 2> "$TMP/xmllint.err" ||
		{ cat "$TMP/xmllint.err"; fail "$d/junit.xml does not validate"; }
done
grep -q '<skipped type="known" message="known failure: fsync never loses' "$TMP/known/junit.xml" || fail "junit: known not skipped"
grep -q '<flakyFailure message=".*POWERCUT_TEST_FAIL_ATTEMPTS' "$TMP/flaky/junit.xml" || fail "junit: no flakyFailure"
grep -q '<rerunFailure message="kernel: WARNING' "$TMP/flaky/junit.xml" || fail "junit: no rerunFailure"
grep -q '^kernel log: WARNING: .*powercut-test-compare' "$TMP/flaky/junit.xml" || fail "junit: failure text lacks the kernel line"
grep -q '<property name="write_cache" value="durable"/>' "$TMP/base/junit.xml" || fail "junit: no properties"
# A schema that can fail: a testcase without its name is refused.
sed 's/<testcase classname="g" name="[^"]*"/<testcase classname="g"/' "$TMP/base/junit.xml" > "$TMP/broken.xml"
! xmllint --noout --schema "$TOP/tests/junit.xsd" "$TMP/broken.xml" 2> /dev/null || fail "the schema accepts a nameless testcase"
assert_no_leftovers
pass
