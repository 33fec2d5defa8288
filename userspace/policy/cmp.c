// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile: the resources, the two label indexes, and settling what
 * changed before a flush (cmp.h, DOC: The incremental engine).
 *
 * The IP set index (c->ipx) holds every endpoint and network set of the
 * cluster as items and the active rules' canonical selectors; its
 * callback turns (selector, item) matches into member references of the
 * sets built on the selector. The policy index (c->polx) holds the local
 * endpoints and the policy selectors; its callback counts each policy's
 * local matches (a policy with one is active) and marks endpoints whose
 * lists must be rebuilt. Profiles are parents in both (labelsToApply).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "cmp_int.h"

/* --- memory, hashes, names ---------------------------------------------- */

void cmp_oom(void)
{
	fputs("strata compile: out of memory\n", stderr);
	abort();
}

void *cmp_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		cmp_oom();
	return p;
}

void *cmp_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		cmp_oom();
	return p;
}

char *cmp_strdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		cmp_oom();
	return d;
}

char *cmp_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		cmp_oom();
	return s;
}

uint64_t cmp_fnv64(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint32_t cmp_fnv32(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 0x811c9dc5U;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x01000193U;
	}
	return h;
}

void cmp_kname(char out[STRATA_NAME_LEN], const char *full)
{
	size_t n = strlen(full);

	if (n < STRATA_NAME_LEN) {
		memcpy(out, full, n + 1);
		return;
	}
	snprintf(out, STRATA_NAME_LEN, "%.50s~%012llx", full,
		 (unsigned long long)(cmp_fnv64(full, n) & 0xffffffffffffULL));
}

