/* CVSS scores computed from vectors: v2, v3.0 and v3.1 (base, temporal, environmental).
 * CVSS 4.0 vectors are recognised and refused (its scores come from a 270-entry lookup
 * of macro vectors, not a formula; see README). */
#ifndef ECR_CVSS_H
#define ECR_CVSS_H
#include <stddef.h>

struct ecr_cvss {
	int version;              /* 2, 30 or 31 */
	double base;              /* one decimal, as the specification rounds */
	double temporal;          /* v3: always; v2: when the vector has temporal metrics */
	double environmental;     /* v3: always; v2: when it has environmental metrics */
	int has_temporal, has_environmental;
};

/* Reads VECTOR ("CVSS:3.1/AV:N/…" or a v2 "AV:N/AC:L/Au:N/…"; metrics in any order,
 * each at most once, every base metric present). 0 and the scores, or -1 with a
 * message in err (which metric is wrong). */
int ecr_cvss_score(const char *vector, struct ecr_cvss *out, char *err, size_t errlen);

/* The qualitative rating of a score: "NONE" (0.0), "LOW", "MEDIUM", "HIGH", "CRITICAL". */
const char *ecr_cvss_rating(double score);

#endif
