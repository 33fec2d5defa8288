/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for libstrata's unit tests: model objects that use every field
 * (and pass the core's checks), and netlink message walking.
 */
#ifndef STRATA_TEST_LIB_UTIL_H
#define STRATA_TEST_LIB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include "strata.h"
#include "strata_text.h"
#include "nl.h"

#define TL_ARR(type, ...) ((type[]){ __VA_ARGS__ })
#define TL_N(type, ...)	  (sizeof(TL_ARR(type, __VA_ARGS__)) / sizeof(type))

#define TL_P4(a, b, c, d, len)   \
	((struct strata_prefix){ \
		.addr = { a, b, c, d }, .family = 4, .prefix_len = len })
#define TL_P6(len, ...)          \
	((struct strata_prefix){ \
		.addr = { __VA_ARGS__ }, .family = 6, .prefix_len = len })

/* Fail the test, naming the first difference. */
#define assert_equal_obj(fn, a, b)                            \
	do {                                                  \
		char why_[256] = "";                          \
		if (!fn(a, b, why_, sizeof(why_)))            \
			fail_msg("objects differ: %s", why_); \
	} while (0)

static inline void *tl_dup(struct sc_arena *a, const void *p, size_t size)
{
	void *q = sc_arena_dup(a, p, size);

	assert_non_null(q);
	return q;
}

#define TL_LIST(a, field, nfield, type, ...)                       \
	do {                                                       \
		nfield = TL_N(type, __VA_ARGS__);                  \
		field = tl_dup(a, TL_ARR(type, __VA_ARGS__),       \
			       sizeof(TL_ARR(type, __VA_ARGS__))); \
	} while (0)

/*
 * Rule @i of a family of valid rules that between them use every field
 * of struct sc_rule; lists live in @a.
 */
static inline void tl_rule(struct sc_arena *a, struct sc_rule *r, uint32_t i)
{
	memset(r, 0, sizeof(*r));
	r->action = (uint8_t)(STRATA_ACT_ALLOW + i % STRATA_ACT_MAX);
	r->cookie = i % 7 ? (uint64_t)i * 0x100000001ULL : 0;
	switch (i % 6) {
	case 0:
		r->present = STRATA_IMG_RULE_F_PROTO;
		r->proto = 6;
		TL_LIST(a, r->src.nets, r->src.n_nets, struct strata_prefix,
			TL_P4(10, (uint8_t)i, 0, 0, 16),
			TL_P4(192, 168, 1, 7, 32));
		TL_LIST(a, r->src.not_nets, r->src.n_not_nets,
			struct strata_prefix, TL_P4(10, (uint8_t)i, 9, 0, 24));
		TL_LIST(a, r->dst.ports, r->dst.n_ports,
			struct strata_port_range, { 80, 80 }, { 443, 445 });
		TL_LIST(a, r->src.sets, r->src.n_sets, uint32_t, 7, i + 100);
		TL_LIST(a, r->dst.not_sets, r->dst.n_not_sets, uint32_t, 8);
		break;
	case 1:
		r->ip_version = 4;
		r->present = STRATA_IMG_RULE_F_PROTO |
			     STRATA_IMG_RULE_F_ICMP_TYPE |
			     STRATA_IMG_RULE_F_ICMP_CODE |
			     STRATA_IMG_RULE_F_NOT_ICMP_TYPE |
			     STRATA_IMG_RULE_F_NOT_ICMP_CODE;
		r->proto = 1;
		r->icmp_type = 8;
		r->icmp_code = 0;
		r->not_icmp_type = 3;
		r->not_icmp_code = (uint8_t)(i % 16);
		TL_LIST(a, r->dst.nets, r->dst.n_nets, struct strata_prefix,
			TL_P4(172, 16, 0, 0, 12));
		break;
	case 2:
		r->ip_version = 6;
		r->present = STRATA_IMG_RULE_F_NOT_PROTO;
		r->not_proto = 17;
		TL_LIST(a, r->dst.nets, r->dst.n_nets, struct strata_prefix,
			TL_P6(64, 0xfd, 0, 0, 0, 0, 0, 0, (uint8_t)i));
		TL_LIST(a, r->dst.not_nets, r->dst.n_not_nets,
			struct strata_prefix,
			TL_P6(128, 0xfd, 0, 0, 0, 0, 0, 0, (uint8_t)i, 0, 0, 0,
			      0, 0, 0, 0, 5));
		TL_LIST(a, r->src.not_sets, r->src.n_not_sets, uint32_t, 9, 10,
			11);
		break;
	case 3:
		r->present = STRATA_IMG_RULE_F_PROTO;
		r->proto = 17;
		TL_LIST(a, r->src.ports, r->src.n_ports,
			struct strata_port_range, { 1024, 65535 });
		TL_LIST(a, r->src.not_ports, r->src.n_not_ports,
			struct strata_port_range, { 2000, 2001 });
		TL_LIST(a, r->dst.not_ports, r->dst.n_not_ports,
			struct strata_port_range, { 53, 53 });
		TL_LIST(a, r->dst.psets, r->dst.n_psets, uint32_t, 12);
		TL_LIST(a, r->dst.not_psets, r->dst.n_not_psets, uint32_t, 13);
		TL_LIST(a, r->src.psets, r->src.n_psets, uint32_t, 14);
		TL_LIST(a, r->src.not_psets, r->src.n_not_psets, uint32_t, 15);
		break;
	case 4:
		r->ip_version = 6;
		r->present = STRATA_IMG_RULE_F_PROTO |
			     STRATA_IMG_RULE_F_ICMP_TYPE;
		r->proto = 58;
		r->icmp_type = 128;
		break;
	default:
		break;
	}
}

/* A policy with @n_in ingress and @n_eg egress rules (tl_rule()). */
static inline struct sc_policy *tl_policy(uint32_t id, uint32_t n_in,
					  uint32_t n_eg)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_arena a;
	struct sc_rule *r;
	struct sc_err e;
	uint32_t d, i, n;

	assert_non_null(p);
	p->id = id;
	snprintf(p->name, sizeof(p->name), "policy-%u", id);
	for (d = 0; d < SC_NDIRS; d++) {
		n = d ? n_eg : n_in;
		if (!n)
			continue;
		sc_arena_init(&a, NULL);
		r = calloc(n, sizeof(*r));
		assert_non_null(r);
		for (i = 0; i < n; i++)
			tl_rule(&a, &r[i], i + d * 3);
		assert_int_equal(sc_policy_add_rules(p, d, r, n, &e), 0);
		free(r);
		sc_arena_release(&a);
	}
	return p;
}

