#!/usr/bin/env bash
# The digests of a run come from its scan of the image, made once (docs/
# design.md "Hashing once per run"); a plain layer file that changes after
# that scan must make the case an input error, never a verdict computed
# against digests of other bytes.  The run is stopped (SIGSTOP) once its
# fuse server exists, i.e. after the scan and before the unpack, the layer
# is touched, and the run resumed.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

mkdir -p "$TMP/tree/d"
for i in $(seq 1 40); do
	head -c 1M /dev/urandom > "$TMP/tree/d/f$i"
done
tar -C "$TMP/tree" -cf "$TMP/layer.tar" .
cat > "$TMP/s.ini" <<INI
[global]
fs = ext4
[changed]
image = $TMP/layer.tar
modes = syncfs
INI

# Unchanged, the run passes with the scan's digests.
rc=0
pc_run "$TMP/s.ini" -o "$TMP/ok" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "the unchanged layer: exit $rc"; }
[ "$(case_field "$TMP/ok" changed/ext4/syncfs .verdict)" = pass ] || fail "the unchanged layer did not pass"

setsid "$POWERCUT" run --workdir "$WORK" "$TMP/s.ini" -o "$TMP/out" > "$TMP/o" 2> "$TMP/e" &
pid=$!
stop_when_device_made "$pid"
# Not unpacked yet: the manifest is written right after the unpack.
if [ -n "$(find "$TMP/out" -name manifest.txt 2>/dev/null)" ]; then
	kill -CONT "$pid"
	fail "stopped too late (the unpack was done): the test proves nothing"
fi
touch "$TMP/layer.tar"
kill -CONT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "a layer changed during the run: exit $rc, expected 2"; }
grep -q "a layer changed while the run used it" "$TMP/e" || { cat "$TMP/e"; fail "no message naming the change"; }
assert_no_leftovers
pass
