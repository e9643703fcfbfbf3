#!/bin/bash
# State errors are errors: a statement that fails while a lookup runs is reported as a
# state error ("state database error: …", exit 255 through aws), never read as "not
# found", an empty or short page, a default configuration or a skipped check. Each case
# breaks one lookup in a copy of a prepared state: a table swapped for a view whose rows
# fail as they are read (json() of a non-JSON string, from the second row when a page
# must not come back short), or a table renamed away (the statement cannot be prepared).
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
images=$(cd "$top/../shared/images" 2>/dev/null && pwd) || {
	echo "state-errors: ../shared/images is absent; skipping"; echo "state-errors: 0 passed, 0 failed, 1 skipped"; exit 0; }
data=$top/../shared/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC ECRLITE_NOW=2026-11-28T12:00:00Z
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL state-errors: $*"; fail=$((fail + 1)); }

# the prepared state: feeds, a repository scanned on push by a registry rule, two images
export ECRLITE_HOME=$tmp/base
"$bin/ecrlite" vulndb import "$data/alpine-secdb/v3.19-main.subset.json" "$data/nvd" >/dev/null
"$bin/aws" ecr create-repository --repository-name web >/dev/null
"$bin/aws" ecr create-repository --repository-name plain >/dev/null
"$bin/aws" ecr put-registry-scanning-configuration --scan-type BASIC \
	--rules '[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"web*","filterType":"WILDCARD"}]}]' >/dev/null
"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" web:v1 >/dev/null
"$bin/ecrlite" push "$images/alpine-3.18.docker.tar" web:v2 >/dev/null
"$bin/ecrlite" push "$images/debian-bookworm-layered.oci.tar" plain:v1 >/dev/null
manifest=$("$bin/aws" ecr batch-get-image --repository-name web --image-ids imageTag=v1 --query 'images[0].imageManifest' --output text)
nfind=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1 --query 'length(imageScanFindings.findings)')
[ "$nfind" -gt 1 ] 2>/dev/null && ok || bad "the prepared image has $nfind findings (want more than one)"

# break DIR TABLE [all|second|gone]: TABLE's rows fail as read (all of them, or from the
# second on in rowid order), or TABLE is renamed away
break_table() {
	python3 - "$1/ecrlite.db" "$2" "${3:-all}" <<'EOF'
import sqlite3, sys
db, t, how = sys.argv[1:]
c = sqlite3.connect(db)
c.execute("PRAGMA legacy_alter_table = ON")  # keep other tables' references on the name
c.execute(f"ALTER TABLE {t} RENAME TO {t}_real")
if how != "gone":
    cond = "1" if how == "all" else f"rowid > (SELECT min(rowid) FROM {t}_real)"  # random(): never folded to a constant
    c.execute(f"CREATE VIEW {t} AS SELECT * FROM {t}_real WHERE CASE WHEN {cond} THEN json('broken' || random()) ELSE 1 END")
c.commit()
EOF
}
n=0
fresh() { # a copy of the prepared state, as ECRLITE_HOME
	n=$((n + 1)); rm -rf "$tmp/s$n"; cp -a "$tmp/base" "$tmp/s$n"; export ECRLITE_HOME=$tmp/s$n
}
# expect NAME STATE-ERROR-PATTERN command...: exit 255, the pattern on stderr, no service exception
expect() {
	local name=$1 pat=$2; shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
	if [ $rc = 255 ] && grep -q "^ecrlite: .*$pat" "$tmp/err" && ! grep -q 'An error occurred' "$tmp/err"; then ok
	else bad "$name: rc $rc, stdout $(head -c 300 "$tmp/out"), stderr $(head -c 300 "$tmp/err")"; fi
}
# expect_cli NAME STATE-ERROR-PATTERN command...: an ecrlite command's failure (exit 1)
expect_cli() {
	local name=$1 pat=$2; shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
	if [ $rc = 1 ] && grep -q "^ecrlite: .*$pat" "$tmp/err"; then ok
	else bad "$name: rc $rc, stdout $(head -c 300 "$tmp/out"), stderr $(head -c 300 "$tmp/err")"; fi
}
fails='state database error: malformed JSON'

