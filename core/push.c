#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "lifecycle.h"
#include "onpush.h"
#include "replication.h"
#include "image.h"
#include "manifest.h"
#include "push.h"
#include "state.h"
#include "str.h"
#include "txn.h"
#include "validate.h"

#define MAX_CHILDREN 64 /* images one index may name in an archive we push */

/* A manifest an index in the archive names, stored as an untagged image of its own. */
struct child {
	char *bytes;            /* manifest bytes (owned) */
	size_t len;             /* their length */
	char media_type[160];   /* its media type */
	char platform[128];     /* the index's platform for it, "" if none */
};

/* What the archive holds, ready to store. */
struct plan {
	struct child children[MAX_CHILDREN]; /* an index's images, stored before it */
	int nchildren;                       /* how many */
	char *manifest;                      /* manifest bytes (owned) */
	size_t manifest_len;                 /* their length */
	const char *media_type;              /* the manifest's media type */
	char tag[304];                       /* the archive's own tag, "" if none */
	struct ecr_archive_entry *blobs[4097]; /* config then layers (per image of an index) */
	int nblobs;                          /* how many */
	int nconfigs;                        /* how many of them are configs */
	long long config_bytes;              /* and their size */
};

/* e's JSON (new reference), or NULL with err filled: callers return err->code, which
 * is not always ECR_E_ARCHIVE (a temp file that cannot be read is a state error). */
static json_t *parse_small(struct ecr_archive *a, struct ecr_archive_entry *e, const char *what, struct ecr_err *err)
{
	json_error_t je;
	char *data;
	size_t len;
	if (ecr_archive_load(a, e, what, &data, &len, err))
		return NULL;
	json_t *j = json_loadb(data, len, 0, &je);
	free(data);
	if (!j)
		ecr_err_set(err, ECR_E_ARCHIVE, "malformed %s: %s at line %d column %d", what, je.text, je.line, je.column);
	return j;
}

/* The layer media type a blob's first bytes tell: gzip, zstd, or a plain tar. */
static const char *sniff_layer(struct ecr_archive_entry *e)
{
	unsigned char m[4] = {0};
	FILE *f = NULL;
	if ((f = fopen(e->w.tmp, "rb"))) {
		if (fread(m, 1, 4, f) != 4)
			memset(m, 0, 4);
		fclose(f);
	}
	if (m[0] == 0x1f && m[1] == 0x8b)
		return ECR_MT_OCI_LAYER_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return ECR_MT_OCI_LAYER_ZSTD;
	return ECR_MT_OCI_LAYER;
}

/* The blob entry for digest, checked against its descriptor; NULL with err filled
 * (an archive we refuse, or ServerException when memory ran out). */
static struct ecr_archive_entry *oci_blob(struct ecr_archive *a, const char *digest, long long size,
					  const char *what, struct ecr_err *err)
{
	char name[256];
	const char *colon = strchr(digest, ':');
	if (!colon) {
		ecr_err_set(err, ECR_E_ARCHIVE, "malformed manifest: bad %s digest '%s'", what, digest);
		return NULL;
	}
	/* blobs/ALGORITHM/HEX; a digest too long for it is not one a layout can hold */
	char alg[64];
	if (ecr_str_ncopy(alg, sizeof(alg), digest, (size_t)(colon - digest)) ||
	    snprintf(name, sizeof(name), "blobs/%s/%s", alg, colon + 1) >= (int)sizeof(name)) {
		ecr_err_set(err, ECR_E_ARCHIVE, "malformed manifest: bad %s digest '%.80s'", what, digest);
		return NULL;
	}
	struct ecr_archive_entry *e;
	if (ecr_archive_find(a, name, &e, err))
		return NULL;
	if (!e) {
		ecr_err_set(err, ECR_E_ARCHIVE, "missing blob: the %s %s is not in the archive", what, digest);
		return NULL;
	}
	if (strcmp(e->w.digest, digest)) {
		ecr_err_set(err, ECR_E_ARCHIVE, "digest mismatch: the %s blob %s hashes to %s", what, digest, e->w.digest);
		return NULL;
	}
	if (size >= 0 && e->w.size != size) {
		ecr_err_set(err, ECR_E_ARCHIVE, "size mismatch: the %s blob %s has %lld bytes, its descriptor says %lld",
			    what, digest, e->w.size, size);
		return NULL;
	}
	return e;
}

