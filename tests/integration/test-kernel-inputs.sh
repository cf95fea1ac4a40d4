#!/usr/bin/env bash
# scripts/vm-run's inputs that must fail before any guest boots, and leave
# nothing of theirs behind:
# * an option without its value, a --disk that is not a size, or a
#   command whose -o lies outside --results: usage errors (exit 2), not a
#   shell message (exit 1) or a failure after the kernel was fetched
#   (exit 3);
# * --kernel/--modules with a modules folder that has no modules.dep (or a
#   stale one, listing a removed dm-flakey or 9p): the
#   folder is the user's, so depmod's files must not land in it (vm-run
#   works on a tree of links); the kernel lacks the guest's modules: exit 3
#   saying which;
# * --kernel without --modules (everything built in): an initramfs that
#   loads no module; a guest whose kernel lacks 9p: exit 3 naming the
#   CONFIG_ options, from vm-run and in qualify's column (spec BZIMAGE);
#   a .deb with boot/vmlinuz-REL and no modules is such a kernel;
# * --modules of .ko.gz files (kmod without zlib cannot read them): they
#   boot, unpacked in vm-run's tree, and their release is checked too;
# * a kernel without FUSE or loop devices: exit 3 naming CONFIG_FUSE_FS or
#   CONFIG_BLK_DEV_LOOP and the module;
# * --kernel that is not a bzImage, or --modules built for another release:
#   exit 3 saying so, before a guest boots into a modules-less initramfs;
# * --kernel-deb (and qualify's FILE.deb spec): unpacked and checked the same
#   way, lib/modules or usr/lib/modules; a package with no kernel, modules
#   only, two kernels, a link out of the package, or a file that is not a
#   .deb: exit 3 saying which, nothing left in TMPDIR;
# * a results folder others can write to: a usage error (exit 2), nothing
#   written in it; one of the user who ran sudo is taken, in the guest too;
# * powercut's --workdir on the host's root, which the guest sees read-only:
#   a usage error (exit 2);
# * a file the command names in /tmp, /run or /var/tmp, which the guest
#   mounts its own of: a usage error (exit 2), unless it lies in the shared
#   working or results folder;
# * the same for the files a `powercut run` scenario reads (images, fio job
#   files, known-failures files, --known=FILE), which vm-run asks powercut
#   for (run --list-inputs), links into /tmp and a name with a blank
#   included; a scenario the host's powercut refuses: exit 2, no boot;
#   a scenario's warning said once (the guest's), not also by the host's
#   check;
# * a hung guest (a fake qemu): killed at --timeout, and also when vm-run
#   itself is SIGKILLed;
# * --debian-version naming a meta-package (linux-image-6.12-amd64 holds no
#   kernel, it depends on one): exit 3 naming the package to give, nothing
#   half-unpacked left in the cache, and qualify reports it in the column;
# * interrupted while building the initramfs, or a download that fails:
#   nothing half-made left in TMPDIR or the cache.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image

# Usage errors (exit 2, saying what is wrong) before anything is fetched.
usage_error() { # MESSAGE ARGS...
	local want=$1 rc=0
	shift
	scripts/vm-run "$@" >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/out"; fail "vm-run $* exited $rc, expected 2"; }
	grep -qF -- "vm-run: $want" "$TMP/out" || { cat "$TMP/out"; fail "vm-run $*: no '$want'"; }
}
usage_error '--kernel needs a value' --kernel
usage_error '--debian-version needs a value' --debian-version '' -- true
usage_error '--results needs a value' --debian-kernel --results
usage_error "--disk 'abc': expected a size such as 8G" --debian-kernel --disk abc -- true
usage_error "--disk '0': expected a size such as 8G" --debian-kernel --disk 0 -- true
# Output outside --results would vanish with the guest (/var/tmp is its
# scratch disk) or be refused by the read-only host root.
usage_error "the command writes to /var/tmp/elsewhere, outside --results $TMP/r0" \
	--debian-kernel --results "$TMP/r0" -- ./powercut run x.ini -o /var/tmp/elsewhere
# A results folder others can write to (or one below such a folder): root
# writes vm-console.log there, where they could plant a symlink to any file.
mkdir -m 0777 "$TMP/open"
usage_error "results folder $TMP/open: others can write to it" --debian-kernel --results "$TMP/open" -- true
usage_error "results folder $TMP/open/r: $TMP/open is writable by others (mode 0777) and not sticky" \
	--debian-kernel -- ./powercut run x.ini -o "$TMP/open/r"
[ -z "$(ls -A "$TMP/open")" ] || fail "vm-run wrote into a results folder others can write to"

# A file vm-run reads as a bzImage of release 6.1.0-fake (lib.sh).
bz=$TMP/bzImage
fake_bzimage "$bz"
mods=$TMP/modules
mkdir -p "$mods/kernel"
: >"$mods/modules.order"
before=$(cd "$mods" && find . | sort)
rc=0
scripts/vm-run --kernel "$bz" --modules "$mods" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a kernel lacking its modules exited $rc, expected 3"; }
grep -q 'kernel 6.1.0-fake has no module virtio_pci' "$TMP/out" || { cat "$TMP/out"; fail "the missing module is not named"; }
# A folder without modules.builtin cannot say the module is built in: said.
grep -q "has no module virtio_pci (needed for the guest's root and disk) and its modules folder has no modules.builtin" \
	"$TMP/out" || { cat "$TMP/out"; fail "the missing modules.builtin is not said"; }
[ "$(cd "$mods" && find . | sort)" = "$before" ] ||
	fail "vm-run wrote into the user's modules folder: $(cd "$mods" && find . | sort | tr '\n' ' ')"
! pgrep -f "qemu-system.*$TMP/" >/dev/null || fail "a qemu is left"

