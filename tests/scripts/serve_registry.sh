#!/bin/bash
# The OCI Distribution API of `ecrlite serve`, driven by real clients: skopeo pushes
# every image of ../shared/images and pulls it back with identical digests; podman and
# docker log in with `aws ecr get-login-password` and push/pull; the registry's error
# codes (curl); an image index; scan on push through the registry; kill -9 of the
# server and of a client in the middle of a push, then the state checked.
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$here/../../../shared/images" 2>/dev/null && pwd) || {
	echo "serve-registry: ../shared/images is absent; skipping"; echo "serve-registry: 0 passed, 0 failed, 1 skipped"; exit 0; }
for t in skopeo curl python3; do
	command -v $t >/dev/null || { echo "serve-registry: $t is not installed; skipping"; echo "serve-registry: 0 passed, 0 failed, 1 skipped"; exit 0; }
done
tmp=$(mktemp -d /tmp/registry-sr-XXXXXX)
spid= dpid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp" 2>/dev/null || { sleep 1; rm -rf "$tmp"; }
}
trap cleanup EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=registry-test-secret
export REGISTRY_AUTH_FILE=$tmp/auth.json XDG_RUNTIME_DIR=$tmp/xdg
mkdir -p "$ECRLITE_HOME" "$XDG_RUNTIME_DIR"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" > "$ECRLITE_HOME/credentials"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL serve-registry: $*"; fail=$((fail + 1)); }
laws() { "$bin/aws" "$@"; } # local core, same state

start_server() {
	"$bin/ecrlite" serve --listen 127.0.0.1:0 --quiet "$@" 2> "$tmp/server.err" &
	spid=$!
	for _ in $(seq 100); do
		port=$(grep -a -o 'listening on http://127.0.0.1:[0-9]*' "$tmp/server.err" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { echo "serve-registry: the server did not start: $(cat "$tmp/server.err")"; exit 1; }
	R=127.0.0.1:$port E=http://$R
}
# every blob file hashes to its name; integrity_check ok; every image's blobs are there
consistent() {
	python3 - "$ECRLITE_HOME" <<'EOF'
import hashlib, os, sqlite3, sys
home = sys.argv[1]
db = sqlite3.connect(os.path.join(home, "ecrlite.db"))
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
for root, _, files in os.walk(os.path.join(home, "blobs")):
    for f in files:
        h = hashlib.sha256(open(os.path.join(root, f), "rb").read()).hexdigest()
        assert h == f, "blob file %s holds %s" % (f, h)
for d, size in db.execute("SELECT digest, size FROM blob"):
    p = os.path.join(home, "blobs/sha256", d[7:9], d[7:])
    assert os.path.getsize(p) == size, d
for (d,) in db.execute("SELECT l.digest FROM image i JOIN manifest_layer l ON l.manifest = i.digest"
                       " UNION SELECT m.config_digest FROM image i JOIN manifest m ON m.digest = i.digest WHERE m.config_digest IS NOT NULL"):
    assert db.execute("SELECT 1 FROM blob WHERE digest = ?", (d,)).fetchone(), "image blob %s missing" % d
EOF
}

for r in app team/app imm scanned multi other; do laws ecr create-repository --repository-name $r >/dev/null; done
laws ecr put-image-tag-mutability --repository-name imm --image-tag-mutability IMMUTABLE >/dev/null
laws ecr put-image-scanning-configuration --repository-name scanned --image-scanning-configuration scanOnPush=true >/dev/null
start_server

# ---- auth: ECR's challenge, then the login password through the server's ECR API
curl -si "$E/v2/" > "$tmp/h"
grep -q "^HTTP/1.1 401" "$tmp/h" && grep -qi "^WWW-Authenticate: Basic realm=\"http://$R/\",service=\"ecr.amazonaws.com\"" "$tmp/h" &&
	grep -qi "^Docker-Distribution-Api-Version: registry/2.0" "$tmp/h" && grep -q "^Not Authorized" "$tmp/h" && ok ||
	bad "GET /v2/ without credentials: $(cat "$tmp/h")"
PW=$(/usr/bin/aws --endpoint-url "$E" ecr get-login-password) && [ -n "$PW" ] && ok || bad "get-login-password through the server"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "AWS:$PW" "$E/v2/")
[ "$code" = 200 ] && ok || bad "GET /v2/ with the password: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "AWS:${PW}x" "$E/v2/app/tags/list")
[ "$code" = 401 ] && ok || bad "a wrong password: $code"
old=$(ECRLITE_NOW=1000000000 "$bin/aws" ecr get-login-password) # same state secret, issued long ago
curl -s -u "AWS:$old" "$E/v2/app/tags/list" > "$tmp/b"; code=$(curl -s -o /dev/null -w '%{http_code}' -u "AWS:$old" "$E/v2/app/tags/list")
[ "$code" = 403 ] && grep -q '"DENIED"' "$tmp/b" && grep -q "Your authorization token has expired" "$tmp/b" && ok ||
	bad "an expired password: $code $(cat "$tmp/b")"
