/* Language packages (Python, Node, Java, Go) read from the installed metadata inside an
 * image, one parser per ecosystem (lang_python.c, lang_node.c, lang_java.c, lang_go.c),
 * each from bytes in memory. A parser never fails a scan: input it cannot read is
 * skipped with a warning (ecr_langpkgs.warnings), as the README says per case.
 * Ownership: a struct ecr_langpkgs owns its packages, their strings and the warnings. */
#ifndef ECR_LANG_H
#define ECR_LANG_H
#include <jansson.h>
#include <stddef.h>

/* caps: a metadata file bigger than these is not read (warning) */
#define ECR_LANG_META_MAX (4u << 20)    /* METADATA, PKG-INFO, package.json */
#define ECR_LANG_JAR_MAX (256u << 20)   /* an outer jar/war/ear file (streamed, never held) */
#define ECR_LANG_NESTED_MAX (64u << 20) /* an archive inside one, read into memory (and
					  * charged to the scan's budget, see hold) */
#define ECR_LANG_ENTRY_MAX (1u << 20)   /* pom.properties, MANIFEST.MF inside an archive */
#define ECR_LANG_JAR_DEPTH 3            /* a war holding a jar holding a jar; deeper: warning */
#define ECR_LANG_MODINFO_MAX (1u << 20) /* Go build info strings */

/* Inspector's packageManager values and OSV's ecosystem names */
enum ecr_lang_kind { ECR_LANG_PYTHON, ECR_LANG_NODE, ECR_LANG_JAVA, ECR_LANG_GO, ECR_LANG_NONE };

struct ecr_langpkg {
	char *name;            /* as the ecosystem spells it: PyPI display name, npm name
				  (@scope/name), Maven groupId:artifactId, Go module path or stdlib */
	char *version;         /* "" when the metadata has none (Go "(devel)") */
	char *path;            /* image-absolute path of the file it was read from */
	enum ecr_lang_kind kind;
};

struct ecr_langpkgs {
	struct ecr_langpkg *v;
	size_t n, alloc;
	json_t *warnings; /* array of strings; created on the first warning */
	/* asked before a parser holds n more bytes (a nested archive): nonzero refuses, and
	 * the file is skipped with a warning; NULL: no limit but the parser's own caps */
	int (*hold)(void *ud, size_t n);
	void *hold_ud;    /* hold's argument */
};

/* A file's bytes in order: bytes read, 0 at the end, < 0 on error (*why set). */
typedef long (*ecr_lang_read_fn)(void *ud, char *buf, size_t n, const char **why);

const char *ecr_lang_manager(enum ecr_lang_kind k);   /* PYTHONPKG, NODEPKG, JAR, GOBINARY */
const char *ecr_lang_ecosystem(enum ecr_lang_kind k); /* PyPI, npm, Maven, Go */

/* Which parser wants the file at image-absolute `path` (regular files only; `exec`:
 * any execute bit set, for Go): ECR_LANG_NONE for the rest. Only a name test: cheap
 * enough for every entry of every layer. */
enum ecr_lang_kind ecr_lang_wants(const char *path, int exec);

/* Python: a *.dist-info/METADATA, *.egg-info/PKG-INFO, EGG-INFO/PKG-INFO or an
 * *.egg-info file; the header block's Name and Version. */
void ecr_lang_python(const char *path, const char *data, size_t n, struct ecr_langpkgs *out);
/* Node: a package.json that is a package root (see lang_node.c); name and version. */
void ecr_lang_node(const char *path, const char *data, size_t n, struct ecr_langpkgs *out);
/* Java: a jar/war/ear (zip); pom.properties at any depth, nested archives up to
 * ECR_LANG_JAR_DEPTH, MANIFEST.MF when no pom.properties names the archive itself. */
void ecr_lang_java(const char *path, const char *data, size_t n, struct ecr_langpkgs *out);
/* The same from a stream (a layer's tar entry), never holding the outer file: size
 * (-1: unknown) and the bytes streamed are capped at ECR_LANG_JAR_MAX. */
void ecr_lang_java_stream(const char *path, ecr_lang_read_fn read, void *ud, long long size,
			  struct ecr_langpkgs *out);

/* Go: an executable's build info, found while the file streams by (no seeking): the
 * ELF header and program headers come first, then the 16-aligned "\xff Go buildinf:"
 * header inside a writable, non-executable PT_LOAD segment; only its bytes are kept. */
struct ecr_goscan {
	unsigned char head[4096]; /* ELF header + program headers, as far as they fit */
	size_t headlen;
	unsigned long long off;   /* bytes seen */
	unsigned char carry[32];  /* the last bytes of the previous chunk (for a split magic) */
	size_t carrylen;
	int state;                /* 0 looking, 1 collecting, 2 done (found or not Go) */
	unsigned long long seg_lo[8], seg_hi[8]; /* writable data segments (file offsets) */
	int nseg;
	unsigned char *info;      /* bytes from the magic on */
	size_t infolen, infocap;
	char why[160];            /* why it is not a Go binary with build info ("" = plain no) */
};
void ecr_goscan_init(struct ecr_goscan *g);
/* Feeds the next bytes; returns 1 once more bytes would not change the result. */
int ecr_goscan_feed(struct ecr_goscan *g, const void *data, size_t n);
/* Adds stdlib, the main module and its deps (replacements applied) to out; warns when
 * the file had a build-info header it could not read. Frees g's memory. */
void ecr_goscan_finish(struct ecr_goscan *g, const char *path, struct ecr_langpkgs *out);
/* The whole file at once (tests, root filesystems). */
void ecr_lang_go(const char *path, const char *data, size_t n, struct ecr_langpkgs *out);

/* Adds a package (strings copied); a warning ("PATH: TEXT") otherwise. */
void ecr_langpkgs_add(struct ecr_langpkgs *p, enum ecr_lang_kind k, const char *name, const char *version,
		      const char *path);
void ecr_langpkgs_warn(struct ecr_langpkgs *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sorts by path, name, version; drops exact duplicates. */
void ecr_langpkgs_sort(struct ecr_langpkgs *p);
/* [{name, version, packageManager, ecosystem, filePath}] (new reference). */
json_t *ecr_langpkgs_json(const struct ecr_langpkgs *p);
void ecr_langpkgs_release(struct ecr_langpkgs *p);

#endif
