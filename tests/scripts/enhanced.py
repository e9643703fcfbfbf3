#!/usr/bin/python3
"""ENHANCED scanning through the aws frontend (and Lua) as a user sees it: registry
configuration and its validation, scan frequency per repository, statuses (ACTIVE for
continuous, COMPLETE for scan on push, none for repositories no rule covers), manual
scans refused, enhancedFindings in ECR's shape with Inspector's severity rule, paging,
switching BASIC <-> ENHANCED, the eligibility window. Expected OS findings are the basic
scan's own (the same matching), so this checks the shape and the rules, not the data."""
import json, os, shutil, subprocess, sys, tempfile

bindir = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
shared = os.path.abspath(os.path.join(top, "../shared"))
passed = failed = 0
image = os.path.join(shared, "images/debian-bookworm-minbase.docker.tar.xz")
if not os.path.exists(image):
    print("enhanced: ../shared/images is absent; skipping")
    print("enhanced: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="enhanced-")
env = dict(os.environ, ECRLITE_HOME=os.path.join(tmp, "state"), AWS_DEFAULT_REGION="us-east-2",
           AWS_CONFIG_FILE="/dev/null", TZ="UTC", ECRLITE_NOW="2026-12-01T10:00:00Z")


def run(*args, check=True, now=None):
    e = dict(env)
    if now:
        e["ECRLITE_NOW"] = now
    p = subprocess.run([os.path.join(bindir, "ecrlite")] + list(args), capture_output=True, text=True, env=e)
    if check and p.returncode:
        raise SystemExit("command failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p


def aws(*args, **kw):
    return run("aws", "ecr", *args, **kw)


def js(*args, **kw):
    return json.loads(aws(*args, "--output", "json", **kw).stdout)


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL enhanced: %s" % what)


rules = [{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]},
         {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "push-*", "filterType": "WILDCARD"}]}]
run("vulndb", "import", os.path.join(shared, "data/debian-tracker/bookworm-images.assembled.json"),
    os.path.join(shared, "data/nvd"))

