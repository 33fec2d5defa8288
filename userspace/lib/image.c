// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * State image writer (STRATA_IOC_LOAD_IMAGE): model objects to the flat
 * binary layout of include/uapi/linux/strata.h.
 *
 * DOC: Layout
 *
 *   struct strata_img_header          at 0
 *   struct strata_img_section[n]      right after it
 *   sections                          8-byte aligned, in enum order
 *
 * A section is written only if it has records, except SETTINGS, which is
 * always there (an image replaces the settings too). Pools are filled in
 * object order: policy by policy (ingress rules, then egress), each rule's
 * source lists then destination lists in struct order, endpoints' addresses,
 * spoof prefixes, profiles, then their lists' tier references (each with
 * its policy ids). Every non-empty list gets its own range, so no two
 * ranges overlap; an empty list is (0, 0). Scalar matches whose
 * STRATA_IMG_RULE_F_* bit is clear are written as 0. Nothing is validated
 * here beyond what the layout needs: the kernel's loader does that, and
 * tests and fuzzers rely on being able to write what it must refuse.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "strata.h"

struct pool {
	uint64_t count; /* records (first pass), then cursor */
	uint64_t used;
	size_t rsize;
	unsigned char *base;
};

struct iw {
	struct pool p[__STRATA_SEC_MAX];
	bool fill; /* second pass: write records */
	bool overflow; /* a pool index outgrew u32 */
};

