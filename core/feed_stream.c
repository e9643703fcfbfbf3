/* One feed document read as a stream (yajl's callback parser building jansson values),
 * so that a whole-size feed is never held in memory at once: the records of an NVD
 * page or yearly feed ($.vulnerabilities[*], $.CVE_Items[*]), the source packages of
 * the Debian tracker ($.*) and the records of an OSV array ($[*]) are handed to their
 * reader one at a time and freed. Any other document (Alpine secdb, one OSV record) is
 * built whole and read as before. Memory is bounded by the largest record, not the
 * document (make bench measures it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "vulndb_int.h"

#define MAX_DEPTH 512               /* nesting deeper than any feed's is refused */
#define MAX_STRING (16u << 20)      /* one string (a description is a few KiB) */

enum mode { M_WHOLE, M_NVD, M_DEBIAN, M_OSV };

struct sb {
	struct feed *f;
	struct ecr_err *err;
	int rc;                     /* a reader's error: parsing stops */
	const char *why;            /* a limit passed: parsing stops */
	json_t *stack[MAX_DEPTH];   /* the open containers */
	char *key[MAX_DEPTH];       /* the pending member name of each open object */
	int depth;
	json_t *top;                /* the finished root value */
	enum mode mode;
	int decided;                /* the root object's kind is known */
	size_t n;                   /* records handed over */
};

static int fail(struct sb *s, const char *why)
{
	s->why = why;
	return 0;
}

/* Is the root a stream of records at the point where a value completes at depth d? */
static int handed_over(struct sb *s, json_t *v)
{
	struct feed *f = s->f;
	json_t *root = s->stack[0];
	if (s->depth == 2 && json_is_object(root) && json_is_array(s->stack[1])) {
		/* an element of $.vulnerabilities / $.CVE_Items */
		const char *k = s->key[0];
		if (strcmp(k, "vulnerabilities") && strcmp(k, "CVE_Items"))
			return 0;
		if (s->mode != M_NVD) {
			if ((s->rc = feed_nvd_begin(f, root, s->err)))
				return 1;
			s->mode = M_NVD;
		}
		s->rc = feed_nvd_record(f, v, k, s->n++, s->err);
		return 1;
	}
	if (s->depth == 1 && json_is_object(root)) {
		/* a member of the root: the tracker's source packages */
		if (!s->decided && json_is_object(v)) {
			s->decided = 1;
			if (feed_debian_like(s->key[0], v)) {
				if ((s->rc = feed_debian_begin(f, s->err)))
					return 1;
				s->mode = M_DEBIAN;
			}
		}
		if (s->mode != M_DEBIAN)
			return 0;
		s->rc = feed_debian_package(f, s->key[0], v, s->err);
		s->n++;
		return 1;
	}
	if (s->depth == 1 && json_is_array(root)) {
		/* the first element decides: an array of OSV records */
		if (!s->decided) {
			s->decided = 1;
			if (feed_osv_like(v))
				s->mode = M_OSV;
		}
		if (s->mode != M_OSV)
			return 0;
		s->rc = feed_osv(f, v, s->err);
		s->n++;
		return 1;
	}
	return 0;
}

/* A finished value v (new reference): into its container, or to a reader. */
static int add(struct sb *s, json_t *v)
{
	if (!v)
		return fail(s, "out of memory");
	if (!s->depth) {
		s->top = v;
		return 1;
	}
	if (handed_over(s, v)) {
		json_decref(v);
		return !s->rc;
	}
	json_t *parent = s->stack[s->depth - 1];
	if (json_is_object(parent)) {
		json_object_set_new(parent, s->key[s->depth - 1] ? s->key[s->depth - 1] : "", v);
		free(s->key[s->depth - 1]);
		s->key[s->depth - 1] = NULL;
	} else {
		json_array_append_new(parent, v);
	}
	return 1;
}

static int open_container(struct sb *s, json_t *c)
{
	if (!c)
		return fail(s, "out of memory");
	if (s->depth >= MAX_DEPTH) {
		json_decref(c);
		return fail(s, "nested deeper than 512 levels");
	}
	s->key[s->depth] = NULL;
	s->stack[s->depth++] = c;
	return 1;
}

static int close_container(void *ud)
{
	struct sb *s = ud;
	json_t *c = s->stack[--s->depth];
	free(s->key[s->depth]);
	s->key[s->depth] = NULL;
	if (!s->depth && s->mode != M_WHOLE) {
		json_decref(c); /* the records went to their reader; the rest is header */
		s->top = json_null();
		return 1;
	}
	return add(s, c);
}

