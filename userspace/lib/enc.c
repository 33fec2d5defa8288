// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Request encoders: model objects to "strata" generic netlink messages,
 * exactly as include/uapi/linux/strata.h lays them out.
 *
 * DOC: Encoding choices
 *
 * The uapi leaves a few things open; this file is the one place they are
 * decided:
 *
 *  - Every nested attribute carries NLA_F_NESTED (strict validation).
 *  - Elements of nested arrays (rules, tier references, workload prefixes)
 *    are numbered 1, 2, ... within each message.
 *  - Optional scalars are sent only when they say something: a rule's
 *    IP_VERSION when not 0, its COOKIE when not 0, its PROTO/ICMP matches
 *    when their STRATA_IMG_RULE_F_* bit is set, SRC/DST when a list is not
 *    empty; empty lists are never sent. Tiers always send DEFAULT_ACTION;
 *    endpoints always send KIND, MARK and NO_MATCH. Decoders read absent
 *    attributes as the model's defaults, so what is omitted round-trips.
 *  - Objects are selected by ID when it is not 0, else by NAME (never
 *    both).
 *  - A policy whose rules do not fit one message: the first NEW_POLICY
 *    carries ID, NAME and the rules that fit (with NLM_F_REPLACE if
 *    asked); each further NEW_POLICY carries ID, NAME, FLAGS =
 *    STRATA_POLICY_F_APPEND and the next rules. A single rule that does
 *    not fit an empty message is refused with -EMSGSIZE.
 *  - An IP set's members that do not fit: NEW_IPSET with the first ones
 *    (with NLM_F_REPLACE if asked: the set's members become exactly those
 *    sent in the transaction), then ADD_MEMBERS selecting the set by ID,
 *    without STRATA_F_EXIST. Member changes (ADD/DEL_MEMBERS) are cut the
 *    same way; STRATA_A_FLAGS is sent only when STRATA_F_EXIST is wanted.
 *  - Endpoints and settings have no continuation in the uapi: they must
 *    fit one message (-EMSGSIZE otherwise).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include "strata.h"
#include "nl.h"

void strata_reqv_init(struct strata_reqv *rv, int family, size_t budget)
{
	memset(rv, 0, sizeof(*rv));
	rv->family = family;
	rv->budget = budget ? budget : STRATA_MSG_BUDGET;
}

void strata_reqv_free(struct strata_reqv *rv)
{
	size_t i;

	for (i = 0; i < rv->n; i++)
		nlmsg_free(rv->v[i].msg);
	free(rv->v);
	rv->v = NULL;
	rv->n = rv->cap = 0;
}

/**
 * strata_reqv_add() - start a new request message at the end of a vector
 * @rv: the vector
 * @cmd: STRATA_CMD_*
 * @flags: netlink flags (NLM_F_REPLACE, NLM_F_DUMP)
 *
 * Return: the message (room for @rv->budget bytes), or NULL without memory.
 */
