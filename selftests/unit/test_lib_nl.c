// SPDX-License-Identifier: GPL-2.0
/*
 * libstrata's public API end to end, against an in-memory stand-in for the
 * kernel plugged into the handle's request hook: the messages each call
 * sends (implicit transactions around split requests, aborts on error),
 * and replies that travel the real receive path (dumps in pieces,
 * interrupted dumps, single gets that must fall back to a dump, errors
 * with extended acks), plus batch files applied as one transaction.
 */
#include "test_lib_util.h"

#define FAMILY 0x1f
#define MAXOBJ 16

struct fake {
	struct strata_nl nl;
	uint8_t cmds[4096];
	uint16_t flags[4096];
	size_t n;
	/* refuse the @fail_nth request with command @fail_cmd */
	uint8_t fail_cmd;
	int fail_nth, seen_fail_cmd;
	int fail_code;
	uint8_t fail_kind;
	uint32_t fail_id;
	bool tx;
	uint64_t gen;
	struct strata_pasm pasm;
	struct sc_policy *pol[MAXOBJ];
	int n_pol;
	struct sc_tier *tier[MAXOBJ];
	int n_tier;
	struct sc_ipset *set[MAXOBJ];
	struct strata_member *m[MAXOBJ];
	uint32_t n_m[MAXOBJ];
	int n_set;
	struct sc_endpoint *ep[MAXOBJ];
	int n_ep;
	struct sc_settings settings;
	uint32_t dump_rules; /* rules per policy dump piece */
	bool intr; /* mark dumps NLM_F_DUMP_INTR */
	int intr_dumps; /* mark this many more dumps NLM_F_DUMP_INTR */
	size_t bump_at; /* a commit (gen++) before answering request n */
	bool get_too_big; /* single GET_POLICY: -EMSGSIZE */
};

static int store_policy(struct sc_policy *p, void *arg)
{
	struct fake *f = arg;
	int i;

	for (i = 0; i < f->n_pol; i++) {
		if (f->pol[i]->id == p->id) {
			sc_policy_put(f->pol[i]);
			f->pol[i] = p;
			return 0;
		}
	}
	assert_true(f->n_pol < MAXOBJ);
	f->pol[f->n_pol++] = p;
	return 0;
}

static void fake_init(struct fake *f)
{
	static const struct sc_limits caps = { 10, 10, 10, 10, 10, 10 };

	memset(f, 0, sizeof(*f));
	strata_pasm_init(&f->pasm);
	sc_settings_default(&f->settings, &caps);
	f->dump_rules = 100;
	f->gen = 1;
}

static void fake_flush(struct fake *f)
{
	int i;

	for (i = 0; i < f->n_pol; i++)
		sc_policy_put(f->pol[i]);
	for (i = 0; i < f->n_tier; i++)
		sc_tier_put(f->tier[i]);
	for (i = 0; i < f->n_set; i++) {
		sc_ipset_put(f->set[i]);
		free(f->m[i]);
	}
	for (i = 0; i < f->n_ep; i++)
		sc_endpoint_put(f->ep[i]);
	f->n_pol = f->n_tier = f->n_set = f->n_ep = 0;
}

static void fake_release(struct fake *f)
{
	fake_flush(f);
	strata_pasm_release(&f->pasm);
}

static int count_cmd(const struct fake *f, uint8_t cmd)
{
	size_t i;
	int n = 0;

	for (i = 0; i < f->n; i++)
		n += f->cmds[i] == cmd;
	return n;
}

/* Replies (@rv) and the final message through the real receive path. */
static int deliver(struct strata_req *req, struct strata_reqv *rv, bool dump,
		   int code, struct strata_err *ext, strata_rx_fn fn, void *arg,
		   uint64_t *generation, struct strata_err *err)
{
	uint32_t seq = nlmsg_hdr(req->msg)->nlmsg_seq;
	size_t total = 1024, i, off = 0;
	struct strata_rx rx;
	struct nlmsghdr *nlh;
	unsigned char *buf;
	int ret;

	for (i = 0; i < rv->n; i++)
		total += NLMSG_ALIGN(nlmsg_hdr(rv->v[i].msg)->nlmsg_len);
	buf = calloc(1, total);
	assert_non_null(buf);
	for (i = 0; i < rv->n; i++) {
		const struct nlmsghdr *src = nlmsg_hdr(rv->v[i].msg);

		memcpy(buf + off, src, src->nlmsg_len);
		nlh = (struct nlmsghdr *)(buf + off);
		nlh->nlmsg_seq = seq;
		if (dump)
			nlh->nlmsg_flags = NLM_F_MULTI;
		off += NLMSG_ALIGN(src->nlmsg_len);
	}
	nlh = (struct nlmsghdr *)(buf + off);
	nlh->nlmsg_seq = seq;
	if (dump && !code) {
		nlh->nlmsg_type = NLMSG_DONE;
		nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(int);
	} else {
		struct nlmsgerr *e = NLMSG_DATA(nlh);
		struct nlattr *a;
		size_t len = NLMSG_HDRLEN + sizeof(*e);

		nlh->nlmsg_type = NLMSG_ERROR;
		nlh->nlmsg_flags = NLM_F_CAPPED;
		e->error = code;
		e->msg = *nlmsg_hdr(req->msg);
		if (ext) {
			unsigned char cookie[8] = { ext->obj_kind };

			nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
			memcpy(cookie + 4, &ext->obj_id, 4);
			a = (struct nlattr *)((char *)nlh + len);
			a->nla_type = NLMSGERR_ATTR_MSG;
			a->nla_len =
				(uint16_t)(NLA_HDRLEN + strlen(ext->kmsg) + 1);
			strcpy((char *)a + NLA_HDRLEN, ext->kmsg);
			len += NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)nlh + len);
			a->nla_type = NLMSGERR_ATTR_COOKIE;
			a->nla_len = NLA_HDRLEN + 8;
			memcpy((char *)a + NLA_HDRLEN, cookie, 8);
			len += NLA_ALIGN(a->nla_len);
			if (ext->offset >= 0) {
				a = (struct nlattr *)((char *)nlh + len);
				a->nla_type = NLMSGERR_ATTR_OFFS;
				a->nla_len = NLA_HDRLEN + 4;
				memcpy((char *)a + NLA_HDRLEN, &ext->offset, 4);
				len += NLA_ALIGN(a->nla_len);
			}
		}
		nlh->nlmsg_len = (uint32_t)len;
	}
	off += NLMSG_ALIGN(nlh->nlmsg_len);
	strata_rx_init(&rx, fn, arg, seq, dump);
	assert_int_equal(strata_rx_buf(&rx, buf, off, err), 1);
	free(buf);
	ret = strata_rx_result(&rx, err);
	if (generation && rx.have_gen)
		*generation = rx.gen;
	return ret;
}

