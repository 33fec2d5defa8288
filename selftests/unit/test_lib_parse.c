// SPDX-License-Identifier: GPL-2.0
/*
 * The stratactl grammar (libstrata's parse.c): every value type, every
 * field of every object, and the errors, with their messages, their kind
 * (usage: exit 1, invalid value: exit 2) and the word they point at; then
 * the model's checks on what was parsed (strata_op_check()).
 */
#include "test_lib_util.h"

/* Split @line at spaces and parse it. */
static int parse(const char *line, struct strata_op *op,
		 struct strata_perr *perr)
{
	static char buf[4096];
	char *argv[256], *p;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (p = strtok(buf, " "); p; p = strtok(NULL, " "))
		argv[argc++] = p;
	return strata_parse_op(argc, argv, NULL, op, perr);
}

/* @line must fail with @kind and @msg, pointing at word @arg. */
static void bad(const char *line, int kind, int arg, const char *msg)
{
	struct strata_perr perr;
	struct strata_op op;

	if (!parse(line, &op, &perr)) {
		strata_op_release(&op);
		fail_msg("accepted: %s", line);
	}
	if (strcmp(perr.msg, msg))
		fail_msg("%s: message \"%s\", expected \"%s\"", line, perr.msg,
			 msg);
	if (perr.kind != kind || perr.arg != arg)
		fail_msg("%s: kind %d arg %d, expected %d %d", line, perr.kind,
			 perr.arg, kind, arg);
	/* a failed parse holds nothing */
	assert_null(op.tier);
	assert_null(op.policy);
	assert_null(op.members);
	assert_null(op.settings);
}

static void ok(const char *line, struct strata_op *op)
{
	struct strata_perr perr;

	if (parse(line, op, &perr))
		fail_msg("%s: %s", line, perr.msg);
}

static void numbers(void **state)
{
	struct strata_perr perr;
	uint32_t v;
	uint64_t w;

	assert_int_equal(strata_parse_u32("10", &v, &perr), 0);
	assert_int_equal(v, 10);
	assert_int_equal(strata_parse_u32("0x1F", &v, &perr), 0);
	assert_int_equal(v, 31);
	assert_int_equal(strata_parse_u32("4294967295", &v, &perr), 0);
	assert_int_equal(v, UINT32_MAX);
	/* leading zeros are decimal, not octal */
	assert_int_equal(strata_parse_u32("010", &v, &perr), 0);
	assert_int_equal(v, 10);
	assert_int_equal(strata_parse_u32("4294967296", &v, &perr), -EINVAL);
	assert_string_equal(perr.msg,
			    "\"4294967296\" is out of range (0..4294967295)");
	assert_int_equal(perr.kind, STRATA_PERR_INVALID);
	assert_int_equal(strata_parse_u32("-1", &v, &perr), -EINVAL);
	assert_string_equal(perr.msg, "\"-1\" is not a number");
	assert_int_equal(strata_parse_u32("", &v, &perr), -EINVAL);
	assert_int_equal(strata_parse_u32("0x", &v, &perr), -EINVAL);
	assert_int_equal(strata_parse_u32("12a", &v, &perr), -EINVAL);
	assert_int_equal(strata_parse_u32("0xg", &v, &perr), -EINVAL);
	assert_int_equal(strata_parse_u64("0xffffffffffffffff", &w, &perr), 0);
	assert_true(w == UINT64_MAX);
	assert_int_equal(strata_parse_u64("18446744073709551616", &w, &perr),
			 -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"18446744073709551616\" is out of range (0..18446744073709551615)");
}

static void prefixes(void **state)
{
	struct strata_perr perr;
	struct strata_prefix p;

	assert_int_equal(strata_parse_prefix("10.1.0.0/16", &p, &perr), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.prefix_len, 16);
	assert_memory_equal(p.addr, "\x0a\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(strata_parse_prefix("10.0.0.5", &p, &perr), 0);
	assert_int_equal(p.prefix_len, 32);
	assert_int_equal(strata_parse_prefix("0.0.0.0/0", &p, &perr), 0);
	assert_int_equal(p.prefix_len, 0);
	assert_int_equal(strata_parse_prefix("fd00::5", &p, &perr), 0);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.prefix_len, 128);
	assert_int_equal(p.addr[0], 0xfd);
	assert_int_equal(p.addr[15], 5);
	assert_int_equal(strata_parse_prefix("2001:db8::/32", &p, &perr), 0);
	assert_int_equal(p.prefix_len, 32);

	assert_int_equal(strata_parse_prefix("10.0.0.1/8", &p, &perr), -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)");
	assert_int_equal(strata_parse_prefix("fe80::1/64", &p, &perr), -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"fe80::1/64\" has host bits set (did you mean fe80::/64?)");
	assert_int_equal(strata_parse_prefix("10.1.2.3/23", &p, &perr),
			 -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"10.1.2.3/23\" has host bits set (did you mean 10.1.2.0/23?)");
	assert_int_equal(strata_parse_prefix("10.0.0.0/33", &p, &perr),
			 -EINVAL);
	assert_string_equal(perr.msg,
			    "\"10.0.0.0/33\": prefix length must be 0..32");
	assert_int_equal(strata_parse_prefix("fd00::/129", &p, &perr), -EINVAL);
	assert_string_equal(perr.msg,
			    "\"fd00::/129\": prefix length must be 0..128");
	assert_int_equal(strata_parse_prefix("10.0.0/8", &p, &perr), -EINVAL);
	assert_string_equal(perr.msg,
			    "\"10.0.0/8\" is not an IPv4 or IPv6 address");
	assert_int_equal(strata_parse_prefix("10.0.0.0/", &p, &perr), -EINVAL);
	assert_int_equal(strata_parse_prefix("host", &p, &perr), -EINVAL);
}

