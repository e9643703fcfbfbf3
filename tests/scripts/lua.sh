#!/bin/bash
# The Lua frontend: every ecr function round-trips, scripts' arg table and tracebacks,
# hooks fire once per completed scan (and a failing hook loses nothing), the shipped
# gate exits 0/1 on real scanned images, report and rescan run, the REPL works through
# a pseudo-terminal with history.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
# (assigned first: `export X=$(…) || …` would test export's status, never the cd's)
IMAGES=$(cd "$top/../shared/images" 2>/dev/null && pwd) || {
	echo "lua: ../shared/images is absent (the project's shared test data); skipping"; echo "lua: 0 passed, 0 failed, 1 skipped"; exit 0; }
export IMAGES
data=$top/../shared/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC ECRLITE_NOW=2026-11-28T12:00:00Z
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL lua: $*"; fail=$((fail + 1)); }
"$bin/ecrlite" vulndb import "$data/alpine-secdb/v3.19-main.subset.json" "$top/tests/fixtures/feeds/debian-tracker-bookworm.test.json" "$top/tests/fixtures/feeds/nvd-bookworm.test.json" "$data/nvd/api2.0-alpine-test-cves.json" >/dev/null

out=$("$bin/ecrlite" lua "$top/tests/lua/roundtrip.lua" 2>&1) && [ "$out" = "roundtrip ok" ] && ok || bad "roundtrip: $out"

# json.encode writes a real in the fewest digits that read back as it (Python's repr is
# the reference: the same shortest round trip), not jansson's 17 (9.8000000000000007)
out=$("$bin/ecrlite" lua -e 'print(ecr.json.encode({9.8, 0.1, 0.30000000000000004, 1e300, 3.0, -2.5e-7, 7}))')
want=$(python3 -c 'import json; print(json.dumps([9.8, 0.1, 0.30000000000000004, 1e300, 3.0, -2.5e-7, 7], separators=(",", ":")))')
[ "$out" = "$want" ] && ok || bad "json.encode reals: $out, want $want"

# arg table as lua.c sets it; script errors: traceback with file and line, exit 1
printf 'print(arg[0], arg[1], arg[2], #arg, select("#", ...))\n' > "$tmp/args.lua"
[ "$("$bin/ecrlite" lua "$tmp/args.lua" a b)" = "$tmp/args.lua	a	b	2	2" ] && ok || bad "arg table"
printf 'local x = 1\nlocal function f() error("boom") end\nf()\n' > "$tmp/err.lua"
"$bin/ecrlite" lua "$tmp/err.lua" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "err.lua:2: boom" "$tmp/err" && grep -q "stack traceback" "$tmp/err" && grep -q "err.lua:3: in main chunk" "$tmp/err" && ok || bad "traceback: $rc $(cat "$tmp/err")"
[ "$("$bin/ecrlite" lua -e 'print(require("ecrlite") == ecr, ecr.version ~= nil)')" = "true	true" ] && ok || bad "require ecrlite"

