// SPDX-License-Identifier: GPL-2.0
/*
 * The decision's stages, hook by hook: fail closed before the first commit
 * and for unknown workload interfaces, anti-spoofing, the conntrack fast
 * path, IPv6 plumbing, tunnels, workload-to-host and host-to-workload,
 * failsafe ports, forwarding, untracked and pre-DNAT host endpoint policy,
 * and route marks.
 */
#include "engine_util.h"

#define TCP 6
#define UDP 17

static const u8 WL4[] = { 10, 0, 0, 1 };
static const u8 WL6[16] = { 0xfd, [15] = 1 };
static const u8 HOST4[] = { 192, 0, 2, 1 };
static const u8 PEER4[] = { 198, 51, 100, 7 };
static const u8 MGMT4[] = { 203, 0, 113, 5 };
static const u8 HOST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static u8 d(struct sc_state *s, const struct sc_pkt *p, u8 hook, u8 ct,
	    const char *iif, const char *oif, struct sc_verdict *v)
{
	return t_decide(s, p, hook, ct, iif, oif, v);
}

/*
 * Workload cali-a (10.0.0.1, fd00::1; may also send from 10.9.0.0/16;
 * route mark 0x100000): egress allows tcp only; ingress denies all.
 * Host endpoint "*" (mark 0x200000): ingress allows tcp 80 only, egress
 * denies udp 9; untracked ingress allows udp 5000 and denies udp 5001;
 * pre-DNAT ingress denies tcp 8081 and allows tcp 8082; forward ingress
 * denies tcp 9999 (in a tier that passes otherwise).
 */
static struct sc_state *world(void)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx = t_begin(s);
	struct t_ep ep;

	t_tier(tx, 1, STRATA_ACT_DENY);
	t_tier(tx, 2, STRATA_ACT_PASS);
	t_policy(tx, 10, ARR(struct sc_rule, { .action = STRATA_ACT_DENY }), 1,
		 ARR(struct sc_rule, { .action = STRATA_ACT_ALLOW,
				       .present = STRATA_IMG_RULE_F_PROTO,
				       .proto = TCP }),
		 1);
	t_policy(tx, 20,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 80, 80 }) } }),
		 1,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_DENY,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = UDP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9, 9 }) } },
		     { .action = STRATA_ACT_ALLOW }),
		 2);
	t_policy(tx, 30,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = UDP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 5000, 5000 }) } },
		     { .action = STRATA_ACT_DENY,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = UDP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 5001, 5001 }) } }),
		 2, NULL, 0);
	t_policy(tx, 40,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_DENY,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 8081, 8081 }) } },
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 8082, 8082 }) } }),
		 2, NULL, 0);
	t_policy(tx, 50,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_DENY,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = TCP,
		       .dst = { .n_ports = 1,
				.ports = ARR(struct strata_port_range,
					     { 9999, 9999 }) } }),
		 1, NULL, 0);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali-a");
	t_ep_addrs(ep,
		   ARR(struct strata_prefix, P4(10, 0, 0, 1, 32),
		       P6(128, 0xfd, [15] = 1)),
		   2);
	ep.e->n_spoof = 1;
	ep.e->spoof = sc_arena_dup(
		&ep.e->arena, ARR(struct strata_prefix, P4(10, 9, 0, 0, 16)),
		sizeof(struct strata_prefix));
	ep.e->mark = 0x100000;
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 10), 1);
	t_ep_tier(ep, STRATA_LIST_EGRESS, 1, ARR(u32, 10), 1);
	t_ep_put(tx, ep);
	ep = t_ep(2, STRATA_EP_HOST, "*");
	ep.e->mark = 0x200000;
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 20), 1);
	t_ep_tier(ep, STRATA_LIST_EGRESS, 1, ARR(u32, 20), 1);
	t_ep_tier(ep, STRATA_LIST_UNTRACKED_INGRESS, 2, ARR(u32, 30), 1);
	t_ep_tier(ep, STRATA_LIST_PREDNAT_INGRESS, 2, ARR(u32, 40), 1);
	t_ep_tier(ep, STRATA_LIST_FORWARD_INGRESS, 2, ARR(u32, 50), 1);
	t_ep_put(tx, ep);
	t_commit(s, tx);
	return s;
}

