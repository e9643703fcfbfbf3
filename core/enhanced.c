/* ENHANCED scanning's findings, built from an image's stored inventory (enhanced.h).
 * One EnhancedImageScanFinding per vulnerability id, every affected package in its
 * vulnerablePackages; severity and score as Inspector chooses them
 * (ecr_match_inspector_severity); the findingArn is a hash of account, image digest
 * and id, so the same finding keeps its ARN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "buf.h"
#include "digest.h"
#include "enhanced.h"
#include "event.h"
#include "inventory.h"
#include "match.h"
#include "match_lang.h"
#include "platform.h"
#include "scancfg.h"
#include "state.h"
#include "str.h"
#include "token.h"
#include "vercmp.h"

#define DEFAULT_PAGE 100

/* "1:2.9.4+dfsg1-7+deb10u4" → epoch 1, version "2.9.4+dfsg1", release "7+deb10u4" */
static json_t *os_package(const char *name, const char *full, json_t *inv_pkg)
{
	const char *v = full, *colon = strchr(full, ':');
	long long epoch = 0;
	if (colon && colon > full && strspn(full, "0123456789") == (size_t)(colon - full)) {
		epoch = atoll(full);
		v = colon + 1;
	}
	const char *dash = strrchr(v, '-');
	json_t *p = json_pack("{s:I, s:s, s:s}", "epoch", epoch, "name", name, "packageManager", "OS");
	if (dash) {
		json_object_set_new(p, "release", json_string(dash + 1));
		json_object_set_new(p, "version", json_stringn(v, (size_t)(dash - v)));
	} else {
		json_object_set_new(p, "version", json_string(v));
	}
	const char *arch = json_string_value(json_object_get(inv_pkg, "arch"));
	if (arch && *arch)
		json_object_set_new(p, "arch", json_string(arch));
	return p;
}

/* The lowest fixed version above the installed one among the distribution's rows for
 * vuln, written epoch:version as Inspector writes it, in *out (malloc'd); NULL when
 * none. The feeds key Debian by source package and version, apk and rpm by origin and
 * version. */
static int os_fix(struct ecr_ctx *ctx, json_t *keys, json_t *p, const char *vuln, char **out, struct ecr_err *err)
{
	const char *fmt = json_string_value(json_object_get(p, "format"));
	ecr_vercmp_fn cmp = ecr_vercmp_for(fmt);
	const char *src = json_string_value(json_object_get(p, "sourceName"));
	const char *v = fmt && !strcmp(fmt, "dpkg") ? json_string_value(json_object_get(p, "sourceVersion"))
						    : json_string_value(json_object_get(p, "version"));
	*out = NULL;
	if (!cmp || !src || !v)
		return 0;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT fixed FROM advisory WHERE vuln_id = ?1 AND package IN (?2, ?4) AND ecosystem = ?3 AND fixed IS NOT NULL", err);
	if (!st)
		return ECR_E_STATE;
	char *best = NULL;
	size_t i;
	json_t *k;
	int rc = 0;
	json_array_foreach(keys, i, k) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, vuln, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, src, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, json_string_value(k), -1, SQLITE_TRANSIENT);
		/* rpm rows may name the binary package (match.c asks both) */
		const char *bin = json_string_value(json_object_get(p, "name"));
		if (!strcmp(fmt, "rpm") && bin)
			sqlite3_bind_text(st, 4, bin, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 4);
		while ((rc = ecr_state_step(st, err)) > 0) {
			const char *fx = (const char *)sqlite3_column_text(st, 0);
			if (fx && strcmp(fx, "0") && cmp(v, fx) < 0 && (!best || cmp(fx, best) < 0)) {
				free(best);
				if (!(best = strdup(fx))) {
					rc = ecr_err_oom(err);
					break;
				}
			}
		}
		if (rc)
			break;
	}
	ecr_state_done(st);
	if (!rc && best && !strchr(best, ':')) {
		char *e = ecr_str_fmt("0:%s", best);
		if (!e)
			rc = ecr_err_oom(err);
		free(best);
		best = e;
	}
	if (rc) {
		free(best);
		return rc;
	}
	*out = best;
	return 0;
}

static json_t *inv_lookup(json_t *inv, const char *name, const char *version)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(inv, "packages"), i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));
		const char *v = json_string_value(json_object_get(p, "version"));
		if (n && v && !strcmp(n, name) && !strcmp(v, version))
			return p;
	}
	return NULL;
}

