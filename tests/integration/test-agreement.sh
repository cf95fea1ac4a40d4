#!/usr/bin/env bash
# scripts/agreement.sh on the host (no VM): two groups of one run, one
# relabelled dm, agree pair by pair (exit 0); the same groups on one backend,
# or differing in more than the backend, are an input error (exit 2); a pair that is an error on both
# sides is ERROR, not an agreement (exit 1, both reasons shown): nothing was
# compared, as when neither backend could run; one side an error is a
# disagreement; a case without a partner is one too; a group against
# itself is a usage error.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
require_sample_image
printf '[global]\nimage = %s\ndevice_size = 512M\nbackend = fuse\nmodes = syncfs\n[a]\nfs = ext4\n[b]\nfs = ext4\n' \
	"$TOP/images/sample/layer3.tar.zst" >"$TMP/ab.ini"
pc_run "$TMP/ab.ini" -o "$TMP/r" >/dev/null || fail "the run failed"

agree() { # WANT DIR: runs agreement.sh DIR a b into $TMP/out
	local rc=0
	scripts/agreement.sh "$2" a b >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" -eq "$1" ] || { cat "$TMP/out"; fail "agreement.sh $2 exited $rc, expected $1"; }
}
# This host has no device-mapper: both groups ran on fuse, which compares
# no backends (an input error).  Group b is then relabelled dm, as the
# agreement scenario's dm group would be in a VM.
agree 2 "$TMP/r"
grep -q '^| ext4/syncfs | SAME BACKEND | pass / pass |' "$TMP/out" || { cat "$TMP/out"; fail "one backend is not SAME BACKEND"; }
grep -q "not the same case on two backends" "$TMP/out" || { cat "$TMP/out"; fail "SAME BACKEND: no reason"; }
mkdir "$TMP/dm" "$TMP/opts"
jq '.cases |= map(if .group == "b" then .backend = "dm" else . end)' "$TMP/r/results.json" >"$TMP/dm/results.json"
# A pair that differs in more than its backend compares no backends either.
jq '.cases |= map(if .group == "b" then .mount_opts = "noatime" else . end)' "$TMP/dm/results.json" >"$TMP/opts/results.json"
agree 2 "$TMP/opts"
grep -q '^- ext4/syncfs: mount_opts "" / "noatime": the pair differs in more than its backend' "$TMP/out" ||
	{ cat "$TMP/out"; fail "SETUP DIFFERS does not name mount_opts"; }
# Both ran the same image, so they tested the same tree (their commit
# records' digest); another tree on one side is another setup, and a side
# without the digest (it erred before its commit) is not.
[ "$(jq -r '[.cases[].tested_sha256] | unique | length' "$TMP/dm/results.json")" = 1 ] &&
	jq -r '.cases[0].tested_sha256' "$TMP/dm/results.json" | grep -qx '[0-9a-f]\{64\}' ||
	fail "the two groups' tested_sha256 are not one digest"
mkdir "$TMP/tree" "$TMP/notree"
jq '.cases |= map(if .group == "b" then .tested_sha256 = ("0" * 64) else . end)' "$TMP/dm/results.json" >"$TMP/tree/results.json"
agree 2 "$TMP/tree"
grep -q '^- ext4/syncfs: tested_sha256 "[0-9a-f]*" / "0*": the pair differs in more than its backend' "$TMP/out" ||
	{ cat "$TMP/out"; fail "SETUP DIFFERS does not name tested_sha256"; }
jq '.cases |= map(if .group == "b" then del(.tested_sha256) else . end)' "$TMP/dm/results.json" >"$TMP/notree/results.json"
agree 0 "$TMP/notree"
# Another scenario key results.json has no field of (crash_subsets here):
# another setup too.
mkdir "$TMP/keys"
jq '.cases |= map(if .group == "b" then .settings |= sub("crash_subsets=0"; "crash_subsets=4") else . end)' \
	"$TMP/dm/results.json" >"$TMP/keys/results.json"
agree 2 "$TMP/keys"
grep -q '^- ext4/syncfs: settings ".*crash_subsets=0.*" / ".*crash_subsets=4.*": the pair differs in more than its backend' "$TMP/out" ||
	{ cat "$TMP/out"; fail "SETUP DIFFERS does not name settings"; }
mv "$TMP/dm/results.json" "$TMP/r/results.json"
agree 0 "$TMP/r"
grep -q '^| ext4/syncfs | agree | pass / pass |' "$TMP/out" || { cat "$TMP/out"; fail "the pair does not agree"; }

# A group against itself compares nothing: a usage error, not "agree".
agree_same=0
scripts/agreement.sh "$TMP/r" a a >"$TMP/out" 2>&1 || agree_same=$?
[ "$agree_same" -eq 2 ] || { cat "$TMP/out"; fail "agreement.sh DIR a a exited $agree_same, expected 2"; }
grep -q "both 'a'" "$TMP/out" || { cat "$TMP/out"; fail "agreement.sh DIR a a does not say why"; }

# Both sides errors (as when neither backend works in the kernel).
mkdir "$TMP/e2" "$TMP/e1" "$TMP/lone"
jq '.cases |= map(.verdict = "error" | .outcome = "error" | .committed = false | .fsck = "skipped"
	| .reason = "backend cannot work here: \(.id)")' "$TMP/r/results.json" >"$TMP/e2/results.json"
agree 1 "$TMP/e2"
grep -q '^| ext4/syncfs | ERROR | error / error |' "$TMP/out" || { cat "$TMP/out"; fail "two errors are not ERROR"; }
grep -q '^- ext4/syncfs: a: backend cannot work here: a/ext4/syncfs | b: backend cannot work here: b/ext4/syncfs$' \
	"$TMP/out" || { cat "$TMP/out"; fail "the two reasons are not shown"; }
grep -q '^1 pairs, 0 agree, 1 do not' "$TMP/out" || { cat "$TMP/out"; fail "the count"; }

# Errors say their kind (results.json error_class): the host failing one
# side (environment) is told from a backend's own error.
mkdir "$TMP/ek"
jq '.cases |= map(.verdict = "error" | .outcome = "error" | .committed = false | .fsck = "skipped"
	| .reason = "host EIO: \(.id)" | .error_class = (if .group == "a" then "environment" else "case" end)
	| .error_exit = (if .group == "a" then 3 else 1 end))' "$TMP/r/results.json" >"$TMP/ek/results.json"
agree 1 "$TMP/ek"
grep -q '^| ext4/syncfs | ERROR | error (environment) / error (case) |' "$TMP/out" || { cat "$TMP/out"; fail "the errors' kinds are not shown"; }

# One side an error: a disagreement.
jq '.cases |= map(if .id == "b/ext4/syncfs" then .verdict = "error" | .reason = "dm: no target" else . end)' \
	"$TMP/r/results.json" >"$TMP/e1/results.json"
agree 1 "$TMP/e1"
grep -q '^| ext4/syncfs | DISAGREE | pass / error |' "$TMP/out" || { cat "$TMP/out"; fail "pass / error is not DISAGREE"; }

# A case without a partner.
jq '.cases |= map(select(.id != "b/ext4/syncfs"))' "$TMP/r/results.json" >"$TMP/lone/results.json"
agree 1 "$TMP/lone"
grep -q '^| ext4/syncfs | unpaired | only in a |' "$TMP/out" || { cat "$TMP/out"; fail "the lone case is not unpaired"; }

assert_no_leftovers
echo "PASS $TEST_NAME"
