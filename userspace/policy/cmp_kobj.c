// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile: kernel object records (what the kernel has, what is wanted,
 * under one name and id), IP set members, id allocation, the flush that
 * reconciles them into operations, and the kernel view (cmp_set_kernel(),
 * cmp_seed_id(), cmp_dump_kernel()). cmp.h, DOC: Kernel identity and
 * restarts.
 */
#include <errno.h>
#include <stdio.h>
#include "cmp_int.h"

/* --- records ------------------------------------------------------------ */

struct kobj *ko_find(const struct cmp *c, uint8_t kind, const char *name)
{
	struct kobj *ko;

	HASH_FIND(hn, c->kn[kind], name, strlen(name), ko);
	return ko;
}

struct kobj *ko_find_id(const struct cmp *c, uint8_t kind, uint32_t id)
{
	struct kobj *ko;

	HASH_FIND(hi, c->ki[kind], &id, sizeof(id), ko);
	return ko;
}

static void ko_set_id(struct cmp *c, struct kobj *ko, uint32_t id)
{
	if (ko->id)
		HASH_DELETE(hi, c->ki[ko->kind], ko);
	ko->id = id;
	if (id)
		HASH_ADD(hi, c->ki[ko->kind], id, sizeof(ko->id), ko);
}

struct kobj *ko_get(struct cmp *c, uint8_t kind, const char *name, int otype,
		    void *owner)
{
	struct kobj *ko = ko_find(c, kind, name);

	if (!ko) {
		ko = cmp_alloc(sizeof(*ko));
		ko->kind = kind;
		snprintf(ko->name, sizeof(ko->name), "%s", name);
		HASH_ADD(hn, c->kn[kind], name, strlen(ko->name), ko);
	}
	ko->otype = otype;
	ko->owner = owner;
	return ko;
}

void ko_dirty(struct cmp *c, struct kobj *ko)
{
	if (ko->dirty)
		return;
	ko->dirty = true;
	ko->dnext = c->dirty;
	c->dirty = ko;
}

void ko_want(struct cmp *c, struct kobj *ko, bool wanted)
{
	if (ko->wanted == wanted)
		return;
	ko->wanted = wanted;
	ko_dirty(c, ko);
}

void ko_release(struct cmp *c, struct kobj *ko)
{
	ko->owner = NULL;
	ko->otype = CMP_SRC_NONE;
	ko->tracking = false;
	ko_want(c, ko, false);
	ko_dirty(c, ko);
}

static void obj_put(uint8_t kind, void *o)
{
	switch (kind) {
	case SC_OBJ_TIER:
		sc_tier_put(o);
		break;
	case SC_OBJ_POLICY:
		sc_policy_put(o);
		break;
	case SC_OBJ_IPSET:
		sc_ipset_put(o);
		break;
	default:
		sc_endpoint_put(o);
	}
}

static void *obj_get(uint8_t kind, void *o)
{
	if (!o)
		return NULL;
	switch (kind) {
	case SC_OBJ_TIER:
		sc_obj_get(&((struct sc_tier *)o)->refs);
		break;
	case SC_OBJ_POLICY:
		sc_obj_get(&((struct sc_policy *)o)->refs);
		break;
	case SC_OBJ_IPSET:
		sc_obj_get(&((struct sc_ipset *)o)->refs);
		break;
	default:
		sc_obj_get(&((struct sc_endpoint *)o)->refs);
	}
	return o;
}

/* --- members ------------------------------------------------------------ */

static void member_mark(struct cmp *c, struct kobj *ko, struct kmember *m)
{
	if (!m->dirty) {
		m->dirty = true;
		m->dnext = ko->mdirty;
		ko->mdirty = m;
	}
	if (!ko->mlisted) {
		ko->mlisted = true;
		ko->mnext = c->mdirty;
		c->mdirty = ko;
	}
}

