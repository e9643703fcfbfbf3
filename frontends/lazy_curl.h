/* libcurl, loaded on first use: only --endpoint-url needs it, and its dependency tree
 * (GnuTLS, nghttp2, LDAP, Kerberos, …) costs about 13 ms at every start here. */
#ifndef AWS_LAZY_CURL_H
#define AWS_LAZY_CURL_H
#include <curl/curl.h>

#define AWS_CURL_FUNCS(X) \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) X(curl_easy_perform) X(curl_easy_setopt) \
	X(curl_global_init) X(curl_slist_append) X(curl_slist_free_all)

struct aws_curl_api {
#define AWS_CURL_MEMBER(name) __typeof__(&name) name; /* the library's own function */
	AWS_CURL_FUNCS(AWS_CURL_MEMBER)
#undef AWS_CURL_MEMBER
};

const struct aws_curl_api *aws_curl_api(void);

#ifndef AWS_LAZY_CURL_IMPL
/* curl.h defines curl_easy_setopt and curl_easy_getinfo as type-checking macros */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_cleanup (aws_curl_api()->curl_easy_cleanup)
#define curl_easy_getinfo (aws_curl_api()->curl_easy_getinfo)
#define curl_easy_init (aws_curl_api()->curl_easy_init)
#define curl_easy_perform (aws_curl_api()->curl_easy_perform)
#define curl_easy_setopt (aws_curl_api()->curl_easy_setopt)
#define curl_global_init (aws_curl_api()->curl_global_init)
#define curl_slist_append (aws_curl_api()->curl_slist_append)
#define curl_slist_free_all (aws_curl_api()->curl_slist_free_all)
#endif

#endif