# --kernel-deb: the package is unpacked and checked like --kernel/--modules
# (the same missing module named), in vm-run's scratch, gone afterwards.
mkdeb() { # DIR NAME: a .deb of DIR's tree
	mkdir -p "$1/DEBIAN"
	printf 'Package: %s\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: t\n' "$2" >"$1/DEBIAN/control"
	dpkg-deb -b -Znone "$1" "$TMP/$2.deb" >/dev/null || fail "dpkg-deb -b $2"
}
deb_error() { # RC MESSAGE-REGEX DEB
	local rc=0
	TMPDIR=$TMP/debtmp scripts/vm-run --kernel-deb "$3" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" -eq "$1" ] || { cat "$TMP/out"; fail "vm-run --kernel-deb $3 exited $rc, expected $1"; }
	grep -Eq "$2" "$TMP/out" || { cat "$TMP/out"; fail "vm-run --kernel-deb $3 did not say: $2"; }
	[ -z "$(ls -A "$TMP/debtmp")" ] || fail "vm-run --kernel-deb left $(ls "$TMP/debtmp") in TMPDIR"
}
mkdir -p "$TMP/debtmp" "$TMP/d1/boot" "$TMP/d1/lib/modules/6.1.0-fake/kernel"
cp "$bz" "$TMP/d1/boot/vmlinuz-6.1.0-fake"
mkdeb "$TMP/d1" linux-image-6.1.0-fake
deb_error 3 'kernel 6.1.0-fake has no module virtio_pci' "$TMP/linux-image-6.1.0-fake.deb"
# Merged /usr: the modules in usr/lib/modules.
mkdir -p "$TMP/d2/boot" "$TMP/d2/usr/lib/modules/6.1.0-fake/kernel"
cp "$bz" "$TMP/d2/boot/vmlinuz-6.1.0-fake"
mkdeb "$TMP/d2" linux-image-usr
deb_error 3 'kernel 6.1.0-fake has no module virtio_pci' "$TMP/linux-image-usr.deb"
# Not a kernel package, modules without a kernel, two kernels, not a .deb,
# a link out of the package.
mkdir -p "$TMP/d3/usr/share/doc/x"
mkdeb "$TMP/d3" linux-headers-x
deb_error 3 'holds no kernel \(no lib/modules/REL' "$TMP/linux-headers-x.deb"
mkdir -p "$TMP/d4/lib/modules/6.1.0-fake/kernel"
mkdeb "$TMP/d4" linux-modules-only
deb_error 3 'has modules for 6.1.0-fake but no boot/vmlinuz-6.1.0-fake' "$TMP/linux-modules-only.deb"
mkdir -p "$TMP/d5/boot" "$TMP/d5/lib/modules/6.1.0-a" "$TMP/d5/lib/modules/6.1.0-b"
mkdeb "$TMP/d5" linux-two
deb_error 3 'holds modules of several kernels \(6.1.0-a 6.1.0-b\)' "$TMP/linux-two.deb"
deb_error 3 'dpkg-deb could not unpack it' "$bz"
deb_error 3 'no such file' "$TMP/nonexistent.deb"
mkdir -p "$TMP/d6/boot" "$TMP/d6/lib/modules"
ln -s "$mods" "$TMP/d6/lib/modules/6.1.0-fake"
cp "$bz" "$TMP/d6/boot/vmlinuz-6.1.0-fake"
mkdeb "$TMP/d6" linux-link
deb_error 3 'is a link out of the package' "$TMP/linux-link.deb"
usage_error "--debian-kernel/--debian-version, --kernel/--modules and --kernel-deb exclude each other" \
	--kernel-deb "$TMP/linux-two.deb" --debian-kernel -- true
# The scenarios below run with $TMP as the working folder, which the guest
# sees: their image is copied there (the project may be in the host's /tmp,
# which the guest does not see, and vm-run refuses such a file).
cp "$TOP/images/sample/layer3.tar.zst" "$TMP/layer3.tar.zst"
# qualify takes a .deb as a kernel SPEC; its column names the package.
printf '[global]\nimage = %s\nmodes = syncfs\n[k]\nfs = ext4\n' "$TMP/layer3.tar.zst" >"$TMP/kdeb.ini"
rc=0
(cd "$TMP" && TMPDIR=$TMP/debtmp "$TOP/scripts/qualify" --kernel "$TMP/linux-image-6.1.0-fake.deb" kdeb.ini -o qdeb) >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "qualify with a kernel .deb that cannot boot exited $rc, expected 3"; }
[ "$(jq -r '.kernels[0].column' "$TMP/qdeb/qualify.json")" = deb-linux-image-6.1.0-fake ] ||
	{ jq . "$TMP/qdeb/qualify.json"; fail "qualify: the .deb's column is not named after its package"; }
grep -q "^- deb-linux-image-6.1.0-fake: .*error: vm-run exited 3: kernel 6.1.0-fake has no module virtio_pci" "$TMP/qdeb/qualify.md" ||
	{ cat "$TMP/qdeb/qualify.md"; fail "qualify: the .deb's column does not say why it did not run"; }

# A kernel of Debian's cloud flavour (built without 9p): the error says
# which flavour to give instead.
fake_bzimage "$TMP/bzcloud" 6.1.0-9-cloud-amd64
rc=0
scripts/vm-run --kernel "$TMP/bzcloud" --modules "$mods" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a cloud kernel exited $rc, expected 3"; }
grep -q "no module virtio_pci (needed for the guest's root and disk).*; Debian's cloud flavour is built without 9p: give 6.1.0-9-amd64 instead\$" \
	"$TMP/out" || { cat "$TMP/out"; fail "the cloud flavour is not said"; }

# A kernel with everything built in (CONFIG_MODULES unset): --kernel
# without --modules boots it with an initramfs that loads no module (it
# used to be a usage error).  The stand-in qemu checks that initramfs and
# plays the guest: one whose kernel lacks 9p (its /init's error, which
# vm-run must give as the reason, exit 3), then one that runs the command.
gq=$TMP/guestbin
mkdir -p "$gq"
cat >"$gq/qemu-system-x86_64" <<'QEMU'
#!/bin/bash
log= initrd= job=
while [ $# -gt 0 ]; do
	case $1 in
	-initrd) initrd=$2; shift ;;
	-chardev) log=${2#*logfile=}; log=${log%%,*} ;;
	-virtfs) case $2 in *mount_tag=pcjob*) job=${2#*path=}; job=${job%%,*} ;; esac ;;
	esac
	shift
done
list=$(gzip -dc "$initrd" | cpio -it --quiet)
grep -qx init <<<"$list" && grep -qx modules/order <<<"$list" || { echo "initramfs without init" >>"$log"; exit 1; }
if grep -q '^modules/.*\.ko$' <<<"$list"; then echo "initramfs with modules" >>"$log"; exit 1; fi
. "$job/env"
case $GUEST in
run)	# The guest's command, run here with what the guest's environment
	# holds (nothing of vm-run's: the guest's init starts it).
	# Its console on standard output and in the log, as qemu's
	# -chardev stdio,logfile=.
	env -i bash "$job/cmd" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	echo "powercut-vm-exit:$PCVM_NONCE:$rc" >>"$log" ;;
