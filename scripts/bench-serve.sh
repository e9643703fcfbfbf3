#!/bin/bash
# `make bench`, the server's part (scripts/bench.sh calls it): `ecrlite serve` on a free
# loopback port, measured with wrk/ab, never asserted. Each area keeps its figures in
# its own function; both run in one invocation.
set -u
build=${1:-build}
bin=$(cd "$build/bin" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$top/../shared" 2>/dev/null && pwd) || shared=
tmp=$(mktemp -d /tmp/serve-bench-XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-2
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret

# serve_start HOME ARGS…: an ecrlite serve on 127.0.0.1:0 over state HOME; sets PORT, SPID
serve_start() {
	local home=$1 i
	shift
	# emptied here, not by the child's redirection, which may run after the first poll
	# below and leave it reading a previous server's port from the old log
	: > "$home.log"
	ECRLITE_HOME=$home "$bin/ecrlite" serve --listen 127.0.0.1:0 --quiet "$@" 2> "$home.log" &
	SPID=$!
	pids+=("$SPID")
	for i in $(seq 1 100); do
		PORT=$(sed -n 's,^ecrlite serve: listening on http://127.0.0.1:\([0-9]*\) .*,\1,p' "$home.log")
		[ -n "$PORT" ] && return 0
		sleep 0.05
	done
	echo "  ecrlite serve did not start: $(cat "$home.log")"
	return 1
}
serve_stop() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}

# wrk_post URL TARGET BODY [AUTH…]: prints "requests/s p50-ms p99-ms non-2xx"
wrk_post() {
	local url=$1 target=$2 body=$3
	shift 3
	{
		echo 'wrk.method = "POST"'
		printf 'wrk.body = %s\n' "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$body")"
		echo 'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"'
		echo "wrk.headers[\"X-Amz-Target\"] = \"AmazonEC2ContainerRegistry_V20150921.$target\""
		while [ $# -gt 1 ]; do echo "wrk.headers[\"$1\"] = \"$2\""; shift 2; done
		cat <<'EOF'
done = function(summary, latency, requests)
	io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
EOF
	} > "$tmp/post.lua"
	local c0 c1 out
	c0=$(awk '{print $14 + $15}' "/proc/$SPID/stat")
	out=$(wrk -t2 -c4 -d10s --latency -s "$tmp/post.lua" "$url" | sed -n 's/^RESULT //p')
	c1=$(awk '{print $14 + $15}' "/proc/$SPID/stat")
	# the server's own CPU time too: on a shared machine, requests per CPU-second of the
	# server say more than requests per wall second
	set -- $out
	echo "$out $(awk -v r="${1:-0}" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t ? r * 10 / (t / hz) : 0}')"
}

# The ECR API: describe-images requests/s through the server (goal >= 5 000/s).
bench_api() {
	echo "== serve: ECR API (wrk -t2 -c4 -d10s, client and server on the same 2 cores)"
	command -v wrk >/dev/null || { echo "  wrk absent: skipped"; return; }
	local home=$tmp/api
	mkdir -p "$home"
	printf '[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n' > "$home/credentials"
	ECRLITE_HOME=$home "$bin/aws" ecr create-repository --repository-name bench >/dev/null
	if [ -n "$shared" ]; then
		ECRLITE_HOME=$home "$bin/ecrlite" push "$shared/images/alpine-3.19.oci.tar" bench:a >/dev/null
		ECRLITE_HOME=$home "$bin/ecrlite" push "$shared/images/alpine-3.18.docker.tar" bench:b >/dev/null
	fi
	local body='{"repositoryName": "bench"}' r
	serve_start "$home" --no-auth --region us-east-2 || return
	r=$(wrk_post "http://127.0.0.1:$PORT/" DescribeImages "$body")
	set -- $r
	echo "  describe-images, --no-auth: ${1:-?} requests/s, p50 ${2:-?} ms, p99 ${3:-?} ms, ${4:-?} non-2xx, ${5:-?} per server CPU-second (goal >= 5000/s)"
	r=$(wrk_post "http://127.0.0.1:$PORT/" DescribeRepositories '{}')
	set -- $r
	echo "  describe-repositories, --no-auth: ${1:-?} requests/s, p50 ${2:-?} ms, p99 ${3:-?} ms, ${4:-?} non-2xx, ${5:-?} per server CPU-second"
	serve_stop
	# the same request signed once (valid for 15 minutes): every request is verified
	serve_start "$home" || return
	local hdrs
	hdrs=$(python3 - "127.0.0.1:$PORT" "$body" <<'EOF'
import datetime, hashlib, hmac, sys
host, body = sys.argv[1], sys.argv[2].encode()
amz = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
target = "AmazonEC2ContainerRegistry_V20150921.DescribeImages"
sh = "content-type;host;x-amz-date;x-amz-target"
creq = "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:%s\nx-amz-date:%s\nx-amz-target:%s\n\n%s\n%s" % (
    host, amz, target, sh, hashlib.sha256(body).hexdigest())
scope = "%s/us-east-2/ecr/aws4_request" % amz[:8]
sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz, scope, hashlib.sha256(creq.encode()).hexdigest())
k = b"AWS4secret"
for m in (amz[:8], "us-east-2", "ecr", "aws4_request"):
    k = hmac.new(k, m.encode(), hashlib.sha256).digest()
print("X-Amz-Date", amz, "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/%s, SignedHeaders=%s, Signature=%s" % (
          scope, sh, hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()))
EOF
)
	local amz auth
	amz=$(awk '{print $2}' <<<"$hdrs")
	auth=$(cut -d' ' -f4- <<<"$hdrs")
	r=$(wrk_post "http://127.0.0.1:$PORT/" DescribeImages "$body" X-Amz-Date "$amz" Authorization "$auth")
	set -- $r
	echo "  describe-images, SigV4 verified: ${1:-?} requests/s, p50 ${2:-?} ms, p99 ${3:-?} ms, ${4:-?} non-2xx, ${5:-?} per server CPU-second"
	local rss
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status" 2>/dev/null)
	echo "  server peak RSS after the runs: ${rss:-?} KB"
	serve_stop
}

bench_api
