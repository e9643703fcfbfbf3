#!/usr/bin/python3
"""Registry replication: PutReplicationConfiguration's checks, DescribeRegistry, the copy
every push makes (`ecrlite push`, PutImage, the registry's manifest PUT) into other regions
and registries of one state, DescribeImageReplicationStatus, and the real CLI through
`ecrlite serve` printing what ecrlite's aws prints locally. Expected digests, tags and
media types come from the archives the test pushes, never from ecrlite.
usage: replication.py BIN"""
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

# tests/scripts holds a jmespath.py of its own: botocore must import the real one
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
bindir = os.path.abspath(sys.argv[1])
_spec = importlib.util.spec_from_file_location("servelib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "servelib.py"))
servelib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(servelib)
top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
images = os.path.join(top, "../shared/images")
tmp = tempfile.mkdtemp(prefix="replication-")
env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "ECRLITE_HOME": os.path.join(tmp, "state"),
       "AWS_DEFAULT_REGION": "us-east-2", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "ECRLITE_NOW": "2026-11-28T12:00:00Z"}
passed = failed = 0
server = None
ME, OTHER = "000000000000", "111122223333"
ALPINE, SCRATCH = os.path.join(images, "alpine-3.19.oci.tar"), os.path.join(images, "scratch-static.oci.tar")


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL replication: %s %s" % (what, detail))


def run(argv):
    return subprocess.run(argv, env=env, capture_output=True, text=True)


def aws(*args):
    p = run([os.path.join(bindir, "aws"), "ecr", *args])
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        out = p.stdout
    return p.returncode, out, p.stderr


def ok(*args):
    rc, out, err = aws(*args)
    check("aws ecr %s" % " ".join(args[:3]), rc == 0, "exit %d: %s" % (rc, err.strip()))
    return out


def fails(exc, msg, *args):
    rc, out, err = aws(*args)
    want = "An error occurred (%s) when calling the " % exc
    check("aws ecr %s fails with %s" % (args[0], exc), rc == 254 and want in err and msg in err,
          "exit %d: %s" % (rc, err.strip()))


def archive_manifest(path):
    """(digest, media type) of the one image an OCI archive holds, from its index.json"""
    with tarfile.open(path) as t:
        m = json.load(t.extractfile("index.json"))["manifests"][0]
    return m["digest"], m["mediaType"]


def push(archive, ref):
    p = run([os.path.join(bindir, "ecrlite"), "push", archive, ref])
    check("ecrlite push %s" % ref, p.returncode == 0, p.stderr.strip())


def images_in(repo, *where):
    """{digest: (sorted tags, media type)} of repo, or None when it does not exist there"""
    rc, out, err = aws("describe-images", "--repository-name", repo, *where)
    if rc:
        return None if "RepositoryNotFoundException" in err else err
    return {d["imageDigest"]: (sorted(d.get("imageTags", [])), d.get("imageManifestMediaType")) for d in out["imageDetails"]}


def statuses(repo, tag):
    out = ok("describe-image-replication-status", "--repository-name", repo, "--image-id", "imageTag=" + tag)
    return {(s["region"], s["registryId"]): (s["status"], s.get("failureCode")) for s in (out or {}).get("replicationStatuses", [])}


def config(*rules):
    return json.dumps({"rules": list(rules)})


def dest(region, account):
    return {"region": region, "registryId": account}


WEST, CROSS = dest("us-west-2", ME), dest("us-east-2", OTHER)
RULES = [{"destinations": [WEST, CROSS], "repositoryFilters": [{"filter": "prod", "filterType": "PREFIX_MATCH"}]},
         {"destinations": [dest("eu-west-1", ME)], "repositoryFilters": [{"filter": "prod-eu", "filterType": "PREFIX_MATCH"}]}]
A_DIGEST, A_TYPE = archive_manifest(ALPINE)
S_DIGEST, S_TYPE = archive_manifest(SCRATCH)


def index_of(*entries):
    """an OCI image index naming (digest, media type, manifest bytes, platform or None) each"""
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        dict({"mediaType": mt, "digest": d, "size": len(b)}, **({"platform": p} if p else {})) for d, mt, b, p in entries]})


