#!/usr/bin/python3
"""Permissions and lifecycle policies through every model-driven frontend: `aws ecr …`
locally, Lua's generic calls, and `ecrlite serve`'s JSON API driven by boto3 and the
real AWS CLI (/usr/bin/aws --endpoint-url). Lifecycle expectations are computed here
from the images' own push times and tags, never taken from ecrlite.
usage: policies.py BIN"""
import datetime
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
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
bindir = os.path.abspath(sys.argv[1])
_spec = importlib.util.spec_from_file_location("servelib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "servelib.py"))
servelib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(servelib)
top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
images = os.path.join(top, "../shared/images")
tmp = tempfile.mkdtemp(prefix="policies-")
NOW = "2026-11-28T12:00:00Z"
env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "ECRLITE_HOME": os.path.join(tmp, "state"),
       "AWS_DEFAULT_REGION": "us-east-2", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "ECRLITE_NOW": NOW,
       "ECRLITE_WAITER_DELAY": "0"}
passed = failed = 0
server = None


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL policies: %s %s" % (what, detail))


def run(argv, now=None, stdin=None):
    e = dict(env, ECRLITE_NOW=now) if now else env
    return subprocess.run(argv, env=e, capture_output=True, text=True, input=stdin)


def aws(*args, now=None):
    """ecrlite's aws locally: (exit, parsed stdout or text, stderr)"""
    p = run([os.path.join(bindir, "aws"), "ecr", *args], now=now)
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        out = p.stdout
    return p.returncode, out, p.stderr


def ok(*args, now=None):
    rc, out, err = aws(*args, now=now)
    check("aws ecr %s" % " ".join(args[:3]), rc == 0, "exit %d: %s" % (rc, err.strip()))
    return out


def fails(exc, msg, *args):
    rc, out, err = aws(*args)
    want = "An error occurred (%s) when calling the " % exc
    check("aws ecr %s fails with %s" % (args[0], exc), rc == 254 and want in err and msg in err, "exit %d: %s" % (rc, err.strip()))


def lua(code):
    p = run([os.path.join(bindir, "ecrlite"), "lua", "-e", code])
    return p.returncode, p.stdout, p.stderr


