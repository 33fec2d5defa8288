/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local workload routes (optional: workload_routes = true): what a routed,
 * non-overlay design needs on the host for each local workload, as
 * Calico's CNI plugin and Felix do it.
 *
 * DOC: Workload routes
 *
 * For every local workload endpoint with an interface, a route to each
 * of its addresses (a /32 or /128; wider prefixes are not routed) through
 * that interface: "ADDR dev IFACE proto PROTOCOL scope link table TABLE"
 * (route_protocol, default 83; route_table, default 254, main). Routes of
 * that protocol in that table which no endpoint wants are deleted, so a
 * restarted daemon removes the routes of workloads that went while it was
 * down and touches nothing it does not own. A route whose interface does
 * not exist yet is added when the interface appears (link notifications).
 *
 * With workload_iface_settings (default true) the host side of each
 * workload interface gets the settings Calico gives it when it appears:
 * IPv4: proxy_arp=1, neigh proxy_delay=0, forwarding=1, route_localnet=1;
 * IPv6: proxy_ndp=1, forwarding=1, accept_ra=0 (only the families the
 * endpoint has addresses in).
 *
 * Routes and settings stay when the daemon stops, like the kernel state.
 */
#ifndef STRATAD_ROUTES_H
#define STRATAD_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include "sync.h"

/**
 * struct droute_config - what to program
 * @table: the routing table (254: main)
 * @protocol: the route protocol marking Strata's routes
 * @iface_settings: set the interfaces' sysctls
 * @sysctl_root: where the sysctls are ("/proc/sys"; tests use a directory)
 */
struct droute_config {
	uint32_t table;
	uint8_t protocol;
	bool iface_settings;
	const char *sysctl_root;
};

/**
 * struct droute_stats - counters
 * @routes: routes wanted now
 * @pending: of which waiting for their interface
 * @added: routes added or replaced so far
 * @deleted: routes deleted so far
 * @errors: failures (each logged)
 */
struct droute_stats {
	size_t routes, pending;
	uint64_t added, deleted, errors;
};

struct droute;

/* Return: the route programmer, or NULL (@err says why). */
struct droute *droute_new(sd_event *loop, struct dsync *sync,
			  const struct droute_config *cfg, char *err,
			  size_t len);
void droute_free(struct droute *r);
/* The dsync listener (@arg: the struct droute). */
void droute_on_commit(void *arg, const struct dsync_commit *c);
void droute_get_stats(const struct droute *r, struct droute_stats *st);

#endif /* STRATAD_ROUTES_H */
