// SPDX-License-Identifier: GPL-2.0
/* Write a small valid image as a seed for image_fuzz. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "strata.h"
#include "state.h"

int main(int argc, char **argv)
{
	static const struct sc_limits caps = { 64, 256, 4096, 64, 4096, 64 };
	static const struct strata_member mem[] = {
		{ .addr = { 10, 0, 0, 0 }, .prefix_len = 8 },
		{ .addr = { 192, 0, 2, 1 }, .prefix_len = 32 },
	};
	static const struct strata_port_range port = { 80, 443 };
	static const u32 set_id = 3, pol_id = 2;
	struct sc_state *s = sc_state_new(NULL, &caps);
	struct sc_settings set = *sc_state_settings(s);
	struct sc_tier *t = sc_tier_new(NULL);
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_ipset *ip = sc_ipset_new(NULL);
	struct sc_endpoint *e = sc_endpoint_new(NULL);
	struct sc_rule r = { .action = STRATA_ACT_ALLOW,
			     .present = STRATA_IMG_RULE_F_PROTO,
			     .proto = 6 };
	struct strata_image_ipset is = { ip, mem, 2 };
	struct strata_image_in in = { .settings = &set };
	struct strata_err err;
	struct sc_err serr;
	size_t len;
	void *buf;
	FILE *f;

	t->id = 1;
	strcpy(t->name, "t");
	ip->id = set_id;
	ip->family = 4;
	ip->kind = STRATA_IPSET_NET;
	strcpy(ip->name, "s");
	r.src.n_sets = 1;
	r.src.sets = (u32 *)&set_id;
	r.dst.n_ports = 1;
	r.dst.ports = (struct strata_port_range *)&port;
	p->id = pol_id;
	strcpy(p->name, "p");
	sc_policy_add_rules(p, SC_INGRESS, &r, 1, &serr);
	e->id = 4;
	e->kind = STRATA_EP_WORKLOAD;
	strcpy(e->name, "e");
	strcpy(e->ifname, "cali0");
	e->lists[0].n = 1;
	e->lists[0].refs = sc_arena_alloc(&e->arena, sizeof(struct sc_tierref));
	e->lists[0].refs[0].tier = 1;
	e->lists[0].refs[0].n_policies = 1;
	e->lists[0].refs[0].policies = (u32 *)&pol_id;
	in.tiers = (const struct sc_tier *const *)&t;
	in.n_tiers = 1;
	in.policies = (const struct sc_policy *const *)&p;
	in.n_policies = 1;
	in.ipsets = &is;
	in.n_ipsets = 1;
	in.endpoints = (const struct sc_endpoint *const *)&e;
	in.n_endpoints = 1;
	if (argc != 2 || strata_image_build(&in, &buf, &len, &err))
		return 1;
	f = fopen(argv[1], "w");
	if (!f || fwrite(buf, 1, len, f) != len)
		return 1;
	fclose(f);
	return 0;
}
