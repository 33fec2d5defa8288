// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The object model: arenas, object builders and the checks every object
 * passes before it reaches a state, whether it came from netlink, an image
 * or a userspace program.
 */
#include "core_types.h"
#include "model.h"

#define SC_CHUNK_FIRST	512
#define SC_CHUNK_MAX	(64 * 1024)

struct sc_chunk {
	struct sc_chunk *next;
	size_t size;	/* of the whole chunk, header included */
	size_t used;	/* bytes handed out after the header */
	u64 data[];
};

int sc_errf(struct sc_err *err, int code, const char *msg, u8 kind, u32 id,
	    u32 ref)
{
	if (!err)
		return code;
	err->code = code;
	err->msg = msg;
	err->kind = kind;
	err->id = id;
	err->ref = ref;
	if (kind && id && ref)
		snprintf(err->detail, sizeof(err->detail), "%s (%s %u, %u)",
			 msg, sc_obj_kind_name(kind), id, ref);
	else if (kind && id)
		snprintf(err->detail, sizeof(err->detail), "%s (%s %u)", msg,
			 sc_obj_kind_name(kind), id);
	else
		snprintf(err->detail, sizeof(err->detail), "%s", msg);
	return code;
}

const char *sc_obj_kind_name(u8 kind)
{
	switch (kind) {
	case SC_OBJ_TIER:
		return "tier";
	case SC_OBJ_POLICY:
		return "policy";
	case SC_OBJ_IPSET:
		return "ipset";
	case SC_OBJ_ENDPOINT:
		return "endpoint";
	case SC_OBJ_SETTINGS:
		return "settings";
	case SC_OBJ_MEMBER:
		return "member";
	case SC_OBJ_IMAGE:
		return "image";
	case SC_OBJ_TX:
		return "transaction";
	}
	return "object";
}

void sc_arena_init(struct sc_arena *a, struct sc_env *env)
{
	a->env = env;
	a->head = NULL;
	a->bytes = 0;
}

