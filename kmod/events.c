// SPDX-License-Identifier: GPL-2.0
/*
 * Flow events on the "flows" multicast group, log lines for "log" rules,
 * and the per-namespace enforcement setup (hooks, conntrack, limits).
 *
 * DOC: Flow events
 *
 * Every new flow Strata decides, every untracked packet policy decides,
 * and every packet a log rule matched produces one STRATA_CMD_FLOW_EVENT
 * message: the 5-tuple, interfaces, endpoints, hook, verdict, reason and
 * the trace (per program: the tier, policy and rule that decided or the
 * default that did, passes, log rules). The packet path never blocks and
 * never allocates unboundedly for it: nothing is built without a
 * subscriber, a per-namespace token bucket (settings FLOW_RATE/BURST)
 * bounds the rate, messages are allocated GFP_ATOMIC and sized up front,
 * and netlink drops what a full receive queue cannot take. Whatever is
 * not delivered is counted in STRATA_STATS_A_FLOW_EVENTS_LOST. Log lines
 * have their own bucket (LOG_RATE/BURST) and lost count.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>
#include "strata.h"
#include "netlink.h"
#include "enforce.h"
#include "core/decide.h"
#include "core/runtime.h"

/* What decided one step, as the uapi names it. */
static void step_decider(const struct sc_step *st, u8 *kind, u32 *tier,
			 u32 *policy, u32 *rule, u64 *cookie)
{
	const struct sc_prule *r = sc_prog_rule(st->prog, st->ev.rule);

	*tier = r->tier ? r->tier->id : 0;
	*policy = r->policy ? r->policy->id : 0;
	*rule = r->rule;
	*cookie = r->src ? r->src->cookie : 0;
	switch (r->origin) {
	case SC_ORIG_RULE:
		*kind = STRATA_CTR_RULE;
		break;
	case SC_ORIG_TIER_END:
		*kind = STRATA_CTR_TIER_DEFAULT;
		break;
	case SC_ORIG_PROFILE_END:
		*kind = STRATA_CTR_PROFILE_END;
		*tier = 0;
		break;
	default:
		*kind = STRATA_CTR_NO_MATCH;
		break;
	}
}

static const char *const list_names[] = {
	[STRATA_LIST_INGRESS] = "ingress",
	[STRATA_LIST_EGRESS] = "egress",
	[STRATA_LIST_UNTRACKED_INGRESS] = "untracked-ingress",
	[STRATA_LIST_UNTRACKED_EGRESS] = "untracked-egress",
	[STRATA_LIST_PREDNAT_INGRESS] = "prednat-ingress",
	[STRATA_LIST_FORWARD_INGRESS] = "forward-ingress",
	[STRATA_LIST_FORWARD_EGRESS] = "forward-egress",
};

static const char *list_name(u8 list)
{
	return list < ARRAY_SIZE(list_names) && list_names[list] ?
	       list_names[list] : "?";
}

static void log_lines(struct strata_net *sn, const struct sc_pkt *p,
		      const struct sc_ctx *ctx, const struct sc_verdict *v)
{
	struct strata_stats *stats = this_cpu_ptr(sn->enf->stats);
	const struct sc_step *st;
	u8 i, j;

	for (i = 0; i < v->n_steps; i++) {
		st = &v->steps[i];
		for (j = 0; j < st->ev.n_logs; j++) {
			const struct sc_prule *r =
				sc_prog_rule(st->prog, st->ev.logs[j]);

			if (!READ_ONCE(sn->enf->log_on) ||
			    !__ratelimit(&sn->enf->log_rl)) {
				stats->log_lines_lost++;
				continue;
			}
			stats->log_lines++;
			if (p->family == STRATA_FAMILY_IPV4)
				pr_info("log tier=%s policy=%s rule=%u endpoint=%s list=%s proto=%u src=%pI4 sport=%u dst=%pI4 dport=%u in=%s out=%s\n",
					r->tier ? r->tier->name : "-",
					r->policy->name, r->rule,
					st->ep->ep->name, list_name(st->list), p->proto,
					p->saddr, p->sport, p->daddr, p->dport,
					ctx->iif ?: "-", ctx->oif ?: "-");
			else
				pr_info("log tier=%s policy=%s rule=%u endpoint=%s list=%s proto=%u src=%pI6c sport=%u dst=%pI6c dport=%u in=%s out=%s\n",
					r->tier ? r->tier->name : "-",
					r->policy->name, r->rule,
					st->ep->ep->name, list_name(st->list), p->proto,
					p->saddr, p->sport, p->daddr, p->dport,
					ctx->iif ?: "-", ctx->oif ?: "-");
		}
		stats->log_lines_lost += st->ev.logs_dropped;
	}
}

