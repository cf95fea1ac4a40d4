#!/usr/bin/env python3
"""Image archives written by tools that cannot be installed here, rebuilt
from their source code (tests/integration/test-producers-foreign.sh).

    mkforeign.py OUT LAYER1.tar LAYER2.tar.gz LAYER3.tar.zst

Each archive follows, member for member, what the named source writes:
member names and order, directory entries, JSON files and fields,
annotations, media types, tar format (Go's archive/tar writes USTAR unless
a field needs PAX).  The sources read (see README, "Producers"):

  moby/moby b985e2313a86 daemon/internal/image/tarexport/save.go
      Docker 25+ docker save, graphdriver store
  moby/moby b985e2313a86 daemon/containerd/image_exporter.go and
  containerd/containerd 301026e58c61 core/images/archive/exporter.go
      Docker 27/28 docker save with the containerd image store, ctr images
      export (--platform, --all-platforms, --skip-manifest-json), nerdctl
      save and buildkit's type=docker / type=oci exporters (all go through
      containerd's archive.Export)
  google/go-containerregistry 3f4ff3ca60f5 pkg/v1/tarball/write.go
      crane pull --format=tarball, kaniko --tar-path, ko
  google/go-containerregistry 3f4ff3ca60f5 pkg/legacy/tarball/write.go
      crane pull --format=legacy
  GoogleContainerTools/jib fb949e2676af jib-core/.../image/ImageTarball.java
      jib's tar, docker and OCI formats (commons-compress: USTAR, PAX
      for long names; no folder entries)
  containerd/stargz-snapshotter 7cf47cba4992 estargz/build.go, gzip.go
      eStargz layers

The layers are the producers fixture's (images/mkfixtures producers).
Everything is deterministic.
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZ = OCI_LAYER + "+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_GZ = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
INTOTO = "application/vnd.in-toto+json"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def gojson(obj):
    """Go's encoding/json: compact, struct fields in declaration order (the
    dicts below are written in that order), map keys sorted."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def decompress(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".gz"):
        return gzip.decompress(raw)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    return raw


def desc(mt, data, **extra):
    d = {"mediaType": mt, "digest": "sha256:" + sha(data), "size": len(data)}
    d.update(extra)
    return d


class Tar:
    """A tar as Go's archive/tar writes it: USTAR, uid/gid 0."""

    def __init__(self, path):
        self.t = tarfile.open(path, "w", format=tarfile.USTAR_FORMAT)

    def dir(self, name, mode=0o755):
        ti = tarfile.TarInfo(name)
        ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, mode, 0
        self.t.addfile(ti)

    def file(self, name, data, mode=0o644):
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime = len(data), mode, 0
        self.t.addfile(ti, io.BytesIO(data))

    def symlink(self, name, target):
        ti = tarfile.TarInfo(name)
        ti.type, ti.linkname, ti.mode, ti.mtime = tarfile.SYMTYPE, target, 0o777, 0
        self.t.addfile(ti)

    def close(self):
        self.t.close()


class Image:
    """One image: its layers (blob bytes, media type), diff_ids, config."""

    def __init__(self, tars, arch="amd64", variant=None, compress=True, layer_mt=OCI_LAYER_GZ):
        self.tars = tars
        self.diff_ids = ["sha256:" + sha(t) for t in tars]
        self.blobs = [gz(t) if compress else t for t in tars]
        self.layer_mt = layer_mt
        cfg = {"architecture": arch, "config": {"Env": ["PATH=/usr/bin:/bin"]},
               "created": "1970-01-01T00:00:00Z", "os": "linux",
               "rootfs": {"type": "layers", "diff_ids": self.diff_ids}}
        if variant:
            cfg["variant"] = variant
        self.config = gojson(cfg)
        self.platform = {"architecture": arch, "os": "linux"}
        if variant:
            self.platform["variant"] = variant

    def manifest(self, mt=OCI_MANIFEST, cfg_mt=OCI_CONFIG):
        return gojson({"schemaVersion": 2, "mediaType": mt,
                       "config": desc(cfg_mt, self.config),
                       "layers": [desc(self.layer_mt, b) for b in self.blobs]})