static void member_refs(struct cmp *c, struct kobj *ko, struct kmember *m,
			uint32_t refs)
{
	bool was = m->refs > 0, is = refs > 0;
	uint8_t bits = ko->family == STRATA_FAMILY_IPV6 ? 128 : 32;
	uint32_t before = ko->n_short;

	m->refs = refs;
	if (was == is)
		return;
	if (is)
		ko->n_pos++;
	else
		ko->n_pos--;
	if (m->m.prefix_len < bits) {
		if (is)
			ko->n_short++;
		else
			ko->n_short--;
		if (!before != !ko->n_short)
			ko_dirty(c, ko); /* the set changes kind */
	}
	member_mark(c, ko, m);
}

void ko_member(struct cmp *c, struct kobj *ko, const struct strata_member *key,
	       int delta)
{
	struct kmember *m;

	HASH_FIND(hh, ko->members, key, sizeof(*key), m);
	if (!m) {
		if (delta < 0)
			abort(); /* removing what was never added */
		m = cmp_alloc(sizeof(*m));
		m->m = *key;
		HASH_ADD(hh, ko->members, m, sizeof(m->m), m);
	}
	if (delta < 0 && !m->refs)
		abort();
	member_refs(c, ko, m, (uint32_t)((int64_t)m->refs + delta));
}

void ko_drop_members(struct cmp *c, struct kobj *ko)
{
	struct kmember *m, *tmp;

	HASH_ITER (hh, ko->members, m, tmp)
		if (m->refs)
			member_refs(c, ko, m, 0);
}

static int member_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct strata_member));
}

/* The wanted members, sorted; malloc'ed (NULL when none). */
static struct strata_member *members_wanted(const struct kobj *ko, uint32_t *n)
{
	struct strata_member *v = NULL;
	const struct kmember *m;
	uint32_t k = 0;

	if (ko->n_pos)
		v = cmp_alloc(ko->n_pos * sizeof(*v));
	for (m = ko->members; m; m = m->hh.next)
		if (m->refs)
			v[k++] = m->m;
	cmp_sort(v, k, sizeof(*v), member_cmp);
	*n = k;
	return v;
}

/* Forget the dirty list; every member is in the kernel iff wanted
 * (@sent) or not at all; free what is neither. */
static void members_settled(struct kobj *ko, bool sent)
{
	struct kmember *m, *tmp;

	for (m = ko->mdirty; m; m = m->dnext)
		m->dirty = false;
	ko->mdirty = NULL;
	HASH_ITER (hh, ko->members, m, tmp) {
		m->in_kernel = sent && m->refs;
		if (!m->refs) {
			HASH_DEL(ko->members, m);
			free(m);
		}
	}
}

/* --- operations --------------------------------------------------------- */

static struct strata_op *op_new(struct strata_batch *b)
{
	struct strata_op *op;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->ops = cmp_realloc(b->ops, b->cap * sizeof(*b->ops));
	}
	op = &b->ops[b->n++];
	memset(op, 0, sizeof(*op));
	return op;
}

static void op_put(struct strata_batch *b, struct kobj *ko, bool replace,
		   struct strata_member *m, uint32_t n)
{
	struct strata_op *op = op_new(b);

	op->type = STRATA_OP_PUT;
	op->kind = ko->kind;
	op->replace = replace;
	op->id = ko->id;
	snprintf(op->name, sizeof(op->name), "%s", ko->name);
	switch (ko->kind) {
	case SC_OBJ_TIER:
		op->tier = obj_get(ko->kind, ko->want);
		break;
	case SC_OBJ_POLICY:
		op->policy = obj_get(ko->kind, ko->want);
		break;
	case SC_OBJ_IPSET:
		op->ipset = obj_get(ko->kind, ko->want);
		op->members = m;
		op->n_members = n;
		break;
	default:
		op->endpoint = obj_get(ko->kind, ko->want);
	}
}

static void op_del(struct strata_batch *b, const struct kobj *ko)
{
	struct strata_op *op = op_new(b);

	op->type = STRATA_OP_DEL;
	op->kind = ko->kind;
	op->id = ko->id;
	snprintf(op->name, sizeof(op->name), "%s", ko->name);
}

static void op_members(struct strata_batch *b, const struct kobj *ko, bool add,
		       struct strata_member *m, uint32_t n)
{
	struct strata_op *op = op_new(b);