printf '%s\n' "$PW" | skopeo login --tls-verify=false --username AWS --password-stdin "$R" >/dev/null && ok || bad "skopeo login"
C=(-u "AWS:$PW")

# ---- every shared image: push with skopeo, pull back, identical digests
n=0
for src in "docker-archive:$images/alpine-3.18.docker.tar" "oci-archive:$images/alpine-3.19.oci.tar" \
	"oci-archive:$images/debian-bookworm-layered.oci.tar" "docker-archive:$images/debian-bookworm-layered.docker.tar.xz" \
	"docker-archive:$images/debian-bookworm-minbase.docker.tar.xz" "oci:$images/debian-bookworm-pkgdb-zstd.oci" \
	"docker-archive:$images/scratch-static.docker.tar" "oci-archive:$images/scratch-static.oci.tar"; do
	n=$((n + 1))
	if ! skopeo copy -q --dest-tls-verify=false --digestfile "$tmp/pushed" "$src" "docker://$R/team/app:img$n" 2> "$tmp/err"; then
		bad "push $src: $(cat "$tmp/err")"; continue
	fi
	case $src in oci-archive:*|oci:*) # the archive's own manifest must arrive unchanged
		want=$(skopeo inspect --raw "$src" | sha256sum | cut -d' ' -f1)
		[ "sha256:$want" = "$(cat "$tmp/pushed")" ] || bad "push $src changed the manifest";;
	esac
	# pulled into an OCI layout (oci:, which keeps an OCI manifest as it is) or, for a
	# docker manifest, which oci: would convert, into dir: (the manifest as served)
	rm -rf "$tmp/pull"
	case $src in oci-archive:*|oci:*) dest=oci:$tmp/pull:v;; *) dest=dir:$tmp/pull;; esac
	if ! skopeo copy -q --src-tls-verify=false "docker://$R/team/app:img$n" "$dest" 2> "$tmp/err"; then
		bad "pull $src: $(cat "$tmp/err")"; continue
	fi
	if [ -f "$tmp/pull/index.json" ]; then
		got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$tmp/pull/index.json")
	else
		got=sha256:$(sha256sum "$tmp/pull/manifest.json" | cut -d' ' -f1)
	fi
	head=$(curl -sI "${C[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"$E/v2/team/app/manifests/img$n" | tr -d '\r' | sed -n 's/^Docker-Content-Digest: //Ip')
	ld=$(laws ecr describe-images --repository-name team/app --image-ids imageTag=img$n --query 'imageDetails[0].imageDigest' --output text)
	if [ "$got" = "$(cat "$tmp/pushed")" ] && [ "$head" = "$got" ] && [ "$ld" = "$got" ]; then ok; else
		bad "round trip of $src: pushed $(cat "$tmp/pushed"), pulled $got, HEAD $head, describe-images $ld"; fi
done
consistent && ok || bad "state after the pushes"
# the same push again: every blob is there, nothing uploaded
skopeo copy -q --dest-tls-verify=false "oci-archive:$images/alpine-3.19.oci.tar" "docker://$R/team/app:img2" && ok || bad "re-push"
# ECR's conversion by tag: a client that does not accept the stored format gets the
# other (OCI image manifest <-> Docker schema 2), with that type and its own digest; by
# digest, and for what has no such form (zstd layers), the stored bytes. Before, the
# stored OCI manifest always, which docker 20.10's `docker manifest inspect` refuses.
conv() { # tag-or-digest accept → "content-type digest-header sha256-of-body layer-types"
	curl -s -D "$tmp/ch" -o "$tmp/cb" "${C[@]}" -H "Accept: $2" "$E/v2/team/app/manifests/$1"
	printf '%s %s sha256:%s %s' "$(tr -d '\r' < "$tmp/ch" | sed -n 's/^Content-Type: //Ip')" \
		"$(tr -d '\r' < "$tmp/ch" | sed -n 's/^Docker-Content-Digest: //Ip')" "$(sha256sum < "$tmp/cb" | cut -d' ' -f1)" \
		"$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(",".join([m["config"]["mediaType"]] + [l["mediaType"] for l in m["layers"]]))' "$tmp/cb")"
}
DV2=application/vnd.docker.distribution.manifest.v2+json OCIM=application/vnd.oci.image.manifest.v1+json
set -- $(conv img2 "$DV2")
[ "$1" = "$DV2" ] && [ "$2" = "$3" ] && [ "$4" = application/vnd.docker.container.image.v1+json,application/vnd.docker.image.rootfs.diff.tar.gzip ] &&
	ok || bad "an OCI image by tag for a schema 2 client: $*"
img2=$(laws ecr describe-images --repository-name team/app --image-ids imageTag=img2 --query 'imageDetails[0].imageDigest' --output text)
set -- $(conv "$img2" "$DV2")
[ "$1" = "$OCIM" ] && [ "$2" = "$img2" ] && [ "$3" = "$img2" ] && ok || bad "by digest, the stored bytes: $*"
set -- $(conv img1 "$OCIM")
[ "$1" = "$OCIM" ] && [ "$2" = "$3" ] && [ "$4" = application/vnd.oci.image.config.v1+json,application/vnd.oci.image.layer.v1.tar+gzip ] &&
	ok || bad "a schema 2 image by tag for an OCI client: $*"
set -- $(conv img6 "$DV2")
[ "$1" = "$OCIM" ] && [ "$2" = "$3" ] && ok || bad "zstd layers have no schema 2 form: the stored bytes: $*"
/usr/bin/aws --endpoint-url "$E" ecr batch-get-image --repository-name team/app --image-ids imageTag=img2 \
	--accepted-media-types "$DV2" --query 'images[0].imageManifestMediaType' --output text > "$tmp/out" 2>&1
[ "$(cat "$tmp/out")" = "$DV2" ] && ok || bad "batch-get-image --accepted-media-types by tag: $(cat "$tmp/out")"

# ---- an image index (buildx's shape) through the registry
python3 "$here/make_index_archive.py" "$images/alpine-3.19.oci.tar" "$tmp/index.tar" multi > "$tmp/ids"
idx=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["index"])' "$tmp/ids")
if skopeo copy -q --all --dest-tls-verify=false --digestfile "$tmp/pushed" "oci-archive:$tmp/index.tar" "docker://$R/multi:v1" 2> "$tmp/err"; then
	[ "$(cat "$tmp/pushed")" = "$idx" ] && ok || bad "the index pushed as $(cat "$tmp/pushed"), want $idx"
	rm -rf "$tmp/pull"; skopeo copy -q --all --src-tls-verify=false "docker://$R/multi:v1" "oci:$tmp/pull:v" &&
		[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$tmp/pull/index.json")" = "$idx" ] &&
		ok || bad "pull of the index"
	n=$(laws ecr list-images --repository-name multi --query 'length(imageIds)' --output text)
	[ "$n" = 4 ] && ok || bad "the index and its 3 manifests as images: $n"
	# a manifest the index names stays while the index is there, as in ECR: skopeo
	# delete of it (a DELETE by digest) and batch-delete-image of it are refused, and the
	# index still pulls (before, both deleted it and every pull of the index failed)
	amd=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["amd64"])' "$tmp/ids")
	skopeo delete --tls-verify=false "docker://$R/multi@$amd" 2> "$tmp/err" && bad "skopeo delete of a manifest the index names" ||
		{ grep -q "Requested image referenced by manifest list" "$tmp/err" && ok || bad "skopeo delete's refusal: $(cat "$tmp/err")"; }
	/usr/bin/aws --endpoint-url "$E" ecr batch-delete-image --repository-name multi --image-ids "imageDigest=$amd" \
		--query 'failures[0].failureCode' --output text > "$tmp/out" 2>&1
	[ "$(cat "$tmp/out")" = ImageReferencedByManifestList ] && ok || bad "batch-delete-image of a manifest the index names: $(cat "$tmp/out")"
	rm -rf "$tmp/pull"; skopeo copy -q --src-tls-verify=false "docker://$R/multi:v1" "oci:$tmp/pull:v" 2> "$tmp/err" &&
		ok || bad "pull of the index after the refused deletes: $(cat "$tmp/err")"
