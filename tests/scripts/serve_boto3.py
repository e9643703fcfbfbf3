#!/usr/bin/python3
"""boto3 against `ecrlite serve` (endpoint_url): calls, paginators, the waiter and
errors, each compared with `ecrlite aws` run locally on the same state.
usage: serve_boto3.py BIN ENDPOINT REPO TAG   (REPO holds >= 2 images, TAG is scanned)"""
import datetime
import json
import os
import subprocess
import sys
import time

import boto3
import botocore.exceptions

bin_, endpoint, repo, tag = sys.argv[1:5]
passed = failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL serve-boto3: %s %s" % (what, detail))


def local(*args):
    out = subprocess.run([bin_ + "/aws", "ecr", *args, "--output", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


ecr = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-2",
                   aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")

r = ecr.describe_repositories(repositoryNames=[repo])
check("describe_repositories", r["repositories"][0]["repositoryName"] == repo, r)
check("request id", len(r["ResponseMetadata"]["RequestId"]) == 36, r["ResponseMetadata"])
check("content type", r["ResponseMetadata"]["HTTPHeaders"].get("content-type") == "application/x-amz-json-1.1",
      r["ResponseMetadata"]["HTTPHeaders"])

# paginators: one image per page, every page's digests together equal the local list
pages = list(ecr.get_paginator("describe_images").paginate(repositoryName=repo, PaginationConfig={"PageSize": 1}))
got = [d["imageDigest"] for p in pages for d in p["imageDetails"]]
want = [d["imageDigest"] for d in local("describe-images", "--repository-name", repo)["imageDetails"]]
check("describe_images paginator", len(pages) == len(want) >= 2 and got == want, (len(pages), got, want))
pages = list(ecr.get_paginator("list_images").paginate(repositoryName=repo, PaginationConfig={"PageSize": 1}))
check("list_images paginator", sum(len(p["imageIds"]) for p in pages) == len(want), len(pages))

# the waiter, then findings paged by 3 equal one local call
ecr.get_waiter("image_scan_complete").wait(repositoryName=repo, imageId={"imageTag": tag},
                                          WaiterConfig={"Delay": 1, "MaxAttempts": 30})
pages = list(ecr.get_paginator("describe_image_scan_findings").paginate(
    repositoryName=repo, imageId={"imageTag": tag}, PaginationConfig={"PageSize": 3}))
got = [(f["name"], f["attributes"]) for p in pages for f in p["imageScanFindings"]["findings"]]
loc = local("describe-image-scan-findings", "--repository-name", repo, "--image-id", "imageTag=" + tag)
want = [(f["name"], f["attributes"]) for f in loc["imageScanFindings"]["findings"]]
check("findings paginator", len(want) > 3 and got == want, (len(got), len(want)))
ts = pages[0]["imageScanFindings"]["imageScanCompletedAt"]
check("timestamps", ts.astimezone(datetime.timezone.utc).isoformat() == loc["imageScanFindings"]["imageScanCompletedAt"],
      (ts, loc["imageScanFindings"]["imageScanCompletedAt"]))

# errors: the modeled exception class, code, message and status
try:
    ecr.describe_images(repositoryName="no-such-repo")
    check("RepositoryNotFoundException", False, "no error")
except ecr.exceptions.RepositoryNotFoundException as e:
    check("RepositoryNotFoundException", e.response["Error"]["Code"] == "RepositoryNotFoundException" and
          e.response["ResponseMetadata"]["HTTPStatusCode"] == 400 and
          "does not exist in the registry with id" in e.response["Error"]["Message"], e.response)
try:
    ecr.describe_images(repositoryName="NOT VALID")
    check("ValidationException", False, "no error")
except botocore.exceptions.ClientError as e:
    check("ValidationException", e.response["Error"]["Code"] == "ValidationException", e.response)
bad = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-2",
                   aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wrong")
try:
    bad.describe_repositories()
    check("InvalidSignatureException", False, "no error")
except botocore.exceptions.ClientError as e:
    check("InvalidSignatureException", e.response["Error"]["Code"] == "InvalidSignatureException" and
          e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response)
# what Terraform's aws_ecr_repository, aws_ecr_lifecycle_policy and
# aws_ecr_repository_policy call, in their order: create with tags, read (describe,
# tags, policies: a missing one is the NotFoundException the provider tests for, 400),
# update (mutability, scanning, tags, policies), and delete with force and registryId.
# Before, every policy call was UnsupportedOperationException (HTTP 501).
tf = "tf-managed"
made = ecr.create_repository(repositoryName=tf, imageTagMutability="MUTABLE", tags=[{"Key": "env", "Value": "ci"}],
                             imageScanningConfiguration={"scanOnPush": True})["repository"]
arn, reg = made["repositoryArn"], made["registryId"]
check("terraform: describe", ecr.describe_repositories(repositoryNames=[tf])["repositories"][0]["repositoryArn"] == arn)
check("terraform: tags", ecr.list_tags_for_resource(resourceArn=arn)["tags"] == [{"Key": "env", "Value": "ci"}])
lp = json.dumps({"rules": [{"rulePriority": 1, "description": "expire untagged after 14 days",
                            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                          "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}]})
rp = json.dumps({"Version": "2008-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": "*",
                                                          "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})
for what, get, kind, put, member, text in (
        ("lifecycle", ecr.get_lifecycle_policy, ecr.exceptions.LifecyclePolicyNotFoundException,
         lambda t: ecr.put_lifecycle_policy(repositoryName=tf, registryId=reg, lifecyclePolicyText=t),
         "lifecyclePolicyText", lp),
        ("repository policy", ecr.get_repository_policy, ecr.exceptions.RepositoryPolicyNotFoundException,
         lambda t: ecr.set_repository_policy(repositoryName=tf, registryId=reg, policyText=t), "policyText", rp)):
    try:
        get(repositoryName=tf, registryId=reg)
        check("terraform: no %s yet" % what, False, "no error")
    except kind as e:
        check("terraform: no %s yet" % what, e.response["ResponseMetadata"]["HTTPStatusCode"] == 400 and
              e.response["Error"]["Message"] == "%s does not exist for the repository with name '%s' in the registry "
              "with id '%s'" % ("Lifecycle policy" if what == "lifecycle" else "Repository policy", tf, reg), e.response)
    # ECR answers with the document re-written (a repository policy pretty-printed, a
    # lifecycle policy compact): the same JSON, which is what the provider compares
    check("terraform: put %s" % what, json.loads(put(text)[member]) == json.loads(text))
    got = get(repositoryName=tf, registryId=reg)
    check("terraform: read %s back" % what, json.loads(got[member]) == json.loads(text) and got["registryId"] == reg, got)
    try:
        put(json.dumps({"description": "no rules, no statement: " + "x" * 100}))
        check("terraform: a %s that is not one" % what, False, "no error")
    except ecr.exceptions.InvalidParameterException as e:
        check("terraform: a %s that is not one" % what, "failed to satisfy constraint" in e.response["Error"]["Message"], e.response)
ecr.put_image_tag_mutability(repositoryName=tf, registryId=reg, imageTagMutability="IMMUTABLE")
ecr.tag_resource(resourceArn=arn, tags=[{"Key": "team", "Value": "a"}])
ecr.untag_resource(resourceArn=arn, tagKeys=["env"])
check("terraform: tags updated", ecr.list_tags_for_resource(resourceArn=arn)["tags"] == [{"Key": "team", "Value": "a"}])
check("terraform: delete lifecycle policy", json.loads(ecr.delete_lifecycle_policy(repositoryName=tf)["lifecyclePolicyText"]) == json.loads(lp))
check("terraform: delete repository policy", json.loads(ecr.delete_repository_policy(repositoryName=tf)["policyText"]) == json.loads(rp))
try:
    ecr.delete_repository_policy(repositoryName=tf)
    check("terraform: policy gone", False, "no error")
except ecr.exceptions.RepositoryPolicyNotFoundException:
    check("terraform: policy gone", True)
ecr.set_repository_policy(repositoryName=tf, policyText=rp)
ecr.delete_repository(repositoryName=tf, registryId=reg, force=True)
try:
    ecr.describe_repositories(repositoryNames=[tf])
    check("terraform: deleted", False, "no error")
except ecr.exceptions.RepositoryNotFoundException:
    check("terraform: deleted", True)
ecr.create_repository(repositoryName=tf)
try:
    ecr.get_repository_policy(repositoryName=tf)
    check("terraform: a new repository of the same name has no policy", False, "no error")
except ecr.exceptions.RepositoryPolicyNotFoundException:
    check("terraform: a new repository of the same name has no policy", True)
ecr.delete_repository(repositoryName=tf)

# regions are apart, as in ECR
other = boto3.client("ecr", endpoint_url=endpoint, region_name="eu-west-1",
                     aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
check("regions apart", other.describe_repositories()["repositories"] == [])

# a scan the server's worker runs is its repository's region's: an image of eu-west-1
# scanned on request, its scan event (seen by a hook) names eu-west-1 and its ARN, not the
# server's default region
home = os.environ["ECRLITE_HOME"]
image = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/images/alpine-3.19.oci.tar")
if os.path.exists(image):
    other.create_repository(repositoryName="regional")
    subprocess.run([bin_ + "/ecrlite", "push", image, "regional:v1"], check=True, capture_output=True,
                   env=dict(os.environ, AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="eu-west-1"))
    os.makedirs(os.path.join(home, "hooks"), exist_ok=True)
    hook, log = os.path.join(home, "hooks", "50-region.lua"), os.path.join(home, "region-hook.log")
    with open(hook, "w") as f:
        f.write('local ev = ...\nlocal f = assert(io.open(%r, "a"))\n'
                'f:write(ev.region, " ", ev.account, " ", ev.resources[1], "\\n")\nf:close()\n' % log)
    other.start_image_scan(repositoryName="regional", imageId={"imageTag": "v1"})
    other.get_waiter("image_scan_complete").wait(repositoryName="regional", imageId={"imageTag": "v1"},
                                                 WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    for _ in range(50):  # the hook runs after the result's commit
        if os.path.exists(log):
            break
        time.sleep(0.1)
    seen = open(log).read() if os.path.exists(log) else ""
    os.unlink(hook)
    check("a worker's scan event is its repository's region's", seen ==
          "eu-west-1 000000000000 arn:aws:ecr:eu-west-1:000000000000:repository/regional\n", seen)

print("serve-boto3: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
