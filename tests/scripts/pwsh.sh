#!/bin/bash
# The cmdlet frontend's language: the semantics script against PowerShell's answers,
# pipelines of ECR cmdlets agreeing with the aws frontend on the same state, pwsh's
# exit statuses for -Command and -File, refusals that name the construct, -Command -,
# Out-File and JSON round trips, and the interactive shell through a pseudo-terminal.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC ECRLITE_NOW=2026-11-28T12:00:00Z
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL pwsh: $*"; fail=$((fail + 1)); }
ps() { "$bin/ecrlite" pwsh -NonInteractive -Command "$@"; }

out=$("$bin/ecrlite" pwsh -File "$top/tests/pwsh/lang.ps1" 2>&1)
[ "$out" = "$(cat "$top/tests/pwsh/lang.expected")" ] && ok || bad "lang.ps1: $(diff <(printf '%s\n' "$out") "$top/tests/pwsh/lang.expected")"

# a number given to a string parameter binds as its text (tags like 3.19), a double to
# an int parameter rounds
ps 'Get-ECRRepository -RepositoryName 3.19' 2> "$tmp/err"
grep -q "The repository with name '3.19' does not exist" "$tmp/err" && ok || bad "number to a string parameter: $(cat "$tmp/err")"

# errors, try/catch/finally, throw, functions, scopes, casts, $Matches (a fresh registry)
"$bin/ecrlite" pwsh -File "$top/tests/pwsh/errors.ps1" > "$tmp/out" 2> "$tmp/err"; rc=$?; : > "$tmp/diff"
[ $rc = 0 ] && diff -u "$top/tests/pwsh/errors.expected" "$tmp/out" > "$tmp/diff" && diff -u "$top/tests/pwsh/errors.stderr" "$tmp/err" >> "$tmp/diff" &&
	ok || bad "errors.ps1: $rc $(cat "$tmp/diff")"
out=$(ps 'throw "fatal"; "never"' 2> "$tmp/err"); rc=$?
[ $rc = 1 ] && [ -z "$out" ] && [ "$(cat "$tmp/err")" = "Exception: fatal" ] && ok || bad "uncaught throw: $rc $out $(cat "$tmp/err")"
printf 'param([string]$Repo = "web", [switch]$All)\n"repo=$Repo all=$All rest=$args"\n' > "$tmp/p.ps1"
[ "$("$bin/ecrlite" pwsh -File "$tmp/p.ps1" -Repo api -All extra)" = "repo=api all=True rest=extra" ] &&
	[ "$("$bin/ecrlite" pwsh -File "$tmp/p.ps1" one two)" = "repo=one all=False rest=two" ] &&
	[ "$("$bin/ecrlite" pwsh -File "$tmp/p.ps1")" = "repo=web all=False rest=" ] && ok || bad "a script's param block"
out=$(ps 'function r($n) { r ($n + 1) }; r 1; "not reached"' 2> "$tmp/err"); rc=$?
[ $rc = 1 ] && [ -z "$out" ] && grep -q "r: The script failed due to call depth overflow." "$tmp/err" && ok || bad "recursion: $rc $out"