static struct nl_msg *reply(struct strata_reqv *rv, struct fake *f)
{
	struct nl_msg *m = strata_reqv_add(rv, 0, 0);

	assert_non_null(m);
	assert_int_equal(nla_put_u64(m, STRATA_A_GENERATION, f->gen), 0);
	return m;
}

/* A reply holding the nest of a request the encoders build. */
static void reply_copy(struct strata_reqv *rv, struct fake *f,
		       struct strata_reqv *enc, uint16_t attr,
		       struct strata_reqv *all)
{
	const struct nlattr *tb[STRATA_A_MAX + 1];
	/* with @rv NULL, appended to the last reply of @all */
	struct nl_msg *m = rv ? reply(rv, f) : all->v[all->n - 1].msg;

	tl_parse_msg(nlmsg_hdr(enc->v[0].msg), tb);
	assert_int_equal(nla_put(m, attr | NLA_F_NESTED, nla_len(tb[attr]),
				 nla_data(tb[attr])),
			 0);
	strata_reqv_free(enc);
}

static void reply_policy(struct strata_reqv *rv, struct fake *f,
			 const struct sc_policy *p, bool whole)
{
	uint32_t d, i = 0, n;

	/* pieces of at most dump_rules rules, as the kernel cuts them */
	for (d = 0; d < SC_NDIRS; d++, i = 0) {
		do {
			struct nl_msg *m = reply(rv, f);
			struct nlattr *pn, *arr;
			uint32_t k;

			n = p->n_rules[d] - i;
			if (!whole && n > f->dump_rules)
				n = f->dump_rules;
			pn = nla_nest_start(m, STRATA_A_POLICY | NLA_F_NESTED);
			nla_put_u32(m, STRATA_POLICY_A_ID, p->id);
			nla_put_string(m, STRATA_POLICY_A_NAME, p->name);
			nla_put_u32(m, STRATA_POLICY_A_INGRESS_COUNT,
				    p->n_rules[0]);
			nla_put_u32(m, STRATA_POLICY_A_EGRESS_COUNT,
				    p->n_rules[1]);
			if (n) {
				nla_put_u32(m,
					    d ? STRATA_POLICY_A_EGRESS_START
					      : STRATA_POLICY_A_INGRESS_START,
					    i);
				arr = nla_nest_start(
					m, (d ? STRATA_POLICY_A_EGRESS
					      : STRATA_POLICY_A_INGRESS) |
						   NLA_F_NESTED);
				for (k = 0; k < n; k++)
					assert_int_equal(
						strata_enc_rule(
							m, (int)k + 1,
							&p->rules[d][i + k]),
						0);
				nla_nest_end(m, arr);
			}
			nla_nest_end(m, pn);
			i += n;
		} while (i < p->n_rules[d]);
		if (!d && !p->n_rules[1])
			break;
	}
}

static void reply_ipset(struct strata_reqv *rv, struct fake *f, int i)
{
	struct nl_msg *m = reply(rv, f);
	struct nlattr *n = nla_nest_start(m, STRATA_A_IPSET | NLA_F_NESTED);

	nla_put_u32(m, STRATA_IPSET_A_ID, f->set[i]->id);
	nla_put_string(m, STRATA_IPSET_A_NAME, f->set[i]->name);
	nla_put_u8(m, STRATA_IPSET_A_FAMILY, f->set[i]->family);
	nla_put_u8(m, STRATA_IPSET_A_KIND, f->set[i]->kind);
	nla_put_u32(m, STRATA_IPSET_A_COUNT, f->n_m[i]);
	nla_nest_end(m, n);
}

/* The object a request selects: its index, or -1. */
static int find(struct fake *f, uint8_t kind, const struct nlattr *nest)
{
	const struct nlattr *t[STRATA_TIER_A_NAME + 1];
	uint32_t id = 0;
	const char *name = NULL;
	int i, n = 0;

	if (!nest)
		return -1;
	assert_int_equal(strata_attr_parse_nested(t, STRATA_TIER_A_NAME, nest),
			 0);
	if (t[STRATA_TIER_A_ID])
		id = *(uint32_t *)nla_data(t[STRATA_TIER_A_ID]);
	if (t[STRATA_TIER_A_NAME])
		name = nla_data(t[STRATA_TIER_A_NAME]);
	n = kind == SC_OBJ_TIER	    ? f->n_tier
	    : kind == SC_OBJ_POLICY ? f->n_pol
	    : kind == SC_OBJ_IPSET  ? f->n_set
				    : f->n_ep;
	for (i = 0; i < n; i++) {
		uint32_t oid = kind == SC_OBJ_TIER     ? f->tier[i]->id
			       : kind == SC_OBJ_POLICY ? f->pol[i]->id
			       : kind == SC_OBJ_IPSET  ? f->set[i]->id
						       : f->ep[i]->id;
		const char *on = kind == SC_OBJ_TIER	 ? f->tier[i]->name
				 : kind == SC_OBJ_POLICY ? f->pol[i]->name
				 : kind == SC_OBJ_IPSET	 ? f->set[i]->name
							 : f->ep[i]->name;

		if (id ? id == oid : !strcmp(name, on))
			return i;
	}
	return -1;
}

/* Non-zero if a GET_COUNTERS selector excludes policy @id. */
static int find_ctr_sel(const struct nlattr *sel, uint32_t id)
{
	const struct nlattr *ct[STRATA_CTR_A_MAX + 1];

	if (!sel)
		return 0;
	assert_int_equal(strata_attr_parse_nested(ct, STRATA_CTR_A_MAX, sel),
			 0);
	assert_non_null(ct[STRATA_CTR_A_KIND]);
	if (*(uint8_t *)nla_data(ct[STRATA_CTR_A_KIND]) != STRATA_CTR_RULE)
		return 1;
	return ct[STRATA_CTR_A_ID] &&
	       *(uint32_t *)nla_data(ct[STRATA_CTR_A_ID]) != id;
}