no9p) echo "powercut-vm: error: the kernel has no 9p filesystem (CONFIG_9P_FS, CONFIG_NET_9P_VIRTIO, built in or as modules), needed for the guest's root" >>"$log"
	echo "powercut-vm: exit status unknown" >>"$log" ;;
*) echo "powercut-vm-exit:$PCVM_NONCE:0" >>"$log" ;;
esac
QEMU
chmod +x "$gq/qemu-system-x86_64"
builtin_vm() { # GUEST ARGS...: vm-run with the stand-in guest GUEST
	local guest=$1
	shift
	rc=0
	GUEST=$guest PATH=$gq:$PATH TMPDIR=$TMP scripts/vm-run "$@" --accel tcg -- true >"$TMP/out" 2>&1 || rc=$?
}
builtin_vm ok --kernel "$bz" --results "$TMP/r8"
[ "$rc" -eq 0 ] || { cat "$TMP/out"; fail "vm-run --kernel without --modules exited $rc, expected 0"; }
grep -q '^vm-run: no --modules: kernel 6.1.0-fake must have everything built in' "$TMP/out" ||
	{ cat "$TMP/out"; fail "vm-run --kernel without --modules did not say it loads no module"; }
builtin_vm no9p --kernel "$bz" --results "$TMP/r8"
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a kernel without 9p exited $rc, expected 3"; }
grep -q "^vm-run: the guest could not run the command under kernel 6.1.0-fake: the kernel has no 9p filesystem (CONFIG_9P_FS, CONFIG_NET_9P_VIRTIO," \
	"$TMP/out" || { cat "$TMP/out"; fail "the missing 9p is not given as the reason"; }
grep -q "needed for the guest's root; no --modules was given, so no module was loaded; see " "$TMP/out" ||
	{ cat "$TMP/out"; fail "vm-run does not say that no module was loaded"; }
# Paths holding a comma or a blank (results folder, working folder,
# TMPDIR): qemu splits an option's value at ',' (',,' is a literal one),
# and refused vm-run's own command line ("Invalid parameter 'b/vm-console.log'"),
# which vm-run gave as "the guest stopped without reporting the command's
# exit status" (exit 3).  This stand-in qemu reads -chardev, -drive and
# -virtfs as qemu does: a key it does not know, or a path that is not
# there, is its error; then the guest runs the command.
cq=$TMP/commabin
mkdir -p "$cq"
cat >"$cq/qemu-system-x86_64" <<'QEMU'
#!/bin/bash
declare -A known=([id]=1 [logfile]=1 [signal]=1 [file]=1 [if]=1 [format]=1 [cache]=1
	[path]=1 [mount_tag]=1 [security_model]=1 [readonly]=1 [multidevs]=1)
log= job=
opts() { # VALUE: each key=value, ',,' a literal ','
	local v=${1//,,/$'\001'} kv k
	local IFS=,
	for kv in $v; do
		kv=${kv//$'\001'/,}
		k=${kv%%=*}
		case $k in stdio|local) continue ;; esac
		[ -n "${known[$k]:-}" ] && [ "$k" != "$kv" ] || { echo "qemu: Invalid parameter '$k'" >&2; exit 1; }
		case $k in
		logfile) log=${kv#*=}; [ -d "$(dirname "$log")" ] || { echo "qemu: no folder for $log" >&2; exit 1; } ;;
		file|path) [ -e "${kv#*=}" ] || { echo "qemu: no ${kv#*=}" >&2; exit 1; }
			[ "$k" = path ] && [ "${1#*mount_tag=pcjob}" != "$1" ] && job=${kv#*=} ;;
		esac
	done
}
while [ $# -gt 0 ]; do
	case $1 in -chardev|-drive|-virtfs) opts "$2"; shift ;; esac
	shift
done
. "$job/env"
env -i bash "$job/cmd" 2>&1 | tee -a "$log"
echo "powercut-vm-exit:$PCVM_NONCE:${PIPESTATUS[0]}" >>"$log"
QEMU
chmod +x "$cq/qemu-system-x86_64"
mkdir -p "$TMP/a,b c" "$TMP/tmp,d e"
rc=0
(cd "$TMP/a,b c" && PATH=$cq:$PATH TMPDIR="$TMP/tmp,d e" "$TOP/scripts/vm-run" --kernel "$bz" \
	--results "$TMP/r,9 x" --accel tcg -- bash -c 'echo ran in "$PWD"; exit 7') >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 7 ] || { cat "$TMP/out"; fail "vm-run with a comma in its folders exited $rc, expected the command's 7"; }
grep -qF "ran in $TMP/a,b c" "$TMP/out" || { cat "$TMP/out"; fail "the command did not run in the working folder with a comma"; }
[ -s "$TMP/r,9 x/vm-console.log" ] || fail "no console log in the results folder with a comma"
[ -z "$(ls -A "$TMP/tmp,d e")" ] || fail "vm-run left $(ls -A "$TMP/tmp,d e") in its TMPDIR"
# The same from qualify: the spec BZIMAGE alone, its column says why.
# powercut and the image copied into the working folder: vm-run refuses a
# command or a scenario naming a file in the host's /tmp outside it (the
# guest mounts its own), and a clone of the project may well be in /tmp.
printf '[global]\nimage = %s\nmodes = syncfs\n[k]\nfs = ext4\n' "$TMP/layer3.tar.zst" >"$TMP/kb.ini"
rc=0
cp "$POWERCUT" "$TMP/powercut"
(cd "$TMP" && GUEST=no9p PATH=$gq:$PATH TMPDIR=$TMP POWERCUT=$TMP/powercut "$TOP/scripts/qualify" \
	--kernel "$bz" kb.ini -o qb) >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "qualify with a built-in kernel without 9p exited $rc, expected 3"; }
grep -q "^- custom-1: $bz, did not boot: vm-run exited 3: the guest could not run the command under kernel 6.1.0-fake: the kernel has no 9p" \
	"$TMP/qb/qualify.md" || { cat "$TMP/qb/qualify.md"; fail "qualify: the built-in kernel's column does not say why it did not run"; }
# A kernel whose path holds ':' (qualify's BZIMAGE:MODULES separator): it
# was split at the first ':' and refused, "no kernel image at '.../k'",
# alone or with its modules folder.  A spec that is a file is BZIMAGE
# alone; else the split leaves a file before the ':' and a folder after.
mkdir -p "$TMP/k:1"
cp "$bz" "$TMP/k:1/bzImage"
rc=0
(cd "$TMP" && GUEST=no9p PATH=$gq:$PATH TMPDIR=$TMP POWERCUT=$TMP/powercut "$TOP/scripts/qualify" \
	--kernel "$TMP/k:1/bzImage" --kernel "$TMP/k:1/bzImage:$mods" kb.ini -o qc) >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "qualify with kernels under a folder with ':' exited $rc, expected 3"; }
