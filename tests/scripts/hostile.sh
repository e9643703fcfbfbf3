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

echo "hostile: $pass passed, $fail failed"
[ $fail = 0 ]
