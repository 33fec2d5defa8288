// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: random states (sets of every kind, tiers, policies
 * with every match field, endpoints with tier lists and profiles) and
 * random packets; the engine's compiled programs must agree with the naive
 * oracle on the deciding rule, every log rule and every pass taken. After
 * the first round each state is changed in a second transaction (members
 * added and removed, a policy replaced) and checked again, which exercises
 * the address index's slots and program reuse.
 *
 * STRATA_SEED=n replays one run; STRATA_DIFF_STATES and STRATA_DIFF_PACKETS
 * scale it (defaults 1000 x 100). The seed is printed on failure.
 */
#include <time.h>
#include "engine_util.h"
#include "oracle.h"

static u64 rng;
/* Rules per policy: up to 8, or up to 400 in the "large" test. */
static u32 max_rules = 8;

static u32 rnd(u32 n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return n ? (u32)((rng * 0x2545F4914F6CDD1DULL) >> 33) % n : 0;
}

static bool chance(u32 pct)
{
	return rnd(100) < pct;
}

/* Address pools: few addresses, so that sets, nets and packets collide. */
#define NADDR 24
static u8 pool4[NADDR][16], pool6[NADDR][16];
static const u16 ports[] = { 0,	  1,	22,   53,   79,	  80,	 81,
			     443, 1000, 1024, 8080, 8443, 65534, 65535 };
static const u8 protos[] = { 6, 17, 132, 1, 58, 47, 136 };

static void init_pools(void)
{
	u32 i;

	for (i = 0; i < NADDR; i++) {
		memset(pool4[i], 0, 16);
		pool4[i][0] = i < 12 ? 10 : 192;
		pool4[i][1] = i < 12 ? 0 : 168;
		pool4[i][2] = (u8)(i % 3);
		pool4[i][3] = (u8)(1 + i * 7);
		memset(pool6[i], 0, 16);
		pool6[i][0] = 0xfd;
		pool6[i][7] = (u8)(i % 3);
		pool6[i][15] = (u8)(1 + i * 7);
	}
}

static const u8 *any_addr(u8 fam)
{
	return fam == 4 ? pool4[rnd(NADDR)] : pool6[rnd(NADDR)];
}

static struct strata_prefix rand_prefix(u8 fam)
{
	struct strata_prefix p = { .family = fam };
	u8 bits = fam == 4 ? 32 : 128, i;
	static const u8 lens4[] = { 0, 8, 16, 22, 23, 24, 30, 32 };
	static const u8 lens6[] = { 0, 8, 56, 64, 120, 126, 127, 128 };

	p.prefix_len = fam == 4 ? lens4[rnd(8)] : lens6[rnd(8)];
	memcpy(p.addr, any_addr(fam), 16);
	for (i = p.prefix_len; i < bits; i++)
		p.addr[i / 8] &= (u8) ~(0x80 >> (i % 8));
	return p;
}

/* ---- the world being generated ---------------------------------------- */

#define MAXSETS 16
#define MAXMEM	32

struct gset {
	struct sc_ipset *set; /* reference kept for the oracle */
	u32 n;
	struct strata_member m[MAXMEM];
};

struct gen {
	struct sc_state *s;
	u32 nsets, ntiers, npol, neps;
	struct gset sets[MAXSETS];
	struct o_set osets[MAXSETS];
	const struct sc_tier *tiers[4];
	const struct sc_policy *pols[16];
	const struct sc_endpoint *eps[4];
};

static struct strata_member rand_member(const struct sc_ipset *set)
{
	struct strata_member m = { 0 };
	struct strata_prefix p;

	if (set->kind == STRATA_IPSET_NET) {
		p = rand_prefix(set->family);
		memcpy(m.addr, p.addr, 16);
		m.prefix_len = p.prefix_len;
		if (chance(40)) { /* often full length */
			memcpy(m.addr, any_addr(set->family), 16);
			m.prefix_len = set->family == 4 ? 32 : 128;
		}
		return m;
	}
	memcpy(m.addr, any_addr(set->family), 16);
	m.prefix_len = set->family == 4 ? 32 : 128;
	if (set->kind == STRATA_IPSET_ADDR_PORT) {
		m.proto = rnd(2) ? 6 : 17;
		m.port = ports[rnd(ARRAY_SIZE(ports))];
	}
	return m;
}

