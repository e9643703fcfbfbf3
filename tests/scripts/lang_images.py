#!/usr/bin/python3
"""Language packages in real images, scanned under ENHANCED, as a user sees them.

The material is real and built here (../shared/spec/enhanced-scanning.md §5): Debian's
own .debs (python3-aiohttp, -redis, -werkzeug egg-info trees; liblog4j2-java's jars and
their symlinks; the skopeo and umoci Go binaries), fetched with `apt-get download` and
unpacked with `dpkg-deb`, and an `npm install` of pinned lodash 4.17.20, minimist 1.2.5
and ms 0.7.0. Each image is an OCI archive written with tarfile, pushed to a
scan-on-push repository, and its findings read back through the aws frontend and Lua.
The expected vulnerability ids are computed here from the OSV records' own ranges in
../shared/data/osv (each ecosystem's ordering written out below, for the version forms
these records use), never taken from ecrlite. Cases a download cannot reach are
skipped and counted as such."""
import io, json, math, os, re, shutil, subprocess, sys, tempfile, zipfile

from ociimage import F, S, layer, oci_archive

bindir = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
shared = os.path.abspath(os.path.join(top, "../shared"))
passed = failed = skipped = 0
OSV = os.path.join(shared, "data/osv")
if not os.path.isdir(OSV):
    print("lang_images: ../shared (the shared test data) is absent; skipping")
    print("lang_images: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="lang-images-")
env = dict(os.environ, ECRLITE_HOME=os.path.join(tmp, "state"), AWS_DEFAULT_REGION="us-east-2",
           AWS_CONFIG_FILE="/dev/null", TZ="UTC", ECRLITE_NOW="2026-12-01T10:00:00Z")


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL lang_images: %s" % what)


def skip(what):
    global skipped
    skipped += 1
    print("SKIP lang_images: %s" % what)


def run(*args, check=True):
    p = subprocess.run([os.path.join(bindir, "ecrlite")] + list(args), capture_output=True, text=True, env=env)
    if check and p.returncode:
        raise SystemExit("command failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p


def js(*args):
    return json.loads(run("aws", "ecr", *args, "--output", "json").stdout)


# --- the orderings the records need (release numbers and SemVer pre-releases) --------

def semver_key(v):
    """SemVer 2.0 precedence (npm, Go without its "v"): build metadata ignored."""
    v = v.lstrip("v").split("+")[0]
    core, _, pre = v.partition("-")
    nums = [int(x) for x in core.split(".")]
    nums += [0] * (3 - len(nums))
    if not pre:
        return (nums, 1, [])
    ids = [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split(".")]
    return (nums, 0, ids)


def pep440_key(v):
    """PEP 440 for the plain releases these records and Debian's egg-info hold."""
    if not re.fullmatch(r"\d+(\.\d+)*", v):
        raise ValueError("not a plain release: %s" % v)
    n = [int(x) for x in v.split(".")]
    while n and n[-1] == 0:
        n.pop()
    return n


def maven_key(v):
    """Maven's ordering for numeric versions with an optional textual qualifier."""
    m = re.fullmatch(r"(\d+(?:\.\d+)*)(?:[.-]?(.*))?", v)
    n = [int(x) for x in m.group(1).split(".")]
    while n and n[-1] == 0:
        n.pop()
    q = (m.group(2) or "").lower()
    order = {"alpha": 0, "beta": 1, "milestone": 2, "rc": 3, "cr": 3, "snapshot": 4, "": 5, "ga": 5, "final": 5,
             "release": 5, "sp": 6}
    return (n, order.get(q, 7), q)


KEYS = {"npm": semver_key, "Go": semver_key, "PyPI": pep440_key, "Maven": maven_key}


def norm(eco, name):
    return re.sub(r"[-_.]+", "-", name).lower() if eco == "PyPI" else name


def affected(rec_aff, eco, version):
    """Whether version is in one affected entry: its ranges' events, or its versions list."""
    key = KEYS[eco]
    if version in rec_aff.get("versions", []):
        return True
    for r in rec_aff.get("ranges", []):
        if r.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        inside = False
        try:
            v = key(version)
            for ev in r["events"]:
                # events in order, each one the version has reached decides
                if "introduced" in ev:
                    if ev["introduced"] == "0" or key(ev["introduced"]) <= v:
                        inside = True
                elif "fixed" in ev and key(ev["fixed"]) <= v:
                    inside = False
                elif "last_affected" in ev and key(ev["last_affected"]) < v:
                    inside = False
        except (ValueError, AttributeError):
            continue  # a bound in a form this test does not order: the record says nothing here
        if inside:
            return True
    return False


def vuln_ids(rec):
    """The ids ecrlite files a record under: its CVE aliases, else its own id."""
    if rec["id"].startswith("CVE-"):
        return {rec["id"]}
    cves = {a for a in rec.get("aliases", []) + rec.get("upstream", []) if a.startswith("CVE-")}
    return cves or {rec["id"]}


def cvss3_base(vector):
    """CVSS v3.0/v3.1 base score by FIRST's specification (v3.1's integer Roundup)."""
    parts = vector.split("/")
    m = dict(x.split(":") for x in parts[1:])
    changed = m["S"] == "C"
    av = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m["AV"]]
    ac = {"L": 0.77, "H": 0.44}[m["AC"]]
    pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[m["PR"]]
    ui = {"N": 0.85, "R": 0.62}[m["UI"]]
    cia = [{"H": 0.56, "L": 0.22, "N": 0}[m[k]] for k in ("C", "I", "A")]
    iss = 1 - (1 - cia[0]) * (1 - cia[1]) * (1 - cia[2])
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    expl = 8.22 * av * ac * pr * ui
    if impact <= 0:
        return 0.0
    raw = min((1.08 if changed else 1) * (impact + expl), 10)
    if parts[0] == "CVSS:3.0":
        return math.ceil(raw * 10) / 10
    n = round(raw * 100000)
    return n / 100000.0 if n % 10000 == 0 else (math.floor(n / 10000) + 1) / 10.0


def band(score):
    """Inspector's severity for a CVSS v3 base score."""
    return "INFORMATIONAL" if score == 0 else "LOW" if score < 4 else "MEDIUM" if score < 7 else \
        "HIGH" if score < 9 else "CRITICAL"


RECORDS = {}
for eco in ("npm", "PyPI", "Go", "Maven"):
    d = os.path.join(OSV, eco)
    RECORDS[eco] = [json.load(open(os.path.join(d, f))) for f in sorted(os.listdir(d)) if f.endswith(".json")]


def expected(pkgs):
    """{(vulnerabilityId, name)} for pkgs [(ecosystem, name, version)], from the records."""
    out = set()
    for eco, name, version in pkgs:
        for rec in RECORDS[eco]:
            if rec.get("withdrawn"):
                continue  # OSV schema: a withdrawn entry is no longer a vulnerability
            for a in rec.get("affected", []):
                p = a.get("package", {})
                if p.get("ecosystem") == eco and norm(eco, p.get("name", "")) == norm(eco, name) and \
                        affected(a, eco, version):
                    out |= {(i, name) for i in vuln_ids(rec)}
    return out


# --- images ---------------------------------------------------------------------------

def push(name, layers):
    """Pushes an image to repository lang-NAME (scan on push) and returns the layer digests."""
    arch = os.path.join(tmp, name + ".tar")
    digests = oci_archive(arch, layers)
    run("aws", "ecr", "create-repository", "--repository-name", "lang-" + name)
    run("push", arch, "lang-%s:v1" % name)
    return digests


LUA = """
local r = ecr.describe_image_scan_findings{repositoryName=arg[1], imageId={imageTag="v1"}, maxResults=1000}
print("STATUS", r.imageScanStatus.status)
for _, f in ipairs((r.imageScanFindings or {}).enhancedFindings or {}) do
  local d = f.packageVulnerabilityDetails
  for _, p in ipairs(d.vulnerablePackages) do
    print(d.vulnerabilityId, p.name, p.version, p.packageManager, p.filePath or "", p.sourceLayerHash or "",
          p.fixedInVersion or "", f.severity, f.score or "")
  end
end"""


def findings(name):
    """(status, [rows]) with rows (id, name, version, manager, filePath, layer, fixed, severity, score)."""
    script = os.path.join(tmp, "findings.lua")
    with open(script, "w") as f:
        f.write(LUA)
    out = run("lua", script, "lang-" + name).stdout.splitlines()
    status = out[0].split("\t")[1] if out and out[0].startswith("STATUS") else None
    return status, [tuple(l.split("\t")) for l in out[1:]]


def inventory(name, *extra):
    return json.loads(run("inventory", "--output", "json", *extra, "lang-%s:v1" % name).stdout)


# --- Debian material ------------------------------------------------------------------

debs = os.path.join(tmp, "debs")
os.makedirs(debs)
os.chmod(debs, 0o777)  # apt's _apt user writes there


def deb(pkg):
    """The unpacked tree of Debian package pkg ({path: (bytes|None for a link target, mode)}),
    its file list (as dpkg's info/PKG.list says it) and version; None when apt cannot fetch it."""
    p = subprocess.run(["apt-get", "download", pkg], cwd=debs, capture_output=True, text=True)
    files = [f for f in os.listdir(debs) if f.startswith(pkg + "_") and f.endswith(".deb")]
    if p.returncode or not files:
        return None
    path = os.path.join(debs, files[0])
    root = os.path.join(tmp, "x-" + pkg)
    subprocess.run(["dpkg-deb", "-x", path, root], check=True)
    version = subprocess.run(["dpkg-deb", "-f", path, "Version"], capture_output=True, text=True).stdout.strip()
    arch = subprocess.run(["dpkg-deb", "-f", path, "Architecture"], capture_output=True, text=True).stdout.strip()
    tree, listing = {}, ["/."]
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            listing.append("/" + rel)
        for n in sorted(filenames) + sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d))):
            full = os.path.join(dirpath, n)
            r = os.path.normpath(os.path.join(rel, n))
            listing.append("/" + r)
            if os.path.islink(full):
                tree[r] = ("link", os.readlink(full))
            else:
                tree[r] = ("file", open(full, "rb").read(), os.stat(full).st_mode & 0o777)
    return {"tree": tree, "list": "\n".join(sorted(set(listing))) + "\n", "version": version, "arch": arch,
            "name": pkg}


