// SPDX-License-Identifier: GPL-2.0
/*
 * libstrata's netlink codec: every object kind encoded into request
 * messages and decoded back by the reply path (strata_rx_buf() and the
 * decoders dumps use), compared field by field; splitting of large
 * policies and sets; reassembly of kernel dump pieces; dump consistency;
 * extended acks with the object cookie and the offending attribute's path.
 */
#include "test_lib_util.h"

#define FAMILY 0x1f
#define SEQ    77

struct sink {
	struct strata_pasm pasm;
	struct sc_policy *pol[8];
	int n_pol;
	struct sc_tier *tier;
	struct sc_ipset *set;
	uint32_t set_count;
	struct sc_endpoint *ep;
	struct strata_member *m;
	uint32_t n_m;
	struct sc_settings settings;
	uint32_t settings_mask;
	struct strata_stats stats;
	struct strata_counter ctr[8];
	int n_ctr;
	int msgs;
};

static int sink_policy(struct sc_policy *p, void *arg)
{
	struct sink *s = arg;

	assert_true(s->n_pol < 8);
	s->pol[s->n_pol++] = p;
	return 0;
}

static int sink_msg(const struct nlmsghdr *nlh, const struct nlattr *const *tb,
		    void *arg, struct strata_err *err)
{
	struct sink *s = arg;
	const struct strata_member *m;
	uint32_t n, count;
	int ret = 0;

	s->msgs++;
	if (tb[STRATA_A_POLICY])
		return strata_pasm_feed(&s->pasm, tb[STRATA_A_POLICY],
					sink_policy, s, err);
	if (tb[STRATA_A_TIER])
		return strata_dec_tier(tb[STRATA_A_TIER], &s->tier, err);
	if (tb[STRATA_A_ENDPOINT])
		return strata_dec_endpoint(tb[STRATA_A_ENDPOINT], &s->ep, err);
	if (tb[STRATA_A_SETTINGS])
		return strata_dec_settings(tb[STRATA_A_SETTINGS], &s->settings,
					   &s->settings_mask, err);
	if (tb[STRATA_A_STATS])
		return strata_dec_stats(tb[STRATA_A_STATS], &s->stats, err);
	if (tb[STRATA_A_COUNTER]) {
		assert_true(s->n_ctr < 8);
		return strata_dec_counter(tb[STRATA_A_COUNTER],
					  &s->ctr[s->n_ctr++], err);
	}
	if (tb[STRATA_A_IPSET]) {
		ret = strata_dec_ipset(tb[STRATA_A_IPSET],
				       s->set ? NULL : &s->set, &count, &m, &n,
				       err);
		if (ret)
			return ret;
		if (s->set && !s->set_count)
			s->set_count = count;
		s->m = realloc(s->m, (s->n_m + n + 1) * sizeof(*m));
		assert_non_null(s->m);
		if (n)
			memcpy(s->m + s->n_m, m, n * sizeof(*m));
		s->n_m += n;
	}
	return ret;
}

static void sink_init(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	strata_pasm_init(&s->pasm);
}

static void sink_release(struct sink *s)
{
	int i;

	for (i = 0; i < s->n_pol; i++)
		sc_policy_put(s->pol[i]);
	sc_tier_put(s->tier);
	sc_ipset_put(s->set);
	sc_endpoint_put(s->ep);
	free(s->m);
	strata_pasm_release(&s->pasm);
}

/* Messages to one receive buffer, as the kernel would send a dump. */
static unsigned char *to_buf(struct strata_reqv *rv, size_t *len, int flags,
			     int done_error)
{
	unsigned char *buf, *p;
	struct nlmsghdr *nlh;
	size_t total = NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(int));
	size_t i;

	for (i = 0; i < rv->n; i++)
		total += NLMSG_ALIGN(nlmsg_hdr(rv->v[i].msg)->nlmsg_len);
	buf = calloc(1, total);
	assert_non_null(buf);
	p = buf;
	for (i = 0; i < rv->n; i++) {
		const struct nlmsghdr *src = nlmsg_hdr(rv->v[i].msg);

		memcpy(p, src, src->nlmsg_len);
		nlh = (struct nlmsghdr *)p;
		nlh->nlmsg_seq = SEQ;
		nlh->nlmsg_flags |= NLM_F_MULTI | flags;
		p += NLMSG_ALIGN(src->nlmsg_len);
	}
	nlh = (struct nlmsghdr *)p;
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(int);
	memcpy(NLMSG_DATA(nlh), &done_error, sizeof(int));
	*len = total;
	return buf;
}

/* Feed @rv through the reply path as one dump; return its result. */
static int replay(struct strata_reqv *rv, struct sink *s, int flags,
		  struct strata_err *err)
{
	struct strata_rx rx;
	unsigned char *buf;
	size_t len;
	int ret;

	buf = to_buf(rv, &len, flags, 0);
	strata_rx_init(&rx, sink_msg, s, SEQ, true);
	assert_int_equal(strata_rx_buf(&rx, buf, len, err), 1);
	free(buf);
	ret = strata_rx_result(&rx, err);
	if (!ret)
		ret = strata_pasm_finish(&s->pasm, sink_policy, s, err);
	return ret;
}

static void check_msgs(const struct strata_reqv *rv, size_t budget)
{
	size_t i;

	for (i = 0; i < rv->n; i++) {
		const struct nlmsghdr *nlh = nlmsg_hdr(rv->v[i].msg);
		const struct nlattr *a;
		int rem;

		assert_true(nlh->nlmsg_len <= budget);
		assert_int_equal(nlh->nlmsg_type, FAMILY);
		/* every top-level attribute is below 64 KiB */
		rem = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
		for (a = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) +
						 GENL_HDRLEN);
		     nla_ok(a, rem); a = nla_next(a, &rem))
			assert_true(a->nla_len < 65536);
		assert_int_equal(rem, 0);
	}
}

static size_t env0;

static int setup(void **state)
{
	env0 = strata_env_bytes(NULL);
	return 0;
}

/* Every test frees every object it built. */
static int teardown(void **state)
{
	assert_int_equal(strata_env_bytes(NULL), env0);
	return 0;
}

static void tier_roundtrip(void **state)
{
	uint8_t defs[] = { STRATA_ACT_DENY, STRATA_ACT_PASS };
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;
	size_t i;

	for (i = 0; i < sizeof(defs); i++) {
		struct sc_tier *t = tl_tier(10 + (uint32_t)i, defs[i]);

		strata_reqv_init(&rv, FAMILY, 0);
		assert_int_equal(strata_enc_tier(&rv, t, i == 1, &err), 0);
		assert_int_equal(rv.n, 1);
		assert_int_equal(tl_cmd(nlmsg_hdr(rv.v[0].msg)),
				 STRATA_CMD_NEW_TIER);
		assert_int_equal(nlmsg_hdr(rv.v[0].msg)->nlmsg_flags &
					 NLM_F_REPLACE,
				 i == 1 ? NLM_F_REPLACE : 0);
		sink_init(&s);
		assert_int_equal(replay(&rv, &s, 0, &err), 0);
		assert_non_null(s.tier);
		assert_equal_obj(strata_tier_equal, t, s.tier);
		sink_release(&s);
		strata_reqv_free(&rv);
		sc_tier_put(t);
	}
}

