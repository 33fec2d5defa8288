// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Programs: the compiled form of one endpoint list in one family.
 *
 * DOC: Program structure
 *
 * A program is the endpoint's tiers, policies and profiles flattened into
 * one ordered rule list, with synthetic rules for each tier's default
 * action, each profile's end and the final no-match action. A rule's
 * position is its priority; "pass" jumps to the next segment (tier or
 * profile). Evaluating the list in order would cost time linear in the
 * number of rules, so the rules are indexed instead:
 *
 *  - *Partitions* by the shape of the rule's predicate on the remote
 *    address (the source for ingress lists, the destination for egress):
 *    no address predicate (NOADDR); exactly one IP set; a list of networks
 *    (one partition per distinct network). The packet's remote address
 *    resolves (once, in the address index) to the classes of sets holding
 *    it; the partitions it hits are NOADDR, one per set in its classes that
 *    the program uses, and one per program network containing it.
 *  - In each partition, per protocol, the destination port (or ICMP
 *    type * 256 + code) axis is cut into elementary intervals; each
 *    interval stores, for every segment, the first terminal rule matching
 *    there, and every log rule matching there.
 *  - Everything else (negations, several sets, networks and sets together,
 *    source ports, named ports, predicates on the local address) is
 *    *residual*: kept in order and matched rule by rule, but only between
 *    the current segment start and the best candidate found so far.
 *
 * The verdict is then a loop over segments: the minimum candidate over the
 * partitions hit (at most one per segment per partition), refined by the
 * residual rules before it; a pass moves to the next segment. The cost is
 * proportional to the number of partitions hit and segments passed, not
 * to the number of rules. Every tier ends in a synthetic rule in NOADDR,
 * so a candidate always exists within the current segment.
 */
#include "core_types.h"
#include "model.h"
#include "objmap.h"
#include "addridx.h"
#include "prog.h"
#include "decide.h"
#include "runtime.h"

#define SC_PROTO_DEFAULT	256	/* table for protocols not listed */
#define SC_MAX_HITS		32	/* partitions remembered per eval */

struct sc_side {
	u32 n_nets, n_not_nets, n_sets, n_not_sets;
	u32 n_ports, n_not_ports, n_psets, n_not_psets;
	const struct strata_prefix *nets, *not_nets;
	const u32 *sets, *not_sets, *psets, *not_psets;
	const struct strata_port_range *ports, *not_ports;
};

/* A rule as evaluated in this program's family. */
struct sc_crule {
	struct sc_side side[2];	/* 0: source, 1: destination */
};

struct sc_itab {
	u16 proto;		/* 0..255, or SC_PROTO_DEFAULT */
	u32 n;			/* intervals */
	u16 *lo;		/* first key of each interval, lo[0] == 0 */
	u32 *res;		/* offset of each interval's result in pool */
	u16 *radix;		/* big tables: first interval per key bucket */
	u8 rshift;		/* bucket = key >> rshift */
};

/*
 * Tables with more intervals than SC_RADIX_MIN get a radix index on the
 * key's top 8 bits, those with more than SC_RADIX_BIG on its top 12, so a
 * lookup binary-searches only a few intervals.
 */
#define SC_RADIX_MIN	8
#define SC_RADIX_BIG	96

struct sc_part {
	u32 ntabs;
	struct sc_itab *tabs;	/* ascending proto; default last */
	u16 common[4];		/* table of TCP, UDP, ICMP, ICMPv6 */
};

struct sc_setslot {
	u32 set;		/* 0: empty */
	u32 part;
};

struct sc_netslot {
	u8 used;
	u8 plen;
	u8 addr[16];
	u32 part;
};

struct sc_prog {
	struct sc_prog *hnext;
	u32 hash;
	u32 refs;
	u32 nkey;
	u64 *key;
	u8 family;
	u8 list;
	u8 remote;		/* 0: source is remote (ingress), 1: dest */
	u32 n_rules;
	struct sc_prule *rules;
	struct sc_crule *crules;
	u32 n_segs;
	u32 *seg_start;		/* n_segs + 1 entries */
	u16 *rseg;		/* segment of each rule (compact copy) */
	struct sc_part noaddr;
	u32 n_parts;
	u32 n_setparts;
	struct sc_part *parts;
	u32 set_mask;
	struct sc_setslot *set_tab;
	u8 n_plens;
	u8 plens[129];
	u32 net_mask;
	struct sc_netslot *net_tab;
	u32 n_resid;
	u32 *resid;
	u32 *pool;
	u32 pool_n;
	struct sc_arena arena;
};

struct sc_progcache {
	struct sc_env *env;
	u32 n;
	u32 mask;
	struct sc_prog **tab;
};

u32 sc_prog_nrules(const struct sc_prog *p)
{
	return p->n_rules;
}

const struct sc_prule *sc_prog_rule(const struct sc_prog *p, u32 i)
{
	return &p->rules[i];
}

u8 sc_prog_list(const struct sc_prog *p)
{
	return p->list;
}

bool sc_prule_counter(const struct sc_prog *p, u32 i,
		      const struct sc_ep_rt *ep, struct sc_ctr **ctr, u32 *idx)
{
	const struct sc_prule *r = &p->rules[i];
	u32 dir = p->remote;	/* 0: ingress list, 1: egress list */

	switch (r->origin) {
	case SC_ORIG_RULE:
		*ctr = r->policy->ctr;
		*idx = (dir ? r->policy->n_rules[SC_INGRESS] : 0) + r->rule;
		break;
	case SC_ORIG_TIER_END:
		*ctr = r->tier->ctr;
		*idx = p->list;
		break;
	case SC_ORIG_PROFILE_END:
		*ctr = r->policy->ctr;
		*idx = r->policy->n_rules[SC_INGRESS] +
		       r->policy->n_rules[SC_EGRESS] + dir;
		break;
	default:
		*ctr = ep ? ep->ep->ctr : NULL;
		*idx = p->list;
		break;
	}
	return !!*ctr;
}

u32 sc_prog_nresidual(const struct sc_prog *p)
{
	return p->n_resid;
}

u32 sc_prog_bytes(const struct sc_prog *p)
{
	return (u32)p->arena.bytes;
}

static bool is_ingress(u8 list)
{
	return list == STRATA_LIST_INGRESS ||
	       list == STRATA_LIST_UNTRACKED_INGRESS ||
	       list == STRATA_LIST_PREDNAT_INGRESS ||
	       list == STRATA_LIST_FORWARD_INGRESS;
}

static bool port_proto(u16 p)
{
	return p == 6 || p == 17 || p == 132;
}

static bool icmp_proto(u16 p)
{
	return p == 1 || p == 58;
}

/* ---- the cache ---------------------------------------------------------- */

