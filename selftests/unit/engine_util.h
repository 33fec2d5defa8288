/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the engine's unit tests: terse object construction, a state
 * with one-call commits, packet building.
 */
#ifndef STRATA_TEST_ENGINE_UTIL_H
#define STRATA_TEST_ENGINE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "strata.h"
#include "model.h"
#include "state.h"
#include "decide.h"
#include "runtime.h"

#define ARR(type, ...)	((type[]){ __VA_ARGS__ })
#define NARR(type, ...) (sizeof(ARR(type, __VA_ARGS__)) / sizeof(type))

/* Prefixes: P4(10,0,0,0, 8) and P6 from a 16-byte initializer. */
#define P4(a, b, c, d, len)      \
	((struct strata_prefix){ \
		.addr = { a, b, c, d }, .family = 4, .prefix_len = len })
#define P6(len, ...)             \
	((struct strata_prefix){ \
		.addr = { __VA_ARGS__ }, .family = 6, .prefix_len = len })
#define M4(a, b, c, d, len) \
	((struct strata_member){ .addr = { a, b, c, d }, .prefix_len = len })
#define M6(len, ...) \
	((struct strata_member){ .addr = { __VA_ARGS__ }, .prefix_len = len })

static inline struct sc_state *t_state(void)
{
	static const struct sc_limits caps = {
		.tiers = 1000,
		.policies = 100000,
		.rules = 1000000,
		.ipsets = 100000,
		.members = 4000000,
		.endpoints = 100000,
	};
	struct sc_state *s = sc_state_new(NULL, &caps);

	assert_non_null(s);
	return s;
}

static inline struct sc_tx *t_begin(struct sc_state *s)
{
	struct sc_err err;
	struct sc_tx *tx = sc_tx_begin(s, &err);

	assert_non_null(tx);
	return tx;
}

/* Commit and finish; fails the test with the engine's message on error. */
static inline void t_commit(struct sc_state *s, struct sc_tx *tx)
{
	struct sc_runtime *rt;
	struct sc_err err = { 0 };
	int ret = sc_tx_commit(tx, &rt, &err);

	if (ret)
		fail_msg("commit failed: %d %s", ret, err.detail);
	sc_commit_finish(s);
}

/* Abort, and finish what the abort retired (the protocol of state.h). */
static inline void t_abort(struct sc_state *s, struct sc_tx *tx)
{
	sc_tx_abort(tx);
	if (sc_state_needs_finish(s))
		sc_commit_finish(s);
}

static inline void t_ok(int ret, const struct sc_err *err)
{
	if (ret)
		fail_msg("operation failed: %d %s", ret, err->detail);
}

static inline void t_tier(struct sc_tx *tx, u32 id, u8 def)
{
	struct sc_tier *t = sc_tier_new(NULL);
	struct sc_err err;

	t->id = id;
	snprintf(t->name, sizeof(t->name), "tier-%u", id);
	t->default_action = def;
	t_ok(sc_tx_put_tier(tx, t, true, &err), &err);
}

static inline void t_policy(struct sc_tx *tx, u32 id, const struct sc_rule *in,
			    u32 n_in, const struct sc_rule *out, u32 n_out)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_err err;

	p->id = id;
	snprintf(p->name, sizeof(p->name), "policy-%u", id);
	t_ok(sc_policy_add_rules(p, SC_INGRESS, in, n_in, &err), &err);
	t_ok(sc_policy_add_rules(p, SC_EGRESS, out, n_out, &err), &err);
	t_ok(sc_tx_put_policy(tx, p, true, &err), &err);
}

static inline void t_set(struct sc_tx *tx, u32 id, u8 family, u8 kind,
			 const struct strata_member *m, u32 n)
{
	struct sc_ipset *set = sc_ipset_new(NULL);
	struct sc_err err;

	set->id = id;
	set->family = family;
	set->kind = kind;
	snprintf(set->name, sizeof(set->name), "set-%u", id);
	t_ok(sc_tx_put_ipset(tx, set, m, n, true, &err), &err);
}

/* An endpoint builder: fill, then t_ep_put(). */
struct t_ep {
	struct sc_endpoint *e;
};

static inline struct t_ep t_ep(u32 id, u8 kind, const char *ifname)
{
	struct t_ep b = { sc_endpoint_new(NULL) };

	b.e->id = id;
	b.e->kind = kind;
	snprintf(b.e->name, sizeof(b.e->name), "ep-%u", id);
	snprintf(b.e->ifname, sizeof(b.e->ifname), "%s", ifname);
	return b;
}

static inline void t_ep_addrs(struct t_ep b, const struct strata_prefix *a,
			      u32 n)
{
	b.e->n_addrs = n;
	b.e->addrs = sc_arena_dup(&b.e->arena, a, n * sizeof(*a));
}

static inline void t_ep_profiles(struct t_ep b, const u32 *ids, u32 n)
{
	b.e->n_profiles = n;
	b.e->profiles = sc_arena_dup(&b.e->arena, ids, n * sizeof(u32));
}

/* Append tier @tier with policies @pol to list @list. */
static inline void t_ep_tier(struct t_ep b, u8 list, u32 tier, const u32 *pol,
			     u32 n)
{
	struct sc_eplist *l = &b.e->lists[list];
	struct sc_tierref *r =
		sc_arena_alloc(&b.e->arena, (l->n + 1) * sizeof(*r));

	if (l->n)
		memcpy(r, l->refs, l->n * sizeof(*r));
	r[l->n].tier = tier;
	r[l->n].n_policies = n;
	r[l->n].policies = sc_arena_dup(&b.e->arena, pol, n * sizeof(u32));
	l->refs = r;
	l->n++;
}

static inline void t_ep_put(struct sc_tx *tx, struct t_ep b)
{
	struct sc_err err;

	t_ok(sc_tx_put_endpoint(tx, b.e, true, &err), &err);
}

/* Packets. */
static inline struct sc_pkt t_pkt4(const u8 *src, const u8 *dst, u8 proto,
				   u16 sport, u16 dport)
{
	struct sc_pkt p = { .family = 4,
			    .proto = proto,
			    .sport = sport,
			    .dport = dport,
			    .flags = SC_PKT_L4,
			    .len = 100 };

	memcpy(p.saddr, src, 4);
	memcpy(p.daddr, dst, 4);
	return p;
}

static inline struct sc_pkt t_pkt6(const u8 *src, const u8 *dst, u8 proto,
				   u16 sport, u16 dport)
{
	struct sc_pkt p = { .family = 6,
			    .proto = proto,
			    .sport = sport,
			    .dport = dport,
			    .flags = SC_PKT_L4,
			    .len = 100 };

	memcpy(p.saddr, src, 16);
	memcpy(p.daddr, dst, 16);
	return p;
}

static inline u8 t_decide(struct sc_state *s, const struct sc_pkt *p, u8 hook,
			  u8 ct, const char *iif, const char *oif,
			  struct sc_verdict *v)
{
	struct sc_ctx c = { .hook = hook, .ct = ct, .iif = iif, .oif = oif };

	return sc_decide(sc_state_runtime(s), p, &c, v);
}

#endif /* STRATA_TEST_ENGINE_UTIL_H */
