#!/usr/bin/python3
"""Differential test against the real AWS CLI v2: for every argv below (each
operation, every output format, --query expressions, shorthand and JSON forms, paging
options, bad inputs), ecrlite's `aws` runs on a real local state while recording the
core's answers; ../shared/tools/aws-oracle then runs /usr/bin/aws with the same argv
against a server that answers exactly those; stdout, stderr and exit must be equal.
Skipped (and said so) when /usr/bin/aws or the oracle is missing."""
import concurrent.futures, hashlib, json, os, shutil, subprocess, sys, tempfile

bindir = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
shared = os.path.abspath(os.path.join(top, "../shared"))
oracle = os.path.join(shared, "tools/aws-oracle")
if not (os.path.exists("/usr/bin/aws") and os.path.exists(oracle) and os.path.isdir(os.path.join(shared, "images"))):
    print("oracle-diff: /usr/bin/aws, ../shared/tools/aws-oracle or ../shared/images is missing; skipping")
    print("oracle-diff: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)

tmp = tempfile.mkdtemp()
env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "ECRLITE_HOME": os.path.join(tmp, "state"),
       "AWS_DEFAULT_REGION": "us-east-2", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
       "ECRLITE_NOW": "2026-11-28T12:00:00Z", "ECRLITE_WAITER_DELAY": "0"}


def sh(*args):
    subprocess.run(list(args), env=env, check=True, capture_output=True)


# the state every command reads
aws, ecrlite = os.path.join(bindir, "aws"), os.path.join(bindir, "ecrlite")
sh(ecrlite, "vulndb", "import", os.path.join(shared, "data/alpine-secdb/v3.19-main.subset.json"),
   os.path.join(top, "tests/fixtures/feeds/debian-tracker-bookworm.test.json"), os.path.join(top, "tests/fixtures/feeds/nvd-bookworm.test.json"))
sh(aws, "ecr", "create-repository", "--repository-name", "app", "--image-scanning-configuration", "scanOnPush=true",
   "--tags", "Key=team,Value=ml", "Key=env,Value=prod")
sh(aws, "ecr", "create-repository", "--repository-name", "team/base", "--image-tag-mutability", "IMMUTABLE")
sh(aws, "ecr", "create-repository", "--repository-name", "quiet")
sh(ecrlite, "push", os.path.join(shared, "images/alpine-3.19.oci.tar"), "app:alpine")
sh(ecrlite, "push", os.path.join(shared, "images/debian-bookworm-layered.oci.tar"), "app:deb")
sh(ecrlite, "push", os.path.join(shared, "images/scratch-static.oci.tar"), "app:scratch")
sh(ecrlite, "push", os.path.join(shared, "images/alpine-3.18.docker.tar"), "team/base:v1")
sh(ecrlite, "push", os.path.join(shared, "images/alpine-3.19.oci.tar"), "quiet:one")
sh(ecrlite, "push", os.path.join(shared, "images/scratch-static.oci.tar"), "quiet:one")  # leaves an untagged image
sh(aws, "ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC", "--rules",
   "scanFrequency=SCAN_ON_PUSH,repositoryFilters=[{filter=team/*,filterType=WILDCARD}]")
# tag values YAML must escape: past the BMP, C1 controls, the BOM (libyaml's IS_PRINTABLE)
sh(aws, "ecr", "create-repository", "--repository-name", "tagged", "--tags", json.dumps(
    [{"Key": k, "Value": v} for k, v in [("emoji", "\U0001f600"), ("mixed", "e\U0001f600 mix"), ("nel", "a\u0085b"),
                                          ("bom", "\ufeffx"), ("c1", "\u0080"), ("nbsp", "\u00a0nb"), ("cjk", "\u5bbd")]]))
digest = json.loads(subprocess.run([aws, "ecr", "list-images", "--repository-name", "app", "--filter", "tagStatus=TAGGED",
                                    "--query", "imageIds[?imageTag=='deb'] | [0]"], env=env, capture_output=True,
                                   text=True).stdout)["imageDigest"]
