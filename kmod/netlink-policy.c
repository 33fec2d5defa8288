// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute policies of the "strata" family. The tables are strict: every
 * attribute has a type, scalars that are enums or booleans have their
 * range, names are NUL-terminated with a maximum length, binary arrays
 * must hold a whole number of elements, and attributes that only appear
 * in replies are rejected in requests. What a policy cannot express (a
 * value that must be 4 or 6, a list of strings) has a validation function
 * or is checked where the nest is parsed. The engine checks the meaning
 * (kmod/core/model.c).
 *
 * strata_cmd_attrs() says which top-level attributes each command takes;
 * netlink.c refuses the others.
 */
#include <linux/stddef.h>
#include <net/netlink.h>
#include <linux/strata.h>
#include "netlink-policy.h"

/* A binary attribute holding an array of @size-byte elements. */
static int strata_validate_array(const struct nlattr *attr,
				 struct netlink_ext_ack *extack, size_t size)
{
	if (nla_len(attr) % size) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "array length is not a multiple of its element size");
		return -EINVAL;
	}
	return 0;
}

static int strata_validate_u32s(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	return strata_validate_array(attr, extack, sizeof(__u32));
}

static int strata_validate_prefixes(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	return strata_validate_array(attr, extack,
				     sizeof(struct strata_prefix));
}

static int strata_validate_ports(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	return strata_validate_array(attr, extack,
				     sizeof(struct strata_port_range));
}

static int strata_validate_members(const struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	return strata_validate_array(attr, extack,
				     sizeof(struct strata_member));
}

static int strata_validate_failsafes(const struct nlattr *attr,
				     struct netlink_ext_ack *extack)
{
	return strata_validate_array(attr, extack,
				     sizeof(struct strata_failsafe));
}

static int strata_validate_ip_version(const struct nlattr *attr,
				      struct netlink_ext_ack *extack)
{
	u8 v = nla_get_u8(attr);

	if (v != 0 && v != 4 && v != 6) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "STRATA_RULE_A_IP_VERSION must be 0, 4 or 6");
		return -ERANGE;
	}
	return 0;
}

static int strata_validate_family(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	u8 v = nla_get_u8(attr);

	if (v != STRATA_FAMILY_IPV4 && v != STRATA_FAMILY_IPV6) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "STRATA_IPSET_A_FAMILY must be 4 or 6");
		return -ERANGE;
	}
	return 0;
}

#define STRATA_NAME_POLICY \
	{ .type = NLA_NUL_STRING, .len = STRATA_NAME_LEN - 1 }
#define STRATA_ARRAY_POLICY(fn) NLA_POLICY_VALIDATE_FN(NLA_BINARY, fn)
#define STRATA_ID_POLICY NLA_POLICY_MIN(NLA_U32, 1)
#define STRATA_BOOL_POLICY NLA_POLICY_MAX(NLA_U8, 1)
#define STRATA_REPLY_ONLY(msg) \
	{ .type = NLA_REJECT, .reject_message = (msg) }

const struct nla_policy strata_tier_policy[STRATA_TIER_A_MAX + 1] = {
	[STRATA_TIER_A_ID]		= STRATA_ID_POLICY,
	[STRATA_TIER_A_NAME]		= STRATA_NAME_POLICY,
	[STRATA_TIER_A_DEFAULT_ACTION]	= NLA_POLICY_RANGE(NLA_U8,
							   STRATA_ACT_DENY,
							   STRATA_ACT_PASS),
};

const struct nla_policy strata_ent_policy[STRATA_ENT_A_MAX + 1] = {
	[STRATA_ENT_A_NETS]	= STRATA_ARRAY_POLICY(strata_validate_prefixes),
	[STRATA_ENT_A_NOT_NETS]	= STRATA_ARRAY_POLICY(strata_validate_prefixes),
	[STRATA_ENT_A_SETS]	= STRATA_ARRAY_POLICY(strata_validate_u32s),
	[STRATA_ENT_A_NOT_SETS]	= STRATA_ARRAY_POLICY(strata_validate_u32s),
	[STRATA_ENT_A_PORTS]	= STRATA_ARRAY_POLICY(strata_validate_ports),
	[STRATA_ENT_A_NOT_PORTS] = STRATA_ARRAY_POLICY(strata_validate_ports),
	[STRATA_ENT_A_PORT_SETS] = STRATA_ARRAY_POLICY(strata_validate_u32s),
	[STRATA_ENT_A_NOT_PORT_SETS] = STRATA_ARRAY_POLICY(strata_validate_u32s),
};

