#!/bin/bash
# What a newcomer types first: ecrlite --help/-h/--version, `aws help`'s hint, a cmdlet's
# -?/--help, bash completion (ecrlite's, the cmdlets', and the aws link's by the real
# CLI's completer protocol), the manual, `make install` into a scratch prefix, plurals.
set -u
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/newcomer-XXXXXX); trap 'rm -rf "$tmp"' EXIT
export ECRLITE_HOME=$tmp/state AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL newcomer: $*"; fail=$((fail + 1)); }
help=$("$bin/ecrlite" help)
[ "$("$bin/ecrlite" --help)" = "$help" ] && [ "$("$bin/ecrlite" -h)" = "$help" ] && grep -q "^  rematch " <<<"$help" && ok || bad "--help/-h"
[ "$("$bin/ecrlite" --version)" = "$("$bin/ecrlite" version)" ] && grep -q "^ecrlite [0-9]" <<<"$("$bin/ecrlite" --version)" && ok || bad "--version"
out=$("$bin/ecrlite" aws help 2>&1); rc=$?
[ $rc = 252 ] && grep -q "see 'aws ecr help'" <<<"$out" && ok || bad "aws help: $rc $out"
# an operation's help: a boolean parameter is its pair of flags, as the real CLI prints it
out=$("$bin/ecrlite" aws ecr delete-repository help)
grep -qxF '          [--force | --no-force]' <<<"$out" && grep -qxF '       --force | --no-force (boolean)' <<<"$out" && ok || bad "operation help: boolean flags: $(grep -- --force <<<"$out")"
out=$("$bin/Get-ECRImage" '-?'); [ "$out" = "$("$bin/Get-ECRImage" --help)" ] && grep -q "^usage: Get-ECRImage \[-RepositoryName\] <String> " <<<"$out" && ok || bad "cmdlet -?: $out"
# completion: the aws link by COMP_LINE/COMP_POINT, as bash's complete -C runs it
comp() { COMP_LINE=$1 COMP_POINT=${#1} "$bin/ecrlite" aws_completer; }
[ "$(comp 'aws ecr start-image-')" = "start-image-scan" ] && ok || bad "completer: operation: $(comp 'aws ecr start-image-')"
comp 'aws ecr describe-image-scan-findings --' | grep -qx -- "--image-id" && comp 'aws ecr describe-image-scan-findings --' | grep -qx -- "--page-size" && ok || bad "completer: options"
[ "$(comp 'ecrlite aws ecr wait image')" = "image-scan-complete" ] && ok || bad "completer: waiter via ecrlite aws"
[ "$(comp 'aws ecr list-images --output ya' | tr '\n' ' ')" = "yaml yaml-stream " ] && ok || bad "completer: --output values"
[ "$(comp 'aws ecr create-repository --image-tag-mutability I')" = "IMMUTABLE" ] && ok || bad "completer: enum values"
out=$(bash -c 'source "$1/doc/ecrlite.bash"; PATH=$2:$PATH; COMP_WORDS=(ecrlite vul); COMP_CWORD=1; _ecrlite; echo "${COMPREPLY[*]}"; COMP_WORDS=(Start-ECRImageScan -Repo); COMP_CWORD=1; _ecrlite_cmdlet; echo "${COMPREPLY[*]}"' _ "$top" "$bin")
[ "$out" = "vulndb
-RepositoryName" ] && ok || bad "bash completion functions: $out"
# the manual renders; make install puts it, the completions and the links in place
if command -v man >/dev/null; then
	man -l "$top/doc/ecrlite.1" 2>/dev/null | grep -q "rematch" && ok || bad "man page"
fi
if make -s -C "$top" install BUILD="$(dirname "$bin")" PREFIX="$tmp/prefix" > "$tmp/install.out" 2>&1; then
	p=$tmp/prefix
	[ -f "$p/share/man/man1/ecrlite.1" ] && [ -f "$p/share/bash-completion/completions/ecrlite" ] &&
		[ -L "$p/share/bash-completion/completions/Get-ECRImage" ] && [ ! -e "$p/share/bash-completion/completions/aws" ] &&
		[ -L "$p/libexec/ecrlite/aws" ] && [ ! -e "$p/bin/aws" ] && grep -q "libexec/ecrlite/aws" "$tmp/install.out" && ok ||
		bad "make install: $(cd "$p" && find . | sort | tr '\n' ' ') $(cat "$tmp/install.out")"
else
	bad "make install failed: $(cat "$tmp/install.out")"
fi
# README, --help and the manual agree: every option `serve --help` lists is in README's
# synopsis of serve, with the default --help gives; every command of `ecrlite help` has
# an entry in the manual; vercmp's orderings are the same in its usage, README and the manual
readme=$top/README.md man=$top/doc/ecrlite.1
synopsis=$(sed -n '/^## Serving/,/^One HTTP server/p' "$readme")
shelp=$("$bin/ecrlite" serve --help)
for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$shelp" | sort -u); do
	[ "$opt" = --help ] && continue
	grep -qE -- "[[ ]$opt[] ]" <<<"$synopsis" && ok || bad "serve --help's $opt is not in README's synopsis"
done
# '  --opt  text (default V…' (V up to ';' or ')'), README's '[--opt V]'
while read -r opt def; do
	case $def in \$*) grep -qF -- "$def" "$readme" && ok || bad "serve $opt: README lacks its default $def";;
	*) grep -qF -- "[$opt $def]" <<<"$synopsis" && ok || bad "serve $opt: README's synopsis does not give its default $def";; esac
done < <(tr '\n' ' ' <<<"$shelp" | sed 's/  \+--/\n--/g' | sed -n 's/^\(--[a-z-]*\) .*(default \([^;)]*\)[;)].*/\1 \2/p')
# the manual's serve entry gives the same default as --help for each option it names
while read -r opt def; do
	mopt=$(sed 's/-/\\-/g' <<<"$opt")
	grep -qxF ".B $mopt" "$man" || continue
	grep -xF -A3 ".B $mopt" "$man" | grep -q "default $def\b" && ok || bad "serve $opt: doc/ecrlite.1 does not give its default $def"
done < <(tr '\n' ' ' <<<"$shelp" | sed 's/  \+--/\n--/g' | sed -n 's/^\(--[a-z-]*\) .*(default \([0-9][0-9]*\)[;)].*/\1 \2/p')
for c in $(sed -n '/^commands:/,/^$/s/^  \([a-z_]*\) .*/\1/p' <<<"$help"); do
	grep -q "^\.B[IR]* \"\?$c\b" "$man" && ok || bad "command $c has no entry in doc/ecrlite.1"
done
kinds=$("$bin/ecrlite" vercmp 2>&1 | sed -n '1s/^usage: ecrlite vercmp \([a-z|]*\) .*/\1/p')
all=$(grep -o '^    ecrlite vercmp [a-z|]*' "$readme" | sed 's/.* //' | tr '\n' '|' | sed 's/|$//')
[ -n "$kinds" ] && [ "$all" = "$kinds" ] && grep -qF "vercmp $kinds" "$man" && ok || bad "vercmp orderings: usage '$kinds', README '$all', manual $(grep -o 'vercmp [a-z|]*' "$man")"
# every `ecrlite COMMAND` README writes is a command `ecrlite help` lists
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z_]*\) .*/\1/p' <<<"$help")
for c in $(grep -o '`ecrlite [a-z_]*' "$readme" | awk '{print $2}' | sort -u); do
	grep -qx "$c" <<<"$cmds" && ok || bad "README writes 'ecrlite $c', which ecrlite help does not list"