static void kname_fmt(char out[STRATA_NAME_LEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void kname_fmt(char out[STRATA_NAME_LEN], const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		cmp_oom();
	va_end(ap);
	cmp_kname(out, s);
	free(s);
}

/* --- IP sets: selectors and the sets built on them ---------------------- */

static void csel_free(struct cmp *c, struct csel *s)
{
	HASH_DEL(c->csels, s);
	sel_put(s->sel);
	free(s->key);
	free(s);
}

static struct csel *csel_get(struct cmp *c, struct sel *s)
{
	const char *key = sel_str(s);
	struct csel *cs;

	HASH_FIND_STR(c->csels, key, cs);
	if (cs)
		return cs;
	cs = cmp_alloc(sizeof(*cs));
	cs->key = cmp_strdup(key);
	cs->sel = sel_get(s);
	HASH_ADD_KEYPTR(hh, c->csels, cs->key, strlen(cs->key), cs);
	return cs;
}

struct cset *cset_get(struct cmp *c, struct sel *s, const char *port,
		      uint8_t proto)
{
	char *key = port ? cmp_printf("%s\n%u\n%s", sel_str(s), proto, port)
			 : cmp_strdup(sel_str(s));
	unsigned long long h;
	struct cset *cs;
	int fi;

	HASH_FIND_STR(c->csets, key, cs);
	if (cs) {
		free(key);
		cs->trefs++;
		return cs;
	}
	cs = cmp_alloc(sizeof(*cs));
	cs->key = key;
	cs->named = port != NULL;
	cs->proto = proto;
	cs->port = cmp_strdup(port);
	cs->trefs = 1;
	cs->csel = csel_get(c, s);
	cs->snext = cs->csel->sets;
	cs->csel->sets = cs;
	cs->csel->nsets++;
	h = (unsigned long long)cmp_fnv64(key, strlen(key));
	for (fi = 0; fi < 2; fi++)
		snprintf(cs->kname[fi], sizeof(cs->kname[fi]), "%s%u:%016llx",
			 port ? "port" : "set", FAM(fi), h);
	HASH_ADD_KEYPTR(hh, c->csets, cs->key, strlen(cs->key), cs);
	return cs;
}

static void cset_maybe_free(struct cmp *c, struct cset *cs)
{
	struct csel *s = cs->csel;
	struct cset **pp;
	int fi;

	if (cs->trefs || cs->arefs[0] || cs->arefs[1])
		return;
	for (pp = &s->sets; *pp; pp = &(*pp)->snext)
		if (*pp == cs) {
			*pp = cs->snext;
			break;
		}
	if (!--s->nsets && !s->registered)
		csel_free(c, s);
	for (fi = 0; fi < 2; fi++)
		if (cs->ko[fi])
			ko_release(c, cs->ko[fi]);
	HASH_DEL(c->csets, cs);
	free(cs->key);
	free(cs->port);
	free(cs);
}

void cset_put(struct cmp *c, struct cset *cs)
{
	cs->trefs--;
	cset_maybe_free(c, cs);
}

/* Add (@delta 1) or remove (-1) what contribution @k gives set @cs's
 * family @fi. */
static void contrib_set(struct cmp *c, struct cset *cs, int fi,
			const struct contrib *k, int delta)
{
	struct kobj *ko = cs->ko[fi];
	uint8_t fam = FAM(fi), bits = fam == STRATA_FAMILY_IPV6 ? 128 : 32;
	struct strata_member m;
	uint32_t i, j;

	for (i = 0; i < k->n_addrs; i++) {
		const struct strata_prefix *a = &k->addrs[i];

		if (a->family != fam)
			continue;
		memset(&m, 0, sizeof(m));
		memcpy(m.addr, a->addr, sizeof(m.addr));
		m.prefix_len = a->prefix_len;
		if (!cs->named) {
			ko_member(c, ko, &m, delta);
			continue;
		}
		if (a->prefix_len != bits)
			continue;
		for (j = 0; j < k->n_ports; j++) {
			const struct cport *p = &k->ports[j];

			if (p->proto != cs->proto || strcmp(p->name, cs->port))
				continue;
			m.proto = p->proto;
			m.port = p->port;
			ko_member(c, ko, &m, delta);
		}
	}
}

/* Every tracking set on selector @s (or only @only's family @ofi). */
static void csel_contrib(struct cmp *c, struct csel *s, const struct contrib *k,
			 int delta, const struct cset *only, int ofi)
{
	struct cset *cs;
	int fi;

	for (cs = s->sets; cs; cs = cs->snext)
		for (fi = 0; fi < 2; fi++) {
			if (only && (cs != only || fi != ofi))
				continue;
			if (cs->ko[fi] && cs->ko[fi]->tracking)
				contrib_set(c, cs, fi, k, delta);
		}
}

static struct citem *item_find(const struct cmp *c, const char *id)
{
	struct citem *it;

	if (c->cb_item && !strcmp(c->cb_item->id, id))
		return c->cb_item;
	HASH_FIND_STR(c->items, id, it);
	return it;
}

static void ipx_cb(void *ctx, const char *sel_id, const char *item_id,
		   bool match)
{
	struct cmp *c = ctx;
	struct citem *it = item_find(c, item_id);
	struct csel *s;

	HASH_FIND_STR(c->csels, sel_id, s);
	if (!s || !it)
		abort(); /* the index only knows what we gave it */
	s->epoch = c->epoch;
	if (match)
		csel_contrib(c, s, it->updating ? &it->nxt : &it->cur, 1, NULL,
			     0);
	else
		csel_contrib(c, s, &it->cur, -1, NULL, 0);
}

struct one_ctx {
	struct cmp *c;
	struct cset *cs;
	int fi;
};

static void add_one(void *ctx, const char *item_id)
{
	struct one_ctx *x = ctx;
	struct citem *it = item_find(x->c, item_id);

	if (!it)
		abort();
	csel_contrib(x->c, x->cs->csel, &it->cur, 1, x->cs, x->fi);
}

static void track_start(struct cmp *c, struct cset *cs, int fi)
{
	struct csel *s = cs->csel;
	struct kobj *ko;

	ko = ko_get(c, SC_OBJ_IPSET, cs->kname[fi],
		    cs->named ? CMP_SRC_PORT_SET : CMP_SRC_SET, cs);
	ko->family = FAM(fi);
	ko->port_set = cs->named;
	ko->tracking = true;
	cs->ko[fi] = ko;
	ko_want(c, ko, true);
	s->active++;
	if (s->registered) {
		struct one_ctx x = { c, cs, fi };

		labelidx_foreach_item(c->ipx, s->key, add_one, &x);
		return;
	}
	s->registered = true;
	c->epoch++;
	if (labelidx_sel_set(c->ipx, s->key, s->sel))
		abort();
}

static void track_stop(struct cmp *c, struct cset *cs, int fi)
{
	struct csel *s = cs->csel;
	struct kobj *ko = cs->ko[fi];

	ko_drop_members(c, ko);
	ko->tracking = false;
	ko_want(c, ko, false);
	if (--s->active)
		return;
	c->epoch++;
	labelidx_sel_del(c->ipx, s->key);
	s->registered = false;
}

void cset_aref(struct cmp *c, struct cset *cs, int fi, int delta)
{
	if (delta > 0) {
		if (cs->arefs[fi]++ == 0)
			track_start(c, cs, fi);
		return;
	}
	if (--cs->arefs[fi])
		return;
	track_stop(c, cs, fi);
	cset_maybe_free(c, cs);
}

/* --- tiers -------------------------------------------------------------- */

struct ctier *ctier_get(struct cmp *c, const char *name)
{
	struct ctier *t;

	HASH_FIND_STR(c->tiers, name, t);
	if (t)
		return t;
	t = cmp_alloc(sizeof(*t));
	t->name = cmp_strdup(name);
	t->defact = STRATA_ACT_DENY;
	t->order = INFINITY;
	kname_fmt(t->kname, "tier:%s", name);
	HASH_ADD_KEYPTR(hh, c->tiers, t->name, strlen(t->name), t);
	return t;
}

static void ctier_maybe_free(struct cmp *c, struct ctier *t)
{
	if (t->defined || t->trefs || t->eprefs)
		return;
	if (t->ko)
		ko_release(c, t->ko);
	HASH_DEL(c->tiers, t);
	free(t->name);
	free(t->file);
	free(t);
}

void ctier_unref(struct cmp *c, struct ctier *t)
{
	t->trefs--;
	ctier_maybe_free(c, t);
}

static void ctier_eprefs(struct cmp *c, struct ctier *t, int delta)
{
	if (delta > 0) {
		if (t->eprefs++)
			return;
		t->ko = ko_get(c, SC_OBJ_TIER, t->kname, CMP_SRC_TIER, t);
		ko_want(c, t->ko, true);
		return;
	}
	if (--t->eprefs)
		return;
	if (t->ko)
		ko_want(c, t->ko, false);
	ctier_maybe_free(c, t);
}

static void tier_upsert(struct cmp *c, const struct res *r)
{
	struct ctier *t = ctier_get(c, r->name);
	uint8_t act = r->tier.default_action == RES_PASS ? STRATA_ACT_PASS
							 : STRATA_ACT_DENY;
	bool order_changed = !t->defined || t->has_order != r->tier.has_order ||
			     (r->tier.has_order && t->order != r->tier.order);

	t->defined = true;
	t->has_order = r->tier.has_order;
	t->order = r->tier.has_order ? r->tier.order : INFINITY;
	if (t->defact != act && t->ko)
		ko_dirty(c, t->ko);
	t->defact = act;
	free(t->file);
	t->file = cmp_strdup(r->src.file);
	t->line = r->src.line;
	t->col = r->src.col;
	if (order_changed)
		cmp_all_leps_dirty(c);
}

static int tier_delete(struct cmp *c, const char *name)
{
	struct ctier *t;

	HASH_FIND_STR(c->tiers, name, t);
	if (!t || !t->defined)
		return -ENOENT;
	t->defined = false;
	t->has_order = false;
	t->order = INFINITY;
	if (t->defact != STRATA_ACT_DENY && t->ko)
		ko_dirty(c, t->ko);
	t->defact = STRATA_ACT_DENY;
	cmp_all_leps_dirty(c);
	ctier_maybe_free(c, t);
	return 0;
}

/* --- policies ----------------------------------------------------------- */

static void cpol_pending(struct cmp *c, struct cpol *p)
{
	if (p->pending)
		return;
	p->pending = true;
	p->pnext = c->ppending;
	c->ppending = p;
}

static void cpol_maybe_free(struct cmp *c, struct cpol *p)
{
	if (p->src[0] || p->src[1] || p->eff || p->reg || p->pending ||
	    p->n_local)
		return;
	if (p->ko)
		ko_release(c, p->ko);
	HASH_DEL(c->pols, p);
	free(p->key);
	free(p);
}

static void mark_dirty_item(void *ctx, const char *item_id)
{
	struct cmp *c = ctx;
	struct lep *l;

	HASH_FIND_STR(c->leps, item_id, l);
	if (l)
		lep_dirty(c, l);
}

static struct ptpl *effective(const struct cmp *c, const struct cpol *p)
{
	const struct ptpl *st = p->src[1];

	if (!c->cfg.staged_as_enforced || !st)
		return p->src[0];
	switch (st->staged_action) {
	case RES_STAGED_SET:
		return p->src[1];
	case RES_STAGED_DELETE:
		return NULL;
	default:
		return p->src[0];
	}
}

static void cpol_update(struct cmp *c, struct cpol *p)
{
	struct ptpl *e = effective(c, p), *old = p->eff;

	if (e == old)
		return;
	if (e)
		e->refs++;
	p->eff = e;
	if (e) {
		c->epoch++;
		labelidx_sel_set(c->polx, p->key, e->sel);
		p->in_polx = true;
		if (!old || !tpl_same_meta(old, e))
			labelidx_foreach_item(c->polx, p->key, mark_dirty_item,
					      c);
	} else if (p->in_polx) {
		labelidx_sel_del(c->polx, p->key);
		p->in_polx = false;
	}
	cpol_pending(c, p);
	tpl_put(c, old);
}

static void polx_cb(void *ctx, const char *sel_id, const char *item_id,
		    bool match)
{
	struct cmp *c = ctx;
	struct cpol *p;
	struct lep *l;

	HASH_FIND_STR(c->pols, sel_id, p);
	HASH_FIND_STR(c->leps, item_id, l);
	if (!p || !l)
		abort();
	if (match)
		p->n_local++;
	else
		p->n_local--;
	cpol_pending(c, p);
	lep_dirty(c, l);
}

static char *pol_key(const struct res *r)
{
	if (r->kind == RES_GNP || r->kind == RES_SGNP)
		return cmp_printf("G\x1f%s", r->name);
	return cmp_printf("N\x1f%s\x1f%s", r->ns, r->name);
}

static void policy_upsert(struct cmp *c, const struct res *r)
{
	char *key = pol_key(r);
	int si = res_kind_is_staged(r->kind) ? 1 : 0;
	struct ptpl *old;
	struct cpol *p;

	HASH_FIND_STR(c->pols, key, p);
	if (!p) {
		p = cmp_alloc(sizeof(*p));
		p->key = key;
		if (r->kind == RES_GNP || r->kind == RES_SGNP)
			kname_fmt(p->kname, "gnp:%s", r->name);
		else
			kname_fmt(p->kname, "np:%s/%s", r->ns, r->name);
		HASH_ADD_KEYPTR(hh, c->pols, p->key, strlen(p->key), p);
	} else {
		free(key);
	}
	old = p->src[si];
	p->src[si] = tpl_policy(c, r);
	cpol_update(c, p);
	tpl_put(c, old);
}

static int policy_delete(struct cmp *c, enum res_kind kind, const char *ns,
			 const char *name)
{
	struct res r = { .kind = kind, .ns = ns, .name = name };
	char *key = pol_key(&r);
	int si = res_kind_is_staged(kind) ? 1 : 0;
	struct ptpl *old;
	struct cpol *p;

	HASH_FIND_STR(c->pols, key, p);
	free(key);
	if (!p || !p->src[si])
		return -ENOENT;
	old = p->src[si];
	p->src[si] = NULL;
	cpol_update(c, p);
	tpl_put(c, old);
	cpol_maybe_free(c, p);
	return 0;
}

static void cpol_settle(struct cmp *c, struct cpol *p)
{
	struct ptpl *want = NULL;

	p->pending = false;
	if (p->eff && (p->n_local || p->eff->assume))
		want = p->eff;
	if (want != p->reg) {
		if (want) {
			want->refs++;
			tpl_refs(c, want, 1);
		}
		if (p->reg) {
			tpl_refs(c, p->reg, -1);
			tpl_put(c, p->reg);
		}
		p->reg = want;
		if (want) {
			p->ko = ko_get(c, SC_OBJ_POLICY, p->kname,
				       CMP_SRC_POLICY, p);
			ko_want(c, p->ko, true);
			ko_dirty(c, p->ko);
		} else if (p->ko) {
			ko_want(c, p->ko, false);
		}
	}
	cpol_maybe_free(c, p);
}

/* --- profiles ----------------------------------------------------------- */

static struct cprof *cprof_get(struct cmp *c, const char *name)
{
	struct cprof *p;

	HASH_FIND_STR(c->profs, name, p);
	if (p)
		return p;
	p = cmp_alloc(sizeof(*p));
	p->name = cmp_strdup(name);
	kname_fmt(p->kname, "pro:%s", name);
	HASH_ADD_KEYPTR(hh, c->profs, p->name, strlen(p->name), p);
	return p;
}

static void cprof_pending(struct cmp *c, struct cprof *p)
{
	if (p->pending)
		return;
	p->pending = true;
	p->pnext = c->prpending;
	c->prpending = p;
}

static void cprof_maybe_free(struct cmp *c, struct cprof *p)
{
	if (p->defined || p->eprefs || p->regd || p->pending)
		return;
	if (p->ko)
		ko_release(c, p->ko);
	HASH_DEL(c->profs, p);
	free(p->name);
	free(p);
}

static void profile_labels(struct cmp *c, const char *name, const struct res *r)
{
	if (!r) {
		labelidx_parent_del(c->ipx, name);
		labelidx_parent_del(c->polx, name);
		return;
	}
	c->epoch++;
	labelidx_parent_set(c->ipx, name, r->prof.labels, r->prof.n_labels);
	labelidx_parent_set(c->polx, name, r->prof.labels, r->prof.n_labels);
}

/* The local endpoints that list profile @p: their profile lists change
 * when it appears, goes, or gains or loses rules. */
static void profile_users_dirty(struct cmp *c, const struct cprof *p)
{
	struct lep *l;
	uint32_t i;

	if (!p->eprefs)
		return;
	for (l = c->leps; l; l = l->hh.next)
		for (i = 0; i < l->n_profiles; i++)
			if (l->prefs[i] == p) {
				lep_dirty(c, l);
				break;
			}
}

static void profile_upsert(struct cmp *c, const struct res *r)
{
	struct cprof *p = cprof_get(c, r->name);
	struct ptpl *old = p->tpl;

	p->tpl = tpl_profile(c, r);
	if (!p->defined || tpl_has_rules(old) != tpl_has_rules(p->tpl))
		profile_users_dirty(c, p);
	p->defined = true;
	profile_labels(c, r->name, r);
	cprof_pending(c, p);
	tpl_put(c, old);
}

static int profile_delete(struct cmp *c, const char *name)
{
	struct cprof *p;

	HASH_FIND_STR(c->profs, name, p);
	if (!p || !p->defined)
		return -ENOENT;
	profile_labels(c, name, NULL);
	tpl_put(c, p->tpl);
	p->tpl = NULL;
	p->defined = false;
	profile_users_dirty(c, p);
	cprof_pending(c, p);
	return 0;
}

static void cprof_settle(struct cmp *c, struct cprof *p)
{
	struct ptpl *want = p->eprefs ? p->tpl : NULL;
	bool wanted = p->eprefs && (!p->tpl || tpl_has_rules(p->tpl));
	bool changed = want != p->reg || p->regd != (want != NULL);

	p->pending = false;
	if (changed) {
		if (want) {
			want->refs++;
			tpl_refs(c, want, 1);
		}
		if (p->regd) {
			tpl_refs(c, p->reg, -1);
			tpl_put(c, p->reg);
		}
		p->reg = want;
		p->regd = want != NULL;
	}
	if (wanted) {
		if (!p->ko)
			p->ko = ko_get(c, SC_OBJ_POLICY, p->kname,
				       CMP_SRC_PROFILE, p);
		p->ko->otype = p->tpl ? CMP_SRC_PROFILE
				      : CMP_SRC_MISSING_PROFILE;
		p->ko->owner = p;
		if (changed || !p->ko->wanted)
			ko_dirty(c, p->ko);
		ko_want(c, p->ko, true);
	} else if (p->ko) {
		ko_want(c, p->ko, false);
	}
	cprof_maybe_free(c, p);
}

/* --- items (every endpoint and network set) ----------------------------- */

static void contrib_free(struct contrib *k)
{
	uint32_t i;

	for (i = 0; i < k->n_ports; i++)
		free(k->ports[i].name);
	free(k->ports);
	free(k->addrs);
	memset(k, 0, sizeof(*k));
}

static bool contrib_equal(const struct contrib *a, const struct contrib *b)
{
	uint32_t i;

	if (a->n_addrs != b->n_addrs || a->n_ports != b->n_ports)
		return false;
	if (a->n_addrs &&
	    memcmp(a->addrs, b->addrs, a->n_addrs * sizeof(*a->addrs)))
		return false;
	for (i = 0; i < a->n_ports; i++)
		if (a->ports[i].proto != b->ports[i].proto ||
		    a->ports[i].port != b->ports[i].port ||
		    strcmp(a->ports[i].name, b->ports[i].name))
			return false;
	return true;
}

static void to_prefix(struct strata_prefix *p, const struct res_cidr *c,
		      bool full)
{
	unsigned int i, bits = c->family == 6 ? 128 : 32;

	memset(p, 0, sizeof(*p));
	p->family = c->family == 6 ? STRATA_FAMILY_IPV6 : STRATA_FAMILY_IPV4;
	p->prefix_len = full ? (uint8_t)bits
			     : (c->prefix > bits ? (uint8_t)bits : c->prefix);
	memcpy(p->addr, c->addr, bits / 8);
	for (i = p->prefix_len; i < bits; i++)
		p->addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static struct strata_prefix *to_prefixes(const struct res_cidr *v, size_t n,
					 bool full)
{
	struct strata_prefix *p = n ? cmp_alloc(n * sizeof(*p)) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		to_prefix(&p[i], &v[i], full);
	return p;
}

static void ports_of(struct contrib *k, const struct res_ep_port *v, size_t n)
{
	size_t i;

	k->ports = n ? cmp_alloc(n * sizeof(*k->ports)) : NULL;
	for (i = 0; i < n; i++) {
		if (!v[i].name || !v[i].proto.set)
			continue;
		k->ports[k->n_ports].name = cmp_strdup(v[i].name);
		k->ports[k->n_ports].proto = v[i].proto.num;
		k->ports[k->n_ports++].port = v[i].port;
	}
}

struct sel_ctx {
	struct cmp *c;
	struct citem *it;
};

static void item_resync(void *ctx, const char *sel_id)
{
	struct sel_ctx *x = ctx;
	struct csel *s;

	HASH_FIND_STR(x->c->csels, sel_id, s);
	if (!s || s->epoch == x->c->epoch)
		return;
	csel_contrib(x->c, s, &x->it->cur, -1, NULL, 0);
	csel_contrib(x->c, s, &x->it->nxt, 1, NULL, 0);
}

/* Add or replace item @id; takes @k over. */
static struct citem *item_set(struct cmp *c, const char *id,
			      const struct res *r, const char *node,
			      const struct sel_label *labels, size_t n,
			      const char *const *parents, size_t np,
			      struct contrib *k)
{
	struct citem *it;
	bool existed;

	HASH_FIND_STR(c->items, id, it);
	existed = it != NULL;
	if (!it) {
		it = cmp_alloc(sizeof(*it));
		it->id = cmp_strdup(id);
		it->res_kind = r->kind;
		it->ns = cmp_strdup(r->ns ? r->ns : "");
		it->name = cmp_strdup(r->name);
		HASH_ADD_KEYPTR(hh, c->items, it->id, strlen(it->id), it);
	}
	free(it->node);
	it->node = cmp_strdup(node);
	it->nxt = *k;
	memset(k, 0, sizeof(*k));
	it->updating = true;
	c->cb_item = it;
	c->epoch++;
	if (labelidx_item_set(c->ipx, id, labels, n, parents, np))
		abort();
	if (existed && !contrib_equal(&it->cur, &it->nxt)) {
		struct sel_ctx x = { c, it };

		labelidx_foreach_sel(c->ipx, id, item_resync, &x);
	}
	c->cb_item = NULL;
	contrib_free(&it->cur);
	it->cur = it->nxt;
	memset(&it->nxt, 0, sizeof(it->nxt));
	it->updating = false;
	return it;
}

static void lep_delete(struct cmp *c, struct lep *l);

static int item_delete(struct cmp *c, const char *id)
{
	struct citem *it;

	HASH_FIND_STR(c->items, id, it);
	if (!it)
		return -ENOENT;
	if (it->lep)
		lep_delete(c, it->lep);
	c->cb_item = it;
	labelidx_item_del(c->ipx, id);
	c->cb_item = NULL;
	HASH_DEL(c->items, it);
	contrib_free(&it->cur);
	free(it->id);
	free(it->ns);
	free(it->name);
	free(it->node);
	free(it);
	return 0;
}

static char *item_id(enum res_kind kind, const char *ns, const char *name)
{
	return cmp_printf("%s/%s/%s", res_kind_name(kind), ns ? ns : "", name);
}

/* Own labels plus the ones Calico adds; @extra slots at the end. */
struct labels {
	struct sel_label *v;
	size_t n;
};

static void labels_set(struct labels *l, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key)) {
			l->v[i].value = value;
			return;
		}
	l->v[l->n].key = key;
	l->v[l->n++].value = value;
}

static bool labels_has(const struct labels *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key))
			return true;
	return false;
}

