#!/usr/bin/env bash
# The dm backend under outside interference, in one VM boot under Debian's
# kernel (the host has no device-mapper).  A decoy dm device of someone
# else's stays untouched throughout.  One-case runs, each with a fake tool
# that waits while the guest script acts:
#   name     a dm device named as powercut's first one (pc-PID-0) exists:
#            the run takes the next name and passes; that device and the
#            decoy are untouched (was: create failed, exit 1);
#   held     another process holds the dm device exclusively at mkfs:
#            exit 3 naming it; once it lets go, nothing of the case is left
#            (the device was left behind: now a deferred remove);
#   removed  someone removes the dm device between mkfs and the mount:
#            exit 3, "removed by something else" (was exit 1, "blkid probe
#            ...: No such file or directory");
#   replaced ... and makes another of the same name: exit 3, and powercut
#            leaves that other device alone (it removed it by name);
#   table    someone loads an error table into the device (dmsetup reload
#            and resume) during the workload: exit 3 naming the table
#            change (the reason blamed the disk under the work folder);
#   killed   powercut SIGKILLed during fsck with crash points (dm-flakey on
#            dm-log-writes, two loop devices): powercut cleanup leaves no
#            dm device, loop device or mount, and the decoy.
# Takes about 4 minutes under TCG.  PC_SKIP_VM=1 makes run.sh skip it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
command -v python3 > /dev/null || fail "python3 is needed to hold the device"

# The guest sees the results folder at the same path; its /tmp is a tmpfs.
out=$(mktemp -d "$TOP/results/test-vm-dm-interfered.XXXXXX")
trap 'rm -rf "$out"; cleanup_tmp' EXIT
mkdir "$out/tree"
echo hello > "$out/tree/file"
tar -C "$out/tree" -czf "$out/layer.tar.gz" .
printf '[global]\nimage = %s/layer.tar.gz\nbackend = dm\ndevice_size = 64M\nfs = ext4\nmodes = fsync\n' \
	"$out" > "$out/one.ini"
printf '[global]\nimage = %s/layer.tar.gz\nbackend = dm\ndevice_size = 64M\nfs = ext4\nmodes = fsync\ncrash_points = 2\n' \
	"$out" > "$out/cp.ini"
printf '[j]\nrw=randwrite\nsize=4m\nverify=crc32c\nsync=1\n' > "$out/j.fio"
printf '[global]\nbackend = dm\ndevice_size = 64M\n[g]\nworkload = fio j.fio\nfs = ext4\ncut_at = end\nexpect = any\n' \
	> "$out/fio.ini"