else
	bad "push of an index: $(cat "$tmp/err")"
fi

# ---- podman
if command -v podman >/dev/null; then
	export CONTAINERS_STORAGE_CONF=$tmp/storage.conf
	printf '[storage]\ndriver = "vfs"\nrunroot = "%s/prun"\ngraphroot = "%s/pgraph"\n' "$tmp" "$tmp" > "$CONTAINERS_STORAGE_CONF"
	/usr/bin/aws --endpoint-url "$E" ecr get-login-password | podman login --tls-verify=false --username AWS --password-stdin "$R" >/dev/null &&
		ok || bad "podman login"
	if podman load -q -i "$images/alpine-3.18.docker.tar" >/dev/null 2>&1 &&
		podman push -q --tls-verify=false docker.io/ecrlite/alpine:3.18 "$R/app:podman" 2> "$tmp/err"; then
		podman rmi -f "$R/app:podman" docker.io/ecrlite/alpine:3.18 >/dev/null 2>&1
		podman pull -q --tls-verify=false "$R/app:podman" > /dev/null 2> "$tmp/err" && ok || bad "podman pull: $(cat "$tmp/err")"
	else
		bad "podman push: $(cat "$tmp/err")"
	fi
	podman rmi -fa >/dev/null 2>&1
	unset CONTAINERS_STORAGE_CONF
