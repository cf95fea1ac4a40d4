#!/usr/bin/env bash
# powercut SIGKILLed while a tool runs (fsck, hung): the tool dies with it
# (before, it ran on, for ever when hung, holding the case's loop device,
# which cleanup then could not detach), and cleanup removes the rest.
# (Cleanup's refusal to say done while a loop device is held open is
# test_state's "cleanup of a loop device held open": here another test's
# cleanup, on a shared machine, could take the dead run first.)
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ -f images/sample/layer1.tar.gz ] || make sample-image > /dev/null
mkdir -p "$TMP/bin"
cat > "$TMP/bin/e2fsck" <<'SH'
#!/usr/bin/env bash
trap '' TERM INT HUP
while :; do sleep 0.2; done
SH
chmod +x "$TMP/bin/e2fsck"
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/one.ini"

# Not pc_run: $! must be powercut's own pid.
PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" &
pid=$!
for _ in $(seq 1 600); do pgrep -f -- "$TMP/bin/e2fsck" > /dev/null && break; sleep 0.1; done
pgrep -f -- "$TMP/bin/e2fsck" > /dev/null || { kill -KILL "$pid"; cat "$TMP/e"; fail "fsck never ran"; }
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true
for _ in $(seq 1 50); do [ -z "$(pgrep -f -- "$TMP/bin/e2fsck")" ] && break; sleep 0.1; done
if [ -n "$(pgrep -f -- "$TMP/bin/e2fsck")" ]; then
	kill -KILL $(pgrep -f -- "$TMP/bin/e2fsck") 2> /dev/null || true
	fail "the hung fsck outlived the SIGKILLed run"
fi

"$POWERCUT" cleanup > "$TMP/c" 2>&1 || { cat "$TMP/c"; fail "cleanup failed"; }
assert_no_leftovers
pass
