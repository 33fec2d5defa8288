/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to libstrata: the generic netlink transport. */
#ifndef STRATA_LIB_NL_H
#define STRATA_LIB_NL_H

#include <netlink/netlink.h>
#include <netlink/msg.h>

struct strata_nl {
	struct nl_sock *sk;
	int family;
};

typedef int (*strata_nl_parse_fn)(struct nl_msg *msg, void *arg);

int strata_nl_parse_error(const struct nlmsghdr *nlh, struct strata_err *err);
struct nl_msg *strata_nl_msg(struct strata_nl *nl, uint8_t cmd, int flags);
int strata_nl_transact(struct strata_nl *nl, struct nl_msg *msg,
		       strata_nl_parse_fn parse, void *arg,
		       struct strata_err *err);

#endif /* STRATA_LIB_NL_H */