else
	echo "serve-registry: podman not installed; its part skipped"
fi

# ---- docker, on a daemon of our own
if command -v dockerd >/dev/null && [ -x /usr/bin/docker ]; then
	dk=$tmp/dk; mkdir -p "$dk"
	dockerd --iptables=false --ip6tables=false --bridge=none --data-root "$dk/root" --exec-root "$dk/exec" \
		--pidfile "$dk/pid" -H "unix://$dk/sock" > "$dk/log" 2>&1 &
	dpid=$!
	export DOCKER_HOST=unix://$dk/sock DOCKER_CONFIG=$dk/cfg
	for _ in $(seq 100); do /usr/bin/docker version >/dev/null 2>&1 && break; sleep 0.2; done
	if /usr/bin/docker version >/dev/null 2>&1; then
		/usr/bin/aws --endpoint-url "$E" ecr get-login-password | /usr/bin/docker login --username AWS --password-stdin "$R" >/dev/null 2>&1 &&
			ok || bad "docker login"
		# pushed as a CI script or Terraform user does: to the repositoryUri the API answers
		uri=$(/usr/bin/aws --endpoint-url "$E" ecr describe-repositories --repository-names app --query 'repositories[0].repositoryUri' --output text)
		[ "$uri" = "$R/app" ] && ok || bad "repositoryUri through the server: '$uri', not $R/app"
		/usr/bin/docker load -q -i "$images/alpine-3.18.docker.tar" >/dev/null && /usr/bin/docker tag ecrlite/alpine:3.18 "$uri:docker" &&
			/usr/bin/docker push -q "$uri:docker" > "$tmp/out" 2>&1 && ok || bad "docker push: $(cat "$tmp/out")"
		/usr/bin/docker rmi "$R/app:docker" ecrlite/alpine:3.18 >/dev/null 2>&1
		/usr/bin/docker pull -q "$R/app:docker" > "$tmp/out" 2>&1 && ok || bad "docker pull: $(cat "$tmp/out")"
		d1=$(/usr/bin/docker image inspect --format '{{index .RepoDigests 0}}' "$R/app:docker" 2>/dev/null | sed 's/.*@//')
		d2=$(laws ecr describe-images --repository-name app --image-ids imageTag=docker --query 'imageDetails[0].imageDigest' --output text)
		[ -n "$d1" ] && [ "$d1" = "$d2" ] && ok || bad "docker's digest $d1, the registry's $d2"
		# the CI idiom "does this tag exist": docker 20.10 takes no OCI image manifest.
		# The CLI probes https first and gives up on an EOF; ecrlite answers every
		# ClientHello with an HTTP 400 (libmicrohttpd alone closed silently on about 1 in
		# 8), so 12 runs in a row must all work
		fails=0
		for _ in $(seq 12); do
			/usr/bin/docker manifest inspect --insecure "$R/team/app:img2" > "$tmp/out" 2>&1 &&
				grep -q '"mediaType": "application/vnd.docker.distribution.manifest.v2+json"' "$tmp/out" ||
				{ fails=$((fails + 1)); cp "$tmp/out" "$tmp/out.bad"; }
		done
		[ "$fails" = 0 ] && ok || bad "docker manifest inspect of an OCI image: $fails of 12 failed: $(cat "$tmp/out.bad")"
	else
		echo "serve-registry: dockerd could not start here ($(tail -1 "$dk/log")); docker part skipped"
	fi
	kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; dpid=
	unset DOCKER_HOST DOCKER_CONFIG
