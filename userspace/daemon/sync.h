/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sync engine: keeps the kernel equal to what the datastore says for
 * this node.
 *
 * DOC: Sync engine
 *
 * Datastore events (ds.h) go into the resource store (store.h), which
 * hands every resource that changed to compile (cmp.h). Nothing touches
 * the kernel before the datastore's first DS_SYNCED (Felix's restart
 * doctrine). Then, and after every later change once a coalescing window
 * (coalesce, default 25 ms) has passed since the first change of a batch:
 *
 *  1. if the kernel's state is not known (start, a failed transaction, a
 *     foreign commit, a module reload, the periodic resync), it is dumped
 *     and given to the compiler (cmp_set_kernel()): objects keep their ids
 *     by name, and what the kernel holds that is not wanted is deleted;
 *  2. cmp_flush() emits the minimal operations from what the kernel holds
 *     to what is desired, and they are applied as ONE transaction: every
 *     packet sees the old state or the new one, never a mix, and a
 *     restarted daemon whose desired state did not change applies nothing;
 *  3. the generation the kernel committed is recorded, and every listener
 *     (endpoint status records, routes, the local API's waiters, metrics,
 *     systemd readiness) is told what was programmed.
 *
 * A failed transaction changes nothing in the kernel (it is atomic); the
 * engine logs it, marks the kernel's state unknown and retries with
 * exponential backoff (retry_min to retry_max, with jitter), dumping the
 * kernel first, so the next attempt repairs exactly the difference. A
 * commit announced on the "config" group that the engine did not make,
 * a generation that went backwards (the module was reloaded), or the
 * periodic resync (resync_interval) also cause a dump and a repair; the
 * operations such a repair needed are counted as drift.
 *
 * Sequence numbers: every datastore event that changes a resource
 * increments the input sequence; a programming covers every event before
 * it began (programmed sequence). A client that wants to know when its
 * change is enforced takes the input sequence after the datastore has
 * reported the change (dsync_input_seq() after dsf_drain()) and waits for
 * the programmed sequence to reach it.
 */
#ifndef STRATAD_SYNC_H
#define STRATAD_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include "cmp.h"
#include "ds.h"
#include "kern.h"
#include "store.h"

/**
 * struct dsync_config - the engine's settings (stratad.conf(5))
 * @node: this node's name
 * @deny_reject: Deny rules reject instead of dropping
 * @manage_settings: keep the kernel's settings at the defaults plus
 *                   @felix_keys (else leave them alone)
 * @felix_keys: FelixConfiguration keys (cmp_felix_setting()), in order
 * @felix_values: their values
 * @n_felix: how many
 * @coalesce_ms: the window changes are gathered in
 * @retry_min_ms: first retry delay after a failure
 * @retry_max_ms: longest retry delay
 * @resync_interval_ms: full comparison with the kernel this often (0:
 *                      never)
 * @probe_interval_ms: how often the kernel's generation is read to notice
 *                     a module reload (0: never; default 5000)
 */
struct dsync_config {
	const char *node;
	bool deny_reject;
	bool manage_settings;
	char *const *felix_keys;
	char *const *felix_values;
	size_t n_felix;
	unsigned int coalesce_ms;
	unsigned int retry_min_ms;
	unsigned int retry_max_ms;
	unsigned int resync_interval_ms;
	unsigned int probe_interval_ms;
};

/**
 * enum dsync_phase - what the engine is doing
 * @DSYNC_WAITING: waiting for the datastore's first complete list
 * @DSYNC_PROGRAMMED: the kernel holds everything received
 * @DSYNC_PENDING: changes received are not programmed yet
 * @DSYNC_FAILING: the last transaction failed; retrying
 */
enum dsync_phase {
	DSYNC_WAITING,
	DSYNC_PROGRAMMED,
	DSYNC_PENDING,
	DSYNC_FAILING,
};

const char *dsync_phase_name(int phase);

