#!/usr/bin/python3
"""null-registry.py [--layout DIR] PORT: an OCI Distribution server on 127.0.0.1:PORT
(0: a free port) that stores nothing and hashes nothing, for scripts/bench-registry.sh.

A measuring instrument, not a registry: skopeo's push, pull and 8 concurrent pushes are
timed against it to get the client's own floor, the wall no registry can go below with
the same commands on the same machine. So it answers exactly what skopeo 1.9.3 asks
and spends as little CPU as it can doing so:

- pushes: blob bodies are read into one reused buffer and dropped, never hashed or
  written; a PUT ?digest= is believed. Only the set of "pushed" digests (with their
  sizes) and the manifests (a few KB each) are kept, in memory.
- pulls: manifests and blobs come from the OCI image layout DIR (an extracted
  oci-archive), blobs by sendfile, so no byte of a layer goes through Python.

Raw sockets and a thread per connection rather than http.server's ThreadingHTTPServer,
whose BaseHTTPRequestHandler parses every header through email.parser: measured with
/proc/PID/stat as the bench does, 4000 GET /v2/ with Connection: close (skopeo's way,
ab -c2) cost it 1.58 s of CPU against 0.95 s here, about 0.4 against 0.24 ms a request,
most of the rest being the thread's start.

What skopeo asks, seen here: a push is GET /v2/ (after an https probe), then per layer
HEAD, HEAD again, POST, one PATCH with the whole layer (Content-Length known), PUT
?digest=; the config the same with one HEAD; then the manifest PUT. A pull is GET /v2/,
the manifest by tag, and the blobs GET at once. Every request on its own connection
(Connection: close).

No auth, no validation, no logging. It prints one line, "null-registry: listening on
http://127.0.0.1:PORT", once it accepts connections, and runs until killed."""
import hashlib
import itertools
import json
import os
import socket
import sys
import threading
from urllib.parse import unquote

# Bodies are discarded into this one buffer by every thread at once: nobody reads it,
# so threads overwriting each other's bytes is harmless, and one buffer costs no
# allocation per request. 1 MiB: each recv_into takes what the socket holds (up to the
# kernel's receive buffer), so larger only wastes memory.
SINK = memoryview(bytearray(1 << 20))

# blob digest -> size, for HEAD after PUT (skopeo's "does it exist?"). One set for all
# repositories, not one each: the bench pushes each repository's blobs once per fresh
# instance, and a blob pushed to a HEADs 200 in b too, so skopeo never tries a mount
pushed = {}
uploads = {}     # upload id -> bytes received so far (the PATCH Range and the blob's size)
manifests = {}   # (name, tag or digest) -> (media type, bytes, digest)
tags = {}        # name -> tags pushed, for tags/list (the bench counts 8 after 8 pushes)
upload_ids = itertools.count(1)  # next() is atomic under the GIL: no lock, no uuid4
lock = threading.Lock()          # for the dicts' compound updates (tags' lists)

layout = None    # the OCI layout served for pulls, if any
layout_tags = {} # tag -> digest, from index.json's org.opencontainers.image.ref.name
layout_one = None  # the only manifest of an index.json without ref names (see load_layout)
layout_types = {}  # digest -> media type, from index.json's descriptors


def load_layout(d):
    """An extracted oci-archive's index.json names its image by digest and often carries
    no org.opencontainers.image.ref.name (the bench's archives do not): skopeo reads such
    an archive's single image for any reference, and so does this, for any tag."""
    global layout, layout_one
    layout = d
    with open(os.path.join(d, "index.json"), "rb") as f:
        index = json.load(f)
    descs = index.get("manifests") or []
    for m in descs:
        layout_types[m["digest"]] = m.get("mediaType", "application/vnd.oci.image.manifest.v1+json")
        ref = (m.get("annotations") or {}).get("org.opencontainers.image.ref.name")
        if ref:
            layout_tags[ref] = m["digest"]
    if not layout_tags and len(descs) == 1:
        layout_one = descs[0]["digest"]


def blob_path(digest):
    algo, _, hexpart = digest.partition(":")
    if not layout or not hexpart or "/" in hexpart or "/" in algo or algo.startswith("."):
        return None
    return os.path.join(layout, "blobs", algo, hexpart)


def layout_manifest(ref):
    """(media type, bytes, digest) of a layout manifest by tag or digest, or None."""
    if not layout:
        return None
    digest = ref if ":" in ref else layout_tags.get(ref, layout_one)
    p = digest and blob_path(digest)
    if not p:
        return None
    try:
        with open(p, "rb") as f:
            body = f.read()
    except OSError:
        return None
    mt = layout_types.get(digest)
    if mt is None:
        # a manifest below an index: its own mediaType field says what it is (OCI
        # requires it for indexes and artifact manifests; images set it in practice)
        try:
            mt = json.loads(body).get("mediaType") or "application/vnd.oci.image.manifest.v1+json"
        except ValueError:
            return None
    return mt, body, digest


