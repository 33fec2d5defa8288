// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's semantics, case by case, in IPv4 and IPv6: tiers, pass,
 * end-of-tier and default actions, log, profiles, no-match, every match
 * field, reject, and the stages of the decision (unknown interfaces, fail
 * closed, anti-spoofing, plumbing, failsafe ports, workload-to-host,
 * forwarding, untracked, pre-DNAT, marks). Each case checks the verdict
 * and which rule decided.
 */
#include "engine_util.h"

#define TCP   6
#define UDP   17
#define ICMP  1
#define ICMP6 58

static const u8 A4[] = { 10, 0, 0, 1 }; /* the workload */
static const u8 B4[] = { 10, 0, 0, 2 }; /* another workload */
static const u8 X4[] = { 192, 168, 66, 7 }; /* a bad network */
static const u8 Y4[] = { 10, 9, 1, 1 }; /* a "pass" network */
static const u8 Z4[] = { 172, 16, 0, 9 }; /* the world */
static const u8 A6[16] = { 0xfd, [15] = 1 };
static const u8 B6[16] = { 0xfd, [15] = 2 };
static const u8 X6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x66, [15] = 7 };
static const u8 Y6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x09, [15] = 1 };
static const u8 Z6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 9 };

struct addrs {
	u8 fam;
	const u8 *a, *b, *x, *y, *z;
	u8 icmp;
};

static const struct addrs fam4 = { 4, A4, B4, X4, Y4, Z4, ICMP };
static const struct addrs fam6 = { 6, A6, B6, X6, Y6, Z6, ICMP6 };

static struct sc_pkt pkt(const struct addrs *f, const u8 *src, const u8 *dst,
			 u8 proto, u16 dport)
{
	return f->fam == 4 ? t_pkt4(src, dst, proto, 40000, dport)
			   : t_pkt6(src, dst, proto, 40000, dport);
}

static struct sc_pkt icmp(const struct addrs *f, const u8 *src, const u8 *dst,
			  u8 type, u8 code)
{
	struct sc_pkt p = pkt(f, src, dst, f->icmp, 0);

	p.icmp_type = type;
	p.icmp_code = code;
	return p;
}

/* Ingress of workload cali-a as seen when forwarding to it. */
static u8 to_a(struct sc_state *s, const struct sc_pkt *p, struct sc_verdict *v)
{
	return t_decide(s, p, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "cali-a", v);
}

/* The rule that decided the first program of @v. */
#define expect_rule(v, code, origin, policy, rule) \
	expect_rule_at(__LINE__, v, code, origin, policy, rule)

static void expect_rule_at(int line, const struct sc_verdict *v, u8 code,
			   u8 origin, u32 policy, u32 rule)
{
	const struct sc_prule *r = NULL;

	if (v->n_steps)
		r = sc_prog_rule(v->steps[v->n_steps - 1].prog,
				 v->steps[v->n_steps - 1].ev.rule);
	if (v->code != code || !r || r->origin != origin)
		print_error(
			"line %d: verdict %u (want %u), reason %u, decided by origin %d policy %u rule %u\n",
			line, v->code, code, v->reason, r ? r->origin : -1,
			r && r->policy ? r->policy->id : 0, r ? r->rule : 0);
	assert_int_equal(v->code, code);
	assert_true(v->n_steps >= 1);
	assert_int_equal(r->origin, origin);
	if (origin == SC_ORIG_RULE || origin == SC_ORIG_PROFILE_END) {
		assert_non_null(r->policy);
		assert_int_equal(r->policy->id, policy);
	}
	if (origin == SC_ORIG_RULE)
		assert_int_equal(r->rule, rule);
	if (origin == SC_ORIG_TIER_END)
		assert_int_equal(r->tier->id, policy);
}

/*
 * The tiered world:
 *   tier 1 "security" (default deny):  policy 11
 *   tier 2 "platform" (default pass):  policy 21
 *   tier 3 "app"      (default deny):  policy 31, 32 (log only)
 *   profile 41, then no-match deny
 */