done
# each command answers --help with its usage (jp waited for JSON, cvss took it as a vector)
for c in $cmds; do
	case $c in aws|aws_completer|help|version) continue;; esac
	timeout 10 "$bin/ecrlite" "$c" --help < /dev/null 2>&1 | grep -q "^usage: ecrlite $c" && ok || bad "ecrlite $c --help gives no usage line"
done
for h in --help -h; do
	out=$("$bin/ecrlite" lua "$h" < /dev/null 2>/dev/null); rc=$?
	[ $rc = 0 ] && grep -q "^usage: ecrlite lua" <<<"$out" && ok || bad "ecrlite lua $h: exit $rc, stdout '$out'"
done
"$bin/ecrlite" lua --bogus < /dev/null > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "^usage: ecrlite lua" "$tmp/err" && ok || bad "ecrlite lua --bogus: exit $rc"
# pwsh's own ways of asking: -Help, -h, -?, /? (and --help) on stdout with exit 0
for h in -Help -h '-?' '/?' --help; do
	out=$("$bin/ecrlite" pwsh "$h" < /dev/null 2>/dev/null); rc=$?
	[ $rc = 0 ] && grep -q "^usage: ecrlite pwsh" <<<"$out" && ok || bad "ecrlite pwsh $h: exit $rc, stdout '$out'"