REPO_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": [
    "arn:aws:iam::111122223333:root"]}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})
REGISTRY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "replicate", "Effect": "Allow", "Principal": {
    "AWS": "arn:aws:iam::111122223333:root"}, "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
    "Resource": "arn:aws:ecr:us-east-2:000000000000:repository/*"}]})
LC_NONE = json.dumps({"rules": [{"rulePriority": 1, "description": "nothing here is tagged zzz", "selection": {
    "tagStatus": "tagged", "tagPrefixList": ["zzz"], "countType": "imageCountMoreThan", "countNumber": 1},
    "action": {"type": "expire"}}]})
LC_PREVIEW = json.dumps({"rules": [
    {"rulePriority": 1, "description": "keep 'one'", "selection": {"tagStatus": "tagged", "tagPatternList": ["on*"],
                                                                  "countType": "sinceImagePushed", "countUnit": "days",
                                                                  "countNumber": 1}, "action": {"type": "expire"}},
    {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
     "action": {"type": "expire"}}]}, indent=2)
FMTS = ["json", "text", "table", "yaml", "yaml-stream"]
F = ["--repository-name", "app", "--image-id", "imageTag=deb"]
cases = []
for fmt in FMTS:
    o = ["--output", fmt]
    cases += [
        ["ecr", "describe-repositories"] + o,
        ["ecr", "describe-repositories", "--repository-names", "app", "quiet"] + o,
        ["ecr", "describe-repositories", "--max-items", "1"] + o,
        ["ecr", "describe-repositories", "--page-size", "1"] + o,
        ["ecr", "list-images", "--repository-name", "app"] + o,
        ["ecr", "list-images", "--repository-name", "quiet", "--filter", "tagStatus=UNTAGGED"] + o,
        ["ecr", "list-images", "--repository-name", "app", "--max-items", "2"] + o,
        ["ecr", "describe-images", "--repository-name", "app"] + o,
        ["ecr", "describe-images", "--repository-name", "app", "--image-ids", "imageTag=alpine", "imageTag=deb"] + o,
        ["ecr", "describe-images", "--repository-name", "app", "--image-ids", "imageTag=nope"] + o,
        ["ecr", "describe-image-scan-findings"] + F + o,
        ["ecr", "describe-image-scan-findings"] + F + ["--max-items", "3"] + o,
        ["ecr", "describe-image-scan-findings"] + F + ["--page-size", "7"] + o,
        ["ecr", "describe-image-scan-findings"] + F + ["--no-paginate", "--max-results", "4"] + o,
        ["ecr", "describe-image-scan-findings", "--repository-name", "app", "--image-id", "imageDigest=" + digest] + o,
        ["ecr", "describe-image-scan-findings", "--repository-name", "app", "--image-id", "imageTag=scratch"] + o,
        ["ecr", "describe-image-scan-findings", "--repository-name", "quiet", "--image-id", "imageTag=one"] + o,
        ["ecr", "batch-get-image", "--repository-name", "app", "--image-ids", "imageTag=alpine", "imageTag=missing"] + o,
        ["ecr", "get-registry-scanning-configuration"] + o,
        ["ecr", "batch-get-repository-scanning-configuration", "--repository-names", "app", "team/base", "quiet", "nope"] + o,
        ["ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-2:000000000000:repository/app"] + o,
        ["ecr", "describe-registry"] + o,
        ["ecr", "start-image-scan"] + F + o,
        ["ecr", "describe-repositories", "--repository-names", "nope"] + o,
        ["ecr", "create-repository", "--repository-name", "BAD"] + o,
        ["ecr", "list-images", "--repository-name", "app", "--max-results", "1001"] + o,
        ["ecr", "describe-image-scan-findings", "--repository-name", "app", "--image-id", "imageTag=deb",
         "--query", "imageScanFindings.findings[?severity=='HIGH'].name"] + o,
        ["ecr", "describe-image-scan-findings"] + F + ["--query", "imageScanFindings.findingSeverityCounts"] + o,
        ["ecr", "describe-image-scan-findings"] + F + ["--query", "length(imageScanFindings.findings)"] + o,
        ["ecr", "describe-image-scan-findings"] + F + ["--query",
         "imageScanFindings.findings[].{n: name, p: attributes[?key=='package_name'].value | [0], s: severity}"] + o,
        ["ecr", "describe-images", "--repository-name", "app", "--query",
         "sort_by(imageDetails, &imageSizeInBytes)[].[imageTags[0], imageSizeInBytes, imageScanStatus.status]"] + o,
        ["ecr", "list-images", "--repository-name", "app", "--query", "imageIds[*].imageTag"] + o,
        ["ecr", "describe-repositories", "--query", "repositories[?imageScanningConfiguration.scanOnPush].repositoryName"] + o,
        ["ecr", "describe-images", "--repository-name", "app", "--query", "imageDetails[0].imageScanFindingsSummary"] + o,
        ["ecr", "describe-repositories", "--query", "repositories[0].createdAt"] + o,
        # policies: set, read and delete again, so that each format starts without one
        ["ecr", "set-repository-policy", "--repository-name", "quiet", "--policy-text", REPO_POLICY] + o,
        ["ecr", "get-repository-policy", "--repository-name", "quiet"] + o,
        ["ecr", "delete-repository-policy", "--repository-name", "quiet"] + o,
        ["ecr", "get-repository-policy", "--repository-name", "quiet"] + o,
        ["ecr", "put-registry-policy", "--policy-text", REGISTRY_POLICY] + o,
        ["ecr", "get-registry-policy"] + o,
        ["ecr", "delete-registry-policy"] + o,
        # lifecycle: a policy that selects nothing here (it is applied), a preview that expires
        ["ecr", "put-lifecycle-policy", "--repository-name", "quiet", "--lifecycle-policy-text", LC_NONE] + o,
        ["ecr", "get-lifecycle-policy", "--repository-name", "quiet"] + o,
        ["ecr", "delete-lifecycle-policy", "--repository-name", "quiet"] + o,
        ["ecr", "start-lifecycle-policy-preview", "--repository-name", "quiet", "--lifecycle-policy-text", LC_PREVIEW] + o,
        ["ecr", "get-lifecycle-policy-preview", "--repository-name", "quiet"] + o,
        ["ecr", "get-lifecycle-policy-preview", "--repository-name", "quiet", "--max-items", "1"] + o,
        ["ecr", "get-lifecycle-policy-preview", "--repository-name", "quiet", "--page-size", "1"] + o,
        ["ecr", "get-lifecycle-policy-preview", "--repository-name", "quiet", "--filter", "tagStatus=TAGGED"] + o,
    ]