static struct sc_state *tiered(void)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx = t_begin(s);
	struct t_ep ep;

	t_set(tx, 100, 4, STRATA_IPSET_NET,
	      ARR(struct strata_member, M4(172, 16, 0, 0, 16)), 1);
	t_set(tx, 101, 6, STRATA_IPSET_NET,
	      ARR(struct strata_member, M6(40, 0x20, 0x01, 0x0d, 0xb8, 0xff)),
	      1);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_tier(tx, 2, STRATA_ACT_PASS);
	t_tier(tx, 3, STRATA_ACT_DENY);
	t_policy(tx, 11,
		 ARR(struct sc_rule,
		     /* 0: deny the bad network */
		     { .action = STRATA_ACT_DENY,
		       .src = { .n_nets = 2,
				.nets = ARR(struct strata_prefix,
					    P4(192, 168, 66, 0, 24),
					    P6(40, 0x20, 0x01, 0x0d, 0xb8,
					       0x66)) } },
		     /* 1: pass the pass network to the next tier */
		     { .action = STRATA_ACT_PASS,
		       .src = { .n_nets = 2,
				.nets = ARR(struct strata_prefix,
					    P4(10, 9, 0, 0, 16),
					    P6(40, 0x20, 0x01, 0x0d, 0xb8,
					       0x09)) } },
		     /* 2: log tcp 8080 */
		     { .action = STRATA_ACT_LOG,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 8080, 8080 }) } },
		     /* 3: allow ssh from the world sets */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .src = { .n_sets = 2, .sets = ARR(u32, 100, 101) },
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 22, 22 }) } },
		     /* 4: everything else goes on to the next tier */
		     { .action = STRATA_ACT_PASS }),
		 5, NULL, 0);
	t_policy(tx, 21,
		 ARR(struct sc_rule,
		     /* 0: deny dns */
		     { .action = STRATA_ACT_DENY,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = UDP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 53, 53 }) } },
		     /* 1: allow echo requests (both families) */
		     { .action = STRATA_ACT_ALLOW,
		       .ip_version = 4,
		       .present = STRATA_IMG_RULE_F_PROTO |
				  STRATA_IMG_RULE_F_ICMP_TYPE,
		       .proto = ICMP,
		       .icmp_type = 8 },
		     { .action = STRATA_ACT_ALLOW,
		       .ip_version = 6,
		       .present = STRATA_IMG_RULE_F_PROTO |
				  STRATA_IMG_RULE_F_ICMP_TYPE,
		       .proto = ICMP6,
		       .icmp_type = 128 }),
		 3, NULL, 0);
	t_policy(tx, 31,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 2,
				.ports = ARR(struct strata_port_range,
					     { 80, 80 }, { 443, 443 }) } },
		     { .action = STRATA_ACT_REJECT,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 25, 25 }) } }),
		 2, NULL, 0);
	t_policy(tx, 32, ARR(struct sc_rule, { .action = STRATA_ACT_LOG }), 1,
		 NULL, 0);
	t_policy(tx, 41,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_PASS,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9050, 9050 }) } },
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9000, 9100 }) } }),
		 2, NULL, 0);
	t_policy(tx, 42,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9050, 9050 }) } }),
		 1, NULL, 0);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali-a");
	t_ep_addrs(ep,
		   ARR(struct strata_prefix, P4(10, 0, 0, 1, 32),
		       P6(128, 0xfd, [15] = 1)),
		   2);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 11), 1);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 2, ARR(u32, 21), 1);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 3, ARR(u32, 31, 32), 2);
	t_ep_profiles(ep, ARR(u32, 41, 42), 2);
	t_ep_put(tx, ep);
	t_commit(s, tx);
	return s;
}

