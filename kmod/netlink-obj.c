// SPDX-License-Identifier: GPL-2.0
/*
 * Between netlink attributes and the engine's objects.
 *
 * Parsing builds an object with the model's builders (kmod/core/model.h)
 * from a nest that the policy tables (netlink-policy.c) have already
 * validated, and runs the model's checks on it. Arrays in requests are
 * used in place (the builders copy them into the object's arena). Every
 * refusal sets an extack message and points at an attribute inside the
 * request: the nest, the element or the array concerned.
 *
 * Filling writes an object back in the same shape, so that a dumped
 * object sent back unchanged (minus the reply-only attributes) recreates
 * it. A netlink attribute's length is 16 bits: an object or rule whose
 * encoding cannot fit one attribute (possible only for objects loaded
 * from an image) gets -E2BIG instead of a corrupt attribute.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <net/netlink.h>
#include <linux/strata.h>
#include "strata.h"
#include "netlink-policy.h"
#include "netlink-obj.h"
#include "core/model.h"
#include "core/state.h"

/* The largest payload one attribute can carry. */
#define STRATA_ATTR_MAX		(U16_MAX - NLA_HDRLEN)
/* Room a rule may take so that a policy nest holding it still fits. */
#define STRATA_RULE_MAX		(STRATA_ATTR_MAX - 512)

/**
 * strata_req_fail() - report the engine's refusal of a request
 * @rq: the request; @rq->err says why, @rq->err_attr where
 * @ret: the error returned by the engine
 *
 * Sets the extack message (the engine's static message), the offending
 * attribute if known, and the cookie {kind, id} of the object concerned.
 *
 * Return: the negative errno to return to the requester.
 */
int strata_req_fail(struct strata_req *rq, int ret)
{
	struct netlink_ext_ack *extack = rq->extack;
	struct strata_err_cookie c = {};
	const char *msg = rq->err.msg;

	if (rq->err.code)
		ret = rq->err.code;
	if (!msg)
		msg = ret == -ENOMEM ? "out of memory" :
				       "request refused by the engine";
	if (rq->err_attr)
		strata_set_err(extack, rq->err_attr, msg);
	else
		strata_set_err(extack, NULL, msg);
	if (extack) {
		c.kind = rq->err.kind;
		c.id = rq->err.id;
		BUILD_BUG_ON(sizeof(c) > sizeof(extack->cookie));
		memcpy(extack->cookie, &c, sizeof(c));
		extack->cookie_len = sizeof(c);
	}
	return ret;
}

/* A required attribute of a nest is missing. */
static int strata_require(struct strata_req *rq, const struct nlattr *nest,
			  struct nlattr **tb, int type, const char *msg)
{
	if (tb[type])
		return 0;
	NL_SET_ERR_ATTR_MISS(rq->extack, nest, type);
	strata_set_err(rq->extack, nest, msg);
	return -EINVAL;
}

static int strata_nomem(struct strata_req *rq, const struct nlattr *attr)
{
	NL_SET_ERR_MSG_ATTR(rq->extack, attr, "out of memory");
	return -ENOMEM;
}

/* What a request naming an object by id or name may carry, per kind. */
struct strata_kind {
	int maxattr;
	const struct nla_policy *policy;
	const char *need_ref;
	const char *both;
	const char *extra;
};

static const struct strata_kind strata_kinds[] = {
	[SC_OBJ_TIER] = {
		.maxattr = STRATA_TIER_A_MAX,
		.policy = strata_tier_policy,
		.need_ref = "STRATA_TIER_A_ID or STRATA_TIER_A_NAME is required",
		.both = "give STRATA_TIER_A_ID or STRATA_TIER_A_NAME, not both",
		.extra = "only STRATA_TIER_A_ID or STRATA_TIER_A_NAME is accepted here",
	},
	[SC_OBJ_POLICY] = {
		.maxattr = STRATA_POLICY_A_MAX,
		.policy = strata_policy_policy,
		.need_ref = "STRATA_POLICY_A_ID or STRATA_POLICY_A_NAME is required",
		.both = "give STRATA_POLICY_A_ID or STRATA_POLICY_A_NAME, not both",
		.extra = "only STRATA_POLICY_A_ID or STRATA_POLICY_A_NAME is accepted here",
	},
	[SC_OBJ_IPSET] = {
		.maxattr = STRATA_IPSET_A_MAX,
		.policy = strata_ipset_policy,
		.need_ref = "STRATA_IPSET_A_ID or STRATA_IPSET_A_NAME is required",
		.both = "give STRATA_IPSET_A_ID or STRATA_IPSET_A_NAME, not both",
		.extra = "only STRATA_IPSET_A_ID or STRATA_IPSET_A_NAME is accepted here",
	},
	[SC_OBJ_ENDPOINT] = {
		.maxattr = STRATA_EP_A_MAX,
		.policy = strata_ep_policy,
		.need_ref = "STRATA_EP_A_ID or STRATA_EP_A_NAME is required",
		.both = "give STRATA_EP_A_ID or STRATA_EP_A_NAME, not both",
		.extra = "only STRATA_EP_A_ID or STRATA_EP_A_NAME is accepted here",
	},
};

/* Every kind numbers its id 1 and its name 2. */
#define STRATA_OBJ_A_ID		1
#define STRATA_OBJ_A_NAME	2
/* At least the largest attribute type of the four kinds' nests. */
#define STRATA_OBJ_A_MAX	15
static_assert(STRATA_TIER_A_ID == 1 && STRATA_POLICY_A_ID == 1 &&
	      STRATA_IPSET_A_ID == 1 && STRATA_EP_A_ID == 1);
static_assert(STRATA_TIER_A_NAME == 2 && STRATA_POLICY_A_NAME == 2 &&
	      STRATA_IPSET_A_NAME == 2 && STRATA_EP_A_NAME == 2);
static_assert(STRATA_TIER_A_MAX <= 15 && STRATA_POLICY_A_MAX <= 15 &&
	      STRATA_IPSET_A_MAX <= 15 && STRATA_EP_A_MAX <= 15);

/*
 * Parse a reference (id or name, exactly one) from @tb, refusing the
 * attributes not in @allowed (a mask of attribute types).
 */
static int strata_ref_from(struct strata_req *rq, const struct strata_kind *k,
			   const struct nlattr *nest, struct nlattr **tb,
			   u32 allowed, struct strata_ref *ref)
{
	int i;

	allowed |= BIT(STRATA_OBJ_A_ID) | BIT(STRATA_OBJ_A_NAME);
	for (i = 1; i <= k->maxattr; i++) {
		if (tb[i] && !(allowed & BIT(i))) {
			strata_set_err(rq->extack, tb[i], k->extra);
			return -EINVAL;
		}
	}
	if (tb[STRATA_OBJ_A_ID] && tb[STRATA_OBJ_A_NAME]) {
		strata_set_err(rq->extack, tb[STRATA_OBJ_A_NAME], k->both);
		return -EINVAL;
	}
	memset(ref, 0, sizeof(*ref));
	if (tb[STRATA_OBJ_A_ID]) {
		ref->attr = tb[STRATA_OBJ_A_ID];
		ref->id = nla_get_u32(ref->attr);
	} else if (tb[STRATA_OBJ_A_NAME]) {
		ref->attr = tb[STRATA_OBJ_A_NAME];
		ref->name = nla_data(ref->attr);
	} else {
		strata_set_err(rq->extack, nest, k->need_ref);
		return -EINVAL;
	}
	return 0;
}