static void policy_roundtrip(void **state)
{
	struct sc_policy *p = tl_policy(5, 12, 13), *empty = tl_policy(6, 0, 0);
	const struct nlattr *tb[STRATA_A_MAX + 1], *pt[STRATA_POLICY_A_MAX + 1];
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;

	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_policy(&rv, p, true, &err), 0);
	assert_int_equal(strata_enc_policy(&rv, empty, false, &err), 0);
	assert_int_equal(rv.n, 2);
	assert_int_equal(nlmsg_hdr(rv.v[0].msg)->nlmsg_flags & NLM_F_REPLACE,
			 NLM_F_REPLACE);
	/* one message: no STRATA_POLICY_A_FLAGS */
	tl_parse_msg(nlmsg_hdr(rv.v[0].msg), tb);
	assert_int_equal(strata_attr_parse_nested(pt, STRATA_POLICY_A_MAX,
						  tb[STRATA_A_POLICY]),
			 0);
	assert_null(pt[STRATA_POLICY_A_FLAGS]);
	assert_non_null(pt[STRATA_POLICY_A_INGRESS]);
	assert_true(pt[STRATA_POLICY_A_INGRESS]->nla_type & NLA_F_NESTED);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.n_pol, 2);
	assert_equal_obj(strata_policy_equal, p, s.pol[0]);
	assert_equal_obj(strata_policy_equal, empty, s.pol[1]);
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_policy_put(p);
	sc_policy_put(empty);
}

/* A large policy in several messages, and back. */
static void split_policy(uint32_t n_in, uint32_t n_eg, size_t budget)
{
	struct sc_policy *p = tl_policy(7, n_in, n_eg);
	uint32_t seen[SC_NDIRS] = { 0 };
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;
	size_t i;

	strata_reqv_init(&rv, FAMILY, budget);
	assert_int_equal(strata_enc_policy(&rv, p, true, &err), 0);
	assert_true(rv.n > 2);
	check_msgs(&rv, budget);
	for (i = 0; i < rv.n; i++) {
		const struct nlmsghdr *nlh = nlmsg_hdr(rv.v[i].msg);
		const struct nlattr *tb[STRATA_A_MAX + 1];
		const struct nlattr *pt[STRATA_POLICY_A_MAX + 1];
		uint32_t d, k;

		tl_parse_msg(nlh, tb);
		assert_int_equal(tl_cmd(nlh), STRATA_CMD_NEW_POLICY);
		assert_int_equal(strata_attr_parse_nested(pt,
							  STRATA_POLICY_A_MAX,
							  tb[STRATA_A_POLICY]),
				 0);
		assert_non_null(pt[STRATA_POLICY_A_ID]);
		assert_non_null(pt[STRATA_POLICY_A_NAME]);
		/* the first creates (and replaces), the others append */
		assert_int_equal(nlh->nlmsg_flags & NLM_F_REPLACE,
				 i ? 0 : NLM_F_REPLACE);
		if (i) {
			assert_non_null(pt[STRATA_POLICY_A_FLAGS]);
			assert_int_equal(*(uint32_t *)nla_data(
						 pt[STRATA_POLICY_A_FLAGS]),
					 STRATA_POLICY_F_APPEND);
		} else {
			assert_null(pt[STRATA_POLICY_A_FLAGS]);
		}
		for (d = 0; d < SC_NDIRS; d++) {
			const struct nlattr *arr =
				pt[d ? STRATA_POLICY_A_EGRESS
				     : STRATA_POLICY_A_INGRESS];
			const struct nlattr *r;
			int rem;

			if (!arr)
				continue;
			/* base says where this message's rules start */
			assert_int_equal(rv.v[i].base[d], seen[d]);
			k = 0;
			nla_for_each_nested(r, arr, rem)
			{
				assert_int_equal(r->nla_type & NLA_TYPE_MASK,
						 ++k);
			}
			seen[d] += k;
		}
	}
	assert_int_equal(seen[SC_INGRESS], n_in);
	assert_int_equal(seen[SC_EGRESS], n_eg);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.n_pol, 1);
	assert_equal_obj(strata_policy_equal, p, s.pol[0]);
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_policy_put(p);
}

static void policy_split_10000(void **state)
{
	split_policy(6000, 4000, STRATA_MSG_BUDGET);
}

static void policy_split_small_budget(void **state)
{
	split_policy(300, 200, 2048);
	split_policy(0, 400, 1500);
}

static void policy_rule_too_big(void **state)
{
	struct sc_policy *p = tl_policy(8, 3, 0);
	struct strata_prefix *nets;
	struct strata_reqv rv;
	struct strata_err err;
	uint32_t i;

	/* rule 2 gets 4000 networks: 80 KB, more than any message */
	nets = sc_arena_alloc(&p->arena, 4000 * sizeof(*nets));
	assert_non_null(nets);
	for (i = 0; i < 4000; i++)
		nets[i] = TL_P4(10, (uint8_t)(i >> 8), (uint8_t)i, 0, 24);
	p->rules[SC_INGRESS][2].src.nets = nets;
	p->rules[SC_INGRESS][2].src.n_nets = 4000;
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_policy(&rv, p, false, &err), -EMSGSIZE);
	assert_string_equal(
		err.msg,
		"policy 8: ingress rule 2 does not fit in one netlink message");
	strata_reqv_free(&rv);
	sc_policy_put(p);
}

static void ipset_roundtrip(void **state)
{
	static const uint8_t kinds[] = { STRATA_IPSET_ADDR, STRATA_IPSET_NET,
					 STRATA_IPSET_ADDR_PORT };
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;
	size_t k;

	for (k = 0; k < sizeof(kinds) * 2; k++) {
		uint8_t fam = k % 2 ? 6 : 4;
		struct sc_ipset *set =
			tl_ipset(20 + (uint32_t)k, fam, kinds[k / 2]);
		struct strata_member *m = tl_members(fam, kinds[k / 2], 100);
		struct sc_err se;
		uint32_t i;

		for (i = 0; i < 100; i++)
			assert_int_equal(sc_member_check(set, &m[i], &se), 0);
		strata_reqv_init(&rv, FAMILY, 0);
		assert_int_equal(strata_enc_ipset(&rv, set, m, 100, true, &err),
				 0);
		assert_int_equal(rv.n, 1);
		sink_init(&s);
		assert_int_equal(replay(&rv, &s, 0, &err), 0);
		assert_equal_obj(strata_ipset_equal, set, s.set);
		assert_int_equal(s.n_m, 100);
		assert_memory_equal(s.m, m, 100 * sizeof(*m));
		sink_release(&s);
		strata_reqv_free(&rv);
		sc_ipset_put(set);
		free(m);
	}
}