static int fake_request(struct strata_nl *nl, struct strata_req *req,
			strata_rx_fn fn, void *arg, uint64_t *generation,
			struct strata_err *err)
{
	struct fake *f = nl->priv;
	const struct nlmsghdr *nlh = nlmsg_hdr(req->msg);
	const struct nlattr *tb[STRATA_A_MAX + 1];
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP, intr;
	uint8_t cmd = tl_cmd(nlh);
	struct strata_err ext, e;
	struct strata_reqv rv, enc;
	const struct strata_member *m;
	int code = 0, i, ret;
	uint32_t n;

	assert_true(f->n < sizeof(f->cmds));
	/* a request is acked; a dump ends with NLMSG_DONE instead */
	assert_int_equal(nlh->nlmsg_flags & NLM_F_ACK, dump ? 0 : NLM_F_ACK);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	f->cmds[f->n] = cmd;
	f->flags[f->n++] = nlh->nlmsg_flags;
	if (f->bump_at && f->n == f->bump_at)
		f->gen++;
	intr = dump && (f->intr || f->intr_dumps > 0);
	if (dump && f->intr_dumps > 0)
		f->intr_dumps--;
	tl_parse_msg(nlh, tb);
	strata_reqv_init(&rv, FAMILY, 1 << 20);
	strata_err_clear(&ext);
	if (cmd == f->fail_cmd && ++f->seen_fail_cmd == f->fail_nth) {
		/* refuse, pointing at the request's first nested rule */
		const struct nlattr *a = tb[STRATA_A_POLICY];

		snprintf(ext.kmsg, sizeof(ext.kmsg), "refused by the fake");
		ext.obj_kind = f->fail_kind;
		ext.obj_id = f->fail_id;
		if (a) {
			const struct nlattr *pt[STRATA_POLICY_A_MAX + 1];

			strata_attr_parse_nested(pt, STRATA_POLICY_A_MAX, a);
			if (pt[STRATA_POLICY_A_INGRESS])
				a = nla_data(pt[STRATA_POLICY_A_INGRESS]);
			ext.offset =
				(int32_t)((const char *)a - (const char *)nlh);
		}
		ret = deliver(req, &rv, false, f->fail_code, &ext, fn, arg,
			      generation, err);
		strata_reqv_free(&rv);
		return ret;
	}
	strata_reqv_init(&enc, FAMILY, 0);
	switch (cmd) {
	case STRATA_CMD_GET_VERSION: {
		struct nl_msg *r = reply(&rv, f);

		nla_put_u32(r, STRATA_A_VERSION_ABI, STRATA_ABI_VERSION);
		nla_put_u32(r, STRATA_A_VERSION_GENL, STRATA_GENL_VERSION);
		nla_put_string(r, STRATA_A_VERSION_MODULE, "fake");
		break;
	}
	case STRATA_CMD_TX_BEGIN:
		f->tx = true;
		break;
	case STRATA_CMD_TX_ABORT:
		f->tx = false;
		strata_pasm_release(&f->pasm);
		break;
	case STRATA_CMD_TX_COMMIT:
		f->tx = false;
		assert_int_equal(
			strata_pasm_finish(&f->pasm, store_policy, f, &e), 0);
		f->gen++;
		reply(&rv, f);
		break;
	case STRATA_CMD_NEW_POLICY:
		assert_int_equal(strata_pasm_feed(&f->pasm, tb[STRATA_A_POLICY],
						  store_policy, f, &e),
				 0);
		if (!f->tx)
			assert_int_equal(strata_pasm_finish(
						 &f->pasm, store_policy, f, &e),
					 0);
		break;
	case STRATA_CMD_NEW_TIER:
		assert_true(f->n_tier < MAXOBJ);
		assert_int_equal(strata_dec_tier(tb[STRATA_A_TIER],
						 &f->tier[f->n_tier++], &e),
				 0);
		break;
	case STRATA_CMD_NEW_ENDPOINT:
		assert_true(f->n_ep < MAXOBJ);
		assert_int_equal(strata_dec_endpoint(tb[STRATA_A_ENDPOINT],
						     &f->ep[f->n_ep++], &e),
				 0);
		break;
	case STRATA_CMD_NEW_IPSET:
		assert_true(f->n_set < MAXOBJ);
		i = f->n_set++;
		assert_int_equal(strata_dec_ipset(tb[STRATA_A_IPSET],
						  &f->set[i], NULL, &m, &n, &e),
				 0);
		f->m[i] = malloc((n + 1) * sizeof(*m));
		if (n)
			memcpy(f->m[i], m, n * sizeof(*m));
		f->n_m[i] = n;
		break;
	case STRATA_CMD_ADD_MEMBERS:
		i = find(f, SC_OBJ_IPSET, tb[STRATA_A_IPSET]);
		if (i < 0) {
			code = -ENOENT;
			break;
		}
		{
			const struct nlattr *st[STRATA_IPSET_A_MAX + 1];

			/* selected by id or name: not a reply's shape */
			assert_int_equal(
				strata_attr_parse_nested(st, STRATA_IPSET_A_MAX,
							 tb[STRATA_A_IPSET]),
				0);
			m = nla_data(st[STRATA_IPSET_A_MEMBERS]);
			n = (uint32_t)nla_len(st[STRATA_IPSET_A_MEMBERS]) /
			    sizeof(*m);
		}
		f->m[i] = realloc(f->m[i], (f->n_m[i] + n) * sizeof(*m));
		memcpy(f->m[i] + f->n_m[i], m, n * sizeof(*m));
		f->n_m[i] += n;
		break;
	case STRATA_CMD_SET_SETTINGS:
		assert_int_equal(strata_dec_settings(tb[STRATA_A_SETTINGS],
						     &f->settings, NULL, &e),
				 0);
		break;
	case STRATA_CMD_GET_SETTINGS:
		assert_int_equal(strata_enc_settings(&enc, &f->settings,
						     STRATA_SETTINGS_ALL, &e),
				 0);
		reply_copy(&rv, f, &enc, STRATA_A_SETTINGS, &rv);
		break;
	case STRATA_CMD_GET_TIER:
		for (i = 0; i < f->n_tier; i++) {
			if (!dump &&
			    i != find(f, SC_OBJ_TIER, tb[STRATA_A_TIER]))
				continue;
			strata_enc_tier(&enc, f->tier[i], false, &e);
			/* a dump packs every tier into one message */
			reply_copy(dump && rv.n ? NULL : &rv, f, &enc,
				   STRATA_A_TIER, &rv);
		}
		if (!dump && !rv.n)
			code = -ENOENT;
		break;
	case STRATA_CMD_GET_ENDPOINT:
		for (i = 0; i < f->n_ep; i++) {
			if (!dump && i != find(f, SC_OBJ_ENDPOINT,
					       tb[STRATA_A_ENDPOINT]))
				continue;
			strata_enc_endpoint(&enc, f->ep[i], false, &e);
			reply_copy(dump && rv.n ? NULL : &rv, f, &enc,
				   STRATA_A_ENDPOINT, &rv);
		}
		if (!dump && !rv.n)
			code = -ENOENT;
		break;
	case STRATA_CMD_GET_IPSET:
		for (i = 0; i < f->n_set; i++)
			if (dump ||
			    i == find(f, SC_OBJ_IPSET, tb[STRATA_A_IPSET]))
				reply_ipset(&rv, f, i);
		if (!dump && !rv.n)
			code = -ENOENT;
		break;
	case STRATA_CMD_GET_MEMBERS:
		assert_true(dump);
		i = find(f, SC_OBJ_IPSET, tb[STRATA_A_IPSET]);
		for (n = 0; i >= 0 && n < f->n_m[i]; n += 1000) {
			struct nl_msg *r = reply(&rv, f);
			struct nlattr *nn = nla_nest_start(
				r, STRATA_A_IPSET | NLA_F_NESTED);
			uint32_t k = f->n_m[i] - n > 1000 ? 1000
							  : f->n_m[i] - n;

			nla_put_u32(r, STRATA_IPSET_A_ID, f->set[i]->id);
			nla_put(r, STRATA_IPSET_A_MEMBERS,
				(int)(k * sizeof(*m)), f->m[i] + n);
			nla_nest_end(r, nn);
		}
		break;
	case STRATA_CMD_GET_POLICY:
		if (dump) {
			for (i = 0; i < f->n_pol; i++)
				reply_policy(&rv, f, f->pol[i], false);
			break;
		}
		i = find(f, SC_OBJ_POLICY, tb[STRATA_A_POLICY]);
		if (i < 0) {
			code = -ENOENT;
		} else if (f->get_too_big) {
			code = -EMSGSIZE;
			snprintf(
				ext.kmsg, sizeof(ext.kmsg),
				"object too large for one reply: dump it (NLM_F_DUMP) instead");
		} else {
			reply_policy(&rv, f, f->pol[i], true);
		}
		break;
	case STRATA_CMD_GET_STATS: {
		struct nl_msg *r = reply(&rv, f);
		struct nlattr *nn =
			nla_nest_start(r, STRATA_A_STATS | NLA_F_NESTED);

		nla_put_u64(r, STRATA_STATS_A_GENERATION, f->gen);
		nla_put_u32(r, STRATA_STATS_A_POLICIES, (uint32_t)f->n_pol);
		nla_nest_end(r, nn);
		break;
	}
	case STRATA_CMD_GET_COUNTERS:
		/* one rule counter per rule of the selected policies */
		assert_true(dump);
		for (i = 0; i < f->n_pol; i++) {
			uint32_t k;

			struct nl_msg *r;

			if (find_ctr_sel(tb[STRATA_A_COUNTER], f->pol[i]->id))
				continue;
			/* many counters in one message, as the kernel does */
			r = reply(&rv, f);
			for (k = 0; k < f->pol[i]->n_rules[SC_INGRESS]; k++) {
				struct nlattr *nn = nla_nest_start(
					r, STRATA_A_COUNTER | NLA_F_NESTED);

				nla_put_u8(r, STRATA_CTR_A_KIND,
					   STRATA_CTR_RULE);
				nla_put_u32(r, STRATA_CTR_A_ID, f->pol[i]->id);
				nla_put_u8(r, STRATA_CTR_A_LIST, 0);
				nla_put_u32(r, STRATA_CTR_A_INDEX, k);
				nla_put_u64(r, STRATA_CTR_A_FLOWS, f->gen + k);
				nla_nest_end(r, nn);
			}
		}
		break;
	case STRATA_CMD_RESET_COUNTERS:
		assert_false(dump);
		break;
	case STRATA_CMD_FLUSH:
		fake_flush(f);
		break;
	default:
		break;
	}
	if (code == -ENOENT && !ext.kmsg[0])
		snprintf(ext.kmsg, sizeof(ext.kmsg), "no such object");
	if (intr)
		for (n = 0; n < rv.n; n++)
			nlmsg_hdr(rv.v[n].msg)->nlmsg_flags |= NLM_F_DUMP_INTR;
	ret = deliver(req, &rv, dump, code, code ? &ext : NULL, fn, arg,
		      generation, err);
	if (intr)
		ret = ret ? ret : -EAGAIN;
	strata_reqv_free(&rv);
	strata_reqv_free(&enc);
	return ret;
}

