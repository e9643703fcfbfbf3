/* The all-pages loop, driven by the model's paginator (input_token, output_token,
 * limit_key, result_keys): the aws CLI's auto-paging, the cmdlets' auto-iteration and
 * Lua's ecr.paginate all page through here, one call at a time, so a frontend can show
 * each page as it comes. How a page is fetched (the core, or an endpoint) and how a
 * failure is shown stay with the frontend's call function.
 * Ownership: fe_pages_init copies req; fe_pages_next gives a new reference; the
 * cursor's strings are its own until fe_pages_release. */
#ifndef FE_PAGES_H
#define FE_PAGES_H
#include <jansson.h>

#include "model.h"

/* One call of op with req (borrowed): 0 with *resp_out a new reference, or nonzero
 * after recording why in arg (the frontend's own error). */
typedef int (*fe_pages_call_fn)(void *arg, const char *op, json_t *req, json_t **resp_out);

/* What the caller asks; NULL asks for every page of the service's own size. */
struct fe_pages_opts {
	int one_page;           /* the caller pages itself (-NoAutoIteration, -NextToken): one call */
	long long page_size;    /* the limit member of every request (--page-size), or 0: the service's */
	long long max_items;    /* items of the first result key in all (--max-items), or < 0: all */
	const char *start_token;/* the first request's token (--starting-token, decoded), or NULL */
	long long start_skip;   /* items of the first page already seen (boto_truncate_amount) */
};

struct fe_pages {
	const char *op;                 /* operation name (borrowed, static) */
	const struct ecr_paginator *pg; /* its paginator, or NULL: one page */
	json_t *req;                    /* the next page's request (owned) */
	long long max_items;            /* from the options, < 0: all */
	long long got;                  /* items of the first result key given so far */
	long long skip;                 /* items of the next page to drop */
	char *sent;                     /* token the last page was asked with, or NULL */
	char *repeated;                 /* the token the service gave twice, or NULL */
	long long npages;               /* pages fetched */
	int done;                       /* no more pages */
	int cut;                        /* max_items stopped inside or after a page: resume_* say where */
	char *resume_token;             /* the token to resume from (NULL: the first page) */
	long long resume_skip;          /* items of that page already given, or -1: none */
};

enum {
	FE_PAGES_END = 0,        /* no more pages */
	FE_PAGE = 1,             /* *page_out is the next page */
	FE_PAGES_FAILED = -1,    /* the call failed: the call function recorded why */
	FE_PAGES_REPEATED = -2,  /* the service gave the same next token twice (p->repeated) */
};

/* A cursor over op's pages (op is a static name, e.g. a cmdlet row's). 0, or -1 when
 * memory ran out. */
int fe_pages_init(struct fe_pages *p, const char *op, json_t *req, const struct fe_pages_opts *opts);
/* Fetches the next page with call(arg, …): FE_PAGE with *page_out (a new reference: the
 * response, its first result key cut to the items asked for, the next token kept),
 * FE_PAGES_END, FE_PAGES_FAILED or FE_PAGES_REPEATED. */
int fe_pages_next(struct fe_pages *p, fe_pages_call_fn call, void *arg, json_t **page_out);
void fe_pages_release(struct fe_pages *p);

/* botocore's build_full_result over pages (an array of pages without their next
 * token): each result key's lists concatenated, then the first page's other members,
 * a non-aggregate key it lacks as null. A new reference. */
json_t *fe_pages_merge(const struct ecr_paginator *pg, json_t *pages);

#endif
