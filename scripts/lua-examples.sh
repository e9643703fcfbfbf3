#!/bin/bash
# The shipped Lua scripts in use, on the demo state (run `make demo` first):
# a CI gate, a Markdown report, and a rescan within the daily quota.
set -u
bin=${1:-build/bin}
top=$(cd "$(dirname "$0")/.." && pwd)
export ECRLITE_HOME=${ECRLITE_HOME:-$top/build/demo-state}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-2}
echo '$ ecrlite lua gate demo/alpine:3.19 HIGH'
"$bin/ecrlite" lua gate demo/alpine:3.19 HIGH; echo "(exit $?)"
echo '$ ecrlite lua gate demo/alpine:3.19 UNDEFINED'
"$bin/ecrlite" lua gate demo/alpine:3.19 UNDEFINED; echo "(exit $?)"
echo '$ ecrlite lua report'
"$bin/ecrlite" lua report
echo '$ ecrlite lua rescan --dry-run'
"$bin/ecrlite" lua rescan --dry-run
echo '$ ecrlite lua -e "for f in ecr.paginate(\"describe_image_scan_findings\", {repositoryName=\"demo/alpine\", imageId={imageTag=\"3.19\"}}) do print(f.name, f.severity) end"'
"$bin/ecrlite" lua -e 'for f in ecr.paginate("describe_image_scan_findings", {repositoryName="demo/alpine", imageId={imageTag="3.19"}}) do print(f.name, f.severity) end'
