// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The address index (see addridx.h for the design). Writers are serialised
 * by the caller; readers run concurrently and never block or write.
 */
#include "core_types.h"
#include "addridx.h"

#define SC_AE_TOUCHED	0x01
#define SC_AE_TABSHIFT	1	/* bits 1-2: the table the node lives in */

struct sc_hnode {
	struct sc_hnode *next;
	u32 hash;
	u8 live;	/* bit s: present in slot s */
	u8 flags;
	u8 family;
	u8 plen;
};

struct sc_xent {		/* exact */
	struct sc_hnode h;
	struct sc_class *own[2];
	u8 addr[16];
};

struct sc_pent {		/* prefix */
	struct sc_hnode h;
	struct sc_class *own[2];
	struct sc_class *eff[2];
	u8 addr[16];
};

struct sc_nent {		/* address+protocol+port, one per set */
	struct sc_hnode h;
	u32 set;
	u8 proto;
	u8 pad;
	u16 port;
	u8 addr[16];
};

struct sc_htab {
	u32 mask;
	u32 count;
	struct sc_hnode *b[];
};

/* "Allocation failed", distinct from NULL, the empty class. */
static struct sc_class err_class;
#define ERR_CLASS (&err_class)

struct sc_deferred {
	u32 n, cap;
	struct {
		void *p;
		size_t size;
	} *v;
};

static const size_t node_size[SC_NTABS] = {
	sizeof(struct sc_xent), sizeof(struct sc_pent), sizeof(struct sc_nent),
};

static inline u8 fam_idx(u8 family)
{
	return family == STRATA_FAMILY_IPV6;
}

static inline u8 node_tab(const struct sc_hnode *n)
{
	return (n->flags >> SC_AE_TABSHIFT) & 3;
}

