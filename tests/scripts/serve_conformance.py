"""The OCI Distribution API of `ecrlite serve`, request by request (serve.md §4, §7.1).

Two parts over the same request sequences:
- conformance: ecrlite's answers alone, asserted against the OCI distribution-spec v1.1
  (the checks of the conformance suite, serve.md §7.1, and the spec's MUSTs) and, where
  ECR deliberately differs (serve.md §4: no create-on-push, 4 MiB manifests, TAG_INVALID,
  no blob DELETE), against ECR;
- differential: when Debian's docker-registry (CNCF distribution 2.8.2) is installed,
  the same sequences against it on another loopback port, comparing status, OCI error
  code and the headers clients rely on, except at the labels of DIVERGE, each with the
  reason the two are not supposed to agree.

Usage: serve_conformance.py BINDIR [--probe]   (--probe: print every answer of both)."""
import hashlib
import http.client
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/bin")
PROBE = "--probe" in sys.argv
SUITE = "serve-conformance"
# the server's start and stop (loaded by path, as the other suites load it)
_spec = importlib.util.spec_from_file_location("servelib", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                        "servelib.py"))
servelib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(servelib)

MT_S2 = "application/vnd.docker.distribution.manifest.v2+json"
MT_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MT_OCI = "application/vnd.oci.image.manifest.v1+json"
MT_IDX = "application/vnd.oci.image.index.v1+json"
MT_S2_CFG = "application/vnd.docker.container.image.v1+json"
MT_OCI_CFG = "application/vnd.oci.image.config.v1+json"
MT_S2_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MT_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_EMPTY = "application/vnd.oci.empty.v1+json"
ZERO = "sha256:" + "0" * 64
EMPTY_SHA = "sha256:" + hashlib.sha256(b"").hexdigest()

