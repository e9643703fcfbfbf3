#!/bin/bash
# Faults: unusable state directories, a corrupt database, a scan killed half way (the
# image keeps its previous result or none, and a later scan works), feeds from a zip
# and compressed files.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=$top/../shared
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL faults: $*"; fail=$((fail + 1)); }

# a state directory that is a file, one that cannot be written, a corrupt database
touch "$tmp/file"
ECRLITE_HOME=$tmp/file "$bin/aws" ecr describe-repositories 2> "$tmp/err"; rc=$?
[ $rc = 255 ] && grep -q "ecrlite: .*is not a directory\|cannot create state directory" "$tmp/err" && ok || bad "state dir is a file: $rc $(cat "$tmp/err")"
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$tmp/ro"; chmod 500 "$tmp/ro"
	ECRLITE_HOME=$tmp/ro "$bin/aws" ecr describe-repositories 2> "$tmp/err"; rc=$?
	[ $rc = 255 ] && grep -q "not writable" "$tmp/err" && ok || bad "read-only state dir: $rc $(cat "$tmp/err")"
fi
mkdir -p "$tmp/corrupt"; head -c 4096 /dev/urandom > "$tmp/corrupt/ecrlite.db"
ECRLITE_HOME=$tmp/corrupt "$bin/aws" ecr describe-repositories 2> "$tmp/err"; rc=$?
[ $rc = 255 ] && grep -q "is corrupt or not a database" "$tmp/err" && ok || bad "corrupt database: $rc $(cat "$tmp/err")"
ECRLITE_HOME=$tmp/corrupt "$bin/ecrlite" push "$shared/images/alpine-3.19.oci.tar" x:y 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "corrupt or not a database" "$tmp/err" && ok || bad "push on a corrupt database: $rc $(cat "$tmp/err")"
ECRLITE_HOME=$tmp/corrupt "$bin/ecrlite" lua -e 'ecr.describe_repositories()' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "corrupt or not a database" "$tmp/err" && ok || bad "lua on a corrupt database: $rc"

# a state directory that is a filesystem root, or another user's, is refused (and
# nothing is created there); a clock past 9999 is refused
had_root_db=0; [ -e /ecrlite.db ] && had_root_db=1
ECRLITE_HOME=/ "$bin/aws" ecr describe-repositories 2> "$tmp/err"; rc=$?
[ $rc = 255 ] && grep -qx "ecrlite: state directory '/' is a filesystem root: point ECRLITE_HOME at a directory of its own" "$tmp/err" &&
	{ [ $had_root_db = 1 ] || [ ! -e /ecrlite.db ]; } && ok || bad "state in /: $rc $(cat "$tmp/err")"
[ $had_root_db = 0 ] && rm -f /ecrlite.db /ecrlite.db-wal /ecrlite.db-shm 2>/dev/null
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$tmp/theirs"; chown 65534 "$tmp/theirs"
	ECRLITE_HOME=$tmp/theirs "$bin/ecrlite" push "$tmp/file" x:y 2> "$tmp/err"; rc=$?
	[ $rc = 1 ] && grep -qx "ecrlite: push failed: state directory '$tmp/theirs' is owned by another user (uid 65534)" "$tmp/err" && [ ! -e "$tmp/theirs/ecrlite.db" ] && ok || bad "another user's state: $rc $(cat "$tmp/err")"
