#!/usr/bin/env bash
# The case's device mounted in another mount namespace (a process on the
# machine that made a namespace of its own, unshare -m, and mounted the
# device there), with no process holding the device open: powercut waits
# for the device before it mounts it, then gives up.  It said "still in
# use 10 s after its filesystem was unmounted" (nothing of ours had been
# mounted yet) and exit 1 (a case failure); it now names the holder (the
# mount in another namespace: the process whose namespace it is and where
# it is mounted), exit 3 (the machine's doing), nothing left behind.  A
# fake mkfs.ext4 runs the real one, then waits for the test to mount the
# device elsewhere: no timing involved.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"
command -v unshare > /dev/null || fail "unshare (util-linux) is needed"

real_mkfs=$(command -v mkfs.ext4)
mkdir -p "$TMP/bin" "$TMP/elsewhere"
cat > "$TMP/bin/mkfs.ext4" <<SH
#!/usr/bin/env bash
"$real_mkfs" "\$@" || exit
touch "$TMP/mkfs-done"
for _ in \$(seq 1 6000); do [ -e "$TMP/mkfs-go" ] && break; sleep 0.05; done
SH
chmod 755 "$TMP/bin/mkfs.ext4"

tiny_layer_scenario

PATH="$TMP/bin:$PATH" "$POWERCUT" run "$TMP/one.ini" --workdir "$WORK" -o "$TMP/out" > "$TMP/run.out" 2>&1 &
pid=$!
holder=""
stop_holder() { [ -z "$holder" ] || kill "$holder" 2> /dev/null || true; }
trap 'stop_holder; cleanup_tmp' EXIT
for _ in $(seq 1 1200); do
	[ -e "$TMP/mkfs-done" ] && break
	kill -0 "$pid" 2> /dev/null || { cat "$TMP/run.out"; fail "the run ended before its mkfs"; }
	sleep 0.05
done
[ -e "$TMP/mkfs-done" ] || fail "the fake mkfs.ext4 never ran"
dev=$(losetup -a | grep -F "$WORK/" | cut -d: -f1)
[ -n "$dev" ] && [ -b "$dev" ] || fail "no loop device of the run found ($dev)"
# The mount is private to the new namespace; the process only sleeps there
# (its current folder is not on the mount, it opens nothing on it).
unshare -m --propagation private sh -c \
	'mount -t ext4 "$1" "$2" && cd / && echo $$ > "$3.tmp" && mv "$3.tmp" "$3" && exec sleep 600' \
	sh "$dev" "$TMP/elsewhere" "$TMP/holder.pid" &
holder=$!
for _ in $(seq 1 600); do [ -s "$TMP/holder.pid" ] && break; sleep 0.05; done
[ -s "$TMP/holder.pid" ] || fail "could not mount $dev in another namespace"
touch "$TMP/mkfs-go"
rc=0
wait "$pid" || rc=$?
stop_holder
wait "$holder" 2> /dev/null || true
holder=""
cat "$TMP/run.out"
[ "$rc" -eq 3 ] || fail "exit $rc, expected 3 (the environment)"
assert_env_error "$TMP/out"
case "$reason" in
*"after its filesystem was unmounted"*) fail "the reason speaks of an unmount: $reason" ;;
esac
case "$reason" in
*"mounted in another mount namespace: pid $(cat "$TMP/holder.pid") (sleep) at $TMP/elsewhere"*) ;;
*) fail "the reason does not name the mount and its namespace's process: $reason" ;;
esac
assert_no_leftovers
pass
