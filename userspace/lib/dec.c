// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reply decoders: "strata" generic netlink attributes back to model
 * objects. The same code reads dumps, single-object replies and (in the
 * unit tests) the requests enc.c builds. Attributes of unknown types are
 * skipped (a newer kernel may add some); malformed ones (bad lengths,
 * missing required attributes, lists that are not a whole number of
 * records) give -EBADMSG.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include "strata.h"
#include "nl.h"

#define for_each_attr(pos, data, len, rem)                      \
	for (pos = (const struct nlattr *)(data), rem = (len);  \
	     rem >= NLA_HDRLEN && pos->nla_len >= NLA_HDRLEN && \
	     pos->nla_len <= rem;                               \
	     rem -= NLA_ALIGN(pos->nla_len),                    \
	    pos = (const struct nlattr *)((const char *)pos +   \
					  NLA_ALIGN(pos->nla_len)))

static const void *adata(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int alen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static int bad(struct strata_err *err, const char *what)
{
	strata_err_set(err, -EBADMSG, "malformed reply from the kernel: %s",
		       what);
	if (err)
		err->src = STRATA_ERR_TRANSPORT;
	return -EBADMSG;
}

/**
 * strata_attr_parse() - index a stream of attributes by type
 * @tb: @max + 1 entries; the last attribute of each type wins
 * @max: highest type kept (others are skipped)
 * @data: the attributes
 * @len: their length
 *
 * Return: 0, or -EBADMSG if an attribute's length is wrong.
 */
int strata_attr_parse(const struct nlattr **tb, int max, const void *data,
		      int len)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	for_each_attr (a, data, len, rem) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t <= max)
			tb[t] = a;
	}
	/* leftovers shorter than a header are padding; more is garbage */
	return rem >= NLA_HDRLEN ? -EBADMSG : 0;
}

int strata_attr_parse_nested(const struct nlattr **tb, int max,
			     const struct nlattr *nest)
{
	return strata_attr_parse(tb, max, adata(nest), alen(nest));
}

/**
 * strata_msg_each() - every top-level attribute of one type, in order
 * @nlh: a generic netlink message
 * @type: the attribute type
 * @fn: called for each; a non-zero return stops and is returned
 * @arg: its argument
 * @err: for @fn
 *
 * Return: 0, what @fn returned, or -EBADMSG for a malformed message.
 */
int strata_msg_each(const struct nlmsghdr *nlh, int type,
		    int (*fn)(const struct nlattr *a, void *arg,
			      struct strata_err *err),
		    void *arg, struct strata_err *err)
{
	const struct nlattr *a;
	int rem, ret;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return bad(err, "short message");
	for_each_attr (a, (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
		       (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN),
		       rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != type)
			continue;
		ret = fn(a, arg, err);
		if (ret)
			return ret;
	}
	return rem >= NLA_HDRLEN ? bad(err, "attribute length") : 0;
}

static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (alen(a) < 1)
		return -EBADMSG;
	*v = *(const uint8_t *)adata(a);
	return 0;
}

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (alen(a) < (int)sizeof(*v))
		return -EBADMSG;
	memcpy(v, adata(a), sizeof(*v));
	return 0;
}

/* @v: any 64-bit unsigned (u64, __u64 and uint64_t differ in C) */
static int get_u64(const struct nlattr *a, void *v)
{
	if (alen(a) < 8)
		return -EBADMSG;
	memcpy(v, adata(a), 8);
	return 0;
}

/* A string attribute into @buf (@size bytes with the NUL). */
static int get_str(const struct nlattr *a, char *buf, size_t size)
{
	const char *s = adata(a);
	size_t n = (size_t)alen(a);

	while (n && !s[n - 1])
		n--;
	if (n >= size || memchr(s, '\0', n))
		return -EBADMSG;
	memcpy(buf, s, n);
	memset(buf + n, 0, size - n);
	return 0;
}

/* A binary array; @p points into the attribute (4-byte aligned). */
static int get_list(const struct nlattr *a, size_t size, const void **p,
		    uint32_t *n)
{
	size_t len = (size_t)alen(a);

	if (len % size)
		return -EBADMSG;
	*n = (uint32_t)(len / size);
	*p = *n ? adata(a) : NULL;
	return 0;
}

