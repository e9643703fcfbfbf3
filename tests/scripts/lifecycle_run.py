#!/usr/bin/python3
"""Lifecycle policies in idle repositories: an age rule (sinceImagePushed) that comes due
with no push and no put expires its images through `ecrlite lifecycle run` (the
ApplyLifecyclePolicies row, also from Lua) and through `ecrlite serve`'s lifecycle
thread (--lifecycle-interval). What must go is computed here from the images' own push
times and tags and the rules, never taken from ecrlite's output.
usage: lifecycle_run.py BIN"""
import datetime
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

bindir = os.path.abspath(sys.argv[1])
top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
images = os.path.join(top, "../shared/images")
tmp = tempfile.mkdtemp(prefix="lifecycle-run-")
DAY = 86400
PUT_AT = "2026-11-21T12:00:00Z"    # every image younger than the rules' 30 days
LATER = "2026-12-15T12:00:00Z"     # the images pushed before 2026-11-15T12:00 are due
base_env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TZ": "UTC", "LANG": "C.UTF-8", "AWS_DEFAULT_REGION": "us-east-2",
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
passed = failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL lifecycle-run: %s %s" % (what, detail))


def epoch(t):
    if isinstance(t, (int, float)):
        return float(t)
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()


class State:
    """One state directory and the commands run on it at a given clock."""

    def __init__(self, name):
        self.home = os.path.join(tmp, name)
        os.makedirs(self.home)

    def env(self, now):
        e = dict(base_env, ECRLITE_HOME=self.home)
        if now is not None:
            e["ECRLITE_NOW"] = now
        return e

    def run(self, argv, now):
        return subprocess.run(argv, env=self.env(now), capture_output=True, text=True)

    def aws(self, *args, now=PUT_AT, counted=True):
        p = self.run([os.path.join(bindir, "aws"), "ecr", *args], now)
        if counted or p.returncode:  # a poll's calls do not count as checks: the totals stay fixed
            check("aws ecr %s" % " ".join(args[:3]), p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr.strip()))
        return json.loads(p.stdout) if p.stdout.strip() else None

    def push(self, archive, ref, at):
        p = self.run([os.path.join(bindir, "ecrlite"), "push", archive, ref], at)
        check("push %s at %s" % (ref, at), p.returncode == 0, p.stderr)

    def images(self, repo, counted=True):
        """{digest: (tags, pushedAt epoch)} as describe-images says"""
        out = self.aws("describe-images", "--repository-name", repo, counted=counted) or {"imageDetails": []}
        return {d["imageDigest"]: (d.get("imageTags", []), epoch(d["imagePushedAt"])) for d in out["imageDetails"]}

    def lifecycle(self, *args, now=LATER):
        return self.run([os.path.join(bindir, "ecrlite"), "lifecycle", *args], now)


# Two rules the user guide's way: tagged v* older than 30 days, untagged older than 30 days.
RULES = [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"], "countType": "sinceImagePushed",
                                           "countUnit": "days", "countNumber": 30}, "action": {"type": "expire"}},
         {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                                           "countNumber": 30}, "action": {"type": "expire"}}]


def due(imgs, rules, now, keep=()):
    """The digests the rules expire at now: rules in priority order, an image expired by
    the first rule whose tag requirements it meets and whose age it passes; keep are the
    images an index of the repository names (never expired)."""
    gone = set()
    for d, (tags, pushed) in imgs.items():
        for r in sorted(rules, key=lambda r: r["rulePriority"]):
            s = r["selection"]
            if s["tagStatus"] == "untagged":
                sel = not tags
            elif s["tagStatus"] == "tagged":
                sel = bool(tags) and all(any(t.startswith(p) for t in tags) for p in s["tagPrefixList"])
            else:
                sel = True
            if not sel:
                continue
            if pushed < epoch(now) - s["countNumber"] * DAY and d not in keep:
                gone.add(d)
            break  # a later rule never expires an image an earlier one selected
    return gone


def shared(name):
    return os.path.join(images, name)


def populate(st, repo):
    """Images pushed at their own clocks: tagged v*, tagged other, and one left untagged by a
    tag moved to a newer image."""
    st.aws("create-repository", "--repository-name", repo)
    st.push(shared("alpine-3.18.docker.tar"), repo + ":v1", "2026-11-01T12:00:00Z")
    st.push(shared("scratch-static.oci.tar"), repo + ":v2", "2026-11-10T12:00:00Z")
    st.push(shared("debian-bookworm-layered.oci.tar"), repo + ":v3", "2026-11-18T12:00:00Z")
    st.push(shared("alpine-3.19.oci.tar"), repo + ":stable", "2026-11-02T12:00:00Z")
    st.push(shared("scratch-static.docker.tar"), repo + ":moving", "2026-11-03T12:00:00Z")
    st.push(shared("debian-bookworm-minbase.docker.tar.xz"), repo + ":moving", "2026-11-20T12:00:00Z")