static void labels_init(struct labels *l, const struct res *r)
{
	l->v = cmp_alloc((r->n_labels + 4) * sizeof(*l->v));
	if (r->n_labels)
		memcpy(l->v, r->labels, r->n_labels * sizeof(*l->v));
	l->n = r->n_labels;
}

/* --- local endpoints ---------------------------------------------------- */

void lep_dirty(struct cmp *c, struct lep *l)
{
	if (l->dirty)
		return;
	l->dirty = true;
	l->dnext = c->ldirty;
	c->ldirty = l;
}

void cmp_all_leps_dirty(struct cmp *c)
{
	c->all_dirty = true;
}

static void claim_winner(struct cmp *c, struct ifclaim *cl)
{
	struct lep *w = NULL;
	uint32_t i;

	for (i = 0; i < cl->n; i++)
		if (!w || strcmp(cl->v[i]->kname, w->kname) < 0)
			w = cl->v[i];
	if (w == cl->winner)
		return;
	if (cl->winner)
		lep_dirty(c, cl->winner);
	if (w)
		lep_dirty(c, w);
	cl->winner = w;
}

static void claim_leave(struct cmp *c, struct lep *l)
{
	struct ifclaim *cl = l->claim;
	uint32_t i;

	if (!cl)
		return;
	l->claim = NULL;
	for (i = 0; i < cl->n; i++)
		if (cl->v[i] == l) {
			cl->v[i] = cl->v[--cl->n];
			break;
		}
	if (cl->winner == l)
		cl->winner = NULL;
	claim_winner(c, cl);
	if (!cl->n) {
		HASH_DEL(c->ifs, cl);
		free(cl->v);
		free(cl);
	}
}