/* Elements of a nested array, checking that it is well formed. */
static int count_elems(const struct nlattr *nest, uint32_t *n)
{
	const struct nlattr *a;
	int rem;

	*n = 0;
	for_each_attr (a, adata(nest), alen(nest), rem)
		(*n)++;
	return rem >= NLA_HDRLEN ? -EBADMSG : 0;
}

/**
 * strata_dec_tier() - a STRATA_A_TIER nest
 * @nest: the attribute
 * @out: a new tier (one reference)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_dec_tier(const struct nlattr *nest, struct sc_tier **out,
		    struct strata_err *err)
{
	const struct nlattr *tb[STRATA_TIER_A_MAX + 1];
	struct sc_tier *t;

	*out = NULL;
	if (strata_attr_parse_nested(tb, STRATA_TIER_A_MAX, nest) ||
	    !tb[STRATA_TIER_A_ID])
		return bad(err, "tier without an id");
	t = sc_tier_new(NULL);
	if (!t)
		return strata_err_set(err, -ENOMEM, "out of memory");
	if (get_u32(tb[STRATA_TIER_A_ID], &t->id) ||
	    (tb[STRATA_TIER_A_NAME] &&
	     get_str(tb[STRATA_TIER_A_NAME], t->name, sizeof(t->name))) ||
	    (tb[STRATA_TIER_A_DEFAULT_ACTION] &&
	     get_u8(tb[STRATA_TIER_A_DEFAULT_ACTION], &t->default_action))) {
		sc_tier_put(t);
		return bad(err, "tier attribute");
	}
	*out = t;
	return 0;
}

static int dec_ent(const struct nlattr *nest, struct sc_ent *e)
{
	const struct nlattr *tb[STRATA_ENT_A_MAX + 1];
	static const struct {
		int type;
		size_t size, n_off, p_off;
	} lists[] = {
#define L(t, n, p, s) \
	{ t, s, offsetof(struct sc_ent, n), offsetof(struct sc_ent, p) }
		L(STRATA_ENT_A_NETS, n_nets, nets,
		  sizeof(struct strata_prefix)),
		L(STRATA_ENT_A_NOT_NETS, n_not_nets, not_nets,
		  sizeof(struct strata_prefix)),
		L(STRATA_ENT_A_SETS, n_sets, sets, sizeof(uint32_t)),
		L(STRATA_ENT_A_NOT_SETS, n_not_sets, not_sets,
		  sizeof(uint32_t)),
		L(STRATA_ENT_A_PORTS, n_ports, ports,
		  sizeof(struct strata_port_range)),
		L(STRATA_ENT_A_NOT_PORTS, n_not_ports, not_ports,
		  sizeof(struct strata_port_range)),
		L(STRATA_ENT_A_PORT_SETS, n_psets, psets, sizeof(uint32_t)),
		L(STRATA_ENT_A_NOT_PORT_SETS, n_not_psets, not_psets,
		  sizeof(uint32_t)),
#undef L
	};
	size_t i;

	if (strata_attr_parse_nested(tb, STRATA_ENT_A_MAX, nest))
		return -EBADMSG;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const void *p = NULL;
		uint32_t n = 0;

		if (tb[lists[i].type] &&
		    get_list(tb[lists[i].type], lists[i].size, &p, &n))
			return -EBADMSG;
		memcpy((char *)e + lists[i].n_off, &n, sizeof(n));
		memcpy((char *)e + lists[i].p_off, &p, sizeof(p));
	}
	return 0;
}

/**
 * strata_dec_rule() - one element of an INGRESS/EGRESS array
 * @nest: the element
 * @r: filled in; its lists point into @nest
 * @err: failure
 *
 * Return: 0 or -EBADMSG.
 */
int strata_dec_rule(const struct nlattr *nest, struct sc_rule *r,
		    struct strata_err *err)
{
	static const struct {
		uint32_t bit;
		int type;
		size_t off;
	} scalars[] = {
		{ STRATA_IMG_RULE_F_PROTO, STRATA_RULE_A_PROTO,
		  offsetof(struct sc_rule, proto) },
		{ STRATA_IMG_RULE_F_NOT_PROTO, STRATA_RULE_A_NOT_PROTO,
		  offsetof(struct sc_rule, not_proto) },
		{ STRATA_IMG_RULE_F_ICMP_TYPE, STRATA_RULE_A_ICMP_TYPE,
		  offsetof(struct sc_rule, icmp_type) },
		{ STRATA_IMG_RULE_F_ICMP_CODE, STRATA_RULE_A_ICMP_CODE,
		  offsetof(struct sc_rule, icmp_code) },
		{ STRATA_IMG_RULE_F_NOT_ICMP_TYPE, STRATA_RULE_A_NOT_ICMP_TYPE,
		  offsetof(struct sc_rule, not_icmp_type) },
		{ STRATA_IMG_RULE_F_NOT_ICMP_CODE, STRATA_RULE_A_NOT_ICMP_CODE,
		  offsetof(struct sc_rule, not_icmp_code) },
	};
	const struct nlattr *tb[STRATA_RULE_A_MAX + 1];
	size_t i;

