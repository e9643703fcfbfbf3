#!/usr/bin/python3
"""Pull through cache rules through every model-driven frontend: `aws ecr …` locally,
Lua's generic calls, and `ecrlite serve`'s JSON API driven by boto3 and the real AWS CLI
(/usr/bin/aws --endpoint-url), whose outputs must equal ecrlite's local aws. The
expected rules are the ones this script created, in the order it created them.
usage: pullthrough.py BIN"""
import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

# tests/scripts holds a jmespath.py of its own: botocore must import the real one
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
bindir = os.path.abspath(sys.argv[1])
_spec = importlib.util.spec_from_file_location("servelib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "servelib.py"))
servelib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(servelib)
tmp = tempfile.mkdtemp(prefix="pullthrough-")
NOW = "2026-11-28T12:00:00Z"
ACCOUNT = "000000000000"
env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "ECRLITE_HOME": os.path.join(tmp, "state"),
       "AWS_DEFAULT_REGION": "us-east-2", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "ECRLITE_NOW": NOW}
passed = failed = 0
server = None


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL pullthrough: %s %s" % (what, detail))


def run(argv, now=None):
    return subprocess.run(argv, env=dict(env, ECRLITE_NOW=now) if now else env, capture_output=True, text=True)


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
    check("aws ecr %s fails with %s" % (" ".join(args[:3]), exc), rc == 254 and want in err and msg in err,
          "exit %d: %s" % (rc, err.strip()))


