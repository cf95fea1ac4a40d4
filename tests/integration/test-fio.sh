#!/usr/bin/env bash
# workload = fio: the power is cut in the middle of an fio job and fio's own
# verifier judges.  The O_SYNC job must be intact on ext4, xfs and btrfs;
# the buffered job must lose (the cut bit); a block damaged by hand between
# the remount and the verify (the test-only hook POWERCUT_TEST_FIO_DAMAGE)
# must be exactly one finding at its offset (the checker can fail); job
# options that void the check are refused with exit 2, naming the option
# and FILE:LINE.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
JOBS="$TOP/scenarios/jobs"

# ---- refused job files: exit 2 before any case, option and line named
refuse() { # OPTION [MORE]: a job file with OPTION on line 5, MORE (printf) after it
	local opt=$1 rc=0
	printf "[j]\\nrw=randwrite\\nsize=1m\\nverify=crc32c\\n%s\\n${2:-}" "$opt" > "$TMP/bad.fio"
	printf '[g]\nworkload = fio bad.fio\nfs = ext4\n' > "$TMP/bad.ini"
	pc_run "$TMP/bad.ini" -o "$TMP/out-bad" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$TMP/stderr"; fail "job option '$opt': exit $rc, expected 2"; }
	grep -q "bad.fio:5: ${opt%%=*}" "$TMP/stderr" ||
		{ cat "$TMP/stderr"; fail "job option '$opt': message does not name bad.fio:5 and the option"; }
	[ ! -e "$TMP/out-bad/results.json" ] || fail "job option '$opt': a case ran"
}
refuse time_based
refuse norandommap
refuse do_verify=0
refuse loops=3
refuse filename=/etc/passwd
# fio's keywords replaced as fio does: '.$clientuid.' is '..' (fio wrote
# /tmp/x on the host from 30 of them in a row, and the case passed)
refuse 'filename_format=.$clientuid./.$clientuid./tmp/x'
grep -q "fio makes it '../../tmp/x'" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "filename_format with .\$clientuid.: not read as '..'"; }
refuse verify=null
# fio 3.33's sha512 compares 128 bytes of data, no digest: a block changed
# in its middle passed
refuse verify=sha512
# fio's own verify fails every block when the moved header overlaps itself
refuse verify_offset=40
# read as fio reads it: includes in any form, a line cut at '#', buffer files
refuse include=/etc/evil.fio
refuse 'mem=mmapshared:/tmp/buf'
refuse 'stats=0'
# blocks written twice or left unchecked by the verify pass
refuse blockalign=8k
refuse percentage_random=50
refuse verify_backlog=16
refuse ramp_time=1
# one job's end would end the other's writes (harmless with a single job)
refuse exitall '[k]\nrw=write\nsize=1m\nverify=crc32c\n'
# fio 3.33 reads exitall=0 as exitall (the second job ended after 13
# writes, and the case was an error, exit 1)
refuse exitall=0 '[k]\nrw=write\nsize=1m\nverify=crc32c\n'
# fio reports a group of jobs as one entry (fine with one job)
refuse group_reporting '[k]\nrw=write\nsize=1m\nverify=crc32c\n'
# files with less room than a block: fio writes nothing to them (exit 0),
# and the case was an error (exit 1) after mkfs
refuse nrfiles=512
grep -q "2048 bytes .*fio writes nothing to such a file" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "nrfiles=512 of size=1m: not refused for files smaller than a block"; }
# fsync=N syncs the file of the next I/O: with two files, not the one written
refuse fsync=1 'nrfiles=2\n'
# the verify pass would read other blocks, or fewer, than were written
refuse 'offset=50%'
# fio takes a file's size as it finds it when it lies in the range: a file
# shorter after the cut was read at other offsets (47 of 74 "lost")
refuse filesize=1m-8m
refuse openfiles=1 'nrfiles=2\n'
# a non-uniform file choice writes a full file again (fio's check cannot
# tell an older write of a block from the last one)
refuse file_service_type=zipf 'nrfiles=2\n'
# fio fails once the job runs (after --parse-only passed it)
refuse filename=a:sub/b
refuse zonesize=64k
# the options are an allowlist: an option in no row of powercut's table is
# refused by name (tiobench's profile option threads, which fio 3.33 takes
# in any job and ignores; an option of a newer fio), and options the old
# deny list let through
refuse threads=4
grep -q "threads: '4' refused: not an option powercut accepts" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "threads=4: not refused as an option powercut does not accept"; }
refuse verify_policy=fsynced
refuse softrandommap
refuse uncached=1
refuse uid=1000
refuse zonerange=1m
# a file per bad block in the case folder: a lost job fills the results
refuse verify_dump=1
# fio --parse-only passes it, the case then failed when fio ran
refuse allow_file_create=0
# fio reads a pattern from a file named between single quotes, as root: a
# FIFO there hung fio --parse-only, and so powercut (no timeout on it)
mkfifo "$TMP/fifo"
rc=0
printf "[j]\\nrw=randwrite\\nsize=1m\\nverify=crc32c\\nbuffer_pattern='%s'\\n" "$TMP/fifo" > "$TMP/bad.fio"
timeout 60 "$POWERCUT" run --list "$TMP/bad.ini" > /dev/null 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.fio:5: buffer_pattern" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "buffer_pattern='FIFO': exit $rc, expected 2 naming bad.fio:5"; }
# every option of the installed fio has a row: the fio unit suite's "every
# option of the installed fio has a row" (here it was a powercut run per
# option, ~50 s of the CI)
printf '[g]\nworkload = fio opt.fio\nfs = ext4\n' > "$TMP/opt.ini"
# fio --showcmd prints a description between double quotes: the line is
# fine (it was refused as "fio reads this line otherwise": fio's example
# ssd-steadystate.fio)
printf '[j]\ndescription=Sequential fill phase\nrw=randwrite\nsize=1m\nverify=crc32c\n' > "$TMP/opt.fio"
"$POWERCUT" run --list "$TMP/opt.ini" > /dev/null 2> "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "a job with a description refused"; }
# fio's reading of a big job file (more than 64 KiB of --showcmd: 40 jobs
# with long descriptions) is read whole: it was cut at 64 KiB and the file
# refused as "fio --showcmd has fewer options than its lines"
desc=$(printf '%1700s' '' | tr ' ' x)
for i in $(seq 40); do
	printf '[j%s]\ndescription=%s\nrw=randwrite\nsize=64k\nverify=crc32c\n' "$i" "$desc"
