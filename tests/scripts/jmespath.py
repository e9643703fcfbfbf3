#!/usr/bin/python3
"""The official JMESPath compliance suite (../shared/conformance/jmespath, 908 cases)
through `ecrlite jp`: every result equal as JSON, every error of the expected kind."""
import glob, json, os, subprocess, sys

bindir = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
suite = os.path.abspath(os.path.join(here, "../../../shared/conformance/jmespath"))
if not os.path.isdir(suite):
    print("jmespath: ../shared/conformance/jmespath is absent; skipping")
    print("jmespath: 0 passed, 0 failed, 1 skipped")
    sys.exit(0)
passed = failed = 0
for path in sorted(glob.glob(os.path.join(suite, "*.json"))):
    if os.path.basename(path) == "schema.json":
        continue
    for group in json.load(open(path)):
        given = json.dumps(group["given"])
        for case in group["cases"]:
            p = subprocess.run([os.path.join(bindir, "ecrlite"), "jp", case["expression"]], input=given,
                               capture_output=True, text=True)
            if "error" not in case and "result" not in case:
                # benchmark cases: they must simply evaluate
                ok, got, want = p.returncode == 0, p.stderr.strip(), "no error"
            elif "error" in case:
                ok = p.returncode == 1 and p.stderr.startswith(case["error"] + ":")
                got = p.stderr.strip() or p.stdout.strip()
                want = "error " + case["error"]
            else:
                try:
                    ok = p.returncode == 0 and json.loads(p.stdout) == case["result"]
                except ValueError:
                    ok = False
                got = (p.stdout + p.stderr).strip()
                want = json.dumps(case["result"])
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL jmespath %s: %s -> %s, want %s" % (os.path.basename(path), case["expression"], got[:300], want[:300]))
print("jmespath: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
