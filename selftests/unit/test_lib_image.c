// SPDX-License-Identifier: GPL-2.0
/*
 * libstrata's state image writer (STRATA_IOC_LOAD_IMAGE): the layout
 * checked structurally (header, section table, alignment, bounds, counts,
 * every list range inside its pool and no two overlapping), then the
 * image loaded by the engine's own loader (kmod/core/image.c, compiled
 * here as in the kernel) and every object read back and compared.
 */
#include "test_lib_util.h"
#include "state.h"
#include "strata_text.h"

#define NSETS 32

struct world {
	struct sc_settings settings;
	struct sc_tier *tiers[2];
	struct sc_policy *pol[12];
	struct sc_ipset *sets[NSETS];
	struct strata_member *members[NSETS];
	struct strata_image_ipset isets[NSETS];
	struct sc_endpoint *eps[2];
	struct strata_image_in in;
	uint32_t n_pol;
};

/*
 * Everything the rich objects refer to: tiers 10 and 20, policies 5..12,
 * 40, 41 (and 9), address sets 7..11 and 100..120, address+port sets
 * 12..15.
 */
static void world_build(struct world *w)
{
	static const uint32_t pids[] = { 5, 6, 7, 8, 9, 10, 11, 12, 40, 41 };
	uint32_t i, n = 0;

	memset(w, 0, sizeof(*w));
	tl_settings(&w->settings);
	w->tiers[0] = tl_tier(10, STRATA_ACT_PASS);
	w->tiers[1] = tl_tier(20, STRATA_ACT_DENY);
	for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++)
		w->pol[w->n_pol++] = tl_policy(pids[i], 6 + i, 6 - i % 3);
	for (i = 7; i <= 15; i++) {
		uint8_t kind = i >= 12 ? STRATA_IPSET_ADDR_PORT
			       : i % 2 ? STRATA_IPSET_NET
				       : STRATA_IPSET_ADDR;
		uint8_t fam = i == 9 || i == 10 ? 6 : 4;

		w->sets[n] = tl_ipset(i, fam, kind);
		w->members[n] = tl_members(fam, kind, 10 * i);
		w->isets[n] = (struct strata_image_ipset){ w->sets[n],
							   w->members[n],
							   10 * i };
		n++;
	}
	for (i = 100; i <= 120; i++) {
		w->sets[n] = tl_ipset(i, 4, STRATA_IPSET_ADDR);
		w->isets[n] =
			(struct strata_image_ipset){ w->sets[n], NULL, 0 };
		n++;
	}
	w->eps[0] = tl_endpoint(3, false);
	w->eps[1] = tl_endpoint(4, true);
	w->in.settings = &w->settings;
	w->in.tiers = (const struct sc_tier *const *)w->tiers;
	w->in.n_tiers = 2;
	w->in.policies = (const struct sc_policy *const *)w->pol;
	w->in.n_policies = w->n_pol;
	w->in.ipsets = w->isets;
	w->in.n_ipsets = n;
	w->in.endpoints = (const struct sc_endpoint *const *)w->eps;
	w->in.n_endpoints = 2;
}

static void world_free(struct world *w)
{
	uint32_t i;

	for (i = 0; i < 2; i++) {
		sc_tier_put(w->tiers[i]);
		sc_endpoint_put(w->eps[i]);
	}
	for (i = 0; i < w->n_pol; i++)
		sc_policy_put(w->pol[i]);
	for (i = 0; i < w->in.n_ipsets; i++) {
		sc_ipset_put(w->sets[i]);
		free(w->members[i]);
	}
}

