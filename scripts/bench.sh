#!/usr/bin/env bash
# The side-by-side benchmark (issue 9): in one run, on the same machine,
#
#  * baselines on a plain loop device of the same filesystem: the
#    decompression floor (gzip/zstd/xz -dc), GNU tar -xf of the layers (as
#    they are, and decompressed), `sync -f`, a serial and a 64-thread fsync
#    walker and an io_uring one (scripts/bench-walk.c, built here),
#    `find | xargs -P$(nproc) sha256sum` and a 16-thread read of every file
#    (the read floor), both on a cold cache;
#  * powercut's phases: a run with every durability mode, N repeats, plus
#    one with the layers decompressed;
#
# then prints every powercut figure as a ratio to its baseline (medians over
# the repeats) and the seed's table: per mode, time, write IOs, write bytes,
# flushes and what was lost after the cut.  Ratios, not absolute targets:
# the numbers depend on the machine, its load and the backend.
#
# Like with like: powercut's fuse device keeps its backing file in the page
# cache and never fdatasyncs it (a simulated cut needs no real durability),
# so a flush costs it almost nothing.  The baselines' loop device is backed
# by a file on tmpfs (--tmp, default /dev/shm when it has room), where a
# flush costs nothing either; on a disk-backed loop device every fsync
# would wait for the disk and the ratios would flatter powercut.  powercut
# runs with --workdir in the same place, so its backing files are not
# throttled by the host's writeback either.
#
#   sudo scripts/bench.sh [--quick] [--debian] [--fs "ext4 xfs btrfs"] [-r N] [-o DIR] [--tmp DIR]
#   scripts/bench.sh --summarize DIR      # only print the tables of a past run
#
#   --quick   the sample image, ext4, 1 repeat, modes none syncfs fsync
#             pfsync (a smoke test: tests/integration/test-bench.sh)
#   --debian  the ~1 GiB Debian image of scripts/build-debian-image.sh
#             (built first if not cached; needs the Debian mirror)
#   default   the sample image, ext4, 3 repeats, every mode
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD

quick="" debian="" fslist="" repeats="" out="" summarize_only="" imgdir=""
usage_error() { echo "bench: $* (see --help)" >&2; exit 2; }
# need OPTION "$@": the option's value is there and not empty.
need() { [ $# -ge 3 ] && [ -n "$3" ] || usage_error "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--debian) debian=1; shift ;;
	--fs) need --fs "$@"; fslist=$2; shift 2 ;;
	--tmp) need --tmp "$@"; imgdir=$2; shift 2 ;;
	-r) need -r "$@"; repeats=$2; shift 2 ;;
	-o) need -o "$@"; out=$2; shift 2 ;;
	--summarize) need --summarize "$@"; summarize_only=1; out=$2; shift 2 ;;
	-h|--help) sed -n '2,34p' "$0"; exit 0 ;;
	*) usage_error "unknown argument $1" ;;
	esac
done
[ -z "$repeats" ] || [[ $repeats =~ ^[1-9][0-9]{0,2}$ ]] || usage_error "-r '$repeats': expected a count from 1 to 999"
[ -n "$fslist" ] || fslist=ext4
[ -n "$repeats" ] || { [ -n "$quick" ] && repeats=1 || repeats=3; }
modes="none syncfs fsync pfsync fdatasync sfr ofsync"
[ -z "$quick" ] || modes="none syncfs fsync pfsync"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# ---- the run ------------------------------------------------------------------