static void ipset_split_100000(void **state)
{
	struct sc_ipset *set = tl_ipset(30, 6, STRATA_IPSET_NET);
	struct strata_member *m = tl_members(6, STRATA_IPSET_NET, 100000);
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;
	size_t i;

	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_ipset(&rv, set, m, 100000, false, &err), 0);
	/* 20 bytes a member, 60 KiB a message */
	assert_true(rv.n >= 100000 * 20 / STRATA_MSG_BUDGET + 1);
	check_msgs(&rv, STRATA_MSG_BUDGET);
	assert_int_equal(tl_cmd(nlmsg_hdr(rv.v[0].msg)), STRATA_CMD_NEW_IPSET);
	for (i = 1; i < rv.n; i++) {
		const struct nlattr *tb[STRATA_A_MAX + 1];
		const struct nlattr *st[STRATA_IPSET_A_MAX + 1];

		tl_parse_msg(nlmsg_hdr(rv.v[i].msg), tb);
		assert_int_equal(tl_cmd(nlmsg_hdr(rv.v[i].msg)),
				 STRATA_CMD_ADD_MEMBERS);
		/* strict: a duplicate is an error, as in one message */
		assert_null(tb[STRATA_A_FLAGS]);
		assert_int_equal(strata_attr_parse_nested(st,
							  STRATA_IPSET_A_MAX,
							  tb[STRATA_A_IPSET]),
				 0);
		assert_non_null(st[STRATA_IPSET_A_ID]);
		assert_null(st[STRATA_IPSET_A_NAME]);
		assert_null(st[STRATA_IPSET_A_FAMILY]);
		assert_non_null(st[STRATA_IPSET_A_MEMBERS]);
	}
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_equal_obj(strata_ipset_equal, set, s.set);
	assert_int_equal(s.n_m, 100000);
	assert_memory_equal(s.m, m, 100000 * sizeof(*m));
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_ipset_put(set);
	free(m);
}

static void members_requests(void **state)
{
	struct strata_member *m = tl_members(4, STRATA_IPSET_ADDR, 7000);
	const struct nlattr *tb[STRATA_A_MAX + 1];
	const struct nlattr *st[STRATA_IPSET_A_MAX + 1];
	struct strata_reqv rv;
	struct strata_err err;
	uint32_t total = 0, flags;
	size_t i;

	/* by name, with STRATA_F_EXIST, in pieces */
	strata_reqv_init(&rv, FAMILY, 4096);
	assert_int_equal(strata_enc_members(&rv, false, 0, "web", m, 7000, true,
					    &err),
			 0);
	assert_true(rv.n > 30);
	check_msgs(&rv, 4096);
	for (i = 0; i < rv.n; i++) {
		tl_parse_msg(nlmsg_hdr(rv.v[i].msg), tb);
		assert_int_equal(tl_cmd(nlmsg_hdr(rv.v[i].msg)),
				 STRATA_CMD_DEL_MEMBERS);
		assert_non_null(tb[STRATA_A_FLAGS]);
		memcpy(&flags, nla_data(tb[STRATA_A_FLAGS]), 4);
		assert_int_equal(flags, STRATA_F_EXIST);
		assert_int_equal(strata_attr_parse_nested(st,
							  STRATA_IPSET_A_MAX,
							  tb[STRATA_A_IPSET]),
				 0);
		assert_null(st[STRATA_IPSET_A_ID]);
		assert_string_equal(nla_data(st[STRATA_IPSET_A_NAME]), "web");
		assert_memory_equal(nla_data(st[STRATA_IPSET_A_MEMBERS]),
				    m + total,
				    nla_len(st[STRATA_IPSET_A_MEMBERS]));
		assert_int_equal(rv.v[i].base[0], total);
		total += (uint32_t)nla_len(st[STRATA_IPSET_A_MEMBERS]) /
			 sizeof(*m);
	}
	assert_int_equal(total, 7000);
	strata_reqv_free(&rv);

	/* by id, no flags; nothing to send for no members */
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(
		strata_enc_members(&rv, true, 9, NULL, m, 1, false, &err), 0);
	assert_int_equal(
		strata_enc_members(&rv, true, 9, NULL, m, 0, false, &err), 0);
	assert_int_equal(rv.n, 1);
	tl_parse_msg(nlmsg_hdr(rv.v[0].msg), tb);
	assert_null(tb[STRATA_A_FLAGS]);
	assert_int_equal(tl_cmd(nlmsg_hdr(rv.v[0].msg)),
			 STRATA_CMD_ADD_MEMBERS);
	assert_int_equal(strata_enc_members(&rv, true, 0, NULL, m, 1, false,
					    &err),
			 -EINVAL);
	assert_string_equal(err.msg, "an IP set id or name is needed");
	strata_reqv_free(&rv);
	free(m);
}

static void endpoint_roundtrip(void **state)
{
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;
	int host;

	for (host = 0; host < 2; host++) {
		struct sc_endpoint *e = tl_endpoint(3 + (uint32_t)host, host);
		struct sc_err se;

		assert_int_equal(sc_endpoint_check(e, &se), 0);
		strata_reqv_init(&rv, FAMILY, 0);
		assert_int_equal(strata_enc_endpoint(&rv, e, host, &err), 0);
		sink_init(&s);
		assert_int_equal(replay(&rv, &s, 0, &err), 0);
		assert_equal_obj(strata_endpoint_equal, e, s.ep);
		sink_release(&s);
		strata_reqv_free(&rv);
		sc_endpoint_put(e);
	}
}

static void endpoint_too_big(void **state)
{
	struct sc_endpoint *e = tl_endpoint(4, false);
	struct strata_reqv rv;
	struct strata_err err;
	uint32_t *ids, i;

	/* the per-endpoint cap of policy references is 64 KiB of ids */
	ids = sc_arena_alloc(&e->arena, SC_MAX_EP_REFS * sizeof(*ids));
	assert_non_null(ids);
	for (i = 0; i < SC_MAX_EP_REFS; i++)
		ids[i] = i + 1;
	e->lists[0].refs[0].policies = ids;
	e->lists[0].refs[0].n_policies = SC_MAX_EP_REFS;
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_endpoint(&rv, e, false, &err), -EMSGSIZE);
	assert_string_equal(
		err.msg,
		"endpoint 4 does not fit in one netlink message (too many addresses or policy references)");
	strata_reqv_free(&rv);
	sc_endpoint_put(e);
}

