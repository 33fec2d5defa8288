/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fallback release version, used when the tree is built outside git (for
 * example by DKMS from /usr/src). Kbuild passes STRATA_VERSION from
 * `git describe` when it can.
 */
#ifndef _STRATA_VERSION_H
#define _STRATA_VERSION_H

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.1.0"
#endif

#endif /* _STRATA_VERSION_H */
