"""OCI image archives written from Python, for the tests that build their own images
(lang_images.py, enhanced.py, encodings.py): tar layers from (kind, path, data, mode)
entries and an OCI image layout tarball around them, so each image's bytes are known to
the test."""
import gzip, hashlib, io, json, tarfile


def add_entry(t, kind, path, data, mode=0o644, pax_headers=None):
    """Adds one entry to the open tarfile t: kind file, dir, sym or hard (data is the
    link target for the last two). mtime is fixed so that a layer's digest is too."""
    ti = tarfile.TarInfo(path)
    ti.mtime = 1700000000
    if pax_headers:
        ti.pax_headers = pax_headers
    if kind == "file":
        ti.size, ti.mode = len(data), mode
        t.addfile(ti, io.BytesIO(data))
    elif kind == "dir":
        ti.type, ti.mode = tarfile.DIRTYPE, 0o755
        t.addfile(ti)
    elif kind == "sym":
        ti.type, ti.linkname = tarfile.SYMTYPE, data
        t.addfile(ti)
    elif kind == "hard":
        ti.type, ti.linkname = tarfile.LNKTYPE, data
        t.addfile(ti)


def layer(entries):
    """Uncompressed tar bytes: (kind, path, data, mode) with kind file, dir, sym, hard;
    every missing parent directory gets an entry first, as GNU tar writes them."""
    buf = io.BytesIO()
    done = set()
    links = {p for k, p, d, m in entries if k == "sym"}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for kind, path, data, mode in entries:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                pre = "/".join(parts[:i])
                if pre in links or pre in done:
                    continue
                done.add(pre)
                add_entry(t, "dir", pre + "/", None)
            if kind == "dir":
                done.add(path)
            add_entry(t, kind, path, data, mode or 0o644)
    return buf.getvalue()


def F(path, data, mode=0o644):
    return ("file", path.lstrip("/"), data, mode)


def S(path, target):
    return ("sym", path.lstrip("/"), target, 0)


def oci_archive(path, layers):
    """An OCI image layout tarball; returns the layers' blob digests (gzip) in order."""
    blobs, descs, diff_ids = {}, [], []

    def blob(b):
        d = hashlib.sha256(b).hexdigest()
        blobs[d] = b
        return "sha256:" + d

    for raw in layers:
        gz = gzip.compress(raw, mtime=0)
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(gz), "size": len(gz)})
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfg),
                                 "size": len(cfg)}, "layers": descs}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                            "digest": blob(man), "size": len(man)}]}).encode()
    with tarfile.open(path, "w") as t:
        for name, data in [("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'), ("index.json", index)] + \
                [("blobs/sha256/" + d, b) for d, b in blobs.items()]:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    return [d["digest"] for d in descs]
