#!/bin/bash
# `make bench`: measured, never asserted. Prints medians and throughputs.
set -u
build=${1:-build}
bin=$(cd "$build/bin" && pwd)
images=$(cd "$(dirname "$0")/../../shared/images" 2>/dev/null && pwd) || images=
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { # command... → milliseconds for one run
	local s e
	s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
	echo $(( (e - s) / 1000 )) | awk '{printf "%.2f\n", $1/1000}'
}
"$bin/aws" ecr create-repository --repository-name bench >/dev/null
for i in $(seq 1 5); do "$bin/aws" ecr create-repository --repository-name "bench-$i" >/dev/null; done
m=$(for i in $(seq 1 50); do ms "$bin/aws" ecr describe-repositories; done | median)
echo "describe-repositories: median ${m} ms over 50 runs (goal < 10 ms)"
if [ -x /usr/bin/aws ]; then
	m2=$(for i in $(seq 1 5); do ms /usr/bin/aws ecr describe-repositories --endpoint-url http://127.0.0.1:9 --cli-connect-timeout 1; done | median)
	echo "  real aws CLI (fails fast on a closed port; startup cost only): median ${m2} ms over 5 runs"
fi
if [ -n "$images" ]; then
	for f in debian-bookworm-layered.oci.tar debian-bookworm-layered.docker.tar.xz; do
		[ -f "$images/$f" ] || continue
		rm -rf "$ECRLITE_HOME/blobs"
		"$bin/aws" ecr delete-repository --repository-name bench --force >/dev/null
		"$bin/aws" ecr create-repository --repository-name bench >/dev/null
		sz=$(stat -c %s "$images/$f")
		t=$(ms "$bin/ecrlite" push "$images/$f" bench:x)
		echo "push $f: ${t} ms, $(awk -v s="$sz" -v t="$t" 'BEGIN {printf "%.1f", s / 1048576 / (t / 1000)}') MB/s of archive"
	done
else
	echo "push throughput: ../shared/images absent, skipped"
fi