static const size_t rsize[__STRATA_SEC_MAX] = {
	[STRATA_SEC_SETTINGS] = sizeof(struct strata_img_settings),
	[STRATA_SEC_TIERS] = sizeof(struct strata_img_tier),
	[STRATA_SEC_POLICIES] = sizeof(struct strata_img_policy),
	[STRATA_SEC_RULES] = sizeof(struct strata_img_rule),
	[STRATA_SEC_IPSETS] = sizeof(struct strata_img_ipset),
	[STRATA_SEC_MEMBERS] = sizeof(struct strata_member),
	[STRATA_SEC_ENDPOINTS] = sizeof(struct strata_img_endpoint),
	[STRATA_SEC_TIERREFS] = sizeof(struct strata_img_tierref),
	[STRATA_SEC_PREFIXES] = sizeof(struct strata_prefix),
	[STRATA_SEC_PORTS] = sizeof(struct strata_port_range),
	[STRATA_SEC_IDS] = sizeof(uint32_t),
	[STRATA_SEC_FAILSAFES] = sizeof(struct strata_failsafe),
};

/* A parsed image: where each section is, and which records ranges use. */
struct view {
	const unsigned char *buf;
	size_t len;
	const void *base[__STRATA_SEC_MAX];
	uint64_t count[__STRATA_SEC_MAX];
	uint8_t *used[__STRATA_SEC_MAX];
};

static void view_open(struct view *v, const void *buf, size_t len)
{
	const struct strata_img_header *h = buf;
	const struct strata_img_section *sec;
	uint64_t table_end, prev_end;
	int last = 0;
	uint32_t i;

	memset(v, 0, sizeof(*v));
	v->buf = buf;
	v->len = len;
	assert_int_equal(h->magic, STRATA_IMAGE_MAGIC);
	assert_int_equal(h->version, STRATA_IMAGE_VERSION);
	assert_int_equal(h->header_len, sizeof(*h));
	assert_int_equal(h->total_len, len);
	assert_int_equal(h->flags, 0);
	assert_int_equal(len % 8, 0);
	table_end = sizeof(*h) + h->n_sections * sizeof(*sec);
	prev_end = table_end;
	sec = (const void *)((const char *)buf + sizeof(*h));
	for (i = 0; i < h->n_sections; i++, sec++) {
		/* in type order, each once, aligned, in bounds, packed */
		assert_true((int)sec->type > last);
		last = (int)sec->type;
		assert_true(sec->type <= STRATA_SEC_MAX);
		assert_int_equal(sec->record_size, rsize[sec->type]);
		assert_int_equal(sec->offset % 8, 0);
		assert_true(sec->offset >= prev_end);
		assert_true(sec->offset < prev_end + 8);
		assert_true(sec->count > 0);
		prev_end = sec->offset + sec->count * sec->record_size;
		assert_true(prev_end <= len);
		v->base[sec->type] = (const char *)buf + sec->offset;
		v->count[sec->type] = sec->count;
		v->used[sec->type] = calloc(sec->count, 1);
		assert_non_null(v->used[sec->type]);
	}
	assert_int_equal((prev_end + 7) & ~7ULL, len);
	assert_int_equal(v->count[STRATA_SEC_SETTINGS], 1);
}

/* A range: inside its pool, sharing no record with another range. */
static const void *view_range(struct view *v, int type,
			      const struct strata_img_range *r)
{
	uint32_t i;

	if (!r->count) {
		assert_int_equal(r->off, 0);
		return NULL;
	}
	assert_true((uint64_t)r->off + r->count <= v->count[type]);
	for (i = r->off; i < r->off + r->count; i++) {
		assert_int_equal(v->used[type][i], 0);
		v->used[type][i] = 1;
	}
	return (const char *)v->base[type] + (size_t)r->off * rsize[type];
}

static void view_close(struct view *v)
{
	int t;
	uint64_t i;

	/* pools hold exactly what the ranges use */
	for (t = 1; t < __STRATA_SEC_MAX; t++) {
		if (t <= STRATA_SEC_POLICIES || t == STRATA_SEC_IPSETS ||
		    t == STRATA_SEC_ENDPOINTS)
			continue;
		for (i = 0; i < v->count[t]; i++)
			assert_int_equal(v->used[t][i], 1);
	}
	for (t = 1; t < __STRATA_SEC_MAX; t++)
		free(v->used[t]);
}

static void same(struct view *v, int type, const struct strata_img_range *r,
		 const void *list, uint32_t n)
{
	const void *p = view_range(v, type, r);

	assert_int_equal(r->count, n);
	if (n)
		assert_memory_equal(p, list, n * rsize[type]);
}