static void ports_protos(void **state)
{
	struct strata_port_range r;
	struct strata_perr perr;
	uint8_t proto;
	size_t i;
	static const struct {
		const char *s;
		uint8_t p;
	} protos[] = { { "tcp", 6 },	   { "udp", 17 },	{ "icmp", 1 },
		       { "icmpv6", 58 },   { "ipv6-icmp", 58 }, { "sctp", 132 },
		       { "udplite", 136 }, { "47", 47 },	{ "255", 255 },
		       { "0x11", 17 } };

	assert_int_equal(strata_parse_ports("80", &r, &perr), 0);
	assert_int_equal(r.lo, 80);
	assert_int_equal(r.hi, 80);
	assert_int_equal(strata_parse_ports("1024:65535", &r, &perr), 0);
	assert_int_equal(r.lo, 1024);
	assert_int_equal(r.hi, 65535);
	assert_int_equal(strata_parse_ports("0", &r, &perr), 0);
	assert_int_equal(strata_parse_ports("90:80", &r, &perr), -EINVAL);
	assert_string_equal(perr.msg,
			    "\"90:80\": the first port is after the last");
	assert_int_equal(strata_parse_ports("70000", &r, &perr), -EINVAL);
	assert_string_equal(
		perr.msg, "\"70000\" is not a port (0..65535) or a range N:M");
	assert_int_equal(strata_parse_ports("80:", &r, &perr), -EINVAL);
	assert_int_equal(strata_parse_ports(":80", &r, &perr), -EINVAL);
	assert_int_equal(strata_parse_ports("http", &r, &perr), -EINVAL);

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		assert_int_equal(strata_parse_proto(protos[i].s, &proto, &perr),
				 0);
		assert_int_equal(proto, protos[i].p);
	}
	assert_int_equal(strata_parse_proto("0", &proto, &perr), -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"0\" is not a protocol (tcp, udp, icmp, icmpv6, sctp, udplite or 1..255)");
	assert_int_equal(strata_parse_proto("256", &proto, &perr), -EINVAL);
	assert_int_equal(strata_parse_proto("TCP", &proto, &perr), -EINVAL);
}

static void members_failsafes(void **state)
{
	struct strata_failsafe f;
	struct strata_perr perr;
	struct strata_member m;
	uint8_t fam;

	assert_int_equal(strata_parse_member("10.0.0.5", &m, &fam, &perr), 0);
	assert_int_equal(fam, 4);
	assert_int_equal(m.prefix_len, 32);
	assert_int_equal(m.proto, 0);
	assert_int_equal(strata_parse_member("10.0.0.0/8", &m, &fam, &perr), 0);
	assert_int_equal(m.prefix_len, 8);
	assert_int_equal(
		strata_parse_member("tcp:80@10.0.0.5", &m, &fam, &perr), 0);
	assert_int_equal(m.proto, 6);
	assert_int_equal(m.port, 80);
	assert_int_equal(m.addr[3], 5);
	assert_int_equal(strata_parse_member("udp:53@fd00::1", &m, &fam, &perr),
			 0);
	assert_int_equal(fam, 6);
	assert_int_equal(m.prefix_len, 128);
	assert_int_equal(m.proto, 17);
	assert_int_equal(m.port, 53);
	assert_int_equal(strata_parse_member("tcp@10.0.0.5", &m, &fam, &perr),
			 -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"tcp@10.0.0.5\" is not a member (ADDR, ADDR/LEN or PROTO:PORT@ADDR)");
	assert_int_equal(strata_parse_member("tcp:80@10.0.0.0/8", &m, &fam,
					     &perr),
			 -EINVAL);
	assert_int_equal(strata_parse_member("gre:1@10.0.0.1", &m, &fam, &perr),
			 -EINVAL);
	assert_int_equal(strata_parse_member("10.0.0.300", &m, &fam, &perr),
			 -EINVAL);
	assert_string_equal(perr.msg,
			    "\"10.0.0.300\" is not an IPv4 or IPv6 address");

	assert_int_equal(strata_parse_failsafe("tcp:22", &f, &perr), 0);
	assert_int_equal(f.proto, 6);
	assert_int_equal(f.port, 22);
	assert_int_equal(f.net.family, 0);
	assert_int_equal(strata_parse_failsafe("udp:68@10.0.0.0/8", &f, &perr),
			 0);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.net.family, 4);
	assert_int_equal(f.net.prefix_len, 8);
	assert_int_equal(strata_parse_failsafe("tcp", &f, &perr), -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"tcp\" is not a failsafe port (PROTO:PORT or PROTO:PORT@PREFIX)");
	assert_int_equal(strata_parse_failsafe("tcp:99999", &f, &perr),
			 -EINVAL);
	assert_int_equal(strata_parse_failsafe("tcp:22@10.0.0.1/8", &f, &perr),
			 -EINVAL);
	assert_string_equal(
		perr.msg,
		"\"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)");
}

