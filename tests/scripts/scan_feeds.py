#!/usr/bin/python3
"""Findings from real scans equal an independent computation over the same records.

Alpine: the image alpine-3.19.oci.tar against ../shared/data/alpine-secdb/v3.19-main
.subset.json (plus NVD), recomputed here from the minirootfs' own apk database with a
small version comparator of our own (tuple style, not apk-tools' tokenizer).
Debian: debian-bookworm-layered.oci.tar against tests/fixtures/feeds (tracker entries
written for its source packages), expected outcomes decided by `dpkg --compare-versions`.
Also: the importer's errors on bad documents, atomicity, and an uncovered OS."""
import json, os, re, subprocess, sys, tempfile

bindir = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
shared = os.path.abspath(os.path.join(top, "../shared"))
fixtures = os.path.join(top, "tests/fixtures/feeds")
passed = failed = 0
if not os.path.isdir(os.path.join(shared, "images")):
    print("scan-feeds: ../shared is absent; skipping")
    print("scan-feeds: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

tmp = tempfile.mkdtemp()
env = dict(os.environ, ECRLITE_HOME=os.path.join(tmp, "state"), AWS_DEFAULT_REGION="us-east-2",
           AWS_CONFIG_FILE="/dev/null", TZ="UTC")


def run(*args, check=True, extra=None):
    e = dict(env, **(extra or {}))
    p = subprocess.run(list(args), capture_output=True, text=True, env=e)
    if check and p.returncode:
        raise SystemExit("command failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL scan-feeds: " + what)


aws = os.path.join(bindir, "aws")
ecrlite = os.path.join(bindir, "ecrlite")


def findings(repo, tag):
    out = run(aws, "ecr", "describe-image-scan-findings", "--repository-name", repo, "--image-id", "imageTag=" + tag).stdout
    return json.loads(out)


# --- importer errors: clear message with file and position, previous data intact ----
run(ecrlite, "vulndb", "import", os.path.join(fixtures, "nvd-bookworm.test.json"))
before = run(ecrlite, "vulndb", "status", "--output", "json").stdout
for name, want in [("truncated.json", "invalid JSON at line"), ("wrong-type-status.json", "releases[\"bookworm\"]: want an object with a status string"),
                   ("wrong-type-secfixes.json", "secfixes[\"1.2.4-r1\"]: want a list"),
                   ("unrecognized.json", "unrecognized feed format"), ("osv-wrong-type.json", "$.affected: want a list"),
                   ("osv-record-without-id.json", "an OSV record at $.id: want a string"),
                   ("osv-events-not-list.json", "record GHSA-0000-0000-0001 at $.affected[0].ranges[0].events: want a list"),
                   ("truncated-nvd.json.gz", "invalid JSON")]:
    path = os.path.join(fixtures, "bad", name)
    # a good document first in the same import: it must not land either
    p = run(ecrlite, "vulndb", "import", os.path.join(shared, "data/alpine-secdb/v3.19-main.subset.json"), path, check=False)
    ok(p.returncode == 1 and name in p.stderr and want in p.stderr, "bad feed %s: exit %d, %s" % (name, p.returncode, p.stderr.strip()))
    ok(run(ecrlite, "vulndb", "status", "--output", "json").stdout == before, "bad feed %s changed the data" % name)

# --- OSV "withdrawn": an entry withdrawn by now gives no rows, one withdrawn later does
# (the schema: the time it "should be considered to have been withdrawn"); in a state
# of its own, with the clock fixed between the two dates
wpath = os.path.join(tmp, "osv-withdrawn.json")
with open(wpath, "w") as fh:
    json.dump([{"id": "PYSEC-0000-%d" % i, "modified": "2024-01-01T00:00:00Z", "withdrawn": when,
                "affected": [{"package": {"ecosystem": "PyPI", "name": "pkg%d" % i},
                              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
               for i, when in ((1, "2024-02-01T00:00:00Z"), (2, "2030-02-01T00:00:00Z"))], fh)
wx = {"ECRLITE_HOME": os.path.join(tmp, "state-withdrawn"), "ECRLITE_NOW": "2026-12-01T10:00:00Z"}
run(ecrlite, "vulndb", "import", wpath, extra=wx)
st = json.loads(run(ecrlite, "vulndb", "status", "--output", "json", extra=wx).stdout)
ok([(x["name"], x["records"]) for x in st["sources"]] == [("osv:PyPI", 1)],
   "withdrawn OSV entries: only the one not yet withdrawn is a record: %s" % st["sources"])

# --- an image no feed covers says so --------------------------------------------------
run(aws, "ecr", "create-repository", "--repository-name", "img")
run(ecrlite, "push", os.path.join(shared, "images/alpine-3.18.docker.tar"), "img:a318")
run(aws, "ecr", "start-image-scan", "--repository-name", "img", "--image-id", "imageTag=a318")
f = findings("img", "a318")
ok(f["imageScanStatus"]["status"] == "COMPLETE" and "No imported vulnerability data covers alpine 3.18.9" in
   f["imageScanStatus"]["description"], "uncovered OS not reported: %s" % f["imageScanStatus"])

# --- Alpine ---------------------------------------------------------------------------
secdb_path = os.path.join(shared, "data/alpine-secdb/v3.19-main.subset.json")
run(ecrlite, "vulndb", "import", secdb_path)
run(ecrlite, "push", os.path.join(shared, "images/alpine-3.19.oci.tar"), "img:a319")
run(aws, "ecr", "start-image-scan", "--repository-name", "img", "--image-id", "imageTag=a319")
got = {(x["name"], [a["value"] for a in x["attributes"] if a["key"] == "package_name"][0]) for x in findings("img", "a319")["imageScanFindings"]["findings"]}

SUF = {"alpha": -4, "beta": -3, "pre": -2, "rc": -1, "cvs": 1, "svn": 2, "git": 3, "hg": 4, "p": 5}
VER = re.compile(r"([0-9]+(?:\.[0-9]+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*)(?:-r([0-9]+))?$")


def apk_key(v):
    m = VER.match(v)
    if not m:
        raise SystemExit("scan-feeds: the test's apk comparator cannot read %r" % v)
    nums = [int(x) for x in m.group(1).split(".")]
    sufs = [(SUF[s], int(n or 0)) for s, n in re.findall(r"_([a-z]+)([0-9]*)", m.group(3))]
    return nums, m.group(2), sufs, int(m.group(4) or 0)


def apk_lt(a, b):
    na, la, sa, ra = apk_key(a)
    nb, lb, sb, rb = apk_key(b)
    if na != nb:
        return na < nb
    if la != lb:
        return la < lb
    n = max(len(sa), len(sb))
    sa += [(0, 0)] * (n - len(sa))
    sb += [(0, 0)] * (n - len(sb))
    if sa != sb:
        return sa < sb
    return ra < rb


installed = []
for block in open(os.path.join(shared, "data/pkgdb/alpine-3.19.4/lib/apk/db/installed")).read().split("\n\n"):
    fields = dict(l.split(":", 1) for l in block.splitlines() if len(l) > 2 and l[1] == ":")
    if "P" in fields:
        installed.append((fields["P"], fields["V"], fields.get("o", fields["P"])))
secdb = json.load(open(secdb_path))
want = set()
for entry in secdb["packages"]:
    pk = entry["pkg"]
    for fixed, ids in (pk.get("secfixes") or {}).items():
        if fixed == "0":
            continue
        for name, ver, origin in installed:
            if origin == pk["name"] and apk_lt(ver, fixed):
                want |= {(i.split()[0], name) for i in ids}
ok(got == want, "alpine findings differ: only ecrlite %s, only expected %s" % (sorted(got - want), sorted(want - got)))
for cve, pkg in [("CVE-2024-58251", "busybox"), ("CVE-2025-46394", "busybox"), ("CVE-2025-26519", "musl"),
                 ("CVE-2026-6042", "musl"), ("CVE-2026-40200", "musl-utils")]:
    ok((cve, pkg) in got, "NOTES.md expectation %s %s missing" % (cve, pkg))
ok(("CVE-2022-48174", "busybox") not in got, "busybox r2 fix must not match r19")

# --- Debian -------------------------------------------------------------------------------
tracker_path = os.path.join(fixtures, "debian-tracker-bookworm.test.json")
run(ecrlite, "vulndb", "import", tracker_path)
run(ecrlite, "push", os.path.join(shared, "images/debian-bookworm-layered.oci.tar"), "img:deb")
run(aws, "ecr", "start-image-scan", "--repository-name", "img", "--image-id", "imageTag=deb")
doc = findings("img", "deb")
got = {}
for x in doc["imageScanFindings"]["findings"]:
    attrs = {a["key"]: a["value"] for a in x["attributes"]}
    got[(x["name"], attrs["package_name"])] = (x["severity"], attrs["package_version"], x["uri"], tuple(a["key"] for a in x["attributes"]))


def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


URGENCY = [("unimportant", "INFORMATIONAL"), ("end-of-life", "INFORMATIONAL"), ("low", "LOW"), ("medium", "MEDIUM"), ("high", "HIGH")]
nvd = {v["cve"]["id"]: v["cve"]["metrics"] for v in json.load(open(os.path.join(fixtures, "nvd-bookworm.test.json")))["vulnerabilities"]}


def band(s):
    return "INFORMATIONAL" if s == 0 else "LOW" if s < 4 else "MEDIUM" if s < 7 else "HIGH" if s < 9 else "CRITICAL"


def severity(cve, urgency):
    for word, sev in URGENCY:
        if (urgency or "").rstrip("*").strip() == word:
            return sev
    m = nvd.get(cve, {})
    if m.get("cvssMetricV2"):
        return band(m["cvssMetricV2"][0]["cvssData"]["baseScore"])
    if m.get("cvssMetricV31"):
        return band(m["cvssMetricV31"][0]["cvssData"]["baseScore"])
    return "UNDEFINED"


pkgs = [l.rstrip("\n").split("\t") for l in open(os.path.join(shared, "images/debian-bookworm-layered.packages.tsv"))]
tracker = json.load(open(tracker_path))
want = {}
for src, cves in tracker.items():
    for cve, info in cves.items():
        r = info["releases"].get("bookworm")
        if cve.startswith("TEMP-") or not r:
            continue
        if r["status"] == "open":
            hit = lambda v: True
        elif r["status"] == "resolved" and r.get("fixed_version", "0") != "0":
            hit = lambda v, fx=r["fixed_version"]: dpkg_lt(v, fx)
        else:
            continue
        for name, ver, sname, sver, arch in pkgs:
            if sname == src and hit(sver):
                want[(cve, name)] = (severity(cve, r.get("urgency")), ver)
ok(set(got) == set(want), "debian findings differ: only ecrlite %s, only expected %s" % (sorted(set(got) - set(want)), sorted(set(want) - set(got))))
for k, (sev, ver) in want.items():
    if k in got:
        ok(got[k][0] == sev and got[k][1] == ver, "%s %s: severity/version %s, want %s %s" % (k[0], k[1], got[k][:2], sev, ver))
        ok(got[k][2] == "https://security-tracker.debian.org/tracker/" + k[0], "uri of %s" % (k,))
# attributes in ECR's order, CVSS ones only when NVD has them
ok(got.get(("CVE-2099-0006", "libexpat1"), (0, 0, 0, ()))[3] == ("package_version", "package_name", "CVSS2_VECTOR", "CVSS2_SCORE", "CVSS3_VECTOR", "CVSS3_SCORE"),
   "attributes of an NVD-scored finding: %s" % (got.get(("CVE-2099-0006", "libexpat1")),))
ok(("CVE-2099-0001", "bsdutils") in got, "bsdutils (binary epoch 1:) must be matched by its source version")
sevs = [x["severity"] for x in doc["imageScanFindings"]["findings"]]
order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]
ok(sevs == sorted(sevs, key=order.index), "findings not ordered by severity")
counts = {}
for s in sevs:
    counts[s] = counts.get(s, 0) + 1
ok(doc["imageScanFindings"]["findingSeverityCounts"] == counts, "severity counts")

# undetermined entries only on request
run(ecrlite, "push", os.path.join(shared, "images/debian-bookworm-minbase.docker.tar.xz"), "img:minbase")
run(aws, "ecr", "start-image-scan", "--repository-name", "img", "--image-id", "imageTag=minbase", extra={"ECRLITE_REPORT_UNDETERMINED": "1"})
names = {x["name"] for x in findings("img", "minbase")["imageScanFindings"]["findings"]}
ok("CVE-2099-0007" in names and ("CVE-2099-0007", "zlib1g") not in got, "undetermined handling")

print("scan-feeds: %d passed, %d failed" % (passed, failed))
subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if failed else 0)
