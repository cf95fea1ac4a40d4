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
# A DIR that cannot name a folder is the argument's fault (it was exit 1,
# "the unpack failed").
expect 2 "mkdir $TMP/layer.tar/d: Not a directory" "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/layer.tar/d"
expect 0 'unpacked 1 layers' "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u" -m "$TMP/u.manifest"
# An output file that cannot be made for the machine's reason (a read-only
# filesystem) is exit 3 naming it and the errno, as the help says: manifest
# -o was exit 2 (an input error), unpack -m exit 1 (the unpack failed).
mkdir "$TMP/ro"
mount -t tmpfs -o ro,size=1m,mode=0755 pc-it-ro "$TMP/ro"
trap 'umount "$TMP/ro" 2> /dev/null || true; cleanup_tmp' EXIT
expect 3 "create $TMP/ro/m: Read-only file system" "$POWERCUT" manifest -o "$TMP/ro/m" "$TMP/layer.tar"
expect 3 "create $TMP/ro/m: Read-only file system" "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/u2" -m "$TMP/ro/m"
# unpack's DIR on a read-only or full file system is the machine's too
# (exit 3, as a full results or work folder is): it was exit 1, "the
# unpack failed", and a read-only DIR said "Failed to create dir 'etc': No
# such file or directory".  1 stays for DIR's file system refusing an entry.
expect 3 "mkdir $TMP/ro/new: Read-only file system" "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/ro/new"
mount -o remount,rw "$TMP/ro" && mkdir "$TMP/ro/d" && mount -o remount,ro "$TMP/ro"
expect 3 "unpack into $TMP/ro/d: Read-only file system" "$POWERCUT" unpack "$TMP/layer.tar" "$TMP/ro/d"
umount "$TMP/ro"
mount -t tmpfs -o size=1m,mode=0755 pc-it-full "$TMP/ro"
mkdir -p "$TMP/big"
head -c 2M /dev/urandom > "$TMP/big/blob"
tar -C "$TMP/big" -cf "$TMP/big.tar" .
expect 3 "writing blob: No space left on device" "$POWERCUT" unpack "$TMP/big.tar" "$TMP/ro/d"
umount "$TMP/ro"
expect 0 'intact' "$POWERCUT" verify "$TMP/u.manifest" "$TMP/u"

# The scripts' --help: exit 0, the text on standard output.
for s in "scripts/qualify --help" "scripts/vm-run --help" "scripts/merge-results.sh --help" \
	 "scripts/bench.sh --help" "scripts/agreement.sh --help" "scripts/agreement.sh -h"; do
	rc=0
	$s >"$TMP/help" 2>"$TMP/help.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$s exited $rc, expected 0"
	[ -s "$TMP/help" ] || fail "$s printed nothing on standard output"
	# and README names each of their long options (vm-run's --mem, --cpus,
	# --disk, --log, --accel and bench.sh's --tmp were in no document)
	for o in $(grep -oE -- '(^|[][ |])--[a-z][a-z0-9-]*' "$TMP/help" | grep -oE -- '--[a-z0-9-]+' | sort -u); do
		grep -qE -- "$o([^a-z0-9-]|\$)" README.md || fail "$s: README does not name its $o"
	done
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

# The documents cannot drift from the commands (each seen failing before
# its doc was fixed): every option of each command's --help is in
# powercut(1)'s SYNOPSIS and described there (its COMMANDS entry or its
# OPTIONS list) and named in README, and nothing more is; each command has
# an EXIT STATUS entry; powercut(1)'s field lists of results.json, compare
# --json and qualify.json name every field written (the writers in
# harness/report and harness/workload, compare.c's, a qualify --table over
# two old results folders).
mkdir "$TMP/qt"
cp -a tests/fixtures/old-results/4c5a10f/run "$TMP/qt/a"
cp -a tests/fixtures/old-results/bad03ff/run "$TMP/qt/b"
scripts/qualify --table "$TMP/qt" >"$TMP/qt.out" 2>&1 || true
[ -s "$TMP/qt/qualify.json" ] || { cat "$TMP/qt.out"; fail "qualify --table wrote no qualify.json"; }
python3 - "$POWERCUT" "$TMP/qt/qualify.json" <<'PY' || fail "powercut(1), README and the commands disagree (above)"
import json, re, subprocess, sys
pc, qjson = sys.argv[1:3]
man, readme = open("powercut.1").read(), open("README.md").read()
unesc = lambda s: s.replace("\\-", "-")
bad = []
def section(text, start, end_re):
    i = text.index(start)
    m = re.compile(end_re).search(text, i + len(start))
    return text[i:m.start() if m else len(text)]
