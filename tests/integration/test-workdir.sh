#!/usr/bin/env bash
# Issue 13 #11: a work folder base holding a newline (or another control
# character) is refused up front (exit 2) -- before a results folder, a work
# folder or a registration exists -- instead of registering a path that
# `powercut cleanup` would read back cut at the newline.  So is one that is
# not there or is no folder; and a run that cannot write its standard
# output is exit 3.
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
# A work folder base that is not there, or is no folder, is the input's
# mistake: exit 2 before a results folder is made (it was exit 3, an
# environment error, with an empty results folder left behind).
for base in "$WORK/missing" "$TMP/s.ini"; do
	rc=0
	"$POWERCUT" run --workdir "$base" "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "workdir $base: exit $rc, expected 2"; }
	grep -q "work folder base $base" "$TMP/e" || { cat "$TMP/e"; fail "workdir $base: not named"; }
	[ ! -e "$TMP/out" ] || fail "workdir $base: a results folder was made"
done
# A work folder that cannot be made (a read-only filesystem) is exit 3,
# after the input checks; no results folder is left behind, neither -o's
# (nor the folders above it made for it) nor the default one (was: empty).
mkdir "$TMP/ro"
mount -t tmpfs -o ro,mode=755,size=1M powercut-test "$TMP/ro"
trap 'umount "$TMP/ro" 2> /dev/null || true; cleanup_tmp' EXIT
mkdir "$TMP/there"
for out in "$TMP/out/a/b" "$TMP/there" ""; do
	rc=0
	(cd "$TMP/there" && "$POWERCUT" run --workdir "$TMP/ro" "$TMP/s.ini" ${out:+-o "$out"}) \
		> "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 3 ] && grep -q "make a work folder under $TMP/ro: Read-only file system" "$TMP/e" ||
		{ cat "$TMP/e"; fail "read-only work folder base (-o '$out'): exit $rc, expected 3"; }
	[ ! -e "$TMP/out" ] || fail "read-only work folder base: results folder $out left behind"
	[ -d "$TMP/there" ] || fail "read-only work folder base: the folder that was there was removed"
	[ -z "$(ls -A "$TMP/there")" ] || fail "read-only work folder base (-o '$out'): left $(ls -A "$TMP/there")"
done
umount "$TMP/ro"
# A run whose table and "results: DIR" line cannot be written to standard
# output is exit 3 (was 0), as inspect and run --list: a script reading the
# folder from it got nothing; the results are written all the same.
rc=0
"$POWERCUT" run "$TMP/s.ini" -o "$TMP/full" > /dev/full 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] && grep -q "run: cannot write standard output" "$TMP/e" ||
	{ cat "$TMP/e"; fail "run with standard output on a full disk: exit $rc, expected 3"; }
[ "$(jq -r '.cases[0].outcome' "$TMP/full/results.json")" = pass ] || fail "run to /dev/full: no results"
# No registration of ours appeared (others' runs may come and go: compare
# only entries naming this test's folder).
for f in /run/powercut/*; do
	[ -e "$f" ] || continue
	if grep -qF "$TMP" "$f" 2>/dev/null; then fail "registered: $f"; fi
done
assert_no_leftovers
pass