static void fake_nl(struct fake *f)
{
	fake_init(f);
	f->nl.family = FAMILY;
	f->nl.request = fake_request;
	f->nl.priv = f;
}

static size_t env0;

static int setup(void **state)
{
	env0 = strata_env_bytes(NULL);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(strata_env_bytes(NULL), env0);
	return 0;
}

static void small_change_no_tx(void **state)
{
	struct sc_tier *t = tl_tier(10, STRATA_ACT_PASS);
	struct strata_err err;
	struct fake f;

	fake_nl(&f);
	assert_int_equal(strata_put_tier(&f.nl, t, true, &err), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.cmds[0], STRATA_CMD_NEW_TIER);
	/* NLM_F_REPLACE is half of NLM_F_DUMP: still a request, acked */
	assert_true(f.flags[0] & NLM_F_REPLACE);
	assert_true(f.flags[0] & NLM_F_ACK);
	assert_int_not_equal(f.flags[0] & NLM_F_DUMP, NLM_F_DUMP);
	assert_equal_obj(strata_tier_equal, t, f.tier[0]);
	sc_tier_put(t);
	fake_release(&f);
}

static void split_opens_implicit_tx(void **state)
{
	struct sc_policy *p = tl_policy(7, 6000, 4000);
	struct sc_ipset *s = tl_ipset(8, 4, STRATA_IPSET_ADDR);
	struct strata_member *m = tl_members(4, STRATA_IPSET_ADDR, 100000);
	struct strata_err err;
	struct fake f;
	size_t i;

	fake_nl(&f);
	assert_int_equal(strata_put_policy(&f.nl, p, false, &err), 0);
	assert_true(f.n > 4);
	assert_int_equal(f.cmds[0], STRATA_CMD_TX_BEGIN);
	for (i = 1; i + 1 < f.n; i++)
		assert_int_equal(f.cmds[i], STRATA_CMD_NEW_POLICY);
	assert_int_equal(f.cmds[f.n - 1], STRATA_CMD_TX_COMMIT);
	assert_false(strata_tx_is_open(&f.nl));
	assert_int_equal(f.n_pol, 1);
	assert_equal_obj(strata_policy_equal, p, f.pol[0]);

	f.n = 0;
	assert_int_equal(strata_put_ipset(&f.nl, s, m, 100000, true, &err), 0);
	assert_int_equal(f.cmds[0], STRATA_CMD_TX_BEGIN);
	assert_int_equal(f.cmds[1], STRATA_CMD_NEW_IPSET);
	assert_true(f.flags[1] & NLM_F_REPLACE);
	assert_int_equal(count_cmd(&f, STRATA_CMD_ADD_MEMBERS), (int)f.n - 3);
	assert_int_equal(f.cmds[f.n - 1], STRATA_CMD_TX_COMMIT);
	assert_int_equal(f.n_m[0], 100000);
	assert_memory_equal(f.m[0], m, 100000 * sizeof(*m));

	/* inside the caller's transaction: no transaction of its own */
	f.n = 0;
	assert_int_equal(strata_tx_begin(&f.nl, &err), 0);
	assert_int_equal(strata_tx_begin(&f.nl, &err), -EBUSY);
	assert_int_equal(strata_members(&f.nl, true, 0, "set-8", m, 50000,
					false, &err),
			 0);
	assert_int_equal(count_cmd(&f, STRATA_CMD_TX_BEGIN), 1);
	assert_int_equal(count_cmd(&f, STRATA_CMD_TX_COMMIT), 0);
	assert_true(strata_tx_is_open(&f.nl));
	{
		uint64_t gen = 0;

		assert_int_equal(strata_tx_commit(&f.nl, &gen, &err), 0);
		assert_int_equal(gen, 4);
	}
	assert_int_equal(strata_tx_commit(&f.nl, NULL, &err), -EINVAL);
	assert_string_equal(err.msg, "no transaction is open on this handle");
	assert_int_equal(f.n_m[0], 150000);
	sc_policy_put(p);
	sc_ipset_put(s);
	free(m);
	fake_release(&f);
}

