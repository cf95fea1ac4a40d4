#!/usr/bin/env bash
# Round trip: for the sample, edge-case and many-small-files images,
# `powercut unpack` must produce a tree that `powercut verify` finds intact
# against `powercut manifest`.  Then the tree is damaged one way at a time
# and verify must report exactly that kind of finding, each time:
# truncate, flip a byte, chown, chmod, drop an xattr, retarget a symlink,
# break a hardlink, add a file, link a file from outside the tree, remove a
# file, replace a file with a folder.
# Needs root (owners, devices, trusted.* xattrs).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

[ "$(id -u)" -eq 0 ] || fail "needs root"
command -v setfattr >/dev/null || fail "setfattr missing (apt-get install attr)"
make -s images/mkfixtures sample-image >/dev/null || fail "cannot build the fixtures"
[ -x "$POWERCUT" ] || fail "build powercut first (make)"

verify_json() { # MANIFEST TREE -> JSON on stdout; exit status kept in $vrc
	vrc=0
	"$POWERCUT" verify --json "$1" "$2" > "$TMP/verify.json" || vrc=$?
}

expect_intact() { # MANIFEST TREE WHAT
	verify_json "$1" "$2"
	if [ "$vrc" -ne 0 ] || [ "$(jq -r .intact "$TMP/verify.json")" != true ]; then
		jq -c '.details[:5]' "$TMP/verify.json" >&2 || true
		fail "$3: not intact (verify exited $vrc)"
	fi
}

# The findings must be exactly of KIND, and name PATH when given.
expect_only() { # MANIFEST TREE KIND [PATH]
	verify_json "$1" "$2"
	local kinds
	kinds=$(jq -r '.findings | keys | join(",")' "$TMP/verify.json")
	[ "$vrc" -eq 1 ] || fail "$name: damage '$3': verify exited $vrc, expected 1"
	if [ "$kinds" != "$3" ]; then
		jq -c '.details[:5]' "$TMP/verify.json" >&2
		fail "$name: damage '$3': findings are '$kinds'"
	fi
	if [ -n "${4:-}" ] && ! jq -e --arg p "$4" '.details | any(.path == $p)' "$TMP/verify.json" >/dev/null; then
		fail "$name: damage '$3': no finding names $4"
	fi
	echo "  $3: ok ($(jq -r '.details[0].path + ": " + .details[0].detail' "$TMP/verify.json"))"
}

# Manifest lines whose path and link need no escaping (so the text is the
# file name): "PATH type=... ".  Kept in a file: a reader that stops early
# in a pipeline would fail it under pipefail.
plain_lines() { # MANIFEST OUT
	grep -v '^#' "$1" | awk '$1 !~ /%/ && $0 !~ / link=[^ ]*%/' > "$2"
}

field() { # LINE KEY
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}

