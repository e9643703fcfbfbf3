#!/bin/bash
# `ecrlite serve` and its ECR API, driven by real clients: the AWS CLI (/usr/bin/aws),
# boto3, `ecrlite aws --endpoint-url` and the cmdlets' -EndpointUrl. Each server is
# started on a free loopback port (port 0: the server picks, and says which) and
# stopped on exit. The real CLI's stdout through the server must equal `ecrlite aws`
# run locally on the same state, byte for byte, but for the registry's address: served,
# repositoryUri names the host the client reached (127.0.0.1:PORT/NAME), as proxyEndpoint
# does; locally, ECR's ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
images=$(cd "$top/../shared/images" 2>/dev/null && pwd) || images=
data=$top/../shared/data
tmp=$(mktemp -d /tmp/serve-api-XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export ECRLITE_HOME=$tmp/state AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null TZ=UTC
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-2
export ECRLITE_NOW=2026-11-28T12:00:00Z ECRLITE_WAITER_DELAY=0.2
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL serve: $*"; fail=$((fail + 1)); }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mkdir -p "$ECRLITE_HOME"
printf '[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n\n[ci]\naws_access_key_id=AKIDCI\naws_secret_access_key=cisecret\naws_session_token=citoken\n' \
	> "$ECRLITE_HOME/credentials"

# usage errors: exit 2 and one line saying which option and what it wants (a value past
# a range was "unknown argument", and "5x" was taken as 5)
for c in "--scan-workers 17|invalid value '17' for --scan-workers: want 0 to 16" \
	"--scan-workers 5x|invalid value '5x' for --scan-workers: want 0 to 16" \
	"--idle-timeout 0|invalid value '0' for --idle-timeout: want whole seconds, 1 or more" \
	"--lifecycle-interval 99999999999|invalid value '99999999999' for --lifecycle-interval: want whole seconds, 0 to a year" \
	"--region|missing value for '--region'" "--bogus|unknown argument '--bogus'"; do
	"$bin/ecrlite" serve ${c%%|*} > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc = 2 ] && [ "$(head -1 "$tmp/err")" = "ecrlite serve: error: ${c#*|}" ] && grep -q "^usage: ecrlite serve" "$tmp/err" &&
		ok || bad "serve ${c%%|*}: exit $rc, $(cat "$tmp/err")"
done

# start_server NAME ARGS…: runs `ecrlite serve --listen 127.0.0.1:0 ARGS…` with its log in
# $tmp/NAME.log; sets PORT and SPID once it listens
start_server() {
	local name=$1 i
	shift
	"$bin/ecrlite" serve --listen 127.0.0.1:0 "$@" 2> "$tmp/$name.log" &
	SPID=$!
	pids+=("$SPID")
	for i in $(seq 1 100); do
		PORT=$(sed -n 's,^ecrlite serve: listening on http://127.0.0.1:\([0-9]*\) .*,\1,p' "$tmp/$name.log")
		[ -n "$PORT" ] && return 0
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
	done
	echo "serve: server $name did not start: $(cat "$tmp/$name.log")"
	return 1
}

start_server main || { echo "serve: 0 passed, 1 failed"; exit 1; }
MAIN_PID=$SPID
E=http://127.0.0.1:$PORT
R() { /usr/bin/aws --endpoint-url "$E" ecr "$@"; }   # the real CLI through the server
L() { "$bin/aws" ecr "$@"; }                        # ecrlite locally, same state
# served() : local output as the server words it, ECR's registry host its address
served() { sed "s,000000000000\.dkr\.ecr\.us-east-2\.amazonaws\.com/,127.0.0.1:$PORT/,g"; }

# same DESCRIPTION ARGS…: the real CLI through the server and ecrlite locally print the
# same stdout and exit the same (read-only operations)
same() {
	local what=$1
	shift
	R "$@" > "$tmp/r.out" 2> "$tmp/r.err"
	local rr=$?
	L "$@" 2> "$tmp/l.err" | served > "$tmp/l.out"
	local lr=${PIPESTATUS[0]}
	if [ $rr = $lr ] && cmp -s "$tmp/r.out" "$tmp/l.out"; then ok; else
		bad "$what: remote exit $rr, local $lr"
		diff -u "$tmp/l.out" "$tmp/r.out" | head -20
		head -5 "$tmp/r.err" "$tmp/l.err"
	fi
}
# same_write DESCRIPTION NAME1 NAME2 ARGS…(with @ for the name): a change made through
# the server on NAME1 and locally on NAME2 prints the same, NAME2 read as NAME1
same_write() {
	local what=$1 n1=$2 n2=$3 a
	shift 3
	local r=() l=()
	for a in "$@"; do r+=("${a//@/$n1}"); l+=("${a//@/$n2}"); done
	R "${r[@]}" > "$tmp/r.out" 2> "$tmp/r.err"
	local rr=$?
	L "${l[@]}" 2> "$tmp/l.err" | sed "s,$n2,$n1,g" | served > "$tmp/l.out"
	local lr=${PIPESTATUS[0]}
	if [ $rr = $lr ] && cmp -s "$tmp/r.out" "$tmp/l.out"; then ok; else
		bad "$what: remote exit $rr, local $lr"
		diff -u "$tmp/l.out" "$tmp/r.out" | head -20
		head -5 "$tmp/r.err" "$tmp/l.err"
	fi
}