/* the finding being built for vuln in by (created on first use) */
static json_t *finding(json_t *by, const char *vuln, const char *description, const char *vendor, const char *url,
		       const char *source)
{
	json_t *f = json_object_get(by, vuln);
	if (f)
		return f;
	f = json_pack("{s:s, s:o, s:s, s:s, s:o}", "vulnerabilityId", vuln, "vulnerablePackages", json_array(), "source",
		      source, "sourceUrl", url, "names", json_array());
	if (description)
		json_object_set_new(f, "description", json_string(description));
	if (vendor)
		json_object_set_new(f, "vendorSeverity", json_string(vendor));
	json_object_set_new(by, vuln, f);
	return f;
}

static int cmp_finding(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int r = ecr_severity_rank(json_string_value(json_object_get(x, "severity"))) -
		ecr_severity_rank(json_string_value(json_object_get(y, "severity")));
	if (r)
		return r;
	return strcmp(json_string_value(json_object_get(json_object_get(x, "packageVulnerabilityDetails"), "vulnerabilityId")),
		      json_string_value(json_object_get(json_object_get(y, "packageVulnerabilityDetails"), "vulnerabilityId")));
}

/* The image's config in *out (new reference; NULL for an index, which names none). A
 * config that cannot be read is an error, as it is for the inventory's diff_id check. */
static int image_config(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT config_digest FROM manifest WHERE digest = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0 && sqlite3_column_text(st, 0)) {
		char path[4096];
		json_error_t jerr;
		ecr_blob_path(ctx, (const char *)sqlite3_column_text(st, 0), path, sizeof(path));
		rc = (*out = json_load_file(path, 0, &jerr)) ? 0
			: ecr_err_set(err, ECR_E_ARCHIVE, "image config %s cannot be read: %s",
				      (const char *)sqlite3_column_text(st, 0), jerr.text);
	}
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

/* The image as an Inspector resource, in *out (new reference): its details in the
 * model's order, architecture and author from the image config, platform from the
 * inventory's os-release as Inspector names it (platform.c). */
static int resource(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, json_t *inv,
		    json_t **out, struct ecr_err *err)
{
	char arn[512], id[1024], platform[64];
	json_t *cfg = NULL, *img = NULL;
	int rc;
	*out = NULL;
	ecr_repo_arn(ctx, r, arn, sizeof(arn));
	snprintf(id, sizeof(id), "%s/%s", arn, ref->digest);
	if ((rc = image_config(ctx, ref->digest, &cfg, err)))
		return rc;
	img = json_object();
	if (!img) {
		rc = ecr_err_oom(err);
		goto out;
	}
	const char *arch = json_string_value(json_object_get(cfg, "architecture"));
	const char *author = json_string_value(json_object_get(cfg, "author"));
	if (arch && *arch)
		json_object_set_new(img, "architecture", json_string(arch));
	if (author && *author)
		json_object_set_new(img, "author", json_string(author));
	json_object_set_new(img, "imageHash", json_string(ref->digest));
	json_object_set_new(img, "imageTags", json_array());
	json_t *os = json_object_get(inv, "os");
	if (!ecr_platform_name(json_string_value(json_object_get(os, "id")), json_string_value(json_object_get(os, "versionId")),
			       platform, sizeof(platform)))
		json_object_set_new(img, "platform", json_string(platform));
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT pushed_at FROM image WHERE id = ?", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_int64(st, 1, ref->id);
	if ((rc = ecr_state_step(st, err)) > 0) {
		json_object_set_new(img, "pushedAt", json_real(sqlite3_column_double(st, 0)));
		rc = 0;
	}
	ecr_state_done(st);
	if (rc)
		goto out;
	json_object_set_new(img, "registry", json_string(r->account));
	json_object_set_new(img, "repositoryName", json_string(r->name));
	if (!(st = ecr_state_prepare(ctx->db, "SELECT tag FROM image_tag WHERE image_id = ? ORDER BY tag", err))) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_int64(st, 1, ref->id);
	while ((rc = ecr_state_step(st, err)) > 0)
		json_array_append_new(json_object_get(img, "imageTags"), json_string((const char *)sqlite3_column_text(st, 0)));
	ecr_state_done(st);
	if (rc)
		goto out;
	*out = json_pack("{s:{s:O}, s:s, s:s}", "details", "awsEcrContainerImage", img, "id", id, "type",
			 "AWS_ECR_CONTAINER_IMAGE");
	if (!*out)
		rc = ecr_err_oom(err);
out:
	json_decref(cfg);
	json_decref(img);
	return rc;
}

