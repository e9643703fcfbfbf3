#!/usr/bin/python3
"""Real feed documents, as their publishers wrote them (../shared/data).

1. Every feed document under ../shared/data imports on its own and all of them at once
   (Alpine secdb with "packages": null and secfixes versions mapped to null, vuln-list's
   one-package records, Wolfi/Chainguard secdb, tracker excerpts, NVD 1.1 and API 2.0,
   OSV), and what a document holds is what the state counts.
2. Alpine 3.19 against its secdb and the real NVD records: the severity of each finding
   is recomputed here from the NVD record by the documented order (nvd@nist.gov Primary,
   another Primary, a Secondary one; CVSS v2 before v3.1 before v3.0; NVD's bands).
3. Debian bookworm (debian-bookworm-layered.oci.tar) against the tracker document
   assembled from real per-CVE records: the findings equal an independent computation
   (dpkg --compare-versions over the same records, source packages from the image's
   packages.tsv), severity from the tracker's urgency, NVD's CVSS where it has none."""
import json, os, subprocess, sys, tempfile

bindir = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
shared = os.path.abspath(os.path.join(top, "../shared"))
data = os.path.join(shared, "data")
passed = failed = 0
if not os.path.isdir(os.path.join(data, "nvd")) or not os.path.isdir(os.path.join(shared, "images")):
    print("feeds-real: ../shared (the project's shared test data, beside the work tree) is absent; skipping")
    print("feeds-real: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="feeds-real-")
aws = os.path.join(bindir, "aws")
ecrlite = os.path.join(bindir, "ecrlite")
FEED_DIRS = ["alpine-secdb", "debian-tracker", "nvd", "osv"]


def env_for(state):
    return dict(os.environ, ECRLITE_HOME=os.path.join(tmp, state), AWS_DEFAULT_REGION="us-east-2",
                AWS_CONFIG_FILE="/dev/null", TZ="UTC")


def run(state, *args, check=True):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env_for(state))
    if check and p.returncode:
        raise SystemExit("feeds-real: command failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL feeds-real: " + what)


def status(state):
    return {s["name"]: s for s in json.loads(run(state, ecrlite, "vulndb", "status", "--output", "json").stdout)["sources"]}


# --- 1. every document imports ---------------------------------------------------------
docs = []
for d in FEED_DIRS:
    for root, dirs, files in os.walk(os.path.join(data, d)):
        dirs.sort()
        docs += [os.path.join(root, f) for f in sorted(files) if f.endswith(".json")]
ok(len(docs) > 150, "walked only %d documents" % len(docs))
for i, path in enumerate(docs):
    p = run("one%d" % i, ecrlite, "vulndb", "import", path, check=False)
    ok(p.returncode == 0 and p.stdout.startswith("imported 1 document, "),
       "%s does not import: exit %d %s%s" % (os.path.relpath(path, data), p.returncode, p.stdout, p.stderr.strip()))
    subprocess.run(["rm", "-rf", os.path.join(tmp, "one%d" % i)])
p = run("all", ecrlite, "vulndb", "import", *[os.path.join(data, d) for d in FEED_DIRS], check=False)
ok(p.returncode == 0 and p.stdout.startswith("imported %d documents, " % len(docs)),
   "the whole folder: exit %d %s%s" % (p.returncode, p.stdout[:200], p.stderr.strip()))
src = status("all")
ok(len(src["nvd"]["paths"]) == len([x for x in docs if "/nvd/" in x]), "vulndb status names every NVD file: %s" % src["nvd"]["paths"][:3])

# the null cases: what the documents hold, counted here
secdb = os.path.join(data, "alpine-secdb/alpinelinux-alpine-secdb/json")
for name, source in [("v3.3-community.json", "alpine-secdb:v3.3/community"), ("v3.6-main.json", "alpine-secdb:v3.6/main")]:
    doc = json.load(open(os.path.join(secdb, name)))
    want = set()
    for e in doc["packages"] or []:
        for fixed, ids in (e["pkg"].get("secfixes") or {}).items():
            if fixed != "0":
                want |= {(e["pkg"]["name"], i.split()[0]) for i in ids or []}
    run("null", ecrlite, "vulndb", "import", os.path.join(secdb, name))
    got = status("null")[source]["records"]
    ok(got == len(want), "%s: %d records, the document has %d (package, id) pairs" % (name, got, len(want)))
ok(len([1 for e in json.load(open(os.path.join(secdb, "v3.6-main.json")))["packages"]
        if None in (e["pkg"].get("secfixes") or {}).values()]) == 1, "v3.6-main.json should have its null secfixes version")
