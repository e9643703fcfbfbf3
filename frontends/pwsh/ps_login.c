/* Get-ECRLoginCommand: not a generated cmdlet but the module's own. It calls
 * GetAuthorizationToken and writes, per authorizationData entry, a PSObject with the
 * decoded user name and password, the proxy endpoint (and Endpoint, an alias of it), the
 * expiry and a ready `docker login` command line, so that scripts can write
 * `(Get-ECRLoginCommand).Password | docker login --username AWS --password-stdin …`.
 *
 * As the module's source has it, the user name, password and command of every entry come
 * from the first entry's token and endpoint (it indexes AuthorizationData[0] inside the
 * loop); only ProxyEndpoint and ExpiresAt are each entry's own. Kept, so that a script
 * behaves here as it does against ECR. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ps_lang.h"

/* The first entry's token decoded into raw, *user and *pass pointing into it (0), or -1
 * when it is not base64 of "user:password" (the module then fails: FormatException or
 * an index out of range). */
static int decode(json_t *first, unsigned char raw[2048], const char **user, const char **pass)
{
	const char *tok = json_string_value(json_object_get(first, "authorizationToken"));
	size_t tl = tok ? strlen(tok) : 0;
	if (!tl || tl >= 2700 || tl % 4)
		return -1;
	int n = EVP_DecodeBlock(raw, (const unsigned char *)tok, (int)tl);
	if (n <= 0)
		return -1;
	raw[n] = '\0'; /* the padding decodes as NULs: the text ends at the first */
	char *colon = strchr((char *)raw, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	/* Split(':')[1]: the password stops at a second colon, as the module's does */
	char *second = strchr(colon + 1, ':');
	if (second)
		*second = '\0';
	*user = (const char *)raw;
	*pass = colon + 1;
	return 0;
}

int ps_emit_login(json_t *resp, struct ps_out *o, char *why, size_t wn)
{
	json_t *data = json_object_get(resp, "authorizationData"), *first = json_array_get(data, 0), *e;
	unsigned char raw[2048];
	const char *user, *pass;
	struct buf cmd;
	size_t i;
	if (!first)
		return 0; /* no entries, no objects */
	if (decode(first, raw, &user, &pass)) {
		snprintf(why, wn, "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.");
		return -1;
	}
	const char *first_ep = json_string_value(json_object_get(first, "proxyEndpoint"));
	ecr_buf_init(&cmd, 8192);
	if (ecr_buf_printf(&cmd, "docker login --username %s --password %s %s", user, pass, first_ep ? first_ep : "")) {
		snprintf(why, wn, "out of memory");
		return -1;
	}
	int rc = 0;
	json_array_foreach(data, i, e) {
		json_t *ep = json_object_get(e, "proxyEndpoint"), *at = json_object_get(e, "expiresAt");
		json_t *obj = json_pack("{s:s, s:s, s:O, s:O, s:o, s:s}", "Username", user, "Password", pass,
					"ProxyEndpoint", ep ? ep : json_null(), "Endpoint", ep ? ep : json_null(),
					"ExpiresAt", json_is_number(at) ? ps_date_new(json_number_value(at), 0) : json_null(),
					"Command", cmd.data);
		if (!obj) {
			snprintf(why, wn, "out of memory");
			rc = -1;
			break;
		}
		ps_out_add(o, obj);
		json_decref(obj);
	}
	ecr_buf_release(&cmd);
	return rc;
}