static bool same_member(const struct strata_member *a,
			const struct strata_member *b)
{
	return !memcmp(a->addr, b->addr, 16) &&
	       a->prefix_len == b->prefix_len && a->proto == b->proto &&
	       a->port == b->port;
}

static void gen_sets(struct gen *g, struct sc_tx *tx)
{
	u32 i, j, k;

	g->nsets = 4 + rnd(MAXSETS - 3);
	for (i = 0; i < g->nsets; i++) {
		struct gset *gs = &g->sets[i];
		struct sc_ipset *set = sc_ipset_new(NULL);
		struct sc_err err;

		set->id = 100 + i;
		set->family = (i & 1) ? 6 : 4;
		set->kind = 1 + (i / 2) % 3;
		snprintf(set->name, sizeof(set->name), "s%u", i);
		gs->n = 0;
		for (j = rnd(10); j; j--) {
			struct strata_member m = rand_member(set);

			for (k = 0; k < gs->n; k++)
				if (same_member(&gs->m[k], &m))
					break;
			if (k == gs->n)
				gs->m[gs->n++] = m;
		}
		set->refs++; /* keep one for the oracle */
		gs->set = set;
		t_ok(sc_tx_put_ipset(tx, set, gs->m, gs->n, false, &err), &err);
	}
}

/* A set id of the right family and kind class, or 0 if none. */
static u32 pick_set(struct gen *g, bool port, u8 fam)
{
	u32 tries, i;

	for (tries = 0; tries < 8; tries++) {
		i = rnd(g->nsets);
		if ((g->sets[i].set->kind == STRATA_IPSET_ADDR_PORT) != port)
			continue;
		if (fam && g->sets[i].set->family != fam)
			continue;
		return g->sets[i].set->id;
	}
	return 0;
}

static u32 fill_ids(struct gen *g, u32 *out, u32 max, bool port, u8 fam)
{
	u32 n = 0, want = rnd(max + 1), id;

	while (n < want) {
		id = pick_set(g, port, fam);
		if (!id)
			break;
		out[n++] = id;
	}
	return n;
}

static void gen_ent(struct gen *g, struct sc_arena *a, struct sc_ent *e,
		    bool has_ports, u8 ipv)
{
	u32 i, n, ids[3];
	struct strata_prefix nets[3];
	struct strata_port_range pr[3];
	u8 fam = ipv;

	memset(e, 0, sizeof(*e));
	if (chance(35)) {
		n = 1 + rnd(3);
		for (i = 0; i < n; i++)
			nets[i] = rand_prefix(fam ? fam : (rnd(2) ? 6 : 4));
		e->n_nets = n;
		e->nets = sc_arena_dup(a, nets, n * sizeof(nets[0]));
	}
	if (chance(15)) {
		n = 1 + rnd(2);
		for (i = 0; i < n; i++)
			nets[i] = rand_prefix(fam ? fam : (rnd(2) ? 6 : 4));
		e->n_not_nets = n;
		e->not_nets = sc_arena_dup(a, nets, n * sizeof(nets[0]));
	}
	if (chance(35)) {
		e->n_sets = fill_ids(g, ids, 2, false, fam);
		e->sets = sc_arena_dup(a, ids, e->n_sets * sizeof(u32));
		if (!e->n_sets)
			e->sets = NULL;
	}
	if (chance(15)) {
		e->n_not_sets = fill_ids(g, ids, 2, false, fam);
		e->not_sets = sc_arena_dup(a, ids, e->n_not_sets * sizeof(u32));
	}
	if (!has_ports)
		return;
	if (chance(50)) {
		n = 1 + rnd(3);
		for (i = 0; i < n; i++) {
			u16 x = max_rules > 8 ? (u16)rnd(65536)
					      : ports[rnd(ARRAY_SIZE(ports))];
			u16 y = max_rules > 8 ? (u16)(x + rnd(50))
					      : ports[rnd(ARRAY_SIZE(ports))];

			pr[i].lo = x < y ? x : y;
			pr[i].hi = x < y ? y : x;
			if (chance(50))
				pr[i].hi = pr[i].lo;
		}
		e->n_ports = n;
		e->ports = sc_arena_dup(a, pr, n * sizeof(pr[0]));
	}
	if (chance(20)) {
		n = 1 + rnd(2);
		for (i = 0; i < n; i++) {
			pr[i].lo = ports[rnd(ARRAY_SIZE(ports))];
			pr[i].hi = pr[i].lo + (u16)rnd(3);
			if (pr[i].hi < pr[i].lo)
				pr[i].hi = pr[i].lo;
		}
		e->n_not_ports = n;
		e->not_ports = sc_arena_dup(a, pr, n * sizeof(pr[0]));
	}
	if (chance(15)) {
		e->n_psets = fill_ids(g, ids, 2, true, fam);
		e->psets = sc_arena_dup(a, ids, e->n_psets * sizeof(u32));
	}
	if (chance(8)) {
		e->n_not_psets = fill_ids(g, ids, 1, true, fam);
		e->not_psets =
			sc_arena_dup(a, ids, e->n_not_psets * sizeof(u32));
	}
}

