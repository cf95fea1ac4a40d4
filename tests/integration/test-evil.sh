#!/usr/bin/env bash
# Hostile layers through the whole program: every attack is refused as an
# input error (exit 2), nothing is written outside the target, and the case
# tears down.  The legitimate absolute symlink (lib -> /usr/lib) unpacks.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# One ext4 case of IMAGE (LAYOUT, default flat; MODES, default syncfs) into
# $TMP/out-NAME, its stderr in $TMP/e; fail unless powercut exits WANT or
# leaves anything behind.  evil_run NAME WANT IMAGE [LAYOUT] [MODES]
evil_run() {
	local name=$1 want=$2 image=$3 layout=${4:-flat} modes=${5:-syncfs} rc=0
	printf '[global]\nimage = %s\nlayout = %s\nfs = ext4\nmodes = %s\ndevice_size = 256M\n' \
		"$image" "$layout" "$modes" > "$TMP/$name.ini"
	pc_run "$TMP/$name.ini" -o "$TMP/out-$name" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/e"; fail "$name: exit $rc, expected $want"; }
	assert_no_leftovers
}

evil="$TMP/evil"
./images/mkimage evil "$evil" > /dev/null
# The paths the attacks aim at, outside any target.
rm -f /tmp/escape-abs /tmp/escaped /tmp/escape
passwd_links=$(stat -c %h /etc/passwd)

for attack in dotdot absolute symlink-escape hardlink-escape not-an-archive; do
	evil_run "$attack" 2 "$evil/$attack.tar" flat none
	grep -q "$attack.tar" "$TMP/e" || { cat "$TMP/e"; fail "$attack: the error does not name the layer"; }
	[ "$(jq -r '.cases[0].verdict' "$TMP/out-$attack/results.json")" = error ] || fail "$attack: verdict not error"
done
# inspect refuses the layers the unpack refuses, with the same message (its
# help and powercut.1 say so): it read only the headers, so these were
# listed with a total line, exit 0.  It reads each layer once, the table
# row coming as the layer's walk ends: a refused layer gets none (it got
# one while the table was a pass of its own before the scan).
for attack in dotdot absolute symlink-escape hardlink-escape; do
	rc=0
	"$POWERCUT" inspect "$evil/$attack.tar" > "$TMP/o" 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "$attack: inspect exit $rc, expected 2"; }
	! grep -q '^total:' "$TMP/o" || fail "$attack: inspect printed a total line"
	! grep -q '^1 ' "$TMP/o" || fail "$attack: inspect listed the layer it refused"
	"$POWERCUT" manifest "$evil/$attack.tar" -o "$TMP/m" 2> "$TMP/e2" || true
	cmp -s "$TMP/e" "$TMP/e2" || { diff "$TMP/e" "$TMP/e2"; fail "$attack: inspect does not say what manifest says"; }
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
n=0
for spec in "flat:$evil/empty.tar" "flat:$evil/one.tar $evil/gone.tar" "snapshots:$evil/empty.tar $evil/empty.tar"; do
	n=$((n + 1))
	evil_run "empty-$n" 2 "${spec#*:}" "${spec%%:*}"
	grep -q "its final tree holds no entry" "$TMP/e" || { cat "$TMP/e"; fail "$spec: unclear error"; }
done
evil_run snap-whiteout 0 "$evil/one.tar $evil/gone.tar" snapshots

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
evil_run links 2 "$evil/links.tar" flat none
grep -q "Too many links" "$TMP/e" || { cat "$TMP/e"; fail "65,001 hardlinks: the error does not say why"; }
[ "$(jq -r '.cases[0].verdict' "$TMP/out-links/results.json")" = error ] || fail "65,001 hardlinks: verdict not error"

# A file whose data ends in a zero block, then one zero block, then more
# entries: the runtimes' Go reader reads the block after a single zero
# block and refuses the layer ("archive/tar: invalid tar header", podman
# 4.3); powercut took the file's zero block and the lone one for the end
# and read a tree without what follows (inspect, manifest and unpack exit
# 0, b missing).  The same in a docker-save archive whose layer member (a
# tar: it ends in zero blocks) is followed by one zero block.  Refused
# (exit 2) plain, gzip'd and as an image archive's member.
make -s images/mkfixtures > /dev/null || fail "cannot build images/mkfixtures"
python3 - "$evil" <<'PY'
import gzip, sys, tarfile
d = sys.argv[1]
def member(name, data):
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
    return i.tobuf(format=tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)
