// SPDX-License-Identifier: GPL-2.0
/*
 * The "strata" generic netlink family. include/uapi/linux/strata.h documents
 * every command and attribute.
 *
 * DOC: Permissions
 *
 * Every operation is flagged GENL_UNS_ADMIN_PERM, so the genetlink core
 * refuses callers without CAP_NET_ADMIN over the user namespace owning the
 * socket's network namespace before a handler runs. Multicast groups carry
 * GENL_MCAST_CAP_NET_ADMIN for the same check at subscription time.
 */
#include <net/genetlink.h>
#include <linux/strata.h>
#include "strata.h"
#include "netlink.h"
#include "version.h"

static const struct nla_policy strata_policy[STRATA_A_MAX + 1] = {
	[STRATA_A_VERSION_ABI]		= { .type = NLA_U32 },
	[STRATA_A_VERSION_GENL]		= { .type = NLA_U32 },
	[STRATA_A_VERSION_MODULE]	= { .type = NLA_NUL_STRING,
					    .len = STRATA_VERSION_LEN - 1 },
	[STRATA_A_GENERATION]		= { .type = NLA_U64 },
	[STRATA_A_PAD]			= { .type = NLA_REJECT },
};

static struct genl_family strata_genl_family;

static int strata_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &strata_genl_family, 0,
				STRATA_CMD_GET_VERSION);
	if (!hdr)
		goto nospace;
	if (nla_put_u32(msg, STRATA_A_VERSION_ABI, STRATA_ABI_VERSION) ||
	    nla_put_u32(msg, STRATA_A_VERSION_GENL, STRATA_GENL_VERSION) ||
	    nla_put_string(msg, STRATA_A_VERSION_MODULE, STRATA_VERSION) ||
	    nla_put_u64_64bit(msg, STRATA_A_GENERATION, strata_generation(sn),
			      STRATA_A_PAD))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops strata_genl_ops[] = {
	{
		.cmd = STRATA_CMD_GET_VERSION,
		.doit = strata_get_version,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family strata_genl_family __ro_after_init = {
	.name = STRATA_GENL_NAME,
	.version = STRATA_GENL_VERSION,
	.maxattr = STRATA_A_MAX,
	.policy = strata_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = strata_genl_ops,
	.n_small_ops = ARRAY_SIZE(strata_genl_ops),
};

int __init strata_genl_init(void)
{
	return genl_register_family(&strata_genl_family);
}

void strata_genl_uninit(void)
{
	genl_unregister_family(&strata_genl_family);
}
