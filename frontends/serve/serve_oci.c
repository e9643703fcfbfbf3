/* The OCI Distribution API (/v2/…). Placeholder until the registry lands its handlers
 * here: every registry path is answered 404 with the OCI error body, so a client sees
 * a registry that knows no name rather than a hang. */
#include <string.h>

#include "serve.h"

void serve_oci_handle(struct serve_req *r)
{
	static const char body[] = "{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"the registry API is not served yet\"}]}";
	serve_add_header(r, "Docker-Distribution-Api-Version", "registry/2.0");
	serve_respond(r, 404, "application/json; charset=utf-8", body, strlen(body));
}
