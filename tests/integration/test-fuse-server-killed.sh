#!/usr/bin/env bash
# The fuse server SIGKILLed in the middle of a case (the OOM killer picks
# the process holding the most memory, a stray kill -9): the case is an
# error whose reason says the server died, by which signal, and that its
# device failed every I/O after that; the next case runs and passes, and
# nothing is left.  Before, the reason was only the I/O error a phase then
# met ("mkfs.ext4 ... Input/output error (the device failed under it)",
# "fsync ...: Input/output error", "syncfs ...: Read-only file system"),
# which reads as the filesystem's or the kernel's fault.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

# mkfs.ext4 that waits, at its first run, until the test has killed the
# server, then runs the real one on the dead device.
mkdir -p "$TMP/bin"
cat > "$TMP/bin/mkfs.ext4" <<SH
#!/usr/bin/env bash
if mkdir "$TMP/first-mkfs" 2> /dev/null; then
	touch "$TMP/first-mkfs/waiting"
	while [ ! -e "$TMP/server-killed" ]; do sleep 0.1; done
fi
exec $(command -v mkfs.ext4) "\$@"
SH
chmod +x "$TMP/bin/mkfs.ext4"
cat > "$TMP/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
backend = fuse
device_size = 256M
fs = ext4
[k]
modes = none syncfs
INI

rc=0
PATH="$TMP/bin:$PATH" timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" &
run=$!
for _ in $(seq 1 600); do
	[ -e "$TMP/first-mkfs/waiting" ] && break
	sleep 0.1
done
[ -e "$TMP/first-mkfs/waiting" ] || { cat "$TMP/e"; fail "the first mkfs never ran"; }
pidfile=$(ls "$WORK"/powercut.*/case-0/fuse.pid)
server=$(cut -d' ' -f1 "$pidfile")
grep -q __fuse-server "/proc/$server/cmdline" || fail "pid $server in $pidfile is no fuse server"
kill -KILL "$server"
touch "$TMP/server-killed"
wait "$run" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 1 (a case erred)"; }

verdicts=$(jq -r '[.cases[] | "\(.id)=\(.verdict)"] | join(" ")' "$TMP/out/results.json")
[ "$verdicts" = "k/ext4/none=error k/ext4/syncfs=pass" ] || fail "verdicts: $verdicts"
reason=$(jq -r '.cases[0].reason' "$TMP/out/results.json")
case "$reason" in
"the fuse server (pid $server) was killed by signal 9 (Killed) during the case"*"every I/O of its device failed after that; the first error then: mkfs.ext4"*) ;;
*) fail "the reason does not say the fuse server was killed: $reason" ;;
esac
grep -qF "the fuse server (pid $server) was killed by signal 9" "$TMP/out/summary.md" ||
	fail "summary.md does not say the fuse server was killed"
assert_no_leftovers
pass