# ---- the golden operations, real CLI vs local ----
same_write create-repository app app2 create-repository --repository-name @ --image-scanning-configuration scanOnPush=false
same_write create-repository-exists app app2 create-repository --repository-name @
same_write put-image-scanning-configuration app app2 put-image-scanning-configuration --repository-name @ --image-scanning-configuration scanOnPush=true
same describe-repositories describe-repositories
# (the table of describe-repositories, whose column widths follow the address, is
# compared below: the real CLI against ecrlite's aws client on the same answer)
same describe-repositories-missing describe-repositories --repository-names nope
same describe-repositories-text describe-repositories --repository-names app --query 'repositories[0].repositoryUri' --output text
uri=$(R describe-repositories --repository-names app --query 'repositories[0].repositoryUri' --output text)
[ "$uri" = "127.0.0.1:$PORT/app" ] && ok || bad "repositoryUri through the server is '$uri', not 127.0.0.1:$PORT/app"
# the Host is echoed (repositoryUri, proxyEndpoint, the WWW-Authenticate realm): one that
# no host[:port] is, or two of them, is 400 (RFC 9112 §3.2; Go's net/http, as
# docker-registry, says "malformed Host header"); a quote made realm="http://a",x="y/".
# localhost, an IPv6 literal, uppercase and a trailing dot are hosts, named as sent
/usr/bin/python3 - "$PORT" > "$tmp/out" 2>&1 <<'PY'
import socket, sys
port = int(sys.argv[1])
def status(host_lines):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /v2/ HTTP/1.1\r\n" + b"".join(b"Host: " + h + b"\r\n" for h in host_lines) + b"Connection: close\r\n\r\n")
    d = b""
    while b"\r\n\r\n" not in d:
        x = s.recv(4096)
        if not x:
            break
        d += x
    return d.split(b"\r\n")[0].decode(), d
for h in [b'evil.example",x="y', b"a b", b"a/b", b"a?b", b"user@a", b"a\x1b[31m", b"a\x7f"]:
    line, d = status([h])
    print(h, line, b"malformed Host header" in d or d)
print("two", status([b"a", b"b"])[0])
for h in [b"localhost", b"LOCALHOST:%d" % port, b"[::1]:%d" % port, b"localhost.:%d" % port]:
    line, d = status([h])
    print(h, line, b'realm="http://' + h + b'/' in d)
PY
[ "$(grep -c ' HTTP/1.1 400 Bad Request True$' "$tmp/out")" = 7 ] && grep -q "^two HTTP/1.1 400 Bad Request$" "$tmp/out" &&
	[ "$(grep -c ' HTTP/1.1 401 Unauthorized True$' "$tmp/out")" = 4 ] && ok || bad "Host values: $(cat "$tmp/out")"
# the policies (Terraform's aws_ecr_lifecycle_policy, aws_ecr_repository_policy): kept and
# read back, a missing one is its NotFoundException (exit 254), not UnsupportedOperation
printf '{"rules":[{"rulePriority":1,"description":"keep 5","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}' > "$tmp/lp.json"
same get-lifecycle-policy-missing get-lifecycle-policy --repository-name app
R get-lifecycle-policy --repository-name app 2> "$tmp/r.err" >/dev/null
grep -q "(LifecyclePolicyNotFoundException) when calling the GetLifecyclePolicy operation: Lifecycle policy does not exist for the repository with name 'app' in the registry with id '000000000000'" \
	"$tmp/r.err" && ok || bad "get-lifecycle-policy of none: $(cat "$tmp/r.err")"
same_write put-lifecycle-policy app app2 put-lifecycle-policy --repository-name @ --lifecycle-policy-text "file://$tmp/lp.json"
same get-lifecycle-policy get-lifecycle-policy --repository-name app
same_write delete-lifecycle-policy app app2 delete-lifecycle-policy --repository-name @
R get-repository-policy --repository-name app 2> "$tmp/r.err" >/dev/null
grep -q "(RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist" \
	"$tmp/r.err" && ok || bad "get-repository-policy of none: $(cat "$tmp/r.err")"
same_write set-repository-policy app app2 set-repository-policy --repository-name @ --policy-text '{"Version":"2012-10-17","Statement":[]}'
same get-repository-policy get-repository-policy --repository-name app --output text
same_write delete-repository-policy app app2 delete-repository-policy --repository-name @
# pull through cache rules (Terraform's aws_ecr_pull_through_cache_rule) are rows now,
# no longer UnsupportedOperationException: a missing one is its NotFoundException
R describe-pull-through-cache-rules --ecr-repository-prefixes nope 2> "$tmp/r.err" >/dev/null
[ $? = 254 ] && grep -q "(PullThroughCacheRuleNotFoundException) when calling the DescribePullThroughCacheRules operation: The pull through cache rule with Amazon ECR repository prefix 'nope' does not exist in the registry with id '000000000000'$" \
	"$tmp/r.err" && ok || bad "describe-pull-through-cache-rules of none, through the server: $(cat "$tmp/r.err")"
same describe-pull-through-cache-rules describe-pull-through-cache-rules

if [ -n "$images" ]; then
	"$bin/ecrlite" vulndb import "$data/alpine-secdb/v3.19-main.subset.json" "$data/nvd" >/dev/null
	"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" app:v1 >/dev/null
	"$bin/ecrlite" push "$images/alpine-3.18.docker.tar" app:old >/dev/null
	"$bin/ecrlite" push "$images/alpine-3.19.oci.tar" app2:v1 >/dev/null
	"$bin/ecrlite" push "$images/alpine-3.18.docker.tar" app2:old >/dev/null
	same describe-images describe-images --repository-name app
	same describe-images-page describe-images --repository-name app --page-size 1
	same describe-images-yaml describe-images --repository-name app --output yaml
	same list-images list-images --repository-name app --output text
	same_write start-image-scan app app2 start-image-scan --repository-name @ --image-id imageTag=v1
	R wait image-scan-complete --repository-name app --image-id imageTag=v1 && ok || bad "wait image-scan-complete"
	same describe-image-scan-findings describe-image-scan-findings --repository-name app --image-id imageTag=v1
	same describe-image-scan-findings-paged describe-image-scan-findings --repository-name app --image-id imageTag=v1 --page-size 3
	same describe-image-scan-findings-max describe-image-scan-findings --repository-name app --image-id imageTag=v1 --max-items 2
	tok=$(R describe-image-scan-findings --repository-name app --image-id imageTag=v1 --max-items 2 | jq_ 'd["NextToken"]')
	same describe-image-scan-findings-resume describe-image-scan-findings --repository-name app --image-id imageTag=v1 --starting-token "$tok"
	same describe-image-scan-findings-query describe-image-scan-findings --repository-name app --image-id imageTag=v1 \
		--query 'imageScanFindings.findingSeverityCounts' --output text
	same describe-images-after-scan describe-images --repository-name app --output table
	same_write batch-delete-image app app2 batch-delete-image --repository-name @ --image-ids imageTag=old imageTag=nope
	same describe-images-after-delete describe-images --repository-name app
