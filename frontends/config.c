#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "timefmt.h"

const char *fe_profile(const char *given)
{
	if (given && *given)
		return given;
	const char *p = getenv("AWS_PROFILE");
	if (p && *p)
		return p;
	p = getenv("AWS_DEFAULT_PROFILE");
	return p && *p ? p : "default";
}

char *fe_config_value(const char *profile, const char *key)
{
	const char *path = getenv("AWS_CONFIG_FILE");
	char def[4096], want[256];
	if (!path || !*path) {
		const char *home = getenv("HOME");
		snprintf(def, sizeof(def), "%s/.aws/config", home ? home : "");
		path = def;
	}
	/* [default] and [profile NAME], as the CLI names sections */
	if (!strcmp(profile, "default"))
		snprintf(want, sizeof(want), "default");
	else
		snprintf(want, sizeof(want), "profile %s", profile);
	return fe_ini_value(path, want, key);
}

/* the name of the section whose header line is p ("[ profile  x ]": "profile x"), in p */
static char *section_name(char *p)
{
	char *e = strchr(p, ']');
	if (e)
		*e = '\0';
	char *name = p + 1;
	while (*name == ' ')
		name++;
	size_t n = strlen(name);
	while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		name[--n] = '\0';
	/* botocore splits "profile   NAME" on its whitespace */
	if (!strncmp(name, "profile", 7) && (name[7] == ' ' || name[7] == '\t')) {
		char *rest = name + 7;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		memmove(name + 8, rest, strlen(rest) + 1);
		name[7] = ' ';
	}
	return name;
}

static int ini_has_section(const char *path, const char *section)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int found = 0;
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\r\n")] = '\0';
		found = *p == '[' && !strcmp(section_name(p), section);
	}
	if (f)
		fclose(f);
	return found;
}

const char *fe_profile_missing(const char *given)
{
	const char *p = given && *given ? given : NULL, *home = getenv("HOME");
	if (!p && (!(p = getenv("AWS_PROFILE")) || !*p) && (!(p = getenv("AWS_DEFAULT_PROFILE")) || !*p))
		return NULL; /* none named: the default, which need not exist */
	char path[4096], want[300];
	const char *cf = getenv("AWS_SHARED_CREDENTIALS_FILE"), *cfg = getenv("AWS_CONFIG_FILE");
	if (!cf || !*cf) {
		snprintf(path, sizeof(path), "%s/.aws/credentials", home ? home : "");
		cf = path;
	}
	if (ini_has_section(cf, p)) /* every section of the credentials file is a profile */
		return NULL;
	if (!cfg || !*cfg) {
		snprintf(path, sizeof(path), "%s/.aws/config", home ? home : "");
		cfg = path;
	}
	/* the config file's are [default] and [profile NAME]; a bare [NAME] is none */
	if (strcmp(p, "default"))
		snprintf(want, sizeof(want), "profile %s", p);
	else
		snprintf(want, sizeof(want), "default");
	return ini_has_section(cfg, want) ? NULL : p;
}

char *fe_ini_value(const char *path, const char *section, const char *key)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	int in = 0;
	char *val = NULL;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\r\n")] = '\0';
		if (*p == '[') {
			in = !strcmp(section_name(p), section);
			continue;
		}
		if (!in || *p == '#' || *p == ';')
			continue;
		/* Python's configparser (botocore's): '=' or ':' ends the key, keys are
		 * case-insensitive, a value loses the whitespace around it */
		char *eq = p + strcspn(p, "=:");
		if (!*eq)
			continue;
		char *k = p, *v = eq + 1;
		*eq = '\0';
		size_t kn = strlen(k);
		while (kn && (k[kn - 1] == ' ' || k[kn - 1] == '\t'))
			k[--kn] = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vn = strlen(v);
		while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
			v[--vn] = '\0';
		if (!strcasecmp(k, key)) {
			free(val);
			val = strdup(v);
		}
	}
	fclose(f);
	return val;
}