static void tier(void **state)
{
	struct strata_op op;

	ok("tier add id 10 name security default pass", &op);
	assert_int_equal(op.type, STRATA_OP_PUT);
	assert_int_equal(op.kind, SC_OBJ_TIER);
	assert_false(op.replace);
	assert_int_equal(op.tier->id, 10);
	assert_string_equal(op.tier->name, "security");
	assert_int_equal(op.tier->default_action, STRATA_ACT_PASS);
	strata_op_release(&op);
	ok("tier replace name app id 0x20", &op);
	assert_true(op.replace);
	assert_int_equal(op.tier->id, 32);
	assert_int_equal(op.tier->default_action, STRATA_ACT_DENY);
	strata_op_release(&op);

	bad("tier add name x", STRATA_PERR_USAGE, 3,
	    "tier: \"id\" is required");
	bad("tier add id 1", STRATA_PERR_USAGE, 3,
	    "tier: \"name\" is required");
	bad("tier add id 1 id 2 name x", STRATA_PERR_USAGE, 4,
	    "\"id\" is given twice");
	bad("tier add id 0 name x", STRATA_PERR_INVALID, 3,
	    "id \"0\": ids start at 1");
	bad("tier add id 1 name x default drop", STRATA_PERR_INVALID, 7,
	    "default \"drop\": expected deny or pass");
	bad("tier add id 1 name x color red", STRATA_PERR_USAGE, 6,
	    "unknown tier keyword \"color\"");
	bad("tier add id 1 name", STRATA_PERR_USAGE, 4,
	    "\"name\" needs an argument");
	bad("tier add id 1 name "
	    "a123456789012345678901234567890123456789012345678901234567890123",
	    STRATA_PERR_INVALID, 5,
	    "name \"a123456789012345678901234567890123456789012345678901234567890123\": name is longer than 63 bytes");
	bad("tier add id 1 name caf\xc3\xa9", STRATA_PERR_INVALID, 5,
	    "name \"caf\xc3\xa9\": name has a space or a non-printable character");
	bad("tier frob", STRATA_PERR_USAGE, 1, "unknown tier command \"frob\"");
	bad("tier", STRATA_PERR_USAGE, 0, "tier: a command is needed");
	bad("tier show", STRATA_PERR_USAGE, 1, "unknown tier command \"show\"");
}

