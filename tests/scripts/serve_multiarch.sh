#!/bin/bash
# Multi-platform images made by the real clients, end to end through `ecrlite serve`:
# two single-platform images pushed with skopeo (alpine 3.19 amd64 and an arm64 copy
# of it: the config's architecture changed, the same layer), a manifest list made of
# them with `podman manifest create/add/push --all` (and `docker manifest
# create/annotate/push` through a dockerd of the test's own); then what a user sees
# (aws ecr describe-images / batch-get-image through the server and locally, skopeo
# inspect --raw, skopeo copy --all / --override-arch, podman pull --arch) and ECR's
# rules (a referenced manifest is not deleted, tags/list, scan on push scans the
# platform images, not the list). Expected digests are sha256sum of what was pushed.
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$here/../../../shared/images" 2>/dev/null && pwd) || {
	echo "serve-multiarch: ../shared/images is absent; skipping"; echo "serve-multiarch: 0 passed, 0 failed, 1 skipped"; exit 0; }
for t in skopeo podman curl python3; do
	command -v $t >/dev/null || { echo "serve-multiarch: $t is not installed; skipping"; echo "serve-multiarch: 0 passed, 0 failed, 1 skipped"; exit 0; }
done
tmp=$(mktemp -d /tmp/registry-ma-XXXXXX)
spid= dpid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp" 2>/dev/null || { sleep 1; rm -rf "$tmp"; }
}
trap cleanup EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=multiarch-test-secret
export REGISTRY_AUTH_FILE=$tmp/auth.json XDG_RUNTIME_DIR=$tmp/xdg CONTAINERS_STORAGE_CONF=$tmp/storage.conf
mkdir -p "$ECRLITE_HOME" "$XDG_RUNTIME_DIR"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" > "$ECRLITE_HOME/credentials"
printf '[storage]\ndriver = "vfs"\nrunroot = "%s/prun"\ngraphroot = "%s/pgraph"\n' "$tmp" "$tmp" > "$CONTAINERS_STORAGE_CONF"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL serve-multiarch: $*"; fail=$((fail + 1)); }
laws() { "$bin/aws" "$@"; } # local core, same state
raws() { /usr/bin/aws --endpoint-url "$E" "$@"; } # the real CLI through the server
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
jq1() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