static void gen_rule(struct gen *g, struct sc_arena *a, struct sc_rule *r)
{
	static const u8 actions[] = { STRATA_ACT_ALLOW, STRATA_ACT_ALLOW,
				      STRATA_ACT_DENY,	STRATA_ACT_DENY,
				      STRATA_ACT_PASS,	STRATA_ACT_LOG,
				      STRATA_ACT_REJECT };
	bool has_ports;

	memset(r, 0, sizeof(*r));
	r->action = actions[rnd(ARRAY_SIZE(actions))];
	r->cookie = rng;
	if (chance(20))
		r->ip_version = rnd(2) ? 4 : 6;
	if (chance(60)) {
		r->present |= STRATA_IMG_RULE_F_PROTO;
		r->proto = protos[rnd(ARRAY_SIZE(protos))];
		if (r->proto == 1 && r->ip_version == 6)
			r->proto = 58;
		if (r->proto == 58 && r->ip_version == 4)
			r->proto = 1;
	}
	if (chance(12)) {
		r->present |= STRATA_IMG_RULE_F_NOT_PROTO;
		r->not_proto = protos[rnd(ARRAY_SIZE(protos))];
	}
	if ((r->present & STRATA_IMG_RULE_F_PROTO) &&
	    (r->proto == 1 || r->proto == 58)) {
		if (chance(50)) {
			r->present |= STRATA_IMG_RULE_F_ICMP_TYPE;
			r->icmp_type = (u8)rnd(4);
			if (chance(50)) {
				r->present |= STRATA_IMG_RULE_F_ICMP_CODE;
				r->icmp_code = (u8)rnd(3);
			}
		}
		if (chance(30)) {
			r->present |= STRATA_IMG_RULE_F_NOT_ICMP_TYPE;
			r->not_icmp_type = (u8)rnd(4);
			if (chance(50)) {
				r->present |= STRATA_IMG_RULE_F_NOT_ICMP_CODE;
				r->not_icmp_code = (u8)rnd(3);
			}
		}
	}
	has_ports = (r->present & STRATA_IMG_RULE_F_PROTO) &&
		    (r->proto == 6 || r->proto == 17 || r->proto == 132);
	gen_ent(g, a, &r->src, has_ports && chance(30), r->ip_version);
	gen_ent(g, a, &r->dst, has_ports, r->ip_version);
}

static struct sc_policy *gen_policy(struct gen *g, u32 id)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_rule rules[400];
	struct sc_arena tmp;
	struct sc_err err;
	u32 d, n, i;

	sc_arena_init(&tmp, NULL);
	p->id = id;
	snprintf(p->name, sizeof(p->name), "p%u", id);
	for (d = 0; d < SC_NDIRS; d++) {
		n = rnd(max_rules + 1);
		for (i = 0; i < n; i++)
			gen_rule(g, &tmp, &rules[i]);
		t_ok(sc_policy_add_rules(p, d, rules, n, &err), &err);
	}
	sc_arena_release(&tmp);
	t_ok(sc_policy_check(p, &err), &err);
	return p;
}