struct sc_progcache *sc_progcache_new(struct sc_env *env)
{
	struct sc_progcache *pc = sc_alloc(env, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->env = env;
	pc->mask = 63;
	pc->tab = sc_alloc(env, 64 * sizeof(*pc->tab));
	if (!pc->tab) {
		sc_free(env, pc, sizeof(*pc));
		return NULL;
	}
	return pc;
}

static void prog_free(struct sc_prog *p)
{
	struct sc_arena a = p->arena;
	u32 i;

	/* references to policies and tiers held by the flat rules */
	for (i = 0; i < p->n_rules; i++) {
		if (p->rules[i].policy)
			sc_policy_put((struct sc_policy *)p->rules[i].policy);
		if (p->rules[i].tier && p->rules[i].origin == SC_ORIG_TIER_END)
			sc_tier_put((struct sc_tier *)p->rules[i].tier);
	}
	sc_arena_release(&a);
}

void sc_progcache_free(struct sc_progcache *pc)
{
	u32 i;

	if (!pc)
		return;
	/* every program is referenced by a runtime freed before this */
	for (i = 0; i <= pc->mask; i++) {
		struct sc_prog *p = pc->tab[i], *next;

		for (; p; p = next) {
			next = p->hnext;
			prog_free(p);
		}
	}
	sc_free(pc->env, pc->tab, (pc->mask + 1) * sizeof(*pc->tab));
	sc_free(pc->env, pc, sizeof(*pc));
}

u32 sc_progcache_count(const struct sc_progcache *pc)
{
	return pc->n;
}

void sc_prog_put(struct sc_progcache *pc, struct sc_prog *p)
{
	struct sc_prog **pp;

	if (!p || --p->refs)
		return;
	for (pp = &pc->tab[p->hash & pc->mask]; *pp; pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	pc->n--;
	prog_free(p);
}

static void cache_grow(struct sc_progcache *pc)
{
	u32 mask = pc->mask * 2 + 1, i;
	struct sc_prog **t = sc_alloc(pc->env, (mask + 1) * sizeof(*t));

	if (!t)
		return;		/* longer chains, still correct */
	for (i = 0; i <= pc->mask; i++) {
		struct sc_prog *p = pc->tab[i], *next;

		for (; p; p = next) {
			next = p->hnext;
			p->hnext = t[p->hash & mask];
			t[p->hash & mask] = p;
		}
	}
	sc_free(pc->env, pc->tab, (pc->mask + 1) * sizeof(*pc->tab));
	pc->tab = t;
	pc->mask = mask;
}

/*
 * The key: list, family, final action, flags, then per tier its serial and
 * its policies' serials, then the profiles' serials. Serials identify
 * immutable objects, so equal keys mean equal programs.
 */
static u64 *build_key(struct sc_env *env, const struct sc_endpoint *ep,
		      const struct sc_prog_in *in,
		      const struct sc_objmap *tiers,
		      const struct sc_objmap *policies, u32 *nkey)
{
	const struct sc_eplist *l = &ep->lists[in->list];
	u32 n = 2, i, j, k = 0;
	u64 *key;

	for (i = 0; i < l->n; i++)
		n += 1 + l->refs[i].n_policies;
	if (in->profiles)
		n += 1 + ep->n_profiles;
	key = sc_alloc(env, n * sizeof(u64));
	if (!key)
		return NULL;
	key[k++] = (u64)in->list | ((u64)in->family << 8) |
		   ((u64)in->final << 16) | ((u64)in->profiles << 24) |
		   ((u64)in->force_pass << 25);
	key[k++] = l->n;
	for (i = 0; i < l->n; i++) {
		const struct sc_tierref *tr = &l->refs[i];
		const struct sc_tier *t = sc_objmap_get(tiers, tr->tier)->obj;

		key[k++] = t->serial | ((u64)tr->n_policies << 48);
		for (j = 0; j < tr->n_policies; j++)
			key[k++] = ((const struct sc_policy *)
				    sc_objmap_get(policies,
						  tr->policies[j])->obj)->serial;
	}
	if (in->profiles) {
		key[k++] = ep->n_profiles;
		for (i = 0; i < ep->n_profiles; i++)
			key[k++] = ((const struct sc_policy *)
				    sc_objmap_get(policies,
						  ep->profiles[i])->obj)->serial;
	}
	*nkey = k;
	return key;
}

static struct sc_prog *compile(struct sc_env *env, const struct sc_endpoint *ep,
			       const struct sc_prog_in *in,
			       const struct sc_objmap *tiers,
			       const struct sc_objmap *policies,
			       const struct sc_objmap *ipsets,
			       struct sc_err *err);

struct sc_prog *sc_prog_get(struct sc_progcache *pc,
			    const struct sc_endpoint *ep,
			    const struct sc_prog_in *in,
			    const struct sc_objmap *tiers,
			    const struct sc_objmap *policies,
			    const struct sc_objmap *ipsets,
			    struct sc_err *err)
{
	struct sc_prog *p;
	u32 nkey, h;
	u64 *key;

	key = build_key(pc->env, ep, in, tiers, policies, &nkey);
	if (!key) {
		sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_ENDPOINT, ep->id,
			0);
		return NULL;
	}
	h = sc_hash_bytes(key, nkey * sizeof(u64), 0);
	for (p = pc->tab[h & pc->mask]; p; p = p->hnext)
		if (p->hash == h && p->nkey == nkey &&
		    !memcmp(p->key, key, nkey * sizeof(u64))) {
			sc_free(pc->env, key, nkey * sizeof(u64));
			p->refs++;
			return p;
		}
	p = compile(pc->env, ep, in, tiers, policies, ipsets, err);
	if (!p) {
		sc_free(pc->env, key, nkey * sizeof(u64));
		return NULL;
	}
	p->key = sc_arena_dup(&p->arena, key, nkey * sizeof(u64));
	sc_free(pc->env, key, nkey * sizeof(u64));
	if (!p->key) {
		prog_free(p);
		sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_ENDPOINT, ep->id,
			0);
		return NULL;
	}
	p->nkey = nkey;
	p->hash = h;
	p->refs = 1;
	p->hnext = pc->tab[h & pc->mask];
	pc->tab[h & pc->mask] = p;
	if (++pc->n > 2 * (pc->mask + 1))
		cache_grow(pc);
	return p;
}

/* ---- compiling ------------------------------------------------------- */

/* A growable u32 vector for compile-time scratch. */
struct vec {
	struct sc_env *env;
	u32 n, cap;
	u32 *v;
};

static int vec_push(struct vec *v, u32 x)
{
	if (v->n == v->cap) {
		u32 cap = v->cap ? v->cap * 2 : 16;
		u32 *nv = sc_alloc(v->env, cap * sizeof(u32));

		if (!nv)
			return -ENOMEM;
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(u32));
		sc_free(v->env, v->v, v->cap * sizeof(u32));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return 0;
}

static void vec_free(struct vec *v)
{
	sc_free(v->env, v->v, v->cap * sizeof(u32));
	v->v = NULL;
	v->n = 0;
	v->cap = 0;
}

/* One partition being built. */
struct bpart {
	u32 set;		/* SET partitions */
	struct strata_prefix net; /* NET partitions */
	struct vec rules;
};

struct builder {
	struct sc_env *env;
	struct sc_prog *p;
	const struct sc_objmap *ipsets;
	u32 nbp, bpcap;
	struct bpart *bp;	/* [0] is NOADDR */
	struct vec resid;
	/* result interning */
	struct vec pool;
	u32 imask;
	u32 *itab;		/* pool offset + 1, 0 empty */
	/* sweep scratch */
	u32 nwords;
	u64 *term, *log;
	struct vec tmp;
};