def entries(d, only=None):
    out = []
    for path, v in sorted(d["tree"].items()):
        if only and not only(path):
            continue
        out.append(S(path, v[1]) if v[0] == "link" else F(path, v[1], v[2]))
    return out


def dpkg_owned(pkgs):
    """A Debian layer registering pkgs: status stanzas and each one's info/NAME.list."""
    status = "".join("Package: %s\nStatus: install ok installed\nVersion: %s\nArchitecture: %s\n\n" %
                     (d["name"], d["version"], d["arch"]) for d in pkgs)
    out = [F("etc/os-release", b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
                               b'VERSION_CODENAME=bookworm\n'),
           F("var/lib/dpkg/status", status.encode())]
    out += [F("var/lib/dpkg/info/%s.list" % d["name"], d["list"].encode()) for d in pkgs]
    return out


# --- ENHANCED, scan on push for lang-* ------------------------------------------------

rules = [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "lang-*", "filterType": "WILDCARD"}]}]
run("aws", "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(rules))
for eco in ("npm", "PyPI", "Go", "Maven"):
    run("vulndb", "import", os.path.join(OSV, eco))


def check_findings(name, pkgs, digests, managers):
    """The image's findings of these managers are exactly the records' verdict for pkgs."""
    status, rows = findings(name)
    ok(status == "COMPLETE", "%s: scan status %s" % (name, status))
    got = {(r[0], r[1]) for r in rows if r[3] in managers}
    want = expected(pkgs)
    ok(got == want, "%s: findings %s, the records say %s" % (name, sorted(got), sorted(want)))
    ok(all(r[5] in digests for r in rows if r[3] in managers),
       "%s: sourceLayerHash is a layer's blob digest: %s" % (name, {r[5] for r in rows}))
    return rows


# 1. npm: pinned versions, installed by npm itself
npmdir = os.path.join(tmp, "npm")
os.makedirs(npmdir)
p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", npmdir,
                    "lodash@4.17.20", "minimist@1.2.5", "ms@0.7.0"], capture_output=True, text=True,
                   env=dict(os.environ, npm_config_cache=os.path.join(tmp, "npm-cache")))
