# lib.sh - shared helpers for the integration tests (sourced).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/pc-it.$TEST_NAME.XXXXXX")

# PC_BIN=PATH runs the test with another build of powercut (a path relative
# to the current folder or to the repository's top), such as the sanitized
# ones: make powercut-asan (build/san-asan/powercut: ASan, UBSan, LSan) or
# make powercut-tsan (build/san-tsan/powercut).  Every process of it (the
# runner, its forked children, the fuse server) writes any sanitizer report
# to $SAN_LOGS/report.PID; a report fails the test when it ends
# (cleanup_tmp), whatever powercut's exit status was.  Options already in
# ASAN_OPTIONS etc. override ours (the last occurrence of a flag wins),
# except log_path.  Harmless for the plain build, which reads none of them.
POWERCUT="$TOP/powercut"
if [ -n "${PC_BIN:-}" ]; then
	if [ -x "$PC_BIN" ]; then
		POWERCUT=$(realpath "$PC_BIN")
	elif [ -x "$TOP/$PC_BIN" ]; then
		POWERCUT="$TOP/$PC_BIN"
	else
		echo "FAIL $TEST_NAME: PC_BIN=$PC_BIN is not an executable" >&2
		rm -rf "$TMP"
		exit 1
	fi
fi
SAN_LOGS="$TMP/sanitizer"
mkdir -p "$SAN_LOGS"
san_opts() { # OURS CALLERS
	echo "$1${2:+:$2}:log_path=$SAN_LOGS/report"
}
export ASAN_OPTIONS
ASAN_OPTIONS=$(san_opts "detect_leaks=1:halt_on_error=1:print_stacktrace=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1" "${ASAN_OPTIONS:-}")
export UBSAN_OPTIONS
UBSAN_OPTIONS=$(san_opts "halt_on_error=1:print_stacktrace=1" "${UBSAN_OPTIONS:-}")
export LSAN_OPTIONS
LSAN_OPTIONS=$(san_opts "print_stacktrace=1" "${LSAN_OPTIONS:-}")
export TSAN_OPTIONS
TSAN_OPTIONS=$(san_opts "halt_on_error=0:second_deadlock_stack=1" "${TSAN_OPTIONS:-}")

fail() {
	echo "FAIL $TEST_NAME: $*" >&2
	exit 1
}

# Every run of a test puts its work folder below $WORK, so the leftover check
# looks at exactly what this test made (other runs on the machine may be busy).
WORK="$TMP/work"
mkdir -p "$WORK"

# powercut run with the test's work folder: pc_run SCENARIO [ARGS...]
# The host's dirty pages are written out first: what earlier tests left in
# the page cache would otherwise push the kernel into writing a `none`
# case's data back before its cut (the global dirty limits), and a test
# that expects `none` to lose would see nothing lost.
pc_run() {
	sync
	"$POWERCUT" run --workdir "$WORK" "$@"
}

