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
	# emptied here, not by the redirection below: that one happens in the background
	# child, after the loop may already have read the last instance's port from it
	# (skopeo then met "connection refused", a run of 0.1 s counted in the medians)
	: > "$home.log"
	ECRLITE_HOME=$home "$bin/ecrlite" serve --listen 127.0.0.1:0 --quiet "$@" 2>> "$home.log" &
	SPID=$!
	pids+=("$SPID")
	for i in $(seq 1 100); do
		PORT=$(sed -n 's,^ecrlite serve: listening on http://127.0.0.1:\([0-9]*\) .*,\1,p' "$home.log" 2>/dev/null)
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
# A third column, "null", is scripts/null-registry.py: a registry that stores and hashes
# nothing (bodies read and dropped, pulls served from the archive's own OCI layout by
# sendfile), against which the same skopeo commands take the client's own floor.
# BENCH_RUNS=N counts N runs instead of 3; BENCH_LOAD=0 leaves out wrk and ab.
bench_registry() {
	echo "== serve: registry vs docker-registry (CNCF distribution) vs null (stores and hashes nothing), client and servers on the same 2 cores"
	local deb=${shared:+$shared/images/debian-bookworm-layered.oci.tar} alp=${shared:+$shared/images/alpine-3.19.oci.tar}
	[ -n "$shared" ] || { echo "  ../shared absent: skipped"; return; }
	command -v skopeo >/dev/null || { echo "  skopeo absent: skipped"; return; }
	local cncf=; command -v docker-registry >/dev/null && cncf=1 || echo "  docker-registry absent: ecrlite only"
	local CPORT= CPID= NPID= RPID= runs=${BENCH_RUNS:-3} which what t i want
	# the null registry serves pulls from the debian archive's OCI layout (an oci-archive
	# is one, in a tar), extracted once here, outside any timed run; its index.json's
	# digest is the manifest every push must leave and every pull must bring back
	mkdir -p "$tmp/layout" && tar -xf "$deb" -C "$tmp/layout" ||
		{ echo "  $deb: not extracted"; return; }
	want=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$tmp/layout/index.json")
	free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
	# start_one ecrlite|cncf: a registry on fresh storage; sets HOSTPORT
	start_one() {
		if [ "$1" = ecrlite ]; then
			rm -rf "$tmp/reg"; mkdir -p "$tmp/reg"
			for r in anchor alpine; do ECRLITE_HOME=$tmp/reg "$bin/aws" ecr create-repository --repository-name $r >/dev/null; done
			serve_start "$tmp/reg" --no-auth || return 1
			HOSTPORT=127.0.0.1:$PORT RPID=$SPID
		elif [ "$1" = null ]; then
			# fresh too: its memory of pushed digests would turn a push into HEADs
			: > "$tmp/null.log"  # here, not in the child (see serve_start)
			/usr/bin/python3 "$top/scripts/null-registry.py" --layout "$tmp/layout" 0 >> "$tmp/null.log" 2>&1 &
			NPID=$!; pids+=("$NPID")
			PORT=
			for i in $(seq 100); do
				PORT=$(sed -n 's,^null-registry: listening on http://127.0.0.1:\([0-9]*\)$,\1,p' "$tmp/null.log")
				[ -n "$PORT" ] && break
				sleep 0.05
			done
			[ -n "$PORT" ] || { echo "  null-registry.py did not start: $(cat "$tmp/null.log")"; return 1; }
			HOSTPORT=127.0.0.1:$PORT RPID=$NPID
		else
			rm -rf "$tmp/cncf"; mkdir -p "$tmp/cncf/st"
			CPORT=$(free_port)
			printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\nhttp:\n  addr: 127.0.0.1:%s\n' \
				"$tmp/cncf/st" "$CPORT" > "$tmp/cncf/run.yml"
			docker-registry serve "$tmp/cncf/run.yml" > "$tmp/cncf/log" 2>&1 &
			CPID=$!; pids+=("$CPID")
			for i in $(seq 100); do curl -sf "http://127.0.0.1:$CPORT/v2/" >/dev/null && break; sleep 0.05; done
			HOSTPORT=127.0.0.1:$CPORT RPID=$CPID
		fi
	}
	stop_one() {
		case $1 in
		ecrlite) serve_stop ;;
		null) kill "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null ;;
		*) kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null ;;
		esac
	}
	# fail WHICH MESSAGE: printed, and the registry's figures marked as not to be trusted
	fail() { echo "  $1: FAILED: $2"; echo "$2" >> "$tmp/failed.$1"; }
	# check_push / check_pull WHICH: the push left the archive's manifest (by digest) under
	# anchor:v1; the pull brought that same manifest back into the oci: layout
	check_push() {
		local d
		d=$(curl -sI -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$HOSTPORT/v2/anchor/manifests/v1" |
			tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
		[ "$d" = "$want" ] || fail "$1" "after the push anchor:v1 is ${d:-absent}, the archive's manifest is $want"
	}
	check_pull() {
		local d
		d=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$tmp/pull/index.json" 2>/dev/null)
		[ "$d" = "$want" ] || fail "$1" "the pull gave ${d:-no image}, the archive's manifest is $want"
	}
	# proc_cpu PID: the process's utime+stime so far (all its threads), in seconds
	proc_cpu() { awk -v t="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
	# measure CMD…: "wall client-cpu registry-cpu" in seconds. The client's CPU is what
	# a subshell's `times` says its waited-for children used (all 8 skopeos of push8);
	# the registry's is its /proc/PID/stat delta over the same interval.
	measure() {
		local s e c0 c1 cl
		c0=$(proc_cpu "$RPID"); s=$(date +%s%N)
		cl=$( ("$@" >/dev/null 2> "$tmp/err" || { echo "  $which: FAILED: a run exited non-zero: $*: $(tail -c 300 "$tmp/err")" >&2; echo "$*" >> "$tmp/failed.$which"; }; times) | tail -1)
		e=$(date +%s%N); c1=$(proc_cpu "$RPID")
		awk -v d=$((e - s)) -v c0="$c0" -v c1="$c1" -v cl="$cl" 'function sec(x) {split(x, p, /[ms]/); return p[1] * 60 + p[2]}
			BEGIN {split(cl, u, " "); printf "%.3f %.3f %.3f\n", d / 1e9, sec(u[1]) + sec(u[2]), c1 - c0}'
	}
	# fails if any of the 8 does (a bare `wait` would say 0 whatever they said)
	push8() {
		local p ps=() rc=0
		for i in 1 2 3 4 5 6 7 8; do skopeo copy -q --dest-tls-verify=false "oci-archive:$alp" "docker://$HOSTPORT/alpine:t$i" & ps+=($!); done
		for p in "${ps[@]}"; do wait "$p" || rc=1; done
		return $rc
	}
	local whos="ecrlite"; [ -n "$cncf" ] && whos="ecrlite cncf"
	whos="$whos null"
	# each run's figures: "wall client registry" per line, one file per (registry, what)
	med() { awk -v k="$2" '{print $k}' "$tmp/fig.$1" | median; }
	declare -A PUSH PULL P8 MGET HEADB
	for which in $whos; do : > "$tmp/fig.$which.push"; : > "$tmp/fig.$which.pull"; : > "$tmp/fig.$which.p8"; done
	# the registries take turns within each run rather than one after another, so the
	# floor and the walls it is set against come from the same minutes (other work on
	# the machine comes and goes)
	for t in $(seq $runs); do
		for which in $whos; do
			start_one $which || return
			measure skopeo copy -q --dest-tls-verify=false "oci-archive:$deb" "docker://$HOSTPORT/anchor:v1" >> "$tmp/fig.$which.push"
			check_push $which
			rm -rf "$tmp/pull"
			measure skopeo copy -q --src-tls-verify=false "docker://$HOSTPORT/anchor:v1" "oci:$tmp/pull:v1" >> "$tmp/fig.$which.pull"
			check_pull $which
			stop_one $which
			start_one $which || return
			measure push8 >> "$tmp/fig.$which.p8"
			n=$(curl -s "http://$HOSTPORT/v2/alpine/tags/list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("tags") or []))' 2>/dev/null)
			[ "$n" = 8 ] || fail $which "after 8 concurrent pushes the tag list has ${n:-?} tags"
			stop_one $which
		done
	done
	for which in $whos; do
		PUSH[$which]=$(med $which.push 1); PULL[$which]=$(med $which.pull 1); P8[$which]=$(med $which.p8 1)
		# load: one image pushed, then wrk and ab against it (BENCH_LOAD=0 skips it)
		# the null registry has no load figures: they are a registry's own throughput,
		# and it is none; it is here for skopeo's floor only
		[ "${BENCH_LOAD:-1}" = 0 ] || [ $which = null ] && continue
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
		# medians of each column on its own (wall, skopeo's CPU, the registry's CPU)
		for what in push pull p8; do
			printf '  %-8s %-26s wall %s s, skopeo CPU %s s, registry CPU %s s (runs: %s)\n' "$which" \
				"$(case $what in push) echo push;; pull) echo pull;; p8) echo '8 concurrent alpine pushes';; esac)" \
				"$(med $which.$what 1)" "$(med $which.$what 2)" "$(med $which.$what 3)" "$(awk '{printf "%s%s", (NR > 1 ? " " : ""), $1}' "$tmp/fig.$which.$what")"
		done
		[ "${BENCH_LOAD:-1}" = 0 ] || [ $which = null ] && continue
		printf '  %-8s manifest GET (wrk -t2 -c4 10 s): %s\n' "$which" "$mg"
		printf '  %-8s blob HEAD (ab -k -i -c4 10 s): %s\n' "$which" "$hb"
	done
	if [ -n "$cncf" ]; then
		awk -v a="${PUSH[ecrlite]}" -v b="${PUSH[cncf]}" -v c="${PULL[ecrlite]}" -v d="${PULL[cncf]}" -v e="${P8[ecrlite]}" -v f="${P8[cncf]}" \
			'BEGIN {printf "  ratios ecrlite/cncf: push %.2f, pull %.2f, 8 pushes %.2f (goal <= 0.5 each)\n", a / b, c / d, e / f}'
		# where the wall goes: skopeo's CPU is the same against both, the registries' is not
		printf '  CPU seconds (skopeo + registry), ecrlite vs cncf: push %s vs %s, pull %s vs %s, 8 pushes %s vs %s\n' \
			"$(med ecrlite.push 2) + $(med ecrlite.push 3)" "$(med cncf.push 2) + $(med cncf.push 3)" \
			"$(med ecrlite.pull 2) + $(med ecrlite.pull 3)" "$(med cncf.pull 2) + $(med cncf.pull 3)" \
			"$(med ecrlite.p8 2) + $(med ecrlite.p8 3)" "$(med cncf.p8 2) + $(med cncf.p8 3)"
	fi
	# The client's floor, measured: the same skopeo commands against null-registry.py,
	# which stores and hashes nothing. This replaces the three estimates printed here
	# before ((skopeo + ecrlite CPU) over the cores, skopeo's CPU over the cores, and
	# ecrlite's wall less all its CPU): each was only a lower bound, and the first said
	# "0.5 reachable" where the measured floor says not. The null wall is what skopeo
	# itself takes, its waits included. The null registry's own CPU (Python's, printed
	# above) is taken off before the verdict, so "not reachable" holds even for a
	# registry costing nothing at all.
	if [ -s "$tmp/failed.null" ]; then
		echo "  measured client floor (null registry): not measured, its runs FAILED (above)"
	else
		awk -v pw="$(med null.push 1)" -v pc="$(med null.push 3)" -v lw="$(med null.pull 1)" -v lc="$(med null.pull 3)" \
			-v ew="$(med null.p8 1)" -v ec="$(med null.p8 3)" -v cncf="$cncf" \
			-v cp="$([ -n "$cncf" ] && med cncf.push 1)" -v cl="$([ -n "$cncf" ] && med cncf.pull 1)" -v ce="$([ -n "$cncf" ] && med cncf.p8 1)" \
			'function v(name, f, c) {return sprintf("%s %s", name, f > c / 2 ? "not reachable by any registry" : "reachable")}
			BEGIN {printf "  measured client floor (null registry): push %.3f s, pull %.3f s, 8 pushes %.3f s (less its own CPU: %.3f, %.3f, %.3f s)",
				pw, lw, ew, pw - pc, lw - lc, ew - ec
			if (cncf == "") {print "; docker-registry absent, no half-wall to compare"; exit}
			printf "; half the cncf wall: push %.3f s, pull %.3f s, 8 pushes %.3f s; 0.5: %s, %s, %s\n", cp / 2, cl / 2, ce / 2,
				v("push", pw - pc, cp), v("pull", lw - lc, cl), v("8 pushes", ew - ec, ce)}'
		awk -v a="${PUSH[ecrlite]}" -v b="${PUSH[null]}" -v c="${PULL[ecrlite]}" -v d="${PULL[null]}" -v e="${P8[ecrlite]}" -v f="${P8[null]}" \
			'BEGIN {printf "  ecrlite wall above the floor: push %+.3f s, pull %+.3f s, 8 pushes %+.3f s (ecrlite/null %.2f, %.2f, %.2f)\n", a - b, c - d, e - f, a / b, c / d, e / f}'
	fi
	# the anchor's own figures, measured by hand on this machine kind (serve-anchor.md):
	# push 1.1-1.3 s, pull 0.5 s, 8 pushes 0.9 s; the goal was set against these
	awk -v a="${PUSH[ecrlite]}" -v c="${PULL[ecrlite]}" -v e="${P8[ecrlite]}" \
		'BEGIN {printf "  ecrlite against serve-anchor.md (push 1.1 s, pull 0.5 s, 8 pushes 0.9 s): push %.2f, pull %.2f, 8 pushes %.2f\n", a / 1.1, c / 0.5, e / 0.9}'
	echo "  goals: manifest GET >= 5000 requests/s with p99 <= 5 ms"
}

bench_registry
