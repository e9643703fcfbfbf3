#!/bin/bash
# `ecrlite serve --tls-cert F --tls-key F`: a throw-away self-signed certificate made
# with openssl, the server started with it, and real clients that verify it — the AWS
# CLI (--ca-bundle), boto3 (verify=), skopeo (--dest-cert-dir / --src-cert-dir) and curl
# (--cacert) — plus the refusals: a client that does not trust the certificate, plain
# HTTP on the TLS port, and certificate/key files that cannot serve (a clear one-line
# error at start-up, exit 1, nothing listening).
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$here/../../../shared/images" 2>/dev/null && pwd) || images=
for t in openssl curl python3 /usr/bin/aws; do
	command -v $t >/dev/null || { echo "serve-tls: $t is not installed; skipping"; echo "serve-tls: 0 passed, 0 failed, 1 skipped"; exit 0; }
done
tmp=$(mktemp -d /tmp/serve-tls-XXXXXX)
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=tls-test-secret TZ=UTC
export REGISTRY_AUTH_FILE=$tmp/auth.json XDG_RUNTIME_DIR=$tmp/xdg
mkdir -p "$ECRLITE_HOME" "$XDG_RUNTIME_DIR" "$tmp/certs"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" > "$ECRLITE_HOME/credentials"
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL serve-tls: $*"; fail=$((fail + 1)); }

# the certificate: for 127.0.0.1 (an IP SAN: clients check the address they dialled)
cert=$tmp/cert.pem key=$tmp/key.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$cert" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 2> "$tmp/openssl.err" || { echo "serve-tls: openssl req failed: $(cat "$tmp/openssl.err")"; exit 1; }
cp "$cert" "$tmp/certs/ca.crt" # containers/image reads *.crt in a cert dir as CA certificates
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/other.key" -out "$tmp/other.pem" \
	-days 2 -subj /CN=other 2> /dev/null

# start_server ARGS…: sets port/E once the server says where it listens
start_server() {
	"$bin/ecrlite" serve --listen 127.0.0.1:0 "$@" 2> "$tmp/server.err" &
	spid=$!
	port=
	for _ in $(seq 100); do
		port=$(grep -a -o 'listening on https://127.0.0.1:[0-9]*' "$tmp/server.err" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] || { echo "serve-tls: the server did not start: $(cat "$tmp/server.err")"; exit 1; }
	E=https://127.0.0.1:$port
}
start_server --tls-cert "$cert" --tls-key "$key"
R() { /usr/bin/aws --endpoint-url "$E" --ca-bundle "$cert" ecr "$@"; } # the real CLI over https
L() { "$bin/aws" ecr "$@"; }                                           # ecrlite locally, same state
EP() { "$bin/aws" --endpoint-url "$E" --ca-bundle "$cert" ecr "$@"; }  # ecrlite's aws over https
# local output as the server words it: repositoryUri names the host the client reached
served() { sed "s,000000000000\.dkr\.ecr\.us-east-1\.amazonaws\.com/,127.0.0.1:$port/,g"; }

# ---- the real CLI, verifying the certificate; its stdout equals ecrlite's locally (the
# registry's address aside) and ecrlite's aws client's over https (tables too)
R create-repository --repository-name app > "$tmp/r.out" 2> "$tmp/r.err" && grep -q '"repositoryName": "app"' "$tmp/r.out" && ok ||
	bad "create-repository over https: $(cat "$tmp/r.out" "$tmp/r.err")"
for args in "describe-repositories" "describe-repositories --output table" "describe-repositories --repository-names nope"; do
	# shellcheck disable=SC2086
	R $args > "$tmp/r.out" 2> "$tmp/r.err"; rr=$?
	# shellcheck disable=SC2086
	EP $args > "$tmp/e.out" 2> "$tmp/e.err"; er=$?
	[ $rr = $er ] && cmp -s "$tmp/r.out" "$tmp/e.out" && ok || {
		bad "$args over https, ecrlite's aws: exit $er vs $rr"; diff -u "$tmp/r.out" "$tmp/e.out" | head; head -3 "$tmp/e.err"; }
	case $args in *table*) continue;; esac
	# shellcheck disable=SC2086
	L $args 2> "$tmp/l.err" | served > "$tmp/l.out"; lr=${PIPESTATUS[0]}
	[ $rr = $lr ] && cmp -s "$tmp/r.out" "$tmp/l.out" && ok || {
		bad "$args over https: exit $rr vs $lr"; diff -u "$tmp/l.out" "$tmp/r.out" | head; head -3 "$tmp/r.err"; }