	memset(r, 0, sizeof(*r));
	if (strata_attr_parse_nested(tb, STRATA_RULE_A_MAX, nest) ||
	    !tb[STRATA_RULE_A_ACTION] ||
	    get_u8(tb[STRATA_RULE_A_ACTION], &r->action))
		return bad(err, "rule without an action");
	if (tb[STRATA_RULE_A_IP_VERSION] &&
	    get_u8(tb[STRATA_RULE_A_IP_VERSION], &r->ip_version))
		return bad(err, "rule IP version");
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if (!tb[scalars[i].type])
			continue;
		if (get_u8(tb[scalars[i].type], (uint8_t *)r + scalars[i].off))
			return bad(err, "rule match");
		r->present |= scalars[i].bit;
	}
	if (tb[STRATA_RULE_A_COOKIE] &&
	    get_u64(tb[STRATA_RULE_A_COOKIE], &r->cookie))
		return bad(err, "rule cookie");
	if ((tb[STRATA_RULE_A_SRC] &&
	     dec_ent(tb[STRATA_RULE_A_SRC], &r->src)) ||
	    (tb[STRATA_RULE_A_DST] && dec_ent(tb[STRATA_RULE_A_DST], &r->dst)))
		return bad(err, "rule source or destination");
	return 0;
}

/**
 * strata_dec_ipset() - a STRATA_A_IPSET nest
 * @nest: the attribute
 * @out: a new set (one reference), or NULL to skip the definition
 *       (GET_MEMBERS replies carry only ID and MEMBERS)
 * @count: COUNT if present, else the number of members carried (may be
 *         NULL)
 * @m: the members carried, pointing into @nest (may be NULL)
 * @n: how many
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_dec_ipset(const struct nlattr *nest, struct sc_ipset **out,
		     uint32_t *count, const struct strata_member **m,
		     uint32_t *n, struct strata_err *err)
{
	const struct nlattr *tb[STRATA_IPSET_A_MAX + 1];
	const void *p = NULL;
	struct sc_ipset *s;
	uint32_t k = 0, c;

	if (out)
		*out = NULL;
	if (strata_attr_parse_nested(tb, STRATA_IPSET_A_MAX, nest) ||
	    !tb[STRATA_IPSET_A_ID])
		return bad(err, "IP set without an id");
	if (tb[STRATA_IPSET_A_MEMBERS] &&
	    get_list(tb[STRATA_IPSET_A_MEMBERS], sizeof(struct strata_member),
		     &p, &k))
		return bad(err, "IP set members");
	c = k;
	if (tb[STRATA_IPSET_A_COUNT] && get_u32(tb[STRATA_IPSET_A_COUNT], &c))
		return bad(err, "IP set count");
	if (m)
		*m = p;
	if (n)
		*n = k;
	if (count)
		*count = c;
	if (!out)
		return 0;
	s = sc_ipset_new(NULL);
	if (!s)
		return strata_err_set(err, -ENOMEM, "out of memory");
	if (get_u32(tb[STRATA_IPSET_A_ID], &s->id) ||
	    (tb[STRATA_IPSET_A_NAME] &&
	     get_str(tb[STRATA_IPSET_A_NAME], s->name, sizeof(s->name))) ||
	    (tb[STRATA_IPSET_A_FAMILY] &&
	     get_u8(tb[STRATA_IPSET_A_FAMILY], &s->family)) ||
	    (tb[STRATA_IPSET_A_KIND] &&
	     get_u8(tb[STRATA_IPSET_A_KIND], &s->kind))) {
		sc_ipset_put(s);
		return bad(err, "IP set attribute");
	}
	*out = s;
	return 0;
}

/* A binary list copied into @a. */
static int dup_list(struct sc_arena *a, const struct nlattr *attr, size_t size,
		    void **p, uint32_t *n)
{
	const void *src;

	*p = NULL;
	*n = 0;
	if (!attr)
		return 0;
	if (get_list(attr, size, &src, n))
		return -EBADMSG;
	if (!*n)
		return 0;
	*p = sc_arena_dup(a, src, (size_t)*n * size);
	return *p ? 0 : -ENOMEM;
}