static void claim_join(struct cmp *c, struct lep *l, const char *ifname)
{
	struct ifclaim *cl;

	HASH_FIND_STR(c->ifs, ifname, cl);
	if (!cl) {
		cl = cmp_alloc(sizeof(*cl));
		snprintf(cl->ifname, sizeof(cl->ifname), "%s", ifname);
		HASH_ADD_STR(c->ifs, ifname, cl);
	}
	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? 2 * cl->cap : 2;
		cl->v = cmp_realloc(cl->v, cl->cap * sizeof(*cl->v));
	}
	cl->v[cl->n++] = l;
	l->claim = cl;
	claim_winner(c, cl);
}

static void lep_prefs(struct cmp *c, struct lep *l, char **names, uint32_t n)
{
	struct cprof **prefs = n ? cmp_alloc(n * sizeof(*prefs)) : NULL;
	uint32_t i;

	for (i = 0; i < n; i++) {
		prefs[i] = cprof_get(c, names[i]);
		prefs[i]->eprefs++;
		cprof_pending(c, prefs[i]);
	}
	for (i = 0; i < l->n_profiles; i++) {
		l->prefs[i]->eprefs--;
		cprof_pending(c, l->prefs[i]);
		free(l->profiles[i]);
	}
	free(l->prefs);
	free(l->profiles);
	l->prefs = prefs;
	l->profiles = names;
	l->n_profiles = n;
}

