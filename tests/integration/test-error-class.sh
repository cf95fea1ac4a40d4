#!/usr/bin/env bash
# What kind of error a case met, across runs.  A run whose work folder's
# disk fails reads (eiofs.c under --workdir) ends 3 and records its cases'
# errors as the environment's (results.json error_class, error_exit 3).
# compare of a passing BASE with it is no regression and no pass: exit 3,
# rows "environment error" (before: two regressions, exit 1, only the
# reason saying "host").  The same results written by an older powercut
# (no error_class) still read: a regression, exit 1, the kind said not
# recorded.  report's history cells and qualify --table say the kind; a
# kernel column not met only for the environment is not checked, exit 3.
# A run stopped by SIGTERM records its interrupted case as such (143); a
# signal after a case's environment error does not make it interrupted.
# The run's table, summary.md and junit.xml say the kind (junit <error
# type="environment">); merge-results reads it and exits 3; compare of a
# BASE erring for the environment with a passing NEW says "checked
# again", not "fixed".
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

eiofs_build

cat > "$TMP/s.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none syncfs
device_size = 256M
expect_none = loss
INI

# BASE: every case passes.
pc_run "$TMP/s.ini" -o "$TMP/base" > "$TMP/o" 2> "$TMP/e" || { cat "$TMP/o" "$TMP/e"; fail "base run failed"; }

# NEW: the second and later opens of backing.img (the fuse server's) fail
# their reads: mkfs fails, the backing file no longer reads back.
start_eiofs backing.img 2 read 0
rc=0
pc_run "$TMP/s.ini" -o "$TMP/new" > "$TMP/o" 2> "$TMP/e" || rc=$?
stop_eiofs
# The run's own exit status is as documented: 3, an environment error.
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "host EIO run: exit $rc, expected 3"; }
assert_no_leftovers
for id in default/ext4/none default/ext4/syncfs; do
	[ "$(case_field "$TMP/new" "$id" '"\(.verdict) \(.error_class) \(.error_exit)"')" = "error environment 3" ] ||
		fail "$id: $(case_field "$TMP/new" "$id" '[.verdict, .error_class, .error_exit, .reason]')"
	[ "$(case_field "$TMP/base" "$id" '.error_class // "none"')" = none ] || fail "$id: a pass with an error class"
done

# The run's own table (standard output, summary.md) and junit.xml say the
# kind: a CI reading junit tells the host's doing (<error type=
# "environment">) from a case failure (<failure>).  Before: "error" and
# <error type="error"> whatever the kind.
[ "$(grep -c '| error (environment) |$' "$TMP/o")" -eq 2 ] || { cat "$TMP/o"; fail "stdout table: no kind"; }
grep -q '^- default/ext4/none: error (environment): the device failed under the case' "$TMP/o" ||
	{ cat "$TMP/o"; fail "stdout: the case's line does not say the kind"; }
[ "$(grep -c '| error (environment) |$' "$TMP/new/summary.md")" -eq 2 ] || { cat "$TMP/new/summary.md"; fail "summary.md table: no kind"; }
grep -q '^- cases: 2 (0 pass, 0 fail, 2 error (2 environment), ' "$TMP/new/summary.md" ||
	{ cat "$TMP/new/summary.md"; fail "summary.md: counts without the kinds"; }
grep -q '^- \*\*2 cases erred for the environment\*\* (the host failed them' "$TMP/new/summary.md" ||
	{ cat "$TMP/new/summary.md"; fail "summary.md: environment not said"; }
[ "$(xmllint --xpath 'count(//testcase/error[@type="environment"])' "$TMP/new/junit.xml")" = 2 ] ||
	{ cat "$TMP/new/junit.xml"; fail "junit.xml: no <error type=\"environment\">"; }
[ "$(xmllint --xpath 'count(//testcase/error[starts-with(@message, "environment error: the device failed")])' "$TMP/new/junit.xml")" = 2 ] ||
	fail "junit.xml: the error's message does not say the kind"
[ "$(xmllint --xpath 'count(//failure)' "$TMP/new/junit.xml")" = 0 ] || fail "junit.xml: a host error as a <failure>"
grep -q 'type="environment">environment error: the host failed the case, not the filesystem: not checked' "$TMP/new/junit.xml" ||
	fail "junit.xml: the error's text does not say the kind"
# merge-results reads the typed <error> as an error, says the kinds, and
# exits 3 as for a run the environment failed (before: refused, exit 2).
rc=0
scripts/merge-results.sh "$TMP/merged" "$TMP/new" > "$TMP/mo" 2> "$TMP/me" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/mo" "$TMP/me"; fail "merge-results: exit $rc, expected 3"; }
grep -q '^- cases: 2 (0 pass, 0 fail, 2 error (2 environment), ' "$TMP/merged/summary.md" ||
	{ cat "$TMP/merged/summary.md"; fail "merge-results: counts without the kinds"; }