start_server() {
	"$bin/ecrlite" serve --listen 127.0.0.1:0 --quiet "$@" 2> "$tmp/server.err" &
	spid=$!
	for _ in $(seq 100); do
		port=$(grep -a -o 'listening on http://127.0.0.1:[0-9]*' "$tmp/server.err" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { echo "serve-multiarch: the server did not start: $(cat "$tmp/server.err")"; exit 1; }
	R=127.0.0.1:$port E=http://$R
}

# an arm64 copy of alpine 3.19: the config's architecture and variant changed, the
# layer byte for byte the same; prints the new manifest's digest
python3 - "$images/alpine-3.19.oci.tar" "$tmp/alpine-arm64.oci.tar" <<'EOF' > "$tmp/armdigest"
import hashlib, io, json, sys, tarfile
t = tarfile.open(sys.argv[1])
files = {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}
idx = json.loads(files["index.json"])
man = json.loads(files["blobs/sha256/" + idx["manifests"][0]["digest"][7:]])
cfg = json.loads(files["blobs/sha256/" + man["config"]["digest"][7:]])
cfg["architecture"], cfg["variant"] = "arm64", "v8"
cb = json.dumps(cfg, separators=(",", ":")).encode()
man["config"].update(digest="sha256:" + hashlib.sha256(cb).hexdigest(), size=len(cb))
mb = json.dumps(man, separators=(",", ":")).encode()
md = "sha256:" + hashlib.sha256(mb).hexdigest()
files["blobs/sha256/" + man["config"]["digest"][7:]] = cb
files["blobs/sha256/" + md[7:]] = mb
idx["manifests"][0].update(digest=md, size=len(mb))
files["index.json"] = json.dumps(idx).encode()
with tarfile.open(sys.argv[2], "w") as o:
    for n, b in sorted(files.items()):
        i = tarfile.TarInfo(n); i.size = len(b); o.addfile(i, io.BytesIO(b))
print(md)
EOF
AMD=$(skopeo inspect --raw "oci-archive:$images/alpine-3.19.oci.tar" | sha256sum | cut -d' ' -f1); AMD=sha256:$AMD
ARM=$(cat "$tmp/armdigest")

for r in multi dmulti scanned; do laws ecr create-repository --repository-name $r >/dev/null; done
laws ecr put-image-scanning-configuration --repository-name scanned --image-scanning-configuration scanOnPush=true >/dev/null
start_server
PW=$(raws ecr get-login-password) && [ -n "$PW" ] && ok || bad "get-login-password through the server"
printf '%s\n' "$PW" | skopeo login --tls-verify=false --username AWS --password-stdin "$R" >/dev/null && ok || bad "skopeo login"
printf '%s\n' "$PW" | podman login --tls-verify=false --username AWS --password-stdin "$R" >/dev/null && ok || bad "podman login"
C=(-u "AWS:$PW")

# ---- 1. the platform images with skopeo, the list with podman
for repo in multi scanned; do
	skopeo copy -q --dest-tls-verify=false --digestfile "$tmp/d" "oci-archive:$images/alpine-3.19.oci.tar" "docker://$R/$repo:amd64" 2> "$tmp/err" &&
		[ "$(cat "$tmp/d")" = "$AMD" ] && ok || bad "skopeo push amd64 to $repo: $(cat "$tmp/d" "$tmp/err")"
	skopeo copy -q --dest-tls-verify=false --digestfile "$tmp/d" "oci-archive:$tmp/alpine-arm64.oci.tar" "docker://$R/$repo:arm64" 2> "$tmp/err" &&
		[ "$(cat "$tmp/d")" = "$ARM" ] && ok || bad "skopeo push arm64 to $repo: $(cat "$tmp/d" "$tmp/err")"
done
podman_list() { # repo: a manifest list of the two, pushed as repo:multi; its bytes in $tmp/list-repo
	podman manifest rm "ml-$1" >/dev/null 2>&1
	podman manifest create "ml-$1" >/dev/null 2> "$tmp/err" || { bad "podman manifest create: $(cat "$tmp/err")"; return 1; }
	for a in amd64 arm64; do
		podman manifest add --tls-verify=false "ml-$1" "docker://$R/$1:$a" >/dev/null 2> "$tmp/err" ||
			{ bad "podman manifest add $a: $(cat "$tmp/err")"; return 1; }
	done
	podman manifest push --all --tls-verify=false --digestfile "$tmp/d" "ml-$1" "docker://$R/$1:multi" > "$tmp/err" 2>&1 ||
		{ bad "podman manifest push --all to $1: $(cat "$tmp/err")"; return 1; }
	podman manifest inspect "ml-$1" > /dev/null
	ok
}
podman_list multi
LIST=$(cat "$tmp/d")
skopeo inspect --raw --tls-verify=false "docker://$R/multi:multi" > "$tmp/raw" 2> "$tmp/err" || bad "skopeo inspect --raw: $(cat "$tmp/err")"
[ "$(sha "$tmp/raw")" = "$LIST" ] && ok || bad "skopeo inspect --raw of the list hashes to $(sha "$tmp/raw"), pushed $LIST"
LT=$(jq1 "$tmp/raw" 'd.get("mediaType")')
case $LT in application/vnd.docker.distribution.manifest.list.v2+json|application/vnd.oci.image.index.v1+json) ok;;
	*) bad "the list's media type: $LT";; esac
