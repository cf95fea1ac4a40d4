#!/usr/bin/env bash
# scripts/bench.sh --quick runs to the end (a smoke test: no speed is
# asserted): it builds its walkers, measures the baselines, runs powercut
# with four modes, prints the side-by-side table with a ratio on every row
# and the seed's table with every mode, and leaves no loop device, mount or
# backing file behind.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ "$(id -u)" -eq 0 ] || fail "needs root"
require_sample_image

rc=0
bash scripts/bench.sh --quick -o "$TMP/bench" > "$TMP/bench.out" 2> "$TMP/bench.err" || rc=$?
[ "$rc" -eq 0 ] || { tail -20 "$TMP/bench.err"; fail "bench.sh --quick exited $rc"; }
md="$TMP/bench/bench.md"
[ -s "$md" ] || fail "no bench.md"
grep -q '^## ext4: powercut against the same work done by minimal tools' "$md" || fail "no side-by-side table"
for what in "GNU tar -xf" "decompression alone" "sync -f" "serial fsync walker" \
	"64-thread fsync walker" "16-thread read of every file" "xargs -P"; do
	line=$(grep -F "| $what" "$md" | head -1 || true)
	[ -n "$line" ] || fail "no row against '$what'"
	grep -Eq '\| +[0-9]+\.[0-9]+x \|$' <<<"$line" || fail "row against '$what' has no ratio: $line"
done
for mode in none syncfs fsync pfsync; do
	grep -Eq "^\| ext4 +\| $mode +\| +1 \|" "$md" || fail "seed table has no $mode row"
done
# the per-file durable modes lost nothing
for mode in syncfs fsync pfsync; do
	lost=$(grep -E "^\| ext4 +\| $mode +\|" "$md" | awk -F'|' '{ gsub(/ /, "", $11); print $11 }')
	[ "$lost" = 0 ] || fail "$mode lost $lost entries"
done
# what this run made: its backing file and work folder are named in
# machine.txt and the log (other runs on the machine have their own)
img=$(sed -n 's/^bench: baseline loop device backed by //p' "$TMP/bench/machine.txt")
[ -n "$img" ] || fail "machine.txt does not name the baseline's backing file"
[ ! -e "$img" ] || fail "$img was left behind"
! losetup -a | grep -qF "$img" || fail "a loop device on $img was left behind"
! grep -q "$img" /proc/self/mountinfo || fail "a mount was left behind"
pass
