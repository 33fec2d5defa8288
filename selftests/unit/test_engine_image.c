// SPDX-License-Identifier: GPL-2.0
/*
 * State images: a complete image built by libstrata's writer loads and
 * decides like the same objects loaded through a transaction; every kind
 * of damage (truncation, bad header, sections outside the image or over
 * each other, wrong record sizes, ranges past their pool or sharing
 * records, duplicate ids, dangling references, counts over the caps) is
 * refused with its own message and leaves the state exactly as it was.
 */
#include "engine_util.h"

struct img {
	void *buf;
	size_t len;
};

/* The objects every image test starts from. */
struct objs {
	struct sc_settings set;
	struct sc_tier *tiers[2];
	struct sc_policy *pols[2];
	struct sc_ipset *sets[1];
	struct sc_endpoint *eps[1];
	struct strata_member mem[3];
};

static void objs_init(struct objs *o, struct sc_state *s)
{
	struct sc_err err;
	struct t_ep ep;
	u32 i;

	o->set = *sc_state_settings(s);
	for (i = 0; i < 2; i++) {
		o->tiers[i] = sc_tier_new(NULL);
		o->tiers[i]->id = 1 + i;
		o->tiers[i]->default_action = i ? STRATA_ACT_DENY
						: STRATA_ACT_PASS;
		snprintf(o->tiers[i]->name, STRATA_NAME_LEN, "tier%u", i);
	}
	o->pols[0] = sc_policy_new(NULL);
	o->pols[0]->id = 10;
	snprintf(o->pols[0]->name, STRATA_NAME_LEN, "web");
	t_ok(sc_policy_add_rules(
		     o->pols[0], SC_INGRESS,
		     ARR(struct sc_rule,
			 { .action = STRATA_ACT_ALLOW,
			   .present = STRATA_IMG_RULE_F_PROTO,
			   .proto = 6,
			   .src = { .n_sets = 1, .sets = ARR(u32, 100) },
			   .dst = { .n_ports = 1,
				    .ports = ARR(struct strata_port_range,
						 { 80, 80 }) } }),
		     1, &err),
	     &err);
	o->pols[1] = sc_policy_new(NULL);
	o->pols[1]->id = 11;
	snprintf(o->pols[1]->name, STRATA_NAME_LEN, "profile");
	t_ok(sc_policy_add_rules(o->pols[1], SC_EGRESS,
				 ARR(struct sc_rule,
				     { .action = STRATA_ACT_ALLOW }),
				 1, &err),
	     &err);
	o->sets[0] = sc_ipset_new(NULL);
	o->sets[0]->id = 100;
	o->sets[0]->family = 4;
	o->sets[0]->kind = STRATA_IPSET_NET;
	snprintf(o->sets[0]->name, STRATA_NAME_LEN, "clients");
	o->mem[0] = (struct strata_member)M4(172, 16, 0, 0, 12);
	o->mem[1] = (struct strata_member)M4(192, 0, 2, 7, 32);
	o->mem[2] = (struct strata_member)M4(198, 51, 100, 0, 24);
	ep = t_ep(1, STRATA_EP_WORKLOAD, "cali-a");
	t_ep_addrs(ep, ARR(struct strata_prefix, P4(10, 0, 0, 1, 32)), 1);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 1, ARR(u32, 10), 1);
	t_ep_tier(ep, STRATA_LIST_INGRESS, 2, ARR(u32, 10), 1);
	t_ep_profiles(ep, ARR(u32, 11), 1);
	o->eps[0] = ep.e;
}

static void objs_free(struct objs *o)
{
	sc_tier_put(o->tiers[0]);
	sc_tier_put(o->tiers[1]);
	sc_policy_put(o->pols[0]);
	sc_policy_put(o->pols[1]);
	sc_ipset_put(o->sets[0]);
	sc_endpoint_put(o->eps[0]);
}

static struct img build(struct objs *o, u32 n_tiers)
{
	struct strata_image_ipset is = { o->sets[0], o->mem, 3 };
	struct strata_image_in in = {
		.settings = &o->set,
		.tiers = (const struct sc_tier *const *)o->tiers,
		.n_tiers = n_tiers,
		.policies = (const struct sc_policy *const *)o->pols,
		.n_policies = 2,
		.ipsets = &is,
		.n_ipsets = 1,
		.endpoints = (const struct sc_endpoint *const *)o->eps,
		.n_endpoints = 1,
	};
	struct strata_err err;
	struct img im;

	assert_int_equal(strata_image_build(&in, &im.buf, &im.len, &err), 0);
	return im;
}