char *fe_region(const char *given, const char *profile)
{
	static const char *const env[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
	if (given && *given)
		return strdup(given);
	for (size_t i = 0; i < 2; i++) {
		const char *e = getenv(env[i]);
		if (e && *e)
			return strdup(e);
	}
	return fe_config_value(fe_profile(profile), "region");
}

int fe_state_home(char *out, size_t n)
{
	const char *e = getenv("ECRLITE_HOME");
	int w;
	if (e && *e)
		w = snprintf(out, n, "%s", e);
	else if ((e = getenv("XDG_DATA_HOME")) && *e)
		w = snprintf(out, n, "%s/ecrlite", e);
	else
		w = snprintf(out, n, "%s/.local/share/ecrlite", (e = getenv("HOME")) && *e ? e : "/tmp");
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* $ECRLITE_NOW: epoch seconds or ISO 8601, from 1970 to 9999 (a time the ISO form
 * can print); *now stays < 0 when unset. */
static int fixed_clock(double *now, struct ecr_err *err)
{
	const char *e = getenv("ECRLITE_NOW");
	*now = -1;
	if (!e || !*e)
		return 0;
	if (ecr_time_parse(e, now)) {
		*now = -1;
		return ecr_err_set(err, ECR_E_USAGE, "invalid ECRLITE_NOW '%s': want epoch seconds or ISO 8601", e);
	}
	if (!(*now >= 0 && *now <= ECR_CLOCK_MAX)) {
		*now = -1;
		return ecr_err_set(err, ECR_E_USAGE, "invalid ECRLITE_NOW '%s': want a time from 1970 to 9999", e);
	}
	return 0;
}

double fe_now(void)
{
	double now;
	/* Get-Date and friends: an invalid $ECRLITE_NOW is the core's error to report */
	fixed_clock(&now, NULL);
	return ecr_clock(now);
}

const char *fe_event_command_line(void)
{
	const char *e = getenv("ECRLITE_EVENT_COMMAND");
	return e && *e ? e : NULL;
}

int fe_options(struct ecr_options *o, char *home, size_t n, struct ecr_err *err)
{
	ecr_options_init(o);
	if (fe_state_home(home, n))
		return ecr_err_set(err, ECR_E_STATE, "state directory path too long");
	o->home = home;
	const char *acct = getenv("ECRLITE_ACCOUNT_ID");
	if (acct && *acct) {
		if (strlen(acct) != 12 || strspn(acct, "0123456789") != 12)
			return ecr_err_set(err, ECR_E_USAGE, "invalid ECRLITE_ACCOUNT_ID '%s': want 12 digits", acct);
		o->account = acct;
	}
	const char *und = getenv("ECRLITE_REPORT_UNDETERMINED");
	o->report_undetermined = und && !strcmp(und, "1");
	return fixed_clock(&o->now, err);
}

void fe_exit_if_fatal(const struct ecr_err *err)
{
	if (err->code == ECR_E_LIBRARY) {
		fprintf(stderr, "ecrlite: %s\n", err->message);
		exit(127);
	}
}

int fe_ctx_open(struct ecr_ctx **ctx, const char *region, struct ecr_err *err)
{
	struct ecr_options o;
	char home[PATH_MAX];
	int rc;
	*ctx = NULL;
	if ((rc = fe_options(&o, home, sizeof(home), err)) || (rc = ecr_ctx_open(ctx, &o, err)))
		return rc;
	if ((rc = ecr_ctx_set_region(*ctx, region ? region : ECR_DEFAULT_REGION, err))) {
		ecr_ctx_free(*ctx);
		*ctx = NULL;
	}
	return rc;
}

void fe_notices(struct ecr_ctx *ctx, const char *prefix)
{
	json_t *notes = ctx ? ecr_ctx_take_notices(ctx) : NULL, *m;
	size_t i;
	json_array_foreach(notes, i, m) fprintf(stderr, "%s%s\n", prefix, json_string_value(m));
	json_decref(notes);
}