/* {vulnerabilityId: when it first appeared} for the findings imports brought to image
 * id after its scan (migration 9), in *out (new reference). */
static int seen_times(struct ecr_ctx *ctx, long long id, json_t **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT vuln_id, first_at FROM enhanced_seen WHERE image_id = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	json_t *m = json_object();
	if (!m) {
		ecr_state_done(st);
		return ecr_err_oom(err);
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = ecr_state_step(st, err)) > 0)
		json_object_set_new(m, (const char *)sqlite3_column_text(st, 0), json_real(sqlite3_column_double(st, 1)));
	ecr_state_done(st);
	if (rc) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

int ecr_enhanced_findings(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
			  json_t *inv, double first_observed, json_t **findings_out, json_t **counts_out,
			  struct ecr_err *err)
{
	json_t *basic = NULL, *lang = NULL, *by = json_object(), *list = NULL, *counts = NULL, *res = NULL, *seen = NULL;
	json_t **v = NULL;
	int rc;
	*findings_out = *counts_out = NULL;
	/* OS packages: the distribution's matching, as basic scanning does it */
	if ((rc = ecr_match(ctx, inv, &basic, err)))
		goto out;
	size_t i;
	json_t *bf;
	json_array_foreach(json_object_get(basic, "findings"), i, bf) {
		const char *vuln = json_string_value(json_object_get(bf, "name"));
		json_t *attrs = json_object_get(bf, "attributes");
		const char *ver = json_string_value(json_object_get(json_array_get(attrs, 0), "value"));
		const char *name = json_string_value(json_object_get(json_array_get(attrs, 1), "value"));
		if (!vuln || !ver || !name)
			continue;
		const char *uri = json_string_value(json_object_get(bf, "uri"));
		int debian = uri && strstr(uri, "security-tracker.debian.org");
		json_t *f = finding(by, vuln, json_string_value(json_object_get(bf, "description")), NULL, uri,
				    debian ? "DEBIAN_CVE" : "NVD");
		json_t *ip = inv_lookup(inv, name, ver), *op;
		char *fix;
		if ((rc = os_fix(ctx, json_object_get(basic, "ecosystems"), ip, vuln, &fix, err)))
			goto out;
		op = os_package(name, ver, ip);
		json_object_set_new(op, "fixedInVersion", json_string(fix ? fix : "NotAvailable"));
		free(fix);
		json_array_append_new(json_object_get(f, "vulnerablePackages"), op);
		json_array_append_new(json_object_get(f, "names"), json_string(name));
	}
	/* language packages: OSV, each ecosystem's ordering */
	if ((rc = ecr_match_lang(ctx, json_object_get(inv, "languagePackages"), &lang, err)))
		goto out;
	json_t *h;
	json_array_foreach(lang, i, h) {
		const char *vuln = json_string_value(json_object_get(h, "vulnerabilityId"));
		char url[256];
		snprintf(url, sizeof(url), "https://nvd.nist.gov/vuln/detail/%s", vuln);
		json_t *f = finding(by, vuln, json_string_value(json_object_get(h, "description")),
				    json_string_value(json_object_get(h, "vendorSeverity")), url, "NVD");
		json_t *p = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O}", "epoch", (json_int_t)0, "filePath",
				      json_object_get(h, "filePath"), "fixedInVersion", json_object_get(h, "fixedInVersion"),
				      "name", json_object_get(h, "name"), "packageManager",
				      json_object_get(h, "packageManager"), "version", json_object_get(h, "version"));
		if (json_object_get(h, "sourceLayerHash"))
			json_object_set(p, "sourceLayerHash", json_object_get(h, "sourceLayerHash"));
		json_array_append_new(json_object_get(f, "vulnerablePackages"), p);
		json_array_append(json_object_get(f, "names"), json_object_get(h, "name"));
	}
	/* the ECR shape */
	list = json_array();
	counts = json_object();
	double updated = json_number_value(json_object_get(basic, "sourceUpdatedAt"));
	if (updated < first_observed)
		updated = first_observed;
	if ((rc = resource(ctx, r, ref, inv, &res, err))) /* the same image for every finding */
		goto out;
	if ((rc = seen_times(ctx, ref->id, &seen, err)))
		goto out;
	const char *vuln;
	json_t *f;
	json_object_foreach(by, vuln, f) {
		json_t *cvss, *chosen = NULL;
		double score;
		if ((rc = ecr_match_cvss(ctx, vuln, &cvss, err)))
			goto out;
		const char *vendor = json_string_value(json_object_get(f, "vendorSeverity"));
		const char *sev = ecr_match_inspector_severity(cvss, vendor, &score, &chosen);
		char hash[ECR_DIGEST_LEN + 1], arn[256];
		struct buf title;
		size_t k;
		json_t *n;
		/* every package named: a title is as long as its list */
		ecr_buf_init(&title, (size_t)1 << 20);
		int bad = ecr_buf_printf(&title, "%s - ", vuln);
		json_array_foreach(json_object_get(f, "names"), k, n)
			bad |= ecr_buf_printf(&title, "%s%s", k ? ", " : "", json_string_value(n));
		if (bad) {
			json_decref(cvss);
			rc = ecr_err_set(err, ECR_E_INTERNAL, "the title of finding %s passes %u bytes", vuln, 1u << 20);
			goto out;
		}
		/* the ARN hashes the whole key: a cut one would give two findings one ARN */
		char *key = ecr_str_fmt("%s|%s|%s", r->account, ref->digest, vuln);
		if (!key) {
			ecr_buf_release(&title);
			json_decref(cvss);
			rc = ecr_err_oom(err);
			goto out;
		}
		ecr_sha256_buf(key, strlen(key), hash);
		free(key);
		snprintf(arn, sizeof(arn), "arn:aws:inspector2:%s:%s:finding/%.32s", ctx->region, r->account,
			 hash + strlen("sha256:"));
		json_t *pvd = json_pack("{s:O, s:[], s:[], s:O, s:O}", "cvss", cvss, "referenceUrls", "relatedVulnerabilities",
					"source", json_object_get(f, "source"), "sourceUrl", json_object_get(f, "sourceUrl"));
		if (vendor)
			json_object_set_new(pvd, "vendorSeverity", json_string(vendor));
		json_object_set_new(pvd, "vulnerabilityId", json_string(vuln));
		json_object_set(pvd, "vulnerablePackages", json_object_get(f, "vulnerablePackages"));
		json_t *e = json_pack("{s:s}", "awsAccountId", r->account);
		if (json_object_get(f, "description"))
			json_object_set(e, "description", json_object_get(f, "description"));
		json_object_set_new(e, "findingArn", json_string(arn));
		/* a finding an import brought after the scan was first observed then */
		json_t *at = json_object_get(seen, vuln);
		double first = at ? json_real_value(at) : first_observed, last = updated > first ? updated : first;
		json_object_set_new(e, "firstObservedAt", json_real(first));
		json_object_set_new(e, "lastObservedAt", json_real(last));
		json_object_set_new(e, "packageVulnerabilityDetails", pvd);
		json_object_set_new(e, "remediation", json_pack("{s:{s:s}}", "recommendation", "text", "None Provided"));
		json_object_set_new(e, "resources", json_pack("[O]", res));
		if (chosen) {
			json_object_set_new(e, "score", json_real(score));
			json_object_set_new(e, "scoreDetails",
					    json_pack("{s:{s:[], s:f, s:O, s:O, s:O}}", "cvss", "adjustments", "score", score,
						      "scoreSource", json_object_get(chosen, "source"), "scoringVector",
						      json_object_get(chosen, "scoringVector"), "version",
						      json_object_get(chosen, "version")));
		}
		json_object_set_new(e, "severity", json_string(sev));
		json_object_set_new(e, "status", json_string("ACTIVE"));
		json_object_set_new(e, "title", json_string(title.data));
		ecr_buf_release(&title);
		json_object_set_new(e, "type", json_string("PACKAGE_VULNERABILITY"));
		json_object_set_new(e, "updatedAt", json_real(last));
		/* the fix state Inspector adds (the 2.9.19 CLI's model does not know it) */
		int fixed = 0, total = 0;
		json_array_foreach(json_object_get(f, "vulnerablePackages"), k, n) {
			const char *fv = json_string_value(json_object_get(n, "fixedInVersion"));
			total++;
			fixed += fv && strcmp(fv, "NotAvailable");
		}
		if (total && json_object_get(json_array_get(json_object_get(f, "vulnerablePackages"), 0), "fixedInVersion"))
			json_object_set_new(e, "fixAvailable",
					    json_string(fixed == total ? "YES" : fixed ? "PARTIAL" : "NO"));
		json_array_append_new(list, e);
		json_decref(cvss);
		const char *ck = strcmp(sev, "UNTRIAGED") ? sev : "UNDEFINED";
		json_object_set_new(counts, ck, json_integer(json_integer_value(json_object_get(counts, ck)) + 1));
	}
	size_t nf = json_array_size(list);
	if (!(v = malloc((nf + 1) * sizeof(*v)))) {
		rc = ecr_err_oom(err);
		goto out;
	}
	for (size_t j = 0; j < nf; j++)
		v[j] = json_incref(json_array_get(list, j));
	qsort(v, nf, sizeof(*v), cmp_finding);
	json_array_clear(list);
	for (size_t j = 0; j < nf; j++)
		json_array_append_new(list, v[j]);
	/* the counts in the core's severity order (ecr_severity_name) */
	json_t *ordered = json_object();
	for (int j = 0; j < ECR_NSEVERITIES; j++)
		if (json_object_get(counts, ecr_severity_name(j)))
			json_object_set(ordered, ecr_severity_name(j), json_object_get(counts, ecr_severity_name(j)));
	*findings_out = list;
	list = NULL;
	*counts_out = ordered;
