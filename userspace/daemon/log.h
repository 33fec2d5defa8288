/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stratad's log: one line per message on stderr, with a level.
 *
 * Under systemd (stderr is the journal stream named by $JOURNAL_STREAM)
 * each line starts with "<N>", the syslog priority journald reads (see
 * sd-daemon(3)), and carries no timestamp (the journal adds one).
 * Elsewhere a line is "2024-05-01T12:00:00.123Z stratad[PID]: warning:
 * message". Messages above the configured level are dropped before they
 * are formatted.
 */
#ifndef STRATAD_LOG_H
#define STRATAD_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

/**
 * enum dlog_target - where and how lines are written
 * @DLOG_AUTO: journal format when stderr is the journal stream, else plain
 * @DLOG_STDERR: plain lines with a timestamp
 * @DLOG_JOURNAL: "<N>" priority prefixes, no timestamp
 */
enum dlog_target {
	DLOG_AUTO,
	DLOG_STDERR,
	DLOG_JOURNAL,
};

/**
 * dlog_init() - set the level and the format
 * @level: LOG_ERR .. LOG_DEBUG: messages of higher (less important)
 *         levels are dropped
 * @target: enum dlog_target
 * @f: the stream (NULL: stderr); tests pass a memory stream
 */
void dlog_init(int level, enum dlog_target target, FILE *f);
int dlog_level(void);

void dlog(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "error", "warning", "notice", "info", "debug" (also "err", "warn"):
 * the level, or -1. */
int dlog_level_parse(const char *s);
const char *dlog_level_name(int level);

/* A datastore's log callback (ds_k8s_log_fn, ds_dir's): @arg is the
 * datastore's name, prefixed to each line. */
void dlog_ds(int level, const char *msg, void *arg);

static inline bool dlog_enabled(int level)
{
	return level <= dlog_level();
}

#endif /* STRATAD_LOG_H */