const struct nla_policy strata_rule_policy[STRATA_RULE_A_MAX + 1] = {
	[STRATA_RULE_A_ACTION]		= NLA_POLICY_RANGE(NLA_U8,
							   STRATA_ACT_ALLOW,
							   STRATA_ACT_MAX),
	[STRATA_RULE_A_IP_VERSION]	=
		NLA_POLICY_VALIDATE_FN(NLA_U8, strata_validate_ip_version),
	[STRATA_RULE_A_PROTO]		= NLA_POLICY_MIN(NLA_U8, 1),
	[STRATA_RULE_A_NOT_PROTO]	= NLA_POLICY_MIN(NLA_U8, 1),
	[STRATA_RULE_A_ICMP_TYPE]	= NLA_POLICY_MAX(NLA_U8, 254),
	[STRATA_RULE_A_ICMP_CODE]	= { .type = NLA_U8 },
	[STRATA_RULE_A_NOT_ICMP_TYPE]	= NLA_POLICY_MAX(NLA_U8, 254),
	[STRATA_RULE_A_NOT_ICMP_CODE]	= { .type = NLA_U8 },
	[STRATA_RULE_A_SRC]		= NLA_POLICY_NESTED(strata_ent_policy),
	[STRATA_RULE_A_DST]		= NLA_POLICY_NESTED(strata_ent_policy),
	[STRATA_RULE_A_COOKIE]		= { .type = NLA_U64 },
	[STRATA_RULE_A_PAD]		= { .type = NLA_REJECT },
};

const struct nla_policy strata_policy_policy[STRATA_POLICY_A_MAX + 1] = {
	[STRATA_POLICY_A_ID]		= STRATA_ID_POLICY,
	[STRATA_POLICY_A_NAME]		= STRATA_NAME_POLICY,
	[STRATA_POLICY_A_INGRESS]	=
		NLA_POLICY_NESTED_ARRAY(strata_rule_policy),
	[STRATA_POLICY_A_EGRESS]	=
		NLA_POLICY_NESTED_ARRAY(strata_rule_policy),
	[STRATA_POLICY_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
							  STRATA_POLICY_F_APPEND),
	[STRATA_POLICY_A_INGRESS_START]	=
		STRATA_REPLY_ONLY("STRATA_POLICY_A_INGRESS_START appears only in dumps"),
	[STRATA_POLICY_A_EGRESS_START]	=
		STRATA_REPLY_ONLY("STRATA_POLICY_A_EGRESS_START appears only in dumps"),
	[STRATA_POLICY_A_INGRESS_COUNT]	=
		STRATA_REPLY_ONLY("STRATA_POLICY_A_INGRESS_COUNT appears only in dumps"),
	[STRATA_POLICY_A_EGRESS_COUNT]	=
		STRATA_REPLY_ONLY("STRATA_POLICY_A_EGRESS_COUNT appears only in dumps"),
};

const struct nla_policy strata_ipset_policy[STRATA_IPSET_A_MAX + 1] = {
	[STRATA_IPSET_A_ID]		= STRATA_ID_POLICY,
	[STRATA_IPSET_A_NAME]		= STRATA_NAME_POLICY,
	[STRATA_IPSET_A_FAMILY]		=
		NLA_POLICY_VALIDATE_FN(NLA_U8, strata_validate_family),
	[STRATA_IPSET_A_KIND]		= NLA_POLICY_RANGE(NLA_U8,
							   STRATA_IPSET_ADDR,
							   STRATA_IPSET_MAX),
	[STRATA_IPSET_A_MEMBERS]	=
		STRATA_ARRAY_POLICY(strata_validate_members),
	[STRATA_IPSET_A_COUNT]		=
		STRATA_REPLY_ONLY("STRATA_IPSET_A_COUNT appears only in replies"),
};

const struct nla_policy strata_tierref_policy[STRATA_TIERREF_A_MAX + 1] = {
	[STRATA_TIERREF_A_TIER]		= STRATA_ID_POLICY,
	[STRATA_TIERREF_A_POLICIES]	=
		STRATA_ARRAY_POLICY(strata_validate_u32s),
};

