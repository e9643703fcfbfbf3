/* The shared config and credentials files read as botocore's configparser reads them. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../frontends/config.h"
#include "unit.h"

void test_config_ini(void)
{
	static const struct { const char *section, *key, *want; } rows[] = {
		{"default", "region", "us-west-2"},                 /* trailing spaces and tab dropped */
		{"profile dev", "region", "eu-west-1"},             /* [profile   dev] */
		{"profile dev", "output", "text"},                  /* Output: text (':' and any case) */
		{"creds", "aws_access_key_id", "AKIDEXAMPLE"},      /* AWS_ACCESS_KEY_ID = ... */
		{"creds", "aws_secret_access_key", "s3cr3t=x"},     /* '=' inside the value stays */
		{"creds", "aws_session_token", NULL},
	};
	char path[] = "/tmp/ecrlite-unit-ini-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("[default]\nregion = us-west-2  \t\n\n[profile   dev]\nregion=eu-west-1\nOutput: text\n"
	      "[creds]\n  AWS_ACCESS_KEY_ID = AKIDEXAMPLE \naws_secret_access_key=s3cr3t=x\n# aws_session_token = no\n", f);
	fclose(f);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *v = fe_ini_value(path, rows[i].section, rows[i].key);
		if (rows[i].want)
			CHECK_STR(v, rows[i].want);
		else
			CHECK(v == NULL);
		free(v);
	}
	unlink(path);
}