/* The manifests an image index names (each must be in the archive) and their blobs;
 * the index itself becomes the tagged manifest. */
static int plan_image_blobs(struct ecr_archive *a, const struct ecr_manifest *man, struct plan *p, struct ecr_err *err)
{
	if (p->nblobs >= 4096 - man->nlayers)
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed image: more than 4096 blobs");
	if (!(p->blobs[p->nblobs++] = oci_blob(a, man->config.digest, man->config.size, "config", err)))
		return ECR_E_ARCHIVE;
	p->nconfigs++;
	p->config_bytes += man->config.size;
	for (int l = 0; l < man->nlayers; l++) {
		char what[32];
		snprintf(what, sizeof(what), "layer %d", l + 1);
		if (!(p->blobs[p->nblobs++] = oci_blob(a, man->layers[l].digest, man->layers[l].size, what, err)))
			return ECR_E_ARCHIVE;
	}
	return 0;
}

static int plan_index(struct ecr_archive *a, struct ecr_archive_entry *ie, const char *dg, const char *mt,
		      struct plan *p, struct ecr_err *err)
{
	struct ecr_manifest ix;
	char *idata, *cdata;
	size_t ilen, clen;
	int rc = 0;
	if (ecr_archive_load(a, ie, "index", &idata, &ilen, err))
		return err->code;
	if (ecr_manifest_parse(idata, ilen, mt, &ix, err)) {
		char why[sizeof(err->message)];
		snprintf(why, sizeof(why), "%s", err->message);
		free(idata);
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed image index %s: %s", dg, why);
	}
	if (!ix.nrefs || ix.nrefs > MAX_CHILDREN) {
		ecr_manifest_release(&ix);
		free(idata);
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed image index %s: it names %d manifests (1 to %d can be pushed)",
				   dg, ix.nrefs, MAX_CHILDREN);
	}
	for (int i = 0; !rc && i < ix.nrefs; i++) {
		struct ecr_archive_entry *ce = oci_blob(a, ix.refs[i].d.digest, ix.refs[i].d.size, "manifest", err);
		struct ecr_manifest cm;
		if (!ce) {
			rc = err->code;
			break;
		}
		if (ecr_archive_load(a, ce, "manifest", &cdata, &clen, err)) {
			rc = err->code;
			break;
		}
		if (ecr_manifest_parse(cdata, clen, ix.refs[i].d.media_type, &cm, err)) {
			char why[sizeof(err->message)];
			snprintf(why, sizeof(why), "%s", err->message);
			free(cdata);
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "malformed manifest %s: %s", ix.refs[i].d.digest, why);
			break;
		}
		if (cm.is_index)
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "image index %s names another index (%s): nested indexes are not supported",
					 dg, ix.refs[i].d.digest);
		else
			rc = plan_image_blobs(a, &cm, p, err);
		if (!rc) {
			struct child *c = &p->children[p->nchildren++];
			c->bytes = cdata; /* NUL-terminated, owned by the plan now */
			c->len = clen;
			snprintf(c->media_type, sizeof(c->media_type), "%s", cm.media_type);
			snprintf(c->platform, sizeof(c->platform), "%s", ix.refs[i].platform);
		} else {
			free(cdata);
		}
		ecr_manifest_release(&cm);
	}
	ecr_manifest_release(&ix);
	if (rc) {
		free(idata);
		return rc;
	}
	p->manifest = idata;
	p->manifest_len = ilen;
	p->media_type = !strcmp(mt, ECR_MT_DOCKER_LIST) ? ECR_MT_DOCKER_LIST : ECR_MT_OCI_INDEX;
	return 0;
}

