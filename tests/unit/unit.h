/* A tiny table-friendly unit test harness: CHECK records a failure and goes on. */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <string.h>

extern int unit_failed;
#define CHECK(cond) do { if (!(cond)) { unit_failed++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_)) { unit_failed++; \
	fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

#define TESTS(X) \
	X(test_validate_threads) /* first: its threads compile the patterns */ \
	X(test_validate_messages) X(test_validate_long_value) X(test_validate_ok) X(test_timefmt_parse) X(test_timefmt_iso) \
	X(test_digest_sha256) X(test_state_roundtrip) X(test_token_roundtrip) \
	X(test_scanwork_queue) X(test_scanwork_threads) X(test_scanwork_recover) \
	X(test_sigv4_vectors) X(test_sigv4_parse) X(test_sigv4_query) X(test_scan_filter) X(test_platform_name) \
	X(test_wanted_rows) X(test_fstree_error) X(test_str_whole) X(test_pkg_owned) X(test_lang_wants) X(test_lang_python) X(test_lang_node) X(test_lang_java) X(test_lang_go) \
	X(test_pwsh_sessions) X(test_ops_table) X(test_err_rows) X(test_pages_rows) X(test_pages_merge) \
	X(test_model_walk) X(test_model_map) X(test_path_rows) X(test_utf8_repair) X(test_cmdlet_rows) X(test_err_model_rows) \
	X(test_upload_nospace) X(test_vulndb_threads) X(test_config_ini) X(test_manifest_negotiate) X(test_manifest_convert)
#define DECL(t) void t(void);
TESTS(DECL)
#undef DECL
#endif
