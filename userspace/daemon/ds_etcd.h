/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The etcd v3 datastore: Calico's own etcd layout, as written by calicoctl,
 * calico-kube-controllers (etcd mode) and OpenStack's networking-calico.
 * Spoken over etcd's JSON gateway (/v3/...) with libcurl, driven by the
 * daemon's sd-event loop (no threads). See ds_etcd.c (DOC: etcd layout,
 * DOC: Protocol) for the key layout and the list/watch/resume/compaction
 * rules.
 */
#ifndef STRATA_DS_ETCD_H
#define STRATA_DS_ETCD_H

#include <stddef.h>
#include <stdint.h>
#include "ds.h"

/* The prefix Calico stores v3 resources under. */
#define DS_ETCD_PREFIX "/calico/resources/v3/projectcalico.org/"

/**
 * struct ds_etcd_config - how to reach etcd (strings are copied)
 * @endpoints: comma-separated client URLs, "http://127.0.0.1:2379" or
 *             "https://etcd-1:2379,https://etcd-2:2379" (Calico's
 *             ETCD_ENDPOINTS); tried in order, the next one after a
 *             connection failure. Required.
 * @prefix: key prefix to list and watch (default %DS_ETCD_PREFIX); must
 *          end in '/'
 * @ca_file: CA bundle to verify the server (ETCD_CA_CERT_FILE); NULL: the
 *           system's
 * @cert_file: client certificate, PEM (ETCD_CERT_FILE)
 * @key_file: its private key, PEM (ETCD_KEY_FILE)
 * @username: etcd user (ETCD_USERNAME); with @password, the client
 *            authenticates (/v3/auth/authenticate) and sends the token
 * @password: its password (ETCD_PASSWORD)
 * @page_limit: keys per range request while listing (default 500)
 * @connect_timeout_ms: TCP and TLS connect (default 5000)
 * @request_timeout_ms: one range or authenticate request, and the wait
 *                      for a watch to be created (default 30000)
 * @backoff_min_ms: first retry delay after an error (default 200); doubles
 *                  per consecutive failure, with jitter
 * @backoff_max_ms: longest retry delay (default 30000)
 * @watch_idle_ms: restart (resume) the watch after this long without a
 *                 byte from it; etcd sends a progress notification every
 *                 10 minutes by default (--experimental-watch-progress-
 *                 notify-interval), so keep it above that (default
 *                 660000). TCP keepalive catches dead peers sooner.
 * @keepalive_s: TCP keepalive idle and interval on every connection
 *               (default 30)
 * @max_page_bytes: a range reply larger than this is abandoned and asked
 *                  for again with half the keys (default 64 MiB): memory
 *                  stays bounded whatever the values' sizes
 */
struct ds_etcd_config {
	const char *endpoints;
	const char *prefix;
	const char *ca_file;
	const char *cert_file;
	const char *key_file;
	const char *username;
	const char *password;
	unsigned int page_limit;
	unsigned int connect_timeout_ms;
	unsigned int request_timeout_ms;
	unsigned int backoff_min_ms;
	unsigned int backoff_max_ms;
	unsigned int watch_idle_ms;
	unsigned int keepalive_s;
	size_t max_page_bytes;
};

/**
 * enum ds_etcd_phase - what the client is doing (ds_etcd_info())
 * @DS_ETCD_IDLE: not started
 * @DS_ETCD_LISTING: paging through the prefix
 * @DS_ETCD_WATCHING: a watch is open (or being opened)
 * @DS_ETCD_BACKOFF: waiting to retry after an error
 */
enum ds_etcd_phase {
	DS_ETCD_IDLE,
	DS_ETCD_LISTING,
	DS_ETCD_WATCHING,
	DS_ETCD_BACKOFF,
};

