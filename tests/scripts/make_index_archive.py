#!/usr/bin/env python3
"""Writes an OCI archive shaped as `docker buildx build --output type=oci` writes one by
default (provenance attestations on): index.json -> an image index naming the image for
linux/amd64, a second platform (linux/arm64, the same blobs under a manifest with an
extra annotation, so its digest differs) and an in-toto attestation manifest
(platform unknown/unknown, vnd.docker.reference.* annotations, in-toto layer).

usage: make_index_archive.py SRC.oci.tar OUT.tar [TAG]
SRC is a single-image OCI archive (../shared/images/alpine-3.19.oci.tar)."""
import hashlib
import io
import json
import sys
import tarfile


def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data


def main():
    src, out = sys.argv[1], sys.argv[2]
    tag = sys.argv[3] if len(sys.argv) > 3 else "multi"
    blobs = {}
    with tarfile.open(src) as t:
        for m in t.getmembers():
            if m.isfile():
                blobs[m.name.lstrip("./")] = t.extractfile(m).read()
    index = json.loads(blobs["index.json"])
    desc = index["manifests"][0]
    mdig = desc["digest"]
    mbytes = blobs["blobs/sha256/" + mdig.split(":")[1]]
    manifest = json.loads(mbytes)

    # a second platform: same config and layers, a different manifest digest
    arm = dict(manifest)
    arm["annotations"] = {"org.opencontainers.image.description": "linux/arm64 copy for tests"}
    armdig, armbytes = blob(json.dumps(arm, separators=(",", ":")).encode())

    # the provenance attestation, as buildx shapes it
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": "pkg:docker/test/app@" + tag, "digest": {"sha256": mdig.split(":")[1]}}],
        "predicate": {"builder": {"id": ""}, "buildType": "https://mobyproject.org/buildkit@v1"},
    }
    stdig, stbytes = blob(json.dumps(statement).encode())
    cfg = {"architecture": "unknown", "os": "unknown", "config": {},
           "rootfs": {"type": "layers", "diff_ids": [stdig]}}
    cfgdig, cfgbytes = blob(json.dumps(cfg).encode())
    att = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfgdig, "size": len(cfgbytes)},
           "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": stdig, "size": len(stbytes),
                       "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}}]}
    attdig, attbytes = blob(json.dumps(att).encode())

    mt = "application/vnd.oci.image.manifest.v1+json"
    idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": mt, "digest": mdig, "size": len(mbytes), "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": mt, "digest": armdig, "size": len(armbytes),
         "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
        {"mediaType": mt, "digest": attdig, "size": len(attbytes),
         "annotations": {"vnd.docker.reference.digest": mdig, "vnd.docker.reference.type": "attestation-manifest"},
         "platform": {"architecture": "unknown", "os": "unknown"}},
    ]}
    idxdig, idxbytes = blob(json.dumps(idx).encode())
    top = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": idxdig, "size": len(idxbytes),
         "annotations": {"org.opencontainers.image.ref.name": tag}}]}
    for d, b in ((armdig, armbytes), (stdig, stbytes), (cfgdig, cfgbytes), (attdig, attbytes), (idxdig, idxbytes)):
        blobs["blobs/sha256/" + d.split(":")[1]] = b
    blobs["index.json"] = json.dumps(top).encode()
    with tarfile.open(out, "w") as t:
        for name in sorted(blobs):
            ti = tarfile.TarInfo(name)
            ti.size = len(blobs[name])
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(blobs[name]))
    print(json.dumps({"index": idxdig, "amd64": mdig, "arm64": armdig, "attestation": attdig}))


if __name__ == "__main__":
    main()
