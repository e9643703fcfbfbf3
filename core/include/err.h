/* Errors: struct ecr_err is filled once where a problem is detected and passed up
 * unchanged. Codes map to ECR exception names through one table (err.c). */
#ifndef ECR_ERR_H
#define ECR_ERR_H

enum ecr_code {
	ECR_OK = 0,
	ECR_E_INTERNAL = -1,              /* ServerException: our own failure */
	ECR_E_INVALID_PARAMETER = -2,
	ECR_E_VALIDATION = -3,
	ECR_E_REPOSITORY_NOT_FOUND = -4,
	ECR_E_REPOSITORY_ALREADY_EXISTS = -5,
	ECR_E_REPOSITORY_NOT_EMPTY = -6,
	ECR_E_IMAGE_NOT_FOUND = -7,
	ECR_E_IMAGE_ALREADY_EXISTS = -8,
	ECR_E_IMAGE_TAG_ALREADY_EXISTS = -9,
	ECR_E_IMAGE_DIGEST_MISMATCH = -10,
	ECR_E_LAYERS_NOT_FOUND = -11,
	ECR_E_SCAN_NOT_FOUND = -12,
	ECR_E_LIMIT_EXCEEDED = -13,
	ECR_E_UNSUPPORTED_IMAGE = -14,
	ECR_E_INVALID_TAG_PARAMETER = -15,
	ECR_E_TOO_MANY_TAGS = -16,
	ECR_E_UNSUPPORTED_OPERATION = -17, /* in the model, not backed by ecrlite */
	ECR_E_UNKNOWN_OPERATION = -18,     /* not in the model at all */
	ECR_E_ARCHIVE = -19,               /* an image archive we refuse (ecrlite push) */
	ECR_E_STATE = -20,                 /* state directory or database unusable */
	ECR_E_FEED = -21,                  /* a vulnerability feed we refuse */
	ECR_E_USAGE = -22,                 /* a bad argument to an ecrlite-only command */
	ECR_E_REFERENCED_IMAGES_NOT_FOUND = -23,
	ECR_E_LIFECYCLE_POLICY_NOT_FOUND = -24,
	ECR_E_REPOSITORY_POLICY_NOT_FOUND = -25,
	ECR_E_REGISTRY_POLICY_NOT_FOUND = -26,
	ECR_E_LIFECYCLE_PREVIEW_NOT_FOUND = -28,
	ECR_E_LIFECYCLE_PREVIEW_IN_PROGRESS = -29, /* never raised: a preview completes at once */
	/* the layer-upload API (core/upload.c, core/ops_layer.c) */
	ECR_E_UPLOAD_NOT_FOUND = -40,
	ECR_E_INVALID_LAYER_PART = -41,
	ECR_E_INVALID_LAYER = -42,
	ECR_E_LAYER_PART_TOO_SMALL = -43,
	ECR_E_LAYER_ALREADY_EXISTS = -44,
	ECR_E_EMPTY_UPLOAD = -45,
	ECR_E_LAYER_INACCESSIBLE = -46,
	/* pull through cache rules (core/ops_pullthrough.c) */
	ECR_E_PULL_THROUGH_RULE_EXISTS = -50,
	ECR_E_PULL_THROUGH_RULE_NOT_FOUND = -51,
	ECR_E_UNSUPPORTED_UPSTREAM_REGISTRY = -52,
	ECR_E_LIBRARY = -27,               /* a lazily loaded library is missing: frontends exit 127 */
};

struct ecr_err {
	int code;                  /* enum ecr_code, 0 when clear */
	char message[1024];        /* the exception's message, ECR's wording when ECR has one */
};

struct ecr_err_info {
	int code;                  /* enum ecr_code */
	const char *name;          /* exception name, e.g. RepositoryNotFoundException */
	int aws_exit;              /* exit status the aws frontend uses */
	int http_status;           /* what `serve` will answer with */
	const char *ps_category;   /* PowerShell ErrorCategory */
	int own;                   /* 1: ecrlite's own condition, shown as its message alone */
};

/* Sets err (if not NULL) and returns code, so callers can `return ecr_err_set(...)`. */
int ecr_err_set(struct ecr_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The one allocation check (libgit2's GIT_ERROR_CHECK_ALLOC): when p is NULL, err gets
 * ServerException "out of memory" and the function returns ECR_E_INTERNAL. Functions
 * that must free first write `if (!p) { rc = ecr_err_oom(err); goto out; }`. */
#define ECR_CHECK_ALLOC(p, err) \
	do { \
		if (!(p)) \
			return ecr_err_oom(err); \
	} while (0)
/* ServerException "out of memory" in err; returns ECR_E_INTERNAL. */
int ecr_err_oom(struct ecr_err *err);
void ecr_err_clear(struct ecr_err *err);
/* The table row for a code; the ServerException row for unknown codes. */
const struct ecr_err_info *ecr_err_info(int code);
/* 1 when err is ecrlite's own condition (archive, state, feed, usage), not an ECR
 * exception: frontends print its message alone, never "Name: message". */
int ecr_err_own(const struct ecr_err *err);
/* The exception name for err (borrowed, static). */
const char *ecr_err_name(const struct ecr_err *err);
/* Code for an exception name, ECR_E_INTERNAL when unknown. */
int ecr_err_code_by_name(const char *name);

#endif
