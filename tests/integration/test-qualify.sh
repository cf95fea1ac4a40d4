#!/usr/bin/env bash
# scripts/qualify on the host kernel: a tiny scenario gives its table
# (qualify.md, qualify.json, report.html) and exit 0; a kernel that cannot
# run (a Debian version the archive lacks: vm-run says so after one apt-get
# update) is reported in its own column (exit 1), never a crash; only
# unrunnable kernels is exit 3.  Refused before any kernel runs (exit 2,
# no folder made): a malformed spec, the same kernel twice, a scenario or
# run arguments powercut refuses, run arguments qualify sets itself.  A
# signal stops the kernel running and starts no other: exit 128+N, that
# kernel "interrupted" and not met, nothing left behind.  --table rebuilds
# the table from the folders; a case some folder lacks is "not run" there.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
LAYER3="$TOP/images/sample/layer3.tar.zst"
[ -f "$LAYER3" ] || fail "no $LAYER3 (make sample-image)"
printf '[global]\nimage = %s\ndevice_size = 512M\nmodes = none syncfs\n[tiny]\nfs = ext4\n' \
	"$LAYER3" >"$TMP/tiny.ini"

qualify() { # WANT ARGS...
	local want=$1 rc=0
	shift
	scripts/qualify "$@" >"$TMP/q.out" 2>"$TMP/q.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/q.out" "$TMP/q.err"; fail "qualify $* exited $rc, expected $want"; }
}

qualify 0 --kernel host "$TMP/tiny.ini" -o "$TMP/q1" -- --workdir "$WORK"
grep -q '^| case | differs | host |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "no table header"; }
grep -q '^| tiny/ext4/syncfs |  | pass, lost 0 |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "no syncfs row"; }
cmp -s <(sed -n '/^## Qualification/,$p' "$TMP/q.out") "$TMP/q1/qualify.md" || fail "qualify.md is not the table printed"
[ "$(jq -r '.exit' "$TMP/q1/qualify.json")" = 0 ] || fail "qualify.json exit"
[ "$(jq -r '.kernels[0].met' "$TMP/q1/qualify.json")" = true ] || fail "host not met"
[ "$(jq '.cases | length' "$TMP/q1/qualify.json")" = 2 ] || fail "qualify.json: not 2 cases"
[ -f "$TMP/q1/host/results.json" ] || fail "no host results folder"
grep -q '<svg' "$TMP/q1/report.html" || fail "no report.html with plots"

# report exits 2 when it could not read some folder, and writes the page
# from the others: qualify says which happened (it said "powercut report
# failed" while report.html was there).  A wrapper makes the page's
# report (-o) exit 2 after writing the page, then without writing it.
for wrote in yes no; do
	cat > "$TMP/pcwrap" <<SH
#!/bin/sh
case "\$1 \$*" in
report*" -o "*)
	[ $wrote = no ] || "$POWERCUT" "\$@"
	exit 2 ;;
esac
exec "$POWERCUT" "\$@"
SH
	chmod 755 "$TMP/pcwrap"
	POWERCUT="$TMP/pcwrap" qualify 0 --kernel host "$TMP/tiny.ini" -o "$TMP/qw-$wrote" -- --workdir "$WORK"
	if [ $wrote = yes ]; then
		grep -q "warning: powercut report could not read every kernel's folder (exit 2, named above); $TMP/qw-yes/report.html holds the others" \
			"$TMP/q.err" || { cat "$TMP/q.err"; fail "qualify: report's page written, not said"; }
	else
		grep -q 'warning: powercut report failed (exit 2): no report.html' "$TMP/q.err" ||
			{ cat "$TMP/q.err"; fail "qualify: report failed, not said"; }
	fi
done

# A failing case's cell says why it failed, not only what it lost.
printf '[global]\nimage = %s\ndevice_size = 512M\nmodes = syncfs\nexpect = loss\n[lossy]\nfs = ext4\n' \
	"$LAYER3" >"$TMP/lossy.ini"
qualify 1 --kernel host "$TMP/lossy.ini" -o "$TMP/qf" -- --workdir "$WORK"
grep -qF '| lossy/ext4/syncfs |  | fail, lost 0: expected loss in mode syncfs but every entry survived: was the cut effective? |' \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "the fail cell does not say why"; }

