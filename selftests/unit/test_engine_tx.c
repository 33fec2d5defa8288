// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions and the state: identity (EEXIST, ENOENT, names), references
 * (checked at commit, EBUSY while referenced), limits (ENOSPC, ERANGE),
 * doomed transactions, abort, flush, rule append, member operations, and
 * IP set lookups at prefix boundaries.
 */
#include "engine_util.h"

static int commit_err(struct sc_state *s, struct sc_tx *tx, struct sc_err *err)
{
	struct sc_runtime *rt;
	int ret = sc_tx_commit(tx, &rt, err);

	if (ret) {
		if (sc_state_needs_finish(s))
			sc_commit_finish(s);
		return ret;
	}
	sc_commit_finish(s);
	return 0;
}

static struct sc_tier *tier(u32 id, const char *name)
{
	struct sc_tier *t = sc_tier_new(NULL);

	t->id = id;
	snprintf(t->name, sizeof(t->name), "%s", name);
	return t;
}

static void identity(void **state)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx = t_begin(s);
	struct sc_err err;

	assert_int_equal(sc_tx_put_tier(tx, tier(1, "a"), false, &err), 0);
	/* duplicate id */
	assert_int_equal(sc_tx_put_tier(tx, tier(1, "b"), false, &err),
			 -EEXIST);
	assert_string_equal(err.msg, "an object with this id exists");
	/* the transaction is doomed now */
	assert_true(sc_tx_doomed(tx));
	assert_int_equal(commit_err(s, tx, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"transaction aborted: an earlier request in it failed");
	assert_int_equal(sc_state_generation(s), 0);
	assert_null(sc_state_find_tier(s, 1, NULL));

	tx = t_begin(s);
	assert_int_equal(sc_tx_put_tier(tx, tier(1, "a"), false, &err), 0);
	assert_int_equal(sc_tx_put_tier(tx, tier(2, "b"), false, &err), 0);
	t_commit(s, tx);
	assert_int_equal(sc_state_generation(s), 1);
	/* duplicate name, different id */
	tx = t_begin(s);
	assert_int_equal(sc_tx_put_tier(tx, tier(3, "a"), false, &err),
			 -EEXIST);
	assert_string_equal(err.msg,
			    "another object of this kind has this name");
	t_abort(s, tx);
	/* renaming a and reusing its name in one transaction is fine */
	tx = t_begin(s);
	assert_int_equal(sc_tx_put_tier(tx, tier(1, "renamed"), true, &err), 0);
	assert_int_equal(sc_tx_put_tier(tx, tier(3, "a"), false, &err), 0);
	/* unknown ids and names */
	assert_int_equal(sc_tx_del(tx, SC_OBJ_TIER, 99, NULL, &err), -ENOENT);
	t_abort(s, tx);
	tx = t_begin(s);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_TIER, 0, "b", &err), 0);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_TIER, 0, "b", &err), -ENOENT);
	t_abort(s, tx);
	/* aborted: nothing changed */
	assert_int_equal(sc_state_generation(s), 1);
	assert_non_null(sc_state_find_tier(s, 0, "a"));
	assert_non_null(sc_state_find_tier(s, 2, NULL));
	assert_null(sc_state_find_tier(s, 3, NULL));
	/* one transaction at a time */
	tx = t_begin(s);
	assert_null(sc_tx_begin(s, &err));
	assert_int_equal(err.code, -EBUSY);
	t_abort(s, tx);
	sc_state_free(s);
}

