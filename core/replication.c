/* Registry replication: the copy made when an image is pushed (replication.h). The copy
 * runs inside the push's own write transaction, so a push and its replicas are one
 * unit of work: all of it commits or none. It is short: rows and links, never bytes
 * (blobs are content-addressed and shared by every repository that may serve them). */
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "onpush.h"
#include "ops.h"
#include "replication.h"
#include "state.h"
#include "txn.h"

#define MAX_DEPTH 8 /* indexes of indexes followed this deep (ecrlite's bound) */

struct dest {
	char region[32];  /* destination region */
	char account[16]; /* destination registry id */
};

int ecr_replication_rules(struct ecr_ctx *ctx, const char *account, json_t **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT rules FROM replication_config WHERE account = ? AND region = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0) {
		/* stored by PutReplicationConfiguration after validation: a list */
		*out = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
		rc = *out ? 0 : ecr_err_set(err, ECR_E_STATE, "state database error: unreadable replication configuration");
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (!*out && !(*out = json_array()))
		return ecr_err_oom(err);
	return 0;
}

/* PREFIX_MATCH (the model's only filterType); a rule without filters takes every
 * repository. */
static int rule_matches(json_t *rule, const char *name)
{
	json_t *fs = json_object_get(rule, "repositoryFilters"), *f;
	size_t i;
	if (!json_array_size(fs))
		return 1;
	json_array_foreach(fs, i, f) {
		const char *v = json_string_value(json_object_get(f, "filter"));
		if (v && !strncmp(name, v, strlen(v)))
			return 1;
	}
	return 0;
}

/* The destinations the rules give repository name, each once, never the source itself. */
static int destinations(struct ecr_ctx *ctx, json_t *rules, const char *account, const char *name,
			struct dest d[ECR_REPL_MAX_DESTINATIONS])
{
	json_t *rule, *x;
	size_t i, j;
	int n = 0;
	json_array_foreach(rules, i, rule) {
		if (!rule_matches(rule, name))
			continue;
		json_array_foreach(json_object_get(rule, "destinations"), j, x) {
			const char *reg = json_string_value(json_object_get(x, "region"));
			const char *acc = json_string_value(json_object_get(x, "registryId"));
			int seen = !reg || !acc || (!strcmp(reg, ctx->region) && !strcmp(acc, account));
			for (int k = 0; k < n && !seen; k++)
				seen = !strcmp(d[k].region, reg) && !strcmp(d[k].account, acc);
			if (seen || n == ECR_REPL_MAX_DESTINATIONS)
				continue;
			snprintf(d[n].region, sizeof(d[n].region), "%s", reg);
			snprintf(d[n].account, sizeof(d[n].account), "%s", acc);
			n++;
		}
	}
	return n;
}