done
# the endpoint the login hands out is the https one the client used
p=$(R get-authorization-token --query 'authorizationData[0].proxyEndpoint' --output text)
[ "$p" = "$E" ] && ok || bad "proxyEndpoint over https is '$p', not $E"
# a client that does not trust the certificate is refused by its own TLS check
/usr/bin/aws --endpoint-url "$E" ecr describe-repositories > /dev/null 2> "$tmp/err"; rc=$?
[ $rc != 0 ] && grep -q "CERTIFICATE_VERIFY_FAILED" "$tmp/err" && ok || bad "an untrusted certificate: exit $rc $(cat "$tmp/err")"
/usr/bin/aws --endpoint-url "$E" --no-verify-ssl ecr describe-repositories --query 'repositories[].repositoryName' \
	--output text > "$tmp/out" 2> /dev/null && [ "$(cat "$tmp/out")" = app ] && ok || bad "--no-verify-ssl: $(cat "$tmp/out")"
# ecrlite's aws reaches https as the real CLI does and fails as it does, word for word:
# no CA, a missing or non-PEM --ca-bundle, another host's name, AWS_CA_BUNDLE, a profile's
# ca_bundle, --no-verify-ssl (urllib3's warning on stderr, the answer on stdout), and the
# timeouts' values
# (a profile named with --profile is the only source of keys: the environment's are not
# used, so "nocreds" has none, as botocore says; $AWS_PROFILE's is not: the environment's
# keys come first. A profile named either way that neither file has is botocore's
# ProfileNotFound, exit 255, locally too, after the timeouts' values and before the
# parameters')
printf '[profile tls]\nca_bundle = %s\naws_access_key_id = %s\naws_secret_access_key = %s\n[profile nocreds]\nca_bundle = %s\n' \
	"$cert" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$cert" > "$tmp/config"
for c in "|--endpoint-url $E" "|--endpoint-url $E --ca-bundle $tmp/nonexistent" "|--endpoint-url $E --ca-bundle $key" \
	"|--endpoint-url https://localhost:$port --ca-bundle $cert" "AWS_CA_BUNDLE=$cert|--endpoint-url $E" \
	"AWS_CONFIG_FILE=$tmp/config|--endpoint-url $E --profile tls" "AWS_CONFIG_FILE=$tmp/config|--endpoint-url $E --profile nocreds" \
	"|--endpoint-url $E --no-verify-ssl" \
	"|--endpoint-url $E --ca-bundle $cert --cli-connect-timeout abc" "|--endpoint-url $E --ca-bundle $cert --cli-read-timeout -5" \
	"|--endpoint-url $E --ca-bundle $cert --cli-connect-timeout 0 --cli-read-timeout 7" \
	"AWS_CONFIG_FILE=$tmp/config AWS_PROFILE=nocreds|--endpoint-url $E" \
	"AWS_CONFIG_FILE=$tmp/config|--endpoint-url $E --ca-bundle $cert --profile nosuch" \
	"AWS_CONFIG_FILE=$tmp/config AWS_PROFILE=nosuch|--endpoint-url $E --ca-bundle $cert" \
	"AWS_DEFAULT_PROFILE=nosuch|--endpoint-url $E --ca-bundle $cert" "AWS_PROFILE=nosuch|" "|--profile default" \
	"|--profile nosuch --cli-read-timeout x" "|--profile nosuch --page-size 0" \
	"|--endpoint-url $E --ca-bundle $cert --page-size 0 --cli-read-timeout x"; do
	envs=${c%%|*} args=${c#*|}
	# shellcheck disable=SC2086
	env $envs /usr/bin/aws $args ecr describe-repositories > "$tmp/r.out" 2> "$tmp/r.err"; rr=$?
	# shellcheck disable=SC2086
	env $envs "$bin/aws" $args ecr describe-repositories > "$tmp/e.out" 2> "$tmp/e.err"; er=$?
	case $args in *localhost*) # Python names the certificate's names; ecrlite says whose
		grep -q "^SSL validation failed for https://localhost:$port/ hostname 'localhost' doesn't match" "$tmp/e.err" &&
			grep -q "^SSL validation failed for https://localhost:$port/ hostname 'localhost' doesn't match" "$tmp/r.err" &&
			sed -i '/^SSL validation/d' "$tmp/r.err" "$tmp/e.err" ;;
	esac
	[ $rr = $er ] && cmp -s "$tmp/r.out" "$tmp/e.out" && cmp -s "$tmp/r.err" "$tmp/e.err" && ok || {
		bad "ecrlite aws $envs $args: exit $er, the real CLI $rr"; diff -u "$tmp/r.out" "$tmp/e.out" | head -5; diff -u "$tmp/r.err" "$tmp/e.err" | head -8; }