void *sc_arena_alloc(struct sc_arena *a, size_t size)
{
	struct sc_chunk *c = a->head;
	size_t need = (size + 7) & ~(size_t)7;
	void *p;

	if (!need)
		need = 8;
	if (!c || c->size - sizeof(*c) - c->used < need) {
		/*
		 * Chunks double, from a small first one (most objects are an
		 * endpoint or tier of a few hundred bytes) up to SC_CHUNK_MAX;
		 * a larger request gets a chunk of its own size.
		 */
		size_t csize = c ? 2 * c->size : SC_CHUNK_FIRST;

		if (csize > SC_CHUNK_MAX)
			csize = SC_CHUNK_MAX;
		if (csize < sizeof(*c) + need)
			csize = sizeof(*c) + need;
		c = sc_alloc(a->env, csize);
		if (!c)
			return NULL;
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->bytes += csize;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

void *sc_arena_dup(struct sc_arena *a, const void *p, size_t size)
{
	void *q;

	if (!size)
		return NULL;
	q = sc_arena_alloc(a, size);
	if (q)
		memcpy(q, p, size);
	return q;
}

void sc_arena_release(struct sc_arena *a)
{
	struct sc_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		sc_free(a->env, c, c->size);
		c = next;
	}
	a->head = NULL;
	a->bytes = 0;
}

/*
 * Each object is the first allocation of its own arena: carve it from a
 * temporary arena, then move the arena into the object.
 */
static void *obj_new(struct sc_env *env, size_t size, size_t arena_off,
		     size_t refs_off)
{
	struct sc_arena a;
	u32 one = 1;
	char *o;

	sc_arena_init(&a, env);
	o = sc_arena_alloc(&a, size);
	if (!o)
		return NULL;
	memcpy(o + arena_off, &a, sizeof(a));
	memcpy(o + refs_off, &one, sizeof(one));
	return o;
}

/*
 * Drop a reference; the last one frees the counters and releases the
 * arena (and the object in it).
 */
static void obj_put(void *obj, size_t arena_off, size_t refs_off,
		    size_t nctr_off, size_t ctr_off)
{
	struct sc_ctr *ctr;
	struct sc_arena a;
	char *o = obj;
	u32 refs, n;

	if (!o)
		return;
	memcpy(&refs, o + refs_off, sizeof(refs));
	if (--refs) {
		memcpy(o + refs_off, &refs, sizeof(refs));
		return;
	}
	memcpy(&a, o + arena_off, sizeof(a));
	memcpy(&ctr, o + ctr_off, sizeof(ctr));
	memcpy(&n, o + nctr_off, sizeof(n));
	if (ctr)
		sc_ctr_free(a.env, ctr, n);
	sc_arena_release(&a);
}

#define OBJ_NEW(type, env) \
	((type *)obj_new(env, sizeof(type), offsetof(type, arena), \
			 offsetof(type, refs)))
#define OBJ_PUT(type, o) \
	obj_put(o, offsetof(type, arena), offsetof(type, refs), \
		offsetof(type, n_ctr), offsetof(type, ctr))

struct sc_tier *sc_tier_new(struct sc_env *env)
{
	struct sc_tier *t = OBJ_NEW(struct sc_tier, env);

	if (t)
		t->default_action = STRATA_ACT_DENY;
	return t;
}

struct sc_policy *sc_policy_new(struct sc_env *env)
{
	return OBJ_NEW(struct sc_policy, env);
}

struct sc_ipset *sc_ipset_new(struct sc_env *env)
{
	return OBJ_NEW(struct sc_ipset, env);
}

struct sc_endpoint *sc_endpoint_new(struct sc_env *env)
{
	struct sc_endpoint *e = OBJ_NEW(struct sc_endpoint, env);

	if (e)
		e->no_match = STRATA_ACT_DENY;
	return e;
}

void sc_tier_put(struct sc_tier *t)
{
	OBJ_PUT(struct sc_tier, t);
}

void sc_policy_put(struct sc_policy *p)
{
	OBJ_PUT(struct sc_policy, p);
}

void sc_ipset_put(struct sc_ipset *s)
{
	struct sc_arena a;

	if (!s || --s->refs)
		return;
	a = s->arena;
	sc_arena_release(&a);
}

u32 sc_policy_counters(const struct sc_policy *p)
{
	return p->n_rules[SC_INGRESS] + p->n_rules[SC_EGRESS] + SC_NDIRS;
}

void sc_endpoint_put(struct sc_endpoint *e)
{
	OBJ_PUT(struct sc_endpoint, e);
}

static int dup_list(struct sc_arena *a, void **dst, const void *src, u32 n,
		    size_t elem)
{
	*dst = NULL;
	if (!n)
		return 0;
	*dst = sc_arena_dup(a, src, (size_t)n * elem);
	return *dst ? 0 : -ENOMEM;
}

static int ent_copy(struct sc_arena *a, struct sc_ent *d,
		    const struct sc_ent *s)
{
	*d = *s;
	if (dup_list(a, (void **)&d->nets, s->nets, s->n_nets,
		     sizeof(*s->nets)) ||
	    dup_list(a, (void **)&d->not_nets, s->not_nets, s->n_not_nets,
		     sizeof(*s->not_nets)) ||
	    dup_list(a, (void **)&d->sets, s->sets, s->n_sets,
		     sizeof(*s->sets)) ||
	    dup_list(a, (void **)&d->not_sets, s->not_sets, s->n_not_sets,
		     sizeof(*s->not_sets)) ||
	    dup_list(a, (void **)&d->ports, s->ports, s->n_ports,
		     sizeof(*s->ports)) ||
	    dup_list(a, (void **)&d->not_ports, s->not_ports, s->n_not_ports,
		     sizeof(*s->not_ports)) ||
	    dup_list(a, (void **)&d->psets, s->psets, s->n_psets,
		     sizeof(*s->psets)) ||
	    dup_list(a, (void **)&d->not_psets, s->not_psets, s->n_not_psets,
		     sizeof(*s->not_psets)))
		return -ENOMEM;
	return 0;
}

int sc_rule_copy(struct sc_arena *a, struct sc_rule *dst,
		 const struct sc_rule *src)
{
	*dst = *src;
	if (ent_copy(a, &dst->src, &src->src) ||
	    ent_copy(a, &dst->dst, &src->dst))
		return -ENOMEM;
	return 0;
}

int sc_policy_add_rules(struct sc_policy *p, enum sc_dir dir,
			const struct sc_rule *rules, u32 n, struct sc_err *err)
{
	u32 old = p->n_rules[dir], i;
	struct sc_rule *r = p->rules[dir];

	if (!n)
		return 0;
	if ((u64)old + n > SC_MAX_RULES_PER_POLICY)
		return sc_errf(err, -ENOSPC, "too many rules in one policy",
			       SC_OBJ_POLICY, p->id, old + n);
	/*
	 * Rules stay contiguous. Appending one at a time (image loads,
	 * continuation messages) must not copy the array each time, so the
	 * array grows geometrically; the arena keeps the old copies, which
	 * adds at most the final size again.
	 */
	if (old + n > p->cap_rules[dir]) {
		u32 cap = p->cap_rules[dir] ? p->cap_rules[dir] : 4;

		while (cap < old + n)
			cap = cap > SC_MAX_RULES_PER_POLICY / 2 ?
			      SC_MAX_RULES_PER_POLICY : cap * 2;
		if (old == 0 || n > old)
			cap = old + n;	/* first or bulk add: exact fit */
		r = sc_arena_alloc(&p->arena, (size_t)cap * sizeof(*r));
		if (!r)
			return sc_errf(err, -ENOMEM, "out of memory",
				       SC_OBJ_POLICY, p->id, 0);
		if (old)
			memcpy(r, p->rules[dir], (size_t)old * sizeof(*r));
		p->rules[dir] = r;
		p->cap_rules[dir] = cap;
	}
	for (i = 0; i < n; i++)
		if (sc_rule_copy(&p->arena, &r[old + i], &rules[i]))
			return sc_errf(err, -ENOMEM, "out of memory",
				       SC_OBJ_POLICY, p->id, 0);
	p->n_rules[dir] = old + n;
	return 0;
}

/* Names: 1..63 printable ASCII characters other than space. */
int sc_name_check(const char *name, u8 kind, u32 id, struct sc_err *err)
{
	size_t i;

	for (i = 0; i < STRATA_NAME_LEN && name[i]; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return sc_errf(err, -EINVAL,
				       "name has a space or a non-printable character",
				       kind, id, 0);
	if (i == 0)
		return sc_errf(err, -EINVAL, "name is empty", kind, id, 0);
	if (i == STRATA_NAME_LEN)
		return sc_errf(err, -EINVAL, "name is longer than 63 bytes",
			       kind, id, 0);
	return 0;
}

int sc_prefix_check(const struct strata_prefix *p, u8 family,
		    struct sc_err *err)
{
	u8 bits, i;

	if (p->family != STRATA_FAMILY_IPV4 && p->family != STRATA_FAMILY_IPV6)
		return sc_errf(err, -EINVAL, "prefix family must be 4 or 6",
			       0, 0, 0);
	if (family && p->family != family)
		return sc_errf(err, -EINVAL,
			       "prefix family does not match", 0, 0, 0);
	if (p->pad[0] || p->pad[1])
		return sc_errf(err, -EINVAL, "prefix padding is not zero", 0,
			       0, 0);
	bits = sc_family_bits(p->family);
	if (p->prefix_len > bits)
		return sc_errf(err, -EINVAL, "prefix length too long", 0, 0,
			       p->prefix_len);
	for (i = 0; i < 16; i++) {
		u8 mask;

		if (i * 8 >= p->prefix_len)
			mask = 0xff;
		else if (i * 8 + 8 <= p->prefix_len)
			mask = 0;
		else
			mask = 0xff >> (p->prefix_len - i * 8);
		if (i * 8 >= bits)
			mask = 0xff;
		if (p->addr[i] & mask)
			return sc_errf(err, -EINVAL,
				       "prefix has bits set beyond its length",
				       0, 0, 0);
	}
	return 0;
}

bool sc_prefix_contains(const struct strata_prefix *p, u8 family,
			const u8 *addr)
{
	u8 full = p->prefix_len / 8, rest = p->prefix_len % 8;

	if (p->family != family)
		return false;
	if (memcmp(p->addr, addr, full))
		return false;
	if (rest) {
		u8 mask = (u8)(0xff00 >> rest);

		if ((p->addr[full] ^ addr[full]) & mask)
			return false;
	}
	return true;
}

int sc_tier_check(const struct sc_tier *t, struct sc_err *err)
{
	if (!t->id)
		return sc_errf(err, -EINVAL, "tier id must not be 0",
			       SC_OBJ_TIER, 0, 0);
	if (t->default_action != STRATA_ACT_DENY &&
	    t->default_action != STRATA_ACT_PASS)
		return sc_errf(err, -EINVAL,
			       "tier default action must be deny or pass",
			       SC_OBJ_TIER, t->id, t->default_action);
	return sc_name_check(t->name, SC_OBJ_TIER, t->id, err);
}

static bool proto_has_ports(u8 proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static int ent_check(const struct sc_rule *r, const struct sc_ent *e,
		     u32 policy, u32 index, struct sc_err *err)
{
	const u32 *lists[4] = { e->sets, e->not_sets, e->psets, e->not_psets };
	const u32 counts[4] = { e->n_sets, e->n_not_sets, e->n_psets,
				e->n_not_psets };
	u8 fam = 0;
	u32 i, j;

	if (r->ip_version == 4)
		fam = STRATA_FAMILY_IPV4;
	else if (r->ip_version == 6)
		fam = STRATA_FAMILY_IPV6;
	if (e->n_nets > SC_MAX_LIST || e->n_not_nets > SC_MAX_LIST ||
	    e->n_sets > SC_MAX_LIST || e->n_not_sets > SC_MAX_LIST ||
	    e->n_ports > SC_MAX_LIST || e->n_not_ports > SC_MAX_LIST ||
	    e->n_psets > SC_MAX_LIST || e->n_not_psets > SC_MAX_LIST)
		return sc_errf(err, -EINVAL, "rule list too long",
			       SC_OBJ_POLICY, policy, index);
	for (i = 0; i < e->n_nets; i++)
		if (sc_prefix_check(&e->nets[i], fam, err))
			return sc_errf(err, err->code, err->msg, SC_OBJ_POLICY,
				       policy, index);
	for (i = 0; i < e->n_not_nets; i++)
		if (sc_prefix_check(&e->not_nets[i], fam, err))
			return sc_errf(err, err->code, err->msg, SC_OBJ_POLICY,
				       policy, index);
	for (j = 0; j < 4; j++)
		for (i = 0; i < counts[j]; i++)
			if (!lists[j][i])
				return sc_errf(err, -EINVAL,
					       "rule refers to IP set id 0",
					       SC_OBJ_POLICY, policy, index);
	if ((e->n_ports || e->n_not_ports || e->n_psets || e->n_not_psets) &&
	    (!(r->present & STRATA_IMG_RULE_F_PROTO) ||
	     !proto_has_ports(r->proto)))
		return sc_errf(err, -EINVAL,
			       "ports need protocol TCP, UDP or SCTP",
			       SC_OBJ_POLICY, policy, index);
	for (i = 0; i < e->n_ports; i++)
		if (e->ports[i].lo > e->ports[i].hi)
			return sc_errf(err, -EINVAL,
				       "port range has first port after last",
				       SC_OBJ_POLICY, policy, index);
	for (i = 0; i < e->n_not_ports; i++)
		if (e->not_ports[i].lo > e->not_ports[i].hi)
			return sc_errf(err, -EINVAL,
				       "port range has first port after last",
				       SC_OBJ_POLICY, policy, index);
	return 0;
}

int sc_rule_check(const struct sc_rule *r, u32 policy, u32 index,
		  struct sc_err *err)
{
	const u32 icmp_bits = STRATA_IMG_RULE_F_ICMP_TYPE |
			      STRATA_IMG_RULE_F_ICMP_CODE |
			      STRATA_IMG_RULE_F_NOT_ICMP_TYPE |
			      STRATA_IMG_RULE_F_NOT_ICMP_CODE;
	const u32 all_bits = icmp_bits | STRATA_IMG_RULE_F_PROTO |
			     STRATA_IMG_RULE_F_NOT_PROTO;

	if (r->action < STRATA_ACT_ALLOW || r->action > STRATA_ACT_MAX)
		return sc_errf(err, -EINVAL,
			       "rule action must be allow, deny, pass, log or reject",
			       SC_OBJ_POLICY, policy, index);
	if (r->ip_version != 0 && r->ip_version != 4 && r->ip_version != 6)
		return sc_errf(err, -EINVAL, "rule IP version must be 0, 4 or 6",
			       SC_OBJ_POLICY, policy, index);
	if (r->present & ~all_bits)
		return sc_errf(err, -EINVAL, "unknown rule match flags",
			       SC_OBJ_POLICY, policy, index);
	if ((r->present & STRATA_IMG_RULE_F_PROTO) && !r->proto)
		return sc_errf(err, -EINVAL, "protocol 0 cannot be matched",
			       SC_OBJ_POLICY, policy, index);
	if ((r->present & STRATA_IMG_RULE_F_NOT_PROTO) && !r->not_proto)
		return sc_errf(err, -EINVAL, "protocol 0 cannot be matched",
			       SC_OBJ_POLICY, policy, index);
	if (r->present & icmp_bits) {
		bool v4 = r->proto == 1, v6 = r->proto == 58;

		if (!(r->present & STRATA_IMG_RULE_F_PROTO) || (!v4 && !v6))
			return sc_errf(err, -EINVAL,
				       "ICMP type and code need protocol ICMP or ICMPv6",
				       SC_OBJ_POLICY, policy, index);
		if ((v4 && r->ip_version == 6) || (v6 && r->ip_version == 4))
			return sc_errf(err, -EINVAL,
				       "ICMP protocol does not match the rule's IP version",
				       SC_OBJ_POLICY, policy, index);
	}
	if (((r->present & STRATA_IMG_RULE_F_ICMP_TYPE) &&
	     r->icmp_type == 255) ||
	    ((r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE) &&
	     r->not_icmp_type == 255))
		return sc_errf(err, -EINVAL, "ICMP type must be 0..254",
			       SC_OBJ_POLICY, policy, index);
	if (((r->present & STRATA_IMG_RULE_F_ICMP_CODE) &&
	     !(r->present & STRATA_IMG_RULE_F_ICMP_TYPE)) ||
	    ((r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE) &&
	     !(r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE)))
		return sc_errf(err, -EINVAL, "ICMP code needs an ICMP type",
			       SC_OBJ_POLICY, policy, index);
	if ((r->present & STRATA_IMG_RULE_F_PROTO) &&
	    ((r->proto == 1 && r->ip_version == 6) ||
	     (r->proto == 58 && r->ip_version == 4)))
		return sc_errf(err, -EINVAL,
			       "ICMP protocol does not match the rule's IP version",
			       SC_OBJ_POLICY, policy, index);
	if (ent_check(r, &r->src, policy, index, err) ||
	    ent_check(r, &r->dst, policy, index, err))
		return err ? err->code : -EINVAL;
	return 0;
}

int sc_policy_check(const struct sc_policy *p, struct sc_err *err)
{
	u32 d, i;
	int ret;

	if (!p->id)
		return sc_errf(err, -EINVAL, "policy id must not be 0",
			       SC_OBJ_POLICY, 0, 0);
	ret = sc_name_check(p->name, SC_OBJ_POLICY, p->id, err);
	if (ret)
		return ret;
	for (d = 0; d < SC_NDIRS; d++) {
		if (p->n_rules[d] > SC_MAX_RULES_PER_POLICY)
			return sc_errf(err, -ENOSPC,
				       "too many rules in one policy",
				       SC_OBJ_POLICY, p->id, p->n_rules[d]);
		for (i = 0; i < p->n_rules[d]; i++) {
			ret = sc_rule_check(&p->rules[d][i], p->id, i, err);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int sc_ipset_check(const struct sc_ipset *s, struct sc_err *err)
{
	if (!s->id)
		return sc_errf(err, -EINVAL, "IP set id must not be 0",
			       SC_OBJ_IPSET, 0, 0);
	if (s->family != STRATA_FAMILY_IPV4 && s->family != STRATA_FAMILY_IPV6)
		return sc_errf(err, -EINVAL, "IP set family must be 4 or 6",
			       SC_OBJ_IPSET, s->id, s->family);
	if (s->kind < STRATA_IPSET_ADDR || s->kind > STRATA_IPSET_MAX)
		return sc_errf(err, -EINVAL,
			       "IP set kind must be addresses, networks or address+port",
			       SC_OBJ_IPSET, s->id, s->kind);
	return sc_name_check(s->name, SC_OBJ_IPSET, s->id, err);
}

int sc_member_check(const struct sc_ipset *s, const struct strata_member *m,
		    struct sc_err *err)
{
	struct strata_prefix p;
	u8 bits = sc_family_bits(s->family);

	memcpy(p.addr, m->addr, sizeof(p.addr));
	p.family = s->family;
	p.prefix_len = m->prefix_len;
	p.pad[0] = 0;
	p.pad[1] = 0;
	if (sc_prefix_check(&p, s->family, err))
		return sc_errf(err, err->code, err->msg, SC_OBJ_IPSET, s->id,
			       0);
	switch (s->kind) {
	case STRATA_IPSET_ADDR:
		if (m->prefix_len != bits || m->proto || m->port)
			return sc_errf(err, -EINVAL,
				       "address set members are full-length addresses",
				       SC_OBJ_IPSET, s->id, 0);
		break;
	case STRATA_IPSET_NET:
		if (m->proto || m->port)
			return sc_errf(err, -EINVAL,
				       "network set members have no protocol or port",
				       SC_OBJ_IPSET, s->id, 0);
		break;
	case STRATA_IPSET_ADDR_PORT:
		if (m->prefix_len != bits || !proto_has_ports(m->proto))
			return sc_errf(err, -EINVAL,
				       "address+port members need a full address and protocol TCP, UDP or SCTP",
				       SC_OBJ_IPSET, s->id, 0);
		break;
	}
	return 0;
}

static bool ifname_ok(const char *n, bool host)
{
	size_t i;

	if (host && n[0] == '*' && !n[1])
		return true;
	for (i = 0; i < STRATA_IFNAME_LEN && n[i]; i++)
		if (n[i] <= ' ' || n[i] > '~' || n[i] == '/' || n[i] == ':' ||
		    n[i] == '*')
			return false;
	if (i == 0 || i == STRATA_IFNAME_LEN)
		return false;
	return strcmp(n, ".") && strcmp(n, "..");
}

static bool ids_unique(const u32 *ids, u32 n)
{
	u32 i, j;

	/* lists are short: quadratic is fine up to the per-list cap */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (ids[i] == ids[j])
				return false;
	return true;
}

int sc_endpoint_check(const struct sc_endpoint *e, struct sc_err *err)
{
	bool host = e->kind == STRATA_EP_HOST;
	u32 l, i, j, refs = 0;
	int ret;

	if (!e->id)
		return sc_errf(err, -EINVAL, "endpoint id must not be 0",
			       SC_OBJ_ENDPOINT, 0, 0);
	ret = sc_name_check(e->name, SC_OBJ_ENDPOINT, e->id, err);
	if (ret)
		return ret;
	if (e->kind != STRATA_EP_WORKLOAD && !host)
		return sc_errf(err, -EINVAL,
			       "endpoint kind must be workload or host",
			       SC_OBJ_ENDPOINT, e->id, e->kind);
	if (!ifname_ok(e->ifname, host))
		return sc_errf(err, -EINVAL,
			       host ? "interface name must be a valid name or *"
				    : "interface name must be a valid name",
			       SC_OBJ_ENDPOINT, e->id, 0);
	if (e->no_match != STRATA_ACT_ALLOW && e->no_match != STRATA_ACT_DENY)
		return sc_errf(err, -EINVAL,
			       "no-match action must be allow or deny",
			       SC_OBJ_ENDPOINT, e->id, e->no_match);
	if (e->n_addrs > SC_MAX_LIST || e->n_spoof > SC_MAX_LIST)
		return sc_errf(err, -EINVAL, "too many addresses",
			       SC_OBJ_ENDPOINT, e->id, 0);
	for (i = 0; i < e->n_addrs; i++)
		if (sc_prefix_check(&e->addrs[i], 0, err))
			return sc_errf(err, err->code, err->msg,
				       SC_OBJ_ENDPOINT, e->id, i);
	for (i = 0; i < e->n_spoof; i++)
		if (sc_prefix_check(&e->spoof[i], 0, err))
			return sc_errf(err, err->code, err->msg,
				       SC_OBJ_ENDPOINT, e->id, i);
	for (i = 0; i < e->n_profiles; i++)
		if (!e->profiles[i])
			return sc_errf(err, -EINVAL,
				       "endpoint refers to profile id 0",
				       SC_OBJ_ENDPOINT, e->id, 0);
	if (!ids_unique(e->profiles, e->n_profiles))
		return sc_errf(err, -EINVAL, "profile listed twice",
			       SC_OBJ_ENDPOINT, e->id, 0);
	refs = e->n_profiles;
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		const struct sc_eplist *list = &e->lists[l];

		if (list->n && !host && l >= STRATA_LIST_UNTRACKED_INGRESS)
			return sc_errf(err, -EINVAL,
				       "untracked, pre-DNAT and forward policy apply to host endpoints only",
				       SC_OBJ_ENDPOINT, e->id, l);
		for (i = 0; i < list->n; i++) {
			const struct sc_tierref *tr = &list->refs[i];

			if (!tr->tier)
				return sc_errf(err, -EINVAL,
					       "endpoint refers to tier id 0",
					       SC_OBJ_ENDPOINT, e->id, 0);
			for (j = 0; j < i; j++)
				if (list->refs[j].tier == tr->tier)
					return sc_errf(err, -EINVAL,
						       "tier listed twice in one list",
						       SC_OBJ_ENDPOINT, e->id,
						       tr->tier);
			if (!tr->n_policies)
				return sc_errf(err, -EINVAL,
					       "a listed tier needs at least one policy",
					       SC_OBJ_ENDPOINT, e->id, tr->tier);
			refs += tr->n_policies;
			if (refs > SC_MAX_EP_REFS)
				return sc_errf(err, -ENOSPC,
					       "too many policy references in one endpoint",
					       SC_OBJ_ENDPOINT, e->id, refs);
			for (j = 0; j < tr->n_policies; j++)
				if (!tr->policies[j])
					return sc_errf(err, -EINVAL,
						       "endpoint refers to policy id 0",
						       SC_OBJ_ENDPOINT, e->id, 0);
			if (!ids_unique(tr->policies, tr->n_policies))
				return sc_errf(err, -EINVAL,
					       "policy listed twice in one tier",
					       SC_OBJ_ENDPOINT, e->id, tr->tier);
		}
	}
	return 0;
}

static const struct strata_failsafe felix_in[] = {
	{ .proto = 6, .port = 22 },   { .proto = 17, .port = 68 },
	{ .proto = 6, .port = 179 },  { .proto = 6, .port = 2379 },
	{ .proto = 6, .port = 2380 }, { .proto = 6, .port = 5473 },
	{ .proto = 6, .port = 6443 }, { .proto = 6, .port = 6666 },
	{ .proto = 6, .port = 6667 },
};

static const struct strata_failsafe felix_out[] = {
	{ .proto = 17, .port = 53 },  { .proto = 17, .port = 67 },
	{ .proto = 6, .port = 179 },  { .proto = 6, .port = 2379 },
	{ .proto = 6, .port = 2380 }, { .proto = 6, .port = 5473 },
	{ .proto = 6, .port = 6443 }, { .proto = 6, .port = 6666 },
	{ .proto = 6, .port = 6667 },
};

/**
 * sc_settings_default() - the documented defaults
 * @s: filled in
 * @caps: the hard caps; limits default to them
 *
 * Felix's defaults where Felix has one: mark mask 0xffff0000 with the
 * accept bit 0x10000, its failsafe port lists, workload prefixes "cali"
 * and "tap", workload-to-host DROP, conntrack-invalid dropped, IP-in-IP and
 * VXLAN from workloads dropped (VXLAN port 4789).
 */
void sc_settings_default(struct sc_settings *s, const struct sc_limits *caps)
{
	memset(s, 0, sizeof(*s));
	s->mark_mask = 0xffff0000;
	s->mark_accept = 0x10000;
	s->log_rate = 10;
	s->log_burst = 50;
	s->flow_rate = 10000;
	s->flow_burst = 20000;
	s->wl_to_host = STRATA_WL_TO_HOST_DROP;
	s->ct_invalid_drop = 1;
	s->vxlan_port = 4789;
	s->n_wl_prefixes = 2;
	memcpy(s->wl_prefixes[0], "cali", 5);
	memcpy(s->wl_prefixes[1], "tap", 4);
	s->n_failsafe_in = ARRAY_SIZE(felix_in);
	memcpy(s->failsafe_in, felix_in, sizeof(felix_in));
	s->n_failsafe_out = ARRAY_SIZE(felix_out);
	memcpy(s->failsafe_out, felix_out, sizeof(felix_out));
	s->limits = *caps;
}

static int failsafe_check(const struct strata_failsafe *f, u32 n,
			  struct sc_err *err)
{
	u32 i;

	if (n > SC_MAX_FAILSAFE)
		return sc_errf(err, -EINVAL, "too many failsafe ports",
			       SC_OBJ_SETTINGS, 0, n);
	for (i = 0; i < n; i++) {
		if (!proto_has_ports(f[i].proto) || f[i].pad)
			return sc_errf(err, -EINVAL,
				       "failsafe protocol must be TCP, UDP or SCTP",
				       SC_OBJ_SETTINGS, 0, i);
		if (f[i].net.family && sc_prefix_check(&f[i].net, 0, err))
			return sc_errf(err, err->code, err->msg,
				       SC_OBJ_SETTINGS, 0, i);
		if (!f[i].net.family &&
		    (f[i].net.prefix_len || f[i].net.pad[0] ||
		     f[i].net.pad[1] ||
		     memcmp(f[i].net.addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
			    16)))
			return sc_errf(err, -EINVAL,
				       "failsafe net without family must be zero",
				       SC_OBJ_SETTINGS, 0, i);
	}
	return 0;
}

int sc_settings_check(const struct sc_settings *s,
		      const struct sc_limits *caps, struct sc_err *err)
{
	u32 i, j;
	int ret;

	if (s->mark_accept & ~s->mark_mask)
		return sc_errf(err, -EINVAL,
			       "accept mark bits must lie within the mark mask",
			       SC_OBJ_SETTINGS, 0, 0);
	if (s->wl_to_host > STRATA_WL_TO_HOST_MAX)
		return sc_errf(err, -EINVAL,
			       "workload-to-host action must be drop, accept or return",
			       SC_OBJ_SETTINGS, 0, 0);
	if (s->ct_invalid_drop > 1 || s->allow_ipip > 1 || s->allow_vxlan > 1)
		return sc_errf(err, -EINVAL, "boolean settings must be 0 or 1",
			       SC_OBJ_SETTINGS, 0, 0);
	if (!s->vxlan_port)
		return sc_errf(err, -EINVAL, "VXLAN port must not be 0",
			       SC_OBJ_SETTINGS, 0, 0);
	if (s->n_wl_prefixes > STRATA_MAX_WL_PREFIXES)
		return sc_errf(err, -EINVAL, "too many workload prefixes",
			       SC_OBJ_SETTINGS, 0, 0);
	for (i = 0; i < s->n_wl_prefixes; i++) {
		const char *p = s->wl_prefixes[i];

		for (j = 0; j < STRATA_IFNAME_LEN && p[j]; j++)
			if (p[j] <= ' ' || p[j] > '~' || p[j] == '/')
				break;
		if (j == 0 || j == STRATA_IFNAME_LEN || p[j])
			return sc_errf(err, -EINVAL,
				       "workload prefix must be 1..15 interface name characters",
				       SC_OBJ_SETTINGS, 0, i);
	}
	ret = failsafe_check(s->failsafe_in, s->n_failsafe_in, err);
	if (!ret)
		ret = failsafe_check(s->failsafe_out, s->n_failsafe_out, err);
	if (ret)
		return ret;
	if (s->limits.tiers > caps->tiers ||
	    s->limits.policies > caps->policies ||
	    s->limits.rules > caps->rules ||
	    s->limits.ipsets > caps->ipsets ||
	    s->limits.members > caps->members ||
	    s->limits.endpoints > caps->endpoints)
		return sc_errf(err, -ERANGE,
			       "a limit exceeds the module's hard cap",
			       SC_OBJ_SETTINGS, 0, 0);
	return 0;
}

/**
 * sc_sort_unique_u32() - sort ascending and drop duplicates, in place
 * @v: the array
 * @n: its length
 *
 * Heapsort: no recursion, no extra memory, fine on the packet path's
 * neighbours (compile time) and in the kernel.
 *
 * Return: the new length.
 */
u32 sc_sort_unique_u32(u32 *v, u32 n)
{
	u32 i, j, end, root, child, t;

	if (n < 2)
		return n;
	for (i = n / 2; i-- > 0;) {
		root = i;
		while ((child = 2 * root + 1) < n) {
			if (child + 1 < n && v[child] < v[child + 1])
				child++;
			if (v[root] >= v[child])
				break;
			t = v[root];
			v[root] = v[child];
			v[child] = t;
			root = child;
		}
	}
	for (end = n - 1; end > 0; end--) {
		t = v[0];
		v[0] = v[end];
		v[end] = t;
		root = 0;
		while ((child = 2 * root + 1) < end) {
			if (child + 1 < end && v[child] < v[child + 1])
				child++;
			if (v[root] >= v[child])
				break;
			t = v[root];
			v[root] = v[child];
			v[child] = t;
			root = child;
		}
	}
	for (i = 1, j = 1; i < n; i++)
		if (v[i] != v[j - 1])
			v[j++] = v[i];
	return j;
}

/**
 * sc_sort_u64() - sort ascending in place (heapsort)
 * @v: the array
 * @n: its length
 */
void sc_sort_u64(u64 *v, u32 n)
{
	u32 i, end, root, child;
	u64 t;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;) {
		root = i;
		while ((child = 2 * root + 1) < n) {
			if (child + 1 < n && v[child] < v[child + 1])
				child++;
			if (v[root] >= v[child])
				break;
			t = v[root];
			v[root] = v[child];
			v[child] = t;
			root = child;
		}
	}
	for (end = n - 1; end > 0; end--) {
		t = v[0];
		v[0] = v[end];
		v[end] = t;
		root = 0;
		while ((child = 2 * root + 1) < end) {
			if (child + 1 < end && v[child] < v[child + 1])
				child++;
			if (v[root] >= v[child])
				break;
			t = v[root];
			v[root] = v[child];
			v[child] = t;
			root = child;
		}
	}
}
