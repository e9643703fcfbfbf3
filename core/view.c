/* The view the inventory's readers share (inventory_int.h): files of the merged tree
 * by path, and the ones a second pass must read. Its own file so that the readers
 * (osrelease.c, pkgdb.c) and the inventory that runs them do not call each other. */
#include <stdlib.h>

#include "inventory_int.h"

const struct ecr_payload *ecr_view_file(struct ecr_view *v, const char *path, int row)
{
	struct ecr_fsnode n;
	if (row < 0 || ecr_fstree_lookup(&v->tree, path, &n) || n.type != ECR_NODE_FILE || n.layer < 0 ||
	    n.layer >= v->nlayers || n.ent < 0 || (size_t)n.ent >= v->fx[n.layer]->n)
		return NULL;
	const struct ecr_layer_entry *e = &v->fx[n.layer]->e[n.ent];
	if (e->payload)
		return e->payload->row == row ? e->payload : NULL;
	/* reached through a link, named otherwise: read it in a second pass */
	for (size_t i = 0; i < v->nfetch; i++)
		if (v->fetch[i].layer == n.layer && v->fetch[i].ent == (size_t)n.ent)
			return NULL;
	if (v->nfetch == v->afetch) {
		size_t na = v->afetch ? v->afetch * 2 : 8;
		void *p = realloc(v->fetch, na * sizeof(*v->fetch));
		if (!p) {
			v->oom = 1; /* a file that would not be read: the read fails (inventory.c) */
			return NULL;
		}
		v->fetch = p;
		v->afetch = na;
	}
	v->fetch[v->nfetch++] = (struct ecr_fetch){n.layer, (size_t)n.ent, row};
	return NULL;
}

int ecr_view_exists(struct ecr_view *v, const char *path)
{
	struct ecr_fsnode n;
	return !ecr_fstree_lookup(&v->tree, path, &n) && n.type == ECR_NODE_FILE;
}
