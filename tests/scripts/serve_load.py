#!/usr/bin/python3
"""A bounded load on `ecrlite serve` from several processes at once (boto3, signed):
each creates its own repositories, tags the shared image under its own tags, and reads
in between. Then: no request failed, every write is there (counts checked exactly),
and SQLite's integrity_check is clean.
usage: serve_load.py ENDPOINT STATE_DB REPO TAG [PROCS [ROUNDS]]"""
import multiprocessing
import sqlite3
import sys

import boto3

endpoint, db, repo, tag = sys.argv[1:5]
procs = int(sys.argv[5]) if len(sys.argv) > 5 else 4
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 25


def client():
    return boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-2",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


def work(p):
    ecr = client()
    errors = []
    manifest = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": tag}])["images"][0]["imageManifest"]
    for i in range(rounds):
        try:
            ecr.create_repository(repositoryName="load-%d-%d" % (p, i))
            ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="load-%d-%d" % (p, i))
            ecr.describe_images(repositoryName=repo, maxResults=5)
            ecr.describe_repositories(maxResults=10)
        except Exception as e:  # every failure counts, whatever its kind
            errors.append("%d/%d: %s" % (p, i, e))
    return errors


if __name__ == "__main__":
    ecr = client()
    before_repos = sum(len(pg["repositories"]) for pg in ecr.get_paginator("describe_repositories").paginate())
    before_tags = sum(1 for pg in ecr.get_paginator("list_images").paginate(repositoryName=repo,
                      filter={"tagStatus": "TAGGED"}) for i in pg["imageIds"])
    with multiprocessing.Pool(procs) as pool:
        errors = [e for es in pool.map(work, range(procs)) for e in es]
    passed = failed = 0
    if errors:
        failed += 1
        print("FAIL serve-load: %d of %d requests failed, e.g. %s" % (len(errors), procs * rounds * 4, errors[:3]))
    else:
        passed += 1
    repos = sum(len(pg["repositories"]) for pg in ecr.get_paginator("describe_repositories").paginate())
    tags = sum(1 for pg in ecr.get_paginator("list_images").paginate(repositoryName=repo,
               filter={"tagStatus": "TAGGED"}) for i in pg["imageIds"])
    if repos == before_repos + procs * rounds and tags == before_tags + procs * rounds:
        passed += 1
    else:
        failed += 1
        print("FAIL serve-load: lost writes: %d repositories (want %d), %d tags (want %d)" % (
            repos, before_repos + procs * rounds, tags, before_tags + procs * rounds))
    check = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchall()
    if check == [("ok",)]:
        passed += 1
    else:
        failed += 1
        print("FAIL serve-load: integrity_check: %s" % check[:5])
    print("serve-load: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
