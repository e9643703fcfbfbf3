/* The language-package parsers on real shapes and on the bad inputs that must be
 * skipped with a warning (tests/fixtures/lang for the archives; ELF files built here). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/lang.h"
#include "vercmp.h"
#include "unit.h"

/* "name version" of package i, or "" */
static const char *pkg(const struct ecr_langpkgs *p, size_t i)
{
	static char buf[1024];
	if (i >= p->n)
		return "";
	snprintf(buf, sizeof(buf), "%s %s %s", p->v[i].name, p->v[i].version, p->v[i].path);
	return buf;
}

/* 1 when some warning contains text */
static int warned(const struct ecr_langpkgs *p, const char *text)
{
	for (size_t i = 0; i < json_array_size(p->warnings); i++)
		if (strstr(json_string_value(json_array_get(p->warnings, i)), text))
			return 1;
	return 0;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long l = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)l + 1);
	*n = fread(b, 1, (size_t)l, f);
	fclose(f);
	return b;
}

void test_lang_wants(void)
{
	static const struct {
		const char *path;
		int exec;
		enum ecr_lang_kind want;
	} rows[] = {
		{"/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", 0, ECR_LANG_PYTHON},
		{"/usr/lib/python3/dist-packages/aiohttp-3.8.4.egg-info/PKG-INFO", 0, ECR_LANG_PYTHON},
		{"/usr/lib/python3.11/site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO", 0, ECR_LANG_PYTHON},
		{"/usr/lib/python2.7/dist-packages/old.egg-info", 0, ECR_LANG_PYTHON},
		{"/usr/lib/python3/dist-packages/x.dist-info/RECORD", 0, ECR_LANG_NONE},
		{"/app/node_modules/lodash/package.json", 0, ECR_LANG_NODE},
		{"/app/node_modules/@babel/core/package.json", 0, ECR_LANG_NODE},
		{"/app/node_modules/a/node_modules/b/package.json", 0, ECR_LANG_NODE},
		{"/app/node_modules/rxjs/ajax/package.json", 0, ECR_LANG_NONE},
		{"/app/node_modules/@scope/x/sub/package.json", 0, ECR_LANG_NONE},
		{"/usr/share/nodejs/ms/package.json", 0, ECR_LANG_NODE},
		{"/app/package.json", 0, ECR_LANG_NODE},
		{"/usr/share/java/log4j-core.jar", 0, ECR_LANG_JAVA},
		{"/srv/APP.WAR", 0, ECR_LANG_JAVA},
		{"/usr/bin/skopeo", 1, ECR_LANG_GO},
		{"/usr/bin/skopeo", 0, ECR_LANG_NONE},
		{"/etc/passwd", 0, ECR_LANG_NONE},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (ecr_lang_wants(rows[i].path, rows[i].exec) != rows[i].want) {
			unit_failed++;
			fprintf(stderr, "ecr_lang_wants(%s, %d) = %d, want %d\n", rows[i].path, rows[i].exec,
				ecr_lang_wants(rows[i].path, rows[i].exec), rows[i].want);
		}
	}
}

/* past a file's first 100 warnings one line stands for the rest, and it keeps the last:
 * an archive's closing word ("the rest skipped") comes after its entries' */
static void warn_cap(void)
{
	struct ecr_langpkgs p = {0};
	for (int i = 0; i < 150; i++)
		ecr_langpkgs_warn(&p, "/srv/x.jar: w%d", i);
	CHECK(json_array_size(p.warnings) == 101);
	CHECK_STR(json_string_value(json_array_get(p.warnings, 99)), "/srv/x.jar: w99");
	CHECK_STR(json_string_value(json_array_get(p.warnings, 100)),
		  "further language-package warnings left out; the last: /srv/x.jar: w149");
	ecr_langpkgs_release(&p);
}