# exit statuses: exit n; -Command is the last pipeline's $?; -File only errors and exit
ps 'exit 3'; [ $? = 3 ] && ok || bad "exit 3"
ps 'Get-ECRRepository -RepositoryName nope' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "Get-ECRRepository: The repository with name 'nope' does not exist" "$tmp/err" && ok || bad "failed cmdlet: $rc $(cat "$tmp/err")"
[ "$(ps 'Get-ECRRepository -RepositoryName nope; $?' 2>/dev/null)" = False ] && ok || bad '$? after a failure'
# in a pipeline too: the cmdlet's terminating error stops it (Measure-Object never runs),
# $? is the pipeline's, -Command exits 1
out=$(ps 'Get-ECRRepository -RepositoryName nope | Measure-Object' 2>/dev/null); rc=$?
[ $rc = 1 ] && [ -z "$out" ] && ok || bad "failed cmdlet in a pipeline: exit $rc, '$out'"
[ "$(ps 'Get-ECRRepository -RepositoryName nope | Select-Object RepositoryName; $?' 2>/dev/null)" = False ] && ok || bad '$? after a failure in a pipeline'
printf 'Get-ECRRepository -RepositoryName nope\n"after: $($args[0])"\n' > "$tmp/s.ps1"
out=$("$bin/ecrlite" pwsh -File "$tmp/s.ps1" one 2>/dev/null); rc=$?
[ $rc = 0 ] && [ "$out" = "after: one" ] && ok || bad "-File goes on after a non-terminating error: $rc $out"
# error actions (about_Error_Handling): a cmdlet's ThrowTerminatingError ends its statement
# and ignores -ErrorAction; $ErrorActionPreference applies to it; Write-Error follows both
out=$(ps 'Get-ECRRepository -RepositoryName nope -ErrorAction SilentlyContinue; "goes on"' 2> "$tmp/err"); rc=$?
[ $rc = 0 ] && [ "$out" = "goes on" ] && grep -q "Get-ECRRepository: The repository" "$tmp/err" && ok || bad "-ErrorAction on a terminating error: $rc $out"
out=$(ps '$ErrorActionPreference = "Stop"; Get-ECRRepository -RepositoryName nope; "not reached"' 2> "$tmp/err"); rc=$?
[ $rc = 1 ] && [ -z "$out" ] && grep -q "Get-ECRRepository: The repository" "$tmp/err" && ok || bad "\$ErrorActionPreference Stop: $rc $out"
out=$(ps '$ErrorActionPreference = "SilentlyContinue"; Get-ECRRepository -RepositoryName nope; "ok=$? errors=$($Error.Count)"' 2> "$tmp/err"); rc=$?
[ $rc = 0 ] && [ "$out" = "ok=False errors=1" ] && [ ! -s "$tmp/err" ] && ok || bad "\$ErrorActionPreference SilentlyContinue: $rc $out $(cat "$tmp/err")"
out=$(ps 'Write-Error a -ErrorAction SilentlyContinue; Write-Error b -ea Ignore -ErrorVariable v; "n=$($Error.Count)"; try { Write-Error c } catch { "no" }; try { Write-Error d -ErrorAction Stop } catch { "caught $_" }; Write-Error e -ErrorAction Stop; "not reached"' 2> "$tmp/err"); rc=$?
[ $rc = 1 ] && [ "$out" = "$(printf 'n=1\ncaught d')" ] && [ "$(cat "$tmp/err")" = "$(printf 'Write-Error: c\nWrite-Error: e')" ] && ok || bad "Write-Error actions: $rc $out $(cat "$tmp/err")"
ps 'Get-Nope -X 1' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "Get-Nope: The term 'Get-Nope' is not recognized" "$tmp/err" && ok || bad "unknown command: $rc"
ps '"unclosed' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "ParserError: The string is missing the terminator" "$tmp/err" && ok || bad "parse error: $rc"
ps 'filter f { $_ }' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "not supported yet: the 'filter' statement" "$tmp/err" && ok || bad "refusal: $(cat "$tmp/err")"
# the bitwise, -xor and type operators (operators.ps1), their errors as pwsh 7 words them
out=$("$bin/ecrlite" pwsh -File "$top/tests/pwsh/operators.ps1" 2>&1)
[ "$out" = "$(cat "$top/tests/pwsh/operators.expected")" ] && ok || bad "operators.ps1: $(diff <(printf '%s\n' "$out") "$top/tests/pwsh/operators.expected")"
while IFS='|' read -r expr want; do
	out=$(ps "$expr; 'after'" 2> "$tmp/err"); rc=$?
	[ "$out" = after ] && [ "$(cat "$tmp/err")" = "$want" ] && ok || bad "operator error: $expr: $rc $out $(cat "$tmp/err")"
