#!/usr/bin/env bash
# A ^C during fsck reaches fsck too (same process group): the case is an
# error "interrupted", never "fsck found errors" (that would claim corruption).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# An e2fsck that, like the real one, ends with a non-zero status when a ^C
# reaches it.  It runs as the first process of powercut's private PID
# namespace, so it cannot name powercut (its $PPID is 0, and `kill 0` would
# hit this test's whole process group, the CI runner's included).  The ^C is
# sent the way a terminal sends it instead: to powercut's process group, which
# setsid makes powercut's own.
mkdir -p "$TMP/bin"
cat > "$TMP/bin/e2fsck" <<'SH'
#!/bin/sh
trap 'exit 32' INT
sleep 60 &
wait
exit 0
SH
chmod +x "$TMP/bin/e2fsck"
printf '[global]\nimage = %s\nfs = ext4\nmodes = syncfs\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/s.ini"
PATH="$TMP/bin:$PATH" setsid --wait "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" \
	-o "$TMP/out" > "$TMP/o" 2> "$TMP/e" &
runner=$!
fsck=""
for _ in $(seq 1 600); do
	fsck=$(pgrep -f -- "$TMP/bin/e2fsck" | head -n1 || true)
	[ -n "$fsck" ] && break
	sleep 0.05
done
[ -n "$fsck" ] || { cat "$TMP/e"; fail "fsck never started"; }
group=$(ps -o pgid= -p "$fsck" | tr -d ' ')
[ -n "$group" ] && [ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] ||
	fail "fsck runs in this test's own process group ($group): refusing to signal it"
kill -INT -- "-$group"
rc=0
wait "$runner" || rc=$?
[ "$rc" -eq 130 ] || { cat "$TMP/e"; fail "exit $rc, expected 130"; }
id=$(jq -r '.cases[0].id' "$TMP/out/results.json")
verdict=$(case_field "$TMP/out" "$id" .verdict)
reason=$(case_field "$TMP/out" "$id" .reason)
[ "$verdict" = error ] || fail "verdict $verdict ($reason), expected error"
[[ $reason == *interrupted* ]] || fail "reason '$reason', expected interrupted"
[ "$(case_field "$TMP/out" "$id" .fsck)" != errors ] || fail "an interrupted fsck recorded as errors"
assert_no_leftovers
pass
