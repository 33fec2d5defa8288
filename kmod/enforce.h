/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Enforcement: the netfilter hooks (hooks.c), counters and per-namespace
 * statistics (counters.c), flow events and log lines (events.c).
 */
#ifndef _STRATA_ENFORCE_H
#define _STRATA_ENFORCE_H

#include <linux/types.h>
#include <linux/ratelimit.h>
#include <linux/strata.h>

struct net;
struct sk_buff;
struct strata_net;
struct sc_pkt;
struct sc_ctx;
struct sc_verdict;
struct sc_runtime;
struct sc_ctr;

/**
 * struct strata_ctr - one counter, per CPU
 * @flows: evaluations (new flows, untracked packets)
 * @packets: packets evaluated
 * @bytes: bytes evaluated
 */
struct strata_ctr {
	u64 flows;
	u64 packets;
	u64 bytes;
};

/**
 * struct strata_stats - per-namespace statistics, per CPU
 */
struct strata_stats {
	u64 packets;
	u64 evaluations;
	u64 reasons[__STRATA_REASON_MAX];
	u64 flow_events;
	u64 flow_events_lost;
	u64 log_lines;
	u64 log_lines_lost;
	u64 ct_flushed;
};

/**
 * struct strata_enforce - a namespace's enforcement state
 * @stats: statistics, per CPU
 * @flow_rl: flow event rate limit (settings FLOW_RATE/BURST)
 * @log_rl: log line rate limit (settings LOG_RATE/BURST)
 * @flow_on: flow events are enabled (rate and burst non-zero)
 * @log_on: log lines are enabled
 * @hooks_registered: the namespace's netfilter hooks are in place
 * @ct_held: the namespace holds conntrack for both families (taken with
 *	the first endpoint)
 */
struct strata_enforce {
	struct strata_stats __percpu *stats;
	struct ratelimit_state flow_rl;
	struct ratelimit_state log_rl;
	bool flow_on;
	bool log_on;
	bool hooks_registered;
	bool ct_held;
};

int strata_enforce_net_init(struct strata_net *sn);
void strata_enforce_net_stop(struct strata_net *sn);
void strata_enforce_net_free(struct strata_net *sn);
/* Before a runtime is published (process context, namespace lock held). */
void strata_enforce_prepare(struct strata_net *sn,
			    const struct sc_runtime *rt);
/* After a commit (process context, namespace lock held). */
void strata_enforce_commit(struct strata_net *sn,
			   const struct sc_runtime *old,
			   const struct sc_runtime *new);

void strata_stats_read(struct strata_net *sn, struct strata_stats *out);
void strata_ctr_add(struct sc_ctr *c, u32 idx, u32 bytes);
void strata_ctr_read(const struct sc_ctr *c, u32 idx, struct strata_ctr *out);
void strata_ctr_reset(struct sc_ctr *c, u32 n);

/* hooks.c */
int strata_hooks_register(struct net *net);
void strata_hooks_unregister(struct net *net);

/* events.c */
void strata_events_decided(struct strata_net *sn, const struct sc_runtime *rt,
			   const struct sk_buff *skb, const struct sc_pkt *pkt,
			   const struct sc_ctx *ctx, const struct sc_verdict *v);
void strata_events_configure(struct strata_net *sn,
			     const struct sc_runtime *rt);

#endif /* _STRATA_ENFORCE_H */