done <<'CASES'
'abc' -band 1|InvalidArgument: Cannot convert value "abc" to type "System.Int32". Error: "The input string 'abc' was not in a correct format."
'abc' -bor 5000000000|InvalidArgument: Cannot convert value "abc" to type "System.Int64". Error: "The input string 'abc' was not in a correct format."
1 -shl 'x'|InvalidArgument: Cannot convert value "x" to type "System.Int32". Error: "The input string 'x' was not in a correct format."
@(1, 2) -band 1|InvalidOperation: Method invocation failed because [System.Object[]] does not contain a method named 'op_BitwiseAnd'.
1 -bxor @{}|InvalidOperation: Method invocation failed because [System.Collections.Hashtable] does not contain a method named 'op_ExclusiveOr'.
$true -shl '1'|InvalidOperation: The operation '[System.Boolean] -shl [System.Int32]' is not defined.
(Get-Date) -shr 1|InvalidOperation: Method invocation failed because [System.DateTime] does not contain a method named 'op_RightShift'.
-bnot @(1, 2)|InvalidArgument: Cannot convert the "System.Object[]" value of type "System.Object[]" to type "System.Int32".
$true -xor (1/0)|RuntimeException: Attempted to divide by zero.
1 -shl 3000000000|InvalidArgument: Cannot convert value "3000000000" to type "System.Int32". Error: "Value was either too large or too small for an Int32."
[int]3000000000|InvalidArgument: Cannot convert value "3000000000" to type "System.Int32". Error: "Value was either too large or too small for an Int32."
5 -is 5|InvalidArgument: Cannot convert the "5" value of type "System.Int32" to type "System.Type".
5 -is $null|InvalidOperation: The right operand of '-is' must be a type.
'a' -as $null|InvalidOperation: The right operand of '-as' must be a type.
CASES
# a failed operator leaves the variable as it was; -bnot is unary only
[ "$(ps '$x = 7; $x = $x -band "q"; $x' 2>/dev/null)" = 7 ] && ok || bad "a failed -band assigned"
ps '5 -bnot 3' > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "ParserError: Unexpected token" "$tmp/err" && ok || bad "binary -bnot: $rc $(cat "$tmp/err")"
# -is and -as on cmdlet output: the SDK types by their .NET names (a registry of its own)
out=$(ECRLITE_HOME=$tmp/ops ps 'New-ECRRepository -RepositoryName ops-is -Force | Out-Null; $r = Get-ECRRepository -RepositoryName ops-is
"$($r -is [Amazon.ECR.Model.Repository]) $($r -is [pscustomobject]) $($r -isnot [Amazon.ECR.Model.Image]) $($r.ImageScanningConfiguration -is [Amazon.ECR.Model.ImageScanningConfiguration]) $($null -eq ($r -as [Amazon.ECR.Model.Image])) $(($r -as [Amazon.ECR.Model.Repository]).RepositoryName) $($r.CreatedAt -is [datetime])"' 2>&1)
[ "$out" = "True True True True True ops-is True" ] && ok || bad "-is on cmdlet output: $out"
ps '$x -is [Amazon.ECR.Model.Nope]' > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "not supported yet: the type literal or cast '\[Amazon.ECR.Model.Nope\]'" "$tmp/err" && ok || bad "unknown type: $rc $(cat "$tmp/err")"
ps '"a".PadLeft(3)' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -qx "InvalidOperation: Method invocation failed because \[System.String\] does not contain a method named 'PadLeft'." "$tmp/err" && ok || bad "unknown method: $(cat "$tmp/err")"
[ "$(echo '1 + 1' | "$bin/ecrlite" pwsh -Command -)" = 2 ] && ok || bad "-Command -"
# hostile nesting is refused, not a crash
/usr/bin/python3 -c 'print("("*100000 + "1" + ")"*100000)' > "$tmp/deep.ps1"
"$bin/ecrlite" pwsh -File "$tmp/deep.ps1" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "nested too deeply" "$tmp/err" && ok || bad "deep nesting: $rc"
# strings nested 20000 deep: refused at level 200 while lexing, without lexing the rest again per level
/usr/bin/python3 -c 'print("\"$("*20000 + "1" + ")\""*20000)' > "$tmp/deep.ps1"
"$bin/ecrlite" pwsh -File "$tmp/deep.ps1" >/dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "nested too deeply" "$tmp/err" && ok || bad "deep string nesting: $rc"
# redirection: > and >> as Out-File, 2> the errors as shown, 2>$null drops them (still in
# $Error), 2>&1 puts the records in the output, 3> warnings, *> everything
out=$(cd "$tmp" && ps '"one" > r.txt; "two" >> r.txt; Get-ECRRepository -RepositoryName nope 2> e.txt; Get-ECRRepository -RepositoryName nope 2>$null; "dropped: $($Error.Count)"; $m = Get-ECRRepository -RepositoryName nope 2>&1; "merged: $($m.Exception.InnerException.ErrorCode)"; Write-Warning w 3>$null; Write-Warning x *> all.txt' 2> "$tmp/err"); rc=$?
[ $rc = 0 ] && [ "$out" = "$(printf 'dropped: 2\nmerged: RepositoryNotFoundException')" ] && [ ! -s "$tmp/err" ] &&
	[ "$(cat "$tmp/r.txt")" = "$(printf 'one\ntwo')" ] && grep -qx "Get-ECRRepository: The repository with name 'nope' does not exist in the registry with id '000000000000'" "$tmp/e.txt" &&
	[ "$(cat "$tmp/all.txt")" = "WARNING: x" ] && ok || bad "redirection: $rc $out $(cat "$tmp/err")"
(cd "$tmp" && ps '"a" > a1.txt > a2.txt > a3.txt > a4.txt > a5.txt' 2> "$tmp/err")
grep -q "The output stream for this command is already redirected." "$tmp/err" && [ ! -e "$tmp/a1.txt" ] && ok || bad "a stream redirected twice: $(cat "$tmp/err")"
ps 'Get-ECRRepository 4> v.txt' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "not supported yet: redirecting stream 4" "$tmp/err" && ok || bad "redirection refusal: $(cat "$tmp/err")"

# ECR cmdlets in pipelines agree with the aws frontend on the same state
IMAGES=$(cd "$top/../shared/images" 2>/dev/null && pwd)
if [ -n "$IMAGES" ]; then
	"$bin/ecrlite" vulndb import "$top/../shared/data/alpine-secdb/v3.19-main.subset.json" >/dev/null
	"$bin/aws" ecr create-repository --repository-name web --image-scanning-configuration scanOnPush=true >/dev/null
	"$bin/ecrlite" push "$IMAGES/alpine-3.19.oci.tar" web:v1 >/dev/null
	"$bin/ecrlite" push "$IMAGES/alpine-3.18.docker.tar" web:v0 >/dev/null
	want=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1 --query 'length(imageScanFindings.findings)')
	got=$(ps '(Get-ECRImageScanFinding -RepositoryName web -ImageId_ImageTag v1 -Select ImageScanFindings.Findings).Count')
	[ -n "$want" ] && [ "$want" != 0 ] && [ "$got" = "$want" ] && ok || bad "finding count: pwsh $got aws $want"
	# per-package counts through Where/ForEach/Group/Sort, against JMESPath on the aws side
	want=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1 --output text \
		--query 'imageScanFindings.findings[].attributes[?key==`package_name`].value[]' | tr '\t' '\n' | sort | uniq -c | awk '{print $2"="$1}')
	got=$(ps '$f = Get-ECRImageScanFinding -RepositoryName web -ImageId_ImageTag v1 -Select ImageScanFindings.Findings
$f | ForEach-Object { ($_.Attributes | Where-Object Key -eq package_name).Value } | Group-Object | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }')
	[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "per-package counts: $(diff <(echo "$want") <(echo "$got"))"
	# images piped into the batch cmdlet: every tag comes back
	got=$(ps '(Get-ECRImage -RepositoryName web | Get-ECRImageBatch -RepositoryName web).Images.ImageId.ImageTag | Sort-Object')
	[ "$got" = "$(printf 'v0\nv1')" ] && ok || bad "Get-ECRImage | Get-ECRImageBatch: $got"
	# a variable holding an SDK object feeds another cmdlet's parameter
	got=$(ECRLITE_NOW=2026-11-29T12:00:00Z ps '$img = Get-ECRImage -RepositoryName web | Where-Object ImageTag -eq v0; Start-ECRImageScan -RepositoryName web -ImageId_ImageDigest $img.ImageDigest -Select ImageScanStatus.Status')
	[ "$got" = IN_PROGRESS ] && ok || bad "scan by a variable's digest: $got"
	# a scan summary script over every image, foreach and if
	cat > "$tmp/summary.ps1" <<'PS'
foreach ($i in Get-ECRImage -RepositoryName web | Sort-Object ImageTag) {
	$r = Get-ECRImageScanFinding -RepositoryName web -ImageId_ImageDigest $i.ImageDigest
	$n = $r.ImageScanFindings.Findings.Count
	if ($n -gt 0) { "$($i.ImageTag): $n findings" } else { "$($i.ImageTag): clean" }
}
PS
	n0=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v0 --query 'length(imageScanFindings.findings)')
	n1=$("$bin/aws" ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1 --query 'length(imageScanFindings.findings)')
	exp0="v0: $n0 findings"; [ "$n0" = 0 ] && exp0="v0: clean"
	got=$("$bin/ecrlite" pwsh -File "$tmp/summary.ps1" 2>&1)
	[ "$got" = "$(printf '%s\nv1: %s findings' "$exp0" "$n1")" ] && ok || bad "summary script: $got"
	# the SDK's timestamps are DateTimes: compared with Get-Date on the same clock
	got=$(ps '(Get-ECRImageMetadata -RepositoryName web | Where-Object { $_.ImagePushedAt -gt (Get-Date).AddDays(-1) }).Count
(Get-ECRImageMetadata -RepositoryName web | Sort-Object ImagePushedAt -Descending)[0].ImagePushedAt.ToString("s")')
	later=$(ECRLITE_NOW=2026-12-01T00:00:00Z ps '@(Get-ECRImageMetadata -RepositoryName web | Where-Object { $_.ImagePushedAt -gt (Get-Date).AddDays(-1) }).Count')
	pushed=$("$bin/aws" ecr describe-images --repository-name web --query 'max(imageDetails[].imagePushedAt)' --output text) # ISO, TZ=UTC
	[ "$got" = "$(printf '2\n%s' "${pushed%+00:00}")" ] && [ "$later" = 0 ] && ok || bad "DateTime: $got / $later / $pushed"
	# JSON round trip and Out-File
	[ "$(ps '(Get-ECRRepository | ConvertTo-Json | ConvertFrom-Json).RepositoryName')" = web ] && ok || bad "JSON round trip"
	ps "Get-ECRRepository | Select-Object RepositoryName, ImageTagMutability | Out-File $tmp/repos.txt" >/dev/null
	[ "$(sed -n 4p "$tmp/repos.txt")" = "web            MUTABLE" ] && ok || bad "Out-File: $(cat "$tmp/repos.txt")"
else
	echo "pwsh: ../shared/images is absent; the cmdlet pipeline checks are skipped"
fi

# the layer, policy and tag cmdlets against the aws frontend on the same state: an
# upload chained by property name (UploadId, then RegistryId/RepositoryName/UploadId of
# the part's answer), bytes as a string and as ReadAllBytes numbers
"$bin/aws" ecr create-repository --repository-name up >/dev/null
printf 'bytes \000\377 here' > "$tmp/part"
d=sha256:$(sha256sum < "$tmp/part" | cut -d' ' -f1)
got=$(ps "Start-ECRLayerUpload up | Send-ECRLayerPart -LayerPartBlob ([System.IO.File]::ReadAllBytes('$tmp/part')) -RepositoryName up -PartFirstByte 0 -PartLastByte 12 | Complete-ECRLayerUpload -LayerDigest $d -Select LayerDigest" 2>&1)
want=$("$bin/aws" ecr batch-check-layer-availability --repository-name up --layer-digests "$d" --query 'layers[0].[layerDigest,layerAvailability,layerSize]' --output text)
[ "$got" = "$d" ] && [ "$want" = "$(printf '%s\tAVAILABLE\t13' "$d")" ] && ok || bad "layer upload chain: $got / $want"
h=sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 # of "hello"
got=$(ps "Start-ECRLayerUpload up | Send-ECRLayerPart 'hello' -RepositoryName up -PartFirstByte 0 -PartLastByte 4 | Complete-ECRLayerUpload $h -Select LayerDigest" 2>&1)
[ "$got" = "$h" ] && [ "$("$bin/aws" ecr batch-check-layer-availability --repository-name up --layer-digests $h --query 'layers[0].layerSize' --output text)" = 5 ] && ok || bad "a string part: $got"
arn=$("$bin/aws" ecr describe-repositories --repository-names up --query 'repositories[0].repositoryArn' --output text)
ps "Add-ECRResourceTag $arn -Tag @{Key='a'; Value='1'}, @{Key='b'; Value='2'}; Remove-ECRResourceTag $arn -TagKey a -Force" > "$tmp/out" 2>&1
[ ! -s "$tmp/out" ] && [ "$("$bin/aws" ecr list-tags-for-resource --resource-arn "$arn" --query 'tags[].[Key,Value]' --output text)" = "$(printf 'b\t2')" ] && ok || bad "tags: $(cat "$tmp/out")"
"$bin/aws" ecr set-repository-policy --repository-name up --policy-text '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}' >/dev/null
[ "$(ps '(Get-ECRRepositoryPolicy up).PolicyText')" = "$("$bin/aws" ecr get-repository-policy --repository-name up --query policyText --output text)" ] && ok || bad "repository policy text"
ps 'Remove-ECRRepositoryPolicy up' 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "Remove-ECRRepositoryPolicy: PowerShell is in NonInteractive mode" "$tmp/err" &&
	"$bin/aws" ecr get-repository-policy --repository-name up >/dev/null 2>&1 && ok || bad "Remove-ECRRepositoryPolicy is High: $rc $(cat "$tmp/err")"

# the interactive shell through a pseudo-terminal: variables last the session, a
# continuation prompt for an open brace, Tab completes cmdlets and their parameters,
# history is written to the state directory
"$bin/aws" ecr create-repository --repository-name zeta-repo >/dev/null
/usr/bin/python3 - "$bin/ecrlite" > "$tmp/pty.out" 2>&1 <<'PY'
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "pwsh"])
def read_until(marker, limit=10):
    buf = b""
    end = time.time() + limit
    while marker not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf.decode(errors="replace")