class Conn:
    """One client connection: a buffer of bytes received but not yet parsed."""

    def __init__(self, s):
        self.s = s
        self.buf = b""

    def head(self):
        """The request head up to its blank line, or None at EOF. Called first on each
        request; the bytes after the blank line (a body's start) stay in buf."""
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                h, self.buf = self.buf[:i], self.buf[i + 4:]
                return h
            if not self.buf:
                if not self.probe_ok():
                    return None
                continue
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d

    def probe_ok(self):
        """skopeo (--*-tls-verify=false) pings https first on a plain-HTTP port and falls
        back to http on any error: a TLS record (0x16, a handshake) is answered by
        closing, the cheapest error there is (ecrlite answers 400, which Go turns into
        the same fallback)."""
        d = self.s.recv(65536)
        if not d or d[0] == 0x16:
            return False
        self.buf = d
        return True

    def discard(self, n):
        """Reads and drops n body bytes; returns how many came (fewer at EOF)."""
        got = min(n, len(self.buf))
        self.buf = self.buf[got:]
        s = self.s
        while got < n:
            k = s.recv_into(SINK, min(n - got, len(SINK)))
            if not k:
                break
            got += k
        return got

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                ln, self.buf = self.buf[:i], self.buf[i + 2:]
                return ln
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d

    def discard_chunked(self):
        """A chunked body (Go's client sends one when it does not know a blob's size, as
        when skopeo compresses on the fly): read and dropped, its length returned."""
        total = 0
        while True:
            ln = self.line()
            if ln is None:
                return total
            n = int(ln.split(b";", 1)[0], 16)
            if n == 0:
                while self.line():  # trailers, up to the blank line
                    pass
                return total
            total += self.discard(n)
            self.line()  # the CRLF after the chunk

    def read_body(self, hdrs):
        """The (small) body of a manifest PUT, kept."""
        n = int(hdrs.get(b"content-length", b"0"))
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                break
            self.buf += d
        body, self.buf = self.buf[:n], self.buf[n:]
        return body

    def drop_body(self, hdrs):
        """Any request body, read and dropped; its length."""
        if hdrs.get(b"transfer-encoding", b"").lower() == b"chunked":
            return self.discard_chunked()
        n = int(hdrs.get(b"content-length", b"0"))
        return self.discard(n) if n else 0

    def reply(self, status, headers=(), body=b"", length=None):
        """One response in one sendall. Content-Length always (0 too), so a keep-alive
        client knows where it ends; HEAD passes length without a body."""
        out = ["HTTP/1.1 %s\r\nContent-Length: %d\r\n" % (status, len(body) if length is None else length)]
        for k, v in headers:
            out.append("%s: %s\r\n" % (k, v))
        out.append("\r\n")
        self.s.sendall("".join(out).encode() + body)


def parse(h):
    lines = h.split(b"\r\n")
    method, target, _ = lines[0].split(b" ", 2)
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hdrs[k.strip().lower()] = v.strip()
    return method.decode(), target.decode(), hdrs


