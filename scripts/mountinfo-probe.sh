#!/bin/sh
# mountinfo-probe.sh - what a kernel shows in /proc/self/mountinfo for each
# mount option the mount-option check (harness/fs/mountcheck.c) judges and
# for the defaults it leaves alone: one line "R|LABEL|OPTIONS|ok|SHOWN" (or
# "R|LABEL|OPTIONS|FAIL|kernel log") per mount, on a 512 MiB loop device,
# for ext4, xfs and btrfs made by default and made other ways.  Compare its
# output across kernels before adding to the check's tables (an entry must
# show alike on every kernel; tests/unit/mountcheck_seen.h keeps what 6.1,
# 6.12 and 6.18 showed).  Needs root, loop devices and the three mkfs; on
# another kernel, in a VM (one boot, a few minutes under TCG):
#
#   mkdir results/probe
#   sudo scripts/vm-run --debian-version 6.1.0-57 --results results/probe -- \
#       sh -c 'sh scripts/mountinfo-probe.sh > results/probe/6.1.txt'
#
# It leaves nothing behind: its image lives in a temporary folder under
# /var/tmp, its loop device is detached at the end.
set -u
W=$(mktemp -d /var/tmp/mountinfo-probe.XXXXXX) || exit 1
dev=
cleanup() {
	mountpoint -q "$W/m" 2>/dev/null && umount "$W/m"
	[ -n "$dev" ] && losetup -d "$dev"
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir "$W/m" && truncate -s 512M "$W/img" || exit 1
dev=$(losetup -f --show "$W/img") || exit 1
echo "kernel $(uname -r)"
echo "rotational $(cat "/sys/block/${dev#/dev/}/queue/rotational")" \
	"discard_max_bytes $(cat "/sys/block/${dev#/dev/}/queue/discard_max_bytes")"

show() { # label options
	if mount ${2:+-o "$2"} "$dev" "$W/m" 2>/dev/null; then
		echo "R|$1|$2|ok|$(awk -v m="$W/m" '$5 == m' /proc/self/mountinfo |
			sed 's/.* - [^ ]* [^ ]* //')"
		umount "$W/m" || exit 1
	else
		echo "R|$1|$2|FAIL|$(dmesg 2>/dev/null | tail -n 1)"
	fi
}
mkfs() { # fs [options...]
	fs=$1
	shift
	case $fs in
	ext4) mkfs.ext4 -F -q "$@" "$dev" ;;
	xfs) mkfs.xfs -f -q "$@" "$dev" >/dev/null 2>&1 ;;
	btrfs) mkfs.btrfs -f -q "$@" "$dev" >/dev/null 2>&1 ;;
	esac || { echo "mkfs.$fs $* failed" >&2; exit 1; }
}
each() { # label options...
	label=$1
	shift
	for o in "$@"; do
		show "$label" "$o"
	done
}

mkfs ext4
each ext4 "" nobarrier barrier=0 barrier=1 barrier auto_da_alloc=0 auto_da_alloc=1 \
	noauto_da_alloc dax dax=always dax=never dax=inode data=ordered data=journal \
	data=writeback nodelalloc delalloc journal_checksum nojournal_checksum \
	journal_async_commit,data=writeback discard nodiscard nombcache noinit_itable \
	init_itable noblock_validity block_validity nodioread_nolock dioread_nolock \
	dioread_lock no_prefetch_block_bitmaps inlinecrypt nobh bh i_version commit=60 \
	commit=5 errors=continue errors=remount-ro lazytime data=journal,dioread_nolock \
	grpid nogrpid max_batch_time=30000 min_batch_time=10 stripe=16 \
	mb_optimize_scan=0 mb_optimize_scan=1 init_itable=20
for mk in "-O ^metadata_csum" "-O ^has_journal" "-b 1024"; do
	# shellcheck disable=SC2086 # MK is several words on purpose
	mkfs ext4 $mk
	each "ext4 $mk" "" journal_checksum nojournal_checksum \
		nojournal_checksum,journal_async_commit,data=writeback nodioread_nolock \
		dioread_lock
done

mkfs xfs
each xfs "" wsync inode32 inode64 noalign swalloc largeio nolargeio nouuid discard \
	nodiscard grpid nogrpid filestreams logbsize=256k logbsize=32k logbufs=4 logbufs=8 \
	allocsize=1m allocsize=64k dax dax=always dax=never dax=inode ikeep noikeep attr2 \
	noattr2 lazytime noquota uquota gquota pquota
if mkfs xfs -m crc=0; then
	each "xfs -m crc=0" "" ikeep noikeep attr2 noattr2 inode32
fi

mkfs btrfs
each btrfs "" nobarrier notreelog nodatasum nodatacow flushoncommit ssd nossd ssd_spread \
	discard discard=sync discard=async nodiscard autodefrag degraded skip_balance noacl \
	enospc_debug user_subvol_rm_allowed compress compress=zlib compress=lzo compress=zstd \
	compress=zstd:20 compress-force compress-force=zstd compress=no space_cache=v2 \
	commit=60 commit=30 max_inline=2048 thread_pool=4 subvol=/
for o in "" space_cache space_cache=v1 nospace_cache space_cache=v2; do
	mkfs btrfs -R ^free-space-tree # each changes the free space cache for good
	each "btrfs -R ^free-space-tree" "$o"
done
# (the next attach of this loop device reads rotational from its file again)
if echo 0 >"/sys/block/${dev#/dev/}/queue/rotational"; then
	mkfs btrfs
	each "btrfs (non-rotational)" "" ssd nossd ssd_spread discard=async nodiscard
fi
