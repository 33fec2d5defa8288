// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include "strata.h"
#include "nl.h"

static int parse_version(struct nl_msg *msg, void *arg)
{
	struct strata_version_info *v = arg;
	struct nlattr *tb[STRATA_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, STRATA_A_MAX, NULL) < 0)
		return -EBADMSG;
	if (!tb[STRATA_A_VERSION_ABI] || !tb[STRATA_A_VERSION_GENL] ||
	    !tb[STRATA_A_VERSION_MODULE] || !tb[STRATA_A_GENERATION])
		return -EBADMSG;
	v->abi = nla_get_u32(tb[STRATA_A_VERSION_ABI]);
	v->genl = nla_get_u32(tb[STRATA_A_VERSION_GENL]);
	nla_strlcpy(v->module, tb[STRATA_A_VERSION_MODULE], sizeof(v->module));
	v->generation = nla_get_u64(tb[STRATA_A_GENERATION]);
	return 0;
}

int strata_get_version(struct strata_nl *nl, struct strata_version_info *v,
		       struct strata_err *err)
{
	struct nl_msg *msg = strata_nl_msg(nl, STRATA_CMD_GET_VERSION, 0);
	int ret;

	if (!msg)
		return strata_err_set(err, -ENOMEM, "out of memory");
	memset(v, 0, sizeof(*v));
	ret = strata_nl_transact(nl, msg, parse_version, v, err);
	nlmsg_free(msg);
	return ret;
}
