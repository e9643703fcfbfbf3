/* --output table, built and laid out as the CLI's TableFormatter and MultiTable do:
 * one section per nested object, column widths from the widest cell (East Asian wide
 * and ambiguous characters count two), scaled to the widest section, sections with one
 * row turned vertical when the table would pass the terminal width. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "aws.h"

extern const unsigned aws_eaw_wide[][2];
extern const int aws_eaw_nwide;

struct section {
	char *title;           /* "" for none */
	int indent;            /* nesting level */
	char **headers;        /* header cells */
	int nheaders;          /* how many */
	char ***rows;          /* rows of cells */
	int nrows;             /* how many */
	int ncols;             /* cells per row, set by the first header or row */
	int *maxw;             /* widest cell per column */
};

struct table {
	struct section **s;    /* sections in order */
	int n;                 /* how many */
	int color;             /* --color on */
};

static int wide(unsigned cp)
{
	int lo = 0, hi = aws_eaw_nwide - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (cp < aws_eaw_wide[mid][0])
			hi = mid - 1;
		else if (cp > aws_eaw_wide[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* get_text_length: wide/fullwidth/ambiguous characters count 2 */
static int tlen(const char *s)
{
	int n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp = *p;
		int k = 1;
		if (cp >= 0xf0 && p[1] && p[2] && p[3])
			cp = ((cp & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u), k = 4;
		else if (cp >= 0xe0 && p[1] && p[2])
			cp = ((cp & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u), k = 3;
		else if (cp >= 0xc0 && p[1])
			cp = ((cp & 31u) << 6) | (p[1] & 63u), k = 2;
		n += cp >= 0x80 && wide(cp) ? 2 : 1;
		p += k;
	}
	return n;
}

static struct section *new_section(struct table *t, const char *title, int indent)
{
	struct section *s = calloc(1, sizeof(*s));
	s->title = strdup(title ? title : "");
	s->indent = indent;
	s->ncols = -1;
	t->s = realloc(t->s, sizeof(*t->s) * (size_t)(t->n + 1));
	t->s[t->n++] = s;
	return s;
}

static void widths_update(struct section *s, char **cells, int n)
{
	if (!s->maxw) {
		s->maxw = calloc((size_t)n + 1, sizeof(int));
		for (int i = 0; i < n; i++)
			s->maxw[i] = tlen(cells[i]);
		return;
	}
	for (int i = 0; i < n; i++)
		if (tlen(cells[i]) > s->maxw[i])
			s->maxw[i] = tlen(cells[i]);
}

static void add_header(struct section *s, char **h, int n)
{
	widths_update(s, h, n);
	if (s->ncols < 0)
		s->ncols = n;
	s->headers = h;
	s->nheaders = n;
}

static void add_row(struct section *s, char **cells, int n)
{
	if (s->ncols < 0)
		s->ncols = n;
	s->rows = realloc(s->rows, sizeof(*s->rows) * (size_t)(s->nrows + 1));
	s->rows[s->nrows++] = cells;
	widths_update(s, cells, n);
}

/* Python's str() of a scalar */
static char *str(json_t *v)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_STRING: return strdup(json_string_value(v));
	case JSON_INTEGER: snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v)); return strdup(buf);
	case JSON_REAL: aws_pyfloat(json_real_value(v), buf, sizeof(buf)); return strdup(buf);
	case JSON_TRUE: return strdup("True");
	case JSON_FALSE: return strdup("False");
	case JSON_NULL: return strdup("None");
	default: return strdup("");
	}
}

static int scalar(json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted scalar keys and the sorted other keys of an object. */
static void group(json_t *o, char ***hdr, int *nh, char ***more, int *nm)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		int have = 0;
		if (scalar(v)) {
			for (int i = 0; i < *nh; i++)
				have |= !strcmp((*hdr)[i], k);
			if (!have) {
				*hdr = realloc(*hdr, sizeof(char *) * (size_t)(*nh + 1));
				(*hdr)[(*nh)++] = strdup(k);
			}
		} else {
			for (int i = 0; i < *nm; i++)
				have |= !strcmp((*more)[i], k);
			if (!have) {
				*more = realloc(*more, sizeof(char *) * (size_t)(*nm + 1));
				(*more)[(*nm)++] = strdup(k);
			}
		}
	}
	if (*nh > 1)
		qsort(*hdr, (size_t)*nh, sizeof(char *), cmp_str);
	if (*nm > 1)
		qsort(*more, (size_t)*nm, sizeof(char *), cmp_str);
}