python3 - "$tmp/raw" "$AMD" "$ARM" <<'EOF' && ok || bad "the list names the two platform images: $(cat "$tmp/raw")"
import json, sys
m = json.load(open(sys.argv[1]))["manifests"]
got = sorted((x["digest"], x["platform"]["architecture"]) for x in m)
assert got == sorted([(sys.argv[2], "amd64"), (sys.argv[3], "arm64")]), got
EOF

# ---- 2. what a user sees
# describe-images: the real CLI through the server and ecrlite's aws on the same
# state answer alike; the list with a list/index media type, the two platform images
raws ecr describe-images --repository-name multi --output json > "$tmp/di-remote" 2> "$tmp/err" || bad "describe-images through the server: $(cat "$tmp/err")"
laws ecr describe-images --repository-name multi --output json > "$tmp/di-local" 2> "$tmp/err" || bad "describe-images locally: $(cat "$tmp/err")"
python3 - "$tmp/di-remote" "$tmp/di-local" <<'EOF2' && ok || bad "describe-images: remote and local differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a == b, (a, b)
EOF2
LSIZE=$(skopeo inspect --raw "oci-archive:$images/alpine-3.19.oci.tar" | python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))')
python3 - "$tmp/di-remote" "$LIST" "$LT" "$AMD" "$ARM" "$LSIZE" <<'EOF2' && ok || bad "describe-images of the list: $(cat "$tmp/di-remote")"
import json, sys
d = {x["imageDigest"]: x for x in json.load(open(sys.argv[1]))["imageDetails"]}
lst, lt, amd, arm, size = sys.argv[2:7]
assert set(d) == {lst, amd, arm}, sorted(d)
assert d[lst]["imageManifestMediaType"] == lt, d[lst]
assert d[lst]["imageTags"] == ["multi"], d[lst]
assert d[amd]["imageTags"] == ["amd64"] and d[arm]["imageTags"] == ["arm64"], d
# ImageDetail: "If the image is a manifest list, this will be the max size of all
# manifests in the list" (the two are the same layer, so equal sizes; not their sum)
lsize = int(sys.argv[6])
assert d[amd]["imageSizeInBytes"] == d[arm]["imageSizeInBytes"] == lsize, (d, lsize)
assert d[lst]["imageSizeInBytes"] == lsize, (d[lst], lsize)
for x in (amd, arm):
    assert d[x]["imageManifestMediaType"] == "application/vnd.oci.image.manifest.v1+json", d[x]
    assert d[x]["artifactMediaType"] == "application/vnd.oci.image.config.v1+json", d[x]
EOF2
# batch-get-image: the list as pushed, for a client that accepts its type
raws ecr batch-get-image --repository-name multi --image-ids imageTag=multi --accepted-media-types "$LT" --output json > "$tmp/bgi" 2> "$tmp/err" || bad "batch-get-image: $(cat "$tmp/err")"
python3 - "$tmp/bgi" "$tmp/raw" "$LT" "$LIST" <<'EOF2' && ok || bad "batch-get-image of the list: $(cat "$tmp/bgi")"
import json, sys
r = json.load(open(sys.argv[1])); i = r["images"][0]
assert r["failures"] == [], r
assert i["imageManifest"] == open(sys.argv[2]).read(), i["imageManifest"]
assert i["imageManifestMediaType"] == sys.argv[3] and i["imageId"]["imageDigest"] == sys.argv[4], i
EOF2
# a platform image by digest, its own type accepted: its bytes
raws ecr batch-get-image --repository-name multi --image-ids "imageDigest=$ARM" --accepted-media-types application/vnd.oci.image.manifest.v1+json \
	--query 'images[0].imageManifest' --output json > "$tmp/bgi.json" 2> "$tmp/err"