static void policy(void **state)
{
	struct sc_policy *p;
	struct sc_rule *r;
	struct strata_op op;

	/* the example of the task, and every match */
	ok("policy add id 5 name web ingress allow proto tcp dport 80,443 "
	   "src-set 7 ingress deny egress allow",
	   &op);
	p = op.policy;
	assert_int_equal(p->id, 5);
	assert_string_equal(p->name, "web");
	assert_int_equal(p->n_rules[SC_INGRESS], 2);
	assert_int_equal(p->n_rules[SC_EGRESS], 1);
	r = &p->rules[SC_INGRESS][0];
	assert_int_equal(r->action, STRATA_ACT_ALLOW);
	assert_int_equal(r->present, STRATA_IMG_RULE_F_PROTO);
	assert_int_equal(r->proto, 6);
	assert_int_equal(r->dst.n_ports, 2);
	assert_int_equal(r->dst.ports[1].lo, 443);
	assert_int_equal(r->src.n_sets, 1);
	assert_int_equal(r->src.sets[0], 7);
	assert_int_equal(p->rules[SC_INGRESS][1].action, STRATA_ACT_DENY);
	assert_int_equal(p->rules[SC_INGRESS][1].present, 0);
	assert_int_equal(p->rules[SC_EGRESS][0].action, STRATA_ACT_ALLOW);
	strata_op_release(&op);

	ok("policy replace id 6 name all "
	   "ingress log ip-version 6 proto icmpv6 icmp-type 128 icmp-code 0 "
	   "not-icmp-type 1 not-icmp-code 3 cookie 0xdeadbeefcafe "
	   "egress reject not-proto 17 ip-version 4 "
	   "src-net 10.0.0.0/8,192.168.0.0/16 src-net 172.16.0.0/12 "
	   "src-not-net 10.1.0.0/16 src-set 1,2 src-not-set 3 "
	   "dst-net 10.9.0.0/16 dst-not-net 10.9.9.9 dst-set 4 "
	   "dst-not-set 5,6 "
	   "egress pass proto udp src-port 1024:65535 src-not-port 2000 "
	   "sport 53 dst-port 53 dst-not-port 5353,5354:5355 dport 67 "
	   "src-port-set 8 src-not-port-set 9 dst-port-set 10,11 "
	   "dst-not-port-set 12",
	   &op);
	p = op.policy;
	assert_true(op.replace);
	assert_int_equal(p->n_rules[SC_INGRESS], 1);
	assert_int_equal(p->n_rules[SC_EGRESS], 2);
	r = &p->rules[SC_INGRESS][0];
	assert_int_equal(r->action, STRATA_ACT_LOG);
	assert_int_equal(r->ip_version, 6);
	assert_int_equal(r->present, STRATA_IMG_RULE_F_PROTO |
					     STRATA_IMG_RULE_F_ICMP_TYPE |
					     STRATA_IMG_RULE_F_ICMP_CODE |
					     STRATA_IMG_RULE_F_NOT_ICMP_TYPE |
					     STRATA_IMG_RULE_F_NOT_ICMP_CODE);
	assert_int_equal(r->proto, 58);
	assert_int_equal(r->icmp_type, 128);
	assert_int_equal(r->icmp_code, 0);
	assert_int_equal(r->not_icmp_type, 1);
	assert_int_equal(r->not_icmp_code, 3);
	assert_true(r->cookie == 0xdeadbeefcafeULL);
	r = &p->rules[SC_EGRESS][0];
	assert_int_equal(r->action, STRATA_ACT_REJECT);
	assert_int_equal(r->present, STRATA_IMG_RULE_F_NOT_PROTO);
	assert_int_equal(r->not_proto, 17);
	assert_int_equal(r->ip_version, 4);
	/* a repeated list keyword extends its list */
	assert_int_equal(r->src.n_nets, 3);
	assert_int_equal(r->src.nets[2].addr[0], 172);
	assert_int_equal(r->src.nets[2].prefix_len, 12);
	assert_int_equal(r->src.n_not_nets, 1);
	assert_int_equal(r->src.n_sets, 2);
	assert_int_equal(r->src.sets[1], 2);
	assert_int_equal(r->src.not_sets[0], 3);
	assert_int_equal(r->dst.nets[0].prefix_len, 16);
	assert_int_equal(r->dst.not_nets[0].prefix_len, 32);
	assert_int_equal(r->dst.sets[0], 4);
	assert_int_equal(r->dst.n_not_sets, 2);
	r = &p->rules[SC_EGRESS][1];
	assert_int_equal(r->action, STRATA_ACT_PASS);
	assert_int_equal(r->src.n_ports, 2);
	assert_int_equal(r->src.ports[0].lo, 1024);
	assert_int_equal(r->src.ports[0].hi, 65535);
	assert_int_equal(r->src.ports[1].lo, 53);
	assert_int_equal(r->src.not_ports[0].hi, 2000);
	assert_int_equal(r->dst.n_ports, 2);
	assert_int_equal(r->dst.ports[1].lo, 67);
	assert_int_equal(r->dst.n_not_ports, 2);
	assert_int_equal(r->dst.not_ports[1].lo, 5354);
	assert_int_equal(r->dst.not_ports[1].hi, 5355);
	assert_int_equal(r->src.psets[0], 8);
	assert_int_equal(r->src.not_psets[0], 9);
	assert_int_equal(r->dst.n_psets, 2);
	assert_int_equal(r->dst.not_psets[0], 12);
	strata_op_release(&op);

	ok("policy add id 7 name empty", &op);
	assert_int_equal(op.policy->n_rules[0] + op.policy->n_rules[1], 0);
	strata_op_release(&op);

	bad("policy add id 5 name web proto tcp", STRATA_PERR_USAGE, 6,
	    "unknown policy keyword \"proto\" (rules start with ingress or egress)");
	bad("policy add id 5 name web ingress accept", STRATA_PERR_INVALID, 7,
	    "ingress \"accept\": expected allow, deny, pass, log or reject");
	bad("policy add id 5 name web ingress", STRATA_PERR_USAGE, 6,
	    "\"ingress\" needs an argument");
	bad("policy add id 5 name web ingress allow proto tcp proto udp",
	    STRATA_PERR_USAGE, 10, "\"proto\" is given twice in one rule");
	bad("policy add id 5 name web ingress allow ip-version 5",
	    STRATA_PERR_INVALID, 9, "ip-version \"5\": expected 4 or 6");
	bad("policy add id 5 name web ingress allow ip-version 4 ip-version 4",
	    STRATA_PERR_USAGE, 10, "\"ip-version\" is given twice in one rule");
	bad("policy add id 5 name web ingress allow proto tcp dst-port 70000",
	    STRATA_PERR_INVALID, 11,
	    "dst-port \"70000\" is not a port (0..65535) or a range N:M");
	bad("policy add id 5 name web ingress allow src-set 0",
	    STRATA_PERR_INVALID, 9, "src-set \"0\": ids start at 1");
	bad("policy add id 5 name web ingress allow src-net 10.0.0.1/8",
	    STRATA_PERR_INVALID, 9,
	    "src-net \"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)");
	bad("policy add id 5 name web ingress allow dst-net 10.0.0.0/8,,",
	    STRATA_PERR_INVALID, 9,
	    "dst-net \"10.0.0.0/8,,\": empty list element");
	bad("policy add id 5 name web ingress allow icmp-type 255",
	    STRATA_PERR_INVALID, 9,
	    "icmp-type \"255\" is out of range (0..254)");
	bad("policy add id 5 name web ingress allow not-icmp-code 256",
	    STRATA_PERR_INVALID, 9,
	    "not-icmp-code \"256\" is out of range (0..255)");
	bad("policy add id 5 name web ingress allow not-proto 0",
	    STRATA_PERR_INVALID, 9,
	    "not-proto \"0\" is not a protocol (tcp, udp, icmp, icmpv6, sctp, udplite or 1..255)");
	bad("policy add id 5 name web ingress allow cookie", STRATA_PERR_USAGE,
	    8, "\"cookie\" needs an argument");
	bad("policy add id 5 name web ingress allow cookie 1 cookie 2",
	    STRATA_PERR_USAGE, 10, "\"cookie\" is given twice in one rule");
	bad("policy add id 5 name web ingress allow src-nets 10.0.0.0/8",
	    STRATA_PERR_USAGE, 8, "unknown rule keyword \"src-nets\"");
	bad("policy add name web ingress allow", STRATA_PERR_USAGE, 5,
	    "policy: \"id\" is required");
}