else
	echo "serve-registry: docker not installed; its part skipped"
fi

# ---- scan on push through the registry, as `ecrlite push` does it
skopeo copy -q --dest-tls-verify=false "oci-archive:$images/alpine-3.19.oci.tar" "docker://$R/scanned:v1" || bad "push to a scan-on-push repository"
st=
for _ in $(seq 300); do # queued: the server's scan workers run it
	st=$(laws ecr describe-images --repository-name scanned --image-ids imageTag=v1 --query 'imageDetails[0].imageScanStatus.status' --output text)
	[ "$st" = COMPLETE ] && break; sleep 0.2
done
[ "$st" = COMPLETE ] && ok || bad "scan on push through the registry: $st"

# ---- the registry's answers (curl)
mt='application/vnd.oci.image.manifest.v1+json'
expect() { # name status code curl-args…: status and OCI error code
	local name=$1 st=$2 code=$3; shift 3
	local got; got=$(curl -s -o "$tmp/b" -w '%{http_code}' "${C[@]}" "$@")
	if [ "$got" = "$st" ] && { [ "$code" = - ] || grep -q "\"code\":\"$code\"" "$tmp/b"; }; then ok; else bad "$name: $got $(head -c 300 "$tmp/b")"; fi
}
Z=sha256:$(printf '0%.0s' {1..64})
expect "push to a repository that does not exist" 404 NAME_UNKNOWN -X POST "$E/v2/nope/blobs/uploads/"
grep -q "The repository with name 'nope' does not exist in the registry with id '000000000000'" "$tmp/b" && ok || bad "NAME_UNKNOWN's message: $(cat "$tmp/b")"
expect "a bad repository name" 400 NAME_INVALID "$E/v2/Bad_Name/tags/list"
expect "unknown tag" 404 MANIFEST_UNKNOWN "$E/v2/app/manifests/nope"
expect "unknown manifest digest" 404 MANIFEST_UNKNOWN "$E/v2/app/manifests/$Z"
expect "unknown blob" 404 BLOB_UNKNOWN "$E/v2/app/blobs/$Z"
# headers past 64 KiB: 431, while 60 KiB pass (the connection's memory is 1 MiB, for uploads)
expect "60 KiB of headers" 404 BLOB_UNKNOWN -H "X-Pad: $(python3 -c 'print("a" * 61440)')" "$E/v2/app/blobs/$Z"
expect "70 KiB of headers" 431 - -H "X-Pad: $(python3 -c 'print("a" * 71680)')" "$E/v2/app/blobs/$Z"
expect "a malformed digest" 400 DIGEST_INVALID "$E/v2/app/blobs/sha256:zz"
# a blob of team/app is not in other until mounted
L=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["layers"][0]["digest"])' \
	<(skopeo inspect --raw "oci-archive:$images/alpine-3.19.oci.tar"))
