#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

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
			char *e = strchr(p, ']');
			if (e)
				*e = '\0';
			char *name = p + 1;
			while (*name == ' ')
				name++;
			size_t n = strlen(name);
			while (n && name[n - 1] == ' ')
				name[--n] = '\0';
			in = !strcmp(name, section);
			continue;
		}
		if (!in || *p == '#' || *p == ';')
			continue;
		char *eq = strchr(p, '=');
		if (!eq)
			continue;
		char *k = p, *v = eq + 1;
		*eq = '\0';
		size_t kn = strlen(k);
		while (kn && (k[kn - 1] == ' ' || k[kn - 1] == '\t'))
			k[--kn] = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (!strcmp(k, key)) {
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
