/* The Java archives (zip, nested archives, pom.properties, MANIFEST.MF) reader: any bytes give packages or warnings, never a crash, and every
 * package has a name. Each input is read twice: from memory (the central directory)
 * and as a stream in odd-sized pieces (local headers, as a layer's jar is read). */
#include <stdlib.h>
#include <string.h>

#include "../../core/lang.h"
#include "fuzz.h"

struct src {
	const uint8_t *data;     /* the input */
	size_t size, at, piece;  /* its length, bytes handed out, the piece size */
};

static long pieces(void *ud, char *buf, size_t n, const char **why)
{
	struct src *s = ud;
	(void)why;
	size_t k = s->size - s->at;
	if (k > s->piece)
		k = s->piece;
	if (k > n)
		k = n;
	memcpy(buf, s->data + s->at, k);
	s->at += k;
	return (long)k;
}

static void check(struct ecr_langpkgs *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->v[i].name[0])
			abort();
	ecr_langpkgs_release(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecr_langpkgs p = {0};
	ecr_lang_java("/srv/a.jar", (const char *)data, size, &p);
	check(&p);
	struct src s = {data, size, 0, 1 + size % 7919};
	ecr_lang_java_stream("/srv/a.jar", pieces, &s, (long long)size, &p);
	check(&p);
	return 0;
}