cases += [
    ["ecr", "describe-image-scan-findings"] + F + ["--query", "imageScanFindings.findings[?severity=="],
    ["ecr", "describe-images", "--repository-name", "app", "--image-ids", '[{"imageTag": "alpine"}]'],
    ["ecr", "describe-images", "--repository-name", "app", "--image-ids", '{"imageTag": "alpine"'],
    ["ecr", "describe-images", "--repository-name", "app", "--filter", "tagStatus=SOMETIMES"],
    ["ecr", "start-image-scan", "--repository-name", "app", "--image-id", "imageTag"],
    ["ecr", "start-image-scan", "--repository-name", "app", "--image-id", "imageTag="],
    ["ecr", "start-image-scan", "--repository-name", "a", "--image-id", "imageTag=x"],
    ["ecr", "start-image-scan", "--repository-name", "app"],
    ["ecr", "start-image-scan", "--repository-name", "app", "--image-id", "imageDigest=sha256_hash"],
    ["ecr", "list-images", "--repository-name", "app", "--max-items", "abc"],
    ["ecr", "list-images", "--repository-name", "app", "--bogus", "x"],
    ["ecr", "list-image", "--repository-name", "app"],
    ["ecr", "create-repository", "--repository-name", "app"],
    ["ecr", "create-repository", "--repository-name", "new-one", "--image-scanning-configuration", "scanOnPush=True",
     "--image-tag-mutability", "IMMUTABLE", "--tags", "Key=a,Value=b"],
    ["ecr", "create-repository", "--repository-name", "json-one", "--image-scanning-configuration", '{"scanOnPush": false}'],
    ["ecr", "put-image-scanning-configuration", "--repository-name", "quiet", "--image-scanning-configuration", "scanOnPush=true"],
    ["ecr", "put-image-tag-mutability", "--repository-name", "quiet", "--image-tag-mutability", "MUTABLE"],
    ["ecr", "batch-delete-image", "--repository-name", "quiet", "--image-ids", "imageTag=one", "imageTag=zero",
     "imageDigest=sha256_hash"],
    ["ecr", "delete-repository", "--repository-name", "app"],
    ["ecr", "delete-repository", "--repository-name", "json-one", "--output", "text"],
    ["ecr", "wait", "image-scan-complete", "--repository-name", "app", "--image-id", "imageTag=deb"],
    ["ecr", "wait", "image-scan-complete", "--repository-name", "app", "--image-id", "imageTag=none"],
    ["ecr", "get-lifecycle-policy", "--repository-name", "app"],
    ["ecr", "set-repository-policy", "--repository-name", "quiet", "--policy-text", "[]"],
    ["ecr", "set-repository-policy", "--repository-name", "nope", "--policy-text", REPO_POLICY],
    ["ecr", "put-registry-policy", "--policy-text", "{}"],
    ["ecr", "put-lifecycle-policy", "--repository-name", "quiet", "--lifecycle-policy-text", LC_NONE.replace("expire", "keep")],
    ["ecr", "get-lifecycle-policy-preview", "--repository-name", "team/base"],
    ["ecr", "start-lifecycle-policy-preview", "--repository-name", "team/base"],
    ["ecr", "wait", "lifecycle-policy-preview-complete", "--repository-name", "quiet"],
    ["ecr", "get-lifecycle-policy-preview", "--repository-name", "quiet", "--image-ids", "imageTag=one", "--output", "text"],
    ["ecr", "describe-image-scan-findings"] + F + ["--max-items", "2", "--query", "imageScanFindings.findings[].name"],
    ["ecr", "describe-image-scan-findings"] + F + ["--starting-token", "eyJuZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==",
     "--max-items", "2", "--output", "text"],
    ["ecr", "describe-images", "--repository-name", "app", "--filter", "tagStatus=TAGGED", "--query",
     "imageDetails[].{tags: join(',', imageTags), size: imageSizeInBytes}", "--output", "table"],
    ["ecr", "list-images", "--repository-name", "app", "--output", "text", "--query", "imageIds[].[imageTag, imageDigest]"],
    # jmespath.py orders strings as well as numbers; a number against a string is Python's TypeError
    ["ecr", "list-images", "--repository-name", "app", "--query", "imageIds[?imageTag > 'b'].imageTag"],
    ["ecr", "list-images", "--repository-name", "app", "--query", "sort_by(imageIds, &imageTag)[?imageTag <= 'deb'].imageTag", "--output", "text"],
    ["ecr", "list-images", "--repository-name", "app", "--query", "['a' < 'b', 'b' >= 'b', `true` < 'a']"],
    ["ecr", "list-images", "--repository-name", "app", "--query", "`1` < 'a'"],
    ["ecr", "list-images", "--repository-name", "app", "--query", "imageIds[?imageTag > `1.5`]"],
]
# paging off (--no-paginate, or a manual maxResults/nextToken) with the CLI's paging options
cases += [
    ["ecr", "list-images", "--repository-name", "app", "--no-paginate", "--max-items", "1"],
    ["ecr", "list-images", "--repository-name", "app", "--no-paginate", "--max-items", "2", "--page-size", "1"],
    ["ecr", "list-images", "--repository-name", "app", "--max-results", "2", "--max-items", "1"],
    ["ecr", "list-images", "--repository-name", "app", "--next-token", "x", "--starting-token", "abc", "--page-size", "2"],
]
# skeletons: an enum's first value, a blob (!!binary '' / null), an input without members ({})
cases += [["ecr", op, "--generate-cli-skeleton", kind] for op, kind in [
    ("create-repository", "yaml-input"), ("put-registry-scanning-configuration", "yaml-input"),
    ("put-replication-configuration", "yaml-input"), ("describe-registry", "yaml-input"),
    ("upload-layer-part", "yaml-input"), ("upload-layer-part", "input")]]