static void endpoint(void **state)
{
	struct sc_endpoint *e;
	struct strata_op op;

	ok("endpoint add id 3 name pod-a workload iface cali1234 addr 10.0.0.5 "
	   "addr fd00::5 mark 0x100000 no-match deny ingress tier 10 "
	   "policies 5,6 tier 20 policies 9 egress tier 10 policies 5 "
	   "profiles 40",
	   &op);
	e = op.endpoint;
	assert_int_equal(e->id, 3);
	assert_string_equal(e->name, "pod-a");
	assert_int_equal(e->kind, STRATA_EP_WORKLOAD);
	assert_string_equal(e->ifname, "cali1234");
	assert_int_equal(e->n_addrs, 2);
	assert_int_equal(e->addrs[1].family, 6);
	assert_int_equal(e->addrs[1].prefix_len, 128);
	assert_int_equal(e->mark, 0x100000);
	assert_int_equal(e->no_match, STRATA_ACT_DENY);
	assert_int_equal(e->lists[STRATA_LIST_INGRESS].n, 2);
	assert_int_equal(e->lists[STRATA_LIST_INGRESS].refs[0].tier, 10);
	assert_int_equal(e->lists[STRATA_LIST_INGRESS].refs[0].n_policies, 2);
	assert_int_equal(e->lists[STRATA_LIST_INGRESS].refs[0].policies[1], 6);
	assert_int_equal(e->lists[STRATA_LIST_INGRESS].refs[1].tier, 20);
	assert_int_equal(e->lists[STRATA_LIST_INGRESS].refs[1].policies[0], 9);
	assert_int_equal(e->lists[STRATA_LIST_EGRESS].n, 1);
	assert_int_equal(e->lists[STRATA_LIST_EGRESS].refs[0].policies[0], 5);
	assert_int_equal(e->n_profiles, 1);
	assert_int_equal(e->profiles[0], 40);
	assert_int_equal(e->n_spoof, 0);
	strata_op_release(&op);

	ok("endpoint replace id 4 name node kind host iface * spoof "
	   "10.9.0.0/16 no-match allow untracked-ingress tier 1 policies 2 "
	   "untracked-egress tier 1 policies 3 prednat-ingress tier 1 "
	   "policies 4 forward-ingress tier 1 policies 5 policies 6 "
	   "forward-egress tier 1 policy 7 profile 8 profiles 9,10",
	   &op);
	e = op.endpoint;
	assert_int_equal(e->kind, STRATA_EP_HOST);
	assert_string_equal(e->ifname, "*");
	assert_int_equal(e->n_spoof, 1);
	assert_int_equal(e->no_match, STRATA_ACT_ALLOW);
	assert_int_equal(e->mark, 0);
	assert_int_equal(
		e->lists[STRATA_LIST_UNTRACKED_INGRESS].refs[0].policies[0], 2);
	assert_int_equal(e->lists[STRATA_LIST_UNTRACKED_EGRESS].n, 1);
	assert_int_equal(e->lists[STRATA_LIST_PREDNAT_INGRESS].n, 1);
	assert_int_equal(
		e->lists[STRATA_LIST_FORWARD_INGRESS].refs[0].n_policies, 2);
	assert_int_equal(
		e->lists[STRATA_LIST_FORWARD_EGRESS].refs[0].policies[0], 7);
	assert_int_equal(e->n_profiles, 3);
	assert_int_equal(e->profiles[2], 10);
	strata_op_release(&op);

	bad("endpoint add id 3 name a workload iface c tier 10 policies 5",
	    STRATA_PERR_USAGE, 9,
	    "\"tier\" must follow a list keyword (ingress, egress, untracked-ingress, ...)");
	bad("endpoint add id 3 name a workload iface c ingress policies 5",
	    STRATA_PERR_USAGE, 10, "\"policies\" must follow \"tier ID\"");
	/* an endpoint keyword ends the list */
	bad("endpoint add id 3 name a workload iface c ingress mark 1 tier 10",
	    STRATA_PERR_USAGE, 12,
	    "\"tier\" must follow a list keyword (ingress, egress, untracked-ingress, ...)");
	bad("endpoint add id 3 name a workload", STRATA_PERR_USAGE, 6,
	    "endpoint: \"iface\" is required");
	bad("endpoint add id 3 name a iface c", STRATA_PERR_USAGE, 7,
	    "endpoint: \"workload\" or \"host\" is required");
	bad("endpoint add id 3 name a workload host iface c", STRATA_PERR_USAGE,
	    7, "\"kind\" is given twice");
	bad("endpoint add id 3 name a workload iface abcdefghijklmnop",
	    STRATA_PERR_INVALID, 8,
	    "iface \"abcdefghijklmnop\": interface names are 1..15 bytes");
	bad("endpoint add id 3 name a workload iface c no-match pass",
	    STRATA_PERR_INVALID, 10,
	    "no-match \"pass\": expected allow or deny");
	bad("endpoint add id 3 name a workload iface c addr 10.0.0.1/33",
	    STRATA_PERR_INVALID, 10,
	    "addr \"10.0.0.1/33\": prefix length must be 0..32");
	bad("endpoint add id 3 name a kind vm iface c", STRATA_PERR_INVALID, 7,
	    "kind \"vm\": expected workload or host");
	bad("endpoint add id 3 name a workload iface c mark x",
	    STRATA_PERR_INVALID, 10, "mark \"x\" is not a number");
	bad("endpoint add id 3 name a workload iface c ingress tier 10 "
	    "policies 5,0",
	    STRATA_PERR_INVALID, 13, "policies \"0\": ids start at 1");
}