static char **strv_dup(const char *const *v, size_t n)
{
	char **d = n ? cmp_alloc(n * sizeof(*d)) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = cmp_strdup(v[i]);
	return d;
}

/* "<node>-" as it starts a WorkloadEndpoint name (dashes doubled). */
static bool strip_node(const char *name, const char *node, const char **rest)
{
	const char *p = name;

	for (; *node; node++) {
		if (*p != *node)
			return false;
		p++;
		if (*node == '-') {
			if (*p != '-')
				return false;
			p++;
		}
	}
	if (*p != '-')
		return false;
	*rest = p + 1;
	return true;
}

static void lep_upsert(struct cmp *c, struct citem *it, const struct res *r,
		       const struct labels *lab)
{
	struct lep *l = it->lep;
	const char *const *profiles;
	size_t n_profiles;

	if (!l) {
		l = cmp_alloc(sizeof(*l));
		l->id = cmp_strdup(it->id);
		l->item = it;
		l->res_kind = r->kind;
		l->ns = cmp_strdup(r->ns ? r->ns : "");
		l->name = cmp_strdup(r->name);
		HASH_ADD_KEYPTR(hh, c->leps, l->id, strlen(l->id), l);
		it->lep = l;
	}
	free(l->iface);
	free(l->addrs);
	free(l->spoof);
	free(l->file);
	l->file = cmp_strdup(r->src.file);
	l->line = r->src.line;
	l->col = r->src.col;
	if (r->kind == RES_WEP) {
		const struct res_wep *w = &r->wep;
		const char *rest = r->name;

		l->kind = STRATA_EP_WORKLOAD;
		l->iface = cmp_strdup(w->iface);
		l->addrs = to_prefixes(w->ip_networks, w->n_ip_networks, false);
		l->n_addrs = (uint32_t)w->n_ip_networks;
		l->spoof = to_prefixes(w->allow_spoofed, w->n_allow_spoofed,
				       false);
		l->n_spoof = (uint32_t)w->n_allow_spoofed;
		profiles = w->profiles;
		n_profiles = w->n_profiles;
		if (w->orchestrator && !strcmp(w->orchestrator, "k8s") &&
		    w->pod && w->endpoint && !strcmp(w->endpoint, "eth0"))
			kname_fmt(l->kname, "pod:%s/%s", r->ns, w->pod);
		else if (strip_node(r->name, c->node, &rest))
			kname_fmt(l->kname, "wep:%s/%s", r->ns, rest);
		else
			kname_fmt(l->kname, "wep:%s/%s", r->ns, r->name);
	} else {
		const struct res_hep *h = &r->hep;

		l->kind = STRATA_EP_HOST;
		l->iface = cmp_strdup(h->iface);
		l->addrs =
			to_prefixes(h->expected_ips, h->n_expected_ips, true);
		l->n_addrs = (uint32_t)h->n_expected_ips;
		l->spoof = NULL;
		l->n_spoof = 0;
		profiles = h->profiles;
		n_profiles = h->n_profiles;
		kname_fmt(l->kname, "hep:%s", r->name);
	}
	lep_prefs(c, l, strv_dup(profiles, n_profiles), (uint32_t)n_profiles);
	c->epoch++;
	labelidx_item_set(c->polx, l->id, lab->v, lab->n, profiles, n_profiles);
	lep_dirty(c, l);
	/* a new name or kind may change which endpoint wins an interface */
	if (l->claim) {
		claim_winner(c, l->claim);
		lep_dirty(c, l);
	}
}

static void lep_lists_free(struct cmp *c, struct lep *l)
{
	uint32_t i, j;

	for (i = 0; i < __STRATA_LIST_MAX; i++) {
		for (j = 0; j < l->n_lists[i]; j++)
			free(l->lists[i][j].pols);
		free(l->lists[i]);
		l->lists[i] = NULL;
		l->n_lists[i] = 0;
	}
}

static void lep_delete(struct cmp *c, struct lep *l)
{
	struct lep **pp;
	uint32_t i;

	labelidx_item_del(c->polx, l->id);
	claim_leave(c, l);
	lep_prefs(c, l, NULL, 0);
	for (i = 0; i < l->n_trefs; i++)
		ctier_eprefs(c, l->trefs[i], -1);
	free(l->trefs);
	lep_lists_free(c, l);
	if (l->ko) {
		ko_want(c, l->ko, false);
		ko_release(c, l->ko);
	}
	if (l->dirty)
		for (pp = &c->ldirty; *pp; pp = &(*pp)->dnext)
			if (*pp == l) {
				*pp = l->dnext;
				break;
			}
	l->item->lep = NULL;
	HASH_DEL(c->leps, l);
	free(l->id);
	free(l->ns);
	free(l->name);
	free(l->iface);
	free(l->addrs);
	free(l->spoof);
	free(l->file);
	free(l->problem);
	free(l);
}