expect "a blob of another repository" 404 - -I "$E/v2/other/blobs/$L"
expect "mount from team/app" 201 - -X POST "$E/v2/other/blobs/uploads/?mount=$L&from=team/app"
expect "the mounted blob" 200 - -I "$E/v2/other/blobs/$L"
# uploads: monolithic POST+PUT with a wrong digest, then chunked with an out-of-order chunk
head -c 3000 /dev/urandom > "$tmp/blob"; B=sha256:$(sha256sum "$tmp/blob" | cut -d' ' -f1)
loc=$(curl -s -D - -o /dev/null "${C[@]}" -X POST "$E/v2/app/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
expect "closing PUT with a wrong digest" 400 DIGEST_INVALID -X PUT --data-binary "@$tmp/blob" -H 'Content-Type: application/octet-stream' "$loc?digest=$Z"
expect "the blob is not visible after a wrong digest" 404 - -I "$E/v2/app/blobs/$B"
loc=$(curl -s -D - -o /dev/null "${C[@]}" -X POST "$E/v2/app/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
head -c 1000 "$tmp/blob" > "$tmp/c1"; tail -c 2000 "$tmp/blob" > "$tmp/c2"
expect "first chunk" 202 - -X PATCH --data-binary "@$tmp/c1" -H 'Content-Range: 0-999' -H 'Content-Type: application/octet-stream' "$loc"
expect "a chunk out of order" 416 BLOB_UPLOAD_INVALID -X PATCH --data-binary "@$tmp/c2" -H 'Content-Range: 5-2004' -H 'Content-Type: application/octet-stream' "$loc"
rng=$(curl -s -D - -o /dev/null "${C[@]}" "$loc" | tr -d '\r' | sed -n 's/^Range: //Ip')
[ "$rng" = 0-999 ] && ok || bad "GET on the session: Range $rng"
expect "second chunk" 202 - -X PATCH --data-binary "@$tmp/c2" -H 'Content-Range: 1000-2999' -H 'Content-Type: application/octet-stream' "$loc"
expect "closing PUT" 201 - -X PUT "$loc?digest=$B"
curl -s "${C[@]}" -H 'Range: bytes=10-19' -o "$tmp/part" -w '%{http_code}' "$E/v2/app/blobs/$B" > "$tmp/code"
[ "$(cat "$tmp/code")" = 206 ] && cmp -s "$tmp/part" <(tail -c +11 "$tmp/blob" | head -c 10) && ok || bad "a Range GET: $(cat "$tmp/code")"
expect "an unknown upload" 404 BLOB_UPLOAD_UNKNOWN -X PATCH --data-binary "@$tmp/c1" "$E/v2/app/blobs/uploads/00000000-0000-4000-8000-000000000000"
# a monolithic POST ?digest= with the body
head -c 500 /dev/urandom > "$tmp/mono"; MB=sha256:$(sha256sum "$tmp/mono" | cut -d' ' -f1)
expect "monolithic POST" 201 - -X POST --data-binary "@$tmp/mono" -H 'Content-Type: application/octet-stream' "$E/v2/app/blobs/uploads/?digest=$MB"
# manifests: a config + the blob above, pushed by tag, an immutable tag moved, the cap
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$tmp/cfg"
CF=sha256:$(sha256sum "$tmp/cfg" | cut -d' ' -f1)
curl -s -o /dev/null "${C[@]}" -X POST --data-binary "@$tmp/cfg" "$E/v2/app/blobs/uploads/?digest=$CF"
curl -s -o /dev/null "${C[@]}" -X POST --data-binary "@$tmp/cfg" "$E/v2/imm/blobs/uploads/?digest=$CF"
curl -s -o /dev/null "${C[@]}" -X POST --data-binary "@$tmp/blob" "$E/v2/imm/blobs/uploads/?digest=$B"
man() { printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]%s}' \
	"$mt" "$CF" "$(stat -c %s "$tmp/cfg")" "$1" "$2" "${3:-}"; }
man "$Z" 1 > "$tmp/m-missing"
expect "a manifest naming a missing blob" 400 MANIFEST_BLOB_UNKNOWN -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/m-missing" "$E/v2/app/manifests/t1"
printf '{"schemaVersion":2,"mediaType":"%s","config":' "$mt" > "$tmp/m-bad"
expect "a malformed manifest" 400 MANIFEST_INVALID -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/m-bad" "$E/v2/app/manifests/t1"
man "$B" 3000 > "$tmp/m1"; M1=sha256:$(sha256sum "$tmp/m1" | cut -d' ' -f1)
expect "manifest by a digest that is not its own" 400 DIGEST_INVALID -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/m1" "$E/v2/app/manifests/$Z"
expect "manifest PUT" 201 - -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/m1" "$E/v2/imm/manifests/1.0"
man "$B" 3000 ',"annotations":{"v":"2"}' > "$tmp/m2"
expect "an immutable tag moved" 400 TAG_INVALID -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/m2" "$E/v2/imm/manifests/1.0"
grep -q "The image tag '1.0' already exists in the 'imm' repository and cannot be overwritten because the repository is immutable." "$tmp/b" &&
	ok || bad "TAG_INVALID's message: $(cat "$tmp/b")"
python3 -c 'import sys; sys.stdout.write("{\"schemaVersion\":2,\"x\":\"" + "a" * (4 << 20) + "\"}")' > "$tmp/huge"
expect "a manifest over 4 MiB" 413 SIZE_INVALID -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/huge" "$E/v2/app/manifests/huge"
for t in b a c d; do curl -s -o /dev/null "${C[@]}" -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/m1" "$E/v2/app/manifests/t-$t"; done
curl -s -D "$tmp/h" "${C[@]}" "$E/v2/app/tags/list?n=2&last=t-a" > "$tmp/b"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"name": "app", "tags": ["t-b", "t-c"]}' "$tmp/b" &&
	grep -qi '^Link: </v2/app/tags/list?n=2&last=t-c>; rel="next"' "$tmp/h" && ok || bad "tags/list n/last: $(cat "$tmp/b") $(grep -i link "$tmp/h")"