static void tiers_family(const struct addrs *f)
{
	struct sc_state *s = tiered();
	struct sc_verdict v;
	struct sc_pkt p;

	/* tier order: the security tier's deny wins over later allows */
	p = pkt(f, f->x, f->a, TCP, 80);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_RULE, 11, 0);
	/* allow from a set in tier 1 */
	p = pkt(f, f->z, f->a, TCP, 22);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 11, 3);
	/* pass to the next tier, then tier 2 denies dns */
	p = pkt(f, f->y, f->a, UDP, 53);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_RULE, 21, 0);
	assert_int_equal(v.steps[0].ev.n_passes, 1);
	/* tier 2's default pass, then tier 3 allows 443 */
	p = pkt(f, f->b, f->a, TCP, 443);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 31, 0);
	assert_int_equal(v.steps[0].ev.n_passes, 2); /* rule 4, tier 2 end */
	/* icmp echo allowed by the family's own rule */
	p = icmp(f, f->b, f->a, f->fam == 4 ? 8 : 128, 0);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 21, f->fam == 4 ? 1 : 2);
	/* reject */
	p = pkt(f, f->b, f->a, TCP, 25);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_REJECT, SC_ORIG_RULE, 31, 1);
	/* end of tier 3: a log-only policy still ends in the tier's deny */
	p = pkt(f, f->b, f->a, TCP, 8080);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 3, 0);
	/* both log rules fired, in order */
	assert_int_equal(v.steps[0].ev.n_logs, 2);
	assert_int_equal(
		sc_prog_rule(v.steps[0].prog, v.steps[0].ev.logs[0])->policy->id,
		11);
	assert_int_equal(
		sc_prog_rule(v.steps[0].prog, v.steps[0].ev.logs[1])->policy->id,
		32);
	sc_state_free(s);
}

static void tiers_v4(void **state)
{
	tiers_family(&fam4);
}

static void tiers_v6(void **state)
{
	tiers_family(&fam6);
}

/* Profiles run after the tiers; pass in a profile moves to the next one. */
static void profiles_family(const struct addrs *f)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx = t_begin(s);
	struct sc_verdict v;
	struct t_ep ep;
	struct sc_pkt p;

	t_tier(tx, 2, STRATA_ACT_PASS);
	t_policy(tx, 21,
		 ARR(struct sc_rule, { .action = STRATA_ACT_DENY,
				       .present = STRATA_IMG_RULE_F_PROTO,
				       .proto = UDP }),
		 1, NULL, 0);
	t_policy(tx, 41,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_PASS,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9050, 9050 }) } },
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9000, 9100 }) } }),
		 2, NULL, 0);
	t_policy(tx, 42,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9050, 9050 }) } }),
		 1, NULL, 0);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali-a");
	t_ep_addrs(ep,
		   ARR(struct strata_prefix, P4(10, 0, 0, 1, 32),
		       P6(128, 0xfd, [15] = 1)),
		   2);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 2, ARR(u32, 21), 1);
	t_ep_profiles(ep, ARR(u32, 41, 42), 2);
	t_ep_put(tx, ep);
	/* an endpoint with nothing at all: its no-match action */
	ep = t_ep(2, STRATA_EP_WORKLOAD, "cali-b");
	t_ep_addrs(ep,
		   ARR(struct strata_prefix, P4(10, 0, 0, 2, 32),
		       P6(128, 0xfd, [15] = 2)),
		   2);
	ep.e->no_match = STRATA_ACT_ALLOW;
	t_ep_put(tx, ep);
	t_commit(s, tx);

	p = pkt(f, f->z, f->a, TCP, 9001);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 41, 1);
	p = pkt(f, f->z, f->a, TCP, 9050); /* pass in 41, allow in 42 */
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 42, 0);
	p = pkt(f, f->z, f->a, UDP, 9001); /* the tier still decides */
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_RULE, 21, 0);
	p = pkt(f, f->z, f->a, TCP, 1); /* nothing decides */
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_NO_MATCH, 0, 0);
	/* no policy at all: the endpoint's no-match action (allow here) */
	p = pkt(f, f->z, f->b, TCP, 1);
	t_decide(s, &p, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "cali-b", &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_NO_MATCH, 0, 0);
	sc_state_free(s);
}

static void profiles_v4(void **state)
{
	profiles_family(&fam4);
}

static void profiles_v6(void **state)
{
	profiles_family(&fam6);
}

