#!/bin/bash
# ECR's scanning semantics end to end through `aws ecr`: scan on push, manual scans by
# tag and digest, the daily quota with the clock moved, findings paging, describe-images
# summaries, retagging, unsupported and failed scans, the waiter, events and consumers.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
images=$(cd "$top/../shared/images" 2>/dev/null && pwd) || {
	echo "scan-ecr: ../shared/images is absent; skipping"; echo "scan-ecr: 0 passed, 0 failed, 1 skipped"; exit 0; }
data=$top/../shared/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC
export ECRLITE_NOW=2026-11-28T12:00:00Z
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL scan-ecr: $*"; fail=$((fail + 1)); }
aws() { "$bin/aws" "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

"$bin/ecrlite" vulndb import "$data/alpine-secdb/v3.19-main.subset.json" "$data/nvd" >/dev/null
aws ecr create-repository --repository-name onpush --image-scanning-configuration scanOnPush=true >/dev/null
aws ecr create-repository --repository-name manual >/dev/null

# scan on push
out=$("$bin/ecrlite" push "$images/alpine-3.19.oci.tar" onpush:v1)
grep -q '^scan on push: COMPLETE' <<<"$out" && ok || bad "push did not say it scanned: $out"
st=$(aws ecr describe-image-scan-findings --repository-name onpush --image-id imageTag=v1 | jq_ 'd["imageScanStatus"]["status"]')
[ "$st" = COMPLETE ] && ok || bad "scan on push status $st"

# no scan on push: ScanNotFoundException until a manual scan
"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" manual:v1 | grep -q '^scan on push' && bad "manual repo scanned on push" || ok
aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "(ScanNotFoundException) when calling the DescribeImageScanFindings operation: Image scan does not exist for the image with '{imageDigest:'null', imageTag:'v1'}' in the repository with name 'manual' in the registry with id '000000000000'" "$tmp/err" && ok || bad "ScanNotFound: $rc $(cat "$tmp/err")"
resp=$(aws ecr start-image-scan --repository-name manual --image-id imageTag=v1)
[ "$(jq_ 'd["imageScanStatus"]["status"], d["imageId"]["imageTag"], d["imageId"]["imageDigest"][:7]' <<<"$resp" | tr '\n' ' ')" = "IN_PROGRESS v1 sha256: " ] && ok || bad "start-image-scan response: $resp"

# the quota: by digest too, and on a moved clock
digest=$(jq_ 'd["imageId"]["imageDigest"]' <<<"$resp")
aws ecr start-image-scan --repository-name manual --image-id imageDigest="$digest" 2> "$tmp/err" >/dev/null; rc=$?
[ $rc = 254 ] && grep -qx "An error occurred (LimitExceededException) when calling the StartImageScan operation (reached max retries: 2): The scan quota per image has been exceeded. Wait and try again." "$tmp/err" && ok || bad "quota by digest: $rc $(cat "$tmp/err")"
ECRLITE_NOW=2026-11-29T11:00:00Z aws ecr start-image-scan --repository-name manual --image-id imageTag=v1 >/dev/null 2>&1 && bad "scan allowed after 23 h" || ok
ECRLITE_NOW=2026-11-29T13:00:00Z aws ecr start-image-scan --repository-name manual --image-id imageDigest="$digest" >/dev/null && ok || bad "scan refused after 25 h"

# findings: paging merged by the CLI equals one big page; forged tokens refused
full=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --no-paginate --max-results 1000 | jq_ 'json.dumps(d["imageScanFindings"]["findings"])')
paged=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --page-size 5 | jq_ 'json.dumps(d["imageScanFindings"]["findings"])')
n=$(jq_ 'len(d)' <<<"$full")
[ "$full" = "$paged" ] && [ "$n" -gt 5 ] && ok || bad "paging: $n findings; merged pages differ from one page"
first=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --max-results 3 | jq_ 'd["nextToken"]')
aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --next-token "x$first" 2> "$tmp/err" >/dev/null; rc=$?
[ $rc = 254 ] && grep -q InvalidParameterException "$tmp/err" && ok || bad "forged token: $rc $(cat "$tmp/err")"
max=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --max-items 4)
[ "$(jq_ 'len(d["imageScanFindings"]["findings"]), "NextToken" in d' <<<"$max" | tr '\n' ' ')" = "4 True " ] && ok || bad "--max-items"
tok=$(jq_ 'd["NextToken"]' <<<"$max")
rest=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --starting-token "$tok" | jq_ 'len(d["imageScanFindings"]["findings"])')
[ "$rest" = $((n - 4)) ] && ok || bad "--starting-token resumed with $rest of $((n - 4))"
aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --max-results 0 2> "$tmp/err"; [ $? = 252 ] && ok || bad "--max-results 0"
aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=v1 --max-results 1001 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "Member must have value less than or equal to 1000" "$tmp/err" && ok || bad "--max-results 1001: $(cat "$tmp/err")"

