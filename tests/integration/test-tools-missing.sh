#!/usr/bin/env bash
# A filesystem's mkfs or read-only check missing from PATH is found when the
# run starts, for the filesystems the selected cases use: exit 3 naming the
# program and the cases, before a results folder, a work folder or a case
# (it was found at each case's fsck step, after its mkfs and workload).
# run --list needs no tool; cases of other filesystems still run.
source "$(dirname "$0")/lib.sh"
cd "$TMP"

# PATH as the caller's, without xfs_repair: every program of every PATH
# folder linked into one folder (the first of a name wins, as for execvp).
mkdir "$TMP/path"
IFS=: read -r -a dirs <<< "$PATH"
for d in "${dirs[@]}"; do
	[ -d "$d" ] || continue
	for p in "$d"/*; do
		name=${p##*/}
		[ "$name" != xfs_repair ] && [ -x "$p" ] && [ ! -e "$TMP/path/$name" ] || continue
		ln -s "$p" "$TMP/path/$name"
	done
done
command -v xfs_repair > /dev/null || fail "xfs_repair is not installed here"
[ ! -e "$TMP/path/xfs_repair" ] && [ -e "$TMP/path/mkfs.xfs" ] || fail "the PATH folder is wrong"

cat > "$TMP/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
fs = ext4, xfs
modes = none, syncfs
device_size = 512M
INI
rc=0
PATH="$TMP/path" "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "xfs_repair missing: exit $rc, expected 3"; }
grep -q "xfs_repair: not found in PATH .*xfs's read-only check, needed by default/xfs/none, default/xfs/syncfs; no case was run" "$TMP/e" ||
	{ cat "$TMP/e"; fail "the message does not name the tool and the cases"; }
if grep -q "default/ext4" "$TMP/e"; then fail "the ext4 cases were named"; fi
[ "$(wc -l < "$TMP/e")" -eq 1 ] || { cat "$TMP/e"; fail "more than the one message"; }
[ ! -e "$TMP/out" ] || fail "a results folder was made"
[ -z "$(ls -A "$WORK")" ] || fail "a work folder was made"

# run --list runs no tool.
PATH="$TMP/path" "$POWERCUT" run --list "$TMP/s.ini" > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "run --list failed without xfs_repair"; }
[ "$(wc -l < "$TMP/o")" -eq 4 ] || fail "run --list: $(cat "$TMP/o")"

# Only the selected cases count: the ext4 ones run without xfs_repair.
rc=0
sync
PATH="$TMP/path" "$POWERCUT" run --workdir "$WORK" -f 'default/ext4/syncfs' "$TMP/s.ini" \
	-o "$TMP/ext4" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "ext4 only, xfs_repair missing: exit $rc, expected 0"; }
[ "$(jq -r '.cases[0].outcome' "$TMP/ext4/results.json")" = pass ] || fail "the ext4 case did not pass"
assert_no_leftovers
pass
