#!/bin/bash
# What a user of the ECRLite cmdlets sees: the objects follow the SDK objects'
# conventions (PascalCase members that camelCase still reaches, DateTime timestamps
# shown as the AWS cmdlets' are, ECR shapes where ECR has one), so the scripts written
# for Get-ECRImage & co read them too. Every expected value comes from the same state
# through `ecrlite vulndb status`, `ecrlite inventory` and `aws ecr`, as JSON.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
images=$(cd "$top/../shared/images" 2>/dev/null && pwd) || {
	echo "pwsh-ecrlite: ../shared/images is absent; skipping"; echo "pwsh-ecrlite: 0 passed, 0 failed, 1 skipped"; exit 0; }
data=$top/../shared/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# no ECRLITE_NOW: the import times are the clock's, so the "last day" filter has
# something to find and something (the feeds' own dates) to leave out
unset ECRLITE_NOW
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL pwsh-ecrlite: $*"; fail=$((fail + 1)); }
ps() { "$bin/ecrlite" pwsh -NonInteractive -Command "$1"; }
py() { /usr/bin/python3 -c "$@"; }
# the names of a Format-List's lines, one a line
names() { sed -n 's/^\([A-Za-z]*\) *: .*/\1/p'; }
# JSON names as the shell shows them: the first letter upper-cased
pascal() { py 'import json,sys; [print(k[0].upper() + k[1:]) for k in json.load(sys.stdin)'"$1"']'; }
img=$images/alpine-3.19.oci.tar

"$bin/aws" ecr create-repository --repository-name web --image-scanning-configuration scanOnPush=true >/dev/null
# two sources whose feeds carry different dates, for sorting
ps "Import-ECRLiteVulnerabilityFeed '$data/alpine-secdb/v3.19-main.subset.json' | Out-Null" || bad "import 1"
ps "Import-ECRLiteVulnerabilityFeed '$data/alpine-secdb/v3.20-main.subset.json' | Out-Null" || bad "import 2"
"$bin/ecrlite" vulndb status --output json > "$tmp/sources.json"

# Push-ECRLiteImage: its answer's names (the JSON of the same push into a twin
# repository), ImageId an SDK ImageIdentifier reached in any case, the scan on push an
# ImageScanStatus
"$bin/aws" ecr create-repository --repository-name twin --image-scanning-configuration scanOnPush=true >/dev/null
"$bin/ecrlite" push --output json "$img" twin:v1 | pascal '' > "$tmp/push.want"
ps "\$r = Push-ECRLiteImage '$img' web -ImageTag v1; \$r | Format-List; \$r.ImageId.ImageDigest; \$r.imageId.imageDigest; \$r.IMAGEID.GetType().FullName; \$r.ImageScanStatus.GetType().FullName; \$r.imagescanstatus.Status" > "$tmp/push.txt"
"$bin/aws" ecr describe-images --repository-name web --query 'imageDetails[0]' > "$tmp/image.json"
digest=$(py 'import json,sys; print(json.load(sys.stdin)["imageDigest"])' < "$tmp/image.json")
status=$(py 'import json,sys; print(json.load(sys.stdin)["imageScanStatus"]["status"])' < "$tmp/image.json")
diff <(names < "$tmp/push.txt") "$tmp/push.want" > "$tmp/d" && ok || bad "Push-ECRLiteImage's names: $(cat "$tmp/d")"
out=$(sed '/^$/d; / : /d' "$tmp/push.txt")
[ "$out" = "$(printf '%s\n%s\n%s\n%s\n%s' "$digest" "$digest" Amazon.ECR.Model.ImageIdentifier Amazon.ECR.Model.ImageScanStatus "$status")" ] &&
	[ -n "$status" ] && ok || bad "Push-ECRLiteImage's ImageId and ImageScanStatus: $out"
"$bin/aws" ecr create-repository --repository-name api --image-scanning-configuration scanOnPush=true >/dev/null
out=$(ps "(Push-ECRLiteImage '$img' api -ImageTag v1 -Select ImageScanStatus).Status")
[ "$out" = "$status" ] && ok || bad "-Select ImageScanStatus: $out, describe-images says $status"
# the same object goes on to an AWS cmdlet: -ImageId takes the ImageIdentifier
out=$(ps "(Get-ECRImageMetadata web -ImageId (Push-ECRLiteImage '$img' web -ImageTag v1).ImageId).ImageDigest")
[ "$out" = "$digest" ] && ok || bad "ImageId into Get-ECRImageMetadata: $out"