static void settings_roundtrip(void **state)
{
	const uint32_t some = STRATA_SETTINGS_F(STRATA_SET_A_MARK_MASK) |
			      STRATA_SETTINGS_F(STRATA_SET_A_FAILSAFE_IN) |
			      STRATA_SETTINGS_F(STRATA_SET_A_WL_PREFIXES) |
			      STRATA_SETTINGS_F(STRATA_SET_A_VXLAN_PORT) |
			      STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_ENDPOINTS);
	struct sc_settings in, blank;
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;

	tl_settings(&in);
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(
		strata_enc_settings(&rv, &in, STRATA_SETTINGS_ALL, &err), 0);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.settings_mask, STRATA_SETTINGS_ALL);
	assert_equal_obj(strata_settings_equal, &in, &s.settings);
	sink_release(&s);
	strata_reqv_free(&rv);

	/* a subset: exactly those attributes, the rest untouched */
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_settings(&rv, &in, some, &err), 0);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.settings_mask, some);
	assert_int_equal(s.settings.mark_mask, 0xff000000);
	assert_int_equal(s.settings.vxlan_port, 8472);
	assert_int_equal(s.settings.limits.endpoints, 997);
	assert_int_equal(s.settings.n_failsafe_in, 3);
	assert_int_equal(s.settings.n_wl_prefixes, 3);
	assert_string_equal(s.settings.wl_prefixes[2], "veth123456789ab");
	assert_int_equal(s.settings.mark_accept, 0);
	assert_int_equal(s.settings.log_rate, 0);
	sink_release(&s);
	strata_reqv_free(&rv);

	/* empty lists are sent (they clear the kernel's) and come back */
	memset(&blank, 0, sizeof(blank));
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_settings(&rv, &blank, some, &err), 0);
	sink_init(&s);
	s.settings = in;
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.settings_mask, some);
	assert_int_equal(s.settings.n_failsafe_in, 0);
	assert_int_equal(s.settings.n_wl_prefixes, 0);
	sink_release(&s);
	assert_int_equal(strata_enc_settings(&rv, &in, 1U << 31, &err),
			 -EINVAL);
	strata_reqv_free(&rv);
}

static void ref_requests(void **state)
{
	const struct nlattr *tb[STRATA_A_MAX + 1], *t[STRATA_EP_A_MAX + 1];
	struct strata_reqv rv;
	struct strata_err err;
	const struct nlmsghdr *nlh;

	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_ref(&rv, STRATA_CMD_DEL_ENDPOINT,
					SC_OBJ_ENDPOINT, 3, "ignored", false,
					&err),
			 0);
	assert_int_equal(strata_enc_ref(&rv, STRATA_CMD_GET_TIER, SC_OBJ_TIER,
					0, "security", false, &err),
			 0);
	assert_int_equal(strata_enc_ref(&rv, STRATA_CMD_GET_POLICY,
					SC_OBJ_POLICY, 0, NULL, true, &err),
			 0);
	assert_int_equal(strata_enc_ref(&rv, STRATA_CMD_GET_MEMBERS,
					SC_OBJ_IPSET, 7, NULL, true, &err),
			 0);
	assert_int_equal(rv.n, 4);

	nlh = nlmsg_hdr(rv.v[0].msg);
	tl_parse_msg(nlh, tb);
	assert_int_equal(tl_cmd(nlh), STRATA_CMD_DEL_ENDPOINT);
	assert_int_equal(strata_attr_parse_nested(t, STRATA_EP_A_MAX,
						  tb[STRATA_A_ENDPOINT]),
			 0);
	assert_int_equal(*(uint32_t *)nla_data(t[STRATA_EP_A_ID]), 3);
	assert_null(t[STRATA_EP_A_NAME]); /* never both */

	nlh = nlmsg_hdr(rv.v[1].msg);
	tl_parse_msg(nlh, tb);
	assert_int_equal(strata_attr_parse_nested(t, STRATA_TIER_A_MAX,
						  tb[STRATA_A_TIER]),
			 0);
	assert_null(t[STRATA_TIER_A_ID]);
	assert_string_equal(nla_data(t[STRATA_TIER_A_NAME]), "security");
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, 0);

	nlh = nlmsg_hdr(rv.v[2].msg);
	tl_parse_msg(nlh, tb);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_null(tb[STRATA_A_POLICY]);

	nlh = nlmsg_hdr(rv.v[3].msg);
	tl_parse_msg(nlh, tb);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_non_null(tb[STRATA_A_IPSET]);

	assert_int_equal(strata_enc_ref(&rv, STRATA_CMD_DEL_TIER, SC_OBJ_TIER,
					0, "", false, &err),
			 -EINVAL);
	assert_int_equal(strata_enc_ref(&rv, STRATA_CMD_DEL_TIER, SC_OBJ_NONE,
					1, NULL, false, &err),
			 -EINVAL);
	strata_reqv_free(&rv);
}

/*
 * A piece of a policy as the kernel dumps it: counts, START per
 * direction, rules [start, start + n).
 */
static void kpiece(struct strata_reqv *rv, const struct sc_policy *p,
		   uint32_t s_in, uint32_t n_in, uint32_t s_eg, uint32_t n_eg,
		   uint64_t gen)
{
	struct nl_msg *m = strata_reqv_add(rv, STRATA_CMD_GET_POLICY, 0);
	struct nlattr *pn, *arr;
	uint32_t i;

	assert_non_null(m);
	assert_int_equal(nla_put_u64(m, STRATA_A_GENERATION, gen), 0);
	pn = nla_nest_start(m, STRATA_A_POLICY | NLA_F_NESTED);
	assert_int_equal(nla_put_u32(m, STRATA_POLICY_A_ID, p->id), 0);
	assert_int_equal(nla_put_string(m, STRATA_POLICY_A_NAME, p->name), 0);
	assert_int_equal(nla_put_u32(m, STRATA_POLICY_A_INGRESS_COUNT,
				     p->n_rules[0]),
			 0);
	assert_int_equal(
		nla_put_u32(m, STRATA_POLICY_A_EGRESS_COUNT, p->n_rules[1]), 0);
	if (n_in) {
		nla_put_u32(m, STRATA_POLICY_A_INGRESS_START, s_in);
		arr = nla_nest_start(m, STRATA_POLICY_A_INGRESS | NLA_F_NESTED);
		for (i = 0; i < n_in; i++)
			assert_int_equal(
				strata_enc_rule(m, 1, &p->rules[0][s_in + i]),
				0);
		nla_nest_end(m, arr);
	}
	if (n_eg) {
		nla_put_u32(m, STRATA_POLICY_A_EGRESS_START, s_eg);
		arr = nla_nest_start(m, STRATA_POLICY_A_EGRESS | NLA_F_NESTED);
		for (i = 0; i < n_eg; i++)
			assert_int_equal(
				strata_enc_rule(m, 1, &p->rules[1][s_eg + i]),
				0);
		nla_nest_end(m, arr);
	}
	nla_nest_end(m, pn);
}

