#!/usr/bin/env bash
# Hostile names through every output (issue 13 #4, #5): an entry named
# "/abs<U+FFFF><ESC>]0;pwned<BEL><LF>name" and relatives with control bytes,
# invalid UTF-8 and markup.  No raw ESC or BEL reaches stdout, stderr,
# summary.md, junit.xml, results.json or findings; a name never splits a
# line; junit.xml is XML 1.0 (xmllint) and results.json is JSON (jq).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

evil_name=$'abs\xef\xbf\xbf\e]0;pwned\a\nname'
src="$TMP/src"
mkdir -p "$src/dir"
echo one > "$src/dir/$evil_name"
echo two > "$src/dir/bad"$'\xff'".txt"
echo three > "$src/dir/a|b<c>&d"
echo four > "$src/dir/plain"
tar -C "$src" --format=gnu -cf "$TMP/hostile.tar" dir
# The same name, absolute: refused, and the refusal names it.
tar -C "$src/dir" -P --transform 's,^,/,' --format=gnu -cf "$TMP/abs.tar" "$evil_name"

# No raw ESC or BEL (or other C0 control but tab and newline) in FILE.
assert_clean() {
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; then
		fail "$2: raw control bytes: $(od -c "$1" | grep -E '033|\\a' | head -3)"
	fi
}

# 1. powercut manifest of the absolute name: exit 2, one clean error line.
rc=0
"$POWERCUT" manifest "$TMP/abs.tar" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "manifest abs.tar: exit $rc, expected 2"; }
assert_clean "$TMP/e" "manifest stderr"
grep -q 'abs%EF%BF%BF%1B\]0;pwned%07%0Aname' "$TMP/e" || { cat "$TMP/e"; fail "the error does not name the entry escaped"; }
[ "$(wc -l < "$TMP/e")" -eq 1 ] || { cat "$TMP/e"; fail "the error splits over lines"; }

# 2. manifest, unpack, verify of the relative names.
"$POWERCUT" manifest "$TMP/hostile.tar" -o "$TMP/m.txt" 2> "$TMP/e" || { cat "$TMP/e"; fail "manifest hostile.tar"; }
assert_clean "$TMP/m.txt" "manifest.txt"
"$POWERCUT" unpack "$TMP/hostile.tar" "$TMP/tree" > "$TMP/o" 2> "$TMP/e" || { cat "$TMP/e"; fail "unpack hostile.tar"; }
# a second unpack onto the filled folder would remove what is in its way
rc=0
"$POWERCUT" unpack "$TMP/hostile.tar" "$TMP/tree" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "unpack onto a folder that is not empty: exit $rc, expected 2"; }
grep -q "tree is not empty (it holds " "$TMP/e" || { cat "$TMP/e"; fail "the refusal does not say why"; }
assert_clean "$TMP/e" "unpack refusal stderr"
rm "$TMP/tree/dir/$evil_name" "$TMP/tree/dir/a|b<c>&d"
echo extra > "$TMP/tree/dir/x"$'\e[2J'
rc=0
"$POWERCUT" verify "$TMP/m.txt" "$TMP/tree" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/o" "$TMP/e"; fail "verify: exit $rc, expected 1"; }
assert_clean "$TMP/o" "verify stdout"
assert_clean "$TMP/e" "verify stderr"
grep -qx 'missing dir/abs%EF%BF%BF%1B]0;pwned%07%0Aname: .*' "$TMP/o" || { cat "$TMP/o"; fail "verify: the missing entry is not one escaped line"; }
grep -q '^extra dir/x%1B\[2J' "$TMP/o" || { cat "$TMP/o"; fail "verify: the extra entry is not escaped"; }
rc=0
"$POWERCUT" verify "$TMP/m.txt" "$TMP/tree" --json > "$TMP/o.json" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/e"; fail "verify --json: exit $rc, expected 1"; }
[ "$(jq '.details | length' "$TMP/o.json")" -eq 3 ] || { cat "$TMP/o.json"; fail "verify --json: findings dropped"; }
jq -e '.details[] | select(.path == "dir/abs%EF%BF%BF%1B]0;pwned%07%0Aname")' "$TMP/o.json" > /dev/null ||
	fail "verify --json: the path is not the escaped name"

# 3. A run whose scenario file name and reason carry the hostile bytes.
sdir="$TMP/scen"$'\xef\xbf\xbe\e]2;x\a'
mkdir -p "$sdir"
sfile="$sdir/s"$'\e]2;y\a'".ini"
cat > "$sfile" <<INI
[hostile]
image = $TMP/abs.tar
fs = ext4
modes = none
device_size = 256M
INI
# No -o: the default folder is named after the scenario file.
rc=0
(cd "$TMP" && pc_run "$sfile") > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/o" "$TMP/e"; fail "run: exit $rc, expected 2"; }
out=$(echo "$TMP"/results/*-s*)
[ -d "$out" ] || fail "run: no default results folder in $TMP/results"
grep -q '^results: results/.*-s%1B]2;y%07$' "$TMP/o" || { cat "$TMP/o"; fail "run: the results folder is not shown escaped"; }
for f in "$TMP/o" "$TMP/e" "$out/summary.md" "$out/junit.xml" "$out/results.json"; do
	assert_clean "$f" "run: $(basename "$f")"
done
xmllint --noout "$out/junit.xml" || fail "junit.xml is not XML"
jq -e . "$out/results.json" > /dev/null || fail "results.json is not JSON"
grep -q 'pwned%07%0Aname' "$out/junit.xml" || fail "junit.xml: the reason lost the name"
[ "$(jq -r '.cases[0].verdict' "$out/results.json")" = error ] || fail "run: verdict not error"
jq -r '.scenario' "$out/results.json" | grep -q 'scen%EF%BF%BE%1B]2;x%07/s%1B]2;y%07.ini' ||
	fail "results.json: the scenario path is not escaped: $(jq -r .scenario "$out/results.json")"
# Every line of the table that names the case holds its whole reason.
if grep -q '^name' "$TMP/o" "$out/summary.md"; then
	fail "a name split a line of the table or summary.md"
fi
assert_no_leftovers
pass