def manifest_bytes(archive, digest):
    with tarfile.open(archive) as t:
        return t.extractfile("blobs/sha256/" + digest.split(":")[1]).read()


def validation():
    r = ok("describe-registry")
    check("no configuration at first", r == {"registryId": ME, "replicationConfiguration": {"rules": []}}, r)
    one = [{"destinations": [WEST]}]
    # the source itself as a destination (moto's words for ECR's refusal)
    fails("InvalidParameterException", "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
          "'Replication destination cannot be the same as the source registry'", "put-replication-configuration",
          "--replication-configuration", config({"destinations": [WEST, dest("us-east-2", ME)]}))
    # 25 unique destinations across all rules (two rules of 13)
    many = [dest("us-west-%d" % i, OTHER) for i in range(26)]
    fails("InvalidParameterException", "at most 25 unique destinations across all rules", "put-replication-configuration",
          "--replication-configuration", config({"destinations": many[:13]}, {"destinations": many[13:]}))
    # the same destination in two rules counts once
    r = ok("put-replication-configuration", "--replication-configuration",
           config({"destinations": many[:13]}, {"destinations": many[:12]}))
    check("a destination in two rules is one", len(r["replicationConfiguration"]["rules"]) == 2, r)
    # the model: at most 10 rules, filterType PREFIX_MATCH only, 25 destinations a rule
    fails("ValidationException", "failed to satisfy constraint: Member must have length less than or equal to 10",
          "put-replication-configuration", "--replication-configuration", config(*(one * 11)))
    fails("ValidationException", "Member must satisfy enum value set: [PREFIX_MATCH]", "put-replication-configuration",
          "--replication-configuration", config({"destinations": [WEST], "repositoryFilters": [{"filter": "prod", "filterType": "WILDCARD"}]}))
    # (its message quotes the list, cut at ecrlite's message cap before the constraint)
    fails("ValidationException", "1 validation error detected: Value '[{\"region\":\"us-west-0\"", "put-replication-configuration",
          "--replication-configuration", config({"destinations": many}))
    # cleared by an empty list
    r = ok("put-replication-configuration", "--replication-configuration", config())
    check("empty rules answered", r == {"replicationConfiguration": {"rules": []}}, r)
    r = ok("describe-registry")
    check("refusals and an empty put leave no configuration", r["replicationConfiguration"] == {"rules": []}, r)


