#include <fnmatch.h>
#include <string.h>

#include "filter.h"

int ecr_filter_match(const char *filter, const char *name)
{
	if (!filter || !name)
		return 0;
	if (!strchr(filter, '*'))
		return strstr(name, filter) != NULL;
	/* the model's pattern leaves `*` the only glob character a filter can hold;
	 * without FNM_PATHNAME it also spans `/` */
	return fnmatch(filter, name, 0) == 0;
}