else
	skip=$((skip + 1))
fi

# ---- registry credentials (GetAuthorizationToken, a core row once the registry has it) ----
if L get-authorization-token > /dev/null 2>&1; then
	same get-login-password get-login-password
	same get-authorization-token get-authorization-token --query 'authorizationData[].[authorizationToken, expiresAt]'
	p=$(R get-authorization-token --query 'authorizationData[0].proxyEndpoint' --output text)
	[ "$p" = "$E" ] && ok || bad "proxyEndpoint through the server is '$p', not $E"
else
	skip=$((skip + 1))
fi

# ---- ecrlite's own clients: aws --endpoint-url and the cmdlets' -EndpointUrl ----
# ecrlite's aws through the server prints what the real CLI prints of the same answers
# (tables included), and what ecrlite prints locally, address aside (errors included)
EP() { "$bin/aws" --endpoint-url "$E" ecr "$@"; }
for args in "describe-repositories" "describe-repositories --output table" "describe-images --repository-name app" \
	"describe-repositories --repository-names nope" "describe-repositories --output text"; do
	# shellcheck disable=SC2086
	EP $args > "$tmp/r.out" 2> "$tmp/r.err"; rr=$?
	# shellcheck disable=SC2086
	R $args > "$tmp/c.out" 2> /dev/null; cr=$?
	[ $rr = $cr ] && cmp -s "$tmp/r.out" "$tmp/c.out" && ok || {
		bad "ecrlite aws --endpoint-url $args against the real CLI: exit $rr vs $cr"; diff -u "$tmp/c.out" "$tmp/r.out" | head; }
	case $args in *table*) continue;; esac
	# shellcheck disable=SC2086
	L $args 2> "$tmp/l.err" | served > "$tmp/l.out"; lr=${PIPESTATUS[0]}
	[ $rr = $lr ] && cmp -s "$tmp/r.out" "$tmp/l.out" && cmp -s "$tmp/r.err" "$tmp/l.err" && ok || {
		bad "ecrlite aws --endpoint-url $args: exit $rr vs $lr"; diff -u "$tmp/l.out" "$tmp/r.out" | head; diff -u "$tmp/l.err" "$tmp/r.err" | head; }
done
# the cmdlets: their objects as JSON and as lists (a table's widths follow the address)
for c in "Get-ECRRepository|ConvertTo-Json -Depth 4" "Get-ECRRepository|Format-List" "Get-ECRImage -RepositoryName app|Format-Table" \
	"Get-ECRRepository -RepositoryName nope|Format-Table"; do
	cmd=${c%%|*} pipe=${c#*|}
	"$bin/ecrlite" pwsh -NoProfile -Command "$cmd -Region us-east-2 -EndpointUrl $E -AccessKey AKIDEXAMPLE -SecretKey secret | $pipe" \
		> "$tmp/r.out" 2> "$tmp/r.err"; rr=$?
	"$bin/ecrlite" pwsh -NoProfile -Command "$cmd -Region us-east-2 | $pipe" 2> "$tmp/l.err" | served > "$tmp/l.out"; lr=${PIPESTATUS[0]}
	case $cmd in Get-ECRRepository) grep -q "127.0.0.1:$PORT/app" "$tmp/r.out" || bad "$cmd | $pipe through the server names no 127.0.0.1:$PORT/app";; esac
	[ $rr = $lr ] && cmp -s "$tmp/r.out" "$tmp/l.out" && cmp -s "$tmp/r.err" "$tmp/l.err" && ok || {
		bad "$cmd -EndpointUrl | $pipe: exit $rr vs $lr"; diff -u "$tmp/l.out" "$tmp/r.out" | head; diff -u "$tmp/l.err" "$tmp/r.err" | head; }
done
# ---- STS's GetCallerIdentity on the same port (Terraform's credential check and
# account lookup; `aws sts get-caller-identity`): the state's account, as its root
acct=$(L describe-registry --query registryId --output text)
out=$(/usr/bin/aws --endpoint-url "$E" sts get-caller-identity --output json 2> "$tmp/err"); rc=$?
want=$(printf '{\n    "UserId": "%s",\n    "Account": "%s",\n    "Arn": "arn:aws:iam::%s:root"\n}' "$acct" "$acct" "$acct")
[ $rc = 0 ] && [ "$out" = "$want" ] && [ -n "$acct" ] && ok || bad "sts get-caller-identity: exit $rc, $out $(cat "$tmp/err")"
out=$(/usr/bin/python3 -c 'import sys, boto3; print(boto3.client("sts", endpoint_url=sys.argv[1], region_name="eu-west-1").get_caller_identity()["Account"])' "$E" 2>&1)
[ "$out" = "$acct" ] && ok || bad "boto3 sts get_caller_identity: $out"
# refusals in STS's own codes, statuses and XML (the CLI prints the code and message)
for c in "AWS_SECRET_ACCESS_KEY=wrong|get-caller-identity|SignatureDoesNotMatch|The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." \
	"AWS_ACCESS_KEY_ID=AKIDUNKNOWN|get-caller-identity|InvalidClientTokenId|The security token included in the request is invalid." \
	"|get-session-token|InvalidAction|Could not find operation GetSessionToken for version 2011-06-15"; do
	IFS='|' read -r envs sub code msg <<<"$c"
	# shellcheck disable=SC2086
	env $envs /usr/bin/aws --endpoint-url "$E" sts "$sub" > /dev/null 2> "$tmp/err"; rc=$?
	op=$(sed 's/-\([a-z]\)/\U\1/g; s/^\([a-z]\)/\U\1/' <<<"$sub")
	[ $rc = 254 ] && [ "$(cat "$tmp/err")" = "$(printf '\nAn error occurred (%s) when calling the %s operation: %s' "$code" "$op" "$msg")" ] &&
		ok || bad "sts $sub with ${envs:-the right key}: exit $rc, $(cat "$tmp/err")"