# Nothing of ours may be left: mounts, loop devices, FUSE servers, folders.
assert_no_leftovers() {
	local what=""
	local mounts loops servers
	mounts=$(awk -v p="$TMP/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo)
	[ -z "$mounts" ] || what+=" mounts: $mounts"
	loops=$(losetup -a 2>/dev/null | grep -F "$TMP/" || true)
	[ -z "$loops" ] || what+=" loops: $loops"
	servers=$(pgrep -f -- "__fuse-server.*$TMP/" || true)
	[ -z "$servers" ] || what+=" fuse servers: $servers"
	local left
	left=$(ls -A "$WORK")
	[ -z "$left" ] || what+=" work folders: $left"
	[ -z "$what" ] || fail "left behind:$what"
}

# Any sanitizer report (see PC_BIN above) fails the test: printed, then exit 1.
check_sanitizer_logs() {
	local f found=0
	for f in "$SAN_LOGS"/report.*; do
		[ -s "$f" ] || continue # opened by a process that reported nothing
		echo "--- sanitizer report $f" >&2
		# The unpack child's frames are binary+offset (no symbolizer in
		# its chroot): asan_symbolize (clang's) names them.
		if command -v asan_symbolize > /dev/null; then
			asan_symbolize < "$f" >&2 2>/dev/null || cat "$f" >&2
		else
			cat "$f" >&2
		fi
		found=1
	done
	[ "$found" = 0 ] || { echo "FAIL $TEST_NAME: sanitizer reports above" >&2; return 1; }
}

cleanup_tmp() {
	local san=0
	"$POWERCUT" cleanup >/dev/null 2>&1 || true
	check_sanitizer_logs || san=1
	# never descend into a mount a failed test left behind
	rm -rf --one-file-system "$TMP"
	[ "$san" = 0 ] || exit 1
}
trap cleanup_tmp EXIT

# jq on a case of results.json: case_field DIR ID FILTER
case_field() {
	jq -r --arg id "$2" ".cases[] | select(.id == \$id) | $3" "$1/results.json"
}

# The first case of the run in DIR erred for the environment (verdict
# error, error_class environment); its reason is left in $reason.
assert_env_error() {
	[ "$(jq -r '.cases[0].verdict' "$1/results.json")" = error ] || fail "verdict is not error"
	[ "$(jq -r '.cases[0].error_class' "$1/results.json")" = environment ] ||
		fail "error_class is not environment"
	reason=$(jq -r '.cases[0].reason' "$1/results.json")
}

# A case that ran to the end and met its expectation: the commit record
# survived, fsck is clean, the verdict is pass, and the image (over MIN
# entries: 1000 unless given, the sample image) was really unpacked.
# assert_case_ok DIR ID [LABEL [MIN]]
assert_case_ok() {
	local out=$1 id=$2 what="${3:+$3 }$2" min=${4:-1000} entries
	[ "$(case_field "$out" "$id" .committed)" = true ] || fail "$what: commit record lost"
	[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$what: fsck not clean"
	[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$what: verdict not pass"
	entries=$(case_field "$out" "$id" .entries)
	[ "$entries" -gt "$min" ] || fail "$what: only $entries entries"
}

# The sample image's smallest layer, 159 entries (files with xattrs, two
# whiteouts, folders, a symlink) and 5 MB: for tests of what a case does
# with an image, not of the unpack.  Its cases are checked with
# assert_case_ok DIR ID "" "$SMALL_IMAGE_MIN".
SMALL_IMAGE="$TOP/images/sample/layer3.tar.zst"
SMALL_IMAGE_MIN=150

# Run a scenario into a new results folder, $TMP/out the first time, then
# $TMP/out.2, ... (set as $out: powercut refuses a folder that holds a run's
# results), print its table, keep stdout in $TMP/stdout, and fail unless it
# exits WANT.
# run_scenario WANT SCENARIO [ARGS...]
run_scenario() {
	local want=$1 rc=0 n=1
	shift
	out="$TMP/out"
	while [ -e "$out" ]; do
		n=$((n + 1))
		out="$TMP/out.$n"
	done
	pc_run "$@" -o "$out" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
	cat "$TMP/stdout"
	[ "$rc" -eq "$want" ] || { cat "$TMP/stderr"; fail "powercut run exited $rc, expected $want"; }
}

# The sample image's layers, checked to exist, as one `image =` value.
SAMPLE_IMAGE="$TOP/images/sample/layer1.tar.gz $TOP/images/sample/layer2.tar.gz $TOP/images/sample/layer3.tar.zst"
require_sample_image() {
	local f
	for f in $SAMPLE_IMAGE; do
		[ -s "$f" ] || fail "missing $f (make sample-image)"
	done
}

# Write the end trailer of a hand-edited manifest again (the way powercut.1
# documents): manifest_reseal FILE
manifest_reseal() {
	local body="$1.body" n sum
	grep -v '^#end entries=' "$1" > "$body"
	n=$(( $(wc -l < "$body") - 1 ))
	sum=$(sha256sum < "$body" | cut -d' ' -f1)
	{ cat "$body"; printf '#end entries=%d sha256=%s\n' "$n" "$sum"; } > "$1"
	rm -f "$body"
}

# run_as_nobody CMD...: CMD as user and group 65534, no other groups, able
# to reach $TOP by its own path even when the clone sits in a folder others
# may not enter (/root, a mode-700 home): in a mount namespace of CMD's own,
# the topmost such folder above $TOP is covered by a tmpfs holding only
# $TOP, bind-mounted at its path.  $TMP must be open to others (chmod 755).
run_as_nobody() {
	local d=$TOP blocker=
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		[ $((0$(stat -c %a "$d") & 1)) -eq 1 ] || blocker=$d
	done
	if [ -z "$blocker" ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
		return
	fi
	mkdir -p "$TMP/.top"
	unshare -m --propagation private bash -c '
		set -e
		top=$1 blocker=$2 stage=$3
		shift 3
		mount --bind "$top" "$stage"
		mount -t tmpfs -o mode=0755 pc-it-view "$blocker"
		mkdir -p "$top"
		mount --bind "$stage" "$top"
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' \
		run_as_nobody "$TOP" "$blocker" "$TMP/.top" "$@"
}

# $TMP/layer.tar.gz, one small file, and $TMP/one.ini running it in mode
# fsync over FUSE on a 64 MiB ext4: the quickest case, for tests that act
# on its device or its start.
tiny_layer_scenario() {
	mkdir -p "$TMP/tree"
	echo hello > "$TMP/tree/file"
	tar -C "$TMP/tree" -czf "$TMP/layer.tar.gz" .
	printf '[global]\nimage = %s\nbackend = fuse\ndevice_size = 64M\nfs = ext4\nmodes = fsync\n' \
		"$TMP/layer.tar.gz" > "$TMP/one.ini"
}

# $TMP/layer.tar.gz, 2,400 small files and 8 MiB, and $TMP/one.ini running
# it in mode fsync over FUSE: seconds, so a run is still in its first case
# when a test kills or disturbs it.
slow_fsync_layer() {
	mkdir -p "$TMP/tree/d"
	local i j
	for i in $(seq 1 40); do
		mkdir -p "$TMP/tree/d/$i"
		for j in $(seq 1 60); do echo "file $i/$j" > "$TMP/tree/d/$i/$j"; done
	done
	head -c 8M /dev/urandom > "$TMP/tree/big"
	tar -C "$TMP/tree" -czf "$TMP/layer.tar.gz" .
	cat > "$TMP/one.ini" <<INI
[global]
image = $TMP/layer.tar.gz
backend = fuse
fs = ext4
modes = fsync
INI
}

# Fakes of TOOL... in $TMP/bin (put it first in PATH) whose N-th run prints
# lines 2.. of $TMP/do-TOOL-N and exits with the status on its first line;
# without that file it is the real tool.  Run N makes the folder
# $TMP/ran-TOOL-N.
fake_scripted_tools() {
	local tool
	mkdir -p "$TMP/bin"
	for tool in "$@"; do
		cat > "$TMP/bin/$tool" <<SH
#!/usr/bin/env bash
n=1
while ! mkdir "$TMP/ran-$tool-\$n" 2> /dev/null; do n=\$((n + 1)); done
f="$TMP/do-$tool-\$n"
[ -f "\$f" ] || exec $(command -v "$tool") "\$@"
read -r status < "\$f"
tail -n +2 "\$f"
exit "\$status"
SH
		chmod +x "$TMP/bin/$tool"
	done
}

# Fakes of TOOL... in $TMP/bin (put it first in PATH) that run the real tool,
# except on the runs listed in $TMP/hang-TOOL (one number a line; 1 = its
# first run), where they hang ignoring SIGTERM, as a stuck tool may.  Run N
# makes the folder $TMP/ran-TOOL-N, and a hanging one the file hung in it
# (powercut runs tools in a PID namespace of their own: find one to kill by
# its name, pgrep -f "$TMP/bin/TOOL").
fake_hanging_tools() {
	local tool
	mkdir -p "$TMP/bin"
	for tool in "$@"; do
		touch "$TMP/hang-$tool"
		cat > "$TMP/bin/$tool" <<SH
#!/usr/bin/env bash
n=1
while ! mkdir "$TMP/ran-$tool-\$n" 2> /dev/null; do n=\$((n + 1)); done
if grep -qx "\$n" "$TMP/hang-$tool"; then
	trap '' TERM INT HUP
	touch "$TMP/ran-$tool-\$n/hung"
	while :; do sleep 0.2; done
fi
exec $(command -v "$tool") "\$@"
SH
		chmod +x "$TMP/bin/$tool"
	done
}

# eiofs (tests/integration/eiofs.c), a FUSE passthrough of $TMP/src at
# $WORK that fails reads or writes on demand: eiofs_build builds it (and
# stops it at exit), start_eiofs NAME N OP AFTER serves files called NAME
# with direct_io, failing the reads or writes (OP) of their Nth and later
# opens after AFTER bytes; stop_eiofs.
eiofs_build() {
	cc -Wall -Wextra -Werror -O1 -o "$TMP/eiofs" "$TOP/tests/integration/eiofs.c" \
		$(pkg-config --cflags --libs fuse3) || fail "cannot build eiofs"
	EIOFS_PID=""
	trap 'stop_eiofs; cleanup_tmp' EXIT
}

start_eiofs() { # NAME N OP AFTER
	rm -rf "$TMP/src"
	mkdir -p "$TMP/src"
	chmod 755 "$TMP/src"
	"$TMP/eiofs" "$TMP/src" "$WORK" "$1" "$2" "$3" "$4" 2> "$TMP/eiofs.log" &
	EIOFS_PID=$!
	for _ in $(seq 100); do
		mountpoint -q "$WORK" && return 0
		sleep 0.1
	done
	fail "eiofs did not mount on $WORK"
}

stop_eiofs() {
	if [ -n "${EIOFS_PID:-}" ]; then
		umount "$WORK" 2>/dev/null || true
		wait "$EIOFS_PID" 2>/dev/null || true
		EIOFS_PID=""
	fi
}

# fake_fio_write_pass BODY: a fio in $TMP/bin (put it first in PATH) whose
# checks of the job file and set-up (--parse-only, --showcmd,
# --create_only=1) are the real fio's, and whose write pass runs the bash
# lines BODY instead (fio runs in a PID namespace of its own: a process
# BODY starts is found by name, not by $!).
fake_fio_write_pass() {
	mkdir -p "$TMP/bin"
	{
		echo '#!/usr/bin/env bash'
		echo "case \" \$* \" in *\" --parse-only \"*|*\" --showcmd \"*|*\" --create_only=1 \"*) exec $(command -v fio) \"\$@\" ;; esac"
		printf '%s\n' "$1"
	} > "$TMP/bin/fio"
	chmod +x "$TMP/bin/fio"
}

# fio_cut_scenario INI CUT_AT [LINE]: INI runs $TMP/j.fio (a small synced
# random write with verify, written too) on ext4 over fuse, cut at CUT_AT;
# LINE is one more key of the group.
fio_cut_scenario() {
	printf '[j]\nrw=randwrite\nsize=8m\nverify=crc32c\nsync=1\n' > "$TMP/j.fio"
	{
		printf '[global]\nbackend = fuse\n[g]\nworkload = fio j.fio\nfs = ext4\ncut_at = %s\n' "$2"
		[ -z "${3:-}" ] || printf '%s\n' "$3"
	} > "$1"
}

# fake_bzimage FILE [RELEASE]: a file vm-run reads as an x86 bzImage of
# RELEASE (default 6.1.0-fake): the setup header's magic (0x202) and its
# kernel_version pointer (0x20e), which points at the string (+0x200).
# 4096 bytes: setup_sects 0 (taken as 4) and syssize 0 ask for 2560.
fake_bzimage() {
	head -c 4096 /dev/zero >"$1"
	printf 'HdrS' | dd of="$1" bs=1 seek=514 conv=notrunc status=none
	printf '\000\001' | dd of="$1" bs=1 seek=526 conv=notrunc status=none
	printf '%s (probe)\000' "${2:-6.1.0-fake}" | dd of="$1" bs=1 seek=768 conv=notrunc status=none
}

pass() {
	echo "PASS $TEST_NAME"
}

# Stop (SIGSTOP) the run PID once its fuse server exists, i.e. after the
# scenario is read and the image scanned, before the case writes anything;
# fail if the run ends first.  The caller sends SIGCONT.
stop_when_device_made() {
	local pid=$1 _
	for _ in $(seq 1 3000); do
		if pgrep -f -- "__fuse-server.*$WORK/" > /dev/null; then
			kill -STOP "$pid"
			return 0
		fi
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.01
	done
	fail "the run ended before its device was made"
}