static int plan_oci(struct ecr_archive *a, struct ecr_archive_entry *index, struct plan *p, struct ecr_err *err)
{
	json_t *idx = parse_small(a, index, "index.json", err);
	int rc = 0;
	if (!idx)
		return err->code;
	json_t *mans = json_object_get(idx, "manifests");
	if (!json_is_array(mans) || !json_array_size(mans)) {
		json_decref(idx);
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed index.json: no manifests");
	}
	/* the image tagged "latest" if there is one, else the first */
	json_t *pick = json_array_get(mans, 0);
	size_t i;
	json_t *m;
	json_array_foreach(mans, i, m) {
		const char *ref = json_string_value(json_object_get(json_object_get(m, "annotations"),
								     "org.opencontainers.image.ref.name"));
		if (ref && !strcmp(ref, "latest")) {
			pick = m;
			break;
		}
	}
	const char *ref = json_string_value(json_object_get(json_object_get(pick, "annotations"),
							     "org.opencontainers.image.ref.name"));
	if (ref && !strchr(ref, '/') && !strchr(ref, ':'))
		snprintf(p->tag, sizeof(p->tag), "%s", ref);
	char mt_buf[160] = "", dg_buf[160] = "";
	const char *mt = json_string_value(json_object_get(pick, "mediaType"));
	const char *dg = json_string_value(json_object_get(pick, "digest"));
	json_t *sz = json_object_get(pick, "size");
	long long size = json_is_integer(sz) ? json_integer_value(sz) : -1;
	/* copies: idx (and the strings in it) goes before we use them */
	if (mt)
		mt = strncpy(mt_buf, mt, sizeof(mt_buf) - 1);
	if (dg)
		dg = strncpy(dg_buf, dg, sizeof(dg_buf) - 1);
	if (!dg) {
		json_decref(idx);
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed index.json: manifest descriptor without digest");
	}
	struct ecr_archive_entry *me = oci_blob(a, dg, size, "manifest", err);
	json_decref(idx);
	if (!me)
		return err->code;
	if (mt && (!strcmp(mt, ECR_MT_OCI_INDEX) || !strcmp(mt, ECR_MT_DOCKER_LIST)))
		return plan_index(a, me, dg, mt, p, err);
	char *mdata;
	size_t mlen;
	if (ecr_archive_load(a, me, "manifest", &mdata, &mlen, err))
		return err->code;
	struct ecr_manifest man;
	if (ecr_manifest_parse(mdata, mlen, mt, &man, err)) {
		char why[sizeof(err->message)];
		snprintf(why, sizeof(why), "%s", err->message);
		free(mdata);
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed manifest %s: %s", dg, why);
	}
	p->media_type = !strcmp(man.media_type, ECR_MT_DOCKER_MANIFEST) ? ECR_MT_DOCKER_MANIFEST : ECR_MT_OCI_MANIFEST;
	if (man.is_index)
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "malformed index.json: manifest %s is an image index but its descriptor says %s", dg, mt ? mt : "nothing");
	else
		rc = plan_image_blobs(a, &man, p, err);
	ecr_manifest_release(&man);
	if (!rc) {
		p->manifest = mdata;
		p->manifest_len = mlen;
	} else {
		free(mdata);
	}
	return rc;
}

/* docker save: we write the manifest, deterministically (README: "Digests"): an OCI
 * image manifest, compact JSON, keys in the order below, layer media types from the
 * blobs' own magic numbers, no annotations, no trailing newline. */
