#!/usr/bin/env bash
# Another program attaches its own file to every loop device
# LOOP_CTL_GET_FREE offers the run, between the offer and the run's
# LOOP_CONFIGURE (the test hook POWERCUT_TEST_LOOP_RACE runs a decoy
# attacher there, so the race is lost every time, with no timing).  After
# its tries the run gives up: that is the host's contention, not the case's
# doing: exit 3 (environment, it was 1), an error saying so, and nothing of
# the run's left behind.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"

truncate -s 1M "$TMP/decoy"
cat > "$TMP/racer" <<SH
#!/usr/bin/env bash
losetup "\$1" "$TMP/decoy" && echo "\$1" >> "$TMP/decoys"
SH
chmod 755 "$TMP/racer"
detach_decoys() {
	local d
	for d in $(losetup -j "$TMP/decoy" 2> /dev/null | cut -d: -f1); do
		losetup -d "$d" || true
	done
}
trap 'detach_decoys; cleanup_tmp' EXIT

tiny_layer_scenario

rc=0
POWERCUT_TEST_LOOP_RACE="$TMP/racer" pc_run "$TMP/one.ini" -o "$TMP/out" > "$TMP/run.out" 2>&1 || rc=$?
cat "$TMP/run.out"
[ -s "$TMP/decoys" ] || fail "the decoy attacher never attached anything"
echo "decoys attached: $(wc -l < "$TMP/decoys")"
detach_decoys
[ "$rc" -eq 3 ] || fail "exit $rc, expected 3 (the environment)"
assert_env_error "$TMP/out"
case "$reason" in
*"every free loop device was taken by other programs"*) ;;
*) fail "the reason does not say the loop devices were taken: $reason" ;;
esac
assert_no_leftovers
pass
