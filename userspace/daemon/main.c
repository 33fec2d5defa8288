// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratad: the Strata sync daemon. It watches a datastore (a directory of
 * manifests, the Kubernetes API or etcd), keeps strata.ko's state equal to
 * what it says for this node, and serves the local API, the endpoint
 * status records and /metrics. stratad(8) and stratad.conf(5) document
 * it; the modules are wired here:
 *
 *   datastore (dsf.c: ds_dir/ds_k8s/ds_etcd)
 *     -> sync engine (sync.c: store.c, compile, kern.c)
 *          -> listeners: endpoint status (status.c), routes (routes.c),
 *             local API waiters (api.c), metrics (metrics.c), readiness
 *
 * Everything runs on one sd-event loop. SIGTERM and SIGINT stop the daemon
 * and leave the kernel's state (and routes and status records) in place:
 * the dataplane keeps enforcing while the daemon is down, and a restart
 * applies only what changed meanwhile.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include "api.h"
#include "conf.h"
#include "dsf.h"
#include "kern.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "status.h"
#include "state.h"
#include "sync.h"

struct daemon {
	sd_event *loop;
	struct dconf conf;
	struct dkern *k;
	struct dsync *sync;
	struct ds *ds;
	struct dstatus *status;
	struct droute *routes;
	struct dapi *api;
	struct dmetrics *metrics;
	struct sc_state *engine; /* --dry-run */
	bool dry_run;
	bool ready;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: stratad [ -c FILE ] [ -o KEY=VALUE ]... [ --node NAME ]\n"
		"               [ --datastore directory|kubernetes|etcd ] [ --directory DIR ]\n"
		"               [ --log-level LEVEL ] [ --dry-run ]\n"
		"               [ --check-config | --print-config ]\n"
		"       stratad { -V | --version | -h | --help }\n"
		"Keeps strata.ko's state equal to what the datastore says for this node.\n"
		"FILE defaults to %s (optional there); -o sets any key of\n"
		"stratad.conf(5) and wins over the file. --dry-run programs a copy of the\n"
		"engine in this process instead of strata.ko (the kernel is not touched).\n",
		DCONF_PATH);
}

/* sd_notify STATUS= and, after the first programming, READY=1. */
static void on_commit(void *arg, const struct dsync_commit *c)
{
	struct daemon *d = arg;

	if (c->first) {
		d->ready = true;
		sd_notifyf(0, "READY=1\nSTATUS=programmed generation %llu",
			   (unsigned long long)c->generation);
	} else if (c->ops) {
		sd_notifyf(0, "STATUS=programmed generation %llu",
			   (unsigned long long)c->generation);
	}
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si,
		     void *arg)
{
	struct daemon *d = arg;

	if (si->ssi_signo == SIGHUP) {
		dlog(LOG_NOTICE,
		     "SIGHUP: comparing the kernel with the desired state");
		dsync_request_resync(d->sync);
		return 0;
	}
	dlog(LOG_NOTICE, "%s: stopping", strsignal((int)si->ssi_signo));
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	return sd_event_exit(d->loop, 0);
}