def local():
    st = State("local")
    populate(st, "idle")
    # a second policy with nothing due later either, and a repository without a policy
    st.aws("create-repository", "--repository-name", "young")
    st.push(shared("alpine-3.19.oci.tar"), "young:v1", "2026-11-20T12:00:00Z")
    st.aws("create-repository", "--repository-name", "nopolicy")
    st.push(shared("alpine-3.18.docker.tar"), "nopolicy:v1", "2026-10-01T12:00:00Z")
    before = st.images("idle")
    check("six pushes, six images, one untagged", len(before) == 6 and sum(1 for t, _ in before.values() if not t) == 1,
          before)
    text = json.dumps({"rules": RULES})
    check("nothing is due at the put (the test's premise)", due(before, RULES, PUT_AT) == set())
    want = due(before, RULES, LATER)
    check("something is due later (the test's premise)", len(want) == 3, want)
    st.aws("put-lifecycle-policy", "--repository-name", "idle", "--lifecycle-policy-text", text)
    st.aws("put-lifecycle-policy", "--repository-name", "young", "--lifecycle-policy-text", text)
    check("the put expires nothing", st.images("idle") == before)
    got = st.aws("get-lifecycle-policy", "--repository-name", "idle")
    check("lastEvaluatedAt is the put's", abs(epoch(got["lastEvaluatedAt"]) - epoch(PUT_AT)) < 1e-3, got)
    # the clock moves on; nothing is pushed or put
    p = st.lifecycle("run")
    check("lifecycle run exits 0", p.returncode == 0, p.stderr)
    after = st.images("idle")
    check("exactly the images the rules select are gone", set(after) == set(before) - want,
          "\nwant gone %s\nafter %s" % (sorted(want), sorted(after)))
    check("the images kept keep their tags", all(after[d] == before[d] for d in after), after)
    lines = sorted(l for l in p.stdout.splitlines() if l.startswith("expired "))
    check("lifecycle run names what it expired", [re.sub(r" \(.*", "", l) for l in lines] ==
          sorted("expired idle@" + d for d in want), p.stdout)
    check("lifecycle run's count", p.stdout.rstrip().endswith("lifecycle: 2 policies run, 3 images expired"), p.stdout)
    for repo in ("idle", "young"):
        got = st.aws("get-lifecycle-policy", "--repository-name", repo, now=LATER)
        check("%s: lastEvaluatedAt moved to the run" % repo, abs(epoch(got["lastEvaluatedAt"]) - epoch(LATER)) < 1e-3, got)
    check("a repository without a policy is left alone", len(st.images("nopolicy")) == 1)
    check("young keeps its image", len(st.images("young")) == 1)
    # again: nothing more; a named repository; the named errors
    p = st.lifecycle("run", "idle", "idle")
    check("run again: nothing more", p.returncode == 0 and p.stdout == "lifecycle: 1 policy run, 0 images expired\n",
          repr((p.stdout, p.stderr)))
    p = st.lifecycle("run", "nopolicy")
    check("a repository without a policy is LifecyclePolicyNotFoundException", p.returncode == 1 and
          "LifecyclePolicyNotFoundException: Lifecycle policy does not exist for the repository with name 'nopolicy'"
          in p.stderr, p.stderr)
    p = st.lifecycle("run", "nope")
    check("a missing repository is RepositoryNotFoundException", p.returncode == 1 and
          "RepositoryNotFoundException: The repository with name 'nope' does not exist" in p.stderr, p.stderr)
    p = st.lifecycle("frobnicate")
    check("a usage error exits 2", p.returncode == 2 and "usage: ecrlite lifecycle run" in p.stderr, p.stderr)
    # a name that is no UTF-8 is refused, never dropped: without it the list was empty and
    # every policy in the state ran (young's v1, due at 2027-01-01, was expired)
    p = st.run([os.path.join(bindir, "ecrlite"), "lifecycle", "run", b"\xff"], "2027-01-01T00:00:00Z")
    check("a name that is not UTF-8 fails and runs nothing", p.returncode == 1 and "not UTF-8" in p.stderr and
          len(st.images("young")) == 1, repr((p.returncode, p.stdout, p.stderr)))
    # --output json: the row's answer
    p = st.lifecycle("run", "--output", "json", "young", now="2027-01-01T00:00:00Z")
    out = json.loads(p.stdout) if p.returncode == 0 else {}
    r = (out.get("repositories") or [{}])[0]
    check("--output json", out.get("failures") == [] and r.get("repositoryName") == "young" and
          r.get("region") == "us-east-2" and r.get("registryId") == "000000000000" and
          [e["imageTags"] for e in r.get("expiredImages", [])] == [["v1"]] and
          abs(epoch(r.get("lastEvaluatedAt", 0)) - epoch("2027-01-01T00:00:00Z")) < 1e-3, p.stdout + p.stderr)
    # an image index's images are never expired while the index is there (the same evaluation)
    idx = os.path.join(tmp, "index.tar")
    subprocess.run(["/usr/bin/python3", os.path.join(top, "tests/scripts/make_index_archive.py"),
                    shared("alpine-3.19.oci.tar"), idx, "multi"], check=True, capture_output=True)
    st.aws("create-repository", "--repository-name", "withindex")
    st.push(idx, "withindex:multi", "2026-11-01T12:00:00Z")
    st.aws("put-lifecycle-policy", "--repository-name", "withindex", "--lifecycle-policy-text", json.dumps({"rules": [RULES[1]]}))
    idx_before = st.images("withindex")
    p = st.lifecycle("run", "withindex")
    check("an index's untagged images are not expired", p.returncode == 0 and st.images("withindex") == idx_before and
          sum(1 for t, _ in idx_before.values() if not t) == 3, p.stdout + p.stderr)
    # without names, every region's policies run; a repository whose stored policy cannot
    # be read is a failure of its own (exit 1, named) and the others still run
    other = in_eu_west_1(st, "elsewhere")
    st.aws("create-repository", "--repository-name", "broken")
    st.push(shared("alpine-3.18.docker.tar"), "broken:v1", "2026-11-01T12:00:00Z")
    st.aws("put-lifecycle-policy", "--repository-name", "broken", "--lifecycle-policy-text", json.dumps({"rules": RULES}))
    st.aws("create-repository", "--repository-name", "zz-after")  # runs after 'broken' (by name)
    st.push(shared("alpine-3.18.docker.tar"), "zz-after:v1", "2026-11-01T12:00:00Z")
    st.aws("put-lifecycle-policy", "--repository-name", "zz-after", "--lifecycle-policy-text", json.dumps({"rules": RULES}))
    db = sqlite3.connect(os.path.join(st.home, "ecrlite.db"))
    db.execute("UPDATE repository SET lifecycle_policy = 'not a policy' WHERE name = 'broken'")
    db.commit()
    db.close()
    p = st.lifecycle("run")
    check("a broken policy fails alone", p.returncode == 1 and
          "ecrlite: lifecycle run failed: broken: InvalidParameterException: " in p.stderr and
          "expired elsewhere@" in p.stdout and "expired zz-after@" in p.stdout, repr((p.stdout, p.stderr)))
    p = subprocess.run([os.path.join(bindir, "aws"), "ecr", "describe-images", "--repository-name", "elsewhere"],
                       env=other, capture_output=True, text=True)
    check("eu-west-1's due image is gone", p.returncode == 0 and json.loads(p.stdout)["imageDetails"] == [], p.stdout)
    check("the broken repository keeps its image", len(st.images("broken")) == 1)
    st.aws("delete-repository", "--repository-name", "broken", "--force")
    # Lua reaches the row as every row (generic, one function per op)
    st.aws("create-repository", "--repository-name", "fromlua")
    st.push(shared("alpine-3.18.docker.tar"), "fromlua:v1", "2026-11-01T12:00:00Z")
    st.aws("put-lifecycle-policy", "--repository-name", "fromlua", "--lifecycle-policy-text", json.dumps({"rules": RULES}))
    p = st.run([os.path.join(bindir, "ecrlite"), "lua", "-e",
                'local r = ecr.apply_lifecycle_policies{repositoryNames = {"fromlua"}}\n'
                'print(#r.repositories, #r.repositories[1].expiredImages, r.repositories[1].expiredImages[1].imageTags[1])'],
               LATER)
    check("lua ecr.apply_lifecycle_policies", p.stdout == "1\t1\tv1\n" and st.images("fromlua") == {}, p.stdout + p.stderr)