# Labels where ecrlite and distribution 2.8.2 are not supposed to agree, and why.
DIVERGE = {
    # ECR does not create repositories on push (serve.md §4.1): NAME_UNKNOWN
    "missing-repo-post": "ECR: no create-on-push (serve.md §4.1)",
    "missing-repo-mount": "ECR: no create-on-push (serve.md §4.1)",
    "missing-repo-manifest-put": "ECR: no create-on-push (serve.md §4.1)",
    "missing-repo-tags": "ECR: NAME_UNKNOWN for a repository never created (serve.md §4.1)",
    # ECR's RepositoryName is stricter than the spec's <name> (serve.md §4.1)
    "name-one-char": "ECR: a repository name is 2-256 characters (serve.md §4.1)",
    # distribution 2.8.2 ignores the body of a monolithic POST and answers 202 (serve.md
    # §4.4 [anchor]); the spec allows 201 or 202, ecrlite stores the blob in one request
    "mono-post": "spec: 201 or 202 (end-4b); distribution ignores the body",
    # distribution does not check Content-Range against what it holds (serve.md §7.2)
    "chunk-out-of-order": "distribution 2.8.2 known wrong: no 416 (serve.md §7.2)",
    "chunk-retried": "distribution 2.8.2 known wrong: no 416 (serve.md §7.2)",
    "chunk-overlap": "distribution 2.8.2 known wrong: no 416 (serve.md §7.2)",
    "chunk-session-get": "follows from chunk-retried/chunk-overlap being appended by distribution",
    # an upload that is not (or no longer) the repository's: distribution answers 404
    # BLOB_UPLOAD_INVALID (serve.md §4.8 [anchor]); the spec's code is BLOB_UPLOAD_UNKNOWN
    "session-other-repo": "spec: BLOB_UPLOAD_UNKNOWN for no such session (serve.md §4.8)",
    "chunk-put-again": "spec: BLOB_UPLOAD_UNKNOWN for no such session (serve.md §4.8)",
    "chunk-second": "follows from chunk-retried/chunk-overlap being appended by distribution",
    "chunk-put": "follows from chunk-retried/chunk-overlap being appended by distribution",
    # sha512: distribution accepts the algorithm (go-digest); ECR's digests are sha256
    # only (ImageDigest, LayerDigest patterns), so DIGEST_INVALID
    "blob-head-sha512": "ECR: sha256 only, 400 DIGEST_INVALID for a digest it cannot hold; distribution 404",
    "put-sha512-blob": "follows from put-sha512 (distribution stored the bytes)",
    "put-sha512": "ECR: sha256 digests only (model LayerDigest); the spec lets a registry refuse an algorithm with DIGEST_INVALID",
    # ECR has no blob DELETE on its registry API: layers go with BatchDeleteImage;
    # the spec allows 405 (end-10)
    "blob-delete": "ECR: layers are deleted with their images; spec end-10 allows 405",
    "blob-after-delete": "follows from blob-delete",
    # ECR converts by tag when the stored type is not accepted (serve.md §4.3);
    # distribution answers 404 MANIFEST_UNKNOWN for OCI, or the stored type
    "accept-s2-as-oci": "ECR: conversion by tag (serve.md §4.3)",
    "accept-oci-as-s2": "ECR: conversion by tag (serve.md §4.3)",
    "accept-oci-by-digest-s2-only": "ECR serves the stored bytes by digest (serve.md §4.3); distribution 404s OCI not accepted",
    # tags/list: distribution 2.8.2 ignores n and last (serve.md §4.6, §7.2)
    "tags-n2": "distribution 2.8.2 known wrong: n ignored (serve.md §7.2)",
    "tags-n2-last": "distribution 2.8.2 known wrong: last ignored (serve.md §7.2)",
    "tags-n0": "distribution 2.8.2 known wrong: n ignored (serve.md §7.2)",
    # referrers: not in distribution 2.8.2 (serve.md §7.2)
    "artifact-config-type": "distribution 2.8.2 has no referrers API",
    "referrers-config-type": "distribution 2.8.2 has no referrers API",
    "referrers-filter-none": "distribution 2.8.2 has no referrers API",
    "index-with-subject": "distribution 2.8.2 has no referrers API",
    "referrers-of-index": "distribution 2.8.2 has no referrers API",
    "referrers-after-delete": "distribution 2.8.2 has no referrers API",
    "referrers-missing": "distribution 2.8.2 has no referrers API (serve.md §7.2)",
    "referrers": "distribution 2.8.2 has no referrers API",
    "referrers-filter": "distribution 2.8.2 has no referrers API",
    "referrers-bad-digest": "distribution 2.8.2 has no referrers API",
    "artifact-put": "OCI-Subject: distribution 2.8.2 has no referrers API",
    # DELETE by tag: ECR untags (BatchDeleteImage by imageTag); spec end-9 allows 202
    # or 400/405; distribution answers 400 DIGEST_INVALID (serve.md §4.5 [anchor])
    "delete-referenced-tag": "ECR keeps an image that an index references (ImageReferencedByManifestList)",
    "delete-tag": "ECR untags (BatchDeleteImage); distribution refuses a tag delete",
    "delete-tag-after": "follows from delete-tag",
    "delete-tag-digest-after": "follows from delete-tag",
    "tags-after-delete": "follows from delete-tag",
    # an index's platform image: ECR refuses (ImageReferencedByManifestList), see
    # do_manifest_delete in frontends/serve/serve_oci.c
    "delete-referenced": "ECR keeps an image that an index references (ImageReferencedByManifestList)",
    # a tag the spec's grammar refuses: ECR answered 400 (serve.md §4.1,
    # bazel-contrib/rules_oci#720); distribution's router answers 404 without a body
    "tag-invalid-get": "ECR: 400 on a tag outside the grammar (serve.md §4.1)",
    "tag-invalid-put": "ECR: 400 on a tag outside the grammar (serve.md §4.1)",
    # a Range of another unit or that does not parse: RFC 9110 §14.2, a server MUST
    # ignore a unit it does not understand and MAY ignore any Range (200, whole);
    # Go's ServeContent answers 416
    "range-junk": "RFC 9110 §14.2: an unparsable Range may be ignored; Go answers 416",
    "range-other-unit": "RFC 9110 §14.2: a Range of an unknown unit MUST be ignored; Go answers 416",
    # distribution's router: 404 text for a name outside its grammar, 301 to the
    # cleaned path for a double slash; the spec's answer is 400 NAME_INVALID
    "name-upper": "spec: NAME_INVALID; distribution's router answers 404 text",
    "name-ecr-0": "ECR's RepositoryName is stricter than the spec's <name> (serve.md §4.1)",
    "name-ecr-1": "ECR's RepositoryName is stricter than the spec's <name> (serve.md §4.1)",
    "name-ecr-2": "distribution's router: 404 text; the spec's NAME_INVALID",
    "name-ecr-3": "distribution's router: 404 text; the spec's NAME_INVALID",
    "name-ecr-4": "distribution's router: 404 text; the spec's NAME_INVALID",
    "name-ecr-5": "distribution's router: 404 text; the spec's NAME_INVALID",
    "name-ecr-6": "distribution's router: 404 text; the spec's NAME_INVALID",
    "name-ecr-7": "distribution's router: 301 to the cleaned path; the spec's NAME_INVALID",
    "name-257": "ECR: at most 256 characters (serve.md §4.1); distribution takes 255 per component",
    "name-double-slash": "spec: NAME_INVALID; distribution redirects to the cleaned path",
    # several ranges: RFC 9110 lets a server ignore Range (ecrlite: 200, whole) or
    # answer multipart/byteranges (distribution, Go's ServeContent): both right
    "range-multi": "RFC 9110 §14.2: ignoring Range (200) and multipart 206 are both allowed",
    # distribution's 416 says Content-Length of the blob and sends an error text
    "range-unsatisfiable": "distribution's 416 has a Content-Length it does not send",
    # after an out-of-order PATCH, distribution's session is broken (404
    # BLOB_UPLOAD_INVALID on the next PATCH); the spec wants 416 and a usable session
    "chunk-first": "follows from chunk-out-of-order: distribution broke the session",
    "chunk-blob": "follows from chunk-out-of-order: distribution broke the session",
    # a Content-Range outside the spec's ^[0-9]+-[0-9]+$: distribution ignores the
    # header and appends; ecrlite refuses the chunk (416, end-5's failure), since
    # appending bytes the client placed elsewhere corrupts the blob
    "chunk-bad-range": "ecrlite refuses a malformed Content-Range (end-5: 416)",
    **{"chunk-bad-range-%d" % i: "ecrlite refuses a malformed Content-Range (416)" for i in range(6)},
    # a session id distribution cannot decode: BLOB_UPLOAD_INVALID; the spec's code
    # for "no such upload session" is BLOB_UPLOAD_UNKNOWN (serve.md §4.8)
    "upload-unknown-get": "spec: BLOB_UPLOAD_UNKNOWN (serve.md §4.8)",
    # distribution repeats Docker-Upload-UUID on a cancel's 204; nothing reads it
    "cancel": "Docker-Upload-UUID on a cancel's 204: no client reads it",
    # no Accept: distribution 2.8.2 tries to make a schema 1 and fails (400);
    # serve.md §4.3: serve the stored type when no Accept is sent
    "get-s2-no-accept": "serve.md §4.3: the stored type when no Accept is sent",
    # a malformed digest reference: distribution's 500 UNKNOWN is its bug; 400
    # DIGEST_INVALID is the spec's code
    "put-malformed-digest-ref": "spec: DIGEST_INVALID; distribution answers 500",
    "get-malformed-digest-ref": "spec: DIGEST_INVALID; distribution answers 500",
    # distribution ignores last (serve.md §7.2)
    "tags-n5": "distribution 2.8.2 known wrong: n ignored (serve.md §7.2)",
    # the catalogs differ: distribution made conf/missing on the mount into it
    "catalog": "ECR: no create-on-push, so the repositories differ",
    "catalog-n2": "ECR: no create-on-push, so the repositories differ",
    "catalog-n2-last": "ECR: no create-on-push, so the repositories differ",
    "tags-last-end": "distribution 2.8.2 known wrong: last ignored (serve.md §7.2)",
    "artifact-subject-missing": "OCI-Subject: distribution 2.8.2 has no referrers API",
    # over 4 MiB: serve.md §4.5 (ECR's cap; the spec's SHOULD 413); distribution
    # answers 400 MANIFEST_INVALID "http: request body too large"
    # any type accepted: the stored one (serve.md §4.3); distribution 2.8.2 404s an OCI
    # manifest unless OCI is named
    "accept-star": "serve.md §4.3: the stored type; distribution 404s OCI not named",
    "accept-json": "serve.md §4.3: the stored type; distribution 404s OCI not named",
    "referrers-post": "distribution 2.8.2 has no referrers route (404 text)",
    # Content-Range 0-99 on 50 bytes: distribution appends the 50; the spec's code for
    # a length that is not the content's is SIZE_INVALID (serve.md §4.8)
    "chunk-length-mismatch": "spec: SIZE_INVALID (serve.md §4.8); distribution appends",
    "chunk-length-mismatch-get": "follows from chunk-length-mismatch",
    "chunk-coding-length-mismatch": "spec: SIZE_INVALID (serve.md §4.8); distribution appends",
    "chunk-coding-length-mismatch-get": "follows from chunk-coding-length-mismatch",
    "chunk-coding-range": "follows from chunk-coding-length-mismatch (distribution's session holds 50 bytes)",
    # a foreign (Windows base) or non-distributable layer named by URL and never pushed:
    # distribution 2.8.2 with no validation.manifests.urls.allow refuses it with 500
    # UNKNOWN (its errMissingURL/errInvalidURL are not registry errors); ecrlite with
    # 400 MANIFEST_BLOB_UNKNOWN without urls; with urls it is stored, as ECR stores
    # Windows images whose base layers docker never pushes
    "put-foreign-layer": "distribution answers 500 for a URL layer; ECR stores Windows images",
    "put-foreign-layer-no-urls": "distribution answers 500 (errMissingURL); the spec's code is MANIFEST_BLOB_UNKNOWN",
    "put-nondistributable": "distribution answers 500 for a URL layer; ECR stores Windows images",
    "blob-foreign": "follows from put-foreign-layer",
    "delete-win": "follows from put-foreign-layer (and delete-tag)",
    "delete-nd": "follows from put-nondistributable (and delete-tag)",
    # an index not accepted: no conversion for indexes (serve.md §4.3 names schema 2 <->
    # OCI images), the stored bytes under their own type, which the client checks;
    # distribution 404s ("OCI index found, but accept header does not support...")
    "accept-index-as-list": "serve.md §4.3: indexes are not converted; the stored type is served",
    "accept-list-as-index": "serve.md §4.3: indexes are not converted; the stored type is served",
    "delete-referenced-after": "follows from delete-referenced (distribution deleted it then)",
    # a 304's Content-Length: distribution sends none, ecrlite the 200's (RFC 9110 §8.6
    # allows both); and distribution leaves Docker-Content-Digest out of a manifest's 304
    "manifest-if-none-match": "RFC 9110 §8.6: a 304 may carry the 200's Content-Length",
    "blob-if-none-match": "RFC 9110 §8.6: a 304 may carry the 200's Content-Length",
    "blob-if-none-match-star": "RFC 9110 §8.6: a 304 may carry the 200's Content-Length",
    "digest-upper": "spec: DIGEST_INVALID (hex is lowercase); distribution answers 500",
    "tag-129": "ECR: 400 on a tag outside the grammar (serve.md §4.1)",
    "tag-leading-dot": "ECR: 400 on a tag outside the grammar (serve.md §4.1)",
    "manifest-too-big": "serve.md §4.5: 413 SIZE_INVALID over 4 MiB",
    # distribution ignores a monolithic POST's body, so never sees that it is wrong
    "mono-post-wrong-digest": "distribution ignores the body of POST ?digest= (serve.md §4.4)",
    "mono-post-bad-digest": "distribution ignores the body and the digest of POST ?digest= (serve.md §4.4)",
}


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.code = None
        try:
            self.code = json.loads(body)["errors"][0]["code"]
        except Exception:
            pass

    def h(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        keep = {k: v for k, v in self.headers.items() if k in COMPARED}
        return "%d %s %s %r" % (self.status, self.code or "-", keep, self.body[:120])


COMPARED = ["location", "range", "docker-upload-uuid", "docker-content-digest", "content-length", "content-type",
            "content-range", "link", "oci-subject"]


class Reg:
    def __init__(self, kind, hostport):
        self.kind = kind
        self.hostport = hostport
        self.conn = None

    def req(self, method, path, body=b"", headers=None):
        hdrs = dict(headers or {})
        for attempt in range(2):
            if self.conn is None:
                host, port = self.hostport.split(":")
                self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
            try:
                self.conn.putrequest(method, path, skip_accept_encoding=True)
                for k, v in hdrs.items():
                    if isinstance(v, list):
                        for x in v:
                            self.conn.putheader(k, x)
                    else:
                        self.conn.putheader(k, v)
                if body or method in ("PUT", "POST", "PATCH"):
                    self.conn.putheader("Content-Length", str(len(body)))
                self.conn.endheaders(body if body else None)
                r = self.conn.getresponse()
                broken = False
                try:
                    data = r.read()
                except http.client.IncompleteRead as e:
                    # distribution's 416 promises the blob's length and sends its text
                    data, broken = e.partial, True
                hs = {}
                for k, v in r.getheaders():
                    k = k.lower()
                    hs[k] = hs[k] + ", " + v if k in hs else v
                if broken or r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return Resp(r.status, hs, data)
            except (http.client.HTTPException, ConnectionError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def req_raw(hostport, data, read_continue=False):
    """one request written as bytes on a fresh connection; (status line of the 100 when
    read_continue, the final response); the body (after the headers) is sent only after
    a 100 Continue when read_continue"""
    host, port = hostport.split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    head, _, body = data.partition(b"\r\n\r\n")
    interim = None
    if read_continue:
        sock.sendall(head + b"\r\n\r\n")
        interim = sock.recv(4096).split(b"\r\n")[0].decode()
        sock.sendall(body)
    else:
        sock.sendall(data)
    r = http.client.HTTPResponse(sock, method=data.split(b" ")[0].decode())
    r.begin()
    payload = r.read()
    hs = {k.lower(): v for k, v in r.getheaders()}
    sock.close()
    return interim, Resp(r.status, hs, payload)


def chunked(parts):
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def upath(loc):
    """the path and query of a Location (absolute or relative)"""
    return re.sub(r"^https?://[^/]+", "", loc)


# ---- the scenarios: each appends (label, Resp) to out ----

def blob_bytes(tag, n):
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(("%s-%d" % (tag, i)).encode()).digest()
        i += 1
    return bytes(out[:n])


def push_blob(reg, repo, data):
    r = reg.req("POST", "/v2/%s/blobs/uploads/" % repo)
    assert r.status == 202, (reg.kind, "POST", r)
    loc = upath(r.h("location"))
    r = reg.req("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + sha(data), data,
                {"Content-Type": "application/octet-stream"})
    assert r.status == 201, (reg.kind, "PUT", r)
    return sha(data)


def with_digest(loc, d):
    return loc + ("&" if "?" in loc else "?") + "digest=" + d


def scenario_blobs(reg, A, out):
    data = blob_bytes("blobs", 3000)
    d = sha(data)
    out.append(("blob-head-missing", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, d))))
    out.append(("blob-get-missing", reg.req("GET", "/v2/%s/blobs/%s" % (A, d))))
    # monolithic: POST ?digest= with the bytes
    out.append(("mono-post", reg.req("POST", "/v2/%s/blobs/uploads/?digest=%s" % (A, d), data,
                                     {"Content-Type": "application/octet-stream"})))
    if out[-1][1].status == 202:  # the registry wants the PUT (distribution)
        push_blob(reg, A, data)
    out.append(("blob-head", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, d))))
    out.append(("blob-get", reg.req("GET", "/v2/%s/blobs/%s" % (A, d))))
    out.append(("range-valid", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=100-199"})))
    # whitespace after a field value is not part of it (RFC 9110 §5.5): the same range
    out.append(("range-valid-ows", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=100-199 \t"})))
    out.append(("range-open", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=2990-"})))
    out.append(("range-suffix", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=-10"})))
    out.append(("range-past-end", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=2990-9999"})))
    out.append(("range-unsatisfiable", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=3000-"})))
    out.append(("range-multi", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=0-9,20-29"})))
    out.append(("range-junk", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=x-y"})))
    out.append(("range-other-unit", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "items=0-9"})))
    out.append(("range-head", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, d), headers={"Range": "bytes=100-199"})))
    out.append(("blob-bad-digest", reg.req("GET", "/v2/%s/blobs/sha256:zz" % A)))
    out.append(("blob-head-sha512", reg.req("HEAD", "/v2/%s/blobs/sha512:%s" % (A, hashlib.sha512(blob_bytes("blobs", 3000)).hexdigest()))))
    other = blob_bytes("mono-wrong", 100)
    out.append(("mono-post-wrong-digest", reg.req("POST", "/v2/%s/blobs/uploads/?digest=%s" % (A, ZERO), other,
                                                  {"Content-Type": "application/octet-stream"})))
    out.append(("mono-post-bad-digest", reg.req("POST", "/v2/%s/blobs/uploads/?digest=sha256:zz" % A, other,
                                                {"Content-Type": "application/octet-stream"})))
    return data


def scenario_uploads(reg, A, repos_b, out):
    # POST then PUT
    data = blob_bytes("postput", 2048)
    r = reg.req("POST", "/v2/%s/blobs/uploads/" % A)
    out.append(("post", r))
    loc = upath(r.h("location") or "/")
    out.append(("post-put", reg.req("PUT", with_digest(loc, sha(data)), data, {"Content-Type": "application/octet-stream"})))
    out.append(("post-put-get", reg.req("GET", "/v2/%s/blobs/%s" % (A, sha(data)))))
    # streamed: one PATCH without Content-Range, then PUT with no body
    data = blob_bytes("streamed", 5000)
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    r = reg.req("PATCH", loc, data, {"Content-Type": "application/octet-stream"})
    out.append(("stream-patch", r))
    loc = upath(r.h("location") or loc)
    r = reg.req("PATCH", loc, data[:0] + b"", {"Content-Type": "application/octet-stream"})
    out.append(("stream-patch-empty", r))
    loc = upath(r.h("location") or loc)
    out.append(("stream-put", reg.req("PUT", with_digest(loc, sha(data)))))
    # streamed in two PATCHes without Content-Range: appended
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    r = reg.req("PATCH", loc, data[:1000], {"Content-Type": "application/octet-stream"})
    loc = upath(r.h("location") or loc)
    r = reg.req("PATCH", loc, data[1000:], {"Content-Type": "application/octet-stream"})
    out.append(("stream-patch-2", r))
    loc = upath(r.h("location") or loc)
    out.append(("stream-put-2", reg.req("PUT", with_digest(loc, sha(data)))))
    # chunked with Content-Range, the conformance suite's order
    data = blob_bytes("chunked", 4000)
    c1, c2 = data[:1500], data[1500:]
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    ct = {"Content-Type": "application/octet-stream"}
    out.append(("chunk-out-of-order", reg.req("PATCH", loc, c2, dict(ct, **{"Content-Range": "1500-3999"}))))
    r = reg.req("PATCH", loc, c1, dict(ct, **{"Content-Range": "0-1499"}))
    out.append(("chunk-first", r))
    loc = upath(r.h("location") or loc)
    out.append(("chunk-retried", reg.req("PATCH", loc, c1, dict(ct, **{"Content-Range": "0-1499"}))))
    out.append(("chunk-overlap", reg.req("PATCH", loc, data[1000:2000], dict(ct, **{"Content-Range": "1000-1999"}))))
    r = reg.req("GET", loc)
    out.append(("chunk-session-get", r))
    loc = upath(r.h("location") or loc)
    r = reg.req("PATCH", loc, c2, dict(ct, **{"Content-Range": "1500-3999"}))
    out.append(("chunk-second", r))
    loc = upath(r.h("location") or loc)
    out.append(("chunk-put", reg.req("PUT", with_digest(loc, sha(data)))))
    out.append(("chunk-blob", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, sha(data)))))
    out.append(("chunk-put-again", reg.req("PUT", with_digest(loc, sha(data)))))
    # a session belongs to its repository
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    out.append(("session-other-repo", reg.req("PATCH", loc.replace("/v2/%s/" % A, "/v2/%s/" % repos_b), c1, ct)))
    out.append(("put-no-digest", reg.req("PUT", loc, c1, ct)))
    # Content-Range that disagrees with the body's length
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    out.append(("chunk-bad-range", reg.req("PATCH", loc, c1, dict(ct, **{"Content-Range": "junk"}))))
    # signs, spaces and numbers past any size are no Content-Range either (sscanf took them)
    for i, v in enumerate(("+0-1499", "0-+1499", "-0-1499", "0-99999999999999999999", "0x0-1499", "0 - 1499")):
        out.append(("chunk-bad-range-%d" % i, reg.req("PATCH", loc, c1, dict(ct, **{"Content-Range": v}))))
    # the last chunk in the PUT's body
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    r = reg.req("PATCH", loc, c1, dict(ct, **{"Content-Range": "0-1499"}))
    loc = upath(r.h("location") or loc)
    out.append(("put-last-chunk", reg.req("PUT", with_digest(loc, sha(data)), c2, ct)))
    # cancel
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    out.append(("cancel", reg.req("DELETE", loc)))
    out.append(("cancel-get", reg.req("GET", loc)))
    out.append(("cancel-again", reg.req("DELETE", loc)))
    out.append(("upload-unknown-get", reg.req("GET", "/v2/%s/blobs/uploads/00000000-0000-4000-8000-000000000000" % A)))
    # wrong, malformed and unsupported digests
    data = blob_bytes("digests", 1000)
    for label, dg in [("put-wrong-digest", ZERO), ("put-malformed-digest", "sha256:zz")]:
        loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
        out.append((label, reg.req("PUT", with_digest(loc, dg), data, ct)))
    out.append(("put-wrong-digest-blob", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, sha(data)))))
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    out.append(("put-sha512", reg.req("PUT", with_digest(loc, "sha512:" + hashlib.sha512(data).hexdigest()), data, ct)))
    out.append(("put-sha512-blob", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, sha(data)))))
    # zero-length blob, POST then PUT with no body
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    out.append(("empty-put", reg.req("PUT", with_digest(loc, EMPTY_SHA), b"", ct)))
    out.append(("empty-head", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, EMPTY_SHA))))
    out.append(("empty-get", reg.req("GET", "/v2/%s/blobs/%s" % (A, EMPTY_SHA))))


def scenario_mount(reg, A, B, missing, out):
    data = blob_bytes("mount", 1200)
    d = push_blob(reg, A, data)
    out.append(("other-repo-head", reg.req("HEAD", "/v2/%s/blobs/%s" % (B, d))))
    out.append(("mount-missing-blob", reg.req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (B, ZERO, A))))
    out.append(("mount-missing-from", reg.req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=conf/nowhere" % (B, d))))
    out.append(("mount-bad-digest", reg.req("POST", "/v2/%s/blobs/uploads/?mount=sha256:zz&from=%s" % (B, A))))
    out.append(("mount-bad-from", reg.req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=Bad//Name" % (B, d))))
    out.append(("mount-without-from", reg.req("POST", "/v2/%s/blobs/uploads/?mount=%s" % (B, d))))
    out.append(("mount", reg.req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (B, d, A))))
    out.append(("mounted-head", reg.req("HEAD", "/v2/%s/blobs/%s" % (B, d))))
    out.append(("missing-repo-mount", reg.req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (missing, d, A))))
    out.append(("missing-repo-post", reg.req("POST", "/v2/%s/blobs/uploads/" % missing)))
    out.append(("missing-repo-tags", reg.req("GET", "/v2/%s/tags/list" % missing)))
    out.append(("missing-repo-manifest-put", reg.req("PUT", "/v2/%s/manifests/v1" % missing, json.dumps(
        {"schemaVersion": 2, "mediaType": MT_OCI, "config": {"mediaType": MT_OCI_CFG, "size": 1200, "digest": d},
         "layers": []}).encode(), {"Content-Type": MT_OCI})))


def image(reg, repo, tag_seed, oci):
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []},
                      "seed": tag_seed}).encode()
    layer = blob_bytes("layer-" + tag_seed, 700)
    push_blob(reg, repo, cfg)
    push_blob(reg, repo, layer)
    m = {"schemaVersion": 2, "mediaType": MT_OCI if oci else MT_S2,
         "config": {"mediaType": MT_OCI_CFG if oci else MT_S2_CFG, "size": len(cfg), "digest": sha(cfg)},
         "layers": [{"mediaType": MT_OCI_LAYER if oci else MT_S2_LAYER, "size": len(layer), "digest": sha(layer)}]}
    return json.dumps(m, indent=3).encode()


def scenario_manifests(reg, M, out):
    s2 = image(reg, M, "s2", False)
    oci = image(reg, M, "oci", True)
    out.append(("put-s2", reg.req("PUT", "/v2/%s/manifests/s2" % M, s2, {"Content-Type": MT_S2})))
    out.append(("put-oci", reg.req("PUT", "/v2/%s/manifests/oci" % M, oci, {"Content-Type": MT_OCI})))
    out.append(("put-oci-by-digest", reg.req("PUT", "/v2/%s/manifests/%s" % (M, sha(oci)), oci, {"Content-Type": MT_OCI})))
    # whitespace after a field value is not part of it (RFC 9110 §5.5)
    out.append(("put-oci-type-ows", reg.req("PUT", "/v2/%s/manifests/%s" % (M, sha(oci)), oci,
                                            {"Content-Type": MT_OCI + "  \t"})))
    acc_all = {"Accept": [MT_S2, MT_LIST, MT_OCI, MT_IDX]}
    out.append(("get-s2", reg.req("GET", "/v2/%s/manifests/s2" % M, headers=acc_all)))
    out.append(("head-s2", reg.req("HEAD", "/v2/%s/manifests/s2" % M, headers=acc_all)))
    out.append(("get-s2-by-digest", reg.req("GET", "/v2/%s/manifests/%s" % (M, sha(s2)), headers=acc_all)))
    out.append(("get-oci", reg.req("GET", "/v2/%s/manifests/oci" % M, headers=acc_all)))
    out.append(("head-oci-by-digest", reg.req("HEAD", "/v2/%s/manifests/%s" % (M, sha(oci)), headers=acc_all)))
    out.append(("get-s2-no-accept", reg.req("GET", "/v2/%s/manifests/s2" % M)))
    out.append(("accept-s2-as-oci", reg.req("GET", "/v2/%s/manifests/s2" % M, headers={"Accept": MT_OCI})))
    out.append(("accept-oci-as-s2", reg.req("GET", "/v2/%s/manifests/oci" % M, headers={"Accept": MT_S2})))
    out.append(("accept-oci-by-digest-s2-only",
                reg.req("GET", "/v2/%s/manifests/%s" % (M, sha(oci)), headers={"Accept": MT_S2})))
    out.append(("get-unknown-tag", reg.req("GET", "/v2/%s/manifests/nope" % M, headers=acc_all)))
    out.append(("head-unknown-digest", reg.req("HEAD", "/v2/%s/manifests/%s" % (M, ZERO), headers=acc_all)))
    out.append(("get-unknown-digest", reg.req("GET", "/v2/%s/manifests/%s" % (M, ZERO), headers=acc_all)))
    # a manifest naming a blob the repository does not hold
    bad = json.loads(oci)
    bad["layers"][0]["digest"] = ZERO
    out.append(("put-blob-unknown", reg.req("PUT", "/v2/%s/manifests/bad" % M, json.dumps(bad).encode(),
                                            {"Content-Type": MT_OCI})))
    bad = json.loads(oci)
    bad["config"]["digest"] = ZERO
    out.append(("put-config-unknown", reg.req("PUT", "/v2/%s/manifests/bad" % M, json.dumps(bad).encode(),
                                              {"Content-Type": MT_OCI})))
    # Content-Type that is not the body's mediaType
    out.append(("put-ctype-mismatch", reg.req("PUT", "/v2/%s/manifests/mism" % M, oci, {"Content-Type": MT_S2})))
    out.append(("put-digest-mismatch", reg.req("PUT", "/v2/%s/manifests/%s" % (M, sha(s2)), oci, {"Content-Type": MT_OCI})))
    out.append(("put-malformed", reg.req("PUT", "/v2/%s/manifests/junk" % M, b"{not json", {"Content-Type": MT_OCI})))
    out.append(("put-malformed-digest-ref", reg.req("PUT", "/v2/%s/manifests/sha256:zz" % M, oci, {"Content-Type": MT_OCI})))
    out.append(("get-malformed-digest-ref", reg.req("GET", "/v2/%s/manifests/sha256:zz" % M, headers=acc_all)))
    # indexes of both kinds over the two images
    idx = json.dumps({"schemaVersion": 2, "mediaType": MT_IDX, "manifests": [
        {"mediaType": MT_OCI, "size": len(oci), "digest": sha(oci), "platform": {"os": "linux", "architecture": "amd64"}},
        {"mediaType": MT_S2, "size": len(s2), "digest": sha(s2), "platform": {"os": "linux", "architecture": "arm64"}}]}).encode()
    lst = json.dumps({"schemaVersion": 2, "mediaType": MT_LIST, "manifests": [
        {"mediaType": MT_S2, "size": len(s2), "digest": sha(s2), "platform": {"os": "linux", "architecture": "arm64"}}]}).encode()
    out.append(("put-index", reg.req("PUT", "/v2/%s/manifests/idx" % M, idx, {"Content-Type": MT_IDX})))
    out.append(("put-list", reg.req("PUT", "/v2/%s/manifests/lst" % M, lst, {"Content-Type": MT_LIST})))
    out.append(("get-index", reg.req("GET", "/v2/%s/manifests/idx" % M, headers=acc_all)))
    out.append(("get-list", reg.req("GET", "/v2/%s/manifests/lst" % M, headers=acc_all)))
    out.append(("head-index", reg.req("HEAD", "/v2/%s/manifests/idx" % M, headers=acc_all)))
    out.append(("head-list-by-digest", reg.req("HEAD", "/v2/%s/manifests/%s" % (M, sha(lst)), headers=acc_all)))
    out.append(("accept-index-as-list", reg.req("GET", "/v2/%s/manifests/idx" % M, headers={"Accept": MT_LIST})))
    out.append(("accept-list-as-index", reg.req("GET", "/v2/%s/manifests/lst" % M, headers={"Accept": MT_IDX})))
    out.append(("put-list-again", reg.req("PUT", "/v2/%s/manifests/lst" % M, lst, {"Content-Type": MT_LIST})))
    bad_idx = json.dumps({"schemaVersion": 2, "mediaType": MT_IDX, "manifests": [
        {"mediaType": MT_OCI, "size": 10, "digest": ZERO}]}).encode()
    out.append(("put-index-unknown", reg.req("PUT", "/v2/%s/manifests/badidx" % M, bad_idx, {"Content-Type": MT_IDX})))
    big = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI, "config": json.loads(oci)["config"], "layers": [],
                      "annotations": {"pad": "x" * (4 * 1024 * 1024)}}).encode()
    out.append(("manifest-too-big", reg.req("PUT", "/v2/%s/manifests/big" % M, big, {"Content-Type": MT_OCI})))
    # a Windows image's foreign layer: named by URL, never pushed (ECR stores Windows
    # images; docker pushes their base layers' descriptors only)
    fl = json.loads(s2)
    fl["layers"].insert(0, {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                            "size": 12345, "digest": "sha256:" + "1" * 64,
                            "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:" + "1" * 64]})
    out.append(("put-foreign-layer", reg.req("PUT", "/v2/%s/manifests/win" % M, json.dumps(fl).encode(),
                                             {"Content-Type": MT_S2})))
    out.append(("blob-foreign", reg.req("HEAD", "/v2/%s/blobs/sha256:%s" % (M, "1" * 64))))
    fl["layers"][0].pop("urls")
    out.append(("put-foreign-layer-no-urls", reg.req("PUT", "/v2/%s/manifests/win2" % M, json.dumps(fl).encode(),
                                                     {"Content-Type": MT_S2})))
    nd = json.loads(oci)
    nd["layers"].insert(0, {"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                            "size": 12345, "digest": "sha256:" + "2" * 64,
                            "urls": ["https://example.com/layer"]})
    out.append(("put-nondistributable", reg.req("PUT", "/v2/%s/manifests/nd" % M, json.dumps(nd).encode(),
                                                {"Content-Type": MT_OCI})))
    # schema 1 (signed): neither stored nor converted by ecrlite
    v1 = json.dumps({"schemaVersion": 1, "name": M, "tag": "v1", "architecture": "amd64", "fsLayers": [],
                     "history": [], "signatures": []}).encode()
    out.append(("put-schema1", reg.req("PUT", "/v2/%s/manifests/v1" % M, v1,
                                       {"Content-Type": "application/vnd.docker.distribution.manifest.v1+prettyjws"})))
    out.append(("blob-of-manifest", reg.req("HEAD", "/v2/%s/blobs/%s" % (M, sha(s2)))))
    # a tag outside the spec's grammar
    out.append(("tag-invalid-get", reg.req("GET", "/v2/%s/manifests/bad+tag" % M, headers=acc_all)))
    out.append(("tag-invalid-put", reg.req("PUT", "/v2/%s/manifests/bad+tag" % M, oci, {"Content-Type": MT_OCI})))
    return s2, oci, idx


