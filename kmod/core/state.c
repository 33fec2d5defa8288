// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A namespace's state and its transactions (see state.h for the protocol).
 *
 * DOC: Transactions
 *
 * A transaction is an overlay on the committed maps: @put holds new and
 * replacing objects, @del the ids of committed objects it deletes (or
 * @flushed: all of them). Lookups consult the overlay first, so each
 * operation is checked against "committed state plus everything before it".
 * IP set members are staged straight into the address index's idle slot.
 *
 * Commit checks what single operations cannot: references between objects
 * (by adjusting each target's count of referrers with the overlay's
 * changes), limits, and marks against the final settings. It then applies
 * the overlay to the committed maps, logging each change so that a failure
 * while building the runtime can put everything back, and builds the
 * runtime, reusing unchanged endpoints' compiled programs.
 */
#include "core_types.h"
#include "model.h"
#include "objmap.h"
#include "addridx.h"
#include "runtime.h"
#include "prog.h"
#include "state.h"

#define NKINDS	4	/* tier, policy, ipset, endpoint: SC_OBJ_x - 1 */

struct sc_state {
	struct sc_env *env;
	struct sc_limits caps;
	struct sc_settings settings;
	struct sc_objmap maps[NKINDS];
	struct sc_objmap ifmap;		/* endpoints by interface name */
	u64 generation;
	u64 next_serial;
	u8 slot;			/* live address index slot */
	struct sc_aidx aidx;
	struct sc_progcache *pc;
	struct sc_runtime *rt;
	struct sc_runtime *retired;
	bool need_finish;
	u64 n_rules;
	u64 n_members;
	struct sc_tx *tx;
};

struct sc_tx {
	struct sc_state *s;
	struct sc_objmap put[NKINDS];
	struct sc_objmap del[NKINDS];	/* ids only; obj unused */
	struct sc_objmap counts;	/* ipset id -> members (in .count) */
	bool flushed;
	bool has_settings;
	bool doomed;
	struct sc_settings settings;
	u32 ops;
	u32 n[NKINDS];			/* objects in view */
	u64 n_rules;
	u64 n_members;
	bool staged;			/* touched the address index */
};

static inline u32 kidx(u8 kind)
{
	return kind - SC_OBJ_TIER;
}

/* ---- object helpers ----------------------------------------------------- */

static u32 obj_id(u8 kind, const void *o)
{
	switch (kind) {
	case SC_OBJ_TIER:
		return ((const struct sc_tier *)o)->id;
	case SC_OBJ_POLICY:
		return ((const struct sc_policy *)o)->id;
	case SC_OBJ_IPSET:
		return ((const struct sc_ipset *)o)->id;
	default:
		return ((const struct sc_endpoint *)o)->id;
	}
}

static const char *obj_name(u8 kind, const void *o)
{
	switch (kind) {
	case SC_OBJ_TIER:
		return ((const struct sc_tier *)o)->name;
	case SC_OBJ_POLICY:
		return ((const struct sc_policy *)o)->name;
	case SC_OBJ_IPSET:
		return ((const struct sc_ipset *)o)->name;
	default:
		return ((const struct sc_endpoint *)o)->name;
	}
}

static void obj_put(u8 kind, void *o)
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
		break;
	}
}

static void obj_set_serial(u8 kind, void *o, u64 serial)
{
	switch (kind) {
	case SC_OBJ_TIER:
		((struct sc_tier *)o)->serial = serial;
		break;
	case SC_OBJ_POLICY:
		((struct sc_policy *)o)->serial = serial;
		break;
	case SC_OBJ_IPSET:
		((struct sc_ipset *)o)->serial = serial;
		break;
	default:
		((struct sc_endpoint *)o)->serial = serial;
		break;
	}
}

static u64 policy_rules(const struct sc_policy *p)
{
	return p ? (u64)p->n_rules[0] + p->n_rules[1] : 0;
}

/* ---- state ------------------------------------------------------------- */

static void runtime_free(struct sc_state *s, struct sc_runtime *rt);
static int runtime_build(struct sc_state *s, u64 generation, u8 slot,
			 const struct sc_settings *set, const bool *changed,
			 struct sc_runtime **out, struct sc_err *err);

struct sc_state *sc_state_new(struct sc_env *env, const struct sc_limits *caps)
{
	struct sc_state *s = sc_alloc(env, sizeof(*s));
	struct sc_err err;
	u32 k;

	if (!s)
		return NULL;
	s->env = env;
	s->caps = *caps;
	sc_settings_default(&s->settings, caps);
	for (k = 0; k < NKINDS; k++)
		sc_objmap_init(&s->maps[k], env);
	sc_objmap_init(&s->ifmap, env);
	s->next_serial = 1;
	if (sc_aidx_init(&s->aidx, env))
		goto fail;
	s->pc = sc_progcache_new(env);
	if (!s->pc)
		goto fail;
	/* generation 0: nothing committed yet, but a valid empty runtime */
	if (runtime_build(s, 0, 0, &s->settings, NULL, &s->rt, &err))
		goto fail;
	return s;
fail:
	sc_state_free(s);
	return NULL;
}

void sc_state_free(struct sc_state *s)
{
	struct sc_objent *e;
	u32 k;

	if (!s)
		return;
	if (s->tx)
		sc_tx_abort(s->tx);
	runtime_free(s, s->retired);
	runtime_free(s, s->rt);
	for (k = 0; k < NKINDS; k++) {
		for (e = sc_objmap_next(&s->maps[k], 0); e;
		     e = sc_objmap_next(&s->maps[k], e->id))
			obj_put(k + SC_OBJ_TIER, e->obj);
		sc_objmap_release(&s->maps[k]);
	}
	sc_objmap_release(&s->ifmap);
	sc_progcache_free(s->pc);
	sc_aidx_release(&s->aidx);
	sc_free(s->env, s, sizeof(*s));
}

u64 sc_state_generation(const struct sc_state *s)
{
	return s->generation;
}

const struct sc_settings *sc_state_settings(const struct sc_state *s)
{
	return &s->settings;
}

struct sc_runtime *sc_state_runtime(const struct sc_state *s)
{
	return s->rt;
}

bool sc_state_tx_open(const struct sc_state *s)
{
	return !!s->tx;
}

struct sc_env *sc_state_env(const struct sc_state *s)
{
	return s->env;
}

const struct sc_limits *sc_state_caps(const struct sc_state *s)
{
	return &s->caps;
}

void sc_state_stats(const struct sc_state *s, struct strata_ioc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->generation = s->generation;
	st->tiers = s->maps[kidx(SC_OBJ_TIER)].n;
	st->policies = s->maps[kidx(SC_OBJ_POLICY)].n;
	st->ipsets = s->maps[kidx(SC_OBJ_IPSET)].n;
	st->endpoints = s->maps[kidx(SC_OBJ_ENDPOINT)].n;
	st->rules = (u32)s->n_rules;
	st->members = (u32)s->n_members;
	st->programs = sc_progcache_count(s->pc);
	st->classes = s->aidx.nclasses;
	st->tx_open = !!s->tx;
}

/* ---- reading committed state ----------------------------------------- */

