// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>
#include "strata.h"
#include "nl.h"

static int parse_version(const struct nlmsghdr *nlh,
			 const struct nlattr *const *tb, void *arg,
			 struct strata_err *err)
{
	struct strata_version_info *v = arg;
	size_t n;

	if (!tb[STRATA_A_VERSION_ABI] || !tb[STRATA_A_VERSION_GENL] ||
	    !tb[STRATA_A_VERSION_MODULE] || !tb[STRATA_A_GENERATION] ||
	    nla_len(tb[STRATA_A_VERSION_ABI]) < 4 ||
	    nla_len(tb[STRATA_A_VERSION_GENL]) < 4 ||
	    nla_len(tb[STRATA_A_GENERATION]) < 8)
		return -EBADMSG;
	memcpy(&v->abi, nla_data(tb[STRATA_A_VERSION_ABI]), sizeof(v->abi));
	memcpy(&v->genl, nla_data(tb[STRATA_A_VERSION_GENL]), sizeof(v->genl));
	memcpy(&v->generation, nla_data(tb[STRATA_A_GENERATION]),
	       sizeof(v->generation));
	n = (size_t)nla_len(tb[STRATA_A_VERSION_MODULE]);
	if (n >= sizeof(v->module))
		n = sizeof(v->module) - 1;
	memcpy(v->module, nla_data(tb[STRATA_A_VERSION_MODULE]), n);
	v->module[n] = '\0';
	return 0;
}

/**
 * strata_get_version() - the module's versions and committed generation
 * @nl: the handle
 * @v: filled in
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_get_version(struct strata_nl *nl, struct strata_version_info *v,
		       struct strata_err *err)
{
	struct strata_reqv rv;
	int ret;

	memset(v, 0, sizeof(*v));
	strata_err_clear(err);
	strata_reqv_init(&rv, nl->family, 0);
	ret = strata_enc_simple(&rv, STRATA_CMD_GET_VERSION, 0, err);
	if (!ret)
		ret = strata_nl_do(nl, &rv.v[0], parse_version, v, NULL, err);
	strata_reqv_free(&rv);
	return ret;
}