# referrers: an artifact whose subject is m1
man "$B" 3000 ",\"artifactType\":\"application/vnd.example.sbom\",\"subject\":{\"mediaType\":\"$mt\",\"digest\":\"$M1\",\"size\":$(stat -c %s "$tmp/m1")}" > "$tmp/art"
curl -s -D "$tmp/h" -o /dev/null "${C[@]}" -X PUT -H "Content-Type: $mt" --data-binary "@$tmp/art" "$E/v2/app/manifests/sbom"
grep -qi "^OCI-Subject: $M1" "$tmp/h" && ok || bad "OCI-Subject on a manifest with a subject"
curl -s "${C[@]}" "$E/v2/app/referrers/$M1?artifactType=application/vnd.example.sbom" > "$tmp/b"
python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["manifests"]
assert len(m) == 1 and m[0]["artifactType"] == "application/vnd.example.sbom", m' "$tmp/b" && ok || bad "referrers: $(cat "$tmp/b")"
expect "referrers of nothing" 200 - "$E/v2/app/referrers/$Z"
# delete a tag, then a manifest by digest
expect "DELETE a tag" 202 - -X DELETE "$E/v2/app/manifests/t-d"
expect "the deleted tag" 404 MANIFEST_UNKNOWN "$E/v2/app/manifests/t-d"
consistent && ok || bad "state after the error cases"