static int exec_bound(struct ecr_ctx *ctx, const char *sql, long long id, const char *a, const char *b,
		      const char *c, const char *e, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e, -1, SQLITE_STATIC);
	int rc = ecr_state_step(st, err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

/* 1 when digest is an image of repository repo_id, 0 when not, < 0 on a state error. */
static int image_in(struct ecr_ctx *ctx, long long repo_id, const char *digest, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT 1 FROM image WHERE repo_id = ? AND digest = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, repo_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	int rc = ecr_state_step(st, err);
	ecr_state_done(st);
	return rc < 0 ? rc : rc > 0;
}

/* Manifest digest, an image of source repository src_id, into dst with tag (NULL:
 * untagged): an index's manifests first (as a client pushes them), then the blobs
 * linked, then the bytes as they were pushed, through ecr_image_put as any push (tag
 * mutability, the digest checked). */
static int copy_manifest(struct ecr_ctx *ctx, long long src_id, const struct ecr_repo *dst, const char *digest,
			 const char *tag, int depth, struct ecr_image_ref *out, enum ecr_image_change *ch,
			 struct ecr_err *err)
{
	json_t *kids = NULL, *k;
	char *body = NULL, *mt = NULL;
	size_t i, n = 0;
	int rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT DISTINCT mr.digest FROM manifest_ref mr JOIN image i ON i.digest = mr.digest AND i.repo_id = ?"
		" WHERE mr.manifest = ? ORDER BY mr.idx", err);
	if (!st)
		return ECR_E_STATE;
	/* collected first: the copies below prepare this same kept statement */
	if (!(kids = json_array())) {
		ecr_state_done(st);
		return ecr_err_oom(err);
	}
	sqlite3_bind_int64(st, 1, src_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	/* a kid dropped for want of memory would fail the copy as a missing manifest */
	while ((rc = ecr_state_step(st, err)) > 0)
		if (json_array_append_new(kids, json_string((const char *)sqlite3_column_text(st, 0)))) {
			rc = ecr_err_oom(err);
			break;
		}
	ecr_state_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	/* an index names image manifests, or indexes (the source took an index of indexes,
	 * so the destination must too: each level's manifests are there before it, or its
	 * put fails ReferencedImagesNotFoundException). The digests make the references a
	 * DAG; one already an image there is passed over (it has all it names, as any image
	 * there has), so each manifest is copied once however many indexes name it, and
	 * the depth bounds only the C stack */
	json_array_foreach(kids, i, k) {
		struct ecr_image_ref kref;
		enum ecr_image_change kch;
		if (depth >= MAX_DEPTH)
			break;
		if ((rc = image_in(ctx, dst->id, json_string_value(k), err)) < 0)
			goto out;
		if (rc)
			continue;
		if ((rc = copy_manifest(ctx, src_id, dst, json_string_value(k), NULL, depth + 1, &kref, &kch, err)))
			goto out;
	}
	rc = 0;
	if ((rc = exec_bound(ctx,
		"INSERT OR IGNORE INTO repo_blob(repo_id, digest) SELECT ?1, digest FROM manifest_layer WHERE manifest = ?2"
		" UNION SELECT ?1, config_digest FROM manifest WHERE digest = ?2 AND config_digest IS NOT NULL"
		" AND config_digest <> ''", dst->id, digest, NULL, NULL, NULL, err)))
		goto out;
	if (!(st = ecr_state_prepare(ctx->db, "SELECT media_type, body FROM manifest WHERE digest = ?", err))) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0) {
		n = (size_t)sqlite3_column_bytes(st, 1);
		mt = strdup((const char *)sqlite3_column_text(st, 0));
		if ((body = malloc(n + 1)))
			memcpy(body, sqlite3_column_blob(st, 1), n);
		rc = body && mt ? 0 : ecr_err_oom(err);
	} else if (!rc) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "replication: manifest '%s' is not in the state", digest);
	}
	ecr_state_done(st);
	if (!rc)
		rc = ecr_image_put(ctx, dst, body, n, mt, tag, digest, out, ch, err);
out:
	json_decref(kids);
	free(body);
	free(mt);
	return rc;
}

/* One destination, with the context in its region: the repository (created with ECR's
 * defaults when missing: mutable tags, no scan on push, AES256), the copy, and the
 * destination repository's lifecycle policy as after any push. */
static int copy_to(struct ecr_ctx *ctx, const struct ecr_repo *src, const struct ecr_image_ref *ref, const char *tag,
		   const char *account, struct ecr_repl_copy *c, enum ecr_image_change *ch, int *kept,
		   struct ecr_err *err)
{
	int rc = ecr_repo_load_name(ctx, account, src->name, &c->repo, err);
	*kept = 0;
	if (rc == ECR_E_REPOSITORY_NOT_FOUND) {
		json_t *resp = NULL, *req = json_pack("{s:s, s:s}", "registryId", account, "repositoryName", src->name);
		ecr_err_clear(err);
		rc = req ? op_create_repository(ctx, req, &resp, err) : ecr_err_oom(err);
		json_decref(req);
		json_decref(resp);
		if (!rc)
			rc = ecr_repo_load_name(ctx, account, src->name, &c->repo, err);
	}
	if (rc || (rc = copy_manifest(ctx, src->id, &c->repo, ref->digest, tag, 0, &c->ref, ch, err)))
		return rc;
	*kept = 1;
	if (*ch != ECR_IMAGE_UNCHANGED && (*kept = ecr_lifecycle_after_push(ctx, &c->repo, c->ref.id, err)) < 0)
		return *kept;
	return 0;
}