static void endpoint_upsert(struct cmp *c, const struct res *r)
{
	char *id = item_id(r->kind, r->ns, r->name);
	const char *node = r->kind == RES_WEP ? r->wep.node : r->hep.node;
	const char *const *parents;
	struct contrib k = { 0 };
	struct labels lab;
	struct citem *it;
	size_t np;

	labels_init(&lab, r);
	if (r->kind == RES_WEP) {
		const struct res_wep *w = &r->wep;

		labels_set(&lab, LABEL_NS, r->ns);
		if (w->orchestrator)
			labels_set(&lab, LABEL_ORCH, w->orchestrator);
		if (w->service_account && strlen(w->service_account) < 63 &&
		    !labels_has(&lab, LABEL_SA))
			labels_set(&lab, LABEL_SA, w->service_account);
		k.addrs = to_prefixes(w->ip_networks, w->n_ip_networks, false);
		k.n_addrs = (uint32_t)w->n_ip_networks;
		ports_of(&k, w->ports, w->n_ports);
		parents = w->profiles;
		np = w->n_profiles;
	} else {
		const struct res_hep *h = &r->hep;

		k.addrs = to_prefixes(h->expected_ips, h->n_expected_ips, true);
		k.n_addrs = (uint32_t)h->n_expected_ips;
		ports_of(&k, h->ports, h->n_ports);
		parents = h->profiles;
		np = h->n_profiles;
	}
	it = item_set(c, id, r, node, lab.v, lab.n, parents, np, &k);
	if (node && !strcmp(node, c->node))
		lep_upsert(c, it, r, &lab);
	else if (it->lep)
		lep_delete(c, it->lep);
	free(lab.v);
	free(id);
}

static void netset_upsert(struct cmp *c, const struct res *r)
{
	char *id = item_id(r->kind, r->ns, r->name);
	struct contrib k = { 0 };
	struct labels lab;
	char *parent = NULL;
	const char *parents[1] = { NULL };

	labels_init(&lab, r);
	k.addrs = to_prefixes(r->set.nets, r->set.n_nets, false);
	k.n_addrs = (uint32_t)r->set.n_nets;
	if (r->kind == RES_NETSET) {
		labels_set(&lab, LABEL_NS, r->ns);
		parent = cmp_printf("kns.%s", r->ns);
		parents[0] = parent;
	}
	item_set(c, id, r, NULL, lab.v, lab.n, parents, parent ? 1 : 0, &k);
	free(parent);
	free(lab.v);
	free(id);
}

/* --- settling ----------------------------------------------------------- */

struct collect {
	struct cmp *c;
	struct cpol **v;
	uint32_t n, cap;
};

static void collect_pol(void *ctx, const char *sel_id)
{
	struct collect *x = ctx;
	struct cpol *p;

	HASH_FIND_STR(x->c->pols, sel_id, p);
	if (!p || !p->eff)
		abort();
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->v = cmp_realloc(x->v, x->cap * sizeof(*x->v));
	}
	x->v[x->n++] = p;
}

