/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Kubernetes API datastore (ds_k8s.c): list then watch every resource
 * stratad needs, on the daemon's sd-event loop, through libcurl's multi
 * interface (HTTP/2 multiplexing where the server offers it, HTTP/1.1
 * keep-alive otherwise).
 *
 * Protocol, per resource (a "kind"):
 *
 *  1. List, paginated (limit=page_size, continue=...). The first list asks
 *     resourceVersion=0&resourceVersionMatch=NotOlderThan (served from the
 *     API server's watch cache, as client-go does); a relist after a 410 on
 *     a watch asks resourceVersion=<last seen>&resourceVersionMatch=
 *     NotOlderThan; a list that itself answers 410 (an expired continue
 *     token, a compacted revision) restarts with resourceVersion unset (a
 *     consistent read). Continue pages carry only limit and continue. The
 *     list body is parsed as a stream: each item is decoded, reported and
 *     freed on its own, so a 100,000-pod list never sits in memory whole.
 *  2. Watch from the list's resourceVersion with allowWatchBookmarks=true
 *     and timeoutSeconds in [watch_timeout_s, 2 * watch_timeout_s). Each
 *     line of the stream is one event, parsed incrementally with json-c's
 *     tokener. ADDED and MODIFIED are DS_UPSERT, DELETED is DS_DELETE (with
 *     the object's last state), BOOKMARK only advances the resourceVersion.
 *  3. When a watch ends (timeout, dropped connection, error) it is resumed
 *     from the last resourceVersion seen, after a backoff if it failed. An
 *     ERROR event with code 410 (or an HTTP 410) means the revision is
 *     compacted: the kind is reported DS_RESET and relisted.
 *
 * Relists are covered by DS_RESET semantics, not by computed deletions:
 * before any list of a kind except its very first, DS_RESET(kind) is
 * reported; the consumer forgets that kind's objects (keeping enforcement
 * as it is) and rebuilds from the upserts that follow; objects that
 * disappeared meanwhile are simply not upserted again. DS_SYNCED follows
 * once every kind is listed completely again. A list that must start over
 * after it reported objects (its first page cut short, an expired continue
 * token) reads a new snapshot, so it too begins with DS_RESET. The
 * datastore keeps no copy of the objects.
 *
 * A resource the server does not serve (HTTP 404: a CRD that is not
 * installed, an API group that is not enabled) is logged once, counted as
 * listed (empty) for DS_SYNCED, and retried every missing_retry_ms; once
 * it appears it is listed and watched like the others.
 *
 * Errors (connection failures, TLS, 401/403/429/5xx, malformed list
 * bodies) are counted, logged (the first and then every power-of-two
 * failure of a kind) and retried with exponential backoff with jitter,
 * capped; Retry-After is honoured. A failed list page is retried with the
 * same continue token. The bearer token file is read again before every
 * request, so a rotated service-account token is picked up.
 *
 * Malformed watch lines (not JSON, truncated, an unknown event type) and
 * malformed objects (no metadata.name or resourceVersion, a namespace on a
 * cluster-scoped kind or none on a namespaced one, the wrong kind) are
 * skipped, counted in ds_stats.malformed, logged (the first ten of each
 * kind, then every thousandth), and reported as a
 * DS_STATUS event with @kind (and @ns/@name when known) and @message set
 * and @connected unchanged; nothing else on the stream is lost.
 *
 * DS_STATUS without a kind reports a change of reachability: connected
 * once a response arrives, disconnected on a connection-level failure.
 *
 * Objects are reported with "kind" and "apiVersion" set (list items of
 * built-in types carry neither on the wire); crd.projectcalico.org/v1
 * objects are reported as projectcalico.org/v3 (the spec is the same, the
 * object's apiVersion is rewritten). @revision is metadata.resourceVersion.
 *
 * The sink runs from inside libcurl's callbacks: it must not call
 * ds_free(); sd_event_exit() is fine.
 */
#ifndef STRATA_DS_K8S_H
#define STRATA_DS_K8S_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ds.h"

/**
 * struct ds_k8s_resource - one resource the datastore can list and watch
 * @name: its identifier in struct ds_k8s_config, kubectl style: "pods",
 *        "networkpolicies.networking.k8s.io",
 *        "globalnetworkpolicies.crd.projectcalico.org", ...
 * @path: the cluster-wide collection path, "/api/v1/pods"
 * @kind: the object kind, "Pod"
 * @api_version: the apiVersion served, "v1", "crd.projectcalico.org/v1"
 * @report_api_version: the apiVersion reported in events
 * @namespaced: whether objects live in namespaces
 */
struct ds_k8s_resource {
	const char *name;
	const char *path;
	const char *kind;
	const char *api_version;
	const char *report_api_version;
	bool namespaced;
};

const struct ds_k8s_resource *ds_k8s_resources(size_t *n);
const struct ds_k8s_resource *ds_k8s_resource_find(const char *name);

/**
 * struct ds_k8s_conn - how to reach and authenticate to one API server
 * @server: base URL, "https://10.96.0.1:443" (no trailing slash)
 * @ca_file: PEM CA bundle to verify the server with, or NULL
 * @ca_data: PEM CA bundle in memory (@ca_len bytes), or NULL
 * @token: bearer token, or NULL
 * @token_file: file holding the bearer token, read before each request
 * @cert_file: client certificate (PEM), or NULL
 * @key_file: client key (PEM), or NULL
 * @cert_data: client certificate in memory (@cert_len bytes), or NULL
 * @key_data: client key in memory (@key_len bytes), or NULL
 * @insecure: do not verify the server's certificate
 *
 * Every string is owned (ds_k8s_conn_clear() frees them).
 */
struct ds_k8s_conn {
	char *server;
	char *ca_file;
	char *ca_data;
	size_t ca_len;
	char *token;
	char *token_file;
	char *cert_file;
	char *key_file;
	char *cert_data;
	size_t cert_len;
	char *key_data;
	size_t key_len;
	bool insecure;
};

int ds_k8s_conn_from_kubeconfig(struct ds_k8s_conn *c, const char *path,
				const char *context, char *err, size_t errlen);
int ds_k8s_conn_in_cluster(struct ds_k8s_conn *c, const char *sa_dir, char *err,
			   size_t errlen);
void ds_k8s_conn_clear(struct ds_k8s_conn *c);

/* Where the kubelet mounts the service account (in-cluster config). */
#define DS_K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/**
 * typedef ds_k8s_log_fn - where the datastore logs
 * @level: syslog level (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG)
 * @msg: the line, without a newline
 * @arg: ds_k8s_config.log_arg
 */
typedef void (*ds_k8s_log_fn)(int level, const char *msg, void *arg);

/**
 * struct ds_k8s_config - what ds_k8s_new() needs; zero means default
 * @kubeconfig: a kubeconfig file; NULL: in-cluster configuration
 *              (KUBERNETES_SERVICE_HOST/PORT and @sa_dir)
 * @context: the kubeconfig context; NULL: its current-context
 * @sa_dir: the service account directory (token, ca.crt); default
 *          DS_K8S_SA_DIR
 * @resources: NULL-terminated list of ds_k8s_resource names to watch;
 *             NULL: every resource ds_k8s_resources() lists
 * @page_size: list limit (default 500)
 * @watch_timeout_s: watch timeoutSeconds lower bound (default 300)
 * @backoff_base_ms: first retry delay (default 250)
 * @backoff_max_ms: retry delay cap (default 30000)
 * @missing_retry_ms: retry period of a resource not served (default
 *                    60000)
 * @connect_timeout_ms: TCP+TLS connection timeout (default 10000)
 * @consistent_list: always list with resourceVersion unset (from etcd)
 *                   instead of from the watch cache
 * @http1: never negotiate HTTP/2
 * @log: log function; NULL: stderr
 * @log_arg: its argument
 */
struct ds_k8s_config {
	const char *kubeconfig;
	const char *context;
	const char *sa_dir;
	const char *const *resources;
	unsigned int page_size;
	unsigned int watch_timeout_s;
	unsigned int backoff_base_ms;
	unsigned int backoff_max_ms;
	unsigned int missing_retry_ms;
	unsigned int connect_timeout_ms;
	bool consistent_list;
	bool http1;
	ds_k8s_log_fn log;
	void *log_arg;
};

struct ds *ds_k8s_new(sd_event *loop, const struct ds_k8s_config *cfg,
		      ds_event_fn sink, void *sink_arg, char *err,
		      size_t errlen);

unsigned int ds_k8s_backoff_ms(unsigned int failures, unsigned int base_ms,
			       unsigned int max_ms, uint32_t rnd);

#endif /* STRATA_DS_K8S_H */