done
# ecrlite's own commands: the usage asked for (--help, -h, anywhere) on stdout with exit
# 0, as GNU tools give it; the same usage for a wrong argument on stderr with exit 2
for c in cvss inventory jp lifecycle push rematch vercmp vulndb; do
	for h in --help -h "--region us-west-2 --help"; do
		out=$(timeout 10 "$bin/ecrlite" "$c" $h < /dev/null 2>/dev/null); rc=$?
		[ $rc = 0 ] && grep -q "^usage: ecrlite $c" <<<"$out" && ok || bad "ecrlite $c $h: exit $rc, stdout '$out'"
	done
	err=$(timeout 10 "$bin/ecrlite" "$c" --no-such-option a b c d < /dev/null 2>&1 >/dev/null); rc=$?
	[ $rc = 2 ] && [ "$(sed -n 1p <<<"$err")" = "$(timeout 10 "$bin/ecrlite" "$c" --help | sed -n 1p)" ] && ok || bad "ecrlite $c with a wrong argument: exit $rc, stderr '$err'"
done
# bash completion offers what the usage lines list: each option of a command's usage,
# and vercmp's orderings
compl() { bash -c 'source "$1/doc/ecrlite.bash"; PATH=$2:$PATH; shift 2; COMP_WORDS=(ecrlite "$@" ""); COMP_CWORD=$(($# + 1)); _ecrlite; echo "${COMPREPLY[*]}"' _ "$top" "$bin" "$@"; }
for c in push inventory rematch serve; do
	words=" $(compl "$c") "
	for opt in $("$bin/ecrlite" "$c" --help 2>&1 < /dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[[ $words == *" $opt "* ]] && ok || bad "bash completion of ecrlite $c lacks $opt"
	done
done
words=" $(compl lifecycle run) "
for opt in $("$bin/ecrlite" lifecycle --help 2>&1 < /dev/null | sed -n 1p | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	[[ $words == *" $opt "* ]] && ok || bad "bash completion of ecrlite lifecycle run lacks $opt"
done
for c in lua pwsh; do
	words=" $(compl "$c") "
	for opt in $("$bin/ecrlite" "$c" --help 2>&1 < /dev/null | sed -n 1p | grep -o -- ' \[-[A-Za-z]*\| -[A-Z][A-Za-z]*' | tr -d ' [' | sort -u); do
		[[ $words == *" $opt "* ]] && ok || bad "bash completion of ecrlite $c lacks $opt"
	done
done
[ "$(compl vercmp | tr ' ' '|')" = "$kinds" ] && ok || bad "bash completion of vercmp: $(compl vercmp), usage $kinds"
# every ECRLITE_ variable README names has an entry in the manual's ENVIRONMENT
for v in $(grep -o 'ECRLITE_[A-Z_]*[A-Z]' "$readme" | sort -u); do
	sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$man" | grep -q "^\.B[R]* .*\b$v\b" && ok || bad "$v has no entry in doc/ecrlite.1's ENVIRONMENT"
done
# README's Layout names every source file of core/ and frontends/ (globs such as
# vercmp_*.c count), every folder of frontends/ and every top-level folder
layout=$(sed -n '/^## Layout/,/^## /p' "$readme")
words=$(tr -s ' \n' '\n\n' <<<"$layout" | sed 's/[`,;:()]//g' | grep -E '\.c$|\.sh$|/$' | sort -u)
for f in "$top"/core/*.c "$top"/frontends/*.c; do
	b=$(basename "$f") hit=
	while read -r w; do [[ $b == $w ]] && { hit=1; break; }; done <<<"$words"
	[ -n "$hit" ] && ok || bad "README's Layout does not name $(basename "$(dirname "$f")")/$b"
done
for d in "$top"/frontends/*/ "$top"/*/; do
	b=$(basename "$d")/
	[ "$b" = build/ ] || grep -qxF -- "$b" <<<"$words" && ok || bad "README's Layout does not name the folder $b"
done
# plurals
"$bin/aws" ecr create-repository --repository-name one >/dev/null
if [ -f "$top/samples/alpine-3.19.oci.tar" ]; then
	"$bin/ecrlite" push "$top/samples/alpine-3.19.oci.tar" one:v1 | grep -q "(1 layer, " && ok || bad "push: 1 layer"
fi
"$bin/ecrlite" vulndb import "$top/samples/feeds/alpine-v3.19-main.subset.json" | grep -q "^imported 1 document, " && ok || bad "import: 1 document"
echo "newcomer: $pass passed, $fail failed"
[ $fail = 0 ]
