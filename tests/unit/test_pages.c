/* The all-pages loop (frontends/lib/fe_pages.c) against a fake service: rows of
 * {what the caller asks, what the service serves, the pages and resume point expected}. */
#include <jansson.h>
#include <stdlib.h>

#include "../../frontends/lib/fe_pages.h"
#include "unit.h"

#define MAXP 4

/* DescribeRepositories served as pages: the token "pK" asks for page K */
struct fake {
	const int *sizes;             /* items of each page */
	const char *const *tokens;    /* each page's next token, NULL: none */
	int calls;                    /* requests seen */
	long long limit;              /* maxResults of the last request, or -1 */
};

static int serve(void *arg, const char *op, json_t *req, json_t **resp_out)
{
	struct fake *f = arg;
	const char *tok = json_string_value(json_object_get(req, "nextToken"));
	int k = tok ? atoi(tok + 1) : 0;
	(void)op;
	f->calls++;
	f->limit = json_is_integer(json_object_get(req, "maxResults")) ? json_integer_value(json_object_get(req, "maxResults")) : -1;
	if (k < 0 || k >= MAXP || f->sizes[k] < 0)
		return 1; /* a token the service never gave */
	json_t *items = json_array(), *page = json_object();
	for (int i = 0; i < f->sizes[k]; i++)
		json_array_append_new(items, json_integer(k * 100 + i));
	json_object_set_new(page, "repositories", items);
	if (f->tokens[k])
		json_object_set_new(page, "nextToken", json_string(f->tokens[k]));
	*resp_out = page;
	return 0;
}

struct row {
	const char *name;               /* what the row shows */
	struct fe_pages_opts opts;      /* what the caller asks */
	int sizes[MAXP];                /* the service's pages (-1: none) */
	const char *tokens[MAXP];       /* their next tokens */
	int want[MAXP + 1];             /* items of each page given, -1 ends */
	int end;                        /* how the loop ends */
	int cut;                        /* a resume point */
	const char *resume;             /* its token */
	long long resume_skip;          /* its skip */
	long long limit;                /* maxResults of the last request */
};

static const struct row rows[] = {
	{"all pages", {.max_items = -1}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {2, 3, 1, -1}, FE_PAGES_END, 0, NULL, -1, -1},
	{"max items inside a page", {.max_items = 4}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {2, 2, -1}, FE_PAGES_END, 1, "p1", 2, -1},
	{"max items on a boundary", {.max_items = 5}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {2, 3, -1}, FE_PAGES_END, 1, "p2", -1, -1},
	{"max items = all", {.max_items = 6}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {2, 3, 1, -1}, FE_PAGES_END, 0, NULL, -1, -1},
	{"max items 0", {.max_items = 0}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {0, -1}, FE_PAGES_END, 1, NULL, 0, -1},
	{"starting token and skip", {.max_items = -1, .start_token = "p1", .start_skip = 1}, {2, 3, 1, -1},
	 {"p1", "p2", NULL}, {2, 1, -1}, FE_PAGES_END, 0, NULL, -1, -1},
	{"skip, then cut", {.max_items = 1, .start_token = "p1", .start_skip = 1}, {2, 3, 1, -1},
	 {"p1", "p2", NULL}, {1, -1}, FE_PAGES_END, 1, "p1", 2, -1},
	{"page size", {.max_items = -1, .page_size = 7}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {2, 3, 1, -1}, FE_PAGES_END, 0, NULL, -1, 7},
	{"a token given twice", {.max_items = -1}, {2, 3, 1, -1}, {"p1", "p1", NULL}, {2, 3, -1}, FE_PAGES_REPEATED, 0, NULL, -1, -1},
	{"an empty token ends", {.max_items = -1}, {2, 3, 1, -1}, {"", "p2", NULL}, {2, -1}, FE_PAGES_END, 0, NULL, -1, -1},
	{"one page", {.max_items = -1, .one_page = 1}, {2, 3, 1, -1}, {"p1", "p2", NULL}, {2, -1}, FE_PAGES_END, 0, NULL, -1, -1},
	{"a failing page", {.max_items = -1}, {2, -1}, {"p1", NULL}, {2, -1}, FE_PAGES_FAILED, 0, NULL, -1, -1},
};

void test_pages_rows(void)
{
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *w = &rows[r];
		struct fake f = {.sizes = w->sizes, .tokens = w->tokens};
		struct fe_pages p;
		json_t *req = json_object(), *page;
		int got, n = 0;
		CHECK(!fe_pages_init(&p, "DescribeRepositories", req, &w->opts));
		while ((got = fe_pages_next(&p, serve, &f, &page)) == FE_PAGE) {
			size_t items = json_array_size(json_object_get(page, "repositories"));
			if (w->want[n] < 0 || (size_t)w->want[n] != items) {
				fprintf(stderr, "pages row '%s': page %d has %zu items\n", w->name, n + 1, items);
				unit_failed++;
			}
			json_decref(page);
			if (++n > MAXP)
				break;
		}
		if (w->want[n] != -1 || got != w->end || p.cut != w->cut || f.limit != w->limit ||
		    (w->cut && ((!w->resume) != (!p.resume_token) || (w->resume && strcmp(w->resume, p.resume_token)) ||
				p.resume_skip != w->resume_skip))) {
			fprintf(stderr, "pages row '%s': %d pages, end %d, cut %d, resume %s+%lld, limit %lld\n", w->name, n, got,
				p.cut, p.resume_token ? p.resume_token : "(null)", p.resume_skip, f.limit);
			unit_failed++;
		}
		fe_pages_release(&p);
		json_decref(req);
	}
}

/* botocore's build_full_result: lists concatenated, the first page's other members */
void test_pages_merge(void)
{
	const struct ecr_op_model *m = ecr_model_op("DescribeImageScanFindings");
	json_t *pages = json_loads("[{\"imageScanFindings\": {\"findings\": [1, 2], \"findingSeverityCounts\": {\"LOW\": 3}},"
				   " \"repositoryName\": \"a\"}, {\"imageScanFindings\": {\"findings\": [3]}, \"repositoryName\": \"b\"}]",
				   0, NULL);
	json_t *all = fe_pages_merge(m->pager, pages);
	char *s = json_dumps(json_object_get(all, "imageScanFindings"), JSON_SORT_KEYS | JSON_COMPACT);
	CHECK_STR(s, "{\"findingSeverityCounts\":{\"LOW\":3},\"findings\":[1,2,3]}");
	CHECK(json_is_null(json_object_get(all, "registryId"))); /* a non-aggregate key page 1 lacked */
	CHECK_STR(json_string_value(json_object_get(all, "repositoryName")), "a");
	free(s);
	json_decref(all);
	json_decref(pages);
}