out:
	free(v);
	json_decref(seen);
	json_decref(res);
	json_decref(list);
	json_decref(counts);
	json_decref(basic);
	json_decref(lang);
	json_decref(by);
	return rc;
}

/* When the vulnerability data was last updated, in *out; -1 before any import. */
static int source_updated(struct ecr_ctx *ctx, double *out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT max(updated_at) FROM feed_source", err);
	int rc;
	*out = -1;
	if (!st)
		return ECR_E_STATE;
	if ((rc = ecr_state_step(st, err)) > 0) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*out = sqlite3_column_double(st, 0);
		rc = 0;
	}
	ecr_state_done(st);
	return rc;
}

int ecr_enhanced_result(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
			json_t *inventory, json_t **out, struct ecr_err *err)
{
	json_t *findings = NULL, *counts = NULL;
	double su;
	int rc;
	*out = NULL;
	if ((rc = ecr_enhanced_findings(ctx, r, ref, inventory, ecr_ctx_now(ctx), &findings, &counts, err)) ||
	    (rc = source_updated(ctx, &su, err))) {
		json_decref(findings);
		json_decref(counts);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "findings", findings, "counts", counts);
	ECR_CHECK_ALLOC(*out, err);
	if (su >= 0)
		json_object_set_new(*out, "sourceUpdatedAt", json_real(su));
	return 0;
}