cases.append(["ecr", "upload-layer-part", "--cli-input-yaml",  # a blob as the yaml-input skeleton writes it
              "repositoryName: app\nuploadId: 0f0e0d0c-0b0a-4908-8706-050403020100\nlayerPartBlob: !!binary aGVsbG8=\npartFirstByte: 0\npartLastByte: 4\n"])
# --cli-input-json/yaml that is not a map: the CLI names its Python type; a value with a
# space is a value to argparse even when it starts with '-'
cases += [["ecr", "list-images", "--cli-input-json", v] for v in ("[1]", "null", '"s"', "1.5", "- 1")]
cases += [["ecr", "list-images", "--cli-input-yaml", v] for v in ("- a", "abc", "5", "~", "'q' # c")]
# text output's last line, the next token, goes through --query as the pages do
cases += [
    ["ecr", "list-images", "--repository-name", "app", "--max-items", "1", "--output", "text", "--query", "imageIds[0]"],
    ["ecr", "list-images", "--repository-name", "app", "--max-items", "1", "--output", "text", "--query", "NextToken"],
    ["ecr", "describe-image-scan-findings"] + F + ["--page-size", "2", "--max-items", "3", "--query",
                                                  "imageScanFindings.findings[].name", "--output", "text"],
]
cases += [["ecr", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-2:000000000000:repository/tagged",
           "--output", fmt] for fmt in ("yaml", "yaml-stream", "json", "text")]
