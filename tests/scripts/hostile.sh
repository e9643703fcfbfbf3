#!/bin/bash
# Hostile input (issue 13): what once crashed, grew without a bound or gave an unclear
# answer. Each case asserts what the user sees: the exit code, the message, and that
# the state is unharmed.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=$top/../shared
tmp=$(mktemp -d /tmp/hostile-test-XXXXXX); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null TZ=UTC
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL hostile: $*"; fail=$((fail + 1)); }
"$bin/aws" ecr create-repository --repository-name rr >/dev/null

# --query nested past the bound: the CLI's parse error (exit 252), not a stack overflow
deep() { python3 -c 'import sys; n = int(sys.argv[2]); o, c = sys.argv[1], {"[": "]", "(": ")"}.get(sys.argv[1], ""); print(o * n + "repositories" + c * n)' "$@"; }
for pat in '!' '[' 'a|' '('; do
	"$bin/aws" ecr describe-repositories --query "$(deep "$pat" 30000)" > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc = 252 ] && grep -q "^Bad value for --query .*: maximum recursion depth exceeded$" "$tmp/err" && ok ||
		bad "--query 30000 x '$pat': exit $rc $(tail -c 200 "$tmp/err")"
done
# within the bound it still works (the real CLI takes 484 '!')
[ "$("$bin/aws" ecr describe-repositories --query "$(deep "!" 484)")" = true ] && ok || bad "--query 484 x '!'"
[ "$("$bin/aws" ecr describe-repositories --query "$(deep '(' 300)[0].repositoryName" --output text)" = rr ] && ok || bad "--query 300 x '('"

# Lua: a table that contains itself, and deep nesting, are Lua errors, not crashes
lua_err() { # code expected-message
	"$bin/ecrlite" lua -e "$1" > "$tmp/out" 2> "$tmp/err"; local rc=$?
	[ $rc = 1 ] && grep -qF -- "$2" "$tmp/err" && ok || bad "lua '$1': exit $rc $(head -2 "$tmp/err")"
}
lua_err 'local t = {} t.t = t print(ecr.json.encode(t))' "(field 't': the table contains itself)"
lua_err 'local t = {} t[1] = {t} print(ecr.json.encode(t))' "(field '[1][1]': the table contains itself)"
lua_err 'local t = {} for i = 1, 1000 do t = {a = t} end print(ecr.json.encode(t))' "nested too deeply: more than 64 levels"
lua_err 'local t = {} for i = 1, 1000 do t = {t} end print(ecr.json.encode(t))' "nested too deeply: more than 64 levels"
lua_err 'local t = {} t.t = t ecr.describe_images{repositoryName = "rr", filter = t}' "bad argument #1 to 'ecr.describe_images'"
# JSON has no NaN or infinity: refused with the field's name, never silently dropped
lua_err 'print(ecr.json.encode({1, 0/0}))' "(field '[2]': a finite number expected, got "
lua_err 'print(ecr.json.encode({a = {b = 1/0}}))' "(field 'a.b': a finite number expected, got inf)"
lua_err 'print(ecr.json.encode(-1/0))' "(a finite number expected, got -inf)"
# JSON text is UTF-8: other bytes in a string or a key are refused, never dropped
lua_err "print(ecr.json.encode({repos = {{'\\244'}}}))" "(field 'repos[1][1]': a UTF-8 string expected, got other bytes)"
lua_err "print(ecr.json.encode({a = {['\\244'] = 1}}))" "(a key in field 'a': a UTF-8 string expected, got other bytes)"
lua_err "ecr.describe_repositories{repositoryNames = {'\\255'}}" "(field 'repositoryNames[1]': a UTF-8 string expected"
out=$("$bin/ecrlite" lua -e 'local t = {} for i = 1, 64 do t = {a = t} end local s = {x = 1} print(#ecr.json.encode(t), ecr.json.encode({s, s}))' 2>&1)
[ "$out" = "$(printf '386\t[{"x":1},{"x":1}]')" ] && ok || bad "lua: 64 levels and a table used twice: $out"

# Lua's memory is capped ($ECRLITE_LUA_MEMORY_MB): a runaway script gets Lua's error,
# and the REPL goes on after it, its memory back once the script's garbage is dropped
ECRLITE_LUA_MEMORY_MB=64 "$bin/ecrlite" lua -e 'local t = {} while true do t[#t + 1] = string.rep("x", 2^20) .. #t end' > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "not enough memory" "$tmp/err" && ok || bad "lua past its memory limit: exit $rc $(head -2 "$tmp/err")"
printf 't = {} while true do t[#t + 1] = string.rep("x", 2^20) .. #t end\nprint(#t > 30, #t < 64)\nt = nil collectgarbage() print(collectgarbage("count") < 4096)\n' |
	ECRLITE_LUA_MEMORY_MB=64 "$bin/ecrlite" lua -i > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q "not enough memory" "$tmp/err" && [ "$(grep -c '^true	true$\|^true$' "$tmp/out")" = 2 ] && ok ||
	bad "REPL after hitting the memory limit: exit $rc $(cat "$tmp/out" "$tmp/err")"
