#!/usr/bin/env python3
"""treedump.py DIR [--no-nlink] [--mtime]: one line per entry of the tree
under DIR, sorted by path, for diffing two trees made by different unpackers
(tests/integration/test-runtime-diff.sh).  Paths are bytes, printed escaped.
Each line: path, type, mode (permission and set-id bits), uid:gid, then per
type: size and sha256 (files; holes read as zeros), link target (symlinks),
major,minor (devices); every xattr name=hex value (ACLs included: the
kernel's binary form); the hardlink group (the first path, in byte order,
of the names in the tree sharing the inode; '-' when alone); with --mtime the
mtime in ns (a folder no entry lists has the time its unpacker made it).
A name a folder lists that does not resolve (overlayfs shows a whiteout of
nothing so) is skipped, with a line on stderr."""
import hashlib, os, stat, sys

def esc(b):
    out = []
    for c in b:
        if c < 0x21 or c > 0x7e or c in (0x5c, 0x3d):
            out.append('\\%03o' % c)
        else:
            out.append(chr(c))
    return ''.join(out)

def main():
    args = sys.argv[1:]
    nlink = '--no-nlink' not in args
    mtime = '--mtime' in args
    root = os.fsencode([a for a in args if not a.startswith('--')][0])
    entries = []
    inodes = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [b''] + sorted(dirnames + filenames) if dirpath == root else sorted(dirnames + filenames):
            full = os.path.join(dirpath, name) if name else dirpath
            rel = os.path.relpath(full, root)
            try:
                st = os.lstat(full)
            except FileNotFoundError:
                # overlayfs lists a whiteout of a name no lower layer has
                # (a whiteout of nothing) and it does not resolve: not an
                # entry of the tree (powercut verify does the same)
                sys.stderr.write('treedump: %s: listed, does not resolve: skipped\n' % esc(rel))
                continue
            entries.append((rel, full, st))
            if not stat.S_ISDIR(st.st_mode):
                inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
    lines = []
    for rel, full, st in entries:
        m = st.st_mode
        f = [esc(rel)]
        if stat.S_ISREG(m):
            h = hashlib.sha256()
            with open(full, 'rb') as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b''):
                    h.update(chunk)
            f += ['file', '%04o' % stat.S_IMODE(m), '%d:%d' % (st.st_uid, st.st_gid),
                  'size=%d' % st.st_size, 'sha256=' + h.hexdigest()]
        elif stat.S_ISDIR(m):
            f += ['dir', '%04o' % stat.S_IMODE(m), '%d:%d' % (st.st_uid, st.st_gid)]
        elif stat.S_ISLNK(m):
            f += ['link', '%d:%d' % (st.st_uid, st.st_gid), 'target=' + esc(os.readlink(full))]
        else:
            kind = {stat.S_IFCHR: 'char', stat.S_IFBLK: 'block', stat.S_IFIFO: 'fifo',
                    stat.S_IFSOCK: 'socket'}[stat.S_IFMT(m)]
            f += [kind, '%04o' % stat.S_IMODE(m), '%d:%d' % (st.st_uid, st.st_gid)]
            if kind in ('char', 'block'):
                f.append('rdev=%d,%d' % (os.major(st.st_rdev), os.minor(st.st_rdev)))
        for x in sorted(os.listxattr(full, follow_symlinks=False)):
            f.append('xattr.%s=%s' % (x, os.getxattr(full, x, follow_symlinks=False).hex()))
        if not stat.S_ISDIR(m):
            group = sorted(inodes[(st.st_dev, st.st_ino)])
            f.append('hardlink=' + (esc(group[0]) if len(group) > 1 else '-'))
            if nlink:
                f.append('nlink=%d' % st.st_nlink)
        if mtime:
            f.append('mtime=%d' % st.st_mtime_ns)
        lines.append((rel, ' '.join(f)))
    lines.sort()
    sys.stdout.write(''.join(l + '\n' for _, l in lines))

main()