/**
 * struct dsync_commit - what one programming did (for listeners)
 * @seq: the programmed sequence now
 * @generation: the kernel's generation now (unchanged when @ops is 0)
 * @ops: operations applied (0: the kernel already held it all)
 * @batch: those operations (valid during the call)
 * @full: the kernel's state was read first (the first programming, a
 *        repair, a resync): listeners should reconcile everything with
 *        the desired state, not only @batch
 * @first: the first programming since the daemon started
 * @drift: operations a repair needed beyond the pending changes
 * @apply_ns: how long the transaction took
 * @event_ns: CLOCK_MONOTONIC times of the datastore changes it covers
 *            (none before the first programming)
 * @n_events: how many
 * @now_ns: CLOCK_MONOTONIC when it was committed
 */
struct dsync_commit {
	uint64_t seq;
	uint64_t generation;
	size_t ops;
	const struct strata_batch *batch;
	bool full;
	bool first;
	size_t drift;
	uint64_t apply_ns;
	const uint64_t *event_ns;
	size_t n_events;
	uint64_t now_ns;
};

typedef void (*dsync_commit_fn)(void *arg, const struct dsync_commit *c);

/**
 * struct dsync_status - the engine's state and counters
 * @phase: enum dsync_phase
 * @ds_synced: the datastore completed its first list
 * @ds_connected: the datastore's last reachability report
 * @ds_message: its last DS_STATUS message ("" if none)
 * @input_seq: datastore changes received
 * @programmed_seq: of which programmed
 * @generation: the kernel generation of the last programming
 * @commits: transactions applied
 * @ops: operations applied
 * @failures: transactions that failed
 * @repairs: programmings that read the kernel's state first
 * @drift: operations repairs needed beyond the pending changes
 * @ds_events: upserts and deletes received
 * @ds_resets: relists (DS_RESET)
 * @invalid: objects refused by validation
 * @last_error: the last failure ("" if none)
 * @first_programmed_ns: CLOCK_MONOTONIC of the first programming (0: not
 *                       yet)
 * @started_ns: CLOCK_MONOTONIC of dsync_new()
 */
struct dsync_status {
	int phase;
	bool ds_synced;
	bool ds_connected;
	char ds_message[256];
	uint64_t input_seq;
	uint64_t programmed_seq;
	uint64_t generation;
	uint64_t commits;
	uint64_t ops;
	uint64_t failures;
	uint64_t repairs;
	uint64_t drift;
	uint64_t ds_events;
	uint64_t ds_resets;
	uint64_t invalid;
	char last_error[256];
	uint64_t first_programmed_ns;
	uint64_t started_ns;
};

struct dsync;

struct dsync *dsync_new(sd_event *loop, const struct dsync_config *cfg,
			struct dkern *k);
void dsync_free(struct dsync *s);

/* Listeners are called in the order they were added. */
int dsync_add_listener(struct dsync *s, dsync_commit_fn fn, void *arg);

/* The datastore sink (ds_event_fn); @arg is the engine. */
void dsync_on_event(const struct ds_event *ev, void *arg);

/* The datastore (for dsync_drain() and its counters); not owned. */
void dsync_set_ds(struct dsync *s, struct ds *ds);
struct ds *dsync_ds(const struct dsync *s);

/**
 * dsync_start() - watch the kernel's commit announcements and start the
 * timers (resync, generation probe)
 *
 * Return: 0 or a negative errno.
 */
int dsync_start(struct dsync *s);

/**
 * dsync_drain() - have the datastore report what it has already received
 * (dsf_drain()), then return the input sequence a waiter should wait for
 */
uint64_t dsync_drain(struct dsync *s);

/* Program now if there is anything to do (tests; the timers do it). */
int dsync_flush_now(struct dsync *s);
/* Read the kernel's state and repair it at the next programming. */
void dsync_request_resync(struct dsync *s);

void dsync_get_status(const struct dsync *s, struct dsync_status *st);
struct cmp *dsync_cmp(const struct dsync *s);
const char *dsync_node(const struct dsync *s);
struct rset *dsync_rset(const struct dsync *s);
/* What the last programming could not program (cmp_problems()), one
 * message per entry; valid until the next programming. */
const char *const *dsync_problems(const struct dsync *s, size_t *n);

/* Monotonic nanoseconds (CLOCK_MONOTONIC). */
uint64_t dsync_now_ns(void);

#endif /* STRATAD_SYNC_H */