if p.returncode:
    skip("npm install failed (no registry?): %s" % p.stderr.strip()[-300:])
else:
    files = []
    for dirpath, _, filenames in os.walk(os.path.join(npmdir, "node_modules")):
        for n in filenames:
            full = os.path.join(dirpath, n)
            files.append(F("srv/app/" + os.path.relpath(full, npmdir), open(full, "rb").read()))
    digests = push("npm", [layer(sorted(files, key=lambda e: e[1]))])
    pkgs = [("npm", "lodash", "4.17.20"), ("npm", "minimist", "1.2.5"), ("npm", "ms", "0.7.0")]
    rows = check_findings("npm", pkgs, digests, {"NODEPKG"})
    ids = {r[0] for r in rows}
    # the spec's reading of the same records (§5.5), as a check on this test's own ordering
    ok(ids == {"CVE-2021-23337", "CVE-2020-28500", "CVE-2025-13465", "CVE-2021-44906", "CVE-2015-8315"},
       "npm: the five CVEs of the spec: %s" % sorted(ids))
    ok(all(r[4] == "/srv/app/node_modules/%s/package.json" % r[1] for r in rows),
       "npm: filePath is the package.json: %s" % sorted({r[4] for r in rows}))
    # severity and score: the record's own CVSS v3 vector, scored here, and its band
    vec = {i: [x["score"] for x in rec.get("severity", []) if x["score"].startswith("CVSS:3")][0]
           for rec in RECORDS["npm"] for i in vuln_ids(rec) if rec.get("severity")}
    sev = {(r[0], r[7], float(r[8]) if r[8] else None) for r in rows}
    ok(sev == {(i, band(cvss3_base(vec[i])), cvss3_base(vec[i])) for i in ids},
       "npm: severities and scores from the records' vectors: %s" % sorted(sev))
    # the spec's reading (§6.2 check 5), as a check on this test's calculator
    ok(sev == {("CVE-2021-23337", "HIGH", 7.2), ("CVE-2020-28500", "MEDIUM", 5.3), ("CVE-2025-13465", "MEDIUM", 6.5),
               ("CVE-2021-44906", "CRITICAL", 9.8), ("CVE-2015-8315", "HIGH", 7.5)}, "npm: the spec's severities")
    ok({r[3] for r in rows} == {"NODEPKG"}, "npm: packageManager NODEPKG")
    # the gate judges the enhanced findings: HIGH and CRITICAL ones, by the records' scores
    g = run("lua", "gate", "lang-npm:v1", "HIGH", check=False)
    high = {i for i in ids if band(cvss3_base(vec[i])) in ("HIGH", "CRITICAL")}
    listed = {l.split()[0] for l in g.stdout.splitlines() if l.startswith("  CVE-")}
    ok(high and g.returncode == 1 and listed == high and "gate: FAIL: %d findings at or above HIGH" % len(high) in g.stdout,
       "npm: lua gate HIGH: %d %s" % (g.returncode, g.stdout))
    # no OS in this image: the details have no platform (README); the config says amd64
    det = [f["resources"][0]["details"]["awsEcrContainerImage"] for f in
           js("describe-image-scan-findings", "--repository-name", "lang-npm", "--image-id", "imageTag=v1")
           ["imageScanFindings"]["enhancedFindings"]]
    ok(det and all("platform" not in x and x["architecture"] == "amd64" for x in det), "npm: details %s" % det[:1])
    fixed = {(r[0], r[6]) for r in rows}
    ok(("CVE-2015-8315", "0.7.1") in fixed and ("CVE-2021-44906", "1.2.6") in fixed,
       "npm: fixedInVersion from the records: %s" % sorted(fixed))
    inv = inventory("npm")
    lp = {(p["name"], p["version"], p["packageManager"]) for p in inv.get("languagePackages", [])}
    ok(lp == {("lodash", "4.17.20", "NODEPKG"), ("minimist", "1.2.5", "NODEPKG"), ("ms", "0.7.0", "NODEPKG")},
       "npm: inventory %s" % sorted(lp))
    text = run("inventory", "lang-npm:v1").stdout
    ok("lodash\t4.17.20\tNODEPKG\t/srv/app/node_modules/lodash/package.json\n" in text,
       "npm: inventory text has manager and filePath columns: %s" % text)
    ok(inventory("npm") == inv and inventory("npm", "--no-cache")["languagePackages"] == inv["languagePackages"],
       "npm: fresh, cached and --no-cache inventories agree")

    # continuous scanning: an import that changes an image's findings sends one event
    # for it (a state of its own: the records come in two imports)
    home1 = env["ECRLITE_HOME"]
    env["ECRLITE_HOME"] = os.path.join(tmp, "state-continuous")
    cont = [{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "cont-*", "filterType": "WILDCARD"}]},
            {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "sop-*", "filterType": "WILDCARD"}]}]
    run("aws", "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", json.dumps(cont))
    part = os.path.join(tmp, "npm-part")
    os.makedirs(part)
    for f in os.listdir(os.path.join(OSV, "npm")):
        if f != "GHSA-3fx5-fwvr-xrjg.json":
            shutil.copy(os.path.join(OSV, "npm", f), part)
    run("vulndb", "import", part)
    arch = os.path.join(tmp, "cont.tar")
    oci_archive(arch, [layer(sorted(files, key=lambda e: e[1]))])
    run("aws", "ecr", "create-repository", "--repository-name", "cont-npm")
    run("push", arch, "cont-npm:v1")
    # the same image scanned on push: Inspector scans it once ("will not get new
    # findings"), so it keeps the findings of its push whatever is imported later
    run("aws", "ecr", "create-repository", "--repository-name", "sop-npm")
    run("push", arch, "sop-npm:v1")
    sop_ids = lambda: sorted(f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in json.loads(
        run("aws", "ecr", "describe-image-scan-findings", "--repository-name", "sop-npm", "--image-id", "imageTag=v1",
            "--output", "json").stdout)["imageScanFindings"]["enhancedFindings"])
    sop0 = sop_ids()
    evpath = os.path.join(env["ECRLITE_HOME"], "events.jsonl")
    count = lambda: len(open(evpath).read().splitlines()) if os.path.exists(evpath) else 0
    n0 = count()
    now0 = env["ECRLITE_NOW"]
    env["ECRLITE_NOW"] = "2026-12-01T12:00:00Z"  # two hours after the push
    run("vulndb", "import", os.path.join(OSV, "npm", "GHSA-3fx5-fwvr-xrjg.json"))
    env["ECRLITE_NOW"] = now0
    seen = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f["firstObservedAt"] for f in json.loads(
        run("aws", "ecr", "describe-image-scan-findings", "--repository-name", "cont-npm", "--image-id", "imageTag=v1",
            "--output", "json").stdout)["imageScanFindings"]["enhancedFindings"]}
    ok(seen.get("CVE-2015-8315") == "2026-12-01T12:00:00+00:00" and
       {v for k, v in seen.items() if k != "CVE-2015-8315"} == {"2026-12-01T10:00:00+00:00"},
       "continuous: a finding the import brought was first observed at the import, the others at the push: %s" % seen)
    evs = [json.loads(l) for l in open(evpath).read().splitlines()[n0:]] if os.path.exists(evpath) else []
    ch = [e for e in evs if e["detail-type"] == "Enhanced Scan Findings Change"]
    ok(len(ch) == 1 and ch[0]["detail"]["created"] == ["CVE-2015-8315"] and ch[0]["detail"]["closed"] == [] and
       ch[0]["detail"]["repository-name"] == "cont-npm" and ch[0]["detail"]["finding-severity-counts"]["TOTAL"] ==
       len(expected(pkgs)), "continuous: one change event for the import that adds ms's CVE: %s" % evs)
    ok(sop0 and sop_ids() == sop0 and "CVE-2015-8315" not in sop0,
       "scan on push: the push's findings kept after an import: %s -> %s" % (sop0, sop_ids()))
    n1 = count()
    run("vulndb", "import", part)
    ok(count() == n1, "continuous: an import that changes nothing sends no event")

    def cont(repo):
        return json.loads(run("aws", "ecr", "describe-image-scan-findings", "--repository-name", repo, "--image-id",
                              "imageTag=v1", "--output", "json").stdout)

    # an image pushed 40 days ago is past the eligibility window: import leaves it alone
    env["ECRLITE_NOW"] = "2026-10-22T10:00:00Z"
    run("aws", "ecr", "create-repository", "--repository-name", "cont-old")
    run("push", arch, "cont-old:v1")
    env["ECRLITE_NOW"] = now0
    ok(cont("cont-old")["imageScanStatus"]["status"] == "SCAN_ELIGIBILITY_EXPIRED", "continuous: 40 days old: expired")
    before = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f for f in cont("cont-npm")["imageScanFindings"]["enhancedFindings"]}
    # the advisory revised: GHSA-3fx5 as a later edition would say it, ms fixed at the
    # installed version and the record's modified time now (written from the real record)
    rec = json.load(open(os.path.join(OSV, "npm", "GHSA-3fx5-fwvr-xrjg.json")))
    for a in rec["affected"]:
        for r in a.get("ranges", []):
            r["events"] = [{"introduced": "0"}, {"fixed": "0.7.0"}]
    rec["modified"] = "2026-12-02T08:00:00Z"
    revised = os.path.join(tmp, "GHSA-3fx5-revised.json")
    with open(revised, "w") as f:
        json.dump(rec, f)
    ok(not expected([("npm", "ms", "0.7.0")]) - {(i, "ms") for i in vuln_ids(rec)} and
       not affected(rec["affected"][0], "npm", "0.7.0"), "continuous: the revised record leaves ms 0.7.0 out")
    n2 = count()
    env["ECRLITE_NOW"] = "2026-12-02T09:00:00Z"
    run("vulndb", "import", revised)
    after = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f for f in cont("cont-npm")["imageScanFindings"]["enhancedFindings"]}
    env["ECRLITE_NOW"] = now0
    evs = [json.loads(l) for l in open(evpath).read().splitlines()[n2:]]
    ok(len(evs) == 1 and evs[0]["detail"]["repository-name"] == "cont-npm" and evs[0]["detail"]["closed"] == ["CVE-2015-8315"]
       and evs[0]["detail"]["created"] == [], "continuous: one event, the fixed finding closed, none for cont-old: %s" % evs)
    ok(set(after) == set(before) - {"CVE-2015-8315"}, "continuous: the fixed finding left: %s" % sorted(after))
    ok(sop_ids() == sop0, "scan on push: kept after the revision too: %s" % sop_ids())
    ok(all(after[i]["firstObservedAt"] == before[i]["firstObservedAt"] for i in after),
       "continuous: firstObservedAt kept")
    t = rec["modified"].replace("Z", "+00:00")  # as the CLI prints timestamps
    ok(all(after[i]["updatedAt"] == t and before[i]["updatedAt"] < t for i in after),
       "continuous: updatedAt moved to the data's update: %s -> %s" %
       (sorted({f["updatedAt"] for f in before.values()}), sorted({f["updatedAt"] for f in after.values()})))
    env["ECRLITE_HOME"] = home1