static void check_ent(struct view *v, const struct strata_img_range *r,
		      const struct sc_ent *e)
{
	same(v, STRATA_SEC_PREFIXES, &r[0], e->nets, e->n_nets);
	same(v, STRATA_SEC_PREFIXES, &r[1], e->not_nets, e->n_not_nets);
	same(v, STRATA_SEC_IDS, &r[2], e->sets, e->n_sets);
	same(v, STRATA_SEC_IDS, &r[3], e->not_sets, e->n_not_sets);
	same(v, STRATA_SEC_PORTS, &r[4], e->ports, e->n_ports);
	same(v, STRATA_SEC_PORTS, &r[5], e->not_ports, e->n_not_ports);
	same(v, STRATA_SEC_IDS, &r[6], e->psets, e->n_psets);
	same(v, STRATA_SEC_IDS, &r[7], e->not_psets, e->n_not_psets);
}

static void structure(void **state)
{
	const struct strata_img_policy *ip;
	const struct strata_img_settings *is;
	const struct strata_img_endpoint *ie;
	const struct strata_img_ipset *iset;
	const struct strata_img_tier *it;
	uint64_t rules = 0, members = 0;
	struct strata_err err;
	struct world w;
	struct view v;
	size_t len;
	void *img;
	uint32_t i, d, k, l;

	world_build(&w);
	assert_int_equal(strata_image_build(&w.in, &img, &len, &err), 0);
	view_open(&v, img, len);
	/* every section type has records here */
	for (i = 1; i <= STRATA_SEC_MAX; i++)
		assert_non_null(v.base[i]);

	is = v.base[STRATA_SEC_SETTINGS];
	assert_int_equal(is->mark_mask, w.settings.mark_mask);
	assert_int_equal(is->vxlan_port, 8472);
	assert_int_equal(is->n_wl_prefixes, 3);
	assert_string_equal(is->wl_prefixes[2], "veth123456789ab");
	assert_int_equal(is->limit_endpoints, 997);
	same(&v, STRATA_SEC_FAILSAFES, &is->failsafe_in, w.settings.failsafe_in,
	     w.settings.n_failsafe_in);
	same(&v, STRATA_SEC_FAILSAFES, &is->failsafe_out,
	     w.settings.failsafe_out, w.settings.n_failsafe_out);

	assert_int_equal(v.count[STRATA_SEC_TIERS], 2);
	it = v.base[STRATA_SEC_TIERS];
	assert_int_equal(it[1].id, 20);
	assert_string_equal(it[1].name, "tier-20");
	assert_int_equal(it[0].default_action, STRATA_ACT_PASS);

	assert_int_equal(v.count[STRATA_SEC_POLICIES], w.n_pol);
	ip = v.base[STRATA_SEC_POLICIES];
	for (i = 0; i < w.n_pol; i++) {
		const struct sc_policy *p = w.pol[i];

		assert_int_equal(ip[i].id, p->id);
		assert_string_equal(ip[i].name, p->name);
		for (d = 0; d < SC_NDIRS; d++) {
			const struct strata_img_range *rr = d ? &ip[i].egress
							      : &ip[i].ingress;
			const struct strata_img_rule *ir =
				view_range(&v, STRATA_SEC_RULES, rr);

			assert_int_equal(rr->count, p->n_rules[d]);
			rules += p->n_rules[d];
			for (k = 0; k < p->n_rules[d]; k++) {
				const struct sc_rule *r = &p->rules[d][k];

				assert_int_equal(ir[k].action, r->action);
				assert_int_equal(ir[k].ip_version,
						 r->ip_version);
				assert_int_equal(ir[k].present, r->present);
				assert_int_equal(ir[k].proto, r->proto);
				assert_int_equal(ir[k].not_proto, r->not_proto);
				assert_int_equal(ir[k].icmp_type, r->icmp_type);
				assert_int_equal(ir[k].not_icmp_code,
						 r->not_icmp_code);
				assert_true(ir[k].cookie == r->cookie);
				assert_int_equal(ir[k].pad, 0);
				check_ent(&v, &ir[k].src_nets, &r->src);
				check_ent(&v, &ir[k].dst_nets, &r->dst);
			}
		}
	}
	assert_int_equal(v.count[STRATA_SEC_RULES], rules);

	iset = v.base[STRATA_SEC_IPSETS];
	for (i = 0; i < w.in.n_ipsets; i++) {
		assert_int_equal(iset[i].id, w.sets[i]->id);
		assert_int_equal(iset[i].kind, w.sets[i]->kind);
		assert_int_equal(iset[i].family, w.sets[i]->family);
		same(&v, STRATA_SEC_MEMBERS, &iset[i].members, w.members[i],
		     w.isets[i].n_members);
		members += w.isets[i].n_members;
	}
	assert_int_equal(v.count[STRATA_SEC_MEMBERS], members);

	ie = v.base[STRATA_SEC_ENDPOINTS];
	for (i = 0; i < 2; i++) {
		const struct sc_endpoint *e = w.eps[i];

		assert_int_equal(ie[i].id, e->id);
		assert_int_equal(ie[i].kind, e->kind);
		assert_int_equal(ie[i].mark, e->mark);
		assert_int_equal(ie[i].no_match, e->no_match);
		assert_string_equal(ie[i].ifname, e->ifname);
		same(&v, STRATA_SEC_PREFIXES, &ie[i].addrs, e->addrs,
		     e->n_addrs);
		same(&v, STRATA_SEC_PREFIXES, &ie[i].spoof, e->spoof,
		     e->n_spoof);
		same(&v, STRATA_SEC_IDS, &ie[i].profiles, e->profiles,
		     e->n_profiles);
		for (l = 0; l < __STRATA_LIST_MAX; l++) {
			const struct strata_img_tierref *tr = view_range(
				&v, STRATA_SEC_TIERREFS, &ie[i].lists[l]);

			assert_int_equal(ie[i].lists[l].count, e->lists[l].n);
			for (k = 0; k < e->lists[l].n; k++) {
				assert_int_equal(tr[k].tier,
						 e->lists[l].refs[k].tier);
				assert_int_equal(tr[k].pad, 0);
				same(&v, STRATA_SEC_IDS, &tr[k].policies,
				     e->lists[l].refs[k].policies,
				     e->lists[l].refs[k].n_policies);
			}
		}
	}
	view_close(&v);
	free(img);
	world_free(&w);
}