/*
 * Images and continuation messages add a policy's rules one at a time:
 * the rule array must grow geometrically, not be copied per rule (a
 * 10,000-rule image once took gigabytes this way).
 */
static void rules_one_at_a_time_is_linear(void **state)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_rule r = { .action = STRATA_ACT_ALLOW,
			     .present = STRATA_IMG_RULE_F_PROTO,
			     .proto = 6 };
	struct sc_err err;
	u32 i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		r.cookie = i;
		t_ok(sc_policy_add_rules(p, SC_EGRESS, &r, 1, &err), &err);
	}
	assert_int_equal(p->n_rules[SC_EGRESS], 10000);
	for (i = 0; i < 10000; i += 999)
		assert_int_equal(p->rules[SC_EGRESS][i].cookie, i);
	/*
	 * Doubling allocates under twice the capacity, itself under twice
	 * the final count: at most 4x the final array (plus a chunk), where
	 * copying the array per rule allocates 5,000x.
	 */
	assert_true(p->arena.bytes <
		    4 * 10000 * sizeof(struct sc_rule) + 65536);
	sc_policy_put(p);
}

static int load(struct sc_state *s, const struct img *im, struct sc_err *err)
{
	struct sc_runtime *rt;
	int ret = sc_image_load(s, im->buf, im->len, &rt, err);

	if (sc_state_needs_finish(s))
		sc_commit_finish(s);
	return ret;
}

static void loads_and_decides(void **state)
{
	struct sc_state *s = t_state();
	struct sc_pkt p = t_pkt4((u8[]){ 172, 20, 1, 1 }, (u8[]){ 10, 0, 0, 1 },
				 6, 1000, 80);
	struct strata_ioc_stats st;
	struct sc_verdict v;
	struct sc_err err;
	struct objs o;
	struct img im;

	objs_init(&o, s);
	im = build(&o, 2);
	if (load(s, &im, &err))
		fail_msg("load: %s", err.detail);
	assert_int_equal(sc_state_generation(s), 1);
	sc_state_stats(s, &st);
	assert_int_equal(st.tiers, 2);
	assert_int_equal(st.policies, 2);
	assert_int_equal(st.rules, 2);
	assert_int_equal(st.ipsets, 1);
	assert_int_equal(st.members, 3);
	assert_int_equal(st.endpoints, 1);
	assert_true(strata_policy_equal(sc_state_find_policy(s, 10, NULL),
					o.pols[0], NULL, 0));
	assert_true(strata_endpoint_equal(sc_state_find_endpoint(s, 1, NULL),
					  o.eps[0], NULL, 0));
	t_decide(s, &p, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "cali-a", &v);
	assert_int_equal(v.code, SC_V_ACCEPT);
	p.saddr[0] = 9; /* not in the set: tier 2's deny */
	t_decide(s, &p, SC_HOOK_FORWARD, SC_CT_NEW, "eth0", "cali-a", &v);
	assert_int_equal(v.code, SC_V_DROP);
	/* loading again replaces everything, as one commit */
	if (load(s, &im, &err))
		fail_msg("reload: %s", err.detail);
	assert_int_equal(sc_state_generation(s), 2);
	sc_state_stats(s, &st);
	assert_int_equal(st.members, 3);
	/* refused while a transaction is open */
	{
		struct sc_tx *tx = t_begin(s);

		assert_int_equal(load(s, &im, &err), -EBUSY);
		t_abort(s, tx);
	}
	free(im.buf);
	objs_free(&o);
	sc_state_free(s);
}

/* Referrer counts start from the image's own references. */
static void replace_then_flush(void **state)
{
	struct sc_state *s = t_state();
	struct sc_err err;
	struct sc_tx *tx;
	struct objs o;
	struct img im;

	objs_init(&o, s);
	im = build(&o, 2);
	if (load(s, &im, &err))
		fail_msg("load: %s", err.detail);
	free(im.buf);
	/* an image with tiers only: the endpoint and policies are gone */
	{
		struct strata_image_in in = {
			.settings = &o.set,
			.tiers = (const struct sc_tier *const *)o.tiers,
			.n_tiers = 2,
		};
		struct strata_err serr;

		assert_int_equal(
			strata_image_build(&in, &im.buf, &im.len, &serr), 0);
	}
	if (load(s, &im, &err))
		fail_msg("load: %s", err.detail);
	tx = t_begin(s);
	assert_int_equal(sc_tx_flush(tx, &err), 0);
	t_commit(s, tx);
	assert_null(sc_state_next_tier(s, 0));
	free(im.buf);
	objs_free(&o);
	sc_state_free(s);
}

/* ---- damage ----------------------------------------------------------- */