/* Parse the command line into @d->conf. 0, or an exit code + 1. */
static int parse_args(struct daemon *d, int argc, char **argv, int *mode)
{
	const char *file = NULL;
	char err[512];
	int i, ret;

	/* the file first, so that options win whatever their order */
	for (i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) &&
		    i + 1 < argc)
			file = argv[++i];
	}
	ret = dconf_load(&d->conf, file ? file : DCONF_PATH, !file, err,
			 sizeof(err));
	if (ret) {
		fprintf(stderr, "stratad: %s\n", err);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char *key = NULL;

		if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			if (!v)
				goto needs;
			i++;
			continue;
		} else if (!strcmp(a, "-o")) {
			if (!v)
				goto needs;
			if (dconf_set_arg(&d->conf, v, err, sizeof(err))) {
				fprintf(stderr, "stratad: %s\n", err);
				return 2;
			}
			i++;
			continue;
		} else if (!strcmp(a, "--node")) {
			key = "node_name";
		} else if (!strcmp(a, "--datastore")) {
			key = "datastore";
		} else if (!strcmp(a, "--directory")) {
			key = "directory";
		} else if (!strcmp(a, "--log-level")) {
			key = "log_level";
		} else if (!strcmp(a, "--dry-run")) {
			d->dry_run = true;
			continue;
		} else if (!strcmp(a, "--check-config")) {
			*mode = 1;
			continue;
		} else if (!strcmp(a, "--print-config")) {
			*mode = 2;
			continue;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("stratad %s\n", STRATA_CLI_VERSION);
			return 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		} else {
			fprintf(stderr, "stratad: unknown option \"%s\"\n", a);
			usage(stderr);
			return 2;
		}
		if (!v)
			goto needs;
		if (dconf_set(&d->conf, key, v, err, sizeof(err))) {
			fprintf(stderr, "stratad: %s\n", err);
			return 2;
		}
		i++;
		continue;
needs:
		fprintf(stderr, "stratad: %s needs a value\n", a);
		usage(stderr);
		return 2;
	}
	if (dconf_check(&d->conf, err, sizeof(err))) {
		fprintf(stderr, "stratad: %s\n", err);
		return 2;
	}
	return 0;
}