static void dump_pieces_coalesce(void **state)
{
	struct sc_policy *a = tl_policy(1, 50, 40), *b = tl_policy(2, 3, 0);
	struct sc_policy *c = tl_policy(3, 0, 0);
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;

	strata_reqv_init(&rv, FAMILY, 1 << 20);
	/* a: ingress 0-29 | ingress 30-49 + egress 0-9 | egress 10-39 */
	kpiece(&rv, a, 0, 30, 0, 0, 9);
	kpiece(&rv, a, 30, 20, 0, 10, 9);
	kpiece(&rv, a, 0, 0, 10, 30, 9);
	kpiece(&rv, b, 0, 3, 0, 0, 9);
	kpiece(&rv, c, 0, 0, 0, 0, 9);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.n_pol, 3);
	assert_equal_obj(strata_policy_equal, a, s.pol[0]);
	assert_equal_obj(strata_policy_equal, b, s.pol[1]);
	assert_equal_obj(strata_policy_equal, c, s.pol[2]);
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_policy_put(a);
	sc_policy_put(b);
	sc_policy_put(c);
}

static void dump_pieces_malformed(void **state)
{
	struct sc_policy *a = tl_policy(1, 10, 10);
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;

	/* continued without its beginning */
	strata_reqv_init(&rv, FAMILY, 1 << 20);
	kpiece(&rv, a, 5, 5, 0, 0, 1);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), -EBADMSG);
	assert_string_equal(
		err.msg,
		"malformed reply from the kernel: policy 1 is continued without its beginning");
	assert_int_equal(err.src, STRATA_ERR_TRANSPORT);
	sink_release(&s);
	strata_reqv_free(&rv);

	/* a gap: 0-4, then 6-9 */
	strata_reqv_init(&rv, FAMILY, 1 << 20);
	kpiece(&rv, a, 0, 5, 0, 0, 1);
	kpiece(&rv, a, 6, 4, 0, 10, 1);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), -EBADMSG);
	assert_string_equal(
		err.msg,
		"malformed reply from the kernel: policy 1 continues at ingress rule 6, expected 5");
	sink_release(&s);
	strata_reqv_free(&rv);

	/* the dump ends before the announced rules */
	strata_reqv_init(&rv, FAMILY, 1 << 20);
	kpiece(&rv, a, 0, 10, 0, 4, 1);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), -EBADMSG);
	assert_string_equal(
		err.msg,
		"malformed reply from the kernel: policy 1 ended after 4 of its 10 egress rules");
	assert_int_equal(s.n_pol, 0);
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_policy_put(a);
}

static void dump_interrupted(void **state)
{
	struct sc_policy *a = tl_policy(1, 2, 0), *b = tl_policy(2, 2, 0);
	struct strata_reqv rv;
	struct strata_err err;
	struct sink s;

	/* NLM_F_DUMP_INTR: read to the end, then -EAGAIN */
	strata_reqv_init(&rv, FAMILY, 1 << 20);
	kpiece(&rv, a, 0, 2, 0, 0, 4);
	kpiece(&rv, b, 0, 2, 0, 0, 4);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, NLM_F_DUMP_INTR, &err), -EAGAIN);
	assert_int_equal(s.msgs, 2);
	assert_int_equal(err.code, -EAGAIN);
	assert_non_null(strstr(err.msg, "dump interrupted"));
	sink_release(&s);
	strata_reqv_free(&rv);

	/* the generation moved between messages */
	strata_reqv_init(&rv, FAMILY, 1 << 20);
	kpiece(&rv, a, 0, 2, 0, 0, 4);
	kpiece(&rv, b, 0, 2, 0, 0, 5);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), -EAGAIN);
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_policy_put(a);
	sc_policy_put(b);
}

/* A hand-made NLMSG_ERROR or NLMSG_DONE with extack TLVs. */
struct ebuf {
	union {
		struct nlmsghdr nlh;
		unsigned char b[1024];
	};
	size_t len;
};

static void e_init(struct ebuf *m, uint16_t type, int error)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_seq = SEQ;
	m->nlh.nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
	if (type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(&m->nlh);

		e->error = error;
		e->msg.nlmsg_len = 40;
		m->len = NLMSG_HDRLEN + sizeof(*e);
	} else {
		memcpy(NLMSG_DATA(&m->nlh), &error, sizeof(error));
		m->len = NLMSG_HDRLEN + sizeof(int);
	}
	m->nlh.nlmsg_len = (uint32_t)m->len;
}

static void e_attr(struct ebuf *m, uint16_t type, const void *d, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(m->b + m->len + NLA_HDRLEN, d, len);
	m->len += NLA_ALIGN(a->nla_len);
	m->nlh.nlmsg_len = (uint32_t)m->len;
}

static void extack_cookie(void **state)
{
	static const char txt[] =
		"rule action must be allow, deny, pass, log or reject";
	unsigned char cookie[8] = { SC_OBJ_POLICY, 0, 0, 0 };
	uint32_t id = 7;
	struct strata_err err;
	struct ebuf m;

	memcpy(cookie + 4, &id, 4);
	e_init(&m, NLMSG_ERROR, -EINVAL);
	e_attr(&m, NLMSGERR_ATTR_MSG, txt, sizeof(txt));
	e_attr(&m, NLMSGERR_ATTR_COOKIE, cookie, sizeof(cookie));
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"policy 7: rule action must be allow, deny, pass, log or reject");
	assert_string_equal(err.kmsg, txt);
	assert_int_equal(err.obj_kind, SC_OBJ_POLICY);
	assert_int_equal(err.obj_id, 7);
	assert_int_equal(err.src, STRATA_ERR_KERNEL);

	/* a kind without an id */
	cookie[0] = SC_OBJ_SETTINGS;
	memset(cookie + 4, 0, 4);
	e_init(&m, NLMSG_ERROR, -EINVAL);
	e_attr(&m, NLMSGERR_ATTR_MSG, "VXLAN port must not be 0", 25);
	e_attr(&m, NLMSGERR_ATTR_COOKIE, cookie, sizeof(cookie));
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	assert_string_equal(err.msg, "settings: VXLAN port must not be 0");

	/* someone else's cookie (wrong size) is not ours */
	e_init(&m, NLMSG_ERROR, -ENOENT);
	e_attr(&m, NLMSGERR_ATTR_MSG, "unknown tier", 13);
	e_attr(&m, NLMSGERR_ATTR_COOKIE, cookie, 6);
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -ENOENT);
	assert_string_equal(err.msg, "unknown tier");
	assert_int_equal(err.obj_kind, 0);

	/* a missing attribute without a message */
	e_init(&m, NLMSG_ERROR, -EINVAL);
	id = STRATA_TIER_A_NAME;
	e_attr(&m, NLMSGERR_ATTR_MISS_TYPE, &id, 4);
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	assert_int_equal(err.miss_type, STRATA_TIER_A_NAME);
	assert_string_equal(err.msg, "a required attribute is missing");
}

