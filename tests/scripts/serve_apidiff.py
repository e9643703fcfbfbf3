#!/usr/bin/python3
"""The ECR JSON API as `ecrlite serve` answers it, differentially: every operation of
botocore's model through boto3 (endpoint_url) with a valid minimal request and with the
invalid inputs botocore sends when its own validation is off (missing required members,
lengths, values, patterns and enums out of range), each answered with the same
exception, message and status as the core gives the same request locally (Lua's
generic calls, one process for the batch); wrong JSON types and unknown members sent
by hand; every paginator to its end over more items than a page; both waiters; the
dispatch failures (serve.md §1.2) and SigV4 as botocore signs and as built by hand
(§2). One server over a fresh state.
usage: serve_apidiff.py BIN"""
import atexit
import base64
import datetime
import hashlib
import hmac
import http.client
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# tests/scripts holds a jmespath.py of its own: botocore must import the real one
here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != here]
import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

bindir = os.path.abspath(sys.argv[1])
top = os.path.abspath(os.path.join(here, "../.."))
shared = os.path.join(top, "../shared")
_spec = importlib.util.spec_from_file_location("servelib", os.path.join(here, "servelib.py"))
servelib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(servelib)
MODEL = "/usr/lib/python3/dist-packages/botocore/data/ecr/2015-09-21"
PREFIX = "AmazonEC2ContainerRegistry_V20150921"
REGION = "us-east-2"
passed = failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL serve-apidiff: %s %s" % (what, detail))


images = os.path.join(shared, "images")
if not os.path.isdir(images) or not os.path.exists(os.path.join(MODEL, "service-2.json")):
    print("serve-apidiff: ../shared/images or botocore's ECR model is missing; skipping")
    print("serve-apidiff: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)
model = json.load(open(os.path.join(MODEL, "service-2.json")))
shapes = model["shapes"]
tmp = tempfile.mkdtemp(prefix="serve-apidiff-")
env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "ECRLITE_HOME": os.path.join(tmp, "state"),
       "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_CONFIG_FILE": "/dev/null",
       "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}


def sh(*args):
    p = subprocess.run(list(args), env=env, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit("serve-apidiff: %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout


def snake(op):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower()


# ---- the core locally: one Lua process answers a batch of (operation, request) ----
LUA = r'''
local cases = ecr.json.decode(io.read("a"))
local out = {}
for i, c in ipairs(cases) do
  local ok, r = pcall(ecr[c[1]], ecr.json.decode(c[2]))
  if ok then out[i] = {"ok", ecr.json.encode(r)}
  elseif type(r) == "table" then out[i] = {r.code, r.message}
  else out[i] = {"lua", tostring(r)} end
end
io.write(ecr.json.encode(out))
'''


def b64(v):
    """a blob as the wire carries it (botocore base64-encodes bytes)"""
    return base64.b64encode(v).decode()


def local_batch(cases):
    """[(op, request dict)] -> [(code or "ok", message or response JSON)]"""
    if not cases:
        return []
    src = os.path.join(tmp, "batch.lua")
    with open(src, "w") as f:
        f.write(LUA)
    p = subprocess.run([os.path.join(bindir, "ecrlite"), "lua", src], env=env, capture_output=True, text=True,
                       input=json.dumps([[snake(op), json.dumps(req, default=b64)] for op, req in cases]))
    if p.returncode:
        raise SystemExit("serve-apidiff: the local batch failed: %s" % p.stderr)
    return [(x[0], as_served(x[1])) for x in json.loads(p.stdout)]


def local_cli(op, req):
    """(code or "ok", message) of `aws ecr OP --cli-input-json` locally: the path that
    reads JSON as the wire carries it, a \\u0000 too (Lua's decoder refuses one)"""
    path = os.path.join(tmp, "input.json")
    with open(path, "w") as f:
        json.dump(req, f, default=b64)
    p = subprocess.run([os.path.join(bindir, "aws"), "ecr", snake(op).replace("_", "-"), "--cli-input-json",
                        "file://" + path, "--output", "json"], env=env, capture_output=True, text=True)
    if p.returncode == 0:
        return "ok", as_served(p.stdout)
    m = re.fullmatch(r"\nAn error occurred \((\w+)\) when calling the \w+ operation: (.*)\n", p.stderr, re.S)
    return (m.group(1), m.group(2)) if m else ("cli", p.stderr)


# ---- the state ----
sh(os.path.join(bindir, "ecrlite"), "vulndb", "import", os.path.join(shared, "data/alpine-secdb/v3.19-main.subset.json"))
aws = os.path.join(bindir, "aws")
sh(aws, "ecr", "create-repository", "--repository-name", "app")
for i in range(7):
    sh(aws, "ecr", "create-repository", "--repository-name", "page/r%d" % i)
ecrlite = os.path.join(bindir, "ecrlite")
sh(ecrlite, "push", os.path.join(images, "alpine-3.19.oci.tar"), "app:alpine")
sh(ecrlite, "push", os.path.join(images, "scratch-static.oci.tar"), "app:scratch")
sh(ecrlite, "push", os.path.join(images, "alpine-3.18.docker.tar"), "app:a318")
sh(ecrlite, "push", os.path.join(images, "broken/truncated-layer.oci.tar"), "app:broken")
manifest = json.loads(sh(aws, "ecr", "batch-get-image", "--repository-name", "app", "--image-ids", "imageTag=alpine",
                         "--output", "json"))["images"][0]["imageManifest"]
for i in range(5):
    sh(aws, "ecr", "put-image", "--repository-name", "app", "--image-tag", "t%d" % i, "--image-manifest", manifest)

server, endpoint = servelib.start(bindir, env, tmp, "serve-apidiff")
ECR_HOST = "000000000000.dkr.ecr.%s.amazonaws.com/" % REGION


def as_served(text):
    """a local answer as the server words it: served, a repositoryUri names the host the
    client reached (127.0.0.1:PORT/NAME), as proxyEndpoint does; locally ECR's host"""
    return text.replace(ECR_HOST, endpoint.split("://", 1)[1] + "/") if isinstance(text, str) else text
atexit.register(servelib.stop, server)  # a check that raises leaves no server behind
if not endpoint:
    print("serve-apidiff: 0 passed, 1 failed")
    sys.exit(1)
host = endpoint[len("http://"):]
cfg = botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1})
ecr = boto3.client("ecr", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="AKIDEXAMPLE",
                   aws_secret_access_key="secret", config=cfg)


def boto(op, req):
    """(status, code or "ok", message or response) of op through boto3"""
    try:
        r = getattr(ecr, snake(op))(**req)
        return r["ResponseMetadata"]["HTTPStatusCode"], "ok", r
    except botocore.exceptions.ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"], e.response["Error"]["Message"]


# ---- requests signed by hand ----
def sign(headers, body, secret="secret", key="AKIDEXAMPLE", region=REGION, service="ecr", amz=None, signed=None,
         scope_date=None):
    """the Authorization value for POST / with headers (a dict, or (name, value) pairs: a
    name twice is one header of both values), SigV4 as serve.md §2.2-2.3"""
    pairs = list(headers.items()) if isinstance(headers, dict) else headers
    signed = signed or sorted({k.lower() for k, _ in pairs})
    lower = {}
    for k, v in pairs:
        lower.setdefault(k.lower(), []).append(" ".join(str(v).split()))
    creq = "POST\n/\n\n%s\n%s\n%s" % ("".join("%s:%s\n" % (h, ",".join(lower.get(h, [""]))) for h in signed),
                                      ";".join(signed),
                                      hashlib.sha256(body).hexdigest())
    d = scope_date or amz[:8]
    scope = "%s/%s/%s/aws4_request" % (d, region, service)
    sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz, scope, hashlib.sha256(creq.encode()).hexdigest())
    k = ("AWS4" + secret).encode()
    for m in (d, region, service, "aws4_request"):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    return "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        key, scope, ";".join(signed), hmac.new(k, sts.encode(), hashlib.sha256).hexdigest())


def amz_date(offset=0):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + offset))