done
code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X POST "$E/" -H 'Content-Type: application/x-www-form-urlencoded' -d 'Action=GetCallerIdentity&Version=2011-06-15')
[ "$code" = 403 ] && grep -q '<Code>MissingAuthenticationToken</Code>' "$tmp/out" && ok || bad "sts unsigned: $code $(cat "$tmp/out")"
# a signature for ECR is not one for STS
/usr/bin/python3 - "$E" > "$tmp/out" 2>&1 <<'PY'
import sys, urllib.request, botocore.auth, botocore.awsrequest, botocore.credentials
body = "Action=GetCallerIdentity&Version=2011-06-15"
req = botocore.awsrequest.AWSRequest("POST", sys.argv[1] + "/", data=body,
                                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
botocore.auth.SigV4Auth(botocore.credentials.Credentials("AKIDEXAMPLE", "secret"), "ecr", "us-east-2").add_auth(req)
try:
    urllib.request.urlopen(urllib.request.Request(req.url, data=body.encode(), headers=dict(req.headers), method="POST"))
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
grep -q "^403 " "$tmp/out" && grep -q "<Code>SignatureDoesNotMatch</Code>" "$tmp/out" &&
	grep -q "<Message>Credential should be scoped to correct service: 'sts'. </Message>" "$tmp/out" && ok || bad "an ECR signature to STS: $(cat "$tmp/out")"
# the Query protocol's other forms, as STS takes them: a presigned URL (boto3's
# generate_presigned_url, signed for POST, posted with no body; a GET signed with the
# query and a signed header, as `aws eks get-token` and aws-iam-authenticator make EKS
# tokens), a header-signed GET /?Action=…; the presigned POST URL fetched with GET is a
# signature mismatch (the method is signed), as at STS; a Content-Type that only starts
# with the form's is no form
/usr/bin/python3 - "$E" > "$tmp/out" 2>&1 <<'PY'
import sys, urllib.request, boto3, botocore.auth, botocore.awsrequest, botocore.credentials, botocore.session, botocore.signers
E = sys.argv[1]
def fetch(name, url, method, headers=None, data=None):
    try:
        r = urllib.request.urlopen(urllib.request.Request(url, method=method, headers=headers or {}, data=data))
        d = r.read().decode()
        print(name, r.status, "<Account>" in d and d.split("<Account>")[1].split("<")[0])
    except urllib.error.HTTPError as e:
        d = e.read().decode()
        print(name, e.code, "<Code>" in d and d.split("<Code>")[1].split("<")[0])
u = boto3.client("sts", endpoint_url=E, region_name="us-east-2").generate_presigned_url("get_caller_identity")
fetch("presigned-post", u, "POST", data=b"")
fetch("presigned-post-as-get", u, "GET")
s = botocore.session.get_session()
c = s.create_client("sts", endpoint_url=E, region_name="us-east-2")
signer = botocore.signers.RequestSigner(c.meta.service_model.service_id, "us-east-2", "sts", "v4",
                                        c._request_signer._credentials, s.get_component("event_emitter"))
u = signer.generate_presigned_url({"method": "GET", "url": E + "/?Action=GetCallerIdentity&Version=2011-06-15", "body": {},
                                   "headers": {"x-k8s-aws-id": "c1"}, "context": {}}, region_name="us-east-2",
                                  expires_in=60, operation_name="")
fetch("eks-token-get", u, "GET", {"x-k8s-aws-id": "c1"})
for name, ct in [("header-signed-get", None), ("form-prefix", "application/x-www-form-urlencodedXYZ")]:
    url, body = (E + "/?Action=GetCallerIdentity&Version=2011-06-15", None) if ct is None else (E + "/", b"Action=GetCallerIdentity&Version=2011-06-15")
    req = botocore.awsrequest.AWSRequest("GET" if ct is None else "POST", url, data=body, headers={"Content-Type": ct} if ct else {})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("AKIDEXAMPLE", "secret"), "sts", "us-east-2").add_auth(req)
    try:
        r = urllib.request.urlopen(urllib.request.Request(req.url, data=body, headers=dict(req.headers), method=req.method))
        print(name, r.status, r.headers["Content-Type"], r.read().decode().count("<Account>"))
    except urllib.error.HTTPError as e:
        print(name, e.code, e.headers["Content-Type"], e.read().decode()[:200])
PY
[ "$(cat "$tmp/out")" = "$(printf 'presigned-post 200 %s\npresigned-post-as-get 403 SignatureDoesNotMatch\neks-token-get 200 %s\nheader-signed-get 200 text/xml 1\nform-prefix 400 application/x-amz-json-1.1 {"__type":"InvalidSignatureException","message":"Credential should be scoped to correct service: '"'ecr'"'. "}' "$acct" "$acct")" ] &&
	ok || bad "STS's query forms: $(cat "$tmp/out")"

"$bin/Get-ECRRepository" -Region us-east-2 -EndpointUrl "$E" -AccessKey AKIDEXAMPLE -SecretKey wrong > /dev/null 2> "$tmp/err"
grep -q "The request signature we calculated does not match" "$tmp/err" && ok || bad "cmdlet with a wrong secret: $(cat "$tmp/err")"