grep -qF -- "- custom-1: $TMP/k:1/bzImage, did not boot: vm-run exited 3: the guest could not run the command under kernel 6.1.0-fake: the kernel has no 9p" \
	"$TMP/qc/qualify.md" || { cat "$TMP/out" "$TMP/qc/qualify.md"; fail "qualify: the kernel under a folder with ':' did not go to vm-run alone"; }
grep -qF -- "- custom-2: $TMP/k:1/bzImage:$mods, error: vm-run exited 3: kernel 6.1.0-fake has no module virtio_pci" \
	"$TMP/qc/qualify.md" || { cat "$TMP/out" "$TMP/qc/qualify.md"; fail "qualify: the kernel under a folder with ':' did not go to vm-run with its modules"; }
# A results folder of the user who ran sudo: vm-run accepts it on the host
# (SUDO_UID), so the guest's powercut must too.  The guest did not know
# that user, and refused the folder vm-run had accepted (exit 2, "others
# can write to it (owner uid 4242").
printf '[global]\nimage = %s\nbackend = fuse\nmodes = syncfs\n[k]\nfs = ext4\n' \
	"$TMP/layer3.tar.zst" >"$TMP/su.ini"
mkdir -m 755 "$TMP/su"
chown 4242:4242 "$TMP/su"
rc=0
(cd "$TMP" && GUEST=run SUDO_UID=4242 PATH=$gq:$PATH TMPDIR=$TMP "$TOP/scripts/vm-run" --kernel "$bz" \
	--accel tcg -- "$TMP/powercut" run su.ini -o "$TMP/su") >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/out" "$TMP/su/vm-console.log"; fail "vm-run into a folder of the sudo user exited $rc, expected 0"; }
[ "$(case_field "$TMP/su" k/ext4/syncfs .verdict)" = pass ] || fail "the guest's run into the sudo user's folder did not pass"
# A scenario's warning is said once, by the guest's powercut (on the
# console and in the console log); vm-run's check of the scenario on the
# host (run --list-inputs, before the boot) said it a second time.
printf '[global]\nimage = %s\nmodes = syncfs\n[w]\nfs = ext4\nexpect_none = loss\n' \
	"$TMP/layer3.tar.zst" >"$TMP/warn.ini"
rc=0
(cd "$TMP" && GUEST=run PATH=$gq:$PATH TMPDIR=$TMP "$TOP/scripts/vm-run" --kernel "$bz" \
	--accel tcg --results "$TMP/wr" -- "$TMP/powercut" run --list warn.ini) >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/out"; fail "vm-run of powercut run --list exited $rc, expected 0"; }
w='expect_none: \[w\] does not run mode none'
[ "$(grep -c "$w" "$TMP/out")" -eq 1 ] ||
	{ cat "$TMP/out"; fail "the scenario's warning is not said exactly once"; }
grep -q "$w" "$TMP/wr/vm-console.log" || fail "the guest's warning is not in the console log"
# make bindeb-pkg's package of such a kernel: boot/vmlinuz-REL, no
# lib/modules (it used to be refused as holding no kernel).
mkdir -p "$TMP/d7/boot"
cp "$bz" "$TMP/d7/boot/vmlinuz-6.1.0-fake"
mkdeb "$TMP/d7" linux-image-builtin
builtin_vm ok --kernel-deb "$TMP/linux-image-builtin.deb" --results "$TMP/r8"
[ "$rc" -eq 0 ] || { cat "$TMP/out"; fail "vm-run --kernel-deb of a kernel without modules exited $rc, expected 0"; }
[ -z "$(ls -d "$TMP"/vm-run.* 2>/dev/null)" ] || fail "vm-run left $(ls -d "$TMP"/vm-run.*)"

# Not a bzImage (it used to reach depmod with an empty release).
rc=0
scripts/vm-run --kernel /etc/passwd --modules "$mods" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run --kernel /etc/passwd exited $rc, expected 3"; }
grep -q '^vm-run: /etc/passwd does not look like a bzImage$' "$TMP/out" || { cat "$TMP/out"; fail "no 'not a bzImage'"; }
# An arm64 kernel Image ("ARM\x64" at 0x38) is named as one (it was "does
# not look like a bzImage", which did not say why).
head -c 4096 /dev/zero >"$TMP/Image"
printf 'ARMd' | dd of="$TMP/Image" bs=1 seek=56 conv=notrunc status=none
rc=0
scripts/vm-run --kernel "$TMP/Image" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run --kernel of an arm64 Image exited $rc, expected 3"; }
grep -qF "vm-run: $TMP/Image: arm64 kernel Image: powercut's VM runner boots x86-64 only" "$TMP/out" ||
	{ cat "$TMP/out"; fail "the arm64 Image is not named as one"; }
# A kernel cut short (a partial copy or download): its setup header says
# how long the image is.  It booted, the guest died in a second with
# nothing on the console, and vm-run said only that the guest stopped
# without an exit status.  Refused before anything is built or boots (the
# stand-in qemu would say it ran), in a folder whose name holds a blank.
mkdir -p "$TMP/k dir"
cp "$bz" "$TMP/k dir/vmlinuz"
printf '\000\004\000\000' | dd of="$TMP/k dir/vmlinuz" bs=1 seek=500 conv=notrunc status=none
rc=0
builtin_vm run --kernel "$TMP/k dir/vmlinuz" --results "$TMP/r10"
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a truncated kernel exited $rc, expected 3"; }
grep -qF "vm-run: $TMP/k dir/vmlinuz is cut short: its setup header says the image is 18944 bytes, the file has 4096" "$TMP/out" ||
	{ cat "$TMP/out"; fail "no 'cut short' for a truncated kernel"; }
! grep -q 'powercut-vm-exit' "$TMP/r10/vm-console.log" 2>/dev/null || fail "the truncated kernel was booted"
[ -z "$(ls -d "$TMP"/vm-run.* 2>/dev/null)" ] || fail "vm-run left $(ls -d "$TMP"/vm-run.*)"