int ecr_enhanced_describe(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, json_t *req,
			  json_t **out, struct ecr_err *err)
{
	json_t *iid = json_object_get(req, "imageId");
	const char *freq;
	int rc = ecr_scancfg_frequency(ctx, r, &freq, NULL, NULL, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT s.status, s.description, s.completed_at, i.pushed_at,"
		" (SELECT min(completed_at) FROM scan WHERE image_id = s.image_id AND status = 'COMPLETE'), s.enhanced"
		" FROM scan s JOIN image i ON i.id = s.image_id WHERE s.image_id = ? ORDER BY s.id DESC LIMIT 1", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, ref->id);
	/* an image of a repository no rule covers is not scanned at all */
	if (!strcmp(freq, "MANUAL") || (rc = ecr_state_step(st, err)) <= 0) {
		char text[1024];
		ecr_state_done(st);
		if (rc < 0)
			return rc;
		ecr_image_id_text(iid, text, sizeof(text));
		return ecr_err_set(err, ECR_E_SCAN_NOT_FOUND,
				   "Image scan does not exist for the image with '%s' in the repository with name '%s' in the registry with id '%s'",
				   text, r->name, r->account);
	}
	char status[32], desc[512];
	snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(desc, sizeof(desc), "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
	double completed = sqlite3_column_double(st, 2), pushed = sqlite3_column_double(st, 3);
	double first = sqlite3_column_type(st, 4) == SQLITE_NULL ? completed : sqlite3_column_double(st, 4);
	/* scan on push: the findings the scan found, kept with it (Inspector scans those
	 * images once, "will not get new findings"); a scan from before migration 8 or
	 * under BASIC has none kept, and is matched now */
	json_t *kept = NULL;
	if (!strcmp(freq, "SCAN_ON_PUSH") && sqlite3_column_text(st, 5)) {
		json_error_t jerr;
		if (!(kept = json_loads((const char *)sqlite3_column_text(st, 5), 0, &jerr))) {
			ecr_state_done(st);
			return ecr_err_set(err, ECR_E_STATE, "state database error: a scan's enhanced findings cannot be read: %s",
					   jerr.text);
		}
	}
	ecr_state_done(st);
	json_t *idj = ecr_image_id_json(ref->digest, ref->tag);
	json_t *resp = json_pack("{s:s, s:s, s:o}", "registryId", r->account, "repositoryName", r->name, "imageId", idj);
	int continuous = !strcmp(freq, "CONTINUOUS_SCAN");
	int complete = !strcmp(status, "COMPLETE");
	if (complete && continuous && ecr_ctx_now(ctx) - pushed > ECR_ENHANCED_ELIGIBLE_DAYS * 86400.0) {
		json_object_set_new(resp, "imageScanStatus", json_pack("{s:s, s:s}", "status", "SCAN_ELIGIBILITY_EXPIRED",
									 "description", ECR_EXPIRED_TEXT));
		*out = resp;
		return 0;
	}
	if (complete)
		json_object_set_new(resp, "imageScanStatus",
				    json_pack("{s:s, s:s}", "status", continuous ? "ACTIVE" : "COMPLETE", "description",
					      continuous ? ECR_CONTINUOUS_TEXT : desc));
	else if (!strcmp(status, "IN_PROGRESS"))
		json_object_set_new(resp, "imageScanStatus",
				    json_pack("{s:s, s:s}", "status", "PENDING", "description", ECR_PENDING_TEXT));
	else
		json_object_set_new(resp, "imageScanStatus",
				    *desc ? json_pack("{s:s, s:s}", "status", status, "description", desc)
					  : json_pack("{s:s}", "status", status));
	if (!complete) {
		json_decref(kept);
		*out = resp;
		return 0;
	}
	json_t *inv = NULL, *findings = NULL, *counts = NULL;
	double su = -1;
	if (kept) {
		findings = json_incref(json_object_get(kept, "findings"));
		counts = json_incref(json_object_get(kept, "counts"));
		if (json_is_number(json_object_get(kept, "sourceUpdatedAt")))
			su = json_number_value(json_object_get(kept, "sourceUpdatedAt"));
		json_decref(kept);
		rc = json_is_array(findings) && json_is_object(counts)
			     ? 0 : ecr_err_set(err, ECR_E_STATE, "state database error: a scan's enhanced findings are malformed");
	} else {
		rc = ecr_inventory(ctx, ref->digest, &inv, err);
		if (!rc)
			rc = ecr_enhanced_findings(ctx, r, ref, inv, first, &findings, &counts, err);
		if (!rc)
			rc = source_updated(ctx, &su, err);
	}
	json_decref(inv);
	if (rc) {
		json_decref(findings);
		json_decref(counts);
		json_decref(resp);
		return rc;
	}
	/* a page: the token holds the offset, tied to this image */
	char scope[64];
	long long after = 0;
	json_t *max = json_object_get(req, "maxResults");
	long long limit = max ? json_integer_value(max) : DEFAULT_PAGE;
	const char *tok = json_string_value(json_object_get(req, "nextToken"));
	snprintf(scope, sizeof(scope), "enhanced/%lld", ref->id);
	if (tok && (rc = ecr_token_read(ctx, "DescribeImageScanFindings", scope, tok, &after, err))) {
		json_decref(findings);
		json_decref(counts);
		json_decref(resp);
		return rc;
	}
	json_t *page = json_array();
	size_t total = json_array_size(findings);
	for (size_t i = (size_t)after; i < total && (long long)(i - (size_t)after) < limit; i++)
		json_array_append(page, json_array_get(findings, i));
	json_t *isf = json_pack("{s:f}", "imageScanCompletedAt", completed);
	if (su >= 0)
		json_object_set_new(isf, "vulnerabilitySourceUpdatedAt", json_real(su));
	json_object_set_new(isf, "findingSeverityCounts", counts);
	json_object_set_new(isf, "enhancedFindings", page);
	json_object_set_new(resp, "imageScanFindings", isf);
	rc = (long long)total > after + limit
			 ? ecr_token_set(ctx, resp, "DescribeImageScanFindings", scope, after + limit, err) : 0;
	json_decref(findings);
	if (rc) {
		json_decref(resp);
		return rc;
	}
	*out = resp;
	return 0;
}

/* --- continuous scanning's change events --------------------------------------- */

/* One image's findings as {id: ["name version", …]} (new reference), NULL when it
 * cannot be matched (a state error is also a notice); counts_out: its severity counts
 * (new reference). */
static json_t *image_state(struct ecr_ctx *ctx, const char *repo, const char *digest, json_t **counts_out,
			   long long *id_out)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	struct ecr_err err = {0};
	json_t *iid = json_pack("{s:s}", "imageDigest", digest), *inv = NULL, *findings = NULL, *out = NULL;
	*counts_out = NULL;
	if (ecr_repo_load_name(ctx, ctx->account, repo, &r, &err) || ecr_image_resolve(ctx, &r, iid, &ref, &err) ||
	    ecr_inventory(ctx, digest, &inv, &err) ||
	    ecr_enhanced_findings(ctx, &r, &ref, inv, 0, &findings, counts_out, &err))
		goto out;
	if (id_out)
		*id_out = ref.id;
	out = json_object();
	size_t i, k;
	json_t *f, *p;
	json_array_foreach(findings, i, f) {
		json_t *d = json_object_get(f, "packageVulnerabilityDetails"), *names = json_array();
		json_array_foreach(json_object_get(d, "vulnerablePackages"), k, p) {
			json_array_append_new(names, json_sprintf("%s %s", json_string_value(json_object_get(p, "name")),
							    json_string_value(json_object_get(p, "version"))));
		}
		json_object_set_new(out, json_string_value(json_object_get(d, "vulnerabilityId")), names);
	}
out:
	/* gone since, or refused: nothing to compare; the state failing: said */
	if (err.code == ECR_E_STATE || err.code == ECR_E_INTERNAL)
		json_array_append_new(ctx->notices, json_sprintf("continuous scanning's change events of %s@%s are not sent: %s",
								 repo, digest, err.message));
	json_decref(iid);
	json_decref(inv);
	json_decref(findings);
	return out;
}