int ecr_replication_after_push(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
			       struct ecr_repl_copies **out, struct ecr_err *err)
{
	struct dest d[ECR_REPL_MAX_DESTINATIONS];
	char home[sizeof(ctx->region)];
	json_t *rules = NULL;
	int rc = ecr_replication_rules(ctx, r->account, &rules, err), nd;
	*out = NULL;
	if (rc)
		return rc;
	nd = destinations(ctx, rules, r->account, r->name, d);
	json_decref(rules);
	memcpy(home, ctx->region, sizeof(home));
	for (int i = 0; i < nd; i++) {
		struct ecr_repl_copy c;
		enum ecr_image_change ch = ECR_IMAGE_UNCHANGED;
		char code[64] = "";
		int kept = 0;
		memset(&c, 0, sizeof(c));
		if ((rc = ecr_state_exec(ctx->db, "SAVEPOINT replicate", err)))
			goto fail;
		memcpy(ctx->region, d[i].region, strlen(d[i].region) + 1);
		rc = copy_to(ctx, r, ref, ref->tag[0] ? ref->tag : NULL, d[i].account, &c, &ch, &kept, err);
		memcpy(ctx->region, home, sizeof(home));
		if (rc == ECR_E_STATE || rc == ECR_E_INTERNAL)
			goto fail; /* the state itself failed: so does the push */
		if (rc) {
			/* this destination refused (e.g. ImageTagAlreadyExistsException): it alone
			 * is undone, and says so in its status */
			snprintf(code, sizeof(code), "%s", ecr_err_name(err));
			ecr_err_clear(err);
			if ((rc = ecr_state_exec(ctx->db, "ROLLBACK TO replicate", err)))
				goto fail;
		}
		/* the image's status there, and the same for each image an index of it names
		 * (at any depth; UNION ends the walk, the digests making a DAG):
		 * they were copied (or undone) with it, and `ecrlite push` of an index archive
		 * gives them no push of their own, as the registry's by-digest pushes would.
		 * A refused index leaves an image's own earlier status alone: that image may be
		 * there already, copied by its own push */
		if ((rc = ecr_state_exec(ctx->db, "RELEASE replicate", err)) ||
		    (rc = exec_bound(ctx,
			"WITH RECURSIVE under(digest) AS (SELECT digest FROM image WHERE id = ?1"
			" UNION SELECT mr.digest FROM manifest_ref mr JOIN under u ON mr.manifest = u.digest)"
			" INSERT INTO image_replication(image_id, region, registry_id, status, failure_code)"
			" SELECT i.id, ?2, ?3, ?4, ?5 FROM under u JOIN image i ON i.digest = u.digest"
			" AND i.repo_id = (SELECT repo_id FROM image WHERE id = ?1) WHERE true"
			" ON CONFLICT(image_id, region, registry_id) DO UPDATE SET status = excluded.status,"
			" failure_code = excluded.failure_code WHERE excluded.status = 'COMPLETE' OR image_replication.image_id = ?1",
			ref->id, d[i].region, d[i].account,
			code[0] ? "FAILED" : "COMPLETE", code[0] ? code : NULL, err)))
			goto fail;
		if (code[0] || ch == ECR_IMAGE_UNCHANGED || !kept)
			continue;
		if (!*out && !(*out = calloc(1, sizeof(**out)))) {
			rc = ecr_err_oom(err);
			goto fail;
		}
		snprintf(c.region, sizeof(c.region), "%s", d[i].region);
		(*out)->v[(*out)->n++] = c;
	}
	return 0;
fail:
	memcpy(ctx->region, home, sizeof(home));
	free(*out);
	*out = NULL;
	return rc;
}

void ecr_replication_scan(struct ecr_ctx *ctx, const struct ecr_repl_copies *c, int own_txn)
{
	char home[sizeof(ctx->region)], account[sizeof(ctx->account)];
	if (!c)
		return;
	memcpy(home, ctx->region, sizeof(home));
	memcpy(account, ctx->account, sizeof(account));
	/* in the destination's region (its registry's scanning configuration applies) and as
	 * the destination's registry: the scan event names the account and ARN of the
	 * repository scanned (event.c takes both from the context), not the source's */
	for (int i = 0; i < c->n; i++) {
		memcpy(ctx->region, c->v[i].region, sizeof(c->v[i].region));
		snprintf(ctx->account, sizeof(ctx->account), "%s", c->v[i].repo.account);
		json_decref(ecr_onpush_scan(ctx, &c->v[i].repo, &c->v[i].ref, own_txn));
		memcpy(ctx->region, home, sizeof(home));
		memcpy(ctx->account, account, sizeof(account));
	}
}

static void scan_committed(struct ecr_ctx *ctx, void *arg, json_t **result_out)
{
	(void)result_out; /* the source's scan status stays the answer */
	ecr_replication_scan(ctx, arg, 1);
	free(arg);
}

static void scan_aborted(struct ecr_ctx *ctx, void *arg)
{
	(void)ctx;
	free(arg);
}

int ecr_replication_scan_after_commit(struct ecr_ctx *ctx, struct ecr_repl_copies *c, struct ecr_err *err)
{
	if (c && ecr_txn_hook(ctx, scan_committed, scan_aborted, c, err)) {
		free(c);
		return ECR_E_INTERNAL;
	}
	return 0;
}