/**
 * strata_parse_ref() - parse a nest that names one object
 * @rq: the request
 * @kind: SC_OBJ_TIER, _POLICY, _IPSET or _ENDPOINT
 * @nest: the kind's nest (STRATA_A_TIER etc.)
 * @ref: filled in
 *
 * The nest must hold exactly one of the kind's id and name, and nothing
 * else (DEL_x, GET_x, dump filters).
 *
 * Return: 0 or -EINVAL (extack set).
 */
int strata_parse_ref(struct strata_req *rq, u8 kind, const struct nlattr *nest,
		     struct strata_ref *ref)
{
	const struct strata_kind *k = &strata_kinds[kind];
	struct nlattr *tb[STRATA_OBJ_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, k->maxattr, nest, k->policy, rq->extack);
	if (ret)
		return ret;
	return strata_ref_from(rq, k, nest, tb, 0, ref);
}

/* The name of a new object: given, or on replace the existing one's. */
static int strata_parse_name(struct strata_req *rq, const struct nlattr *nest,
			     struct nlattr **tb, char *name, const char *old,
			     const char *msg)
{
	if (tb[STRATA_OBJ_A_NAME]) {
		nla_strscpy(name, tb[STRATA_OBJ_A_NAME], STRATA_NAME_LEN);
		return 0;
	}
	if (old) {
		strscpy(name, old, STRATA_NAME_LEN);
		return 0;
	}
	return strata_require(rq, nest, tb, STRATA_OBJ_A_NAME, msg);
}

/* A model check failed: point at @attr and report the engine's reason. */
static int strata_check_failed(struct strata_req *rq, const struct nlattr *attr,
			       int ret)
{
	rq->err_attr = attr;
	return strata_req_fail(rq, ret);
}

/**
 * strata_parse_tier() - build a tier from STRATA_A_TIER
 * @rq: the request
 * @nest: the nest
 * @replace: NLM_F_REPLACE: the name may be left out to keep the old one
 * @out: the new tier (one reference) on success
 *
 * Return: 0 or a negative errno (extack set).
 */
int strata_parse_tier(struct strata_req *rq, const struct nlattr *nest,
		      bool replace, struct sc_tier **out)
{
	struct nlattr *tb[STRATA_TIER_A_MAX + 1];
	const struct sc_tier *old = NULL;
	struct sc_tier *t;
	int ret;

	ret = nla_parse_nested(tb, STRATA_TIER_A_MAX, nest, strata_tier_policy,
			       rq->extack);
	if (ret)
		return ret;
	ret = strata_require(rq, nest, tb, STRATA_TIER_A_ID,
			     "STRATA_TIER_A_ID is required");
	if (ret)
		return ret;
	t = sc_tier_new(&rq->sn->env);
	if (!t)
		return strata_nomem(rq, nest);
	t->id = nla_get_u32(tb[STRATA_TIER_A_ID]);
	if (replace)
		old = sc_state_find_tier(rq->sn->state, t->id, NULL);
	ret = strata_parse_name(rq, nest, tb, t->name, old ? old->name : NULL,
				"STRATA_TIER_A_NAME is required to create a tier");
	if (ret)
		goto err;
	if (tb[STRATA_TIER_A_DEFAULT_ACTION])
		t->default_action = nla_get_u8(tb[STRATA_TIER_A_DEFAULT_ACTION]);
	else if (old)
		t->default_action = old->default_action;
	ret = sc_tier_check(t, &rq->err);
	if (ret) {
		ret = strata_check_failed(rq, nest, ret);
		goto err;
	}
	*out = t;
	return 0;

err:
	sc_tier_put(t);
	return ret;
}

/* A binary array attribute used in place: its element count. */
static u32 strata_array(const struct nlattr *attr, size_t size, void **p)
{
	if (!attr)
		return 0;
	*p = nla_data(attr);
	return nla_len(attr) / size;
}

static int strata_parse_ent(struct strata_req *rq, const struct nlattr *nest,
			    struct sc_ent *e)
{
	struct nlattr *tb[STRATA_ENT_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, STRATA_ENT_A_MAX, nest, strata_ent_policy,
			       rq->extack);
	if (ret)
		return ret;
	e->n_nets = strata_array(tb[STRATA_ENT_A_NETS], sizeof(*e->nets),
				 (void **)&e->nets);
	e->n_not_nets = strata_array(tb[STRATA_ENT_A_NOT_NETS],
				     sizeof(*e->not_nets),
				     (void **)&e->not_nets);
	e->n_sets = strata_array(tb[STRATA_ENT_A_SETS], sizeof(u32),
				 (void **)&e->sets);
	e->n_not_sets = strata_array(tb[STRATA_ENT_A_NOT_SETS], sizeof(u32),
				     (void **)&e->not_sets);
	e->n_ports = strata_array(tb[STRATA_ENT_A_PORTS], sizeof(*e->ports),
				  (void **)&e->ports);
	e->n_not_ports = strata_array(tb[STRATA_ENT_A_NOT_PORTS],
				      sizeof(*e->not_ports),
				      (void **)&e->not_ports);
	e->n_psets = strata_array(tb[STRATA_ENT_A_PORT_SETS], sizeof(u32),
				  (void **)&e->psets);
	e->n_not_psets = strata_array(tb[STRATA_ENT_A_NOT_PORT_SETS],
				      sizeof(u32), (void **)&e->not_psets);
	return 0;
}