/**
 * struct ds_etcd_info - the client's state, for metrics, logs and tests
 * @phase: enum ds_etcd_phase
 * @revision: the last revision the consumer's view is complete up to (a
 *            finished list, a watch event or a progress notification)
 * @compact_revision: the last compaction revision etcd reported, 0 if none
 * @range_requests: range requests that succeeded (pages)
 * @watches: watches created
 * @auths: successful authentications
 * @page_limit: keys per range request now
 * @endpoint: the endpoint in use
 */
struct ds_etcd_info {
	enum ds_etcd_phase phase;
	int64_t revision;
	int64_t compact_revision;
	uint64_t range_requests;
	uint64_t watches;
	uint64_t auths;
	unsigned int page_limit;
	const char *endpoint;
};

/**
 * ds_etcd_new() - create an etcd datastore
 * @cfg: configuration (copied)
 * @loop: the daemon's event loop (referenced)
 * @sink: where events go
 * @sink_arg: passed to @sink
 * @err: on failure, a malloc'ed message (the caller frees it); may be NULL
 *
 * Nothing is contacted until ds_start(). Events are reported from the loop
 * only, never from ds_start() or ds_free(); @sink may call ds_free().
 *
 * Reported: DS_UPSERT for every object listed, created or modified, with
 * @kind from the key's plural (workloadendpoints -> "WorkloadEndpoint"),
 * @api_version "projectcalico.org/v3", @ns from the key ("" for cluster
 * kinds), @name from the key, @revision the key's mod_revision; @obj is the
 * stored JSON with kind, apiVersion, metadata.name and metadata.namespace
 * filled in where absent and metadata.resourceVersion set to the
 * mod_revision. DS_DELETE when a key is deleted (@obj: the value before,
 * when etcd still has it). DS_RESET (all kinds) before a relist, DS_SYNCED
 * after every complete list. Every list also reports Calico's built-in
 * Profile "projectcalico-default-allow" (allow all ingress and egress),
 * which Calico's etcd backend synthesises and never stores.
 *
 * Malformed entries (a key outside the layout, a value that is not a JSON
 * object, metadata or spec not objects) are counted (ds_stats.malformed)
 * and reported as DS_STATUS with @kind, @ns, @name (where the key gives
 * them) and @message saying why; nothing else is reported for them, except
 * that a key whose good value is replaced by a malformed one is reported
 * as DS_DELETE (as Calico ends up doing: it drops what it cannot parse).
 * DS_STATUS also reports connection changes (@connected, @message).
 *
 * Return: the datastore, or NULL (@err says why).
 */
struct ds *ds_etcd_new(const struct ds_etcd_config *cfg, sd_event *loop,
		       ds_event_fn sink, void *sink_arg, char **err);

/**
 * ds_etcd_config_from_env() - fill @cfg from Calico's environment variables
 * @cfg: zeroed or partly filled configuration; fields already set stay
 *
 * ETCD_ENDPOINTS, ETCD_CA_CERT_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE,
 * ETCD_USERNAME, ETCD_PASSWORD (the names calico/node and calicoctl use).
 * The strings point into the environment.
 *
 * Return: 0, or -ENOENT if no endpoint is configured.
 */
int ds_etcd_config_from_env(struct ds_etcd_config *cfg);

/**
 * ds_etcd_info() - the client's state
 * @ds: a datastore from ds_etcd_new()
 * @out: filled in; @out->endpoint is valid until the next loop iteration
 */
void ds_etcd_info(const struct ds *ds, struct ds_etcd_info *out);

/**
 * ds_etcd_kind() - the kind Calico stores under a plural
 * @plural: the key segment after the prefix ("workloadendpoints")
 * @namespaced: set to whether the kind's keys carry a namespace (may be
 *              NULL)
 *
 * Return: the kind ("WorkloadEndpoint"), or NULL for a plural that is not
 * a Calico v3 resource.
 */
const char *ds_etcd_kind(const char *plural, bool *namespaced);

#endif /* STRATA_DS_ETCD_H */