	op->type = STRATA_OP_MEMBERS;
	op->kind = SC_OBJ_IPSET;
	op->add = add;
	op->id = ko->id;
	snprintf(op->name, sizeof(op->name), "%s", ko->name);
	op->members = m;
	op->n_members = n;
}

static bool obj_equal(uint8_t kind, const void *a, const void *b)
{
	if (!a || !b)
		return a == b;
	switch (kind) {
	case SC_OBJ_TIER:
		return strata_tier_equal(a, b, NULL, 0);
	case SC_OBJ_POLICY:
		return strata_policy_equal(a, b, NULL, 0);
	case SC_OBJ_IPSET:
		return strata_ipset_equal(a, b, NULL, 0);
	default:
		return strata_endpoint_equal(a, b, NULL, 0);
	}
}

/* --- building what is wanted -------------------------------------------- */

static void *want_build(struct cmp *c, struct kobj *ko)
{
	struct ctier *t;
	struct cpol *p;
	struct cprof *pr;
	struct sc_tier *st;
	struct sc_ipset *s;

	switch (ko->otype) {
	case CMP_SRC_TIER:
		t = ko->owner;
		st = sc_tier_new(NULL);
		if (!st)
			cmp_oom();
		st->id = ko->id;
		snprintf(st->name, sizeof(st->name), "%s", ko->name);
		st->default_action = t->defact;
		return st;
	case CMP_SRC_POLICY:
		p = ko->owner;
		return tpl_build(c, p->reg, ko->name, ko->id);
	case CMP_SRC_PROFILE:
	case CMP_SRC_MISSING_PROFILE:
		pr = ko->owner;
		return tpl_build(c, pr->tpl ? pr->reg : NULL, ko->name, ko->id);
	case CMP_SRC_SET:
	case CMP_SRC_PORT_SET:
		s = sc_ipset_new(NULL);
		if (!s)
			cmp_oom();
		s->id = ko->id;
		snprintf(s->name, sizeof(s->name), "%s", ko->name);
		s->family = ko->family;
		s->kind = ko->port_set	? STRATA_IPSET_ADDR_PORT
			  : ko->n_short ? STRATA_IPSET_NET
					: STRATA_IPSET_ADDR;
		return s;
	case CMP_SRC_ENDPOINT:
		return lep_build(c, ko->owner);
	}
	abort(); /* a wanted record always has an owner */
}

/* --- flush -------------------------------------------------------------- */

static int ko_cmp(const void *a, const void *b)
{
	const struct kobj *x = *(struct kobj *const *)a;
	const struct kobj *y = *(struct kobj *const *)b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return strcmp(x->name, y->name);
}

static void assign_id(struct cmp *c, struct kobj *ko)
{
	uint32_t id = c->next_id[ko->kind];

	while (!id || ko_find_id(c, ko->kind, id))
		id++;
	ko_set_id(c, ko, id);
	c->next_id[ko->kind] = id + 1;
}

static void ko_free(struct cmp *c, struct kobj *ko)
{
	struct kmember *m, *tmp;

	switch (ko->otype) {
	case CMP_SRC_TIER:
		((struct ctier *)ko->owner)->ko = NULL;
		break;
	case CMP_SRC_POLICY:
		((struct cpol *)ko->owner)->ko = NULL;
		break;
	case CMP_SRC_PROFILE:
	case CMP_SRC_MISSING_PROFILE:
		((struct cprof *)ko->owner)->ko = NULL;
		break;
	case CMP_SRC_ENDPOINT:
		((struct lep *)ko->owner)->ko = NULL;
		break;
	case CMP_SRC_SET:
	case CMP_SRC_PORT_SET:
		((struct cset *)ko->owner)->ko[FIDX(ko->family)] = NULL;
		break;
	}
	HASH_ITER (hh, ko->members, m, tmp) {
		HASH_DEL(ko->members, m);
		free(m);
	}
	if (ko->id)
		HASH_DELETE(hi, c->ki[ko->kind], ko);
	HASH_DELETE(hn, c->kn[ko->kind], ko);
	obj_put(ko->kind, ko->want);
	obj_put(ko->kind, ko->have);
	free(ko);
}