static void done_with_error(void **state)
{
	static const char txt[] = "dump failed";
	struct strata_err err;
	struct strata_rx rx;
	struct ebuf m, stale;

	/* a stale reply to an earlier request is skipped */
	e_init(&stale, NLMSG_ERROR, -EPERM);
	stale.nlh.nlmsg_seq = SEQ - 1;
	strata_rx_init(&rx, NULL, NULL, SEQ, true);
	assert_int_equal(strata_rx_buf(&rx, stale.b, stale.len, &err), 0);
	assert_false(rx.done);

	e_init(&m, NLMSG_DONE, -ENOBUFS);
	e_attr(&m, NLMSGERR_ATTR_MSG, txt, sizeof(txt));
	assert_int_equal(strata_rx_buf(&rx, m.b, m.len, &err), 1);
	assert_int_equal(strata_rx_result(&rx, &err), -ENOBUFS);
	assert_string_equal(err.msg, "dump failed");
	assert_int_equal(err.src, STRATA_ERR_KERNEL);

	/* a plain request ends with its ack */
	e_init(&m, NLMSG_ERROR, 0);
	strata_rx_init(&rx, NULL, NULL, SEQ, false);
	assert_int_equal(strata_rx_buf(&rx, m.b, m.len, &err), 1);
	assert_int_equal(strata_rx_result(&rx, &err), 0);
}

static int fail_cb(const struct nlmsghdr *nlh, const struct nlattr *const *tb,
		   void *arg, struct strata_err *err)
{
	(*(int *)arg)++;
	return -ENOMEM;
}

static void callback_stops_dump(void **state)
{
	struct sc_policy *a = tl_policy(1, 2, 0);
	struct strata_reqv rv;
	struct strata_err err;
	struct strata_rx rx;
	unsigned char *buf;
	size_t len;
	int calls = 0;

	strata_reqv_init(&rv, FAMILY, 1 << 20);
	kpiece(&rv, a, 0, 2, 0, 0, 1);
	kpiece(&rv, a, 0, 2, 0, 0, 1);
	buf = to_buf(&rv, &len, 0, 0);
	strata_rx_init(&rx, fail_cb, &calls, SEQ, true);
	assert_int_equal(strata_rx_buf(&rx, buf, len, &err), 1);
	/* the first error wins; the rest is read but not handed over */
	assert_int_equal(calls, 1);
	assert_int_equal(strata_rx_result(&rx, &err), -ENOMEM);
	free(buf);
	strata_reqv_free(&rv);
	sc_policy_put(a);
}

static void malformed_reply(void **state)
{
	struct sc_tier *t = tl_tier(1, STRATA_ACT_DENY);
	struct strata_reqv rv;
	struct strata_err err;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	struct sink s;

	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_tier(&rv, t, false, &err), 0);
	/* the tier's id attribute claims to be longer than its nest */
	nlh = nlmsg_hdr(rv.v[0].msg);
	a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	((struct nlattr *)nla_data(a))->nla_len = 200;
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), -EBADMSG);
	assert_int_equal(err.src, STRATA_ERR_TRANSPORT);
	assert_null(s.tier);
	sink_release(&s);
	strata_reqv_free(&rv);
	sc_tier_put(t);
}

/* The offset of @a in the request @req, as the kernel reports it. */
static int32_t offset_of(const struct strata_req *req, const void *a)
{
	return (int32_t)((const char *)a - (const char *)nlmsg_hdr(req->msg));
}

static const struct nlattr *nth_nested(const struct nlattr *nest, int type,
				       int n)
{
	const struct nlattr *a;
	int rem, i = 0;

	nla_for_each_nested(a, nest, rem)
	{
		if (type && (a->nla_type & NLA_TYPE_MASK) != type)
			continue;
		if (i++ == n)
			return a;
	}
	fail_msg("attribute %d/%d not found", type, n);
	return NULL;
}

static void attr_path(void **state)
{
	struct sc_policy *p = tl_policy(9, 400, 0);
	struct sc_endpoint *e = tl_endpoint(5, true);
	const struct nlattr *tb[STRATA_A_MAX + 1], *a;
	struct strata_reqv rv;
	struct strata_err err;
	char path[128];
	uint32_t idx;

	strata_reqv_init(&rv, FAMILY, 4096);
	assert_int_equal(strata_enc_policy(&rv, p, false, &err), 0);
	assert_true(rv.n > 3);
	/* the 3rd rule of the 3rd message: its action */
	tl_parse_msg(nlmsg_hdr(rv.v[2].msg), tb);
	a = nth_nested(tb[STRATA_A_POLICY], STRATA_POLICY_A_INGRESS, 0);
	a = nth_nested(a, 0, 2);
	a = nth_nested(a, STRATA_RULE_A_ACTION, 0);
	strata_err_clear(&err);
	err.offset = offset_of(&rv.v[2], a);
	strata_nl_resolve_attr(&rv.v[2], &err);
	assert_int_equal(err.attr, STRATA_RULE_A_ACTION);
	idx = rv.v[2].base[SC_INGRESS] + 2;
	snprintf(path, sizeof(path), "policy.ingress[%u].action", idx);
	assert_string_equal(strata_err_attr_path(&err, (char[128]){ 0 }, 128),
			    path);
	strata_reqv_free(&rv);

	/* a tier reference in an endpoint's forward-egress list */
	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_endpoint(&rv, e, false, &err), 0);
	tl_parse_msg(nlmsg_hdr(rv.v[0].msg), tb);
	a = nth_nested(tb[STRATA_A_ENDPOINT], STRATA_EP_A_LISTS, 0);
	a = nth_nested(a, STRATA_LIST_FORWARD_EGRESS + 1, 0);
	a = nth_nested(a, 0, 1);
	a = nth_nested(a, STRATA_TIERREF_A_POLICIES, 0);
	strata_err_clear(&err);
	err.offset = offset_of(&rv.v[0], a);
	strata_nl_resolve_attr(&rv.v[0], &err);
	assert_string_equal(strata_err_attr_path(&err, path, sizeof(path)),
			    "endpoint.lists.forward_egress[1].policies");

	/* a missing attribute: the nest it belonged in, then its type */
	strata_err_clear(&err);
	a = tb[STRATA_A_ENDPOINT];
	err.offset = offset_of(&rv.v[0], a);
	err.miss_type = STRATA_EP_A_KIND;
	strata_nl_resolve_attr(&rv.v[0], &err);
	assert_string_equal(strata_err_attr_path(&err, path, sizeof(path)),
			    "endpoint.kind");

	/* offsets outside the request are ignored */
	strata_err_clear(&err);
	err.offset = 100000;
	strata_nl_resolve_attr(&rv.v[0], &err);
	assert_int_equal(err.attr, -1);
	assert_string_equal(strata_err_attr_path(&err, path, sizeof(path)), "");
	strata_reqv_free(&rv);
	sc_policy_put(p);
	sc_endpoint_put(e);
}

