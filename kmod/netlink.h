/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STRATA_NETLINK_H
#define _STRATA_NETLINK_H

#include <linux/types.h>

struct net;

int strata_genl_init(void);
void strata_genl_uninit(void);
void strata_genl_notify_commit(struct net *net, u64 gen);

#endif /* _STRATA_NETLINK_H */