# sub NAME CMD…: a sub-suite whose last line is "NAME: N passed, N failed"
sub() {
	local name=$1 out rc line
	shift
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v "^$name: "
	line=$(printf '%s\n' "$out" | sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p")
	if [ -z "$line" ]; then bad "$name: exit $rc, no summary"; return; fi
	pass=$((pass + ${line% *})); fail=$((fail + ${line#* }))
	[ $rc != 0 ] && [ "${line#* }" = 0 ] && bad "$name: exit $rc"
}
if [ -n "$images" ]; then
	# boto3: calls, paginators, the waiter, errors (app holds two images again)
	"$bin/ecrlite" push "$images/alpine-3.18.docker.tar" app:old >/dev/null
	sub serve-boto3 /usr/bin/python3 -P "$top/tests/scripts/serve_boto3.py" "$bin" "$E" app v1
	# a bounded load from several processes: no errors, no lost writes, integrity_check
	sub serve-load /usr/bin/python3 -P "$top/tests/scripts/serve_load.py" "$E" "$ECRLITE_HOME/ecrlite.db" app v1 4 25
fi

# ---- asynchronous scans: queued, surviving a stop, a kill -9 mid-scan ----
if [ -n "$images" ]; then
	h2=$tmp/scans
	mkdir -p "$h2"
	cp "$ECRLITE_HOME/credentials" "$h2/"
	oci=$images/debian-bookworm-layered.oci.tar dock=$images/debian-bookworm-layered.docker.tar.xz
	(
		export ECRLITE_HOME=$h2
		"$bin/ecrlite" vulndb import "$top/tests/fixtures/feeds/debian-tracker-bookworm.test.json" \
			"$top/tests/fixtures/feeds/nvd-bookworm.test.json" >/dev/null
		for r in killed local-killed queued local-queued; do "$bin/aws" ecr create-repository --repository-name $r >/dev/null; done
		"$bin/ecrlite" push "$dock" killed:v1 >/dev/null && "$bin/ecrlite" push "$dock" local-killed:v1 >/dev/null
		"$bin/ecrlite" push "$oci" queued:v1 >/dev/null && "$bin/ecrlite" push "$oci" local-queued:v1 >/dev/null
	)
	S() { ECRLITE_HOME=$h2 "$bin/aws" --endpoint-url "http://127.0.0.1:$PORT" ecr "$@"; }
	status() { ECRLITE_HOME=$h2 "$bin/aws" ecr describe-image-scan-findings --repository-name "$1" --image-id imageTag=v1 \
		--no-paginate --query imageScanStatus.status --output text 2>&1; }
	findings() { ECRLITE_HOME=$h2 "$bin/aws" ecr describe-image-scan-findings --repository-name "$1" --image-id imageTag=v1 \
		--query 'imageScanFindings.findings[].[name, severity, attributes]' --output json; }
	# queued with no worker, then a clean stop: still queued; the next start runs it
	ECRLITE_HOME=$h2 start_server scans0 --scan-workers 0
	st=$(S start-image-scan --repository-name queued --image-id imageTag=v1 --query imageScanStatus.status --output text)
	[ "$st" = IN_PROGRESS ] && ok || bad "start-image-scan answered $st"
	kill -TERM "$SPID"; wait "$SPID"
	[ "$(status queued)" = IN_PROGRESS ] && ok || bad "after a stop the queued scan is $(status queued)"
	# kill -9 while a worker runs a scan (an image no scan has read yet: nothing cached)
	ECRLITE_HOME=$h2 start_server scans1 --scan-workers 1
	S start-image-scan --repository-name killed --image-id imageTag=v1 >/dev/null
	sleep 0.2
	kill -KILL "$SPID"; wait "$SPID" 2>/dev/null
	mid=$(status killed)
	[ "$mid" = IN_PROGRESS ] && ok || echo "serve: note: the scan was $mid before the kill landed"
	ECRLITE_HOME=$h2 start_server scans2
	S wait image-scan-complete --repository-name killed --image-id imageTag=v1 && ok || bad "after kill -9 and a restart: $(status killed)"
	S wait image-scan-complete --repository-name queued --image-id imageTag=v1 && ok || bad "queued scan after restart: $(status queued)"
	# the results equal the same images scanned in-process, as the argv frontends do
	for r in killed queued; do
		ECRLITE_HOME=$h2 "$bin/aws" ecr start-image-scan --repository-name local-$r --image-id imageTag=v1 >/dev/null
		findings local-$r > "$tmp/want.json"
		findings $r > "$tmp/got.json"
		n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/want.json")
		[ "$n" -gt 0 ] && cmp -s "$tmp/want.json" "$tmp/got.json" && ok || bad "$r: findings differ from the in-process scan ($n)"
	done
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA integrity_check").fetchone()[0])' \
		"$h2/ecrlite.db" | grep -qx ok && ok || bad "integrity_check after kill -9"
	kill -TERM "$SPID"; wait "$SPID"
fi

# ---- authentication failures: the service's exception, message and status ----
err_is() { # WHAT EXIT EXPECTED-STDERR-LINE
	if [ "$rc" = "$2" ] && grep -qxF -- "$3" "$tmp/err"; then ok; else bad "$1: exit $rc: $(cat "$tmp/err")"; fi
}
AWS_SECRET_ACCESS_KEY=wrong R describe-repositories > /dev/null 2> "$tmp/err"; rc=$?
err_is bad-signature 254 "An error occurred (InvalidSignatureException) when calling the DescribeRepositories operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
AWS_ACCESS_KEY_ID=AKIDUNKNOWN R describe-repositories > /dev/null 2> "$tmp/err"; rc=$?
err_is unknown-key 254 "An error occurred (UnrecognizedClientException) when calling the DescribeRepositories operation: The security token included in the request is invalid."
R --no-sign-request describe-repositories > /dev/null 2> "$tmp/err"; rc=$?
err_is missing-auth 254 "An error occurred (MissingAuthenticationTokenException) when calling the DescribeRepositories operation: Missing Authentication Token"
AWS_ACCESS_KEY_ID=AKIDCI AWS_SECRET_ACCESS_KEY=cisecret R describe-repositories > /dev/null 2> "$tmp/err"; rc=$?
err_is token-missing 254 "An error occurred (UnrecognizedClientException) when calling the DescribeRepositories operation: The security token included in the request is invalid."
AWS_ACCESS_KEY_ID=AKIDCI AWS_SECRET_ACCESS_KEY=cisecret AWS_SESSION_TOKEN=citoken R describe-repositories > /dev/null 2> "$tmp/err" \
	&& ok || bad "session token: $(cat "$tmp/err")"
# ecrlite's own client with a config-file profile holding keys and a token (and a space
# after the secret, as a paste leaves one): the token goes with them, the space does not
printf '[profile citmp]\naws_access_key_id = AKIDCI\naws_secret_access_key = cisecret \naws_session_token = citoken\n' > "$tmp/ci.config"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$tmp/ci.config" AWS_DEFAULT_PROFILE=citmp \
	"$bin/aws" --endpoint-url "$E" ecr describe-repositories > /dev/null 2> "$tmp/err" && ok || bad "config-file profile with a session token: $(cat "$tmp/err")"
# dates, malformed headers and wire-level cases, signed by hand (python's hmac)
python3 - "$E" > "$tmp/wire.out" 2>&1 <<'EOF'
import datetime, hashlib, hmac, http.client, json, socket, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
host = url.netloc
def sign(secret, amz, region, body, target, key="AKIDEXAMPLE", service="ecr", scope_date=None):
    sh = "content-type;host;x-amz-date;x-amz-target"
    creq = "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:%s\nx-amz-date:%s\nx-amz-target:%s\n\n%s\n%s" % (
        host, amz, target, sh, hashlib.sha256(body).hexdigest())
    d = scope_date or amz[:8]
    scope = "%s/%s/%s/aws4_request" % (d, region, service)
    sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz, scope, hashlib.sha256(creq.encode()).hexdigest())
    k = ("AWS4" + secret).encode()
    for m in (d, region, service, "aws4_request"):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (key, scope, sh, sig)
def call(name, op="DescribeRepositories", body=b"{}", when=None, auth=None, **kw):
    now = datetime.datetime.now(datetime.timezone.utc) + (when or datetime.timedelta(0))
    amz = now.strftime("%Y%m%dT%H%M%SZ")
    target = "AmazonEC2ContainerRegistry_V20150921." + op
    h = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target, "X-Amz-Date": amz}
    h["Authorization"] = auth if auth is not None else sign("secret", amz, "us-east-2", body, target, **kw)
    c = http.client.HTTPConnection(host)
    c.request("POST", "/", body=body, headers=h)
    r = c.getresponse()
    b = r.read().decode()
    try:
        j = json.loads(b)
        b = "%s: %s" % (j.get("__type"), j.get("message"))
    except Exception:
        pass
    print("%s %d %s" % (name, r.status, b))
# three stalled clients (half a request line, half the headers, half a body) hold
# their connections open while every call below is answered
stalled = []
for part in (b"POST / HT", b"POST / HTTP/1.1\r\nHost: x\r\n", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"):
    s = socket.create_connection((url.hostname, url.port))
    s.sendall(part)
    stalled.append(s)
call("ok")
call("expired", when=datetime.timedelta(minutes=-16))
call("future", when=datetime.timedelta(minutes=16))
call("in-window", when=datetime.timedelta(minutes=-14))
call("service", service="s3")
call("scope-date", scope_date="20200101")
call("incomplete", auth="AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-2/ecr/aws4_request")
call("unknown-op", op="NoSuchOperation")
call("not-json", body=b"{not json")
call("not-object", body=b"[1]")
call("empty-body", body=b"")
EOF
exp() { grep -qxF -- "$1" "$tmp/wire.out" && ok || bad "wire: want '$1' in: $(cat "$tmp/wire.out")"; }
grep -q '^ok 200 ' "$tmp/wire.out" && ok || bad "hand-signed request: $(cat "$tmp/wire.out")"
grep -qE '^expired 400 InvalidSignatureException: Signature expired: [0-9]{8}T[0-9]{6}Z is now earlier than [0-9]{8}T[0-9]{6}Z \([0-9]{8}T[0-9]{6}Z - 15 min\.\)$' "$tmp/wire.out" && ok || bad "expired: $(grep expired "$tmp/wire.out")"
grep -qE '^future 400 InvalidSignatureException: Signature not yet current: [0-9]{8}T[0-9]{6}Z is still later than [0-9]{8}T[0-9]{6}Z \([0-9]{8}T[0-9]{6}Z \+ 15 min\.\)$' "$tmp/wire.out" && ok || bad "future: $(grep future "$tmp/wire.out")"
grep -q '^in-window 200 ' "$tmp/wire.out" && ok || bad "14 minutes old: $(grep in-window "$tmp/wire.out")"
exp "service 400 InvalidSignatureException: Credential should be scoped to correct service: 'ecr'. "
grep -q "^scope-date 400 InvalidSignatureException: Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != " "$tmp/wire.out" && ok || bad "scope date: $(grep scope-date "$tmp/wire.out")"
exp "incomplete 400 IncompleteSignatureException: Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
exp "unknown-op 404 UnknownOperationException: Unknown operation: AmazonEC2ContainerRegistry_V20150921.NoSuchOperation"
exp "not-json 400 SerializationException: None"
exp "not-object 400 SerializationException: None"
grep -q '^empty-body 200 ' "$tmp/wire.out" && ok || bad "empty body: $(grep empty-body "$tmp/wire.out")"

# ---- presigned (query-string) SigV4 and UNSIGNED-PAYLOAD: boto3's presigner and its
# payload switch, and requests signed by hand (python's hmac, not the server's code)
/usr/bin/python3 -P - "$E" > "$tmp/presign.out" 2>&1 <<'EOF'
import datetime, hashlib, hmac, json, sys, urllib.error, urllib.parse, urllib.request
import boto3
E = sys.argv[1]
host = urllib.parse.urlparse(E).netloc
T = "AmazonEC2ContainerRegistry_V20150921."
def enc(s):
    return urllib.parse.quote(s, safe="-_.~")
def post(name, url, headers, body=b""):
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        r = urllib.request.urlopen(req)
        status, b = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, b = e.code, e.read().decode()
    j = json.loads(b)
    print("%s %d %s" % (name, status, "%s: %s" % (j["__type"], j.get("message")) if "__type" in j else ",".join(sorted(k for k in j if k != "nextToken"))))
def key(secret, d, region="us-east-2"):
    k = ("AWS4" + secret).encode()
    for m in (d, region, "ecr", "aws4_request"):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    return k
def presign(name, op="DescribeRepositories", ago=0, expires="300", body=b"{}", payload=None, akid="AKIDEXAMPLE",
            secret="secret", token=None, drop=None, tamper=False, header_auth=False, extra=None):
    amz = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=ago)).strftime("%Y%m%dT%H%M%SZ")
    h = {"content-type": "application/x-amz-json-1.1", "host": host, "x-amz-target": T + op}
    if payload:
        h["x-amz-content-sha256"] = payload
    sh = ";".join(sorted(h))
    q = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": "%s/%s/us-east-2/ecr/aws4_request" % (akid, amz[:8]),
         "X-Amz-Date": amz, "X-Amz-Expires": expires, "X-Amz-SignedHeaders": sh}
    if token:
        q["X-Amz-Security-Token"] = token
    if extra:
        q.update(extra)
    if drop:
        del q[drop]
    cq = "&".join("%s=%s" % (enc(k), enc(v)) for k, v in sorted(q.items()))
    creq = "POST\n/\n%s\n%s\n%s\n%s" % (cq, "".join("%s:%s\n" % kv for kv in sorted(h.items())), sh,
                                       payload or hashlib.sha256(body).hexdigest())
    sts = "AWS4-HMAC-SHA256\n%s\n%s/us-east-2/ecr/aws4_request\n%s" % (amz, amz[:8], hashlib.sha256(creq.encode()).hexdigest())
    sig = hmac.new(key(secret, amz[:8]), sts.encode(), hashlib.sha256).hexdigest()
    if tamper:
        sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    q["X-Amz-Signature"] = sig
    hdrs = {k: v for k, v in h.items() if k != "host"}
    if header_auth:
        hdrs["Authorization"] = "AWS4-HMAC-SHA256 Credential=x"
    post(name, E + "/?" + urllib.parse.urlencode(q, quote_via=urllib.parse.quote), hdrs, body)