/* One policy per match field; each case names the rule that should win. */
static struct sc_state *fields_world(void)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx = t_begin(s);
	struct t_ep ep;

	/* sets: 200/201 networks, 202/203 addresses, 204/205 named ports */
	t_set(tx, 200, 4, STRATA_IPSET_NET,
	      ARR(struct strata_member, M4(172, 16, 0, 0, 12),
		  M4(192, 168, 0, 0, 16)),
	      2);
	t_set(tx, 201, 6, STRATA_IPSET_NET,
	      ARR(struct strata_member, M6(32, 0x20, 0x01, 0x0d, 0xb8)), 1);
	t_set(tx, 202, 4, STRATA_IPSET_ADDR,
	      ARR(struct strata_member, M4(172, 16, 0, 9, 32)), 1);
	t_set(tx, 203, 6, STRATA_IPSET_ADDR,
	      ARR(struct strata_member,
		  M6(128, 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 9)),
	      1);
	t_set(tx, 204, 4, STRATA_IPSET_ADDR_PORT,
	      ARR(struct strata_member, { .addr = { 10, 0, 0, 1 },
					  .prefix_len = 32,
					  .proto = TCP,
					  .port = 8443 }),
	      1);
	t_set(tx, 205, 6, STRATA_IPSET_ADDR_PORT,
	      ARR(struct strata_member, { .addr = { 0xfd, [15] = 1 },
					  .prefix_len = 128,
					  .proto = TCP,
					  .port = 8443 }),
	      1);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_policy(tx, 1,
		 ARR(struct sc_rule,
		     /* 0: not-nets: anything tcp/7 except from 10/8 and
			fd00::/8 */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .src = { .n_not_nets = 2,
				.not_nets = ARR(struct strata_prefix,
						P4(10, 0, 0, 0, 8),
						P6(8, 0xfd)) },
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 7, 7 }) } },
		     /* 1: both sets (AND): network set and address set */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .src = { .n_sets = 4,
				.sets = ARR(u32, 200, 202, 201, 203) },
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 8, 8 }) } },
		     /* 2: not-sets: udp/8 from anyone not in the address sets
		      */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = UDP,
		       .src = { .n_not_sets = 2,
				.not_sets = ARR(u32, 202, 203) },
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 8, 8 }) } },
		     /* 3: named port OR numeric: tcp 9000 or the named 8443 */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9000, 9000 }),
				.n_psets = 2,
				.psets = ARR(u32, 204, 205) } },
		     /* 4: range minus not-ports: 1000-2000 but not 1500-1599 */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 1000, 2000 }),
				.n_not_ports = 1,
				.not_ports = ARR(struct strata_port_range,
						 { 1500, 1599 }) } },
		     /* 5: icmp type 3 but not code 4 (v4), ICMPv6 type 1 not 4
		      */
		     { .action = STRATA_ACT_ALLOW,
		       .ip_version = 4,
		       .present = STRATA_IMG_RULE_F_PROTO |
				  STRATA_IMG_RULE_F_ICMP_TYPE |
				  STRATA_IMG_RULE_F_NOT_ICMP_TYPE |
				  STRATA_IMG_RULE_F_NOT_ICMP_CODE,
		       .proto = ICMP,
		       .icmp_type = 3,
		       .not_icmp_type = 3,
		       .not_icmp_code = 4 },
		     { .action = STRATA_ACT_ALLOW,
		       .ip_version = 6,
		       .present = STRATA_IMG_RULE_F_PROTO |
				  STRATA_IMG_RULE_F_ICMP_TYPE |
				  STRATA_IMG_RULE_F_NOT_ICMP_TYPE |
				  STRATA_IMG_RULE_F_NOT_ICMP_CODE,
		       .proto = ICMP6,
		       .icmp_type = 1,
		       .not_icmp_type = 1,
		       .not_icmp_code = 4 },
		     /* 7: icmp type+code exact */
		     { .action = STRATA_ACT_REJECT,
		       .ip_version = 4,
		       .present = STRATA_IMG_RULE_F_PROTO |
				  STRATA_IMG_RULE_F_ICMP_TYPE |
				  STRATA_IMG_RULE_F_ICMP_CODE,
		       .proto = ICMP,
		       .icmp_type = 3,
		       .icmp_code = 4 },
		     /* 8: protocol negation: log all but tcp; allow all but udp
		      */
		     { .action = STRATA_ACT_LOG,
		       .present = STRATA_IMG_RULE_F_NOT_PROTO,
		       .not_proto = TCP },
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_NOT_PROTO,
		       .not_proto = UDP,
		       .src = { .n_nets = 2,
				.nets = ARR(struct strata_prefix,
					    P4(10, 0, 0, 0, 31),
					    P6(127, 0xfd)) } },
		     /* 10: source ports (residual): udp from port 40000 to 5 */
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = UDP,
		       .src = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 40000, 40000 }) },
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 5, 5 }) } },
		     /* 11: a v4-only rule never matches v6 */
		     { .action = STRATA_ACT_ALLOW,
		       .ip_version = 4,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 6, 6 }) } }),
		 12, NULL, 0);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali-a");
	t_ep_addrs(ep,
		   ARR(struct strata_prefix, P4(10, 0, 0, 1, 32),
		       P6(128, 0xfd, [15] = 1)),
		   2);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 1), 1);
	t_ep_put(tx, ep);
	t_commit(s, tx);
	return s;
}