cat > "$out/guest.sh" <<'GUEST'
#!/usr/bin/env bash
# Runs in the guest: every outcome goes to files in $E for the host to judge.
E=$1
PC=$PWD/powercut
real_mkfs=$(command -v mkfs.ext4) real_fsck=$(command -v e2fsck) real_fio=$(command -v fio)
state() { # NAME: what is left, into $E/NAME.state
	# A deferred remove and autoclear loops go once let go: a moment.
	for _ in $(seq 50); do
		[ -z "$(dmsetup ls | grep '^pc-')$(losetup -a)" ] && break
		sleep 0.2
	done
	{ echo "dm: $(dmsetup ls 2>&1 | awk '{print $1}' | sort | tr '\n' ' ')"
	  echo "loops: $(losetup -a 2>&1 | tr '\n' ' ')"
	  echo "mounts: $(awk '$5 ~ /^\/var\/tmp\// {print $5}' /proc/self/mountinfo | tr '\n' ' ')"
	} > "$E/$1.state"
}
# A fake TOOL in $E/bin-NAME: touches $E/started and waits for $E/go,
# before (pre) or after (post) running the real one.
mkfake() { # NAME TOOL REAL pre|post
	mkdir -p "$E/bin-$1"
	local wait="touch $E/started; for i in \$(seq 1200); do [ -e $E/go ] && break; sleep 0.1; done"
	{ echo '#!/usr/bin/env bash'
	  echo "case \" \$* \" in *' --parse-only '*|*' --showcmd '*|*' --create_only=1 '*) exec $3 \"\$@\" ;; esac"
	  if [ "$4" = post ]; then echo "$3 \"\$@\"; rc=\$?"; echo "$wait"; echo 'exit $rc'
	  else echo "$wait"; echo "exec $3 \"\$@\""; fi
	} > "$E/bin-$1/$2"
	chmod 755 "$E/bin-$1/$2"
}
holder=
hold() { # DEV: open it O_EXCL from outside powercut's tools
	rm -f "$E/holder.pid"
	python3 -c "import os,sys,time
fd=os.open(sys.argv[1], os.O_RDONLY|os.O_EXCL); open(sys.argv[2],'w').write(str(os.getpid())); time.sleep(600)" \
		"$1" "$E/holder.pid" < /dev/null > /dev/null 2>&1 &
	holder=$!
	for _ in $(seq 100); do [ -s "$E/holder.pid" ] && break; sleep 0.1; done
}
# interfere NAME TOOL REAL pre|post INI ACTION: run INI with the fake tool;
# once it waits, do ACTION ($dev: the case's dm device); exit status into
# $E/NAME.rc.
interfere() {
	rm -f "$E/go" "$E/started"
	mkfake "$1" "$2" "$3" "$4"
	PATH="$E/bin-$1:$PATH" "$PC" run "$E/$5" -o "$E/$1" > "$E/$1.log" 2>&1 &
	local pid=$! rc=0
	for _ in $(seq 1200); do
		[ -e "$E/started" ] && break
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
	done
	dev=$(ls /dev/mapper/pc-* 2> /dev/null | head -1)
	eval "$6"
	touch "$E/go"
	wait $pid || rc=$?
	echo $rc > "$E/$1.rc"
}
dmsetup create decoy --table '0 8 error'
dmsetup table decoy > "$E/decoy.before"

# name: pc-PID-0 exists before powercut (exec keeps the pid) starts;
# POWERCUT_DEBUG: the dm backend says which udev path it took.
bash -c 'dmsetup create "pc-$$-0" --table "0 8 error" && echo "pc-$$-0" > "$1/name.dev" &&
	exec env POWERCUT_DEBUG=1 "$2" run "$1/one.ini" -o "$1/name"' _ "$E" "$PC" > "$E/name.log" 2>&1
echo $? > "$E/name.rc"
dmsetup table "$(cat "$E/name.dev")" > "$E/name.table" 2>&1
dmsetup remove "$(cat "$E/name.dev")"

interfere held mkfs.ext4 "$real_mkfs" pre one.ini 'hold $dev; cp $E/holder.pid $E/held.holder'
kill "$holder"; wait "$holder" 2> /dev/null
state held
interfere removed mkfs.ext4 "$real_mkfs" post one.ini 'dmsetup remove $dev'
state removed
interfere replaced mkfs.ext4 "$real_mkfs" post one.ini \
	'echo ${dev##*/} > $E/replaced.dev; dmsetup remove $dev && dmsetup create ${dev##*/} --table "0 8 error"'
dmsetup table "$(cat "$E/replaced.dev")" > "$E/replaced.table" 2>&1
dmsetup remove "$(cat "$E/replaced.dev")"
state replaced
interfere table fio "$real_fio" pre fio.ini \
	'dmsetup reload $dev --table "0 $(blockdev --getsz $dev) error" && dmsetup resume $dev'
state table

# killed: SIGKILL while e2fsck waits, then powercut cleanup.
rm -f "$E/go" "$E/started"
mkfake killed e2fsck "$real_fsck" pre
PATH="$E/bin-killed:$PATH" "$PC" run "$E/cp.ini" -o "$E/killed" > "$E/killed.log" 2>&1 &
pid=$!
for _ in $(seq 1200); do [ -e "$E/started" ] && break; sleep 0.1; done
state killed-before
kill -9 $pid
wait $pid
touch "$E/go"
sleep 1
"$PC" cleanup -v > "$E/cleanup.log" 2>&1
echo $? > "$E/cleanup.rc"
state killed
dmsetup table decoy > "$E/decoy.after"
dmsetup remove decoy
GUEST