static const size_t rsizes[__STRATA_SEC_MAX] = {
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

/*
 * Reserve @n records in pool @sec; copy @src there (second pass). Return
 * the range, or a pointer to the records through @at.
 */
static struct strata_img_range take(struct iw *w, int sec, const void *src,
				    uint64_t n, void **at)
{
	struct pool *p = &w->p[sec];
	struct strata_img_range r = { 0, 0 };

	if (at)
		*at = NULL;
	if (!n)
		return r;
	if (p->used + n > UINT32_MAX) {
		w->overflow = true;
		return r;
	}
	r.off = (uint32_t)p->used;
	r.count = (uint32_t)n;
	if (w->fill) {
		unsigned char *dst = p->base + p->used * p->rsize;

		if (src)
			memcpy(dst, src, n * p->rsize);
		if (at)
			*at = dst;
	}
	p->used += n;
	return r;
}

static void copy_name(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
}

static void put_ent(struct iw *w, const struct sc_ent *e,
		    struct strata_img_range r[8])
{
	r[0] = take(w, STRATA_SEC_PREFIXES, e->nets, e->n_nets, NULL);
	r[1] = take(w, STRATA_SEC_PREFIXES, e->not_nets, e->n_not_nets, NULL);
	r[2] = take(w, STRATA_SEC_IDS, e->sets, e->n_sets, NULL);
	r[3] = take(w, STRATA_SEC_IDS, e->not_sets, e->n_not_sets, NULL);
	r[4] = take(w, STRATA_SEC_PORTS, e->ports, e->n_ports, NULL);
	r[5] = take(w, STRATA_SEC_PORTS, e->not_ports, e->n_not_ports, NULL);
	r[6] = take(w, STRATA_SEC_IDS, e->psets, e->n_psets, NULL);
	r[7] = take(w, STRATA_SEC_IDS, e->not_psets, e->n_not_psets, NULL);
}

static void put_rule(struct iw *w, const struct sc_rule *r,
		     struct strata_img_rule *ir)
{
	struct strata_img_range src[8], dst[8];

	put_ent(w, &r->src, src);
	put_ent(w, &r->dst, dst);
	if (!ir)
		return;
	ir->action = r->action;
	ir->ip_version = r->ip_version;
	ir->present = r->present;
	if (r->present & STRATA_IMG_RULE_F_PROTO)
		ir->proto = r->proto;
	if (r->present & STRATA_IMG_RULE_F_NOT_PROTO)
		ir->not_proto = r->not_proto;
	if (r->present & STRATA_IMG_RULE_F_ICMP_TYPE)
		ir->icmp_type = r->icmp_type;
	if (r->present & STRATA_IMG_RULE_F_ICMP_CODE)
		ir->icmp_code = r->icmp_code;
	if (r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE)
		ir->not_icmp_type = r->not_icmp_type;
	if (r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE)
		ir->not_icmp_code = r->not_icmp_code;
	ir->cookie = r->cookie;
	ir->src_nets = src[0];
	ir->src_not_nets = src[1];
	ir->src_sets = src[2];
	ir->src_not_sets = src[3];
	ir->src_ports = src[4];
	ir->src_not_ports = src[5];
	ir->src_port_sets = src[6];
	ir->src_not_port_sets = src[7];
	ir->dst_nets = dst[0];
	ir->dst_not_nets = dst[1];
	ir->dst_sets = dst[2];
	ir->dst_not_sets = dst[3];
	ir->dst_ports = dst[4];
	ir->dst_not_ports = dst[5];
	ir->dst_port_sets = dst[6];
	ir->dst_not_port_sets = dst[7];
}

static void put_policy(struct iw *w, const struct sc_policy *p)
{
	struct strata_img_range rr[SC_NDIRS];
	struct strata_img_policy *ip;
	void *at[SC_NDIRS];
	unsigned int d;
	uint32_t i;

	take(w, STRATA_SEC_POLICIES, NULL, 1, (void **)&ip);
	/* a policy's rules first, then the rules' lists */
	for (d = 0; d < SC_NDIRS; d++)
		rr[d] = take(w, STRATA_SEC_RULES, NULL, p->n_rules[d], &at[d]);
	for (d = 0; d < SC_NDIRS; d++)
		for (i = 0; i < p->n_rules[d]; i++)
			put_rule(w, &p->rules[d][i],
				 at[d] ? (struct strata_img_rule *)at[d] + i
				       : NULL);
	if (!ip)
		return;
	ip->id = p->id;
	copy_name(ip->name, p->name, sizeof(ip->name));
	ip->ingress = rr[SC_INGRESS];
	ip->egress = rr[SC_EGRESS];
}

static void put_endpoint(struct iw *w, const struct sc_endpoint *e)
{
	struct strata_img_range lists[__STRATA_LIST_MAX];
	struct strata_img_endpoint *ie;
	struct strata_img_range a, s, p;
	unsigned int l;
	uint32_t i;

	take(w, STRATA_SEC_ENDPOINTS, NULL, 1, (void **)&ie);
	a = take(w, STRATA_SEC_PREFIXES, e->addrs, e->n_addrs, NULL);
	s = take(w, STRATA_SEC_PREFIXES, e->spoof, e->n_spoof, NULL);
	p = take(w, STRATA_SEC_IDS, e->profiles, e->n_profiles, NULL);
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		const struct sc_eplist *el = &e->lists[l];
		struct strata_img_tierref *tr;

		lists[l] =
			take(w, STRATA_SEC_TIERREFS, NULL, el->n, (void **)&tr);
		for (i = 0; i < el->n; i++) {
			const struct sc_tierref *r = &el->refs[i];
			struct strata_img_range pr;

			pr = take(w, STRATA_SEC_IDS, r->policies, r->n_policies,
				  NULL);
			if (tr) {
				tr[i].tier = r->tier;
				tr[i].policies = pr;
			}
		}
	}
	if (!ie)
		return;
	ie->id = e->id;
	ie->mark = e->mark;
	ie->kind = e->kind;
	ie->no_match = e->no_match;
	copy_name(ie->name, e->name, sizeof(ie->name));
	copy_name(ie->ifname, e->ifname, sizeof(ie->ifname));
	ie->addrs = a;
	ie->spoof = s;
	ie->profiles = p;
	memcpy(ie->lists, lists, sizeof(lists));
}

static void put_settings(struct iw *w, const struct sc_settings *s)
{
	struct strata_img_settings *is;
	struct strata_img_range in, out;
	uint16_t i;

	take(w, STRATA_SEC_SETTINGS, NULL, 1, (void **)&is);
	in = take(w, STRATA_SEC_FAILSAFES, s->failsafe_in, s->n_failsafe_in,
		  NULL);
	out = take(w, STRATA_SEC_FAILSAFES, s->failsafe_out, s->n_failsafe_out,
		   NULL);
	if (!is)
		return;
	is->mark_mask = s->mark_mask;
	is->mark_accept = s->mark_accept;
	is->log_rate = s->log_rate;
	is->log_burst = s->log_burst;
	is->flow_rate = s->flow_rate;
	is->flow_burst = s->flow_burst;
	is->wl_to_host = s->wl_to_host;
	is->ct_invalid_drop = s->ct_invalid_drop;
	is->allow_ipip = s->allow_ipip;
	is->allow_vxlan = s->allow_vxlan;
	is->vxlan_port = s->vxlan_port;
	is->n_wl_prefixes = s->n_wl_prefixes;
	for (i = 0; i < s->n_wl_prefixes; i++)
		copy_name(is->wl_prefixes[i], s->wl_prefixes[i],
			  STRATA_IFNAME_LEN);
	is->failsafe_in = in;
	is->failsafe_out = out;
	is->limit_tiers = s->limits.tiers;
	is->limit_policies = s->limits.policies;
	is->limit_rules = s->limits.rules;
	is->limit_ipsets = s->limits.ipsets;
	is->limit_members = s->limits.members;
	is->limit_endpoints = s->limits.endpoints;
}