# Refused before anything runs: no kernel runs, no folder is made.
refused() { # DIR ARGS...: exit 2, DIR not made
	local dir=$1
	shift
	qualify 2 "$@" -o "$dir"
	[ ! -e "$dir" ] || fail "qualify $* made $dir although it refused to run"
	! grep -q '^qualify: kernel ' "$TMP/q.err" || { cat "$TMP/q.err"; fail "qualify $* ran a kernel"; }
}
refused "$TMP/r1" --kernel host --kernel bogus-kernel "$TMP/tiny.ini"
grep -q "^qualify: --kernel 'bogus-kernel': expected host, debian:VERSION, FILE.deb, BZIMAGE:MODULES or BZIMAGE (no such file)" "$TMP/q.err" ||
	{ cat "$TMP/q.err"; fail "the bad spec is not named"; }
# a kernel package that is not there, or not one dpkg-deb reads
printf 'not a package\n' > "$TMP/bad.deb"
for deb in "$TMP/none.deb" "$TMP/bad.deb"; do
	refused "$TMP/r1" --kernel "$deb" "$TMP/tiny.ini"
	grep -q "^qualify: --kernel '$deb': expected a kernel package" "$TMP/q.err" ||
		{ cat "$TMP/q.err"; fail "the bad .deb spec $deb is not named"; }
done
refused "$TMP/r2" --kernel debian:not/a/version "$TMP/tiny.ini"
refused "$TMP/r3" --kernel host --kernel "$TMP/no-bzImage:$TMP" "$TMP/tiny.ini"
refused "$TMP/r4" --kernel host --kernel host "$TMP/tiny.ini"
grep -q "^qualify: --kernel 'host' names the same kernel as --kernel 'host'" "$TMP/q.err" ||
	{ cat "$TMP/q.err"; fail "the kernel given twice is not named"; }
refused "$TMP/r5" --kernel debian:6.1.0-999 --kernel debian:6.1.0-999-amd64 "$TMP/tiny.ini"
refused "$TMP/r5" --kernel debian:6.1.0-999-rt --kernel debian:6.1.0-999-rt-amd64 "$TMP/tiny.ini"
grep -q "names the same kernel as --kernel 'debian:6.1.0-999-rt'" "$TMP/q.err" || fail "the -rt kernel given twice is not named"
printf '[global]\nimage = %s\nmodes = syncfs\n[dup]\nfs = ext4\nmount_opts = noatime | noatime\n' \
	"$LAYER3" >"$TMP/dup.ini"
refused "$TMP/r6" --kernel host "$TMP/dup.ini"
grep -q "dup.ini:6: mount_opts: the alternative 'noatime' is given twice" "$TMP/q.err" ||
	{ cat "$TMP/q.err"; fail "the scenario's error is not shown"; }
refused "$TMP/r7" --kernel host "$TMP/tiny.ini" -- --filter 'nothing*'
# An empty -o folder others can write to: they could plant DIR/host.log ->
# FILE, and qualify's ': >"$log"' as root would empty FILE.
mkdir -m 0777 "$TMP/open"
qualify 2 --kernel host "$TMP/tiny.ini" -o "$TMP/open"
grep -q "^qualify: $TMP/open: others can write to it" "$TMP/q.err" || { cat "$TMP/q.err"; fail "a folder others can write to is not refused"; }
[ -z "$(ls -A "$TMP/open")" ] || fail "qualify wrote into the refused folder"
refused "$TMP/r8" --kernel host --shard 3/2 "$TMP/tiny.ini"
for a in -o -oX --out=X --output -l --li -kl -s --sh=1/2 -h; do
	refused "$TMP/r9" --kernel host "$TMP/tiny.ini" -- "$a" "$TMP/x"
done
# A value that only looks like one of them is a value.
qualify 0 --kernel host "$TMP/tiny.ini" -o "$TMP/q7" -- --workdir "$WORK" -f '*syncfs'
grep -q '^- host: host, kernel .*, backend fuse, 1 of 1 cases ran, 1 met their expectation, every expectation met$' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "the filtered run is not summed up"; }
# A shard without cases: nothing to run, as powercut run --shard says.
qualify 0 --kernel host --shard 3/3 "$TMP/tiny.ini" -o "$TMP/q8" -- --filter '*syncfs'
grep -q 'holds none of the scenario' "$TMP/q.err" || fail "an empty shard is not said"