static inline struct sc_tier *tl_tier(uint32_t id, uint8_t def)
{
	struct sc_tier *t = sc_tier_new(NULL);

	assert_non_null(t);
	t->id = id;
	t->default_action = def;
	snprintf(t->name, sizeof(t->name), "tier-%u", id);
	return t;
}

static inline struct sc_ipset *tl_ipset(uint32_t id, uint8_t family,
					uint8_t kind)
{
	struct sc_ipset *s = sc_ipset_new(NULL);

	assert_non_null(s);
	s->id = id;
	s->family = family;
	s->kind = kind;
	snprintf(s->name, sizeof(s->name), "set-%u", id);
	return s;
}

/* @n distinct members valid for a set of @family and @kind. */
static inline struct strata_member *tl_members(uint8_t family, uint8_t kind,
					       uint32_t n)
{
	struct strata_member *m = calloc(n ? n : 1, sizeof(*m));
	uint8_t bits = family == 6 ? 128 : 32;
	uint32_t i;

	assert_non_null(m);
	for (i = 0; i < n; i++) {
		if (family == 6) {
			m[i].addr[0] = 0xfd;
			m[i].addr[13] = (uint8_t)(i >> 16);
			m[i].addr[14] = (uint8_t)(i >> 8);
			m[i].addr[15] = (uint8_t)i;
		} else {
			m[i].addr[0] = 10;
			m[i].addr[1] = (uint8_t)(i >> 16);
			m[i].addr[2] = (uint8_t)(i >> 8);
			m[i].addr[3] = (uint8_t)i;
		}
		m[i].prefix_len = bits;
		if (kind == STRATA_IPSET_NET && i % 3 == 0 && family == 6) {
			/* a network of its own: fd01::i:0/120 */
			m[i].addr[1] = 1;
			m[i].addr[12] = (uint8_t)(i >> 16);
			m[i].addr[13] = (uint8_t)(i >> 8);
			m[i].addr[14] = (uint8_t)i;
			m[i].addr[15] = 0;
			m[i].prefix_len = 120;
		} else if (kind == STRATA_IPSET_NET && i % 3 == 0) {
			/* 11.x.y.z/30, distinct for every i */
			m[i].addr[0] = 11;
			m[i].addr[1] = (uint8_t)(i >> 14);
			m[i].addr[2] = (uint8_t)(i >> 6);
			m[i].addr[3] = (uint8_t)((i & 0x3f) << 2);
			m[i].prefix_len = 30;
		}
		if (kind == STRATA_IPSET_ADDR_PORT) {
			m[i].proto = i % 2 ? 17 : 6;
			m[i].port = (uint16_t)(1 + i % 60000);
		}
	}
	return m;
}

