/* The all-pages loop (fe_pages.h), as botocore's PageIterator walks a paginator: the
 * limit member on every request, the next token carried over, --max-items counted on
 * the first result key, a token given twice refused; and its build_full_result. */
#include <stdlib.h>
#include <string.h>

#include "fe_json.h"
#include "fe_pages.h"

int fe_pages_init(struct fe_pages *p, const char *op, json_t *req, const struct fe_pages_opts *opts)
{
	static const struct fe_pages_opts all = {.max_items = -1};
	const struct ecr_op_model *m = ecr_model_op(op);
	if (!opts)
		opts = &all;
	memset(p, 0, sizeof(*p));
	p->op = op;
	p->pg = m && !opts->one_page ? m->pager : NULL;
	p->req = json_is_object(req) ? json_deep_copy(req) : json_object();
	p->max_items = opts->max_items;
	p->skip = opts->start_skip;
	p->resume_skip = -1;
	if (!p->req)
		return -1;
	if (!p->pg)
		return 0;
	if (opts->page_size > 0 && p->pg->limit_key &&
	    json_object_set_new(p->req, p->pg->limit_key, json_integer(opts->page_size)))
		return -1;
	if (opts->start_token) {
		if (!(p->sent = strdup(opts->start_token)) ||
		    json_object_set_new(p->req, p->pg->input_token, json_string(p->sent)))
			return -1;
	}
	return 0;
}

void fe_pages_release(struct fe_pages *p)
{
	json_decref(p->req);
	free(p->sent);
	free(p->repeated);
	free(p->resume_token);
	p->req = NULL;
	p->sent = p->repeated = p->resume_token = NULL;
}

/* Keeps items [from, to) of the array at path in page (to < 0: to the end). */
static int slice(json_t *page, const char *path, json_t *items, size_t from, long long to)
{
	json_t *part = json_array();
	size_t end = to < 0 ? json_array_size(items) : (size_t)to;
	for (size_t i = from; i < end; i++)
		json_array_append(part, json_array_get(items, i));
	return fe_json_path_set_new(page, path, part);
}

/* A token to keep: a copy, with NULL for none. */
static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int fe_pages_next(struct fe_pages *p, fe_pages_call_fn call, void *arg, json_t **page_out)
{
	const struct ecr_paginator *pg = p->pg;
	json_t *page = NULL;
	*page_out = NULL;
	if (p->repeated)
		return FE_PAGES_REPEATED;
	if (p->done)
		return FE_PAGES_END;
	if (call(arg, p->op, p->req, &page))
		return FE_PAGES_FAILED; /* not done: the same page may be asked for again */
	*page_out = page;
	p->npages++;
	if (!pg) {
		p->done = 1;
		return FE_PAGE;
	}
	/* an empty token ends the pages, as botocore and the SDKs read it */
	const char *next = json_string_value(json_object_get(page, pg->output_token));
	if (next && !*next)
		next = NULL;
	/* the first result key's items, after what a starting token says was seen */
	json_t *items = fe_json_path(page, pg->result_keys[0]);
	if (p->skip && json_is_array(items)) {
		slice(page, pg->result_keys[0], items, (size_t)p->skip, -1);
		items = fe_json_path(page, pg->result_keys[0]);
	}
	long long n = json_is_array(items) ? (long long)json_array_size(items) : 0;
	if (p->max_items >= 0 && p->got + n >= p->max_items) {
		long long keep = p->max_items - p->got;
		if (keep < n) { /* stopped inside this page: resume from its token, past what was given */
			slice(page, pg->result_keys[0], items, 0, keep);
			p->cut = 1;
			p->resume_token = dup_or_null(p->sent);
			p->resume_skip = keep + p->skip;
		} else if (next) { /* on a page boundary: resume from the next page */
			p->cut = 1;
			p->resume_token = strdup(next);
		}
		p->done = 1;
		return FE_PAGE;
	}
	p->got += n;
	p->skip = 0;
	if (!next) {
		p->done = 1;
		return FE_PAGE;
	}
	/* the token this page was asked with, given back: the next call says so */
	if (p->npages > 1 && p->sent && !strcmp(p->sent, next)) {
		p->repeated = strdup(next);
		return FE_PAGE;
	}
	free(p->sent);
	p->sent = strdup(next);
	json_object_set_new(p->req, pg->input_token, json_string(next));
	return FE_PAGE;
}

json_t *fe_pages_merge(const struct ecr_paginator *pg, json_t *pages)
{
	json_t *m = json_object(), *first = json_array_get(pages, 0);
	/* result keys first, each page's list appended */
	for (const char *const *rk = pg->result_keys; *rk; rk++) {
		json_t *all = NULL, *page;
		size_t i;
		json_array_foreach(pages, i, page) {
			json_t *v = fe_json_path(page, *rk);
			if (!json_is_array(v))
				continue;
			if (!all)
				all = json_array();
			json_array_extend(all, v);
		}
		if (all)
			fe_json_path_set_new(m, *rk, all);
	}
	/* then the first page's other members, one level into a result key's parent */
	const char *k;
	json_t *v;
	json_object_foreach(first, k, v) {
		json_t *have = json_object_get(m, k);
		if (!have) {
			json_object_set(m, k, v);
		} else if (json_is_object(have) && json_is_object(v)) {
			const char *k2;
			json_t *v2;
			json_object_foreach(v, k2, v2)
				if (!json_object_get(have, k2))
					json_object_set(have, k2, v2);
		}
	}
	for (const char *const *na = pg->non_aggregate; *na; na++)
		if (!json_object_get(m, *na))
			json_object_set_new(m, *na, json_null());
	return m;
}
