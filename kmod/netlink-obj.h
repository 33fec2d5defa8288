/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between netlink attributes and the engine's objects: building
 * kmod/core/model.h objects from request nests, and writing objects back
 * as reply nests.
 */
#ifndef _STRATA_NETLINK_OBJ_H
#define _STRATA_NETLINK_OBJ_H

#include <net/netlink.h>
#include "strata.h"
#include "core/model.h"

/**
 * struct strata_req - one request's context while it is parsed and run
 * @sn: the namespace
 * @extack: where refusals are reported
 * @err: the engine's reason for a refusal
 * @err_attr: the request attribute the engine's refusal is about, or NULL
 */
struct strata_req {
	struct strata_net *sn;
	struct netlink_ext_ack *extack;
	struct sc_err err;
	const struct nlattr *err_attr;
};

/**
 * struct strata_ref - an object named by id or by name in a request
 * @id: the id, or 0 if @name is used
 * @name: the name, or NULL if @id is used; points into the request
 * @attr: the attribute that named it
 */
struct strata_ref {
	u32 id;
	const char *name;
	const struct nlattr *attr;
};

/**
 * struct strata_policy_pos - how far a policy's rules have been written
 * @dir: the direction in progress (enum sc_dir)
 * @rule: the first rule of @dir not written yet
 */
struct strata_policy_pos {
	u32 dir;
	u32 rule;
};

/**
 * strata_set_err() - set an extack message that is not a literal
 * @extack: the extended ack, may be NULL
 * @attr: the offending attribute inside the request, or NULL
 * @msg: a message with static storage duration
 *
 * NL_SET_ERR_MSG() takes string literals only; messages chosen at run
 * time (the engine's, per-kind tables) come through here.
 */
static inline void strata_set_err(struct netlink_ext_ack *extack,
				  const struct nlattr *attr, const char *msg)
{
	do_trace_netlink_extack(msg);
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr) {
		extack->bad_attr = attr;
		extack->policy = NULL;
	}
}

int strata_req_fail(struct strata_req *rq, int ret);

int strata_parse_ref(struct strata_req *rq, u8 kind, const struct nlattr *nest,
		     struct strata_ref *ref);
int strata_parse_tier(struct strata_req *rq, const struct nlattr *nest,
		      bool replace, struct sc_tier **out);
int strata_parse_policy(struct strata_req *rq, const struct nlattr *nest,
			bool replace, bool *append, struct sc_policy **out);
int strata_parse_ipset(struct strata_req *rq, const struct nlattr *nest,
		       bool replace, struct sc_ipset **out,
		       const struct strata_member **members, u32 *n_members);
int strata_parse_members(struct strata_req *rq, const struct nlattr *nest,
			 struct strata_ref *ref,
			 const struct strata_member **members, u32 *n);
int strata_parse_endpoint(struct strata_req *rq, const struct nlattr *nest,
			  bool replace, struct sc_endpoint **out);
int strata_parse_settings(struct strata_req *rq, const struct nlattr *nest,
			  struct sc_settings *s);

int strata_fill_tier(struct sk_buff *skb, const struct sc_tier *t);
int strata_fill_ipset(struct sk_buff *skb, const struct sc_ipset *s,
		      u32 count);
int strata_fill_endpoint(struct sk_buff *skb, const struct sc_endpoint *e);
int strata_fill_policy(struct sk_buff *skb, const struct sc_policy *p,
		       struct strata_policy_pos *pos);
int strata_fill_settings(struct sk_buff *skb, const struct sc_settings *s);

size_t strata_tier_size(void);
size_t strata_ipset_size(void);
size_t strata_endpoint_size(const struct sc_endpoint *e);
size_t strata_policy_head_size(void);
size_t strata_rule_size(const struct sc_rule *r);
size_t strata_settings_size(const struct sc_settings *s);

#endif /* _STRATA_NETLINK_OBJ_H */
