/* Feed documents as `ecrlite vulndb import` reads them: the streaming JSON reader
 * (core/feed_stream.c) and every format's reader behind it, into a state that lives
 * for the whole run (each import is one transaction: a refused one leaves nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../core/ctx.h"
#include "../../core/vulndb.h"
#include "fuzz.h"

static struct ecr_ctx *ctx;
static char dir[] = "/tmp/feeds-fuzz-XXXXXX", file[64];

static void cleanup(void)
{
	char cmd[96];
	ecr_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecr_err err = {0};
	if (!ctx) {
		struct ecr_options o;
		ecr_options_init(&o);
		o.home = dir;
		if (!mkdtemp(dir) || ecr_ctx_open(&ctx, &o, &err))
			abort();
		snprintf(file, sizeof(file), "%s/doc.json", dir);
		atexit(cleanup);
	}
	FILE *f = fopen(file, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	const char *paths[] = {file};
	json_t *summary = NULL;
	ecr_vulndb_import(ctx, paths, 1, NULL, NULL, &summary, &err);
	json_decref(summary);
	return 0;
}