def epoch(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def nf(prefix, account=ACCOUNT):
    return ("The pull through cache rule with Amazon ECR repository prefix '%s' does not exist in the registry with id '%s'"
            % (prefix, account))


made = []  # [(prefix, upstream, createdAt epoch)] in the order created: what describe must answer


def create(prefix, upstream, at):
    r = ok("create-pull-through-cache-rule", "--ecr-repository-prefix", prefix, "--upstream-registry-url", upstream, now=at)
    check("create %s: the model's CreatePullThroughCacheRuleResponse" % prefix, isinstance(r, dict) and
          sorted(r) == ["createdAt", "ecrRepositoryPrefix", "registryId", "upstreamRegistryUrl"] and
          r["ecrRepositoryPrefix"] == prefix and r["upstreamRegistryUrl"] == upstream and r["registryId"] == ACCOUNT and
          abs(epoch(r["createdAt"]) - epoch(at)) < 1e-3, r)
    made.append((prefix, upstream, epoch(at)))
    return r


def as_made(rules):
    return [(r["ecrRepositoryPrefix"], r["upstreamRegistryUrl"], round(epoch(r["createdAt"]), 3)) for r in rules]


def want(prefixes=None):
    return [(p, u, round(t, 3)) for p, u, t in made if prefixes is None or p in prefixes]


def local():
    r = ok("describe-pull-through-cache-rules")
    check("no rules at first", r == {"pullThroughCacheRules": []}, r)
    create("ecr-public", "public.ecr.aws", "2026-11-01T10:00:00Z")
    create("quay", "quay.io", "2026-11-02T11:30:00.250Z")
    # the same prefix again, whatever its upstream
    for up in ("public.ecr.aws", "quay.io"):
        fails("PullThroughCacheRuleAlreadyExistsException",
              "The pull through cache rule with Amazon ECR repository prefix 'ecr-public' already exists in the registry with id '000000000000'",
              "create-pull-through-cache-rule", "--ecr-repository-prefix", "ecr-public", "--upstream-registry-url", up)
    # the upstreams of this API's era are ECR Public and Quay only: the later ones (and
    # anything else) are refused, before the prefix is looked at
    for up in ("registry.k8s.io", "registry-1.docker.io", "ghcr.io", "example.azurecr.io", "docker.io",
               "https://public.ecr.aws", "public.ecr.aws/", "QUAY.IO", "quay.io.example.com"):
        fails("UnsupportedUpstreamRegistryException", "The upstream registry URL '%s' is not supported" % up,
              "create-pull-through-cache-rule", "--ecr-repository-prefix", "other", "--upstream-registry-url", up)
        fails("UnsupportedUpstreamRegistryException", "is not supported",
              "create-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--upstream-registry-url", up)
    # the prefix: the model's pattern and 2-20 characters
    # one character is refused by the CLI itself (botocore checks min lengths, not max)
    rc, out, err = aws("create-pull-through-cache-rule", "--ecr-repository-prefix", "a", "--upstream-registry-url", "quay.io")
    check("a prefix of one character: the CLI's parameter validation", rc == 252 and
          "Invalid length for parameter ecrRepositoryPrefix, value: 1, valid min length: 2" in err, (rc, err))
    for bad, what in (("a" * 21, "Member must have length less than or equal to 20"),
                      ("Quay", "Member must satisfy regular expression pattern"),
                      ("ecr/public", "Member must satisfy regular expression pattern"),
                      ("-quay", "Member must satisfy regular expression pattern"),
                      ("quay-", "Member must satisfy regular expression pattern"),
                      ("qu..ay", "Member must satisfy regular expression pattern")):
        fails("ValidationException", "Value '%s' at 'ecrRepositoryPrefix' failed to satisfy constraint: %s" % (bad, what),
              "create-pull-through-cache-rule", "--ecr-repository-prefix=" + bad, "--upstream-registry-url", "quay.io")
        fails("ValidationException", what, "delete-pull-through-cache-rule", "--ecr-repository-prefix=" + bad)
    create("a" * 20, "quay.io", "2026-11-03T00:00:00Z")
    create("q_1.x-y", "quay.io", "2026-11-03T00:00:01Z")
    r = ok("describe-pull-through-cache-rules")
    check("describe: every rule, in the order made", sorted(r) == ["pullThroughCacheRules"] and
          as_made(r["pullThroughCacheRules"]) == want(), r)
    check("describe: the model's PullThroughCacheRule", all(sorted(x) == ["createdAt", "ecrRepositoryPrefix", "registryId",
                                                                         "upstreamRegistryUrl"] and x["registryId"] == ACCOUNT
                                                            for x in r["pullThroughCacheRules"]), r)
    # the limit: 10 rules a registry; the 11th is refused and changes nothing
    for i in range(len(made), 10):
        create("more%d" % i, "public.ecr.aws" if i % 2 else "quay.io", "2026-11-04T00:00:%02dZ" % i)
    fails("LimitExceededException", "pull through cache rules", "create-pull-through-cache-rule",
          "--ecr-repository-prefix", "eleventh", "--upstream-registry-url", "quay.io")
    # an existing prefix is still an AlreadyExists, an unsupported upstream still refused
    fails("PullThroughCacheRuleAlreadyExistsException", "already exists", "create-pull-through-cache-rule",
          "--ecr-repository-prefix", "quay", "--upstream-registry-url", "quay.io")
    fails("UnsupportedUpstreamRegistryException", "not supported", "create-pull-through-cache-rule",
          "--ecr-repository-prefix", "eleventh", "--upstream-registry-url", "ghcr.io")
    check("the refused 11th is not kept", as_made(ok("describe-pull-through-cache-rules")["pullThroughCacheRules"]) == want())
    # another region and another registry have their own rules (and their own limit)
    r = ok("describe-pull-through-cache-rules", "--region", "eu-west-1")
    check("another region has none", r == {"pullThroughCacheRules": []}, r)
    r = ok("create-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--upstream-registry-url", "quay.io",
           "--region", "eu-west-1")
    check("the same prefix in another region", r["ecrRepositoryPrefix"] == "quay", r)
    r = ok("create-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--upstream-registry-url", "public.ecr.aws",
           "--registry-id", "111122223333")
    check("another registry: its registryId", r["registryId"] == "111122223333" and r["upstreamRegistryUrl"] == "public.ecr.aws", r)
    r = ok("describe-pull-through-cache-rules", "--registry-id", "111122223333")
    check("another registry's rules", [(x["ecrRepositoryPrefix"], x["registryId"]) for x in r["pullThroughCacheRules"]] ==
          [("quay", "111122223333")], r)
    check("this registry's rules unchanged", as_made(ok("describe-pull-through-cache-rules")["pullThroughCacheRules"]) == want())
    ok("delete-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--region", "eu-west-1")
    ok("delete-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--registry-id", "111122223333")

    # the filter: the rules named, in the order made; one named that has none is an error
    r = ok("describe-pull-through-cache-rules", "--ecr-repository-prefixes", "quay", "ecr-public", "more5")
    check("filter", as_made(r["pullThroughCacheRules"]) == want({"quay", "ecr-public", "more5"}), r)
    r = ok("describe-pull-through-cache-rules", "--ecr-repository-prefixes", "quay", "quay")
    check("filter: a prefix named twice is one rule", as_made(r["pullThroughCacheRules"]) == want({"quay"}), r)
    fails("PullThroughCacheRuleNotFoundException", nf("nope"), "describe-pull-through-cache-rules",
          "--ecr-repository-prefixes", "quay", "nope")
    fails("ValidationException", "Member must satisfy regular expression pattern", "describe-pull-through-cache-rules",
          "--ecr-repository-prefixes", "Nope")
    fails("ValidationException", "Member must have length less than or equal to 100", "describe-pull-through-cache-rules",
          "--ecr-repository-prefixes", *["p%d" % i for i in range(101)])
    # paging: the model's paginator (nextToken/maxResults); pages of 3 cover every rule once
    seen, tok, pages = [], None, 0
    while True:
        args = ["describe-pull-through-cache-rules", "--max-results", "3", "--no-paginate"] + (["--next-token", tok] if tok else [])
        r = ok(*args)
        pages += 1
        check("page %d holds at most 3" % pages, len(r["pullThroughCacheRules"]) <= 3, r)
        seen += r["pullThroughCacheRules"]
        tok = r.get("nextToken")
        if not tok or pages > 10:
            break
    check("pages of 3 cover every rule once, in order", as_made(seen) == want() and pages == 4, (pages, as_made(seen)))
    r = ok("describe-pull-through-cache-rules", "--max-results", "10", "--no-paginate")
    check("a full page has no nextToken", "nextToken" not in r and len(r["pullThroughCacheRules"]) == 10, r)
    r = ok("describe-pull-through-cache-rules", "--page-size", "2")
    check("the CLI's paginator over pages of 2", as_made(r["pullThroughCacheRules"]) == want() and "nextToken" not in r, r)
    r = ok("describe-pull-through-cache-rules", "--max-items", "4")
    check("--max-items 4", as_made(r["pullThroughCacheRules"]) == want()[:4] and "NextToken" in r, r)
    r2 = ok("describe-pull-through-cache-rules", "--max-items", "4", "--starting-token", r["NextToken"])
    check("--starting-token", as_made(r2["pullThroughCacheRules"]) == want()[4:8], r2)
    r = ok("describe-pull-through-cache-rules", "--ecr-repository-prefixes", "quay", "more5", "more9", "--max-results", "2",
           "--no-paginate")
    check("filter and paging: the first page", as_made(r["pullThroughCacheRules"]) == want({"quay", "more5", "more9"})[:2]
          and "nextToken" in r, r)
    r2 = ok("describe-pull-through-cache-rules", "--ecr-repository-prefixes", "quay", "more5", "more9", "--max-results", "2",
            "--no-paginate", "--next-token", r["nextToken"])
    check("filter and paging: the last page", as_made(r2["pullThroughCacheRules"]) == want({"quay", "more5", "more9"})[2:]
          and "nextToken" not in r2, r2)
    fails("InvalidParameterException", "", "describe-pull-through-cache-rules", "--next-token", "not-a-token", "--no-paginate")
    # a token of another listing is not this one's
    t = ok("describe-repositories", "--max-results", "1", "--no-paginate")
    ok("create-repository", "--repository-name", "r1")
    ok("create-repository", "--repository-name", "r2")
    t = ok("describe-repositories", "--max-results", "1", "--no-paginate")["nextToken"]
    fails("InvalidParameterException", "", "describe-pull-through-cache-rules", "--next-token", t, "--no-paginate")
    fails("ValidationException", "Member must have value less than or equal to 1000", "describe-pull-through-cache-rules",
          "--max-results", "1001", "--no-paginate")

    # delete: answers the rule deleted, as describe showed it; then it is gone
    before = {x["ecrRepositoryPrefix"]: x for x in ok("describe-pull-through-cache-rules")["pullThroughCacheRules"]}
    r = ok("delete-pull-through-cache-rule", "--ecr-repository-prefix", "quay")
    check("delete answers the rule (the model's DeletePullThroughCacheRuleResponse)", r == before["quay"], (r, before["quay"]))
    made[:] = [m for m in made if m[0] != "quay"]
    fails("PullThroughCacheRuleNotFoundException", nf("quay"), "delete-pull-through-cache-rule", "--ecr-repository-prefix", "quay")
    fails("PullThroughCacheRuleNotFoundException", nf("quay"), "describe-pull-through-cache-rules",
          "--ecr-repository-prefixes", "quay")
    fails("PullThroughCacheRuleNotFoundException", nf("quay", "111122223333"), "delete-pull-through-cache-rule",
          "--ecr-repository-prefix", "quay", "--registry-id", "111122223333")
    check("describe after delete", as_made(ok("describe-pull-through-cache-rules")["pullThroughCacheRules"]) == want())
    # below the limit again: a new rule is taken, after the others
    create("quay", "quay.io", "2026-11-05T00:00:00Z")
    check("made again: last", as_made(ok("describe-pull-through-cache-rules")["pullThroughCacheRules"]) == want())
    # offline: a repository under a rule's prefix that is not in the state is any missing
    # repository (no fetch from the upstream, no repository made)
    fails("RepositoryNotFoundException", "The repository with name 'ecr-public/docker/library/alpine' does not exist in the "
          "registry with id '000000000000'", "batch-get-image", "--repository-name", "ecr-public/docker/library/alpine",
          "--image-ids", "imageTag=latest")
    fails("RepositoryNotFoundException", "does not exist", "describe-images", "--repository-name", "quay/prometheus/node-exporter")
    r = ok("describe-repositories")
    check("no repository was made by the pulls", sorted(x["repositoryName"] for x in r["repositories"]) == ["r1", "r2"], r)


def lua_calls():
    code = ('local r = ecr.create_pull_through_cache_rule{ecrRepositoryPrefix = "lua", upstreamRegistryUrl = "quay.io"}\n'
            'print(r.ecrRepositoryPrefix, r.upstreamRegistryUrl, r.registryId)\n'
            'local ok, e = pcall(ecr.create_pull_through_cache_rule, {ecrRepositoryPrefix = "lua", upstreamRegistryUrl = "quay.io"})\n'
            'print(ok, e.code)\n'
            'ok, e = pcall(ecr.create_pull_through_cache_rule, {ecrRepositoryPrefix = "x1", upstreamRegistryUrl = "quay.io"})\n'
            'print(ok, e.code)\n'
            'ok, e = pcall(ecr.describe_pull_through_cache_rules, {ecrRepositoryPrefixes = {"nope"}})\n'
            'print(ok, e.code)\n'
            'local n, names = 0, {}\n'
            'for item in ecr.paginate("DescribePullThroughCacheRules", {maxResults = 1}) do\n'
            '  n = n + 1; names[#names + 1] = item.ecrRepositoryPrefix end\n'
            'print(n, table.concat(names, ","))\n'
            'print(ecr.delete_pull_through_cache_rule{ecrRepositoryPrefix = "lua"}.upstreamRegistryUrl)\n'
            'ok, e = pcall(ecr.create_pull_through_cache_rule, {ecrRepositoryPrefix = "lua", upstreamRegistryUrl = "ghcr.io"})\n'
            'print(ok, e.code)\n')
    # a rule is deleted first so that the Lua one fits under the limit
    ok("delete-pull-through-cache-rule", "--ecr-repository-prefix", "more9")
    made[:] = [m for m in made if m[0] != "more9"]
    p = run([os.path.join(bindir, "ecrlite"), "lua", "-e", code])
    names = ",".join([m[0] for m in made] + ["lua"])
    check("lua calls", p.returncode == 0 and p.stdout ==
          "lua\tquay.io\t000000000000\nfalse\tPullThroughCacheRuleAlreadyExistsException\nfalse\tLimitExceededException\n"
          "false\tPullThroughCacheRuleNotFoundException\n%d\t%s\nquay.io\nfalse\tUnsupportedUpstreamRegistryException\n"
          % (len(made) + 1, names), repr((p.returncode, p.stdout, p.stderr)))


def start_server():
    global server
    server, endpoint = servelib.start(bindir, env, tmp, "pullthrough")
    return endpoint


def remote(endpoint):
    """boto3 and the real CLI through `ecrlite serve`: each answers as ecrlite locally"""
    try:
        import boto3
    except ImportError:
        print("pullthrough: boto3 is missing; the boto3 checks are skipped")
        boto3 = None
    if boto3:
        c = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-2", aws_access_key_id="AKIDEXAMPLE",
                         aws_secret_access_key="secret")
        # what Terraform's aws_ecr_pull_through_cache_rule calls: create, read back by
        # prefix (a missing one is the NotFoundException it tests for), delete
        # nine rules: tf is the tenth, and the limit's
        r = c.create_pull_through_cache_rule(ecrRepositoryPrefix="tf", upstreamRegistryUrl="public.ecr.aws")
        check("boto3 create", r["ecrRepositoryPrefix"] == "tf" and r["registryId"] == ACCOUNT and
              isinstance(r["createdAt"], datetime.datetime) and abs(r["createdAt"].timestamp() - epoch(NOW)) < 1e-3, r)
        made.append(("tf", "public.ecr.aws", epoch(NOW)))
        got = c.describe_pull_through_cache_rules(ecrRepositoryPrefixes=["tf"])["pullThroughCacheRules"]
        check("boto3 describe by prefix", [(x["ecrRepositoryPrefix"], x["upstreamRegistryUrl"]) for x in got] ==
              [("tf", "public.ecr.aws")], got)
        for call, kw, exc in ((c.create_pull_through_cache_rule, {"ecrRepositoryPrefix": "tf", "upstreamRegistryUrl": "quay.io"},
                               c.exceptions.PullThroughCacheRuleAlreadyExistsException),
                              (c.create_pull_through_cache_rule, {"ecrRepositoryPrefix": "k8s", "upstreamRegistryUrl": "registry.k8s.io"},
                               c.exceptions.UnsupportedUpstreamRegistryException),
                              (c.create_pull_through_cache_rule, {"ecrRepositoryPrefix": "full", "upstreamRegistryUrl": "quay.io"},
                               c.exceptions.LimitExceededException),
                              (c.describe_pull_through_cache_rules, {"ecrRepositoryPrefixes": ["nope"]},
                               c.exceptions.PullThroughCacheRuleNotFoundException),
                              (c.delete_pull_through_cache_rule, {"ecrRepositoryPrefix": "nope"},
                               c.exceptions.PullThroughCacheRuleNotFoundException)):
            try:
                call(**kw)
                check("boto3 %s raises %s" % (call.__name__, exc.__name__), False)
            except exc as e:
                check("boto3 %s: %s, 400" % (call.__name__, exc.__name__), e.response["ResponseMetadata"]["HTTPStatusCode"] == 400,
                      e.response)
        pages = list(c.get_paginator("describe_pull_through_cache_rules").paginate(PaginationConfig={"PageSize": 3}))
        rules = [x for pg in pages for x in pg["pullThroughCacheRules"]]
        check("boto3 paginator over pages of 3", [(x["ecrRepositoryPrefix"], x["upstreamRegistryUrl"],
                                                    round(x["createdAt"].timestamp(), 3)) for x in rules] == want() and
              len(pages) == 4, pages)
        # the registry under a rule's prefix: no upstream fetch, a missing repository's 404
        auth = c.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        req = urllib.request.Request("%s/v2/ecr-public/docker/library/alpine/manifests/latest" % endpoint,
                                     headers={"Authorization": "Basic " + auth})
        try:
            with urllib.request.urlopen(req) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        check("a registry pull under a rule's prefix is a missing repository", status == 404 and b"NAME_UNKNOWN" in body,
              (status, body[:200]))
        d = c.delete_pull_through_cache_rule(ecrRepositoryPrefix="tf")
        check("boto3 delete answers the rule", d["ecrRepositoryPrefix"] == "tf" and d["upstreamRegistryUrl"] == "public.ecr.aws", d)
        made[:] = [m for m in made if m[0] != "tf"]
    # the real CLI through the server prints what ecrlite prints locally
    for args in (["describe-pull-through-cache-rules"],
                 ["describe-pull-through-cache-rules", "--output", "text"],
                 ["describe-pull-through-cache-rules", "--output", "table"],
                 ["describe-pull-through-cache-rules", "--page-size", "2", "--output", "text"],
                 ["describe-pull-through-cache-rules", "--max-items", "3"],
                 ["describe-pull-through-cache-rules", "--ecr-repository-prefixes", "quay", "ecr-public",
                  "--query", "pullThroughCacheRules[].upstreamRegistryUrl", "--output", "text"],
                 ["describe-pull-through-cache-rules", "--ecr-repository-prefixes", "nope"],
                 ["delete-pull-through-cache-rule", "--ecr-repository-prefix", "nope"],
                 ["create-pull-through-cache-rule", "--ecr-repository-prefix", "k8s", "--upstream-registry-url", "registry.k8s.io"],
                 ["create-pull-through-cache-rule", "--ecr-repository-prefix", "quay", "--upstream-registry-url", "quay.io"],
                 ["create-pull-through-cache-rule", "--ecr-repository-prefix", "Bad", "--upstream-registry-url", "quay.io"]):
        real = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "ecr", *args], env=env, capture_output=True, text=True)
        mine = run([os.path.join(bindir, "aws"), "ecr", *args])
        check("real CLI through serve: %s" % " ".join(args), (real.returncode, real.stdout, real.stderr) ==
              (mine.returncode, mine.stdout, mine.stderr), "\nreal %r\nours %r" % ((real.returncode, real.stdout, real.stderr),
                                                                                   (mine.returncode, mine.stdout, mine.stderr)))
    # writes: the real CLI creates and deletes through the server as ecrlite does locally
    for who, argv in (("real", ["/usr/bin/aws", "--endpoint-url", endpoint, "ecr"]), ("ours", [os.path.join(bindir, "aws"), "ecr"])):
        p = subprocess.run(argv + ["create-pull-through-cache-rule", "--ecr-repository-prefix", "w-" + who,
                                   "--upstream-registry-url", "quay.io", "--output", "text"], env=env, capture_output=True, text=True)
        check("%s create through the CLI" % who, p.returncode == 0 and p.stdout == "2026-11-28T12:00:00+00:00\tw-%s\t%s\tquay.io\n"
              % (who, ACCOUNT), repr((p.returncode, p.stdout, p.stderr)))
        p = subprocess.run(argv + ["delete-pull-through-cache-rule", "--ecr-repository-prefix", "w-" + who, "--query",
                                   "ecrRepositoryPrefix", "--output", "text"], env=env, capture_output=True, text=True)
        check("%s delete through the CLI" % who, p.returncode == 0 and p.stdout == "w-%s\n" % who, repr((p.returncode, p.stdout, p.stderr)))


try:
    local()
    lua_calls()
    if os.path.exists("/usr/bin/aws"):
        endpoint = start_server()
        check("serve starts", endpoint is not None)
        if endpoint:
            remote(endpoint)
    else:
        print("pullthrough: /usr/bin/aws is missing; the serve checks are skipped")
finally:
    servelib.stop(server)
    shutil.rmtree(tmp, ignore_errors=True)
print("pullthrough: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