out = read_until(b"> ")
for line in [b"$n = 6\r", b"if ($n -gt 5) {\r", b"  \"big $n\"\r", b"}\r", b"Get-ECRRepos\t -RepositoryNa\tweb2\r", b"(Get-ECRImage -RepositoryName ze\t -Filter_TagStatus UNT\t).Count\r", b"exit 4\r"]:
    os.write(fd, line)
    out += read_until(b"> ", 3)
_, status = os.waitpid(pid, 0)
print(out)
print("EXIT", os.waitstatus_to_exitcode(status))
PY
grep -q "big 6" "$tmp/pty.out" && ok || bad "shell variables/continuation: $(cat "$tmp/pty.out")"
grep -q ">> " "$tmp/pty.out" && ok || bad "continuation prompt"
grep -q "Get-ECRRepository -RepositoryName web2" "$ECRLITE_HOME/pwsh_history" && grep -q "RepositoryNotFoundException\|does not exist" "$tmp/pty.out" && ok || bad "completion: $(cat "$tmp/pty.out")"
grep -q "(Get-ECRImage -RepositoryName zeta-repo  *-Filter_TagStatus UNTAGGED *).Count" "$ECRLITE_HOME/pwsh_history" && ok || bad "completion of repository names and enum values: $(cat "$ECRLITE_HOME/pwsh_history")"
grep -q "EXIT 4" "$tmp/pty.out" && ok || bad "exit in the shell"
grep -q 'big \$n' "$ECRLITE_HOME/pwsh_history" && ok || bad "history file"