static void gen_objects(struct gen *g, struct sc_tx *tx)
{
	struct sc_err err;
	u32 i, l, t, k;

	g->ntiers = 1 + rnd(4);
	for (i = 0; i < g->ntiers; i++) {
		struct sc_tier *tier = sc_tier_new(NULL);

		tier->id = 1 + i;
		tier->default_action = rnd(2) ? STRATA_ACT_DENY
					      : STRATA_ACT_PASS;
		snprintf(tier->name, sizeof(tier->name), "t%u", i);
		tier->refs++;
		g->tiers[i] = tier;
		t_ok(sc_tx_put_tier(tx, tier, false, &err), &err);
	}
	g->npol = 3 + rnd(14);
	for (i = 0; i < g->npol; i++) {
		struct sc_policy *p = gen_policy(g, 10 + i);

		p->refs++;
		g->pols[i] = p;
		t_ok(sc_tx_put_policy(tx, p, false, &err), &err);
	}
	g->neps = 1 + rnd(4);
	for (i = 0; i < g->neps; i++) {
		char ifname[16];
		struct t_ep ep;

		snprintf(ifname, sizeof(ifname), "cali%u", i);
		ep = t_ep(1 + i, STRATA_EP_WORKLOAD, ifname);
		ep.e->no_match = rnd(2) ? STRATA_ACT_ALLOW : STRATA_ACT_DENY;
		for (l = 0; l < 2; l++) {
			bool used[4] = { false };

			for (t = rnd(g->ntiers + 1); t; t--) {
				u32 tier = rnd(g->ntiers), np = 1 + rnd(3);
				u32 pids[3], n = 0;

				if (used[tier])
					continue;
				used[tier] = true;
				while (n < np) {
					u32 pid = 10 + rnd(g->npol);

					for (k = 0; k < n && pids[k] != pid;
					     k++)
						;
					if (k == n)
						pids[n++] = pid;
					else
						np--;
				}
				t_ep_tier(ep, l, 1 + tier, pids, n);
			}
		}
		if (chance(60)) {
			u32 prof[2] = { 10 + rnd(g->npol), 0 };
			u32 n = 1;

			prof[1] = 10 + rnd(g->npol);
			if (prof[1] != prof[0] && chance(50))
				n = 2;
			t_ep_profiles(ep, prof, n);
		}
		ep.e->refs++;
		g->eps[i] = ep.e;
		t_ep_put(tx, ep);
	}
}

static void oracle_world(struct gen *g, struct o_world *w)
{
	u32 i;

	for (i = 0; i < g->nsets; i++) {
		g->osets[i].set = g->sets[i].set;
		g->osets[i].n = g->sets[i].n;
		g->osets[i].m = g->sets[i].m;
	}
	w->n_tiers = g->ntiers;
	w->tiers = g->tiers;
	w->n_policies = g->npol;
	w->policies = g->pols;
	w->n_sets = g->nsets;
	w->sets = g->osets;
}

static struct sc_pkt rand_pkt(void)
{
	u8 fam = rnd(2) ? 6 : 4;
	const u8 *src = any_addr(fam), *dst = any_addr(fam);
	struct sc_pkt p = { .family = fam, .flags = SC_PKT_L4, .len = 64 };

	p.proto = protos[rnd(ARRAY_SIZE(protos))];
	if (p.proto == 1 && fam == 6)
		p.proto = 58;
	if (p.proto == 58 && fam == 4)
		p.proto = 1;
	memcpy(p.saddr, src, 16);
	memcpy(p.daddr, dst, 16);
	if (chance(10))
		p.saddr[fam == 4 ? 3 : 15] ^= 0x80; /* outside every pool */
	p.sport = chance(70) ? ports[rnd(ARRAY_SIZE(ports))] : (u16)rnd(65536);
	p.dport = chance(max_rules > 8 ? 20 : 80)
			  ? ports[rnd(ARRAY_SIZE(ports))]
			  : (u16)rnd(65536);
	p.icmp_type = (u8)rnd(4);
	p.icmp_code = (u8)rnd(3);
	if (chance(3))
		p.flags = 0; /* no transport header */
	return p;
}

