#!/usr/bin/python3
"""ENHANCED scanning through the aws frontend (and Lua) as a user sees it: registry
configuration and its validation, scan frequency per repository, statuses (ACTIVE for
continuous, COMPLETE for scan on push, none for repositories no rule covers), manual
scans refused, enhancedFindings in ECR's shape with Inspector's severity rule, paging,
switching BASIC <-> ENHANCED, the eligibility window. Expected OS findings are the basic
scan's own (the same matching), so this checks the shape and the rules, not the data."""
import json, os, shutil, subprocess, sys, tempfile, time

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
ok(p.returncode == 254 and "An error occurred (ValidationException) when calling the StartImageScan operation: "
   "This feature is disabled: " in p.stderr and "ENHANCED" in p.stderr,
   "manual scan refused (the README's decision, §7): %d %s" % (p.returncode, p.stderr))
# the CLI's waiter knows only COMPLETE and FAILED: on a continuous image it polls its 60
# attempts and gives up with the real CLI's message (aws/aws-sdk#288); on scan on push
# it returns at once
e0 = dict(env, ECRLITE_WAITER_DELAY="0")
p = subprocess.run([os.path.join(bindir, "ecrlite"), "aws", "ecr", "wait", "image-scan-complete", "--repository-name",
                    "prod-api", "--image-id", "imageTag=v1"], capture_output=True, text=True, env=e0)
ok(p.returncode == 255 and p.stderr == "\nWaiter ImageScanComplete failed: Max attempts exceeded\n" and not p.stdout,
   "wait image-scan-complete on ACTIVE: %d %r" % (p.returncode, p.stderr))
p = subprocess.run([os.path.join(bindir, "ecrlite"), "aws", "ecr", "wait", "image-scan-complete", "--repository-name",
                    "push-web", "--image-id", "imageTag=v1"], capture_output=True, text=True, env=e0)
ok(p.returncode == 0 and not p.stderr, "wait image-scan-complete on scan on push: %d %r" % (p.returncode, p.stderr))

# DescribeImages: ECR leaves imageScanStatus and imageScanFindingsSummary out for images
# under enhanced scanning (aws/containers-roadmap#1662); so do aws, Lua and the cmdlets
def image_scan_members(name):
    """What DescribeImages says of the scan, through the CLI, Lua and the cmdlets."""
    d = js("describe-images", "--repository-name", name)["imageDetails"][0]
    cli = (d.get("imageScanStatus"), d.get("imageScanFindingsSummary"))
    l = run("lua", "-e", 'local d = ecr.describe_images{repositoryName="%s"}.imageDetails[1]'
            ' print(ecr.json.encode({d.imageScanStatus or false, d.imageScanFindingsSummary or false}))' % name)
    p = run("pwsh", "-NonInteractive", "-Command", 'Get-ECRImageMetadata -RepositoryName %s | ForEach-Object '
            '{ "[$($_.ImageScanStatus.Status)][$($null -eq $_.ImageScanFindingsSummary)]'
            '[$($_.ImageScanFindingsSummary.FindingSeverityCounts.Count)]" }' % name)
    return cli, l.stdout.strip(), p.stdout.strip()


for name in ("prod-api", "push-web", "other"):
    got = image_scan_members(name)
    ok(got == ((None, None), "[false,false]", "[][True][0]"), "describe-images under ENHANCED, %s: %s" % (name, got))

