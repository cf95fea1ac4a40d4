#!/usr/bin/env bash
# fio hanging with no signal sent to powercut, in its write pass, then in
# its verify pass: killed at tool_timeout (SIGTERM, SIGKILL 10 s later: the
# fake write pass ignores SIGTERM), the case an error naming fio and the limit (exit 3),
# torn down, and the run goes on.  Before, powercut waited for fio for ever.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

mkdir -p "$TMP/bin"
real=$(command -v fio)
# The first write pass hangs (case 1), then the first verify pass (case 2);
# checking the job file (--parse-only, --showcmd) is the real fio's.
cat > "$TMP/bin/fio" <<SH
#!/usr/bin/env bash
pass=""
for a in "\$@"; do
	case \$a in
	--verify_only) pass=verify ;;
	--do_verify=0) pass=write ;;
	esac
done
if [ -n "\$pass" ] && mkdir "$TMP/hung-\$pass" 2> /dev/null; then
	# the write pass ignores SIGTERM (killed 10 s later), the verify pass not
	[ "\$pass" = verify ] || trap '' TERM INT HUP
	while :; do sleep 0.2; done
fi
exec $real "\$@"
SH
chmod +x "$TMP/bin/fio"
printf '[global]\nioengine=psync\nbs=4k\nsize=256k\nverify=crc32c\n\n[w]\nrw=randwrite\nsync=1\n' \
	> "$TMP/small.fio"
printf '[global]\nworkload = fio small.fio\nbackend = fuse\ndevice_size = 128M\ntool_timeout = 3\n[g]\nfs = ext4\nmodes = none\nexpect = any\nrepeat = 3\n' \
	> "$TMP/fio.ini"

rc=0
PATH="$TMP/bin:$PATH" timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/fio.ini" \
	-o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -ne 124 ] || fail "the run hung (killed by timeout 300)"
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3 (fio timed out)"; }
for p in write verify; do
	[ -d "$TMP/hung-$p" ] || fail "the fake fio never hung in its $p pass"
done
[ -z "$(pgrep -f -- "$TMP/bin/fio")" ] || fail "the hung fio is still running"
for r in 1 2; do
	id=g/ext4/none/r$r
	[ "$(case_field "$TMP/out" $id .verdict)" = error ] || fail "$id is not an error"
	case_field "$TMP/out" $id .reason | grep -q "fio did not end within 3 s (tool_timeout): killed" ||
		{ case_field "$TMP/out" $id .reason; fail "$id does not say fio timed out"; }
done
[ "$(case_field "$TMP/out" g/ext4/none/r3 .verdict)" = pass ] ||
	{ case_field "$TMP/out" g/ext4/none/r3 .reason; fail "r3 (nothing hung) did not pass"; }
assert_no_leftovers
pass
