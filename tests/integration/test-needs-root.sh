#!/usr/bin/env bash
# The command table's NEEDS_ROOT (harness/cmd/main.c, cmd_ready): run as an
# unprivileged user, every root command stops with exit 3 and the one
# message "powercut: NAME: must be root (WHY)" once its arguments are
# parsed, having touched nothing; its --help, a bad option (2), a missing
# argument (2) and `run --list` behave as for root.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root (to become another user)"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"

# Everything the other user reads lives in $TMP (the checkout need not be
# readable to it).
chmod 755 "$TMP"
cp "$POWERCUT" "$TMP/powercut"
mkdir -p "$TMP/tree/etc"
echo hello > "$TMP/tree/etc/hello"
tar -C "$TMP/tree" -cf "$TMP/layer.tar" .
cat > "$TMP/one.ini" <<INI
[global]
image = $TMP/layer.tar
backend = fuse
fs = ext4
modes = none syncfs
INI
chmod 644 "$TMP/layer.tar" "$TMP/one.ini"

# as_nobody WANT_RC OUT ARGS...: run powercut as nobody, stdout to $TMP/OUT,
# stderr to $TMP/OUT.err; fail unless it exits WANT_RC.
as_nobody() {
	local want=$1 out=$2 rc=0
	shift 2
	(cd "$TMP" && setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TMP/powercut" "$@") > "$TMP/$out" 2> "$TMP/$out.err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/$out.err"; fail "as nobody: powercut $* exited $rc, expected $want"; }
}

# command, arguments that parse, what it does as root (the message's WHY)
check_root_command() {
	local name=$1 why=$2
	shift 2
	as_nobody 3 "$name" "$name" "$@"
	local want="powercut: $name: must be root ($why)"
	[ "$(cat "$TMP/$name.err")" = "$want" ] ||
		fail "$name as nobody said '$(cat "$TMP/$name.err")', expected '$want'"
	[ ! -s "$TMP/$name" ] || fail "$name as nobody printed on stdout: $(cat "$TMP/$name")"
	# --help: for anyone, on stdout, exit 0.
	as_nobody 0 "$name.help" "$name" --help
	grep -q "^usage: powercut $name" "$TMP/$name.help" || fail "$name --help: no usage"
	# A bad option is a usage error (2) before the root check.
	as_nobody 2 "$name.bad" "$name" --no-such-option
	grep -q "^usage: powercut $name" "$TMP/$name.bad.err" || fail "$name --no-such-option: no usage on stderr"
	! grep -q "must be root" "$TMP/$name.bad.err" || fail "$name --no-such-option: root checked before the options"
	echo "  $name: exit 3 as nobody; --help 0, bad option 2"
}

check_root_command run "it attaches loop devices and mounts filesystems" "$TMP/one.ini"
check_root_command unpack "owners, device nodes and trusted.* xattrs; it chroots" \
	"$TMP/layer.tar" "$TMP/target"
[ ! -e "$TMP/target" ] || fail "unpack as nobody created its target"
check_root_command cleanup "it unmounts and detaches devices"
check_root_command probe "it attaches a loop device"
# As another user verify would read neither the files it may not open nor
# trusted.* xattrs (an unexpected trusted.overlay.opaque would pass).
check_root_command verify "it reads every file whatever its mode, and trusted.* xattrs" \
	"$TMP/manifest" "$TMP/tree"

# An input only root may read is no input error as another user: the run
# says it must be root (3) before it reads its scenario.  Before, "image:
# ... Permission denied", exit 2, blamed the input.
mkdir -m 700 "$TMP/rootonly"
cp "$TMP/layer.tar" "$TMP/rootonly/layer.tar"
printf '[global]\nimage = %s\nfs = ext4\nmodes = none\n' "$TMP/rootonly/layer.tar" > "$TMP/private.ini"
chmod 644 "$TMP/private.ini"
check_root_command run "it attaches loop devices and mounts filesystems" "$TMP/private.ini"
as_nobody 2 private-list run --list "$TMP/private.ini"
grep -q "image: $TMP/rootonly/layer.tar: Permission denied" "$TMP/private-list.err" ||
	fail "run --list as nobody of an image it cannot read: $(cat "$TMP/private-list.err")"

# Usage errors after the options are still 2, not 3.
as_nobody 2 run-noarg run
as_nobody 2 unpack-onearg unpack "$TMP/layer.tar"
as_nobody 2 cleanup-arg cleanup extra
as_nobody 2 probe-size probe --size 1
echo "  missing or extra arguments: 2 as nobody"

# run --list touches nothing: it needs no root.
as_nobody 0 list run --list "$TMP/one.ini"
[ "$(wc -l < "$TMP/list")" -eq 2 ] || fail "run --list as nobody: $(cat "$TMP/list")"
echo "  run --list as nobody: $(tr '\n' ' ' < "$TMP/list")"
# fio's set-up check is root's, as the cases' fio: another user's fio
# refused nice=-5, which root's runs
printf '[j]\nrw=randwrite\nsize=1m\nverify=crc32c\nnice=-5\n' > "$TMP/nice.fio"
printf '[g]\nworkload = fio nice.fio\nfs = ext4\nexpect = any\n' > "$TMP/nice.ini"
chmod 644 "$TMP/nice.fio" "$TMP/nice.ini"
as_nobody 0 nicelist run --list "$TMP/nice.ini"
[ "$(cat "$TMP/nicelist")" = g/ext4/none ] || fail "run --list of a nice=-5 job as nobody: $(cat "$TMP/nicelist")"

# Commands without the flag run for anyone.
as_nobody 0 manifest manifest "$TMP/layer.tar"
grep -q '^etc/hello type=reg' "$TMP/manifest" || fail "manifest as nobody: $(cat "$TMP/manifest")"
echo "  manifest as nobody: exit 0"
pass
