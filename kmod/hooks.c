// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks: parse the packet, read its conntrack state, call
 * the engine's decision (kmod/core/decide.c), and carry out what it says.
 * No policy logic lives here.
 *
 * DOC: Hooks and priorities
 *
 * Each namespace registers the same hooks for IPv4 and IPv6:
 *
 *   hook         priority               engine stage
 *   PRE_ROUTING  RAW + 10 (-290)        RAW_PRE: untracked host policy
 *   LOCAL_OUT    RAW + 10 (-290)        RAW_OUT: untracked host policy
 *   PRE_ROUTING  MANGLE + 1 (-149)      PREDNAT: pre-DNAT host policy
 *   PRE_ROUTING  NAT_DST + 1 (-99)      PRE: from workloads, route marks
 *   LOCAL_IN     FILTER - 1 (-1)        INPUT
 *   FORWARD      FILTER - 1 (-1)        FORWARD
 *   LOCAL_OUT    FILTER - 1 (-1)        OUTPUT: host egress, route marks
 *
 * Untracked policy runs after the iptables/nftables raw table and before
 * conntrack (-200), so an allow can mark the packet untracked. Pre-DNAT
 * runs after conntrack and mangle, before destination NAT (-100). The
 * workload stage runs right after destination NAT, so a connection to a
 * service address is judged on the real destination, and before the
 * routing decision that its route mark steers. The filter-level stages
 * run just before the filter table: a drop by Strata is final, an accept
 * lets the packet continue through iptables/nftables rules as usual, so
 * Strata composes with kube-proxy and host firewalls.
 *
 * Locally generated packets whose mark changes are re-routed, as the
 * mangle table does. Rejects answer with a TCP RST or an ICMP/ICMPv6
 * administratively-prohibited error.
 *
 * The verdict is built in a per-CPU scratch area with bottom halves
 * disabled: it is too big for the stack of a packet path that may nest.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/percpu.h>
#include <asm/unaligned.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include "strata.h"
#include "enforce.h"
#include "core/decide.h"
#include "core/runtime.h"

static DEFINE_PER_CPU(struct sc_verdict, strata_verdict);

/* Ports of TCP, UDP, UDP-Lite, SCTP and DCCP come first in the header. */
static bool has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static void parse_l4(const struct sk_buff *skb, unsigned int off,
		     struct sc_pkt *p)
{
	u8 buf[4];
	const u8 *h;

	if (!has_ports(p->proto) && p->proto != IPPROTO_ICMP &&
	    p->proto != IPPROTO_ICMPV6)
		return;
	h = skb_header_pointer(skb, off, sizeof(buf), buf);
	if (!h)
		return;
	if (has_ports(p->proto)) {
		p->sport = get_unaligned_be16(h);
		p->dport = get_unaligned_be16(h + 2);
	} else {
		p->icmp_type = h[0];
		p->icmp_code = h[1];
	}
	p->flags |= SC_PKT_L4;
}

static bool parse4(const struct sk_buff *skb, struct sc_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);

	memset(p, 0, sizeof(*p));
	p->family = STRATA_FAMILY_IPV4;
	p->proto = iph->protocol;
	p->len = skb->len;
	memcpy(p->saddr, &iph->saddr, 4);
	memcpy(p->daddr, &iph->daddr, 4);
	/* later fragments have no transport header (conntrack defrags) */
	if (!(iph->frag_off & htons(IP_OFFSET)))
		parse_l4(skb, skb_network_offset(skb) + ip_hdrlen(skb), p);
	return true;
}

static bool parse6(const struct sk_buff *skb, struct sc_pkt *p)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	__be16 frag_off = 0;
	u8 nexthdr = ip6->nexthdr;
	int off;

	memset(p, 0, sizeof(*p));
	p->family = STRATA_FAMILY_IPV6;
	p->len = skb->len;
	memcpy(p->saddr, &ip6->saddr, 16);
	memcpy(p->daddr, &ip6->daddr, 16);
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6),
			       &nexthdr, &frag_off);
	if (off < 0)
		return false;	/* malformed extension headers */
	p->proto = nexthdr;
	if (!(frag_off & htons(IP6_OFFSET)))
		parse_l4(skb, off, p);
	return true;
}

