// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The datastore factory (dsf.h).
 */
#include <stdlib.h>
#include <string.h>
#include "ds_dir.h"
#include "ds_etcd.h"
#include "ds_k8s.h"
#include "dsf.h"
#include "log.h"

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

static struct ds *new_k8s(const struct dconf *c, sd_event *loop,
			  ds_event_fn sink, void *arg, char *err, size_t len)
{
	struct ds_k8s_config kc = { 0 };
	const char *env = getenv("KUBECONFIG");
	char *first = NULL;
	struct ds *ds;

	kc.kubeconfig = opt(c->kubeconfig);
	if (!kc.kubeconfig && env && *env) {
		first = strndup(env, strcspn(env, ":"));
		if (!first) {
			snprintf(err, len, "out of memory");
			return NULL;
		}
		kc.kubeconfig = first;
	}
	kc.context = opt(c->kube_context);
	kc.page_size = c->kube_page_size;
	kc.watch_timeout_s = (c->kube_watch_timeout_ms + 999) / 1000;
	kc.backoff_base_ms = c->retry_min_ms;
	kc.backoff_max_ms = c->retry_max_ms;
	kc.consistent_list = c->kube_consistent_list;
	kc.http1 = c->kube_http1;
	kc.log = dlog_ds;
	kc.log_arg = "kubernetes";
	ds = ds_k8s_new(loop, &kc, sink, arg, err, len);
	free(first);
	return ds;
}

static struct ds *new_etcd(const struct dconf *c, sd_event *loop,
			   ds_event_fn sink, void *arg, char *err, size_t len)
{
	struct ds_etcd_config ec = { 0 };
	char *msg = NULL;
	struct ds *ds;

	ec.endpoints = opt(c->etcd_endpoints);
	ec.prefix = opt(c->etcd_prefix);
	ec.ca_file = opt(c->etcd_ca_file);
	ec.cert_file = opt(c->etcd_cert_file);
	ec.key_file = opt(c->etcd_key_file);
	ec.username = opt(c->etcd_username);
	ec.password = opt(c->etcd_password);
	ec.page_limit = c->etcd_page_limit;
	ec.backoff_min_ms = c->retry_min_ms;
	ec.backoff_max_ms = c->retry_max_ms;
	ds_etcd_config_from_env(&ec); /* fills only what is unset */
	if (!ec.endpoints) {
		snprintf(
			err, len,
			"etcd: no endpoints (etcd_endpoints, or $ETCD_ENDPOINTS)");
		return NULL;
	}
	ds = ds_etcd_new(&ec, loop, sink, arg, &msg);
	if (!ds)
		snprintf(err, len, "etcd: %s", msg ? msg : "cannot be set up");
	free(msg);
	return ds;
}

struct ds *dsf_new(const struct dconf *c, sd_event *loop, ds_event_fn sink,
		   void *sink_arg, char *err, size_t len)
{
	struct ds_dir_config dc = { 0 };

	switch (c->datastore) {
	case DCONF_DS_KUBERNETES:
		return new_k8s(c, loop, sink, sink_arg, err, len);
	case DCONF_DS_ETCD:
		return new_etcd(c, loop, sink, sink_arg, err, len);
	default:
		dc.path = c->directory;
		dc.retry_ms = c->retry_min_ms < 1000 ? 1000 : c->retry_min_ms;
		dc.log = dlog_ds;
		dc.log_arg = "directory";
		return ds_dir_new(loop, &dc, sink, sink_arg, err, len);
	}
}

int dsf_drain(struct ds *ds)
{
	return ds_is_dir(ds) ? ds_dir_drain(ds) : 0;
}

bool dsf_logs_itself(const struct ds *ds)
{
	return ds && strcmp(ds->ops->name, "etcd");
}
