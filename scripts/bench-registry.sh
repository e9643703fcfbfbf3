#!/bin/bash
# `make bench`, the registry's part (scripts/bench.sh calls it): `ecrlite serve`'s OCI
# Distribution API beside Debian's docker-registry (CNCF distribution 2.8.2), both on
# free loopback ports; measured, never asserted. serve-anchor.md has the anchor's own
# figures and method on this machine.
set -u
build=${1:-build}
bin=$(cd "$build/bin" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$top/../shared" 2>/dev/null && pwd) || shared=
tmp=$(mktemp -d /tmp/registry-bench-XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# serve_start HOME ARGS…: an ecrlite serve on 127.0.0.1:0 over state HOME; sets PORT, SPID
serve_start() {
	local home=$1 i
	shift
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

# The registry (OCI Distribution), side by side with Debian's docker-registry (the CNCF
# distribution registry) started here on another loopback port, both over plain HTTP
# and fresh storage per push run (serve-anchor.md's method, 3 counted runs, median):
# skopeo push and pull of debian-bookworm-layered.oci.tar, 8 concurrent alpine pushes,
# manifest GET with wrk (Accept header, -c4), blob HEAD with ab -i (wrk cannot do HEAD).
bench_registry() {
	echo "== serve: registry vs docker-registry (CNCF distribution), client and servers on the same 2 cores"
	local deb=${shared:+$shared/images/debian-bookworm-layered.oci.tar} alp=${shared:+$shared/images/alpine-3.19.oci.tar}
	[ -n "$shared" ] || { echo "  ../shared absent: skipped"; return; }
	command -v skopeo >/dev/null || { echo "  skopeo absent: skipped"; return; }
	local cncf=; command -v docker-registry >/dev/null && cncf=1 || echo "  docker-registry absent: ecrlite only"
	local CPORT= CPID= runs=3 which what t i
	free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
	# start_one ecrlite|cncf: a registry on fresh storage; sets HOSTPORT
	start_one() {
		if [ "$1" = ecrlite ]; then
			rm -rf "$tmp/reg"; mkdir -p "$tmp/reg"
			for r in anchor alpine; do ECRLITE_HOME=$tmp/reg "$bin/aws" ecr create-repository --repository-name $r >/dev/null; done
			serve_start "$tmp/reg" --no-auth || return 1
			HOSTPORT=127.0.0.1:$PORT
		else
			rm -rf "$tmp/cncf"; mkdir -p "$tmp/cncf/st"
			CPORT=$(free_port)
			printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\nhttp:\n  addr: 127.0.0.1:%s\n' \
				"$tmp/cncf/st" "$CPORT" > "$tmp/cncf/run.yml"
			docker-registry serve "$tmp/cncf/run.yml" > "$tmp/cncf/log" 2>&1 &
			CPID=$!; pids+=("$CPID")
			for i in $(seq 100); do curl -sf "http://127.0.0.1:$CPORT/v2/" >/dev/null && break; sleep 0.05; done
			HOSTPORT=127.0.0.1:$CPORT
		fi
	}
	stop_one() { if [ "$1" = ecrlite ]; then serve_stop; else kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; fi; }
	secs() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || echo "  (a run failed: $*)" >&2; e=$(date +%s%N); awk -v d=$((e - s)) 'BEGIN {printf "%.3f\n", d / 1e9}'; }
	push8() { for i in 1 2 3 4 5 6 7 8; do skopeo copy -q --dest-tls-verify=false "oci-archive:$alp" "docker://$HOSTPORT/alpine:t$i" & done; wait; }
	local whos="ecrlite"; [ -n "$cncf" ] && whos="ecrlite cncf"
	declare -A PUSH PULL P8 MGET HEADB
	for which in $whos; do
		local pushes="" pulls="" p8=""
		for t in $(seq $runs); do
			start_one $which || return
			pushes+="$(secs skopeo copy -q --dest-tls-verify=false "oci-archive:$deb" "docker://$HOSTPORT/anchor:v1") "
			rm -rf "$tmp/pull"
			pulls+="$(secs skopeo copy -q --src-tls-verify=false "docker://$HOSTPORT/anchor:v1" "oci:$tmp/pull:v1") "
			stop_one $which
			start_one $which || return
			p8+="$(secs push8) "
			n=$(curl -s "http://$HOSTPORT/v2/alpine/tags/list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("tags") or []))' 2>/dev/null)
			[ "$n" = 8 ] || echo "  $which: after 8 concurrent pushes the tag list has ${n:-?} tags"
			stop_one $which
		done
		PUSH[$which]=$(printf '%s\n' $pushes | median); PULL[$which]=$(printf '%s\n' $pulls | median); P8[$which]=$(printf '%s\n' $p8 | median)
		# load: one image pushed, then wrk and ab against it
		start_one $which || return
		skopeo copy -q --dest-tls-verify=false "oci-archive:$deb" "docker://$HOSTPORT/anchor:v1" >/dev/null 2>&1
		if command -v wrk >/dev/null; then
			cat > "$tmp/manifest.lua" <<'LUA'
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"
done = function(summary, latency, requests)
	io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
LUA
			MGET[$which]=$(wrk -t2 -c4 -d10s --latency -s "$tmp/manifest.lua" "http://$HOSTPORT/v2/anchor/manifests/v1" | sed -n 's/^RESULT //p')
		fi
		if command -v ab >/dev/null; then
			local blob=sha256:c8e120bc6c3838985abd6aa1511f4a24774f4f7ce24be0c1bf7220bc0273a6be
			HEADB[$which]=$(ab -k -i -c4 -t10 -n 10000000 "http://$HOSTPORT/v2/anchor/blobs/$blob" 2>/dev/null |
				awk '/^Requests per second/ {r=$4} /^Non-2xx/ {n=$3} /^  99%/ {p=$2} END {printf "%s %s %s", r, p, n ? n : 0}')
		fi
		stop_one $which
	done
	for which in $whos; do
		set -- ${MGET[$which]:-? ? ? ?}; local mg="$1 requests/s, p50 $2 ms, p99 $3 ms, $4 non-2xx"
		set -- ${HEADB[$which]:-? ? ?}; local hb="$1 requests/s, p99 $2 ms, $3 non-2xx"
		printf '  %-8s push %s s, pull %s s, 8 concurrent alpine pushes %s s\n' "$which" "${PUSH[$which]}" "${PULL[$which]}" "${P8[$which]}"
		printf '  %-8s manifest GET (wrk -t2 -c4 10 s): %s\n' "$which" "$mg"
		printf '  %-8s blob HEAD (ab -k -i -c4 10 s): %s\n' "$which" "$hb"
	done
	if [ -n "$cncf" ]; then
		awk -v a="${PUSH[ecrlite]}" -v b="${PUSH[cncf]}" -v c="${PULL[ecrlite]}" -v d="${PULL[cncf]}" -v e="${P8[ecrlite]}" -v f="${P8[cncf]}" \
			'BEGIN {printf "  ratios ecrlite/cncf: push %.2f, pull %.2f, 8 pushes %.2f (goal <= 0.5 each)\n", a / b, c / d, e / f}'
	fi
	echo "  goals: manifest GET >= 5000 requests/s with p99 <= 5 ms"
}

bench_registry
