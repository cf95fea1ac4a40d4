#!/usr/bin/env bash
# Something else on the machine acts on the case's mount before the cut: a
# process whose current folder is in it (an admin's shell, an indexer that
# keeps writing there), or
# an unmount by someone else (umount -l).  The unmount after the cut then
# fails (EBUSY, EINVAL): that was exit 1 with "umount ... after the cut:
# Device or resource busy"; it is the environment (exit 3), and the reason
# names the process, or says the filesystem was unmounted by something else.
# A fake fio waits, before its write pass, until the test has acted.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"
real_fio=$(command -v fio) || fail "fio is needed"

mkdir -p "$TMP/bin"
cat > "$TMP/bin/fio" <<SH
#!/usr/bin/env bash
case " \$* " in *" --parse-only "*|*" --showcmd "*|*" --create_only=1 "*) exec "$real_fio" "\$@" ;; esac
if [ ! -e "$TMP/fio-started" ]; then
	touch "$TMP/fio-started"
	for _ in \$(seq 1 6000); do [ -e "$TMP/fio-go" ] && break; sleep 0.05; done
fi
exec "$real_fio" "\$@"
SH
chmod 755 "$TMP/bin/fio"
printf '[j]\nrw=randwrite\nsize=4m\nverify=crc32c\nsync=1\n' > "$TMP/j.fio"
printf '[global]\nbackend = fuse\n[g]\nworkload = fio j.fio\nfs = ext4\ncut_at = end\n' > "$TMP/one.ini"

sleeper=""
trap '[ -z "$sleeper" ] || kill "$sleeper" 2> /dev/null || true; cleanup_tmp' EXIT

# run_interfered NAME ACTION: run the scenario; once fio is about to write,
# do ACTION with $mnt set to the case's mount; leave the exit status in $rc
# and the reason in $reason.
run_interfered() {
	rm -f "$TMP/fio-started" "$TMP/fio-go"
	PATH="$TMP/bin:$PATH" "$POWERCUT" run "$TMP/one.ini" --workdir "$WORK" -o "$TMP/out-$1" \
		> "$TMP/run-$1.out" 2>&1 &
	local pid=$! _
	for _ in $(seq 1 1200); do
		[ -e "$TMP/fio-started" ] && break
		kill -0 "$pid" 2> /dev/null || { cat "$TMP/run-$1.out"; fail "$1: the run ended before fio"; }
		sleep 0.05
	done
	[ -e "$TMP/fio-started" ] || fail "$1: the fake fio never ran"
	mnt=$(awk -v w="$WORK/" 'index($5, w) == 1 && $5 ~ /\/mnt$/ { print $5 }' /proc/self/mountinfo)
	[ -n "$mnt" ] || fail "$1: the case's mount was not found"
	eval "$2"
	touch "$TMP/fio-go"
	rc=0
	wait "$pid" || rc=$?
	cat "$TMP/run-$1.out"
	reason=$(jq -r '.cases[0].reason' "$TMP/out-$1/results.json")
}

# Wait (bounded) for the kernel to let the case's loop device go once the
# filesystem's last user is gone, then check that nothing is left.
no_leftovers_soon() {
	for _ in $(seq 1 200); do
		[ -z "$(losetup -a | grep -F "$TMP/")" ] && break
		sleep 0.05
	done
	assert_no_leftovers
}

# The process keeps writing (an indexer's database): once the teardown has
# stopped the device under the filesystem it keeps alive, its writes fail,
# which the kernel log rule took for the host's disk failing and put in
# place of the reason.
run_interfered busy '(cd "$mnt" && while :; do echo x >> f; sync f 2> /dev/null; done) & sleeper=$!'
[ "$rc" -eq 3 ] || fail "busy: exit $rc, expected 3"
case "$reason" in
*"in use by another process, "*"pid $sleeper (bash)"*) ;;
*) fail "busy: the reason does not name the process in the mount: $reason" ;;
esac
kill "$sleeper" 2> /dev/null || true
wait "$sleeper" 2> /dev/null || true
sleeper=""
no_leftovers_soon

# A process that only sits in the mount (a shell's current folder): the
# teardown unmounts it lazily, and the filesystem and its loop device live
# on until the process goes (the fuse file under it shows as "/disk",
# which assert_no_leftovers cannot tell from another run's).  The run was
# silent about it; it now says which device stays, who holds it, and that
# the kernel detaches it once they let go, which it does.
run_interfered idle '(cd "$mnt" && exec sleep 600) & sleeper=$!'
[ "$rc" -eq 3 ] || fail "idle: exit $rc, expected 3"
said=$(grep "was unmounted lazily: pid $sleeper (sleep) uses it" "$TMP/run-idle.out") ||
	fail "idle: the run did not say its filesystem and device live on"
dev=$(echo "$said" | grep -o '/dev/loop[0-9]*') || fail "idle: no loop device named: $said"
case "$said" in
*"$dev stays attached, until that process lets go of it; the kernel then detaches it"*) ;;
*) fail "idle: the run did not say the device stays until the process goes: $said" ;;
esac
[ "$(cat "/sys/block/${dev#/dev/}/loop/backing_file" 2> /dev/null)" = /disk ] ||
	fail "idle: $dev is not attached to the lazily unmounted fuse file while the process lives"
kill "$sleeper"
wait "$sleeper" 2> /dev/null || true
sleeper=""
for _ in $(seq 1 200); do
	[ "$(cat "/sys/block/${dev#/dev/}/loop/backing_file" 2> /dev/null)" = /disk ] || break
	sleep 0.05
done
[ "$(cat "/sys/block/${dev#/dev/}/loop/backing_file" 2> /dev/null)" != /disk ] ||
	fail "idle: $dev stayed attached after the process ended"
no_leftovers_soon

# fio's folder is made again below the bare mount point (as a job that
# creates its own folder would), so fio runs to its end on the work folder's
# filesystem and the unmount after the cut is what finds the mount gone.
run_interfered unmounted 'umount -l "$mnt" && mkdir "$mnt/fio"'
[ "$rc" -eq 3 ] || fail "unmounted: exit $rc, expected 3"
case "$reason" in
*"no longer mounted there: something else on the machine unmounted it"*) ;;
*) fail "unmounted: the reason does not say the filesystem was unmounted: $reason" ;;
esac
no_leftovers_soon
pass
