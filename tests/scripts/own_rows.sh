#!/bin/bash
# ecrlite's own operations are op rows, so every frontend reaches them the same way:
# Push, ImportVulnerabilityFeeds, DescribeVulnerabilitySources, GetImageInventory and
# GetRootfsInventory through `ecrlite` commands, the Lua module (one function per row)
# and the ECRLite cmdlets give the same answers.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
images=$(cd "$top/../shared/images" 2>/dev/null && pwd) || {
	echo "own-rows: ../shared/images is absent; skipping"; echo "own-rows: 0 passed, 0 failed, 1 skipped"; exit 0; }
data=$top/../shared/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC ECRLITE_NOW=2026-11-28T12:00:00Z
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL own-rows: $*"; fail=$((fail + 1)); }
feed=$data/alpine-secdb/v3.19-main.subset.json
img=$images/alpine-3.19.oci.tar
ps() { "$bin/ecrlite" pwsh -NonInteractive -Command "$1"; }
lua() { "$bin/ecrlite" lua -e "$1"; }

# the same import and push, from the command, from Lua and from the cmdlets
for fe in cli lua pwsh; do
	export ECRLITE_HOME=$tmp/$fe
	"$bin/aws" ecr create-repository --repository-name web >/dev/null
	case $fe in
	cli) "$bin/ecrlite" vulndb import "$feed" >/dev/null && "$bin/ecrlite" push "$img" web:v1 >/dev/null ;;
	lua) lua "ecr.import_vulnerability_feeds{paths={'$feed'}}; ecr.push{archive='$img', repositoryName='web', imageTag='v1'}" ;;
	pwsh) ps "Import-ECRLiteVulnerabilityFeed '$feed' | Out-Null; Push-ECRLiteImage '$img' web -ImageTag v1 | Out-Null" ;;
	esac
	"$bin/ecrlite" vulndb status --output json | python3 -c 'import json,sys; print([(s["name"], s["records"]) for s in json.load(sys.stdin)["sources"]])' > "$tmp/$fe.sources"
	"$bin/aws" ecr describe-images --repository-name web --query 'imageDetails[].[imageTags[0], imageDigest, imageScanStatus.status]' --output text > "$tmp/$fe.images"
done
for fe in lua pwsh; do
	cmp -s "$tmp/cli.sources" "$tmp/$fe.sources" && ok || bad "$fe import: $(cat "$tmp/$fe.sources") vs $(cat "$tmp/cli.sources")"
	cmp -s "$tmp/cli.images" "$tmp/$fe.images" && [ -s "$tmp/cli.images" ] && ok || bad "$fe push: $(cat "$tmp/$fe.images") vs $(cat "$tmp/cli.images")"
done

# the reads: sources, an image's inventory, a root filesystem's (which needs no state)
export ECRLITE_HOME=$tmp/cli
want=$("$bin/ecrlite" vulndb status --output json | python3 -c 'import json,sys; print(sum(s["records"] for s in json.load(sys.stdin)["sources"]))')
[ "$(lua 'local n = 0; for _, s in ipairs(ecr.describe_vulnerability_sources().sources) do n = n + s.records end; print(n)')" = "$want" ] && ok || bad "lua sources"
[ "$(ps '(Get-ECRLiteVulnerabilitySource | Measure-Object -Property Records -Sum).Sum')" = "$want" ] && ok || bad "pwsh sources"
want=$("$bin/ecrlite" inventory --output json web:v1 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["packages"]))')
[ "$(lua "print(#ecr.get_image_inventory{repositoryName='web', imageId={imageTag='v1'}}.packages)")" = "$want" ] && ok || bad "lua image inventory"
[ "$(ps '(Get-ECRLiteImageInventory -RepositoryName web -ImageId_ImageTag v1 -Select Packages).Count')" = "$want" ] && ok || bad "pwsh image inventory"
want=$(ECRLITE_HOME=$tmp/never "$bin/ecrlite" inventory --output json --rootfs "$img" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["packages"]))')
[ ! -e "$tmp/never" ] && ok || bad "inventory --rootfs made a state directory"
[ "$(lua "print(#ecr.get_rootfs_inventory{path='$img'}.packages)")" = "$want" ] && ok || bad "lua rootfs inventory"
[ "$(ps "(Get-ECRLiteRootfsInventory '$img' -Select Packages).Count")" = "$want" ] && ok || bad "pwsh rootfs inventory"

# a row checks its own input; the error names it as any operation's
out=$(lua "print(pcall(ecr.push, {archive='$img'}))")
[ "$out" = "false	An error occurred (ValidationException) when calling the Push operation: Push needs archive and repositoryName (and imageTag a string)" ] && ok || bad "lua Push validation: $out"

echo "own-rows: $pass passed, $fail failed"
[ $fail = 0 ]