python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1])))' "$tmp/bgi.json" > "$tmp/bgi" 2>> "$tmp/err"
[ "$(sha "$tmp/bgi")" = "$ARM" ] && ok || bad "batch-get-image of the arm64 image: $(sha "$tmp/bgi") $(cat "$tmp/err")"
# skopeo copy --all into an OCI layout: the list and both images, digests unchanged
rm -rf "$tmp/pull"
if skopeo copy -q --all --src-tls-verify=false "docker://$R/multi:multi" "dir:$tmp/pull" 2> "$tmp/err"; then
	[ "$(sha "$tmp/pull/manifest.json")" = "$LIST" ] && [ "$(sha "$tmp/pull/${AMD#sha256:}.manifest.json")" = "$AMD" ] &&
		[ "$(sha "$tmp/pull/${ARM#sha256:}.manifest.json")" = "$ARM" ] && ok || bad "skopeo copy --all: $(ls "$tmp/pull")"
else bad "skopeo copy --all: $(cat "$tmp/err")"; fi
for a in amd64 arm64; do
	want=$AMD; [ $a = arm64 ] && want=$ARM
	rm -rf "$tmp/pull"
	skopeo --override-arch $a copy -q --src-tls-verify=false "docker://$R/multi:multi" "oci:$tmp/pull:x" 2> "$tmp/err" &&
		[ "$(jq1 "$tmp/pull/index.json" 'd["manifests"][0]["digest"]')" = "$want" ] && ok || bad "skopeo --override-arch $a: $(cat "$tmp/err")"
	podman pull -q --tls-verify=false --arch $a "$R/multi:multi" > "$tmp/id" 2> "$tmp/err" || bad "podman pull --arch $a: $(cat "$tmp/err")"
	got=$(podman image inspect --format '{{.Digest}} {{.Architecture}} {{.RepoDigests}}' "$(cat "$tmp/id")" 2> "$tmp/err")
	# podman records the digest it pulled by (the list's) and both in RepoDigests
	[ "$got" = "$LIST $a [$R/multi@$LIST $R/multi@$want]" ] && ok || bad "podman pull --arch $a: inspect says $got, want $want $a $(cat "$tmp/err")"
	podman rmi -f "$(cat "$tmp/id")" >/dev/null 2>&1
done

# ---- 3. ECR's rules
# tags/list: the list's tag and the two platform tags
curl -s "${C[@]}" "$E/v2/multi/tags/list" > "$tmp/b"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"name": "multi", "tags": ["amd64", "arm64", "multi"]}' "$tmp/b" &&
	ok || bad "tags/list: $(cat "$tmp/b")"
# a platform image the list names is not deleted while the list is there, by digest or
# by its last tag; the list still pulls
for id in "imageDigest=$ARM" imageTag=arm64; do
	raws ecr batch-delete-image --repository-name multi --image-ids "$id" --output json > "$tmp/bd" 2> "$tmp/err"
	python3 - "$tmp/bd" "$LIST" <<'EOF2' && ok || bad "batch-delete-image $id of a referenced image: $(cat "$tmp/bd" "$tmp/err")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["imageIds"] == [] and len(r["failures"]) == 1, r
f = r["failures"][0]
assert f["failureCode"] == "ImageReferencedByManifestList", f
# ECR's reason names the list (the user guide: "Requested image referenced by manifest
# list: [sha256:…]")
assert f["failureReason"] == "Requested image referenced by manifest list: [%s]" % sys.argv[2], f
EOF2
done
code=$(curl -s -o "$tmp/b" -w '%{http_code}' "${C[@]}" -X DELETE "$E/v2/multi/manifests/$ARM")
[ "$code" != 202 ] && ok || bad "DELETE of a referenced manifest by digest: $code $(cat "$tmp/b")"
rm -rf "$tmp/pull"
skopeo --override-arch arm64 copy -q --src-tls-verify=false "docker://$R/multi:multi" "oci:$tmp/pull:x" 2> "$tmp/err" &&
	ok || bad "the list after the refused deletes: $(cat "$tmp/err")"
# the list first, then the platform image: both go
raws ecr batch-delete-image --repository-name multi --image-ids "imageDigest=$LIST" --query 'length(imageIds)' --output text > "$tmp/out" 2>&1
[ "$(cat "$tmp/out")" = 1 ] && ok || bad "batch-delete-image of the list: $(cat "$tmp/out")"
raws ecr batch-delete-image --repository-name multi --image-ids "imageDigest=$ARM" --output json > "$tmp/bd" 2>&1
python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); assert r["failures"] == [] and r["imageIds"][0]["imageDigest"] == sys.argv[2], r' "$tmp/bd" "$ARM" &&
	ok || bad "batch-delete-image of the platform image after the list: $(cat "$tmp/bd")"
n=$(laws ecr list-images --repository-name multi --query 'imageIds[].imageDigest' --output text)
[ "$n" = "$AMD" ] && ok || bad "left in multi: $n"

# scan on push: the platform images are scanned, the list is not
podman_list scanned && SLIST=$(cat "$tmp/d")
[ "$SLIST" = "$LIST" ] && ok || bad "the same list in scanned: $SLIST, $LIST"
for d in "$AMD" "$ARM"; do
	st=
	for _ in $(seq 300); do
		st=$(laws ecr describe-images --repository-name scanned --image-ids "imageDigest=$d" --query 'imageDetails[0].imageScanStatus.status' --output text)
		[ "$st" = COMPLETE ] && break; sleep 0.2
	done
	[ "$st" = COMPLETE ] && ok || bad "scan on push of $d: $st"
	raws ecr describe-image-scan-findings --repository-name scanned --image-id "imageDigest=$d" --output json > "$tmp/f" 2> "$tmp/err"
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["imageScanStatus"]["status"] == "COMPLETE" and "imageScanCompletedAt" in r["imageScanFindings"], r' "$tmp/f" &&
		ok || bad "describe-image-scan-findings of $d: $(cat "$tmp/f" "$tmp/err")"
done
# the list itself: no scan status in describe-images, no scan (ScanNotFoundException),
# and StartImageScan of it is UnsupportedImageTypeException, as in ECR (before: queued,
# IN_PROGRESS, for a manifest with no layers)
raws ecr describe-images --repository-name scanned --image-ids "imageDigest=$LIST" --output json > "$tmp/di" 2>&1
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["imageDetails"][0]
assert "imageScanStatus" not in d and "imageScanFindingsSummary" not in d, d' "$tmp/di" && ok || bad "describe-images of the list in scanned: $(cat "$tmp/di")"
raws ecr describe-image-scan-findings --repository-name scanned --image-id imageTag=multi > "$tmp/f" 2>&1; rc=$?
[ $rc = 254 ] && grep -q "(ScanNotFoundException) when calling the DescribeImageScanFindings operation: Image scan does not exist for the image with '{imageDigest:'null', imageTag:'multi'}' in the repository with name 'scanned'" "$tmp/f" &&
	ok || bad "describe-image-scan-findings of the list: $rc $(cat "$tmp/f")"
for id in imageTag=multi "imageDigest=$LIST"; do
	raws ecr start-image-scan --repository-name scanned --image-id "$id" > "$tmp/f" 2>&1; rc=$?
	[ $rc = 254 ] && grep -q "(UnsupportedImageTypeException) when calling the StartImageScan operation: An artifact with media type '$LT' cannot be scanned" "$tmp/f" &&
		ok || bad "start-image-scan $id of the list: $rc $(cat "$tmp/f")"
done
laws ecr start-image-scan --repository-name scanned --image-id imageTag=multi > "$tmp/f" 2>&1; rc=$?
[ $rc = 254 ] && grep -q "UnsupportedImageTypeException" "$tmp/f" && ok || bad "local start-image-scan of the list: $rc $(cat "$tmp/f")"

# ---- docker manifest create/annotate/push --insecure, on a daemon of our own: the
# CLI reads each platform image by tag (a Docker v2 schema 2 client: the registry
# serves the OCI images converted, as ECR does) and pushes a Docker manifest list
if command -v dockerd >/dev/null && [ -x /usr/bin/docker ]; then
	dk=$tmp/dk; mkdir -p "$dk"
	dockerd --iptables=false --ip6tables=false --bridge=none --data-root "$dk/root" --exec-root "$dk/exec" \
		--pidfile "$dk/pid" -H "unix://$dk/sock" > "$dk/log" 2>&1 &
	dpid=$!
	export DOCKER_HOST=unix://$dk/sock DOCKER_CONFIG=$dk/cfg
	for _ in $(seq 100); do /usr/bin/docker version >/dev/null 2>&1 && break; sleep 0.2; done
	if /usr/bin/docker version >/dev/null 2>&1; then
		printf '%s\n' "$PW" | /usr/bin/docker login --username AWS --password-stdin "$R" >/dev/null 2>&1 && ok || bad "docker login"
		# the platform images as Docker v2 schema 2 (what `docker push` makes; the CLI
		# names the digests it reads by tag, and ECR converts an OCI image by tag only)
		for a in amd64 arm64; do
			src=oci-archive:$images/alpine-3.19.oci.tar; [ $a = arm64 ] && src=oci-archive:$tmp/alpine-arm64.oci.tar
			skopeo copy -q --format v2s2 --dest-tls-verify=false --digestfile "$tmp/d-$a" "$src" "docker://$R/dmulti:$a" 2> "$tmp/err" &&
				ok || bad "skopeo push v2s2 $a: $(cat "$tmp/err")"
		done
		DAMD=$(cat "$tmp/d-amd64") DARM=$(cat "$tmp/d-arm64")
		/usr/bin/docker manifest create --insecure "$R/dmulti:multi" "$R/dmulti:amd64" "$R/dmulti:arm64" > "$tmp/out" 2>&1 &&
			/usr/bin/docker manifest annotate "$R/dmulti:multi" "$R/dmulti:arm64" --os linux --arch arm64 --variant v8 > "$tmp/out" 2>&1 &&
			/usr/bin/docker manifest inspect "$R/dmulti:multi" > "$tmp/dlocal" 2>&1 &&
			/usr/bin/docker manifest push --insecure "$R/dmulti:multi" > "$tmp/out" 2>&1 && ok || bad "docker manifest create/annotate/push: $(cat "$tmp/out")"
		DL=$(tail -1 "$tmp/out") # the CLI prints the list's digest last
		skopeo inspect --raw --tls-verify=false "docker://$R/dmulti:multi" > "$tmp/draw" 2> "$tmp/err" || bad "skopeo inspect --raw of docker's list: $(cat "$tmp/err")"
		[ "$(sha "$tmp/draw")" = "$DL" ] && cmp -s <(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])))' "$tmp/draw") \
			<(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])))' "$tmp/dlocal") &&
			ok || bad "docker's list as served: $(sha "$tmp/draw"), docker pushed $DL"
		python3 - "$tmp/draw" "$DAMD" "$DARM" <<'EOF2' && ok || bad "docker's list: $(cat "$tmp/draw")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json", m