static void implicit_tx_aborts(void **state)
{
	struct sc_policy *p = tl_policy(7, 3000, 0);
	struct strata_err err;
	char path[64];
	struct fake f;

	fake_nl(&f);
	f.fail_cmd = STRATA_CMD_NEW_POLICY;
	f.fail_nth = 2;
	f.fail_code = -EINVAL;
	f.fail_kind = SC_OBJ_POLICY;
	f.fail_id = 7;
	assert_int_equal(strata_put_policy(&f.nl, p, false, &err), -EINVAL);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.cmds[0], STRATA_CMD_TX_BEGIN);
	assert_int_equal(f.cmds[3], STRATA_CMD_TX_ABORT);
	assert_false(strata_tx_is_open(&f.nl));
	assert_string_equal(err.msg, "policy 7: refused by the fake");
	assert_int_equal(err.src, STRATA_ERR_KERNEL);
	assert_int_equal(err.obj_kind, SC_OBJ_POLICY);
	/* the fake pointed at the second message's first rule */
	strata_err_attr_path(&err, path, sizeof(path));
	assert_true(strncmp(path, "policy.ingress[", 15) == 0);
	assert_int_not_equal(strcmp(path, "policy.ingress[0]"), 0);
	assert_int_equal(f.n_pol, 0);
	sc_policy_put(p);
	fake_release(&f);
}

struct bag {
	struct sc_policy *pol[MAXOBJ];
	struct sc_tier *tier[MAXOBJ];
	struct sc_ipset *set[MAXOBJ];
	uint32_t count[MAXOBJ];
	struct sc_endpoint *ep[MAXOBJ];
	int n_pol, n_tier, n_set, n_ep;
};

static int bag_policy(struct sc_policy *p, void *arg)
{
	struct bag *b = arg;

	b->pol[b->n_pol++] = p;
	return 0;
}

static int bag_tier(struct sc_tier *t, void *arg)
{
	struct bag *b = arg;

	b->tier[b->n_tier++] = t;
	return 0;
}

static int bag_ipset(struct sc_ipset *s, uint32_t count, void *arg)
{
	struct bag *b = arg;

	b->count[b->n_set] = count;
	b->set[b->n_set++] = s;
	return 0;
}

static int bag_ep(struct sc_endpoint *e, void *arg)
{
	struct bag *b = arg;

	b->ep[b->n_ep++] = e;
	return 0;
}

static void bag_release(struct bag *b)
{
	int i;

	for (i = 0; i < b->n_pol; i++)
		sc_policy_put(b->pol[i]);
	for (i = 0; i < b->n_tier; i++)
		sc_tier_put(b->tier[i]);
	for (i = 0; i < b->n_set; i++)
		sc_ipset_put(b->set[i]);
	for (i = 0; i < b->n_ep; i++)
		sc_endpoint_put(b->ep[i]);
	memset(b, 0, sizeof(*b));
}

struct ctrs {
	int n;
	struct strata_counter last;
};

static int ctr_cb(const struct strata_counter *c, void *arg)
{
	struct ctrs *x = arg;

	x->n++;
	x->last = *c;
	return 0;
}

