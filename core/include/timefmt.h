/* Time parsing and formatting shared by core and frontends. */
#ifndef ECR_TIMEFMT_H
#define ECR_TIMEFMT_H
#include <stddef.h>

/* Parses epoch seconds ("1572305000.5") or ISO 8601 ("2019-10-28T23:23:20Z",
 * "+00:00" offsets, fractional seconds). 0 on success. */
int ecr_time_parse(const char *s, double *out);
/* ISO 8601 in the local zone as the AWS CLI prints it: "2019-10-28T23:35:53+00:00",
 * microseconds only when non-zero. */
void ecr_time_iso_local(double t, char *out, size_t n);
/* ISO 8601 UTC with a Z and whole seconds, as EventBridge writes "time". */
void ecr_time_iso_utc(double t, char *out, size_t n);

#endif