# describe-images carries the scan status and summary
di=$(aws ecr describe-images --repository-name manual)
[ "$(jq_ 'd["imageDetails"][0]["imageScanStatus"]["status"], sum(d["imageDetails"][0]["imageScanFindingsSummary"]["findingSeverityCounts"].values())' <<<"$di" | tr '\n' ' ')" = "COMPLETE $n " ] && ok || bad "describe-images summary"

# findings belong to the digest: a new tag on the same image sees them
aws ecr batch-get-image --repository-name manual --image-ids imageTag=v1 | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["images"][0]["imageManifest"])' > "$tmp/manifest.json"
aws ecr put-image --repository-name manual --image-tag again --image-manifest "file://$tmp/manifest.json" >/dev/null
[ "$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=again | jq_ 'len(d["imageScanFindings"]["findings"])')" = "$n" ] && ok || bad "retagged image lost its findings"

# unsupported and failed scans
"$bin/ecrlite" push "$images/scratch-static.oci.tar" manual:scratch >/dev/null
aws ecr start-image-scan --repository-name manual --image-id imageTag=scratch >/dev/null
s=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=scratch --output json | jq_ 'd["imageScanStatus"]["status"] + " " + d["imageScanStatus"]["description"]')
[ "$s" = "UNSUPPORTED_IMAGE The operating system and/or package manager are not supported." ] && ok || bad "scratch: $s"
"$bin/ecrlite" push "$images/broken/truncated-layer.oci.tar" manual:broken >/dev/null
aws ecr start-image-scan --repository-name manual --image-id imageTag=broken >/dev/null
s=$(aws ecr describe-image-scan-findings --repository-name manual --image-id imageTag=broken | jq_ 'd["imageScanStatus"]["status"] + " " + d["imageScanStatus"]["description"]')
grep -q '^FAILED layer 1 .*truncated' <<<"$s" && ok || bad "truncated layer: $s"
aws ecr wait image-scan-complete --repository-name manual --image-id imageTag=broken 2> "$tmp/err"; rc=$?
[ $rc = 255 ] && grep -qx 'Waiter ImageScanComplete failed: Waiter encountered a terminal failure state: For expression "imageScanStatus.status" we matched expected path: "FAILED"' "$tmp/err" && ok || bad "waiter on FAILED: $rc $(cat "$tmp/err")"
aws ecr wait image-scan-complete --repository-name manual --image-id imageTag=v1 && ok || bad "waiter on COMPLETE"

# PutImage into a scan-on-push repository scans too, as a push does (its own repository,
# so the events counted below are unchanged). As in ECR, the manifest's layers must be
# in that repository: they come with a push made before scan on push was turned on,
# and the new manifest names the same blobs with an annotation of its own.
ECRLITE_HOME=$tmp/put bash -c '
	a=$1/aws; i=$2
	"$a" ecr create-repository --repository-name dst >/dev/null
	"$1/ecrlite" push "$i/alpine-3.19.oci.tar" dst:seed >/dev/null
	"$a" ecr put-image-scanning-configuration --repository-name dst --image-scanning-configuration scanOnPush=true >/dev/null
	m=$("$a" ecr batch-get-image --repository-name dst --image-ids imageTag=seed --query "images[0].imageManifest" --output text |
		/usr/bin/python3 -c "import json,sys; m=json.load(sys.stdin); m[\"annotations\"]={\"test\":\"put-image\"}; print(json.dumps(m))")
	"$a" ecr put-image --repository-name dst --image-tag v1 --image-manifest "$m" >/dev/null
	"$a" ecr describe-images --repository-name dst --image-ids imageTag=v1 --query "imageDetails[0].imageScanStatus.status" --output text
	"$a" ecr describe-images --repository-name dst --image-ids imageTag=seed --query "imageDetails[0].imageScanStatus.status" --output text' _ "$bin" "$images" > "$tmp/put.out" 2>&1