# Get-ECRLiteVulnerabilitySource: names, dates as DateTime
ps 'Get-ECRLiteVulnerabilitySource | Select-Object -First 1 | Format-List' > "$tmp/src.txt"
diff <(names < "$tmp/src.txt") <(pascal '["sources"][0]' < "$tmp/sources.json") > "$tmp/d" && ok || bad "source names: $(cat "$tmp/d")"
out=$(ps '$s = Get-ECRLiteVulnerabilitySource; $s[0].ImportedAt -is [datetime]; $s[0].updatedat.GetType().FullName')
[ "$out" = "$(printf 'True\nSystem.DateTime')" ] && ok || bad "source dates' type: $out"
# shown as a DateTime is in the AWS cmdlets' output (MM/dd/yyyy HH:mm:ss, local time)
want=$(py 'import json,sys,time; s=json.load(sys.stdin)["sources"][0]; [print("%s : %s" % (k, time.strftime("%m/%d/%Y %H:%M:%S", time.localtime(int(s[k[0].lower() + k[1:]]))))) for k in ("ImportedAt", "UpdatedAt")]' < "$tmp/sources.json")
got=$(grep -E '^(ImportedAt|UpdatedAt) ' "$tmp/src.txt" | sed 's/  *:/ :/')
[ "$got" = "$want" ] && ok || bad "source dates shown: $got, want $want"
# the form the SDK's dates show in (Get-ECRRepository's CreatedAt), digit for digit
repo_at=$(ps 'Get-ECRRepository web | Format-List' | sed -n 's/^CreatedAt *: //p')
imp_at=$(sed -n 's/^ImportedAt *: //p' "$tmp/src.txt")
[ -n "$repo_at" ] && [ "${repo_at//[0-9]/9}" = "${imp_at//[0-9]/9}" ] && ok || bad "date forms: $repo_at / $imp_at"
# the instant itself, to the millisecond
got=$(ps 'Get-ECRLiteVulnerabilitySource | ForEach-Object { $_.ImportedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fff") }')
want=$(py 'import json,sys,datetime; [print(datetime.datetime.fromtimestamp(s["importedAt"], datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]) for s in json.load(sys.stdin)["sources"]]' < "$tmp/sources.json")
[ "$got" = "$want" ] && ok || bad "ImportedAt instants: $got, want $want"
# compared with Get-Date: imported in the last day; the feeds' own dates are older
got=$(ps '(Get-ECRLiteVulnerabilitySource | Where-Object ImportedAt -gt (Get-Date).AddDays(-1)).Name')
want=$(py 'import json,sys,time; [print(s["name"]) for s in json.load(sys.stdin)["sources"] if s["importedAt"] > time.time() - 86400]' < "$tmp/sources.json")
[ "$got" = "$want" ] && [ -n "$got" ] && ok || bad "ImportedAt -gt (Get-Date).AddDays(-1): $got, want $want"
got=$(ps '(Get-ECRLiteVulnerabilitySource | Where-Object { $_.UpdatedAt -lt (Get-Date).AddDays(-1) }).Count')
want=$(py 'import json,sys,time; print(sum(s["updatedAt"] < time.time() - 86400 for s in json.load(sys.stdin)["sources"]))' < "$tmp/sources.json")
[ "$got" = "$want" ] && ok || bad "UpdatedAt -lt (Get-Date).AddDays(-1): $got, want $want"
# sorting by a date sorts by time, not by the text
got=$(ps 'Get-ECRLiteVulnerabilitySource | Sort-Object UpdatedAt -Descending | ForEach-Object Name')
want=$(py 'import json,sys; [print(s["name"]) for s in sorted(json.load(sys.stdin)["sources"], key=lambda s: -s["updatedAt"])]' < "$tmp/sources.json")
[ "$got" = "$want" ] && [ "$(echo "$want" | wc -l)" = 2 ] && ok || bad "Sort-Object UpdatedAt: $got, want $want"
# -Select reaches a date too
got=$(ps '(Get-ECRLiteVulnerabilitySource -Select Sources.UpdatedAt | Select-Object -First 1).Year')
want=$(py 'import json,sys,time; print(time.localtime(json.load(sys.stdin)["sources"][0]["updatedAt"]).tm_year)' < "$tmp/sources.json")
[ "$got" = "$want" ] && ok || bad "-Select Sources.UpdatedAt: $got, want $want"