ECRLITE_LUA_MEMORY_MB=junk "$bin/ecrlite" lua -e 'print(1)' > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = 1 ] && grep -q "ignoring ECRLITE_LUA_MEMORY_MB='junk'" "$tmp/err" && ok || bad "ECRLITE_LUA_MEMORY_MB=junk: $(cat "$tmp/err")"

# docker archive whose config is missing: the message names it (was a use-after-free)
mkdir -p "$tmp/nocfg"
printf '[{"Config":"c0nf1g-is-missing.json","RepoTags":["x:y"],"Layers":["l/layer.tar"]}]' > "$tmp/nocfg/manifest.json"
tar -C "$tmp/nocfg" -cf "$tmp/nocfg.tar" manifest.json
"$bin/ecrlite" push "$tmp/nocfg.tar" rr:nocfg > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && [ "$(cat "$tmp/err")" = "ecrlite: push failed: missing config: 'c0nf1g-is-missing.json' is not in the archive" ] && ok ||
	bad "docker archive without its config: exit $rc $(cat -v "$tmp/err")"

# a docker archive listing 30000 layers: ECR's layer cap, named (was "Invalid JSON
# syntax" from a manifest cut at 1 MiB)
python3 - "$tmp/many.tar" <<'PY'
import hashlib, io, json, sys, tarfile
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w") as t:
    pass
lb = layer.getvalue()
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(lb).hexdigest()] * 30000}}).encode()
man = json.dumps([{"Config": "c.json", "RepoTags": ["x:y"], "Layers": ["l/layer.tar"] * 30000}]).encode()
with tarfile.open(sys.argv[1], "w") as t:
    for name, data in (("l/layer.tar", lb), ("c.json", cfg), ("manifest.json", man)):
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
PY
"$bin/ecrlite" push "$tmp/many.tar" rr:many > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "InvalidParameterException: .*layers must be a list of at most 4096 descriptors" "$tmp/err" && ok ||
	bad "docker archive with 30000 layers: exit $rc $(cat "$tmp/err")"

# what is not a regular file or a directory is refused at once: a FIFO would block,
# a device never end; a FIFO that is our own stdin stays allowed for file://
mkfifo "$tmp/fifo"
refuse() { # expected-exit expected-message command...
	local want=$1 msg=$2; shift 2
	timeout 10 "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null; local rc=$?
	[ $rc = "$want" ] && grep -qF -- "$msg" "$tmp/err" && ok || bad "$*: exit $rc $(head -3 "$tmp/err")"
}
refuse 1 "push failed: not an image archive: '$tmp/fifo' is not a regular file or a directory" "$bin/ecrlite" push "$tmp/fifo" rr:f
refuse 1 "push failed: not an image archive: '/dev/zero' is not a regular file or a directory" "$bin/ecrlite" push /dev/zero rr:f
refuse 1 "not a regular file or a directory" "$bin/ecrlite" inventory --rootfs /dev/zero
refuse 1 "not a regular file or a directory" "$bin/ecrlite" inventory --rootfs "$tmp/fifo"
refuse 1 "$tmp/fifo: not a regular file or a directory" "$bin/ecrlite" vulndb import "$tmp/fifo"
refuse 252 "Error parsing parameter 'cli-input-json': Unable to load paramfile file://$tmp/fifo: '$tmp/fifo' is not a regular file" \
	"$bin/aws" ecr describe-repositories --cli-input-json "file://$tmp/fifo"