static bool same_eval(const struct o_eval *eng, const struct o_eval *ora,
		      u32 eng_logs_dropped)
{
	u32 i, nl = eng->n_logs, np = eng->n_passes;

	if (!oracle_hit_eq(&eng->final, &ora->final))
		return false;
	if (eng->n_logs + eng_logs_dropped != ora->n_logs)
		return false;
	if (np !=
	    (ora->n_passes < SC_MAX_PASSES ? ora->n_passes : SC_MAX_PASSES))
		return false;
	for (i = 0; i < nl; i++)
		if (!oracle_hit_eq(&eng->logs[i], &ora->logs[i]))
			return false;
	for (i = 0; i < np; i++)
		if (!oracle_hit_eq(&eng->passes[i], &ora->passes[i]))
			return false;
	return true;
}

static void dump_ent(const char *side, const struct sc_ent *e)
{
	u32 i;

	for (i = 0; i < e->n_nets; i++)
		print_message("      %s net %u/%u %u.%u.%u.%u..%02x\n", side,
			      e->nets[i].family, e->nets[i].prefix_len,
			      e->nets[i].addr[0], e->nets[i].addr[1],
			      e->nets[i].addr[2], e->nets[i].addr[3],
			      e->nets[i].addr[15]);
	for (i = 0; i < e->n_not_nets; i++)
		print_message("      %s not-net %u/%u %u.%u.%u.%u..%02x\n",
			      side, e->not_nets[i].family,
			      e->not_nets[i].prefix_len, e->not_nets[i].addr[0],
			      e->not_nets[i].addr[1], e->not_nets[i].addr[2],
			      e->not_nets[i].addr[3], e->not_nets[i].addr[15]);
	for (i = 0; i < e->n_sets; i++)
		print_message("      %s set %u\n", side, e->sets[i]);
	for (i = 0; i < e->n_not_sets; i++)
		print_message("      %s not-set %u\n", side, e->not_sets[i]);
	for (i = 0; i < e->n_ports; i++)
		print_message("      %s port %u-%u\n", side, e->ports[i].lo,
			      e->ports[i].hi);
	for (i = 0; i < e->n_not_ports; i++)
		print_message("      %s not-port %u-%u\n", side,
			      e->not_ports[i].lo, e->not_ports[i].hi);
	for (i = 0; i < e->n_psets; i++)
		print_message("      %s port-set %u\n", side, e->psets[i]);
	for (i = 0; i < e->n_not_psets; i++)
		print_message("      %s not-port-set %u\n", side,
			      e->not_psets[i]);
}

static void dump_policy_rule(const struct gen *g, u32 pid, u8 dir, u32 ri)
{
	const struct sc_rule *r;
	u32 i;

	for (i = 0; i < g->npol && g->pols[i]->id != pid; i++)
		;
	if (i == g->npol || ri >= g->pols[i]->n_rules[dir])
		return;
	r = &g->pols[i]->rules[dir][ri];
	print_message(
		"    rule: action %u ipv %u present %#x proto %u notproto %u icmp %u/%u not %u/%u\n",
		r->action, r->ip_version, r->present, r->proto, r->not_proto,
		r->icmp_type, r->icmp_code, r->not_icmp_type, r->not_icmp_code);
	dump_ent("src", &r->src);
	dump_ent("dst", &r->dst);
}

static const struct gen *cur_gen;
static u8 cur_dir;