static void put_all(struct iw *w, const struct strata_image_in *in)
{
	uint32_t i;

	put_settings(w, in->settings);
	for (i = 0; i < in->n_tiers; i++) {
		const struct sc_tier *t = in->tiers[i];
		struct strata_img_tier *it;

		take(w, STRATA_SEC_TIERS, NULL, 1, (void **)&it);
		if (it) {
			it->id = t->id;
			it->default_action = t->default_action;
			copy_name(it->name, t->name, sizeof(it->name));
		}
	}
	for (i = 0; i < in->n_policies; i++)
		put_policy(w, in->policies[i]);
	for (i = 0; i < in->n_ipsets; i++) {
		const struct strata_image_ipset *s = &in->ipsets[i];
		struct strata_img_ipset *is;
		struct strata_img_range m;

		take(w, STRATA_SEC_IPSETS, NULL, 1, (void **)&is);
		m = take(w, STRATA_SEC_MEMBERS, s->members, s->n_members, NULL);
		if (is) {
			is->id = s->set->id;
			is->family = s->set->family;
			is->kind = s->set->kind;
			copy_name(is->name, s->set->name, sizeof(is->name));
			is->members = m;
		}
	}
	for (i = 0; i < in->n_endpoints; i++)
		put_endpoint(w, in->endpoints[i]);
}

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

/**
 * strata_image_build() - lay out a complete state image
 * @in: the objects; @in->settings is required
 * @image: receives a malloc()ed image (free() it)
 * @len: receives its length
 * @err: failure (-EINVAL for missing settings, -E2BIG when a pool would
 *       need more than 2^32 records, -ENOMEM)
 *
 * Return: 0 or a negative errno.
 */
int strata_image_build(const struct strata_image_in *in, void **image,
		       size_t *len, struct strata_err *err)
{
	struct strata_img_section *sec;
	struct strata_img_header *h;
	struct iw w = { 0 };
	uint64_t off, total;
	uint32_t n_sec = 0;
	unsigned char *buf;
	int t;

	strata_err_clear(err);
	*image = NULL;
	*len = 0;
	if (!in->settings)
		return strata_err_set(err, -EINVAL,
				      "an image needs the settings");
	if (in->settings->n_wl_prefixes > STRATA_MAX_WL_PREFIXES)
		return strata_err_set(err, -EINVAL,
				      "too many workload prefixes");
	/* first pass: count the records of every section */
	put_all(&w, in);
	if (w.overflow)
		return strata_err_set(err, -E2BIG,
				      "too many records for one image");
	for (t = 1; t < __STRATA_SEC_MAX; t++)
		if (w.p[t].used || t == STRATA_SEC_SETTINGS)
			n_sec++;
	off = align8(sizeof(*h) + (uint64_t)n_sec * sizeof(*sec));
	for (t = 1; t < __STRATA_SEC_MAX; t++)
		off = align8(off + w.p[t].used * rsizes[t]);
	total = off;
	if (total > SIZE_MAX / 2)
		return strata_err_set(err, -E2BIG, "image too large");
	buf = calloc(1, (size_t)total);
	if (!buf)
		return strata_err_set(err, -ENOMEM, "out of memory");

	h = (struct strata_img_header *)buf;
	h->magic = STRATA_IMAGE_MAGIC;
	h->version = STRATA_IMAGE_VERSION;
	h->header_len = sizeof(*h);
	h->total_len = total;
	h->n_sections = n_sec;
	sec = (struct strata_img_section *)(buf + sizeof(*h));
	off = align8(sizeof(*h) + (uint64_t)n_sec * sizeof(*sec));
	for (t = 1; t < __STRATA_SEC_MAX; t++) {
		struct pool *p = &w.p[t];

		p->count = p->used;
		p->rsize = rsizes[t];
		if (!p->count && t != STRATA_SEC_SETTINGS)
			continue;
		sec->type = (uint32_t)t;
		sec->record_size = (uint32_t)rsizes[t];
		sec->offset = off;
		sec->count = p->count;
		sec++;
		p->base = buf + off;
		p->used = 0;
		off = align8(off + p->count * p->rsize);
	}
	/* second pass: the same walk, now writing */
	w.fill = true;
	put_all(&w, in);
	*image = buf;
	*len = (size_t)total;
	return 0;
}
