#!/usr/bin/env bash
# Hostile layers through the whole program: every attack is refused as an
# input error (exit 2), nothing is written outside the target, and the case
# tears down.  The legitimate absolute symlink (lib -> /usr/lib) unpacks.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

evil="$TMP/evil"
./images/mkimage evil "$evil" > /dev/null
# The paths the attacks aim at, outside any target.
rm -f /tmp/escape-abs /tmp/escaped /tmp/escape
passwd_links=$(stat -c %h /etc/passwd)

for attack in dotdot absolute symlink-escape hardlink-escape not-an-archive; do
	cat > "$TMP/$attack.ini" <<INI
[global]
image = $evil/$attack.tar
fs = ext4
modes = none
device_size = 256M
INI
	rc=0
	pc_run "$TMP/$attack.ini" -o "$TMP/out-$attack" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "$attack: exit $rc, expected 2"; }
	grep -q "$attack.tar" "$TMP/e" || { cat "$TMP/e"; fail "$attack: the error does not name the layer"; }
	[ "$(jq -r '.cases[0].verdict' "$TMP/out-$attack/results.json")" = error ] || fail "$attack: verdict not error"
	assert_no_leftovers
done
for p in /tmp/escape-abs /tmp/escaped /tmp/escape /escape; do
	[ ! -e "$p" ] || fail "an attack wrote $p"
done
[ "$(stat -c %h /etc/passwd)" -eq "$passwd_links" ] || fail "/etc/passwd gained a hardlink"

# A 10 KiB archive declaring a 300 GiB sparse file: hashing its holes would
# take minutes to days (a petabyte fits in the same 10 KiB), so it is refused.
truncate -s 300G "$TMP/big"
echo data | dd of="$TMP/big" conv=notrunc status=none
tar -C "$TMP" --sparse --format=pax -cf "$evil/huge-sparse.tar" big
rm -f "$TMP/big"
rc=0
timeout 30 "$POWERCUT" manifest "$evil/huge-sparse.tar" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "huge-sparse: exit $rc, expected 2"; }
grep -q "limit of 256 GiB" "$TMP/e" || { cat "$TMP/e"; fail "huge-sparse: the error does not say why"; }

# A small file, then a 256 GiB sparse one (at the per-file limit): the
# image's files together are over the limit, refused before the big one is
# hashed (a thousand such files in the same few KiB would take days).
echo data > "$TMP/big1"
truncate -s 256G "$TMP/big2"
tar -C "$TMP" --sparse --format=pax -cf "$evil/sparse-sum.tar" big1 big2
rm -f "$TMP/big1" "$TMP/big2"
rc=0
timeout 30 "$POWERCUT" manifest "$evil/sparse-sum.tar" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "sparse-sum: exit $rc, expected 2"; }
grep -q "add up to more than powercut's limit of 256 GiB" "$TMP/e" ||
	{ cat "$TMP/e"; fail "sparse-sum: the error does not say why"; }

# An image whose final tree holds no entry (an empty tar; a file and its
# whiteout; a procfs "file" that reads as zeros) would pass every case
# having checked nothing: an input error.  With layout = snapshots the layer
# folders are checked too (a file and its whiteout are something to check),
# so only empty layers are refused there.
head -c 1024 /dev/zero > "$evil/empty.tar"
python3 - "$evil" <<'PY'
import io, sys, tarfile
def layer(name, entries):
    with tarfile.open(f"{sys.argv[1]}/{name}", "w") as t:
        for n, data in entries:
            i = tarfile.TarInfo(n); i.size = len(data); t.addfile(i, io.BytesIO(data))
layer("one.tar", [("a", b"a\n")])
layer("gone.tar", [(".wh.a", b"")])
PY
for spec in "flat:$evil/empty.tar" "flat:$evil/one.tar $evil/gone.tar" "snapshots:$evil/empty.tar $evil/empty.tar" "flat:/proc/self/pagemap"; do
	cat > "$TMP/empty.ini" <<INI
[global]
image = ${spec#*:}
layout = ${spec%%:*}
fs = ext4
modes = syncfs
device_size = 256M
INI
	rc=0
	pc_run "$TMP/empty.ini" -o "$TMP/out-empty-$RANDOM" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "$spec: exit $rc, expected 2"; }
	grep -q "its final tree holds no entry" "$TMP/e" || { cat "$TMP/e"; fail "$spec: unclear error"; }
	assert_no_leftovers
done
cat > "$TMP/snap.ini" <<INI
[global]
image = $evil/one.tar $evil/gone.tar
layout = snapshots
fs = ext4
modes = syncfs
device_size = 256M
INI
rc=0
pc_run "$TMP/snap.ini" -o "$TMP/out-snap" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "snapshots, a file and its whiteout: exit $rc, expected 0"; }
assert_no_leftovers

# More hardlinks to one file than ext4 holds (65,000): the unpack meets
# EMLINK, an input error (exit 2) naming the cause, not a failed case.  The
# case's own ext4 is where it is met, whatever filesystem /tmp is on.
python3 - "$evil/links.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("f"); i.size = 2; t.addfile(i, io.BytesIO(b"x\n"))
    for n in range(1, 65002):
        h = tarfile.TarInfo(f"l{n}"); h.type = tarfile.LNKTYPE; h.linkname = "f"; t.addfile(h)
PY
cat > "$TMP/links.ini" <<INI
[global]
image = $evil/links.tar
fs = ext4
modes = none
device_size = 256M
INI
rc=0
pc_run "$TMP/links.ini" -o "$TMP/out-links" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "65,001 hardlinks on ext4: exit $rc, expected 2"; }
grep -q "Too many links" "$TMP/e" || { cat "$TMP/e"; fail "65,001 hardlinks: the error does not say why"; }
[ "$(jq -r '.cases[0].verdict' "$TMP/out-links/results.json")" = error ] || fail "65,001 hardlinks: verdict not error"
assert_no_leftovers

cat > "$TMP/ok.ini" <<INI
[global]
image = $evil/symlink-abs-ok.tar
fs = ext4
modes = syncfs
device_size = 256M
INI
rc=0
pc_run "$TMP/ok.ini" -o "$TMP/out-ok" > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "symlink-abs-ok: exit $rc"; }
grep -q 'usr/lib/libok.so' "$TMP/out-ok/cases/default_ext4_syncfs/manifest.txt" ||
	fail "symlink-abs-ok: usr/lib/libok.so not in the manifest"
[ ! -e /usr/lib/libok.so ] || fail "symlink-abs-ok wrote the host's /usr/lib/libok.so"
assert_no_leftovers
pass