def raw(op, body=b"{}", headers=None, method="POST", path="/", auth=True, sign_kw=None, extra=None, again=()):
    """(status, body as parsed JSON or text, response headers) of a request built here;
    headers replace the defaults (None values drop one), extra are added unsigned, again
    are (name, value) pairs sent and signed after the others (a name twice)"""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    h = {"Host": host, "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": amz_date()}
    if op is not None:
        h["X-Amz-Target"] = op if "." in op else PREFIX + "." + op
    for k, v in (headers or {}).items():
        for old in [o for o in h if o.lower() == k.lower()]:
            del h[old]
        if v is not None:
            h[k] = v
    if auth:
        kw = dict(sign_kw or {})
        kw.setdefault("amz", h.get("X-Amz-Date") or amz_date())
        h["Authorization"] = sign(list(h.items()) + list(again), body, **kw) if auth is True else auth
    c = http.client.HTTPConnection(host, timeout=60)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in list(h.items()) + list(again) + list((extra or {}).items()):
        c.putheader(k, v)
    if not any(k.lower() == "content-length" for k in h):
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    c.close()
    try:
        text = json.loads(text)
    except ValueError:
        pass
    return r.status, text, {k.lower(): v for k, v in r.getheaders()}


def norm(v):
    """v with empty lists and objects alike: Lua's tables cannot tell [] from {}"""
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()} if v else []
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def err_of(resp):
    """(status, __type, message) of a raw answer"""
    s, b, _ = resp
    return (s, b.get("__type"), b.get("message")) if isinstance(b, dict) else (s, None, b)


ACCOUNT = "000000000000"
ARN = "arn:aws:ecr:%s:%s:repository/app" % (REGION, ACCOUNT)
LAYER = json.loads(manifest)["layers"][0]["digest"]
# a policy runs when put: this one selects nothing here; PREVIEW (previewed, never put) most
LP = json.dumps({"rules": [{"rulePriority": 1, "description": "none here", "selection": {
    "tagStatus": "tagged", "tagPrefixList": ["zz"], "countType": "imageCountMoreThan", "countNumber": 1},
    "action": {"type": "expire"}}]})
PREVIEW = json.dumps({"rules": [{"rulePriority": 1, "description": "keep 1", "selection": {
    "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]})
RP = json.dumps({"Version": "2008-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": "*",
                                                          "Action": ["ecr:BatchGetImage"]}]})
REGP = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "repl", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
     "Resource": "arn:aws:ecr:%s:%s:repository/*" % (REGION, ACCOUNT)}]})
BLOB = b"a layer part of serve_apidiff"
# a valid minimal request of every operation on this state, in an order where each
# runs (a Get after its Put); the invalid inputs below are these with one member broken
VALID = [
    ("DescribeRepositories", {}),
    ("DescribeImages", {"repositoryName": "app"}),
    ("ListImages", {"repositoryName": "app"}),
    ("BatchCheckLayerAvailability", {"repositoryName": "app", "layerDigests": [LAYER]}),
    ("BatchGetImage", {"repositoryName": "app", "imageIds": [{"imageTag": "alpine"}]}),
    ("BatchGetRepositoryScanningConfiguration", {"repositoryNames": ["app"]}),
    ("DescribeImageReplicationStatus", {"repositoryName": "app", "imageId": {"imageTag": "alpine"}}),
    ("DescribePullThroughCacheRules", {}),
    ("DescribeRegistry", {}),
    ("GetAuthorizationToken", {}),
    ("GetDownloadUrlForLayer", {"repositoryName": "app", "layerDigest": LAYER}),
    ("GetRegistryScanningConfiguration", {}),
    ("ListTagsForResource", {"resourceArn": ARN}),
    ("CreateRepository", {"repositoryName": "made"}),
    ("DeleteRepository", {"repositoryName": "made"}),
    ("CreatePullThroughCacheRule", {"ecrRepositoryPrefix": "ptc", "upstreamRegistryUrl": "public.ecr.aws"}),
    ("DeletePullThroughCacheRule", {"ecrRepositoryPrefix": "ptc"}),
    ("PutImage", {"repositoryName": "app", "imageManifest": manifest, "imageTag": "put1"}),
    ("BatchDeleteImage", {"repositoryName": "app", "imageIds": [{"imageTag": "put1"}]}),
    ("PutImageScanningConfiguration", {"repositoryName": "app", "imageScanningConfiguration": {"scanOnPush": False}}),
    ("PutImageTagMutability", {"repositoryName": "app", "imageTagMutability": "MUTABLE"}),
    ("PutLifecyclePolicy", {"repositoryName": "app", "lifecyclePolicyText": LP}),
    ("GetLifecyclePolicy", {"repositoryName": "app"}),
    ("StartLifecyclePolicyPreview", {"repositoryName": "app"}),
    ("GetLifecyclePolicyPreview", {"repositoryName": "app"}),
    ("DeleteLifecyclePolicy", {"repositoryName": "app"}),
    ("SetRepositoryPolicy", {"repositoryName": "app", "policyText": RP}),
    ("GetRepositoryPolicy", {"repositoryName": "app"}),
    ("DeleteRepositoryPolicy", {"repositoryName": "app"}),
    ("PutRegistryPolicy", {"policyText": REGP}),
    ("GetRegistryPolicy", {}),
    ("DeleteRegistryPolicy", {}),
    ("PutRegistryScanningConfiguration", {"scanType": "BASIC"}),
    ("PutReplicationConfiguration", {"replicationConfiguration": {"rules": []}}),
    ("TagResource", {"resourceArn": ARN, "tags": [{"Key": "k", "Value": "v"}]}),
    ("UntagResource", {"resourceArn": ARN, "tagKeys": ["k"]}),
    ("StartImageScan", {"repositoryName": "app", "imageId": {"imageTag": "alpine"}}),
    ("DescribeImageScanFindings", {"repositoryName": "app", "imageId": {"imageTag": "alpine"}}),
    ("InitiateLayerUpload", {"repositoryName": "app"}),
    ("UploadLayerPart", {"repositoryName": "app", "uploadId": None, "partFirstByte": 0,
                         "partLastByte": len(BLOB) - 1, "layerPartBlob": BLOB}),
    ("CompleteLayerUpload", {"repositoryName": "app", "uploadId": None,
                             "layerDigests": ["sha256:" + hashlib.sha256(BLOB).hexdigest()]}),
]
READ_ONLY = {"DescribeRepositories", "DescribeImages", "ListImages", "BatchCheckLayerAvailability",
             "BatchGetRepositoryScanningConfiguration", "DescribeImageReplicationStatus", "DescribePullThroughCacheRules",
             "DescribeRegistry", "GetRegistryScanningConfiguration", "ListTagsForResource", "GetLifecyclePolicy",
             "GetLifecyclePolicyPreview", "GetRepositoryPolicy", "GetRegistryPolicy"}
check("every operation of the model has a valid request here", sorted(op for op, _ in VALID) == sorted(model["operations"]),
      sorted(set(model["operations"]) ^ {op for op, _ in VALID}))

last_body = {}


def keep_body(http_response, **kw):
    last_body["b"] = http_response.content


def shape_problems(shape_name, v, path, out):
    """what in v (a JSON answer) its model shape does not allow: a type, an enum value, a
    member the model lacks (strict SDKs - Go's, JS v3's - read by the model)"""
    sh_ = shapes[shape_name]
    t = sh_["type"]
    ok = {"structure": dict, "map": dict, "list": list, "string": str, "blob": str, "boolean": bool,
          "integer": int, "long": int, "timestamp": (int, float), "double": (int, float), "float": (int, float)}[t]
    if not isinstance(v, ok) or (t in ("integer", "long", "timestamp", "double", "float") and isinstance(v, bool)):
        out.append("%s: %r is not a %s" % (path, v, t))
    elif t == "structure":
        for k, x in v.items():
            if k not in sh_["members"]:
                out.append("%s.%s: not a member of %s" % (path, k, shape_name))
            else:
                shape_problems(sh_["members"][k]["shape"], x, "%s.%s" % (path, k), out)
    elif t == "list":
        for i, x in enumerate(v):
            shape_problems(sh_["member"]["shape"], x, "%s[%d]" % (path, i), out)
    elif t == "map":
        for k, x in v.items():
            shape_problems(sh_["value"]["shape"], x, "%s.%s" % (path, k), out)
    elif t == "string" and "enum" in sh_ and v not in sh_["enum"]:
        out.append("%s: %r is not one of %s" % (path, v, sh_["enum"]))


