// SPDX-License-Identifier: GPL-2.0
/*
 * The naive oracle (see oracle.h). Written from the semantics in
 * include/uapi/linux/strata.h and docs/ARCHITECTURE.md, not from the
 * engine: linear walks, linear membership scans, nothing precomputed.
 */
#include <stdio.h>
#include <string.h>
#include "oracle.h"

static const struct sc_tier *o_tier(const struct o_world *w, u32 id)
{
	u32 i;

	for (i = 0; i < w->n_tiers; i++)
		if (w->tiers[i]->id == id)
			return w->tiers[i];
	return NULL;
}

static const struct sc_policy *o_policy(const struct o_world *w, u32 id)
{
	u32 i;

	for (i = 0; i < w->n_policies; i++)
		if (w->policies[i]->id == id)
			return w->policies[i];
	return NULL;
}

static const struct o_set *o_set(const struct o_world *w, u32 id)
{
	u32 i;

	for (i = 0; i < w->n_sets; i++)
		if (w->sets[i].set->id == id)
			return &w->sets[i];
	return NULL;
}

static bool o_contains(const u8 *pfx, u8 plen, const u8 *addr)
{
	u32 bit;

	for (bit = 0; bit < plen; bit++) {
		u8 m = 0x80 >> (bit % 8);

		if ((pfx[bit / 8] & m) != (addr[bit / 8] & m))
			return false;
	}
	return true;
}

static bool o_prefix_has(const struct strata_prefix *p, u8 family,
			 const u8 *addr)
{
	return p->family == family && o_contains(p->addr, p->prefix_len, addr);
}

/* Address membership: address and network sets (any member contains it). */
static bool o_in_set(const struct o_set *s, const u8 *addr)
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (o_contains(s->m[i].addr, s->m[i].prefix_len, addr))
			return true;
	return false;
}

static bool o_in_port_set(const struct o_set *s, const u8 *addr, u8 proto,
			  u16 port)
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (!memcmp(s->m[i].addr, addr, 16) && s->m[i].proto == proto &&
		    s->m[i].port == port)
			return true;
	return false;
}

static u8 set_fam(const struct o_world *w, u32 id)
{
	const struct o_set *s = o_set(w, id);

	return s ? s->set->family : 0;
}

/* Calico: a rule whose positive match lists are all of the other family
 * does not exist in this family. */
static bool o_applies(const struct o_world *w, const struct sc_rule *r, u8 fam)
{
	const struct sc_ent *sides[2] = { &r->src, &r->dst };
	u32 s, i, k;

	if (r->ip_version && r->ip_version != fam)
		return false;
	if ((r->present & STRATA_IMG_RULE_F_PROTO) &&
	    ((r->proto == 1 && fam == 6) || (r->proto == 58 && fam == 4)))
		return false;
	for (s = 0; s < 2; s++) {
		const struct sc_ent *e = sides[s];

		if (e->n_nets) {
			for (i = 0, k = 0; i < e->n_nets; i++)
				k += e->nets[i].family == fam;
			if (!k)
				return false;
		}
		if (e->n_sets) {
			for (i = 0, k = 0; i < e->n_sets; i++)
				k += set_fam(w, e->sets[i]) == fam;
			if (!k)
				return false;
		}
		if (e->n_psets && !e->n_ports) {
			for (i = 0, k = 0; i < e->n_psets; i++)
				k += set_fam(w, e->psets[i]) == fam;
			if (!k)
				return false;
		}
	}
	return true;
}

static bool o_side(const struct o_world *w, const struct sc_ent *e,
		   const struct sc_pkt *pkt, bool dst)
{
	const u8 *addr = dst ? pkt->daddr : pkt->saddr;
	u16 port = (pkt->flags & SC_PKT_L4) ? (dst ? pkt->dport : pkt->sport)
					    : 0;
	u8 fam = pkt->family;
	bool any;
	u32 i;

	if (e->n_nets) {
		any = false;
		for (i = 0; i < e->n_nets; i++)
			any |= o_prefix_has(&e->nets[i], fam, addr);
		if (!any)
			return false;
	}
	for (i = 0; i < e->n_not_nets; i++)
		if (o_prefix_has(&e->not_nets[i], fam, addr))
			return false;
	for (i = 0; i < e->n_sets; i++)
		if (set_fam(w, e->sets[i]) == fam &&
		    !o_in_set(o_set(w, e->sets[i]), addr))
			return false;
	for (i = 0; i < e->n_not_sets; i++)
		if (set_fam(w, e->not_sets[i]) == fam &&
		    o_in_set(o_set(w, e->not_sets[i]), addr))
			return false;
	if (e->n_ports || e->n_psets) {
		any = false;
		for (i = 0; i < e->n_ports; i++)
			any |= port >= e->ports[i].lo && port <= e->ports[i].hi;
		for (i = 0; i < e->n_psets; i++)
			any |= set_fam(w, e->psets[i]) == fam &&
			       o_in_port_set(o_set(w, e->psets[i]), addr,
					     pkt->proto, port);
		if (!any)
			return false;
	}
	for (i = 0; i < e->n_not_ports; i++)
		if (port >= e->not_ports[i].lo && port <= e->not_ports[i].hi)
			return false;
	for (i = 0; i < e->n_not_psets; i++)
		if (set_fam(w, e->not_psets[i]) == fam &&
		    o_in_port_set(o_set(w, e->not_psets[i]), addr, pkt->proto,
				  port))
			return false;
	return true;
}

