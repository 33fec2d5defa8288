/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STRATA_NETLINK_H
#define _STRATA_NETLINK_H

#include <linux/types.h>

struct net;

int strata_genl_init(void);
void strata_genl_uninit(void);
void strata_genl_notify_commit(struct net *net, u64 gen);

struct sk_buff;
bool strata_genl_has_flow_listeners(struct net *net);
void *strata_genl_put_flow_header(struct sk_buff *msg);
int strata_genl_send_flow(struct net *net, struct sk_buff *msg);

#endif /* _STRATA_NETLINK_H */