got = [(x["digest"], x["platform"]) for x in m["manifests"]]
assert got == [(sys.argv[2], {"architecture": "amd64", "os": "linux"}),
               (sys.argv[3], {"architecture": "arm64", "os": "linux", "variant": "v8"})], got
EOF2
		t=$(laws ecr describe-images --repository-name dmulti --image-ids imageTag=multi --query 'imageDetails[0].[imageDigest,imageManifestMediaType]' --output text)
		[ "$t" = "$DL	application/vnd.docker.distribution.manifest.list.v2+json" ] && ok || bad "describe-images of docker's list: $t"
		# docker pull --platform: the arm64 image, its config (the image id) as pushed
		ARMCFG=$(skopeo inspect --raw "oci-archive:$tmp/alpine-arm64.oci.tar" | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])')
		/usr/bin/docker pull -q --platform linux/arm64 "$R/dmulti:multi" > "$tmp/out" 2>&1 || bad "docker pull --platform linux/arm64: $(cat "$tmp/out")"
		got=$(/usr/bin/docker image inspect --format '{{.Id}} {{.Architecture}} {{.RepoDigests}}' "$R/dmulti:multi" 2>&1)
		[ "$got" = "$ARMCFG arm64 [$R/dmulti@$DL]" ] && ok || bad "docker pull --platform linux/arm64: $got, want $ARMCFG arm64 $DL"
		# the list names the v2s2 images; deleting one is refused while it is there
		/usr/bin/aws --endpoint-url "$E" ecr batch-delete-image --repository-name dmulti --image-ids "imageDigest=$DAMD" \
			--query 'failures[0].failureCode' --output text > "$tmp/out" 2>&1
		[ "$(cat "$tmp/out")" = ImageReferencedByManifestList ] && ok || bad "batch-delete-image of an image docker's list names: $(cat "$tmp/out")"
	else
		echo "serve-multiarch: dockerd could not start here ($(tail -1 "$dk/log")); docker part skipped"
	fi
	kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; dpid=
	unset DOCKER_HOST DOCKER_CONFIG