def in_eu_west_1(st, name):
    """Repository name in eu-west-1 of st, its one image pushed on 2026-11-01 and RULES
    put on it; the environment of that region (a dict)."""
    other = dict(base_env, ECRLITE_HOME=st.home, ECRLITE_NOW=PUT_AT, AWS_DEFAULT_REGION="eu-west-1")
    for argv in (["aws", "ecr", "create-repository", "--repository-name", name],
                 ["ecrlite", "push", shared("alpine-3.18.docker.tar"), name + ":v1"],
                 ["aws", "ecr", "put-lifecycle-policy", "--repository-name", name, "--lifecycle-policy-text",
                  json.dumps({"rules": RULES})]):
        e = dict(other, ECRLITE_NOW="2026-11-01T12:00:00Z") if argv[0] == "ecrlite" else other
        p = subprocess.run([os.path.join(bindir, argv[0]), *argv[1:]], env=e, capture_output=True, text=True)
        check("eu-west-1 %s: %s" % (name, " ".join(argv[:3])), p.returncode == 0, p.stderr)
    return other


def start(st, now, *args):
    """`ecrlite serve` on a free loopback port: (process, log path) once it listens."""
    log = os.path.join(st.home, "serve-%d.log" % time.time_ns())
    f = open(log, "w+")
    proc = subprocess.Popen([os.path.join(bindir, "ecrlite"), "serve", "--listen", "127.0.0.1:0", "--no-auth",
                             "--scan-workers", "0", *args], env=st.env(now), stderr=f, stdout=subprocess.DEVNULL)
    for _ in range(200):
        f.seek(0)
        if re.search(r"listening on http://127\.0\.0\.1:\d+", f.read()):
            return proc, log
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    check("serve starts", False, open(log).read())
    proc.kill()
    return None, log