ecr.meta.events.register("after-call.ecr", keep_body)
upload = None
for op, req in VALID:
    if "uploadId" in req:
        req["uploadId"] = upload
    st, code, r = boto(op, req)
    check("%s: a valid request" % op, st == 200 and code == "ok", (st, code, r))
    if op == "InitiateLayerUpload" and code == "ok":
        upload = r["uploadId"]
    if code == "ok":
        bad = []
        shape_problems(model["operations"][op]["output"]["shape"], json.loads(last_body["b"]), op, bad)
        check("%s: the answer is the model's output shape" % op, not bad, bad)
    if op in READ_ONLY and code == "ok":
        served = json.loads(last_body["b"])
        (lcode, lout), = local_batch([(op, req)])
        check("%s: served = local" % op, lcode == "ok" and norm(json.loads(lout)) == norm(served), (lcode, lout, served))


# ---- invalid inputs botocore sends with its validation off: each the valid request
# with one member broken, answered by the server as by the core locally ----
def breaking(shape_name, value):
    """(what, broken value) pairs that break one constraint of shape_name's"""
    s = shapes[shape_name]
    t, out = s["type"], []
    if t == "string":
        if "enum" in s:
            out.append(("enum", "NOT_AN_ENUM_VALUE"))
        lo, hi = s.get("min", 0), s.get("max")
        if lo > 0:
            out.append(("min length", "a" * (lo - 1)))
        if hi is not None and hi < 100000:
            out.append(("max length", "a" * (hi + 1)))
        # a JSON \u0000 inside: the core refuses it by its pattern or by name
        out.append(("NUL", "a\u0000" + "a" * max(0, lo - 2)))
        if "pattern" in s:
            for cand in ("NOT VALID!", "a b", "\u2603", "!"):
                v = cand * max(1, -(-lo // len(cand)))
                if (hi is None or len(v) <= hi) and not re.fullmatch(s["pattern"].lstrip("^").rstrip("$"), v):
                    out.append(("pattern", v))
                    break
    elif t in ("integer", "long"):
        if "min" in s:
            out.append(("min value", s["min"] - 1))
        if "max" in s:
            out.append(("max value", s["max"] + 1))
    elif t == "list":
        elem = value[0] if isinstance(value, list) and value else None
        if s.get("min", 0) > 0:
            out.append(("empty list", []))
        if "max" in s and elem is not None and s["max"] < 1000:
            out.append(("list too long", [elem] * (s["max"] + 1)))
        if elem is not None:
            out += [("element " + w, [v]) for w, v in breaking(s["member"]["shape"], elem)]
    elif t == "structure" and isinstance(value, dict):
        for m, ms in s["members"].items():
            if m in value:
                out += [("%s.%s" % (m, w), dict(value, **{m: v})) for w, v in breaking(ms["shape"], value[m])]
        for m in s.get("required", []):
            if m in value:
                out.append(("%s missing" % m, {k: v for k, v in value.items() if k != m}))
    return out


# the optional members of structure and list type too, in requests that carry them
FULL = [
    ("CreateRepository", {"repositoryName": "full", "tags": [{"Key": "k", "Value": "v"}], "imageTagMutability": "MUTABLE",
                          "imageScanningConfiguration": {"scanOnPush": True},
                          "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:x"}}),
    ("DescribeImages", {"repositoryName": "app", "filter": {"tagStatus": "TAGGED"}, "maxResults": 5}),
    ("ListImages", {"repositoryName": "app", "filter": {"tagStatus": "TAGGED"}, "maxResults": 5}),
    ("DescribeImageScanFindings", {"repositoryName": "app", "imageId": {"imageDigest": "sha256:" + "0" * 64},
                                   "maxResults": 5}),
    ("GetLifecyclePolicyPreview", {"repositoryName": "app", "imageIds": [{"imageTag": "alpine"}],
                                   "filter": {"tagStatus": "TAGGED"}}),
    ("BatchGetImage", {"repositoryName": "app", "imageIds": [{"imageTag": "alpine"}],
                       "acceptedMediaTypes": ["application/vnd.oci.image.manifest.v1+json"]}),
    ("PutRegistryScanningConfiguration", {"scanType": "BASIC", "rules": [{"scanFrequency": "SCAN_ON_PUSH",
                                          "repositoryFilters": [{"filter": "app*", "filterType": "WILDCARD"}]}]}),
    ("PutReplicationConfiguration", {"replicationConfiguration": {"rules": [{
        "destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}],
        "repositoryFilters": [{"filter": "app", "filterType": "PREFIX_MATCH"}]}]}}),
    ("StartLifecyclePolicyPreview", {"repositoryName": "app", "lifecyclePolicyText": PREVIEW}),
    ("DescribeRepositories", {"maxResults": 5}),
    ("BatchGetRepositoryScanningConfiguration", {"repositoryNames": ["app", "page/r0"]}),
]
cases = []
for op, req in VALID + FULL:
    inp = shapes[model["operations"][op]["input"]["shape"]]
    for m in inp.get("required", []):
        cases.append((op, "%s missing" % m, {k: v for k, v in req.items() if k != m}))
    for m, ms in inp["members"].items():
        base = req.get(m)
        if base is None:  # an optional member the minimal request lacks: a plausible value to break
            base = {"string": "a" * max(1, shapes[ms["shape"]].get("min", 1)), "integer": 1, "long": 1}.get(
                shapes[ms["shape"]]["type"])
        if base is None:
            continue
        for what, v in breaking(ms["shape"], base):
            cases.append((op, "%s: %s" % (m, what), dict(req, **{m: v})))
# each broken request once locally, once served (the local answers first: a request the
# core took would change the state both see alike)
# (through the local CLI where Lua cannot carry the request as sent: a \u0000, and a
# message that shows structures, whose members a Lua table does not keep in order)
by_cli = [what.endswith("NUL") or what.endswith("list too long") for op, what, req in cases]
want = local_batch([(op, req) for (op, what, req), cli in zip(cases, by_cli) if not cli])
want = [local_cli(op, req) if cli else want.pop(0) for (op, what, req), cli in zip(cases, by_cli)]
for (op, what, req), (lcode, lmsg) in zip(cases, want):
    st, code, msg = boto(op, req)
    if lcode == "ok":
        check("%s %s: refused locally" % (op, what), False, lmsg[:300])
        continue
    check("%s %s: served = local" % (op, what), (code, msg) == (lcode, lmsg), ((code, msg), (lcode, lmsg)))
    check("%s %s: status 400" % (op, what), st == 400, st)

# ---- the core's own refusals (valid requests the state refuses): served = local, each
# the model's exception shape by name (boto3 raises its modeled class), HTTP 400 ----
OTHER = "111122223333"
ERRS = [
    ("DescribeImages", {"repositoryName": "nosuch"}, "RepositoryNotFoundException"),
    ("DescribeImages", {"repositoryName": "app", "registryId": OTHER}, "RepositoryNotFoundException"),
    ("DescribeImages", {"repositoryName": "app", "imageIds": [{"imageTag": "nosuch"}]}, "ImageNotFoundException"),
    ("CreateRepository", {"repositoryName": "app"}, "RepositoryAlreadyExistsException"),
    ("DeleteRepository", {"repositoryName": "app"}, "RepositoryNotEmptyException"),
    ("DescribeImageScanFindings", {"repositoryName": "app", "imageId": {"imageTag": "a318"}}, "ScanNotFoundException"),
    ("GetLifecyclePolicy", {"repositoryName": "page/r2"}, "LifecyclePolicyNotFoundException"),
    ("GetLifecyclePolicyPreview", {"repositoryName": "page/r2"}, "LifecyclePolicyPreviewNotFoundException"),
    ("GetRepositoryPolicy", {"repositoryName": "page/r2"}, "RepositoryPolicyNotFoundException"),
    ("GetRegistryPolicy", {}, "RegistryPolicyNotFoundException"),
    ("DeletePullThroughCacheRule", {"ecrRepositoryPrefix": "nosuch"}, "PullThroughCacheRuleNotFoundException"),
    ("CreatePullThroughCacheRule", {"ecrRepositoryPrefix": "up", "upstreamRegistryUrl": "registry.example.com"},
     "UnsupportedUpstreamRegistryException"),
    ("PutImage", {"repositoryName": "app", "imageManifest": manifest, "imageTag": "alpine"}, "ImageAlreadyExistsException"),
    ("PutImage", {"repositoryName": "page/r2", "imageManifest": manifest, "imageTag": "x"}, "LayersNotFoundException"),
    ("PutImage", {"repositoryName": "app", "imageManifest": manifest, "imageTag": "x", "imageDigest": "sha256:" + "1" * 64},
     "ImageDigestDoesNotMatchException"),
    ("PutImage", {"repositoryName": "app", "imageManifest": "{not a manifest"}, "InvalidParameterException"),
    ("StartImageScan", {"repositoryName": "app", "imageId": {"imageTag": "scratch-list"}}, "ImageNotFoundException"),
    ("UploadLayerPart", {"repositoryName": "app", "uploadId": "00000000-0000-4000-8000-000000000000", "partFirstByte": 0,
                         "partLastByte": 0, "layerPartBlob": b"x"}, "UploadNotFoundException"),
    ("CompleteLayerUpload", {"repositoryName": "app", "uploadId": "00000000-0000-4000-8000-000000000000",
                             "layerDigests": ["sha256:" + "0" * 64]}, "UploadNotFoundException"),
    ("TagResource", {"resourceArn": ARN, "tags": [{"Key": "aws:x", "Value": "v"}]}, "InvalidTagParameterException"),
    ("TagResource", {"resourceArn": ARN, "tags": [{"Key": "k%d" % i, "Value": "v"} for i in range(51)]},
     "TooManyTagsException"),
    ("ListTagsForResource", {"resourceArn": ARN.replace("/app", "/nosuch")}, "RepositoryNotFoundException"),
    ("GetDownloadUrlForLayer", {"repositoryName": "app", "layerDigest": "sha256:" + "0" * 64},
     "LayersNotFoundException"),
    ("SetRepositoryPolicy", {"repositoryName": "app", "policyText": "{}"}, "InvalidParameterException"),
    ("DescribeRepositories", {"repositoryNames": ["app"], "maxResults": 1}, "InvalidParameterException"),
    ("DescribeRepositories", {"nextToken": "not-a-token"}, "InvalidParameterException"),
]
exceptions = {n for n, sh_ in shapes.items() if sh_.get("exception")}
want = local_batch([(op, req) for op, req, _ in ERRS])
for (op, req, code), (lcode, lmsg) in zip(ERRS, want):
    try:
        getattr(ecr, snake(op))(**req)
        check("%s %s: refused" % (op, code), False, "no error")
        continue
    except botocore.exceptions.ClientError as e:
        got = (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"], e.response["Error"]["Message"])
        modeled = type(e) is getattr(ecr.exceptions, code, None)
    check("%s %s: served = local" % (op, code), got == (400, lcode, lmsg) and lcode == code, (got, (lcode, lmsg)))
    check("%s %s: the model's exception, raised as its class" % (op, code), code in exceptions and modeled, code)

# lengths are in characters, not UTF-8 bytes: 'é' is one (a policy of 16,000 of them is
# 32 KB, under the 30,720 characters of LifecyclePolicyText)
def lc_text(description):
    return json.dumps({"rules": [{"rulePriority": 1, "description": description, "selection": {
        "tagStatus": "tagged", "tagPrefixList": ["zz"], "countType": "imageCountMoreThan", "countNumber": 1},
        "action": {"type": "expire"}}]}, ensure_ascii=False)


for what, text, want in (("16,000 'é' (32 KB) taken", lc_text("\u00e9" * 16000), "ok"),
                         ("31,000 'é' refused", lc_text("\u00e9" * 31000), "ValidationException"),
                         ("under 100 characters, over 100 bytes, refused", "\u00e9" * 60, "ValidationException")):
    req = {"repositoryName": "page/r1", "lifecyclePolicyText": text}
    loc = local_cli("PutLifecyclePolicy", req)
    st, code, msg = boto("PutLifecyclePolicy", req)
    if len(text.encode()) >= 100 > len(text):
        # under the minimum in characters: the CLI itself refuses it, as the real one does
        # (botocore's len()), and the server answers what the service would
        check("PutLifecyclePolicy %s: locally, the CLI's own check" % what, loc == ("cli", (
            "\nParameter validation failed:\nInvalid length for parameter lifecyclePolicyText, value: %d, "
            "valid min length: 100\n" % len(text))), loc)
        check("PutLifecyclePolicy %s: served" % what, (st, code) == (400, want) and
              "Member must have length greater than or equal to 100" in msg, (st, code, str(msg)[-200:]))
        continue
    check("PutLifecyclePolicy %s: locally" % what, loc[0] == want, loc[:1] + (loc[1][:200],))
    check("PutLifecyclePolicy %s: served = local" % what, code == want and (want == "ok" or (st, msg) == (400, loc[1])),
          (st, code, str(msg)[:200]))
    if want == "ValidationException":
        check("PutLifecyclePolicy %s: a length" % what, "Member must have length" in loc[1], loc[1][-200:])
boto("DeleteLifecyclePolicy", {"repositoryName": "page/r1"})

# ---- wrong JSON types: the protocol's SerializationException (serve.md §1.2), before
# any constraint is looked at; botocore sends a scalar of the wrong type as it is given,
# the rest (a structure or list given a scalar) only a hand-built body can carry ----
TOKEN = {str: "STRING_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE", bool: "BOOLEAN_VALUE"}
TYPE = {"string": "String", "integer": "Integer", "long": "Long", "boolean": "Boolean", "blob": "Blob",
        "timestamp": "Timestamp", "double": "Double", "list": "List", "structure": "Structure", "map": "Map"}


def wrong_types(shape_name):
    t = shapes[shape_name]["type"]
    return {"string": [123, True], "blob": [123], "integer": ["1", 1.5], "long": ["1"], "boolean": ["true", 1],
            "timestamp": ["x"], "list": ["x", {"a": 1}], "structure": ["x", [1]], "map": [[1]]}[t]


def serialization_message(value, shape_name, path):
    if isinstance(value, dict):
        what = "Start of structure or map found where not expected"
    elif isinstance(value, list):
        what = "Start of list found where not expected"
    else:
        what = "%s cannot be converted to %s" % (TOKEN[type(value)], TYPE[shapes[shape_name]["type"]])
    return "%s at '%s'" % (what, path)


typed = []
for op, req in VALID:
    inp = shapes[model["operations"][op]["input"]["shape"]]
    for m, ms in inp["members"].items():
        for v in wrong_types(ms["shape"]):
            typed.append((op, m, dict(req, **{m: v}), serialization_message(v, ms["shape"], m)))
# inside a list and a structure: the service's own paths (list elements from 1)
typed.append(("BatchGetImage", "imageIds.1.member", {"repositoryName": "app", "imageIds": ["alpine"]},
              "STRING_VALUE cannot be converted to Structure at 'imageIds.1.member'"))
typed.append(("BatchGetImage", "imageIds.2.member.imageTag", {"repositoryName": "app", "imageIds": [
    {"imageTag": "alpine"}, {"imageTag": 7}]}, "NUMBER_VALUE cannot be converted to String at 'imageIds.2.member.imageTag'"))
typed.append(("TagResource", "tags.1.member.Key", {"resourceArn": ARN, "tags": [{"Key": ["k"], "Value": "v"}]},
              "Start of list found where not expected at 'tags.1.member.Key'"))
typed.append(("PutRegistryScanningConfiguration", "rules.1.member.repositoryFilters.1.member.filterType", {
    "scanType": "BASIC", "rules": [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [
        {"filter": "*", "filterType": False}]}]},
    "BOOLEAN_VALUE cannot be converted to String at 'rules.1.member.repositoryFilters.1.member.filterType'"))
for op, m, req, msg in typed:
    body = json.dumps(req, default=b64).encode()
    st, typ, text = err_of(raw(op, body))
    check("%s %s=%s: SerializationException" % (op, m, json.dumps(req.get(m.split(".")[0]))[:40]),
          (st, typ, text) == (400, "SerializationException", msg), (st, typ, text, msg))
    scalar = "." not in m and shapes[shapes[model["operations"][op]["input"]["shape"]]["members"][m]["shape"]]["type"] in (
        "string", "integer", "long", "boolean")
    if scalar and not isinstance(req[m], (dict, list)):  # what botocore sends as given
        got = boto(op, req)
        check("%s %s: boto3 sees SerializationException" % (op, m), got == (400, "SerializationException", msg), got)

# ---- members the model lacks: ignored, as a newer client's members are by an older
# service (botocore itself cannot send them: only a hand-built body) ----
for op, req in [("DescribeRepositories", {"repositoryNames": ["app"]}), ("ListImages", {"repositoryName": "app"}),
                ("DescribeImages", {"repositoryName": "app", "filter": {"tagStatus": "TAGGED"}}),
                ("BatchGetImage", {"repositoryName": "app", "imageIds": [{"imageTag": "alpine"}]})]:
    plain = raw(op, req)
    for where, extra in (("top", dict(req, noSuchMember={"x": [1]})),
                         ("inner", {k: ([dict(v[0], noSuchMember=1)] if isinstance(v, list) and isinstance(v[0], dict)
                                        else dict(v, noSuchMember=1) if isinstance(v, dict) else v)
                                    for k, v in req.items()})):
        got = raw(op, extra)
        check("%s: an unknown member (%s) ignored" % (op, where), got[0] == plain[0] == 200 and got[1] == plain[1],
              (got[:2], plain[:2]))


# ---- paginators: every one to its end with small pages, the items equal to the state's
# (the local CLI's listing, which pages through the core itself) ----
def local_json(*args):
    return json.loads(as_served(sh(aws, "ecr", *args, "--output", "json")))


# ---- waiters: each to success, and to failure where the state can fail ----
try:
    ecr.get_waiter("image_scan_complete").wait(repositoryName="app", imageId={"imageTag": "alpine"},
                                              WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
    check("waiter image_scan_complete: success", True)
except botocore.exceptions.WaiterError as e:
    check("waiter image_scan_complete: success", False, e)
ecr.start_image_scan(repositoryName="app", imageId={"imageTag": "broken"})
try:
    ecr.get_waiter("image_scan_complete").wait(repositoryName="app", imageId={"imageTag": "broken"},
                                              WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
    check("waiter image_scan_complete: failure", False, "no error")
except botocore.exceptions.WaiterError as e:
    check("waiter image_scan_complete: failure", "terminal failure state" in str(e) and
          e.last_response["imageScanStatus"]["status"] == "FAILED", (str(e), e.last_response))
try:  # never scanned: the model's waiter has no acceptor for the error, so it stops on it
    ecr.get_waiter("image_scan_complete").wait(repositoryName="app", imageId={"imageTag": "a318"},
                                              WaiterConfig={"Delay": 0.2, "MaxAttempts": 3})
    check("waiter image_scan_complete: no scan", False, "no error")
except botocore.exceptions.WaiterError as e:
    check("waiter image_scan_complete: no scan", e.last_response["Error"]["Code"] == "ScanNotFoundException" and
          e.last_response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.last_response)
ecr.start_lifecycle_policy_preview(repositoryName="app", lifecyclePolicyText=PREVIEW)
try:
    ecr.get_waiter("lifecycle_policy_preview_complete").wait(repositoryName="app",
                                                            WaiterConfig={"Delay": 0.2, "MaxAttempts": 20})
    check("waiter lifecycle_policy_preview_complete: success", True)
except botocore.exceptions.WaiterError as e:
    check("waiter lifecycle_policy_preview_complete: success", False, e)
try:  # a repository with no preview: LifecyclePolicyPreviewNotFoundException stops it
    ecr.get_waiter("lifecycle_policy_preview_complete").wait(repositoryName="page/r0",
                                                            WaiterConfig={"Delay": 0.2, "MaxAttempts": 3})
    check("waiter lifecycle_policy_preview_complete: no preview", False, "no error")
except botocore.exceptions.WaiterError as e:
    check("waiter lifecycle_policy_preview_complete: no preview",
          e.last_response["Error"]["Code"] == "LifecyclePolicyPreviewNotFoundException", e.last_response)
for i in range(4):
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="ptc%d" % i, upstreamRegistryUrl="public.ecr.aws")

PAGED = [
    ("describe_repositories", {}, 3, lambda p: p["repositories"], lambda x: x["repositoryArn"],
     ("describe-repositories",)),
    ("list_images", {"repositoryName": "app"}, 2, lambda p: p["imageIds"], lambda x: (x.get("imageTag"), x["imageDigest"]),
     ("list-images", "--repository-name", "app")),
    ("describe_images", {"repositoryName": "app"}, 2, lambda p: p["imageDetails"],
     lambda x: (x["imageDigest"], sorted(x.get("imageTags", []))), ("describe-images", "--repository-name", "app")),
    ("describe_image_scan_findings", {"repositoryName": "app", "imageId": {"imageTag": "alpine"}}, 2,
     lambda p: p["imageScanFindings"]["findings"], lambda x: (x["name"], json.dumps(x["attributes"])),
     ("describe-image-scan-findings", "--repository-name", "app", "--image-id", "imageTag=alpine")),
    ("get_lifecycle_policy_preview", {"repositoryName": "app"}, 2, lambda p: p["previewResults"],
     lambda x: (x["imageDigest"], sorted(x.get("imageTags", []))),
     ("get-lifecycle-policy-preview", "--repository-name", "app")),
    ("describe_pull_through_cache_rules", {}, 1, lambda p: p["pullThroughCacheRules"], lambda x: x["ecrRepositoryPrefix"],
     ("describe-pull-through-cache-rules",)),
]
# answers with more in them than the minimal requests had: scan results, failures,
# replication rules and statuses
ecr.put_replication_configuration(replicationConfiguration={"rules": [{"destinations": [
    {"region": "eu-west-1", "registryId": ACCOUNT}], "repositoryFilters": [{"filter": "rep", "filterType": "PREFIX_MATCH"}]}]})
ecr.create_repository(repositoryName="rep")
sh(ecrlite, "push", os.path.join(images, "alpine-3.19.oci.tar"), "rep:v1")
for op, req in (("DescribeImages", {"repositoryName": "app"}), ("DescribeRegistry", {}),
                ("DescribeImageReplicationStatus", {"repositoryName": "rep", "imageId": {"imageTag": "v1"}}),
                ("BatchGetImage", {"repositoryName": "app", "imageIds": [{"imageTag": "alpine"}, {"imageTag": "nosuch"},
                                                                         {"imageDigest": "sha256:" + "0" * 64}]}),
                ("BatchDeleteImage", {"repositoryName": "app", "imageIds": [{"imageTag": "nosuch"}]}),
                ("BatchCheckLayerAvailability", {"repositoryName": "app", "layerDigests": [LAYER, "sha256:" + "0" * 64]}),
                ("BatchGetRepositoryScanningConfiguration", {"repositoryNames": ["app", "nosuch"]}),
                ("DescribeImageScanFindings", {"repositoryName": "app", "imageId": {"imageTag": "broken"}})):
    st, b, _ = raw(op, req)
    bad = []
    shape_problems(model["operations"][op]["output"]["shape"], b, op, bad)
    check("%s (%s): the answer is the model's output shape" % (op, json.dumps(req)[:50]), st == 200 and not bad, (st, b, bad))
ecr.put_replication_configuration(replicationConfiguration={"rules": []})

check("every paginator of the model is driven", sorted(snake(op) for op in json.load(
    open(os.path.join(MODEL, "paginators-1.json")))["pagination"]) == sorted(p[0] for p in PAGED))
for name, req, size, items, key, argv in PAGED:
    pages = list(ecr.get_paginator(name).paginate(**req, PaginationConfig={"PageSize": size}))
    got = [key(x) for p in pages for x in items(p)]
    want = [key(x) for x in items(local_json(*argv))]
    check("paginator %s: every item once, in order" % name, got == want and len(want) > size, (got, want))
    check("paginator %s: pages of %d" % (name, size), len(pages) == -(-len(want) // size) and
          all(len(items(p)) == size for p in pages[:-1]), [len(items(p)) for p in pages])
    op = "".join(w.capitalize() for w in name.split("_"))
    st, first, _ = raw(op, dict(req, maxResults=size))
    bad = []
    shape_problems(model["operations"][op]["output"]["shape"], first, op, bad)
    check("%s with items: the answer is the model's output shape" % op, st == 200 and not bad, (st, bad))
    # a token is the paging's own: the last page has none, and a token given back is taken
    check("paginator %s: the last page has no token" % name, "nextToken" not in pages[-1], pages[-1].get("nextToken"))


# ---- dispatch failures (serve.md §1.2), and the error answer's form (§1.5) ----
def expect(what, resp, status, typ, msg):
    st, t, m = err_of(resp)
    check(what, (st, t, m) == (status, typ, msg), (st, t, m))
    if typ:
        check(what + ": JSON 1.1 error form", resp[2].get("content-type") == "application/x-amz-json-1.1" and
              len(resp[2].get("x-amzn-requestid", "")) == 36, resp[2])


def unknown(target):
    return (404, "UnknownOperationException", "Unknown operation: %s" % target)


expect("no X-Amz-Target", raw(None), *unknown(""))
for target in ("Nope", ".DescribeRepositories", "describeRepositories", "DynamoDB_20120810.ListTables",
               PREFIX + "DescribeRepositories", PREFIX + ".DescribeRepositories.x", PREFIX + ".", PREFIX,
               # ecrlite's own rows that read this host's files are not served (ecr_op_remote_ok)
               "Push", "ImportVulnerabilityFeeds", "GetRootfsInventory"):
    if target[0].isupper() and not target.startswith(("Amazon", "Dynamo")):
        target = PREFIX + "." + target
    expect("X-Amz-Target %s" % target, raw(target, headers={"X-Amz-Target": target}), *unknown(target))
# the answer comes after the signature's check: an unsigned unknown operation is refused for that
expect("unsigned, unknown operation", raw("Nope", auth=False), 403, "MissingAuthenticationTokenException",
       "Missing Authentication Token")
# ecrlite's own rows a remote caller may use are served
st, b, _ = raw("DescribeVulnerabilitySources")
check("DescribeVulnerabilitySources (ecrlite's) served", st == 200 and isinstance(b, dict), (st, b))
# ecrlite's own rows check their input without the model: a \u0000 never reaches them
expect("a \\u0000 to ecrlite's own row", raw("GetImageInventory", b'{"repositoryName": "app\\u0000x", "imageId": '
                                            b'{"imageTag": "alpine"}}'), 400, "SerializationException", None)
for what, body in (("not JSON", b"{not json"), ("an array", b"[1]"), ("a string", b'"x"'), ("null", b"null"),
                   ("a number", b"1"), ("trailing bytes", b"{} x"), ("not UTF-8", b'{"repositoryNames": ["\xff"]}'),
                   ("two objects", b"{}{}")):
    expect("a body that is %s" % what, raw("DescribeRepositories", body), 400, "SerializationException", None)
st, b, _ = raw("DescribeRepositories", b"")
check("an empty body is {}", st == 200 and len(b["repositories"]) == len(local_json("describe-repositories")["repositories"]),
      (st, b))
expect("an empty body is {}: required members missing", raw("DescribeImages", b""), 400, "ValidationException",
       "1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null")
# any JSON layout: compact, spaced, members in any order, escapes
st, b, _ = raw("DescribeImages", b'\n{ "filter" : {"tagStatus":"TAGGED"} ,\t"repositoryName":"\\u0061pp" }\n')
check("any JSON layout", st == 200 and len(b["imageDetails"]) > 0, (st, b))
for ct in ("application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json",
           "application/x-amz-json-1.1; charset=utf-8"):
    st, b, _ = raw("DescribeRepositories", headers={"Content-Type": ct})
    check("Content-Type %s taken" % ct, st == 200, (st, b))
for method, path in (("GET", "/"), ("PUT", "/"), ("DELETE", "/"), ("POST", "/x"), ("POST", "/?a=b")):
    resp = raw("DescribeRepositories", method=method, path=path, auth=False)
    if "?" in path:  # the query is not the path: the signature is asked for first
        expect("POST /?a=b unsigned", resp, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        continue
    expect("%s %s" % (method, path), resp, 404, "UnknownOperationException",
           "Unknown operation: %s %s (the ECR API is POST /, the registry /v2/)" % (method, path))
MAX = 32 << 20
big = b'{"repositoryNames": ["' + b"a" * (MAX + 10) + b'"]}'
expect("a body over the cap (Content-Length)", raw("DescribeRepositories", big, auth="AWS4-HMAC-SHA256 x"), 413,
       "SerializationException", "the request body is over the %d bytes ecrlite takes" % MAX)
c = http.client.HTTPConnection(host, timeout=60)
c.putrequest("POST", "/", skip_host=True, skip_accept_encoding=True)
for k, v in (("Host", host), ("X-Amz-Target", PREFIX + ".DescribeRepositories"), ("Transfer-Encoding", "chunked"),
             ("Content-Type", "application/x-amz-json-1.1")):
    c.putheader(k, v)
c.endheaders()
for off in range(0, len(big), 1 << 20):
    part = big[off:off + (1 << 20)]
    c.send(b"%x\r\n%s\r\n" % (len(part), part))
c.send(b"0\r\n\r\n")
r = c.getresponse()
b = json.loads(r.read())
c.close()
check("a body over the cap (chunked)", (r.status, b.get("__type"), b.get("message")) == (
    413, "SerializationException", "the request body is over the %d bytes ecrlite takes" % MAX), (r.status, b))


# ---- SigV4 (serve.md §2): as the real CLI signs, and built by hand ----
cli_env = dict(env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret")
have_cli = os.path.exists("/usr/bin/aws")
if not have_cli:
    print("serve-apidiff: /usr/bin/aws is missing; the real CLI's cases are skipped")
for what, extra in (("", {}), (" with a session token (the key has none: ignored, §2.6)", {"AWS_SESSION_TOKEN": "tok"})
                    ) if have_cli else ():
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "ecr", "describe-repositories", "--output", "json"],
                       env=dict(cli_env, **extra), capture_output=True, text=True)
    check("the AWS CLI's signature%s" % what, p.returncode == 0 and json.loads(p.stdout) == local_json(
        "describe-repositories"), (p.returncode, p.stderr))
# the real CLI through the server prints what ecrlite's aws prints locally, errors too
for argv in (("describe-images", "--repository-name", "NOT VALID"), ("describe-images", "--repository-name", "nosuch"),
             ("create-repository", "--repository-name", "app"),
             ("describe-image-scan-findings", "--repository-name", "app", "--image-id", "imageTag=a318"),
             ("get-lifecycle-policy", "--repository-name", "page/r1"),
             ("put-image-tag-mutability", "--repository-name", "app", "--image-tag-mutability", "SOMETIMES"),
             ("list-images", "--repository-name", "app", "--filter", "tagStatus=MAYBE"),
             ("batch-get-image", "--repository-name", "app", "--image-ids", "imageTag=nosuch", "imageDigest=sha256:x"),
             ("describe-repositories", "--repository-names", "a" * 300),
             # the CLI's own paging over the server's pages, each paginator
             ("describe-repositories", "--page-size", "2", "--max-items", "5"),
             ("list-images", "--repository-name", "app", "--page-size", "1"),
             ("describe-pull-through-cache-rules", "--page-size", "1", "--max-items", "3"),
             ("get-lifecycle-policy-preview", "--repository-name", "app", "--page-size", "1", "--max-items", "2"),
             ("describe-images", "--repository-name", "app", "--page-size", "3", "--query", "imageDetails[].imageDigest"),
             ("describe-image-scan-findings", "--repository-name", "app", "--image-id", "imageTag=alpine", "--page-size",
              "2", "--max-items", "3", "--output", "text"),
             ("wait", "lifecycle-policy-preview-complete", "--repository-name", "app"),
             ("wait", "image-scan-complete", "--repository-name", "app", "--image-id", "imageTag=broken")
             ) if have_cli else ():
    real = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "ecr", *argv], env=cli_env, capture_output=True,
                          text=True)
    mine = subprocess.run([aws, "ecr", *argv], env=env, capture_output=True, text=True)
    check("the AWS CLI through the server = local: %s" % " ".join(argv)[:60],
          (real.returncode, real.stdout, real.stderr) == (mine.returncode, as_served(mine.stdout), mine.stderr),
          ((real.returncode, real.stdout, real.stderr), (mine.returncode, mine.stdout, mine.stderr)))
OK = (200, None, None)


def sig(what, resp, want):
    st, t, m = err_of(resp)
    if want == OK:
        check("sigv4 %s" % what, st == 200, (st, t, m))
    elif isinstance(want[2], re.Pattern):
        check("sigv4 %s" % what, (st, t) == want[:2] and want[2].fullmatch(m or ""), (st, t, m))
    else:
        check("sigv4 %s" % what, (st, t, m) == want, (st, t, m))


BAD_SIG = (400, "InvalidSignatureException", "The request signature we calculated does not match the signature you "
           "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
sig("as signed here", raw("DescribeRepositories"), OK)
sig("header names in mixed case", raw("DescribeRepositories", headers={
    "CONTENT-TYPE": "application/x-amz-json-1.1", "x-AMZ-date": amz_date(), "x-amz-TARGET": PREFIX + ".DescribeRepositories"}),
    OK)
sig("repeated spaces and tabs in a signed value", raw("DescribeRepositories", headers={
    "User-Agent": "a  b \t c    d", "X-Amz-Target": PREFIX + ".DescribeRepositories"}), OK)
sig("a header twice, signed (values joined by ',')", raw("DescribeRepositories", headers={"X-Extra": "one  1"},
                                                       again=[("x-extra", "two   2")]), OK)
# each occurrence is trimmed on its own before the join (serve.md §2.2), an empty one kept
sig("a header twice, spaces around each value", raw("DescribeRepositories", headers={"X-Extra": "a   "},
                                                    again=[("X-Extra", "  b  ")]), OK)
sig("a header twice, tabs around each value", raw("DescribeRepositories", headers={"X-Extra": "a\t"},
                                                  again=[("X-Extra", "\tb")]), OK)
sig("a header twice, the first empty", raw("DescribeRepositories", headers={"X-Extra": ""}, again=[("X-Extra", "b")]), OK)
sig("a header twice, the second empty", raw("DescribeRepositories", headers={"X-Extra": "a"}, again=[("X-Extra", "")]), OK)
sig("a signed header that is empty", raw("DescribeRepositories", headers={"X-Empty": ""}), OK)
# the whitespace after a value is not the value's (RFC 9110 §5.5)
d = amz_date()
sig("whitespace after X-Amz-Date", raw("DescribeRepositories", headers={"X-Amz-Date": d + "  "}, sign_kw={"amz": d}), OK)
sig("whitespace after X-Amz-Target", raw("DescribeRepositories", headers={
    "X-Amz-Target": PREFIX + ".DescribeRepositories \t"}), OK)
sig("whitespace after X-Amz-Content-Sha256", raw("DescribeRepositories", headers={
    "X-Amz-Content-Sha256": hashlib.sha256(b"{}").hexdigest() + " "}), OK)
h_ = {"Host": host, "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": d,
      "X-Amz-Target": PREFIX + ".DescribeRepositories"}
sig("whitespace after Authorization", raw("DescribeRepositories", headers={"X-Amz-Date": d},
                                          auth=sign(h_, b"{}", amz=d) + "   "), OK)
sig("extra signed headers", raw("DescribeRepositories", headers={
    "User-Agent": "apidiff/1", "amz-sdk-invocation-id": "b6e6f5b6-0000-4000-8000-000000000000",
    "amz-sdk-request": "attempt=1", "X-Amz-Content-Sha256": hashlib.sha256(b"{}").hexdigest()}), OK)
sig("unsigned extra headers", raw("DescribeRepositories", extra={"amz-sdk-request": "attempt=1", "X-Whatever": "x"}), OK)
sig("a signed header that is not sent", raw("DescribeRepositories", sign_kw={
    "signed": ["content-type", "host", "x-amz-date", "x-amz-target", "x-missing"]}), BAD_SIG)
sig("an unsigned x-amz-target", raw("DescribeRepositories", sign_kw={"signed": ["content-type", "host", "x-amz-date"]}), OK)
sig("a wrong x-amz-content-sha256", raw("DescribeRepositories", headers={"X-Amz-Content-Sha256": "0" * 64}),
    (400, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed."))
sig("host not signed", raw("DescribeRepositories", sign_kw={"signed": ["content-type", "x-amz-date", "x-amz-target"]}),
    (400, "InvalidSignatureException", "The request signature must sign the 'host' header and either 'x-amz-date' or 'date'."))
sig("X-Amz-Security-Token signed, the key has none", raw("DescribeRepositories", headers={"X-Amz-Security-Token": "t"}), OK)
sig("X-Amz-Security-Token unsigned, the key has none", raw("DescribeRepositories", extra={"X-Amz-Security-Token": "t"}), OK)
# a Date header instead of X-Amz-Date: the string to sign has its ISO 8601 form
now = time.time()
rfc = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now))
sig("Date, no X-Amz-Date", raw("DescribeRepositories", headers={"X-Amz-Date": None, "Date": rfc},
                               sign_kw={"amz": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))}), OK)
