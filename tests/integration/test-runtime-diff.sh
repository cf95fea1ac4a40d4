#!/usr/bin/env bash
# powercut's image reading against a real runtime's own unpack (podman 4.3,
# buildah 1.28, skopeo: Debian 12).  Images are built FROM scratch by
# buildah, one layer per step, from real changes (deletions, a file turned
# into a folder and back, hardlinks, set-id bits, large owners, xattrs,
# file capabilities, devices, a fifo, long and non-UTF-8 names, a deep path,
# a sparse file), committed with the vfs storage driver (whiteouts as files)
# and the overlay one (opaque markers, hardlinks re-listed in the upper
# layer), saved in every format podman and skopeo write (docker-archive,
# oci-archive, oci-dir, docker-dir plain and compressed, oci: with gzip,
# zstd and zstd:chunked layers, a two-image docker-archive); hand-written
# layers (tests/integration/mkruntime-layers.py: raw ACLs, trusted.*
# xattrs, whiteouts, opaque markers, writes through symlinked parents) are
# applied by containers/storage through skopeo copy.
#
# The ground truth is the rootfs containers/storage made (podman image
# mount).  powercut unpack's tree must equal it, entry for entry
# (tests/integration/treedump.py: type, mode, owner, size, sha256, link
# target, rdev, every xattr and ACL, hardlink groups, link counts where the
# runtime's tree is not an overlay), but for the differences README
# ("Images") documents, each asserted as it is, so that a change shows:
#   * the rootfs folder itself (no layer lists it: the storage's own);
#   * an xattr with an empty value: kept by powercut (as containerd and
#     libarchive keep it), dropped by containers/storage;
#   * an ACL stored raw: containers/storage sets it after its chmod, so the
#     mask stays the ACL's (acl/raw 0660); containerd chmods after, as
#     powercut (0640, mask r--);
#   * a parent no entry lists below a set-group-ID folder: vfs storage keeps
#     the bit (2755 0:50), overlay storage chowns it to root (2755 0:0),
#     containerd and powercut clear it (0755, group 50, then 0);
#   * a folder an upper layer lists again with fewer xattrs: vfs storage
#     keeps the lower layer's too, overlay storage (as containerd's
#     overlayfs snapshotter and Docker's overlay2) and powercut keep only
#     the upper entry's.
# The buildah images' trees are compared with every entry's mtime too (a
# folder an upper layer lists again, a time before 1970), the hand-written
# layers' without (folders no entry lists have the time they were made).
# And `powercut verify` of the runtime's rootfs against powercut's manifest
# reports exactly the one documented difference.  A kept layout = snapshots
# run's layer folders are compared with podman's overlay layers.  Last, one
# crash cycle per layout on a podman-written image.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

for tool in podman buildah skopeo python3 setcap setfattr; do
	command -v "$tool" > /dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
make -s images/mkfixtures > /dev/null || fail "cannot build images/mkfixtures"
[ -x "$POWERCUT" ] || fail "build powercut first (make)"
MK="$TOP/images/mkfixtures"
DUMP=(python3 "$TOP/tests/integration/treedump.py")

# Private container storage, one per driver, all below $TMP; what it mounted
# is unmounted before lib.sh removes $TMP.
ctr() { # ctr podman|buildah STORE ARGS...: STORE vfs, overlay or load (vfs)
	local tool=$1 store=$2 drv=$2
	shift 2
	[ "$store" = load ] && drv=vfs
	local own=()
	# podman's own state (else /run/libpod) and no event log
	[ "$tool" = podman ] && own=(--tmpdir "$TMP/libpod-$store" --events-backend none)
	"$tool" --root "$TMP/storage-$store" --runroot "$TMP/run-$store" --storage-driver "$drv" "${own[@]}" "$@"
}
cs() { echo "containers-storage:[$1@$TMP/storage-$1+$TMP/run-$1]"; }
unmount_storage() {
	local drv m
	for drv in vfs overlay load; do
		[ -d "$TMP/storage-$drv" ] || continue
		ctr podman "$drv" image unmount --all > /dev/null 2>&1 || true
		ctr buildah "$drv" rm --all > /dev/null 2>&1 || true
	done
	# the overlay driver bind-mounts its home on itself
	awk -v p="$TMP/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount "$m" 2> /dev/null || umount -l "$m"; done
}
trap 'unmount_storage; cleanup_tmp' EXIT
export TMPDIR="$TMP"