def scenario_delete(reg, M, s2, oci, idx, out):
    # DELETE of a platform image an index references. ECR's BatchDeleteImage answers
    # ImageReferencedByManifestList for it; ECR's registry API is authorised as the
    # ECR operations (serve.md §3.3), so its DELETE runs BatchDeleteImage and refuses
    # as well: 409 DENIED with ECR's reason (why 409 and not the spec's 400/405: the
    # comment in do_manifest_delete, frontends/serve/serve_oci.c).
    out.append(("delete-referenced", reg.req("DELETE", "/v2/%s/manifests/%s" % (M, sha(s2)))))
    # the last tag of an image is the image (ECR: "When you remove the last tag from an
    # image, the image is deleted"): refused too while the index names it
    out.append(("delete-referenced-tag", reg.req("DELETE", "/v2/%s/manifests/oci" % M)))
    out.append(("delete-index", reg.req("DELETE", "/v2/%s/manifests/%s" % (M, sha(idx)))))
    lst = reg.req("HEAD", "/v2/%s/manifests/lst" % M, headers={"Accept": MT_LIST}).h("docker-content-digest")
    out.append(("delete-list", reg.req("DELETE", "/v2/%s/manifests/%s" % (M, lst))))
    out.append(("delete-referenced-after", reg.req("DELETE", "/v2/%s/manifests/%s" % (M, sha(s2)))))
    out.append(("delete-referenced-after-get", reg.req("HEAD", "/v2/%s/manifests/%s" % (M, sha(s2)), headers={"Accept": MT_S2})))
    out.append(("delete-tag", reg.req("DELETE", "/v2/%s/manifests/oci" % M)))
    out.append(("delete-tag-after", reg.req("GET", "/v2/%s/manifests/oci" % M, headers={"Accept": MT_OCI})))
    out.append(("delete-tag-digest-after", reg.req("HEAD", "/v2/%s/manifests/%s" % (M, sha(oci)), headers={"Accept": MT_OCI})))
    out.append(("delete-win", reg.req("DELETE", "/v2/%s/manifests/win" % M)))
    out.append(("delete-nd", reg.req("DELETE", "/v2/%s/manifests/nd" % M)))
    out.append(("tags-after-delete", reg.req("GET", "/v2/%s/tags/list" % M)))
    out.append(("delete-index-after", reg.req("GET", "/v2/%s/manifests/idx" % M, headers={"Accept": MT_IDX})))
    out.append(("delete-index-again", reg.req("DELETE", "/v2/%s/manifests/%s" % (M, sha(idx)))))
    out.append(("delete-unknown-digest", reg.req("DELETE", "/v2/%s/manifests/%s" % (M, ZERO))))
    out.append(("delete-malformed", reg.req("DELETE", "/v2/%s/manifests/sha256:zz" % M)))
    layer = json.loads(oci)["layers"][0]["digest"]
    out.append(("blob-delete", reg.req("DELETE", "/v2/%s/blobs/%s" % (M, layer))))
    out.append(("blob-after-delete", reg.req("HEAD", "/v2/%s/blobs/%s" % (M, layer))))


