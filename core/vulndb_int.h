/* Shared by the feed readers (feed_*.c) and vulndb.c. Core-internal. */
#ifndef ECR_VULNDB_INT_H
#define ECR_VULNDB_INT_H
#include <jansson.h>

#include "ctx.h"

struct feed {
	struct ecr_ctx *ctx;       /* state */
	const char *what;          /* the document being read, for messages */
	const char *file;          /* the file it is in */
	double file_time;          /* its mtime: "updated" for feeds that carry no date */
	sqlite3_stmt *adv;         /* INSERT INTO advisory */
	sqlite3_stmt *cve;         /* INSERT OR REPLACE INTO cve_info */
	json_t *touched;           /* source name → {id, format, replace} of this import */
	long long records;         /* records taken in this import */
	long long unchanged;       /* files skipped: imported before, unchanged */
	long long file_id;         /* feed_file row of the file being read */
	json_t *file_sources;      /* the sources it wrote: [{name, id, format}] */
	long long nvd_src;         /* the NVD source of the document being read */
	long long debian_src;      /* the tracker's */
};

/* The id of source name for this import. replace: its old rows go (a whole-feed
 * document); else rows are replaced per vulnerability id (record-style feeds).
 * updated: the feed's own time, or <0 for the file's. */
int feed_source(struct feed *f, const char *name, const char *format, int replace, double updated,
		long long *id, struct ecr_err *err);
/* Removes source id's rows for one package of one ecosystem (a one-package record). */
int feed_forget_package(struct feed *f, long long id, const char *eco, const char *pkg, struct ecr_err *err);
int feed_advisory(struct feed *f, long long source, const char *eco, const char *pkg, const char *vuln,
		  const char *status, const char *introduced, const char *fixed, const char *last_affected,
		  const char *versions, const char *severity, const char *description, struct ecr_err *err);
/* A CVSS vector the record carries for vuln (kept once per source). */
int feed_cvss(struct feed *f, long long source, const char *vuln, const char *vector, struct ecr_err *err);
/* A CVE's description and the CVSS v2 / v3 metric basic scanning scores it by;
 * metrics: every metric the record lists ([{vector, source}] JSON text, or NULL). */
int feed_cve(struct feed *f, long long source, const char *id, const char *description, const char *v2vec,
	     double v2score, const char *v3vec, double v3score, const char *metrics, struct ecr_err *err);
/* ECR severity for a distribution's own rating word, or NULL (none / unknown). */
const char *feed_severity_word(const char *word);
/* A type error at a JSON path: ECR_E_FEED naming the document and the path. */
int feed_bad(struct feed *f, struct ecr_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A document read whole, its format detected by content. */
int feed_document(struct feed *f, json_t *doc, struct ecr_err *err);
int feed_osv_like(json_t *doc);

/* feed_stream.c: one document's text, chunk by chunk (yajl); records are handed to
 * the readers below as they complete, other documents go to feed_document. */
struct feed_stream;
struct feed_stream *feed_stream_new(struct feed *f, struct ecr_err *err);
int feed_stream_write(struct feed_stream *fs, const void *data, size_t n);
int feed_stream_finish(struct feed_stream *fs);
void feed_stream_free(struct feed_stream *fs);

/* The streamed readers: NVD records ($.vulnerabilities[i] or $.CVE_Items[i]) after
 * the header members read before the list, the tracker's source packages. */
int feed_nvd_begin(struct feed *f, json_t *header, struct ecr_err *err);
int feed_nvd_record(struct feed *f, json_t *item, const char *list, size_t i, struct ecr_err *err);
int feed_nvd_end(struct feed *f, struct ecr_err *err);
int feed_debian_like(const char *pkg, json_t *cves);
int feed_debian_begin(struct feed *f, struct ecr_err *err);
int feed_debian_package(struct feed *f, const char *pkg, json_t *cves, struct ecr_err *err);

int feed_debian(struct feed *f, json_t *doc, struct ecr_err *err);
/* An Alpine-secdb-shaped document (a branch's, one package's, or Wolfi's). */
int feed_alpine_like(json_t *doc);
int feed_alpine(struct feed *f, json_t *doc, struct ecr_err *err);
int feed_osv(struct feed *f, json_t *rec, struct ecr_err *err);
int feed_nvd(struct feed *f, json_t *doc, struct ecr_err *err);

#endif