static void ipset(void **state)
{
	struct strata_op op;

	ok("ipset add id 7 name web-clients family 4 kind net members "
	   "10.0.0.0/8,192.168.1.7",
	   &op);
	assert_int_equal(op.kind, SC_OBJ_IPSET);
	assert_int_equal(op.ipset->id, 7);
	assert_int_equal(op.ipset->family, 4);
	assert_int_equal(op.ipset->kind, STRATA_IPSET_NET);
	assert_int_equal(op.n_members, 2);
	assert_int_equal(op.members[0].prefix_len, 8);
	assert_int_equal(op.members[1].prefix_len, 32);
	assert_int_equal(op.members[1].addr[3], 7);
	strata_op_release(&op);
	ok("ipset replace members tcp:80@fd00::1 kind addr-port name np "
	   "family ipv6 id 8 members udp:53@fd00::2",
	   &op);
	assert_true(op.replace);
	assert_int_equal(op.ipset->family, 6);
	assert_int_equal(op.ipset->kind, STRATA_IPSET_ADDR_PORT);
	assert_int_equal(op.n_members, 2);
	assert_int_equal(op.members[1].proto, 17);
	strata_op_release(&op);
	ok("ipset add id 9 name e family inet kind hash:ip", &op);
	assert_int_equal(op.ipset->kind, STRATA_IPSET_ADDR);
	assert_int_equal(op.n_members, 0);
	assert_null(op.members);
	strata_op_release(&op);

	ok("ipset add-members name web-clients exist members 10.1.0.0/16", &op);
	assert_int_equal(op.type, STRATA_OP_MEMBERS);
	assert_true(op.add);
	assert_true(op.exist_ok);
	assert_int_equal(op.id, 0);
	assert_string_equal(op.name, "web-clients");
	assert_int_equal(op.n_members, 1);
	strata_op_release(&op);
	ok("ipset del-members id 7 members 10.0.0.1 members 10.0.0.2", &op);
	assert_false(op.add);
	assert_false(op.exist_ok);
	assert_int_equal(op.id, 7);
	assert_int_equal(op.n_members, 2);
	strata_op_release(&op);

	bad("ipset add id 7 name s family 4 kind addr members fd00::1",
	    STRATA_PERR_INVALID, 11,
	    "member 1 is an IPv6 address but the set is IPv4");
	bad("ipset add id 7 name s family 5 kind addr", STRATA_PERR_INVALID, 7,
	    "family \"5\": expected 4 or 6");
	bad("ipset add id 7 name s family 4 kind list", STRATA_PERR_INVALID, 9,
	    "kind \"list\": expected addr, net or addr-port");
	bad("ipset add id 7 name s kind addr", STRATA_PERR_USAGE, 7,
	    "ipset: \"family\" is required");
	bad("ipset add id 7 name s family 4", STRATA_PERR_USAGE, 7,
	    "ipset: \"kind\" is required");
	bad("ipset add id 7 name s family 4 kind addr members 10.0.0.1,x",
	    STRATA_PERR_INVALID, 11,
	    "members \"x\" is not an IPv4 or IPv6 address");
	bad("ipset add-members id 7", STRATA_PERR_USAGE, 3,
	    "ipset: \"members\" is required");
	bad("ipset add-members members 10.0.0.1", STRATA_PERR_USAGE, 3,
	    "ipset: \"id\" or \"name\" is required");
	bad("ipset add-members id 7 name s members 10.0.0.1", STRATA_PERR_USAGE,
	    4, "give \"id\" or \"name\", once");
	bad("ipset del-members id 7 forcibly members 10.0.0.1",
	    STRATA_PERR_USAGE, 4,
	    "unknown ipset del-members keyword \"forcibly\"");
}

