/* The installed-package databases of an image: a table of where each format lives,
 * looked up through links in the merged tree, plus dpkg's status.d directory
 * (distroless) and every file of an "anywhere" wanted row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory_int.h"
#include "wanted.h"

/* One row per place a database lives: the path looked up and the wanted row that
 * reads it. Order matters: the first rpm database found is the one read. */
static const struct dbrow {
	const char *path;     /* inside the image */
	const char *row;      /* wanted row (wanted.c) */
	const char *manager;  /* dpkg, apk, rpm */
} dbs[] = {
	{"var/lib/dpkg/status", "dpkg-status", "dpkg"},
	{"lib/apk/db/installed", "apk-installed", "apk"},
	{"usr/lib/apk/db/installed", "apk-installed", "apk"},
	{"var/lib/rpm/rpmdb.sqlite", "rpm-sqlite", "rpm"},
	{"usr/lib/sysimage/rpm/rpmdb.sqlite", "rpm-sqlite", "rpm"},
	{"usr/share/rpm/rpmdb.sqlite", "rpm-sqlite", "rpm"},
	{"var/lib/rpm/Packages", "rpm-bdb", "rpm"},
	{"var/lib/rpm/Packages.db", "rpm-ndb", "rpm"},
	{"usr/lib/sysimage/rpm/Packages.db", "rpm-ndb", "rpm"},
};

static const char *const mark_names[] = {"rpm BerkeleyDB database", "rpm NDB database"};

struct acc {
	struct ecr_view *v;      /* the image */
	struct ecr_pkgs pkgs;    /* every package found */
	json_t *managers;        /* dpkg, apk, rpm in the order found */
	json_t *notes;           /* databaseWarnings */
	char seen[64][4096];     /* real paths already read (a db reached twice counts once) */
	int nseen;               /* how many */
	struct ecr_err *err;     /* the first refusal */
	int rc;                  /* its code */
};

static void manager(struct acc *a, const char *m)
{
	size_t n = json_array_size(a->managers);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(json_string_value(json_array_get(a->managers, i)), m))
			return;
	json_array_append_new(a->managers, json_string(m));
}

static int seen(struct acc *a, const char *real)
{
	for (int i = 0; i < a->nseen; i++)
		if (!strcmp(a->seen[i], real))
			return 1;
	if (a->nseen < 64)
		snprintf(a->seen[a->nseen++], sizeof(a->seen[0]), "%s", real);
	return 0;
}

/* Takes the packages of one payload (shown as path); 1 when it had a database. */
static int take(struct acc *a, const char *path, const struct ecr_payload *p, const char *mgr)
{
	if (a->rc || !p)
		return 0;
	if (p->error) {
		char msg[1200];
		snprintf(msg, sizeof(msg), "%s: %s", path, p->error);
		a->rc = ecr_err_set(a->err, ECR_E_ARCHIVE, "%s", msg);
		return 0;
	}
	for (size_t i = 0; i < p->pkgs.n; i++) {
		const struct ecr_pkg *k = &p->pkgs.v[i];
		if (ecr_pkgs_add(&a->pkgs, k->name, k->version, k->source, k->source_version, k->arch, k->format)) {
			char msg[1200];
			ecr_pkgs_add_failed(&a->pkgs, a->err);
			snprintf(msg, sizeof(msg), "%s: %s", path, a->err->message);
			a->rc = ecr_err_set(a->err, a->err->code, "%s", msg);
			return 0;
		}
	}
	if (p->pkgs.skipped) {
		char w[512];
		snprintf(w, sizeof(w), "%s: skipped %d incomplete entries (%s)", path, p->pkgs.skipped, p->pkgs.skipped_why);
		json_array_append_new(a->notes, ecr_layer_text(w));
	}
	manager(a, mgr);
	return 1;
}

static void status_d_file(void *ud, const char *path)
{
	struct acc *a = ud;
	size_t n = strlen(path);
	struct ecr_fsnode node;
	if (n > 8 && !strcmp(path + n - 8, ".md5sums"))
		return;
	if (ecr_fstree_lookup(&a->v->tree, path, &node) || node.type != ECR_NODE_FILE || seen(a, node.path))
		return;
	take(a, path, ecr_view_file(a->v, path, ecr_wanted_by_name("dpkg-status.d")), "dpkg");
}

static void anywhere_file(void *ud, const struct ecr_fsnode *node)
{
	struct acc *a = ud;
	const struct ecr_layer_entry *e = &a->v->fx[node->layer]->e[node->ent];
	if (!seen(a, node->path))
		take(a, node->path, e->payload, ecr_wanted_row(e->payload->row)->name);
}

int ecr_pkgdb_read(struct ecr_view *v, json_t *res, struct ecr_err *err)
{
	struct acc *a = calloc(1, sizeof(*a));
	char unsupported[512] = "";
	int have_rpm = 0, rc;
	if (!a)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	a->v = v;
	a->managers = json_array();
	a->notes = json_array();
	a->err = err;
	for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]) && !a->rc; i++) {
		struct ecr_fsnode node;
		int row = ecr_wanted_by_name(dbs[i].row);
		const struct ecr_wanted_row *w = ecr_wanted_row(row);
		if (ecr_fstree_lookup(&v->tree, dbs[i].path, &node) || node.type != ECR_NODE_FILE)
			continue;
		if (!strcmp(dbs[i].manager, "rpm") && have_rpm)
			continue;
		if (w->kind == ECR_WANT_MARK) {
			if (!unsupported[0])
				snprintf(unsupported, sizeof(unsupported), "unsupported package database: %s (%s)",
					 mark_names[strcmp(w->name, "rpm-bdb") ? 1 : 0], dbs[i].path);
			continue;
		}
		if (seen(a, node.path))
			continue;
		if (take(a, dbs[i].path, ecr_view_file(v, dbs[i].path, row), dbs[i].manager) && !strcmp(dbs[i].manager, "rpm"))
			have_rpm = 1;
	}
	/* distroless: every file of status.d, through links like any other path */
	struct ecr_fsnode dir;
	if (!a->rc && !ecr_fstree_lookup(&v->tree, "var/lib/dpkg/status.d", &dir) && dir.type == ECR_NODE_DIR)
		ecr_fstree_children(&v->tree, dir.path, status_d_file, a);
	for (int r = 0; !a->rc && ecr_wanted_row(r); r++)
		if (ecr_wanted_row(r)->anywhere)
			ecr_fstree_each_row(&v->tree, r, anywhere_file, a);
	if ((rc = a->rc))
		goto out;
	if (have_rpm)
		unsupported[0] = '\0';
	ecr_pkgs_sort(&a->pkgs);
	json_object_set(res, "packageManagers", a->managers);
	json_object_set_new(res, "packages", ecr_pkgs_json(&a->pkgs));
	if (unsupported[0] && !a->pkgs.n)
		json_object_set_new(res, "unsupported", json_string(unsupported));
	json_object_set(res, "databaseWarnings", a->notes);
out:
	json_decref(a->notes);
	json_decref(a->managers);
	ecr_pkgs_release(&a->pkgs);
	free(a);
	return rc;
}
