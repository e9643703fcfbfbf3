/* What every frontend reads the same way: the AWS profile, region and output settings
 * (flags, then environment, then the profile in $AWS_CONFIG_FILE or ~/.aws/config). */
#ifndef FE_CONFIG_H
#define FE_CONFIG_H
#include <stddef.h>

#include "ecr.h"

/* The profile: given, else $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default". */
const char *fe_profile(const char *given);
/* The profile named (given, $AWS_PROFILE, $AWS_DEFAULT_PROFILE) when it is in neither
 * the credentials file nor the config file, else NULL: botocore's ProfileNotFound, even
 * for a "default" named but absent; none named is the default, which need not exist. */
const char *fe_profile_missing(const char *given);
/* key from the profile's section of the config file (caller frees), or NULL. */
char *fe_config_value(const char *profile, const char *key);
/* key in [section] of an INI file such as ~/.aws/credentials (caller frees), or NULL. */
char *fe_ini_value(const char *path, const char *section, const char *key);
/* The region: given, else $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region;
 * NULL when none is set (the caller decides the default). Caller frees. */
char *fe_region(const char *given, const char *profile);


/* A missing lazily loaded library (ECR_E_LIBRARY) is an installation fault: says so
 * and exits 127, as the dynamic linker would have at start-up. Otherwise returns. */
void fe_exit_if_fatal(const struct ecr_err *err);
/* The state directory: $ECRLITE_HOME, else $XDG_DATA_HOME/ecrlite, else
 * ~/.local/share/ecrlite (the one place that decides it; the REPL history lives there
 * too). -1 when it does not fit in n. */
int fe_state_home(char *out, size_t n);
/* The context options from the environment ($ECRLITE_HOME …, $ECRLITE_NOW,
 * $ECRLITE_ACCOUNT_ID, $ECRLITE_REPORT_UNDETERMINED); home is the buffer o->home
 * points into. 0, or UsageException for a malformed value. */
int fe_options(struct ecr_options *o, char *home, size_t n, struct ecr_err *err);
/* Opens a context with fe_options, in region (NULL: ECR_DEFAULT_REGION). *ctx is NULL
 * on failure. */
int fe_ctx_open(struct ecr_ctx **ctx, const char *region, struct ecr_err *err);
/* Prints (stderr) and clears what the core has to tell the user since the last call
 * (failed event deliveries), each line after prefix ("ecrlite: warning: ", pwsh's
 * "WARNING: "). ctx may be NULL. */
void fe_notices(struct ecr_ctx *ctx, const char *prefix);
/* "Now" as the core's clock has it ($ECRLITE_NOW when valid), for frontends' own use. */
double fe_now(void);
/* $ECRLITE_EVENT_COMMAND, or NULL. */
const char *fe_event_command_line(void);
/* event_command.c: the consumer that pipes each event to that command (ud). */
int fe_event_command(void *ud, struct ecr_ctx *ctx, json_t *event, char **why);

#endif