struct nl_msg *strata_reqv_add(struct strata_reqv *rv, uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	if (rv->n == rv->cap) {
		size_t cap = rv->cap ? rv->cap * 2 : 4;
		struct strata_req *v = realloc(rv->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		rv->v = v;
		rv->cap = cap;
	}
	msg = nlmsg_alloc_size(rv->budget);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, rv->family, 0,
			 NLM_F_REQUEST | flags, cmd, STRATA_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	memset(&rv->v[rv->n], 0, sizeof(rv->v[rv->n]));
	rv->v[rv->n++].msg = msg;
	return msg;
}

static struct strata_req *last_req(struct strata_reqv *rv)
{
	return &rv->v[rv->n - 1];
}

static int enomem(struct strata_err *err)
{
	return strata_err_set(err, -ENOMEM, "out of memory");
}

static struct nlattr *nest(struct nl_msg *m, int type)
{
	return nla_nest_start(m, type | NLA_F_NESTED);
}

/* A list as one binary attribute; nothing for an empty list. */
static int put_list(struct nl_msg *m, int type, const void *p, uint32_t n,
		    size_t size)
{
	if (!n)
		return 0;
	return nla_put(m, type, (int)(n * size), p);
}

/**
 * strata_kind_attr() - the top-level attribute that carries an object kind
 * @kind: SC_OBJ_TIER, _POLICY, _IPSET or _ENDPOINT
 *
 * Return: STRATA_A_TIER etc., or 0 for other kinds.
 */
uint16_t strata_kind_attr(uint8_t kind)
{
	switch (kind) {
	case SC_OBJ_TIER:
		return STRATA_A_TIER;
	case SC_OBJ_POLICY:
		return STRATA_A_POLICY;
	case SC_OBJ_IPSET:
		return STRATA_A_IPSET;
	case SC_OBJ_ENDPOINT:
		return STRATA_A_ENDPOINT;
	}
	return 0;
}

/**
 * strata_kind_cmd() - the command that creates, deletes or reads a kind
 * @kind: SC_OBJ_TIER, _POLICY, _IPSET or _ENDPOINT
 * @op: STRATA_KCMD_NEW, _DEL or _GET
 *
 * Return: STRATA_CMD_*, or STRATA_CMD_UNSPEC for other kinds.
 */
uint8_t strata_kind_cmd(uint8_t kind, int op)
{
	static const uint8_t cmds[][3] = {
		[SC_OBJ_TIER] = { STRATA_CMD_NEW_TIER, STRATA_CMD_DEL_TIER,
				  STRATA_CMD_GET_TIER },
		[SC_OBJ_POLICY] = { STRATA_CMD_NEW_POLICY,
				    STRATA_CMD_DEL_POLICY,
				    STRATA_CMD_GET_POLICY },
		[SC_OBJ_IPSET] = { STRATA_CMD_NEW_IPSET, STRATA_CMD_DEL_IPSET,
				   STRATA_CMD_GET_IPSET },
		[SC_OBJ_ENDPOINT] = { STRATA_CMD_NEW_ENDPOINT,
				      STRATA_CMD_DEL_ENDPOINT,
				      STRATA_CMD_GET_ENDPOINT },
	};

	if (kind < SC_OBJ_TIER || kind > SC_OBJ_ENDPOINT || op < 0 || op > 2)
		return STRATA_CMD_UNSPEC;
	return cmds[kind][op];
}

/**
 * strata_enc_simple() - a request without attributes
 * @rv: appended to
 * @cmd: TX_BEGIN, TX_COMMIT, TX_ABORT, GET_VERSION, GET_SETTINGS,
 *       GET_STATS or FLUSH
 * @flags: netlink flags
 * @err: out of memory
 *
 * Return: 0 or -ENOMEM.
 */
int strata_enc_simple(struct strata_reqv *rv, uint8_t cmd, int flags,
		      struct strata_err *err)
{
	return strata_reqv_add(rv, cmd, flags) ? 0 : enomem(err);
}

/* Selector of an object: ID if not 0, else NAME. */
static int put_ref(struct nl_msg *m, uint32_t id, const char *name)
{
	/* ID and NAME have the same type in every object kind */
	if (id)
		return nla_put_u32(m, STRATA_TIER_A_ID, id);
	return nla_put_string(m, STRATA_TIER_A_NAME, name ? name : "");
}

/**
 * strata_enc_ref() - a request that names one object, or a dump
 * @rv: appended to
 * @cmd: DEL_x, GET_x or GET_MEMBERS
 * @kind: SC_OBJ_* of x
 * @id: the object's id, or 0 to select by @name
 * @name: the object's name (when @id is 0)
 * @dump: send NLM_F_DUMP; the selector is sent only if @id or @name is set
 * @err: invalid arguments or out of memory
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_ref(struct strata_reqv *rv, uint8_t cmd, uint8_t kind,
		   uint32_t id, const char *name, bool dump,
		   struct strata_err *err)
{
	uint16_t type = strata_kind_attr(kind);
	struct nlattr *n;
	struct nl_msg *m;

	if (!type)
		return strata_err_set(err, -EINVAL, "no such object kind %u",
				      kind);
	if (!dump && !id && (!name || !name[0]))
		return strata_err_set(err, -EINVAL,
				      "an object id or name is needed");
	if (name && strlen(name) >= STRATA_NAME_LEN)
		return strata_err_set(err, -EINVAL,
				      "name is longer than 63 bytes");
	m = strata_reqv_add(rv, cmd, dump ? NLM_F_DUMP : 0);
	if (!m)
		return enomem(err);
	if (!id && (!name || !name[0]))
		return 0;
	n = nest(m, type);
	if (!n || put_ref(m, id, name) || nla_nest_end(m, n))
		return enomem(err);
	return 0;
}

/**
 * strata_enc_tier() - NEW_TIER
 * @rv: appended to
 * @t: the tier
 * @replace: NLM_F_REPLACE
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_tier(struct strata_reqv *rv, const struct sc_tier *t,
		    bool replace, struct strata_err *err)
{
	struct nl_msg *m;
	struct nlattr *n;

	m = strata_reqv_add(rv, STRATA_CMD_NEW_TIER,
			    replace ? NLM_F_REPLACE : 0);
	if (!m)
		return enomem(err);
	n = nest(m, STRATA_A_TIER);
	if (!n || nla_put_u32(m, STRATA_TIER_A_ID, t->id) ||
	    nla_put_string(m, STRATA_TIER_A_NAME, t->name) ||
	    nla_put_u8(m, STRATA_TIER_A_DEFAULT_ACTION, t->default_action) ||
	    nla_nest_end(m, n))
		return enomem(err);
	return 0;
}

static bool ent_empty(const struct sc_ent *e)
{
	return !(e->n_nets || e->n_not_nets || e->n_sets || e->n_not_sets ||
		 e->n_ports || e->n_not_ports || e->n_psets || e->n_not_psets);
}

static int enc_ent(struct nl_msg *m, int type, const struct sc_ent *e)
{
	struct nlattr *n;

	if (ent_empty(e))
		return 0;
	n = nest(m, type);
	if (!n)
		return -EMSGSIZE;
	if (put_list(m, STRATA_ENT_A_NETS, e->nets, e->n_nets,
		     sizeof(*e->nets)) ||
	    put_list(m, STRATA_ENT_A_NOT_NETS, e->not_nets, e->n_not_nets,
		     sizeof(*e->not_nets)) ||
	    put_list(m, STRATA_ENT_A_SETS, e->sets, e->n_sets,
		     sizeof(*e->sets)) ||
	    put_list(m, STRATA_ENT_A_NOT_SETS, e->not_sets, e->n_not_sets,
		     sizeof(*e->not_sets)) ||
	    put_list(m, STRATA_ENT_A_PORTS, e->ports, e->n_ports,
		     sizeof(*e->ports)) ||
	    put_list(m, STRATA_ENT_A_NOT_PORTS, e->not_ports, e->n_not_ports,
		     sizeof(*e->not_ports)) ||
	    put_list(m, STRATA_ENT_A_PORT_SETS, e->psets, e->n_psets,
		     sizeof(*e->psets)) ||
	    put_list(m, STRATA_ENT_A_NOT_PORT_SETS, e->not_psets,
		     e->n_not_psets, sizeof(*e->not_psets)) ||
	    nla_nest_end(m, n)) {
		nla_nest_cancel(m, n);
		return -EMSGSIZE;
	}
	return 0;
}

/**
 * strata_enc_rule() - one rule as a nested attribute
 * @msg: appended to
 * @type: the attribute type (the element number in its array)
 * @r: the rule
 *
 * Return: 0, or -EMSGSIZE (and @msg unchanged) if it does not fit.
 */
int strata_enc_rule(struct nl_msg *msg, int type, const struct sc_rule *r)
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
	struct nlattr *n = nest(msg, type);
	size_t i;

	if (!n)
		return -EMSGSIZE;
	if (nla_put_u8(msg, STRATA_RULE_A_ACTION, r->action))
		goto cancel;
	if (r->ip_version &&
	    nla_put_u8(msg, STRATA_RULE_A_IP_VERSION, r->ip_version))
		goto cancel;
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if ((r->present & scalars[i].bit) &&
		    nla_put_u8(msg, scalars[i].type,
			       *((const uint8_t *)r + scalars[i].off)))
			goto cancel;
	if (enc_ent(msg, STRATA_RULE_A_SRC, &r->src) ||
	    enc_ent(msg, STRATA_RULE_A_DST, &r->dst))
		goto cancel;
	if (r->cookie && nla_put_u64(msg, STRATA_RULE_A_COOKIE, r->cookie))
		goto cancel;
	if (nla_nest_end(msg, n))
		goto cancel;
	return 0;
cancel:
	nla_nest_cancel(msg, n);
	return -EMSGSIZE;
}

