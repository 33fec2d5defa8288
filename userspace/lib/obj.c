// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's requests: transactions, object changes, gets and dumps.
 * Each builds its messages with enc.c, sends them with nl.c and reads the
 * replies with dec.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "strata.h"
#include "nl.h"

/* Send what @ret says was encoded successfully, then free the vector. */
static int run(struct strata_nl *nl, struct strata_reqv *rv, int ret,
	       struct strata_err *err)
{
	if (!ret)
		ret = strata_nl_send(nl, rv, err);
	strata_reqv_free(rv);
	return ret;
}

/* One message, its replies to @fn. */
static int request(struct strata_nl *nl, struct strata_reqv *rv, int ret,
		   strata_rx_fn fn, void *arg, uint64_t *generation,
		   struct strata_err *err)
{
	if (!ret)
		ret = strata_nl_do(nl, &rv->v[0], fn, arg, generation, err);
	strata_reqv_free(rv);
	return ret;
}

static int simple(struct strata_nl *nl, uint8_t cmd, strata_rx_fn fn, void *arg,
		  struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return request(nl, &rv, strata_enc_simple(&rv, cmd, 0, err), fn, arg,
		       NULL, err);
}

/**
 * strata_tx_begin() - open the namespace's transaction on this handle
 * @nl: the handle
 * @err: -EBUSY if another socket holds the transaction
 *
 * Until strata_tx_commit() or strata_tx_abort(), every change sent on @nl
 * is queued in the transaction, and the library does not open implicit
 * ones.
 *
 * Return: 0 or a negative errno.
 */
int strata_tx_begin(struct strata_nl *nl, struct strata_err *err)
{
	int ret;

	if (nl->tx_open)
		return strata_err_set(
			err, -EBUSY,
			"a transaction is already open on this handle");
	ret = simple(nl, STRATA_CMD_TX_BEGIN, NULL, NULL, err);
	if (!ret)
		nl->tx_open = true;
	return ret;
}

static int parse_generation(const struct nlmsghdr *nlh,
			    const struct nlattr *const *tb, void *arg,
			    struct strata_err *err)
{
	uint64_t *gen = arg;

	if (tb[STRATA_A_GENERATION] &&
	    nla_len(tb[STRATA_A_GENERATION]) >= (int)sizeof(*gen))
		memcpy(gen, nla_data(tb[STRATA_A_GENERATION]), sizeof(*gen));
	return 0;
}

/**
 * strata_tx_commit() - apply the open transaction atomically
 * @nl: the handle
 * @generation: receives the new generation (may be NULL)
 * @err: why nothing was applied; the kernel's cookie names the object
 *       whose reference failed
 *
 * The transaction is over afterwards, whether the commit worked or not.
 *
 * Return: 0 or a negative errno.
 */
int strata_tx_commit(struct strata_nl *nl, uint64_t *generation,
		     struct strata_err *err)
{
	uint64_t gen = 0;
	int ret;

	if (!nl->tx_open)
		return strata_err_set(err, -EINVAL,
				      "no transaction is open on this handle");
	ret = simple(nl, STRATA_CMD_TX_COMMIT, parse_generation, &gen, err);
	nl->tx_open = false;
	if (!ret && generation)
		*generation = gen;
	return ret;
}

/**
 * strata_tx_abort() - discard the open transaction
 * @nl: the handle
 * @err: failure
 *
 * Return: 0 or a negative errno; the handle has no transaction afterwards
 * either way.
 */
int strata_tx_abort(struct strata_nl *nl, struct strata_err *err)
{
	int ret = simple(nl, STRATA_CMD_TX_ABORT, NULL, NULL, err);

	nl->tx_open = false;
	return ret;
}

bool strata_tx_is_open(const struct strata_nl *nl)
{
	return nl->tx_open;
}