static struct strata_img_header *hdr(struct img *im)
{
	return im->buf;
}

static struct strata_img_section *sec(struct img *im, u32 type)
{
	struct strata_img_section *t =
		(void *)((u8 *)im->buf + sizeof(struct strata_img_header));
	u32 i;

	for (i = 0; i < hdr(im)->n_sections; i++)
		if (t[i].type == type)
			return &t[i];
	fail_msg("no section %u", type);
	return NULL;
}

static void *rec(struct img *im, u32 type, u32 i)
{
	struct strata_img_section *s = sec(im, type);

	return (u8 *)im->buf + s->offset + (size_t)i * s->record_size;
}

struct damage {
	const char *name;
	void (*apply)(struct img *im);
	int code;
	const char *msg;
};

static void d_truncate(struct img *im)
{
	im->len = 10;
}

static void d_short(struct img *im)
{
	im->len -= 8; /* header still claims the full length */
}

static void d_magic(struct img *im)
{
	hdr(im)->magic ^= 1;
}

static void d_version(struct img *im)
{
	hdr(im)->version = 99;
}

static void d_flags(struct img *im)
{
	hdr(im)->flags = 1;
}

static void d_nsections(struct img *im)
{
	hdr(im)->n_sections = 200;
}

static void d_sec_type(struct img *im)
{
	sec(im, STRATA_SEC_PORTS)->type = 77;
}

static void d_sec_dup(struct img *im)
{
	sec(im, STRATA_SEC_PORTS)->type = STRATA_SEC_IDS;
}

static void d_sec_size(struct img *im)
{
	sec(im, STRATA_SEC_RULES)->record_size -= 8;
}

static void d_sec_align(struct img *im)
{
	sec(im, STRATA_SEC_MEMBERS)->offset += 4;
}

static void d_sec_outside(struct img *im)
{
	sec(im, STRATA_SEC_MEMBERS)->count += 1000;
}

static void d_sec_over_header(struct img *im)
{
	sec(im, STRATA_SEC_TIERS)->offset = 0;
}

static void d_sec_overlap(struct img *im)
{
	sec(im, STRATA_SEC_IDS)->offset = sec(im, STRATA_SEC_PORTS)->offset;
}

static void d_no_settings(struct img *im)
{
	sec(im, STRATA_SEC_SETTINGS)->count = 0;
}

static void d_range_past(struct img *im)
{
	struct strata_img_ipset *s = rec(im, STRATA_SEC_IPSETS, 0);

	s->members.count = 4;
}

static void d_range_empty_off(struct img *im)
{
	struct strata_img_policy *p = rec(im, STRATA_SEC_POLICIES, 0);

	p->egress.off = 1; /* count is 0 */
}

static void d_range_share(struct img *im)
{
	struct strata_img_policy *p0 = rec(im, STRATA_SEC_POLICIES, 0);
	struct strata_img_policy *p1 = rec(im, STRATA_SEC_POLICIES, 1);

	p1->egress = p0->ingress; /* two lists, one set of records */
}

static void d_range_cycle(struct img *im)
{
	/* a tier's policy list that is also the endpoint's profile list */
	struct strata_img_endpoint *e = rec(im, STRATA_SEC_ENDPOINTS, 0);
	struct strata_img_tierref *t = rec(im, STRATA_SEC_TIERREFS, 0);

	e->profiles = t->policies;
}

static void d_name(struct img *im)
{
	struct strata_img_tier *t = rec(im, STRATA_SEC_TIERS, 0);

	memset(t->name, 'x', sizeof(t->name));
}

static void d_dup_id(struct img *im)
{
	struct strata_img_tier *t = rec(im, STRATA_SEC_TIERS, 1);

	t->id = 1;
}

static void d_dangling(struct img *im)
{
	struct strata_img_tierref *t = rec(im, STRATA_SEC_TIERREFS, 0);

	t->tier = 9;
}

static void d_bad_action(struct img *im)
{
	struct strata_img_rule *r = rec(im, STRATA_SEC_RULES, 0);

	r->action = 9;
}

static void d_bad_member(struct img *im)
{
	struct strata_member *m = rec(im, STRATA_SEC_MEMBERS, 0);

	m->prefix_len = 8; /* 172.16/12 with host bits now */
}

static void d_pad(struct img *im)
{
	struct strata_img_rule *r = rec(im, STRATA_SEC_RULES, 0);

	r->pad = 1;
}

static void d_settings(struct img *im)
{
	struct strata_img_settings *s = rec(im, STRATA_SEC_SETTINGS, 0);

	s->mark_accept = 1; /* outside the mask */
}

