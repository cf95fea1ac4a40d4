#!/usr/bin/env bash
# powercut report: two runs of a tiny scenario into two folders make one
# page with the tables per filesystem, the history and the SVG plots; its
# links lead to the case files; what comes from results.json is escaped; a
# results.json not understood is exit 2, a missing gnuplot exit 3; headless
# Chromium renders the page.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
LAYER3="$TOP/images/sample/layer3.tar.zst"
[ -f "$LAYER3" ] || fail "no $LAYER3 (make sample-image)"
for tool in gnuplot chromium python3; do
	command -v "$tool" >/dev/null || fail "$tool not found (scripts/install-deps.sh installs it)"
done

printf '[global]\nimage = %s\ndevice_size = 512M\nmodes = none syncfs\n[tiny]\nfs = ext4\n' \
	"$LAYER3" >"$TMP/tiny.ini"
for d in night1 night2; do
	pc_run "$TMP/tiny.ini" -o "$TMP/$d" >"$TMP/$d.out" 2>&1 || { cat "$TMP/$d.out"; fail "run into $d failed"; }
done

report() { # WANT OUT ARGS...
	local want=$1 rc=0
	shift
	"$POWERCUT" report "$@" >"$TMP/rep.out" 2>"$TMP/rep.err" || rc=$?
	# Said with bash's own $(<FILE): a call under PATH=/nonexistent has no cat.
	[ "$rc" -eq "$want" ] || { printf '%s\n%s\n' "$(<"$TMP/rep.out")" "$(<"$TMP/rep.err")" >&2
				   fail "report $* exited $rc, expected $want"; }
}
report 0 "$TMP/night1" "$TMP/night2" -o "$TMP/r.html"

# The page's structure, parsed: a table per folder and filesystem with one
# row per case, the history table, the plots (3 per folder + the trend),
# every link relative and leading to a file, no script, no external resource.
check_page() { # PAGE CASES_TABLES SVGS
	python3 - "$@" <<'EOF'
import html.parser, os, sys
page, want_tables, want_svgs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = []; self.svgs = 0; self.links = []; self.bad = []; self.cur = None; self.text = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.cur = {"class": a.get("class"), "rows": 0}; self.tables.append(self.cur)
        elif tag == "tr" and self.cur is not None:
            self.cur["rows"] += 1
        elif tag == "svg":
            self.svgs += 1
        elif tag == "a" and not a.get("href", "").startswith("#"):
            self.links.append(a.get("href", ""))
        if tag in ("script", "link", "img", "iframe", "object") or "src" in a:
            self.bad.append(tag)
    def handle_endtag(self, tag):
        if tag == "table":
            self.cur = None
    def handle_data(self, d):
        self.text.append(d)
p = P()
p.feed(open(page, encoding="utf-8").read())
cases = [t for t in p.tables if t["class"] == "cases"]
hist = [t for t in p.tables if t["class"] == "history"]
errs = []
if len(cases) != want_tables: errs.append("%d case tables, expected %d" % (len(cases), want_tables))
if any(t["rows"] != 3 for t in cases): errs.append("a case table without a header and 2 rows: %r" % cases)
# history: the folders' numbers, kernel, scenario, powercut, options, then a row per case
if want_tables > 1 and (len(hist) != 1 or hist[0]["rows"] != 7): errs.append("history table: %r" % hist)
if p.svgs != want_svgs: errs.append("%d SVG plots, expected %d" % (p.svgs, want_svgs))
if p.bad: errs.append("script or external resource: %r" % p.bad)
if len(p.links) < 4 * want_tables: errs.append("only %d links" % len(p.links))
for l in p.links:
    if l.startswith("/") or ":" in l: errs.append("link not relative: " + l)
    elif not os.path.isfile(os.path.join(os.path.dirname(page), l)): errs.append("link to nothing: " + l)
print("".join(p.text), file=open(page + ".txt", "w"))
if errs:
    print("\n".join(errs)); sys.exit(1)
EOF
}
check_page "$TMP/r.html" 2 7 || fail "the page is not what it should be"
grep -q 'tiny/ext4/syncfs' "$TMP/r.html.txt" || fail "case id missing from the page"
# Each folder's run options that change verdicts (none given here) are said.
[ "$(grep -c 'kernel .*, scenario .*, options none: 2 cases' "$TMP/r.html.txt")" -eq 2 ] ||
	fail "the page does not say each folder's options"