def replicate():
    # pushed before the configuration: never replicated
    ok("create-repository", "--repository-name", "prod-before")
    push(ALPINE, "prod-before:old")
    # and an index over two images, all three pushed before it
    inner = index_of((A_DIGEST, A_TYPE, manifest_bytes(ALPINE, A_DIGEST), {"os": "linux", "architecture": "amd64"}),
                     (S_DIGEST, S_TYPE, manifest_bytes(SCRATCH, S_DIGEST), {"os": "linux", "architecture": "arm64"}))
    inner_digest = "sha256:" + hashlib.sha256(inner.encode()).hexdigest()
    ok("create-repository", "--repository-name", "prod-nest")
    push(ALPINE, "prod-nest:a")
    push(SCRATCH, "prod-nest:s")
    ok("put-image", "--repository-name", "prod-nest", "--image-manifest", inner)
    r = ok("put-replication-configuration", "--replication-configuration", json.dumps({"rules": RULES}))
    check("put answers with the configuration", r == {"replicationConfiguration": {"rules": RULES}}, r)
    r = ok("describe-registry")
    check("describe-registry", r == {"registryId": ME, "replicationConfiguration": {"rules": RULES}}, r)
    check("another region has its own (none)", ok("describe-registry", "--region", "us-west-2")["replicationConfiguration"] == {"rules": []})
    check("an image pushed before is not replicated", images_in("prod-before", "--region", "us-west-2") is None
          and statuses("prod-before", "old") == {})

    # an index naming that index, pushed now: copied with everything under it, however deep
    outer = index_of((inner_digest, "application/vnd.oci.image.index.v1+json", inner.encode(), None))
    ok("put-image", "--repository-name", "prod-nest", "--image-tag", "nest", "--image-manifest", outer)
    check("an index of an index is copied", statuses("prod-nest", "nest") == {("us-west-2", ME): ("COMPLETE", None),
                                                                             ("us-east-2", OTHER): ("COMPLETE", None)},
          statuses("prod-nest", "nest"))
    outer_digest = "sha256:" + hashlib.sha256(outer.encode()).hexdigest()
    check("with the index and the images it names", set(images_in("prod-nest", "--region", "us-west-2") or {}) ==
          {outer_digest, inner_digest, A_DIGEST, S_DIGEST}, images_in("prod-nest", "--region", "us-west-2"))
    for d in (inner_digest, A_DIGEST, S_DIGEST):
        out = ok("describe-image-replication-status", "--repository-name", "prod-nest", "--image-id", "imageDigest=" + d)
        check("each manifest under it has its statuses", sorted(s["status"] for s in out["replicationStatuses"]) ==
              ["COMPLETE", "COMPLETE"], (d, out))

    # a matching repository: same digest, tag and media type in the other region and registry
    ok("create-repository", "--repository-name", "prod-app")
    push(ALPINE, "prod-app:v1")
    want = {A_DIGEST: (["v1"], A_TYPE)}
    check("source", images_in("prod-app") == want, images_in("prod-app"))
    check("cross-region copy", images_in("prod-app", "--region", "us-west-2") == want, images_in("prod-app", "--region", "us-west-2"))
    check("cross-account copy", images_in("prod-app", "--registry-id", OTHER) == want, images_in("prod-app", "--registry-id", OTHER))
    check("no copy for the other rule's filter", images_in("prod-app", "--region", "eu-west-1") is None)
    check("statuses", statuses("prod-app", "v1") == {("us-west-2", ME): ("COMPLETE", None), ("us-east-2", OTHER): ("COMPLETE", None)},
          statuses("prod-app", "v1"))
    r = ok("describe-image-replication-status", "--repository-name", "prod-app", "--image-id", "imageDigest=" + A_DIGEST)
    check("status by digest", r["repositoryName"] == "prod-app" and r["imageId"] == {"imageDigest": A_DIGEST}
          and [s["status"] for s in r["replicationStatuses"]] == ["COMPLETE", "COMPLETE"], r)
    repo = ok("describe-repositories", "--region", "us-west-2", "--repository-names", "prod-app")["repositories"][0]
    check("created with default settings", repo["imageTagMutability"] == "MUTABLE" and
          repo["imageScanningConfiguration"] == {"scanOnPush": False} and repo["encryptionConfiguration"] == {"encryptionType": "AES256"}
          and repo["repositoryArn"] == "arn:aws:ecr:us-west-2:%s:repository/prod-app" % ME, repo)
    # the layers are served there: the same bytes, linked
    layer = ok("batch-get-image", "--repository-name", "prod-app", "--image-ids", "imageTag=v1")["images"][0]["imageManifest"]
    ldigest = json.loads(layer)["layers"][0]["digest"]
    r = ok("batch-check-layer-availability", "--repository-name", "prod-app", "--region", "us-west-2", "--layer-digests", ldigest)
    check("the layer is available in the copy", r["layers"][0]["layerAvailability"] == "AVAILABLE", r)
    blobs = os.path.join(env["ECRLITE_HOME"], "blobs")
    n = sum(len(f) for _, _, f in os.walk(blobs)) if os.path.isdir(blobs) else -1
    # a repository that does not match
    ok("create-repository", "--repository-name", "dev-app")
    push(ALPINE, "dev-app:v1")
    check("a repository no filter matches is not replicated", images_in("dev-app", "--region", "us-west-2") is None
          and images_in("dev-app", "--registry-id", OTHER) is None and statuses("dev-app", "v1") == {})
    check("no blob bytes copied", n == (sum(len(f) for _, _, f in os.walk(blobs)) if os.path.isdir(blobs) else -1))

    # a tag moved in the source moves in the destinations
    push(SCRATCH, "prod-app:v1")
    moved = {A_DIGEST: ([], A_TYPE), S_DIGEST: (["v1"], S_TYPE)}
    check("tag moved at the source", images_in("prod-app") == moved, images_in("prod-app"))
    check("tag moved in the region", images_in("prod-app", "--region", "us-west-2") == moved, images_in("prod-app", "--region", "us-west-2"))
    check("tag moved in the registry", images_in("prod-app", "--registry-id", OTHER) == moved)

    # an IMMUTABLE destination refuses a moved tag: that destination alone is FAILED
    ok("create-repository", "--repository-name", "prod-imm")
    ok("create-repository", "--repository-name", "prod-imm", "--registry-id", OTHER, "--image-tag-mutability", "IMMUTABLE")
    push(ALPINE, "prod-imm:t")
    check("immutable destination takes a new tag", statuses("prod-imm", "t") == {("us-west-2", ME): ("COMPLETE", None),
                                                                               ("us-east-2", OTHER): ("COMPLETE", None)})
    push(SCRATCH, "prod-imm:t")
    check("moved tag refused there: FAILED", statuses("prod-imm", "t") == {
        ("us-west-2", ME): ("COMPLETE", None), ("us-east-2", OTHER): ("FAILED", "ImageTagAlreadyExistsException")},
        statuses("prod-imm", "t"))
    check("the refused destination is unchanged", images_in("prod-imm", "--registry-id", OTHER) == {A_DIGEST: (["t"], A_TYPE)},
          images_in("prod-imm", "--registry-id", OTHER))
    check("the other destination moved", images_in("prod-imm", "--region", "us-west-2") == {A_DIGEST: ([], A_TYPE), S_DIGEST: (["t"], S_TYPE)})
    check("the source moved", images_in("prod-imm") == {A_DIGEST: ([], A_TYPE), S_DIGEST: (["t"], S_TYPE)})
    # an index over both, tagged t too: refused there again; its images keep what their own
    # pushes did there (alpine is in that registry, copied by its push), the index is FAILED
    bodies = {}
    for archive, digest in ((ALPINE, A_DIGEST), (SCRATCH, S_DIGEST)):
        with tarfile.open(archive) as t:
            bodies[digest] = t.extractfile("blobs/sha256/" + digest.split(":")[1]).read()
    index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": mt, "digest": d, "size": len(bodies[d]), "platform": {"os": "linux", "architecture": arch}}
        for d, mt, arch in ((A_DIGEST, A_TYPE, "amd64"), (S_DIGEST, S_TYPE, "arm64"))]})
    ok("put-image", "--repository-name", "prod-imm", "--image-tag", "t", "--image-manifest", index)
    check("the refused index is FAILED there", statuses("prod-imm", "t") == {
        ("us-west-2", ME): ("COMPLETE", None), ("us-east-2", OTHER): ("FAILED", "ImageTagAlreadyExistsException")},
        statuses("prod-imm", "t"))
    out = ok("describe-image-replication-status", "--repository-name", "prod-imm", "--image-id", "imageDigest=" + A_DIGEST)
    check("an image the index names keeps its own COMPLETE", {(s["region"], s["registryId"]): s["status"] for s in
          out["replicationStatuses"]} == {("us-west-2", ME): "COMPLETE", ("us-east-2", OTHER): "COMPLETE"}, out)

    # `ecrlite push` of an index archive: the index and its images are copied, and each of
    # its images says so in its own statuses, as the registry's pushes of them (by digest,
    # each a push of its own) would
    idx = os.path.join(tmp, "index.tar")
    subprocess.run(["/usr/bin/python3", os.path.join(top, "tests/scripts/make_index_archive.py"), ALPINE, idx, "multi"],
                   check=True, capture_output=True)
    with tarfile.open(idx) as t:
        top_digest = json.load(t.extractfile("index.json"))["manifests"][0]["digest"]
        kids = [m["digest"] for m in json.load(t.extractfile("blobs/sha256/" + top_digest.split(":")[1]))["manifests"]]
    ok("create-repository", "--repository-name", "prod-multi")
    push(idx, "prod-multi:multi")
    check("the index and its images copied", set(images_in("prod-multi", "--region", "us-west-2") or {}) == {top_digest, *kids},
          images_in("prod-multi", "--region", "us-west-2"))
    both = {("us-west-2", ME): ("COMPLETE", None), ("us-east-2", OTHER): ("COMPLETE", None)}
    for k in kids:
        out = ok("describe-image-replication-status", "--repository-name", "prod-multi", "--image-id", "imageDigest=" + k)
        got = {(s["region"], s["registryId"]): (s["status"], s.get("failureCode")) for s in (out or {}).get("replicationStatuses", [])}
        check("an index's image has its statuses", got == both, (k, got))

    # deletions are not replicated
    ok("batch-delete-image", "--repository-name", "prod-app", "--image-ids", "imageDigest=" + A_DIGEST)
    check("deleted at the source only", A_DIGEST not in images_in("prod-app") and A_DIGEST in images_in("prod-app", "--region", "us-west-2"))

    # the destination's scanning configuration decides its scan on push
    ok("put-registry-scanning-configuration", "--region", "us-west-2", "--scan-type", "BASIC", "--rules",
       json.dumps([{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "prod-scan*", "filterType": "WILDCARD"},
                                                                           {"filter": "prod-before", "filterType": "WILDCARD"}]}]))
    ok("create-repository", "--repository-name", "prod-scan")
    push(ALPINE, "prod-scan:v1")
    src = ok("describe-images", "--repository-name", "prod-scan")["imageDetails"][0]
    dst = ok("describe-images", "--repository-name", "prod-scan", "--region", "us-west-2")["imageDetails"][0]
    other = ok("describe-images", "--repository-name", "prod-scan", "--registry-id", OTHER)["imageDetails"][0]
    check("scanned on push where the registry says so", "imageScanStatus" in dst and "imageScanStatus" not in src
          and "imageScanStatus" not in other, (src, dst, other))
    # a copy scanned in the other registry: its scan event is that registry's (account and
    # ARN), not the source's, which scanned nothing
    ok("create-repository", "--repository-name", "prod-acct")
    ok("create-repository", "--repository-name", "prod-acct", "--registry-id", OTHER, "--image-scanning-configuration",
       "scanOnPush=true")
    push(ALPINE, "prod-acct:v1")
    with open(os.path.join(env["ECRLITE_HOME"], "events.jsonl")) as f:
        evs = [e for e in map(json.loads, f) if e["detail-type"] == "ECR Image Scan"
               and e["detail"]["repository-name"] == "prod-acct"]
    check("the cross-account copy's scan event is the destination's", [(e["account"], e["region"], e["resources"]) for e in evs]
          == [(OTHER, "us-east-2", ["arn:aws:ecr:us-east-2:%s:repository/prod-acct" % OTHER])], evs)
    # a copy is not replicated further: us-west-2's own rules would send it back
    ok("put-replication-configuration", "--region", "us-west-2", "--replication-configuration",
       config({"destinations": [dest("ap-south-1", ME)]}))
    push(ALPINE, "prod-chain:v1") if ok("create-repository", "--repository-name", "prod-chain") else None
    check("replicas are not replicated again", images_in("prod-chain", "--region", "us-west-2") == {A_DIGEST: (["v1"], A_TYPE)}
          and images_in("prod-chain", "--region", "ap-south-1") is None)
    ok("put-replication-configuration", "--region", "us-west-2", "--replication-configuration", config())

    # the errors of the status call
    fails("RepositoryNotFoundException", "The repository with name 'nope' does not exist", "describe-image-replication-status",
          "--repository-name", "nope", "--image-id", "imageTag=v1")
    fails("ImageNotFoundException", "", "describe-image-replication-status", "--repository-name", "prod-app",
          "--image-id", "imageTag=nope")