# --- buildah images: every layer a real change -----------------------------
build() { # build DRIVER: images t1, t2, t3 (t3 = all three layers)
	local drv=$1 c m long d
	c=$(ctr buildah "$drv" from scratch)
	m=$(ctr buildah "$drv" mount "$c")
	(
		set -e
		cd "$m"
		mkdir -p etc usr/bin usr/lib var/tmp dirs/sgid del/sub opq/keep d2r
		chmod 1777 var/tmp
		chmod 2775 dirs/sgid && chown 0:50 dirs/sgid
		echo hello > etc/hello && : > etc/empty
		printf bin > usr/bin/suid && chmod 4755 usr/bin/suid
		printf sg > usr/bin/sgid && chmod 2711 usr/bin/sgid && chown 0:42 usr/bin/sgid
		printf zero > usr/bin/mode0 && chmod 000 usr/bin/mode0
		printf big > usr/bin/bigid && chown 4294967294:2147483648 usr/bin/bigid
		printf mid > usr/bin/midid && chown 100000:65534 usr/bin/midid
		echo lib > usr/lib/libx.so.1
		ln usr/lib/libx.so.1 usr/lib/libx-hard && ln usr/lib/libx.so.1 etc/libx-hard2
		ln -s libx.so.1 usr/lib/libx.so && ln -s /usr/lib/libx.so.1 usr/lib/abs
		ln -s nowhere/x usr/lib/dangling
		ln -s "$(printf 'a%.0s' $(seq 1 400))" usr/lib/longtarget
		printf cap > usr/bin/ping && setcap cap_net_raw+ep usr/bin/ping
		printf x > etc/xattr && setfattr -n user.foo -v bar etc/xattr && setfattr -n user.bin -v 0x00ff01 etc/xattr
		printf e > etc/xattr-empty && setfattr -n user.empty etc/xattr-empty
		setfattr -n user.dir -v d dirs
		mknod dev-c c 1 3 && chmod 620 dev-c && mknod dev-b b 7 0 && mkfifo fifo
		long=$(printf 'L%.0s' $(seq 1 255)) && echo longname > "$long"
		d=deep
		for i in $(seq 1 40); do d="$d/$(printf 'd%.0s' $(seq 1 60))$i"; done
		mkdir -p "$d" && echo deep > "$d/f"
		echo nonutf > $'bad\xff\xfename' && mkdir $'baddir\xc3\x28' && echo x > $'baddir\xc3\x28/f'
		truncate -s 4M sparse && printf end >> sparse
		echo t > old && touch -d '1999-12-31 23:59:59.123456789' old
		echo neg > neg && touch -d '1960-01-01' neg && touch -h -d '2001-02-03' usr/lib/abs
		head -c 65536 /dev/urandom > random
		echo gone > del/file && echo gone2 > del/sub/f && echo k > opq/keep/f && echo o > opq/old
		echo file > r2d && echo in > d2r/inner
		chmod 0700 dirs
	) || fail "$drv: layer 1 not made"
	{ ctr buildah "$drv" commit -q "$c" t1 > /dev/null && ctr buildah "$drv" rm "$c" > /dev/null; } || fail "$drv: commit t1"

	c=$(ctr buildah "$drv" from localhost/t1)
	m=$(ctr buildah "$drv" mount "$c")
	(
		set -e
		cd "$m"
		rm etc/hello && rm -r del opq && mkdir -p opq/new && echo n > opq/new/f
		rm r2d && mkdir r2d && echo now-dir > r2d/x
		rm -r d2r && echo now-file > d2r
		ln usr/lib/libx.so.1 usr/lib/libx-hard3 && rm usr/lib/libx-hard
		chmod 0640 etc/empty && chown 7:7 usr/bin/midid && setfattr -n user.added -v 2 etc/xattr
		echo changed > random
	) || fail "$drv: layer 2 not made"
	{ ctr buildah "$drv" commit -q "$c" t2 > /dev/null && ctr buildah "$drv" rm "$c" > /dev/null; } || fail "$drv: commit t2"

	c=$(ctr buildah "$drv" from localhost/t2)
	m=$(ctr buildah "$drv" mount "$c")
	(
		set -e
		cd "$m"
		rm -r r2d && echo file-again > r2d
		rm d2r && mkdir d2r && echo dir-again > d2r/y
	) || fail "$drv: layer 3 not made"
	{ ctr buildah "$drv" commit -q "$c" t3 > /dev/null && ctr buildah "$drv" rm "$c" > /dev/null; } || fail "$drv: commit t3"
}