POLICY = {"Version": "2008-10-17", "Statement": [{"Sid": "allow public pull", "Effect": "Allow", "Principal": "*",
                                                  "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                                                             "ecr:GetDownloadUrlForLayer"]}]}
# the text ECR answers with (the CLI's own example of set-repository-policy)
POLICY_TEXT = ('{\n  "Version" : "2008-10-17",\n  "Statement" : [ {\n    "Sid" : "allow public pull",\n'
               '    "Effect" : "Allow",\n    "Principal" : "*",\n    "Action" : [ "ecr:BatchCheckLayerAvailability", '
               '"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer" ]\n  } ]\n}')
REGISTRY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReplicationAccessCrossAccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"], "Resource": "arn:aws:ecr:us-east-2:000000000000:repository/*"}]}


def repository_policies():
    ok("create-repository", "--repository-name", "pol")
    fails("RepositoryPolicyNotFoundException",
          "Repository policy does not exist for the repository with name 'pol' in the registry with id '000000000000'",
          "get-repository-policy", "--repository-name", "pol")
    fails("RepositoryPolicyNotFoundException", "Repository policy does not exist", "delete-repository-policy",
          "--repository-name", "pol")
    fails("RepositoryNotFoundException", "The repository with name 'nope' does not exist", "set-repository-policy",
          "--repository-name", "nope", "--policy-text", json.dumps(POLICY))
    r = ok("set-repository-policy", "--repository-name", "pol", "--policy-text", json.dumps(POLICY))
    check("set-repository-policy answer", r == {"registryId": "000000000000", "repositoryName": "pol", "policyText": POLICY_TEXT}, r)
    r = ok("get-repository-policy", "--repository-name", "pol")
    check("get-repository-policy", r == {"registryId": "000000000000", "repositoryName": "pol", "policyText": POLICY_TEXT}, r)
    check("policy text is the document", json.loads(r["policyText"]) == POLICY)
    bad = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"
    for text in ["not json", "[1, 2]", "{}", '{"Statement": 1}', '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}',
                 json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "ecr:*"}]}),
                 json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]}),
                 json.dumps({"Statement": [{"Effect": "Allow", "Action": "ecr:*"}]}),
                 json.dumps({"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]})]:
        fails("InvalidParameterException", bad, "set-repository-policy", "--repository-name", "pol", "--policy-text", text)
    r = ok("get-repository-policy", "--repository-name", "pol")
    check("a refused policy changes nothing", r["policyText"] == POLICY_TEXT, r)
    # force: a policy that denies SetRepositoryPolicy is set only when forced
    deny = json.dumps({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "ecr:Set*"}})
    fails("InvalidParameterException", "use force", "set-repository-policy", "--repository-name", "pol", "--policy-text", deny)
    r = ok("set-repository-policy", "--repository-name", "pol", "--policy-text", deny, "--force")
    check("forced", json.loads(r["policyText"]) == json.loads(deny), r)
    # many wildcards cost no more than a few (no backtracking blow-up)
    t0 = time.time()
    many = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "e" + "*e" * 4000 + "x"}]})
    ok("set-repository-policy", "--repository-name", "pol", "--policy-text", many)
    check("a policy of 4000 wildcards is quick", time.time() - t0 < 2, time.time() - t0)
    ok("set-repository-policy", "--repository-name", "pol", "--policy-text", deny, "--force")
    r = ok("delete-repository-policy", "--repository-name", "pol")
    check("delete-repository-policy answers with the policy", json.loads(r["policyText"]) == json.loads(deny), r)
    fails("RepositoryPolicyNotFoundException", "Repository policy does not exist", "get-repository-policy",
          "--repository-name", "pol")
    # deleting the repository deletes its policy
    ok("set-repository-policy", "--repository-name", "pol", "--policy-text", json.dumps(POLICY))
    ok("delete-repository", "--repository-name", "pol")
    ok("create-repository", "--repository-name", "pol")
    fails("RepositoryPolicyNotFoundException", "Repository policy does not exist", "get-repository-policy",
          "--repository-name", "pol")


def registry_policies():
    fails("RegistryPolicyNotFoundException", "Registry policy does not exist in the registry with id '000000000000'",
          "get-registry-policy")
    fails("RegistryPolicyNotFoundException", "Registry policy does not exist", "delete-registry-policy")
    bad = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'"
    pull = dict(REGISTRY_POLICY, Statement=[dict(REGISTRY_POLICY["Statement"][0], Action=["ecr:BatchGetImage"])])
    for text in ["{", "{}", json.dumps(pull)]:
        fails("InvalidParameterException", bad, "put-registry-policy", "--policy-text", text)
    r = ok("put-registry-policy", "--policy-text", json.dumps(REGISTRY_POLICY))
    check("put-registry-policy", r["registryId"] == "000000000000" and json.loads(r["policyText"]) == REGISTRY_POLICY, r)
    r2 = ok("get-registry-policy")
    check("get-registry-policy", r2 == r, r2)
    r3 = ok("delete-registry-policy")
    check("delete-registry-policy", r3 == r, r3)
    fails("RegistryPolicyNotFoundException", "Registry policy does not exist", "get-registry-policy")


def lifecycle_doc(*rules):
    return json.dumps({"rules": [dict({"rulePriority": p, "selection": sel, "action": {"type": "expire"}}, **extra)
                                 for p, sel, extra in rules]})


def rule(p, status, count_type, n, extra=None, **sel):
    s = {"tagStatus": status, "countType": count_type, "countNumber": n}
    if count_type == "sinceImagePushed":
        s["countUnit"] = "days"
    s.update(sel)
    return (p, s, extra or {})


BAD_LC = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: "
SCHEMA = BAD_LC + "instance failed to match exactly one schema (matched 0 out of 2)\n'"


def lifecycle_policies():
    ok("create-repository", "--repository-name", "lc-text")
    fails("LifecyclePolicyNotFoundException",
          "Lifecycle policy does not exist for the repository with name 'lc-text' in the registry with id '000000000000'",
          "get-lifecycle-policy", "--repository-name", "lc-text")
    fails("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist", "delete-lifecycle-policy",
          "--repository-name", "lc-text")
    good = lifecycle_doc(rule(1, "tagged", "imageCountMoreThan", 3, {"description": "keep 3 prod"}, tagPrefixList=["prod"]),
                         rule(2, "untagged", "sinceImagePushed", 14), rule(10, "any", "imageCountMoreThan", 50))
    r = ok("put-lifecycle-policy", "--repository-name", "lc-text", "--lifecycle-policy-text", good)
    compact = json.dumps(json.loads(good), separators=(",", ":"))
    check("put-lifecycle-policy answers with the compact text", r == {"registryId": "000000000000", "repositoryName": "lc-text",
                                                                     "lifecyclePolicyText": compact}, r)
    r = ok("get-lifecycle-policy", "--repository-name", "lc-text")
    check("get-lifecycle-policy", r["lifecyclePolicyText"] == compact and "lastEvaluatedAt" in r, r)
    # what ECR refuses (the user guide's rules); ECR's JSON Schema report where it is known
    pad = {"description": "x" * 60}   # the model's 100 characters at least
    cases = [
        ("not json " + "x" * 100, BAD_LC + "Could not map policyString into LifecyclePolicy.'"),
        (json.dumps({"rulez": [], "pad": "x" * 100}), BAD_LC + 'object has missing required properties (["rules"])\n\''),
        (lifecycle_doc(rule(1, "sometimes", "imageCountMoreThan", 1, pad)), SCHEMA),
        (lifecycle_doc(rule(1, "any", "imageCountMoreThan", 0, pad)), SCHEMA),
        (lifecycle_doc(rule(1, "any", "imageCountMoreThan", 1, pad, countUnit="days")), SCHEMA),
        (lifecycle_doc((1, {"tagStatus": "any", "countType": "sinceImagePushed", "countNumber": 1}, pad)), SCHEMA),
        (lifecycle_doc(rule(1, "any", "sinceImagePushed", 1, pad, countUnit="hours")), SCHEMA),
        (lifecycle_doc(rule(1, "any", "imageCountLessThan", 1, pad)), SCHEMA),
        (lifecycle_doc(rule(0, "any", "imageCountMoreThan", 1, pad)), SCHEMA),
        (lifecycle_doc(rule(1, "any", "imageCountMoreThan", 1, dict(pad, action={"type": "delete"}))), SCHEMA),
        (lifecycle_doc(rule(1, "any", "sinceImagePushed", 1, pad, countUnit=None)), SCHEMA),
        (lifecycle_doc(rule(1, "tagged", "imageCountMoreThan", 1, pad)),
         BAD_LC + "a rule with tagStatus tagged must have a tagPrefixList or a tagPatternList'"),
        (lifecycle_doc(rule(1, "untagged", "imageCountMoreThan", 1, pad, tagPrefixList=["v"])),
         BAD_LC + "tagPrefixList and tagPatternList are only for a rule with tagStatus tagged'"),
        (lifecycle_doc(rule(1, "tagged", "imageCountMoreThan", 1, pad, tagPrefixList=["v"], tagPatternList=["v*"])),
         BAD_LC + "a rule may have a tagPrefixList or a tagPatternList, not both'"),
        (lifecycle_doc(rule(1, "tagged", "imageCountMoreThan", 1, pad, tagPatternList=["a*b*c*d*e*f"])),
         BAD_LC + "a tagPatternList string may have at most 4 wildcards (*)'"),
        (lifecycle_doc(rule(1, "untagged", "imageCountMoreThan", 1, pad), rule(1, "tagged", "imageCountMoreThan", 1, tagPrefixList=["v"])),
         BAD_LC + "rulePriority must be unique to each rule'"),
        (lifecycle_doc(rule(1, "any", "imageCountMoreThan", 1, pad), rule(2, "untagged", "imageCountMoreThan", 1)),
         BAD_LC + "a rule with tagStatus any must have the highest rulePriority'"),
    ]
    for text, msg in cases:
        rc, out, err = aws("put-lifecycle-policy", "--repository-name", "lc-text", "--lifecycle-policy-text", text)
        check("put-lifecycle-policy refuses %s" % text[:90], rc == 254 and err.strip().endswith(msg.strip()) and
              "(InvalidParameterException)" in err, "exit %d: %r" % (rc, err))
    # four wildcards are allowed, and the refusals left the policy as it was
    ok("put-lifecycle-policy", "--repository-name", "lc-text", "--lifecycle-policy-text",
       lifecycle_doc(rule(1, "tagged", "imageCountMoreThan", 1, pad, tagPatternList=["*a*b*c*"])))
    r = ok("delete-lifecycle-policy", "--repository-name", "lc-text")
    check("delete-lifecycle-policy answers with the policy", json.loads(r["lifecyclePolicyText"])["rules"][0]["selection"]
          ["tagPatternList"] == ["*a*b*c*"] and "lastEvaluatedAt" in r, r)
    fails("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist", "get-lifecycle-policy",
          "--repository-name", "lc-text")
    # a repository's policy goes with it
    ok("put-lifecycle-policy", "--repository-name", "lc-text", "--lifecycle-policy-text", good)
    ok("delete-repository", "--repository-name", "lc-text")
    ok("create-repository", "--repository-name", "lc-text")
    fails("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist", "get-lifecycle-policy",
          "--repository-name", "lc-text")


def epoch(t):
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()


def images_of(repo):
    """[(digest, [tags], pushedAt epoch)] as describe-images says"""
    out = ok("describe-images", "--repository-name", repo)
    return [(d["imageDigest"], d.get("imageTags", []), epoch(d["imagePushedAt"]) if isinstance(d["imagePushedAt"], str)
             else d["imagePushedAt"]) for d in out["imageDetails"]]


def expected_preview(images, rules, now):
    """The user guide's evaluation ("How lifecycle policies work"), written again here:
    rules by priority; an image is expired by at most one rule; a rule never expires an
    image whose tags met an earlier rule's selection, yet still counts it; count rules
    keep the N youngest they select, age rules expire what was pushed more than N days
    ago. Returns [(digest, priority)] by priority, then oldest first."""
    def selects(sel, tags):
        st = sel["tagStatus"]
        if st == "any":
            return True
        if st == "untagged":
            return not tags
        if not tags:
            return False
        if "tagPrefixList" in sel:
            return all(any(t.startswith(p) for t in tags) for p in sel["tagPrefixList"])
        return all(any(re.fullmatch(".*".join(map(re.escape, p.split("*"))), t) for t in tags) for p in sel["tagPatternList"])

    young = sorted(images, key=lambda i: -i[2])
    claimed, expired = set(), {}
    for r in sorted(rules, key=lambda r: r["rulePriority"]):
        sel = r["selection"]
        chosen = [i for i in young if selects(sel, i[1])]
        if sel["countType"] == "imageCountMoreThan":
            due = chosen[sel["countNumber"]:]
        else:
            due = [i for i in chosen if i[2] < now - sel["countNumber"] * 86400]
        for i in due:
            if i[0] not in claimed and i[0] not in expired:
                expired[i[0]] = r["rulePriority"]
        claimed.update(i[0] for i in chosen)
    pushed = {i[0]: i[2] for i in images}
    return sorted(expired.items(), key=lambda e: (e[1], pushed[e[0]]))


def preview_pages(repo, page_size=None, **kw):
    """every previewResults page through nextToken (the CLI without its own paging)"""
    results, token, n = [], None, 0
    while True:
        args = ["get-lifecycle-policy-preview", "--repository-name", repo, "--no-paginate"]
        if page_size:
            args += ["--max-results", str(page_size)]
        if token:
            args += ["--next-token", token]
        for k, v in kw.items():
            args += [k, v]
        out = ok(*args)
        results += out["previewResults"]
        n += 1
        token = out.get("nextToken")
        if not token:
            return results, out, n


LC_IMAGES = [  # (image archive, tag, push time): distinct times, so that "youngest" is plain
    ("alpine-3.19.oci.tar", "v1", "2026-11-01T12:00:00Z"),
    ("scratch-static.oci.tar", "v2", "2026-11-02T12:00:00Z"),
    ("alpine-3.18.docker.tar", "prod-1", "2026-11-03T12:00:00Z"),
    ("debian-bookworm-layered.oci.tar", "prod-2", "2026-11-05T12:00:00Z"),
    ("scratch-static.docker.tar", "v1", "2026-11-10T12:00:00Z"),   # v1 moves: the first image is untagged
    ("alpine-3.18.docker.tar", "prod-latest", "2026-11-12T12:00:00Z"),  # a second tag, the push time stays
]
LC_POLICIES = [
    [rule(1, "tagged", "imageCountMoreThan", 1, tagPrefixList=["prod"])[0:2],
     rule(2, "untagged", "sinceImagePushed", 7)[0:2], rule(3, "any", "imageCountMoreThan", 2)[0:2]],
    [rule(1, "tagged", "sinceImagePushed", 20, tagPatternList=["v*"])[0:2]],
    [rule(5, "any", "imageCountMoreThan", 1)[0:2]],
    [rule(1, "tagged", "imageCountMoreThan", 1, tagPatternList=["prod-*", "*latest"])[0:2],
     rule(2, "tagged", "sinceImagePushed", 1, tagPrefixList=["v"])[0:2]],
]


def lifecycle_previews():
    ok("create-repository", "--repository-name", "lc")
    fails("LifecyclePolicyPreviewNotFoundException", "Lifecycle policy preview does not exist for the repository with name 'lc'",
          "get-lifecycle-policy-preview", "--repository-name", "lc")
    fails("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist", "start-lifecycle-policy-preview",
          "--repository-name", "lc")
    for archive, tag, at in LC_IMAGES:
        p = run([os.path.join(bindir, "ecrlite"), "push", os.path.join(images, archive), "lc:" + tag], now=at)
        check("push %s" % archive, p.returncode == 0, p.stderr)
    imgs = images_of("lc")
    check("the repository holds an untagged image", any(not i[1] for i in imgs), imgs)
    for k, rules in enumerate(LC_POLICIES):
        rules = [{"rulePriority": p, "description": "rule %d" % p, "selection": s, "action": {"type": "expire"}} for p, s in rules]
        text = json.dumps({"rules": rules}, indent=4) + "\n"
        r = ok("start-lifecycle-policy-preview", "--repository-name", "lc", "--lifecycle-policy-text", text)
        check("preview %d: start" % k, r["lifecyclePolicyText"] == text and r["status"] in ("IN_PROGRESS", "COMPLETE"), r)
        rc, _, err = aws("wait", "lifecycle-policy-preview-complete", "--repository-name", "lc")
        check("preview %d: wait lifecycle-policy-preview-complete" % k, rc == 0, err)
        want = expected_preview(imgs, rules, epoch(NOW))
        got, last, pages = preview_pages("lc")
        check("preview %d: the images ECR's rules expire" % k, [(g["imageDigest"], g["appliedRulePriority"]) for g in got] == want,
              "\ngot  %s\nwant %s" % ([(g["imageDigest"][:15], g["appliedRulePriority"]) for g in got], [(d[:15], p) for d, p in want]))
        tags = {i[0]: i[1] for i in imgs}
        pushed = {i[0]: i[2] for i in imgs}
        check("preview %d: each result's tags, push time and action" % k, all(
            g.get("imageTags", []) == tags[g["imageDigest"]] and g["action"] == {"type": "EXPIRE"} and
            abs(epoch(g["imagePushedAt"]) - pushed[g["imageDigest"]]) < 1e-3 for g in got), got)
        check("preview %d: summary and status" % k, last["summary"] == {"expiringImageTotalCount": len(want)} and
              last["status"] == "COMPLETE" and last["lifecyclePolicyText"] == text, last)
        paged, _, n = preview_pages("lc", page_size=1)
        check("preview %d: maxResults 1 and nextToken give the same, a page each" % k, paged == got and n == max(1, len(want)),
              "%d pages" % n)
        auto = ok("get-lifecycle-policy-preview", "--repository-name", "lc", "--page-size", "1")
        check("preview %d: the CLI's own paging" % k, auto["previewResults"] == got, auto)
        untagged, _, _ = preview_pages("lc", **{"--filter": "tagStatus=UNTAGGED"})
        check("preview %d: filter tagStatus=UNTAGGED" % k, untagged == [g for g in got if not g.get("imageTags")], untagged)
        tagged, _, _ = preview_pages("lc", **{"--filter": "tagStatus=TAGGED"})
        check("preview %d: filter tagStatus=TAGGED" % k, tagged == [g for g in got if g.get("imageTags")], tagged)
        if got:
            one = ok("get-lifecycle-policy-preview", "--repository-name", "lc", "--image-ids",
                     "imageDigest=" + got[-1]["imageDigest"])
            check("preview %d: imageIds" % k, one["previewResults"] == [got[-1]], one)
    check("previews changed no image", images_of("lc") == imgs)
    # four wildcards against long tags: quick (no backtracking blow-up)
    ok("create-repository", "--repository-name", "lc-glob")
    for i, (archive, _, at) in enumerate(LC_IMAGES[:4]):
        push("lc-glob", archive, "a" * 250 + str(i), at)
    t0 = time.time()
    ok("start-lifecycle-policy-preview", "--repository-name", "lc-glob", "--lifecycle-policy-text", lifecycle_doc(
        rule(1, "tagged", "imageCountMoreThan", 1, {"description": "x" * 80}, tagPatternList=["*a*a*a*b"])))
    check("a pattern of four wildcards over long tags is quick", time.time() - t0 < 2, time.time() - t0)
    ok("delete-repository", "--repository-name", "lc-glob", "--force")
    # the repository's own policy when no text is given (put, it ran: nothing is left to expire)
    ok("put-lifecycle-policy", "--repository-name", "lc", "--lifecycle-policy-text", lifecycle_doc(
        rule(1, "any", "imageCountMoreThan", 2, {"description": "keep two, whatever their tags"})))
    r = ok("start-lifecycle-policy-preview", "--repository-name", "lc")
    check("preview of the stored policy", json.loads(r["lifecyclePolicyText"])["rules"][0]["selection"]["countNumber"] == 2, r)
    got, _, _ = preview_pages("lc")
    check("preview of the stored policy: its results", got == [] and
          sorted(i[0] for i in images_of("lc")) == sorted(i[0] for i in sorted(imgs, key=lambda i: -i[2])[:2]), got)
    fails("InvalidParameterException", "maxResults and nextToken cannot be used with imageIds", "get-lifecycle-policy-preview",
          "--repository-name", "lc", "--image-ids", "imageTag=v2", "--max-results", "5", "--no-paginate")
    ok("delete-lifecycle-policy", "--repository-name", "lc")
    return imgs


def push(repo, archive, tag, at):
    p = run([os.path.join(bindir, "ecrlite"), "push", os.path.join(images, archive), "%s:%s" % (repo, tag)], now=at)
    check("push %s %s:%s" % (archive, repo, tag), p.returncode == 0, p.stderr)
    m = re.search(r" (sha256:[0-9a-f]{64}) ", p.stdout)
    return m.group(1) if m else None


def lifecycle_apply():
    """Putting a policy expires for real exactly what its preview said; each push runs the
    repository's policy again. Expectations from the images' own tags and push times."""
    for k, rules in enumerate(LC_POLICIES):
        repo = "ap-%d" % k
        ok("create-repository", "--repository-name", repo)
        for archive, tag, at in LC_IMAGES:
            push(repo, archive, tag, at)
        before = images_of(repo)
        rules = [{"rulePriority": p, "selection": s, "action": {"type": "expire"}} for p, s in rules]
        text = json.dumps({"rules": rules})
        ok("start-lifecycle-policy-preview", "--repository-name", repo, "--lifecycle-policy-text", text)
        preview, _, _ = preview_pages(repo)
        want = {d for d, _ in expected_preview(before, rules, epoch(NOW))}
        check("apply %d: the preview is the rules' answer" % k, {g["imageDigest"] for g in preview} == want, preview)
        r = ok("get-lifecycle-policy-preview", "--repository-name", repo)
        ok("put-lifecycle-policy", "--repository-name", repo, "--lifecycle-policy-text", text)
        after = images_of(repo)
        check("apply %d: put-lifecycle-policy expired exactly the preview's images" % k,
              sorted(i[0] for i in after) == sorted(i[0] for i in before if i[0] not in {g["imageDigest"] for g in preview}),
              "\nbefore %s\npreview %s\nafter %s" % ([(i[0][:15], i[1]) for i in before],
                                                     [g["imageDigest"][:15] for g in preview], [(i[0][:15], i[1]) for i in after]))
        check("apply %d: the images kept keep their tags" % k, all(i in before for i in after), after)
        got = ok("get-lifecycle-policy", "--repository-name", repo)
        check("apply %d: lastEvaluatedAt is when it ran" % k, got["lastEvaluatedAt"] not in (0, None) and
              abs(epoch(got["lastEvaluatedAt"]) - epoch(NOW)) < 1e-3, got)
        # the rules again find nothing more to expire
        ok("start-lifecycle-policy-preview", "--repository-name", repo)
        again, _, _ = preview_pages(repo)
        check("apply %d: nothing left to expire" % k, again == [], again)
        ok("delete-repository", "--repository-name", repo, "--force")
    # an image index's platform images (untagged) are never expired while the index is there
    idx = os.path.join(tmp, "index.tar")
    subprocess.run(["/usr/bin/python3", os.path.join(top, "tests/scripts/make_index_archive.py"),
                    os.path.join(images, "alpine-3.19.oci.tar"), idx, "multi"], check=True, capture_output=True)
    ok("create-repository", "--repository-name", "ap-index")
    p = run([os.path.join(bindir, "ecrlite"), "push", idx, "ap-index:multi"], now="2026-11-01T12:00:00Z")
    check("push an index", p.returncode == 0, p.stderr)
    before = images_of("ap-index")
    check("the index's platform images are untagged images", len(before) == 4 and sum(1 for i in before if not i[1]) == 3, before)
    ok("put-lifecycle-policy", "--repository-name", "ap-index", "--lifecycle-policy-text", lifecycle_doc(
        rule(1, "untagged", "imageCountMoreThan", 1, {"description": "untagged: all but the newest"})))
    check("an index's images are not expired", sorted(images_of("ap-index")) == sorted(before))
    ok("delete-repository", "--repository-name", "ap-index", "--force")
    # pushes: the policy runs after each, with the push's own clock
    rules = [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                                               "countNumber": 3}, "action": {"type": "expire"}},
             {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 3},
              "action": {"type": "expire"}}]
    ok("create-repository", "--repository-name", "ap-push")
    ok("put-lifecycle-policy", "--repository-name", "ap-push", "--lifecycle-policy-text", json.dumps({"rules": rules}))
    model = {}  # digest -> [tags, pushedAt]: the repository as the rules leave it
    for archive, tag, at in LC_IMAGES + [("alpine-3.19.oci.tar", "again", "2026-11-14T12:00:00Z"),
                                         ("debian-bookworm-layered.oci.tar", "v9", "2026-11-20T12:00:00Z")]:
        d = push("ap-push", archive, tag, at)
        for v in model.values():
            if tag in v[0]:
                v[0].remove(tag)
        if d in model:
            model[d][0].insert(0, tag)
        else:
            model[d] = [[tag], epoch(at)]
        gone = {g for g, _ in expected_preview([(g, v[0], v[1]) for g, v in model.items()], rules, epoch(at))}
        for g in gone:
            del model[g]
        have = {i[0]: [i[1], i[2]] for i in images_of("ap-push")}
        check("push %s:%s at %s: the policy ran" % (archive, tag, at), sorted(have) == sorted(model),
              "\nhave %s\nwant %s" % (sorted((g[:15], v[0]) for g, v in have.items()), sorted((g[:15], v[0]) for g, v in model.items())))
        got = ok("get-lifecycle-policy", "--repository-name", "ap-push")
        check("push at %s: lastEvaluatedAt" % at, abs(epoch(got["lastEvaluatedAt"]) - epoch(at)) < 1e-3, got)
    # PutImage runs it too (the API's push): a manifest of an image the policy expired comes back, once
    ok("delete-lifecycle-policy", "--repository-name", "ap-push")


def lua_calls():
    code = ('ecr.create_repository{repositoryName = "lua-pol"}\n'
            'local ok, e = pcall(ecr.get_repository_policy, {repositoryName = "lua-pol"})\n'
            'print(ok, e.code)\n'
            'local r = ecr.set_repository_policy{repositoryName = "lua-pol", policyText = %s}\n'
            'print(r.policyText == ecr.get_repository_policy{repositoryName = "lua-pol"}.policyText)\n'
            'print(ecr.delete_repository_policy{repositoryName = "lua-pol"}.repositoryName)\n'
            'print(select(2, pcall(ecr.get_registry_policy)).code)\n'
            'print(ecr.start_lifecycle_policy_preview{repositoryName = "lc", lifecyclePolicyText = %s}.status)\n'
            'local n = 0\n'
            'for item in ecr.paginate("GetLifecyclePolicyPreview", {repositoryName = "lc", maxResults = 1}) do\n'
            '  n = n + (item.action.type == "EXPIRE" and 1 or 0) end\n'
            'print(n, ecr.get_lifecycle_policy_preview{repositoryName = "lc"}.summary.expiringImageTotalCount)\n'
            % (json.dumps(json.dumps(POLICY)), json.dumps(lifecycle_doc(rule(1, "any", "imageCountMoreThan", 2,
                                                                            {"description": "keep the two newest"})))))
    rc, out, err = lua(code)
    n = len(images_of("lc")) - 2
    check("lua policy calls", rc == 0 and out == "false\tRepositoryPolicyNotFoundException\ntrue\nlua-pol\nRegistryPolicyNotFoundException\n"
          "COMPLETE\n%d\t%d\n" % (n, n), repr((rc, out, err)))


def start_server():
    global server
    server, endpoint = servelib.start(bindir, env, tmp, "policies")
    return endpoint


def remote(endpoint):
    """boto3 and the real CLI through `ecrlite serve`: each answers as ecrlite locally"""
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        print("policies: boto3 is missing; the serve checks are skipped")
        return
    c = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-2", aws_access_key_id="AKIDEXAMPLE",
                     aws_secret_access_key="secret")
    c.create_repository(repositoryName="remote-pol")
    try:
        c.get_repository_policy(repositoryName="remote-pol")
        check("boto3 get_repository_policy raises", False)
    except botocore.exceptions.ClientError as e:
        check("boto3 RepositoryPolicyNotFoundException", e.response["Error"]["Code"] == "RepositoryPolicyNotFoundException"
              and "Repository policy does not exist for the repository with name 'remote-pol'" in e.response["Error"]["Message"], e.response)
    r = c.set_repository_policy(repositoryName="remote-pol", policyText=json.dumps(POLICY))
    check("boto3 set_repository_policy", r["policyText"] == POLICY_TEXT, r)
    r = c.get_repository_policy(repositoryName="remote-pol")
    check("boto3 get_repository_policy", r["policyText"] == POLICY_TEXT, r)
    try:
        c.set_repository_policy(repositoryName="remote-pol", policyText="[]")
        check("boto3 refuses a bad policy", False)
    except botocore.exceptions.ClientError as e:
        check("boto3 InvalidParameterException", e.response["Error"]["Code"] == "InvalidParameterException", e.response)
    r = c.put_registry_policy(policyText=json.dumps(REGISTRY_POLICY))
    check("boto3 put_registry_policy", json.loads(r["policyText"]) == REGISTRY_POLICY, r)
    check("boto3 get_registry_policy", c.get_registry_policy()["policyText"] == r["policyText"])
    c.delete_registry_policy()
    # lifecycle: put, the preview (waiter, paginator) and the same answers as locally
    lp = lifecycle_doc(rule(1, "any", "imageCountMoreThan", 1, {"description": "keep the newest"}))
    r = c.put_lifecycle_policy(repositoryName="lc", lifecyclePolicyText=lp)
    check("boto3 put_lifecycle_policy", json.loads(r["lifecyclePolicyText"]) == json.loads(lp), r)
    check("boto3 get_lifecycle_policy", "lastEvaluatedAt" in c.get_lifecycle_policy(repositoryName="lc"))
    c.start_lifecycle_policy_preview(repositoryName="lc")
    c.get_waiter("lifecycle_policy_preview_complete").wait(repositoryName="lc", WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    pages = list(c.get_paginator("get_lifecycle_policy_preview").paginate(repositoryName="lc", PaginationConfig={"PageSize": 1}))
    remote_results = [x for pg in pages for x in pg["previewResults"]]
    local_results, _, _ = preview_pages("lc")
    check("boto3 paginator over previewResults", len(pages) == max(1, len(local_results)) and
          [x["imageDigest"] for x in remote_results] == [x["imageDigest"] for x in local_results], pages)
    try:
        c.get_lifecycle_policy_preview(repositoryName="remote-pol")
        check("boto3 LifecyclePolicyPreviewNotFoundException", False)
    except c.exceptions.LifecyclePolicyPreviewNotFoundException as e:
        check("boto3 LifecyclePolicyPreviewNotFoundException", e.response["ResponseMetadata"]["HTTPStatusCode"] == 400)
    c.delete_lifecycle_policy(repositoryName="lc")
    # through the server: a preview, the put that applies it, and PutImage (the API's push) running it
    c.create_repository(repositoryName="remote-lc")
    for archive, tag, at in LC_IMAGES[:3]:
        push("remote-lc", archive, tag, at)
    imgs = images_of("remote-lc")
    keep1 = lifecycle_doc(rule(1, "any", "imageCountMoreThan", 1, {"description": "keep the newest image only"}))
    c.start_lifecycle_policy_preview(repositoryName="remote-lc", lifecyclePolicyText=keep1)
    want = [d for d, _ in expected_preview(imgs, json.loads(keep1)["rules"], epoch(NOW))]
    got = [x["imageDigest"] for x in c.get_lifecycle_policy_preview(repositoryName="remote-lc")["previewResults"]]
    check("boto3 preview", got == want and len(want) == 2, (got, want))
    old = want[-1]
    body = c.batch_get_image(repositoryName="remote-lc", imageIds=[{"imageDigest": old}])["images"][0]["imageManifest"]
    first = c.batch_get_image(repositoryName="remote-lc", imageIds=[{"imageDigest": [i for i in (x[0] for x in imgs) if i not in want][0]}])
    first_body, first_type = first["images"][0]["imageManifest"], first["images"][0].get("imageManifestMediaType",
                                                                                            "application/vnd.oci.image.manifest.v1+json")
    c.put_lifecycle_policy(repositoryName="remote-lc", lifecyclePolicyText=keep1)
    left = [i["imageDigest"] for i in c.list_images(repositoryName="remote-lc")["imageIds"]]
    check("boto3 put_lifecycle_policy expires the preview's images", sorted(left) == sorted(set(i[0] for i in imgs) - set(want)), left)
    # PutImage (the API's push) of an image the policy expired: back as the newest, and the
    # policy runs after it: the one it kept before goes
    c.put_image(repositoryName="remote-lc", imageManifest=body, imageTag="back")
    now_left = [(i["imageDigest"], i.get("imageTag")) for i in c.list_images(repositoryName="remote-lc")["imageIds"]]
    check("boto3 put_image runs the policy", now_left == [(old, "back")], now_left)
    # and the registry's manifest PUT (what docker, skopeo and crane push with) of the image
    # the put kept and PutImage then expired: back, and the policy expires the other
    import urllib.request
    auth = c.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    req = urllib.request.Request("%s/v2/remote-lc/manifests/reg" % endpoint, data=first_body.encode(), method="PUT",
                                 headers={"Authorization": "Basic " + auth, "Content-Type": first_type})
    try:
        with urllib.request.urlopen(req) as resp:
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
    reg_left = [(i["imageDigest"], i.get("imageTag")) for i in c.list_images(repositoryName="remote-lc")["imageIds"]]
    check("the registry's manifest PUT runs the policy", status == 201 and reg_left == [(left[0], "reg")], (status, reg_left))
    # the real CLI through the server prints what ecrlite prints locally
    for args in (["get-repository-policy", "--repository-name", "remote-pol"],
                 ["get-repository-policy", "--repository-name", "remote-pol", "--output", "text"],
                 ["get-repository-policy", "--repository-name", "remote-pol", "--output", "table"],
                 ["get-registry-policy"],
                 ["get-lifecycle-policy-preview", "--repository-name", "lc"],
                 ["get-lifecycle-policy-preview", "--repository-name", "lc", "--output", "table"],
                 ["get-lifecycle-policy-preview", "--repository-name", "lc", "--page-size", "1", "--output", "text"],
                 ["wait", "lifecycle-policy-preview-complete", "--repository-name", "lc"],
                 ["get-lifecycle-policy-preview", "--repository-name", "remote-pol"]):
        real = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "ecr", *args], env=env, capture_output=True, text=True)
        mine = run([os.path.join(bindir, "aws"), "ecr", *args])
        check("real CLI through serve: %s" % " ".join(args), (real.returncode, real.stdout, real.stderr) ==
              (mine.returncode, mine.stdout, mine.stderr), "\nreal %r\nours %r" % ((real.returncode, real.stdout, real.stderr),
                                                                                   (mine.returncode, mine.stdout, mine.stderr)))


try:
    repository_policies()
    registry_policies()
    lifecycle_policies()
    lifecycle_previews()
    lifecycle_apply()
    lua_calls()
    if os.path.exists("/usr/bin/aws"):
        endpoint = start_server()
        check("serve starts", endpoint is not None)
        if endpoint:
            remote(endpoint)
    else:
        print("policies: /usr/bin/aws is missing; the serve checks are skipped")
finally:
    servelib.stop(server)
    shutil.rmtree(tmp, ignore_errors=True)
print("policies: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