# CSV: PowerShell 7's defaults (header from the first object, every field quoted, no #TYPE)
(cd "$tmp" && ps '$r = @([pscustomobject]@{Repo="web"; Critical=2; Note="a ""q"", b"}, [pscustomobject]@{Repo="api"; Critical=0; Note=$null}); $r | Export-Csv -Path rows.csv; $r[1] | Export-Csv rows.csv -Append; $r | ConvertTo-Csv -UseQuotes AsNeeded -Delimiter ";"' > "$tmp/csv.out")
[ "$(cat "$tmp/rows.csv")" = "$(printf '"Repo","Critical","Note"\n"web","2","a ""q"", b"\n"api","0",""\n"api","0",""')" ] &&
	[ "$(cat "$tmp/csv.out")" = "$(printf 'Repo;Critical;Note\nweb;2;"a ""q"", b"\napi;0;')" ] && ok || bad "csv: $(cat "$tmp/rows.csv" "$tmp/csv.out")"

# -EndpointUrl: the cmdlets as clients of an ECR endpoint (a stand-in that records what
# it is sent): SigV4 with the module's credential order, paging, errors as the module shows them
/usr/bin/python3 "$top/tests/pwsh/fake_endpoint.py" "$top/tests/pwsh/fake_endpoint.answers.json" "$tmp/ep.log" "$tmp/ep.port" &
eppid=$!
for _ in $(seq 50); do [ -s "$tmp/ep.port" ] && break; sleep 0.1; done
ep="http://127.0.0.1:$(cat "$tmp/ep.port")"
printf '[ci]\naws_access_key_id = AKPROFILE\naws_secret_access_key = s3\n' > "$tmp/creds"
# no credentials but those a check gives
noenv() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE=/dev/null HOME="$tmp" "$@"; }
noenv "$bin/Get-ECRRepository" -EndpointUrl "$ep" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -qx "Get-ECRRepository: No credentials specified or obtained from persisted/shell defaults." "$tmp/err" &&
	[ ! -s "$tmp/ep.log" ] && ok || bad "endpoint without credentials: $rc $(cat "$tmp/err")"