/* Settings first, then additions in dependency order, then removals in
 * the reverse order (uapi references are checked at commit, but a
 * careful order keeps each step valid on its own). */
enum {
	G_TIER_PUT,
	G_SET_PUT,
	G_MEMBERS,
	G_POLICY_PUT,
	G_EP_PUT,
	G_EP_DEL,
	G_POLICY_DEL,
	G_SET_DEL,
	G_TIER_DEL,
	G_NONE,
};

static int group_of(const struct kobj *ko, bool put)
{
	static const int puts[NKINDS] = { G_NONE, G_TIER_PUT, G_POLICY_PUT,
					  G_SET_PUT, G_EP_PUT };
	static const int dels[NKINDS] = { G_NONE, G_TIER_DEL, G_POLICY_DEL,
					  G_SET_DEL, G_EP_DEL };

	return put ? puts[ko->kind] : dels[ko->kind];
}

static void emit_members(struct cmp *c, struct strata_batch *out)
{
	struct kobj **v = NULL, *ko;
	size_t n = 0, cap = 0, i;

	for (ko = c->mdirty; ko; ko = ko->mnext) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = cmp_realloc(v, cap * sizeof(*v));
		}
		v[n++] = ko;
	}
	c->mdirty = NULL;
	cmp_sort(v, n, sizeof(*v), ko_cmp);
	for (i = 0; i < n; i++) {
		struct strata_member *add = NULL, *del = NULL;
		uint32_t n_add = 0, n_del = 0;
		struct kmember *m;

		ko = v[i];
		ko->mlisted = false;
		if (ko->full || !ko->have || !ko->wanted) {
			/* sent whole, not in the kernel, or deleted: the
			 * set's own operation took care of it */
			if (!ko->full && !ko->have)
				members_settled(ko, false);
			continue;
		}
		for (m = ko->mdirty; m; m = m->dnext) {
			bool want = m->refs > 0;

			if (want == m->in_kernel)
				continue;
			if (want)
				n_add++;
			else
				n_del++;
		}
		if (n_add)
			add = cmp_alloc(n_add * sizeof(*add));
		if (n_del)
			del = cmp_alloc(n_del * sizeof(*del));
		n_add = n_del = 0;
		for (m = ko->mdirty; m; m = m->dnext) {
			bool want = m->refs > 0;

			if (want == m->in_kernel)
				continue;
			if (want)
				add[n_add++] = m->m;
			else
				del[n_del++] = m->m;
		}
		cmp_sort(add, n_add, sizeof(*add), member_cmp);
		cmp_sort(del, n_del, sizeof(*del), member_cmp);
		if (out && n_add)
			op_members(out, ko, true, add, n_add);
		else
			free(add);
		if (out && n_del)
			op_members(out, ko, false, del, n_del);
		else
			free(del);
		members_settled(ko, true);
	}
	free(v);
}

/* The settings compile manages: all but the object limits, which stay
 * the kernel's (they may only lower the module's hard caps). */
#define MANAGED_SETTINGS                                    \
	(STRATA_SETTINGS_ALL &                              \
	 ~(STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_TIERS) |    \
	   STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_POLICIES) | \
	   STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_RULES) |    \
	   STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_IPSETS) |   \
	   STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_MEMBERS) |  \
	   STRATA_SETTINGS_F(STRATA_SET_A_LIMIT_ENDPOINTS)))

static bool settings_same(const struct sc_settings *a,
			  const struct sc_settings *b)
{
	struct sc_settings x = *a, y = *b;

	memset(&x.limits, 0, sizeof(x.limits));
	memset(&y.limits, 0, sizeof(y.limits));
	return strata_settings_equal(&x, &y, NULL, 0);
}

