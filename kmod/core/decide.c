// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The per-packet decision (see decide.h). Calico's semantics, stage by
 * stage; docs/ARCHITECTURE.md shows which netfilter hook calls which stage.
 *
 * DOC: Stages and the accept mark
 *
 * A packet meets Strata at several hooks. An allow at an early stage
 * (untracked or pre-DNAT host endpoint policy) means the later stages skip
 * it; that is carried from hook to hook in the packet's mark (the accept
 * bits of the settings), as Calico does. The accept bits are also set on
 * every packet a workload or host endpoint policy allows, together with the
 * endpoint's route mark, before the routing decision they steer.
 */
#include "core_types.h"
#include "model.h"
#include "runtime.h"
#include "prog.h"
#include "decide.h"

static bool is_workload_if(const struct sc_settings *s, const char *ifname)
{
	u32 i;

	if (!ifname)
		return false;
	for (i = 0; i < s->n_wl_prefixes; i++) {
		const char *p = s->wl_prefixes[i];
		size_t n = strnlen(p, STRATA_IFNAME_LEN);

		if (!strncmp(ifname, p, n))
			return true;
	}
	return false;
}

/* The host endpoint for a host interface: its own, else the "*" one. */
static const struct sc_ep_rt *host_ep(const struct sc_runtime *rt,
				      const struct sc_ep_rt *e,
				      const char *ifname)
{
	if (e)
		return e->ep->kind == STRATA_EP_HOST ? e : NULL;
	if (!ifname || !strcmp(ifname, "lo"))
		return NULL;
	return rt->host_star;
}

static bool failsafe_hit(const struct strata_failsafe *f, u32 n,
			 const struct sc_pkt *pkt, u16 port,
			 const u8 *peer)
{
	u32 i;

	if (!(pkt->flags & SC_PKT_L4))
		return false;
	for (i = 0; i < n; i++)
		if (f[i].proto == pkt->proto && f[i].port == port &&
		    (!f[i].net.family ||
		     sc_prefix_contains(&f[i].net, pkt->family, peer)))
			return true;
	return false;
}

static bool failsafe_in(const struct sc_settings *s, const struct sc_pkt *pkt)
{
	return failsafe_hit(s->failsafe_in, s->n_failsafe_in, pkt, pkt->dport,
			    pkt->saddr);
}

static bool failsafe_out(const struct sc_settings *s, const struct sc_pkt *pkt)
{
	return failsafe_hit(s->failsafe_out, s->n_failsafe_out, pkt,
			    pkt->dport, pkt->daddr);
}

/* Replies of failsafe connections, for the untracked stage (no conntrack). */
static bool failsafe_reply_in(const struct sc_settings *s,
			      const struct sc_pkt *pkt)
{
	return failsafe_hit(s->failsafe_out, s->n_failsafe_out, pkt,
			    pkt->sport, pkt->saddr);
}

static bool failsafe_reply_out(const struct sc_settings *s,
			       const struct sc_pkt *pkt)
{
	return failsafe_hit(s->failsafe_in, s->n_failsafe_in, pkt, pkt->sport,
			    pkt->daddr);
}

static bool addr_in(const struct strata_prefix *p, u32 n, u8 family,
		    const u8 *addr)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (sc_prefix_contains(&p[i], family, addr))
			return true;
	return false;
}

static bool spoofed(const struct sc_endpoint *ep, const struct sc_pkt *pkt)
{
	return !addr_in(ep->addrs, ep->n_addrs, pkt->family, pkt->saddr) &&
	       !addr_in(ep->spoof, ep->n_spoof, pkt->family, pkt->saddr);
}

/*
 * IPv6 plumbing a workload needs under any policy, as Felix allows it:
 * MLD (130-132, 143), router solicitation (133), neighbour solicitation
 * and advertisement (135, 136). Router advertisements and redirects from
 * a workload are not plumbing: they are how a rogue workload would steal
 * traffic, so policy decides them.
 */