def index_and_put_image(endpoint):
    """PutImage and the registry's manifest PUT replicate too; an index brings its images"""
    try:
        import boto3
    except ImportError:
        print("replication: boto3 is missing; PutImage and the manifest PUT are not checked")
        return
    import urllib.request
    c = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-2", aws_access_key_id="AKIDEXAMPLE",
                     aws_secret_access_key="secret")
    west = boto3.client("ecr", endpoint_url=endpoint, region_name="us-west-2", aws_access_key_id="AKIDEXAMPLE",
                        aws_secret_access_key="secret")
    c.create_repository(repositoryName="prod-idx")
    bodies = {}
    for archive, digest in ((ALPINE, A_DIGEST), (SCRATCH, S_DIGEST)):
        with tarfile.open(archive) as t:
            bodies[digest] = t.extractfile("blobs/sha256/" + digest.split(":")[1]).read().decode()
    # PutImage of alpine's manifest with a second tag, into a repository it was pushed to
    c.create_repository(repositoryName="prod-put")
    push(ALPINE, "prod-put:first")
    c.put_image(repositoryName="prod-put", imageManifest=bodies[A_DIGEST], imageTag="second")
    got = west.describe_images(repositoryName="prod-put")["imageDetails"]
    check("PutImage replicates", [(d["imageDigest"], sorted(d["imageTags"])) for d in got] == [(A_DIGEST, ["first", "second"])], got)
    # PutImage of a new tag on the image pushed before the configuration: now copied, and
    # scanned on push there (us-west-2 scans prod-before), not at the source
    c.put_image(repositoryName="prod-before", imageManifest=bodies[A_DIGEST], imageTag="later")
    got = west.describe_images(repositoryName="prod-before")["imageDetails"]
    src = c.describe_images(repositoryName="prod-before")["imageDetails"]
    check("PutImage's copy scanned on push there", [(d["imageDigest"], d["imageTags"]) for d in got] == [(A_DIGEST, ["later"])]
          and got[0].get("imageScanStatus", {}).get("status") in ("COMPLETE", "IN_PROGRESS") and "imageScanStatus" not in src[0], (got, src))
    # the registry's manifest PUT (what docker and skopeo push with) of an index over both
    index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": A_TYPE, "digest": A_DIGEST, "size": len(bodies[A_DIGEST].encode()), "platform": {"os": "linux", "architecture": "amd64"}},
        {"mediaType": S_TYPE, "digest": S_DIGEST, "size": len(bodies[S_DIGEST].encode()), "platform": {"os": "linux", "architecture": "arm64"}}]})
    idx_digest = "sha256:" + hashlib.sha256(index.encode()).hexdigest()
    for archive, tag in ((ALPINE, "a"), (SCRATCH, "s")):
        push(archive, "prod-idx:" + tag)
    auth = c.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    req = urllib.request.Request("%s/v2/prod-idx/manifests/multi" % endpoint, data=index.encode(), method="PUT",
                                 headers={"Authorization": "Basic " + auth, "Content-Type": "application/vnd.oci.image.index.v1+json"})
    try:
        with urllib.request.urlopen(req) as resp:
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
    check("manifest PUT of the index", status == 201, status)
    got = {d["imageDigest"]: sorted(d.get("imageTags", [])) for d in west.describe_images(repositoryName="prod-idx")["imageDetails"]}
    check("the index and its images replicated", got == {idx_digest: ["multi"], A_DIGEST: ["a"], S_DIGEST: ["s"]}, got)
    r = c.describe_image_replication_status(repositoryName="prod-idx", imageId={"imageTag": "multi"})
    check("boto3 describe_image_replication_status", [(s["region"], s["registryId"], s["status"]) for s in r["replicationStatuses"]]
          == [("us-west-2", ME, "COMPLETE"), ("us-east-2", OTHER, "COMPLETE")], r)