/* An upper bound on one event's size: nothing grows past it. */
static size_t flow_size(const struct sc_verdict *v)
{
	size_t step = nla_total_size(0) + 4 * nla_total_size(4) +
		      3 * nla_total_size(1) + nla_total_size_64bit(8) +
		      nla_total_size(0) +
		      SC_MAX_LOGS * (nla_total_size(0) + 3 * nla_total_size(4));

	return nla_total_size(0) + 2 * nla_total_size_64bit(8) +
	       2 * nla_total_size(16) + 6 * nla_total_size(1) +
	       2 * nla_total_size(2) + 2 * nla_total_size(IFNAMSIZ) +
	       4 * nla_total_size(4) + nla_total_size(0) +
	       nla_total_size(0) + v->n_steps * step;
}

static int put_step(struct sk_buff *msg, const struct sc_step *st, u8 idx)
{
	struct nlattr *n, *logs;
	u32 tier, policy, rule;
	u64 cookie;
	u8 kind, j;

	n = nla_nest_start(msg, idx + 1);
	if (!n)
		return -EMSGSIZE;
	step_decider(st, &kind, &tier, &policy, &rule, &cookie);
	if (nla_put_u32(msg, STRATA_STEP_A_ENDPOINT, st->ep->ep->id) ||
	    nla_put_u8(msg, STRATA_STEP_A_LIST, st->list) ||
	    nla_put_u8(msg, STRATA_STEP_A_ACTION,
		       st->ev.action > STRATA_ACT_MAX ? 0 : st->ev.action) ||
	    nla_put_u8(msg, STRATA_STEP_A_KIND, kind) ||
	    nla_put_u32(msg, STRATA_STEP_A_TIER, tier) ||
	    nla_put_u32(msg, STRATA_STEP_A_POLICY, policy) ||
	    nla_put_u32(msg, STRATA_STEP_A_RULE, rule) ||
	    nla_put_u64_64bit(msg, STRATA_STEP_A_COOKIE, cookie,
			      STRATA_STEP_A_PAD) ||
	    nla_put_u32(msg, STRATA_STEP_A_PASSES, st->ev.n_passes))
		return -EMSGSIZE;
	if (st->ev.n_logs) {
		logs = nla_nest_start(msg, STRATA_STEP_A_LOGS);
		if (!logs)
			return -EMSGSIZE;
		for (j = 0; j < st->ev.n_logs; j++) {
			const struct sc_prule *r =
				sc_prog_rule(st->prog, st->ev.logs[j]);
			struct nlattr *l = nla_nest_start(msg, j + 1);

			if (!l ||
			    nla_put_u32(msg, STRATA_LOG_A_TIER,
					r->tier ? r->tier->id : 0) ||
			    nla_put_u32(msg, STRATA_LOG_A_POLICY,
					r->policy->id) ||
			    nla_put_u32(msg, STRATA_LOG_A_RULE, r->rule))
				return -EMSGSIZE;
			nla_nest_end(msg, l);
		}
		nla_nest_end(msg, logs);
	}
	nla_nest_end(msg, n);
	return 0;
}

