#!/usr/bin/env bash
# scripts/qualify on the host kernel: a tiny scenario gives its table
# (qualify.md, qualify.json, report.html) and exit 0; a kernel spec that
# cannot run (a bad spec, a Debian version the archive lacks: vm-run says
# so after one apt-get update) is reported in its own column (exit 1),
# never a crash; only
# unrunnable kernels is exit 3; a bad option is exit 2; --table rebuilds the
# table from the folders.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
LAYER3="$TOP/images/sample/layer3.tar.zst"
[ -f "$LAYER3" ] || fail "no $LAYER3 (make sample-image)"
printf '[global]\nimage = %s\ndevice_size = 512M\nmodes = none syncfs\n[tiny]\nfs = ext4\n' \
	"$LAYER3" >"$TMP/tiny.ini"

qualify() { # WANT ARGS...
	local want=$1 rc=0
	shift
	scripts/qualify "$@" >"$TMP/q.out" 2>"$TMP/q.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/q.out" "$TMP/q.err"; fail "qualify $* exited $rc, expected $want"; }
}

qualify 0 --kernel host "$TMP/tiny.ini" -o "$TMP/q1" -- --workdir "$WORK"
grep -q '^| case | differs | host |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "no table header"; }
grep -q '^| tiny/ext4/syncfs |  | pass, lost 0 |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "no syncfs row"; }
cmp -s <(sed -n '/^## Qualification/,$p' "$TMP/q.out") "$TMP/q1/qualify.md" || fail "qualify.md is not the table printed"
[ "$(jq -r '.exit' "$TMP/q1/qualify.json")" = 0 ] || fail "qualify.json exit"
[ "$(jq -r '.kernels[0].met' "$TMP/q1/qualify.json")" = true ] || fail "host not met"
[ "$(jq '.cases | length' "$TMP/q1/qualify.json")" = 2 ] || fail "qualify.json: not 2 cases"
[ -f "$TMP/q1/host/results.json" ] || fail "no host results folder"
grep -q '<svg' "$TMP/q1/report.html" || fail "no report.html with plots"

# An invalid spec: its column says error, the host column still passes.
qualify 1 --kernel host --kernel bogus-kernel "$TMP/tiny.ini" -o "$TMP/q2" -- --workdir "$WORK"
grep -q '^| case | differs | host | custom-2 |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "no two-column header"; }
grep -q "^| tiny/ext4/syncfs | yes | pass, lost 0 | error: 'bogus-kernel': expected host" "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "the bad kernel's column does not say error"; }
[ "$(jq -r '.kernels[1].status' "$TMP/q2/qualify.json")" = error ] || fail "status of the bad kernel"
[ "$(jq -r '.kernels[0].met' "$TMP/q2/qualify.json")" = true ] || fail "host not met beside a bad kernel"

# A Debian version the archive does not have: said so in its column.
qualify 1 --kernel host --kernel debian:6.1.0-999 "$TMP/tiny.ini" -o "$TMP/q6" -- --workdir "$WORK"
grep -q '^| tiny/ext4/syncfs | yes | pass, lost 0 | error: vm-run: kernel 6.1.0-999 not available (not in the archive) |$' \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "the missing Debian version is not reported in its column"; }

# Nothing could run: exit 3.  Usage errors: exit 2.
qualify 3 --kernel debian:not/a/version "$TMP/tiny.ini" -o "$TMP/q3"
qualify 2 "$TMP/tiny.ini" -o "$TMP/q4"
qualify 2 --kernel host "$TMP/tiny.ini"
qualify 2 --kernel host "$TMP/tiny.ini" -o "$TMP/q1"
qualify 2 --kernel host --shard 1of2 "$TMP/tiny.ini" -o "$TMP/q5"

# --table: the table again from the folders (as after merging shards).
qualify 0 --table "$TMP/q1"
grep -q '^| tiny/ext4/none |  | pass, lost [0-9]* |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "--table lost the rows"; }

assert_no_leftovers
echo "PASS $TEST_NAME"
