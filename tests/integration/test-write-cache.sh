#!/usr/bin/env bash
# write_cache = volatile: at the cut, the fuse device rolls back every block
# written since its last flush.  With barriers, ext4 flushes what syncfs and
# fsync promise, so those modes must keep everything (none may lose any
# amount: what the kernel wrote back before the commit's flush is durable,
# and a busy machine writes back early).  Mounted nobarrier, ext4 never flushes: the fsync'd commit
# record must be lost with the cache, which the durable model (dm-flakey's)
# cannot see: the same case passes with write_cache = durable.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

require_sample_image
cat > "$TMP/cache.ini" <<INI
[global]
image = $SMALL_IMAGE
fs = ext4
write_cache = volatile

[volatile]
modes = none syncfs fsync

[nobarrier]
mount_opts = nobarrier
modes = fsync

[durable]
write_cache = durable
mount_opts = nobarrier
modes = fsync
INI

# Exit 1: a case failed (the nobarrier one, on purpose); anything else is not that.
run_scenario 1 "$TMP/cache.ini"
[ "$(jq '.cases | length' "$out/results.json")" -eq 5 ] || fail "expected 5 cases"

for id in volatile/ext4/none volatile/ext4/syncfs volatile/ext4/fsync nobarrier/ext4/fsync; do
	[ "$(case_field "$out" "$id" .write_cache)" = volatile ] || fail "$id: cache not volatile"
	[ "$(case_field "$out" "$id" .backend)" = fuse ] || fail "$id: not on the fuse device"
done
for id in volatile/ext4/none volatile/ext4/syncfs volatile/ext4/fsync durable/ext4/fsync; do
	assert_case_ok "$out" "$id" "" "$SMALL_IMAGE_MIN"
done
for id in volatile/ext4/syncfs volatile/ext4/fsync durable/ext4/fsync; do
	[ "$(case_field "$out" "$id" .lost)" -eq 0 ] || fail "$id: lost $(case_field "$out" "$id" .lost)"
done
[ "$(case_field "$out" durable/ext4/fsync .write_cache)" = durable ] || fail "durable: cache not durable"

id=nobarrier/ext4/fsync
f() { case_field "$out" "$id" "$1"; }
[ "$(f .verdict)" = fail ] || fail "$id: verdict $(f .verdict), expected fail: $(f .reason)"
[ "$(f .committed)" = false ] || fail "$id: the commit record survived a cache that was never flushed"
[ "$(f .cache_lost_blocks)" -gt 0 ] || fail "$id: the cut rolled nothing back"
[ "$(f .cache_lost_bytes)" -eq $(( $(f .cache_lost_blocks) * 4096 )) ] ||
	fail "$id: $(f .cache_lost_bytes) bytes for $(f .cache_lost_blocks) blocks"
[ "$(f .lost)" -gt 0 ] || fail "$id: no entry lost"
grep -q "^- $id: fail: the fsync'd commit record did not survive the cut" "$TMP/stdout" ||
	fail "$id: the summary does not say why it failed"
assert_no_leftovers
pass
