#!/bin/sh
# Installs the Debian packages ecrlite needs to build (and, with --test, to run its
# tests against the real peers). Runs apt-get only when something is missing, so a
# second run costs nothing. Needs root when it has to install.
set -eu
build="build-essential pkg-config libjansson-dev libarchive-dev libsqlite3-dev
liblua5.4-dev libreadline-dev libssl-dev libcurl4-openssl-dev libmicrohttpd-dev libyajl-dev"
test="python3 awscli skopeo umoci python3-rpm dpkg-dev xz-utils zstd gzip tmux
podman docker.io curl docker-registry wrk apache2-utils python3-boto3
golang-go golang-golang-x-net-dev golang-golang-x-crypto-dev"
# npm installs the pinned Node packages of tests/scripts/lang_images.py; a machine with
# its own Node.js (NodeSource's nodejs bundles npm) keeps it: Debian's npm would conflict
command -v npm >/dev/null 2>&1 || test="$test npm"
want=$build
[ "${1:-}" = "--test" ] && want="$build $test"
missing=""
for p in $want; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing:$missing" >&2
if [ "$(id -u)" != 0 ]; then
	echo "setup: error: need root to install:$missing (run: sudo $0 ${1:-})" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