done > "$TMP/opt.fio"
"$POWERCUT" run --list "$TMP/opt.ini" > /dev/null 2> "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "a job file of more than 64 KiB of fio --showcmd refused"; }
# fio not installed: the machine's fault (exit 3), not a refused job file
printf '[j]\nrw=randwrite\nsize=1m\nverify=crc32c\n' > "$TMP/bad.fio"
mkdir -p "$TMP/nofio"
rc=0; PATH="$TMP/nofio" "$POWERCUT" run --list "$TMP/bad.ini" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 3 ] && grep -q "fio: not found" "$TMP/stderr" && ! grep -q refused "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "fio not installed: exit $rc, expected 3 saying fio is not found"; }
# fio --parse-only stops before fio sets the jobs up: a job file it passes
# failed in every case after mkfs (rate with rate_iops, a size below the
# block size, an offset beyond a file, a minimum rate above the rate).
# fio's own set-up, run with nothing written, refuses it when the scenario
# is read, with fio's words, and leaves no temporary folder behind.
setup_refused() { # OPTIONS (printf) WORDS [CUT_AT]: exit 2 before any case, fio's WORDS quoted
	local rc=0
	printf "[j]\\nrw=randwrite\\nsize=1m\\nverify=crc32c\\n$1\\n" > "$TMP/bad.fio"
	printf '[g]\nworkload = fio bad.fio\nfs = ext4\ncut_at = %s\n' "${3:-end}" > "$TMP/setup.ini"
	TMPDIR="$TMP/setup-tmp" pc_run "$TMP/setup.ini" -o "$TMP/out-setup" > "$TMP/stdout" \
		2> "$TMP/stderr" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "bad.fio: fio refuses it when it sets the jobs up.*$2" "$TMP/stderr" ||
		{ cat "$TMP/stderr"; fail "'$1': exit $rc, expected 2 with fio's '$2'"; }
	[ ! -e "$TMP/out-setup/results.json" ] || fail "'$1': a case ran"
}
# the set-up runs in a temporary folder under $TMPDIR: a private one, as
# other runs on the machine make and remove theirs in /tmp meanwhile (the
# count of /tmp's changed under this test)
mkdir "$TMP/setup-tmp"
setup_refused 'rate=1m\nrate_iops=10' "rate and rate_iops are mutually exclusive"
setup_refused 'bs=2m' "size too small, must not be less than minimum block size"
# (cut mid-run: at its end powercut's own check refuses offset with
# filesize first, and fio's checks come after powercut's)
setup_refused 'filesize=4k\noffset=8k' "you need to specify valid offset=" 1s
setup_refused 'rate_min=100m\nrate=1m' "minimum rate exceeds rate"
[ -z "$(ls -A "$TMP/setup-tmp")" ] || fail "fio's set-up check left $(ls -A "$TMP/setup-tmp")"
# and passes what fio sets up and its real run needs first: a pre_read of
# the file the run lays out, a start delay (not waited for)
printf '[j]\nrw=randwrite\nsize=1m\nverify=crc32c\npre_read=1\nstartdelay=600\n' > "$TMP/bad.fio"
timeout 60 "$POWERCUT" run --list "$TMP/bad.ini" > /dev/null 2> "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "pre_read=1 or startdelay=600 refused by the set-up check"; }
# fio's parse check reads the checked bytes from memory (/proc/self/fd/N):
# a run stopped while fio reads them leaves no copy in /tmp (it left
# /tmp/powercut-fio.XXXXXX/job.fio)
mkdir -p "$TMP/slowfio"
printf '#!/bin/sh\necho $$ > %s/slowfio/pid\necho "$2" >> %s/slowfio/args\nexec sleep 30\n' "$TMP" "$TMP" > "$TMP/slowfio/fio"
chmod +x "$TMP/slowfio/fio"
before=$(find /tmp -maxdepth 1 -name 'powercut-fio.*' | wc -l)
PATH="$TMP/slowfio:$PATH" "$POWERCUT" run --list "$TMP/bad.ini" > /dev/null 2>&1 & slow=$!
for _ in $(seq 50); do [ -s "$TMP/slowfio/args" ] && break; sleep 0.1; done
kill -TERM "$slow"; wait "$slow" || true
kill "$(cat "$TMP/slowfio/pid")" 2>/dev/null || true
grep -qx '/proc/self/fd/[0-9]*' "$TMP/slowfio/args" ||
	fail "fio's parse check was not given the job in memory: $(cat "$TMP/slowfio/args")"
