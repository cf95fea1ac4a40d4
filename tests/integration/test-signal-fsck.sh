#!/usr/bin/env bash
# A ^C during fsck reaches fsck too (same process group): the case is an
# error "interrupted", never "fsck found errors" (that would claim corruption).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# An e2fsck that is interrupted as a terminal's ^C would do it: the signal
# goes to powercut (its parent) and fsck itself ends with a non-zero status.
mkdir -p "$TMP/bin"
cat > "$TMP/bin/e2fsck" <<'SH'
#!/bin/sh
kill -INT "$PPID"
exit 32
SH
chmod +x "$TMP/bin/e2fsck"
printf '[global]\nimage = %s\nfs = ext4\nmodes = syncfs\n' \
	"$TOP/images/sample/layer1.tar.gz" > "$TMP/s.ini"
rc=0
PATH="$TMP/bin:$PATH" "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" \
	> "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 130 ] || { cat "$TMP/e"; fail "exit $rc, expected 130"; }
id=$(jq -r '.cases[0].id' "$TMP/out/results.json")
verdict=$(case_field "$TMP/out" "$id" .verdict)
reason=$(case_field "$TMP/out" "$id" .reason)
[ "$verdict" = error ] || fail "verdict $verdict ($reason), expected error"
[[ $reason == *interrupted* ]] || fail "reason '$reason', expected interrupted"
[ "$(case_field "$TMP/out" "$id" .fsck)" != errors ] || fail "an interrupted fsck recorded as errors"
assert_no_leftovers
pass
