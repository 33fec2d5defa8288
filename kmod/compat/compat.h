/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every kernel-side compilation unit (see Kbuild).
 *
 * Strata is developed and tested on Debian 12's 6.1 LTS kernel. Shims for
 * other kernels live here and in Kbuild.include only, and are chosen by
 * probing the target's headers for the feature they need (macros named
 * STRATA_COMPAT_*), never by comparing version numbers. The supported
 * range (6.1 and later) is enforced the same way: Kbuild.include stops the
 * build when a required feature is missing.
 */
#ifndef _STRATA_COMPAT_H
#define _STRATA_COMPAT_H

/*
 * GENL_MCAST_CAP_NET_ADMIN: multicast groups restricted to CAP_NET_ADMIN
 * over the socket's network namespace (mainline 6.8, backported to 6.1.y).
 * Kernels without it offer no per-family bind hook either, so netlink.c
 * then registers the groups but sends nothing on them: events must never
 * reach unprivileged subscribers.
 */
#ifdef STRATA_COMPAT_NO_GENL_MCAST_CAP
#define GENL_MCAST_CAP_NET_ADMIN 0
#endif

#endif /* _STRATA_COMPAT_H */