# 2. Python: Debian's egg-info trees in a layer of their own, no dpkg registration
py = [deb(n) for n in ("python3-aiohttp", "python3-redis", "python3-werkzeug")]
if any(d is None for d in py):
    skip("apt-get download of the python3 packages failed")
    py = None
else:
    info = lambda path: ".egg-info/" in path or path.endswith(".egg-info")
    pylayer = layer(sum((entries(d, info) for d in py), []))
    digests = push("python", [pylayer])
    inv = inventory("python")
    pkgs = [("PyPI", p["name"], p["version"]) for p in inv["languagePackages"] if p["packageManager"] == "PYTHONPKG"]
    ok(sorted(n.lower() for _, n, _ in pkgs) == ["aiohttp", "redis", "werkzeug"], "python: packages %s" % pkgs)
    rows = check_findings("python", pkgs, digests, {"PYTHONPKG"})
    ok({r[0] for r in rows} >= {"CVE-2023-37276", "CVE-2026-21860"},
       "python: the spec's CVEs (last_affected inclusive, PEP 503 name): %s" % sorted({r[0] for r in rows}))
    # the spec's third, redis CVE-2023-31655, comes from PYSEC-2023-73, which its own file
    # marks withdrawn (the CVE is about the redis server, not redis-py): no finding
    pysec73 = [r for r in RECORDS["PyPI"] if r["id"] == "PYSEC-2023-73"][0]
    ok(pysec73.get("withdrawn") and not [r for r in rows if r[0] in vuln_ids(pysec73)],
       "python: the withdrawn PYSEC-2023-73 gives no finding: %s" % sorted({r[0] for r in rows}))
    # python3-cryptography ships cryptography-38.0.4.dist-info and cryptography.egg-info
    # for one install: one package
    cr = deb("python3-cryptography")
    if cr is None:
        skip("apt-get download of python3-cryptography failed")
    else:
        push("python-crypto", [layer(entries(cr, lambda path: ".egg-info" in path or ".dist-info/" in path))])
        got = [(p["name"], p["version"]) for p in inventory("python-crypto")["languagePackages"]]
        ok(len(got) == 1 and got[0][0] == "cryptography", "python: dist-info and egg-info of one install, once: %s" % got)
    # 3. the same files owned by dpkg: Trivy's rule leaves them out
    digests = push("python-owned", [layer(dpkg_owned(py) + sum((entries(d, info) for d in py), []))])
    inv = inventory("python-owned")
    ok(inv["languagePackages"] == [], "python owned by dpkg: no language packages: %s" % inv["languagePackages"])
    ok(len(inv["packages"]) == 3, "python owned by dpkg: the three OS packages: %s" % inv["packages"])
    status, rows = findings("python-owned")
    ok(status == "COMPLETE" and not [r for r in rows if r[3] == "PYTHONPKG"], "python owned: no PYTHONPKG findings")
    # a later layer deleting one egg-info (whiteout) and replacing another's version
    werk = [e for e in entries(py[2], info) if e[1].endswith("PKG-INFO")][0]
    redis_dir = [e for e in entries(py[1], info) if e[1].endswith("PKG-INFO")][0][1].rsplit("/", 1)[0]
    upper = layer([F(werk[1], werk[2].replace(b"Version: 2.2.2", b"Version: 3.1.5")),
                   F(redis_dir.rsplit("/", 1)[0] + "/.wh." + redis_dir.rsplit("/", 1)[1], b"")])
    push("python-layers", [pylayer, upper])
    got = {(p["name"], p["version"]) for p in inventory("python-layers")["languagePackages"]}
    ok(got == {("aiohttp", "3.8.4"), ("Werkzeug", "3.1.5")},
       "python: the last layer decides (whiteout, replaced version): %s" % sorted(got))

