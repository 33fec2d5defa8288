// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "core_types.h"
#include "objmap.h"

struct sc_namenode {
	struct sc_namenode *next;
	u32 hash;
	u32 id;
	const char *name;
};

/* FNV-1a, then a final avalanche: keys here are short and not hostile. */
u32 sc_hash_bytes(const void *p, size_t len, u32 seed)
{
	const u8 *b = p;
	u32 h = 2166136261u ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	return h;
}

u32 sc_hash_str(const char *s)
{
	return sc_hash_bytes(s, strlen(s), 0);
}

void sc_objmap_init(struct sc_objmap *m, struct sc_env *env)
{
	memset(m, 0, sizeof(*m));
	m->env = env;
}

void sc_objmap_release(struct sc_objmap *m)
{
	u32 i;

	struct sc_namenode *n, *next;

	for (i = 0; i < m->nbuckets; i++)
		for (n = m->names[i]; n; n = next) {
			next = n->next;
			sc_free(m->env, n, sizeof(*n));
		}
	for (n = m->spare; n; n = next) {
		next = n->next;
		sc_free(m->env, n, sizeof(*n));
	}
	sc_free(m->env, m->names, m->nbuckets * sizeof(*m->names));
	sc_free(m->env, m->ents, m->cap * sizeof(*m->ents));
	sc_objmap_init(m, m->env);
}

/* Index of the first entry with id >= @id. */
static u32 lower_bound(const struct sc_objmap *m, u32 id)
{
	u32 lo = 0, hi = m->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (m->ents[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct sc_objent *sc_objmap_get(const struct sc_objmap *m, u32 id)
{
	u32 i = lower_bound(m, id);

	return i < m->n && m->ents[i].id == id ? &m->ents[i] : NULL;
}

struct sc_objent *sc_objmap_next(const struct sc_objmap *m, u32 after)
{
	u32 i;

	if (after == 0xffffffffu)
		return NULL;
	i = lower_bound(m, after + 1);
	return i < m->n ? &m->ents[i] : NULL;
}

struct sc_objent *sc_objmap_get_name(const struct sc_objmap *m,
				     const char *name)
{
	struct sc_namenode *n;
	u32 h;

	if (!m->nbuckets)
		return NULL;
	h = sc_hash_str(name);
	for (n = m->names[h & (m->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && !strcmp(n->name, name))
			return sc_objmap_get(m, n->id);
	return NULL;
}

static int grow_names(struct sc_objmap *m, u32 want)
{
	struct sc_namenode **nb;
	u32 nbuckets = m->nbuckets ? m->nbuckets : 16, i;

	while (nbuckets < want)
		nbuckets *= 2;
	if (nbuckets == m->nbuckets)
		return 0;
	nb = sc_alloc(m->env, nbuckets * sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	for (i = 0; i < m->nbuckets; i++) {
		struct sc_namenode *n = m->names[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = nb[n->hash & (nbuckets - 1)];
			nb[n->hash & (nbuckets - 1)] = n;
		}
	}
	sc_free(m->env, m->names, m->nbuckets * sizeof(*m->names));
	m->names = nb;
	m->nbuckets = nbuckets;
	return 0;
}

int sc_objmap_reserve(struct sc_objmap *m, u32 extra)
{
	u32 want = m->n + extra;

	while (m->nspare < extra) {
		struct sc_namenode *nn = sc_alloc(m->env, sizeof(*nn));

		if (!nn)
			return -ENOMEM;
		nn->next = m->spare;
		m->spare = nn;
		m->nspare++;
	}
	if (want > m->cap) {
		u32 cap = m->cap ? m->cap : 16;
		struct sc_objent *e;

		while (cap < want)
			cap *= 2;
		e = sc_alloc(m->env, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		if (m->n)
			memcpy(e, m->ents, m->n * sizeof(*e));
		sc_free(m->env, m->ents, m->cap * sizeof(*m->ents));
		m->ents = e;
		m->cap = cap;
	}
	return grow_names(m, want);
}

static void name_unlink(struct sc_objmap *m, u32 id, const char *name)
{
	struct sc_namenode **pp, *n;
	u32 h = sc_hash_str(name);

	for (pp = &m->names[h & (m->nbuckets - 1)]; (n = *pp); pp = &n->next)
		if (n->id == id) {
			*pp = n->next;
			n->next = m->spare;
			m->spare = n;
			m->nspare++;
			return;
		}
}

int sc_objmap_set(struct sc_objmap *m, u32 id, const char *name, void *obj,
		  void **old)
{
	struct sc_namenode *nn;
	struct sc_objent *e;
	u32 i;

	*old = NULL;
	if (sc_objmap_reserve(m, 1))
		return -ENOMEM;
	nn = m->spare;
	m->spare = nn->next;
	m->nspare--;
	i = lower_bound(m, id);
	e = &m->ents[i];
	if (i < m->n && e->id == id) {
		*old = e->obj;
		name_unlink(m, id, e->name);
	} else {
		memmove(e + 1, e, (m->n - i) * sizeof(*e));
		m->n++;
		e->users = 0;
		e->count = 0;
	}
	e->id = id;
	e->name = name;
	e->obj = obj;
	nn->hash = sc_hash_str(name);
	nn->id = id;
	nn->name = name;
	nn->next = m->names[nn->hash & (m->nbuckets - 1)];
	m->names[nn->hash & (m->nbuckets - 1)] = nn;
	return 0;
}

void *sc_objmap_del(struct sc_objmap *m, u32 id)
{
	u32 i = lower_bound(m, id);
	void *obj;

	if (i >= m->n || m->ents[i].id != id)
		return NULL;
	obj = m->ents[i].obj;
	name_unlink(m, id, m->ents[i].name);
	memmove(&m->ents[i], &m->ents[i + 1], (m->n - i - 1) * sizeof(m->ents[0]));
	m->n--;
	return obj;
}
