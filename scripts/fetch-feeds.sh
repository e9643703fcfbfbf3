#!/bin/bash
# Downloads the vulnerability feeds ecrlite imports, into DIR (default ./feeds), then
# imports them. Needs network access to the feed hosts (the test machines have none:
# the tests use ../shared/data and tests/fixtures instead). Re-run to refresh: each
# import replaces that source's older data.
set -eu
dir=${1:-feeds}
mkdir -p "$dir"
cd "$dir"
get() { echo "fetching $2"; curl -fsSL --retry 3 -o "$1" "$2"; }
# Debian security tracker: every source package, CVE and release (about 70 MB).
get debian-tracker.json https://security-tracker.debian.org/tracker/data/json
# Alpine secdb: one document per branch and repository.
for v in v3.18 v3.19 v3.20 v3.21; do
	for r in main community; do get "alpine-$v-$r.json" "https://secdb.alpinelinux.org/$v/$r.json"; done
done
# OSV: one zip of records per ecosystem: the distributions, and the language ecosystems
# enhanced scanning matches (PyPI, npm, Go, Maven)
for e in Alpine Debian Ubuntu AlmaLinux "Rocky Linux" PyPI npm Go Maven; do
	get "osv-${e// /-}.zip" "https://osv-vulnerabilities.storage.googleapis.com/${e// /%20}/all.zip"
done
# NVD: the 2.0 API pages CVSS scores and descriptions (paged; an API key raises the rate limit).
start=0
while :; do
	get "nvd-$start.json" "https://services.nvd.nist.gov/rest/json/cves/2.0?startIndex=$start&resultsPerPage=2000"
	total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totalResults"])' "nvd-$start.json")
	start=$((start + 2000))
	[ "$start" -lt "$total" ] || break
	sleep 6 # the NVD asks for no more than 5 requests in 30 s without a key
done
cd - >/dev/null
ecrlite vulndb import "$dir"