static const void *next_obj(const struct sc_state *s, u8 kind, u32 after)
{
	struct sc_objent *e = sc_objmap_next(&s->maps[kidx(kind)], after);

	return e ? e->obj : NULL;
}

static const void *find_obj(const struct sc_state *s, u8 kind, u32 id,
			    const char *name)
{
	const struct sc_objmap *m = &s->maps[kidx(kind)];
	struct sc_objent *e = id ? sc_objmap_get(m, id) :
			      (name ? sc_objmap_get_name(m, name) : NULL);

	return e ? e->obj : NULL;
}

const struct sc_tier *sc_state_next_tier(const struct sc_state *s, u32 after)
{
	return next_obj(s, SC_OBJ_TIER, after);
}

const struct sc_policy *sc_state_next_policy(const struct sc_state *s,
					     u32 after)
{
	return next_obj(s, SC_OBJ_POLICY, after);
}

const struct sc_ipset *sc_state_next_ipset(const struct sc_state *s, u32 after)
{
	return next_obj(s, SC_OBJ_IPSET, after);
}

const struct sc_endpoint *sc_state_next_endpoint(const struct sc_state *s,
						 u32 after)
{
	return next_obj(s, SC_OBJ_ENDPOINT, after);
}

const struct sc_tier *sc_state_find_tier(const struct sc_state *s, u32 id,
					 const char *name)
{
	return find_obj(s, SC_OBJ_TIER, id, name);
}

const struct sc_policy *sc_state_find_policy(const struct sc_state *s, u32 id,
					     const char *name)
{
	return find_obj(s, SC_OBJ_POLICY, id, name);
}

const struct sc_ipset *sc_state_find_ipset(const struct sc_state *s, u32 id,
					   const char *name)
{
	return find_obj(s, SC_OBJ_IPSET, id, name);
}

const struct sc_endpoint *sc_state_find_endpoint(const struct sc_state *s,
						 u32 id, const char *name)
{
	return find_obj(s, SC_OBJ_ENDPOINT, id, name);
}

u32 sc_state_ipset_count(const struct sc_state *s, const struct sc_ipset *set)
{
	struct sc_objent *e = sc_objmap_get(&s->maps[kidx(SC_OBJ_IPSET)],
					    set->id);

	return e ? e->count : 0;
}

u32 sc_state_members(const struct sc_state *s, const struct sc_ipset *set,
		     u64 *cursor, struct strata_member *out, u32 max)
{
	return sc_aidx_members(&s->aidx, s->slot, set->id, set->family,
			       cursor, out, max);
}

/* ---- the transaction's view ---------------------------------------- */

static const struct sc_settings *tx_settings(const struct sc_tx *tx)
{
	return tx->has_settings ? &tx->settings : &tx->s->settings;
}

/* The object @id of @kind as the transaction sees it, or NULL. */
static void *view_get(const struct sc_tx *tx, u8 kind, u32 id)
{
	u32 k = kidx(kind);
	struct sc_objent *e = sc_objmap_get(&tx->put[k], id);

	if (e)
		return e->obj;
	if (tx->flushed || sc_objmap_get(&tx->del[k], id))
		return NULL;
	e = sc_objmap_get(&tx->s->maps[k], id);
	return e ? e->obj : NULL;
}

/* The id owning @name in the view of @map/@put/@del, or 0. */
static u32 view_name_owner(const struct sc_tx *tx, const struct sc_objmap *c,
			   const struct sc_objmap *put,
			   const struct sc_objmap *del, const char *name)
{
	struct sc_objent *e = sc_objmap_get_name(put, name);

	if (e)
		return e->id;
	if (tx->flushed)
		return 0;
	e = sc_objmap_get_name(c, name);
	if (!e || sc_objmap_get(del, e->id) || sc_objmap_get(put, e->id))
		return 0;	/* deleted, or replaced (maybe renamed) */
	return e->id;
}

static u32 view_find(const struct sc_tx *tx, u8 kind, u32 id,
		     const char *name)
{
	u32 k = kidx(kind);

	if (id)
		return view_get(tx, kind, id) ? id : 0;
	if (!name)
		return 0;
	return view_name_owner(tx, &tx->s->maps[k], &tx->put[k], &tx->del[k],
			       name);
}

static u32 view_count(const struct sc_tx *tx, u32 set)
{
	struct sc_objent *e = sc_objmap_get(&tx->counts, set);

	if (e)
		return e->count;
	if (tx->flushed || sc_objmap_get(&tx->del[kidx(SC_OBJ_IPSET)], set))
		return 0;
	e = sc_objmap_get(&tx->s->maps[kidx(SC_OBJ_IPSET)], set);
	return e ? e->count : 0;
}

static int set_count(struct sc_tx *tx, u32 set, u32 count)
{
	struct sc_objent *e = sc_objmap_get(&tx->counts, set);
	void *old;

	if (!e) {
		if (sc_objmap_set(&tx->counts, set, "", NULL, &old))
			return -ENOMEM;
		e = sc_objmap_get(&tx->counts, set);
	}
	e->count = count;
	return 0;
}

/* ---- transactions ---------------------------------------------------- */

struct sc_tx *sc_tx_begin(struct sc_state *s, struct sc_err *err)
{
	struct sc_tx *tx;
	u32 k;

	if (s->tx) {
		sc_errf(err, -EBUSY, "a transaction is already open", SC_OBJ_TX,
			0, 0);
		return NULL;
	}
	if (s->need_finish) {
		/* the caller skipped sc_commit_finish(): a bug, not userspace */
		sc_errf(err, -EBUSY, "previous commit not finished", SC_OBJ_TX,
			0, 0);
		return NULL;
	}
	tx = sc_alloc(s->env, sizeof(*tx));
	if (!tx) {
		sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_TX, 0, 0);
		return NULL;
	}
	tx->s = s;
	for (k = 0; k < NKINDS; k++) {
		sc_objmap_init(&tx->put[k], s->env);
		sc_objmap_init(&tx->del[k], s->env);
		tx->n[k] = s->maps[k].n;
	}
	sc_objmap_init(&tx->counts, s->env);
	tx->n_rules = s->n_rules;
	tx->n_members = s->n_members;
	s->tx = tx;
	return tx;
}

bool sc_tx_doomed(const struct sc_tx *tx)
{
	return tx->doomed;
}

u32 sc_tx_ops(const struct sc_tx *tx)
{
	return tx->ops;
}

static void tx_free(struct sc_tx *tx)
{
	struct sc_objent *e;
	u32 k;

	for (k = 0; k < NKINDS; k++) {
		for (e = sc_objmap_next(&tx->put[k], 0); e;
		     e = sc_objmap_next(&tx->put[k], e->id))
			if (e->obj)
				obj_put(k + SC_OBJ_TIER, e->obj);
		sc_objmap_release(&tx->put[k]);
		sc_objmap_release(&tx->del[k]);
	}
	sc_objmap_release(&tx->counts);
	tx->s->tx = NULL;
	sc_free(tx->s->env, tx, sizeof(*tx));
}

void sc_tx_abort(struct sc_tx *tx)
{
	struct sc_state *s = tx->s;

	if (tx->staged) {
		sc_aidx_revert(&s->aidx, !s->slot);
		s->need_finish = sc_aidx_has_deferred(&s->aidx);
	}
	tx_free(tx);
}