static bool nd_plumbing(const struct sc_pkt *pkt)
{
	if (pkt->family != STRATA_FAMILY_IPV6 || pkt->proto != 58 ||
	    !(pkt->flags & SC_PKT_L4))
		return false;
	switch (pkt->icmp_type) {
	case 130: case 131: case 132: case 143:	/* MLD */
	case 133:				/* RS */
	case 135: case 136:			/* NS, NA */
		return true;
	}
	return false;
}

/*
 * ND and MLD are sent from the link-local address, or from :: while
 * an address is tentative: sources no endpoint lists, and which never
 * leave the link, so anti-spoofing exempts them for plumbing only.
 */
static bool nd_local_source(const struct sc_pkt *pkt)
{
	static const u8 zero[16];

	return (pkt->saddr[0] == 0xfe && (pkt->saddr[1] & 0xc0) == 0x80) ||
	       !memcmp(pkt->saddr, zero, sizeof(zero));
}

static bool tunnel(const struct sc_settings *s, const struct sc_pkt *pkt)
{
	if (pkt->proto == 4 || pkt->proto == 41)	/* IP-in-IP, 6in4 */
		return !s->allow_ipip;
	if (pkt->proto == 17 && (pkt->flags & SC_PKT_L4) &&
	    pkt->dport == s->vxlan_port)
		return !s->allow_vxlan;
	return false;
}

static u8 action_code(u8 action)
{
	switch (action) {
	case STRATA_ACT_ALLOW:
		return SC_V_ACCEPT;
	case STRATA_ACT_DENY:
		return SC_V_DROP;
	case STRATA_ACT_REJECT:
		return SC_V_REJECT;
	default:
		return SC_V_CONTINUE;
	}
}

/* Evaluate endpoint @e's list @list; returns its verdict code. */
static u8 run(struct sc_verdict *v, struct sc_pview *pv,
	      const struct sc_ep_rt *e, u8 list)
{
	const struct sc_prog *p = e->prog[list][pv->pkt->family ==
						STRATA_FAMILY_IPV6];
	struct sc_step *st;

	if (!p || v->n_steps == SC_MAX_STEPS)
		return SC_V_CONTINUE;
	st = &v->steps[v->n_steps++];
	st->ep = e;
	st->list = list;
	st->prog = p;
	sc_prog_eval(p, pv, &st->ev);
	v->reason = SC_R_POLICY;
	return action_code(st->ev.action);
}

static u8 done(struct sc_verdict *v, u8 code, u8 reason)
{
	v->code = code;
	if (reason)
		v->reason = reason;
	return code;
}

/* Route marks: the endpoint's value, and the accept bits if allowed. */
static void set_mark(struct sc_verdict *v, const struct sc_settings *s,
		     const struct sc_ep_rt *e)
{
	v->mark_mask = s->mark_mask;
	v->mark = (e ? e->ep->mark : 0) & s->mark_mask;
	if (v->code == SC_V_ACCEPT || v->code == SC_V_NOTRACK)
		v->mark |= s->mark_accept & s->mark_mask;
}

static bool accepted_before(const struct sc_settings *s,
			    const struct sc_ctx *c)
{
	return s->mark_accept && (c->mark & s->mark_accept) == s->mark_accept;
}

/* Untracked policy of a host endpoint, before conntrack. */
static u8 stage_untracked(const struct sc_runtime *rt, struct sc_pview *pv,
			  const struct sc_ep_rt *hep, u8 list, bool failsafe,
			  struct sc_verdict *v)
{
	u8 code;

	if (!hep || failsafe)
		return done(v, SC_V_CONTINUE, failsafe ? SC_R_FAILSAFE : 0);
	code = run(v, pv, hep, list);
	if (code == SC_V_ACCEPT) {
		done(v, SC_V_NOTRACK, 0);
		set_mark(v, &rt->settings, NULL);
		return v->code;
	}
	return done(v, code, 0);
}

