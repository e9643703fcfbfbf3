#!/bin/bash
# Runs golden CLI cases: one directory per case with `cmd` (argv after the program, one
# word per line), optional `setup` (shell, run first in the case's state), `prog`
# (aws by default; or ecrlite), expected `stdout`, `stderr`, `exit`.
# Usage: run-golden.sh BINDIR CASEDIR...   Prints one line per failure with a diff.
set -u
bin=$(cd "$1" && pwd); shift
shared=$(cd "$(dirname "$0")/../../shared" 2>/dev/null && pwd)
pass=0 fail=0 skipped=0
# the step's name in the closing line: golden-aws, golden-pwsh (the cases' folder)
label=golden; [ $# -gt 0 ] && label=golden-$(basename "$(dirname "${1%/}")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$@"; do
	[ -f "$dir/cmd" ] || continue
	name=${dir%/}; name=${name#*/tests/}
	# cases that push the shared test images need ../shared (the project's shared test
	# data, a sibling of the work tree); without it they are skipped, and said so
	if [ -z "$shared" ] && grep -qs 'SHARED' "$dir/cmd" "$dir/setup"; then
		skipped=$((skipped + 1)); continue
	fi
	rm -rf "$tmp/state" "$tmp/home"; mkdir -p "$tmp/home"
	mapfile -t argv < "$dir/cmd"
	argv=("${argv[@]//%SHARED/$shared}")
	prog=aws; [ -f "$dir/prog" ] && prog=$(cat "$dir/prog")
	extra=()
	[ -f "$dir/env" ] && mapfile -t extra < "$dir/env"  # VAR=value lines for this case
	run() {
		env -i PATH="$bin:/usr/bin:/bin" HOME="$tmp/home" TZ=UTC LANG=C.UTF-8 \
			ECRLITE_HOME="$tmp/state" ECRLITE_NOW=2026-11-28T12:00:00Z \
			AWS_DEFAULT_REGION=us-east-2 AWS_CONFIG_FILE=/dev/null \
			SHARED="$shared" ECRLITE="$bin/ecrlite" AWS="$bin/aws" "${extra[@]}" "$@"
	}
	if [ -f "$dir/setup" ]; then
		if ! (cd "$dir" && run bash ./setup) > "$tmp/setup.out" 2>&1; then
			echo "FAIL $name: setup failed"; cat "$tmp/setup.out"; fail=$((fail + 1)); continue
		fi
	fi
	(cd "$dir" && run "$bin/$prog" "${argv[@]}") > "$tmp/out" 2> "$tmp/err"
	echo $? > "$tmp/exit"
	ok=1
	for f in stdout stderr exit; do
		want="$dir/$f"; [ -f "$want" ] || { [ $f = exit ] && want=/dev/null; }
		[ -f "$want" ] || want=/dev/null
		got="$tmp/out"; [ $f = stderr ] && got="$tmp/err"; [ $f = exit ] && got="$tmp/exit"
		if [ $f = exit ] && [ ! -f "$dir/exit" ]; then echo 0 > "$tmp/want-exit"; want="$tmp/want-exit"; fi
		if ! cmp -s "$want" "$got"; then
			[ $ok = 1 ] && echo "FAIL $name"
			ok=0
			diff -u "$want" "$got" | head -40 | sed 's/^/    /'
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
[ $skipped -gt 0 ] && echo "$label: $skipped cases skipped: they need ../shared (the shared test data beside the work tree), which is absent"
echo "$label: $pass passed, $fail failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $fail = 0 ]
