#!/usr/bin/env python3
"""Layer encodings that real builders write (issues 15 and 13): each case is an image
built here with Python's tarfile from a real package database in ../shared/data/pkgdb,
pushed and inventoried three times (fresh, from the layer and image caches, and with
--no-cache). Its package set must equal what the format's own tool says about the same
database: dpkg-query --admindir, rpm through python3-rpm with --dbpath, and apk's
installed file parsed here independently. Usage: encodings.py BIN_DIR"""
import io
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

from ociimage import add_entry, oci_archive

BIN = os.path.abspath(sys.argv[1])
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PKGDB = os.path.join(TOP, "..", "shared", "data", "pkgdb")
if not os.path.isdir(PKGDB):
    print("encodings: ../shared/data/pkgdb is absent; skipped")
    print("encodings: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

TMP = tempfile.mkdtemp(prefix="scan-encodings-")
ENV = dict(os.environ, ECRLITE_HOME=os.path.join(TMP, "state"), AWS_DEFAULT_REGION="us-east-1",
           AWS_CONFIG_FILE="/dev/null")
passed = failed = 0


def ok():
    global passed
    passed += 1


def bad(msg):
    global failed
    failed += 1
    print("FAIL encodings", msg)


def read(*parts):
    with open(os.path.join(PKGDB, *parts), "rb") as f:
        return f.read()


# --- what the real tools say ---------------------------------------------------------

def dpkg_truth(status):
    """(name, version) of the entries dpkg-query reports as installed."""
    d = tempfile.mkdtemp(dir=TMP)
    with open(os.path.join(d, "status"), "wb") as f:
        f.write(status)
    out = subprocess.run(["dpkg-query", "--admindir=" + d, "-W", "-f", "${db:Status-Status}\\t${Package}\\t${Version}\\n"],
                         check=True, capture_output=True, text=True).stdout
    return {tuple(l.split("\t")[1:]) for l in out.splitlines() if l.startswith("installed\t")}


def status_d_truth(files):
    """status.d entries carry no Status: dpkg-query reads them as installed ones."""
    stanzas = [data.decode().strip() + "\nStatus: install ok installed\n" for name, data in files if not name.endswith(".md5sums")]
    return dpkg_truth("\n".join(stanzas).encode())


def apk_truth(installed):
    """P:/V: pairs of apk's installed database, parsed here."""
    pkgs, cur = set(), {}
    for line in installed.decode().split("\n") + [""]:
        if not line.strip():
            if "P" in cur and "V" in cur:
                pkgs.add((cur["P"], cur["V"]))
            cur = {}
        elif len(line) > 1 and line[1] == ":":
            cur.setdefault(line[0], line[2:])
    return pkgs


def rpm_truth(sqlite_bytes):
    """(name, [epoch:]version-release) from rpm itself, --dbpath on a copy."""
    d = tempfile.mkdtemp(dir=TMP)
    with open(os.path.join(d, "rpmdb.sqlite"), "wb") as f:
        f.write(sqlite_bytes)
    code = ("import rpm,sys\nrpm.addMacro('_dbpath', sys.argv[1])\nrpm.addMacro('_db_backend', 'sqlite')\n"
            "ts = rpm.TransactionSet()\nts.setVSFlags(-1)\n"
            "for h in ts.dbMatch():\n"
            "    e = h['epoch']\n"
            "    print('%s\\t%s%s-%s' % (h['name'], '%s:' % e if e is not None else '', h['version'], h['release']))\n")
    out = subprocess.run([sys.executable, "-c", code, d], capture_output=True, text=True)
    if out.returncode:
        return None
    return {tuple(l.split("\t")) for l in out.stdout.splitlines() if l}


# --- image building ------------------------------------------------------------------

def F(path, data, **kw):
    return ("file", path, data, kw)


def D(path):
    return ("dir", path, None, {})


def L(path, target):
    return ("sym", path, target, {})


def H(path, target):
    return ("hard", path, target, {})


def dirs(entries, skip=()):
    """entries with a directory entry before each parent, as GNU tar writes them; a parent
    that is a symlink here, or in skip (a lower layer's symlink), gets none."""
    links = {p.strip("/") for k, p, d, kw in entries if k == "sym"} | set(skip)
    out, done = [], set()
    for e in entries:
        parts = e[1].strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            pre = "/".join(parts[:i])
            if any(pre == l or pre.startswith(l + "/") for l in links):
                break
            if pre not in done:
                done.add(pre)
                out.append(D(pre + "/"))
        out.append(e)
    return out


def layer(entries, fmt=tarfile.GNU_FORMAT):
    """Uncompressed tar bytes of entries, in the given order (no parent directories
    added, unlike ociimage.layer: the cases here are about what a builder leaves out)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, encoding="utf-8", errors="surrogateescape") as t:
        for kind, path, data, kw in entries:
            add_entry(t, kind, path, data, pax_headers={"path": path} if kw.get("pax_path") else None)
    return buf.getvalue()


def run(*args):
    return subprocess.run(list(args), env=ENV, capture_output=True, text=True)


def inventory(tag, *extra):
    r = run(os.path.join(BIN, "ecrlite"), "inventory", "--output", "json", *extra, "enc:" + tag)
    if r.returncode:
        return None, r.stderr.strip()
    d = json.loads(r.stdout)
    return d, None


def check(name, layers, want, os_want=None):
    """Pushes the image and compares each of its three inventories with want."""
    if want is None:
        bad("%s: the reference tool gave no answer" % name)
        return
    arch = os.path.join(TMP, name + ".tar")
    oci_archive(arch, layers)
    r = run(os.path.join(BIN, "ecrlite"), "push", arch, "enc:" + name)
    if r.returncode:
        bad("%s: push: %s" % (name, r.stderr.strip()))
        return
    seen = []
    for how in ([], [], ["--no-cache"]):
        d, e = inventory(name, *how)
        if d is None:
            bad("%s: inventory %s: %s" % (name, " ".join(how), e))
            return
        got = {(p["name"], p["version"]) for p in d.get("packages", [])}
        osv = d.get("os") or {}
        seen.append((sorted(got), osv.get("id"), osv.get("versionId"), osv.get("codename")))
    got = set(map(tuple, seen[0][0]))
    if got != want:
        bad("%s: %d packages, want %d; missing %s; extra %s" % (name, len(got), len(want), sorted(want - got)[:3],
                                                                  sorted(got - want)[:3]))
    else:
        ok()
    # the layer and image caches give what a fresh read gives
    if seen[0] == seen[1] == seen[2]:
        ok()
    else:
        bad("%s: fresh, cached and --no-cache differ: %s" % (name, seen))
    if os_want is not None:
        if seen[0][1:1 + len(os_want)] == tuple(os_want):
            ok()
        else:
            bad("%s: os %s, want %s" % (name, seen[0][1:], os_want))


# --- the cases -----------------------------------------------------------------------

B11 = "debian-11-bullseye-debootstrap-minbase"
S11 = read(B11, "var", "lib", "dpkg", "status")
O11 = read(B11, "etc", "os-release")
T11 = dpkg_truth(S11)
B13 = "debian-13-trixie-debootstrap-minbase"
S13 = read(B13, "var", "lib", "dpkg", "status")
T13 = dpkg_truth(S13)
A18 = read("alpine-3.18.9", "lib", "apk", "db", "installed")
A19 = read("alpine-3.19.4", "lib", "apk", "db", "installed")
OA19 = read("alpine-3.19.4", "etc", "os-release")
DEB11 = ("debian", "11", "bullseye")

r = run(os.path.join(BIN, "aws"), "ecr", "create-repository", "--repository-name", "enc")
if r.returncode:
    print(r.stderr)
    sys.exit(1)

# file entries only, no directory entries at all, in each tar encoding (issue 15 item 1)
only_files = [F("usr/lib/os-release", O11), L("etc/os-release", "../usr/lib/os-release"), F("var/lib/dpkg/status", S11)]
check("files-only-ustar", [layer(only_files, tarfile.USTAR_FORMAT)], T11, DEB11)
check("files-only-gnu", [layer(only_files, tarfile.GNU_FORMAT)], T11, DEB11)
long_dir = "usr/share/" + "d" * 120 + "/" + "e" * 120
check("files-only-pax", [layer([F(long_dir + "/long-name-" + "x" * 150, b"x")] +
                               [F(p, d, pax_path=True) if k == "file" else (k, p, d, kw) for k, p, d, kw in only_files],
                               tarfile.PAX_FORMAT)], T11, DEB11)
check("gnu-long-names", [layer([D("var/"), F(long_dir + "/" + "y" * 200, b"y")] + only_files, tarfile.GNU_FORMAT)], T11, DEB11)
# prefixes
check("dot-slash", [layer([D("./"), D("./etc/"), F("./etc/os-release", O11), D("./var/"), D("./var/lib/"),
                           D("./var/lib/dpkg/"), F("./var/lib/dpkg/status", S11)])], T11, DEB11)
check("slash", [layer([F("/etc/os-release", O11), F("/var/lib/dpkg/status", S11)])], T11, DEB11)
# some directories listed, their parents not; and parents missing in lower and upper layers
check("partial-dirs", [layer([D("var/lib/dpkg/"), F("var/lib/dpkg/status", S11), D("etc/"), F("etc/os-release", O11)])],
      T11, DEB11)
check("parents-across-layers", [layer([F("etc/os-release", O11)]), layer([F("var/lib/dpkg/status", S11)])], T11, DEB11)
# duplicate entries in one layer: the last wins
check("duplicate-last-wins", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status", S13), F("var/lib/dpkg/status", S11)]))],
      T11, DEB11)
# a wanted path reached through a link whose target has another name
check("hardlink-status-old", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status-old", S11),
                                     H("var/lib/dpkg/status", "var/lib/dpkg/status-old")]))], T11, DEB11)
check("hardlink-across-layers", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status-old", S11)])),
                                 layer(dirs([H("var/lib/dpkg/status", "var/lib/dpkg/status-old")]))], T11, DEB11)
check("symlink-status-real", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status.real", S11),
                                     L("var/lib/dpkg/status", "status.real")]))], T11, DEB11)
check("dpkg-dir-elsewhere", [layer(dirs([F("etc/os-release", O11), F("usr/share/dpkg/database/status", S11),
                                    L("var/lib/dpkg", "../../usr/share/dpkg/database")]))], T11, DEB11)
check("fedora-os-release", [layer(dirs([F("usr/lib/os.release.d/os-release-container", O11),
                                   L("usr/lib/os-release", "os.release.d/os-release-container"),
                                   L("etc/os-release", "../usr/lib/os-release"), F("var/lib/dpkg/status", S11)]))], T11, DEB11)
# symlink chains across layers, absolute and relative
check("chain-across-layers", [layer(dirs([F("usr/share/dpkg-real/status", S11), F("etc/os-release", O11)])),
                              layer(dirs([L("var/lib/dpkg", "/opt/dpkgdir")])),
                              layer(dirs([L("opt/dpkgdir", "../usr/share/dpkg-real")]))], T11, DEB11)
# usr-merge: an upper layer writes lib/… through the lower layer's lib -> usr/lib
check("usr-merge", [layer(dirs([L("lib", "usr/lib"), F("usr/lib/apk/db/installed", A18), F("etc/os-release", OA19)])),
                    layer(dirs([F("lib/apk/db/installed", A19)], skip=["lib"]))], apk_truth(A19), ("alpine", "3.19.4"))
check("usr-merge-dirs-through-link", [layer(dirs([L("lib", "usr/lib"), F("usr/lib/apk/db/installed", A18), F("etc/os-release", OA19)])),
                                      layer([D("lib/apk/"), D("lib/apk/db/"), F("lib/apk/db/installed", A19)])],
      apk_truth(A19), ("alpine", "3.19.4"))
# whiteouts and opaque directories over links
hl = dirs([F("etc/os-release", O11), F("var/lib/dpkg/status-old", S11), H("var/lib/dpkg/status", "var/lib/dpkg/status-old")])
check("whiteout-hardlink", [layer(hl), layer(dirs([F("var/lib/dpkg/.wh.status", b"")]))], set(), DEB11)
check("whiteout-then-readd", [layer(hl), layer(dirs([F("var/lib/dpkg/.wh.status", b""), F("var/lib/dpkg/status", S13)]))], T13, DEB11)
check("whiteout-link-target", [layer(dirs([F("etc/os-release", O11), F("usr/share/dpkg/database/status", S11),
                                      L("var/lib/dpkg", "../../usr/share/dpkg/database")])),
                               layer(dirs([F("usr/share/dpkg/.wh.database", b"")]))], set(), DEB11)
check("opaque-over-links", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status", S11)])),
                            layer(dirs([F("var/lib/dpkg/.wh..wh..opq", b""), F("var/lib/dpkg/status.real", S13),
                                   L("var/lib/dpkg/status", "status.real")]))], T13, DEB11)
check("opaque-empties", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status", S11)])),
                         layer(dirs([D("var/lib/dpkg/"), F("var/lib/dpkg/.wh..wh..opq", b"")]))], set(), DEB11)
# empty layers among the others
check("empty-layers", [layer([]), layer(only_files), layer([])], T11, DEB11)
check("empty-layers-dirs", [layer([]), layer(dirs(only_files)), layer([D("tmp/")])], T11, DEB11)
# distroless status.d without its directory entry
sd_dir = os.path.join(PKGDB, "distroless-style-debian-12-generated", "var", "lib", "dpkg", "status.d")
sd = [(n, read("distroless-style-debian-12-generated", "var", "lib", "dpkg", "status.d", n)) for n in sorted(os.listdir(sd_dir))]
check("status.d-no-dir", [layer([F("etc/os-release", read("distroless-style-debian-12-generated", "etc", "os-release"))] +
                                [F("var/lib/dpkg/status.d/" + n, d) for n, d in sd])], status_d_truth(sd))
check("status.d-dirs-but-its-own", [layer([D("etc/"), D("var/"), D("var/lib/"), D("var/lib/dpkg/")] +
                                          [F("var/lib/dpkg/status.d/" + n, d) for n, d in sd])], status_d_truth(sd))
check("status.d-with-dir", [layer(dirs([F("var/lib/dpkg/status.d/" + n, d) for n, d in sd]))], status_d_truth(sd))
# rpm: Fedora's database place, reached through var/lib/rpm -> ../../usr/lib/sysimage/rpm
RPM = lzma.decompress(read("cbl-mariner-2.0", "rpmdb.sqlite.xz"))
check("rpm-sysimage-link", [layer(dirs([F("usr/lib/sysimage/rpm/rpmdb.sqlite", RPM), L("var/lib/rpm", "../../usr/lib/sysimage/rpm")]))],
      rpm_truth(RPM))
# dpkg entries not installed are not listed: the same status with a few states changed
stanzas = S11.decode().split("\n\n")
states = ["deinstall ok config-files", "install ok half-installed", "install ok unpacked", "hold ok installed",
          "purge ok not-installed", "deinstall ok installed"]
for i, st in enumerate(states):
    stanzas[3 + 7 * i] = stanzas[3 + 7 * i].replace("Status: install ok installed", "Status: " + st)
SX = "\n\n".join(stanzas).encode()
TX = dpkg_truth(SX)
check("dpkg-states", [layer(dirs([F("etc/os-release", O11), F("var/lib/dpkg/status", SX)]))], TX, DEB11)
if len(TX) == len(T11) - 4:
    ok()
else:
    bad("dpkg-states: dpkg-query lists %d of %d" % (len(TX), len(T11)))
# Debian sid/testing: no VERSION_ID, debian_version "forky/sid"
sid_osr = b'PRETTY_NAME="Debian GNU/Linux forky/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=forky\nID=debian\n'
check("debian-sid", [layer(dirs([F("etc/os-release", sid_osr), F("etc/debian_version", b"forky/sid\n"), F("var/lib/dpkg/status", S13)]))],
      T13, ("debian", "forky/sid", "forky"))
r = run(os.path.join(BIN, "ecrlite"), "inventory", "enc:debian-sid")
if "os\tdebian forky/sid forky\n" in r.stdout:
    ok()
else:
    bad("debian-sid text output: %r" % r.stdout[:200])
# links that climb out or loop resolve inside the image to nothing
check("status-link-loop", [layer(dirs([F("etc/os-release", O11), L("var/lib/dpkg/status", "../../../../../../var/lib/dpkg/status")]))],
      set(), DEB11)
# a name that is not UTF-8: cached and fresh agree (issue 13 item 5)
check("non-utf8-names", [layer(dirs([F("etc/os-release", OA19), F("etc/caf\udce9", b"x"), F("lib/apk/db/installed", A19),
                                F("etc/apk/\udcff\udcfe", b"y")]))], apk_truth(A19), ("alpine", "3.19.4"))

shutil.rmtree(TMP, ignore_errors=True)
print("encodings: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
