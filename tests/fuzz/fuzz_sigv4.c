/* The SigV4 Authorization header parser (core/sigv4.c): what any client can send the
 * server. Beyond not crashing, a parse that succeeds has every field NUL-terminated
 * within its buffer, and a header is re-signed with the parsed SignedHeaders. */
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "fuzz.h"

static const char *any_value(void *ud, const char *name)
{
	(void)ud;
	return name; /* every header present, its value its name */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1);
	memcpy(h, data, size);
	h[size] = '\0';
	struct ecr_sigv4_auth a;
	char msg[1024], sig[65];
	if (!ecr_sigv4_parse(h, &a, msg, sizeof(msg))) {
		if (memchr(a.akid, 0, sizeof(a.akid)) == NULL || memchr(a.signed_headers, 0, sizeof(a.signed_headers)) == NULL ||
		    strlen(a.date) != 8)
			abort();
		struct ecr_sigv4_req r = {"POST", "/", "", a.signed_headers, any_value, NULL, ECR_SIGV4_EMPTY_SHA256,
					  "20261128T083556Z", a.region, a.service, "secret"};
		if (!ecr_sigv4_sign(&r, sig, NULL, NULL))
			(void)ecr_sigv4_equal(sig, a.signature);
	} else if (!memchr(msg, 0, sizeof(msg))) {
		abort();
	}
	free(h);
	return 0;
}