static void settings_op(struct cmp *c, struct strata_batch *out)
{
	struct strata_op *op;

	if (!c->settings_dirty)
		return;
	c->settings_dirty = false;
	if (!c->settings ||
	    (c->ksettings && settings_same(c->settings, c->ksettings)))
		return;
	if (!c->ksettings) {
		c->ksettings = cmp_alloc(sizeof(*c->ksettings));
		*c->ksettings = *c->settings;
	}
	strata_settings_apply(c->ksettings, c->settings, MANAGED_SETTINGS);
	if (!out)
		return;
	op = op_new(out);
	op->type = STRATA_OP_SETTINGS;
	op->settings = cmp_alloc(sizeof(*op->settings));
	*op->settings = *c->settings;
	op->settings_mask = MANAGED_SETTINGS;
}

int cmp_flush(struct cmp *c, struct strata_batch *out)
{
	size_t before = out ? out->n : 0, n = 0, cap = 0, i;
	struct kobj **v = NULL, *ko;
	int g;

	cmp_settle(c);
	while (c->dirty) {
		ko = c->dirty;
		c->dirty = ko->dnext;
		ko->dirty = false;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = cmp_realloc(v, cap * sizeof(*v));
		}
		v[n++] = ko;
	}
	cmp_sort(v, n, sizeof(*v), ko_cmp);
	for (i = 0; i < n; i++)
		if (v[i]->wanted && !v[i]->id)
			assign_id(c, v[i]);
	for (i = 0; i < n; i++) {
		ko = v[i];
		obj_put(ko->kind, ko->want);
		ko->want = ko->wanted ? want_build(c, ko) : NULL;
	}
	settings_op(c, out);
	for (g = 0; g < G_NONE; g++) {
		if (g == G_MEMBERS) {
			emit_members(c, out);
			continue;
		}
		for (i = 0; i < n; i++) {
			bool put;

			ko = v[i];
			put = ko->want != NULL;
			if (group_of(ko, put) != g)
				continue;
			if (put && !obj_equal(ko->kind, ko->want, ko->have)) {
				struct strata_member *m = NULL;
				uint32_t nm = 0;
				bool replace = ko->have != NULL;

				if (ko->kind == SC_OBJ_IPSET) {
					m = members_wanted(ko, &nm);
					ko->full = true;
					members_settled(ko, true);
					/* a set's kind cannot change in place:
					 * delete it and add it again, same id,
					 * in the same transaction */
					if (replace &&
					    ((struct sc_ipset *)ko->have)->kind !=
						    ((struct sc_ipset *)ko->want)
							    ->kind) {
						if (out)
							op_del(out, ko);
						replace = false;
					}
				}
				if (out)
					op_put(out, ko, replace, m, nm);
				else
					free(m);
				obj_put(ko->kind, ko->have);
				ko->have = obj_get(ko->kind, ko->want);
			} else if (!put && ko->have) {
				if (out)
					op_del(out, ko);
				obj_put(ko->kind, ko->have);
				ko->have = NULL;
				if (ko->kind == SC_OBJ_IPSET)
					members_settled(ko, false);
			}
		}
	}
	for (i = 0; i < n; i++) {
		ko = v[i];
		ko->full = false;
		if (!ko->wanted && !ko->have && !ko->members && !ko->dirty &&
		    !ko->mlisted && !ko->tracking)
			ko_free(c, ko);
	}
	free(v);
	c->flushes++;
	if (out) {
		c->ops += out->n - before;
		return (int)(out->n - before);
	}
	return 0;
}

/* --- the kernel view ---------------------------------------------------- */

static const char *op_name(const struct strata_op *op)
{
	switch (op->kind) {
	case SC_OBJ_TIER:
		return op->tier ? op->tier->name : NULL;
	case SC_OBJ_POLICY:
		return op->policy ? op->policy->name : NULL;
	case SC_OBJ_IPSET:
		return op->ipset ? op->ipset->name : NULL;
	case SC_OBJ_ENDPOINT:
		return op->endpoint ? op->endpoint->name : NULL;
	}
	return NULL;
}

static uint32_t op_id(const struct strata_op *op)
{
	switch (op->kind) {
	case SC_OBJ_TIER:
		return op->tier->id;
	case SC_OBJ_POLICY:
		return op->policy->id;
	case SC_OBJ_IPSET:
		return op->ipset->id;
	default:
		return op->endpoint->id;
	}
}