static void dump(const char *who, const struct o_eval *e)
{
	char buf[128];
	u32 i;

	oracle_hit_str(&e->final, buf, sizeof(buf));
	print_message("  %s: final %s\n", who, buf);
	if (e->final.origin == SC_ORIG_RULE)
		dump_policy_rule(cur_gen, e->final.policy, cur_dir,
				 e->final.rule);
	for (i = 0; i < e->n_logs; i++) {
		oracle_hit_str(&e->logs[i], buf, sizeof(buf));
		print_message("  %s: log %s\n", who, buf);
		dump_policy_rule(cur_gen, e->logs[i].policy, cur_dir,
				 e->logs[i].rule);
	}
	for (i = 0; i < e->n_passes; i++) {
		oracle_hit_str(&e->passes[i], buf, sizeof(buf));
		print_message("  %s: pass %s\n", who, buf);
	}
}

static u32 check_packets(struct gen *g, u32 npkts, u64 seed, u32 round)
{
	const struct sc_runtime *rt = sc_state_runtime(g->s);
	struct o_world w;
	u32 i, bad = 0;

	oracle_world(g, &w);
	for (i = 0; i < npkts; i++) {
		struct sc_pkt p = rand_pkt();
		const struct sc_endpoint *ep = g->eps[rnd(g->neps)];
		const struct sc_ep_rt *e = sc_runtime_ep(rt, ep->ifname);
		u8 list = rnd(2) ? STRATA_LIST_INGRESS : STRATA_LIST_EGRESS;
		const struct sc_prog *prog = e->prog[list][p.family == 6];
		struct sc_pview v;
		struct sc_eval ev;
		struct o_eval a, b;

		assert_non_null(prog);
		sc_pview_init(&v, &p, rt->aidx, rt->slot);
		sc_prog_eval(prog, &v, &ev);
		oracle_from_engine(prog, &ev, &a);
		oracle_eval(&w, e->ep, list, &p, ep->no_match, false, true, &b);
		if (same_eval(&a, &b, ev.logs_dropped))
			continue;
		cur_gen = g;
		cur_dir = list == STRATA_LIST_INGRESS ? SC_INGRESS : SC_EGRESS;
		print_message(
			"  packet src %u.%u.%u.%u..%02x dst %u.%u.%u.%u..%02x\n",
			p.saddr[0], p.saddr[1], p.saddr[2], p.saddr[3],
			p.saddr[15], p.daddr[0], p.daddr[1], p.daddr[2],
			p.daddr[3], p.daddr[15]);
		for (u32 si = 0; si < g->nsets; si++) {
			const struct gset *gs = &g->sets[si];

			for (u32 mi = 0; mi < gs->n; mi++)
				print_message(
					"  set %u (fam %u kind %u): %u.%u.%u.%u..%02x/%u p%u/%u\n",
					gs->set->id, gs->set->family,
					gs->set->kind, gs->m[mi].addr[0],
					gs->m[mi].addr[1], gs->m[mi].addr[2],
					gs->m[mi].addr[3], gs->m[mi].addr[15],
					gs->m[mi].prefix_len, gs->m[mi].proto,
					gs->m[mi].port);
		}
		print_message(
			"mismatch: seed %llu round %u packet %u endpoint %u list %u family %u proto %u sport %u dport %u icmp %u/%u\n",
			(unsigned long long)seed, round, i, ep->id, list,
			p.family, p.proto, p.sport, p.dport, p.icmp_type,
			p.icmp_code);
		dump("engine", &a);
		dump("oracle", &b);
		if (++bad > 3)
			break;
	}
	return bad;
}

/* Second round: change members and replace a policy. */
static void mutate(struct gen *g)
{
	struct sc_tx *tx = t_begin(g->s);
	struct sc_err err;
	u32 i, j, k;

	for (i = 0; i < g->nsets; i++) {
		struct gset *gs = &g->sets[i];

		if (chance(50) && gs->n) {
			/* remove a member */
			j = rnd(gs->n);
			t_ok(sc_tx_members(tx, gs->set->id, NULL, false,
					   &gs->m[j], 1, false, &err),
			     &err);
			gs->m[j] = gs->m[--gs->n];
		}
		if (chance(60) && gs->n < MAXMEM) {
			struct strata_member m = rand_member(gs->set);

			for (k = 0; k < gs->n; k++)
				if (same_member(&gs->m[k], &m))
					break;
			if (k == gs->n) {
				t_ok(sc_tx_members(tx, gs->set->id, NULL, true,
						   &m, 1, false, &err),
				     &err);
				gs->m[gs->n++] = m;
			}
		}
	}
	if (chance(70)) {
		struct sc_policy *p;

		i = rnd(g->npol);
		p = gen_policy(g, g->pols[i]->id);
		sc_policy_put((struct sc_policy *)g->pols[i]);
		p->refs++;
		g->pols[i] = p;
		t_ok(sc_tx_put_policy(tx, p, true, &err), &err);
	}
	t_commit(g->s, tx);
}