def handle(c, method, target, hdrs):
    path, _, query = target.partition("?")
    if path in ("/v2", "/v2/"):
        # the ping: 200 without a WWW-Authenticate means no auth, so skopeo sends no
        # token requests; the version header is what a registry says it speaks
        c.drop_body(hdrs)
        return c.reply("200 OK", [("Docker-Distribution-API-Version", "registry/2.0")])
    if not path.startswith("/v2/"):
        c.drop_body(hdrs)
        return c.reply("404 Not Found")
    rest = path[4:]

    i = rest.find("/blobs/uploads")
    if i >= 0:
        name, upload = rest[:i], rest[i + len("/blobs/uploads"):].strip("/")
        params = {k: unquote(v) for k, _, v in (p.partition("=") for p in query.split("&") if p)}
        if method == "POST" and not upload:
            # a new upload session. A cross-repository mount (?mount=&from=, never
            # asked here, see pushed) is not done: 202 is the spec's "an upload
            # instead". A monolithic POST ?digest= with the body is pushed at once.
            n = c.drop_body(hdrs)
            if "digest" in params and "mount" not in params:
                pushed[params["digest"]] = n
                return c.reply("201 Created", [("Location", "/v2/%s/blobs/%s" % (name, params["digest"])),
                                               ("Docker-Content-Digest", params["digest"])])
            u = str(next(upload_ids))
            uploads[u] = 0
            # Location relative to the host: containers/image resolves it against the
            # request's URL, and the PATCH and the PUT go there
            return c.reply("202 Accepted", [("Location", "/v2/%s/blobs/uploads/%s" % (name, u)),
                                            ("Docker-Upload-UUID", u), ("Range", "0-0")])
        if upload not in uploads:
            c.drop_body(hdrs)
            return c.reply("404 Not Found")
        if method == "PATCH":
            # the whole layer in one streamed PATCH: dropped; skopeo reads Location
            # from this response (it must be there) and Range says what was taken
            n = uploads[upload] = uploads[upload] + c.drop_body(hdrs)
            return c.reply("202 Accepted", [("Location", "/v2/%s/blobs/uploads/%s" % (name, upload)),
                                            ("Docker-Upload-UUID", upload), ("Range", "0-%d" % max(n - 1, 0))])
        if method == "PUT":
            # the upload's end, ?digest= the client's own hash of what it sent; believed
            # (hashing is what this registry exists not to do). Its size is what came.
            n = uploads.pop(upload) + c.drop_body(hdrs)
            d = params.get("digest", "")
            pushed[d] = n
            return c.reply("201 Created", [("Location", "/v2/%s/blobs/%s" % (name, d)),
                                           ("Docker-Content-Digest", d)])
        if method == "DELETE":
            # a cancelled session
            uploads.pop(upload, None)
            return c.reply("204 No Content")
        if method == "GET":
            return c.reply("204 No Content", [("Location", "/v2/%s/blobs/uploads/%s" % (name, upload)),
                                              ("Range", "0-%d" % max(uploads[upload] - 1, 0))])
        c.drop_body(hdrs)
        return c.reply("405 Method Not Allowed")

    i = rest.find("/blobs/")
    if i >= 0:
        d = rest[i + 7:]
        c.drop_body(hdrs)
        if method == "HEAD":
            # skopeo HEADs every blob before uploading it: 404 until pushed, so every
            # push sends every byte (blobs of the layout are for GET only, else a push
            # after a pull would upload nothing). After the PUT (or another process's,
            # in the 8 concurrent pushes) 200 with the size and digest, which
            # containers/image reads as "exists, reuse it".
            if d in pushed:
                return c.reply("200 OK", [("Docker-Content-Digest", d),
                                          ("Content-Type", "application/octet-stream")], length=pushed[d])
            return c.reply("404 Not Found")
        if method == "GET":
            # a pull's blob from the layout, by sendfile (the headers first, in one
            # send); skopeo checks its size and digest itself
            p = blob_path(d)
            try:
                f = open(p, "rb") if p else None
            except OSError:
                f = None
            if f is None:
                return c.reply("404 Not Found")
            with f:
                size = os.fstat(f.fileno()).st_size
                c.reply("200 OK", [("Docker-Content-Digest", d), ("Content-Type", "application/octet-stream")],
                        length=size)
                c.s.sendfile(f, 0, size)
            return None
        return c.reply("405 Method Not Allowed")

    i = rest.find("/manifests/")
    if i >= 0:
        name, ref = rest[:i], rest[i + 11:]
        if method == "PUT":
            # kept, bytes as sent: a pull after the push gets them back, and tags/list
            # counts them. Hashing a few KB is the only hash here: skopeo may compare
            # Docker-Content-Digest with its own.
            body = c.read_body(hdrs)
            d = "sha256:" + hashlib.sha256(body).hexdigest()
            m = (hdrs.get(b"content-type", b"").decode(), body, d)
            with lock:
                manifests[(name, ref)] = manifests[(name, d)] = m
                if ":" not in ref and ref not in tags.setdefault(name, []):
                    tags[name].append(ref)
            return c.reply("201 Created", [("Location", "/v2/%s/manifests/%s" % (name, d)),
                                           ("Docker-Content-Digest", d)])
        c.drop_body(hdrs)
        if method in ("GET", "HEAD"):
            # pushed ones first, else the layout's (its one image for any tag, see
            # load_layout); Content-Type is the manifest's media type, which skopeo
            # uses to parse it, and Docker-Content-Digest is checked on digest refs
            m = manifests.get((name, ref)) or layout_manifest(ref)
            if m is None:
                return c.reply("404 Not Found")
            mt, body, d = m
            hs = [("Content-Type", mt), ("Docker-Content-Digest", d)]
            if method == "HEAD":
                return c.reply("200 OK", hs, length=len(body))
            return c.reply("200 OK", hs, body)
        return c.reply("405 Method Not Allowed")

    if rest.endswith("/tags/list"):
        c.drop_body(hdrs)
        name = rest[:-len("/tags/list")]
        with lock:
            t = list(tags.get(name, ()))
        body = json.dumps({"name": name, "tags": t}).encode()
        return c.reply("200 OK", [("Content-Type", "application/json")], body)

    c.drop_body(hdrs)
    return c.reply("404 Not Found")


def serve(s):
    c = Conn(s)
    try:
        while True:
            h = c.head()
            if h is None:
                return
            method, target, hdrs = parse(h)
            handle(c, method, target, hdrs)
            # containers/image turns keep-alive off (Connection: close on every
            # request); curl and wrk keep it on
            if hdrs.get(b"connection", b"").lower() == b"close":
                return
    except (OSError, ValueError):
        pass  # a reset or a request this does not parse: the connection's end
    finally:
        s.close()


def main():
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--layout":
        load_layout(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: null-registry.py [--layout DIR] PORT")
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(args[0])))
    ls.listen(128)
    print("null-registry: listening on http://127.0.0.1:%d" % ls.getsockname()[1], flush=True)
    while True:
        s, _ = ls.accept()
        # each response goes out in one sendall; Nagle would hold a HEAD's second
        # segment, if any, for the client's delayed ACK
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(s,), daemon=True).start()


if __name__ == "__main__":
    main()