# SIGTERM while the first kernel runs: it tears down, the second never
# starts, the table says so, exit 143.
printf '[global]\nimage = %s\ndevice_size = 512M\nmodes = none syncfs fsync\n[sig]\nfs = ext4\nmount_opts = | noatime | nodelalloc\n' \
	"$LAYER3" >"$TMP/sig.ini"
rc=0
scripts/qualify --kernel host --kernel debian:6.1.0-999 "$TMP/sig.ini" -o "$TMP/q9" -- --workdir "$WORK" \
	>"$TMP/q.out" 2>"$TMP/q.err" &
qpid=$!
for _ in $(seq 1 3000); do
	pgrep -f -- "__fuse-server.*$WORK/" >/dev/null && break
	sleep 0.01
done
kill -TERM "$qpid"
wait "$qpid" || rc=$?
[ "$rc" -eq 143 ] || { cat "$TMP/q.out" "$TMP/q.err"; fail "interrupted qualify exited $rc, expected 143"; }
! pgrep -f -- "powercut run $TMP/sig.ini" >/dev/null || fail "the interrupted kernel's run is still running"
q9=$TMP/q9/qualify.json
[ "$(jq -r '.kernels[0].status, .kernels[0].met, .kernels[1].status, .exit' "$q9" | tr '\n' ' ')" = \
	"interrupted false not run 143 " ] || { cat "$q9"; fail "qualify.json does not say interrupted / not run"; }
[ "$(jq '.cases | length' "$q9")" = 9 ] || fail "the table does not hold the 9 cases to run"
[ "$(jq '.kernels[0].ran' "$q9")" -lt 9 ] || fail "the interrupted kernel ran every case"
grep -q '^- host: host, interrupted: interrupted by signal 15' "$TMP/q9/qualify.md" || fail "qualify.md: host not interrupted"
[ ! -e "$TMP/q9/debian-6.1.0-999.log" ] || fail "the second kernel was started"
assert_no_leftovers

# A Debian version the archive does not have: said so in its column, not
# run for the environment (it was "error: ..." and exit 1, as if the
# kernel had failed): exit 3, the host's column met.
qualify 3 --kernel host --kernel debian:6.1.0-999 "$TMP/tiny.ini" -o "$TMP/q6" -- --workdir "$WORK"
grep -q '^| tiny/ext4/syncfs | yes | pass, lost 0 | not run (environment): vm-run: kernel 6.1.0-999 not available (not in the archive) |$' \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "the missing Debian version is not reported in its column"; }
[ "$(jq -r '.kernels[1] | "\(.met) \(.not_checked)"' "$TMP/q6/qualify.json")" = "false true" ] ||
	fail "the missing Debian version is not 'not checked'"