out=$(echo '{"repositoryNames": ["rr"]}' | "$bin/aws" ecr describe-repositories --cli-input-json file:///dev/stdin --query 'repositories[0].repositoryName' --output text 2>&1)
[ "$out" = rr ] && ok || bad "--cli-input-json file:///dev/stdin from a pipe: $out"

# JSON \u0000 is JSON (as Python's json takes it); validation refuses the value, and no
# shorter name is ever used in its place
"$bin/aws" ecr create-repository --cli-input-json '{"repositoryName": "ab\u0000cd"}' > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "ValidationException.*'repositoryName' failed to satisfy constraint: Member must satisfy regular expression pattern" "$tmp/err" && ok ||
	bad "repositoryName with \\u0000: exit $rc $(cat "$tmp/err")"
"$bin/aws" ecr tag-resource --resource-arn "arn:aws:ecr:us-east-2:000000000000:repository/rr" --tags '[{"Key": "a\u0000b", "Value": "v"}]' > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "Member must not contain NUL characters" "$tmp/err" && ok || bad "tag key with \\u0000: exit $rc $(cat "$tmp/err")"

# an ARN is its whole text: "repository/rr junk" names 'rr junk', never the repository rr
"$bin/aws" ecr tag-resource --resource-arn "arn:aws:ecr:us-east-2:000000000000:repository/rr junk" --tags Key=k,Value=v > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -q "RepositoryNotFoundException.*The repository with name 'rr junk' does not exist" "$tmp/err" &&
	[ "$("$bin/aws" ecr list-tags-for-resource --resource-arn arn:aws:ecr:us-east-2:000000000000:repository/rr --query 'length(tags[?Key==`k`])')" = 0 ] &&
	ok || bad "an ARN with text after the name: exit $rc $(cat "$tmp/err")"

# bytes that are not UTF-8 in argv or a script read as the real clients read them (one
# U+FFFD each, Python and .NET), never as a value that vanishes from the request
"$bin/aws" ecr create-repository --repository-name $'a\xff' > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 254 ] && grep -qF "Value 'a"$'\xef\xbf\xbd'"' at 'repositoryName' failed to satisfy constraint" "$tmp/err" && ok || bad "aws: a name with a byte that is not UTF-8: exit $rc $(cat "$tmp/err")"
"$bin/aws" ecr describe-repositories --repository-names $'a\xff' x > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 252 ] && grep -qF "Invalid length for parameter repositoryNames[1], value: 1" "$tmp/err" && ok || bad "aws: a list with a byte that is not UTF-8: exit $rc $(cat "$tmp/err")"
printf 'Write-Output "x\377y"\nNew-ECRRepository -RepositoryName "b\377"\n' > "$tmp/bytes.ps1"
"$bin/ecrlite" pwsh -File "$tmp/bytes.ps1" > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = "x"$'\xef\xbf\xbd'"y" ] && grep -qF "Value 'b"$'\xef\xbf\xbd'"' at 'repositoryName'" "$tmp/err" && ok || bad "pwsh: a script with bytes that are not UTF-8: $(cat "$tmp/out" "$tmp/err")"

# --endpoint-url: http and https only, refused in the real CLI's words (exit 255)
endpoint() { # url expected-message
	AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b "$bin/aws" ecr describe-repositories --endpoint-url "$1" --debug > "$tmp/out" 2> "$tmp/err"; local rc=$?
	[ $rc = 255 ] && [ "$(grep -v '^ecrlite debug' "$tmp/err" | sed '/^$/d')" = "$2" ] && ! grep -q root: "$tmp/err" && ok ||
		bad "--endpoint-url $1: exit $rc $(cat "$tmp/err")"
}
endpoint file:///etc/passwd "Invalid endpoint: file:///etc/passwd"
endpoint file://localhost/etc/passwd "An HTTP Client raised an unhandled exception: Not supported URL scheme file"
endpoint gopher://127.0.0.1/ "An HTTP Client raised an unhandled exception: Not supported URL scheme gopher"
endpoint notaurl 'Bad value for --endpoint-url "notaurl": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/'

# pwsh: values past the caps are PowerShell's own errors, never a value cut short; the
# statement fails, so -Command exits 1 (they gave $null and exit 0)
ps_err() { # command expected-first-line
	"$bin/ecrlite" pwsh -Command "$1" > "$tmp/out" 2> "$tmp/err"; local rc=$?
	[ $rc = 1 ] && [ "$(head -1 "$tmp/err")" = "$2" ] && ok || bad "pwsh '$1': exit $rc $(head -2 "$tmp/err") / $(head -2 "$tmp/out")"
}
ps_err "('{0,2000000000}' -f 1).Length" "InvalidOperation: Error formatting a string: Input string was not in a correct format.."
ps_err "('x' * 2000000000).Length" "OperationStopped: Exception of type 'System.OutOfMemoryException' was thrown."
ps_err "(('x' * 1000) * 100000).Length" "OperationStopped: Exception of type 'System.OutOfMemoryException' was thrown."
ps_err '$s = "x" * 40000000; $s += $s' "OperationStopped: Exception of type 'System.OutOfMemoryException' was thrown."
ps_err '(1..2000000000).Count' "OperationStopped: Array dimensions exceeded supported range."
ps_err '(@(1, 2) * 600000).Count' "OperationStopped: Array dimensions exceeded supported range."
ps_err '$r = 1..2000000' "OperationStopped: Array dimensions exceeded supported range."
out=$("$bin/ecrlite" pwsh -Command '$r = 5; $r = 1..2000000; "$? $r"' 2>/dev/null)
[ "$out" = "False 5" ] && ok || bad "pwsh: past a cap \$? is False and the assignment keeps its value: $out"
out=$("$bin/ecrlite" pwsh -Command '$s = "x" * 40000000; $s += $s; "$? $($s.Length)"; $d = 4; $d /= 0; "$? $d"' 2>/dev/null)
[ "$out" = "$(printf 'False 40000000\nFalse 4')" ] && ok || bad "pwsh: a failed += or /= keeps the value, \$? False: $out"
out=$("$bin/ecrlite" pwsh -Command 'try { $r = 1..2000000; "not caught" } catch [System.OutOfMemoryException] { "caught" }' 2>&1)
[ "$out" = caught ] && ok || bad "pwsh: the cap's error is catchable: $out"
# up to the caps the values are whole (and repetition is linear: this took minutes)
out=$("$bin/ecrlite" pwsh -Command "('{0,999999}' -f 1).Length; (('x' * 1000) * 60000).Length; (1..1000000).Count; (@(1, 2) * 500000).Count" 2>&1)
[ "$out" = "$(printf '999999\n60000000\n1000000\n1000000')" ] && ok || bad "pwsh values at the caps: $out"

