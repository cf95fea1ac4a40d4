#!/usr/bin/env bash
# A tool that hangs with no signal sent to powercut (mkfs, fsck): it is
# killed once it has run tool_timeout seconds, its case is an error naming
# the tool and the limit (exit 3: the machine, not a loss), the case is
# torn down, and the run goes on with the next case.  Before, powercut
# waited for the tool for ever and a nightly job hung until CI killed it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ -f images/sample/layer1.tar.gz ] || make sample-image > /dev/null
# Each fake hangs the first time it runs, then runs the real tool.
fake_hanging_tools mkfs.ext4 e2fsck
echo 1 > "$TMP/hang-mkfs.ext4"
echo 1 > "$TMP/hang-e2fsck"
# Case 1: mkfs hangs; case 2: fsck hangs; case 3: nothing hangs.
printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 256M\ntool_timeout = 4\n[g]\nfs = ext4\nmodes = none syncfs fsync\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/one.ini"

rc=0
start=$(date +%s)
PATH="$TMP/bin:$PATH" timeout 300 "$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" \
	-o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" -ne 124 ] || fail "the run hung (killed by timeout 300)"
[ "$rc" -eq 3 ] || { cat "$TMP/o" "$TMP/e"; fail "exit $rc, expected 3 (a tool timed out)"; }
[ "$took" -lt 120 ] || fail "the run took $took s"
for t in mkfs.ext4 e2fsck; do
	[ -e "$TMP/ran-$t-1/hung" ] || fail "the fake $t never hung"
done
# (the fakes run in powercut's PID namespace for tools: look by name)
[ -z "$(pgrep -f -- "$TMP/bin/")" ] || fail "a hung tool is still running"
reason() { case_field "$TMP/out" "$1" .reason; }
[ "$(case_field "$TMP/out" g/ext4/none .verdict)" = error ] || fail "case 1 is not an error"
reason g/ext4/none | grep -q "mkfs.ext4 did not end within 4 s (tool_timeout): killed" ||
	{ reason g/ext4/none; fail "case 1 does not say mkfs.ext4 timed out"; }
[ "$(case_field "$TMP/out" g/ext4/syncfs .verdict)" = error ] || fail "case 2 is not an error"
reason g/ext4/syncfs | grep -q "e2fsck did not end within 4 s (tool_timeout): killed" ||
	{ reason g/ext4/syncfs; fail "case 2 does not say e2fsck timed out"; }
[ "$(case_field "$TMP/out" g/ext4/fsync .verdict)" = pass ] ||
	{ reason g/ext4/fsync; fail "case 3 (nothing hung) did not pass: the run did not go on"; }
# Each timed-out case records its error as the environment's (compare does
# not call it a regression of the filesystem).
for id in g/ext4/none g/ext4/syncfs; do
	[ "$(case_field "$TMP/out" "$id" '"\(.error_class) \(.error_exit)"')" = "environment 3" ] ||
		fail "$id: error_class $(case_field "$TMP/out" "$id" '[.error_class, .error_exit]')"
done
assert_no_leftovers

# --tool-timeout is checked as the key is.
rc=0
"$POWERCUT" run --tool-timeout 5x "$TMP/one.ini" -o "$TMP/out2" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--tool-timeout 5x: exit $rc, expected 2"
grep -q "tool-timeout '5x'" "$TMP/e" || { cat "$TMP/e"; fail "--tool-timeout 5x: no message"; }
pass