static u8 set_family(const struct builder *b, u32 id)
{
	const struct sc_objent *e = sc_objmap_get(b->ipsets, id);

	return e ? ((const struct sc_ipset *)e->obj)->family : 0;
}

/*
 * Family-filter one list into the program arena. Returns the new count;
 * *out points at the rule's own array when nothing was removed.
 */
static int filter_prefixes(struct builder *b, const struct strata_prefix *in,
			   u32 n, const struct strata_prefix **out)
{
	u32 i, k = 0;
	struct strata_prefix *o;

	for (i = 0; i < n; i++)
		k += in[i].family == b->p->family;
	*out = in;
	if (k == n || !k)
		return (int)k;
	o = sc_arena_alloc(&b->p->arena, k * sizeof(*o));
	if (!o)
		return -ENOMEM;
	for (i = 0, k = 0; i < n; i++)
		if (in[i].family == b->p->family)
			o[k++] = in[i];
	*out = o;
	return (int)k;
}

static int filter_sets(struct builder *b, const u32 *in, u32 n,
		       const u32 **out)
{
	u32 i, k = 0;
	u32 *o;

	for (i = 0; i < n; i++)
		k += set_family(b, in[i]) == b->p->family;
	*out = in;
	if (k == n || !k)
		return (int)k;
	o = sc_arena_alloc(&b->p->arena, k * sizeof(*o));
	if (!o)
		return -ENOMEM;
	for (i = 0, k = 0; i < n; i++)
		if (set_family(b, in[i]) == b->p->family)
			o[k++] = in[i];
	*out = o;
	return (int)k;
}

/* 1: the rule applies in this family (filled in @c); 0: it does not. */
static int filter_rule(struct builder *b, const struct sc_rule *r,
		       struct sc_crule *c)
{
	u8 fam = b->p->family;
	int i, n;

	if (r->ip_version && r->ip_version != fam)
		return 0;
	if ((r->present & STRATA_IMG_RULE_F_PROTO) &&
	    ((r->proto == 1 && fam == STRATA_FAMILY_IPV6) ||
	     (r->proto == 58 && fam == STRATA_FAMILY_IPV4)))
		return 0;
	for (i = 0; i < 2; i++) {
		const struct sc_ent *e = i ? &r->dst : &r->src;
		struct sc_side *s = &c->side[i];

		n = filter_prefixes(b, e->nets, e->n_nets, &s->nets);
		if (n < 0)
			return n;
		if (e->n_nets && !n)
			return 0;	/* no network of this family */
		s->n_nets = n;
		n = filter_prefixes(b, e->not_nets, e->n_not_nets,
				    &s->not_nets);
		if (n < 0)
			return n;
		s->n_not_nets = n;
		n = filter_sets(b, e->sets, e->n_sets, &s->sets);
		if (n < 0)
			return n;
		if (e->n_sets && !n)
			return 0;	/* no set of this family */
		s->n_sets = n;
		n = filter_sets(b, e->not_sets, e->n_not_sets, &s->not_sets);
		if (n < 0)
			return n;
		s->n_not_sets = n;
		n = filter_sets(b, e->psets, e->n_psets, &s->psets);
		if (n < 0)
			return n;
		if (e->n_psets && !n && !e->n_ports)
			return 0;	/* only named ports, none here */
		s->n_psets = n;
		n = filter_sets(b, e->not_psets, e->n_not_psets,
				&s->not_psets);
		if (n < 0)
			return n;
		s->n_not_psets = n;
		s->ports = e->ports;
		s->n_ports = e->n_ports;
		s->not_ports = e->not_ports;
		s->n_not_ports = e->n_not_ports;
	}
	return 1;
}

static struct bpart *bpart_new(struct builder *b)
{
	struct bpart *p;

	if (b->nbp == b->bpcap) {
		u32 cap = b->bpcap ? b->bpcap * 2 : 16;
		struct bpart *n = sc_alloc(b->env, cap * sizeof(*n));

		if (!n)
			return NULL;
		if (b->nbp)
			memcpy(n, b->bp, b->nbp * sizeof(*n));
		sc_free(b->env, b->bp, b->bpcap * sizeof(*b->bp));
		b->bp = n;
		b->bpcap = cap;
	}
	p = &b->bp[b->nbp++];
	memset(p, 0, sizeof(*p));
	p->rules.env = b->env;
	return p;
}

/*
 * Partitions are found by linear search while building; compile time is
 * not the packet path, and programs reuse across endpoints. A hash would
 * matter only for thousands of distinct sets in one program.
 */
static struct bpart *bpart_set(struct builder *b, u32 set)
{
	struct bpart *p;
	u32 i;

	for (i = 1; i < b->nbp; i++)
		if (b->bp[i].set == set)
			return &b->bp[i];
	p = bpart_new(b);
	if (p)
		p->set = set;
	return p;
}

static struct bpart *bpart_net(struct builder *b,
			       const struct strata_prefix *net)
{
	struct bpart *p;
	u32 i;

	for (i = 1; i < b->nbp; i++)
		if (!b->bp[i].set && b->bp[i].net.prefix_len == net->prefix_len &&
		    !memcmp(b->bp[i].net.addr, net->addr, 16))
			return &b->bp[i];
	p = bpart_new(b);
	if (p)
		p->net = *net;
	return p;
}

static bool side_has_addr(const struct sc_side *s)
{
	return s->n_nets || s->n_not_nets || s->n_sets || s->n_not_sets;
}

/* Put flat rule @i into its partition(s) or the residual list. */
static int place_rule(struct builder *b, u32 i)
{
	const struct sc_prule *pr = &b->p->rules[i];
	const struct sc_crule *c = &b->p->crules[i];
	const struct sc_side *rem, *loc, *src = &c->side[0], *dst = &c->side[1];
	struct bpart *bp;
	u32 j, k;

	if (pr->origin != SC_ORIG_RULE)
		return vec_push(&b->bp[0].rules, i);
	rem = &c->side[b->p->remote];
	loc = &c->side[!b->p->remote];
	if (side_has_addr(loc) || src->n_ports || src->n_not_ports ||
	    src->n_psets || src->n_not_psets || dst->n_psets ||
	    dst->n_not_psets || rem->n_not_nets || rem->n_not_sets ||
	    rem->n_sets > 1 || (rem->n_sets && rem->n_nets))
		return vec_push(&b->resid, i);
	if (rem->n_sets == 1) {
		bp = bpart_set(b, rem->sets[0]);
		return bp ? vec_push(&bp->rules, i) : -ENOMEM;
	}
	if (!rem->n_nets)
		return vec_push(&b->bp[0].rules, i);
	for (j = 0; j < rem->n_nets; j++) {
		/* a network listed twice in one rule: index it once */
		for (k = 0; k < j; k++)
			if (rem->nets[k].prefix_len == rem->nets[j].prefix_len &&
			    !memcmp(rem->nets[k].addr, rem->nets[j].addr, 16))
				break;
		if (k < j)
			continue;
		bp = bpart_net(b, &rem->nets[j]);
		if (!bp || vec_push(&bp->rules, i))
			return -ENOMEM;
	}
	return 0;
}