# compare NAME TRUTH_DIR SPEC... [-- DUMP_OPTIONS]: powercut unpack SPEC into
# a new folder; both trees dumped; the root line dropped from both.  Leaves
# $TMP/t.NAME (the runtime's) and $TMP/p.NAME (powercut's).
compare_dumps() {
	local name=$1 truth=$2 spec=$3 opt=${4:-}
	local dir="$TMP/u.$name"
	mkdir "$dir"
	"$POWERCUT" unpack "$spec" "$dir" > /dev/null 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "$name: powercut unpack $spec failed"; }
	# shellcheck disable=SC2086
	"${DUMP[@]}" "$truth" $opt | grep -v '^\. ' > "$TMP/t.$name" || fail "$name: cannot dump the runtime's tree"
	# shellcheck disable=SC2086
	"${DUMP[@]}" "$dir" $opt | grep -v '^\. ' > "$TMP/p.$name" || fail "$name: cannot dump powercut's tree"
	rm -rf "$dir"
}
# The documented difference of a buildah image: user.empty, kept by powercut.
expect_empty_xattr_only() {
	local name=$1
	grep -q '^etc/xattr-empty .* xattr\.user\.empty= ' "$TMP/p.$name" || fail "$name: powercut dropped the empty xattr user.empty"
	grep -q 'xattr\.user\.empty' "$TMP/t.$name" && fail "$name: podman kept the empty xattr user.empty: README is out of date"
	sed 's/ xattr\.user\.empty= / /' "$TMP/p.$name" | diff "$TMP/t.$name" - > "$TMP/d.$name" ||
		{ cut -c1-300 "$TMP/d.$name" >&2; fail "$name: powercut's tree is not the runtime's"; }
}

save_all() { # save_all DRIVER OUT
	local drv=$1 o=$2
	mkdir -p "$o"
	{ ctr podman "$drv" save -q --format docker-archive -o "$o/docker.tar" localhost/t3 &&
		ctr podman "$drv" save -q --format oci-archive -o "$o/oci.tar" localhost/t3 &&
		ctr podman "$drv" save -q --format oci-dir -o "$o/ocidir" localhost/t3 &&
		ctr podman "$drv" save -q --format docker-dir -o "$o/dockerdir" localhost/t3 &&
		ctr podman "$drv" save -q --compress --format docker-dir -o "$o/dockerdirz" localhost/t3 &&
		ctr podman "$drv" save -q -m --format docker-archive -o "$o/multi.tar" localhost/t1 localhost/t3 &&
		ctr podman "$drv" push -q --compression-format gzip localhost/t3 "oci:$o/gzip:latest" &&
		ctr podman "$drv" push -q --compression-format zstd localhost/t3 "oci:$o/zstd:latest" &&
		ctr podman "$drv" push -q --compression-format zstd:chunked localhost/t3 "oci:$o/chunked:latest"; } ||
		fail "$drv: podman save/push failed"
}