# blob lookups: PutImage's layer check is not LayersNotFoundException
fresh; break_table "$ECRLITE_HOME" repo_blob
expect "put-image layer lookup" "$fails" "$bin/aws" ecr put-image --repository-name web --image-tag v9 --image-manifest "$manifest"
# image lookups: by tag in DescribeImages, BatchGetImage (not a failures entry), BatchDeleteImage
fresh; break_table "$ECRLITE_HOME" image_tag
expect "describe-images by tag" "$fails" "$bin/aws" ecr describe-images --repository-name web --image-ids imageTag=v1
expect "batch-get-image" "$fails" "$bin/aws" ecr batch-get-image --repository-name web --image-ids imageTag=v1
expect "batch-delete-image" "$fails" "$bin/aws" ecr batch-delete-image --repository-name web --image-ids imageTag=v1
fresh; break_table "$ECRLITE_HOME" image_tag gone
expect "describe-images, image_tag gone" "state database error: no such table: image_tag" \
	"$bin/aws" ecr describe-images --repository-name web --image-ids imageTag=v1
# pages never come back short: the second image, the second finding, the second tag
fresh; break_table "$ECRLITE_HOME" image second
expect "list-images page" "$fails" "$bin/aws" ecr list-images --repository-name web
expect "describe-images page" "$fails" "$bin/aws" ecr describe-images --repository-name web
# a count that cannot be read never lets a non-empty repository be deleted
expect "delete-repository count" "$fails" "$bin/aws" ecr delete-repository --repository-name web
"$bin/aws" ecr describe-repositories --repository-names web >/dev/null 2>&1 && ok || bad "web was deleted"
fresh; break_table "$ECRLITE_HOME" finding second
expect "findings page" "$fails" "$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1
# scan status: not ScanNotFoundException
fresh; break_table "$ECRLITE_HOME" scan
expect "scan status" "$fails" "$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1
# the registry's scanning configuration: not BASIC with no rules, and scan on push not off
fresh; break_table "$ECRLITE_HOME" registry_scanning
expect "registry scanning configuration" "$fails" "$bin/aws" ecr get-registry-scanning-configuration
expect "repository scanning configuration" "$fails" \
	"$bin/aws" ecr batch-get-repository-scanning-configuration --repository-names web
out=$("$bin/ecrlite" push "$images/scratch-static.oci.tar" web:v3 2>&1)
grep -q "^scan on push: FAILED.*$fails" <<<"$out" && ok || bad "push with an unreadable scanning configuration: $out"
# the diff_id check runs or fails: a config blob that cannot be read fails the scan
fresh
cfg=$("$bin/aws" ecr batch-get-image --repository-name plain --image-ids imageTag=v1 --query 'images[0].imageManifest' --output text |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"].split(":")[1])')
find "$ECRLITE_HOME" -type f -name "*$cfg*" -exec sh -c ': > "$1"' _ {} \;
"$bin/aws" ecr start-image-scan --repository-name plain --image-id imageTag=v1 >/dev/null
st=$("$bin/aws" ecr describe-image-scan-findings --repository-name plain --image-id imageTag=v1 --query imageScanStatus \
	--output json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d.get("description"))')
grep -q "^FAILED.*image config sha256:$cfg cannot be read" <<<"$st" && ok || bad "scan with an unreadable config: $st"


# an inline scan whose result cannot be stored: FAILED with why, never IN_PROGRESS
fresh; "$bin/aws" ecr batch-delete-image --repository-name web --image-ids imageTag=v2 >/dev/null
break_table "$ECRLITE_HOME" finding gone
out=$("$bin/ecrlite" push "$images/alpine-3.18.docker.tar" web:v4 2>&1)
grep -q "^scan on push: FAILED: state database error: no such table: finding" <<<"$out" && ok || bad "push, findings not stored: $out"
st=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v4 --query imageScanStatus.description --output json 2>&1)
[ "$st" = '"state database error: no such table: finding"' ] && ok || bad "the scan's row after findings not stored: $st"