static void *op_obj(const struct strata_op *op)
{
	switch (op->kind) {
	case SC_OBJ_TIER:
		return op->tier;
	case SC_OBJ_POLICY:
		return op->policy;
	case SC_OBJ_IPSET:
		return op->ipset;
	default:
		return op->endpoint;
	}
}

int cmp_set_kernel(struct cmp *c, const struct strata_batch *k)
{
	struct kobj *ko, *tmp;
	size_t i;
	int kind;

	for (i = 0; k && i < k->n; i++) {
		const struct strata_op *op = &k->ops[i];

		if (op->type == STRATA_OP_SETTINGS && op->settings)
			continue;
		if (op->type != STRATA_OP_PUT || op->kind < SC_OBJ_TIER ||
		    op->kind > SC_OBJ_ENDPOINT || !op_name(op))
			return -EINVAL;
	}
	for (kind = SC_OBJ_TIER; kind < NKINDS; kind++)
		HASH_ITER (hn, c->kn[kind], ko, tmp) {
			struct kmember *m, *mt;

			obj_put(ko->kind, ko->have);
			ko->have = NULL;
			HASH_ITER (hh, ko->members, m, mt) {
				m->in_kernel = false;
				member_mark(c, ko, m);
			}
			ko_dirty(c, ko);
		}
	free(c->ksettings);
	c->ksettings = NULL;
	c->settings_dirty = true;
	for (i = 0; k && i < k->n; i++) {
		const struct strata_op *op = &k->ops[i];
		uint32_t id, m;
		struct kobj *other;

		if (op->type == STRATA_OP_SETTINGS) {
			struct sc_settings *s = cmp_alloc(sizeof(*s));

			sc_settings_default(s, &(struct sc_limits){ 0 });
			strata_settings_apply(s, op->settings,
					      op->settings_mask);
			free(c->ksettings);
			c->ksettings = s;
			continue;
		}
		id = op_id(op);
		ko = ko_find(c, op->kind, op_name(op));
		if (!ko)
			ko = ko_get(c, op->kind, op_name(op), CMP_SRC_NONE,
				    NULL);
		if (ko->id != id) {
			other = ko_find_id(c, op->kind, id);
			if (other)
				ko_set_id(c, other, 0);
			ko_set_id(c, ko, id);
		}
		if (id >= c->next_id[op->kind])
			c->next_id[op->kind] = id + 1;
		obj_put(ko->kind, ko->have);
		ko->have = obj_get(op->kind, op_obj(op));
		ko_dirty(c, ko);
		if (op->kind != SC_OBJ_IPSET)
			continue;
		if (!ko->owner) {
			ko->family = op->ipset->family;
			ko->port_set = op->ipset->kind ==
				       STRATA_IPSET_ADDR_PORT;
		}
		for (m = 0; m < op->n_members; m++) {
			struct strata_member key = op->members[m];
			struct kmember *km;

			HASH_FIND(hh, ko->members, &key, sizeof(key), km);
			if (!km) {
				km = cmp_alloc(sizeof(*km));
				km->m = key;
				HASH_ADD(hh, ko->members, m, sizeof(km->m), km);
			}
			km->in_kernel = true;
			member_mark(c, ko, km);
		}
	}
	return 0;
}

int cmp_seed_id(struct cmp *c, uint8_t kind, const char *name, uint32_t id)
{
	struct kobj *ko, *other;

	if (kind < SC_OBJ_TIER || kind > SC_OBJ_ENDPOINT || !id || !name ||
	    !*name || strlen(name) >= STRATA_NAME_LEN)
		return -EINVAL;
	ko = ko_find(c, kind, name);
	if (ko && ko->id == id)
		return 0;
	if (ko && ko->id)
		return -EEXIST;
	other = ko_find_id(c, kind, id);
	if (other)
		return -EEXIST;
	if (!ko)
		ko = ko_get(c, kind, name, CMP_SRC_NONE, NULL);
	ko_set_id(c, ko, id);
	if (id >= c->next_id[kind])
		c->next_id[kind] = id + 1;
	ko_dirty(c, ko); /* freed by the next flush if nobody wants it */
	return 0;
}

/* --- reading the kernel ------------------------------------------------- */

