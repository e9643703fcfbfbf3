/* A scan row's claim: who holds it ("host:pid", checked for life by later processes)
 * and its token. Used by the inline run (scan.c) and the workers (scanwork.c) alike,
 * apart from both so that neither calls the other back. Core-internal. */
#ifndef ECR_SCANCLAIM_H
#define ECR_SCANCLAIM_H
#include <stddef.h>

/* "host:pid" of this process: a claim's owner, checked for life by later processes. */
void ecr_scanclaim_owner(char *out, size_t n);
/* A fresh claim token (32 hex digits and a NUL). */
void ecr_scanclaim_token(char out[40]);

/* Whether a claim's owner may still be running it: on this host, its process is alive;
 * from another, its lease (lease_until) has not run out at now. */
int ecr_scanclaim_alive(const char *owner, double lease_until, double now);

#endif