static int on_null(void *ud) { return add(ud, json_null()); }
static int on_bool(void *ud, int b) { return add(ud, json_boolean(b)); }
static int on_start_map(void *ud) { return open_container(ud, json_object()); }
static int on_start_array(void *ud) { return open_container(ud, json_array()); }

static int on_number(void *ud, const char *p, size_t n)
{
	char buf[64];
	if (n >= sizeof(buf))
		return fail(ud, "a number longer than 63 characters");
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (!strpbrk(buf, ".eE")) {
		char *end;
		errno = 0;
		long long i = strtoll(buf, &end, 10);
		if (!*end && !errno) /* else too large for an integer: a real, as jansson reads it */
			return add(ud, json_integer(i));
	}
	return add(ud, json_real(strtod(buf, NULL)));
}

static int on_string(void *ud, const unsigned char *p, size_t n)
{
	if (n > MAX_STRING)
		return fail(ud, "a string longer than 16 MiB");
	return add(ud, json_stringn((const char *)p, n));
}

static int on_key(void *ud, const unsigned char *p, size_t n)
{
	struct sb *s = ud;
	if (n > MAX_STRING)
		return fail(ud, "a member name longer than 16 MiB");
	free(s->key[s->depth - 1]);
	if (!(s->key[s->depth - 1] = strndup((const char *)p, n)))
		return fail(ud, "out of memory");
	return 1;
}

static const yajl_callbacks callbacks = {
	on_null, on_bool, NULL, NULL, on_number, on_string,
	on_start_map, on_key, close_container, on_start_array, close_container,
};

struct feed_stream {
	yajl_handle h;
	struct sb s;
	long long line, col, bytes; /* position of the text read so far */
};

struct feed_stream *feed_stream_new(struct feed *f, struct ecr_err *err)
{
	struct feed_stream *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->s.f = f;
	fs->s.err = err;
	fs->line = 1;
	fs->h = yajl_alloc(&callbacks, NULL, &fs->s);
	if (!fs->h) {
		free(fs);
		return NULL;
	}
	return fs;
}

/* ECR_E_FEED naming the document and where in its text parsing stopped. */
static int bad_json(struct feed_stream *fs, const unsigned char *chunk, size_t n, int complete)
{
	struct sb *s = &fs->s;
	if (s->rc)
		return s->rc;
	size_t used = complete ? 0 : yajl_get_bytes_consumed(fs->h);
	long long line = fs->line, col = fs->col;
	for (size_t i = 0; i < used && i < n; i++) {
		if (chunk[i] == '\n')
			line++, col = 0;
		else
			col++;
	}
	if (s->why)
		return ecr_err_set(s->err, ECR_E_FEED, "%s: invalid JSON at line %lld column %lld (byte %lld): %s", s->f->what,
				   line, col + 1, fs->bytes + (long long)used, s->why);
	unsigned char *msg = yajl_get_error(fs->h, 0, chunk, n);
	char text[256];
	snprintf(text, sizeof(text), "%s", msg ? (const char *)msg : "parse error");
	yajl_free_error(fs->h, msg);
	/* yajl's words, trimmed ("parse error: premature EOF" and the like) */
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	return ecr_err_set(s->err, ECR_E_FEED, "%s: invalid JSON at line %lld column %lld (byte %lld): %s", s->f->what, line,
			   col + 1, fs->bytes + (long long)used, complete ? "the document ends early (truncated?)" : text);
}

int feed_stream_write(struct feed_stream *fs, const void *data, size_t n)
{
	const unsigned char *p = data;
	if (yajl_parse(fs->h, p, n) != yajl_status_ok)
		return bad_json(fs, p, n, 0);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			fs->line++, fs->col = 0;
		else
			fs->col++;
	}
	fs->bytes += (long long)n;
	return 0;
}

int feed_stream_finish(struct feed_stream *fs)
{
	struct sb *s = &fs->s;
	if (yajl_complete_parse(fs->h) != yajl_status_ok)
		return bad_json(fs, (const unsigned char *)"", 0, 1);
	if (!fs->bytes || !s->top)
		return ecr_err_set(s->err, ECR_E_FEED, "%s: invalid JSON at line 1 column 1 (byte 0): an empty document", s->f->what);
	if (s->mode == M_NVD)
		return feed_nvd_end(s->f, s->err);
	if (s->mode != M_WHOLE)
		return 0;
	return feed_document(s->f, s->top, s->err);
}

void feed_stream_free(struct feed_stream *fs)
{
	if (!fs)
		return;
	yajl_free(fs->h);
	while (fs->s.depth > 0) {
		fs->s.depth--;
		json_decref(fs->s.stack[fs->s.depth]);
		free(fs->s.key[fs->s.depth]);
	}
	json_decref(fs->s.top);
	free(fs);
}