static int dec_eplist(struct sc_arena *ar, const struct nlattr *nest,
		      struct sc_eplist *l)
{
	const struct nlattr *a;
	uint32_t n, i = 0;
	int rem, ret;

	if (count_elems(nest, &n))
		return -EBADMSG;
	l->n = 0;
	l->refs = NULL;
	if (!n)
		return 0;
	l->refs = sc_arena_alloc(ar, n * sizeof(*l->refs));
	if (!l->refs)
		return -ENOMEM;
	for_each_attr (a, adata(nest), alen(nest), rem) {
		const struct nlattr *tb[STRATA_TIERREF_A_MAX + 1];
		struct sc_tierref *r = &l->refs[i++];

		if (strata_attr_parse_nested(tb, STRATA_TIERREF_A_MAX, a) ||
		    !tb[STRATA_TIERREF_A_TIER] ||
		    get_u32(tb[STRATA_TIERREF_A_TIER], &r->tier))
			return -EBADMSG;
		ret = dup_list(ar, tb[STRATA_TIERREF_A_POLICIES],
			       sizeof(uint32_t), (void **)&r->policies,
			       &r->n_policies);
		if (ret)
			return ret;
	}
	l->n = n;
	return 0;
}

static int dec_endpoint(const struct nlattr *const *tb, struct sc_endpoint *e)
{
	struct sc_arena *ar = &e->arena;
	const struct nlattr *a;
	int rem, ret;

	if (get_u32(tb[STRATA_EP_A_ID], &e->id) ||
	    (tb[STRATA_EP_A_NAME] &&
	     get_str(tb[STRATA_EP_A_NAME], e->name, sizeof(e->name))) ||
	    (tb[STRATA_EP_A_KIND] && get_u8(tb[STRATA_EP_A_KIND], &e->kind)) ||
	    (tb[STRATA_EP_A_IFNAME] &&
	     get_str(tb[STRATA_EP_A_IFNAME], e->ifname, sizeof(e->ifname))) ||
	    (tb[STRATA_EP_A_MARK] && get_u32(tb[STRATA_EP_A_MARK], &e->mark)) ||
	    (tb[STRATA_EP_A_NO_MATCH] &&
	     get_u8(tb[STRATA_EP_A_NO_MATCH], &e->no_match)))
		return -EBADMSG;
	ret = dup_list(ar, tb[STRATA_EP_A_ADDRS], sizeof(*e->addrs),
		       (void **)&e->addrs, &e->n_addrs);
	if (!ret)
		ret = dup_list(ar, tb[STRATA_EP_A_SPOOF], sizeof(*e->spoof),
			       (void **)&e->spoof, &e->n_spoof);
	if (!ret)
		ret = dup_list(ar, tb[STRATA_EP_A_PROFILES],
			       sizeof(*e->profiles), (void **)&e->profiles,
			       &e->n_profiles);
	if (ret || !tb[STRATA_EP_A_LISTS])
		return ret;
	for_each_attr (a, adata(tb[STRATA_EP_A_LISTS]),
		       alen(tb[STRATA_EP_A_LISTS]), rem) {
		unsigned int l = (a->nla_type & NLA_TYPE_MASK) - 1U;

		if (l >= __STRATA_LIST_MAX)
			continue;
		ret = dec_eplist(ar, a, &e->lists[l]);
		if (ret)
			return ret;
	}
	return rem >= NLA_HDRLEN ? -EBADMSG : 0;
}