def start_server():
    global server
    server, endpoint = servelib.start(bindir, env, tmp, "replication")
    return endpoint


def real_cli(endpoint):
    """the real CLI through the server prints what ecrlite's aws prints locally"""
    for args in (["describe-registry"], ["describe-registry", "--output", "text"], ["describe-registry", "--output", "table"],
                 ["describe-registry", "--region", "us-west-2"],
                 ["put-replication-configuration", "--replication-configuration", json.dumps({"rules": RULES})],
                 ["put-replication-configuration", "--replication-configuration", config({"destinations": [dest("us-east-2", ME)]})],
                 ["put-replication-configuration", "--replication-configuration",
                  config({"destinations": [WEST], "repositoryFilters": [{"filter": "prod", "filterType": "WILDCARD"}]})],
                 ["describe-image-replication-status", "--repository-name", "prod-imm", "--image-id", "imageTag=t"],
                 ["describe-image-replication-status", "--repository-name", "prod-imm", "--image-id", "imageTag=t", "--output", "text"],
                 ["describe-image-replication-status", "--repository-name", "prod-before", "--image-id", "imageTag=old"],
                 ["describe-image-replication-status", "--repository-name", "prod-app", "--image-id", "imageTag=gone"],
                 ["describe-images", "--repository-name", "prod-app", "--region", "us-west-2", "--query", "imageDetails[].imageTags"],
                 ["describe-images", "--repository-name", "prod-imm", "--registry-id", OTHER, "--query", "imageDetails[].imageDigest"]):
        real = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "ecr", *args], env=env, capture_output=True, text=True)
        mine = run([os.path.join(bindir, "aws"), "ecr", *args])
        check("real CLI through serve: %s" % " ".join(args[:3]), (real.returncode, real.stdout, real.stderr) ==
              (mine.returncode, mine.stdout, mine.stderr), "\nreal %r\nours %r" % ((real.returncode, real.stdout, real.stderr),
                                                                                   (mine.returncode, mine.stdout, mine.stderr)))