static void minimal_image(void **state)
{
	struct strata_image_in in = { 0 };
	const struct strata_img_header *h;
	struct sc_settings s;
	struct strata_err err;
	struct view v;
	size_t len;
	void *img;

	assert_int_equal(strata_image_build(&in, &img, &len, &err), -EINVAL);
	assert_string_equal(err.msg, "an image needs the settings");
	tl_settings(&s);
	s.n_failsafe_in = s.n_failsafe_out = 0;
	in.settings = &s;
	assert_int_equal(strata_image_build(&in, &img, &len, &err), 0);
	h = img;
	/* only the settings: empty sections are left out */
	assert_int_equal(h->n_sections, 1);
	view_open(&v, img, len);
	view_close(&v);
	free(img);
	s.n_wl_prefixes = 9;
	assert_int_equal(strata_image_build(&in, &img, &len, &err), -EINVAL);
}

static struct sc_state *new_state(void)
{
	static const struct sc_limits caps = { 100,  1000,    100000,
					       1000, 1000000, 1000 };
	struct sc_state *s = sc_state_new(NULL, &caps);

	assert_non_null(s);
	return s;
}

static void load(struct sc_state *s, const void *img, size_t len)
{
	struct sc_runtime *rt;
	struct sc_err err = { 0 };
	int ret = sc_image_load(s, img, len, &rt, &err);

	if (ret)
		fail_msg("the engine refused the image: %d %s", ret,
			 err.detail);
	sc_commit_finish(s);
}