/**
 * strata_put_tier() - create (or replace) a tier
 * @nl: the handle
 * @t: the tier
 * @replace: create or replace; otherwise -EEXIST if the id exists
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_put_tier(struct strata_nl *nl, const struct sc_tier *t, bool replace,
		    struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv, strata_enc_tier(&rv, t, replace, err), err);
}

/**
 * strata_put_policy() - create (or replace) a policy or profile
 * @nl: the handle
 * @p: the policy; its rules are split across messages as needed (inside a
 *     transaction: the caller's, or one of the library's own)
 * @replace: create or replace
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_put_policy(struct strata_nl *nl, const struct sc_policy *p,
		      bool replace, struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv, strata_enc_policy(&rv, p, replace, err), err);
}

/**
 * strata_put_ipset() - create (or replace) an IP set with its members
 * @nl: the handle
 * @s: the set's definition
 * @m: its members (may be NULL if @n is 0)
 * @n: how many; sent in as many messages as needed
 * @replace: create or replace; a replaced set has exactly @m afterwards
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_put_ipset(struct strata_nl *nl, const struct sc_ipset *s,
		     const struct strata_member *m, uint32_t n, bool replace,
		     struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv, strata_enc_ipset(&rv, s, m, n, replace, err), err);
}

/**
 * strata_put_endpoint() - create (or replace) an endpoint
 * @nl: the handle
 * @e: the endpoint (must fit one message)
 * @replace: create or replace
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_put_endpoint(struct strata_nl *nl, const struct sc_endpoint *e,
			bool replace, struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv, strata_enc_endpoint(&rv, e, replace, err), err);
}

/**
 * strata_del() - delete an object
 * @nl: the handle
 * @kind: SC_OBJ_TIER, _POLICY, _IPSET or _ENDPOINT
 * @id: its id, or 0 to select it by @name
 * @name: its name
 * @err: -ENOENT if there is none, -EBUSY if something refers to it
 *
 * Return: 0 or a negative errno.
 */
int strata_del(struct strata_nl *nl, uint8_t kind, uint32_t id,
	       const char *name, struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv,
		   strata_enc_ref(&rv, strata_kind_cmd(kind, STRATA_KCMD_DEL),
				  kind, id, name, false, err),
		   err);
}

/**
 * strata_members() - add members to a set, or remove them
 * @nl: the handle
 * @add: add, else remove
 * @id: the set's id, or 0 to select it by @name
 * @name: the set's name
 * @m: the members
 * @n: how many (split across messages as needed; 0 sends nothing)
 * @exist_ok: ignore members already present (add) or absent (remove)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_members(struct strata_nl *nl, bool add, uint32_t id,
		   const char *name, const struct strata_member *m, uint32_t n,
		   bool exist_ok, struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv,
		   strata_enc_members(&rv, add, id, name, m, n, exist_ok, err),
		   err);
}

/**
 * strata_flush() - delete every object (settings keep their values)
 * @nl: the handle
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_flush(struct strata_nl *nl, struct strata_err *err)
{
	return simple(nl, STRATA_CMD_FLUSH, NULL, NULL, err);
}

/**
 * strata_set_settings() - change some settings
 * @nl: the handle
 * @s: the values
 * @mask: which fields to send (STRATA_SETTINGS_F(STRATA_SET_A_x) bits);
 *        the others keep their values
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_set_settings(struct strata_nl *nl, const struct sc_settings *s,
			uint32_t mask, struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return run(nl, &rv, strata_enc_settings(&rv, s, mask, err), err);
}

static int parse_settings(const struct nlmsghdr *nlh,
			  const struct nlattr *const *tb, void *arg,
			  struct strata_err *err)
{
	if (!tb[STRATA_A_SETTINGS])
		return 0;
	return strata_dec_settings(tb[STRATA_A_SETTINGS], arg, NULL, err);
}

/**
 * strata_get_settings() - read every setting
 * @nl: the handle
 * @s: filled in (fields the kernel did not send are 0)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_get_settings(struct strata_nl *nl, struct sc_settings *s,
			struct strata_err *err)
{
	memset(s, 0, sizeof(*s));
	return simple(nl, STRATA_CMD_GET_SETTINGS, parse_settings, s, err);
}

static int parse_stats(const struct nlmsghdr *nlh,
		       const struct nlattr *const *tb, void *arg,
		       struct strata_err *err)
{
	if (!tb[STRATA_A_STATS])
		return 0;
	return strata_dec_stats(tb[STRATA_A_STATS], arg, err);
}

/**
 * strata_get_stats() - the namespace's statistics (STRATA_CMD_GET_STATS)
 * @nl: the handle
 * @st: filled in: object counts (as STRATA_IOC_STATS has them) and the
 *      enforcement counters
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_get_stats(struct strata_nl *nl, struct strata_stats *st,
		     struct strata_err *err)
{
	memset(st, 0, sizeof(*st));
	return simple(nl, STRATA_CMD_GET_STATS, parse_stats, st, err);
}

/* Reading objects: one context for every kind. */
struct reader {
	uint8_t kind;
	strata_tier_fn tier_fn;
	strata_policy_fn policy_fn;
	strata_ipset_fn ipset_fn;
	strata_endpoint_fn endpoint_fn;
	void *arg;
	struct strata_pasm pasm;
};