/* Inside STRATA_EP_A_LISTS, attribute type (enum strata_list + 1). */
const struct nla_policy strata_lists_policy[__STRATA_LIST_MAX + 1] = {
	[STRATA_LIST_INGRESS + 1]	=
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
	[STRATA_LIST_EGRESS + 1]	=
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
	[STRATA_LIST_UNTRACKED_INGRESS + 1] =
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
	[STRATA_LIST_UNTRACKED_EGRESS + 1] =
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
	[STRATA_LIST_PREDNAT_INGRESS + 1] =
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
	[STRATA_LIST_FORWARD_INGRESS + 1] =
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
	[STRATA_LIST_FORWARD_EGRESS + 1] =
		NLA_POLICY_NESTED_ARRAY(strata_tierref_policy),
};

const struct nla_policy strata_ep_policy[STRATA_EP_A_MAX + 1] = {
	[STRATA_EP_A_ID]		= STRATA_ID_POLICY,
	[STRATA_EP_A_NAME]		= STRATA_NAME_POLICY,
	[STRATA_EP_A_KIND]		= NLA_POLICY_RANGE(NLA_U8,
							   STRATA_EP_WORKLOAD,
							   STRATA_EP_MAX),
	[STRATA_EP_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = STRATA_IFNAME_LEN - 1 },
	[STRATA_EP_A_ADDRS]		=
		STRATA_ARRAY_POLICY(strata_validate_prefixes),
	[STRATA_EP_A_SPOOF]		=
		STRATA_ARRAY_POLICY(strata_validate_prefixes),
	[STRATA_EP_A_MARK]		= { .type = NLA_U32 },
	[STRATA_EP_A_NO_MATCH]		= NLA_POLICY_RANGE(NLA_U8,
							   STRATA_ACT_ALLOW,
							   STRATA_ACT_DENY),
	[STRATA_EP_A_PROFILES]		=
		STRATA_ARRAY_POLICY(strata_validate_u32s),
	[STRATA_EP_A_LISTS]		= NLA_POLICY_NESTED(strata_lists_policy),
};