static void dumps_and_gets(void **state)
{
	struct sc_policy *p[3] = { tl_policy(1, 250, 120), tl_policy(2, 0, 0),
				   tl_policy(3, 7, 301) };
	struct sc_tier *t = tl_tier(10, STRATA_ACT_DENY);
	struct sc_tier *t2 = tl_tier(11, STRATA_ACT_PASS);
	struct sc_endpoint *e2 = tl_endpoint(31, true);
	struct sc_ipset *s = tl_ipset(20, 6, STRATA_IPSET_NET);
	struct strata_member *m = tl_members(6, STRATA_IPSET_NET, 4500), *got;
	struct sc_endpoint *e = tl_endpoint(30, false);
	struct strata_stats st;
	struct sc_settings set, back;
	struct sc_policy *one;
	struct sc_ipset *gs;
	struct strata_err err;
	uint64_t gen = 0;
	uint32_t n, count;
	struct bag b = { 0 };
	struct fake f;
	int i;

	fake_nl(&f);
	f.dump_rules = 40;
	for (i = 0; i < 3; i++)
		assert_int_equal(strata_put_policy(&f.nl, p[i], false, &err),
				 0);
	assert_int_equal(strata_put_tier(&f.nl, t, false, &err), 0);
	assert_int_equal(strata_put_tier(&f.nl, t2, false, &err), 0);
	assert_int_equal(strata_put_ipset(&f.nl, s, m, 4500, false, &err), 0);
	assert_int_equal(strata_put_endpoint(&f.nl, e, false, &err), 0);
	assert_int_equal(strata_put_endpoint(&f.nl, e2, false, &err), 0);
	tl_settings(&set);
	assert_int_equal(
		strata_set_settings(&f.nl, &set, STRATA_SETTINGS_ALL, &err), 0);

	assert_int_equal(
		strata_dump_policies(&f.nl, bag_policy, &b, &gen, &err), 0);
	assert_int_equal(gen, f.gen);
	assert_int_equal(b.n_pol, 3);
	for (i = 0; i < 3; i++)
		assert_equal_obj(strata_policy_equal, p[i], b.pol[i]);
	assert_int_equal(strata_dump_tiers(&f.nl, bag_tier, &b, NULL, &err), 0);
	/* both tiers arrive in one message */
	assert_int_equal(b.n_tier, 2);
	assert_equal_obj(strata_tier_equal, t, b.tier[0]);
	assert_equal_obj(strata_tier_equal, t2, b.tier[1]);
	assert_int_equal(strata_dump_ipsets(&f.nl, bag_ipset, &b, NULL, &err),
			 0);
	assert_equal_obj(strata_ipset_equal, s, b.set[0]);
	assert_int_equal(b.count[0], 4500);
	assert_int_equal(strata_dump_endpoints(&f.nl, bag_ep, &b, NULL, &err),
			 0);
	assert_int_equal(b.n_ep, 2);
	assert_equal_obj(strata_endpoint_equal, e, b.ep[0]);
	assert_equal_obj(strata_endpoint_equal, e2, b.ep[1]);
	bag_release(&b);

	assert_int_equal(strata_get_members(&f.nl, 0, "set-20", &got, &n, &err),
			 0);
	assert_int_equal(n, 4500);
	assert_memory_equal(got, m, 4500 * sizeof(*m));
	free(got);
	assert_int_equal(strata_get_ipset(&f.nl, 20, NULL, &gs, &count, &err),
			 0);
	assert_int_equal(count, 4500);
	sc_ipset_put(gs);

	/* one object, by id and by name */
	assert_int_equal(strata_get_policy(&f.nl, 3, NULL, &one, &err), 0);
	assert_equal_obj(strata_policy_equal, p[2], one);
	sc_policy_put(one);
	assert_int_equal(strata_get_policy(&f.nl, 0, "policy-1", &one, &err),
			 0);
	assert_equal_obj(strata_policy_equal, p[0], one);
	sc_policy_put(one);
	/* too large for one reply: read from a dump */
	f.get_too_big = true;
	f.n = 0;
	assert_int_equal(strata_get_policy(&f.nl, 1, NULL, &one, &err), 0);
	assert_equal_obj(strata_policy_equal, p[0], one);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.flags[1] & NLM_F_DUMP, NLM_F_DUMP);
	sc_policy_put(one);
	assert_int_equal(strata_get_policy(&f.nl, 99, NULL, &one, &err),
			 -ENOENT);
	assert_null(one);

	assert_int_equal(strata_get_settings(&f.nl, &back, &err), 0);
	assert_equal_obj(strata_settings_equal, &set, &back);
	assert_int_equal(strata_get_stats(&f.nl, &st, &err), 0);
	assert_int_equal(st.obj.policies, 3);
	assert_int_equal(st.obj.generation, f.gen);

	/* counters: all, then one policy's */
	{
		struct ctrs c = { 0 };

		assert_int_equal(strata_dump_counters(&f.nl, 0, 0, ctr_cb, &c,
						      NULL, &err),
				 0);
		assert_int_equal(c.n, 250 + 7);
		c.n = 0;
		assert_int_equal(strata_dump_counters(&f.nl, STRATA_CTR_RULE, 3,
						      ctr_cb, &c, NULL, &err),
				 0);
		assert_int_equal(c.n, 7);
		assert_int_equal(c.last.id, 3);
		assert_int_equal(c.last.index, 6);
		assert_int_equal(strata_reset_counters(&f.nl, 0, 0, &err), 0);
		assert_int_equal(f.cmds[f.n - 1], STRATA_CMD_RESET_COUNTERS);
	}

	/* a commit during a dump */
	f.intr = true;
	assert_int_equal(strata_dump_tiers(&f.nl, bag_tier, &b, NULL, &err),
			 -EAGAIN);
	bag_release(&b);

	for (i = 0; i < 3; i++)
		sc_policy_put(p[i]);
	sc_tier_put(t);
	sc_ipset_put(s);
	sc_endpoint_put(e);
	free(m);
	sc_tier_put(t2);
	sc_endpoint_put(e2);
	fake_release(&f);
}

static char *counter_text(const struct strata_counter *c,
			  struct strata_names *names)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	strata_print_counter_names(f, c, strata_names_lookup, names);
	fclose(f);
	return buf;
}

/*
 * The name cache: what a load asks for, what it holds, loads that commits
 * interrupt (read again) or that fail (the old names stay), and the
 * reload rule (generation differs, at most once per interval).
 */