static int read_one(const struct nlattr *a, void *arg, struct strata_err *err)
{
	struct reader *r = arg;
	struct sc_endpoint *e;
	struct sc_ipset *s;
	struct sc_tier *t;
	uint32_t count;
	int ret;

	switch (r->kind) {
	case SC_OBJ_TIER:
		ret = strata_dec_tier(a, &t, err);
		return ret ? ret : r->tier_fn(t, r->arg);
	case SC_OBJ_POLICY:
		return strata_pasm_feed(&r->pasm, a, r->policy_fn, r->arg, err);
	case SC_OBJ_IPSET:
		ret = strata_dec_ipset(a, &s, &count, NULL, NULL, err);
		return ret ? ret : r->ipset_fn(s, count, r->arg);
	case SC_OBJ_ENDPOINT:
		ret = strata_dec_endpoint(a, &e, err);
		return ret ? ret : r->endpoint_fn(e, r->arg);
	}
	return -EINVAL;
}

/* Every object in a reply (one per message, or several). */
static int read_obj(const struct nlmsghdr *nlh, const struct nlattr *const *tb,
		    void *arg, struct strata_err *err)
{
	struct reader *r = arg;
	uint16_t type = strata_kind_attr(r->kind);

	if (!tb[type])
		return 0;
	return strata_msg_each(nlh, type, read_one, r, err);
}

static bool pasm_whole(const struct strata_pasm *a)
{
	unsigned int d;

	for (d = 0; d < SC_NDIRS; d++)
		if (a->have_count[d] && a->n[d] != a->count[d])
			return false;
	return true;
}

/* Return: 0, a negative errno, or 1 for a policy too large for a get. */
static int read_objs(struct strata_nl *nl, struct reader *r, uint32_t id,
		     const char *name, bool dump, uint64_t *generation,
		     struct strata_err *err)
{
	struct strata_reqv rv;
	int ret;

	strata_err_clear(err);
	strata_pasm_init(&r->pasm);
	strata_reqv_init(&rv, nl->family, 0);
	ret = strata_enc_ref(&rv, strata_kind_cmd(r->kind, STRATA_KCMD_GET),
			     r->kind, id, name, dump, err);
	ret = request(nl, &rv, ret, read_obj, r, generation, err);
	if (!ret && r->kind == SC_OBJ_POLICY) {
		/*
		 * A one-object reply that announces more rules than it
		 * carries: the policy did not fit; the caller reads a dump.
		 */
		if (!dump && r->pasm.open && !pasm_whole(&r->pasm))
			ret = 1;
		else
			ret = strata_pasm_finish(&r->pasm, r->policy_fn, r->arg,
						 err);
	}
	strata_pasm_release(&r->pasm);
	return ret;
}

/* Single-object gets keep what arrives. */
struct one {
	uint32_t id;
	const char *name;
	void *obj;
	uint32_t count;
	int n;
};

static bool one_match(const struct one *o, uint32_t id, const char *name)
{
	return o->id ? id == o->id : !strcmp(name, o->name ? o->name : "");
}

static int one_tier(struct sc_tier *t, void *arg)
{
	struct one *o = arg;

	if (o->obj || !one_match(o, t->id, t->name)) {
		sc_tier_put(t);
		return 0;
	}
	o->obj = t;
	return 0;
}

static int one_policy(struct sc_policy *p, void *arg)
{
	struct one *o = arg;

	if (o->obj || !one_match(o, p->id, p->name)) {
		sc_policy_put(p);
		return 0;
	}
	o->obj = p;
	return 0;
}

static int one_ipset(struct sc_ipset *s, uint32_t count, void *arg)
{
	struct one *o = arg;

	if (o->obj || !one_match(o, s->id, s->name)) {
		sc_ipset_put(s);
		return 0;
	}
	o->obj = s;
	o->count = count;
	return 0;
}

static int one_endpoint(struct sc_endpoint *e, void *arg)
{
	struct one *o = arg;

	if (o->obj || !one_match(o, e->id, e->name)) {
		sc_endpoint_put(e);
		return 0;
	}
	o->obj = e;
	return 0;
}

