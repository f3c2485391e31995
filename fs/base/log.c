#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

/* Set once in main() before threads exist, read-only afterwards. */
static bool log_to_stderr = true;
static bool log_verbose;

/* The file the current FUSE request is about, for the log line. */
static _Thread_local const char *log_cur_path;

void log_init(bool foreground, bool debug)
{
	log_to_stderr = foreground;
	log_verbose = debug;
	if (!foreground)
		openlog("coolifyfs", LOG_PID, LOG_DAEMON);
}

bool log_debug_enabled(void)
{
	return log_verbose;
}

void log_set_path(const char *path)
{
	log_cur_path = path;
}

const char *log_path(void)
{
	return log_cur_path;
}

static void log_vwrite(int prio, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_to_stderr) {
		/* One fprintf per line keeps lines from threads whole. */
		if (log_cur_path)
			fprintf(stderr, "coolifyfs: %s: %s\n", log_cur_path,
				line);
		else
			fprintf(stderr, "coolifyfs: %s\n", line);
	} else if (log_cur_path) {
		syslog(prio, "%s: %s", log_cur_path, line);
	} else {
		syslog(prio, "%s", line);
	}
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap);
	va_end(ap);
}
