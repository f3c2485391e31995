/* The daemon's log: stderr in the foreground (-f), syslog otherwise.
 *
 * Every failed operation writes one line naming the file, the request and
 * the API's message. The file comes from the per-thread context that the
 * FUSE operations set with log_set_path() before they dispatch, so the
 * layer that sees the API's answer can name the file without every call
 * in between passing it down. Nothing here ever prints the API token:
 * request lines carry the method and path only.
 *
 * The destination is process-wide, as syslog itself is; log_init() is
 * called once in main() before any thread starts. */
#ifndef CFS_LOG_H
#define CFS_LOG_H

#include <stdbool.h>

void log_init(bool foreground, bool debug);
bool log_debug_enabled(void);

/* Sets or clears (NULL) the file that the calling thread works on. The
 * string is borrowed: it must outlive the operation. */
void log_set_path(const char *path);
const char *log_path(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only under -d. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