[ "$(find /tmp -maxdepth 1 -name 'powercut-fio.*' | wc -l)" -eq "$before" ] ||
	fail "a run stopped during fio's parse check left $(find /tmp -maxdepth 1 -name 'powercut-fio.*')"
# a mid-run cut of a job whose blocks fio's check reads in another order
# than they were written: an O_SYNC write in flight at the cut was checked
# as complete and counted lost (rw=write over two files, bs=4m: 2 of 5 cuts)
midrun_refused() { # LINE OPTIONS...: the job file, the line named
	local line=$1 rc=0
	shift
	printf '[j]\nsize=1m\nverify=crc32c\nsync=1\n' > "$TMP/order.fio"
	printf '%s\n' "$@" >> "$TMP/order.fio"
	printf '[g]\nworkload = fio order.fio\nfs = ext4\ncut_at = 50%%\n' > "$TMP/order.ini"
	pc_run "$TMP/order.ini" -o "$TMP/out-order" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "order.ini:1: \[g\]: cut_at = 50% .*order.fio:$line: job \[j\]" "$TMP/stderr" ||
		{ cat "$TMP/stderr"; fail "mid-run cut of '$*': exit $rc, expected 2 naming order.fio:$line"; }
	[ ! -e "$TMP/out-order/results.json" ] || fail "mid-run cut of '$*': a case ran"
}
midrun_refused 6 rw=write nrfiles=2
midrun_refused 6 rw=randwrite random_generator=lfsr
# fio 3.33 reads 'lfsr:1' as lfsr (a choice ends at its first ',' or ':'):
# taken for a random-map job, its mid-run cut was judged, and 1 of 4 cuts
# (rw=randwrite bs=4m sync=1, cut at 50%) counted the O_SYNC write in
# flight lost on a correct ext4 (and left the first write unchecked)
refuse random_generator=lfsr:1
refuse random_generator=lfsr,x
# an asynchronous engine at iodepth > 1: a write in flight behind later
# completed ones is outside fio's window (about 1 cut in 20 "lost" one)
midrun_refused 7 rw=randwrite ioengine=libaio iodepth=8
printf '[../../../tmp/j]\nrw=write\nsize=1m\nverify=crc32c\n' > "$TMP/bad.fio"
rc=0; pc_run "$TMP/bad.ini" -o "$TMP/out-bad" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.fio:1: \[../../../tmp/j\]" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "a job name with '..': exit $rc, expected 2 naming bad.fio:1"; }