int cmp_tier_cmp(const struct ctier *a, const struct ctier *b)
{
	if (a->defined != b->defined)
		return a->defined ? -1 : 1;
	if (a->has_order != b->has_order)
		return a->has_order ? -1 : 1;
	if (a->has_order && a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return strcmp(a->name, b->name);
}

int cmp_pol_cmp(const struct ptpl *a, const struct ptpl *b)
{
	/* unset orders are +inf and equal to each other */
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return strcmp(a->sortkey, b->sortkey);
}

static int entry_cmp(const void *x, const void *y)
{
	const struct cpol *a = *(struct cpol *const *)x;
	const struct cpol *b = *(struct cpol *const *)y;
	int r = cmp_tier_cmp(a->eff->tslot, b->eff->tslot);

	return r ? r : cmp_pol_cmp(a->eff, b->eff);
}

static bool in_list(const struct ptpl *t, int list)
{
	bool in = t->types & RES_INGRESS, eg = t->types & RES_EGRESS;
	bool normal = !t->dnt && !t->prednat;

	switch (list) {
	case STRATA_LIST_INGRESS:
		return normal && in;
	case STRATA_LIST_EGRESS:
		return normal && eg;
	case STRATA_LIST_UNTRACKED_INGRESS:
		return t->dnt && in;
	case STRATA_LIST_UNTRACKED_EGRESS:
		return t->dnt && eg;
	case STRATA_LIST_PREDNAT_INGRESS:
		return !t->dnt && t->prednat && in;
	case STRATA_LIST_FORWARD_INGRESS:
		return normal && t->aof && in;
	case STRATA_LIST_FORWARD_EGRESS:
		return normal && t->aof && eg;
	}
	return false;
}

static void set_problem(struct lep *l, char *msg)
{
	free(l->problem);
	l->problem = msg;
}

static void lep_iface(struct cmp *c, struct lep *l)
{
	struct cmp_ep_ref ref = { l->res_kind, l->ns,	 l->name,
				  l->iface,    l->addrs, l->n_addrs };
	const char *ifname = l->iface;
	char buf[STRATA_IFNAME_LEN] = "";

	if (!ifname && l->kind == STRATA_EP_HOST && c->cfg.hep_iface)
		ifname = c->cfg.hep_iface(c->cfg.hook_arg, &ref);
	if (ifname && strlen(ifname) < sizeof(buf))
		snprintf(buf, sizeof(buf), "%s", ifname);
	else if (ifname)
		set_problem(l, cmp_printf("interface name \"%s\" is too long",
					  ifname));
	else if (l->kind == STRATA_EP_HOST)
		set_problem(
			l,
			cmp_strdup(
				"has no interfaceName and no interface was found for its expectedIPs; not programmed"));
	else
		set_problem(l,
			    cmp_strdup("has no interfaceName; not programmed"));
	l->mark = c->cfg.route_mark ? c->cfg.route_mark(c->cfg.hook_arg, &ref)
				    : 0;
	if (!strcmp(buf, l->claim ? l->claim->ifname : ""))
		return;
	claim_leave(c, l);
	snprintf(l->ifname, sizeof(l->ifname), "%s", buf);
	if (buf[0])
		claim_join(c, l, buf);
}

/* Which tiers and policies apply, in order, per list. */
static void lep_logic(struct cmp *c, struct lep *l)
{
	struct collect x = { c, NULL, 0, 0 };
	struct ctier **trefs;
	uint32_t n_trefs = 0, i, j, old_n = l->n_trefs;
	struct ctier **old = l->trefs;
	bool star;
	int list;

	set_problem(l, NULL);
	lep_iface(c, l);
	star = l->kind == STRATA_EP_HOST && !strcmp(l->ifname, "*");
	lep_lists_free(c, l);
	labelidx_foreach_sel(c->polx, l->id, collect_pol, &x);
	cmp_sort(x.v, x.n, sizeof(*x.v), entry_cmp);
	trefs = cmp_alloc((x.n + 1) * sizeof(*trefs));
	for (list = 0; list < __STRATA_LIST_MAX; list++) {
		struct ltier *cur = NULL;

		if (list > STRATA_LIST_EGRESS && l->kind != STRATA_EP_HOST)
			break;
		for (i = 0; i < x.n; i++) {
			const struct ptpl *t = x.v[i]->eff;

			if (!in_list(t, list))
				continue;
			if (star && (list == STRATA_LIST_UNTRACKED_INGRESS ||
				     list == STRATA_LIST_UNTRACKED_EGRESS)) {
				if (!l->problem)
					set_problem(
						l,
						cmp_strdup(
							"doNotTrack policies do not apply to a host endpoint with interfaceName \"*\""));
				continue;
			}
			if (!cur || cur->t != t->tslot) {
				l->lists[list] = cmp_realloc(
					l->lists[list],
					(l->n_lists[list] + 1) *
						sizeof(*l->lists[list]));
				cur = &l->lists[list][l->n_lists[list]++];
				memset(cur, 0, sizeof(*cur));
				cur->t = t->tslot;
				cur->pols = cmp_alloc(x.n * sizeof(*cur->pols));
				for (j = 0; j < n_trefs; j++)
					if (trefs[j] == t->tslot)
						break;
				if (j == n_trefs)
					trefs[n_trefs++] = t->tslot;
			}
			cur->pols[cur->n++] = x.v[i];
		}
	}
	free(x.v);
	for (i = 0; i < n_trefs; i++)
		ctier_eprefs(c, trefs[i], 1);
	for (i = 0; i < old_n; i++)
		ctier_eprefs(c, old[i], -1);
	free(old);
	l->trefs = trefs;
	l->n_trefs = n_trefs;
	l->programmed = l->ifname[0] && l->claim && l->claim->winner == l;
	if (l->ifname[0] && !l->programmed)
		set_problem(
			l,
			cmp_printf(
				"interface %s is also %s's, whose kernel name sorts first; not programmed",
				l->ifname, l->claim->winner->kname));
	if (l->ko && strcmp(l->ko->name, l->kname)) {
		/* renamed (its resource changed what the name is made of) */
		ko_release(c, l->ko);
		l->ko = NULL;
	}
	if (l->programmed) {
		l->ko = ko_get(c, SC_OBJ_ENDPOINT, l->kname, CMP_SRC_ENDPOINT,
			       l);
		ko_want(c, l->ko, true);
		ko_dirty(c, l->ko);
	} else if (l->ko) {
		ko_want(c, l->ko, false);
	}
}

void cmp_settle(struct cmp *c)
{
	struct lep *l, *tmp;

	while (c->ppending) {
		struct cpol *p = c->ppending;

		c->ppending = p->pnext;
		cpol_settle(c, p);
	}
	while (c->prpending) {
		struct cprof *p = c->prpending;

		c->prpending = p->pnext;
		cprof_settle(c, p);
	}
	if (c->all_dirty) {
		c->all_dirty = false;
		HASH_ITER (hh, c->leps, l, tmp)
			lep_dirty(c, l);
	}
	while (c->ldirty) {
		l = c->ldirty;
		c->ldirty = l->dnext;
		l->dirty = false;
		lep_logic(c, l);
	}
}

struct sc_endpoint *lep_build(struct cmp *c, struct lep *l)
{
	struct sc_endpoint *e = sc_endpoint_new(NULL);
	uint32_t i, j, k, n;
	int list;

	if (!e)
		cmp_oom();
	e->id = l->ko->id;
	snprintf(e->name, sizeof(e->name), "%s", l->kname);
	e->kind = l->kind;
	e->no_match = STRATA_ACT_DENY;
	snprintf(e->ifname, sizeof(e->ifname), "%s", l->ifname);
	e->mark = l->mark;
	if (l->n_addrs) {
		e->addrs = sc_arena_dup(&e->arena, l->addrs,
					l->n_addrs * sizeof(*l->addrs));
		e->n_addrs = l->n_addrs;
	}
	if (l->n_spoof) {
		e->spoof = sc_arena_dup(&e->arena, l->spoof,
					l->n_spoof * sizeof(*l->spoof));
		e->n_spoof = l->n_spoof;
	}
	e->profiles =
		sc_arena_alloc(&e->arena, (l->n_profiles + 1) * sizeof(u32));
	for (i = n = 0; i < l->n_profiles; i++) {
		const struct cprof *p = l->prefs[i];

		if (!p->ko || !p->ko->wanted)
			continue; /* a profile without rules */
		for (j = 0; j < n; j++)
			if (e->profiles[j] == p->ko->id)
				break;
		if (j == n)
			e->profiles[n++] = p->ko->id;
	}
	e->n_profiles = n;
	for (list = 0; list < __STRATA_LIST_MAX; list++) {
		struct sc_eplist *el = &e->lists[list];

		if (!l->n_lists[list])
			continue;
		el->n = l->n_lists[list];
		el->refs = sc_arena_alloc(&e->arena, el->n * sizeof(*el->refs));
		for (i = 0; i < el->n; i++) {
			const struct ltier *lt = &l->lists[list][i];
			struct sc_tierref *tr = &el->refs[i];

			tr->tier = lt->t->ko->id;
			tr->n_policies = lt->n;
			tr->policies =
				sc_arena_alloc(&e->arena, lt->n * sizeof(u32));
			for (k = 0; k < lt->n; k++)
				tr->policies[k] = lt->pols[k]->ko->id;
		}
	}
	return e;
}

/* --- the API ------------------------------------------------------------ */

struct cmp *cmp_new(const char *node, const struct cmp_config *cfg)
{
	struct cmp *c = cmp_alloc(sizeof(*c));
	int k;

	c->node = cmp_strdup(node ? node : "");
	if (cfg)
		c->cfg = *cfg;
	if (c->cfg.deny_action != STRATA_ACT_REJECT)
		c->cfg.deny_action = STRATA_ACT_DENY;
	if (c->cfg.settings) {
		c->settings = cmp_alloc(sizeof(*c->settings));
		*c->settings = *c->cfg.settings;
		c->settings_dirty = true;
	}
	c->cfg.settings = NULL;
	c->ipx = labelidx_new(ipx_cb, c);
	c->polx = labelidx_new(polx_cb, c);
	if (!c->ipx || !c->polx)
		cmp_oom();
	for (k = 0; k < NKINDS; k++)
		c->next_id[k] = 1;
	return c;
}

void cmp_hooks_changed(struct cmp *c)
{
	cmp_all_leps_dirty(c);
}

void cmp_set_settings(struct cmp *c, const struct sc_settings *s)
{
	free(c->settings);
	c->settings = NULL;
	if (s) {
		c->settings = cmp_alloc(sizeof(*c->settings));
		*c->settings = *s;
	}
	c->settings_dirty = true;
}

void cmp_free(struct cmp *c)
{
	struct ctier *t, *tt;
	struct cpol *p, *pt;
	struct cprof *pr, *prt;
	struct citem *it, *itt;
	struct cset *cs, *cst;
	struct csel *s, *st;
	struct ifclaim *cl, *clt;
	struct kobj *ko, *kot;
	struct kmember *m, *mt;
	int k;

	if (!c)
		return;
	/* Drop the indexes first: nothing is reported while freeing. */
	labelidx_free(c->ipx);
	labelidx_free(c->polx);
	c->ipx = c->polx = NULL;
	HASH_ITER (hh, c->items, it, itt) {
		if (it->lep) {
			struct lep *l = it->lep;

			HASH_DEL(c->leps, l);
			lep_lists_free(c, l);
			free(l->trefs);
			for (k = 0; k < (int)l->n_profiles; k++)
				free(l->profiles[k]);
			free(l->profiles);
			free(l->prefs);
			free(l->id);
			free(l->ns);
			free(l->name);
			free(l->iface);
			free(l->addrs);
			free(l->spoof);
			free(l->file);
			free(l->problem);
			free(l);
		}
		HASH_DEL(c->items, it);
		contrib_free(&it->cur);
		contrib_free(&it->nxt);
		free(it->id);
		free(it->ns);
		free(it->name);
		free(it->node);
		free(it);
	}
	HASH_ITER (hh, c->pols, p, pt) {
		HASH_DEL(c->pols, p);
		tpl_put(c, p->reg);
		tpl_put(c, p->src[0]);
		tpl_put(c, p->src[1]);
		tpl_put(c, p->eff);
		free(p->key);
		free(p);
	}
	HASH_ITER (hh, c->profs, pr, prt) {
		HASH_DEL(c->profs, pr);
		if (pr->regd)
			tpl_put(c, pr->reg);
		tpl_put(c, pr->tpl);
		free(pr->name);
		free(pr);
	}
	/* templates are gone, and so every set's references */
	HASH_ITER (hh, c->csets, cs, cst) {
		HASH_DEL(c->csets, cs);
		free(cs->key);
		free(cs->port);
		free(cs);
	}
	HASH_ITER (hh, c->csels, s, st) {
		HASH_DEL(c->csels, s);
		sel_put(s->sel);
		free(s->key);
		free(s);
	}
	HASH_ITER (hh, c->tiers, t, tt) {
		HASH_DEL(c->tiers, t);
		free(t->name);
		free(t->file);
		free(t);
	}
	HASH_ITER (hh, c->ifs, cl, clt) {
		HASH_DEL(c->ifs, cl);
		free(cl->v);
		free(cl);
	}
	for (k = 0; k < NKINDS; k++) {
		HASH_ITER (hi, c->ki[k], ko, kot)
			HASH_DELETE(hi, c->ki[k], ko);
		HASH_ITER (hn, c->kn[k], ko, kot) {
			HASH_DELETE(hn, c->kn[k], ko);
			HASH_ITER (hh, ko->members, m, mt) {
				HASH_DEL(ko->members, m);
				free(m);
			}
			switch (k) {
			case SC_OBJ_TIER:
				sc_tier_put(ko->want);
				sc_tier_put(ko->have);
				break;
			case SC_OBJ_POLICY:
				sc_policy_put(ko->want);
				sc_policy_put(ko->have);
				break;
			case SC_OBJ_IPSET:
				sc_ipset_put(ko->want);
				sc_ipset_put(ko->have);
				break;
			default:
				sc_endpoint_put(ko->want);
				sc_endpoint_put(ko->have);
			}
			free(ko);
		}
	}
	free(c->settings);
	free(c->ksettings);
	free(c->node);
	free(c);
}

int cmp_upsert(struct cmp *c, const struct res *r)
{
	switch (r->kind) {
	case RES_TIER:
		tier_upsert(c, r);
		return 0;
	case RES_GNP:
	case RES_NP:
	case RES_SGNP:
	case RES_SNP:
		policy_upsert(c, r);
		return 0;
	case RES_PROFILE:
		profile_upsert(c, r);
		return 0;
	case RES_WEP:
	case RES_HEP:
		endpoint_upsert(c, r);
		return 0;
	case RES_GNS:
	case RES_NETSET:
		netset_upsert(c, r);
		return 0;
	default:
		return -EINVAL;
	}
}

int cmp_delete(struct cmp *c, enum res_kind kind, const char *ns,
	       const char *name)
{
	char *id;
	int ret;

	if (!res_kind_namespaced(kind) || !ns)
		ns = "";
	switch (kind) {
	case RES_TIER:
		return tier_delete(c, name);
	case RES_GNP:
	case RES_NP:
	case RES_SGNP:
	case RES_SNP:
		return policy_delete(c, kind, ns, name);
	case RES_PROFILE:
		return profile_delete(c, name);
	case RES_WEP:
	case RES_HEP:
	case RES_GNS:
	case RES_NETSET:
		id = item_id(kind, ns, name);
		ret = item_delete(c, id);
		free(id);
		return ret;
	default:
		return -EINVAL;
	}
}

void cmp_get_stats(const struct cmp *c, struct cmp_stats *st)
{
	const struct cpol *p;
	const struct kobj *ko;

	memset(st, 0, sizeof(*st));
	st->policies = HASH_CNT(hh, c->pols);
	for (p = c->pols; p; p = p->hh.next)
		st->active_policies += p->reg != NULL;
	st->profiles = HASH_CNT(hh, c->profs);
	st->local_endpoints = HASH_CNT(hh, c->leps);
	st->items = HASH_CNT(hh, c->items);
	st->selectors = HASH_CNT(hh, c->csels);
	st->sets = HASH_CNT(hn, c->kn[SC_OBJ_IPSET]);
	for (ko = c->kn[SC_OBJ_IPSET]; ko; ko = ko->hn.next)
		st->members += ko->n_pos;
	st->flushes = c->flushes;
	st->ops = c->ops;
}