# A guest that starts the run and dies (a panic), one that runs past the
# timeout, one that never boots, and a kernel vm-run could not start a
# guest with (no 9p module: a -cloud flavour) told apart (vm-run stood in for by a
# script that prints what vm-run and the guest console print).
printf 'bz' >"$TMP/bzImage"
fake_vm() { # WHAT: the stand-in vm-run for the next qualify
	cat >"$TMP/vm-run" <<-EOF
	#!/bin/sh
	case $1 in
	died) echo 'powercut-vm: running: powercut run x'; echo '[ 9.1] Kernel panic - not syncing: probe'
	      echo 'vm-run: the guest stopped without reporting the command status' >&2 ;;
	timeout) echo 'powercut-vm: running: powercut run x'
	      echo 'vm-run: timeout: the guest ran longer than 5s and was killed' >&2 ;;
	noboot) echo 'vm-run: kernel 6.1.0-fake, tcg, 2048 MiB, 2 cpus; log x' >&2
	      echo 'vm-run: the guest stopped without reporting the command status' >&2 ;;
	panicboot) echo 'vm-run: kernel 6.1.0-fake, tcg, 2048 MiB, 2 cpus; log x' >&2
	      echo '[ 0.9] Kernel panic - not syncing: VFS: Unable to mount root fs'
	      echo 'vm-run: the guest stopped without reporting the command status' >&2 ;;
	nomod) echo 'vm-run: note: kernel 6.1.0-fake has no module xfs' >&2
	      echo "vm-run: kernel 6.1.0-fake has no module 9pnet_virtio (needed for the guest's root and disk)" >&2 ;;
	esac
	exit 3
	EOF
	chmod +x "$TMP/vm-run"
}
# A kernel that never booted (no panic seen) or got no guest is not run
# (environment): its cells say so, exit 3 (it was exit 1, the kernel taken
# as failing); one that panicked while booting, died or timed out in its
# run is a finding about it: exit 1.
for what in died:1:"guest died: vm-run exited 3: %5B 9.1%5D Kernel panic - not syncing: probe" \
	panicboot:1:"did not boot: vm-run exited 3: %5B 0.9%5D Kernel panic - not syncing: VFS" \
	timeout:1:"timed out: vm-run exited 3: timeout: the guest ran longer" \
	noboot:3:"did not boot: vm-run exited 3: the guest stopped" \
	nomod:3:"error: vm-run exited 3: kernel 6.1.0-fake has no module 9pnet_virtio (needed"; do
	want=${what#*:} want=${want%%:*} what=${what%%:*}:${what#*:*:}
	fake_vm "${what%%:*}"
	rm -rf "$TMP/q10"
	VM_RUN=$TMP/vm-run qualify "$want" --kernel host --kernel "$TMP/bzImage:$TMP" "$TMP/tiny.ini" -o "$TMP/q10" -- --workdir "$WORK"
	grep -qF -- "- custom-2: $TMP/bzImage:$TMP, ${what#*:}" "$TMP/q10/qualify.md" ||
		{ cat "$TMP/q.out" "$TMP/q.err"; fail "the ${what%%:*} guest is not reported as such"; }
	[ "$(jq -r '.kernels[1].met' "$TMP/q10/qualify.json")" = false ] || fail "the ${what%%:*} guest is met"
	cell=$(jq -r '.cases[0].cells["custom-2"].text' "$TMP/q10/qualify.json")
	if [ "$want" = 3 ]; then
		case ${what%%:*}:$cell in
		"noboot:not run (environment): did not boot: the guest stopped"*) ;;
		"nomod:not run (environment): kernel 6.1.0-fake has no module 9pnet_virtio (needed"*) ;;
		*) fail "the ${what%%:*} kernel's cell is not 'not run (environment)': $cell" ;;
		esac
		grep -qF -- "- custom-2: $TMP/bzImage:$TMP, ${what#*:}" "$TMP/q10/qualify.md" &&
			grep -q '^- custom-2: .*; not run (environment): NOT qualified, not checked' "$TMP/q10/qualify.md" ||
			{ cat "$TMP/q10/qualify.md"; fail "the ${what%%:*} kernel's line does not say not run (environment)"; }
	else
		st=${what#*:}
		[ "${cell#"${st%%:*}: "}" != "$cell" ] && [ "${cell#*vm-run exited}" = "$cell" ] && [ "$(jq -r '.kernels[1].not_checked' "$TMP/q10/qualify.json")" = false ] ||
			fail "the ${what%%:*} kernel's cell: $cell"
	fi
	# The page names the kernel that wrote no results (it was left off).
	status=${what#*:}
	grep -q "without results.json</b>" "$TMP/q10/report.html" &&
		grep -qF "/custom-2: ${status%%:*}: vm-run exited 3" "$TMP/q10/report.html" ||
		fail "report.html leaves the ${what%%:*} kernel out"
done

# A guest that panics after its run wrote results (here: every case, and
# every one passed) died: the column says so with the panic and is not met
# (it used to be "ran", the panic unsaid, the exit blamed on powercut run).
cat >"$TMP/vm-run" <<'EOF'
#!/bin/sh
while [ "$1" != -- ]; do shift; done
shift
"$@" >/dev/null 2>&1
echo 'powercut-vm: running: powercut run x'
echo '[ 9.1] Kernel panic - not syncing: after the run'
echo 'vm-run: the guest stopped without reporting the command status' >&2
exit 3
EOF
chmod +x "$TMP/vm-run"
rm -rf "$TMP/q10"
VM_RUN=$TMP/vm-run qualify 1 --kernel host --kernel "$TMP/bzImage:$TMP" "$TMP/tiny.ini" -o "$TMP/q10" -- --workdir "$WORK"
[ -f "$TMP/q10/custom-2/results.json" ] || fail "the stand-in vm-run wrote no results"
grep -qF -- "- custom-2: $TMP/bzImage:$TMP, guest died: vm-run exited 3: %5B 9.1%5D Kernel panic - not syncing: after the run; 2 of 2 cases ran" \
	"$TMP/q10/qualify.md" || { cat "$TMP/q10/qualify.md"; fail "a guest that died after writing results is not reported as died"; }
[ "$(jq -r '.kernels[1].status, .kernels[1].met' "$TMP/q10/qualify.json" | tr '\n' ' ')" = "guest died false " ] ||
	fail "the guest that died after writing results: status or met"
assert_no_leftovers

# A scenario of 5000 cases (its ids are 170 KB: more than one argument
# may hold) under a kernel that does not boot: the table still has every row.
fake_vm noboot
alts=$(seq -s ' | ' 1 1000 | sed 's/\([0-9]\+\)/o\1/g')
printf '[global]\nimage = %s\nmodes = none syncfs fsync pfsync fdatasync\nmount_opts = %s\n[big]\nfs = ext4\n' \
	"$LAYER3" "$alts" >"$TMP/big.ini"
VM_RUN=$TMP/vm-run qualify 3 --kernel "$TMP/bzImage:$TMP" "$TMP/big.ini" -o "$TMP/q11"
[ "$(jq '.cases | length' "$TMP/q11/qualify.json")" = 5000 ] || fail "the 5000-case table does not hold 5000 rows"
grep -q '^| big/ext4/mount=o1000/fdatasync |  | not run (environment): did not boot: the guest stopped' "$TMP/q11/qualify.md" ||
	fail "the last case's row is missing"

# One Debian kernel, one label, however it is given (debian:ABI, -amd64,
# -amd64-unsigned, Debian's .deb): they were three folders, so a later
# compare or --table took one kernel for three.  Given twice in one run:
# the same kernel.  Another package keeps deb-PACKAGE.
mkdir -p "$TMP/dk/DEBIAN" "$TMP/ok/DEBIAN"
printf 'Package: linux-image-6.1.0-999-amd64-unsigned\nVersion: 6.1.170-3\nArchitecture: amd64\nMaintainer: Debian Kernel Team <debian-kernel@lists.debian.org>\nDescription: t\n' \
	>"$TMP/dk/DEBIAN/control"
printf 'Package: linux-image-6.1.0-999-amd64\nVersion: 1\nArchitecture: amd64\nMaintainer: me <me@example.org>\nDescription: t\n' \
	>"$TMP/ok/DEBIAN/control"
dpkg-deb -b -Znone "$TMP/dk" "$TMP/debian-k.deb" >/dev/null || fail "dpkg-deb -b"
dpkg-deb -b -Znone "$TMP/ok" "$TMP/own-k.deb" >/dev/null || fail "dpkg-deb -b"
for spec in debian:6.1.0-999 debian:6.1.0-999-amd64 debian:6.1.0-999-amd64-unsigned "$TMP/debian-k.deb"; do
	rm -rf "$TMP/q20"
	VM_RUN=$TMP/vm-run qualify 3 --kernel "$spec" "$TMP/tiny.ini" -o "$TMP/q20"
	[ "$(cd "$TMP/q20" && ls -- *.log)" = debian-6.1.0-999.log ] ||
		{ cat "$TMP/q.err"; fail "--kernel $spec: the kernel's label is not debian-6.1.0-999: $(ls "$TMP/q20" | tr '\n' ' ')"; }
	grep -qF -- "- debian-6.1.0-999: $spec, did not boot" "$TMP/q20/qualify.md" ||
		{ cat "$TMP/q20/qualify.md"; fail "--kernel $spec: not the column debian-6.1.0-999"; }
done
rm -rf "$TMP/q20"
VM_RUN=$TMP/vm-run qualify 3 --kernel "$TMP/own-k.deb" "$TMP/tiny.ini" -o "$TMP/q20"
[ -e "$TMP/q20/deb-linux-image-6.1.0-999-amd64.log" ] || fail "another package's label: $(ls "$TMP/q20" | tr '\n' ' ')"
refused "$TMP/r5" --kernel debian:6.1.0-999 --kernel debian:6.1.0-999-amd64-unsigned "$TMP/tiny.ini"
refused "$TMP/r5" --kernel "$TMP/debian-k.deb" --kernel debian:6.1.0-999-amd64 "$TMP/tiny.ini"
grep -q "^qualify: --kernel 'debian:6.1.0-999-amd64' names the same kernel as --kernel '$TMP/debian-k.deb'" "$TMP/q.err" ||
	{ cat "$TMP/q.err"; fail "Debian's .deb and debian:VERSION are not one kernel"; }

# Nothing could run: exit 3.  Usage errors: exit 2.
qualify 3 --kernel debian:6.1.0-999 "$TMP/tiny.ini" -o "$TMP/q3"
qualify 2 "$TMP/tiny.ini" -o "$TMP/q4"
qualify 2 --kernel host "$TMP/tiny.ini"
qualify 2 --kernel host "$TMP/tiny.ini" -o "$TMP/q1"
qualify 2 --kernel host --shard 1of2 "$TMP/tiny.ini" -o "$TMP/q5"

# --table: the table again from the folders (as after merging shards).
qualify 0 --table "$TMP/q1"
grep -q '^| tiny/ext4/none |  | pass, lost [0-9]* |$' "$TMP/q.out" || { cat "$TMP/q.out"; fail "--table lost the rows"; }
# Columns that different powercut builds ran (the binary rebuilt between
# two kernels, shards run on machines with other builds): said, since a
# difference may then be powercut's; one build: nothing said.
! grep -q 'different powercut builds' "$TMP/q.out" || fail "--table: one build said to be several"
! grep -q 'hold the same results' "$TMP/q.out" || fail "--table: one column said to be a copy"
# One run copied under two kernel names: said to be one run (it was two
# kernels, each qualified, with nothing said).
mkdir "$TMP/dup"
cp -r "$TMP/q1/host" "$TMP/dup/k1"
cp -r "$TMP/q1/host" "$TMP/dup/k2"
qualify 0 --table "$TMP/dup"
grep -q '^- note: columns k1, k2 hold the same results as another column (one run copied under two names)' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: one run in two columns not said"; }
[ "$(jq -c '[.kernels[].same_results_as]' "$TMP/dup/qualify.json")" = '["k2","k1"]' ] || fail "qualify.json: same_results_as"
mkdir "$TMP/b"
cp -r "$TMP/q1/host" "$TMP/b/one"
cp -r "$TMP/q1/host" "$TMP/b/two"
jq '.powercut = "0.0.9+0123456789ab"' "$TMP/q1/host/results.json" >"$TMP/b/two/results.json"
qualify 0 --table "$TMP/b"
grep -qF -- "- note: the columns ran different powercut builds (0.0.9+0123456789ab, $(jq -r .powercut "$TMP/q1/host/results.json"))" \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "--table: different powercut builds not said"; }
[ "$(jq -r '[.kernels[].powercut] | unique | length' "$TMP/b/qualify.json")" = 2 ] || fail "qualify.json: no powercut per kernel"
# A column older than the field ran another build too (it was dropped, and
# one older and one newer column were said to be one build).
jq 'del(.powercut)' "$TMP/q1/host/results.json" >"$TMP/b/two/results.json"
qualify 0 --table "$TMP/b"
grep -qF -- "- note: the columns ran different powercut builds ($(jq -r .powercut "$TMP/q1/host/results.json"), older, not recorded)" \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "--table: a build older than the field not said"; }
! grep -q 'Mounted with other options' "$TMP/q.out" || fail "--table: the same options said to differ"
# A kernel that mounted with other options (one ignored an option the other
# applied): a note naming the case and what each kernel applied.
mkdir "$TMP/mo"
cp -r "$TMP/q1/host" "$TMP/mo/one"
cp -r "$TMP/q1/host" "$TMP/mo/two"
id1=$(jq -r '.cases[0].id' "$TMP/q1/host/results.json")
jq '.cases[0].mounted = {vfs: "rw", fs: "nodatacow"}' "$TMP/q1/host/results.json" >"$TMP/mo/one/results.json"
jq '.cases[0].mounted = {vfs: "rw", fs: "datacow"}' "$TMP/q1/host/results.json" >"$TMP/mo/two/results.json"
qualify 0 --table "$TMP/mo"
grep -qF -- "- $id1: one \`rw; nodatacow\`, two \`rw; datacow\`" "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: options applied differently not said"; }
! grep -q 'Ran on other backends' "$TMP/q.out" || fail "--table: one backend said to be two"
# One case on two backends (backend = auto: dm under a VM's kernel, fuse on
# the host): a note naming the case and each kernel's backend (the table
# showed two passes side by side as the kernels' alone).
mkdir "$TMP/bk"
cp -r "$TMP/q1/host" "$TMP/bk/host"
cp -r "$TMP/q1/host" "$TMP/bk/vm"
jq '.cases[0].backend = "dm"' "$TMP/q1/host/results.json" >"$TMP/bk/vm/results.json"
qualify 0 --table "$TMP/bk"
grep -qF -- "- $id1: host fuse, vm dm" "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: a case run on two backends not said"; }
[ "$(jq '[.cases[] | select(.backend_differs)] | length' "$TMP/bk/qualify.json")" = 1 ] ||
	fail "qualify.json: backend_differs is not on the one case"

