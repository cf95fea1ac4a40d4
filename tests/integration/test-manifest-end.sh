#!/usr/bin/env bash
# The manifest carries its own end (issue 13 D): verify with a truncated
# manifest, one with an altered line, one without its trailer, or a format 1
# manifest exits 2 and says why, instead of listing missing/extra findings.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

layer=images/sample/layer1.tar.gz
"$POWERCUT" manifest "$layer" -o "$TMP/m.txt" 2> "$TMP/e" || { cat "$TMP/e"; fail "manifest"; }
"$POWERCUT" unpack "$layer" "$TMP/tree" > /dev/null 2> "$TMP/e" || { cat "$TMP/e"; fail "unpack"; }
"$POWERCUT" verify "$TMP/m.txt" "$TMP/tree" > "$TMP/o" 2> "$TMP/e" || { cat "$TMP/e"; fail "verify of the intact tree"; }
tail -n 1 "$TMP/m.txt" | grep -Eq '^#end entries=[0-9]+ sha256=[0-9a-f]{64}$' || fail "no trailer: $(tail -n 1 "$TMP/m.txt")"

# expect_refused NAME MESSAGE: verify with $TMP/NAME exits 2, prints MESSAGE
# and no finding.
expect_refused() {
	local rc=0
	"$POWERCUT" verify "$TMP/$1" "$TMP/tree" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/o" "$TMP/e"; fail "$1: exit $rc, expected 2"; }
	grep -q "$2" "$TMP/e" || { cat "$TMP/e"; fail "$1: the error does not say '$2'"; }
	[ ! -s "$TMP/o" ] || { head "$TMP/o"; fail "$1: findings printed"; }
}

lines=$(wc -l < "$TMP/m.txt")
head -n $((lines / 2)) "$TMP/m.txt" > "$TMP/half.txt"
expect_refused half.txt "manifest truncated"
head -n $((lines - 1)) "$TMP/m.txt" > "$TMP/notrailer.txt"
expect_refused notrailer.txt "manifest truncated"
head -c $(( $(stat -c %s "$TMP/m.txt") - 30 )) "$TMP/m.txt" > "$TMP/cut.txt"
expect_refused cut.txt "bad end trailer"
sed '5s/uid=0/uid=1/' "$TMP/m.txt" > "$TMP/altered.txt"
! cmp -s "$TMP/m.txt" "$TMP/altered.txt" || fail "sed did not alter line 5"
expect_refused altered.txt "manifest altered"
sed '7d' "$TMP/m.txt" > "$TMP/dropped.txt"
expect_refused dropped.txt "manifest altered or truncated"
{ echo '#powercut-manifest 1'; sed '1d;$d' "$TMP/m.txt"; } > "$TMP/v1.txt"
expect_refused v1.txt "manifest format 1"
pass