run_bench() {
	[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (mkfs, mount, loop devices)" >&2; exit 3; }
	local layers
	if [ -n "$debian" ]; then
		[ -s images/cache/debian/layer2.tar.gz ] || bash scripts/build-debian-image.sh
		layers="$TOP/images/cache/debian/layer1.tar.gz $TOP/images/cache/debian/layer2.tar.gz"
	else
		make -s sample-image
		layers="$TOP/images/sample/layer1.tar.gz $TOP/images/sample/layer2.tar.gz $TOP/images/sample/layer3.tar.zst"
	fi
	make -s all
	mkdir -p "$out"
	cc -O2 -o "$out/bench-walk" scripts/bench-walk.c -luring -lpthread
	echo "bench: $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ); layers: $layers" |
		tee "$out/machine.txt"

	WORK=$(mktemp -d /var/tmp/powercut-bench.XXXXXX)
	MNT="$WORK/mnt" LOOP="" IMG=""
	mkdir -p "$MNT" "$WORK/plain"
	trap cleanup EXIT

	# The decompression floor, and the layers decompressed for the plain case.
	local bytes=0 plain="" i=0 l
	for l in $layers; do
		i=$((i + 1))
		decompress "$l" > "$WORK/plain/layer$i.tar"
		bytes=$((bytes + $(stat -c %s "$WORK/plain/layer$i.tar")))
		plain="$plain $WORK/plain/layer$i.tar"
	done
	local size=$(( (2 * bytes / 1048576 + 512) ))M
	if [ -z "$imgdir" ]; then
		imgdir=/var/tmp
		local room
		room=$(df -k --output=avail /dev/shm 2>/dev/null | tail -1 || echo 0)
		[ "${room:-0}" -lt $(( 2 * bytes / 1024 + 262144 )) ] || imgdir=/dev/shm
	fi
	IMG=$(mktemp "$imgdir/powercut-bench.XXXXXX.img")
	echo "bench: baseline loop device backed by $IMG" | tee -a "$out/machine.txt"

	local fs r t
	: > "$out/baseline.tsv"
	for fs in $fslist; do
		for r in $(seq 1 "$repeats"); do
			echo "bench: baselines on $fs, repeat $r of $repeats" >&2
			t=$(now); for l in $layers; do decompress "$l" > /dev/null; done
			record "$fs" decompress "$(since "$t")"

			fresh "$fs" "$size"; t=$(now); tar_layers $layers; record "$fs" tar "$(since "$t")"
			t=$(now); sync -f "$MNT"; record "$fs" sync-f "$(since "$t")"

			fresh "$fs" "$size"; t=$(now); tar_layers $plain; record "$fs" tar-plain "$(since "$t")"

			for w in "fsync-serial 1" "fsync-threads 64" "fsync-uring 64"; do
				fresh "$fs" "$size"; tar_layers $layers
				t=$(now); "$out/bench-walk" "${w% *}" "$MNT/root" "${w#* }" > /dev/null
				record "$fs" "${w% *}" "$(since "$t")"
			done
			sync -f "$MNT"
			remount "$fs"; t=$(now)
			(cd "$MNT/root" && find . -type f -print0 | xargs -0 -r -P"$(nproc)" -n 64 sha256sum > /dev/null)
			record "$fs" sha256sum "$(since "$t")"
			remount "$fs"; t=$(now); "$out/bench-walk" read "$MNT/root" 16 > /dev/null
			record "$fs" read "$(since "$t")"
		done
		unmount
	done

	# powercut, every mode; the plain layers once per repeat with syncfs.
	cat > "$out/bench.ini" <<INI
[global]
fs = $fslist
repeat = $repeats
expect_none = any

[gz]
image = $layers
modes = $modes

[plain]
image = $plain
modes = syncfs
INI
	echo "bench: powercut run ($(echo $modes | wc -w) modes x $(echo $fslist | wc -w) fs x $repeats)" >&2
	local rc=0
	# Like with like: powercut's backing files go where the baselines' image
	# was (tmpfs when it had room), so neither side waits for the host's own
	# disk writeback.  On the default /var/tmp the same phases measured up
	# to 2 s longer in this benchmark, with the same I/O counts.
	rm -f "$IMG"
	# powercut run refuses a folder holding an earlier run's results: this
	# one is the benchmark's own, made again each time.
	rm -rf --one-file-system "$out/run"
	./powercut run "$out/bench.ini" -o "$out/run" --workdir "$imgdir" > "$out/run.txt" 2>&1 || rc=$?
	# 1: a case did not meet its expectation; the numbers are still worth reading.
	[ "$rc" -le 1 ] || { cat "$out/run.txt" >&2; echo "bench: powercut run exited $rc" >&2; exit "$rc"; }
}

decompress() {
	case $1 in
	*.gz|*.tgz) gzip -dc "$1" ;;
	*.zst) zstd -dcq "$1" ;;
	*.xz) xz -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$out/baseline.tsv"; }

unmount() {
	if mountpoint -q "$MNT"; then umount "$MNT"; fi
	if [ -n "$LOOP" ]; then losetup -d "$LOOP"; LOOP=""; fi
}

cleanup() {
	unmount || true
	rm -rf --one-file-system "$WORK"
	[ -z "${IMG:-}" ] || rm -f "$IMG"
}

# A new filesystem FS of SIZE on a loop device, mounted at $MNT, root/ in it.
fresh() {
	unmount
	rm -f "$IMG"
	truncate -s "$2" "$IMG"
	case $1 in
	ext4) mkfs.ext4 -q -F "$IMG" ;;
	xfs) mkfs.xfs -q -f "$IMG" ;;
	btrfs) mkfs.btrfs -q -f "$IMG" > /dev/null ;;
	*) echo "bench: unknown fs $1" >&2; exit 2 ;;
	esac
	LOOP=$(losetup -f --show "$IMG")
	mount "$LOOP" "$MNT"
	mkdir "$MNT/root"
}