# a one-package record (vuln-list) replaces that package only
run("rec", ecrlite, "vulndb", "import", os.path.join(data, "alpine-secdb/v3.20-main.subset.json"))
before = status("rec")["alpine-secdb:v3.20/main"]["records"]
run("rec", ecrlite, "vulndb", "import", os.path.join(data, "alpine-secdb/vuln-list-records/3.20/main/zlib.json"))
ok(status("rec")["alpine-secdb:v3.20/main"]["records"] == before, "re-importing one package's record changed the branch's count")

# re-importing unchanged files skips them; a file whose rows another file replaced since
# is read again (a whole-feed source replaced in between comes back)
recs = os.path.join(data, "nvd/api2.0-records")
p = run("again", ecrlite, "vulndb", "import", recs)
p2 = run("again", ecrlite, "vulndb", "import", recs)
n = len(os.listdir(recs))
ok(p2.stdout.startswith("imported 0 documents, 0 records (%d files unchanged since last imported: skipped)" % n),
   "unchanged re-import: %s" % p2.stdout)
ok(status("again")["nvd"]["records"] == n, "records after a skipped re-import")
trk_a = os.path.join(data, "debian-tracker/vunnel-debian.json")
trk_b = os.path.join(data, "debian-tracker/osv.dev-debian_security_tracker_mock.json")
run("again", ecrlite, "vulndb", "import", trk_a)
a_count = status("again")["debian-tracker"]["records"]
run("again", ecrlite, "vulndb", "import", trk_b)
p3 = run("again", ecrlite, "vulndb", "import", trk_a)
ok(p3.stdout.startswith("imported 1 document, ") and status("again")["debian-tracker"]["records"] == a_count,
   "a tracker replaced in between must be read again: %s" % p3.stdout)

# --- 2. Alpine with real NVD severities -----------------------------------------------------
nvd_path = os.path.join(data, "nvd/api2.0-alpine-test-cves.json")
nvd = {v["cve"]["id"]: v["cve"].get("metrics", {}) for v in json.load(open(nvd_path))["vulnerabilities"]}


def pick(metrics, kinds):
    for rule in (lambda m: m.get("type") == "Primary" and m.get("source") == "nvd@nist.gov",
                 lambda m: m.get("type") == "Primary", lambda m: True):
        for k in kinds:
            for m in metrics.get(k, []):
                if rule(m):
                    return m["cvssData"]
    return None


def band(s):
    return "INFORMATIONAL" if s == 0 else "LOW" if s < 4 else "MEDIUM" if s < 7 else "HIGH" if s < 9 else "CRITICAL"


def nvd_expect(cve, table):
    m = table.get(cve, {})
    v2, v3 = pick(m, ["cvssMetricV2"]), pick(m, ["cvssMetricV31", "cvssMetricV30"])
    attrs = []
    if v2:
        attrs += [("CVSS2_VECTOR", v2["vectorString"]), ("CVSS2_SCORE", "%g" % v2["baseScore"])]
    if v3:
        attrs += [("CVSS3_VECTOR", v3["vectorString"]), ("CVSS3_SCORE", "%g" % v3["baseScore"])]
    sev = band(v2["baseScore"]) if v2 else band(v3["baseScore"]) if v3 else "UNDEFINED"
    return sev, attrs


def scan(state, repo, tag, image):
    run(state, aws, "ecr", "create-repository", "--repository-name", repo, check=False)
    run(state, ecrlite, "push", image, "%s:%s" % (repo, tag))
    run(state, aws, "ecr", "start-image-scan", "--repository-name", repo, "--image-id", "imageTag=" + tag)
    return json.loads(run(state, aws, "ecr", "describe-image-scan-findings", "--repository-name", repo,
                          "--image-id", "imageTag=" + tag).stdout)