else
	echo "serve-multiarch: docker not installed; its part skipped"
fi

# ---- podman's Docker manifest list (--format v2s2) and skopeo copy --all from
# repository to repository: each list arrives as the client made it
laws ecr create-repository --repository-name v2list >/dev/null
laws ecr create-repository --repository-name copied >/dev/null
for a in amd64 arm64; do
	src=oci-archive:$images/alpine-3.19.oci.tar; [ $a = arm64 ] && src=oci-archive:$tmp/alpine-arm64.oci.tar
	skopeo copy -q --format v2s2 --dest-tls-verify=false --digestfile "$tmp/d-$a" "$src" "docker://$R/v2list:$a" 2> "$tmp/err" || bad "skopeo push v2s2 $a: $(cat "$tmp/err")"
done
podman manifest create ml-v2 >/dev/null && podman manifest add --tls-verify=false ml-v2 "docker://$R/v2list:amd64" >/dev/null &&
	podman manifest add --tls-verify=false ml-v2 "docker://$R/v2list:arm64" >/dev/null &&
	podman manifest push --all --format v2s2 --tls-verify=false --digestfile "$tmp/d" ml-v2 "docker://$R/v2list:multi" > "$tmp/err" 2>&1 &&
	ok || bad "podman manifest push --format v2s2: $(cat "$tmp/err")"
