#!/usr/bin/env bash
# README: `sudo make run` and `sudo make check` work on a fresh Debian 12
# machine, "make calls scripts/install-deps.sh when something is missing".
# Make knew only the libraries pkg-config finds: with them all there and a
# tool missing (valgrind, clang, fio, qemu, a package install-deps.sh gained
# since), make check started and failed on "command not found".  Every goal
# that runs something (run, check and its parts, fuzz, the sanitized builds)
# now runs install-deps.sh first when make runs as root (README's sudo make
# run, sudo make check); a plain build, make unit and another user's make
# do not.  A fake
# dpkg-query says one package is missing, a fake apt-get records what it was
# asked; make -n runs no recipe, so nothing is built or installed.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root (install-deps.sh installs only as root)"

mkdir -p "$TMP/bin"
cat >"$TMP/bin/dpkg-query" <<'FAKE'
#!/bin/sh
# installed, but for valgrind
for a; do last=$a; done
[ "$last" = valgrind ] && exit 1
printf 'install ok installed'
FAKE
printf '#!/bin/sh\necho "$*" >>"%s/apt.log"\n' "$TMP" >"$TMP/bin/apt-get"
chmod +x "$TMP/bin/dpkg-query" "$TMP/bin/apt-get"

for goal in run check unit-valgrind integration integration-asan fuzz-ci powercut-asan; do
	rm -f "$TMP/apt.log"
	PATH="$TMP/bin:$PATH" make -n "$goal" >"$TMP/make.out" 2>&1 ||
		{ cat "$TMP/make.out"; fail "make -n $goal exited $?"; }
	grep -q 'install.* valgrind' "$TMP/apt.log" 2>/dev/null ||
		{ cat "$TMP/make.out"; fail "make $goal did not install the missing package (install-deps.sh not run)"; }
done
for goal in all unit; do
	rm -f "$TMP/apt.log"
	PATH="$TMP/bin:$PATH" make -n $goal >"$TMP/make.out" 2>&1 || { cat "$TMP/make.out"; fail "make -n $goal exited $?"; }
	[ ! -e "$TMP/apt.log" ] || fail "make $goal ran install-deps.sh although its libraries are there"
done
# Another user's make cannot install: it goes on (install-deps.sh would
# exit 3, 'run as root').
rm -f "$TMP/apt.log"
chmod 755 "$TMP" "$TMP/bin"
PATH="$TMP/bin:$PATH" run_as_nobody make -n -C "$TOP" run >"$TMP/make.out" 2>&1 ||
	{ cat "$TMP/make.out"; fail "make -n run as another user exited $?"; }
[ ! -e "$TMP/apt.log" ] || fail "make run as another user ran install-deps.sh"

# install-deps.sh itself, not root: exit 3 with the command that installs
# (it said "run as root (sudo)", not what to run).
rc=0
PATH="$TMP/bin:$PATH" run_as_nobody \
	bash "$TOP/scripts/install-deps.sh" >"$TMP/deps.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$TMP/deps.out"; fail "install-deps.sh as another user: exit $rc, expected 3"; }
grep -q "^install-deps: missing packages: valgrind; install them as root: sudo bash $TOP/scripts/install-deps.sh$" \
	"$TMP/deps.out" || { cat "$TMP/deps.out"; fail "install-deps.sh as another user: no command to run"; }
[ ! -e "$TMP/apt.log" ] || fail "install-deps.sh as another user ran apt-get"

# install-deps.sh failing stops make before any recipe.
printf '#!/bin/sh\nexit 100\n' >"$TMP/bin/apt-get"
rc=0
PATH="$TMP/bin:$PATH" make -n run >"$TMP/make.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { cat "$TMP/make.out"; fail "make run went on although install-deps.sh failed"; }
grep -q 'install-deps.sh failed' "$TMP/make.out" || { cat "$TMP/make.out"; fail "make run does not say install-deps.sh failed"; }
echo "PASS $TEST_NAME"
