/* The in-memory file tree keeps its first failure: a statement that fails reads as an
 * absent path where it happens, and ecr_fstree_error then says the tree cannot be
 * trusted (the read fails), never an answer built on the missing rows. */
#include <sqlite3.h>
#include <string.h>

#include "../../core/fstree.h"
#include "unit.h"

static void one_layer(struct ecr_fstree *t)
{
	struct ecr_layer_fx fx;
	ecr_layer_init(&fx);
	ecr_layer_add(&fx, "etc", ECR_NODE_DIR, NULL);
	ecr_layer_add(&fx, "etc/os-release", ECR_NODE_FILE, NULL);
	ecr_fstree_apply(t, &fx, 0);
	ecr_layer_release(&fx);
}

void test_fstree_error(void)
{
	struct ecr_fstree t;
	struct ecr_fsnode n;
	struct ecr_err err = {0};
	CHECK(!ecr_fstree_open(&t));
	one_layer(&t);
	CHECK(!ecr_fstree_lookup(&t, "etc/os-release", &n) && n.type == ECR_NODE_FILE);
	CHECK(ecr_fstree_error(&t, &err) == 0 && !err.code);
	/* a write that fails: the entry is missing, and the tree says why */
	CHECK(sqlite3_exec(t.db, "PRAGMA query_only = 1", NULL, NULL, NULL) == SQLITE_OK);
	struct ecr_layer_fx fx;
	ecr_layer_init(&fx);
	ecr_layer_add(&fx, "etc/passwd", ECR_NODE_FILE, NULL);
	ecr_fstree_apply(&t, &fx, 1);
	ecr_layer_release(&fx);
	CHECK(ecr_fstree_lookup(&t, "etc/passwd", &n) == -1);
	CHECK(ecr_fstree_error(&t, &err) == ECR_E_INTERNAL && err.code == ECR_E_INTERNAL);
	CHECK(strstr(err.message, "in-memory file tree: insert: ") != NULL);
	ecr_fstree_close(&t);

	/* a lookup that fails is absent to its caller, and kept */
	CHECK(!ecr_fstree_open(&t));
	one_layer(&t);
	sqlite3_reset(t.get);
	CHECK(sqlite3_exec(t.db, "DROP TABLE fs", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(ecr_fstree_lookup(&t, "etc/os-release", &n) == -1);
	memset(&err, 0, sizeof(err));
	CHECK(ecr_fstree_error(&t, &err) == ECR_E_INTERNAL);
	CHECK(strstr(err.message, "in-memory file tree: lookup: no such table: fs") != NULL);
	ecr_fstree_close(&t);
}