static void names_cache(void **state)
{
	struct sc_policy *p = tl_policy(201, 1, 0);
	struct sc_tier *t = tl_tier(10, STRATA_ACT_DENY);
	struct sc_tier *t2 = tl_tier(11, STRATA_ACT_PASS);
	struct sc_endpoint *e = tl_endpoint(2, false);
	struct strata_names *n = strata_names_new();
	struct strata_counter c = { .kind = STRATA_CTR_TIER_DEFAULT,
				    .id = 11,
				    .list = STRATA_LIST_INGRESS };
	struct strata_err err;
	uint64_t gen = 0;
	struct fake f;
	char *text;

	assert_non_null(n);
	fake_nl(&f);
	assert_int_equal(strata_put_policy(&f.nl, p, false, &err), 0);
	assert_int_equal(strata_put_tier(&f.nl, t, false, &err), 0);
	assert_int_equal(strata_put_tier(&f.nl, t2, false, &err), 0);
	assert_int_equal(strata_put_endpoint(&f.nl, e, false, &err), 0);
	f.gen = 7;

	/* never loaded: due whatever the generation, nothing known */
	assert_false(strata_names_generation(n, &gen));
	assert_true(strata_names_due(n, 7, 0));
	assert_null(strata_names_lookup(STRATA_ERR_OBJ_TIER, 10, n));
	assert_null(strata_names_lookup(STRATA_ERR_OBJ_TIER, 10, NULL));

	/* the generation, three dumps, the generation again */
	f.n = 0;
	assert_int_equal(strata_names_load(n, &f.nl, 5000, &err), 0);
	assert_int_equal(f.n, 5);
	assert_int_equal(f.cmds[0], STRATA_CMD_GET_VERSION);
	assert_int_equal(f.cmds[1], STRATA_CMD_GET_TIER);
	assert_int_equal(f.cmds[2], STRATA_CMD_GET_POLICY);
	assert_int_equal(f.cmds[3], STRATA_CMD_GET_ENDPOINT);
	assert_int_equal(f.cmds[4], STRATA_CMD_GET_VERSION);
	assert_int_equal(f.flags[1] & NLM_F_DUMP, NLM_F_DUMP);
	assert_int_equal(f.flags[2] & NLM_F_DUMP, NLM_F_DUMP);
	assert_int_equal(f.flags[3] & NLM_F_DUMP, NLM_F_DUMP);
	assert_true(strata_names_generation(n, &gen));
	assert_int_equal(gen, 7);
	assert_int_equal(strata_names_count(n), 4);
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_TIER, 10, n),
			    "tier-10");
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_TIER, 11, n),
			    "tier-11");
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_POLICY, 201, n),
			    "policy-201");
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_ENDPOINT, 2, n),
			    "ep-2");
	/* kinds do not mix; IP sets are not read */
	assert_null(strata_names_lookup(STRATA_ERR_OBJ_POLICY, 10, n));
	assert_null(strata_names_lookup(STRATA_ERR_OBJ_ENDPOINT, 201, n));
	assert_null(strata_names_lookup(STRATA_ERR_OBJ_IPSET, 10, n));
	text = counter_text(&c, n);
	assert_string_equal(
		text,
		"tier 11 (tier-11) ingress default flows 0 packets 0 bytes 0\n");
	free(text);

	/*
	 * The reload rule: not for events of the names' generation; for
	 * another generation only a full interval after the last attempt.
	 */
	assert_false(strata_names_due(n, 7, 5000));
	assert_false(strata_names_due(n, 7, 1000000));
	assert_false(strata_names_due(n, 8, 5000));
	assert_false(
		strata_names_due(n, 8, 5000 + STRATA_NAMES_INTERVAL_MS - 1));
	assert_true(strata_names_due(n, 8, 5000 + STRATA_NAMES_INTERVAL_MS));
	/* an older generation than the names' is another one too */
	assert_true(strata_names_due(n, 6, 5000 + STRATA_NAMES_INTERVAL_MS));

	/* a commit deleted tier 11: a reload forgets it */
	sc_tier_put(f.tier[1]);
	f.n_tier = 1;
	f.gen = 8;
	assert_int_equal(strata_names_load(n, &f.nl, 6000, &err), 0);
	assert_true(strata_names_generation(n, &gen));
	assert_int_equal(gen, 8);
	assert_int_equal(strata_names_count(n), 3);
	assert_null(strata_names_lookup(STRATA_ERR_OBJ_TIER, 11, n));
	text = counter_text(&c, n);
	assert_string_equal(
		text, "tier 11 ingress default flows 0 packets 0 bytes 0\n");
	free(text);
	assert_false(strata_names_due(n, 8, 6000));
	assert_false(strata_names_due(n, 9, 6999));

	/* dumps a commit interrupted are read again */
	f.n = 0;
	f.intr_dumps = 2;
	assert_int_equal(strata_names_load(n, &f.nl, 7000, &err), 0);
	assert_int_equal(f.n, 2 + 2 + 5);
	assert_int_equal(strata_names_count(n), 3);

	/* a commit between two dumps (the policies come from 9) */
	f.n = 0;
	f.bump_at = 3;
	assert_int_equal(strata_names_load(n, &f.nl, 8000, &err), 0);
	assert_int_equal(f.n, 3 + 5);
	assert_true(strata_names_generation(n, &gen));
	assert_int_equal(gen, 9);
	f.bump_at = 0;

	/* a commit after the dumps: the closing generation differs */
	f.n = 0;
	f.bump_at = 5;
	assert_int_equal(strata_names_load(n, &f.nl, 9000, &err), 0);
	assert_int_equal(f.n, 5 + 5);
	assert_true(strata_names_generation(n, &gen));
	assert_int_equal(gen, 10);
	f.bump_at = 0;

	/* commits all the time: it gives up; the names stay */
	f.intr = true;
	f.gen = 11;
	assert_int_equal(strata_names_load(n, &f.nl, 10000, &err), -EAGAIN);
	assert_true(strata_names_generation(n, &gen));
	assert_int_equal(gen, 10);
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_TIER, 10, n),
			    "tier-10");
	/* a failed attempt counts for the interval too */
	assert_false(strata_names_due(n, 11, 10999));
	assert_true(strata_names_due(n, 11, 11000));
	f.intr = false;

	/* a refusal: the names stay */
	f.fail_cmd = STRATA_CMD_GET_ENDPOINT;
	f.fail_nth = 1;
	f.fail_code = -EPERM;
	assert_int_equal(strata_names_load(n, &f.nl, 11000, &err), -EPERM);
	assert_int_equal(err.code, -EPERM);
	assert_int_equal(strata_names_count(n), 3);
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_ENDPOINT, 2, n),
			    "ep-2");
	assert_true(strata_names_generation(n, &gen));
	assert_int_equal(gen, 10);

	strata_names_free(n);
	strata_names_free(NULL);
	sc_policy_put(p);
	sc_tier_put(t);
	sc_tier_put(t2);
	sc_endpoint_put(e);
	fake_release(&f);
}