/* The images continuous scanning watches: [[repo, digest], …] (new reference). */
static json_t *watched(struct ecr_ctx *ctx)
{
	json_t *out = json_array();
	struct ecr_err err = {0};
	sqlite3_stmt *st = NULL;
	/* best effort: change events are a notice, the import stands without them; but a
	 * list that cannot be read says so, and sends none rather than some */
	int rc = ecr_scancfg_enhanced(ctx, ctx->account, &err);
	if (rc <= 0)
		goto out;
	st = ecr_state_prepare(ctx->db,
		"SELECT r.name, i.digest FROM image i JOIN repository r ON r.id = i.repo_id"
		" WHERE r.account = ? AND r.region = ? AND i.pushed_at >= ?"
		" AND EXISTS(SELECT 1 FROM scan s WHERE s.image_id = i.id AND s.status = 'COMPLETE') ORDER BY r.name, i.digest",
		&err);
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, ctx->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, ecr_ctx_now(ctx) - ECR_ENHANCED_ELIGIBLE_DAYS * 86400.0);
	while ((rc = ecr_state_step(st, &err)) > 0)
		json_array_append_new(out, json_pack("[s, s]", (const char *)sqlite3_column_text(st, 0),
						     (const char *)sqlite3_column_text(st, 1)));
	ecr_state_done(st);
	if (rc < 0)
		goto out;
	/* only continuous repositories: the frequency is the configuration's rule */
	size_t i = 0;
	while (i < json_array_size(out)) {
		struct ecr_repo r;
		const char *name = json_string_value(json_array_get(json_array_get(out, i), 0)), *freq;
		if ((rc = ecr_repo_load_name(ctx, ctx->account, name, &r, &err)) == ECR_E_REPOSITORY_NOT_FOUND) {
			ecr_err_clear(&err); /* deleted since: nothing to watch */
			json_array_remove(out, i);
			continue;
		}
		if (rc || (rc = ecr_scancfg_frequency(ctx, &r, &freq, NULL, NULL, &err)))
			goto out;
		if (!strcmp(freq, "CONTINUOUS_SCAN"))
			i++;
		else
			json_array_remove(out, i);
	}