# compare: not a regression of the filesystem, not a pass.
rc=0
"$POWERCUT" compare "$TMP/base" "$TMP/new" > "$TMP/cmp" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/cmp" "$TMP/e"; fail "compare: exit $rc, expected 3"; }
grep -q '^## powercut compare: \*\*not checked: environment error in NEW\*\*' "$TMP/cmp" || { cat "$TMP/cmp"; fail "compare: heading"; }
grep -q '^- 0 regression, .* 2 environment error, 0 interrupted' "$TMP/cmp" || { cat "$TMP/cmp"; fail "compare: summary line"; }
grep -q '^\*\*2 cases of NEW erred for the environment\*\*' "$TMP/cmp" || { cat "$TMP/cmp"; fail "compare: no environment line"; }
[ "$(grep -c '| \*\*environment error\*\* | pass | error (environment) |' "$TMP/cmp")" -eq 2 ] || { cat "$TMP/cmp"; fail "compare: rows"; }
"$POWERCUT" compare --json "$TMP/base" "$TMP/new" > "$TMP/cmp.json" || true
[ "$(jq -c '[.exit, .coverage_lost, .summary.regression, .summary["environment error"], ([.cases[].new_error_class] | unique)]' "$TMP/cmp.json")" = '[3,false,0,2,["environment"]]' ] ||
	fail "compare --json: $(jq -c '[.exit, .coverage_lost, .summary, [.cases[].new_error_class]]' "$TMP/cmp.json")"

# The other way round: BASE erred for the environment, NEW passes.  The
# filesystem never failed it: "checked again", not "fixed" (before: two
# fixed), exit 0.
rc=0
"$POWERCUT" compare "$TMP/new" "$TMP/base" > "$TMP/cmp-back" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/cmp-back" "$TMP/e"; fail "compare back: exit $rc, expected 0"; }
[ "$(grep -c '| \*\*checked again\*\* | error (environment) | pass | .*no fix of the filesystem' "$TMP/cmp-back")" -eq 2 ] ||
	{ cat "$TMP/cmp-back"; fail "compare back: rows"; }
grep -q ' 0 fixed, .* 2 checked again' "$TMP/cmp-back" || { cat "$TMP/cmp-back"; fail "compare back: summary line"; }
"$POWERCUT" compare --json "$TMP/new" "$TMP/base" > "$TMP/cmp-back.json" || true
[ "$(jq -c '[.exit, .summary.fixed, .summary["checked again"], ([.cases[].change] | unique)]' "$TMP/cmp-back.json")" = '[0,0,2,["checked again"]]' ] ||
	fail "compare --json back: $(jq -c '[.exit, .summary, [.cases[].change]]' "$TMP/cmp-back.json")"

# The same results as an older powercut wrote them (no error_class): still
# read; compared as before (a regression, exit 1), the kind said not recorded.
mkdir -p "$TMP/old"
jq '.cases |= map(del(.error_class, .error_exit))' "$TMP/new/results.json" > "$TMP/old/results.json"
rc=0
"$POWERCUT" compare "$TMP/base" "$TMP/old" > "$TMP/cmp-old" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/cmp-old" "$TMP/e"; fail "compare old NEW: exit $rc, expected 1"; }
grep -q '^\*\*2 cases of NEW erred without recording what kind of error\*\* (results of an older powercut)' "$TMP/cmp-old" ||
	{ cat "$TMP/cmp-old"; fail "compare old NEW: kind not said to be unrecorded"; }
[ "$(grep -c '| \*\*regression\*\* | pass | error (kind not recorded) |' "$TMP/cmp-old")" -eq 2 ] || { cat "$TMP/cmp-old"; fail "compare old NEW: rows"; }

# report: the history cells and the folder say the kind.
"$POWERCUT" report "$TMP/base" "$TMP/new" -o "$TMP/r.html" 2> "$TMP/e" || { cat "$TMP/e"; fail "report failed"; }
[ "$(grep -o '<td class="notchecked">error (environment) ' "$TMP/r.html" | wc -l)" -eq 2 ] || fail "report: history cells"
grep -q 'Its errors: 2 environment (<strong>the host failed them: not checked</strong>' "$TMP/r.html" || fail "report: folder's error kinds"
"$POWERCUT" report "$TMP/base" "$TMP/old" -o "$TMP/r-old.html" 2> "$TMP/e" || { cat "$TMP/e"; fail "report of old results failed"; }
[ "$(grep -o '<td class="error">error (kind not recorded) ' "$TMP/r-old.html" | wc -l)" -eq 2 ] || fail "report: old history cells"

# qualify --table: the host error is not met, and is not the kernel's.
mkdir -p "$TMP/q" "$TMP/q-old"
cp -r "$TMP/base" "$TMP/q/good"
cp -r "$TMP/new" "$TMP/q/broken"
rc=0
scripts/qualify --table "$TMP/q" > "$TMP/qt" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/qt" "$TMP/e"; fail "qualify --table: exit $rc, expected 3"; }
grep -q '^- broken: .*0 met their expectation, 2 erred for the environment (not checked), NOT qualified: 2 cases not checked: the environment failed them' "$TMP/qt" ||
	{ cat "$TMP/qt"; fail "qualify --table: kernel line"; }