static int setup(struct daemon *d)
{
	struct dsync_config sc = { 0 };
	char err[512];
	sigset_t ss;
	int ret;

	ret = sd_event_default(&d->loop);
	if (ret < 0) {
		dlog(LOG_ERR, "event loop: %s", strerror(-ret));
		return ret;
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sd_event_add_signal(d->loop, NULL, SIGTERM, on_signal, d);
	sd_event_add_signal(d->loop, NULL, SIGINT, on_signal, d);
	sd_event_add_signal(d->loop, NULL, SIGHUP, on_signal, d);
	sd_event_set_watchdog(d->loop, true);

	if (d->dry_run) {
		/* strata.ko's default hard caps (kmod/pernet.c) */
		static const struct sc_limits caps = {
			.tiers = 65536,
			.policies = 262144,
			.rules = 4194304,
			.ipsets = 262144,
			.members = 16777216,
			.endpoints = 262144,
		};

		d->engine = sc_state_new(NULL, &caps);
		d->k = d->engine ? dkern_engine_new(d->engine) : NULL;
		dlog(LOG_NOTICE,
		     "dry run: programming a copy of the engine in this process, not the kernel");
	} else {
		d->k = dkern_nl_new();
	}
	sc.node = d->conf.node_name;
	sc.deny_reject = d->conf.deny_reject;
	sc.manage_settings = d->conf.manage_settings;
	sc.felix_keys = d->conf.felix_keys;
	sc.felix_values = d->conf.felix_values;
	sc.n_felix = d->conf.n_felix;
	sc.coalesce_ms = d->conf.coalesce_ms;
	sc.retry_min_ms = d->conf.retry_min_ms;
	sc.retry_max_ms = d->conf.retry_max_ms;
	sc.resync_interval_ms = d->conf.resync_interval_ms;
	d->sync = d->k ? dsync_new(d->loop, &sc, d->k) : NULL;
	if (!d->sync) {
		dlog(LOG_ERR, "out of memory");
		return -ENOMEM;
	}
	d->status = dstatus_new(d->sync, d->conf.endpoint_status_dir);
	d->metrics = dmet_new(d->sync, d->status, d->k);
	d->api = dapi_new(d->loop, d->sync, d->status,
			  dconf_ds_name(d->conf.datastore));
	if (!d->status || !d->metrics || !d->api) {
		dlog(LOG_ERR, "out of memory");
		return -ENOMEM;
	}
	if (d->conf.workload_routes) {
		struct droute_config rc = {
			.table = d->conf.route_table,
			.protocol = (uint8_t)d->conf.route_protocol,
			.iface_settings = d->conf.workload_iface_settings,
		};

		d->routes = droute_new(d->loop, d->sync, &rc, err, sizeof(err));
		if (!d->routes) {
			dlog(LOG_ERR, "workload routes: %s", err);
			return -EINVAL;
		}
	}
	/* the order listeners hear of a programming in */
	dsync_add_listener(d->sync, dstatus_on_commit, d->status);
	if (d->routes)
		dsync_add_listener(d->sync, droute_on_commit, d->routes);
	dsync_add_listener(d->sync, dmet_on_commit, d->metrics);
	dsync_add_listener(d->sync, dapi_on_commit, d->api);
	dsync_add_listener(d->sync, on_commit, d);

	d->ds = dsf_new(&d->conf, d->loop, dsync_on_event, d->sync, err,
			sizeof(err));
	if (!d->ds) {
		dlog(LOG_ERR, "datastore %s: %s",
		     dconf_ds_name(d->conf.datastore), err);
		return -EINVAL;
	}
	dsync_set_ds(d->sync, d->ds);
	if (d->conf.datastore == DCONF_DS_DIRECTORY)
		dapi_set_directory(d->api, d->conf.directory);
	if (*d->conf.api_socket) {
		ret = dapi_listen(d->api, d->conf.api_socket, err, sizeof(err));
		if (ret) {
			dlog(LOG_ERR, "%s", err);
			return ret;
		}
	}
	if (d->conf.metrics_port) {
		ret = dmet_serve(d->metrics, d->loop, d->conf.metrics_address,
				 d->conf.metrics_port, err, sizeof(err));
		if (ret) {
			dlog(LOG_ERR, "%s", err);
			return ret;
		}
	}
	ret = dsync_start(d->sync);
	if (ret) {
		dlog(LOG_ERR, "sync: %s", strerror(-ret));
		return ret;
	}
	ret = ds_start(d->ds);
	if (ret) {
		dlog(LOG_ERR, "datastore %s: %s", d->ds->ops->name,
		     strerror(-ret));
		return ret;
	}
	return 0;
}

static void teardown(struct daemon *d)
{
	/* the datastore first: no event arrives while the rest goes */
	ds_free(d->ds);
	dapi_free(d->api);
	dmet_free(d->metrics);
	droute_free(d->routes);
	dstatus_free(d->status);
	dsync_free(d->sync);
	dkern_free(d->k);
	sc_state_free(d->engine);
	sd_event_unref(d->loop);
	dconf_release(&d->conf);
}

int main(int argc, char **argv)
{
	struct daemon d = { 0 };
	struct dsync_status st;
	int mode = 0, ret;

	dconf_init(&d.conf);
	ret = parse_args(&d, argc, argv, &mode);
	if (ret) {
		dconf_release(&d.conf);
		return ret == 1 ? 0 : 1;
	}
	if (mode) {
		if (mode == 2)
			dconf_print(&d.conf, stdout);
		else
			printf("stratad: the configuration is valid\n");
		dconf_release(&d.conf);
		return 0;
	}
	dlog_init(d.conf.log_level, d.conf.log_target, NULL);
	dlog(LOG_NOTICE,
	     "stratad %s starting: node %s, datastore %s, coalescing %u ms",
	     STRATA_CLI_VERSION, d.conf.node_name,
	     dconf_ds_name(d.conf.datastore), d.conf.coalesce_ms);
	ret = setup(&d);
	if (!ret) {
		sd_notify(
			0,
			"STATUS=waiting for the datastore's first complete list");
		ret = sd_event_loop(d.loop);
		if (ret < 0)
			dlog(LOG_ERR, "event loop: %s", strerror(-ret));
	}
	if (d.sync) {
		dsync_get_status(d.sync, &st);
		dlog(LOG_NOTICE,
		     "stopped; the kernel keeps generation %llu (%s)",
		     (unsigned long long)st.generation,
		     dsync_phase_name(st.phase));
	}
	teardown(&d);
	return ret < 0 ? 1 : 0;
}
