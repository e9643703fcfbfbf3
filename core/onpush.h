/* Scan on push, one door for every way an image gets in: `ecrlite push`, PutImage, and
 * the registry's manifest PUT. An image index is not scanned: its platform images are
 * (each an image of its own), never an attestation manifest (platform unknown/unknown)
 * nor an entry without a platform. */
#ifndef ECR_ONPUSH_H
#define ECR_ONPUSH_H
#include <jansson.h>

#include "image.h"

/* Queues scan on push for image ref of r when r scans on push: after the push
 * committed, each in a short transaction of its own, run at once in inline mode
 * (own_txn 1); or inside the caller's write transaction, run by ecr_call after its
 * commit (own_txn 0, PutImage). A scan that fails is recorded FAILED and never undoes
 * the push; the daily quota makes it SKIPPED. Returns the ImageScanStatus (of the
 * first platform image for an index; IN_PROGRESS when queued), or NULL when nothing
 * was scanned. */
json_t *ecr_onpush_scan(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, int own_txn);

#endif