/* Does flat rule @i's protocol predicate admit table protocol @tp? */
static bool rule_admits(const struct sc_prule *pr, u16 tp)
{
	const struct sc_rule *r = pr->src;

	if (pr->origin != SC_ORIG_RULE)
		return true;
	if (r->present & STRATA_IMG_RULE_F_PROTO) {
		if (tp == SC_PROTO_DEFAULT || r->proto != tp)
			return false;
	}
	if ((r->present & STRATA_IMG_RULE_F_NOT_PROTO) && r->not_proto == tp)
		return false;
	return true;
}

/*
 * The key intervals on which rule @i matches in table @tp, as sorted
 * disjoint [lo, hi] pairs appended to @out (lo in even, hi in odd slots).
 */
static int rule_intervals(struct builder *b, u32 i, u16 tp, struct vec *out)
{
	const struct sc_prule *pr = &b->p->rules[i];
	const struct sc_rule *r = pr->src;
	const struct sc_side *d;
	u32 start = out->n, j, k, n;
	u32 pos[2];

	if (pr->origin != SC_ORIG_RULE || !(port_proto(tp) || icmp_proto(tp))) {
		if (vec_push(out, 0) || vec_push(out, 0xffff))
			return -ENOMEM;
		return 0;
	}
	d = &b->p->crules[i].side[1];
	/* positive part */
	if (port_proto(tp) && d->n_ports) {
		for (j = 0; j < d->n_ports; j++)
			if (vec_push(out, d->ports[j].lo) ||
			    vec_push(out, d->ports[j].hi))
				return -ENOMEM;
	} else if (icmp_proto(tp) &&
		   (r->present & STRATA_IMG_RULE_F_ICMP_TYPE)) {
		u32 t = (u32)r->icmp_type << 8;
		bool code = r->present & STRATA_IMG_RULE_F_ICMP_CODE;

		if (vec_push(out, t | (code ? r->icmp_code : 0)) ||
		    vec_push(out, t | (code ? r->icmp_code : 0xff)))
			return -ENOMEM;
	} else if (vec_push(out, 0) || vec_push(out, 0xffff)) {
		return -ENOMEM;
	}
	/* normalise: sort pairs by lo, merge overlaps */
	n = (out->n - start) / 2;
	for (j = 1; j < n; j++) {
		u32 lo = out->v[start + 2 * j], hi = out->v[start + 2 * j + 1];

		for (k = j; k > 0 && out->v[start + 2 * (k - 1)] > lo; k--) {
			out->v[start + 2 * k] = out->v[start + 2 * (k - 1)];
			out->v[start + 2 * k + 1] =
				out->v[start + 2 * (k - 1) + 1];
		}
		out->v[start + 2 * k] = lo;
		out->v[start + 2 * k + 1] = hi;
	}
	for (j = 1, k = 0; j < n; j++) {
		u32 *cur = &out->v[start + 2 * k];
		u32 lo = out->v[start + 2 * j], hi = out->v[start + 2 * j + 1];

		if (lo <= cur[1] + 1) {
			if (hi > cur[1])
				cur[1] = hi;
		} else {
			k++;
			out->v[start + 2 * k] = lo;
			out->v[start + 2 * k + 1] = hi;
		}
	}
	out->n = start + 2 * (n ? k + 1 : 0);
	/* negative part: subtract each excluded range */
	for (j = 0; ; j++) {
		u32 lo, hi, m, w;

		if (port_proto(tp)) {
			if (j >= d->n_not_ports)
				break;
			lo = d->not_ports[j].lo;
			hi = d->not_ports[j].hi;
		} else {
			u32 t;
			bool code;

			if (j > 0 || !(r->present &
				       STRATA_IMG_RULE_F_NOT_ICMP_TYPE))
				break;
			t = (u32)r->not_icmp_type << 8;
			code = r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE;
			lo = t | (code ? r->not_icmp_code : 0);
			hi = t | (code ? r->not_icmp_code : 0xff);
		}
		n = (out->n - start) / 2;
		pos[0] = out->n;
		for (m = 0; m < n; m++) {
			u32 a = out->v[start + 2 * m], z = out->v[start + 2 * m + 1];

			if (z < lo || a > hi) {
				if (vec_push(out, a) || vec_push(out, z))
					return -ENOMEM;
				continue;
			}
			if (a < lo && (vec_push(out, a) || vec_push(out, lo - 1)))
				return -ENOMEM;
			if (z > hi && (vec_push(out, hi + 1) || vec_push(out, z)))
				return -ENOMEM;
		}
		/* move the result down over the old list */
		pos[1] = out->n;
		for (w = 0; w < pos[1] - pos[0]; w++)
			out->v[start + w] = out->v[pos[0] + w];
		out->n = start + (pos[1] - pos[0]);
	}
	return 0;
}

static u32 result_hash(const u32 *v, u32 n)
{
	return sc_hash_ids(v, n);
}

/*
 * A result in the pool: [n_log, first terminal rule of each segment (or
 * the program's rule count: none)..., log rules ascending...]. Every
 * result of a program has its n_segs terminal slots, so a segment's
 * candidates are one load per partition hit.
 */
#define R_NLOG(r)	((r)[0])
#define R_TERM(r, s)	((r)[1 + (s)])
#define R_LOGS(p, r)	((r) + 1 + (p)->n_segs)

static inline u32 result_len(const struct sc_prog *p, const u32 *r)
{
	return 1 + p->n_segs + R_NLOG(r);
}

static int intern_grow(struct builder *b)
{
	u32 mask = b->imask ? b->imask * 2 + 1 : 255, i;
	u32 *t = sc_alloc(b->env, (mask + 1) * sizeof(u32));

	if (!t)
		return -ENOMEM;
	for (i = 0; b->itab && i <= b->imask; i++) {
		u32 off, n, h, j;

		if (!b->itab[i])
			continue;
		off = b->itab[i] - 1;
		n = result_len(b->p, &b->pool.v[off]);
		h = result_hash(&b->pool.v[off], n);
		for (j = h & mask; t[j]; j = (j + 1) & mask)
			;
		t[j] = off + 1;
	}
	sc_free(b->env, b->itab, b->itab ? (b->imask + 1) * sizeof(u32) : 0);
	b->itab = t;
	b->imask = mask;
	return 0;
}

/* Intern the result in b->tmp; return its pool offset (or -ENOMEM). */
static s64 intern_result(struct builder *b)
{
	u32 n = b->tmp.n, h = result_hash(b->tmp.v, n), i, off;

	if (!b->itab || b->pool.n / 4 > b->imask)
		if (intern_grow(b))
			return -ENOMEM;
	for (i = h & b->imask; b->itab[i]; i = (i + 1) & b->imask) {
		off = b->itab[i] - 1;
		if (result_len(b->p, &b->pool.v[off]) == n &&
		    !memcmp(&b->pool.v[off], b->tmp.v, n * sizeof(u32)))
			return off;
	}
	off = b->pool.n;
	for (i = 0; i < n; i++)
		if (vec_push(&b->pool, b->tmp.v[i]))
			return -ENOMEM;
	for (i = h & b->imask; b->itab[i]; i = (i + 1) & b->imask)
		;
	b->itab[i] = off + 1;
	return off;
}