static int plan_docker(struct ecr_archive *a, struct ecr_archive_entry *mf, struct plan *p, struct ecr_err *err)
{
	json_t *j = parse_small(a, mf, "manifest.json", err);
	int rc = 0;
	if (!j)
		return err->code;
	json_t *first = json_array_get(j, 0);
	const char *cfg = json_string_value(json_object_get(first, "Config"));
	json_t *layers = json_object_get(first, "Layers");
	if (!json_is_array(j) || !cfg || !json_is_array(layers)) {
		json_decref(j);
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed manifest.json: want [{Config, Layers, RepoTags}]");
	}
	const char *rt = json_string_value(json_array_get(json_object_get(first, "RepoTags"), 0));
	const char *colon = rt ? strrchr(rt, ':') : NULL;
	if (colon && !strchr(colon, '/'))
		snprintf(p->tag, sizeof(p->tag), "%s", colon + 1);
	struct ecr_archive_entry *ce;
	if ((rc = ecr_archive_find(a, cfg, &ce, err))) {
		json_decref(j);
		return rc;
	}
	if (!ce) {
		/* the message first: cfg belongs to j */
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "missing config: '%s' is not in the archive", cfg);
		json_decref(j);
		return rc;
	}
	json_t *config = parse_small(a, ce, cfg, err);
	if (!config) {
		json_decref(j);
		return err->code;
	}
	json_t *diff_ids = json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	if (json_is_array(diff_ids) && json_array_size(diff_ids) != json_array_size(layers))
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "malformed image: %zu layers but %zu diff_ids in the config",
				 json_array_size(layers), json_array_size(diff_ids));
	/* the manifest we write obeys ECR's caps: a layer count past its limit gets ECR's
	 * answer, and the buffer holds the largest manifest ECR takes (4 MiB) */
	if (!rc && json_array_size(layers) > 4096)
		rc = ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				 "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'layers must be a list of at most %d descriptors'",
				 4096);
	struct buf m;
	int full = 0;
	ecr_buf_init(&m, ECR_ARCHIVE_SMALL);
	full |= ecr_buf_printf(&m, "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%lld},\"layers\":[",
		       ECR_MT_OCI_MANIFEST, ECR_MT_OCI_CONFIG, ce->w.digest, ce->w.size);
	p->blobs[p->nblobs++] = ce;
	p->nconfigs = 1;
	p->config_bytes = ce->w.size;
	size_t i;
	json_t *l;
	json_array_foreach(layers, i, l) {
		if (rc)
			break;
		const char *path = json_string_value(l);
		struct ecr_archive_entry *le = NULL;
		if (path && (rc = ecr_archive_find(a, path, &le, err)))
			break;
		if (!le) {
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "missing layer: '%s' is not in the archive", path ? path : "?");
			break;
		}
		const char *mt = sniff_layer(le);
		/* an uncompressed layer's digest is its diff_id: check it against the config */
		const char *want = json_string_value(json_array_get(diff_ids, i));
		if (!strcmp(mt, ECR_MT_OCI_LAYER) && want && strcmp(want, le->w.digest)) {
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "digest mismatch: layer %zu ('%s') hashes to %s, the config says %s",
					 i + 1, path, le->w.digest, want);
			break;
		}
		full |= ecr_buf_printf(&m, "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%lld}", i ? "," : "", mt,
				       le->w.digest, le->w.size);
		if (p->nblobs < 4097)
			p->blobs[p->nblobs++] = le;
	}
	full |= ecr_buf_addstr(&m, "]}");
	if (!rc && full)
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "malformed image: its manifest would be larger than %u bytes", ECR_ARCHIVE_SMALL);
	json_decref(config);
	json_decref(j);
	if (rc) {
		ecr_buf_release(&m);
		return rc;
	}
	p->manifest_len = m.len;
	p->manifest = ecr_buf_detach(&m);
	p->media_type = ECR_MT_OCI_MANIFEST;
	return 0;
}

static int insert_blob(struct ecr_ctx *ctx, long long repo_id, struct ecr_archive_entry *e, struct ecr_err *err)
{
	int rc = ecr_image_link_blob(ctx, repo_id, e->w.digest, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "INSERT OR IGNORE INTO blob(digest, size) VALUES(?, ?)", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, e->w.digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, e->w.size);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	return rc;
}