/* Every refused operation dooms the transaction. */
static int doom(struct sc_tx *tx, int ret)
{
	if (ret < 0)
		tx->doomed = true;
	return ret;
}

static int tx_op(struct sc_tx *tx, struct sc_err *err)
{
	if (tx->doomed)
		return sc_errf(err, -EINVAL,
			       "transaction failed earlier: abort it", SC_OBJ_TX,
			       0, 0);
	tx->ops++;
	return 0;
}

static u32 limit_of(const struct sc_limits *l, u8 kind)
{
	switch (kind) {
	case SC_OBJ_TIER:
		return l->tiers;
	case SC_OBJ_POLICY:
		return l->policies;
	case SC_OBJ_IPSET:
		return l->ipsets;
	default:
		return l->endpoints;
	}
}

/*
 * Put @obj (kind @kind) into the overlay. Checks id and name uniqueness;
 * @old_out gets the object it replaces in the view (or NULL); if that was
 * an earlier object of this transaction it is freed here, so callers may
 * compare the pointer but not dereference it.
 */
static int tx_put(struct sc_tx *tx, u8 kind, void *obj, bool replace,
		  void **old_out, struct sc_err *err)
{
	u32 k = kidx(kind), id = obj_id(kind, obj), owner;
	const char *name = obj_name(kind, obj);
	void *cur = view_get(tx, kind, id), *prev;

	*old_out = cur;
	if (cur && !replace)
		return sc_errf(err, -EEXIST, "an object with this id exists",
			       kind, id, 0);
	owner = view_name_owner(tx, &tx->s->maps[k], &tx->put[k], &tx->del[k],
				name);
	if (owner && owner != id)
		return sc_errf(err, -EEXIST,
			       "another object of this kind has this name", kind,
			       id, owner);
	if (!cur && tx->n[k] >= limit_of(&tx_settings(tx)->limits, kind))
		return sc_errf(err, -ENOSPC, "object limit reached", kind, id,
			       limit_of(&tx_settings(tx)->limits, kind));
	if (sc_objmap_set(&tx->put[k], id, name, obj, &prev))
		return sc_errf(err, -ENOMEM, "out of memory", kind, id, 0);
	if (prev)
		obj_put(kind, prev);
	sc_objmap_del(&tx->del[k], id);
	obj_set_serial(kind, obj, tx->s->next_serial++);
	if (!cur)
		tx->n[k]++;
	return 0;
}

int sc_tx_put_tier(struct sc_tx *tx, struct sc_tier *t, bool replace,
		   struct sc_err *err)
{
	void *old;
	int ret;

	ret = tx_op(tx, err);
	if (!ret)
		ret = sc_tier_check(t, err);
	if (!ret)
		ret = tx_put(tx, SC_OBJ_TIER, t, replace, &old, err);
	if (ret)
		sc_tier_put(t);
	return doom(tx, ret);
}

int sc_tx_put_policy(struct sc_tx *tx, struct sc_policy *p, bool replace,
		     struct sc_err *err)
{
	u64 old_rules = 0, new_rules = policy_rules(p);
	void *old;
	int ret;

	ret = tx_op(tx, err);
	if (!ret)
		ret = sc_policy_check(p, err);
	/* the replaced object may be freed by tx_put(): count it first */
	if (!ret)
		old_rules = policy_rules(view_get(tx, SC_OBJ_POLICY, p->id));
	if (!ret && tx->n_rules + new_rules >
		    (u64)tx_settings(tx)->limits.rules + old_rules)
		ret = sc_errf(err, -ENOSPC, "rule limit reached", SC_OBJ_POLICY,
			      p->id, tx_settings(tx)->limits.rules);
	if (!ret)
		ret = tx_put(tx, SC_OBJ_POLICY, p, replace, &old, err);
	if (ret) {
		sc_policy_put(p);
		return doom(tx, ret);
	}
	tx->n_rules += new_rules - old_rules;
	return 0;
}

int sc_tx_append_rules(struct sc_tx *tx, struct sc_policy *more,
		       struct sc_err *err)
{
	struct sc_objent *e;
	struct sc_policy *p;
	u32 d;
	int ret;

	ret = tx_op(tx, err);
	if (ret)
		goto out;
	e = sc_objmap_get(&tx->put[kidx(SC_OBJ_POLICY)], more->id);
	if (!e) {
		ret = sc_errf(err, -ENOENT,
			      "rules can only be appended to a policy created in this transaction",
			      SC_OBJ_POLICY, more->id, 0);
		goto out;
	}
	p = e->obj;
	if (tx->n_rules + policy_rules(more) > tx_settings(tx)->limits.rules) {
		ret = sc_errf(err, -ENOSPC, "rule limit reached", SC_OBJ_POLICY,
			      more->id, tx_settings(tx)->limits.rules);
		goto out;
	}
	for (d = 0; d < SC_NDIRS && !ret; d++) {
		u32 i;

		for (i = 0; i < more->n_rules[d] && !ret; i++)
			ret = sc_rule_check(&more->rules[d][i], more->id,
					    p->n_rules[d] + i, err);
		if (!ret)
			ret = sc_policy_add_rules(p, d, more->rules[d],
						  more->n_rules[d], err);
	}
	if (!ret)
		tx->n_rules += policy_rules(more);
out:
	sc_policy_put(more);
	return doom(tx, ret);
}

static const struct sc_ipset *view_ipset(struct sc_tx *tx, u32 id,
					 const char *name)
{
	id = view_find(tx, SC_OBJ_IPSET, id, name);
	return id ? view_get(tx, SC_OBJ_IPSET, id) : NULL;
}

/* Stage members into the idle slot; counts them in the view. */
static int stage_members(struct sc_tx *tx, const struct sc_ipset *set,
			 bool add, const struct strata_member *m, u32 n,
			 bool exist_ok, struct sc_err *err)
{
	struct sc_state *s = tx->s;
	u32 count = view_count(tx, set->id), i;
	u64 limit = tx_settings(tx)->limits.members;
	int ret = 0;

	for (i = 0; i < n; i++) {
		ret = sc_member_check(set, &m[i], err);
		if (ret)
			return ret;
	}
	tx->staged = true;
	for (i = 0; i < n; i++) {
		if (add && tx->n_members >= limit)
			return sc_errf(err, -ENOSPC, "member limit reached",
				       SC_OBJ_IPSET, set->id, (u32)limit);
		if (add)
			ret = sc_aidx_add(&s->aidx, !s->slot, set->id,
					  set->kind, set->family, &m[i],
					  exist_ok);
		else
			ret = sc_aidx_del(&s->aidx, !s->slot, set->id,
					  set->kind, set->family, &m[i],
					  exist_ok);
		if (ret < 0)
			break;
		if (ret == 0) {
			count += add ? 1 : -1;
			tx->n_members += add ? 1 : -1;
		}
		ret = 0;
	}
	if (set_count(tx, set->id, count) && !ret)
		ret = -ENOMEM;
	switch (ret) {
	case 0:
		return 0;
	case -EEXIST:
		return sc_errf(err, ret, "member already in the set",
			       SC_OBJ_IPSET, set->id, i);
	case -ENOENT:
		return sc_errf(err, ret, "member not in the set", SC_OBJ_IPSET,
			       set->id, i);
	default:
		return sc_errf(err, ret, "out of memory", SC_OBJ_IPSET,
			       set->id, i);
	}
}

