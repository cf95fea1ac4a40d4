#!/usr/bin/env bash
# The results folder (issue 13 #3, #12): a second run on a folder in use is
# refused (exit 2, naming the folder and the pid holding it) and the first
# run's results are whole; runs without -o started together get a folder
# each; a read-only folder and a full results filesystem are environment
# errors (exit 3) that claim no results and leave no temporary files.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

ro="$TMP/ro" full="$TMP/full"
a=
unmount_all() {
	[ -z "$a" ] || { kill "$a" 2>/dev/null; kill -CONT "$a" 2>/dev/null; wait "$a" 2>/dev/null; } || true
	umount "$ro" 2>/dev/null || true
	umount "$full" 2>/dev/null || true
	cleanup_tmp
}
trap unmount_all EXIT

cat > "$TMP/one.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none
device_size = 256M
expect_none = loss
INI

# 1. Two runs on one folder.
out="$TMP/shared"
"$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$out" > "$TMP/a.out" 2> "$TMP/a.err" &
a=$!
# The lock is held once /proc/locks lists the lock file's inode (read only:
# probing it with flock could make the first run find it taken).
lock_held() {
	local ino
	ino=$(stat -c %i "$out/.powercut.lock" 2>/dev/null) || return 1
	grep -q ":$ino " /proc/locks
}
for _ in $(seq 300); do lock_held && break; sleep 0.05; done
lock_held || fail "the first run did not lock $out"
# Held still while the second run tries: on a busy machine the first run
# could otherwise finish before the second starts, and the second would be
# right to take the folder.
kill -STOP "$a"
rc=0
"$POWERCUT" run --workdir "$WORK" "$TMP/one.ini" -o "$out" > "$TMP/b.out" 2> "$TMP/b.err" || rc=$?
kill -CONT "$a"
[ "$rc" -eq 2 ] || { cat "$TMP/b.err"; fail "second run on a locked folder: exit $rc, expected 2"; }
grep -q "results folder $out is in use by another run (pid $a)" "$TMP/b.err" ||
	{ cat "$TMP/b.err"; fail "the refusal does not name the folder and pid $a"; }
grep -q "results:" "$TMP/b.out" && fail "the refused run claims results"
rc=0
wait "$a" || rc=$?
a=
[ "$rc" -eq 0 ] || { cat "$TMP/a.err"; fail "first run: exit $rc"; }
[ "$(jq '.cases | length' "$out/results.json")" -eq 1 ] || fail "first run's results.json is not whole"
assert_case_ok "$out" default/ext4/none
[ ! -e "$out/.powercut.lock" ] || fail "the lock file was left behind"

# 1b. A folder holding a finished run's results: refused (exit 2), the
# results untouched; an empty -o is a usage error.
sum_before=$(sha256sum "$out/results.json")
rc=0
pc_run "$TMP/one.ini" -o "$out" > "$TMP/c.out" 2> "$TMP/c.err" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/c.err"; fail "run into a finished folder: exit $rc, expected 2"; }
grep -q "results folder $out already holds a run's results" "$TMP/c.err" ||
	{ cat "$TMP/c.err"; fail "the refusal does not say the folder holds results"; }
[ "$(sha256sum "$out/results.json")" = "$sum_before" ] || fail "the finished run's results.json changed"
[ ! -e "$out/.powercut.lock" ] || fail "the refused run left its lock file"
rc=0
pc_run "$TMP/one.ini" -o '' > "$TMP/c.out" 2> "$TMP/c.err" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/c.err"; fail "-o '': exit $rc, expected 2"; }
grep -q -- "--output: empty value" "$TMP/c.err" || { cat "$TMP/c.err"; fail "-o '': unclear error"; }

# 1c. An -o that is no folder (a file, a symlink to one, a device, a path
# through a file) is the input's mistake: exit 2 naming it, the file
# untouched, nothing made; run --list refuses it the same way, and a
# dangling symlink too (both were exit 3 "cannot write in it" or "mkdir:
# Not a directory", and --list said 0).
echo precious > "$TMP/afile"
ln -s "$TMP/afile" "$TMP/filelink"
ln -s "$TMP/nowhere" "$TMP/dangling"
for o in "$TMP/afile" "$TMP/filelink" /dev/null "$TMP/afile/b/c"; do
	for list in "" --list; do
		rc=0
		pc_run "$TMP/one.ini" $list -o "$o" > "$TMP/c.out" 2> "$TMP/c.err" || rc=$?
		[ "$rc" -eq 2 ] || { cat "$TMP/c.err"; fail "-o $o $list: exit $rc, expected 2"; }
		grep -q "results folder $o: .* not a folder" "$TMP/c.err" ||
			{ cat "$TMP/c.err"; fail "-o $o $list: the refusal does not say it is no folder"; }
	done
