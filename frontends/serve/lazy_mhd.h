/* libmicrohttpd, loaded on first use: only `ecrlite serve` needs it, and its
 * dependency tree (GnuTLS and what that pulls in) would cost every other command
 * its start-up time, as libcurl did (frontends/lazy_curl.h). */
#ifndef SERVE_LAZY_MHD_H
#define SERVE_LAZY_MHD_H
#include <microhttpd.h>

#define SERVE_MHD_FUNCS(X) \
	X(MHD_add_connection) X(MHD_add_response_header) X(MHD_create_response_from_buffer) \
	X(MHD_create_response_from_fd_at_offset64) X(MHD_destroy_response) X(MHD_get_connection_info) \
	X(MHD_get_connection_values) X(MHD_get_daemon_info) X(MHD_is_feature_supported) \
	X(MHD_lookup_connection_value) X(MHD_queue_response) X(MHD_quiesce_daemon) \
	X(MHD_start_daemon) X(MHD_stop_daemon)

struct serve_mhd_api {
#define SERVE_MHD_MEMBER(name) __typeof__(&name) name; /* the library's own function */
	SERVE_MHD_FUNCS(SERVE_MHD_MEMBER)
#undef SERVE_MHD_MEMBER
};

/* The table, loaded on the first call; exits 127 naming the Debian package when the
 * library is missing (core/include/lazy.h). Call it once before starting threads. */
const struct serve_mhd_api *serve_mhd(void);

#ifndef SERVE_LAZY_MHD_IMPL
#define MHD_add_connection (serve_mhd()->MHD_add_connection)
#define MHD_add_response_header (serve_mhd()->MHD_add_response_header)
#define MHD_create_response_from_buffer (serve_mhd()->MHD_create_response_from_buffer)
#define MHD_create_response_from_fd_at_offset64 (serve_mhd()->MHD_create_response_from_fd_at_offset64)
#define MHD_destroy_response (serve_mhd()->MHD_destroy_response)
#define MHD_get_connection_info (serve_mhd()->MHD_get_connection_info)
#define MHD_get_connection_values (serve_mhd()->MHD_get_connection_values)
#define MHD_get_daemon_info (serve_mhd()->MHD_get_daemon_info)
#define MHD_is_feature_supported (serve_mhd()->MHD_is_feature_supported)
#define MHD_lookup_connection_value (serve_mhd()->MHD_lookup_connection_value)
#define MHD_queue_response (serve_mhd()->MHD_queue_response)
#define MHD_quiesce_daemon (serve_mhd()->MHD_quiesce_daemon)
#define MHD_start_daemon (serve_mhd()->MHD_start_daemon)
#define MHD_stop_daemon (serve_mhd()->MHD_stop_daemon)
#endif

#endif
