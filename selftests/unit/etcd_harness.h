/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A real etcd (Debian's etcd-server) for tests: started on 127.0.0.1 with
 * ephemeral ports and a temporary data directory, optionally with TLS
 * client certificates (generated with openssl at start) or authentication,
 * stopped and restarted at will, and killed with its test (it dies with
 * its parent, and an atexit handler kills what is left). Plus a small
 * synchronous client over the JSON gateway that writes the way
 * networking-calico does (transactions comparing version or mod_revision).
 */
#ifndef STRATA_ETCD_HARNESS_H
#define STRATA_ETCD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct eh_opts - how to run etcd
 * @tls: https, with client certificates required (--client-cert-auth)
 * @progress_ms: --experimental-watch-progress-notify-interval (0: etcd's)
 * @cluster_token: --initial-cluster-token (NULL: "strata-test"); it and the
 *                 peer URL make the cluster id
 * @big: raise --max-txn-ops and --max-request-bytes for bulk loads
 */
struct eh_opts {
	bool tls;
	unsigned int progress_ms;
	const char *cluster_token;
	bool big;
};

struct eh_etcd {
	pid_t pid;
	struct eh_opts opts;
	char dir[256]; /* temporary directory: data/, certificates, log */
	char url[64]; /* client URL */
	char peer_url[64]; /* peer URL */
	char ca[300]; /* CA, client certificate and key (with @tls) */
	char cert[300];
	char key[300];
	char user[64]; /* set by eh_auth_enable() */
	char password[64];
	char token[256];
	void *curl;
};

/**
 * eh_start() - start a new etcd
 * Return: 0, or -1 with a message on stderr (the log's tail included).
 */
int eh_start(struct eh_etcd *e, const struct eh_opts *opts);

/* Stop it (SIGTERM, then SIGKILL after 10 s) and wait for it. */
void eh_stop(struct eh_etcd *e);

/* Start it again on the same ports and data (after eh_stop()). */
int eh_restart(struct eh_etcd *e);

/* Remove the data directory (after eh_stop()): the next start is a new
 * cluster with the same URLs. */
void eh_wipe(struct eh_etcd *e);

/* Set the cluster token for the next start. */
void eh_set_cluster_token(struct eh_etcd *e, const char *token);

/* Stop it and remove the temporary directory. */
void eh_destroy(struct eh_etcd *e);

/* The last lines of etcd's log, for failure messages. */
const char *eh_log_tail(struct eh_etcd *e);

/**
 * eh_auth_enable() - add user @user (root role) and enable authentication;
 * the harness's own requests authenticate from then on.
 */
int eh_auth_enable(struct eh_etcd *e, const char *user, const char *password);

/* Writes return the revision they made, or -1 (message on stderr). */

/* A plain put (etcdctl put). */
int64_t eh_put(struct eh_etcd *e, const char *key, const char *value);

/* networking-calico's create: a transaction if version(key) == 0. */
int64_t eh_create(struct eh_etcd *e, const char *key, const char *value);

/* networking-calico's update: a transaction if mod_revision(key) == @mod. */
int64_t eh_update(struct eh_etcd *e, const char *key, const char *value,
		  int64_t mod);

/* networking-calico's delete: a transaction if mod_revision(key) == @mod. */
int64_t eh_delete(struct eh_etcd *e, const char *key, int64_t mod);

/* Many plain puts in one transaction (needs @opts.big beyond 128). */
int64_t eh_put_many(struct eh_etcd *e, const char *const *keys,
		    const char *const *values, size_t n);

/* Compact the history up to @rev (physical: waits for it). */
int eh_compact(struct eh_etcd *e, int64_t rev);

/* The current revision, or -1. */
int64_t eh_revision(struct eh_etcd *e);

#endif /* STRATA_ETCD_HARNESS_H */
