/* OS-owned files (owned.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owned.h"
#include "wanted.h"

struct acc {
	struct ecr_view *v;      /* the image */
	json_t *files;           /* the paths asked about */
	json_t *names;           /* their basenames: a list line is resolved only on a match */
	json_t *out;             /* the owned ones */
};

static void line(struct acc *a, const char *p, size_t n)
{
	const char *base = p + n;
	while (base > p && base[-1] != '/')
		base--;
	size_t bl = (size_t)(p + n - base);
	if (!json_object_getn(a->names, base, bl))
		return;
	char *path = strndup(p, n);
	struct ecr_fsnode node;
	if (path && !ecr_fstree_lookup(&a->v->tree, path, &node) && node.type == ECR_NODE_FILE) {
		char real[4100];
		snprintf(real, sizeof(real), "/%s", node.path);
		if (json_object_get(a->files, real))
			json_object_set_new(a->out, real, json_true());
	}
	free(path);
}

static void one_db(void *ud, const struct ecr_fsnode *node)
{
	struct acc *a = ud;
	const struct ecr_payload *p = a->v->fx[node->layer]->e[node->ent].payload;
	if (!p || !p->pkgs.owned.data)
		return;
	const char *s = p->pkgs.owned.data, *end = s + p->pkgs.owned.len;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((eol ? eol : end) - s);
		if (n)
			line(a, s, n);
		s = eol ? eol + 1 : end;
	}
}

json_t *ecr_owned_among(struct ecr_view *v, json_t *files)
{
	struct acc a = {v, files, json_object(), json_object()};
	const char *k;
	json_t *x;
	json_object_foreach(files, k, x) {
		const char *b = strrchr(k, '/');
		json_object_set_new(a.names, b ? b + 1 : k, json_true());
	}
	static const char *const dbs[] = {"dpkg-list", "apk-installed", "rpm-sqlite"};
	for (size_t i = 0; json_object_size(files) && i < sizeof(dbs) / sizeof(dbs[0]); i++)
		ecr_fstree_each_row(&v->tree, ecr_wanted_by_name(dbs[i]), one_db, &a);
	json_decref(a.names);
	return a.out;
}