# Cases that erred before their device existed (backend = dm on a kernel
# without device-mapper, as this host) did not run on dm: the kernel's line
# names the backends cases ran on and the ones that never got a device (it
# said "backend dm and fuse", results.json's requested backend).
printf '[global]\nimage = %s\ndevice_size = 256M\nmodes = syncfs\n[d]\nfs = ext4\nbackend = dm\n[f]\nfs = ext4\nbackend = fuse\n' \
	"$LAYER3" >"$TMP/mix.ini"
[ "$(grep -c device-mapper /proc/misc)" -eq 0 ] || fail "this host has device-mapper: the dm case would run"
mkdir "$TMP/nd" "$TMP/nd1"
rc=0
pc_run "$TMP/mix.ini" -o "$TMP/nd/host" >"$TMP/nd.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/nd.out"; fail "the run with a dm case on a host without dm: exit $rc, expected 3"; }
# The dm case erred for the environment (a kernel feature missing): not
# checked, so the column is not met, and not for a failure of its own:
# exit 3 (it was 1, "some expectation NOT met", as for a kernel losing data).
qualify 3 --table "$TMP/nd"
grep -q '^- host: host, kernel .*, backend fuse (1 case erred before its device existed: dm requested), 2 of 2 cases ran, 1 met their expectation, 1 erred for the environment (not checked), NOT qualified: 1 case not checked: the environment failed it (the host, a tool or a kernel feature: each cell says which), not the kernel losing data$' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: a dm case that never got its device said to have run on dm"; }
[ "$(jq -c '.kernels[0] | [.backends, .no_device]' "$TMP/nd/qualify.json")" = '[["fuse"],1]' ] ||
	fail "qualify.json: backends $(jq -c '.kernels[0]' "$TMP/nd/qualify.json")"