# ---- mid-run cuts
cat > "$TMP/fio.ini" <<INI
[global]
backend = fuse
cut_at = 50%

[sync]
workload = fio $JOBS/randwrite-sync.fio
fs = ext4 xfs btrfs
expect = intact

[buffered]
workload = fio $JOBS/randwrite-buffered.fio
fs = ext4
expect = loss
INI
run_scenario 0 "$TMP/fio.ini"
for id in sync/ext4/none sync/xfs/none sync/btrfs/none buffered/ext4/none; do
	f() { case_field "$out" "$id" "$1"; }
	[ "$(f .verdict)" = pass ] || fail "$id: verdict $(f .verdict): $(f .reason)"
	[ "$(f .workload)" = fio ] || fail "$id: workload not fio"
	[ "$(f .fio.mid_run)" = true ] || fail "$id: not cut in the middle of the job"
	written=$(f .fio.write_ios)
	total=$(( $(f .fio.job_bytes) / 4096 ))
	[ "$written" -gt 0 ] && [ "$written" -lt "$total" ] ||
		fail "$id: $written of $total writes before the cut: not mid-run"
	[ "$(f .fsck)" = clean ] || fail "$id: fsck $(f .fsck)"
	dir=$(f .case_dir)
	for file in fio-write.json fio-write.stderr fio-verify.json fio-verify.stderr \
		    verify.fio local-*-verify.state; do
		compgen -G "$dir/$file" > /dev/null || fail "$id: no $file in the case folder"
	done
	# the state kept is the write pass's: the verify pass saved its own
	# over it when it ended (fio's verify_state_save defaults to 1)
	for state in "$dir"/local-*-verify.state; do
		[ "$state" -ot "$dir/fio-verify.stderr" ] ||
			fail "$id: $state was written by the verify pass, not the write pass"
	done
done
for id in sync/ext4/none sync/xfs/none sync/btrfs/none; do
	[ "$(case_field "$out" "$id" .lost)" -eq 0 ] || fail "$id: lost blocks"
	# the check really read the blocks back (the buffered job's file may be
	# gone after the cut: then it reads nothing and loses every block)
	[ "$(case_field "$out" "$id" .fio.verify_ios)" -gt 0 ] || fail "$id: fio's verify read nothing"
done
lost=$(case_field "$out" buffered/ext4/none .lost)
[ "$lost" -gt 0 ] || fail "buffered/ext4/none: nothing lost: the cut did not bite"
[ "$(case_field "$out" buffered/ext4/none '.findings["fio-verify"]')" -gt 0 ] ||
	fail "buffered/ext4/none: no fio-verify findings"

# ---- one block damaged by hand: exactly one finding, at its offset
cat > "$TMP/damage.ini" <<INI
[log]
backend = fuse
workload = fio $JOBS/append-log.fio
fs = ext4
cut_at = 1s
expect = intact
INI
rc=0
POWERCUT_TEST_FIO_DAMAGE=append-log.0.0@8192 pc_run "$TMP/damage.ini" -o "$TMP/out-damage" \
	> "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/stderr"; fail "damaged block: exit $rc, expected 1"; }