def lua_calls():
    """Lua's generic calls reach the same rows: a copy seen through ecr.describe_image_replication_status"""
    code = ("local ok, e = pcall(ecr.put_replication_configuration, {replicationConfiguration={rules={{destinations="
            "{{region='us-east-2', registryId='%s'}}}}}}); print(ok, e.code)\n"
            "local s = ecr.describe_image_replication_status{repositoryName='prod-app', imageId={imageTag='v1'}}\n"
            "for _, x in ipairs(s.replicationStatuses) do print(x.region, x.registryId, x.status) end\n"
            "print(#ecr.describe_registry().replicationConfiguration.rules)" % ME)
    p = run([os.path.join(bindir, "ecrlite"), "lua", "-e", code])
    check("lua replication calls", p.returncode == 0 and p.stdout == "false\tInvalidParameterException\n"
          "us-west-2\t%s\tCOMPLETE\nus-east-2\t%s\tCOMPLETE\n%d\n" % (ME, OTHER, len(RULES)), repr((p.returncode, p.stdout, p.stderr)))


def cleared():
    ok("put-replication-configuration", "--replication-configuration", config())
    ok("create-repository", "--repository-name", "prod-after")
    push(ALPINE, "prod-after:v1")
    check("after clearing nothing is replicated", images_in("prod-after", "--region", "us-west-2") is None
          and statuses("prod-after", "v1") == {})