/* Drop every member of set @id from the view. */
static int drop_members(struct sc_tx *tx, u32 id, struct sc_err *err)
{
	struct sc_state *s = tx->s;
	int ret;

	if (!view_count(tx, id))
		return set_count(tx, id, 0) ?
			sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_IPSET,
				id, 0) : 0;
	tx->staged = true;
	ret = sc_aidx_drop_set(&s->aidx, !s->slot, id);
	if (ret < 0)
		return sc_errf(err, ret, "out of memory", SC_OBJ_IPSET, id, 0);
	tx->n_members -= view_count(tx, id);
	if (set_count(tx, id, 0))
		return sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_IPSET, id,
			       0);
	return 0;
}

int sc_tx_put_ipset(struct sc_tx *tx, struct sc_ipset *set,
		    const struct strata_member *m, u32 n, bool replace,
		    struct sc_err *err)
{
	const struct sc_ipset *cur;
	void *old;
	int ret;

	ret = tx_op(tx, err);
	if (!ret)
		ret = sc_ipset_check(set, err);
	if (ret) {
		sc_ipset_put(set);
		return doom(tx, ret);
	}
	cur = view_get(tx, SC_OBJ_IPSET, set->id);
	if (cur && replace &&
	    (cur->family != set->family || cur->kind != set->kind)) {
		sc_errf(err, -EINVAL, "a set's family and kind cannot change",
			SC_OBJ_IPSET, set->id, 0);
		sc_ipset_put(set);
		return doom(tx, -EINVAL);
	}
	ret = tx_put(tx, SC_OBJ_IPSET, set, replace, &old, err);
	if (ret) {
		sc_ipset_put(set);
		return doom(tx, ret);
	}
	/* a new or replaced set starts empty, then gets @m */
	ret = drop_members(tx, set->id, err);
	if (!ret && n)
		ret = stage_members(tx, set, true, m, n, false, err);
	return doom(tx, ret);
}

int sc_tx_members(struct sc_tx *tx, u32 id, const char *name, bool add,
		  const struct strata_member *m, u32 n, bool exist_ok,
		  struct sc_err *err)
{
	const struct sc_ipset *set;
	int ret;

	ret = tx_op(tx, err);
	if (ret)
		return doom(tx, ret);
	set = view_ipset(tx, id, name);
	if (!set)
		return doom(tx, sc_errf(err, -ENOENT, "no such IP set",
					SC_OBJ_IPSET, id, 0));
	return doom(tx, stage_members(tx, set, add, m, n, exist_ok, err));
}

int sc_tx_put_endpoint(struct sc_tx *tx, struct sc_endpoint *e, bool replace,
		       struct sc_err *err)
{
	void *old;
	int ret;

	ret = tx_op(tx, err);
	if (!ret)
		ret = sc_endpoint_check(e, err);
	if (!ret)
		ret = tx_put(tx, SC_OBJ_ENDPOINT, e, replace, &old, err);
	if (ret)
		sc_endpoint_put(e);
	return doom(tx, ret);
}

int sc_tx_del(struct sc_tx *tx, u8 kind, u32 id, const char *name,
	      struct sc_err *err)
{
	u32 k, found;
	void *prev, *obj;
	int ret;

	ret = tx_op(tx, err);
	if (ret)
		return doom(tx, ret);
	if (kind < SC_OBJ_TIER || kind > SC_OBJ_ENDPOINT)
		return doom(tx, sc_errf(err, -EINVAL, "unknown object kind",
					kind, id, 0));
	k = kidx(kind);
	found = view_find(tx, kind, id, name);
	if (!found)
		return doom(tx, sc_errf(err, -ENOENT, "no such object", kind,
					id, 0));
	obj = view_get(tx, kind, found);
	if (kind == SC_OBJ_IPSET) {
		ret = drop_members(tx, found, err);
		if (ret)
			return doom(tx, ret);
	}
	if (kind == SC_OBJ_POLICY)
		tx->n_rules -= policy_rules(obj);
	prev = sc_objmap_del(&tx->put[k], found);
	if (prev)
		obj_put(kind, prev);
	if (!tx->flushed && sc_objmap_get(&tx->s->maps[k], found) &&
	    sc_objmap_set(&tx->del[k], found, "", NULL, &prev))
		return doom(tx, sc_errf(err, -ENOMEM, "out of memory", kind,
					found, 0));
	tx->n[k]--;
	return 0;
}

int sc_tx_set_settings(struct sc_tx *tx, const struct sc_settings *set,
		       struct sc_err *err)
{
	int ret = tx_op(tx, err);

	if (!ret)
		ret = sc_settings_check(set, &tx->s->caps, err);
	if (ret)
		return doom(tx, ret);
	tx->settings = *set;
	tx->has_settings = true;
	return 0;
}

int sc_tx_flush(struct sc_tx *tx, struct sc_err *err)
{
	struct sc_state *s = tx->s;
	struct sc_objent *e;
	u32 k;
	int ret;

	ret = tx_op(tx, err);
	if (ret)
		return doom(tx, ret);
	/* members of every set in the view go */
	for (e = sc_objmap_next(&tx->put[kidx(SC_OBJ_IPSET)], 0); e;
	     e = sc_objmap_next(&tx->put[kidx(SC_OBJ_IPSET)], e->id))
		if (drop_members(tx, e->id, err))
			return doom(tx, err->code);
	if (!tx->flushed)
		for (e = sc_objmap_next(&s->maps[kidx(SC_OBJ_IPSET)], 0); e;
		     e = sc_objmap_next(&s->maps[kidx(SC_OBJ_IPSET)], e->id))
			if (!sc_objmap_get(&tx->del[kidx(SC_OBJ_IPSET)],
					   e->id) &&
			    !sc_objmap_get(&tx->put[kidx(SC_OBJ_IPSET)],
					   e->id) &&
			    drop_members(tx, e->id, err))
				return doom(tx, err->code);
	for (k = 0; k < NKINDS; k++) {
		for (e = sc_objmap_next(&tx->put[k], 0); e;
		     e = sc_objmap_next(&tx->put[k], e->id))
			obj_put(k + SC_OBJ_TIER, e->obj);
		sc_objmap_release(&tx->put[k]);
		sc_objmap_release(&tx->del[k]);
		tx->n[k] = 0;
	}
	tx->flushed = true;
	tx->n_rules = 0;
	tx->n_members = 0;
	return 0;
}

/* ---- commit: references ------------------------------------------------ */

/* Referrer-count changes per target, in objmaps' .count as s32. */
struct refs {
	struct sc_objmap d[NKINDS];
};

static int ref_add(struct refs *r, u8 kind, u32 id, int sign)
{
	struct sc_objmap *m = &r->d[kidx(kind)];
	struct sc_objent *e = sc_objmap_get(m, id);
	void *old;

	if (!e) {
		if (sc_objmap_set(m, id, "", NULL, &old))
			return -ENOMEM;
		e = sc_objmap_get(m, id);
	}
	e->count = (u32)((s32)e->count + sign);
	return 0;
}