static void references(void **state)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx;
	struct sc_err err;
	struct t_ep ep;

	/* an endpoint may name a policy created later in the same tx */
	tx = t_begin(s);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali1");
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 10), 1);
	t_ep_put(tx, ep);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_policy(tx, 10,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .src = { .n_sets = 1, .sets = ARR(u32, 100) } }),
		 1, NULL, 0);
	/* ... but not one that never appears */
	assert_int_equal(commit_err(s, tx, &err), -ENOENT);
	assert_string_equal(err.msg, "refers to an IP set that does not exist");
	assert_int_equal(err.kind, SC_OBJ_POLICY);
	assert_int_equal(err.id, 10);
	assert_int_equal(err.ref, 100);
	assert_int_equal(sc_state_generation(s), 0);

	tx = t_begin(s);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali1");
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 10), 1);
	t_ep_put(tx, ep);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_set(tx, 100, 4, STRATA_IPSET_ADDR, NULL, 0);
	t_set(tx, 101, 4, STRATA_IPSET_ADDR_PORT, NULL, 0);
	t_policy(tx, 10,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .src = { .n_sets = 1, .sets = ARR(u32, 100) } }),
		 1, NULL, 0);
	t_commit(s, tx);

	/* deleting what is referred to: EBUSY at commit */
	tx = t_begin(s);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_IPSET, 100, NULL, &err), 0);
	assert_int_equal(commit_err(s, tx, &err), -EBUSY);
	assert_string_equal(err.msg, "still referred to: cannot delete");
	assert_int_equal(err.id, 100);
	tx = t_begin(s);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_TIER, 1, NULL, &err), 0);
	assert_int_equal(commit_err(s, tx, &err), -EBUSY);
	tx = t_begin(s);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_POLICY, 0, "policy-10", &err), 0);
	assert_int_equal(commit_err(s, tx, &err), -EBUSY);
	/* a named-port match must use an address+port set, and vice versa */
	tx = t_begin(s);
	t_policy(tx, 11,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .present = STRATA_IMG_RULE_F_PROTO,
		       .proto = 6,
		       .dst = { .n_psets = 1, .psets = ARR(u32, 100) } }),
		 1, NULL, 0);
	assert_int_equal(commit_err(s, tx, &err), -EINVAL);
	tx = t_begin(s);
	t_policy(tx, 11,
		 ARR(struct sc_rule,
		     { .action = STRATA_ACT_ALLOW,
		       .src = { .n_sets = 1, .sets = ARR(u32, 101) } }),
		 1, NULL, 0);
	assert_int_equal(commit_err(s, tx, &err), -EINVAL);
	/* dropping the referrer and the target together is fine */
	tx = t_begin(s);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_ENDPOINT, 1, NULL, &err), 0);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_POLICY, 10, NULL, &err), 0);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_IPSET, 100, NULL, &err), 0);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_TIER, 1, NULL, &err), 0);
	t_commit(s, tx);
	assert_null(sc_state_next_policy(s, 0));
	sc_state_free(s);
}

static void interfaces_and_marks(void **state)
{
	struct sc_state *s = t_state();
	struct sc_settings set = *sc_state_settings(s);
	struct sc_tx *tx;
	struct sc_err err;
	struct t_ep ep;

	tx = t_begin(s);
	t_ep_put(tx, t_ep(1, STRATA_EP_WORKLOAD, "cali1"));
	t_ep_put(tx, t_ep(2, STRATA_EP_WORKLOAD, "cali1"));
	assert_int_equal(commit_err(s, tx, &err), -EEXIST);
	assert_string_equal(err.msg,
			    "another endpoint has this interface name");
	tx = t_begin(s);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali1");
	ep.e->mark = 0x100; /* outside 0xffff0000 */
	t_ep_put(tx, ep);
	assert_int_equal(commit_err(s, tx, &err), -EINVAL);
	tx = t_begin(s);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali1");
	ep.e->mark = 0x200000;
	t_ep_put(tx, ep);
	t_commit(s, tx);
	/* moving the interface to another endpoint in one tx is fine */
	tx = t_begin(s);
	assert_int_equal(sc_tx_del(tx, SC_OBJ_ENDPOINT, 1, NULL, &err), 0);
	t_ep_put(tx, t_ep(2, STRATA_EP_WORKLOAD, "cali1"));
	t_commit(s, tx);
	/* a new mask that excludes an endpoint's mark */
	tx = t_begin(s);
	ep = t_ep(3, STRATA_EP_WORKLOAD, "cali3");
	ep.e->mark = 0x200000;
	t_ep_put(tx, ep);
	t_commit(s, tx);
	tx = t_begin(s);
	set.mark_mask = 0xff;
	set.mark_accept = 0x1;
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), 0);
	assert_int_equal(commit_err(s, tx, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "endpoint mark has bits outside the new mark mask");
	/* bad settings are refused when set */
	tx = t_begin(s);
	set = *sc_state_settings(s);
	set.mark_accept = 0x1;
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), -EINVAL);
	t_abort(s, tx);
	tx = t_begin(s);
	set = *sc_state_settings(s);
	set.limits.tiers = 1001; /* above the cap t_state() gives */
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), -ERANGE);
	t_abort(s, tx);
	sc_state_free(s);
}