out=$(noenv "$bin/Get-ECRRepository" -EndpointUrl "$ep" -Region us-west-2 -AccessKey AKIDEXAMPLE -SecretKey s1 -Select Repositories.RepositoryName)
[ "$out" = remote-a ] && tail -1 "$tmp/ep.log" | grep -q '"target": "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "body": {}, "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]*/us-west-2/ecr/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]\{64\}", "user_agent": "AWSPowerShell.Common/4.1 ecrlite/[^ ]* cmdlet/Get-ECRRepository"' &&
	ok || bad "endpoint call with -AccessKey: $out $(tail -1 "$tmp/ep.log")"
# the module reads an explicit profile before the environment, and never falls back
out=$(noenv AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s2 "$bin/Get-ECRImage" -RepositoryName remote-a -EndpointUrl "$ep" -ProfileName ci -ProfileLocation "$tmp/creds" -Select ImageIds.ImageTag)
[ "$out" = "$(printf 't1\nt2')" ] && [ "$(grep -c 'Credential=AKPROFILE/' "$tmp/ep.log")" = 2 ] && tail -1 "$tmp/ep.log" | grep -q '"body": {"repositoryName": "remote-a", "nextToken": "page-2"}' &&
	ok || bad "endpoint paging with a profile: $out $(cat "$tmp/ep.log")"
