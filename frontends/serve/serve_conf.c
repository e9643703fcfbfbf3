/* How `ecrlite serve` was started: the options and the credentials file. serve_main.c
 * fills them before the first request; everything else only reads them. A file of its
 * own so that the handlers and the HTTP layer depend on it, and serve_main.c (which
 * starts them all) on nothing that calls back into it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "serve.h"
#include "serve_int.h"

#define MAX_CREDS 256        /* keys in a credentials file */
#define MAX_FILE (1u << 20)  /* credentials file, TLS key or certificate: larger is refused */

static struct serve_config config = {.region = "us-east-1"};

const struct serve_config *serve_config(void) { return &config; }
struct serve_config *serve_config_edit(void) { return &config; }

struct cred {
	char *key;           /* aws_access_key_id */
	char *secret;        /* aws_secret_access_key */
	char *token;         /* aws_session_token, or NULL */
};
static struct cred creds[MAX_CREDS];
static int ncreds;

const char *serve_cred_secret(const char *akid, const char **token)
{
	for (int i = 0; i < ncreds; i++)
		if (!strcmp(creds[i].key, akid)) {
			*token = creds[i].token;
			return creds[i].secret;
		}
	*token = NULL;
	return NULL;
}

char *serve_slurp(const char *path, const char *what)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;
	if (!f) {
		fprintf(stderr, "ecrlite serve: error: cannot read %s '%s': %s\n", what, path, strerror(errno));
		return NULL;
	}
	ecr_buf_init(&b, MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ecr_buf_add(&b, chunk, n)) {
			fprintf(stderr, "ecrlite serve: error: %s '%s' is over %u bytes\n", what, path, MAX_FILE);
			fclose(f);
			return NULL;
		}
	fclose(f);
	return b.data ? ecr_buf_detach(&b) : strdup("");
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* ~/.aws/credentials: [section] lines, then key = value lines; # and ; comments. Every
 * section with both keys becomes one credential. */
int serve_creds_load(const char *path, int must_exist)
{
	struct stat st;
	if (!must_exist && stat(path, &st) && errno == ENOENT)
		return 0;
	char *text = serve_slurp(path, "credentials file");
	if (!text)
		return -1;
	struct cred cur = {0};
	int line = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save);; l = strtok_r(NULL, "\n", &save)) {
		line++;
		char *s = l ? trim(l) : NULL;
		if (!s || *s == '[') { /* a section ends */
			if (cur.key && cur.secret && ncreds < MAX_CREDS) {
				creds[ncreds++] = cur;
			} else {
				free(cur.key);
				free(cur.secret);
				free(cur.token);
			}
			memset(&cur, 0, sizeof(cur));
			if (!s)
				break;
			continue;
		}
		if (!*s || *s == '#' || *s == ';')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1), **slot = NULL;
		if (!strcmp(k, "aws_access_key_id"))
			slot = &cur.key;
		else if (!strcmp(k, "aws_secret_access_key"))
			slot = &cur.secret;
		else if (!strcmp(k, "aws_session_token"))
			slot = &cur.token;
		if (slot && *v) {
			free(*slot);
			*slot = strdup(v);
		}
	}
	free(text);
	return ncreds;
}

void serve_creds_free(void)
{
	for (int i = 0; i < ncreds; i++) {
		free(creds[i].key);
		free(creds[i].secret);
		free(creds[i].token);
	}
	ncreds = 0;
}
