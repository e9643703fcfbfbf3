/* Image archives and layers as push and the scan read them (after the harness of the
 * reliability review, ../shared/reviews/reliability-d1f485f.md). The core's readers
 * take paths, so each input goes to a memfd read as /proc/self/fd/N. The first byte
 * picks the mode:
 *   0  ecr_archive_read + ecr_archive_find on fixed and input-derived names + release;
 *      oracle: no temp file is left in tmp/.
 *   1  ecr_inventory_rootfs on the input as one layer tar.
 *   2  up to 4 layers (split on "\n@@LAYER@@\n"), each through ecr_layer_read; oracle:
 *      the layer cache's JSON round trip gives back the same entries.
 *   3  ecr_push into a repository of a state on /dev/shm, then the image's inventory
 *      fresh and from the cache; oracles: a refused push leaves no temp file and no new
 *      blob, and the two inventories agree. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../core/archive.h"
#include "ecr.h"
#include "../../core/inventory.h"
#include "../../core/layer.h"
#include "../../core/layercache.h"
#include "../../core/push.h"
#include "../../core/wanted.h"
#include "fuzz.h"

static char home[256];
static struct ecr_ctx *ctx;

/* Entries of dir (recursively), not counting "." and "..". */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		n += 1 + (de->d_type == DT_DIR ? count_files(sub) : 0);
	}
	closedir(d);
	return n;
}

