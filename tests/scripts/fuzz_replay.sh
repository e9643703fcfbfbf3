#!/bin/bash
# The committed fuzz corpora replayed through each target (tests/fuzz/replay.c): an
# input that once crashed a parser stays a test. Under `make asan` the replays run
# with the sanitizers too.
set -u
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
for src in "$top"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c); name=${name#fuzz_}
	bin=$build/tests/fuzz-replay-$name
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz $name: $bin is not built"; fail=$((fail + 1)); continue
	fi
	seeds=("$top/tests/fuzz/corpus/$name")
	[ "$name" = pwsh ] && seeds+=("$top/tests/pwsh") # the language tests are seeds too
	if out=$("$bin" "${seeds[@]}" 2>&1) && [ "${out%% *}" -gt 0 ]; then
		pass=$((pass + 1))
	else
		echo "FAIL fuzz $name: $out" | head -20; fail=$((fail + 1))
	fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ $fail = 0 ]