grep -q '^- options: none$' "$TMP/night1/summary.md" || fail "summary.md does not say the run's options"
grep -q 'hold the same results' "$TMP/r.html.txt" && fail "two runs said to be one"
# One run given twice (or a copy): said, not shown as two nights.
cp -r "$TMP/night1" "$TMP/night1copy"
report 0 "$TMP/night1" "$TMP/night2" "$TMP/night1copy" -o "$TMP/same.html"
grep -q '<b>Folders 1 and 3 hold the same results</b>' "$TMP/same.html" || fail "one run given twice not said"
# Two nights on one setup: nothing marked changed in the history.
! grep -q 'changed: ' "$TMP/r.html.txt" || fail "the same setup marked changed"
# A night whose kernel changed and where a case ran on another setup (its
# mount options, a scenario key): the history marks both where they
# changed, as compare does; a loss count that jumped there read as the
# kernel's before.
cp -r "$TMP/night2" "$TMP/night3"
jq '.kernel = "9.9.9-test" | (.cases[] | select(.id == "tiny/ext4/syncfs")) |=
    (.mount_opts = "nobarrier" | .settings |= sub("crash_points=0"; "crash_points=10"))' \
	"$TMP/night2/results.json" >"$TMP/night3/results.json"
report 0 "$TMP/night1" "$TMP/night2" "$TMP/night3" -o "$TMP/r3.html"
python3 - "$TMP/r3.html" <<'EOF' || fail "the history does not mark the setup changes"
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.hist = False; self.rows = []; self.cell = None
    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("class") == "history": self.hist = True
        elif self.hist and tag == "tr": self.rows.append([])
        elif self.hist and tag in ("td", "th"): self.cell = ""
    def handle_endtag(self, tag):
        if tag == "table": self.hist = False
        elif self.hist and tag in ("td", "th"): self.rows[-1].append(self.cell); self.cell = None
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
p = P(); p.feed(open(sys.argv[1]).read())
rows = {r[0]: r[1:] for r in p.rows}
want = {
    "kernel": lambda c: not c[0].startswith("changed") and not c[1].startswith("changed") and c[2] == "changed: 9.9.9-test",
    "tiny/ext4/syncfs": lambda c: "setup changed" not in c[1] and
        c[2].endswith("setup changed: mount_opts '' -> 'nobarrier', crash_points '0' -> '10'"),
    "tiny/ext4/none": lambda c: not any("changed" in x for x in c),
    "powercut": lambda c: not any("changed" in x for x in c),
}
bad = [k for k, ok in want.items() if k not in rows or not ok(rows[k])]
if bad: print(bad, rows); sys.exit(1)
EOF
# A report written elsewhere links with ../
mkdir "$TMP/sub"
report 0 "$TMP/night1" -o "$TMP/sub/one.html"
check_page "$TMP/sub/one.html" 1 3 || fail "one-folder page"
grep -q 'href="\.\./night1/cases/tiny_ext4_none/findings\.txt"' "$TMP/sub/one.html" || fail "no ../ link"

# Fields a newer powercut added are ignored, said on the page and by --check.
cp -r "$TMP/night1" "$TMP/newer"
jq '.host = "x" | .cases[0].verdict_scope = "all"' "$TMP/night1/results.json" >"$TMP/newer/results.json"
report 0 "$TMP/newer" -o "$TMP/newer.html"
grep -q "Its results.json holds fields this powercut does not know</b> (a newer powercut.s: host, cases\[\]\.verdict_scope)" "$TMP/newer.html" ||
	fail "the page does not say the fields it ignored"
report 0 --check "$TMP/newer" "$TMP/night1"
grep -q "newer: fields this powercut does not know .*: host, cases\[\]\.verdict_scope" "$TMP/rep.err" ||
	{ cat "$TMP/rep.err"; fail "report --check does not say the fields it ignored"; }
[ "$(grep -c 'does not know' "$TMP/rep.err")" -eq 1 ] || fail "report --check: this build's own fields said unknown"
# Hostile strings in results.json are text on the page, never markup.
cp -r "$TMP/night1" "$TMP/evil"
jq '.kernel = "<script>alert(1)</script>" | .cases[0].reason = "</td><script>x()</script>&" |
    .scenario = "<img src=x>" | .cases[0].id = "a\"><script>y()</script>"' \
	"$TMP/night1/results.json" >"$TMP/evil/results.json"
report 0 "$TMP/evil" -o "$TMP/evil.html"
grep -q '&lt;img src=x&gt;' "$TMP/evil.html" || fail "the scenario string is not shown escaped"
# A filesystem name no powercut writes is not read at all (a newer
# powercut's, or an edit): exit 2 naming the field.
cp -r "$TMP/night1" "$TMP/evilfs"
jq '.cases[0].fs = "<img src=x>"' "$TMP/night1/results.json" >"$TMP/evilfs/results.json"
report 2 "$TMP/evilfs" -o "$TMP/evilfs.html"
grep -q "cases\[0\].fs: '<img src=x>' is not a fs this powercut knows" "$TMP/rep.err" || fail "the unknown fs not named"
python3 - "$TMP/evil.html" <<'EOF' || fail "hostile strings became markup"
import html.parser, sys
class P(html.parser.HTMLParser):
    bad = []
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img"): self.bad.append(tag)
p = P(); p.feed(open(sys.argv[1]).read())
sys.exit(1 if p.bad else 0)
EOF
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/evil.html" || fail "the kernel string is not shown escaped"

