#!/usr/bin/env bash
# Install every Debian package that building, testing and running powercut needs.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config
  libarchive-dev libdevmapper-dev libblkid-dev libcunit1-dev
  libfuse3-dev fuse3 libjansson-dev libinih-dev libssl-dev zlib1g-dev
  # XXH3-128, the hash verify compares a run's tree with (util/digest.c)
  libxxhash-dev
  e2fsprogs xfsprogs btrfs-progs util-linux fio valgrind
  qemu-system-x86 busybox-static kmod cpio jq zstd
  attr
  # tests/integration/lib.sh and the signal tests find the processes a run
  # started with pgrep (Priority: important, absent from minimal images)
  procps
  # tests/integration/test-roundtrip.sh: ACLs set with setfacl, archived by
  # GNU tar --acls --xattrs
  acl
  # scripts/bench.sh: its io_uring fsync walker, GNU tar and the inflaters
  # of the decompression floor
  liburing-dev tar gzip xz-utils
  # tests/integration/test-producers.sh: images written by skopeo, ground
  # truth unpacked by umoci
  skopeo umoci
  # tests/integration/test-runtime-diff.sh: images built by buildah, saved
  # and unpacked by podman (containers/storage), setcap for their layers
  podman buildah libcap2-bin
  # tests/integration/test-cleanup.sh: cleanup's writes, seen with strace
  strace
  # tests/integration/test-evil.sh, test-failures.sh and test-report.sh
  # write hostile archives and read the HTML page with Python
  python3
  # junit.xml is checked with xmllint (tests/integration/test-escaping.sh)
  libxml2-utils
  # powercut report draws its plots with gnuplot; tests/integration/
  # test-report.sh renders the page in headless Chromium
  gnuplot-nox chromium
  # make fuzz: libFuzzer ships with clang's runtime libraries
  clang libclang-rt-14-dev
  # systemd-udevd, for `scripts/vm-run --udev` (started in the guest only;
  # in a container the package's postinst does not start it on the host)
  udev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  # Not sudo on our own: make calls this script, and a password prompt in
  # the middle of a build (or a CI job without a terminal) is worse than
  # the command to type.
  echo "install-deps: missing packages: ${missing[*]}; install them as root: sudo bash $0" >&2
  exit 3
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