# many unreadable metadata files: a warning each, but the first 100 say enough (a layer
# of a million would be a million lines); the packages that read are all there
bad = [F("srv/many/node_modules/bad%03d/package.json" % i, b"{") for i in range(150)]
good = [F("srv/many/node_modules/good%d/package.json" % i, b'{"name": "good%d", "version": "1.0.0"}' % i) for i in range(3)]
push("many-bad", [layer(sorted(bad + good, key=lambda e: e[1]))])
inv = inventory("many-bad")
lw = [w for w in inv["warnings"] if "package.json" in w or "language-package" in w]
ok(len(lw) == 101 and "left out" in lw[-1] and
   sorted(p["name"] for p in inv["languagePackages"]) == ["good0", "good1", "good2"],
   "150 bad package.json files: 100 warnings and a note, the 3 good packages: %d warnings, last %s, %s" %
   (len(lw), lw[-1:], [p["name"] for p in inv["languagePackages"]]))

# OSV events read as the schema's evaluation reads them (docs/schema.md "Evaluation"):
# a second fixed with no introduced between closes nothing more (1.7.0 is past the fix
# at 1.5.0), and a second introduced inside an open range moves no bound (1.5.0 is in
# from 1.0.0). The verdicts come from affected() above, the same walk over the events
evt_recs = [
    {"id": "GHSA-0000-evts-0001", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-1001"],
     "affected": [{"package": {"ecosystem": "npm", "name": "evt-double-fix"},
                   "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.5.0"},
                                                            {"fixed": "2.0.0"}]}]}]},
    {"id": "GHSA-0000-evts-0002", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-1002"],
     "affected": [{"package": {"ecosystem": "npm", "name": "evt-double-intro"},
                   "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"introduced": "2.0.0"},
                                                            {"fixed": "3.0.0"}]}]}]}]
evt_pkgs = [("evt-double-fix", "1.7.0"), ("evt-double-intro", "1.5.0")]
with open(os.path.join(tmp, "osv-events.json"), "w") as fh:
    json.dump(evt_recs, fh)
run("vulndb", "import", os.path.join(tmp, "osv-events.json"))
push("events", [layer([F("srv/e/node_modules/%s/package.json" % n, json.dumps({"name": n, "version": v}).encode())
                       for n, v in evt_pkgs])])
status, rows = findings("events")
want = {(vuln_ids(r).pop(), n) for r in evt_recs for n, v in evt_pkgs
        if r["affected"][0]["package"]["name"] == n and affected(r["affected"][0], "npm", v)}
ok(status == "COMPLETE" and {(r[0], r[1]) for r in rows} == want == {("CVE-2099-1002", "evt-double-intro")},
   "OSV events evaluated in order: findings %s, the events say %s" % (sorted({(r[0], r[1]) for r in rows}), sorted(want)))

# a CVSS vector given per affected package (affected[].severity, OSV 1.5: then the record
# has no top-level severity) scores the finding as a top-level one does
sev_vec = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
sev_rec = {"id": "GHSA-0000-evts-0003", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-1003"],
           "affected": [{"package": {"ecosystem": "npm", "name": "evt-pkg-severity"},
                         "severity": [{"type": "CVSS_V3", "score": sev_vec}],
                         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}]}
with open(os.path.join(tmp, "osv-pkg-severity.json"), "w") as fh:
    json.dump(sev_rec, fh)