static bool o_match(const struct o_world *w, const struct sc_rule *r,
		    const struct sc_pkt *pkt)
{
	bool l4 = pkt->flags & SC_PKT_L4;
	u8 type = l4 ? pkt->icmp_type : 0, code = l4 ? pkt->icmp_code : 0;

	if ((r->present & STRATA_IMG_RULE_F_PROTO) && r->proto != pkt->proto)
		return false;
	if ((r->present & STRATA_IMG_RULE_F_NOT_PROTO) &&
	    r->not_proto == pkt->proto)
		return false;
	if ((r->present & STRATA_IMG_RULE_F_ICMP_TYPE) && type != r->icmp_type)
		return false;
	if ((r->present & STRATA_IMG_RULE_F_ICMP_CODE) && code != r->icmp_code)
		return false;
	if ((r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE) &&
	    type == r->not_icmp_type &&
	    (!(r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE) ||
	     code == r->not_icmp_code))
		return false;
	return o_side(w, &r->src, pkt, false) && o_side(w, &r->dst, pkt, true);
}

static bool ingress_list(u8 list)
{
	return list == STRATA_LIST_INGRESS ||
	       list == STRATA_LIST_UNTRACKED_INGRESS ||
	       list == STRATA_LIST_PREDNAT_INGRESS ||
	       list == STRATA_LIST_FORWARD_INGRESS;
}

static void push(struct o_hit *arr, u32 *n, struct o_hit h)
{
	if (*n < O_MAX)
		arr[(*n)++] = h;
}

/*
 * Walk one policy's rules. Returns 0: fell through; 1: pass; 2: decided
 * (out->final set).
 */
static int o_walk(const struct o_world *w, const struct sc_policy *p, u8 dir,
		  u32 tier, const struct sc_pkt *pkt, struct o_eval *out)
{
	u32 i;

	for (i = 0; i < p->n_rules[dir]; i++) {
		const struct sc_rule *r = &p->rules[dir][i];
		struct o_hit h = { SC_ORIG_RULE, r->action, p->id, i, tier };

		if (!o_applies(w, r, pkt->family) || !o_match(w, r, pkt))
			continue;
		if (r->action == STRATA_ACT_LOG) {
			push(out->logs, &out->n_logs, h);
			continue;
		}
		if (r->action == STRATA_ACT_PASS) {
			push(out->passes, &out->n_passes, h);
			return 1;
		}
		out->final = h;
		return 2;
	}
	return 0;
}

void oracle_eval(const struct o_world *w, const struct sc_endpoint *ep, u8 list,
		 const struct sc_pkt *pkt, u8 final_action, bool force_pass,
		 bool profiles, struct o_eval *out)
{
	const struct sc_eplist *l = &ep->lists[list];
	u8 dir = ingress_list(list) ? SC_INGRESS : SC_EGRESS;
	u32 t, j;
	int r;

	memset(out, 0, sizeof(*out));
	for (t = 0; t < l->n; t++) {
		const struct sc_tier *tier = o_tier(w, l->refs[t].tier);
		struct o_hit end = { SC_ORIG_TIER_END,
				     force_pass ? STRATA_ACT_PASS
						: tier->default_action,
				     0, 0, tier->id };

		r = 0;
		for (j = 0; j < l->refs[t].n_policies && !r; j++)
			r = o_walk(w, o_policy(w, l->refs[t].policies[j]), dir,
				   tier->id, pkt, out);
		if (r == 2)
			return;
		if (r == 1)
			continue;
		/* the tier applied and nothing decided: its default */
		if (end.action == STRATA_ACT_PASS) {
			push(out->passes, &out->n_passes, end);
			continue;
		}
		out->final = end;
		return;
	}
	if (profiles)
		for (j = 0; j < ep->n_profiles; j++) {
			const struct sc_policy *p =
				o_policy(w, ep->profiles[j]);
			struct o_hit end = { SC_ORIG_PROFILE_END,
					     STRATA_ACT_PASS, p->id, 0, 0 };

			r = o_walk(w, p, dir, 0, pkt, out);
			if (r == 2)
				return;
			if (r == 0)
				push(out->passes, &out->n_passes, end);
		}
	out->final = (struct o_hit){ SC_ORIG_NO_MATCH, final_action, 0, 0, 0 };
}

static struct o_hit hit_of(const struct sc_prog *p, u32 i)
{
	const struct sc_prule *r = sc_prog_rule(p, i);
	struct o_hit h;

	h.origin = r->origin;
	h.action = r->action;
	h.policy = r->policy ? r->policy->id : 0;
	h.rule = r->origin == SC_ORIG_RULE ? r->rule : 0;
	h.tier = r->tier ? r->tier->id : 0;
	if (r->origin == SC_ORIG_PROFILE_END)
		h.tier = 0;
	return h;
}

void oracle_from_engine(const struct sc_prog *p, const struct sc_eval *ev,
			struct o_eval *out)
{
	u32 i;

	memset(out, 0, sizeof(*out));
	out->final = hit_of(p, ev->rule);
	for (i = 0; i < ev->n_logs; i++)
		push(out->logs, &out->n_logs, hit_of(p, ev->logs[i]));
	for (i = 0; i < ev->n_passes; i++)
		push(out->passes, &out->n_passes, hit_of(p, ev->passes[i]));
}

bool oracle_hit_eq(const struct o_hit *a, const struct o_hit *b)
{
	return a->origin == b->origin && a->action == b->action &&
	       a->policy == b->policy && a->rule == b->rule &&
	       a->tier == b->tier;
}

void oracle_hit_str(const struct o_hit *h, char *buf, size_t n)
{
	static const char *const orig[] = { "rule", "tier-end", "profile-end",
					    "no-match" };

	snprintf(buf, n, "%s action %u policy %u rule %u tier %u",
		 orig[h->origin & 3], h->action, h->policy, h->rule, h->tier);
}