# a --query result of {}: json and yaml print nothing, the others their empty form
cases += [["ecr", "list-images", "--repository-name", "app", "--query", "`{}`", "--output", fmt] for fmt in FMTS]
cases.append(["ecr", "describe-repositories", "--query", "repositories[0].imageScanningConfiguration | {}"])
# --query parse errors in jmespath.py's words: the reason as it says it, the token's type in
# capitals, the leniencies it has (f(a,), {a: b c} fails at its colon)
cases += [["ecr", "describe-registry", "--query", q] for q in (
    "a[?b==]c", "{a: b, }", "a | | b", "a[1:2:3:4]", "a[]b", "a.b.", "@@", "a[1:x]", "{a: b c}", "@(a)", '"f"(a)',
    "a[1:2:3", "a[0](b)", "length(@,)")]
# function type errors as jmespath.py words them: the value as Python prints it, a list's
# first wrong element with its Python type, the signature's own list of types
cases += [["ecr", "list-images", "--repository-name", "app", "--query", q] for q in (
    "join(', ', imageIds)", "sum(imageIds[].imageTag)", "max(imageIds)", 'sort(`[1, "a"]`)', "contains(`1`, 'x')",
    "length(imageIds[0].nope)", "keys(imageIds[0].imageTag)", "min(`{\"a\": [1.0, null, true]}`)")]
