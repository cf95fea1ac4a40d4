#!/usr/bin/env bash
# Issue 13 #11: a work folder base holding a newline (or another control
# character) is refused up front (exit 2) -- before a results folder, a work
# folder or a registration exists -- instead of registering a path that
# `powercut cleanup` would read back cut at the newline.
source "$(dirname "$0")/lib.sh"
cd "$TMP"

cat > "$TMP/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
fs = ext4
modes = none
device_size = 256M
INI
for name in $'a\nb' $'tab\there' $'esc\e]0;pwned\a'; do
	base="$WORK/$name"
	mkdir "$base"
	rc=0
	"$POWERCUT" run --workdir "$base" "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "workdir $(printf %q "$name"): exit $rc, expected 2"; }
	grep -q "a control character (newline, tab, ...) in the path is refused" "$TMP/e" ||
		{ cat "$TMP/e"; fail "$(printf %q "$name"): unclear error"; }
	[ "$(wc -l < "$TMP/e")" -eq 1 ] || fail "$(printf %q "$name"): the message spans lines"
	if grep -q $'\e' "$TMP/e"; then fail "the message prints a raw escape"; fi
	[ ! -e "$TMP/out" ] || fail "$(printf %q "$name"): a results folder was made"
	[ -z "$(ls -A "$base")" ] || fail "$(printf %q "$name"): a work folder was made"
	rmdir "$base"
done
# No registration of ours appeared (others' runs may come and go: compare
# only entries naming this test's folder).
for f in /run/powercut/*; do
	[ -e "$f" ] || continue
	if grep -qF "$TMP" "$f" 2>/dev/null; then fail "registered: $f"; fi
done
assert_no_leftovers
pass