fi
ECRLITE_HOME=$tmp/clock ECRLITE_NOW=1e300 "$bin/aws" ecr describe-repositories 2> "$tmp/err"; rc=$?
[ $rc = 255 ] && grep -qx "ecrlite: invalid ECRLITE_NOW '1e300': want a time from 1970 to 9999" "$tmp/err" && ok || bad "ECRLITE_NOW=1e300: $rc $(cat "$tmp/err")"
# a read-only state (here a read-only bind mount, which binds root too) serves reads;
# a write says the state is not writable
mkdir -p "$tmp/rostate"
ECRLITE_HOME=$tmp/rostate "$bin/aws" ecr create-repository --repository-name ro >/dev/null
if unshare -m true 2>/dev/null; then
	ECRLITE_HOME=$tmp/rostate unshare -m sh -c "mount --bind '$tmp/rostate' '$tmp/rostate' && mount -o remount,bind,ro '$tmp/rostate' &&
		'$bin/aws' ecr describe-repositories --query 'repositories[].repositoryName' --output text > '$tmp/out' 2>&1;
		echo \$? >> '$tmp/out'; '$bin/aws' ecr create-repository --repository-name ro2 >> '$tmp/out' 2>&1; echo \$? >> '$tmp/out'"
	[ "$(cat "$tmp/out")" = "ro
0

ecrlite: state database '$tmp/rostate/ecrlite.db' is not writable: attempt to write a readonly database
255" ] && ok || bad "read-only state: $(cat "$tmp/out")"
fi

[ -d "$shared/images" ] || { echo "faults: ../shared/images absent; the rest skipped"; echo "faults: $pass passed, $fail failed, 1 skipped"; [ $fail = 0 ]; exit; }
export ECRLITE_HOME=$tmp/state
"$bin/aws" ecr create-repository --repository-name big >/dev/null
"$bin/ecrlite" vulndb import "$top/tests/fixtures/feeds/debian-tracker-bookworm.test.json" >/dev/null
"$bin/ecrlite" push "$shared/images/debian-bookworm-layered.docker.tar.xz" big:v1 >/dev/null
# kill -9 a scan part way through: no partial result, never IN_PROGRESS forever, and the
# next scan works (an interrupted scan does not count against the quota)
for delay in 0.05 0.15 0.3; do
	"$bin/aws" ecr start-image-scan --repository-name big --image-id imageTag=v1 >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	out=$("$bin/aws" ecr describe-image-scan-findings --repository-name big --image-id imageTag=v1 --output json 2>&1)
	if grep -q ScanNotFoundException <<<"$out"; then
		ok # killed before the scan was queued
	elif [ "$(python3 -c 'import json,sys; d=json.load(sys.stdin)["imageScanStatus"]; print(d["status"], "interrupted" in d.get("description", ""))' <<<"$out" 2>/dev/null)" = "FAILED True" ]; then
		ok # killed while it read: marked FAILED (interrupted) when the next command opened the state
	elif [ "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["imageScanStatus"]["status"], len(d["imageScanFindings"]["findings"]) > 0)' <<<"$out" 2>/dev/null)" = "COMPLETE True" ]; then
		ok # the kill came after the commit: the whole result is there
		break
	else
		bad "after kill -9 at ${delay}s: $out"
	fi
done
ECRLITE_NOW=2030-01-01T00:00:00Z "$bin/aws" ecr start-image-scan --repository-name big --image-id imageTag=v1 >/dev/null && ok || bad "scan after a killed one"
ECRLITE_NOW=2030-01-01T00:00:00Z "$bin/aws" ecr describe-image-scan-findings --repository-name big --image-id imageTag=v1 --query imageScanStatus.status --output text | grep -qx COMPLETE && ok || bad "scan result after a killed one"
ls "$ECRLITE_HOME/tmp" 2>/dev/null | grep -q . && bad "temporary files left: $(ls "$ECRLITE_HOME/tmp")" || ok

# feeds: a zip of OSV records and a gzip-compressed document import like the plain ones
python3 - "$shared/data/osv/Alpine" "$tmp/osv-alpine.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for n in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], n), n)
PY
gzip -c "$shared/data/alpine-secdb/v3.20-main.subset.json" > "$tmp/secdb.json.gz"
out=$("$bin/ecrlite" vulndb import "$tmp/osv-alpine.zip" "$tmp/secdb.json.gz") && grep -q "osv:Alpine" <<<"$out" && grep -q "alpine-secdb:v3.20/main" <<<"$out" && ok || bad "zip/gzip import: $out"
"$bin/ecrlite" vulndb status --output json | python3 -c '
import json,sys; s={x["name"]: x["records"] for x in json.load(sys.stdin)["sources"]}
assert s["osv:Alpine"] > 0 and s["alpine-secdb:v3.20/main"] > 0, s' && ok || bad "zip/gzip records"
echo "faults: $pass passed, $fail failed"
[ $fail = 0 ]