/* The engine's loader accepts the image and holds exactly its objects. */
static void engine_loads_it(void **state)
{
	struct strata_member *m = NULL;
	struct strata_ioc_stats st;
	struct sc_state *s = new_state();
	struct strata_err err;
	struct world w;
	size_t len;
	void *img;
	uint32_t i, n, k;

	world_build(&w);
	assert_int_equal(strata_image_build(&w.in, &img, &len, &err), 0);
	load(s, img, len);
	assert_int_equal(sc_state_generation(s), 1);
	assert_equal_obj(strata_settings_equal, &w.settings,
			 sc_state_settings(s));
	for (i = 0; i < 2; i++) {
		assert_equal_obj(strata_tier_equal, w.tiers[i],
				 sc_state_find_tier(s, w.tiers[i]->id, NULL));
		assert_equal_obj(strata_endpoint_equal, w.eps[i],
				 sc_state_find_endpoint(s, 0, w.eps[i]->name));
	}
	for (i = 0; i < w.n_pol; i++)
		assert_equal_obj(strata_policy_equal, w.pol[i],
				 sc_state_find_policy(s, w.pol[i]->id, NULL));
	for (i = 0; i < w.in.n_ipsets; i++) {
		const struct sc_ipset *set =
			sc_state_find_ipset(s, w.sets[i]->id, NULL);
		uint64_t cursor = 0;

		assert_equal_obj(strata_ipset_equal, w.sets[i], set);
		n = sc_state_ipset_count(s, set);
		assert_int_equal(n, w.isets[i].n_members);
		m = realloc(m, (n + 1) * sizeof(*m));
		assert_int_equal(sc_state_members(s, set, &cursor, m, n + 1),
				 n);
		/* the engine's order is its own: compare as sets */
		for (k = 0; k < n; k++) {
			uint32_t j;

			for (j = 0; j < n; j++)
				if (!memcmp(&m[j], &w.members[i][k],
					    sizeof(*m)))
					break;
			assert_true(j < n);
		}
	}
	sc_state_stats(s, &st);
	assert_int_equal(st.tiers, 2);
	assert_int_equal(st.policies, w.n_pol);
	assert_int_equal(st.ipsets, w.in.n_ipsets);
	assert_int_equal(st.endpoints, 2);

	/* a second image replaces everything */
	w.in.n_endpoints = 0;
	w.in.n_tiers = 1;
	free(img);
	assert_int_equal(strata_image_build(&w.in, &img, &len, &err), 0);
	load(s, img, len);
	assert_int_equal(sc_state_generation(s), 2);
	assert_null(sc_state_find_tier(s, 20, NULL));
	assert_null(sc_state_find_endpoint(s, 3, NULL));
	assert_non_null(sc_state_find_tier(s, 10, NULL));
	free(img);
	free(m);
	sc_state_free(s);
	world_free(&w);
}

/* What the writer faithfully writes, the loader refuses for the model. */
static void engine_refuses_dangling(void **state)
{
	struct sc_state *s = new_state();
	struct sc_runtime *rt;
	struct strata_err err;
	struct sc_err se = { 0 };
	struct world w;
	size_t len;
	void *img;

	world_build(&w);
	w.in.n_tiers = 1; /* endpoints refer to tier 20 */
	assert_int_equal(strata_image_build(&w.in, &img, &len, &err), 0);
	assert_int_not_equal(sc_image_load(s, img, len, &rt, &se), 0);
	assert_int_equal(se.code, -ENOENT);
	assert_int_equal(se.kind, SC_OBJ_ENDPOINT);
	if (sc_state_needs_finish(s))
		sc_commit_finish(s);
	assert_int_equal(sc_state_generation(s), 0);
	free(img);
	sc_state_free(s);
	world_free(&w);
}

static void read_batch(struct strata_batch *b, const char *text)
{
	struct strata_perr perr;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	strata_batch_init(b);
	if (strata_batch_read(b, f, &perr))
		fail_msg("line %u: %s", perr.line, perr.msg);
	fclose(f);
}