struct dump_ctx {
	struct strata_batch *b;
	uint8_t kind;
};

static int dump_obj(struct dump_ctx *x, void *obj)
{
	struct strata_op *op = op_new(x->b);

	op->type = STRATA_OP_PUT;
	op->kind = x->kind;
	switch (x->kind) {
	case SC_OBJ_TIER:
		op->tier = obj;
		break;
	case SC_OBJ_POLICY:
		op->policy = obj;
		break;
	case SC_OBJ_IPSET:
		op->ipset = obj;
		break;
	default:
		op->endpoint = obj;
	}
	op->id = op_id(op);
	snprintf(op->name, sizeof(op->name), "%s", op_name(op));
	return 0;
}

static int dump_tier(struct sc_tier *t, void *arg)
{
	return dump_obj(arg, t);
}

static int dump_policy(struct sc_policy *p, void *arg)
{
	return dump_obj(arg, p);
}

static int dump_ipset(struct sc_ipset *s, uint32_t count, void *arg)
{
	return dump_obj(arg, s);
}

static int dump_endpoint(struct sc_endpoint *e, void *arg)
{
	return dump_obj(arg, e);
}

static int dump_members(const struct strata_member *m, uint32_t n, void *arg)
{
	struct strata_op *op = arg;

	op->members = cmp_realloc(op->members,
				  ((size_t)op->n_members + n) * sizeof(*m));
	memcpy(op->members + op->n_members, m, (size_t)n * sizeof(*m));
	op->n_members += n;
	return 0;
}

static int dump_once(struct strata_nl *nl, struct strata_batch *b,
		     struct strata_err *err)
{
	struct dump_ctx x = { b, 0 };
	uint64_t gen[5], g;
	struct strata_op *op;
	size_t i;
	int ret;

	op = op_new(b);
	op->type = STRATA_OP_SETTINGS;
	op->settings = cmp_alloc(sizeof(*op->settings));
	op->settings_mask = STRATA_SETTINGS_ALL;
	ret = strata_get_settings(nl, op->settings, err);
	if (ret)
		return ret;
	x.kind = SC_OBJ_TIER;
	ret = strata_dump_tiers(nl, dump_tier, &x, &gen[0], err);
	if (ret)
		return ret;
	x.kind = SC_OBJ_POLICY;
	ret = strata_dump_policies(nl, dump_policy, &x, &gen[1], err);
	if (ret)
		return ret;
	x.kind = SC_OBJ_IPSET;
	ret = strata_dump_ipsets(nl, dump_ipset, &x, &gen[2], err);
	if (ret)
		return ret;
	x.kind = SC_OBJ_ENDPOINT;
	ret = strata_dump_endpoints(nl, dump_endpoint, &x, &gen[3], err);
	if (ret)
		return ret;
	gen[4] = gen[0];
	for (i = 0; i < b->n; i++) {
		op = &b->ops[i];
		if (op->type != STRATA_OP_PUT || op->kind != SC_OBJ_IPSET)
			continue;
		ret = strata_dump_members(nl, op->id, NULL, dump_members, op,
					  &g, err);
		if (ret)
			return ret;
		if (g != gen[0])
			gen[4] = g;
	}
	for (i = 1; i < 5; i++)
		if (gen[i] != gen[0])
			return -EAGAIN;
	return 0;
}

int cmp_dump_kernel(struct strata_nl *nl, struct strata_batch *out,
		    struct strata_err *err)
{
	int tries, ret = -EAGAIN;

	for (tries = 0; tries < 8 && ret == -EAGAIN; tries++) {
		struct strata_batch b;
		size_t i;

		strata_batch_init(&b);
		ret = dump_once(nl, &b, err);
		if (ret) {
			strata_batch_release(&b);
			continue;
		}
		for (i = 0; i < b.n; i++) {
			struct strata_op *op = op_new(out);

			*op = b.ops[i];
		}
		free(b.ops);
		strata_batch_init(&b);
	}
	if (ret == -EAGAIN)
		return strata_err_set(
			err, -EAGAIN,
			"the state kept changing while it was read");
	return ret;
}
