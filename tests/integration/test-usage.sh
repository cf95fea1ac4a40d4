#!/usr/bin/env bash
# The command line's documented answers (README "Exit status", powercut(1)
# EXIT STATUS, each --help): help topics, option values checked when given
# (--platform, --known, unpack -m) before anything is done, and the
# scripts' --help (exit 0, on standard output) and exit 3 when qualify
# cannot make its folder.  No device, no VM.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(id -u)" -eq 0 ] || fail "needs root (unpack)"
[ -x "$POWERCUT" ] || fail "$POWERCUT not built (run make)"

# expect WANT_RC PATTERN CMD...: CMD exits WANT_RC and its output (both
# streams) matches the extended regex PATTERN.
expect() {
	local want=$1 pattern=$2 rc=0
	shift 2
	"$@" >"$TMP/out" 2>&1 </dev/null || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$TMP/out"; fail "$* exited $rc, expected $want"; }
	grep -Eq -- "$pattern" "$TMP/out" || { cat "$TMP/out"; fail "$*: no '$pattern' in its output"; }
}

mkdir -p "$TMP/tree/etc"
echo hello >"$TMP/tree/etc/hello"
tar -C "$TMP/tree" -cf "$TMP/layer.tar" .

# getopt's own messages name the command as the others do.
expect 2 "^powercut run: unrecognized option '--nope'" "$POWERCUT" run --nope x.ini

# help: keys, a command's help, nothing else.
expect 0 '^image = ' "$POWERCUT" help keys
expect 0 '^usage: powercut verify ' "$POWERCUT" help verify
expect 2 "no help on 'nope'" "$POWERCUT" help nope
expect 2 'one topic' "$POWERCUT" help keys run
expect 2 "unknown command '%1B\[31m" "$POWERCUT" $'\e[31m'

# What cannot be written to standard output is no success (was exit 0).
expect 3 'inspect: cannot write standard output' sh -c '"$0" inspect "$1" >/dev/full' "$POWERCUT" "$TMP/layer.tar"
# so is a manifest not written, as inspect (was exit 2, an input error)
expect 3 'writing manifest \(standard output\): No space' sh -c '"$0" manifest "$1" >/dev/full' "$POWERCUT" "$TMP/layer.tar"
expect 3 'write standard output: No space' sh -c '"$0" manifest --mtree "$1" >/dev/full' "$POWERCUT" "$TMP/layer.tar"
expect 3 'writing manifest /dev/full: No space' "$POWERCUT" manifest -o /dev/full "$TMP/layer.tar"
expect 3 'run --list: cannot write standard output' sh -c '"$0" run --list scenarios/default.ini >&-' "$POWERCUT"
# run --list-inputs: each file the run reads once, KIND and absolute PATH
# (as a name: a '%' is %25), a lost standard output exit 3 as for --list.
expect 3 'run --list-inputs: cannot write standard output' sh -c '"$0" run --list-inputs scenarios/default.ini >&-' "$POWERCUT"
cp scenarios/jobs/randwrite-sync.fio "$TMP/50%.fio"
printf '[global]\nexpect = any\n[a]\nworkload = fio 50%%.fio\nfs = ext4\n[b]\nworkload = fio 50%%.fio\nfs = xfs\n' > "$TMP/in.ini"
printf 'x # r\n' > "$TMP/k.txt"
(cd "$TMP" && "$POWERCUT" run --list-inputs in.ini --known k.txt --filter 'b/*') > "$TMP/inputs" ||
	fail "run --list-inputs exited $?"
printf 'scenario %s/in.ini\nfio-job %s/50%%25.fio\nknown %s/k.txt\n' "$TMP" "$TMP" "$TMP" | cmp -s - "$TMP/inputs" ||
	{ cat "$TMP/inputs"; fail "run --list-inputs: not the scenario, its one fio job and --known's file"; }
# run --list checks -w and -o as a run does before it starts (exit 2;
# --list -w /nonexistent listed the cases, exit 0, that a run refused),
# and makes nothing.  --list-inputs does not: scripts/vm-run lists a
# guest's run on the host, whose -w is the guest's /var/tmp.
printf '[g]\nworkload = fio 50%%.fio\nfs = ext4\nexpect = any\n' > "$TMP/one.ini"
expect 2 'work folder base /nonexistent .*No such file' "$POWERCUT" run --list -w /nonexistent "$TMP/one.ini"
expect 2 'work folder base .*/in.ini: not a folder' "$POWERCUT" run --list -w "$TMP/in.ini" "$TMP/one.ini"
mkdir "$TMP/done" "$TMP/open"
: > "$TMP/done/results.json"
chmod 777 "$TMP/open"
expect 2 "results folder .*/done already holds a run's results \(results.json\)" \
	"$POWERCUT" run --list -o "$TMP/done" "$TMP/one.ini"
expect 2 'results folder .*/open: others can write to it' "$POWERCUT" run --list -o "$TMP/open" "$TMP/one.ini"
expect 0 '^g/ext4/none$' "$POWERCUT" run --list -w "$TMP" -o "$TMP/new/res" "$TMP/one.ini"
[ ! -e "$TMP/new" ] || fail "run --list made its -o folder $TMP/new/res"
[ "$(ls -A "$TMP/done")" = results.json ] || fail "run --list wrote in $TMP/done: $(ls -A "$TMP/done")"
expect 0 '^fio-job ' "$POWERCUT" run --list-inputs -w /nonexistent -o "$TMP/done" "$TMP/one.ini"
expect 3 'help keys: cannot write' sh -c '"$0" help keys >/dev/full' "$POWERCUT"
expect 0 '^powercut [0-9]' "$POWERCUT" --version
# Words after --version or --help were ignored (exit 0): --help TOPIC is
# help TOPIC, --version takes none.
expect 2 "--version takes no argument, not 'x'" "$POWERCUT" --version x
expect 0 '^usage: powercut verify ' "$POWERCUT" --help verify
expect 2 "no help on 'nope'" "$POWERCUT" -h nope
expect 3 '--version: cannot write' sh -c '"$0" --version >/dev/full' "$POWERCUT"