# first without NVD: every finding UNDEFINED; then the NVD records, and `ecrlite rematch`
# shows the severities at once, without a scan (the daily quota still holds)
run("alp", ecrlite, "vulndb", "import", os.path.join(data, "alpine-secdb/v3.19-main.subset.json"))
doc = scan("alp", "alp", "v1", os.path.join(shared, "images/alpine-3.19.oci.tar"))
ok(doc["imageScanFindings"]["findingSeverityCounts"] == {"UNDEFINED": 12}, "before NVD: %s" % doc["imageScanFindings"]["findingSeverityCounts"])
run("alp", ecrlite, "vulndb", "import", nvd_path)
p = run("alp", ecrlite, "rematch", "alp:v1", check=False)
ok(p.returncode == 0 and p.stdout == "alp@%s: HIGH 4, LOW 8\n" % doc["imageId"]["imageDigest"], "rematch: %d %s%s" % (p.returncode, p.stdout, p.stderr))
p = run("alp", aws, "ecr", "start-image-scan", "--repository-name", "alp", "--image-id", "imageTag=v1", check=False)
ok(p.returncode == 254 and "LimitExceededException" in p.stderr, "a rematch must not lift the daily scan quota: %d %s" % (p.returncode, p.stderr))
doc = json.loads(run("alp", aws, "ecr", "describe-image-scan-findings", "--repository-name", "alp", "--image-id", "imageTag=v1").stdout)
fs = doc["imageScanFindings"]["findings"]
ok(len(fs) == 12, "alpine 3.19: %d findings, PROVENANCE.md's worked check has 12" % len(fs))
for f in fs:
    sev, attrs = nvd_expect(f["name"], nvd)
    got = [(a["key"], a["value"]) for a in f["attributes"][2:]]
    ok(f["severity"] == sev and got == attrs, "%s: %s %s, want %s %s" % (f["name"], f["severity"], got, sev, attrs))
sevs = {f["name"]: f["severity"] for f in fs}
ok(sevs.get("CVE-2025-26519") == "HIGH" and sevs.get("CVE-2024-58251") == "LOW",
   "real severities (musl CVE-2025-26519 HIGH from the CNA's 8.1, busybox CVE-2024-58251 LOW): %s" % sevs)

# --- 3. Debian bookworm on the real tracker records ------------------------------------------
tracker_path = os.path.join(data, "debian-tracker/bookworm-images.assembled.json")
nvd_files = [os.path.join(data, "nvd/api2.0-records", f) for f in sorted(os.listdir(os.path.join(data, "nvd/api2.0-records")))]
nvd_files += [os.path.join(data, "nvd", f) for f in sorted(os.listdir(os.path.join(data, "nvd"))) if f.startswith("api2.0-page")]
run("deb", ecrlite, "vulndb", "import", tracker_path, *nvd_files)
dnvd = {}
for path in nvd_files:  # later files replace earlier records, as the import does
    for v in json.load(open(path))["vulnerabilities"]:
        dnvd[v["cve"]["id"]] = v["cve"].get("metrics", {})
doc = scan("deb", "deb", "v1", os.path.join(shared, "images/debian-bookworm-layered.oci.tar"))
ok(doc["imageScanStatus"]["description"] == "The scan was completed successfully.", "debian: %s" % doc["imageScanStatus"])
got = {}
for f in doc["imageScanFindings"]["findings"]:
    a = {x["key"]: x["value"] for x in f["attributes"]}
    got[(f["name"], a["package_name"])] = (f["severity"], a["package_version"], [(x["key"], x["value"]) for x in f["attributes"][2:]])
URGENCY = {"unimportant": "INFORMATIONAL", "end-of-life": "INFORMATIONAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}
compared = {}


def dpkg_lt(a, b):
    if (a, b) not in compared:
        compared[(a, b)] = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return compared[(a, b)]


pkgs = [l.rstrip("\n").split("\t") for l in open(os.path.join(shared, "images/debian-bookworm-layered.packages.tsv"))]
want = {}
for src, cves in json.load(open(tracker_path)).items():
    for cve, info in cves.items():
        r = info["releases"].get("bookworm")
        if cve.startswith("TEMP-") or not r:
            continue
        for name, ver, sname, sver, arch in pkgs:
            if sname != src:
                continue
            if r["status"] == "open" or (r["status"] == "resolved" and r.get("fixed_version", "0") != "0" and dpkg_lt(sver, r["fixed_version"])):
                sev, attrs = nvd_expect(cve, dnvd)
                want[(cve, name)] = (URGENCY.get(r.get("urgency", "").rstrip("*").strip(), sev), ver, attrs)
ok(len(want) > 100, "the independent computation found only %d findings" % len(want))
ok(set(got) == set(want), "debian findings differ: only ecrlite %s, only expected %s" % (sorted(set(got) - set(want))[:10], sorted(set(want) - set(got))[:10]))
bad = [(k, got[k], want[k]) for k in want if k in got and got[k] != want[k]]
ok(not bad, "debian severity/version/CVSS differ (%d): %s" % (len(bad), bad[:5]))
ok(any(v[0] == "INFORMATIONAL" for v in want.values()) and any(v[2] for v in want.values()),
   "the data should exercise both the urgency and the NVD fallback")

print("feeds-real: %d passed, %d failed" % (passed, failed))
subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if failed else 0)