/**
 * strata_dec_endpoint() - a STRATA_A_ENDPOINT nest
 * @nest: the attribute
 * @out: a new endpoint (one reference)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_dec_endpoint(const struct nlattr *nest, struct sc_endpoint **out,
			struct strata_err *err)
{
	const struct nlattr *tb[STRATA_EP_A_MAX + 1];
	struct sc_endpoint *e;
	int ret;

	*out = NULL;
	if (strata_attr_parse_nested(tb, STRATA_EP_A_MAX, nest) ||
	    !tb[STRATA_EP_A_ID])
		return bad(err, "endpoint without an id");
	e = sc_endpoint_new(NULL);
	if (!e)
		return strata_err_set(err, -ENOMEM, "out of memory");
	ret = dec_endpoint(tb, e);
	if (ret) {
		sc_endpoint_put(e);
		if (ret == -ENOMEM)
			return strata_err_set(err, -ENOMEM, "out of memory");
		return bad(err, "endpoint attribute");
	}
	*out = e;
	return 0;
}

static int dec_failsafes(const struct nlattr *a, struct strata_failsafe *f,
			 uint32_t *n)
{
	const void *p;

	if (get_list(a, sizeof(*f), &p, n) || *n > SC_MAX_FAILSAFE)
		return -EBADMSG;
	if (*n)
		memcpy(f, p, *n * sizeof(*f));
	return 0;
}

static int dec_wl_prefixes(const struct nlattr *nest, struct sc_settings *s)
{
	const struct nlattr *a;
	uint16_t n = 0;
	int rem;

	memset(s->wl_prefixes, 0, sizeof(s->wl_prefixes));
	for_each_attr (a, adata(nest), alen(nest), rem) {
		if (n == STRATA_MAX_WL_PREFIXES ||
		    get_str(a, s->wl_prefixes[n], STRATA_IFNAME_LEN))
			return -EBADMSG;
		n++;
	}
	s->n_wl_prefixes = n;
	return rem >= NLA_HDRLEN ? -EBADMSG : 0;
}

/**
 * strata_dec_settings() - a STRATA_A_SETTINGS nest
 * @nest: the attribute
 * @s: the fields present are overwritten, the others left alone
 * @mask: if not NULL, STRATA_SETTINGS_F() bits of the fields present
 * @err: failure
 *
 * Return: 0 or -EBADMSG.
 */
int strata_dec_settings(const struct nlattr *nest, struct sc_settings *s,
			uint32_t *mask, struct strata_err *err)
{
	static const struct {
		int type;
		size_t off;
		size_t size;
	} scalars[] = {
#define F(a, f)                               \
	{ a, offsetof(struct sc_settings, f), \
	  sizeof(((struct sc_settings *)0)->f) }
		F(STRATA_SET_A_MARK_MASK, mark_mask),
		F(STRATA_SET_A_MARK_ACCEPT, mark_accept),
		F(STRATA_SET_A_WL_TO_HOST, wl_to_host),
		F(STRATA_SET_A_LOG_RATE, log_rate),
		F(STRATA_SET_A_LOG_BURST, log_burst),
		F(STRATA_SET_A_CT_INVALID_DROP, ct_invalid_drop),
		F(STRATA_SET_A_ALLOW_IPIP, allow_ipip),
		F(STRATA_SET_A_ALLOW_VXLAN, allow_vxlan),
		F(STRATA_SET_A_VXLAN_PORT, vxlan_port),
		F(STRATA_SET_A_FLOW_RATE, flow_rate),
		F(STRATA_SET_A_FLOW_BURST, flow_burst),
		F(STRATA_SET_A_LIMIT_TIERS, limits.tiers),
		F(STRATA_SET_A_LIMIT_POLICIES, limits.policies),
		F(STRATA_SET_A_LIMIT_RULES, limits.rules),
		F(STRATA_SET_A_LIMIT_IPSETS, limits.ipsets),
		F(STRATA_SET_A_LIMIT_MEMBERS, limits.members),
		F(STRATA_SET_A_LIMIT_ENDPOINTS, limits.endpoints),
#undef F
	};
	const struct nlattr *tb[STRATA_SET_A_MAX + 1];
	uint32_t got = 0, n;
	size_t i;

	if (strata_attr_parse_nested(tb, STRATA_SET_A_MAX, nest))
		return bad(err, "settings");
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		const struct nlattr *a = tb[scalars[i].type];

		if (!a)
			continue;
		if (alen(a) < (int)scalars[i].size)
			return bad(err, "settings value");
		memcpy((char *)s + scalars[i].off, adata(a), scalars[i].size);
		got |= STRATA_SETTINGS_F(scalars[i].type);
	}
	if (tb[STRATA_SET_A_FAILSAFE_IN]) {
		if (dec_failsafes(tb[STRATA_SET_A_FAILSAFE_IN], s->failsafe_in,
				  &n))
			return bad(err, "inbound failsafe ports");
		s->n_failsafe_in = n;
		got |= STRATA_SETTINGS_F(STRATA_SET_A_FAILSAFE_IN);
	}
	if (tb[STRATA_SET_A_FAILSAFE_OUT]) {
		if (dec_failsafes(tb[STRATA_SET_A_FAILSAFE_OUT],
				  s->failsafe_out, &n))
			return bad(err, "outbound failsafe ports");
		s->n_failsafe_out = n;
		got |= STRATA_SETTINGS_F(STRATA_SET_A_FAILSAFE_OUT);
	}
	if (tb[STRATA_SET_A_WL_PREFIXES]) {
		if (dec_wl_prefixes(tb[STRATA_SET_A_WL_PREFIXES], s))
			return bad(err, "workload prefixes");
		got |= STRATA_SETTINGS_F(STRATA_SET_A_WL_PREFIXES);
	}
	if (mask)
		*mask = got;
	return 0;
}

