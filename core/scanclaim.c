/* Who holds a scan row's claim (scanclaim.h). */
#include <errno.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "scanclaim.h"

static void host(char *out, size_t n)
{
	if (gethostname(out, n) || !*out)
		snprintf(out, n, "localhost");
	out[n - 1] = '\0';
	out[strcspn(out, ":")] = '\0';
}

void ecr_scanclaim_owner(char *out, size_t n)
{
	char h[96];
	host(h, sizeof(h));
	snprintf(out, n, "%s:%ld", h, (long)getpid());
}

void ecr_scanclaim_token(char out[40])
{
	unsigned char r[16];
	if (RAND_bytes(r, sizeof(r)) != 1)
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)rand();
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

int ecr_scanclaim_alive(const char *owner, double lease_until, double now)
{
	char h[96];
	host(h, sizeof(h));
	const char *colon = owner ? strrchr(owner, ':') : NULL;
	if (!colon)
		return 0;
	if ((size_t)(colon - owner) == strlen(h) && !strncmp(owner, h, strlen(h))) {
		long pid = strtol(colon + 1, NULL, 10);
		if (pid <= 0)
			return 0;
		if (pid == (long)getpid())
			return 1;
		return !kill((pid_t)pid, 0) || errno == EPERM;
	}
	return now < lease_until; /* another host: only its lease tells */
}