run("vulndb", "import", os.path.join(tmp, "osv-pkg-severity.json"))
push("pkgsev", [layer([F("srv/s/node_modules/evt-pkg-severity/package.json",
                         b'{"name": "evt-pkg-severity", "version": "1.0.0"}')])])
status, rows = findings("pkgsev")
ok([(r[0], r[7], float(r[8]) if r[8] else None) for r in rows] ==
   [("CVE-2099-1003", band(cvss3_base(sev_vec)), cvss3_base(sev_vec))],
   "affected[].severity: the finding scored by its vector: %s" % rows)

# a jar of 300 pom.properties, each padded to a megabyte with a '#' comment (a kilobyte
# deflated): what its entries inflate to is capped like the archive itself (256 MiB), not
# 300 MiB of work per such few-hundred-kilobyte jar; the scan says so and completes
bomb = io.BytesIO()
with zipfile.ZipFile(bomb, "w") as z:
    for i in range(300):
        text = b"groupId=x\nartifactId=a%03d\nversion=1\n#" % i
        z.writestr(zipfile.ZipInfo("p%03d/pom.properties" % i, (2024, 1, 1, 0, 0, 0)),
                   text + b"#" * ((1 << 20) - 1 - len(text)), zipfile.ZIP_DEFLATED)
push("inflate", [layer([F("srv/bomb.jar", bomb.getvalue())])])
inv = inventory("inflate")
n = len(inv["languagePackages"])
ok(any("/srv/bomb.jar: its entries inflate past 256 MiB; the rest skipped" in w for w in inv["warnings"]) and
   200 < n < 300, "a jar whose entries inflate past 256 MiB says so: %d packages, %s" % (n, inv["warnings"][-3:]))

# 4. Java: log4j's jars and their symlinks; a war holding a jar
j = deb("liblog4j2-java")
if j is None:
    skip("apt-get download of liblog4j2-java failed")
else:
    jars = entries(j, lambda path: path.endswith(".jar"))
    core = [e for e in jars if e[0] == "file" and e[1].endswith("/log4j-core.jar")]
    links = [e for e in jars if e[0] == "sym" and "log4j-core" in e[1]]
    war = io.BytesIO()
    with zipfile.ZipFile(war, "w") as z:
        z.writestr("WEB-INF/web.xml", "<web-app/>")
        z.writestr("WEB-INF/lib/log4j-api.jar", [e for e in jars if e[1].endswith("/log4j-api.jar")][0][2])
    digests = push("java", [layer(core + links + [F("srv/shop.war", war.getvalue())])])
    inv = inventory("java")
    lp = [(p["name"], p["version"], p["filePath"]) for p in inv["languagePackages"]]
    ok(len(links) >= 2 and [x for x in lp if x[0] == "org.apache.logging.log4j:log4j-core"] ==
       [("org.apache.logging.log4j:log4j-core", "2.19.0", "/" + core[0][1])],
       "java: log4j-core once, not once per symlink (%d links): %s" % (len(links), lp))
    ok(("org.apache.logging.log4j:log4j-api", "2.19.0", "/srv/shop.war/WEB-INF/lib/log4j-api.jar") in lp,
       "java: the jar inside the war: %s" % lp)
    check_findings("java", [("Maven", n, v) for n, v, _ in lp], digests, {"JAR"})

# resteasy-client 3.0.26.Final: GHSA-29qj-rvv6-qrmv names resteasy-core and resteasy-bom
# only, so the exact groupId:artifactId never matches it (the records decide, as above)
rs = deb("libresteasy3.0-java")
if rs is None:
    skip("apt-get download of libresteasy3.0-java failed")
else:
    jars = entries(rs, lambda path: path.endswith("/resteasy-client.jar") or path.endswith("/resteasy-client-3.0.26.Final.jar"))
    digests = push("resteasy", [layer(jars)])
    lp = [(p["name"], p["version"]) for p in inventory("resteasy")["languagePackages"]]
    ok(lp == [("org.jboss.resteasy:resteasy-client", "3.0.26.Final")], "java: resteasy-client once: %s" % lp)
    rows = check_findings("resteasy", [("Maven", n, v) for n, v in lp], digests, {"JAR"})
    ok(not [r for r in rows if r[0] == "CVE-2020-10688"] and not rows,
       "java: resteasy-client matches no record: %s" % rows)

# 5. Go: Debian's skopeo and umoci carry only the toolchain version
gos = [deb(n) for n in ("skopeo", "umoci")]
if any(d is None for d in gos):
    skip("apt-get download of skopeo/umoci failed")
