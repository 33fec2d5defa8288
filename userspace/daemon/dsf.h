/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The datastore factory: one constructor for the three datastores from
 * stratad's configuration (the Kubernetes and etcd constructors differ in
 * argument order and in how they report errors; this aligns them).
 */
#ifndef STRATAD_DSF_H
#define STRATAD_DSF_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "ds.h"

/**
 * dsf_new() - the datastore @c names (datastore = directory | kubernetes
 * | etcd), configured from @c's keys
 * @c: the configuration
 * @loop: the event loop
 * @sink: where its events go
 * @sink_arg: the sink's argument
 * @err: on failure, why
 * @len: its size
 *
 * Kubernetes: kubeconfig, else the first file of $KUBECONFIG, else the
 * in-cluster configuration. etcd: etcd_* keys, then Calico's ETCD_*
 * environment variables for what they leave unset.
 *
 * Return: the datastore (not started), or NULL.
 */
struct ds *dsf_new(const struct dconf *c, sd_event *loop, ds_event_fn sink,
		   void *sink_arg, char *err, size_t len);

/* Report now what the datastore has already received (the directory's
 * queued inotify events); a no-op for the others. */
int dsf_drain(struct ds *ds);

/* Whether the datastore logs its problems itself (else the consumer logs
 * its DS_STATUS messages). */
bool dsf_logs_itself(const struct ds *ds);

#endif /* STRATAD_DSF_H */