/* State of a policy being cut into messages. */
struct penc {
	struct strata_reqv *rv;
	const struct sc_policy *p;
	bool replace;
	struct nl_msg *msg;
	struct nlattr *pol;
	uint32_t rules; /* rules in the current message */
};

static int policy_msg(struct penc *e, uint32_t base_in, uint32_t base_eg)
{
	bool first = !e->msg;
	struct strata_req *req;

	e->msg = strata_reqv_add(e->rv, STRATA_CMD_NEW_POLICY,
				 first && e->replace ? NLM_F_REPLACE : 0);
	if (!e->msg)
		return -ENOMEM;
	req = last_req(e->rv);
	req->base[SC_INGRESS] = base_in;
	req->base[SC_EGRESS] = base_eg;
	e->rules = 0;
	e->pol = nest(e->msg, STRATA_A_POLICY);
	if (!e->pol || nla_put_u32(e->msg, STRATA_POLICY_A_ID, e->p->id) ||
	    nla_put_string(e->msg, STRATA_POLICY_A_NAME, e->p->name))
		return -ENOMEM;
	if (!first &&
	    nla_put_u32(e->msg, STRATA_POLICY_A_FLAGS, STRATA_POLICY_F_APPEND))
		return -ENOMEM;
	return 0;
}

/**
 * strata_enc_policy() - NEW_POLICY, split into as many messages as needed
 * @rv: appended to
 * @p: the policy
 * @replace: NLM_F_REPLACE (on the first message)
 * @err: failure; -EMSGSIZE names a rule too large for any message
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_policy(struct strata_reqv *rv, const struct sc_policy *p,
		      bool replace, struct strata_err *err)
{
	static const int dattr[SC_NDIRS] = { STRATA_POLICY_A_INGRESS,
					     STRATA_POLICY_A_EGRESS };
	struct penc e = { .rv = rv, .p = p, .replace = replace };
	uint32_t d, i, k;

	if (policy_msg(&e, 0, 0))
		return enomem(err);
	for (d = 0; d < SC_NDIRS; d++) {
		struct nlattr *dn = NULL;

		for (i = 0, k = 0; i < p->n_rules[d];) {
			if (!dn)
				dn = nest(e.msg, dattr[d]);
			if (dn && !strata_enc_rule(e.msg, (int)k + 1,
						   &p->rules[d][i])) {
				k++;
				i++;
				e.rules++;
				continue;
			}
			if (!e.rules)
				return strata_err_set(
					err, -EMSGSIZE,
					"policy %u: %s rule %u does not fit in one netlink message",
					p->id, d ? "egress" : "ingress", i);
			/* full: close this message, continue in the next */
			if (dn && k)
				nla_nest_end(e.msg, dn);
			else if (dn)
				nla_nest_cancel(e.msg, dn);
			nla_nest_end(e.msg, e.pol);
			if (policy_msg(&e, d ? p->n_rules[SC_INGRESS] : i,
				       d ? i : 0))
				return enomem(err);
			dn = NULL;
			k = 0;
		}
		if (dn)
			nla_nest_end(e.msg, dn);
	}
	if (nla_nest_end(e.msg, e.pol))
		return enomem(err);
	return 0;
}

