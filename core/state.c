#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state.h"

/* Schema migrations, applied in order; user_version holds how many ran. Never edit a
 * shipped row: add a new one. */
static const char *const migrations[] = {
	/* 1: repositories, images, blobs */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE repository("
	" id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,"
	" name TEXT NOT NULL, created_at REAL NOT NULL, tag_mutability TEXT NOT NULL,"
	" scan_on_push INTEGER NOT NULL, encryption_type TEXT NOT NULL, kms_key TEXT,"
	" UNIQUE(account, region, name));"
	"CREATE TABLE repository_tag(repo_id INTEGER NOT NULL REFERENCES repository(id)"
	" ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(repo_id, key));"
	"CREATE TABLE blob(digest TEXT PRIMARY KEY, size INTEGER NOT NULL);"
	"CREATE TABLE manifest(digest TEXT PRIMARY KEY, media_type TEXT NOT NULL,"
	" artifact_media_type TEXT, config_digest TEXT, image_size INTEGER NOT NULL,"
	" body BLOB NOT NULL);"
	"CREATE TABLE manifest_layer(manifest TEXT NOT NULL REFERENCES manifest(digest),"
	" idx INTEGER NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL,"
	" size INTEGER NOT NULL, diff_id TEXT, PRIMARY KEY(manifest, idx));"
	"CREATE TABLE image(id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL"
	" REFERENCES repository(id) ON DELETE CASCADE, digest TEXT NOT NULL"
	" REFERENCES manifest(digest), pushed_at REAL NOT NULL, last_pull REAL,"
	" UNIQUE(repo_id, digest));"
	"CREATE TABLE image_tag(repo_id INTEGER NOT NULL REFERENCES repository(id)"
	" ON DELETE CASCADE, tag TEXT NOT NULL, image_id INTEGER NOT NULL"
	" REFERENCES image(id) ON DELETE CASCADE, PRIMARY KEY(repo_id, tag));"
	"CREATE INDEX image_tag_image ON image_tag(image_id);"
	"CREATE TABLE registry_scanning(account TEXT NOT NULL, region TEXT NOT NULL,"
	" scan_type TEXT NOT NULL, rules TEXT NOT NULL, PRIMARY KEY(account, region));"
	"INSERT INTO meta(key, value) VALUES('token_secret', lower(hex(randomblob(32))));"
	/* scans: one row per run; findings belong to the image (repository + digest) */
	"CREATE TABLE scan(id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL REFERENCES image(id)"
	" ON DELETE CASCADE, status TEXT NOT NULL, description TEXT, started_at REAL NOT NULL,"
	" completed_at REAL, source_updated_at REAL, counts TEXT NOT NULL DEFAULT '{}');"
	"CREATE INDEX scan_image ON scan(image_id, id);"
	"CREATE TABLE finding(scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" ord INTEGER NOT NULL, name TEXT NOT NULL, description TEXT, uri TEXT,"
	" severity TEXT NOT NULL, attributes TEXT NOT NULL, PRIMARY KEY(scan_id, ord));",
	/* 2: vulnerability data imported from feeds */
	"CREATE TABLE feed_source(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" format TEXT NOT NULL, path TEXT NOT NULL, imported_at REAL NOT NULL,"
	" updated_at REAL NOT NULL, records INTEGER NOT NULL);"
	/* one row per (vulnerability, ecosystem, package, affected range) */
	"CREATE TABLE advisory(source_id INTEGER NOT NULL REFERENCES feed_source(id) ON DELETE CASCADE,"
	" ecosystem TEXT NOT NULL, package TEXT NOT NULL, vuln_id TEXT NOT NULL,"
	" status TEXT NOT NULL, introduced TEXT, fixed TEXT, last_affected TEXT, versions TEXT,"
	" severity TEXT, description TEXT);"
	"CREATE INDEX advisory_pkg ON advisory(ecosystem, package);"
	"CREATE INDEX advisory_vuln ON advisory(source_id, vuln_id);"
	"CREATE TABLE cve_info(vuln_id TEXT PRIMARY KEY, source_id INTEGER NOT NULL"
	" REFERENCES feed_source(id) ON DELETE CASCADE, description TEXT,"
	" cvss2_vector TEXT, cvss2_score REAL, cvss3_vector TEXT, cvss3_score REAL);",
	/* 3: scans are queued and claimed (core/scanwork.c): who runs one, under which claim,
	 * until when; how often it was taken up; whether it died unfinished (no quota) */
	"ALTER TABLE scan ADD COLUMN worker TEXT;"
	"ALTER TABLE scan ADD COLUMN claim TEXT;"
	"ALTER TABLE scan ADD COLUMN lease_until REAL;"
	"ALTER TABLE scan ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scan ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scan ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX scan_in_progress ON scan(id) WHERE status = 'IN_PROGRESS';",
	/* 4: which feed file each row came from, so that a file imported again unchanged
	 * (same digest, every row it wrote still there) is skipped (core/vulndb.c) */
	"CREATE TABLE feed_file(id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE,"
	" rows INTEGER NOT NULL, sources TEXT NOT NULL, imported_at REAL NOT NULL);"
	"ALTER TABLE advisory ADD COLUMN file_id INTEGER;"
	"ALTER TABLE cve_info ADD COLUMN file_id INTEGER;"
	"CREATE INDEX advisory_file ON advisory(file_id);"
	"CREATE INDEX cve_info_file ON cve_info(file_id);",
	/* 5: the CVSS vectors an advisory record itself carries (OSV severity[]: GHSA,
	 * PYSEC…), scored when matched; enhanced findings list them beside NVD's */
	"CREATE TABLE advisory_cvss(source_id INTEGER NOT NULL REFERENCES feed_source(id) ON DELETE CASCADE,"
	" vuln_id TEXT NOT NULL, vector TEXT NOT NULL, PRIMARY KEY(source_id, vuln_id, vector));",
	/* 6: the registry (core/upload.c, core/registry.c): layer-upload sessions, which
	 * blobs each repository may serve (OCI: a blob is per repository until mounted),
	 * and the manifests an image index names, with their platforms */
	"CREATE TABLE upload(id TEXT PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repository(id)"
	" ON DELETE CASCADE, created_at REAL NOT NULL, touched_at REAL NOT NULL,"
	" size INTEGER NOT NULL DEFAULT 0, parts INTEGER NOT NULL DEFAULT 0,"
	" last_part INTEGER NOT NULL DEFAULT 0, small_part INTEGER NOT NULL DEFAULT 0, hash BLOB);"
	"CREATE INDEX upload_touched ON upload(touched_at);"
	"CREATE TABLE repo_blob(repo_id INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,"
	" digest TEXT NOT NULL, PRIMARY KEY(repo_id, digest)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO repo_blob(repo_id, digest) SELECT i.repo_id, l.digest FROM image i"
	" JOIN manifest_layer l ON l.manifest = i.digest;"
	"INSERT OR IGNORE INTO repo_blob(repo_id, digest) SELECT i.repo_id, m.config_digest FROM image i"
	" JOIN manifest m ON m.digest = i.digest WHERE m.config_digest IS NOT NULL AND m.config_digest <> '';"
	"CREATE TABLE manifest_ref(manifest TEXT NOT NULL REFERENCES manifest(digest), idx INTEGER NOT NULL,"
	" digest TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL, platform TEXT NOT NULL,"
	" PRIMARY KEY(manifest, idx));"
	"CREATE INDEX manifest_ref_digest ON manifest_ref(digest);"
	"CREATE TABLE manifest_subject(manifest TEXT PRIMARY KEY REFERENCES manifest(digest),"
	" subject TEXT NOT NULL, artifact_type TEXT, annotations TEXT);"
	"CREATE INDEX manifest_subject_subject ON manifest_subject(subject);",
	/* 7: every CVSS metric an NVD record lists, in the order enhanced findings show
	 * them ([{vector, source}] JSON; NULL for rows imported before: the two columns).
	 * The files that wrote those rows are forgotten, so that importing them again
	 * reads them (instead of skipping them as unchanged) and fills the list in. */
	"ALTER TABLE cve_info ADD COLUMN metrics TEXT;"
	"DELETE FROM feed_file WHERE id IN (SELECT file_id FROM cve_info WHERE file_id IS NOT NULL);",
	/* 8: a scan's enhanced findings as it found them ({findings, counts} JSON; NULL
	 * under BASIC): a SCAN_ON_PUSH repository keeps them, as Inspector scans those
	 * images once, while continuous ones are matched again when asked */
	"ALTER TABLE scan ADD COLUMN enhanced TEXT;",
	/* 9: when a continuous image's enhanced finding first appeared after its scan (a
	 * feed import brought it): its firstObservedAt; findings its scan found have the
	 * scan's time and no row */
	"CREATE TABLE enhanced_seen(image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,"
	" vuln_id TEXT NOT NULL, first_at REAL NOT NULL, PRIMARY KEY(image_id, vuln_id));",
	/* 10: a repository's lifecycle policy and repository policy, as the client wrote
	 * them (core/ops_policy.c); NULL when it has none */
	"ALTER TABLE repository ADD COLUMN lifecycle_policy TEXT;"
	"ALTER TABLE repository ADD COLUMN repository_policy TEXT;",
	/* 11: the rest of the policies (core/ops_policy.c, core/lifecycle.c): when a
	 * repository's lifecycle policy last ran (lastEvaluatedAt; NULL: never), the
	 * registry's permissions policy, and a repository's last lifecycle preview (the
	 * policy text as given, the results as the JSON list GetLifecyclePolicyPreview
	 * pages through); a repository's go with it */
	"ALTER TABLE repository ADD COLUMN lifecycle_evaluated_at REAL;"
	"CREATE TABLE registry_policy(account TEXT NOT NULL, region TEXT NOT NULL,"
	" policy TEXT NOT NULL, PRIMARY KEY(account, region));"
	"CREATE TABLE lifecycle_preview(repo_id INTEGER PRIMARY KEY REFERENCES repository(id)"
	" ON DELETE CASCADE, policy TEXT NOT NULL, status TEXT NOT NULL, results TEXT NOT NULL,"
	" started_at REAL NOT NULL);",
	/* 12: the OSV record that wrote an advisory row or vector (core/feed_osv.c): one imported again replaces only its own, not another's under the same CVE */
	"ALTER TABLE advisory ADD COLUMN record TEXT; ALTER TABLE advisory_cvss ADD COLUMN record TEXT;",
	/* 13: registry replication (core/replication.c): a registry's rules per region, as
	 * PutReplicationConfiguration was given them (JSON), and what each push after them did
	 * for each destination of an image (DescribeImageReplicationStatus); an image's go
	 * with it */
	"CREATE TABLE replication_config(account TEXT NOT NULL, region TEXT NOT NULL, rules TEXT NOT NULL,"
	" PRIMARY KEY(account, region));"
	"CREATE TABLE image_replication(image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,"
	" region TEXT NOT NULL, registry_id TEXT NOT NULL, status TEXT NOT NULL, failure_code TEXT,"
	" PRIMARY KEY(image_id, region, registry_id));",
	/* 14: pull through cache rules (core/ops_pullthrough.c): one row per rule of a
	 * registry in a region; id orders DescribePullThroughCacheRules and keys its tokens */
	"CREATE TABLE pull_through_rule(id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,"
	" prefix TEXT NOT NULL, upstream TEXT NOT NULL, created_at REAL NOT NULL, UNIQUE(account, region, prefix));",
	/* 15: PyPI advisory rows name their package in PEP 503's form, as feed_osv.c now
	 * stores them (core/match_lang.c meets them by the index): lower case, each run of
	 * '-', '_' and '.' one '-' (runs of up to 8 here; no real name has a longer one) */
	"UPDATE advisory SET package = replace(replace(replace(replace(replace(lower(package), '_', '-'), '.', '-'),"
	" '--', '-'), '--', '-'), '--', '-') WHERE ecosystem = 'pypi';",
	/* 16: an index's image_size is the largest of the images it names (core/image.c, as
	 * ECR's ImageDetail says); indexes stored before held their sum */
	"UPDATE manifest SET image_size = (SELECT coalesce(max(c.image_size), 0) FROM manifest_ref r"
	" JOIN manifest c ON c.digest = r.digest WHERE r.manifest = manifest.digest)"
	" WHERE digest IN (SELECT manifest FROM manifest_ref);",
};

/* How long a statement waits for another connection's lock before "database is locked"
 * (SQLITE_BUSY) surfaces. */
#define BUSY_WAIT_NS (10LL * 1000000000)

static _Thread_local struct timespec busy_since; /* when this thread's current wait began */

/* SQLite's own busy_timeout sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between
 * tries. Our write transactions hold the lock for well under a millisecond, so a waiter
 * wakes long after the lock came free: in 8 concurrent skopeo pushes the server's threads
 * slept 144 times, 25-100 ms at the end of the longest chains (strace). Here a waiter tries
 * again after 50 us, doubling up to 1 ms, then every 1 ms, 10 s in all. A connection is used
 * by one thread at a time and a wait never nests, so the start can be per thread. */
static int busy_wait(void *ud, int n)
{
	struct timespec now, d = {0, 0};
	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (n == 0)
		busy_since = now;
	else if ((now.tv_sec - busy_since.tv_sec) * 1000000000LL + (now.tv_nsec - busy_since.tv_nsec) >= BUSY_WAIT_NS)
		return 0;
	d.tv_nsec = (n < 5 ? 50L << n : 1000L) * 1000L;
	nanosleep(&d, NULL);
	return 1;
}

int ecr_state_exec(sqlite3 *db, const char *sql, struct ecr_err *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ecr_state_fail(db, err);
	return 0;
}

int ecr_state_begin(sqlite3 *db, int write, struct ecr_err *err)
{
	return ecr_state_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

int ecr_state_commit(sqlite3 *db, struct ecr_err *err)
{
	return ecr_state_exec(db, "COMMIT", err);
}

void ecr_state_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int ecr_state_meta_get(sqlite3 *db, const char *key, char **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(db, "SELECT value FROM meta WHERE key = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0 && !(*out = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = ecr_err_oom(err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

int ecr_state_meta_set(sqlite3 *db, const char *key, const char *value, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(db,
		"INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(db, err);
	ecr_state_done(st);
	return rc;
}

static int user_version(sqlite3 *db, int *out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(db, "PRAGMA user_version", err);
	if (!st)
		return ECR_E_STATE;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = ecr_state_fail(db, err);
		ecr_state_done(st);
		return rc;
	}
	*out = sqlite3_column_int(st, 0);
	ecr_state_done(st);
	return 0;
}

static int migrate(sqlite3 *db, struct ecr_err *err)
{
	int have = 0, want = (int)(sizeof(migrations) / sizeof(migrations[0]));
	int rc = user_version(db, &have, err);
	if (rc)
		return rc;
	if (have == want)
		return 0;
	if (have > want)
		return ecr_err_set(err, ECR_E_STATE,
				   "state database schema %d is newer than this ecrlite (%d): upgrade ecrlite", have, want);
	if ((rc = ecr_state_begin(db, 1, err)))
		return rc;
	/* Another process may have migrated between our read and our lock. */
	if ((rc = user_version(db, &have, err)))
		goto fail;
	for (int i = have; i < want; i++)
		if ((rc = ecr_state_exec(db, migrations[i], err)))
			goto fail;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", want);
	if ((rc = ecr_state_exec(db, sql, err)) || (rc = ecr_state_commit(db, err)))
		goto fail;
	return 0;
fail:
	ecr_state_rollback(db);
	return rc;
}

/* Read-only: no migration can run, so the schema must be current already. */
static int check_current(sqlite3 *db, struct ecr_err *err)
{
	int have = 0, want = (int)(sizeof(migrations) / sizeof(migrations[0]));
	int rc = user_version(db, &have, err);
	if (rc)
		return rc;
	if (have != want)
		return ecr_err_set(err, ECR_E_STATE, "state database '%s' is not writable and needs %s (schema %d, this ecrlite %d)",
				   sqlite3_db_filename(db, "main"), have < want ? "an upgrade" : "a newer ecrlite", have, want);
	return 0;
}

/* A read-only state: mode=ro reads a WAL database when its -shm can be made or
 * exists; in a directory nobody may write and after a clean close it cannot, and
 * then immutable=1 (no locking: nothing can write here through us) is the way in. */
static int open_readonly(sqlite3 **db, const char *path, struct ecr_err *err)
{
	static const char *const modes[] = {"ro", "ro&immutable=1"};
	char uri[PATH_MAX + 64];
	int rc = 0;
	for (size_t i = 0; i < 2; i++) {
		ecr_state_close(*db);
		*db = NULL;
		ecr_err_clear(err);
		/* file:PATH?mode=…, with the characters a URI gives meaning to escaped */
		size_t o = (size_t)snprintf(uri, sizeof(uri), "file:");
		for (const char *c = path; *c && o + 4 < sizeof(uri); c++)
			o += (size_t)snprintf(uri + o, sizeof(uri) - o, strchr("?#%", *c) ? "%%%02X" : "%c", (unsigned char)*c);
		snprintf(uri + o, sizeof(uri) - o, "?mode=%s", modes[i]);
		if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
			rc = ecr_err_set(err, ECR_E_STATE, "cannot open state database '%s': %s", path,
					 *db ? sqlite3_errmsg(*db) : "out of memory");
			continue;
		}
		sqlite3_busy_handler(*db, busy_wait, NULL);
		if (!(rc = ecr_state_exec(*db, "PRAGMA foreign_keys = ON", err)) && !(rc = check_current(*db, err)))
			return 0;
		if (sqlite3_errcode(*db) != SQLITE_CANTOPEN && sqlite3_errcode(*db) != SQLITE_READONLY)
			break; /* corrupt, or an old schema: immutable would not help */
	}
	ecr_state_close(*db);
	*db = NULL;
	return rc == ECR_E_INTERNAL ? (err ? (err->code = ECR_E_STATE) : ECR_E_STATE) : rc;
}

int ecr_state_open(sqlite3 **out, const char *path, int readonly, struct ecr_err *err)
{
	sqlite3 *db = NULL;
	int rc;
	*out = NULL;
	if (readonly) {
		if ((rc = open_readonly(&db, path, err)))
			return rc;
		*out = db;
		return 0;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = ecr_err_set(err, ECR_E_STATE, "cannot open state database '%s': %s", path,
				 db ? sqlite3_errmsg(db) : "out of memory");
		ecr_state_close(db);
		return rc;
	}
	sqlite3_busy_handler(db, busy_wait, NULL);
	/* journal_mode is the first statement touching the file: a corrupt file fails here. */
	if ((rc = ecr_state_exec(db, "PRAGMA journal_mode = WAL", err)) ||
	    (rc = ecr_state_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", err)) ||
	    (rc = migrate(db, err))) {
		if (rc == ECR_E_INTERNAL)
			rc = err ? (err->code = ECR_E_STATE) : ECR_E_STATE;
		ecr_state_close(db);
		return rc;
	}
	*out = db;
	return 0;
}