static const struct damage damages[] = {
	{ "truncated", d_truncate, -EINVAL, "image shorter than its header" },
	{ "short", d_short, -EINVAL, "image length does not match its header" },
	{ "magic", d_magic, -EINVAL, "not a Strata image (bad magic)" },
	{ "version", d_version, -EPROTONOSUPPORT, "unsupported image version" },
	{ "flags", d_flags, -EINVAL, "bad image header length or flags" },
	{ "nsections", d_nsections, -EINVAL, "too many image sections" },
	{ "section type", d_sec_type, -EINVAL, "unknown image section type" },
	{ "section twice", d_sec_dup, -EINVAL, "image section appears twice" },
	{ "record size", d_sec_size, -EINVAL,
	  "image section has the wrong record size" },
	{ "alignment", d_sec_align, -EINVAL,
	  "image section is not 8-byte aligned" },
	{ "outside", d_sec_outside, -EINVAL,
	  "image section lies outside the image or over its header" },
	{ "over header", d_sec_over_header, -EINVAL,
	  "image section lies outside the image or over its header" },
	{ "overlap", d_sec_overlap, -EINVAL, "image sections overlap" },
	{ "no settings", d_no_settings, -EINVAL,
	  "image needs exactly one settings record" },
	{ "range past pool", d_range_past, -EINVAL,
	  "list range runs past its pool" },
	{ "empty range offset", d_range_empty_off, -EINVAL,
	  "empty list range with a non-zero offset" },
	{ "shared range", d_range_share, -EINVAL,
	  "two lists of the image share records" },
	{ "cyclic range", d_range_cycle, -EINVAL,
	  "two lists of the image share records" },
	{ "name", d_name, -EINVAL, "name is not NUL-terminated" },
	{ "duplicate id", d_dup_id, -EEXIST, "an object with this id exists" },
	{ "dangling", d_dangling, -ENOENT,
	  "refers to a tier that does not exist" },
	{ "action", d_bad_action, -EINVAL,
	  "rule action must be allow, deny, pass, log or reject" },
	{ "member", d_bad_member, -EINVAL,
	  "prefix has bits set beyond its length" },
	{ "padding", d_pad, -EINVAL, "rule padding is not zero" },
	{ "settings", d_settings, -EINVAL,
	  "accept mark bits must lie within the mark mask" },
};

static void damaged(void **state)
{
	struct sc_state *s = t_state();
	struct strata_ioc_stats before, after;
	struct sc_err err;
	struct objs o;
	struct img good;
	u32 i;

	objs_init(&o, s);
	good = build(&o, 2);
	/* a committed state the damaged images must not disturb */
	if (load(s, &good, &err))
		fail_msg("load: %s", err.detail);
	sc_state_stats(s, &before);
	for (i = 0; i < ARRAY_SIZE(damages); i++) {
		struct img im = { malloc(good.len), good.len };
		int ret;

		memcpy(im.buf, good.buf, good.len);
		damages[i].apply(&im);
		memset(&err, 0, sizeof(err));
		ret = load(s, &im, &err);
		if (ret != damages[i].code || !err.msg ||
		    strcmp(err.msg, damages[i].msg))
			fail_msg("%s: got %d \"%s\", want %d \"%s\"",
				 damages[i].name, ret, err.msg ? err.msg : "",
				 damages[i].code, damages[i].msg);
		sc_state_stats(s, &after);
		assert_memory_equal(&before, &after, sizeof(before));
		free(im.buf);
	}
	free(good.buf);
	objs_free(&o);
	sc_state_free(s);
}

/* Counts above the module's hard caps are refused before anything else. */
static void over_caps(void **state)
{
	static const struct sc_limits caps = {
		.tiers = 1,
		.policies = 10,
		.rules = 10,
		.ipsets = 10,
		.members = 10,
		.endpoints = 10,
	};
	struct sc_state *s = sc_state_new(NULL, &caps);
	struct sc_err err;
	struct objs o;
	struct img im;

	objs_init(&o, s);
	o.set.limits = caps;
	im = build(&o, 2);
	assert_int_equal(load(s, &im, &err), -ENOSPC);
	assert_string_equal(err.msg, "image exceeds the module's hard caps");
	assert_int_equal(sc_state_generation(s), 0);
	free(im.buf);
	objs_free(&o);
	sc_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_and_decides),
		cmocka_unit_test(replace_then_flush),
		cmocka_unit_test(damaged),
		cmocka_unit_test(over_caps),
		cmocka_unit_test(rules_one_at_a_time_is_linear),
	};

	return cmocka_run_group_tests_name("engine_image", tests, NULL, NULL);
}