rc=0
pc_run "$TMP/mix.ini" -f 'd/*' -o "$TMP/nd1/host" >"$TMP/nd.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/nd.out"; fail "the run of the dm case: exit $rc, expected 3"; }
qualify 3 --table "$TMP/nd1"
grep -q '^- host: host, kernel .*, backend none (1 case erred before its device existed: dm requested), 1 of 1 cases ran, 0 met' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: an all-errored dm column said to have run a backend"; }

# A folder without one of the cases (a shard not merged): not run, not met.
mkdir "$TMP/t"
cp -r "$TMP/q1/host" "$TMP/t/whole"
cp -r "$TMP/q7/host" "$TMP/t/part"
qualify 1 --table "$TMP/t"
grep -q "^## Qualification of $TMP/tiny.ini\$" "$TMP/q.out" || { cat "$TMP/q.out"; fail "--table: no scenario named"; }
grep -q '^| tiny/ext4/none | yes | not run | pass, lost [0-9]* |$' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: the missing case is not 'not run'"; }
grep -q '^- part: part, kernel .*, 1 of 2 cases ran, 1 met their expectation, some expectation NOT met$' "$TMP/q.out" ||
	{ cat "$TMP/q.out"; fail "--table: the folder missing a case is not said to fall short"; }

# A merged folder short of a shard, every case in it passing: the cases
# the shards planned and that are not there were not checked, so not met.
qualify 0 --kernel host --shard 1/2 "$TMP/tiny.ini" -o "$TMP/q12" -- --workdir "$WORK"
mkdir "$TMP/m12"
scripts/merge-results.sh "$TMP/m12/host" "$TMP/q12/host" >/dev/null 2>&1 && fail "merge without shard 2 exited 0"
qualify 1 --table "$TMP/m12"
grep -q '^- host: host, kernel .*, 1 of 1 cases ran, 1 met their expectation, its results lack 1 of the 2 cases its run planned .*, some expectation NOT met$' \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "--table: a folder short of its planned cases is met"; }
[ "$(jq '.kernels[0].met, .kernels[0].not_planned_run' "$TMP/m12/qualify.json" | tr '\n' ' ')" = "false 1 " ] ||
	fail "qualify.json: the missing shard's case is not counted"