def scenario_tags(reg, T, out):
    cfg = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    push_blob(reg, T, cfg)
    m = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI,
                    "config": {"mediaType": MT_OCI_CFG, "size": len(cfg), "digest": sha(cfg)}, "layers": []}).encode()
    for t in ["b", "a", "d", "c", "e"]:
        r = reg.req("PUT", "/v2/%s/manifests/%s" % (T, t), m, {"Content-Type": MT_OCI})
        assert r.status == 201, r
    out.append(("tags", reg.req("GET", "/v2/%s/tags/list" % T)))
    out.append(("tags-n2", reg.req("GET", "/v2/%s/tags/list?n=2" % T)))
    out.append(("tags-n2-last", reg.req("GET", "/v2/%s/tags/list?n=2&last=b" % T)))
    out.append(("tags-n0", reg.req("GET", "/v2/%s/tags/list?n=0" % T)))
    out.append(("tags-last-end", reg.req("GET", "/v2/%s/tags/list?last=e" % T)))
    out.append(("tags-n5", reg.req("GET", "/v2/%s/tags/list?n=5" % T)))
    out.append(("catalog", reg.req("GET", "/v2/_catalog")))
    out.append(("catalog-n2", reg.req("GET", "/v2/_catalog?n=2")))
    out.append(("catalog-n2-last", reg.req("GET", "/v2/_catalog?n=2&last=conf/b")))
    return m