static void fail_closed(void **state)
{
	struct sc_state *s = t_state();
	struct sc_pkt p = t_pkt4(WL4, PEER4, TCP, 1000, 80);
	struct sc_pkt h = t_pkt4(PEER4, HOST4, TCP, 1000, 80);
	struct sc_verdict v;

	/* before the first commit: workload interfaces drop, host passes */
	assert_int_equal(d(s, &p, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_NOT_COMMITTED);
	assert_int_equal(d(s, &h, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "tap9",
			   &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &h, SC_HOOK_OUTPUT, SC_CT_NEW, NULL, "cali-a",
			   &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &h, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL, &v),
			 SC_V_CONTINUE);
	assert_int_equal(d(s, &h, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "eth1",
			   &v),
			 SC_V_CONTINUE);
	sc_state_free(s);

	s = world();
	/* after it: unknown workload interfaces still drop, both ways */
	assert_int_equal(d(s, &p, SC_HOOK_PRE, SC_CT_NEW, "cali-x", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_UNKNOWN_IFACE);
	assert_int_equal(d(s, &h, SC_HOOK_FORWARD, SC_CT_ESTABLISHED, "eth0",
			   "cali-x", &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &h, SC_HOOK_INPUT, SC_CT_NEW, "tapx", NULL, &v),
			 SC_V_DROP);
	sc_state_free(s);
}

static void from_workload(void **state)
{
	struct sc_state *s = world();
	struct sc_pkt p = t_pkt4(WL4, PEER4, TCP, 1000, 80);
	struct sc_pkt u = t_pkt4(WL4, PEER4, UDP, 1000, 80);
	struct sc_pkt sp = t_pkt4((u8[]){ 10, 0, 0, 99 }, PEER4, TCP, 1, 80);
	struct sc_pkt ok_sp = t_pkt4((u8[]){ 10, 9, 3, 4 }, PEER4, TCP, 1, 80);
	struct sc_pkt p6 = t_pkt6(WL6, HOST6, TCP, 1000, 80);
	struct sc_pkt sp6 = t_pkt6(HOST6, WL6, TCP, 1000, 80);
	struct sc_pkt ns = t_pkt6(WL6, HOST6, 58, 0, 0);
	struct sc_pkt ipip = t_pkt4(WL4, PEER4, 4, 0, 0);
	struct sc_pkt vx = t_pkt4(WL4, PEER4, UDP, 1000, 4789);
	struct sc_verdict v;
	size_t i;

	/* egress policy, with the endpoint's mark and the accept bit */
	assert_int_equal(d(s, &p, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.mark, 0x110000);
	assert_int_equal(v.mark_mask, 0xffff0000);
	assert_int_equal(d(s, &u, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.mark, 0x100000); /* no accept bit */
	/* established: accepted without evaluation, still marked */
	assert_int_equal(d(s, &u, SC_HOOK_PRE, SC_CT_ESTABLISHED, "cali-a",
			   NULL, &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.n_steps, 0);
	assert_int_equal(v.mark, 0x110000);
	/* conntrack-invalid is dropped */
	assert_int_equal(d(s, &p, SC_HOOK_PRE, SC_CT_INVALID, "cali-a", NULL,
			   &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_CT_INVALID);
	/* anti-spoofing, v4 and v6, and the allowed spoof prefix */
	assert_int_equal(d(s, &sp, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_SPOOF);
	assert_int_equal(d(s, &sp, SC_HOOK_PRE, SC_CT_ESTABLISHED, "cali-a",
			   NULL, &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &sp6, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &ok_sp, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL,
			   &v),
			 SC_V_ACCEPT);
	assert_int_equal(d(s, &p6, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_ACCEPT);
	/* neighbour discovery passes though policy would deny icmpv6 */
	ns.icmp_type = 135;
	assert_int_equal(d(s, &ns, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.reason, SC_R_ND);
	assert_int_equal(d(s, &ns, SC_HOOK_INPUT, SC_CT_NEW, "cali-a", NULL,
			   &v),
			 SC_V_ACCEPT);
	ns.icmp_type = 128; /* echo is not plumbing */
	assert_int_equal(d(s, &ns, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	/*
	 * Plumbing comes from the link-local address (or :: while tentative),
	 * which the endpoint does not list: NS, NA, RS and MLD pass anyway.
	 */
	memset(ns.saddr, 0, sizeof(ns.saddr));
	ns.saddr[0] = 0xfe;
	ns.saddr[1] = 0x80;
	ns.saddr[15] = 0x42;
	for (i = 0; i < NARR(u8, 130, 131, 132, 133, 135, 136, 143); i++) {
		ns.icmp_type = ARR(u8, 130, 131, 132, 133, 135, 136, 143)[i];
		assert_int_equal(d(s, &ns, SC_HOOK_PRE, SC_CT_NEW, "cali-a",
				   NULL, &v),
				 SC_V_ACCEPT);
		assert_int_equal(v.reason, SC_R_ND);
	}
	memset(ns.saddr, 0, sizeof(ns.saddr)); /* DAD */
	ns.icmp_type = 135;
	assert_int_equal(d(s, &ns, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.reason, SC_R_ND);
	/* RA and redirect from a workload, or echo from link-local: spoof */
	ns.saddr[0] = 0xfe;
	ns.saddr[1] = 0x80;
	ns.saddr[15] = 0x42;
	for (i = 0; i < NARR(u8, 134, 137, 128); i++) {
		ns.icmp_type = ARR(u8, 134, 137, 128)[i];
		assert_int_equal(d(s, &ns, SC_HOOK_PRE, SC_CT_NEW, "cali-a",
				   NULL, &v),
				 SC_V_DROP);
		assert_int_equal(v.reason, SC_R_SPOOF);
	}
	/* plumbing from someone else's global address is spoofed */
	ns = t_pkt6(HOST6, WL6, 58, 0, 0);
	ns.icmp_type = 135;
	assert_int_equal(d(s, &ns, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_SPOOF);
	/* tunnels from workloads */
	assert_int_equal(d(s, &ipip, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL,
			   &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_TUNNEL);
	assert_int_equal(d(s, &vx, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_TUNNEL);
	/* workload to host: Felix's default drop */
	assert_int_equal(d(s, &p, SC_HOOK_INPUT, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_WL_TO_HOST);
	assert_int_equal(d(s, &p, SC_HOOK_INPUT, SC_CT_ESTABLISHED, "cali-a",
			   NULL, &v),
			 SC_V_CONTINUE);
	/* host to its own workloads: always */
	assert_int_equal(d(s, &sp6, SC_HOOK_OUTPUT, SC_CT_NEW, NULL, "cali-a",
			   &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.reason, SC_R_HOST_TO_WL);
	sc_state_free(s);
}

static void settings_stages(void **state)
{
	struct sc_state *s = world();
	struct sc_settings set = *sc_state_settings(s);
	struct sc_pkt p = t_pkt4(WL4, HOST4, TCP, 1000, 80);
	struct sc_pkt ipip = t_pkt4(WL4, PEER4, 4, 0, 0);
	struct sc_tx *tx;
	struct sc_err err;
	struct sc_verdict v;

	tx = t_begin(s);
	set.wl_to_host = STRATA_WL_TO_HOST_ACCEPT;
	set.allow_ipip = 1;
	set.ct_invalid_drop = 0;
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), 0);
	t_commit(s, tx);
	assert_int_equal(d(s, &p, SC_HOOK_INPUT, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_ACCEPT);
	/* allowed tunnels still go through egress policy (tcp only) */
	assert_int_equal(d(s, &ipip, SC_HOOK_PRE, SC_CT_NEW, "cali-a", NULL,
			   &v),
			 SC_V_DROP);
	assert_int_equal(v.reason, SC_R_POLICY);
	assert_int_equal(d(s, &p, SC_HOOK_PRE, SC_CT_INVALID, "cali-a", NULL,
			   &v),
			 SC_V_ACCEPT);
	tx = t_begin(s);
	set.wl_to_host = STRATA_WL_TO_HOST_RETURN;
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), 0);
	t_commit(s, tx);
	assert_int_equal(d(s, &p, SC_HOOK_INPUT, SC_CT_NEW, "cali-a", NULL, &v),
			 SC_V_CONTINUE);
	sc_state_free(s);
}

static void host_endpoints(void **state)
{
	struct sc_state *s = world();
	struct sc_settings set = *sc_state_settings(s);
	struct sc_pkt web = t_pkt4(PEER4, HOST4, TCP, 1000, 80);
	struct sc_pkt web6 = t_pkt6(HOST6, HOST6, TCP, 1000, 80);
	struct sc_pkt other = t_pkt4(PEER4, HOST4, TCP, 1000, 81);
	struct sc_pkt ssh = t_pkt4(PEER4, HOST4, TCP, 1000, 22);
	struct sc_pkt dns = t_pkt4(HOST4, PEER4, UDP, 1000, 53);
	struct sc_pkt disc = t_pkt4(HOST4, PEER4, UDP, 1000, 9);
	struct sc_tx *tx;
	struct sc_err err;
	struct sc_verdict v;

	/* ingress to the host: policy, with failsafe ports always open */
	assert_int_equal(d(s, &web, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL, &v),
			 SC_V_ACCEPT);
	assert_int_equal(d(s, &web6, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_ACCEPT);
	assert_int_equal(d(s, &other, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &ssh, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL, &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.reason, SC_R_FAILSAFE);
	assert_int_equal(d(s, &other, SC_HOOK_INPUT, SC_CT_ESTABLISHED, "eth0",
			   NULL, &v),
			 SC_V_CONTINUE);
	/* loopback is never a host endpoint */
	assert_int_equal(d(s, &other, SC_HOOK_INPUT, SC_CT_NEW, "lo", NULL, &v),
			 SC_V_CONTINUE);
	/* egress from the host, marked for routing */
	assert_int_equal(d(s, &dns, SC_HOOK_OUTPUT, SC_CT_NEW, NULL, "eth0",
			   &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.reason, SC_R_FAILSAFE);
	assert_int_equal(d(s, &disc, SC_HOOK_OUTPUT, SC_CT_NEW, NULL, "eth0",
			   &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &web, SC_HOOK_OUTPUT, SC_CT_NEW, NULL, "eth0",
			   &v),
			 SC_V_ACCEPT);
	assert_int_equal(v.mark, 0x210000);
	/* a failsafe entry limited to a network */
	tx = t_begin(s);
	set.n_failsafe_in = 1;
	set.failsafe_in[0] = (struct strata_failsafe){
		.proto = TCP, .port = 22, .net = P4(203, 0, 113, 0, 24)
	};
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), 0);
	t_commit(s, tx);
	assert_int_equal(d(s, &ssh, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL, &v),
			 SC_V_DROP);
	memcpy(ssh.saddr, MGMT4, 4);
	assert_int_equal(d(s, &ssh, SC_HOOK_INPUT, SC_CT_NEW, "eth0", NULL, &v),
			 SC_V_ACCEPT);
	sc_state_free(s);
}

static void untracked_prednat_forward(void **state)
{
	struct sc_state *s = world();
	struct sc_pkt u0 = t_pkt4(PEER4, HOST4, UDP, 1000, 5000);
	struct sc_pkt u1 = t_pkt4(PEER4, HOST4, UDP, 1000, 5001);
	struct sc_pkt u2 = t_pkt4(PEER4, HOST4, UDP, 1000, 5002);
	struct sc_pkt t1 = t_pkt4(PEER4, WL4, TCP, 1000, 8081);
	struct sc_pkt t2 = t_pkt4(PEER4, WL4, TCP, 1000, 8082);
	struct sc_pkt t3 = t_pkt4(PEER4, MGMT4, TCP, 1000, 9999);
	struct sc_pkt t4 = t_pkt4(PEER4, MGMT4, TCP, 1000, 7);
	struct sc_ctx c = { .hook = SC_HOOK_INPUT,
			    .ct = SC_CT_UNTRACKED,
			    .iif = "eth0",
			    .mark = 0x10000 };
	struct sc_verdict v;

	/* untracked: allow means do not track (and mark it accepted) */
	assert_int_equal(d(s, &u0, SC_HOOK_RAW_PRE, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_NOTRACK);
	assert_int_equal(v.mark & 0x10000, 0x10000);
	assert_int_equal(d(s, &u1, SC_HOOK_RAW_PRE, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_DROP);
	/* no rule: the tier ends in pass, no opinion, normal policy later */
	assert_int_equal(d(s, &u2, SC_HOOK_RAW_PRE, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_CONTINUE);
	/* workload interfaces are not host endpoints */
	assert_int_equal(d(s, &u0, SC_HOOK_RAW_PRE, SC_CT_NEW, "cali-a", NULL,
			   &v),
			 SC_V_CONTINUE);
	/* what untracked policy allowed skips normal policy */
	assert_int_equal(sc_decide(sc_state_runtime(s), &u0, &c, &v),
			 SC_V_CONTINUE);
	/* pre-DNAT */
	assert_int_equal(d(s, &t1, SC_HOOK_PREDNAT, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &t2, SC_HOOK_PREDNAT, SC_CT_NEW, "eth0", NULL,
			   &v),
			 SC_V_ACCEPT);
	assert_int_equal(d(s, &t2, SC_HOOK_PREDNAT, SC_CT_ESTABLISHED, "eth0",
			   NULL, &v),
			 SC_V_CONTINUE);
	/* forward: host endpoint forward policy, then the workload's */
	assert_int_equal(d(s, &t3, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "eth1",
			   &v),
			 SC_V_DROP);
	assert_int_equal(d(s, &t4, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "eth1",
			   &v),
			 SC_V_CONTINUE); /* default allow */
	assert_int_equal(d(s, &t4, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "cali-a",
			   &v),
			 SC_V_DROP); /* workload denies */
	assert_int_equal(v.n_steps, 2);
	sc_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fail_closed),
		cmocka_unit_test(from_workload),
		cmocka_unit_test(settings_stages),
		cmocka_unit_test(host_endpoints),
		cmocka_unit_test(untracked_prednat_forward),
	};

	return cmocka_run_group_tests_name("engine_stages", tests, NULL, NULL);
}