# A 32-bit x86 kernel (boot protocol 2.15, xloadflags without
# XLF_KERNEL_64): a bzImage whose modules are its own, so it booted, and
# panicked at once: the host's 64-bit busybox is the guest's /init.
# Refused before the boot; the same header with the bit set boots.
cp "$bz" "$TMP/k dir/vmlinuz32"
printf '\017\002' | dd of="$TMP/k dir/vmlinuz32" bs=1 seek=518 conv=notrunc status=none
builtin_vm run --kernel "$TMP/k dir/vmlinuz32" --results "$TMP/r11"
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a 32-bit kernel exited $rc, expected 3"; }
grep -qF "vm-run: $TMP/k dir/vmlinuz32 is a 32-bit kernel (its setup header lacks XLF_KERNEL_64)" "$TMP/out" ||
	{ cat "$TMP/out"; fail "no '32-bit kernel' said"; }
! grep -q 'powercut-vm-exit' "$TMP/r11/vm-console.log" 2>/dev/null || fail "the 32-bit kernel was booted"
printf '\001' | dd of="$TMP/k dir/vmlinuz32" bs=1 seek=566 conv=notrunc status=none
builtin_vm run --kernel "$TMP/k dir/vmlinuz32" --results "$TMP/r11"
[ "$rc" -eq 0 ] || { cat "$TMP/out"; fail "vm-run with a 64-bit kernel of protocol 2.15 exited $rc, expected 0"; }
[ -z "$(ls -d "$TMP"/vm-run.* 2>/dev/null)" ] || fail "vm-run left $(ls -d "$TMP"/vm-run.*)"

# Modules of another release (a module whose vermagic says so): they would
# not load in the guest, which then stopped without its shares.
printf 'vermagic=6.1.0-other SMP mod_unload \000' >"$TMP/modinfo"
objcopy -I binary -O elf64-x86-64 --rename-section .data=.modinfo "$TMP/modinfo" "$mods/kernel/other.ko"
rc=0
scripts/vm-run --kernel "$bz" --modules "$mods" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with modules of another release exited $rc, expected 3"; }
grep -q "holds modules for kernel 6.1.0-other (.*other.ko), but $bz is 6.1.0-fake\$" "$TMP/out" ||
	{ cat "$TMP/out"; fail "the release mismatch is not said"; }
! pgrep -f "qemu-system.*$TMP/" >/dev/null || fail "a qemu is left"

# A qemu that never ends (a hung guest), with modules vm-run can list:
# * at --timeout vm-run stops it: exit 3, saying so, no qemu left;
# * vm-run SIGKILLed (a CI job's hard stop): the qemu still dies, 20 s after
#   the deadline (it used to run on with nobody to stop it).
fake=$TMP/fakebin fmods=$TMP/fakemods
mkdir -p "$fake" "$fmods/kernel"
printf '#!/bin/sh\necho $$ >"%s/qemu.pid"\nexec sleep 600\n' "$TMP" >"$fake/qemu-system-x86_64"
chmod +x "$fake/qemu-system-x86_64"
for m in virtio_pci virtio_blk 9pnet_virtio 9p; do
	printf 'name=%s\000vermagic=6.1.0-fake SMP\000' "$m" >"$TMP/modinfo"
	objcopy -I binary -O elf64-x86-64 --rename-section .data=.modinfo "$TMP/modinfo" "$fmods/kernel/$m.ko"
done
hung_vm() { # TIMEOUT: vm-run in the background, its pid in $vm once qemu runs
	rm -f "$TMP/qemu.pid"
	PATH=$fake:$PATH TMPDIR=$TMP scripts/vm-run --kernel "$bz" --modules "$fmods" --accel tcg \
		--timeout "$1" --results "$TMP/r4" -- true >"$TMP/out" 2>&1 &
	vm=$!
	for _ in $(seq 100); do [ -s "$TMP/qemu.pid" ] && break; sleep 0.1; done
	[ -s "$TMP/qemu.pid" ] || { cat "$TMP/out"; fail "the fake qemu did not start"; }
}
gone_within() { # SECONDS: the fake qemu ends within them
	local pid n=0
	pid=$(cat "$TMP/qemu.pid")
	while kill -0 "$pid" 2>/dev/null; do
		[ "$n" -lt $(($1 * 10)) ] || { kill -9 "$pid"; fail "the qemu outlived vm-run by $1 s"; }
		sleep 0.1
		n=$((n + 1))
	done
}
# A scenario in /tmp: the guest mounts its own /tmp, and the run would not
# find it (it used to fail in the guest with 'No such file').  One in the
# working folder, or in the results folder, is seen: not refused.
printf '[x]\nfs = ext4\nimage = %s\nmodes = syncfs\n' "$TMP/layer3.tar.zst" >"$TMP/x.ini"
usage_error "$TMP/x.ini: the guest mounts its own /tmp (the host's is not seen there)" \
	--kernel "$bz" --modules "$fmods" --results "$TMP/r0" -- ./powercut run "$TMP/x.ini" -o "$TMP/r0"
mkdir -p "$TMP/r7"
# run from the project's folder: its image is the project's
printf '[x]\nfs = ext4\nimage = %s\nmodes = syncfs\n' "$TOP/images/sample/layer3.tar.zst" >"$TMP/r7/x.ini"
for where in "$TMP:x.ini" "$TOP:$TMP/r7/x.ini"; do
	(cd "${where%%:*}" && PATH=$fake:$PATH "$TOP/scripts/vm-run" --kernel "$bz" --modules "$fmods" \
		--accel tcg --timeout 1 --results "$TMP/r7" -- ./powercut run "${where#*:}") >"$TMP/out" 2>&1 || true
	grep -q 'timeout: the guest ran longer than 1s' "$TMP/out" ||
		{ cat "$TMP/out"; fail "${where#*:}, in the shared working or results folder, was refused"; }
