#!/usr/bin/python3
"""CVSS scores from vectors against RedHatProductSecurity/cvss's own tables in
../shared/conformance/cvss (`VECTOR - (base, temporal, environmental)`, None where a
score is undefined), through `ecrlite cvss -`; then bad vectors, which must be refused
with a message naming what is wrong, and CVSS 4.0, which is refused by name."""
import glob, os, subprocess, sys

ecrlite = os.path.join(sys.argv[1], "ecrlite")
shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared")
passed = failed = skipped = 0


def run(vectors):
    out = subprocess.run([ecrlite, "cvss", "-"], input="".join(v + "\n" for v in vectors), capture_output=True, text=True)
    return out.stdout.splitlines(), out.stderr, out.returncode


files = sorted(f for f in glob.glob(os.path.join(shared, "conformance/cvss/vectors_*")) if not f.endswith("4"))
if not files:
    skipped += 1
    print("cvss: ../shared/conformance/cvss missing; scores not checked")
for f in files:
    rows = [l.rstrip("\n").split(" - ") for l in open(f) if " - " in l]
    got, err, rc = run([r[0] for r in rows])
    for (vec, exp), line in zip(rows, got):
        want = [None if x.strip() == "None" else float(x) for x in exp.strip("()").split(",")]
        cols = line.split()
        have = [None if x == "-" else float(x) for x in cols[:3]] if len(cols) == 4 else line
        if have == want:
            passed += 1
        else:
            failed += 1
            print("FAIL cvss %s (%s): want %s, got %s %s" % (vec, os.path.basename(f), want, line, err[:200]))
    if len(got) != len(rows):
        failed += 1
        print("FAIL cvss %s: %d lines for %d vectors" % (f, len(got), len(rows)))

# the rating bands (FIRST's, which Inspector uses) on the scores of the spec's GHSA vectors
for vec, want in [("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", "7.2 HIGH"),
                  ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "9.8 CRITICAL"),
                  ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", "5.3 MEDIUM"),
                  ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", "0.0 NONE"),
                  ("AV:N/AC:H/Au:M/C:N/I:N/A:P", "1.7 LOW")]:
    got, _, _ = run([vec])
    cols = got[0].split() if got else []
    if cols and cols[0] + " " + cols[-1] == want:
        passed += 1
    else:
        failed += 1
        print("FAIL cvss rating %s: want %s, got %s" % (vec, want, got))

bad = [("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "base metric A missing"),
       ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L", "metric A given twice"),
       ("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value Q"),
       ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", "unknown metric ZZ"),
       ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "ends with '/'"),
       ("CVSS:9.9/AV:N", "unknown CVSS version"),
       ("AV:N/AC:L/Au:N/C:P/I:P", "base metric A missing"),
       ("", "empty CVSS vector"),
       ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS 4.0 vectors are not scored")]
for vec, msg in bad:
    p = subprocess.run([ecrlite, "cvss", vec], capture_output=True, text=True)
    if p.returncode == 1 and msg in p.stderr and p.stdout == "error\n":
        passed += 1
    else:
        failed += 1
        print("FAIL cvss bad vector %r: rc %d, stderr %r" % (vec, p.returncode, p.stderr))
print("cvss: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(1 if failed else 0)
