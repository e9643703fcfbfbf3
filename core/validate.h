/* Checks a request against the model the way the service does: required members,
 * string lengths, patterns, enums, integer ranges, list sizes, types. */
#ifndef ECR_VALIDATE_H
#define ECR_VALIDATE_H
#include <jansson.h>
#include "err.h"

/* 0 when req satisfies shape, else ECR_E_VALIDATION with the service's wording
 * ("1 validation error detected: Value 'X' at 'path' failed to satisfy constraint: …"). */
int ecr_validate(int shape, json_t *req, struct ecr_err *err);
/* 1 when s matches the model shape's pattern (anchored; 1 when it has none). */
int ecr_validate_pattern(int shape, const char *s);



/* 1 when d matches ECR's image digest pattern "[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+". */
int ecr_validate_digest_pattern(const char *d);
#endif
