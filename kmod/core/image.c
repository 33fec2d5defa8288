// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * State images (STRATA_IOC_LOAD_IMAGE): validation and loading.
 *
 * DOC: Image validation
 *
 * Nothing in an image is trusted. Before any object is built the loader
 * checks the header, that every section lies inside the image, is aligned,
 * has the record size its type needs, appears once and overlaps neither
 * the header, the section table nor another section; that every list range
 * lies inside its pool and that no two ranges of a pool overlap, so no list
 * can alias or contain another (the image has no pointers, so this is also
 * what rules out cycles); and that counts are within the hard caps. Objects
 * are then built and checked exactly as netlink requests are, in one
 * transaction that first deletes everything: ids and names must be unique,
 * references must resolve, and a failure anywhere leaves the state as it
 * was.
 */
#include "core_types.h"
#include "model.h"
#include "state.h"

struct pool {
	const void *base;
	u64 count;
	u32 nranges, cap;
	u64 *ranges;		/* off << 32 | count, for the overlap check */
};

struct img {
	const u8 *buf;
	size_t len;
	struct sc_env *env;
	const struct sc_limits *caps;
	struct pool sec[__STRATA_SEC_MAX];
	bool present[__STRATA_SEC_MAX];
};

static const u32 rec_size[__STRATA_SEC_MAX] = {
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
	[STRATA_SEC_IDS] = sizeof(u32),
	[STRATA_SEC_FAILSAFES] = sizeof(struct strata_failsafe),
};

static int bad(struct sc_err *err, int code, const char *msg, u32 ref)
{
	return sc_errf(err, code, msg, SC_OBJ_IMAGE, 0, ref);
}