rc=0
scripts/vm-run --debian-kernel --timeout 1200 --results "$out" -- \
	bash "$out/guest.sh" "$out" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
if [ "$rc" -ne 0 ]; then
	cat "$TMP/stderr"
	tail -n 40 "$out/vm-console.log" 2> /dev/null || true
	fail "vm-run exited $rc"
fi
reason() { jq -r '.cases[0].reason' "$out/$1/results.json"; }
rc_of() { cat "$out/$1.rc"; }
# Nothing of powercut's in STATE: no pc- device but those listed, no loop
# device, no mount below /var/tmp.
assert_clean() { # NAME
	grep -qx 'dm: decoy ' "$out/$1.state" || fail "$1: dm devices left: $(cat "$out/$1.state")"
	grep -qx 'loops: ' "$out/$1.state" || fail "$1: loop devices left: $(cat "$out/$1.state")"
	grep -qx 'mounts: ' "$out/$1.state" || fail "$1: mounts left: $(cat "$out/$1.state")"
}

[ "$(rc_of name)" -eq 0 ] || { cat "$out/name.log"; fail "name: exit $(rc_of name), expected 0"; }
grep -q '^0 8 error' "$out/name.table" || fail "name: the device named pc-PID-0 was touched: $(cat "$out/name.table")"
# No udev in this guest (test-vm-dm has it): libdevmapper makes the nodes.
grep -q 'powercut: dm: udev sync off (DM_DISABLE_UDEV is set)' "$out/name.log" ||
	fail "name: without udev the dm backend did not report udev sync off: $(cat "$out/name.log")"
grep -q 'powercut: dm: /dev/mapper/pc-[0-9-]* is a device node (made by libdevmapper)' "$out/name.log" ||
	fail "name: without udev libdevmapper did not make the /dev/mapper node"

[ "$(rc_of held)" -eq 3 ] || fail "held: exit $(rc_of held), expected 3: $(reason held)"
case "$(reason held)" in
*"in use by another process, pid $(cat "$out/held.holder") (python3)"*) ;;
*) fail "held: the reason does not name the holder: $(reason held)" ;;
esac
grep -q 'deferred remove' "$out/held.log" || fail "held: no deferred remove said: $(cat "$out/held.log")"
assert_clean held

[ "$(rc_of removed)" -eq 3 ] || fail "removed: exit $(rc_of removed), expected 3: $(reason removed)"
case "$(reason removed)" in
*"was removed by something else on the machine"*) ;;
*) fail "removed: the reason does not say so: $(reason removed)" ;;
esac
assert_clean removed

[ "$(rc_of replaced)" -eq 3 ] || fail "replaced: exit $(rc_of replaced), expected 3: $(reason replaced)"
grep -q '^0 8 error' "$out/replaced.table" ||
	fail "replaced: powercut took over or removed the other device of its name: $(cat "$out/replaced.table")"
case "$(reason replaced)" in
*"was removed by something else on the machine"*) ;;
*) fail "replaced: the reason does not say so: $(reason replaced)" ;;
esac
assert_clean replaced

[ "$(rc_of table)" -eq 3 ] || fail "table: exit $(rc_of table), expected 3: $(reason table)"
case "$(reason table)" in
*"table was changed by something else on the machine"*"holds 'error"*) ;;
*) fail "table: the reason does not name the table change: $(reason table)" ;;
esac
assert_clean table

grep -q '^dm: decoy pc-[0-9]*-0 pc-[0-9]*-1 $' "$out/killed-before.state" ||
	fail "killed: not two dm devices before the kill: $(cat "$out/killed-before.state")"
[ "$(cat "$out/cleanup.rc")" -eq 0 ] || fail "cleanup exited $(cat "$out/cleanup.rc"): $(cat "$out/cleanup.log")"
grep -q 'removed dm device pc-' "$out/cleanup.log" || fail "cleanup removed no dm device: $(cat "$out/cleanup.log")"
grep -q decoy "$out/cleanup.log" && fail "cleanup named the decoy: $(cat "$out/cleanup.log")"
assert_clean killed
cmp -s "$out/decoy.before" "$out/decoy.after" || fail "the decoy's table changed"
pass