static int strata_parse_rule(struct strata_req *rq, const struct nlattr *el,
			     struct sc_rule *r)
{
	struct nlattr *tb[STRATA_RULE_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, STRATA_RULE_A_MAX, el, strata_rule_policy,
			       rq->extack);
	if (ret)
		return ret;
	ret = strata_require(rq, el, tb, STRATA_RULE_A_ACTION,
			     "STRATA_RULE_A_ACTION is required in every rule");
	if (ret)
		return ret;
	r->action = nla_get_u8(tb[STRATA_RULE_A_ACTION]);
	if (tb[STRATA_RULE_A_IP_VERSION])
		r->ip_version = nla_get_u8(tb[STRATA_RULE_A_IP_VERSION]);
	if (tb[STRATA_RULE_A_PROTO]) {
		r->proto = nla_get_u8(tb[STRATA_RULE_A_PROTO]);
		r->present |= STRATA_IMG_RULE_F_PROTO;
	}
	if (tb[STRATA_RULE_A_NOT_PROTO]) {
		r->not_proto = nla_get_u8(tb[STRATA_RULE_A_NOT_PROTO]);
		r->present |= STRATA_IMG_RULE_F_NOT_PROTO;
	}
	if (tb[STRATA_RULE_A_ICMP_TYPE]) {
		r->icmp_type = nla_get_u8(tb[STRATA_RULE_A_ICMP_TYPE]);
		r->present |= STRATA_IMG_RULE_F_ICMP_TYPE;
	}
	if (tb[STRATA_RULE_A_ICMP_CODE]) {
		r->icmp_code = nla_get_u8(tb[STRATA_RULE_A_ICMP_CODE]);
		r->present |= STRATA_IMG_RULE_F_ICMP_CODE;
	}
	if (tb[STRATA_RULE_A_NOT_ICMP_TYPE]) {
		r->not_icmp_type = nla_get_u8(tb[STRATA_RULE_A_NOT_ICMP_TYPE]);
		r->present |= STRATA_IMG_RULE_F_NOT_ICMP_TYPE;
	}
	if (tb[STRATA_RULE_A_NOT_ICMP_CODE]) {
		r->not_icmp_code = nla_get_u8(tb[STRATA_RULE_A_NOT_ICMP_CODE]);
		r->present |= STRATA_IMG_RULE_F_NOT_ICMP_CODE;
	}
	if (tb[STRATA_RULE_A_COOKIE])
		r->cookie = nla_get_u64(tb[STRATA_RULE_A_COOKIE]);
	if (tb[STRATA_RULE_A_SRC]) {
		ret = strata_parse_ent(rq, tb[STRATA_RULE_A_SRC], &r->src);
		if (ret)
			return ret;
	}
	if (tb[STRATA_RULE_A_DST]) {
		ret = strata_parse_ent(rq, tb[STRATA_RULE_A_DST], &r->dst);
		if (ret)
			return ret;
	}
	return 0;
}

/* Append the rules of a nested array (INGRESS or EGRESS) to @p. */
static int strata_parse_rules(struct strata_req *rq, struct sc_policy *p,
			      enum sc_dir dir, const struct nlattr *arr)
{
	const struct nlattr *el;
	struct sc_rule *rules;
	u32 n = 0, i = 0;
	int rem, ret = 0;

	nla_for_each_nested(el, arr, rem)
		n++;
	if (!n)
		return 0;
	rules = kvcalloc(n, sizeof(*rules), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!rules)
		return strata_nomem(rq, arr);
	nla_for_each_nested(el, arr, rem) {
		ret = strata_parse_rule(rq, el, &rules[i]);
		if (ret)
			goto out;
		ret = sc_rule_check(&rules[i], p->id, p->n_rules[dir] + i,
				    &rq->err);
		if (ret) {
			ret = strata_check_failed(rq, el, ret);
			goto out;
		}
		i++;
	}
	ret = sc_policy_add_rules(p, dir, rules, n, &rq->err);
	if (ret)
		ret = strata_check_failed(rq, arr, ret);
out:
	kvfree(rules);
	return ret;
}

/**
 * strata_parse_policy() - build a policy from STRATA_A_POLICY
 * @rq: the request
 * @nest: the nest
 * @replace: NLM_F_REPLACE
 * @append: set when the request appends rules (STRATA_POLICY_F_APPEND):
 *          then *@out holds only the rules to append
 * @out: the new policy (one reference) on success
 *
 * Return: 0 or a negative errno (extack set).
 */
int strata_parse_policy(struct strata_req *rq, const struct nlattr *nest,
			bool replace, bool *append, struct sc_policy **out)
{
	struct nlattr *tb[STRATA_POLICY_A_MAX + 1];
	const struct sc_policy *old = NULL;
	struct sc_policy *p;
	u32 flags = 0;
	int ret;

	ret = nla_parse_nested(tb, STRATA_POLICY_A_MAX, nest,
			       strata_policy_policy, rq->extack);
	if (ret)
		return ret;
	ret = strata_require(rq, nest, tb, STRATA_POLICY_A_ID,
			     "STRATA_POLICY_A_ID is required");
	if (ret)
		return ret;
	if (tb[STRATA_POLICY_A_FLAGS])
		flags = nla_get_u32(tb[STRATA_POLICY_A_FLAGS]);
	*append = flags & STRATA_POLICY_F_APPEND;
	if (*append && replace) {
		NL_SET_ERR_MSG_ATTR(rq->extack, tb[STRATA_POLICY_A_FLAGS],
				    "STRATA_POLICY_F_APPEND cannot be combined with NLM_F_REPLACE");
		return -EINVAL;
	}
	p = sc_policy_new(&rq->sn->env);
	if (!p)
		return strata_nomem(rq, nest);
	p->id = nla_get_u32(tb[STRATA_POLICY_A_ID]);
	if (*append) {
		if (tb[STRATA_POLICY_A_NAME])
			nla_strscpy(p->name, tb[STRATA_POLICY_A_NAME],
				    sizeof(p->name));
	} else {
		if (replace)
			old = sc_state_find_policy(rq->sn->state, p->id, NULL);
		ret = strata_parse_name(rq, nest, tb, p->name,
					old ? old->name : NULL,
					"STRATA_POLICY_A_NAME is required to create a policy");
		if (ret)
			goto err;
	}
	if (tb[STRATA_POLICY_A_INGRESS]) {
		ret = strata_parse_rules(rq, p, SC_INGRESS,
					 tb[STRATA_POLICY_A_INGRESS]);
		if (ret)
			goto err;
	}
	if (tb[STRATA_POLICY_A_EGRESS]) {
		ret = strata_parse_rules(rq, p, SC_EGRESS,
					 tb[STRATA_POLICY_A_EGRESS]);
		if (ret)
			goto err;
	}
	if (!*append) {
		ret = sc_policy_check(p, &rq->err);
		if (ret) {
			ret = strata_check_failed(rq, nest, ret);
			goto err;
		}
	}
	*out = p;
	return 0;

err:
	sc_policy_put(p);
	return ret;
}

static void strata_get_members(const struct nlattr *attr,
			       const struct strata_member **m, u32 *n)
{
	*m = nla_data(attr);
	*n = nla_len(attr) / sizeof(**m);
}

/**
 * strata_parse_ipset() - build an IP set from STRATA_A_IPSET
 * @rq: the request
 * @nest: the nest
 * @replace: NLM_F_REPLACE
 * @out: the new set (one reference) on success
 * @members: its initial members, pointing into the request
 * @n_members: their number
 *
 * Return: 0 or a negative errno (extack set).
 */