void test_lang_python(void)
{
	warn_cap();
	struct ecr_langpkgs p = {0};
	const char *m = "Metadata-Version: 2.1\r\nName: Werkzeug\r\nVersion: 2.2.2\r\nSummary: The comprehensive\r\n"
			"  WSGI web application library.\r\n\r\nVersion: 9.9 (the body does not count)\r\n";
	ecr_lang_python("/x/Werkzeug-2.2.2.egg-info/PKG-INFO", m, strlen(m), &p);
	const char *nov = "Metadata-Version: 2.1\nName: broken\nSummary: no version\n";
	ecr_lang_python("/x/broken.dist-info/METADATA", nov, strlen(nov), &p);
	const char *body = "Name: late\n\nVersion: 1.0\n";
	ecr_lang_python("/x/late.dist-info/METADATA", body, strlen(body), &p);
	CHECK(p.n == 1);
	CHECK_STR(pkg(&p, 0), "Werkzeug 2.2.2 /x/Werkzeug-2.2.2.egg-info/PKG-INFO");
	CHECK(warned(&p, "/x/broken.dist-info/METADATA: Python metadata without Version; skipped"));
	CHECK(warned(&p, "/x/late.dist-info/METADATA: Python metadata without Version"));
	char norm[64];
	ecr_pypi_normalize("Zope__Interface.Foo-Bar", norm);
	CHECK_STR(norm, "zope-interface-foo-bar");
	ecr_langpkgs_release(&p);
}

void test_lang_node(void)
{
	struct ecr_langpkgs p = {0};
	const char *a = "{\"name\": \"@babel/core\", \"version\": \"7.1.0\", \"dependencies\": {\"ms\": \"^2.0.0\"}}";
	ecr_lang_node("/app/node_modules/@babel/core/package.json", a, strlen(a), &p);
	const char *app = "{\"name\": \"my-app\", \"private\": true}";
	ecr_lang_node("/app/package.json", app, strlen(app), &p);
	const char *bad = "{\"name\": \"x\", \"version\": ";
	ecr_lang_node("/app/node_modules/x/package.json", bad, strlen(bad), &p);
	const char *badname = "{\"name\": \"../../etc\", \"version\": \"1.0.0\"}";
	ecr_lang_node("/app/node_modules/y/package.json", badname, strlen(badname), &p);
	/* a UTF-8 byte order mark, which Node's require() and npm strip (stripBOM) */
	const char *bom = "\xef\xbb\xbf{\"name\": \"bom\", \"version\": \"1.0.0\"}";
	ecr_lang_node("/app/node_modules/bom/package.json", bom, strlen(bom), &p);
	ecr_langpkgs_sort(&p);
	CHECK(p.n == 2);
	CHECK_STR(pkg(&p, 1), "bom 1.0.0 /app/node_modules/bom/package.json");
	CHECK_STR(pkg(&p, 0), "@babel/core 7.1.0 /app/node_modules/@babel/core/package.json");
	CHECK(warned(&p, "/app/node_modules/x/package.json: not a JSON object"));
	CHECK(warned(&p, "/app/node_modules/y/package.json: package.json without a valid name"));
	CHECK(json_array_size(p.warnings) == 2); /* the application's own package.json: silent */
	ecr_langpkgs_release(&p);
}

static void java(const char *file, struct ecr_langpkgs *p)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/fixtures/lang/%s", file);
	size_t n = 0;
	char *b = slurp(path, &n);
	CHECK(b != NULL);
	if (!b)
		return;
	snprintf(path, sizeof(path), "/srv/%s", file);
	ecr_lang_java(path, b, n, p);
	free(b);
}

/* a file handed out in 1000-byte reads, as a layer's tar entry streams */
struct stream_src {
	char *data;
	size_t n, at;
};

static long stream_read(void *ud, char *buf, size_t n, const char **why)
{
	struct stream_src *s = ud;
	(void)why;
	size_t k = s->n - s->at < n ? s->n - s->at : n;
	if (k > 1000)
		k = 1000;
	memcpy(buf, s->data + s->at, k);
	s->at += k;
	return (long)k;
}

/* a spent budget refuses everything; a budget of *ud bytes takes what fits */
static int refuse_hold(void *ud, size_t n)
{
	(void)ud;
	(void)n;
	return -1;
}

static int take_hold(void *ud, size_t n)
{
	size_t *left = ud;
	if (n > *left)
		return -1;
	*left -= n;
	return 0;
}

