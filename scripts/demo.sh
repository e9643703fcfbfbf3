#!/bin/bash
# The README's first command, offline: import the bundled real vulnerability records,
# create a repository with scan on push, push the bundled sample image (Alpine 3.19.4
# minirootfs), and show what the scan found. Uses a demo state directory under build/
# unless ECRLITE_HOME is set, so it never touches your own state.
set -eu
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export ECRLITE_HOME=${ECRLITE_HOME:-$top/build/demo-state}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-2}
[ "$ECRLITE_HOME" = "$top/build/demo-state" ] && rm -rf "$ECRLITE_HOME"
say() { printf '\n$ %s\n' "$*"; }
say ecrlite vulndb import samples/feeds/alpine-v3.19-main.subset.json
"$bin/ecrlite" vulndb import "$top/samples/feeds/alpine-v3.19-main.subset.json"
say aws ecr create-repository --repository-name demo/alpine --image-scanning-configuration scanOnPush=true
"$bin/aws" ecr create-repository --repository-name demo/alpine --image-scanning-configuration scanOnPush=true
say ecrlite push samples/alpine-3.19.oci.tar demo/alpine:3.19
"$bin/ecrlite" push "$top/samples/alpine-3.19.oci.tar" demo/alpine:3.19
say aws ecr list-images --repository-name demo/alpine
"$bin/aws" ecr list-images --repository-name demo/alpine
say aws ecr describe-image-scan-findings --repository-name demo/alpine --image-id imageTag=3.19 --max-items 2
"$bin/aws" ecr describe-image-scan-findings --repository-name demo/alpine --image-id imageTag=3.19 --max-items 2
say aws ecr describe-images --repository-name demo/alpine --output text
"$bin/aws" ecr describe-images --repository-name demo/alpine --output text
printf '\nstate: %s (ECRLITE_HOME)\n' "$ECRLITE_HOME"