static int mem_path(const uint8_t *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fz", 0);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t k = write(fd, data + off, size - off);
		if (k <= 0)
			abort();
		off += (size_t)k;
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

static void teardown(void);

/* One state for the whole run (made at the first input, removed at exit). */
static void setup(void)
{
	struct ecr_err err = {0};
	if (ctx)
		return;
	snprintf(home, sizeof(home), "/dev/shm/ecrlite-fuzz-archive-%d", (int)getpid());
	struct ecr_options o;
	ecr_options_init(&o);
	o.home = home;
	if (ecr_ctx_open(&ctx, &o, &err)) {
		fprintf(stderr, "ctx: %s\n", err.message);
		abort();
	}
	json_t *req = json_pack("{s:s}", "repositoryName", "fz"), *resp = NULL;
	ecr_call(ctx, "CreateRepository", req, &resp, &err);
	json_decref(req);
	json_decref(resp);
	atexit(teardown);
}

static void teardown(void)
{
	char cmd[300];
	ecr_ctx_free(ctx);
	ctx = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", home);
}

static void same_fx(const struct ecr_layer_fx *a, const struct ecr_layer_fx *b)
{
	if (a->n != b->n || strcmp(a->diff_id, b->diff_id)) {
		fprintf(stderr, "layer cache round trip: %zu entries became %zu\n", a->n, b->n);
		abort();
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct ecr_layer_entry *x = &a->e[i], *y = &b->e[i];
		if (strcmp(x->path, y->path) || x->type != y->type || !x->link != !y->link ||
		    (x->link && strcmp(x->link, y->link)) || !x->payload != !y->payload ||
		    (x->payload && (x->payload->text.len != y->payload->text.len ||
				    (x->payload->text.len &&
				     memcmp(x->payload->text.data, y->payload->text.data, x->payload->text.len))))) {
			fprintf(stderr, "layer cache round trip differs at entry %zu '%s'\n", i, x->path);
			abort();
		}
	}
}

static void mode_layers(const uint8_t *data, size_t size)
{
	static const char mark[] = "\n@@LAYER@@\n";
	const uint8_t *p = data, *end = data + size;
	for (int nl = 0; nl < 4 && p <= end; nl++) {
		const uint8_t *q = memmem(p, (size_t)(end - p), mark, sizeof(mark) - 1);
		size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
		char path[64];
		struct ecr_err err = {0};
		struct ecr_layer_fx fx;
		struct ecr_budget budget;
		int fd = mem_path(p, len, path, sizeof(path));
		if (ecr_budget_init(&budget, ECR_SCAN_PKGDB_BUDGET))
			abort();
		if (!ecr_layer_read(path, "layer", &budget, &fx, &err)) {
			json_t *j = ecr_layercache_layer_json(&fx);
			char *s = json_dumps(j, 0);
			json_t *back = s ? json_loads(s, 0, NULL) : NULL;
			struct ecr_layer_fx rt;
			if (!back || ecr_layercache_layer_from_json(back, &rt))
				abort();
			same_fx(&fx, &rt);
			ecr_layer_release(&rt);
			json_decref(back);
			free(s);
			json_decref(j);
			ecr_layer_release(&fx);
		}
		ecr_budget_release(&budget);
		close(fd);
		if (!q)
			break;
		p = q + sizeof(mark) - 1;
	}
}

static void mode_push(const char *path, const char *tmpdir)
{
	char blobs[300];
	struct ecr_err err = {0};
	json_t *out = NULL;
	snprintf(blobs, sizeof(blobs), "%s/blobs", home);
	int before = count_files(blobs);
	int rc = ecr_push(ctx, path, "fz", "t", &out, &err);
	if (count_files(tmpdir)) {
		fprintf(stderr, "temp files left after ecr_push (rc %d: %s)\n", rc, err.message);
		abort();
	}
	if (rc && count_files(blobs) != before) {
		fprintf(stderr, "refused push changed the blob store: %s\n", err.message);
		abort();
	}
	const char *digest = json_string_value(json_object_get(json_object_get(out, "imageId"), "imageDigest"));
	if (!rc && digest) {
		json_t *fresh = NULL, *cached = NULL;
		struct ecr_err e1 = {0}, e2 = {0};
		json_t *req = json_pack("{s:s, s:{s:s}, s:b}", "repositoryName", "fz", "imageId", "imageDigest", digest,
					"noCache", 1);
		int r1 = ecr_call(ctx, "GetImageInventory", req, &fresh, &e1); /* fills the layer cache */
		json_object_del(req, "noCache");
		int r2 = ecr_call(ctx, "GetImageInventory", req, &cached, &e2); /* reads it */
		json_decref(req);
		if (r1 != r2 || (!r1 && (!json_equal(json_object_get(fresh, "packages"), json_object_get(cached, "packages")) ||
					 !json_equal(json_object_get(fresh, "os"), json_object_get(cached, "os"))))) {
			fprintf(stderr, "fresh and cached inventories differ (%d: %s / %d: %s)\n", r1, e1.message, r2, e2.message);
			abort();
		}
		json_decref(fresh);
		json_decref(cached);
	}
	json_decref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], tmpdir[300];
	struct ecr_err err = {0};
	if (size < 1)
		return 0;
	int mode = data[0] % 4;
	data++;
	size--;
	if (mode == 2) {
		mode_layers(data, size);
		return 0;
	}
	setup();
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", home);
	int fd = mem_path(data, size, path, sizeof(path));
	if (mode == 0) {
		struct ecr_archive a;
		if (!ecr_archive_read(ctx, path, &a, &err)) {
			struct ecr_archive_entry *e;
			ecr_archive_find(&a, "index.json", &e, &err);
			ecr_archive_find(&a, "manifest.json", &e, &err);
			ecr_archive_find(&a, "blobs/sha256/0000", &e, &err);
			for (size_t i = 0; i < a.n && i < 8; i++) {
				ecr_archive_find(&a, a.e[i].name, &e, &err);
				if (a.e[i].link)
					ecr_archive_find(&a, a.e[i].link, &e, &err);
			}
			ecr_archive_release(&a);
		}
		if (count_files(tmpdir)) {
			fprintf(stderr, "temp files left after ecr_archive_read/release\n");
			abort();
		}
	} else if (mode == 1) {
		json_t *out = NULL;
		if (!ecr_inventory_rootfs(path, &out, &err))
			json_decref(out);
	} else {
		mode_push(path, tmpdir);
	}
	close(fd);
	return 0;
}