top = subprocess.run([pc, "--help"], capture_output=True, text=True).stdout
cmds = re.findall(r"^  (\w+) ", top.split("commands:")[1].split("\n\n")[0], re.M)
synopsis = section(man, ".SH SYNOPSIS", r"\n\.SH ")
commands = section(man, ".SH COMMANDS", r"\n\.SH ")
options = section(man, ".SH OPTIONS", r"\n\.SH ")
exits = section(man, ".SH EXIT STATUS", r"\n\.SH ")
for c in cmds:
    hlp = subprocess.run([pc, c, "--help"], capture_output=True, text=True).stdout
    pairs = []  # (short or None, long) of each option line
    for m in re.finditer(r"^ +(?:(-\w), )?(--[\w-]+)", hlp, re.M):
        pairs.append((m.group(1), m.group(2)))
    longs = {l for _, l in pairs}
    syn = "".join(unesc(b) for b in re.findall(r"\n\.B powercut " + c + r"\b.*?(?=\n\.br|\n\.hy)", synopsis, re.S))
    entry = section(commands, "\n.TP\n.B" + ("I \"" if c not in ("cleanup", "probe") else " ") + c, r"\n\.TP\n\.BI? \"?[a-z]+[ \"\n]")
    opts = section(options, 'Options of\n.BR "powercut %s" :' % c, r"\nOptions of\n|$") if 'powercut %s" :' % c in options else ""
    described = unesc(entry + opts)
    for s, l in pairs:
        if l == "--help":
            continue
        if not re.search(r"(^|[^\w-])(%s)\b(?!-)" % "|".join(re.escape(x) for x in (s, l) if x), syn):
            bad.append("powercut(1) SYNOPSIS of %s lacks %s" % (c, l))
        if not re.search(re.escape(l) + r"\b(?!-)", described):
            bad.append("powercut(1) does not describe %s %s (COMMANDS or OPTIONS)" % (c, l))
        # README: the long form in `...`, or either on a line showing the command
        lines = "\n".join(x for x in readme.split("\n") if re.search(r"powercut %s\b" % c, x))
        if not re.search("`[^`]*" + re.escape(l) + r"\b(?!-)", readme) and \
           not re.search(r"(?<![\w-])(%s)\b(?!-)" % "|".join(re.escape(x) for x in (s, l) if x), lines):
            bad.append("README does not name %s %s" % (c, l))
    for o in re.findall(r"(?<![\w-])(--[\w-]+)", syn) + re.findall(r'\n\.TP\n\.BI? "?(?:-\w, )?(--[\w-]+)', unesc(opts)):
        if o not in longs:
            bad.append("powercut(1) gives %s %s, which its --help does not" % (c, o))
    if not re.search(r"\n\.TP\n\.BR? [^\n]*\b%s\b|\"powercut %s\"" % (c, c), exits):
        bad.append("powercut(1) EXIT STATUS does not say what %s exits with" % c)
def doc_fields(block):
    return {unesc(k) for k in re.findall(r'"([a-z][\w\\ -]*)"', block)}
cmp_doc = doc_fields(section(man, '("base" and "new"', r'(?<="exit"\))\.'))
src = open("harness/report/compare.c").read()
json_src = src[src.index("static json_t *ratios_json"):src.index("\n}\n", src.index("json_t *pc_cmp_json")) + 3]
written = set(re.findall(r'json_object_set_new\(\w+, "([^"]+)"', json_src))
written |= {p + k for k in re.findall(r'"%s(_\w+)"', json_src) for p in ("base", "new")}
out = subprocess.run([pc, "compare", "--json", "--allow-same-run", "tests/fixtures/old-results/4c5a10f/run",
                      "tests/fixtures/old-results/bad03ff/run"], capture_output=True, text=True).stdout
written |= set(json.loads(out)["summary"])
for k in sorted(written - cmp_doc):
    bad.append("powercut(1) compare --json does not list \"%s\"" % k)
# A `NAME = value` in README and scenarios/README.md is a scenario key
# (README said `none = any`, an unknown key, for expect_none = any), but
# for the fio, mke2fs and inih texts they quote.
scenario_keys = set(re.findall(r"^(\w+) = ", subprocess.run([pc, "help", "keys"], capture_output=True,
                                                             text=True).stdout, re.M))
for doc in ("README.md", "scenarios/README.md"):
    for k in sorted(set(re.findall(r"`([a-z_]+) = ", open(doc).read()))):
        if k not in scenario_keys | {"key", "size", "features", "default_mntopts", "errors"}:
            bad.append("%s: `%s = ...` is no scenario key" % (doc, k))
# results.json: every key its writers set (report.c and the modules that
# describe their own fields) is in powercut(1)'s list
res_doc = doc_fields(section(man, ".I results.json\nEverything, for other tools:", r"\n\.EE"))
for f in ("harness/report/report.c", "harness/report/report_outcome.c",
          "harness/workload/workload_fio.c", "harness/workload/layout_snapshots.c"):
    src = open(f).read()
    written = set(re.findall(r'\b(?:json_object_set_new|pc_json_put_\w+|put_\w+)\(\s*\w+,\s*"([^"]+)"', src))
    for m in re.finditer(r'json_pack\(\s*"\{[^"]*"\s*,([^;]*)\)', src):
        written |= set(re.findall(r'"([a-z_]+)"', m.group(1)))
    for k in sorted(written - res_doc):
        bad.append("powercut(1) results.json does not list \"%s\" (%s)" % (k, f))
q_doc = doc_fields(section(man, '.I DIR/qualify.json\n("scenario"', r'(?<="exit"\)), and'))
def keys(o, out, skip=False):
    if isinstance(o, dict):
        for k, v in o.items():
            if not skip:
                out.add(k)
            keys(v, out, k == "cells")
    elif isinstance(o, list):
        for v in o:
            keys(v, out)
    return out
for k in sorted(keys(json.load(open(qjson)), set()) - q_doc):
    bad.append("powercut(1) qualify.json does not list \"%s\"" % k)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

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