d="$TMP/out-damage"
[ "$(case_field "$d" log/ext4/none .lost)" -eq 1 ] || fail "damaged block: lost is not 1"
findings="$(case_field "$d" log/ext4/none .case_dir)/findings.txt"
[ "$(wc -l < "$findings")" -eq 1 ] || { cat "$findings"; fail "damaged block: not exactly one finding"; }
grep -qx 'fio-verify append-log.0.0@8192: bad header (bad magic header 0, wanted acca)' "$findings" ||
	{ cat "$findings"; fail "damaged block: finding not at append-log.0.0@8192"; }
grep -q 'fio-verify append-log.0.0@8192' "$d/junit.xml" || fail "damaged block: not in junit.xml"
grep -q "fio-verify append-log.0.0@8192" "$d/summary.md" || { cat "$d/summary.md"; fail "damaged block: not in summary.md"; }

# ---- the verify pass reads the files as the cut left them, whatever the
# job file says: create_on_open=0 there (and allow_file_create=1) won over
# fio's command line, and fio deleted the append log, shorter than its
# size, before checking it: 520 of 520 blocks "lost" on a correct ext4
{ cat "$JOBS/append-log.fio"; printf 'create_on_open=0\nallow_file_create=1\n'; } > "$TMP/layout.fio"
printf '[l]\nbackend = fuse\nworkload = fio layout.fio\nfs = ext4\ncut_at = 50%%\nexpect = intact\n' > "$TMP/layout.ini"
run_scenario 0 "$TMP/layout.ini"
l() { case_field "$out" l/ext4/none "$1"; }
[ "$(l .verdict)" = pass ] && [ "$(l .lost)" -eq 0 ] || fail "create_on_open=0: verdict $(l .verdict), lost $(l .lost): $(l .reason)"
[ "$(l '.fio.jobs[0].read_back')" -gt 0 ] || fail "create_on_open=0: nothing read back"

# ---- several jobs, verified in one fio run so that each draws the random
# offsets it wrote (run alone, as fio's first job, a second randwrite job
# read blocks it never wrote: 303 of 356 "lost"); each job's state is its
# own; a block damaged in the first job's file is the one finding.
cat > "$TMP/two.fio" <<FIO
[global]
ioengine=psync
bs=4k
verify=crc32c
sync=1
rate=2m
[a]
rw=write
size=4m
[b]
rw=randwrite
size=4m
FIO
printf '[t]\nbackend = fuse\nworkload = fio two.fio\nfs = ext4\ncut_at = 50%%\nexpect = intact\n' > "$TMP/two.ini"
rc=0
POWERCUT_TEST_FIO_DAMAGE=a.0.0@4096 pc_run "$TMP/two.ini" -o "$TMP/out-two" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/stderr"; fail "two jobs, one block damaged: exit $rc, expected 1"; }
t() { case_field "$TMP/out-two" t/ext4/none "$1"; }
[ "$(t .verdict)" = fail ] || fail "two jobs: verdict $(t .verdict): $(t .reason)"
[ "$(t .fio.jobs_verified)" -eq 2 ] || fail "two jobs: $(t .fio.jobs_verified) verified, expected 2"
[ "$(t '.fio.jobs[1].read_back')" -gt 100 ] || fail "two jobs: job b read back $(t '.fio.jobs[1].read_back')"
[ "$(t .lost)" -eq 1 ] || { head "$(t .case_dir)/findings.txt"; fail "two jobs: lost $(t .lost), expected the 1 damaged block"; }
grep -qx 'fio-verify a.0.0@4096: bad header (bad magic header 0, wanted acca)' "$(t .case_dir)/findings.txt" ||
	{ cat "$(t .case_dir)/findings.txt"; fail "two jobs: the damaged block is not the finding"; }

