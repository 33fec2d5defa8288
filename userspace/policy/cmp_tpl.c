// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compile policies and profiles into templates (struct ptpl): the policy
 * selector as Calico's update processors build it, every rule with its
 * selectors scoped and turned into IP sets, its per-family applicability,
 * and the kernel policy a template becomes once the IP sets have ids.
 * (cmp.h, DOC: What it computes.)
 */
#include <errno.h>
#include <stdio.h>
#include "cmp_int.h"

/* --- selectors ---------------------------------------------------------- */

/* A selector field given with something in it (Calico tests != ""). */
static bool present(const struct res_sel *s)
{
	const char *p;

	if (!s->sel || !s->text)
		return false;
	for (p = s->text; *p; p++)
		if (*p != ' ' && *p != '\t')
			return true;
	return false;
}

static struct sel *unmatchable(void)
{
	struct sel *s = sel_in("projectcalico.org/unmatchable", NULL, 0);

	if (!s)
		cmp_oom();
	return s;
}

/* The results of the rewrites below are NULL only when a label key
 * would grow past the language's limit: such a selector matches nothing
 * (and the template says why). */
static struct sel *checked(struct ptpl *t, struct sel *s, const char *what)
{
	if (s)
		return s;
	if (!t->problem)
		t->problem = cmp_printf(
			"%s cannot be written in the selector language once prefixed; it matches nothing",
			what);
	return unmatchable();
}

/* a && b, either may be NULL; consumes both references. */
static struct sel *s_and(struct ptpl *t, struct sel *a, struct sel *b)
{
	struct sel *r;

	if (!a)
		return b;
	if (!b)
		return a;
	r = checked(t, sel_and(a, b), "a selector");
	sel_put(a);
	sel_put(b);
	return r;
}

/* Prefix every key (and rewrite all()); consumes @s. */
static struct sel *s_prefixed(struct ptpl *t, struct sel *s, const char *prefix,
			      const char *all_label)
{
	struct sel *r =
		checked(t, sel_prefixed(s, prefix, all_label), "a selector");

	sel_put(s);
	return r;
}

static struct sel *s_eq(const char *key, const char *value)
{
	struct sel *s = sel_in(key, &value, 1);

	if (!s)
		cmp_oom(); /* keys and values here are always valid */
	return s;
}

/* !(s), as a new selector; consumes @s. */
static struct sel *s_not(struct sel *s)
{
	char *text = cmp_printf("!(%s)", sel_str(s));
	struct sel *r = NULL;

	if (sel_parse(text, 0, &r, NULL))
		cmp_oom(); /* a canonical text always parses back */
	free(text);
	sel_put(s);
	return r;
}

/*
 * The policy selector (updateprocessors: globalnetworkpolicyprocessor.go,
 * networkpolicyprocessor.go). For a GlobalNetworkPolicy, Calico replaces
 * every "all()" of the combined selector's text once a namespace (service
 * account) selector is appended, the policy's own selector included; the
 * rewrite is done on each part before they are joined, with the same
 * effect.
 */
static struct sel *policy_selector(struct ptpl *t, const struct res *r)
{
	const struct res_policy *p = &r->pol;
	struct sel *s = present(&p->selector) ? sel_get(p->selector.sel) : NULL;

	if (*r->ns) {
		s = s_and(t, s, s_eq(LABEL_NS, r->ns));
		if (present(&p->sa_selector))
			s = s_and(t, s,
				  s_prefixed(t, sel_get(p->sa_selector.sel),
					     "pcsa.", NULL));
	} else {
		if (present(&p->ns_selector)) {
			if (s)
				s = s_prefixed(t, s, "", LABEL_NS);
			s = s_and(t, s,
				  s_prefixed(t, sel_get(p->ns_selector.sel),
					     "pcns.", LABEL_NS));
		}
		if (present(&p->sa_selector)) {
			if (s)
				s = s_prefixed(t, s, "", LABEL_SA);
			s = s_and(t, s,
				  s_prefixed(t, sel_get(p->sa_selector.sel),
					     "pcsa.", LABEL_SA));
		}
	}
	if (!s && sel_parse("all()", 0, &s, NULL))
		cmp_oom();
	return s;
}

