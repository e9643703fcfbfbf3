/* Language packages matched against the imported OSV records of their ecosystem, each
 * with its own version ordering; and the CVSS data an enhanced finding shows. */
#ifndef ECR_MATCH_LANG_H
#define ECR_MATCH_LANG_H
#include <jansson.h>

#include "ctx.h"

/* pkgs: [{name, version, packageManager, ecosystem, filePath, sourceLayerHash?}] (as
 * ecr_langpkgs_json gives them). *out (new reference): one hit per (vulnerability,
 * package) — [{vulnerabilityId, name, version, packageManager, ecosystem, filePath,
 * sourceLayerHash?, fixedInVersion ("NotAvailable" when no fix is known),
 * vendorSeverity?, description?}], ordered by vulnerability then name. Names compare
 * as each ecosystem spells them (PyPI after PEP 503 on both sides); packages without a
 * version never match. */
int ecr_match_lang(struct ecr_ctx *ctx, json_t *pkgs, json_t **out, struct ecr_err *err);

/* Every CVSS score known for vuln, computed from its vectors: the advisory records'
 * own (source "OSV") first, then NVD's; [{baseScore, scoringVector, source, version}]
 * in *out (new reference). Vectors that do not score (CVSS 4.0) are left out. A vuln
 * with no vectors is an empty list; a state that cannot be read is a state error. */
int ecr_match_cvss(struct ecr_ctx *ctx, const char *vuln, json_t **out, struct ecr_err *err);

/* Inspector's choice from such a list: the first v3.x score (the vendor's before
 * NVD's), its severity band; without one, vendor_word if it is a severity word, else
 * UNTRIAGED (score < 0, *chosen NULL). *chosen borrows from cvss. */
const char *ecr_match_inspector_severity(json_t *cvss, const char *vendor_word, double *score, json_t **chosen);

#endif
