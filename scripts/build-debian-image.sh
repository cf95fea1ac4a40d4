#!/usr/bin/env bash
# build-debian-image.sh - the realistic large test image, our stand-in for
# the seed's golang:1.19.4 (992 MiB): Debian bookworm as two layer tarballs,
#
#   layer1.tar.gz  debootstrap --variant=minbase (the base image)
#   layer2.tar.gz  a toolchain installed on top with apt-get in a chroot
#                  (gcc, g++, make, git, golang-go: Go 1.19, as in the seed)
#
# cached in images/cache/debian/ (not committed).  The second layer is the
# upper folder of an overlay mount over the first, converted to OCI form
# (whiteout devices -> .wh.NAME, opaque folders -> .wh..wh..opq), exactly
# what a container build produces.  Packages come from the Debian mirror in
# /etc/apt/sources.list(.d).  Needs root and network access to the mirror;
# takes minutes; never run by the tests.
#
#   scripts/build-debian-image.sh [--force] [--out DIR] [--packages "P ..."]
#
# Then: powercut inspect images/cache/debian/layer1.tar.gz images/cache/debian/layer2.tar.gz
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT="$TOP/images/cache/debian"
SUITE=bookworm
PACKAGES="gcc g++ make git golang-go ca-certificates"
FORCE=0

while [ $# -gt 0 ]; do
	case $1 in
	--force) FORCE=1 ;;
	--out) OUT=$2; shift ;;
	--packages) PACKAGES=$2; shift ;;
	-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-debian-image: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done

if [ "$FORCE" = 0 ] && [ -s "$OUT/layer1.tar.gz" ] && [ -s "$OUT/layer2.tar.gz" ]; then
	echo "build-debian-image: cached: $OUT/layer1.tar.gz $OUT/layer2.tar.gz (--force rebuilds)"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "build-debian-image: must run as root (debootstrap, chroot, mounts)" >&2; exit 3; }

# The mirror apt already uses.
mirror() {
	local m=""
	if [ -f /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
	fi
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }')
	fi
	echo "${m:-http://deb.debian.org/debian}"
}
MIRROR=$(mirror)

for tool in debootstrap setfattr getfattr; do
	if ! command -v "$tool" >/dev/null; then
		echo "build-debian-image: installing debootstrap and attr" >&2
		# A fresh machine (a container, CI) may have no package lists yet.
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			debootstrap attr >/dev/null
		break
	fi
done

WORK=$(mktemp -d /var/tmp/powercut-debian.XXXXXX)
MERGED="$WORK/merged"
mounts=()

cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mnt() { # mount ARGS... TARGET (remembered for cleanup)
	mount "$@"
	mounts+=("${@: -1}")
}

unmount_all() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}"
	done
	mounts=()
}

# A layer tarball of FOLDER, as image builders write it: numeric owners,
# xattrs (none of overlayfs' own), no sockets.
tar_layer() { # FOLDER OUT
	tar --numeric-owner --xattrs --xattrs-include='*' --xattrs-exclude='trusted.overlay.*' \
		--sort=name -C "$1" -czf "$2.tmp" . && mv "$2.tmp" "$2"
}

start=$SECONDS
echo "build-debian-image: debootstrap $SUITE (minbase) from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || {
	tail -20 "$WORK/debootstrap.log" >&2
	echo "build-debian-image: debootstrap failed" >&2
	exit 1
}
# What a base image does not ship.
rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
find "$WORK/rootfs/dev" "$WORK/rootfs/proc" "$WORK/rootfs/sys" -mindepth 1 -delete 2>/dev/null || true
mkdir -p "$OUT"
echo "build-debian-image: layer 1: $(du -sh "$WORK/rootfs" | cut -f1), $(find "$WORK/rootfs" | wc -l) entries"
tar_layer "$WORK/rootfs" "$OUT/layer1.tar.gz"

echo "build-debian-image: layer 2: apt-get install $PACKAGES"
mkdir -p "$WORK/upper" "$WORK/ovl-work" "$MERGED"
mnt -t overlay overlay -o "lowerdir=$WORK/rootfs,upperdir=$WORK/upper,workdir=$WORK/ovl-work" "$MERGED"
mnt -t proc proc "$MERGED/proc"
mnt --bind /dev "$MERGED/dev"
mnt -t sysfs sysfs "$MERGED/sys"
cp /etc/resolv.conf "$MERGED/etc/resolv.conf" 2>/dev/null || true
chroot "$MERGED" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
	sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $PACKAGES && apt-get clean" \
	> "$WORK/apt.log" 2>&1 || {
	tail -20 "$WORK/apt.log" >&2
	echo "build-debian-image: apt-get install failed" >&2
	exit 1
}
rm -rf "$MERGED/var/lib/apt/lists/"*
unmount_all

# overlayfs -> OCI: a 0:0 character device is a whiteout, an opaque folder
# carries trusted.overlay.opaque=y.
upper="$WORK/upper"
find "$upper/dev" "$upper/proc" "$upper/sys" -mindepth 1 -delete 2>/dev/null || true
while IFS= read -r -d '' f; do
	if [ "$(stat -c '%t:%T' "$f")" = 0:0 ]; then
		rm "$f"
		: > "$(dirname "$f")/.wh.$(basename "$f")"
	fi
done < <(find "$upper" -type c -print0)
while IFS= read -r -d '' d; do
	if [ "$(getfattr --only-values -n trusted.overlay.opaque "$d" 2>/dev/null)" = y ]; then
		: > "$d/.wh..wh..opq"
	fi
done < <(find "$upper" -type d -print0)
echo "build-debian-image: layer 2: $(du -sh "$upper" | cut -f1), $(find "$upper" | wc -l) entries," \
	"$(find "$upper" -name '.wh.*' | wc -l) whiteouts"
tar_layer "$upper" "$OUT/layer2.tar.gz"

ls -l "$OUT"/layer*.tar.gz
echo "build-debian-image: done in $((SECONDS - start)) s"
if [ -x "$TOP/powercut" ]; then
	"$TOP/powercut" inspect "$OUT/layer1.tar.gz" "$OUT/layer2.tar.gz" || true
fi