# header-signed with x-amz-content-sha256 among the signed headers (or not)
def signed_unsigned(name, body, sent_body=None, sign_it=True, payload="UNSIGNED-PAYLOAD", op="CreateRepository"):
    amz = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    h = {"content-type": "application/x-amz-json-1.1", "host": host, "x-amz-date": amz, "x-amz-target": T + op}
    if sign_it:
        h["x-amz-content-sha256"] = payload
    sh = ";".join(sorted(h))
    creq = "POST\n/\n\n%s\n%s\n%s" % ("".join("%s:%s\n" % kv for kv in sorted(h.items())), sh, payload)
    sts = "AWS4-HMAC-SHA256\n%s\n%s/us-east-2/ecr/aws4_request\n%s" % (amz, amz[:8], hashlib.sha256(creq.encode()).hexdigest())
    sig = hmac.new(key("secret", amz[:8]), sts.encode(), hashlib.sha256).hexdigest()
    hdrs = {k: v for k, v in h.items() if k != "host"}
    hdrs["x-amz-content-sha256"] = payload
    hdrs["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/%s/us-east-2/ecr/aws4_request, SignedHeaders=%s, Signature=%s" % (amz[:8], sh, sig)
    post(name, E + "/", hdrs, body if sent_body is None else sent_body)

# boto3's own presigner: an operation without parameters, then one whose parameters it
# moves into the query string (refused: AWS JSON 1.1 reads the body)
c = boto3.client("ecr", endpoint_url=E, region_name="us-east-2", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
jh = {"Content-Type": "application/x-amz-json-1.1"}
post("boto3-presigned", c.generate_presigned_url("get_authorization_token", ExpiresIn=60),
     dict(jh, **{"X-Amz-Target": T + "GetAuthorizationToken"}))
post("boto3-presigned-params", c.generate_presigned_url("describe_repositories", Params={"maxResults": 5}, ExpiresIn=60),
     dict(jh, **{"X-Amz-Target": T + "DescribeRepositories"}))
# botocore's own (pure python) signer with payload signing switched off, as boto3 runs
# it without awscrt: it sends and signs x-amz-content-sha256: UNSIGNED-PAYLOAD
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
ar = AWSRequest(method="POST", url=E + "/", data=b'{"repositoryName": "unsigned-botocore"}',
                headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": T + "CreateRepository"})
ar.context["payload_signing_enabled"] = False
SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "ecr", "us-east-2").add_auth(ar)
print("botocore-unsigned-header", ar.headers.get("X-Amz-Content-SHA256"), "x-amz-content-sha256" in ar.headers["Authorization"])
post("botocore-unsigned", E + "/", {k: v for k, v in ar.headers.items() if k.lower() != "host"}, ar.body)
presign("presigned")
presign("presigned-body", op="CreateRepository", body=b'{"repositoryName": "presigned-made"}')
presign("presigned-unsigned-body", op="CreateRepository", body=b'{"repositoryName": "presigned-unsigned"}', payload="UNSIGNED-PAYLOAD")
presign("presigned-long-lived", ago=20 * 60, expires="3600")
presign("presigned-expired", ago=10 * 60, expires="60")
presign("presigned-future", ago=-16 * 60)
presign("presigned-week", expires="604801")
presign("presigned-no-expires", drop="X-Amz-Expires")
presign("presigned-tampered", tamper=True)
presign("presigned-wrong-secret", secret="wrong")
presign("presigned-and-header", header_auth=True)
presign("presigned-token", akid="AKIDCI", secret="cisecret", token="citoken")
presign("presigned-no-token", akid="AKIDCI", secret="cisecret")
presign("presigned-param", extra={"maxResults": "5"})
signed_unsigned("unsigned", b'{"repositoryName": "unsigned-made"}')
signed_unsigned("unsigned-body-changed", b'{"repositoryName": "unsigned-a"}', sent_body=b'{"repositoryName": "unsigned-b"}')
signed_unsigned("unsigned-not-signed", b'{"repositoryName": "unsigned-c"}', sign_it=False)
signed_unsigned("streaming", b'{}', payload="STREAMING-AWS4-HMAC-SHA256-PAYLOAD", op="DescribeRepositories")
EOF
pexp() { grep -qxF -- "$1" "$tmp/presign.out" && ok || bad "presigned/unsigned: want '$1' in: $(cat "$tmp/presign.out")"; }
pexp "boto3-presigned 200 authorizationData"
pexp "boto3-presigned-params 400 SerializationException: The ECR API takes its parameters in the JSON body, not in the query string ('maxResults')."
pexp "botocore-unsigned-header UNSIGNED-PAYLOAD True"
pexp "botocore-unsigned 200 repository"
pexp "presigned 200 repositories"
pexp "presigned-body 200 repository"
pexp "presigned-unsigned-body 200 repository"
pexp "presigned-long-lived 200 repositories"
grep -qE '^presigned-expired 400 InvalidSignatureException: Signature expired: [0-9]{8}T[0-9]{6}Z is now earlier than [0-9]{8}T[0-9]{6}Z \([0-9]{8}T[0-9]{6}Z - 60 sec\.\)$' "$tmp/presign.out" && ok ||
	bad "presigned-expired: $(grep presigned-expired "$tmp/presign.out")"
grep -qE '^presigned-future 400 InvalidSignatureException: Signature not yet current: ' "$tmp/presign.out" && ok || bad "presigned-future: $(grep presigned-future "$tmp/presign.out")"
pexp "presigned-week 400 IncompleteSignatureException: X-Amz-Expires must be a whole number of seconds from 0 to 604800 (a week); got '604801'."
pexp "presigned-no-expires 400 IncompleteSignatureException: AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters."
pexp "presigned-tampered 400 InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
pexp "presigned-wrong-secret 400 InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
pexp "presigned-and-header 400 IncompleteSignatureException: Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified"
pexp "presigned-token 200 repositories"
pexp "presigned-no-token 400 UnrecognizedClientException: The security token included in the request is invalid."
pexp "presigned-param 400 SerializationException: The ECR API takes its parameters in the JSON body, not in the query string ('maxResults')."
pexp "unsigned 200 repository"
pexp "unsigned-body-changed 200 repository"
pexp "unsigned-not-signed 400 InvalidSignatureException: x-amz-content-sha256 'UNSIGNED-PAYLOAD' must be among the signed headers."
pexp "streaming 400 InvalidSignatureException: x-amz-content-sha256 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' is S3's aws-chunked payload signing; the ECR API takes the body's sha256 or UNSIGNED-PAYLOAD."
# what those requests made is there, under the names their bodies gave
made=$(L describe-repositories --query 'repositories[].repositoryName' --output text | tr '\t' '\n' | grep -E '^(unsigned|presigned)' | sort | tr '\n' ' ')
[ "$made" = "presigned-made presigned-unsigned unsigned-b unsigned-botocore unsigned-made " ] && ok || bad "repositories made by presigned/unsigned requests: '$made'"

# ---- the log: one line per request, operation and status ----
grep -qE '^POST DescribeRepositories 200 [0-9.]+ ms$' "$tmp/main.log" && ok || bad "no log line for DescribeRepositories"
grep -qE '^POST DescribeRepositories 403 [0-9.]+ ms$' "$tmp/main.log" && ok || bad "no log line for the unsigned request"
# a TLS handshake on the plain port (docker, skopeo and podman try https first): an
# HTTP 400 they fall back on, one line of the log; also for a ClientHello holding a LF
# byte, which libmicrohttpd alone closed without a word (docker's CLI then failed)
curl -sk -o /dev/null "https://${E#http://}/v2/"
sleep 0.2
grep -qx 'ecrlite serve: a TLS handshake on this plain-HTTP port: answered 400 (clients then use http)' "$tmp/main.log" &&
	! grep -q '<html>' "$tmp/main.log" && ok || bad "the https probe's log line: $(grep -i 'handshake\|html' "$tmp/main.log" | head -2)"
got=$(python3 - "${E#http://}" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(b"\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03" + b"\n" * 32 + b"\x00\x00\x02\x13\x01\x01\x00")
s.settimeout(5)
print(s.recv(64).split(b"\r\n")[0].decode())
PY
)
[ "$got" = "HTTP/1.1 400 Bad Request" ] && ok || bad "a ClientHello holding LF bytes: '$got'"

# ---- start-up refusals ----
"$bin/ecrlite" serve --listen 0.0.0.0:0 --no-auth 2> "$tmp/err" & p=$!; pids+=("$p")
wait $p; rc=$?
[ $rc = 1 ] && grep -q "refusing --no-auth on '0.0.0.0:0': it is not a loopback address" "$tmp/err" && ok || bad "non-loopback --no-auth: $rc $(cat "$tmp/err")"
ECRLITE_HOME=$tmp/empty "$bin/ecrlite" serve --listen 127.0.0.1:0 2> "$tmp/err" & p=$!; pids+=("$p")
wait $p; rc=$?
[ $rc = 1 ] && grep -q "error: no credentials in '$tmp/empty/credentials'" "$tmp/err" && ok || bad "no credentials: $rc $(cat "$tmp/err")"
"$bin/ecrlite" serve --listen 127.0.0.1:0 --credentials "$tmp/none" 2> "$tmp/err" & p=$!; pids+=("$p")
wait $p; rc=$?
[ $rc = 1 ] && grep -q "cannot read credentials file '$tmp/none'" "$tmp/err" && ok || bad "missing --credentials file: $rc $(cat "$tmp/err")"

# ---- a clean stop: SIGTERM, the last lines say so, exit 0 ----
kill -TERM "$MAIN_PID"; wait "$MAIN_PID"; rc=$?
[ $rc = 0 ] && tail -1 "$tmp/main.log" | grep -qx "ecrlite serve: stopped" && ok || bad "SIGTERM: exit $rc, log ends: $(tail -2 "$tmp/main.log")"

echo "serve: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