/* The result for the current active sets: first terminal per segment, logs. */
static s64 make_result(struct builder *b)
{
	const struct sc_prule *rules = b->p->rules;
	u32 w, s, nlog = 0;

	b->tmp.n = 0;
	if (vec_push(&b->tmp, 0))
		return -ENOMEM;
	for (s = 0; s < b->p->n_segs; s++)
		if (vec_push(&b->tmp, b->p->n_rules))
			return -ENOMEM;
	for (w = 0; w < b->nwords; w++) {
		u64 bits = b->term[w];

		while (bits) {
			u32 i = w * 64 + (u32)__builtin_ctzll(bits);
			u32 *slot = &b->tmp.v[1 + rules[i].seg];

			bits &= bits - 1;
			if (i < *slot)
				*slot = i;
		}
	}
	for (w = 0; w < b->nwords; w++) {
		u64 bits = b->log[w];

		while (bits) {
			u32 i = w * 64 + (u32)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (vec_push(&b->tmp, i))
				return -ENOMEM;
			nlog++;
		}
	}
	b->tmp.v[0] = nlog;
	return intern_result(b);
}

static void bit_flip(struct builder *b, u32 i)
{
	u64 *m = b->p->rules[i].action == STRATA_ACT_LOG ? b->log : b->term;

	m[i / 64] ^= 1ULL << (i % 64);
}

/* Build the interval table for protocol @tp over partition rules @rl. */
static int build_table(struct builder *b, const struct vec *rl, u16 tp,
		       struct sc_itab *t)
{
	struct vec iv = { .env = b->env }, ev = { .env = b->env };
	struct vec lo = { .env = b->env }, res = { .env = b->env };
	u32 i, j, e, nev;
	int ret = -ENOMEM;
	s64 prev = -1;

	/* events: (key << 32 | rule << 1 | 0) for both ends of each range */
	for (i = 0; i < rl->n; i++) {
		u32 r = rl->v[i];

		if (!rule_admits(&b->p->rules[r], tp))
			continue;
		iv.n = 0;
		if (rule_intervals(b, r, tp, &iv))
			goto out;
		for (j = 0; j < iv.n; j += 2) {
			if (vec_push(&ev, iv.v[j]) || vec_push(&ev, r))
				goto out;
			if (iv.v[j + 1] < 0xffff &&
			    (vec_push(&ev, iv.v[j + 1] + 1) || vec_push(&ev, r)))
				goto out;
		}
	}
	/* sort event pairs by key (insertion sort on runs is too slow here) */
	nev = ev.n / 2;
	{
		u64 *k = sc_alloc(b->env, (nev ? nev : 1) * sizeof(u64));

		if (!k)
			goto out;
		for (e = 0; e < nev; e++)
			k[e] = ((u64)ev.v[2 * e] << 32) | ev.v[2 * e + 1];
		sc_sort_u64(k, nev);
		for (e = 0; e < nev; e++) {
			ev.v[2 * e] = (u32)(k[e] >> 32);
			ev.v[2 * e + 1] = (u32)k[e];
		}
		sc_free(b->env, k, (nev ? nev : 1) * sizeof(u64));
	}
	memset(b->term, 0, b->nwords * sizeof(u64));
	memset(b->log, 0, b->nwords * sizeof(u64));
	e = 0;
	for (;;) {
		u32 key = e < nev ? ev.v[2 * e] : 0x10000;
		s64 off;

		/* first boundary is 0 even with no event there */
		if (lo.n == 0 && key > 0)
			key = 0;
		while (e < nev && ev.v[2 * e] == key) {
			bit_flip(b, ev.v[2 * e + 1]);
			e++;
		}
		off = make_result(b);
		if (off < 0)
			goto out;
		if (off != prev) {
			if (vec_push(&lo, key) || vec_push(&res, (u32)off))
				goto out;
			prev = off;
		}
		if (e >= nev)
			break;
	}
	t->proto = tp;
	t->n = lo.n;
	t->lo = sc_arena_alloc(&b->p->arena, lo.n * sizeof(u16));
	t->res = sc_arena_dup(&b->p->arena, res.v, res.n * sizeof(u32));
	if (!t->lo || !t->res)
		goto out;
	for (i = 0; i < lo.n; i++)
		t->lo[i] = (u16)lo.v[i];
	if (lo.n > SC_RADIX_MIN) {
		/*
		 * radix[b]: the interval holding key b << rshift; radix[b + 1]
		 * bounds the search (the interval holding the bucket's last
		 * key is at most that).
		 */
		u32 nb = lo.n > SC_RADIX_BIG ? 4096 : 256;

		t->rshift = lo.n > SC_RADIX_BIG ? 4 : 8;
		t->radix = sc_arena_alloc(&b->p->arena,
					  (nb + 1) * sizeof(u16));
		if (!t->radix)
			goto out;
		for (i = 0, j = 0; i < nb; i++) {
			while (j + 1 < lo.n && lo.v[j + 1] <= (i << t->rshift))
				j++;
			t->radix[i] = (u16)j;
		}
		t->radix[nb] = (u16)(lo.n - 1);
	}
	ret = 0;
out:
	vec_free(&iv);
	vec_free(&ev);
	vec_free(&lo);
	vec_free(&res);
	return ret;
}

static int build_part(struct builder *b, const struct vec *rl,
		      struct sc_part *part)
{
	u32 protos[257], np = 0, i, j;
	bool seen[256] = { false };
	int ret;

	for (i = 0; i < rl->n; i++) {
		const struct sc_prule *pr = &b->p->rules[rl->v[i]];
		const struct sc_rule *r = pr->src;

		if (pr->origin != SC_ORIG_RULE)
			continue;
		if ((r->present & STRATA_IMG_RULE_F_PROTO) && !seen[r->proto])
			seen[r->proto] = true;
		if ((r->present & STRATA_IMG_RULE_F_NOT_PROTO) &&
		    !seen[r->not_proto])
			seen[r->not_proto] = true;
	}
	for (i = 0; i < 256; i++)
		if (seen[i])
			protos[np++] = i;
	protos[np++] = SC_PROTO_DEFAULT;
	part->tabs = sc_arena_alloc(&b->p->arena, np * sizeof(*part->tabs));
	if (!part->tabs)
		return -ENOMEM;
	part->ntabs = np;
	for (j = 0; j < np; j++) {
		ret = build_table(b, rl, (u16)protos[j], &part->tabs[j]);
		if (ret)
			return ret;
	}
	for (i = 0; i < 4; i++) {
		static const u8 common[4] = { 6, 17, 1, 58 };

		part->common[i] = (u16)(np - 1);
		for (j = 0; j + 1 < np; j++)
			if (protos[j] == common[i])
				part->common[i] = (u16)j;
	}
	return 0;
}

static u32 net_hash(u8 plen, const u8 *addr)
{
	return sc_hash_bytes(addr, 16, plen);
}

static void mask16(u8 *out, const u8 *addr, u8 plen)
{
	u8 full = plen / 8, rest = plen % 8;

	memset(out, 0, 16);
	memcpy(out, addr, full);
	if (rest)
		out[full] = addr[full] & (u8)(0xff00 >> rest);
}