# --table on the shard itself, not merged: its plan is its own share, so
# it looked whole and was qualified (exit 0) with shard 2's case never run.
qualify 1 --table "$TMP/q12"
grep -q '^- host: host, kernel .*, 1 of 1 cases ran, 1 met their expectation, its results are shard 1/2 of its run, not the shards merged .*, NOT qualified$' \
	"$TMP/q.out" || { cat "$TMP/q.out"; fail "--table: one shard, not merged, is qualified"; }
[ "$(jq -r '.kernels[0].unmerged_shard' "$TMP/q12/qualify.json")" = 1/2 ] || fail "qualify.json: the shard not said"
# A results.json edited by hand (an error made a pass) is refused with the
# reader's message, no table (it was tabled as a pass, met, exit 0).
mkdir -p "$TMP/h/host"
jq '.cases[0].outcome = "pass" | .cases[0].verdict = "error"' "$TMP/q1/host/results.json" >"$TMP/h/host/results.json"
qualify 2 --table "$TMP/h"
grep -q "cases\[0\].outcome: 'pass' with verdict 'error'" "$TMP/q.err" || { cat "$TMP/q.err"; fail "--table: the contradiction is not named"; }
[ ! -e "$TMP/h/qualify.md" ] || fail "--table wrote a table of results it did not understand"
# Case ids are never cut (an option matrix's ids reach about 180
# characters, and two may differ only at the end): each row its whole id.
long=g$(printf 'x%.0s' $(seq 1 47))/ext4/mkfs=$(printf 'm%.0s' $(seq 1 40))~0123abcd/mount=$(printf 'o%.0s' $(seq 1 40))~4567ef01
mkdir -p "$TMP/l/host"
jq --arg p "$long" '.cases[].id |= sub("^tiny/ext4"; $p)' "$TMP/q1/host/results.json" >"$TMP/l/host/results.json"
qualify 0 --table "$TMP/l"
for m in none syncfs; do
	grep -qF "| $long/$m |  | pass, lost " "$TMP/l/qualify.md" || { cat "$TMP/l/qualify.md"; fail "--table cut the id $long/$m"; }
