#!/bin/bash
# The README's first command, offline: import the bundled real vulnerability records
# (Alpine's secdb for 3.19 and the NVD records of its CVEs, samples/feeds), create a
# repository with scan on push, push the bundled sample image (Alpine 3.19.4
# minirootfs), show what the scan found with its real severities, and a CI gate failing
# on it. Uses a demo state directory under build/ unless ECRLITE_HOME is set, so it
# never touches your own state.
set -eu
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export ECRLITE_HOME=${ECRLITE_HOME:-$top/build/demo-state}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-2}
[ "$ECRLITE_HOME" = "$top/build/demo-state" ] && rm -rf "$ECRLITE_HOME"
say() { printf '\n$ %s\n' "$*"; }
say ecrlite vulndb import samples/feeds
"$bin/ecrlite" vulndb import "$top/samples/feeds"
say aws ecr create-repository --repository-name demo/alpine --image-scanning-configuration scanOnPush=true
"$bin/aws" ecr create-repository --repository-name demo/alpine --image-scanning-configuration scanOnPush=true
say ecrlite push samples/alpine-3.19.oci.tar demo/alpine:3.19
"$bin/ecrlite" push "$top/samples/alpine-3.19.oci.tar" demo/alpine:3.19
say aws ecr list-images --repository-name demo/alpine
"$bin/aws" ecr list-images --repository-name demo/alpine
say aws ecr describe-image-scan-findings --repository-name demo/alpine --image-id imageTag=3.19 --max-items 2
"$bin/aws" ecr describe-image-scan-findings --repository-name demo/alpine --image-id imageTag=3.19 --max-items 2
q='imageScanFindings.findings[].[name, severity, attributes[?key==`package_name`].value | [0], attributes[?key==`CVSS3_SCORE`].value | [0]]'
say aws ecr describe-image-scan-findings --repository-name demo/alpine --image-id imageTag=3.19 --output table --query "'$q'"
"$bin/aws" ecr describe-image-scan-findings --repository-name demo/alpine --image-id imageTag=3.19 --output table --query "$q"
say ecrlite lua gate demo/alpine:3.19 HIGH
rc=0; "$bin/ecrlite" lua gate demo/alpine:3.19 HIGH || rc=$?
printf '(exit status %d: a CI job running the gate stops here)\n' "$rc"
say aws ecr describe-images --repository-name demo/alpine --output text
"$bin/aws" ecr describe-images --repository-name demo/alpine --output text
printf '\nstate: %s (ECRLITE_HOME), region: %s (AWS_DEFAULT_REGION)\n' "$ECRLITE_HOME" "$AWS_DEFAULT_REGION"
