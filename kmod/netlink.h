/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STRATA_NETLINK_H
#define _STRATA_NETLINK_H

int strata_genl_init(void);
void strata_genl_uninit(void);

#endif /* _STRATA_NETLINK_H */