done
# a server that accepts and never answers, and a port nobody listens on: botocore's
# ReadTimeoutError and EndpointConnectionError, each naming the URL with its "/" (exit
# 255 after the retries)
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' > "$tmp/silent.port" &
silent=$!
for i in $(seq 50); do [ -s "$tmp/silent.port" ] && break; sleep 0.1; done
sport=$(cat "$tmp/silent.port")
for args in "--endpoint-url http://127.0.0.1:$sport --cli-read-timeout 1" "--endpoint-url http://127.0.0.1:1"; do
	# shellcheck disable=SC2086
	/usr/bin/aws $args ecr describe-repositories > "$tmp/r.out" 2> "$tmp/r.err"; rr=$?
	# shellcheck disable=SC2086
	"$bin/aws" $args ecr describe-repositories > "$tmp/e.out" 2> "$tmp/e.err"; er=$?
	[ $rr = $er ] && cmp -s "$tmp/r.err" "$tmp/e.err" && ok || {
		bad "ecrlite aws $args: exit $er, the real CLI $rr"; diff -u "$tmp/r.err" "$tmp/e.err" | head -8; }
done
kill "$silent"
# a wrong secret is still a signature failure over TLS
AWS_SECRET_ACCESS_KEY=wrong R describe-repositories > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "(InvalidSignatureException)" "$tmp/err" && ok || bad "a wrong secret over https: exit $rc $(cat "$tmp/err")"
# plain HTTP on the TLS port gets no answer from the API
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$port/")
[ "$code" = 000 ] && ok || bad "plain http on the TLS port answered $code"

# ---- boto3, verifying with the same certificate
if python3 -c 'import boto3' 2>/dev/null; then
	python3 - "$E" "$cert" > "$tmp/boto3.out" 2>&1 <<'EOF'
import sys, boto3, botocore.exceptions
ecr = boto3.client("ecr", endpoint_url=sys.argv[1], verify=sys.argv[2], region_name="us-east-1")
print(ecr.describe_repositories()["repositories"][0]["repositoryUri"])
try:
    boto3.client("ecr", endpoint_url=sys.argv[1], region_name="us-east-1").describe_repositories()
    print("untrusted: answered")
except botocore.exceptions.SSLError:
    print("untrusted: SSLError")
EOF
	grep -qxF "127.0.0.1:$port/app" "$tmp/boto3.out" && grep -qx "untrusted: SSLError" "$tmp/boto3.out" && ok ||
		bad "boto3 over https: $(cat "$tmp/boto3.out")"
else
	skip=$((skip + 1))
fi

# ---- the registry over https: the challenge names the https realm; login, push, pull
curl -si --cacert "$cert" "$E/v2/" > "$tmp/h"
grep -q "^HTTP/1.1 401" "$tmp/h" && grep -qi "^WWW-Authenticate: Basic realm=\"$E/\",service=\"ecr.amazonaws.com\"" "$tmp/h" && ok ||
	bad "GET /v2/ over https: $(cat "$tmp/h")"
PW=$(R get-login-password)
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$cert" -u "AWS:$PW" "$E/v2/")
[ "$code" = 200 ] && ok || bad "GET /v2/ over https with the password: $code"
if [ -n "$images" ] && command -v skopeo >/dev/null; then
	R=127.0.0.1:$port
	printf '%s\n' "$PW" | skopeo login --cert-dir "$tmp/certs" --username AWS --password-stdin "$R" > /dev/null 2> "$tmp/err" && ok ||
		bad "skopeo login over https: $(cat "$tmp/err")"
	src=oci-archive:$images/alpine-3.19.oci.tar
	want=$(skopeo inspect --raw "$src" | sha256sum | cut -d' ' -f1)
	# pushed to the repositoryUri the API answers, as a Terraform or CI script does
	uri=$(R describe-repositories --repository-names app --query 'repositories[0].repositoryUri' --output text)
	skopeo copy -q --dest-cert-dir "$tmp/certs" --digestfile "$tmp/pushed" "$src" "docker://$uri:v1" 2> "$tmp/err" &&
		[ "$(cat "$tmp/pushed")" = "sha256:$want" ] && ok || bad "skopeo push over https: $(cat "$tmp/err")"
	skopeo copy -q --src-cert-dir "$tmp/certs" "docker://$R/app:v1" "oci:$tmp/pull:v1" 2> "$tmp/err" &&
		[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$tmp/pull/index.json")" = "sha256:$want" ] &&
		ok || bad "skopeo pull over https: $(cat "$tmp/err")"
	# skopeo's default is to verify: without the CA it refuses
	skopeo inspect --raw "docker://$R/app:v1" > /dev/null 2> "$tmp/err"; rc=$?
	[ $rc != 0 ] && grep -q "certificate signed by unknown authority" "$tmp/err" && ok || bad "skopeo without the CA: exit $rc $(cat "$tmp/err")"
	# GetDownloadUrlForLayer's URL is an https one a plain client fetches
	layer=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"])' < <(skopeo inspect --raw "$src"))
	url=$(R get-download-url-for-layer --repository-name app --layer-digest "$layer" --query downloadUrl --output text)
	case $url in "$E/"*) ok ;; *) bad "downloadUrl over https: $url" ;; esac
	got=$(curl -sf --cacert "$cert" "$url" | sha256sum | cut -d' ' -f1)
	[ "sha256:$got" = "$layer" ] && ok || bad "the layer through its https download URL hashes to $got"