# --platform: empty or malformed is refused even where nothing has platforms.
expect 2 '--platform: empty value' "$POWERCUT" inspect "$TMP/layer.tar" --platform=
expect 2 "bad platform 'linux'" "$POWERCUT" manifest "$TMP/layer.tar" --platform linux
expect 2 "bad platform 'x'" "$POWERCUT" run --list scenarios/default.ini --platform x
expect 0 'layers: 1' "$POWERCUT" inspect "$TMP/layer.tar" --platform linux/arm64
expect 2 '--shard given twice' "$POWERCUT" run --list scenarios/default.ini --shard 1/2 -s 2/2
expect 2 '--known: empty value' "$POWERCUT" compare "$TMP" "$TMP" --known=

# unpack -m: refused before DIR is made or anything unpacked.
mkdir "$TMP/afolder"
expect 2 '--manifest: empty value' "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u" -m ''
expect 2 'is a folder' "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u" -m "$TMP/afolder"
expect 2 "its folder $TMP/nowhere" "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u" -m "$TMP/nowhere/m"
expect 2 "image $TMP/no.tar: No such file" "$POWERCUT" unpack "$TMP/no.tar" "$TMP/u"
[ ! -e "$TMP/u" ] || fail "unpack made DIR although -m or the image was refused"
expect 0 'unpacked 1 layers' "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u" -m "$TMP/u.manifest"
# An output file that cannot be made for the machine's reason (a read-only
# filesystem) is exit 3 naming it and the errno, as the help says: manifest
# -o was exit 2 (an input error), unpack -m exit 1 (the unpack failed).
mkdir "$TMP/ro"
mount -t tmpfs -o ro,size=1m,mode=0755 pc-it-ro "$TMP/ro"
trap 'umount "$TMP/ro" 2> /dev/null || true; cleanup_tmp' EXIT
expect 3 "create $TMP/ro/m: Read-only file system" "$POWERCUT" manifest -o "$TMP/ro/m" "$TMP/layer.tar"
expect 3 "create $TMP/ro/m: Read-only file system" "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u2" -m "$TMP/ro/m"
umount "$TMP/ro"
expect 0 'intact' "$POWERCUT" verify "$TMP/u.manifest" "$TMP/u"

# The scripts' --help: exit 0, the text on standard output.
for s in "scripts/qualify --help" "scripts/vm-run --help" "scripts/merge-results.sh --help" \
	 "scripts/bench.sh --help" "scripts/agreement.sh --help" "scripts/agreement.sh -h"; do
	rc=0
	$s >"$TMP/help" 2>"$TMP/help.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$s exited $rc, expected 0"
	[ -s "$TMP/help" ] || fail "$s printed nothing on standard output"
done
expect 2 'usage' scripts/merge-results.sh
expect 2 '--shard given twice' scripts/qualify --kernel host scenarios/default.ini -o "$TMP/q2" --shard 1/2 --shard 2/2
# bench.sh's values are checked before anything runs (a missing one was
# "$2: unbound variable", exit 1; -r 0 started a benchmark).
expect 2 '-r needs a value' scripts/bench.sh -r
expect 2 "-r '0': expected a count" scripts/bench.sh -r 0
expect 2 '--fs needs a value' scripts/bench.sh --fs ''
expect 2 'unknown option' scripts/vm-run --nope
expect 2 "--mem '0': expected a positive" scripts/vm-run --debian-kernel --mem 0 -- true
expect 2 'OUT is empty' scripts/merge-results.sh '' "$TMP" "$TMP"

# qualify: a folder it cannot make is not a kernel that failed (1) but 3.
chmod 755 "$TMP"
mkdir -m 755 "$TMP/rootonly"
expect 3 'cannot make the results folder' run_as_nobody \
	scripts/qualify --kernel host scenarios/default.ini -o "$TMP/rootonly/q"

# The contents of README and docs/design.md: every link goes to a heading
# (GitHub's anchors: lower case, punctuation but - and _ dropped, spaces
# as -), and every section (##) is listed.
for doc in README.md docs/design.md; do
python3 - "$TOP/$doc" <<'PY' || fail "$doc: its contents and headings disagree"
import re, sys
text = re.sub(r"^```.*?^```", "", open(sys.argv[1]).read(), flags=re.M | re.S)
heads = re.findall(r"^(##|###) (.*)$", text, re.M)
anchor = lambda t: re.sub(r"[^\w\- ]", "", t.lower()).replace(" ", "-")
anchors = {anchor(t) for _, t in heads}
toc = text.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
links = re.findall(r"\]\(#([^)]*)\)", toc)
bad = [l for l in links if l not in anchors]
missing = [t for l, t in heads if l == "##" and t != "Contents" and anchor(t) not in links]
for b in bad: print("README contents: no heading for #" + b)
for m in missing: print("README contents: section not listed: " + m)
sys.exit(1 if bad or missing or not links else 0)
PY
done
pass
