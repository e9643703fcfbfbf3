#!/bin/bash
# The README's first command: a repository with scan on push, the bundled sample image
# pushed into it, and what the registry now lists. Uses a demo state directory under
# build/ unless ECRLITE_HOME is set, so it never touches your own state.
set -eu
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export ECRLITE_HOME=${ECRLITE_HOME:-$top/build/demo-state}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-2}
rm -rf "$top/build/demo-state"
echo "\$ aws ecr create-repository --repository-name demo/alpine --image-scanning-configuration scanOnPush=true"
"$bin/aws" ecr create-repository --repository-name demo/alpine --image-scanning-configuration scanOnPush=true
echo "\$ ecrlite push samples/alpine-3.19.oci.tar demo/alpine:3.19"
"$bin/ecrlite" push "$top/samples/alpine-3.19.oci.tar" demo/alpine:3.19
echo "\$ aws ecr list-images --repository-name demo/alpine"
"$bin/aws" ecr list-images --repository-name demo/alpine
echo "\$ aws ecr describe-images --repository-name demo/alpine --output text"
"$bin/aws" ecr describe-images --repository-name demo/alpine --output text