/* murmur3's finaliser over the address words: fast and well mixed. */
static inline u32 mix32(u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static inline u32 hash_addr(u8 family, const u8 *addr, u32 extra)
{
	u32 w[4], h = 0x9e3779b9 ^ extra ^ ((u32)family << 24);
	int i, n = family == STRATA_FAMILY_IPV6 ? 4 : 1;

	memcpy(w, addr, (size_t)n * 4);
	for (i = 0; i < n; i++)
		h = mix32(h ^ w[i]) + 0x7f4a7c15;
	return mix32(h);
}

static void mask_addr(u8 *out, const u8 *addr, u8 plen)
{
	u8 full = plen / 8, rest = plen % 8;

	memset(out, 0, 16);
	memcpy(out, addr, full);
	if (rest)
		out[full] = addr[full] & (u8)(0xff00 >> rest);
}

/* ---- deferred frees ---------------------------------------------------- */

/* Make room for @extra more deferred frees in *@dp. */
static int defer_reserve(struct sc_aidx *a, struct sc_deferred **dp,
			 u32 extra)
{
	struct sc_deferred *d = *dp;
	u32 cap;
	void *v;

	if (!d) {
		d = sc_alloc(a->env, sizeof(*d));
		if (!d)
			return -ENOMEM;
		*dp = d;
	}
	if (d->n + extra <= d->cap)
		return 0;
	cap = d->cap ? d->cap : 64;
	while (cap < d->n + extra)
		cap *= 2;
	v = sc_alloc(a->env, cap * sizeof(*d->v));
	if (!v)
		return -ENOMEM;
	if (d->n)
		memcpy(v, d->v, d->n * sizeof(*d->v));
	sc_free(a->env, d->v, d->cap * sizeof(*d->v));
	d->v = v;
	d->cap = cap;
	return 0;
}

/*
 * Free @p after the next grace period. If even the bookkeeping cannot be
 * allocated, the memory is leaked rather than freed under readers; the
 * environment's accounting reports it at teardown.
 */
static void defer(struct sc_aidx *a, struct sc_deferred **dp, void *p,
		  size_t size)
{
	struct sc_deferred *d;

	if (defer_reserve(a, dp, 1))
		return;
	d = *dp;
	d->v[d->n].p = p;
	d->v[d->n].size = size;
	d->n++;
}

static void deferred_free(struct sc_aidx *a, struct sc_deferred **dp)
{
	struct sc_deferred *d = *dp;
	u32 i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		sc_free(a->env, d->v[i].p, d->v[i].size);
	sc_free(a->env, d->v, d->cap * sizeof(*d->v));
	sc_free(a->env, d, sizeof(*d));
	*dp = NULL;
}

void sc_aidx_reclaim(struct sc_aidx *a)
{
	deferred_free(a, &a->defer_now);
	a->defer_now = a->defer_next;
	a->defer_next = NULL;
}

bool sc_aidx_has_deferred(const struct sc_aidx *a)
{
	return (a->defer_now && a->defer_now->n) ||
	       (a->defer_next && a->defer_next->n);
}

/* ---- classes --------------------------------------------------------- */

u32 sc_hash_ids(const u32 *ids, u32 n)
{
	u32 h = 0x12345678 ^ n, i;

	for (i = 0; i < n; i++)
		h = mix32(h ^ ids[i]) + 0x9e3779b9;
	return mix32(h);
}

static int intern_grow(struct sc_aidx *a)
{
	u32 cap = a->icap ? a->icap * 2 : 256, i;
	struct sc_class **t = sc_alloc(a->env, cap * sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; i < a->icap; i++) {
		struct sc_class *c = a->intern[i], *next;

		for (; c; c = next) {
			next = c->inext;
			c->inext = t[c->hash & (cap - 1)];
			t[c->hash & (cap - 1)] = c;
		}
	}
	sc_free(a->env, a->intern, a->icap * sizeof(*a->intern));
	a->intern = t;
	a->icap = cap;
	return 0;
}

/* The interned class for sorted, unique @ids (a new reference), or NULL. */
static struct sc_class *class_get(struct sc_aidx *a, const u32 *ids, u32 n)
{
	u32 h = sc_hash_ids(ids, n);
	struct sc_class *c;

	if (!n)
		return NULL;
	if (a->icap)
		for (c = a->intern[h & (a->icap - 1)]; c; c = c->inext)
			if (c->hash == h && c->n == n &&
			    !memcmp(c->ids, ids, n * sizeof(u32))) {
				c->refs++;
				return c;
			}
	if (a->nclasses >= a->icap && intern_grow(a))
		return ERR_CLASS;
	c = sc_alloc(a->env, sizeof(*c) + n * sizeof(u32));
	if (!c)
		return ERR_CLASS;
	c->refs = 1;
	c->hash = h;
	c->n = n;
	memcpy(c->ids, ids, n * sizeof(u32));
	c->inext = a->intern[h & (a->icap - 1)];
	a->intern[h & (a->icap - 1)] = c;
	a->nclasses++;
	return c;
}

static void class_put(struct sc_aidx *a, struct sc_class *c)
{
	struct sc_class **pp;

	if (!c || --c->refs)
		return;
	for (pp = &a->intern[c->hash & (a->icap - 1)]; *pp; pp = &(*pp)->inext)
		if (*pp == c) {
			*pp = c->inext;
			break;
		}
	a->nclasses--;
	sc_free(a->env, c, sizeof(*c) + c->n * sizeof(u32));
}

static struct sc_class *class_ref(struct sc_class *c)
{
	if (c)
		c->refs++;
	return c;
}

/* @c plus or minus @id, interned (ERR_CLASS on allocation failure). */
static struct sc_class *class_edit(struct sc_aidx *a, const struct sc_class *c,
				   u32 id, bool add)
{
	u32 n = c ? c->n : 0, i, j = 0;
	bool done = false;
	struct sc_class *r;
	u32 *ids;

	ids = sc_alloc(a->env, (n + 1) * sizeof(u32));
	if (!ids)
		return ERR_CLASS;
	for (i = 0; i < n; i++) {
		u32 v = c->ids[i];

		if (add && !done && v > id) {
			ids[j++] = id;
			done = true;
		}
		if (!add && v == id)
			continue;
		ids[j++] = v;
	}
	if (add && !done)
		ids[j++] = id;
	r = class_get(a, ids, j);
	sc_free(a->env, ids, (n + 1) * sizeof(u32));
	return r;
}

/* ---- tables -------------------------------------------------------------- */

static struct sc_htab *htab_new(struct sc_aidx *a, u32 nbuckets)
{
	struct sc_htab *t;

	t = sc_alloc(a->env, sizeof(*t) + nbuckets * sizeof(t->b[0]));
	if (t)
		t->mask = nbuckets - 1;
	return t;
}

static size_t htab_size(const struct sc_htab *t)
{
	return sizeof(*t) + (t->mask + 1) * sizeof(t->b[0]);
}

int sc_aidx_init(struct sc_aidx *a, struct sc_env *env)
{
	int k;

	memset(a, 0, sizeof(*a));
	a->env = env;
	for (k = 0; k < SC_NTABS; k++) {
		a->tab[k] = htab_new(a, 64);
		if (!a->tab[k]) {
			sc_aidx_release(a);
			return -ENOMEM;
		}
	}
	return 0;
}

static void node_free(struct sc_aidx *a, struct sc_hnode *n, bool moved)
{
	u8 k = node_tab(n);
	int s;

	if (!moved && k != SC_TAB_PORT) {
		struct sc_xent *x = (struct sc_xent *)n;

		for (s = 0; s < 2; s++)
			class_put(a, x->own[s]);
		if (k == SC_TAB_PREFIX)
			for (s = 0; s < 2; s++)
				class_put(a, ((struct sc_pent *)n)->eff[s]);
	}
	sc_free(a->env, n, node_size[k]);
}

void sc_aidx_release(struct sc_aidx *a)
{
	u32 i;
	int k;

	deferred_free(a, &a->defer_now);
	deferred_free(a, &a->defer_next);
	for (k = 0; k < SC_NTABS; k++) {
		struct sc_htab *t = a->tab[k];

		if (!t)
			continue;
		for (i = 0; i <= t->mask; i++) {
			struct sc_hnode *n = t->b[i], *next;

			for (; n; n = next) {
				next = n->next;
				node_free(a, n, false);
			}
		}
		sc_free(a->env, t, htab_size(t));
		a->tab[k] = NULL;
	}
	sc_free(a->env, a->touched, a->tcap * sizeof(*a->touched));
	sc_free(a->env, a->intern, a->icap * sizeof(*a->intern));
	a->touched = NULL;
	a->intern = NULL;
}

static void rebuild_touched(struct sc_aidx *a)
{
	u32 i;
	int k;

	a->ntouched = 0;
	for (k = 0; k < SC_NTABS; k++) {
		struct sc_htab *t = a->tab[k];

		for (i = 0; i <= t->mask; i++) {
			struct sc_hnode *n;

			for (n = t->b[i]; n; n = n->next)
				if (n->flags & SC_AE_TOUCHED)
					a->touched[a->ntouched++] = n;
		}
	}
}

/*
 * Grow table @k by copying every node into a new table and publishing it.
 * Readers of the old table keep a consistent view: the copies carry the
 * same slots (and take over the class references), and the old nodes are
 * freed only after a grace period.
 */
static int htab_grow(struct sc_aidx *a, int k)
{
	struct sc_htab *old = a->tab[k], *t;
	u32 i, nb = (old->mask + 1) * 4;
	struct sc_hnode *n, *c, *next;

	if (defer_reserve(a, &a->defer_now, old->count + 1))
		return -ENOMEM;
	t = htab_new(a, nb);
	if (!t)
		return -ENOMEM;
	for (i = 0; i <= old->mask; i++)
		for (n = old->b[i]; n; n = n->next) {
			c = sc_alloc(a->env, node_size[k]);
			if (!c)
				goto fail;
			memcpy(c, n, node_size[k]);
			c->next = t->b[c->hash & t->mask];
			t->b[c->hash & t->mask] = c;
			t->count++;
		}
	for (i = 0; i <= old->mask; i++)
		for (n = old->b[i]; n; n = n->next)
			defer(a, &a->defer_now, n, node_size[k]);
	defer(a, &a->defer_now, old, htab_size(old));
	SC_PUBLISH_PTR(a->tab[k], t);
	rebuild_touched(a);
	return 0;
fail:
	/* nothing was published: the copies own no references */
	for (i = 0; i <= t->mask; i++)
		for (n = t->b[i]; n; n = next) {
			next = n->next;
			sc_free(a->env, n, node_size[k]);
		}
	sc_free(a->env, t, htab_size(t));
	return -ENOMEM;
}

static int touch_reserve(struct sc_aidx *a)
{
	if (a->ntouched == a->tcap) {
		u32 cap = a->tcap ? a->tcap * 2 : 256;
		void **v = sc_alloc(a->env, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (a->ntouched)
			memcpy(v, a->touched, a->ntouched * sizeof(*v));
		sc_free(a->env, a->touched, a->tcap * sizeof(*a->touched));
		a->touched = v;
		a->tcap = cap;
	}
	return 0;
}

/* Remember that @n changed in this transaction (for revert and sync). */
static int touch(struct sc_aidx *a, struct sc_hnode *n)
{
	if (n->flags & SC_AE_TOUCHED)
		return 0;
	if (touch_reserve(a))
		return -ENOMEM;
	n->flags |= SC_AE_TOUCHED;
	a->touched[a->ntouched++] = n;
	return 0;
}

static bool key_eq(const struct sc_hnode *n, int k, u8 family, u8 plen,
		   const u8 *addr, u32 set, u8 proto, u16 port)
{
	if (n->family != family)
		return false;
	switch (k) {
	case SC_TAB_EXACT:
		return !memcmp(((const struct sc_xent *)n)->addr, addr, 16);
	case SC_TAB_PREFIX:
		return n->plen == plen &&
		       !memcmp(((const struct sc_pent *)n)->addr, addr, 16);
	default: {
		const struct sc_nent *e = (const struct sc_nent *)n;

		return e->set == set && e->proto == proto && e->port == port &&
		       !memcmp(e->addr, addr, 16);
	}
	}
}

static u32 key_hash(int k, u8 family, u8 plen, const u8 *addr, u32 set,
		    u8 proto, u16 port)
{
	switch (k) {
	case SC_TAB_EXACT:
		return hash_addr(family, addr, 0);
	case SC_TAB_PREFIX:
		return hash_addr(family, addr, 0x100u | plen);
	default:
		return hash_addr(family, addr,
				 mix32(set) ^ ((u32)proto << 16) ^ port);
	}
}

/* Find a node of table @k, whatever its slots; create it if @create. */
static struct sc_hnode *node_find(struct sc_aidx *a, int k, u8 family,
				  u8 plen, const u8 *addr, u32 set, u8 proto,
				  u16 port, bool create)
{
	u32 h = key_hash(k, family, plen, addr, set, proto, port);
	struct sc_htab *t = a->tab[k];
	struct sc_hnode *n;

	for (n = t->b[h & t->mask]; n; n = n->next)
		if (n->hash == h &&
		    key_eq(n, k, family, plen, addr, set, proto, port))
			return n;
	if (!create)
		return NULL;
	if (t->count >= 2 * (t->mask + 1)) {
		if (htab_grow(a, k))
			return NULL;
		t = a->tab[k];
	}
	if (touch_reserve(a))
		return NULL;
	n = sc_alloc(a->env, node_size[k]);
	if (!n)
		return NULL;
	n->hash = h;
	n->family = family;
	n->plen = plen;
	n->flags = (u8)(k << SC_AE_TABSHIFT);
	if (k == SC_TAB_PORT) {
		struct sc_nent *e = (struct sc_nent *)n;

		e->set = set;
		e->proto = proto;
		e->port = port;
		memcpy(e->addr, addr, 16);
	} else if (k == SC_TAB_EXACT) {
		memcpy(((struct sc_xent *)n)->addr, addr, 16);
	} else {
		memcpy(((struct sc_pent *)n)->addr, addr, 16);
	}
	/* Not live in any slot yet: readers skip it; revert drops it. */
	n->next = t->b[h & t->mask];
	SC_PUBLISH_PTR(t->b[h & t->mask], n);
	t->count++;
	touch(a, n);	/* cannot fail: reserved above */
	return n;
}

static void plen_live(struct sc_aidx *a, u8 slot, u8 family, u8 plen, int d)
{
	a->plen_count[slot][fam_idx(family)][plen] += d;
	a->prefix_dirty = true;
}

/* Edit @set in the class of node @n (exact or prefix) in slot @stage. */
static int class_node_edit(struct sc_aidx *a, struct sc_hnode *n, u8 stage,
			   u32 set, bool add, bool exist_ok)
{
	struct sc_xent *x = (struct sc_xent *)n;	/* own[] is shared */
	bool is_prefix = node_tab(n) == SC_TAB_PREFIX;
	struct sc_class **own = is_prefix ? ((struct sc_pent *)n)->own : x->own;
	struct sc_class *cur = (n->live & (1u << stage)) ? own[stage] : NULL;
	struct sc_class *nc;

	if (sc_class_has(cur, set) == add)
		return exist_ok ? 1 : (add ? -EEXIST : -ENOENT);
	if (touch(a, n))
		return -ENOMEM;
	nc = class_edit(a, cur, set, add);
	if (nc == ERR_CLASS)
		return -ENOMEM;
	class_put(a, own[stage]);
	own[stage] = nc;
	if (nc && !(n->live & (1u << stage))) {
		n->live |= 1u << stage;
		if (is_prefix)
			plen_live(a, stage, n->family, n->plen, 1);
	} else if (!nc && (n->live & (1u << stage))) {
		n->live &= ~(1u << stage);
		if (is_prefix)
			plen_live(a, stage, n->family, n->plen, -1);
	}
	if (is_prefix)
		a->prefix_dirty = true;
	return 0;
}

static int member_edit(struct sc_aidx *a, u8 stage, u32 set, u8 kind,
		       u8 family, const struct strata_member *m, bool add,
		       bool exist_ok)
{
	u8 bits = sc_family_bits(family);
	struct sc_hnode *n;
	int k;

	if (kind == STRATA_IPSET_ADDR_PORT) {
		n = node_find(a, SC_TAB_PORT, family, bits, m->addr, set,
			      m->proto, m->port, add);
		if (!n)
			return add ? -ENOMEM : (exist_ok ? 1 : -ENOENT);
		if (!!(n->live & (1u << stage)) == add)
			return exist_ok ? 1 : (add ? -EEXIST : -ENOENT);
		if (touch(a, n))
			return -ENOMEM;
		n->live ^= 1u << stage;
		return 0;
	}
	k = m->prefix_len == bits ? SC_TAB_EXACT : SC_TAB_PREFIX;
	n = node_find(a, k, family, m->prefix_len, m->addr, 0, 0, 0, add);
	if (!n)
		return add ? -ENOMEM : (exist_ok ? 1 : -ENOENT);
	return class_node_edit(a, n, stage, set, add, exist_ok);
}

int sc_aidx_add(struct sc_aidx *a, u8 stage, u32 set, u8 kind, u8 family,
		const struct strata_member *m, bool exist_ok)
{
	return member_edit(a, stage, set, kind, family, m, true, exist_ok);
}

int sc_aidx_del(struct sc_aidx *a, u8 stage, u32 set, u8 kind, u8 family,
		const struct strata_member *m, bool exist_ok)
{
	return member_edit(a, stage, set, kind, family, m, false, exist_ok);
}

int sc_aidx_drop_set(struct sc_aidx *a, u8 stage, u32 set)
{
	int k, dropped = 0, ret;
	u32 i;

	for (k = 0; k < SC_NTABS; k++) {
		/* the table cannot grow here: no node is created */
		struct sc_htab *t = a->tab[k];

		for (i = 0; i <= t->mask; i++) {
			struct sc_hnode *n;

			for (n = t->b[i]; n; n = n->next) {
				if (!(n->live & (1u << stage)))
					continue;
				if (k == SC_TAB_PORT) {
					if (((struct sc_nent *)n)->set != set)
						continue;
					if (touch(a, n))
						return -ENOMEM;
					n->live &= ~(1u << stage);
					dropped++;
					continue;
				}
				ret = class_node_edit(a, n, stage, set, false,
						      true);
				if (ret < 0)
					return ret;
				if (ret == 0)
					dropped++;
			}
		}
	}
	return dropped;
}

static void plens_rebuild(struct sc_aidx *a, u8 slot)
{
	int f, l;

	for (f = 0; f < 2; f++) {
		u8 n = 0;

		for (l = 128; l >= 0; l--)
			if (a->plen_count[slot][f][l])
				a->plens[slot][f][n++] = (u8)l;
		a->nplens[slot][f] = n;
	}
}

/* Longest prefix entry live in @slot containing @addr (control plane). */
static struct sc_pent *lpm(const struct sc_aidx *a, u8 slot, u8 family,
			   const u8 *addr, u8 maxlen)
{
	u8 fi = fam_idx(family), i, m[16];
	const struct sc_htab *t = SC_READ_PTR(a->tab[SC_TAB_PREFIX]);

	for (i = 0; i < a->nplens[slot][fi]; i++) {
		u8 plen = a->plens[slot][fi][i];
		const struct sc_hnode *n;
		u32 h;

		if (plen > maxlen)
			continue;
		mask_addr(m, addr, plen);
		h = hash_addr(family, m, 0x100u | plen);
		for (n = SC_READ_PTR(t->b[h & t->mask]); n;
		     n = SC_READ_PTR(n->next))
			if (n->hash == h && (n->live & (1u << slot)) &&
			    n->family == family && n->plen == plen &&
			    !memcmp(((const struct sc_pent *)n)->addr, m, 16))
				return (struct sc_pent *)n;
	}
	return NULL;
}

/* Grow *@buf (@n used, *@cap allocated) to at least @need entries. */
static int grow_u32(struct sc_env *env, u32 **buf, u32 n, u32 *cap, u32 need)
{
	u32 ncap = need * 2;
	u32 *nb = sc_alloc(env, ncap * sizeof(u32));

	if (!nb)
		return -ENOMEM;
	if (n)
		memcpy(nb, *buf, n * sizeof(u32));
	sc_free(env, *buf, *cap * sizeof(u32));
	*buf = nb;
	*cap = ncap;
	return 0;
}

/*
 * Push down: every live prefix's effective class becomes the union of the
 * own classes of all live prefixes containing it (itself included).
 */
int sc_aidx_prepare(struct sc_aidx *a, u8 stage)
{
	struct sc_htab *t = a->tab[SC_TAB_PREFIX];
	u32 *buf = NULL, cap = 0, i;
	int ret = 0;

	if (!a->prefix_dirty)
		return 0;
	plens_rebuild(a, stage);
	for (i = 0; i <= t->mask && !ret; i++) {
		struct sc_hnode *n;

		for (n = t->b[i]; n && !ret; n = n->next) {
			struct sc_pent *p = (struct sc_pent *)n;
			struct sc_class *nc = NULL;
			u32 cnt = 0;
			u8 j, fi = fam_idx(n->family);

			if (n->live & (1u << stage)) {
				/* gather own classes of containing prefixes */
				for (j = 0; j < a->nplens[stage][fi]; j++) {
					u8 pl = a->plens[stage][fi][j];
					struct sc_pent *q;
					u32 need;

					if (pl > n->plen)
						continue;
					q = lpm(a, stage, n->family, p->addr,
						pl);
					if (!q || q->h.plen != pl)
						continue;
					need = cnt + q->own[stage]->n;
					if (need > cap &&
					    grow_u32(a->env, &buf, cnt, &cap,
						     need)) {
						ret = -ENOMEM;
						break;
					}
					memcpy(buf + cnt, q->own[stage]->ids,
					       q->own[stage]->n * sizeof(u32));
					cnt += q->own[stage]->n;
				}
				if (ret)
					break;
				cnt = sc_sort_unique_u32(buf, cnt);
				nc = class_get(a, buf, cnt);
				if (nc == ERR_CLASS) {
					ret = -ENOMEM;
					break;
				}
			}
			if (nc == p->eff[stage]) {
				class_put(a, nc);
				continue;
			}
			if (touch(a, n)) {
				class_put(a, nc);
				ret = -ENOMEM;
				break;
			}
			class_put(a, p->eff[stage]);
			p->eff[stage] = nc;
		}
	}
	sc_free(a->env, buf, cap * sizeof(u32));
	if (!ret)
		a->prefix_dirty = false;
	return ret;
}

/* Make slot @to equal slot @from on node @n; unlink it if dead. */
static void node_copy_slot(struct sc_aidx *a, struct sc_hnode *n, u8 from,
			   u8 to, struct sc_deferred **dq)
{
	u8 k = node_tab(n);

	if (k != SC_TAB_PORT) {
		struct sc_class **own = k == SC_TAB_PREFIX ?
			((struct sc_pent *)n)->own : ((struct sc_xent *)n)->own;

		class_put(a, own[to]);
		own[to] = class_ref(own[from]);
		if (k == SC_TAB_PREFIX) {
			struct sc_pent *p = (struct sc_pent *)n;

			class_put(a, p->eff[to]);
			p->eff[to] = class_ref(p->eff[from]);
		}
	}
	if (n->live & (1u << from))
		n->live |= 1u << to;
	else
		n->live &= ~(1u << to);
	n->flags &= ~SC_AE_TOUCHED;
	if (!n->live) {
		struct sc_htab *t = a->tab[k];
		struct sc_hnode **pp;

		for (pp = &t->b[n->hash & t->mask]; *pp; pp = &(*pp)->next)
			if (*pp == n) {
				SC_PUBLISH_PTR(*pp, n->next);
				break;
			}
		t->count--;
		if (k != SC_TAB_PORT) {
			struct sc_class **own = k == SC_TAB_PREFIX ?
				((struct sc_pent *)n)->own :
				((struct sc_xent *)n)->own;

			class_put(a, own[0]);
			class_put(a, own[1]);
			own[0] = NULL;
			own[1] = NULL;
			if (k == SC_TAB_PREFIX) {
				struct sc_pent *p = (struct sc_pent *)n;

				class_put(a, p->eff[0]);
				class_put(a, p->eff[1]);
				p->eff[0] = NULL;
				p->eff[1] = NULL;
			}
		}
		/* readers may be on it: free after a grace period */
		defer(a, dq, n, node_size[k]);
	}
}

static void copy_plens(struct sc_aidx *a, u8 from, u8 to)
{
	memcpy(a->plen_count[to], a->plen_count[from],
	       sizeof(a->plen_count[to]));
	memcpy(a->plens[to], a->plens[from], sizeof(a->plens[to]));
	memcpy(a->nplens[to], a->nplens[from], sizeof(a->nplens[to]));
}

void sc_aidx_revert(struct sc_aidx *a, u8 stage)
{
	u8 live = !stage;
	u32 i;

	for (i = 0; i < a->ntouched; i++)
		node_copy_slot(a, a->touched[i], live, stage, &a->defer_now);
	a->ntouched = 0;
	copy_plens(a, live, stage);
	a->prefix_dirty = false;
}

void sc_aidx_sync(struct sc_aidx *a, u8 live)
{
	u32 i;

	for (i = 0; i < a->ntouched; i++)
		node_copy_slot(a, a->touched[i], live, !live, &a->defer_next);
	a->ntouched = 0;
	copy_plens(a, live, !live);
}

/* ---- packet path ------------------------------------------------------- */

void sc_aidx_lookup(const struct sc_aidx *a, u8 slot, u8 family,
		    const u8 *addr, const struct sc_class **exact,
		    const struct sc_class **prefix)
{
	const struct sc_htab *t = SC_READ_PTR(a->tab[SC_TAB_EXACT]);
	u32 h = hash_addr(family, addr, 0);
	const struct sc_hnode *n;
	const struct sc_pent *p;

	*exact = NULL;
	for (n = SC_READ_PTR(t->b[h & t->mask]); n; n = SC_READ_PTR(n->next))
		if (n->hash == h && (n->live & (1u << slot)) &&
		    n->family == family &&
		    !memcmp(((const struct sc_xent *)n)->addr, addr, 16)) {
			*exact = ((const struct sc_xent *)n)->own[slot];
			break;
		}
	p = a->nplens[slot][fam_idx(family)] ?
		lpm(a, slot, family, addr, 128) : NULL;
	*prefix = p ? p->eff[slot] : NULL;
}

bool sc_aidx_port_member(const struct sc_aidx *a, u8 slot, u32 set,
			 u8 family, const u8 *addr, u8 proto, u16 port)
{
	const struct sc_htab *t = SC_READ_PTR(a->tab[SC_TAB_PORT]);
	u32 h = key_hash(SC_TAB_PORT, family, 0, addr, set, proto, port);
	const struct sc_hnode *n;

	for (n = SC_READ_PTR(t->b[h & t->mask]); n; n = SC_READ_PTR(n->next))
		if (n->hash == h && (n->live & (1u << slot)) &&
		    key_eq(n, SC_TAB_PORT, family, 0, addr, set, proto, port))
			return true;
	return false;
}

/* ---- reading members (control plane) ---------------------------------- */

/*
 * Cursor: table (2 bits) | bucket (32 bits) | position in chain (30 bits).
 */
u32 sc_aidx_members(const struct sc_aidx *a, u8 slot, u32 set, u8 family,
		    u64 *cursor, struct strata_member *out, u32 max)
{
	u32 k = (u32)(*cursor >> 62), b = (u32)(*cursor >> 30);
	u32 pos = (u32)(*cursor & 0x3fffffff), got = 0;

	for (; k < SC_NTABS; k++, b = 0, pos = 0) {
		const struct sc_htab *t = a->tab[k];

		for (; b <= t->mask; b++, pos = 0) {
			const struct sc_hnode *n = t->b[b];
			u32 i;

			for (i = 0; n && i < pos; i++)
				n = n->next;
			for (; n; n = n->next, pos++) {
				struct strata_member *m;

				if (!(n->live & (1u << slot)) ||
				    n->family != family)
					continue;
				if (k == SC_TAB_PORT) {
					if (((const struct sc_nent *)n)->set !=
					    set)
						continue;
				} else if (!sc_class_has(k == SC_TAB_EXACT ?
					((const struct sc_xent *)n)->own[slot] :
					((const struct sc_pent *)n)->own[slot],
					set)) {
					continue;
				}
				if (got == max) {
					*cursor = ((u64)k << 62) |
						  ((u64)b << 30) | pos;
					return got;
				}
				m = &out[got++];
				memset(m, 0, sizeof(*m));
				m->prefix_len = n->plen;
				if (k == SC_TAB_EXACT) {
					memcpy(m->addr, ((const struct sc_xent *)n)->addr, 16);
				} else if (k == SC_TAB_PREFIX) {
					memcpy(m->addr, ((const struct sc_pent *)n)->addr, 16);
				} else {
					const struct sc_nent *e =
						(const struct sc_nent *)n;

					memcpy(m->addr, e->addr, 16);
					m->proto = e->proto;
					m->port = e->port;
				}
			}
		}
	}
	*cursor = (u64)SC_NTABS << 62;
	return got;
}

u32 sc_aidx_entries(const struct sc_aidx *a)
{
	return a->tab[0]->count + a->tab[1]->count + a->tab[2]->count;
}