/* Members that fit in the rest of @m after a MEMBERS attribute header. */
static uint32_t members_room(const struct strata_reqv *rv, struct nl_msg *m)
{
	size_t used = NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len) + NLA_HDRLEN;

	if (used >= rv->budget)
		return 0;
	return (uint32_t)((rv->budget - used) / sizeof(struct strata_member));
}

static int put_members(const struct strata_reqv *rv, struct nl_msg *m,
		       const struct strata_member *v, uint32_t n,
		       uint32_t *done)
{
	uint32_t k = members_room(rv, m);

	if (k > n - *done)
		k = n - *done;
	if (!k)
		return -EMSGSIZE;
	if (nla_put(m, STRATA_IPSET_A_MEMBERS, (int)(k * sizeof(*v)),
		    v + *done))
		return -EMSGSIZE;
	*done += k;
	return 0;
}

static int members_msgs(struct strata_reqv *rv, uint8_t cmd, uint32_t id,
			const char *name, const struct strata_member *m,
			uint32_t n, uint32_t done, bool exist_ok,
			struct strata_err *err)
{
	while (done < n) {
		struct nl_msg *msg = strata_reqv_add(rv, cmd, 0);
		struct nlattr *nn;

		if (!msg)
			return enomem(err);
		last_req(rv)->base[0] = done;
		if (exist_ok &&
		    nla_put_u32(msg, STRATA_A_FLAGS, STRATA_F_EXIST))
			return enomem(err);
		nn = nest(msg, STRATA_A_IPSET);
		if (!nn || put_ref(msg, id, name) ||
		    put_members(rv, msg, m, n, &done) || nla_nest_end(msg, nn))
			return enomem(err);
	}
	return 0;
}