/* A batch file as a whole state: what "stratactl load" does. */
static void batch_image(void **state)
{
	static const char text[] =
		"tier add id 1 name old\n"
		"flush\n"
		"ipset add id 7 name web family 4 kind net members 10.0.0.0/8\n"
		"ipset add-members name web members 192.168.1.7,172.16.0.0/12\n"
		"tier add id 10 name security default pass\n"
		"policy add id 5 name web ingress allow proto tcp dport 80\n"
		"policy replace id 5 name web2 ingress deny src-set 7\n"
		"endpoint add id 3 name pod workload iface cali1 addr 10.0.0.5\n"
		"\tingress tier 10 policies 5\n"
		"settings set log-rate 99 wl-prefixes veth\n";
	static const struct sc_limits caps = { 100, 100, 100, 100, 100, 100 };
	struct strata_member m[4];
	const struct strata_op *failed;
	const struct sc_policy *p;
	const struct sc_ipset *set;
	struct sc_state *st = new_state();
	struct strata_batch b;
	struct strata_err err;
	struct sc_settings s;
	uint64_t cursor = 0;
	size_t len;
	void *img;

	read_batch(&b, text);
	sc_settings_default(&s, &caps);
	assert_int_equal(strata_batch_image(&b, &s, &img, &len, &failed, &err),
			 0);
	load(st, img, len);
	/* flushed before, replaced later: the last word wins */
	assert_null(sc_state_find_tier(st, 1, NULL));
	assert_non_null(sc_state_find_tier(st, 10, NULL));
	p = sc_state_find_policy(st, 5, NULL);
	assert_string_equal(p->name, "web2");
	assert_int_equal(p->n_rules[SC_INGRESS], 1);
	assert_int_equal(p->rules[SC_INGRESS][0].action, STRATA_ACT_DENY);
	/* the set's own members and those added later */
	set = sc_state_find_ipset(st, 0, "web");
	assert_int_equal(sc_state_ipset_count(st, set), 3);
	assert_int_equal(sc_state_members(st, set, &cursor, m, 4), 3);
	assert_non_null(sc_state_find_endpoint(st, 3, NULL));
	/* settings: the given ones changed, the rest as they were */
	assert_int_equal(sc_state_settings(st)->log_rate, 99);
	assert_int_equal(sc_state_settings(st)->n_wl_prefixes, 1);
	assert_string_equal(sc_state_settings(st)->wl_prefixes[0], "veth");
	assert_int_equal(sc_state_settings(st)->vxlan_port, 4789);
	free(img);
	strata_batch_release(&b);
	sc_state_free(st);

	/* what does not describe a state */
	read_batch(&b, "tier add id 1 name a\ntier del id 1\n");
	assert_int_equal(strata_batch_image(&b, &s, &img, &len, &failed, &err),
			 -EINVAL);
	assert_int_equal(failed->line, 2);
	assert_string_equal(err.msg, "del cannot be part of a complete state");
	strata_batch_release(&b);
	read_batch(&b, "tier add id 1 name a\n\ntier add id 1 name b\n");
	assert_int_equal(strata_batch_image(&b, &s, &img, &len, &failed, &err),
			 -EEXIST);
	assert_int_equal(failed->line, 3);
	assert_string_equal(err.msg, "tier 1 is added twice");
	strata_batch_release(&b);
	read_batch(&b, "ipset add-members id 9 members 10.0.0.1\n");
	assert_int_equal(strata_batch_image(&b, &s, &img, &len, &failed, &err),
			 -ENOENT);
	strata_batch_release(&b);
	read_batch(&b, "ipset add id 9 name s family 4 kind addr\n"
		       "ipset del-members id 9 members 10.0.0.1\n");
	assert_int_equal(strata_batch_image(&b, &s, &img, &len, &failed, &err),
			 -EINVAL);
	strata_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(structure),
		cmocka_unit_test(minimal_image),
		cmocka_unit_test(engine_loads_it),
		cmocka_unit_test(engine_refuses_dangling),
		cmocka_unit_test(batch_image),
	};

	return cmocka_run_group_tests_name("lib_image", tests, NULL, NULL);
}