out:
	if (err.code) {
		json_array_clear(out);
		json_array_append_new(ctx->notices, json_sprintf("continuous scanning's change events are not sent: %s",
								 err.message));
	}
	return out;
}

json_t *ecr_enhanced_snapshot(struct ecr_ctx *ctx)
{
	json_t *imgs = watched(ctx), *snap = json_object(), *row;
	size_t i;
	json_array_foreach(imgs, i, row) {
		const char *repo = json_string_value(json_array_get(row, 0)), *d = json_string_value(json_array_get(row, 1));
		json_t *counts, *state = image_state(ctx, repo, d, &counts, NULL);
		char key[600];
		snprintf(key, sizeof(key), "%s@%s", repo, d);
		if (state)
			json_object_set_new(snap, key, state);
		json_decref(counts);
	}
	json_decref(imgs);
	if (!json_object_size(snap)) {
		json_decref(snap);
		return NULL;
	}
	return snap;
}

/* the ids of a that b lacks (or whose packages differ, with changed set) */
static json_t *diff(json_t *a, json_t *b, int changed)
{
	json_t *out = json_array(), *v;
	const char *k;
	json_object_foreach(a, k, v) {
		json_t *o = json_object_get(b, k);
		if (changed ? (o && !json_equal(o, v)) : !o)
			json_array_append_new(out, json_string(k));
	}
	return out;
}