# Cold cache for the reads: unmount and mount again (only this device).
remount() {
	umount "$MNT"
	mount "$LOOP" "$MNT"
}

# GNU tar, as a minimal unpacker would call it (whiteouts not applied).
tar_layers() {
	local l
	for l in "$@"; do
		tar -xf "$l" -C "$MNT/root" --numeric-owner -p --xattrs --xattrs-include='*' \
			--warning=no-unknown-keyword
	done
}

# ---- the tables ---------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# baseline FS NAME: median seconds
baseline() { awk -F'\t' -v fs="$1" -v n="$2" '$1 == fs && $2 == n { print $3 }' "$out/baseline.tsv" | median; }

# powercut GROUP FS MODE FIELD: median of timings_s.FIELD over the repeats
pc_time() {
	jq -r --arg g "$1" --arg fs "$2" --arg m "$3" --arg f "$4" \
		'.cases[] | select(.group == $g and .fs == $fs and .mode == $m and .verdict != "error") | .timings_s[$f]' \
		"$out/run/results.json" | median
}

# pc_unpack_sync GROUP FS MODE: median of unpack + sync over the repeats
# (ofsync's per-file syncs run during its unpack: only the sum compares)
pc_unpack_sync() {
	jq -r --arg g "$1" --arg fs "$2" --arg m "$3" \
		'.cases[] | select(.group == $g and .fs == $fs and .mode == $m and .verdict != "error") | .timings_s.unpack + .timings_s.sync' \
		"$out/run/results.json" | median
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

row() { printf '| %-34s | %8s | %-34s | %8s | %7s |\n' "$1" "$2" "$3" "$4" "$(ratio "$2" "$4")"; }

side_by_side() {
	local fs=$1 d f s
	echo
	echo "## $fs: powercut against the same work done by minimal tools (median seconds)"
	echo
	printf '| %-34s | %8s | %-34s | %8s | %7s |\n' "powercut" "s" "baseline" "s" "ratio"
	echo "|---|---:|---|---:|---:|"
	local unpack sync_syncfs sync_fsync sync_pfsync verify
	# ofsync's unpack carries its per-file syncs: not an unpack time
	unpack=$(for m in $modes; do [ "$m" != ofsync ] || continue; jq -r --arg fs "$fs" --arg m "$m" '.cases[] | select(.group == "gz" and .fs == $fs and .mode == $m and .verdict != "error") | .timings_s.unpack' "$out/run/results.json"; done | median)
	row "unpack (layers as they are)" "$unpack" "GNU tar -xf" "$(baseline "$fs" tar)"
	row "unpack (layers as they are)" "$unpack" "decompression alone" "$(baseline "$fs" decompress)"
	row "unpack (decompressed layers)" "$(pc_time plain "$fs" syncfs unpack)" "GNU tar -xf (decompressed)" "$(baseline "$fs" tar-plain)"
	row "syncfs" "$(pc_time gz "$fs" syncfs sync)" "sync -f" "$(baseline "$fs" sync-f)"
	row "fsync (serial walk)" "$(pc_time gz "$fs" fsync sync)" "serial fsync walker" "$(baseline "$fs" fsync-serial)"
	for m in pfsync fdatasync sfr; do
		case " $modes " in *" $m "*) ;; *) continue ;; esac
		row "$m" "$(pc_time gz "$fs" "$m" sync)" "64-thread fsync walker" "$(baseline "$fs" fsync-threads)"
		row "$m" "$(pc_time gz "$fs" "$m" sync)" "sync -f" "$(baseline "$fs" sync-f)"
		row "$m" "$(pc_time gz "$fs" "$m" sync)" "powercut syncfs" "$(pc_time gz "$fs" syncfs sync)"
	done
	case " $modes " in *" ofsync "*)
		row "ofsync: unpack + sync" "$(pc_unpack_sync gz "$fs" ofsync)" "powercut syncfs: unpack + sync" "$(pc_unpack_sync gz "$fs" syncfs)"
		row "ofsync: unpack + sync" "$(pc_unpack_sync gz "$fs" ofsync)" "powercut pfsync: unpack + sync" "$(pc_unpack_sync gz "$fs" pfsync)"
		;;
	esac
	row "(baseline) io_uring fsync walker" "$(baseline "$fs" fsync-uring)" "64-thread fsync walker" "$(baseline "$fs" fsync-threads)"
	# none loses most files after the cut: they are found missing, never
	# read, so its verify time is not a verify of the image.
	verify=$(for m in $modes; do [ "$m" != none ] || continue; jq -r --arg fs "$fs" --arg m "$m" '.cases[] | select(.group == "gz" and .fs == $fs and .mode == $m and .verdict != "error") | .timings_s.verify' "$out/run/results.json"; done | median)
	row "verify (cold cache)" "$verify" "16-thread read of every file" "$(baseline "$fs" read)"
	row "verify (cold cache)" "$verify" "xargs -P$(nproc) sha256sum" "$(baseline "$fs" sha256sum)"
}