[ "$(cat "$tmp/put.out")" = "$(printf 'COMPLETE\nNone')" ] && ok || bad "put-image scan on push: $(cat "$tmp/put.out")"

# events: one line per completed scan, consumers see them, a failing consumer is reported
lines=$(wc -l < "$ECRLITE_HOME/events.jsonl")
[ "$lines" = 5 ] && ok || bad "events.jsonl has $lines lines"
tail -1 "$ECRLITE_HOME/events.jsonl" | jq_ 'd["detail-type"] == "ECR Image Scan" and d["source"] == "aws.ecr" and d["detail"]["scan-status"] == "FAILED" and d["resources"] == ["arn:aws:ecr:us-east-2:000000000000:repository/manual"]' | grep -q True && ok || bad "event shape"
"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" onpush:v2 >/dev/null
ECRLITE_NOW=2026-11-30T13:00:00Z ECRLITE_EVENT_COMMAND="cat > $tmp/got-event" aws ecr start-image-scan --repository-name onpush --image-id imageTag=v2 >/dev/null
jq_ 'd["detail"]["image-tags"]' < "$tmp/got-event" | grep -q "v1" && ok || bad "event command did not receive the event"
ECRLITE_NOW=2026-12-02T13:00:00Z ECRLITE_EVENT_COMMAND="exit 3" aws ecr start-image-scan --repository-name onpush --image-id imageTag=v2 > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q "warning: event command 'exit 3' failed (exit 3); the scan result is kept" "$tmp/err" && ok || bad "failing consumer: $rc $(cat "$tmp/err")"
ECRLITE_NOW=2026-12-02T13:00:00Z aws ecr describe-image-scan-findings --repository-name onpush --image-id imageTag=v2 | jq_ 'd["imageScanStatus"]["status"]' | grep -qx COMPLETE && ok || bad "scan lost after a failing consumer"

# malformed image ids
aws ecr start-image-scan --repository-name manual --image-id imageTag= 2> "$tmp/err"; rc=$?
[ $rc = 252 ] && grep -q "Invalid length for parameter imageId.imageTag, value: 0, valid min length: 1" "$tmp/err" && ok || bad "empty tag: $rc"
aws ecr start-image-scan --repository-name manual --image-id '{}' 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "Image tag or digest must be specified" "$tmp/err" && ok || bad "no tag or digest: $rc $(cat "$tmp/err")"
aws ecr start-image-scan --repository-name manual --image-id imageDigest=sha256_hash 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "InvalidParameterException" "$tmp/err" && ok || bad "bad digest: $rc $(cat "$tmp/err")"
# a consumer that exits without reading: the event (over 64 KiB of tags: more than a
# pipe holds) meets a closed pipe, which is a warning, never SIGPIPE's exit 141
aws ecr create-repository --repository-name sigpipe >/dev/null
"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" sigpipe:t0 >/dev/null
"$bin/ecrlite" lua -e '
local m = ecr.batch_get_image{repositoryName = "sigpipe", imageIds = {{imageTag = "t0"}}}.images[1].imageManifest
for i = 1, 240 do ecr.put_image{repositoryName = "sigpipe", imageManifest = m, imageTag = string.format("%03d", i) .. string.rep("x", 290)} end'
ECRLITE_EVENT_COMMAND='exec 0<&-; sleep 0.2; exit 3' aws ecr start-image-scan --repository-name sigpipe --image-id imageTag=t0 > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q '"status": "IN_PROGRESS"' "$tmp/out" && grep -q "warning: event command 'exec 0<&-; sleep 0.2; exit 3' failed (exit 3); the scan result is kept" "$tmp/err" && ok || bad "consumer that does not read: $rc $(cat "$tmp/err")"
ECRLITE_NOW=2026-11-30T13:00:00Z ECRLITE_EVENT_COMMAND='exec 0<&-; sleep 0.2' "$bin/ecrlite" lua -e 'ecr.start_image_scan{repositoryName = "sigpipe", imageId = {imageTag = "001" .. string.rep("x", 290)}}; print("after")' > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 0 ] && [ "$(cat "$tmp/out")" = after ] && [ ! -s "$tmp/err" ] && ok || bad "consumer that exits 0 unread: $rc $(cat "$tmp/out" "$tmp/err")"
echo "scan-ecr: $pass passed, $fail failed"
[ $fail = 0 ]