# ---- another file's block at the same offset: fio's verifier passes it
# (its header names no file; --verify_only skips numberio and takes the
# seed from the block), so powercut reads the headers itself: a block of
# another job, or a write of the job at two places, is a finding
cat > "$TMP/place.fio" <<FIO
[global]
bs=4k
verify=crc32c
sync=1
size=256k
[a]
rw=randwrite
[b]
rw=randwrite
nrfiles=2
FIO
printf '[p]\nbackend = fuse\nworkload = fio place.fio\nfs = ext4\ncut_at = end\nexpect = intact\n' > "$TMP/place.ini"
misplaced() { # DAMAGE JOB PATH WORDS: one finding at PATH saying WORDS
	local rc=0 d="$TMP/out-place"
	rm -rf "$d"
	POWERCUT_TEST_FIO_DAMAGE=$1 pc_run "$TMP/place.ini" -o "$d" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
	p() { case_field "$d" p/ext4/none "$1"; }
	[ "$rc" -eq 1 ] && [ "$(p .verdict)" = fail ] ||
		{ cat "$TMP/stderr"; fail "$1: exit $rc, verdict $(p .verdict), expected a fail"; }
	[ "$(p .lost)" -eq 1 ] && [ "$(p ".fio.jobs[$2].misplaced")" -eq 1 ] ||
		{ cat "$(p .case_dir)/findings.txt"; fail "$1: lost $(p .lost), misplaced $(p ".fio.jobs[$2].misplaced"), expected 1"; }
	grep -q "^fio-verify $3: not its file's block: .*$4" "$(p .case_dir)/findings.txt" ||
		{ cat "$(p .case_dir)/findings.txt"; fail "$1: no finding at $3 saying '$4'"; }
}
misplaced 'b.0.0@8192<a.0.0' 1 b.0.0@8192 "holds a block of job 1 (the job is 2)"
misplaced 'b.0.1@4096<b.0.0' 1 b.0.1@4096 "same write (numberio [0-9]*) as b.0.0@4096"
misplaced 'a.0.0@0<b.0.1' 0 a.0.0@0 "holds a block of job 2 (the job is 1)"

# ---- a job that had ended before a mid-run cut: fio saves its state at
# the trigger after freeing its files, with no completions, and its check
# stopped before its last block (zeroed, it passed): every block of it is
# read back now, the last one the finding
printf '[global]\nverify=crc32c\nsync=1\n[a]\nrw=write\nsize=1m\n[b]\nstonewall\nrw=write\nsize=4m\nrate=1m\n' > "$TMP/ended.fio"
printf '[e]\nbackend = fuse\nworkload = fio ended.fio\nfs = ext4\ncut_at = 40%%\nexpect = intact\n' > "$TMP/ended.ini"
rc=0
POWERCUT_TEST_FIO_DAMAGE=a.0.0@1044480 pc_run "$TMP/ended.ini" -o "$TMP/out-ended" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
e() { case_field "$TMP/out-ended" e/ext4/none "$1"; }
[ "$rc" -eq 1 ] || { cat "$TMP/stderr"; fail "ended job, last block damaged: exit $rc, expected 1"; }
[ "$(e '.fio.jobs[0].read_back')" -eq 256 ] || fail "ended job: read back $(e '.fio.jobs[0].read_back') of 256"
grep -qx 'fio-verify a.0.0@1044480: bad header (bad magic header 0, wanted acca)' "$(e .case_dir)/findings.txt" ||
	{ cat "$(e .case_dir)/findings.txt"; fail "ended job: its damaged last block is not the finding"; }

# ---- an asynchronous engine at iodepth 8, cut at the end: the verify pass
# reads one block at a time (fio's saved state tells the blocks of the
# writes in flight from the completed ones only then; mid-run cuts of such
# jobs are refused above) and every block written is read back
printf '[global]\nioengine=libaio\ndirect=1\niodepth=8\nbs=64k\nsize=32m\nverify=crc32c\n[a]\nrw=randwrite\nsync=1\n' > "$TMP/aio.fio"
printf '[a]\nbackend = fuse\nworkload = fio aio.fio\nfs = ext4\nexpect = intact\n' > "$TMP/aio.ini"
run_scenario 0 "$TMP/aio.ini"
a() { case_field "$out" a/ext4/none "$1"; }
grep -qx 'iodepth=1' "$(a .case_dir)/verify.fio" || fail "libaio: the verify pass does not read one block at a time"
[ "$(a '.fio.jobs[0].read_back')" -eq 512 ] ||
	fail "libaio iodepth=8 cut at the end: read back $(a '.fio.jobs[0].read_back') of 512 blocks"
# what it tested: the job file's bytes
[ "$(a .tested_sha256)" = "$(sha256sum < "$TMP/aio.fio" | cut -d' ' -f1)" ] ||
	fail "libaio: tested_sha256 $(a .tested_sha256) is not the job file's SHA-256"