int ecr_push(struct ecr_ctx *ctx, const char *path, const char *repository, const char *tag,
	     json_t **out, struct ecr_err *err)
{
	struct ecr_archive a;
	struct plan p;
	struct ecr_repo r;
	struct ecr_image_ref ref;
	enum ecr_image_change ch = ECR_IMAGE_UNCHANGED;
	char *created[4097];
	struct ecr_image_ref child_ref[MAX_CHILDREN];
	int ncreated = 0, rc;
	struct ecr_txn t = {0};
	struct ecr_repl_copies *copies = NULL;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	if (tag && (!*tag || strlen(tag) > 300))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must be 1 to 300 characters'");
	/* The name obeys the model's RepositoryName rules, as any operation's would. */
	json_t *probe = json_pack("{s:s}", "repositoryName", repository);
	rc = ecr_validate(ecr_model_op("ListImages")->input, probe, err);
	json_decref(probe);
	if (rc)
		return rc;
	/* Fail fast on a missing repository, before reading a large archive. */
	if ((rc = ecr_state_begin(ctx->db, 0, err)))
		return rc;
	rc = ecr_repo_load_name(ctx, ctx->account, repository, &r, err);
	ecr_state_rollback(ctx->db);
	if (rc)
		return rc;
	if ((rc = ecr_archive_read(ctx, path, &a, err)))
		return rc;
	struct ecr_archive_entry *index, *mf;
	if ((rc = ecr_archive_find(&a, "index.json", &index, err)) || (rc = ecr_archive_find(&a, "manifest.json", &mf, err)))
		goto out;
	if (index)
		rc = plan_oci(&a, index, &p, err);
	else if (mf)
		rc = plan_docker(&a, mf, &p, err);
	else
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "not an image archive: no index.json (OCI) or manifest.json (docker save) in '%s'", path);
	if (rc)
		goto out;
	if (!tag)
		tag = p.tag[0] ? p.tag : "latest";
	if ((rc = ecr_txn_begin(ctx, 1, &t, err)))
		goto out;
	if ((rc = ecr_repo_load_name(ctx, ctx->account, repository, &r, err)))
		goto fail;
	for (int i = 0; i < p.nblobs; i++)
		if ((rc = insert_blob(ctx, r.id, p.blobs[i], err)))
			goto fail;
	/* an index's images first (untagged), as a registry client pushes them */
	for (int i = 0; i < p.nchildren; i++) {
		enum ecr_image_change cch;
		if ((rc = ecr_image_put(ctx, &r, p.children[i].bytes, p.children[i].len, p.children[i].media_type, NULL,
					NULL, &child_ref[i], &cch, err)))
			goto fail;
	}
	if ((rc = ecr_image_put(ctx, &r, p.manifest, p.manifest_len, p.media_type, tag, NULL, &ref, &ch, err)))
		goto fail;
	/* blobs become visible last; a failed commit takes back the ones we created */
	for (int i = 0; i < p.nblobs; i++) {
		int made = 0;
		if (!p.blobs[i]->w.tmp[0])
			continue; /* listed twice (a layer used twice): already placed */
		if ((rc = ecr_blob_writer_commit(ctx, &p.blobs[i]->w, &made, err)))
			goto fail;
		if (made)
			created[ncreated++] = p.blobs[i]->w.digest;
	}
	/* the repository's lifecycle policy runs after each push, in its transaction */
	int kept = 1;
	if (ch != ECR_IMAGE_UNCHANGED && (kept = ecr_lifecycle_after_push(ctx, &r, ref.id, err)) < 0) {
		rc = kept;
		goto fail;
	}
	/* then the registry's replication, in the same transaction (README "Replication") */
	if (ch != ECR_IMAGE_UNCHANGED && kept && (rc = ecr_replication_after_push(ctx, &r, &ref, &copies, err)))
		goto fail;
	if ((rc = ecr_txn_commit(&t, NULL, err)))
		goto fail;
	json_t *scan = NULL;
	if (ch != ECR_IMAGE_UNCHANGED && kept)
		scan = ecr_onpush_scan(ctx, &r, &ref, 1);
	ecr_replication_scan(ctx, copies, 1);
	/* the size describe-images reports (an index's is its largest image's, not the sum
	 * of every blob pushed; a layer two platforms share is one) */
	long long size = ecr_image_size(ctx, ref.digest);
	if (size < 0) {
		size = -p.config_bytes;
		for (int i = 0; i < p.nblobs; i++)
			size += p.blobs[i]->w.size;
	}
	*out = json_pack("{s:s, s:{s:s, s:s}, s:i, s:I, s:s, s:b, s:b}", "repositoryName", r.name,
			 "imageId", "imageDigest", ref.digest, "imageTag", tag, "layers", p.nblobs - p.nconfigs,
			 "imageSizeInBytes", (json_int_t)size, "imageManifestMediaType", p.media_type,
			 "changed", ch != ECR_IMAGE_UNCHANGED, "scanOnPush", scan != NULL);
	if (scan)
		json_object_set_new(*out, "imageScanStatus", scan);
	goto out;
fail:
	ecr_txn_abort(&t);
	for (int i = 0; i < ncreated; i++)
		ecr_blob_remove(ctx, created[i]);
out:
	free(copies);
	free(p.manifest);
	for (int i = 0; i < p.nchildren; i++)
		free(p.children[i].bytes);
	ecr_archive_release(&a);
	return rc;
}