static bool mem_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static int parse_header(struct img *im, struct sc_err *err)
{
	const struct strata_img_header *h = (const void *)im->buf;
	u64 table_end, ends[__STRATA_SEC_MAX], starts[__STRATA_SEC_MAX];
	u32 i, j, n = 0;

	if (im->len < sizeof(*h))
		return bad(err, -EINVAL, "image shorter than its header", 0);
	if (h->magic != STRATA_IMAGE_MAGIC)
		return bad(err, -EINVAL, "not a Strata image (bad magic)", 0);
	if (h->version != STRATA_IMAGE_VERSION)
		return bad(err, -EPROTONOSUPPORT,
			   "unsupported image version", h->version);
	if (h->header_len != sizeof(*h) || h->flags)
		return bad(err, -EINVAL, "bad image header length or flags", 0);
	if (h->total_len != im->len)
		return bad(err, -EINVAL,
			   "image length does not match its header", 0);
	if (h->n_sections > STRATA_SEC_MAX)
		return bad(err, -EINVAL, "too many image sections",
			   h->n_sections);
	table_end = sizeof(*h) +
		    (u64)h->n_sections * sizeof(struct strata_img_section);
	if (table_end > im->len)
		return bad(err, -EINVAL, "section table runs past the image",
			   0);
	for (i = 0; i < h->n_sections; i++) {
		const struct strata_img_section *s =
			(const void *)(im->buf + sizeof(*h) +
				       i * sizeof(struct strata_img_section));
		u64 size;

		if (s->type < 1 || s->type > STRATA_SEC_MAX)
			return bad(err, -EINVAL, "unknown image section type",
				   s->type);
		if (im->present[s->type])
			return bad(err, -EINVAL, "image section appears twice",
				   s->type);
		if (s->record_size != rec_size[s->type])
			return bad(err, -EINVAL,
				   "image section has the wrong record size",
				   s->type);
		if (s->offset % 8)
			return bad(err, -EINVAL,
				   "image section is not 8-byte aligned",
				   s->type);
		if (s->count > 0xffffffffULL)
			return bad(err, -E2BIG, "image section too large",
				   s->type);
		size = s->count * s->record_size;
		if (s->offset < table_end || s->offset > im->len ||
		    size > im->len - s->offset)
			return bad(err, -EINVAL,
				   "image section lies outside the image or over its header",
				   s->type);
		im->present[s->type] = true;
		im->sec[s->type].base = im->buf + s->offset;
		im->sec[s->type].count = s->count;
		if (size) {
			starts[n] = s->offset;
			ends[n++] = s->offset + size;
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j && starts[i] < ends[j] && starts[j] < ends[i])
				return bad(err, -EINVAL,
					   "image sections overlap", 0);
	if (!im->present[STRATA_SEC_SETTINGS] ||
	    im->sec[STRATA_SEC_SETTINGS].count != 1)
		return bad(err, -EINVAL,
			   "image needs exactly one settings record", 0);
	return 0;
}

/* Record range @r of pool @type (checked later for overlaps). */
static int use_range(struct img *im, u8 type, const struct strata_img_range *r,
		     struct sc_err *err)
{
	struct pool *p = &im->sec[type];

	if (!r->count) {
		if (r->off)
			return bad(err, -EINVAL,
				   "empty list range with a non-zero offset",
				   type);
		return 0;
	}
	if ((u64)r->off + r->count > p->count)
		return bad(err, -EINVAL, "list range runs past its pool", type);
	if (p->nranges == p->cap) {
		u32 cap = p->cap ? p->cap * 2 : 64;
		u64 *v = sc_alloc(im->env, cap * sizeof(u64));

		if (!v)
			return bad(err, -ENOMEM, "out of memory", 0);
		if (p->nranges)
			memcpy(v, p->ranges, p->nranges * sizeof(u64));
		sc_free(im->env, p->ranges, p->cap * sizeof(u64));
		p->ranges = v;
		p->cap = cap;
	}
	p->ranges[p->nranges++] = ((u64)r->off << 32) | r->count;
	return 0;
}

static int check_overlaps(struct img *im, struct sc_err *err)
{
	u32 t, i;

	for (t = 1; t <= STRATA_SEC_MAX; t++) {
		struct pool *p = &im->sec[t];

		sc_sort_u64(p->ranges, p->nranges);
		for (i = 1; i < p->nranges; i++) {
			u64 prev_end = (p->ranges[i - 1] >> 32) +
				       (u32)p->ranges[i - 1];

			if ((p->ranges[i] >> 32) < prev_end)
				return bad(err, -EINVAL,
					   "two lists of the image share records",
					   t);
		}
	}
	return 0;
}

/* Pass one: every range of every record, then the overlap check. */
static int check_ranges(struct img *im, struct sc_err *err)
{
	const struct strata_img_settings *st = im->sec[STRATA_SEC_SETTINGS].base;
	const struct strata_img_policy *pol = im->sec[STRATA_SEC_POLICIES].base;
	const struct strata_img_ipset *set = im->sec[STRATA_SEC_IPSETS].base;
	const struct strata_img_endpoint *ep = im->sec[STRATA_SEC_ENDPOINTS].base;
	const struct strata_img_tierref *tr = im->sec[STRATA_SEC_TIERREFS].base;
	const struct strata_img_rule *ru = im->sec[STRATA_SEC_RULES].base;
	u64 i;
	u32 l;
	int ret = 0;

	ret = use_range(im, STRATA_SEC_FAILSAFES, &st->failsafe_in, err);
	if (!ret)
		ret = use_range(im, STRATA_SEC_FAILSAFES, &st->failsafe_out,
				err);
	for (i = 0; !ret && i < im->sec[STRATA_SEC_POLICIES].count; i++) {
		ret = use_range(im, STRATA_SEC_RULES, &pol[i].ingress, err);
		if (!ret)
			ret = use_range(im, STRATA_SEC_RULES, &pol[i].egress,
					err);
	}
	for (i = 0; !ret && i < im->sec[STRATA_SEC_RULES].count; i++) {
		const struct strata_img_range *pr[] = {
			&ru[i].src_nets, &ru[i].src_not_nets,
			&ru[i].dst_nets, &ru[i].dst_not_nets,
		};
		const struct strata_img_range *ir[] = {
			&ru[i].src_sets, &ru[i].src_not_sets,
			&ru[i].src_port_sets, &ru[i].src_not_port_sets,
			&ru[i].dst_sets, &ru[i].dst_not_sets,
			&ru[i].dst_port_sets, &ru[i].dst_not_port_sets,
		};
		const struct strata_img_range *po[] = {
			&ru[i].src_ports, &ru[i].src_not_ports,
			&ru[i].dst_ports, &ru[i].dst_not_ports,
		};

		for (l = 0; !ret && l < ARRAY_SIZE(pr); l++)
			ret = use_range(im, STRATA_SEC_PREFIXES, pr[l], err);
		for (l = 0; !ret && l < ARRAY_SIZE(ir); l++)
			ret = use_range(im, STRATA_SEC_IDS, ir[l], err);
		for (l = 0; !ret && l < ARRAY_SIZE(po); l++)
			ret = use_range(im, STRATA_SEC_PORTS, po[l], err);
		if (!ret && ru[i].pad)
			ret = bad(err, -EINVAL, "rule padding is not zero", 0);
	}
	for (i = 0; !ret && i < im->sec[STRATA_SEC_IPSETS].count; i++)
		ret = use_range(im, STRATA_SEC_MEMBERS, &set[i].members, err);
	for (i = 0; !ret && i < im->sec[STRATA_SEC_ENDPOINTS].count; i++) {
		ret = use_range(im, STRATA_SEC_PREFIXES, &ep[i].addrs, err);
		if (!ret)
			ret = use_range(im, STRATA_SEC_PREFIXES, &ep[i].spoof,
					err);
		if (!ret)
			ret = use_range(im, STRATA_SEC_IDS, &ep[i].profiles,
					err);
		for (l = 0; !ret && l < __STRATA_LIST_MAX; l++)
			ret = use_range(im, STRATA_SEC_TIERREFS, &ep[i].lists[l],
					err);
	}
	for (i = 0; !ret && i < im->sec[STRATA_SEC_TIERREFS].count; i++)
		ret = use_range(im, STRATA_SEC_IDS, &tr[i].policies, err);
	if (!ret)
		ret = check_overlaps(im, err);
	return ret;
}

static int check_counts(struct img *im, struct sc_err *err)
{
	const struct sc_limits *c = im->caps;

	if (im->sec[STRATA_SEC_TIERS].count > c->tiers ||
	    im->sec[STRATA_SEC_POLICIES].count > c->policies ||
	    im->sec[STRATA_SEC_RULES].count > c->rules ||
	    im->sec[STRATA_SEC_IPSETS].count > c->ipsets ||
	    im->sec[STRATA_SEC_MEMBERS].count > c->members ||
	    im->sec[STRATA_SEC_ENDPOINTS].count > c->endpoints)
		return bad(err, -ENOSPC, "image exceeds the module's hard caps",
			   0);
	return 0;
}

static const void *at(const struct img *im, u8 type,
		      const struct strata_img_range *r)
{
	return r->count ? (const u8 *)im->sec[type].base +
				  (size_t)r->off * rec_size[type] : NULL;
}

/* Copy the records of range @r of pool @type into @a (NULL if empty). */
static void *dup_range(const struct img *im, struct sc_arena *a, u8 type,
		       const struct strata_img_range *r)
{
	return sc_arena_dup(a, at(im, type, r), (size_t)r->count * rec_size[type]);
}

static int copy_name(char *dst, const char *src, size_t n, u8 kind, u32 id,
		     struct sc_err *err)
{
	if (!memchr(src, 0, n))
		return sc_errf(err, -EINVAL, "name is not NUL-terminated", kind,
			       id, 0);
	memcpy(dst, src, n);
	return 0;
}

static int fill_settings(struct img *im, const struct strata_img_settings *st,
			 struct sc_settings *s, struct sc_err *err);

static int load_settings(struct img *im, struct sc_tx *tx,
			 const struct sc_settings *cur, struct sc_err *err)
{
	const struct strata_img_settings *st = im->sec[STRATA_SEC_SETTINGS].base;
	struct sc_settings *s;
	int ret;

	/* too big for a kernel stack */
	s = sc_alloc(im->env, sizeof(*s));
	if (!s)
		return bad(err, -ENOMEM, "out of memory", 0);
	*s = *cur;
	ret = fill_settings(im, st, s, err);
	if (!ret)
		ret = sc_tx_set_settings(tx, s, err);
	sc_free(im->env, s, sizeof(*s));
	return ret;
}

static int fill_settings(struct img *im, const struct strata_img_settings *st,
			 struct sc_settings *s, struct sc_err *err)
{
	u32 i;

	s->mark_mask = st->mark_mask;
	s->mark_accept = st->mark_accept;
	s->log_rate = st->log_rate;
	s->log_burst = st->log_burst;
	s->flow_rate = st->flow_rate;
	s->flow_burst = st->flow_burst;
	s->wl_to_host = st->wl_to_host;
	s->ct_invalid_drop = st->ct_invalid_drop;
	s->allow_ipip = st->allow_ipip;
	s->allow_vxlan = st->allow_vxlan;
	s->vxlan_port = st->vxlan_port;
	if (st->n_wl_prefixes > STRATA_MAX_WL_PREFIXES)
		return bad(err, -EINVAL, "too many workload prefixes", 0);
	s->n_wl_prefixes = st->n_wl_prefixes;
	memset(s->wl_prefixes, 0, sizeof(s->wl_prefixes));
	for (i = 0; i < st->n_wl_prefixes; i++) {
		if (!memchr(st->wl_prefixes[i], 0, STRATA_IFNAME_LEN))
			return bad(err, -EINVAL,
				   "workload prefix is not NUL-terminated", i);
		memcpy(s->wl_prefixes[i], st->wl_prefixes[i],
		       STRATA_IFNAME_LEN);
	}
	if (st->failsafe_in.count > SC_MAX_FAILSAFE ||
	    st->failsafe_out.count > SC_MAX_FAILSAFE)
		return bad(err, -EINVAL, "too many failsafe ports", 0);
	s->n_failsafe_in = st->failsafe_in.count;
	s->n_failsafe_out = st->failsafe_out.count;
	if (s->n_failsafe_in)
		memcpy(s->failsafe_in,
		       at(im, STRATA_SEC_FAILSAFES, &st->failsafe_in),
		       s->n_failsafe_in * sizeof(s->failsafe_in[0]));
	if (s->n_failsafe_out)
		memcpy(s->failsafe_out,
		       at(im, STRATA_SEC_FAILSAFES, &st->failsafe_out),
		       s->n_failsafe_out * sizeof(s->failsafe_out[0]));
	s->limits.tiers = st->limit_tiers;
	s->limits.policies = st->limit_policies;
	s->limits.rules = st->limit_rules;
	s->limits.ipsets = st->limit_ipsets;
	s->limits.members = st->limit_members;
	s->limits.endpoints = st->limit_endpoints;
	return 0;
}

static void img_ent(const struct img *im, struct sc_ent *e,
		    const struct strata_img_range *nets,
		    const struct strata_img_range *not_nets,
		    const struct strata_img_range *sets,
		    const struct strata_img_range *not_sets,
		    const struct strata_img_range *ports,
		    const struct strata_img_range *not_ports,
		    const struct strata_img_range *psets,
		    const struct strata_img_range *not_psets)
{
	e->n_nets = nets->count;
	e->nets = (struct strata_prefix *)at(im, STRATA_SEC_PREFIXES, nets);
	e->n_not_nets = not_nets->count;
	e->not_nets = (struct strata_prefix *)at(im, STRATA_SEC_PREFIXES,
						 not_nets);
	e->n_sets = sets->count;
	e->sets = (u32 *)at(im, STRATA_SEC_IDS, sets);
	e->n_not_sets = not_sets->count;
	e->not_sets = (u32 *)at(im, STRATA_SEC_IDS, not_sets);
	e->n_ports = ports->count;
	e->ports = (struct strata_port_range *)at(im, STRATA_SEC_PORTS, ports);
	e->n_not_ports = not_ports->count;
	e->not_ports = (struct strata_port_range *)at(im, STRATA_SEC_PORTS,
						      not_ports);
	e->n_psets = psets->count;
	e->psets = (u32 *)at(im, STRATA_SEC_IDS, psets);
	e->n_not_psets = not_psets->count;
	e->not_psets = (u32 *)at(im, STRATA_SEC_IDS, not_psets);
}

static int load_rules(struct img *im, struct sc_policy *p, enum sc_dir d,
		      const struct strata_img_range *r, struct sc_err *err)
{
	const struct strata_img_rule *ir = at(im, STRATA_SEC_RULES, r);
	struct sc_rule tmp;
	u32 i;
	int ret;

	for (i = 0; i < r->count; i++) {
		memset(&tmp, 0, sizeof(tmp));
		tmp.action = ir[i].action;
		tmp.ip_version = ir[i].ip_version;
		tmp.proto = ir[i].proto;
		tmp.not_proto = ir[i].not_proto;
		tmp.icmp_type = ir[i].icmp_type;
		tmp.icmp_code = ir[i].icmp_code;
		tmp.not_icmp_type = ir[i].not_icmp_type;
		tmp.not_icmp_code = ir[i].not_icmp_code;
		tmp.present = ir[i].present;
		tmp.cookie = ir[i].cookie;
		img_ent(im, &tmp.src, &ir[i].src_nets, &ir[i].src_not_nets,
			&ir[i].src_sets, &ir[i].src_not_sets, &ir[i].src_ports,
			&ir[i].src_not_ports, &ir[i].src_port_sets,
			&ir[i].src_not_port_sets);
		img_ent(im, &tmp.dst, &ir[i].dst_nets, &ir[i].dst_not_nets,
			&ir[i].dst_sets, &ir[i].dst_not_sets, &ir[i].dst_ports,
			&ir[i].dst_not_ports, &ir[i].dst_port_sets,
			&ir[i].dst_not_port_sets);
		ret = sc_policy_add_rules(p, d, &tmp, 1, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_objects(struct img *im, struct sc_tx *tx, struct sc_err *err)
{
	const struct strata_img_tier *ti = im->sec[STRATA_SEC_TIERS].base;
	const struct strata_img_policy *po = im->sec[STRATA_SEC_POLICIES].base;
	const struct strata_img_ipset *is = im->sec[STRATA_SEC_IPSETS].base;
	const struct strata_img_endpoint *ep = im->sec[STRATA_SEC_ENDPOINTS].base;
	u64 i;
	u32 l, k;
	int ret;

	for (i = 0; i < im->sec[STRATA_SEC_IPSETS].count; i++) {
		struct sc_ipset *s = sc_ipset_new(im->env);

		if (!s)
			return bad(err, -ENOMEM, "out of memory", 0);
		s->id = is[i].id;
		s->family = is[i].family;
		s->kind = is[i].kind;
		ret = mem_zero(is[i].pad, sizeof(is[i].pad)) ? 0 :
			bad(err, -EINVAL, "IP set padding is not zero", 0);
		if (!ret)
			ret = copy_name(s->name, is[i].name, STRATA_NAME_LEN,
					SC_OBJ_IPSET, s->id, err);
		if (ret) {
			sc_ipset_put(s);
			return ret;
		}
		ret = sc_tx_put_ipset(tx, s, at(im, STRATA_SEC_MEMBERS,
						&is[i].members),
				      is[i].members.count, false, err);
		if (ret)
			return ret;
	}
	for (i = 0; i < im->sec[STRATA_SEC_TIERS].count; i++) {
		struct sc_tier *t = sc_tier_new(im->env);

		if (!t)
			return bad(err, -ENOMEM, "out of memory", 0);
		t->id = ti[i].id;
		t->default_action = ti[i].default_action;
		if (!mem_zero(ti[i].pad, sizeof(ti[i].pad))) {
			sc_tier_put(t);
			return bad(err, -EINVAL, "tier padding is not zero", 0);
		}
		if (copy_name(t->name, ti[i].name, STRATA_NAME_LEN,
			      SC_OBJ_TIER, t->id, err)) {
			sc_tier_put(t);
			return err->code;
		}
		ret = sc_tx_put_tier(tx, t, false, err);
		if (ret)
			return ret;
	}
	for (i = 0; i < im->sec[STRATA_SEC_POLICIES].count; i++) {
		struct sc_policy *p = sc_policy_new(im->env);

		if (!p)
			return bad(err, -ENOMEM, "out of memory", 0);
		p->id = po[i].id;
		ret = po[i].pad ? bad(err, -EINVAL,
				      "policy padding is not zero", 0) : 0;
		if (!ret)
			ret = copy_name(p->name, po[i].name, STRATA_NAME_LEN,
					SC_OBJ_POLICY, p->id, err);
		if (!ret)
			ret = load_rules(im, p, SC_INGRESS, &po[i].ingress,
					 err);
		if (!ret)
			ret = load_rules(im, p, SC_EGRESS, &po[i].egress, err);
		if (ret) {
			sc_policy_put(p);
			return ret;
		}
		ret = sc_tx_put_policy(tx, p, false, err);
		if (ret)
			return ret;
	}
	for (i = 0; i < im->sec[STRATA_SEC_ENDPOINTS].count; i++) {
		struct sc_endpoint *e = sc_endpoint_new(im->env);

		if (!e)
			return bad(err, -ENOMEM, "out of memory", 0);
		e->id = ep[i].id;
		e->kind = ep[i].kind;
		e->no_match = ep[i].no_match;
		e->mark = ep[i].mark;
		ret = mem_zero(ep[i].pad, sizeof(ep[i].pad)) ? 0 :
			bad(err, -EINVAL, "endpoint padding is not zero", 0);
		if (!ret)
			ret = copy_name(e->name, ep[i].name, STRATA_NAME_LEN,
					SC_OBJ_ENDPOINT, e->id, err);
		if (!ret && !memchr(ep[i].ifname, 0, STRATA_IFNAME_LEN))
			ret = sc_errf(err, -EINVAL,
				      "interface name is not NUL-terminated",
				      SC_OBJ_ENDPOINT, e->id, 0);
		if (!ret) {
			memcpy(e->ifname, ep[i].ifname, STRATA_IFNAME_LEN);
			e->n_addrs = ep[i].addrs.count;
			e->addrs = dup_range(im, &e->arena, STRATA_SEC_PREFIXES,
					     &ep[i].addrs);
			e->n_spoof = ep[i].spoof.count;
			e->spoof = dup_range(im, &e->arena, STRATA_SEC_PREFIXES,
					     &ep[i].spoof);
			e->n_profiles = ep[i].profiles.count;
			e->profiles = dup_range(im, &e->arena, STRATA_SEC_IDS,
						&ep[i].profiles);
			if ((e->n_addrs && !e->addrs) ||
			    (e->n_spoof && !e->spoof) ||
			    (e->n_profiles && !e->profiles))
				ret = bad(err, -ENOMEM, "out of memory", 0);
		}
		for (l = 0; !ret && l < __STRATA_LIST_MAX; l++) {
			const struct strata_img_tierref *tr =
				at(im, STRATA_SEC_TIERREFS, &ep[i].lists[l]);
			struct sc_eplist *el = &e->lists[l];

			el->n = ep[i].lists[l].count;
			if (!el->n)
				continue;
			el->refs = sc_arena_alloc(&e->arena,
						  el->n * sizeof(*el->refs));
			if (!el->refs) {
				ret = bad(err, -ENOMEM, "out of memory", 0);
				break;
			}
			for (k = 0; k < el->n; k++) {
				if (tr[k].pad) {
					ret = bad(err, -EINVAL,
						  "tier reference padding is not zero",
						  0);
					break;
				}
				el->refs[k].tier = tr[k].tier;
				el->refs[k].n_policies = tr[k].policies.count;
				el->refs[k].policies =
					dup_range(im, &e->arena, STRATA_SEC_IDS,
						  &tr[k].policies);
				if (tr[k].policies.count &&
				    !el->refs[k].policies) {
					ret = bad(err, -ENOMEM, "out of memory",
						  0);
					break;
				}
			}
		}
		if (ret) {
			sc_endpoint_put(e);
			return ret;
		}
		ret = sc_tx_put_endpoint(tx, e, false, err);
		if (ret)
			return ret;
	}
	return 0;
}

int sc_image_load(struct sc_state *s, const void *image, size_t len,
		  struct sc_runtime **rt, struct sc_err *err)
{
	struct img im = { .buf = image, .len = len };
	struct sc_tx *tx = NULL;
	u32 t;
	int ret;

	*rt = NULL;
	if (sc_state_tx_open(s))
		return sc_errf(err, -EBUSY, "a transaction is open",
			       SC_OBJ_IMAGE, 0, 0);
	im.env = sc_state_env(s);
	im.caps = sc_state_caps(s);
	ret = parse_header(&im, err);
	if (!ret)
		ret = check_counts(&im, err);
	if (!ret)
		ret = check_ranges(&im, err);
	if (!ret) {
		tx = sc_tx_begin(s, err);
		if (!tx)
			ret = err->code;
	}
	if (!ret)
		ret = sc_tx_flush(tx, err);
	if (!ret)
		ret = load_settings(&im, tx, sc_state_settings(s), err);
	if (!ret)
		ret = load_objects(&im, tx, err);
	for (t = 1; t <= STRATA_SEC_MAX; t++)
		sc_free(im.env, im.sec[t].ranges,
			im.sec[t].cap * sizeof(u64));
	if (!tx)
		return ret;
	if (ret) {
		sc_tx_abort(tx);
		return ret;
	}
	return sc_tx_commit(tx, rt, err);
}