static int put_flow(struct sk_buff *msg, const struct sc_runtime *rt,
		    const struct sk_buff *skb, const struct sc_pkt *p,
		    const struct sc_ctx *ctx, const struct sc_verdict *v,
		    bool logged)
{
	int alen = p->family == STRATA_FAMILY_IPV4 ? 4 : 16;
	struct nlattr *flow, *steps;
	u8 i;

	flow = nla_nest_start(msg, STRATA_A_FLOW);
	if (!flow)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, STRATA_FLOW_A_GENERATION, rt->generation,
			      STRATA_FLOW_A_PAD) ||
	    nla_put_u64_64bit(msg, STRATA_FLOW_A_TIMESTAMP,
			      ktime_get_real_ns(), STRATA_FLOW_A_PAD) ||
	    nla_put_u8(msg, STRATA_FLOW_A_FAMILY, p->family) ||
	    nla_put_u8(msg, STRATA_FLOW_A_PROTO, p->proto) ||
	    nla_put(msg, STRATA_FLOW_A_SADDR, alen, p->saddr) ||
	    nla_put(msg, STRATA_FLOW_A_DADDR, alen, p->daddr) ||
	    nla_put_u8(msg, STRATA_FLOW_A_HOOK, ctx->hook) ||
	    nla_put_u8(msg, STRATA_FLOW_A_VERDICT, v->code) ||
	    nla_put_u8(msg, STRATA_FLOW_A_REASON, v->reason) ||
	    nla_put_u32(msg, STRATA_FLOW_A_LEN, p->len) ||
	    nla_put_u32(msg, STRATA_FLOW_A_MARK, skb->mark))
		return -EMSGSIZE;
	if ((p->flags & SC_PKT_L4) &&
	    (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6)) {
		if (nla_put_u8(msg, STRATA_FLOW_A_ICMP_TYPE, p->icmp_type) ||
		    nla_put_u8(msg, STRATA_FLOW_A_ICMP_CODE, p->icmp_code))
			return -EMSGSIZE;
	} else if (p->flags & SC_PKT_L4) {
		if (nla_put_u16(msg, STRATA_FLOW_A_SPORT, p->sport) ||
		    nla_put_u16(msg, STRATA_FLOW_A_DPORT, p->dport))
			return -EMSGSIZE;
	}
	if ((ctx->iif && nla_put_string(msg, STRATA_FLOW_A_IIF, ctx->iif)) ||
	    (ctx->oif && nla_put_string(msg, STRATA_FLOW_A_OIF, ctx->oif)) ||
	    (v->ep_in && nla_put_u32(msg, STRATA_FLOW_A_EP_IN,
				     v->ep_in->ep->id)) ||
	    (v->ep_out && nla_put_u32(msg, STRATA_FLOW_A_EP_OUT,
				      v->ep_out->ep->id)) ||
	    (logged && nla_put_flag(msg, STRATA_FLOW_A_LOGGED)))
		return -EMSGSIZE;
	if (v->n_steps) {
		steps = nla_nest_start(msg, STRATA_FLOW_A_STEPS);
		if (!steps)
			return -EMSGSIZE;
		for (i = 0; i < v->n_steps; i++)
			if (put_step(msg, &v->steps[i], i))
				return -EMSGSIZE;
		nla_nest_end(msg, steps);
	}
	nla_nest_end(msg, flow);
	return 0;
}

/**
 * strata_events_decided() - log lines and a flow event for one decision
 * @sn: the namespace
 * @rt: the runtime that decided
 * @skb: the packet (marks already applied)
 * @pkt: its parsed fields
 * @ctx: where it was seen
 * @v: the decision
 *
 * Context: packet path, bottom halves disabled.
 */
