#!/usr/bin/python3
"""Records one run of the real AWS CLI as a golden case in tests/golden/awscli, with
../shared/tools/aws-oracle (the real /usr/bin/aws against a canned response on
127.0.0.1), in the layout of ../shared/golden/awscli (cmd, request.json,
response.json, stdout, stderr, exit; note). golden_replay.py replays both folders.
Usage: golden_record.py CASE [--response FILE] [--note TEXT] -- ARGV..."""
import json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
oracle = os.path.abspath(os.path.join(top, "../shared/tools/aws-oracle"))
args = sys.argv[1:]
case, rest = args[0], args[1:]
sep = rest.index("--")
opts, argv = rest[:sep], rest[sep + 1:]
response, note = None, None
while opts:
    k, v = opts[0], opts[1]
    opts = opts[2:]
    if k == "--response":
        response = v
    elif k == "--note":
        note = v
cmd = ["/usr/bin/python3", oracle] + (["--response", response] if response else []) + ["--"] + argv
run = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
d = os.path.join(top, "tests/golden/awscli", case)
os.makedirs(d, exist_ok=True)
with open(os.path.join(d, "cmd"), "w") as f:
    f.write("".join(a + "\n" for a in argv))
# the oracle gives bodies parsed: raw_body is their json.dumps (members sorted); when
# the CLI sends another order (model order), copy raw_body from a shared case
reqs = [dict(r, raw_body=json.dumps(r["body"])) for r in run["requests"]]
json.dump(reqs, open(os.path.join(d, "request.json"), "w"), indent=2, sort_keys=True)
body = json.load(open(response)) if response else {}
json.dump([{"status": 200, "body": body}] * len(reqs), open(os.path.join(d, "response.json"), "w"), indent=2)
for name in ("stdout", "stderr"):
    open(os.path.join(d, name), "w").write(run[name])
open(os.path.join(d, "exit"), "w").write("%d\n" % run["exit"])
if note:
    open(os.path.join(d, "note"), "w").write(note + "\n")
print("%s: exit %d, %d request(s)" % (case, run["exit"], len(reqs)))