static void limits(void **state)
{
	struct sc_state *s = t_state();
	struct sc_settings set = *sc_state_settings(s);
	struct strata_member m = M4(10, 0, 0, 1, 32);
	struct strata_ioc_stats st;
	struct sc_tx *tx;
	struct sc_err err;

	tx = t_begin(s);
	set.limits.tiers = 2;
	set.limits.members = 3;
	set.limits.rules = 4;
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), 0);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_tier(tx, 2, STRATA_ACT_DENY);
	assert_int_equal(sc_tx_put_tier(tx, tier(3, "c"), false, &err),
			 -ENOSPC);
	t_abort(s, tx);

	tx = t_begin(s);
	assert_int_equal(sc_tx_set_settings(tx, &set, &err), 0);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_set(tx, 100, 4, STRATA_IPSET_ADDR,
	      ARR(struct strata_member, M4(10, 0, 0, 1, 32),
		  M4(10, 0, 0, 2, 32), M4(10, 0, 0, 3, 32)),
	      3);
	t_commit(s, tx);
	/* replacing a tier does not count against the limit */
	tx = t_begin(s);
	t_tier(tx, 1, STRATA_ACT_PASS);
	t_tier(tx, 2, STRATA_ACT_PASS);
	assert_int_equal(sc_tx_put_tier(tx, tier(3, "c"), false, &err),
			 -ENOSPC);
	t_abort(s, tx);
	/* members: the fourth is over the limit; removing one makes room */
	tx = t_begin(s);
	m.addr[3] = 4;
	assert_int_equal(sc_tx_members(tx, 100, NULL, true, &m, 1, false, &err),
			 -ENOSPC);
	t_abort(s, tx);
	tx = t_begin(s);
	m.addr[3] = 1;
	assert_int_equal(
		sc_tx_members(tx, 0, "set-100", false, &m, 1, false, &err), 0);
	m.addr[3] = 4;
	assert_int_equal(
		sc_tx_members(tx, 0, "set-100", true, &m, 1, false, &err), 0);
	t_commit(s, tx);
	sc_state_stats(s, &st);
	assert_int_equal(st.members, 3);
	assert_int_equal(st.tiers, 1);
	/* rules */
	tx = t_begin(s);
	t_policy(tx, 10,
		 ARR(struct sc_rule, { .action = STRATA_ACT_ALLOW },
		     { .action = STRATA_ACT_ALLOW },
		     { .action = STRATA_ACT_ALLOW }),
		 3, ARR(struct sc_rule, { .action = STRATA_ACT_ALLOW }), 1);
	t_commit(s, tx);
	tx = t_begin(s);
	{
		struct sc_policy *p = sc_policy_new(NULL);

		p->id = 11;
		snprintf(p->name, sizeof(p->name), "x");
		sc_policy_add_rules(p, SC_INGRESS,
				    ARR(struct sc_rule,
					{ .action = STRATA_ACT_ALLOW }),
				    1, &err);
		assert_int_equal(sc_tx_put_policy(tx, p, false, &err), -ENOSPC);
		assert_string_equal(err.msg, "rule limit reached");
	}
	t_abort(s, tx);
	sc_state_free(s);
}