# A case's crash-point files (results.json's points' findings, fsck_log,
# subset_fsck_log) are linked as its own logs are (they were not).
cp -r "$TMP/night1" "$TMP/points"
cdir="$TMP/points/cases/tiny_ext4_syncfs"
for f in crash-point-3-findings.txt crash-point-3-fsck.log crash-point-7-subset-2-fsck.log; do
	echo x > "$cdir/$f"
done
jq '(.cases[] | select(.id == "tiny/ext4/syncfs")).crash_points = {"asked": 2, "subsets_per_point": 2,
    "points": [{"flush": 3, "committed": false, "findings": "crash-point-3-findings.txt",
                "fsck_log": "crash-point-3-fsck.log"},
               {"flush": 7, "committed": false, "subset_fsck_log": "crash-point-7-subset-2-fsck.log"}]}' \
	"$TMP/night1/results.json" > "$TMP/points/results.json"
report 0 "$TMP/points" -o "$TMP/points.html"
check_page "$TMP/points.html" 1 3 || fail "page with crash-point files"
for f in crash-point-3-findings.txt crash-point-3-fsck.log crash-point-7-subset-2-fsck.log; do
	grep -q "href=\"points/cases/tiny_ext4_syncfs/$f\"" "$TMP/points.html" || fail "no link to $f"
done
# A name that is no crash point's file in the case folder is refused.
jq '(.cases[] | select(.id == "tiny/ext4/syncfs")).crash_points.points[0].fsck_log = "../../../etc/passwd"' \
	"$TMP/points/results.json" > "$TMP/points/r2" && mv "$TMP/points/r2" "$TMP/points/results.json"
report 2 "$TMP/points" -o "$TMP/points2.html"
grep -q 'crash_points.points\[0\].fsck_log' "$TMP/rep.err" || { cat "$TMP/rep.err"; fail "bad fsck_log not named"; }

# Strict reading: a field of the wrong type names the file and the field.
cp -r "$TMP/night1" "$TMP/bad"
jq '.cases[1].lost = "many"' "$TMP/night1/results.json" >"$TMP/bad/results.json"
report 2 "$TMP/bad" -o "$TMP/bad.html"
grep -q 'cases\[1\]\.lost' "$TMP/rep.err" || { cat "$TMP/rep.err"; fail "the error does not name cases[1].lost"; }
[ ! -e "$TMP/bad.html" ] || fail "a page was written from a bad results.json"
# No gnuplot: a clear message, exit 3, no page.
PATH=/nonexistent report 3 "$TMP/night1" -o "$TMP/nognuplot.html"
grep -q 'gnuplot-nox' "$TMP/rep.err" || { cat "$TMP/rep.err"; fail "no word about gnuplot-nox"; }
[ ! -e "$TMP/nognuplot.html" ] || fail "a page was written without gnuplot"
report 2 -o "$TMP/x.html"
report 2 "$TMP/night1"
# The page may not replace what it reads.
cp "$TMP/night1/results.json" "$TMP/night1.json.orig"
for out in results.json junit.xml summary.md ./results.json; do
	report 2 "$TMP/night1" "$TMP/night2" -o "$TMP/night1/$out"
	grep -q 'which the report reads' "$TMP/rep.err" || { cat "$TMP/rep.err"; fail "-o $out: no word about the input"; }
done
cmp -s "$TMP/night1/results.json" "$TMP/night1.json.orig" || fail "report replaced an input's results.json"
# An -o whose folder is not there or is a file is the input's mistake
# (exit 2, naming it; was exit 3, "cannot create", as for a full disk).
echo x > "$TMP/afile"
for out in "$TMP/nowhere/r.html" "$TMP/afile/r.html"; do
	report 2 "$TMP/night1" -o "$out"
	grep -Eq "report: -o $out: its folder ${out%/r.html}(: No such file| is a regular file, not a folder)" "$TMP/rep.err" ||
		{ cat "$TMP/rep.err"; fail "-o $out: the folder is not named"; }
done
[ ! -e "$TMP/nowhere" ] || fail "report made -o's folder"

# A real browser renders it.
profile=$(mktemp -d "$TMP/chromium.XXXXXX")
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
	--screenshot="$TMP/r.png" --window-size=1200,2000 "file://$TMP/r.html" >"$TMP/chromium.log" 2>&1 ||
	{ tail -20 "$TMP/chromium.log"; fail "chromium failed"; }
size=$(stat -c %s "$TMP/r.png" 2>/dev/null || echo 0)
[ "$size" -gt 30000 ] || fail "the screenshot is $size bytes: nothing rendered"
[ "$(head -c 8 "$TMP/r.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"

assert_no_leftovers
echo "PASS $TEST_NAME"
