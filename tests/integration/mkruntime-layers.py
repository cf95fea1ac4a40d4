#!/usr/bin/env python3
"""mkruntime-layers.py DIR: hand-written layer tarballs for
tests/integration/test-runtime-diff.sh, applied by podman's containers/storage
(skopeo copy into containers-storage:) and by powercut, whose trees are then
compared.  pax tars as the Go image writers make them (xattrs and raw ACLs as
SCHILY.xattr records, binary values byte for byte).

apply.tar        one layer of what a runtime's apply decides: raw ACLs (an
                 access ACL, a default ACL and what entries below inherit
                 from it), trusted.* and user.* xattrs, set-id bits with
                 owners, a folder and a file of mode 000, devices, a fifo,
                 parents no entry lists below a set-group-ID folder.
l1.tar .. l3.tar three layers of what differs between appliers: whiteouts of
                 files and folders and of nothing, opaque markers, a file
                 turned into a folder and back, a symlink turned into a
                 file, writes through a lower layer's symlinked parent,
                 markers in folders no layer has, parents no entry lists, a
                 hardlink pair, a folder listed again with other xattrs
                 (rx: user.a, user.both and ACLs in l1; user.b and
                 user.both in l2)."""
import io
import os
import sys
import tarfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def raw(hexstr):
    return bytes.fromhex(hexstr).decode('utf-8', 'surrogateescape')


# user::rw- user:1234:rw- group::r-- mask::rw- other::---
ACL_FILE = raw('0200000001000600ffffffff02000600d204000004000400ffffffff10000600ffffffff20000000ffffffff')
# user::rwx user:1234:rwx group::r-x mask::rwx other::r-x
ACL_DEFAULT = raw('0200000001000700ffffffff02000700d204000004000500ffffffff10000700ffffffff20000500ffffffff')


def layer(name, entries):
    with tarfile.open(os.path.join(out, name), 'w', format=tarfile.PAX_FORMAT) as t:
        for kind, path, *rest in entries:
            o = rest[0] if rest else {}
            ti = tarfile.TarInfo(path)
            ti.mtime = 1700000000
            ti.uid, ti.gid = o.get('uid', 0), o.get('gid', 0)
            ti.mode = o.get('mode', 0o755 if kind == 'd' else 0o644)
            data = None
            if kind == 'f':
                data = o.get('data', path.encode() + b'\n')
                ti.size = len(data)
            elif kind == 'd':
                ti.type = tarfile.DIRTYPE
            elif kind == 'l':
                ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, o['to'], 0o777
            elif kind == 'h':
                ti.type, ti.linkname = tarfile.LNKTYPE, o['to']
            elif kind == 'c':
                ti.type = tarfile.CHRTYPE
                ti.devmajor, ti.devminor = o['dev']
            elif kind == 'b':
                ti.type = tarfile.BLKTYPE
                ti.devmajor, ti.devminor = o['dev']
            elif kind == 'p':
                ti.type = tarfile.FIFOTYPE
            if 'pax' in o:
                ti.pax_headers = o['pax']
            t.addfile(ti, io.BytesIO(data) if data is not None else None)


layer('apply.tar', [
    ('d', 'acl'),
    ('f', 'acl/raw', {'mode': 0o640, 'pax': {'SCHILY.xattr.system.posix_acl_access': ACL_FILE}}),
    ('d', 'acl/def', {'pax': {'SCHILY.xattr.system.posix_acl_default': ACL_DEFAULT}}),
    ('f', 'acl/def/file', {'mode': 0o640}),
    ('d', 'acl/def/sub', {'mode': 0o750}),
    ('f', 'acl/def/sub/deeper'),
    ('f', 'acl/def/implied/f', {'mode': 0o600}),
    ('f', 'x/trusted', {'pax': {'SCHILY.xattr.trusted.pc': 'layer', 'SCHILY.xattr.user.u': 'v'}}),
    ('f', 'x/cap', {'mode': 0o755, 'pax': {'SCHILY.xattr.security.capability':
                                           raw('0100000200200000000000000000000000000000')}}),
    ('d', 'x/dir', {'pax': {'SCHILY.xattr.user.d': 'on a folder'}}),
    ('f', 'ids/suid', {'mode': 0o4755, 'uid': 1000, 'gid': 1000}),
    ('f', 'ids/sgid', {'mode': 0o2711, 'gid': 42}),
    ('f', 'ids/big', {'uid': 4294967294, 'gid': 3000000000}),
    ('d', 'ids/sticky', {'mode': 0o1777}),
    ('d', 'm0', {'mode': 0o000}),
    ('f', 'm0/f', {'mode': 0o000}),
    ('c', 'dev/null', {'dev': (1, 3), 'mode': 0o666}),
    ('b', 'dev/loop9', {'dev': (7, 9), 'mode': 0o660, 'gid': 6}),
    ('p', 'dev/fifo'),
    ('d', 'sg', {'mode': 0o2775, 'gid': 50}),
    ('f', 'sg/listed'),
    ('f', 'sg/implied/deeper/f'),
])

layer('l1.tar', [
    ('d', 'usr'), ('d', 'usr/lib'), ('f', 'usr/lib/a.so'), ('f', 'usr/lib/gone.so'),
    ('l', 'lib', {'to': 'usr/lib'}),
    ('d', 'w'), ('f', 'w/keep'), ('f', 'w/gone'), ('d', 'w/sub'), ('f', 'w/sub/x'),
    ('d', 'o'), ('f', 'o/old'), ('d', 'o/olddir'), ('f', 'o/olddir/f'),
    ('d', 'rep'), ('f', 'rep/f2d'), ('d', 'rep/d2f'), ('f', 'rep/d2f/inner'),
    ('l', 'rep/l2f', {'to': 'f2d'}),
    ('d', 'hl'), ('f', 'hl/a', {'mode': 0o750}),
    ('d', 'rx', {'pax': {'SCHILY.xattr.user.a': 'one', 'SCHILY.xattr.user.both': 'first',
                         'SCHILY.xattr.system.posix_acl_access': ACL_DEFAULT,
                         'SCHILY.xattr.system.posix_acl_default': ACL_DEFAULT}}),
])
layer('l2.tar', [
    ('f', 'lib/b.so'),
    ('f', 'lib/.wh.gone.so'),
    ('f', 'w/.wh.gone'), ('f', 'w/.wh.sub'), ('f', 'w/.wh.nothing'),
    ('f', 'o/.wh..wh..opq'), ('f', 'o/new'),
    ('f', 'rep/d2f'), ('d', 'rep/f2d'), ('f', 'rep/f2d/now'), ('f', 'rep/l2f'),
    ('f', 'implied/parent/f'),
    ('f', 'ww/.wh.x'), ('f', 'oo/k/.wh..wh..opq'),
    ('d', 'rx', {'pax': {'SCHILY.xattr.user.b': 'two', 'SCHILY.xattr.user.both': 'second'}}),
])
layer('l3.tar', [
    ('f', 'lib/.wh.a.so'),
    ('d', 'rep/d2f'), ('f', 'rep/d2f/back'),
    ('f', 'rep/.wh.f2d'), ('f', 'rep/f2d', {'data': b'a file again\n'}),
    ('d', 'w', {'mode': 0o700}),
    ('f', 'hl/b', {'data': b'two names\n'}),
    ('h', 'hl/c', {'to': 'hl/b'}),
    ('f', 'hl/.wh.a'),
])