static int ref_target(struct sc_tx *tx, struct refs *r, u8 kind, u32 id,
		      int sign, u8 from_kind, u32 from_id, struct sc_err *err)
{
	if (sign > 0 && !view_get(tx, kind, id))
		return sc_errf(err, -ENOENT,
			       kind == SC_OBJ_TIER ? "refers to a tier that does not exist" :
			       kind == SC_OBJ_POLICY ? "refers to a policy that does not exist" :
			       "refers to an IP set that does not exist",
			       from_kind, from_id, id);
	if (ref_add(r, kind, id, sign))
		return sc_errf(err, -ENOMEM, "out of memory", from_kind,
			       from_id, 0);
	return 0;
}

static int set_refs(struct sc_tx *tx, struct refs *r, const u32 *ids, u32 n,
		    bool port, int sign, u32 pol, struct sc_err *err)
{
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		const struct sc_ipset *set;

		ret = ref_target(tx, r, SC_OBJ_IPSET, ids[i], sign,
				 SC_OBJ_POLICY, pol, err);
		if (ret)
			return ret;
		if (sign < 0)
			continue;
		set = view_get(tx, SC_OBJ_IPSET, ids[i]);
		if (port && set->kind != STRATA_IPSET_ADDR_PORT)
			return sc_errf(err, -EINVAL,
				       "named-port match refers to a set that is not address+port",
				       SC_OBJ_POLICY, pol, ids[i]);
		if (!port && set->kind == STRATA_IPSET_ADDR_PORT)
			return sc_errf(err, -EINVAL,
				       "address match refers to an address+port set",
				       SC_OBJ_POLICY, pol, ids[i]);
	}
	return 0;
}

/* The IP sets one side of a rule of policy @pol refers to. */
static int ent_refs(struct sc_tx *tx, struct refs *r, const struct sc_ent *e,
		    int sign, u32 pol, struct sc_err *err)
{
	int ret;

	ret = set_refs(tx, r, e->sets, e->n_sets, false, sign, pol, err);
	if (!ret)
		ret = set_refs(tx, r, e->not_sets, e->n_not_sets, false, sign,
			       pol, err);
	if (!ret)
		ret = set_refs(tx, r, e->psets, e->n_psets, true, sign, pol,
			       err);
	if (!ret)
		ret = set_refs(tx, r, e->not_psets, e->n_not_psets, true, sign,
			       pol, err);
	return ret;
}

static int collect_refs(struct sc_tx *tx, struct refs *r, u8 kind,
			const void *obj, int sign, struct sc_err *err)
{
	u32 l, i, j, d;
	int ret = 0;

	if (kind == SC_OBJ_POLICY) {
		const struct sc_policy *p = obj;

		for (d = 0; d < SC_NDIRS; d++)
			for (i = 0; i < p->n_rules[d]; i++) {
				const struct sc_rule *ru = &p->rules[d][i];
				const struct sc_ent *ents[2] = { &ru->src,
								 &ru->dst };

				for (j = 0; j < 2 && !ret; j++)
					ret = ent_refs(tx, r, ents[j], sign,
						       p->id, err);
				if (ret)
					return ret;
			}
		return 0;
	}
	if (kind == SC_OBJ_ENDPOINT) {
		const struct sc_endpoint *e = obj;

		for (i = 0; i < e->n_profiles && !ret; i++)
			ret = ref_target(tx, r, SC_OBJ_POLICY, e->profiles[i],
					 sign, kind, e->id, err);
		for (l = 0; l < __STRATA_LIST_MAX && !ret; l++)
			for (i = 0; i < e->lists[l].n && !ret; i++) {
				const struct sc_tierref *tr =
					&e->lists[l].refs[i];

				ret = ref_target(tx, r, SC_OBJ_TIER, tr->tier,
						 sign, kind, e->id, err);
				for (j = 0; j < tr->n_policies && !ret; j++)
					ret = ref_target(tx, r, SC_OBJ_POLICY,
							 tr->policies[j], sign,
							 kind, e->id, err);
			}
	}
	return ret;
}

/* Was committed object @id of @kind replaced or deleted by @tx? */
static bool tx_changes(const struct sc_tx *tx, u8 kind, u32 id)
{
	u32 k = kidx(kind);

	return tx->flushed || sc_objmap_get(&tx->put[k], id) ||
	       sc_objmap_get(&tx->del[k], id);
}

static int check_refs(struct sc_tx *tx, struct refs *r, struct sc_err *err)
{
	static const u8 referrers[] = { SC_OBJ_POLICY, SC_OBJ_ENDPOINT };
	struct sc_state *s = tx->s;
	struct sc_objent *e;
	u32 i, k;
	int ret;

	for (i = 0; i < ARRAY_SIZE(referrers); i++) {
		u8 kind = referrers[i];

		k = kidx(kind);
		/* references of committed objects that go away */
		for (e = sc_objmap_next(&s->maps[k], 0); e;
		     e = sc_objmap_next(&s->maps[k], e->id)) {
			if (!tx_changes(tx, kind, e->id))
				continue;
			ret = collect_refs(tx, r, kind, e->obj, -1, err);
			if (ret)
				return ret;
		}
		/* references of new objects, which must resolve */
		for (e = sc_objmap_next(&tx->put[k], 0); e;
		     e = sc_objmap_next(&tx->put[k], e->id)) {
			ret = collect_refs(tx, r, kind, e->obj, 1, err);
			if (ret)
				return ret;
		}
	}
	/*
	 * Turn the changes into final referrer counts: the apply step may
	 * delete and re-create a map entry (flush), losing its old count.
	 */
	for (k = 0; k < NKINDS; k++)
		for (e = sc_objmap_next(&r->d[k], 0); e;
		     e = sc_objmap_next(&r->d[k], e->id)) {
			struct sc_objent *c = sc_objmap_get(&s->maps[k], e->id);
			s64 users = (s64)(c ? c->users : 0) + (s32)e->count;

			e->count = users > 0 ? (u32)users : 0;
		}
	/* nothing may disappear while something still refers to it */
	for (k = 0; k < NKINDS - 1; k++) {
		u8 kind = k + SC_OBJ_TIER;

		for (e = sc_objmap_next(&s->maps[k], 0); e;
		     e = sc_objmap_next(&s->maps[k], e->id)) {
			struct sc_objent *d = sc_objmap_get(&r->d[k], e->id);
			u32 users = d ? d->count : e->users;

			if (users > 0 && !view_get(tx, kind, e->id))
				return sc_errf(err, -EBUSY,
					       "still referred to: cannot delete",
					       kind, e->id, (u32)users);
		}
	}
	return 0;
}

static int check_endpoints(struct sc_tx *tx, const struct sc_settings *set,
			   struct sc_err *err)
{
	struct sc_objmap *puts = &tx->put[kidx(SC_OBJ_ENDPOINT)];
	struct sc_state *s = tx->s;
	struct sc_objmap names;
	struct sc_objent *e, *o;
	int ret = 0;
	void *old;