void test_lang_java(void)
{
	struct ecr_langpkgs p = {0};
	java("app.jar", &p);
	CHECK(p.n == 1);
	CHECK_STR(pkg(&p, 0), "com.example:app 1.2.3 /srv/app.jar"); /* pom.properties names it: no manifest guess */
	ecr_langpkgs_release(&p);

	java("app.war", &p);
	ecr_langpkgs_sort(&p);
	CHECK(p.n == 2);
	CHECK_STR(pkg(&p, 0), "com.example:app 1.2.3 /srv/app.war/WEB-INF/lib/app.jar");
	CHECK_STR(pkg(&p, 1), "org.example:lib 2.0 /srv/app.war/WEB-INF/lib/lib-2.0.jar"); /* the manifest fallback */
	CHECK(!p.warnings);
	ecr_langpkgs_release(&p);

	java("deep.jar", &p);
	ecr_langpkgs_sort(&p);
	CHECK(p.n == 3);
	CHECK_STR(pkg(&p, 0), "example:d0 0 /srv/deep.jar");
	CHECK_STR(pkg(&p, 1), "example:d1 1 /srv/deep.jar/lib/d1.jar");
	CHECK_STR(pkg(&p, 2), "example:d2 2 /srv/deep.jar/lib/d1.jar/lib/d2.jar");
	CHECK(warned(&p, "/srv/deep.jar/lib/d1.jar/lib/d2.jar: lib/d3.jar is nested deeper than 3 archives; skipped"));
	ecr_langpkgs_release(&p);

	java("huge.jar", &p);
	CHECK(p.n == 1);
	CHECK_STR(pkg(&p, 0), "example:huge 1.0 /srv/huge.jar");
	CHECK(warned(&p, "/srv/huge.jar: nested archive big.jar over the cap"));
	ecr_langpkgs_release(&p);

	java("nopom.jar", &p);
	CHECK(p.n == 0);
	CHECK(warned(&p, "META-INF/maven/example/nopom/pom.properties lacks groupId, artifactId or version"));
	ecr_langpkgs_release(&p);

	java("bigmf.jar", &p); /* the only metadata past the entry cap: said, not silent */
	CHECK(p.n == 0);
	CHECK(warned(&p, "/srv/bigmf.jar: META-INF/MANIFEST.MF over the cap; skipped"));
	ecr_langpkgs_release(&p);

	/* a nested jar whose headers claim 100 bytes and inflate to a megabyte: the bytes
	 * past the claim are charged too, so a 64 KiB budget stops it */
	size_t room = 64u << 10;
	p.hold = take_hold;
	p.hold_ud = &room;
	java("liar.jar", &p);
	CHECK(p.n == 0);
	CHECK(warned(&p, "/srv/liar.jar: nested archive lib/inner.jar passes the scan's memory budget; skipped"));
	ecr_langpkgs_release(&p);

	java("longtitle.jar", &p); /* a title past the 255 kept is none: the next title key */
	CHECK(p.n == 1);
	CHECK_STR(pkg(&p, 0), "org.example:short 1.0 /srv/longtitle.jar");
	ecr_langpkgs_release(&p);

	java("notzip.jar", &p);
	CHECK(p.n == 0);
	CHECK(warned(&p, "/srv/notzip.jar: not a readable zip archive"));
	ecr_langpkgs_release(&p);

	/* streamed, a nested jar whose size comes only after its data (a data descriptor,
	 * as `jar` writes deflated entries) is still charged to the scan's budget */
	struct stream_src s = {0};
	size_t n = 0;
	s.data = slurp("tests/fixtures/lang/stream.war", &n);
	s.n = n;
	CHECK(s.data != NULL);
	p.hold = refuse_hold;
	ecr_lang_java_stream("/srv/stream.war", stream_read, &s, (long long)n, &p);
	CHECK(p.n == 0);
	CHECK(warned(&p, "/srv/stream.war: nested archive WEB-INF/lib/app.jar passes the scan's memory budget; skipped"));
	ecr_langpkgs_release(&p);
	s.at = 0;
	size_t left = 1u << 20;
	p.hold = take_hold;
	p.hold_ud = &left;
	ecr_lang_java_stream("/srv/stream.war", stream_read, &s, (long long)n, &p);
	CHECK(p.n == 1);
	CHECK_STR(pkg(&p, 0), "com.example:app 1.2.3 /srv/stream.war/WEB-INF/lib/app.jar");
	CHECK(left < 1u << 20); /* what was held was charged */
	ecr_langpkgs_release(&p);
	free(s.data);
}