# the shipped Lua tools read the enhanced state instead: report's counts are the enhanced
# findings' (DescribeImageScanFindings'), rescan starts nothing (manual scans are refused)
rep = run("lua", "report").stdout
levels = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]
cnt = d["imageScanFindings"]["findingSeverityCounts"]
row = "| `%s` | v1 | ACTIVE | %s |" % (d["imageId"]["imageDigest"][:19], " | ".join(str(cnt.get(l, 0)) for l in levels))
ok("\n## prod-api\n" in rep and row in rep and "Scan type ENHANCED" in rep, "lua report under ENHANCED: %s in %s" % (row, rep))
ok("| v1 | NOT SCANNED |" in rep.split("## other")[1].split("##")[0], "lua report: the MANUAL repository's image not scanned")
# the gate reads an ACTIVE image's findings as they are (the waiter never ends on
# ACTIVE) and judges the enhanced findings: at the lowest threshold (UNDEFINED, where
# UNTRIAGED ones count) every one of the CLI's answer
rank = {s: i for i, s in enumerate(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"])}
at_or_above = d["imageScanFindings"]["enhancedFindings"]
g = run("lua", "gate", "prod-api:v1", "UNDEFINED", check=False)
listed = {l.split()[0] for l in g.stdout.splitlines()[1:] if l.startswith("  ") and not l.startswith("   ")} - \
    {"SEVERITY", "FINDING"} - set(rank) - {"UNDEFINED"}
ok(at_or_above and g.returncode == 1 and listed == {f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in at_or_above}
   and "gate: FAIL: %d findings at or above UNDEFINED" % len(at_or_above) in g.stdout,
   "lua gate on an ACTIVE image: %d %s %s" % (g.returncode, g.stdout[-400:], g.stderr))
g = run("lua", "gate", "prod-api:v1", "HIGH", "--scan", check=False)
ok(g.returncode == (1 if any(rank[f["severity"]] <= rank["HIGH"] for f in at_or_above) else 0) and not g.stderr,
   "lua gate --scan under ENHANCED starts no scan: %d %s" % (g.returncode, g.stderr))
res = run("lua", "rescan")
ok(res.stdout.startswith("rescan: the registry uses ENHANCED scanning"), "lua rescan under ENHANCED: %s %s" % (res.stdout, res.stderr))

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
ok(isf["findingSeverityCounts"] == counts and counts.get("UNDEFINED"),
   "counts (UNTRIAGED findings under UNDEFINED, §7) %s vs %s" % (isf["findingSeverityCounts"], counts))
rank = {s: i for i, s in enumerate(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"])}
keys = [(rank[f["severity"]], f["packageVulnerabilityDetails"]["vulnerabilityId"]) for f in ef]
ok(keys == sorted(keys), "ordered by severity, then id")

# the same vulnerabilities the basic scan reports (switch back and forth: both unchanged)
aws("put-registry-scanning-configuration", "--scan-type", "BASIC")
b = js("describe-image-scan-findings", "--repository-name", "prod-api", "--image-id", "imageTag=v1")
ok(b["imageScanStatus"]["status"] == "COMPLETE" and "enhancedFindings" not in b["imageScanFindings"],
   "BASIC shows basic results: %s" % b["imageScanStatus"])
cli, lua_out, ps_out = image_scan_members("prod-api")
want = b["imageScanFindings"]["findingSeverityCounts"]
ok(cli[0] == b["imageScanStatus"] and cli[1]["findingSeverityCounts"] == want and
   json.loads(lua_out)[0]["status"] == "COMPLETE" and json.loads(lua_out)[1]["findingSeverityCounts"] == want and
   ps_out == "[COMPLETE][False][%d]" % len(want), "describe-images under BASIC: the basic scan's: %s %s %s" % (cli, lua_out, ps_out))
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

# the cmdlets: Get-ECRImageScanFinding shows EnhancedFindings (every page: the cmdlet
# iterates), with the same values the CLI printed
ps = run("pwsh", "-NonInteractive", "-Command",
         '$r = Get-ECRImageScanFinding -RepositoryName prod-api -ImageId_ImageTag v1 -MaxResult 5; '
         '"$(@($r)[0].ImageScanStatus.Status) $($r.ImageScanFindings.EnhancedFindings.Count) $($r.ImageScanFindings.Findings.Count)"; '
         '$r.ImageScanFindings.EnhancedFindings | ForEach-Object { '
         '"$($_.Severity)|$($_.PackageVulnerabilityDetails.VulnerabilityId)|$($_.Score)|$($_.PackageVulnerabilityDetails.VulnerablePackages[0].PackageManager)" }')
lines = ps.stdout.splitlines()
ok(lines[:1] == ["ACTIVE %d 0" % len(ef)], "cmdlets: status and count: %s %s" % (lines[:1], ps.stderr))
ok(lines[1:] == ["%s|%s|%s|OS" % (f["severity"], f["packageVulnerabilityDetails"]["vulnerabilityId"],
                                  ("%g" % f["score"]) if "score" in f else "") for f in ef],
   "cmdlets: EnhancedFindings as the CLI's: %s" % lines[1:4])

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

# 9. filters as the user guide's table says (§1.3 of the spec: filters x names), through
# batch-get-repository-scanning-configuration, for each frequency either type allows
names = ["prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"]
guide = {"prod": names, "*prod": ["prod", "repo-prod"], "prod*": ["prod", "prod-repo", "prodrepo"], "*prod*": names,
         "prod*repo": ["prod-repo", "prodrepo"]}
for name in names:
    aws("create-repository", "--repository-name", name)


def frequencies(typ, rules):
    aws("put-registry-scanning-configuration", "--scan-type", typ, "--rules", json.dumps(rules))
    cfg = js("batch-get-repository-scanning-configuration", "--repository-names", *names)
    return {c["repositoryName"]: (c["scanFrequency"], [f["filter"] for f in c["appliedScanFilters"]], c["scanOnPush"])
            for c in cfg["scanningConfigurations"]}


for typ, freq in (("BASIC", "SCAN_ON_PUSH"), ("ENHANCED", "SCAN_ON_PUSH"), ("ENHANCED", "CONTINUOUS_SCAN")):
    for filt, hits in guide.items():
        got = frequencies(typ, [{"scanFrequency": freq, "repositoryFilters": [{"filter": filt, "filterType": "WILDCARD"}]}])
        want = {n: (freq, [filt], True) if n in hits else ("MANUAL", [], False) for n in names}
        ok(got == want, "%s %s filter %r: %s" % (typ, freq, filt, got))
# a repository both rules match is continuous, with the continuous rule's filters
got = frequencies("ENHANCED", [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]},
                               {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*prod", "filterType": "WILDCARD"}]}])
want = {n: ("CONTINUOUS_SCAN", ["*prod"], True) if n in guide["*prod"] else
        ("SCAN_ON_PUSH", ["prod*"], True) if n in guide["prod*"] else ("MANUAL", [], False) for n in names}
ok(got == want, "continuous wins over scan on push: %s" % got)

# 10. ENHANCED without rules (§7): every repository continuous, the rules shown as given
for rules_arg in ([], ["--rules", "[]"]):
    out = js("put-registry-scanning-configuration", "--scan-type", "ENHANCED", *rules_arg)
    got = js("get-registry-scanning-configuration")["scanningConfiguration"]
    ok(out["registryScanningConfiguration"] == got == {"scanType": "ENHANCED", "rules": []},
       "ENHANCED %s: %s / %s" % (rules_arg or "without --rules", out, got))
    cfg = js("batch-get-repository-scanning-configuration", "--repository-names", "other", *names)
    ok({(c["scanFrequency"], c["scanOnPush"], json.dumps(c["appliedScanFilters"])) for c in cfg["scanningConfigurations"]}
       == {("CONTINUOUS_SCAN", True, "[]")}, "no rules: every repository continuous: %s" % cfg)
aws("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))

# 11. the spec's worked OS case (§6.2 check 10, shared/data/NOTES.md expectation 9):
# apparmor at the version the Debian tracker excerpt lists for bookworm, with NVD's
# record of CVE-2016-1585; the expected findings, scores and sources are read from the
# two files here
from ociimage import F, layer, oci_archive

trk = os.path.join(shared, "data/debian-tracker/osv.dev-debian_security_tracker_mock.json")
nvd_dir = os.path.join(shared, "data/nvd/api2.0-records")
doc = json.load(open(trk))
version = {r["repositories"]["bookworm"] for cves in doc.values() for c in cves.values()
           for rel, r in c["releases"].items() if rel == "bookworm"}
ok(len(version) == 1, "one apparmor version for bookworm in the excerpt: %s" % version)
version = version.pop()


def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


want_ids = {cve for cve, c in doc["apparmor"].items()
            if c["releases"]["bookworm"]["status"] == "open" or
            (c["releases"]["bookworm"]["status"] == "resolved" and c["releases"]["bookworm"].get("fixed_version", "0") != "0"
             and dpkg_lt(version, c["releases"]["bookworm"]["fixed_version"]))}
nvd = [os.path.join(nvd_dir, c + ".json") for c in doc["apparmor"] if os.path.exists(os.path.join(nvd_dir, c + ".json"))]
run("vulndb", "import", trk, *nvd)
status = ("Package: apparmor\nStatus: install ok installed\nPriority: optional\nSection: admin\n"
          "Architecture: amd64\nSource: apparmor\nVersion: %s\nDescription: user-space parser utility for AppArmor\n\n"
          % version).encode()
arch = os.path.join(tmp, "apparmor.tar")
oci_archive(arch, [layer([F("etc/os-release", b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                                              b'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n'),
                          F("var/lib/dpkg/status", status)])])
aws("create-repository", "--repository-name", "prod-apparmor")
run("push", arch, "prod-apparmor:v1")
a = js("describe-image-scan-findings", "--repository-name", "prod-apparmor", "--image-id", "imageTag=v1")
af = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f for f in a["imageScanFindings"]["enhancedFindings"]}
ok(set(af) == want_ids == {"CVE-2016-1585"}, "apparmor: %s, the tracker says %s" % (sorted(af), sorted(want_ids)))
f = af.get("CVE-2016-1585")
if f:
    cve = json.load(open(os.path.join(nvd_dir, "CVE-2016-1585.json")))["vulnerabilities"][0]["cve"]
    # every metric the record lists, each CVSS generation in NVD's order of authority
    # (NVD's own Primary, another Primary, a Secondary), v3 before v2; NVD's own named
    # "NVD" as Inspector names it, another by its source
    def authority(m):
        return 0 if m["type"] == "Primary" and m["source"] == "nvd@nist.gov" else 1 if m["type"] == "Primary" else 2
    metrics = []
    for keys in (("cvssMetricV31", "cvssMetricV30"), ("cvssMetricV2",)):
        ms = [m for k in keys for m in cve["metrics"].get(k, [])]
        metrics += [(m["cvssData"]["version"], m["cvssData"]["baseScore"], m["cvssData"]["vectorString"],
                     "NVD" if m["source"] == "nvd@nist.gov" else m["source"]) for m in sorted(ms, key=authority)]
    got = [(c["version"], c["baseScore"], c["scoringVector"], c["source"]) for c in f["packageVulnerabilityDetails"]["cvss"]]
    ok(got == metrics and len(metrics) == 3, "apparmor: cvss[] is the record's metrics: %s vs %s" % (got, metrics))
    v3 = [m for m in metrics if m[0].startswith("3")][0]  # NVD's primary v3.1 comes first
    band = "CRITICAL" if v3[1] >= 9 else "HIGH" if v3[1] >= 7 else "MEDIUM" if v3[1] >= 4 else "LOW"
    ok(f["severity"] == band and f["score"] == v3[1] and
       f["scoreDetails"]["cvss"] == {"adjustments": [], "score": v3[1], "scoreSource": "NVD",
                                     "scoringVector": v3[2], "version": v3[0]},
       "apparmor: severity %s score %s from %s: %s %s" % (band, v3[1], v3[2], f["severity"], f.get("scoreDetails")))
    pk = f["packageVulnerabilityDetails"]["vulnerablePackages"]
    ok(pk == [{"arch": "amd64", "epoch": 0, "name": "apparmor", "packageManager": "OS",
               "release": version.rsplit("-", 1)[1], "version": version.rsplit("-", 1)[0]}],
       "apparmor: the package, version/release split: %s" % pk)
    ok(f["packageVulnerabilityDetails"]["source"] == "DEBIAN_CVE" and
       f["packageVulnerabilityDetails"]["sourceUrl"].endswith("/CVE-2016-1585"), "apparmor: source %s" % f["packageVulnerabilityDetails"])
    # the image's details (§7): architecture from its config (the archive above says
    # amd64), platform as Inspector names the os-release (ID debian, VERSION_ID 12)
    det = f["resources"][0]["details"]["awsEcrContainerImage"]
    ok(det == {"architecture": "amd64", "imageHash": a["imageId"]["imageDigest"], "imageTags": ["v1"],
               "platform": "DEBIAN_12", "pushedAt": "2026-12-01T10:00:00+00:00", "registry": "000000000000",
               "repositoryName": "prod-apparmor"}, "apparmor: the image's details: %s" % det)
# imageScanCompletedAt and vulnerabilitySourceUpdatedAt are set under ENHANCED (§7): the
# scan's completion (the push) and the newest update among the imported sources
st = json.loads(run("vulndb", "status", "--output", "json").stdout)
newest = max(x["updatedAt"] for x in st["sources"])
isf_a = a["imageScanFindings"]
ok(isf_a["imageScanCompletedAt"] == "2026-12-01T10:00:00+00:00" and
   isf_a["vulnerabilitySourceUpdatedAt"] == time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(newest)),
   "apparmor: completed %s, source updated %s (newest source %s)" %
   (isf_a.get("imageScanCompletedAt"), isf_a.get("vulnerabilitySourceUpdatedAt"), newest))
# Alpine: ALPINE_LINUX with major and minor release (the inspector2 model's ALPINE_LINUX_3_8)
run("vulndb", "import", os.path.join(shared, "data/alpine-secdb/v3.19-main.subset.json"))
aws("create-repository", "--repository-name", "prod-alpine")
run("push", os.path.join(shared, "images/alpine-3.19.oci.tar"), "prod-alpine:v1")
al = js("describe-image-scan-findings", "--repository-name", "prod-alpine", "--image-id", "imageTag=v1")
plat = {x["resources"][0]["details"]["awsEcrContainerImage"].get("platform") for x in al["imageScanFindings"]["enhancedFindings"]}
ok(plat == {"ALPINE_LINUX_3_19"}, "alpine 3.19.4: platform %s" % plat)
# basic scanning keeps the distribution's urgency: unimportant is INFORMATIONAL
aws("put-registry-scanning-configuration", "--scan-type", "BASIC")
aws("start-image-scan", "--repository-name", "prod-apparmor", "--image-id", "imageTag=v1", check=False)
b = js("describe-image-scan-findings", "--repository-name", "prod-apparmor", "--image-id", "imageTag=v1")
urg = doc["apparmor"]["CVE-2016-1585"]["releases"]["bookworm"]["urgency"]
ok(urg == "unimportant" and [(x["name"], x["severity"]) for x in b["imageScanFindings"]["findings"]] ==
   [("CVE-2016-1585", "INFORMATIONAL")], "apparmor under BASIC: %s (urgency %s)" % (b["imageScanFindings"], urg))
aws("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))

# 12. PENDING (§7): an image whose first scan is still queued (a server with no scan
# worker took it) answers PENDING under ENHANCED, not basic scanning's IN_PROGRESS
aws("put-registry-scanning-configuration", "--scan-type", "BASIC")
aws("create-repository", "--repository-name", "push-pending")
run("push", image, "push-pending:v1")  # no scan on push under BASIC
srv = subprocess.Popen([os.path.join(bindir, "ecrlite"), "serve", "--listen", "127.0.0.1:0", "--no-auth",
                        "--scan-workers", "0"], stderr=subprocess.PIPE, text=True, env=env)
port = None
for line in srv.stderr:
    if "listening on http://127.0.0.1:" in line:
        port = line.split("127.0.0.1:")[1].split()[0].rstrip("/")
        break
remote = dict(env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret")
q = subprocess.run([os.path.join(bindir, "ecrlite"), "aws", "--endpoint-url", "http://127.0.0.1:%s" % port, "ecr",
                    "start-image-scan", "--repository-name", "push-pending", "--image-id", "imageTag=v1", "--query",
                    "imageScanStatus.status", "--output", "text"], capture_output=True, text=True, env=remote)
srv.terminate()
srv.wait()
ok(port and q.stdout.strip() == "IN_PROGRESS", "a scan queued with no worker: %s %s" % (q.stdout, q.stderr))
aws("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))
pend = js("describe-image-scan-findings", "--repository-name", "push-pending", "--image-id", "imageTag=v1")
ok(pend["imageScanStatus"] == {"status": "PENDING", "description": "The image is queued for its first scan; findings will "
                               "be available when it completes."} and pend.get("imageScanFindings") is None,
   "queued under ENHANCED: PENDING: %s" % pend)

# 13. events (§6.1.8; README): under ENHANCED a push's scan sends Inspector's "Inspector2
# Scan" (the user guide's shape: the repository's ARN as repository-name, non-zero counts
# of the enhanced findings and TOTAL), not basic scanning's "ECR Image Scan"; an import
# sends "Enhanced Scan Findings Change" (lang_images.py); a configuration that moves
# repositories between frequencies sends ECR's "ECR Scan Resource Change".
# "Inspector2 Finding" is not sent
evs = [json.loads(l) for l in open(os.path.join(env["ECRLITE_HOME"], "events.jsonl"))]
ok({(e["source"], e["detail-type"]) for e in evs} == {("aws.inspector2", "Inspector2 Scan"), ("aws.ecr", "ECR Scan Resource Change"),
                                                      ("ecrlite", "Enhanced Scan Findings Change")},
   "events: %s" % sorted({(e["source"], e["detail-type"]) for e in evs}))
# the first: §4's switch back from BASIC (no rules; "other" scans on push by its own
# flag) to the ENHANCED rules, each repository's move by those rules
arn = "arn:aws:ecr:us-east-2:000000000000:repository/"
moves = [("other", "MANUAL", "SCAN_ON_PUSH"), ("prod-api", "CONTINUOUS_SCAN", "MANUAL"), ("push-web", "SCAN_ON_PUSH", "MANUAL")]
src = [e for e in evs if e["detail-type"] == "ECR Scan Resource Change"]
ok(src and src[0]["source"] == "aws.ecr" and src[0]["resources"] == [] and src[0]["detail"] == {
    "action-type": "SCAN_FREQUENCY_CHANGE", "repositories": [
        {"repository-name": n, "repository-arn": arn + n, "scan-frequency": f, "previous-scan-frequency": p}
        for n, f, p in moves], "resource-type": "REPOSITORY", "scan-type": "ENHANCED"},
   "ECR Scan Resource Change: %s" % (src[:1],))
# a configuration that moves nothing sends none
n_src = len(src)
aws("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))
ok(sum(json.loads(l)["detail-type"] == "ECR Scan Resource Change" for l in
       open(os.path.join(env["ECRLITE_HOME"], "events.jsonl"))) == n_src, "the same configuration again: no event")


def inspector_counts(findings):
    c = {}
    for f in findings:
        c[f["severity"]] = c.get(f["severity"], 0) + 1
    c["TOTAL"] = len(findings)
    return c


for repo, resp in (("prod-apparmor", a), ("prod-api", d)):
    got = [e for e in evs if e["detail-type"] == "Inspector2 Scan" and e["detail"]["repository-name"] == arn + repo]
    want = {"scan-status": "INITIAL_SCAN_COMPLETE", "repository-name": arn + repo,
            "finding-severity-counts": inspector_counts(resp["imageScanFindings"]["enhancedFindings"]),
            "image-digest": resp["imageId"]["imageDigest"], "image-tags": ["v1"]}
    ok(len(got) == 1 and got[0]["detail"] == want and got[0]["resources"] == [arn + repo],
       "Inspector2 Scan for %s: %s vs %s" % (repo, got, want))

# 14. an image of language packages alone (no OS) matched again: nothing to cover, so
# ECR's text alone, as its scan said, never "covers (null) (null)"
lang_rules = [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "lang-only", "filterType": "WILDCARD"}]}]
aws("put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(lang_rules))
arch = os.path.join(tmp, "lang-only.tar")
oci_archive(arch, [layer([F("usr/lib/python3/site-packages/requests-2.0.0.dist-info/METADATA",
                            b"Metadata-Version: 2.1\nName: requests\nVersion: 2.0.0\n")])])
aws("create-repository", "--repository-name", "lang-only")
run("push", arch, "lang-only:v1")
p = run("rematch", "lang-only:v1", check=False)
ok(p.returncode == 0 and p.stdout.strip().endswith(": no findings") and "(null)" not in p.stdout
   and "covers" not in p.stdout, "rematch of an image without an OS: %d %s%s" % (p.returncode, p.stdout, p.stderr))

shutil.rmtree(tmp, ignore_errors=True)
print("enhanced: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