static void stats_decode(void **state)
{
	uint64_t reasons[__STRATA_REASON_MAX + 2];
	struct strata_reqv rv;
	struct strata_err err;
	struct nlattr *n;
	struct nl_msg *m;
	struct sink s;
	unsigned int i;

	for (i = 0; i < __STRATA_REASON_MAX + 2; i++)
		reasons[i] = 1000 + i;
	strata_reqv_init(&rv, FAMILY, 0);
	m = strata_reqv_add(&rv, STRATA_CMD_GET_STATS, 0);
	n = nla_nest_start(m, STRATA_A_STATS | NLA_F_NESTED);
	nla_put_u64(m, STRATA_STATS_A_GENERATION, 42);
	nla_put_u32(m, STRATA_STATS_A_TIERS, 1);
	nla_put_u32(m, STRATA_STATS_A_POLICIES, 2);
	nla_put_u32(m, STRATA_STATS_A_RULES, 3);
	nla_put_u32(m, STRATA_STATS_A_IPSETS, 4);
	nla_put_u32(m, STRATA_STATS_A_MEMBERS, 5);
	nla_put_u32(m, STRATA_STATS_A_ENDPOINTS, 6);
	nla_put_u32(m, STRATA_STATS_A_PROGRAMS, 7);
	nla_put_u32(m, STRATA_STATS_A_CLASSES, 8);
	nla_put_u64(m, STRATA_STATS_A_MEM_BYTES, 1ULL << 40);
	nla_put_u8(m, STRATA_STATS_A_TX_OPEN, 1);
	nla_put_u64(m, STRATA_STATS_A_PACKETS, 100);
	nla_put_u64(m, STRATA_STATS_A_EVALUATIONS, 101);
	nla_put_u64(m, STRATA_STATS_A_FLOW_EVENTS, 102);
	nla_put_u64(m, STRATA_STATS_A_FLOW_EVENTS_LOST, 103);
	nla_put_u64(m, STRATA_STATS_A_LOG_LINES, 104);
	nla_put_u64(m, STRATA_STATS_A_LOG_LINES_LOST, 105);
	nla_put_u64(m, STRATA_STATS_A_CT_FLUSHED, 106);
	/* a newer kernel's longer array: the known reasons are kept */
	nla_put(m, STRATA_STATS_A_REASONS, sizeof(reasons), reasons);
	nla_put(m, 99, 3, "new"); /* from a newer kernel: skipped */
	nla_nest_end(m, n);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.stats.obj.generation, 42);
	assert_int_equal(s.stats.obj.tiers, 1);
	assert_int_equal(s.stats.obj.policies, 2);
	assert_int_equal(s.stats.obj.rules, 3);
	assert_int_equal(s.stats.obj.ipsets, 4);
	assert_int_equal(s.stats.obj.members, 5);
	assert_int_equal(s.stats.obj.endpoints, 6);
	assert_int_equal(s.stats.obj.programs, 7);
	assert_int_equal(s.stats.obj.classes, 8);
	assert_int_equal(s.stats.obj.mem_bytes, 1ULL << 40);
	assert_int_equal(s.stats.obj.tx_open, 1);
	assert_int_equal(s.stats.packets, 100);
	assert_int_equal(s.stats.evaluations, 101);
	assert_int_equal(s.stats.flow_events, 102);
	assert_int_equal(s.stats.flow_events_lost, 103);
	assert_int_equal(s.stats.log_lines, 104);
	assert_int_equal(s.stats.log_lines_lost, 105);
	assert_int_equal(s.stats.ct_flushed, 106);
	assert_int_equal(s.stats.reasons[STRATA_REASON_POLICY], 1001);
	assert_int_equal(s.stats.reasons[__STRATA_REASON_MAX - 1],
			 1000 + __STRATA_REASON_MAX - 1);
	sink_release(&s);
	strata_reqv_free(&rv);

	/* an older kernel's shorter array: the rest is 0 */
	strata_reqv_init(&rv, FAMILY, 0);
	m = strata_reqv_add(&rv, STRATA_CMD_GET_STATS, 0);
	n = nla_nest_start(m, STRATA_A_STATS | NLA_F_NESTED);
	nla_put(m, STRATA_STATS_A_REASONS, 2 * sizeof(uint64_t), reasons);
	nla_nest_end(m, n);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.stats.reasons[1], 1001);
	assert_int_equal(s.stats.reasons[2], 0);
	assert_int_equal(s.stats.packets, 0);
	sink_release(&s);
	strata_reqv_free(&rv);
}