done
# A message is escaped as summary.md and compare escape it: markup
# (<TASK> vanished as an HTML tag, *x* became emphasis) is %XX.
mkdir -p "$TMP/mk/host"
jq '.cases[0].outcome = "error" | .cases[0].verdict = "error" | .cases[0].reason = "kernel: <TASK> *x* [l](u) a\\|b`c`"' \
	"$TMP/q1/host/results.json" >"$TMP/mk/host/results.json"
qualify 1 --table "$TMP/mk"
grep -qF '| error (kind not recorded): kernel: %3CTASK%3E %2Ax%2A %5Bl%5D(u) a%5C%7Cb%60c%60 |' "$TMP/mk/qualify.md" ||
	{ cat "$TMP/mk/qualify.md"; fail "--table: markup in a message is not escaped"; }
# A flaky cell gives its rate, as summary.md and compare do ('flaky, lost
# 0' told 1 failing attempt of 2 from 4 of 5).
mkdir -p "$TMP/fl/host"
jq '.cases[0].outcome = "flaky" | .cases[0].flaky_rate = "4/5"' \
	"$TMP/q1/host/results.json" >"$TMP/fl/host/results.json"
qualify 1 --table "$TMP/fl"
grep -q '^| tiny/ext4/[a-z]* |  | flaky 4/5, lost [0-9]* |$' "$TMP/fl/qualify.md" ||
	{ cat "$TMP/fl/qualify.md"; fail "--table: a flaky cell without its rate"; }

assert_no_leftovers
echo "PASS $TEST_NAME"