def attestation(subject_manifest):
    """buildkit's provenance attestation manifest for an image (an
    unknown/unknown entry of the image index)."""
    stmt = gojson({"_type": "https://in-toto.io/Statement/v0.1",
                   "predicateType": "https://slsa.dev/provenance/v0.2",
                   "subject": [{"name": "_", "digest": {"sha256": sha(subject_manifest)}}],
                   "predicate": {"builder": {"id": ""}, "buildType": "https://mobyproject.org/buildkit@v1"}})
    cfg = gojson({"architecture": "unknown", "os": "unknown", "config": {},
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(stmt)]}})
    man = gojson({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                  "config": desc(OCI_CONFIG, cfg),
                  "layers": [desc(INTOTO, stmt, annotations={"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"})]})
    entry = desc(OCI_MANIFEST, man,
                 annotations={"vnd.docker.reference.digest": "sha256:" + sha(subject_manifest),
                              "vnd.docker.reference.type": "attestation-manifest"},
                 platform={"architecture": "unknown", "os": "unknown"})
    return entry, {sha(man): man, sha(cfg): cfg, sha(stmt): stmt}


def name_annotations(name, tag):
    return {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": tag}


def write_c8d(path, blobs, index_entries, manifest_json):
    """containerd archive.Export: records sorted by name (writeTar), blobs
    0444, index.json and manifest.json 0644, the blobs/ folders 0755,
    oci-layout {"imageLayoutVersion":"1.0.0"}."""
    recs = {"oci-layout": (gojson({"imageLayoutVersion": "1.0.0"}), 0o444),
            "index.json": (gojson({"schemaVersion": 2, "mediaType": OCI_INDEX,
                                   "manifests": index_entries}), 0o644)}
    if manifest_json is not None:
        recs["manifest.json"] = (gojson(manifest_json), 0o644)
    for hexd, data in blobs.items():
        recs["blobs/sha256/" + hexd] = (data, 0o444)
    recs["blobs/"] = (None, 0o755)
    recs["blobs/sha256/"] = (None, 0o755)
    t = Tar(path)
    for name in sorted(recs):
        data, mode = recs[name]
        if data is None:
            t.dir(name, mode)
        else:
            t.file(name, data, mode)
    t.close()


def image_blobs(img, man):
    b = {sha(man): man, sha(img.config): img.config}
    for l in img.blobs:
        b[sha(l)] = l
    return b


def multiplatform(amd, arm, docker_types=False):
    """A buildx multi-platform push as the content store holds it: an index
    with each platform's manifest and, after them, one provenance
    attestation per platform (unknown/unknown)."""
    mt = DOCKER_MANIFEST if docker_types else OCI_MANIFEST
    m_amd = amd.manifest(mt, DOCKER_CONFIG if docker_types else OCI_CONFIG)
    m_arm = arm.manifest(mt, DOCKER_CONFIG if docker_types else OCI_CONFIG)
    a_amd, b_att_amd = attestation(m_amd)
    a_arm, b_att_arm = attestation(m_arm)
    index = gojson({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(mt, m_amd, platform=amd.platform),
        desc(mt, m_arm, platform=arm.platform),
        a_amd, a_arm]})
    return index, m_amd, m_arm, b_att_amd, b_att_arm


