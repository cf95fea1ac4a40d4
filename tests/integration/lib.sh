# lib.sh - shared helpers for the integration tests (sourced).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
POWERCUT="$TOP/powercut"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/pc-it.$TEST_NAME.XXXXXX")

fail() {
	echo "FAIL $TEST_NAME: $*" >&2
	exit 1
}

# Nothing of ours may be left: mounts, loop devices, FUSE servers.
assert_no_leftovers() {
	local what=""
	if grep -qE ' (/var/tmp/powercut\.|'"$TMP"')' /proc/self/mountinfo; then
		what+=" mounts:$(grep -E ' (/var/tmp/powercut\.|'"$TMP"')' /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')"
	fi
	if losetup -a 2>/dev/null | grep -qE 'powercut\.|'"$TMP"; then
		what+=" loops:$(losetup -a | grep -E 'powercut\.|'"$TMP" | tr '\n' ' ')"
	fi
	if pgrep -f -- '__fuse-server' >/dev/null; then
		what+=" fuse-servers:$(pgrep -f -- '__fuse-server' | tr '\n' ' ')"
	fi
	[ -z "$what" ] || fail "left behind:$what"
}

cleanup_tmp() {
	"$POWERCUT" cleanup >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup_tmp EXIT

# jq on a case of results.json: case_field DIR ID FILTER
case_field() {
	jq -r --arg id "$2" ".cases[] | select(.id == \$id) | $3" "$1/results.json"
}

pass() {
	echo "PASS $TEST_NAME"
}
