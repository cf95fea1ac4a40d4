#!/usr/bin/env bash
# build-kernel.sh - build a kernel of our own with everything built in
# (no modules, no user namespaces), from Debian's linux-source-6.1, to
# qualify what a custom kernel does:
#
#   sudo scripts/build-kernel.sh [--out DIR] [--disable OPT]... [--enable OPT]...
#   sudo scripts/vm-run --kernel DIR/bzImage -- ./powercut run scenarios/dm-smoke.ini
#   sudo scripts/qualify --kernel DIR/bzImage --kernel debian:6.1.0-57 my.ini -o q
#
# The configuration is tinyconfig plus scripts/kernel-builtin.config;
# --disable/--enable OPT (without CONFIG_) change it after, e.g.
# --disable DM_LOG_WRITES to see how powercut names a missing feature.
# Installs linux-source-6.1 and the build tools with apt-get; the tree is
# unpacked into DIR/src (default /var/tmp/powercut-kernel).  About 8
# minutes on two idle cores; never run by the tests.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=/var/tmp/powercut-kernel
CHANGES=()
die() { echo "build-kernel: $*" >&2; exit "${2:-2}"; }

while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || die "--out needs a folder"; OUT=$2; shift ;;
	--disable|--enable)
		[ $# -ge 2 ] || die "$1 needs an option name"
		[[ $2 =~ ^[A-Z0-9_]+$ ]] || die "$1 '$2': expected a Kconfig name without CONFIG_, such as DM_LOG_WRITES"
		CHANGES+=("$1" "$2"); shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install)" 3

need=(linux-source-6.1 bc bison flex libelf-dev libssl-dev make gcc)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "build-kernel: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed" 3
fi
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.* after installing linux-source-6.1" 3

mkdir -p "$OUT"
src=$OUT/src
if [ ! -f "$src/Makefile" ]; then
	rm -rf "$src.tmp" && mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1 || die "cannot unpack $tarball into $src.tmp" 3
	mv "$src.tmp" "$src"
fi
cd "$src"
make -s tinyconfig
./scripts/kconfig/merge_config.sh -m .config "$TOP/scripts/kernel-builtin.config" >/dev/null
[ ${#CHANGES[@]} -eq 0 ] || ./scripts/config "${CHANGES[@]}"
make -s olddefconfig
# Every option the fragment asks for must have survived olddefconfig
# (a dependency it lacks drops it without a word).
lost=()
while IFS='=' read -r opt val; do
	[[ $opt == CONFIG_* ]] || continue
	want="$opt=$val"
	[ "$val" = n ] && want="# $opt is not set"
	for ((i = 0; i < ${#CHANGES[@]}; i += 2)); do
		[ "CONFIG_${CHANGES[i+1]}" = "$opt" ] && continue 2
	done
	grep -qxF "$want" .config || lost+=("$opt")
done < <(grep -v '^#' "$TOP/scripts/kernel-builtin.config")
[ ${#lost[@]} -eq 0 ] || die "the configuration lost ${lost[*]} (a dependency missing from kernel-builtin.config)" 3
make -j"$(nproc)" bzImage >"$OUT/build.log" 2>&1 || die "the build failed; see $OUT/build.log" 3
cp arch/x86/boot/bzImage "$OUT/bzImage"
cp .config "$OUT/config"
echo "$OUT/bzImage (kernel $(make -s kernelrelease), configuration in $OUT/config)"
