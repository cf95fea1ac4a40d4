#!/usr/bin/env bash
# SIGTERM to powercut alone (as `timeout`, systemd or a CI runner send it,
# not to the process group) while mkfs or fsck hangs: the tool is killed,
# the case torn down, exit 143, nothing left.  Before, powercut waited for
# the tool for ever (mke2fs -E offset= past the device's end spins without
# end, and a run killed by `timeout 120` was still there 10 minutes later).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

mkdir -p "$TMP/bin"
real_fsck=$(command -v e2fsck)
for tool in mkfs.ext4 e2fsck; do
	# the fake hangs in one phase only; the other tool is the real one
	cat > "$TMP/bin/$tool" <<SH
#!/usr/bin/env bash
if [ "\$(basename "\$0")" != "\$(cat "$TMP/hang")" ]; then
	case \$(basename "\$0") in
	mkfs.ext4) exec $(command -v mkfs.ext4) "\$@" ;;
	e2fsck) exec $real_fsck "\$@" ;;
	esac
fi
trap '' TERM INT HUP
echo \$\$ > "$TMP/started"
while :; do sleep 0.2; done
SH
	chmod +x "$TMP/bin/$tool"
done
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\n[g]\nfs = ext4\nmodes = syncfs\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/one.ini"
[ -f images/sample/layer1.tar.gz ] || make sample-image > /dev/null

for tool in mkfs.ext4 e2fsck; do
	echo "$tool" > "$TMP/hang"
	rm -f "$TMP/started"
	PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$TMP/out-$tool" \
		> "$TMP/o" 2> "$TMP/e" &
	pid=$!
	for _ in $(seq 1 600); do [ -s "$TMP/started" ] && break; sleep 0.1; done
	[ -s "$TMP/started" ] || { kill -KILL "$pid"; cat "$TMP/e"; fail "$tool: the fake never started"; }
	kill -TERM "$pid"
	for _ in $(seq 1 150); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2> /dev/null; then
		kill -KILL "$pid"
		pkill -KILL -f -- "$TMP/bin/" || true
		fail "$tool: powercut still waits for the hung $tool 15 s after SIGTERM"
	fi
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ] || { cat "$TMP/e"; fail "$tool: exit $rc, expected 143"; }
	grep -q "interrupted" "$TMP/e" || { cat "$TMP/e"; fail "$tool: does not say interrupted"; }
	[ -z "$(pgrep -f -- "$TMP/bin/")" ] || fail "$tool: the hung tool is still running"
	assert_no_leftovers
done
pass