static void members(void **state)
{
	struct sc_state *s = t_state();
	struct strata_member m[4] = { M4(10, 0, 0, 1, 32), M4(10, 0, 0, 2, 32),
				      M4(10, 1, 0, 0, 16),
				      M4(10, 0, 0, 1, 31) };
	struct strata_member out[8];
	u64 cursor = 0;
	struct sc_tx *tx;
	struct sc_err err;
	u32 n;

	tx = t_begin(s);
	t_set(tx, 1, 4, STRATA_IPSET_NET, m, 3);
	/* a prefix with host bits set is refused */
	assert_int_equal(sc_tx_members(tx, 1, NULL, true, &m[3], 1, false,
				       &err),
			 -EINVAL);
	assert_string_equal(err.msg, "prefix has bits set beyond its length");
	t_abort(s, tx);

	tx = t_begin(s);
	t_set(tx, 1, 4, STRATA_IPSET_NET, m, 3);
	assert_int_equal(sc_tx_members(tx, 1, NULL, true, &m[0], 1, false,
				       &err),
			 -EEXIST);
	t_abort(s, tx);
	tx = t_begin(s);
	t_set(tx, 1, 4, STRATA_IPSET_NET, m, 3);
	/* with exist_ok, re-adding is a no-op */
	assert_int_equal(sc_tx_members(tx, 1, NULL, true, &m[0], 1, true, &err),
			 0);
	t_commit(s, tx);
	n = sc_state_members(s, sc_state_find_ipset(s, 1, NULL), &cursor, out,
			     8);
	assert_int_equal(n, 3);
	assert_int_equal(
		sc_state_ipset_count(s, sc_state_find_ipset(s, 1, NULL)), 3);
	/* resumable in small steps */
	cursor = 0;
	assert_int_equal(sc_state_members(s, sc_state_find_ipset(s, 1, NULL),
					  &cursor, out, 2),
			 2);
	assert_int_equal(sc_state_members(s, sc_state_find_ipset(s, 1, NULL),
					  &cursor, out, 2),
			 1);
	assert_int_equal(sc_state_members(s, sc_state_find_ipset(s, 1, NULL),
					  &cursor, out, 2),
			 0);
	/* removing an absent member */
	tx = t_begin(s);
	assert_int_equal(sc_tx_members(tx, 1, NULL, false, &m[3], 1, false,
				       &err),
			 -EINVAL);
	t_abort(s, tx);
	tx = t_begin(s);
	m[3] = (struct strata_member)M4(10, 0, 0, 9, 32);
	assert_int_equal(sc_tx_members(tx, 1, NULL, false, &m[3], 1, false,
				       &err),
			 -ENOENT);
	t_abort(s, tx);
	/* replacing a set replaces its members */
	tx = t_begin(s);
	t_set(tx, 1, 4, STRATA_IPSET_NET, &m[3], 1);
	t_commit(s, tx);
	cursor = 0;
	assert_int_equal(sc_state_members(s, sc_state_find_ipset(s, 1, NULL),
					  &cursor, out, 8),
			 1);
	assert_memory_equal(out[0].addr, m[3].addr, 16);
	/* family and kind cannot change */
	tx = t_begin(s);
	{
		struct sc_ipset *set = sc_ipset_new(NULL);

		set->id = 1;
		set->family = 6;
		set->kind = STRATA_IPSET_NET;
		snprintf(set->name, sizeof(set->name), "set-1");
		assert_int_equal(sc_tx_put_ipset(tx, set, NULL, 0, true, &err),
				 -EINVAL);
	}
	t_abort(s, tx);
	sc_state_free(s);
}

static void flush_and_append(void **state)
{
	struct sc_state *s = t_state();
	struct strata_ioc_stats st;
	struct sc_policy *more;
	struct sc_tx *tx;
	struct sc_err err;

	tx = t_begin(s);
	t_tier(tx, 1, STRATA_ACT_DENY);
	t_set(tx, 1, 4, STRATA_IPSET_ADDR,
	      ARR(struct strata_member, M4(10, 0, 0, 1, 32)), 1);
	/* replaced within the transaction: only the last one counts */
	t_policy(tx, 10,
		 ARR(struct sc_rule, { .action = STRATA_ACT_DENY },
		     { .action = STRATA_ACT_DENY }),
		 2, NULL, 0);
	t_policy(tx, 10, ARR(struct sc_rule, { .action = STRATA_ACT_ALLOW }), 1,
		 NULL, 0);
	/* append rules across requests, as a split policy arrives */
	more = sc_policy_new(NULL);
	more->id = 10;
	sc_policy_add_rules(more, SC_INGRESS,
			    ARR(struct sc_rule, { .action = STRATA_ACT_DENY },
				{ .action = STRATA_ACT_LOG }),
			    2, &err);
	assert_int_equal(sc_tx_append_rules(tx, more, &err), 0);
	t_commit(s, tx);
	assert_int_equal(sc_state_find_policy(s, 10, NULL)->n_rules[0], 3);
	sc_state_stats(s, &st);
	assert_int_equal(st.rules, 3);
	/* appending outside the creating transaction is refused */
	tx = t_begin(s);
	more = sc_policy_new(NULL);
	more->id = 10;
	assert_int_equal(sc_tx_append_rules(tx, more, &err), -ENOENT);
	t_abort(s, tx);
	/* flush */
	tx = t_begin(s);
	assert_int_equal(sc_tx_flush(tx, &err), 0);
	t_tier(tx, 2, STRATA_ACT_DENY);
	t_commit(s, tx);
	sc_state_stats(s, &st);
	assert_int_equal(st.tiers, 1);
	assert_int_equal(st.policies, 0);
	assert_int_equal(st.ipsets, 0);
	assert_int_equal(st.members, 0);
	assert_int_equal(st.rules, 0);
	assert_non_null(sc_state_find_tier(s, 2, NULL));
	sc_state_free(s);
}

