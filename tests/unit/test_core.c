/* validate, timefmt, digest, state and token: the core's small modules. */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../../core/ctx.h"
#include "digest.h"
#include "ecr.h"
#include "registry.h"
#include "model.h"
#include "../../core/state.h"
#include "timefmt.h"
#include "../../core/token.h"
#include "../../core/validate.h"
#include "unit.h"

static int input_of(const char *op)
{
	return ecr_model_op(op)->input;
}

void test_validate_messages(void)
{
	static const struct { const char *op, *req, *msg; } rows[] = {
		{"CreateRepository", "{\"repositoryName\": \"NAME\"}",
		 "1 validation error detected: Value 'NAME' at 'repositoryName' failed to satisfy constraint: "
		 "Member must satisfy regular expression pattern: (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"},
		{"DescribeImageScanFindings", "{\"repositoryName\": \"ab\", \"imageId\": {\"imageTag\": \"t\"}, \"maxResults\": 1001}",
		 "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"},
		{"CreateRepository", "{\"repositoryName\": \"ab\", \"imageTagMutability\": \"SOMETIMES\"}",
		 "1 validation error detected: Value 'SOMETIMES' at 'imageTagMutability' failed to satisfy constraint: Member must satisfy enum value set: [MUTABLE, IMMUTABLE]"},
		{"StartImageScan", "{\"repositoryName\": \"a\"}",
		 "2 validation errors detected: Value 'a' at 'repositoryName' failed to satisfy constraint: Member must have length greater than or equal to 2; "
		 "Value null at 'imageId' failed to satisfy constraint: Member must not be null"},
		{"PutRegistryScanningConfiguration", "{\"rules\": [{\"scanFrequency\": \"SCAN_ON_PUSH\", \"repositoryFilters\": [{\"filter\": \"-x\", \"filterType\": \"WILDCARD\"}]}]}",
		 "1 validation error detected: Value '-x' at 'rules.1.member.repositoryFilters.1.member.filter' failed to satisfy constraint: "
		 "Member must satisfy regular expression pattern: ^[a-z0-9*](?:[._\\-/a-z0-9*]?[a-z0-9*]+)*$"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ecr_err err = {0};
		json_t *req = json_loads(rows[i].req, 0, NULL);
		CHECK(ecr_validate(input_of(rows[i].op), req, &err) == ECR_E_VALIDATION);
		CHECK_STR(err.message, rows[i].msg);
		json_decref(req);
	}
}

/* a value too long to show whole is cut, never the path or the constraint after it */
void test_validate_long_value(void)
{
	json_t *dest = json_array();
	for (int i = 0; i < 26; i++)
		json_array_append_new(dest, json_pack("{s:s, s:s}", "region", "us-west-2", "registryId", "000000000001"));
	json_t *req = json_pack("{s:{s:[{s:o}]}}", "replicationConfiguration", "rules", "destinations", dest);
	struct ecr_err err = {0};
	CHECK(ecr_validate(input_of("PutReplicationConfiguration"), req, &err) == ECR_E_VALIDATION);
	const char *tail = "...' at 'replicationConfiguration.rules.1.member.destinations' failed to satisfy constraint: "
			   "Member must have length less than or equal to 25";
	size_t n = strlen(err.message), t = strlen(tail);
	CHECK(n > t && !strcmp(err.message + n - t, tail));
	CHECK(!strncmp(err.message, "1 validation error detected: Value '[{\"region\":", 47));
	json_decref(req);
	/* a multi-byte character is not split by the cut */
	char name[700];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name + 511, "\xc3\xa9", 2); /* é across the 512-byte mark */
	req = json_pack("{s:s}", "repositoryName", name);
	CHECK(ecr_validate(input_of("CreateRepository"), req, &err) == ECR_E_VALIDATION);
	CHECK(strstr(err.message, "aaa...' at 'repositoryName'") != NULL);
	CHECK(strstr(err.message, "\xc3") == NULL);
	json_decref(req);
}