static void del_flush(void **state)
{
	struct strata_op op;

	ok("tier del id 10", &op);
	assert_int_equal(op.type, STRATA_OP_DEL);
	assert_int_equal(op.kind, SC_OBJ_TIER);
	assert_int_equal(op.id, 10);
	strata_op_release(&op);
	ok("policy del name web", &op);
	assert_int_equal(op.kind, SC_OBJ_POLICY);
	assert_int_equal(op.id, 0);
	assert_string_equal(op.name, "web");
	strata_op_release(&op);
	ok("endpoint delete id 3", &op);
	assert_int_equal(op.kind, SC_OBJ_ENDPOINT);
	strata_op_release(&op);
	ok("ipset del id 7", &op);
	assert_int_equal(op.kind, SC_OBJ_IPSET);
	strata_op_release(&op);
	ok("flush", &op);
	assert_int_equal(op.type, STRATA_OP_FLUSH);
	strata_op_release(&op);

	bad("tier del", STRATA_PERR_USAGE, 1,
	    "tier: \"id\" or \"name\" is required");
	bad("tier del id 1 name x", STRATA_PERR_USAGE, 4,
	    "give \"id\" or \"name\", once");
	bad("tier del id 1 now", STRATA_PERR_USAGE, 4,
	    "unknown tier del keyword \"now\"");
	bad("flush all", STRATA_PERR_USAGE, 1, "flush: unexpected \"all\"");
	bad("rule add", STRATA_PERR_USAGE, 0, "unknown object \"rule\"");
}

static void settings(void **state)
{
	struct sc_settings *s;
	struct strata_op op;
	uint32_t all = 0;
	size_t i;

	ok("settings set mark-mask 0xff000000 mark-accept 0x1000000 "
	   "failsafe-in tcp:22,udp:68 failsafe-out udp:53@10.0.0.0/8 "
	   "wl-prefixes cali,tap wl-to-host accept log-rate 5 log-burst 6 "
	   "ct-invalid-drop off allow-ipip yes allow-vxlan 1 vxlan-port 8472 "
	   "flow-rate 7 flow-burst 8 limit-tiers 9 limit-policies 10 "
	   "limit-rules 11 limit-ipsets 12 limit-members 13 "
	   "limit-endpoints 14",
	   &op);
	assert_int_equal(op.type, STRATA_OP_SETTINGS);
	assert_int_equal(op.settings_mask, STRATA_SETTINGS_ALL);
	s = op.settings;
	assert_int_equal(s->mark_mask, 0xff000000);
	assert_int_equal(s->mark_accept, 0x1000000);
	assert_int_equal(s->n_failsafe_in, 2);
	assert_int_equal(s->failsafe_in[1].proto, 17);
	assert_int_equal(s->failsafe_in[1].port, 68);
	assert_int_equal(s->n_failsafe_out, 1);
	assert_int_equal(s->failsafe_out[0].net.prefix_len, 8);
	assert_int_equal(s->n_wl_prefixes, 2);
	assert_string_equal(s->wl_prefixes[1], "tap");
	assert_int_equal(s->wl_to_host, STRATA_WL_TO_HOST_ACCEPT);
	assert_int_equal(s->log_rate, 5);
	assert_int_equal(s->log_burst, 6);
	assert_int_equal(s->ct_invalid_drop, 0);
	assert_int_equal(s->allow_ipip, 1);
	assert_int_equal(s->allow_vxlan, 1);
	assert_int_equal(s->vxlan_port, 8472);
	assert_int_equal(s->flow_rate, 7);
	assert_int_equal(s->flow_burst, 8);
	assert_int_equal(s->limits.tiers, 9);
	assert_int_equal(s->limits.policies, 10);
	assert_int_equal(s->limits.rules, 11);
	assert_int_equal(s->limits.ipsets, 12);
	assert_int_equal(s->limits.members, 13);
	assert_int_equal(s->limits.endpoints, 14);
	strata_op_release(&op);
	for (i = 1; i <= STRATA_SET_A_MAX; i++) {
		assert_non_null(strata_settings_key((int)i));
		all |= STRATA_SETTINGS_F(i);
	}
	assert_int_equal(all, STRATA_SETTINGS_ALL);
	assert_null(strata_settings_key(0));

	ok("settings set failsafe-in none wl-prefixes none wl-to-host return",
	   &op);
	assert_int_equal(op.settings_mask,
			 STRATA_SETTINGS_F(STRATA_SET_A_FAILSAFE_IN) |
				 STRATA_SETTINGS_F(STRATA_SET_A_WL_PREFIXES) |
				 STRATA_SETTINGS_F(STRATA_SET_A_WL_TO_HOST));
	assert_int_equal(op.settings->n_failsafe_in, 0);
	assert_int_equal(op.settings->n_wl_prefixes, 0);
	assert_int_equal(op.settings->wl_to_host, STRATA_WL_TO_HOST_RETURN);
	strata_op_release(&op);

	bad("settings set", STRATA_PERR_USAGE, 1,
	    "settings set: give at least one setting");
	bad("settings show", STRATA_PERR_USAGE, 1,
	    "settings: only \"set\" changes settings");
	bad("settings set mtu 1500", STRATA_PERR_USAGE, 2,
	    "unknown setting \"mtu\"");
	bad("settings set log-rate 1 log-rate 2", STRATA_PERR_USAGE, 4,
	    "\"log-rate\" is given twice");
	bad("settings set allow-ipip maybe", STRATA_PERR_INVALID, 3,
	    "allow-ipip \"maybe\": expected on or off");
	bad("settings set wl-to-host reject", STRATA_PERR_INVALID, 3,
	    "wl-to-host \"reject\": expected drop, accept or return");
	bad("settings set vxlan-port 65536", STRATA_PERR_INVALID, 3,
	    "vxlan-port \"65536\" is out of range (0..65535)");
	bad("settings set wl-prefixes cali,abcdefghijklmnop",
	    STRATA_PERR_INVALID, 3,
	    "wl-prefixes \"cali,abcdefghijklmnop\": prefixes are 1..15 bytes");
	bad("settings set wl-prefixes a,b,c,d,e,f,g,h,i", STRATA_PERR_INVALID,
	    3, "wl-prefixes: at most 8 prefixes");
	bad("settings set failsafe-in tcp:22,ssh", STRATA_PERR_INVALID, 3,
	    "failsafe-in \"ssh\" is not a failsafe port (PROTO:PORT or PROTO:PORT@PREFIX)");
	bad("settings set mark-mask", STRATA_PERR_USAGE, 2,
	    "\"mark-mask\" needs an argument");
}