static void gen_free(struct gen *g)
{
	u32 i;

	sc_state_free(g->s);
	for (i = 0; i < g->nsets; i++)
		sc_ipset_put(g->sets[i].set);
	for (i = 0; i < g->ntiers; i++)
		sc_tier_put((struct sc_tier *)g->tiers[i]);
	for (i = 0; i < g->npol; i++)
		sc_policy_put((struct sc_policy *)g->pols[i]);
	for (i = 0; i < g->neps; i++)
		sc_endpoint_put((struct sc_endpoint *)g->eps[i]);
}

static u32 env_u32(const char *name, u32 def)
{
	const char *v = getenv(name);

	return v ? (u32)strtoul(v, NULL, 0) : def;
}

static void differential(void **state)
{
	u32 nstates = env_u32("STRATA_DIFF_STATES", 1000);
	u32 npkts = env_u32("STRATA_DIFF_PACKETS", 100);
	const char *fixed = getenv("STRATA_SEED");
	u64 base = fixed ? strtoull(fixed, NULL, 0) : (u64)time(NULL);
	u32 i, bad = 0;

	init_pools();
	print_message(
		"differential: %u states x %u packets x 2 rounds, base seed %llu\n",
		nstates, npkts, (unsigned long long)base);
	for (i = 0; i < nstates && !bad; i++) {
		u64 seed = base + i;
		struct gen g = { 0 };
		struct sc_tx *tx;

		rng = seed * 0x9E3779B97F4A7C15ULL + 1;
		g.s = t_state();
		tx = t_begin(g.s);
		gen_sets(&g, tx);
		gen_objects(&g, tx);
		t_commit(g.s, tx);
		bad += check_packets(&g, npkts, seed, 1);
		if (!bad) {
			mutate(&g);
			bad += check_packets(&g, npkts, seed, 2);
		}
		gen_free(&g);
		if (bad)
			print_message(
				"replay with STRATA_SEED=%llu STRATA_DIFF_STATES=1\n",
				(unsigned long long)seed);
	}
	assert_int_equal(bad, 0);
}

/*
 * Large programs: hundreds of rules per policy with ports spread over the
 * whole range, so interval tables grow past the sizes that get radix
 * indexes.
 */
static void differential_large(void **state)
{
	u32 nstates = env_u32("STRATA_DIFF_LARGE", 30);
	u64 base = (u64)time(NULL) ^ 0x5bd1e995;
	u32 i, bad = 0;

	if (getenv("STRATA_SEED"))
		base = strtoull(getenv("STRATA_SEED"), NULL, 0);
	max_rules = 400;
	init_pools();
	print_message(
		"differential (large): %u states x 1000 packets, base seed %llu\n",
		nstates, (unsigned long long)base);
	for (i = 0; i < nstates && !bad; i++) {
		u64 seed = base + i;
		struct gen g = { 0 };
		struct sc_tx *tx;

		rng = seed * 0x9E3779B97F4A7C15ULL + 1;
		g.s = t_state();
		tx = t_begin(g.s);
		gen_sets(&g, tx);
		gen_objects(&g, tx);
		t_commit(g.s, tx);
		bad += check_packets(&g, 1000, seed, 1);
		gen_free(&g);
		if (bad)
			print_message(
				"replay with STRATA_SEED=%llu STRATA_DIFF_LARGE=1\n",
				(unsigned long long)seed);
	}
	max_rules = 8;
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(differential),
		cmocka_unit_test(differential_large),
	};

	return cmocka_run_group_tests_name("engine_diff", tests, NULL, NULL);
}