/**
 * strata_dec_stats() - a STRATA_A_STATS nest
 * @nest: the attribute
 * @st: filled in (absent counters are 0; a REASONS array longer than this
 *      library knows is cut, a shorter one leaves the rest 0)
 * @err: failure
 *
 * Return: 0 or -EBADMSG.
 */
int strata_dec_stats(const struct nlattr *nest, struct strata_stats *st,
		     struct strata_err *err)
{
	static const struct {
		int type;
		size_t off;
	} u32s[] = {
#define F(a, f) { a, offsetof(struct strata_stats, obj.f) }
		F(STRATA_STATS_A_TIERS, tiers),
		F(STRATA_STATS_A_POLICIES, policies),
		F(STRATA_STATS_A_RULES, rules),
		F(STRATA_STATS_A_IPSETS, ipsets),
		F(STRATA_STATS_A_MEMBERS, members),
		F(STRATA_STATS_A_ENDPOINTS, endpoints),
		F(STRATA_STATS_A_PROGRAMS, programs),
		F(STRATA_STATS_A_CLASSES, classes),
#undef F
	}, u64s[] = {
#define F(a, f) { a, offsetof(struct strata_stats, f) }
		F(STRATA_STATS_A_GENERATION, obj.generation),
		F(STRATA_STATS_A_MEM_BYTES, obj.mem_bytes),
		F(STRATA_STATS_A_PACKETS, packets),
		F(STRATA_STATS_A_EVALUATIONS, evaluations),
		F(STRATA_STATS_A_FLOW_EVENTS, flow_events),
		F(STRATA_STATS_A_FLOW_EVENTS_LOST, flow_events_lost),
		F(STRATA_STATS_A_LOG_LINES, log_lines),
		F(STRATA_STATS_A_LOG_LINES_LOST, log_lines_lost),
		F(STRATA_STATS_A_CT_FLUSHED, ct_flushed),
#undef F
	};
	const struct nlattr *tb[STRATA_STATS_A_MAX + 1];
	size_t i, n;

	memset(st, 0, sizeof(*st));
	if (strata_attr_parse_nested(tb, STRATA_STATS_A_MAX, nest))
		return bad(err, "statistics");
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++)
		if (tb[u32s[i].type] &&
		    get_u32(tb[u32s[i].type],
			    (uint32_t *)((char *)st + u32s[i].off)))
			return bad(err, "statistics counter");
	for (i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		if (tb[u64s[i].type] &&
		    get_u64(tb[u64s[i].type], (char *)st + u64s[i].off))
			return bad(err, "statistics counter");
	if (tb[STRATA_STATS_A_TX_OPEN] &&
	    get_u8(tb[STRATA_STATS_A_TX_OPEN], &st->obj.tx_open))
		return bad(err, "statistics counter");
	if (tb[STRATA_STATS_A_REASONS]) {
		n = (size_t)alen(tb[STRATA_STATS_A_REASONS]) / sizeof(uint64_t);
		if (n > __STRATA_REASON_MAX)
			n = __STRATA_REASON_MAX;
		memcpy(st->reasons, adata(tb[STRATA_STATS_A_REASONS]),
		       n * sizeof(uint64_t));
	}
	return 0;
}

/**
 * strata_dec_counter() - a STRATA_A_COUNTER nest
 * @nest: the attribute
 * @c: filled in
 * @err: failure (kind or id missing)
 *
 * Return: 0 or -EBADMSG.
 */