def stop(proc, log, what):
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = None
    text = open(log).read()
    check("%s: stops cleanly on SIGTERM" % what, rc == 0 and "ecrlite serve: stopped" in text and time.time() - t0 < 5,
          "exit %s after %.1f s: %s" % (rc, time.time() - t0, text[-2000:]))
    return text


def wait_until(cond, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def served_fixed_clock():
    """A server whose ECRLITE_NOW is later than the put: its lifecycle thread expires the
    due images with no push and no put; --lifecycle-interval 0 runs nothing."""
    st = State("fixed")
    populate(st, "idle")
    before = st.images("idle")
    st.aws("put-lifecycle-policy", "--repository-name", "idle", "--lifecycle-policy-text", json.dumps({"rules": RULES}))
    want = due(before, RULES, LATER)
    # a due image of the same repository name in another region: the log names it in full
    in_eu_west_1(st, "idle")
    proc, log = start(st, LATER, "--lifecycle-interval", "0")
    if proc:
        time.sleep(2)
        check("--lifecycle-interval 0: nothing runs", st.images("idle") == before)
        stop(proc, log, "--lifecycle-interval 0")
    # the server's region is the CLI's here: its repositories go by their names alone
    proc, log = start(st, LATER, "--lifecycle-interval", "1", "--region", "us-east-2")
    if not proc:
        return
    gone = wait_until(lambda: set(st.images("idle", False)) == set(before) - want, 15)
    check("served, later clock: exactly the due images expire without a push or a put", gone,
          "\nwant gone %s\nhave %s" % (sorted(want), sorted(st.images("idle"))))
    got = st.aws("get-lifecycle-policy", "--repository-name", "idle")
    check("served: lastEvaluatedAt is the server's clock (ECRLITE_NOW)",
          abs(epoch(got["lastEvaluatedAt"]) - epoch(LATER)) < 1e-3, got)
    time.sleep(1.5)  # more runs, nothing more to expire: no more lines
    text = stop(proc, log, "--lifecycle-interval 1")
    runs = [l for l in text.splitlines() if l.startswith("lifecycle ")]
    check("served: one log line, for the run that expired something",
          len(runs) == 1 and re.fullmatch(r"lifecycle ApplyLifecyclePolicies expired 4 images "
                                          r"\(000000000000/eu-west-1/idle 1, idle 3\) \d+\.\d ms", runs[0]),
          text)


def served_real_clock():
    """A server on the real clock: an image that comes due a few seconds after the start
    goes at a later run, not the first (the thread runs again and again)."""
    st = State("real")
    st.aws("create-repository", "--repository-name", "soon")
    t_push = time.time() - DAY + 8  # one day old 8 s from now: time for the push and put, even under ASan
    st.push(shared("alpine-3.19.oci.tar"), "soon:v1", "%.3f" % t_push)
    rule = {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days",
                                             "countNumber": 1}, "action": {"type": "expire"}}
    st.aws("put-lifecycle-policy", "--repository-name", "soon", "--lifecycle-policy-text", json.dumps({"rules": [rule]}),
           now=None)
    check("not due at the put (the test's premise)", len(st.images("soon")) == 1)
    proc, log = start(st, None, "--lifecycle-interval", "1")
    if not proc:
        return
    gone = wait_until(lambda: st.images("soon", False) == {}, 30)
    t_gone = time.time()
    check("real clock: the image expires once due, with no push or put", gone)
    check("real clock: not before it was due", t_gone >= t_push + DAY, "%.1f s early" % (t_push + DAY - t_gone))
    text = stop(proc, log, "real clock")
    # (the server's region is us-east-1, the repository's us-east-2: named in full)
    check("real clock: the run is in the log", "lifecycle ApplyLifecyclePolicies expired 1 image (000000000000/us-east-2/soon 1)" in text, text)


def main():
    local()
    served_fixed_clock()
    served_real_clock()
    print("lifecycle-run: %d passed, %d failed" % (passed, failed))
    if not failed:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)


main()