int strata_parse_ipset(struct strata_req *rq, const struct nlattr *nest,
		       bool replace, struct sc_ipset **out,
		       const struct strata_member **members, u32 *n_members)
{
	struct nlattr *tb[STRATA_IPSET_A_MAX + 1];
	const struct sc_ipset *old = NULL;
	struct sc_ipset *s;
	u32 i;
	int ret;

	ret = nla_parse_nested(tb, STRATA_IPSET_A_MAX, nest,
			       strata_ipset_policy, rq->extack);
	if (ret)
		return ret;
	ret = strata_require(rq, nest, tb, STRATA_IPSET_A_ID,
			     "STRATA_IPSET_A_ID is required");
	if (!ret)
		ret = strata_require(rq, nest, tb, STRATA_IPSET_A_FAMILY,
				     "STRATA_IPSET_A_FAMILY is required");
	if (!ret)
		ret = strata_require(rq, nest, tb, STRATA_IPSET_A_KIND,
				     "STRATA_IPSET_A_KIND is required");
	if (ret)
		return ret;
	s = sc_ipset_new(&rq->sn->env);
	if (!s)
		return strata_nomem(rq, nest);
	s->id = nla_get_u32(tb[STRATA_IPSET_A_ID]);
	s->family = nla_get_u8(tb[STRATA_IPSET_A_FAMILY]);
	s->kind = nla_get_u8(tb[STRATA_IPSET_A_KIND]);
	if (replace)
		old = sc_state_find_ipset(rq->sn->state, s->id, NULL);
	ret = strata_parse_name(rq, nest, tb, s->name, old ? old->name : NULL,
				"STRATA_IPSET_A_NAME is required to create an IP set");
	if (ret)
		goto err;
	ret = sc_ipset_check(s, &rq->err);
	if (ret) {
		ret = strata_check_failed(rq, nest, ret);
		goto err;
	}
	*members = NULL;
	*n_members = 0;
	if (tb[STRATA_IPSET_A_MEMBERS]) {
		strata_get_members(tb[STRATA_IPSET_A_MEMBERS], members,
				   n_members);
		for (i = 0; i < *n_members; i++) {
			ret = sc_member_check(s, &(*members)[i], &rq->err);
			if (ret) {
				ret = strata_check_failed(rq,
							  tb[STRATA_IPSET_A_MEMBERS],
							  ret);
				goto err;
			}
		}
	}
	*out = s;
	return 0;

err:
	sc_ipset_put(s);
	return ret;
}

/**
 * strata_parse_members() - parse STRATA_A_IPSET of ADD/DEL_MEMBERS
 * @rq: the request
 * @nest: the nest: the set's id or name, and STRATA_IPSET_A_MEMBERS
 * @ref: the set
 * @members: the members, pointing into the request
 * @n: their number
 *
 * Return: 0 or -EINVAL (extack set).
 */
int strata_parse_members(struct strata_req *rq, const struct nlattr *nest,
			 struct strata_ref *ref,
			 const struct strata_member **members, u32 *n)
{
	const struct strata_kind *k = &strata_kinds[SC_OBJ_IPSET];
	struct nlattr *tb[STRATA_IPSET_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, STRATA_IPSET_A_MAX, nest,
			       strata_ipset_policy, rq->extack);
	if (ret)
		return ret;
	ret = strata_ref_from(rq, k, nest, tb, BIT(STRATA_IPSET_A_MEMBERS),
			      ref);
	if (ret)
		return ret;
	ret = strata_require(rq, nest, tb, STRATA_IPSET_A_MEMBERS,
			     "STRATA_IPSET_A_MEMBERS is required");
	if (ret)
		return ret;
	strata_get_members(tb[STRATA_IPSET_A_MEMBERS], members, n);
	rq->err_attr = tb[STRATA_IPSET_A_MEMBERS];
	return 0;
}

/* Copy a binary array attribute into the endpoint's arena. */
static int strata_ep_array(struct strata_req *rq, struct sc_endpoint *e,
			   const struct nlattr *attr, void **p, u32 *n,
			   size_t size)
{
	*p = NULL;
	*n = 0;
	if (!attr || !nla_len(attr))
		return 0;
	*p = sc_arena_dup(&e->arena, nla_data(attr), nla_len(attr));
	if (!*p)
		return strata_nomem(rq, attr);
	*n = nla_len(attr) / size;
	return 0;
}

static int strata_parse_tierrefs(struct strata_req *rq, struct sc_endpoint *e,
				 struct sc_eplist *list,
				 const struct nlattr *arr)
{
	struct nlattr *tb[STRATA_TIERREF_A_MAX + 1];
	const struct nlattr *el;
	u32 n = 0, i = 0;
	int rem, ret;

	nla_for_each_nested(el, arr, rem)
		n++;
	if (!n)
		return 0;
	list->refs = sc_arena_alloc(&e->arena, n * sizeof(*list->refs));
	if (!list->refs)
		return strata_nomem(rq, arr);
	nla_for_each_nested(el, arr, rem) {
		struct sc_tierref *tr = &list->refs[i];

		ret = nla_parse_nested(tb, STRATA_TIERREF_A_MAX, el,
				       strata_tierref_policy, rq->extack);
		if (ret)
			return ret;
		ret = strata_require(rq, el, tb, STRATA_TIERREF_A_TIER,
				     "STRATA_TIERREF_A_TIER is required in every tier reference");
		if (ret)
			return ret;
		tr->tier = nla_get_u32(tb[STRATA_TIERREF_A_TIER]);
		ret = strata_ep_array(rq, e, tb[STRATA_TIERREF_A_POLICIES],
				      (void **)&tr->policies, &tr->n_policies,
				      sizeof(u32));
		if (ret)
			return ret;
		i++;
	}
	list->n = n;
	return 0;
}

/**
 * strata_parse_endpoint() - build an endpoint from STRATA_A_ENDPOINT
 * @rq: the request
 * @nest: the nest
 * @replace: NLM_F_REPLACE
 * @out: the new endpoint (one reference) on success
 *
 * Return: 0 or a negative errno (extack set).
 */
