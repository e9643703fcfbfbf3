#!/usr/bin/python3
"""Replays every recorded run of the real AWS CLI in ../shared/golden/awscli (and the
project's own recordings in tests/golden/awscli, made with golden_record.py) against
ecrlite's `aws` in endpoint mode: a server on 127.0.0.1 answers each request with the
case's response.json; our request bodies must equal request.json's raw bodies, and our
stdout, stderr and exit status the recorded ones, byte for byte.

Cases listed in tests/golden-known-gaps.txt (with the reason) are known not to pass
yet: they are reported and counted as skipped; one of them passing is a failure, so
the list only shrinks. Usage: golden_replay.py BINDIR [CASE...] [-v]"""
import http.server, json, os, socketserver, subprocess, sys, tempfile, threading

bindir = os.path.abspath(sys.argv[1])
verbose = "-v" in sys.argv
only = [a for a in sys.argv[2:] if a != "-v"]
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, "../.."))
golden = os.path.abspath(os.path.join(top, "../shared/golden/awscli"))
ours = os.path.join(top, "tests/golden/awscli")
if not os.path.isdir(golden):
    # the project's own recordings still replay
    print("golden-replay: ../shared/golden/awscli is absent; replaying tests/golden/awscli only")

gaps = {}
for line in open(os.path.join(top, "tests/golden-known-gaps.txt")):
    line = line.strip()
    if line and not line.startswith("#"):
        name, _, why = line.partition(" ")
        gaps[name] = why.strip()


if os.environ.get("GOLDEN_IGNORE_GAPS"):
    gaps = {}


class State:
    responses = []
    requests = []


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        State.requests.append({"target": self.headers.get("X-Amz-Target", ""), "raw_body": raw.decode("utf-8", "replace"),
                               "auth": self.headers.get("Authorization", "")})
        i = len(State.requests) - 1
        if i < len(State.responses):
            r = State.responses[i]
            body = r["raw_body"] if "raw_body" in r else json.dumps(r["body"])
            status = r.get("status", 200)
        else:
            body, status = json.dumps({"__type": "TestServerExhausted", "message": "no response recorded"}), 599
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()

home = tempfile.mkdtemp()
base_env = {"TZ": "UTC", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": home,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "us-east-2",
            "AWS_PAGER": "", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true", "ECRLITE_HOME": os.path.join(home, "state"),
            "ECRLITE_WAITER_DELAY": "0", "ECRLITE_RETRY_BACKOFF": "0"}
passed = failed = skipped = 0
cases = [(c, os.path.join(golden, c)) for c in sorted(os.listdir(golden))] if os.path.isdir(golden) else []
cases += [(c, os.path.join(ours, c)) for c in sorted(os.listdir(ours))] if os.path.isdir(ours) else []
for case, d in cases:
    if not os.path.isfile(os.path.join(d, "cmd")) or (only and case not in only):
        continue
    argv = open(os.path.join(d, "cmd")).read().split("\n")
    if argv and argv[-1] == "":
        argv.pop()
    env = dict(base_env)
    if os.path.exists(os.path.join(d, "env")):
        for line in open(os.path.join(d, "env")):
            line = line.strip()
            if line.startswith("unset "):
                env.pop(line[6:], None)
            elif "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    State.responses = json.load(open(os.path.join(d, "response.json")))
    State.requests = []
    stdin = open(os.path.join(d, "stdin"), "rb").read() if os.path.exists(os.path.join(d, "stdin")) else b""
    try:
        p = subprocess.run([os.path.join(bindir, "aws")] + argv + ["--endpoint-url", "http://127.0.0.1:%d" % port],
                           cwd=d, env=env, input=stdin, capture_output=True, timeout=60)
        out, err, code = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        out, err, code = b"", b"(timed out)", -1
    want_out = open(os.path.join(d, "stdout"), "rb").read()
    want_err = open(os.path.join(d, "stderr"), "rb").read()
    want_code = int(open(os.path.join(d, "exit")).read().strip())
    want_req = json.load(open(os.path.join(d, "request.json")))
    problems = []
    if out != want_out:
        problems.append("stdout differs")
    if err != want_err:
        problems.append("stderr differs")
    if code != want_code:
        problems.append("exit %d, want %d" % (code, want_code))
    got_bodies = [r["raw_body"] for r in State.requests]
    want_bodies = [r["raw_body"] for r in want_req]
    if got_bodies != want_bodies:
        problems.append("requests differ")
    if case in gaps:
        if problems:
            skipped += 1
            if verbose:
                print("known gap %s (%s): %s" % (case, gaps[case], ", ".join(problems)))
        else:
            failed += 1
            print("FAIL golden-replay %s: passes now; remove it from tests/golden-known-gaps.txt" % case)
        continue
    if not problems:
        passed += 1
        continue
    failed += 1
    print("FAIL golden-replay %s: %s" % (case, ", ".join(problems)))
    if verbose or len(only) > 0:
        import difflib
        for name, a, b in (("stdout", want_out, out), ("stderr", want_err, err)):
            if a != b:
                sys.stdout.writelines(difflib.unified_diff(a.decode("utf-8", "replace").splitlines(True),
                                                           b.decode("utf-8", "replace").splitlines(True),
                                                           "want " + name, "got " + name))
        if got_bodies != want_bodies:
            print("  want requests:", want_bodies)
            print("  got requests: ", got_bodies)
print("golden-replay: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
subprocess.run(["rm", "-rf", home])
sys.exit(1 if failed else 0)