/* A workload (or host) endpoint using every field. */
static inline struct sc_endpoint *tl_endpoint(uint32_t id, bool host)
{
	struct sc_endpoint *e = sc_endpoint_new(NULL);
	struct sc_arena *a;
	unsigned int l;

	assert_non_null(e);
	a = &e->arena;
	e->id = id;
	snprintf(e->name, sizeof(e->name), "ep-%u", id);
	e->kind = host ? STRATA_EP_HOST : STRATA_EP_WORKLOAD;
	snprintf(e->ifname, sizeof(e->ifname), host ? "eth%u" : "cali%u", id);
	e->mark = 0x1000000 * (id % 8); /* within tl_settings()'s mask */
	e->no_match = id % 2 ? STRATA_ACT_ALLOW : STRATA_ACT_DENY;
	TL_LIST(a, e->addrs, e->n_addrs, struct strata_prefix,
		TL_P4(10, 0, 0, (uint8_t)id, 32),
		TL_P6(128, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		      (uint8_t)id));
	TL_LIST(a, e->spoof, e->n_spoof, struct strata_prefix,
		TL_P4(10, 99, 0, 0, 16));
	TL_LIST(a, e->profiles, e->n_profiles, uint32_t, 40, 41);
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		struct sc_tierref refs[2] = { 0 };

		if (!host && l >= STRATA_LIST_UNTRACKED_INGRESS)
			break;
		refs[0].tier = 10;
		TL_LIST(a, refs[0].policies, refs[0].n_policies, uint32_t, 5,
			6 + l);
		refs[1].tier = 20;
		TL_LIST(a, refs[1].policies, refs[1].n_policies, uint32_t, 9);
		e->lists[l].n = l % 2 ? 1 : 2;
		e->lists[l].refs = tl_dup(a, refs, sizeof(refs));
	}
	return e;
}

/* Settings that differ from the defaults in every field. */
static inline void tl_settings(struct sc_settings *s)
{
	static const struct sc_limits caps = { 100,  1000,    100000,
					       1000, 1000000, 1000 };
	uint32_t i;

	sc_settings_default(s, &caps);
	s->mark_mask = 0xff000000;
	s->mark_accept = 0x01000000;
	s->log_rate = 5;
	s->log_burst = 7;
	s->flow_rate = 11;
	s->flow_burst = 13;
	s->wl_to_host = STRATA_WL_TO_HOST_RETURN;
	s->ct_invalid_drop = 0;
	s->allow_ipip = 1;
	s->allow_vxlan = 1;
	s->vxlan_port = 8472;
	s->n_wl_prefixes = 3;
	memset(s->wl_prefixes, 0, sizeof(s->wl_prefixes));
	strcpy(s->wl_prefixes[0], "cali");
	strcpy(s->wl_prefixes[1], "tap");
	strcpy(s->wl_prefixes[2], "veth123456789ab");
	s->n_failsafe_in = 3;
	s->failsafe_in[2].net = TL_P4(10, 0, 0, 0, 8);
	s->n_failsafe_out = 2;
	for (i = 0; i < 2; i++) {
		s->failsafe_out[i].proto = 132;
		s->failsafe_out[i].port = (uint16_t)(9000 + i);
		s->failsafe_out[i].net = TL_P6(32, 0x20, 0x01, 0x0d, 0xb8);
	}
	s->limits.tiers = 99;
	s->limits.policies = 999;
	s->limits.rules = 99999;
	s->limits.ipsets = 998;
	s->limits.members = 999999;
	s->limits.endpoints = 997;
}

/* The top-level attributes of a generic netlink message. */
static inline void tl_parse_msg(const struct nlmsghdr *nlh,
				const struct nlattr **tb)
{
	assert_true(nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN);
	assert_int_equal(
		strata_attr_parse(
			tb, STRATA_A_MAX,
			(const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			(int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)),
		0);
}

static inline uint8_t tl_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
}

#endif /* STRATA_TEST_LIB_UTIL_H */