static u8 skb_ct_state(struct sk_buff *skb, u8 hook)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct) {
		if (ctinfo == IP_CT_UNTRACKED)
			return SC_CT_UNTRACKED;
		/* before conntrack ran, every packet is "new" to us */
		if (hook == SC_HOOK_RAW_PRE || hook == SC_HOOK_RAW_OUT)
			return SC_CT_NEW;
		return SC_CT_INVALID;
	}
	switch (ctinfo) {
	case IP_CT_ESTABLISHED:
	case IP_CT_ESTABLISHED_REPLY:
		return SC_CT_ESTABLISHED;
	case IP_CT_RELATED:
	case IP_CT_RELATED_REPLY:
		return SC_CT_RELATED;
	default:
		return SC_CT_NEW;
	}
}

static void reject(struct sk_buff *skb, const struct nf_hook_state *state,
		   const struct sc_pkt *p)
{
	if (p->family == STRATA_FAMILY_IPV4) {
		if (p->proto == IPPROTO_TCP)
			nf_send_reset(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach(skb, ICMP_PKT_FILTERED, state->hook);
	} else {
		if (p->proto == IPPROTO_TCP)
			nf_send_reset6(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach6(state->net, skb, ICMPV6_ADM_PROHIBITED,
					 state->hook);
	}
}

/* Count the rules a program decided with, passed and logged. */
static void count_step(const struct sc_step *st, u32 len)
{
	struct sc_ctr *c;
	u32 idx, i;

	if (sc_prule_counter(st->prog, st->ev.rule, st->ep, &c, &idx))
		strata_ctr_add(c, idx, len);
	for (i = 0; i < st->ev.n_passes; i++)
		if (sc_prule_counter(st->prog, st->ev.passes[i], st->ep, &c,
				     &idx))
			strata_ctr_add(c, idx, len);
	for (i = 0; i < st->ev.n_logs; i++)
		if (sc_prule_counter(st->prog, st->ev.logs[i], st->ep, &c,
				     &idx))
			strata_ctr_add(c, idx, len);
}

static unsigned int strata_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct strata_net *sn = strata_pernet(state->net);
	const struct sc_runtime *rt = rcu_dereference(sn->runtime);
	u8 hook = (u8)(unsigned long)priv, code;
	struct strata_stats *stats;
	struct sc_verdict *v;
	struct sc_ctx ctx;
	struct sc_pkt p;
	u32 mark = skb->mark;
	bool ok, remark = false;
	u8 i;

	if (unlikely(!rt || !sn->enf))
		return NF_ACCEPT;
	ok = state->pf == NFPROTO_IPV4 ? parse4(skb, &p) : parse6(skb, &p);
	if (unlikely(!ok))
		return NF_DROP;
	ctx.hook = hook;
	ctx.ct = skb_ct_state(skb, hook);
	ctx.mark = mark;
	ctx.iif = state->in ? state->in->name : NULL;
	ctx.oif = state->out ? state->out->name : NULL;

	local_bh_disable();
	v = this_cpu_ptr(&strata_verdict);
	code = sc_decide(rt, &p, &ctx, v);
	stats = this_cpu_ptr(sn->enf->stats);
	stats->packets++;
	if (v->code != SC_V_CONTINUE || v->reason)
		stats->reasons[v->reason]++;
	if (v->n_steps) {
		stats->evaluations++;
		for (i = 0; i < v->n_steps; i++)
			count_step(&v->steps[i], p.len);
	}
	if (v->mark_mask) {
		mark = (mark & ~v->mark_mask) | (v->mark & v->mark_mask);
		remark = mark != skb->mark;
		skb->mark = mark;
	}
	if (v->n_steps || (code != SC_V_CONTINUE &&
			   v->reason != SC_R_ESTABLISHED &&
			   v->reason != SC_R_ND))
		strata_events_decided(sn, rt, skb, &p, &ctx, v);
	local_bh_enable();

	switch (code) {
	case SC_V_DROP:
		return NF_DROP;
	case SC_V_REJECT:
		reject(skb, state, &p);
		return NF_DROP;
	case SC_V_NOTRACK:
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
		break;
	default:
		break;
	}
	/* locally generated and re-marked: route again, as mangle does */
	if (remark && hook == SC_HOOK_OUTPUT) {
		int err = state->pf == NFPROTO_IPV4 ?
			ip_route_me_harder(state->net, state->sk, skb,
					   RTN_UNSPEC) :
			ip6_route_me_harder(state->net, state->sk, skb);

		if (err < 0)
			return NF_DROP_ERR(err);
	}
	return NF_ACCEPT;
}

#define HOOK(family, num, prio, stage)					\
	{								\
		.hook = strata_hook,					\
		.pf = family,						\
		.hooknum = num,						\
		.priority = prio,					\
		.priv = (void *)(unsigned long)(stage),			\
	}

static const struct nf_hook_ops strata_nf_ops[] = {
	HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_RAW + 10,
	     SC_HOOK_RAW_PRE),
	HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_RAW + 10,
	     SC_HOOK_RAW_OUT),
	HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_MANGLE + 1,
	     SC_HOOK_PREDNAT),
	HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST + 1,
	     SC_HOOK_PRE),
	HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_FILTER - 1,
	     SC_HOOK_INPUT),
	HOOK(NFPROTO_IPV4, NF_INET_FORWARD, NF_IP_PRI_FILTER - 1,
	     SC_HOOK_FORWARD),
	HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_FILTER - 1,
	     SC_HOOK_OUTPUT),
	HOOK(NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_IP6_PRI_RAW + 10,
	     SC_HOOK_RAW_PRE),
	HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_RAW + 10,
	     SC_HOOK_RAW_OUT),
	HOOK(NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_IP6_PRI_MANGLE + 1,
	     SC_HOOK_PREDNAT),
	HOOK(NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_IP6_PRI_NAT_DST + 1,
	     SC_HOOK_PRE),
	HOOK(NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_FILTER - 1,
	     SC_HOOK_INPUT),
	HOOK(NFPROTO_IPV6, NF_INET_FORWARD, NF_IP6_PRI_FILTER - 1,
	     SC_HOOK_FORWARD),
	HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_FILTER - 1,
	     SC_HOOK_OUTPUT),
};

/* The engine's enums are the uapi's: flow events report them as they are. */
static void __maybe_unused strata_hooks_build_checks(void)
{
	BUILD_BUG_ON((int)SC_HOOK_OUTPUT != (int)STRATA_HOOK_OUTPUT);
	BUILD_BUG_ON((int)SC_NHOOKS != (int)__STRATA_HOOK_MAX);
	BUILD_BUG_ON((int)SC_V_NOTRACK != (int)STRATA_VERDICT_NOTRACK);
	BUILD_BUG_ON((int)SC_R_NO_ENDPOINT != (int)STRATA_REASON_NO_ENDPOINT);
	BUILD_BUG_ON((int)SC_R_NO_ENDPOINT + 1 != (int)__STRATA_REASON_MAX);
}

/**
 * strata_hooks_register() - register the hooks of one namespace
 * @net: the namespace
 *
 * Return: 0 or a negative errno.
 */
int strata_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, strata_nf_ops,
				     ARRAY_SIZE(strata_nf_ops));
}

/**
 * strata_hooks_unregister() - unregister them; no hook runs afterwards
 * @net: the namespace
 */
void strata_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, strata_nf_ops, ARRAY_SIZE(strata_nf_ops));
}