damage_all() { # MANIFEST TREE
	local m=$1 t=$2 stash="$TMP/$name.stash" line f uid gid mode
	mkdir -p "$stash"
	local plain="$stash/plain"
	plain_lines "$m" "$plain"

	# A plain regular file: not hardlinked, no xattrs, no special bits.
	line=$(awk '/ type=reg / && !/nlink-group=/ && !/xattr\./ && / mode=0[0-7][0-7][0-7] / {
		split($0, a, " size="); split(a[2], b, " "); if (b[1] + 0 >= 2) { print; exit } }' "$plain")
	[ -n "$line" ] || fail "$name: no plain regular file to damage"
	f=${line%% *}
	uid=$(field "$line" uid) gid=$(field "$line" gid) mode=$(field "$line" mode)
	cp "$t/$f" "$stash/content"
	local size
	size=$(stat -c %s "$t/$f")

	truncate -s $((size - 1)) "$t/$f"
	expect_only "$m" "$t" size "$f"
	cat "$stash/content" > "$t/$f"

	local b
	b=$(od -An -tu1 -N1 "$t/$f" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ 0x55)))" | dd of="$t/$f" bs=1 count=1 conv=notrunc status=none
	expect_only "$m" "$t" content "$f"
	cat "$stash/content" > "$t/$f"

	chown 4242:4343 "$t/$f"
	expect_only "$m" "$t" owner "$f"
	chown "$uid:$gid" "$t/$f"

	if [ "$mode" = 0600 ]; then chmod 0644 "$t/$f"; else chmod 0600 "$t/$f"; fi
	expect_only "$m" "$t" mode "$f"
	chmod "$mode" "$t/$f"

	mv "$t/$f" "$stash/moved"
	expect_only "$m" "$t" missing "$f"
	mv "$stash/moved" "$t/$f"

	mv "$t/$f" "$stash/moved"
	mkdir "$t/$f"
	expect_only "$m" "$t" type "$f"
	rmdir "$t/$f"
	mv "$stash/moved" "$t/$f"

	echo added > "$t/powercut-added-file"
	expect_only "$m" "$t" extra powercut-added-file
	rm "$t/powercut-added-file"

	# a name outside the tree links to the file: its link count is 2
	ln "$t/$f" "$stash/outside-link"
	expect_only "$m" "$t" hardlink "$f"
	rm "$stash/outside-link"

	# An xattr with a value (user.*, trusted.* or security.*).
	line=$(grep -m1 -E ' xattr\.[^ =]+=[0-9a-f]+' "$plain" || true)
	if [ -n "$line" ]; then
		f=${line%% *}
		local x xn xv
		x=$(tr ' ' '\n' <<<"$line" | grep -E '^xattr\.[^=]+=[0-9a-f]+$' | sed -n 1p)
		xn=${x#xattr.}; xn=${xn%%=*}; xv=${x#*=}
		setfattr -h -x "$xn" "$t/$f"
		expect_only "$m" "$t" xattr "$f"
		setfattr -h -n "$xn" -v "0x$xv" "$t/$f"
	else
		echo "  xattr: no xattrs in this image, skipped"
	fi

	# A symlink owned by root: same-length new target, so only the target
	# differs.
	line=$(grep -m1 -E ' type=symlink .* uid=0 gid=0 ' "$plain" || true)
	if [ -n "$line" ]; then
		f=${line%% *}
		local target new
		target=$(readlink "$t/$f")
		if [ "${target: -1}" = X ]; then new="${target%?}Y"; else new="${target%?}X"; fi
		ln -sfn "$new" "$t/$f"
		expect_only "$m" "$t" link "$f"
		ln -sfn "$target" "$t/$f"
	else
		echo "  link: no symlinks in this image, skipped"
	fi

	# A hardlink group: give one member an inode of its own.
	line=$(grep -m1 ' nlink-group=' "$plain" || true)
	if [ -n "$line" ]; then
		local group other
		group=$(field "$line" nlink-group)
		f=$(grep -E " nlink-group=$group( |\$)" "$plain" | sed -n '2p' | cut -d' ' -f1)
		other=${line%% *}
		[ -n "$f" ] || fail "$name: hardlink group $group has one plain member"
		cp -a "$t/$f" "$t/$f.powercut-tmp"
		mv -f "$t/$f.powercut-tmp" "$t/$f"
		expect_only "$m" "$t" hardlink
		ln -f "$t/$other" "$t/$f"
	else
		echo "  hardlink: no hardlinks in this image, skipped"
	fi

	expect_intact "$m" "$t" "$name: after restoring every damage"
	# The text output says the same.
	"$POWERCUT" verify "$m" "$t" > "$stash/text" || fail "$name: text verify exited non-zero"
	grep -q '^summary: intact' "$stash/text" || fail "$name: text output does not say intact"
	rm -rf "$stash"
}

roundtrip() { # NAME LAYER...
	name=$1
	shift
	local d="$TMP/$name" t="$TMP/$name/tree"
	mkdir -p "$d"
	echo "$name: $*"
	"$POWERCUT" manifest "$@" -o "$d/expected" || fail "$name: powercut manifest failed"
	"$POWERCUT" unpack "$@" "$t" -m "$d/unpacked" >/dev/null || fail "$name: powercut unpack failed"
	cmp -s "$d/expected" "$d/unpacked" || fail "$name: scan and unpack manifests differ"
	local n
	n=$(grep -vc '^#' "$d/expected")
	local t0=$SECONDS
	expect_intact "$d/expected" "$t" "$name: fresh unpack"
	echo "  intact: $n entries ($((SECONDS - t0)) s)"
	if [ "$name" = edge ]; then
		# Reading the 4 GiB sparse file back is the slow part of verify: it
		# was checked above; damages are checked without it.
		grep -v '^sparse/over-4GiB ' "$d/expected" > "$d/expected.small"
		manifest_reseal "$d/expected.small"
		rm "$t/sparse/over-4GiB"
		damage_all "$d/expected.small" "$t"
	else
		damage_all "$d/expected" "$t"
	fi
	rm -rf "$d"
}