noenv AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s2 "$bin/Get-ECRImage" -RepositoryName remote-a -EndpointUrl "$ep" -ProfileName absent -ProfileLocation "$tmp/creds" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "No credentials specified" "$tmp/err" && ok || bad "missing explicit profile: $rc $(cat "$tmp/err")"
out=$(noenv AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s2 "$bin/ecrlite" pwsh -NonInteractive -Command "Get-ECRImageScanFinding -RepositoryName nope -ImageId_ImageTag x -EndpointUrl $ep; \$?" 2> "$tmp/err")
[ "$out" = False ] && grep -qx "Get-ECRImageScanFinding: The repository with name 'nope' does not exist in the registry with id '111122223333'" "$tmp/err" &&
	tail -1 "$tmp/ep.log" | grep -q "Credential=AKENV/[0-9]*/us-east-2/" && ok || bad "endpoint service error: $out $(cat "$tmp/err")"
noenv AWS_ACCESS_KEY_ID=AKENV AWS_SECRET_ACCESS_KEY=s2 "$bin/Get-ECRImage" -RepositoryName remote-a -EndpointUrl http://127.0.0.1:9 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -qx "Get-ECRImage: Connection refused (127.0.0.1:9)" "$tmp/err" && ok || bad "endpoint refused: $rc $(cat "$tmp/err")"
kill $eppid 2>/dev/null
# the endpoint's repositories never reached the local registry
"$bin/aws" ecr describe-repositories --repository-names remote-a >/dev/null 2>&1 && bad "endpoint answers leaked into the local state" || ok