# ---- cut_at = end: every block written is read back (with the saved
# state, fio 3.33 skipped the last block of a job ending with a sync)
printf '[e]\nrw=randwrite\nsize=256k\nbs=4k\nverify=crc32c\nfdatasync=2\n' > "$TMP/end.fio"
printf '[e]\nbackend = fuse\nworkload = fio end.fio\nfs = ext4\nmodes = fsync\nexpect = intact\n' > "$TMP/end.ini"
run_scenario 0 "$TMP/end.ini"
[ "$(case_field "$out" e/ext4/fsync .fio.verify_ios)" -eq 64 ] ||
	fail "cut_at = end: $(case_field "$out" e/ext4/fsync .fio.verify_ios) of 64 blocks read back"

# ---- cut_at = end, mode none: fio issues no fsync after a job's last
# writes: with fsync=3 over 2048 writes the last 2 were lost on ext4 (a
# false failure); the fsync interval at the end is not promised
printf '[t]\nrw=randwrite\nsize=8m\nbs=4k\nverify=crc32c\nfsync=3\n' > "$TMP/tail.fio"
printf '[t]\nbackend = fuse\nworkload = fio tail.fio\nfs = ext4\nmodes = none\nexpect = intact\n' > "$TMP/tail.ini"
run_scenario 0 "$TMP/tail.ini"
[ "$(case_field "$out" t/ext4/none .fio.unchecked_tail)" -eq 3 ] ||
	fail "fsync=3 at the end, mode none: unchecked_tail $(case_field "$out" t/ext4/none .fio.unchecked_tail), expected 3"
[ "$(case_field "$out" t/ext4/none '.fio.jobs[0].syncs')" = "every 3 writes (fsync/fdatasync)" ] ||
	fail "fsync=3: fio.jobs[0].syncs is $(case_field "$out" t/ext4/none '.fio.jobs[0].syncs')"

# ---- cut_at = end, mode none, a job whose every write is in its unsynced
# tail (fsync=100000, 64 writes) beside a job that syncs each write: the
# first job's check cannot run, an error (the case passed with it unchecked)
printf '[global]\nrw=randwrite\nsize=256k\nbs=4k\nverify=crc32c\n[t]\nfsync=100000\n[s]\nsync=1\n' > "$TMP/tail2.fio"
printf '[t]\nbackend = fuse\nworkload = fio tail2.fio\nfs = ext4\nmodes = none\nexpect = intact\n' > "$TMP/tail2.ini"
rc=0
pc_run "$TMP/tail2.ini" -o "$TMP/out-tail2" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
t2() { case_field "$TMP/out-tail2" t/ext4/none "$1"; }
[ "$rc" -eq 1 ] && [ "$(t2 .verdict)" = error ] ||
	{ cat "$TMP/stderr"; fail "a job with every write unsynced at its end: exit $rc, verdict $(t2 .verdict), expected an error"; }
t2 .reason | grep -q "every one of the 64 writes of fio's job t came after its last fsync" ||
	fail "a job with every write unsynced at its end: reason $(t2 .reason)"

# ---- cut_at = end and a job fio ended early (runtime=1 writes 1 MiB of
# its 8 MiB): what it wrote survived, but a part of the job must not pass
# for the whole; results.json says what each job asked and wrote
printf '[global]\nbs=4k\nverify=crc32c\n[short]\nrw=randwrite\nsize=8m\nrate=1m\nruntime=1\n' > "$TMP/short.fio"
printf '[s]\nbackend = fuse\nworkload = fio short.fio\nfs = ext4\nmodes = fsync\nexpect = intact\n' > "$TMP/short.ini"
rc=0
pc_run "$TMP/short.ini" -o "$TMP/out-short" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 1 ] || { cat "$TMP/stderr"; fail "a job ended early by runtime=: exit $rc, expected 1"; }
s() { case_field "$TMP/out-short" s/ext4/fsync "$1"; }
[ "$(s .verdict)" = error ] || fail "a job ended early by runtime=: verdict $(s .verdict), expected error"
s .reason | grep -q "fio ended job short early: it wrote [0-9]* bytes" ||
	fail "a job ended early by runtime=: reason $(s .reason)"