/* Keeps when the findings an import brought to image id first appeared (now), for
 * their firstObservedAt: one short write after the import's commit. A failure loses
 * only those times (the findings then show the image's scan time) and says so. */
static void keep_seen(struct ecr_ctx *ctx, long long id, json_t *created)
{
	struct ecr_err err = {0};
	size_t i;
	json_t *v;
	if (!id || !json_array_size(created) || ecr_state_begin(ctx->db, 1, &err))
		goto out;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT OR IGNORE INTO enhanced_seen(image_id, vuln_id, first_at) VALUES(?, ?, ?)", &err);
	int rc = st ? 0 : ECR_E_STATE;
	json_array_foreach(created, i, v) {
		if (rc)
			break;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, json_string_value(v), -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 3, ecr_ctx_now(ctx));
		rc = ecr_state_step(st, &err);
	}
	if (st)
		ecr_state_done(st);
	if (rc < 0 || ecr_state_commit(ctx->db, &err))
		ecr_state_rollback(ctx->db);
out:
	if (err.message[0])
		json_array_append_new(ctx->notices, json_sprintf("when new findings first appeared was not kept: %s",
								 err.message));
}

void ecr_enhanced_changes(struct ecr_ctx *ctx, json_t *before)
{
	const char *key;
	json_t *old;
	json_object_foreach(before, key, old) {
		const char *at = strrchr(key, '@');
		if (!at)
			continue;
		char repo[512];
		if (ecr_str_ncopy(repo, sizeof(repo), key, (size_t)(at - key)))
			continue; /* not a key the snapshot makes: repository names are shorter */
		long long id = 0;
		json_t *counts, *now = image_state(ctx, repo, at + 1, &counts, &id);
		if (now && !json_equal(now, old)) {
			json_t *created = diff(now, old, 0);
			keep_seen(ctx, id, created);
			char arn[800];
			snprintf(arn, sizeof(arn), "arn:aws:ecr:%s:%s:repository/%s/%s", ctx->region, ctx->account, repo, at + 1);
			/* counts as Inspector's scan event gives them: non-zero levels and a TOTAL */
			json_t *c = json_object(), *v;
			const char *lvl;
			json_int_t total = 0;
			json_object_foreach(counts, lvl, v)
				if (json_integer_value(v)) {
					json_object_set(c, lvl, v);
					total += json_integer_value(v);
				}
			json_object_set_new(c, "TOTAL", json_integer(total));
			json_t *detail = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "repository-name", repo, "image-digest",
						   at + 1, "finding-severity-counts", c, "created", created, "closed",
						   diff(old, now, 0), "updated", diff(now, old, 1));
			ecr_event_queue(ctx, ecr_event_new(ctx, "ecrlite", "Enhanced Scan Findings Change", json_pack("[s]", arn),
							   detail));
		}
		json_decref(now);
		json_decref(counts);
	}
	ecr_event_flush(ctx);
}