lone = member("a", bytes(512)) + bytes(512) + member("b", b"b\n") + bytes(1024)
open(f"{d}/zero-end.tar", "wb").write(lone)
open(f"{d}/zero-end.tar.gz", "wb").write(gzip.compress(lone, mtime=0))
open(f"{d}/two-layer.tar", "wb").write(member("a", b"a\n") + bytes(1024))
PY
./images/mkfixtures docker-save "$evil/save.tar" "$evil/two-layer.tar" > /dev/null || fail "mkfixtures docker-save"
python3 - "$evil/save.tar" "$evil/save-lone.tar" <<'PY'
import sys, tarfile
out = b""
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else b""
        out += m.tobuf(format=tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)
        if m.name.endswith("layer.tar"):
            out += bytes(512)  # the layer's own end blocks, then one more
open(sys.argv[2], "wb").write(out + bytes(1024))
PY
for l in zero-end.tar zero-end.tar.gz save-lone.tar; do
	for cmd in inspect manifest unpack; do
		rc=0
		case $cmd in
		inspect) "$POWERCUT" inspect "$evil/$l" > /dev/null 2> "$TMP/e" || rc=$? ;;
		manifest) "$POWERCUT" manifest "$evil/$l" -o "$TMP/m" 2> "$TMP/e" || rc=$? ;;
		unpack) rm -rf "$TMP/t" && "$POWERCUT" unpack "$evil/$l" "$TMP/t" > /dev/null 2> "$TMP/e" || rc=$? ;;
		esac
		[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "$l: $cmd exit $rc, expected 2"; }
		grep -q "entries follow a single zero block" "$TMP/e" || { cat "$TMP/e"; fail "$l: $cmd: the error does not say why"; }
	done
done
"$POWERCUT" inspect "$evil/save.tar" > /dev/null 2> "$TMP/e" || { cat "$TMP/e"; fail "save.tar: inspect"; }

# A regular file of the kernel's own filesystems (procfs, sysfs, tracefs,
# ...) is no input: its size is made up (/proc/self/pagemap reads as
# zeros), and reading some blocks until the kernel logs something and takes
# what it reads from others (/proc/kmsg: every command below hung, `run`
# even past SIGTERM; `report` of a results folder whose results.json
# links there too).  Refused wherever a file is named, exit 2, at once.
printf '[g]\nimage = /proc/kmsg\nfs = ext4\nmodes = none\n' > "$TMP/kmsg-image.ini"
printf '[g]\nimage = /proc/self/pagemap\nfs = ext4\nmodes = none\n' > "$TMP/pagemap.ini"
printf '[g]\nimage = %s\nfs = ext4\nmodes = none\nknown = /proc/kmsg\n' "$evil/one.tar" > "$TMP/kmsg-known.ini"
printf '[g]\nimage = %s\nfs = ext4\nmodes = none\n' "$evil/one.tar" > "$TMP/one.ini"
printf '[g]\nworkload = fio /proc/kmsg\nfs = ext4\nexpect = intact\n' > "$TMP/kmsg-fio.ini"
mkdir -p "$TMP/kv" "$TMP/kr"
ln -s /proc/kmsg "$TMP/kr/results.json"  # a results folder from elsewhere
# a skopeo dir: folder whose version file links there (inspect hung)
mkdir -p "$TMP/ksk" && ln -s /proc/kmsg "$TMP/ksk/version" && echo '{}' > "$TMP/ksk/manifest.json"
for args in "run --list /proc/kmsg" "run --list $TMP/kmsg-image.ini" "run --list $TMP/pagemap.ini" \
	    "run -o $TMP/out-kmsg $TMP/kmsg-image.ini" "run --list $TMP/kmsg-known.ini" \
	    "run --list --known /proc/kmsg $TMP/one.ini" "run --list $TMP/kmsg-fio.ini" \
	    "manifest /proc/kmsg" "inspect /proc/kmsg" "unpack /proc/kmsg $TMP/kt" \
	    "verify /proc/kmsg $TMP/kv" "manifest layer:/proc/kmsg" \
	    "report $TMP/kr -o $TMP/kr-out" "compare $TMP/kr $TMP/kr" "inspect $TMP/ksk"; do
	rc=0
	# shellcheck disable=SC2086 # the words are the arguments
	timeout -k 2 10 "$POWERCUT" $args > /dev/null 2> "$TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/e"; fail "$args: exit $rc, expected 2"; }
	# (the skopeo dir: is one no longer, its version file unread)
	[ "$args" = "inspect $TMP/ksk" ] || grep -q "a file of the kernel's procfs" "$TMP/e" ||
		{ cat "$TMP/e"; fail "$args: the error does not say why"; }
done
[ ! -e "$TMP/out-kmsg" ] || fail "a refused image left a results folder"
assert_no_leftovers

evil_run ok 0 "$evil/symlink-abs-ok.tar"
grep -q 'usr/lib/libok.so' "$TMP/out-ok/cases/default_ext4_syncfs/manifest.txt" ||
	fail "symlink-abs-ok: usr/lib/libok.so not in the manifest"
[ ! -e /usr/lib/libok.so ] || fail "symlink-abs-ok wrote the host's /usr/lib/libok.so"
pass