[ "$(s '.fio.jobs[0].size')" -eq 8388608 ] && [ "$(s '.fio.jobs[0].write_bytes')" -lt 4194304 ] ||
	fail "a job ended early: results.json fio.jobs does not say what it asked and wrote"
# a job whose extent the job file cannot tell is refused with cut_at = end
printf '[j]\nrw=randwrite\nsize=1m\nverify=crc32c\nbssplit=4k/50:8k/50\n' > "$TMP/bad.fio"
rc=0; pc_run "$TMP/bad.ini" -o "$TMP/out-bad" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
[ "$rc" -eq 2 ] && grep -q "cut_at = end needs to know how much each fio job writes.*bad.fio:5: job \[j\]" "$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "bssplit with cut_at = end: exit $rc, expected 2 naming bad.fio:5"; }

# ---- fio's examples/waitfor.fio as fio's users write it (its reads and
# /tmp file left out): a [global] numjobs=4 that each job sets to 1, and
# no size, only a filesize (fio then writes each file's filesize): both
# were refused (exit 2: "numjobs: '4' refused", "size is not set"), though
# fio runs the file as two whole jobs; and an io_size below the size
# (fio writes that much within it: refused, as if it wrapped around)
cat > "$TMP/waitfor.fio" <<FIO
[global]
filesize=1m
numjobs=4
verify=crc32c
[writers]
rw=write
bs=128k
numjobs=1
[writers2]
new_group
wait_for=writers
rw=randwrite
bs=4k
numjobs=1
io_size=512k
FIO
printf '[w]\nbackend = fuse\nworkload = fio waitfor.fio\nfs = ext4\nmodes = fsync\nexpect = intact\n' > "$TMP/waitfor.ini"
run_scenario 0 "$TMP/waitfor.ini"
w() { case_field "$out" w/ext4/fsync "$1"; }
[ "$(w .verdict)" = pass ] || fail "waitfor.fio: verdict $(w .verdict): $(w .reason)"
[ "$(w '.fio.jobs[0].size')" -eq 1048576 ] && [ "$(w '.fio.jobs[1].size')" -eq 1048576 ] ||
	fail "waitfor.fio: job sizes $(w '.fio.jobs[0].size') and $(w '.fio.jobs[1].size'), expected the filesize"
[ "$(w '.fio.jobs[0].read_back')" -eq 8 ] && [ "$(w '.fio.jobs[1].read_back')" -eq 128 ] ||
	fail "waitfor.fio: read back $(w '.fio.jobs[0].read_back') and $(w '.fio.jobs[1].read_back'), expected 8 and 128"

# ---- the job file changed after the scenario was checked: fio runs the
# checked bytes (a copy in the case folder), never the file again.  The run
# is stopped once its fuse server exists (the scenario is read by then),
# the job file gets an exec_prerun that the check would refuse, and the run
# resumed: the case must pass on the original job, and nothing must run.
printf '[w]\nrw=write\nsize=256k\nbs=4k\nverify=crc32c\n' > "$TMP/swap.fio"
cp "$TMP/swap.fio" "$TMP/swap.orig"
printf '[s]\nworkload = fio swap.fio\nfs = ext4\nmodes = fsync\nexpect = intact\n' > "$TMP/swap.ini"
setsid "$POWERCUT" run --workdir "$WORK" "$TMP/swap.ini" -o "$TMP/out-swap" > "$TMP/stdout" 2> "$TMP/stderr" &
pid=$!
stop_when_device_made "$pid"
printf '[w]\nrw=write\nsize=256k\nbs=4k\nverify=crc32c\nexec_prerun=touch %s\n' "$TMP/pwned" > "$TMP/swap.fio"
kill -CONT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { cat "$TMP/stderr"; fail "job file changed after the check: exit $rc, expected 0 (the checked job)"; }
[ ! -e "$TMP/pwned" ] || fail "job file changed after the check: its exec_prerun ran"
cmp -s "$TMP/swap.orig" "$(case_field "$TMP/out-swap" s/ext4/fsync .case_dir)/job.fio" ||
	fail "the case folder does not hold the checked job (job.fio)"

assert_no_leftovers
pass