# ---- kill -9 of a client mid-upload, then of the server mid-upload (curl's
# --limit-rate holds the upload open), then a full push after a restart
big=$(python3 -c 'import json,sys; m=json.load(sys.stdin); print(max(m["layers"], key=lambda l: l["size"])["digest"])' \
	< <(skopeo inspect --raw "oci-archive:$images/debian-bookworm-layered.oci.tar"))
mkdir -p "$tmp/deb"; tar -xf "$images/debian-bookworm-layered.oci.tar" -C "$tmp/deb" "blobs/sha256/${big#sha256:}"
slow_put() { # starts a slow monolithic upload of the big layer to repository other
	local loc; loc=$(curl -s -D - -o /dev/null "${C[@]}" -X POST "$E/v2/other/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
	curl -s -o /dev/null "${C[@]}" --limit-rate 2M -X PUT -H 'Content-Type: application/octet-stream' \
		--data-binary "@$tmp/deb/blobs/sha256/${big#sha256:}" "$loc?digest=$big" &
	cpid=$!
	for _ in $(seq 100); do
		[ -n "$(find "$ECRLITE_HOME/tmp" -name 'upload-*' -size +1M 2>/dev/null)" ] && break; sleep 0.1
	done
}
slow_put; kill -9 $cpid; wait $cpid 2>/dev/null
sleep 0.3
consistent && ok || bad "state after a client was killed mid-upload"
expect "a blob whose upload was killed" 404 - -I "$E/v2/other/blobs/$big"
slow_put; kill -9 "$spid"; wait "$spid" 2>/dev/null; spid=
kill -9 $cpid 2>/dev/null; wait $cpid 2>/dev/null
consistent && ok || bad "state after the server was killed mid-upload"
start_server
printf '%s\n' "$PW" | skopeo login --tls-verify=false --username AWS --password-stdin "$R" >/dev/null
expect "a blob whose upload the server's death cut" 404 - -I "$E/v2/other/blobs/$big"
skopeo copy -q --dest-tls-verify=false --digestfile "$tmp/pushed" "oci-archive:$images/debian-bookworm-layered.oci.tar" \
	"docker://$R/other:after" 2> "$tmp/err" && [ "$(cat "$tmp/pushed")" = sha256:2628bf6ff1aed7a76b23fbc7ef4672766f7813e9945fa1da0eb83c6a04f6a7c3 ] &&
	ok || bad "the push after a restart: $(cat "$tmp/err")"
consistent && ok || bad "state after the push after a restart"
# upload sessions idle past their time are cleaned up (the clock moved 2 h)
left=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM upload").fetchone()[0])' "$ECRLITE_HOME/ecrlite.db")
ECRLITE_NOW=$(( $(date +%s) + 7200 )) laws ecr initiate-layer-upload --repository-name app >/dev/null
after=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM upload").fetchone()[0])' "$ECRLITE_HOME/ecrlite.db")
files=$(find "$ECRLITE_HOME/tmp" -name 'upload-*' | wc -l)
[ "$left" -gt 0 ] && [ "$after" = 1 ] && [ "$files" = 1 ] && ok || bad "idle sessions: $left before, $after rows and $files files after"
echo "serve-registry: $pass passed, $fail failed"
[ $fail = 0 ]