"$TOP/images/mkfixtures" edge "$TMP/img-edge" >/dev/null
"$TOP/images/mkfixtures" smallfiles "$TMP/img-small" >/dev/null

roundtrip sample images/sample/layer1.tar.gz images/sample/layer2.tar.gz images/sample/layer3.tar.zst
roundtrip edge "$TMP"/img-edge/layer1.tar "$TMP"/img-edge/layer2.tar.gz "$TMP"/img-edge/layer3.tar.zst
roundtrip smallfiles "$TMP"/img-small/layer1.tar.gz "$TMP"/img-small/layer2.tar.gz "$TMP"/img-small/layer3.tar.gz

# GNU tar --acls --xattrs: every ACL twice (SCHILY.acl records and the raw
# value); layer 2 adds, below layer 1's folder with a default ACL, a file
# and a folder of no ACL of their own, which inherit ACLs from it as the
# kernel gives them to containerd's open and mkdir (in the manifest, on
# disk), and a file outside it with none.
acl_src="$TMP/acl-src"
mkdir -p "$acl_src/1/d" "$acl_src/2/d/sub"
echo a > "$acl_src/1/f"
chmod 0640 "$acl_src/1/f"
setfacl -m u:1234:rw,g:55:r "$acl_src/1/f"
setfacl -m u:1234:rwx "$acl_src/1/d"
setfacl -d -m g:77:rx "$acl_src/1/d"
echo b > "$acl_src/2/d/new"
echo plain > "$acl_src/2/plain"
tar --xattrs --xattrs-include='*' --acls -C "$acl_src/1" -cf "$TMP/acl1.tar" .
tar --xattrs --xattrs-include='*' --acls -C "$acl_src/2" -cf "$TMP/acl2.tar" d/new d/sub plain
grep -qa 'SCHILY.acl.access' "$TMP/acl1.tar" && grep -qa 'SCHILY.xattr.system.posix_acl_access' "$TMP/acl1.tar" ||
	fail "GNU tar did not store the ACLs both ways: the test proves nothing"
roundtrip gnutar-acls "$TMP/acl1.tar" "$TMP/acl2.tar"
"$POWERCUT" manifest "$TMP/acl1.tar" "$TMP/acl2.tar" -o "$TMP/acl.manifest"
for p in d/new d/sub; do
	grep -q "^$p .*xattr\.system\.posix_acl_access=" "$TMP/acl.manifest" ||
		fail "gnutar-acls: $p does not inherit an ACL from d's default ACL"
done
grep -q '^d/sub .*xattr\.system\.posix_acl_default=' "$TMP/acl.manifest" ||
	fail "gnutar-acls: d/sub does not inherit d's default ACL"
grep '^plain ' "$TMP/acl.manifest" | grep -q 'xattr\.' && fail "gnutar-acls: plain has xattrs"

# The same layers through a run on XFS, flat and as snapshots (layer
# folders and the overlay's merged view): XFS lists each ACL under its own
# trusted.SGI_ACL_FILE / trusted.SGI_ACL_DEFAULT names as well, which are
# the ACL, not unexpected xattrs.
cat > "$TMP/acl-xfs.ini" <<INI
[global]
image = $TMP/acl1.tar $TMP/acl2.tar
backend = auto
device_size = auto
fs = xfs
modes = syncfs

[flat]
layout = flat

[snap]
layout = snapshots
INI
run_scenario 0 "$TMP/acl-xfs.ini"
for id in flat/xfs/syncfs snap/xfs/syncfs; do
	[ "$(case_field "$out" "$id" .verdict)" = pass ] ||
		fail "$id: ACL layers on XFS: $(case_field "$out" "$id" .reason)"
done
assert_no_leftovers

# Input errors exit 2.
rc=0; "$POWERCUT" verify "$TMP/no-such-manifest" "$TMP" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "verify with a missing manifest exited $rc, expected 2"
printf '#powercut-manifest 2\nx type=reg\n' > "$TMP/bad.manifest"
rc=0; "$POWERCUT" verify "$TMP/bad.manifest" "$TMP" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "verify with a bad manifest exited $rc, expected 2"
rc=0; "$POWERCUT" verify "$TMP/bad.manifest" "$TMP/no-such-dir" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "verify with a missing DIR exited $rc, expected 2"

pass