int strata_parse_endpoint(struct strata_req *rq, const struct nlattr *nest,
			  bool replace, struct sc_endpoint **out)
{
	struct nlattr *tb[STRATA_EP_A_MAX + 1];
	struct nlattr *ltb[__STRATA_LIST_MAX + 1];
	const struct sc_endpoint *old = NULL;
	struct sc_endpoint *e;
	int ret, l;

	ret = nla_parse_nested(tb, STRATA_EP_A_MAX, nest, strata_ep_policy,
			       rq->extack);
	if (ret)
		return ret;
	ret = strata_require(rq, nest, tb, STRATA_EP_A_ID,
			     "STRATA_EP_A_ID is required");
	if (!ret)
		ret = strata_require(rq, nest, tb, STRATA_EP_A_KIND,
				     "STRATA_EP_A_KIND is required");
	if (!ret)
		ret = strata_require(rq, nest, tb, STRATA_EP_A_IFNAME,
				     "STRATA_EP_A_IFNAME is required");
	if (ret)
		return ret;
	e = sc_endpoint_new(&rq->sn->env);
	if (!e)
		return strata_nomem(rq, nest);
	e->id = nla_get_u32(tb[STRATA_EP_A_ID]);
	e->kind = nla_get_u8(tb[STRATA_EP_A_KIND]);
	nla_strscpy(e->ifname, tb[STRATA_EP_A_IFNAME], sizeof(e->ifname));
	if (replace)
		old = sc_state_find_endpoint(rq->sn->state, e->id, NULL);
	ret = strata_parse_name(rq, nest, tb, e->name, old ? old->name : NULL,
				"STRATA_EP_A_NAME is required to create an endpoint");
	if (ret)
		goto err;
	if (tb[STRATA_EP_A_MARK])
		e->mark = nla_get_u32(tb[STRATA_EP_A_MARK]);
	if (tb[STRATA_EP_A_NO_MATCH])
		e->no_match = nla_get_u8(tb[STRATA_EP_A_NO_MATCH]);
	ret = strata_ep_array(rq, e, tb[STRATA_EP_A_ADDRS],
			      (void **)&e->addrs, &e->n_addrs,
			      sizeof(*e->addrs));
	if (!ret)
		ret = strata_ep_array(rq, e, tb[STRATA_EP_A_SPOOF],
				      (void **)&e->spoof, &e->n_spoof,
				      sizeof(*e->spoof));
	if (!ret)
		ret = strata_ep_array(rq, e, tb[STRATA_EP_A_PROFILES],
				      (void **)&e->profiles, &e->n_profiles,
				      sizeof(u32));
	if (ret)
		goto err;
	if (tb[STRATA_EP_A_LISTS]) {
		ret = nla_parse_nested(ltb, __STRATA_LIST_MAX,
				       tb[STRATA_EP_A_LISTS],
				       strata_lists_policy, rq->extack);
		if (ret)
			goto err;
		for (l = 0; l < __STRATA_LIST_MAX; l++) {
			if (!ltb[l + 1])
				continue;
			ret = strata_parse_tierrefs(rq, e, &e->lists[l],
						    ltb[l + 1]);
			if (ret)
				goto err;
		}
	}
	ret = sc_endpoint_check(e, &rq->err);
	if (ret) {
		ret = strata_check_failed(rq, nest, ret);
		goto err;
	}
	*out = e;
	return 0;

err:
	sc_endpoint_put(e);
	return ret;
}

static int strata_parse_failsafes(struct strata_req *rq,
				  const struct nlattr *attr,
				  struct strata_failsafe *f, u32 *n)
{
	u32 count = nla_len(attr) / sizeof(*f);

	if (count > SC_MAX_FAILSAFE) {
		NL_SET_ERR_MSG_ATTR(rq->extack, attr,
				    "too many failsafe ports (at most 64 per direction)");
		return -EINVAL;
	}
	memcpy(f, nla_data(attr), count * sizeof(*f));
	*n = count;
	return 0;
}

static int strata_parse_wl_prefixes(struct strata_req *rq,
				    const struct nlattr *nest,
				    struct sc_settings *s)
{
	const struct nlattr *el;
	u16 n = 0;
	int rem;

	nla_for_each_nested(el, nest, rem) {
		int len = nla_len(el);

		if (el->nla_type & NLA_F_NESTED) {
			NL_SET_ERR_MSG_ATTR(rq->extack, el,
					    "STRATA_SET_A_WL_PREFIXES holds strings, not nests");
			return -EINVAL;
		}
		if (n == STRATA_MAX_WL_PREFIXES) {
			NL_SET_ERR_MSG_ATTR(rq->extack, el,
					    "STRATA_SET_A_WL_PREFIXES holds at most 8 prefixes");
			return -EINVAL;
		}
		if (len < 2 || len > STRATA_IFNAME_LEN ||
		    !memchr(nla_data(el), '\0', len) ||
		    strnlen(nla_data(el), len) != len - 1) {
			NL_SET_ERR_MSG_ATTR(rq->extack, el,
					    "a workload prefix must be a NUL-terminated string of 1..15 bytes");
			return -EINVAL;
		}
		memset(s->wl_prefixes[n], 0, STRATA_IFNAME_LEN);
		memcpy(s->wl_prefixes[n], nla_data(el), len);
		n++;
	}
	s->n_wl_prefixes = n;
	return 0;
}

static void strata_set_u8(const struct nlattr *attr, u8 *v)
{
	if (attr)
		*v = nla_get_u8(attr);
}

static void strata_set_u16(const struct nlattr *attr, u16 *v)
{
	if (attr)
		*v = nla_get_u16(attr);
}

static void strata_set_u32(const struct nlattr *attr, u32 *v)
{
	if (attr)
		*v = nla_get_u32(attr);
}

/**
 * strata_parse_settings() - apply STRATA_A_SETTINGS to @s
 * @rq: the request
 * @nest: the nest: any subset of the settings
 * @s: the settings to change; attributes left out keep their value
 *
 * The engine checks the result (sc_tx_set_settings()).
 *
 * Return: 0 or -EINVAL (extack set).
 */
int strata_parse_settings(struct strata_req *rq, const struct nlattr *nest,
			  struct sc_settings *s)
{
	struct nlattr *tb[STRATA_SET_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, STRATA_SET_A_MAX, nest,
			       strata_settings_policy, rq->extack);
	if (ret)
		return ret;
	strata_set_u32(tb[STRATA_SET_A_MARK_MASK], &s->mark_mask);
	strata_set_u32(tb[STRATA_SET_A_MARK_ACCEPT], &s->mark_accept);
	strata_set_u8(tb[STRATA_SET_A_WL_TO_HOST], &s->wl_to_host);
	strata_set_u32(tb[STRATA_SET_A_LOG_RATE], &s->log_rate);
	strata_set_u32(tb[STRATA_SET_A_LOG_BURST], &s->log_burst);
	strata_set_u8(tb[STRATA_SET_A_CT_INVALID_DROP], &s->ct_invalid_drop);
	strata_set_u8(tb[STRATA_SET_A_ALLOW_IPIP], &s->allow_ipip);
	strata_set_u8(tb[STRATA_SET_A_ALLOW_VXLAN], &s->allow_vxlan);
	strata_set_u16(tb[STRATA_SET_A_VXLAN_PORT], &s->vxlan_port);
	strata_set_u32(tb[STRATA_SET_A_FLOW_RATE], &s->flow_rate);
	strata_set_u32(tb[STRATA_SET_A_FLOW_BURST], &s->flow_burst);
	strata_set_u32(tb[STRATA_SET_A_LIMIT_TIERS], &s->limits.tiers);
	strata_set_u32(tb[STRATA_SET_A_LIMIT_POLICIES], &s->limits.policies);
	strata_set_u32(tb[STRATA_SET_A_LIMIT_RULES], &s->limits.rules);
	strata_set_u32(tb[STRATA_SET_A_LIMIT_IPSETS], &s->limits.ipsets);
	strata_set_u32(tb[STRATA_SET_A_LIMIT_MEMBERS], &s->limits.members);
	strata_set_u32(tb[STRATA_SET_A_LIMIT_ENDPOINTS], &s->limits.endpoints);
	if (tb[STRATA_SET_A_FAILSAFE_IN]) {
		ret = strata_parse_failsafes(rq, tb[STRATA_SET_A_FAILSAFE_IN],
					     s->failsafe_in,
					     &s->n_failsafe_in);
		if (ret)
			return ret;
	}
	if (tb[STRATA_SET_A_FAILSAFE_OUT]) {
		ret = strata_parse_failsafes(rq, tb[STRATA_SET_A_FAILSAFE_OUT],
					     s->failsafe_out,
					     &s->n_failsafe_out);
		if (ret)
			return ret;
	}
	if (tb[STRATA_SET_A_WL_PREFIXES]) {
		ret = strata_parse_wl_prefixes(rq, tb[STRATA_SET_A_WL_PREFIXES],
					       s);
		if (ret)
			return ret;
	}
	rq->err_attr = nest;
	return 0;
}

