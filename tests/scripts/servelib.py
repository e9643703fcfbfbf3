"""`ecrlite serve` for the Python suites (policies.py, replication.py, pullthrough.py,
serve_apidiff.py, serve_conformance.py):
a server on a free loopback port over the suite's state, with the one credential the
suites sign with, and its stop. Each suite loads this file by its path (importlib),
since the suites keep tests/scripts off sys.path so that botocore imports the real
jmespath, not tests/scripts/jmespath.py."""
import os
import re
import signal
import subprocess
import time


def start(bindir, env, tmp, suite, args=(), credentials=True):
    """(process, endpoint URL) of a server started with env and the serve arguments args;
    URL None when it did not come up (what it said is printed under the suite's name).
    credentials: write the one key the suites sign with (not needed with --no-auth)."""
    log = open(os.path.join(tmp, "serve.log"), "w+")
    os.makedirs(env["ECRLITE_HOME"], exist_ok=True)
    if credentials:
        with open(os.path.join(env["ECRLITE_HOME"], "credentials"), "w") as f:
            f.write("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
    proc = subprocess.Popen([os.path.join(bindir, "ecrlite"), "serve", "--listen", "127.0.0.1:0", *args], env=env,
                            stderr=log, stdout=subprocess.DEVNULL)
    for _ in range(200):
        log.seek(0)
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read())
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    print("%s: the server did not start: %s" % (suite, log.read()))
    return proc, None


def stop(proc):
    """SIGTERM, as a user stops it; killed if it has not ended in 10 s"""
    if not proc:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