void strata_events_decided(struct strata_net *sn, const struct sc_runtime *rt,
			   const struct sk_buff *skb, const struct sc_pkt *pkt,
			   const struct sc_ctx *ctx, const struct sc_verdict *v)
{
	struct strata_stats *stats = this_cpu_ptr(sn->enf->stats);
	bool logged = false;
	struct sk_buff *msg;
	void *hdr;
	int err;
	u8 i;

	for (i = 0; i < v->n_steps; i++)
		logged |= v->steps[i].ev.n_logs || v->steps[i].ev.logs_dropped;
	if (logged)
		log_lines(sn, pkt, ctx, v);
	/* established packets reach here only to be logged */
	if (ctx->ct == SC_CT_ESTABLISHED && !logged)
		return;
	if (!strata_genl_has_flow_listeners(sn->net))
		return;
	if (!READ_ONCE(sn->enf->flow_on) || !__ratelimit(&sn->enf->flow_rl))
		goto lost;
	msg = genlmsg_new(flow_size(v), GFP_ATOMIC);
	if (!msg)
		goto lost;
	hdr = strata_genl_put_flow_header(msg);
	if (!hdr || put_flow(msg, rt, skb, pkt, ctx, v, logged)) {
		nlmsg_free(msg);
		goto lost;
	}
	genlmsg_end(msg, hdr);
	err = strata_genl_send_flow(sn->net, msg);
	if (err && err != -ESRCH)
		goto lost;
	stats->flow_events++;
	return;
lost:
	stats->flow_events_lost++;
}

static void set_rate(struct ratelimit_state *rs, bool *on, u32 rate,
		     u32 burst)
{
	/* ratelimit_state: at most @burst events per @interval jiffies */
	WRITE_ONCE(*on, rate && burst);
	if (!rate || !burst)
		return;
	rs->burst = burst;
	rs->interval = max_t(u64, 1, div_u64((u64)burst * HZ, rate));
}

/**
 * strata_events_configure() - apply a runtime's rate settings
 * @sn: the namespace
 * @rt: the runtime just published
 */
void strata_events_configure(struct strata_net *sn,
			     const struct sc_runtime *rt)
{
	set_rate(&sn->enf->flow_rl, &sn->enf->flow_on,
		 rt->settings.flow_rate, rt->settings.flow_burst);
	set_rate(&sn->enf->log_rl, &sn->enf->log_on, rt->settings.log_rate,
		 rt->settings.log_burst);
}

/* ---- conntrack flush for lost addresses --------------------------------- */

struct lost {
	u32 n, cap;
	struct strata_prefix *p;
	u64 flushed;
};

static void lost_add(void *arg, const struct strata_prefix *a)
{
	struct lost *l = arg;

	if (l->n == l->cap) {
		u32 cap = l->cap ? l->cap * 2 : 16;
		struct strata_prefix *np;

		np = krealloc_array(l->p, cap, sizeof(*np), GFP_KERNEL);
		if (!np)
			return;	/* best effort: entries time out anyway */
		l->p = np;
		l->cap = cap;
	}
	l->p[l->n++] = *a;
}

static bool lost_match(const struct lost *l, u8 family,
		       const union nf_inet_addr *a)
{
	u32 i;

	for (i = 0; i < l->n; i++)
		if (sc_prefix_contains(&l->p[i], family, (const u8 *)a))
			return true;
	return false;
}

static int lost_iter(struct nf_conn *ct, void *data)
{
	const struct lost *l = data;
	const struct nf_conntrack_tuple *o =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_tuple *r =
		&ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	u8 family = nf_ct_l3num(ct) == NFPROTO_IPV4 ? STRATA_FAMILY_IPV4 :
						      STRATA_FAMILY_IPV6;

	return lost_match(l, family, &o->src.u3) ||
	       lost_match(l, family, &o->dst.u3) ||
	       lost_match(l, family, &r->src.u3) ||
	       lost_match(l, family, &r->dst.u3);
}

static int flush_iter(struct nf_conn *ct, void *data)
{
	struct lost *l = data;

	if (!lost_iter(ct, data))
		return 0;
	l->flushed++;
	return 1;	/* remove it */
}

/**
 * strata_enforce_commit() - after a commit: rates, conntrack hygiene
 * @sn: the namespace
 * @old: the runtime before (still valid: not yet retired)
 * @new: the runtime just published
 *
 * Conntrack entries of addresses a workload endpoint lost are removed, so
 * that a workload reusing the address inherits none of its flows.
 *
 * Context: process context, &strata_net.lock held.
 */
