/* libarchive, loaded on first use. Its dependency tree (libxml2, ICU, libstdc++, …)
 * costs about 6 ms at every process start here (measured, README "Startup"), and most
 * commands never read an archive. Include this instead of <archive.h>: the archive_*
 * calls below go through pointers filled by dlopen on the first call. */
#ifndef ECR_LAZY_ARCHIVE_H
#define ECR_LAZY_ARCHIVE_H
#include <archive.h>
#include <archive_entry.h>

#include "err.h"

#define ECR_ARCHIVE_FUNCS(X) \
	X(archive_entry_filetype) X(archive_entry_hardlink) X(archive_entry_pathname) X(archive_entry_symlink) \
	X(archive_error_string) X(archive_format) X(archive_read_data) X(archive_read_free) X(archive_read_new) \
	X(archive_read_next_header) X(archive_read_open) X(archive_read_open_filename) \
	X(archive_read_support_filter_all) X(archive_read_support_format_empty) \
	X(archive_read_support_format_gnutar) X(archive_read_support_format_raw) \
	X(archive_read_support_format_tar) X(archive_read_support_format_zip) X(archive_set_error) \
	X(archive_read_open_memory) X(archive_read_support_format_zip_seekable) X(archive_entry_size) \
	X(archive_entry_size_is_set) X(archive_entry_mode) X(archive_read_support_format_zip_streamable)

struct ecr_archive_api {
#define ECR_ARCHIVE_MEMBER(name) __typeof__(&name) name; /* the library's own function */
	ECR_ARCHIVE_FUNCS(ECR_ARCHIVE_MEMBER)
#undef ECR_ARCHIVE_MEMBER
};

/* Loads the library (thread-safe; once): 0, or ECR_E_LIBRARY naming the Debian
 * package. Every path into libarchive calls it first. */
int ecr_archive_lib_load(struct ecr_err *err);
/* The loaded library's table (after ecr_archive_load succeeded). */
const struct ecr_archive_api *ecr_archive_api(void);

#ifndef ECR_LAZY_ARCHIVE_IMPL
#define archive_entry_filetype (ecr_archive_api()->archive_entry_filetype)
#define archive_entry_hardlink (ecr_archive_api()->archive_entry_hardlink)
#define archive_entry_pathname (ecr_archive_api()->archive_entry_pathname)
#define archive_entry_symlink (ecr_archive_api()->archive_entry_symlink)
#define archive_error_string (ecr_archive_api()->archive_error_string)
#define archive_format (ecr_archive_api()->archive_format)
#define archive_read_data (ecr_archive_api()->archive_read_data)
#define archive_read_free (ecr_archive_api()->archive_read_free)
#define archive_read_new (ecr_archive_api()->archive_read_new)
#define archive_read_next_header (ecr_archive_api()->archive_read_next_header)
#define archive_read_open (ecr_archive_api()->archive_read_open)
#define archive_read_open_filename (ecr_archive_api()->archive_read_open_filename)
#define archive_read_support_filter_all (ecr_archive_api()->archive_read_support_filter_all)
#define archive_read_support_format_empty (ecr_archive_api()->archive_read_support_format_empty)
#define archive_read_support_format_gnutar (ecr_archive_api()->archive_read_support_format_gnutar)
#define archive_read_support_format_raw (ecr_archive_api()->archive_read_support_format_raw)
#define archive_read_support_format_tar (ecr_archive_api()->archive_read_support_format_tar)
#define archive_read_support_format_zip (ecr_archive_api()->archive_read_support_format_zip)
#define archive_set_error (ecr_archive_api()->archive_set_error)
#define archive_read_open_memory (ecr_archive_api()->archive_read_open_memory)
#define archive_read_support_format_zip_seekable (ecr_archive_api()->archive_read_support_format_zip_seekable)
#define archive_entry_size (ecr_archive_api()->archive_entry_size)
#define archive_entry_size_is_set (ecr_archive_api()->archive_entry_size_is_set)
#define archive_entry_mode (ecr_archive_api()->archive_entry_mode)
#define archive_read_support_format_zip_streamable (ecr_archive_api()->archive_read_support_format_zip_streamable)
#endif

#endif
