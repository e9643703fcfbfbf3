#!/usr/bin/python3
"""RPM images against OSV's AlmaLinux and Rocky Linux records, as those records are
written (ecosystem "AlmaLinux:9" / "Rocky Linux:9": the major release only; binary
package names such as krb5-libs, not only source ones). The packages are a real rpm
database (cbl-mariner-2.0's rpmdb.sqlite, ../shared/data/pkgdb) under an os-release
naming the release; the records are written here for packages of that database, and the
expected findings are computed here with rpm's own comparison (python3-rpm
labelCompare) from the records and the packages rpm itself reads, never from ecrlite.
usage: scan_rpm_osv.py BIN"""
import json, lzma, os, shutil, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from ociimage import F, layer, oci_archive  # noqa: E402

bindir = os.path.abspath(sys.argv[1])
shared = os.path.abspath(os.path.join(here, "../../../shared"))
db_xz = os.path.join(shared, "data/pkgdb/cbl-mariner-2.0/rpmdb.sqlite.xz")
passed = failed = 0
if not os.path.exists(db_xz):
    print("scan-rpm-osv: ../shared is absent; skipping")
    print("scan-rpm-osv: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)
try:
    import rpm
except ImportError:
    print("scan-rpm-osv: python3-rpm is absent; skipping")
    print("scan-rpm-osv: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="rpm-osv-")
env = dict(os.environ, ECRLITE_HOME=os.path.join(tmp, "state"), AWS_DEFAULT_REGION="us-east-2",
           AWS_CONFIG_FILE="/dev/null", TZ="UTC")
aws, ecrlite = os.path.join(bindir, "aws"), os.path.join(bindir, "ecrlite")


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env)
    if p.returncode:
        raise SystemExit("command failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p.stdout


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL scan-rpm-osv: " + what)


dbbytes = lzma.open(db_xz).read()
# the packages as rpm reads them: (name, source name, (epoch, version, release))
dbdir = os.path.join(tmp, "rpmdb")
os.makedirs(dbdir)
with open(os.path.join(dbdir, "rpmdb.sqlite"), "wb") as f:
    f.write(dbbytes)
rpm.addMacro("_dbpath", dbdir)
rpm.addMacro("_db_backend", "sqlite")
ts = rpm.TransactionSet()
ts.setVSFlags(-1)
pkgs = []
for h in ts.dbMatch():
    src = h["sourcerpm"]
    src = src.rsplit("-", 2)[0] if src else h["name"]
    pkgs.append((h["name"], src, (str(h["epoch"]) if h["epoch"] is not None else "0", h["version"], h["release"])))
byname = {p[0]: p for p in pkgs}


def evr(text):
    e, _, vr = text.rpartition(":") if ":" in text else ("0", "", text)
    v, _, r = vr.rpartition("-")
    return (e or "0", v, r)


def bump(t):
    """a fixed version just above the installed one: its release + 1 in front"""
    e, v, r = t
    return "%s:%s-%s" % (e, v, "9" + r) if e != "0" else "%s-%s" % (v, "9" + r)


def plain(t):
    e, v, r = t
    return "%s:%s-%s" % (e, v, r) if e != "0" else "%s-%s" % (v, r)


# records for a few packages of the database: some named by binary (a subpackage whose
# source has another name, as krb5-libs is krb5's), some by source; fixed above, at and
# below what is installed; one release the image is not
sub = next(p for p in pkgs if p[0] != p[1])              # a binary not named as its source
same = next(p for p in pkgs if p[0] == p[1] and p is not sub)
other = next(p for p in pkgs if p[0] == p[1] and p not in (sub, same))
assert sub and same and other


def records(eco_name, major, prefix):
    eco, old = "%s:%s" % (eco_name, major), "%s:%d" % (eco_name, int(major) - 1)
    return [
        {"id": prefix + "-2024:0001", "modified": "2024-01-01T00:00:00Z",  # by binary name, fixed above
         "affected": [{"package": {"ecosystem": eco, "name": sub[0]},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": bump(sub[2])}]}]}]},
        {"id": prefix + "-2024:0002", "modified": "2024-01-01T00:00:00Z",  # by source name, fixed at what is installed
         "affected": [{"package": {"ecosystem": eco, "name": same[0]},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": plain(same[2])}]}]}]},
        {"id": prefix + "-2024:0003", "modified": "2024-01-01T00:00:00Z",  # no fix yet
         "affected": [{"package": {"ecosystem": eco, "name": other[0]},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]},
        {"id": prefix + "-2024:0004", "modified": "2024-01-01T00:00:00Z",  # the release before: not this image's
         "affected": [{"package": {"ecosystem": old, "name": other[0]},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]},
    ]


def expected(recs, eco_key):
    """(record id, binary package) for every package a record of the image's release
    names by binary or by source name, rpm's labelCompare below the fix"""
    want = set()
    for rec in recs:
        for a in rec["affected"]:
            if a["package"]["ecosystem"] != eco_key:
                continue
            for name, src, t in pkgs:
                if a["package"]["name"] not in (name, src):
                    continue
                fixed = [e["fixed"] for e in a["ranges"][0]["events"] if "fixed" in e]
                if not fixed or rpm.labelCompare(t, evr(fixed[0])) < 0:
                    want.add((rec["id"], name))
    return want


def findings(repo, tag):
    out = json.loads(run(aws, "ecr", "describe-image-scan-findings", "--repository-name", repo, "--image-id", "imageTag=" + tag))
    return out, {(x["name"], [a["value"] for a in x["attributes"] if a["key"] == "package_name"][0])
                 for x in out["imageScanFindings"]["findings"]}


run(aws, "ecr", "create-repository", "--repository-name", "el", "--image-scanning-configuration", "scanOnPush=true")
for os_id, pretty, version, eco_name, prefix in (("almalinux", "AlmaLinux", "9.3", "AlmaLinux", "ALSA"),
                                                 ("rocky", "Rocky Linux", "9.2", "Rocky Linux", "RLSA")):
    major = version.split(".")[0]
    recs = records(eco_name, major, prefix)
    path = os.path.join(tmp, "%s.json" % os_id)
    with open(path, "w") as f:
        json.dump(recs, f)
    run(ecrlite, "vulndb", "import", path)
    osrel = ('NAME="%s"\nVERSION="%s"\nID="%s"\nID_LIKE="rhel centos fedora"\nVERSION_ID="%s"\n'
             % (pretty, version, os_id, version)).encode()
    img = os.path.join(tmp, "%s.tar" % os_id)
    oci_archive(img, [layer([F("etc/os-release", osrel), F("var/lib/rpm/rpmdb.sqlite", dbbytes)])])
    run(ecrlite, "push", img, "el:" + os_id)
    out, got = findings("el", os_id)
    want = expected(recs, "%s:%s" % (eco_name, major))
    ok(out["imageScanStatus"]["status"] == "COMPLETE", "%s: scan %s" % (os_id, out["imageScanStatus"]))
    ok(got == want, "%s %s: findings %s, want %s" % (os_id, version, sorted(got), sorted(want)))
    # the binary-named record found the subpackage, which source matching alone missed
    ok((prefix + "-2024:0001", sub[0]) in got, "%s: %s by its binary name" % (os_id, sub[0]))
    ok(not any(v == prefix + "-2024:0004" for v, _ in got), "%s: the release before matched" % os_id)

# enhanced scanning: the binary-named record's fix is the finding's fixedInVersion
run(aws, "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED",
    "--rules", '[{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]')
run(aws, "ecr", "create-repository", "--repository-name", "el2")
run(ecrlite, "push", os.path.join(tmp, "almalinux.tar"), "el2:almalinux")
# (through Lua: the core's answer whole; the 2.9.19 CLI's model has no fixedInVersion)
out = json.loads(run(ecrlite, "lua", "-e", 'print(ecr.json.encode(ecr.describe_image_scan_findings{repositoryName = "el2",'
                     ' imageId = {imageTag = "almalinux"}}))'))
fixes = {(f["packageVulnerabilityDetails"]["vulnerabilityId"], p["name"]): p.get("fixedInVersion")
         for f in out["imageScanFindings"].get("enhancedFindings", [])
         for p in f["packageVulnerabilityDetails"]["vulnerablePackages"]}
want_fix = [e["fixed"] for e in records("AlmaLinux", "9", "ALSA")[0]["affected"][0]["ranges"][0]["events"] if "fixed" in e][0]
want_fix = want_fix if ":" in want_fix else "0:" + want_fix  # epoch:version, as Inspector writes it
ok(fixes.get(("ALSA-2024:0001", sub[0])) == want_fix, "enhanced: %s fixedInVersion %s, want %s (%s)"
   % (sub[0], fixes.get(("ALSA-2024:0001", sub[0])), want_fix, json.dumps(out["imageScanFindings"].get("enhancedFindings"))[:1500]))

shutil.rmtree(tmp, ignore_errors=True)
print("scan-rpm-osv: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
