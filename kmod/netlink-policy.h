/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attribute policies of the "strata" generic netlink family, one table per
 * nest of include/uapi/linux/strata.h.
 */
#ifndef _STRATA_NETLINK_POLICY_H
#define _STRATA_NETLINK_POLICY_H

#include <net/netlink.h>
#include <linux/strata.h>

extern const struct nla_policy strata_policy[STRATA_A_MAX + 1];
extern const struct nla_policy strata_tier_policy[STRATA_TIER_A_MAX + 1];
extern const struct nla_policy strata_policy_policy[STRATA_POLICY_A_MAX + 1];
extern const struct nla_policy strata_rule_policy[STRATA_RULE_A_MAX + 1];
extern const struct nla_policy strata_ent_policy[STRATA_ENT_A_MAX + 1];
extern const struct nla_policy strata_ipset_policy[STRATA_IPSET_A_MAX + 1];
extern const struct nla_policy strata_ep_policy[STRATA_EP_A_MAX + 1];
extern const struct nla_policy strata_counter_policy[STRATA_CTR_A_MAX + 1];
extern const struct nla_policy strata_lists_policy[__STRATA_LIST_MAX + 1];
extern const struct nla_policy strata_tierref_policy[STRATA_TIERREF_A_MAX + 1];
extern const struct nla_policy strata_settings_policy[STRATA_SET_A_MAX + 1];

u32 strata_cmd_attrs(u8 cmd, bool dump);

#endif /* _STRATA_NETLINK_POLICY_H */