static int get_one(struct strata_nl *nl, struct reader *r, struct one *o,
		   struct strata_err *err)
{
	int ret;

	r->arg = o;
	ret = read_objs(nl, r, o->id, o->name, false, NULL, err);
	/*
	 * An object too large for one reply: the kernel refuses with
	 * -EMSGSIZE, or announces more rules than it sends. Pick it out of
	 * a dump instead.
	 */
	if (ret == 1 || (ret == -EMSGSIZE && err->src == STRATA_ERR_KERNEL))
		ret = read_objs(nl, r, 0, NULL, true, NULL, err);
	if (!ret && !o->obj) {
		if (o->id)
			return strata_err_set(err, -ENOENT, "%s %u not found",
					      sc_obj_kind_name(r->kind), o->id);
		return strata_err_set(err, -ENOENT, "%s \"%s\" not found",
				      sc_obj_kind_name(r->kind), o->name);
	}
	return ret;
}

static void put_obj(uint8_t kind, void *obj)
{
	switch (kind) {
	case SC_OBJ_TIER:
		sc_tier_put(obj);
		break;
	case SC_OBJ_POLICY:
		sc_policy_put(obj);
		break;
	case SC_OBJ_IPSET:
		sc_ipset_put(obj);
		break;
	case SC_OBJ_ENDPOINT:
		sc_endpoint_put(obj);
		break;
	}
}

static int get_kind(struct strata_nl *nl, uint8_t kind, uint32_t id,
		    const char *name, void **out, uint32_t *count,
		    struct strata_err *err)
{
	struct reader r = {
		.kind = kind,
		.tier_fn = one_tier,
		.policy_fn = one_policy,
		.ipset_fn = one_ipset,
		.endpoint_fn = one_endpoint,
	};
	struct one o = { .id = id, .name = name };
	struct strata_err e;
	int ret;

	*out = NULL;
	/* get_one() needs to see the error even if the caller does not */
	ret = get_one(nl, &r, &o, &e);
	if (err)
		*err = e;
	if (ret) {
		put_obj(kind, o.obj);
		return ret;
	}
	*out = o.obj;
	if (count)
		*count = o.count;
	return 0;
}

/**
 * strata_get_tier() - read one tier
 * @nl: the handle
 * @id: its id, or 0 to select it by @name
 * @name: its name
 * @out: the tier (the caller owns the reference)
 * @err: -ENOENT if there is none
 *
 * Return: 0 or a negative errno.
 */
int strata_get_tier(struct strata_nl *nl, uint32_t id, const char *name,
		    struct sc_tier **out, struct strata_err *err)
{
	return get_kind(nl, SC_OBJ_TIER, id, name, (void **)out, NULL, err);
}

/**
 * strata_get_policy() - read one policy with all its rules
 * @nl: the handle
 * @id: its id, or 0 to select it by @name
 * @name: its name
 * @out: the policy (the caller owns the reference)
 * @err: -ENOENT if there is none
 *
 * A reply that spans messages is reassembled; if the kernel's one-object
 * reply announces more rules than it carries, the policy is read from a
 * dump instead.
 *
 * Return: 0 or a negative errno.
 */
int strata_get_policy(struct strata_nl *nl, uint32_t id, const char *name,
		      struct sc_policy **out, struct strata_err *err)
{
	return get_kind(nl, SC_OBJ_POLICY, id, name, (void **)out, NULL, err);
}

/**
 * strata_get_ipset() - read one IP set's definition
 * @nl: the handle
 * @id: its id, or 0 to select it by @name
 * @name: its name
 * @out: the set (the caller owns the reference)
 * @count: its number of members (may be NULL)
 * @err: -ENOENT if there is none
 *
 * Return: 0 or a negative errno.
 */
int strata_get_ipset(struct strata_nl *nl, uint32_t id, const char *name,
		     struct sc_ipset **out, uint32_t *count,
		     struct strata_err *err)
{
	return get_kind(nl, SC_OBJ_IPSET, id, name, (void **)out, count, err);
}

/**
 * strata_get_endpoint() - read one endpoint
 * @nl: the handle
 * @id: its id, or 0 to select it by @name
 * @name: its name
 * @out: the endpoint (the caller owns the reference)
 * @err: -ENOENT if there is none
 *
 * Return: 0 or a negative errno.
 */