else:
    bins = sum((entries(d, lambda path: path.startswith("usr/bin/")) for d in gos), [])
    digests = push("go", [layer(bins)])
    inv = inventory("go")
    lp = {(p["name"], p["version"], p["filePath"]) for p in inv["languagePackages"]}
    ok({x[0] for x in lp} == {"stdlib"} and {x[2] for x in lp} == {"/usr/bin/skopeo", "/usr/bin/umoci"},
       "go: stdlib from each binary: %s" % sorted(lp))
    rows = check_findings("go", [("Go", n, v) for n, v, _ in lp], digests, {"GOBINARY"})
    ok({r[0] for r in rows} == {"CVE-2023-39326", "CVE-2023-45288"}, "go: the spec's two stdlib CVEs: %s" % rows)
    # two records under one CVE in one source: GO-2024-2687 (stdlib, x/net) and
    # GHSA-4v7x-pqxf-cx7m (net/http). Imported again (new bytes: the importer would skip
    # unchanged files), GO's first, each replaces only its own rows: stdlib keeps its
    # CVE-2023-45288 whatever the order
    order = []
    for f in ("GO-2024-2687.json", "GHSA-4v7x-pqxf-cx7m.json"):
        order.append(os.path.join(tmp, "again-" + f))
        with open(order[-1], "w") as fh:
            json.dump(json.load(open(os.path.join(OSV, "Go", f))), fh, indent=1)
    run("vulndb", "import", *order)
    push("go-order", [layer(bins)])
    rows = check_findings("go-order", [("Go", n, v) for n, v, _ in lp], digests, {"GOBINARY"})
    ok({r[0] for r in rows} == {"CVE-2023-39326", "CVE-2023-45288"},
       "go: GO-2024-2687's rows kept when GHSA-4v7x-pqxf-cx7m comes after it: %s" % rows)
    # the same binaries installed by dpkg: owned, so left out
    push("go-owned", [layer(dpkg_owned(gos) + bins)])
    ok(inventory("go-owned")["languagePackages"] == [], "go owned by dpkg: left out")

    # a module-mode build carries dep lines: built here from Debian's golang-*-dev sources
    # (spec §5.1: vendored, offline), so its x/net and x/crypto are matched too
    gosrc = "/usr/share/gocode/src/golang.org/x"
    if not shutil.which("go") or not all(os.path.isdir(os.path.join(gosrc, d)) for d in ("net/html", "crypto/bcrypt")):
        skip("module-mode Go fixture: needs golang-go, golang-golang-x-net-dev, golang-golang-x-crypto-dev")
    else:
        fx = os.path.join(tmp, "gofixture")
        pkgs_used = ["crypto/bcrypt", "crypto/blowfish", "net/html", "net/html/atom"]
        for sub in pkgs_used:
            os.makedirs(os.path.join(fx, "vendor/golang.org/x", sub))
            for f in os.listdir(os.path.join(gosrc, sub)):
                if f.endswith(".go") and not f.endswith("_test.go"):
                    shutil.copy(os.path.join(gosrc, sub, f), os.path.join(fx, "vendor/golang.org/x", sub))
        versions = {}
        for mod in ("crypto", "net"):
            # the version Debian packaged: the -dev package's own, without epoch and Debian suffix
            v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "golang-golang-x-%s-dev" % mod],
                               capture_output=True, text=True).stdout
            versions[mod] = "v" + re.sub(r"^\d+:", "", v).split("+")[0].split("-")[0]
        with open(os.path.join(fx, "go.mod"), "w") as f:
            f.write("module example.com/ecrlite-gofixture\n\ngo 1.19\n\nrequire (\n\tgolang.org/x/crypto %s\n"
                    "\tgolang.org/x/net %s\n)\n" % (versions["crypto"], versions["net"]))
        with open(os.path.join(fx, "vendor/modules.txt"), "w") as f:
            for mod in ("crypto", "net"):
                f.write("# golang.org/x/%s %s\n## explicit; go 1.17\n" % (mod, versions[mod]))
                f.write("".join("golang.org/x/%s\n" % p for p in pkgs_used if p.startswith(mod + "/")))
        with open(os.path.join(fx, "main.go"), "w") as f:
            f.write('package main\n\nimport (\n\t"fmt"\n\t"strings"\n\n\t"golang.org/x/crypto/bcrypt"\n'
                    '\t"golang.org/x/net/html"\n)\n\nfunc main() {\n\th, _ := bcrypt.GenerateFromPassword([]byte("x"), 4)\n'
                    '\tdoc, _ := html.Parse(strings.NewReader("<p>hi</p>"))\n\tfmt.Println(len(h), doc.Type)\n}\n')
        b = subprocess.run(["go", "build", "-o", "fixture", "."], cwd=fx, capture_output=True, text=True,
                           env=dict(os.environ, HOME=fx, GOCACHE=os.path.join(fx, ".cache"), GOFLAGS="-mod=vendor",
                                    GOPROXY="off", CGO_ENABLED="0"))
        if b.returncode:
            skip("module-mode Go fixture did not build: %s" % b.stderr.strip()[-300:])
        else:
            digests = push("gomod", [layer([F("usr/local/bin/fixture", open(os.path.join(fx, "fixture"), "rb").read(), 0o755)])])
            inv = inventory("gomod")
            lp = {(p["name"], p["version"]) for p in inv["languagePackages"]}
            ok({("golang.org/x/crypto", versions["crypto"]), ("golang.org/x/net", versions["net"])} <= lp and
               ("example.com/ecrlite-gofixture", "") in lp, "go module build: deps and main module: %s" % sorted(lp))
            rows = check_findings("gomod", [("Go", n, v) for n, v in lp if v], digests, {"GOBINARY"})
            both = {r[1] for r in rows if r[0] == "CVE-2023-45288"}
            ok(both == {"stdlib", "golang.org/x/net"}, "go: CVE-2023-45288 lists stdlib and x/net in one finding: %s" % both)
            ok({"CVE-2024-45337", "CVE-2025-22869"} <= {r[0] for r in rows if r[1] == "golang.org/x/crypto"},
               "go: the spec's x/crypto CVEs: %s" % sorted({r[0] for r in rows}))

    # apk's F:/R: lines and rpm's file list own files the same way: a Go binary placed
    # at a path the database lists is left out, the same bytes elsewhere are not
    sk = [e for e in bins if e[1] == "usr/bin/skopeo"][0][2]
    pkgdb = os.path.join(shared, "data/pkgdb")
    apkdb = open(os.path.join(pkgdb, "alpine-3.19.4/lib/apk/db/installed"), "rb").read()
    apk_owned, d = [], ""
    for l in apkdb.decode().splitlines():
        if l.startswith("F:"):
            d = l[2:]
        elif l.startswith("R:"):
            apk_owned.append(d + "/" + l[2:])
    push("go-apk", [layer([F("lib/apk/db/installed", apkdb), F(apk_owned[0], sk, 0o755),
                           F("usr/local/bin/mine", sk, 0o755)])])
    got = [p["filePath"] for p in inventory("go-apk")["languagePackages"]]
    ok(got == ["/usr/local/bin/mine"], "apk owns %s: left out: %s" % (apk_owned[0], got))
    import lzma
    rpmdb = lzma.decompress(open(os.path.join(pkgdb, "cbl-mariner-2.0/rpmdb.sqlite.xz"), "rb").read())
    rdir = tempfile.mkdtemp(dir=tmp)
    with open(os.path.join(rdir, "rpmdb.sqlite"), "wb") as f:
        f.write(rpmdb)
    code = ("import rpm,sys\nrpm.addMacro('_dbpath', sys.argv[1])\nrpm.addMacro('_db_backend', 'sqlite')\n"
            "ts = rpm.TransactionSet()\nts.setVSFlags(-1)\n"
            "for h in ts.dbMatch():\n    print('\\n'.join(h['filenames']))\n")
    r = subprocess.run(["/usr/bin/python3", "-c", code, rdir], capture_output=True, text=True)
    owned = [l for l in r.stdout.splitlines() if l.startswith("/usr/lib/") and ".so." in l]
    if r.returncode or not owned:
        skip("rpm's own reading of the database failed: %s" % r.stderr.strip()[-200:])
    else:
        push("go-rpm", [layer([F("var/lib/rpm/rpmdb.sqlite", rpmdb), F(owned[0], sk, 0o755),
                               F("usr/local/bin/mine", sk, 0o755)])])
        got = [p["filePath"] for p in inventory("go-rpm")["languagePackages"]]
        ok(got == ["/usr/local/bin/mine"], "rpm owns %s (its own file list): left out: %s" % (owned[0], got))

    # 6. bad input: skipped with a warning, the scan still COMPLETE
    at = -1
    while True:  # the build info: a 16-aligned magic (the toolchain's own copy of the string is not aligned)
        at = sk.find(b"\xff Go buildinf:", at + 1)
        if at < 0 or at % 16 == 0:
            break
    truncated = sk[:at + 36]
    longer = sk[:at + 32] + b"\x80\x80\x04" + sk[at + 35:at + 200]
    nested = b"Name: deep\n"
    for depth in range(5):
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w") as zf:
            if depth == 0:
                zf.writestr("META-INF/maven/org.example/deep/pom.properties", "groupId=org.example\nartifactId=deep\nversion=1\n")
            else:
                zf.writestr("lib/inner%d.jar" % depth, nested)
        nested = z.getvalue()
    # a zip entry whose local header says 2 GiB (the stream has 46 bytes): never read
    import struct, zlib
    pname, pdata = b"META-INF/maven/org.example/huge/pom.properties", b"groupId=org.example\nartifactId=huge\nversion=1\n"
    huge = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, zlib.crc32(pdata), 0x80000000, 0x80000000,
                       len(pname), 0) + pname + pdata
    bad = [F("usr/local/bin/truncated", truncated, 0o755), F("usr/local/bin/longer", longer, 0o755),
           F("srv/deep.jar", nested), F("srv/huge.jar", huge),
           F("usr/lib/python3/dist-packages/nover-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: nover\n\n"),
           F("srv/node_modules/ms/package.json", json.dumps({"name": "ms", "version": "0.7.0"}).encode())]
    push("bad", [layer(bad)])
    inv = inventory("bad")
    w = "\n".join(inv["warnings"])
    ok(inv["languagePackages"] and [p["name"] for p in inv["languagePackages"]] == ["ms"],
       "bad input: only the good package read: %s" % inv["languagePackages"])
    for path, what in (("/usr/local/bin/truncated", "past the end"), ("/usr/local/bin/longer", "past the end"),
                       ("/srv/deep.jar", "nested deeper than 3"), ("/srv/huge.jar", "over the cap"),
                       ("nover-1.0.dist-info/METADATA", "without Version")):
        ok(any(path in l and what in l for l in inv["warnings"]), "bad input: warning for %s (%s): %s" % (path, what, w))
    status, rows = findings("bad")
    ok(status == "COMPLETE" and {r[0] for r in rows} == {"CVE-2015-8315"}, "bad input: scan COMPLETE: %s %s" % (status, rows))