def scenario_referrers(reg, T, subject, out):
    emp = b"{}"
    push_blob(reg, T, emp)
    def art(at, note):
        return json.dumps({"schemaVersion": 2, "mediaType": MT_OCI, "artifactType": at,
                           "config": {"mediaType": MT_EMPTY, "size": 2, "digest": sha(emp)},
                           "layers": [{"mediaType": MT_EMPTY, "size": 2, "digest": sha(emp)}],
                           "subject": {"mediaType": MT_OCI, "size": len(subject), "digest": sha(subject)},
                           "annotations": {"note": note}}).encode()
    a1, a2 = art("application/vnd.example.sig", "one"), art("application/vnd.example.sbom", "two")
    out.append(("referrers-missing", reg.req("GET", "/v2/%s/referrers/%s" % (T, ZERO))))
    out.append(("artifact-put", reg.req("PUT", "/v2/%s/manifests/%s" % (T, sha(a1)), a1, {"Content-Type": MT_OCI})))
    reg.req("PUT", "/v2/%s/manifests/%s" % (T, sha(a2)), a2, {"Content-Type": MT_OCI})
    out.append(("referrers", reg.req("GET", "/v2/%s/referrers/%s" % (T, sha(subject)))))
    out.append(("referrers-filter", reg.req("GET", "/v2/%s/referrers/%s?artifactType=application/vnd.example.sbom"
                                           % (T, sha(subject)))))
    out.append(("referrers-bad-digest", reg.req("GET", "/v2/%s/referrers/sha256:zz" % T)))
    # a subject that does not exist (yet) MUST be accepted (spec, Pushing Manifests with Subject)
    a3 = json.loads(art("application/vnd.example.sig", "three"))
    a3["subject"]["digest"] = ZERO
    a3 = json.dumps(a3).encode()
    out.append(("artifact-subject-missing", reg.req("PUT", "/v2/%s/manifests/%s" % (T, sha(a3)), a3, {"Content-Type": MT_OCI})))
    # no artifactType: the descriptor's is the config's mediaType (spec, Listing Referrers)
    cfg = b'{"kind":"example"}'
    push_blob(reg, T, cfg)
    a4 = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI,
                     "config": {"mediaType": "application/vnd.example.config+json", "size": len(cfg), "digest": sha(cfg)},
                     "layers": [{"mediaType": MT_EMPTY, "size": 2, "digest": sha(emp)}],
                     "subject": {"mediaType": MT_OCI, "size": len(a1), "digest": sha(a1)}}).encode()
    out.append(("artifact-config-type", reg.req("PUT", "/v2/%s/manifests/%s" % (T, sha(a4)), a4, {"Content-Type": MT_OCI})))
    out.append(("referrers-config-type", reg.req("GET", "/v2/%s/referrers/%s" % (T, sha(a1)))))
    out.append(("referrers-filter-none", reg.req("GET", "/v2/%s/referrers/%s?artifactType=application/none"
                                                % (T, sha(subject)))))
    # an index can be a subject too; its referrer is an index with a subject
    idx = json.dumps({"schemaVersion": 2, "mediaType": MT_IDX, "manifests": [
        {"mediaType": MT_OCI, "size": len(subject), "digest": sha(subject)}]}).encode()
    reg.req("PUT", "/v2/%s/manifests/idx" % T, idx, {"Content-Type": MT_IDX})
    ref_idx = json.dumps({"schemaVersion": 2, "mediaType": MT_IDX, "artifactType": "application/vnd.example.set",
                          "manifests": [{"mediaType": MT_OCI, "size": len(a1), "digest": sha(a1)}],
                          "subject": {"mediaType": MT_IDX, "size": len(idx), "digest": sha(idx)}}).encode()
    out.append(("index-with-subject", reg.req("PUT", "/v2/%s/manifests/%s" % (T, sha(ref_idx)), ref_idx,
                                              {"Content-Type": MT_IDX})))
    out.append(("referrers-of-index", reg.req("GET", "/v2/%s/referrers/%s" % (T, sha(idx)))))
    # a deleted referrer is no longer listed
    out.append(("delete-referrer", reg.req("DELETE", "/v2/%s/manifests/%s" % (T, sha(a2)))))
    out.append(("referrers-after-delete", reg.req("GET", "/v2/%s/referrers/%s" % (T, sha(subject)))))
    return a1, a2


def scenario_names(reg, A, out):
    out.append(("base", reg.req("GET", "/v2/")))
    out.append(("name-upper", reg.req("GET", "/v2/Conf/A/tags/list")))
    out.append(("name-one-char", reg.req("GET", "/v2/a/tags/list")))
    out.append(("name-double-slash", reg.req("POST", "/v2/conf//a/blobs/uploads/")))
    # outside ECR's RepositoryName, though the spec's grammar takes the first two
    for i, n in enumerate(["a__b", "a--b", "a..b", "ab-", "-ab", "a/-b", "a./b", "conf/a/"]):
        out.append(("name-ecr-%d" % i, reg.req("GET", "/v2/%s/tags/list" % n)))
    out.append(("name-257", reg.req("GET", "/v2/%s/tags/list" % ("a" * 257))))
    out.append(("name-valid-unknown", reg.req("GET", "/v2/a.b-c_d/e/tags/list")))