/* Lay out the partition lookup tables from the built partitions. */
static int index_parts(struct builder *b)
{
	struct sc_prog *p = b->p;
	u32 nset = 0, nnet = 0, i, size;
	bool plen_seen[129] = { false };

	p->n_parts = b->nbp - 1;
	p->parts = p->n_parts ? sc_arena_alloc(&p->arena,
					       p->n_parts * sizeof(*p->parts))
			      : NULL;
	if (p->n_parts && !p->parts)
		return -ENOMEM;
	for (i = 1; i < b->nbp; i++) {
		if (b->bp[i].set)
			nset++;
		else
			nnet++;
	}
	p->n_setparts = nset;
	for (size = 4; size < 2 * nset; size *= 2)
		;
	p->set_mask = size - 1;
	p->set_tab = sc_arena_alloc(&p->arena, size * sizeof(*p->set_tab));
	for (size = 4; size < 2 * nnet; size *= 2)
		;
	p->net_mask = size - 1;
	p->net_tab = sc_arena_alloc(&p->arena, size * sizeof(*p->net_tab));
	if (!p->set_tab || !p->net_tab)
		return -ENOMEM;
	for (i = 1; i < b->nbp; i++) {
		const struct bpart *bp = &b->bp[i];
		u32 h;

		if (bp->set) {
			for (h = bp->set * 0x9e3779b1u; p->set_tab[h & p->set_mask].set;
			     h++)
				;
			p->set_tab[h & p->set_mask].set = bp->set;
			p->set_tab[h & p->set_mask].part = i - 1;
			continue;
		}
		h = net_hash(bp->net.prefix_len, bp->net.addr);
		while (p->net_tab[h & p->net_mask].used)
			h++;
		p->net_tab[h & p->net_mask].used = 1;
		p->net_tab[h & p->net_mask].plen = bp->net.prefix_len;
		memcpy(p->net_tab[h & p->net_mask].addr, bp->net.addr, 16);
		p->net_tab[h & p->net_mask].part = i - 1;
		plen_seen[bp->net.prefix_len] = true;
	}
	for (i = 129; i-- > 0;)
		if (plen_seen[i])
			p->plens[p->n_plens++] = (u8)i;
	return 0;
}

static void builder_free(struct builder *b)
{
	u32 i;

	for (i = 0; i < b->nbp; i++)
		vec_free(&b->bp[i].rules);
	sc_free(b->env, b->bp, b->bpcap * sizeof(*b->bp));
	vec_free(&b->resid);
	vec_free(&b->pool);
	vec_free(&b->tmp);
	sc_free(b->env, b->itab, b->itab ? (b->imask + 1) * sizeof(u32) : 0);
	sc_free(b->env, b->term, b->nwords * sizeof(u64));
	sc_free(b->env, b->log, b->nwords * sizeof(u64));
}

static const struct sc_policy *get_policy(const struct sc_objmap *m, u32 id)
{
	return sc_objmap_get(m, id)->obj;
}

static struct sc_prog *compile(struct sc_env *env, const struct sc_endpoint *ep,
			       const struct sc_prog_in *in,
			       const struct sc_objmap *tiers,
			       const struct sc_objmap *policies,
			       const struct sc_objmap *ipsets,
			       struct sc_err *err)
{
	const struct sc_eplist *l = &ep->lists[in->list];
	struct builder b = { .env = env, .ipsets = ipsets };
	u32 n = 1, segs = 1, i, j, r, idx = 0, seg = 0;
	struct sc_arena a;
	struct sc_prog *p;
	u8 dir;

	sc_arena_init(&a, env);
	p = sc_arena_alloc(&a, sizeof(*p));
	if (!p)
		goto nomem;
	p->arena = a;
	b.p = p;
	b.resid.env = env;
	b.pool.env = env;
	b.tmp.env = env;
	p->family = in->family;
	p->list = in->list;
	p->remote = is_ingress(in->list) ? 0 : 1;
	dir = is_ingress(in->list) ? SC_INGRESS : SC_EGRESS;

	for (i = 0; i < l->n; i++) {
		segs++;
		n++;
		for (j = 0; j < l->refs[i].n_policies; j++)
			n += get_policy(policies,
					l->refs[i].policies[j])->n_rules[dir];
	}
	if (in->profiles)
		for (i = 0; i < ep->n_profiles; i++) {
			segs++;
			n += 1 + get_policy(policies,
					    ep->profiles[i])->n_rules[dir];
		}
	p->rules = sc_arena_alloc(&p->arena, n * sizeof(*p->rules));
	p->crules = sc_arena_alloc(&p->arena, n * sizeof(*p->crules));
	p->seg_start = sc_arena_alloc(&p->arena, (segs + 1) * sizeof(u32));
	if (!p->rules || !p->crules || !p->seg_start)
		goto nomem;

#define EMIT(act, orig, pol, ri, t, s)					\
	do {								\
		struct sc_prule *__r = &p->rules[idx++];		\
		__r->action = (act);					\
		__r->origin = (orig);					\
		__r->seg = (u16)seg;					\
		__r->rule = (ri);					\
		__r->policy = (pol);					\
		__r->tier = (t);					\
		__r->src = (s);						\
		p->n_rules = idx;					\
	} while (0)

	for (i = 0; i < l->n; i++, seg++) {
		const struct sc_tier *t = sc_objmap_get(tiers,
							l->refs[i].tier)->obj;

		p->seg_start[seg] = idx;
		for (j = 0; j < l->refs[i].n_policies; j++) {
			struct sc_policy *pol = (struct sc_policy *)
				get_policy(policies, l->refs[i].policies[j]);

			for (r = 0; r < pol->n_rules[dir]; r++) {
				int ok = filter_rule(&b, &pol->rules[dir][r],
						     &p->crules[idx]);

				if (ok < 0)
					goto nomem;
				if (!ok)
					continue;
				pol->refs++;
				EMIT(pol->rules[dir][r].action, SC_ORIG_RULE,
				     pol, r, t, &pol->rules[dir][r]);
			}
		}
		((struct sc_tier *)t)->refs++;
		EMIT(in->force_pass ? STRATA_ACT_PASS : t->default_action,
		     SC_ORIG_TIER_END, NULL, 0, t, NULL);
	}
	if (in->profiles)
		for (i = 0; i < ep->n_profiles; i++, seg++) {
			struct sc_policy *pol = (struct sc_policy *)
				get_policy(policies, ep->profiles[i]);

			p->seg_start[seg] = idx;
			for (r = 0; r < pol->n_rules[dir]; r++) {
				int ok = filter_rule(&b, &pol->rules[dir][r],
						     &p->crules[idx]);

				if (ok < 0)
					goto nomem;
				if (!ok)
					continue;
				pol->refs++;
				EMIT(pol->rules[dir][r].action, SC_ORIG_RULE,
				     pol, r, NULL, &pol->rules[dir][r]);
			}
			pol->refs++;
			EMIT(STRATA_ACT_PASS, SC_ORIG_PROFILE_END, pol, 0, NULL,
			     NULL);
		}
	p->seg_start[seg] = idx;
	EMIT(in->final, SC_ORIG_NO_MATCH, NULL, 0, NULL, NULL);
	seg++;
	p->seg_start[seg] = idx;
	p->n_segs = seg;
	p->n_rules = idx;
#undef EMIT
	p->rseg = sc_arena_alloc(&p->arena, p->n_rules * sizeof(u16));
	if (!p->rseg)
		goto nomem;
	for (i = 0; i < p->n_rules; i++) {
		p->rules[i].next = p->seg_start[p->rules[i].seg + 1];
		p->rseg[i] = p->rules[i].seg;
	}