seed_table() {
	echo
	echo "## The seed's table: per mode, medians (time = unpack + sync + commit)"
	echo
	jq -r '
	  def median: sort | if length == 0 then 0
	                     elif length % 2 == 1 then .[length / 2 | floor]
	                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	  def ratio(a; b): if b == 0 then "-" else (a / b * 100 | round / 100 | tostring) + "x" end;
	  [.cases[] | select(.verdict != "error" and .group == "gz")
	   | {fs, mode, t: (.timings_s.unpack + .timings_s.sync + .timings_s.commit),
	      s: .timings_s.sync, wios: .io.wios, wbytes: .io.wbytes, flushes: .io.flushes,
	      fsyncs, lost, verdict}]
	  | group_by(.fs)[] as $fs
	  | ($fs | group_by(.mode)
	     | sort_by(.[0].mode | {"none": 0, "syncfs": 1, "fsync": 2, "pfsync": 3,
	                            "fdatasync": 4, "sfr": 5, "ofsync": 6}[.] // 9)
	     | map({mode: .[0].mode, fs: .[0].fs, n: length,
	            t: (map(.t) | median), s: (map(.s) | median), wios: (map(.wios) | median),
	            wbytes: (map(.wbytes) | median), flushes: (map(.flushes) | median),
	            fsyncs: (map(.fsyncs) | max), lost: (map(.lost) | max),
	            fails: (map(select(.verdict != "pass")) | length)})) as $rows
	  | ($rows | map(select(.mode == "none"))[0]) as $base
	  | ($rows | map(select(.mode == "syncfs"))[0]) as $sfs
	  | $rows[]
	  | [.fs, .mode, .n, (.t * 100 | round / 100), (.s * 100 | round / 100), .wios, .wbytes,
	     .flushes, .fsyncs, .lost, .fails,
	     (if $base then ratio(.t; $base.t) else "-" end),
	     (if $sfs then ratio(.s; $sfs.s) else "-" end),
	     (if $base then ratio(.wios; $base.wios) else "-" end),
	     (if $base then ratio(.wbytes; $base.wbytes) else "-" end)]
	  | @tsv' "$out/run/results.json" |
	{
		printf '| %-5s | %-9s | %2s | %7s | %7s | %6s | %11s | %7s | %6s | %5s | %5s | %9s | %11s | %9s | %7s |\n' \
			fs mode n "time s" "sync s" WIOS WBytes flushes fsyncs "lost" fails \
			"time/none" "sync/syncfs" "WIOS/none" "WB/none"
		echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
		while IFS=$'\t' read -r f m n t s wios wb fl fy lost fails rt rs rw rb; do
			printf '| %-5s | %-9s | %2s | %7s | %7s | %6s | %11s | %7s | %6s | %5s | %5s | %9s | %11s | %9s | %7s |\n' \
				"$f" "$m" "$n" "$t" "$s" "$wios" "$wb" "$fl" "$fy" "$lost" "$fails" "$rt" "$rs" "$rw" "$rb"
		done
	}
	echo
	echo "(lost: the most entries lost after the cut over the repeats; fails: cases"
	echo " whose verdict was not pass. I/O is counted up to the commit: most of"
	echo " none's writeback would come after the cut - that is what it loses.)"
}

summarize() {
	[ -s "$out/run/results.json" ] || { echo "bench: no $out/run/results.json" >&2; exit 2; }
	modes=$(jq -r '[.cases[] | select(.group == "gz") | .mode] | unique | join(" ")' "$out/run/results.json")
	[ ! -s "$out/machine.txt" ] || cat "$out/machine.txt"
	local fs
	for fs in $(jq -r '[.cases[].fs] | unique | .[]' "$out/run/results.json"); do
		side_by_side "$fs"
	done
	seed_table
	echo
	echo "(medians over $(jq -r '[.cases[].repeats // 1] | max' "$out/run/results.json") repeats;" \
	     "baselines on a tmpfs-backed loop device, powercut on its fuse device with its backing files there too; results in $out)"
}

if [ -z "$summarize_only" ]; then
	[ -n "$out" ] || out="results/bench-$(date +%Y%m%d-%H%M%S)"
	run_bench
fi
summarize | tee "$out/bench.md"