void strata_enforce_commit(struct strata_net *sn, const struct sc_runtime *old,
			   const struct sc_runtime *new)
{
	struct lost l = { };
	struct nf_ct_iter_data d = { .net = sn->net, .data = &l };

	strata_events_configure(sn, new);
	sc_runtime_lost_addrs(old, new, lost_add, &l);
	if (l.n && sn->enf->ct_held) {
		nf_ct_iterate_cleanup_net(flush_iter, &d);
		this_cpu_add(sn->enf->stats->ct_flushed, l.flushed);
	}
	kfree(l.p);
}

/**
 * strata_enforce_prepare() - before a runtime is published: conntrack
 * @sn: the namespace
 * @rt: the runtime about to be published
 *
 * Conntrack (and with it IPv4/IPv6 defragmentation) is taken for a
 * namespace only once its state has an endpoint: a namespace Strata
 * decides nothing in (a pod's own namespace, a namespace before its first
 * commit) keeps the stack it had without the module. It is taken before
 * the runtime is published, so that no packet the new state judges lacks
 * conntrack; it is kept until the namespace goes away (a flush does not
 * toggle it). If it cannot be taken, packets of flows Strata judges are
 * dropped as conntrack-invalid (fail closed) and the next commit retries.
 *
 * Context: process context, namespace lock held; may sleep.
 */
void strata_enforce_prepare(struct strata_net *sn, const struct sc_runtime *rt)
{
	struct strata_enforce *e = sn->enf;
	int ret;

	if (!e || e->ct_held || !rt || !rt->n_eps)
		return;
	ret = nf_ct_netns_get(sn->net, NFPROTO_INET);
	if (ret) {
		pr_warn_ratelimited("cannot enable conntrack in a namespace: %d\n",
				    ret);
		return;
	}
	e->ct_held = true;
}

/**
 * strata_enforce_net_init() - a namespace's enforcement: stats, limits,
 * hooks (conntrack comes with the first endpoint: strata_enforce_prepare())
 * @sn: the namespace
 *
 * Return: 0 or a negative errno.
 */
int strata_enforce_net_init(struct strata_net *sn)
{
	struct strata_enforce *e;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->stats = alloc_percpu_gfp(struct strata_stats, GFP_KERNEL_ACCOUNT);
	if (!e->stats) {
		ret = -ENOMEM;
		goto err_stats;
	}
	ratelimit_state_init(&e->flow_rl, HZ, 1);
	ratelimit_set_flags(&e->flow_rl, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_state_init(&e->log_rl, HZ, 1);
	ratelimit_set_flags(&e->log_rl, RATELIMIT_MSG_ON_RELEASE);
	sn->enf = e;
	ret = strata_hooks_register(sn->net);
	if (ret)
		goto err_hooks;
	e->hooks_registered = true;
	return 0;

err_hooks:
	sn->enf = NULL;
	free_percpu(e->stats);
err_stats:
	kfree(e);
	return ret;
}

/**
 * strata_enforce_net_stop() - unregister a namespace's hooks, drop conntrack
 * @sn: the namespace
 *
 * On return no new hook invocation starts, but invocations already running
 * (under RCU, in softirq on other CPUs) may still use @sn->enf:
 * nf_unregister_net_hooks() does not wait for them. The caller frees with
 * strata_enforce_net_free() after a grace period.
 */
void strata_enforce_net_stop(struct strata_net *sn)
{
	struct strata_enforce *e = sn->enf;

	if (!e)
		return;
	if (e->hooks_registered) {
		strata_hooks_unregister(sn->net);
		e->hooks_registered = false;
	}
	if (e->ct_held) {
		nf_ct_netns_put(sn->net, NFPROTO_INET);
		e->ct_held = false;
	}
}

/**
 * strata_enforce_net_free() - free what strata_enforce_net_init() made
 * @sn: the namespace, stopped, and a grace period later
 */
void strata_enforce_net_free(struct strata_net *sn)
{
	struct strata_enforce *e = sn->enf;

	if (!e)
		return;
	sn->enf = NULL;
	free_percpu(e->stats);
	kfree(e);
}