def scenario_misc(reg, A, T, out):
    """methods a route does not take, and what is left of the API"""
    out.append(("base-head", reg.req("HEAD", "/v2/")))
    out.append(("tags-post", reg.req("POST", "/v2/%s/tags/list" % T)))
    out.append(("tags-delete", reg.req("DELETE", "/v2/%s/tags/list" % T)))
    out.append(("manifest-post", reg.req("POST", "/v2/%s/manifests/a" % T, b"{}", {"Content-Type": MT_OCI})))
    out.append(("blob-put", reg.req("PUT", "/v2/%s/blobs/%s" % (A, ZERO), b"x")))
    out.append(("uploads-get-noid", reg.req("GET", "/v2/%s/blobs/uploads/" % A)))
    out.append(("referrers-post", reg.req("POST", "/v2/%s/referrers/%s" % (T, ZERO))))
    out.append(("catalog-post", reg.req("POST", "/v2/_catalog")))
    # a POST without ?digest= that carries bytes: not an upload of them, and not read as
    # the next request on the connection either
    r = reg.req("POST", "/v2/%s/blobs/uploads/" % A, b"GET /v2/ HTTP/1.1\r\n\r\n" + b"x" * 100,
                {"Content-Type": "application/octet-stream"})
    out.append(("post-body-no-digest", r))
    out.append(("post-body-no-digest-next", reg.req("GET", upath(r.h("location") or "/v2/"))))
    out.append(("tag-128", reg.req("HEAD", "/v2/%s/manifests/%s" % (T, "t" * 128), headers={"Accept": MT_OCI})))
    out.append(("tag-129", reg.req("HEAD", "/v2/%s/manifests/%s" % (T, "t" * 129), headers={"Accept": MT_OCI})))
    out.append(("tag-leading-dot", reg.req("GET", "/v2/%s/manifests/.a" % T, headers={"Accept": MT_OCI})))
    out.append(("digest-upper", reg.req("GET", "/v2/%s/manifests/sha256:%s" % (T, "A" * 64), headers={"Accept": MT_OCI})))
    out.append(("unknown-route", reg.req("GET", "/v2/%s/nothing/here" % A)))
    m = reg.req("HEAD", "/v2/%s/manifests/a" % T, headers={"Accept": MT_OCI})
    etag = '"%s"' % m.h("docker-content-digest")
    out.append(("manifest-if-none-match", reg.req("GET", "/v2/%s/manifests/a" % T,
                                                  headers={"Accept": MT_OCI, "If-None-Match": etag})))
    out.append(("manifest-if-none-match-other", reg.req("GET", "/v2/%s/manifests/a" % T,
                                                        headers={"Accept": MT_OCI, "If-None-Match": '"sha256:00"'})))
    d = sha(blob_bytes("blobs", 3000))
    out.append(("blob-if-none-match", reg.req("GET", "/v2/%s/blobs/%s" % (A, d), headers={"If-None-Match": '"%s"' % d})))
    out.append(("blob-if-none-match-star", reg.req("HEAD", "/v2/%s/blobs/%s" % (A, d), headers={"If-None-Match": "*"})))
    out.append(("accept-star", reg.req("GET", "/v2/%s/manifests/a" % T, headers={"Accept": "*/*"})))
    out.append(("accept-json", reg.req("GET", "/v2/%s/manifests/a" % T, headers={"Accept": "application/json"})))
    out.append(("accept-q", reg.req("GET", "/v2/%s/manifests/a" % T,
                                    headers={"Accept": MT_S2 + ";q=0.5, " + MT_OCI + ";q=0.9"})))


def scenario_wire(reg, A, out):
    """what real clients put on the wire: docker's streamed PATCH in chunked transfer
    coding, curl's Expect: 100-continue, a Content-Range whose length is not the body's"""
    data = blob_bytes("wire", 3000)
    hp = reg.hostport
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    _, r = req_raw(hp, b"PATCH %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n%s" % (loc.encode(), hp.encode(),
                                                                chunked([data[:1000], data[1000:]])))
    out.append(("patch-chunked-coding", r))
    loc = upath(r.h("location") or loc)
    _, r = req_raw(hp, b"PUT %s HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n\r\n%s"
                   % (with_digest(loc, sha(data)).encode(), hp.encode(), chunked([])))
    out.append(("put-chunked-coding-empty", r))
    data2 = blob_bytes("wire2", 2000)
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    interim, r = req_raw(hp, b"PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"
                         b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n%s"
                         % (with_digest(loc, sha(data2)).encode(), hp.encode(), len(data2), data2), True)
    out.append(("expect-continue", r))
    out.append(("expect-continue-interim", Resp(int(interim.split(" ")[1]) if interim else 0, {}, b"")))
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    out.append(("chunk-length-mismatch", reg.req("PATCH", loc, data[:50], {"Content-Type": "application/octet-stream",
                                                                           "Content-Range": "0-99"})))
    # on the same connection: the refused body was not taken as the next request, and
    # the session holds nothing of it
    out.append(("chunk-length-mismatch-get", reg.req("GET", loc)))
    # the same in chunked transfer coding: no Content-Length to compare before the body
    loc = upath(reg.req("POST", "/v2/%s/blobs/uploads/" % A).h("location"))
    _, r = req_raw(hp, b"PATCH %s HTTP/1.1\r\nHost: %s\r\nContent-Range: 0-99\r\nTransfer-Encoding: chunked\r\n\r\n%s"
                   % (loc.encode(), hp.encode(), chunked([data[:50]])))
    out.append(("chunk-coding-length-mismatch", r))
    out.append(("chunk-coding-length-mismatch-get", reg.req("GET", loc)))
    _, r = req_raw(hp, b"PATCH %s HTTP/1.1\r\nHost: %s\r\nContent-Range: 0-49\r\nTransfer-Encoding: chunked\r\n\r\n%s"
                   % (loc.encode(), hp.encode(), chunked([data[:20], data[20:50]])))
    out.append(("chunk-coding-range", r))


def run_all(reg, repos):
    out = []
    A, B, M, T = repos["a"], repos["b"], repos["m"], repos["t"]
    scenario_names(reg, A, out)
    scenario_blobs(reg, A, out)
    scenario_uploads(reg, A, B, out)
    scenario_mount(reg, A, B, "conf/missing", out)
    s2, oci, idx = scenario_manifests(reg, M, out)
    subject = scenario_tags(reg, T, out)
    scenario_referrers(reg, T, subject, out)
    scenario_delete(reg, M, s2, oci, idx, out)
    scenario_misc(reg, A, T, out)
    scenario_wire(reg, A, out)
    return out