static int truthy(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return json_object_size(v) > 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_TRUE: return 1;
	default: return 0;
	}
}

static void free_list(char **l, int n)
{
	for (int i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int build(struct table *t, const char *title, json_t *cur, int indent);

static void from_dict(struct table *t, json_t *cur, int indent)
{
	struct section *s = t->s[t->n - 1];
	char **hdr = NULL, **more = NULL;
	int nh = 0, nm = 0;
	group(cur, &hdr, &nh, &more, &nm);
	if (nh == 1) {
		char **row = malloc(2 * sizeof(char *));
		row[0] = strdup(hdr[0]);
		row[1] = str(json_object_get(cur, hdr[0]));
		add_row(s, row, 2);
		free_list(hdr, nh);
	} else if (nh) {
		char **row = malloc(sizeof(char *) * (size_t)nh);
		for (int i = 0; i < nh; i++)
			row[i] = str(json_object_get(cur, hdr[i]));
		add_header(s, hdr, nh);
		add_row(s, row, nh);
	} else {
		free(hdr);
	}
	for (int i = 0; i < nm; i++)
		build(t, more[i], json_object_get(cur, more[i]), indent + 1);
	free_list(more, nm);
}

static void from_list(struct table *t, json_t *cur, int indent, const char *title)
{
	char **hdr = NULL, **more = NULL;
	int nh = 0, nm = 0;
	size_t i;
	json_t *e;
	json_array_foreach(cur, i, e) if (json_is_object(e)) group(e, &hdr, &nh, &more, &nm);
	char **h = malloc(sizeof(char *) * (size_t)(nh + 1));
	for (int k = 0; k < nh; k++)
		h[k] = strdup(hdr[k]);
	add_header(t->s[t->n - 1], h, nh);
	json_array_foreach(cur, i, e) {
		if (i && nm) {
			struct section *s = new_section(t, title, indent);
			char **h2 = malloc(sizeof(char *) * (size_t)(nh + 1));
			for (int k = 0; k < nh; k++)
				h2[k] = strdup(hdr[k]);
			add_header(s, h2, nh);
		}
		char **row = malloc(sizeof(char *) * (size_t)(nh + 1));
		for (int k = 0; k < nh; k++) {
			json_t *v = json_is_object(e) ? json_object_get(e, hdr[k]) : NULL;
			row[k] = v ? str(v) : strdup("");
		}
		add_row(t->s[t->n - 1], row, nh);
		for (int k = 0; k < nm; k++)
			if (json_is_object(e) && json_object_get(e, more[k]))
				build(t, more[k], json_object_get(e, more[k]), indent + 1);
	}
	free_list(hdr, nh);
	free_list(more, nm);
}

static int build(struct table *t, const char *title, json_t *cur, int indent)
{
	if (!truthy(cur))
		return 0;
	if (title)
		new_section(t, title, indent);
	if (json_is_array(cur)) {
		if (json_is_object(json_array_get(cur, 0))) {
			from_list(t, cur, indent, title);
		} else {
			size_t i;
			json_t *e;
			json_array_foreach(cur, i, e) {
				if (scalar(e)) {
					char **row = malloc(sizeof(char *));
					row[0] = str(e);
					add_row(t->s[t->n - 1], row, 1);
				} else if (json_is_array(e)) {
					int all = 1;
					size_t k;
					json_t *x;
					json_array_foreach(e, k, x) all &= scalar(x);
					if (all) {
						char **row = malloc(sizeof(char *) * (json_array_size(e) + 1));
						json_array_foreach(e, k, x) row[k] = str(x);
						add_row(t->s[t->n - 1], row, (int)json_array_size(e));
						continue;
					}
					build(t, NULL, e, indent);
				} else {
					build(t, NULL, e, indent);
				}
			}
		}
	}
	if (json_is_object(cur))
		from_dict(t, cur, indent);
	return 1;
}

/* --- rendering ------------------------------------------------------------------- */

static int total_width(struct section *s)
{
	int total = 0;
	if (s->maxw)
		for (int i = 0; i < (s->ncols > 0 ? s->ncols : 0); i++)
			total += s->maxw[i] + 4;
	total += 2 + 2 * s->indent;
	int t = tlen(s->title) + 2 + 2 * s->indent;
	return t > total ? t : total;
}

static int max_width(struct table *t)
{
	int m = 0;
	for (int i = 0; i < t->n; i++)
		if (total_width(t->s[i]) > m)
			m = total_width(t->s[i]);
	return m;
}

/* Python's round(): half to even */
static long pyround(double x)
{
	double r = round(x);
	if (fabs(x - trunc(x)) == 0.5 && fmod(r, 2) != 0)
		r -= x > 0 ? 1 : -1;
	return (long)r;
}

static int *column_widths(struct section *s, int maxw)
{
	int n = s->ncols > 0 ? s->ncols : 0;
	if (!n || !s->maxw)
		return NULL;
	int *w = calloc((size_t)n, sizeof(int)), sum = 0;
	for (int i = 0; i < n; i++)
		sum += s->maxw[i] + 4;
	double f = (double)maxw / (double)sum;
	int total = 0;
	for (int i = 0; i < n; i++) {
		w[i] = (int)pyround(f * (s->maxw[i] + 4));
		total += w[i];
	}
	int off = total - maxw;
	while (off) {
		for (int k = 0; k < n && off; k++) {
			int i = off > 0 ? k : n - 1 - k;
			if (off > 0)
				w[i]--, off--;
			else
				w[i]++, off++;
		}
	}
	return w;
}

struct out {
	FILE *f;         /* the stream */
	int indent;      /* '|' on both sides */
	int color;       /* ANSI styling */
};

/* One write to the CLI's stdout. With colour, the CLI's stdout is colorama's wrapper
 * with autoreset, which follows every write, even an empty one, with a reset. */
static void cput(struct out *o, const char *s)
{
	fputs(s, o->f);
	if (o->color)
		fputs("\033[0m", o->f);
}

/* A line as the CLI's IndentedStream writes it: the left indent, the text, the right
 * indent and the newline, four writes. */
static void iput(struct out *o, const char *line)
{
	struct buf side;
	ecr_buf_init(&side, 1 << 16);
	for (int i = 0; i < o->indent; i++)
		ecr_buf_addstr(&side, o->color ? "\033[2m\033[33m|\033[0m" : "|");
	cput(o, side.data ? side.data : "");
	cput(o, line);
	cput(o, side.data ? side.data : "");
	cput(o, "\n");
	ecr_buf_release(&side);
}

static void spaces(struct buf *b, int n)
{
	for (int i = 0; i < n; i++)
		ecr_buf_add(b, " ", 1);
}

static void center(struct buf *b, const char *text, int length, const char *left, const char *right)
{
	int tl = tlen(text);
	int start = length / 2 - tl / 2 - 1;
	ecr_buf_addstr(b, left);
	spaces(b, start);
	ecr_buf_addstr(b, text);
	int so_far = tlen(left) + start + tl;
	spaces(b, length - tlen(right) - so_far);
	ecr_buf_addstr(b, right);
}

static void align_left(struct buf *b, const char *text, int length, const char *left, const char *right, int color)
{
	int tl = tlen(text);
	int computed = tl + 2 + (int)strlen(left) + (int)strlen(right);
	int pad = length - computed >= 0 ? 2 : 0;
	ecr_buf_addstr(b, left);
	spaces(b, pad);
	if (color)
		ecr_buf_addstr(b, "\033[1m\033[34m");
	ecr_buf_addstr(b, text);
	if (color)
		ecr_buf_addstr(b, "\033[0m");
	int so_far = (int)strlen(left) + pad + tl;
	spaces(b, length - so_far - (int)strlen(right));
	ecr_buf_addstr(b, right);
}

static void line_break(struct out *o, int *w, int n)
{
	struct buf b;
	ecr_buf_init(&b, 1 << 20);
	for (int i = 0; i < n; i++) {
		if (!i) {
			ecr_buf_addstr(&b, "+");
			for (int k = 0; k < w[i] - 2; k++)
				ecr_buf_addstr(&b, "-");
			ecr_buf_addstr(&b, "+");
		} else {
			for (int k = 0; k < w[i] - 1; k++)
				ecr_buf_addstr(&b, "-");
			ecr_buf_addstr(&b, "+");
		}
	}
	iput(o, b.data ? b.data : "");
	ecr_buf_release(&b);
}

static void render_section(FILE *f, struct section *s, int maxw, int color)
{
	struct out o = {f, s->indent, color};
	struct buf b;
	maxw -= 2 * s->indent;
	if (s->title[0]) {
		ecr_buf_init(&b, 1 << 20);
		center(&b, s->title, maxw, "|", "|");
		iput(&o, b.data);
		ecr_buf_release(&b);
		if (!s->nheaders && !s->nrows) {
			ecr_buf_init(&b, 1 << 20);
			ecr_buf_addstr(&b, "+");
			for (int k = 0; k < maxw - 2; k++)
				ecr_buf_addstr(&b, "-");
			ecr_buf_addstr(&b, "+");
			iput(&o, b.data);
			ecr_buf_release(&b);
		}
	}
	int *w = column_widths(s, maxw);
	if (s->nheaders && w) {
		line_break(&o, w, s->nheaders);
		ecr_buf_init(&b, 1 << 20);
		for (int i = 0; i < s->nheaders; i++)
			center(&b, s->headers[i], w[i], i ? "" : "|", "|");
		iput(&o, b.data);
		ecr_buf_release(&b);
	}
	if (s->nrows && w) {
		line_break(&o, w, s->ncols);
		for (int r = 0; r < s->nrows; r++) {
			ecr_buf_init(&b, 1 << 20);
			for (int i = 0; i < s->ncols; i++)
				align_left(&b, s->rows[r][i], w[i], i ? "" : "|", "|", color);
			iput(&o, b.data);
			ecr_buf_release(&b);
		}
		line_break(&o, w, s->ncols);
	}
	free(w);
}

/* One-row sections with headers become key | value rows. */
static void vertical(struct table *t)
{
	for (int i = 0; i < t->n; i++) {
		struct section *s = t->s[i];
		if (s->nrows != 1 || !s->nheaders)
			continue;
		struct section *v = calloc(1, sizeof(*v));
		v->title = s->title;
		v->indent = s->indent;
		v->ncols = -1;
		for (int k = 0; k < s->nheaders && k < s->ncols; k++) {
			char **row = malloc(2 * sizeof(char *));
			row[0] = strdup(s->headers[k]);
			row[1] = strdup(s->rows[0][k]);
			add_row(v, row, 2);
		}
		free_list(s->headers, s->nheaders);
		free_list(s->rows[0], s->ncols);
		free(s->rows);
		free(s->maxw);
		free(s);
		t->s[i] = v;
	}
}

static int terminal_width(FILE *f)
{
	struct winsize ws;
	if (isatty(fileno(f)) && !ioctl(fileno(f), TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 80;
}

void aws_out_table(FILE *f, const char *title, json_t *v, int color)
{
	struct table t = {0};
	t.color = color;
	if (!build(&t, title, v, 0))
		return;
	int m = max_width(&t);
	if (m > terminal_width(f)) {
		vertical(&t);
		m = max_width(&t);
	}
	for (int i = 0; i < m; i++)
		fputc('-', f);
	fputs(color ? "\n\033[0m" : "\n", f); /* one write, its reset after it */
	for (int i = 0; i < t.n; i++)
		render_section(f, t.s[i], m, color);
	for (int i = 0; i < t.n; i++) {
		struct section *s = t.s[i];
		free(s->title);
		free_list(s->headers, s->nheaders);
		for (int r = 0; r < s->nrows; r++)
			free_list(s->rows[r], s->ncols);
		free(s->rows);
		free(s->maxw);
		free(s);
	}
	free(t.s);
}
