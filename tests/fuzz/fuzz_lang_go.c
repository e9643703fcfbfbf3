/* Go build info read from an ELF as it streams by: any bytes give packages or a
 * warning, never a crash; and the result does not depend on how the file is cut into
 * chunks (the first byte picks a chunk size), since layers arrive in arbitrary pieces. */
#include <stdlib.h>
#include <string.h>

#include "../../core/lang.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t chunk = (size_t)data[0] % 64 + 1;
	data++, size--;
	struct ecr_langpkgs whole = {0}, cut = {0};
	ecr_lang_go("/bin/x", (const char *)data, size, &whole);
	struct ecr_goscan *g = malloc(sizeof(*g));
	ecr_goscan_init(g);
	for (size_t o = 0; o < size; o += chunk)
		if (ecr_goscan_feed(g, data + o, o + chunk > size ? size - o : chunk))
			break;
	ecr_goscan_finish(g, "/bin/x", &cut);
	free(g);
	if (whole.n != cut.n)
		abort();
	for (size_t i = 0; i < whole.n; i++)
		if (strcmp(whole.v[i].name, cut.v[i].name) || strcmp(whole.v[i].version, cut.v[i].version))
			abort();
	ecr_langpkgs_release(&whole);
	ecr_langpkgs_release(&cut);
	return 0;
}
