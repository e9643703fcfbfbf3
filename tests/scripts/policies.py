#!/usr/bin/python3
"""Permissions and lifecycle policies through every model-driven frontend: `aws ecr …`
locally, Lua's generic calls, and `ecrlite serve`'s JSON API driven by boto3 and the
real AWS CLI (/usr/bin/aws --endpoint-url). Lifecycle expectations are computed here
from the images' own push times and tags, never taken from ecrlite.
usage: policies.py BIN"""
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# tests/scripts holds a jmespath.py of its own: botocore must import the real one
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
bindir = os.path.abspath(sys.argv[1])
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


def lua_calls():
    code = ('ecr.create_repository{repositoryName = "lua-pol"}\n'
            'local ok, e = pcall(ecr.get_repository_policy, {repositoryName = "lua-pol"})\n'
            'print(ok, e.code)\n'
            'local r = ecr.set_repository_policy{repositoryName = "lua-pol", policyText = %s}\n'
            'print(r.policyText == ecr.get_repository_policy{repositoryName = "lua-pol"}.policyText)\n'
            'print(ecr.delete_repository_policy{repositoryName = "lua-pol"}.repositoryName)\n'
            'print(select(2, pcall(ecr.get_registry_policy)).code)\n' % json.dumps(json.dumps(POLICY)))
    rc, out, err = lua(code)
    check("lua policy calls", rc == 0 and out == "false\tRepositoryPolicyNotFoundException\ntrue\nlua-pol\nRegistryPolicyNotFoundException\n",
          repr((rc, out, err)))


def start_server():
    global server
    log = open(os.path.join(tmp, "serve.log"), "w+")
    os.makedirs(env["ECRLITE_HOME"], exist_ok=True)
    with open(os.path.join(env["ECRLITE_HOME"], "credentials"), "w") as f:
        f.write("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
    server = subprocess.Popen([os.path.join(bindir, "ecrlite"), "serve", "--listen", "127.0.0.1:0"], env=env,
                              stderr=log, stdout=subprocess.DEVNULL)
    for _ in range(200):
        log.seek(0)
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read())
        if m:
            return m.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    print("policies: the server did not start: %s" % log.read())
    return None


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
    # the real CLI through the server prints what ecrlite prints locally
    for args in (["get-repository-policy", "--repository-name", "remote-pol"],
                 ["get-repository-policy", "--repository-name", "remote-pol", "--output", "text"],
                 ["get-repository-policy", "--repository-name", "remote-pol", "--output", "table"],
                 ["get-registry-policy"]):
        real = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "ecr", *args], env=env, capture_output=True, text=True)
        mine = run([os.path.join(bindir, "aws"), "ecr", *args])
        check("real CLI through serve: %s" % " ".join(args), (real.returncode, real.stdout, real.stderr) ==
              (mine.returncode, mine.stdout, mine.stderr), "\nreal %r\nours %r" % ((real.returncode, real.stdout, real.stderr),
                                                                                   (mine.returncode, mine.stdout, mine.stderr)))


try:
    repository_policies()
    registry_policies()
    lua_calls()
    if os.path.exists("/usr/bin/aws"):
        endpoint = start_server()
        check("serve starts", endpoint is not None)
        if endpoint:
            remote(endpoint)
    else:
        print("policies: /usr/bin/aws is missing; the serve checks are skipped")
finally:
    if server:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    shutil.rmtree(tmp, ignore_errors=True)
print("policies: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
