#!/usr/bin/env bash
# powercut probe: the flakey device and the backing file's filesystem
# measured with fio (MB/s, 4 KiB IOPS, fsyncs/s), every figure positive;
# a bad size is exit 2; probe = yes records the figures per case in
# results.json "device" and summary.md puts the workload's throughput
# against the device's sequential write speed.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

rc=0
"$POWERCUT" probe -s 1k > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 2 ] || fail "probe -s 1k: exit $rc, expected 2"
# Above the largest device a scenario's device_size takes: a usage error,
# not a try at the disk's free space.
rc=0
"$POWERCUT" probe -s 2048T > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 2 ] || fail "probe -s 2048T: exit $rc, expected 2"
grep -q "64M to 1024T" "$TMP/stderr" || fail "probe -s 2048T: $(cat "$TMP/stderr")"

"$POWERCUT" probe -b fuse -w "$WORK" > "$TMP/probe.txt" 2> "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "probe exited non-zero"; }
cat "$TMP/probe.txt"
for row in "flakey device (fuse)" "backing file's fs"; do
	line=$(grep -F "$row" "$TMP/probe.txt") || fail "probe: no row '$row'"
	read -r -a f <<< "${line#"$row"}"
	[ "${#f[@]}" -eq 3 ] || fail "probe: '$row' has ${#f[@]} figures, expected 3"
	for v in "${f[@]}"; do
		awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "probe: '$row' figure $v is not positive"
	done
done

# fio failing: exit 1 with fio's own last words (its stderr file is in the
# probe's work folder, which is gone by then), nothing left behind
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "fio: the probe job cannot start" >&2\nexit 1\n' > "$TMP/bin/fio"
chmod +x "$TMP/bin/fio"
rc=0
PATH="$TMP/bin:$PATH" "$POWERCUT" probe -b fuse -s 64M -w "$WORK" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 1 ] && grep -q "fio exited with 1: fio: the probe job cannot start" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "probe with fio failing: exit $rc, expected 1 with fio's message"; }
assert_no_leftovers

cat > "$TMP/probe.ini" <<INI
[p]
backend = fuse
probe = yes
workload = fio $TOP/scenarios/jobs/append-log.fio
fs = ext4
INI
run_scenario 0 "$TMP/probe.ini"
id=p/ext4/none
[ "$(case_field "$out" $id .device.measured)" = true ] || fail "$id: device not measured"
for k in flakey.seq_write_mbs flakey.randwrite_4k_iops flakey.fsyncs_per_s backing.seq_write_mbs; do
	v=$(case_field "$out" $id ".device.$k")
	awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "$id: device.$k = $v"
done
grep -q "^- $id: fio writes .* MB/s = [0-9]*% of the device's sequential write" "$out/summary.md" ||
	fail "summary.md: no device line for $id"
# Every file of the case folder is one powercut(1)'s OUTPUT names (the
# probe's and fio's files were in none).
man_out=$(sed -n '/^\.SH OUTPUT/,/^\.SS Escaping/p' powercut.1 | sed 's/\\-/-/g')
for f in $(ls "$out/cases/p_ext4_none"); do
	case $f in
	*.stderr) n="${f%%-*}-*.stderr" ;;
	*.state) n="verify state" ;;
	*) n=$f ;;
	esac
	grep -qF -- "$n" <<<"$man_out" || fail "case file $f: powercut(1) OUTPUT does not name it ($n)"
done
assert_no_leftovers
pass