# Get-ECRLoginCommand (the module's hand-written cmdlet): the password is the one
# get-login-password prints, the command is docker's, each registry id its endpoint
pw=$("$bin/aws" ecr get-login-password)
out=$(ps '$l = Get-ECRLoginCommand; $l.Username; $l.Password; $l.Endpoint -eq $l.ProxyEndpoint; $l.Command; $l.ExpiresAt -is [datetime]')
want="AWS
$pw
True
docker login --username AWS --password $pw https://000000000000.dkr.ecr.us-east-2.amazonaws.com
True"
[ "$out" = "$want" ] && ok || bad "Get-ECRLoginCommand: $out"
out=$(ps "'111111111111','222222222222' | Get-ECRLoginCommand | ForEach-Object { \$_.ProxyEndpoint }")
[ "$out" = "https://111111111111.dkr.ecr.us-east-2.amazonaws.com
https://222222222222.dkr.ecr.us-east-2.amazonaws.com" ] && ok || bad "Get-ECRLoginCommand by pipeline: $out"
ps 'Get-ECRLoginCommand -Force' > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "A parameter cannot be found that matches parameter name 'Force'" "$tmp/err" && ok || bad "Get-ECRLoginCommand -Force: $rc $(cat "$tmp/err")"

# the ECRLite cmdlets' objects against the same state's JSON: their own script, which
# needs ../shared; its counts are this suite's
out=$("$top/tests/scripts/pwsh_ecrlite.sh" "$bin" 2>&1); rc=$?
printf '%s\n' "$out" | grep -v '^pwsh-ecrlite: [0-9]* passed'
counts=$(printf '%s\n' "$out" | sed -n 's/^pwsh-ecrlite: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
pass=$((pass + ${counts% *})); fail=$((fail + ${counts#* }))
[ $rc = 0 ] || [ "${counts#* }" != 0 ] || bad "pwsh_ecrlite.sh: exit $rc"

echo "pwsh: $pass passed, $fail failed"
[ $fail = 0 ]
