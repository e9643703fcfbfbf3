/* The files a scan reads, as a table: one row per kind of file, with a predicate on
 * the entry's own path (as the layer writes it) and what its bytes become. Adding a
 * kind of file (a language's package metadata, say) is adding a row here and, if it is
 * found at fixed places, a row in the consumer's lookup table (pkgdb.c, osrelease.c);
 * a row without fixed places is read wherever its predicate holds (see ecr_wanted_row).
 * Core-internal. Ownership: a payload owns its bytes and packages. */
#ifndef ECR_WANTED_H
#define ECR_WANTED_H
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "lang.h"
#include "pkg.h"

#define ECR_TEXT_MAX (64u << 10)            /* os-release and friends: small text */
#define ECR_SCAN_PKGDB_BUDGET (256u << 20)  /* package-database bytes one scan reads in all */

enum ecr_want_kind {
	ECR_WANT_TEXT = 0,   /* the bytes are kept (capped at ECR_TEXT_MAX) */
	ECR_WANT_PKGS = 1,   /* the bytes are parsed into packages at once and dropped */
	ECR_WANT_MARK = 2,   /* only its presence matters (a database we can name, not read) */
	ECR_WANT_LANG = 3,   /* language-package metadata: read (or streamed) by its lang_*.c
			      * parser; a file past a cap is skipped with a warning, never an
			      * error, and the packages are taken from the merged tree (langinv.c) */
};

struct ecr_wanted_row {
	const char *name;                  /* stable name: messages and the layer cache */
	int (*match)(const char *path, int exec); /* 1 when a regular file at path (normalized;
					    * exec: an execute bit is set) is such a file */
	int kind;                          /* enum ecr_want_kind */
	/* ECR_WANT_PKGS: the reader (bytes in memory; packages appended to out) */
	int (*parse)(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err);
	size_t cap;                        /* bytes of one file at most (ECR_E_ARCHIVE past it) */
	int anywhere;                      /* 1: every matching file in the merged tree counts
					    * (language metadata); 0: only the consumers' fixed
					    * paths, looked up through links */
	int lang;                          /* ECR_WANT_LANG: enum ecr_lang_kind */
};

/* What a wanted file's bytes became. */
struct ecr_payload {
	int row;                 /* index in the table */
	struct buf text;         /* ECR_WANT_TEXT: the bytes */
	struct ecr_pkgs pkgs;    /* ECR_WANT_PKGS: the packages (skipped entries counted) */
	char *error;             /* the reader refused the file: why (raised only if it is used) */
	struct ecr_langpkgs lang; /* ECR_WANT_LANG: the packages and warnings (paths as read) */
};

/* A per-scan budget for package-database bytes, shared by the threads reading layers. */
struct ecr_budget {
	void *lock;              /* pthread_mutex_t, opaque here */
	size_t left;             /* bytes that may still be read */
};

const struct ecr_wanted_row *ecr_wanted_row(int i);  /* NULL past the end */
int ecr_wanted_count(void);
int ecr_wanted_find(const char *path, int exec);     /* first matching row, or -1 */
int ecr_wanted_by_name(const char *name);            /* row index, or -1 */

/* Budget: init with the scan's total; take n bytes (0, or -1 when it is spent). */
int ecr_budget_init(struct ecr_budget *b, size_t total);
int ecr_budget_take(struct ecr_budget *b, size_t n);
void ecr_budget_release(struct ecr_budget *b);

/* Reads a file's bytes through read_fn (bytes read; 0 at the end; < 0 on error, with
 * *why_out pointing at a static or ud-owned message) into a payload of row:
 * capped by the row and, for package databases, by the budget (NULL: none). `what` and
 * `path` name the file in messages; size is the entry's (-1: unknown). ECR_E_ARCHIVE
 * past a cap or on a read error. A language row never fails: past a cap, the budget
 * or a read error the file is skipped with a warning, and *out is NULL when it gave
 * neither packages nor warnings (most executables are not Go). */
int ecr_payload_read(int row, long (*read_fn)(void *ud, char *buf, size_t n, const char **why_out), void *ud,
		     long long size, struct ecr_budget *budget, const char *what, const char *path,
		     struct ecr_payload **out, struct ecr_err *err);
void ecr_payload_free(struct ecr_payload *p);

#endif