static void fields_family(const struct addrs *f)
{
	struct sc_state *s = fields_world();
	bool v4 = f->fam == 4;
	struct sc_verdict v;
	struct sc_pkt p;

	/* not-nets */
	p = pkt(f, f->z, f->a, TCP, 7);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 0);
	p = pkt(f, f->b, f->a, TCP, 7);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* AND of sets: z is in the network and the address set */
	p = pkt(f, f->z, f->a, TCP, 8);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 1);
	p = pkt(f, f->x, f->a, TCP, 8); /* only in the network set (v4) */
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* not-sets */
	p = pkt(f, f->x, f->a, UDP, 8);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 2);
	p = pkt(f, f->z, f->a, UDP, 8);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* named port or numeric */
	p = pkt(f, f->z, f->a, TCP, 9000);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 3);
	p = pkt(f, f->z, f->a, TCP, 8443);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 3);
	p = pkt(f, f->z, f->b, TCP, 8443); /* the named port is a's */
	t_decide(s, &p, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "cali-a", &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* ranges and not-ports, at the edges */
	p = pkt(f, f->z, f->a, TCP, 1000);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 4);
	p = pkt(f, f->z, f->a, TCP, 2000);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 4);
	p = pkt(f, f->z, f->a, TCP, 1499);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 4);
	p = pkt(f, f->z, f->a, TCP, 1500);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	p = pkt(f, f->z, f->a, TCP, 1599);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	p = pkt(f, f->z, f->a, TCP, 2001);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* icmp type, code and their negations */
	p = icmp(f, f->z, f->a, v4 ? 3 : 1, 1);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, v4 ? 5 : 6);
	p = icmp(f, f->z, f->a, v4 ? 3 : 1, 4);
	to_a(s, &p, &v);
	if (v4)
		expect_rule(&v, SC_V_REJECT, SC_ORIG_RULE, 1, 7);
	else
		expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* protocol negation: sctp from the local /31 (and the log fires) */
	p = pkt(f, f->a, f->a, 132, 1);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 9);
	assert_int_equal(v.steps[0].ev.n_logs, 1);
	p = pkt(f, f->a, f->a, UDP, 1); /* udp is negated */
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* source ports */
	p = pkt(f, f->z, f->a, UDP, 5);
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 10);
	p.sport = 40001;
	to_a(s, &p, &v);
	expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	/* ip version */
	p = pkt(f, f->z, f->a, TCP, 6);
	to_a(s, &p, &v);
	if (v4)
		expect_rule(&v, SC_V_ACCEPT, SC_ORIG_RULE, 1, 11);
	else
		expect_rule(&v, SC_V_DROP, SC_ORIG_TIER_END, 1, 0);
	sc_state_free(s);
}

static void fields_v4(void **state)
{
	fields_family(&fam4);
}

static void fields_v6(void **state)
{
	fields_family(&fam6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiers_v4),    cmocka_unit_test(tiers_v6),
		cmocka_unit_test(profiles_v4), cmocka_unit_test(profiles_v6),
		cmocka_unit_test(fields_v4),   cmocka_unit_test(fields_v6),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