static void counters(void **state)
{
	const struct nlattr *tb[STRATA_A_MAX + 1], *ct[STRATA_CTR_A_MAX + 1];
	struct strata_reqv rv;
	struct strata_err err;
	struct nlattr *n;
	struct nl_msg *m;
	struct sink s;

	strata_reqv_init(&rv, FAMILY, 0);
	assert_int_equal(strata_enc_counters(&rv, STRATA_CMD_GET_COUNTERS, 0, 0,
					     &err),
			 0);
	assert_int_equal(strata_enc_counters(&rv, STRATA_CMD_RESET_COUNTERS,
					     STRATA_CTR_TIER_DEFAULT, 10, &err),
			 0);
	assert_int_equal(strata_enc_counters(&rv, STRATA_CMD_GET_COUNTERS,
					     STRATA_CTR_RULE, 0, &err),
			 0);
	assert_int_equal(strata_enc_counters(&rv, STRATA_CMD_GET_COUNTERS, 0, 5,
					     &err),
			 -EINVAL);
	assert_int_equal(rv.n, 3);
	/* all: a dump without a selector */
	assert_int_equal(nlmsg_hdr(rv.v[0].msg)->nlmsg_flags & NLM_F_DUMP,
			 NLM_F_DUMP);
	tl_parse_msg(nlmsg_hdr(rv.v[0].msg), tb);
	assert_null(tb[STRATA_A_COUNTER]);
	/* reset of one tier: not a dump, KIND and ID */
	assert_int_equal(nlmsg_hdr(rv.v[1].msg)->nlmsg_flags & NLM_F_DUMP, 0);
	assert_int_equal(tl_cmd(nlmsg_hdr(rv.v[1].msg)),
			 STRATA_CMD_RESET_COUNTERS);
	tl_parse_msg(nlmsg_hdr(rv.v[1].msg), tb);
	assert_int_equal(strata_attr_parse_nested(ct, STRATA_CTR_A_MAX,
						  tb[STRATA_A_COUNTER]),
			 0);
	assert_int_equal(*(uint8_t *)nla_data(ct[STRATA_CTR_A_KIND]),
			 STRATA_CTR_TIER_DEFAULT);
	assert_int_equal(*(uint32_t *)nla_data(ct[STRATA_CTR_A_ID]), 10);
	/* every policy: KIND only */
	tl_parse_msg(nlmsg_hdr(rv.v[2].msg), tb);
	assert_int_equal(strata_attr_parse_nested(ct, STRATA_CTR_A_MAX,
						  tb[STRATA_A_COUNTER]),
			 0);
	assert_null(ct[STRATA_CTR_A_ID]);
	strata_reqv_free(&rv);

	/* the kernel's replies */
	strata_reqv_init(&rv, FAMILY, 0);
	m = strata_reqv_add(&rv, STRATA_CMD_GET_COUNTERS, 0);
	n = nla_nest_start(m, STRATA_A_COUNTER | NLA_F_NESTED);
	nla_put_u8(m, STRATA_CTR_A_KIND, STRATA_CTR_RULE);
	nla_put_u32(m, STRATA_CTR_A_ID, 5);
	nla_put_u8(m, STRATA_CTR_A_LIST, 1);
	nla_put_u32(m, STRATA_CTR_A_INDEX, 3);
	nla_put_u64(m, STRATA_CTR_A_FLOWS, 7);
	nla_put_u64(m, STRATA_CTR_A_PACKETS, 8);
	nla_put_u64(m, STRATA_CTR_A_BYTES, 1ULL << 33);
	nla_nest_end(m, n);
	m = strata_reqv_add(&rv, STRATA_CMD_GET_COUNTERS, 0);
	n = nla_nest_start(m, STRATA_A_COUNTER | NLA_F_NESTED);
	nla_put_u8(m, STRATA_CTR_A_KIND, STRATA_CTR_NO_MATCH);
	nla_put_u32(m, STRATA_CTR_A_ID, 3);
	nla_put_u8(m, STRATA_CTR_A_LIST, STRATA_LIST_FORWARD_EGRESS);
	nla_nest_end(m, n);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), 0);
	assert_int_equal(s.n_ctr, 2);
	assert_int_equal(s.ctr[0].kind, STRATA_CTR_RULE);
	assert_int_equal(s.ctr[0].id, 5);
	assert_int_equal(s.ctr[0].list, 1);
	assert_int_equal(s.ctr[0].index, 3);
	assert_int_equal(s.ctr[0].flows, 7);
	assert_int_equal(s.ctr[0].packets, 8);
	assert_int_equal(s.ctr[0].bytes, 1ULL << 33);
	assert_int_equal(s.ctr[1].list, STRATA_LIST_FORWARD_EGRESS);
	assert_int_equal(s.ctr[1].flows, 0);
	sink_release(&s);
	strata_reqv_free(&rv);

	/* a counter without its id is malformed */
	strata_reqv_init(&rv, FAMILY, 0);
	m = strata_reqv_add(&rv, STRATA_CMD_GET_COUNTERS, 0);
	n = nla_nest_start(m, STRATA_A_COUNTER | NLA_F_NESTED);
	nla_put_u8(m, STRATA_CTR_A_KIND, STRATA_CTR_RULE);
	nla_nest_end(m, n);
	sink_init(&s);
	assert_int_equal(replay(&rv, &s, 0, &err), -EBADMSG);
	sink_release(&s);
	strata_reqv_free(&rv);
}

static void equality_helpers(void **state)
{
	struct sc_policy *a = tl_policy(1, 6, 6), *b = tl_policy(1, 6, 6);
	struct sc_endpoint *e = tl_endpoint(2, true), *f = tl_endpoint(2, true);
	struct sc_settings s, t;
	char why[256];

	assert_true(strata_policy_equal(a, b, why, sizeof(why)));
	/* egress rule 0 is tl_rule(3): it has source ports */
	b->rules[SC_EGRESS][0].src.ports[0].lo++;
	assert_false(strata_policy_equal(a, b, why, sizeof(why)));
	assert_string_equal(why,
			    "egress rule 0: src ports differ (1 vs 1 entries)");
	b->rules[SC_EGRESS][0].src.ports[0].lo--;
	b->rules[SC_INGRESS][1].not_icmp_code ^= 1;
	assert_false(strata_policy_equal(a, b, why, sizeof(why)));
	assert_string_equal(why, "ingress rule 1: not-icmp-code: 1 != 0");
	assert_true(strata_endpoint_equal(e, f, NULL, 0));
	f->lists[STRATA_LIST_PREDNAT_INGRESS].refs[1].policies[0] = 77;
	assert_false(strata_endpoint_equal(e, f, why, sizeof(why)));
	assert_string_equal(why, "list 4 tier 20: policies differ");
	tl_settings(&s);
	t = s;
	assert_true(strata_settings_equal(&s, &t, NULL, 0));
	t.failsafe_out[1].net.prefix_len = 33;
	assert_false(strata_settings_equal(&s, &t, why, sizeof(why)));
	assert_string_equal(why, "failsafe-out differ (2 vs 2 entries)");
	sc_policy_put(a);
	sc_policy_put(b);
	sc_endpoint_put(e);
	sc_endpoint_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(tier_roundtrip),	 T(policy_roundtrip),
		T(policy_split_10000),	 T(policy_split_small_budget),
		T(policy_rule_too_big),	 T(ipset_roundtrip),
		T(ipset_split_100000),	 T(members_requests),
		T(endpoint_roundtrip),	 T(endpoint_too_big),
		T(settings_roundtrip),	 T(ref_requests),
		T(dump_pieces_coalesce), T(dump_pieces_malformed),
		T(dump_interrupted),	 T(extack_cookie),
		T(done_with_error),	 T(callback_stops_dump),
		T(malformed_reply),	 T(attr_path),
		T(stats_decode),	 T(counters),
		T(equality_helpers),
#undef T
	};

	return cmocka_run_group_tests_name("lib_codec", tests, NULL, NULL);
}