done
[ "$(cat "$TMP/afile")" = precious ] || fail "-o a file: the file changed"
rc=0
pc_run "$TMP/one.ini" --list -o "$TMP/dangling" > "$TMP/c.out" 2> "$TMP/c.err" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/c.err"; fail "--list -o a dangling symlink: exit $rc, expected 2"; }
[ ! -e "$TMP/nowhere" ] || fail "--list -o a dangling symlink: made its target"

# 2. Two runs without -o at once: a folder each.
mkdir "$TMP/cwd"
cat > "$TMP/cwd/quick.ini" <<INI
[global]
image = $SAMPLE_IMAGE
fs = ext4
modes = none
device_size = 256M
mkfs_opts = -b 3000
INI
(cd "$TMP/cwd" && "$POWERCUT" run --workdir "$WORK" quick.ini > /dev/null 2>&1) & p1=$!
(cd "$TMP/cwd" && "$POWERCUT" run --workdir "$WORK" quick.ini > /dev/null 2>&1) & p2=$!
wait "$p1" || true
wait "$p2" || true
n=0
for d in "$TMP"/cwd/results/*-quick*; do
	[ "$(jq '.cases | length' "$d/results.json")" -eq 1 ] || fail "$d: results.json not whole"
	n=$((n + 1))
done
[ "$n" -eq 2 ] || fail "two runs without -o made $n results folders, expected 2"

# 3. A read-only results folder: exit 3 before any case, no claim.
mkdir "$ro"
mount -t tmpfs -o ro,size=1m,mode=0755 pc-ro "$ro"
rc=0
pc_run "$TMP/one.ini" -o "$ro" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "read-only folder: exit $rc, expected 3"; }
grep -q "results folder $ro: cannot write in it" "$TMP/e" || { cat "$TMP/e"; fail "read-only: unclear error"; }
grep -q "results:" "$TMP/o" && fail "read-only: claims results"
# 3b. A folder of the user's with other files, given to a run whose work
# folder cannot be made (exit 3): it and its files stay as they were.
mine="$TMP/mine"
mkdir -p "$mine/sub"
echo notes > "$mine/notes.txt"
echo x > "$mine/sub/x"
ls -lR --time-style=full-iso "$mine" > "$TMP/mine.before"
rc=0
"$POWERCUT" run --workdir "$ro" "$TMP/one.ini" -o "$mine" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "read-only work folder into a user's folder: exit $rc, expected 3"; }
ls -lR --time-style=full-iso "$mine" | cmp -s - "$TMP/mine.before" ||
	{ ls -laR "$mine"; fail "a failed run changed the user's folder"; }
umount "$ro"

# 4. A full results filesystem: exit 3, no claim, no temporary files.
mkdir "$full"
mount -t tmpfs -o size=64k pc-full "$full"
rc=0
pc_run "$TMP/one.ini" -o "$full/out" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "full filesystem: exit $rc, expected 3"; }
grep -q "the results could not be written to $full/out" "$TMP/e" || { cat "$TMP/e"; fail "full: unclear error"; }
grep -q "results:" "$TMP/o" && fail "full: claims results"
left=$(find "$full" -name '*.tmp' -o -name .powercut.lock)
[ -z "$left" ] || fail "full: left behind: $left"
umount "$full"
# 5. Symlinks planted at the temporary names in an empty -o folder (a folder
# others can write to): never followed; the file they point to is untouched
# and the reports are regular files.  So for report's REPORT.html.tmp.
planted="$TMP/planted" victim="$TMP/victim"
echo precious > "$victim"
mkdir "$planted"
for f in .results.json.tmp .junit.xml.tmp .summary.md.tmp; do ln -s "$victim" "$planted/$f"; done
echo mine > "$planted/notes.txt" # the user's own file: left as it is
rc=0
pc_run "$TMP/one.ini" -o "$planted" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "planted symlinks: exit $rc"; }
[ "$(cat "$victim")" = precious ] || fail "a report was written through a planted symlink"
for f in results.json junit.xml summary.md; do
	[ -f "$planted/$f" ] && [ ! -L "$planted/$f" ] || fail "planted: $f is not a regular file"
done
[ -z "$(find "$planted" -maxdepth 1 -name '*.tmp')" ] || fail "planted: a temporary name is left"
[ "$(cat "$planted/notes.txt")" = mine ] || fail "the run changed a file of the user's in its folder"
if command -v gnuplot > /dev/null; then
	ln -s "$victim" "$TMP/page.html.tmp"
	"$POWERCUT" report "$planted" -o "$TMP/page.html" > /dev/null 2> "$TMP/e" ||
		{ cat "$TMP/e"; fail "report with a planted symlink failed"; }
	[ "$(cat "$victim")" = precious ] || fail "report wrote through a planted symlink"
	[ -f "$TMP/page.html" ] && [ ! -L "$TMP/page.html" ] || fail "report: page.html is not a regular file"
fi
assert_no_leftovers
pass
