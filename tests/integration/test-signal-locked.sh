#!/usr/bin/env bash
# SIGINT, SIGTERM or SIGHUP reaching `powercut run` just after it made and
# locked its results folder, before the runner put its signal handlers in
# place (the test hook POWERCUT_TEST_LOCKED runs a program there, which
# sends the signal to the run: no timing).  The signal's default action
# ended the run there and left the folder holding only .powercut.lock,
# which says nothing and is no run's.  Now the handlers are in place
# before the folder is made: the run stops before its first case, says
# so, exits 128+N and removes the folder it made.  A -o folder that was
# there before is kept, without the lock.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"

cat > "$TMP/signal-run" <<'SH'
#!/usr/bin/env bash
[ "$(cat /proc/$PPID/comm)" = powercut ] || { echo "parent is not powercut" >&2; exit 1; }
[ -e "$1/.powercut.lock" ] || { echo "no lock in $1" >&2; exit 1; }
kill -"$SIG" "$PPID"
SH
chmod 755 "$TMP/signal-run"
mkdir -p "$TMP/tree"
echo hello > "$TMP/tree/file"
tar -C "$TMP/tree" -czf "$TMP/layer.tar.gz" .
printf '[g]\nimage = %s\nfs = ext4\nbackend = fuse\nmodes = fsync\n' "$TMP/layer.tar.gz" > "$TMP/s.ini"

for sig in INT TERM HUP; do
	num=$(kill -l "$sig")
	for where in new there; do
		out="$TMP/out-$sig-$where/res"
		[ "$where" = new ] || mkdir -p "$out"
		rc=0
		SIG=$sig POWERCUT_TEST_LOCKED="$TMP/signal-run" pc_run "$TMP/s.ini" -o "$out" \
			> "$TMP/o" 2> "$TMP/e" || rc=$?
		[ "$rc" -eq $((128 + num)) ] ||
			{ cat "$TMP/o" "$TMP/e"; fail "SIG$sig after the lock ($where folder): exit $rc, expected $((128 + num))"; }
		grep -q "interrupted by signal $num before the first case" "$TMP/e" ||
			{ cat "$TMP/e"; fail "SIG$sig after the lock: the run did not say it was interrupted"; }
		if [ "$where" = new ]; then
			[ ! -e "$TMP/out-$sig-$where" ] ||
				fail "SIG$sig after the lock: left $(find "$TMP/out-$sig-$where")"
		else
			[ -z "$(ls -A "$out")" ] || fail "SIG$sig after the lock: left in -o: $(ls -A "$out")"
		fi
	done
done
assert_no_leftovers
pass