V2L=$(cat "$tmp/d")
skopeo inspect --raw --tls-verify=false "docker://$R/v2list:multi" > "$tmp/v2raw"
[ "$(sha "$tmp/v2raw")" = "$V2L" ] && [ "$(jq1 "$tmp/v2raw" 'd["mediaType"]')" = application/vnd.docker.distribution.manifest.list.v2+json ] &&
	ok || bad "podman's v2s2 list as served: $(sha "$tmp/v2raw") $V2L $(cat "$tmp/v2raw")"
t=$(raws ecr describe-images --repository-name v2list --image-ids imageTag=multi --query 'imageDetails[0].imageManifestMediaType' --output text)
[ "$t" = application/vnd.docker.distribution.manifest.list.v2+json ] && ok || bad "describe-images of podman's v2s2 list: $t"
skopeo copy -q --all --src-tls-verify=false --dest-tls-verify=false --digestfile "$tmp/d" "docker://$R/scanned:multi" "docker://$R/copied:multi" 2> "$tmp/err" &&
	[ "$(cat "$tmp/d")" = "$LIST" ] && ok || bad "skopeo copy --all between repositories: $(cat "$tmp/d" "$tmp/err")"
n=$(laws ecr list-images --repository-name copied --query 'length(imageIds)' --output text)
[ "$n" = 3 ] && ok || bad "copied: $n images"
echo "serve-multiarch: $pass passed, $fail failed"
[ $fail = 0 ]
