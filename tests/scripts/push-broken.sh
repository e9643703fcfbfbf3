#!/bin/bash
# Every archive in ../shared/images/broken that push must refuse is refused with a
# one-line reason and exit 1, and leaves the state exactly as it was (list-images and
# the blob directory before and after). Those whose damage only a scan can see
# (truncated layer, path traversal, status bomb) must push; the scan tests take them.
set -u
bin=$(cd "$1" && pwd)
images=$(cd "$(dirname "$0")/../../../shared/images" 2>/dev/null && pwd) || {
	echo "push-broken: ../shared/images is absent; skipping"; echo "push-broken: 0 passed, 0 failed, 1 skipped"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null
pass=0 fail=0
"$bin/aws" ecr create-repository --repository-name rr >/dev/null
"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" rr:good >/dev/null
snapshot() { "$bin/aws" ecr list-images --repository-name rr; find "$tmp/state/blobs" -type f | sort; ls "$tmp/state/tmp"; }
check() { # name expect-exit expected-message-part
	local f=$images/broken/$1
	snapshot > "$tmp/before"
	"$bin/ecrlite" push "$f" rr:bad > "$tmp/out" 2> "$tmp/err"; local rc=$?
	snapshot > "$tmp/after"
	if [ $rc != "$2" ] || { [ -n "$3" ] && ! grep -q -- "$3" "$tmp/err"; } || [ "$(wc -l < "$tmp/err")" -gt 1 ] ||
		{ [ "$2" != 0 ] && ! cmp -s "$tmp/before" "$tmp/after"; }; then
		echo "FAIL push-broken $1: exit $rc, stderr: $(cat "$tmp/err")"; diff "$tmp/before" "$tmp/after" | head
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	[ "$2" = 0 ] && "$bin/aws" ecr batch-delete-image --repository-name rr --image-ids imageTag=bad >/dev/null
}
check digest-mismatch.oci.tar 1 "digest mismatch"
check empty.tar 1 "not an image archive"
check garbage-index.oci.tar 1 "malformed index.json"
check missing-layer.docker.tar 1 "missing layer"
check missing-layer.oci.tar 1 "missing blob"
check not-an-archive.txt 1 "not an image archive"
check truncated-layer.oci.tar 0 ""
check path-traversal.oci.tar 0 ""
check status-bomb.oci.tar 0 ""
[ -e /tmp/ecrlite-escape-test ] && { echo "FAIL push-broken: /tmp/ecrlite-escape-test appeared"; fail=$((fail + 1)); }
# the good images push, with the digests and layer counts images/README.md gives
expect() { # file digest-or-dash layers
	local out; out=$("$bin/ecrlite" push --output json "$images/$1" "rr:$1") || { echo "FAIL push $1"; fail=$((fail + 1)); return; }
	local d l
	d=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imageId"]["imageDigest"])')
	l=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"])')
	if { [ "$2" != - ] && [ "$d" != "$2" ]; } || [ "$l" != "$3" ]; then
		echo "FAIL push $1: digest $d layers $l, want $2 $3"; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
expect debian-bookworm-layered.oci.tar sha256:2628bf6ff1aed7a76b23fbc7ef4672766f7813e9945fa1da0eb83c6a04f6a7c3 4
expect debian-bookworm-pkgdb-zstd.oci sha256:3c0d30a3497a6821bbd481e7328c6cbb4bed41d3bc5cedb7e2705671ea90583b 1
expect alpine-3.19.oci.tar sha256:7600a104622b8f8179efa3637e935e98b235e4f70507d2dbf9980fc7355bd040 1
expect scratch-static.oci.tar sha256:6e3f8e146477dd1412a1b1f6e05eb6d061f9ca0c9eee423c34e6ddeb6a8e7433 1
expect alpine-3.18.docker.tar - 1
expect scratch-static.docker.tar - 1
expect debian-bookworm-layered.docker.tar.xz - 4
expect debian-bookworm-minbase.docker.tar.xz - 1
# pushing the same image again changes nothing
before=$("$bin/aws" ecr describe-images --repository-name rr)
"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" rr:good > "$tmp/out"
after=$("$bin/aws" ecr describe-images --repository-name rr)
if grep -q '^unchanged' "$tmp/out" && [ "$before" = "$after" ]; then pass=$((pass + 1)); else echo "FAIL repush changed state"; fail=$((fail + 1)); fi
# docker-archive digests are deterministic: the same archive twice in two states
d1=$("$bin/ecrlite" push --output json "$images/alpine-3.18.docker.tar" rr:again | python3 -c 'import json,sys; print(json.load(sys.stdin)["imageId"]["imageDigest"])')
d2=$(ECRLITE_HOME=$tmp/state2 sh -c "'$bin/aws' ecr create-repository --repository-name rr >/dev/null; '$bin/ecrlite' push --output json '$images/alpine-3.18.docker.tar' rr:x" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imageId"]["imageDigest"])')
if [ "$d1" = "$d2" ]; then pass=$((pass + 1)); else echo "FAIL docker digest not deterministic: $d1 $d2"; fail=$((fail + 1)); fi
# one of ecrlite's own errors reads the same from every command: its message, no
# exception name (a bad clock stops push and inventory before they start)
e1=$(ECRLITE_NOW=bad "$bin/ecrlite" push "$images/alpine-3.18.docker.tar" rr:x 2>&1); r1=$?
e2=$(ECRLITE_NOW=bad "$bin/ecrlite" inventory rr:x 2>&1); r2=$?
if [ $r1 = 1 ] && [ $r2 = 1 ] && [ "$e1" = "ecrlite: push failed: invalid ECRLITE_NOW 'bad': want epoch seconds or ISO 8601" ] &&
   [ "$e2" = "ecrlite: inventory failed: invalid ECRLITE_NOW 'bad': want epoch seconds or ISO 8601" ]; then
	pass=$((pass + 1)); else echo "FAIL own error printed two ways: $r1 $e1 / $r2 $e2"; fail=$((fail + 1)); fi
echo "push-broken: $pass passed, $fail failed"
[ $fail = 0 ]