	/* partitions */
	if (!bpart_new(&b))
		goto nomem;
	for (i = 0; i < p->n_rules; i++)
		if (place_rule(&b, i))
			goto nomem;
	b.nwords = (p->n_rules + 63) / 64;
	b.term = sc_alloc(env, b.nwords * sizeof(u64));
	b.log = sc_alloc(env, b.nwords * sizeof(u64));
	if (!b.term || !b.log)
		goto nomem;
	if (build_part(&b, &b.bp[0].rules, &p->noaddr))
		goto nomem;
	if (index_parts(&b))
		goto nomem;
	for (i = 1; i < b.nbp; i++)
		if (build_part(&b, &b.bp[i].rules, &p->parts[i - 1]))
			goto nomem;
	p->n_resid = b.resid.n;
	p->resid = b.resid.n ? sc_arena_dup(&p->arena, b.resid.v,
					    b.resid.n * sizeof(u32)) : NULL;
	p->pool_n = b.pool.n;
	p->pool = sc_arena_dup(&p->arena, b.pool.v, b.pool.n * sizeof(u32));
	if ((b.resid.n && !p->resid) || !p->pool)
		goto nomem;
	builder_free(&b);
	return p;
nomem:
	builder_free(&b);
	if (p)
		prog_free(p);
	else
		sc_arena_release(&a);
	sc_errf(err, -ENOMEM, "out of memory compiling a program",
		SC_OBJ_ENDPOINT, ep->id, in->list);
	return NULL;
}

/* ---- evaluating ----------------------------------------------------- */

void sc_pview_init(struct sc_pview *v, const struct sc_pkt *pkt,
		   const struct sc_aidx *aidx, u8 slot)
{
	v->pkt = pkt;
	v->aidx = aidx;
	v->slot = slot;
	v->resolved = 0;
}

/* Resolve side @s (0: source, 1: destination) to its address classes. */
static void resolve(struct sc_pview *v, u8 s)
{
	if (v->resolved & (1u << s))
		return;
	sc_aidx_lookup(v->aidx, v->slot, v->pkt->family,
		       s ? v->pkt->daddr : v->pkt->saddr, &v->cls[s][0],
		       &v->cls[s][1]);
	v->resolved |= 1u << s;
}

static bool in_set(struct sc_pview *v, u8 s, u32 set)
{
	resolve(v, s);
	return sc_class_has(v->cls[s][0], set) ||
	       sc_class_has(v->cls[s][1], set);
}

static bool in_nets(const struct strata_prefix *nets, u32 n, u8 family,
		    const u8 *addr)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (sc_prefix_contains(&nets[i], family, addr))
			return true;
	return false;
}

static bool in_ports(const struct strata_port_range *r, u32 n, u16 port)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}

static bool side_match(struct sc_pview *v, const struct sc_rule *r,
		       const struct sc_side *sd, u8 s)
{
	const struct sc_pkt *pkt = v->pkt;
	const u8 *addr = s ? pkt->daddr : pkt->saddr;
	/* without transport header information, ports read as 0 */
	u16 port = (pkt->flags & SC_PKT_L4) ? (s ? pkt->dport : pkt->sport) : 0;
	u32 i;

	if (sd->n_nets && !in_nets(sd->nets, sd->n_nets, pkt->family, addr))
		return false;
	if (in_nets(sd->not_nets, sd->n_not_nets, pkt->family, addr))
		return false;
	for (i = 0; i < sd->n_sets; i++)
		if (!in_set(v, s, sd->sets[i]))
			return false;
	for (i = 0; i < sd->n_not_sets; i++)
		if (in_set(v, s, sd->not_sets[i]))
			return false;
	if (sd->n_ports || sd->n_psets) {
		bool hit = in_ports(sd->ports, sd->n_ports, port);

		for (i = 0; !hit && i < sd->n_psets; i++)
			hit = sc_aidx_port_member(v->aidx, v->slot,
						  sd->psets[i], pkt->family,
						  addr, pkt->proto, port);
		if (!hit)
			return false;
	}
	if (sd->n_not_ports || sd->n_not_psets) {
		if (in_ports(sd->not_ports, sd->n_not_ports, port))
			return false;
		for (i = 0; i < sd->n_not_psets; i++)
			if (sc_aidx_port_member(v->aidx, v->slot,
						sd->not_psets[i], pkt->family,
						addr, pkt->proto, port))
				return false;
	}
	(void)r;
	return true;
}

/* The whole of one rule, for residual rules (and nothing else). */
static bool rule_match(const struct sc_prog *p, u32 i, struct sc_pview *v)
{
	const struct sc_rule *r = p->rules[i].src;
	const struct sc_pkt *pkt = v->pkt;
	bool l4 = pkt->flags & SC_PKT_L4;
	u8 type = l4 ? pkt->icmp_type : 0, code = l4 ? pkt->icmp_code : 0;

	if (!r)
		return true;	/* synthetic: matches everything */
	if ((r->present & STRATA_IMG_RULE_F_PROTO) && r->proto != pkt->proto)
		return false;
	if ((r->present & STRATA_IMG_RULE_F_NOT_PROTO) &&
	    r->not_proto == pkt->proto)
		return false;
	/* ICMP matches need protocol ICMP(v6): the rule's proto check did it */
	if (r->present & STRATA_IMG_RULE_F_ICMP_TYPE) {
		if (type != r->icmp_type)
			return false;
		if ((r->present & STRATA_IMG_RULE_F_ICMP_CODE) &&
		    code != r->icmp_code)
			return false;
	}
	if ((r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE) &&
	    type == r->not_icmp_type &&
	    (!(r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE) ||
	     code == r->not_icmp_code))
		return false;
	return side_match(v, r, &p->crules[i].side[0], 0) &&
	       side_match(v, r, &p->crules[i].side[1], 1);
}

/* The result list of partition @part for protocol @proto and key @key. */
static inline const u32 *part_result(const struct sc_prog *p,
				     const struct sc_part *part, u8 proto,
				     u32 key)
{
	const struct sc_itab *t;
	const u16 *base;
	u32 i, n;

	switch (proto) {
	case 6:
		t = &part->tabs[part->common[0]];
		break;
	case 17:
		t = &part->tabs[part->common[1]];
		break;
	case 1:
		t = &part->tabs[part->common[2]];
		break;
	case 58:
		t = &part->tabs[part->common[3]];
		break;
	default:
		t = &part->tabs[part->ntabs - 1];
		for (i = 0; i + 1 < part->ntabs; i++)
			if (part->tabs[i].proto == proto) {
				t = &part->tabs[i];
				break;
			}
	}
	/* the last interval starting at or below key (branch-free) */
	if (t->radix) {
		u32 hb = key >> t->rshift;

		base = t->lo + t->radix[hb];
		n = t->radix[hb + 1] - t->radix[hb] + 1;
	} else {
		base = t->lo;
		n = t->n;
	}
	for (; n > 1; n -= n / 2)
		base = base[n / 2] <= key ? base + n / 2 : base;
	return &p->pool[t->res[base - t->lo]];
}