/* ---- replies ---------------------------------------------------------- */

/* An array attribute; nothing for an empty one, -E2BIG if it cannot fit. */
static int strata_put_array(struct sk_buff *skb, int type, const void *p,
			    u32 n, size_t size)
{
	if (!n)
		return 0;
	if ((u64)n * size > STRATA_ATTR_MAX)
		return -E2BIG;
	return nla_put(skb, type, n * size, p);
}

static size_t strata_array_size(u32 n, size_t size)
{
	return n ? nla_total_size(n * size) : 0;
}

/* Close a nest, or -E2BIG if it outgrew an attribute's 16-bit length. */
static int strata_nest_end(struct sk_buff *skb, struct nlattr *nest)
{
	if (skb_tail_pointer(skb) - (unsigned char *)nest > U16_MAX)
		return -E2BIG;
	nla_nest_end(skb, nest);
	return 0;
}

static void strata_nest_cancel(struct sk_buff *skb, struct nlattr *nest)
{
	nla_nest_cancel(skb, nest);
}

/* A name from a fixed-size field, always NUL-terminated on the wire. */
static int strata_put_name(struct sk_buff *skb, int type, const char *name,
			   size_t size)
{
	size_t len = strnlen(name, size - 1);
	struct nlattr *attr;

	attr = nla_reserve(skb, type, len + 1);
	if (!attr)
		return -EMSGSIZE;
	memcpy(nla_data(attr), name, len);
	((char *)nla_data(attr))[len] = '\0';
	return 0;
}

/**
 * strata_tier_size() - room strata_fill_tier() needs
 *
 * Return: bytes.
 */
size_t strata_tier_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u32)) +
	       nla_total_size(STRATA_NAME_LEN) + nla_total_size(sizeof(u8));
}

/**
 * strata_fill_tier() - write STRATA_A_TIER
 * @skb: the message
 * @t: the tier
 *
 * Return: 0, or -EMSGSIZE (nothing written).
 */
int strata_fill_tier(struct sk_buff *skb, const struct sc_tier *t)
{
	struct nlattr *nest = nla_nest_start(skb, STRATA_A_TIER);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, STRATA_TIER_A_ID, t->id) ||
	    strata_put_name(skb, STRATA_TIER_A_NAME, t->name, STRATA_NAME_LEN) ||
	    nla_put_u8(skb, STRATA_TIER_A_DEFAULT_ACTION, t->default_action)) {
		strata_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * strata_ipset_size() - room strata_fill_ipset() needs
 *
 * Return: bytes.
 */
size_t strata_ipset_size(void)
{
	return nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
	       nla_total_size(STRATA_NAME_LEN) + 2 * nla_total_size(sizeof(u8));
}

/**
 * strata_fill_ipset() - write STRATA_A_IPSET without its members
 * @skb: the message
 * @s: the set
 * @count: its number of members
 *
 * Return: 0, or -EMSGSIZE (nothing written).
 */
int strata_fill_ipset(struct sk_buff *skb, const struct sc_ipset *s,
		      u32 count)
{
	struct nlattr *nest = nla_nest_start(skb, STRATA_A_IPSET);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, STRATA_IPSET_A_ID, s->id) ||
	    strata_put_name(skb, STRATA_IPSET_A_NAME, s->name, STRATA_NAME_LEN) ||
	    nla_put_u8(skb, STRATA_IPSET_A_FAMILY, s->family) ||
	    nla_put_u8(skb, STRATA_IPSET_A_KIND, s->kind) ||
	    nla_put_u32(skb, STRATA_IPSET_A_COUNT, count)) {
		strata_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * strata_endpoint_size() - room strata_fill_endpoint() needs
 * @e: the endpoint
 *
 * Return: bytes.
 */
size_t strata_endpoint_size(const struct sc_endpoint *e)
{
	size_t size = nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
		      nla_total_size(STRATA_NAME_LEN) +
		      nla_total_size(STRATA_IFNAME_LEN) +
		      2 * nla_total_size(sizeof(u8)) +
		      strata_array_size(e->n_addrs, sizeof(*e->addrs)) +
		      strata_array_size(e->n_spoof, sizeof(*e->spoof)) +
		      strata_array_size(e->n_profiles, sizeof(u32)) +
		      nla_total_size(0);
	u32 l, i;

	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		if (!e->lists[l].n)
			continue;
		size += nla_total_size(0);
		for (i = 0; i < e->lists[l].n; i++)
			size += nla_total_size(0) +
				nla_total_size(sizeof(u32)) +
				strata_array_size(e->lists[l].refs[i].n_policies,
						  sizeof(u32));
	}
	return size;
}

static int strata_put_eplist(struct sk_buff *skb, int type,
			     const struct sc_eplist *list)
{
	struct nlattr *arr, *el;
	u32 i;
	int ret;

	arr = nla_nest_start(skb, type);
	if (!arr)
		return -EMSGSIZE;
	for (i = 0; i < list->n; i++) {
		const struct sc_tierref *tr = &list->refs[i];

		el = nla_nest_start(skb, i + 1);
		if (!el)
			return -EMSGSIZE;
		if (nla_put_u32(skb, STRATA_TIERREF_A_TIER, tr->tier))
			return -EMSGSIZE;
		ret = strata_put_array(skb, STRATA_TIERREF_A_POLICIES,
				       tr->policies, tr->n_policies,
				       sizeof(u32));
		if (ret)
			return ret;
		ret = strata_nest_end(skb, el);
		if (ret)
			return ret;
	}
	return strata_nest_end(skb, arr);
}

/**
 * strata_fill_endpoint() - write STRATA_A_ENDPOINT
 * @skb: the message
 * @e: the endpoint
 *
 * Return: 0; -EMSGSIZE if it does not fit; -E2BIG if it can never fit one
 * attribute. Nothing is written on error.
 */