/* a little-endian ELF64 with a code segment [0, 0x1000) and a data segment
 * [0x1000, 0x3000); build info at 0x1040 holding the given strings */
static size_t make_elf(unsigned char *f, const char *ver, const char *mod, size_t ml, int decoy)
{
	memset(f, 0, 0x3000);
	memcpy(f, "\x7f" "ELF\x02\x01\x01", 7);
	f[32] = 64;             /* e_phoff */
	f[54] = 56;             /* e_phentsize */
	f[56] = 2;              /* e_phnum */
	unsigned char *ph = f + 64;
	ph[0] = 1, ph[4] = 5;   /* PT_LOAD, R+X, offset 0 */
	ph[33] = 0x10;          /* filesz 0x1000 */
	ph += 56;
	ph[0] = 1, ph[4] = 6;   /* PT_LOAD, R+W */
	ph[9] = 0x10;           /* offset 0x1000 */
	ph[33] = 0x20;          /* filesz 0x2000 */
	if (decoy) /* the magic in code, as the toolchain's own reader carries it */
		memcpy(f + 0x200, "\xff Go buildinf:\x08\x02", 16), f[0x220] = 4, memcpy(f + 0x221, "go1.0", 5);
	unsigned char *b = f + 0x1040;
	memcpy(b, "\xff Go buildinf:\x08\x02", 16);
	size_t at = 32, vl = strlen(ver);
	b[at++] = (unsigned char)vl;
	memcpy(b + at, ver, vl);
	at += vl;
	b[at++] = (unsigned char)(0x80 | (ml & 0x7f)); /* a two-byte varint */
	b[at++] = (unsigned char)(ml >> 7);
	memcpy(b + at, mod, ml);
	return 0x3000;
}