# 1. configuration and its validation
out = js("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))
ok(out == {"registryScanningConfiguration": {"scanType": "ENHANCED", "rules": rules}}, "put ENHANCED: %s" % out)
got = js("get-registry-scanning-configuration")
ok(got["scanningConfiguration"] == {"scanType": "ENHANCED", "rules": rules}, "get after put: %s" % got)
for typ, freq in (("ENHANCED", "MANUAL"), ("BASIC", "CONTINUOUS_SCAN")):
    p = aws("put-registry-scanning-configuration", "--scan-type", typ, "--rules",
            json.dumps([{"scanFrequency": freq, "repositoryFilters": [{"filter": "x", "filterType": "WILDCARD"}]}]),
            check=False)
    ok(p.returncode == 254 and "(ValidationException)" in p.stderr and
       "%s scan frequency is not supported for %s scan type" % (freq, typ) in p.stderr,
       "%s + %s refused: %d %s" % (typ, freq, p.returncode, p.stderr))
ok(js("get-registry-scanning-configuration")["scanningConfiguration"]["scanType"] == "ENHANCED",
   "a refused put changes nothing")

# 2. frequencies; a repository matching no rule is MANUAL, its own scanOnPush ignored
for name in ("prod-api", "push-web", "other"):
    aws("create-repository", "--repository-name", name, *(["--image-scanning-configuration", "scanOnPush=true"]
                                                           if name == "other" else []))
cfg = js("batch-get-repository-scanning-configuration", "--repository-names", "prod-api", "push-web", "other", "nope")
freq = {c["repositoryName"]: (c["scanFrequency"], c["scanOnPush"], [f["filter"] for f in c["appliedScanFilters"]])
        for c in cfg["scanningConfigurations"]}
ok(freq == {"prod-api": ("CONTINUOUS_SCAN", True, ["prod-*"]), "push-web": ("SCAN_ON_PUSH", True, ["push-*"]),
            "other": ("MANUAL", False, [])}, "frequencies: %s" % freq)
ok(cfg["failures"] == [{"repositoryName": "nope", "failureCode": "REPOSITORY_NOT_FOUND",
                        "failureReason": "REPOSITORY_NOT_FOUND"}], "failures: %s" % cfg["failures"])

# 3. statuses after push
for name in ("prod-api", "push-web", "other"):
    run("push", image, name + ":v1")
d = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1")
ok(d["imageScanStatus"] == {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
   "continuous status: %s" % d["imageScanStatus"])
e = js("describe-image-scan-findings", "--repository-name", "push-web", "--image-id", "imageTag=v1")
ok(e["imageScanStatus"] == {"status": "COMPLETE", "description": "The scan was completed successfully."},
   "scan-on-push status: %s" % e["imageScanStatus"])
p = aws("describe-image-scan-findings", "--repository-name", "other", "--image-id", "imageTag=v1", check=False)
ok(p.returncode == 254 and "(ScanNotFoundException)" in p.stderr, "unmatched repository not scanned: %s" % p.stderr)
p = aws("start-image-scan", "--repository-name", "push-web", "--image-id", "imageTag=v1", check=False)
ok(p.returncode == 254 and "(ValidationException)" in p.stderr and "ENHANCED" in p.stderr,
   "manual scan refused: %d %s" % (p.returncode, p.stderr))

# 4. the shape: every finding ECR-shaped, OS packages split as Debian versions
isf = d["imageScanFindings"]
ef = isf["enhancedFindings"]
ok("findings" not in isf and len(ef) > 0, "enhancedFindings only: %s" % list(isf))
model_keys = ["awsAccountId", "description", "findingArn", "firstObservedAt", "lastObservedAt",
              "packageVulnerabilityDetails", "remediation", "resources", "score", "scoreDetails", "severity",
              "status", "title", "type", "updatedAt"]
bad = [f["title"] for f in ef if [k for k in f if k in model_keys] != [k for k in model_keys if k in f]
       or f["type"] != "PACKAGE_VULNERABILITY" or f["status"] != "ACTIVE"
       or f["remediation"] != {"recommendation": {"text": "None Provided"}}
       or not f["findingArn"].startswith("arn:aws:inspector2:us-east-2:000000000000:finding/")
       or f["resources"][0]["id"] != "arn:aws:ecr:us-east-2:000000000000:repository/prod-api/" + d["imageId"]["imageDigest"]
       or "fixAvailable" in f]
ok(not bad, "findings in model order with ECR's fixed values (and no fixAvailable, unknown to 2.9.19): %s" % bad[:3])
pkgs = [p for f in ef for p in f["packageVulnerabilityDetails"]["vulnerablePackages"]]
ok(all(p["packageManager"] == "OS" and "-" not in p["version"] and "fixedInVersion" not in p for p in pkgs),
   "OS packages: version/release split, no fixedInVersion in 2.9.19's output")
ok(all(f["title"] == "%s - %s" % (f["packageVulnerabilityDetails"]["vulnerabilityId"],
                                  ", ".join(p["name"] for p in f["packageVulnerabilityDetails"]["vulnerablePackages"]))
       for f in ef), "titles")
# Inspector's severity: the CVSS v3 band when a score is known, else UNTRIAGED
sev_ok = True
for f in ef:
    v3 = [c for c in f["packageVulnerabilityDetails"]["cvss"] if c["version"].startswith("3")]
    if v3:
        s = v3[0]["baseScore"]
        want = "INFORMATIONAL" if s == 0 else "LOW" if s < 4 else "MEDIUM" if s < 7 else "HIGH" if s < 9 else "CRITICAL"
        sev_ok &= f["severity"] == want and f["score"] == s and f["scoreDetails"]["cvss"]["score"] == s
    else:
        sev_ok &= f["severity"] == "UNTRIAGED" and "score" not in f
ok(sev_ok, "severity per Inspector's rule")
counts = {}
for f in ef:
    k = "UNDEFINED" if f["severity"] == "UNTRIAGED" else f["severity"]
    counts[k] = counts.get(k, 0) + 1
ok(isf["findingSeverityCounts"] == counts, "counts %s vs %s" % (isf["findingSeverityCounts"], counts))
rank = {s: i for i, s in enumerate(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"])}
keys = [(rank[f["severity"]], f["packageVulnerabilityDetails"]["vulnerabilityId"]) for f in ef]
ok(keys == sorted(keys), "ordered by severity, then id")

# the same vulnerabilities the basic scan reports (switch back and forth: both unchanged)
aws("put-registry-scanning-configuration", "--scan-type", "BASIC")
b = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1")
ok(b["imageScanStatus"]["status"] == "COMPLETE" and "enhancedFindings" not in b["imageScanFindings"],
   "BASIC shows basic results: %s" % b["imageScanStatus"])
ok(sorted({f["name"] for f in b["imageScanFindings"]["findings"]}) ==
   sorted(f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in ef), "same vulnerabilities as basic")
aws("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))
d2 = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1")
ok(d2["imageScanFindings"]["enhancedFindings"] == ef, "ENHANCED again: the same findings, firstObservedAt kept")

# 5. paging: the CLI merges pages of enhancedFindings; --no-paginate shows one
small = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1",
           "--max-results", "3", "--no-paginate")
ok(len(small["imageScanFindings"]["enhancedFindings"]) == 3 and "nextToken" in small, "one page of 3")
merged = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1",
            "--page-size", "7")
ok(merged["imageScanFindings"]["enhancedFindings"] == ef, "pages merged by the CLI equal one answer")

# 6. Lua sees every member, the ones 2.9.19 drops included
lua = run("lua", "-e", 'local r = ecr.describe_image_scan_findings{repositoryName="prod-api", imageId={imageTag="v1"}}'
          ' print(#r.imageScanFindings.enhancedFindings, r.imageScanStatus.status)')
ok(lua.stdout.split() == [str(len(ef)), "ACTIVE"], "Lua: %s %s" % (lua.stdout, lua.stderr))

# 7. the eligibility window: 30 days after push, continuous scanning stops
late = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1",
          now="2027-01-05T10:00:00Z")
ok(late["imageScanStatus"]["status"] == "SCAN_ELIGIBILITY_EXPIRED" and late.get("imageScanFindings") is None,
   "eligibility expired: %s" % late["imageScanStatus"])
late = js("describe-image-scan-findings", "--repository-name", "push-web", "--image-id", "imageTag=v1",
          now="2027-01-05T10:00:00Z")
ok(late["imageScanStatus"]["status"] == "COMPLETE", "scan-on-push results do not expire")

# 8. fixedInVersion for OS packages: the test tracker (tests/fixtures/feeds) fixes
# util-linux in a later bookworm update; the expected value is read from that file
tracker = os.path.join(top, "tests/fixtures/feeds/debian-tracker-bookworm.test.json")
layered = os.path.join(shared, "images/debian-bookworm-layered.oci.tar")
if os.path.exists(layered):
    doc = json.load(open(tracker))
    want = {}
    for src, cves in doc.items():
        for cve, rec in cves.items():
            rel = rec.get("releases", {}).get("bookworm", {})
            if rel.get("status") == "resolved" and rel.get("fixed_version", "0") != "0":
                want[(cve, src)] = rel["fixed_version"]
    run("vulndb", "import", tracker)
    aws("create-repository", "--repository-name", "prod-layered")
    run("push", layered, "prod-layered:v1")
    lua = run("lua", "-e", """
local r = ecr.describe_image_scan_findings{repositoryName="prod-layered", imageId={imageTag="v1"}, maxResults=1000}
for _, f in ipairs(r.imageScanFindings.enhancedFindings) do
  for _, p in ipairs(f.packageVulnerabilityDetails.vulnerablePackages) do
    print(f.packageVulnerabilityDetails.vulnerabilityId, p.name, p.fixedInVersion, f.fixAvailable)
  end
end""")
    rows = [l.split("\t") for l in lua.stdout.splitlines()]
    fixed = {(r[0], r[2], r[3]) for r in rows if r[2] != "NotAvailable"}
    wanted = {(cve, v if ":" in v else "0:" + v, "YES") for (cve, src), v in want.items() if any(r[0] == cve for r in rows)}
    ok(wanted and fixed == wanted, "fixedInVersion from the tracker's fixed versions: %s vs %s" % (sorted(fixed), sorted(wanted)))
    ok(all(r[3] in ("YES", "NO", "PARTIAL") for r in rows), "fixAvailable in the core's answer (Lua)")

shutil.rmtree(tmp, ignore_errors=True)
print("enhanced: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