for drv in vfs overlay; do
	build "$drv"
	o="$TMP/saved-$drv"
	save_all "$drv" "$o"
	truth=$(ctr podman "$drv" image mount localhost/t3) || fail "$drv: podman image mount"
	opt=--mtime
	[ "$drv" = overlay ] && opt="--mtime --no-nlink"
	specs=("$o/docker.tar" "$o/oci.tar" "$o/ocidir" "$o/dockerdir" "$o/dockerdirz"
		"$o/multi.tar:localhost/t3" "$o/gzip:latest" "$o/zstd:latest" "$o/chunked:latest")
	for spec in "${specs[@]}"; do
		name="$drv.$(basename "$spec" | tr ':' '_')"
		compare_dumps "$name" "$truth" "$spec" "$opt"
		expect_empty_xattr_only "$name"
	done
	n=$(wc -l < "$TMP/t.$name")
	[ "$n" -gt 80 ] || fail "$drv: the runtime's tree has $n entries, expected more than 80"
	# the layers the driver wrote are what the test means to cover
	layers=$("$POWERCUT" inspect "$o/oci.tar" | grep -cE '^[0-9]+ +sha256:')
	[ "$layers" = 3 ] || fail "$drv: $layers layers, expected 3"
	echo "  $drv storage: ${#specs[@]} saved forms, powercut's tree = podman's ($n entries, mtimes too) but user.empty"

	# verify of the runtime's rootfs against powercut's manifest
	"$POWERCUT" manifest "$o/oci.tar" -o "$TMP/m.$drv" 2> "$TMP/err" || { cat "$TMP/err" >&2; fail "$drv: manifest"; }
	rc=0
	"$POWERCUT" verify "$TMP/m.$drv" "$truth" > "$TMP/v.$drv" 2> "$TMP/err" || rc=$?
	{ [ "$rc" = 1 ] && [ "$(grep -vc '^summary:' "$TMP/v.$drv")" = 1 ] &&
		grep -qx 'xattr etc/xattr-empty: xattr user.empty missing' "$TMP/v.$drv"; } ||
		{ cat "$TMP/v.$drv" "$TMP/err" >&2; fail "$drv: verify of podman's rootfs: exit $rc, expected 1 with the one user.empty finding"; }
	ctr podman "$drv" image unmount localhost/t3 > /dev/null