/* Set lookups at prefix boundaries: /0, /32, /128, overlapping prefixes. */
static bool in(struct sc_state *s, u32 set, u8 fam, const u8 *addr)
{
	const struct sc_runtime *rt = sc_state_runtime(s);
	const struct sc_class *e, *p;

	sc_aidx_lookup(rt->aidx, rt->slot, fam, addr, &e, &p);
	return sc_class_has(e, set) || sc_class_has(p, set);
}

static void set_boundaries(void **state)
{
	struct sc_state *s = t_state();
	struct sc_tx *tx = t_begin(s);
	u8 a[16] = { 0 };

	t_set(tx, 1, 4, STRATA_IPSET_NET,
	      ARR(struct strata_member, M4(0, 0, 0, 0, 0)), 1);
	t_set(tx, 2, 4, STRATA_IPSET_NET,
	      ARR(struct strata_member, M4(10, 0, 0, 0, 8), M4(10, 1, 0, 0, 16),
		  M4(10, 1, 2, 3, 32)),
	      3);
	t_set(tx, 3, 4, STRATA_IPSET_NET,
	      ARR(struct strata_member, M4(10, 1, 0, 0, 16)), 1);
	t_set(tx, 4, 6, STRATA_IPSET_NET,
	      ARR(struct strata_member, M6(128, 0xfd, [15] = 1), M6(0, 0)), 2);
	t_set(tx, 5, 6, STRATA_IPSET_ADDR,
	      ARR(struct strata_member, M6(128, 0xfd, [15] = 1)), 1);
	t_set(tx, 6, 4, STRATA_IPSET_NET,
	      ARR(struct strata_member, M4(255, 255, 255, 255, 32),
		  M4(128, 0, 0, 0, 1)),
	      2);
	t_commit(s, tx);

	memcpy(a, (u8[]){ 1, 2, 3, 4 }, 4);
	assert_true(in(s, 1, 4, a)); /* /0 holds everything */
	assert_false(in(s, 2, 4, a));
	memcpy(a, (u8[]){ 10, 1, 2, 3 }, 4); /* all three of set 2 */
	assert_true(in(s, 2, 4, a));
	assert_true(in(s, 3, 4, a)); /* pushed down from the /16 */
	memcpy(a, (u8[]){ 10, 2, 0, 0 }, 4);
	assert_true(in(s, 2, 4, a));
	assert_false(in(s, 3, 4, a));
	memcpy(a, (u8[]){ 11, 0, 0, 0 }, 4);
	assert_false(in(s, 2, 4, a));
	memcpy(a, (u8[]){ 255, 255, 255, 255 }, 4);
	assert_true(in(s, 6, 4, a));
	memcpy(a, (u8[]){ 127, 255, 255, 255 }, 4);
	assert_false(in(s, 6, 4, a));
	memcpy(a, (u8[]){ 128, 0, 0, 0 }, 4);
	assert_true(in(s, 6, 4, a));
	/* IPv6 /128 and /0, and families kept apart */
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[15] = 1;
	assert_true(in(s, 5, 6, a));
	assert_true(in(s, 4, 6, a));
	a[15] = 2;
	assert_false(in(s, 5, 6, a));
	assert_true(in(s, 4, 6, a)); /* ::/0 */
	assert_false(in(s, 1, 6, a)); /* 0.0.0.0/0 is IPv4 only */
	sc_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity),
		cmocka_unit_test(references),
		cmocka_unit_test(interfaces_and_marks),
		cmocka_unit_test(limits),
		cmocka_unit_test(members),
		cmocka_unit_test(flush_and_append),
		cmocka_unit_test(set_boundaries),
	};

	return cmocka_run_group_tests_name("engine_tx", tests, NULL, NULL);
}
