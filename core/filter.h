/* ECR's repository filters (registry scanning rules, filterType WILDCARD), one rule for
 * basic and enhanced scanning alike. */
#ifndef ECR_FILTER_H
#define ECR_FILTER_H

/* 1 when filter matches repository name as ECR documents it ("Filters to choose which
 * repositories are scanned"): a filter without `*` matches every name that contains
 * it; with `*`, the whole name must match and each `*` stands for zero or more
 * characters (`/` included). */
int ecr_filter_match(const char *filter, const char *name);

#endif