	sc_objmap_init(&names, s->env);
	for (e = sc_objmap_next(puts, 0); e && !ret; e = sc_objmap_next(puts, e->id)) {
		const struct sc_endpoint *ep = e->obj;

		o = sc_objmap_get_name(&names, ep->ifname);
		if (o) {
			ret = sc_errf(err, -EEXIST,
				      "another endpoint has this interface name",
				      SC_OBJ_ENDPOINT, ep->id, o->id);
			break;
		}
		if (sc_objmap_set(&names, ep->id, ep->ifname, NULL, &old)) {
			ret = sc_errf(err, -ENOMEM, "out of memory",
				      SC_OBJ_ENDPOINT, ep->id, 0);
			break;
		}
		o = tx->flushed ? NULL : sc_objmap_get_name(&s->ifmap, ep->ifname);
		if (o && o->id != ep->id && !tx_changes(tx, SC_OBJ_ENDPOINT, o->id))
			ret = sc_errf(err, -EEXIST,
				      "another endpoint has this interface name",
				      SC_OBJ_ENDPOINT, ep->id, o->id);
	}
	sc_objmap_release(&names);
	if (ret)
		return ret;
	/* marks must lie within the (possibly new) mask */
	for (e = sc_objmap_next(puts, 0); e; e = sc_objmap_next(puts, e->id)) {
		const struct sc_endpoint *ep = e->obj;

		if (ep->mark & ~set->mark_mask)
			return sc_errf(err, -EINVAL,
				       "endpoint mark has bits outside the mark mask",
				       SC_OBJ_ENDPOINT, ep->id, ep->mark);
	}
	if (tx->has_settings && !tx->flushed)
		for (e = sc_objmap_next(&s->maps[kidx(SC_OBJ_ENDPOINT)], 0); e;
		     e = sc_objmap_next(&s->maps[kidx(SC_OBJ_ENDPOINT)], e->id)) {
			const struct sc_endpoint *ep = e->obj;

			if (!tx_changes(tx, SC_OBJ_ENDPOINT, ep->id) &&
			    (ep->mark & ~set->mark_mask))
				return sc_errf(err, -EINVAL,
					       "endpoint mark has bits outside the new mark mask",
					       SC_OBJ_ENDPOINT, ep->id, ep->mark);
		}
	return 0;
}

static int check_limits(struct sc_tx *tx, const struct sc_settings *set,
			struct sc_err *err)
{
	u32 k;

	for (k = 0; k < NKINDS; k++)
		if (tx->n[k] > limit_of(&set->limits, k + SC_OBJ_TIER))
			return sc_errf(err, -ENOSPC, "object limit reached",
				       k + SC_OBJ_TIER, 0,
				       limit_of(&set->limits, k + SC_OBJ_TIER));
	if (tx->n_rules > set->limits.rules)
		return sc_errf(err, -ENOSPC, "rule limit reached",
			       SC_OBJ_POLICY, 0, set->limits.rules);
	if (tx->n_members > set->limits.members)
		return sc_errf(err, -ENOSPC, "member limit reached",
			       SC_OBJ_IPSET, 0, set->limits.members);
	return 0;
}

/* ---- commit: applying, with an undo log ---------------------------------- */

struct undo {
	u8 map;		/* kidx, or NKINDS for the interface map */
	bool inserted;	/* undo: delete (else re-insert @obj) */
	u32 id;
	u32 users, count;
	const char *name;
	void *obj;
};

struct applier {
	struct sc_state *s;
	u32 n, cap;
	struct undo *log;
};

static struct sc_objmap *amap(struct sc_state *s, u8 map)
{
	return map == NKINDS ? &s->ifmap : &s->maps[map];
}

static void log_push(struct applier *a, u8 map, bool inserted, u32 id,
		     struct sc_objent *prev, void *obj, const char *name)
{
	struct undo *u = &a->log[a->n++];

	u->map = map;
	u->inserted = inserted;
	u->id = id;
	u->obj = obj;
	u->name = name;
	u->users = prev ? prev->users : 0;
	u->count = prev ? prev->count : 0;
}

static void apply_set(struct applier *a, u8 map, u32 id, const char *name,
		      void *obj)
{
	struct sc_objmap *m = amap(a->s, map);
	struct sc_objent *e = sc_objmap_get(m, id);
	void *old;

	if (e)
		log_push(a, map, false, id, e, e->obj, e->name);
	else
		log_push(a, map, true, id, NULL, NULL, NULL);
	/* cannot fail: reserved */
	sc_objmap_set(m, id, name, obj, &old);
}

static void apply_del(struct applier *a, u8 map, u32 id)
{
	struct sc_objmap *m = amap(a->s, map);
	struct sc_objent *e = sc_objmap_get(m, id);

	if (!e)
		return;
	log_push(a, map, false, id, e, e->obj, e->name);
	sc_objmap_del(m, id);
}

static void undo_all(struct applier *a)
{
	void *old;

	while (a->n) {
		struct undo *u = &a->log[--a->n];
		struct sc_objmap *m = amap(a->s, u->map);
		struct sc_objent *e;

		if (u->inserted) {
			sc_objmap_del(m, u->id);
			continue;
		}
		sc_objmap_set(m, u->id, u->name, u->obj, &old);
		e = sc_objmap_get(m, u->id);
		e->users = u->users;
		e->count = u->count;
	}
}

static int apply(struct sc_tx *tx, struct applier *a, struct sc_err *err)
{
	struct sc_state *s = tx->s;
	struct sc_objent *e;
	u32 k, total = 0;

	for (k = 0; k < NKINDS; k++) {
		u32 n = tx->put[k].n + (tx->flushed ? s->maps[k].n :
					tx->del[k].n);

		total += n;
		if (sc_objmap_reserve(&s->maps[k], n))
			goto nomem;
		if (k == kidx(SC_OBJ_ENDPOINT) &&
		    sc_objmap_reserve(&s->ifmap, 2 * n))
			goto nomem;
	}
	/* each change logs at most three entries (object, interface map) */
	a->cap = 3 * total + 1;
	a->log = sc_alloc(s->env, a->cap * sizeof(*a->log));
	if (!a->log)
		goto nomem;

	for (k = 0; k < NKINDS; k++) {
		u8 kind = k + SC_OBJ_TIER;

		if (tx->flushed) {
			while ((e = sc_objmap_next(&s->maps[k], 0))) {
				if (kind == SC_OBJ_ENDPOINT)
					apply_del(a, NKINDS, e->id);
				apply_del(a, k, e->id);
			}
		} else {
			for (e = sc_objmap_next(&tx->del[k], 0); e;
			     e = sc_objmap_next(&tx->del[k], e->id)) {
				if (kind == SC_OBJ_ENDPOINT)
					apply_del(a, NKINDS, e->id);
				apply_del(a, k, e->id);
			}
		}
		for (e = sc_objmap_next(&tx->put[k], 0); e;
		     e = sc_objmap_next(&tx->put[k], e->id)) {
			if (kind == SC_OBJ_ENDPOINT) {
				const struct sc_endpoint *ep = e->obj;

				apply_del(a, NKINDS, e->id);
				apply_set(a, NKINDS, e->id, ep->ifname, NULL);
			}
			apply_set(a, k, e->id, e->name, e->obj);
		}
	}
	return 0;
nomem:
	return sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_TX, 0, 0);
}

