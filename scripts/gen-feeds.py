#!/usr/bin/python3
"""Whole-size feed documents for `make bench`, generated from the shapes of the real
records in ../shared/data (each generated record is a real record under a new id):
  gen-feeds.py tracker OUT.json MB      a Debian tracker document of about MB megabytes
  gen-feeds.py nvd-pages DIR PAGES N    PAGES NVD API 2.0 pages of N records each
  gen-feeds.py nvd OUT.json MB          one NVD API 2.0 document of about MB megabytes"""
import glob, json, os, sys

data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data")


def tracker_entries():
    out = []
    for path in sorted(glob.glob(os.path.join(data, "debian-tracker/*.json"))):
        doc = json.load(open(path))
        for pkg, cves in doc.items():
            for cve, e in cves.items():
                if isinstance(e, dict) and isinstance(e.get("releases"), dict):
                    out.append(e)
    return out


def nvd_records():
    out = []
    for path in sorted(glob.glob(os.path.join(data, "nvd/api2.0-*.json")) + glob.glob(os.path.join(data, "nvd/api2.0-records/*.json"))):
        out += [v for v in json.load(open(path))["vulnerabilities"] if "cve" in v]
    return out


def nvd_record(real, n):
    rec = json.loads(json.dumps(real))
    rec["cve"]["id"] = "CVE-%d-%07d" % (2090 + n // 1000000, n % 1000000)
    return rec


def page_head(count, start, total):
    return ('{"resultsPerPage": %d, "startIndex": %d, "totalResults": %d, "format": "NVD_CVE", "version": "2.0", '
            '"timestamp": "2026-06-17T11:00:13.667", "vulnerabilities": [' % (count, start, total))


kind = sys.argv[1]
if kind == "tracker":
    out, limit = sys.argv[2], float(sys.argv[3]) * 1e6
    entries = tracker_entries()
    with open(out, "w") as f:
        f.write("{")
        size, n, pkg = 1, 0, 0
        while size < limit:
            body = {}
            for _ in range(25):  # 25 CVEs per source package
                body["CVE-2090-%07d" % n] = entries[n % len(entries)]
                n += 1
            text = "%s%s: %s" % ("" if pkg == 0 else ", ", json.dumps("bench-src-%05d" % pkg), json.dumps(body))
            f.write(text)
            size += len(text)
            pkg += 1
        f.write("}\n")
    print("tracker: %d source packages, %d CVE entries, %d bytes" % (pkg, n, size + 2))
elif kind == "nvd-pages":
    out, pages, per = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    recs = nvd_records()
    os.makedirs(out, exist_ok=True)
    total = 0
    for p in range(pages):
        with open(os.path.join(out, "page-%04d.json" % p), "w") as f:
            f.write(page_head(per, p * per, pages * per))
            for i in range(per):
                n = p * per + i
                text = ("" if i == 0 else ", ") + json.dumps(nvd_record(recs[n % len(recs)], n))
                f.write(text)
                total += len(text)
            f.write("]}\n")
    print("nvd: %d pages of %d records, %d bytes" % (pages, per, total))
elif kind == "nvd":
    out, limit = sys.argv[2], float(sys.argv[3]) * 1e6
    recs = nvd_records()
    body, size, n = [], 0, 0
    with open(out, "w") as f:
        f.write(page_head(0, 0, 0))
        while size < limit:
            text = ("" if n == 0 else ", ") + json.dumps(nvd_record(recs[n % len(recs)], n))
            f.write(text)
            size += len(text)
            n += 1
        f.write("]}\n")
    print("nvd: one document of %d records, %d bytes" % (n, size))