static u32 l4_key(const struct sc_pkt *pkt)
{
	if (!(pkt->flags & SC_PKT_L4))
		return 0;
	if (port_proto(pkt->proto))
		return pkt->dport;
	if (icmp_proto(pkt->proto))
		return ((u32)pkt->icmp_type << 8) | pkt->icmp_code;
	return 0;
}

/* Gather the result lists of every partition the packet hits. */
static u32 gather(const struct sc_prog *p, struct sc_pview *v,
		  const u32 **hits, u32 *anylog)
{
	const struct sc_pkt *pkt = v->pkt;
	u8 s = p->remote, c, i, proto = pkt->proto;
	u32 n = 0, j, key = l4_key(pkt), logs;

	hits[n++] = part_result(p, &p->noaddr, proto, key);
	logs = R_NLOG(hits[0]);
	if (!p->n_parts)
		goto out;
	if (p->n_setparts) {
		resolve(v, s);
		for (c = 0; c < 2; c++) {
			const struct sc_class *cl = v->cls[s][c];

			for (j = 0; cl && j < cl->n; j++) {
				u32 id = cl->ids[j], h = id * 0x9e3779b1u;

				for (;; h++) {
					const struct sc_setslot *ss =
						&p->set_tab[h & p->set_mask];

					if (!ss->set)
						break;
					if (ss->set != id)
						continue;
					if (n == SC_MAX_HITS)
						return SC_MAX_HITS + 1;
					hits[n] = part_result(p,
							      &p->parts[ss->part],
							      proto, key);
					logs |= R_NLOG(hits[n++]);
					break;
				}
			}
		}
	}
	for (i = 0; i < p->n_plens; i++) {
		u8 m[16], plen = p->plens[i];
		u32 h;

		mask16(m, s ? pkt->daddr : pkt->saddr, plen);
		for (h = net_hash(plen, m);; h++) {
			const struct sc_netslot *ns = &p->net_tab[h & p->net_mask];

			if (!ns->used)
				break;
			if (ns->plen != plen || memcmp(ns->addr, m, 16))
				continue;
			if (n == SC_MAX_HITS)
				return SC_MAX_HITS + 1;
			hits[n] = part_result(p, &p->parts[ns->part], proto,
					      key);
			logs |= R_NLOG(hits[n++]);
			break;
		}
	}
out:
	*anylog = logs;
	return n;
}

static void add_log(struct sc_eval *out, u32 i)
{
	if (out->n_logs < SC_MAX_LOGS)
		out->logs[out->n_logs++] = i;
	else
		out->logs_dropped++;
}

/**
 * sc_prog_eval_linear() - evaluate rule by rule, in order
 * @p: the program
 * @v: the packet
 * @out: as sc_prog_eval()
 *
 * The fallback when a packet hits more partitions than the fast path keeps
 * track of, and the baseline the benchmarks compare with: same answer,
 * cost linear in the rules before the decision.
 */
void sc_prog_eval_linear(const struct sc_prog *p, struct sc_pview *v,
			 struct sc_eval *out)
{
	u32 i = 0;

	out->n_passes = 0;
	out->n_logs = 0;
	out->logs_dropped = 0;

	while (i < p->n_rules) {
		const struct sc_prule *r = &p->rules[i];

		if (!rule_match(p, i, v)) {
			i++;
			continue;
		}
		if (r->action == STRATA_ACT_LOG) {
			add_log(out, i++);
			continue;
		}
		if (r->action == STRATA_ACT_PASS) {
			if (out->n_passes < SC_MAX_PASSES)
				out->passes[out->n_passes++] = i;
			i = r->next;
			continue;
		}
		out->rule = i;
		out->action = r->action;
		return;
	}
}

/*
 * Residual rules in [start, *cand), in order: the first terminal match
 * lowers *cand; log matches are appended to logs[].
 */
static void residual(const struct sc_prog *p, struct sc_pview *v, u32 start,
		     u32 *cand, u32 *logs, u32 *nl, u32 max)
{
	u32 lo = 0, hi = p->n_resid;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (p->resid[mid] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->n_resid && p->resid[lo] < *cand; lo++) {
		u32 ri = p->resid[lo];

		if (!rule_match(p, ri, v))
			continue;
		if (p->rules[ri].action == STRATA_ACT_LOG) {
			if (*nl < max)
				logs[(*nl)++] = ri;
			continue;
		}
		*cand = ri;
		return;
	}
}

/**
 * sc_prog_eval() - evaluate a program for a packet
 * @p: the program
 * @v: the packet, with its lazily resolved address classes
 * @out: the deciding rule, the passes taken and the log rules matched
 *
 * Each partition hit contributes at most one candidate per segment; the
 * best per segment is the minimum over them. Segments are then walked in
 * order: the segment's candidate, refined by the residual rules before it,
 * decides, or passes to the next segment.
 */
void sc_prog_eval(const struct sc_prog *p, struct sc_pview *v,
		  struct sc_eval *out)
{
	const u32 *hits[SC_MAX_HITS];
	u32 vs[SC_MAX_PASSES + 1], ve[SC_MAX_PASSES + 1], nv = 0;
	u32 logs[4 * SC_MAX_LOGS], nl = 0;
	u32 nhits, h, i, seg = 0, anylog = 0, cand;

	out->n_passes = 0;
	out->n_logs = 0;
	out->logs_dropped = 0;
	nhits = gather(p, v, hits, &anylog);
	if (nhits > SC_MAX_HITS)
		goto linear;	/* an address in very many of its sets */
	for (;;) {
		cand = R_TERM(hits[0], seg);
		for (h = 1; h < nhits; h++)
			if (R_TERM(hits[h], seg) < cand)
				cand = R_TERM(hits[h], seg);
		if (p->n_resid)
			residual(p, v, p->seg_start[seg], &cand, logs, &nl,
				 ARRAY_SIZE(logs));
		if (nv == ARRAY_SIZE(vs))
			goto linear;	/* more passes than we track */
		vs[nv] = p->seg_start[seg];
		ve[nv++] = cand;
		if (p->rules[cand].action != STRATA_ACT_PASS)
			break;
		out->passes[out->n_passes++] = cand;
		seg = p->rseg[cand] + 1;
	}
	out->rule = cand;
	out->action = p->rules[cand].action;
	/*
	 * Log rules matched on the way: those of the hit partitions that lie
	 * in a visited stretch [segment start, its candidate).
	 */
	for (h = 0; anylog && h < nhits; h++) {
		const u32 *r = hits[h], *lg = R_LOGS(p, r);
		u32 j = 0;

		for (i = 0; i < R_NLOG(r) && lg[i] < cand; i++) {
			while (j < nv && lg[i] >= ve[j])
				j++;
			if (j < nv && lg[i] >= vs[j] && nl < ARRAY_SIZE(logs))
				logs[nl++] = lg[i];
		}
	}
	if (nl) {
		nl = sc_sort_unique_u32(logs, nl);
		for (i = 0; i < nl; i++)
			add_log(out, logs[i]);
	}
	return;
linear:
	sc_prog_eval_linear(p, v, out);
}
