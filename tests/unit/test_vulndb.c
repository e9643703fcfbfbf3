/* Feed import (core/vulndb.c) from many threads at once, each with its own context, as
 * the server's scan workers may (a scan hook that imports feeds): each import reads
 * its own bytes. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ecr.h"
#include "unit.h"

#define RECORDS 4000

struct import_arg {
	const char *feed;  /* the file to import */
	char dir[64];      /* its own state directory */
	int rc;            /* ecr_call's answer */
	long long records; /* the summary's records */
	long long unchanged; /* the second import's unchangedFiles */
	char message[1024]; /* the error, if any */
};

static void *import_thread(void *p)
{
	struct import_arg *a = p;
	struct ecr_options o;
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	json_t *req = json_pack("{s:[s]}", "paths", a->feed), *resp = NULL;
	ecr_options_init(&o);
	o.home = a->dir;
	a->rc = ecr_ctx_open(&ctx, &o, &err);
	for (int round = 0; !a->rc && round < 2; round++) {
		if ((a->rc = ecr_call(ctx, "ImportVulnerabilityFeeds", req, &resp, &err)))
			break;
		/* the second import of the same bytes changes nothing: its digest matched */
		if (round)
			a->unchanged = json_integer_value(json_object_get(resp, "unchangedFiles"));
		else
			a->records = json_integer_value(json_object_get(resp, "records"));
		json_decref(resp);
		resp = NULL;
	}
	if (a->rc)
		snprintf(a->message, sizeof(a->message), "%s", err.message);
	json_decref(req);
	ecr_ctx_free(ctx);
	return NULL;
}

void test_vulndb_threads(void)
{
	char feed[] = "/tmp/ecrlite-unit-feed-XXXXXX.json", cmd[256];
	int fd = mkstemps(feed, 5);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct import_arg a[4];
	pthread_t th[4];
	CHECK(f != NULL);
	if (!f)
		return;
	fputc('[', f);
	for (int i = 0; i < RECORDS; i++)
		fprintf(f, "%s{\"id\": \"PYSEC-%d\", \"modified\": \"2024-01-01T00:00:00Z\", \"details\": \"record %d, "
			"long enough that a chunk holds few of them ........................................\", "
			"\"affected\": [{\"package\": {\"ecosystem\": \"PyPI\", \"name\": \"pkg%d\"}, \"ranges\": [{\"type\": "
			"\"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"1.%d\"}]}]}]}",
			i ? ",\n" : "", i, i, i, i);
	fputs("]\n", f);
	fclose(f);
	for (int i = 0; i < 4; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].feed = feed;
		snprintf(a[i].dir, sizeof(a[i].dir), "/tmp/ecrlite-unit-XXXXXX");
		CHECK(mkdtemp(a[i].dir) != NULL);
		CHECK(pthread_create(&th[i], NULL, import_thread, &a[i]) == 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(a[i].rc == 0);
		if (a[i].rc)
			fprintf(stderr, "import %d: %s\n", i, a[i].message);
		CHECK(a[i].records == RECORDS);
		CHECK(a[i].unchanged == 1);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", a[i].dir);
		CHECK(system(cmd) == 0);
	}
	unlink(feed);
}
