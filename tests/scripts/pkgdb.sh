#!/bin/bash
# Real package databases (tests/fixtures/pkgdb) read by `ecrlite inventory --rootfs`
# give the packages and values their reference lists state.
set -u
bin=$(cd "$1" && pwd)
fx=$(cd "$(dirname "$0")/../fixtures/pkgdb" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL pkgdb $*"; fail=$((fail + 1)); }
inv() { "$bin/ecrlite" inventory --rootfs "$1" 2> "$tmp/err" | grep -v -e '^image	' -e '^os	' -e '^unsupported	'; }
# dpkg with dpkg-query's own list: name, version, source, source version, arch
for d in debian-11-bullseye-debootstrap-minbase ubuntu-22.04-jammy-debootstrap-minbase; do
	inv "$fx/$d" | cut -f1-5 | sort > "$tmp/got"
	sort "$fx/$d/packages.tsv" > "$tmp/want"
	cmp -s "$tmp/got" "$tmp/want" && ok || { bad "$d:"; diff "$tmp/want" "$tmp/got" | head -5; }
done
[ "$(inv "$fx/debian-11-bullseye-debootstrap-minbase" | wc -l)" = 96 ] && ok || bad "bullseye count"
grep -q '^os	debian 11 bullseye$' <("$bin/ecrlite" inventory --rootfs "$fx/debian-11-bullseye-debootstrap-minbase") && ok || bad "bullseye os"
grep -q '^os	ubuntu 22.04 jammy$' <("$bin/ecrlite" inventory --rootfs "$fx/ubuntu-22.04-jammy-debootstrap-minbase") && ok || bad "jammy os"
# distroless status.d: every file an installed package, *.md5sums ignored
d=$fx/distroless-style-debian-12-generated
n=$(ls "$d/var/lib/dpkg/status.d" | grep -vc md5sums)
[ "$(inv "$d" | wc -l)" = "$n" ] && ok || bad "status.d: $(inv "$d" | wc -l) packages, want $n"
# sources.tsv lists the .deb files the entries came from: name_version_arch.deb
inv "$d" | awk -F'\t' '{print $1 "_" $2 "_" $5 ".deb"}' | sort > "$tmp/got"
cut -f1 "$d/sources.tsv" | sed "s/%3a/:/" | sort > "$tmp/want"
cmp -s "$tmp/got" "$tmp/want" && ok || { bad "status.d packages:"; diff "$tmp/want" "$tmp/got" | head -5; }
# apk: name, version, origin, arch
[ "$(inv "$fx/alpine-3.20.3" | wc -l)" = 14 ] && ok || bad "alpine 3.20.3 count"
inv "$fx/alpine-3.20.3" | grep -q '^libcrypto3	3.3.2-r0	openssl	3.3.2-r0	x86_64	apk$' && ok || bad "libcrypto3's origin"
mkdir -p "$tmp/trivy/lib/apk/db"
cp "$fx/alpine-trivy-apk-installed" "$tmp/trivy/lib/apk/db/installed"
# its 16 entries include one without a version: skipped and said so
[ "$(inv "$tmp/trivy" | wc -l)" = 15 ] && grep -q "lib/apk/db/installed: skipped 1 incomplete entries (the entry at line 23 lacks V:)" "$tmp/err" && ok || bad "trivy apk: $(cat "$tmp/err")"
# rpm sqlite: every package with epoch:version-release, arch and source rpm
mkdir -p "$tmp/mariner/var/lib/rpm"
xz -dc "$fx/cbl-mariner-2.0/rpmdb.sqlite.xz" > "$tmp/mariner/var/lib/rpm/rpmdb.sqlite"
inv "$tmp/mariner" | awk -F'\t' '{v=$2; if (v !~ /^[0-9]+:/) v="0:" v; print $1 "\t" v "\t" $5 "\t" $3 "-" $4 ".src.rpm"}' | sort > "$tmp/got"
sort "$fx/cbl-mariner-2.0/packages.tsv" > "$tmp/want"
cmp -s "$tmp/got" "$tmp/want" && [ "$(wc -l < "$tmp/got")" = 129 ] && ok || { bad "mariner rpmdb:"; diff "$tmp/want" "$tmp/got" | head -5; }
# rpm ndb: named, not silently empty
mkdir -p "$tmp/sle/usr/lib/sysimage/rpm"
xz -dc "$fx/sle15-bci/Packages.db.xz" > "$tmp/sle/usr/lib/sysimage/rpm/Packages.db"
grep -q '^unsupported	unsupported package database: rpm NDB database' <("$bin/ecrlite" inventory --rootfs "$tmp/sle") && ok || bad "ndb not reported"
# malformed databases: a clear error naming the file
mkdir -p "$tmp/badrpm/var/lib/rpm" "$tmp/baddpkg/var/lib/dpkg"
head -c 5000 "$tmp/mariner/var/lib/rpm/rpmdb.sqlite" > "$tmp/badrpm/var/lib/rpm/rpmdb.sqlite"
"$bin/ecrlite" inventory --rootfs "$tmp/badrpm" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "var/lib/rpm/rpmdb.sqlite: malformed rpm database" "$tmp/err" && ok || bad "truncated rpmdb: $rc $(cat "$tmp/err")"
printf 'Package: x\nStatus: install ok installed\n\0Version: 1\n' > "$tmp/baddpkg/var/lib/dpkg/status"
"$bin/ecrlite" inventory --rootfs "$tmp/baddpkg" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "var/lib/dpkg/status: malformed dpkg status: it contains NUL bytes" "$tmp/err" && ok || bad "malformed status: $rc $(cat "$tmp/err")"
echo "pkgdb: $pass passed, $fail failed"
[ $fail = 0 ]
