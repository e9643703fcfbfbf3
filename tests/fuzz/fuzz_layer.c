/* A layer as a scan reads it: tar entries (any compression) applied into the merged
 * tree, links resolved, the wanted files read and parsed (with the second pass for link
 * targets of other names). The layer cache's round trip must give back exactly what
 * was read, whatever the bytes of the names (cached and fresh scans agree). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../core/inventory.h"
#include "../../core/layer.h"
#include "../../core/layercache.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/ecrlite-fuzz-layer-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	struct ecr_budget budget;
	struct ecr_layer_fx fx, back;
	struct ecr_err err = {0};
	ecr_budget_init(&budget, ECR_SCAN_PKGDB_BUDGET);
	if (!ecr_layer_read(path, "fuzz", &budget, &fx, &err)) {
		json_t *j = ecr_layercache_layer_json(&fx);
		if (ecr_layercache_layer_from_json(j, &back))
			abort(); /* what the cache wrote it cannot read */
		json_t *k = ecr_layercache_layer_json(&back);
		if (!json_equal(j, k))
			abort(); /* the round trip changed the layer */
		json_decref(j);
		json_decref(k);
		ecr_layer_release(&back);
		ecr_layer_release(&fx);
	}
	ecr_budget_release(&budget);
	json_t *out = NULL;
	ecr_err_clear(&err);
	if (!ecr_inventory_rootfs(path, &out, &err))
		json_decref(out);
	unlink(path);
	return 0;
}
