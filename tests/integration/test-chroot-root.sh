#!/usr/bin/env bash
# In a chroot whose root folder is not a mount point (debootstrap's, a
# build chroot), every case of `powercut run` failed at its mkfs with
# "mkfs.ext4: make the mounts private (running it isolated): Invalid
# argument", and the run went on to the next case: mount(2) cannot change
# the propagation of a root that is not a mount point, so no tool can be
# isolated there.  The commands that isolate (run, unpack, probe) now say
# so when they start, once, with the way out: exit 3, no case run, no
# results folder.  With the root bind-mounted on itself the same run passes.
source "$(dirname "$0")/lib.sh"
cd "$TMP"
command -v unshare > /dev/null || fail "unshare (util-linux) is not installed"

root="$TMP/root"
mkdir -p "$root"/{usr,etc,dev,proc,sys,run,tmp,var/tmp,pcwork} "$root$TOP"
for d in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/$d" ]; then
		ln -s "$(readlink "/$d")" "$root/$d"
	elif [ -d "/$d" ]; then
		mkdir "$root/$d"
	fi
done
cat > "$root/s.ini" <<INI
[global]
image = $TOP/images/sample/layer1.tar.gz
fs = ext4
modes = syncfs
device_size = 256M
INI

# Inside a private mount namespace (all its mounts go with it): the chroot
# sees the system folders, /dev, /sys, its own /proc and the repository.
# $1 = 1: bind the root folder on itself first (it is then a mount point).
in_chroot() {
	local bind_root=$1
	shift
	unshare --mount --propagation private -- bash -euc '
		root=$1 top=$2 bind_root=$3
		shift 3
		[ "$bind_root" = 0 ] || mount --bind "$root" "$root"
		for d in /usr /etc /bin /sbin /lib /lib32 /lib64 /libx32; do
			[ -d "$d" ] && [ ! -L "$d" ] && mount --rbind "$d" "$root$d"
		done
		mount --rbind /dev "$root/dev"
		mount --rbind /sys "$root/sys"
		mount -t proc proc "$root/proc"
		mount -t tmpfs tmpfs "$root/run"
		mount --bind "$top" "$root$top"
		exec chroot "$root" "$@"' x "$root" "$TOP" "$bind_root" "$@"
}

rc=0
in_chroot 0 "$POWERCUT" run --workdir /pcwork /s.ini -o /out > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "run in a chroot whose root is no mount point: exit $rc, expected 3"; }
grep -q "^powercut: run: / is not a mount point here (a chroot?).*mount --bind" "$TMP/e" ||
	{ cat "$TMP/e"; fail "run: the message does not say / is not a mount point"; }
[ "$(wc -l < "$TMP/e")" -eq 1 ] || { cat "$TMP/e"; fail "run: more than the one message"; }
[ ! -e "$root/out" ] || fail "run: a results folder was made"
[ -z "$(ls -A "$root/pcwork")" ] || { ls -la "$root/pcwork"; cat "$TMP/e"; fail "run: a work folder was made"; }

rc=0
in_chroot 0 "$POWERCUT" unpack "$TOP/images/sample/layer1.tar.gz" /unpacked -m /m > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/e"; fail "unpack in the chroot: exit $rc, expected 3"; }
grep -q "^powercut: unpack: / is not a mount point here" "$TMP/e" ||
	{ cat "$TMP/e"; fail "unpack: the message does not say / is not a mount point"; }
[ ! -e "$root/unpacked" ] && [ ! -e "$root/m" ] || fail "unpack: something was written"

# --list and --help act on nothing: they work there.
in_chroot 0 "$POWERCUT" run --list /s.ini > "$TMP/o" 2> "$TMP/e" ||
	{ cat "$TMP/e"; fail "run --list failed in the chroot"; }

# The way out the message gives: the root bind-mounted on itself.
sync
rc=0
in_chroot 1 "$POWERCUT" run --workdir /pcwork /s.ini -o /out > "$TMP/o" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/e"; fail "run in a chroot whose root is a mount point: exit $rc, expected 0"; }
[ "$(jq -r '.cases[0].outcome' "$root/out/results.json")" = pass ] || fail "the case did not pass there"
[ -z "$(ls -A "$root/pcwork")" ] || fail "a work folder was left"
assert_no_leftovers
pass