# floats as Python writes them: in full from 1e-4 to 1e16 (a CVSS score of 10.0 is 10.0, not 1e+01)
for fmt in FMTS:
    cases.append(["ecr", "describe-registry", "--output", fmt, "--query",
                  "{a: `10.0`, b: `[100.0, 1500.0, 0.0001, 1e-05, 1e15, 1e16, 12345678901234567.0, 9.8, -0.0]`}"])


def run_case(i, argv):
    dump = os.path.join(tmp, "dump-%d.jsonl" % i)
    e = dict(env, ECRLITE_DUMP_RESPONSES=dump)
    ours = subprocess.run([aws] + argv, env=e, capture_output=True)
    answers = [json.loads(l) for l in open(dump)] if os.path.exists(dump) else []
    return ours, answers


# The real CLI's answer depends only on the argv, the pages it is served, their status,
# the oracle and the CLI itself: it is kept in a cache (outside the tree) under a hash of
# all of them, so a re-run spends its time on ecrlite, not on 200 starts of Python.
# A clean machine (CI) has no cache and runs every case; ORACLE_CACHE= turns it off.
cache_dir = os.environ.get("ORACLE_CACHE", os.path.join(os.environ.get("XDG_CACHE_HOME") or
                           os.path.join(os.path.expanduser("~"), ".cache"), "ecrlite-tests", "oracle"))
cli_id = hashlib.sha256(open(oracle, "rb").read() + open("/usr/bin/aws", "rb").read() +
                        subprocess.run(["/usr/bin/aws", "--version"], capture_output=True).stdout).hexdigest()


def oracle_case(argv, answers):
    key = hashlib.sha256(json.dumps([cli_id, argv, answers], sort_keys=True).encode()).hexdigest()
    cached = os.path.join(cache_dir, key + ".json") if cache_dir else None
    if cached and os.path.exists(cached):
        try:
            return json.load(open(cached))
        except ValueError:
            pass
    real = oracle_run(argv, answers)
    if cached:
        os.makedirs(cache_dir, exist_ok=True)
        tmpf = "%s.%d.tmp" % (cached, os.getpid())
        json.dump(real, open(tmpf, "w"))
        os.replace(tmpf, cached)
    return real


def oracle_run(argv, answers):
    args = [oracle]
    status = answers[-1]["status"] if answers else 200
    if answers:
        args += ["--status", str(status)]
        for k, a in enumerate(answers):
            f = os.path.join(tmp, "page-%d-%d.json" % (hash(tuple(argv)) & 0xffffff, k))
            json.dump(a["body"], open(f, "w"))
            args += ["--page", f]
    p = subprocess.run(args + ["--"] + argv, capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "AWS_DEFAULT_REGION": "us-east-2"})
    return json.loads(p.stdout)


# ours runs in order (the state changes), the oracle runs in parallel afterwards
ours = [run_case(i, argv) for i, argv in enumerate(cases)]
passed = failed = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    futures = [pool.submit(oracle_case, argv, ans) for argv, (_, ans) in zip(cases, ours)]
    for argv, (mine, answers), fut in zip(cases, ours, futures):
        real = fut.result()
        # a service error the real CLI retries is asked of our server 3 times
        same = (mine.stdout.decode() == real["stdout"] and mine.stderr.decode() == real["stderr"]
                and mine.returncode == real["exit"])
        if same:
            passed += 1
            continue
        failed += 1
        print("FAIL oracle-diff: aws %s" % " ".join(argv))
        if mine.returncode != real["exit"]:
            print("  exit %d, real %d" % (mine.returncode, real["exit"]))
        import difflib
        for name, a, b in (("stdout", real["stdout"], mine.stdout.decode()), ("stderr", real["stderr"], mine.stderr.decode())):
            if a != b:
                sys.stdout.writelines(list(difflib.unified_diff(a.splitlines(True), b.splitlines(True), "real " + name,
                                                                "ecrlite " + name))[:30])
shutil.rmtree(tmp, ignore_errors=True)
print("oracle-diff: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