sig("a Date that is not RFC 7231's", raw("DescribeRepositories", headers={"X-Amz-Date": None, "Date": "yesterday"},
                                         sign_kw={"amz": amz_date()}),
    (400, "IncompleteSignatureException",
     "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
sig("X-Amz-Date and Date: X-Amz-Date counts", raw("DescribeRepositories", headers={
    "Date": "Mon, 01 Jan 2001 00:00:00 GMT"}), OK)
# the 15 minutes either side, to the second: the date exactly 15 minutes off is in the
# window (ECR: "earlier than now - 15 min" is refused); sent just after a second began,
# and sent again when the server's clock had moved on (its message says its now)
EXPIRED = re.compile(r"Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 15 min\.\)")
FUTURE = re.compile(r"Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ 15 min\.\)")


def parse_amz(v):
    return datetime.datetime.strptime(v, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


for off, pat in ((-900, EXPIRED), (900, FUTURE)):
    for attempt in range(5):
        time.sleep(1.02 - time.time() % 1)
        sent = int(time.time())
        resp = raw("DescribeRepositories", headers={"X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ",
                                                                                 time.gmtime(sent + off))})
        st, t, m = err_of(resp)
        moved = st != 200 and pat.fullmatch(m or "") and parse_amz(pat.fullmatch(m).group(3)) != sent
        if not moved:
            break
    check("sigv4 a date exactly %+d s off is taken" % off, st == 200, (st, t, m))
    # past the window: by 1 s behind (the server's clock can only be later than ours), by
    # 2 s ahead (the request may take a second to arrive), and by a minute
    for past in ((1, 60) if off < 0 else (2, 60)):
        d = off + (past if off > 0 else -past)
        st, t, m = err_of(raw("DescribeRepositories", headers={"X-Amz-Date": amz_date(d)}))
        g = pat.fullmatch(m or "")
        check("sigv4 a date %+d s off is refused" % d, st == 400 and t == "InvalidSignatureException" and g and
              parse_amz(g.group(2)) == parse_amz(g.group(3)) + off and
              abs(parse_amz(g.group(1)) - (parse_amz(g.group(3)) + d)) <= 5, (st, t, m))
sig("a region in the scope", raw("DescribeRepositories", sign_kw={"region": "eu-west-1"}), OK)
st, b, _ = raw("DescribeRepositories", sign_kw={"region": "eu-west-1"})
check("the scope's region is the registry's", [x["repositoryArn"].split(":")[3] for x in b["repositories"]] in ([], ["eu-west-1"] * len(b["repositories"])), b)
sig("a region no scope could name", raw("DescribeRepositories", sign_kw={"region": "US_EAST_2"}),
    (400, "InvalidSignatureException", "Credential should be scoped to a valid region. "))
sig("a service other than ecr", raw("DescribeRepositories", sign_kw={"service": "s3"}),
    (400, "InvalidSignatureException", "Credential should be scoped to correct service: 'ecr'. "))
sig("a scope date that is not the request's", raw("DescribeRepositories", sign_kw={"scope_date": "20200101"}),
    (400, "InvalidSignatureException", re.compile(
        r"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '\d{8}', from '\d{8}T\d{6}Z'\.")))
sig("a key the server does not know", raw("DescribeRepositories", sign_kw={"key": "AKIDUNKNOWN"}),
    (400, "UnrecognizedClientException", "The security token included in the request is invalid."))
sig("a wrong secret", raw("DescribeRepositories", sign_kw={"secret": "wrong"}), BAD_SIG)
sig("unsigned", raw("DescribeRepositories", auth=False),
    (403, "MissingAuthenticationTokenException", "Missing Authentication Token"))
good = sign({"Host": host, "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": amz_date(),
             "X-Amz-Target": PREFIX + ".DescribeRepositories"}, b"{}", amz=amz_date())
sig("no spaces after the commas", raw("DescribeRepositories", auth=good.replace(", ", ",")), OK)
sig("a wrong algorithm", raw("DescribeRepositories", auth=good.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")),
    (400, "IncompleteSignatureException", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"))
sig("a wrong terminator", raw("DescribeRepositories", auth=good.replace("aws4_request", "aws4_requesx")),
    (400, "IncompleteSignatureException",
     "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requesx'."))
sig("no Signature", raw("DescribeRepositories", auth=good.split(", Signature=")[0]),
    (400, "IncompleteSignatureException", "Authorization header requires 'Signature' parameter."))

sig("the parts in another order", raw("DescribeRepositories", auth="AWS4-HMAC-SHA256 " + ", ".join(
    reversed(good[len("AWS4-HMAC-SHA256 "):].split(", ")))), OK)
sig("an X-Amz-Date not in ISO 8601 basic format", raw("DescribeRepositories", headers={
    "X-Amz-Date": "2026-12-04T21:00:00Z"}, sign_kw={"amz": "20261204T210000Z"}),
    (400, "IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '2026-12-04T21:00:00Z'. "
     "See http://en.wikipedia.org/wiki/ISO_8601"))
# what the JS v3 SDK signs (serve.md §1.1)
sig("the JS v3 SDK's signed set", raw("DescribeRepositories", headers={
    "amz-sdk-invocation-id": "0b7e2d2e-8f5e-4a55-9f43-5b1f4e6a1a01", "amz-sdk-request": "attempt=1; max=3",
    "Content-Length": "2", "X-Amz-Content-Sha256": hashlib.sha256(b"{}").hexdigest(),
    "X-Amz-User-Agent": "aws-sdk-js/3.0.0"}), OK)

# a key configured with a session token (its own server: the credentials are read at start)
tokfile = os.path.join(tmp, "token-credentials")
with open(tokfile, "w") as f:
    f.write("[tok]\naws_access_key_id = AKIDTOK\naws_secret_access_key = toksecret\naws_session_token = the-token\n")
tlog = open(os.path.join(tmp, "token-serve.log"), "w+")
tproc = subprocess.Popen([ecrlite, "serve", "--listen", "127.0.0.1:0", "--credentials", tokfile], env=env, stderr=tlog,
                         stdout=subprocess.DEVNULL)
atexit.register(servelib.stop, tproc)
thost = None
for _ in range(200):
    tlog.seek(0)
    m = re.search(r"listening on http://(127\.0\.0\.1:\d+)", tlog.read())
    if m or tproc.poll() is not None:
        thost = m and m.group(1)
        break
    time.sleep(0.05)
check("a server with a token key starts", thost, open(tlog.name).read())
if thost:
    host, main_host = thost, host
    TK = {"key": "AKIDTOK", "secret": "toksecret"}
    BAD_TOKEN = (400, "UnrecognizedClientException", "The security token included in the request is invalid.")
    sig("the token, signed", raw("DescribeRepositories", headers={"X-Amz-Security-Token": "the-token"}, sign_kw=TK), OK)
    sig("the token, unsigned", raw("DescribeRepositories", extra={"X-Amz-Security-Token": "the-token"}, sign_kw=TK),
        BAD_TOKEN)
    sig("the token, signed, whitespace after it", raw("DescribeRepositories", headers={
        "X-Amz-Security-Token": "the-token  "}, sign_kw=TK), OK)
    sig("another token", raw("DescribeRepositories", headers={"X-Amz-Security-Token": "other"}, sign_kw=TK), BAD_TOKEN)
    sig("no token", raw("DescribeRepositories", sign_kw=TK), BAD_TOKEN)
    tok = boto3.client("ecr", endpoint_url="http://" + thost, region_name=REGION, aws_access_key_id="AKIDTOK",
                       aws_secret_access_key="toksecret", aws_session_token="the-token", config=cfg)
    check("boto3 with the session token", tok.describe_repositories()["ResponseMetadata"]["HTTPStatusCode"] == 200)
    host = main_host
servelib.stop(tproc)

# ---- refusals the model's documentation states (apidiff review): DescribeImages's
# imageIds with maxResults or nextToken, as DescribeRepositories refuses repositoryNames
# with them; UploadLayerPart's layerPartBlob that is not base64 is named so, not a size
IDS_PAGED = "Invalid parameter at 'maxResults' failed to satisfy constraint: 'maxResults and nextToken cannot be used with imageIds'"
for extra_member in ({"maxResults": 5}, {"nextToken": "abc"}):
    expect("DescribeImages imageIds with %s" % list(extra_member)[0],
           raw("DescribeImages", {"repositoryName": "app", "imageIds": [{"imageTag": "alpine"}], **extra_member}),
           400, "InvalidParameterException", IDS_PAGED)
up = raw("InitiateLayerUpload", {"repositoryName": "app"})[1]["uploadId"]
for blob in ("YWJ", "YW Jj"):
    expect("UploadLayerPart of %r" % blob, raw("UploadLayerPart", {
        "repositoryName": "app", "uploadId": up, "partFirstByte": 0, "partLastByte": 1, "layerPartBlob": blob}),
        400, "InvalidParameterException", "Invalid parameter at 'layerPartBlob' failed to satisfy constraint: 'must be base64'")
# tag keys and values are counted in characters: 128 'é' is a key, 129 is not
TAGS_KEY = "Invalid parameter at 'tags' failed to satisfy constraint: 'Tag key must be 1-128 characters and must not start with aws:'"
TAGS_VALUE = "Invalid parameter at 'tags' failed to satisfy constraint: 'Tag value must be 0-256 characters'"
ARN = "arn:aws:ecr:%s:000000000000:repository/app" % REGION
check("a tag key of 128 'é'", raw("TagResource", {"resourceArn": ARN, "tags": [{"Key": "é" * 128, "Value": "é" * 256}]})[0] == 200)
expect("a tag key of 129 'é'", raw("TagResource", {"resourceArn": ARN, "tags": [{"Key": "é" * 129, "Value": "v"}]}),
       400, "InvalidTagParameterException", TAGS_KEY)
expect("a tag value of 257 'é'", raw("TagResource", {"resourceArn": ARN, "tags": [{"Key": "k", "Value": "é" * 257}]}),
       400, "InvalidTagParameterException", TAGS_VALUE)

# ---- GetDownloadUrlForLayer: the URL fetches the layer for whoever holds it, in the
# caller's region (us-east-2) though the server's default is us-east-1; the registry and
# region it carries are signed
import hashlib  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
layer = json.loads(manifest)["layers"][0]["digest"]
url = ecr.get_download_url_for_layer(repositoryName="app", layerDigest=layer)["downloadUrl"]
try:
    got = "sha256:" + hashlib.sha256(urllib.request.urlopen(url, timeout=30).read()).hexdigest()
except urllib.error.HTTPError as e:
    got = "HTTP %d" % e.code
check("the download URL of a us-east-2 layer fetches it", got == layer, "%s: %s" % (url, got))
for what, bad in (("another region", url.replace("X-Ecrlite-Region=us-east-2", "X-Ecrlite-Region=us-east-1")),
                  ("another registry", re.sub(r"X-Ecrlite-Registry=\d{12}", "X-Ecrlite-Registry=111122223333", url)),
                  ("no region", re.sub(r"X-Ecrlite-Region=[^&]*&", "", url))):
    try:
        code = urllib.request.urlopen(bad, timeout=30).status
    except urllib.error.HTTPError as e:
        code = e.code
    check("a download URL with %s is refused" % what, bad != url and code == 401, "%s: %s" % (bad, code))

servelib.stop(server)
shutil.rmtree(tmp, ignore_errors=True)
print("serve-apidiff: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
