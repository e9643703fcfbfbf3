#!/bin/bash
# The ECR layer-upload API and registry credentials, locally through `aws ecr` (the
# core's rows, no server): a layer uploaded in parts, ECR's part rules and exceptions,
# put-image with a manifest naming it, availability and download URLs, the login
# password; then an OCI archive holding an image index (buildx's shape: two platforms
# and a provenance attestation) pushed, stored as a registry stores it, scanned on its
# platform images only, and read through a platform by `ecrlite inventory`.
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/registry-lu-XXXXXX); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL layer-upload: $*"; fail=$((fail + 1)); }
aws() { "$bin/aws" "$@"; }
# expect_err NAME EXCEPTION CMD…: exit 254 and the exception named on stderr
expect_err() {
	local name=$1 exc=$2; shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
	if [ $rc = 254 ] && grep -q "($exc)" "$tmp/err"; then ok; else bad "$name: exit $rc, $(cat "$tmp/err")"; fi
}
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }

aws ecr create-repository --repository-name team/app >/dev/null
aws ecr create-repository --repository-name other >/dev/null
expect_err "initiate on a missing repository" RepositoryNotFoundException aws ecr initiate-layer-upload --repository-name nope

# a layer in two parts: 6 MiB then 1000 bytes
head -c 6291456 /dev/urandom > "$tmp/p1"; head -c 1000 /dev/urandom > "$tmp/p2"; cat "$tmp/p1" "$tmp/p2" > "$tmp/layer"
L=$(sha "$tmp/layer")
out=$(aws ecr initiate-layer-upload --repository-name team/app --output json)
U=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploadId"])')
ps=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partSize"])')
[[ $U =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] && [ "$ps" -ge 5242880 ] && ok || bad "initiate: $out"
expect_err "complete with no parts" EmptyUploadException aws ecr complete-layer-upload --repository-name team/app --upload-id "$U" --layer-digests "$L"
expect_err "first part not at 0" InvalidLayerPartException aws ecr upload-layer-part --repository-name team/app --upload-id "$U" \
	--part-first-byte 5 --part-last-byte 6291460 --layer-part-blob "fileb://$tmp/p1"
expect_err "part size disagrees" InvalidLayerPartException aws ecr upload-layer-part --repository-name team/app --upload-id "$U" \
	--part-first-byte 0 --part-last-byte 10 --layer-part-blob "fileb://$tmp/p1"
expect_err "unknown upload" UploadNotFoundException aws ecr upload-layer-part --repository-name team/app \
	--upload-id 00000000-0000-4000-8000-000000000000 --part-first-byte 0 --part-last-byte 999 --layer-part-blob "fileb://$tmp/p2"
expect_err "upload of another repository" UploadNotFoundException aws ecr upload-layer-part --repository-name other \
	--upload-id "$U" --part-first-byte 0 --part-last-byte 999 --layer-part-blob "fileb://$tmp/p2"
last=$(aws ecr upload-layer-part --repository-name team/app --upload-id "$U" --part-first-byte 0 --part-last-byte 6291455 \
	--layer-part-blob "fileb://$tmp/p1" --query lastByteReceived --output text)
[ "$last" = 6291455 ] && ok || bad "part 1: lastByteReceived $last"
expect_err "second part overlapping" InvalidLayerPartException aws ecr upload-layer-part --repository-name team/app --upload-id "$U" \
	--part-first-byte 6291455 --part-last-byte 6292454 --layer-part-blob "fileb://$tmp/p2"
last=$(aws ecr upload-layer-part --repository-name team/app --upload-id "$U" --part-first-byte 6291456 --part-last-byte 6292455 \
	--layer-part-blob "fileb://$tmp/p2" --query lastByteReceived --output text)
[ "$last" = 6292455 ] && ok || bad "part 2: lastByteReceived $last"
expect_err "complete with a wrong digest" InvalidLayerException aws ecr complete-layer-upload --repository-name team/app --upload-id "$U" \
	--layer-digests "sha256:$(printf '0%.0s' {1..64})"
[ "$(ls "$ECRLITE_HOME/blobs/sha256/${L:7:2}/${L:7}" 2>/dev/null)" = "" ] && ok || bad "a blob appeared before its digest was verified"
d=$(aws ecr complete-layer-upload --repository-name team/app --upload-id "$U" --layer-digests "$L" --query layerDigest --output text)
[ "$d" = "$L" ] && cmp -s "$tmp/layer" "$ECRLITE_HOME/blobs/sha256/${L:7:2}/${L:7}" && ok || bad "complete: $d"
ls "$ECRLITE_HOME/tmp" | grep -q upload- && bad "the session's file is left behind" || ok
expect_err "complete twice" UploadNotFoundException aws ecr complete-layer-upload --repository-name team/app --upload-id "$U" --layer-digests "$L"

# ECR's 5 MiB rule: a small part that is not the last
U2=$(aws ecr initiate-layer-upload --repository-name team/app --query uploadId --output text)
aws ecr upload-layer-part --repository-name team/app --upload-id "$U2" --part-first-byte 0 --part-last-byte 999 \
	--layer-part-blob "fileb://$tmp/p2" >/dev/null
aws ecr upload-layer-part --repository-name team/app --upload-id "$U2" --part-first-byte 1000 --part-last-byte 1999 \
	--layer-part-blob "fileb://$tmp/p2" >/dev/null
cat "$tmp/p2" "$tmp/p2" > "$tmp/small"
expect_err "a part under 5 MiB before the last" LayerPartTooSmallException aws ecr complete-layer-upload --repository-name team/app \
	--upload-id "$U2" --layer-digests "$(sha "$tmp/small")"
# the same layer again in one part: ECR says it exists
U3=$(aws ecr initiate-layer-upload --repository-name team/app --query uploadId --output text)
aws ecr upload-layer-part --repository-name team/app --upload-id "$U3" --part-first-byte 0 --part-last-byte 999 \
	--layer-part-blob "fileb://$tmp/p2" >/dev/null
P2=$(sha "$tmp/p2")
aws ecr complete-layer-upload --repository-name team/app --upload-id "$U3" --layer-digests "$P2" >/dev/null && ok || bad "one-part upload"
U4=$(aws ecr initiate-layer-upload --repository-name team/app --query uploadId --output text)
aws ecr upload-layer-part --repository-name team/app --upload-id "$U4" --part-first-byte 0 --part-last-byte 999 \
	--layer-part-blob "fileb://$tmp/p2" >/dev/null
expect_err "layer already there" LayerAlreadyExistsException aws ecr complete-layer-upload --repository-name team/app \
	--upload-id "$U4" --layer-digests "$P2"

# availability is per repository
out=$(aws ecr batch-check-layer-availability --repository-name team/app --layer-digests "$L" "sha256:$(printf 'a%.0s' {1..64})" "" --output json)
printf '%s' "$out" | python3 -c '
import json, sys
o = json.load(sys.stdin); L = sys.argv[1]
a = {l["layerDigest"]: l for l in o["layers"]}
assert a[L]["layerAvailability"] == "AVAILABLE" and a[L]["layerSize"] == 6292456, a
assert a["sha256:" + "a" * 64]["layerAvailability"] == "UNAVAILABLE", a
assert o["failures"] == [{"layerDigest": "", "failureCode": "MissingLayerDigest", "failureReason": "The image layer digest is missing."}], o
' "$L" && ok || bad "batch-check-layer-availability: $out"
a=$(aws ecr batch-check-layer-availability --repository-name other --layer-digests "$L" --query 'layers[0].layerAvailability' --output text)
[ "$a" = UNAVAILABLE ] && ok || bad "a blob of team/app is visible in other: $a"

# put-image with a manifest naming the uploaded layer and an uploaded config
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' "$L" > "$tmp/config"
C=$(sha "$tmp/config"); csize=$(stat -c %s "$tmp/config")
UC=$(aws ecr initiate-layer-upload --repository-name team/app --query uploadId --output text)
aws ecr upload-layer-part --repository-name team/app --upload-id "$UC" --part-first-byte 0 --part-last-byte $((csize - 1)) \
	--layer-part-blob "fileb://$tmp/config" >/dev/null
aws ecr complete-layer-upload --repository-name team/app --upload-id "$UC" --layer-digests "$C" >/dev/null
expect_err "download URL of a layer no image uses" LayerInaccessibleException aws ecr get-download-url-for-layer --repository-name team/app --layer-digest "$L"
expect_err "download URL of an unknown layer" LayersNotFoundException aws ecr get-download-url-for-layer --repository-name team/app \
	--layer-digest "sha256:$(printf 'b%.0s' {1..64})"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":6292456}]}' \
	"$C" "$csize" "$L" > "$tmp/manifest.json"
M=$(sha "$tmp/manifest.json")
expect_err "put-image naming a blob the repository lacks" LayersNotFoundException aws ecr put-image --repository-name other \
	--image-manifest "file://$tmp/manifest.json" --image-tag v1
expect_err "put-image with a wrong imageDigest" ImageDigestDoesNotMatchException aws ecr put-image --repository-name team/app \
	--image-manifest "file://$tmp/manifest.json" --image-tag v1 --image-digest "sha256:$(printf 'c%.0s' {1..64})"
d=$(aws ecr put-image --repository-name team/app --image-manifest "file://$tmp/manifest.json" --image-tag v1 \
	--image-manifest-media-type application/vnd.oci.image.manifest.v1+json --image-digest "$M" --query image.imageId.imageDigest --output text)
[ "$d" = "$M" ] && ok || bad "put-image: $d, want $M"
expect_err "put-image of the same manifest and tag" ImageAlreadyExistsException aws ecr put-image --repository-name team/app \
	--image-manifest "file://$tmp/manifest.json" --image-tag v1
got=$(aws ecr batch-get-image --repository-name team/app --image-ids imageTag=v1 --query 'images[0].imageManifest' --output text)
[ "$got" = "$(cat "$tmp/manifest.json")" ] && ok || bad "batch-get-image does not give the manifest back"
url=$(aws ecr get-download-url-for-layer --repository-name team/app --layer-digest "$L" --query downloadUrl --output text)
curl -sf -o "$tmp/dl" "$url" && cmp -s "$tmp/dl" "$tmp/layer" && ok || bad "download URL $url"

# the login password: base64 "AWS:<password>", 12 hours, no ':' in the password
out=$(ECRLITE_NOW=1800000000 aws ecr get-authorization-token --output json)
printf '%s' "$out" | python3 -c '
import base64, json, sys
d = json.load(sys.stdin)["authorizationData"][0]
user, pw = base64.b64decode(d["authorizationToken"]).decode().split(":")
assert user == "AWS" and pw and ":" not in pw, d
from datetime import datetime
assert datetime.fromisoformat(d["expiresAt"]).timestamp() == 1800000000 + 43200, d  # 12 hours
assert d["proxyEndpoint"] == "https://000000000000.dkr.ecr.us-east-1.amazonaws.com", d
' && ok || bad "get-authorization-token: $out"
pw=$(aws ecr get-login-password) && [ -n "$pw" ] && [[ $pw != *:* ]] && ok || bad "get-login-password: $pw"
n=$(aws ecr get-authorization-token --registry-ids 111111111111 222222222222 --query 'length(authorizationData)' --output text)
[ "$n" = 2 ] && ok || bad "two registry ids gave $n tokens"

# an image index archive, as buildx writes one
images=$(cd "$here/../../../shared/images" 2>/dev/null && pwd) || { echo "layer-upload: ../shared/images is absent; index part skipped"; images=; }
if [ -n "$images" ]; then
	ids=$(python3 "$here/make_index_archive.py" "$images/alpine-3.19.oci.tar" "$tmp/index.tar" multi)
	j() { printf '%s' "$ids" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
	aws ecr create-repository --repository-name multi --image-scanning-configuration scanOnPush=true >/dev/null
	out=$("$bin/ecrlite" push --output json "$tmp/index.tar" multi:v1) || bad "push of an index: $out"
	d=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imageId"]["imageDigest"])')
	[ "$d" = "$(j index)" ] && ok || bad "the index's digest: $d, want $(j index)"
	aws ecr describe-images --repository-name multi --output json > "$tmp/di"
	python3 - "$tmp/di" "$ids" <<'EOF' && ok || bad "describe-images after an index push: $(cat "$tmp/di")"
import json, sys
imgs = {i["imageDigest"]: i for i in json.load(open(sys.argv[1]))["imageDetails"]}
ids = json.loads(sys.argv[2])
assert set(imgs) == {ids["index"], ids["amd64"], ids["arm64"], ids["attestation"]}, imgs.keys()
assert imgs[ids["index"]].get("imageTags") == ["v1"], imgs[ids["index"]]
assert imgs[ids["index"]]["imageManifestMediaType"] == "application/vnd.oci.image.index.v1+json"
for k in ("amd64", "arm64", "attestation"):
    assert "imageTags" not in imgs[ids[k]], imgs[ids[k]]
# scans on the platform images, never on the attestation or the index
for k in ("amd64", "arm64"):
    assert imgs[ids[k]]["imageScanStatus"]["status"] == "COMPLETE", imgs[ids[k]]
for k in ("attestation", "index"):
    assert "imageScanStatus" not in imgs[ids[k]], imgs[ids[k]]
EOF
	# an index's imageSizeInBytes is its largest image's (ImageDetail: "the max size of all
	# manifests in the list"); a state stored when it was their sum is mended on opening
	size() { aws ecr describe-images --repository-name multi --image-ids imageDigest="$1" --query 'imageDetails[0].imageSizeInBytes' --output text; }
	want=$(for k in amd64 arm64 attestation; do size "$(j $k)"; done | sort -n | tail -1)
	[ "$(size "$(j index)")" = "$want" ] && ok || bad "the index's size: $(size "$(j index)"), want $want"
	# the attestation has an image's config, so its scan is taken, as ECR takes it, and
	# fails (moby/buildkit#3499) saying why, where it said "corrupt or truncated layer"
	# (--no-paginate: the real CLI's paginator fails on a FAILED scan's missing findings,
	# "'NoneType' object does not support item assignment", and ecrlite's aws as it does)
	aws ecr start-image-scan --repository-name multi --image-id imageDigest="$(j attestation)" > "$tmp/out" 2> "$tmp/err" &&
		aws ecr describe-image-scan-findings --no-paginate --repository-name multi --image-id imageDigest="$(j attestation)" \
			--query 'imageScanStatus.[status, description]' --output text > "$tmp/out" 2> "$tmp/err"
	[ "$(cat "$tmp/out")" = "FAILED	UnsupportedImageError: a layer of media type 'application/vnd.in-toto+json' is no filesystem (an attestation, a signature or an SBOM is not an image to scan)" ] &&
		ok || bad "the scan of the attestation: $(cat "$tmp/out" "$tmp/err")"
	pushed=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imageSizeInBytes"])')
	[ "$pushed" = "$want" ] && ok || bad "the push's imageSizeInBytes of an index: $pushed, describe-images says $want"
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE manifest SET image_size = image_size * 3 WHERE digest = ?", (sys.argv[2],)); c.commit(); c.execute("PRAGMA user_version = 15")' \
		"$ECRLITE_HOME/ecrlite.db" "$(j index)"
	[ "$(size "$(j index)")" = "$want" ] && ok || bad "an old state's index size, after the migration: $(size "$(j index)"), want $want"
	"$bin/ecrlite" inventory multi:v1 > "$tmp/inv" && grep -q "^platform	linux/amd64 $(j amd64)" "$tmp/inv" &&
		grep -q "^os	alpine 3.19" "$tmp/inv" && ok || bad "inventory of an index: $(cat "$tmp/inv")"
	"$bin/ecrlite" inventory --platform linux/arm64 multi:v1 > "$tmp/inv" && grep -q "^platform	linux/arm64 $(j arm64)" "$tmp/inv" &&
		ok || bad "inventory --platform linux/arm64: $(cat "$tmp/inv")"
	"$bin/ecrlite" inventory --platform linux/s390x multi:v1 > /dev/null 2> "$tmp/err"
	[ $? != 0 ] && grep -q "no image for platform linux/s390x (it has: linux/amd64, linux/arm64/v8)" "$tmp/err" && ok ||
		bad "inventory of a platform the index lacks: $(cat "$tmp/err")"
	# an index naming manifests the repository lacks is refused by put-image
	aws ecr batch-get-image --repository-name multi --image-ids imageTag=v1 --query 'images[0].imageManifest' --output text > "$tmp/index.json"
	expect_err "put-image of an index whose images are elsewhere" ReferencedImagesNotFoundException aws ecr put-image \
		--repository-name other --image-manifest "file://$tmp/index.json" --image-tag v1
	# a manifest the index names stays while the index does (ECR's
	# ImageReferencedByManifestList): by its last tag it is refused, by one of two tags
	# the tag goes; once the index is deleted, the manifest can go too
	aws ecr batch-get-image --repository-name multi --image-ids "imageDigest=$(j amd64)" --output json |
		python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["images"][0]["imageManifest"])' > "$tmp/amd.json"
	for t in plat plat2; do aws ecr put-image --repository-name multi --image-manifest "file://$tmp/amd.json" --image-tag $t >/dev/null; done
	del() { aws ecr batch-delete-image --repository-name multi --image-ids "$1" --query '[imageIds[].imageTag, failures[].[failureCode, failureReason]]' --output text; }
	[ "$(del imageTag=plat)" = plat ] && ok || bad "delete of one of two tags of an index's manifest"
	out=$(del imageTag=plat2); [ "$out" = "ImageReferencedByManifestList	Requested image referenced by manifest list: [$(j index)]" ] && ok ||
		bad "delete of the last tag of an index's manifest: $out"
	[ "$(del "imageDigest=$(j arm64)")" = "ImageReferencedByManifestList	Requested image referenced by manifest list: [$(j index)]" ] && ok ||
		bad "delete by digest of an index's manifest: $(del "imageDigest=$(j arm64)")"
	del "imageDigest=$(j index)" > /dev/null
	[ "$(del "imageDigest=$(j arm64)")" = "" ] && ok || bad "delete of a manifest once its index is gone: $(del "imageDigest=$(j arm64)")"
	# batch-get-image --accepted-media-types: by tag, ECR's conversion (OCI -> schema 2);
	# by digest none, the image is a failure
	aws ecr create-repository --repository-name conv >/dev/null
	"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" conv:v1 >/dev/null
	dv2=application/vnd.docker.distribution.manifest.v2+json
	aws ecr batch-get-image --repository-name conv --image-ids imageTag=v1 --accepted-media-types $dv2 --output json > "$tmp/bgi"
	python3 - "$tmp/bgi" <<'EOF' && ok || bad "batch-get-image of an OCI image for schema 2, by tag: $(cat "$tmp/bgi")"
import json, sys
im = json.load(open(sys.argv[1]))["images"][0]
m = json.loads(im["imageManifest"])
assert im["imageManifestMediaType"] == m["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json", im
assert m["config"]["mediaType"] == "application/vnd.docker.container.image.v1+json", m
assert [l["mediaType"] for l in m["layers"]] == ["application/vnd.docker.image.rootfs.diff.tar.gzip"], m
EOF
	d=$(aws ecr describe-images --repository-name conv --query 'imageDetails[0].imageDigest' --output text)
	[ "$(aws ecr batch-get-image --repository-name conv --image-ids "imageDigest=$d" --accepted-media-types $dv2 \
		--query 'failures[0].failureCode' --output text)" = UnsupportedImageType ] && ok || bad "by digest, no conversion"

	# a Windows-style image: a non-distributable base layer named by URL, never pushed.
	# PutImage stores it (ECR stores Windows images, whose base layers docker leaves out),
	# and its scan reads the layers the store holds: the same result as without it
	aws ecr create-repository --repository-name win >/dev/null
	"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" win:base >/dev/null
	m=$(aws ecr batch-get-image --repository-name win --image-ids imageTag=base --query 'images[0].imageManifest' --output text)
	m=$(python3 -c 'import json, sys; m = json.loads(sys.argv[1]); m["layers"].insert(0, {
    "mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "size": 1234,
    "digest": "sha256:" + "ab" * 32, "urls": ["https://example.com/base-layer"]}); print(json.dumps(m))' "$m")
	aws ecr put-image --repository-name win --image-tag ext --image-manifest "$m" > "$tmp/out" 2>&1 && ok || bad "put-image with an external layer: $(cat "$tmp/out")"
	for t in base ext; do aws ecr start-image-scan --repository-name win --image-id imageTag=$t >/dev/null; done
	st() { aws ecr describe-image-scan-findings --repository-name win --image-id imageTag=$1 --output json \
		--query '[imageScanStatus, imageScanFindings.findingSeverityCounts, length(imageScanFindings.findings)]'; }
	[ "$(st ext)" = "$(st base)" ] && [[ "$(st ext)" == *'"COMPLETE"'* ]] && ok || bad "the scan with an external layer: $(st ext), without: $(st base)"
	# without urls no client could fetch it: the layer must be pushed (LayersNotFoundException)
	m=$(python3 -c 'import json, sys; m = json.loads(sys.argv[1]); del m["layers"][0]["urls"]; print(json.dumps(m))' "$m")
	expect_err "an external layer without urls" LayersNotFoundException aws ecr put-image --repository-name win --image-tag nourl --image-manifest "$m"
fi
echo "layer-upload: $pass passed, $fail failed"
[ $fail = 0 ]
