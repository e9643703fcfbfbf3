#!/bin/bash
# Inventory of every good image equals its packages.tsv; broken images fail (or warn)
# as ../shared/images/README.md expects, and nothing escapes the state directory.
set -u
bin=$(cd "$1" && pwd)
images=$(cd "$(dirname "$0")/../../../shared/images" 2>/dev/null && pwd) || {
	echo "inventory: ../shared/images is absent; skipping"; echo "inventory: 0 passed, 0 failed, 1 skipped"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL inventory $*"; fail=$((fail + 1)); }
"$bin/aws" ecr create-repository --repository-name img >/dev/null
compare() { # archive tsv columns
	"$bin/ecrlite" push "$images/$1" "img:$1" >/dev/null || { bad "push $1"; return; }
	"$bin/ecrlite" inventory "img:$1" > "$tmp/inv" 2> "$tmp/err" || { bad "$1: $(cat "$tmp/err")"; return; }
	grep -v -e '^image	' -e '^os	' "$tmp/inv" | cut -f"$3" | sort > "$tmp/got"
	sort "$images/$2" > "$tmp/want"
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else bad "$1 differs from $2:"; diff "$tmp/want" "$tmp/got" | head; fi
}
compare alpine-3.18.docker.tar alpine-3.18.packages.tsv 1,2
compare alpine-3.19.oci.tar alpine-3.19.packages.tsv 1,2
compare debian-bookworm-layered.oci.tar debian-bookworm-layered.packages.tsv 1-5
compare debian-bookworm-layered.docker.tar.xz debian-bookworm-layered.packages.tsv 1-5
compare debian-bookworm-minbase.docker.tar.xz debian-bookworm-minbase.packages.tsv 1-5
compare debian-bookworm-pkgdb-zstd.oci debian-bookworm-layered.packages.tsv 1-5
# layer 3 purges curl; layer 4's opaque directory leaves only README in etc/ssl/certs
"$bin/ecrlite" inventory img:debian-bookworm-layered.oci.tar | grep -q '^curl	' && bad "curl listed" || ok
grep -q '^os	debian 12 bookworm$' <("$bin/ecrlite" inventory img:debian-bookworm-layered.oci.tar) && ok || bad "os of the layered image"
grep -q '^os	alpine 3.19.4$' <("$bin/ecrlite" inventory img:alpine-3.19.oci.tar) && ok || bad "os of alpine 3.19"
# the second inventory of an image is served from the cache; a new image sharing the
# base layer reads only its own layers
"$bin/ecrlite" push "$images/debian-bookworm-minbase.docker.tar.xz" img:minbase2 >/dev/null
"$bin/ecrlite" inventory --output json img:debian-bookworm-layered.oci.tar | python3 -c '
import json,sys; d=json.load(sys.stdin); assert len(d["layers"]) == 4, d["layers"]' && ok || bad "layers listed"
# scratch: no OS, no package database → said so
"$bin/ecrlite" push "$images/scratch-static.oci.tar" img:scratch >/dev/null
grep -q '^unsupported	no supported operating system' <("$bin/ecrlite" inventory img:scratch) && ok || bad "scratch not reported unsupported"
# broken images
for b in truncated-layer status-bomb; do
	"$bin/ecrlite" push "$images/broken/$b.oci.tar" "img:$b" >/dev/null || { bad "push $b"; continue; }
	if "$bin/ecrlite" inventory "img:$b" > /dev/null 2> "$tmp/err"; then bad "$b inventoried"; else
		case $b in
		truncated-layer) grep -q 'truncated' "$tmp/err" && ok || bad "$b: $(cat "$tmp/err")" ;;
		status-bomb) grep -q 'package database too large' "$tmp/err" && ok || bad "$b: $(cat "$tmp/err")" ;;
		esac
	fi
done
"$bin/ecrlite" push "$images/broken/path-traversal.oci.tar" img:pt >/dev/null
"$bin/ecrlite" inventory img:pt > "$tmp/out" 2> "$tmp/err"
grep -q 'climbs out of the image root' "$tmp/err" && ok || bad "path traversal not warned"
# its etc/os-release (no etc/ entry of its own) is read; the status link that climbs out
# resolves inside the image to nothing, so no package at all
grep -q '^os	debian 12' "$tmp/out" && ok || bad "path traversal: os-release not read: $(cat "$tmp/out")"
grep -qv -e '^image	' -e '^os	' "$tmp/out" && bad "path traversal read the host's dpkg status: $(cat "$tmp/out")" || ok
[ ! -e /tmp/ecrlite-escape-test ] && ok || bad "/tmp/ecrlite-escape-test exists"
echo "inventory: $pass passed, $fail failed"
[ $fail = 0 ]