void test_lang_go(void)
{
	static const char sentinel_start[] = "\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
	static const char sentinel_end[] = "\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";
	char mod[1024];
	int l = snprintf(mod, sizeof(mod),
			 "%.16spath\texample.com/x/cmd/x\nmod\texample.com/x\t(devel)\t\n"
			 "dep\tgolang.org/x/net\tv0.7.0\th1:abc=\ndep\tgolang.org/x/text\tv0.3.0\t\n"
			 "=>\tgolang.org/x/text\tv0.3.8\th1:def=\ndep\tgolang.org/x/crypto\tv0.4.0\t\n"
			 "build\t-compiler=gc\nbuild\tCGO_ENABLED=0\n",
			 sentinel_start);
	memcpy(mod + l, sentinel_end, 16);
	unsigned char *f = malloc(0x3000);
	size_t n = make_elf(f, "go1.21.3 X:boringcrypto", mod, (size_t)l + 16, 1);
	struct ecr_langpkgs p = {0};
	ecr_lang_go("/usr/bin/x", (const char *)f, n, &p);
	ecr_langpkgs_sort(&p);
	CHECK(p.n == 5);
	CHECK_STR(pkg(&p, 0), "example.com/x  /usr/bin/x"); /* (devel): no version */
	CHECK_STR(pkg(&p, 1), "golang.org/x/crypto v0.4.0 /usr/bin/x");
	CHECK_STR(pkg(&p, 2), "golang.org/x/net v0.7.0 /usr/bin/x");
	CHECK_STR(pkg(&p, 3), "golang.org/x/text v0.3.8 /usr/bin/x"); /* the replacement */
	CHECK_STR(pkg(&p, 4), "stdlib 1.21.3 /usr/bin/x");
	CHECK(!p.warnings);

	/* streamed in every chunk size from 1 to 97 bytes: the same packages */
	for (size_t chunk = 1; chunk < 98; chunk += 3) {
		struct ecr_langpkgs q = {0};
		struct ecr_goscan *g = malloc(sizeof(*g));
		ecr_goscan_init(g);
		for (size_t o = 0; o < n; o += chunk)
			if (ecr_goscan_feed(g, f + o, o + chunk > n ? n - o : chunk))
				break;
		ecr_goscan_finish(g, "/usr/bin/x", &q);
		free(g);
		ecr_langpkgs_sort(&q);
		CHECK(q.n == p.n);
		for (size_t i = 0; i < q.n && i < p.n; i++)
			CHECK(!strcmp(pkg(&q, i), pkg(&p, i)) || (fprintf(stderr, "chunk %zu\n", chunk), 0));
		ecr_langpkgs_release(&q);
	}
	ecr_langpkgs_release(&p);

	/* a pre-release toolchain: "go1.21rc2" is 1.21.0-rc.2 as the Go vulnerability
	 * database writes stdlib versions (x/vuln's GoTagToSemver), not an invalid version
	 * that every stdlib range would take in; and it orders below 1.21.0 */
	static const struct {
		const char *tag, *want;
	} tags[] = {
		{"go1.21rc2", "stdlib 1.21.0-rc.2 /usr/bin/r"},
		{"go1.19beta1 X:boringcrypto", "stdlib 1.19.0-beta.1 /usr/bin/r"},
		{"go1.20.1rc3", "stdlib 1.20.1-rc.3 /usr/bin/r"},
		{"go1.19.8", "stdlib 1.19.8 /usr/bin/r"},
	};
	for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
		size_t rn = make_elf(f, tags[t].tag, mod, (size_t)l + 16, 0);
		ecr_lang_go("/usr/bin/r", (const char *)f, rn, &p);
		ecr_langpkgs_sort(&p);
		CHECK(p.n == 5);
		CHECK_STR(pkg(&p, 4), tags[t].want);
		ecr_langpkgs_release(&p);
	}
	CHECK(ecr_vercmp_go("1.21.0-rc.2", "1.21.0") < 0 && ecr_vercmp_go("1.21.0-rc.2", "1.20.12") > 0);
	make_elf(f, "go1.21.3 X:boringcrypto", mod, (size_t)l + 16, 1);

	/* a truncated ELF (the magic and half a header) */
	ecr_lang_go("/usr/bin/t", (const char *)f, 40, &p);
	CHECK(p.n == 0 && warned(&p, "/usr/bin/t: truncated ELF file; skipped"));
	ecr_langpkgs_release(&p);
	/* the file ends inside the module info: its length runs past the end */
	ecr_lang_go("/usr/bin/e", (const char *)f, 0x1040 + 60, &p);
	CHECK(p.n == 0 && warned(&p, "/usr/bin/e: Go build info runs past the end of the file; skipped"));
	ecr_langpkgs_release(&p);
	/* a varint length far beyond the file and the cap */
	memcpy(f + 0x1040 + 32, "\xff\xff\xff\xff\x0f", 5);
	ecr_lang_go("/usr/bin/v", (const char *)f, n, &p);
	CHECK(p.n == 0 && warned(&p, "/usr/bin/v: Go build info string of 4294967295 bytes, over the 1 MiB cap"));
	ecr_langpkgs_release(&p);
	/* a plain C program, and a shell script: nothing, silently */
	make_elf(f, "", "", 0, 0);
	memset(f + 0x1040, 0, 16);
	ecr_lang_go("/usr/bin/c", (const char *)f, n, &p);
	ecr_lang_go("/usr/bin/sh-script", "#!/bin/sh\necho hi\n", 18, &p);
	CHECK(p.n == 0 && !p.warnings);
	ecr_langpkgs_release(&p);
	free(f);

	/* a real Debian Go program, when this machine has one: the toolchain only */
	size_t sn = 0;
	char *s = slurp("/usr/bin/skopeo", &sn);
	if (s) {
		ecr_lang_go("/usr/bin/skopeo", s, sn, &p);
		CHECK(p.n == 1 && !strncmp(pkg(&p, 0), "stdlib 1.", 9));
		ecr_langpkgs_release(&p);
		free(s);
	}
}