def state_failure():
    """a state error inside the copy fails the push whole: no image at the source, no
    repository created there, no blob file left (a trigger makes the status row fail)"""
    import sqlite3
    ok("put-replication-configuration", "--replication-configuration", config({"destinations": [WEST]}))
    ok("create-repository", "--repository-name", "boom")
    blobs = os.path.join(env["ECRLITE_HOME"], "blobs")
    before = sorted(os.path.join(d, f) for d, _, fs in os.walk(blobs) for f in fs)
    db = sqlite3.connect(os.path.join(env["ECRLITE_HOME"], "ecrlite.db"))
    db.execute("CREATE TRIGGER boom BEFORE INSERT ON image_replication BEGIN SELECT RAISE(ABORT, 'boom'); END")
    db.commit()
    p = run([os.path.join(bindir, "ecrlite"), "push", os.path.join(images, "debian-bookworm-layered.oci.tar"), "boom:v1"])
    db.execute("DROP TRIGGER boom")
    db.commit()
    db.close()
    check("a state error in the copy fails the push", p.returncode == 1 and "boom" in p.stderr, p.stderr)
    check("nothing of it stays", images_in("boom") == {} and images_in("boom", "--region", "us-west-2") is None and
          sorted(os.path.join(d, f) for d, _, fs in os.walk(blobs) for f in fs) == before, images_in("boom"))
    ok("put-replication-configuration", "--replication-configuration", config())


try:
    validation()
    replicate()
    lua_calls()
    if os.path.exists("/usr/bin/aws"):
        endpoint = start_server()
        check("serve starts", endpoint is not None)
        if endpoint:
            index_and_put_image(endpoint)
            real_cli(endpoint)
    else:
        print("replication: /usr/bin/aws is missing; the serve checks are skipped")
    cleared()
    state_failure()
finally:
    servelib.stop(server)
    shutil.rmtree(tmp, ignore_errors=True)
print("replication: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