/* Adding names by hand: replacing, refusing, truncating. */
static void names_add(void **state)
{
	struct strata_names *n = strata_names_new();
	char longname[100];
	uint32_t i;

	assert_non_null(n);
	assert_int_equal(
		strata_names_add(n, STRATA_ERR_OBJ_TIER, 10, "security"), 0);
	assert_int_equal(strata_names_add(n, STRATA_ERR_OBJ_TIER, 10, "sec"),
			 0);
	assert_int_equal(strata_names_count(n), 1);
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_TIER, 10, n),
			    "sec");
	assert_int_equal(strata_names_add(n, STRATA_ERR_OBJ_TIER, 0, "x"),
			 -EINVAL);
	assert_int_equal(strata_names_add(n, STRATA_ERR_OBJ_TIER, 12, ""),
			 -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(
		strata_names_add(n, STRATA_ERR_OBJ_POLICY, 1, longname), 0);
	assert_int_equal(
		strlen(strata_names_lookup(STRATA_ERR_OBJ_POLICY, 1, n)),
		STRATA_NAME_LEN - 1);
	/* many: the table grows */
	for (i = 1; i <= 10000; i++) {
		char name[16];

		snprintf(name, sizeof(name), "ep-%u", i);
		assert_int_equal(strata_names_add(n, STRATA_ERR_OBJ_ENDPOINT, i,
						  name),
				 0);
	}
	assert_int_equal(strata_names_count(n), 2 + 10000);
	assert_string_equal(strata_names_lookup(STRATA_ERR_OBJ_ENDPOINT, 7777,
						n),
			    "ep-7777");
	/* never loaded from a kernel */
	assert_false(strata_names_generation(n, NULL));
	strata_names_free(n);
}

static void del_and_flush(void **state)
{
	struct strata_err err;
	struct fake f;

	fake_nl(&f);
	assert_int_equal(strata_del(&f.nl, SC_OBJ_TIER, 0, "security", &err),
			 0);
	assert_int_equal(f.cmds[0], STRATA_CMD_DEL_TIER);
	assert_int_equal(strata_del(&f.nl, SC_OBJ_ENDPOINT, 3, NULL, &err), 0);
	assert_int_equal(f.cmds[1], STRATA_CMD_DEL_ENDPOINT);
	assert_int_equal(strata_del(&f.nl, SC_OBJ_SETTINGS, 3, NULL, &err),
			 -EINVAL);
	assert_int_equal(f.n, 2);
	assert_int_equal(strata_flush(&f.nl, &err), 0);
	assert_int_equal(f.cmds[2], STRATA_CMD_FLUSH);
	fake_release(&f);
}

static void batch_as_one_tx(void **state)
{
	static const char *const lines[] = {
		"# a web tier",
		"ipset add id 7 name web-clients family 4 kind net",
		"	members 10.0.0.0/8,192.168.1.7",
		"tier add id 10 name security default pass",
		"policy add id 5 name web",
		"	ingress allow proto tcp dport 80,443 src-set 7",
		"	ingress deny",
		"",
		"endpoint add id 3 name pod-a workload iface cali1234",
		"	ingress tier 10 policies 5",
		"settings set log-rate 20",
	};
	const struct strata_op *failed;
	struct strata_batch b;
	struct strata_perr perr;
	struct strata_err err;
	uint64_t gen = 0;
	struct fake f;
	size_t i;

	strata_batch_init(&b);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(strata_batch_line(&b, lines[i], &perr), 0);
	assert_int_equal(strata_batch_finish(&b, &perr), 0);
	assert_int_equal(b.n, 5);

	fake_nl(&f);
	assert_int_equal(strata_batch_apply(&f.nl, &b, &gen, &failed, &err), 0);
	assert_null(failed);
	assert_int_equal(gen, 2);
	assert_int_equal(f.n, 7);
	assert_int_equal(f.cmds[0], STRATA_CMD_TX_BEGIN);
	assert_int_equal(f.cmds[1], STRATA_CMD_NEW_IPSET);
	assert_int_equal(f.cmds[2], STRATA_CMD_NEW_TIER);
	assert_int_equal(f.cmds[3], STRATA_CMD_NEW_POLICY);
	assert_int_equal(f.cmds[4], STRATA_CMD_NEW_ENDPOINT);
	assert_int_equal(f.cmds[5], STRATA_CMD_SET_SETTINGS);
	assert_int_equal(f.cmds[6], STRATA_CMD_TX_COMMIT);
	assert_int_equal(f.n_m[0], 2);
	assert_int_equal(f.pol[0]->n_rules[SC_INGRESS], 2);
	assert_int_equal(f.settings.log_rate, 20);
	fake_release(&f);

	/* a refused change: its line, and the transaction is aborted */
	fake_nl(&f);
	f.fail_cmd = STRATA_CMD_NEW_ENDPOINT;
	f.fail_nth = 1;
	f.fail_code = -ENOENT;
	assert_int_equal(strata_batch_apply(&f.nl, &b, NULL, &failed, &err),
			 -ENOENT);
	assert_non_null(failed);
	assert_int_equal(failed->line, 9);
	assert_int_equal(f.cmds[f.n - 1], STRATA_CMD_TX_ABORT);
	fake_release(&f);

	/* a commit refused for an object: the line that made it */
	fake_nl(&f);
	f.fail_cmd = STRATA_CMD_TX_COMMIT;
	f.fail_nth = 1;
	f.fail_code = -ENOENT;
	f.fail_kind = SC_OBJ_POLICY;
	f.fail_id = 5;
	assert_int_equal(strata_batch_apply(&f.nl, &b, NULL, &failed, &err),
			 -ENOENT);
	assert_non_null(failed);
	assert_int_equal(failed->line, 5);
	assert_string_equal(err.msg, "policy 5: refused by the fake");
	assert_false(strata_tx_is_open(&f.nl));
	fake_release(&f);
	strata_batch_release(&b);
}

static void version(void **state)
{
	struct strata_version_info v;
	struct strata_err err;
	struct fake f;

	fake_nl(&f);
	f.gen = 9;
	assert_int_equal(strata_get_version(&f.nl, &v, &err), 0);
	assert_int_equal(v.abi, STRATA_ABI_VERSION);
	assert_int_equal(v.genl, STRATA_GENL_VERSION);
	assert_string_equal(v.module, "fake");
	assert_int_equal(v.generation, 9);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(small_change_no_tx),
		T(split_opens_implicit_tx),
		T(implicit_tx_aborts),
		T(dumps_and_gets),
		T(names_cache),
		T(names_add),
		T(del_and_flush),
		T(batch_as_one_tx),
		T(version),
#undef T
	};

	return cmocka_run_group_tests_name("lib_nl", tests, NULL, NULL);
}
