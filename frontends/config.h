/* What every frontend reads the same way: the AWS profile, region and output settings
 * (flags, then environment, then the profile in $AWS_CONFIG_FILE or ~/.aws/config). */
#ifndef FE_CONFIG_H
#define FE_CONFIG_H

/* The profile: given, else $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default". */
const char *fe_profile(const char *given);
/* key from the profile's section of the config file (caller frees), or NULL. */
char *fe_config_value(const char *profile, const char *key);
/* key in [section] of an INI file such as ~/.aws/credentials (caller frees), or NULL. */
char *fe_ini_value(const char *path, const char *section, const char *key);
/* The region: given, else $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region;
 * NULL when none is set (the caller decides the default). Caller frees. */
char *fe_region(const char *given, const char *profile);

#endif