int strata_dec_counter(const struct nlattr *nest, struct strata_counter *c,
		       struct strata_err *err)
{
	const struct nlattr *tb[STRATA_CTR_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (strata_attr_parse_nested(tb, STRATA_CTR_A_MAX, nest) ||
	    !tb[STRATA_CTR_A_KIND] || !tb[STRATA_CTR_A_ID] ||
	    get_u8(tb[STRATA_CTR_A_KIND], &c->kind) ||
	    get_u32(tb[STRATA_CTR_A_ID], &c->id) ||
	    (tb[STRATA_CTR_A_LIST] &&
	     get_u8(tb[STRATA_CTR_A_LIST], &c->list)) ||
	    (tb[STRATA_CTR_A_INDEX] &&
	     get_u32(tb[STRATA_CTR_A_INDEX], &c->index)) ||
	    (tb[STRATA_CTR_A_FLOWS] &&
	     get_u64(tb[STRATA_CTR_A_FLOWS], &c->flows)) ||
	    (tb[STRATA_CTR_A_PACKETS] &&
	     get_u64(tb[STRATA_CTR_A_PACKETS], &c->packets)) ||
	    (tb[STRATA_CTR_A_BYTES] &&
	     get_u64(tb[STRATA_CTR_A_BYTES], &c->bytes)))
		return bad(err, "counter");
	return 0;
}

void strata_pasm_init(struct strata_pasm *a)
{
	memset(a, 0, sizeof(*a));
	sc_arena_init(&a->scratch, NULL);
}

void strata_pasm_release(struct strata_pasm *a)
{
	unsigned int d;

	for (d = 0; d < SC_NDIRS; d++)
		free(a->rules[d]);
	sc_arena_release(&a->scratch);
	strata_pasm_init(a);
}

/* Hand the assembled policy to @fn and start afresh. */
static int pasm_emit(struct strata_pasm *a, strata_policy_fn fn, void *arg,
		     struct strata_err *err)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_err se = { 0 };
	unsigned int d;
	int ret = 0;

	if (!p) {
		strata_pasm_release(a);
		return strata_err_set(err, -ENOMEM, "out of memory");
	}
	p->id = a->id;
	memcpy(p->name, a->name, sizeof(p->name));
	for (d = 0; d < SC_NDIRS && !ret; d++)
		ret = sc_policy_add_rules(p, d, a->rules[d], a->n[d], &se);
	strata_pasm_release(a);
	if (ret) {
		sc_policy_put(p);
		return strata_err_from_sc(err, &se);
	}
	if (!fn) {
		sc_policy_put(p);
		return 0;
	}
	return fn(p, arg);
}

static bool pasm_complete(const struct strata_pasm *a)
{
	return a->have_count[SC_INGRESS] && a->have_count[SC_EGRESS] &&
	       a->n[SC_INGRESS] == a->count[SC_INGRESS] &&
	       a->n[SC_EGRESS] == a->count[SC_EGRESS];
}

static int pasm_rules(struct strata_pasm *a, unsigned int d,
		      const struct nlattr *nest, struct strata_err *err)
{
	const struct nlattr *r;
	uint32_t n;
	int rem, ret;

	if (count_elems(nest, &n))
		return bad(err, "policy rules");
	if (a->n[d] + (uint64_t)n > SC_MAX_RULES_PER_POLICY)
		return bad(err, "too many rules");
	if (a->n[d] + n > a->cap[d]) {
		uint32_t cap = a->cap[d] ? a->cap[d] : 64;
		struct sc_rule *v;

		while (cap < a->n[d] + n)
			cap *= 2;
		v = realloc(a->rules[d], cap * sizeof(*v));
		if (!v)
			return strata_err_set(err, -ENOMEM, "out of memory");
		a->rules[d] = v;
		a->cap[d] = cap;
	}
	for_each_attr (r, adata(nest), alen(nest), rem) {
		struct sc_rule tmp;

		ret = strata_dec_rule(r, &tmp, err);
		if (ret)
			return ret;
		if (sc_rule_copy(&a->scratch, &a->rules[d][a->n[d]], &tmp))
			return strata_err_set(err, -ENOMEM, "out of memory");
		a->n[d]++;
	}
	return 0;
}

/**
 * strata_pasm_feed() - one STRATA_A_POLICY nest (a whole policy or a piece)
 * @a: the assembler
 * @nest: the attribute
 * @fn: receives each completed policy (may be NULL: dropped)
 * @arg: its argument
 * @err: failure
 *
 * Return: 0, a negative errno, or what @fn returned if negative.
 */