int strata_get_endpoint(struct strata_nl *nl, uint32_t id, const char *name,
			struct sc_endpoint **out, struct strata_err *err)
{
	return get_kind(nl, SC_OBJ_ENDPOINT, id, name, (void **)out, NULL, err);
}

/**
 * strata_dump_tiers() - every tier, one callback each
 * @nl: the handle
 * @fn: owns the tier it is given; a negative return stops the dump
 * @arg: its argument
 * @generation: the generation the dump read (may be NULL)
 * @err: failure; -EAGAIN if a commit interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_dump_tiers(struct strata_nl *nl, strata_tier_fn fn, void *arg,
		      uint64_t *generation, struct strata_err *err)
{
	struct reader r = { .kind = SC_OBJ_TIER, .tier_fn = fn, .arg = arg };

	return read_objs(nl, &r, 0, NULL, true, generation, err);
}

/**
 * strata_dump_policies() - every policy, reassembled, one callback each
 * @nl: the handle
 * @fn: owns the policy it is given; a negative return stops the dump
 * @arg: its argument
 * @generation: the generation the dump read (may be NULL)
 * @err: failure; -EAGAIN if a commit interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_dump_policies(struct strata_nl *nl, strata_policy_fn fn, void *arg,
			 uint64_t *generation, struct strata_err *err)
{
	struct reader r = { .kind = SC_OBJ_POLICY,
			    .policy_fn = fn,
			    .arg = arg };

	return read_objs(nl, &r, 0, NULL, true, generation, err);
}

/**
 * strata_dump_ipsets() - every IP set's definition and member count
 * @nl: the handle
 * @fn: owns the set it is given; a negative return stops the dump
 * @arg: its argument
 * @generation: the generation the dump read (may be NULL)
 * @err: failure; -EAGAIN if a commit interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_dump_ipsets(struct strata_nl *nl, strata_ipset_fn fn, void *arg,
		       uint64_t *generation, struct strata_err *err)
{
	struct reader r = { .kind = SC_OBJ_IPSET, .ipset_fn = fn, .arg = arg };

	return read_objs(nl, &r, 0, NULL, true, generation, err);
}

/**
 * strata_dump_endpoints() - every endpoint, one callback each
 * @nl: the handle
 * @fn: owns the endpoint it is given; a negative return stops the dump
 * @arg: its argument
 * @generation: the generation the dump read (may be NULL)
 * @err: failure; -EAGAIN if a commit interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_dump_endpoints(struct strata_nl *nl, strata_endpoint_fn fn,
			  void *arg, uint64_t *generation,
			  struct strata_err *err)
{
	struct reader r = { .kind = SC_OBJ_ENDPOINT,
			    .endpoint_fn = fn,
			    .arg = arg };

	return read_objs(nl, &r, 0, NULL, true, generation, err);
}

struct members_ctx {
	strata_members_fn fn;
	void *arg;
};

static int read_members_one(const struct nlattr *a, void *arg,
			    struct strata_err *err)
{
	struct members_ctx *c = arg;
	const struct strata_member *m;
	uint32_t n;
	int ret;

	ret = strata_dec_ipset(a, NULL, NULL, &m, &n, err);
	if (ret || !n)
		return ret;
	return c->fn(m, n, c->arg);
}

static int read_members(const struct nlmsghdr *nlh,
			const struct nlattr *const *tb, void *arg,
			struct strata_err *err)
{
	if (!tb[STRATA_A_IPSET])
		return 0;
	return strata_msg_each(nlh, STRATA_A_IPSET, read_members_one, arg, err);
}

/**
 * strata_dump_members() - one set's members (STRATA_CMD_GET_MEMBERS)
 * @nl: the handle
 * @id: the set's id, or 0 to select it by @name
 * @name: the set's name
 * @fn: called with each chunk of members (valid during the call only); a
 *      negative return stops the dump
 * @arg: its argument
 * @generation: the generation the dump read (may be NULL)
 * @err: failure; -EAGAIN if a commit interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_dump_members(struct strata_nl *nl, uint32_t id, const char *name,
			strata_members_fn fn, void *arg, uint64_t *generation,
			struct strata_err *err)
{
	struct members_ctx c = { .fn = fn, .arg = arg };
	struct strata_reqv rv;
	int ret;

	strata_err_clear(err);
	if (!id && (!name || !name[0]))
		return strata_err_set(err, -EINVAL,
				      "an IP set id or name is needed");
	strata_reqv_init(&rv, nl->family, 0);
	ret = strata_enc_ref(&rv, STRATA_CMD_GET_MEMBERS, SC_OBJ_IPSET, id,
			     name, true, err);
	return request(nl, &rv, ret, read_members, &c, generation, err);
}

struct members_vec {
	struct strata_member *v;
	uint32_t n, cap;
};

static int collect_members(const struct strata_member *m, uint32_t n, void *arg)
{
	struct members_vec *mv = arg;

	if ((uint64_t)mv->n + n > UINT32_MAX / sizeof(*m))
		return -ENOMEM;
	if (mv->n + n > mv->cap) {
		uint32_t cap = mv->cap ? mv->cap : 256;
		struct strata_member *v;

		while (cap < mv->n + n)
			cap *= 2;
		v = realloc(mv->v, (size_t)cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		mv->v = v;
		mv->cap = cap;
	}
	memcpy(mv->v + mv->n, m, (size_t)n * sizeof(*m));
	mv->n += n;
	return 0;
}

/**
 * strata_get_members() - all of one set's members in one array
 * @nl: the handle
 * @id: the set's id, or 0 to select it by @name
 * @name: the set's name
 * @out: a malloc()ed array (NULL if the set is empty); free() it
 * @n: its length
 * @err: failure; -EAGAIN if a commit interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_get_members(struct strata_nl *nl, uint32_t id, const char *name,
		       struct strata_member **out, uint32_t *n,
		       struct strata_err *err)
{
	struct members_vec mv = { 0 };
	int ret;

	ret = strata_dump_members(nl, id, name, collect_members, &mv, NULL,
				  err);
	if (ret) {
		free(mv.v);
		*out = NULL;
		*n = 0;
		return ret;
	}
	*out = mv.v;
	*n = mv.n;
	return 0;
}

struct counters_ctx {
	strata_counter_fn fn;
	void *arg;
};

static int read_counter_one(const struct nlattr *a, void *arg,
			    struct strata_err *err)
{
	struct counters_ctx *c = arg;
	struct strata_counter ctr;
	int ret;

	ret = strata_dec_counter(a, &ctr, err);
	return ret ? ret : c->fn(&ctr, c->arg);
}

/* Counter dumps carry many counters per message. */
static int read_counter(const struct nlmsghdr *nlh,
			const struct nlattr *const *tb, void *arg,
			struct strata_err *err)
{
	if (!tb[STRATA_A_COUNTER])
		return 0;
	return strata_msg_each(nlh, STRATA_A_COUNTER, read_counter_one, arg,
			       err);
}