/**
 * strata_enc_ipset() - NEW_IPSET with its members, split as needed
 * @rv: appended to
 * @s: the set
 * @m: its members
 * @n: how many
 * @replace: NLM_F_REPLACE (the set's members become exactly @m)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_ipset(struct strata_reqv *rv, const struct sc_ipset *s,
		     const struct strata_member *m, uint32_t n, bool replace,
		     struct strata_err *err)
{
	struct nl_msg *msg;
	struct nlattr *nn;
	uint32_t done = 0;

	msg = strata_reqv_add(rv, STRATA_CMD_NEW_IPSET,
			      replace ? NLM_F_REPLACE : 0);
	if (!msg)
		return enomem(err);
	nn = nest(msg, STRATA_A_IPSET);
	if (!nn || nla_put_u32(msg, STRATA_IPSET_A_ID, s->id) ||
	    nla_put_string(msg, STRATA_IPSET_A_NAME, s->name) ||
	    nla_put_u8(msg, STRATA_IPSET_A_FAMILY, s->family) ||
	    nla_put_u8(msg, STRATA_IPSET_A_KIND, s->kind))
		return enomem(err);
	if (n && put_members(rv, msg, m, n, &done))
		return enomem(err);
	if (nla_nest_end(msg, nn))
		return enomem(err);
	return members_msgs(rv, STRATA_CMD_ADD_MEMBERS, s->id, NULL, m, n, done,
			    false, err);
}

/**
 * strata_enc_members() - ADD_MEMBERS or DEL_MEMBERS, split as needed
 * @rv: appended to
 * @add: ADD_MEMBERS, else DEL_MEMBERS
 * @id: the set's id, or 0 to select it by @name
 * @name: the set's name
 * @m: the members
 * @n: how many (0: nothing is appended)
 * @exist_ok: STRATA_F_EXIST
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_members(struct strata_reqv *rv, bool add, uint32_t id,
		       const char *name, const struct strata_member *m,
		       uint32_t n, bool exist_ok, struct strata_err *err)
{
	if (!id && (!name || !name[0]))
		return strata_err_set(err, -EINVAL,
				      "an IP set id or name is needed");
	if (name && strlen(name) >= STRATA_NAME_LEN)
		return strata_err_set(err, -EINVAL,
				      "name is longer than 63 bytes");
	return members_msgs(
		rv, add ? STRATA_CMD_ADD_MEMBERS : STRATA_CMD_DEL_MEMBERS, id,
		name, m, n, 0, exist_ok, err);
}

static int enc_eplist(struct nl_msg *m, int type, const struct sc_eplist *l)
{
	struct nlattr *ln, *tn;
	uint32_t i;

	ln = nest(m, type);
	if (!ln)
		return -EMSGSIZE;
	for (i = 0; i < l->n; i++) {
		const struct sc_tierref *r = &l->refs[i];

		tn = nest(m, (int)i + 1);
		if (!tn || nla_put_u32(m, STRATA_TIERREF_A_TIER, r->tier) ||
		    put_list(m, STRATA_TIERREF_A_POLICIES, r->policies,
			     r->n_policies, sizeof(*r->policies)) ||
		    nla_nest_end(m, tn))
			return -EMSGSIZE;
	}
	return nla_nest_end(m, ln) ? -EMSGSIZE : 0;
}

/**
 * strata_enc_endpoint() - NEW_ENDPOINT
 * @rv: appended to
 * @e: the endpoint
 * @replace: NLM_F_REPLACE
 * @err: failure; -EMSGSIZE if it does not fit one message
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_endpoint(struct strata_reqv *rv, const struct sc_endpoint *e,
			bool replace, struct strata_err *err)
{
	struct nlattr *n, *lists = NULL;
	struct nl_msg *m;
	uint32_t l;

	m = strata_reqv_add(rv, STRATA_CMD_NEW_ENDPOINT,
			    replace ? NLM_F_REPLACE : 0);
	if (!m)
		return enomem(err);
	n = nest(m, STRATA_A_ENDPOINT);
	if (!n || nla_put_u32(m, STRATA_EP_A_ID, e->id) ||
	    nla_put_string(m, STRATA_EP_A_NAME, e->name) ||
	    nla_put_u8(m, STRATA_EP_A_KIND, e->kind) ||
	    nla_put_string(m, STRATA_EP_A_IFNAME, e->ifname) ||
	    put_list(m, STRATA_EP_A_ADDRS, e->addrs, e->n_addrs,
		     sizeof(*e->addrs)) ||
	    put_list(m, STRATA_EP_A_SPOOF, e->spoof, e->n_spoof,
		     sizeof(*e->spoof)) ||
	    nla_put_u32(m, STRATA_EP_A_MARK, e->mark) ||
	    nla_put_u8(m, STRATA_EP_A_NO_MATCH, e->no_match) ||
	    put_list(m, STRATA_EP_A_PROFILES, e->profiles, e->n_profiles,
		     sizeof(*e->profiles)))
		goto toobig;
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		if (!e->lists[l].n)
			continue;
		if (!lists)
			lists = nest(m, STRATA_EP_A_LISTS);
		if (!lists || enc_eplist(m, (int)l + 1, &e->lists[l]))
			goto toobig;
	}
	if ((lists && nla_nest_end(m, lists)) || nla_nest_end(m, n))
		goto toobig;
	return 0;
toobig:
	return strata_err_set(
		err, -EMSGSIZE,
		"endpoint %u does not fit in one netlink message (too many addresses or policy references)",
		e->id);
}

static int enc_prefixes(struct nl_msg *m, const struct sc_settings *s)
{
	struct nlattr *n = nest(m, STRATA_SET_A_WL_PREFIXES);
	uint16_t i;

	if (!n)
		return -EMSGSIZE;
	for (i = 0; i < s->n_wl_prefixes && i < STRATA_MAX_WL_PREFIXES; i++) {
		char p[STRATA_IFNAME_LEN];

		memcpy(p, s->wl_prefixes[i], sizeof(p));
		p[sizeof(p) - 1] = '\0';
		if (nla_put_string(m, i + 1, p))
			return -EMSGSIZE;
	}
	/* an empty list is meaningful here: no workload prefixes */
	return nla_nest_end_keep_empty(m, n) ? -EMSGSIZE : 0;
}