/* --- rules -------------------------------------------------------------- */

static void put_prefix(struct strata_prefix *p, const struct res_cidr *c)
{
	unsigned int i, bits = c->family == 6 ? 128 : 32;

	memset(p, 0, sizeof(*p));
	p->family = c->family == 6 ? STRATA_FAMILY_IPV6 : STRATA_FAMILY_IPV4;
	p->prefix_len = c->prefix > bits ? (uint8_t)bits : c->prefix;
	memcpy(p->addr, c->addr, bits / 8);
	for (i = p->prefix_len; i < bits; i++)
		p->addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static struct strata_prefix *prefixes(const struct res_cidr *v, size_t n)
{
	struct strata_prefix *p;
	size_t i;

	if (!n)
		return NULL;
	p = cmp_alloc(n * sizeof(*p));
	for (i = 0; i < n; i++)
		put_prefix(&p[i], &v[i]);
	return p;
}

/* The numeric ports of @v; the names go to @names (deduplicated). */
static void split_ports(const struct res_port *v, size_t n,
			struct strata_port_range **ports, uint32_t *n_ports,
			const char ***names, uint32_t *n_names)
{
	size_t i, j;

	*ports = n ? cmp_alloc(n * sizeof(**ports)) : NULL;
	*names = n ? cmp_alloc(n * sizeof(**names)) : NULL;
	*n_ports = *n_names = 0;
	for (i = 0; i < n; i++) {
		if (!v[i].name) {
			(*ports)[*n_ports].lo = v[i].first;
			(*ports)[(*n_ports)++].hi = v[i].last;
			continue;
		}
		for (j = 0; j < *n_names; j++)
			if (!strcmp((*names)[j], v[i].name))
				break;
		if (j == *n_names)
			(*names)[(*n_names)++] = v[i].name;
	}
	if (!*n_ports) {
		free(*ports);
		*ports = NULL;
	}
}

static struct cset **port_sets(struct cmp *c, struct sel *scope,
			       const char **names, uint32_t n, uint8_t proto)
{
	struct cset **v;
	uint32_t i;

	if (!n)
		return NULL;
	v = cmp_alloc(n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = cset_get(c, scope, names[i], proto);
	return v;
}

/*
 * One side of a rule: getEndpointSelector() and parseServiceAccounts()
 * of libcalico-go's rules.go, then Felix's rule scanner (combine the
 * notSelector into a positive selector, named ports over the positive
 * selector, the selector's own set only when numeric ports or no named
 * ports are given).
 */
static void side_build(struct cmp *c, struct ptpl *t, struct rside *s,
		       const struct res_entity *e, const char *ns,
		       uint8_t port_proto)
{
	struct sel *nssel = NULL, *sasel = NULL, *pos = NULL, *neg = NULL;
	struct sel *scope;
	const char **names, **not_names;
	uint32_t n_names, n_not_names;

	s->nets = prefixes(e->nets, e->n_nets);
	s->n_nets = (uint32_t)e->n_nets;
	s->not_nets = prefixes(e->not_nets, e->n_not_nets);
	s->n_not_nets = (uint32_t)e->n_not_nets;

	if (present(&e->ns_selector))
		nssel = s_prefixed(t, sel_get(e->ns_selector.sel), "pcns.",
				   LABEL_NS);
	else if (ns && *ns)
		nssel = s_eq(LABEL_NS, ns);
	if (e->has_sa) {
		if (present(&e->sa_selector))
			sasel = s_prefixed(t, sel_get(e->sa_selector.sel),
					   "pcsa.", NULL);
		if (e->n_sa_names) {
			struct sel *in =
				sel_in(LABEL_SA, e->sa_names, e->n_sa_names);

			sasel = s_and(t, sasel, checked(t, in, "a name"));
		}
	}
	pos = sasel;
	if (present(&e->selector))
		pos = s_and(t, pos, sel_get(e->selector.sel));
	if (present(&e->not_selector))
		neg = sel_get(e->not_selector.sel);
	if (nssel && (pos || neg || present(&e->ns_selector)))
		pos = s_and(t, nssel, pos);
	else
		sel_put(nssel);
	if (pos && neg) {
		pos = s_and(t, pos, s_not(neg));
		neg = NULL;
	}

	split_ports(e->ports, e->n_ports, &s->ports, &s->n_ports, &names,
		    &n_names);
	split_ports(e->not_ports, e->n_not_ports, &s->not_ports,
		    &s->n_not_ports, &not_names, &n_not_names);
	scope = pos ? sel_get(pos) : NULL;
	if ((n_names || n_not_names) && !scope &&
	    sel_parse("all()", 0, &scope, NULL))
		cmp_oom();
	s->psets = port_sets(c, scope, names, n_names, port_proto);
	s->n_psets = n_names;
	s->not_psets = port_sets(c, scope, not_names, n_not_names, port_proto);
	s->n_not_psets = n_not_names;
	sel_put(scope);
	free(names);
	free(not_names);
	if (pos && (s->n_ports || !n_names))
		s->set = cset_get(c, pos, NULL, 0);
	if (neg)
		s->not_set = cset_get(c, neg, NULL, 0);
	sel_put(pos);
	sel_put(neg);
}

static bool any_family(const struct strata_prefix *p, uint32_t n, uint8_t fam)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (p[i].family == fam)
			return true;
	return false;
}

/* Felix's FilterRuleToIPVersion(), per family. */
static uint8_t rule_fams(const struct rtpl *rt)
{
	uint8_t fams = 0;
	int fi, si;
	uint32_t i;

	for (fi = 0; fi < 2; fi++) {
		uint8_t fam = FAM(fi);
		bool ok = true;

		if (rt->ip_version && rt->ip_version != fam)
			continue;
		if ((rt->present & STRATA_IMG_RULE_F_PROTO) &&
		    ((rt->proto == 1 && fam == STRATA_FAMILY_IPV6) ||
		     (rt->proto == 58 && fam == STRATA_FAMILY_IPV4)))
			continue;
		for (si = 0; si < 2 && ok; si++) {
			const struct rside *s = &rt->s[si];

			if (s->n_nets && !any_family(s->nets, s->n_nets, fam))
				ok = false;
			if (s->n_not_nets &&
			    !any_family(s->not_nets, s->n_not_nets, fam))
				ok = false;
			for (i = 0; i < s->n_not_nets; i++)
				if (s->not_nets[i].family == fam &&
				    !s->not_nets[i].prefix_len)
					ok = false; /* negated catch-all */
		}
		if (ok)
			fams |= (uint8_t)(1 << fi);
	}
	return fams;
}

static uint8_t action_of(enum res_action a)
{
	switch (a) {
	case RES_ALLOW:
		return STRATA_ACT_ALLOW;
	case RES_DENY:
		return STRATA_ACT_DENY;
	case RES_LOG:
		return STRATA_ACT_LOG;
	case RES_PASS:
		return STRATA_ACT_PASS;
	}
	return STRATA_ACT_DENY;
}

static void rule_build(struct cmp *c, struct ptpl *t, struct rtpl *rt,
		       const struct res_rule *rr, const char *ns)
{
	uint8_t port_proto = 6; /* TCP */

	rt->action = action_of(rr->action);
	rt->ip_version = rr->ip_version;
	if (rr->proto.set) {
		rt->present |= STRATA_IMG_RULE_F_PROTO;
		rt->proto = rr->proto.num;
		if (rt->proto == 17 || rt->proto == 132)
			port_proto = rt->proto;
	}
	if (rr->not_proto.set) {
		rt->present |= STRATA_IMG_RULE_F_NOT_PROTO;
		rt->not_proto = rr->not_proto.num;
	}
	if (rr->icmp.set && rr->icmp.has_type) {
		rt->present |= STRATA_IMG_RULE_F_ICMP_TYPE;
		rt->icmp_type = rr->icmp.type;
		if (rr->icmp.has_code) {
			rt->present |= STRATA_IMG_RULE_F_ICMP_CODE;
			rt->icmp_code = rr->icmp.code;
		}
	}
	if (rr->not_icmp.set && rr->not_icmp.has_type) {
		rt->present |= STRATA_IMG_RULE_F_NOT_ICMP_TYPE;
		rt->not_icmp_type = rr->not_icmp.type;
		if (rr->not_icmp.has_code) {
			rt->present |= STRATA_IMG_RULE_F_NOT_ICMP_CODE;
			rt->not_icmp_code = rr->not_icmp.code;
		}
	}
	side_build(c, t, &rt->s[0], &rr->src, ns, port_proto);
	side_build(c, t, &rt->s[1], &rr->dst, ns, port_proto);
	rt->fams = rule_fams(rt);
	rt->line = rr->line;
	rt->col = rr->col;
}

static void rules_build(struct cmp *c, struct ptpl *t, int dir,
			const struct res_rule *v, size_t n, const char *ns)
{
	size_t i;

	t->n_rules[dir] = (uint32_t)n;
	t->rules[dir] = n ? cmp_alloc(n * sizeof(*t->rules[dir])) : NULL;
	for (i = 0; i < n; i++)
		rule_build(c, t, &t->rules[dir][i], &v[i], ns);
}

/* --- templates ---------------------------------------------------------- */

static const char *kind_name(const struct res *r)
{
	bool k8s = (r->src.api_version &&
		    !strncmp(r->src.api_version, "networking.k8s.io/", 18)) ||
		   (r->src.kind &&
		    !strcmp(r->src.kind, "StagedKubernetesNetworkPolicy"));

	if (r->kind == RES_GNP || r->kind == RES_SGNP)
		return "GlobalNetworkPolicy";
	return k8s ? "KubernetesNetworkPolicy" : "NetworkPolicy";
}

static void tpl_src(struct ptpl *t, const struct res *r)
{
	t->res_kind = r->kind;
	t->ns = cmp_strdup(r->ns ? r->ns : "");
	t->name = cmp_strdup(r->name);
	t->file = cmp_strdup(r->src.file);
	t->line = r->src.line;
	t->col = r->src.col;
	t->refs = 1;
}

struct ptpl *tpl_policy(struct cmp *c, const struct res *r)
{
	const struct res_policy *p = &r->pol;
	struct ptpl *t = cmp_alloc(sizeof(*t));
	const char *ns = r->ns ? r->ns : "";

	tpl_src(t, r);
	t->staged = res_kind_is_staged(r->kind);
	t->staged_action = p->staged_action;
	t->kindname = kind_name(r);
	t->tier = cmp_strdup(p->tier ? p->tier : "default");
	t->tslot = ctier_get(c, t->tier);
	t->tslot->trefs++;
	t->has_order = p->has_order;
	t->order = p->has_order ? p->order : INFINITY;
	t->types = p->types;
	t->dnt = p->do_not_track;
	t->prednat = p->pre_dnat;
	t->aof = p->apply_on_forward;
	t->assume = p->assume_needed;
	t->sortkey = cmp_printf("%s/%s/%s", r->name, ns, t->kindname);
	t->sel = policy_selector(t, r);
	rules_build(c, t, SC_INGRESS, p->ingress, p->n_ingress, ns);
	rules_build(c, t, SC_EGRESS, p->egress, p->n_egress, ns);
	return t;
}

struct ptpl *tpl_profile(struct cmp *c, const struct res *r)
{
	const struct res_profile *p = &r->prof;
	struct ptpl *t = cmp_alloc(sizeof(*t));

	tpl_src(t, r);
	t->types = RES_INGRESS | RES_EGRESS;
	rules_build(c, t, SC_INGRESS, p->ingress, p->n_ingress, "");
	rules_build(c, t, SC_EGRESS, p->egress, p->n_egress, "");
	return t;
}

static void side_free(struct cmp *c, struct rside *s)
{
	uint32_t i;

	free(s->nets);
	free(s->not_nets);
	free(s->ports);
	free(s->not_ports);
	if (s->set)
		cset_put(c, s->set);
	if (s->not_set)
		cset_put(c, s->not_set);
	for (i = 0; i < s->n_psets; i++)
		cset_put(c, s->psets[i]);
	for (i = 0; i < s->n_not_psets; i++)
		cset_put(c, s->not_psets[i]);
	free(s->psets);
	free(s->not_psets);
}

void tpl_put(struct cmp *c, struct ptpl *t)
{
	uint32_t i;
	int d;

	if (!t || --t->refs > 0)
		return;
	for (d = 0; d < SC_NDIRS; d++) {
		for (i = 0; i < t->n_rules[d]; i++) {
			side_free(c, &t->rules[d][i].s[0]);
			side_free(c, &t->rules[d][i].s[1]);
		}
		free(t->rules[d]);
	}
	if (t->tslot)
		ctier_unref(c, t->tslot);
	sel_put(t->sel);
	free(t->ns);
	free(t->name);
	free(t->tier);
	free(t->sortkey);
	free(t->file);
	free(t->problem);
	free(t);
}

static void side_refs(struct cmp *c, const struct rside *s, int fi, int delta)
{
	uint32_t i;

	if (s->set)
		cset_aref(c, s->set, fi, delta);
	if (s->not_set)
		cset_aref(c, s->not_set, fi, delta);
	for (i = 0; i < s->n_psets; i++)
		cset_aref(c, s->psets[i], fi, delta);
	for (i = 0; i < s->n_not_psets; i++)
		cset_aref(c, s->not_psets[i], fi, delta);
}

void tpl_refs(struct cmp *c, struct ptpl *t, int delta)
{
	uint32_t i;
	int d, fi;

	for (d = 0; d < SC_NDIRS; d++)
		for (i = 0; i < t->n_rules[d]; i++) {
			const struct rtpl *rt = &t->rules[d][i];

			for (fi = 0; fi < 2; fi++) {
				if (!(rt->fams & (1 << fi)))
					continue;
				side_refs(c, &rt->s[0], fi, delta);
				side_refs(c, &rt->s[1], fi, delta);
			}
		}
}

bool tpl_has_rules(const struct ptpl *t)
{
	return t->n_rules[SC_INGRESS] || t->n_rules[SC_EGRESS];
}

bool tpl_same_meta(const struct ptpl *a, const struct ptpl *b)
{
	return !strcmp(a->tier, b->tier) && a->has_order == b->has_order &&
	       (!a->has_order || a->order == b->order) &&
	       a->types == b->types && a->dnt == b->dnt &&
	       a->prednat == b->prednat && a->aof == b->aof &&
	       a->assume == b->assume && !strcmp(a->sortkey, b->sortkey) &&
	       sel_equal(a->sel, b->sel);
}

/* --- kernel policies ---------------------------------------------------- */

uint64_t cmp_cookie(const char *kname, uint8_t dir, uint32_t index)
{
	return (uint64_t)cmp_fnv32(kname, strlen(kname)) << 32 |
	       (uint64_t)(dir & 1) << 31 | (index & 0x7fffffffU);
}

/* Scratch lists of one rule, freed after sc_policy_add_rules() copied
 * them. */
struct scratch {
	void **v;
	size_t n, cap;
};

static void *scratch(struct scratch *s, size_t n)
{
	void *p = cmp_alloc(n ? n : 1);

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = cmp_realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = p;
	return p;
}

static void scratch_free(struct scratch *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static uint32_t filter_nets(struct scratch *sc, const struct strata_prefix *in,
			    uint32_t n, uint8_t fams,
			    struct strata_prefix **out)
{
	uint32_t i, k = 0;

	*out = NULL;
	if (!n)
		return 0;
	*out = scratch(sc, n * sizeof(**out));
	for (i = 0; i < n; i++)
		if (fams == 3 || in[i].family == FAM(fams == 2))
			(*out)[k++] = in[i];
	return k;
}

static uint32_t set_ids(struct scratch *sc, struct cset *const *v, uint32_t n,
			uint8_t fams, uint32_t **out)
{
	uint32_t i, k = 0;
	int fi;

	*out = NULL;
	if (!n)
		return 0;
	*out = scratch(sc, 2 * n * sizeof(**out));
	for (i = 0; i < n; i++)
		for (fi = 0; fi < 2; fi++) {
			if (!(fams & (1 << fi)))
				continue;
			if (!v[i]->ko[fi] || !v[i]->ko[fi]->id)
				abort(); /* a registered template's sets */
			(*out)[k++] = v[i]->ko[fi]->id;
		}
	return k;
}

static void side_put(struct scratch *sc, struct sc_ent *e,
		     const struct rside *s, uint8_t fams)
{
	e->n_nets = filter_nets(sc, s->nets, s->n_nets, fams, &e->nets);
	e->n_not_nets =
		filter_nets(sc, s->not_nets, s->n_not_nets, fams, &e->not_nets);
	e->n_sets = set_ids(sc, s->set ? &s->set : NULL, s->set ? 1 : 0, fams,
			    &e->sets);
	e->n_not_sets = set_ids(sc, s->not_set ? &s->not_set : NULL,
				s->not_set ? 1 : 0, fams, &e->not_sets);
	e->n_psets = set_ids(sc, s->psets, s->n_psets, fams, &e->psets);
	e->n_not_psets =
		set_ids(sc, s->not_psets, s->n_not_psets, fams, &e->not_psets);
	e->ports = s->ports;
	e->n_ports = s->n_ports;
	e->not_ports = s->not_ports;
	e->n_not_ports = s->n_not_ports;
}

struct sc_policy *tpl_build(struct cmp *c, const struct ptpl *t,
			    const char *kname, uint32_t id)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct scratch sc = { 0 };
	struct sc_err err;
	int d;

	if (!p)
		cmp_oom();
	p->id = id;
	snprintf(p->name, sizeof(p->name), "%s", kname);
	for (d = 0; d < SC_NDIRS; d++) {
		struct sc_rule *v;
		uint32_t i, n = 0;

		if (!t) {
			struct sc_rule deny = {
				.action = STRATA_ACT_DENY,
				.cookie = cmp_cookie(kname, (uint8_t)d,
						     CMP_COOKIE_SYNTHETIC),
			};

			if (sc_policy_add_rules(p, (enum sc_dir)d, &deny, 1,
						&err))
				cmp_oom();
			continue;
		}
		v = cmp_alloc((t->n_rules[d] + 1) * sizeof(*v));
		for (i = 0; i < t->n_rules[d]; i++) {
			const struct rtpl *rt = &t->rules[d][i];
			struct sc_rule *r = &v[n];

			if (!rt->fams)
				continue;
			n++;
			r->action = rt->action;
			if (r->action == STRATA_ACT_DENY &&
			    c->cfg.deny_action == STRATA_ACT_REJECT)
				r->action = STRATA_ACT_REJECT;
			r->ip_version = rt->fams == 3	? rt->ip_version
					: rt->fams == 1 ? 4
							: 6;
			r->present = rt->present;
			r->proto = rt->proto;
			r->not_proto = rt->not_proto;
			r->icmp_type = rt->icmp_type;
			r->icmp_code = rt->icmp_code;
			r->not_icmp_type = rt->not_icmp_type;
			r->not_icmp_code = rt->not_icmp_code;
			r->cookie = cmp_cookie(kname, (uint8_t)d, i);
			side_put(&sc, &r->src, &rt->s[0], rt->fams);
			side_put(&sc, &r->dst, &rt->s[1], rt->fams);
		}
		if (sc_policy_add_rules(p, (enum sc_dir)d, v, n, &err))
			cmp_oom();
		free(v);
	}
	scratch_free(&sc);
	return p;
}