# a refused region changes nothing: calls stay in the region they had (the profile's
# or environment's, not us-east-1); a refused configured region fails every call alike
out=$(AWS_REGION=eu-west-1 "$bin/ecrlite" lua -e 'print(pcall(ecr.region, "Bad_Region")); ecr.create_repository{repositoryName = "regioned"}; print(ecr.region(), ecr.describe_repositories{repositoryNames = {"regioned"}}.repositories[1].repositoryUri)' 2>&1)
[ "$out" = "false	An error occurred (InvalidParameterException) when calling the SetRegion operation: Provided region_name 'Bad_Region' doesn't match a supported format.
eu-west-1	000000000000.dkr.ecr.eu-west-1.amazonaws.com/regioned" ] && ok || bad "refused region: $out"
out=$(AWS_REGION=Bad_Region "$bin/ecrlite" lua -e 'for i = 1, 2 do print(select(2, pcall(ecr.describe_repositories))) end' 2>&1)
[ "$out" = "ecrlite: Provided region_name 'Bad_Region' doesn't match a supported format.
ecrlite: Provided region_name 'Bad_Region' doesn't match a supported format." ] && ok || bad "refused configured region: $out"

# hooks: once per completed scan, from any frontend; a failing hook is reported
mkdir -p "$ECRLITE_HOME/hooks"
cat > "$ECRLITE_HOME/hooks/10-log.lua" <<'LUA'
local ev = ...
local f = assert(io.open(os.getenv("ECRLITE_HOME") .. "/hook.log", "a"))
f:write(ev["detail-type"], " ", ev.detail["scan-status"], " ", ev.detail["repository-name"], " ", #ecr.describe_repositories().repositories, "\n")
f:close()
LUA
"$bin/aws" ecr create-repository --repository-name hooked --image-scanning-configuration scanOnPush=true >/dev/null
"$bin/ecrlite" push "$IMAGES/alpine-3.19.oci.tar" hooked:v1 >/dev/null
"$bin/ecrlite" push "$IMAGES/scratch-static.oci.tar" hooked:v2 >/dev/null
ECRLITE_NOW=2026-11-29T13:00:00Z "$bin/aws" ecr start-image-scan --repository-name hooked --image-id imageTag=v1 >/dev/null
[ "$(cat "$ECRLITE_HOME/hook.log")" = "ECR Image Scan COMPLETE hooked 1
ECR Image Scan UNSUPPORTED_IMAGE hooked 1
ECR Image Scan COMPLETE hooked 1" ] && ok || bad "hook log: $(cat "$ECRLITE_HOME/hook.log")"
printf 'error("hook broke")\n' > "$ECRLITE_HOME/hooks/20-broken.lua"
ECRLITE_NOW=2026-11-30T13:00:00Z "$bin/aws" ecr start-image-scan --repository-name hooked --image-id imageTag=v1 >/dev/null 2> "$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q "warning: scan event hook failed: .*20-broken.lua:1: hook broke" "$tmp/err" && ok || bad "broken hook: $rc $(cat "$tmp/err")"
ECRLITE_NOW=2026-11-30T13:00:00Z "$bin/aws" ecr describe-image-scan-findings --repository-name hooked --image-id imageTag=v1 | grep -q '"COMPLETE"' && ok || bad "scan lost to a broken hook"
[ "$(wc -l < "$ECRLITE_HOME/hook.log")" = 4 ] && ok || bad "hooks after the broken one did not run"
rm -rf "$ECRLITE_HOME/hooks"

# the gate on real scanned images: Debian bookworm with the fixture tracker has
# HIGH findings; Alpine 3.19 with its secdb and the real NVD records has HIGH (musl
# CVE-2025-26519, CVSS 3.1 8.1 from the CNA) and no CRITICAL ones; Alpine 3.18 has no
# imported data at all: no verdict (2), whatever the threshold
"$bin/aws" ecr create-repository --repository-name gated >/dev/null
"$bin/ecrlite" push "$IMAGES/debian-bookworm-layered.oci.tar" gated:deb >/dev/null
"$bin/ecrlite" push "$IMAGES/alpine-3.19.oci.tar" gated:alp >/dev/null
"$bin/ecrlite" push "$IMAGES/alpine-3.18.docker.tar" gated:a318 >/dev/null
# before any scan: no verdict, and the reason says there is no scan (it said TIMEOUT,
# max attempts exceeded, after one look)
"$bin/ecrlite" lua gate gated:deb HIGH > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -qx "gate: gated:deb: no usable scan (NONE): the image has not been scanned (--scan starts a scan)" "$tmp/err" && ok || bad "gate before a scan: $rc $(cat "$tmp/out" "$tmp/err")"
"$bin/ecrlite" lua gate gated:deb HIGH --scan > "$tmp/out"; rc=$?
[ $rc = 1 ] && grep -q "gate: FAIL" "$tmp/out" && grep -q "CVE-2099-0003" "$tmp/out" && ok || bad "gate deb HIGH: $rc $(cat "$tmp/out")"
"$bin/ecrlite" lua gate gated:deb CRITICAL > "$tmp/out"; rc=$?
[ $rc = 1 ] && ok || bad "gate deb CRITICAL: $rc"
"$bin/ecrlite" lua gate gated:alp HIGH --scan > "$tmp/out"; rc=$?
[ $rc = 1 ] && grep -q "gate: FAIL" "$tmp/out" && grep -Eq "CVE-2025-26519 +HIGH +musl " "$tmp/out" && ok || bad "gate alp HIGH: $rc $(cat "$tmp/out")"
"$bin/ecrlite" lua gate gated:alp CRITICAL > "$tmp/out"; rc=$?
[ $rc = 0 ] && grep -q "gate: PASS" "$tmp/out" && ok || bad "gate alp CRITICAL: $rc $(cat "$tmp/out")"
"$bin/ecrlite" lua gate gated:a318 LOW --scan > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && ! grep -q PASS "$tmp/out" && grep -q "gate: gated:a318: no usable scan (NO DATA): The scan was completed successfully. No imported vulnerability data covers alpine 3.18.9" "$tmp/err" && ok || bad "gate on an uncovered image: $rc $(cat "$tmp/out" "$tmp/err")"
"$bin/ecrlite" lua gate gated:alp HGH > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "gate: unknown severity HGH (valid: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED)" "$tmp/err" && ! grep -q "\.lua:" "$tmp/err" && ok || bad "gate HGH: $rc $(cat "$tmp/err")"
"$bin/ecrlite" lua gate gated:nope HIGH > /dev/null 2>&1; [ $? = 2 ] && ok || bad "gate on a missing image"
"$bin/ecrlite" lua report > "$tmp/report.md" && grep -q "^## gated" "$tmp/report.md" && grep -q "| COMPLETE |" "$tmp/report.md" && ok || bad "report"
grep -q "| COMPLETE (no data for its OS) | 0 | 0 | 0 | 0 | 0 | 0 |" "$tmp/report.md" && grep -q "images scanned without vulnerability data for their OS: 1" "$tmp/report.md" && ok || bad "report marks the uncovered image: $(cat "$tmp/report.md")"
out=$(ECRLITE_NOW=2026-12-05T00:00:00Z "$bin/ecrlite" lua rescan) && grep -q "rescan: 5 scanned, 0 within the daily quota, 0 already fresh" <<<"$out" && ok || bad "rescan: $out"
out=$(ECRLITE_NOW=2026-12-05T01:00:00Z "$bin/ecrlite" lua rescan) && grep -q "rescan: 0 scanned, 1 within the daily quota, 4 already fresh" <<<"$out" && ok || bad "rescan again: $out"
# an image index is passed over (StartImageScan refuses one) and its images are scanned;
# rescan stopped at the index with UnsupportedImageTypeException
if /usr/bin/python3 "$top/tests/scripts/make_index_archive.py" "$IMAGES/alpine-3.19.oci.tar" "$tmp/index.tar" multi > "$tmp/index.json"; then
	(export ECRLITE_HOME=$tmp/index-state
	"$bin/aws" ecr create-repository --repository-name multi >/dev/null && "$bin/ecrlite" push "$tmp/index.tar" multi >/dev/null &&
		"$bin/ecrlite" lua rescan) > "$tmp/out" 2>&1; rc=$?
	index=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["index"][7:19])' < "$tmp/index.json")
	[ $rc = 0 ] && grep -q "rescan: 3 scanned, 0 within the daily quota, 0 already fresh, 1 image index not scanned" "$tmp/out" &&
		! grep -q "$index" "$tmp/out" && ok || bad "rescan with an index: $rc $(cat "$tmp/out")"
else
	bad "make_index_archive.py failed"
fi

# the REPL through a pseudo-terminal
/usr/bin/python3 - "$bin/ecrlite" "$ECRLITE_HOME" > "$tmp/repl" 2>&1 <<'PY'
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "lua"])
def send(s):
    os.write(fd, s.encode()); time.sleep(0.3)
out = b""
def drain():
    global out
    while True:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r: return
        try: chunk = os.read(fd, 65536)
        except OSError: return
        if not chunk: return
        out += chunk
drain()
send("1 + 1\n"); send("t = {b = 2, a = {1, 2}}\n"); send("t\n"); send("=#ecr.describe_repositories().repositories\n")
send("for i = 1, 2 do\n"); send("print('line', i)\n"); send("end\n"); send("error('oops')\n")
send("\x04"); drain()
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
PY
grep -q "2.$" "$tmp/repl" && ok || bad "repl: expression"
grep -q "{a = {1, 2}, b = 2}" "$tmp/repl" && ok || bad "repl: table pretty-printed"
grep -q ">> print" "$tmp/repl" && grep -q "line	2" "$tmp/repl" && ok || bad "repl: multi-line"
grep -q "stdin:1: oops" "$tmp/repl" && ok || bad "repl: error"
grep -q "^for i = 1, 2 do" "$ECRLITE_HOME/lua_history" 2>/dev/null && ok || bad "repl: history in the state directory"
# a Lua C module a script requires binds to the Lua inside ecrlite (linked statically,
# its C API exported: frontends/lua/lua-exports.list)
cat > "$tmp/cmod.c" <<'C'
#include <lauxlib.h>
static int add(lua_State *L) { lua_pushinteger(L, luaL_checkinteger(L, 1) + luaL_checkinteger(L, 2)); return 1; }
int luaopen_cmod(lua_State *L) { luaL_Reg f[] = {{"add", add}, {NULL, NULL}}; luaL_newlib(L, f); return 1; }
C
if cc -shared -fPIC $(pkg-config --cflags lua5.4) -o "$tmp/cmod.so" "$tmp/cmod.c" 2> "$tmp/cc.err"; then
	out=$(cd "$tmp" && "$bin/ecrlite" lua -e 'print(require("cmod").add(2, 40))' 2>&1)
	[ "$out" = 42 ] && ok || bad "C module: $out"
else
	bad "C module did not build: $(cat "$tmp/cc.err")"
fi
# RematchImage of another registry's image (registryId): its event is that registry's,
# as the scan's own was (it said the caller's account before)
s2=$tmp/other
ECRLITE_HOME=$s2 ECRLITE_ACCOUNT_ID=222222222222 "$bin/aws" ecr create-repository --repository-name alp >/dev/null
ECRLITE_HOME=$s2 "$bin/ecrlite" vulndb import "$data/alpine-secdb/v3.19-main.subset.json" >/dev/null
ECRLITE_HOME=$s2 ECRLITE_ACCOUNT_ID=222222222222 "$bin/ecrlite" push "$IMAGES/alpine-3.19.oci.tar" alp:v1 >/dev/null
ECRLITE_HOME=$s2 ECRLITE_ACCOUNT_ID=222222222222 "$bin/aws" ecr start-image-scan --repository-name alp --image-id imageTag=v1 >/dev/null
out=$(ECRLITE_HOME=$s2 "$bin/ecrlite" lua -e 'local m = ecr.rematch_image{registryId = "222222222222", repositoryName = "alp", imageId = {imageTag = "v1"}}; print(m.registryId, m.imageScanStatus.status)' 2>&1)
ev=$(tail -1 "$s2/events.jsonl" | python3 -c 'import json, sys; e = json.load(sys.stdin); print(e["account"], e["resources"][0])')
[ "$out" = "$(printf '222222222222\tCOMPLETE')" ] && [ "$(wc -l < "$s2/events.jsonl")" = 2 ] &&
	[ "$ev" = "222222222222 arn:aws:ecr:us-east-2:222222222222:repository/alp" ] && ok || bad "rematch of another registry's image: $out; event $ev"
echo "lua: $pass passed, $fail failed"
[ $fail = 0 ]