else
	skip=$((skip + 1))
fi
kill -TERM "$spid"; wait "$spid"; rc=$?; spid=
[ $rc = 0 ] && ok || bad "SIGTERM: exit $rc"

# ---- files that cannot serve: one clear line, exit 1, before anything listens
printf 'not a certificate\n' > "$tmp/garbage.pem"
(head -3 "$cert"; echo '!!!!'; tail -2 "$cert") > "$tmp/damaged.pem"
openssl pkey -in "$key" -aes256 -passout pass:x -out "$tmp/enc.key" 2> /dev/null
: > "$tmp/empty.pem"
refused() { # WHAT EXPECTED-LINE --tls-cert C --tls-key K
	local what=$1 want=$2 rc
	shift 2
	timeout 10 "$bin/ecrlite" serve --listen 127.0.0.1:0 "$@" > /dev/null 2> "$tmp/err"; rc=$?
	if [ $rc = 1 ] && [ "$(cat "$tmp/err")" = "$want" ]; then ok; else bad "$what: exit $rc: $(cat "$tmp/err")"; fi
}
refused "garbage certificate" "ecrlite serve: error: TLS certificate '$tmp/garbage.pem' is not a PEM certificate (-----BEGIN CERTIFICATE-----): no PEM block in it" \
	--tls-cert "$tmp/garbage.pem" --tls-key "$key"
refused "damaged certificate" "ecrlite serve: error: TLS certificate '$tmp/damaged.pem' is not a PEM certificate (-----BEGIN CERTIFICATE-----): its PEM block is damaged (bad base64)" \
	--tls-cert "$tmp/damaged.pem" --tls-key "$key"
refused "empty certificate" "ecrlite serve: error: TLS certificate '$tmp/empty.pem' is not a PEM certificate (-----BEGIN CERTIFICATE-----): the file is empty" \
	--tls-cert "$tmp/empty.pem" --tls-key "$key"
refused "cert and key swapped" "ecrlite serve: error: TLS certificate '$key' is not a PEM certificate (-----BEGIN CERTIFICATE-----): no PEM block of that kind in it" \
	--tls-cert "$key" --tls-key "$cert"
refused "garbage key" "ecrlite serve: error: TLS key '$tmp/garbage.pem' is not a PEM private key (-----BEGIN PRIVATE KEY-----): no PEM block in it" \
	--tls-cert "$cert" --tls-key "$tmp/garbage.pem"
refused "encrypted key" "ecrlite serve: error: TLS key '$tmp/enc.key' is encrypted; the server needs it without a passphrase (openssl pkey -in KEY -out PLAIN)" \
	--tls-cert "$cert" --tls-key "$tmp/enc.key"
refused "a key of another certificate" "ecrlite serve: error: TLS key '$tmp/other.key' does not belong to the certificate in '$cert'" \
	--tls-cert "$cert" --tls-key "$tmp/other.key"
refused "a missing key file" "ecrlite serve: error: cannot read TLS key '$tmp/nope.key': No such file or directory" \
	--tls-cert "$cert" --tls-key "$tmp/nope.key"
timeout 10 "$bin/ecrlite" serve --listen 127.0.0.1:0 --tls-cert "$cert" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -qx "ecrlite serve: error: --tls-cert and --tls-key go together" "$tmp/err" && ok || bad "--tls-cert alone: exit $rc $(cat "$tmp/err")"
# an EC key pair serves as well as RSA
start_server --tls-cert "$tmp/other.pem" --tls-key "$tmp/other.key"
code=$(curl -s -o /dev/null -w '%{http_code}' -k "$E/v2/")
[ "$code" = 401 ] && ok || bad "an EC certificate: GET /v2/ answered $code"
kill -TERM "$spid"; wait "$spid"; spid=

echo "serve-tls: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
