/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /metrics: stratad's Prometheus metrics (text exposition format 0.0.4).
 *
 * DOC: Metrics
 *
 *   stratad_programmed                   1 when the kernel holds everything
 *                                        the datastore said, else 0
 *   stratad_datastore_connected          the datastore's reachability
 *   stratad_datastore_synced             its first complete list is done
 *   stratad_resources{kind}              resources known, by Calico kind
 *   stratad_local_endpoints              endpoints programmed on this node
 *   stratad_active_policies              policies and profiles compiled
 *                                        (those that apply to a local
 *                                        endpoint)
 *   stratad_ipsets, stratad_ipset_members  IP sets and their members
 *   stratad_selectors                    distinct rule selectors tracked
 *   stratad_kernel_generation            the generation last programmed
 *   stratad_endpoint_status_records      programmed acknowledgements
 *   stratad_first_programmed_seconds     start to first programming
 *   stratad_updates_applied_total        transactions committed
 *   stratad_operations_applied_total     operations in them
 *   stratad_apply_failures_total         transactions that failed
 *   stratad_kernel_repairs_total         programmings that read the kernel
 *   stratad_kernel_drift_operations_total  operations repairs needed
 *   stratad_datastore_events_total       upserts and deletes received
 *   stratad_datastore_resyncs_total      relists
 *   stratad_datastore_errors_total       connection and protocol errors
 *   stratad_datastore_malformed_total    objects the datastore skipped
 *   stratad_datastore_reconnects_total   connections re-established
 *   stratad_invalid_resources_total      objects refused by validation
 *   stratad_kernel_flow_events_total     flow events the kernel sent
 *   stratad_kernel_flow_events_lost_total  flow events it could not send
 *   stratad_apply_latency_seconds        histogram: a datastore change to
 *                                        its programming
 *   stratad_apply_duration_seconds       histogram: one transaction
 */
#ifndef STRATAD_METRICS_H
#define STRATAD_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "ds.h"
#include "res.h"
#include "sync.h"

#define DMET_BUCKETS 13

/* Bucket upper bounds, seconds (the last bucket, +Inf, is implicit). */
extern const double dmet_bounds[DMET_BUCKETS];

struct dmet_hist {
	uint64_t buckets[DMET_BUCKETS]; /* not cumulative */
	uint64_t count;
	double sum;
};

void dmet_observe(struct dmet_hist *h, double seconds);

/**
 * struct dmet_snapshot - everything /metrics shows, read at one time
 */
struct dmet_snapshot {
	bool programmed, ds_connected, ds_synced;
	uint64_t resources[RES_KIND_MAX];
	uint64_t local_endpoints, active_policies, ipsets, members, selectors;
	uint64_t generation, status_records;
	double first_programmed_s; /* < 0: not yet */
	uint64_t commits, ops, failures, repairs, drift;
	uint64_t ds_events, ds_resyncs, ds_errors, ds_malformed, ds_reconnects,
		invalid;
	bool have_kernel_stats;
	uint64_t flow_events, flow_events_lost;
	struct dmet_hist latency, apply;
};

/* Write the exposition text. */
void dmet_render(FILE *f, const struct dmet_snapshot *s);

struct dmetrics;
struct dstatus;

/* The histograms, fed by the sync engine (dmet_on_commit). */
struct dmetrics *dmet_new(struct dsync *sync, struct dstatus *status,
			  struct dkern *k);
void dmet_free(struct dmetrics *m);
void dmet_on_commit(void *arg, const struct dsync_commit *c);
/* Read every source now. */
void dmet_collect(struct dmetrics *m, struct dmet_snapshot *s);

/**
 * dmet_serve() - answer GET /metrics over HTTP on @addr:@port
 * @m: the metrics
 * @loop: the event loop
 * @addr: an IPv4 or IPv6 address ("127.0.0.1", "::1")
 * @port: the TCP port
 * @err: on failure, why
 * @len: its size
 *
 * Return: 0 or a negative errno.
 */
int dmet_serve(struct dmetrics *m, sd_event *loop, const char *addr,
	       unsigned int port, char *err, size_t len);
/* The port dmet_serve() listens on (port 0: the one the kernel chose). */
unsigned int dmet_bound_port(const struct dmetrics *m);

#endif /* STRATAD_METRICS_H */