done
# The files the scenario reads, in the host's /tmp outside the shared
# folders: the run failed in the guest, after the boot, with 'No such file
# or directory'.  vm-run asks the host's powercut for them (run
# --list-inputs) and refuses each one before the boot.
mkdir -p "$TMP/r9" "$TMP/in/jobs"
cp "$TOP/images/sample/layer3.tar.zst" "$TMP/in/layer3.tar.zst"
cp "$TOP/images/sample/layer3.tar.zst" "$TMP/in/la yer.tar.zst"
cp "$TOP/scenarios/jobs/randwrite-sync.fio" "$TMP/in/jobs/w.fio"
printf 'nothing* # no such case\n' >"$TMP/in/known.txt"
cp "$TMP/in/known.txt" "$TMP/r9/known.txt"
ln -s "$TMP/in/layer3.tar.zst" "$TMP/r9/link.tar.zst"
ln -s "$TMP/in/jobs/w.fio" "$TMP/r9/jl.fio"
ln -s "$TMP/in/known.txt" "$TMP/r9/kl.txt"
scen() { # NAME KEYS...: the scenario $TMP/r9/NAME.ini, in the shared results folder
	local f=$TMP/r9/$1.ini
	shift
	printf '[x]\nfs = ext4\nmodes = syncfs\n' >"$f"
	printf '%s\n' "$@" >>"$f"
}
scen img "image = $TMP/in/layer3.tar.zst"
scen sp "image = '$TMP/in/la yer.tar.zst'"
scen lnk "image = link.tar.zst"
scen fio "workload = fio $TMP/in/jobs/w.fio" "cut_at = end"
scen fl "workload = fio jl.fio" "cut_at = end"
scen kn "image = $TOP/images/sample/layer3.tar.zst" "known = $TMP/in/known.txt"
scen kl "image = $TOP/images/sample/layer3.tar.zst" "known = kl.txt"
scen ok "image = $TOP/images/sample/layer3.tar.zst" "known = known.txt"
for c in "img:image $TMP/in/layer3.tar.zst: the guest mounts its own /tmp" \
	"sp:image $TMP/in/la%20yer.tar.zst: the guest mounts its own /tmp" \
	"lnk:image $TMP/in/layer3.tar.zst: the guest mounts its own /tmp" \
	"fio:fio-job $TMP/in/jobs/w.fio: the guest mounts its own /tmp" \
	"fl:fio-job $TMP/in/jobs/w.fio: the guest mounts its own /tmp" \
	"kl:known $TMP/r9/kl.txt: the guest mounts its own /tmp" \
	"kn:known $TMP/in/known.txt: the guest mounts its own /tmp"; do
	usage_error "the run's ${c#*:}" --kernel "$bz" --modules "$fmods" --results "$TMP/r9" \
		-- ./powercut run "$TMP/r9/${c%%:*}.ini" -o "$TMP/r9/out"
done
# --known=FILE is no file name on the command line: powercut lists it.
usage_error "the run's known $TMP/in/known.txt: the guest mounts its own /tmp" \
	--kernel "$bz" --modules "$fmods" --results "$TMP/r9" \
	-- ./powercut run "$TMP/r9/ok.ini" --known="$TMP/in/known.txt" -o "$TMP/r9/out"
# A scenario the host's powercut refuses: the guest's would too.
scen bad "image = $TMP/r9/none.tar"
usage_error "./powercut run refused the command on the host (above)" \
	--kernel "$bz" --modules "$fmods" --results "$TMP/r9" -- ./powercut run "$TMP/r9/bad.ini"
grep -q "none.tar: No such file or directory" "$TMP/out" || { cat "$TMP/out"; fail "powercut's reason is not shown"; }
[ ! -e "$TMP/r9/vm-console.log" ] || fail "vm-run wrote its console log before refusing"
# Every file in a shared folder (the results folder, the host's root): it boots.
PATH=$fake:$PATH scripts/vm-run --kernel "$bz" --modules "$fmods" --accel tcg --timeout 1 \
	--results "$TMP/r9" -- ./powercut run "$TMP/r9/ok.ini" --known "$TMP/r9/known.txt" >"$TMP/out" 2>&1 || true
grep -q 'timeout: the guest ran longer than 1s' "$TMP/out" ||
	{ cat "$TMP/out"; fail "a scenario whose files the guest sees was refused"; }
