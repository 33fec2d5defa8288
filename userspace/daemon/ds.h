/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Datastores: where stratad learns what the cluster says. One interface,
 * three implementations (Kubernetes API: ds_k8s.c; etcd v3 in Calico's
 * layout: ds_etcd.c; a local directory of manifests: ds_dir.c). Each runs
 * on the daemon's single sd-event loop (no threads) and reports objects
 * to a sink as they are listed, change or go away. Objects are handed
 * over in their API form (apiVersion, kind, metadata, spec) as json-c
 * objects; converting them into resources is the policy layer's job
 * (userspace/policy/), validation errors included.
 */
#ifndef STRATA_DS_H
#define STRATA_DS_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

/**
 * enum ds_event_type - what a datastore reports
 * @DS_UPSERT: an object was listed, created or modified (@obj set)
 * @DS_DELETE: an object is gone (@obj: its last known state, or NULL)
 * @DS_RESET: forget every object of @kind (all kinds if NULL) this
 *            datastore reported: a full relist follows (410 Gone,
 *            compaction, reconnect without resume). Consumers keep
 *            enforcing what they have until the DS_SYNCED that follows.
 * @DS_SYNCED: every kind has been listed completely (at start, and after
 *             each DS_RESET): the consumer's view is whole again
 * @DS_STATUS: connection state changed (@connected, @message); for logs
 *             and metrics only
 */
enum ds_event_type {
	DS_UPSERT = 1,
	DS_DELETE,
	DS_RESET,
	DS_SYNCED,
	DS_STATUS,
};

/**
 * struct ds_event - one report
 * @type: enum ds_event_type
 * @kind: the object's kind as its API names it ("Pod", "Namespace",
 *        "ServiceAccount", "NetworkPolicy" (networking.k8s.io or
 *        projectcalico.org: see @api_version), "GlobalNetworkPolicy",
 *        "Tier", "WorkloadEndpoint", "AdminNetworkPolicy", ...)
 * @api_version: "v1", "networking.k8s.io/v1", "projectcalico.org/v3",
 *               "policy.networking.k8s.io/v1alpha1", ...; objects read
 *               from crd.projectcalico.org/v1 are reported as
 *               projectcalico.org/v3 (the spec is the same)
 * @ns: the namespace, "" for cluster-scoped objects
 * @name: the object's name
 * @obj: the object (borrowed for the duration of the call)
 * @revision: the datastore's revision of this state (resourceVersion or
 *            etcd mod_revision), "" if none
 * @connected: DS_STATUS: whether the datastore is reachable
 * @message: DS_STATUS or a skipped malformed object: a human-readable
 *           reason, for the log
 */
struct ds_event {
	enum ds_event_type type;
	const char *kind;
	const char *api_version;
	const char *ns;
	const char *name;
	struct json_object *obj;
	const char *revision;
	bool connected;
	const char *message;
};

typedef void (*ds_event_fn)(const struct ds_event *ev, void *arg);

/**
 * struct ds_stats - counters every datastore keeps (for /metrics)
 * @events: DS_UPSERT and DS_DELETE reported
 * @resyncs: DS_RESET reported (relists)
 * @errors: connection or protocol errors (each followed by a retry)
 * @malformed: objects or messages skipped as malformed (logged)
 * @reconnects: connections re-established
 */
struct ds_stats {
	uint64_t events;
	uint64_t resyncs;
	uint64_t errors;
	uint64_t malformed;
	uint64_t reconnects;
};

struct ds;

/**
 * struct ds_ops - a datastore implementation
 * @name: "kubernetes", "etcd", "directory"
 * @start: begin listing and watching on the loop given at creation;
 *         events go to the sink given at creation. Errors after start are
 *         retried with backoff, never fatal.
 * @stats: copy the counters
 * @free: stop and free (no event is reported during or after it)
 */
struct ds_ops {
	const char *name;
	int (*start)(struct ds *ds);
	void (*stats)(const struct ds *ds, struct ds_stats *out);
	void (*free)(struct ds *ds);
};

/* Every implementation embeds this first. */
struct ds {
	const struct ds_ops *ops;
	sd_event *loop;
	ds_event_fn sink;
	void *sink_arg;
};

static inline int ds_start(struct ds *ds)
{
	return ds->ops->start(ds);
}

static inline void ds_free(struct ds *ds)
{
	if (ds)
		ds->ops->free(ds);
}

#endif /* STRATA_DS_H */