done
# The overlay driver wrote opaque markers and re-listed a hardlink; vfs not.
layer2=$(tar -xOf "$TMP/saved-overlay/docker.tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][1])')
tar -xOf "$TMP/saved-overlay/docker.tar" "$layer2" | tar -t > "$TMP/layer2.list" || fail "overlay: cannot list layer 2"
grep -qx 'opq/.wh..wh..opq' "$TMP/layer2.list" || fail "overlay: no opaque marker in layer 2: the test would not cover them"

# The same archive loaded by podman (a fresh vfs store): its own unpack.
ctr podman load load -q -i "$TMP/saved-overlay/docker.tar" > /dev/null || fail "podman load"
truth=$(ctr podman load image mount localhost/t3) || fail "podman image mount (loaded)"
compare_dumps load.docker "$truth" "$TMP/saved-overlay/docker.tar" --mtime
expect_empty_xattr_only load.docker
echo "  podman load of the overlay docker-archive (vfs): powercut's tree = podman's but user.empty"

# --- hand-written layers applied by containers/storage ----------------------
python3 "$TOP/tests/integration/mkruntime-layers.py" "$TMP/hand" || fail "mkruntime-layers.py"
"$MK" oci "$TMP/apply.oci" "$TMP/hand/apply.tar" > /dev/null || fail "mkfixtures oci (apply)"
"$MK" oci "$TMP/layers.oci" "$TMP/hand/l1.tar" "$TMP/hand/l2.tar" "$TMP/hand/l3.tar" > /dev/null || fail "mkfixtures oci (layers)"
skopeo_in() { # skopeo_in OCI DRIVER NAME
	skopeo --insecure-policy copy -q "oci:$1:latest" "$(cs "$2")localhost/$3:latest" > /dev/null 2> "$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "$2: skopeo copy of $3 into containers-storage failed"; }
}
for drv in vfs overlay; do
	skopeo_in "$TMP/apply.oci" "$drv" apply
	truth=$(ctr podman "$drv" image mount localhost/apply) || fail "$drv: mount apply"
	opt=""
	[ "$drv" = overlay ] && opt=--no-nlink
	compare_dumps "apply.$drv" "$truth" "$TMP/apply.oci:latest" "$opt"
	t="$TMP/t.apply.$drv" p="$TMP/p.apply.$drv"
	# documented differences, asserted as they are
	grep -q '^acl/raw file 0660 0:0 .*xattr.system.posix_acl_access=0200000001000600ffffffff02000600d204000004000400ffffffff10000600ffffffff20000000ffffffff ' "$t" ||
		{ grep '^acl/raw ' "$t" >&2; fail "$drv: podman's acl/raw is not 0660 with the ACL's own mask rw-: README is out of date"; }
	grep -q '^acl/raw file 0640 0:0 .*xattr.system.posix_acl_access=0200000001000600ffffffff02000600d204000004000400ffffffff10000400ffffffff20000000ffffffff ' "$p" ||
		{ grep '^acl/raw ' "$p" >&2; fail "$drv: powercut's acl/raw is not 0640 with mask r--, as containerd's chmod after setxattr leaves it"; }
	sgid_group=50
	[ "$drv" = overlay ] && sgid_group=0
	{ grep -qx "sg/implied dir 2755 0:$sgid_group" "$t" && grep -qx "sg/implied/deeper dir 2755 0:$sgid_group" "$t"; } ||
		{ grep '^sg/' "$t" >&2; fail "$drv: podman's implied folders below sg/ are not 2755 0:$sgid_group: README is out of date"; }
	{ grep -qx 'sg/implied dir 0755 0:50' "$p" && grep -qx 'sg/implied/deeper dir 0755 0:0' "$p"; } ||
		{ grep '^sg/' "$p" >&2; fail "$drv: powercut's implied folders below sg/ are not containerd's 0755 0:50 and 0755 0:0"; }
	filter='^(acl/raw|sg/implied|sg/implied/deeper) '
	if [ "$drv" = overlay ]; then
		# overlay storage makes a parent no entry lists with mkdir 0777
		# (no chmod): below a default ACL the umask does not apply
		grep -q '^acl/def/implied dir 0775 0:0 xattr.system.posix_acl_access=0200000001000700ffffffff02000700d204000004000500ffffffff10000700ffffffff20000500ffffffff ' "$t" ||
			{ grep '^acl/def/implied ' "$t" >&2; fail "overlay: podman's acl/def/implied is not 0775 with mask rwx: README is out of date"; }
		grep -q '^acl/def/implied dir 0755 0:0 xattr.system.posix_acl_access=0200000001000700ffffffff02000700d204000004000500ffffffff10000500ffffffff20000500ffffffff ' "$p" ||
			{ grep '^acl/def/implied ' "$p" >&2; fail "overlay: powercut's acl/def/implied is not containerd's 0755 with mask r-x"; }
		filter='^(acl/raw|sg/implied|sg/implied/deeper|acl/def/implied) '
	fi
	diff <(grep -Ev "$filter" "$t") <(grep -Ev "$filter" "$p") > "$TMP/d.apply.$drv" ||
		{ cut -c1-300 "$TMP/d.apply.$drv" >&2; fail "$drv: hand-written layer: powercut's tree is not the runtime's"; }
	grep -q '^acl/def/sub/deeper file 0644 .*posix_acl_access' "$p" || fail "$drv: no inherited ACL: the test would not cover it"
	grep -q '^x/trusted .*xattr.trusted.pc=' "$p" || fail "$drv: no trusted xattr: the test would not cover it"
	ctr podman "$drv" image unmount localhost/apply > /dev/null

	skopeo_in "$TMP/layers.oci" "$drv" layers
	truth=$(ctr podman "$drv" image mount localhost/layers) || fail "$drv: mount layers"
	compare_dumps "layers.$drv" "$truth" "$TMP/layers.oci:latest" "$opt"
	t="$TMP/t.layers.$drv" p="$TMP/p.layers.$drv"
	{ grep -q '^lib link 0:0 target=usr/lib hardlink=-' "$p" && grep -q '^usr/lib/b.so ' "$p" &&
		! grep -q '^usr/lib/a.so \|^usr/lib/gone.so ' "$p"; } || fail "$drv: powercut did not write lib/b.so and lib/.wh.* through the symlink lib"
	# rx, listed again by layer 2 with user.b and user.both only: its
	# layer-1 xattrs and ACLs are gone in powercut's tree, as in overlay
	# storage (the folder is made anew in layer 2's own folder, as by
	# containerd's overlayfs snapshotter and Docker's overlay2); vfs
	# storage applies layer 2 to a copy of layer 1 and keeps user.a (not
	# the ACLs: its copy drops them)
	grep -qx 'rx dir 0755 0:0 xattr.user.b=74776f xattr.user.both=7365636f6e64' "$p" ||
		{ grep '^rx ' "$p" >&2; fail "$drv: powercut's rx does not have layer 2's xattrs only"; }
	filter='^$'
	if [ "$drv" = vfs ]; then
		grep -qx 'rx dir 0755 0:0 xattr.user.a=6f6e65 xattr.user.b=74776f xattr.user.both=7365636f6e64' "$t" ||
			{ grep '^rx ' "$t" >&2; fail "vfs: podman's rx does not keep layer 1's user.a: README is out of date"; }
		filter='^rx '
	fi
	if [ "$drv" = overlay ]; then
		# overlay storage resolves a parent within the layer's own folder
		# (as containerd's overlayfs snapshotter does): layer 2's lib/b.so
		# makes a folder lib that hides the symlink, and its whiteouts
		# lib/.wh.* hide nothing below usr/lib
		{ grep -qx 'lib dir 0755 0:0' "$t" && grep -q '^lib/b.so ' "$t" && grep -q '^usr/lib/a.so ' "$t"; } ||
			{ grep '^lib\|^usr/lib' "$t" >&2; fail "overlay: podman's lib is not a folder hiding the symlink: README is out of date"; }
		filter='^(lib|lib/b.so|usr/lib/a.so|usr/lib/gone.so|usr/lib/b.so) '
	fi
	diff <(grep -Ev "$filter" "$t") <(grep -Ev "$filter" "$p") > "$TMP/d.layers.$drv" ||
		{ cut -c1-300 "$TMP/d.layers.$drv" >&2; fail "$drv: hand-written layers: powercut's tree is not the runtime's"; }
	ctr podman "$drv" image unmount localhost/layers > /dev/null
	echo "  $drv storage, hand-written layers: powercut's tree = podman's but the documented differences"
done

# layout = snapshots against podman's overlay storage, layer by layer: each
# kept snapshots/N/fs folder (whiteout devices, opaque xattrs, the layer's
# own entries) equals containers/storage's overlay/ID/diff of layer N, but
# the empty xattr and the whiteout devices' times (made at the unpack).
printf '[global]\ndevice_size = auto\nfs = ext4\n[keep]\nimage = %s\nlayout = snapshots\nmodes = syncfs\n' \
	"$TMP/saved-overlay/oci.tar" > "$TMP/keep.ini"
pc_run "$TMP/keep.ini" -o "$TMP/keep-out" --keep > "$TMP/keep.log" 2>&1 || { cat "$TMP/keep.log" >&2; fail "the kept snapshots run failed"; }
mapfile -t backing < <(find "$WORK" -name backing.img)
[ "${#backing[@]}" = 1 ] || fail "the kept run left ${#backing[@]} backing files, expected 1"
mkdir "$TMP/kept"
mount -o loop,ro "${backing[0]}" "$TMP/kept" || fail "cannot mount the kept filesystem"
iid=$(ctr podman overlay image inspect --format '{{.Id}}' localhost/t3)
id=$(jq -r --arg i "$iid" '.[] | select(.id == $i) | .layer' "$TMP/storage-overlay/overlay-images/images.json")
ids=()
while [ -n "$id" ]; do
	ids=("$id" "${ids[@]}")
	id=$(jq -r --arg i "$id" '.[] | select(.id == $i) | .parent // empty' "$TMP/storage-overlay/overlay-layers/layers.json")
done
[ "${#ids[@]}" = 3 ] || fail "podman's overlay storage holds ${#ids[@]} layers of t3, expected 3"
for n in 1 2 3; do
	"${DUMP[@]}" "$TMP/storage-overlay/overlay/${ids[n - 1]}/diff" | grep -v '^\. ' > "$TMP/t.snap$n" || fail "cannot dump podman's layer $n"
	"${DUMP[@]}" "$TMP/kept/snapshots/$n/fs" | grep -v '^\. ' | sed 's/ xattr\.user\.empty= / /' > "$TMP/p.snap$n" ||
		fail "cannot dump snapshots/$n/fs"
	diff "$TMP/t.snap$n" "$TMP/p.snap$n" > "$TMP/d.snap$n" ||
		{ cut -c1-300 "$TMP/d.snap$n" >&2; fail "snapshots/$n/fs is not podman's overlay layer $n"; }
done
{ grep -q '^opq .*xattr.trusted.overlay.opaque=79' "$TMP/p.snap2" && grep -q '^etc/hello char 0000 0:0 rdev=0,0 ' "$TMP/p.snap2"; } ||
	fail "layer 2 has no opaque folder or whiteout device: the comparison would not cover them"
umount "$TMP/kept"
rm -rf --one-file-system "${WORK:?}"/*
echo "  layout = snapshots: each layer folder = podman's overlay layer (opaque xattrs, whiteout devices) but user.empty"

# One crash cycle each way on a podman-written image (ext4): the unpack
# writes the tree its scan described, in both layouts, and nothing is lost.
SCEN="$TMP/runtime.ini"
printf '[global]\ndevice_size = auto\nfs = ext4\n[flat]\nimage = %s\nmodes = syncfs ofsync\n[snapshots]\nimage = %s\nlayout = snapshots\nmodes = fsync\n' \
	"$TMP/saved-overlay/oci.tar" "$TMP/saved-overlay/oci.tar" > "$SCEN"
run_scenario 0 "$SCEN"
for id in flat/ext4/syncfs flat/ext4/ofsync snapshots/ext4/fsync; do
	[ "$(case_field "$out" "$id" .committed)" = true ] || fail "$id: commit record lost"
	[ "$(case_field "$out" "$id" .fsck)" = clean ] || fail "$id: fsck not clean"
	[ "$(case_field "$out" "$id" .verdict)" = pass ] || fail "$id: verdict not pass"
	[ "$(case_field "$out" "$id" .entries)" = "$(grep -vc '^#' "$TMP/m.overlay")" ] || fail "$id: not the manifest's entries"
done
echo "  crash cycle on the podman image: flat syncfs and ofsync, snapshots fsync pass"

unmount_storage
assert_no_leftovers
pass