int strata_fill_endpoint(struct sk_buff *skb, const struct sc_endpoint *e)
{
	struct nlattr *nest, *lists;
	int ret = -EMSGSIZE;
	u32 l;

	nest = nla_nest_start(skb, STRATA_A_ENDPOINT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, STRATA_EP_A_ID, e->id) ||
	    strata_put_name(skb, STRATA_EP_A_NAME, e->name, STRATA_NAME_LEN) ||
	    nla_put_u8(skb, STRATA_EP_A_KIND, e->kind) ||
	    strata_put_name(skb, STRATA_EP_A_IFNAME, e->ifname,
			    STRATA_IFNAME_LEN) ||
	    nla_put_u32(skb, STRATA_EP_A_MARK, e->mark) ||
	    nla_put_u8(skb, STRATA_EP_A_NO_MATCH, e->no_match))
		goto cancel;
	ret = strata_put_array(skb, STRATA_EP_A_ADDRS, e->addrs, e->n_addrs,
			       sizeof(*e->addrs));
	if (!ret)
		ret = strata_put_array(skb, STRATA_EP_A_SPOOF, e->spoof,
				       e->n_spoof, sizeof(*e->spoof));
	if (!ret)
		ret = strata_put_array(skb, STRATA_EP_A_PROFILES, e->profiles,
				       e->n_profiles, sizeof(u32));
	if (ret)
		goto cancel;
	ret = -EMSGSIZE;
	lists = nla_nest_start(skb, STRATA_EP_A_LISTS);
	if (!lists)
		goto cancel;
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		if (!e->lists[l].n)
			continue;
		ret = strata_put_eplist(skb, l + 1, &e->lists[l]);
		if (ret)
			goto cancel;
	}
	ret = strata_nest_end(skb, lists);
	if (!ret)
		ret = strata_nest_end(skb, nest);
	if (ret)
		goto cancel;
	return 0;

cancel:
	strata_nest_cancel(skb, nest);
	return ret;
}

static size_t strata_ent_size(const struct sc_ent *e)
{
	size_t size;

	size = strata_array_size(e->n_nets, sizeof(*e->nets)) +
	       strata_array_size(e->n_not_nets, sizeof(*e->not_nets)) +
	       strata_array_size(e->n_sets, sizeof(u32)) +
	       strata_array_size(e->n_not_sets, sizeof(u32)) +
	       strata_array_size(e->n_ports, sizeof(*e->ports)) +
	       strata_array_size(e->n_not_ports, sizeof(*e->not_ports)) +
	       strata_array_size(e->n_psets, sizeof(u32)) +
	       strata_array_size(e->n_not_psets, sizeof(u32));
	return size ? nla_total_size(size) : 0;
}

/**
 * strata_rule_size() - room one rule of a policy reply needs
 * @r: the rule
 *
 * Return: bytes.
 */
size_t strata_rule_size(const struct sc_rule *r)
{
	return nla_total_size(0) + 8 * nla_total_size(sizeof(u8)) +
	       nla_total_size_64bit(sizeof(u64)) + strata_ent_size(&r->src) +
	       strata_ent_size(&r->dst);
}

/**
 * strata_policy_head_size() - room a policy's reply needs besides its rules
 *
 * Return: bytes.
 */
size_t strata_policy_head_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u32)) +
	       nla_total_size(STRATA_NAME_LEN) +
	       4 * nla_total_size(sizeof(u32)) + 2 * nla_total_size(0);
}

static int strata_put_ent(struct sk_buff *skb, int type,
			  const struct sc_ent *e)
{
	struct nlattr *nest;
	int ret;

	if (!strata_ent_size(e))
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	ret = strata_put_array(skb, STRATA_ENT_A_NETS, e->nets, e->n_nets,
			       sizeof(*e->nets));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_NOT_NETS, e->not_nets,
				       e->n_not_nets, sizeof(*e->not_nets));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_SETS, e->sets,
				       e->n_sets, sizeof(u32));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_NOT_SETS, e->not_sets,
				       e->n_not_sets, sizeof(u32));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_PORTS, e->ports,
				       e->n_ports, sizeof(*e->ports));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_NOT_PORTS,
				       e->not_ports, e->n_not_ports,
				       sizeof(*e->not_ports));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_PORT_SETS, e->psets,
				       e->n_psets, sizeof(u32));
	if (!ret)
		ret = strata_put_array(skb, STRATA_ENT_A_NOT_PORT_SETS,
				       e->not_psets, e->n_not_psets,
				       sizeof(u32));
	if (!ret)
		ret = strata_nest_end(skb, nest);
	return ret;
}

/* One element of INGRESS/EGRESS; nothing written on error. */
static int strata_put_rule(struct sk_buff *skb, const struct sc_rule *r)
{
	struct nlattr *nest;
	int ret = -EMSGSIZE;

	if (strata_rule_size(r) > STRATA_RULE_MAX)
		return -E2BIG;
	nest = nla_nest_start(skb, 1);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, STRATA_RULE_A_ACTION, r->action))
		goto cancel;
	if (r->ip_version &&
	    nla_put_u8(skb, STRATA_RULE_A_IP_VERSION, r->ip_version))
		goto cancel;
	if ((r->present & STRATA_IMG_RULE_F_PROTO) &&
	    nla_put_u8(skb, STRATA_RULE_A_PROTO, r->proto))
		goto cancel;
	if ((r->present & STRATA_IMG_RULE_F_NOT_PROTO) &&
	    nla_put_u8(skb, STRATA_RULE_A_NOT_PROTO, r->not_proto))
		goto cancel;
	if ((r->present & STRATA_IMG_RULE_F_ICMP_TYPE) &&
	    nla_put_u8(skb, STRATA_RULE_A_ICMP_TYPE, r->icmp_type))
		goto cancel;
	if ((r->present & STRATA_IMG_RULE_F_ICMP_CODE) &&
	    nla_put_u8(skb, STRATA_RULE_A_ICMP_CODE, r->icmp_code))
		goto cancel;
	if ((r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE) &&
	    nla_put_u8(skb, STRATA_RULE_A_NOT_ICMP_TYPE, r->not_icmp_type))
		goto cancel;
	if ((r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE) &&
	    nla_put_u8(skb, STRATA_RULE_A_NOT_ICMP_CODE, r->not_icmp_code))
		goto cancel;
	if (r->cookie &&
	    nla_put_u64_64bit(skb, STRATA_RULE_A_COOKIE, r->cookie,
			      STRATA_RULE_A_PAD))
		goto cancel;
	ret = strata_put_ent(skb, STRATA_RULE_A_SRC, &r->src);
	if (!ret)
		ret = strata_put_ent(skb, STRATA_RULE_A_DST, &r->dst);
	if (!ret)
		ret = strata_nest_end(skb, nest);
	if (ret)
		goto cancel;
	return 0;

