/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the packet path reads: a runtime is one committed generation,
 * immutable once published. It shares unchanged parts (endpoints' compiled
 * programs) with the runtime before it.
 */
#ifndef _STRATA_CORE_RUNTIME_H
#define _STRATA_CORE_RUNTIME_H

#include "core_types.h"
#include "model.h"
#include "addridx.h"

struct sc_prog;
struct sc_state;

/**
 * struct sc_ep_rt - an endpoint as the packet path sees it
 * @refs: runtimes holding it
 * @ep: the endpoint object (a reference)
 * @prog: per list and family (0: IPv4, 1: IPv6) the compiled evaluation;
 *        NULL where the list does not apply
 */
struct sc_ep_rt {
	u32 refs;
	struct sc_endpoint *ep;
	struct sc_prog *prog[__STRATA_LIST_MAX][2];
};

/**
 * struct sc_runtime - one generation
 * @generation: the commit that made it
 * @slot: the address index slot this generation reads
 * @aidx: the address index (shared by all runtimes of a state)
 * @settings: the settings of this generation
 * @n_eps: endpoints
 * @eps: all endpoints (for teardown and iteration)
 * @tab_mask: size - 1 of @tab, an open-addressing table by interface name
 * @tab: endpoints with a concrete interface name
 * @host_star: the host endpoint with interface "*", if any
 * @owner: the state that built it
 */
struct sc_runtime {
	u64 generation;
	u8 slot;
	const struct sc_aidx *aidx;
	struct sc_settings settings;
	u32 n_eps;
	struct sc_ep_rt **eps;
	u32 tab_mask;
	struct sc_ep_rt **tab;
	struct sc_ep_rt *host_star;
	struct sc_state *owner;
};

const struct sc_ep_rt *sc_runtime_ep(const struct sc_runtime *rt,
				     const char *ifname);
/*
 * Call @fn for every address a workload endpoint of @old has and the same
 * endpoint (by id) of @new does not, including endpoints @new lacks: the
 * addresses whose connection tracking state must go.
 */
void sc_runtime_lost_addrs(const struct sc_runtime *old,
			   const struct sc_runtime *new,
			   void (*fn)(void *arg, const struct strata_prefix *a),
			   void *arg);
u32 sc_ifname_hash(const char *ifname);

#endif /* _STRATA_CORE_RUNTIME_H */