# Get-ECRLiteImageInventory: names; the packages through Where-Object and Select-Object
"$bin/ecrlite" inventory --output json web:v1 > "$tmp/inv.json"
ps 'Get-ECRLiteImageInventory -RepositoryName web -ImageId_ImageTag v1 | Format-List' > "$tmp/inv.txt"
diff <(names < "$tmp/inv.txt") <(pascal '' < "$tmp/inv.json") > "$tmp/d" && ok || bad "inventory names: $(cat "$tmp/d")"
got=$(ps '(Get-ECRLiteImageInventory web -ImageId_ImageTag v1).Packages | Where-Object Name -like "apk*" | Select-Object -ExpandProperty Version')
want=$(py 'import json,sys,fnmatch; [print(p["version"]) for p in json.load(sys.stdin)["packages"] if fnmatch.fnmatch(p["name"], "apk*")]' < "$tmp/inv.json")
[ "$got" = "$want" ] && [ -n "$want" ] && ok || bad "Packages | Where-Object Name -like: $got, want $want"
got=$(ps 'Get-ECRLiteImageInventory web -ImageId_ImageTag v1 -Select Packages | Where-Object { $_.SourceName -ne $_.Name } | Select-Object Name, SourceName | ForEach-Object { "$($_.Name) $($_.sourcename)" }')
want=$(py 'import json,sys; [print(p["name"], p["sourceName"]) for p in json.load(sys.stdin)["packages"] if p["sourceName"] != p["name"]]' < "$tmp/inv.json")
[ "$got" = "$want" ] && ok || bad "Packages | Where-Object SourceName -ne Name: $got, want $want"
got=$(ps '$i = Get-ECRLiteImageInventory web -ImageId_ImageTag v1; $i.ImageId.ImageDigest; $i.imageid.GetType().FullName; $i.Os.PrettyName; $i.os.versionId; ($i.Layers | Select-Object -First 1).DiffId')
want=$(py 'import json,sys; d=json.load(sys.stdin); print(d["imageId"]["imageDigest"]); print("Amazon.ECR.Model.ImageIdentifier"); print(d["os"]["prettyName"]); print(d["os"]["versionId"]); print(d["layers"][0]["diffId"])' < "$tmp/inv.json")
[ "$got" = "$want" ] && ok || bad "inventory members: $got, want $want"
# the package objects' names, as a table's header
got=$(ps 'Get-ECRLiteImageInventory web -ImageId_ImageTag v1 -Select Packages | Select-Object -First 1 | Format-List' | names)
want=$(pascal '["packages"][0]' < "$tmp/inv.json")
[ "$got" = "$want" ] && ok || bad "package names: $got, want $want"

# Get-ECRLiteRootfsInventory and Import-ECRLiteVulnerabilityFeed: PascalCase too
rootfs=$tmp/rootfs; mkdir -p "$rootfs/etc" "$rootfs/lib/apk/db"
printf 'ID=alpine\nVERSION_ID=3.19.4\nPRETTY_NAME="Alpine Linux v3.19"\n' > "$rootfs/etc/os-release"
printf 'P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\n' > "$rootfs/lib/apk/db/installed"
ECRLITE_HOME=$tmp/never "$bin/ecrlite" inventory --output json --rootfs "$rootfs" > "$tmp/rootfs.json"
got=$(ps "Get-ECRLiteRootfsInventory '$rootfs' | Format-List" | names)
want=$(py 'import json,sys; d=json.load(sys.stdin); [print(k[0].upper() + k[1:]) for k in d if k not in ("repositoryName", "imageId")]' < "$tmp/rootfs.json")
[ "$got" = "$want" ] && ok || bad "rootfs names: $got, want $want"
got=$(ps "(Get-ECRLiteRootfsInventory '$rootfs').Packages | ForEach-Object { \$_.Name + ' ' + \$_.Version }")
want=$(py 'import json,sys; [print(p["name"], p["version"]) for p in json.load(sys.stdin)["packages"]]' < "$tmp/rootfs.json")
[ "$got" = "$want" ] && [ -n "$want" ] && ok || bad "rootfs packages: $got, want $want"
# (vulndb import prints no JSON: the op row's answer through Lua, which passes it as it is)
want=$("$bin/ecrlite" lua -e "print(table.concat((function(r) local t = {} for k in pairs(r) do t[#t + 1] = k:sub(1, 1):upper() .. k:sub(2) end table.sort(t) return t end)(ecr.import_vulnerability_feeds{paths={'$data/alpine-secdb/v3.19-main.subset.json'}}), ' '))")
got=$(ps "Import-ECRLiteVulnerabilityFeed '$data/alpine-secdb/v3.19-main.subset.json'" | sed -n 2p | tr -s ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] && ok || bad "Import-ECRLiteVulnerabilityFeed's table header: $got, want $want"

echo "pwsh-ecrlite: $pass passed, $fail failed"
[ $fail = 0 ]