int strata_pasm_feed(struct strata_pasm *a, const struct nlattr *nest,
		     strata_policy_fn fn, void *arg, struct strata_err *err)
{
	static const int dattr[SC_NDIRS] = { STRATA_POLICY_A_INGRESS,
					     STRATA_POLICY_A_EGRESS };
	static const int sattr[SC_NDIRS] = { STRATA_POLICY_A_INGRESS_START,
					     STRATA_POLICY_A_EGRESS_START };
	static const int cattr[SC_NDIRS] = { STRATA_POLICY_A_INGRESS_COUNT,
					     STRATA_POLICY_A_EGRESS_COUNT };
	const struct nlattr *tb[STRATA_POLICY_A_MAX + 1];
	uint32_t id, flags = 0, start[SC_NDIRS] = { 0 }, v;
	bool has_start = false, cont;
	unsigned int d;
	int ret;

	if (strata_attr_parse_nested(tb, STRATA_POLICY_A_MAX, nest) ||
	    !tb[STRATA_POLICY_A_ID] || get_u32(tb[STRATA_POLICY_A_ID], &id) ||
	    (tb[STRATA_POLICY_A_FLAGS] &&
	     get_u32(tb[STRATA_POLICY_A_FLAGS], &flags)))
		return bad(err, "policy without an id");
	for (d = 0; d < SC_NDIRS; d++) {
		if (!tb[sattr[d]])
			continue;
		if (get_u32(tb[sattr[d]], &start[d]))
			return bad(err, "policy rule index");
		has_start |= start[d] != 0;
	}
	cont = a->open && a->id == id;
	if (!cont && ((flags & STRATA_POLICY_F_APPEND) || has_start)) {
		strata_err_set(
			err, -EBADMSG,
			"malformed reply from the kernel: policy %u is continued without its beginning",
			id);
		if (err)
			err->src = STRATA_ERR_TRANSPORT;
		return -EBADMSG;
	}
	if (!cont) {
		if (a->open) {
			ret = pasm_emit(a, fn, arg, err);
			if (ret)
				return ret;
		}
		a->open = true;
		a->id = id;
		if (tb[STRATA_POLICY_A_NAME] &&
		    get_str(tb[STRATA_POLICY_A_NAME], a->name, sizeof(a->name)))
			return bad(err, "policy name");
	}
	for (d = 0; d < SC_NDIRS; d++) {
		if (tb[cattr[d]]) {
			if (get_u32(tb[cattr[d]], &v))
				return bad(err, "policy rule count");
			a->have_count[d] = true;
			a->count[d] = v;
		}
		if (!tb[dattr[d]])
			continue;
		if (tb[sattr[d]] && start[d] != a->n[d]) {
			strata_err_set(
				err, -EBADMSG,
				"malformed reply from the kernel: policy %u continues at %s rule %u, expected %u",
				id, d ? "egress" : "ingress", start[d],
				a->n[d]);
			if (err)
				err->src = STRATA_ERR_TRANSPORT;
			return -EBADMSG;
		}
		ret = pasm_rules(a, d, tb[dattr[d]], err);
		if (ret)
			return ret;
		if (a->have_count[d] && a->n[d] > a->count[d])
			return bad(err, "more policy rules than announced");
	}
	if (pasm_complete(a))
		return pasm_emit(a, fn, arg, err);
	return 0;
}

/**
 * strata_pasm_finish() - the stream ended: hand over the last policy
 * @a: the assembler
 * @fn: receives it
 * @arg: its argument
 * @err: failure (-EBADMSG if announced rules never arrived)
 *
 * Return: 0, a negative errno, or what @fn returned if negative.
 */
int strata_pasm_finish(struct strata_pasm *a, strata_policy_fn fn, void *arg,
		       struct strata_err *err)
{
	unsigned int d;

	if (!a->open)
		return 0;
	for (d = 0; d < SC_NDIRS; d++) {
		if (a->have_count[d] && a->n[d] != a->count[d]) {
			strata_err_set(
				err, -EBADMSG,
				"malformed reply from the kernel: policy %u ended after %u of its %u %s rules",
				a->id, a->n[d], a->count[d],
				d ? "egress" : "ingress");
			if (err)
				err->src = STRATA_ERR_TRANSPORT;
			strata_pasm_release(a);
			return -EBADMSG;
		}
	}
	return pasm_emit(a, fn, arg, err);
}
