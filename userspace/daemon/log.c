// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratad's log (log.h): stderr, with journald priority prefixes when
 * stderr is the journal.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "log.h"

static struct {
	int level;
	bool journal;
	FILE *f;
} dlog_state = { LOG_INFO, false, NULL };

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

/* Is stderr the stream $JOURNAL_STREAM names ("DEVICE:INODE")? */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void dlog_init(int level, enum dlog_target target, FILE *f)
{
	dlog_state.level = level;
	dlog_state.f = f;
	switch (target) {
	case DLOG_JOURNAL:
		dlog_state.journal = true;
		break;
	case DLOG_STDERR:
		dlog_state.journal = false;
		break;
	default:
		dlog_state.journal = !f && stderr_is_journal();
	}
}

int dlog_level(void)
{
	return dlog_state.level;
}

int dlog_level_parse(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} extra[] = { { "err", LOG_ERR }, { "warn", LOG_WARNING } };
	size_t i;

	for (i = LOG_ERR; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcasecmp(s, level_names[i]))
			return (int)i;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (!strcasecmp(s, extra[i].name))
			return extra[i].level;
	return -1;
}

const char *dlog_level_name(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "debug";
	return level_names[level];
}

static void vlog(int level, const char *prefix, const char *fmt, va_list ap)
{
	FILE *f = dlog_state.f ? dlog_state.f : stderr;
	char line[2048];
	int n;

	if (level > dlog_state.level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* one message, one line: newlines inside become spaces */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (dlog_state.journal) {
		fprintf(f, "<%d>%s%s%s\n", level, prefix ? prefix : "",
			prefix ? ": " : "", line);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "%s.%03ldZ stratad[%d]: %s: %s%s%s\n", stamp,
			ts.tv_nsec / 1000000, (int)getpid(),
			dlog_level_name(level), prefix ? prefix : "",
			prefix ? ": " : "", line);
	}
	fflush(f);
}

void dlog(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, NULL, fmt, ap);
	va_end(ap);
}

static void dlog_prefixed(int level, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dlog_prefixed(int level, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, prefix, fmt, ap);
	va_end(ap);
}

void dlog_ds(int level, const char *msg, void *arg)
{
	dlog_prefixed(level, arg ? (const char *)arg : "datastore", "%s", msg);
}