# the registry password's secret: not "the state has no token secret"
fresh; break_table "$ECRLITE_HOME" meta
expect "authorization token secret" "$fails" "$bin/aws" ecr get-authorization-token

# ENHANCED: the same images, read as Inspector findings from their stored inventory
enhanced() {
	fresh
	"$bin/aws" ecr put-registry-scanning-configuration --scan-type ENHANCED \
		--rules '[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"web*","filterType":"WILDCARD"}]}]' >/dev/null
}
digest=$("$bin/aws" ecr describe-images --repository-name web --image-ids imageTag=v1 --query 'imageDetails[0].imageDigest' --output text)
enhanced
n=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1 --query 'length(imageScanFindings.enhancedFindings)')
[ "$n" -gt 0 ] 2>/dev/null && ok || bad "the prepared image has $n enhanced findings (want some)"
# its scan status: not ScanNotFoundException
enhanced; break_table "$ECRLITE_HOME" scan
expect "enhanced scan status" "$fails" "$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1
# a finding's CVSS scores: not a finding without them
enhanced; break_table "$ECRLITE_HOME" advisory_cvss gone
expect "enhanced cvss" "state database error: no such table: advisory_cvss" \
	"$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1
# the finding's resource: not an image without tags
enhanced; break_table "$ECRLITE_HOME" image_tag
expect "enhanced resource tags" "$fails" \
	"$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id "imageDigest=$digest"
# continuous scanning's change events around an import: a watch list that cannot be
# read is said (the import stands), never a silent short list
fresh
"$bin/aws" ecr put-registry-scanning-configuration --scan-type ENHANCED \
	--rules '[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"web*","filterType":"WILDCARD"}]}]' >/dev/null
break_table "$ECRLITE_HOME" scan
osv=$(ls "$data"/osv/Alpine/*.json | head -1)
out=$("$bin/ecrlite" vulndb import "$osv" 2>&1); rc=$?
[ $rc = 0 ] && grep -q "^ecrlite: warning: continuous scanning's change events are not sent: $fails" <<<"$out" && ok ||
	bad "import, watch list unreadable: rc $rc: $out"
# and an image whose findings cannot be matched before or after it
fresh
"$bin/aws" ecr put-registry-scanning-configuration --scan-type ENHANCED \
	--rules '[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"web*","filterType":"WILDCARD"}]}]' >/dev/null
break_table "$ECRLITE_HOME" inventory_cache
out=$("$bin/ecrlite" vulndb import "$osv" 2>&1); rc=$?
[ $rc = 0 ] && grep -q "^ecrlite: warning: continuous scanning's change events of web@sha256:[0-9a-f]* are not sent: $fails" <<<"$out" &&
	ok || bad "import, an image's findings unreadable: rc $rc: $out"

# the scan caches: a cache that cannot be read is not "nothing cached"
fresh; break_table "$ECRLITE_HOME" inventory_cache
expect_cli "inventory cache" "$fails" "$bin/ecrlite" inventory web:v1
fresh; sqlite3 "$ECRLITE_HOME/ecrlite.db" "DELETE FROM inventory_cache" 2>/dev/null ||
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM inventory_cache"); c.commit()' "$ECRLITE_HOME/ecrlite.db"
break_table "$ECRLITE_HOME" layer_cache
expect_cli "layer cache" "$fails" "$bin/ecrlite" inventory web:v1
# an image's layers: never a short list (the diff_id check would pass on fewer layers)
fresh; break_table "$ECRLITE_HOME" manifest_layer second
expect_cli "manifest layers" "$fails" "$bin/ecrlite" inventory --no-cache plain:v1
# an index's platforms: not "no index", which would read the index as an image
fresh; break_table "$ECRLITE_HOME" manifest_ref gone
expect_cli "index platforms" "state database error: no such table: manifest_ref" "$bin/ecrlite" inventory web:v1
# a scan's event names the image's tags: a list that cannot be read fails the result
fresh; break_table "$ECRLITE_HOME" image_tag
expect_cli "scan event tags" "$fails" "$bin/ecrlite" rematch "web@$digest"

echo "state-errors: $pass passed, $fail failed"
[ $fail = 0 ]