void test_validate_ok(void)
{
	static const char *const ok[] = {
		"{\"repositoryName\": \"a/b-c_d.e\"}",
		"{\"repositoryName\": \"project/app\", \"imageTagMutability\": \"IMMUTABLE\", \"imageScanningConfiguration\": {\"scanOnPush\": true}}",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct ecr_err err = {0};
		json_t *req = json_loads(ok[i], 0, NULL);
		CHECK(ecr_validate(input_of("CreateRepository"), req, &err) == 0);
		json_decref(req);
	}
	/* the filter pattern allows '*' and '/' inside */
	struct ecr_err err = {0};
	json_t *req = json_loads("{\"rules\": [{\"scanFrequency\": \"SCAN_ON_PUSH\", \"repositoryFilters\": [{\"filter\": \"prod/*\", \"filterType\": \"WILDCARD\"}]}]}", 0, NULL);
	CHECK(ecr_validate(input_of("PutRegistryScanningConfiguration"), req, &err) == 0);
	json_decref(req);
}

void test_timefmt_parse(void)
{
	static const struct { const char *in; double want; } rows[] = {
		{"1572305000", 1572305000},
		{"1572305753.5", 1572305753.5},
		{"2019-10-28T23:23:20Z", 1572304.0 * 1000 + 1000},
		{"2019-10-28T23:23:20+00:00", 1572305000},
		{"2019-10-29T01:23:20+02:00", 1572305000},
		{"1970-01-01", 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		double t = -1;
		CHECK(ecr_time_parse(rows[i].in, &t) == 0);
		if (i != 2)
			CHECK(t == rows[i].want);
		else
			CHECK(t == 1572305000);
	}
	double t;
	CHECK(ecr_time_parse("yesterday", &t) != 0);
	CHECK(ecr_time_parse("", &t) != 0);
}

void test_timefmt_iso(void)
{
	char s[64];
	setenv("TZ", "UTC", 1);
	tzset();
	ecr_time_iso_local(1572305000.0, s, sizeof(s));
	CHECK_STR(s, "2019-10-28T23:23:20+00:00");
	ecr_time_iso_local(1572236352.419, s, sizeof(s));
	CHECK_STR(s, "2019-10-28T04:19:12.419000+00:00");
	ecr_time_iso_utc(1572316608.9, s, sizeof(s));
	CHECK_STR(s, "2019-10-29T02:36:48Z");
	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	ecr_time_iso_local(1572305000.0, s, sizeof(s));
	CHECK_STR(s, "2019-10-28T16:23:20-07:00");
	setenv("TZ", "UTC", 1);
}

void test_digest_sha256(void)
{
	char d[ECR_DIGEST_LEN + 1];
	ecr_sha256_buf("abc", 3, d);
	CHECK_STR(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(ecr_digest_valid(d));
	CHECK(!ecr_digest_valid("sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(!ecr_digest_valid("sha256_hash"));
	CHECK(ecr_validate_digest_pattern("sha256:ABCdef0"));
	CHECK(!ecr_validate_digest_pattern("sha256_hash"));
}

/* A context on dir with the default options. */
static int open_at(struct ecr_ctx **ctx, const char *dir, struct ecr_err *err)
{
	struct ecr_options o;
	ecr_options_init(&o);
	o.home = dir;
	return ecr_ctx_open(ctx, &o, err);
}

static char *tmpdir(void)
{
	char *t = strdup("/tmp/ecrlite-unit-XXXXXX");
	return mkdtemp(t);
}

void test_state_roundtrip(void)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	char *dir = tmpdir();
	CHECK(open_at(&ctx, dir, &err) == 0);
	CHECK(ecr_state_meta_set(ctx->db, "k", "v", &err) == 0);
	char *v = NULL;
	CHECK(ecr_state_meta_get(ctx->db, "k", &v, &err) == 0);
	CHECK_STR(v, "v");
	free(v);
	ecr_ctx_free(ctx);
	/* reopening runs no migration twice and keeps data */
	CHECK(open_at(&ctx, dir, &err) == 0);
	CHECK(ecr_state_meta_get(ctx->db, "k", &v, &err) == 0);
	CHECK_STR(v, "v");
	free(v);
	ecr_ctx_free(ctx);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
}

void test_token_roundtrip(void)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	char *dir = tmpdir();
	long long k = 0;
	CHECK(open_at(&ctx, dir, &err) == 0);
	char *t = ecr_token_make(ctx, "ListImages", "1/", 42, &err);
	CHECK(t != NULL);
	CHECK(ecr_token_read(ctx, "ListImages", "1/", t, &k, &err) == 0 && k == 42);
	/* another operation's or scope's token, and forgeries, are refused */
	CHECK(ecr_token_read(ctx, "DescribeImages", "1/", t, &k, &err) == ECR_E_INVALID_PARAMETER);
	CHECK(ecr_token_read(ctx, "ListImages", "2/", t, &k, &err) == ECR_E_INVALID_PARAMETER);
	CHECK(ecr_token_read(ctx, "ListImages", "1/", "NDMuMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA==", &k, &err) == ECR_E_INVALID_PARAMETER);
	CHECK(ecr_token_read(ctx, "ListImages", "1/", "garbage", &k, &err) == ECR_E_INVALID_PARAMETER);
	free(t);
	ecr_ctx_free(ctx);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
}

/* A full disk while an upload's bytes are written is the state's problem, said as
 * such: StateException naming the upload and the system's reason. */
void test_upload_nospace(void)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	struct ecr_repo r;
	struct ecr_upload_writer w;
	char id[ECR_UPLOAD_ID_LEN + 1], *dir = tmpdir(), want[128];
	json_t *req = json_pack("{s:s}", "repositoryName", "full"), *resp = NULL;
	CHECK(open_at(&ctx, dir, &err) == 0);
	CHECK(ecr_call(ctx, "CreateRepository", req, &resp, &err) == 0);
	CHECK(ecr_registry_repo(ctx, ctx->account, "full", &r, &err) == 0);
	CHECK(ecr_registry_upload_start(ctx, &r, id, &err) == 0);
	CHECK(ecr_upload_open(ctx, &r, id, 0, 1, &w, NULL, &err) == 0);
	int full = open("/dev/full", O_WRONLY);
	CHECK(full >= 0 && dup2(full, w.fd) == w.fd);
	close(full);
	CHECK(ecr_upload_write(&w, "x", 1, &err) == ECR_E_STATE);
	CHECK(err.code == ECR_E_STATE);
	snprintf(want, sizeof(want), "cannot write upload '%s': No space left on device", id);
	CHECK_STR(err.message, want);
	ecr_upload_abort(&w);
	json_decref(req);
	json_decref(resp);
	ecr_ctx_free(ctx);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
}

/* Many threads validating at once, the server's way: the first use of each pattern
 * compiles it on whichever thread gets there, and every thread gets the right answer
 * (before, the cache was written unsynchronised: ThreadSanitizer saw the race, and a
 * thread could use a regex another had not finished publishing). */
static void *validate_thread(void *p)
{
	int *bad = p;
	for (int i = 0; i < 20; i++) {
		struct ecr_err err = {0};
		json_t *good = json_pack("{s:s}", "repositoryName", "team/app-1"), *no = json_pack("{s:s}", "repositoryName", "NO");
		*bad += ecr_validate(input_of("CreateRepository"), good, &err) != 0;
		*bad += ecr_validate(input_of("CreateRepository"), no, &err) != ECR_E_VALIDATION;
		json_decref(good);
		json_decref(no);
	}
	return NULL;
}

void test_validate_threads(void)
{
	pthread_t th[8];
	int bad[8] = {0};
	for (int i = 0; i < 8; i++)
		CHECK(pthread_create(&th[i], NULL, validate_thread, &bad[i]) == 0);
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		CHECK(bad[i] == 0);
	}
}