# temp files of killed pushes: each process writes into its own locked tmp/p-* directory;
# the next writer sweeps the unlocked ones, never a live (here: stopped) push's
if [ -f "$shared/images/debian-bookworm-layered.oci.tar" ]; then
	big=$shared/images/debian-bookworm-layered.oci.tar small=$shared/images/alpine-3.19.oci.tar
	wait_tmp() { # pid: until the push has a temp file (or ended)
		for _ in $(seq 1 1000); do
			ls "$ECRLITE_HOME"/tmp/p-*/blob-* >/dev/null 2>&1 && return 0
			kill -0 "$1" 2>/dev/null || return 1
			sleep 0.01
		done
		return 1
	}
	# stopped first, then killed only while its temp file is there: a push that renamed
	# its blob between the look and the kill would leave nothing (a race, not a bug)
	killed=0
	for i in 1 2 3 4 5; do
		"$bin/ecrlite" push "$big" "rr:k$i" >/dev/null 2>&1 &
		pid=$!
		if wait_tmp $pid && kill -STOP $pid 2>/dev/null; then
			if ls "$ECRLITE_HOME"/tmp/p-*/blob-* >/dev/null 2>&1; then
				kill -9 $pid && killed=$((killed + 1))
			else
				kill -CONT $pid
			fi
		fi
		wait $pid 2>/dev/null
		[ $killed -ge 1 ] && break
	done
	left=$(ls "$ECRLITE_HOME"/tmp/p-*/ 2>/dev/null | grep -c blob-)
	[ $killed -ge 1 ] && [ "$left" -ge 1 ] && ok || bad "kill -9 of pushes: $killed killed, $left temp files left (want both >= 1)"
	"$bin/ecrlite" push "$small" rr:sweep1 >/dev/null || bad "push after killed pushes"
	[ -z "$(ls -A "$ECRLITE_HOME/tmp")" ] && ok || bad "the killed pushes' temp files were not swept: $(ls -A "$ECRLITE_HOME/tmp")"
	# a live push, stopped while it has temp files, keeps them through a sweep
	"$bin/ecrlite" push "$big" rr:live > "$tmp/live.out" 2>&1 &
	live=$!
	if wait_tmp $live; then
		kill -STOP $live
		mine=$(ls -d "$ECRLITE_HOME"/tmp/p-*)
		files=$(ls "$mine")
		"$bin/ecrlite" push "$small" rr:sweep2 >/dev/null 2>&1 || bad "push during a stopped push"
		after=$(ls "$mine" 2>/dev/null)
		kill -CONT $live
		wait $live; rc=$?
		[ -n "$files" ] && [ "$files" = "$after" ] && [ $rc = 0 ] && ok ||
			bad "sweep during a live push: its dir $mine ('$files' -> '$after'), rc $rc; $(cat "$tmp/live.out")"
		[ -z "$(ls -A "$ECRLITE_HOME/tmp")" ] && ok || bad "tmp/ not empty after the pushes: $(ls -A "$ECRLITE_HOME/tmp")"
		"$bin/aws" ecr describe-images --repository-name rr --image-ids imageTag=live >/dev/null && ok || bad "the stopped push's image is missing"
	else
		kill $live 2>/dev/null; wait $live; bad "the live push never had a temp file"
	fi
else
	echo "hostile: ../shared/images absent; the temp-file sweep is not tested"
fi

echo "hostile: $pass passed, $fail failed"
[ $fail = 0 ]