grep -q '^- good: .*every expectation met' "$TMP/qt" || { cat "$TMP/qt"; fail "qualify --table: good column"; }
[ "$(grep -c '| error (environment): the device failed' "$TMP/qt")" -eq 2 ] || { cat "$TMP/qt"; fail "qualify --table: cells"; }
[ "$(jq -c '[.kernels[] | {column, met, not_checked, env_errors}]' "$TMP/q/qualify.json")" = \
  '[{"column":"broken","met":false,"not_checked":true,"env_errors":2},{"column":"good","met":true,"not_checked":false,"env_errors":0}]' ] ||
	fail "qualify.json: $(jq -c '.kernels' "$TMP/q/qualify.json")"
cp -r "$TMP/base" "$TMP/q-old/good"
cp -r "$TMP/old" "$TMP/q-old/broken"
rc=0
scripts/qualify --table "$TMP/q-old" > "$TMP/qt" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/qt" "$TMP/e"; fail "qualify --table old: exit $rc, expected 1"; }
grep -q '^- broken: .*some expectation NOT met' "$TMP/qt" || { cat "$TMP/qt"; fail "qualify --table old: kernel line"; }
[ "$(grep -c '| error (kind not recorded): ' "$TMP/qt")" -eq 2 ] || { cat "$TMP/qt"; fail "qualify --table old: cells"; }

# A signal that comes after the case's environment error (the host failed
# mkfs; the signal lands while powercut reads the backing file back, held
# there by eiofs) did not stop the case: its kind is the environment's, 3
# (it was "interrupted", 143, the reason saying the host).  The run still
# exits 143.
signal_while_held() { # OPEN OUT
	rm -rf "$TMP/hold"
	mkdir -p "$TMP/hold"
	EIOFS_HOLD="$1:$TMP/hold" start_eiofs backing.img 2 read 0
	"$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$2" > "$TMP/o" 2> "$TMP/e" &
	local pid=$! rc=0
	for _ in $(seq 1 600); do
		[ -e "$TMP/hold/held" ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	[ -e "$TMP/hold/held" ] || { touch "$TMP/hold/release"; wait "$pid" || true; stop_eiofs; cat "$TMP/e"; fail "open $1 of backing.img was never read"; }
	kill -s TERM "$pid"
	touch "$TMP/hold/release"
	wait "$pid" || rc=$?
	stop_eiofs
	[ "$rc" -eq 143 ] || { cat "$TMP/o" "$TMP/e"; fail "signal at open $1: exit $rc, expected 143"; }
	assert_no_leftovers
}
sed 's/^modes = none syncfs$/modes = syncfs/' "$TMP/s.ini" > "$TMP/one.ini"
# open 3: powercut reading the backing file back after mkfs failed
signal_while_held 3 "$TMP/late"
[ "$(case_field "$TMP/late" default/ext4/syncfs '"\(.verdict) \(.error_class) \(.error_exit)"')" = "error environment 3" ] ||
	fail "signal after the host's error: $(case_field "$TMP/late" default/ext4/syncfs '[.error_class, .error_exit, .reason]')"
# open 2: the fuse server's first read, under mkfs: the signal comes
# first and stops mkfs, but the backing file then does not read back from
# the work folder's disk: the host's failure, found apart from the
# signal, as the reason says: environment too.
signal_while_held 2 "$TMP/early"
[ "$(case_field "$TMP/early" default/ext4/syncfs '"\(.verdict) \(.error_class) \(.error_exit)"')" = "error environment 3" ] ||
	fail "signal, then the host's failure: $(case_field "$TMP/early" default/ext4/syncfs '[.error_class, .error_exit, .reason]')"
case_field "$TMP/early" default/ext4/syncfs .reason | grep -q 'backing file no longer reads back' ||
	fail "signal, then the host's failure: reason $(case_field "$TMP/early" default/ext4/syncfs .reason)"

# SIGTERM in the middle of a case: the run exits 143, and the case it
# stopped is an error of kind interrupted, 143 (not the case's own).
"$POWERCUT" run --workdir "$WORK" scenarios/default.ini -o "$TMP/intr" > "$TMP/o" 2> "$TMP/e" &
pid=$!
for _ in $(seq 1 200); do
	awk -v p="$WORK/" 'index($5, p) == 1 && $5 ~ /\/mnt$/ {f=1} END {exit !f}' /proc/self/mountinfo && break
	sleep 0.05
done
kill -s TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 143 ] || { cat "$TMP/e"; fail "SIGTERM: exit $rc, expected 143"; }
assert_no_leftovers
# The first case mounts within seconds of a 1,000-entry unpack: the
# signal comes while it runs.
[ "$(jq -c '[.cases[] | select(.verdict == "error") | [.error_class, .error_exit]]' "$TMP/intr/results.json")" = '[["interrupted",143]]' ] ||
	fail "SIGTERM: $(jq -c '[.cases[] | [.id, .verdict, .error_class, .error_exit, .reason]]' "$TMP/intr/results.json")"
pass