/**
 * strata_dump_counters() - rule, tier default, profile and no-match
 * counters (STRATA_CMD_GET_COUNTERS)
 * @nl: the handle
 * @kind: 0 for all; else STRATA_CTR_*: the objects that kind of counter
 *        belongs to (rules and profile ends: policies; tier defaults:
 *        tiers; no-match: endpoints)
 * @id: with @kind, one object's counters (0: every object of the kind)
 * @fn: called per counter; a negative return stops the dump
 * @arg: its argument
 * @generation: the generation the dump read (may be NULL)
 * @err: failure; -ENOENT for an unknown object, -EAGAIN if a commit
 *       interrupted the dump
 *
 * Return: 0 or a negative errno.
 */
int strata_dump_counters(struct strata_nl *nl, uint8_t kind, uint32_t id,
			 strata_counter_fn fn, void *arg, uint64_t *generation,
			 struct strata_err *err)
{
	struct counters_ctx c = { .fn = fn, .arg = arg };
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return request(nl, &rv,
		       strata_enc_counters(&rv, STRATA_CMD_GET_COUNTERS, kind,
					   id, err),
		       read_counter, &c, generation, err);
}

/**
 * strata_reset_counters() - zero counters (STRATA_CMD_RESET_COUNTERS)
 * @nl: the handle
 * @kind: 0 for all, else as strata_dump_counters()
 * @id: with @kind, one object (0: every object of the kind)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_reset_counters(struct strata_nl *nl, uint8_t kind, uint32_t id,
			  struct strata_err *err)
{
	struct strata_reqv rv;

	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	return request(nl, &rv,
		       strata_enc_counters(&rv, STRATA_CMD_RESET_COUNTERS, kind,
					   id, err),
		       NULL, NULL, NULL, err);
}