def docker_save_graphdriver(path, images):
    """moby save.go (Docker 25+, graphdriver): each layer stored
    uncompressed as blobs/sha256/<diff_id>, the config as
    blobs/sha256/<image id>, an OCI manifest written for each image,
    index.json entries named with io.containerd.image.name (the full
    reference) and org.opencontainers.image.ref.name (the tag alone),
    manifest.json with LayerSources for every layer (saveConfigAndLayer
    describes a plain layer as application/vnd.oci.image.layer.v1.tar),
    repositories; archive.Tar of the folder: lexical walk order, folders
    included."""
    files, index, mjson, repos = {}, [], [], {}
    for img, refs in images:
        files["blobs/sha256/" + sha(img.config)] = img.config
        sources = {}
        for t in img.tars:
            files["blobs/sha256/" + sha(t)] = t
            sources["sha256:" + sha(t)] = {"mediaType": OCI_LAYER, "digest": "sha256:" + sha(t), "size": len(t)}
        man = gojson({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                      "config": desc(OCI_CONFIG, img.config),
                      "layers": [desc(OCI_LAYER, t) for t in img.tars]})
        files["blobs/sha256/" + sha(man)] = man
        tags = []
        for full, familiar, repo, tag in refs:
            index.append(desc(OCI_MANIFEST, man, annotations=name_annotations(full, tag)))
            tags.append(familiar)
            repos.setdefault(repo, {})[tag] = sha(img.tars[-1])
        if not refs:
            index.append(desc(OCI_MANIFEST, man))
        item = {"Config": "blobs/sha256/" + sha(img.config), "RepoTags": tags or None,
                "Layers": ["blobs/sha256/" + sha(t) for t in img.tars],
                "LayerSources": dict(sorted(sources.items()))}
        mjson.append(item)
    files["index.json"] = gojson({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": index})
    files["manifest.json"] = gojson(mjson) + b"\n"
    files["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
    if repos:
        files["repositories"] = gojson(repos) + b"\n"
    t = Tar(path)
    t.dir("blobs/")
    t.dir("blobs/sha256/")
    for name in sorted(files):
        t.file(name, files[name])
    t.close()


def ggcr_tarball(path, images):
    """go-containerregistry tarball.Write: per image its config as
    "sha256:<hex>", its layers (compressed, as pulled) as <hex>.tar.gz
    (a layer seen before is not written again), manifest.json last,
    sorted by RepoTags; LayerSources only for foreign layers."""
    t = Tar(path)
    seen, mjson = set(), []
    for img, tags, foreign in images:
        t.file("sha256:" + sha(img.config), img.config)
        names, sources = [], {}
        for i, b in enumerate(img.blobs):
            n = sha(b) + ".tar.gz"
            names.append(n)
            if i in foreign:
                sources[img.diff_ids[i]] = {"mediaType": DOCKER_FOREIGN, "size": len(b),
                                            "digest": "sha256:" + sha(b),
                                            "urls": ["https://example.invalid/" + sha(b)]}
            if n in seen:
                continue
            seen.add(n)
            t.file(n, b)
        item = {"Config": "sha256:" + sha(img.config), "RepoTags": tags, "Layers": names}
        if sources:
            item["LayerSources"] = sources
        mjson.append(item)
    mjson.sort(key=lambda m: ",".join(m["RepoTags"] or []))
    t.file("manifest.json", gojson(mjson))
    t.close()


def ggcr_legacy(path, img, tag):
    """go-containerregistry legacy.Write: <config hex>.json, per layer
    <v1 id>/layer.tar (uncompressed), <v1 id>/json, <v1 id>/VERSION,
    manifest.json, repositories."""
    t = Tar(path)
    t.file(sha(img.config) + ".json", img.config)
    parent, files = "", []
    for i, raw in enumerate(img.tars):
        v1id = sha((parent + img.diff_ids[i]).encode())
        t.file(v1id + "/layer.tar", raw)
        j = {"id": v1id}
        if parent:
            j["parent"] = parent
        t.file(v1id + "/json", gojson(j))
        t.file(v1id + "/VERSION", b"1.0")
        files.append(v1id + "/layer.tar")
        parent = v1id
    t.file("manifest.json", gojson([{"Config": sha(img.config) + ".json", "RepoTags": [tag], "Layers": files}]))
    repo, _, tg = tag.rpartition(":")
    t.file("repositories", gojson({repo: {tg: parent}}))
    t.close()


def jib_docker(path, img, tags):
    """jib ImageTarball.dockerWriteTo: layers <hex>.tar.gz (the blob's
    digest), config.json, manifest.json; mtime 0."""
    t = Tar(path)
    names = []
    for b in img.blobs:
        names.append(sha(b) + ".tar.gz")
        t.file(names[-1], b)
    t.file("config.json", img.config)
    t.file("manifest.json", gojson([{"Config": "config.json", "RepoTags": tags, "Layers": names}]))
    t.close()


def jib_oci(path, img, ref):
    """jib ImageTarball.ociWriteTo: blobs/sha256/<layer>, the config, the
    manifest, oci-layout, index.json whose one entry (no platform) has
    org.opencontainers.image.ref.name = the full reference."""
    t = Tar(path)
    for b in img.blobs:
        t.file("blobs/sha256/" + sha(b), b)
    man = img.manifest()
    t.file("blobs/sha256/" + sha(img.config), img.config)
    t.file("blobs/sha256/" + sha(man), man)
    t.file("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    t.file("index.json", gojson({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, man, annotations={"org.opencontainers.image.ref.name": ref})]}))
    t.close()


def estargz_layer(tar_bytes, prefetch):
    """eStargz as estargz.Build writes it (build.go, gzip.go): the landmark
    (.prefetch.landmark after the prioritized files, else
    .no.prefetch.landmark first), each entry its own gzip member, then the
    TOC stargz.index.json as a tar of its own (one gzip member) and the
    51-byte footer.  The TOC lists the entries (not itself)."""
    src = tarfile.open(fileobj=io.BytesIO(tar_bytes))
    members = [(m, src.extractfile(m).read() if m.isreg() else None) for m in src.getmembers()]
    landmark = tarfile.TarInfo(".prefetch.landmark" if prefetch else ".no.prefetch.landmark")
    landmark.size, landmark.mode, landmark.mtime = 1, 0o644, 0
    lm = (landmark, b"\xf0")
    order = [members[0], lm] + members[1:] if prefetch else [lm] + members
    out, toc = io.BytesIO(), []
    for m, data in order:
        body = m.tobuf(format=tarfile.PAX_FORMAT)
        if data:
            body += data + b"\0" * ((-len(data)) % 512)
        toc.append({"name": m.name, "type": "reg" if m.isreg() else "dir" if m.isdir() else "other",
                    "offset": out.tell()})
        out.write(gz(body))
    tocjson = json.dumps({"version": 1, "entries": toc}, indent="\t").encode()
    toc_off = out.tell()
    one = io.BytesIO()
    tw = tarfile.open(fileobj=one, mode="w", format=tarfile.USTAR_FORMAT)
    ti = tarfile.TarInfo("stargz.index.json")
    ti.size = len(tocjson)
    tw.addfile(ti, io.BytesIO(tocjson))
    tw.close()
    out.write(gz(one.getvalue()))
    sub = b"%016xSTARGZ" % toc_off
    extra = b"SG" + len(sub).to_bytes(2, "little") + sub
    footer = (b"\x1f\x8b\x08\x04" + b"\0\0\0\0" + b"\0\xff" + len(extra).to_bytes(2, "little") + extra
              + b"\x01\x00\x00\xff\xff" + b"\0\0\0\0" + b"\0\0\0\0")
    assert len(footer) == 51, len(footer)
    out.write(footer)
    return out.getvalue()


def main():
    out, l1, l2, l3 = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    tars = [decompress(p) for p in (l1, l2, l3)]
    amd = Image(tars)
    arm = Image(tars[:1], arch="arm64", variant="v8")

    # Docker 25+ docker save, graphdriver: one image, and two images whose
    # tags are both "latest" (org.opencontainers.image.ref.name "latest").
    docker_save_graphdriver(f"{out}/docker25.tar", [
        (amd, [("docker.io/powercut/fixture:latest", "powercut/fixture:latest", "powercut/fixture", "latest")])])
    two = Image(tars[:2])
    docker_save_graphdriver(f"{out}/docker25-two.tar", [
        (amd, [("docker.io/powercut/fixture:latest", "powercut/fixture:latest", "powercut/fixture", "latest")]),
        (two, [("docker.io/powercut/two:latest", "powercut/two:latest", "powercut/two", "latest")])])

    # Docker 27/28, containerd image store: docker save of a buildx
    # multi-platform image of which only linux/amd64 was pulled.  Export
    # options: WithPlatform(any, host first), WithSkipMissing,
    # WithSkipNonDistributable.  The index and the amd64 manifest, config,
    # layers and attestation are there; the arm64 manifest is not local
    # (skipped), nor its attestation.
    index, m_amd, m_arm, att_amd, att_arm = multiplatform(amd, arm)
    blobs = {sha(index): index}
    blobs.update(image_blobs(amd, m_amd))
    blobs.update(att_amd)
    top = [desc(OCI_INDEX, index, annotations=name_annotations("docker.io/powercut/fixture:latest", "latest"))]
    mj = [{"Config": "blobs/sha256/" + sha(amd.config), "RepoTags": ["powercut/fixture:latest"],
           "Layers": ["blobs/sha256/" + sha(b) for b in amd.blobs]}]
    write_c8d(f"{out}/docker-c8d.tar", blobs, top, mj)
    # ctr images export --skip-manifest-json of the same content
    write_c8d(f"{out}/ctr-nomj.tar", blobs, top, None)
    # Docker 28: the same with the image's referrers (WithReferrersProvider:
    # moby's referrersForExport reads the content store's referrer labels);
    # a cosign signature, which sets no artifactType, is listed in
    # index.json after the image, annotated io.containerd.manifest.subject
    # (filterReferrers), without a platform.
    sig_payload = gojson({"critical": {"identity": {"docker-reference": "docker.io/powercut/fixture"},
                                       "image": {"docker-manifest-digest": "sha256:" + sha(index)},
                                       "type": "cosign container image signature"}, "optional": None})
    sig_cfg = gojson({"architecture": "", "created": "0001-01-01T00:00:00Z", "os": "",
                      "config": {}, "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(sig_payload)]}})
    sig = gojson({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": desc(OCI_CONFIG, sig_cfg),
                  "layers": [desc("application/vnd.dev.cosign.simplesigning.v1+json", sig_payload,
                                  annotations={"dev.cosignproject.cosign/signature": "MEUCIQ=="})]})
    blobs_sig = dict(blobs)
    blobs_sig.update({sha(sig): sig, sha(sig_cfg): sig_cfg, sha(sig_payload): sig_payload})
    top_sig = top + [desc(OCI_MANIFEST, sig, annotations={"io.containerd.manifest.subject": "sha256:" + sha(index)})]
    write_c8d(f"{out}/docker-c8d-signed.tar", blobs_sig, top_sig, mj)
    write_c8d(f"{out}/ctr-nomj-signed.tar", blobs_sig, top_sig, None)
    mj_arm = [{"Config": "blobs/sha256/" + sha(arm.config), "RepoTags": ["powercut/fixture:latest"],
               "Layers": ["blobs/sha256/" + sha(b) for b in arm.blobs]}]
    # ctr images export --platform linux/arm64 of an image whose every
    # platform was pulled: the index lists amd64, only arm64's blobs are
    # there, manifest.json names the arm64 image.
    blobs_arm = {sha(index): index}
    blobs_arm.update(image_blobs(arm, m_arm))
    write_c8d(f"{out}/ctr-arm64.tar", blobs_arm, top, mj_arm)
    # ctr images export --all-platforms: everything there
    blobs_all = dict(blobs)
    blobs_all.update(image_blobs(arm, m_arm))
    blobs_all.update(att_arm)
    write_c8d(f"{out}/ctr-all.tar", blobs_all, top, mj)
    # The same exported on an arm64 host: Docker's containerd store points
    # manifest.json at the host's platform (image_exporter.go).
    write_c8d(f"{out}/ctr-all-armhost.tar", blobs_all, top, mj_arm)
    # buildkit (moby/buildkit 73ed6825c4b7 exporter/oci/export.go):
    # archive.Export with WithManifest(desc, names...) and, for type=oci,
    # WithAllPlatforms + WithSkipDockerManifest; type=docker sets no
    # platform, so for an index (image + attestation) containerd's
    # exporter finds no manifest for manifest.json and writes none: both
    # variants give the same archive.  The descriptor carries
    # org.opencontainers.image.created.
    idx1 = gojson({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, m_amd, platform=amd.platform), attestation(m_amd)[0]]})
    b1 = {sha(idx1): idx1}
    b1.update(image_blobs(amd, m_amd))
    b1.update(att_amd)
    ann = name_annotations("docker.io/powercut/fixture:latest", "latest")
    ann["org.opencontainers.image.created"] = "1970-01-01T00:00:00Z"
    top1 = [desc(OCI_INDEX, idx1, annotations=dict(sorted(ann.items())))]
    write_c8d(f"{out}/buildkit-oci.tar", b1, top1, None)
    write_c8d(f"{out}/buildkit-docker.tar", b1, top1, None)
    # buildkit type=docker,oci-mediatypes=false, no attestations: the
    # manifest itself in index.json, Docker media types, and manifest.json
    # (a manifest descriptor needs no platform).
    dimg = Image(tars, layer_mt=DOCKER_LAYER_GZ)
    m_d = dimg.manifest(DOCKER_MANIFEST, DOCKER_CONFIG)
    bd = image_blobs(dimg, m_d)
    topd = [desc(DOCKER_MANIFEST, m_d, annotations=dict(sorted(ann.items())))]
    write_c8d(f"{out}/buildkit-docker-dockertypes.tar", bd, topd,
              [{"Config": "blobs/sha256/" + sha(dimg.config), "RepoTags": ["powercut/fixture:latest"],
                "Layers": ["blobs/sha256/" + sha(b) for b in dimg.blobs]}])

    # nydusify convert --merge-platform: the nydus image beside the OCI
    # one in the index, both linux/amd64, the nydus entry with os.features
    # ["nydus.remoteimage.v1"] (its RAFS layers stood in for here by the
    # first layer: it must never be read).
    nyd = Image(tars[:1])
    m_nyd = nyd.manifest()
    idx_n = gojson({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        desc(OCI_MANIFEST, m_amd, platform=amd.platform),
        desc(OCI_MANIFEST, m_nyd, platform=dict(amd.platform, **{"os.features": ["nydus.remoteimage.v1"]}))]})
    bn = {sha(idx_n): idx_n}
    bn.update(image_blobs(amd, m_amd))
    bn.update(image_blobs(nyd, m_nyd))
    write_c8d(f"{out}/nydus-merged.tar", bn,
              [desc(OCI_INDEX, idx_n, annotations=name_annotations("docker.io/powercut/fixture:latest", "latest"))], None)

    # A nydus image alone (nydus-snapshotter's converter constants:
    # RAFS data blobs as application/vnd.oci.image.layer.nydus.blob.v1,
    # then a gzip bootstrap layer holding image/image.boot, annotated
    # containerd.io/snapshot/nydus-bootstrap; os.features in the index).
    rafs = b"RAFS data blob stand-in\n" * 64
    boot_tar = io.BytesIO()
    bt = tarfile.open(fileobj=boot_tar, mode="w", format=tarfile.USTAR_FORMAT)
    ti = tarfile.TarInfo("image/image.boot")
    ti.size = 64
    bt.addfile(ti, io.BytesIO(b"\0" * 64))
    bt.close()
    boot = gz(boot_tar.getvalue())
    ncfg = gojson({"architecture": "amd64", "os": "linux", "config": {},
                   "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(rafs), "sha256:" + sha(boot_tar.getvalue())]}})
    nman = gojson({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": desc(OCI_CONFIG, ncfg), "layers": [
        desc("application/vnd.oci.image.layer.nydus.blob.v1", rafs, annotations={"containerd.io/snapshot/nydus-blob": "true"}),
        desc(OCI_LAYER_GZ, boot, annotations={"containerd.io/snapshot/nydus-bootstrap": "true"})]})
    write_c8d(f"{out}/nydus-only.tar", {sha(nman): nman, sha(ncfg): ncfg, sha(rafs): rafs, sha(boot): boot},
              [desc(OCI_MANIFEST, nman, annotations=name_annotations("docker.io/powercut/fixture:nydus", "nydus"),
                    platform={"architecture": "amd64", "os": "linux", "os.features": ["nydus.remoteimage.v1"]})], None)

    # ctr images export --skip-non-distributable (Docker's save sets
    # WithSkipNonDistributableBlobs too) of an image whose first layer is
    # foreign: the manifest names it (Docker media types, urls), its blob
    # is not in the archive.
    fimg = Image(tars, layer_mt=DOCKER_LAYER_GZ)
    fl = [desc(DOCKER_FOREIGN, fimg.blobs[0], urls=["https://example.invalid/" + sha(fimg.blobs[0])])] + \
         [desc(DOCKER_LAYER_GZ, b) for b in fimg.blobs[1:]]
    fman = gojson({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
                   "config": desc(DOCKER_CONFIG, fimg.config), "layers": fl})
    fb = {sha(fman): fman, sha(fimg.config): fimg.config}
    for b in fimg.blobs[1:]:
        fb[sha(b)] = b
    write_c8d(f"{out}/ctr-foreign.tar", fb,
              [desc(DOCKER_MANIFEST, fman, annotations=name_annotations("docker.io/powercut/fixture:latest", "latest"))],
              [{"Config": "blobs/sha256/" + sha(fimg.config), "RepoTags": ["powercut/fixture:latest"],
                "Layers": ["blobs/sha256/" + sha(b) for b in fimg.blobs]}])
    write_c8d(f"{out}/ctr-foreign-nomj.tar", fb,
              [desc(DOCKER_MANIFEST, fman, annotations=name_annotations("docker.io/powercut/fixture:latest", "latest"))], None)

    # go-containerregistry tarball.Write (crane pull, kaniko --tar-path, ko)
    ggcr_tarball(f"{out}/ggcr.tar", [(amd, ["registry.example/powercut/fixture:latest"], ())])
    ggcr_tarball(f"{out}/ggcr-two.tar", [(amd, ["registry.example/powercut/fixture:latest"], ()),
                                         (two, ["registry.example/powercut/two:v1"], ())])
    ggcr_tarball(f"{out}/ggcr-foreign.tar", [(amd, ["registry.example/powercut/fixture:latest"], (0,))])

    ggcr_legacy(f"{out}/ggcr-legacy.tar", amd, "registry.example/powercut/fixture:latest")
    jib_docker(f"{out}/jib-docker.tar", amd, ["gcr.io/powercut/fixture:latest", "gcr.io/powercut/fixture:1.0"])
    jib_oci(f"{out}/jib-oci.tar", amd, "gcr.io/powercut/fixture:latest")

    # eStargz layer 2 in an OCI layout-shaped oci-archive (containerd's
    # exporter, one image, no index)
    for prefetch in (0, 1):
        es = estargz_layer(tars[1], prefetch)
        eimg = Image([tars[0], tars[1], tars[2]])
        eimg.blobs[1] = es
        eimg.diff_ids[1] = "sha256:" + sha(gzip.decompress(es))
        cfg = json.loads(eimg.config)
        cfg["rootfs"]["diff_ids"] = eimg.diff_ids
        eimg.config = gojson(cfg)
        me = eimg.manifest()
        write_c8d(f"{out}/estargz{prefetch}.tar", image_blobs(eimg, me),
                  [desc(OCI_MANIFEST, me, annotations=name_annotations("docker.io/powercut/esgz:latest", "latest"))], None)
        with open(f"{out}/estargz{prefetch}.layer.tar", "wb") as f:
            f.write(gzip.decompress(es))


if __name__ == "__main__":
    main()