/* Failsafe lists are sent even when empty: that clears them. */
static int put_failsafes(struct nl_msg *m, int type,
			 const struct strata_failsafe *f, uint32_t n)
{
	if (n > SC_MAX_FAILSAFE)
		n = SC_MAX_FAILSAFE;
	return nla_put(m, type, (int)(n * sizeof(*f)), n ? f : (const void *)m);
}

/**
 * strata_enc_settings() - SET_SETTINGS with the fields in @mask
 * @rv: appended to
 * @s: the values
 * @mask: STRATA_SETTINGS_F() bits of the fields to send
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_settings(struct strata_reqv *rv, const struct sc_settings *s,
			uint32_t mask, struct strata_err *err)
{
	static const struct {
		int type;
		size_t off;
	} u32s[] = {
#define F(a, f) { a, offsetof(struct sc_settings, f) }
		F(STRATA_SET_A_MARK_MASK, mark_mask),
		F(STRATA_SET_A_MARK_ACCEPT, mark_accept),
		F(STRATA_SET_A_LOG_RATE, log_rate),
		F(STRATA_SET_A_LOG_BURST, log_burst),
		F(STRATA_SET_A_FLOW_RATE, flow_rate),
		F(STRATA_SET_A_FLOW_BURST, flow_burst),
		F(STRATA_SET_A_LIMIT_TIERS, limits.tiers),
		F(STRATA_SET_A_LIMIT_POLICIES, limits.policies),
		F(STRATA_SET_A_LIMIT_RULES, limits.rules),
		F(STRATA_SET_A_LIMIT_IPSETS, limits.ipsets),
		F(STRATA_SET_A_LIMIT_MEMBERS, limits.members),
		F(STRATA_SET_A_LIMIT_ENDPOINTS, limits.endpoints),
	}, u8s[] = {
		F(STRATA_SET_A_WL_TO_HOST, wl_to_host),
		F(STRATA_SET_A_CT_INVALID_DROP, ct_invalid_drop),
		F(STRATA_SET_A_ALLOW_IPIP, allow_ipip),
		F(STRATA_SET_A_ALLOW_VXLAN, allow_vxlan),
#undef F
	};
	const char *base = (const char *)s;
	struct nl_msg *m;
	struct nlattr *n;
	size_t i;
	uint32_t v;

	if (mask & ~STRATA_SETTINGS_ALL)
		return strata_err_set(err, -EINVAL, "unknown settings 0x%x",
				      mask & ~STRATA_SETTINGS_ALL);
	m = strata_reqv_add(rv, STRATA_CMD_SET_SETTINGS, 0);
	if (!m)
		return enomem(err);
	n = nest(m, STRATA_A_SETTINGS);
	if (!n)
		return enomem(err);
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		if (!(mask & STRATA_SETTINGS_F(u32s[i].type)))
			continue;
		memcpy(&v, base + u32s[i].off, sizeof(v));
		if (nla_put_u32(m, u32s[i].type, v))
			return enomem(err);
	}
	for (i = 0; i < sizeof(u8s) / sizeof(u8s[0]); i++)
		if ((mask & STRATA_SETTINGS_F(u8s[i].type)) &&
		    nla_put_u8(m, u8s[i].type,
			       *(const uint8_t *)(base + u8s[i].off)))
			return enomem(err);
	if (((mask & STRATA_SETTINGS_F(STRATA_SET_A_VXLAN_PORT)) &&
	     nla_put_u16(m, STRATA_SET_A_VXLAN_PORT, s->vxlan_port)) ||
	    ((mask & STRATA_SETTINGS_F(STRATA_SET_A_FAILSAFE_IN)) &&
	     put_failsafes(m, STRATA_SET_A_FAILSAFE_IN, s->failsafe_in,
			   s->n_failsafe_in)) ||
	    ((mask & STRATA_SETTINGS_F(STRATA_SET_A_FAILSAFE_OUT)) &&
	     put_failsafes(m, STRATA_SET_A_FAILSAFE_OUT, s->failsafe_out,
			   s->n_failsafe_out)) ||
	    ((mask & STRATA_SETTINGS_F(STRATA_SET_A_WL_PREFIXES)) &&
	     enc_prefixes(m, s)))
		return enomem(err);
	if (nla_nest_end_keep_empty(m, n))
		return enomem(err);
	return 0;
}

/**
 * strata_enc_counters() - GET_COUNTERS (a dump) or RESET_COUNTERS
 * @rv: appended to
 * @cmd: STRATA_CMD_GET_COUNTERS or STRATA_CMD_RESET_COUNTERS
 * @kind: 0 for every counter, else STRATA_CTR_*: the objects it counts
 * @id: with @kind, one object (0: all of them)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_enc_counters(struct strata_reqv *rv, uint8_t cmd, uint8_t kind,
			uint32_t id, struct strata_err *err)
{
	struct nl_msg *m;
	struct nlattr *n;

	if (kind > STRATA_CTR_MAX || (id && !kind))
		return strata_err_set(
			err, -EINVAL,
			"a counter kind is needed to select an object");
	m = strata_reqv_add(rv, cmd,
			    cmd == STRATA_CMD_GET_COUNTERS ? NLM_F_DUMP : 0);
	if (!m)
		return enomem(err);
	if (!kind)
		return 0;
	n = nest(m, STRATA_A_COUNTER);
	if (!n || nla_put_u8(m, STRATA_CTR_A_KIND, kind) ||
	    (id && nla_put_u32(m, STRATA_CTR_A_ID, id)) || nla_nest_end(m, n))
		return enomem(err);
	return 0;
}