/* The transaction's references are now the maps': drop what was replaced. */
static void apply_done(struct sc_tx *tx, struct applier *a,
		       const struct refs *r)
{
	struct sc_state *s = tx->s;
	struct sc_objent *e, *t;
	u32 i, k;

	for (i = 0; i < a->n; i++) {
		struct undo *u = &a->log[i];

		if (!u->inserted && u->map < NKINDS && u->obj)
			obj_put(u->map + SC_OBJ_TIER, u->obj);
	}
	for (k = 0; k < NKINDS; k++) {
		/* the maps own the objects now */
		for (e = sc_objmap_next(&tx->put[k], 0); e;
		     e = sc_objmap_next(&tx->put[k], e->id))
			e->obj = NULL;
		for (e = sc_objmap_next(&r->d[k], 0); e;
		     e = sc_objmap_next(&r->d[k], e->id)) {
			t = sc_objmap_get(&s->maps[k], e->id);
			if (t)
				t->users = e->count;	/* final, see check_refs */
		}
	}
	for (e = sc_objmap_next(&tx->counts, 0); e;
	     e = sc_objmap_next(&tx->counts, e->id)) {
		t = sc_objmap_get(&s->maps[kidx(SC_OBJ_IPSET)], e->id);
		if (t)
			t->count = e->count;
	}
	s->n_rules = tx->n_rules;
	s->n_members = tx->n_members;
	sc_free(s->env, a->log, a->cap * sizeof(*a->log));
}

/* Objects entering the committed state get their counters. */
static int alloc_counters(struct sc_tx *tx, struct sc_err *err)
{
	struct sc_env *env = tx->s->env;
	struct sc_objent *e;

	for (e = sc_objmap_next(&tx->put[kidx(SC_OBJ_TIER)], 0); e;
	     e = sc_objmap_next(&tx->put[kidx(SC_OBJ_TIER)], e->id)) {
		struct sc_tier *t = e->obj;

		t->n_ctr = SC_TIER_COUNTERS;
		t->ctr = sc_ctr_alloc(env, t->n_ctr);
		if (!t->ctr)
			goto nomem;
	}
	for (e = sc_objmap_next(&tx->put[kidx(SC_OBJ_POLICY)], 0); e;
	     e = sc_objmap_next(&tx->put[kidx(SC_OBJ_POLICY)], e->id)) {
		struct sc_policy *p = e->obj;

		p->n_ctr = sc_policy_counters(p);
		p->ctr = sc_ctr_alloc(env, p->n_ctr);
		if (!p->ctr)
			goto nomem;
	}
	for (e = sc_objmap_next(&tx->put[kidx(SC_OBJ_ENDPOINT)], 0); e;
	     e = sc_objmap_next(&tx->put[kidx(SC_OBJ_ENDPOINT)], e->id)) {
		struct sc_endpoint *ep = e->obj;

		ep->n_ctr = SC_EP_COUNTERS;
		ep->ctr = sc_ctr_alloc(env, ep->n_ctr);
		if (!ep->ctr)
			goto nomem;
	}
	return 0;
nomem:
	/* the objects (and counters so far) go with the transaction */
	return sc_errf(err, -ENOMEM, "out of memory for counters", SC_OBJ_TX,
		       0, 0);
}

int sc_tx_commit(struct sc_tx *tx, struct sc_runtime **rt, struct sc_err *err)
{
	struct sc_state *s = tx->s;
	const struct sc_settings *set = tx_settings(tx);
	struct applier a = { .s = s };
	bool changed[NKINDS];
	struct refs r;
	u32 k;
	int ret;

	*rt = NULL;
	if (tx->doomed) {
		sc_errf(err, -EINVAL,
			"transaction aborted: an earlier request in it failed",
			SC_OBJ_TX, 0, 0);
		sc_tx_abort(tx);
		return -EINVAL;
	}
	for (k = 0; k < NKINDS; k++) {
		sc_objmap_init(&r.d[k], s->env);
		changed[k] = tx->flushed || tx->put[k].n || tx->del[k].n;
	}
	ret = check_refs(tx, &r, err);
	if (!ret)
		ret = check_endpoints(tx, set, err);
	if (!ret)
		ret = check_limits(tx, set, err);
	if (!ret && tx->staged) {
		ret = sc_aidx_prepare(&s->aidx, !s->slot);
		if (ret)
			sc_errf(err, ret, "out of memory", SC_OBJ_TX, 0, 0);
	}
	if (!ret)
		ret = alloc_counters(tx, err);
	if (!ret)
		ret = apply(tx, &a, err);
	if (!ret) {
		ret = runtime_build(s, s->generation + 1, !s->slot, set,
				    changed, rt, err);
		if (ret)
			undo_all(&a);
	}
	if (ret) {
		if (a.log)
			sc_free(s->env, a.log, a.cap * sizeof(*a.log));
		for (k = 0; k < NKINDS; k++)
			sc_objmap_release(&r.d[k]);
		sc_tx_abort(tx);
		return ret;
	}
	apply_done(tx, &a, &r);
	for (k = 0; k < NKINDS; k++)
		sc_objmap_release(&r.d[k]);
	if (tx->has_settings)
		s->settings = tx->settings;
	s->generation++;
	s->slot = !s->slot;
	s->retired = s->rt;
	s->rt = *rt;
	s->need_finish = true;
	tx_free(tx);
	return 0;
}

bool sc_state_needs_finish(const struct sc_state *s)
{
	return s->need_finish;
}

void sc_commit_finish(struct sc_state *s)
{
	runtime_free(s, s->retired);
	s->retired = NULL;
	sc_aidx_sync(&s->aidx, s->slot);
	sc_aidx_reclaim(&s->aidx);
	s->need_finish = false;
}

/* ---- runtimes ---------------------------------------------------------- */

u32 sc_ifname_hash(const char *ifname)
{
	return sc_hash_bytes(ifname, strnlen(ifname, STRATA_IFNAME_LEN), 0);
}

const struct sc_ep_rt *sc_runtime_ep(const struct sc_runtime *rt,
				     const char *ifname)
{
	u32 i = sc_ifname_hash(ifname) & rt->tab_mask;
	const struct sc_ep_rt *e;

	while ((e = rt->tab[i])) {
		if (!strncmp(e->ep->ifname, ifname, STRATA_IFNAME_LEN))
			return e;
		i = (i + 1) & rt->tab_mask;
	}
	return NULL;
}

static bool has_prefix(const struct sc_endpoint *ep,
		       const struct strata_prefix *a)
{
	u32 i;

	for (i = 0; ep && i < ep->n_addrs; i++)
		if (ep->addrs[i].family == a->family &&
		    ep->addrs[i].prefix_len == a->prefix_len &&
		    !memcmp(ep->addrs[i].addr, a->addr, 16))
			return true;
	return false;
}

static struct sc_ep_rt *old_ep(const struct sc_runtime *old, u32 id);

void sc_runtime_lost_addrs(const struct sc_runtime *old,
			   const struct sc_runtime *new,
			   void (*fn)(void *arg, const struct strata_prefix *a),
			   void *arg)
{
	u32 i, j;

	for (i = 0; old && i < old->n_eps; i++) {
		const struct sc_endpoint *o = old->eps[i]->ep;
		const struct sc_ep_rt *n;

		if (o->kind != STRATA_EP_WORKLOAD)
			continue;
		n = old_ep(new, o->id);
		if (n && n->ep == o)
			continue;	/* unchanged */
		for (j = 0; j < o->n_addrs; j++)
			if (!n || n->ep->kind != STRATA_EP_WORKLOAD ||
			    !has_prefix(n->ep, &o->addrs[j]))
				fn(arg, &o->addrs[j]);
	}
}