# powercut's --workdir where the guest cannot write (the host's root is
# shared read-only, the working folder too): refused before the boot (the
# run stopped in the guest: 'make a work folder under DIR: Read-only file
# system', exit 3).  Under /var/tmp (the guest's scratch disk), /tmp or the
# results folder it boots.
for w in "/srv/pc --workdir=/srv/pc" "/srv/pc -w/srv/pc" "/srv/pc --workdir /srv/pc" "$TOP/wd -w $TOP/wd"; do
	# shellcheck disable=SC2086 # the option and its value as two words
	usage_error "--workdir ${w%% *}: the guest sees the host's root read-only" \
		--kernel "$bz" --modules "$fmods" --results "$TMP/r7" -- ./powercut run "$TMP/r7/x.ini" ${w#* }
done
for w in /var/tmp/pc "$TMP/r7/w"; do
	PATH=$fake:$PATH scripts/vm-run --kernel "$bz" --modules "$fmods" --accel tcg --timeout 1 \
		--results "$TMP/r7" -- ./powercut run "$TMP/r7/x.ini" --workdir "$w" >"$TMP/out" 2>&1 || true
	grep -q 'timeout: the guest ran longer than 1s' "$TMP/out" ||
		{ cat "$TMP/out"; fail "--workdir $w, which the guest can write, was refused"; }
done
# Modules built with CONFIG_MODULE_COMPRESS_GZIP, no modules.dep: kmod
# without zlib (Debian's) found none of them, and vm-run said the kernel
# had no virtio_pci.  They boot (the stand-in qemu runs, to its timeout),
# the user's folder is left as it was, and one of another release is still
# refused before anything boots.
# The same for xz and zstd (CONFIG_MODULE_COMPRESS_ZSTD): zstd skipped
# the links of vm-run's tree, and vm-run said "cannot copy module".
for z in gzip xz zstd; do
	gmods=$TMP/${z}mods
	mkdir -p "$gmods"
	cp -r "$fmods/kernel" "$gmods/"
	"$z" -q "$gmods"/kernel/*.ko
	rm -f "$gmods"/kernel/*.ko
	before=$(cd "$gmods" && find . | sort)
	rc=0
	PATH=$fake:$PATH TMPDIR=$TMP scripts/vm-run --kernel "$bz" --modules "$gmods" --accel tcg --timeout 1 \
		--results "$TMP/r9" -- true >"$TMP/out" 2>&1 || rc=$?
	grep -q 'timeout: the guest ran longer than 1s' "$TMP/out" ||
		{ cat "$TMP/out"; fail "vm-run with $z-compressed modules did not boot them (exit $rc)"; }
	[ "$(cd "$gmods" && find . | sort)" = "$before" ] || fail "vm-run changed the user's folder of $z-compressed modules"
done
mkdir -p "$TMP/gzother/kernel"
cp "$mods/kernel/other.ko" "$TMP/gzother/kernel/0other.ko" && gzip "$TMP/gzother/kernel/0other.ko"
rc=0
PATH=$fake:$PATH TMPDIR=$TMP scripts/vm-run --kernel "$bz" --modules "$TMP/gzother" --accel tcg --timeout 1 \
	--results "$TMP/r9" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] && grep -q "holds modules for kernel 6.1.0-other (.*0other.ko.gz), but $bz is 6.1.0-fake\$" "$TMP/out" ||
	{ cat "$TMP/out"; fail "a .ko.gz of another release is not refused (exit $rc)"; }
# A module modinfo cannot read (not an ELF): vm-run exited 1, the
# command's "failures", saying nothing (pipefail in its release check).
mkdir -p "$TMP/badmods/kernel"
echo garbage >"$TMP/badmods/kernel/a.ko"
rc=0
scripts/vm-run --kernel "$bz" --modules "$TMP/badmods" --results "$TMP/r9" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] && grep -q 'kernel 6.1.0-fake has no module virtio_pci' "$TMP/out" ||
	{ cat "$TMP/out"; fail "vm-run with a module modinfo cannot read exited $rc, expected 3 naming the missing module"; }
# A modules.dep that lists modules the folder no longer holds (dm-flakey
# or 9p removed after depmod ran): vm-run stopped with "cp: cannot stat
# .../vm-run.XXXXXX/modroot/...dm-flakey.ko" and "cannot copy module" of
# its own temporary path, even for a module the guest can do without.
# depmod runs afresh: a missing optional module is a note and the guest
# boots; a missing 9p is exit 3 naming it.  The user's folder is untouched.
for gone in dm-flakey:dm_flakey 9p:9p; do
	smods=$TMP/stale-${gone%%:*}/lib/modules/6.1.0-fake
	mkdir -p "$smods"
	cp -r "$fmods/kernel" "$smods/"
	printf 'name=dm_flakey\000vermagic=6.1.0-fake SMP\000' >"$TMP/modinfo"
	objcopy -I binary -O elf64-x86-64 --rename-section .data=.modinfo "$TMP/modinfo" "$smods/kernel/dm-flakey.ko"
	depmod -b "$TMP/stale-${gone%%:*}" 6.1.0-fake || fail "depmod of the fake modules"
	rm -f "$smods/kernel/${gone%%:*}.ko"
	before=$(cd "$smods" && find . | sort)
	rc=0
	PATH=$fake:$PATH TMPDIR=$TMP scripts/vm-run --kernel "$bz" --modules "$smods" --accel tcg --timeout 1 \
		--results "$TMP/r9" -- true >"$TMP/out" 2>&1 || rc=$?
	grep -q "note: $smods/modules.dep lists modules the folder does not hold (kernel/${gone%%:*}.ko)" "$TMP/out" ||
		{ cat "$TMP/out"; fail "the stale modules.dep (no ${gone%%:*}.ko) is not said"; }
	! grep -q 'cannot copy module' "$TMP/out" || { cat "$TMP/out"; fail "a module of a stale modules.dep was copied"; }
	if [ "${gone%%:*}" = 9p ]; then
		[ "$rc" -eq 3 ] && grep -q "kernel 6.1.0-fake has no module 9p (needed for the guest's root and disk)" "$TMP/out" ||
			{ cat "$TMP/out"; fail "no 9p.ko beside a stale modules.dep: exit $rc, not naming 9p"; }
	else
		grep -q "note: kernel 6.1.0-fake has no module dm_flakey" "$TMP/out" &&
			grep -q 'timeout: the guest ran longer than 1s' "$TMP/out" ||
			{ cat "$TMP/out"; fail "no dm-flakey.ko beside a stale modules.dep: the guest did not boot without it"; }
	fi
	[ "$(cd "$smods" && find . | sort)" = "$before" ] || fail "vm-run changed the user's folder with a stale modules.dep"
done
hung_vm 2
rc=0
wait "$vm" || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a hung guest exited $rc, expected 3"; }
grep -q 'timeout: the guest ran longer than 2s and was killed' "$TMP/out" || { cat "$TMP/out"; fail "no timeout message"; }
gone_within 2
# vm-run SIGKILLed: the guest dies at once (parent-death signals), not at
# its --timeout plus 20 s (80 s here)
hung_vm 60
kill -9 "$vm"
wait "$vm" 2>/dev/null || true
gone_within 5

# The SIGKILLed vm-run left its folder; the next vm-run removes it, but not
# a folder whose vm-run is alive, nor one whose files a process holds open
# (a qemu that outlived its vm-run).
killed=$(ls -d "$TMP"/vm-run.*)
[ -n "$killed" ] && [ -f "$killed/owner" ] || fail "the killed vm-run left no folder with its owner"
mkdir "$TMP/vm-run.live" "$TMP/vm-run.busy"
bash -c 'exec -a vm-run sleep 120' &
live=$!
echo "$live" >"$TMP/vm-run.live/owner"
: >"$TMP/vm-run.busy/scratch.img"
sleep 120 3<"$TMP/vm-run.busy/scratch.img" &
busy=$!
echo 999999999 >"$TMP/vm-run.busy/owner"
rc=0
TMPDIR=$TMP scripts/vm-run --kernel /etc/passwd --modules "$mods" --results "$TMP/r1" -- true >"$TMP/out" 2>&1 || rc=$?
kill "$live" "$busy"
wait "$live" "$busy" 2>/dev/null || true
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run --kernel /etc/passwd (sweep) exited $rc, expected 3"; }
[ ! -e "$killed" ] || fail "the killed vm-run's folder $killed is still there"
grep -qF "removed $killed, left by a vm-run" "$TMP/out" || { cat "$TMP/out"; fail "the sweep did not say what it removed"; }
[ -d "$TMP/vm-run.live" ] || fail "the folder of a live vm-run was removed"
[ -d "$TMP/vm-run.busy" ] || fail "a folder whose file is held open was removed"
[ "$(ls -d "$TMP"/vm-run.* | wc -l)" -eq 2 ] || fail "vm-run left its own folder: $(ls -d "$TMP"/vm-run.*)"

# Interrupted while it builds the initramfs (a cpio that takes its time):
# exit 143 (128+SIGTERM, as for any signal) and nothing of the build left in TMPDIR (the staging folder used
# to be a vm-initramfs.* of its own there, outside the run's folder).
mkdir -p "$TMP/t5" "$TMP/slowbin"
printf '#!/bin/sh\n: >"%s/cpio.started"\nsleep 3\nexec %s "$@"\n' "$TMP" "$(command -v cpio)" >"$TMP/slowbin/cpio"
chmod +x "$TMP/slowbin/cpio"
PATH=$TMP/slowbin:$PATH TMPDIR=$TMP/t5 scripts/vm-run --kernel "$bz" --modules "$fmods" \
	--results "$TMP/r5" -- true >"$TMP/out" 2>&1 &
vm=$!
for _ in $(seq 100); do [ -e "$TMP/cpio.started" ] && break; sleep 0.1; done
[ -e "$TMP/cpio.started" ] || { cat "$TMP/out"; fail "the initramfs build did not start"; }
kill -TERM "$vm"
rc=0
wait "$vm" || rc=$?
[ "$rc" -eq 143 ] || { cat "$TMP/out"; fail "vm-run interrupted in its initramfs build exited $rc, expected 143"; }
[ -z "$(ls -A "$TMP/t5")" ] || fail "an interrupted vm-run left $(ls -A "$TMP/t5") in TMPDIR"

# A download that fails (twice, the package lists updated between) leaves
# nothing half-made in the cache: no partial .deb, no empty folder.
mkdir -p "$TMP/aptbin"
printf '#!/bin/sh\nexit 0\n' >"$TMP/aptbin/apt-cache"
printf '#!/bin/sh\ncase " $* " in *" download "*) echo partial >half.deb; exit 100 ;; esac\nexit 0\n' \
	>"$TMP/aptbin/apt-get"
chmod +x "$TMP/aptbin/apt-cache" "$TMP/aptbin/apt-get"
rc=0
PATH=$TMP/aptbin:$PATH POWERCUT_VM_CACHE=$TMP/cache6 scripts/vm-run --debian-version 6.1.0-fake \
	--results "$TMP/r6" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run with a failing download exited $rc, expected 3"; }
grep -q '^vm-run: apt-get download linux-image-6.1.0-fake-amd64 failed$' "$TMP/out" ||
	{ cat "$TMP/out"; fail "the failed download is not said"; }
[ "$(ls -A "$TMP/cache6")" = lock ] || fail "a failed download left $(cd "$TMP/cache6" && find . | tr '\n' ' ') in the cache"
# --debian-version VERSION-amd64-unsigned is Debian's package of that name
# (it was looked up as linux-image-VERSION-amd64-unsigned-amd64, missing).
rc=0
PATH=$TMP/aptbin:$PATH POWERCUT_VM_CACHE=$TMP/cache6 scripts/vm-run --debian-version 6.1.0-fake-amd64-unsigned \
	--results "$TMP/r6" -- true >"$TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run --debian-version ...-unsigned exited $rc, expected 3"; }
grep -q '^vm-run: apt-get download linux-image-6.1.0-fake-amd64-unsigned failed$' "$TMP/out" ||
	{ cat "$TMP/out"; fail "--debian-version ...-amd64-unsigned: not the package linux-image-...-amd64-unsigned"; }

# A meta-package, when the archive apt knows has one.
meta=$(apt-cache search --names-only '^linux-image-[0-9]+\.[0-9]+-amd64$' 2>/dev/null | awk '{ print $1; exit }')
if [ -z "$meta" ]; then
	echo "note: apt knows no linux-image-X.Y-amd64 meta-package; that part is skipped"
else
	v=${meta#linux-image-}
	v=${v%-amd64}
	export POWERCUT_VM_CACHE=$TMP/cache
	rc=0
	scripts/vm-run --debian-version "$v" --results "$TMP/r2" -- true >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "vm-run --debian-version $v (a meta-package) exited $rc, expected 3"; }
	grep -q "^vm-run: kernel $v not available ($meta holds no kernel image and modules; it depends on linux-image-" \
		"$TMP/out" || { cat "$TMP/out"; fail "the meta-package is not said to hold no kernel"; }
	[ -z "$(ls -A "$TMP/cache" | grep -v '^lock$')" ] || fail "the cache keeps a half-made $(ls "$TMP/cache")"
	printf '[global]\nimage = %s\nmodes = syncfs\n[k]\nfs = ext4\n' "$TMP/layer3.tar.zst" >"$TMP/k.ini"
	rc=0
	# From $TMP: the guest sees the working folder (not the rest of /tmp).
	(cd "$TMP" && "$TOP/scripts/qualify" --kernel "debian:$v" k.ini -o q) >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "qualify with only a meta-package exited $rc, expected 3"; }
	[ "$(jq -r '.kernels[0].status' "$TMP/q/qualify.json")" = error ] || fail "qualify: the meta-package's status"
	grep -q "^| k/ext4/syncfs |  | not run (environment): vm-run: kernel $v not available" "$TMP/q/qualify.md" ||
		{ cat "$TMP/q/qualify.md"; fail "qualify: the column does not say the kernel is not available"; }
fi

# A kernel without FUSE or loop devices (a private /dev without the node,
# and no module in a private /sys/module, as a kernel without
# CONFIG_FUSE_FS or CONFIG_BLK_DEV_LOOP has it): the case is an environment
# error (exit 3) naming the option and module.  With the module there, the
# node is what is missing (a container not given it): said so.
printf '[global]\nimage = %s\nmodes = syncfs\nbackend = fuse\n[k]\nfs = ext4\n' \
	"$TOP/images/sample/layer3.tar.zst" >"$TMP/nodev.ini"
mkdir -p "$TMP/devhost"
for hide in fuse:nomod:'cannot open /dev/fuse (no FUSE: CONFIG_FUSE_FS, module fuse)' \
	loop-control:nomod:'cannot use /dev/loop-control (no loop devices: CONFIG_BLK_DEV_LOOP, module loop)' \
	fuse:mod:'cannot open /dev/fuse (the kernel has FUSE; this /dev lacks the node)' \
	loop-control:mod:'cannot use /dev/loop-control (the kernel has loop devices; this /dev lacks the node)'; do
	node=${hide%%:*} rest=${hide#*:}
	modules=${rest%%:*} want=${rest#*:}
	rc=0
	unshare -m --propagation private sh -c 'mount --bind /dev "$2" && mount -t tmpfs tmpfs /dev &&
		for n in null zero full random urandom tty kmsg fuse loop-control; do
			[ "$n" = "$1" ] || cp -a "$2/$n" /dev/ || exit 100
		done && { [ "$5" = mod ] || mount -t tmpfs tmpfs /sys/module; } &&
		exec ./powercut run "$3" -o "$4"' sh "$node" "$TMP/devhost" "$TMP/nodev.ini" \
		"$TMP/nodev-$node-$modules" "$modules" >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || { cat "$TMP/out"; fail "powercut without /dev/$node ($modules) exited $rc, expected 3"; }
	grep -qF -- "- k/ext4/syncfs: error (environment): backend fuse cannot work here: $want" "$TMP/out" ||
		{ cat "$TMP/out"; fail "powercut without /dev/$node ($modules) does not say why: $want"; }
done

assert_no_leftovers
echo "PASS $TEST_NAME"