# what is not read (README, §7 of the spec): lock and manifest files of the four
# ecosystems (installed metadata only, as Trivy's image mode), and the ecosystems
# Inspector also covers but ecrlite does not (Ruby, Rust, PHP, .NET)
unread = [F("srv/app/package-lock.json", json.dumps({"name": "app", "lockfileVersion": 3, "packages": {
              "node_modules/ms": {"version": "0.7.0"}}}).encode()),
          F("srv/app/requirements.txt", b"Werkzeug==2.2.2\n"),
          F("srv/app/go.mod", b"module example.com/app\n\ngo 1.19\n\nrequire golang.org/x/net v0.7.0\n"),
          F("srv/app/pom.xml", b"<project><groupId>org.example</groupId><artifactId>app</artifactId><version>1</version></project>"),
          F("usr/local/bundle/specifications/rack-2.2.22.gemspec",
            b'Gem::Specification.new do |s|\n  s.name = "rack"\n  s.version = "2.2.22"\nend\n'),
          F("srv/app/Cargo.lock", b'version = 3\n\n[[package]]\nname = "smallvec"\nversion = "1.6.0"\n'),
          F("srv/app/vendor/composer/installed.json", json.dumps({"packages": [{"name": "guzzlehttp/guzzle",
                                                                               "version": "7.4.0"}]}).encode()),
          F("srv/app/app.deps.json", json.dumps({"libraries": {"Newtonsoft.Json/12.0.1": {"type": "package"}}}).encode())]
push("unread", [layer(unread)])
inv = inventory("unread")
ok(inv["languagePackages"] == [] and inv["warnings"] == [], "not read: lock files and other ecosystems: %s %s" %
   (inv["languagePackages"], inv["warnings"]))

# 7. a language-only image under BASIC is not supported (basic scanning reads OS packages)
run("aws", "ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC", "--rules", "[]")
run("aws", "ecr", "create-repository", "--repository-name", "basic-node")
arch = os.path.join(tmp, "basic.tar")
oci_archive(arch, [layer([F("srv/node_modules/ms/package.json", b'{"name": "ms", "version": "0.7.0"}')])])
run("push", arch, "basic-node:v1")
run("aws", "ecr", "start-image-scan", "--repository-name", "basic-node", "--image-id", "imageTag=v1")
p = run("aws", "ecr", "describe-image-scan-findings", "--repository-name", "basic-node", "--image-id", "imageTag=v1",
        "--output", "json", check=False)
st = json.loads(p.stdout)["imageScanStatus"]["status"] if p.returncode == 0 else p.stderr
ok(st in ("UNSUPPORTED_IMAGE", "IN_PROGRESS", "PENDING") or "UNSUPPORTED" in st, "basic: language-only image: %s" % st)

shutil.rmtree(tmp, ignore_errors=True)
print("lang_images: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(1 if failed else 0)