# ---- servers ----

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start_ecrlite(tmp, repos):
    home = os.path.join(tmp, "ecrlite")
    env = dict(os.environ, ECRLITE_HOME=home, AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret")
    os.makedirs(home)
    for name in repos:
        subprocess.run([os.path.join(BIN, "aws"), "ecr", "create-repository", "--repository-name", name], env=env,
                       stdout=subprocess.DEVNULL, check=True)
    proc, url = servelib.start(BIN, env, tmp, SUITE, ("--no-auth", "--quiet"), credentials=False)
    if not url:
        servelib.stop(proc)
        raise SystemExit(1)
    return proc, url[len("http://"):]


def start_cncf(tmp):
    port = free_port()
    st = os.path.join(tmp, "cncf")
    os.makedirs(st)
    yml = os.path.join(tmp, "cncf.yml")
    with open(yml, "w") as f:
        f.write("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n"
                "    rootdirectory: %s\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\n"
                "http:\n  addr: 127.0.0.1:%d\n" % (st, port))
    log = open(os.path.join(tmp, "cncf.log"), "w")
    proc = subprocess.Popen(["/usr/bin/docker-registry", "serve", yml], stdout=log, stderr=log)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/v2/")
            if c.getresponse().status == 200:
                return proc, "127.0.0.1:%d" % port
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    return None, None


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- checks ----

passed = failed = 0


def check(label, cond, what, resp=None):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s: %s: %s%s" % (SUITE, label, what, "" if resp is None else " -- got %r" % (resp,)))


def norm(name, v, kind):
    """a header's value as compared between the two registries"""
    if v is None:
        return None
    if name == "location":
        v = upath(v).split("?")[0]
        v = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", v)
    if name == "docker-upload-uuid":
        return "<present>"
    if name == "content-type":
        v = v.split(";")[0].strip()
    return v


def differential(e_out, c_out):
    c = dict(c_out)
    for label, er in e_out:
        cr = c.get(label)
        if cr is None or label in DIVERGE:
            continue
        diffs = []
        if er.status != cr.status:
            diffs.append("status %d vs %d" % (er.status, cr.status))
        # distribution's router answers a method or path it has no route for in plain
        # text, without the spec's error body: the status is what compares
        plain = cr.code is None and (cr.h("content-type") or "").startswith("text/plain")
        if er.code != cr.code and not plain:
            diffs.append("code %s vs %s" % (er.code, cr.code))
        for h in COMPARED:
            if h == "content-type" and (er.status >= 400 or plain):
                continue  # the error body's charset parameter aside, both application/json
            if h in ("content-length", "content-type") and er.status in (201, 202, 204) and not er.body:
                continue  # an empty answer: distribution sends text/plain for no body
            if h == "content-length" and (er.status >= 400 or "json" in (er.h("content-type") or "")) \
                    and not er.h("docker-content-digest"):
                continue  # error texts and JSON lists are each registry's own wording
            a, b = norm(h, er.h(h), "e"), norm(h, cr.h(h), "c")
            if a != b:
                diffs.append("%s %r vs %r" % (h, a, b))
        check("diff " + label, not diffs, "ecrlite vs distribution: " + "; ".join(diffs))


def conformance(out, repos):
    A, B, M, T = repos["a"], repos["b"], repos["m"], repos["t"]
    r = dict(out)

    def st(label, status, code=None, **headers):
        x = r[label]
        ok = x.status == status if isinstance(status, int) else x.status in status
        ok = ok and (code is None or x.code == code)
        for k, v in headers.items():
            hv = x.h(k.replace("_", "-"))
            ok = ok and (hv is not None if v is True else hv == v)
        check(label, ok, "want %s %s %s" % (status, code or "", headers), x)
        return x

    # serve.md §4.2: Docker-Distribution-Api-Version on every answer, errors included
    lacking = [l for l, x in out if x.status != 100 and x.h("docker-distribution-api-version") != "registry/2.0"]
    check("api-version", not lacking, "Docker-Distribution-Api-Version: registry/2.0 on every answer; lacking: %s"
          % lacking[:10])
    # an error's body is the spec's {"errors": [{"code": …}]} (§7.1 Pull: "a 400 body
    # must be OCI error JSON"), whatever the route
    not_json = [l for l, x in out if x.status >= 400 and x.body and not x.code]
    check("error-bodies", not not_json, "OCI error JSON in every error body; not: %s" % not_json[:10])
    st("base", 200)
    st("name-upper", 400, "NAME_INVALID")
    st("name-one-char", 400, "NAME_INVALID")
    st("name-double-slash", 400, "NAME_INVALID")
    for i in range(8):
        st("name-ecr-%d" % i, 400, "NAME_INVALID")
    st("name-257", 400, "NAME_INVALID")
    st("name-valid-unknown", 404, "NAME_UNKNOWN")
    # blobs
    blob = blob_bytes("blobs", 3000)
    d = sha(blob)
    x = st("blob-head-missing", 404)
    check("blob-head-missing", not x.body, "HEAD has no body")
    st("blob-get-missing", 404, "BLOB_UNKNOWN")
    st("mono-post", 201, location="http://" + HOSTPORT + "/v2/%s/blobs/%s" % (A, d), docker_content_digest=d)
    st("blob-head", 200, content_length="3000", docker_content_digest=d)
    x = st("blob-get", 200, content_length="3000", docker_content_digest=d, content_type="application/octet-stream")
    check("blob-get", x.body == blob, "the bytes pushed")
    x = st("range-valid", 206, content_range="bytes 100-199/3000", content_length="100")
    check("range-valid", x.body == blob[100:200], "bytes 100-199")
    x = st("range-valid-ows", 206, content_range="bytes 100-199/3000", content_length="100")
    check("range-valid-ows", x.body == blob[100:200], "bytes 100-199")
    x = st("range-open", 206, content_range="bytes 2990-2999/3000")
    check("range-open", x.body == blob[2990:], "the last 10 bytes")
    x = st("range-suffix", 206, content_range="bytes 2990-2999/3000")
    check("range-suffix", x.body == blob[-10:], "the last 10 bytes")
    x = st("range-past-end", 206, content_range="bytes 2990-2999/3000")
    st("range-unsatisfiable", 416, content_range="bytes */3000")
    # RFC 9110 §14.2: a server MAY ignore Range; a range it cannot parse or does not
    # serve (several ranges, another unit) is ignored: 200 with the whole blob, never 416
    for label in ("range-multi", "range-junk", "range-other-unit"):
        x = st(label, 200, content_length="3000")
        check(label, x.body == blob, "the whole blob")
    x = st("range-head", 206, content_range="bytes 100-199/3000", content_length="100")
    check("range-head", not x.body, "HEAD has no body")
    st("blob-bad-digest", 400, "DIGEST_INVALID")
    st("blob-head-sha512", 400)
    st("mono-post-wrong-digest", 400, "DIGEST_INVALID")
    st("mono-post-bad-digest", 400, "DIGEST_INVALID")
    # uploads
    x = st("post", 202, range="0-0", docker_upload_uuid=True)
    check("post", re.search(r"/v2/%s/blobs/uploads/[0-9a-f-]{36}$" % A, x.h("location") or ""), "Location of the session", x)
    pp = blob_bytes("postput", 2048)
    st("post-put", 201, location="http://" + HOSTPORT + "/v2/%s/blobs/%s" % (A, sha(pp)), docker_content_digest=sha(pp))
    st("post-put-get", 200, content_length="2048")
    x = st("stream-patch", 202, range="0-4999", docker_upload_uuid=True)
    check("stream-patch", (x.h("location") or "").startswith("http://" + HOSTPORT + "/v2/%s/blobs/uploads/" % A), "Location", x)
    st("stream-patch-empty", 202, range="0-4999")
    sd = sha(blob_bytes("streamed", 5000))
    st("stream-put", 201, docker_content_digest=sd)
    st("stream-patch-2", 202, range="0-4999")
    st("stream-put-2", 201, docker_content_digest=sd)
    st("chunk-out-of-order", 416, "BLOB_UPLOAD_INVALID", range="0-0")
    st("chunk-first", 202, range="0-1499")
    st("chunk-retried", 416, "BLOB_UPLOAD_INVALID", range="0-1499", location=True)
    st("chunk-overlap", 416, "BLOB_UPLOAD_INVALID", range="0-1499")
    x = st("chunk-session-get", 204, range="0-1499", location=True, docker_upload_uuid=True)
    st("chunk-second", 202, range="0-3999")
    cd = sha(blob_bytes("chunked", 4000))
    st("chunk-put", 201, docker_content_digest=cd)
    st("chunk-blob", 200, content_length="4000")
    st("chunk-bad-range", 416, "BLOB_UPLOAD_INVALID")
    for i in range(6):
        st("chunk-bad-range-%d" % i, 416, "BLOB_UPLOAD_INVALID")
    st("chunk-put-again", 404, "BLOB_UPLOAD_UNKNOWN")
    st("session-other-repo", 404, "BLOB_UPLOAD_UNKNOWN")
    st("put-no-digest", 400, "DIGEST_INVALID")
    st("put-last-chunk", 201, docker_content_digest=cd)
    st("cancel", 204)
    st("cancel-get", 404, "BLOB_UPLOAD_UNKNOWN")
    st("upload-unknown-get", 404, "BLOB_UPLOAD_UNKNOWN")
    st("cancel-again", 404, "BLOB_UPLOAD_UNKNOWN")
    st("put-wrong-digest", 400, "DIGEST_INVALID")
    st("put-malformed-digest", 400, "DIGEST_INVALID")
    st("put-sha512", 400, "DIGEST_INVALID")
    st("put-wrong-digest-blob", 404)
    st("put-sha512-blob", 404)
    st("empty-put", 201, docker_content_digest=EMPTY_SHA)
    st("empty-head", 200, content_length="0", docker_content_digest=EMPTY_SHA)
    x = st("empty-get", 200, content_length="0")
    # mounts: the blob store is global, visibility is per repository (serve.md §4.4)
    st("other-repo-head", 404)
    for label in ("mount-missing-blob", "mount-missing-from", "mount-without-from"):
        st(label, 202, range="0-0", docker_upload_uuid=True, location=True)
    md = sha(blob_bytes("mount", 1200))
    for label in ("mount-bad-digest", "mount-bad-from"):
        st(label, 202, range="0-0", location=True)
    st("mount", 201, location="http://" + HOSTPORT + "/v2/%s/blobs/%s" % (B, md), docker_content_digest=md)
    st("mounted-head", 200, content_length="1200")
    st("missing-repo-mount", 404, "NAME_UNKNOWN")
    st("missing-repo-post", 404, "NAME_UNKNOWN")
    st("missing-repo-tags", 404, "NAME_UNKNOWN")
    st("missing-repo-manifest-put", 404, "NAME_UNKNOWN")
    # manifests
    for label, mt in [("put-s2", MT_S2), ("put-oci", MT_OCI), ("put-oci-by-digest", MT_OCI), ("put-index", MT_IDX),
                      ("put-list", MT_LIST), ("put-oci-type-ows", MT_OCI)]:
        x = st(label, 201, docker_content_digest=True, location=True)
        check(label, (x.h("location") or "").endswith("/v2/%s/manifests/%s" % (M, x.h("docker-content-digest"))),
              "Location by digest", x)
    for label, mt in [("get-s2", MT_S2), ("get-oci", MT_OCI), ("get-index", MT_IDX), ("get-list", MT_LIST),
                      ("get-s2-by-digest", MT_S2), ("get-s2-no-accept", MT_S2)]:
        x = st(label, 200, content_type=mt)
        check(label, x.h("docker-content-digest") == sha(x.body) and x.h("content-length") == str(len(x.body)),
              "Docker-Content-Digest and Content-Length of the body", x)
    x = st("head-s2", 200, content_type=MT_S2, docker_content_digest=r["get-s2"].h("docker-content-digest"),
           content_length=r["get-s2"].h("content-length"))
    check("head-s2", not x.body, "HEAD has no body")
    st("head-oci-by-digest", 200, content_type=MT_OCI, docker_content_digest=r["get-oci"].h("docker-content-digest"))
    x = st("accept-s2-as-oci", 200, content_type=MT_OCI)
    check("accept-s2-as-oci", x.h("docker-content-digest") == sha(x.body), "the converted manifest's digest", x)
    st("accept-oci-as-s2", 200, content_type=MT_S2)
    x = st("accept-oci-by-digest-s2-only", 200, content_type=MT_OCI)
    check("accept-oci-by-digest-s2-only", sha(x.body) == r["get-oci"].h("docker-content-digest"), "stored bytes", x)
    st("get-unknown-tag", 404, "MANIFEST_UNKNOWN")
    x = st("head-unknown-digest", 404)
    check("head-unknown-digest", not x.body, "HEAD has no body")
    st("get-unknown-digest", 404, "MANIFEST_UNKNOWN")
    st("put-blob-unknown", 400, "MANIFEST_BLOB_UNKNOWN")
    st("put-config-unknown", 400, "MANIFEST_BLOB_UNKNOWN")
    st("put-ctype-mismatch", 400, "MANIFEST_INVALID")
    st("put-digest-mismatch", 400, "DIGEST_INVALID")
    st("put-malformed", 400, "MANIFEST_INVALID")
    st("put-malformed-digest-ref", 400, "DIGEST_INVALID")
    st("get-malformed-digest-ref", 400, "DIGEST_INVALID")
    st("put-index-unknown", 400, "MANIFEST_BLOB_UNKNOWN")
    x = st("head-index", 200, content_type=MT_IDX, docker_content_digest=r["get-index"].h("docker-content-digest"),
           content_length=r["get-index"].h("content-length"))
    check("head-index", not x.body, "HEAD has no body")
    st("head-list-by-digest", 200, content_type=MT_LIST, docker_content_digest=r["get-list"].h("docker-content-digest"))
    # indexes are not converted (serve.md §4.3: schema 2 <-> OCI images only): stored
    st("accept-index-as-list", 200, content_type=MT_IDX)
    st("accept-list-as-index", 200, content_type=MT_LIST)
    st("put-list-again", 201, docker_content_digest=r["get-list"].h("docker-content-digest"))
    # a layer named by URL and never pushed: stored (a Windows image), the layer itself
    # is the client's to fetch from its urls (the registry holds no such blob)
    st("put-foreign-layer", 201)
    st("put-nondistributable", 201)
    st("blob-foreign", 404)
    st("put-foreign-layer-no-urls", 400, "MANIFEST_BLOB_UNKNOWN")
    st("put-schema1", 400, "MANIFEST_INVALID")
    st("blob-of-manifest", 404)
    st("manifest-too-big", 413, "SIZE_INVALID")
    st("tag-invalid-get", 400, "TAG_INVALID")
    st("tag-invalid-put", 400, "TAG_INVALID")
    # tags
    x = st("tags", 200)
    check("tags", x.json() == {"name": T, "tags": ["a", "b", "c", "d", "e"]}, "all tags, lexical", x)
    x = st("tags-n2", 200, link='</v2/%s/tags/list?n=2&last=b>; rel="next"' % T)
    check("tags-n2", x.json()["tags"] == ["a", "b"], "n=2", x)
    x = st("tags-n2-last", 200, link='</v2/%s/tags/list?n=2&last=d>; rel="next"' % T)
    check("tags-n2-last", x.json()["tags"] == ["c", "d"], "after b", x)
    x = st("tags-n0", 200)
    check("tags-n0", x.json()["tags"] == [] and x.h("link") is None, "n=0: none, no Link", x)
    x = st("tags-last-end", 200)
    check("tags-last-end", x.json()["tags"] == [] and x.h("link") is None, "after the last tag", x)
    x = st("tags-n5", 200)
    check("tags-n5", len(x.json()["tags"]) == 5 and x.h("link") is None, "all five, no Link", x)
    x = st("catalog", 200)
    check("catalog", x.json() == {"repositories": sorted(repos.values())}, "the repositories, lexical", x)
    x = st("catalog-n2", 200, link='</v2/_catalog?n=2&last=conf/b>; rel="next"')
    check("catalog-n2", x.json()["repositories"] == ["conf/a", "conf/b"], "n=2", x)
    x = st("catalog-n2-last", 200)
    check("catalog-n2-last", x.json()["repositories"] == ["conf/m", "conf/t"] and x.h("link") is None, "after conf/b", x)
    # referrers
    x = st("referrers-missing", 200, content_type=MT_IDX)
    check("referrers-missing", x.json() == {"schemaVersion": 2, "mediaType": MT_IDX, "manifests": []}, "empty index", x)
    x = st("artifact-put", 201, oci_subject=True)
    x = st("referrers", 200, content_type=MT_IDX)
    ms = x.json()["manifests"]
    check("referrers", sorted(m["artifactType"] for m in ms) == ["application/vnd.example.sbom", "application/vnd.example.sig"]
          and all(m["mediaType"] == MT_OCI and m["size"] > 0 and "annotations" in m for m in ms), "two descriptors", x)
    x = st("referrers-filter", 200, content_type=MT_IDX, oci_filters_applied="artifactType")
    check("referrers-filter", [m["annotations"]["note"] for m in x.json()["manifests"]] == ["two"], "the sbom only", x)
    st("referrers-bad-digest", 400, "DIGEST_INVALID")
    st("artifact-subject-missing", 201, oci_subject=ZERO)
    st("artifact-config-type", 201, oci_subject=True)
    x = st("referrers-config-type", 200, content_type=MT_IDX)
    check("referrers-config-type", [m.get("artifactType") for m in x.json()["manifests"]]
          == ["application/vnd.example.config+json"], "the config's mediaType", x)
    x = st("referrers-filter-none", 200, content_type=MT_IDX, oci_filters_applied="artifactType")
    check("referrers-filter-none", x.json()["manifests"] == [], "nothing of that type", x)
    st("index-with-subject", 201, oci_subject=True)
    x = st("referrers-of-index", 200, content_type=MT_IDX)
    ms = x.json()["manifests"]
    check("referrers-of-index", len(ms) == 1 and ms[0]["mediaType"] == MT_IDX and
          ms[0]["artifactType"] == "application/vnd.example.set", "the index referring to it", x)
    st("delete-referrer", 202)
    x = st("referrers-after-delete", 200)
    check("referrers-after-delete", [m["annotations"]["note"] for m in x.json()["manifests"]] == ["one"],
          "the deleted referrer is gone", x)
    # deletes
    x = st("delete-referenced", 409, "DENIED")
    msg = x.json()["errors"][0]["message"] if x.code else ""
    check("delete-referenced", msg.startswith("Requested image referenced by manifest list: [") and
          all(r[l].h("docker-content-digest") in msg for l in ("put-index", "put-list")),
          "ECR's reason, naming both indexes", x)
    st("delete-referenced-tag", 409, "DENIED")
    st("delete-tag", 202)
    st("delete-tag-after", 404, "MANIFEST_UNKNOWN")
    # ECR (BatchDeleteImage): "When you remove the last tag from an image, the image is
    # deleted from your repository"
    st("delete-tag-digest-after", 404)
    st("delete-win", 202)
    st("delete-nd", 202)
    x = st("tags-after-delete", 200)
    check("tags-after-delete", x.json()["tags"] == [], "no tag left (oci untagged, s2, idx, lst deleted)", x)
    st("delete-index", 202)
    st("delete-list", 202)
    # both indexes gone: the platform image may go
    st("delete-referenced-after", 202)
    st("delete-referenced-after-get", 404)
    st("delete-index-after", 404, "MANIFEST_UNKNOWN")
    st("delete-index-again", 404, "MANIFEST_UNKNOWN")
    st("delete-unknown-digest", 404, "MANIFEST_UNKNOWN")
    st("delete-malformed", 400, "DIGEST_INVALID")
    st("blob-delete", 405, "UNSUPPORTED")
    st("blob-after-delete", 200)
    # the wire
    st("patch-chunked-coding", 202, range="0-2999")
    st("put-chunked-coding-empty", 201, docker_content_digest=sha(blob_bytes("wire", 3000)))
    st("expect-continue", 201, docker_content_digest=sha(blob_bytes("wire2", 2000)))
    st("expect-continue-interim", 100)
    st("chunk-length-mismatch", 400, "SIZE_INVALID")
    st("chunk-length-mismatch-get", 204, range="0-0")
    st("chunk-coding-length-mismatch", 400, "SIZE_INVALID")
    st("chunk-coding-length-mismatch-get", 204, range="0-0")
    st("chunk-coding-range", 202, range="0-49")
    # methods a route does not take: 405 UNSUPPORTED, never answered as a GET
    st("base-head", 200)
    for label in ("tags-post", "tags-delete", "referrers-post", "catalog-post", "manifest-post", "blob-put"):
        st(label, 405, "UNSUPPORTED")
    st("uploads-get-noid", 404, "BLOB_UPLOAD_UNKNOWN")
    st("post-body-no-digest", 202, range="0-0")
    st("post-body-no-digest-next", 204, range="0-0")
    st("tag-128", 404)
    st("tag-129", 400)
    st("tag-leading-dot", 400, "TAG_INVALID")
    st("digest-upper", 400, "DIGEST_INVALID")
    st("unknown-route", 404)
    # If-None-Match with the ETag sent (the quoted digest): 304, no body (RFC 9110 §13.1.2)
    # and a Content-Length only if it is the 200's (RFC 9110 §8.6)
    for label, n in (("manifest-if-none-match", r["accept-q"].h("content-length")), ("blob-if-none-match", "3000"),
                     ("blob-if-none-match-star", "3000")):
        x = st(label, 304, docker_content_digest=True)
        check(label, not x.body and x.h("content-length") in (None, n), "no body, Content-Length none or %s" % n, x)
    st("manifest-if-none-match-other", 200, content_type=MT_OCI)
    for label in ("accept-star", "accept-json", "accept-q"):
        st(label, 200, content_type=MT_OCI)


HOSTPORT = None


def main():
    global HOSTPORT
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="serve-conformance-")
    repos = {"a": "conf/a", "b": "conf/b", "m": "conf/m", "t": "conf/t"}
    eproc = cproc = None
    try:
        eproc, HOSTPORT = start_ecrlite(tmp, repos.values())
        e_out = run_all(Reg("ecrlite", HOSTPORT), repos)
        if PROBE:
            for l, x in e_out:
                print("E %-28s %r" % (l, x))
        conformance(e_out, repos)
        if os.path.exists("/usr/bin/docker-registry"):
            cproc, chost = start_cncf(tmp)
            if chost:
                c_out = run_all(Reg("cncf", chost), repos)
                if PROBE:
                    for l, x in c_out:
                        print("C %-28s %r" % (l, x))
                differential(e_out, c_out)
            else:
                print("%s: docker-registry did not start; differential part skipped" % SUITE)
        else:
            print("%s: /usr/bin/docker-registry absent; differential part skipped" % SUITE)
    finally:
        stop(eproc)
        stop(cproc)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s: %.1f s" % (SUITE, time.time() - t0))
    print("%s: %d passed, %d failed" % (SUITE, passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
