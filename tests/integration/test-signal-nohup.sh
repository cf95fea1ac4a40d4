#!/usr/bin/env bash
# SIGHUP (the SSH session that started the run ends): a run started with
# nohup, which ignores SIGHUP, goes on to its end (exit 0, its case
# checked); one started without it is interrupted (exit 129, torn down).
# Before, powercut put its own handler over nohup's ignore, and a run
# started with `nohup powercut run ... &` stopped when its SSH session
# ended.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/one.ini"

# SIGHUP to the run (started by "$@") once its case has mounted its
# filesystem; the run's exit status in $rc.
hup_mid_case() {
	local out=$1 pid m=""
	shift
	"$@" "$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$out" > "$TMP/o" 2> "$TMP/e" &
	pid=$!
	for _ in $(seq 1 1200); do
		m=$(awk -v p="$WORK/" 'index($5, p) == 1 && $5 ~ /\/mnt$/ {print $5}' /proc/self/mountinfo)
		[ -n "$m" ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
	done
	[ -n "$m" ] || { cat "$TMP/e"; fail "the case never mounted its filesystem"; }
	kill -HUP "$pid"
	rc=0
	wait "$pid" || rc=$?
}

hup_mid_case "$TMP/out-nohup" nohup
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "nohup powercut run: exit $rc after SIGHUP, expected 0 (nohup ignores it)"; }
[ "$(jq -r '[.cases[].verdict] | join(" ")' "$TMP/out-nohup/results.json")" = pass ] ||
	fail "nohup powercut run: the case did not pass after SIGHUP"
assert_no_leftovers

hup_mid_case "$TMP/out-hup" env
[ "$rc" -eq 129 ] || { cat "$TMP/e"; fail "powercut run: exit $rc after SIGHUP, expected 129"; }
assert_no_leftovers
pass