cancel:
	strata_nest_cancel(skb, nest);
	return ret;
}

/**
 * strata_fill_policy() - write STRATA_A_POLICY, or the next part of it
 * @skb: the message
 * @p: the policy
 * @pos: where to continue; advanced past what was written
 *
 * Writes the policy's id, name and rule counts, then as many rules as fit
 * from @pos on, each direction's first one announced by its
 * STRATA_POLICY_A_*_START.
 *
 * Return: 0 when the policy is complete; 1 when only part fitted (written,
 * @pos says where the next message continues); -EMSGSIZE when nothing
 * fitted (nothing written); -E2BIG when a rule can never fit an attribute.
 */
int strata_fill_policy(struct sk_buff *skb, const struct sc_policy *p,
		       struct strata_policy_pos *pos)
{
	static const int arr_type[SC_NDIRS] = {
		STRATA_POLICY_A_INGRESS, STRATA_POLICY_A_EGRESS,
	};
	static const int start_type[SC_NDIRS] = {
		STRATA_POLICY_A_INGRESS_START, STRATA_POLICY_A_EGRESS_START,
	};
	struct nlattr *nest, *arr;
	unsigned char *mark;
	u32 emitted;
	int ret;

	nest = nla_nest_start(skb, STRATA_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, STRATA_POLICY_A_ID, p->id) ||
	    strata_put_name(skb, STRATA_POLICY_A_NAME, p->name, STRATA_NAME_LEN) ||
	    nla_put_u32(skb, STRATA_POLICY_A_INGRESS_COUNT,
			p->n_rules[SC_INGRESS]) ||
	    nla_put_u32(skb, STRATA_POLICY_A_EGRESS_COUNT,
			p->n_rules[SC_EGRESS])) {
		strata_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	for (; pos->dir < SC_NDIRS; pos->dir++, pos->rule = 0) {
		u32 d = pos->dir, n = p->n_rules[d];

		if (pos->rule >= n)
			continue;
		mark = skb_tail_pointer(skb);
		if (nla_put_u32(skb, start_type[d], pos->rule))
			goto partial;
		arr = nla_nest_start(skb, arr_type[d]);
		if (!arr) {
			nlmsg_trim(skb, mark);
			goto partial;
		}
		for (emitted = 0; pos->rule < n; pos->rule++, emitted++) {
			unsigned char *before = skb_tail_pointer(skb);

			ret = strata_put_rule(skb, &p->rules[d][pos->rule]);
			if (ret == -E2BIG) {
				strata_nest_cancel(skb, nest);
				return ret;
			}
			if (ret)
				break;
			/* the policy nest's length is 16 bits too */
			if (skb_tail_pointer(skb) - (unsigned char *)nest >
			    U16_MAX) {
				nlmsg_trim(skb, before);
				break;
			}
		}
		if (!emitted) {
			nlmsg_trim(skb, mark);
			goto partial;
		}
		nla_nest_end(skb, arr);
		if (pos->rule < n)
			goto partial;
	}
	nla_nest_end(skb, nest);
	return 0;

partial:
	nla_nest_end(skb, nest);
	return 1;
}

/**
 * strata_settings_size() - room strata_fill_settings() needs
 * @s: the settings
 *
 * Return: bytes.
 */
size_t strata_settings_size(const struct sc_settings *s)
{
	return nla_total_size(0) + 20 * nla_total_size(sizeof(u32)) +
	       strata_array_size(s->n_failsafe_in, sizeof(*s->failsafe_in)) +
	       strata_array_size(s->n_failsafe_out,
				 sizeof(*s->failsafe_out)) +
	       nla_total_size(0) +
	       s->n_wl_prefixes * nla_total_size(STRATA_IFNAME_LEN);
}

/**
 * strata_fill_settings() - write STRATA_A_SETTINGS, every field
 * @skb: the message
 * @s: the settings
 *
 * Return: 0, or -EMSGSIZE.
 */
int strata_fill_settings(struct sk_buff *skb, const struct sc_settings *s)
{
	struct nlattr *nest, *pfx;
	u32 i;

	nest = nla_nest_start(skb, STRATA_A_SETTINGS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, STRATA_SET_A_MARK_MASK, s->mark_mask) ||
	    nla_put_u32(skb, STRATA_SET_A_MARK_ACCEPT, s->mark_accept) ||
	    strata_put_array(skb, STRATA_SET_A_FAILSAFE_IN, s->failsafe_in,
			     s->n_failsafe_in, sizeof(*s->failsafe_in)) ||
	    strata_put_array(skb, STRATA_SET_A_FAILSAFE_OUT, s->failsafe_out,
			     s->n_failsafe_out, sizeof(*s->failsafe_out)) ||
	    nla_put_u8(skb, STRATA_SET_A_WL_TO_HOST, s->wl_to_host) ||
	    nla_put_u32(skb, STRATA_SET_A_LOG_RATE, s->log_rate) ||
	    nla_put_u32(skb, STRATA_SET_A_LOG_BURST, s->log_burst) ||
	    nla_put_u8(skb, STRATA_SET_A_CT_INVALID_DROP, s->ct_invalid_drop) ||
	    nla_put_u8(skb, STRATA_SET_A_ALLOW_IPIP, s->allow_ipip) ||
	    nla_put_u8(skb, STRATA_SET_A_ALLOW_VXLAN, s->allow_vxlan) ||
	    nla_put_u16(skb, STRATA_SET_A_VXLAN_PORT, s->vxlan_port) ||
	    nla_put_u32(skb, STRATA_SET_A_FLOW_RATE, s->flow_rate) ||
	    nla_put_u32(skb, STRATA_SET_A_FLOW_BURST, s->flow_burst) ||
	    nla_put_u32(skb, STRATA_SET_A_LIMIT_TIERS, s->limits.tiers) ||
	    nla_put_u32(skb, STRATA_SET_A_LIMIT_POLICIES, s->limits.policies) ||
	    nla_put_u32(skb, STRATA_SET_A_LIMIT_RULES, s->limits.rules) ||
	    nla_put_u32(skb, STRATA_SET_A_LIMIT_IPSETS, s->limits.ipsets) ||
	    nla_put_u32(skb, STRATA_SET_A_LIMIT_MEMBERS, s->limits.members) ||
	    nla_put_u32(skb, STRATA_SET_A_LIMIT_ENDPOINTS,
			s->limits.endpoints))
		goto cancel;
	pfx = nla_nest_start(skb, STRATA_SET_A_WL_PREFIXES);
	if (!pfx)
		goto cancel;
	for (i = 0; i < s->n_wl_prefixes && i < STRATA_MAX_WL_PREFIXES; i++)
		if (strata_put_name(skb, i + 1, s->wl_prefixes[i],
				    STRATA_IFNAME_LEN))
			goto cancel;
	nla_nest_end(skb, pfx);
	nla_nest_end(skb, nest);
	return 0;

cancel:
	strata_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
