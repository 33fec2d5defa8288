/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The per-packet decision: one function from a parsed packet, the hook it
 * was seen at, its interfaces and its conntrack state to a verdict, the
 * marks to set and a trace of what decided. The kernel's netfilter hooks
 * only parse packets and call it; stratactl explain and the tests call the
 * same function in userspace.
 */
#ifndef _STRATA_CORE_DECIDE_H
#define _STRATA_CORE_DECIDE_H

#include "core_types.h"
#include "runtime.h"
#include "prog.h"

/* struct sc_pkt flags */
#define SC_PKT_L4	0x01	/* ports or ICMP type/code are valid */

/**
 * struct sc_pkt - the fields of a packet that policy reads
 * @family: STRATA_FAMILY_IPV4 or STRATA_FAMILY_IPV6
 * @proto: IP protocol (IPv6: after extension headers)
 * @icmp_type: ICMP/ICMPv6 type, if @proto is ICMP/ICMPv6
 * @icmp_code: ICMP/ICMPv6 code
 * @flags: SC_PKT_*
 * @sport: source port, host order (TCP, UDP, SCTP, UDP-Lite)
 * @dport: destination port, host order
 * @len: bytes, for counters
 * @saddr: source address (IPv4 in the first 4 bytes, rest zero)
 * @daddr: destination address
 */
struct sc_pkt {
	u8 family;
	u8 proto;
	u8 icmp_type;
	u8 icmp_code;
	u8 flags;
	u16 sport;
	u16 dport;
	u32 len;
	u8 saddr[16];
	u8 daddr[16];
};

/**
 * enum sc_hook - where a packet is seen (docs/ARCHITECTURE.md has the
 * netfilter hooks and priorities these map to)
 * @SC_HOOK_RAW_PRE: prerouting, before conntrack: untracked ingress policy
 *                   of host endpoints
 * @SC_HOOK_RAW_OUT: output, before conntrack: untracked egress policy of
 *                   host endpoints
 * @SC_HOOK_PREDNAT: prerouting, after conntrack, before DNAT: pre-DNAT
 *                   policy of host endpoints
 * @SC_HOOK_PRE: prerouting after DNAT, before routing: everything from a
 *               workload (fail closed, anti-spoofing, tunnels, egress
 *               policy, route marks)
 * @SC_HOOK_INPUT: local delivery: workload-to-host, host endpoint ingress
 * @SC_HOOK_FORWARD: forwarding: workload ingress, host endpoint forward
 *                   policy
 * @SC_HOOK_OUTPUT: locally generated: host endpoint egress, route marks
 */
enum sc_hook {
	SC_HOOK_RAW_PRE,
	SC_HOOK_RAW_OUT,
	SC_HOOK_PREDNAT,
	SC_HOOK_PRE,
	SC_HOOK_INPUT,
	SC_HOOK_FORWARD,
	SC_HOOK_OUTPUT,
	SC_NHOOKS,
};

enum sc_ct {
	SC_CT_NEW,
	SC_CT_ESTABLISHED,
	SC_CT_RELATED,
	SC_CT_INVALID,
	SC_CT_UNTRACKED,
};

/**
 * struct sc_ctx - where and how a packet is seen
 * @hook: enum sc_hook
 * @ct: enum sc_ct
 * @mark: the packet's skb->mark as it arrived at this hook
 * @iif: input interface name, or NULL
 * @oif: output interface name, or NULL (unknown before routing)
 */
struct sc_ctx {
	u8 hook;
	u8 ct;
	u32 mark;
	const char *iif;
	const char *oif;
};

enum sc_verdict_code {
	SC_V_CONTINUE,	/* no opinion: the packet goes on */
	SC_V_ACCEPT,	/* allowed by Strata: skip Strata's later hooks */
	SC_V_DROP,
	SC_V_REJECT,	/* drop and answer (TCP RST / ICMP prohibited) */
	SC_V_NOTRACK,	/* allowed before conntrack: do not track */
};

/* Why a verdict was reached, beyond "a rule said so". */
enum sc_reason {
	SC_R_NONE,
	SC_R_POLICY,		/* a program decided: see the steps */
	SC_R_ESTABLISHED,	/* conntrack fast path */
	SC_R_CT_INVALID,
	SC_R_UNKNOWN_IFACE,	/* workload-prefix interface, no endpoint */
	SC_R_NOT_COMMITTED,	/* workload interface before the first commit */
	SC_R_SPOOF,		/* source not one of the workload's */
	SC_R_TUNNEL,		/* IP-in-IP or VXLAN from a workload */
	SC_R_FAILSAFE,
	SC_R_WL_TO_HOST,
	SC_R_HOST_TO_WL,	/* host to its own workloads: always allowed */
	SC_R_ND,		/* IPv6 ND/RS/MLD plumbing */
	SC_R_NO_ENDPOINT,	/* no endpoint involved */
};

#define SC_MAX_STEPS	4	/* programs evaluated by one decision */

/**
 * struct sc_step - one program's evaluation within a decision
 * @ep: the endpoint
 * @list: enum strata_list
 * @prog: the program
 * @ev: its outcome
 */
struct sc_step {
	const struct sc_ep_rt *ep;
	u8 list;
	const struct sc_prog *prog;
	struct sc_eval ev;
};

/**
 * struct sc_verdict - the decision
 * @code: enum sc_verdict_code
 * @reason: enum sc_reason
 * @mark: bits to set in skb->mark ...
 * @mark_mask: ... under this mask (0: leave the mark alone)
 * @ep_in: the endpoint the packet came from, if any
 * @ep_out: the endpoint the packet goes to, if any
 * @n_steps: programs evaluated
 * @steps: their outcomes, in order
 */
struct sc_verdict {
	u8 code;
	u8 reason;
	u32 mark;
	u32 mark_mask;
	const struct sc_ep_rt *ep_in;
	const struct sc_ep_rt *ep_out;
	u8 n_steps;
	struct sc_step steps[SC_MAX_STEPS];
};

u8 sc_decide(const struct sc_runtime *rt, const struct sc_pkt *pkt,
	     const struct sc_ctx *ctx, struct sc_verdict *v);

#endif /* _STRATA_CORE_DECIDE_H */
