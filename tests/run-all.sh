#!/bin/bash
# Everything `make test` runs, in order; a closing "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
build=${BUILD:-build}
bin=$build/bin
total_pass=0 total_fail=0
step() { # name command...
	local out rc
	out=$("${@:2}" 2>&1); rc=$?
	printf '%s\n' "$out"
	local line
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
	local p f
	p=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
	f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}
step unit "$build/tests/unit-tests"
step golden-aws tests/run-golden.sh "$bin" tests/cli/aws/*/
step golden-pwsh tests/run-golden.sh "$bin" tests/cli/pwsh/*/
step push tests/scripts/push-broken.sh "$bin"
step inventory tests/scripts/inventory.sh "$bin"
step pkgdb tests/scripts/pkgdb.sh "$bin"
step layer-upload tests/scripts/layer_upload.sh "$bin"
step serve-registry tests/scripts/serve_registry.sh "$bin"
step serve-multiarch tests/scripts/serve_multiarch.sh "$bin"
step serve-conformance /usr/bin/python3 tests/scripts/serve_conformance.py "$bin"
step vercmp /usr/bin/python3 tests/scripts/vercmp.py "$bin"
step cvss /usr/bin/python3 tests/scripts/cvss.py "$bin"
step scan-feeds /usr/bin/python3 tests/scripts/scan_feeds.py "$bin"
step scan-rpm-osv /usr/bin/python3 tests/scripts/scan_rpm_osv.py "$bin"
step feeds-real /usr/bin/python3 tests/scripts/feeds_real.py "$bin"
step scan-ecr tests/scripts/scan_ecr.sh "$bin"
step enhanced /usr/bin/python3 tests/scripts/enhanced.py "$bin"
step lang-images /usr/bin/python3 tests/scripts/lang_images.py "$bin"
step encodings /usr/bin/python3 tests/scripts/encodings.py "$bin"
step faults tests/scripts/faults.sh "$bin"
step state-errors tests/scripts/state_errors.sh "$bin"
step own-rows tests/scripts/own_rows.sh "$bin"
step lua tests/scripts/lua.sh "$bin"
step newcomer tests/scripts/newcomer.sh "$bin"
step pwsh tests/scripts/pwsh.sh "$bin"
step fuzz-replay tests/scripts/fuzz_replay.sh "$build"
step golden-replay /usr/bin/python3 tests/scripts/golden_replay.py "$bin"
step hostile tests/scripts/hostile.sh "$bin"
step jmespath /usr/bin/python3 tests/scripts/jmespath.py "$bin"
step oracle-diff /usr/bin/python3 tests/scripts/oracle_diff.py "$bin"
step policies /usr/bin/python3 tests/scripts/policies.py "$bin"
step replication /usr/bin/python3 tests/scripts/replication.py "$bin"
step pullthrough /usr/bin/python3 tests/scripts/pullthrough.py "$bin"
step lifecycle-run /usr/bin/python3 tests/scripts/lifecycle_run.py "$bin"
step serve tests/scripts/serve.sh "$bin"
step serve-apidiff /usr/bin/python3 tests/scripts/serve_apidiff.py "$bin"
step serve-hostile /usr/bin/python3 tests/scripts/serve_hostile.py "$bin"
step serve-tls tests/scripts/serve_tls.sh "$bin"
echo "all: $total_pass passed, $total_fail failed"
[ $total_fail = 0 ]