const struct nla_policy strata_settings_policy[STRATA_SET_A_MAX + 1] = {
	[STRATA_SET_A_MARK_MASK]	= { .type = NLA_U32 },
	[STRATA_SET_A_MARK_ACCEPT]	= { .type = NLA_U32 },
	[STRATA_SET_A_FAILSAFE_IN]	=
		STRATA_ARRAY_POLICY(strata_validate_failsafes),
	[STRATA_SET_A_FAILSAFE_OUT]	=
		STRATA_ARRAY_POLICY(strata_validate_failsafes),
	/* a nested array of strings: checked element by element on parse */
	[STRATA_SET_A_WL_PREFIXES]	= { .type = NLA_NESTED },
	[STRATA_SET_A_WL_TO_HOST]	= NLA_POLICY_MAX(NLA_U8,
							 STRATA_WL_TO_HOST_MAX),
	[STRATA_SET_A_LOG_RATE]		= { .type = NLA_U32 },
	[STRATA_SET_A_LOG_BURST]	= { .type = NLA_U32 },
	[STRATA_SET_A_CT_INVALID_DROP]	= STRATA_BOOL_POLICY,
	[STRATA_SET_A_ALLOW_IPIP]	= STRATA_BOOL_POLICY,
	[STRATA_SET_A_ALLOW_VXLAN]	= STRATA_BOOL_POLICY,
	[STRATA_SET_A_VXLAN_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[STRATA_SET_A_FLOW_RATE]	= { .type = NLA_U32 },
	[STRATA_SET_A_FLOW_BURST]	= { .type = NLA_U32 },
	[STRATA_SET_A_LIMIT_TIERS]	= { .type = NLA_U32 },
	[STRATA_SET_A_LIMIT_POLICIES]	= { .type = NLA_U32 },
	[STRATA_SET_A_LIMIT_RULES]	= { .type = NLA_U32 },
	[STRATA_SET_A_LIMIT_IPSETS]	= { .type = NLA_U32 },
	[STRATA_SET_A_LIMIT_MEMBERS]	= { .type = NLA_U32 },
	[STRATA_SET_A_LIMIT_ENDPOINTS]	= { .type = NLA_U32 },
};

/* Requests select counters by object; the values appear only in replies. */
const struct nla_policy strata_counter_policy[STRATA_CTR_A_MAX + 1] = {
	[STRATA_CTR_A_KIND]	= NLA_POLICY_RANGE(NLA_U8, STRATA_CTR_RULE,
						   STRATA_CTR_NO_MATCH),
	[STRATA_CTR_A_ID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[STRATA_CTR_A_LIST]	=
		STRATA_REPLY_ONLY("STRATA_CTR_A_LIST appears only in replies"),
	[STRATA_CTR_A_INDEX]	=
		STRATA_REPLY_ONLY("STRATA_CTR_A_INDEX appears only in replies"),
	[STRATA_CTR_A_FLOWS]	=
		STRATA_REPLY_ONLY("STRATA_CTR_A_FLOWS appears only in replies"),
	[STRATA_CTR_A_PACKETS]	=
		STRATA_REPLY_ONLY("STRATA_CTR_A_PACKETS appears only in replies"),
	[STRATA_CTR_A_BYTES]	=
		STRATA_REPLY_ONLY("STRATA_CTR_A_BYTES appears only in replies"),
	[STRATA_CTR_A_PAD]	= { .type = NLA_REJECT },
};

const struct nla_policy strata_policy[STRATA_A_MAX + 1] = {
	[STRATA_A_VERSION_ABI]		= { .type = NLA_U32 },
	[STRATA_A_VERSION_GENL]		= { .type = NLA_U32 },
	[STRATA_A_VERSION_MODULE]	= { .type = NLA_NUL_STRING,
					    .len = STRATA_VERSION_LEN - 1 },
	[STRATA_A_GENERATION]		= { .type = NLA_U64 },
	[STRATA_A_PAD]			= { .type = NLA_REJECT },
	[STRATA_A_TIER]			= NLA_POLICY_NESTED(strata_tier_policy),
	[STRATA_A_POLICY]		=
		NLA_POLICY_NESTED(strata_policy_policy),
	[STRATA_A_IPSET]		= NLA_POLICY_NESTED(strata_ipset_policy),
	[STRATA_A_ENDPOINT]		= NLA_POLICY_NESTED(strata_ep_policy),
	[STRATA_A_SETTINGS]		=
		NLA_POLICY_NESTED(strata_settings_policy),
	[STRATA_A_STATS]		=
		STRATA_REPLY_ONLY("STRATA_A_STATS appears only in replies"),
	[STRATA_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
							  STRATA_F_EXIST),
	[STRATA_A_COUNTER]		=
		NLA_POLICY_NESTED(strata_counter_policy),
	[STRATA_A_FLOW]			=
		STRATA_REPLY_ONLY("STRATA_A_FLOW appears only in events"),
};

/**
 * strata_cmd_attrs() - the top-level attributes a request may carry
 * @cmd: the command
 * @dump: the request is a dump (NLM_F_DUMP)
 *
 * Return: a mask of BIT(STRATA_A_*).
 */
u32 strata_cmd_attrs(u8 cmd, bool dump)
{
	switch (cmd) {
	case STRATA_CMD_NEW_TIER:
	case STRATA_CMD_DEL_TIER:
	case STRATA_CMD_GET_TIER:
		return BIT(STRATA_A_TIER);
	case STRATA_CMD_NEW_POLICY:
	case STRATA_CMD_DEL_POLICY:
	case STRATA_CMD_GET_POLICY:
		return BIT(STRATA_A_POLICY);
	case STRATA_CMD_NEW_IPSET:
	case STRATA_CMD_DEL_IPSET:
	case STRATA_CMD_GET_IPSET:
	case STRATA_CMD_GET_MEMBERS:
		return BIT(STRATA_A_IPSET);
	case STRATA_CMD_ADD_MEMBERS:
	case STRATA_CMD_DEL_MEMBERS:
		return BIT(STRATA_A_IPSET) | BIT(STRATA_A_FLAGS);
	case STRATA_CMD_NEW_ENDPOINT:
	case STRATA_CMD_DEL_ENDPOINT:
	case STRATA_CMD_GET_ENDPOINT:
		return BIT(STRATA_A_ENDPOINT);
	case STRATA_CMD_SET_SETTINGS:
		return BIT(STRATA_A_SETTINGS);
	case STRATA_CMD_GET_COUNTERS:
	case STRATA_CMD_RESET_COUNTERS:
		return BIT(STRATA_A_COUNTER);
	default:
		return 0;
	}
}