static void batch_lines(void **state)
{
	static const unsigned int lines[] = { 4, 4, 5, 5, 6, 6, 6 };
	char *argv[] = { "tier", "add", "id", "1", "name", "x", "default" };
	struct strata_perr perr;
	struct strata_op op;

	/* errors carry the line of the word they point at */
	assert_int_equal(strata_parse_op(7, argv, lines, &op, &perr), -EINVAL);
	assert_int_equal(perr.line, 6);
	assert_int_equal(perr.arg, 6);
	argv[3] = "x1";
	assert_int_equal(strata_parse_op(7, argv, lines, &op, &perr), -EINVAL);
	assert_int_equal(perr.line, 5);
	assert_string_equal(perr.msg, "id \"x1\" is not a number");
}

/* The model's checks, worded as the kernel words them. */
static void check_ops(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "policy add id 5 name web ingress allow dport 80",
		  "policy 5: ports need protocol TCP, UDP or SCTP" },
		{ "policy add id 5 name web ingress allow proto tcp icmp-type 8",
		  "policy 5: ICMP type and code need protocol ICMP or ICMPv6" },
		{ "policy add id 5 name web egress allow ip-version 4 "
		  "dst-net fd00::/8",
		  "policy 5: prefix family does not match" },
		{ "policy add id 5 name web ingress allow proto icmp icmp-code 1",
		  "policy 5: ICMP code needs an ICMP type" },
		{ "ipset add id 7 name s family 4 kind addr members 10.0.0.0/8",
		  "ipset 7: member 10.0.0.0/8: address set members are full-length addresses" },
		{ "ipset add id 7 name s family 4 kind addr-port members "
		  "10.0.0.1",
		  "ipset 7: member 10.0.0.1: address+port members need a full address and protocol TCP, UDP or SCTP" },
		{ "endpoint add id 3 name a workload iface c "
		  "untracked-ingress tier 1 policies 2",
		  "endpoint 3: untracked, pre-DNAT and forward policy apply to host endpoints only" },
		{ "endpoint add id 3 name a workload iface * ",
		  "endpoint 3: interface name must be a valid name" },
		{ "endpoint add id 3 name a workload iface c ingress tier 1 "
		  "policies 2 tier 1 policies 3",
		  "endpoint 3: tier listed twice in one list" },
		{ "endpoint add id 3 name a workload iface c profiles 4,4",
		  "endpoint 3: profile listed twice" },
		{ "settings set vxlan-port 0",
		  "settings: VXLAN port must not be 0" },
		{ "settings set mark-mask 0xff00 mark-accept 0x1",
		  "settings: accept mark bits must lie within the mark mask" },
		{ "settings set failsafe-in icmp:1",
		  "settings: failsafe protocol must be TCP, UDP or SCTP" },
	};
	struct strata_perr perr;
	struct strata_err err;
	struct strata_op op;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].line, &op, &perr))
			fail_msg("%s: %s", cases[i].line, perr.msg);
		assert_int_not_equal(strata_op_check(&op, &err), 0);
		if (strcmp(err.msg, cases[i].msg))
			fail_msg("%s: \"%s\", expected \"%s\"", cases[i].line,
				 err.msg, cases[i].msg);
		assert_int_equal(err.src, STRATA_ERR_LOCAL);
		strata_op_release(&op);
	}
	/* a mark alone is not checked against a mask the kernel holds */
	ok("settings set mark-accept 0x1", &op);
	assert_int_equal(strata_op_check(&op, &err), 0);
	strata_op_release(&op);
	ok("policy add id 5 name web ingress allow proto tcp dport 80", &op);
	assert_int_equal(strata_op_check(&op, &err), 0);
	strata_op_release(&op);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(prefixes),
		cmocka_unit_test(ports_protos),
		cmocka_unit_test(members_failsafes),
		cmocka_unit_test(tier),
		cmocka_unit_test(policy),
		cmocka_unit_test(endpoint),
		cmocka_unit_test(ipset),
		cmocka_unit_test(del_flush),
		cmocka_unit_test(settings),
		cmocka_unit_test(batch_lines),
		cmocka_unit_test(check_ops),
	};

	return cmocka_run_group_tests_name("lib_parse", tests, NULL, NULL);
}