static void ep_rt_put(struct sc_state *s, struct sc_ep_rt *e)
{
	u32 l, f;

	if (!e || --e->refs)
		return;
	for (l = 0; l < __STRATA_LIST_MAX; l++)
		for (f = 0; f < 2; f++)
			sc_prog_put(s->pc, e->prog[l][f]);
	sc_endpoint_put(e->ep);
	sc_free(s->env, e, sizeof(*e));
}

static void runtime_free(struct sc_state *s, struct sc_runtime *rt)
{
	u32 i;

	if (!rt)
		return;
	for (i = 0; i < rt->n_eps; i++)
		ep_rt_put(s, rt->eps[i]);
	sc_free(s->env, rt->eps, rt->n_eps * sizeof(*rt->eps));
	sc_free(s->env, rt->tab, (rt->tab_mask + 1) * sizeof(*rt->tab));
	sc_free(s->env, rt, sizeof(*rt));
}

/* Which program inputs list @l of endpoint @ep has (false: none). */
static bool list_in(const struct sc_endpoint *ep, u8 l, u8 family,
		    struct sc_prog_in *in)
{
	memset(in, 0, sizeof(*in));
	in->list = l;
	in->family = family;
	switch (l) {
	case STRATA_LIST_INGRESS:
	case STRATA_LIST_EGRESS:
		/* always evaluated: profiles and the no-match action */
		in->profiles = true;
		in->final = ep->no_match;
		return true;
	case STRATA_LIST_UNTRACKED_INGRESS:
	case STRATA_LIST_UNTRACKED_EGRESS:
	case STRATA_LIST_PREDNAT_INGRESS:
		in->force_pass = true;
		in->final = SC_ACT_CONTINUE;
		return ep->lists[l].n > 0;
	default:
		/* forward: no tier applies -> no opinion (allowed) */
		in->final = SC_ACT_CONTINUE;
		return ep->lists[l].n > 0;
	}
}

/* Does @ep refer to a tier or policy that this transaction changes? */
static bool ep_refs_changed(const struct sc_tx *tx, const struct sc_endpoint *ep)
{
	u32 l, i, j;

	if (!tx)
		return true;
	if (tx->flushed)
		return true;
	for (i = 0; i < ep->n_profiles; i++)
		if (tx_changes(tx, SC_OBJ_POLICY, ep->profiles[i]))
			return true;
	for (l = 0; l < __STRATA_LIST_MAX; l++)
		for (i = 0; i < ep->lists[l].n; i++) {
			const struct sc_tierref *tr = &ep->lists[l].refs[i];

			if (tx_changes(tx, SC_OBJ_TIER, tr->tier))
				return true;
			for (j = 0; j < tr->n_policies; j++)
				if (tx_changes(tx, SC_OBJ_POLICY,
					       tr->policies[j]))
					return true;
		}
	return false;
}

/* The previous runtime's entry for endpoint @id (eps are in id order). */
static struct sc_ep_rt *old_ep(const struct sc_runtime *old, u32 id)
{
	u32 lo = 0, hi = old ? old->n_eps : 0;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		u32 mid_id = old->eps[mid]->ep->id;

		if (mid_id < id)
			lo = mid + 1;
		else if (mid_id > id)
			hi = mid;
		else
			return old->eps[mid];
	}
	return NULL;
}

static struct sc_ep_rt *ep_rt_build(struct sc_state *s,
				    struct sc_endpoint *ep,
				    struct sc_err *err)
{
	struct sc_ep_rt *e = sc_alloc(s->env, sizeof(*e));
	struct sc_prog_in in;
	u32 l, f;

	if (!e) {
		sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_ENDPOINT, ep->id,
			0);
		return NULL;
	}
	e->refs = 1;
	e->ep = ep;
	ep->refs++;
	for (l = 0; l < __STRATA_LIST_MAX; l++)
		for (f = 0; f < 2; f++) {
			if (!list_in(ep, l, f ? STRATA_FAMILY_IPV6 :
					   STRATA_FAMILY_IPV4, &in))
				continue;
			e->prog[l][f] = sc_prog_get(s->pc, ep, &in,
						    &s->maps[kidx(SC_OBJ_TIER)],
						    &s->maps[kidx(SC_OBJ_POLICY)],
						    &s->maps[kidx(SC_OBJ_IPSET)],
						    err);
			if (!e->prog[l][f]) {
				ep_rt_put(s, e);
				return NULL;
			}
		}
	return e;
}

/*
 * Build the runtime for the committed maps (already applied). Endpoints
 * whose object and referenced tiers and policies are unchanged keep their
 * entry from the current runtime.
 */
static int runtime_build(struct sc_state *s, u64 generation, u8 slot,
			 const struct sc_settings *set, const bool *changed,
			 struct sc_runtime **out, struct sc_err *err)
{
	const struct sc_objmap *eps = &s->maps[kidx(SC_OBJ_ENDPOINT)];
	bool policy_changes = !changed || changed[kidx(SC_OBJ_TIER)] ||
			      changed[kidx(SC_OBJ_POLICY)];
	struct sc_runtime *rt;
	struct sc_objent *oe;
	u32 i = 0, size = 8;

	rt = sc_alloc(s->env, sizeof(*rt));
	if (!rt)
		goto nomem;
	rt->generation = generation;
	rt->slot = slot;
	rt->aidx = &s->aidx;
	rt->settings = *set;
	rt->owner = s;
	while (size < 2 * eps->n + 2)
		size *= 2;
	rt->tab_mask = size - 1;
	rt->tab = sc_alloc(s->env, size * sizeof(*rt->tab));
	rt->eps = eps->n ? sc_alloc(s->env, eps->n * sizeof(*rt->eps)) : NULL;
	if (!rt->tab || (eps->n && !rt->eps))
		goto nomem_rt;
	for (oe = sc_objmap_next(eps, 0); oe; oe = sc_objmap_next(eps, oe->id)) {
		struct sc_endpoint *ep = oe->obj;
		struct sc_ep_rt *e = old_ep(s->rt, ep->id);
		u32 h;

		if (e && e->ep == ep &&
		    (!policy_changes || !ep_refs_changed(s->tx, ep))) {
			e->refs++;
		} else {
			e = ep_rt_build(s, ep, err);
			if (!e)
				goto fail;
		}
		rt->eps[rt->n_eps++] = e;
		if (ep->kind == STRATA_EP_HOST && !strcmp(ep->ifname, "*")) {
			rt->host_star = e;
			continue;
		}
		h = sc_ifname_hash(ep->ifname) & rt->tab_mask;
		while (rt->tab[h])
			h = (h + 1) & rt->tab_mask;
		rt->tab[h] = e;
		i++;
	}
	*out = rt;
	return 0;
nomem_rt:
	sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_TX, 0, 0);
fail:
	runtime_free(s, rt);
	return err ? err->code : -ENOMEM;
nomem:
	return sc_errf(err, -ENOMEM, "out of memory", SC_OBJ_TX, 0, 0);
}