u8 sc_decide(const struct sc_runtime *rt, const struct sc_pkt *pkt,
	     const struct sc_ctx *c, struct sc_verdict *v)
{
	const struct sc_settings *s = &rt->settings;
	const struct sc_ep_rt *in_ep, *out_ep, *hin, *hout;
	bool in_wl, out_wl, est, denied = false, allowed = false;
	struct sc_pview pv;
	u8 code;

	v->code = SC_V_CONTINUE;
	v->reason = SC_R_NONE;
	v->mark = 0;
	v->mark_mask = 0;
	v->n_steps = 0;
	sc_pview_init(&pv, pkt, rt->aidx, rt->slot);

	in_ep = c->iif ? sc_runtime_ep(rt, c->iif) : NULL;
	out_ep = c->oif ? sc_runtime_ep(rt, c->oif) : NULL;
	in_wl = is_workload_if(s, c->iif);
	out_wl = is_workload_if(s, c->oif);
	if (in_ep && in_ep->ep->kind != STRATA_EP_WORKLOAD)
		in_wl = false;
	if (out_ep && out_ep->ep->kind != STRATA_EP_WORKLOAD)
		out_wl = false;
	v->ep_in = in_ep;
	v->ep_out = out_ep;
	hin = in_wl ? NULL : host_ep(rt, in_ep, c->iif);
	hout = out_wl ? NULL : host_ep(rt, out_ep, c->oif);
	est = c->ct == SC_CT_ESTABLISHED || c->ct == SC_CT_RELATED;

	switch (c->hook) {
	case SC_HOOK_RAW_PRE:
		if (in_wl)
			return done(v, SC_V_CONTINUE, 0);
		return stage_untracked(rt, &pv, hin,
				       STRATA_LIST_UNTRACKED_INGRESS,
				       failsafe_in(s, pkt) ||
				       failsafe_reply_in(s, pkt), v);
	case SC_HOOK_RAW_OUT:
		if (out_wl)
			return done(v, SC_V_CONTINUE, 0);
		return stage_untracked(rt, &pv, hout,
				       STRATA_LIST_UNTRACKED_EGRESS,
				       failsafe_out(s, pkt) ||
				       failsafe_reply_out(s, pkt), v);
	case SC_HOOK_PREDNAT:
		if (in_wl || !hin || est || accepted_before(s, c) ||
		    c->ct == SC_CT_UNTRACKED)
			return done(v, SC_V_CONTINUE, 0);
		if (failsafe_in(s, pkt))
			return done(v, SC_V_CONTINUE, SC_R_FAILSAFE);
		code = run(v, &pv, hin, STRATA_LIST_PREDNAT_INGRESS);
		done(v, code, 0);
		if (code == SC_V_ACCEPT)
			set_mark(v, s, NULL);
		return v->code;
	case SC_HOOK_PRE:
		if (!in_wl)
			return done(v, SC_V_CONTINUE, 0);
		if (!in_ep)
			return done(v, SC_V_DROP, rt->generation ?
				    SC_R_UNKNOWN_IFACE : SC_R_NOT_COMMITTED);
		if (c->ct == SC_CT_INVALID && s->ct_invalid_drop)
			return done(v, SC_V_DROP, SC_R_CT_INVALID);
		if (nd_plumbing(pkt) && (nd_local_source(pkt) ||
					 !spoofed(in_ep->ep, pkt))) {
			done(v, SC_V_ACCEPT, SC_R_ND);
		} else if (spoofed(in_ep->ep, pkt)) {
			done(v, SC_V_DROP, SC_R_SPOOF);
		} else if (est) {
			done(v, SC_V_ACCEPT, SC_R_ESTABLISHED);
		} else if (tunnel(s, pkt)) {
			done(v, SC_V_DROP, SC_R_TUNNEL);
		} else {
			code = run(v, &pv, in_ep, STRATA_LIST_EGRESS);
			/* the egress list always decides (no-match action) */
			done(v, code == SC_V_CONTINUE ? SC_V_DROP : code, 0);
		}
		set_mark(v, s, in_ep);
		return v->code;
	case SC_HOOK_INPUT:
		if (in_wl) {
			if (!in_ep)
				return done(v, SC_V_DROP, rt->generation ?
					    SC_R_UNKNOWN_IFACE :
					    SC_R_NOT_COMMITTED);
			if (est)
				return done(v, SC_V_CONTINUE,
					    SC_R_ESTABLISHED);
			if (nd_plumbing(pkt))
				return done(v, SC_V_ACCEPT, SC_R_ND);
			switch (s->wl_to_host) {
			case STRATA_WL_TO_HOST_ACCEPT:
				return done(v, SC_V_ACCEPT, SC_R_WL_TO_HOST);
			case STRATA_WL_TO_HOST_RETURN:
				return done(v, SC_V_CONTINUE,
					    SC_R_WL_TO_HOST);
			default:
				return done(v, SC_V_DROP, SC_R_WL_TO_HOST);
			}
		}
		if (!hin || accepted_before(s, c) || c->ct == SC_CT_UNTRACKED)
			return done(v, SC_V_CONTINUE, 0);
		if (est)
			return done(v, SC_V_CONTINUE, SC_R_ESTABLISHED);
		if (c->ct == SC_CT_INVALID && s->ct_invalid_drop)
			return done(v, SC_V_DROP, SC_R_CT_INVALID);
		if (failsafe_in(s, pkt))
			return done(v, SC_V_ACCEPT, SC_R_FAILSAFE);
		code = run(v, &pv, hin, STRATA_LIST_INGRESS);
		return done(v, code == SC_V_CONTINUE ? SC_V_DROP : code, 0);
	case SC_HOOK_FORWARD:
		if ((in_wl && !in_ep) || (out_wl && !out_ep))
			return done(v, SC_V_DROP, rt->generation ?
				    SC_R_UNKNOWN_IFACE : SC_R_NOT_COMMITTED);
		if (est)
			return done(v, SC_V_CONTINUE, SC_R_ESTABLISHED);
		if (c->ct == SC_CT_INVALID && s->ct_invalid_drop)
			return done(v, SC_V_DROP, SC_R_CT_INVALID);
		/* host endpoint forward policy in (unless pre-DNAT allowed) */
		if (hin && !accepted_before(s, c)) {
			code = run(v, &pv, hin, STRATA_LIST_FORWARD_INGRESS);
			denied |= code == SC_V_DROP || code == SC_V_REJECT;
			allowed |= code == SC_V_ACCEPT;
			if (denied)
				return done(v, code, 0);
		}
		if (out_wl) {
			code = run(v, &pv, out_ep, STRATA_LIST_INGRESS);
			if (code != SC_V_ACCEPT)
				return done(v, code == SC_V_CONTINUE ?
					    SC_V_DROP : code, 0);
			allowed = true;
		}
		if (hout) {
			code = run(v, &pv, hout, STRATA_LIST_FORWARD_EGRESS);
			if (code == SC_V_DROP || code == SC_V_REJECT)
				return done(v, code, 0);
			allowed |= code == SC_V_ACCEPT;
		}
		return done(v, allowed ? SC_V_ACCEPT : SC_V_CONTINUE, 0);
	case SC_HOOK_OUTPUT:
		if (out_wl) {
			if (!out_ep)
				return done(v, SC_V_DROP, rt->generation ?
					    SC_R_UNKNOWN_IFACE :
					    SC_R_NOT_COMMITTED);
			return done(v, SC_V_ACCEPT, SC_R_HOST_TO_WL);
		}
		if (!hout || accepted_before(s, c) || c->ct == SC_CT_UNTRACKED)
			return done(v, SC_V_CONTINUE, 0);
		if (est) {
			done(v, SC_V_ACCEPT, SC_R_ESTABLISHED);
		} else if (c->ct == SC_CT_INVALID && s->ct_invalid_drop) {
			return done(v, SC_V_DROP, SC_R_CT_INVALID);
		} else if (failsafe_out(s, pkt)) {
			done(v, SC_V_ACCEPT, SC_R_FAILSAFE);
		} else {
			code = run(v, &pv, hout, STRATA_LIST_EGRESS);
			done(v, code == SC_V_CONTINUE ? SC_V_DROP : code, 0);
		}
		set_mark(v, s, hout);
		return v->code;
	}
	return done(v, SC_V_CONTINUE, 0);
}
