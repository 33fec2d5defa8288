/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for stratad's unit tests (test_daemon_*.c): temporary
 * directories, files written the way stratactl apply writes them, running
 * the sd-event loop until a condition holds, and a recording datastore
 * sink.
 */
#ifndef STRATA_DAEMON_TEST_H
#define STRATA_DAEMON_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "ds.h"

static inline uint64_t dt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A fresh directory under /tmp (removed by dt_rmdir()). */
static inline char *dt_tmpdir(void)
{
	char *d = strdup("/tmp/stratad-test.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static inline void dt_rmdir(char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* Write @dir/@name atomically (a temporary file, then rename(2)). */
static inline void dt_write(const char *dir, const char *name, const char *fmt,
			    ...) __attribute__((format(printf, 3, 4)));

static inline void dt_write(const char *dir, const char *name, const char *fmt,
			    ...)
{
	char tmp[512], path[512];
	va_list ap;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(tmp, "w");
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static inline void dt_unlink(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(unlink(path), 0);
}

typedef bool (*dt_pred)(void *arg);

/* Run the loop until @pred holds (true) or @ms pass (false). */
static inline bool dt_run_until(sd_event *loop, dt_pred pred, void *arg,
				unsigned int ms)
{
	uint64_t end = dt_now_ms() + ms;

	while (!pred(arg)) {
		if (dt_now_ms() > end)
			return false;
		assert_true(sd_event_run(loop, 20000) >= 0);
	}
	return true;
}

/* Run the loop for @ms. */
static inline void dt_run_for(sd_event *loop, unsigned int ms)
{
	uint64_t end = dt_now_ms() + ms;

	while (dt_now_ms() < end)
		assert_true(sd_event_run(loop, 5000) >= 0);
}

/*
 * A sink that records each event as one line: "upsert KIND NS/NAME",
 * "delete KIND NS/NAME", "reset KIND", "synced", "status connected|
 * disconnected[: MESSAGE]", "problem: MESSAGE".
 */
struct dt_rec {
	char **lines;
	size_t n, cap;
	char *last_json; /* the last upsert's object, as plain JSON */
};

static inline void dt_rec_add(struct dt_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void dt_rec_add(struct dt_rec *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->lines = realloc(r->lines, r->cap * sizeof(char *));
		assert_non_null(r->lines);
	}
	r->lines[r->n++] = s;
}

static inline void dt_sink(const struct ds_event *ev, void *arg)
{
	struct dt_rec *r = arg;

	switch (ev->type) {
	case DS_UPSERT:
	case DS_DELETE:
		dt_rec_add(r, "%s %s %s%s%s",
			   ev->type == DS_UPSERT ? "upsert" : "delete",
			   ev->kind, ev->ns, *ev->ns ? "/" : "", ev->name);
		if (ev->type == DS_UPSERT) {
			free(r->last_json);
			r->last_json = strdup(json_object_to_json_string_ext(
				ev->obj,
				JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE));
		}
		break;
	case DS_RESET:
		dt_rec_add(r, "reset %s", ev->kind ? ev->kind : "*");
		break;
	case DS_SYNCED:
		dt_rec_add(r, "synced");
		break;
	case DS_STATUS:
		if (ev->kind)
			dt_rec_add(r, "problem: %s",
				   ev->message ? ev->message : "");
		else
			dt_rec_add(r, "status %s%s%s",
				   ev->connected ? "connected" : "disconnected",
				   ev->message ? ": " : "",
				   ev->message ? ev->message : "");
		break;
	}
}

/* Everything recorded since @from, joined by newlines (malloc()ed). */
static inline char *dt_rec_text(const struct dt_rec *r, size_t from)
{
	size_t len = 1, i;
	char *s, *p;

	for (i = from; i < r->n; i++)
		len += strlen(r->lines[i]) + 1;
	s = p = malloc(len);
	assert_non_null(s);
	*p = '\0';
	for (i = from; i < r->n; i++)
		p += sprintf(p, "%s\n", r->lines[i]);
	return s;
}

#define dt_assert_rec(r, from, expected)                           \
	do {                                                       \
		char *got_ = dt_rec_text((r), (from));             \
		if (strcmp(got_, (expected)))                      \
			fail_msg("events:\n%sexpected:\n%s", got_, \
				 (expected));                      \
		free(got_);                                        \
	} while (0)

static inline void dt_rec_free(struct dt_rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	free(r->last_json);
	memset(r, 0, sizeof(*r));
}

/*
 * A daemon in one process (the pieces main.c wires): the directory
 * datastore on @dir, the sync engine, the engine as kernel, endpoint
 * status records (in @status_dir when given), an optional listener.
 */
#include "ds_dir.h"
#include "kern.h"
#include "state.h"
#include "status.h"
#include "sync.h"

struct dt_daemon {
	sd_event *loop;
	struct sc_state *state;
	struct dkern *k;
	struct dsync *sync;
	struct ds *ds;
	struct dstatus *status;
	size_t commits;
};

static inline void dt_quiet(int level, const char *msg, void *arg)
{
}

static inline void dt_count_commit(void *arg, const struct dsync_commit *c)
{
	((struct dt_daemon *)arg)->commits++;
}

static inline void dt_daemon_start(struct dt_daemon *d, sd_event *loop,
				   const char *dir, const char *status_dir,
				   struct sc_state *state)
{
	static const struct sc_limits caps = {
		.tiers = 1000,
		.policies = 10000,
		.rules = 100000,
		.ipsets = 10000,
		.members = 100000,
		.endpoints = 10000,
	};
	struct dsync_config cfg = {
		.node = "node-1",
		.manage_settings = true,
		.coalesce_ms = 10,
		.retry_min_ms = 20,
		.retry_max_ms = 100,
		.probe_interval_ms = 60000,
	};
	struct ds_dir_config dc = { .path = dir, .retry_ms = 50 };
	char err[256];

	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->state = state ? state : sc_state_new(NULL, &caps);
	assert_non_null(d->state);
	dc.log = dt_quiet;
	d->k = dkern_engine_new(d->state);
	d->sync = dsync_new(loop, &cfg, d->k);
	assert_non_null(d->sync);
	d->status = dstatus_new(d->sync, status_dir);
	assert_non_null(d->status);
	assert_int_equal(
		dsync_add_listener(d->sync, dstatus_on_commit, d->status), 0);
	assert_int_equal(dsync_add_listener(d->sync, dt_count_commit, d), 0);
	d->ds = ds_dir_new(loop, &dc, dsync_on_event, d->sync, err,
			   sizeof(err));
	assert_non_null(d->ds);
	dsync_set_ds(d->sync, d->ds);
	assert_int_equal(dsync_start(d->sync), 0);
	assert_int_equal(ds_start(d->ds), 0);
}

/* Stop; the engine state is freed unless @keep_state. */
static inline void dt_daemon_stop(struct dt_daemon *d, bool keep_state)
{
	ds_free(d->ds);
	dstatus_free(d->status);
	dsync_free(d->sync);
	dkern_free(d->k);
	if (!keep_state)
		sc_state_free(d->state);
	memset(d, 0, sizeof(*d));
}

static inline bool dt_daemon_programmed(void *arg)
{
	struct dt_daemon *d = arg;
	struct dsync_status st;

	dsync_get_status(d->sync, &st);
	return st.phase == DSYNC_PROGRAMMED;
}

/* Run until everything read is programmed. */
static inline void dt_daemon_settle(struct dt_daemon *d)
{
	dsync_drain(d->sync);
	dt_run_for(d->loop, 1);
	if (!dt_run_until(d->loop, dt_daemon_programmed, d, 5000)) {
		struct dsync_status st;

		dsync_get_status(d->sync, &st);
		fail_msg("not programmed: phase %s, error \"%s\"",
			 dsync_phase_name(st.phase), st.last_error);
	}
}

/* A running Pod on node-1 in namespace shop, as YAML. */
static inline void dt_pod(const char *dir, const char *name, const char *ip,
			  const char *app)
{
	char file[128];

	snprintf(file, sizeof(file), "pod-%s.yaml", name);
	dt_write(dir, file,
		 "apiVersion: v1\n"
		 "kind: Pod\n"
		 "metadata: {name: %s, namespace: shop, labels: {app: %s}}\n"
		 "spec: {nodeName: node-1, containers: [{name: c, image: x}]}\n"
		 "status: {phase: Running, podIP: %s, podIPs: [{ip: %s}]}\n",
		 name, app, ip, ip);
}

#endif /* STRATA_DAEMON_TEST_H */
